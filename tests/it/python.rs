//! Python jobs in each `[python] isolation` mode: the warm host's forked (`fork`) and
//! reused (`reuse`) children, and a fresh interpreter per job (`interpreter`). Every
//! test runs real Python against a real redis-server, and reads results back with
//! Python RQ.

use nix::sys::signal::Signal;
use redis::Commands;
use serde_json::{Value as Json, json};

use crate::harness::python::{self, py_dir};
use crate::harness::{Env, process_running, signal, wait_exit, wait_for};

const MODES: [&str; 3] = ["fork", "reuse", "interpreter"];

fn hooks(mode: &str, extra: &str) -> String {
    format!(
        "[python]\nexecutable = {:?}\npath = [{:?}]\npreload = [\"tasks\"]\nisolation = \"{mode}\"\n{extra}\n[worker]\nkill_grace = 1\n",
        python::bin("python").display().to_string(),
        py_dir().display().to_string()
    )
}

fn rq_job(env: &Env, id: &str, json: bool) -> Json {
    let url = env.redis.url();
    let mut args = vec!["job", &url, id];
    if json {
        args.push("--json");
    }
    serde_json::from_slice(&python::script("rq_tool.py", &args).stdout).unwrap()
}

fn rq_enqueue(env: &Env, func: &str, args: &str, kwargs: &str, id: &str, json: bool) {
    let url = env.redis.url();
    let mut a = vec![
        "enqueue", &url, "default", func, "--args", args, "--kwargs", kwargs, "--id", id,
    ];
    if json {
        a.push("--json");
    }
    python::script("rq_tool.py", &a);
}

/// Whether the process `pid` is gone (or only a zombie waiting to be reaped).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn every_mode_runs_python_rq_jobs_with_their_types_results_and_tracebacks() {
    for mode in MODES {
        for json_ser in [false, true] {
            let ser = if json_ser { "json" } else { "pickle" };
            let env = Env::with_hooks(&format!(
                "[redis]\nserializer = \"{ser}\"\n{}",
                hooks(mode, "")
            ));
            rq_enqueue(&env, "tasks.add", "[1, 2]", r#"{"c": 39}"#, "add", json_ser);
            rq_enqueue(
                &env,
                "tasks.boom",
                "[]",
                r#"{"msg": "zap"}"#,
                "boom",
                json_ser,
            );
            rq_enqueue(&env, "tasks.chatty", "[\"t1\"]", "{}", "chatty", json_ser);
            if !json_ser {
                let url = env.redis.url();
                python::script(
                    "rq_tool.py",
                    &[
                        "enqueue",
                        &url,
                        "default",
                        "tasks.types",
                        "--exotic",
                        "--id",
                        "types",
                    ],
                );
            }
            let out = env.bench().args(["worker", "--burst", "-n", "2"]).ok();
            let what = format!("{mode}/{ser}");

            let py = rq_job(&env, "add", json_ser);
            assert_eq!(py["status"], "finished", "{what}: {py}");
            assert_eq!(py["return_value"], 42, "{what}");
            let py = rq_job(&env, "boom", json_ser);
            assert_eq!(py["status"], "failed", "{what}");
            let tb = py["exc_string"].as_str().unwrap();
            assert!(
                tb.contains("Traceback")
                    && tb.contains("tasks.py")
                    && tb.contains("ValueError: zap"),
                "{what}: {tb}"
            );
            assert_eq!(rq_job(&env, "chatty", json_ser)["return_value"], "t1");
            if !json_ser {
                assert_eq!(
                    rq_job(&env, "types", false)["return_value"],
                    json!({"when": "datetime", "tags": "set", "raw": "bytes", "pair": "tuple"}),
                    "{what}: pickled arguments keep their Python types"
                );
            }
            // What a job prints reaches the worker's log, tagged with its id.
            let (stdout, stderr) = (out.stdout(), out.stderr());
            let both = format!("{stdout}{stderr}");
            assert!(both.contains("job chatty: out line t1"), "{what}: {both}");
            assert!(
                stderr.contains("job chatty: err line t1"),
                "{what}: {stderr}"
            );
        }
    }
}

#[test]
fn a_timeout_ends_the_job_and_its_processes_and_the_worker_goes_on() {
    for mode in MODES {
        let env = Env::with_hooks(&hooks(mode, ""));
        let marker = match mode {
            "fork" => "61.31",
            "reuse" => "61.32",
            _ => "61.33",
        };
        rq_enqueue(
            &env,
            "tasks.spawn_and_wait",
            &format!("[{marker}]"),
            "{}",
            "hang",
            false,
        );
        env.conn()
            .hset::<_, _, _, ()>("rq:job:hang", "timeout", 1)
            .unwrap();
        rq_enqueue(&env, "tasks.add", "[2, 3]", "{}", "after", false);
        let t0 = std::time::Instant::now();
        env.bench().args(["worker", "--burst"]).ok();
        assert!(
            t0.elapsed().as_secs_f64() < 15.0,
            "{mode}: the timeout cut the job short"
        );
        let py = rq_job(&env, "hang", false);
        assert_eq!(py["status"], "failed", "{mode}");
        let tb = py["exc_string"].as_str().unwrap();
        assert!(
            tb.contains("JobTimeoutException: Task exceeded maximum timeout value (1 seconds)"),
            "{mode}: {tb}"
        );
        assert!(
            !process_running(&format!("sleep {marker}")),
            "{mode}: the job's own child process must not survive its timeout"
        );
        assert_eq!(rq_job(&env, "after", false)["return_value"], 5, "{mode}");
    }
}

