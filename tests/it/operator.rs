//! What a new operator trips over: expired jobs shown as ghosts, stuck delayed jobs
//! doctor did not see, ids that wrap or must be typed whole, destructive commands that
//! did not ask, messages that do not read right.

use redis::Commands;
use serde_json::Value as Json;

use crate::harness::{Env, wait_for};

fn listed(env: &Env, args: &[&str]) -> Vec<Json> {
    env.bench()
        .args(["jobs", "list", "--json"])
        .args(args)
        .ok()
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jobs_whose_hash_expired_or_vanished_are_neither_listed_nor_counted() {
    let env = Env::new();
    let gone = env.enqueue(&["bench.noop", "--result-ttl", "1"]);
    let kept = env.enqueue(&["bench.noop", "--result-ttl", "600"]);
    env.bench().args(["worker", "--burst"]).ok();
    wait_for(10.0, "the short-lived result to expire", || {
        !env.conn()
            .exists::<_, bool>(format!("rq:job:{gone}"))
            .unwrap()
    });
    // A queued id whose hash someone deleted.
    let orphan = env.enqueue(&["bench.noop"]);
    let _: () = env.conn().del(format!("rq:job:{orphan}")).unwrap();

    let jobs = listed(&env, &[]);
    let ids: Vec<&str> = jobs.iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [kept.as_str()], "{jobs:?}");
    let stats = env.bench().args(["jobs", "stats"]).ok().stdout();
    assert!(
        !stats.contains("queued"),
        "no queued job is left to count: {stats}"
    );
    let mut c = env.conn();
    assert_eq!(c.zcard::<_, i64>("rq:finished:default").unwrap(), 1);
    assert_eq!(
        c.llen::<_, i64>("rq:queue:default").unwrap(),
        0,
        "the orphan is set aside"
    );
    let doctor: Json =
        serde_json::from_str(&env.bench().args(["doctor", "--json"]).run().stdout()).unwrap();
    let default = doctor["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "default")
        .unwrap()
        .clone();
    assert_eq!(default["counts"]["finished"], 1, "{doctor}");
    let err = env
        .bench()
        .args(["jobs", "show", &gone])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("no job with id"), "{err}");
}

#[test]
fn doctor_names_due_delayed_jobs_queues_without_workers_and_the_layout() {
    let env = Env::new();
    let id = env.enqueue(&["bench.noop", "--in", "1h", "--queue", "long"]);
    // Its time came long ago, and no scheduler moved it.
    let past = chrono::Utc::now().timestamp() - 600;
    let _: () = env.conn().zadd("rq:scheduled:long", &id, past).unwrap();
    env.enqueue(&["bench.noop", "--queue", "short"]);
    let out = env.bench().args(["doctor"]).run().code(1).stdout();
    assert!(
        out.contains("queue long has 1 delayed job due more than 15s ago but not moved")
            && out.contains("start `bench schedule`"),
        "{out}"
    );
    assert!(
        out.contains("queue short has 1 queued job and no worker listening"),
        "{out}"
    );
    assert!(out.starts_with("Redis: redis://127.0.0.1:"), "{out}");
    assert!(out.contains("\nRQ layout: 2 (auto:"), "{out}");
    // A worker on `short` only: doctor pairs it with the right queue.
    let mut w = env
        .bench()
        .args(["worker", "--queue", "long"])
        .spawn(env.dir.path(), "w");
    wait_for(10.0, "the worker to register", || {
        env.conn().scard::<_, i64>("rq:workers:long").unwrap() == 1
    });
    let out = env.bench().args(["doctor"]).run().code(1).stdout();
    assert!(out.contains("long: scheduled 1 (1 worker(s))"), "{out}");
    assert!(out.contains("short: queued 1 (0 worker(s)"), "{out}");
    crate::harness::signal(&w, nix::sys::signal::Signal::SIGTERM);
    crate::harness::wait_exit(&mut w, 10.0);
}

