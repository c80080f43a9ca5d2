//! Frappe's job shape on top of RQ's layout: every call goes through
//! `execute_job(site, user, method, event, job_name, is_async, kwargs)`, ids are
//! namespaced by site, and the failure callback trims the failed registry. Written
//! exactly as `frappe.enqueue` writes it, so Frappe's Desk and workers cannot tell a
//! job bench enqueued from one Frappe did.

use serde_json::{Map, Value as Json};

use super::Layout;
use super::job::{NewJob, new_id};
use crate::config::Config;

/// The function Frappe enqueues for every job; the real method is in its kwargs.
pub const EXECUTE_JOB: &str = "frappe.utils.background_jobs.execute_job";
/// The function Frappe's scheduler enqueues; the scheduled method is `job_type`.
pub const RUN_SCHEDULED: &str =
    "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job";
/// The `on_failure` callback `frappe.enqueue` gives every job.
pub const TRUNCATE_FAILED: &str = "frappe.utils.background_jobs.truncate_failed_registry";
/// RQ's default callback timeout, which Frappe's callback keeps.
pub const CALLBACK_TIMEOUT: i64 = 60;
/// Frappe's `RQ_RESULTS_TTL` and `RQ_JOB_FAILURE_TTL`.
pub const RESULTS_TTL: i64 = 600;
pub const FAILURE_TTL: i64 = 7 * 24 * 3600;

/// One call as `frappe.enqueue(method, queue, timeout, event, job_name, job_id, **kwargs)`
/// receives it.
#[derive(Debug, Clone, Default)]
pub struct FrappeCall {
    pub site: String,
    pub user: String,
    pub method: String,
    pub event: Option<String>,
    pub job_name: Option<String>,
    pub kwargs: Map<String, Json>,
    /// Frappe's `job_id`, before the site prefix; a fresh UUID when absent.
    pub job_id: Option<String>,
    pub timeout: Option<i64>,
}

/// The full RQ id of a Frappe job: Frappe 15 (RQ 1.x) writes `<site>::<id>`; later
/// Frappe, on RQ 2.x which forbids `:` in ids, writes `<site>||<id>`.
pub fn job_id(layout: Layout, site: &str, id: &str) -> String {
    match layout {
        Layout::Rq1 => format!("{site}::{id}"),
        Layout::Rq2 => format!("{site}||{}", id.replace(':', "|")),
    }
}

/// The site a Frappe job id belongs to, if it is one.
pub fn site_of(id: &str) -> Option<&str> {
    id.split_once("::")
        .or_else(|| id.split_once("||"))
        .map(|(site, _)| site)
        .filter(|s| !s.is_empty())
}

impl NewJob {
    /// The job `frappe.enqueue` would write for `call` on `queue` (unprefixed), with
    /// the site's configuration `site_conf` (`rq_results_ttl`, `rq_job_failure_ttl`).
    /// `None` when the queue is not configured.
    pub fn frappe(
        cfg: &Config,
        layout: Layout,
        queue: &str,
        call: FrappeCall,
        site_conf: &Map<String, Json>,
    ) -> Option<NewJob> {
        let q = cfg.queue(queue)?;
        let ttl = |key: &str, default: i64| {
            site_conf
                .get(key)
                .and_then(Json::as_i64)
                .filter(|t| *t != 0)
                .unwrap_or(default)
        };
        let id = job_id(layout, &call.site, &call.job_id.unwrap_or_else(new_id));
        let mut kwargs = Map::new();
        kwargs.insert("site".into(), call.site.into());
        kwargs.insert("user".into(), call.user.into());
        kwargs.insert("method".into(), call.method.clone().into());
        kwargs.insert("event".into(), call.event.map_or(Json::Null, Json::String));
        kwargs.insert(
            "job_name".into(),
            call.job_name.unwrap_or(call.method).into(),
        );
        kwargs.insert("is_async".into(), true.into());
        kwargs.insert("kwargs".into(), Json::Object(call.kwargs));
        Some(NewJob {
            id,
            queue: cfg.qname(queue),
            func: EXECUTE_JOB.into(),
            kwargs,
            timeout: Some(call.timeout.unwrap_or(q.timeout)),
            result_ttl: Some(ttl("rq_results_ttl", RESULTS_TTL)),
            failure_ttl: Some(ttl("rq_job_failure_ttl", FAILURE_TTL)),
            failure_callback: Some((TRUNCATE_FAILED.into(), CALLBACK_TIMEOUT)),
            ..NewJob::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_frappe_of_each_rq() {
        assert_eq!(job_id(Layout::Rq1, "s.local", "abc"), "s.local::abc");
        assert_eq!(
            job_id(Layout::Rq2, "s.local", "scheduled_job::x"),
            "s.local||scheduled_job||x"
        );
        assert_eq!(site_of("s.local::abc"), Some("s.local"));
        assert_eq!(site_of("s.local||abc"), Some("s.local"));
        assert_eq!(site_of("plain-id"), None);
        assert_eq!(site_of("::x"), None);
    }
}
