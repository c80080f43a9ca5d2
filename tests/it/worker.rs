use std::collections::HashMap;

use nix::sys::signal::Signal;
use redis::Commands;
use serde_json::{Value as Json, json};

use crate::harness::python;
use crate::harness::{Env, process_running, signal, wait_exit, wait_for};

fn job(env: &Env, id: &str) -> HashMap<String, String> {
    let raw: HashMap<String, Vec<u8>> = env.conn().hgetall(format!("rq:job:{id}")).unwrap();
    raw.into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

fn rq_job(env: &Env, id: &str) -> Json {
    let url = env.redis.url();
    serde_json::from_slice(&python::script("rq_tool.py", &["job", &url, id]).stdout).unwrap()
}

/// A failed job's traceback, as RQ's result stream holds it.
fn traceback(env: &Env, id: &str) -> String {
    rq_job(env, id)["exc_string"].as_str().unwrap().to_owned()
}

#[test]
fn burst_runs_builtins_and_records_them_as_rq_does() {
    let env = Env::new();
    let ok = env.enqueue(&[
        "bench.echo",
        "--kwargs",
        r#"{"x": [1, 2]}"#,
        "--result-ttl",
        "77",
    ]);
    let bad = env.enqueue(&[
        "bench.fail",
        "--kwargs",
        r#"{"message": "kaput"}"#,
        "--failure-ttl",
        "88",
    ]);
    let none = env.enqueue(&["tasks.unknown"]);
    let out = env.bench().args(["worker", "--burst", "--name", "w1"]).ok();
    let log = out.stdout();
    assert!(
        log.contains(&format!("default: bench.echo(x=[1, 2]) ({ok})")),
        "{log}"
    );
    assert!(log.contains(&format!("default: Job OK ({ok})")), "{log}");
    assert!(
        log.contains(&format!("Job failed ({bad})")) && log.contains("Exception: kaput"),
        "{log}"
    );
    assert!(
        out.stderr().contains("no runner for method tasks.unknown"),
        "{}",
        out.stderr()
    );

    let mut c = env.conn();
    let h = job(&env, &ok);
    assert_eq!(h["status"], "finished");
    assert_eq!(h["worker_name"], "w1");
    assert!(h["started_at"].ends_with('Z') && h["ended_at"].ends_with('Z'));
    let ttl: i64 = c.ttl(format!("rq:job:{ok}")).unwrap();
    assert!(
        (70..=77).contains(&ttl),
        "finished job expires after its result_ttl: {ttl}"
    );
    assert!(
        c.zscore::<_, _, Option<f64>>("rq:finished:default", &ok)
            .unwrap()
            .is_some()
    );
    assert_eq!(c.zcard::<_, i64>("rq:wip:default").unwrap(), 0);
    assert_eq!(
        c.llen::<_, i64>("rq:queue:default:intermediate").unwrap(),
        0
    );
    let ttl: i64 = c.ttl(format!("rq:results:{bad}")).unwrap();
    assert!(
        (80..=88).contains(&ttl),
        "an explicit failure_ttl also expires the results: {ttl}"
    );
    assert_eq!(env.status(&bad), "failed");
    assert_eq!(env.status(&none), "failed");

    // The worker is gone from the registries, with its counters left for a minute.
    let w: HashMap<String, String> = c.hgetall("rq:worker:w1").unwrap();
    assert_eq!(w["successful_job_count"], "1");
    assert_eq!(w["failed_job_count"], "2");
    assert!(w.contains_key("death"));
    assert!(
        !c.sismember::<_, _, bool>("rq:workers", "rq:worker:w1")
            .unwrap()
    );

    // Python RQ reads bench's results and tracebacks.
    let py = rq_job(&env, &ok);
    assert_eq!(py["return_value"], json!({"x": [1, 2]}));
    assert_eq!(py["result_type"], "SUCCESSFUL");
    let py = rq_job(&env, &bad);
    assert_eq!(py["result_type"], "FAILED");
    assert!(
        py["exc_string"]
            .as_str()
            .unwrap()
            .contains("Exception: kaput")
    );
}

#[test]
fn command_jobs_get_kwargs_env_and_return_stdout() {
    let hooks = r#"
[methods."app.report"]
command = ["sh", "-c", "cat; printf ' %s %s %s' \"$BENCH_JOB_ID\" \"$BENCH_JOB_METHOD\" \"$BENCH_QUEUE\"; echo \" $GREETING\""]
env = { GREETING = "hi" }
[methods."app.broken"]
command = ["sh", "-c", "echo partial; echo 'it went wrong' >&2; exit 3"]
[methods."app.missing"]
command = ["/nonexistent/program"]
[methods."app.nowhere"]
command = ["/bin/true"]
cwd = "no-such-folder"
"#;
    let env = Env::with_hooks(hooks);
    let ok = env.enqueue(&["app.report", "--kwargs", r#"{"n": 1}"#, "--queue", "short"]);
    let bad = env.enqueue(&["app.broken"]);
    let missing = env.enqueue(&["app.missing"]);
    let nowhere = env.enqueue(&["app.nowhere"]);
    env.bench().args(["worker", "--burst"]).ok();
    assert_eq!(
        rq_job(&env, &ok)["return_value"],
        format!("{{\"n\":1}} {ok} app.report short hi\n")
    );
    let tb = traceback(&env, &bad);
    assert!(
        tb.contains("exit status 3") && tb.contains("it went wrong"),
        "{tb}"
    );
    let tb = traceback(&env, &missing);
    assert!(tb.contains("cannot start `/nonexistent/program`"), "{tb}");
    let tb = traceback(&env, &nowhere);
    assert!(
        tb.contains("cannot start `/bin/true`: its working folder")
            && tb.contains("no-such-folder does not exist (cwd of [methods.\"app.nowhere\"])"),
        "{tb}"
    );
}

#[test]
fn a_timeout_kills_the_job_and_everything_it_started() {
    let env = Env::with_hooks(
        "[methods.\"app.hang\"]\ncommand = [\"sh\", \"-c\", \"sleep 61.25 & sleep 61.25 & wait\"]\n[worker]\nkill_grace = 1\n",
    );
    let id = env.enqueue(&["app.hang", "--timeout", "1"]);
    let t0 = std::time::Instant::now();
    env.bench().args(["worker", "--burst"]).ok();
    assert!(
        t0.elapsed().as_secs_f64() < 10.0,
        "the timeout cut the job short"
    );
    assert_eq!(env.status(&id), "failed");
    let tb = traceback(&env, &id);
    assert!(
        tb.contains("JobTimeoutException: Task exceeded maximum timeout value (1 seconds)"),
        "{tb}"
    );
    assert!(
        !process_running("sleep 61.25"),
        "children of a timed-out job must not survive"
    );
}

#[test]
fn malformed_jobs_are_set_aside_and_the_next_job_runs() {
    let env = Env::new();
    let mut c = env.conn();
    for (id, fields) in [
        (
            "weird-status",
            vec![("status", "weird"), ("origin", "default")],
        ),
        (
            "bad-timeout",
            vec![
                ("status", "queued"),
                ("origin", "default"),
                ("timeout", "1m"),
            ],
        ),
        (
            "bad-created",
            vec![
                ("status", "queued"),
                ("origin", "default"),
                ("created_at", "1795865354.658008"),
            ],
        ),
        (
            "garbage-data",
            vec![("status", "queued"), ("origin", "default")],
        ),
    ] {
        let mut f: Vec<(&str, Vec<u8>)> = fields
            .into_iter()
            .map(|(k, v)| (k, v.as_bytes().to_vec()))
            .collect();
        if id == "garbage-data" {
            f.push(("data", b"\x00not a payload".to_vec()));
        } else {
            f.push(("data", br#"["bench.noop", null, [], {}]"#.to_vec()));
        }
        let _: () = c.hset_multiple(format!("rq:job:{id}"), &f).unwrap();
        let _: () = c.rpush("rq:queue:default", id).unwrap();
    }
    let _: () = c.rpush("rq:queue:default", "no-hash").unwrap();
    let good = env.enqueue(&["bench.noop"]);
    let out = env.bench().args(["worker", "--burst"]).ok();
    assert_eq!(env.status(&good), "finished");
    for (id, reason) in [
        ("weird-status", "unknown job status `weird`"),
        ("bad-timeout", "field `timeout` is `1m`"),
        ("bad-created", "field `created_at`"),
        ("garbage-data", "field `data` cannot be decoded"),
    ] {
        assert_eq!(env.status(id), "failed", "{id}");
        let show: Json = serde_json::from_str(
            &env.bench()
                .args(["jobs", "show", "--json", id])
                .ok()
                .stdout(),
        )
        .unwrap();
        let tb = show["results"][0]["traceback"].as_str().unwrap().to_owned();
        assert!(
            tb.contains("malformed") && tb.contains(reason),
            "{id}: {tb}"
        );
    }
    assert!(
        out.stderr().contains("skipped job no-hash"),
        "{}",
        out.stderr()
    );
}

#[test]
fn priority_order_and_rq_retry_are_honoured() {
    let env = Env::new();
    let low = env.enqueue(&["bench.noop", "--queue", "long"]);
    let high = env.enqueue(&["bench.noop", "--queue", "short"]);
    let log = env
        .bench()
        .args(["worker", "--burst", "--queue", "short,long"])
        .ok()
        .stdout();
    assert!(
        log.find(&high).unwrap() < log.find(&low).unwrap(),
        "short before long: {log}"
    );

    // A job written with RQ's Retry(max=2, interval=0) fields fails three times in all.
    let id = env.enqueue(&["bench.fail"]);
    let _: () = env
        .conn()
        .hset_multiple(
            format!("rq:job:{id}"),
            &[("retries_left", "2"), ("retry_intervals", "[0]")],
        )
        .unwrap();
    let log = env.bench().args(["worker", "--burst"]).ok().stdout();
    assert_eq!(
        log.matches(&format!("Job failed ({id})")).count(),
        3,
        "{log}"
    );
    assert!(
        log.contains("1 retries left") && log.contains("0 retries left"),
        "{log}"
    );
    assert_eq!(env.status(&id), "failed");
    assert_eq!(job(&env, &id)["retries_left"], "0");
}

/// The queue of each job a burst worker started, in the order it started them (its
/// ids are `<queue initial><n>`).
fn started_order(log: &str) -> String {
    log.lines()
        .filter(|l| l.contains(": bench.noop()"))
        .filter_map(|l| l.rsplit_once(" (")?.1.chars().next())
        .collect()
}

#[test]
fn dequeue_strategies_take_jobs_as_rq_does() {
    let env = Env::new();
    let on = |queue: &str, n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"method\": \"bench.noop\", \"queue\": \"{queue}\", \"job_id\": \"{}{i}\"}}\n",
                    &queue[..1]
                )
            })
            .collect()
    };
    // Enqueues `short`, `default` and `long` jobs, then drains them with `strategy`.
    let drain = |counts: [usize; 3], strategy: &str| {
        env.enqueue_lines(format!(
            "{}{}{}",
            on("short", counts[0]),
            on("default", counts[1]),
            on("long", counts[2])
        ));
        let args = [
            "worker",
            "--burst",
            "--queue",
            "short,default,long",
            "--strategy",
        ];
        let log = env.bench().args(args).arg_str(strategy).ok().stdout();
        (started_order(&log), log)
    };
    // Round robin, in Frappe's and RQ's spelling: each job from the queue after the
    // one the last came from, so an emptied queue hands its turns on. Claims of many
    // jobs at once (held ahead) take them in the same order.
    for spelling in ["round_robin", "round-robin"] {
        let (order, log) = drain([4, 2, 5], spelling);
        assert_eq!(order, "sdlsdlslsll", "{log}");
    }

    // Random: every job runs, taken from all three queues from the start rather than
    // one queue emptied after another (a chance of about 3 in 10^14 to fail).
    let (order, log) = drain([30, 30, 30], "random");
    assert_eq!(order.len(), 90, "{log}");
    for q in ['s', 'd', 'l'] {
        assert_eq!(order.matches(q).count(), 30, "{order}");
        assert!(order[..30].contains(q), "queue {q} waited: {order}");
    }

    let err = env
        .bench()
        .args(["worker", "--burst", "--strategy", "fifo"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("round_robin"), "{err}");
}

/// Waits until the worker logging to `<log>.out` has started job `id`. A `started`
/// status alone means claimed: a claimed job may still be held ahead of its slot, or
/// in a claim whose reply the worker has not read, and a stop gives such jobs back.
fn wait_running(env: &Env, log: &str, id: &str) {
    let line_end = format!(" ({id})");
    wait_for(10.0, "the job to start", || {
        std::fs::read_to_string(env.path(&format!("{log}.out")))
            .unwrap_or_default()
            .lines()
            .any(|l| l.ends_with(&line_end))
    });
}

#[test]
fn warm_shutdown_lets_the_running_job_finish() {
    let env = Env::new();
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 1.5}"#]);
    let next = env.enqueue(&["bench.noop"]);
    let mut w = env
        .bench()
        .args(["worker", "--name", "warm"])
        .spawn(env.dir.path(), "warm");
    wait_running(&env, "warm", &id);
    signal(&w, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 15.0), Some(0));
    assert_eq!(env.status(&id), "finished");
    assert_eq!(
        env.status(&next),
        "queued",
        "no new job after the first signal"
    );
    let mut c = env.conn();
    assert!(
        !c.sismember::<_, _, bool>("rq:workers", "rq:worker:warm")
            .unwrap()
    );
    assert_eq!(
        c.lrange::<_, Vec<String>>("rq:queue:default", 0, -1)
            .unwrap(),
        [next]
    );
    assert_eq!(
        c.llen::<_, i64>("rq:queue:default:intermediate").unwrap(),
        0
    );
}

