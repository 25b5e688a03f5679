//! Health checks (docs/scenario-reference.md §2.4 `healthCheckGracePeriodSeconds`, §2.6
//! `healthCheck`): the containers' checks, the grace period, and from them when a task counts
//! healthy and when a failing one is stopped.
//!
//! The rule, per check (AWS's HealthCheck and Docker's HEALTHCHECK): a container check first
//! runs `interval` after the container starts (RUNNING) and then every `interval`; a check
//! answers at once. A passing task is HEALTHY when every essential container's check has
//! passed once and, behind a load balancer, its target has passed `healthyThreshold` checks.
//! A failing check's failures before `startPeriod` are not counted; `retries` counted failures
//! in a row make the container UNHEALTHY, and every later check repeats the verdict. The
//! scheduler ignores verdicts inside the grace period after RUNNING, so a failing task stops
//! at its check's first verdict at or after the period's end.
//!
//! ```
//! use ecsim::scenario::ContainerCheck;
//! // Checks at 30, 60, 90 s: the third failure in a row is the verdict.
//! let c = ContainerCheck { container: "web".into(), interval_s: 30, timeout_s: 5, retries: 3,
//!                          start_period_s: 0 };
//! assert_eq!((c.first_counted(), c.unhealthy_after()), (1, 90_000));
//! // startPeriod 45 s: the checks at 30 s is not counted, 60 s is the first: (2 + 3 − 1) × 30.
//! let c = ContainerCheck { start_period_s: 45, ..c };
//! assert_eq!((c.first_counted(), c.unhealthy_after()), (2, 120_000));
//! ```

use super::load_balancer::LoadBalancer;
use super::{Ctx, i, k, p};
use crate::engine::{Millis, SECOND};
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::MAX_HEALTH_CHECK_GRACE_PERIOD_S;
use crate::scenario::types::{ContainerDefinitionSpec, ServiceSpec};
use serde::{Deserialize, Serialize};

/// An essential container's checked `healthCheck`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerCheck {
    /// The container's name (`container N` without one).
    pub container: String,
    /// Seconds between checks; the first runs this long after the container starts.
    pub interval_s: u32,
    /// Seconds a check may take (validated; a check answers at once in the model).
    pub timeout_s: u32,
    /// Counted failures in a row that make the container UNHEALTHY.
    pub retries: u32,
    /// Seconds after the start in which failures are not counted.
    pub start_period_s: u32,
}

impl ContainerCheck {
    /// The ordinal of the first check whose failure counts: checks run at k × interval (k ≥
    /// 1) and a failure before startPeriod is not counted: max(1, ceil(startPeriod / interval)).
    pub fn first_counted(&self) -> u32 {
        self.start_period_s.div_ceil(self.interval_s).max(1)
    }

    /// RUNNING → UNHEALTHY of a failing check, ms: (first counted + retries − 1) × interval.
    pub fn unhealthy_after(&self) -> Millis {
        u64::from(self.first_counted() + self.retries - 1) * u64::from(self.interval_s) * SECOND
    }
}

/// The check whose verdict stops a failing task, with its numbers (report.json's
/// `task-unhealthy` detail; serialized kebab-case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum FailedCheck {
    /// An essential container's `healthCheck`.
    Container {
        /// The container.
        container: String,
        /// Seconds between checks.
        interval_s: u32,
        /// Counted failures in a row for the verdict.
        retries: u32,
        /// Seconds in which failures are not counted.
        start_period_s: u32,
        /// The first check that counts (1 without a start period).
        first_counted: u32,
    },
    /// The load balancer's target health check (the verdict after `healthyThreshold` checks,
    /// as a passing target's; every interval after).
    LoadBalancer {
        /// Seconds between checks.
        interval_s: u32,
        /// Checks before the verdict.
        healthy_threshold: u32,
    },
    /// No health check: the failing task stops when it would have counted healthy.
    None,
}

impl FailedCheck {
    /// Seconds between this check's verdicts (None without a check).
    fn interval(&self) -> Option<Millis> {
        match self {
            FailedCheck::Container { interval_s, .. }
            | FailedCheck::LoadBalancer { interval_s, .. } => Some(u64::from(*interval_s) * SECOND),
            FailedCheck::None => None,
        }
    }
}

