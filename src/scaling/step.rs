//! Step scaling: the user's alarm, step intervals relative to its threshold, and the three
//! adjustment types with AWS's percent rounding (aws-behaviour.md §1).
//!
//! ```
//! use ecsim::scaling::step::{adjusted, AdjustmentType};
//!
//! // +30 % of 11 = 3.3, rounded down → 3 → 14.
//! let (n, why) = adjusted(AdjustmentType::PercentChangeInCapacity, 30, 11, None);
//! assert_eq!((n, why.to_string().as_str()), (14, "+30% of 11 = 3.3 → 3 → 14"));
//! ```

use super::alarm::{Alarm, AlarmState, Hundredths, Shown, fmt_target, hundredths};
use super::policy::{Clamp, Direction, Proposal, ProposalCause, clamp, write_clamp};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// How a step's `adjustment` is interpreted (AWS's `AdjustmentType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdjustmentType {
    /// Add the adjustment (negative removes) to the current capacity.
    ChangeInCapacity,
    /// Set the capacity to the adjustment.
    ExactCapacity,
    /// Add adjustment % of the current capacity, rounded as AWS does (see [`adjusted`]).
    PercentChangeInCapacity,
}

impl AdjustmentType {
    /// The AWS name, e.g. "ChangeInCapacity".
    pub fn as_str(self) -> &'static str {
        match self {
            AdjustmentType::ChangeInCapacity => "ChangeInCapacity",
            AdjustmentType::ExactCapacity => "ExactCapacity",
            AdjustmentType::PercentChangeInCapacity => "PercentChangeInCapacity",
        }
    }

    /// Parses the AWS name (exact spelling); None for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [
            AdjustmentType::ChangeInCapacity,
            AdjustmentType::ExactCapacity,
            AdjustmentType::PercentChangeInCapacity,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One step: the adjustment applied when metric − threshold falls in [lower, upper) above the
/// threshold or (lower, upper] below it. None = unbounded (AWS's null bound).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepAdjustment {
    /// `MetricIntervalLowerBound`, relative to the alarm threshold; None = −∞.
    pub lower: Option<f64>,
    /// `MetricIntervalUpperBound`, relative to the alarm threshold; None = +∞.
    pub upper: Option<f64>,
    /// `ScalingAdjustment`, interpreted by the policy's [`AdjustmentType`].
    pub adjustment: i64,
}

impl StepAdjustment {
    /// The interval as explanations show it, brackets telling inclusivity: `[0, 15)`,
    /// `[15, +∞)`, `(-15, 0]`, `(-∞, -15]`.
    pub fn interval(&self) -> String {
        Interval {
            lower: self.lower,
            upper: self.upper,
        }
        .to_string()
    }
}

/// A step's bounds as explanations show them ([`StepAdjustment::interval`]).
#[derive(Debug, Clone, Copy)]
struct Interval {
    lower: Option<f64>,
    upper: Option<f64>,
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.lower {
            // A lower bound ≥ 0 is reached from above the threshold: inclusive.
            Some(l) if l >= 0.0 => write!(f, "[{}", Shown::target(l))?,
            Some(l) => write!(f, "({}", Shown::target(l))?,
            None => f.write_str("(-∞")?,
        }
        f.write_str(", ")?;
        match self.upper {
            // An upper bound ≤ 0 is reached from below the threshold: inclusive.
            Some(u) if u <= 0.0 => write!(f, "{}]", Shown::target(u)),
            Some(u) => write!(f, "{})", Shown::target(u)),
            None => f.write_str("+∞)"),
        }
    }
}

/// A step scaling policy's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct StepPolicy {
    /// The steps, in any order (see [`check_steps`]).
    pub steps: Vec<StepAdjustment>,
    /// How each step's adjustment is interpreted.
    pub kind: AdjustmentType,
    /// `MinAdjustmentMagnitude`: for PercentChangeInCapacity, the least number of tasks to add or
    /// remove.
    pub min_adjustment_magnitude: Option<u32>,
}

/// A bound for sorting and comparing: None lower = −∞, None upper = +∞.
fn lo(s: &StepAdjustment) -> f64 {
    s.lower.unwrap_or(f64::NEG_INFINITY)
}
fn hi(s: &StepAdjustment) -> f64 {
    s.upper.unwrap_or(f64::INFINITY)
}