#[test]
fn cold_shutdown_kills_the_job_and_puts_it_back_first() {
    let env = Env::with_hooks(
        "[methods.\"app.long\"]\ncommand = [\"sh\", \"-c\", \"sleep 62.5 & wait\"]\n",
    );
    let id = env.enqueue(&["app.long"]);
    let other = env.enqueue(&["bench.noop"]);
    let mut w = env.bench().args(["worker"]).spawn(env.dir.path(), "cold");
    wait_for(10.0, "job start", || env.status(&id) == "started");
    wait_for(5.0, "the job's process", || process_running("sleep 62.5"));
    signal(&w, Signal::SIGTERM);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        env.status(&id),
        "started",
        "a warm stop leaves the job running"
    );
    signal(&w, Signal::SIGINT);
    assert_eq!(wait_exit(&mut w, 15.0), Some(0));
    assert_eq!(env.status(&id), "queued");
    let q: Vec<String> = env.conn().lrange("rq:queue:default", 0, -1).unwrap();
    assert_eq!(
        q,
        [id.clone(), other],
        "the interrupted job goes back to the head"
    );
    assert_eq!(env.conn().zcard::<_, i64>("rq:wip:default").unwrap(), 0);
    assert!(
        !process_running("sleep 62.5"),
        "the job's process group is killed"
    );
}

