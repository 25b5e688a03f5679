//! Target tracking, and how the proposals of several policies on one scalable target combine
//! under cooldowns (aws-behaviour.md §1).
//!
//! - Target tracking proposes `ceil(running × metric / target)`, clamped to
//!   [MinCapacity, MaxCapacity], when one of its alarms is in ALARM. The base is the RUNNING
//!   count, so a service whose tasks cannot be placed does not run away.
//! - [`decide`] scales out if ANY policy proposes more than the desired count (largest wins), and
//!   scales in only if ALL scale-in-enabled target tracking policies propose in (step scale-in
//!   proposals count on their own); the largest resulting capacity wins.
//! - Cooldowns: a scale-out may happen inside the scale-out cooldown only when larger than the
//!   desired count, and ends any scale-in cooldown; nothing scales in inside the scale-in cooldown.
//!
//! ```
//! use ecsim::scaling::alarm::Alarm;
//! use ecsim::scaling::policy::{target_tracking, Capacity, Direction};
//!
//! let mut high = Alarm::target_tracking_high("cpu50", 50.0);
//! for dp in [71.2, 78.0, 80.4] {
//!     high.push(Some(dp));
//! }
//! let cap = Capacity { running: 4, desired: 4, min: 1, max: 10 };
//! let p = target_tracking(0, &high, 50.0, cap, false).unwrap();
//! assert_eq!((p.direction, p.capacity), (Direction::Out, 7));
//! assert_eq!(
//!     p.cause.to_string(),
//!     "alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.4); running 4 → ceil(4 × 80.4 / 50) = 7"
//! );
//! ```

use super::alarm::{Alarm, AlarmState, Breach, Shown, hundredths};
use super::step::StepArithmetic;
use crate::engine::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which way a proposal or decision moves the desired count (serialized `out` / `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Add capacity (scale out).
    Out,
    /// Remove capacity (scale in).
    In,
}

impl Direction {
    /// "out" or "in".
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }
}

/// What one policy would set the desired count to, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The policy's index on its scalable target (the caller's numbering).
    pub policy: usize,
    /// Out when `capacity` is above the desired count, In when below.
    pub direction: Direction,
    /// The proposed desired count, already clamped to [MinCapacity, MaxCapacity].
    pub capacity: u32,
    /// Why: the alarm's window and the arithmetic (its `Display` is the explanation).
    pub cause: ProposalCause,
}

impl Proposal {
    /// True for a step scaling policy's proposal, false for target tracking's.
    pub fn is_step(&self) -> bool {
        matches!(self.cause, ProposalCause::Step { .. })
    }
}

/// Why a policy proposes a capacity: the alarm that fired and the policy's arithmetic. Its
/// `Display` is `{alarm}; {arithmetic}`, e.g. `alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50
/// (71.2, 78.0, 80.4); running 4 → ceil(4 × 80.4 / 50) = 7`.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposalCause {
    /// A target tracking policy's.
    TargetTracking {
        /// The high or low alarm it created, as it stood.
        alarm: Breach,
        /// How the capacity was computed.
        rule: TargetTrackingRule,
    },
    /// A step scaling policy's.
    Step {
        /// The user's alarm, as it stood.
        alarm: Breach,
        /// The step that matched and its adjustment.
        step: StepArithmetic,
    },
}

impl ProposalCause {
    /// The alarm that fired.
    pub fn alarm(&self) -> &Breach {
        match self {
            ProposalCause::TargetTracking { alarm, .. } | ProposalCause::Step { alarm, .. } => {
                alarm
            }
        }
    }
}

impl fmt::Display for ProposalCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProposalCause::TargetTracking { alarm, rule } => write!(f, "{alarm}; {rule}"),
            ProposalCause::Step { alarm, step } => write!(f, "{alarm}; {step}"),
        }
    }
}

/// A proposal kept within [MinCapacity, MaxCapacity]: the bound it was raised or lowered to
/// (serialized `{"MinCapacity": 3}` / `{"MaxCapacity": 6}`). `Display`: `clamped to
/// MaxCapacity 6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Clamp {
    /// Raised to MinCapacity.
    MinCapacity(u32),
    /// Lowered to MaxCapacity.
    MaxCapacity(u32),
}

