//! A job's life after enqueue, as a worker drives it: claim, heartbeat, finish, and
//! recovery of jobs whose worker died. Every transition is one Lua script call, so a
//! crash between calls leaves each job in exactly one queue or registry.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use redis::aio::MultiplexedConnection;

use super::job::JobHash;
use super::keys::{self, Registry};
use super::timestamp;
use super::{Layout, Result, Store, StoreError, payload};

/// RQ's default seconds to keep a finished job when the job does not say.
pub const DEFAULT_RESULT_TTL: i64 = 500;
/// The longest TTL bench passes to Redis: ten years.
pub const MAX_TTL: i64 = 10 * 365 * 24 * 3600;
/// RQ's default seconds to keep a failed job when the job does not say.
pub const DEFAULT_FAILURE_TTL: i64 = 31_536_000;

/// A job a worker has started: it is in `rq:wip:<queue>` (as `<id>:<eid>` in RQ 2's
/// layout, as `<id>` in RQ 1's).
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub eid: String,
    /// The queue whose registries hold the job (its origin).
    pub queue: String,
    /// The hash as it was before the job started.
    pub hash: JobHash,
}

/// What a claim found.
#[derive(Debug, Default)]
pub struct Claim {
    /// `rq suspend` is in effect: nothing was taken from the queues.
    pub suspended: bool,
    /// Ids found in a queue without a job hash (expired or deleted), or whose key is
    /// not a hash, with the key's type; dropped.
    pub skipped: Vec<(String, String)>,
    pub jobs: Vec<Claimed>,
}

/// Who is claiming and for how long a claim holds without a heartbeat.
#[derive(Debug, Clone)]
pub struct Claimant<'a> {
    pub worker: &'a str,
    pub heartbeat_ttl: i64,
    /// One job from each queue in turn, as RQ's `round_robin` and `random` strategies
    /// take them, rather than each queue until it is empty: a claim of many jobs then
    /// takes what as many claims of one would.
    pub turns: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Success, with the serialized return value (`None` for Python's `None`).
    Finished(Option<Vec<u8>>),
    /// Failure, with the traceback or reason.
    Failed(String),
    /// Stopped on request (`rq`'s stop-job command), with a reason.
    Stopped(String),
    /// Failed, but RQ's `Retry` says go again: `at` is the run-at time (None = now).
    Retry {
        at: Option<DateTime<Utc>>,
        retries_left: i64,
        at_front: bool,
    },
    /// Interrupted by the worker's own cold shutdown: back to the head of its queue.
    Requeue,
    /// The process running it died (not the job's doing): back to the head of its
    /// queue while it has recoveries left under the policy, else failed with the reason.
    Abandoned(String),
}

impl Outcome {
    fn name(&self) -> &'static str {
        match self {
            Outcome::Finished(_) => "finished",
            Outcome::Failed(_) => "failed",
            Outcome::Stopped(_) => "stopped",
            Outcome::Retry { .. } => "retry",
            Outcome::Requeue => "requeue",
            Outcome::Abandoned(_) => "abandoned",
        }
    }
}

/// One finished run, ready to be recorded.
#[derive(Debug, Clone)]
pub struct Finish {
    pub id: String,
    pub eid: String,
    pub queue: String,
    pub outcome: Outcome,
    pub result_ttl: i64,
    pub failure_ttl: i64,
    /// Whether the job set `failure_ttl` itself (RQ then also expires its results).
    pub failure_ttl_set: bool,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
    /// Whether the job waited on others (it then has a dependencies set to expire).
    pub has_dependencies: bool,
}

impl Finish {
    /// A record for `job`'s run, with its TTLs taken from the job (RQ's defaults
    /// where it sets none, or sets something unreadable).
    pub fn new(
        job: &Claimed,
        outcome: Outcome,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
    ) -> Finish {
        // A TTL Redis cannot take (below -1, or past ten years) reads as unset.
        let ttl = |f: &str| {
            job.hash
                .int(f)
                .ok()
                .flatten()
                .filter(|t| (-1..=MAX_TTL).contains(t))
        };
        let failure_ttl = ttl("failure_ttl");
        Finish {
            id: job.id.clone(),
            eid: job.eid.clone(),
            queue: job.queue.clone(),
            outcome,
            result_ttl: ttl("result_ttl").unwrap_or(DEFAULT_RESULT_TTL),
            failure_ttl: failure_ttl.unwrap_or(DEFAULT_FAILURE_TTL),
            failure_ttl_set: failure_ttl.is_some(),
            started,
            ended,
            has_dependencies: job.hash.nonempty("dependency_ids").is_some(),
        }
    }
}

/// Whether a finish was recorded or the run had been taken over meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Ok,
    /// An abandoned run: put back on its queue (`true`) or failed (`false`).
    Abandoned {
        requeued: bool,
    },
    /// The job left the started registry while running (presumed abandoned and
    /// recovered elsewhere); this run's result was dropped.
    Lost,
}