/// Script calls a `-n 1` burst worker makes for `n` no-op jobs, under `hooks`.
fn script_calls_for(hooks: &str, n: usize) -> Vec<String> {
    let env = Env::with_hooks(hooks);
    env.enqueue_lines(noop_lines("rt", n));
    let url = env.redis.url();
    let monitor = crate::harness::redis::Monitor::start(&url);
    env.bench()
        .args(["worker", "--burst", "-n", "1", "--name", "rt"])
        .ok();
    let seen = monitor.stop(&url);
    assert_eq!(
        env.conn().zcard::<_, usize>("rq:finished:default").unwrap(),
        n
    );
    // Commands a script issues are reported with "lua" as their client.
    let sent: Vec<String> = seen.into_iter().filter(|l| !l.contains(" lua]")).collect();
    let others: Vec<&String> = sent.iter().filter(|l| !l.contains("EVALSHA")).collect();
    assert!(
        others.len() < 40,
        "{} commands beside scripts for {n} jobs:\n{}",
        others.len(),
        others
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    sent.into_iter()
        .filter(|l| l.contains("\"EVALSHA\""))
        .map(|l| l.chars().take(160).collect())
        .collect()
}

#[test]
fn a_busy_worker_makes_one_round_trip_per_job() {
    let n = 300;
    // Without claiming ahead, each job's end and the next claim share a call. A few
    // more start and end the run, and each script's first call is sent twice
    // (NOSCRIPT, then loaded).
    let scripts = script_calls_for("[worker]\nclaim_ahead = 0\n", n);
    assert!(
        (n..n + 12).contains(&scripts.len()),
        "{} script calls for {n} jobs:\n{}",
        scripts.len(),
        scripts.join("\n")
    );
    // Claiming ahead, ends are recorded in batches while held jobs run.
    let scripts = script_calls_for("", n);
    assert!(
        scripts.len() < n / 2,
        "{} script calls for {n} jobs while claiming ahead:\n{}",
        scripts.len(),
        scripts.join("\n")
    );
}

/// `n` no-op jobs `<prefix><i>` as `bench enqueue --from-file` lines.
fn noop_lines(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"method\": \"bench.noop\", \"job_id\": \"{prefix}{i}\"}}\n"))
        .collect()
}