impl fmt::Display for Clamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clamp::MinCapacity(n) => write!(f, "clamped to MinCapacity {n}"),
            Clamp::MaxCapacity(n) => write!(f, "clamped to MaxCapacity {n}"),
        }
    }
}

/// Writes ` → clamped to …` when there is a clamp.
pub(crate) fn write_clamp(f: &mut fmt::Formatter<'_>, c: Option<Clamp>) -> fmt::Result {
    match c {
        Some(c) => write!(f, " → {c}"),
        None => Ok(()),
    }
}

/// How a target tracking proposal was computed ([`target_tracking`]'s rules), with its numbers
/// (serialized as `{"proportional": {…}}`, `{"from-zero": {…}}`, `{"raise-to-min": {…}}` or
/// `{"lower-to-max": {…}}`). `Display` is the arithmetic as the cause shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum TargetTrackingRule {
    /// The scale-out alarm fired with the desired count below MinCapacity: `desired 1 below
    /// MinCapacity 3 → 3`.
    RaiseToMin {
        /// The desired count.
        desired: u32,
        /// MinCapacity, the proposal.
        min: u32,
    },
    /// The scale-in alarm fired with the desired count above MaxCapacity: `desired 8 above
    /// MaxCapacity 6 → 6`.
    LowerToMax {
        /// The desired count.
        desired: u32,
        /// MaxCapacity, the proposal.
        max: u32,
    },
    /// Nothing running and the scale-out alarm fired: `running 0 → scale from zero: smallest
    /// step first → 1`.
    FromZero {
        /// max(MinCapacity, 1), before clamping.
        first: u32,
        /// Whether MaxCapacity lowered it.
        clamped: Option<Clamp>,
    },
    /// `running 4 → ceil(4 × 80.4 / 50) = 7`, computed in hundredths of the metric and target
    /// as shown (2 decimals).
    Proportional {
        /// The RUNNING count multiplied (at the start of a scale-out chain inside its cooldown).
        running: u32,
        /// The alarm's latest datapoint.
        metric: f64,
        /// The policy's target value.
        target: f64,
        /// ceil(running × metric / target), before clamping.
        #[serde(with = "crate::util::wide")]
        raw: i128,
        /// Whether MinCapacity or MaxCapacity changed it.
        clamped: Option<Clamp>,
    },
}

impl fmt::Display for TargetTrackingRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TargetTrackingRule::RaiseToMin { desired, min } => {
                write!(f, "desired {desired} below MinCapacity {min} → {min}")
            }
            TargetTrackingRule::LowerToMax { desired, max } => {
                write!(f, "desired {desired} above MaxCapacity {max} → {max}")
            }
            TargetTrackingRule::FromZero { first, clamped } => {
                write!(
                    f,
                    "running 0 → scale from zero: smallest step first → {first}"
                )?;
                write_clamp(f, clamped)
            }
            TargetTrackingRule::Proportional {
                running,
                metric,
                target,
                raw,
                clamped,
            } => {
                // Piece by piece (the most frequent cause): cheaper than one `write!`.
                let mut ib = itoa::Buffer::new();
                let running = ib.format(running);
                f.write_str("running ")?;
                f.write_str(running)?;
                f.write_str(" → ceil(")?;
                f.write_str(running)?;
                f.write_str(" × ")?;
                Shown::datapoint(metric).fmt(f)?;
                f.write_str(" / ")?;
                Shown::target(target).fmt(f)?;
                f.write_str(") = ")?;
                f.write_str(itoa::Buffer::new().format(raw))?;
                write_clamp(f, clamped)
            }
        }
    }
}

/// The counts and bounds of one scalable target (an ECS service) when a policy is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Tasks running now: target tracking's base.
    pub running: u32,
    /// The service's desired count now.
    pub desired: u32,
    /// MinCapacity.
    pub min: u32,
    /// MaxCapacity.
    pub max: u32,
}

/// Clamps `value` to [min, max] without panicking when min > max (the max then wins), and the
/// bound it was clamped to, if any.
pub(crate) fn clamp(value: i128, min: u32, max: u32) -> (u32, Option<Clamp>) {
    if value > i128::from(max) {
        (max, Some(Clamp::MaxCapacity(max)))
    } else if value < i128::from(min) {
        (min, Some(Clamp::MinCapacity(min)))
    } else {
        // min ≤ value ≤ max ≤ u32::MAX.
        (u32::try_from(value).unwrap_or(max), None)
    }
}

