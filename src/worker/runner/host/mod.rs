//! The warm Python host: one long-lived interpreter per worker that imports the app
//! once (`[python] preload`) and forks the children that run Python jobs, so no job
//! pays the app's import again.
//!
//! # Processes
//! The worker spawns `python -c <python_host.py>` in a process group of its own, dying
//! with the worker (parent-death signal). The host imports the preload list, calls
//! `gc.freeze()` so children share its pages, and forks a child per request. Each
//! child is a process group of its own (a timeout or stop signals the group) and dies
//! with the host. In `fork` isolation a child runs one job and exits, as RQ's
//! work-horse; in `reuse` isolation it runs jobs until the worker retires it (after
//! `max_jobs_per_child` jobs or past `max_memory_per_child`), as Celery's prefork pool.
//!
//! # Protocol
//! Control socket (`SOCK_SEQPACKET`, the host's fd 3), one JSON object per message:
//! - host → worker: `ready` once preloaded; `preload_failed` with the module and
//!   traceback (the host then exits 1); `child` {seq, pid} with three descriptors
//!   attached (the child's channel, stdout and stderr); `spawn_failed` {seq, error};
//!   `exited` {pid, code | signal} for every child it reaps.
//! - worker → host: `spawn` {seq, max_jobs}. Closing the socket stops the host, which
//!   kills what children remain.
//!
//! Child channel (stream socket), frames `u32 length | u8 kind | body`:
//! - worker → child `R`: `u8 serializer (0 pickle, 1 json) | u32 timeout seconds |
//!   u32 id length | id | the job's data as stored in Redis`.
//! - child → worker `O` (returned) or `E` (raised): `u64 resident bytes | payload`, the
//!   payload being the value serialized as RQ's serializer would, or the traceback.
//!
//! A child's end without a result fails its job with its exit status (a segfault fails
//! only that job). The host's end stops every child; their jobs go back to their queue
//! or fail per `[worker] abandoned`, and the host is started again with backoff.

mod child;
mod wire;

use std::collections::HashMap;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{JobSpec, RunResult, Stopper, timeout_message};
use crate::config::{Isolation, PythonSpec};
use crate::service::Log;
use crate::store::Serializer;
use child::{ChildConn, ChildExit};
use wire::{FromHost, ToHost};

const SOURCE: &str = include_str!("../python_host.py");

/// Why the host could not be started.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(
        "the Python host could not import `{module}` (preload in [python]):\n{traceback}\nhint: fix the import, or the interpreter, path and cwd under [python]"
    )]
    Preload { module: String, traceback: String },
    #[error("cannot start the Python host `{executable}`: {reason}")]
    Start { executable: String, reason: String },
}

/// A request from a job to the host's driver.
struct Spawn {
    max_jobs: u64,
    reply: oneshot::Sender<Result<ChildConn, String>>,
}

