//! How one job runs, by method: a registered handler (bench's built-ins and any a
//! Rust program adds), a `[methods]` command, or Python: the warm host's children
//! (`host`) or a fresh interpreter (`python`). Each run is bounded by its timeout and
//! can be stopped; processes run in their own process group so that stopping a job
//! stops everything it started.

mod command;
mod handlers;
pub mod host;
mod python;
pub mod watchdog;

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use serde_json::{Map, Value as Json};
use tokio_util::sync::CancellationToken;

use crate::config::{Config, Isolation};
use crate::service::Log;
use crate::store::Serializer;
use host::{HostError, PyHost};

pub use handlers::{Handler, Handlers, JobInput};

/// Everything a runner needs to know about a job.
#[derive(Debug, Clone)]
pub struct JobSpec {
    pub id: String,
    pub method: String,
    pub args: Vec<Json>,
    pub kwargs: Map<String, Json>,
    /// The job's `data` exactly as stored, for the Python runner.
    pub data: Vec<u8>,
    /// The queue as operators name it (without the bench prefix).
    pub queue: String,
    /// `None` means no limit (RQ's `-1`).
    pub timeout: Option<Duration>,
}

/// How a run ended, before it is recorded in Redis.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    /// Success and the return value, serialized (`None` for no value).
    Ok(Option<Vec<u8>>),
    /// Failure with a traceback or reason.
    Failed(String),
    /// Stopped on request (stop-job).
    Stopped(String),
    /// Interrupted by a cold shutdown; the job goes back to its queue.
    Interrupted,
    /// The process that ran it died under it (the Python host crashed): the job goes
    /// back to its queue or fails, per `[worker] abandoned`, as if its worker had died.
    Abandoned(String),
}

/// Why a running job is being stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StopReason {
    /// `rq`'s stop-job command: the job ends as stopped.
    StopJob = 1,
    /// The worker's second signal: the job is put back.
    Cold = 2,
    /// `rq`'s kill-horse command: the job fails.
    Kill = 3,
}

/// Lets the worker stop one running job, saying why.
#[derive(Debug, Clone, Default)]
pub struct Stopper {
    token: CancellationToken,
    reason: Arc<AtomicU8>,
}

impl Stopper {
    pub fn stop(&self, why: StopReason) {
        let _ = self
            .reason
            .compare_exchange(0, why as u8, Ordering::SeqCst, Ordering::SeqCst);
        self.token.cancel();
    }

    pub async fn stopped(&self) {
        self.token.cancelled().await;
    }

    pub fn reason(&self) -> Option<StopReason> {
        match self.reason.load(Ordering::SeqCst) {
            1 => Some(StopReason::StopJob),
            2 => Some(StopReason::Cold),
            3 => Some(StopReason::Kill),
            _ => None,
        }
    }

    /// The result for a run that ended because it was stopped.
    pub fn result(&self) -> RunResult {
        match self.reason() {
            Some(StopReason::Cold) => RunResult::Interrupted,
            Some(StopReason::Kill) => RunResult::Failed(
                "Work-horse terminated unexpectedly: killed by a kill-horse command".into(),
            ),
            _ => RunResult::Stopped("Job stopped by a stop-job command".into()),
        }
    }
}

/// The timeout message, worded as RQ's so log searches keep working.
pub fn timeout_message(t: Duration) -> String {
    format!(
        "JobTimeoutException: Task exceeded maximum timeout value ({} seconds)",
        t.as_secs()
    )
}

/// Picks and drives the runner for each job.
pub struct Runners {
    cfg: Arc<Config>,
    handlers: Handlers,
    serializer: Serializer,
    log: Log,
    host: Option<Arc<PyHost>>,
    /// Started with the first process a job needs; `None` inside when it could not be.
    watchdog: std::sync::OnceLock<Option<watchdog::Watchdog>>,
}

impl Runners {
    /// Runners that start no process ahead of time: Python jobs get a fresh
    /// interpreter each (`bench enqueue --now`).
    pub fn new(cfg: Arc<Config>, handlers: Handlers, log: Log) -> Runners {
        let serializer = cfg.serializer;
        Runners {
            cfg,
            handlers,
            serializer,
            log,
            host: None,
            watchdog: std::sync::OnceLock::new(),
        }
    }

    fn watchdog(&self) -> Option<&watchdog::Watchdog> {
        self.watchdog
            .get_or_init(|| match watchdog::Watchdog::start() {
                Ok(w) => Some(w),
                Err(e) => {
                    self.log.warn(format!(
                        "cannot start the watchdog that stops jobs when the worker dies ({e}); jobs start with a fork of the worker instead"
                    ));
                    None
                }
            })
            .as_ref()
    }

    /// The worker's runners: with `[python]` in a warm isolation mode, the Python host
    /// is started (and its preload imported) before the first job.
    ///
    /// # Errors
    /// [`HostError`] when the host cannot start or a preload import fails.
    pub async fn start(
        cfg: Arc<Config>,
        handlers: Handlers,
        log: Log,
    ) -> Result<Runners, HostError> {
        let mut r = Runners::new(cfg, handlers, log);
        if let Some(py) = &r.cfg.python
            && py.isolation != Isolation::Interpreter
        {
            let grace = Duration::from_secs(r.cfg.worker.kill_grace);
            r.host = Some(PyHost::start(py, r.serializer, grace, &r.log).await?);
        }
        Ok(r)
    }

    /// Runs `job` to its end, its timeout, or until `stop` fires.
    pub async fn run(&self, job: &JobSpec, stop: &Stopper) -> RunResult {
        if let Some(h) = self.handlers.get(&job.method) {
            return handlers::run(h, job, self.serializer, stop).await;
        }
        if let Some(m) = self.cfg.methods.get(&job.method) {
            let watch = self.watchdog();
            return command::run(m, &self.cfg, job, stop, self.serializer, &self.log, watch).await;
        }
        if let Some(host) = &self.host {
            return host.run(job, stop).await;
        }
        if let Some(py) = &self.cfg.python {
            let watch = self.watchdog();
            return python::run(py, &self.cfg, job, stop, self.serializer, &self.log, watch).await;
        }
        RunResult::Failed(format!(
            "no runner for method {}: add [methods.\"{}\"] or a [python] section to {}",
            job.method,
            job.method,
            self.cfg.source_shown()
        ))
    }

    /// Stops the Python host, if one runs, once no job is left.
    pub async fn shutdown(&self) {
        if let Some(h) = &self.host {
            h.shutdown().await;
        }
    }
}
