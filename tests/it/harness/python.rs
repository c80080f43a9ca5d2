//! Python RQ in virtualenvs, for interop tests: RQ 2.12 (with rq-dashboard,
//! supervisor and frappe-bench) and RQ 1.15.1 (Frappe 15's pin, with its redis-py). The venvs live under
//! the cargo target folder and are created on first use (or by `.ci/run` ahead of time).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// A Python RQ release the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rq {
    /// RQ 1.15.1, as Frappe 15 pins it.
    V1,
    /// RQ 2.12.
    V2,
}

impl Rq {
    pub const BOTH: [Rq; 2] = [Rq::V1, Rq::V2];

    /// The `[redis] rq` value for this release's layout.
    pub fn layout(self) -> &'static str {
        match self {
            Rq::V1 => "1",
            Rq::V2 => "2",
        }
    }

    /// What its venv installs; `.ci/run` installs the same lists.
    fn packages(self) -> &'static [&'static str] {
        match self {
            Rq::V1 => &["rq==1.15.1", "redis==4.5.5"],
            Rq::V2 => &[
                "rq==2.12.0",
                "rq-dashboard==0.9.0",
                "six",
                "supervisor",
                "frappe-bench==5.31.1",
                "prometheus-client==0.26.0",
            ],
        }
    }

    /// Names the installed set, so a venv made for an older list is refreshed.
    fn marker(self) -> &'static str {
        match self {
            Rq::V1 => ".bench-test-deps-rq1-1",
            Rq::V2 => ".bench-test-deps-4",
        }
    }

    /// The venv folder: `$BENCH_TEST_VENV` (`$BENCH_TEST_VENV_RQ1`), else under the
    /// target folder.
    pub fn venv(self) -> PathBuf {
        let (var, name) = match self {
            Rq::V1 => ("BENCH_TEST_VENV_RQ1", "rq1-venv"),
            Rq::V2 => ("BENCH_TEST_VENV", "rq-venv"),
        };
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name))
    }

    /// An executable of the venv, creating the venv once per test run if it is missing.
    pub fn bin(self, name: &str) -> PathBuf {
        static READY: [OnceLock<()>; 2] = [OnceLock::new(), OnceLock::new()];
        READY[self as usize].get_or_init(|| ensure_venv(self));
        self.venv().join("bin").join(name)
    }

    /// Runs this release's python on `tests/py/<script>` with `args`, asserting success.
    pub fn script(self, script: &str, args: &[&str]) -> Output {
        let path = py_dir().join(script);
        let mut all = vec![path.as_os_str()];
        all.extend(args.iter().map(std::ffi::OsStr::new));
        python(self, &all, &format!("{script} {args:?}"))
    }

    /// Runs this release's `rq <args>` with the test tasks importable.
    pub fn rq(self, args: &[&str]) -> Output {
        Command::new(self.bin("rq"))
            .args(args)
            .env("PYTHONPATH", py_dir())
            .current_dir(py_dir())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

/// The RQ 2.12 venv folder.
pub fn venv() -> PathBuf {
    Rq::V2.venv()
}

/// An executable of the RQ 2.12 venv.
pub fn bin(name: &str) -> PathBuf {
    Rq::V2.bin(name)
}

fn ensure_venv(rq: Rq) {
    let dir = rq.venv();
    let marker = dir.join(rq.marker());
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
    let _ = std::fs::remove_dir_all(&dir);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&dir),
        "python3 -m venv (install python3-venv)",
    );
    run(
        Command::new(dir.join("bin/pip"))
            .args(["install", "-q"])
            .args(rq.packages()),
        "pip install rq",
    );
    std::fs::write(&marker, "").unwrap();
}

/// The folder with the Python helpers used by tests (`tasks.py`, `rq_tool.py`).
pub fn py_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py")
}

/// Runs a venv's python with `args` and the test helpers importable, asserting it
/// succeeds; `what` names the run in the failure message.
fn python(rq: Rq, args: &[&std::ffi::OsStr], what: &str) -> Output {
    let out = Command::new(rq.bin("python"))
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

/// Runs the RQ 2.12 python on `tests/py/<script>` with `args`.
pub fn script(script: &str, args: &[&str]) -> Output {
    Rq::V2.script(script, args)
}

/// Runs RQ 2.12's `rq <args>` with the test tasks importable.
pub fn rq(args: &[&str]) -> Output {
    Rq::V2.rq(args)
}

/// Runs a Python snippet with the RQ 2.12 interpreter, asserting it succeeds.
pub fn code(prog: &str) -> Output {
    python(
        Rq::V2,
        &["-c".as_ref(), prog.as_ref()],
        &format!("-c {prog:?}"),
    )
}
