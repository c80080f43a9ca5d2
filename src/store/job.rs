//! The job hash `rq:job:<id>`: RQ's field names, formats and states.
//!
//! [`JobHash`] wraps the raw fields as read from Redis and parses each on demand, so a
//! malformed field is reported with its name and value instead of failing the whole
//! read; [`NewJob`] is a job about to be written, rendered to exactly the fields
//! Python RQ writes at enqueue (rq-layout §10.1).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value as Json};

use super::keys::Registry;
use super::payload::{self, Call, Decode, PayloadError, Serializer};
use super::timestamp;

/// RQ's job states (`rq.job.JobStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobStatus {
    Queued,
    Started,
    Finished,
    Failed,
    Deferred,
    Scheduled,
    Canceled,
    Stopped,
    Created,
}

impl JobStatus {
    /// The seven states an operator filters by; `stopped` jobs live in the failed
    /// registry and `created` ones in none.
    pub const LISTED: [JobStatus; 7] = [
        JobStatus::Queued,
        JobStatus::Started,
        JobStatus::Finished,
        JobStatus::Failed,
        JobStatus::Deferred,
        JobStatus::Scheduled,
        JobStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Started => "started",
            JobStatus::Finished => "finished",
            JobStatus::Failed => "failed",
            JobStatus::Deferred => "deferred",
            JobStatus::Scheduled => "scheduled",
            JobStatus::Canceled => "canceled",
            JobStatus::Stopped => "stopped",
            JobStatus::Created => "created",
        }
    }

    /// The registry that holds jobs in this state; `None` for queued (a list) and created.
    pub fn registry(self) -> Option<Registry> {
        match self {
            JobStatus::Started => Some(Registry::Started),
            JobStatus::Finished => Some(Registry::Finished),
            JobStatus::Failed | JobStatus::Stopped => Some(Registry::Failed),
            JobStatus::Deferred => Some(Registry::Deferred),
            JobStatus::Scheduled => Some(Registry::Scheduled),
            JobStatus::Canceled => Some(Registry::Canceled),
            JobStatus::Queued | JobStatus::Created => None,
        }
    }

    /// Queued or started: the states in which Frappe's `deduplicate` leaves a job alone.
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Queued | JobStatus::Started)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "queued" => JobStatus::Queued,
            "started" => JobStatus::Started,
            "finished" => JobStatus::Finished,
            "failed" => JobStatus::Failed,
            "deferred" => JobStatus::Deferred,
            "scheduled" => JobStatus::Scheduled,
            "canceled" => JobStatus::Canceled,
            "stopped" => JobStatus::Stopped,
            "created" => JobStatus::Created,
            other => return Err(format!("unknown job status `{other}`")),
        })
    }
}

/// Checks an id bench is about to write: RQ splits keys on `:`, so ids are
/// limited to `[A-Za-z0-9_-]+`.
pub fn validate_new_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("a job id cannot be empty".into());
    }
    match id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        Some(c) => Err(format!(
            "job id `{id}` contains `{c}`; ids may use only letters, digits, `_` and `-`"
        )),
        None => Ok(()),
    }
}

/// A fresh job id, as RQ makes one: a UUID4 in its hyphenated form.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A field of a job hash that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("field `{field}` {problem}")]
pub struct FieldError {
    pub field: String,
    pub problem: String,
}

impl FieldError {
    fn new(field: &str, problem: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
}

/// A job hash as read from Redis, parsed field by field when asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobHash {
    pub id: String,
    pub fields: BTreeMap<String, Vec<u8>>,
}

impl JobHash {
    pub fn new(id: impl Into<String>, fields: impl IntoIterator<Item = (String, Vec<u8>)>) -> Self {
        JobHash {
            id: id.into(),
            fields: fields.into_iter().collect(),
        }
    }

