//! `bench schedule list|status|pause|resume|trigger|history|next`: what operators
//! use to see and steer the scheduler. `pause` is stored in Redis, so every scheduler
//! sharing it obeys.

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::plan::{self, Rule, Scheduled};
use super::sites::Sites;
use super::{job_for, runs, scheduled_run, scheduler_name};
use crate::config::Config;
use crate::cron::CronExpr;
use crate::output::{self, Rows};
use crate::store::Store;
use crate::store::schedule::Fired;
use crate::usage;

/// `bench schedule` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ScheduleCommand {
    /// List scheduled methods with their event, queue, last run and next run
    List {
        /// One JSON object per method
        #[arg(long)]
        json: bool,
    },
    /// Say whether scheduling is active or paused, and which scheduler leads
    Status {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Pause every scheduler sharing this Redis (delayed jobs wait too)
    Pause,
    /// Resume scheduling after `pause`
    Resume,
    /// Enqueue a scheduled method now, as its event would
    Trigger {
        /// Dotted path of a method listed under [scheduler_events]
        method: String,
    },
    /// Recent runs of scheduled methods: slot, outcome, job and scheduler
    History {
        /// Only this method (default: every scheduled method)
        method: Option<String>,
        /// Entries to show
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One JSON object per entry
        #[arg(long)]
        json: bool,
    },
    /// Print the next fire times of a cron expression, one ISO time per line
    Next {
        /// Five-field cron expression, e.g. '*/15 * * * *'
        expr: String,
        /// Start from this time (ISO 8601; without an offset, in the time zone) [default: now]
        #[arg(long, value_name = "ISO")]
        from: Option<String>,
        /// How many times to print
        #[arg(long, default_value_t = 5, value_name = "N")]
        count: usize,
        /// IANA time zone [default: [scheduler] timezone]
        #[arg(long, value_name = "TZ")]
        timezone: Option<String>,
    },
}

/// Runs a subcommand that needs no Redis, if it is one.
pub fn run_offline(cfg: &Config, cmd: &ScheduleCommand) -> Option<Result<()>> {
    let ScheduleCommand::Next {
        expr,
        from,
        count,
        timezone,
    } = cmd
    else {
        return None;
    };
    Some((|| {
        let tz: Tz = match timezone {
            Some(t) => t.parse().map_err(|_| {
                usage!("`{t}` is not an IANA time zone; use a name like UTC or Europe/Berlin")
            })?,
            None => cfg.scheduler.timezone,
        };
        let expr: CronExpr = expr.parse().map_err(|e| usage!("{e}"))?;
        let mut t = match from {
            Some(s) => crate::when::parse_time(s, tz)?,
            None => Utc::now(),
        };
        let rule = Rule::Cron {
            expr: Box::new(expr),
            offset_minutes: 0,
        };
        for _ in 0..*count {
            let Some(next) = rule.next_after(t, tz) else {
                break;
            };
            output::line(next.with_timezone(&tz).to_rfc3339())?;
            t = next;
        }
        Ok(())
    })())
}

/// One scheduled method (per site in Frappe mode), as `bench schedule list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub event: String,
    pub queue: String,
    pub schedule: String,
    pub last_run: Option<String>,
    pub next_run: Option<String>,
}

/// Every scheduled method with its last and next run (in `[scheduler] timezone`);
/// `site` narrows to one Frappe site.
///
/// # Errors
/// A usage error for an unknown site; Redis failures.
pub async fn listing(cfg: &Config, store: &Store, site: Option<&str>) -> Result<Vec<Listed>> {
    let tz = cfg.scheduler.timezone;
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339();
    let events = plan::scheduled(cfg);
    let sites = sites_for(cfg, site)?;
    let last = store.last_runs().await?;
    let paused = Sites::now(cfg, &crate::service::Log::stdio(true));
    Ok(runs(&events, &sites)
        .into_iter()
        .filter(|(_, s)| site.is_none() || s.is_some())
        .map(|(s, site)| {
            let since = last.get(&scheduled_run(s, site).state()).copied();
            let rule = s.rule_for(site);
            let waiting = site.and_then(|x| paused.inactive().get(x));
            Listed {
                next_run: match waiting {
                    Some(why) => Some(format!("(not scheduled: {why})")),
                    None => rule
                        .next_after(since.unwrap_or_else(Utc::now), tz)
                        .map(local),
                },
                last_run: since.map(local),
                schedule: rule.describe(),
                method: s.method.clone(),
                site: site.map(str::to_owned),
                event: s.event.clone(),
                queue: s.queue.clone(),
            }
        })
        .collect())
}

