use redis::Commands;
use serde_json::Value as Json;

use crate::harness::Env;

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

#[test]
fn list_filters_by_status_and_queue_and_limits() {
    let env = Env::new();
    for i in 0..5 {
        env.bench()
            .args(["enqueue", "tasks.noop", "--job-id", &format!("q{i}")])
            .ok();
    }
    env.bench()
        .args(["enqueue", "tasks.noop", "--queue", "long", "--job-id", "l0"])
        .ok();
    let mut c = env.conn();
    let _: () = c.hset("rq:job:q4", "status", "failed").unwrap();
    let _: () = c.lrem("rq:queue:default", 1, "q4").unwrap();
    let _: () = c.zadd("rq:failed:default", "q4", 9_999_999_999i64).unwrap();

    assert_eq!(list_json(&env, &[]).len(), 6);
    let failed = list_json(&env, &["--status", "failed"]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["id"], "q4");
    assert_eq!(failed[0]["status"], "failed");
    let long = list_json(&env, &["--queue", "long"]);
    assert_eq!(
        long.iter()
            .map(|j| j["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["l0"]
    );

    let out = env
        .bench()
        .args(["jobs", "list", "--status", "queued", "--limit", "2"])
        .ok();
    assert_eq!(
        out.stdout().lines().count(),
        3,
        "header and two rows: {}",
        out.stdout()
    );
    assert!(
        out.stderr().contains("3 more jobs match"),
        "{}",
        out.stderr()
    );
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
    let gone = jobs.iter().find(|j| j["id"] == "gone").unwrap();
    assert!(gone["error"].as_str().unwrap().contains("missing"));

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
    env.bench()
        .args(["enqueue", "tasks.noop", "--job-id", "here"])
        .ok();
    let out = env
        .bench()
        .args(["jobs", "show", "here", "nothere"])
        .run()
        .code(1);
    assert!(out.stdout().contains("id:          here"));
    assert!(out.stderr().contains("no job with id `nothere`"));
}
