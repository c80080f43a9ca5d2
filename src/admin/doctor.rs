//! `bench doctor`: one look at the health of background jobs, and exit code 1 when
//! something needs attention, so it can serve as a health check.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::select::{Pager, Selection, Walk};
use super::short_queue;
use super::view::JobView;
use crate::config::Config;
use crate::error::Reported;
use crate::output;
use crate::store::{JobStatus, Store, timestamp};

/// Heartbeats older than this mark a worker stale: RQ's idle worker TTL (420 s) plus a minute.
const STALE_SECONDS: i64 = 480;
/// Seconds a delayed job may be overdue before it counts as stuck: the scheduler moves
/// due jobs within a second.
const DELAYED_GRACE: i64 = 15;
/// Frappe keeps this many failed jobs per queue by default (`rq_failed_jobs_limit`).
const FAILED_LIMIT: u64 = 1000;
/// Failed jobs looked at to count failures per method.
const FAILED_SAMPLE: usize = 10_000;

/// Options of `bench doctor`.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,

    /// Print the Redis ACL rule a bench user needs, and nothing else
    #[arg(long, conflicts_with = "json")]
    pub acl: bool,
}

/// A registered worker, as its hash says.
#[derive(Debug, Clone, Serialize)]
pub struct Worker {
    pub name: String,
    pub queues: String,
    pub state: String,
    pub current_job: Option<String>,
    pub heartbeat_age_s: Option<i64>,
    #[serde(skip)]
    pub hostname: Option<String>,
    #[serde(skip)]
    pub pid: Option<String>,
    #[serde(skip)]
    pub version: Option<String>,
    #[serde(skip)]
    pub birth: Option<String>,
    #[serde(skip)]
    pub last_heartbeat: Option<String>,
    #[serde(skip)]
    pub successful: Option<u64>,
    #[serde(skip)]
    pub failed: Option<u64>,
    #[serde(skip)]
    pub working_seconds: Option<f64>,
}

/// One queue's counts per state, listeners and oldest waiting job.
#[derive(Debug, Clone, Serialize)]
pub struct Queue {
    pub queue: String,
    /// The queue's name in Redis (with the bench's prefix, if any).
    #[serde(skip)]
    pub qname: String,
    pub counts: BTreeMap<String, u64>,
    pub workers: u64,
    pub oldest_queued_age_s: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub rq: u8,
    pub why: String,
}

/// The Redis bench talks to, and how writes wait for its replicas.
#[derive(Debug, Clone, Serialize)]
pub struct Redis {
    /// The configured URL, password hidden.
    pub url: String,
    /// The master the sentinels named, for a `redis+sentinel://` URL.
    pub master: Option<String>,
    pub min_replicas_ack: u32,
    /// Replicas connected to the master (from ROLE), when it answered.
    pub replicas: Option<usize>,
}

/// Everything `bench doctor` looks at.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub redis: Redis,
    pub rq_layout: Layout,
    pub workers: Vec<Worker>,
    pub scheduler: serde_json::Value,
    pub queues: Vec<Queue>,
    pub failed_by_method: BTreeMap<String, u64>,
    pub warnings: Vec<String>,
}

/// The Redis ACL rule a bench user needs (`bench doctor --acl`).
pub fn acl_rule() -> String {
    crate::store::acl::rule()
}

/// Runs `bench doctor`.
pub async fn run(cfg: &Config, store: &Store, a: &DoctorArgs) -> Result<()> {
    let report = report(cfg, store, true).await?;
    if a.json {
        output::json_pretty(&report)?;
    } else {
        print(&report)?;
    }
    if report.warnings.is_empty() {
        Ok(())
    } else {
        Err(Reported.into())
    }
}

/// Gathers the report. `failed_methods` also reads up to [`FAILED_SAMPLE`] failed jobs
/// to count failures per method; without it the work is O(queues + workers).
///
/// # Errors
/// Redis failures.
pub async fn report(cfg: &Config, store: &Store, failed_methods: bool) -> Result<Report> {
    let now = Utc::now();
    let mut warnings = Vec::new();
    let redis = redis_section(cfg, store, &mut warnings).await?;
    let workers = workers_section(store, now, &mut warnings).await?;
    python_rq_versions(cfg, store, &mut warnings).await?;
    let scheduler = scheduler_section(cfg, store, &mut warnings).await?;
    let sel = Selection::new(cfg, store, &Default::default(), &[JobStatus::Failed]).await?;
    let queues = queues_section(cfg, store, &sel, now, &mut warnings).await?;
    let failed_by_method = if failed_methods {
        failures_per_method(store, &sel).await?
    } else {
        BTreeMap::new()
    };
    Ok(Report {
        redis,
        rq_layout: Layout {
            rq: store.layout().number(),
            why: store.layout_reason().to_owned(),
        },
        workers,
        scheduler,
        queues,
        failed_by_method,
        warnings,
    })
}

/// Seconds since an ISO time read from Redis, when it parses.
fn age(now: DateTime<Utc>, t: Option<&String>) -> Option<i64> {
    t.and_then(|t| timestamp::parse_iso(t))
        .map(|t| (now - t).num_seconds())
}

