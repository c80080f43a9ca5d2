//! `bench jobs list` and `bench jobs stats`: jobs by queue and state, filtered, sorted
//! and limited, read page by page with memory bounded by `--limit`.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use anyhow::Result;

use super::select::{Filters, Pager, Selection, Walk, count};
use super::short_queue;
use super::view::JobView;
use crate::config::Config;
use crate::output::{self, Rows};
use crate::store::{JobHash, JobStatus, Store};

/// Order of `jobs list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Sort {
    /// State by state, each in its queue's or registry's order
    #[default]
    Queue,
    /// Most recent first (end time, else enqueue time)
    Newest,
    /// Oldest first
    Oldest,
}

/// Options of `bench jobs list`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: Filters,

    /// Order of the jobs shown
    #[arg(long, value_enum, default_value_t = Sort::Queue)]
    pub sort: Sort,

    /// Show at most this many jobs
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,

    /// One JSON object per job, one per line
    #[arg(long, conflicts_with = "ids")]
    pub json: bool,

    /// Job ids only, one per line (for pipes)
    #[arg(long)]
    pub ids: bool,

    /// Counts per queue and state instead of jobs
    #[arg(long, conflicts_with_all = ["json", "ids"])]
    pub summary: bool,
}

/// Options of `bench jobs stats`.
#[derive(Debug, Clone, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub filters: Filters,

    /// One JSON object per queue
    #[arg(long)]
    pub json: bool,
}

/// A job in a bounded top-k: ordered by its reference time in microseconds.
struct Ranked(i64, JobView);

