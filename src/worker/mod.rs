//! `bench worker`: takes jobs from queues in RQ's layout and runs them.
//!
//! One process runs up to `--num-workers` jobs at once. Jobs are claimed in batches by
//! one script call (queue to started registry, atomically) and their ends recorded in
//! batches by another, so a busy worker spends a fraction of a Redis round trip per
//! job. An idle worker blocks on BLMOVE per queue, which wakes it the moment a job
//! arrives. Heartbeats keep its jobs' deadlines fresh; any live worker recovers the
//! jobs of one that died.
//!
//! # Layout
//! - [`runner`]: how one job runs (handlers, commands, Python).
//! - `ahead`: jobs claimed beyond the free slots while jobs are short.
//! - `finisher`: records job ends in batches, retrying while Redis is away.
//! - `upkeep`: heartbeats, recovery of dead workers' jobs, pub/sub commands.
//! - `wait`: the blocking waits of an idle worker.

mod ahead;
mod finisher;
mod metrics;
pub mod runner;
mod upkeep;
mod wait;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use chrono::Utc;
use futures_util::FutureExt as _;
use rand::seq::SliceRandom;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tokio_util::task::task_tracker::TaskTrackerToken;

use crate::config::Config;
use crate::service::Log;
pub use crate::service::Shutdown;
pub(crate) use crate::service::backoff;
use crate::store::job::DEFAULT_TIMEOUT;
use crate::store::lifecycle::{Claimant, Claimed, Finish, ReapPolicy, WorkerInfo};
use crate::store::{Store, StoreError};
use runner::{Handlers, JobSpec, RunResult, Runners, Stopper};

/// Jobs claimed or finished per script call, at most.
const BATCH: usize = 100;

/// The order in which queues are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Strategy {
    /// Strict priority in the order given
    #[default]
    Default,
    /// Each job from the queue after the one the last job came from
    #[value(name = "round_robin", alias = "round-robin")]
    RoundRobin,
    /// Each job from a queue picked at random among those with jobs
    Random,
}

/// Options of `bench worker`.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerArgs {
    /// Queues to take jobs from, comma-separated, highest priority first
    /// [default: short,default,long, then custom queues]
    #[arg(long, short, value_name = "QUEUES", value_delimiter = ',')]
    pub queue: Vec<String>,

    /// Exit once the queues are empty and running jobs are done
    #[arg(long)]
    pub burst: bool,

    /// Redis ACL user to connect as, in place of the configured one (Frappe's `-u`)
    #[arg(long, short = 'u', value_name = "USER")]
    pub rq_username: Option<String>,

    /// Password of that user (Frappe's `-p`)
    #[arg(long, short = 'p', value_name = "PASSWORD")]
    pub rq_password: Option<String>,

    /// Order in which queues are tried
    #[arg(long, value_enum, default_value_t = Strategy::Default)]
    pub strategy: Strategy,

    /// Jobs run at once by this process
    #[arg(long, short = 'n', default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub num_workers: u32,

    /// Worker name shown by `rq info` [default: a random hex id]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Log warnings and errors only
    #[arg(long)]
    pub quiet: bool,

    /// Write progress to this file and warnings to its .error sibling (Frappe: logs/worker.log); SIGHUP reopens them
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<std::path::PathBuf>,

    /// Serve this worker's counters and job-duration histogram for Prometheus at
    /// http://ADDR/metrics (beyond loopback, [dashboard] token is required)
    #[arg(long, value_name = "ADDR")]
    pub metrics_bind: Option<std::net::SocketAddr>,
}

/// Resolved worker options.
#[derive(Debug, Clone)]
pub struct Options {
    /// RQ queue names, in priority order.
    pub queues: Vec<String>,
    pub burst: bool,
    pub strategy: Strategy,
    pub concurrency: usize,
    pub name: String,
    pub quiet: bool,
    /// Progress to this file and warnings to its `.error` sibling, instead of stdio.
    pub log_file: Option<std::path::PathBuf>,
    /// Where to serve `/metrics`, and the bearer token it asks for.
    pub metrics: Option<(std::net::SocketAddr, Option<String>)>,
}

