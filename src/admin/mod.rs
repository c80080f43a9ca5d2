//! Operator commands over jobs already in Redis: `bench jobs ...` and `bench doctor`.
//! They read and change jobs only through [`crate::store`].

pub mod change;
pub mod doctor;
pub mod frappe;
pub mod list;
pub mod select;
pub mod show;
pub mod view;

use anyhow::Result;

use crate::config::Config;
use crate::store::{JobStatus, Store};

/// A job state as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    Queued,
    Started,
    Finished,
    Failed,
    Deferred,
    Scheduled,
    Canceled,
}

impl From<StatusArg> for JobStatus {
    fn from(s: StatusArg) -> JobStatus {
        match s {
            StatusArg::Queued => JobStatus::Queued,
            StatusArg::Started => JobStatus::Started,
            StatusArg::Finished => JobStatus::Finished,
            StatusArg::Failed => JobStatus::Failed,
            StatusArg::Deferred => JobStatus::Deferred,
            StatusArg::Scheduled => JobStatus::Scheduled,
            StatusArg::Canceled => JobStatus::Canceled,
        }
    }
}

/// RQ queue names for `--queue` values: a configured queue gets the bench prefix, any
/// other name is taken as an RQ queue name. No `--queue` means every queue of this
/// bench in `rq:queues` plus the configured ones.
pub async fn resolve_queues(cfg: &Config, store: &Store, names: &[String]) -> Result<Vec<String>> {
    if !names.is_empty() {
        return Ok(names
            .iter()
            .map(|n| {
                if cfg.queue(n).is_some() {
                    cfg.qname(n)
                } else {
                    n.clone()
                }
            })
            .collect());
    }
    let mut out: Vec<String> = cfg.queues.iter().map(|q| cfg.qname(&q.name)).collect();
    for q in store.queue_names().await? {
        let ours = match &cfg.bench_id {
            Some(id) => q.starts_with(&format!("{id}:")),
            None => true,
        };
        if ours && !out.contains(&q) {
            out.push(q);
        }
    }
    Ok(out)
}

/// The jobs operators name: each id as given when a job has it, else the one job whose
/// id starts with it (`bench jobs show 6f1c`).
///
/// # Errors
/// A usage error listing the candidates when a prefix fits more than one job.
pub async fn resolve_ids(store: &Store, given: &[String]) -> Result<Vec<String>> {
    let exist = store.exist(given).await?;
    let mut out = Vec::with_capacity(given.len());
    for (id, exists) in given.iter().zip(exist) {
        if exists || id.is_empty() {
            out.push(id.clone());
            continue;
        }
        let found = store.ids_with_prefix(id, 11).await?;
        match found.len() {
            0 => out.push(id.clone()),
            1 => out.extend(found),
            n => {
                let shown: Vec<&str> = found.iter().take(10).map(String::as_str).collect();
                return Err(crate::usage!(
                    "`{id}` is the start of {} ids: {}{}; give more of it",
                    if n > 10 {
                        "more than 10".to_owned()
                    } else {
                        n.to_string()
                    },
                    shown.join(", "),
                    if n > 10 { ", ..." } else { "" }
                )
                .into());
            }
        }
    }
    Ok(out)
}

/// The queue name as operators know it: without this bench's prefix.
pub fn short_queue<'a>(cfg: &Config, qname: &'a str) -> &'a str {
    match &cfg.bench_id {
        Some(id) => qname
            .strip_prefix(id.as_str())
            .and_then(|r| r.strip_prefix(':'))
            .unwrap_or(qname),
        None => qname,
    }
}