/// ⌈a / b⌉ for b > 0.
fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 { q } else { q + 1 }
}

/// The proposal of a target tracking policy whose scale-out (`>`/`≥`) or scale-in (`<`/`≤`)
/// alarm is in ALARM; None when the alarm is not in ALARM or nothing would change.
///
/// With metric = the alarm's latest datapoint, in order:
/// - scale-in alarm and `disable_scale_in` → None;
/// - scale-out alarm and desired below MinCapacity → MinCapacity;
/// - scale-in alarm and desired above MaxCapacity → MaxCapacity;
/// - scale-out alarm and nothing running → max(MinCapacity, 1) ("scale from zero: smallest step
///   first"), at most MaxCapacity;
/// - otherwise `ceil(running × metric / target)` clamped to [MinCapacity, MaxCapacity].
///
/// The result is an Out proposal only when above the desired count, an In proposal only when
/// below it. The arithmetic is done exactly, in hundredths, on the metric and target as the
/// cause displays them (rounded to 2 decimals), so 4 × 75 / 50 is exactly 6. A target that rounds
/// to 0 or below gives None.
pub fn target_tracking(
    policy: usize,
    alarm: &Alarm,
    target: f64,
    cap: Capacity,
    disable_scale_in: bool,
) -> Option<Proposal> {
    if alarm.state() != AlarmState::Alarm {
        return None;
    }
    let direction = if alarm.comparison().is_greater() {
        Direction::Out
    } else {
        Direction::In
    };
    if direction == Direction::In && disable_scale_in {
        return None;
    }
    // The capacity first; the explanation (the alarm's window) is taken only for a proposal
    // that changes something (an alarm can sit in ALARM for hours, clamped or in a cooldown).
    let (rule, capacity) = match direction {
        Direction::Out if cap.desired < cap.min => (
            TargetTrackingRule::RaiseToMin {
                desired: cap.desired,
                min: cap.min,
            },
            cap.min,
        ),
        Direction::In if cap.desired > cap.max => (
            TargetTrackingRule::LowerToMax {
                desired: cap.desired,
                max: cap.max,
            },
            cap.max,
        ),
        Direction::Out if cap.running == 0 => {
            let first = cap.min.max(1);
            let (n, clamped) = clamp(i128::from(first), cap.min, cap.max);
            (TargetTrackingRule::FromZero { first, clamped }, n)
        }
        _ => {
            let metric = alarm.latest()?;
            let m = hundredths(metric)?;
            let t = hundredths(target).filter(|&t| t > 0)?;
            let raw = ceil_div(i128::from(cap.running) * i128::from(m), i128::from(t));
            let (n, clamped) = clamp(raw, cap.min, cap.max);
            (
                TargetTrackingRule::Proportional {
                    running: cap.running,
                    metric,
                    target,
                    raw,
                    clamped,
                },
                n,
            )
        }
    };
    let wanted = match direction {
        Direction::Out => capacity > cap.desired,
        Direction::In => capacity < cap.desired,
    };
    if !wanted {
        return None;
    }
    Some(Proposal {
        policy,
        direction,
        capacity,
        cause: ProposalCause::TargetTracking {
            alarm: alarm.breach(),
            rule,
        },
    })
}

/// The cooldown clocks of one scalable target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CooldownState {
    /// Scale-in is blocked while `now` < this.
    pub in_until: Option<Millis>,
    /// The scale-out cooldown lasts while `now` < this.
    pub out_until: Option<Millis>,
    /// The desired count before the scale-out that began the current chain of scale-out
    /// cooldowns: step scaling applies its step to this, so only the difference is added.
    pub out_base: Option<u32>,
}

impl CooldownState {
    /// Whether a scale-in cooldown is running at `now`.
    pub fn in_cooldown(&self, now: Millis) -> bool {
        self.in_until.is_some_and(|t| now < t)
    }

    /// Whether a scale-out cooldown is running at `now`.
    pub fn out_cooldown(&self, now: Millis) -> bool {
        self.out_until.is_some_and(|t| now < t)
    }

