//! CloudWatch-like metric alarms over one datapoint per period, and the number formatting every
//! scaling explanation shares.
//!
//! ecsim's model of an alarm with `TreatMissingData = missing` (the setting of the alarms target
//! tracking creates): over the last `evaluation_periods` (N) periods the alarm is
//!
//! - **ALARM** when at least `datapoints_to_alarm` (M) present datapoints breach the threshold;
//! - otherwise **INSUFFICIENT_DATA** when no datapoint in the window is present (which includes the
//!   start of a run, before any datapoint);
//! - otherwise **OK**.
//!
//! Periods not yet seen (fewer than N pushes so far) count as missing. A missing datapoint never
//! counts as breaching nor as not breaching, so missing data never scales (aws-behaviour.md §1).
//!
//! ```
//! use ecsim::scaling::alarm::{Alarm, AlarmState};
//!
//! let mut high = Alarm::target_tracking_high("cpu50", 50.0);
//! assert_eq!(high.push(Some(71.2)), AlarmState::Ok); // 1 of 3 breach
//! high.push(Some(78.0));
//! assert_eq!(high.push(Some(80.43)), AlarmState::Alarm); // 3 of 3 breach
//! assert_eq!(
//!     high.describe_breach(),
//!     "alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.43)"
//! );
//! ```

use std::collections::VecDeque;

/// Evaluation periods (and datapoints to alarm) of the scale-out alarm target tracking creates:
/// metric > target for 3 of 3 one-minute datapoints (the alarms AWS creates, aws-behaviour.md §1).
pub const TARGET_TRACKING_HIGH_PERIODS: u32 = 3;
/// Evaluation periods (and datapoints to alarm) of the scale-in alarm target tracking creates:
/// metric < 0.9 × target for 15 of 15 one-minute datapoints (the alarms AWS creates,
/// aws-behaviour.md §1).
pub const TARGET_TRACKING_LOW_PERIODS: u32 = 15;
/// The scale-in alarm's threshold as a fraction of the target: 0.9 × target (the alarms AWS
/// creates, aws-behaviour.md §1).
pub const TARGET_TRACKING_LOW_FACTOR: f64 = 0.9;

/// How an alarm compares a datapoint with its threshold (CloudWatch's `ComparisonOperator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `GreaterThanThreshold`: value > threshold.
    GreaterThanThreshold,
    /// `GreaterThanOrEqualToThreshold`: value ≥ threshold.
    GreaterThanOrEqualToThreshold,
    /// `LessThanThreshold`: value < threshold.
    LessThanThreshold,
    /// `LessThanOrEqualToThreshold`: value ≤ threshold.
    LessThanOrEqualToThreshold,
}

impl Comparison {
    /// Whether `value` breaches `threshold` under this comparison. NaN never breaches. Both are
    /// compared to 9 decimals, so binary noise (0.9 × 13 = 11.700000000000001, a time average
    /// of 11.7 coming out as 11.699999999999999) never decides a comparison a reader sees as
    /// equal.
    ///
    /// ```
    /// use ecsim::scaling::alarm::Comparison;
    /// assert!(!Comparison::LessThanThreshold.breaches(11.7, 0.9 * 13.0));
    /// assert!(Comparison::LessThanThreshold.breaches(11.69, 0.9 * 13.0));
    /// ```
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        let r = |x: f64| (x * 1e9).round() / 1e9;
        let (value, threshold) = (r(value), r(threshold));
        match self {
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// The comparison as a symbol for explanations: ">", "≥", "<" or "≤".
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => ">",
            Comparison::GreaterThanOrEqualToThreshold => "≥",
            Comparison::LessThanThreshold => "<",
            Comparison::LessThanOrEqualToThreshold => "≤",
        }
    }

    /// The AWS name, e.g. "GreaterThanThreshold".
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::GreaterThanThreshold => "GreaterThanThreshold",
            Comparison::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Comparison::LessThanThreshold => "LessThanThreshold",
            Comparison::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    /// Parses the AWS name (exact spelling, as the API requires); None for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Comparison::GreaterThanThreshold,
            Comparison::GreaterThanOrEqualToThreshold,
            Comparison::LessThanThreshold,
            Comparison::LessThanOrEqualToThreshold,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// True for the two "greater" comparisons: an alarm that fires on high values.
    pub fn is_greater(self) -> bool {
        matches!(
            self,
            Comparison::GreaterThanThreshold | Comparison::GreaterThanOrEqualToThreshold
        )
    }
}

