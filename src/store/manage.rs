//! Operator changes to jobs: requeue failed jobs, purge, cancel, and ask a worker to
//! stop one. Each job changes atomically inside one script call per batch, so an
//! interrupted bulk command leaves every job whole, in exactly one state.

use chrono::Utc;
use redis::AsyncCommands;

use super::job::JobStatus;
use super::keys;
use super::payload;
use super::timestamp;
use super::{Result, Store, StoreError};

/// Why a job was not changed, or that it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Done,
    /// No such job.
    Missing,
    /// The job is not in a state this change applies to (its status, or where it is).
    Refused(String),
}

fn parse_changes(replies: Vec<String>, expected: usize, what: &str) -> Result<Vec<Change>> {
    if replies.len() != expected {
        return Err(StoreError::Protocol(format!(
            "{what} script answered {} of {expected} jobs",
            replies.len()
        )));
    }
    Ok(replies
        .into_iter()
        .map(|r| match r.as_str() {
            "ok" => Change::Done,
            "missing" | "gone" => Change::Missing,
            other => Change::Refused(match other.split_once(':') {
                Some(("not-failed", s)) => format!("it is {s}, not failed"),
                Some(("not-in-registry", q)) => {
                    format!("it is not in the failed registry of queue `{q}`")
                }
                Some(("moved", s)) => format!("it is {s} now"),
                Some(("wrong-type", what)) => {
                    format!("{what}; set it aside or fix the key with redis-cli, then retry")
                }
                Some(("not-waiting", s)) => {
                    format!("it is {s}; only queued, deferred or scheduled jobs can be canceled")
                }
                _ => other.to_owned(),
            }),
        })
        .collect())
}

impl Store {
    /// Requeues failed jobs as `rq requeue` does (at the tail, or the head).
    pub async fn requeue(&self, ids: &[String], at_front: bool) -> Result<Vec<Change>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut inv = self.scripts().requeue.prepare_invoke();
        inv.arg(timestamp::iso(Utc::now()))
            .arg(if at_front { "1" } else { "0" })
            .arg(payload::compress(b""));
        for id in ids {
            inv.arg(id);
        }
        parse_changes(
            inv.invoke_async(&mut self.conn()).await?,
            ids.len(),
            "requeue",
        )
    }

    /// Deletes jobs of `status` from `queue`: hash, entry, results, dependency keys.
    /// A job found in another state is left alone and reported.
    pub async fn purge(
        &self,
        queue: &str,
        status: JobStatus,
        ids: &[String],
    ) -> Result<Vec<Change>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut inv = self.scripts().purge.prepare_invoke();
        inv.arg(queue).arg(status.as_str());
        for id in ids {
            inv.arg(id);
        }
        parse_changes(
            inv.invoke_async(&mut self.conn()).await?,
            ids.len(),
            "purge",
        )
    }

    /// Cancels jobs that have not started, as RQ's `job.cancel()`.
    pub async fn cancel(&self, ids: &[String]) -> Result<Vec<Change>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut inv = self.scripts().cancel.prepare_invoke();
        inv.arg(timestamp::score(Utc::now()));
        for id in ids {
            inv.arg(id);
        }
        parse_changes(
            inv.invoke_async(&mut self.conn()).await?,
            ids.len(),
            "cancel",
        )
    }

    /// Asks the worker running a job to stop it, with RQ's stop-job command, so Python
    /// RQ workers obey too. Returns how many subscribers (workers) got the message.
    pub async fn send_stop_job(&self, worker: &str, id: &str) -> Result<i64> {
        let msg = serde_json::json!({"command": "stop-job", "job_id": id}).to_string();
        Ok(self.conn().publish(keys::pubsub(worker), msg).await?)
    }
}
