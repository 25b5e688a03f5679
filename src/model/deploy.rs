//! Rolling deployments (aws-behaviour.md §7): at a `deployments` entry the service rolls to a new
//! revision. New tasks start while the service holds at most maximumPercent of its desired
//! count; old tasks stop while at least minimumHealthyPercent stay healthy; the deployment
//! completes when every active task runs the new revision and as many are healthy as desired. A
//! new revision's task may fail its health check (`failureProbability`): with the deployment
//! circuit breaker on, the threshold's failures ([`circuit_breaker_threshold`]: by default
//! clamp(ceil(0.5 × desired), 3, 200)) fail the deployment and, with rollback, roll the service
//! back to its last completed revision. With `resetOnHealthyTask` (the default) a task of the
//! deployment that becomes healthy sets the failure count back to 0. Service auto scaling does
//! not scale in while a deployment is in progress.

use super::activity::{
    Cause, DeploymentCompletedCause, DeploymentFailedCause, DeploymentRollbackCause,
    DeploymentStartedCause, TaskUnhealthyCause, ThrottleEnd,
};
use super::world::{TaskState, World};
use crate::ids::{ServiceId, TaskSlot};
use crate::scenario::{ThresholdType, defaults};
use rand::RngExt;

/// A deployment in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Deploy {
    /// Tasks of the new revision that failed their health check (since the last one that became
    /// healthy, with `resetOnHealthyTask`).
    pub failed: u32,
    /// Whether this deployment is the circuit breaker's rollback.
    pub rollback: bool,
}

/// The circuit breaker's threshold (ECS's ThresholdConfiguration) for `value` read as `kind`
/// and the latest desired count: `COUNT` uses `value` itself; the percentages take value % of
/// the desired count, rounded up (ecsim's choice: AWS's older guide rounded 0.5 × 25 up to 13,
/// the API reference does not say), and `BOUNDED_PERCENT` clamps that to
/// [[`defaults::CIRCUIT_BREAKER_MIN`], [`defaults::CIRCUIT_BREAKER_MAX`]] = [3, 200].
///
/// ```
/// use ecsim::model::deploy::circuit_breaker_threshold;
/// use ecsim::scenario::ThresholdType::{BoundedPercent, Count, UnboundedPercent};
/// // clamp(ceil(0.5 × 4), 3, 200) = clamp(2, 3, 200) = 3
/// assert_eq!(circuit_breaker_threshold(BoundedPercent, 50, 4), 3);
/// // clamp(ceil(0.5 × 25), 3, 200) = 13
/// assert_eq!(circuit_breaker_threshold(BoundedPercent, 50, 25), 13);
/// // clamp(ceil(0.5 × 1000), 3, 200) = 200
/// assert_eq!(circuit_breaker_threshold(BoundedPercent, 50, 1000), 200);
/// // ceil(0.5 × 1000) = 500; ceil(0.1 × 4) = 1
/// assert_eq!(circuit_breaker_threshold(UnboundedPercent, 50, 1000), 500);
/// assert_eq!(circuit_breaker_threshold(UnboundedPercent, 10, 4), 1);
/// assert_eq!(circuit_breaker_threshold(Count, 7, 1000), 7);
/// ```
pub fn circuit_breaker_threshold(kind: ThresholdType, value: u32, desired: u32) -> u32 {
    let percent = || {
        let t = (u64::from(value) * u64::from(desired)).div_ceil(100);
        u32::try_from(t).unwrap_or(u32::MAX)
    };
    match kind {
        ThresholdType::Count => value,
        ThresholdType::UnboundedPercent => percent(),
        ThresholdType::BoundedPercent => {
            percent().clamp(defaults::CIRCUIT_BREAKER_MIN, defaults::CIRCUIT_BREAKER_MAX)
        }
    }
}