#[test]
fn jobs_held_ahead_never_wait_behind_a_long_job() {
    let env = Env::new();
    let mut lines = noop_lines("w", 200);
    lines.push_str(
        "{\"method\": \"bench.sleep\", \"kwargs\": {\"seconds\": 6}, \"job_id\": \"long\"}\n",
    );
    lines.push_str(&noop_lines("t", 30));
    env.enqueue_lines(lines);
    let mut a = env
        .bench()
        .args(["worker", "-n", "1", "--name", "holder"])
        .spawn(env.dir.path(), "a");
    wait_for(10.0, "the long job to start", || {
        env.status("long") == "started"
    });
    // Whatever the worker held when its slot took the long job goes back to the
    // head of the queue, in order, for any other worker to run.
    let mut c = env.conn();
    wait_for(3.0, "only the long job to stay started", || {
        c.zcard::<_, usize>("rq:wip:default").unwrap() == 1
    });
    let queued: Vec<String> = c.lrange("rq:queue:default", 0, -1).unwrap();
    // In queue order: the w jobs came before the long one, the t jobs after it.
    let mut sorted = queued.clone();
    sorted.sort_by_key(|id| (id.starts_with('t'), id[1..].parse::<u32>().unwrap()));
    assert_eq!(queued, sorted, "held jobs went back in their order");
    let mut b = env
        .bench()
        .args(["worker", "-n", "1", "--name", "other"])
        .spawn(env.dir.path(), "b");
    wait_for(4.0, "the other worker to run every t job", || {
        (0..30).all(|i| env.status(&format!("t{i}")) == "finished")
    });
    assert_eq!(
        env.status("long"),
        "started",
        "the t jobs did not wait for the long one"
    );
    for w in [&a, &b] {
        signal(w, Signal::SIGTERM);
    }
    assert_eq!(wait_exit(&mut a, 15.0), Some(0));
    assert_eq!(wait_exit(&mut b, 15.0), Some(0));
    assert_eq!(env.status("long"), "finished");
    assert_eq!(
        c.zcard::<_, usize>("rq:finished:default").unwrap(),
        231,
        "every job ran once"
    );
}

