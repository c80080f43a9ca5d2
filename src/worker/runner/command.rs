//! Jobs run as a program: `[methods."x.y"] command = [...]`. Also the process
//! machinery the Python runner shares: own process group, bounded output capture,
//! timeout and stop handling with SIGTERM, a grace period, then SIGKILL to the group.

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};

use super::watchdog::Watchdog;
use nix::unistd::Pid;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::{JobSpec, RunResult, StopReason, Stopper, timeout_message};
use crate::config::{Config, MethodSpec};
use crate::service::Log;
use crate::store::{Serializer, payload};

/// Bytes of stderr kept for the traceback of a failed command.
const STDERR_TAIL: usize = 8 * 1024;
/// Longest stderr line copied to the worker log; the rest is cut.
const MAX_LINE: usize = 16 * 1024;

/// Copies a job's stderr to the worker's log, line by line, tagged with the job id.
pub(super) struct LineLog {
    log: Log,
    tag: String,
    partial: Vec<u8>,
}

impl LineLog {
    pub(super) fn new(log: &Log, job_id: &str) -> LineLog {
        LineLog {
            log: log.clone(),
            tag: format!("job {job_id}"),
            partial: Vec::new(),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.partial.extend_from_slice(bytes);
        while let Some(nl) = self.partial.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=nl).collect();
            self.emit(&line[..line.len() - 1]);
        }
        if self.partial.len() > MAX_LINE {
            let rest = std::mem::take(&mut self.partial);
            self.emit(&rest);
        }
    }

    fn finish(&mut self) {
        if !self.partial.is_empty() {
            let rest = std::mem::take(&mut self.partial);
            self.emit(&rest);
        }
    }

    fn emit(&self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = &line[..line.len().min(MAX_LINE)];
        self.log
            .warn(format!("{}: {}", self.tag, String::from_utf8_lossy(line)));
    }
}

/// How a process run ended.
pub(super) struct ProcessEnd {
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stdout_truncated: bool,
    pub stderr_tail: String,
    pub ended_by: EndedBy,
}

#[derive(Debug, PartialEq)]
pub(super) enum EndedBy {
    Exit,
    Timeout,
    Stop,
}

/// Builds a command whose process (and its children) live in a process group of
/// their own: a signal to the worker's group (Ctrl-C, supervisord) leaves running
/// jobs alone, and stopping a job can reach every process it started.
///
/// If the worker itself is killed (-9), the job must not run on unseen while its id is
/// recovered and run again elsewhere. With a [`Watchdog`] the job carries its token and
/// starts by `posix_spawn`; without one (it could not start), the kernel is asked to kill
/// the job with its parent, which costs a fork of the worker per job.
pub(super) fn command(argv: &[String], watch: Option<&Watchdog>) -> Command {
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match watch {
        Some(w) => {
            cmd.env(super::watchdog::ENV, w.token());
        }
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        None => unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        },
    }
    cmd
}

/// Runs a spawned-to-be command to its end, its timeout, or a stop.
pub(super) async fn drive(
    mut cmd: Command,
    stdin: Vec<u8>,
    timeout: Option<Duration>,
    stop: &Stopper,
    grace: Duration,
    max_stdout: usize,
    lines: Option<LineLog>,
) -> std::io::Result<ProcessEnd> {
    let mut child = cmd.spawn()?;
    let pgid = child.id().map(|p| Pid::from_raw(p as i32));
    let mut input = child.stdin.take();
    let feed = async move {
        if let Some(pipe) = input.as_mut() {
            // A job that never reads its stdin must not fail the run: ignore EPIPE.
            let _ = pipe.write_all(&stdin).await;
        }
        drop(input);
    };
    let out = read_limited(child.stdout.take(), max_stdout);
    let err = read_tail(child.stderr.take(), STDERR_TAIL, lines);
    let limit = async {
        match timeout {
            Some(t) => tokio::time::sleep(t).await,
            None => std::future::pending().await,
        }
    };
    let waited = async { tokio::join!(feed, out, err, child.wait()) };
    tokio::pin!(waited);
    let ended_by = tokio::select! {
        (_, (stdout, truncated), stderr_tail, status) = &mut waited => {
            return Ok(ProcessEnd { status: status.ok(), stdout, stdout_truncated: truncated, stderr_tail, ended_by: EndedBy::Exit });
        }
        () = limit => EndedBy::Timeout,
        () = stop.stopped() => EndedBy::Stop,
    };
    // Timeout or stop: TERM the whole group, give it the grace period, then KILL.
    // A cold shutdown does not wait: the job is going back to its queue anyway.
    let grace = if stop.reason() == Some(StopReason::Cold) {
        Duration::ZERO
    } else {
        grace
    };
    if let Some(pg) = pgid {
        let _ = killpg(pg, Signal::SIGTERM);
    }
    let (_, (stdout, truncated), stderr_tail, status) =
        match tokio::time::timeout(grace, &mut waited).await {
            Ok(done) => done,
            Err(_) => {
                if let Some(pg) = pgid {
                    let _ = killpg(pg, Signal::SIGKILL);
                }
                waited.await
            }
        };
    // Children that ignored TERM or outlived the leader go too.
    if let Some(pg) = pgid {
        let _ = killpg(pg, Signal::SIGKILL);
    }
    Ok(ProcessEnd {
        status: status.ok(),
        stdout,
        stdout_truncated: truncated,
        stderr_tail,
        ended_by,
    })
}

