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
//! The alarms target tracking and managed scaling create keep this rule.
//!
//! A step policy's own alarm ([`Alarm::with_missing_data`]) is evaluated as CloudWatch documents
//! for its `TreatMissingData` ("Configuring how CloudWatch alarms treat missing data"): over an
//! *evaluation range* of N + [`EVALUATION_RANGE_EXTRA`] periods, the N most recent real
//! datapoints when the range holds at least N, else the real ones with the missing ones filled in
//! by the treatment; see [`MissingRule`] for each case.
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

/// How many periods beyond N (`EvaluationPeriods`) a step alarm's evaluation range reaches back
/// when some datapoints are missing: CloudWatch "attempts to retrieve a higher number of data
/// points than specified by Evaluation Periods"; its only worked example has N = 3 and an
/// evaluation range of 5. AWS publishes no formula, so ecsim's choice is N + 2 for every N.
pub const EVALUATION_RANGE_EXTRA: u32 = 2;

/// How a step policy's alarm treats missing datapoints: CloudWatch's `TreatMissingData`
/// (serialized as its AWS value: `missing`, `notBreaching`, `breaching`, `ignore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    /// `missing` (the default): missing datapoints are not evaluated; all missing →
    /// INSUFFICIENT_DATA.
    #[default]
    Missing,
    /// `notBreaching`: missing datapoints count as within the threshold.
    NotBreaching,
    /// `breaching`: missing datapoints count as breaching the threshold.
    Breaching,
    /// `ignore`: where missing data would decide, the alarm keeps its state.
    Ignore,
}

