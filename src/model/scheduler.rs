//! The ECS service scheduler's own state: the launch limits it works within (the cluster's
//! PROVISIONING limit, the Fargate launch token buckets and their line of waiting services) and
//! the EC2 tasks waiting for an instance. This is the ECS-specific side of the model; the parts
//! it drives — the task table ([`super::tasks`]), the fleet ([`super::fleet`]), traffic
//! ([`super::load`]), billing, faults ([`super::faults`]) — are orchestrator-neutral.
//!
//! Invariants it keeps: `provisioning` counts the live tasks in PROVISIONING; a service is in
//! a bucket's line at most once (its `token_waiting` flag says so); a bucket's wake is set
//! exactly while an event for it is queued; `unplaced[p][s]` counts service `s`'s EC2 tasks of
//! provider `p` in `waiting` not yet placed.

use crate::engine::Millis;
use crate::scenario::Model;
use std::collections::VecDeque;

/// A Fargate launch token bucket, in micro-tokens so that refills are exact.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    micro: u64,
    last: Millis,
}

pub(crate) const MICRO: u64 = 1_000_000;

/// The service scheduler's launch limits and placement queue.
#[derive(Debug, Clone)]
pub struct Scheduler {
    /// Tasks in PROVISIONING, cluster-wide.
    pub provisioning: u32,
    buckets: [Bucket; 2],
    /// Services waiting for a token of each Fargate bucket, in the order they began to wait:
    /// one `FargateTokens` event serves them, rather than one `Reconcile` per waiting service
    /// per token (with thousands of services that was millions of events).
    pub(crate) token_waiters: [VecDeque<u32>; 2],
    /// When the pending `FargateTokens` event of each bucket is due.
    pub(crate) token_wake: [Option<Millis>; 2],
    /// The bucket and service being served: blocked again, it keeps its place at the front.
    pub(crate) serving: Option<(usize, u32)>,
    /// A launch stopped at the PROVISIONING limit: a task leaving PROVISIONING wakes services.
    pub(crate) backed_off: bool,
    /// EC2 tasks waiting for a placement (slot, generation), oldest first.
    pub(crate) waiting: VecDeque<(u32, u32)>,
    /// A `RetryPlacement` is queued.
    pub(crate) retry_pending: bool,
    /// Per provider and service, EC2 tasks waiting for an instance.
    pub unplaced: Vec<Vec<u32>>,
    /// Placements that found no instance.
    pub placement_failures: u64,
}

impl Scheduler {
    /// Nothing launched yet: both buckets full (`fargateLaunchBurst` tokens).
    pub fn new(model: &Model, providers: usize, services: usize) -> Scheduler {
        let full = Bucket {
            micro: u64::from(model.fargate_launch_burst) * MICRO,
            last: 0,
        };
        Scheduler {
            provisioning: 0,
            buckets: [full.clone(), full],
            token_waiters: [VecDeque::new(), VecDeque::new()],
            token_wake: [None; 2],
            serving: None,
            backed_off: false,
            waiting: VecDeque::new(),
            retry_pending: false,
            unplaced: vec![vec![0; services]; providers],
            placement_failures: 0,
        }
    }

    /// Refills Fargate bucket `b` up to `now`; `None` when it holds a token, else when it will.
    pub(crate) fn refill(&mut self, b: usize, now: Millis, model: &Model) -> Option<Millis> {
        // Micro-tokens per millisecond: 20 tokens/s = 20,000 µtokens/ms.
        let per_ms = ((model.fargate_launch_per_second * 1000.0).round() as u64).max(1);
        let burst = u64::from(model.fargate_launch_burst) * MICRO;
        let bk = &mut self.buckets[b];
        bk.micro = bk
            .micro
            .saturating_add((now - bk.last).saturating_mul(per_ms))
            .min(burst);
        bk.last = now;
        (bk.micro < MICRO).then(|| now + (MICRO - bk.micro).div_ceil(per_ms).max(1))
    }

    /// Takes one token of bucket `b` (which [`Scheduler::refill`] found holding one).
    pub(crate) fn take_token(&mut self, b: usize) {
        self.buckets[b].micro -= MICRO;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_bucket_refills_at_its_rate_up_to_its_burst() {
        let model = Model {
            fargate_launch_burst: 100,
            fargate_launch_per_second: 20.0,
            ..Model::default()
        };
        let mut s = Scheduler::new(&model, 0, 0);
        // A full bucket gives its burst of 100 tokens at t = 0, then none.
        for _ in 0..100 {
            assert_eq!(s.refill(0, 0, &model), None);
            s.take_token(0);
        }
        // Empty at 0: 20 tokens/s = 20,000 µtokens/ms, so the next token is due at
        // 1,000,000 / 20,000 = 50 ms.
        assert_eq!(s.refill(0, 0, &model), Some(50));
        assert_eq!(s.refill(0, 50, &model), None);
        // Bucket 1 (Spot) is apart: still full.
        assert_eq!(s.refill(1, 50, &model), None);
        // Ten minutes later the bucket holds its burst, no more: 100 takes, then empty.
        for _ in 0..100 {
            assert_eq!(s.refill(0, 600_000, &model), None);
            s.take_token(0);
        }
        assert_eq!(s.refill(0, 600_000, &model), Some(600_050));
    }
}