/// Feeds every chunk read from `pipe` to `take` until it closes. A job's output is
/// read to its end whatever is kept, so a chatty job never blocks on a full pipe.
async fn each_chunk(pipe: &mut (impl AsyncRead + Unpin), mut take: impl FnMut(&[u8])) {
    // On the heap: an array here would sit inside every running job's future, which
    // is copied at its full size each time a job's task is spawned.
    let mut buf = vec![0u8; 8192];
    while let Ok(n) = pipe.read(&mut buf).await {
        if n == 0 {
            break;
        }
        take(&buf[..n]);
    }
}

/// The first `max` bytes of the output, and whether more came.
async fn read_limited(pipe: Option<impl AsyncRead + Unpin>, max: usize) -> (Vec<u8>, bool) {
    let Some(mut pipe) = pipe else {
        return (Vec::new(), false);
    };
    let mut kept = Vec::new();
    let mut truncated = false;
    each_chunk(&mut pipe, |chunk| {
        let room = max.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        truncated |= chunk.len() > room;
    })
    .await;
    (kept, truncated)
}

/// The last `keep` bytes of the output, each line also logged as it comes.
async fn read_tail(
    pipe: Option<impl AsyncRead + Unpin>,
    keep: usize,
    mut lines: Option<LineLog>,
) -> String {
    let Some(mut pipe) = pipe else {
        return String::new();
    };
    let mut tail: Vec<u8> = Vec::new();
    each_chunk(&mut pipe, |chunk| {
        if let Some(l) = lines.as_mut() {
            l.feed(chunk);
        }
        tail.extend_from_slice(chunk);
        if tail.len() > 2 * keep {
            tail.drain(..tail.len() - keep);
        }
    })
    .await;
    if let Some(l) = lines.as_mut() {
        l.finish();
    }
    if tail.len() > keep {
        tail.drain(..tail.len() - keep);
    }
    String::from_utf8_lossy(&tail).into_owned()
}

/// Describes a non-zero exit for the failed job's traceback.
pub(super) fn exit_text(status: Option<ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Some(s) if s.code().is_some() => format!("exit status {}", s.code().unwrap_or_default()),
        Some(s) => format!("killed by signal {}", s.signal().unwrap_or_default()),
        None => "exit status unknown".into(),
    }
}

/// Runs a `[methods]` command job.
pub(super) async fn run(
    m: &MethodSpec,
    cfg: &Config,
    job: &JobSpec,
    stop: &Stopper,
    ser: Serializer,
    log: &Log,
    watch: Option<&Watchdog>,
) -> RunResult {
    let mut cmd = command(&m.command, watch);
    let cwd = m.cwd.as_deref().unwrap_or(&cfg.dir);
    cmd.current_dir(cwd)
        .env("BENCH_JOB_ID", &job.id)
        .env("BENCH_JOB_METHOD", &job.method)
        .env("BENCH_QUEUE", &job.queue)
        .envs(m.env.iter().map(|(k, v)| (k, v)));
    let stdin = serde_json::to_vec(&job.kwargs).unwrap_or_else(|_| b"{}".to_vec());
    let timeout = m
        .timeout
        .map(|t| Duration::from_secs(t as u64))
        .or(job.timeout);
    let grace = Duration::from_secs(cfg.worker.kill_grace);
    let end = match drive(
        cmd,
        stdin,
        timeout,
        stop,
        grace,
        cfg.worker.result_max_bytes,
        Some(LineLog::new(log, &job.id)),
    )
    .await
    {
        Ok(end) => end,
        // A missing working folder fails the spawn as a missing program does.
        Err(_) if !cwd.is_dir() => {
            return RunResult::Failed(format!(
                "cannot start `{}`: its working folder {} does not exist (cwd of [methods.\"{}\"])",
                m.command[0],
                cwd.display(),
                job.method
            ));
        }
        Err(e) => return RunResult::Failed(format!("cannot start `{}`: {e}", m.command[0])),
    };
    match end.ended_by {
        EndedBy::Timeout => RunResult::Failed(format!(
            "{}\n{}",
            timeout_message(timeout.unwrap_or_default()),
            end.stderr_tail
        )),
        EndedBy::Stop => stop.result(),
        EndedBy::Exit if end.status.is_some_and(|s| s.success()) => {
            let mut text = String::from_utf8_lossy(&end.stdout).into_owned();
            if end.stdout_truncated {
                text.push_str("\n[output truncated]");
            }
            match payload::encode_value(&serde_json::Value::String(text), ser) {
                Ok(bytes) => RunResult::Ok(Some(bytes)),
                Err(e) => RunResult::Failed(format!("the output cannot be serialized: {e}")),
            }
        }
        EndedBy::Exit => RunResult::Failed(format!(
            "`{}` failed with {}\n{}",
            m.command.join(" "),
            exit_text(end.status),
            end.stderr_tail
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job's task holds this future and is moved at its full size when spawned, so
    /// buffers belong on the heap: read buffers kept in it would be copied with every
    /// job.
    #[test]
    fn a_running_command_is_small_to_move() {
        let stop = Stopper::default();
        let run = drive(
            Command::new("true"),
            Vec::new(),
            None,
            &stop,
            Duration::ZERO,
            0,
            None,
        );
        let size = std::mem::size_of_val(&run);
        assert!(size < 4096, "the drive future takes {size} bytes");
    }
}