/// Checks steps against AWS's rules: at least one step; no NaN or infinite bound; a step may not
/// lack both bounds; lower < upper; at most one step without a lower bound and one without an
/// upper bound; no gaps or overlaps once sorted; a negative lower bound needs a step without a
/// lower bound, a positive upper bound a step without an upper bound. The error is (index of
/// the offending step in `steps`, what is wrong and what would be valid).
pub fn check_steps(steps: &[StepAdjustment]) -> Result<(), (usize, String)> {
    if steps.is_empty() {
        return Err((0, "at least one step adjustment is required".to_string()));
    }
    for (i, s) in steps.iter().enumerate() {
        for (name, b) in [("lower", s.lower), ("upper", s.upper)] {
            if b.is_some_and(|v| !v.is_finite()) {
                return Err((
                    i,
                    format!("the {name} bound must be a finite number; leave it out for no bound"),
                ));
            }
        }
        match (s.lower, s.upper) {
            (None, None) => {
                return Err((
                    i,
                    "a step needs a lower or an upper bound (a step without both would cover every value)"
                        .to_string(),
                ));
            }
            (Some(l), Some(u)) if l >= u => {
                return Err((
                    i,
                    format!(
                        "lower bound {} must be below upper bound {}",
                        fmt_target(l),
                        fmt_target(u)
                    ),
                ));
            }
            _ => {}
        }
    }
    for (name, missing) in [
        (
            "lower",
            steps.iter().map(|s| s.lower.is_none()).collect::<Vec<_>>(),
        ),
        (
            "upper",
            steps.iter().map(|s| s.upper.is_none()).collect::<Vec<_>>(),
        ),
    ] {
        let idx: Vec<usize> = (0..steps.len()).filter(|&i| missing[i]).collect();
        if idx.len() > 1 {
            return Err((
                idx[1],
                format!(
                    "only one step may have no {name} bound; step {} already has none, give this one a {name} bound",
                    idx[0]
                ),
            ));
        }
    }
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&a, &b| {
        lo(&steps[a])
            .partial_cmp(&lo(&steps[b]))
            .unwrap_or(Ordering::Equal)
            .then(a.cmp(&b))
    });
    for w in order.windows(2) {
        let (p, n) = (&steps[w[0]], &steps[w[1]]);
        let (end, start) = (hi(p), lo(n));
        if end < start {
            return Err((
                w[1],
                format!(
                    "gap between {} (step {}) and {}: this step's lower bound should be {}",
                    fmt_target(end),
                    w[0],
                    fmt_target(start),
                    fmt_target(end)
                ),
            ));
        }
        if end > start {
            return Err((
                w[1],
                format!(
                    "overlaps step {} {}: this step's lower bound should be {}",
                    w[0],
                    p.interval(),
                    if end.is_finite() {
                        fmt_target(end)
                    } else {
                        "its upper bound (which it lacks)".to_string()
                    }
                ),
            ));
        }
    }
    if let (Some(&first), Some(&last)) = (order.first(), order.last()) {
        if steps[first].lower.is_some_and(|l| l < 0.0) {
            return Err((
                first,
                format!(
                    "the lowest step has a negative lower bound {}: leave it out so values below it are covered too",
                    fmt_target(lo(&steps[first]))
                ),
            ));
        }
        if steps[last].upper.is_some_and(|u| u > 0.0) {
            return Err((
                last,
                format!(
                    "the highest step has a positive upper bound {}: leave it out so values above it are covered too",
                    fmt_target(hi(&steps[last]))
                ),
            ));
        }
    }
    Ok(())
}

/// Whether `d` (hundredths) lies in the step, by the inclusivity of `above` (lower inclusive,
/// upper exclusive) or below (lower exclusive, upper inclusive).
fn contains(s: &StepAdjustment, d: i64, above: bool) -> bool {
    let l = s.lower.map(hundredths);
    let u = s.upper.map(hundredths);
    let lower_ok = match l {
        None => true,
        Some(None) => false,
        Some(Some(l)) => {
            if above {
                l <= d
            } else {
                l < d
            }
        }
    };
    let upper_ok = match u {
        None => true,
        Some(None) => false,
        Some(Some(u)) => {
            if above {
                d < u
            } else {
                d <= u
            }
        }
    };
    lower_ok && upper_ok
}

/// The step for `metric` under an alarm with `threshold`. With d = metric − threshold: above
/// the threshold (d > 0) the lower bound is inclusive and the upper exclusive; below it (d < 0)
/// the lower bound is exclusive and the upper inclusive. At exactly the threshold (d = 0) AWS's
/// own examples put 0 in both [0, 10) and (−10, 0]; ecsim takes a step starting at 0 first, else
/// one ending at 0. Compared in hundredths, the precision explanations show; None when no step
/// matches or a value cannot be rounded.
pub fn matching_step(
    steps: &[StepAdjustment],
    threshold: f64,
    metric: f64,
) -> Option<&StepAdjustment> {
    let d = hundredths(metric)?.checked_sub(hundredths(threshold)?)?;
    match d.cmp(&0) {
        Ordering::Greater => steps.iter().find(|s| contains(s, d, true)),
        Ordering::Less => steps.iter().find(|s| contains(s, d, false)),
        Ordering::Equal => steps
            .iter()
            .find(|s| contains(s, d, true))
            .or_else(|| steps.iter().find(|s| contains(s, d, false))),
    }
}

