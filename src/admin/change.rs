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
        let changed = retry_ids(store, &ids, a.at_front).await?;
        return changed.print();
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
    let changed = retry_selection(store, &sel, a.at_front, |n| progress.inc(n)).await?;
    progress.finish_and_clear();
    output::line(format!("Requeued {}", jobs(changed.done, "job")))?;
    report_refusals(&changed.refused);
    Ok(())
}

/// What a change did, job by job.
#[derive(Debug, Default)]
pub struct Changed {
    /// Jobs changed.
    pub done: u64,
    /// What was done to each job named by id (`Requeued <id>`), in order.
    pub said: Vec<String>,
    /// Jobs left alone, with why.
    pub refused: Vec<(String, String)>,
}

impl Changed {
    fn note(&mut self, id: &str, c: Change, done: impl FnOnce() -> String, missing: &str) {
        match c {
            Change::Done => {
                self.done += 1;
                self.said.push(done());
            }
            Change::Missing => self.refused.push((id.to_owned(), missing.to_owned())),
            Change::Refused(why) => self.refused.push((id.to_owned(), why)),
        }
    }

    /// Prints what was done, and the refusals; an error when any job was refused.
    fn print(&self) -> Result<()> {
        for line in &self.said {
            output::line(line)?;
        }
        if report_refusals(&self.refused) > 0 {
            Err(Reported.into())
        } else {
            Ok(())
        }
    }
}

/// Requeues failed (or stopped) jobs by id.
///
/// # Errors
/// Redis failures.
pub async fn retry_ids(store: &Store, ids: &[String], at_front: bool) -> Result<Changed> {
    let mut changed = Changed::default();
    for (id, c) in ids.iter().zip(store.requeue(ids, at_front).await?) {
        changed.note(id, c, || format!("Requeued {id}"), "no such job");
    }
    Ok(changed)
}

/// Requeues every failed job of a selection, page by page; `progress` hears how many
/// were looked at.
///
/// # Errors
/// Redis failures; jobs requeued before one stay requeued.
pub async fn retry_selection(
    store: &Store,
    sel: &Selection,
    at_front: bool,
    mut progress: impl FnMut(u64),
) -> Result<Changed> {
    let (mut changed, mut seen) = (Changed::default(), HashSet::new());
    let mut pager = Pager::new(store, sel, Walk::Change, false);
    while let Some(page) = pager.next().await? {
        // A registry scan may repeat an id; each job is requeued once.
        let ids: Vec<String> = page
            .jobs
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| seen.insert(id.clone()))
            .collect();
        for (id, c) in ids.iter().zip(store.requeue(&ids, at_front).await?) {
            changed.note(id, c, String::new, "its hash is gone");
        }
        progress(ids.len() as u64);
    }
    changed.said.clear();
    Ok(changed)
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
    let purged = purge_selection(store, &sel, |n| progress.inc(n)).await?;
    progress.finish_and_clear();
    Ok(purged)
}

/// Deletes every job of a selection (never started ones: the caller refuses those),
/// page by page; how many were deleted. `progress` hears how many were looked at.
///
/// # Errors
/// Redis failures; jobs deleted before one stay deleted.
pub async fn purge_selection(
    store: &Store,
    sel: &Selection,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut purged = 0u64;
    let mut pager = Pager::new(store, sel, Walk::Change, false);
    while let Some(page) = pager.next().await? {
        let ids: Vec<String> = page.jobs.into_iter().map(|(id, _)| id).collect();
        for c in store.purge(&page.queue, page.status, &ids).await? {
            if c == Change::Done {
                purged += 1;
            }
        }
        progress(ids.len() as u64);
    }
    Ok(purged)
}

/// Runs `bench jobs cancel`.
pub async fn cancel(store: &Store, a: &IdsArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    cancel_ids(store, &ids).await?.print()
}

/// Cancels jobs that have not started, by id.
///
/// # Errors
/// Redis failures.
pub async fn cancel_ids(store: &Store, ids: &[String]) -> Result<Changed> {
    let mut changed = Changed::default();
    for (id, c) in ids.iter().zip(store.cancel(ids).await?) {
        changed.note(id, c, || format!("Canceled {id}"), "no such job");
    }
    Ok(changed)
}

/// Runs `bench jobs stop`: RQ's stop-job command to the job's worker, which then
/// records the job as stopped.
pub async fn stop(store: &Store, a: &IdsArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    stop_ids(store, &ids).await?.print()
}

/// Asks the workers running these jobs to stop them.
///
/// # Errors
/// Redis failures.
pub async fn stop_ids(store: &Store, ids: &[String]) -> Result<Changed> {
    let mut changed = Changed::default();
    for (id, h) in ids.iter().zip(store.fetch(ids).await?) {
        let Some(h) = h else {
            changed.refused.push((id.clone(), "no such job".into()));
            continue;
        };
        match (h.status(), h.nonempty("worker_name")) {
            (Ok(JobStatus::Started), Some(worker)) => {
                if store.send_stop_job(&worker, id).await? == 0 {
                    changed.refused.push((id.clone(), format!("its worker `{worker}` is not listening (dead?); it will be recovered when its heartbeat lapses")));
                } else {
                    changed.done += 1;
                    changed
                        .said
                        .push(format!("Asked worker {worker} to stop {id}"));
                }
            }
            (Ok(s), _) => changed.refused.push((
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
            (Err(e), _) => changed.refused.push((id.clone(), e.to_string())),
        }
    }
    Ok(changed)
}

/// Runs `bench jobs delete`.
pub async fn delete(store: &Store, a: &IdsArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    delete_ids(store, &ids).await?.print()
}

/// Deletes jobs by id, wherever they are, except running ones (stop those first):
/// the job, its results and its place in its queue or registry, atomically each.
///
/// # Errors
/// Redis failures.
pub async fn delete_ids(store: &Store, ids: &[String]) -> Result<Changed> {
    let mut changed = Changed::default();
    for (id, h) in ids.iter().zip(store.fetch(ids).await?) {
        let Some(h) = h else {
            changed.refused.push((id.clone(), "no such job".into()));
            continue;
        };
        let (status, queue) = match (h.status(), h.nonempty("origin")) {
            (Ok(JobStatus::Started), _) => {
                changed.refused.push((
                    id.clone(),
                    "it is running; stop it first with `bench jobs stop`".into(),
                ));
                continue;
            }
            (Ok(s), Some(q)) => (s, q),
            (Ok(_), None) => {
                changed
                    .refused
                    .push((id.clone(), "it names no queue (origin)".into()));
                continue;
            }
            (Err(e), _) => {
                changed.refused.push((id.clone(), e.to_string()));
                continue;
            }
        };
        let c = store
            .purge(&queue, status, std::slice::from_ref(id))
            .await?
            .pop()
            .unwrap_or(Change::Missing);
        changed.note(id, c, || format!("Deleted {id}"), "no such job");
    }
    Ok(changed)
}
