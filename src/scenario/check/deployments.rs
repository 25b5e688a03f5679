//! `deploymentConfiguration` and `deployments` (docs/scenario-reference.md §2.9).

use super::{Ctx, i, k, p};
use crate::engine::Millis;
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::limits::MAX_DEPLOYMENTS;
use crate::scenario::types::ServiceSpec;

/// The service's (maximumPercent, minimumHealthyPercent), checked: a rolling update must be able
/// to make progress.
pub(super) fn configuration(s: &ServiceSpec, sp: &[Step], ctx: &mut Ctx) -> (u32, u32) {
    let dc = s.deployment_configuration.as_ref();
    let max_percent = dc
        .and_then(|d| d.maximum_percent)
        .unwrap_or(defaults::MAXIMUM_PERCENT);
    let min_healthy = dc
        .and_then(|d| d.minimum_healthy_percent)
        .unwrap_or(defaults::MINIMUM_HEALTHY_PERCENT);
    if min_healthy > 100 {
        ctx.err(
            &p(
                sp,
                &[k("deploymentConfiguration"), k("minimumHealthyPercent")],
            ),
            format!("minimumHealthyPercent {min_healthy} is out of range: expected 0 to 100"),
        );
    }
    if max_percent < 100 || max_percent <= min_healthy {
        ctx.err(
            &p(sp, &[k("deploymentConfiguration"), k("maximumPercent")]),
            format!("maximumPercent {max_percent} must be at least 100 and above minimumHealthyPercent ({min_healthy}), or a rolling update could never make progress"),
        );
    }
    (max_percent, min_healthy)
}

/// The service's rollouts: (time, failure probability), checked to be in time order.
pub(super) fn check(s: &ServiceSpec, sp: &[Step], ctx: &mut Ctx) -> Vec<(Millis, f64)> {
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
        if let Some(&(last, _)) = deployments.last()
            && d.at.millis() < last
        {
            ctx.err(
                &p(sp, &[k("deployments"), i(n), k("at")]),
                "deployments must be in time order",
            );
        }
        deployments.push((d.at.millis(), fp));
    }
    deployments
}
