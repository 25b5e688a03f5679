//! `autoScaling` (docs/scenario-reference.md §2.12): the scalable target, its policies (each
//! type in its own file: `target_tracking.rs`, `step_scaling.rs`) and its scheduled actions.
//! Checked last among a service's parts, once every service is known: its metrics may name any
//! service, queue, target group or custom metric.

use super::metrics::{MetricEnv, MetricQuery};
use super::services::Seen;
use super::{Ctx, i, k, p, step_scaling, target_tracking};
use crate::engine::{Millis, SECOND};
use crate::scaling::alarm::Comparison;
use crate::scaling::step::{AdjustmentType, StepAdjustment};
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{self, MAX_DESIRED};
use crate::scenario::types::{AutoScalingSpec, ServiceSpec};
use crate::scenario::{CustomMetric, defaults, suggest};
use crate::schedule::Schedule;

/// A checked scaling policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// PolicyName.
    pub name: String,
    /// What it does.
    pub kind: PolicyKind,
}

impl Policy {
    /// The metric the policy tracks or its alarm watches.
    pub fn query(&self) -> &MetricQuery {
        match &self.kind {
            PolicyKind::TargetTracking { metric, .. } => metric,
            PolicyKind::Step { alarm, .. } => &alarm.metric,
        }
    }
}

/// The two policy types.
#[derive(Debug, Clone)]
pub enum PolicyKind {
    /// Target tracking.
    TargetTracking {
        /// TargetValue.
        target: f64,
        /// The tracked metric.
        metric: MetricQuery,
        /// ScaleOutCooldown, ms.
        out_cooldown: Millis,
        /// ScaleInCooldown, ms.
        in_cooldown: Millis,
        /// DisableScaleIn.
        disable_scale_in: bool,
    },
    /// Step scaling with its alarm.
    Step {
        /// The alarm.
        alarm: AlarmDef,
        /// AdjustmentType.
        adjustment: AdjustmentType,
        /// StepAdjustments.
        steps: Vec<StepAdjustment>,
        /// MinAdjustmentMagnitude.
        min_adjustment_magnitude: Option<u32>,
        /// Cooldown, ms.
        cooldown: Millis,
    },
}

/// A user-defined alarm.
#[derive(Debug, Clone)]
pub struct AlarmDef {
    /// AlarmName.
    pub name: String,
    /// The metric.
    pub metric: MetricQuery,
    /// Threshold.
    pub threshold: f64,
    /// ComparisonOperator.
    pub comparison: Comparison,
    /// EvaluationPeriods.
    pub evaluation_periods: u32,
    /// DatapointsToAlarm.
    pub datapoints_to_alarm: u32,
    /// TreatMissingData (default `missing`).
    pub treat_missing_data: crate::scaling::alarm::TreatMissingData,
}

/// A scheduled action.
#[derive(Debug, Clone)]
pub struct ScheduledAction {
    /// ScheduledActionName.
    pub name: String,
    /// When.
    pub schedule: Schedule,
    /// New MinCapacity.
    pub min: Option<u32>,
    /// New MaxCapacity.
    pub max: Option<u32>,
}

/// A checked scalable target.
#[derive(Debug, Clone)]
pub struct AutoScaling {
    /// MinCapacity at the start.
    pub min: u32,
    /// MaxCapacity at the start.
    pub max: u32,
    /// Policies.
    pub policies: Vec<Policy>,
    /// Scheduled actions.
    pub scheduled: Vec<ScheduledAction>,
}

/// A cooldown in seconds at `path` ([`defaults::COOLDOWN_S`] when not given), as ms.
pub(super) fn cooldown(v: Option<u32>, path: Vec<Step>, ctx: &mut Ctx) -> Millis {
    let c = v.unwrap_or(defaults::COOLDOWN_S);
    if c > 31_536_000 {
        ctx.err(
            &path,
            format!("cooldown {c} s is out of range: expected 0 to 31536000 seconds"),
        );
    }
    u64::from(c) * SECOND
}

