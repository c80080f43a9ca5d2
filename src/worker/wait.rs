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

/// Starts the waits. They block only while `idle` is true and stop once `stop` fires
/// and their current BLMOVE has returned; ids they take go to `moved`.
pub(super) fn spawn(
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