    /// The field as text, `None` when absent. Invalid UTF-8 is replaced, for display.
    pub fn text(&self, field: &str) -> Option<String> {
        self.fields
            .get(field)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The field as text, treating `""` like absence (RQ's convention for unset).
    pub fn nonempty(&self, field: &str) -> Option<String> {
        self.text(field).filter(|s| !s.is_empty())
    }

    pub fn status(&self) -> Result<JobStatus, FieldError> {
        match self.fields.get("status") {
            None => Err(FieldError::new("status", "is missing")),
            Some(raw) => std::str::from_utf8(raw)
                .map_err(|_| FieldError::new("status", "is not text"))?
                .parse()
                .map_err(|e: String| FieldError::new("status", e)),
        }
    }

    /// The queue the job belongs to; RQ's workers need it to file the job anywhere.
    pub fn origin(&self) -> Result<String, FieldError> {
        self.nonempty("origin")
            .ok_or_else(|| FieldError::new("origin", "is missing or empty"))
    }

    /// An ISO timestamp field; `Ok(None)` when unset.
    pub fn time(&self, field: &str) -> Result<Option<DateTime<Utc>>, FieldError> {
        match self.nonempty(field) {
            None => Ok(None),
            Some(s) => timestamp::parse_iso(&s).map(Some).ok_or_else(|| {
                FieldError::new(
                    field,
                    format!("is `{s}`, not an RQ timestamp like 2026-01-31T12:00:00.000000Z"),
                )
            }),
        }
    }

    /// An integer field; `Ok(None)` when unset.
    pub fn int(&self, field: &str) -> Result<Option<i64>, FieldError> {
        match self.nonempty(field) {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| FieldError::new(field, format!("is `{s}`, not a whole number"))),
        }
    }

    /// The decoded call in `data`.
    pub fn call(&self, mode: Decode) -> Result<Call, FieldError> {
        let data = self
            .fields
            .get("data")
            .ok_or_else(|| FieldError::new("data", "is missing"))?;
        payload::decode_call(data, mode)
            .map_err(|e: PayloadError| FieldError::new("data", format!("cannot be decoded: {e}")))
    }

    /// `meta`, decoded; `None` when absent or empty.
    pub fn meta(&self) -> Result<Option<Map<String, Json>>, FieldError> {
        match self.fields.get("meta") {
            None => Ok(None),
            Some(raw) if raw.is_empty() => Ok(None),
            Some(raw) => match payload::decode_value(raw, Decode::Lenient) {
                Ok((Json::Object(m), _)) => Ok(Some(m)),
                Ok(_) => Err(FieldError::new("meta", "is not a dict")),
                Err(e) => Err(FieldError::new("meta", format!("cannot be decoded: {e}"))),
            },
        }
    }

    /// A string entry of `meta` (bench keeps `event` and `job_name` there).
    pub fn meta_str(&self, key: &str) -> Option<String> {
        self.meta()
            .ok()
            .flatten()?
            .get(key)?
            .as_str()
            .map(str::to_owned)
    }

    /// `dependency_ids`, a JSON list.
    pub fn dependency_ids(&self) -> Result<Vec<String>, FieldError> {
        match self.nonempty("dependency_ids") {
            None => Ok(self.nonempty("dependency_id").into_iter().collect()),
            Some(s) => serde_json::from_str(&s).map_err(|_| {
                FieldError::new(
                    "dependency_ids",
                    format!("is `{s}`, not a JSON list of ids"),
                )
            }),
        }
    }

    /// `retry_intervals`, a JSON list of seconds.
    pub fn retry_intervals(&self) -> Result<Vec<i64>, FieldError> {
        match self.nonempty("retry_intervals") {
            None => Ok(Vec::new()),
            Some(s) => serde_json::from_str(&s).map_err(|_| {
                FieldError::new(
                    "retry_intervals",
                    format!("is `{s}`, not a JSON list of seconds"),
                )
            }),
        }
    }

    /// Checks every field a worker relies on, so a malformed job is set aside with a
    /// reason before it can hurt anything (Python RQ's worker dies on most of these).
    pub fn validate_for_run(&self) -> Result<Call, FieldError> {
        self.status()?;
        self.origin()?;
        for f in [
            "created_at",
            "enqueued_at",
            "started_at",
            "ended_at",
            "last_heartbeat",
        ] {
            self.time(f)?;
        }
        for f in [
            "timeout",
            "result_ttl",
            "failure_ttl",
            "ttl",
            "retries_left",
        ] {
            self.int(f)?;
        }
        self.dependency_ids()?;
        self.retry_intervals()?;
        let call = self.call(Decode::Lenient)?;
        if call.has_instance {
            return Err(FieldError::new(
                "data",
                "holds a bound method (an instance), which only Python RQ can run",
            ));
        }
        Ok(call)
    }
}

/// Most retries a job may have left. RQ sets no bound, but a job that fails at once
/// and retries at once would otherwise turn a stored 9223372036854775807 into a loop
/// that never ends (and a `--burst` worker that never exits).
pub const MAX_RETRIES: i64 = 10_000;

/// What RQ's `Retry` asks for after a failed run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPlan {
    /// `None` requeues at once.
    pub at: Option<DateTime<Utc>>,
    /// Retries left after this one.
    pub retries_left: i64,
    /// Whether the job goes to the head of its queue.
    pub at_front: bool,
}

