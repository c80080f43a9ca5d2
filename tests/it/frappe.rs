use std::collections::HashMap;

use nix::sys::signal::Signal;
use redis::Commands;
use serde_json::Value as Json;

use crate::harness::python;
use crate::harness::{Env, signal, wait_exit, wait_for};

fn frappe_env() -> Env {
    let env = Env::with_hooks("bench_id = \"b1\"\n");
    python::script("frappe_jobs.py", &[&env.redis.url(), "b1"]);
    env
}

fn jobs(env: &Env, args: &[&str]) -> Vec<Json> {
    env.bench()
        .args(args)
        .ok()
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn frappe_jobs_are_shown_by_their_real_method_site_and_event() {
    let env = frappe_env();
    let all = jobs(&env, &["jobs", "list", "--json"]);
    assert_eq!(all.len(), 4);
    let by: HashMap<&str, &Json> = all.iter().map(|j| (j["id"].as_str().unwrap(), j)).collect();
    let j = by["site1.local||erp.tasks.sync_stock"];
    assert_eq!(j["method"], "erp.tasks.sync_stock");
    assert_eq!(j["site"], "site1.local");
    assert_eq!(j["event"], "daily");
    assert_eq!(j["queue"], "b1:default");
    assert_eq!(j["kwargs"]["warehouse"], "Main");
    assert_eq!(
        by["site1.local||scheduled_job||erp.tasks.nightly"]["job_name"],
        "erp.tasks.nightly"
    );

    let site1 = jobs(&env, &["--site", "site1.local", "jobs", "list", "--json"]);
    assert_eq!(site1.len(), 3);
    let table = env
        .bench()
        .args(["jobs", "list", "--queue", "long"])
        .ok()
        .stdout();
    assert!(table.contains("erp.tasks.nightly (frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job)"), "{table}");

    let pending = env
        .bench()
        .args(["--site", "site1.local", "show-pending-jobs"])
        .ok()
        .stdout();
    assert!(
        pending.starts_with("-----Pending Jobs-----\n-----Queue :default-----\n"),
        "{pending}"
    );
    assert!(
        pending.contains("erp.tasks.sync_stock {'warehouse': 'Main'}")
            && !pending.contains("site2"),
        "{pending}"
    );
    assert!(pending.contains("-----Queue :long-----"), "{pending}");
}

#[test]
fn purge_jobs_and_retry_handle_frappe_jobs() {
    let env = frappe_env();
    let out = env
        .bench()
        .args(["--site", "site1.local", "purge-jobs", "--event", "daily"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Purged 1 jobs");
    assert!(
        !env.conn()
            .exists::<_, bool>("rq:job:site1.local||erp.tasks.sync_stock")
            .unwrap()
    );
    assert!(
        env.conn()
            .exists::<_, bool>("rq:job:site2.local||other")
            .unwrap(),
        "another site's job stays"
    );
    let out = env
        .bench()
        .args(["purge-jobs", "--queue", "long"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Purged 1 jobs");

    // A failed Frappe job retried goes back to its own prefixed queue.
    let id = "site1.local||erp.tasks.send_mail";
    let mut c = env.conn();
    let _: () = c.lrem("rq:queue:b1:default", 1, id).unwrap();
    let _: () = c.hset(format!("rq:job:{id}"), "status", "failed").unwrap();
    let _: () = c
        .zadd("rq:failed:b1:default", id, 9_999_999_999i64)
        .unwrap();
    let out = env
        .bench()
        .args(["--site", "site1.local", "jobs", "retry", "--all", "--yes"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Requeued 1 job");
    assert_eq!(
        c.lrange::<_, Vec<String>>("rq:queue:b1:default", -1, -1)
            .unwrap(),
        [id]
    );
}

#[test]
fn enqueue_now_event_and_job_name() {
    let env = Env::new();
    // --now runs in this process and needs no Redis at all.
    let out = env
        .bench()
        .args([
            "--redis-url",
            "redis://127.0.0.1:1/0",
            "enqueue",
            "bench.echo",
            "--kwargs",
            r#"{"x": [1, 2]}"#,
            "--now",
        ])
        .ok();
    assert_eq!(out.stdout().trim(), r#"{"x":[1,2]}"#);
    let out = env
        .bench()
        .args([
            "--redis-url",
            "redis://127.0.0.1:1/0",
            "enqueue",
            "bench.fail",
            "--kwargs",
            r#"{"message": "nope"}"#,
            "--now",
        ])
        .run()
        .code(1);
    assert!(out.stderr().contains("Exception: nope"), "{}", out.stderr());

    let id = env
        .bench()
        .args([
            "enqueue",
            "bench.noop",
            "--event",
            "nightly",
            "--job-name",
            "Nightly cleanup",
        ])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    env.bench().args(["enqueue", "bench.noop"]).ok();
    let listed = jobs(&env, &["jobs", "list", "--json", "--event", "nightly"]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["job_name"], "Nightly cleanup");
    let show = env.bench().args(["jobs", "show", &id]).ok().stdout();
    assert!(
        show.contains("job name:    Nightly cleanup") && show.contains("event:       nightly"),
        "{show}"
    );
    let out = env
        .bench()
        .args(["purge-jobs", "--event", "nightly"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Purged 1 jobs");
    assert_eq!(env.conn().llen::<_, i64>("rq:queue:default").unwrap(), 1);
}

#[test]
fn scheduler_commands_speak_frappe() {
    let env = Env::with_hooks("bench_id = \"b1\"\n[scheduler_events]\ndaily = [\"bench.noop\"]\n");
    assert_eq!(
        env.bench().args(["disable-scheduler"]).ok().stdout(),
        "Disabled for bench b1\n"
    );
    assert_eq!(
        env.bench().args(["scheduler", "status"]).ok().stdout(),
        "Scheduler is disabled for bench b1\n"
    );
    assert_eq!(
        env.bench().args(["enable-scheduler"]).ok().stdout(),
        "Enabled for bench b1\n"
    );
    assert_eq!(
        env.bench().args(["scheduler", "pause"]).ok().stdout(),
        "Scheduler is paused for bench b1\n"
    );
    assert!(
        env.bench()
            .args(["schedule", "status", "--json"])
            .ok()
            .stdout()
            .contains("\"paused\"")
    );
    assert_eq!(
        env.bench().args(["scheduler", "resume"]).ok().stdout(),
        "Scheduler is resumed for bench b1\n"
    );
    let status: Json = serde_json::from_str(
        &env.bench()
            .args(["scheduler", "status", "--format", "json"])
            .ok()
            .stdout(),
    )
    .unwrap();
    assert_eq!(
        status,
        serde_json::json!({"status": "enabled", "site": null, "bench": "b1"})
    );
    let id = env
        .bench()
        .args(["trigger-scheduler-event", "bench.noop"])
        .ok()
        .stdout();
    assert!(id.starts_with("scheduled-b1-bench_noop-"), "{id}");
    let err = env
        .bench()
        .args(["trigger-scheduler-event", "bench.echo"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("Event bench.echo does not exist!"), "{err}");
}

#[test]
fn ready_for_migration_flips_when_the_last_job_finishes() {
    let env = Env::with_hooks("bench_id = \"b1\"\n");
    assert!(
        env.bench()
            .args(["ready-for-migration"])
            .ok()
            .stdout()
            .starts_with("READY for migration: site b1")
    );
    let id = env
        .bench()
        .args(["enqueue", "bench.sleep", "--kwargs", r#"{"seconds": 1.5}"#])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    let out = env
        .bench()
        .args(["ready-for-migration"])
        .run()
        .code(1)
        .stdout();
    assert_eq!(
        out,
        "NOT READY for migration: site b1 has pending background jobs\n"
    );
    let mut w = env
        .bench()
        .args(["worker-pool", "--num-workers", "2"])
        .spawn(env.dir.path(), "pool");
    wait_for(10.0, "the job to start", || {
        env.conn()
            .hget::<_, _, Option<String>>(format!("rq:job:{id}"), "status")
            .unwrap()
            .as_deref()
            == Some("started")
    });
    env.bench().args(["ready-for-migration"]).run().code(1);
    wait_for(10.0, "ready", || {
        env.bench()
            .args(["ready-for-migration"])
            .run()
            .0
            .status
            .success()
    });
    signal(&w, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 10.0), Some(0));
    let log = std::fs::read_to_string(env.path("pool.out")).unwrap();
    assert!(log.contains("(up to 2 jobs at once)"), "{log}");
}

#[test]
fn log_files_are_reopened_after_logrotate_moves_them() {
    let env = Env::new();
    let mut w = env
        .bench()
        .args(["worker", "--log-file", "logs/worker.log"])
        .spawn(env.dir.path(), "w");
    let first = env
        .bench()
        .args(["enqueue", "bench.noop"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    let log = env.path("logs/worker.log");
    wait_for(10.0, "the first job in the log", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(&format!("Job OK ({first})"))
    });
    std::fs::rename(&log, env.path("logs/worker.log.1")).unwrap();
    signal(&w, Signal::SIGHUP);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let second = env
        .bench()
        .args(["enqueue", "bench.fail"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    // Its start line is logged first; wait for its end, which follows its traceback.
    wait_for(10.0, "the second job's end in a new log", || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains(&format!("Job failed ({second})"))
    });
    assert!(
        !std::fs::read_to_string(env.path("logs/worker.log.1"))
            .unwrap()
            .contains(&second)
    );
    let errors = std::fs::read_to_string(env.path("logs/worker.error.log")).unwrap();
    assert!(
        errors.contains(&format!("job {second} failed")) && errors.contains("Exception"),
        "{errors}"
    );
    signal(&w, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 10.0), Some(0));
    assert_eq!(
        std::fs::read_to_string(env.path("w.out")).unwrap(),
        "",
        "nothing on stdout with --log-file"
    );
}