/// The state of an alarm, as CloudWatch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlarmState {
    /// No datapoint present in the evaluation window.
    InsufficientData,
    /// Datapoints present, but fewer than `datapoints_to_alarm` breach.
    Ok,
    /// At least `datapoints_to_alarm` datapoints in the window breach.
    Alarm,
}

impl AlarmState {
    /// "INSUFFICIENT_DATA", "OK" or "ALARM".
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        }
    }
}

/// A metric alarm evaluated once per period over its last `evaluation_periods` datapoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    name: String,
    threshold: f64,
    comparison: Comparison,
    evaluation_periods: u32,
    datapoints_to_alarm: u32,
    /// The last `evaluation_periods` datapoints, oldest first; None = missing.
    window: VecDeque<Option<f64>>,
    /// Datapoints of the window present, and breaching (kept as the window moves: O(1)).
    present: u32,
    breaching: u32,
    state: AlarmState,
}

impl Alarm {
    /// A new alarm in INSUFFICIENT_DATA. `evaluation_periods` is raised to at least 1 and
    /// `datapoints_to_alarm` is kept within 1..=`evaluation_periods` (AWS rejects other values;
    /// the scenario validator reports them, this only keeps the arithmetic total).
    pub fn new(
        name: impl Into<String>,
        threshold: f64,
        comparison: Comparison,
        evaluation_periods: u32,
        datapoints_to_alarm: u32,
    ) -> Self {
        let n = evaluation_periods.max(1);
        let m = datapoints_to_alarm.clamp(1, n);
        Alarm {
            name: name.into(),
            threshold,
            comparison,
            evaluation_periods: n,
            datapoints_to_alarm: m,
            window: VecDeque::with_capacity(n as usize),
            present: 0,
            breaching: 0,
            state: AlarmState::InsufficientData,
        }
    }

    /// The scale-out alarm a target tracking policy named `policy_name` creates:
    /// `{policy}-AlarmHigh`, metric > target for 3 of 3 datapoints.
    pub fn target_tracking_high(policy_name: &str, target: f64) -> Self {
        Alarm::new(
            format!("{policy_name}-AlarmHigh"),
            target,
            Comparison::GreaterThanThreshold,
            TARGET_TRACKING_HIGH_PERIODS,
            TARGET_TRACKING_HIGH_PERIODS,
        )
    }

    /// The scale-in alarm a target tracking policy named `policy_name` creates:
    /// `{policy}-AlarmLow`, metric < 0.9 × target for 15 of 15 datapoints.
    pub fn target_tracking_low(policy_name: &str, target: f64) -> Self {
        Alarm::new(
            format!("{policy_name}-AlarmLow"),
            // 0.9 × 13 is 11.700000000000001 in binary: the threshold is kept to 9 decimals so
            // a datapoint of exactly 11.7 does not count as below it.
            (target * TARGET_TRACKING_LOW_FACTOR * 1e9).round() / 1e9,
            Comparison::LessThanThreshold,
            TARGET_TRACKING_LOW_PERIODS,
            TARGET_TRACKING_LOW_PERIODS,
        )
    }

    /// Records the datapoint of the next period (None = missing; NaN is treated as missing) and
    /// returns the new state.
    pub fn push(&mut self, dp: Option<f64>) -> AlarmState {
        let dp = dp.filter(|v| !v.is_nan());
        self.count(dp, true);
        self.window.push_back(dp);
        while self.window.len() > self.evaluation_periods as usize {
            let old = self.window.pop_front().flatten();
            self.count(old, false);
        }
        debug_assert_eq!(
            self.breaching,
            self.window
                .iter()
                .flatten()
                .filter(|&&v| self.comparison.breaches(v, self.threshold))
                .count() as u32
        );
        self.state = if self.breaching() >= self.datapoints_to_alarm {
            AlarmState::Alarm
        } else if self.present == 0 {
            AlarmState::InsufficientData
        } else {
            AlarmState::Ok
        };
        self.state
    }