/// Stops a busy `-n 1` worker with `signals` partway through `n` jobs and checks
/// that each job is finished or back in its queue, in order: held jobs included.
fn stop_midway(signals: &[Signal]) {
    let env = Env::new();
    let n = 20_000;
    env.enqueue_lines(noop_lines("s", n));
    let mut w = env
        .bench()
        .args(["worker", "-n", "1", "--quiet", "--name", "stopped"])
        .spawn(env.dir.path(), "w");
    let mut c = env.conn();
    wait_for(20.0, "a few thousand jobs to finish", || {
        c.zcard::<_, usize>("rq:finished:default").unwrap() >= 2_000
    });
    for s in signals {
        signal(&w, *s);
    }
    assert_eq!(wait_exit(&mut w, 15.0), Some(0), "{signals:?}");
    let finished: Vec<String> = c.zrange("rq:finished:default", 0, -1).unwrap();
    let queued: Vec<String> = c.lrange("rq:queue:default", 0, -1).unwrap();
    assert!(finished.len() < n, "the stop came before the queue ran dry");
    assert_eq!(
        finished.len() + queued.len(),
        n,
        "{signals:?}: nothing lost"
    );
    assert_eq!(c.zcard::<_, usize>("rq:wip:default").unwrap(), 0);
    let index = |id: &String| id[1..].parse::<usize>().unwrap();
    assert!(
        queued.windows(2).all(|p| index(&p[0]) < index(&p[1])),
        "{signals:?}: the queue keeps its order: {:?}",
        &queued[..queued.len().min(40)]
    );
    for id in queued.iter().take(50) {
        assert_eq!(env.status(id), "queued", "{id}");
    }
}

#[test]
fn a_stopped_worker_gives_back_the_jobs_it_held_in_order() {
    stop_midway(&[Signal::SIGTERM]);
    stop_midway(&[Signal::SIGTERM, Signal::SIGINT]);
}