/// The endpoint, its replicas, and permissions the ACL user lacks.
async fn redis_section(cfg: &Config, store: &Store, warnings: &mut Vec<String>) -> Result<Redis> {
    let missing = store.permissions().await?;
    if !missing.required.is_empty() {
        warnings.push(crate::store::acl::lacking(&missing.required));
    }
    if !missing.channel.is_empty() {
        warnings.push(crate::store::acl::channel_refused(&missing.channel));
    }
    let endpoint = store.endpoint();
    let redis = Redis {
        url: endpoint.shown().to_owned(),
        master: endpoint.master(),
        min_replicas_ack: endpoint.replica_acks(),
        replicas: store.replicas().await.ok(),
    };
    if let Some(n) = redis.replicas
        && n < redis.min_replicas_ack as usize
    {
        warnings.push(format!(
            "[redis] min_replicas_ack = {} but the master has {n} replica(s) connected: every enqueue and job end fails until enough replicas are back (or lower min_replicas_ack in {})",
            redis.min_replicas_ack,
            cfg.source_shown()
        ));
    }
    Ok(redis)
}

/// Registered workers; dead registrations and stale heartbeats are warnings.
async fn workers_section(
    store: &Store,
    now: DateTime<Utc>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Worker>> {
    let mut workers = Vec::new();
    for (name, h) in store.workers().await? {
        let Some(h) = h else {
            warnings.push(format!(
                "worker {name} is registered but its hash is gone: it died without deregistering"
            ));
            continue;
        };
        let text = |f: &str| h.get(f).filter(|v| !v.is_empty()).cloned();
        let w = Worker {
            heartbeat_age_s: age(now, h.get("last_heartbeat")),
            queues: h.get("queues").cloned().unwrap_or_default(),
            state: h.get("state").cloned().unwrap_or_default(),
            current_job: text("current_job"),
            hostname: text("hostname"),
            pid: text("pid"),
            version: text("version"),
            birth: text("birth"),
            last_heartbeat: text("last_heartbeat"),
            successful: text("successful_job_count").and_then(|v| v.parse().ok()),
            failed: text("failed_job_count").and_then(|v| v.parse().ok()),
            working_seconds: text("total_working_time")
                .and_then(|v| v.parse().ok())
                .filter(|v: &f64| v.is_finite()),
            name,
        };
        if w.heartbeat_age_s.is_none_or(|a| a > STALE_SECONDS) {
            warnings.push(format!(
                "worker {} has a stale heartbeat ({}s old)",
                w.name,
                w.heartbeat_age_s.map_or("?".into(), |a| a.to_string())
            ));
        }
        workers.push(w);
    }
    Ok(workers)
}

/// Python RQ workers of another major version than the layout bench writes would
/// misread its jobs.
async fn python_rq_versions(cfg: &Config, store: &Store, warnings: &mut Vec<String>) -> Result<()> {
    for w in store.python_rq_workers().await? {
        let major = w
            .version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u8>().ok());
        if major.is_some_and(|m| m != store.layout().number()) {
            warnings.push(format!(
                "Python RQ worker {} runs RQ {}, but bench writes RQ {}'s layout ({}); set [redis] rq = \"{}\" in {}",
                w.name,
                w.version,
                store.layout().number(),
                store.layout_reason(),
                major.unwrap_or_default(),
                cfg.source_shown()
            ));
        }
    }
    Ok(())
}

async fn scheduler_section(
    cfg: &Config,
    store: &Store,
    warnings: &mut Vec<String>,
) -> Result<serde_json::Value> {
    let paused = store.scheduler_paused().await?;
    let leader = store.leader().await?;
    if !cfg.events.is_empty() && leader.is_none() {
        warnings.push("scheduler_events are configured but no `bench schedule` is running".into());
    }
    if let Some(since) = &paused {
        warnings.push(format!("the scheduler is paused (since {since})"));
    }
    Ok(serde_json::json!({
        "status": if paused.is_some() { "paused" } else if leader.is_some() { "active" } else { "not running" },
        "leader": leader,
    }))
}

