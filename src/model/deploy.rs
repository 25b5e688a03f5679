//! Rolling deployments (aws-behaviour.md §7): at a `deployments` entry the service rolls to a new
//! revision. New tasks start while the service holds at most maximumPercent of its desired
//! count; old tasks stop while at least minimumHealthyPercent stay healthy; the deployment
//! completes when every active task runs the new revision and as many are healthy as desired. A
//! new revision's task may fail its health check (`failureProbability`): with the deployment
//! circuit breaker on, clamp(0.5 × desired, 10, 200) failures fail the deployment and, with
//! rollback, roll the service back to its last completed revision. Service auto scaling does not
//! scale in while a deployment is in progress.

use super::activity::{
    Cause, DeploymentCompletedCause, DeploymentFailedCause, DeploymentRollbackCause,
    DeploymentStartedCause,
};
use super::world::{TaskState, World};
use crate::ids::{ServiceId, TaskSlot};
use crate::scenario::defaults;
use rand::RngExt;

/// A deployment in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    /// Tasks of the new revision that failed their health check.
    pub failed: u32,
    /// Failures that trip the circuit breaker.
    pub threshold: u32,
    /// Whether this deployment is the circuit breaker's rollback.
    pub rollback: bool,
}

/// The circuit breaker's threshold for a desired count: clamp(0.5 × desired, 10, 200)
/// ([`defaults::CIRCUIT_BREAKER_MIN`], [`defaults::CIRCUIT_BREAKER_MAX`]).
///
/// ```
/// use ecsim::model::deploy::circuit_breaker_threshold;
/// assert_eq!(circuit_breaker_threshold(4), 10);
/// assert_eq!(circuit_breaker_threshold(60), 30);
/// assert_eq!(circuit_breaker_threshold(1000), 200);
/// ```
pub fn circuit_breaker_threshold(desired: u32) -> u32 {
    desired
        .div_ceil(2)
        .clamp(defaults::CIRCUIT_BREAKER_MIN, defaults::CIRCUIT_BREAKER_MAX)
}

impl World {
    /// A `deployments` entry: roll service `s` to a new revision.
    pub(crate) fn start_deployment(&mut self, s: ServiceId, entry: usize) {
        let fail_p = self.scenario.services[s.index()].deployments[entry].1;
        let st = &mut self.services[s];
        st.next_revision += 1;
        st.revision = st.next_revision;
        st.rev_fail_p = fail_p;
        let desired = st.desired;
        st.deploy = Some(Deploy {
            failed: 0,
            threshold: circuit_breaker_threshold(desired),
            rollback: false,
        });
        self.recount_revision(s);
        let svc = &self.scenario.services[s.index()];
        let cause = Cause::DeploymentStarted(DeploymentStartedCause {
            revision: self.services[s].revision,
            desired,
            maximum_percent: svc.max_percent,
            max_tasks: u64::from(desired) * u64::from(svc.max_percent) / 100,
            minimum_healthy_percent: svc.min_healthy_percent,
            min_healthy: (u64::from(desired) * u64::from(svc.min_healthy_percent)).div_ceil(100),
            failure_probability: fail_p,
        });
        self.record(Some(s), None, None, cause);
        let now = self.queue.now();
        self.request_reconcile(s, now);
    }

    /// Counts the active and healthy tasks of the service's current revision (after it changes).
    fn recount_revision(&mut self, s: ServiceId) {
        let rev = self.services[s].revision;
        let (mut active, mut healthy) = (0, 0);
        for &slot in self.service_tasks(s) {
            let t = &self.tasks[slot];
            if t.revision == rev && t.state != TaskState::Stopping {
                active += 1;
                if t.healthy {
                    healthy += 1;
                }
            }
        }
        self.services[s].rev_active = active;
        self.services[s].rev_healthy = healthy;
    }

