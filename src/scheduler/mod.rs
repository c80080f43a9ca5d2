//! `bench schedule`: enqueues Frappe's scheduler_events on time, exactly once however
//! many schedulers share the Redis, and moves due delayed jobs into their queues.
//!
//! Every scheduler of a bench competes for the bench's lease; the leader sleeps until
//! the next due instant, enqueues each due event through a script that checks the
//! leader's fencing token, records the slot and writes the event's ledger in the same
//! step. A follower takes over within a lease and a third of it when the leader stops
//! renewing, and runs any slot that fell due meanwhile, once. Benches sharing a Redis
//! (different `bench_id`s) have separate leases, clocks, ledgers and pause flags.
//!
//! In Frappe mode a Frappe method runs once per site whose scheduler is on, as Frappe's
//! own scheduler enqueues it (`run_scheduled_job`, so Frappe's Scheduled Job Log records
//! it), each site with its own clock and ledger.
//!
//! # Layout
//! - [`plan`]: when events run (pure).
//! - [`sites`]: which Frappe sites schedule, from their configuration.
//! - [`control`]: `list`, `status`, `pause`, `resume`, `trigger`, `history`, `next`.

pub mod control;
pub mod plan;
pub mod sites;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::{Map, Value as Json};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::service::{Log, backoff};
use crate::store::frappe::{FrappeCall, RUN_SCHEDULED};
use crate::store::schedule::{Fired, Leadership, ScheduledRun};
use crate::store::{Layout, NewJob, Store, StoreError};
use plan::Scheduled;
use sites::Sites;

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

/// The job one scheduled method enqueues for `site` (Frappe mode) or for the bench.
///
/// A Frappe method goes through `run_scheduled_job(job_type=method)` with the id
/// `scheduled_job::<method>`, exactly as Frappe's scheduler enqueues it; anything else
/// is the method itself, with a fixed id and the event name in `meta`.
///
/// # Errors
/// The site's configuration cannot be read.
pub fn job_for(
    cfg: &Config,
    layout: Layout,
    s: &Scheduled,
    site: Option<&str>,
) -> Result<NewJob, String> {
    let missing = || format!("queue `{}` of event {} is not configured", s.queue, s.event);
    if let Some(site) = site {
        let conf = cfg.frappe.site_conf(site).map_err(|e| e.to_string())?;
        let mut kwargs = Map::new();
        kwargs.insert("job_type".into(), Json::String(s.method.clone()));
        let call = FrappeCall {
            site: site.to_owned(),
            user: "Administrator".into(),
            method: RUN_SCHEDULED.into(),
            kwargs,
            job_id: Some(format!("scheduled_job::{}", s.method)),
            ..FrappeCall::default()
        };
        return NewJob::frappe(cfg, layout, &s.queue, call, &conf).ok_or_else(missing);
    }
    let job = NewJob::configured(cfg, &s.queue, &s.method).ok_or_else(missing)?;
    let mut meta = Map::new();
    meta.insert("event".into(), s.event.clone().into());
    Ok(NewJob {
        id: plan::job_id(cfg.bench_id.as_deref(), &s.method),
        meta,
        ..job
    })
}

