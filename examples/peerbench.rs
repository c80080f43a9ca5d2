//! bench's client for the peer benchmark harness (`benches/compare.sh`), with the
//! same entry points as the RQ, BullMQ and apalis clients:
//!
//!   peerbench enqueue single|bulk|file|ping|rqmin N [METHOD]   -> {"elapsed_s": ..}
//!   peerbench worker stamp                          runs until SIGTERM
//!   peerbench latency N GAP_MS WARMUP               -> {"lat_s": [..]}
//!
//! `single` awaits one library call per job, `bulk` hands all N to one call (chunked
//! into script calls internally), `file` runs `bench enqueue --from-file` on N lines;
//! `ping` times N bare PINGs, the round trip no one-by-one enqueue can beat, and
//! `rqmin` N bare writes of RQ's job hash and queue entry, the floor for RQ's layout.
//! Drains use the real `bench worker` binary; `worker stamp` is the same worker run
//! through the library API with a handler that records its start latency.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use bench::store::{NewJob, Serializer, Store, keys};
use bench::worker::runner::Handlers;
use bench::worker::{Options, Shutdown, Strategy};
use chrono::Utc;
use redis::AsyncCommands;
use serde_json::{Map, json};

const QUEUE: &str = "bench";
const LATENCY_LIST: &str = "bench:lat";

fn redis_url() -> String {
    let port = std::env::var("BENCH_REDIS_PORT").unwrap_or_else(|_| "6391".into());
    format!("redis://127.0.0.1:{port}/0")
}

