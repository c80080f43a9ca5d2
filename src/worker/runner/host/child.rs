//! One forked child of the Python host, as the worker sees it: a channel to send jobs
//! and read results on, its stdout and stderr, and its exit status as the host reports
//! it. Running a job here owns every way a run can end: a result, a crash, a timeout,
//! a stop.

use std::os::fd::OwnedFd;
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::net::unix::pipe;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::wire::{self, Frame};
use crate::service::Log;
use crate::worker::runner::{JobSpec, RunResult, StopReason, Stopper, timeout_message};

/// How a child ended, as the host's `waitpid` saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChildExit {
    Code(i32),
    Signal(i32),
}

impl ChildExit {
    fn describe(self) -> String {
        match self {
            ChildExit::Code(c) => format!("exit status {c}"),
            ChildExit::Signal(s) => {
                let name = Signal::try_from(s).map_or_else(
                    |_| format!("signal {s}"),
                    |sig| format!("signal {s} ({})", sig.as_str()),
                );
                format!("killed by {name}")
            }
        }
    }
}

/// Longest line of job output kept in the log; the rest is cut.
const MAX_LINE: usize = 16 * 1024;

/// A stream of a child's output, split into log lines tagged with the running job.
struct Output {
    pipe: pipe::Receiver,
    buf: Vec<u8>,
    error: bool,
    open: bool,
}

impl Output {
    fn new(fd: OwnedFd, error: bool) -> std::io::Result<Output> {
        Ok(Output {
            pipe: pipe::Receiver::from_owned_fd(fd)?,
            buf: Vec::new(),
            error,
            open: true,
        })
    }

    /// Logs every complete line in the buffer (and the rest too, when `all`).
    fn emit(&mut self, log: &Log, tag: &str, all: bool) {
        while let Some(nl) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=nl).collect();
            self.line(log, tag, &line[..line.len() - 1]);
        }
        if self.buf.len() > MAX_LINE || (all && !self.buf.is_empty()) {
            let rest = std::mem::take(&mut self.buf);
            self.line(log, tag, &rest);
        }
    }

    fn line(&self, log: &Log, tag: &str, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let cut = &line[..line.len().min(MAX_LINE)];
        let text = format!("{tag}: {}", String::from_utf8_lossy(cut));
        if self.error {
            log.warn(text);
        } else {
            log.info(text);
        }
    }

    /// Reads whatever is already in the pipe, without waiting. The child writes its
    /// output before its result frame, so by the time the frame is read the output
    /// is in the pipe, but the reactor may not have seen it yet: the pipe is read
    /// directly (it is non-blocking) rather than through `try_read`, which trusts
    /// the reactor's last word and would leave the job's last lines behind.
    fn drain_now(&mut self, log: &Log, tag: &str) {
        let mut chunk = [0u8; 8192];
        while self.open {
            match nix::unistd::read(&self.pipe, &mut chunk) {
                Ok(0) => self.open = false,
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    self.emit(log, tag, false);
                }
                Err(nix::errno::Errno::EINTR) => {}
                Err(_) => break,
            }
        }
        self.emit(log, tag, true);
    }
}

/// A live child of the host.
pub(super) struct ChildConn {
    pub pid: i32,
    chan: UnixStream,
    inbuf: Vec<u8>,
    out: Output,
    err: Output,
    exit: Option<oneshot::Receiver<ChildExit>>,
    /// `Some(None)`: the host died before reporting this child's end.
    exited: Option<Option<ChildExit>>,
    pub jobs: u64,
    pub rss: u64,
    /// A job was sent and its end not yet seen.
    busy: bool,
}

/// What a run left behind besides its result.
pub(super) struct Ran {
    pub result: RunResult,
    /// The child ran the job to its end and may take another.
    pub reusable: bool,
}

/// Why a run ended before its result arrived.
#[derive(Clone, Copy, PartialEq)]
enum Cut {
    Timeout,
    Stop,
}

