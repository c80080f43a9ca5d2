//! Every Redis key bench touches, spelled exactly as Python RQ 2.x spells it.
//!
//! Nothing else in the crate formats a key: Rust code calls these functions and the
//! Lua scripts receive the same prefixes through [`lua_prelude`], so the layout lives
//! in this one file. Bench's own keys sit under `rq:bench:` so that a Frappe RQ user
//! restricted by the ACL pattern `~rq:[^q]*` may still write them.

use std::fmt::Write as _;

/// Set of every known queue, as full queue keys (`rq:queue:<q>`), read by `rq info`.
pub const QUEUES: &str = "rq:queues";
/// Set of every live worker key, read by rq-dashboard.
pub const WORKERS: &str = "rq:workers";
/// Present while `rq suspend` is in effect: workers take no new job.
pub const SUSPENDED: &str = "rq:suspended";

const QUEUE: &str = "rq:queue:";
const JOB: &str = "rq:job:";
const WORKER: &str = "rq:worker:";
const WORKERS_OF: &str = "rq:workers:";
const PUBSUB: &str = "rq:pubsub:";
const RESULTS: &str = "rq:results:";
const EXECUTION: &str = "rq:execution:";
const EXECUTIONS: &str = "rq:executions:";
const BENCH: &str = "rq:bench:";
const SCHEDULER_LOCK: &str = "rq:scheduler-lock:";
/// Per queue: job ends recorded by bench workers, in all and per 10-second bucket.
const STATS: &str = "rq:bench:stats:";
/// Seconds per throughput bucket, and how long a bucket is kept.
pub const STATS_BUCKET: i64 = 10;
pub const STATS_KEEP: i64 = 120;

/// The sorted-set registries RQ keeps per queue, by job state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Registry {
    Started,
    Finished,
    Failed,
    Deferred,
    Scheduled,
    Canceled,
}

impl Registry {
    fn prefix(self) -> &'static str {
        match self {
            // RQ 2.x renamed the started registry's key to `wip`.
            Registry::Started => "rq:wip:",
            Registry::Finished => "rq:finished:",
            Registry::Failed => "rq:failed:",
            Registry::Deferred => "rq:deferred:",
            Registry::Scheduled => "rq:scheduled:",
            Registry::Canceled => "rq:canceled:",
        }
    }
}

/// `rq:queue:<q>`: the list of queued job ids, consumed from the left.
pub fn queue(q: &str) -> String {
    format!("{QUEUE}{q}")
}

/// The queue name inside a `rq:queue:<q>` key, if it is one.
pub fn queue_name(key: &str) -> Option<&str> {
    key.strip_prefix(QUEUE).filter(|q| !q.is_empty())
}

/// `rq:queue:<q>:intermediate`: ids taken by a blocking move but not yet started.
pub fn intermediate(q: &str) -> String {
    format!("{QUEUE}{q}:intermediate")
}

/// `rq:job:<id>`: the job hash.
pub fn job(id: &str) -> String {
    format!("{JOB}{id}")
}

/// The job id inside a `rq:job:<id>` key.
pub fn job_id_of(key: &str) -> Option<&str> {
    key.strip_prefix(JOB).filter(|id| !id.is_empty())
}

/// `rq:job:<id>:dependents`: ids waiting for this job.
pub fn dependents(id: &str) -> String {
    format!("{JOB}{id}:dependents")
}

/// `rq:job::<id>:dependencies`: ids this job waits for (RQ writes the double colon).
pub fn dependencies(id: &str) -> String {
    format!("{JOB}:{id}:dependencies")
}

/// `rq:results:<id>`: the stream of execution results.
pub fn results(id: &str) -> String {
    format!("{RESULTS}{id}")
}

/// `rq:execution:<id>:<eid>`: one run of a job.
pub fn execution(id: &str, eid: &str) -> String {
    format!("{EXECUTION}{id}:{eid}")
}

/// `rq:executions:<id>`: the runs of a job in flight.
pub fn executions(id: &str) -> String {
    format!("{EXECUTIONS}{id}")
}

/// The registry of `q` for `state`, e.g. `rq:failed:<q>`.
pub fn registry(reg: Registry, q: &str) -> String {
    format!("{}{q}", reg.prefix())
}

