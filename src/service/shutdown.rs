//! Stopping a service: the first SIGTERM/SIGINT asks for a warm stop (a worker takes
//! no new job and lets running ones finish), the second for a cold one (a worker stops
//! running jobs and puts them back on their queues). Tests and library users trigger
//! the same tokens directly.

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

/// The two stop levels a service obeys.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    pub warm: CancellationToken,
    pub cold: CancellationToken,
}

impl Shutdown {
    pub fn new() -> Shutdown {
        Shutdown::default()
    }

    /// Asks for the next level: warm first, cold after.
    pub fn escalate(&self) {
        if self.warm.is_cancelled() {
            self.cold.cancel();
        } else {
            self.warm.cancel();
        }
    }

    /// Escalates on each SIGTERM or SIGINT, from a background task.
    ///
    /// # Errors
    /// When the signal handlers cannot be installed.
    pub fn on_signals(&self) -> std::io::Result<()> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
                me.escalate();
                if me.cold.is_cancelled() {
                    break;
                }
            }
        });
        Ok(())
    }
}
