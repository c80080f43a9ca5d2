//! Records job ends: batches whatever runs ended since the last write into one finish
//! script call, and keeps retrying while Redis is away, so no result is lost.

use std::sync::Arc;
use std::time::{Duration, Instant};

use std::sync::atomic::Ordering;
use tokio_util::sync::CancellationToken;

use chrono::Utc;
use futures_util::StreamExt as _;
use futures_util::stream::FuturesOrdered;
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::task::task_tracker::TaskTrackerToken;

use super::runner::RunResult;
use super::{Ended, Shared, backoff, short_queue};
use crate::store::job::retry_plan;
use crate::store::lifecycle::Claimed;
use crate::store::lifecycle::{Claim, Finish, Outcome, Recorded};

/// Batches written at once, at most.
const IN_FLIGHT: usize = 3;
/// Ends recorded per call, at most. A full batch goes even while another call is in
/// flight, so Redis records one while the worker handles the other's reply; larger
/// calls leave Redis idle for longer between them, and cost more per job in the script.
const ENDS_PER_CALL: usize = 32;

/// Longest an end waits for a later call while the worker works through held jobs
/// ([`super::ahead::Ahead::can_wait`]): should its slot run into a long job, it is
/// recorded all the same.
const WAIT_AT_MOST: Duration = Duration::from_millis(5);

/// How long a worker told to stop cold keeps trying to reach Redis with its results.
const COLD_GIVE_UP: Duration = Duration::from_secs(10);

/// What a run's result means for its job: `malformed` jobs (set aside unrun) are never
/// retried.
pub(super) fn outcome(job: &Claimed, result: RunResult, malformed: bool) -> Outcome {
    match result {
        RunResult::Ok(v) => Outcome::Finished(v),
        RunResult::Failed(tb) if malformed => Outcome::Failed(tb),
        RunResult::Failed(tb) => match retry_plan(&job.hash, Utc::now()) {
            Ok(Some(p)) => Outcome::Retry {
                at: p.at,
                retries_left: p.retries_left,
                at_front: p.at_front,
            },
            Ok(None) => Outcome::Failed(tb),
            Err(e) => Outcome::Failed(format!("{}\nbench: {e}\n", tb.trim_end())),
        },
        RunResult::Stopped(why) => Outcome::Stopped(why),
        RunResult::Interrupted => Outcome::Requeue,
        RunResult::Abandoned(why) => Outcome::Abandoned(why),
    }
}

/// Consumes ended runs until every sender is gone. Each batch's ends are recorded
/// and the slots they free refilled in one script call (with jobs to hold ahead),
/// unless the worker is stopping; slots the claim could not fill go back to the
/// worker's fetch loop, which waits for work. Up to [`IN_FLIGHT`] batches are written
/// at once, so the worker runs jobs while Redis records the last ones. `slots` counts
/// the jobs that may be running or held at once.
pub(super) async fn run(shared: Arc<Shared>, mut rx: UnboundedReceiver<Ended>, slots: usize) {
    // A batch goes as soon as a slot waits for a job (below), so a large batch only
    // forms while jobs keep running.
    let most = slots.clamp(1, ENDS_PER_CALL);
    // Calls are sent in order and their replies handled in that order, so the jobs
    // they claim start in their queues' order.
    let mut writes = FuturesOrdered::new();
    let mut pending: Vec<Ended> = Vec::new();
    // How many of the pending ends freed a slot that now waits for a job.
    let mut waiting = 0;
    let mut open = true;
    // Until when the pending ends may wait for a later call, once they started to.
    let mut wait_until: Option<Instant> = None;
    while open || !writes.is_empty() || !pending.is_empty() {
        tokio::select! {
            biased;
            Some(written) = writes.next(), if !writes.is_empty() => deliver(&shared, written),
            got = rx.recv(), if open => match got {
                Some(first) => {
                    for d in std::iter::once(first).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
                        waiting += usize::from(d.slot.is_some());
                        pending.push(d);
                    }
                }
                None => open = false,
            },
            // Wakes once, at the deadline; past it the branch is off, so the loop
            // never spins while a call is in flight.
            () = tokio::time::sleep_until(wait_until.unwrap_or_else(Instant::now).into()),
                if wait_until.is_some_and(|t| Instant::now() < t) => {}
        }
        // A batch goes when Redis is idle (unless its ends may wait for a later call),
        // when a slot waits for a job, or when it is full; otherwise it grows while the
        // calls in flight run.
        let may_wait = !pending.is_empty()
            && writes.is_empty()
            && wait_until.is_none_or(|t| Instant::now() < t)
            && shared.ahead.lock().expect("ahead lock").can_wait();
        if may_wait && wait_until.is_none() {
            wait_until = Some(Instant::now() + WAIT_AT_MOST);
        }
        while !pending.is_empty()
            && writes.len() < IN_FLIGHT
            && ((writes.is_empty() && !may_wait) || !open || pending.len() >= most || waiting > 0)
        {
            let rest = pending.split_off(pending.len().min(most));
            let batch = std::mem::replace(&mut pending, rest);
            waiting -= batch.iter().filter(|e| e.slot.is_some()).count();
            writes.push_back(write(shared.clone(), batch));
        }
        if pending.is_empty() {
            wait_until = None;
        }
    }
}

