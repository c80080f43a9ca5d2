//! `bench jobs retry|purge|cancel|stop`: changing jobs from the shell. Bulk changes
//! ask for confirmation on a terminal (unless `--yes`), can be rehearsed with
//! `--dry-run`, show progress on a terminal, and change each job atomically.

use std::collections::HashSet;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::select::{Filters, Pager, Selection, Walk, count};
use crate::config::Config;
use crate::error::Reported;
use crate::output;
use crate::store::manage::Change;
use crate::store::{JobStatus, Store};
use crate::usage;

/// Options of `bench jobs retry`.
#[derive(Debug, Clone, clap::Args)]
pub struct RetryArgs {
    /// Ids of failed jobs to requeue
    #[arg(value_name = "ID", required_unless_present = "all")]
    pub ids: Vec<String>,

    /// Requeue every failed job the filters select
    #[arg(long, conflicts_with = "ids")]
    pub all: bool,

    #[command(flatten)]
    pub filters: Filters,

    /// Put the jobs at the head of their queues
    #[arg(long)]
    pub at_front: bool,

    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,

    /// Say what would be requeued, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `bench jobs purge`.
#[derive(Debug, Clone, clap::Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub filters: Filters,

    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,

    /// Count what would be deleted, delete nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `bench jobs cancel` and `bench jobs stop`.
#[derive(Debug, Clone, clap::Args)]
pub struct IdsArgs {
    /// Job ids
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = if output::stderr_is_tty() {
        ProgressBar::new(len)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} {{per_sec}} eta {{eta}}"
        ))
        .expect("static template"),
    );
    bar
}

/// Reports refusals (first ten) on stderr; returns how many there were.
fn report_refusals(refused: &[(String, String)]) -> usize {
    for (id, why) in refused.iter().take(10) {
        eprintln!("not changed: job {id}: {why}");
    }
    if refused.len() > 10 {
        eprintln!("... and {} more", refused.len() - 10);
    }
    refused.len()
}

/// Runs `bench jobs retry`.
pub async fn retry(cfg: &Config, store: &Store, a: &RetryArgs) -> Result<()> {
    if !a.all {
        let ids = super::resolve_ids(store, &a.ids).await?;
        if a.dry_run {
            for (id, h) in ids.iter().zip(store.fetch(&ids).await?) {
                let state = h
                    .and_then(|h| h.status().ok())
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "missing".into());
                output::line(format!(
                    "{id}: {}",
                    if state == "failed" || state == "stopped" {
                        "would be requeued".into()
                    } else {
                        format!("would be refused ({state})")
                    }
                ))?;
            }
            return Ok(());
        }
        let changes = store.requeue(&ids, a.at_front).await?;
        let mut refused = Vec::new();
        for (id, c) in ids.iter().zip(changes) {
            match c {
                Change::Done => output::line(format!("Requeued {id}"))?,
                Change::Missing => refused.push((id.clone(), "no such job".into())),
                Change::Refused(why) => refused.push((id.clone(), why)),
            }
        }
        return if report_refusals(&refused) > 0 {
            Err(Reported.into())
        } else {
            Ok(())
        };
    }
    if a.filters
        .status
        .iter()
        .any(|s| JobStatus::from(*s) != JobStatus::Failed)
    {
        return Err(usage!(
            "only failed jobs can be retried; drop --status or use --status failed"
        )
        .into());
    }
    let sel = Selection::new(cfg, store, &a.filters, &[JobStatus::Failed]).await?;
    let total = count(store, &sel).await?;
    if a.dry_run {
        output::line(format!("Would requeue {}", jobs(total, "failed job")))?;
        return Ok(());
    }
    if total == 0 {
        output::line("No failed jobs match")?;
        return Ok(());
    }
    if !output::confirm(&format!("Requeue {}?", jobs(total, "failed job")), a.yes)? {
        eprintln!("Nothing was requeued.");
        return Err(Reported.into());
    }
    let progress = bar(total, "jobs");
    let (mut done, mut seen, mut refused) = (0u64, HashSet::new(), Vec::new());
    let mut pager = Pager::new(store, &sel, Walk::Change, false);
    while let Some(page) = pager.next().await? {
        // A registry scan may repeat an id; each job is requeued once.
        let ids: Vec<String> = page
            .jobs
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| seen.insert(id.clone()))
            .collect();
        for (id, c) in ids.iter().zip(store.requeue(&ids, a.at_front).await?) {
            match c {
                Change::Done => done += 1,
                Change::Missing => refused.push((id.clone(), "its hash is gone".into())),
                Change::Refused(why) => refused.push((id.clone(), why)),
            }
        }
        progress.inc(ids.len() as u64);
    }
    progress.finish_and_clear();
    output::line(format!("Requeued {}", jobs(done, "job")))?;
    report_refusals(&refused);
    Ok(())
}

