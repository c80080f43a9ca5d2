//! An idle worker's wait for work: one task per queue blocks on BLMOVE over its own
//! connection, so a job wakes the worker within a round trip of its enqueue, and the
//! id is never held only in memory (it sits in RQ's intermediate list until claimed).

use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{Shared, backoff};
use crate::store::Store;

/// Seconds each BLMOVE blocks; bounds how long a stopping worker waits for its waits.
const BLOCK_SECONDS: f64 = 1.0;

/// The idle worker's waits, and the two channels the fetch loop drives them by.
pub(super) struct Waits {
    /// Set while the fetch loop found nothing to run: the waits block only then.
    pub(super) idle: watch::Sender<bool>,
    /// Ids a wait moved off its queue, for the fetch loop's next claim.
    pub(super) moved: mpsc::UnboundedReceiver<(String, String)>,
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Waits {
    /// One wait per queue; none for a burst worker, which ends instead of waiting.
    pub(super) fn start(shared: &Arc<Shared>, queues: &[String], burst: bool) -> Waits {
        let (idle, idle_rx) = watch::channel(false);
        let (moved_tx, moved) = mpsc::unbounded_channel();
        let stop = CancellationToken::new();
        let tasks = if burst {
            Vec::new()
        } else {
            spawn(shared.clone(), queues, idle_rx, stop.clone(), moved_tx)
        };
        Waits {
            idle,
            moved,
            stop,
            tasks,
        }
    }

    /// Ends the waits once their current BLMOVE has returned, and hands back the ids
    /// they moved that no claim took, for the worker to return to their queues.
    pub(super) async fn end(mut self) -> Vec<(String, String)> {
        self.stop.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
        let mut left = Vec::new();
        while let Ok(m) = self.moved.try_recv() {
            left.push(m);
        }
        left
    }
}

/// Starts the waits. They block only while `idle` is true and stop once `stop` fires
/// and their current BLMOVE has returned; ids they take go to `moved`.
fn spawn(
    shared: Arc<Shared>,
    queues: &[String],
    idle: watch::Receiver<bool>,
    stop: CancellationToken,
    moved: mpsc::UnboundedSender<(String, String)>,
) -> Vec<JoinHandle<()>> {
    queues
        .iter()
        .map(|q| {
            let (shared, q, mut idle, stop, moved) = (
                shared.clone(),
                q.clone(),
                idle.clone(),
                stop.clone(),
                moved.clone(),
            );
            tokio::spawn(async move {
                let mut conn = None;
                let mut generation = 0;
                let mut attempt = 0;
                loop {
                    while !*idle.borrow_and_update() {
                        tokio::select! {
                            r = idle.changed() => if r.is_err() { return },
                            () = stop.cancelled() => return,
                        }
                    }
                    if stop.is_cancelled() {
                        return;
                    }
                    let endpoint = shared.store.endpoint();
                    if generation != endpoint.generation() {
                        conn = None;
                    }
                    if conn.is_none() {
                        generation = endpoint.generation();
                        match endpoint.dedicated().await {
                            Ok(c) => conn = Some(c),
                            Err(e) => {
                                shared.redis_error("waiting for jobs", &e);
                                attempt += 1;
                                tokio::time::sleep(backoff(attempt)).await;
                                continue;
                            }
                        }
                    }
                    let c = conn.as_mut().expect("connected above");
                    match Store::wait_for_job(c, &q, BLOCK_SECONDS).await {
                        Ok(Some(id)) => {
                            attempt = 0;
                            let _ = moved.send((q.clone(), id));
                        }
                        Ok(None) => attempt = 0,
                        Err(e) => {
                            shared.redis_error("waiting for jobs", &e);
                            conn = None;
                            attempt += 1;
                            tokio::time::sleep(backoff(attempt)).await;
                        }
                    }
                }
            })
        })
        .collect()
}