/// The sites a command looks at: `--site` alone, or every site of the bench (those
/// whose scheduler is off too); none outside Frappe mode.
fn sites_for(cfg: &Config, site: Option<&str>) -> Result<Vec<String>> {
    if !cfg.frappe_mode() {
        return Ok(Vec::new());
    }
    match site {
        Some(s) => Ok(vec![
            cfg.frappe.check_site(Some(s)).map_err(|e| usage!("{e}"))?,
        ]),
        None => Ok(cfg.frappe.sites()?),
    }
}

/// Runs a subcommand that reads or changes the scheduler's state in Redis; `site` is
/// the global `--site`.
pub async fn run(
    cfg: &Config,
    store: &Store,
    cmd: &ScheduleCommand,
    site: Option<&str>,
) -> Result<()> {
    let tz = cfg.scheduler.timezone;
    let events = plan::scheduled(cfg);
    let sites = sites_for(cfg, site)?;
    // With --site, only that site's runs; the bench's own events have no site.
    let runs = |events| {
        runs(events, &sites)
            .into_iter()
            .filter(|(_, s)| site.is_none() || s.is_some())
            .collect::<Vec<_>>()
    };
    match cmd {
        ScheduleCommand::Next { .. } => unreachable!("handled by run_offline"),
        ScheduleCommand::List { json } => print_listing(cfg, store, site, *json).await?,
        ScheduleCommand::Status { json } => print_status(store, *json).await?,
        ScheduleCommand::Pause => {
            store.set_scheduler_paused(true).await?;
            output::line("Scheduler paused")?;
        }
        ScheduleCommand::Resume => {
            store.set_scheduler_paused(false).await?;
            output::line("Scheduler resumed")?;
        }
        ScheduleCommand::Trigger { method } => {
            let Some(s) = events.iter().find(|s| &s.method == method) else {
                anyhow::bail!(
                    "Event {method} does not exist!\nhint: list scheduled methods under [scheduler_events] in {}",
                    cfg.source_shown()
                );
            };
            let site = match (s.per_site, site) {
                (true, None) => {
                    return Err(usage!(
                        "{}",
                        cfg.frappe
                            .check_site(None)
                            .unwrap_err()
                            .replace("Frappe jobs run", "a Frappe event runs")
                    )
                    .into());
                }
                (true, Some(_)) => sites.first().map(String::as_str),
                (false, _) => None,
            };
            trigger(cfg, store, s, site).await?;
        }
        ScheduleCommand::History {
            method,
            limit,
            json,
        } => {
            let mut entries = Vec::new();
            for (s, site) in runs(&events) {
                if method.as_ref().is_none_or(|m| m == &s.method) {
                    entries.extend(store.ledger(&scheduled_run(s, site), *limit).await?);
                }
            }
            entries.sort_by(|a, b| b.at.total_cmp(&a.at));
            entries.truncate(*limit);
            print_history(entries, tz, *json)?;
        }
    }
    Ok(())
}