impl Options {
    /// Checks `args` against the configuration: unknown queues are an error naming
    /// the known ones, as Frappe's `bench worker --queue` does.
    ///
    /// # Errors
    /// A [`crate::error::UsageError`] for an unknown queue or a bad name.
    pub fn resolve(cfg: &Config, args: &WorkerArgs) -> Result<Options> {
        let names: Vec<String> = if args.queue.is_empty() {
            cfg.queue_names().iter().map(|s| (*s).to_owned()).collect()
        } else {
            args.queue.clone()
        };
        let mut queues = Vec::new();
        for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if cfg.queue(n).is_none() {
                return Err(crate::usage!(
                    "unknown queue `{n}`; configured queues: {} (add more under [queues] in {})",
                    cfg.queue_names().join(", "),
                    cfg.source_shown()
                )
                .into());
            }
            let q = cfg.qname(n);
            if !queues.contains(&q) {
                queues.push(q);
            }
        }
        if queues.is_empty() {
            return Err(crate::usage!("--queue names no queue").into());
        }
        let name = match &args.name {
            Some(n) if n.is_empty() || n.contains(char::is_whitespace) || n.contains(':') => {
                return Err(crate::usage!(
                    "worker name `{n}` may not be empty or contain spaces or `:`"
                )
                .into());
            }
            Some(n) => n.clone(),
            None => uuid::Uuid::new_v4().simple().to_string(),
        };
        let token = std::env::var("BENCH_DASHBOARD_TOKEN")
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| cfg.dashboard.token.clone());
        if let Some(addr) = args.metrics_bind
            && !addr.ip().is_loopback()
            && token.is_none()
        {
            return Err(crate::usage!(
                "refusing to serve metrics on {addr} without a token; set [dashboard] token in {} (or BENCH_DASHBOARD_TOKEN), or bind 127.0.0.1",
                cfg.source_shown()
            )
            .into());
        }
        Ok(Options {
            queues,
            burst: args.burst,
            strategy: args.strategy,
            concurrency: args.num_workers as usize,
            name,
            quiet: args.quiet,
            log_file: args.log_file.clone(),
            metrics: args.metrics_bind.map(|a| (a, token)),
        })
    }
}

/// A job this process is running.
struct Running {
    queue: String,
    eid: String,
    stopper: Stopper,
}

/// State shared by the worker's tasks.
struct Shared {
    store: Store,
    cfg: Arc<Config>,
    info: WorkerInfo,
    log: Log,
    /// What happens to jobs whose process died under them.
    policy: ReapPolicy,
    running: Mutex<HashMap<String, Running>>,
    redis_down: AtomicBool,
    /// Jobs claimed whose end is not yet recorded in Redis. Recording can release
    /// dependents or requeue a retry, so a burst worker waits for this to reach zero.
    unrecorded: AtomicUsize,
    /// Signalled after each recorded batch.
    recorded: Notify,
    /// Set when one of the worker's own tasks failed: the worker stops with it.
    broken: Mutex<Option<String>>,
    runners: Arc<Runners>,
    /// Every job task, and every slot the finisher is about to refill: a stopping
    /// worker waits for both.
    tracker: TaskTracker,
    /// Where job tasks send their ends. Weak, so that the finisher, which starts job
    /// tasks too, does not keep its own channel open.
    done: mpsc::WeakUnboundedSender<Ended>,
    strategy: Strategy,
    /// The queue order of the last claim (it rotates or shuffles by strategy).
    order: Mutex<Vec<String>>,
    heartbeat_ttl: i64,
    shutdown: Shutdown,
    jobs: AtomicU64,
    meter: metrics::Meter,
    /// Jobs claimed ahead of a free slot.
    ahead: Mutex<ahead::Ahead>,
    /// Signalled when the first job is held, for the watch that gives overdue ones back.
    held: Notify,
    /// Claims in flight whose jobs may yet be held, and the signal that one came back
    /// (or that claims may start again): held jobs go back to their queues only once
    /// all have, in one batch, so no later job can land in front of them.
    claiming: AtomicUsize,
    claimed: Notify,
    /// Set while overdue held jobs go back: no claim starts, so none takes them
    /// straight back or delivers later jobs after they went.
    returning: AtomicBool,
}

/// A run that ended, with the slot it held unless the slot went on to a held job: the
/// finisher records the end and refills a freed slot in one script call.
struct Ended {
    finish: Finish,
    slot: Option<OwnedSemaphorePermit>,
    /// Keeps the tracker open until the slot is refilled or given up.
    busy: TaskTrackerToken,
}

impl Shared {
    /// Logs the first failure of an outage (not every retry), and says what happens next.
    fn redis_error(&self, what: &str, e: &StoreError) {
        if e.is_transient() {
            if !self.redis_down.swap(true, Ordering::SeqCst) {
                self.log.warn(format!(
                    "Redis is unavailable ({what}: {e}); retrying with backoff, no job is lost"
                ));
            }
        } else {
            self.log.warn(format!("{what} failed: {e}"));
        }
    }

    fn redis_ok(&self) {
        if self.redis_down.swap(false, Ordering::SeqCst) {
            self.log.warn("Redis is reachable again; resuming");
        }
    }

    fn running_list(&self) -> Vec<(String, String, String)> {
        let running = self.running.lock().expect("running map lock");
        running
            .iter()
            .map(|(id, r)| (r.queue.clone(), id.clone(), r.eid.clone()))
            .collect()
    }

