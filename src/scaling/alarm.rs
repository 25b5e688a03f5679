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

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fmt;

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

/// How an alarm compares a datapoint with its threshold (CloudWatch's `ComparisonOperator`;
/// serialized as its AWS name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// The window as data: the alarm, its comparison and threshold, and the N periods'
    /// datapoints oldest first (None for a missing or not-yet-seen period).
    pub fn breach(&self) -> Breach {
        let unseen = (self.evaluation_periods as usize).saturating_sub(self.window.len());
        Breach {
            name: self.name.clone(),
            comparison: self.comparison,
            threshold: self.threshold,
            evaluation_periods: self.evaluation_periods,
            datapoints_to_alarm: self.datapoints_to_alarm,
            breaching: self.breaching(),
            datapoints: std::iter::repeat_n(None, unseen)
                .chain(self.window.iter().copied())
                .collect(),
        }
    }

    /// The window as an explanation ([`Breach`]'s sentence), e.g.
    /// `alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.43)`.
    pub fn describe_breach(&self) -> String {
        self.breach().to_string()
    }
}

/// An alarm's window when it acted, as data (report.json's `detail.alarm`). Its `Display` is
/// the explanation: `alarm cpu50-AlarmHigh: 3 of 3 datapoints > 50 (71.2, 78.0, 80.43)` — how
/// many datapoints breach "of" N, the comparison and threshold (2 decimals), then the N
/// periods' values oldest first (2 decimals, at least one), "missing" for a missing period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    /// The alarm's name (`cpu50-AlarmHigh` for the alarms target tracking creates).
    pub name: String,
    /// How datapoints are compared with the threshold.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: f64,
    /// N: the periods the alarm looks back over.
    pub evaluation_periods: u32,
    /// M: the breaching datapoints ALARM needs.
    pub datapoints_to_alarm: u32,
    /// How many of the window's datapoints breach.
    pub breaching: u32,
    /// The window, oldest first: N values, None where a period had no datapoint.
    pub datapoints: Vec<Option<f64>>,
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Piece by piece (the window has up to N numbers): cheaper than one `write!`.
        let mut ib = itoa::Buffer::new();
        f.write_str("alarm ")?;
        f.write_str(&self.name)?;
        f.write_str(": ")?;
        f.write_str(ib.format(self.breaching))?;
        f.write_str(" of ")?;
        f.write_str(ib.format(self.evaluation_periods))?;
        f.write_str(" datapoints ")?;
        f.write_str(self.comparison.symbol())?;
        f.write_str(" ")?;
        Shown::target(self.threshold).fmt(f)?;
        f.write_str(" (")?;
        for (i, dp) in self.datapoints.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match dp {
                Some(v) => Shown::datapoint(*v).fmt(f)?,
                None => f.write_str("missing")?,
            }
        }
        f.write_str(")")
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

/// A number of hundredths as text, to 2 decimals with trailing zeros trimmed down to
/// `min_decimals` (0, 1 or 2): (1225, 0) → "12.25", (5000, 0) → "50", (7800, 1) → "78.0".
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hundredths {
    /// The value × 100.
    pub h: i128,
    /// Decimals always shown (trailing zeros are trimmed down to these).
    pub min_decimals: usize,
}

impl fmt::Display for Hundredths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written in pieces without `write!`: explanations show many numbers, and each `write!`
        // through the formatting machinery costs several times this.
        let Ok(h) = i64::try_from(self.h) else {
            // Beyond i64 (not a number a scenario can make): the slow way.
            let a = self.h.unsigned_abs();
            let sign = if self.h < 0 { "-" } else { "" };
            let frac = Hundredths {
                h: (a % 100) as i128,
                min_decimals: self.min_decimals,
            }
            .to_string();
            return write!(f, "{sign}{}{}", a / 100, &frac[1..]);
        };
        let a = h.unsigned_abs();
        let frac = (a % 100) as usize;
        let len = if !frac.is_multiple_of(10) {
            2
        } else if frac != 0 {
            1
        } else {
            0
        };
        let shown = len.max(self.min_decimals.min(2));
        if h < 0 {
            f.write_str("-")?;
        }
        f.write_str(itoa::Buffer::new().format(a / 100))?;
        if shown > 0 {
            // ".05" is FRACTIONS[15..18]; ".5" the first two bytes of ".50".
            f.write_str(&FRACTIONS[3 * frac..3 * frac + 1 + shown])?;
        }
        Ok(())
    }
}

/// ".00" to ".99", each 3 bytes: the fractions [`Hundredths`] writes, sliced.
const FRACTIONS: &str = concat!(
    ".00.01.02.03.04.05.06.07.08.09.10.11.12.13.14.15.16.17.18.19",
    ".20.21.22.23.24.25.26.27.28.29.30.31.32.33.34.35.36.37.38.39",
    ".40.41.42.43.44.45.46.47.48.49.50.51.52.53.54.55.56.57.58.59",
    ".60.61.62.63.64.65.66.67.68.69.70.71.72.73.74.75.76.77.78.79",
    ".80.81.82.83.84.85.86.87.88.89.90.91.92.93.94.95.96.97.98.99",
);

/// A value as explanations show it ([`fmt_target`], [`fmt_dp`]), written without allocating.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shown {
    v: f64,
    min_decimals: usize,
}

impl Shown {
    /// A threshold, target or bound: [`fmt_target`].
    pub(crate) fn target(v: f64) -> Shown {
        Shown { v, min_decimals: 0 }
    }

    /// A datapoint: [`fmt_dp`].
    pub(crate) fn datapoint(v: f64) -> Shown {
        Shown { v, min_decimals: 1 }
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.v;
        match hundredths(v) {
            Some(h) => Hundredths {
                h: i128::from(h),
                min_decimals: self.min_decimals,
            }
            .fmt(f),
            // Not finite or too large to round.
            None if v.is_nan() => f.write_str("NaN"),
            None if v == f64::INFINITY => f.write_str("+∞"),
            None if v == f64::NEG_INFINITY => f.write_str("-∞"),
            None => write!(f, "{v}"),
        }
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
    Shown::target(v).to_string()
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
    Shown::datapoint(v).to_string()
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
