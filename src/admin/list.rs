//! `bench jobs list`: jobs by queue and state, newest state first, paged from Redis.

use anyhow::Result;

use super::view::JobView;
use super::{StatusArg, resolve_queues, short_queue};
use crate::config::Config;
use crate::output::{self, Rows};
use crate::store::{JobStatus, Store};

/// Options of `bench jobs list`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// Only jobs of this queue (repeatable; default: every queue of this bench)
    #[arg(long, short, value_name = "QUEUE")]
    pub queue: Vec<String>,

    /// Only jobs in this state (repeatable; default: all)
    #[arg(long, short, value_enum, value_name = "STATUS")]
    pub status: Vec<StatusArg>,

    /// Show at most this many jobs
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: u64,

    /// One JSON object per job, one per line
    #[arg(long)]
    pub json: bool,
}

/// Runs `bench jobs list`.
pub async fn run(cfg: &Config, store: &Store, a: &ListArgs) -> Result<()> {
    let queues = resolve_queues(cfg, store, &a.queue).await?;
    let statuses: Vec<JobStatus> = if a.status.is_empty() {
        JobStatus::LISTED.to_vec()
    } else {
        a.status.iter().map(|s| (*s).into()).collect()
    };

    let mut total = 0u64;
    let mut views: Vec<JobView> = Vec::new();
    for status in &statuses {
        for q in &queues {
            let count = store.count(q, *status).await?;
            total += count;
            let room = a.limit.saturating_sub(views.len() as u64);
            if room == 0 || count == 0 {
                continue;
            }
            let ids = store.ids(q, *status, 0, room).await?;
            for (id, hash) in ids.iter().zip(store.fetch(&ids).await?) {
                views.push(match hash {
                    Some(h) => JobView::new(&h, Some(status.as_str())),
                    None => missing(id, q, *status),
                });
            }
        }
    }

    if a.json {
        for v in &views {
            output::json_line(v)?;
        }
    } else if views.is_empty() {
        eprintln!("No jobs match.");
    } else {
        let mut rows = Rows::new(["ID", "QUEUE", "STATUS", "METHOD", "ENQUEUED", "ENDED"]);
        for v in &views {
            let method = match &v.error {
                Some(_) if v.method.is_none() => "(undecodable)".to_owned(),
                _ => v.method_shown(),
            };
            rows.push([
                v.id.clone(),
                v.queue
                    .as_deref()
                    .map(|q| short_queue(cfg, q).to_owned())
                    .unwrap_or_default(),
                v.status.clone(),
                method,
                short_time(v.enqueued_at.as_deref().or(v.created_at.as_deref())),
                short_time(v.ended_at.as_deref()),
            ]);
        }
        rows.print()?;
    }
    let more = total.saturating_sub(views.len() as u64);
    if more > 0 {
        eprintln!("... {more} more jobs match; raise --limit to see them");
    }
    Ok(())
}

/// An id listed in a queue or registry whose hash is gone (expired or deleted).
fn missing(id: &str, queue: &str, status: JobStatus) -> JobView {
    let h = crate::store::JobHash::new(id, [("origin".to_owned(), queue.as_bytes().to_vec())]);
    let mut v = JobView::new(&h, Some(status.as_str()));
    v.error = Some("job hash is missing (expired or deleted)".into());
    v
}

/// `2026-11-28T11:28:00.654108Z` as `2026-11-28 11:28:00`.
fn short_time(t: Option<&str>) -> String {
    t.map(|t| t.replacen('T', " ", 1).chars().take(19).collect())
        .unwrap_or_default()
}
