//! Which jobs a `bench jobs` command acts on: queues times states, narrowed by method,
//! event, site and age, read from Redis in pages so that 100,000 jobs never sit in
//! memory at once.

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::view::JobView;
use super::{StatusArg, resolve_queues};
use crate::config::Config;
use crate::store::{JobHash, JobStatus, Store};
use crate::usage;

/// Ids read per page.
pub const PAGE: u64 = 1000;

/// Filters shared by `jobs list`, `retry --all`, `purge` and `stats`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Filters {
    /// Only jobs of this queue (repeatable) [default: every queue of this bench]
    #[arg(long, short, value_name = "QUEUE")]
    pub queue: Vec<String>,

    /// Only jobs in this state (repeatable)
    #[arg(long, short, value_enum, value_name = "STATUS")]
    pub status: Vec<StatusArg>,

    /// Only jobs whose method matches this glob, e.g. 'my_app.tasks.*'
    #[arg(long, value_name = "GLOB")]
    pub method: Option<String>,

    /// Only jobs of this event (a scheduler_events key or cron expression, or Frappe's `event`)
    #[arg(long, value_name = "EVENT")]
    pub event: Option<String>,

    /// Only jobs of this Frappe site: the global `--site`, set by the command line
    #[arg(skip)]
    pub site: Option<String>,

    /// Only jobs older than this, e.g. 2h or 7d (by end time, else enqueue time)
    #[arg(long, value_name = "AGE")]
    pub older_than: Option<String>,

    /// Only jobs newer than this, e.g. 30m
    #[arg(long, value_name = "AGE")]
    pub newer_than: Option<String>,
}

/// Resolved filters.
#[derive(Debug, Clone)]
pub struct Selection {
    pub queues: Vec<String>,
    pub statuses: Vec<JobStatus>,
    method: Option<glob::Pattern>,
    event: Option<String>,
    site: Option<String>,
    older: Option<DateTime<Utc>>,
    newer: Option<DateTime<Utc>>,
}

impl Selection {
    /// Resolves `f`; `default` are the states used when `--status` is not given.
    ///
    /// # Errors
    /// A usage error for a bad glob or age.
    pub async fn new(
        cfg: &Config,
        store: &Store,
        f: &Filters,
        default: &[JobStatus],
    ) -> Result<Selection> {
        let age = |flag: &str, v: &Option<String>| -> Result<Option<DateTime<Utc>>> {
            v.as_ref()
                .map(|s| {
                    crate::when::parse_delay(s)
                        .and_then(|d| crate::when::shift(Utc::now(), d, true))
                        .map_err(|e| usage!("--{flag} {}", e.0).into())
                })
                .transpose()
        };
        let queues = resolve_queues(cfg, store, &f.queue).await?;
        // Expired finished and failed jobs leave the registries before anything is
        // counted or listed, as Python RQ's clean_registries does.
        store.clean_registries(&queues).await?;
        Ok(Selection {
            queues,
            statuses: if f.status.is_empty() {
                default.to_vec()
            } else {
                f.status.iter().map(|s| (*s).into()).collect()
            },
            method: f
                .method
                .as_ref()
                .map(|m| {
                    glob::Pattern::new(m)
                        .map_err(|e| usage!("--method `{m}` is not a valid glob: {e}"))
                })
                .transpose()?,
            event: f.event.clone(),
            site: f.site.clone(),
            older: age("older-than", &f.older_than)?,
            newer: age("newer-than", &f.newer_than)?,
        })
    }

    /// Whether the filters look inside jobs (else queue and state decide alone).
    pub fn narrows(&self) -> bool {
        self.method.is_some()
            || self.event.is_some()
            || self.site.is_some()
            || self.older.is_some()
            || self.newer.is_some()
    }

    /// Whether a job passes the filters that look inside it.
    pub fn matches(&self, v: &JobView) -> bool {
        if let Some(p) = &self.method {
            let shown = v.method.as_deref().unwrap_or("");
            if !p.matches(shown) && !v.job_name.as_deref().is_some_and(|n| p.matches(n)) {
                return false;
            }
        }
        if self.event.is_some() && v.event != self.event {
            return false;
        }
        if let Some(site) = &self.site
            && v.site.as_deref() != Some(site.as_str())
            && crate::store::frappe::site_of(&v.id) != Some(site.as_str())
        {
            return false;
        }
        if self.older.is_some() || self.newer.is_some() {
            let Some(t) = v.reference_time() else {
                return false;
            };
            if self.older.is_some_and(|o| t >= o) || self.newer.is_some_and(|n| t <= n) {
                return false;
            }
        }
        true
    }
}

/// How many jobs a selection holds: LLEN/ZCARD when it needs no look inside the
/// jobs, else a pass over them.
pub async fn count(store: &Store, sel: &Selection) -> Result<u64> {
    if !sel.narrows() {
        return Ok(store
            .counts(&sel.queues)
            .await?
            .iter()
            .filter(|(_, s, _)| sel.statuses.contains(s))
            .map(|(_, _, n)| n)
            .sum());
    }
    let mut n = 0;
    let mut pager = Pager::new(store, sel, Walk::Read, false);
    while let Some(page) = pager.next().await? {
        n += page.jobs.len() as u64;
    }
    Ok(n)
}

/// How pages are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// In queue order, nothing changes meanwhile.
    Read,
    /// While the command removes what it read: queues from the tail (a removal never
    /// shifts what is still to be read) and registries by cursor (ZSCAN).
    Change,
}

