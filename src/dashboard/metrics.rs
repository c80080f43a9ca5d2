//! `/metrics` in Prometheus' text format (version 0.0.4). Everything here costs
//! O(queues + workers + scheduled methods) reads, never a pass over jobs, so a scrape
//! stays fast with any number of jobs in Redis. Names follow Prometheus' conventions
//! and cover what rq-exporter exports (jobs per queue and state, workers and their
//! counters), plus ages, throughput and the scheduler.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::App;
use super::routes::Failure;
use crate::admin::doctor;
use crate::prometheus::Exposition;
use crate::scheduler::control;

fn parse_time(t: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(super) async fn handler(State(app): State<Arc<App>>) -> Result<Response, Failure> {
    let text = render(&app).await?;
    Ok((
        [(header::CONTENT_TYPE, crate::prometheus::CONTENT_TYPE)],
        text,
    )
        .into_response())
}

async fn render(app: &App) -> anyhow::Result<String> {
    let started = std::time::Instant::now();
    let report = doctor::report(&app.cfg, &app.store, false).await?;
    let qnames: Vec<String> = report.queues.iter().map(|q| q.qname.clone()).collect();
    let throughput = app.store.throughput(&qnames).await?;
    let paused = app.store.scheduler_paused().await?;
    let leader = app.store.leader().await?;
    let events = control::listing(&app.cfg, &app.store, None).await?;
    let now = Utc::now();
    let mut e = Exposition::default();
    queue_metrics(&mut e, &report, &throughput);
    worker_metrics(&mut e, &report.workers);
    scheduler_metrics(&mut e, leader.as_ref(), paused.is_some(), &events, now);
    e.family(
        "bench_metrics_scrape_duration_seconds",
        "gauge",
        "Seconds this scrape took to gather.",
    );
    e.sample(
        "bench_metrics_scrape_duration_seconds",
        &[],
        started.elapsed().as_secs_f64(),
    );
    Ok(e.finish())
}

/// Per queue: jobs per state, the oldest waiting job, listeners and ends recorded.
fn queue_metrics(
    e: &mut Exposition,
    report: &doctor::Report,
    throughput: &[crate::store::query::Throughput],
) {
    e.family(
        "bench_jobs",
        "gauge",
        "Jobs per queue and state (rq-exporter's rq_jobs).",
    );
    for q in &report.queues {
        for state in super::STATES {
            let n = q.counts.get(state).copied().unwrap_or(0);
            e.sample(
                "bench_jobs",
                &[("queue", &q.queue), ("state", state)],
                n as f64,
            );
        }
    }
    e.family(
        "bench_queue_oldest_job_age_seconds",
        "gauge",
        "Seconds the job at the head of each queue has waited (0 when empty).",
    );
    for q in &report.queues {
        e.sample(
            "bench_queue_oldest_job_age_seconds",
            &[("queue", &q.queue)],
            q.oldest_queued_age_s.unwrap_or(0).max(0) as f64,
        );
    }
    e.family(
        "bench_queue_workers",
        "gauge",
        "Workers listening on each queue.",
    );
    for q in &report.queues {
        e.sample(
            "bench_queue_workers",
            &[("queue", &q.queue)],
            q.workers as f64,
        );
    }
    let names: BTreeMap<&str, &str> = report
        .queues
        .iter()
        .map(|q| (q.qname.as_str(), q.queue.as_str()))
        .collect();
    for (name, help, pick) in [
        (
            "bench_jobs_finished_total",
            "Jobs that finished, per queue, as bench workers recorded them.",
            (|t: &crate::store::query::Throughput| t.finished_total)
                as fn(&crate::store::query::Throughput) -> u64,
        ),
        (
            "bench_jobs_failed_total",
            "Job runs that failed (retried or not), per queue, as bench workers recorded them.",
            |t| t.failed_total,
        ),
    ] {
        e.family(name, "counter", help);
        for t in throughput {
            let q = names.get(t.queue.as_str()).copied().unwrap_or(&t.queue);
            e.sample(name, &[("queue", q)], pick(t) as f64);
        }
    }
}

/// Workers per state, and each worker's counters and heartbeat.
fn worker_metrics(e: &mut Exposition, workers: &[doctor::Worker]) {
    e.family(
        "bench_workers",
        "gauge",
        "Registered workers per state (rq-exporter's rq_workers, summed).",
    );
    let mut states: BTreeMap<&str, u64> = ["busy", "idle", "started", "suspended"]
        .into_iter()
        .map(|s| (s, 0))
        .collect();
    for w in workers {
        *states.entry(w.state.as_str()).or_default() += 1;
    }
    for (s, n) in &states {
        e.sample("bench_workers", &[("state", s)], *n as f64);
    }
    for (name, kind, help) in [
        (
            "bench_worker_successful_jobs_total",
            "counter",
            "Jobs each worker finished (rq-exporter's rq_workers_success_total).",
        ),
        (
            "bench_worker_failed_jobs_total",
            "counter",
            "Jobs each worker failed (rq-exporter's rq_workers_failed_total).",
        ),
        (
            "bench_worker_working_seconds_total",
            "counter",
            "Seconds each worker spent running jobs (rq-exporter's rq_workers_working_time_total).",
        ),
        (
            "bench_worker_heartbeat_age_seconds",
            "gauge",
            "Seconds since each worker's last heartbeat.",
        ),
    ] {
        e.family(name, kind, help);
        for w in workers {
            let v = match name {
                "bench_worker_successful_jobs_total" => w.successful.unwrap_or(0) as f64,
                "bench_worker_failed_jobs_total" => w.failed.unwrap_or(0) as f64,
                "bench_worker_working_seconds_total" => w.working_seconds.unwrap_or(0.0),
                _ => match w.heartbeat_age_s {
                    Some(a) => a.max(0) as f64,
                    None => f64::NAN,
                },
            };
            e.sample(
                name,
                &[
                    ("worker", &w.name),
                    ("queues", &w.queues),
                    ("state", &w.state),
                ],
                v,
            );
        }
    }
}

/// The leader, pause, and each event's last run and lag.
fn scheduler_metrics(
    e: &mut Exposition,
    leader: Option<&crate::store::schedule::LeaderInfo>,
    paused: bool,
    events: &[control::Listed],
    now: DateTime<Utc>,
) {
    e.family(
        "bench_scheduler_leader",
        "gauge",
        "1 for the scheduler process that leads (holds the lease).",
    );
    if let Some(l) = leader {
        e.sample(
            "bench_scheduler_leader",
            &[("name", &l.name), ("host", l.host.as_deref().unwrap_or(""))],
            1.0,
        );
    }
    e.family(
        "bench_scheduler_up",
        "gauge",
        "1 while some `bench schedule` leads, else 0.",
    );
    e.sample(
        "bench_scheduler_up",
        &[],
        f64::from(u8::from(leader.is_some())),
    );
    e.family(
        "bench_scheduler_paused",
        "gauge",
        "1 while the scheduler is paused.",
    );
    e.sample("bench_scheduler_paused", &[], f64::from(u8::from(paused)));
    e.family(
        "bench_scheduler_event_last_run_timestamp_seconds",
        "gauge",
        "Unix time each scheduled method last ran (absent: never).",
    );
    for ev in events {
        if let Some(t) = parse_time(ev.last_run.as_deref()) {
            e.sample(
                "bench_scheduler_event_last_run_timestamp_seconds",
                &event_labels(ev),
                t.timestamp() as f64,
            );
        }
    }
    e.family(
        "bench_scheduler_event_seconds_since_last_run",
        "gauge",
        "Seconds since each scheduled method last ran (absent: never).",
    );
    for ev in events {
        if let Some(t) = parse_time(ev.last_run.as_deref()) {
            e.sample(
                "bench_scheduler_event_seconds_since_last_run",
                &event_labels(ev),
                (now - t).num_milliseconds().max(0) as f64 / 1000.0,
            );
        }
    }
    e.family(
        "bench_scheduler_event_lag_seconds",
        "gauge",
        "Seconds each scheduled method is overdue: now minus its next run, when that has passed (else 0).",
    );
    for ev in events {
        if let Some(t) = parse_time(ev.next_run.as_deref()) {
            e.sample(
                "bench_scheduler_event_lag_seconds",
                &event_labels(ev),
                (now - t).num_milliseconds().max(0) as f64 / 1000.0,
            );
        }
    }
}

fn event_labels(ev: &control::Listed) -> Vec<(&str, &str)> {
    vec![
        ("method", ev.method.as_str()),
        ("site", ev.site.as_deref().unwrap_or("")),
        ("event", ev.event.as_str()),
    ]
}
