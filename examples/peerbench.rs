//! bench's client for the peer benchmark harness (`benches/compare.sh`), with the
//! same entry points as the RQ, BullMQ and apalis clients:
//!
//!   peerbench enqueue single|bulk|file N   -> {"elapsed_s": ..}
//!
//! `single` awaits one library call per job, `bulk` hands all N to one call (chunked
//! into script calls internally), `file` runs `bench enqueue --from-file` on N lines.

use std::time::Instant;

use bench::store::{NewJob, Serializer, Store};
use chrono::Utc;

fn redis_url() -> String {
    let port = std::env::var("BENCH_REDIS_PORT").unwrap_or_else(|_| "6391".into());
    format!("redis://127.0.0.1:{port}/0")
}

fn noop_job() -> NewJob {
    NewJob {
        id: bench::store::job::new_id(),
        queue: "bench".into(),
        func: "bench.noop".into(),
        ..Default::default()
    }
}

async fn enqueue(mode: &str, n: usize) -> f64 {
    let store = Store::open(&redis_url()).await.expect("redis");
    match mode {
        "single" => {
            let t0 = Instant::now();
            for _ in 0..n {
                store
                    .enqueue(&[noop_job()], None, Serializer::Pickle, Utc::now())
                    .await
                    .expect("enqueue");
            }
            t0.elapsed().as_secs_f64()
        }
        "bulk" => {
            let t0 = Instant::now();
            let jobs: Vec<NewJob> = (0..n).map(|_| noop_job()).collect();
            store
                .enqueue(&jobs, None, Serializer::Pickle, Utc::now())
                .await
                .expect("enqueue");
            t0.elapsed().as_secs_f64()
        }
        "file" => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("jobs.jsonl");
            std::fs::write(
                &path,
                "{\"method\": \"bench.noop\", \"queue\": \"bench\"}\n".repeat(n),
            )
            .unwrap();
            std::fs::write(
                dir.path().join("hooks.toml"),
                "[queues.bench]\ntimeout = 300\n",
            )
            .unwrap();
            let exe = std::env::var("BENCH_BIN")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|_| sibling_bench());
            let t0 = Instant::now();
            let out = std::process::Command::new(exe)
                .args(["--redis-url", &redis_url(), "--config"])
                .arg(dir.path().join("hooks.toml"))
                .args(["enqueue", "--from-file"])
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .output()
                .expect("bench runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            t0.elapsed().as_secs_f64()
        }
        other => panic!("unknown enqueue mode {other}"),
    }
}

/// `target/<profile>/bench`, next to `target/<profile>/examples/peerbench`.
fn sibling_bench() -> std::path::PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.parent()
        .and_then(|p| p.parent())
        .expect("target folder")
        .join("bench")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match args.first().map(String::as_str) {
        Some("enqueue") => {
            let n: usize = args[2].parse().expect("N");
            let el = rt.block_on(enqueue(&args[1], n));
            println!("{{\"elapsed_s\": {el}, \"n\": {n}}}");
        }
        _ => {
            eprintln!("usage: peerbench enqueue single|bulk|file N");
            std::process::exit(2);
        }
    }
}