/// A batch written, waiting for its claimed jobs to be started in turn.
struct Written {
    /// Whether the batch's call claimed jobs: a claim in flight until delivered.
    claimed: bool,
    finishes: Vec<Finish>,
    recorded: Vec<Option<Recorded>>,
    claim: Option<Claim>,
    /// The slots the batch's runs freed.
    permits: Vec<OwnedSemaphorePermit>,
    /// Jobs asked for beyond them, to hold.
    ahead: usize,
    /// Keeps the worker's tracker open until the slots are refilled or given up.
    _busy: Vec<TaskTrackerToken>,
}

async fn write(shared: Arc<Shared>, batch: Vec<Ended>) -> Written {
    let mut finishes = Vec::with_capacity(batch.len());
    let mut permits = Vec::new();
    let mut busy = Vec::with_capacity(batch.len());
    for e in batch {
        finishes.push(e.finish);
        permits.extend(e.slot);
        busy.push(e.busy);
    }
    // Waiting for replicas, the ends are recorded on their own: a claim riding on
    // them would strand its jobs if the acknowledgement fell short.
    let claims = shared.store.endpoint().replica_acks() == 0 && shared.claim_starts();
    let ahead = if claims {
        shared.ahead.lock().expect("ahead lock").ask()
    } else {
        0
    };
    let want = permits.len() + ahead;
    let claimed = claims && want > 0;
    if claims && !claimed {
        shared.claim_ends();
    }
    let (recorded, claim) = if claimed {
        record_and_claim(&shared, &finishes, want).await
    } else {
        (
            record(&shared, &finishes, &shared.shutdown.cold).await,
            None,
        )
    };
    Written {
        claimed,
        finishes,
        recorded,
        claim,
        permits,
        ahead,
        _busy: busy,
    }
}

fn deliver(shared: &Arc<Shared>, w: Written) {
    shared.ahead.lock().expect("ahead lock").settle(w.ahead);
    report(shared, &w.finishes, &w.recorded);
    match w.claim {
        Some(claim) => {
            shared.report_skipped(&claim.skipped);
            shared.served(&claim.jobs);
            shared.start_jobs(claim.jobs, w.permits);
        }
        None => drop(w.permits),
    }
    if w.claimed {
        shared.claim_ends();
    }
    shared
        .unrecorded
        .fetch_sub(w.finishes.len(), Ordering::SeqCst);
    shared.recorded.notify_waiters();
}

/// The one round trip of a busy slot. Should it fail, the ends are recorded on
/// their own, with retries, and the slots are left for the fetch loop.
async fn record_and_claim(
    shared: &Shared,
    finishes: &[Finish],
    slots: usize,
) -> (Vec<Option<Recorded>>, Option<Claim>) {
    let still_running = shared
        .running_list()
        .into_iter()
        .next()
        .map(|(_, id, _)| id);
    let order = shared.next_order();
    match shared
        .store
        .finish_and_claim(
            &shared.policy,
            still_running.as_deref(),
            finishes,
            &shared.claimant(),
            &order,
            slots,
        )
        .await
    {
        Ok((recorded, claim)) => {
            shared.redis_ok();
            (recorded.into_iter().map(Some).collect(), Some(claim))
        }
        Err(_) => (record(shared, finishes, &shared.shutdown.cold).await, None),
    }
}

/// Records ends without claiming, as [`record`] does, and says what that meant.
pub(super) async fn record_unclaimed(shared: &Shared, finishes: &[Finish]) {
    let recorded = record(shared, finishes, &shared.shutdown.cold).await;
    report(shared, finishes, &recorded);
}

