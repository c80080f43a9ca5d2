//! Exit codes scripts can rely on: 0 ok, 1 runtime failure, 2 usage or configuration
//! error; and a broken pipe (`bench jobs list | head`) is not an error.

use std::process::ExitCode;

use crate::config::ConfigError;

/// A mistake in how bench was called (bad flag value, unknown queue): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Builds a [`UsageError`] from format arguments.
#[macro_export]
macro_rules! usage {
    ($($t:tt)*) => { $crate::error::UsageError(format!($($t)*)) };
}

/// Failure the command already reported in full; exit 1 without another message.
#[derive(Debug, thiserror::Error)]
#[error("")]
pub struct Reported;

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;

/// The exit code for an error that reached the top.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        OK
    } else if err.downcast_ref::<UsageError>().is_some()
        || err.downcast_ref::<ConfigError>().is_some()
    {
        USAGE
    } else {
        FAILURE
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints `err` the way every bench error looks, and returns the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let code = exit_code(err);
    if code != OK && err.downcast_ref::<Reported>().is_none() {
        let mut msg = format!("error: {err}");
        for cause in err.chain().skip(1) {
            let c = cause.to_string();
            if !msg.contains(&c) {
                msg.push_str(&format!("\n  caused by: {c}"));
            }
        }
        eprintln!("{msg}");
    }
    ExitCode::from(code)
}
