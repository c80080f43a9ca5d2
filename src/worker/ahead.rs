//! Claiming ahead. A slot whose job ends waits one Redis round trip for its next job;
//! for jobs that take microseconds, that wait is most of what a worker does. So while
//! recent jobs run in a few milliseconds or less, the script call that records ends
//! also claims jobs beyond the free slots: about [`BUDGET`] of work, at least one, at
//! most `[worker] claim_ahead`. A slot that frees takes the next held job at once, and
//! the ends are recorded in batches while the jobs run. Ends of runs of [`BATCHED`] or
//! more also wait for a later call while over half the held jobs remain, so jobs of a
//! millisecond cost a script call per few jobs rather than one each.
//!
//! Held jobs are claimed like any other (started registry, execution record), so a
//! crash leaves them where dead-worker recovery finds them. Only about [`BUDGET`] of
//! work is held, judged by recent run times; a job held for [`HOLD`] (its slot ran
//! into a long job) goes back to the head of its queue, and so do all held jobs when
//! the worker stops or a job is told to stop before it starts.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::store::lifecycle::Claimed;

/// The run time, in all, that held jobs are expected to take.
const BUDGET: Duration = Duration::from_millis(6);
/// Runs shorter than this keep at least one job held: enough to hide a round trip.
const SHORT: Duration = Duration::from_millis(4);
/// How long a job is held before it goes back to its queue.
pub(super) const HOLD: Duration = Duration::from_millis(20);
/// Runs at least this long have their ends recorded in batches while over half the
/// held jobs remain: a script call costs the worker and Redis about a tenth of such a
/// run, and the claim it carries still comes back before the slot runs dry. Shorter
/// runs are recorded as soon as Redis is idle, which keeps Redis busiest for them.
const BATCHED: Duration = Duration::from_micros(200);
/// Weight of the newest run in the running average.
const WEIGHT: f64 = 0.2;

/// The jobs a worker holds and what it knows of recent run times.
#[derive(Debug)]
pub(super) struct Ahead {
    max: usize,
    held: VecDeque<(Claimed, Instant)>,
    /// Jobs asked for by claims still in flight.
    asked: usize,
    /// Average run time in seconds; none before the first run.
    average: Option<f64>,
    /// Set on a stop: nothing more is held.
    closed: bool,
}

impl Ahead {
    pub(super) fn new(max: usize) -> Ahead {
        Ahead {
            max,
            held: VecDeque::new(),
            asked: 0,
            average: None,
            closed: max == 0,
        }
    }

    /// Takes a run's time into the average.
    pub(super) fn observe(&mut self, took: Duration) {
        let s = took.as_secs_f64();
        self.average = Some(match self.average {
            Some(a) => a + WEIGHT * (s - a),
            None => s,
        });
    }

    /// How many jobs to hold when recent runs are this short.
    fn target(&self) -> usize {
        match self.average {
            Some(_) if self.closed => 0,
            Some(a) if a < SHORT.as_secs_f64() => {
                let fit = BUDGET.as_secs_f64() / a.max(1e-6);
                (fit as usize).clamp(1, self.max)
            }
            _ => 0,
        }
    }

    /// How many more jobs the next claim should take beyond its free slots; they
    /// count as asked for until [`Ahead::settle`].
    pub(super) fn ask(&mut self) -> usize {
        let n = self
            .target()
            .saturating_sub(self.held.len().saturating_add(self.asked));
        self.asked += n;
        n
    }

    /// The claim that asked for `n` jobs came back.
    pub(super) fn settle(&mut self, n: usize) {
        self.asked = self.asked.saturating_sub(n);
    }

    /// Holds `jobs`, in order; hands back those it may not hold (after a stop).
    /// Whether the holder went from empty to not is returned too, for the watch that
    /// gives back overdue jobs.
    pub(super) fn hold(&mut self, jobs: Vec<Claimed>) -> (Vec<Claimed>, bool) {
        if self.closed {
            return (jobs, false);
        }
        let was_empty = self.held.is_empty();
        let now = Instant::now();
        self.held.extend(jobs.into_iter().map(|j| (j, now)));
        (Vec::new(), was_empty && !self.held.is_empty())
    }

    /// Whether ends may wait for a later call: runs are long enough to be recorded in
    /// batches and more than half the jobs to hold are still held.
    pub(super) fn can_wait(&self) -> bool {
        self.average.is_some_and(|a| a >= BATCHED.as_secs_f64())
            && self.held.len() > self.target() / 2
    }

    /// How many jobs are held.
    pub(super) fn len(&self) -> usize {
        self.held.len()
    }

