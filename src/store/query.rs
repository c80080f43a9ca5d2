//! Reading RQ data back: queues, registry members, job hashes and results.
//! Every read is paged or pipelined so that 100,000 jobs cost a few round trips.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use redis::AsyncCommands;
use redis::streams::StreamRangeReply;

use super::job::{JobHash, JobStatus};
use super::keys;
use super::payload;
use super::timestamp;
use super::{Result, Store};

/// Hashes fetched per pipeline.
const FETCH_BATCH: usize = 500;

/// One entry of `rq:results:<id>` (rq-layout §7).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultEntry {
    /// Milliseconds part of the stream id: when the result was written.
    pub created_ms: u64,
    /// 1 successful, 2 failed, 3 stopped, 4 retried, 5 retries exhausted.
    pub kind: u8,
    pub worker_name: String,
    /// Serialized return value (base64 already removed).
    pub return_value: Option<Vec<u8>>,
    /// Traceback text (base64 and zlib already removed).
    pub exc_string: Option<String>,
    pub execution_id: Option<String>,
    pub started_at: Option<f64>,
    pub ended_at: Option<f64>,
}

impl ResultEntry {
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            1 => "successful",
            2 => "failed",
            3 => "stopped",
            4 => "retried",
            5 => "retries exhausted",
            _ => "unknown",
        }
    }
}

impl Store {
    /// How many replicas are connected to the server bench writes to (ROLE's third
    /// element on a master; 0 on anything else).
    ///
    /// # Errors
    /// Redis failures.
    pub async fn replicas(&self) -> Result<usize> {
        let role: Vec<redis::Value> = redis::cmd("ROLE").query_async(&mut self.conn()).await?;
        Ok(match (role.first(), role.get(2)) {
            (Some(redis::Value::BulkString(r)), Some(redis::Value::Array(list)))
                if r == b"master" =>
            {
                list.len()
            }
            _ => 0,
        })
    }

    /// Queue names from `rq:queues`, sorted; members that are not `rq:queue:*` keys
    /// are skipped (they crash `rq info`, they must not crash bench).
    pub async fn queue_names(&self) -> Result<Vec<String>> {
        let members: Vec<String> = self.conn().smembers(keys::QUEUES).await?;
        let mut names: Vec<String> = members
            .iter()
            .filter_map(|m| keys::queue_name(m))
            .map(str::to_owned)
            .collect();
        names.sort();
        Ok(names)
    }

    /// How many jobs `queue` holds in `status`.
    pub async fn count(&self, queue: &str, status: JobStatus) -> Result<u64> {
        let mut c = self.conn();
        Ok(match status.registry() {
            None if status == JobStatus::Queued => c.llen(keys::queue(queue)).await?,
            None => 0,
            Some(reg) => c.zcard(keys::registry(reg, queue)).await?,
        })
    }

