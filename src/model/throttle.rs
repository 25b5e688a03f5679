//! The service throttle logic (aws-behaviour.md §7) and the account's Fargate vCPU quotas
//! (§8). ECS-specific, beside the scheduler it restrains.
//!
//! **Failed starts.** A task that never reaches RUNNING — a deployment's failing task with
//! `failAt: "start"` (PENDING → STOPPED with no `startedAt`, like CannotPullContainerError), or a
//! launch the Fargate vCPU quota refuses — is a failed start. From the
//! [`defaults::RESTART_THROTTLE_AFTER`]-th consecutive one the service is throttled: it launches
//! nothing for a back-off ([`restart_backoff`]: `restartBackoffFirst`, doubling on each further
//! failed attempt, at most `restartBackoffMax`, AWS's 27 minutes). A failure while a back-off
//! runs (a task launched before it) does not lengthen it. Throttling ends at once when a task of
//! the service reaches RUNNING and when a deployment (a new task definition, or the circuit
//! breaker's rollback) begins. Placement failures on EC2 (no instance fits) are not failed
//! starts: those tasks wait in PROVISIONING and are retried as capacity frees.
//!
//! **Fargate vCPU quotas.** The vCPUs of the Fargate tasks holding capacity — from PROVISIONING
//! to STOPPED, kept as running totals per quota (On-Demand: launch type FARGATE and provider
//! FARGATE; Spot: FARGATE_SPOT) — may not exceed the account's quota (`serviceQuotas`; default
//! 6 vCPUs each). A launch beyond it fails at once with AWS's reason and is a failed start.

use super::activity::{
    Cause, FargateQuotaRefusal, RestartThrottleEndedCause, RestartThrottledCause, StartFailure,
    ThrottleEnd,
};
use super::world::{TaskState, World};
use crate::engine::Millis;
use crate::ids::ServiceId;
use crate::ids::TaskSlot;
use crate::scenario::FailAt;
use crate::scenario::{ProviderKind, defaults};
use rand::RngExt;

/// CPU units in a vCPU.
const UNITS: u64 = 1024;

/// A service's throttle state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Throttle {
    /// Failed starts since a task of the service last reached RUNNING (or a deployment began).
    pub consecutive: u32,
    /// Back-offs so far in this throttled spell (0: not throttled).
    pub steps: u32,
    /// The service launches nothing before this.
    pub until: Millis,
}

/// The Fargate vCPU quotas in force and the CPU units held against each (index 0 On-Demand,
/// 1 Spot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FargateVcpu {
    /// Each quota in CPU units: floor(vCPUs × 1,024).
    pub quota: [u64; 2],
    /// CPU units of the Fargate tasks holding capacity (PROVISIONING to STOPPED).
    pub held: [u64; 2],
    /// Launches the quotas refused.
    pub refusals: u64,
}

impl FargateVcpu {
    /// Nothing held; the quotas of `vcpus` (On-Demand, Spot).
    pub fn new(vcpus: [f64; 2]) -> FargateVcpu {
        FargateVcpu {
            quota: vcpus.map(|v| (v * UNITS as f64).floor() as u64),
            held: [0; 2],
            refusals: 0,
        }
    }

    /// Whether a task of `cpu` units fits under quota `q`.
    pub fn admits(&self, q: usize, cpu: u32) -> bool {
        self.held[q] + u64::from(cpu) <= self.quota[q]
    }
}

/// The `step`-th back-off of a throttled spell (1 for the first): `first` × 2^(step − 1), at
/// most `max`.
///
/// ```
/// use ecsim::model::throttle::restart_backoff;
/// // 30 s, 60 s, 120 s, …, 960 s; then 1,920 s is above 27 min = 1,620 s: capped.
/// let s = 1000;
/// let got: Vec<u64> = (1..=8).map(|k| restart_backoff(30 * s, 1620 * s, k) / s).collect();
/// assert_eq!(got, [30, 60, 120, 240, 480, 960, 1620, 1620]);
/// assert_eq!(restart_backoff(30 * s, 1620 * s, 200), 1620 * s);
/// ```
pub fn restart_backoff(first: Millis, max: Millis, step: u32) -> Millis {
    let shift = step.saturating_sub(1).min(63);
    first.checked_mul(1u64 << shift).unwrap_or(max).min(max)
}

impl World {
    /// When service `s` may launch again, if a back-off is running now.
    pub(crate) fn throttled_until(&self, s: ServiceId) -> Option<Millis> {
        let until = self.services[s].throttle.until;
        (until > self.queue.now()).then_some(until)
    }

    /// The quota a task of service `s` on `provider` counts against (0 On-Demand,
    /// 1 Spot), None off Fargate.
    fn quota_of(&self, s: ServiceId, provider: Option<crate::ids::ProviderId>) -> Option<usize> {
        if !self.services[s].fargate {
            return None;
        }
        let spot = provider.is_some_and(|p| {
            matches!(
                self.scenario.providers[p.index()].kind,
                ProviderKind::FargateSpot
            )
        });
        Some(usize::from(spot))
    }