    /// The queue order for the next claim.
    fn next_order(&self) -> Vec<String> {
        let mut order = self.order.lock().expect("queue order lock");
        if self.strategy == Strategy::Random {
            order.shuffle(&mut rand::rng());
        }
        order.clone()
    }

    /// Round robin goes on from the queue after the one that gave the last job, as
    /// RQ's does, so a queue that is often empty costs the others no turn.
    fn served(&self, jobs: &[Claimed]) {
        let Some(last) = jobs.last() else { return };
        if self.strategy != Strategy::RoundRobin {
            return;
        }
        let mut order = self.order.lock().expect("queue order lock");
        if let Some(at) = order.iter().position(|q| *q == last.queue) {
            order.rotate_left(at + 1);
        }
    }

    fn claimant(&self) -> Claimant<'_> {
        Claimant {
            worker: &self.info.name,
            heartbeat_ttl: self.heartbeat_ttl,
            turns: self.strategy != Strategy::Default,
        }
    }

    /// Reports ids a claim dropped.
    fn report_skipped(&self, skipped: &[(String, String)]) {
        for (id, kind) in skipped {
            self.log.warn(if kind == "none" {
                format!("skipped job {id}: it is in a queue but its hash is gone (expired or deleted)")
            } else {
                format!("skipped job {id}: its key rq:job:{id} is a {kind}, not a job hash; it was taken off its queue")
            });
        }
    }

    /// Runs freshly claimed jobs, one per slot, after any held ones: those were
    /// claimed earlier. Jobs beyond the slots were claimed ahead and are held; slots
    /// beyond the jobs are freed.
    fn start_jobs(self: &Arc<Self>, jobs: Vec<Claimed>, mut slots: Vec<OwnedSemaphorePermit>) {
        if jobs.is_empty() {
            self.run_held(&mut slots);
            return;
        }
        let Some(done) = self.done.upgrade() else {
            // Only once the worker has stopped; the jobs stay started and a live
            // worker recovers them.
            self.log.warn(format!(
                "{} claimed while stopping; a live worker recovers them",
                crate::output::count(jobs.len(), "job")
            ));
            return;
        };
        self.unrecorded.fetch_add(jobs.len(), Ordering::SeqCst);
        let mut jobs = jobs.into_iter();
        let mut starts = Vec::new();
        // A stopping worker starts nothing new: a claim that was in flight holds its
        // jobs, which go back to their queues with the others, in order.
        let slots = if self.shutdown.warm.is_cancelled() {
            Vec::new()
        } else {
            slots
        };
        for slot in slots {
            // Jobs held from an earlier claim came before these in their queues.
            let Some(job) = self.take_held().or_else(|| jobs.next()) else {
                break;
            };
            starts.push(self.start_one(job, slot, &done));
        }
        let extra: Vec<Claimed> = jobs.collect();
        if !extra.is_empty() {
            let (refused, first) = self.ahead.lock().expect("ahead lock").hold(extra);
            if first {
                self.held.notify_one();
            }
            self.give_back_held(refused, "the worker is stopping");
        }
        self.log.infos(&starts);
    }

    /// Runs held jobs in free slots, taking those slots out of `slots`.
    fn run_held(self: &Arc<Self>, slots: &mut Vec<OwnedSemaphorePermit>) {
        let Some(done) = self.done.upgrade() else {
            return;
        };
        let mut starts = Vec::new();
        while !slots.is_empty() {
            let Some(job) = self.take_held() else { break };
            let slot = slots.pop().expect("a free slot");
            starts.push(self.start_one(job, slot, &done));
        }
        self.log.infos(&starts);
    }

    /// The next held job, unless the worker is stopping.
    fn take_held(&self) -> Option<Claimed> {
        if self.shutdown.warm.is_cancelled() {
            return None;
        }
        self.ahead.lock().expect("ahead lock").take()
    }

    /// Counts a run's time and hands its slot the next held job, under one lock.
    fn after_run(&self, took: std::time::Duration) -> Option<Claimed> {
        let mut ahead = self.ahead.lock().expect("ahead lock");
        ahead.observe(took);
        if self.shutdown.warm.is_cancelled() {
            return None;
        }
        ahead.take()
    }

    /// Runs one claimed job in `slot`; returns its start line for the log. When it
    /// ends, the slot goes on to the next held job, or back to the finisher.
    fn start_one(
        self: &Arc<Self>,
        mut job: Claimed,
        slot: OwnedSemaphorePermit,
        done: &mpsc::UnboundedSender<Ended>,
    ) -> String {
        self.jobs.fetch_add(1, Ordering::Relaxed);
        self.meter.started(1);
        let spec = job_spec(&self.cfg, &mut job);
        let short = short_queue(&self.cfg, &job.queue);
        let line = format!(
            "{short}: {} ({})",
            job.hash
                .nonempty("description")
                .unwrap_or_else(|| spec.as_ref().map(|s| s.method.clone()).unwrap_or_default()),
            job.id
        );
        let stopper = Stopper::default();
        self.running.lock().expect("running map lock").insert(
            job.id.clone(),
            Running {
                queue: job.queue.clone(),
                eid: job.eid.clone(),
                stopper: stopper.clone(),
            },
        );
        // A cold stop that came before the job was in the map did not reach it.
        if self.shutdown.cold.is_cancelled() {
            stopper.stop(runner::StopReason::Cold);
        }
        let (shared, done) = (self.clone(), done.clone());
        self.tracker.spawn(async move {
            let started = Utc::now();
            let clock = std::time::Instant::now();
            let malformed = spec.is_err();
            let result = match &spec {
                Ok(_) if stopper.reason().is_some() => stopper.result(),
                // A panic in bench's own code while running a job ends that job,
                // failed with the reason, instead of leaving it started forever.
                Ok(spec) => std::panic::AssertUnwindSafe(shared.runners.run(spec, &stopper))
                    .catch_unwind()
                    .await
                    .unwrap_or_else(|p| {
                        RunResult::Failed(format!(
                            "bench failed while running the job (please report it): {}",
                            panic_text(&*p)
                        ))
                    }),
                Err(reason) => RunResult::Failed(reason.clone()),
            };
            let ended = Utc::now();
            let next = shared.after_run(clock.elapsed());
            shared
                .running
                .lock()
                .expect("running map lock")
                .remove(&job.id);
            let outcome = finisher::outcome(&job, result, malformed);
            let finish = Finish::new(&job, outcome, started, ended);
            finisher::log_end(&shared, &finish);
            // The next held job starts before the end goes to the finisher, so its
            // process is already running while the finisher records this end.
            let slot = match next {
                Some(j) => {
                    let line = shared.start_one(j, slot, &done);
                    shared.log.info(line);
                    None
                }
                None => Some(slot),
            };
            let _ = done.send(Ended {
                finish,
                slot,
                busy: shared.tracker.token(),
            });
        });
        line
    }

    /// Puts held jobs back at the head of their queues, in their order, in one
    /// script call (retried while Redis is away); `why` is said in the log.
    fn give_back_held(self: &Arc<Self>, jobs: Vec<Claimed>, why: &str) {
        if jobs.is_empty() {
            return;
        }
        let what = format!(
            "{} held ahead went back to the head of the queue: {why}",
            crate::output::count(jobs.len(), "job")
        );
        self.end_held(jobs, runner::RunResult::Interrupted, what);
    }

    /// Records held jobs as ended unrun with `result` (interrupted: back to the head
    /// of the queue; stopped: in the failed registry), and logs `what`.
    fn end_held(self: &Arc<Self>, jobs: Vec<Claimed>, result: RunResult, what: String) {
        let shared = self.clone();
        self.tracker
            .spawn(async move { shared.record_held(jobs, result, what).await });
    }

    async fn record_held(&self, mut jobs: Vec<Claimed>, result: RunResult, what: String) {
        self.log.info(what);
        // Each goes to the head of its queue in turn, so the last is put back first.
        jobs.reverse();
        let now = Utc::now();
        let finishes: Vec<Finish> = jobs
            .iter()
            .map(|j| Finish::new(j, finisher::outcome(j, result.clone(), true), now, now))
            .collect();
        finisher::record_unclaimed(self, &finishes).await;
        self.unrecorded.fetch_sub(finishes.len(), Ordering::SeqCst);
        self.recorded.notify_waiters();
    }

    /// Marks a claim as in flight until [`Shared::claim_ends`]; false, with nothing
    /// marked, while held jobs go back or once the worker is stopping.
    fn claim_starts(&self) -> bool {
        self.claiming.fetch_add(1, Ordering::SeqCst);
        if self.shutdown.warm.is_cancelled() || self.returning.load(Ordering::SeqCst) {
            self.claim_ends();
            return false;
        }
        true
    }

    /// Waits until a claim may start and marks it in flight, as [`Shared::claim_starts`];
    /// false once the worker is stopping.
    async fn claim_may_start(&self) -> bool {
        loop {
            let notified = self.claimed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !self.returning.load(Ordering::SeqCst) && self.claim_starts() {
                return true;
            }
            if self.shutdown.warm.is_cancelled() {
                return false;
            }
            tokio::select! {
                () = notified => {}
                () = self.shutdown.warm.cancelled() => return false,
            }
        }
    }

    fn claim_ends(&self) {
        self.claiming.fetch_sub(1, Ordering::SeqCst);
        self.claimed.notify_waiters();
    }

    /// Returns once no claim is in flight.
    async fn claims_settled(&self) {
        loop {
            let notified = self.claimed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.claiming.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }

    /// A stopping worker's held jobs, back at the head of their queues through the
    /// finisher, so that runs a cold stop interrupts afterwards go in front of them.
    fn give_back_in_turn(self: &Arc<Self>, mut jobs: Vec<Claimed>) {
        if jobs.is_empty() {
            return;
        }
        let Some(done) = self.done.upgrade() else {
            return;
        };
        self.log.info(format!(
            "{} held ahead went back to the head of the queue: the worker is stopping",
            crate::output::count(jobs.len(), "job")
        ));
        // Each goes to the head of its queue in turn, so the last is put back first.
        jobs.reverse();
        let now = Utc::now();
        for j in &jobs {
            let outcome = finisher::outcome(j, RunResult::Interrupted, true);
            let _ = done.send(Ended {
                finish: Finish::new(j, outcome, now, now),
                slot: None,
                busy: self.tracker.token(),
            });
        }
    }

    /// Gives back held jobs once the oldest has waited [`ahead::HOLD`], until `stop`.
    async fn watch_held(self: Arc<Self>, stop: CancellationToken) {
        loop {
            let due = self.ahead.lock().expect("ahead lock").due();
            let Some(due) = due else {
                tokio::select! {
                    () = self.held.notified() => continue,
                    () = stop.cancelled() => return,
                }
            };
            tokio::select! {
                () = tokio::time::sleep_until(due.into()) => {}
                () = stop.cancelled() => return,
            }
            // A slot may have taken the jobs meanwhile.
            let due = self.ahead.lock().expect("ahead lock").due();
            if due.is_none_or(|d| d > std::time::Instant::now()) {
                continue;
            }
            // Claims in flight hold their jobs first: those came later in the queues,
            // so they go back in the same batch, behind the ones held before.
            self.returning.store(true, Ordering::SeqCst);
            self.claims_settled().await;
            let overdue = self
                .ahead
                .lock()
                .expect("ahead lock")
                .overdue(std::time::Instant::now());
            if !overdue.is_empty() {
                let what = format!(
                    "{} held ahead went back to the head of the queue: the slot they waited \
                     for is running a longer job",
                    crate::output::count(overdue.len(), "job")
                );
                self.record_held(overdue, RunResult::Interrupted, what)
                    .await;
            }
            self.returning.store(false, Ordering::SeqCst);
            self.claimed.notify_waiters();
        }
    }

    fn stop_all(&self, why: runner::StopReason) {
        for r in self.running.lock().expect("running map lock").values() {
            r.stopper.stop(why);
        }
    }
}