impl ChildConn {
    pub(super) fn new(
        pid: i32,
        fds: Vec<OwnedFd>,
        exit: oneshot::Receiver<ChildExit>,
    ) -> std::io::Result<ChildConn> {
        let [chan, out, err]: [OwnedFd; 3] = fds.try_into().map_err(|v: Vec<OwnedFd>| {
            std::io::Error::other(format!(
                "the Python host sent {} descriptors with a child, not 3",
                v.len()
            ))
        })?;
        let chan = std::os::unix::net::UnixStream::from(chan);
        chan.set_nonblocking(true)?;
        Ok(ChildConn {
            pid,
            chan: UnixStream::from_std(chan)?,
            inbuf: Vec::new(),
            out: Output::new(out, false)?,
            err: Output::new(err, true)?,
            exit: Some(exit),
            exited: None,
            jobs: 0,
            rss: 0,
            busy: false,
        })
    }

    /// Whether the host has reported this child gone (or died itself).
    pub(super) fn is_gone(&mut self) -> bool {
        if self.exited.is_some() {
            return true;
        }
        match self.exit.as_mut().map(oneshot::Receiver::try_recv) {
            Some(Ok(e)) => self.exited = Some(Some(e)),
            Some(Err(oneshot::error::TryRecvError::Closed)) => self.exited = Some(None),
            _ => return false,
        }
        self.exit = None;
        true
    }

    fn signal(&self, sig: Signal) {
        let _ = killpg(Pid::from_raw(self.pid), sig);
    }

    /// Runs `job` in this child until its result, its end, its timeout or a stop.
    pub(super) async fn run(
        &mut self,
        job: &JobSpec,
        json: bool,
        deadline: Option<Instant>,
        stop: &Stopper,
        grace: Duration,
        log: &Log,
    ) -> Ran {
        let tag = format!("job {}", job.id);
        let timeout_secs = job
            .timeout
            .map_or(0, |t| u32::try_from(t.as_secs()).unwrap_or(u32::MAX));
        let header = match wire::run_header(&job.id, json, timeout_secs, job.data.len()) {
            Ok(h) => h,
            Err(e) => return self.give_up(RunResult::Failed(e.to_string())),
        };
        self.busy = true;
        let ran = self
            .drive(job, header, deadline, stop, grace, log, &tag)
            .await;
        self.busy = false;
        ran
    }

    #[allow(clippy::too_many_arguments)]
    async fn drive(
        &mut self,
        job: &JobSpec,
        header: Vec<u8>,
        deadline: Option<Instant>,
        stop: &Stopper,
        grace: Duration,
        log: &Log,
        tag: &str,
    ) -> Ran {
        let mut cut: Option<Cut> = None;
        let mut kill_at: Option<Instant> = None;
        let mut eof = false;
        let send = async {
            self.chan.write_all(&header).await?;
            self.chan.write_all(&job.data).await
        };
        let sent = tokio::select! {
            r = send => r.is_ok(),
            () = sleep_until(deadline) => { cut = Some(Cut::Timeout); false }
            () = stop.stopped() => { cut = Some(Cut::Stop); false }
        };
        if !sent {
            // The child died before taking the job, or the run was cut while sending.
            eof = true;
        }
        let mut result: Option<(bool, Vec<u8>)> = None;
        let mut bad: Option<String> = None;
        // After the host reports the child's end, its last frame may still be in the
        // channel: read on until the channel ends, for a moment at most (a grandchild
        // may hold it open).
        let mut linger: Option<Instant> = None;
        while result.is_none() && bad.is_none() && !eof {
            if cut.is_some() && kill_at.is_none() {
                let wait = if stop.reason() == Some(StopReason::Cold) {
                    Duration::ZERO
                } else {
                    grace
                };
                self.signal(Signal::SIGTERM);
                kill_at = Some(Instant::now() + wait);
            }
            tokio::select! {
                biased;
                r = self.chan.read_buf(&mut self.inbuf) => match r {
                    Ok(0) | Err(_) => eof = true,
                    Ok(_) => match wire::take_frame(&mut self.inbuf) {
                        Ok(Some(Frame::Result { ok, rss, payload })) => {
                            self.rss = rss;
                            result = Some((ok, payload));
                        }
                        Ok(None) => {}
                        Err(e) => bad = Some(e.to_string()),
                    },
                },
                r = self.out.pipe.read_buf(&mut self.out.buf), if self.out.open => {
                    if !matches!(r, Ok(n) if n > 0) { self.out.open = false; }
                    self.out.emit(log, tag, false);
                }
                r = self.err.pipe.read_buf(&mut self.err.buf), if self.err.open => {
                    if !matches!(r, Ok(n) if n > 0) { self.err.open = false; }
                    self.err.emit(log, tag, false);
                }
                e = wait_exit(&mut self.exit), if self.exited.is_none() => {
                    self.exit = None;
                    self.exited = Some(e);
                    linger = Some(Instant::now() + Duration::from_millis(500));
                }
                () = sleep_until(linger), if linger.is_some() => eof = true,
                () = sleep_until(deadline), if cut.is_none() => cut = Some(Cut::Timeout),
                () = stop.stopped(), if cut.is_none() => cut = Some(Cut::Stop),
                () = sleep_until(kill_at), if kill_at.is_some() => {
                    self.signal(Signal::SIGKILL);
                    kill_at = None;
                    // Wait for the host to report the end, which now comes at once.
                    eof = true;
                }
            }
        }
        self.out.drain_now(log, tag);
        self.err.drain_now(log, tag);
        self.conclude(job, stop, cut, result, bad).await
    }