/// Saturating conversion to i64.
fn sat_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// A signed integer with an explicit "+" when positive.
#[derive(Debug, Clone, Copy)]
struct Signed(i128);

impl fmt::Display for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 0 {
            write!(f, "+{}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// One step adjustment's arithmetic, as data: what [`adjusted`] computed (serialized as
/// `{"ChangeInCapacity": {…}}`, `{"ExactCapacity": {…}}` or `{"PercentChangeInCapacity":
/// {…}}`). `Display` is the arithmetic as the cause shows it: `+2 to 10 → 12`, `exactly 5`,
/// `+30% of 11 = 3.3 → 3 → 14`, `+25% of 4 = 1 → MinAdjustmentMagnitude 2 → +2 → 6`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Adjusted {
    /// The adjustment added to the current capacity.
    ChangeInCapacity {
        /// `ScalingAdjustment`.
        adjustment: i64,
        /// The capacity it applies to.
        current: u32,
        /// current + adjustment, before clamping.
        #[serde(with = "crate::util::wide")]
        result: i128,
    },
    /// The capacity set to the adjustment.
    ExactCapacity {
        /// `ScalingAdjustment`, the result before clamping.
        adjustment: i64,
    },
    /// adjustment % of the current capacity added, rounded as AWS does.
    PercentChangeInCapacity {
        /// `ScalingAdjustment`, in percent.
        adjustment: i64,
        /// The capacity it applies to.
        current: u32,
        /// adjustment × current / 100, before rounding.
        exact_change: f64,
        /// The change after AWS's rounding (see [`adjusted`]).
        #[serde(with = "crate::util::wide")]
        rounded: i128,
        /// `MinAdjustmentMagnitude` when it raised the change (else None).
        min_adjustment_magnitude: Option<u32>,
        /// The change applied: `rounded`, or ±`min_adjustment_magnitude`.
        #[serde(with = "crate::util::wide")]
        change: i128,
        /// current + change, before clamping.
        #[serde(with = "crate::util::wide")]
        result: i128,
    },
}

impl fmt::Display for Adjusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Adjusted::ChangeInCapacity {
                adjustment,
                current,
                result,
            } => write!(f, "{} to {current} → {result}", Signed(adjustment.into())),
            Adjusted::ExactCapacity { adjustment } => write!(f, "exactly {adjustment}"),
            Adjusted::PercentChangeInCapacity {
                adjustment,
                current,
                rounded,
                min_adjustment_magnitude,
                change,
                result,
                ..
            } => {
                // The exact change in hundredths of a task, from the integers (exact_change is
                // its value for readers).
                let h = i128::from(current) * i128::from(adjustment);
                write!(
                    f,
                    "{}% of {current} = {}",
                    Signed(adjustment.into()),
                    Hundredths { h, min_decimals: 0 }
                )?;
                if rounded * 100 != h {
                    write!(f, " → {rounded}")?;
                }
                if let Some(mam) = min_adjustment_magnitude {
                    write!(f, " → MinAdjustmentMagnitude {mam} → {}", Signed(change))?;
                }
                write!(f, " → {result}")
            }
        }
    }
}