impl World {
    /// A `deployments` entry: roll service `s` to a new revision.
    pub(crate) fn start_deployment(&mut self, s: ServiceId, entry: usize) {
        let fail_p = self.scenario.services[s.index()].deployments[entry].1;
        let st = &mut self.services[s];
        st.next_revision += 1;
        st.revision = st.next_revision;
        st.rev_fail_p = fail_p;
        st.rev_fail_at = self.scenario.services[s.index()].deployments[entry].2;
        let revision = st.revision;
        self.end_throttle(s, ThrottleEnd::Deployment { revision });
        let st = &mut self.services[s];
        let desired = st.desired;
        st.deploy = Some(Deploy {
            failed: 0,
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
            health: svc.health.healthy_rule.clone(),
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
        if self.tasks[slot].revision != st.revision
            || st.rev_fail_p <= 0.0
            || st.rev_fail_at != crate::scenario::FailAt::HealthCheck
        {
            return;
        }
        let p = st.rev_fail_p;
        let draw: f64 = self.services[s].rng_deploy.random();
        self.tasks[slot].doomed = draw < p;
    }

    /// A task of the current revision became healthy: with `resetOnHealthyTask` the circuit
    /// breaker's failure count of the deployment in progress goes back to 0.
    pub(crate) fn deployment_task_healthy(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        let reset = self.scenario.services[s.index()]
            .circuit_breaker
            .is_none_or(|cb| cb.reset_on_healthy_task);
        if self.tasks[slot].revision != self.services[s].revision || !reset {
            return;
        }
        if let Some(dep) = self.services[s].deploy.as_mut() {
            dep.failed = 0;
        }
    }

    /// A doomed task fails its health check: it stops and, when it is of the revision being
    /// deployed, counts toward the circuit breaker; the deployment fails (and rolls back) when
    /// the count reaches the threshold for the latest desired count.
    pub(crate) fn task_failed_health(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        let of_deployment = self.tasks[slot].revision == self.services[s].revision;
        let h = &self.scenario.services[s.index()].health;
        let cause = Cause::TaskUnhealthy(TaskUnhealthyCause {
            revision: self.tasks[slot].revision,
            check: h.failure.check.clone(),
            unhealthy_after: h.failure.unhealthy_after,
            grace_s: h.grace_s,
            stopped_after: h.failure.stop_after,
        });
        self.record(Some(s), None, None, cause);
        self.stop_task_for_instance(slot, false);
        self.deployment_task_failed(s, of_deployment);
    }

    /// A task of service `s` failed — its health check, or to start (the circuit breaker's
    /// stage 1) — and, when `of_deployment` (it ran the revision being deployed), counts toward
    /// the circuit breaker; the deployment fails (and rolls back) when the count reaches the
    /// threshold for the latest desired count.
    pub(crate) fn deployment_task_failed(&mut self, s: ServiceId, of_deployment: bool) {
        let Some(cb) = self.scenario.services[s.index()].circuit_breaker else {
            return;
        };
        let Some(dep) = self.services[s].deploy.as_mut() else {
            return;
        };
        if !of_deployment {
            return;
        }
        dep.failed += 1;
        let failed = dep.failed;
        if !cb.enable {
            return;
        }
        let desired = self.services[s].desired;
        let threshold = circuit_breaker_threshold(cb.threshold_type, cb.threshold_value, desired);
        if failed < threshold {
            return;
        }
        let rev = self.services[s].revision;
        let stable = self.services[s].stable_revision;
        let cause = Cause::DeploymentFailed(DeploymentFailedCause {
            failed,
            revision: rev,
            desired,
            threshold_type: cb.threshold_type,
            threshold_value: cb.threshold_value,
            threshold,
            reset_on_healthy_task: cb.reset_on_healthy_task,
            rollback_to: cb.rollback.then_some(stable),
        });
        self.record(Some(s), None, None, cause);
        if cb.rollback {
            let st = &mut self.services[s];
            st.revision = stable;
            st.rev_fail_p = 0.0;
            st.deploy = Some(Deploy {
                failed: 0,
                rollback: true,
            });
            self.end_throttle(s, ThrottleEnd::Deployment { revision: stable });
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

#[cfg(test)]
mod tests {
    use super::super::activity::Cause;
    use super::super::world::World;
    use crate::ids::ServiceId;
    use crate::scenario::load_str;

    use super::super::observe::Activities as Acts;

    /// A 10-minute Fargate service `web` of 4 tasks (a task created at t is RUNNING at t + 10 s
    /// and passes its health check 40 s later, at t + 50 s; stops take 2 s), rolled at 60 s to
    /// a revision whose tasks all fail their health check, with `breaker` as its
    /// deploymentCircuitBreaker.
    fn world(breaker: &str) -> World {
        let json = format!(
            r#"{{"name": "d", "seed": 1, "duration": "10m",
              "capacityProviders": [{{"name": "FARGATE"}}],
              "services": [{{"serviceName": "web", "launchType": "FARGATE", "desiredCount": 4,
                "taskDefinition": {{"family": "web", "cpu": "256", "memory": "512"}},
                "model": {{"fargateProvisioning": {{"distribution": "fixed", "value": "5s"}},
                          "fargateImagePull": {{"distribution": "fixed", "value": "5s"}},
                          "taskStopDuration": {{"distribution": "fixed", "value": "2s"}}}},
                "deploymentConfiguration": {{"maximumPercent": 200, "minimumHealthyPercent": 100,
                  "deploymentCircuitBreaker": {breaker}}},
                "deployments": [{{"at": "60s", "failureProbability": 1}}]}}]}}"#
        );
        let sc = load_str(&json, "d.json", None, &[]).expect("valid");
        let mut w = World::new(sc, false);
        w.set_observer(Box::new(Acts::default()));
        w
    }

    /// (time_s, the circuit breaker's detail) of the deployment-failed activities.
    fn failures(mut w: World) -> Vec<(f64, super::DeploymentFailedCause, String)> {
        w.run_until(600_000);
        let acts = w.take_observer_as::<Acts>().expect("our observer").0;
        acts.into_iter()
            .filter_map(|a| match &a.cause {
                Cause::DeploymentFailed(c) => Some((a.time_s, c.clone(), a.cause.to_string())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_default_threshold_is_half_the_desired_count_at_least_3() {
        // BOUNDED_PERCENT 50 by default: clamp(ceil(0.5 × 4), 3, 200) = clamp(2, 3, 200) = 3.
        // The 4 new tasks (created at 60 s) fail at 110 s: the third failure trips it there.
        // (The old minimum of 10 tripped only at the 10th failure, in the third batch: 210 s.)
        let got = failures(world(r#"{"enable": true, "rollback": true}"#));
        assert_eq!(got.len(), 1, "{got:?}");
        let (t, c, text) = &got[0];
        assert_eq!((*t, c.failed, c.desired, c.threshold), (110.0, 3, 4, 3));
        assert!(
            text.contains(
                "3 tasks of revision 2 failed their health checks with none healthy in between \
                 ≥ threshold clamp(ceil(0.5 × 4), 3, 200) = 3 (BOUNDED_PERCENT 50); rolling back \
                 to revision 1"
            ),
            "{text}"
        );
    }

    #[test]
    fn count_and_unbounded_percent_thresholds() {
        // COUNT 6: 4 failures at 110 s, the replacements (created at 110 s) fail at 160 s: the
        // 6th failure, the second of that batch, trips it at 160 s.
        let got = failures(world(
            r#"{"enable": true, "rollback": false,
                "thresholdConfiguration": {"type": "COUNT", "value": 6}}"#,
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        let (t, c, text) = &got[0];
        assert_eq!((*t, c.failed, c.threshold), (160.0, 6, 6));
        assert!(
            text.contains("≥ threshold 6 (COUNT); no rollback"),
            "{text}"
        );
        // UNBOUNDED_PERCENT 25: ceil(0.25 × 4) = 1, below the bounded minimum of 3: the first
        // failure, at 110 s, trips it.
        let got = failures(world(
            r#"{"enable": true, "rollback": true,
                "thresholdConfiguration": {"type": "UNBOUNDED_PERCENT", "value": 25}}"#,
        ));
        let (t, c, text) = &got[0];
        assert_eq!((*t, c.failed, c.threshold), (110.0, 1, 1));
        assert!(
            text.contains("≥ threshold ceil(0.25 × 4) = 1 (UNBOUNDED_PERCENT 25)"),
            "{text}"
        );
    }

    /// The world at 80 s with the second new task (of the four created at 60 s) set to pass its
    /// health check: at 110 s the four give fail, pass, fail, fail (tasks created together
    /// step in creation order).
    fn one_passes(breaker: &str) -> World {
        let mut w = world(breaker);
        w.run_until(80_000);
        let mut new: Vec<_> = w
            .service_tasks(ServiceId(0))
            .iter()
            .copied()
            .filter(|&slot| w.tasks[slot].revision == 2)
            .collect();
        new.sort();
        assert_eq!(new.len(), 4);
        assert!(new.iter().all(|&slot| w.tasks[slot].doomed));
        w.tasks[new[1]].doomed = false;
        w
    }

    #[test]
    fn a_healthy_task_resets_the_failure_count_unless_told_not_to() {
        // COUNT 3. resetOnHealthyTask false: at 110 s fail (1), pass, fail (2), fail (3) → 3 ≥ 3:
        // failed at 110 s.
        let got = failures(one_passes(
            r#"{"enable": true, "rollback": false, "resetOnHealthyTask": false,
                "thresholdConfiguration": {"type": "COUNT", "value": 3}}"#,
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].1.failed), (110.0, 3));
        assert!(
            got[0]
                .2
                .contains("3 tasks of revision 2 failed their health checks ≥ threshold 3"),
            "{}",
            got[0].2
        );
        // resetOnHealthyTask true (the default): fail (1), pass → 0, fail (1), fail (2): not
        // tripped. The 3 replacements created at 110 s all fail at 160 s: the first makes 3.
        let got = failures(one_passes(
            r#"{"enable": true, "rollback": false,
                "thresholdConfiguration": {"type": "COUNT", "value": 3}}"#,
        ));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].1.failed), (160.0, 3));
        assert!(got[0].1.reset_on_healthy_task);
    }

    #[test]
    fn bad_threshold_configurations_are_refused_with_what_is_valid() {
        let load = |cb: &str| {
            let json = format!(
                r#"{{"name": "d", "capacityProviders": [{{"name": "FARGATE"}}],
  "services": [{{"serviceName": "web", "launchType": "FARGATE",
    "taskDefinition": {{"family": "web", "cpu": "256", "memory": "512"}},
    "deploymentConfiguration": {{"deploymentCircuitBreaker": {cb}}}}}]}}"#
            );
            match load_str(&json, "d.json", None, &[]) {
                Err(crate::error::Error::Invalid(p)) => p.iter().map(|p| p.to_string()).collect(),
                other => panic!("refused: {other:?}"),
            }
        };
        let path = "services[0].deploymentConfiguration.deploymentCircuitBreaker.\
                    thresholdConfiguration";
        // Line 4 holds the breaker: `    "deploymentConfiguration": {"deploymentCircuitBreaker": `
        // is 60 characters, `{"enable": true, "rollback": true, "thresholdConfiguration": ` 61
        // more and `{"type": "COUNT", "value": ` 27: the value is at column 60 + 61 + 27 + 1 = 149.
        let got: Vec<String> = load(
            r#"{"enable": true, "rollback": true, "thresholdConfiguration": {"type": "COUNT", "value": 0}}"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("d.json:4:149: ") && got[0].contains(&format!("{path}.value: thresholdConfiguration value 0 is out of range: expected a whole number of at least 1 (failed tasks for COUNT; AWS's default is BOUNDED_PERCENT 50)")),
            "{got:?}"
        );
        let got = load(
            r#"{"enable": true, "rollback": true, "thresholdConfiguration": {"type": "PERCENT", "value": 50}}"#,
        );
        assert!(
            got[0].contains(&format!("{path}.type"))
                && got[0].contains("BOUNDED_PERCENT")
                && got[0].contains("UNBOUNDED_PERCENT")
                && got[0].contains("COUNT"),
            "{got:?}"
        );
        for (bad, why) in [
            ("-1", "`-1` is negative"),
            ("2.5", "wrong type: found floating point `2.5`"),
            ("\"50\"", "wrong type"),
        ] {
            let got = load(&format!(
                r#"{{"enable": true, "rollback": true, "thresholdConfiguration": {{"type": "COUNT", "value": {bad}}}}}"#
            ));
            assert!(
                got[0].contains(&format!("{path}.value: {why}")),
                "{bad}: {got:?}"
            );
        }
        let got = load(
            r#"{"enable": true, "rollback": true, "thresholdConfiguration": {"type": "COUNT", "value": 2147483648}}"#,
        );
        assert!(
            got[0].contains("value 2147483648 is above the quota of 2147483647"),
            "{got:?}"
        );
        let got = load(r#"{"enable": true, "rollback": true, "resetOnHealthyTask": "yes"}"#);
        assert!(
            got[0].contains("deploymentCircuitBreaker.resetOnHealthyTask: wrong type"),
            "{got:?}"
        );
    }
}