/// What a worker did, for its last log line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub jobs: u64,
}

/// Runs a worker until `shutdown` (or, with `burst`, until the queues are empty).
///
/// # Errors
/// Registration failures (Redis unreachable at start, name taken).
pub async fn run(
    cfg: Arc<Config>,
    store: Store,
    opts: Options,
    handlers: Handlers,
    shutdown: Shutdown,
) -> Result<Summary> {
    let log = Log::to(opts.log_file.as_deref(), opts.quiet)?;
    log.reopen_on_sighup()?;
    // The Python host imports the app before the worker registers: a broken import
    // stops the worker here, with the traceback, and no job is taken.
    let runners = tokio::select! {
        r = Runners::start(cfg.clone(), handlers, log.clone()) => Arc::new(r?),
        () = shutdown.warm.cancelled() => return Ok(Summary::default()),
    };
    let ttl = cfg.worker.heartbeat_ttl;
    let info = register(&store, &opts, &log, ttl).await?;

    let (done_tx, done_rx) = mpsc::unbounded_channel::<Ended>();
    let tracker = TaskTracker::new();
    let shared = Arc::new(Shared {
        store: store.clone(),
        cfg: cfg.clone(),
        info,
        log,
        policy: ReapPolicy {
            requeue: cfg.worker.abandoned == crate::config::Abandoned::Requeue,
            max_recoveries: cfg.worker.max_recoveries,
        },
        running: Mutex::new(HashMap::new()),
        redis_down: AtomicBool::new(false),
        unrecorded: AtomicUsize::new(0),
        recorded: Notify::new(),
        broken: Mutex::new(None),
        runners: runners.clone(),
        tracker: tracker.clone(),
        done: done_tx.downgrade(),
        strategy: opts.strategy,
        order: Mutex::new(opts.queues.clone()),
        heartbeat_ttl: ttl,
        shutdown: shutdown.clone(),
        jobs: AtomicU64::new(0),
        meter: metrics::Meter::default(),
        ahead: Mutex::new(ahead::Ahead::new(cfg.worker.claim_ahead)),
        held: Notify::new(),
        claiming: AtomicUsize::new(0),
        claimed: Notify::new(),
        returning: AtomicBool::new(false),
    });
    let finisher = guarded(
        &shared,
        &shutdown,
        "finisher",
        finisher::run(
            shared.clone(),
            done_rx,
            opts.concurrency + cfg.worker.claim_ahead,
        ),
    );
    let helpers = Helpers::start(&shared, &opts).await?;

    let mut waits = wait::Waits::start(&shared, &opts.queues, opts.burst);
    let mut pending_moved = fill_slots(&shared, opts.concurrency, opts.burst, &mut waits).await;

    // Warm stop: no new jobs; running ones finish unless a cold stop interrupts them.
    let _ = waits.idle.send(false);
    // Once no claim is in flight, and before a cold stop puts running jobs (which
    // came first) back at the head of their queues.
    shared.claims_settled().await;
    let held = shared.ahead.lock().expect("ahead lock").close();
    shared.give_back_in_turn(held);
    let_running_jobs_end(&shared, &tracker).await;
    runners.shutdown().await;
    pending_moved.extend(waits.end().await);
    if let Err(e) = store.give_back(&pending_moved).await {
        shared.log.warn(format!("could not return {} job id(s) to their queue ({e}); any live worker recovers them within a minute", pending_moved.len()));
    }
    drop(done_tx);
    let _ = finisher.await;
    helpers.end().await;
    farewell(&shared).await
}

