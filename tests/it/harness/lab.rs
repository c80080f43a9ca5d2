//! A real Frappe 15 bench and site (`../shared/frappe/lab.sh`: Frappe 15.44.2 with RQ
//! 1.15.1 on the machine's MariaDB), pointed at a test's own redis-server. The lab is
//! built once (a couple of minutes, or ahead of time by `.ci/run`); each test re-points
//! it at its Redis, so tests that use it take turns.

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

/// The lab, as `lab.sh` describes it.
#[derive(Debug, Clone)]
pub struct Lab {
    pub bench: PathBuf,
    pub sites: PathBuf,
    pub python: PathBuf,
    pub site: String,
    pub bench_id: String,
}

/// Where `lab.sh` is: `$BENCH_FRAPPE_LAB_SH`, else the shared reference folder next to
/// the project.
pub fn lab_sh() -> PathBuf {
    if let Some(p) = std::env::var_os("BENCH_FRAPPE_LAB_SH") {
        return PathBuf::from(p);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        root.join("../shared/frappe/lab.sh"),
        PathBuf::from("/work/shared/frappe/lab.sh"),
    ];
    candidates
        .iter()
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "Frappe lab script not found at {candidates:?}; set BENCH_FRAPPE_LAB_SH to shared/frappe/lab.sh"
            )
        })
}

/// The lab folder: `$BENCH_FRAPPE_LAB_DIR`, else under the target folder.
fn dir() -> PathBuf {
    std::env::var_os("BENCH_FRAPPE_LAB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("frappe-lab"))
}

static TURN: Mutex<()> = Mutex::new(());

/// The lab, pointed at `redis_url`, and this test's turn with it.
pub fn lab(redis_url: &str) -> (MutexGuard<'static, ()>, Lab) {
    let turn = TURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = Command::new("bash")
        .arg(lab_sh())
        .arg(dir())
        .arg("lab.local")
        .env("LAB_BENCH_ID", "benchlab")
        .env("LAB_REDIS_URL", redis_url.trim_end_matches("/0"))
        .output()
        .expect("bash runs lab.sh");
    assert!(
        out.status.success(),
        "lab.sh failed (MariaDB must answer on 127.0.0.1:3306):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars: std::collections::HashMap<String, String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect();
    let get = |k: &str| {
        vars.get(k)
            .cloned()
            .unwrap_or_else(|| panic!("lab.sh printed no {k}"))
    };
    (
        turn,
        Lab {
            bench: PathBuf::from(get("LAB_BENCH")),
            sites: PathBuf::from(get("LAB_SITES")),
            python: PathBuf::from(get("LAB_PYTHON")),
            site: get("LAB_SITE"),
            bench_id: get("LAB_BENCH_ID"),
        },
    )
}

impl Lab {
    /// Runs the lab's python on `args` from the sites folder, asserting success.
    pub fn python(&self, args: &[&str]) -> String {
        let out = Command::new(&self.python)
            .args(args)
            .current_dir(&self.sites)
            .env("PYTHONPATH", super::python::py_dir())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "lab python {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `frappe.enqueue` through the lab's own enqueue script; the job ids.
    pub fn frappe_enqueue(&self, args: &[&str]) -> Vec<String> {
        let script = lab_sh().with_file_name("enqueue.py");
        let mut all = vec![script.to_str().unwrap(), "--site", &self.site];
        all.extend_from_slice(args);
        self.python(&all).lines().map(str::to_owned).collect()
    }

    /// Frappe's own view (`tests/py/frappe_desk.py`), as JSON.
    pub fn desk(&self, args: &[&str]) -> serde_json::Value {
        let script = super::python::py_dir().join("frappe_desk.py");
        let mut all = vec![script.to_str().unwrap(), &self.site];
        all.extend_from_slice(args);
        let out = self.python(&all);
        serde_json::from_str(out.lines().last().unwrap_or("null"))
            .unwrap_or_else(|e| panic!("frappe_desk.py {args:?}: {e}\n{out}"))
    }
}