/// The retry a failed run earns, if any. Intervals read from Redis are clamped to a
/// year (negative ones mean now), so no value stored there can overflow a time; a
/// `retries_left` past [`MAX_RETRIES`] is an error, so the run fails for good and says
/// why.
pub fn retry_plan(h: &JobHash, now: DateTime<Utc>) -> Result<Option<RetryPlan>, FieldError> {
    const MAX_INTERVAL: i64 = 366 * 24 * 3600;
    let Some(left) = h.int("retries_left")?.filter(|n| *n > 0) else {
        return Ok(None);
    };
    if left > MAX_RETRIES {
        return Err(FieldError::new(
            "retries_left",
            format!("is {left}, past the most a job may have ({MAX_RETRIES}); not retried"),
        ));
    }
    let intervals = h.retry_intervals().unwrap_or_default();
    // RQ aligns intervals to the end: Retry(max=3, interval=[1, 2]) waits 1, 1, 2.
    let wait = if intervals.is_empty() {
        0
    } else {
        let index = i64::try_from(intervals.len())
            .unwrap_or(i64::MAX)
            .saturating_sub(left)
            .max(0);
        let index = usize::try_from(index).unwrap_or(0).min(intervals.len() - 1);
        intervals[index].clamp(0, MAX_INTERVAL)
    };
    let at = (wait > 0)
        .then(|| now.checked_add_signed(chrono::Duration::seconds(wait)))
        .flatten();
    Ok(Some(RetryPlan {
        at,
        retries_left: left - 1,
        at_front: h.text("enqueue_at_front_on_retry").as_deref() == Some("1"),
    }))
}

/// A job to write. Times and the serializer are given at render time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewJob {
    pub id: String,
    /// Full RQ queue name (with the bench prefix, if any).
    pub queue: String,
    pub func: String,
    pub args: Vec<Json>,
    pub kwargs: Map<String, Json>,
    pub timeout: Option<i64>,
    pub result_ttl: Option<i64>,
    pub failure_ttl: Option<i64>,
    pub ttl: Option<i64>,
    pub description: Option<String>,
    pub at_front: bool,
    pub meta: Map<String, Json>,
    /// RQ's `on_failure` callback: dotted path and timeout (Frappe sets one).
    pub failure_callback: Option<(String, i64)>,
    /// Refuse this job while another of the same name is queued or started.
    pub unique_name: Option<UniqueName>,
}

/// A `job_name` no two queued or started jobs may share (the seed's, and Frappe's
/// documented, meaning of `job_name`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UniqueName {
    /// Where bench keeps the id of the last job of this name.
    pub key: String,
    /// Text a job's description holds when it carries this name (Frappe jobs: the
    /// `job_name=` keyword of their call), or empty to look at bench's index only.
    pub name_needle: String,
    /// Text the description must also hold (the site, for a Frappe job), or empty.
    pub site_needle: String,
}