#[test]
fn bench_jobs_stop_ends_a_running_python_job_in_every_mode() {
    for mode in MODES {
        let env = Env::with_hooks(&hooks(mode, ""));
        rq_enqueue(&env, "tasks.slow", "[60]", "{}", "slow", false);
        let mut w = env.bench().args(["worker"]).spawn(env.dir.path(), "w");
        wait_for(20.0, "the job to start", || env.status("slow") == "started");
        env.bench().args(["jobs", "stop", "slow"]).ok();
        wait_for(15.0, "the job to stop", || env.status("slow") == "stopped");
        rq_enqueue(&env, "tasks.add", "[1, 1]", "{}", "next", false);
        wait_for(15.0, "the next job", || env.status("next") == "finished");
        signal(&w, Signal::SIGTERM);
        assert_eq!(wait_exit(&mut w, 15.0), Some(0), "{mode}");
    }
}

/// Enqueues a job and runs a burst worker that must fail to start (exit 1): the job's
/// id and the worker's stderr.
fn worker_that_cannot_start(env: &Env) -> (String, String) {
    let id = env.enqueue(&["tasks.add", "--args", "[1, 2]"]);
    let err = env
        .bench()
        .args(["worker", "--burst"])
        .run()
        .code(1)
        .stderr();
    (id, err)
}

#[test]
fn a_preload_that_fails_stops_the_worker_with_the_module_and_traceback() {
    for (module, says) in [
        ("broken_app", "RuntimeError: the app's settings are missing"),
        ("no_such_module_anywhere", "ModuleNotFoundError"),
    ] {
        let env = Env::with_hooks(&hooks("fork", "").replace(
            "preload = [\"tasks\"]",
            &format!("preload = [\"tasks\", \"{module}\"]"),
        ));
        let (id, err) = worker_that_cannot_start(&env);
        assert!(
            err.contains(&format!("could not import `{module}`"))
                && err.contains("Traceback")
                && err.contains(says),
            "{err}"
        );
        assert_eq!(env.status(&id), "queued", "no job was taken");
        let workers: i64 = env.conn().scard("rq:workers").unwrap();
        assert_eq!(workers, 0, "the worker never registered");
    }
}

/// A host that cannot start says whether the interpreter or its working folder is
/// missing, and the worker takes no job.
#[test]
fn a_host_that_cannot_start_names_the_missing_interpreter_or_folder() {
    for (python, says) in [
        (
            "executable = \"/nonexistent/python3\"",
            "cannot start the Python host `/nonexistent/python3`: No such file or directory",
        ),
        (
            "cwd = \"no-such-folder\"",
            "no-such-folder does not exist; set [python] cwd to one that does",
        ),
    ] {
        let env = Env::with_hooks(&format!("[python]\n{python}\n"));
        let (id, err) = worker_that_cannot_start(&env);
        assert!(err.contains(says), "{err}");
        assert_eq!(env.status(&id), "queued", "no job was taken");
    }
}

#[test]
fn fork_mode_isolates_module_state_and_reuse_mode_recycles_children() {
    let counts = |env: &Env, ids: &[String]| -> Vec<(i64, i64)> {
        ids.iter()
            .map(|id| {
                let v = rq_job(env, id, false)["return_value"].clone();
                (v["count"].as_i64().unwrap(), v["pid"].as_i64().unwrap())
            })
            .collect()
    };
    // fork: each job starts from the host's state, in a process of its own.
    let env = Env::with_hooks(&hooks("fork", ""));
    let ids: Vec<String> = (0..3).map(|_| env.enqueue(&["tasks.counter"])).collect();
    env.bench().args(["worker", "--burst"]).ok();
    let got = counts(&env, &ids);
    assert!(got.iter().all(|(c, _)| *c == 1), "{got:?}");
    assert!(got[0].1 != got[1].1 && got[1].1 != got[2].1, "{got:?}");

    // reuse: one child keeps its state until max_jobs_per_child, then a new one starts.
    let env = Env::with_hooks(&hooks("reuse", "max_jobs_per_child = 2"));
    let ids: Vec<String> = (0..5).map(|_| env.enqueue(&["tasks.counter"])).collect();
    let out = env.bench().args(["worker", "--burst"]).ok().stdout();
    let got = counts(&env, &ids);
    let seq: Vec<i64> = got.iter().map(|(c, _)| *c).collect();
    assert_eq!(seq, [1, 2, 1, 2, 1], "{got:?}");
    assert_eq!(got[0].1, got[1].1);
    assert_ne!(got[1].1, got[2].1);
    assert!(out.contains("retired after 2 jobs"), "{out}");

    // reuse: a child past max_memory_per_child is replaced after its job.
    let env = Env::with_hooks(&hooks("reuse", "max_memory_per_child = 200"));
    let small = env.enqueue(&["tasks.counter"]);
    let big = env.enqueue(&["tasks.hog", "--args", "[300]"]);
    let after = env.enqueue(&["tasks.counter"]);
    let out = env.bench().args(["worker", "--burst"]).ok().stdout();
    let first = rq_job(&env, &small, false)["return_value"]["pid"].clone();
    let hog_pid = rq_job(&env, &big, false)["return_value"].clone();
    let next = rq_job(&env, &after, false)["return_value"].clone();
    assert_eq!(first, hog_pid, "the child was reused until it grew");
    assert_ne!(next["pid"], hog_pid, "the grown child was replaced");
    assert_eq!(next["count"], 1);
    assert!(out.contains("passed max_memory_per_child 200 MiB"), "{out}");
}

