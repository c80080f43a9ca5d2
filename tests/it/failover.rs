//! Redis Sentinel failover with real processes on loopback: a master, two replicas
//! (one is promoted, the other then replicates it, so writes can still wait for a
//! replica) and three sentinels (`redis-server --sentinel`). Jobs are enqueued and drained while
//! the master is killed with -9; workers and the scheduler carry on by themselves
//! against the promoted replica. With `[redis] min_replicas_ack = 1` no acknowledged
//! enqueue or job end is lost.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use redis::Commands;

use crate::harness::bench::Proc;
use crate::harness::redis::free_port;
use crate::harness::{Env, signal, wait_exit, wait_for};

fn conn(port: u16) -> redis::Connection {
    redis::Client::open(format!("redis://127.0.0.1:{port}"))
        .unwrap()
        .get_connection_with_timeout(Duration::from_secs(2))
        .unwrap()
}

/// A connection for a poll: None while the server does not take one, which a
/// loaded machine may briefly refuse (EAGAIN) when a test waits on it.
fn try_conn(port: u16) -> Option<redis::Connection> {
    redis::Client::open(format!("redis://127.0.0.1:{port}"))
        .ok()?
        .get_connection_with_timeout(Duration::from_secs(2))
        .ok()
}

fn answers(port: u16) -> bool {
    redis::Client::open(format!("redis://127.0.0.1:{port}"))
        .ok()
        .and_then(|c| {
            c.get_connection_with_timeout(Duration::from_millis(300))
                .ok()
        })
        .is_some_and(|mut c| redis::cmd("PING").query::<String>(&mut c).is_ok())
}

/// The master port a sentinel names for `mymaster`, if it answers.
fn named_master(sentinel: u16) -> Option<u16> {
    let addr: Vec<String> = redis::cmd("SENTINEL")
        .arg("get-master-addr-by-name")
        .arg("mymaster")
        .query(&mut conn(sentinel))
        .ok()?;
    addr.get(1)?.parse().ok()
}

fn role_is_master(port: u16) -> bool {
    let role: Option<Vec<redis::Value>> = redis::Client::open(format!("redis://127.0.0.1:{port}"))
        .ok()
        .and_then(|c| {
            c.get_connection_with_timeout(Duration::from_millis(500))
                .ok()
        })
        .and_then(|mut c| redis::cmd("ROLE").query(&mut c).ok());
    matches!(role.as_deref().and_then(|r| r.first()), Some(redis::Value::BulkString(r)) if r == b"master")
}

/// Redis processes killed when the test ends, however it ends.
struct Cluster {
    dir: tempfile::TempDir,
    master: u16,
    replicas: [u16; 2],
    sentinels: Vec<u16>,
    children: Vec<(u16, Child)>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for (_, c) in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Cluster {
    fn start() -> Cluster {
        let mut c = Cluster {
            dir: tempfile::tempdir().unwrap(),
            master: free_port(),
            replicas: [free_port(), free_port()],
            sentinels: (0..3).map(|_| free_port()).collect(),
            children: Vec::new(),
        };
        let master = c.master;
        c.server(master, &[]);
        for replica in c.replicas {
            c.server(replica, &["--replicaof", "127.0.0.1", &master.to_string()]);
            wait_for(10.0, "replica in sync", || {
                let info: String = redis::cmd("INFO")
                    .arg("replication")
                    .query(&mut conn(replica))
                    .unwrap();
                info.contains("master_link_status:up")
            });
        }
        // A failover whose leader election splits is tried again only after twice
        // the failover timeout: 4 s keeps that retry inside the least a typed command
        // waits for a new master (20 s), on a machine loaded enough to split the vote.
        for s in c.sentinels.clone() {
            let conf = c.dir.path().join(format!("sentinel-{s}.conf"));
            std::fs::write(
                &conf,
                format!(
                    "port {s}\nbind 127.0.0.1\ndir {}\n\
                     sentinel monitor mymaster 127.0.0.1 {master} 2\n\
                     sentinel down-after-milliseconds mymaster 1000\n\
                     sentinel failover-timeout mymaster 4000\n\
                     sentinel parallel-syncs mymaster 1\n",
                    c.dir.path().display()
                ),
            )
            .unwrap();
            let child = Command::new("redis-server")
                .arg(&conf)
                .arg("--sentinel")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server runs as a sentinel");
            c.children.push((s, child));
        }
        for s in c.sentinels.clone() {
            wait_for(10.0, "sentinel sees both replicas", || {
                answers(s)
                    && redis::cmd("SENTINEL")
                        .arg("replicas")
                        .arg("mymaster")
                        .query::<Vec<redis::Value>>(&mut conn(s))
                        .is_ok_and(|r| r.len() == 2)
            });
        }
        c
    }

    fn server(&mut self, port: u16, extra: &[&str]) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .args(["--appendonly", "no", "--dir"])
            .arg(self.dir.path())
            .args(["--dbfilename", &format!("dump-{port}.rdb")])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        self.children.push((port, child));
        wait_for(5.0, "redis-server answers", || answers(port));
    }