impl UniqueName {
    /// The name `name` within a bench (and, for Frappe, a site).
    pub fn new(bench: Option<&str>, site: Option<&str>, name: &str) -> UniqueName {
        let arg = |k: &str, v: &str| {
            // The call string holds each keyword as RQ renders it (see payload::describe).
            let shown = payload::describe(
                "f",
                &[],
                &[(k.to_owned(), Json::String(v.to_owned()))]
                    .into_iter()
                    .collect(),
            );
            shown["f(".len()..shown.len() - 1].to_owned()
        };
        UniqueName {
            key: super::keys::job_name(bench.unwrap_or(""), site.unwrap_or(""), name),
            name_needle: site
                .map_or_else(String::new, |_| format!(", {}, ", arg("job_name", name))),
            site_needle: site.map_or_else(String::new, |s| format!(", {}, ", arg("site", s))),
        }
    }
}

/// RQ's default job timeout when neither the job nor the queue sets one.
pub const DEFAULT_TIMEOUT: i64 = 180;

impl NewJob {
    /// A job for `method` on the configured queue `queue` (unprefixed), with the
    /// configuration's defaults: the method's timeout, else the queue's; the `[jobs]`
    /// TTLs; a fresh id. `None` when the queue is not configured.
    pub fn configured(cfg: &crate::config::Config, queue: &str, method: &str) -> Option<NewJob> {
        let q = cfg.queue(queue)?;
        Some(NewJob {
            id: new_id(),
            queue: cfg.qname(queue),
            func: method.to_owned(),
            timeout: Some(
                cfg.methods
                    .get(method)
                    .and_then(|m| m.timeout)
                    .unwrap_or(q.timeout),
            ),
            result_ttl: cfg.jobs.result_ttl,
            failure_ttl: cfg.jobs.failure_ttl,
            ..NewJob::default()
        })
    }

    /// The hash fields, in RQ's order. `enqueued` is false for scheduled jobs, which
    /// RQ writes without `enqueued_at` and with status `scheduled`.
    pub fn fields(
        &self,
        ser: Serializer,
        layout: super::Layout,
        now: DateTime<Utc>,
        enqueued: bool,
    ) -> Result<Vec<(&'static str, Vec<u8>)>, PayloadError> {
        let now_s = timestamp::iso(now);
        let description = self
            .description
            .clone()
            .unwrap_or_else(|| payload::describe(&self.func, &self.args, &self.kwargs));
        let mut f: Vec<(&'static str, Vec<u8>)> = vec![
            ("created_at", now_s.clone().into_bytes()),
            (
                "data",
                payload::encode_call(&self.func, &self.args, &self.kwargs, ser)?,
            ),
            ("success_callback_name", Vec::new()),
            (
                "failure_callback_name",
                self.failure_callback
                    .as_ref()
                    .map(|(name, _)| name.clone().into_bytes())
                    .unwrap_or_default(),
            ),
            ("stopped_callback_name", Vec::new()),
            ("started_at", Vec::new()),
            ("ended_at", Vec::new()),
            ("last_heartbeat", Vec::new()),
            ("worker_name", Vec::new()),
        ];
        // RQ 2.x added job groups; RQ 1.x writes no such field.
        if layout == super::Layout::Rq2 {
            f.push(("group_id", Vec::new()));
        }
        f.push(("origin", self.queue.clone().into_bytes()));
        f.push(("description", description.into_bytes()));
        if enqueued {
            f.push(("enqueued_at", now_s.into_bytes()));
        }
        f.push((
            "timeout",
            self.timeout
                .unwrap_or(DEFAULT_TIMEOUT)
                .to_string()
                .into_bytes(),
        ));
        if let Some((_, t)) = &self.failure_callback {
            f.push(("failure_callback_timeout", t.to_string().into_bytes()));
        }
        for (name, v) in [
            ("result_ttl", self.result_ttl),
            ("failure_ttl", self.failure_ttl),
            ("ttl", self.ttl),
        ] {
            if let Some(v) = v {
                f.push((name, v.to_string().into_bytes()));
            }
        }
        f.push((
            "status",
            if enqueued { "queued" } else { "scheduled" }
                .as_bytes()
                .to_vec(),
        ));
        if !self.meta.is_empty() {
            f.push((
                "meta",
                payload::encode_value(&Json::Object(self.meta.clone()), ser)?,
            ));
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(pairs: &[(&str, &str)]) -> JobHash {
        JobHash::new(
            "j",
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())),
        )
    }

