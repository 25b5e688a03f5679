//! `deploymentConfiguration` and `deployments` (docs/scenario-reference.md §2.9).

use super::{Ctx, i, k, p};
use crate::engine::Millis;
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{MAX_CIRCUIT_BREAKER_THRESHOLD_VALUE, MAX_DEPLOYMENTS};
use crate::scenario::types::ServiceSpec;
use crate::scenario::{CircuitBreaker, FailAt, ThresholdType};

/// The service's (maximumPercent, minimumHealthyPercent), checked. A REPLICA service's
/// rolling update must be able to make progress; a DAEMON service (`daemon`) takes AWS's daemon
/// defaults 100 and 0, and a maximumPercent other than 100 is refused ("the maximum percent
/// parameter must be 100").
pub(super) fn configuration(
    s: &ServiceSpec,
    sp: &[Step],
    daemon: bool,
    ctx: &mut Ctx,
) -> (u32, u32) {
    let (max_default, min_default) = if daemon {
        (
            defaults::DAEMON_MAXIMUM_PERCENT,
            defaults::DAEMON_MINIMUM_HEALTHY_PERCENT,
        )
    } else {
        (defaults::MAXIMUM_PERCENT, defaults::MINIMUM_HEALTHY_PERCENT)
    };
    let dc = s.deployment_configuration.as_ref();
    let max_percent = dc.and_then(|d| d.maximum_percent).unwrap_or(max_default);
    let min_healthy = dc
        .and_then(|d| d.minimum_healthy_percent)
        .unwrap_or(min_default);
    let max_path = p(sp, &[k("deploymentConfiguration"), k("maximumPercent")]);
    if daemon && max_percent != defaults::DAEMON_MAXIMUM_PERCENT {
        ctx.err(
            &max_path,
            format!(
                "maximumPercent {max_percent} is not allowed for a DAEMON service: AWS requires 100"
            ),
        );
    }
    if min_healthy > 100 {
        ctx.err(
            &p(
                sp,
                &[k("deploymentConfiguration"), k("minimumHealthyPercent")],
            ),
            format!("minimumHealthyPercent {min_healthy} is out of range: expected 0 to 100"),
        );
    }
    if !daemon && (max_percent < 100 || max_percent <= min_healthy) {
        ctx.err(
            &max_path,
            format!("maximumPercent {max_percent} must be at least 100 and above minimumHealthyPercent ({min_healthy}), or a rolling update could never make progress"),
        );
    }
    (max_percent, min_healthy)
}

/// The service's `deploymentCircuitBreaker` with its defaults, checked: a threshold `value` of
/// at least 1 (AWS documents no range; ecsim refuses 0, which tolerates no failed task).
pub(super) fn circuit_breaker(
    s: &ServiceSpec,
    sp: &[Step],
    ctx: &mut Ctx,
) -> Option<CircuitBreaker> {
    let c = s
        .deployment_configuration
        .as_ref()?
        .deployment_circuit_breaker
        .as_ref()?;
    let (threshold_type, threshold_value) = match &c.threshold_configuration {
        Some(t) => (t.kind, t.value),
        None => (
            defaults::CIRCUIT_BREAKER_THRESHOLD_TYPE,
            defaults::CIRCUIT_BREAKER_THRESHOLD_VALUE,
        ),
    };
    let value_path = p(
        sp,
        &[
            k("deploymentConfiguration"),
            k("deploymentCircuitBreaker"),
            k("thresholdConfiguration"),
            k("value"),
        ],
    );
    if threshold_value == 0 {
        let what = match threshold_type {
            ThresholdType::Count => "failed tasks",
            _ => "percent of the latest desired count",
        };
        ctx.err(
            &value_path,
            format!(
                "thresholdConfiguration value 0 is out of range: expected a whole number of at \
                 least 1 ({what} for {}; AWS's default is {} {})",
                threshold_type.as_str(),
                defaults::CIRCUIT_BREAKER_THRESHOLD_TYPE.as_str(),
                defaults::CIRCUIT_BREAKER_THRESHOLD_VALUE
            ),
        );
    }
    if threshold_value > MAX_CIRCUIT_BREAKER_THRESHOLD_VALUE {
        ctx.err(
            &value_path,
            format!(
                "thresholdConfiguration value {threshold_value} is above the quota of \
                 {MAX_CIRCUIT_BREAKER_THRESHOLD_VALUE} (ECS takes a 32-bit Integer)"
            ),
        );
    }
    Some(CircuitBreaker {
        enable: c.enable,
        rollback: c.rollback,
        threshold_type,
        threshold_value,
        reset_on_healthy_task: c
            .reset_on_healthy_task
            .unwrap_or(defaults::CIRCUIT_BREAKER_RESET_ON_HEALTHY_TASK),
    })
}

/// The service's rollouts: (time, failure probability, where a failing task fails), checked to
/// be in time order.
pub(super) fn check(s: &ServiceSpec, sp: &[Step], ctx: &mut Ctx) -> Vec<(Millis, f64, FailAt)> {
    if s.deployments.len() > MAX_DEPLOYMENTS {
        ctx.err(
            &p(sp, &[k("deployments")]),
            format!(
                "{} deployments: above the limit of {MAX_DEPLOYMENTS} per service",
                s.deployments.len()
            ),
        );
    }
    let mut deployments = Vec::new();
    for (n, d) in s.deployments.iter().enumerate() {
        let fp = d.failure_probability.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&fp) {
            ctx.err(
                &p(sp, &[k("deployments"), i(n), k("failureProbability")]),
                format!("failureProbability {fp} is out of range: expected 0 to 1"),
            );
        }
        if let Some(&(last, _, _)) = deployments.last()
            && d.at.millis() < last
        {
            ctx.err(
                &p(sp, &[k("deployments"), i(n), k("at")]),
                "deployments must be in time order",
            );
        }
        deployments.push((d.at.millis(), fp, d.fail_at.unwrap_or_default()));
    }
    deployments
}
