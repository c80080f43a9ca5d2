//! Writing new jobs: one script call per batch, so one round trip per enqueue and a
//! few per thousand jobs in bulk.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};

use super::job::{JobStatus, NewJob};
use super::payload::Serializer;
use super::timestamp;
use super::{Result, Store, StoreError};

/// Jobs per script call: large enough to amortize the round trip, small enough that
/// one call keeps Redis busy for only a few milliseconds.
pub const CHUNK: usize = 500;
/// Script calls in flight at once on the multiplexed connection during a bulk load.
const PIPELINE_DEPTH: usize = 4;

/// What became of one job handed to [`Store::enqueue`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// Written and queued (or scheduled).
    Done,
    /// Not written: a job with that id is already queued or started.
    Blocked(JobStatus),
    /// Not written: the job `id` of the same unique name is queued or started.
    Named { id: String, status: JobStatus },
}

impl Store {
    /// Enqueues `jobs` (each atomically, a chunk per script call) and reports the fate
    /// of each, in order. A job with `run_at` goes to the scheduled registry instead.
    ///
    /// # Errors
    /// Redis failures; a chunk that failed was not written at all.
    /// `named_in` are the queues looked through for an active job holding the unique
    /// name of a job that has one.
    pub async fn enqueue(
        &self,
        jobs: &[NewJob],
        run_at: Option<DateTime<Utc>>,
        ser: Serializer,
        now: DateTime<Utc>,
        named_in: &[String],
    ) -> Result<Vec<Enqueued>> {
        // Up to PIPELINE_DEPTH calls in flight keep Redis busy while the next chunk is
        // encoded; `buffered` keeps the results in order.
        let parts: Vec<Vec<Enqueued>> = stream::iter(jobs.chunks(CHUNK))
            .map(|chunk| self.enqueue_chunk(chunk, run_at, ser, now, named_in))
            .buffered(PIPELINE_DEPTH)
            .try_collect()
            .await?;
        Ok(parts.into_iter().flatten().collect())
    }

    async fn enqueue_chunk(
        &self,
        jobs: &[NewJob],
        run_at: Option<DateTime<Utc>>,
        ser: Serializer,
        now: DateTime<Utc>,
        named_in: &[String],
    ) -> Result<Vec<Enqueued>> {
        let mut inv = self.scripts().enqueue.prepare_invoke();
        inv.arg(jobs.len());
        let named = jobs.iter().any(|j| j.unique_name.is_some());
        inv.arg(if named { named_in.len() } else { 0 });
        if named {
            for q in named_in {
                inv.arg(q);
            }
        }
        let run_at = run_at
            .map(|t| timestamp::score(t).to_string())
            .unwrap_or_default();
        for job in jobs {
            let fields = job.fields(ser, self.layout(), now, run_at.is_empty())?;
            inv.arg(&job.id)
                .arg(&job.queue)
                .arg(if job.at_front { "1" } else { "0" })
                .arg(&run_at)
                .arg(job.ttl.map(|t| t.to_string()).unwrap_or_default());
            match &job.unique_name {
                Some(u) => inv.arg(&u.key).arg(&u.name_needle).arg(&u.site_needle),
                None => inv.arg("").arg("").arg(""),
            };
            inv.arg(fields.len());
            for (k, v) in fields {
                inv.arg(k).arg(v);
            }
        }
        let replies: Vec<String> = inv.invoke_async(&mut self.acked_conn()).await?;
        if replies.len() != jobs.len() {
            return Err(StoreError::Protocol(format!(
                "enqueue script answered {} results for {} jobs",
                replies.len(),
                jobs.len()
            )));
        }
        replies
            .into_iter()
            .map(|r| match r.as_str() {
                "ok" => Ok(Enqueued::Done),
                named if named.starts_with("named:") => {
                    let (status, id) = named["named:".len()..]
                        .split_once(':')
                        .ok_or_else(|| StoreError::Protocol(format!("enqueue script: {named}")))?;
                    Ok(Enqueued::Named {
                        id: id.to_owned(),
                        status: status.parse().map_err(StoreError::Protocol)?,
                    })
                }
                status => status
                    .parse()
                    .map(Enqueued::Blocked)
                    .map_err(StoreError::Protocol),
            })
            .collect()
    }
}