/// How a passing task comes to count healthy, with the numbers (report.json's
/// `deployment-started` detail; serialized kebab-case). Display: the sentence's clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum HealthyRule {
    /// No health check: health UNKNOWN, counted healthy `after_s` after RUNNING (AWS's 40 s).
    NoCheck {
        /// `model.healthyAfterRunning`, seconds.
        after_s: f64,
    },
    /// Essential container checks: HEALTHY at the latest first check.
    Container {
        /// The container whose first check comes last (the first of them on a tie).
        container: String,
        /// Its interval, seconds.
        interval_s: u32,
    },
    /// The load balancer's target check alone.
    Target {
        /// Seconds between checks.
        interval_s: u32,
        /// Passing checks needed.
        healthy_threshold: u32,
    },
    /// Both: healthy when both have passed, the later of the two.
    ContainerAndTarget {
        /// The container whose first check comes last.
        container: String,
        /// Its interval, seconds.
        interval_s: u32,
        /// The target's seconds between checks.
        target_interval_s: u32,
        /// The target's passing checks needed.
        healthy_threshold: u32,
    },
}

impl std::fmt::Display for HealthyRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HealthyRule::NoCheck { after_s } => write!(
                f,
                "UNKNOWN (no health check), counted healthy at RUNNING + {after_s} s"
            ),
            HealthyRule::Container {
                container,
                interval_s,
            } => write!(
                f,
                "HEALTHY at RUNNING + {interval_s} s (container health check of {container}: its first check, one interval in)"
            ),
            HealthyRule::Target {
                interval_s,
                healthy_threshold,
            } => write!(
                f,
                "healthy at RUNNING + {healthy_threshold} × {interval_s} s = {} s (load balancer target health check)",
                healthy_threshold * interval_s
            ),
            HealthyRule::ContainerAndTarget {
                container,
                interval_s,
                target_interval_s,
                healthy_threshold,
            } => write!(
                f,
                "healthy when both checks passed: RUNNING + max({interval_s} s (container health check of {container}), {healthy_threshold} × {target_interval_s} s (target)) = {} s",
                (*interval_s).max(healthy_threshold * target_interval_s)
            ),
        }
    }
}

/// When a failing task is UNHEALTHY and when it is stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check whose verdict stops it (the earliest stop; containers before the load
    /// balancer on a tie).
    pub check: FailedCheck,
    /// RUNNING → its first UNHEALTHY verdict, ms.
    pub unhealthy_after: Millis,
    /// RUNNING → stopped: the first verdict at or after the grace period's end, ms.
    pub stop_after: Millis,
}

/// A service's health checks and what follows from them.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// The essential containers' checks, in container order.
    pub containers: Vec<ContainerCheck>,
    /// `healthCheckGracePeriodSeconds`.
    pub grace_s: u32,
    /// RUNNING → counted healthy, ms: the latest first pass of every check (each container's
    /// interval; the target's interval × healthy threshold), or `model.healthyAfterRunning`
    /// without any check.
    pub healthy_after: Millis,
    /// How `healthy_after` comes about.
    pub healthy_rule: HealthyRule,
    /// A failing task (a deployment's failureProbability): its verdict and stop.
    pub failure: Failure,
}