/// Writes a batch, retrying transient failures until they pass. A batch Redis refuses
/// outright is written job by job so one bad job cannot hold the others back. After a
/// cold stop the retries end within [`COLD_GIVE_UP`]: the jobs stay in the started
/// registry, where a live worker recovers them, rather than the worker never exiting.
async fn record(
    shared: &Shared,
    finishes: &[Finish],
    cold: &CancellationToken,
) -> Vec<Option<Recorded>> {
    let mut attempt = 0;
    let mut cold_since: Option<Instant> = None;
    loop {
        if cold.is_cancelled()
            && cold_since.get_or_insert_with(Instant::now).elapsed() > COLD_GIVE_UP
        {
            let ids: Vec<&str> = finishes.iter().map(|f| f.id.as_str()).collect();
            shared.log.warn(format!(
                "cold shutdown while Redis is unavailable: the end of job(s) {} is not recorded; they stay started and a live worker will recover them",
                ids.join(", ")
            ));
            return vec![None; finishes.len()];
        }
        let still_running = shared
            .running_list()
            .into_iter()
            .next()
            .map(|(_, id, _)| id);
        match shared
            .store
            .finish(
                &shared.info.name,
                &shared.policy,
                still_running.as_deref(),
                finishes,
            )
            .await
        {
            Ok(r) => {
                shared.redis_ok();
                // After a failed attempt whose write may have landed (a lost reply, or
                // too few replicas confirming it), a run no longer started is most
                // likely this worker's own earlier write, not a takeover.
                return r
                    .into_iter()
                    .map(|r| match r {
                        Recorded::Lost if attempt > 0 => Some(Recorded::Ok),
                        r => Some(r),
                    })
                    .collect();
            }
            Err(e) if e.is_transient() => {
                shared.redis_error("recording job results", &e);
                attempt += 1;
                tokio::time::sleep(backoff(attempt)).await;
            }
            Err(e) if finishes.len() > 1 => {
                shared.log.warn(format!(
                    "recording {} job results at once failed ({e}); recording them one by one",
                    finishes.len()
                ));
                let mut out = Vec::with_capacity(finishes.len());
                for f in finishes {
                    out.push(
                        Box::pin(record(shared, std::slice::from_ref(f), cold))
                            .await
                            .pop()
                            .flatten(),
                    );
                }
                return out;
            }
            Err(e) => {
                shared.log.warn(format!("cannot record the end of job {}: {e}; it stays started and a live worker will recover it", finishes[0].id));
                return vec![None];
            }
        }
    }
}

/// The end line of a run, written when it ends (before the slot takes its next job, so
/// a log reads in order); what recording it turns out to mean is reported after.
pub(super) fn log_end(shared: &Shared, f: &Finish) {
    let q = short_queue(&shared.cfg, &f.queue);
    let secs = (f.ended - f.started).num_microseconds().unwrap_or(0) as f64 / 1e6;
    let id = &f.id;
    shared.meter.ended(&q, outcome_name(&f.outcome), secs);
    let line = match &f.outcome {
        Outcome::Finished(_) => format!("{q}: Job OK ({id}) in {secs:.3}s"),
        Outcome::Failed(tb) => {
            shared
                .log
                .warn(format!("{q}: job {id} failed:\n{}", tb.trim_end()));
            format!("{q}: Job failed ({id}) in {secs:.3}s: {}", last_line(tb))
        }
        Outcome::Stopped(why) => format!("{q}: Job stopped ({id}) in {secs:.3}s: {why}"),
        Outcome::Retry {
            at, retries_left, ..
        } => {
            let when = at
                .map(|t| format!("at {}", t.format("%H:%M:%S")))
                .unwrap_or_else(|| "now".into());
            format!(
                "{q}: Job failed ({id}) in {secs:.3}s, retrying {when} ({retries_left} retries left)"
            )
        }
        Outcome::Requeue => format!(
            "{q}: Job interrupted ({id}) after {secs:.3}s and put back at the head of its queue"
        ),
        // What becomes of it is known once recorded.
        Outcome::Abandoned(_) => return,
    };
    shared.log.info(line);
}

/// The outcome label of `bench_worker_jobs_ended_total`.
fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Finished(_) => "finished",
        Outcome::Failed(_) => "failed",
        Outcome::Stopped(_) => "stopped",
        Outcome::Retry { .. } => "retried",
        Outcome::Requeue => "requeued",
        Outcome::Abandoned(_) => "abandoned",
    }
}

/// What the recording of each run turned out to mean, when it was not just that.
fn report(shared: &Shared, finishes: &[Finish], recorded: &[Option<Recorded>]) {
    for (f, r) in finishes.iter().zip(recorded) {
        let q = short_queue(&shared.cfg, &f.queue);
        let id = &f.id;
        match r {
            Some(Recorded::Lost) => {
                shared.log.warn(format!("{q}: result of job {id} dropped: the job was recovered by another worker while this one ran it"));
            }
            Some(Recorded::Abandoned { requeued }) => {
                let Outcome::Abandoned(why) = &f.outcome else {
                    continue;
                };
                let what = if *requeued {
                    "put back at the head of its queue"
                } else {
                    "failed (no recoveries left, or [worker] abandoned = \"fail\")"
                };
                shared
                    .log
                    .warn(format!("{q}: job {id} was abandoned ({why}); {what}"));
            }
            Some(Recorded::Ok) | None => {}
        }
    }
}

fn last_line(tb: &str) -> &str {
    tb.trim_end()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}
