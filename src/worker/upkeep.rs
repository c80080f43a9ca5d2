//! What keeps a worker visible and its jobs safe: heartbeats that refresh the worker
//! hash and the deadlines of its running jobs, a periodic sweep that recovers jobs of
//! workers that died, and the `rq:pubsub:<name>` commands Python RQ's tools send.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use rand::RngExt;
use tokio_util::sync::CancellationToken;

use super::runner::StopReason;
use super::{Shared, Shutdown, backoff};
use crate::store::keys;

/// Heartbeats and recovery sweeps until `stop`.
pub(super) async fn run(shared: Arc<Shared>, _shutdown: Shutdown, stop: CancellationToken) {
    let ttl = shared.cfg.worker.heartbeat_ttl;
    // Four beats per deadline: a job survives three lost heartbeats.
    let beat = Duration::from_secs_f64(ttl as f64 / 4.0);
    // Sweeps are spread over workers by jitter; any one of them recovers a job.
    let sweep_every = Duration::from_secs_f64(ttl as f64 / 3.0);
    let policy = &shared.policy;
    let mut next_sweep = tokio::time::Instant::now();
    loop {
        let running = shared.running_list();
        match shared
            .store
            .heartbeat(&shared.info, ttl, running.is_empty(), &running)
            .await
        {
            Ok(true) => shared.redis_ok(),
            Ok(false) => {
                shared.log.warn(format!(
                    "worker {} was missing from Redis (was its data lost?); registering again",
                    shared.info.name
                ));
                if let Err(e) = shared.store.register_worker(&shared.info, ttl).await {
                    shared.redis_error("registering again", &e);
                }
            }
            Err(e) => shared.redis_error("heartbeat", &e),
        }
        if tokio::time::Instant::now() >= next_sweep {
            match shared.store.reap(&shared.info.queues, policy).await {
                Ok(reaped) => {
                    for r in reaped {
                        let what = if r.requeued {
                            "put back at the head of its queue"
                        } else {
                            "failed as abandoned"
                        };
                        shared.log.warn(format!(
                            "{}: job {} was abandoned by a dead worker; {what}",
                            r.queue, r.id
                        ));
                    }
                }
                Err(e) => shared.redis_error("recovering abandoned jobs", &e),
            }
            // Expired finished and failed jobs leave the registries, as Python RQ's
            // workers clean them in their maintenance.
            if let Err(e) = shared.store.clean_registries(&shared.info.queues).await {
                shared.redis_error("cleaning registries", &e);
            }
            let jitter = rand::rng().random_range(0.8..1.2);
            next_sweep = tokio::time::Instant::now() + sweep_every.mul_f64(jitter);
        }
        tokio::select! {
            () = tokio::time::sleep(beat) => {}
            () = stop.cancelled() => return,
        }
    }
}

#[derive(serde::Deserialize)]
struct Command {
    command: String,
    job_id: Option<String>,
}

/// Obeys RQ's worker commands (`rq.command.send_shutdown_command`,
/// `send_kill_horse_command`, `send_stop_job_command`) on `rq:pubsub:<name>`.
pub(super) async fn listen(shared: Arc<Shared>, shutdown: Shutdown, stop: CancellationToken) {
    let channel = keys::pubsub(&shared.info.name);
    let mut attempt = 0;
    while !stop.is_cancelled() {
        let generation = shared.store.endpoint().generation();
        let mut pubsub = match shared.store.endpoint().pubsub().await {
            Ok(p) => p,
            Err(_) => {
                attempt += 1;
                tokio::select! {
                    () = tokio::time::sleep(backoff(attempt)) => continue,
                    () = stop.cancelled() => return,
                }
            }
        };
        if let Err(e) = pubsub.subscribe(&channel).await {
            // A user without the channel (warned of at start) is not asked again.
            if e.code() == Some("NOPERM") {
                return;
            }
            attempt += 1;
            tokio::select! {
                () = tokio::time::sleep(backoff(attempt)) => continue,
                () = stop.cancelled() => return,
            }
        }
        attempt = 0;
        let mut messages = pubsub.on_message();
        // Behind sentinels, a subscription to a master since demoted hears nothing.
        let mut moved = tokio::time::interval(std::time::Duration::from_secs(1));
        let behind_sentinels = shared.store.endpoint().is_sentinel();
        loop {
            let msg = tokio::select! {
                m = messages.next() => m,
                _ = moved.tick(), if behind_sentinels => {
                    if shared.store.endpoint().generation() == generation {
                        continue;
                    }
                    break;
                }
                () = stop.cancelled() => return,
            };
            let Some(msg) = msg else { break };
            let Ok(payload) = msg.get_payload::<String>() else {
                continue;
            };
            let Ok(cmd) = serde_json::from_str::<Command>(&payload) else {
                shared.log.warn(format!(
                    "ignored an unreadable command on {channel}: {payload}"
                ));
                continue;
            };
            match cmd.command.as_str() {
                "shutdown" => {
                    shared
                        .log
                        .info("Shutdown requested by a command; stopping after the running jobs");
                    shutdown.warm.cancel();
                }
                "kill-horse" => {
                    shared
                        .log
                        .warn("kill-horse requested: stopping every running job");
                    shared.stop_all(StopReason::Kill);
                }
                "stop-job" => {
                    let id = cmd.job_id.unwrap_or_default();
                    if let Some(r) = shared.running.lock().expect("running map lock").get(&id) {
                        r.stopper.stop(StopReason::StopJob);
                        continue;
                    }
                    let held = shared.ahead.lock().expect("ahead lock").remove(&id);
                    match held {
                        Some(job) => shared.end_held(
                            vec![job],
                            crate::worker::runner::RunResult::Stopped(
                                "Job stopped by a stop-job command before it started".into(),
                            ),
                            format!("stop-job for {id}: stopped before it started"),
                        ),
                        None => shared
                            .log
                            .warn(format!("stop-job for {id}: not running here")),
                    }
                }
                other => shared
                    .log
                    .warn(format!("ignored unknown command `{other}` on {channel}")),
            }
        }
    }
}