/// `rq:worker:<name>`: a worker's hash.
pub fn worker(name: &str) -> String {
    format!("{WORKER}{name}")
}

/// The worker name inside a `rq:worker:<name>` key.
pub fn worker_name(key: &str) -> Option<&str> {
    key.strip_prefix(WORKER)
}

/// The member a started job is filed under in the started registry.
pub fn started_member(layout: super::Layout, id: &str, eid: &str) -> String {
    match layout {
        super::Layout::Rq1 => id.to_owned(),
        super::Layout::Rq2 => format!("{id}:{eid}"),
    }
}

/// The job id of a started-registry member of either layout: RQ 2.x files
/// `<id>:<eid>` with a 32-hex execution id; RQ 1.x the plain id, which may itself hold
/// colons (Frappe 15's `<site>::<uuid>`).
pub fn started_job_id(member: &str) -> &str {
    match member.rsplit_once(':') {
        Some((id, eid))
            if !id.is_empty() && eid.len() == 32 && eid.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            id
        }
        _ => member,
    }
}

/// `rq:workers:<q>`: workers listening on `q`, read by `rq info`.
pub fn workers_of(q: &str) -> String {
    format!("{WORKERS_OF}{q}")
}

/// `rq:pubsub:<name>`: the channel RQ's `send_*_command` functions publish to.
pub fn pubsub(name: &str) -> String {
    format!("{PUBSUB}{name}")
}

/// `rq:scheduler-lock:<q>`: RQ's lock on moving `q`'s scheduled jobs.
/// `rq:bench:stats:<q>`: job ends on queue `q` since counting began (`finished`,
/// `failed`), as recorded by bench workers.
pub fn stats(q: &str) -> String {
    format!("{STATS}{q}")
}

/// `rq:bench:stats:<q>:<bucket>`: the same counts for one [`STATS_BUCKET`] of time.
pub fn stats_bucket(q: &str, bucket: i64) -> String {
    format!("{STATS}{q}:{bucket}")
}

pub fn scheduler_lock(q: &str) -> String {
    format!("{SCHEDULER_LOCK}{q}")
}

/// The scheduler's keys of one bench: several benches share a Redis (that is what
/// `bench_id` is for), and each has its own leader, pause flag, clocks and ledgers.
/// A bench without a `bench_id` keeps the keys bench used before there were several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerKeys {
    /// `rq:bench:` or `rq:bench:<bench_id>:`.
    base: String,
}

impl SchedulerKeys {
    pub fn of(bench_id: Option<&str>) -> SchedulerKeys {
        SchedulerKeys {
            base: match bench_id {
                Some(b) => format!("{BENCH}{b}:"),
                None => BENCH.to_owned(),
            },
        }
    }

    /// The keys of a bench without a `bench_id`, where older data of every bench lies.
    pub fn legacy() -> SchedulerKeys {
        SchedulerKeys::of(None)
    }

    /// The leadership lease: holds the leader's id.
    pub fn lease(&self) -> String {
        format!("{}scheduler:lease", self.base)
    }

    /// Counter that hands each new leader its fencing token.
    pub fn epoch(&self) -> String {
        format!("{}scheduler:epoch", self.base)
    }

    /// Present while `bench schedule pause` is in effect.
    pub fn paused(&self) -> String {
        format!("{}scheduler:paused", self.base)
    }

    /// Hash: event (method, or `<site>/<method>` in Frappe mode) to the last slot
    /// (unix seconds) enqueued for it.
    pub fn last_slot(&self) -> String {
        format!("{}schedule:last_slot", self.base)
    }

    /// Hash: event to when it last ran (unix seconds).
    pub fn last_run(&self) -> String {
        format!("{}schedule:last_run", self.base)
    }

    /// Recent runs of one event, newest first.
    pub fn ledger(&self, event: &str) -> String {
        format!("{}schedule:ledger:{event}", self.base)
    }

    /// A running scheduler's hash (host, pid, since, heartbeat).
    pub fn process(&self, name: &str) -> String {
        format!("{}scheduler:{name}", self.base)
    }
}

