//! `bench enqueue`: put one job, or a file of jobs, on a queue.
//!
//! Every input is checked before anything is written, so a bad flag or a bad line in
//! `--from-file` leaves Redis untouched.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use crate::config::Config;
use crate::error::{Reported, UsageError};
use crate::output;
use crate::store::job::{self, NewJob};
use crate::store::{Enqueued, JobStatus, Store};
use crate::usage;

/// Options of `bench enqueue`.
#[derive(Debug, Clone, clap::Args)]
pub struct EnqueueArgs {
    /// Dotted path of the function to run, e.g. `my_app.tasks.send_mail`
    #[arg(required_unless_present = "from_file", value_name = "METHOD")]
    pub method: Option<String>,

    /// Queue to put the job on
    #[arg(long, short, default_value = "default", value_name = "QUEUE")]
    pub queue: String,

    /// Keyword arguments as a JSON object, e.g. '{"user": "a@b.c"}'
    #[arg(long, value_name = "JSON")]
    pub kwargs: Option<String>,

    /// Positional arguments as a JSON array, for functions that take them
    #[arg(long, value_name = "JSON")]
    pub args: Option<String>,

    /// Job id to use instead of a random UUID (letters, digits, `_` and `-`)
    #[arg(long, value_name = "ID")]
    pub job_id: Option<String>,

    /// Skip quietly when a job with --job-id is already queued or started; replace it in
    /// any other state (Frappe's rule)
    #[arg(long)]
    pub deduplicate: bool,

    /// Seconds the job may run before it is killed (default: the queue's timeout)
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(i64).range(1..))]
    pub timeout: Option<i64>,

    /// Put the job at the head of the queue instead of the tail
    #[arg(long)]
    pub at_front: bool,

    /// Seconds to keep a finished job and its result (0: none, -1: forever)
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-1..))]
    pub result_ttl: Option<i64>,

    /// Seconds to keep a failed job and its traceback (-1: forever)
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-1..))]
    pub failure_ttl: Option<i64>,

    /// Text shown by `jobs list` and rq-dashboard (default: the call, as RQ writes it)
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Run the job at this time instead of now (ISO 8601; without an offset, in
    /// [scheduler] timezone); `bench schedule` moves it to its queue when due
    #[arg(long, value_name = "ISO", conflicts_with = "in")]
    pub at: Option<String>,

    /// Run the job after this delay, e.g. `90s`, `10m`, `2h`, `1d`
    #[arg(long = "in", value_name = "DELAY")]
    pub r#in: Option<String>,

    /// Run the job here and now, through the runner a worker would use, without
    /// Redis; print its result (exit 0) or its traceback (exit 1)
    #[arg(long, conflicts_with_all = ["from_file", "at", "in", "job_id", "deduplicate"])]
    pub now: bool,

    /// Event name stored with the job (Frappe's `event`; `purge-jobs --event` matches it)
    #[arg(long, value_name = "NAME")]
    pub event: Option<String>,

    /// Display name shown by `jobs list` and `jobs show` (Frappe's `job_name`)
    #[arg(long, value_name = "NAME")]
    pub job_name: Option<String>,

    /// Enqueue many jobs from JSON lines (`-` for stdin), one object per line with
    /// `method` and optionally `kwargs`, `args`, `queue`, `job_id`, `timeout`, `at_front`,
    /// `result_ttl`, `failure_ttl`, `description`; flags give the defaults
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "job_id", "kwargs", "args"])]
    pub from_file: Option<PathBuf>,
}

impl EnqueueArgs {
    /// `meta` of the job: bench keeps `event` and `job_name` there, where Python RQ
    /// (`job.meta`) and `jobs list --event` find them.
    fn meta(&self) -> Map<String, Json> {
        let mut m = Map::new();
        if let Some(e) = &self.event {
            m.insert("event".into(), e.clone().into());
        }
        if let Some(n) = &self.job_name {
            m.insert("job_name".into(), n.clone().into());
        }
        m
    }
}

/// One line of `--from-file`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    method: String,
    #[serde(default)]
    kwargs: Option<Map<String, Json>>,
    #[serde(default)]
    args: Option<Vec<Json>>,
    queue: Option<String>,
    job_id: Option<String>,
    timeout: Option<i64>,
    at_front: Option<bool>,
    result_ttl: Option<i64>,
    failure_ttl: Option<i64>,
    description: Option<String>,
}