#[test]
fn a_worker_killed_outright_leaves_no_job_process_running() {
    // By pid, by its process group (supervisord's killasgroup) and by `pkill -f`. The
    // job's tree: a child in its group, one in a session of its own, one with an
    // empty environment.
    let base = 400 + std::process::id() % 500;
    for (i, how) in ["pid", "group", "pkill"].into_iter().enumerate() {
        let sleeps: Vec<String> = (1..=4).map(|k| format!("sleep {base}.{i}{k}")).collect();
        let script = format!(
            "{} & setsid {} & env -i {} & {}",
            sleeps[0], sleeps[1], sleeps[2], sleeps[3]
        );
        let env = Env::with_hooks(&format!(
            "[methods.\"app.tree\"]\ncommand = [\"sh\", \"-c\", {script:?}]\n"
        ));
        let id = env.enqueue(&["app.tree"]);
        let name = format!("doomed-{how}-{base}");
        let mut w = env
            .bench()
            .own_group()
            .args(["worker", "--name", &name])
            .spawn(env.dir.path(), how);
        wait_for(10.0, "job start", || env.status(&id) == "started");
        wait_for(10.0, "the job's processes", || {
            sleeps.iter().all(|s| process_running(s))
        });
        let pid = nix::unistd::Pid::from_raw(w.id() as i32);
        match how {
            "pid" => signal(&w, Signal::SIGKILL),
            "group" => nix::sys::signal::killpg(pid, Signal::SIGKILL).unwrap(),
            _ => {
                let killed = std::process::Command::new("pkill")
                    .args(["-9", "-f", &format!("worker --name {name}")])
                    .status()
                    .unwrap();
                assert!(killed.success());
            }
        }
        let _ = w.wait();
        wait_for(10.0, &format!("{how}: every job process to die"), || {
            sleeps.iter().all(|s| !process_running(s))
        });
    }
}

#[test]
fn jobs_of_a_killed_worker_are_recovered_by_another() {
    let env = Env::with_hooks("[worker]\nheartbeat_ttl = 10\n");
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 2}"#]);
    let mut a = env
        .bench()
        .args(["worker", "--name", "doomed"])
        .spawn(env.dir.path(), "a");
    wait_for(10.0, "job start", || env.status(&id) == "started");
    signal(&a, Signal::SIGKILL);
    let _ = a.wait();
    let mut b = env
        .bench()
        .args(["worker", "--name", "rescuer"])
        .spawn(env.dir.path(), "b");
    wait_for(40.0, "recovery and rerun", || env.status(&id) == "finished");
    let h = job(&env, &id);
    assert_eq!(h["worker_name"], "rescuer");
    assert_eq!(h["bench_recoveries"], "1");
    signal(&b, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut b, 10.0), Some(0));
    let log = std::fs::read_to_string(env.path("b.err")).unwrap();
    assert!(
        log.contains(&format!(
            "job {id} was abandoned by a dead worker; put back"
        )),
        "{log}"
    );
}

#[test]
fn abandoned_jobs_fail_after_max_recoveries() {
    let env = Env::with_hooks("[worker]\nheartbeat_ttl = 10\nmax_recoveries = 0\n");
    let id = env.enqueue(&["bench.noop"]);
    // A job left started by a worker that died long ago (deadline in the past).
    let mut c = env.conn();
    let _: () = c.lpop("rq:queue:default", None).unwrap();
    let _: () = c.hset(format!("rq:job:{id}"), "status", "started").unwrap();
    let _: () = c
        .zadd("rq:wip:default", format!("{id}:deadbeef"), 1)
        .unwrap();
    let mut w = env.bench().args(["worker"]).spawn(env.dir.path(), "w");
    wait_for(10.0, "abandoned job failed", || env.status(&id) == "failed");
    signal(&w, Signal::SIGTERM);
    wait_exit(&mut w, 10.0);
    let tb = traceback(&env, &id);
    assert!(tb.contains("AbandonedJobError"), "{tb}");
}

#[test]
fn survives_a_redis_restart_and_finishes_every_job() {
    let mut env = Env::persistent("");
    let lines: String = (0..300).map(|i| format!("{{\"method\": \"bench.sleep\", \"kwargs\": {{\"seconds\": 0.01}}, \"job_id\": \"r{i}\"}}\n")).collect();
    env.enqueue_lines(lines);
    let mut w = env
        .bench()
        .args(["worker", "-n", "4"])
        .spawn(env.dir.path(), "w");
    wait_for(20.0, "some jobs done", || {
        env.conn().zcard::<_, i64>("rq:finished:default").unwrap() >= 50
    });
    env.redis.kill();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    env.redis.restart();
    wait_for(60.0, "all 300 jobs finished", || {
        env.conn().zcard::<_, i64>("rq:finished:default").unwrap() == 300
    });
    signal(&w, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 10.0), Some(0));
    let mut c = env.conn();
    assert_eq!(c.zcard::<_, i64>("rq:failed:default").unwrap(), 0);
    assert_eq!(c.zcard::<_, i64>("rq:wip:default").unwrap(), 0);
    assert_eq!(c.llen::<_, i64>("rq:queue:default").unwrap(), 0);
    let log = std::fs::read_to_string(env.path("w.err")).unwrap();
    assert!(
        log.contains("Redis is unavailable") && log.contains("Redis is reachable again"),
        "{log}"
    );
}