    fn kill(&mut self, port: u16) {
        for (p, c) in &mut self.children {
            if *p == port {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }

    /// The replica the sentinels promoted: once every sentinel names the same replica
    /// and it answers ROLE as a master. A replica answering ROLE alone is not enough:
    /// on a loaded machine a failover can time out and a second one promote the other
    /// replica, which leaves the first a master until the sentinels demote it.
    fn promoted(&self) -> u16 {
        let mut promoted = None;
        wait_for(60.0, "the sentinels agree on a promoted replica", || {
            let named: Vec<Option<u16>> = self.sentinels.iter().map(|s| named_master(*s)).collect();
            promoted = match named.first() {
                Some(Some(p))
                    if self.replicas.contains(p)
                        && named.iter().all(|n| *n == Some(*p))
                        && role_is_master(*p) =>
                {
                    Some(*p)
                }
                _ => None,
            };
            promoted.is_some()
        });
        promoted.expect("found above")
    }

    fn url(&self) -> String {
        let nodes: Vec<String> = self
            .sentinels
            .iter()
            .map(|p| format!("127.0.0.1:{p}"))
            .collect();
        format!("redis+sentinel://{}/mymaster/0", nodes.join(","))
    }
}

/// Asserts the workers and the scheduler are still running, stops them warmly, and
/// checks the first worker noticed Redis come back.
fn still_running_then_stop(env: &Env, workers: &mut [Proc], scheduler: &mut Proc) {
    for w in workers.iter_mut() {
        assert!(matches!(w.try_wait(), Ok(None)), "a worker exited");
        signal(w, Signal::SIGTERM);
        assert_eq!(wait_exit(w, 20.0), Some(0));
    }
    signal(scheduler, Signal::SIGTERM);
    assert_eq!(wait_exit(scheduler, 20.0), Some(0));
    let log = std::fs::read_to_string(env.path("w0.err")).unwrap();
    assert!(log.contains("Redis is reachable again"), "{log}");
}

/// What a failover drill ended with.
struct Drill {
    acked: usize,
    /// Acknowledged jobs missing on the promoted replica.
    lost_enqueues: usize,
    /// Acknowledged jobs not finished once the workers settled.
    not_finished: usize,
}

/// Enqueues `total` no-op jobs in acknowledged chunks while two workers and a
/// scheduler run; kills the master with -9 after a third; waits for the promoted
/// replica to hold every surviving job finished.
fn drill(acks: u32, total: usize) -> Drill {
    let mut cluster = Cluster::start();
    let env = Env::with_hooks(&format!(
        "[redis]\nmin_replicas_ack = {acks}\n[scheduler]\nlease = 3\n\
         [scheduler_events]\nall = [\"bench.noop\"]\n"
    ));
    let url = cluster.url();
    let bench = || env.bench().env("BENCH_REDIS_URL", &url);
    let mut workers: Vec<Proc> = (0..2)
        .map(|i| {
            bench()
                .args(["worker", "-n", "4"])
                .spawn(env.dir.path(), &format!("w{i}"))
        })
        .collect();
    let mut scheduler = bench().args(["schedule"]).spawn(env.dir.path(), "s");
    let lease = "rq:bench:scheduler:lease";
    let master = cluster.master;
    wait_for(20.0, "scheduler leads", || {
        conn(master).exists::<_, bool>(lease).unwrap()
    });

    let mut acked: Vec<String> = Vec::new();
    let mut killed = false;
    let mut chunk = 0;
    let mut failed = 0;
    let started = Instant::now();
    while acked.len() < total {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "enqueueing {total} jobs took over two minutes ({} acknowledged)",
            acked.len()
        );
        if !killed && acked.len() >= total / 3 {
            let running: i64 = conn(master).zcard("rq:wip:default").unwrap();
            println!("killing the master with {running} job(s) running");
            cluster.kill(master);
            killed = true;
        }
        let ids: Vec<String> = (0..50).map(|i| format!("f{chunk}-{i}")).collect();
        chunk += 1;
        let lines: String = ids
            .iter()
            .map(|id| {
                format!(
                    "{{\"method\": \"bench.sleep\", \"kwargs\": {{\"seconds\": 0.003}}, \"job_id\": \"{id}\"}}\n"
                )
            })
            .collect();
        let out = bench()
            .args(["enqueue", "--from-file", "-"])
            .stdin(lines)
            .run();
        if out.0.status.success() {
            acked.extend(ids);
        } else {
            failed += 1;
            if failed == 1 {
                eprintln!("first refused enqueue: {}", out.stderr());
            }
        }
    }

    // The sentinels promoted a replica; every process found it by itself.
    let replica = cluster.promoted();
    let doctor = bench().args(["doctor"]).run().stdout();
    assert!(
        doctor.contains(&format!(
            "master 127.0.0.1:{replica}, found through the sentinels"
        )),
        "{doctor}"
    );
    if acks > 0 {
        assert!(
            doctor.contains("writes wait for 1 replica(s), 1 connected"),
            "{doctor}"
        );
    }
    let mut c = conn(replica);
    let before: i64 = c.pttl(lease).unwrap_or(-2);
    wait_for(20.0, "scheduler renews its lease on the new master", || {
        conn(replica).pttl::<_, i64>(lease).unwrap_or(-2) > before.max(0)
    });
    let job_exists =
        |c: &mut redis::Connection, id: &str| -> bool { c.exists(format!("rq:job:{id}")).unwrap() };
    let surviving: Vec<&String> = acked.iter().filter(|id| job_exists(&mut c, id)).collect();
    let finished = |c: &mut redis::Connection| -> HashSet<String> {
        c.zrange::<_, Vec<String>>("rq:finished:default", 0, -1)
            .unwrap()
            .into_iter()
            .collect()
    };
    // Settled: every surviving job finished, or nothing queued and no job finishing
    // for three seconds (a job whose end the failover lost stays started).
    let mut last = (0, Instant::now());
    wait_for(90.0, "the surviving jobs to finish or settle", || {
        let mut c = conn(replica);
        let done = finished(&mut c);
        if surviving.iter().all(|id| done.contains(*id)) {
            return true;
        }
        let queued: i64 = c.llen("rq:queue:default").unwrap();
        if done.len() != last.0 {
            last = (done.len(), Instant::now());
            false
        } else {
            queued == 0 && last.1.elapsed() > Duration::from_secs(3)
        }
    });
    let done = finished(&mut c);
    still_running_then_stop(&env, &mut workers, &mut scheduler);
    Drill {
        acked: acked.len(),
        lost_enqueues: acked.len() - surviving.len(),
        not_finished: surviving.iter().filter(|id| !done.contains(**id)).count(),
    }
}

#[test]
fn sentinel_failover_with_replica_acks_loses_no_acknowledged_job() {
    let d = drill(1, 10_000);
    println!(
        "min_replicas_ack = 1: {} jobs acknowledged, {} lost at enqueue, {} not finished",
        d.acked, d.lost_enqueues, d.not_finished
    );
    assert_eq!((d.lost_enqueues, d.not_finished), (0, 0));
}

#[test]
fn sentinel_failover_without_acks_carries_on() {
    let d = drill(0, 10_000);
    // Without waiting for the replica some acknowledged writes may be lost; the
    // number is reported, and every job that survived still runs to the end.
    println!(
        "min_replicas_ack = 0: {} jobs acknowledged, {} lost at enqueue, {} finishes lost (left started)",
        d.acked, d.lost_enqueues, d.not_finished
    );
    assert!(d.acked >= 10_000);
}

/// A command typed while the sentinels are still failing over a dead master waits
/// for the new one instead of failing, as long as the sentinels' settings say a
/// failover may take.
#[test]
fn an_enqueue_during_a_failover_waits_for_the_new_master() {
    let mut cluster = Cluster::start();
    let env = Env::new();
    let url = cluster.url();
    // Down after 1 s, an attempt tried again after 2 x 10 s, and 5 s: 26 s.
    for s in &cluster.sentinels {
        let _: () = redis::cmd("SENTINEL")
            .arg("SET")
            .arg("mymaster")
            .arg("failover-timeout")
            .arg(10_000)
            .query(&mut conn(*s))
            .unwrap();
    }
    let old = cluster.master;
    cluster.kill(old);
    // `bench doctor` is run to find out what is wrong: it says so without waiting.
    let doctor = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["doctor"])
        .run();
    assert!(
        !doctor.stderr().contains("waiting up to"),
        "{}",
        doctor.stderr()
    );
    let out = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["enqueue", "bench.noop"])
        .ok();
    let id = out.stdout();
    assert!(
        out.stderr()
            .contains("waiting up to 26s for the sentinels to name a master"),
        "{}",
        out.stderr()
    );
    let new = cluster.promoted();
    assert!(
        conn(new)
            .exists::<_, bool>(format!("rq:job:{}", id.trim()))
            .unwrap(),
        "enqueued on the new master"
    );
}