    /// Up to `count` job ids of `queue` in `status`, from position `start`, in queue
    /// order (oldest first for registries, front first for the queue).
    pub async fn ids(
        &self,
        queue: &str,
        status: JobStatus,
        start: u64,
        count: u64,
    ) -> Result<Vec<String>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let (start, stop) = (start as isize, (start + count - 1) as isize);
        let mut c = self.conn();
        let ids: Vec<String> = match status.registry() {
            None if status == JobStatus::Queued => {
                c.lrange(keys::queue(queue), start, stop).await?
            }
            None => Vec::new(),
            Some(reg) => c.zrange(keys::registry(reg, queue), start, stop).await?,
        };
        Ok(if status == JobStatus::Started {
            ids.into_iter().map(strip_execution).collect()
        } else {
            ids
        })
    }

    /// One ZSCAN step over the registry of `queue` for `status`: the next cursor (0 at
    /// the end) and the ids seen. Unlike index paging it stays correct while members
    /// are removed, at the price of possibly repeating an id.
    pub async fn scan_registry(
        &self,
        queue: &str,
        status: JobStatus,
        cursor: u64,
        count: u64,
    ) -> Result<(u64, Vec<String>)> {
        let Some(reg) = status.registry() else {
            return Ok((0, Vec::new()));
        };
        let (next, flat): (u64, Vec<String>) = redis::cmd("ZSCAN")
            .arg(keys::registry(reg, queue))
            .arg(cursor)
            .arg("COUNT")
            .arg(count)
            .query_async(&mut self.conn())
            .await?;
        // ZSCAN answers member, score, member, score...
        let ids = flat.into_iter().step_by(2);
        Ok((
            next,
            if status == JobStatus::Started {
                ids.map(strip_execution).collect()
            } else {
                ids.collect()
            },
        ))
    }

    /// Counts of every queue in `queues` for every state, in one round trip.
    pub async fn counts(&self, queues: &[String]) -> Result<Vec<(String, JobStatus, u64)>> {
        let mut p = redis::pipe();
        let mut order = Vec::new();
        for q in queues {
            for s in JobStatus::LISTED {
                match s.registry() {
                    Some(reg) => p.zcard(keys::registry(reg, q)),
                    None => p.llen(keys::queue(q)),
                };
                order.push((q.clone(), s));
            }
        }
        if order.is_empty() {
            return Ok(Vec::new());
        }
        let n: Vec<u64> = p.query_async(&mut self.conn()).await?;
        Ok(order
            .into_iter()
            .zip(n)
            .map(|((q, s), n)| (q, s, n))
            .collect())
    }

    /// Every registered worker (`rq:workers`) with its hash; `None` where the hash is
    /// gone (the worker died without deregistering).
    pub async fn workers(
        &self,
    ) -> Result<Vec<(String, Option<std::collections::HashMap<String, String>>)>> {
        let mut c = self.conn();
        let mut members: Vec<String> = c.smembers(keys::WORKERS).await?;
        members.sort();
        let mut p = redis::pipe();
        for m in &members {
            p.hgetall(m);
        }
        let hashes: Vec<std::collections::HashMap<String, String>> = if members.is_empty() {
            Vec::new()
        } else {
            p.query_async(&mut c).await?
        };
        Ok(members
            .into_iter()
            .zip(hashes)
            .map(|(m, h)| {
                (
                    keys::worker_name(&m).unwrap_or(&m).to_owned(),
                    (!h.is_empty()).then_some(h),
                )
            })
            .collect())
    }

    /// Job ends per queue as bench workers recorded them: since counting began, and
    /// over the last minute (the oldest 10-second bucket weighted by how much of it
    /// lies inside the minute). One round trip.
    pub async fn throughput(&self, queues: &[String]) -> Result<Vec<Throughput>> {
        if queues.is_empty() {
            return Ok(Vec::new());
        }
        let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        let size = keys::STATS_BUCKET as f64;
        let current = (now / size).floor() as i64;
        let span = (60 / keys::STATS_BUCKET) as usize;
        let mut p = redis::pipe();
        for q in queues {
            p.cmd("HMGET")
                .arg(keys::stats(q))
                .arg("finished")
                .arg("failed");
            for b in (current - span as i64)..=current {
                p.cmd("HMGET")
                    .arg(keys::stats_bucket(q, b))
                    .arg("finished")
                    .arg("failed");
            }
        }
        // A counter someone overwrote with another type reads as nothing counted.
        let rows: Vec<redis::Value> = p.query_async(&mut self.conn()).await?;
        let num = |v: &redis::Value| -> (f64, f64) {
            let pair: (Option<String>, Option<String>) =
                redis::from_redis_value(v.clone()).unwrap_or((None, None));
            let f = |s: Option<String>| {
                s.and_then(|s| s.parse::<f64>().ok())
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .unwrap_or(0.0)
            };
            (f(pair.0), f(pair.1))
        };
        // The oldest bucket started `span` buckets before the current one; only the part
        // of it after `now - 60` counts.
        let oldest_weight = ((current as f64 + 1.0) * size - now) / size;
        Ok(queues
            .iter()
            .zip(rows.chunks(span + 2))
            .map(|(q, chunk)| {
                let (finished_total, failed_total) = num(&chunk[0]);
                let (mut finished, mut failed) = (0.0, 0.0);
                for (i, v) in chunk[1..].iter().enumerate() {
                    let w = if i == 0 {
                        oldest_weight.clamp(0.0, 1.0)
                    } else {
                        1.0
                    };
                    let (a, b) = num(v);
                    finished += a * w;
                    failed += b * w;
                }
                Throughput {
                    queue: q.clone(),
                    finished_total: finished_total as u64,
                    failed_total: failed_total as u64,
                    finished_last_minute: finished.round() as u64,
                    failed_last_minute: failed.round() as u64,
                }
            })
            .collect())
    }

    /// How many workers listen on each of `queues` (`rq:workers:<q>`).
    pub async fn listeners(&self, queues: &[String]) -> Result<Vec<u64>> {
        if queues.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = redis::pipe();
        for q in queues {
            p.scard(keys::workers_of(q));
        }
        Ok(p.query_async(&mut self.conn()).await?)
    }

    /// The job hashes of `ids`, `None` where the hash is gone.
    /// A key of another type under `rq:job:<id>` reads as no job, rather than failing
    /// the read of all the others.
    pub async fn fetch(&self, ids: &[String]) -> Result<Vec<Option<JobHash>>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(FETCH_BATCH) {
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            for id in chunk {
                pipe.hgetall(keys::job(id));
            }
            let maps: Vec<redis::RedisResult<Fields>> = pipe.query_async(&mut self.conn()).await?;
            for (id, fields) in chunk.iter().zip(maps) {
                match fields {
                    Ok(f) if !f.is_empty() => out.push(Some(JobHash::new(id.clone(), f))),
                    // A refused read is the user's permissions, not a missing job.
                    Err(e)
                        if e.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::NoPerm) =>
                    {
                        return Err(e.into());
                    }
                    _ => out.push(None),
                }
            }
        }
        Ok(out)
    }

    /// Every stored result of a job, newest first.
    pub async fn results(&self, id: &str) -> Result<Vec<ResultEntry>> {
        let reply: StreamRangeReply = self.conn().xrevrange(keys::results(id), "+", "-").await?;
        Ok(reply
            .ids
            .into_iter()
            .map(|e| {
                let get = |k: &str| {
                    e.map
                        .get(k)
                        .and_then(|v| redis::from_redis_value::<String>(v.clone()).ok())
                };
                ResultEntry {
                    created_ms: e
                        .id
                        .split('-')
                        .next()
                        .and_then(|ms| ms.parse().ok())
                        .unwrap_or(0),
                    kind: get("type").and_then(|t| t.parse().ok()).unwrap_or(0),
                    worker_name: get("worker_name").unwrap_or_default(),
                    return_value: get("return_value").and_then(|b| B64.decode(b).ok()),
                    exc_string: get("exc_string").and_then(|b| B64.decode(b).ok()).map(|z| {
                        String::from_utf8_lossy(&payload::decompress_lenient(&z)).into_owned()
                    }),
                    execution_id: get("execution_id"),
                    started_at: get("execution_started_at").and_then(|t| t.parse().ok()),
                    ended_at: get("execution_ended_at").and_then(|t| t.parse().ok()),
                }
            })
            .collect())
    }
}

