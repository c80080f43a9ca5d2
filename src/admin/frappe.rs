//! Frappe's own background-job commands, with Frappe's output, over bench's data:
//! `show-pending-jobs`, `purge-jobs`, `ready-for-migration`; and, for a Frappe bench,
//! the scheduler switches that live in Frappe's own site config and database, handed to
//! Frappe itself.

use anyhow::Result;

use super::change::{PurgeArgs, purge_selected};
use super::select::{Filters, Pager, Selection, Walk};
use super::short_queue;
use super::view::JobView;
use crate::config::Config;
use crate::error::Reported;
use crate::output;
use crate::store::payload::py_repr;
use crate::store::{JobStatus, Store};

/// `show-pending-jobs`: queued jobs per queue, as `{method} {kwargs}` lines.
pub async fn show_pending_jobs(cfg: &Config, store: &Store, site: Option<&str>) -> Result<()> {
    let filters = Filters {
        site: site.map(str::to_owned),
        ..Filters::default()
    };
    let sel = Selection::new(cfg, store, &filters, &[JobStatus::Queued]).await?;
    output::line("-----Pending Jobs-----")?;
    for q in &sel.queues {
        let mut one = sel.clone();
        one.queues = vec![q.clone()];
        let mut lines = Vec::new();
        let mut pager = Pager::new(store, &one, Walk::Read, true);
        while let Some(page) = pager.next().await? {
            for (_, h) in page.jobs.iter() {
                if let Some(h) = h {
                    let v = JobView::new(h, Some("queued"));
                    lines.push(format!(
                        "{} {}",
                        v.method_shown(),
                        py_repr(&serde_json::Value::Object(v.kwargs))
                    ));
                }
            }
        }
        if !lines.is_empty() {
            output::line(format!("-----Queue :{}-----", short_queue(cfg, q)))?;
            for l in lines {
                output::line(l)?;
            }
        }
    }
    Ok(())
}

/// `purge-jobs [--queue] [--event]`: deletes queued jobs, prints `Purged N jobs`.
pub async fn purge_jobs(
    cfg: &Config,
    store: &Store,
    queue: Option<&str>,
    event: Option<&str>,
    site: Option<&str>,
) -> Result<()> {
    let filters = Filters {
        queue: queue.map(|q| vec![q.to_owned()]).unwrap_or_default(),
        event: event.map(str::to_owned),
        site: site.map(str::to_owned),
        ..Filters::default()
    };
    // Frappe's purge-jobs deletes without asking and prints its own sentence.
    let n = purge_selected(
        cfg,
        store,
        &PurgeArgs {
            filters,
            yes: true,
            dry_run: false,
        },
    )
    .await?;
    output::line(format!("Purged {n} jobs"))?;
    Ok(())
}

/// `ready-for-migration`: exit 1 while any job is queued or started.
pub async fn ready_for_migration(cfg: &Config, store: &Store, site: Option<&str>) -> Result<()> {
    let filters = Filters {
        site: site.map(str::to_owned),
        ..Filters::default()
    };
    let sel = Selection::new(
        cfg,
        store,
        &filters,
        &[JobStatus::Queued, JobStatus::Started],
    )
    .await?;
    let pending = Pager::new(store, &sel, Walk::Read, false)
        .next()
        .await?
        .is_some();
    let who = site.map(str::to_owned).unwrap_or_else(|| cfg.bench_name());
    if pending {
        output::line(format!(
            "NOT READY for migration: site {who} has pending background jobs"
        ))?;
        Err(Reported.into())
    } else {
        output::line(format!(
            "READY for migration: site {who} does not have any background jobs"
        ))?;
        Ok(())
    }
}

/// Runs one of Frappe's own commands (`bench --site S enable-scheduler`, `scheduler
/// pause`...) through the bench's interpreter, in place of this process, so its output
/// and exit code are Frappe's. Those switches live in Frappe's site config and
/// database, which Frappe owns; `bench schedule` reads them back per site.
///
/// Returns only when the command cannot be started.
pub fn exec_frappe(cfg: &Config, site: Option<&str>, args: &[&str]) -> anyhow::Error {
    use std::os::unix::process::CommandExt as _;
    let Some(py) = &cfg.python else {
        return anyhow::anyhow!("Frappe's commands need [python] (the bench's env/bin/python)");
    };
    let mut cmd = std::process::Command::new(&py.executable);
    cmd.args(["-m", "frappe.utils.bench_helper", "frappe"]);
    if let Some(s) = site {
        cmd.args(["--site", s]);
    }
    cmd.args(args).current_dir(&py.cwd);
    let err = cmd.exec();
    anyhow::anyhow!(
        "cannot run Frappe's own command with {} -m frappe.utils.bench_helper (cwd {}): {err}",
        py.executable,
        py.cwd.display()
    )
}
