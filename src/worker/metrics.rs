//! `bench worker --metrics-bind ADDR`: this worker's own counters and a histogram of
//! its jobs' durations, in Prometheus' text format. Counted in memory as jobs start
//! and end, so a scrape reads no Redis at all.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio_util::sync::CancellationToken;

use super::Shared;
use crate::prometheus::{CONTENT_TYPE, Exposition};

/// Upper bounds of the duration buckets, in seconds: from a no-op to an hour-long report.
const BOUNDS: [f64; 15] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BOUNDS.len() + 1],
    sum: f64,
}

/// What the worker counts.
#[derive(Debug, Default)]
pub(super) struct Meter {
    started: AtomicU64,
    /// Runs ended, by queue and outcome.
    ended: Mutex<BTreeMap<(String, &'static str), u64>>,
    /// Durations of runs ended, by queue.
    durations: Mutex<BTreeMap<String, Histogram>>,
}

impl Meter {
    pub(super) fn started(&self, n: usize) {
        self.started.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(super) fn ended(&self, queue: &str, outcome: &'static str, seconds: f64) {
        *self
            .ended
            .lock()
            .expect("meter lock")
            .entry((queue.to_owned(), outcome))
            .or_default() += 1;
        let secs = if seconds.is_finite() {
            seconds.max(0.0)
        } else {
            0.0
        };
        let mut d = self.durations.lock().expect("meter lock");
        let h = d.entry(queue.to_owned()).or_default();
        let at = BOUNDS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BOUNDS.len());
        h.counts[at] += 1;
        h.sum += secs;
    }

    fn render(&self, shared: &Shared) -> String {
        let me = shared.info.name.as_str();
        let mut e = Exposition::default();
        e.family(
            "bench_worker_info",
            "gauge",
            "1, with this worker's name, pid, version and queues as labels.",
        );
        let pid = shared.info.pid.to_string();
        e.sample(
            "bench_worker_info",
            &[
                ("worker", me),
                ("pid", &pid),
                ("version", &shared.info.version),
                ("queues", &shared.info.queues.join(",")),
            ],
            1.0,
        );
        e.family(
            "bench_worker_redis_up",
            "gauge",
            "1 while this worker reaches Redis, 0 while it retries.",
        );
        let up = !shared.redis_down.load(Ordering::SeqCst);
        e.sample(
            "bench_worker_redis_up",
            &[("worker", me)],
            f64::from(u8::from(up)),
        );
        e.family(
            "bench_worker_jobs_running",
            "gauge",
            "Jobs this worker runs now.",
        );
        let running = shared.running.lock().expect("running map lock").len();
        e.sample(
            "bench_worker_jobs_running",
            &[("worker", me)],
            running as f64,
        );
        e.family(
            "bench_worker_jobs_held",
            "gauge",
            "Jobs this worker claimed ahead of a free slot ([worker] claim_ahead).",
        );
        let held = shared.ahead.lock().expect("ahead lock").len();
        e.sample("bench_worker_jobs_held", &[("worker", me)], held as f64);
        e.family(
            "bench_worker_jobs_started_total",
            "counter",
            "Jobs this worker started.",
        );
        e.sample(
            "bench_worker_jobs_started_total",
            &[("worker", me)],
            self.started.load(Ordering::Relaxed) as f64,
        );
        e.family(
            "bench_worker_jobs_ended_total",
            "counter",
            "Runs this worker ended, by queue and outcome (finished, failed, stopped, retried, requeued, abandoned).",
        );
        for ((queue, outcome), n) in self.ended.lock().expect("meter lock").iter() {
            e.sample(
                "bench_worker_jobs_ended_total",
                &[("worker", me), ("queue", queue), ("outcome", outcome)],
                *n as f64,
            );
        }
        e.family(
            "bench_worker_job_duration_seconds",
            "histogram",
            "How long this worker's job runs took, by queue.",
        );
        for (queue, h) in self.durations.lock().expect("meter lock").iter() {
            e.histogram(
                "bench_worker_job_duration_seconds",
                &[("worker", me), ("queue", queue)],
                &BOUNDS,
                &h.counts,
                h.sum,
            );
        }
        e.finish()
    }
}

struct Served {
    shared: Arc<Shared>,
    token: Option<String>,
}

async fn scrape(State(s): State<Arc<Served>>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &s.token {
        let ok = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == token);
        if !ok {
            return (StatusCode::UNAUTHORIZED, "a bearer token is required\n").into_response();
        }
    }
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        s.shared.meter.render(&s.shared),
    )
        .into_response()
}

/// Binds `addr` now (so a taken port stops the worker at start) and serves `/metrics`
/// until `stop`.
///
/// # Errors
/// When the address cannot be bound.
pub(super) async fn serve(
    shared: Arc<Shared>,
    addr: SocketAddr,
    token: Option<String>,
    stop: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot serve metrics on {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    shared
        .log
        .info(format!("Metrics on http://{bound}/metrics"));
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(Arc::new(Served { shared, token }));
    Ok(tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
    }))
}