impl Health {
    /// The health of a task with essential container checks `containers`, behind `lb` when
    /// it has one, grace period `grace_s`; `healthy_after_running` is the 40 s AWS waits for a
    /// task without any check.
    pub fn new(
        containers: Vec<ContainerCheck>,
        lb: Option<&LoadBalancer>,
        grace_s: u32,
        healthy_after_running: Millis,
    ) -> Health {
        let mut checks: Vec<(FailedCheck, Millis, Millis)> = containers
            .iter()
            .map(|c| {
                let f = FailedCheck::Container {
                    container: c.container.clone(),
                    interval_s: c.interval_s,
                    retries: c.retries,
                    start_period_s: c.start_period_s,
                    first_counted: c.first_counted(),
                };
                (f, u64::from(c.interval_s) * SECOND, c.unhealthy_after())
            })
            .collect();
        if let Some(lb) = lb {
            let f = FailedCheck::LoadBalancer {
                interval_s: lb.interval_s,
                healthy_threshold: lb.healthy_threshold,
            };
            checks.push((f, lb.healthy_after, lb.healthy_after));
        }
        let last = containers
            .iter()
            .fold(None::<&ContainerCheck>, |m, c| match m {
                Some(m) if m.interval_s >= c.interval_s => Some(m),
                _ => Some(c),
            })
            .map(|c| (c.container.clone(), c.interval_s));
        let healthy_rule = match (last, lb) {
            (None, None) => HealthyRule::NoCheck {
                after_s: healthy_after_running as f64 / SECOND as f64,
            },
            (Some((container, interval_s)), None) => HealthyRule::Container {
                container,
                interval_s,
            },
            (None, Some(lb)) => HealthyRule::Target {
                interval_s: lb.interval_s,
                healthy_threshold: lb.healthy_threshold,
            },
            (Some((container, interval_s)), Some(lb)) => HealthyRule::ContainerAndTarget {
                container,
                interval_s,
                target_interval_s: lb.interval_s,
                healthy_threshold: lb.healthy_threshold,
            },
        };
        if checks.is_empty() {
            // "If you don't use any of the health checks, then healthCheckGracePeriodSeconds is
            // unused."
            return Health {
                containers,
                grace_s,
                healthy_after: healthy_after_running,
                healthy_rule,
                failure: Failure {
                    check: FailedCheck::None,
                    unhealthy_after: healthy_after_running,
                    stop_after: healthy_after_running,
                },
            };
        }
        let healthy_after = checks.iter().map(|c| c.1).max().unwrap_or(0);
        let grace = u64::from(grace_s) * SECOND;
        let failure = checks
            .into_iter()
            .map(|(check, _, unhealthy_after)| {
                let every = check.interval().unwrap_or(SECOND);
                let stop_after = unhealthy_after.max(grace.div_ceil(every) * every);
                Failure {
                    check,
                    unhealthy_after,
                    stop_after,
                }
            })
            .min_by_key(|f| f.stop_after)
            .expect("at least one check");
        Health {
            containers,
            grace_s,
            healthy_after,
            healthy_rule,
            failure,
        }
    }
}

/// Checks every container's `healthCheck` under the task definition at `tp` (AWS's ranges)
/// and returns the essential containers' ones; refuses a task definition without an
/// essential container, as RegisterTaskDefinition does.
pub(super) fn container_checks(
    list: &[ContainerDefinitionSpec],
    tp: &[Step],
    ctx: &mut Ctx,
) -> Vec<ContainerCheck> {
    let mut out = Vec::new();
    if !list.is_empty() && list.iter().all(|c| c.essential == Some(false)) {
        ctx.err(
            &p(tp, &[k("containerDefinitions")]),
            "no essential container: a task definition needs at least one (essential defaults to true)",
        );
    }
    for (n, c) in list.iter().enumerate() {
        let Some(h) = &c.health_check else {
            continue;
        };
        let hp = p(tp, &[k("containerDefinitions"), i(n), k("healthCheck")]);
        if h.command.as_ref().is_none_or(Vec::is_empty) {
            ctx.err(
                &hp,
                "a healthCheck needs its command, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"] (AWS requires it)",
            );
        }
        let mut field = |key: &str, v: Option<i64>, default: u32, lo: u32, hi: u32, what: &str| {
            let v = v.unwrap_or(i64::from(default));
            if v < i64::from(lo) || v > i64::from(hi) {
                ctx.err(
                    &p(&hp, &[k(key)]),
                    format!("{key} {v} is out of range: expected {lo} to {hi} {what}"),
                );
                return default;
            }
            v as u32
        };
        let check = ContainerCheck {
            container: c.name.clone().unwrap_or_else(|| format!("container {n}")),
            interval_s: field(
                "interval",
                h.interval,
                defaults::CONTAINER_CHECK_INTERVAL_S,
                5,
                300,
                "seconds",
            ),
            timeout_s: field(
                "timeout",
                h.timeout,
                defaults::CONTAINER_CHECK_TIMEOUT_S,
                2,
                60,
                "seconds",
            ),
            retries: field(
                "retries",
                h.retries,
                defaults::CONTAINER_CHECK_RETRIES,
                1,
                10,
                "retries",
            ),
            start_period_s: field(
                "startPeriod",
                h.start_period,
                defaults::CONTAINER_CHECK_START_PERIOD_S,
                0,
                300,
                "seconds",
            ),
        };
        if c.essential != Some(false) {
            out.push(check);
        }
    }
    out
}