impl PartialEq for Ranked {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ranked {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

fn view(id: &str, queue: &str, status: JobStatus, h: Option<JobHash>) -> JobView {
    match h {
        Some(h) => JobView::new(&h, Some(status.as_str())),
        None => {
            let h = JobHash::new(id, [("origin".to_owned(), queue.as_bytes().to_vec())]);
            let mut v = JobView::new(&h, Some(status.as_str()));
            v.error = Some("job hash is missing (expired or deleted)".into());
            v
        }
    }
}

/// One page of a listing, and how many jobs the selection holds in all.
pub struct Listing {
    pub jobs: Vec<JobView>,
    pub total: u64,
}

/// Jobs `offset..offset + limit` of a selection in `sort` order. In queue order
/// without filters that look inside jobs, the lists' lengths give the total and the
/// offset, so a deep page costs what the first does; otherwise every job of the
/// selection is read once, keeping at most `offset + limit` of them.
///
/// # Errors
/// Redis failures.
pub async fn collect(
    store: &Store,
    sel: &Selection,
    sort: Sort,
    offset: usize,
    limit: usize,
) -> Result<Listing> {
    let keep = offset.saturating_add(limit);
    let mut shown: Vec<JobView> = Vec::new();
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::new();
    let mut heap_rev: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
    let mut total: u64 = 0;
    let quick = !sel.narrows() && sort == Sort::Queue;
    let mut pager = Pager::new(store, sel, Walk::Read, true);
    if quick {
        pager = pager.page_size(limit);
    }
    // Jobs passed over on the way to `offset` (queue order only).
    let mut passed = 0usize;
    if quick {
        total = count(store, sel).await?;
        passed = usize::try_from(pager.skip(offset as u64).await?).unwrap_or(usize::MAX);
    }
    while let Some(page) = pager.next().await? {
        for (id, h) in page.jobs {
            if !quick {
                total += 1;
            }
            let key = |v: &JobView| v.reference_time().map_or(0, |t| t.timestamp_micros());
            match sort {
                Sort::Queue if passed < offset => passed += 1,
                Sort::Queue if shown.len() < limit => {
                    shown.push(view(&id, &page.queue, page.status, h))
                }
                Sort::Queue => {}
                // Newest: keep the k largest, so evict the smallest (a min-heap).
                Sort::Newest => {
                    let v = view(&id, &page.queue, page.status, h);
                    heap_rev.push(Reverse(Ranked(key(&v), v)));
                    if heap_rev.len() > keep {
                        heap_rev.pop();
                    }
                }
                Sort::Oldest => {
                    let v = view(&id, &page.queue, page.status, h);
                    heap.push(Ranked(key(&v), v));
                    if heap.len() > keep {
                        heap.pop();
                    }
                }
            }
        }
        if quick && shown.len() >= limit {
            break;
        }
    }
    match sort {
        Sort::Queue => {}
        Sort::Newest => {
            shown = heap_rev
                .into_sorted_vec()
                .into_iter()
                .map(|Reverse(r)| r.1)
                .skip(offset)
                .collect()
        }
        Sort::Oldest => {
            shown = heap
                .into_sorted_vec()
                .into_iter()
                .map(|r| r.1)
                .skip(offset)
                .collect()
        }
    }
    Ok(Listing { jobs: shown, total })
}

/// Runs `bench jobs list`.
pub async fn run(cfg: &Config, store: &Store, a: &ListArgs) -> Result<()> {
    let sel = Selection::new(cfg, store, &a.filters, &JobStatus::LISTED).await?;
    if a.summary {
        return summary(cfg, store, &sel, false).await;
    }
    let Listing { jobs: shown, total } = collect(store, &sel, a.sort, 0, a.limit).await?;

    if a.ids {
        for v in &shown {
            output::line(&v.id)?;
        }
    } else if a.json {
        for v in &shown {
            output::json_line(v)?;
        }
    } else if total == 0 {
        eprintln!("No jobs match.");
    } else if !shown.is_empty() {
        let mut rows = Rows::new(["ID", "QUEUE", "STATUS", "METHOD", "ENQUEUED", "ENDED"])
            .keep_whole(0)
            .keep_whole(1)
            .keep_whole(2);
        for v in &shown {
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
    let more = total.saturating_sub(shown.len() as u64);
    if more > 0 {
        // `--limit 0` shows none: then the count is of all that match.
        let what = if shown.is_empty() { "job" } else { "more job" };
        eprintln!(
            "... {} {}; raise --limit to see them",
            output::count(usize::try_from(more).unwrap_or(usize::MAX), what),
            if more == 1 { "matches" } else { "match" }
        );
    }
    Ok(())
}

/// Runs `bench jobs stats`.
pub async fn stats(cfg: &Config, store: &Store, a: &StatsArgs) -> Result<()> {
    let sel = Selection::new(cfg, store, &a.filters, &JobStatus::LISTED).await?;
    summary(cfg, store, &sel, a.json).await
}

async fn summary(cfg: &Config, store: &Store, sel: &Selection, json: bool) -> Result<()> {
    let mut counts: BTreeMap<String, BTreeMap<JobStatus, u64>> = sel
        .queues
        .iter()
        .map(|q| (q.clone(), BTreeMap::new()))
        .collect();
    if sel.narrows() {
        let mut pager = Pager::new(store, sel, Walk::Read, true);
        while let Some(page) = pager.next().await? {
            *counts
                .entry(page.queue.clone())
                .or_default()
                .entry(page.status)
                .or_default() += page.jobs.len() as u64;
        }
    } else {
        for (q, s, n) in store.counts(&sel.queues).await? {
            if sel.statuses.contains(&s) {
                counts.entry(q).or_default().insert(s, n);
            }
        }
    }
    if json {
        for (q, by) in &counts {
            let mut obj = serde_json::Map::new();
            obj.insert("queue".into(), short_queue(cfg, q).into());
            for s in &sel.statuses {
                obj.insert(s.as_str().into(), by.get(s).copied().unwrap_or(0).into());
            }
            output::json_line(&obj)?;
        }
        return Ok(());
    }
    let mut header = vec!["QUEUE".to_owned()];
    header.extend(sel.statuses.iter().map(|s| s.as_str().to_uppercase()));
    let mut rows = Rows::new(header);
    for (q, by) in &counts {
        let mut row = vec![short_queue(cfg, q).to_owned()];
        row.extend(
            sel.statuses
                .iter()
                .map(|s| by.get(s).copied().unwrap_or(0).to_string()),
        );
        rows.push(row);
    }
    rows.print()?;
    Ok(())
}

/// `2026-11-28T11:28:00.654108Z` as `2026-11-28 11:28:00`.
fn short_time(t: Option<&str>) -> String {
    t.map(|t| t.replacen('T', " ", 1).chars().take(19).collect())
        .unwrap_or_default()
}