/// The capacity after applying `adjustment` of `kind` to `current` (before clamping to
/// [MinCapacity, MaxCapacity]) and its arithmetic.
///
/// PercentChangeInCapacity rounds the change as AWS does: above 1 it rounds down, from 0 to 1
/// becomes 1, from −1 to 0 becomes −1, below −1 it rounds toward zero (so a change of exactly
/// 1 or −1 stays). `min_adjustment_magnitude` (percent only) then raises the size of the change,
/// in the adjustment's direction, to at least that many tasks — also when the percentage of 0
/// is 0.
///
/// ```
/// use ecsim::scaling::step::{adjusted, AdjustmentType};
///
/// // -10 % of 14 = -1.4, toward zero → -1 → 13.
/// assert_eq!(adjusted(AdjustmentType::PercentChangeInCapacity, -10, 14, None).0, 13);
/// // +25 % of 4 = 1, raised to MinAdjustmentMagnitude 2 → 6.
/// let (n, why) = adjusted(AdjustmentType::PercentChangeInCapacity, 25, 4, Some(2));
/// assert_eq!(
///     (n, why.to_string().as_str()),
///     (6, "+25% of 4 = 1 → MinAdjustmentMagnitude 2 → +2 → 6")
/// );
/// ```
pub fn adjusted(
    kind: AdjustmentType,
    adjustment: i64,
    current: u32,
    min_adjustment_magnitude: Option<u32>,
) -> (i64, Adjusted) {
    let cur = i128::from(current);
    let adj = i128::from(adjustment);
    match kind {
        AdjustmentType::ChangeInCapacity => {
            let n = cur + adj;
            (
                sat_i64(n),
                Adjusted::ChangeInCapacity {
                    adjustment,
                    current,
                    result: n,
                },
            )
        }
        AdjustmentType::ExactCapacity => (adjustment, Adjusted::ExactCapacity { adjustment }),
        AdjustmentType::PercentChangeInCapacity => {
            // The change in hundredths of a task: current × adjustment % = cur × adj / 100 tasks.
            let h = cur * adj;
            let rounded = match h {
                h if h > 100 => h / 100,
                1..=100 => 1,
                -100..=-1 => -1,
                h => h / 100, // 0, or below −1: `/` truncates toward zero.
            };
            let mut change = rounded;
            let mut raised = None;
            if let Some(mam) = min_adjustment_magnitude
                && adj != 0
                && change.abs() < i128::from(mam)
            {
                change = if adj > 0 {
                    i128::from(mam)
                } else {
                    -i128::from(mam)
                };
                raised = Some(mam);
            }
            let n = cur + change;
            (
                sat_i64(n),
                Adjusted::PercentChangeInCapacity {
                    adjustment,
                    current,
                    exact_change: h as f64 / 100.0,
                    rounded,
                    min_adjustment_magnitude: raised,
                    change,
                    result: n,
                },
            )
        }
    }
}

/// A step policy's arithmetic, as data: the step that matched the latest datapoint, its
/// adjustment, the clamp, and the scale-out cooldown's base. `Display`: `step [15, +∞) → +30%
/// of 11 = 3.3 → 3 → 14`, then ` → clamped to MaxCapacity 20` when clamped, then ` (in the
/// scale-out cooldown the step applies to 10, the desired count before it began: +1 added to
/// 12)` when a cooldown's base was used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepArithmetic {
    /// The step's `MetricIntervalLowerBound`, relative to the threshold (None = −∞).
    pub lower: Option<f64>,
    /// The step's `MetricIntervalUpperBound`, relative to the threshold (None = +∞).
    pub upper: Option<f64>,
    /// The adjustment and its arithmetic.
    pub adjustment: Adjusted,
    /// Whether MinCapacity or MaxCapacity changed the result.
    pub clamped: Option<Clamp>,
    /// Set when the step applied to the desired count before the scale-out cooldown began.
    pub cooldown: Option<CooldownBase>,
}

/// A step scale-out inside a scale-out cooldown: the step applied to the count before the
/// cooldown began, so only the difference is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CooldownBase {
    /// The desired count before the cooldown began, which the step applied to.
    pub base: u32,
    /// The desired count now.
    pub desired: u32,
    /// The proposal − `desired`: what is added now.
    pub added: i64,
}

impl fmt::Display for StepArithmetic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let interval = Interval {
            lower: self.lower,
            upper: self.upper,
        };
        write!(f, "step {interval} → {}", self.adjustment)?;
        write_clamp(f, self.clamped)?;
        if let Some(c) = self.cooldown {
            write!(
                f,
                " (in the scale-out cooldown the step applies to {}, the desired count before it began: {} added to {})",
                c.base,
                Signed(c.added.into()),
                c.desired
            )?;
        }
        Ok(())
    }
}