#[test]
fn a_segfault_fails_only_its_own_job() {
    for mode in ["fork", "reuse"] {
        let env = Env::with_hooks(&hooks(mode, ""));
        let crash = env.enqueue(&["tasks.segfault"]);
        let fine = env.enqueue(&["tasks.add", "--args", "[20, 22]"]);
        env.bench().args(["worker", "--burst"]).ok();
        assert_eq!(env.status(&crash), "failed", "{mode}");
        let tb = rq_job(&env, &crash, false)["exc_string"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            tb.contains("Work-horse terminated unexpectedly") && tb.contains("SIGSEGV"),
            "{mode}: {tb}"
        );
        assert_eq!(rq_job(&env, &fine, false)["return_value"], 42, "{mode}");
    }
}

#[test]
fn a_host_killed_mid_job_is_restarted_and_its_job_requeued() {
    for mode in ["fork", "reuse"] {
        let env = Env::with_hooks(&hooks(mode, ""));
        let pids = env.path("pids");
        let id = env.enqueue(&[
            "tasks.record_pids",
            "--kwargs",
            &json!({"path": pids.display().to_string(), "seconds": 3}).to_string(),
        ]);
        let mut w = env.bench().args(["worker"]).spawn(env.dir.path(), "w");
        wait_for(20.0, "the job to record its pids", || {
            std::fs::read_to_string(&pids).is_ok_and(|s| s.contains(' '))
        });
        let text = std::fs::read_to_string(&pids).unwrap();
        let (child, host) = text.split_once(' ').unwrap();
        let (child, host): (i32, i32) = (child.parse().unwrap(), host.parse().unwrap());
        std::fs::remove_file(&pids).unwrap();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(host), Signal::SIGKILL).unwrap();
        wait_for(10.0, "the job's child to die with its host", || gone(child));
        // The job runs again, on a new host, and finishes.
        wait_for(30.0, "the job to run again", || {
            std::fs::read_to_string(&pids).is_ok_and(|s| s.contains(' '))
        });
        let text = std::fs::read_to_string(&pids).unwrap();
        let new_host: i32 = text.split_once(' ').unwrap().1.parse().unwrap();
        assert_ne!(new_host, host, "{mode}: a new host runs the job");
        wait_for(20.0, "the job to finish", || env.status(&id) == "finished");
        let recoveries: String = env
            .conn()
            .hget(format!("rq:job:{id}"), "bench_recoveries")
            .unwrap();
        assert_eq!(recoveries, "1", "{mode}: counted as one recovery");
        signal(&w, Signal::SIGTERM);
        assert_eq!(wait_exit(&mut w, 15.0), Some(0));
        let log = std::fs::read_to_string(env.dir.path().join("w.err")).unwrap();
        assert!(
            log.contains("the Python host (PID")
                && log.contains("put back at the head of its queue"),
            "{mode}: {log}"
        );
    }
}

#[test]
fn a_worker_killed_with_sigkill_leaves_no_python_process() {
    for mode in ["fork", "reuse"] {
        let env = Env::with_hooks(&hooks(mode, ""));
        let pids = env.path("pids");
        env.enqueue(&[
            "tasks.record_pids",
            "--kwargs",
            &json!({"path": pids.display().to_string(), "seconds": 120}).to_string(),
        ]);
        let mut w = env
            .bench()
            .args(["worker", "-n", "2"])
            .spawn(env.dir.path(), "w");
        wait_for(20.0, "the job to record its pids", || {
            std::fs::read_to_string(&pids).is_ok_and(|s| s.contains(' '))
        });
        let text = std::fs::read_to_string(&pids).unwrap();
        let (child, host) = text.split_once(' ').unwrap();
        signal(&w, Signal::SIGKILL);
        let _ = w.wait();
        for pid in [child, host] {
            let pid: i32 = pid.parse().unwrap();
            wait_for(
                10.0,
                &format!("{mode}: Python process {pid} to die with the worker"),
                || gone(pid),
            );
        }
    }
}
