//! `bench schedule`: enqueues Frappe's scheduler_events on time, exactly once however
//! many schedulers share the Redis, and moves due delayed jobs into their queues.
//!
//! Every scheduler competes for one lease; the leader sleeps until the next due
//! instant, enqueues each due event through a script that checks the leader's fencing
//! token, records the slot and writes the event's ledger in the same step. A follower
//! takes over within a lease and a third of it when the leader stops renewing, and runs
//! any slot that fell due meanwhile, once.
//!
//! # Layout
//! - [`plan`]: when events run (pure).
//! - [`control`]: `list`, `status`, `pause`, `resume`, `trigger`, `history`, `next`.

pub mod control;
pub mod plan;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::Map;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::service::{Log, backoff};
use crate::store::schedule::{Fired, Leadership};
use crate::store::{NewJob, Store, StoreError};
use plan::Scheduled;

/// Longest sleep between passes: delayed jobs (`rq:scheduled:<q>`) are looked at
/// at least this often, as RQ's own scheduler does.
const MAX_NAP: Duration = Duration::from_secs(1);

/// Options of `bench schedule`.
#[derive(Debug, Clone, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: Option<control::ScheduleCommand>,

    /// Log warnings only (not each enqueued event)
    #[arg(long)]
    pub quiet: bool,

    /// Write progress to this file and warnings to its .error sibling (Frappe: logs/schedule.log); SIGHUP reopens them
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<std::path::PathBuf>,
}

/// The job one scheduled method enqueues: the method itself, on its event's queue,
/// with its fixed id and the event name in `meta`.
pub fn job_for(cfg: &Config, s: &Scheduled) -> NewJob {
    let job = NewJob::configured(cfg, &s.queue, &s.method)
        .expect("scheduled events use the built-in default and long queues");
    let mut meta = Map::new();
    meta.insert("event".into(), s.event.clone().into());
    NewJob {
        id: plan::job_id(&s.method),
        meta,
        ..job
    }
}

/// A name for this scheduler process, unique across hosts.
fn scheduler_name() -> String {
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    format!(
        "{host}-{}-{:04x}",
        std::process::id(),
        rand::rng().random::<u16>()
    )
}

fn shown(t: DateTime<Utc>, cfg: &Config) -> String {
    t.with_timezone(&cfg.scheduler.timezone)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// Runs a scheduler until `stop`.
///
/// # Errors
/// Only when the schedule cannot even start (Redis unreachable at start).
pub async fn run(cfg: Arc<Config>, store: Store, log: Log, stop: CancellationToken) -> Result<()> {
    let me = scheduler_name();
    let events = plan::scheduled(&cfg);
    let tz = cfg.scheduler.timezone;
    let lease_ms = cfg.scheduler.lease * 1000;
    let renew_every = Duration::from_millis((lease_ms / 3) as u64);
    let queues: Vec<String> = cfg.queues.iter().map(|q| cfg.qname(&q.name)).collect();
    let methods: Vec<&str> = events.iter().map(|e| e.method.as_str()).collect();
    store
        .start_clocks(&methods, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the scheduler: {e}"))?;
    log.info(format!(
        "Scheduler {me} started: {} scheduled method(s), times in {tz}",
        events.len()
    ));

    let mut token: Option<i64> = None;
    let mut paused_logged = false;
    let mut attempt = 0u32;
    let mut down = false;
    loop {
        let mut nap = renew_every;
        let pass: Result<(), StoreError> = async {
            let lead = store.lease(&me, lease_ms).await?;
            store
                .announce_scheduler(&me, cfg.scheduler.lease * 3)
                .await?;
            match lead {
                Leadership::Leader(t) => {
                    if token != Some(t) {
                        log.info(format!(
                            "Scheduler {me} is now the leader (fencing token {t})"
                        ));
                    }
                    token = Some(t);
                }
                Leadership::Follower { holder, ms_left } => {
                    if token.take().is_some() {
                        log.warn(format!("Scheduler {me} lost the lead to {holder}"));
                    }
                    nap = nap.min(
                        Duration::from_millis(ms_left.max(1) as u64) + Duration::from_millis(20),
                    );
                    return Ok(());
                }
            }
            let token = token.expect("leader above");
            if store.scheduler_paused().await?.is_some() {
                if !paused_logged {
                    log.info("Scheduler is paused (bench schedule resume to resume)");
                    paused_logged = true;
                }
                nap = MAX_NAP;
                return Ok(());
            }
            if paused_logged {
                log.info("Scheduler resumed");
                paused_logged = false;
            }
            for (q, id) in store
                .promote_due(&me, &queues, cfg.scheduler.lease * 6)
                .await?
            {
                log.info(format!("{q}: delayed job {id} is due; queued"));
            }
            let last = store.last_runs().await?;
            let now = Utc::now();
            let mut next_due: Option<DateTime<Utc>> = None;
            for s in &events {
                let since = last.get(&s.method).copied().unwrap_or(now);
                let Some(due) = s.rule.next_after(since, tz) else {
                    continue;
                };
                if due > now {
                    next_due = Some(next_due.map_or(due, |n| n.min(due)));
                    continue;
                }
                let job = job_for(&cfg, s);
                match store
                    .fire(
                        &me,
                        token,
                        &s.event,
                        Some(due.timestamp()),
                        &job,
                        cfg.serializer,
                        Utc::now(),
                    )
                    .await?
                {
                    Fired::Enqueued => log.info(format!(
                        "Enqueued {} ({}) for {} as {}",
                        s.method,
                        s.event,
                        shown(due, &cfg),
                        job.id
                    )),
                    Fired::Skipped(status) => log.warn(format!(
                        "Skipped {} ({}) for {}: its previous run is still {status}",
                        s.method,
                        s.event,
                        shown(due, &cfg)
                    )),
                    Fired::Done => {}
                    Fired::Fenced => {
                        log.warn(format!(
                            "Scheduler {me} was fenced off: another scheduler leads now"
                        ));
                        return Ok(());
                    }
                }
                if let Some(after) = s.rule.next_after(Utc::now(), tz) {
                    next_due = Some(next_due.map_or(after, |n| n.min(after)));
                }
            }
            nap = nap.min(MAX_NAP);
            if let Some(due) = next_due {
                nap = nap.min((due - Utc::now()).to_std().unwrap_or_default());
            }
            Ok(())
        }
        .await;
        match pass {
            Ok(()) => {
                attempt = 0;
                if down {
                    log.warn("Redis is reachable again; scheduling resumes");
                    down = false;
                }
            }
            Err(e) => {
                if !down {
                    log.warn(format!("Redis is unavailable ({e}); retrying with backoff"));
                    down = true;
                }
                token = None;
                attempt += 1;
                nap = backoff(attempt);
            }
        }
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = stop.cancelled() => break,
        }
    }
    if token.is_some() {
        let _ = store.release_lease(&me).await;
    }
    log.info(format!("Scheduler {me} stopped"));
    Ok(())
}