/// A job hash's fields as read.
type Fields = Vec<(String, Vec<u8>)>;

impl Store {
    /// Removes finished and failed jobs past their expiry from the registries of
    /// `queues`, as Python RQ does before it counts; returns how many.
    pub async fn clean_registries(&self, queues: &[String]) -> Result<u64> {
        if queues.is_empty() {
            return Ok(0);
        }
        let mut inv = self.scripts().clean.prepare_invoke();
        inv.arg(timestamp::score(chrono::Utc::now()));
        for q in queues {
            inv.arg(q);
        }
        Ok(inv.invoke_async(&mut self.conn()).await?)
    }

    /// Whether a job hash exists under each of `ids`.
    pub async fn exist(&self, ids: &[String]) -> Result<Vec<bool>> {
        let mut p = redis::pipe();
        for id in ids {
            p.exists(keys::job(id));
        }
        Ok(p.query_async(&mut self.conn()).await?)
    }

    /// Ids of jobs that start with `prefix`, at most `limit` of them, found by a SCAN
    /// of the job hashes (an operator's typing, not a hot path).
    pub async fn ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        let escaped: String = prefix
            .chars()
            .flat_map(|c| {
                let special = matches!(c, '*' | '?' | '[' | ']' | '\\');
                special
                    .then_some('\\')
                    .into_iter()
                    .chain(std::iter::once(c))
            })
            .collect();
        let pattern = format!("{}*", keys::job(&escaped));
        let mut c = self.conn();
        let mut cursor: u64 = 0;
        let mut found = Vec::new();
        loop {
            let (next, keys_seen): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .arg("TYPE")
                .arg("hash")
                .query_async(&mut c)
                .await?;
            found.extend(
                keys_seen
                    .into_iter()
                    .filter_map(|k| keys::job_id_of(&k).map(str::to_owned)),
            );
            if next == 0 || found.len() >= limit {
                break;
            }
            cursor = next;
        }
        found.sort();
        found.truncate(limit);
        Ok(found)
    }

    /// Per queue, how many delayed jobs (`rq:scheduled:<q>`) were due before `before`.
    pub async fn due_delayed(
        &self,
        queues: &[String],
        before: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<u64>> {
        if queues.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = redis::pipe();
        for q in queues {
            p.zcount(
                keys::registry(keys::Registry::Scheduled, q),
                "-inf",
                timestamp::score(before),
            );
        }
        Ok(p.query_async(&mut self.conn()).await?)
    }

    /// Removes `ids` of `queue`'s list or registry for `status` whose hash is gone.
    pub async fn drop_ghosts(&self, queue: &str, status: JobStatus, ids: &[String]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut inv = self.scripts().ghosts.prepare_invoke();
        inv.arg(status.as_str()).arg(queue);
        for id in ids {
            inv.arg(id);
        }
        Ok(inv.invoke_async(&mut self.conn()).await?)
    }
}