/// `bench ARGS` on a terminal `cols` wide, as `script` gives one.
fn on_terminal(env: &Env, cols: u16, args: &str) -> String {
    let cmd = format!(
        "stty cols {cols}; NO_COLOR=1 BENCH_CONFIG={} BENCH_REDIS_URL={} {} {args}",
        env.hooks().display(),
        env.redis.url(),
        env!("CARGO_BIN_EXE_bench")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script(1) from util-linux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn ids_never_wrap_and_a_unique_prefix_names_a_job() {
    let env = Env::new();
    for id in ["abc-one", "abc-two", "xyz-7f3a9c"] {
        env.enqueue(&[
            "my_app.some_rather_long_module.tasks.generate_quarterly_report",
            "--job-id",
            id,
        ]);
    }
    let long = env.enqueue(&["bench.noop"]);
    for cols in [80, 0] {
        let table = on_terminal(&env, cols, "jobs list");
        for id in ["abc-one", "xyz-7f3a9c", long.as_str()] {
            assert!(
                table.lines().any(|l| l.contains(id)),
                "{cols} columns: {id} on one line:\n{table}"
            );
        }
        if cols == 80 {
            assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
        }
    }
    let shown = env.bench().args(["jobs", "show", "xyz"]).ok().stdout();
    assert!(shown.contains("id:          xyz-7f3a9c"), "{shown}");
    let err = env
        .bench()
        .args(["jobs", "cancel", "abc"])
        .run()
        .code(2)
        .stderr();
    assert!(
        err.contains("`abc` is the start of 2 ids: abc-one, abc-two"),
        "{err}"
    );
    env.bench().args(["jobs", "cancel", "abc-t"]).ok();
    assert_eq!(env.status("abc-two"), "canceled");
}

#[test]
fn destructive_commands_ask_or_need_yes_and_counts_read_right() {
    let env = Env::with_hooks("bench_id = \"b1\"\n");
    env.enqueue(&["bench.noop"]);
    let err = env.bench().args(["jobs", "purge"]).run().code(2).stderr();
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(
        env.conn().llen::<_, i64>("rq:queue:b1:default").unwrap(),
        1,
        "nothing deleted"
    );
    let out = env.bench().args(["jobs", "purge", "--yes"]).ok().stdout();
    assert_eq!(out.trim(), "Purged 1 job");
    // Frappe's own purge-jobs deletes without asking, in Frappe's words.
    env.enqueue(&["bench.noop"]);
    let out = env.bench().args(["purge-jobs"]).ok().stdout();
    assert_eq!(out.trim(), "Purged 1 jobs");
    let status = env.bench().args(["scheduler", "status"]).ok().stdout();
    assert_eq!(status.trim(), "Scheduler is enabled for bench b1");
}

#[test]
fn usage_lines_do_not_show_options_set_in_the_environment() {
    let env = Env::new();
    let err = env.bench().args(["jobs", "show"]).run().code(2).stderr();
    assert!(err.contains("Usage: bench jobs show <ID>..."), "{err}");
    assert!(!err.contains("--config"), "{err}");
}

#[test]
fn a_one_slot_worker_logs_each_end_before_the_next_start() {
    let env = Env::new();
    let ids: Vec<String> = (0..20).map(|_| env.enqueue(&["bench.noop"])).collect();
    let log = env.bench().args(["worker", "--burst"]).ok().stdout();
    let lines: Vec<&str> = log.lines().collect();
    for pair in ids.windows(2) {
        let ended = lines
            .iter()
            .position(|l| l.contains(&format!("Job OK ({})", pair[0])));
        let next = lines
            .iter()
            .position(|l| l.contains(&format!("({})", pair[1])) && !l.contains("Job OK"));
        assert!(
            ended < next,
            "{} ends before {} starts:\n{log}",
            pair[0],
            pair[1]
        );
    }
}

/// Without a hooks file bench runs on its defaults, and what it says to add goes to
/// the file it looked for, named as one to create; a bench that is not a Frappe
/// bench has no sites folder to warn about.
#[test]
fn without_a_hooks_file_messages_name_the_file_to_create() {
    let env = Env::new();
    std::fs::remove_file(env.hooks()).unwrap();
    // As an operator types it: no --config, so ./hooks.toml is looked for.
    let bench = || env.bench().env_remove("BENCH_CONFIG");
    let listed = bench().args(["schedule", "list"]).ok();
    assert_eq!(
        listed.stderr().trim(),
        "No scheduler_events: hooks.toml does not exist."
    );
    for (args, says) in [
        (
            &["worker", "--burst", "--queue", "reports"][..],
            "add more under [queues] in a new hooks.toml",
        ),
        (
            &["--site", "s1", "enqueue", "app.tasks.report"][..],
            "until [frappe] sites_path is set in a new hooks.toml",
        ),
    ] {
        let err = bench().args(args).run().code(2).stderr();
        assert!(err.contains(says), "{err}");
    }
    let id = bench()
        .args(["enqueue", "app.tasks.report"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    bench().args(["worker", "--burst"]).ok();
    let shown = bench().args(["jobs", "show", &id]).ok().stdout();
    assert!(
        shown.contains(
            "add [methods.\"app.tasks.report\"] or a [python] section to a new hooks.toml"
        ),
        "{shown}"
    );
}
