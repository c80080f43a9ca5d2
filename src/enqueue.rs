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
use crate::store::frappe::FrappeCall;
use crate::store::job::{self, NewJob, UniqueName};
use crate::store::{Enqueued, JobStatus, Layout, Store};
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

    /// Name the job (Frappe's `job_name`): while a job of this name is queued or
    /// running, the new one is not enqueued and the existing job's id is printed
    #[arg(long, value_name = "NAME")]
    pub job_name: Option<String>,

    /// Frappe user the job runs as (Frappe mode) [default: Administrator, as Frappe's
    /// scheduler and command line]
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// Print one JSON object per job: its id and whether it was enqueued
    #[arg(long)]
    pub json: bool,

    /// Enqueue many jobs from JSON lines (`-` for stdin), one object per line with
    /// `method` and optionally `kwargs`, `args`, `queue`, `job_id`, `timeout`, `at_front`,
    /// `result_ttl`, `failure_ttl`, `description`, `site`, `user`, `event`, `job_name`;
    /// flags give the defaults
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "job_id", "kwargs", "args"])]
    pub from_file: Option<PathBuf>,
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
    site: Option<String>,
    user: Option<String>,
    event: Option<String>,
    job_name: Option<String>,
}

/// One job's inputs, from the flags or a `--from-file` line over them.
#[derive(Debug, Clone, Default)]
struct Input {
    method: String,
    args: Vec<Json>,
    kwargs: Map<String, Json>,
    job_id: Option<String>,
    queue: String,
    timeout: Option<i64>,
    at_front: bool,
    result_ttl: Option<i64>,
    failure_ttl: Option<i64>,
    description: Option<String>,
    site: Option<String>,
    user: Option<String>,
    event: Option<String>,
    job_name: Option<String>,
}

impl Input {
    /// The flags' values, as defaults for every job.
    fn from_flags(a: &EnqueueArgs, site: Option<&str>) -> Input {
        Input {
            method: a.method.clone().unwrap_or_default(),
            job_id: a.job_id.clone(),
            queue: a.queue.clone(),
            timeout: a.timeout,
            at_front: a.at_front,
            result_ttl: a.result_ttl,
            failure_ttl: a.failure_ttl,
            description: a.description.clone(),
            site: site.map(str::to_owned),
            user: a.user.clone(),
            event: a.event.clone(),
            job_name: a.job_name.clone(),
            ..Input::default()
        }
    }
}

/// Runs `bench enqueue`; `site` is the global `--site`.
pub async fn run(
    cfg: &Config,
    store: &Store,
    args: &EnqueueArgs,
    site: Option<&str>,
) -> Result<()> {
    match &args.from_file {
        Some(path) => from_file(cfg, store, args, site, path).await,
        None => single(cfg, store, args, site).await,
    }
}