/// `bench schedule list`: each event with its last and next run.
async fn print_listing(cfg: &Config, store: &Store, site: Option<&str>, json: bool) -> Result<()> {
    let listed = listing(cfg, store, site).await?;
    if json {
        for l in &listed {
            output::json_line(l)?;
        }
    } else if listed.is_empty() {
        match &cfg.source {
            Some(file) => eprintln!("No scheduler_events in {}.", file.display()),
            None => eprintln!(
                "No scheduler_events: {} does not exist.",
                cfg.path.display()
            ),
        }
    } else {
        // The SITE column only where events run per site.
        let sites = cfg.frappe_mode();
        let mut header = vec![
            "METHOD", "SITE", "EVENT", "QUEUE", "SCHEDULE", "LAST RUN", "NEXT RUN",
        ];
        if !sites {
            header.remove(1);
        }
        let mut rows = Rows::new(header);
        for l in listed {
            let mut row = vec![
                l.method,
                l.site.unwrap_or_else(|| "(bench)".into()),
                l.event,
                l.queue,
                l.schedule,
                l.last_run.unwrap_or_else(|| "never".into()),
                l.next_run.unwrap_or_default(),
            ];
            if !sites {
                row.remove(1);
            }
            rows.push(row);
        }
        rows.print()?;
    }
    Ok(())
}

/// `bench schedule status`: paused or not, and the leader.
async fn print_status(store: &Store, json: bool) -> Result<()> {
    let paused = store.scheduler_paused().await?;
    let leader = store.leader().await?;
    if json {
        output::json_line(&serde_json::json!({
            "status": if paused.is_some() { "paused" } else { "active" },
            "paused_since": paused,
            "leader": leader,
        }))?;
    } else {
        match &paused {
            Some(since) => output::line(format!("Scheduler is paused (since {since})"))?,
            None => output::line("Scheduler is active")?,
        }
        match leader {
            Some(l) => output::line(format!(
                "Leader: {} on {} (pid {}), fencing token {}, lease {:.1}s left",
                l.name,
                l.host.as_deref().unwrap_or("?"),
                l.pid.as_deref().unwrap_or("?"),
                l.token,
                l.ms_left as f64 / 1000.0
            ))?,
            None => output::line("Leader: none (no `bench schedule` is running)")?,
        }
    }
    Ok(())
}

/// `bench schedule history`, newest first, times in the scheduler's zone.
fn print_history(
    entries: Vec<crate::store::schedule::LedgerEntry>,
    tz: Tz,
    json: bool,
) -> Result<()> {
    if json {
        for e in &entries {
            output::json_line(e)?;
        }
    } else if entries.is_empty() {
        eprintln!("No runs recorded yet.");
    } else {
        let mut rows = Rows::new([
            "AT",
            "METHOD",
            "SITE",
            "EVENT",
            "SLOT",
            "OUTCOME",
            "JOB",
            "SCHEDULER",
        ])
        .keep_whole(6);
        let when = |secs: f64| {
            crate::store::timestamp::from_unix_float(secs)
                .map(|t| t.with_timezone(&tz).to_rfc3339())
                .unwrap_or_default()
        };
        for e in entries {
            rows.push([
                when(e.at),
                e.method,
                e.site.unwrap_or_default(),
                e.event,
                e.slot
                    .map(|s| when(s as f64))
                    .unwrap_or_else(|| "(triggered)".into()),
                e.outcome,
                e.job_id,
                e.scheduler,
            ]);
        }
        rows.print()?;
    }
    Ok(())
}

/// Enqueues one scheduled method now, as its event would (for `site` in Frappe mode).
async fn trigger(cfg: &Config, store: &Store, s: &Scheduled, site: Option<&str>) -> Result<()> {
    let job = job_for(cfg, store.layout(), s, site).map_err(|e| anyhow::anyhow!(e))?;
    let fired = store
        .fire(
            &scheduler_name(),
            0,
            &scheduled_run(s, site),
            None,
            &job,
            cfg.serializer,
            Utc::now(),
        )
        .await?;
    match fired {
        Fired::Enqueued => output::line(&job.id)?,
        Fired::Skipped(status) => anyhow::bail!(
            "{} was not enqueued: its previous run ({}) is still {status}",
            s.method,
            job.id
        ),
        other => anyhow::bail!("{} was not enqueued: {other:?}", s.method),
    }
    Ok(())
}