/// Runs `bench enqueue`.
pub async fn run(cfg: &Config, store: &Store, args: &EnqueueArgs) -> Result<()> {
    match &args.from_file {
        Some(path) => from_file(cfg, store, args, path).await,
        None => single(cfg, store, args).await,
    }
}

/// Checks the flags of a single `bench enqueue` and builds its job, without Redis
/// (also what `--now` runs).
///
/// # Errors
/// A usage error naming the bad flag.
pub fn prepare(cfg: &Config, a: &EnqueueArgs) -> Result<NewJob> {
    let method = a
        .method
        .clone()
        .expect("clap requires METHOD without --from-file");
    if a.deduplicate && a.job_id.is_none() {
        return Err(usage!(
            "--deduplicate needs --job-id: a job can only be recognised again by its id"
        )
        .into());
    }
    let kwargs = match &a.kwargs {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Json>(text) {
            Ok(Json::Object(m)) => m,
            Ok(other) => {
                return Err(usage!(
                    "--kwargs must be a JSON object like '{{\"key\": 1}}', got {}",
                    kind(&other)
                )
                .into());
            }
            Err(e) => {
                return Err(usage!(
                    "--kwargs is not valid JSON ({e}); pass an object like '{{\"key\": 1}}'"
                )
                .into());
            }
        },
    };
    let pos = match &a.args {
        None => Vec::new(),
        Some(text) => match serde_json::from_str::<Json>(text) {
            Ok(Json::Array(v)) => v,
            Ok(other) => {
                return Err(usage!(
                    "--args must be a JSON array like '[1, \"x\"]', got {}",
                    kind(&other)
                )
                .into());
            }
            Err(e) => {
                return Err(usage!(
                    "--args is not valid JSON ({e}); pass an array like '[1, \"x\"]'"
                )
                .into());
            }
        },
    };
    build(
        cfg,
        a,
        &method,
        pos,
        kwargs,
        a.job_id.clone(),
        &a.queue,
        a.timeout,
        a.at_front,
        a.description.clone(),
    )
    .map_err(anyhow::Error::new)
}

async fn single(cfg: &Config, store: &Store, a: &EnqueueArgs) -> Result<()> {
    let job = prepare(cfg, a)?;
    let run_at = run_at(cfg, a)?;
    let outcome = store
        .enqueue(
            std::slice::from_ref(&job),
            run_at,
            cfg.serializer,
            Utc::now(),
        )
        .await?;
    match outcome[0] {
        Enqueued::Done => output::line(&job.id)?,
        Enqueued::Blocked(status) if a.deduplicate => {
            eprintln!("job {} is already {status}; not enqueued again", job.id);
        }
        Enqueued::Blocked(status) => {
            anyhow::bail!(
                "job {} is already {status}, so it was not enqueued again\nhint: pass --deduplicate to skip it quietly, or choose another --job-id",
                job.id
            )
        }
    }
    Ok(())
}

/// The run-at time of `--at` or `--in`, if given.
fn run_at(cfg: &Config, a: &EnqueueArgs) -> Result<Option<chrono::DateTime<Utc>>, UsageError> {
    if let Some(at) = &a.at {
        return crate::when::parse_time(at, cfg.scheduler.timezone).map(Some);
    }
    let Some(delay) = &a.r#in else {
        return Ok(None);
    };
    Ok(Some(
        Utc::now() + crate::when::parse_delay(delay).map_err(|e| usage!("--in {}", e.0))?,
    ))
}

fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// Checks one job's inputs and builds it. Errors read as a sentence about the input.
#[allow(clippy::too_many_arguments)]
fn build(
    cfg: &Config,
    defaults: &EnqueueArgs,
    method: &str,
    args: Vec<Json>,
    kwargs: Map<String, Json>,
    job_id: Option<String>,
    queue: &str,
    timeout: Option<i64>,
    at_front: bool,
    description: Option<String>,
) -> Result<NewJob, UsageError> {
    if method.split('.').count() < 2
        || method
            .split('.')
            .any(|p| p.is_empty() || p.contains(char::is_whitespace))
    {
        return Err(usage!(
            "`{method}` is not a dotted method path like `my_app.tasks.send_mail`"
        ));
    }
    let mut job = NewJob::configured(cfg, queue, method).ok_or_else(|| {
        usage!(
            "unknown queue `{queue}`; configured queues: {} (add more under [queues] in {})",
            cfg.queue_names().join(", "),
            cfg.source_shown()
        )
    })?;
    if let Some(id) = job_id {
        job::validate_new_id(&id).map_err(UsageError)?;
        job.id = id;
    }
    if let Some(t) = timeout.filter(|t| *t < 1) {
        return Err(usage!("timeout {t} is not allowed; give at least 1 second"));
    }
    job.timeout = timeout.or(job.timeout);
    job.result_ttl = defaults.result_ttl.or(job.result_ttl);
    job.failure_ttl = defaults.failure_ttl.or(job.failure_ttl);
    Ok(NewJob {
        args,
        kwargs,
        description,
        at_front,
        meta: defaults.meta(),
        ..job
    })
}

async fn from_file(cfg: &Config, store: &Store, a: &EnqueueArgs, path: &PathBuf) -> Result<()> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )
    };
    let shown = if path.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let mut jobs = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (n, text) in BufReader::new(reader).lines().enumerate() {
        let lineno = n + 1;
        let text = text.with_context(|| format!("cannot read {shown} at line {lineno}"))?;
        if text.trim().is_empty() {
            continue;
        }
        let bad = |msg: String| usage!("{shown}:{lineno}: {msg}; nothing was enqueued");
        let line: Line = serde_json::from_str(&text).map_err(|e| bad(format!("{e}")))?;
        if let Some(t) = line
            .result_ttl
            .into_iter()
            .chain(line.failure_ttl)
            .find(|t| *t < -1)
        {
            return Err(bad(format!(
                "ttl {t} is not allowed; use seconds, 0, or -1 for forever"
            ))
            .into());
        }
        let mut job = build(
            cfg,
            a,
            &line.method,
            line.args.unwrap_or_default(),
            line.kwargs.unwrap_or_default(),
            line.job_id,
            line.queue.as_deref().unwrap_or(&a.queue),
            line.timeout.or(a.timeout),
            line.at_front.unwrap_or(a.at_front),
            line.description.or_else(|| a.description.clone()),
        )
        .map_err(|e| bad(e.0))?;
        job.result_ttl = line.result_ttl.or(job.result_ttl);
        job.failure_ttl = line.failure_ttl.or(job.failure_ttl);
        if let Some(first) = seen.insert(job.id.clone(), lineno) {
            return Err(bad(format!("job id `{}` also appears on line {first}", job.id)).into());
        }
        jobs.push(job);
    }

    let run_at = run_at(cfg, a)?;
    let bar = if output::stderr_is_tty() {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} jobs {per_sec} eta {eta}")
            .expect("static template"),
    );
    let now = Utc::now();
    let mut blocked: Vec<(String, JobStatus)> = Vec::new();
    let mut done = 0usize;
    let batch = crate::store::enqueue::CHUNK * 8;
    let mut ids = String::new();
    for part in jobs.chunks(batch) {
        let outcome = store.enqueue(part, run_at, cfg.serializer, now).await?;
        for (job, o) in part.iter().zip(outcome) {
            match o {
                Enqueued::Done => {
                    done += 1;
                    ids.push_str(&job.id);
                    ids.push('\n');
                }
                Enqueued::Blocked(s) => blocked.push((job.id.clone(), s)),
            }
        }
        bar.inc(part.len() as u64);
    }
    bar.finish_and_clear();
    use std::io::Write as _;
    std::io::stdout().lock().write_all(ids.as_bytes())?;
    eprintln!("Enqueued {done} jobs from {shown}");
    if !blocked.is_empty() {
        for (id, s) in blocked.iter().take(10) {
            eprintln!("  not enqueued: job {id} is already {s}");
        }
        if blocked.len() > 10 {
            eprintln!("  ... and {} more", blocked.len() - 10);
        }
        if !a.deduplicate {
            return Err(Reported.into());
        }
    }
    Ok(())
}