/// Checks the flags of a single `bench enqueue` and builds its job, without Redis
/// (also what `--now` runs).
///
/// # Errors
/// A usage error naming the bad flag.
pub fn prepare(
    cfg: &Config,
    a: &EnqueueArgs,
    site: Option<&str>,
    layout: Layout,
) -> Result<NewJob> {
    if a.deduplicate && a.job_id.is_none() {
        return Err(usage!(
            "--deduplicate needs --job-id: a job can only be recognised again by its id"
        )
        .into());
    }
    let mut input = Input::from_flags(a, site);
    input.kwargs = match &a.kwargs {
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
    input.args = match &a.args {
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
    build(cfg, layout, input).map_err(anyhow::Error::new)
}

/// The queues where a job of the same unique name may wait or run: all of this bench's.
fn named_in(cfg: &Config) -> Vec<String> {
    cfg.queues.iter().map(|q| cfg.qname(&q.name)).collect()
}

async fn single(cfg: &Config, store: &Store, a: &EnqueueArgs, site: Option<&str>) -> Result<()> {
    let job = prepare(cfg, a, site, store.layout())?;
    let run_at = run_at(cfg, a)?;
    let outcome = store
        .enqueue(
            std::slice::from_ref(&job),
            run_at,
            cfg.serializer,
            Utc::now(),
            &named_in(cfg),
        )
        .await?;
    let name = job
        .unique_name
        .as_ref()
        .map(|_| a.job_name.clone().unwrap_or_default());
    match &outcome[0] {
        Enqueued::Done => report(a.json, &job.id, None)?,
        Enqueued::Named { id, status } => {
            eprintln!(
                "a job named `{}` is already {status} (job {id}); not enqueued again",
                name.unwrap_or_default()
            );
            report(a.json, id, Some(("named", *status)))?;
        }
        Enqueued::Blocked(status) if a.deduplicate => {
            eprintln!("job {} is already {status}; not enqueued again", job.id);
            report(a.json, &job.id, Some(("id", *status)))?;
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

/// Prints a job id, or with `--json` the id and whether (and why not) it was enqueued.
fn report(json: bool, id: &str, not: Option<(&str, JobStatus)>) -> std::io::Result<()> {
    if !json {
        return output::line(id);
    }
    let v = match not {
        None => serde_json::json!({"id": id, "enqueued": true}),
        Some((by, status)) => serde_json::json!({
            "id": id,
            "enqueued": false,
            "reason": if by == "named" { "a job of the same job_name is queued or running" } else { "a job with this id is queued or running" },
            "status": status.as_str(),
        }),
    };
    output::line(v.to_string())
}

/// The run-at time of `--at` or `--in`, if given.
fn run_at(cfg: &Config, a: &EnqueueArgs) -> Result<Option<chrono::DateTime<Utc>>, UsageError> {
    if let Some(at) = &a.at {
        return crate::when::parse_time(at, cfg.scheduler.timezone).map(Some);
    }
    let Some(delay) = &a.r#in else {
        return Ok(None);
    };
    let d = crate::when::parse_delay(delay).map_err(|e| usage!("--in {}", e.0))?;
    crate::when::shift(Utc::now(), d, false)
        .map(Some)
        .map_err(|e| usage!("--in {}", e.0))
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
fn build(cfg: &Config, layout: Layout, i: Input) -> Result<NewJob, UsageError> {
    let method = &i.method;
    if method.split('.').count() < 2
        || method
            .split('.')
            .any(|p| p.is_empty() || p.contains(char::is_whitespace))
    {
        return Err(usage!(
            "`{method}` is not a dotted method path like `my_app.tasks.send_mail`"
        ));
    }
    if let Some(id) = &i.job_id {
        job::validate_new_id(id).map_err(UsageError)?;
    }
    if let Some(t) = i.timeout.filter(|t| *t < 1) {
        return Err(usage!("timeout {t} is not allowed; give at least 1 second"));
    }
    let unknown_queue = || {
        usage!(
            "unknown queue `{}`; configured queues: {} (add more under [queues] in {})",
            i.queue,
            cfg.queue_names().join(", "),
            cfg.source_shown()
        )
    };
    let frappe = cfg.frappe_mode() && cfg.runs_as_python(method);
    if !cfg.frappe_mode() && i.site.is_some() {
        return Err(usage!(
            "--site names a Frappe site, but jobs are plain RQ jobs until [frappe] sites_path is set in {}",
            cfg.source_shown()
        ));
    }
    let mut job = if frappe {
        let site = cfg
            .frappe
            .check_site(i.site.as_deref())
            .map_err(UsageError)?;
        let conf = cfg.frappe.site_conf(&site).map_err(|e| usage!("{e}"))?;
        if !i.args.is_empty() {
            return Err(usage!(
                "Frappe jobs take keyword arguments only (execute_job calls {method}(**kwargs)); pass them with --kwargs"
            ));
        }
        let call = FrappeCall {
            site: site.clone(),
            user: i.user.clone().unwrap_or_else(|| "Administrator".into()),
            method: method.clone(),
            event: i.event.clone(),
            job_name: i.job_name.clone(),
            kwargs: i.kwargs,
            job_id: i.job_id,
            timeout: i.timeout,
        };
        let mut job =
            NewJob::frappe(cfg, layout, &i.queue, call, &conf).ok_or_else(unknown_queue)?;
        job.unique_name = i
            .job_name
            .as_deref()
            .map(|n| UniqueName::new(cfg.bench_id.as_deref(), Some(&site), n));
        job
    } else {
        let mut job = NewJob::configured(cfg, &i.queue, method).ok_or_else(unknown_queue)?;
        if let Some(id) = i.job_id {
            job.id = id;
        }
        job.timeout = i.timeout.or(job.timeout);
        job.args = i.args;
        job.kwargs = i.kwargs;
        // bench keeps `event` and `job_name` in `meta`, where Python RQ (`job.meta`) and
        // `jobs list --event` find them.
        if let Some(e) = i.event {
            job.meta.insert("event".into(), e.into());
        }
        if let Some(n) = &i.job_name {
            job.meta.insert("job_name".into(), n.clone().into());
            job.unique_name = Some(UniqueName::new(cfg.bench_id.as_deref(), None, n));
        }
        job
    };
    job.result_ttl = i.result_ttl.or(job.result_ttl);
    job.failure_ttl = i.failure_ttl.or(job.failure_ttl);
    job.description = i.description;
    job.at_front = i.at_front;
    Ok(job)
}

/// Longest line `--from-file` reads: a job's JSON is a few KiB, and an unbounded line
/// (a binary file, a file with no newlines) would be read whole into memory.
const MAX_LINE: u64 = 16 * 1024 * 1024;

async fn from_file(
    cfg: &Config,
    store: &Store,
    a: &EnqueueArgs,
    site: Option<&str>,
    path: &PathBuf,
) -> Result<()> {
    let shown = if path.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let jobs = read_jobs(cfg, store.layout(), a, site, path, &shown)?;
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
    let scan = named_in(cfg);
    let mut outcome = FileOutcome::default();
    for part in jobs.chunks(crate::store::enqueue::CHUNK * 8) {
        let got = store
            .enqueue(part, run_at, cfg.serializer, now, &scan)
            .await?;
        for (job, o) in part.iter().zip(got) {
            outcome.record(job, o);
        }
        bar.inc(part.len() as u64);
    }
    bar.finish_and_clear();
    outcome.report(&shown, a.deduplicate)
}

/// Every job of a `--from-file` input, each line checked and built before any is
/// written, so a bad line leaves Redis untouched.
fn read_jobs(
    cfg: &Config,
    layout: Layout,
    a: &EnqueueArgs,
    site: Option<&str>,
    path: &PathBuf,
    shown: &str,
) -> Result<Vec<NewJob>> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )
    };
    let mut reader = BufReader::new(reader);
    let mut jobs = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let mut buf = Vec::new();
    for lineno in 1usize.. {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read {shown} at line {lineno}"))?;
        if read == 0 {
            break;
        }
        let bad = |msg: String| usage!("{shown}:{lineno}: {msg}; nothing was enqueued");
        if buf.len() as u64 > MAX_LINE {
            return Err(bad(format!(
                "the line is longer than {} MiB; put one job's JSON per line",
                MAX_LINE >> 20
            ))
            .into());
        }
        let text = std::str::from_utf8(&buf).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        if text.trim().is_empty() {
            continue;
        }
        let job = line_job(cfg, layout, a, site, text).map_err(|e| bad(e.0))?;
        if let Some(first) = seen.insert(job.id.clone(), lineno) {
            return Err(bad(format!("job id `{}` also appears on line {first}", job.id)).into());
        }
        jobs.push(job);
    }
    Ok(jobs)
}

/// One line's job: its JSON fields, and the command's flags for what it leaves out.
fn line_job(
    cfg: &Config,
    layout: Layout,
    a: &EnqueueArgs,
    site: Option<&str>,
    text: &str,
) -> Result<NewJob, UsageError> {
    let line: Line = serde_json::from_str(text).map_err(|e| UsageError(e.to_string()))?;
    if let Some(t) = line
        .result_ttl
        .into_iter()
        .chain(line.failure_ttl)
        .find(|t| *t < -1)
    {
        return Err(UsageError(format!(
            "ttl {t} is not allowed; use seconds, 0, or -1 for forever"
        )));
    }
    let defaults = Input::from_flags(a, site);
    let input = Input {
        method: line.method,
        args: line.args.unwrap_or_default(),
        kwargs: line.kwargs.unwrap_or_default(),
        job_id: line.job_id,
        queue: line.queue.unwrap_or(defaults.queue),
        timeout: line.timeout.or(defaults.timeout),
        at_front: line.at_front.unwrap_or(defaults.at_front),
        result_ttl: line.result_ttl.or(defaults.result_ttl),
        failure_ttl: line.failure_ttl.or(defaults.failure_ttl),
        description: line.description.or(defaults.description),
        site: line.site.or(defaults.site),
        user: line.user.or(defaults.user),
        event: line.event.or(defaults.event),
        job_name: line.job_name.or(defaults.job_name),
    };
    build(cfg, layout, input)
}

/// Names at most ten refused jobs on stderr, so that a file of thousands stays readable,
/// and counts the rest.
fn first_ten<T>(refused: &[T], rest: &str, say: impl Fn(&T) -> String) {
    for r in refused.iter().take(10) {
        eprintln!("  not enqueued: {}", say(r));
    }
    if let Some(more) = refused.len().checked_sub(10).filter(|n| *n > 0) {
        eprintln!("  ... and {more} more {rest}");
    }
}

/// What became of a file's jobs, gathered while they are written and told at the end.
#[derive(Default)]
struct FileOutcome {
    done: usize,
    /// The ids written, one per line, for stdout.
    ids: String,
    blocked: Vec<(String, JobStatus)>,
    named: Vec<(String, String, JobStatus)>,
}

impl FileOutcome {
    fn record(&mut self, job: &NewJob, o: Enqueued) {
        match o {
            Enqueued::Done => {
                self.done += 1;
                self.ids.push_str(&job.id);
                self.ids.push('\n');
            }
            Enqueued::Blocked(s) => self.blocked.push((job.id.clone(), s)),
            Enqueued::Named { id, status } => self.named.push((job.id.clone(), id, status)),
        }
    }

    /// Prints the ids written and a summary; a job refused because its id is active
    /// fails the command unless `--deduplicate` asked for exactly that.
    fn report(&self, shown: &str, deduplicate: bool) -> Result<()> {
        use std::io::Write as _;
        std::io::stdout().lock().write_all(self.ids.as_bytes())?;
        eprintln!("Enqueued {} from {shown}", output::count(self.done, "job"));
        first_ten(
            &self.named,
            "of a job_name already in use",
            |(mine, theirs, s)| {
                format!("job {mine}, because job {theirs} of the same job_name is {s}")
            },
        );
        if self.blocked.is_empty() {
            return Ok(());
        }
        first_ten(&self.blocked, "already queued or running", |(id, s)| {
            format!("job {id} is already {s}")
        });
        if deduplicate {
            Ok(())
        } else {
            Err(Reported.into())
        }
    }
}
