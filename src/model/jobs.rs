//! Batch job streams: which streams draw Poisson arrivals, and what happened to each stream's
//! jobs (submitted, started, waited, finished, retried, lost). Orchestrator-neutral: a job is a
//! task that ends on its own; the scheduler only sees the stream's desired count move.
//!
//! Invariant it keeps: a stream's queued submissions are oldest first, and each counts the jobs
//! of its instant not yet given a task.

use crate::engine::Millis;
use crate::ids::ServiceId;
use crate::scenario::Scenario;
use std::collections::VecDeque;

/// What happened to one batch job stream.
#[derive(Debug, Clone, Default)]
pub struct JobStats {
    /// Jobs submitted.
    pub arrived: u64,
    /// Jobs that reached RUNNING.
    pub started: u64,
    /// Jobs that finished.
    pub completed: u64,
    /// Sum of waits from submission to RUNNING, ms.
    pub wait_sum: u128,
    /// Longest wait, ms.
    pub wait_max: Millis,
    /// Jobs whose task was interrupted and started again.
    pub retried: u64,
    /// Jobs lost to an interruption.
    pub lost: u64,
    /// Submissions not yet given a task: (time, count), oldest first.
    pub(crate) submitted: VecDeque<(Millis, u32)>,
}

/// The batch job streams of a run.
#[derive(Debug, Clone)]
pub struct Jobs {
    /// Job streams with Poisson arrivals (service indexes); None when there is none.
    pub(crate) poisson: Option<Vec<usize>>,
    /// Batch job statistics per service index (zero for services).
    pub stats: Vec<JobStats>,
}

impl Jobs {
    /// The streams of `scenario` (every service has an entry; a service's stays zero).
    pub fn new(scenario: &Scenario) -> Jobs {
        let poisson: Vec<usize> = scenario
            .services
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.job
                    .as_ref()
                    .is_some_and(|j| matches!(j.arrivals, crate::scenario::Arrivals::Poisson(_)))
            })
            .map(|(n, _)| n)
            .collect();
        Jobs {
            poisson: (!poisson.is_empty()).then_some(poisson),
            stats: vec![JobStats::default(); scenario.services.len()],
        }
    }

    /// `count` jobs of stream `s` are submitted at `now`.
    pub(crate) fn submit(&mut self, s: ServiceId, now: Millis, count: u32) {
        self.stats[s.index()].arrived += u64::from(count);
        self.stats[s.index()].submitted.push_back((now, count));
    }

    /// When the job a new task of stream `s` runs was submitted (`now` for a service, whose
    /// queue is always empty): the oldest submission not yet given a task.
    pub(crate) fn take_submitted(&mut self, s: ServiceId, now: Millis) -> Millis {
        let q = &mut self.stats[s.index()].submitted;
        let Some(front) = q.front_mut() else {
            return now;
        };
        let t = front.0;
        front.1 -= 1;
        if front.1 == 0 {
            q.pop_front();
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_take_the_oldest_submission_first() {
        let mut j = Jobs {
            poisson: None,
            stats: vec![JobStats::default()],
        };
        // Two jobs at 1 s and one at 5 s: the first two tasks run the 1 s jobs, the third the
        // 5 s job; with the queue empty a task is a service's and gets `now` (9 s).
        j.submit(ServiceId(0), 1_000, 2);
        j.submit(ServiceId(0), 5_000, 1);
        assert_eq!(j.stats[0].arrived, 3);
        assert_eq!(j.take_submitted(ServiceId(0), 9_000), 1_000);
        assert_eq!(j.take_submitted(ServiceId(0), 9_000), 1_000);
        assert_eq!(j.take_submitted(ServiceId(0), 9_000), 5_000);
        assert_eq!(j.take_submitted(ServiceId(0), 9_000), 9_000);
    }
}