/// Deregisters the worker and says how it ended; a worker stopped by a failed task of
/// its own exits non-zero, for its process manager to restart it.
async fn farewell(shared: &Shared) -> Result<Summary> {
    if let Err(e) = shared.store.deregister_worker(&shared.info).await {
        shared.log.warn(format!(
            "could not deregister worker {}: {e}",
            shared.info.name
        ));
    }
    let summary = Summary {
        jobs: shared.jobs.load(Ordering::Relaxed),
    };
    shared.log.info(format!(
        "Worker {} stopped after {}",
        shared.info.name,
        crate::output::count(summary.jobs as usize, "job")
    ));
    if let Some(why) = shared.broken.lock().expect("broken lock").take() {
        anyhow::bail!("{why}; the worker stopped so that its process manager restarts it");
    }
    Ok(summary)
}

/// The worker's tasks beside its jobs: heartbeat and upkeep, the listener for RQ's
/// worker commands (shutdown, kill-horse, stop-job), and the optional metrics endpoint.
struct Helpers {
    stop: CancellationToken,
    heartbeat: tokio::task::JoinHandle<()>,
    held: tokio::task::JoinHandle<()>,
    commands: tokio::task::JoinHandle<()>,
    metrics: Option<tokio::task::JoinHandle<()>>,
}

