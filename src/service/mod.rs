//! What the long-running commands (`bench worker`, `bench schedule`) share: log lines,
//! signal handling, and the backoff used while Redis is away.

pub mod log;
pub mod shutdown;

use std::time::Duration;

pub use log::Log;
pub use shutdown::Shutdown;

/// Exponential backoff for retries against an unavailable Redis: 0.2 s doubling to 5 s,
/// so an outage never turns into a busy loop. Each wait is drawn between half and all
/// of that, so a fleet of workers that lost Redis together does not come back in
/// lockstep.
pub fn backoff(attempt: u32) -> Duration {
    use rand::RngExt as _;
    let cap = 200u64.saturating_mul(1 << attempt.min(5)).min(5_000);
    Duration::from_millis(rand::rng().random_range(cap / 2..=cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_and_spreads_out() {
        for attempt in 0..40 {
            let cap = 200u64.saturating_mul(1 << attempt.min(5)).min(5_000);
            let d = backoff(attempt).as_millis() as u64;
            assert!((cap / 2..=cap).contains(&d), "attempt {attempt}: {d} ms");
        }
        let waits: std::collections::HashSet<u128> =
            (0..50).map(|_| backoff(5).as_millis()).collect();
        assert!(waits.len() > 10, "waits are spread: {waits:?}");
    }
}