    /// The state after the last [`push`](Self::push) (INSUFFICIENT_DATA before any).
    pub fn state(&self) -> AlarmState {
        self.state
    }

    /// The alarm's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The threshold datapoints are compared with.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// How datapoints are compared with the threshold.
    pub fn comparison(&self) -> Comparison {
        self.comparison
    }

    /// N: how many periods the alarm looks back over.
    pub fn evaluation_periods(&self) -> u32 {
        self.evaluation_periods
    }

    /// M: how many of the N datapoints must breach for ALARM.
    pub fn datapoints_to_alarm(&self) -> u32 {
        self.datapoints_to_alarm
    }

    /// The latest present datapoint in the window, if any.
    pub fn latest(&self) -> Option<f64> {
        self.window.iter().rev().find_map(|dp| *dp)
    }

    /// How many datapoints in the window breach the threshold.
    pub fn breaching(&self) -> u32 {
        self.breaching
    }

    /// Counts a datapoint entering (`add`) or leaving the window.
    fn count(&mut self, dp: Option<f64>, add: bool) {
        let Some(v) = dp else {
            return;
        };
        let b = u32::from(self.comparison.breaches(v, self.threshold));
        if add {
            self.present += 1;
            self.breaching += b;
        } else {
            self.present -= 1;
            self.breaching -= b;
        }
    }

    /// The window as an explanation, e.g.
    /// `alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.43)`: how many datapoints
    /// breach "of" N, the comparison and threshold, then the N periods' values oldest first,
    /// "missing" for a missing or not-yet-seen period.
    pub fn describe_breach(&self) -> String {
        let unseen = (self.evaluation_periods as usize).saturating_sub(self.window.len());
        let values: Vec<String> = std::iter::repeat_n(None, unseen)
            .chain(self.window.iter().copied())
            .map(|dp| dp.map_or_else(|| "missing".to_string(), fmt_dp))
            .collect();
        format!(
            "alarm {}: {} of {} datapoints {} {} ({})",
            self.name,
            self.breaching(),
            self.evaluation_periods,
            self.comparison.symbol(),
            fmt_target(self.threshold),
            values.join(", ")
        )
    }
}

/// Beyond this magnitude values are not rounded to hundredths (they would not fit an i64).
const HUNDREDTHS_LIMIT: f64 = 1e15;

/// `v` in hundredths, rounded half away from zero: the exact value explanations display and
/// their arithmetic uses. None when `v` is not finite or its magnitude is 10¹⁵ or more.
pub fn hundredths(v: f64) -> Option<i64> {
    if !v.is_finite() || v.abs() >= HUNDREDTHS_LIMIT {
        return None;
    }
    // |v × 100| < 10¹⁷ < 2⁶³: the cast cannot saturate.
    Some((v * 100.0).round() as i64)
}

/// Formats a number of hundredths with `min_decimals` (0 or 1) to 2 decimals, trailing zeros
/// trimmed: (1225, 0) → "12.25", (5000, 0) → "50", (7800, 1) → "78.0".
pub(crate) fn fmt_hundredths(h: i128, min_decimals: usize) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    let frac = format!("{:02}", a % 100);
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < min_decimals {
        frac.push('0');
    }
    if frac.is_empty() {
        format!("{sign}{}", a / 100)
    } else {
        format!("{sign}{}.{frac}", a / 100)
    }
}

/// Formats a value that is not finite or too large to round (`hundredths` gave None).
fn fmt_unrounded(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v == f64::INFINITY {
        "+∞".to_string()
    } else if v == f64::NEG_INFINITY {
        "-∞".to_string()
    } else {
        format!("{v}")
    }
}