impl TreatMissingData {
    /// The AWS value, e.g. "notBreaching".
    pub fn as_str(self) -> &'static str {
        match self {
            TreatMissingData::Missing => "missing",
            TreatMissingData::NotBreaching => "notBreaching",
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::Ignore => "ignore",
        }
    }

    /// Parses the AWS value (exact spelling); None for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        [
            TreatMissingData::Missing,
            TreatMissingData::NotBreaching,
            TreatMissingData::Breaching,
            TreatMissingData::Ignore,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

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
        let r = |x: f64| crate::util::round::round(x * 1e9) / 1e9;
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
    /// The last `evaluation_periods` datapoints (the evaluation range, N +
    /// [`EVALUATION_RANGE_EXTRA`], for an alarm with a `TreatMissingData`), oldest first;
    /// None = missing.
    window: VecDeque<Option<f64>>,
    /// Datapoints of the last N periods present, and breaching (kept as the window moves: O(1)).
    present: u32,
    breaching: u32,
    state: AlarmState,
    /// None: the rule of the alarms ecsim creates (see the module). Some: a step alarm's
    /// `TreatMissingData`, evaluated over the evaluation range.
    treat: Option<TreatMissingData>,
    /// How the last push was evaluated when one of the last N periods was missing.
    missing: Option<MissingData>,
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
            treat: None,
            missing: None,
        }
    }

    /// The alarm evaluated as CloudWatch evaluates an alarm with this `TreatMissingData`, over
    /// an evaluation range of N + [`EVALUATION_RANGE_EXTRA`] periods (a step policy's alarm).
    pub fn with_missing_data(mut self, treat: TreatMissingData) -> Self {
        self.treat = Some(treat);
        self
    }

    /// The alarm's `TreatMissingData`; None for the alarms ecsim creates.
    pub fn treat_missing_data(&self) -> Option<TreatMissingData> {
        self.treat
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
        let n = self.evaluation_periods as usize;
        self.count(dp, true);
        self.window.push_back(dp);
        if self.treat.is_none() {
            // The window is the last N periods.
            while self.window.len() > n {
                let old = self.window.pop_front().flatten();
                self.count(old, false);
            }
        } else {
            if self.window.len() > n {
                // The period N + 1 back leaves the last N.
                let old = self.window[self.window.len() - 1 - n];
                self.count(old, false);
            }
            while self.window.len() > self.range() {
                self.window.pop_front();
            }
        }
        debug_assert_eq!(
            self.breaching,
            self.window
                .iter()
                .rev()
                .take(n)
                .flatten()
                .filter(|&&v| self.comparison.breaches(v, self.threshold))
                .count() as u32
        );
        if self.missing.is_some() {
            self.missing = None;
        }
        self.state = match self.treat {
            Some(treat) if self.present < self.evaluation_periods => {
                let m = self.evaluate_missing(treat);
                let state = m.state;
                self.missing = Some(m);
                state
            }
            _ if self.breaching >= self.datapoints_to_alarm => AlarmState::Alarm,
            _ if self.present == 0 => AlarmState::InsufficientData,
            _ => AlarmState::Ok,
        };
        self.state
    }

    /// Periods kept: N, or the evaluation range for an alarm with a `TreatMissingData`.
    fn range(&self) -> usize {
        let n = self.evaluation_periods as usize;
        if self.treat.is_some() {
            n + EVALUATION_RANGE_EXTRA as usize
        } else {
            n
        }
    }

    /// CloudWatch's evaluation when some of the last N periods are missing: O(range), only
    /// then. Periods not yet seen are missing.
    fn evaluate_missing(&self, treat: TreatMissingData) -> MissingData {
        let (n, m) = (self.evaluation_periods, self.datapoints_to_alarm);
        let unseen = self.range().saturating_sub(self.window.len());
        let range: Vec<Option<f64>> = std::iter::repeat_n(None, unseen)
            .chain(self.window.iter().copied())
            .collect();
        let breaches = |v: f64| self.comparison.breaches(v, self.threshold);
        // Real datapoints newest first, with their age (1 = the newest period).
        let real: Vec<(u32, bool)> = range
            .iter()
            .rev()
            .enumerate()
            .filter_map(|(i, dp)| dp.map(|v| (i as u32 + 1, breaches(v))))
            .collect();
        let present = real.len() as u32;
        let real_breaching = real.iter().filter(|r| r.1).count() as u32;
        // The state before this push, which `ignore` keeps.
        let kept = self.state;
        let (rule, breaching, state) = if present >= n {
            let b = real.iter().take(n as usize).filter(|r| r.1).count() as u32;
            (MissingRule::MostRecentReal, b, self.verdict(b))
        } else {
            let b = real_breaching;
            let filled = n - present;
            match treat {
                TreatMissingData::Breaching => (
                    MissingRule::Filled { filled },
                    b + filled,
                    self.verdict(b + filled),
                ),
                TreatMissingData::NotBreaching => {
                    (MissingRule::Filled { filled }, b, self.verdict(b))
                }
                TreatMissingData::Missing | TreatMissingData::Ignore => {
                    let missing = treat == TreatMissingData::Missing;
                    match real.last() {
                        _ if b >= m => (MissingRule::RealBreach, b, AlarmState::Alarm),
                        _ if present > b => (MissingRule::RealNotBreaching, b, AlarmState::Ok),
                        // Every real datapoint breaches, fewer than M of them.
                        Some(&(age, _)) if missing && age >= m => {
                            (MissingRule::Premature { age }, b, AlarmState::Alarm)
                        }
                        Some(&(age, _)) if missing => (
                            MissingRule::TooRecent { age },
                            b,
                            AlarmState::InsufficientData,
                        ),
                        None if missing => {
                            (MissingRule::AllMissing, 0, AlarmState::InsufficientData)
                        }
                        _ => (MissingRule::Kept, b, kept),
                    }
                }
            }
        };
        MissingData {
            treat,
            range,
            present,
            breaching,
            rule,
            state,
        }
    }

    /// ALARM when `breaching` reaches M, else OK.
    fn verdict(&self, breaching: u32) -> AlarmState {
        if breaching >= self.datapoints_to_alarm {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
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

    /// How many datapoints of the last N periods breach the threshold (for a step alarm whose
    /// last evaluation met missing data: the breaching count that evaluation decided on).
    pub fn breaching(&self) -> u32 {
        match &self.missing {
            Some(m) => m.breaching,
            None => self.breaching,
        }
    }

    /// How the last evaluation treated missing data (None when none of the last N periods was
    /// missing, or for an alarm without a `TreatMissingData`).
    pub fn missing_data(&self) -> Option<&MissingData> {
        self.missing.as_ref()
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
        let n = self.evaluation_periods as usize;
        let unseen = n.saturating_sub(self.window.len());
        let skip = self.window.len().saturating_sub(n);
        Breach {
            name: self.name.clone(),
            comparison: self.comparison,
            threshold: self.threshold,
            evaluation_periods: self.evaluation_periods,
            datapoints_to_alarm: self.datapoints_to_alarm,
            breaching: self.breaching(),
            datapoints: std::iter::repeat_n(None, unseen)
                .chain(self.window.iter().skip(skip).copied())
                .collect(),
            missing: self.missing.clone(),
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
    /// How a step alarm's `TreatMissingData` evaluated the window, when one of its N periods
    /// was missing (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingData>,
}

/// A step alarm's evaluation when some of its last N periods were missing, as data
/// (report.json's `detail.alarm.missing`). `Display`: `TreatMissingData breaching, evaluation
/// range (missing, 60.0, missing, missing, 70.0): 2 real datapoints < 3 EvaluationPeriods, 1
/// missing filled as breaching: 2 + 1 = 3 breaching`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingData {
    /// The alarm's `TreatMissingData`.
    pub treat: TreatMissingData,
    /// The evaluation range, N + [`EVALUATION_RANGE_EXTRA`] periods oldest first; None =
    /// missing (or not yet seen).
    pub range: Vec<Option<f64>>,
    /// Real datapoints in the range.
    pub present: u32,
    /// Breaching datapoints among those evaluated: the N most recent real ones, or the real
    /// ones plus the missing ones filled in as breaching.
    pub breaching: u32,
    /// Which of CloudWatch's cases decided.
    pub rule: MissingRule,
    /// The state it gave.
    #[serde(with = "state_name")]
    pub state: AlarmState,
}

/// The case of CloudWatch's evaluation that decided a step alarm's state when data was missing
/// (N = EvaluationPeriods, M = DatapointsToAlarm; "Configuring how CloudWatch alarms treat
/// missing data").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum MissingRule {
    /// The range holds at least N real datapoints: the N most recent real ones are evaluated
    /// and the treatment "is not needed and is ignored".
    MostRecentReal,
    /// Fewer than N real datapoints, `breaching` or `notBreaching`: the N − real missing ones
    /// are filled in with the treatment (CloudWatch "uses missing data points only as few times
    /// as possible").
    Filled {
        /// Missing datapoints filled in: N − real.
        filled: u32,
    },
    /// `missing` or `ignore`: at least M real datapoints breach → ALARM.
    RealBreach,
    /// `missing` or `ignore`: a real datapoint does not breach and fewer than M do → OK.
    RealNotBreaching,
    /// `missing`: every real datapoint breaches and the oldest is at least M periods old →
    /// ALARM (CloudWatch's "premature alarm state" rule).
    Premature {
        /// The oldest breaching datapoint's age in periods (1 = the newest period).
        age: u32,
    },
    /// `missing`: every real datapoint breaches but the oldest is less than M periods old →
    /// INSUFFICIENT_DATA (the next datapoint may not breach).
    TooRecent {
        /// The oldest breaching datapoint's age in periods.
        age: u32,
    },
    /// `missing`: every datapoint of the range is missing → INSUFFICIENT_DATA.
    AllMissing,
    /// `ignore`: missing data would decide, so the alarm keeps its state.
    Kept,
}

/// Serializes an [`AlarmState`] as its CloudWatch name.
mod state_name {
    use super::AlarmState;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(s: &AlarmState, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<AlarmState, D::Error> {
        let s = String::deserialize(de)?;
        [
            AlarmState::InsufficientData,
            AlarmState::Ok,
            AlarmState::Alarm,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown alarm state `{s}`")))
    }
}

impl fmt::Display for MissingData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TreatMissingData {}, evaluation range (",
            self.treat.as_str()
        )?;
        for (i, dp) in self.range.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match dp {
                Some(v) => Shown::datapoint(*v).fmt(f)?,
                None => f.write_str("missing")?,
            }
        }
        f.write_str("): ")?;
        let (real, b) = (self.present, self.breaching);
        let s = |n: u32| if n == 1 { "" } else { "s" };
        let state = self.state.as_str();
        match self.rule {
            MissingRule::MostRecentReal => write!(
                f,
                "{real} real datapoint{} ≥ EvaluationPeriods: the most recent are evaluated, {} not needed; {b} breaching → {state}",
                s(real),
                self.treat.as_str()
            ),
            MissingRule::Filled { filled } if self.treat == TreatMissingData::Breaching => write!(
                f,
                "{real} real datapoint{} < EvaluationPeriods: {filled} missing filled as breaching; {} + {filled} = {b} breaching → {state}",
                s(real),
                b - filled
            ),
            MissingRule::Filled { filled } => write!(
                f,
                "{real} real datapoint{} < EvaluationPeriods: {filled} missing filled as not breaching; {b} breaching → {state}",
                s(real)
            ),
            MissingRule::RealBreach => write!(
                f,
                "{b} of {real} real datapoints breach ≥ DatapointsToAlarm → {state}"
            ),
            MissingRule::RealNotBreaching => write!(
                f,
                "{b} of {real} real datapoint{} breach, fewer than DatapointsToAlarm, and one does not → {state}",
                s(real)
            ),
            MissingRule::Premature { age } => write!(
                f,
                "every real datapoint breaches and the oldest is {age} period{} old ≥ DatapointsToAlarm → {state}",
                s(age)
            ),
            MissingRule::TooRecent { age } => write!(
                f,
                "every real datapoint breaches but the oldest is {age} period{} old < DatapointsToAlarm → {state}",
                s(age)
            ),
            MissingRule::AllMissing => write!(f, "every datapoint missing → {state}"),
            MissingRule::Kept => write!(
                f,
                "missing data would decide, so the state is kept → {state}"
            ),
        }
    }
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
        f.write_str(")")?;
        if let Some(m) = &self.missing {
            f.write_str("; ")?;
            m.fmt(f)?;
        }
        Ok(())
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
    Some(crate::util::round::round(v * 100.0) as i64)
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

    /// A step alarm, threshold 50 (`>`), M of N, with `treat`, that has seen `prior` five times
    /// (so its state is known) and then the five datapoints of `row` as the CloudWatch guide
    /// writes them, oldest first: `0` not breaching (40), `X` breaching (60), `-` missing.
    /// After them the evaluation range (N + 2 = 5 for N = 3) is exactly `row`.
    fn after(row: &str, m: u32, treat: TreatMissingData, prior: f64) -> Alarm {
        let mut a =
            Alarm::new("q", 50.0, Comparison::GreaterThanThreshold, 3, m).with_missing_data(treat);
        for _ in 0..5 {
            a.push(Some(prior));
        }
        for c in row.chars().filter(|c| !c.is_whitespace()) {
            a.push(match c {
                '0' => Some(40.0),
                'X' => Some(60.0),
                _ => None,
            });
        }
        a
    }

    /// The states of `row` under missing, ignore, breaching, notBreaching (the guide's column
    /// order), each from a prior ALARM (five 60s) and a prior OK (five 40s): "retain" rows
    /// differ between the two.
    fn columns(row: &str, m: u32) -> [(AlarmState, AlarmState); 4] {
        use TreatMissingData::*;
        [Missing, Ignore, Breaching, NotBreaching].map(|t| {
            (
                after(row, m, t, 60.0).state(),
                after(row, m, t, 40.0).state(),
            )
        })
    }

    #[test]
    fn cloudwatch_missing_data_tables() {
        use AlarmState::{Alarm as A, InsufficientData as I, Ok as O};
        // The rows of "Configuring how CloudWatch alarms treat missing data", N = 3, evaluation
        // range 5. Each pair is (after a prior ALARM, after a prior OK); "retain" = (A, O).
        let all = |s| [(s, s); 4];
        // 3 of 3.
        // `0 - X - X`: 3 real ≥ N → the 3 most recent real (0, X, X): 2 < 3 → OK everywhere.
        assert_eq!(columns("0-X-X", 3), all(O));
        // `0 - - - -`: 1 real (not breaching) < N, 2 filled: breaching 0 + 2 = 2 < 3 → OK;
        // missing/ignore: a real datapoint does not breach → OK.
        assert_eq!(columns("0----", 3), all(O));
        // `- - - - -`: INSUFFICIENT_DATA / retain / 0 + 3 = 3 → ALARM / OK.
        assert_eq!(columns("-----", 3), [(I, I), (A, O), (A, A), (O, O)]);
        // `0 X X - X`: 4 real ≥ N → X, X, X → ALARM everywhere.
        assert_eq!(columns("0XX-X", 3), all(A));
        // `- - X - -`: missing → ALARM (premature rule: the only real datapoint breaches and
        // is 3 periods old ≥ M = 3) / retain / 1 + 2 = 3 → ALARM / 1 < 3 → OK.
        assert_eq!(columns("--X--", 3), [(A, A), (A, O), (A, A), (O, O)]);
        // The older guide's rows: `- - - - X` (1 period old < 3 → INSUFFICIENT_DATA) and
        // `X - - - -` (5 periods old ≥ 3 → ALARM).
        assert_eq!(columns("----X", 3), [(I, I), (A, O), (A, A), (O, O)]);
        assert_eq!(columns("X----", 3), [(A, A), (A, O), (A, A), (O, O)]);
        // 2 of 3.
        // `0 - X - X`: 3 real → 0, X, X: 2 ≥ 2 → ALARM. `0 0 X 0 X`: X 0 X → 2 → ALARM.
        assert_eq!(columns("0-X-X", 2), all(A));
        assert_eq!(columns("00X0X", 2), all(A));
        // `0 - X - -`: 2 real, 1 filled: breaching 1 + 1 = 2 → ALARM; else OK (0 does not
        // breach).
        assert_eq!(columns("0-X--", 2), [(O, O), (O, O), (A, A), (O, O)]);
        // `- - - - 0`: 1 real, 2 filled: breaching 0 + 2 = 2 → ALARM; else OK.
        assert_eq!(columns("----0", 2), [(O, O), (O, O), (A, A), (O, O)]);
        // `- - - X -`: missing → ALARM (2 periods old ≥ M = 2) / retain / 1 + 2 → ALARM / OK.
        assert_eq!(columns("---X-", 2), [(A, A), (A, O), (A, A), (O, O)]);
        // `- - - - X` with 2 of 3: 1 period old < 2 → INSUFFICIENT_DATA.
        assert_eq!(columns("----X", 2), [(I, I), (A, O), (A, A), (O, O)]);
    }

    #[test]
    fn one_missing_of_three_and_the_treatment_in_the_cause() {
        // 3 of 3 > 50, a fresh alarm: 60, 70, then a missing datapoint. The range is (unseen,
        // unseen, 60, 70, missing): 2 real < N = 3, so 1 missing is filled in.
        let pushed = |t| {
            let mut a =
                Alarm::new("q", 50.0, Comparison::GreaterThanThreshold, 3, 3).with_missing_data(t);
            a.push(Some(60.0));
            a.push(Some(70.0));
            a.push(None);
            a
        };
        // breaching: 2 + 1 = 3 breaching ≥ 3 → ALARM, and the step reads 70, the latest real.
        let b = pushed(TreatMissingData::Breaching);
        assert_eq!(
            (b.state(), b.breaching(), b.latest()),
            (AlarmState::Alarm, 3, Some(70.0))
        );
        assert_eq!(
            b.describe_breach(),
            "alarm q: 3 of 3 datapoints > 50 (60.0, 70.0, missing); TreatMissingData breaching, \
             evaluation range (missing, missing, 60.0, 70.0, missing): 2 real datapoints < \
             EvaluationPeriods: 1 missing filled as breaching; 2 + 1 = 3 breaching → ALARM"
        );
        // notBreaching: 2 < 3 → OK.
        let n = pushed(TreatMissingData::NotBreaching);
        assert_eq!((n.state(), n.breaching()), (AlarmState::Ok, 2));
        // missing: every real datapoint breaches, the oldest (60) is 3 periods old ≥ M = 3 →
        // ALARM (CloudWatch's premature-alarm rule, the guide's `- - X - -`).
        let m = pushed(TreatMissingData::Missing);
        assert_eq!(m.state(), AlarmState::Alarm);
        assert!(
            m.describe_breach().ends_with(
                "every real datapoint breaches and the oldest is 3 periods old ≥ DatapointsToAlarm → ALARM"
            ),
            "{}",
            m.describe_breach()
        );
        // ignore: missing data would decide; the state before (INSUFFICIENT_DATA: 60 alone was
        // 1 period old < 3, then 60, 70 were 2 old < 3) is kept.
        assert_eq!(
            pushed(TreatMissingData::Ignore).state(),
            AlarmState::InsufficientData
        );
        // With nothing missing in the last N the cause is the sentence it always was.
        let mut full = Alarm::new("q", 50.0, Comparison::GreaterThanThreshold, 3, 3)
            .with_missing_data(TreatMissingData::Breaching);
        for v in [60.0, 70.0, 80.0] {
            full.push(Some(v));
        }
        assert_eq!(
            full.describe_breach(),
            "alarm q: 3 of 3 datapoints > 50 (60.0, 70.0, 80.0)"
        );
        assert_eq!(full.breach().missing, None);
    }

    #[test]
    fn older_real_datapoints_stand_in_for_missing_ones() {
        // 3 of 3 > 50, `breaching`: 60, 70, 80, missing, 40. The range (60, 70, 80, missing,
        // 40) holds 4 real ≥ N: the 3 most recent real ones (70, 80, 40) are evaluated and the
        // treatment is not needed: 2 of 3 → OK (a `breaching` fill of the missing period would
        // have given 80, missing, 40 → 2 + 1 = 3 → ALARM).
        let mut a = Alarm::new("q", 50.0, Comparison::GreaterThanThreshold, 3, 3)
            .with_missing_data(TreatMissingData::Breaching);
        for v in [Some(60.0), Some(70.0), Some(80.0), None, Some(40.0)] {
            a.push(v);
        }
        assert_eq!((a.state(), a.breaching()), (AlarmState::Ok, 2));
        assert_eq!(
            a.missing_data().map(|m| m.rule),
            Some(MissingRule::MostRecentReal)
        );
    }

    #[test]
    fn treat_missing_data_names() {
        for (t, s) in [
            (TreatMissingData::Missing, "missing"),
            (TreatMissingData::NotBreaching, "notBreaching"),
            (TreatMissingData::Breaching, "breaching"),
            (TreatMissingData::Ignore, "ignore"),
        ] {
            assert_eq!((t.as_str(), TreatMissingData::parse(s)), (s, Some(t)));
        }
        assert_eq!(TreatMissingData::parse("NotBreaching"), None);
        assert_eq!(TreatMissingData::default(), TreatMissingData::Missing);
    }
}
