//! Python RQ 2.12 in a virtualenv, for interop tests. The venv lives under the cargo
//! target folder and is created on first use (or by `.ci/run` ahead of time).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// What the interop tests install; `.ci/run` installs the same list.
const PACKAGES: [&str; 4] = ["rq==2.12.0", "rq-dashboard==0.9.0", "six", "supervisor"];
/// Names the installed set, so a venv made for an older list is refreshed.
const MARKER: &str = ".bench-test-deps-2";

/// The venv folder: `$BENCH_TEST_VENV`, else `<target>/tmp/rq-venv`.
pub fn venv() -> PathBuf {
    std::env::var_os("BENCH_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rq-venv"))
}

/// The venv's executables, creating the venv once per test run if it is missing.
pub fn bin(name: &str) -> PathBuf {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(ensure_venv);
    venv().join("bin").join(name)
}

fn ensure_venv() {
    let dir = venv();
    let marker = dir.join(MARKER);
    if marker.exists() {
        return;
    }
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    // Several test binaries may start at once: take a file lock around the install.
    let lock = std::fs::File::create(dir.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if marker.exists() {
        return;
    }
    let run = |cmd: &mut Command, what: &str| {
        let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed:\n{}\n{}\nhint: run `bash .ci/run`, which installs Python RQ into {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            dir.display()
        );
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&dir),
        "python3 -m venv (install python3-venv)",
    );
    run(
        Command::new(dir.join("bin/pip"))
            .args(["install", "-q"])
            .args(PACKAGES),
        "pip install rq",
    );
    std::fs::write(&marker, "").unwrap();
}

/// The folder with the Python helpers used by tests (`tasks.py`, `rq_tool.py`).
pub fn py_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py")
}

/// Runs the venv's python with `args` and the test helpers importable, asserting it
/// succeeds; `what` names the run in the failure message.
fn python(args: &[&std::ffi::OsStr], what: &str) -> Output {
    let out = Command::new(bin("python"))
        .args(args)
        .env("PYTHONPATH", py_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python {what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the venv's python on `tests/py/<script>` with `args`.
pub fn script(script: &str, args: &[&str]) -> Output {
    let path = py_dir().join(script);
    let mut all = vec![path.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    python(&all, &format!("{script} {args:?}"))
}

/// Runs `rq <args>` from the venv with the test tasks importable.
pub fn rq(args: &[&str]) -> Output {
    Command::new(bin("rq"))
        .args(args)
        .env("PYTHONPATH", py_dir())
        .current_dir(py_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs a Python snippet with the venv's interpreter, asserting it succeeds.
pub fn code(prog: &str) -> Output {
    python(&["-c".as_ref(), prog.as_ref()], &format!("-c {prog:?}"))
}