    /// The capacity a step scale-out applies its step to at `now`: the desired count before the
    /// scale-out cooldown began, or None outside a scale-out cooldown (then the current count).
    pub fn out_base(&self, now: Millis) -> Option<u32> {
        if self.out_cooldown(now) {
            self.out_base
        } else {
            None
        }
    }
}

/// A change of the desired count decided by [`decide`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The desired count before.
    pub from: u32,
    /// The desired count after.
    pub to: u32,
    /// Out when `to` > `from`, In when below.
    pub direction: Direction,
    /// The winning proposal: its index in the proposals given to [`decide`] (its cause is the
    /// decision's).
    pub winner: usize,
    /// How many proposals competed (the largest won when more than one).
    pub proposals: u32,
    /// The winning proposal's policy.
    pub policy: usize,
}

/// Why [`decide_explained`] changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoChange {
    /// No proposal would change the desired count.
    NoProposal,
    /// Target tracking proposed scale-in, but these scale-in-enabled target tracking policies
    /// did not (scale in only if all agree).
    NotAllAgree {
        /// The policies that did not propose scale-in.
        waiting_for: Vec<usize>,
    },
    /// A scale-in to `to` was proposed inside the scale-in cooldown.
    InCooldown {
        /// When the scale-in cooldown ends.
        until: Millis,
        /// The capacity the scale-in would have set.
        to: u32,
    },
}

impl NoChange {
    /// A one-line explanation for `ecsim explain`.
    pub fn describe(&self) -> String {
        match self {
            NoChange::NoProposal => "no policy proposes a change".to_string(),
            NoChange::NotAllAgree { waiting_for } => {
                let ids: Vec<String> = waiting_for.iter().map(|p| format!("#{p}")).collect();
                format!(
                    "scale-in waits: target tracking scales in only when every scale-in-enabled policy agrees; not {}",
                    ids.join(", ")
                )
            }
            NoChange::InCooldown { until, to } => {
                format!("scale-in to {to} blocked by the scale-in cooldown until {until} ms")
            }
        }
    }
}

/// Combines the proposals of one scalable target's policies at `now` into at most one change of
/// its desired count, updating `state`. See [`decide_explained`] for the rules and the reason
/// when nothing changes.
pub fn decide(
    now: Millis,
    state: &mut CooldownState,
    desired: u32,
    proposals: &[Proposal],
    scale_in_enabled_tt: &[usize],
    cooldowns: &dyn Fn(usize) -> (Millis, Millis),
) -> Option<Decision> {
    decide_explained(
        now,
        state,
        desired,
        proposals,
        scale_in_enabled_tt,
        cooldowns,
    )
    .ok()
}

/// The largest capacity among `candidates` (indices into `proposals`; the first wins ties),
/// and how many there were.
fn largest(proposals: &[Proposal], candidates: &[usize]) -> Option<(usize, u32)> {
    let mut best: Option<usize> = None;
    for &i in candidates {
        if best.is_none_or(|b| proposals[i].capacity > proposals[b].capacity) {
            best = Some(i);
        }
    }
    Some((best?, u32::try_from(candidates.len()).unwrap_or(u32::MAX)))
}