#[test]
fn rq_info_sees_the_worker_and_rq_commands_reach_it() {
    let env = Env::new();
    let url = env.redis.url();
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 30}"#]);
    let mut w = env
        .bench()
        .args(["worker", "--name", "visible", "--queue", "default,long"])
        .spawn(env.dir.path(), "w");
    wait_for(10.0, "job start", || env.status(&id) == "started");
    let info = String::from_utf8_lossy(&python::rq(&["info", "-u", &url]).stdout).into_owned();
    assert!(
        info.contains("visible") && info.contains("busy default, long"),
        "{info}"
    );
    // Python RQ's stop-job command stops the job; its shutdown command stops the worker.
    let send = |code: &str| {
        python::code(&format!(
            "import redis, rq.command as c; r = redis.Redis.from_url({url:?}); {code}"
        ));
    };
    send(&format!("c.send_stop_job_command(r, {id:?})"));
    wait_for(10.0, "job stopped", || env.status(&id) == "stopped");
    assert_eq!(rq_job(&env, &id)["result_type"], "STOPPED");
    send("c.send_shutdown_command(r, 'visible')");
    assert_eq!(wait_exit(&mut w, 10.0), Some(0));
}

#[test]
fn rq_suspend_pauses_workers() {
    let env = Env::new();
    let id = env.enqueue(&["bench.noop"]);
    let url = env.redis.url();
    assert!(python::rq(&["suspend", "-u", &url]).status.success());
    let out = env.bench().args(["worker", "--burst"]).ok();
    assert!(out.stdout().contains("suspended"), "{}", out.stdout());
    assert_eq!(env.status(&id), "queued");
    assert!(python::rq(&["resume", "-u", &url]).status.success());
    env.bench().args(["worker", "--burst"]).ok();
    assert_eq!(env.status(&id), "finished");
}

#[test]
fn dependents_are_released_when_their_parent_finishes() {
    let env = Env::new();
    let url = env.redis.url();
    let prog = format!(
        "import redis; from rq import Queue; q = Queue('default', connection=redis.Redis.from_url({url:?})); p = q.enqueue('bench.noop', job_id='parent'); q.enqueue('bench.echo', job_id='child', depends_on=p, kwargs={{'k': 1}})"
    );
    python::code(&prog);
    assert_eq!(env.status("child"), "deferred");
    env.bench().args(["worker", "--burst"]).ok();
    assert_eq!(env.status("parent"), "finished");
    assert_eq!(env.status("child"), "finished");
}

#[test]
fn a_rust_program_can_register_its_own_handlers() {
    use bench::worker::runner::Handlers;
    use bench::worker::{Options, Shutdown, Strategy};

    let env = Env::new();
    let id = env.enqueue(&["myapp.double", "--kwargs", r#"{"n": 21}"#]);
    let bad = env.enqueue(&["myapp.explode"]);
    let cfg = bench::config::Config::load(&env.hooks(), true, Some(&env.redis.url())).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = bench::store::Store::open(&env.redis.url()).await.unwrap();
        let mut handlers = Handlers::builtin();
        handlers.register("myapp.double", |job| async move {
            let n = job.kwargs["n"].as_i64().ok_or("n must be a number")?;
            Ok(json!(n * 2))
        });
        handlers.register("myapp.explode", |_| async { panic!("boom from a handler") });
        let opts = Options {
            queues: vec!["default".into()],
            burst: true,
            strategy: Strategy::Default,
            concurrency: 2,
            name: "lib".into(),
            quiet: true,
            // The failure it logs goes to a file, not into the test run's output.
            log_file: Some(env.path("lib.log")),
            metrics: None,
        };
        bench::worker::run(
            std::sync::Arc::new(cfg),
            store,
            opts,
            handlers,
            Shutdown::new(),
        )
        .await
        .unwrap();
    });
    assert_eq!(rq_job(&env, &id)["return_value"], 42);
    let tb = traceback(&env, &bad);
    assert!(
        tb.contains("handler for myapp.explode panicked at tests/it/worker.rs:")
            && tb.contains(": boom from a handler"),
        "{tb}"
    );
    let log = std::fs::read_to_string(env.path("lib.error.log")).unwrap();
    assert!(log.contains(&format!("job {bad} failed")), "{log}");
}

