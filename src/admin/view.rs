//! One job as an operator sees it: decoded call, Frappe payload unwrapped, times,
//! result and traceback. Undecodable jobs become a view with `error` set, never a
//! failed command.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::store::JobHash;
use crate::store::payload::{self, Decode};
use crate::store::query::ResultEntry;

use crate::store::frappe::{
    EXECUTE_JOB as FRAPPE_EXECUTE_JOB, RUN_SCHEDULED as FRAPPE_RUN_SCHEDULED,
};

/// A job prepared for display.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub id: String,
    pub queue: Option<String>,
    pub status: String,
    pub method: Option<String>,
    pub args: Vec<Json>,
    pub kwargs: Map<String, Json>,
    pub description: Option<String>,
    pub site: Option<String>,
    pub event: Option<String>,
    pub job_name: Option<String>,
    pub created_at: Option<String>,
    pub enqueued_at: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub worker: Option<String>,
    pub timeout: Option<String>,
    /// Why part of the job could not be read, if it could not.
    pub error: Option<String>,
}

impl JobView {
    /// Builds the view; `status_hint` is the list or registry the id was found in,
    /// used when the hash's own status is missing or unknown.
    pub fn new(h: &JobHash, status_hint: Option<&str>) -> JobView {
        let mut errors = Vec::new();
        let status = match h.status() {
            Ok(s) => s.to_string(),
            Err(e) => {
                errors.push(e.to_string());
                status_hint.unwrap_or("unknown").to_owned()
            }
        };
        let mut v = JobView {
            id: h.id.clone(),
            queue: h.nonempty("origin"),
            status,
            method: None,
            args: Vec::new(),
            kwargs: Map::new(),
            description: h.nonempty("description"),
            site: None,
            event: h.meta_str("event"),
            job_name: h.meta_str("job_name"),
            created_at: h.nonempty("created_at"),
            enqueued_at: h.nonempty("enqueued_at"),
            started_at: h.nonempty("started_at"),
            ended_at: h.nonempty("ended_at"),
            worker: h.nonempty("worker_name"),
            timeout: h.nonempty("timeout"),
            error: None,
        };
        match h.call(Decode::Lenient) {
            Ok(call) => {
                if call.lossy {
                    errors.push(
                        "some pickled arguments are Python objects bench shows as null".into(),
                    );
                }
                v.method = Some(call.func.clone());
                v.args = call.args;
                v.kwargs = call.kwargs;
                v.unwrap_frappe();
            }
            Err(e) => errors.push(e.to_string()),
        }
        if !errors.is_empty() {
            v.error = Some(errors.join("; "));
        }
        v
    }

    /// Frappe wraps every call in `execute_job(site, method, event, job_name, kwargs)`;
    /// show the method it runs, as Frappe's RQ Job view does.
    fn unwrap_frappe(&mut self) {
        if self.method.as_deref() != Some(FRAPPE_EXECUTE_JOB) {
            return;
        }
        let take =
            |k: &str, m: &Map<String, Json>| m.get(k).and_then(Json::as_str).map(str::to_owned);
        let outer = std::mem::take(&mut self.kwargs);
        self.site = take("site", &outer);
        self.event = take("event", &outer).or(self.event.take());
        self.method = take("method", &outer).or(Some(FRAPPE_EXECUTE_JOB.into()));
        self.kwargs = outer
            .get("kwargs")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        self.job_name = take("job_name", &outer);
        if self.method.as_deref() == Some(FRAPPE_RUN_SCHEDULED)
            && let Some(job_type) = take("job_type", &self.kwargs)
        {
            self.job_name = Some(job_type);
        }
    }

    /// The time a job's age is counted from: its end, else its enqueue, else its creation.
    pub fn reference_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        [&self.ended_at, &self.enqueued_at, &self.created_at]
            .into_iter()
            .find_map(|t| t.as_deref().and_then(crate::store::timestamp::parse_iso))
    }

    /// The method to show: the Frappe job name when it differs, else the method.
    pub fn method_shown(&self) -> String {
        match (&self.method, &self.job_name) {
            (Some(m), Some(n)) if n != m && !n.is_empty() => format!("{n} ({m})"),
            (Some(m), _) => m.clone(),
            (None, _) => "(undecodable)".into(),
        }
    }
}

/// A result entry prepared for display.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub kind: String,
    pub created_at_ms: u64,
    pub worker: String,
    pub return_value: Option<Json>,
    pub traceback: Option<String>,
    pub execution_id: Option<String>,
    pub duration_s: Option<f64>,
}

impl From<&ResultEntry> for ResultView {
    fn from(r: &ResultEntry) -> Self {
        ResultView {
            kind: r.kind_name().to_owned(),
            created_at_ms: r.created_ms,
            worker: r.worker_name.clone(),
            return_value: r.return_value.as_ref().map(|b| {
                match payload::decode_value(b, Decode::Lenient) {
                    Ok((v, _)) => v,
                    Err(e) => Json::String(format!("(undecodable: {e})")),
                }
            }),
            traceback: r.exc_string.clone(),
            execution_id: r.execution_id.clone(),
            duration_s: r
                .started_at
                .zip(r.ended_at)
                .map(|(s, e)| ((e - s) * 1e6).round() / 1e6),
        }
    }
}

/// Every raw field of the hash as text, with binary fields decoded for reading.
pub fn raw_fields(h: &JobHash) -> BTreeMap<String, String> {
    h.fields
        .iter()
        .map(|(k, v)| {
            let shown = match k.as_str() {
                "data" => match payload::decode_call(v, Decode::Lenient) {
                    Ok(c) => format!(
                        "{} ({} bytes)",
                        payload::describe(&c.func, &c.args, &c.kwargs),
                        v.len()
                    ),
                    Err(e) => format!("(undecodable, {} bytes: {e})", v.len()),
                },
                "meta" | "exc_info" => {
                    match payload::decode_value(&payload::decompress_lenient(v), Decode::Lenient) {
                        Ok((j, _)) => j.to_string(),
                        Err(_) => {
                            String::from_utf8_lossy(&payload::decompress_lenient(v)).into_owned()
                        }
                    }
                }
                _ => String::from_utf8_lossy(v).into_owned(),
            };
            (k.clone(), shown)
        })
        .collect()
}