    #[test]
    fn ids_are_checked() {
        assert!(validate_new_id("my-job_1").is_ok());
        assert!(validate_new_id(&new_id()).is_ok());
        assert!(validate_new_id("a:b").unwrap_err().contains("`:`"));
        assert!(validate_new_id("").is_err());
    }

    #[test]
    fn malformed_fields_are_named() {
        let h = hash(&[("status", "weird")]);
        assert_eq!(h.status().unwrap_err().field, "status");
        let h = hash(&[("timeout", "1m")]);
        assert!(h.int("timeout").unwrap_err().to_string().contains("`1m`"));
        let h = hash(&[("created_at", "1795865354.658008")]);
        assert!(h.time("created_at").is_err());
        let h = hash(&[("started_at", "")]);
        assert_eq!(h.time("started_at"), Ok(None));
    }

    #[test]
    fn retries_follow_rq_interval_alignment() {
        let now = Utc::now();
        let plan = |h: &JobHash| retry_plan(h, now).unwrap();
        let wait = |left: &str| {
            let p = plan(&hash(&[
                ("retries_left", left),
                ("retry_intervals", "[1, 2]"),
            ]))
            .unwrap();
            ((p.at.unwrap() - now).num_seconds(), p.retries_left)
        };
        assert_eq!([wait("3"), wait("2"), wait("1")], [(1, 2), (1, 1), (2, 0)]);
        assert_eq!(plan(&hash(&[("retries_left", "0")])), None);
        assert_eq!(plan(&hash(&[("retries_left", "-5")])), None);
        assert_eq!(
            plan(&hash(&[("retries_left", "1")])),
            Some(RetryPlan {
                at: None,
                retries_left: 0,
                at_front: false
            })
        );
        // Hostile values: no panic, a time that exists, and no endless retries.
        let far = hash(&[
            ("retries_left", "3"),
            ("retry_intervals", "[9223372036854775807, -5]"),
        ]);
        assert!(plan(&far).unwrap().at.is_some_and(|t| t > now));
        let most = MAX_RETRIES.to_string();
        assert_eq!(
            plan(&hash(&[("retries_left", &most)]))
                .unwrap()
                .retries_left,
            MAX_RETRIES - 1
        );
        for endless in ["9223372036854775807", "10001"] {
            let err = retry_plan(&hash(&[("retries_left", endless)]), now).unwrap_err();
            assert!(err.to_string().contains("not retried"), "{err}");
        }
        assert!(retry_plan(&hash(&[("retries_left", "nan")]), now).is_err());
        let negative = hash(&[
            ("retries_left", "1"),
            ("retry_intervals", "[-9223372036854775808]"),
        ]);
        assert_eq!(plan(&negative).unwrap().at, None);
    }

    #[test]
    fn new_job_fields_follow_rq() {
        let job = NewJob {
            id: "x".into(),
            queue: "default".into(),
            func: "tasks.add".into(),
            args: vec![1.into(), 2.into()],
            ..Default::default()
        };
        let f = job
            .fields(
                Serializer::Json,
                super::super::Layout::Rq2,
                Utc::now(),
                true,
            )
            .unwrap();
        let names: Vec<_> = f.iter().map(|(k, _)| *k).collect();
        assert_eq!(names.first(), Some(&"created_at"));
        assert!(names.contains(&"enqueued_at"));
        let get = |k: &str| {
            f.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(get("status").as_deref(), Some("queued"));
        assert_eq!(get("timeout").as_deref(), Some("180"));
        assert_eq!(get("description").as_deref(), Some("tasks.add(1, 2)"));
        let back = JobHash::new("x", f.into_iter().map(|(k, v)| (k.to_string(), v)));
        assert_eq!(back.validate_for_run().unwrap().func, "tasks.add");
    }
}