/// A threshold, target or bound as explanations show it: rounded to 2 decimals, shortest form
/// ("50", "0.5", "12.25").
///
/// ```
/// use ecsim::scaling::alarm::fmt_target;
/// assert_eq!(fmt_target(50.0), "50");
/// assert_eq!(fmt_target(0.5), "0.5");
/// assert_eq!(fmt_target(12.254), "12.25");
/// ```
pub fn fmt_target(v: f64) -> String {
    hundredths(v).map_or_else(|| fmt_unrounded(v), |h| fmt_hundredths(i128::from(h), 0))
}

/// A datapoint as explanations show it: rounded to 2 decimals, trailing zeros trimmed down to
/// one decimal ("78.0", "80.43", "71.2").
///
/// ```
/// use ecsim::scaling::alarm::fmt_dp;
/// assert_eq!(fmt_dp(78.0), "78.0");
/// assert_eq!(fmt_dp(80.432), "80.43");
/// assert_eq!(fmt_dp(71.2), "71.2");
/// ```
pub fn fmt_dp(v: f64) -> String {
    hundredths(v).map_or_else(|| fmt_unrounded(v), |h| fmt_hundredths(i128::from(h), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_at_and_around_the_threshold() {
        use Comparison::*;
        // At the threshold only the "or equal" comparisons breach.
        assert!(!GreaterThanThreshold.breaches(50.0, 50.0));
        assert!(GreaterThanOrEqualToThreshold.breaches(50.0, 50.0));
        assert!(!LessThanThreshold.breaches(50.0, 50.0));
        assert!(LessThanOrEqualToThreshold.breaches(50.0, 50.0));
        assert!(GreaterThanThreshold.breaches(50.01, 50.0));
        assert!(LessThanThreshold.breaches(49.99, 50.0));
        assert!(!GreaterThanOrEqualToThreshold.breaches(f64::NAN, 50.0));
        assert_eq!(
            [
                GreaterThanThreshold,
                GreaterThanOrEqualToThreshold,
                LessThanThreshold,
                LessThanOrEqualToThreshold
            ]
            .map(Comparison::symbol),
            [">", "≥", "<", "≤"]
        );
        assert_eq!(
            Comparison::parse("LessThanOrEqualToThreshold"),
            Some(LessThanOrEqualToThreshold)
        );
        assert_eq!(
            Comparison::parse("GreaterThanThreshold"),
            Some(GreaterThanThreshold)
        );
        assert_eq!(Comparison::parse("greaterthanthreshold"), None);
        assert_eq!(Comparison::parse("LessThanLowerThreshold"), None);
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_target(50.0), "50");
        assert_eq!(fmt_target(45.0), "45");
        assert_eq!(fmt_target(0.5), "0.5");
        assert_eq!(fmt_target(12.25), "12.25");
        // 12.255 × 100 = 1225.5 in f64, rounded half away from zero → 1226 → "12.26".
        assert_eq!(fmt_target(12.255), "12.26");
        assert_eq!(fmt_target(-15.0), "-15");
        assert_eq!(fmt_target(-0.001), "0"); // rounds to 0 hundredths: no "-0"
        assert_eq!(fmt_dp(78.0), "78.0");
        assert_eq!(fmt_dp(80.432), "80.43");
        assert_eq!(fmt_dp(80.436), "80.44");
        assert_eq!(fmt_dp(71.2), "71.2");
        assert_eq!(fmt_dp(0.0), "0.0");
        assert_eq!(fmt_dp(-3.5), "-3.5");
        assert_eq!(fmt_dp(f64::INFINITY), "+∞");
        assert_eq!(fmt_dp(f64::NAN), "NaN");
        assert_eq!(hundredths(80.4), Some(8040));
        assert_eq!(hundredths(1e15), None);
    }

    #[test]
    fn high_alarm_needs_three_of_three() {
        let mut a = Alarm::target_tracking_high("cpu50", 50.0);
        assert_eq!(a.name(), "cpu50-AlarmHigh");
        assert_eq!(a.state(), AlarmState::InsufficientData);
        // Window [missing, missing, 71.2]: 1 breach of the 3 needed, a datapoint present → OK.
        assert_eq!(a.push(Some(71.2)), AlarmState::Ok);
        assert_eq!(
            a.describe_breach(),
            "alarm cpu50-AlarmHigh: 1 of 3 datapoints > 50 (missing, missing, 71.2)"
        );
        assert_eq!(a.push(Some(78.0)), AlarmState::Ok); // 2 of 3
        assert_eq!(a.push(Some(80.43)), AlarmState::Alarm); // 3 of 3
        assert_eq!(
            a.describe_breach(),
            "alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.43)"
        );
        assert_eq!(a.latest(), Some(80.43));
        // 50.0 is not > 50: window [78.0, 80.43, 50.0] has 2 breaches → OK.
        assert_eq!(a.push(Some(50.0)), AlarmState::Ok);
        assert_eq!(a.state().as_str(), "OK");
    }

    #[test]
    fn missing_data_is_never_low_nor_high() {
        let mut a = Alarm::target_tracking_high("cpu50", 50.0);
        for v in [90.0, 90.0] {
            a.push(Some(v));
        }
        // [90, 90, missing]: 2 breaches of 3 → not ALARM, but data present → OK.
        assert_eq!(a.push(None), AlarmState::Ok);
        assert_eq!(a.latest(), Some(90.0));
        // [90, missing, missing] → still OK; [missing ×3] → INSUFFICIENT_DATA.
        assert_eq!(a.push(None), AlarmState::Ok);
        assert_eq!(a.push(None), AlarmState::InsufficientData);
        assert_eq!(a.state().as_str(), "INSUFFICIENT_DATA");
        assert_eq!(a.latest(), None);
        assert_eq!(
            a.describe_breach(),
            "alarm cpu50-AlarmHigh: 0 of 3 datapoints > 50 (missing, missing, missing)"
        );
        // NaN counts as missing.
        assert_eq!(a.push(Some(f64::NAN)), AlarmState::InsufficientData);
    }

    #[test]
    fn low_alarm_needs_fifteen_below_ninety_percent() {
        let mut a = Alarm::target_tracking_low("cpu50", 50.0);
        assert_eq!(a.name(), "cpu50-AlarmLow");
        // 0.9 × 50 = 45.
        assert_eq!(a.threshold(), 45.0);
        assert_eq!(a.comparison(), Comparison::LessThanThreshold);
        for i in 1..=14 {
            // i datapoints of 40 < 45: ALARM needs 15 of 15.
            assert_eq!(a.push(Some(40.0)), AlarmState::Ok, "after {i}");
        }
        assert_eq!(a.push(Some(40.0)), AlarmState::Alarm);
        assert_eq!(a.state().as_str(), "ALARM");
        // 45.0 is not < 45 → 14 of 15 → OK.
        assert_eq!(a.push(Some(45.0)), AlarmState::Ok);
        assert!(
            a.describe_breach()
                .starts_with("alarm cpu50-AlarmLow: 14 of 15 datapoints < 45 (40.0, ")
        );
    }

    #[test]
    fn m_of_n_and_bad_parameters() {
        // 2 of 3, ≥ 10: [10, 5, 12] has 10 and 12 → ALARM.
        let mut a = Alarm::new("q", 10.0, Comparison::GreaterThanOrEqualToThreshold, 3, 2);
        a.push(Some(10.0));
        a.push(Some(5.0));
        assert_eq!(a.push(Some(12.0)), AlarmState::Alarm);
        assert_eq!(
            a.describe_breach(),
            "alarm q: 2 of 3 datapoints ≥ 10 (10.0, 5.0, 12.0)"
        );
        // 0 periods → 1; 5 datapoints to alarm of 2 periods → 2.
        let b = Alarm::new("b", 1.0, Comparison::LessThanThreshold, 0, 5);
        assert_eq!((b.evaluation_periods(), b.datapoints_to_alarm()), (1, 1));
        let c = Alarm::new("c", 1.0, Comparison::LessThanThreshold, 2, 5);
        assert_eq!((c.evaluation_periods(), c.datapoints_to_alarm()), (2, 2));
        let d = Alarm::new("d", 1.0, Comparison::LessThanThreshold, 2, 0);
        assert_eq!(d.datapoints_to_alarm(), 1);
    }
}
