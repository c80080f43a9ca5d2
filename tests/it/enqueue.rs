use redis::Commands;

use crate::harness::Env;

fn dbsize(env: &Env) -> i64 {
    redis::cmd("DBSIZE").query(&mut env.conn()).unwrap()
}

#[test]
fn writes_the_fields_python_rq_writes() {
    let env = Env::new();
    let id = env
        .bench()
        .args(["enqueue", "tasks.add", "--kwargs", r#"{"a": 1, "b": 2}"#])
        .ok()
        .stdout();
    let id = id.trim();
    assert_eq!(id.len(), 36, "a UUID4 alone on stdout: {id:?}");
    let mut c = env.conn();
    let h: std::collections::HashMap<String, Vec<u8>> = c.hgetall(format!("rq:job:{id}")).unwrap();
    let text = |k: &str| String::from_utf8(h[k].clone()).unwrap();
    for empty in [
        "started_at",
        "ended_at",
        "last_heartbeat",
        "worker_name",
        "group_id",
        "success_callback_name",
        "failure_callback_name",
        "stopped_callback_name",
    ] {
        assert_eq!(text(empty), "", "{empty}");
    }
    assert_eq!(text("status"), "queued");
    assert_eq!(text("origin"), "default");
    assert_eq!(text("timeout"), "300", "the queue's timeout");
    assert_eq!(text("description"), "tasks.add(a=1, b=2)");
    let created = text("created_at");
    assert!(
        created.len() == 27 && created.ends_with('Z') && created.as_bytes()[19] == b'.',
        "{created}"
    );
    assert_eq!(h["data"][0], 0x78, "data is zlib-compressed");
    let queue: Vec<String> = c.lrange("rq:queue:default", 0, -1).unwrap();
    assert_eq!(queue, [id]);
    let queues: Vec<String> = c.smembers("rq:queues").unwrap();
    assert_eq!(queues, ["rq:queue:default"]);
}

#[test]
fn bad_input_is_refused_before_anything_is_written() {
    let env = Env::new();
    let err = env
        .bench()
        .args(["enqueue", "tasks.add", "--kwargs", "[1]"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("--kwargs must be a JSON object"), "{err}");
    let err = env
        .bench()
        .args(["enqueue", "tasks.add", "--kwargs", "{oops"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("not valid JSON"), "{err}");
    let err = env
        .bench()
        .args(["enqueue", "tasks.add", "--queue", "nope"])
        .run()
        .code(2)
        .stderr();
    assert!(
        err.contains("unknown queue `nope`") && err.contains("short, default, long"),
        "{err}"
    );
    let err = env
        .bench()
        .args(["enqueue", "tasks.add", "--job-id", "a:b"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("`:`"), "{err}");
    let err = env
        .bench()
        .args(["enqueue", "notdotted"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("dotted method path"), "{err}");
    assert_eq!(dbsize(&env), 0);
}

#[test]
fn options_reach_the_job_hash() {
    let env = Env::with_hooks("bench_id = \"b1\"\n[queues.reports]\ntimeout = 5000\n");
    env.bench()
        .args([
            "enqueue",
            "tasks.noop",
            "--job-id",
            "first",
            "--queue",
            "reports",
        ])
        .ok();
    env.bench()
        .args([
            "enqueue",
            "tasks.noop",
            "--job-id",
            "second",
            "--queue",
            "reports",
            "--at-front",
            "--timeout",
            "42",
        ])
        .args([
            "--result-ttl",
            "-1",
            "--failure-ttl",
            "60",
            "--description",
            "hello",
        ])
        .ok();
    let mut c = env.conn();
    let q: Vec<String> = c.lrange("rq:queue:b1:reports", 0, -1).unwrap();
    assert_eq!(q, ["second", "first"], "--at-front pushes to the head");
    let h: std::collections::HashMap<String, Vec<u8>> = c.hgetall("rq:job:second").unwrap();
    let h: std::collections::HashMap<String, String> = h
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    assert_eq!(h["origin"], "b1:reports");
    assert_eq!(h["timeout"], "42");
    assert_eq!(h["result_ttl"], "-1");
    assert_eq!(h["failure_ttl"], "60");
    assert_eq!(h["description"], "hello");
    let first: String = c.hget("rq:job:first", "timeout").unwrap();
    assert_eq!(first, "5000", "custom queue timeout applies");
}

#[test]
fn deduplicate_follows_frappe() {
    let env = Env::new();
    env.bench()
        .args(["enqueue", "tasks.noop", "--job-id", "d1"])
        .ok();
    // Queued: a second plain enqueue is refused, --deduplicate skips quietly.
    let err = env
        .bench()
        .args(["enqueue", "tasks.noop", "--job-id", "d1"])
        .run()
        .code(1)
        .stderr();
    assert!(
        err.contains("already queued") && err.contains("--deduplicate"),
        "{err}"
    );
    let out = env
        .bench()
        .args(["enqueue", "tasks.noop", "--job-id", "d1", "--deduplicate"])
        .ok();
    // The id of the job that is there is printed, as for a --job-name already in use.
    assert_eq!(out.stdout(), "d1\n");
    assert!(out.stderr().contains("already queued"));
    let mut c = env.conn();
    assert_eq!(
        c.llen::<_, i64>("rq:queue:default").unwrap(),
        1,
        "never queued twice"
    );

    // Finished: the old job is replaced and leaves its registry.
    let _: () = c.lpop("rq:queue:default", None).unwrap();
    let _: () = c.hset("rq:job:d1", "status", "finished").unwrap();
    let _: () = c
        .zadd("rq:finished:default", "d1", 9_999_999_999i64)
        .unwrap();
    let _: () = c.xadd("rq:results:d1", "*", &[("type", "1")]).unwrap();
    env.bench()
        .args(["enqueue", "tasks.add", "--job-id", "d1", "--deduplicate"])
        .ok();
    let status: String = c.hget("rq:job:d1", "status").unwrap();
    assert_eq!(status, "queued");
    assert_eq!(c.zcard::<_, i64>("rq:finished:default").unwrap(), 0);
    assert!(
        !c.exists::<_, bool>("rq:results:d1").unwrap(),
        "old results go with the old job"
    );
    let desc: String = c.hget("rq:job:d1", "description").unwrap();
    assert_eq!(desc, "tasks.add()");

    let err = env
        .bench()
        .args(["enqueue", "tasks.noop", "--deduplicate"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("--job-id"), "{err}");
}

#[test]
fn from_file_enqueues_all_or_nothing() {
    let env = Env::with_hooks("[queues.reports]\ntimeout = 50\n");
    let good = "{\"method\": \"tasks.add\", \"kwargs\": {\"a\": 1, \"b\": 2}}\n\n{\"method\": \"tasks.noop\", \"queue\": \"reports\", \"job_id\": \"n1\"}\n{\"method\": \"tasks.echo\", \"args\": [1, \"x\"], \"at_front\": true}\n";
    let out = env
        .bench()
        .args(["enqueue", "--from-file", "-"])
        .stdin(good)
        .ok();
    assert_eq!(out.stdout().lines().count(), 3);
    assert!(out.stderr().contains("Enqueued 3 jobs"), "{}", out.stderr());
    let mut c = env.conn();
    assert_eq!(c.llen::<_, i64>("rq:queue:default").unwrap(), 2);
    assert_eq!(
        c.lrange::<_, Vec<String>>("rq:queue:reports", 0, -1)
            .unwrap(),
        ["n1"]
    );
    let _: () = redis::cmd("FLUSHALL").query(&mut c).unwrap();

    let path = env.path("jobs.jsonl");
    // The file's contents are refused with usage's exit code; its stderr.
    let refused = |text: &[u8]| {
        std::fs::write(&path, text).unwrap();
        env.bench()
            .args(["enqueue", "--from-file"])
            .arg_path(&path)
            .run()
            .code(2)
            .stderr()
    };
    let err =
        refused(b"{\"method\": \"tasks.add\"}\n{\"method\": \"tasks.add\", \"kwargs\": [1]}\n");
    assert!(
        err.contains("jobs.jsonl:2:") && err.contains("nothing was enqueued"),
        "{err}"
    );
    let err = refused(b"{\"method\": \"tasks.add\", \"queue\": \"nope\"}\n");
    assert!(err.contains(":1: unknown queue `nope`"), "{err}");
    let err = refused(
        b"{\"method\": \"a.b\", \"job_id\": \"x\"}\n{\"method\": \"a.b\", \"job_id\": \"x\"}\n",
    );
    assert!(
        err.contains(":2: job id `x` also appears on line 1"),
        "{err}"
    );
    // Bytes that are not text, and a line with no end, are refused by line number
    // before anything is read further or written.
    let err = refused(b"{\"method\": \"a.b\"}\n{\"method\": \"a.\xff\"}\n");
    assert!(err.contains("jobs.jsonl:2: not UTF-8"), "{err}");
    let err = refused(format!("{{\"method\": \"a.b\"}}\n{}", " ".repeat(17 << 20)).as_bytes());
    assert!(
        err.contains("jobs.jsonl:2: the line is longer than 16 MiB"),
        "{err}"
    );
    assert_eq!(dbsize(&env), 0);

    // Windows line ends are read as line ends.
    std::fs::write(&path, "{\"method\": \"a.b\"}\r\n{\"method\": \"a.c\"}\r\n").unwrap();
    let out = env
        .bench()
        .args(["enqueue", "--from-file"])
        .arg_path(&path)
        .ok();
    assert!(out.stderr().contains("Enqueued 2 jobs"), "{}", out.stderr());

    // Jobs whose ids are already queued: ten are named, the rest counted, and the
    // command fails unless --deduplicate asked to skip them.
    let ids: String = (0..12)
        .map(|i| format!("{{\"method\": \"a.b\", \"job_id\": \"dup{i}\"}}\n"))
        .collect();
    std::fs::write(&path, ids).unwrap();
    let again = || env.bench().args(["enqueue", "--from-file"]).arg_path(&path);
    again().ok();
    let err = again().run().code(1).stderr();
    assert_eq!(err.matches("not enqueued: job dup").count(), 10, "{err}");
    assert!(
        err.contains("Enqueued 0 jobs") && err.contains("... and 2 more already queued or running"),
        "{err}"
    );
    let out = again().arg_str("--deduplicate").ok();
    assert!(out.stderr().contains("... and 2 more"), "{}", out.stderr());
}

#[test]
fn a_refused_write_leaves_no_half_job() {
    let env = Env::new();
    let mut c = env.conn();
    // A queue key of the wrong type makes the push fail; the hash must not be left behind.
    let _: () = c.set("rq:queue:default", "not a list").unwrap();
    let err = env
        .bench()
        .args(["enqueue", "tasks.noop", "--job-id", "half"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("rq:queue:default is a string"), "{err}");
    assert!(!c.exists::<_, bool>("rq:job:half").unwrap());
    assert!(!c.exists::<_, bool>("rq:queues").unwrap());
}