#[test]
fn rq_dashboard_shows_bench_workers_queues_and_jobs() {
    let env = Env::new();
    let done = env.enqueue(&["bench.echo", "--kwargs", r#"{"shown": true}"#]);
    env.bench().args(["worker", "--burst"]).ok();
    let running = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 30}"#]);
    let mut w = env
        .bench()
        .args(["worker", "--name", "dash-worker"])
        .spawn(env.dir.path(), "w");
    wait_for(10.0, "job start", || env.status(&running) == "started");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let url = env.redis.url();
    let _dashboard = crate::harness::bench::Proc(
        std::process::Command::new(python::bin("rq-dashboard"))
            .args(["-b", "127.0.0.1", "-p", &port, "--redis-url", &url])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let get = |path: &str| -> Json {
        let prog = format!(
            "import json, time, urllib.request\nfor _ in range(100):\n    try:\n        print(urllib.request.urlopen('http://127.0.0.1:{port}{path}', timeout=5).read().decode()); break\n    except OSError:\n        time.sleep(0.1)"
        );
        serde_json::from_slice(&python::code(&prog).stdout).unwrap()
    };
    let workers = get("/0/data/workers.json");
    let w0 = workers["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "dash-worker")
        .unwrap_or_else(|| panic!("{workers}"));
    assert_eq!(w0["state"], "busy");
    let queues = get("/0/data/queues.json");
    assert!(
        queues["queues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["name"] == "default" && q["started_job_registry_count"] == 1),
        "{queues}"
    );
    let finished = get("/0/data/jobs/default/finished/10/asc/1.json");
    assert!(finished.to_string().contains(&done), "{finished}");
    let job = get(&format!("/0/data/job/{done}.json"));
    assert_eq!(job["result"], json!({"shown": true}), "{job}");
    // Twice: a cold stop puts the sleeping job back instead of waiting for it.
    signal(&w, Signal::SIGTERM);
    std::thread::sleep(std::time::Duration::from_millis(200));
    signal(&w, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 10.0), Some(0));
}

#[test]
fn a_cold_stop_ends_even_without_redis_and_the_job_is_recovered_later() {
    let mut env = Env::persistent("[worker]\nheartbeat_ttl = 10\n");
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 4}"#]);
    let mut w = env
        .bench()
        .args(["worker", "--name", "stranded"])
        .spawn(env.dir.path(), "w");
    wait_running(&env, "w", &id);
    env.redis.kill();
    signal(&w, Signal::SIGTERM);
    std::thread::sleep(std::time::Duration::from_millis(200));
    signal(&w, Signal::SIGTERM);
    assert_eq!(
        wait_exit(&mut w, 30.0),
        Some(0),
        "the worker gave up on the unreachable Redis"
    );
    let log = std::fs::read_to_string(env.path("w.err")).unwrap();
    assert!(
        log.contains(&format!("the end of job(s) {id} is not recorded")),
        "{log}"
    );
    env.redis.restart();
    assert_eq!(
        env.status(&id),
        "started",
        "the job waits in the started registry"
    );
    let _rescuer = env
        .bench()
        .args(["worker"])
        .spawn(env.dir.path(), "rescuer");
    wait_for(40.0, "the job recovered and run", || {
        env.status(&id) == "finished"
    });
}

#[test]
fn a_second_worker_with_a_live_workers_name_is_refused() {
    let env = Env::new();
    let _first = env
        .bench()
        .args(["worker", "--name", "twin"])
        .spawn(env.dir.path(), "first");
    wait_for(10.0, "the first worker", || {
        env.conn()
            .sismember::<_, _, bool>("rq:workers", "rq:worker:twin")
            .unwrap()
    });
    let err = env
        .bench()
        .args(["worker", "--name", "twin", "--burst"])
        .run()
        .code(1)
        .stderr();
    assert!(
        err.contains("a worker named `twin` is already running; choose another --name"),
        "{err}"
    );
}