/// What to do with jobs of dead workers.
#[derive(Debug, Clone)]
pub struct ReapPolicy {
    pub requeue: bool,
    pub max_recoveries: i64,
}

/// A job recovered from a dead worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaped {
    pub id: String,
    pub queue: String,
    pub requeued: bool,
}

/// What a worker tells `rq info` and rq-dashboard about itself.
#[derive(Debug, Clone)]
pub struct WorkerInfo {
    pub name: String,
    pub queues: Vec<String>,
    pub pid: u32,
    pub hostname: String,
    pub version: String,
}

/// RQ's traceback encoding in result streams: base64 of zlib.
pub fn encode_exc(text: &str) -> String {
    B64.encode(payload::compress(text.as_bytes()))
}

fn new_eid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl Store {
    /// Starts up to `max` jobs from `queues` (in that order), plus the ids in `moved`
    /// that a blocking move already put in their queue's intermediate list.
    ///
    /// # Errors
    /// Redis failures; nothing was claimed then.
    pub async fn claim(
        &self,
        who: &Claimant<'_>,
        queues: &[String],
        max: usize,
        moved: &[(String, String)],
    ) -> Result<Claim> {
        let mut inv = self.scripts().claim.prepare_invoke();
        claim_args(&mut inv, who, queues, max, moved);
        let reply: redis::Value = inv.invoke_async(&mut self.conn()).await?;
        parse_claim(reply)
    }

    /// Returns ids taken by a blocking move, that will not be run here, to the head
    /// of their queues.
    pub async fn give_back(&self, moved: &[(String, String)]) -> Result<()> {
        if moved.is_empty() {
            return Ok(());
        }
        let mut inv = self.scripts().giveback.prepare_invoke();
        for (q, id) in moved {
            inv.arg(q).arg(id);
        }
        let _: i64 = inv.invoke_async(&mut self.conn()).await?;
        Ok(())
    }

    /// Records a batch of finished runs in one script call.
    ///
    /// # Errors
    /// Redis failures; then nothing of the batch was recorded and it may be retried.
    /// `still_running` is a job the worker goes on running, shown as its current job.
    pub async fn finish(
        &self,
        worker: &str,
        policy: &ReapPolicy,
        still_running: Option<&str>,
        batch: &[Finish],
    ) -> Result<Vec<Recorded>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut inv = self.scripts().finish.prepare_invoke();
        finish_args(&mut inv, worker, policy, still_running, batch);
        let replies: Vec<String> = inv.invoke_async(&mut self.acked_conn()).await?;
        parse_recorded(&replies, batch.len())
    }

    /// Records a batch of finished runs and, in the same script call, claims up to
    /// `max` jobs for the slots they free: a busy worker makes one round trip per job
    /// (per batch, when several end at once). Both happen or neither does. Not for
    /// `[redis] min_replicas_ack`: the claimed jobs must start whether or not replicas
    /// confirmed the ends, so those go through [`Store::finish`].
    ///
    /// # Errors
    /// Redis failures; then nothing was recorded or claimed.
    pub async fn finish_and_claim(
        &self,
        policy: &ReapPolicy,
        still_running: Option<&str>,
        batch: &[Finish],
        who: &Claimant<'_>,
        queues: &[String],
        max: usize,
    ) -> Result<(Vec<Recorded>, Claim)> {
        let mut inv = self.scripts().finish_claim.prepare_invoke();
        finish_args(&mut inv, who.worker, policy, still_running, batch);
        claim_args(&mut inv, who, queues, max, &[]);
        let (replies, claim): (Vec<String>, redis::Value) =
            inv.invoke_async(&mut self.conn()).await?;
        Ok((parse_recorded(&replies, batch.len())?, parse_claim(claim)?))
    }

    /// Recovers jobs of dead workers on `queues` and ids stuck in intermediate lists.
    pub async fn reap(&self, queues: &[String], policy: &ReapPolicy) -> Result<Vec<Reaped>> {
        let now = Utc::now();
        let exc = encode_exc(&format!(
            "Moved to FailedJobRegistry, due to AbandonedJobError, at {}: the worker running this job stopped sending heartbeats",
            timestamp::iso(now)
        ));
        let mut inv = self.scripts().reap.prepare_invoke();
        inv.arg(timestamp::iso(now))
            .arg(timestamp::score(now))
            .arg(if policy.requeue { "requeue" } else { "fail" })
            .arg(policy.max_recoveries)
            .arg(DEFAULT_FAILURE_TTL)
            .arg(exc)
            .arg(queues.len());
        for q in queues {
            inv.arg(q);
        }
        let rows: Vec<(Vec<u8>, Vec<u8>, String)> = inv.invoke_async(&mut self.conn()).await?;
        Ok(rows
            .into_iter()
            .map(|(id, queue, what)| Reaped {
                id: String::from_utf8_lossy(&id).into_owned(),
                queue: String::from_utf8_lossy(&queue).into_owned(),
                requeued: what == "requeued",
            })
            .collect())
    }

    /// Registers a worker as RQ does at birth (rq-layout §10.2).
    ///
    /// # Errors
    /// [`StoreError::NameTaken`] when a live worker already has this name.
    pub async fn register_worker(&self, w: &WorkerInfo, ttl: i64) -> Result<()> {
        let now = timestamp::iso(Utc::now());
        let fields = [
            ("birth", now.as_str()),
            ("last_heartbeat", now.as_str()),
            ("queues", &w.queues.join(",")),
            ("pid", &w.pid.to_string()),
            ("hostname", &w.hostname),
            ("ip_address", ""),
            ("version", &w.version),
            ("python_version", &format!("bench {} (Rust)", w.version)),
            ("state", "started"),
            ("successful_job_count", "0"),
            ("failed_job_count", "0"),
            ("total_working_time", "0"),
        ];
        let mut inv = self.scripts().register.prepare_invoke();
        inv.arg(&w.name).arg(ttl).arg(fields.len());
        for (k, v) in fields {
            inv.arg(k).arg(v);
        }
        for q in &w.queues {
            inv.arg(q);
        }
        let reply: String = inv.invoke_async(&mut self.conn()).await?;
        match reply.as_str() {
            "ok" => Ok(()),
            _ => Err(StoreError::NameTaken(w.name.clone())),
        }
    }

    /// Marks a worker dead as RQ does (rq-layout §10.12).
    pub async fn deregister_worker(&self, w: &WorkerInfo) -> Result<()> {
        let key = keys::worker(&w.name);
        let mut p = redis::pipe();
        p.atomic().srem(keys::WORKERS, &key);
        for q in &w.queues {
            p.srem(keys::workers_of(q), &key);
        }
        p.hset(&key, "death", timestamp::iso(Utc::now()))
            .hset(&key, "state", "dead")
            .expire(&key, 60);
        p.query_async::<()>(&mut self.conn()).await?;
        Ok(())
    }

    /// Refreshes a worker's liveness and the deadlines of the jobs it runs. Returns
    /// false when the worker's hash was gone (Redis lost its data): re-register then.
    pub async fn heartbeat(
        &self,
        w: &WorkerInfo,
        ttl: i64,
        idle: bool,
        running: &[(String, String, String)],
    ) -> Result<bool> {
        let now = Utc::now();
        let (iso, f, score) = (
            timestamp::iso(now),
            timestamp::unix_float(now),
            timestamp::score(now),
        );
        let key = keys::worker(&w.name);
        let mut p = redis::pipe();
        p.atomic()
            .exists(&key)
            .hset(&key, "last_heartbeat", &iso)
            .ignore()
            .expire(&key, ttl)
            .ignore();
        if idle {
            // Only when no claim made it busy since this worker looked: the claim sets
            // the current job and the state together.
            p.cmd("EVAL")
                .arg("if redis.call('HEXISTS', KEYS[1], 'current_job') == 0 then redis.call('HSET', KEYS[1], 'state', 'idle') end")
                .arg(1)
                .arg(&key)
                .ignore();
        }
        for (q, id, eid) in running {
            p.cmd("ZADD")
                .arg(keys::registry(Registry::Started, q))
                .arg("XX")
                .arg(score + ttl)
                .arg(keys::started_member(self.layout(), id, eid))
                .ignore();
            if self.layout() == Layout::Rq2 {
                p.hset(keys::execution(id, eid), "last_heartbeat", &f)
                    .ignore();
                p.expire(keys::execution(id, eid), ttl).ignore();
                p.cmd("ZADD")
                    .arg(keys::executions(id))
                    .arg("XX")
                    .arg(score + ttl + 60)
                    .arg(eid)
                    .ignore();
                p.expire(keys::executions(id), ttl + 60).ignore();
            }
            p.hset(keys::job(id), "last_heartbeat", &iso).ignore();
        }
        let (existed,): (bool,) = p.query_async(&mut self.conn()).await?;
        Ok(existed)
    }

    /// Waits up to `timeout` seconds on a dedicated connection for a job on `queue`,
    /// moving its id into the intermediate list as Python RQ's workers do, so the id is
    /// never only in this process's memory.
    pub async fn wait_for_job(
        conn: &mut MultiplexedConnection,
        queue: &str,
        timeout: f64,
    ) -> Result<Option<String>> {
        let id: Option<String> = redis::cmd("BLMOVE")
            .arg(keys::queue(queue))
            .arg(keys::intermediate(queue))
            .arg("LEFT")
            .arg("RIGHT")
            .arg(timeout)
            .query_async(conn)
            .await?;
        Ok(id)
    }
}

