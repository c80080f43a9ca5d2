//! The scheduler's state in Redis: the leadership lease and its fencing token, each
//! event's last slot and run, the per-event ledger, the pause flag, and the moving of
//! due jobs out of `rq:scheduled:<q>`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use super::job::NewJob;
use super::keys;
use super::payload::Serializer;
use super::timestamp;
use super::{Result, Store, StoreError};

/// Ledger entries kept per event.
pub const LEDGER_KEEP: usize = 200;
/// Jobs moved per queue and pass; the rest go on the next pass a moment later.
const PROMOTE_BATCH: usize = 1000;

/// Who leads, from the point of view of one scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leadership {
    /// This scheduler leads, with this fencing token.
    Leader(i64),
    /// Another scheduler leads, for at most this many more milliseconds.
    Follower { holder: String, ms_left: i64 },
}

/// What became of one slot of a scheduled event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fired {
    Enqueued,
    /// The event's previous job is still in this state, so this slot was skipped.
    Skipped(String),
    /// Another scheduler already handled this slot.
    Done,
    /// This scheduler is no longer the leader: nothing was written.
    Fenced,
}

/// One scheduled method, for one site in Frappe mode: what the scheduler's state in
/// Redis is kept by.
#[derive(Debug, Clone, Copy)]
pub struct ScheduledRun<'a> {
    pub method: &'a str,
    pub site: Option<&'a str>,
    /// The `[scheduler_events]` key or cron expression.
    pub event: &'a str,
}

impl ScheduledRun<'_> {
    /// The field and ledger name of its state: the method, or `<site>/<method>`.
    pub fn state(&self) -> String {
        match self.site {
            Some(site) => format!("{site}/{}", self.method),
            None => self.method.to_owned(),
        }
    }
}

/// One line of an event's ledger.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LedgerEntry {
    pub method: String,
    /// The Frappe site it ran for, in Frappe mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub event: String,
    /// The scheduled time (unix seconds); `null` for a manual trigger.
    pub slot: Option<i64>,
    /// When the job was enqueued or the slot skipped (unix seconds, fractional).
    pub at: f64,
    pub job_id: String,
    pub scheduler: String,
    /// `enqueued` or `skipped:<status of the previous run>`.
    pub outcome: String,
}

/// The current leader, as `bench schedule status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LeaderInfo {
    pub name: String,
    pub token: i64,
    pub ms_left: i64,
    pub host: Option<String>,
    pub pid: Option<String>,
    pub since: Option<String>,
}

impl Store {
    /// Takes or renews the lease for `me`; see [`Leadership`].
    pub async fn lease(&self, me: &str, lease_ms: i64) -> Result<Leadership> {
        let (token, holder, ms): (i64, String, i64) = self
            .scripts()
            .lease
            .key(self.sched.lease())
            .key(self.sched.epoch())
            .arg(me)
            .arg(lease_ms)
            .arg("acquire")
            .invoke_async(&mut self.conn())
            .await?;
        Ok(if token > 0 {
            Leadership::Leader(token)
        } else {
            Leadership::Follower {
                holder,
                ms_left: ms,
            }
        })
    }

