//! Dotted paths not under `[methods]`: a fresh `[python]` interpreter imports the
//! function and calls it with the job's own arguments, like an RQ work-horse. Its
//! return value is serialized by Python, so Python RQ's `job.return_value()` reads it
//! back with the same types.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use super::command::{EndedBy, drive, exit_text};
use super::{JobSpec, RunResult, Stopper, timeout_message};
use crate::config::{Config, PythonSpec};
use crate::store::Serializer;

const HELPER: &str = include_str!("python_runner.py");

/// Runs `job` in a new interpreter.
pub(super) async fn run(
    py: &PythonSpec,
    cfg: &Config,
    job: &JobSpec,
    stop: &Stopper,
    ser: Serializer,
) -> RunResult {
    let mut cmd = super::command::command(&[py.executable.clone(), "-c".into(), HELPER.into()]);
    let mut path: Vec<String> = py.path.iter().map(|p| p.display().to_string()).collect();
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        path.push(existing.to_string_lossy().into_owned());
    }
    cmd.current_dir(&cfg.dir)
        .env("PYTHONPATH", path.join(":"))
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
    let end = match drive(cmd, job.data.clone(), job.timeout, stop, grace, usize::MAX).await {
        Ok(end) => end,
        Err(e) => {
            return RunResult::Failed(format!(
                "cannot start the Python runner `{}`: {e}",
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
                "the Python runner returned an unreadable result: {e}"
            )),
        };
    }
    if let Some(tb) = text.strip_prefix(b"err\n") {
        return RunResult::Failed(String::from_utf8_lossy(tb).into_owned());
    }
    RunResult::Failed(format!(
        "the Python runner ended with {} before reporting a result\n{}",
        exit_text(end.status),
        end.stderr_tail
    ))
}