fn now_s() -> f64 {
    // A clock before 1970 reads as 0, so the latencies come out absurd rather than
    // the probe crashing.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

fn job(method: &str, kwargs: Map<String, serde_json::Value>) -> NewJob {
    NewJob {
        id: bench::store::job::new_id(),
        queue: QUEUE.into(),
        func: method.into(),
        kwargs,
        ..Default::default()
    }
}

/// `target/<profile>/bench`, next to `target/<profile>/examples/peerbench`.
fn sibling_bench() -> Result<std::path::PathBuf> {
    let me = std::env::current_exe().context("finding peerbench's own path")?;
    let dir = me
        .parent()
        .and_then(|p| p.parent())
        .with_context(|| format!("{} is not under target/<profile>/examples", me.display()))?;
    Ok(dir.join("bench"))
}

async fn open() -> Result<Store> {
    let url = redis_url();
    Store::open(&url)
        .await
        .with_context(|| format!("opening {url} (set BENCH_REDIS_PORT)"))
}

async fn enqueue(mode: &str, n: usize, method: &str) -> Result<f64> {
    let store = open().await?;
    Ok(match mode {
        "single" => {
            let t0 = Instant::now();
            for _ in 0..n {
                store
                    .enqueue(
                        &[job(method, Map::new())],
                        None,
                        Serializer::Pickle,
                        Utc::now(),
                        &[],
                    )
                    .await
                    .context("enqueue")?;
            }
            t0.elapsed().as_secs_f64()
        }
        "bulk" => {
            let t0 = Instant::now();
            let jobs: Vec<NewJob> = (0..n).map(|_| job(method, Map::new())).collect();
            store
                .enqueue(&jobs, None, Serializer::Pickle, Utc::now(), &[])
                .await
                .context("enqueue")?;
            t0.elapsed().as_secs_f64()
        }
        "file" => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("jobs.jsonl");
            std::fs::write(
                &path,
                format!("{{\"method\": \"{method}\", \"queue\": \"{QUEUE}\"}}\n").repeat(n),
            )?;
            std::fs::write(
                dir.path().join("hooks.toml"),
                format!("[queues.{QUEUE}]\ntimeout = 300\n"),
            )?;
            let exe = match std::env::var("BENCH_BIN") {
                Ok(p) => std::path::PathBuf::from(p),
                Err(_) => sibling_bench()?,
            };
            let t0 = Instant::now();
            let out = std::process::Command::new(&exe)
                .args(["--redis-url", &redis_url(), "--config"])
                .arg(dir.path().join("hooks.toml"))
                .args(["enqueue", "--from-file"])
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .output()
                .with_context(|| format!("running {}", exe.display()))?;
            if !out.status.success() {
                bail!(
                    "bench enqueue --from-file failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            t0.elapsed().as_secs_f64()
        }
        // The floor under `single`: a bare PING round trip on the same connection.
        "ping" => {
            let mut c = store.conn();
            let t0 = Instant::now();
            for _ in 0..n {
                let _: String = redis::cmd("PING")
                    .query_async(&mut c)
                    .await
                    .context("ping")?;
            }
            t0.elapsed().as_secs_f64()
        }
        // The floor under `single` for any client that keeps RQ's layout: the job's
        // hash, its queue entry and the queue's registration in one bare script, with
        // no checks, fields built once.
        "rqmin" => {
            let mut c = store.conn();
            let write = redis::Script::new(
                "redis.call('HSET', KEYS[1], unpack(ARGV)) \
                 redis.call('SADD', KEYS[3], KEYS[2]) \
                 return redis.call('RPUSH', KEYS[2], KEYS[1])",
            );
            let template = job(method, Map::new());
            let fields = template
                .fields(Serializer::Pickle, store.layout(), Utc::now(), true)
                .context("building the job's fields")?;
            let queue = keys::queue(QUEUE);
            let t0 = Instant::now();
            for _ in 0..n {
                let mut inv = write.key(keys::job(&bench::store::job::new_id()));
                inv.key(&queue).key(keys::QUEUES);
                for (k, v) in &fields {
                    inv.arg(*k).arg(v);
                }
                let _: i64 = inv.invoke_async(&mut c).await.context("rqmin")?;
            }
            t0.elapsed().as_secs_f64()
        }
        other => bail!("unknown enqueue mode {other:?}: single, bulk, file, ping or rqmin"),
    })
}

/// A worker whose `peer.stamp` handler pushes (start time - enqueue time) to a list.
async fn stamp_worker() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let hooks = dir.path().join("hooks.toml");
    std::fs::write(&hooks, format!("[queues.{QUEUE}]\ntimeout = 300\n"))?;
    let cfg = bench::config::Config::load(&hooks, true, Some(&redis_url()))?;
    let store = open().await?;
    let side = store.clone();
    let mut handlers = Handlers::builtin();
    handlers.register("peer.stamp", move |job| {
        let side = side.clone();
        async move {
            let dt = now_s() - job.kwargs["t0"].as_f64().unwrap_or(0.0);
            side.conn()
                .rpush::<_, _, ()>(LATENCY_LIST, dt.to_string())
                .await
                .map_err(|e| e.to_string())?;
            Ok(serde_json::Value::Null)
        }
    });
    let shutdown = Shutdown::new();
    shutdown.on_signals()?;
    let opts = Options {
        queues: vec![QUEUE.into()],
        burst: false,
        strategy: Strategy::Default,
        concurrency: 1,
        name: format!("peer-{}", std::process::id()),
        quiet: true,
        log_file: None,
        metrics: None,
    };
    bench::worker::run(Arc::new(cfg), store, opts, handlers, shutdown).await?;
    Ok(())
}

async fn latency(n: usize, gap_ms: u64, warmup: usize) -> Result<Vec<f64>> {
    let store = open().await?;
    let mut c = store.conn();
    let _: () = c.del(LATENCY_LIST).await?;
    let mut out = Vec::with_capacity(n);
    // Both are at most MAX_COUNT, so the sum cannot overflow.
    for i in 0..warmup + n {
        // An idle queue: sleep GAP..1.5*GAP so probes never phase-lock with anything.
        let jitter = rand::random::<f64>() / 2.0;
        tokio::time::sleep(std::time::Duration::from_secs_f64(
            gap_ms as f64 / 1000.0 * (1.0 + jitter),
        ))
        .await;
        let mut kwargs = Map::new();
        kwargs.insert("t0".into(), json!(now_s()));
        store
            .enqueue(
                &[job("peer.stamp", kwargs)],
                None,
                Serializer::Pickle,
                Utc::now(),
                &[],
            )
            .await
            .context("enqueue")?;
        let got: Option<(String, String)> = c.blpop(LATENCY_LIST, 30.0).await?;
        let (_, dt) = got.context("no latency probe ran within 30 s: is the stamp worker up?")?;
        if i >= warmup {
            out.push(
                dt.parse()
                    .with_context(|| format!("{LATENCY_LIST} held {dt:?}, not seconds"))?,
            );
        }
    }
    Ok(out)
}

/// The most jobs or probes one call takes: every job is built in memory first, and a
/// larger count would only exhaust it.
const MAX_COUNT: u64 = 10_000_000;

/// A count or duration argument, named in the error when it is not a whole number up
/// to [`MAX_COUNT`].
fn number<T: TryFrom<u64>>(value: &str, what: &str) -> Result<T> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= MAX_COUNT)
        .and_then(|n| T::try_from(n).ok())
        .with_context(|| format!("{what} must be a whole number up to {MAX_COUNT}, got {value:?}"))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    // Single-threaded, as `bench enqueue` and `bench worker` run.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match arg(0) {
        "enqueue" => {
            let n: usize = number(arg(2), "N")?;
            let method = if arg(3).is_empty() {
                "bench.noop"
            } else {
                arg(3)
            };
            let el = rt.block_on(enqueue(arg(1), n, method))?;
            println!("{{\"elapsed_s\": {el}, \"n\": {n}}}");
        }
        "worker" => rt.block_on(stamp_worker())?,
        "latency" => {
            let lat = rt.block_on(latency(
                number(arg(1), "N")?,
                number(arg(2), "GAP_MS")?,
                number(arg(3), "WARMUP")?,
            ))?;
            println!("{}", json!({"lat_s": lat}));
        }
        _ => {
            eprintln!(
                "usage: peerbench enqueue single|bulk|file|ping|rqmin N [METHOD] | worker stamp | latency N GAP_MS WARMUP"
            );
            std::process::exit(2);
        }
    }
    Ok(())
}