fn claim_args(
    inv: &mut redis::ScriptInvocation<'_>,
    who: &Claimant<'_>,
    queues: &[String],
    max: usize,
    moved: &[(String, String)],
) {
    let now = Utc::now();
    inv.arg(who.worker)
        .arg(timestamp::iso(now))
        .arg(timestamp::unix_float(now))
        .arg(timestamp::score(now))
        .arg(timestamp::score(now) + who.heartbeat_ttl)
        .arg(who.heartbeat_ttl)
        .arg(max)
        .arg(if who.turns { "turns" } else { "strict" })
        .arg(queues.len());
    for q in queues {
        inv.arg(q);
    }
    inv.arg(moved.len());
    for (q, id) in moved {
        inv.arg(q).arg(id);
    }
    for _ in 0..max + moved.len() {
        inv.arg(new_eid());
    }
}

fn finish_args(
    inv: &mut redis::ScriptInvocation<'_>,
    worker: &str,
    policy: &ReapPolicy,
    still_running: Option<&str>,
    batch: &[Finish],
) {
    let now = Utc::now();
    inv.arg(worker)
        .arg(timestamp::iso(now))
        .arg(timestamp::score(now))
        .arg(batch.len())
        .arg(if policy.requeue { "requeue" } else { "fail" })
        .arg(policy.max_recoveries)
        .arg(still_running.unwrap_or(""));
    for f in batch {
        let (ret, exc) = match &f.outcome {
            Outcome::Finished(Some(v)) => (B64.encode(v), String::new()),
            Outcome::Failed(tb) | Outcome::Stopped(tb) | Outcome::Abandoned(tb) => {
                (String::new(), encode_exc(tb))
            }
            _ => (String::new(), String::new()),
        };
        let (retry_at, retries_left, at_front) = match &f.outcome {
            Outcome::Retry {
                at,
                retries_left,
                at_front,
            } => (
                at.map(|t| timestamp::score(t).to_string())
                    .unwrap_or_default(),
                *retries_left,
                *at_front,
            ),
            _ => (String::new(), 0, false),
        };
        inv.arg(&f.id)
            .arg(&f.eid)
            .arg(&f.queue)
            .arg(f.outcome.name())
            .arg(f.result_ttl)
            .arg(f.failure_ttl)
            .arg(if f.failure_ttl_set { "1" } else { "0" })
            .arg(ret)
            .arg(exc)
            .arg(timestamp::unix_float(f.started))
            .arg(timestamp::unix_float(f.ended))
            .arg(retry_at)
            .arg(retries_left)
            .arg(if at_front { "1" } else { "0" })
            .arg(if f.has_dependencies { "1" } else { "0" });
    }
}