impl Helpers {
    async fn start(shared: &Arc<Shared>, opts: &Options) -> Result<Helpers> {
        let stop = CancellationToken::new();
        let shutdown = &shared.shutdown;
        let metrics = match &opts.metrics {
            Some((addr, token)) => {
                Some(metrics::serve(shared.clone(), *addr, token.clone(), stop.clone()).await?)
            }
            None => None,
        };
        let heartbeat = guarded(
            shared,
            shutdown,
            "heartbeat",
            upkeep::run(shared.clone(), shutdown.clone(), stop.clone()),
        );
        let commands = guarded(
            shared,
            shutdown,
            "command listener",
            upkeep::listen(shared.clone(), shutdown.clone(), stop.clone()),
        );
        let held = guarded(
            shared,
            shutdown,
            "held-job watch",
            shared.clone().watch_held(stop.clone()),
        );
        Ok(Helpers {
            stop,
            heartbeat,
            held,
            commands,
            metrics,
        })
    }

    /// Stops them once every job's end is recorded: heartbeats go on until then.
    async fn end(self) {
        self.stop.cancel();
        let _ = self.heartbeat.await;
        let _ = self.held.await;
        if let Some(m) = self.metrics {
            let _ = m.await;
        }
        let _ = self.commands.await;
    }
}