/// `1 job`, `2 failed jobs`.
fn jobs(n: u64, noun: &str) -> String {
    output::count(usize::try_from(n).unwrap_or(usize::MAX), noun)
}

/// Runs `bench jobs purge`: queued jobs by default, like Frappe's `purge-jobs`.
pub async fn purge(cfg: &Config, store: &Store, a: &PurgeArgs) -> Result<()> {
    let purged = purge_selected(cfg, store, a).await?;
    if !a.dry_run {
        output::line(format!("Purged {}", jobs(purged, "job")))?;
    }
    Ok(())
}

/// Deletes the jobs `a` selects; how many were deleted.
pub async fn purge_selected(cfg: &Config, store: &Store, a: &PurgeArgs) -> Result<u64> {
    if a.filters
        .status
        .iter()
        .any(|s| JobStatus::from(*s) == JobStatus::Started)
    {
        return Err(usage!(
            "started jobs are running and cannot be purged; stop them first with `bench jobs stop`"
        )
        .into());
    }
    let sel = Selection::new(cfg, store, &a.filters, &[JobStatus::Queued]).await?;
    let total = count(store, &sel).await?;
    let states: Vec<&str> = sel.statuses.iter().map(|s| s.as_str()).collect();
    if a.dry_run {
        output::line(format!(
            "Would purge {} ({})",
            jobs(total, "job"),
            states.join(", ")
        ))?;
        return Ok(0);
    }
    if total > 0
        && !output::confirm(
            &format!("Delete {} ({})?", jobs(total, "job"), states.join(", ")),
            a.yes,
        )?
    {
        eprintln!("Nothing was purged.");
        return Err(Reported.into());
    }
    let progress = bar(total, "jobs");
    let mut purged = 0u64;
    let mut pager = Pager::new(store, &sel, Walk::Change, false);
    while let Some(page) = pager.next().await? {
        let ids: Vec<String> = page.jobs.into_iter().map(|(id, _)| id).collect();
        for c in store.purge(&page.queue, page.status, &ids).await? {
            if c == Change::Done {
                purged += 1;
            }
        }
        progress.inc(ids.len() as u64);
    }
    progress.finish_and_clear();
    Ok(purged)
}

/// Runs `bench jobs cancel`.
pub async fn cancel(store: &Store, a: &IdsArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    let mut refused = Vec::new();
    for (id, c) in ids.iter().zip(store.cancel(&ids).await?) {
        match c {
            Change::Done => output::line(format!("Canceled {id}"))?,
            Change::Missing => refused.push((id.clone(), "no such job".into())),
            Change::Refused(why) => refused.push((id.clone(), why)),
        }
    }
    if report_refusals(&refused) > 0 {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

/// Runs `bench jobs stop`: RQ's stop-job command to the job's worker, which then
/// records the job as stopped.
pub async fn stop(store: &Store, a: &IdsArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    let mut refused = Vec::new();
    for (id, h) in ids.iter().zip(store.fetch(&ids).await?) {
        let Some(h) = h else {
            refused.push((id.clone(), "no such job".into()));
            continue;
        };
        match (h.status(), h.nonempty("worker_name")) {
            (Ok(JobStatus::Started), Some(worker)) => {
                if store.send_stop_job(&worker, id).await? == 0 {
                    refused.push((id.clone(), format!("its worker `{worker}` is not listening (dead?); it will be recovered when its heartbeat lapses")));
                } else {
                    output::line(format!("Asked worker {worker} to stop {id}"))?;
                }
            }
            (Ok(s), _) => refused.push((
                id.clone(),
                format!(
                    "it is {s}, not running{}",
                    if s.is_active() {
                        "; cancel a queued job instead"
                    } else {
                        ""
                    }
                ),
            )),
            (Err(e), _) => refused.push((id.clone(), e.to_string())),
        }
    }
    if report_refusals(&refused) > 0 {
        Err(Reported.into())
    } else {
        Ok(())
    }
}