fn parse_recorded(replies: &[String], expected: usize) -> Result<Vec<Recorded>> {
    if replies.len() != expected {
        return Err(StoreError::Protocol(format!(
            "finish script answered {} of {expected} jobs",
            replies.len()
        )));
    }
    Ok(replies
        .iter()
        .map(|r| match r.as_str() {
            "ok" => Recorded::Ok,
            "requeued" => Recorded::Abandoned { requeued: true },
            "failed" => Recorded::Abandoned { requeued: false },
            _ => Recorded::Lost,
        })
        .collect())
}

fn parse<T: redis::FromRedisValue>(v: redis::Value) -> Result<T> {
    redis::from_redis_value(v).map_err(|e| StoreError::Redis(e.into()))
}

/// A hash's fields as Redis returns them, names and values as bytes.
type RawFields = Vec<(Vec<u8>, Vec<u8>)>;

fn parse_claim(reply: redis::Value) -> Result<Claim> {
    let bad = |what: &str| StoreError::Protocol(format!("claim script: {what}"));
    let redis::Value::Array(items) = reply else {
        return Err(bad("not an array"));
    };
    let mut items = items.into_iter();
    let suspended: i64 = parse(items.next().ok_or_else(|| bad("empty"))?)?;
    let skipped: Vec<(String, String)> =
        parse(items.next().ok_or_else(|| bad("no skipped list"))?)?;
    let mut jobs = Vec::new();
    for item in items {
        let (id, eid, queue, fields): (String, String, String, RawFields) = parse(item)?;
        // Field names are whatever was written; a name that is not text is kept, shown
        // as best it can be, rather than failing every job of the claim.
        let fields = fields
            .into_iter()
            .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), v));
        jobs.push(Claimed {
            hash: JobHash::new(id.clone(), fields),
            id,
            eid,
            queue,
        });
    }
    Ok(Claim {
        suspended: suspended == 1,
        skipped,
        jobs,
    })
}