/// Registers the worker under its name, after checking the ACL user may do what a
/// worker does, and says so in the log.
async fn register(store: &Store, opts: &Options, log: &Log, ttl: i64) -> Result<WorkerInfo> {
    let info = WorkerInfo {
        name: opts.name.clone(),
        queues: opts.queues.clone(),
        pid: std::process::id(),
        hostname: gethostname::gethostname().to_string_lossy().into_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let no_channel = store
        .check_permissions()
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the worker: {e}"))?;
    if !no_channel.is_empty() {
        log.warn(crate::store::acl::channel_refused(&no_channel));
    }
    store
        .register_worker(&info, ttl)
        .await
        .map_err(|e| anyhow::anyhow!("cannot register the worker: {e}"))?;
    log.info(format!(
        "Worker {} started with PID {}, version {}; listening on {} (up to {} jobs at once)",
        info.name,
        info.pid,
        info.version,
        opts.queues.join(", "),
        opts.concurrency
    ));
    Ok(info)
}

/// Fills free slots until a warm stop (or, in burst mode, until nothing is left):
/// at start, after an idle wait, and whenever the finisher's claim came back short.
/// A busy slot is refilled by the finisher, in the same script call that records its
/// job's end. Returns the ids a blocking move took that no claim started yet.
async fn fill_slots(
    shared: &Arc<Shared>,
    concurrency: usize,
    burst: bool,
    waits: &mut wait::Waits,
) -> Vec<(String, String)> {
    let mut pending_moved: Vec<(String, String)> = Vec::new();
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut attempt = 0u32;

    'fetch: loop {
        let Some(mut permits) = free_slots(&slots, &shared.shutdown).await else {
            break 'fetch;
        };
        // Jobs held ahead are claimed already: free slots take them first.
        shared.run_held(&mut permits);
        if permits.is_empty() {
            continue;
        }
        while let Ok(m) = waits.moved.try_recv() {
            pending_moved.push(m);
        }
        if pending_moved.len() > permits.len() {
            let extra = pending_moved.split_off(permits.len());
            if let Err(e) = shared.store.give_back(&extra).await {
                shared.redis_error("returning jobs to their queue", &e);
                pending_moved.extend(extra);
            }
        }
        if !shared.claim_may_start().await {
            break 'fetch;
        }
        // Held jobs may have come while the claim waited: they go first.
        shared.run_held(&mut permits);
        if permits.is_empty() {
            shared.claim_ends();
            continue;
        }
        let order = shared.next_order();
        let want = permits.len().saturating_sub(pending_moved.len());
        // Read before claiming: if nothing was unrecorded then, this claim saw every
        // dependent or retry those recordings could have queued.
        let unrecorded_before = shared.unrecorded.load(Ordering::SeqCst);
        let claim = match shared
            .store
            .claim(&shared.claimant(), &order, want, &pending_moved)
            .await
            .inspect_err(|_| shared.claim_ends())
        {
            Ok(c) => {
                shared.redis_ok();
                attempt = 0;
                pending_moved.clear();
                c
            }
            Err(e) => {
                shared.redis_error("taking jobs", &e);
                drop(permits);
                attempt += 1;
                tokio::select! {
                    () = tokio::time::sleep(backoff(attempt)) => {}
                    () = shared.shutdown.warm.cancelled() => break 'fetch,
                }
                continue;
            }
        };
        shared.report_skipped(&claim.skipped);
        // Its jobs are running or held before the claim counts as back.
        let claimed_any = !claim.jobs.is_empty();
        shared.served(&claim.jobs);
        shared.start_jobs(claim.jobs, permits);
        shared.claim_ends();
        if claimed_any {
            continue;
        }
        let went_on = wait_for_work(
            shared,
            burst,
            claim.suspended,
            unrecorded_before,
            waits,
            &mut pending_moved,
        )
        .await;
        if !went_on {
            break 'fetch;
        }
    }
    pending_moved
}

/// After a claim that found no job: waits for the suspension to lift, for a recorded
/// end that may queue more (a burst worker), or for work. False when the fetch loop
/// should end: a burst worker with nothing left, or a stop.
async fn wait_for_work(
    shared: &Arc<Shared>,
    burst: bool,
    suspended: bool,
    unrecorded_before: usize,
    waits: &mut wait::Waits,
    pending_moved: &mut Vec<(String, String)>,
) -> bool {
    if suspended {
        if burst {
            shared
                .log
                .info("Workers are suspended (rq suspend); burst worker exits");
            return false;
        }
        return tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => true,
            () = shared.shutdown.warm.cancelled() => false,
        };
    }
    if burst {
        if unrecorded_before == 0 {
            return false;
        }
        // A recorded end may release dependents or requeue a retry: look again then.
        tokio::select! {
            () = shared.recorded.notified() => {}
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
        return true;
    }
    let _ = waits.idle.send(true);
    let went_on = tokio::select! {
        m = waits.moved.recv() => {
            pending_moved.extend(m);
            true
        }
        () = tokio::time::sleep(Duration::from_secs(5)) => true,
        () = shared.shutdown.warm.cancelled() => false,
    };
    // A stopping worker stays idle to the end.
    if went_on {
        let _ = waits.idle.send(false);
    }
    went_on
}

