//! The same interop matrix against real Python RQ 1.15.1 (Frappe 15's pin) and RQ
//! 2.12, with `[redis] rq` set to each one's layout: their workers run bench's jobs,
//! bench runs theirs, and their registries, `rq info` and `Job.fetch` read bench's jobs,
//! including while they run. Left at `auto`, the layout follows the Python RQ workers
//! registered on the Redis.

use serde_json::Value as Json;

use crate::harness::python::{Rq, py_dir};
use crate::harness::{Env, signal, wait_exit, wait_for};

fn hooks(rq: Rq) -> String {
    format!(
        "[redis]\nrq = \"{}\"\n[python]\nexecutable = {:?}\npath = [{:?}]\npreload = [\"tasks\"]\n",
        rq.layout(),
        rq.bin("python").display().to_string(),
        py_dir().display().to_string()
    )
}

fn rq_job(rq: Rq, env: &Env, id: &str) -> Json {
    let url = env.redis.url();
    serde_json::from_slice(&rq.script("rq_tool.py", &["job", &url, id]).stdout).unwrap()
}

#[test]
fn python_rq_1_and_2_run_bench_jobs_and_bench_runs_theirs() {
    for rq in Rq::BOTH {
        let env = Env::with_hooks(&hooks(rq));
        let url = env.redis.url();
        // Theirs run ours.
        let add = env.enqueue(&["tasks.add", "--args", "[1, 2]", "--kwargs", r#"{"c": 39}"#]);
        let boom = env.enqueue(&["tasks.boom", "--kwargs", r#"{"msg": "kaput"}"#]);
        let py = py_dir();
        let out = rq.rq(&[
            "worker",
            "--burst",
            "-u",
            &url,
            "--path",
            py.to_str().unwrap(),
            "default",
        ]);
        assert!(
            out.status.success(),
            "{rq:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let job = rq_job(rq, &env, &add);
        assert_eq!(job["status"], "finished", "{rq:?}: {job}");
        assert_eq!(job["return_value"], 42, "{rq:?}");
        let job = rq_job(rq, &env, &boom);
        assert_eq!(job["status"], "failed", "{rq:?}");
        assert!(
            job["exc_string"]
                .as_str()
                .unwrap()
                .contains("ValueError: kaput"),
            "{rq:?}"
        );

        // Ours run theirs, and they read the results.
        for (func, args, id) in [
            ("tasks.add", "[20, 22]", "py-add"),
            ("tasks.boom", "[]", "py-boom"),
        ] {
            rq.script(
                "rq_tool.py",
                &["enqueue", &url, "default", func, "--args", args, "--id", id],
            );
        }
        env.bench().args(["worker", "--burst"]).ok();
        let job = rq_job(rq, &env, "py-add");
        assert_eq!(
            (job["status"].clone(), job["return_value"].clone()),
            ("finished".into(), 42.into()),
            "{rq:?}"
        );
        let job = rq_job(rq, &env, "py-boom");
        assert_eq!(job["status"], "failed", "{rq:?}");
        assert!(
            job["exc_string"]
                .as_str()
                .unwrap()
                .contains("ValueError: boom"),
            "{rq:?}"
        );
    }
}

#[test]
fn their_registries_job_fetch_and_rq_info_see_a_running_bench_job() {
    for rq in Rq::BOTH {
        let env = Env::with_hooks(&hooks(rq));
        let url = env.redis.url();
        let id = env.enqueue(&["tasks.slow", "--args", "[30]"]);
        let mut w = env
            .bench()
            .args(["worker", "--name", "benchw", "--queue", "default"])
            .spawn(env.dir.path(), "w");
        wait_for(20.0, "the job to start", || env.status(&id) == "started");
        let seen: Json = serde_json::from_slice(
            &rq.script("rq_tool.py", &["started", &url, "default"])
                .stdout,
        )
        .unwrap();
        assert_eq!(seen["ids"], serde_json::json!([id]), "{rq:?}: {seen}");
        assert_eq!(seen["jobs"][&id]["status"], "started", "{rq:?}: {seen}");
        assert_eq!(seen["jobs"][&id]["func_name"], "tasks.slow", "{rq:?}");
        let worker = seen["workers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == "benchw")
            .unwrap_or_else(|| panic!("{rq:?}: {seen}"));
        assert_eq!(worker["state"], "busy", "{rq:?}: {seen}");
        assert_eq!(worker["current_job"], id.as_str(), "{rq:?}: {seen}");
        let info = rq.rq(&["info", "-u", &url]);
        let text = String::from_utf8_lossy(&info.stdout);
        assert!(
            info.status.success() && text.contains("benchw") && text.contains("busy"),
            "{rq:?}: {text}"
        );

        env.bench().args(["jobs", "stop", &id]).ok();
        wait_for(15.0, "the job to stop", || env.status(&id) == "stopped");
        let after: Json = serde_json::from_slice(
            &rq.script("rq_tool.py", &["started", &url, "default"])
                .stdout,
        )
        .unwrap();
        assert_eq!(after["ids"], serde_json::json!([]), "{rq:?}: {after}");
        signal(&w, nix::sys::signal::Signal::SIGTERM);
        assert_eq!(wait_exit(&mut w, 15.0), Some(0));
    }
}

#[test]
fn auto_follows_the_python_rq_workers_on_the_redis() {
    let env = Env::new();
    let url = env.redis.url();
    let doctor = |env: &Env| -> Json {
        serde_json::from_str(&env.bench().args(["doctor", "--json"]).run().stdout()).unwrap()
    };
    let d = doctor(&env);
    assert_eq!(d["rq_layout"]["rq"], 2, "{d}");
    assert!(
        d["rq_layout"]["why"]
            .as_str()
            .unwrap()
            .contains("no Python RQ worker"),
        "{d}"
    );

    // A Frappe 15 style RQ 1.15 worker registers: bench switches to RQ 1's layout.
    let mut py = std::process::Command::new(Rq::V1.bin("rq"))
        .args(["worker", "-u", &url, "--name", "frappe-w", "elsewhere"])
        .current_dir(py_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let guard = scopeguard(&mut py);
    wait_for(20.0, "the RQ 1.15 worker to register", || {
        redis::Commands::sismember::<_, _, bool>(
            &mut env.conn(),
            "rq:workers",
            "rq:worker:frappe-w",
        )
        .unwrap()
    });
    let d = doctor(&env);
    assert_eq!(d["rq_layout"]["rq"], 1, "{d}");
    let why = d["rq_layout"]["why"].as_str().unwrap();
    assert!(why.contains("frappe-w") && why.contains("1.15.1"), "{why}");

    // Its jobs are filed as RQ 1.15 files them: plain ids in the started registry.
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 30}"#]);
    let mut w = env
        .bench()
        .args(["worker", "--queue", "default"])
        .spawn(env.dir.path(), "w");
    wait_for(20.0, "the job to start", || env.status(&id) == "started");
    let members: Vec<String> =
        redis::Commands::zrange(&mut env.conn(), "rq:wip:default", 0, -1).unwrap();
    assert_eq!(members, std::slice::from_ref(&id));
    let executions: bool =
        redis::Commands::exists(&mut env.conn(), format!("rq:executions:{id}")).unwrap();
    assert!(!executions, "RQ 1 keeps no execution records");
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    wait_for(10.0, "the warm stop to begin", || {
        std::fs::read_to_string(env.path("w.out")).is_ok_and(|l| l.contains("Warm shutdown"))
    });
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 15.0), Some(0));

    // Told otherwise, doctor says the layouts disagree.
    env.write_hooks("[redis]\nrq = \"2\"\n");
    let out = env.bench().args(["doctor"]).run().code(1).stdout();
    assert!(
        out.contains("RQ layout: 2 ([redis] rq = \"2\"") && out.contains("frappe-w runs RQ 1.15.1"),
        "{out}"
    );
    drop(guard);
}

/// Kills a spawned process when the test ends, passing or not.
fn scopeguard(child: &mut std::process::Child) -> impl Drop + '_ {
    struct Kill<'a>(&'a mut std::process::Child);
    impl Drop for Kill<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    Kill(child)
}
