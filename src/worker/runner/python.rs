//! `[python] isolation = "interpreter"`: a fresh interpreter per job imports the
//! function and calls it with the job's own arguments. Nothing is shared between jobs,
//! and every job pays the app's imports; the warm host (`host`) is the default.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::command::{EndedBy, LineLog, drive, exit_text};
use super::{JobSpec, RunResult, Stopper, timeout_message};
use crate::config::{Config, PythonSpec};
use crate::service::Log;
use crate::store::Serializer;

const SOURCE: &str = include_str!("python_host.py");

/// `PYTHONPATH` for jobs: `[python] path`, then whatever the worker was given.
pub(super) fn pythonpath(py: &PythonSpec) -> String {
    let mut path: Vec<String> = py.path.iter().map(|p| p.display().to_string()).collect();
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        path.push(existing.to_string_lossy().into_owned());
    }
    path.join(":")
}

/// Runs `job` in a new interpreter.
pub(super) async fn run(
    py: &PythonSpec,
    cfg: &Config,
    job: &JobSpec,
    stop: &Stopper,
    ser: Serializer,
    log: &Log,
    watch: Option<&super::watchdog::Watchdog>,
) -> RunResult {
    let mut cmd =
        super::command::command(&[py.executable.clone(), "-c".into(), SOURCE.into()], watch);
    cmd.current_dir(&py.cwd)
        .env("PYTHONPATH", pythonpath(py))
        .env("BENCH_PY_ROLE", "once")
        .env("BENCH_JOB_ID", &job.id)
        .env("BENCH_JOB_METHOD", &job.method)
        .env("BENCH_QUEUE", &job.queue)
        .env(
            "BENCH_SERIALIZER",
            if ser == Serializer::Json {
                "json"
            } else {
                "pickle"
            },
        )
        .envs(py.env.iter().map(|(k, v)| (k, v)));
    let grace = Duration::from_secs(cfg.worker.kill_grace);
    let lines = LineLog::new(log, &job.id);
    let end = match drive(
        cmd,
        job.data.clone(),
        job.timeout,
        stop,
        grace,
        usize::MAX,
        Some(lines),
    )
    .await
    {
        Ok(end) => end,
        Err(e) => {
            return RunResult::Failed(format!(
                "cannot start the Python interpreter `{}`: {e}",
                py.executable
            ));
        }
    };
    match end.ended_by {
        EndedBy::Timeout => {
            return RunResult::Failed(format!(
                "{}\n{}",
                timeout_message(job.timeout.unwrap_or_default()),
                end.stderr_tail
            ));
        }
        EndedBy::Stop => return stop.result(),
        EndedBy::Exit => {}
    }
    let text = end.stdout;
    if let Some(b64) = text.strip_prefix(b"ok\n") {
        return match B64.decode(b64) {
            Ok(v) if v.is_empty() => RunResult::Ok(None),
            Ok(v) => RunResult::Ok(Some(v)),
            Err(e) => RunResult::Failed(format!(
                "the Python interpreter returned an unreadable result: {e}"
            )),
        };
    }
    if let Some(tb) = text.strip_prefix(b"err\n") {
        return RunResult::Failed(String::from_utf8_lossy(tb).into_owned());
    }
    RunResult::Failed(format!(
        "the Python interpreter ended with {} before reporting a result\n{}",
        exit_text(end.status),
        end.stderr_tail
    ))
}