/// Each scheduled method once per site it runs for (or once for the bench).
pub fn runs<'a>(
    events: &'a [Scheduled],
    sites: &'a [String],
) -> Vec<(&'a Scheduled, Option<&'a str>)> {
    events
        .iter()
        .flat_map(|s| {
            let one: Vec<(&Scheduled, Option<&str>)> = if s.per_site {
                sites.iter().map(|site| (s, Some(site.as_str()))).collect()
            } else {
                vec![(s, None)]
            };
            one
        })
        .collect()
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

/// `method` or `method for site`, for log lines.
fn what(s: &Scheduled, site: Option<&str>) -> String {
    match site {
        Some(site) => format!("{} ({}) for site {site}", s.method, s.event),
        None => format!("{} ({})", s.method, s.event),
    }
}

/// One scheduler process.
struct Scheduler {
    cfg: Arc<Config>,
    store: Store,
    log: Log,
    me: String,
    events: Vec<Scheduled>,
    sites: Sites,
    /// Event states whose clock is known to be started in Redis.
    clocked: HashSet<String>,
    token: Option<i64>,
    paused_logged: bool,
}

impl Scheduler {
    /// One pass: renew or take the lease, and as leader enqueue what is due. Returns
    /// how long to sleep.
    async fn pass(&mut self) -> Result<Duration, StoreError> {
        let lease_ms = self.cfg.scheduler.lease * 1000;
        let mut nap = Duration::from_millis((lease_ms / 3) as u64);
        let lead = self.store.lease(&self.me, lease_ms).await?;
        self.store
            .announce_scheduler(&self.me, self.cfg.scheduler.lease * 3)
            .await?;
        let token = match lead {
            Leadership::Leader(t) => {
                if self.token != Some(t) {
                    self.log.info(format!(
                        "Scheduler {} is now the leader (fencing token {t})",
                        self.me
                    ));
                }
                self.token = Some(t);
                t
            }
            Leadership::Follower { holder, ms_left } => {
                if self.token.take().is_some() {
                    self.log
                        .warn(format!("Scheduler {} lost the lead to {holder}", self.me));
                }
                let wait = Duration::from_millis(ms_left.max(1) as u64) + Duration::from_millis(20);
                return Ok(nap.min(wait));
            }
        };
        if self.store.scheduler_paused().await?.is_some() {
            if !self.paused_logged {
                self.log
                    .info("Scheduler is paused (bench schedule resume to resume)");
                self.paused_logged = true;
            }
            return Ok(MAX_NAP);
        }
        if self.paused_logged {
            self.log.info("Scheduler resumed");
            self.paused_logged = false;
        }
        let queues: Vec<String> = self
            .cfg
            .queues
            .iter()
            .map(|q| self.cfg.qname(&q.name))
            .collect();
        for (q, id) in self
            .store
            .promote_due(&self.me, &queues, self.cfg.scheduler.lease * 6)
            .await?
        {
            self.log
                .info(format!("{q}: delayed job {id} is due; queued"));
        }
        if self.cfg.frappe_mode() {
            self.sites.refresh(&self.cfg, &self.log).await;
        }
        let next = self.fire_due(token).await?;
        nap = nap.min(MAX_NAP);
        if let Some(due) = next {
            nap = nap.min((due - Utc::now()).to_std().unwrap_or_default());
        }
        Ok(nap)
    }

    /// Enqueues every run that is due; returns when the next one falls due.
    async fn fire_due(&mut self, token: i64) -> Result<Option<DateTime<Utc>>, StoreError> {
        let tz = self.cfg.scheduler.timezone;
        let active = self.sites.active().to_vec();
        let runs = runs(&self.events, &active);
        let fresh: Vec<String> = runs
            .iter()
            .map(|(s, site)| scheduled_run(s, *site).state())
            .filter(|st| !self.clocked.contains(st))
            .collect();
        if !fresh.is_empty() {
            let refs: Vec<&str> = fresh.iter().map(String::as_str).collect();
            self.store.start_clocks(&refs, Utc::now()).await?;
            self.clocked.extend(fresh);
        }
        let last = self.store.last_runs().await?;
        let now = Utc::now();
        let mut next_due: Option<DateTime<Utc>> = None;
        let mut sooner = |t: DateTime<Utc>| next_due = Some(next_due.map_or(t, |n| n.min(t)));
        for (s, site) in runs {
            let r = scheduled_run(s, site);
            let rule = s.rule_for(site);
            let since = last.get(&r.state()).copied().unwrap_or(now);
            let Some(due) = rule.next_after(since, tz) else {
                continue;
            };
            if due > now {
                sooner(due);
                continue;
            }
            let job = match job_for(&self.cfg, self.store.layout(), s, site) {
                Ok(job) => job,
                Err(e) => {
                    self.log
                        .warn(format!("Cannot enqueue {}: {e}", what(s, site)));
                    continue;
                }
            };
            let fired = self
                .store
                .fire(
                    &self.me,
                    token,
                    &r,
                    Some(due.timestamp()),
                    &job,
                    self.cfg.serializer,
                    Utc::now(),
                )
                .await?;
            match fired {
                Fired::Enqueued => self.log.info(format!(
                    "Enqueued {} for {} as {}",
                    what(s, site),
                    shown(due, &self.cfg),
                    job.id
                )),
                Fired::Skipped(status) => self.log.warn(format!(
                    "Skipped {} for {}: its previous run is still {status}",
                    what(s, site),
                    shown(due, &self.cfg)
                )),
                Fired::Done => {}
                Fired::Fenced => {
                    self.log.warn(format!(
                        "Scheduler {} was fenced off: another scheduler leads now",
                        self.me
                    ));
                    return Ok(next_due);
                }
            }
            if let Some(after) = rule.next_after(Utc::now(), tz) {
                sooner(after);
            }
        }
        Ok(next_due)
    }
}

/// The state a scheduled method keeps in Redis, for one site or the bench.
pub fn scheduled_run<'a>(s: &'a Scheduled, site: Option<&'a str>) -> ScheduledRun<'a> {
    ScheduledRun {
        method: &s.method,
        site,
        event: &s.event,
    }
}

/// Runs a scheduler until `stop`.
///
/// # Errors
/// Only when the schedule cannot even start (Redis unreachable at start).
pub async fn run(cfg: Arc<Config>, store: Store, log: Log, stop: CancellationToken) -> Result<()> {
    // The scheduler sends no worker commands: the channel is not its concern.
    store
        .check_permissions()
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the scheduler: {e}"))?;
    let mut s = Scheduler {
        me: scheduler_name(),
        events: plan::scheduled(&cfg),
        sites: Sites::default(),
        clocked: HashSet::new(),
        token: None,
        paused_logged: false,
        cfg,
        store,
        log,
    };
    if s.cfg.frappe_mode() {
        s.sites.refresh(&s.cfg, &s.log).await;
    }
    let plain: Vec<&str> = s
        .events
        .iter()
        .filter(|e| !e.per_site)
        .map(|e| e.method.as_str())
        .collect();
    s.store
        .start_clocks(&plain, Utc::now())
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the scheduler: {e}"))?;
    s.clocked.extend(plain.iter().map(|m| (*m).to_owned()));
    let bench = s.cfg.bench_id.clone().unwrap_or_else(|| s.cfg.bench_name());
    s.log.info(format!(
        "Scheduler {} started for bench {bench}: {} scheduled method(s){}, times in {}",
        s.me,
        s.events.len(),
        if s.cfg.frappe_mode() {
            format!(" on {} site(s)", s.sites.active().len())
        } else {
            String::new()
        },
        s.cfg.scheduler.timezone
    ));

    let mut attempt = 0u32;
    let mut down = false;
    loop {
        let nap = match s.pass().await {
            Ok(nap) => {
                attempt = 0;
                if down {
                    s.log.warn("Redis is reachable again; scheduling resumes");
                    down = false;
                }
                nap
            }
            Err(e) => {
                if !down {
                    s.log
                        .warn(format!("Redis is unavailable ({e}); retrying with backoff"));
                    down = true;
                }
                s.token = None;
                attempt += 1;
                backoff(attempt)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = stop.cancelled() => break,
        }
    }
    if s.token.is_some() {
        let _ = s.store.release_lease(&s.me).await;
    }
    s.log.info(format!("Scheduler {} stopped", s.me));
    Ok(())
}
