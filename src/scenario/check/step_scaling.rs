//! Step scaling policies (docs/scenario-reference.md §2.12.2): the adjustment and its steps,
//! the cooldown, and the CloudWatch alarm the policy carries inline.

use super::auto_scaling::{AlarmDef, Policy, PolicyKind, cooldown};
use super::metrics::{
    HIGH_RES_PERIOD, MetricEnv, MetricQuery, PERIOD, Source, Stat, check_query, metric_magnitude,
};
use super::{Ctx, i, k, p};
use crate::engine::{Millis, SECOND};
use crate::scaling::alarm::{Comparison, TreatMissingData};
use crate::scaling::step::{self, AdjustmentType, StepAdjustment};
use crate::scenario::json_pos::Step;
use crate::scenario::types::{AlarmSpec, ScalingPolicySpec, StepScalingSpec};
use crate::scenario::{defaults, limits};

/// Checks the `StepScaling` policy `pol` at `pp` with its `Alarm`.
pub(super) fn check(
    pol: &ScalingPolicySpec,
    pp: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<Policy> {
    let Some(sc) = &pol.step_scaling_policy_configuration else {
        ctx.err(
            pp,
            "a StepScaling policy needs StepScalingPolicyConfiguration",
        );
        return None;
    };
    let Some(al) = &pol.alarm else {
        ctx.err(pp, "a StepScaling policy needs its Alarm (PutMetricAlarm fields: MetricName, Namespace, Dimensions, Statistic, Period, EvaluationPeriods, Threshold, ComparisonOperator)");
        return None;
    };
    if pol.target_tracking_scaling_policy_configuration.is_some() {
        ctx.err(
            pp,
            "a StepScaling policy takes no TargetTrackingScalingPolicyConfiguration",
        );
    }
    let (adjustment, steps, cd) = configuration(sc, pp, ctx);
    let (comparison, dta, treat, metric) = alarm(al, &p(pp, &[k("Alarm")]), env, ctx);
    if let (Some(adj), Some(cmp), Some(m)) = (adjustment, comparison, metric) {
        return Some(Policy {
            name: pol.policy_name.clone(),
            kind: PolicyKind::Step {
                alarm: AlarmDef {
                    name: al
                        .alarm_name
                        .clone()
                        .unwrap_or_else(|| format!("{}-alarm", pol.policy_name)),
                    metric: m,
                    threshold: al.threshold,
                    comparison: cmp,
                    evaluation_periods: al.evaluation_periods,
                    datapoints_to_alarm: dta,
                    treat_missing_data: treat,
                },
                adjustment: adj,
                steps,
                min_adjustment_magnitude: sc.min_adjustment_magnitude,
                cooldown: cd,
            },
        });
    }
    None
}

/// `StepScalingPolicyConfiguration` under the policy at `pp`: (AdjustmentType, the steps, the
/// cooldown in ms).
fn configuration(
    sc: &StepScalingSpec,
    pp: &[Step],
    ctx: &mut Ctx,
) -> (Option<AdjustmentType>, Vec<StepAdjustment>, Millis) {
    let sp = p(pp, &[k("StepScalingPolicyConfiguration")]);
    let adjustment = AdjustmentType::parse(&sc.adjustment_type);
    if adjustment.is_none() {
        ctx.err(&p(&sp, &[k("AdjustmentType")]), format!("unknown AdjustmentType `{}`: expected ChangeInCapacity, ExactCapacity or PercentChangeInCapacity", sc.adjustment_type));
    }
    let steps: Vec<StepAdjustment> = sc
        .step_adjustments
        .iter()
        .map(|s| StepAdjustment {
            lower: s.metric_interval_lower_bound,
            upper: s.metric_interval_upper_bound,
            adjustment: s.scaling_adjustment,
        })
        .collect();
    for (n, st) in sc.step_adjustments.iter().enumerate() {
        let stp = p(&sp, &[k("StepAdjustments"), i(n)]);
        for (key, b) in [
            ("MetricIntervalLowerBound", st.metric_interval_lower_bound),
            ("MetricIntervalUpperBound", st.metric_interval_upper_bound),
        ] {
            if let Some(b) = b
                && b.abs() > limits::MAX_METRIC_VALUE
            {
                ctx.err(&p(&stp, &[k(key)]), metric_magnitude(key, b));
            }
        }
        if st.scaling_adjustment.abs() > limits::MAX_SCALING_ADJUSTMENT {
            let m = limits::MAX_SCALING_ADJUSTMENT;
            ctx.err(
                &p(&stp, &[k("ScalingAdjustment")]),
                format!(
                    "ScalingAdjustment {} is out of range: Application Auto Scaling takes a 32-bit integer, -{m} to {m}",
                    st.scaling_adjustment
                ),
            );
        }
    }
    if let Err((idx, msg)) = step::check_steps(&steps) {
        let path = if sc.step_adjustments.is_empty() {
            p(&sp, &[k("StepAdjustments")])
        } else {
            p(&sp, &[k("StepAdjustments"), i(idx)])
        };
        ctx.err(&path, msg);
    }
    if let Some(m) = sc.min_adjustment_magnitude
        && adjustment != Some(AdjustmentType::PercentChangeInCapacity)
    {
        let _ = m;
        ctx.err(
            &p(&sp, &[k("MinAdjustmentMagnitude")]),
            "MinAdjustmentMagnitude applies only to PercentChangeInCapacity",
        );
    }
    if adjustment == Some(AdjustmentType::ExactCapacity) && steps.iter().any(|s| s.adjustment < 0) {
        ctx.err(
            &p(&sp, &[k("StepAdjustments")]),
            "ExactCapacity steps set a capacity: it cannot be negative",
        );
    }
    if let Some(t) = &sc.metric_aggregation_type
        && !matches!(t.as_str(), "Average" | "Minimum" | "Maximum")
    {
        ctx.err(
            &p(&sp, &[k("MetricAggregationType")]),
            format!("unknown MetricAggregationType `{t}`: expected Average, Minimum or Maximum"),
        );
    }
    let cd = cooldown(sc.cooldown, p(&sp, &[k("Cooldown")]), ctx);
    (adjustment, steps, cd)
}

/// The policy's `Alarm` at `alp`: (ComparisonOperator, DatapointsToAlarm, TreatMissingData,
/// the metric read every `Period`).
fn alarm(
    al: &AlarmSpec,
    alp: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> (
    Option<Comparison>,
    u32,
    TreatMissingData,
    Option<MetricQuery>,
) {
    let period_s = al.period.unwrap_or(defaults::ALARM_PERIOD_S);
    let period = if period_s == 20 {
        HIGH_RES_PERIOD
    } else if period_s >= 60 && period_s.is_multiple_of(60) && period_s <= 86_400 {
        u64::from(period_s) * SECOND
    } else {
        ctx.err(&p(alp, &[k("Period")]), format!("Period {period_s} is not modelled: expected 20 (high-resolution ECS CPU or memory) or a multiple of 60 up to 86400"));
        PERIOD
    };
    let comparison = Comparison::parse(&al.comparison_operator);
    if comparison.is_none() {
        ctx.err(&p(alp, &[k("ComparisonOperator")]), format!("unknown ComparisonOperator `{}`: expected GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold", al.comparison_operator));
    }
    let dta = al.datapoints_to_alarm.unwrap_or(al.evaluation_periods);
    if al.evaluation_periods == 0 {
        ctx.err(
            &p(alp, &[k("EvaluationPeriods")]),
            "EvaluationPeriods 0: expected 1 or more",
        );
    }
    if dta == 0 || dta > al.evaluation_periods {
        ctx.err(
            &p(alp, &[k("DatapointsToAlarm")]),
            format!(
                "DatapointsToAlarm {dta} is out of range: expected 1 to EvaluationPeriods ({})",
                al.evaluation_periods
            ),
        );
    }
    if u64::from(al.evaluation_periods) * period > 86_400 * SECOND {
        ctx.err(
            &p(alp, &[k("EvaluationPeriods")]),
            "EvaluationPeriods × Period may not exceed one day (86400 s)",
        );
    }
    let treat = match al.treat_missing_data.as_deref() {
        None => TreatMissingData::default(),
        Some(t) => TreatMissingData::parse(t).unwrap_or_else(|| {
            ctx.err(
                &p(alp, &[k("TreatMissingData")]),
                format!(
                    "unknown TreatMissingData `{t}`: {}expected missing, notBreaching, breaching or ignore",
                    crate::scenario::suggest::hint(
                        t,
                        &["missing", "notBreaching", "breaching", "ignore"]
                    )
                ),
            );
            TreatMissingData::default()
        }),
    };
    if !al.threshold.is_finite() {
        ctx.err(&p(alp, &[k("Threshold")]), "Threshold must be a number");
    } else if al.threshold.abs() > limits::MAX_METRIC_VALUE {
        ctx.err(
            &p(alp, &[k("Threshold")]),
            metric_magnitude("Threshold", al.threshold),
        );
    }
    let percentile = match (&al.extended_statistic, &al.statistic) {
        (None, _) => None,
        (Some(_), Some(_)) => {
            ctx.err(
                &p(alp, &[k("ExtendedStatistic")]),
                "give Statistic or ExtendedStatistic, not both (PutMetricAlarm takes one of them)",
            );
            None
        }
        (Some(_), None) if !al.metrics.is_empty() => {
            ctx.err(
                &p(alp, &[k("ExtendedStatistic")]),
                "ExtendedStatistic belongs to the single-metric form (MetricName, Namespace, Dimensions); a metric math alarm sets each MetricStat's Stat",
            );
            None
        }
        (Some(x), None) => match Stat::parse_percentile(x) {
            Ok(s) => Some(s),
            Err(e) => {
                ctx.err(&p(alp, &[k("ExtendedStatistic")]), e);
                None
            }
        },
    };
    let metric = check_query(
        (
            al.namespace.as_deref(),
            al.metric_name.as_deref(),
            &al.dimensions,
            al.statistic.as_deref(),
        ),
        percentile,
        &al.metrics,
        period,
        alp,
        env,
        ctx,
    );
    if period == HIGH_RES_PERIOD
        && let Some(m) = &metric
        && m.metrics
            .iter()
            .any(|(_, r)| !matches!(r.source, Source::Cpu(_) | Source::Memory(_)))
    {
        ctx.err(
            &p(alp, &[k("Period")]),
            "a 20-second period exists only for the high-resolution ECS CPU and memory metrics",
        );
    }
    (comparison, dta, treat, metric)
}
