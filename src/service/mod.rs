//! What the long-running commands (`bench worker`, `bench schedule`) share: log lines,
//! signal handling, and the backoff used while Redis is away.

pub mod log;
pub mod shutdown;

use std::time::Duration;

pub use log::Log;
pub use shutdown::Shutdown;

/// Exponential backoff for retries against an unavailable Redis: 0.2 s doubling to 5 s,
/// so an outage never turns into a busy loop.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(5)).min(5_000))
}