    /// Reconcile during a deployment, or while tasks on draining instances await replacement
    /// (managed draining): tasks to replace are those of an older revision and those evicted
    /// from a draining instance. Replacements start while the service holds at most
    /// maximumPercent of its desired count; tasks to replace stop (those not yet healthy first)
    /// while at least minimumHealthyPercent stay healthy. A deployment completes when none is
    /// left and as many current tasks as desired are healthy.
    pub(crate) fn rolling_reconcile(&mut self, s: ServiceId) {
        let su = s.index();
        let svc = &self.scenario.services[su];
        let (max_pct, min_pct) = (svc.max_percent, svc.min_healthy_percent);
        let st = &self.services[ServiceId::new(su)];
        let d = st.desired;
        let max_total = (u64::from(d) * u64::from(max_pct) / 100) as u32;
        let min_healthy = (u64::from(d) * u64::from(min_pct)).div_ceil(100) as u32;
        let rev = st.revision;
        // Outside a deployment only evicted tasks are replaced (old-revision tasks left by a
        // failed deployment without rollback stay).
        let deploying = st.deploy.is_some();
        let to_replace = |t: &super::world::Task| t.evicting || (deploying && t.revision != rev);
        let current = |w: &World| {
            w.service_tasks(s)
                .iter()
                .filter(|&&slot| {
                    let t = &w.tasks[slot];
                    t.state != TaskState::Stopping && !to_replace(t)
                })
                .count() as u32
        };
        // Too many current tasks (desired fell): the ordinary scale-in picks them first.
        let keep0 = current(self);
        if keep0 > d {
            for _ in 0..(keep0 - d) {
                self.stop_one(s);
            }
        }
        let mut old_unhealthy = Vec::new();
        let mut old_healthy = Vec::new();
        let (mut keep, mut keep_healthy) = (0u32, 0u32);
        for &slot in self.service_tasks(s) {
            let t = &self.tasks[slot];
            if t.state == TaskState::Stopping {
                continue;
            }
            if to_replace(t) {
                if t.healthy {
                    old_healthy.push(slot);
                } else {
                    old_unhealthy.push(slot);
                }
            } else {
                keep += 1;
                keep_healthy += u32::from(t.healthy);
            }
        }
        let healthy = self.services[ServiceId::new(su)].healthy;
        let can_stop = healthy.saturating_sub(min_healthy) as usize;
        for slot in old_unhealthy {
            self.begin_stop(slot);
        }
        for &slot in old_healthy.iter().take(can_stop) {
            self.begin_stop(slot);
        }
        let active = self.services[ServiceId::new(su)].active();
        let old_active = active.saturating_sub(keep);
        let want = d.saturating_sub(keep).min(max_total.saturating_sub(active));
        if want > 0 {
            self.launch(s, want);
        }
        if self.services[ServiceId::new(su)].deploy.is_some()
            && old_active == 0
            && keep == d
            && keep_healthy >= d
        {
            let rollback = self.services[ServiceId::new(su)]
                .deploy
                .as_ref()
                .is_some_and(|x| x.rollback);
            self.services[ServiceId::new(su)].deploy = None;
            self.services[ServiceId::new(su)].stable_revision = rev;
            let cause = Cause::DeploymentCompleted(DeploymentCompletedCause {
                revision: rev,
                rollback,
                tasks: d,
            });
            self.record(Some(ServiceId::new(su)), None, None, cause);
        }
    }

    /// A new-revision task reached RUNNING: draw whether it will fail its health check.
    pub(crate) fn draw_doomed(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        let st = &self.services[s];
        if self.tasks[slot].revision != st.revision || st.rev_fail_p <= 0.0 {
            return;
        }
        let p = st.rev_fail_p;
        let draw: f64 = self.services[s].rng_deploy.random();
        self.tasks[slot].doomed = draw < p;
    }

    /// A doomed task fails its health check: it stops, counts toward the circuit breaker, and
    /// the deployment fails (and rolls back) at the threshold.
    pub(crate) fn task_failed_health(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        self.stop_task_for_instance(slot, false);
        let cb = self.scenario.services[s.index()].circuit_breaker;
        let Some(dep) = self.services[s].deploy.as_mut() else {
            return;
        };
        dep.failed += 1;
        let (failed, threshold) = (dep.failed, dep.threshold);
        let Some((true, rollback)) = cb else {
            return;
        };
        if failed < threshold {
            return;
        }
        let rev = self.services[s].revision;
        let stable = self.services[s].stable_revision;
        let cause = Cause::DeploymentFailed(DeploymentFailedCause {
            failed,
            revision: rev,
            desired: self.services[s].desired,
            threshold,
            rollback_to: rollback.then_some(stable),
        });
        self.record(Some(s), None, None, cause);
        if rollback {
            let st = &mut self.services[s];
            st.revision = stable;
            st.rev_fail_p = 0.0;
            st.deploy = Some(Deploy {
                failed: 0,
                threshold: threshold.max(defaults::CIRCUIT_BREAKER_MIN),
                rollback: true,
            });
            self.recount_revision(s);
            let cause = Cause::DeploymentRollback(DeploymentRollbackCause { revision: stable });
            self.record(Some(s), None, None, cause);
        } else {
            self.services[s].deploy = None;
        }
        let now = self.queue.now();
        self.request_reconcile(s, now);
    }
}