/// `rq:bench:job_name:<bench>:<site>:<name>`: the id of the last job enqueued with a
/// unique `job_name` in that bench (and site).
pub fn job_name(bench: &str, site: &str, name: &str) -> String {
    format!("{BENCH}job_name:{bench}:{site}:{name}")
}

/// Lua source that defines the table `K` of key prefixes for the scripts, generated
/// from the constants above so scripts and Rust can never disagree on a key.
pub fn lua_prelude() -> String {
    let mut s = String::from("local K = {\n");
    let entries = [
        ("queues", QUEUES),
        ("queue", QUEUE),
        ("job", JOB),
        ("results", RESULTS),
        ("execution", EXECUTION),
        ("executions", EXECUTIONS),
        ("worker", WORKER),
        ("workers", WORKERS),
        ("workers_of", WORKERS_OF),
        ("suspended", SUSPENDED),
        ("scheduler_lock", SCHEDULER_LOCK),
        ("stats", STATS),
        ("started", Registry::Started.prefix()),
        ("finished", Registry::Finished.prefix()),
        ("failed", Registry::Failed.prefix()),
        ("deferred", Registry::Deferred.prefix()),
        ("scheduled", Registry::Scheduled.prefix()),
        ("canceled", Registry::Canceled.prefix()),
    ];
    for (name, value) in entries {
        let _ = writeln!(s, "  {name} = {value:?},");
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_rq_layout() {
        assert_eq!(queue("default"), "rq:queue:default");
        assert_eq!(intermediate("default"), "rq:queue:default:intermediate");
        assert_eq!(job("a"), "rq:job:a");
        assert_eq!(dependents("a"), "rq:job:a:dependents");
        assert_eq!(dependencies("a"), "rq:job::a:dependencies");
        assert_eq!(registry(Registry::Started, "b:long"), "rq:wip:b:long");
        assert_eq!(registry(Registry::Failed, "q"), "rq:failed:q");
        assert_eq!(execution("a", "e"), "rq:execution:a:e");
        assert_eq!(queue_name("rq:queue:b:long"), Some("b:long"));
        assert_eq!(queue_name("rq:queue:"), None);
        assert_eq!(queue_name("other"), None);
    }

    #[test]
    fn started_members_of_both_layouts_give_the_job_id() {
        let eid = "0123456789abcdef0123456789abcdef";
        assert_eq!(started_job_id(&format!("job-1:{eid}")), "job-1");
        assert_eq!(started_job_id("job-1"), "job-1");
        assert_eq!(
            started_job_id("site.local::9df6e8e3-0b1c-4d5e-8f00-0123456789ab"),
            "site.local::9df6e8e3-0b1c-4d5e-8f00-0123456789ab"
        );
        assert_eq!(started_job_id(&format!("s::u:{eid}")), "s::u");
        assert_eq!(started_job_id(&format!(":{eid}")), format!(":{eid}"));
        assert_eq!(started_job_member_round_trip(), ["j", "j"]);
    }

    fn started_job_member_round_trip() -> [String; 2] {
        let eid = "0123456789abcdef0123456789abcdef";
        [super::super::Layout::Rq1, super::super::Layout::Rq2]
            .map(|l| started_job_id(&started_member(l, "j", eid)).to_owned())
    }

    #[test]
    fn each_bench_has_its_own_scheduler_keys() {
        let legacy = SchedulerKeys::legacy();
        assert_eq!(legacy.lease(), "rq:bench:scheduler:lease");
        assert_eq!(legacy.ledger("a.b"), "rq:bench:schedule:ledger:a.b");
        let alpha = SchedulerKeys::of(Some("alpha"));
        assert_eq!(alpha.lease(), "rq:bench:alpha:scheduler:lease");
        assert_eq!(alpha.last_run(), "rq:bench:alpha:schedule:last_run");
        assert_ne!(alpha.paused(), SchedulerKeys::of(Some("beta")).paused());
    }

    #[test]
    fn lua_prelude_is_a_table_of_prefixes() {
        let p = lua_prelude();
        assert!(p.starts_with("local K = {"));
        assert!(p.contains("started = \"rq:wip:\","));
    }
}