/// The service's `healthCheckGracePeriodSeconds` at `sp` (0 to
/// [`MAX_HEALTH_CHECK_GRACE_PERIOD_S`], default 0).
pub(super) fn grace_period(s: &ServiceSpec, sp: &[Step], ctx: &mut Ctx) -> u32 {
    let v = s
        .health_check_grace_period_seconds
        .unwrap_or(i64::from(defaults::HEALTH_CHECK_GRACE_PERIOD_S));
    if !(0..=MAX_HEALTH_CHECK_GRACE_PERIOD_S).contains(&v) {
        ctx.err(
            &p(sp, &[k("healthCheckGracePeriodSeconds")]),
            format!(
                "healthCheckGracePeriodSeconds {v} is out of range: expected 0 to {MAX_HEALTH_CHECK_GRACE_PERIOD_S} seconds (about 69 years, UpdateService's limit)"
            ),
        );
        return defaults::HEALTH_CHECK_GRACE_PERIOD_S;
    }
    v as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(interval_s: u32, retries: u32, start_period_s: u32) -> ContainerCheck {
        ContainerCheck {
            container: "web".into(),
            interval_s,
            timeout_s: 5,
            retries,
            start_period_s,
        }
    }

    fn lb(interval_s: u32, healthy_threshold: u32) -> LoadBalancer {
        LoadBalancer {
            healthy_after: u64::from(interval_s * healthy_threshold) * SECOND,
            interval_s,
            healthy_threshold,
            deregistration_delay: 0,
            target_group: "tg".into(),
        }
    }

    #[test]
    fn no_check_counts_healthy_after_40_s_and_ignores_the_grace_period() {
        // AWS: 40 s after RUNNING without a check; the grace period is unused without checks.
        let h = Health::new(Vec::new(), None, 600, 40 * SECOND);
        assert_eq!(h.healthy_after, 40 * SECOND);
        assert_eq!(h.failure.check, FailedCheck::None);
        assert_eq!(h.failure.stop_after, 40 * SECOND);
    }

    #[test]
    fn a_container_check_passes_at_its_first_check_and_fails_after_its_retries() {
        // First check at RUNNING + 30 s; failures at 30, 60, 90 s → UNHEALTHY at 90 s.
        let h = Health::new(vec![web(30, 3, 0)], None, 0, 40 * SECOND);
        assert_eq!(h.healthy_after, 30 * SECOND);
        assert_eq!(h.failure.unhealthy_after, 90 * SECOND);
        assert_eq!(h.failure.stop_after, 90 * SECOND);
    }

    #[test]
    fn the_grace_period_moves_the_stop_to_the_first_verdict_after_it() {
        // Unhealthy at 90 s; grace 120 s: the verdict at 120 s (a check every 30 s) stops it.
        let h = Health::new(vec![web(30, 3, 0)], None, 120, 0);
        assert_eq!(h.failure.stop_after, 120 * SECOND);
        // Grace 100 s: no check at 100 s; the next, at 120 s.
        let h = Health::new(vec![web(30, 3, 0)], None, 100, 0);
        assert_eq!(h.failure.stop_after, 120 * SECOND);
        // Grace 60 s ends before the verdict at 90 s: no change.
        let h = Health::new(vec![web(30, 3, 0)], None, 60, 0);
        assert_eq!(h.failure.stop_after, 90 * SECOND);
    }

    #[test]
    fn with_a_load_balancer_both_must_pass_and_the_earlier_verdict_stops() {
        // Container: passes at 10 s, unhealthy at 2 × 10 = 20 s. Target: 30 s × 5 = 150 s.
        // Healthy = both passed = 150 s; the container's verdict at 20 s stops a failing task.
        let h = Health::new(vec![web(10, 2, 0)], Some(&lb(30, 5)), 0, 40 * SECOND);
        assert_eq!(h.healthy_after, 150 * SECOND);
        assert_eq!(
            h.healthy_rule.to_string(),
            "healthy when both checks passed: RUNNING + max(10 s (container health check of \
             web), 5 × 30 s (target)) = 150 s"
        );
        assert_eq!(h.failure.stop_after, 20 * SECOND);
        assert!(matches!(h.failure.check, FailedCheck::Container { .. }));
        // Container every 300 s, 10 retries: 3000 s; the target's 150 s comes first.
        let h = Health::new(vec![web(300, 10, 0)], Some(&lb(30, 5)), 0, 0);
        assert_eq!(h.healthy_after, 300 * SECOND);
        assert_eq!(h.failure.stop_after, 150 * SECOND);
        assert_eq!(
            h.failure.check,
            FailedCheck::LoadBalancer {
                interval_s: 30,
                healthy_threshold: 5
            }
        );
    }
}