    /// What a run came to, once its frames are read: a result, a death, or a cut run
    /// whose child is killed so that nothing of the job outlives it.
    async fn conclude(
        &mut self,
        job: &JobSpec,
        stop: &Stopper,
        cut: Option<Cut>,
        result: Option<(bool, Vec<u8>)>,
        bad: Option<String>,
    ) -> Ran {
        if let Some(why) = bad {
            return self.give_up(RunResult::Failed(why));
        }
        let Some(c) = cut else {
            if let Some((ok, payload)) = result {
                self.jobs += 1;
                let result = if !ok {
                    RunResult::Failed(String::from_utf8_lossy(&payload).into_owned())
                } else if payload.is_empty() {
                    RunResult::Ok(None)
                } else {
                    RunResult::Ok(Some(payload))
                };
                return Ran {
                    result,
                    reusable: true,
                };
            }
            return self.died().await;
        };
        // Cut short: make sure nothing of the job outlives it, then say why.
        self.signal(Signal::SIGKILL);
        let result = match c {
            Cut::Stop => stop.result(),
            Cut::Timeout => {
                let mut text = timeout_message(job.timeout.unwrap_or_default());
                if let Some((false, tb)) = &result {
                    text.push('\n');
                    text.push_str(&String::from_utf8_lossy(tb));
                }
                RunResult::Failed(text)
            }
        };
        Ran {
            result,
            reusable: false,
        }
    }

    /// The child ended without a result: say how, once the host has told us.
    async fn died(&mut self) -> Ran {
        if self.exited.is_none() {
            match tokio::time::timeout(Duration::from_secs(5), wait_exit(&mut self.exit)).await {
                Ok(e) => {
                    self.exit = None;
                    self.exited = Some(e);
                }
                Err(_) => {
                    return self.give_up(RunResult::Failed(format!(
                        "Work-horse terminated unexpectedly: the Python child (pid {}) closed its channel without returning a result",
                        self.pid
                    )));
                }
            }
        }
        let result = match self.exited.flatten() {
            Some(how) => RunResult::Failed(format!(
                "Work-horse terminated unexpectedly: the Python child (pid {}) ended with {} before returning a result",
                self.pid,
                how.describe()
            )),
            None => RunResult::Abandoned(format!(
                "the Python host died while the job ran in its child (pid {})",
                self.pid
            )),
        };
        self.give_up(result)
    }

    fn give_up(&mut self, result: RunResult) -> Ran {
        self.signal(Signal::SIGKILL);
        Ran {
            result,
            reusable: false,
        }
    }
}

impl Drop for ChildConn {
    fn drop(&mut self) {
        // Closing the channel tells an idle child to exit; one that is not idle is
        // being given up on and must not run on unseen.
        if self.exited.is_none() && (self.busy || self.jobs == 0) {
            self.signal(Signal::SIGKILL);
        }
    }
}

async fn wait_exit(rx: &mut Option<oneshot::Receiver<ChildExit>>) -> Option<ChildExit> {
    match rx {
        Some(r) => r.await.ok(),
        None => std::future::pending().await,
    }
}

async fn sleep_until(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}