/// The host, as jobs use it.
pub struct PyHost {
    spec: PythonSpec,
    serializer: Serializer,
    grace: Duration,
    log: Log,
    requests: mpsc::UnboundedSender<Spawn>,
    /// Reused children between jobs; in fork isolation, one spare forked ahead.
    idle: Mutex<Vec<ChildConn>>,
    /// A spare is being forked.
    refilling: AtomicBool,
    stop: CancellationToken,
    driver: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl PyHost {
    /// Starts the host and waits until it has imported the preload list.
    ///
    /// # Errors
    /// [`HostError`] when the interpreter cannot start or a preload import fails.
    pub async fn start(
        spec: &PythonSpec,
        serializer: Serializer,
        grace: Duration,
        log: &Log,
    ) -> Result<Arc<PyHost>, HostError> {
        let first = Incarnation::start(spec, log).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        let stop = CancellationToken::new();
        let driver = tokio::spawn(drive(spec.clone(), log.clone(), first, rx, stop.clone()));
        Ok(Arc::new(PyHost {
            spec: spec.clone(),
            serializer,
            grace,
            log: log.clone(),
            requests: tx,
            idle: Mutex::new(Vec::new()),
            refilling: AtomicBool::new(false),
            stop,
            driver: Mutex::new(Some(driver)),
        }))
    }

    /// Runs `job` in a child, bounded by its timeout and `stop`.
    pub async fn run(self: &Arc<Self>, job: &JobSpec, stop: &Stopper) -> RunResult {
        let deadline = job.timeout.map(|t| Instant::now() + t);
        let limit = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        let mut child = tokio::select! {
            c = self.checkout() => match c {
                Ok(c) => c,
                Err(e) => return RunResult::Failed(format!("cannot get a Python process to run the job: {e}")),
            },
            () = limit => return RunResult::Failed(timeout_message(job.timeout.unwrap_or_default())),
            () = stop.stopped() => return stop.result(),
        };
        let json = self.serializer == Serializer::Json;
        let ran = child
            .run(job, json, deadline, stop, self.grace, &self.log)
            .await;
        if ran.reusable && self.spec.isolation == Isolation::Reuse {
            self.check_in(child);
        }
        ran.result
    }

    /// An idle child, or a new one. In fork isolation the next job's child is forked
    /// while this one runs, so a busy worker never waits for a fork.
    async fn checkout(self: &Arc<Self>) -> Result<ChildConn, String> {
        let spare = {
            let mut idle = self.idle.lock().expect("idle children lock");
            let mut found = None;
            while let Some(mut c) = idle.pop() {
                if !c.is_gone() {
                    found = Some(c);
                    break;
                }
            }
            found
        };
        if self.spec.isolation == Isolation::Fork {
            self.refill();
        }
        match spare {
            Some(c) => Ok(c),
            None => self.spawn().await,
        }
    }

    /// Asks the host for a new child.
    async fn spawn(&self) -> Result<ChildConn, String> {
        let max_jobs = match self.spec.isolation {
            Isolation::Reuse => 0,
            _ => 1,
        };
        let (reply, rx) = oneshot::channel();
        self.requests
            .send(Spawn { max_jobs, reply })
            .map_err(|_| "the worker is stopping".to_owned())?;
        rx.await
            .map_err(|_| "the Python host is stopping".to_owned())?
    }

    /// Forks a spare child in the background, unless one is ready or on its way.
    fn refill(self: &Arc<Self>) {
        if self.stop.is_cancelled() || self.refilling.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            let empty = me.idle.lock().expect("idle children lock").is_empty();
            if empty && let Ok(c) = me.spawn().await {
                me.idle.lock().expect("idle children lock").push(c);
            }
            me.refilling.store(false, Ordering::SeqCst);
        });
    }

    /// Keeps a child that ran its job for the next one, unless it is due for retirement.
    fn check_in(&self, child: ChildConn) {
        let by_jobs =
            self.spec.max_jobs_per_child > 0 && child.jobs >= self.spec.max_jobs_per_child;
        let by_memory =
            self.spec.max_memory_per_child > 0 && child.rss > self.spec.max_memory_per_child;
        if by_jobs || by_memory {
            let why = if by_memory {
                format!(
                    "its resident memory {} MiB passed max_memory_per_child {} MiB",
                    child.rss >> 20,
                    self.spec.max_memory_per_child >> 20
                )
            } else {
                format!("it ran max_jobs_per_child = {} jobs", child.jobs)
            };
            self.log.info(format!(
                "Python child {} retired after {}: {why}",
                child.pid,
                crate::output::count(child.jobs as usize, "job")
            ));
            return;
        }
        self.idle.lock().expect("idle children lock").push(child);
    }

    /// Stops the host and its children, after the worker's last job.
    pub async fn shutdown(&self) {
        self.idle.lock().expect("idle children lock").clear();
        self.stop.cancel();
        let driver = self.driver.lock().expect("driver lock").take();
        if let Some(d) = driver {
            let _ = d.await;
        }
    }
}

/// Keeps a host running: serves requests, and starts a new host with backoff when one
/// dies, until `stop`.
async fn drive(
    spec: PythonSpec,
    log: Log,
    first: Incarnation,
    mut rx: mpsc::UnboundedReceiver<Spawn>,
    stop: CancellationToken,
) {
    let mut host = first;
    let mut failures = 0u32;
    loop {
        let why = host.serve(&mut rx, &stop).await;
        let lived = host.born.elapsed();
        host.close().await;
        let Some(why) = why else { return };
        if lived > Duration::from_secs(60) {
            failures = 0;
        }
        loop {
            failures = failures.saturating_add(1);
            let wait = restart_delay(failures);
            log.warn(format!(
                "the Python host {why}; its running jobs end per [worker] abandoned; starting a new host in {:.1}s",
                wait.as_secs_f64()
            ));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = stop.cancelled() => return,
            }
            match Incarnation::start(&spec, &log).await {
                Ok(h) => {
                    log.info(format!("Python host restarted with PID {}", h.pid));
                    host = h;
                    break;
                }
                Err(e) => log.warn(e.to_string()),
            }
        }
    }
}