/// Checks a service's `autoScaling` at `ap`.
fn check(a: &AutoScalingSpec, ap: &[Step], env: &MetricEnv, ctx: &mut Ctx) -> Option<AutoScaling> {
    let before = ctx.problems.len();
    let max_desired = MAX_DESIRED;
    if a.min_capacity > a.max_capacity {
        ctx.err(
            &p(ap, &[k("MinCapacity")]),
            format!(
                "MinCapacity {} is above MaxCapacity {}: MinCapacity must be at most MaxCapacity",
                a.min_capacity, a.max_capacity
            ),
        );
    }
    if a.max_capacity > max_desired {
        ctx.err(
            &p(ap, &[k("MaxCapacity")]),
            format!(
                "MaxCapacity {} is above the quota of {max_desired} tasks per service",
                a.max_capacity
            ),
        );
    }
    if a.policies.len() > limits::MAX_POLICIES {
        ctx.err(
            &p(ap, &[k("policies")]),
            format!(
                "{} policies: a scalable target takes at most {}",
                a.policies.len(),
                limits::MAX_POLICIES
            ),
        );
    }
    if a.scheduled_actions.len() > limits::MAX_SCHEDULED_ACTIONS {
        ctx.err(
            &p(ap, &[k("scheduledActions")]),
            format!(
                "{} scheduled actions: a scalable target takes at most {}",
                a.scheduled_actions.len(),
                limits::MAX_SCHEDULED_ACTIONS
            ),
        );
    }
    let mut policies = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut tracked: Vec<(String, usize)> = Vec::new();
    for (n, pol) in a.policies.iter().enumerate() {
        let pp = p(ap, &[k("policies"), i(n)]);
        if names.contains(&pol.policy_name.as_str()) {
            ctx.err(
                &p(&pp, &[k("PolicyName")]),
                format!("duplicate PolicyName `{}`", pol.policy_name),
            );
        }
        names.push(&pol.policy_name);
        match pol.policy_type.as_str() {
            "TargetTrackingScaling" => {
                if let Some(policy) =
                    target_tracking::check(pol, n, &pp, &a.policies, &mut tracked, env, ctx)
                {
                    policies.push(policy);
                }
            }
            "StepScaling" => {
                if let Some(policy) = step_scaling::check(pol, &pp, env, ctx) {
                    policies.push(policy);
                }
            }
            "PredictiveScaling" => ctx.err(
                &p(&pp, &[k("PolicyType")]),
                "PolicyType PredictiveScaling is not modelled: use TargetTrackingScaling, StepScaling or scheduledActions",
            ),
            other => {
                let names = ["TargetTrackingScaling", "StepScaling"];
                // A prefix (the console's "Target tracking") is as good a hint as a typo.
                let hint = names
                    .iter()
                    .find(|n| other.len() >= 4 && n.starts_with(other))
                    .map(|n| n.to_string())
                    .or_else(|| suggest::did_you_mean(other, &names).map(str::to_string))
                    .map(|x| format!("did you mean `{x}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&pp, &[k("PolicyType")]),
                    format!("unknown PolicyType `{other}`: {hint}expected TargetTrackingScaling or StepScaling (PredictiveScaling is not modelled)"),
                );
            }
        }
    }
    let scheduled = scheduled_actions(a, ap, ctx);
    (ctx.problems.len() == before).then_some(AutoScaling {
        min: a.min_capacity,
        max: a.max_capacity,
        policies,
        scheduled,
    })
}

/// The scalable target's `scheduledActions`.
fn scheduled_actions(a: &AutoScalingSpec, ap: &[Step], ctx: &mut Ctx) -> Vec<ScheduledAction> {
    let mut scheduled = Vec::new();
    let mut snames: Vec<&str> = Vec::new();
    for (n, sa) in a.scheduled_actions.iter().enumerate() {
        let sp = p(ap, &[k("scheduledActions"), i(n)]);
        if snames.contains(&sa.scheduled_action_name.as_str()) {
            ctx.err(
                &p(&sp, &[k("ScheduledActionName")]),
                format!(
                    "duplicate ScheduledActionName `{}`",
                    sa.scheduled_action_name
                ),
            );
        }
        snames.push(&sa.scheduled_action_name);
        let act = &sa.scalable_target_action;
        if act.min_capacity.is_none() && act.max_capacity.is_none() {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction")]),
                "ScalableTargetAction sets neither MinCapacity nor MaxCapacity",
            );
        }
        if let (Some(lo), Some(hi)) = (act.min_capacity, act.max_capacity)
            && lo > hi
        {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction"), k("MinCapacity")]),
                format!("MinCapacity {lo} is above MaxCapacity {hi}: MinCapacity must be at most MaxCapacity"),
            );
        }
        if act.max_capacity.is_some_and(|m| m > MAX_DESIRED) {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction"), k("MaxCapacity")]),
                format!("MaxCapacity is above the quota of {MAX_DESIRED} tasks per service"),
            );
        }
        match Schedule::parse(
            &sa.schedule,
            sa.timezone.as_deref(),
            sa.start_time.as_deref(),
            sa.end_time.as_deref(),
        ) {
            Ok(schedule) => scheduled.push(ScheduledAction {
                name: sa.scheduled_action_name.clone(),
                schedule,
                min: act.min_capacity,
                max: act.max_capacity,
            }),
            // err_at's offset 0 is the opening quote: 0-based n is at n + 1.
            // (0 means the whole value).
            Err(e) => {
                let at = if e.offset == 0 { 0 } else { e.offset + 1 };
                ctx.err_at(&p(&sp, &[k(e.field)]), at, e.message)
            }
        }
    }
    scheduled
}

/// Checks every service's `autoScaling`: one entry per service, None for a service without one
/// (or with a problem). `seen` holds every service and job stream, in order.
pub(super) fn check_all(
    services: &[ServiceSpec],
    seen: &[Seen],
    custom: &[CustomMetric],
    ctx: &mut Ctx,
) -> Vec<Option<AutoScaling>> {
    let mut scaling = Vec::new();
    for (n, s) in services.iter().enumerate() {
        let Some(a) = &s.auto_scaling else {
            scaling.push(None);
            continue;
        };
        let env = MetricEnv {
            services: seen
                .iter()
                .map(|x| (x.name.as_str(), x.load.as_ref(), x.load_balancer.as_ref()))
                .collect(),
            custom,
            own: n,
            unchecked: seen.iter().map(|x| x.unchecked).collect(),
        };
        let ap = vec![k("services"), i(n), k("autoScaling")];
        scaling.push(check(a, &ap, &env, ctx));
    }
    scaling
}