/// Per queue: counts, listeners and the oldest waiting job; queued jobs nobody
/// listens for, too many failures and overdue delayed jobs are warnings.
async fn queues_section(
    cfg: &Config,
    store: &Store,
    sel: &Selection,
    now: DateTime<Utc>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Queue>> {
    let listeners = store.listeners(&sel.queues).await?;
    // One entry per queue in the selection's order, which the per-queue answers below
    // (listeners, due delayed jobs) follow too.
    let mut queues: indexmap::IndexMap<String, Queue> = sel
        .queues
        .iter()
        .map(|q| {
            (
                q.clone(),
                Queue {
                    queue: short_queue(cfg, q).to_owned(),
                    qname: q.clone(),
                    counts: BTreeMap::new(),
                    workers: 0,
                    oldest_queued_age_s: None,
                },
            )
        })
        .collect();
    for (q, s, n) in store.counts(&sel.queues).await? {
        if let Some(entry) = queues.get_mut(&q) {
            entry.counts.insert(s.as_str().into(), n);
        }
    }
    for ((q, entry), n) in queues.iter_mut().zip(&listeners) {
        entry.workers = *n;
        let queued = entry.counts.get("queued").copied().unwrap_or(0);
        if queued > 0 {
            let first = store.ids(q, JobStatus::Queued, 0, 1).await?;
            if let Some(Some(h)) = store.fetch(&first).await?.pop() {
                entry.oldest_queued_age_s = age(now, h.nonempty("enqueued_at").as_ref());
            }
            if *n == 0 {
                warnings.push(format!(
                    "queue {} has {} and no worker listening",
                    entry.queue,
                    crate::output::count(queued as usize, "queued job")
                ));
            }
        }
        let failed = entry.counts.get("failed").copied().unwrap_or(0);
        if failed >= FAILED_LIMIT {
            warnings.push(format!("queue {} holds {failed} failed jobs (Frappe keeps {FAILED_LIMIT}); see `bench jobs list --status failed`", entry.queue));
        }
    }

    // Delayed jobs (`--at`/`--in`, RQ retries) are moved to their queue by the running
    // scheduler within a second; ones long overdue mean none is running.
    let overdue = now - chrono::Duration::seconds(DELAYED_GRACE);
    for (entry, n) in queues
        .values()
        .zip(store.due_delayed(&sel.queues, overdue).await?)
    {
        if n > 0 {
            warnings.push(format!(
                "queue {} has {} due more than {DELAYED_GRACE}s ago but not moved to the queue: start `bench schedule` (or `bench schedule resume`), which moves them",
                entry.queue,
                crate::output::count(n as usize, "delayed job")
            ));
        }
    }
    Ok(queues.into_values().collect())
}

/// Failures per method over up to [`FAILED_SAMPLE`] failed jobs of the selection.
async fn failures_per_method(store: &Store, sel: &Selection) -> Result<BTreeMap<String, u64>> {
    let mut failed_by_method: BTreeMap<String, u64> = BTreeMap::new();
    let mut looked = 0;
    let mut pager = Pager::new(store, sel, Walk::Read, true);
    while let Some(page) = pager.next().await? {
        for (_, h) in &page.jobs {
            let method = h
                .as_ref()
                .map(|h| JobView::new(h, Some("failed")).method_shown())
                .unwrap_or_else(|| "(job gone)".into());
            *failed_by_method.entry(method).or_default() += 1;
        }
        looked += page.jobs.len();
        if looked >= FAILED_SAMPLE {
            break;
        }
    }
    Ok(failed_by_method)
}

fn print(r: &Report) -> std::io::Result<()> {
    let mut redis = format!("Redis: {}", r.redis.url);
    if let Some(m) = &r.redis.master {
        redis.push_str(&format!(" (master {m}, found through the sentinels)"));
    }
    if r.redis.min_replicas_ack > 0 {
        redis.push_str(&format!(
            "; writes wait for {} replica(s), {} connected",
            r.redis.min_replicas_ack,
            r.redis
                .replicas
                .map_or_else(|| "?".to_owned(), |n| n.to_string())
        ));
    }
    let mut out = vec![
        redis,
        format!("RQ layout: {} ({})", r.rq_layout.rq, r.rq_layout.why),
        format!("Workers online: {}", r.workers.len()),
    ];
    for w in &r.workers {
        out.push(format!(
            "  {} [{}] {}{} heartbeat {}s ago",
            w.name,
            w.queues,
            w.state,
            w.current_job
                .as_ref()
                .map(|j| format!(" on {j}"))
                .unwrap_or_default(),
            w.heartbeat_age_s.map_or("?".into(), |a| a.to_string())
        ));
    }
    out.push(format!(
        "Scheduler: {}",
        r.scheduler["status"].as_str().unwrap_or("?")
    ));
    if let Some(name) = r.scheduler["leader"]["name"].as_str() {
        out.push(format!(
            "  leader {name} on {}",
            r.scheduler["leader"]["host"].as_str().unwrap_or("?")
        ));
    }
    out.push("Queues:".into());
    for q in &r.queues {
        let counts: Vec<String> = q
            .counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        out.push(format!(
            "  {}: {} ({} worker(s){})",
            q.queue,
            if counts.is_empty() {
                "empty".into()
            } else {
                counts.join(", ")
            },
            q.workers,
            q.oldest_queued_age_s
                .map(|a| format!(", oldest queued {a}s ago"))
                .unwrap_or_default()
        ));
    }
    if !r.failed_by_method.is_empty() {
        out.push("Failed jobs by method:".into());
        for (m, n) in &r.failed_by_method {
            out.push(format!("  {m}: {n}"));
        }
    }
    if r.warnings.is_empty() {
        out.push("No problems found.".into());
    } else {
        out.push("Needs attention:".into());
        out.extend(r.warnings.iter().map(|w| format!("  - {w}")));
    }
    output::line(out.join("\n"))
}