/// A manual failover (`SENTINEL FAILOVER`) leaves the old master running as a
/// replica, which refuses writes with READONLY: a worker connected to it moves to
/// the new master by itself and runs what is enqueued there.
#[test]
fn a_demoted_master_is_left_for_the_new_one() {
    let cluster = Cluster::start();
    let env = Env::new();
    let url = cluster.url();
    let bench = || env.bench().env("BENCH_REDIS_URL", &url);
    let mut worker = bench().args(["worker"]).spawn(env.dir.path(), "w");
    let first = bench().args(["enqueue", "bench.noop"]).ok().stdout();
    let old = cluster.master;
    let status = |port: u16, id: &str| -> Option<String> {
        try_conn(port)?
            .hget(format!("rq:job:{}", id.trim()), "status")
            .unwrap()
    };
    wait_for(10.0, "the first job finished", || {
        status(old, &first).as_deref() == Some("finished")
    });
    // A sentinel refuses (NOGOODSLAVE) until it has refreshed what it knows of the
    // replicas.
    wait_for(30.0, "a sentinel to start the failover", || {
        try_conn(cluster.sentinels[0]).is_some_and(|mut c| {
            redis::cmd("SENTINEL")
                .arg("FAILOVER")
                .arg("mymaster")
                .query::<String>(&mut c)
                .is_ok()
        })
    });
    let new = cluster.promoted();
    // Once the sentinels name it, clients find it; the old master goes on answering
    // as a master until the sentinels get round to demoting it, seconds later.
    wait_for(20.0, "the sentinels name the new master", || {
        try_conn(cluster.sentinels[0]).is_some_and(|mut c| {
            redis::cmd("SENTINEL")
                .arg("get-master-addr-by-name")
                .arg("mymaster")
                .query::<(String, u16)>(&mut c)
                .is_ok_and(|(_, port)| port == new)
        })
    });
    let second = bench().args(["enqueue", "bench.noop"]).ok().stdout();
    assert!(
        conn(new)
            .exists::<_, bool>(format!("rq:job:{}", second.trim()))
            .unwrap(),
        "enqueued on the new master"
    );
    // Within a watch interval or two, long before the old master is demoted.
    wait_for(4.0, "the second job finished on the new master", || {
        status(new, &second).as_deref() == Some("finished")
    });
    assert!(matches!(worker.try_wait(), Ok(None)), "the worker exited");
    signal(&worker, Signal::SIGTERM);
    assert_eq!(wait_exit(&mut worker, 20.0), Some(0));
}