/// Waits for a free slot and takes every free slot (up to a batch), or None on a warm
/// stop.
async fn free_slots(
    slots: &Arc<Semaphore>,
    shutdown: &Shutdown,
) -> Option<Vec<OwnedSemaphorePermit>> {
    let first = tokio::select! {
        p = slots.clone().acquire_owned() => p.expect("semaphore is never closed"),
        () = shutdown.warm.cancelled() => return None,
    };
    let mut permits = vec![first];
    while permits.len() < BATCH {
        match slots.clone().try_acquire_owned() {
            Ok(p) => permits.push(p),
            Err(_) => break,
        }
    }
    Some(permits)
}

/// Warm stop: no new jobs; running ones finish unless a cold stop interrupts them,
/// which puts them back on their queues.
async fn let_running_jobs_end(shared: &Shared, tracker: &TaskTracker) {
    tracker.close();
    if !tracker.is_empty() {
        shared.log.info(format!(
            "Warm shutdown: waiting for {} to finish (signal again to stop them now)",
            crate::output::count(tracker.len(), "running job")
        ));
    }
    tokio::select! {
        () = tracker.wait() => {}
        () = shared.shutdown.cold.cancelled() => {
            let n = tracker.len();
            shared.log.warn(format!("Cold shutdown: stopping {} and putting them back on their queues", crate::output::count(n, "running job")));
            shared.stop_all(runner::StopReason::Cold);
            tracker.wait().await;
        }
    }
}

/// Runs one of the worker's own tasks. Should it panic (a bug), the worker stops: cold,
/// so running jobs go back to their queues, then with exit code 1 and the reason, for
/// its process manager to restart it rather than leave it running half-dead.
fn guarded<F>(
    shared: &Arc<Shared>,
    shutdown: &Shutdown,
    what: &'static str,
    task: F,
) -> tokio::task::JoinHandle<()>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (shared, shutdown) = (shared.clone(), shutdown.clone());
    tokio::spawn(async move {
        if let Err(p) = std::panic::AssertUnwindSafe(task).catch_unwind().await {
            let why = format!("bench's {what} task failed: {}", panic_text(&*p));
            shared.log.warn(format!("{why}; stopping the worker"));
            *shared.broken.lock().expect("broken lock") = Some(why);
            shutdown.warm.cancel();
            shutdown.cold.cancel();
        }
    })
}

/// A panic's message, as far as it has one.
pub(crate) fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// The queue as operators name it.
fn short_queue(cfg: &Config, qname: &str) -> String {
    cfg.queue_by_qname(qname)
        .map(|q| q.name.clone())
        .unwrap_or_else(|| qname.to_owned())
}

/// Reads what a run needs from the claimed hash, or says why the job is set aside.
/// `data` moves into the spec: nothing after the run reads it from the hash.
fn job_spec(cfg: &Config, job: &mut Claimed) -> Result<JobSpec, String> {
    let call = job
        .hash
        .validate_for_run()
        .map_err(|e| format!("bench set this job aside because it is malformed: {e}"))?;
    let timeout = match job.hash.int("timeout").ok().flatten() {
        Some(-1) => None,
        Some(t) if t > 0 => Some(t),
        _ => Some(
            cfg.queue_by_qname(&job.queue)
                .map(|q| q.timeout)
                .unwrap_or(DEFAULT_TIMEOUT),
        ),
    };
    Ok(JobSpec {
        id: job.id.clone(),
        method: call.func,
        args: call.args,
        kwargs: call.kwargs,
        data: job.hash.fields.remove("data").unwrap_or_default(),
        queue: short_queue(cfg, &job.queue),
        timeout: timeout.map(|t| Duration::from_secs(t as u64)),
    })
}

/// Runs one job in this process through the runners a worker uses, touching no Redis:
/// `bench enqueue --now`, Frappe's `enqueue(now=True)`.
///
/// # Errors
/// Only when the call cannot be encoded for the Python runner.
pub async fn run_now(
    cfg: Arc<Config>,
    job: &crate::store::NewJob,
    handlers: Handlers,
) -> Result<RunResult> {
    let data =
        crate::store::payload::encode_call(&job.func, &job.args, &job.kwargs, cfg.serializer)?;
    let spec = JobSpec {
        id: job.id.clone(),
        method: job.func.clone(),
        args: job.args.clone(),
        kwargs: job.kwargs.clone(),
        data,
        queue: short_queue(&cfg, &job.queue),
        timeout: job
            .timeout
            .filter(|t| *t > 0)
            .map(|t| Duration::from_secs(t as u64)),
    };
    Ok(
        Runners::new(cfg, handlers, crate::service::Log::stdio(false))
            .run(&spec, &Stopper::default())
            .await,
    )
}