    /// Gives the lease up (on a clean stop), so another scheduler takes over at once.
    pub async fn release_lease(&self, me: &str) -> Result<()> {
        let _: (i64, String, i64) = self
            .scripts()
            .lease
            .key(self.sched.lease())
            .key(self.sched.epoch())
            .arg(me)
            .arg(0)
            .arg("release")
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// Records a scheduler process so `bench schedule status` can name its host.
    pub async fn announce_scheduler(&self, me: &str, ttl: i64) -> Result<()> {
        let key = self.sched.process(me);
        let host = gethostname::gethostname().to_string_lossy().into_owned();
        let mut p = redis::pipe();
        p.hset_nx(&key, "since", timestamp::iso(Utc::now()))
            .ignore()
            .hset_multiple(
                &key,
                &[
                    ("host", host.as_str()),
                    ("pid", &std::process::id().to_string()),
                ],
            )
            .ignore()
            .expire(&key, ttl)
            .ignore();
        p.query_async::<()>(&mut self.conn()).await?;
        Ok(())
    }

    /// The current leader, if any.
    pub async fn leader(&self) -> Result<Option<LeaderInfo>> {
        let mut c = self.conn();
        let (name, ms_left, token): (Option<String>, i64, Option<i64>) = redis::pipe()
            .get(self.sched.lease())
            .pttl(self.sched.lease())
            .get(self.sched.epoch())
            .query_async(&mut c)
            .await?;
        let Some(name) = name else { return Ok(None) };
        let info: HashMap<String, String> = c.hgetall(self.sched.process(&name)).await?;
        Ok(Some(LeaderInfo {
            token: token.unwrap_or(0),
            ms_left,
            host: info.get("host").cloned(),
            pid: info.get("pid").cloned(),
            since: info.get("since").cloned(),
            name,
        }))
    }

    /// Each event's last run, by event (method, or `<site>/<method>`). A value that
    /// is not a time is skipped: the event then counts as new.
    pub async fn last_runs(&self) -> Result<HashMap<String, DateTime<Utc>>> {
        let raw: HashMap<String, String> = self.conn().hgetall(self.sched.last_run()).await?;
        Ok(raw
            .into_iter()
            .filter_map(|(m, t)| Some((m, timestamp::from_unix_float(t.parse().ok()?)?)))
            .collect())
    }

    /// Starts the clock of events seen for the first time: their first run is their
    /// first slot after now, as Frappe counts from a Scheduled Job Type's creation.
    /// A bench that kept its clocks in the shared keys of older releases takes its own
    /// events' clocks from there, so an upgrade runs nothing twice.
    pub async fn start_clocks(&self, events: &[&str], now: DateTime<Utc>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let legacy = keys::SchedulerKeys::legacy();
        let mut c = self.conn();
        if *self.sched != legacy && !c.exists::<_, bool>(self.sched.last_run()).await? {
            let mut p = redis::pipe();
            for e in events {
                p.hget(legacy.last_run(), *e).hget(legacy.last_slot(), *e);
            }
            let old: Vec<Option<String>> = p.query_async(&mut c).await?;
            let mut p = redis::pipe();
            let mut any = false;
            for (e, pair) in events.iter().zip(old.chunks(2)) {
                if let Some(run) = &pair[0] {
                    p.hset_nx(self.sched.last_run(), *e, run).ignore();
                    any = true;
                }
                if let Some(slot) = pair.get(1).and_then(Option::as_ref) {
                    p.hset_nx(self.sched.last_slot(), *e, slot).ignore();
                    any = true;
                }
            }
            if any {
                p.query_async::<()>(&mut c).await?;
            }
        }
        let mut p = redis::pipe();
        for e in events {
            p.hset_nx(self.sched.last_run(), *e, timestamp::unix_float(now))
                .ignore();
        }
        p.query_async::<()>(&mut c).await?;
        Ok(())
    }

    /// Enqueues `job` for `slot` of the scheduled `run` if `me` still leads with
    /// `token`. A `slot` of `None` is a manual trigger: no fencing, no slot bookkeeping.
    #[allow(clippy::too_many_arguments)]
    pub async fn fire(
        &self,
        me: &str,
        token: i64,
        run: &ScheduledRun<'_>,
        slot: Option<i64>,
        job: &NewJob,
        ser: Serializer,
        now: DateTime<Utc>,
    ) -> Result<Fired> {
        let entry = LedgerEntry {
            method: run.method.to_owned(),
            site: run.site.map(str::to_owned),
            event: run.event.to_owned(),
            slot,
            at: now.timestamp_micros() as f64 / 1e6,
            job_id: job.id.clone(),
            scheduler: me.to_owned(),
            outcome: String::new(),
        };
        // The script appends the outcome, so the entry is written as an open object.
        let json =
            serde_json::to_string(&entry).map_err(|e| StoreError::Protocol(e.to_string()))?;
        let prefix = json
            .trim_end_matches('}')
            .trim_end_matches("\"outcome\":\"\"")
            .to_owned();
        let fields = job.fields(ser, self.layout(), now, true)?;
        let mut inv = self.scripts().fire.prepare_invoke();
        let state = run.state();
        inv.key(self.sched.lease())
            .key(self.sched.epoch())
            .key(self.sched.last_slot())
            .key(self.sched.last_run())
            .key(self.sched.ledger(&state))
            .arg(me)
            .arg(if slot.is_some() { token } else { 0 })
            .arg(&state)
            .arg(slot.unwrap_or(0))
            .arg(timestamp::unix_float(now))
            .arg(prefix)
            .arg(LEDGER_KEEP)
            .arg(&job.id)
            .arg(&job.queue)
            .arg(fields.len());
        for (k, v) in fields {
            inv.arg(k).arg(v);
        }
        let reply: String = inv.invoke_async(&mut self.conn()).await?;
        Ok(match reply.as_str() {
            "enqueued" => Fired::Enqueued,
            "done" => Fired::Done,
            "fenced" => Fired::Fenced,
            other => match other.strip_prefix("skipped:") {
                Some(status) => Fired::Skipped(status.to_owned()),
                None => {
                    return Err(StoreError::Protocol(format!(
                        "fire script answered `{other}`"
                    )));
                }
            },
        })
    }

    /// Moves jobs whose run-at time has come from `rq:scheduled:<q>` to their queues.
    pub async fn promote_due(
        &self,
        me: &str,
        queues: &[String],
        lock_seconds: i64,
    ) -> Result<Vec<(String, String)>> {
        let now = Utc::now();
        let mut inv = self.scripts().promote.prepare_invoke();
        inv.arg(me)
            .arg(timestamp::score(now))
            .arg(timestamp::iso(now))
            .arg(lock_seconds)
            .arg(PROMOTE_BATCH);
        for q in queues {
            inv.arg(q);
        }
        Ok(inv.invoke_async(&mut self.conn()).await?)
    }

    /// Pauses or resumes every scheduler sharing this Redis.
    pub async fn set_scheduler_paused(&self, paused: bool) -> Result<()> {
        let mut c = self.conn();
        if paused {
            let _: () = c
                .set(self.sched.paused(), timestamp::iso(Utc::now()))
                .await?;
        } else {
            let _: () = c.del(self.sched.paused()).await?;
        }
        Ok(())
    }

    /// When the scheduler was paused, if it is.
    pub async fn scheduler_paused(&self) -> Result<Option<String>> {
        Ok(self.conn().get(self.sched.paused()).await?)
    }

    /// The newest `limit` ledger entries of the scheduled `run`.
    pub async fn ledger(&self, run: &ScheduledRun<'_>, limit: usize) -> Result<Vec<LedgerEntry>> {
        let raw: Vec<String> = self
            .conn()
            .lrange(
                self.sched.ledger(&run.state()),
                0,
                limit.min(10_000) as isize - 1,
            )
            .await?;
        Ok(raw
            .iter()
            .filter_map(|r| serde_json::from_str(r).ok())
            .collect())
    }
}