/// Drains 10,000 jobs while redis-server (append-only, fsync always) is killed and
/// restarted twice and once stopped for 30 s: nothing is lost, and the workers and
/// the scheduler carry on by themselves.
#[test]
fn redis_restarts_and_a_long_stop_lose_nothing() {
    // A claim whose reply a kill cut off leaves its jobs started with no worker
    // running them until their heartbeat deadline passes; a short one recovers
    // them within the test.
    let mut env = Env::persistent(
        "[worker]\nheartbeat_ttl = 10\n[scheduler]\nlease = 3\n[scheduler_events]\nall = [\"bench.noop\"]\n",
    );
    let total = 10_000;
    let lines: String = (0..total)
        .map(|i| {
            format!(
                "{{\"method\": \"bench.sleep\", \"kwargs\": {{\"seconds\": 0.004}}, \"job_id\": \"d{i}\"}}\n"
            )
        })
        .collect();
    env.bench()
        .args(["enqueue", "--from-file", "-"])
        .stdin(lines)
        .ok();
    let mut workers: Vec<Proc> = (0..2)
        .map(|i| {
            env.bench()
                .args(["worker", "-n", "4"])
                .spawn(env.dir.path(), &format!("w{i}"))
        })
        .collect();
    let mut scheduler = env.bench().args(["schedule"]).spawn(env.dir.path(), "s");
    // The scheduler's `all` event finishes in the same queue, so only the drained
    // jobs (ids `d<n>`) are counted.
    let finished = |env: &Env| -> i64 {
        let ids: Vec<String> = env.conn().zrange("rq:finished:default", 0, -1).unwrap();
        ids.iter().filter(|id| id.starts_with('d')).count() as i64
    };
    for (after, down) in [(2_000, 0), (4_000, 0), (6_000, 30)] {
        wait_for(60.0, &format!("{after} jobs finished"), || {
            finished(&env) >= after
        });
        env.redis.kill();
        if down > 0 {
            // The outage lasts `down` seconds, and both workers notice it.
            let since = Instant::now();
            wait_for(
                down as f64 + 20.0,
                "a long outage both workers notice",
                || {
                    since.elapsed() >= Duration::from_secs(down)
                        && ["w0.err", "w1.err"].iter().all(|f| {
                            std::fs::read_to_string(env.path(f))
                                .unwrap_or_default()
                                .contains("Redis is unavailable")
                        })
                },
            );
        }
        env.redis.restart();
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    wait_for(130.0, "every job finished", || {
        if finished(&env) == total {
            return true;
        }
        if Instant::now() > deadline {
            let mut c = env.conn();
            let wip: Vec<String> = c.zrange("rq:wip:default", 0, -1).unwrap();
            let queued: i64 = c.llen("rq:queue:default").unwrap();
            let failed: i64 = c.zcard("rq:failed:default").unwrap();
            let logs: String = ["w0.err", "w1.err", "w0.out", "w1.out"]
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(env.path(f)).unwrap_or_default();
                    let tail: Vec<&str> = text.lines().rev().take(15).collect();
                    format!(
                        "--- {f}\n{}\n",
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    )
                })
                .collect();
            panic!(
                "{} of {total} finished; started {wip:?}, queued {queued}, failed {failed}\n{logs}",
                finished(&env)
            );
        }
        false
    });
    let mut c = env.conn();
    assert_eq!(c.zcard::<_, i64>("rq:failed:default").unwrap(), 0);
    let started: Vec<String> = c.zrange("rq:wip:default", 0, -1).unwrap();
    let queued: Vec<String> = c.lrange("rq:queue:default", 0, -1).unwrap();
    let drained = |ids: &[String]| ids.iter().filter(|id| id.starts_with('d')).count();
    assert_eq!((drained(&started), drained(&queued)), (0, 0));
    let lease = "rq:bench:scheduler:lease";
    let before: i64 = c.pttl(lease).unwrap_or(-2);
    wait_for(
        20.0,
        "scheduler renews its lease after the restarts",
        || env.conn().pttl::<_, i64>(lease).unwrap_or(-2) > before.max(0),
    );
    still_running_then_stop(&env, &mut workers, &mut scheduler);
}
