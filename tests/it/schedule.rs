use std::collections::{BTreeSet, HashMap};

use nix::sys::signal::Signal;
use redis::Commands;
use serde_json::Value as Json;

use crate::harness::{Env, signal, wait_exit, wait_for};

fn history(env: &Env, method: &str) -> Vec<Json> {
    let out = env
        .bench()
        .args(["schedule", "history", method, "--json", "--limit", "500"])
        .ok()
        .stdout();
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn job_id(method: &str) -> String {
    bench::scheduler::plan::job_id(None, method)
}

#[test]
fn next_prints_croniter_times_across_dst() {
    let env = Env::new();
    let out = env
        .bench()
        .args([
            "schedule",
            "next",
            "30 2 * * *",
            "--from",
            "2026-03-07T00:00",
            "--count",
            "3",
            "--timezone",
            "America/New_York",
        ])
        .ok()
        .stdout();
    assert_eq!(
        out,
        "2026-03-07T02:30:00-05:00\n2026-03-08T03:00:00-04:00\n2026-03-09T02:30:00-04:00\n"
    );
    let out = env
        .bench()
        .args([
            "schedule",
            "next",
            "30 1 * * *",
            "--from",
            "2026-10-31T12:00",
            "--count",
            "2",
            "--timezone",
            "America/New_York",
        ])
        .ok()
        .stdout();
    assert_eq!(
        out, "2026-11-01T01:30:00-04:00\n2026-11-02T01:30:00-05:00\n",
        "the repeated 01:30 runs once"
    );
    let out = env
        .bench()
        .args([
            "schedule",
            "next",
            "0 0 13 * 5",
            "--from",
            "2026-01-01T00:00:00Z",
            "--count",
            "3",
            "--timezone",
            "UTC",
        ])
        .ok()
        .stdout();
    assert_eq!(
        out, "2026-01-02T00:00:00+00:00\n2026-01-09T00:00:00+00:00\n2026-01-13T00:00:00+00:00\n",
        "Friday or the 13th"
    );
    let err = env
        .bench()
        .args(["schedule", "next", "61 * * * *"])
        .run()
        .code(2)
        .stderr();
    assert!(
        err.contains("invalid cron expression `61 * * * *`"),
        "{err}"
    );
}

#[test]
fn one_catch_up_run_after_downtime_and_a_skip_while_the_last_run_is_queued() {
    let env = Env::with_hooks(
        "[scheduler]\ninterval = 3600\nlease = 2\n[scheduler_events]\nall = [\"bench.noop\"]\nhourly = [\"bench.echo\"]\n",
    );
    // Both last ran five hours ago: five slots each were missed.
    let five_hours_ago = chrono::Utc::now().timestamp() as f64 - 5.0 * 3600.0;
    let _: () = env
        .conn()
        .hset_multiple(
            "rq:bench:schedule:last_run",
            &[
                ("bench.noop", five_hours_ago),
                ("bench.echo", five_hours_ago),
            ],
        )
        .unwrap();
    let mut s = env.bench().args(["schedule"]).spawn(env.dir.path(), "s");
    wait_for(10.0, "catch-up runs", || {
        history(&env, "bench.noop").len() == 1 && history(&env, "bench.echo").len() == 1
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    for m in ["bench.noop", "bench.echo"] {
        let h = history(&env, m);
        assert_eq!(h.len(), 1, "one run for five missed slots: {h:?}");
        assert_eq!(h[0]["outcome"], "enqueued");
        let slot = h[0]["slot"].as_i64().unwrap() as f64;
        assert!(
            slot > five_hours_ago && slot < five_hours_ago + 3601.0,
            "the first missed slot"
        );
        assert_eq!(env.status(&job_id(m)), "queued");
    }
    let meta = env
        .bench()
        .args(["jobs", "show", "--json", &job_id("bench.echo")])
        .ok()
        .stdout();
    assert!(meta.contains("\"event\": \"hourly\""), "{meta}");

    // A slot the scheduler already handled is never run again, even if asked to look.
    let _: () = env
        .conn()
        .hset("rq:bench:schedule:last_run", "bench.noop", five_hours_ago)
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(history(&env, "bench.noop").len(), 1);
    // A new slot due while the last run is still queued is skipped.
    let an_hour_ago = chrono::Utc::now().timestamp() as f64 - 3600.0;
    let _: () = env
        .conn()
        .hset("rq:bench:schedule:last_run", "bench.noop", an_hour_ago)
        .unwrap();
    wait_for(10.0, "a skipped slot", || {
        history(&env, "bench.noop").len() == 2
    });
    assert_eq!(history(&env, "bench.noop")[0]["outcome"], "skipped:queued");
    assert_eq!(
        env.conn().llen::<_, i64>("rq:queue:default").unwrap(),
        2,
        "no duplicate job was queued"
    );
    signal(&s, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut s, 10.0), Some(0));
}

#[test]
fn three_schedulers_enqueue_each_slot_once_even_when_the_leader_dies() {
    let env = Env::with_hooks(
        "[scheduler]\ninterval = 1\nlease = 2\n[scheduler_events]\nall = [\"bench.noop\"]\n",
    );
    let mut worker = env
        .bench()
        .args(["worker", "--queue", "default"])
        .spawn(env.dir.path(), "worker");
    let mut schedulers: Vec<_> = (0..3)
        .map(|i| {
            env.bench()
                .args(["schedule"])
                .spawn(env.dir.path(), &format!("s{i}"))
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_secs(25));
    // Kill the leader hard, mid-run.
    let leader: String = env.conn().get("rq:bench:scheduler:lease").unwrap();
    let pid: u32 = env
        .conn()
        .hget(format!("rq:bench:scheduler:{leader}"), "pid")
        .unwrap();
    let idx = schedulers
        .iter()
        .position(|c| c.id() == pid)
        .expect("the leader is one of ours");
    let mut dead = schedulers.remove(idx);
    signal(&dead, Signal::SIGKILL);
    let _ = dead.wait();
    let killed_at = chrono::Utc::now().timestamp();
    std::thread::sleep(std::time::Duration::from_secs(35));
    for mut s in schedulers {
        signal(&s, Signal::SIGTERM);
        assert_eq!(wait_exit(&mut s, 10.0), Some(0));
    }
    signal(&worker, Signal::SIGTERM);
    wait_exit(&mut worker, 10.0);

    let h = history(&env, "bench.noop");
    let slots: Vec<i64> = h.iter().map(|e| e["slot"].as_i64().unwrap()).collect();
    let unique: BTreeSet<i64> = slots.iter().copied().collect();
    assert_eq!(
        unique.len(),
        slots.len(),
        "a slot was enqueued twice: {slots:?}"
    );
    let by: HashMap<&str, usize> = h.iter().fold(HashMap::new(), |mut m, e| {
        *m.entry(e["scheduler"].as_str().unwrap()).or_default() += 1;
        m
    });
    assert_eq!(by.len(), 2, "the first leader, then one successor: {by:?}");
    assert!(h.iter().all(|e| e["outcome"] == "enqueued"), "{h:?}");
    // Consecutive slots, except one gap around the failover no longer than two leases.
    let ordered: Vec<i64> = unique.into_iter().collect();
    let gaps: Vec<(i64, i64)> = ordered
        .windows(2)
        .filter(|w| w[1] - w[0] != 1)
        .map(|w| (w[0], w[1]))
        .collect();
    assert!(gaps.len() <= 1, "{gaps:?}");
    if let Some((a, b)) = gaps.first() {
        assert!(
            b - a <= 5 && (a - killed_at).abs() <= 3,
            "failover gap {a}..{b} around {killed_at}"
        );
    }
    assert!(
        ordered.len() >= 50,
        "about one slot a second for a minute: {}",
        ordered.len()
    );
    let lateness: Vec<f64> = h
        .iter()
        .map(|e| e["at"].as_f64().unwrap() - e["slot"].as_f64().unwrap())
        .collect();
    let on_time = lateness.iter().filter(|l| **l < 1.0).count();
    assert!(
        on_time + 3 >= lateness.len(),
        "all but the failover catch-up within a second: {lateness:?}"
    );
}

#[test]
fn pause_and_resume_reach_every_scheduler() {
    let env = Env::with_hooks(
        "[scheduler]\ninterval = 1\nlease = 2\n[scheduler_events]\nall = [\"bench.noop\"]\n",
    );
    env.bench().args(["schedule", "pause"]).ok();
    let status = env.bench().args(["schedule", "status"]).ok().stdout();
    assert!(status.starts_with("Scheduler is paused"), "{status}");
    let mut s = env.bench().args(["schedule"]).spawn(env.dir.path(), "s");
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert!(
        history(&env, "bench.noop").is_empty(),
        "nothing runs while paused"
    );
    let status: Json = serde_json::from_str(
        &env.bench()
            .args(["schedule", "status", "--json"])
            .ok()
            .stdout(),
    )
    .unwrap();
    assert_eq!(status["status"], "paused");
    assert!(status["leader"]["name"].is_string(), "{status}");
    env.bench().args(["schedule", "resume"]).ok();
    wait_for(5.0, "a run after resume", || {
        !history(&env, "bench.noop").is_empty()
    });
    signal(&s, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut s, 10.0), Some(0));
}

#[test]
fn delayed_jobs_move_to_their_queue_when_due() {
    let env = Env::with_hooks("[scheduler]\nlease = 2\n");
    let soon = env
        .bench()
        .args(["enqueue", "bench.noop", "--in", "1s"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    let later = env
        .bench()
        .args([
            "enqueue",
            "bench.noop",
            "--at",
            "2099-01-01T00:00:00Z",
            "--queue",
            "long",
        ])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    assert_eq!(env.status(&soon), "scheduled");
    assert!(
        env.conn()
            .zscore::<_, _, Option<f64>>("rq:scheduled:long", &later)
            .unwrap()
            .is_some()
    );
    let mut s = env.bench().args(["schedule"]).spawn(env.dir.path(), "s");
    wait_for(10.0, "the due job queued", || env.status(&soon) == "queued");
    assert_eq!(
        env.conn()
            .lrange::<_, Vec<String>>("rq:queue:default", 0, -1)
            .unwrap(),
        std::slice::from_ref(&soon)
    );
    assert_eq!(env.status(&later), "scheduled");
    // Python RQ's scheduler lock for the queue is held, so an rq --with-scheduler worker stays off it.
    let lock: Option<String> = env.conn().get("rq:scheduler-lock:default").unwrap();
    assert!(lock.is_some());
    signal(&s, Signal::SIGTERM);
    wait_exit(&mut s, 10.0);
    let err = env
        .bench()
        .args(["enqueue", "bench.noop", "--in", "soon"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("--in") && err.contains("10m"), "{err}");
}

#[test]
fn trigger_list_and_unknown_methods() {
    let env = Env::with_hooks(
        "[scheduler_events]\ndaily_long = [\"bench.noop\"]\n[scheduler_events.cron]\n\"*/15 * * * *\" = [\"bench.echo\"]\n",
    );
    let id = env
        .bench()
        .args(["schedule", "trigger", "bench.noop"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    assert_eq!(id, job_id("bench.noop"));
    let q: Vec<String> = env.conn().lrange("rq:queue:long", 0, -1).unwrap();
    assert_eq!(
        q,
        std::slice::from_ref(&id),
        "daily_long runs on the long queue"
    );
    let err = env
        .bench()
        .args(["schedule", "trigger", "bench.noop"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("still queued"), "{err}");
    let err = env
        .bench()
        .args(["schedule", "trigger", "app.nope"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("Event app.nope does not exist!"), "{err}");
    let list = env.bench().args(["schedule", "list"]).ok().stdout();
    assert!(
        list.contains("bench.noop\tdaily_long\tlong\t0 0 * * *")
            && list.contains("bench.echo\t*/15 * * * *\tdefault"),
        "{list}"
    );
    let h = history(&env, "bench.noop");
    assert_eq!(h[0]["slot"], Json::Null, "a trigger has no slot");
}

#[test]
fn two_benches_on_one_redis_each_schedule_their_own_events() {
    let env = Env::new();
    let hooks = |bench: &str| {
        let path = env.path(&format!("{bench}.toml"));
        std::fs::write(
            &path,
            format!("bench_id = \"{bench}\"\n[scheduler]\ninterval = 1\nlease = 2\n[scheduler_events]\nall = [\"bench.noop\"]\n"),
        )
        .unwrap();
        path.display().to_string()
    };
    let (alpha, beta) = (hooks("alpha"), hooks("beta"));
    let runs = |cfg: &str| -> usize {
        env.bench()
            .env("BENCH_CONFIG", cfg)
            .args(["schedule", "history", "--json", "--limit", "500"])
            .ok()
            .stdout()
            .lines()
            .count()
    };
    let mut a = env
        .bench()
        .env("BENCH_CONFIG", &alpha)
        .args(["schedule"])
        .spawn(env.dir.path(), "a");
    let mut b = env
        .bench()
        .env("BENCH_CONFIG", &beta)
        .args(["schedule"])
        .spawn(env.dir.path(), "b");
    wait_for(15.0, "both benches to run their event", || {
        let mut c = env.conn();
        c.llen::<_, i64>("rq:queue:alpha:default").unwrap() == 1
            && c.llen::<_, i64>("rq:queue:beta:default").unwrap() == 1
    });
    // Each leads its own bench, and says so.
    for (cfg, log) in [(&alpha, "a.out"), (&beta, "b.out")] {
        let status: Json = serde_json::from_str(
            &env.bench()
                .env("BENCH_CONFIG", cfg)
                .args(["schedule", "status", "--json"])
                .ok()
                .stdout(),
        )
        .unwrap();
        let leader = status["leader"]["name"].as_str().unwrap().to_owned();
        let own = std::fs::read_to_string(env.path(log)).unwrap();
        assert!(
            own.contains(&format!("Scheduler {leader} is now the leader")),
            "{cfg}: {own}"
        );
        let doctor = env
            .bench()
            .env("BENCH_CONFIG", cfg)
            .args(["doctor"])
            .run()
            .stdout();
        assert!(doctor.contains(&format!("leader {leader}")), "{doctor}");
    }
    // Pausing beta leaves alpha running.
    env.bench()
        .env("BENCH_CONFIG", &beta)
        .args(["schedule", "pause"])
        .ok();
    wait_for(10.0, "beta's scheduler to see its pause", || {
        std::fs::read_to_string(env.path("b.out"))
            .unwrap()
            .contains("Scheduler is paused")
    });
    let beta_runs = runs(&beta);
    let alpha_runs = runs(&alpha);
    wait_for(15.0, "alpha to go on running", || {
        runs(&alpha) >= alpha_runs + 3
    });
    assert_eq!(runs(&beta), beta_runs, "a paused bench runs nothing");
    let alpha_status = env
        .bench()
        .env("BENCH_CONFIG", &alpha)
        .args(["schedule", "status"])
        .ok()
        .stdout();
    assert!(
        alpha_status.starts_with("Scheduler is active"),
        "{alpha_status}"
    );
    // Each history holds its own bench's runs only.
    let history = env
        .bench()
        .env("BENCH_CONFIG", &alpha)
        .args(["schedule", "history", "--json", "--limit", "500"])
        .ok()
        .stdout();
    assert!(
        history
            .lines()
            .all(|l| l.contains(&bench::scheduler::plan::job_id(Some("alpha"), "bench.noop"))),
        "{history}"
    );
    for p in [&mut a, &mut b] {
        signal(p, Signal::SIGTERM);
        assert_eq!(wait_exit(p, 10.0), Some(0));
    }
}

#[test]
fn a_bench_id_takes_over_the_clocks_older_releases_kept_for_it() {
    let env = Env::with_hooks(
        "bench_id = \"b1\"\n[scheduler]\nlease = 2\n[scheduler_events]\nhourly = [\"bench.noop\"]\n",
    );
    // Data an older release wrote in the shared keys: the hourly event ran this hour,
    // so it is not due again before the test ends (kept clear of the hour's turn).
    wait_for(20.0, "the hour not about to turn", || {
        chrono::Utc::now().timestamp() % 3600 < 3600 - 15
    });
    let ran = chrono::Utc::now().timestamp() as f64;
    let _: () = env
        .conn()
        .hset("rq:bench:schedule:last_run", "bench.noop", ran)
        .unwrap();
    let out = env
        .bench()
        .args(["schedule", "list", "--json"])
        .ok()
        .stdout();
    let mut s = env.bench().args(["schedule"]).spawn(env.dir.path(), "s");
    wait_for(10.0, "the scheduler to start", || {
        std::fs::read_to_string(env.path("s.out"))
            .unwrap()
            .contains("is now the leader")
    });
    let kept: f64 = env
        .conn()
        .hget("rq:bench:b1:schedule:last_run", "bench.noop")
        .unwrap();
    assert_eq!(kept, ran, "the clock moved with the bench: {out}");
    signal(&s, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut s, 10.0), Some(0));
}