    /// Before a launch of service `s` (on `provider`): whether the Fargate vCPU quota refuses
    /// it. A refusal is counted and is a failed start.
    pub(crate) fn quota_refuses(
        &mut self,
        s: ServiceId,
        provider: Option<crate::ids::ProviderId>,
    ) -> bool {
        let Some(q) = self.quota_of(s, provider) else {
            return false;
        };
        let cpu = self.services[s].demand.resources.cpu;
        let fv = &self.scheduler.fargate_vcpu;
        if fv.admits(q, cpu) {
            return false;
        }
        let refusal = FargateQuotaRefusal {
            spot: q == 1,
            held_cpu: fv.held[q],
            task_cpu: u64::from(cpu),
            quota_cpu: fv.quota[q],
        };
        self.scheduler.fargate_vcpu.refusals += 1;
        self.services[s].quota_refusals += 1;
        self.start_failed(s, StartFailure::FargateVcpuQuota(refusal));
        true
    }

    /// A Fargate task starts (`sign` 1, at its launch) or stops (−1, at STOPPED) holding its
    /// vCPUs against its quota.
    pub(crate) fn hold_fargate_vcpu(
        &mut self,
        s: ServiceId,
        provider: Option<crate::ids::ProviderId>,
        sign: i64,
    ) {
        let Some(q) = self.quota_of(s, provider) else {
            return;
        };
        let cpu = u64::from(self.services[s].demand.resources.cpu);
        let held = &mut self.scheduler.fargate_vcpu.held[q];
        *held = if sign > 0 {
            *held + cpu
        } else {
            held.saturating_sub(cpu)
        };
    }

    /// A task is created: with its revision's `failAt: "start"`, draw whether it will fail to
    /// start (`doomed`; the draw is made at creation, so a task of a revision since rolled back
    /// still fails as its revision does).
    pub(crate) fn draw_start_failure(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        let st = &self.services[s];
        if st.rev_fail_at != FailAt::Start || st.rev_fail_p <= 0.0 {
            return;
        }
        let p = st.rev_fail_p;
        let draw: f64 = self.services[s].rng_deploy.random();
        self.tasks[slot].doomed = draw < p;
    }

    /// A task leaves PENDING: if it was drawn to fail to start, it stops (PENDING → STOPPED,
    /// never RUNNING), is counted, is a failed start, and — when it runs the revision being
    /// deployed — counts toward the deployment circuit breaker (its stage 1: tasks that do not
    /// reach RUNNING). Returns whether it failed.
    pub(crate) fn fails_to_start(&mut self, slot: TaskSlot) -> bool {
        let t = &self.tasks[slot];
        if !t.doomed {
            return false;
        }
        debug_assert_eq!(t.state, TaskState::Pending);
        let (s, revision) = (t.service, t.revision);
        let of_deployment = revision == self.services[s].revision;
        self.services[s].start_failures += 1;
        self.begin_stop(slot);
        self.start_failed(s, StartFailure::TaskStopped { revision });
        self.deployment_task_failed(s, of_deployment);
        true
    }

    /// A start of service `s` failed (`why`): counted toward the throttle; from the
    /// [`defaults::RESTART_THROTTLE_AFTER`]-th in a row, and unless a back-off is running, the
    /// next back-off begins (the first of a spell is AWS's service event "service X is unable
    /// to consistently start tasks successfully").
    pub(crate) fn start_failed(&mut self, s: ServiceId, why: StartFailure) {
        let now = self.queue.now();
        let model = &self.scenario.services[s.index()].model;
        let (first, max) = (model.restart_backoff_first, model.restart_backoff_max);
        let th = &mut self.services[s].throttle;
        th.consecutive += 1;
        if th.consecutive < defaults::RESTART_THROTTLE_AFTER || now < th.until {
            return;
        }
        th.steps += 1;
        self.services[s].restart_backoffs += 1;
        let th = &mut self.services[s].throttle;
        let delay = restart_backoff(first, max, th.steps);
        th.until = now + delay;
        let cause = Cause::RestartThrottled(RestartThrottledCause {
            reason: why,
            consecutive_failures: th.consecutive,
            step: th.steps,
            first_ms: first,
            max_ms: max,
            delay_ms: delay,
        });
        let until = th.until;
        self.record(Some(s), None, None, cause);
        self.request_reconcile(s, until);
    }

    /// Service `s` is no longer throttled (`why`): its failed starts are forgotten and, if a
    /// back-off was running, it ends with an activity and the service reconciles now.
    pub(crate) fn end_throttle(&mut self, s: ServiceId, why: ThrottleEnd) {
        let th = std::mem::take(&mut self.services[s].throttle);
        if th.steps == 0 {
            return;
        }
        let cause = Cause::RestartThrottleEnded(RestartThrottleEndedCause {
            reason: why,
            steps: th.steps,
        });
        self.record(Some(s), None, None, cause);
        let now = self.queue.now();
        self.request_reconcile(s, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_admits_up_to_its_value_in_cpu_units() {
        // 6 vCPUs = 6,144 units: three 2-vCPU (2,048-unit) tasks fill it; a fourth is refused.
        // 0.5 vCPU = 512 units: one 512-unit task, not two.
        let mut fv = FargateVcpu::new([6.0, 0.5]);
        assert_eq!(fv.quota, [6144, 512]);
        for _ in 0..3 {
            assert!(fv.admits(0, 2048));
            fv.held[0] += 2048;
        }
        assert!(!fv.admits(0, 2048));
        assert!(fv.admits(1, 512));
        fv.held[1] += 512;
        assert!(!fv.admits(1, 256));
    }
}