/// A Python RQ worker registered on this Redis, by the RQ version it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct RqWorkerVersion {
    pub name: String,
    pub version: String,
}

impl Store {
    /// The Python RQ workers in `rq:workers` and their RQ versions; bench's own
    /// workers (which say `bench` in `python_version`) are left out.
    pub async fn python_rq_workers(&self) -> Result<Vec<RqWorkerVersion>> {
        let mut c = self.conn();
        let mut members: Vec<String> = c.smembers(keys::WORKERS).await?;
        members.sort();
        members.truncate(1000);
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = redis::pipe();
        for m in &members {
            p.cmd("HMGET").arg(m).arg("version").arg("python_version");
        }
        let rows: Vec<(Option<String>, Option<String>)> = p.query_async(&mut c).await?;
        Ok(members
            .iter()
            .zip(rows)
            .filter_map(|(m, (version, py))| {
                let version = version?;
                if py.as_deref().is_some_and(|p| p.starts_with("bench")) {
                    return None;
                }
                Some(RqWorkerVersion {
                    name: keys::worker_name(m).unwrap_or(m).to_owned(),
                    version,
                })
            })
            .collect())
    }
}

/// Job ends on one queue, as bench workers recorded them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Throughput {
    pub queue: String,
    pub finished_total: u64,
    pub failed_total: u64,
    pub finished_last_minute: u64,
    pub failed_last_minute: u64,
}

/// A started-registry member of either RQ layout to its job id.
pub fn strip_execution(member: String) -> String {
    let id = keys::started_job_id(&member);
    if id.len() == member.len() {
        member
    } else {
        id.to_owned()
    }
}