/// One page of jobs of one queue and state; `hash` is `None` where it is gone.
pub struct Page {
    pub queue: String,
    pub status: JobStatus,
    pub jobs: Vec<(String, Option<JobHash>)>,
}

/// Reads a selection page by page.
pub struct Pager<'a> {
    store: &'a Store,
    sel: &'a Selection,
    walk: Walk,
    with_hashes: bool,
    /// Index into queues x states.
    at: usize,
    /// Position within the current pair: an offset, a list end, or a ZSCAN cursor.
    pos: Option<u64>,
    /// Ids read per page.
    page: u64,
}

impl<'a> Pager<'a> {
    /// Pages of `sel`. Hashes are fetched when `with_hashes` or the filters need them.
    pub fn new(store: &'a Store, sel: &'a Selection, walk: Walk, with_hashes: bool) -> Pager<'a> {
        Pager {
            store,
            sel,
            walk,
            with_hashes: with_hashes || sel.narrows(),
            at: 0,
            pos: None,
            page: PAGE,
        }
    }

    /// Reads at most `n` ids per page (at least one), for a caller that needs only
    /// the first few jobs.
    pub fn page_size(mut self, n: usize) -> Pager<'a> {
        self.page = (n as u64).clamp(1, PAGE);
        self
    }

    /// The next page with at least one candidate, or `None` when done. Jobs that fail
    /// the filters are already left out.
    pub async fn next(&mut self) -> Result<Option<Page>> {
        let pairs = self.sel.statuses.len() * self.sel.queues.len();
        while self.at < pairs {
            let status = self.sel.statuses[self.at / self.sel.queues.len()];
            let queue = &self.sel.queues[self.at % self.sel.queues.len()];
            let (ids, done) = self.read(queue, status).await?;
            if done {
                self.at += 1;
                self.pos = None;
            }
            if ids.is_empty() {
                continue;
            }
            let jobs: Vec<(String, Option<JobHash>)> = if self.with_hashes {
                let hashes = self.store.fetch(&ids).await?;
                // An id whose job is gone (expired, deleted) is never shown: it is
                // taken out of its list or registry instead.
                let gone: Vec<String> = ids
                    .iter()
                    .zip(&hashes)
                    .filter(|(_, h)| h.is_none())
                    .map(|(id, _)| id.clone())
                    .collect();
                if !gone.is_empty() {
                    let removed = self.store.drop_ghosts(queue, status, &gone).await?;
                    // Reading by position: what follows moved up by as many.
                    if self.walk == Walk::Read && !done {
                        self.pos = self.pos.map(|p| p.saturating_sub(removed));
                    }
                }
                ids.into_iter()
                    .zip(hashes)
                    .filter_map(|(id, h)| Some((id, Some(h?))))
                    .filter(|(_, h)| {
                        !self.sel.narrows()
                            || h.as_ref().is_some_and(|h| {
                                self.sel.matches(&JobView::new(h, Some(status.as_str())))
                            })
                    })
                    .collect()
            } else {
                ids.into_iter().map(|id| (id, None)).collect()
            };
            if !jobs.is_empty() {
                return Ok(Some(Page {
                    queue: queue.clone(),
                    status,
                    jobs,
                }));
            }
        }
        Ok(None)
    }

    /// Moves past the first `n` jobs without reading them, from the lengths of the
    /// lists and registries; only for a selection that does not look inside jobs, read
    /// in order. Returns how many were skipped (fewer when the selection is shorter).
    pub async fn skip(&mut self, n: u64) -> Result<u64> {
        if self.sel.narrows() || self.walk != Walk::Read || n == 0 {
            return Ok(0);
        }
        let pairs = self.sel.statuses.len() * self.sel.queues.len();
        let mut left = n;
        while self.at < pairs {
            let status = self.sel.statuses[self.at / self.sel.queues.len()];
            let queue = &self.sel.queues[self.at % self.sel.queues.len()];
            let here = self
                .store
                .count(queue, status)
                .await?
                .saturating_sub(self.pos.unwrap_or(0));
            if left < here {
                self.pos = Some(self.pos.unwrap_or(0) + left);
                return Ok(n);
            }
            left -= here;
            self.at += 1;
            self.pos = None;
        }
        Ok(n - left)
    }

    /// The next ids of one queue and state, and whether that pair is exhausted.
    async fn read(&mut self, queue: &str, status: JobStatus) -> Result<(Vec<String>, bool)> {
        let s = self.store;
        if status == JobStatus::Queued && self.walk == Walk::Change {
            let end = match self.pos {
                Some(e) => e,
                None => s.count(queue, status).await?,
            };
            let start = end.saturating_sub(self.page);
            let ids = if end == 0 {
                Vec::new()
            } else {
                s.ids(queue, status, start, end - start).await?
            };
            self.pos = Some(start);
            return Ok((ids, start == 0));
        }
        if status != JobStatus::Queued && self.walk == Walk::Change {
            let (cursor, ids) = s
                .scan_registry(queue, status, self.pos.unwrap_or(0), self.page)
                .await?;
            self.pos = Some(cursor);
            return Ok((ids, cursor == 0));
        }
        let start = self.pos.unwrap_or(0);
        let ids = s.ids(queue, status, start, self.page).await?;
        self.pos = Some(start + ids.len() as u64);
        let done = (ids.len() as u64) < self.page;
        Ok((ids, done))
    }
}