/// The proposal of a step policy whose `alarm` is in ALARM; None when the alarm is not in
/// ALARM, no step matches its latest datapoint, or nothing would change.
///
/// `current` is the desired count. A positive ChangeInCapacity or PercentChangeInCapacity step
/// applies to `base_in_cooldown` when given — the caller passes
/// [`CooldownState::out_base`](super::policy::CooldownState::out_base), the desired count
/// before the scale-out cooldown began — so inside the cooldown only the difference is added
/// (+2 applied, new step +3 → +1 more). The result is clamped to [min, max]; it is an Out
/// proposal only when above `current` and an In proposal only when below. A positive step never
/// proposes In and a negative one never Out (ExactCapacity may do either).
pub fn step_proposal(
    policy: usize,
    alarm: &Alarm,
    rule: &StepPolicy,
    current: u32,
    base_in_cooldown: Option<u32>,
    min: u32,
    max: u32,
) -> Option<Proposal> {
    if alarm.state() != AlarmState::Alarm {
        return None;
    }
    let metric = alarm.latest()?;
    let step = matching_step(&rule.steps, alarm.threshold(), metric)?;
    let grows = step.adjustment > 0 && rule.kind != AdjustmentType::ExactCapacity;
    let base = match base_in_cooldown {
        Some(b) if grows => b,
        _ => current,
    };
    let (raw, adjustment) = adjusted(
        rule.kind,
        step.adjustment,
        base,
        rule.min_adjustment_magnitude,
    );
    let (capacity, clamped) = clamp(i128::from(raw), min, max);
    let exact = rule.kind == AdjustmentType::ExactCapacity;
    let direction = match capacity.cmp(&current) {
        Ordering::Greater if exact || step.adjustment >= 0 => Direction::Out,
        Ordering::Less if exact || step.adjustment <= 0 => Direction::In,
        _ => return None,
    };
    let cooldown = (base != current).then(|| CooldownBase {
        base,
        desired: current,
        added: i64::from(capacity) - i64::from(current),
    });
    Some(Proposal {
        policy,
        direction,
        capacity,
        cause: ProposalCause::Step {
            alarm: alarm.breach(),
            step: StepArithmetic {
                lower: step.lower,
                upper: step.upper,
                adjustment,
                clamped,
                cooldown,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaling::alarm::Comparison;
    use crate::scaling::policy::{CooldownState, decide};

    /// An adjustment's result with its arithmetic as the cause shows it.
    fn text((n, why): (i64, Adjusted)) -> (i64, String) {
        (n, why.to_string())
    }

    fn s(lower: Option<f64>, upper: Option<f64>, adjustment: i64) -> StepAdjustment {
        StepAdjustment {
            lower,
            upper,
            adjustment,
        }
    }

    /// aws-behaviour.md §1's worked example, threshold 50: above [0, 15) +10 %, [15, +∞) +30 %.
    fn out_policy() -> StepPolicy {
        StepPolicy {
            steps: vec![s(Some(0.0), Some(15.0), 10), s(Some(15.0), None, 30)],
            kind: AdjustmentType::PercentChangeInCapacity,
            min_adjustment_magnitude: None,
        }
    }

    /// Below: (-15, 0] −10 %, (-∞, -15] −30 %.
    fn in_policy() -> StepPolicy {
        StepPolicy {
            steps: vec![s(Some(-15.0), Some(0.0), -10), s(None, Some(-15.0), -30)],
            kind: AdjustmentType::PercentChangeInCapacity,
            min_adjustment_magnitude: None,
        }
    }

    /// A 1-of-1 alarm named `name` that has just seen `dp`.
    fn fired(name: &str, comparison: Comparison, dp: f64) -> Alarm {
        let mut a = Alarm::new(name, 50.0, comparison, 1, 1);
        a.push(Some(dp));
        a
    }

    #[test]
    fn worked_example() {
        let (out, inp) = (out_policy(), in_policy());
        assert_eq!(check_steps(&out.steps), Ok(()));
        assert_eq!(check_steps(&inp.steps), Ok(()));
        let high = |dp| fired("q-high", Comparison::GreaterThanThreshold, dp);
        let low = |dp| fired("q-low", Comparison::LessThanThreshold, dp);
        // 60: d = 10 in [0, 15) → +10 % of 10 = 1 → 11.
        let p = step_proposal(0, &high(60.0), &out, 10, None, 1, 100).unwrap();
        assert_eq!(
            (p.direction, p.capacity, p.is_step()),
            (Direction::Out, 11, true)
        );
        assert_eq!(
            p.cause.to_string(),
            "alarm q-high: 1 of 1 datapoints > 50 (60.0); step [0, 15) → +10% of 10 = 1 → 11"
        );
        // 70: d = 20 in [15, +∞) → +30 % of 11 = 3.3 → 3 → 14.
        let p = step_proposal(0, &high(70.0), &out, 11, None, 1, 100).unwrap();
        assert_eq!(p.capacity, 14);
        assert_eq!(
            p.cause.to_string(),
            "alarm q-high: 1 of 1 datapoints > 50 (70.0); step [15, +∞) → +30% of 11 = 3.3 → 3 → 14"
        );
        // 40: d = -10 in (-15, 0] → -10 % of 14 = -1.4 → -1 → 13.
        let p = step_proposal(1, &low(40.0), &inp, 14, None, 1, 100).unwrap();
        assert_eq!((p.direction, p.capacity), (Direction::In, 13));
        assert_eq!(
            p.cause.to_string(),
            "alarm q-low: 1 of 1 datapoints < 50 (40.0); step (-15, 0] → -10% of 14 = -1.4 → -1 → 13"
        );
        // 30: d = -20 in (-∞, -15] → -30 % of 13 = -3.9 → -3 → 10.
        let p = step_proposal(1, &low(30.0), &inp, 13, None, 1, 100).unwrap();
        assert_eq!(p.capacity, 10);
        assert!(
            p.cause
                .to_string()
                .ends_with("step (-∞, -15] → -30% of 13 = -3.9 → -3 → 10"),
            "{}",
            p.cause
        );
    }

    #[test]
    fn percent_rounding() {
        use AdjustmentType::PercentChangeInCapacity as P;
        let pc = |adj, cur| text(adjusted(P, adj, cur, None));
        // > 1 rounds down: 15 % of 10 = 1.5 → 1; 250 % of 3 = 7.5 → 7.
        assert_eq!(pc(15, 10), (11, "+15% of 10 = 1.5 → 1 → 11".to_string()));
        assert_eq!(pc(250, 3).0, 10);
        // Between 0 and 1 → 1: 5 % of 10 = 0.5 → 1; exactly 1 stays 1: 10 % of 10.
        assert_eq!(pc(5, 10), (11, "+5% of 10 = 0.5 → 1 → 11".to_string()));
        assert_eq!(pc(10, 10), (11, "+10% of 10 = 1 → 11".to_string()));
        // Between -1 and 0 → -1: -5 % of 10 = -0.5; exactly -1 stays: -10 % of 10.
        assert_eq!(pc(-5, 10), (9, "-5% of 10 = -0.5 → -1 → 9".to_string()));
        assert_eq!(pc(-10, 10), (9, "-10% of 10 = -1 → 9".to_string()));
        // < -1 toward zero: -15 % of 10 = -1.5 → -1; -99 % of 7 = -6.93 → -6.
        assert_eq!(pc(-15, 10), (9, "-15% of 10 = -1.5 → -1 → 9".to_string()));
        assert_eq!(pc(-99, 7), (1, "-99% of 7 = -6.93 → -6 → 1".to_string()));
        // 0 % of anything and anything % of 0 is no change.
        assert_eq!(pc(0, 10).0, 10);
        assert_eq!(pc(50, 0), (0, "+50% of 0 = 0 → 0".to_string()));
        // Huge values saturate instead of overflowing: 4,294,967,295 × i64::MAX % fits i128.
        assert_eq!(pc(i64::MAX, u32::MAX).0, i64::MAX);
    }

    #[test]
    fn min_adjustment_magnitude() {
        use AdjustmentType::PercentChangeInCapacity as P;
        // AWS's own example: 25 % of 4 = 1, MinAdjustmentMagnitude 2 → +2 → 6.
        assert_eq!(
            text(adjusted(P, 25, 4, Some(2))),
            (
                6,
                "+25% of 4 = 1 → MinAdjustmentMagnitude 2 → +2 → 6".to_string()
            )
        );
        // Scale-in: -25 % of 4 = -1, magnitude 2 → -2 → 2.
        assert_eq!(adjusted(P, -25, 4, Some(2)).0, 2);
        // Already large enough: 50 % of 10 = 5 ≥ 2 → unchanged, 15.
        assert_eq!(
            text(adjusted(P, 50, 10, Some(2))),
            (15, "+50% of 10 = 5 → 15".to_string())
        );
        // From zero tasks: 50 % of 0 = 0, raised to 3 → 3.
        assert_eq!(adjusted(P, 50, 0, Some(3)).0, 3);
        // Only for percent: ChangeInCapacity +1 with magnitude 5 stays +1.
        assert_eq!(
            text(adjusted(AdjustmentType::ChangeInCapacity, 1, 4, Some(5))),
            (5, "+1 to 4 → 5".to_string())
        );
    }

    #[test]
    fn change_and_exact_capacity() {
        assert_eq!(
            text(adjusted(AdjustmentType::ChangeInCapacity, -3, 10, None)),
            (7, "-3 to 10 → 7".to_string())
        );
        assert_eq!(
            text(adjusted(AdjustmentType::ExactCapacity, 5, 10, None)),
            (5, "exactly 5".to_string())
        );
        let exact = |n| StepPolicy {
            steps: vec![s(Some(0.0), None, n)],
            kind: AdjustmentType::ExactCapacity,
            min_adjustment_magnitude: None,
        };
        let a = fired("q", Comparison::GreaterThanOrEqualToThreshold, 60.0);
        // Exactly 5 from 8 → In 5; exactly 12 from 8 → Out 12; exactly 8 → nothing.
        let p = step_proposal(0, &a, &exact(5), 8, None, 1, 20).unwrap();
        assert_eq!((p.direction, p.capacity), (Direction::In, 5));
        assert!(
            p.cause.to_string().ends_with("step [0, +∞) → exactly 5"),
            "{}",
            p.cause
        );
        let p = step_proposal(0, &a, &exact(12), 8, None, 1, 20).unwrap();
        assert_eq!((p.direction, p.capacity), (Direction::Out, 12));
        assert_eq!(step_proposal(0, &a, &exact(8), 8, None, 1, 20), None);
        // Exactly 30 with MaxCapacity 20 → clamped to 20.
        let p = step_proposal(0, &a, &exact(30), 8, None, 1, 20).unwrap();
        assert!(
            p.cause
                .to_string()
                .ends_with("exactly 30 → clamped to MaxCapacity 20"),
            "{}",
            p.cause
        );
        // A -3 step clamped up to MinCapacity 9 from 8 would raise capacity: not a scale-in, and
        // a negative step never scales out → none.
        let minus = StepPolicy {
            steps: vec![s(Some(0.0), None, -3)],
            kind: AdjustmentType::ChangeInCapacity,
            min_adjustment_magnitude: None,
        };
        assert_eq!(step_proposal(0, &a, &minus, 8, None, 9, 20), None);
        // Alarm not in ALARM → none: 40 is not ≥ 50.
        let ok = fired("q", Comparison::GreaterThanOrEqualToThreshold, 40.0);
        assert_eq!(step_proposal(0, &ok, &exact(12), 8, None, 1, 20), None);
    }

    #[test]
    fn bounds_at_the_boundary() {
        let out = out_policy().steps;
        let inp = in_policy().steps;
        // Above: lower inclusive, upper exclusive. 65 − 50 = 15 → [15, +∞), 64.99 → [0, 15).
        assert_eq!(
            matching_step(&out, 50.0, 65.0).map(|s| s.adjustment),
            Some(30)
        );
        assert_eq!(
            matching_step(&out, 50.0, 64.99).map(|s| s.adjustment),
            Some(10)
        );
        // Below: lower exclusive, upper inclusive. 35 − 50 = −15 → (−∞, −15]; 35.01 → (−15, 0].
        assert_eq!(
            matching_step(&inp, 50.0, 35.0).map(|s| s.adjustment),
            Some(-30)
        );
        assert_eq!(
            matching_step(&inp, 50.0, 35.01).map(|s| s.adjustment),
            Some(-10)
        );
        // At the threshold (d = 0): [0, 15) above, or (−15, 0] when only steps below exist.
        assert_eq!(
            matching_step(&out, 50.0, 50.0).map(|s| s.adjustment),
            Some(10)
        );
        assert_eq!(
            matching_step(&inp, 50.0, 50.0).map(|s| s.adjustment),
            Some(-10)
        );
        // Out of all steps: the scale-out steps do not cover 40.
        assert_eq!(matching_step(&out, 50.0, 40.0), None);
        // A step across the threshold, (−5, 5): −5 and 5 are both outside it.
        let across = [
            s(None, Some(-5.0), -1),
            s(Some(-5.0), Some(5.0), 0),
            s(Some(5.0), None, 1),
        ];
        assert_eq!(check_steps(&across), Ok(()));
        assert_eq!(across[1].interval(), "(-5, 5)");
        assert_eq!(
            matching_step(&across, 50.0, 45.0).map(|s| s.adjustment),
            Some(-1)
        );
        assert_eq!(
            matching_step(&across, 50.0, 55.0).map(|s| s.adjustment),
            Some(1)
        );
        assert_eq!(
            matching_step(&across, 50.0, 45.01).map(|s| s.adjustment),
            Some(0)
        );
        // Non-finite metrics match nothing.
        assert_eq!(matching_step(&out, 50.0, f64::INFINITY), None);
    }

    #[test]
    fn step_rules() {
        let err = |steps: &[StepAdjustment]| check_steps(steps).unwrap_err();
        assert_eq!(
            err(&[]),
            (0, "at least one step adjustment is required".to_string())
        );
        // Gap: [0, 10) then [15, +∞) — the second should start at 10.
        let (i, m) = err(&[s(Some(0.0), Some(10.0), 1), s(Some(15.0), None, 2)]);
        assert_eq!(i, 1);
        assert_eq!(
            m,
            "gap between 10 (step 0) and 15: this step's lower bound should be 10"
        );
        // Overlap, given out of order: step 0 is [15, +∞), step 1 [0, 20) → sorted, step 0
        // overlaps step 1 and should start at 20.
        let (i, m) = err(&[s(Some(15.0), None, 2), s(Some(0.0), Some(20.0), 1)]);
        assert_eq!(i, 0);
        assert_eq!(
            m,
            "overlaps step 1 [0, 20): this step's lower bound should be 20"
        );
        // Lower not below upper.
        let (i, m) = err(&[s(Some(0.0), Some(10.0), 1), s(Some(10.0), Some(10.0), 2)]);
        assert_eq!(
            (i, m.as_str()),
            (1, "lower bound 10 must be below upper bound 10")
        );
        // Two steps without a lower bound.
        let (i, m) = err(&[s(None, Some(-10.0), -2), s(None, Some(0.0), -1)]);
        assert_eq!(i, 1);
        assert!(m.starts_with("only one step may have no lower bound; step 0 already has none"));
        // No bound at all.
        assert_eq!(err(&[s(None, None, 1)]).0, 0);
        // Negative lower bound without a step below it; positive upper without one above.
        let (i, m) = err(&[s(Some(-10.0), Some(0.0), -1)]);
        assert_eq!(i, 0);
        assert!(
            m.starts_with("the lowest step has a negative lower bound -10"),
            "{m}"
        );
        let (i, m) = err(&[s(Some(0.0), Some(10.0), 1), s(Some(10.0), Some(20.0), 2)]);
        assert_eq!(i, 1);
        assert!(
            m.starts_with("the highest step has a positive upper bound 20"),
            "{m}"
        );
        // Non-finite bounds.
        assert_eq!(err(&[s(Some(f64::NAN), None, 1)]).0, 0);
        // Unsorted but contiguous is fine.
        assert_eq!(
            check_steps(&[s(Some(15.0), None, 2), s(Some(0.0), Some(15.0), 1)]),
            Ok(())
        );
    }

    #[test]
    fn cooldown_adds_only_the_difference() {
        // ChangeInCapacity, threshold 50: [0, 10) +2, [10, +∞) +3. Desired 10.
        let rule = StepPolicy {
            steps: vec![s(Some(0.0), Some(10.0), 2), s(Some(10.0), None, 3)],
            kind: AdjustmentType::ChangeInCapacity,
            min_adjustment_magnitude: None,
        };
        let cds = |_| (300_000, 300_000);
        let mut st = CooldownState::default();
        // 55: +2 to 10 → 12; the scale-out cooldown starts with base 10.
        let a = fired("q-high", Comparison::GreaterThanThreshold, 55.0);
        let p = step_proposal(0, &a, &rule, 10, st.out_base(0), 1, 100).unwrap();
        let d = decide(0, &mut st, 10, &[p], &[], &cds).unwrap();
        assert_eq!((d.from, d.to), (10, 12));
        // 60 s later the alarm fires again at the same step: +2 to base 10 = 12 = desired → none.
        assert_eq!(st.out_base(60_000), Some(10));
        assert_eq!(
            step_proposal(0, &a, &rule, 12, st.out_base(60_000), 1, 100),
            None
        );
        // It fires at 65 (+3): +3 to base 10 → 13, so only 1 is added to the desired 12.
        let b = fired("q-high", Comparison::GreaterThanThreshold, 65.0);
        let p = step_proposal(0, &b, &rule, 12, st.out_base(60_000), 1, 100).unwrap();
        assert_eq!(p.capacity, 13);
        assert_eq!(
            p.cause.to_string(),
            "alarm q-high: 1 of 1 datapoints > 50 (65.0); step [10, +∞) → +3 to 10 → 13 \
             (in the scale-out cooldown the step applies to 10, the desired count before it began: +1 added to 12)"
        );
        // After the cooldown (300 s) the step applies to the desired count again: 12 + 3 = 15.
        let p = step_proposal(0, &b, &rule, 12, st.out_base(300_000), 1, 100).unwrap();
        assert_eq!(p.capacity, 15);
        // A scale-in step ignores the scale-out base: -1 to 12 → 11.
        let minus = StepPolicy {
            steps: vec![s(None, Some(0.0), -1)],
            kind: AdjustmentType::ChangeInCapacity,
            min_adjustment_magnitude: None,
        };
        let l = fired("q-low", Comparison::LessThanThreshold, 40.0);
        let p = step_proposal(1, &l, &minus, 12, st.out_base(60_000), 1, 100).unwrap();
        assert_eq!((p.direction, p.capacity), (Direction::In, 11));
    }

    #[test]
    fn adjustment_type_names() {
        assert_eq!(
            AdjustmentType::parse("PercentChangeInCapacity"),
            Some(AdjustmentType::PercentChangeInCapacity)
        );
        assert_eq!(
            AdjustmentType::parse("ExactCapacity"),
            Some(AdjustmentType::ExactCapacity)
        );
        assert_eq!(
            AdjustmentType::parse("ChangeInCapacity"),
            Some(AdjustmentType::ChangeInCapacity)
        );
        assert_eq!(AdjustmentType::parse("PercentChange"), None);
    }
}