/// 1 s doubling to 30 s: a host that keeps dying does not spin.
fn restart_delay(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.saturating_sub(1).min(5)).min(Duration::from_secs(30))
}

/// One run of the host process.
struct Incarnation {
    process: tokio::process::Child,
    ctl: AsyncFd<OwnedFd>,
    pid: i32,
    born: std::time::Instant,
    seq: u64,
    pending: HashMap<u64, oneshot::Sender<Result<ChildConn, String>>>,
    exits: HashMap<i32, oneshot::Sender<ChildExit>>,
}

/// The host's command line: the embedded source, the preload and warm lists, the
/// control socket as fd 3, its own process group (so a timeout's signal reaches the
/// whole job), and death with the worker.
fn host_command(spec: &PythonSpec, fd: std::os::fd::RawFd) -> Command {
    let mut cmd = Command::new(&spec.executable);
    cmd.arg("-c")
        .arg(SOURCE)
        .current_dir(&spec.cwd)
        .env("BENCH_PY_ROLE", "host")
        .env(
            "BENCH_PRELOAD",
            serde_json::to_string(&spec.preload).unwrap_or_else(|_| "[]".into()),
        )
        .env(
            "BENCH_WARM",
            serde_json::to_string(&spec.warm).unwrap_or_else(|_| "[]".into()),
        )
        .env("PYTHONPATH", super::python::pythonpath(spec))
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .process_group(0)
        .kill_on_drop(true)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls (dup2, fcntl, prctl) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if fd == 3 {
                let flags = libc::fcntl(3, libc::F_GETFD);
                if flags < 0 || libc::fcntl(3, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            } else if libc::dup2(fd, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The host dies with the worker, and its children with it.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd
}

impl Incarnation {
    async fn start(spec: &PythonSpec, log: &Log) -> Result<Incarnation, HostError> {
        let start_err = |reason: String| HostError::Start {
            executable: spec.executable.clone(),
            reason,
        };
        let (ctl, theirs) = wire::control_pair().map_err(|e| start_err(e.to_string()))?;
        let mut cmd = host_command(spec, theirs.as_raw_fd());
        let mut process = cmd.spawn().map_err(|e| {
            // A missing working folder fails the spawn with the same error as a missing
            // interpreter: say which it is.
            start_err(if spec.cwd.is_dir() {
                format!(
                    "{e} (cwd {}); set [python] executable to a Python 3.9 or newer",
                    spec.cwd.display()
                )
            } else {
                format!(
                    "its working folder {} does not exist; set [python] cwd to one that does",
                    spec.cwd.display()
                )
            })
        })?;
        drop(theirs);
        let pid = process.id().map_or(0, |p| p as i32);
        forward(process.stdout.take(), log, false);
        forward(process.stderr.take(), log, true);
        let first = tokio::select! {
            m = wire::recv(&ctl) => m,
            s = process.wait() => {
                let status = s.map_or_else(|e| e.to_string(), |s| s.to_string());
                // Its last words may still be on the way; the control socket has them.
                match tokio::time::timeout(Duration::from_secs(1), wire::recv(&ctl)).await {
                    Ok(m @ Ok(Some(_))) => m,
                    _ => return Err(start_err(format!("it exited with {status} before it was ready (see its output above)"))),
                }
            }
        };
        match first {
            Ok(Some((
                FromHost::Ready {
                    python,
                    seconds,
                    rss,
                    ..
                },
                _,
            ))) => {
                log.info(format!(
                    "Python host started with PID {pid} (Python {python}, {} isolation): preloaded {} in {seconds:.2}s, {} MiB resident",
                    spec.isolation.as_str(),
                    if spec.preload.is_empty() { "nothing".to_owned() } else { spec.preload.join(", ") },
                    rss >> 20
                ));
            }
            Ok(Some((FromHost::PreloadFailed { module, traceback }, _))) => {
                let _ = process.wait().await;
                return Err(HostError::Preload { module, traceback });
            }
            Ok(Some((other, _))) => {
                return Err(start_err(format!("it sent {other:?} before it was ready")));
            }
            Ok(None) => {
                let status = process
                    .wait()
                    .await
                    .map_or_else(|e| e.to_string(), |s| s.to_string());
                return Err(start_err(format!(
                    "it exited with {status} before it was ready (see its output above)"
                )));
            }
            Err(e) => return Err(start_err(e.to_string())),
        }
        Ok(Incarnation {
            process,
            ctl,
            pid,
            born: std::time::Instant::now(),
            seq: 0,
            pending: HashMap::new(),
            exits: HashMap::new(),
        })
    }

    /// Serves spawn requests and host messages until the host dies (`Some(why)`) or the
    /// worker stops it (`None`).
    async fn serve(
        &mut self,
        rx: &mut mpsc::UnboundedReceiver<Spawn>,
        stop: &CancellationToken,
    ) -> Option<String> {
        loop {
            tokio::select! {
                biased;
                () = stop.cancelled() => return None,
                m = wire::recv(&self.ctl) => match m {
                    Ok(Some((msg, fds))) => self.handle(msg, fds),
                    Ok(None) => return Some(self.died().await),
                    Err(e) => {
                        let _ = self.process.start_kill();
                        return Some(format!("broke the protocol ({e}) and was killed"));
                    }
                },
                r = rx.recv() => match r {
                    None => return None,
                    Some(req) => {
                        // A job that gave up waiting does not need a child.
                        if req.reply.is_closed() {
                            continue;
                        }
                        self.seq += 1;
                        let msg = ToHost::Spawn { seq: self.seq, max_jobs: req.max_jobs };
                        if let Err(e) = wire::send(&self.ctl, &msg).await {
                            let _ = req.reply.send(Err(format!("the Python host is gone ({e})")));
                            return Some(self.died().await);
                        }
                        self.pending.insert(self.seq, req.reply);
                    }
                },
            }
        }
    }

    fn handle(&mut self, msg: FromHost, fds: Vec<OwnedFd>) {
        match msg {
            FromHost::Child { seq, pid } => {
                let (tx, rx) = oneshot::channel();
                let conn = ChildConn::new(pid, fds, rx).map_err(|e| e.to_string());
                if conn.is_ok() {
                    self.exits.insert(pid, tx);
                }
                match self.pending.remove(&seq) {
                    Some(reply) => {
                        let _ = reply.send(conn);
                    }
                    // Nobody asked (or they left): the child goes with its channel.
                    None => drop(conn),
                }
            }
            FromHost::SpawnFailed { seq, error } => {
                if let Some(reply) = self.pending.remove(&seq) {
                    let _ = reply.send(Err(format!("the Python host could not fork: {error}")));
                }
            }
            FromHost::Exited { pid, code, signal } => {
                if let Some(tx) = self.exits.remove(&pid) {
                    let how = match (code, signal) {
                        (_, Some(s)) => ChildExit::Signal(s),
                        (Some(c), None) => ChildExit::Code(c),
                        (None, None) => ChildExit::Code(-1),
                    };
                    let _ = tx.send(how);
                }
            }
            FromHost::Ready { .. } | FromHost::PreloadFailed { .. } => {}
        }
    }

    /// The host is gone: collect its exit status for the log.
    async fn died(&mut self) -> String {
        match tokio::time::timeout(Duration::from_secs(5), self.process.wait()).await {
            Ok(Ok(s)) => format!("(PID {}) exited with {s}", self.pid),
            _ => {
                let _ = self.process.start_kill();
                format!("(PID {}) stopped answering and was killed", self.pid)
            }
        }
    }

    /// Ends this host: children still known are killed (they die with the host anyway,
    /// unless the parent-death signal could not be set), jobs waiting for a child are
    /// told, and the process is reaped.
    async fn close(self) {
        let Incarnation {
            mut process,
            ctl,
            pid,
            pending,
            exits,
            ..
        } = self;
        for child in exits.keys() {
            let _ = killpg(Pid::from_raw(*child), Signal::SIGKILL);
        }
        for (_, reply) in pending {
            let _ = reply.send(Err("the Python host stopped".into()));
        }
        // Closing our end of the control socket tells a live host to stop.
        drop(ctl);
        if tokio::time::timeout(Duration::from_secs(5), process.wait())
            .await
            .is_err()
        {
            if pid > 0 {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
            }
            let _ = process.wait().await;
        }
    }
}

/// Logs a host stream line by line, tagged as the host's.
fn forward(
    pipe: Option<impl tokio::io::AsyncRead + Unpin + Send + 'static>,
    log: &Log,
    error: bool,
) {
    let Some(pipe) = pipe else { return };
    let log = log.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).split(b'\n');
        while let Ok(Some(line)) = lines.next_segment().await {
            let text = format!("python host: {}", String::from_utf8_lossy(&line));
            if error {
                log.warn(text);
            } else {
                log.info(text);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_back_off_to_half_a_minute() {
        let secs: Vec<u64> = (1..=8).map(|f| restart_delay(f).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
    }
}