    /// The next held job, oldest first.
    pub(super) fn take(&mut self) -> Option<Claimed> {
        if self.closed {
            return None;
        }
        self.held.pop_front().map(|(j, _)| j)
    }

    /// When the oldest held job is due to go back, if any is held.
    pub(super) fn due(&self) -> Option<Instant> {
        self.held.front().map(|(_, at)| *at + HOLD)
    }

    /// Every held job once the oldest is overdue: a slot ran into a long job, so
    /// none of them should wait for it.
    pub(super) fn overdue(&mut self, now: Instant) -> Vec<Claimed> {
        match self.due() {
            Some(due) if due <= now => self.held.drain(..).map(|(j, _)| j).collect(),
            _ => Vec::new(),
        }
    }

    /// A held job, taken out to be stopped before it starts.
    pub(super) fn remove(&mut self, id: &str) -> Option<Claimed> {
        let at = self.held.iter().position(|(j, _)| j.id == id)?;
        self.held.remove(at).map(|(j, _)| j)
    }

    /// Holds nothing more, and hands back every held job.
    pub(super) fn close(&mut self) -> Vec<Claimed> {
        self.closed = true;
        self.held.drain(..).map(|(j, _)| j).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::job::JobHash;

    fn job(id: &str) -> Claimed {
        Claimed {
            id: id.into(),
            eid: String::new(),
            queue: "rq:queue:default".into(),
            hash: JobHash::default(),
        }
    }

    #[test]
    fn holds_nothing_until_runs_prove_short() {
        let mut a = Ahead::new(20);
        assert_eq!(a.ask(), 0, "no run seen yet");
        a.observe(Duration::from_secs(2));
        assert_eq!(a.ask(), 0, "long runs: hold nothing");
        for _ in 0..60 {
            a.observe(Duration::from_micros(10));
        }
        assert_eq!(a.ask(), 20, "short runs: the configured most");
        assert_eq!(a.ask(), 0, "asked for already");
        a.settle(20);
        for _ in 0..60 {
            a.observe(Duration::from_micros(400));
        }
        assert_eq!(a.ask(), 15, "about 6 ms of 400 µs runs");
        a.settle(15);
        for _ in 0..60 {
            a.observe(Duration::from_millis(3));
        }
        assert_eq!(a.ask(), 2, "about 6 ms of 3 ms runs");
        a.settle(2);
        for _ in 0..60 {
            a.observe(Duration::from_micros(3900));
        }
        assert_eq!(a.ask(), 1, "one, to hide the round trip");
        a.settle(1);
        for _ in 0..60 {
            a.observe(Duration::from_millis(5));
        }
        assert_eq!(a.ask(), 0, "none for runs of 5 ms");
    }

    #[test]
    fn ends_wait_only_for_longer_runs_while_over_half_the_held_jobs_remain() {
        let mut a = Ahead::new(100);
        for _ in 0..60 {
            a.observe(Duration::from_micros(20));
        }
        a.hold((0..90).map(|i| job(&i.to_string())).collect());
        assert!(
            !a.can_wait(),
            "short runs are recorded as soon as Redis is idle"
        );
        let mut a = Ahead::new(100);
        for _ in 0..60 {
            a.observe(Duration::from_micros(1000));
        }
        assert_eq!(a.target(), 6);
        a.hold((0..4).map(|i| job(&i.to_string())).collect());
        assert!(a.can_wait(), "4 of 6 held");
        a.take();
        assert!(!a.can_wait(), "3 of 6 held: time to claim more");
    }

    #[test]
    fn off_when_zero_and_after_close() {
        let mut a = Ahead::new(0);
        a.observe(Duration::from_micros(1));
        assert_eq!(a.ask(), 0);
        let (back, _) = a.hold(vec![job("a")]);
        assert_eq!(back.len(), 1, "a worker that holds none hands jobs back");

        let mut a = Ahead::new(5);
        let (back, first) = a.hold(vec![job("a"), job("b")]);
        assert!(back.is_empty() && first);
        let closed = a.close();
        assert_eq!(
            closed.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(a.take().is_none());
        assert_eq!(a.hold(vec![job("c")]).0.len(), 1);
    }

    #[test]
    fn hands_out_in_order_and_gives_back_when_overdue() {
        let mut a = Ahead::new(5);
        a.hold(vec![job("a"), job("b"), job("c")]);
        assert_eq!(a.take().unwrap().id, "a");
        assert_eq!(a.remove("c").unwrap().id, "c");
        assert!(a.remove("zz").is_none());
        let due = a.due().unwrap();
        assert!(a.overdue(due - Duration::from_millis(1)).is_empty());
        assert_eq!(a.overdue(due).len(), 1);
        assert!(a.due().is_none());
    }
}
