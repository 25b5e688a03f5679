//! Target tracking policies (docs/scenario-reference.md §2.12.1): the target, the tracked metric
//! (predefined or customized) and the cooldowns; the alarms AWS creates for them are made by
//! [`crate::scaling::alarm::Alarm::target_tracking_high`] and `_low`.

use super::auto_scaling::{Policy, PolicyKind, cooldown};
use super::metrics::{
    HIGH_RES_PERIOD, MetricEnv, MetricQuery, MetricRef, PERIOD, Source, Stat, check_query,
    needs_load,
};
use super::{Ctx, k, p};
use crate::scenario::json_pos::Step;
use crate::scenario::types::{PredefinedMetricSpec, ScalingPolicySpec};
use crate::scenario::{limits, suggest};

/// The predefined metric types.
const PREDEFINED: &[&str] = &[
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "ECSServiceAverageCPUUtilizationHighResolution",
    "ECSServiceAverageMemoryUtilizationHighResolution",
];

/// Checks the `TargetTrackingScaling` policy `pol` (number `n` of `all`, at `pp`); `tracked`
/// holds the metric identities of the policies checked before it, which it may not repeat.
pub(super) fn check(
    pol: &ScalingPolicySpec,
    n: usize,
    pp: &[Step],
    all: &[ScalingPolicySpec],
    tracked: &mut Vec<(String, usize)>,
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<Policy> {
    let Some(tt) = &pol.target_tracking_scaling_policy_configuration else {
        ctx.err(
            pp,
            "a TargetTrackingScaling policy needs TargetTrackingScalingPolicyConfiguration",
        );
        return None;
    };
    if pol.step_scaling_policy_configuration.is_some() || pol.alarm.is_some() {
        ctx.err(pp, "a TargetTrackingScaling policy takes no StepScalingPolicyConfiguration or Alarm (AWS creates its alarms)");
    }
    let tp = p(pp, &[k("TargetTrackingScalingPolicyConfiguration")]);
    if !(tt.target_value.is_finite() && tt.target_value > 0.0) {
        ctx.err(
            &p(&tp, &[k("TargetValue")]),
            format!(
                "TargetValue {} is out of range: expected above 0",
                tt.target_value
            ),
        );
    } else if tt.target_value > limits::MAX_METRIC_VALUE {
        ctx.err(
            &p(&tp, &[k("TargetValue")]),
            limits::above(
                "TargetValue",
                tt.target_value,
                "limit",
                limits::MAX_METRIC_VALUE,
                "for a metric value",
            ),
        );
    }
    let metric = match (
        &tt.predefined_metric_specification,
        &tt.customized_metric_specification,
    ) {
        (Some(pm), None) => {
            predefined(pm, &p(&tp, &[k("PredefinedMetricSpecification")]), env, ctx)
        }
        (None, Some(c)) => check_query(
            (
                c.namespace.as_deref(),
                c.metric_name.as_deref(),
                &c.dimensions,
                c.statistic.as_deref(),
            ),
            None,
            &c.metrics,
            PERIOD,
            &p(&tp, &[k("CustomizedMetricSpecification")]),
            env,
            ctx,
        ),
        _ => {
            ctx.err(&tp, "give exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification");
            None
        }
    };
    let out_c = cooldown(tt.scale_out_cooldown, p(&tp, &[k("ScaleOutCooldown")]), ctx);
    let in_c = cooldown(tt.scale_in_cooldown, p(&tp, &[k("ScaleInCooldown")]), ctx);
    if let Some(m) = metric {
        let key = m.identity();
        if let Some((_, other)) = tracked.iter().find(|(l, _)| *l == key) {
            ctx.err(&tp, format!("policy `{}` already tracks {}: each target tracking policy must use a different metric", all[*other].policy_name, m.label));
        }
        tracked.push((key, n));
        return Some(Policy {
            name: pol.policy_name.clone(),
            kind: PolicyKind::TargetTracking {
                target: tt.target_value,
                metric: m,
                out_cooldown: out_c,
                in_cooldown: in_c,
                disable_scale_in: tt.disable_scale_in.unwrap_or(false),
            },
        });
    }
    None
}

/// Resolves a `PredefinedMetricSpecification` (at `path`) of the policy's own service.
fn predefined(
    t: &PredefinedMetricSpec,
    path: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<MetricQuery> {
    let s = env.own;
    let name = env.services[s].0;
    let (source, period, label) = match t.predefined_metric_type.as_str() {
        "ECSServiceAverageCPUUtilization" => {
            (Source::Cpu(s), PERIOD, "ECSServiceAverageCPUUtilization")
        }
        "ECSServiceAverageMemoryUtilization" => (
            Source::Memory(s),
            PERIOD,
            "ECSServiceAverageMemoryUtilization",
        ),
        "ECSServiceAverageCPUUtilizationHighResolution" => (
            Source::Cpu(s),
            HIGH_RES_PERIOD,
            "ECSServiceAverageCPUUtilizationHighResolution",
        ),
        "ECSServiceAverageMemoryUtilizationHighResolution" => (
            Source::Memory(s),
            HIGH_RES_PERIOD,
            "ECSServiceAverageMemoryUtilizationHighResolution",
        ),
        "ALBRequestCountPerTarget" => (
            Source::RequestCountPerTarget(s),
            PERIOD,
            "ALBRequestCountPerTarget",
        ),
        other => {
            let hint = suggest::did_you_mean(other, PREDEFINED)
                .map(|x| format!("did you mean `{x}`? "))
                .unwrap_or_default();
            ctx.err(
                &p(path, &[k("PredefinedMetricType")]),
                format!(
                    "unknown PredefinedMetricType `{other}`: {hint}expected one of {}",
                    PREDEFINED.join(", ")
                ),
            );
            return None;
        }
    };
    let problem = match source {
        Source::Cpu(_) | Source::Memory(_) => needs_load(s, env, label).err(),
        Source::RequestCountPerTarget(_) => {
            let (_, l, lb) = env.services[s];
            let unchecked = env.unchecked.get(s).copied().unwrap_or(false);
            if !unchecked && (lb.is_none() || l.and_then(|l| l.traffic.as_ref()).is_none()) {
                Some(format!(
                    "ALBRequestCountPerTarget needs the service `{name}` to have a loadBalancer and load.traffic"
                ))
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(msg) = problem {
        ctx.err(&p(path, &[k("PredefinedMetricType")]), msg);
        return None;
    }
    let stat = if matches!(source, Source::RequestCountPerTarget(_)) {
        Stat::Sum
    } else {
        Stat::Average
    };
    Some(MetricQuery {
        period,
        metrics: vec![(
            "m1".to_string(),
            MetricRef {
                source,
                stat,
                label: label.to_string(),
            },
        )],
        expr: None,
        exprs: Vec::new(),
        label: label.to_string(),
    })
}
