use std::collections::HashSet;

use redis::Commands;
use serde_json::Value as Json;

use crate::harness::python::{self, py_dir};
use crate::harness::{Env, signal, wait_exit, wait_for};

fn list_json(env: &Env, extra: &[&str]) -> Vec<Json> {
    let out = env
        .bench()
        .args(["jobs", "list", "--json"])
        .args(extra)
        .ok()
        .stdout();
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ids(jobs: &[Json]) -> Vec<&str> {
    jobs.iter().map(|j| j["id"].as_str().unwrap()).collect()
}

/// Fails `id` by hand as a worker would: status, registry, a result with a traceback.
fn fail(env: &Env, id: &str, queue: &str, ended: &str) {
    let mut c = env.conn();
    let _: () = c.lrem(format!("rq:queue:{queue}"), 1, id).unwrap();
    let _: () = c
        .hset_multiple(
            format!("rq:job:{id}"),
            &[("status", "failed"), ("ended_at", ended)],
        )
        .unwrap();
    let _: () = c
        .zadd(format!("rq:failed:{queue}"), id, 9_999_999_999i64)
        .unwrap();
    let _: () = c
        .xadd(format!("rq:results:{id}"), "*", &[("type", "2")])
        .unwrap();
}

#[test]
fn filters_combine_and_counts_stay_honest() {
    let env = Env::with_hooks("[scheduler_events]\nhourly = [\"app.tasks.sync\"]\n");
    for i in 0..5 {
        env.enqueue(&["app.tasks.mail", "--job-id", &format!("mail{i}")]);
    }
    env.enqueue(&["app.reports.build", "--job-id", "rep", "--queue", "long"]);
    let sched = env
        .bench()
        .args(["schedule", "trigger", "app.tasks.sync"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    fail(&env, "mail3", "default", "2026-01-01T00:00:00.000000Z");
    fail(
        &env,
        "mail4",
        "default",
        &bench::store::timestamp::iso(chrono::Utc::now()),
    );

    assert_eq!(list_json(&env, &[]).len(), 7);
    assert_eq!(
        ids(&list_json(
            &env,
            &["--method", "app.tasks.*", "--status", "queued"]
        )),
        ["mail0", "mail1", "mail2", sched.as_str()]
    );
    assert_eq!(
        ids(&list_json(&env, &["--event", "hourly"])),
        [sched.as_str()]
    );
    assert_eq!(
        ids(&list_json(
            &env,
            &["--status", "failed", "--older-than", "1d"]
        )),
        ["mail3"]
    );
    assert_eq!(
        ids(&list_json(
            &env,
            &["--status", "failed", "--newer-than", "1h"]
        )),
        ["mail4"]
    );
    assert_eq!(
        ids(&list_json(
            &env,
            &["--queue", "long", "--method", "app.tasks.*"]
        )),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&list_json(
            &env,
            &["--status", "failed", "--sort", "newest"]
        )),
        ["mail4", "mail3"]
    );
    assert_eq!(
        ids(&list_json(
            &env,
            &["--status", "failed", "--sort", "oldest"]
        )),
        ["mail3", "mail4"]
    );

    let out = env
        .bench()
        .args(["jobs", "list", "--ids", "--method", "app.*", "--limit", "2"])
        .ok();
    assert_eq!(out.stdout(), "mail0\nmail1\n");
    assert!(
        out.stderr().contains("5 more jobs match"),
        "{}",
        out.stderr()
    );
    let last = |limit: &str| {
        env.bench()
            .args(["jobs", "list", "--method", "app.*", "--limit", limit])
            .ok()
            .stderr()
    };
    assert_eq!(
        last("6").trim(),
        "... 1 more job matches; raise --limit to see them"
    );
    assert_eq!(
        last("0").trim(),
        "... 7 jobs match; raise --limit to see them",
        "--limit 0 counts them"
    );

    let stats = env.bench().args(["jobs", "stats"]).ok().stdout();
    assert!(
        stats.lines().any(|l| l.starts_with("default\t4\t0\t0\t2")),
        "{stats}"
    );
    assert!(stats.lines().any(|l| l.starts_with("long\t1\t")), "{stats}");
    let summary = env
        .bench()
        .args(["jobs", "list", "--summary", "--method", "app.tasks.mail"])
        .ok()
        .stdout();
    assert!(
        summary
            .lines()
            .any(|l| l.starts_with("default\t3\t0\t0\t2")),
        "{summary}"
    );

    let err = env
        .bench()
        .args(["jobs", "list", "--older-than", "soon"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("--older-than"), "{err}");
}

#[test]
fn undecodable_and_missing_jobs_are_shown_not_fatal() {
    let env = Env::new();
    let mut c = env.conn();
    let _: () = c
        .hset_multiple(
            "rq:job:bad",
            &[
                ("data", "\x00garbage"),
                ("status", "weird"),
                ("origin", "default"),
            ],
        )
        .unwrap();
    let _: () = c.rpush("rq:queue:default", &["bad", "gone"]).unwrap();
    let _: () = c
        .sadd("rq:queues", &["rq:queue:default", "not-a-queue-key"])
        .unwrap();

    let jobs = list_json(&env, &[]);
    let bad = jobs.iter().find(|j| j["id"] == "bad").unwrap();
    assert_eq!(
        bad["status"], "queued",
        "the list it sits in stands in for an unknown status"
    );
    let err = bad["error"].as_str().unwrap();
    assert!(
        err.contains("unknown job status `weird`")
            && err.contains("field `data` cannot be decoded"),
        "{err}"
    );
    // An id whose hash is gone is not a job: it is not listed, and leaves its queue.
    assert!(!jobs.iter().any(|j| j["id"] == "gone"), "{jobs:?}");
    let queued: Vec<String> = c.lrange("rq:queue:default", 0, -1).unwrap();
    assert_eq!(queued, ["bad"]);

    let table = env.bench().args(["jobs", "list"]).ok().stdout();
    assert!(
        table.contains("bad\tdefault\tqueued\t(undecodable)"),
        "{table}"
    );
    let show = env.bench().args(["jobs", "show", "bad"]).ok().stdout();
    assert!(
        show.contains("problem:") && show.contains("undecodable"),
        "{show}"
    );
}

#[test]
fn show_reports_unknown_ids_with_exit_1() {
    let env = Env::new();
    env.enqueue(&["tasks.noop", "--job-id", "here"]);
    let out = env
        .bench()
        .args(["jobs", "show", "here", "nothere"])
        .run()
        .code(1);
    assert!(out.stdout().contains("id:          here"));
    assert!(out.stderr().contains("no job with id `nothere`"));
}

#[test]
fn retry_requeues_like_rq_and_python_rq_runs_the_job() {
    let env = Env::new();
    let url = env.redis.url();
    let marker = env.path("flaky-marker");
    python::script(
        "rq_tool.py",
        &[
            "enqueue",
            &url,
            "default",
            "tasks.flaky",
            "--kwargs",
            &format!("{{\"marker\": {:?}}}", marker.display().to_string()),
            "--id",
            "flaky",
        ],
    );
    python::rq(&[
        "worker",
        "--burst",
        "-u",
        &url,
        "--path",
        py_dir().to_str().unwrap(),
        "default",
    ]);
    assert_eq!(env.status("flaky"), "failed");
    env.enqueue(&["tasks.noop", "--job-id", "waiting"]);

    let out = env
        .bench()
        .args(["jobs", "retry", "flaky", "waiting", "nosuch"])
        .run()
        .code(1);
    assert!(out.stdout().contains("Requeued flaky"), "{}", out.stdout());
    assert!(
        out.stderr()
            .contains("job waiting: it is queued, not failed"),
        "{}",
        out.stderr()
    );
    assert!(
        out.stderr().contains("job nosuch: no such job"),
        "{}",
        out.stderr()
    );
    let h: std::collections::HashMap<String, Vec<u8>> = env.conn().hgetall("rq:job:flaky").unwrap();
    assert_eq!(h["status"], b"queued");
    assert_eq!(h["started_at"], b"");
    assert_eq!(
        h["exc_info"],
        bench::store::payload::compress(b""),
        "exc_info reset as rq requeue does"
    );
    assert_eq!(env.conn().zcard::<_, i64>("rq:failed:default").unwrap(), 0);
    assert_eq!(
        env.conn()
            .lrange::<_, Vec<String>>("rq:queue:default", 0, -1)
            .unwrap(),
        ["waiting", "flaky"]
    );
    python::rq(&[
        "worker",
        "--burst",
        "-u",
        &url,
        "--path",
        py_dir().to_str().unwrap(),
        "default",
    ]);
    let job: Json =
        serde_json::from_slice(&python::script("rq_tool.py", &["job", &url, "flaky"]).stdout)
            .unwrap();
    assert_eq!(job["return_value"], "second time lucky");
}

#[test]
fn retry_all_and_purge_follow_their_filters() {
    let env = Env::new();
    for i in 0..6 {
        env.enqueue(&[
            if i % 2 == 0 { "app.a.run" } else { "app.b.run" },
            "--job-id",
            &format!("f{i}"),
        ]);
    }
    env.enqueue(&["app.a.run", "--job-id", "q0"]);
    for i in 0..6 {
        fail(
            &env,
            &format!("f{i}"),
            "default",
            "2026-01-01T00:00:00.000000Z",
        );
    }
    let out = env
        .bench()
        .args(["jobs", "retry", "--all", "--method", "app.a.*", "--dry-run"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Would requeue 3 failed jobs");
    assert_eq!(
        env.conn().zcard::<_, i64>("rq:failed:default").unwrap(),
        6,
        "a dry run changes nothing"
    );
    let out = env
        .bench()
        .args([
            "jobs",
            "retry",
            "--all",
            "--method",
            "app.a.*",
            "--at-front",
            "--yes",
        ])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Requeued 3 jobs");
    let q: Vec<String> = env.conn().lrange("rq:queue:default", 0, 2).unwrap();
    assert_eq!(
        q.iter().collect::<HashSet<_>>(),
        ["f0", "f2", "f4"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter()
            .collect()
    );
    env.bench()
        .args(["jobs", "retry", "--all", "--status", "queued"])
        .run()
        .code(2);

    // Purge failed ones only: the queued jobs stay, and so does everything else.
    let out = env
        .bench()
        .args(["jobs", "purge", "--status", "failed", "--dry-run"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Would purge 3 jobs (failed)");
    let out = env
        .bench()
        .args(["jobs", "purge", "--status", "failed", "--yes"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Purged 3 jobs");
    for i in [1, 3, 5] {
        assert!(
            !env.conn()
                .exists::<_, bool>(format!("rq:job:f{i}"))
                .unwrap()
        );
        assert!(
            !env.conn()
                .exists::<_, bool>(format!("rq:results:f{i}"))
                .unwrap()
        );
    }
    assert_eq!(env.conn().llen::<_, i64>("rq:queue:default").unwrap(), 4);
    // Frappe's default: queued jobs of a queue.
    let out = env
        .bench()
        .args(["jobs", "purge", "--method", "app.a.*", "--yes"])
        .ok()
        .stdout();
    assert_eq!(out.trim(), "Purged 4 jobs");
    assert_eq!(env.conn().llen::<_, i64>("rq:queue:default").unwrap(), 0);
    env.bench()
        .args(["jobs", "purge", "--status", "started"])
        .run()
        .code(2);
}

#[test]
fn an_interrupted_purge_leaves_every_job_whole_or_gone() {
    let env = Env::new();
    let n = 40_000;
    // Fill quickly with a script: n failed jobs, each with a hash, a registry entry and a result.
    let _: () = redis::cmd("EVAL")
        .arg("for i = 1, tonumber(ARGV[1]) do local id = 'p' .. i; redis.call('HSET', 'rq:job:' .. id, 'status', 'failed', 'origin', 'default', 'data', '[\"a.b\", null, [], {}]'); redis.call('ZADD', 'rq:failed:default', 4000000000 + i, id); redis.call('XADD', 'rq:results:' .. id, '*', 'type', '2') end")
        .arg(0)
        .arg(n)
        .query(&mut env.conn())
        .unwrap();
    let _: () = env.conn().sadd("rq:queues", "rq:queue:default").unwrap();
    let mut purge = env
        .bench()
        .args(["jobs", "purge", "--status", "failed", "--yes"])
        .spawn(env.dir.path(), "purge");
    wait_for(20.0, "the purge to be under way", || {
        env.conn().zcard::<_, i64>("rq:failed:default").unwrap() < n
    });
    signal(&purge, nix::sys::signal::Signal::SIGKILL);
    let _ = wait_exit(&mut purge, 5.0);
    let left: i64 = env.conn().zcard("rq:failed:default").unwrap();
    assert!(left > 0 && left < n, "the kill landed midway: {left} left");
    let mut c = env.conn();
    let mut p = redis::pipe();
    for i in 1..=n {
        p.exists(format!("rq:job:p{i}"))
            .zscore("rq:failed:default", format!("p{i}"))
            .exists(format!("rq:results:p{i}"));
    }
    let found: Vec<(bool, Option<f64>, bool)> = p.query(&mut c).unwrap();
    for (i, (hash, reg, res)) in found.iter().enumerate() {
        assert!(
            (*hash && reg.is_some() && *res) || (!*hash && reg.is_none() && !*res),
            "job p{} is half deleted: {hash} {reg:?} {res}",
            i + 1
        );
    }
}

#[test]
fn cancel_and_stop() {
    let env = Env::new();
    let waiting = env.enqueue(&["bench.noop"]);
    let running = env.enqueue(&[
        "bench.sleep",
        "--kwargs",
        r#"{"seconds": 30}"#,
        "--queue",
        "long",
    ]);
    env.bench().args(["jobs", "cancel", &waiting]).ok();
    assert_eq!(env.status(&waiting), "canceled");
    assert!(
        env.conn()
            .zscore::<_, _, Option<f64>>("rq:canceled:default", &waiting)
            .unwrap()
            .is_some()
    );
    let err = env
        .bench()
        .args(["jobs", "cancel", &waiting])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("it is canceled"), "{err}");

    let mut w = env
        .bench()
        .args(["worker", "--queue", "long"])
        .spawn(env.dir.path(), "w");
    wait_for(10.0, "job start", || env.status(&running) == "started");
    let out = env.bench().args(["jobs", "stop", &running]).ok().stdout();
    assert!(out.contains("Asked worker"), "{out}");
    wait_for(10.0, "job stopped", || env.status(&running) == "stopped");
    let err = env
        .bench()
        .args(["jobs", "stop", &running])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("it is stopped, not running"), "{err}");
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    wait_exit(&mut w, 10.0);
}

#[test]
fn doctor_exits_1_when_something_needs_attention() {
    let env = Env::new();
    let out = env.bench().args(["doctor"]).ok().stdout();
    assert!(
        out.contains("Workers online: 0") && out.contains("No problems found."),
        "{out}"
    );
    env.enqueue(&["bench.noop", "--queue", "long"]);
    let out = env.bench().args(["doctor"]).run().code(1).stdout();
    assert!(
        out.contains("queue long has 1 queued job and no worker listening"),
        "{out}"
    );
    let mut w = env
        .bench()
        .args(["worker", "--queue", "short"])
        .spawn(env.dir.path(), "w");
    wait_for(10.0, "worker registered", || {
        env.conn().scard::<_, i64>("rq:workers").unwrap() == 1
    });
    let report: Json = serde_json::from_str(
        &env.bench()
            .args(["doctor", "--json"])
            .run()
            .code(1)
            .stdout(),
    )
    .unwrap();
    assert_eq!(report["workers"].as_array().unwrap().len(), 1);
    let long = report["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "long")
        .unwrap();
    assert_eq!(long["counts"]["queued"], 1);
    assert!(long["oldest_queued_age_s"].as_i64().is_some());
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    wait_exit(&mut w, 10.0);
}
