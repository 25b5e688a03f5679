//! `loadBalancer` (docs/scenario-reference.md §2.11): the service's target group, its health
//! check timing and deregistration delay.

use super::{Ctx, k, p};
use crate::engine::{Millis, SECOND};
use crate::scenario::defaults;
use crate::scenario::json_pos::Step;
use crate::scenario::types::{LoadBalancerSpec, ServiceSpec};

/// A checked load balancer target group.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    /// RUNNING → healthy: interval × healthy threshold, ms.
    pub healthy_after: Millis,
    /// Health check interval, s (for explanations).
    pub interval_s: u32,
    /// Healthy threshold (for explanations).
    pub healthy_threshold: u32,
    /// Deregistration delay, ms.
    pub deregistration_delay: Millis,
    /// Name in AWS/ApplicationELB metrics.
    pub target_group: String,
}

/// Checks the `loadBalancer` of the service at `sp`. A service with traffic is behind one:
/// without `loadBalancer` it gets the default one (product.md: the load balancer is "present
/// when the service has traffic").
pub(super) fn check(s: &ServiceSpec, sp: &[Step], ctx: &mut Ctx) -> Option<LoadBalancer> {
    let implied = s.load.as_ref().is_some_and(|l| l.traffic.is_some());
    let default_lb = LoadBalancerSpec::default();
    let spec = s.load_balancer.as_ref().or(implied.then_some(&default_lb));
    spec.map(|l| {
        let hp = p(sp, &[k("loadBalancer"), k("healthCheck")]);
        let hc = l.health_check.clone().unwrap_or_default();
        let interval = hc
            .interval_seconds
            .unwrap_or(defaults::HEALTH_CHECK_INTERVAL_S);
        let thr = hc.healthy_threshold.unwrap_or(defaults::HEALTHY_THRESHOLD);
        if !(5..=300).contains(&interval) {
            ctx.err(
                &p(&hp, &[k("intervalSeconds")]),
                format!("intervalSeconds {interval} is out of range: expected 5 to 300"),
            );
        }
        if !(2..=10).contains(&thr) {
            ctx.err(
                &p(&hp, &[k("healthyThreshold")]),
                format!("healthyThreshold {thr} is out of range: expected 2 to 10"),
            );
        }
        let dereg = l
            .deregistration_delay
            .map(|d| d.millis())
            .unwrap_or(defaults::DEREGISTRATION_DELAY);
        if dereg > 3600 * SECOND {
            ctx.err(
                &p(sp, &[k("loadBalancer"), k("deregistrationDelay")]),
                format!(
                    "deregistrationDelay {} s is out of range: expected 0 to 3600 seconds",
                    dereg / SECOND
                ),
            );
        }
        LoadBalancer {
            healthy_after: u64::from(interval) * u64::from(thr) * SECOND,
            interval_s: interval,
            healthy_threshold: thr,
            deregistration_delay: dereg,
            target_group: l
                .target_group
                .clone()
                .unwrap_or_else(|| s.service_name.clone()),
        }
    })
}
