//! `bench jobs show`: everything about one or more jobs.

use anyhow::Result;
use serde::Serialize;

use super::view::{JobView, ResultView, raw_fields};
use crate::config::Config;
use crate::error::Reported;
use crate::output;
use crate::store::Store;

/// Options of `bench jobs show`.
#[derive(Debug, Clone, clap::Args)]
pub struct ShowArgs {
    /// Job ids
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// Everything about one job.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub job: JobView,
    /// Seconds from start to end of the last run.
    pub duration_s: Option<f64>,
    pub retries_left: Option<i64>,
    pub depends_on: Vec<String>,
    pub results: Vec<ResultView>,
    pub fields: std::collections::BTreeMap<String, String>,
}

/// The job `id` (whole, not a prefix) with its results; `None` when it is gone.
///
/// # Errors
/// Redis failures.
pub async fn detail(store: &Store, id: &str) -> Result<Option<Shown>> {
    let Some(h) = store.fetch(&[id.to_owned()]).await?.pop().flatten() else {
        return Ok(None);
    };
    Ok(Some(shown(store, id, h).await?))
}

async fn shown(store: &Store, id: &str, h: crate::store::JobHash) -> Result<Shown> {
    let results: Vec<ResultView> = store
        .results(id)
        .await?
        .iter()
        .map(ResultView::from)
        .collect();
    let duration_s = match (h.time("started_at"), h.time("ended_at")) {
        (Ok(Some(s)), Ok(Some(e))) if e >= s => {
            Some((e - s).num_microseconds().unwrap_or(0) as f64 / 1e6)
        }
        _ => None,
    };
    Ok(Shown {
        job: JobView::new(&h, None),
        duration_s,
        retries_left: h.int("retries_left").ok().flatten(),
        depends_on: h.dependency_ids().unwrap_or_default(),
        results,
        fields: raw_fields(&h),
    })
}

/// Runs `bench jobs show`.
pub async fn run(_cfg: &Config, store: &Store, a: &ShowArgs) -> Result<()> {
    let ids = super::resolve_ids(store, &a.ids).await?;
    let hashes = store.fetch(&ids).await?;
    let mut missing = false;
    for (id, h) in ids.iter().zip(hashes) {
        let Some(h) = h else {
            eprintln!("error: no job with id `{id}`");
            missing = true;
            continue;
        };
        let shown = shown(store, id, h).await?;
        if a.json {
            output::json_pretty(&shown)?;
        } else {
            print_text(&shown)?;
        }
    }
    if missing {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

fn print_text(s: &Shown) -> std::io::Result<()> {
    let j = &s.job;
    let mut lines = vec![
        format!("id:          {}", j.id),
        format!("status:      {}", j.status),
        format!("queue:       {}", j.queue.as_deref().unwrap_or("")),
        format!(
            "method:      {}",
            j.method.as_deref().unwrap_or("(undecodable)")
        ),
    ];
    let opt = |label: &str, v: &Option<String>| v.as_ref().map(|v| format!("{label:<13}{v}"));
    lines.extend(opt("site:", &j.site));
    lines.extend(opt("event:", &j.event));
    lines.extend(opt("job name:", &j.job_name));
    if !j.args.is_empty() {
        lines.push(format!(
            "args:        {}",
            serde_json::Value::Array(j.args.clone())
        ));
    }
    lines.push(format!(
        "kwargs:      {}",
        serde_json::Value::Object(j.kwargs.clone())
    ));
    lines.extend(opt("description:", &j.description));
    lines.extend(opt("created:", &j.created_at));
    lines.extend(opt("enqueued:", &j.enqueued_at));
    lines.extend(opt("started:", &j.started_at));
    lines.extend(opt("ended:", &j.ended_at));
    lines.extend(opt("worker:", &j.worker));
    lines.extend(opt("duration:", &s.duration_s.map(|d| format!("{d:.3}s"))));
    lines.extend(opt("retries left:", &s.retries_left.map(|r| r.to_string())));
    if !s.depends_on.is_empty() {
        lines.push(format!("depends on:  {}", s.depends_on.join(", ")));
    }
    lines.extend(opt("timeout:", &j.timeout));
    lines.extend(opt("problem:", &j.error));
    for r in &s.results {
        lines.push(format!(
            "result:      {} by {}{}",
            r.kind,
            if r.worker.is_empty() { "-" } else { &r.worker },
            r.duration_s
                .map(|d| format!(" in {d:.3}s"))
                .unwrap_or_default()
        ));
        if let Some(v) = &r.return_value {
            lines.push(format!("  returned:  {v}"));
        }
        if let Some(tb) = &r.traceback {
            lines.push("  traceback:".into());
            lines.extend(tb.lines().map(|l| format!("    {l}")));
        }
    }
    lines.push("fields:".into());
    lines.extend(s.fields.iter().map(|(k, v)| format!("  {k}: {v}")));
    lines.push(String::new());
    output::line(lines.join("\n"))
}