/// [`decide`], with the reason when nothing changes.
///
/// - `proposals`: those of every policy whose alarm is in ALARM now (from [`target_tracking`]
///   and [`super::step::step_proposal`]).
/// - `scale_in_enabled_tt`: the target tracking policies without DisableScaleIn.
/// - `cooldowns(policy)` = (scale-out cooldown, scale-in cooldown) of that policy; a step policy
///   returns its Cooldown twice.
///
/// Rules:
/// 1. Out if any Out proposal is above `desired`; the largest capacity wins (on ties, the first
///    in `proposals`).
///    Allowed inside a scale-out cooldown (being above the desired count is AWS's condition);
///    it ends any scale-in cooldown and starts the winner's scale-out cooldown. `out_base`
///    becomes `desired` unless a scale-out cooldown was already running, in which case the base
///    of that chain is kept (model: AWS counts the capacity added "by the initiating scale-out").
/// 2. Otherwise In: target tracking In proposals count only when every policy of
///    `scale_in_enabled_tt` (non-empty) made one; step In proposals count on their own; the
///    largest capacity below `desired` wins. Blocked inside a scale-in cooldown. A scale-in
///    starts the winner's scale-in cooldown and ends the scale-out cooldown chain (model: the
///    capacity it added is gone, so its base no longer applies).
pub fn decide_explained(
    now: Millis,
    state: &mut CooldownState,
    desired: u32,
    proposals: &[Proposal],
    scale_in_enabled_tt: &[usize],
    cooldowns: &dyn Fn(usize) -> (Millis, Millis),
) -> Result<Decision, NoChange> {
    let outs: Vec<usize> = (0..proposals.len())
        .filter(|&i| proposals[i].direction == Direction::Out && proposals[i].capacity > desired)
        .collect();
    if let Some((w, competed)) = largest(proposals, &outs) {
        let p = &proposals[w];
        let (out_cd, _) = cooldowns(p.policy);
        if !state.out_cooldown(now) {
            state.out_base = Some(desired);
        }
        state.out_until = Some(now.saturating_add(out_cd));
        state.in_until = None;
        return Ok(Decision {
            from: desired,
            to: p.capacity,
            direction: Direction::Out,
            winner: w,
            proposals: competed,
            policy: p.policy,
        });
    }

    let ins: Vec<usize> = (0..proposals.len())
        .filter(|&i| proposals[i].direction == Direction::In && proposals[i].capacity < desired)
        .collect();
    let tt_ins: Vec<usize> = ins
        .iter()
        .copied()
        .filter(|&i| !proposals[i].is_step() && scale_in_enabled_tt.contains(&proposals[i].policy))
        .collect();
    let waiting_for: Vec<usize> = scale_in_enabled_tt
        .iter()
        .copied()
        .filter(|&id| !tt_ins.iter().any(|&i| proposals[i].policy == id))
        .collect();
    let tt_agree = !scale_in_enabled_tt.is_empty() && waiting_for.is_empty();
    let mut candidates: Vec<usize> = ins
        .iter()
        .copied()
        .filter(|&i| proposals[i].is_step())
        .collect();
    if tt_agree {
        candidates.extend(tt_ins.iter().copied());
    }
    let Some((w, competed)) = largest(proposals, &candidates) else {
        return Err(if tt_ins.is_empty() {
            NoChange::NoProposal
        } else {
            NoChange::NotAllAgree { waiting_for }
        });
    };
    let p = &proposals[w];
    if let Some(until) = state.in_until.filter(|_| state.in_cooldown(now)) {
        return Err(NoChange::InCooldown {
            until,
            to: p.capacity,
        });
    }
    let (_, in_cd) = cooldowns(p.policy);
    state.in_until = Some(now.saturating_add(in_cd));
    state.out_until = None;
    state.out_base = None;
    Ok(Decision {
        from: desired,
        to: p.capacity,
        direction: Direction::In,
        winner: w,
        proposals: competed,
        policy: p.policy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SECOND;

    /// The scale-out alarm of policy "cpu50" fed `dps`.
    fn high(target: f64, dps: &[f64]) -> Alarm {
        let mut a = Alarm::target_tracking_high("cpu50", target);
        for &d in dps {
            a.push(Some(d));
        }
        a
    }

    /// The scale-in alarm of policy "cpu50" fed 15 datapoints of `dp`.
    fn low(target: f64, dp: f64) -> Alarm {
        let mut a = Alarm::target_tracking_low("cpu50", target);
        for _ in 0..15 {
            a.push(Some(dp));
        }
        a
    }

    fn cap(running: u32, desired: u32, min: u32, max: u32) -> Capacity {
        Capacity {
            running,
            desired,
            min,
            max,
        }
    }

    /// A proposal of `capacity` by policy `policy`, a step policy's when `step`; its alarm is
    /// named `p{policy}`, so a test can tell whose cause a decision carries.
    fn prop(policy: usize, direction: Direction, capacity: u32, step: bool) -> Proposal {
        let alarm = Breach {
            name: format!("p{policy}"),
            comparison: crate::scaling::alarm::Comparison::GreaterThanThreshold,
            threshold: 50.0,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            breaching: 1,
            datapoints: vec![Some(60.0)],
            missing: None,
        };
        let cause = if step {
            ProposalCause::Step {
                alarm,
                step: StepArithmetic {
                    lower: Some(0.0),
                    upper: None,
                    adjustment: crate::scaling::step::Adjusted::ExactCapacity {
                        adjustment: i64::from(capacity),
                    },
                    clamped: None,
                    cooldown: None,
                },
            }
        } else {
            ProposalCause::TargetTracking {
                alarm,
                rule: TargetTrackingRule::RaiseToMin {
                    desired: 0,
                    min: capacity,
                },
            }
        };
        Proposal {
            policy,
            direction,
            capacity,
            cause,
        }
    }

    /// Every policy: 300 s out, 600 s in.
    fn cds(_: usize) -> (Millis, Millis) {
        (300 * SECOND, 600 * SECOND)
    }

    #[test]
    fn proportional_scale_out_from_running() {
        let a = high(50.0, &[71.2, 78.0, 80.4]);
        // running 4, 80.4 vs target 50 → ceil(4 × 80.4 / 50) = ceil(6.432) = 7.
        let p = target_tracking(0, &a, 50.0, cap(4, 4, 1, 10), false).unwrap();
        assert_eq!(
            (p.direction, p.capacity, p.is_step()),
            (Direction::Out, 7, false)
        );
        assert_eq!(
            p.cause.to_string(),
            "alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.4); running 4 → ceil(4 × 80.4 / 50) = 7"
        );
        // Same, with desired 8 (tasks not placed): base is running, 7 ≤ 8 → no proposal.
        assert_eq!(target_tracking(0, &a, 50.0, cap(4, 8, 1, 10), false), None);
    }

    #[test]
    fn exact_ceil_in_hundredths() {
        // 4 × 75 / 50 = 6 exactly → 6, not 7.
        let a = high(50.0, &[75.0, 75.0, 75.0]);
        assert_eq!(
            target_tracking(0, &a, 50.0, cap(4, 4, 1, 10), false)
                .unwrap()
                .capacity,
            6
        );
        // 3 × 7.0 / 0.7 = 30 exactly; in f64 it is 30.000000000000004, whose ceil would be 31.
        let b = high(0.7, &[7.0, 7.0, 7.0]);
        let p = target_tracking(0, &b, 0.7, cap(3, 3, 1, 100), false).unwrap();
        assert_eq!(p.capacity, 30);
        assert!(
            p.cause
                .to_string()
                .ends_with("running 3 → ceil(3 × 7.0 / 0.7) = 30"),
            "{}",
            p.cause
        );
        // The displayed metric is the one used: 80.437 shows as 80.44; 4 × 80.44 / 50 = 6.4352 → 7.
        let c = high(50.0, &[80.0, 80.0, 80.437]);
        let p = target_tracking(0, &c, 50.0, cap(4, 4, 1, 10), false).unwrap();
        assert!(
            p.cause.to_string().ends_with("ceil(4 × 80.44 / 50) = 7"),
            "{}",
            p.cause
        );
    }

    #[test]
    fn clamped_to_max_and_min() {
        // ceil(4 × 90 / 50) = ceil(7.2) = 8 > MaxCapacity 6 → 6.
        let a = high(50.0, &[90.0, 90.0, 90.0]);
        let p = target_tracking(0, &a, 50.0, cap(4, 4, 1, 6), false).unwrap();
        assert_eq!(p.capacity, 6);
        assert!(
            p.cause
                .to_string()
                .ends_with("ceil(4 × 90.0 / 50) = 8 → clamped to MaxCapacity 6"),
            "{}",
            p.cause
        );
        // Scale-in: 15 × 20 < 45; ceil(4 × 20 / 50) = ceil(1.6) = 2 < MinCapacity 3 → 3.
        let l = low(50.0, 20.0);
        let p = target_tracking(1, &l, 50.0, cap(4, 4, 3, 6), false).unwrap();
        assert_eq!((p.direction, p.capacity, p.policy), (Direction::In, 3, 1));
        assert!(
            p.cause
                .to_string()
                .starts_with("alarm cpu50-AlarmLow: 15 of 15 datapoints < 45 (20.0, ")
        );
        assert!(
            p.cause
                .to_string()
                .ends_with("running 4 → ceil(4 × 20.0 / 50) = 2 → clamped to MinCapacity 3"),
            "{}",
            p.cause
        );
        // Without the floor: → 2.
        assert_eq!(
            target_tracking(1, &l, 50.0, cap(4, 4, 1, 6), false)
                .unwrap()
                .capacity,
            2
        );
    }

    #[test]
    fn scale_in_disabled_and_alarm_not_firing() {
        let l = low(50.0, 20.0);
        assert_eq!(target_tracking(1, &l, 50.0, cap(4, 4, 1, 6), true), None);
        // Two datapoints above: the high alarm is OK → nothing.
        let a = high(50.0, &[90.0, 90.0]);
        assert_eq!(target_tracking(0, &a, 50.0, cap(4, 4, 1, 6), false), None);
        // DisableScaleIn does not stop scale-out: ceil(4 × 90 / 50) = 8.
        let a = high(50.0, &[90.0, 90.0, 90.0]);
        assert_eq!(
            target_tracking(0, &a, 50.0, cap(4, 4, 1, 10), true)
                .unwrap()
                .capacity,
            8
        );
        // A target that rounds to 0 hundredths → no proposal rather than a division by zero.
        let z = high(0.001, &[1.0, 1.0, 1.0]);
        assert_eq!(target_tracking(0, &z, 0.001, cap(4, 4, 1, 10), false), None);
    }

    #[test]
    fn scale_from_zero_and_out_of_bounds_desired() {
        // Request count: running 0, min 0 → smallest step first: 1 (not ceil(0 × m / t) = 0).
        let a = high(100.0, &[500.0, 500.0, 500.0]);
        let p = target_tracking(0, &a, 100.0, cap(0, 0, 0, 10), false).unwrap();
        assert_eq!(p.capacity, 1);
        assert!(
            p.cause
                .to_string()
                .ends_with("running 0 → scale from zero: smallest step first → 1"),
            "{}",
            p.cause
        );
        // Nothing running but desired already 1 (task not yet placed) → no proposal.
        assert_eq!(target_tracking(0, &a, 100.0, cap(0, 1, 0, 10), false), None);
        // MaxCapacity 0: the first step is clamped to 0, not above desired 0 → none.
        assert_eq!(target_tracking(0, &a, 100.0, cap(0, 0, 0, 0), false), None);
        // Desired 1 below MinCapacity 3 and the high alarm fires → 3 (not ceil(1 × 500 / 100) = 5).
        let p = target_tracking(0, &a, 100.0, cap(1, 1, 3, 10), false).unwrap();
        assert_eq!(p.capacity, 3);
        assert!(
            p.cause
                .to_string()
                .ends_with("; desired 1 below MinCapacity 3 → 3"),
            "{}",
            p.cause
        );
        // Desired 8 above MaxCapacity 6 and the low alarm fires → 6.
        let l = low(50.0, 40.0);
        let p = target_tracking(0, &l, 50.0, cap(8, 8, 1, 6), false).unwrap();
        assert_eq!((p.direction, p.capacity), (Direction::In, 6));
        assert!(
            p.cause
                .to_string()
                .ends_with("; desired 8 above MaxCapacity 6 → 6"),
            "{}",
            p.cause
        );
    }

    #[test]
    fn out_if_any_largest_wins() {
        let mut st = CooldownState::default();
        let props = [
            prop(0, Direction::Out, 7, false),
            prop(1, Direction::In, 2, false),
            prop(2, Direction::Out, 9, true),
        ];
        // Out beats In; of 7 and 9 the larger, 9 (policy 2).
        let d = decide(0, &mut st, 4, &props, &[0, 1], &cds).unwrap();
        assert_eq!(
            (d.from, d.to, d.direction, d.policy),
            (4, 9, Direction::Out, 2)
        );
        // The third proposal (policy 2's) won, and 2 competed (7 and 9, both above desired 4).
        assert_eq!((d.winner, d.proposals), (2, 2));
        assert_eq!(props[d.winner].cause.alarm().name, "p2");
        // The out-cooldown runs 300 s from now, based on the desired count 4 before it.
        assert_eq!(st.out_until, Some(300 * SECOND));
        assert_eq!(st.out_base(299 * SECOND), Some(4));
        assert_eq!(st.out_base(300 * SECOND), None);
    }

    #[test]
    fn in_only_if_all_target_tracking_agree() {
        let mut st = CooldownState::default();
        let one = [prop(0, Direction::In, 3, false)];
        // Policy 1 is scale-in enabled and silent → wait for it.
        assert_eq!(
            decide_explained(0, &mut st, 5, &one, &[0, 1], &cds),
            Err(NoChange::NotAllAgree {
                waiting_for: vec![1]
            })
        );
        // Policy 1 has DisableScaleIn (not listed) → policy 0 alone decides: 5 → 3.
        let d = decide(0, &mut st, 5, &one, &[0], &cds).unwrap();
        assert_eq!((d.to, d.direction), (3, Direction::In));
        assert_eq!(st.in_until, Some(600 * SECOND));
        // Both agree on 3 and 4 → the larger, 4.
        let mut st = CooldownState::default();
        let two = [
            prop(0, Direction::In, 3, false),
            prop(1, Direction::In, 4, false),
        ];
        assert_eq!(decide(0, &mut st, 5, &two, &[0, 1], &cds).unwrap().to, 4);
        // A step scale-in counts on its own even though target tracking policy 1 is silent.
        let mut st = CooldownState::default();
        let mixed = [
            prop(0, Direction::In, 3, false),
            prop(2, Direction::In, 4, true),
        ];
        let d = decide(0, &mut st, 5, &mixed, &[0, 1], &cds).unwrap();
        assert_eq!((d.to, d.policy), (4, 2));
        // Nothing different from desired → no proposal.
        assert_eq!(
            decide_explained(
                0,
                &mut st,
                5,
                &[prop(0, Direction::Out, 5, false)],
                &[0],
                &cds
            ),
            Err(NoChange::NoProposal)
        );
    }

    #[test]
    fn cooldowns() {
        let mut st = CooldownState::default();
        let scale_in = [prop(0, Direction::In, 3, false)];
        // In at t=0 → in-cooldown until 600 s.
        assert_eq!(decide(0, &mut st, 5, &scale_in, &[0], &cds).unwrap().to, 3);
        // At 599 s a further scale-in (3 → 2) is blocked.
        let more_in = [prop(0, Direction::In, 2, false)];
        let blocked = decide_explained(599 * SECOND, &mut st, 3, &more_in, &[0], &cds);
        assert_eq!(
            blocked,
            Err(NoChange::InCooldown {
                until: 600 * SECOND,
                to: 2
            })
        );
        assert_eq!(
            blocked.unwrap_err().describe(),
            "scale-in to 2 blocked by the scale-in cooldown until 600000 ms"
        );
        // A scale-out at 100 s happens at once and ends the in-cooldown.
        let mut st2 = st;
        let out = [prop(0, Direction::Out, 4, false)];
        assert_eq!(
            decide(100 * SECOND, &mut st2, 3, &out, &[0], &cds)
                .unwrap()
                .to,
            4
        );
        assert_eq!(st2.in_until, None);
        assert_eq!(st2.out_until, Some(400 * SECOND));
        // Inside the out-cooldown, out again only when above desired 4: 4 → none, 6 → yes.
        assert_eq!(decide(200 * SECOND, &mut st2, 4, &out, &[0], &cds), None);
        let bigger = [prop(0, Direction::Out, 6, false)];
        assert_eq!(
            decide(200 * SECOND, &mut st2, 4, &bigger, &[0], &cds)
                .unwrap()
                .to,
            6
        );
        // The chain keeps its base (3, before the first scale-out); the timer restarts: 200 + 300.
        assert_eq!(st2.out_base, Some(3));
        assert_eq!(st2.out_until, Some(500 * SECOND));
        // At 600 s the original in-cooldown is over: 3 → 2 goes ahead.
        assert_eq!(
            decide(600 * SECOND, &mut st, 3, &more_in, &[0], &cds)
                .unwrap()
                .to,
            2
        );
        // A scale-in ends the scale-out cooldown chain.
        let mut st3 = CooldownState {
            out_until: Some(1_000),
            out_base: Some(2),
            in_until: None,
        };
        decide(0, &mut st3, 5, &scale_in, &[0], &cds).unwrap();
        assert_eq!((st3.out_until, st3.out_base), (None, None));
    }
}
