//! Load shapes: a rate (requests or messages per second) as a function of simulated time.
//!
//! A scenario writes a [`ShapeSpec`]; [`check`] lists its semantic problems; [`Shape::build`]
//! turns a valid spec into a [`Shape`] (reading trace files), and [`Shape::value`] gives the
//! rate at any time, purely and deterministically.
//!
//! ```
//! use ecsim::engine::HOUR;
//! use ecsim::workload::shape::{BuildCtx, Shape, ShapeSpec};
//!
//! let spec: ShapeSpec = serde_json::from_str(
//!     r#"{"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}"#,
//! ).unwrap();
//! // Start at 2019-06-03T00:00:00Z (1,559,520,000 s after the Unix epoch).
//! let ctx = BuildCtx { start_epoch_ms: 1_559_520_000_000, base_dir: None, noise_seed: 7 };
//! let shape = Shape::build(&spec, &ctx).unwrap();
//! assert!((shape.value(14 * HOUR) - 2000.0).abs() < 1e-9); // the peak
//! assert!((shape.value(2 * HOUR) - 200.0).abs() < 1e-9); // 12 hours away: the trough
//!
//! let constant: ShapeSpec = serde_json::from_str(r#"{"pattern": "constant", "rps": 300}"#).unwrap();
//! assert_eq!(Shape::build(&constant, &ctx).unwrap().value(5 * HOUR), 300.0);
//! ```

use super::trace::{Trace, TraceError, read_trace};
use crate::engine::{DAY, HOUR, MINUTE, Millis};
use crate::scenario::limits;
use crate::scenario::units::Duration;
use crate::util::rng::Rng;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::path::{Path, PathBuf};

/// Noise is piecewise constant over intervals of this length: one standard-normal draw per
/// interval (and per shape), so the rate does not jitter between two samples a second apart.
pub const NOISE_INTERVAL: Millis = MINUTE;

/// A load shape as a scenario writes it, tagged by `pattern`.
///
/// ```json
/// {"pattern": "constant", "rps": 300}
/// {"pattern": "step", "steps": [{"at": "0s", "rps": 100}, {"at": "1h", "rps": 320}]}
/// {"pattern": "ramp", "from": 100, "to": 900, "at": "2h", "over": "30m"}
/// {"pattern": "spike", "base": 200, "peak": 2000, "at": "5h", "over": "10m"}
/// {"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}
/// {"pattern": "sum", "of": [{"pattern": "constant", "rps": 50}, {"pattern": "diurnal", ...}]}
/// {"pattern": "trace", "file": "traces/x.csv", "scale": 1.0, "shift": "0s", "interpolate": "hold", "loop": false}
/// ```
///
/// Every pattern also takes `"noise": 0.1` (multiplicative, seeded, see [`Shape::value`]) and
/// `"weekly": [7 factors, Monday first]`. Unknown fields are rejected.
///
/// It reads like a serde internally tagged enum (`#[serde(tag = "pattern")]`) of structs with
/// `deny_unknown_fields`, with the same messages ("unknown field `x`, expected one of …",
/// "missing field `rps`", "unknown variant `sine`, expected one of …"), but without buffering
/// the object: `pattern` may come anywhere in it, and [`serde_path_to_error`] still reports an
/// error inside a shape, or inside the shapes of a `sum`, at its full path (`of[1].at`). An
/// unknown field is reported at the path of the shape that holds it (`of[1]`), its name in the
/// message.
#[derive(Debug, Clone, PartialEq)]
pub enum ShapeSpec {
    /// The same rate all the time.
    Constant(ConstantSpec),
    /// Levels that each hold until the next step.
    Step(StepSpec),
    /// A linear change from one rate to another.
    Ramp(RampSpec),
    /// A rectangular burst over a base rate.
    Spike(SpikeSpec),
    /// A daily cosine curve.
    Diurnal(DiurnalSpec),
    /// The sum of several shapes.
    Sum(SumSpec),
    /// A recorded trace read from a CSV file.
    Trace(TraceSpec),
}

/// `{"pattern": "constant", "rps": 300}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantSpec {
    /// The rate.
    pub rps: f64,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// `{"pattern": "step", "steps": [{"at": "0s", "rps": 100}, {"at": "1h", "rps": 320}]}`: the
/// rate is 0 before the first step and each level holds until the next step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSpec {
    /// The steps, in time order.
    pub steps: Vec<StepPoint>,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// One step: from `at` on, the rate is `rps`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StepPoint {
    /// When the level starts, from the scenario's start.
    pub at: Duration,
    /// The level.
    pub rps: f64,
}

/// `{"pattern": "ramp", "from": 100, "to": 900, "at": "2h", "over": "30m"}`: `from` until
/// `at`, linear to `to` over `over`, then `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct RampSpec {
    /// The rate before the ramp.
    pub from: f64,
    /// The rate after the ramp.
    pub to: f64,
    /// When the ramp starts.
    pub at: Duration,
    /// How long the ramp lasts (above 0).
    pub over: Duration,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// `{"pattern": "spike", "base": 200, "peak": 2000, "at": "5h", "over": "10m"}`: `base`, and
/// `peak` during [`at`, `at` + `over`) — a rectangle. A `peak` below `base` makes a dip.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeSpec {
    /// The rate outside the spike.
    pub base: f64,
    /// The rate during the spike.
    pub peak: f64,
    /// When the spike starts.
    pub at: Duration,
    /// How long the spike lasts (above 0).
    pub over: Duration,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// `{"pattern": "diurnal", "minRps": 200, "maxRps": 2000, "peakAt": "14:00"}`: a cosine over
/// the UTC day, `maxRps` at `peakAt` and `minRps` twelve hours away.
#[derive(Debug, Clone, PartialEq)]
pub struct DiurnalSpec {
    /// The trough rate.
    pub min_rps: f64,
    /// The peak rate (at least `minRps`).
    pub max_rps: f64,
    /// The UTC time of day of the peak, `"HH:MM"` from 00:00 to 23:59.
    pub peak_at: String,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// `{"pattern": "sum", "of": [SHAPE, ...]}`: the rates added together.
#[derive(Debug, Clone, PartialEq)]
pub struct SumSpec {
    /// The shapes to add (at least one).
    pub of: Vec<ShapeSpec>,
    /// Multiplicative noise (0 to 1) on the total, see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first, on the total.
    pub weekly: Option<Vec<f64>>,
}

/// How a trace's rate moves between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Interpolate {
    /// A row's value holds until the next row (the default).
    #[default]
    Hold,
    /// The value moves linearly from one row to the next.
    Linear,
}

/// `{"pattern": "trace", "file": "traces/x.csv", "scale": 1.0, "shift": "0s",
/// "interpolate": "hold", "loop": false}` — see [`crate::workload::trace`] for the CSV formats.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceSpec {
    /// The CSV file, relative to the scenario file's folder unless absolute.
    pub file: String,
    /// Multiplies every value (default 1, at least 0).
    pub scale: Option<f64>,
    /// Delays the whole trace (default 0s): every row falls `shift` later (a timestamp trace's
    /// first row at `shift`).
    pub shift: Option<Duration>,
    /// `"hold"` (default) or `"linear"`.
    pub interpolate: Option<Interpolate>,
    /// `loop`: repeat the trace after its last row (default false).
    pub repeat: Option<bool>,
    /// Multiplicative noise (0 to 1), see [`Shape::value`].
    pub noise: Option<f64>,
    /// Seven day-of-week factors, Monday first.
    pub weekly: Option<Vec<f64>>,
}

/// The `pattern` tag.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Pattern {
    Constant,
    Step,
    Ramp,
    Spike,
    Diurnal,
    Sum,
    Trace,
}

/// Every field any pattern takes, by its JSON name.
const ALL_FIELDS: &[&str] = &[
    "rps",
    "steps",
    "from",
    "to",
    "at",
    "over",
    "base",
    "peak",
    "minRps",
    "maxRps",
    "peakAt",
    "of",
    "file",
    "scale",
    "shift",
    "interpolate",
    "loop",
    "noise",
    "weekly",
];

impl Pattern {
    /// The fields this pattern takes, in the order serde's messages list them.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Pattern::Constant => &["rps", "noise", "weekly"],
            Pattern::Step => &["steps", "noise", "weekly"],
            Pattern::Ramp => &["from", "to", "at", "over", "noise", "weekly"],
            Pattern::Spike => &["base", "peak", "at", "over", "noise", "weekly"],
            Pattern::Diurnal => &["minRps", "maxRps", "peakAt", "noise", "weekly"],
            Pattern::Sum => &["of", "noise", "weekly"],
            Pattern::Trace => &[
                "file",
                "scale",
                "shift",
                "interpolate",
                "loop",
                "noise",
                "weekly",
            ],
        }
    }
}

/// The union of every pattern's fields. Each JSON name has one type whatever the pattern, so a
/// field can be read before `pattern` is known, in place (keeping error paths).
#[derive(Default)]
struct Fields {
    rps: Option<f64>,
    steps: Option<Vec<StepPoint>>,
    from: Option<f64>,
    to: Option<f64>,
    at: Option<Duration>,
    over: Option<Duration>,
    base: Option<f64>,
    peak: Option<f64>,
    min_rps: Option<f64>,
    max_rps: Option<f64>,
    peak_at: Option<String>,
    of: Option<Vec<ShapeSpec>>,
    file: Option<String>,
    scale: Option<f64>,
    shift: Option<Duration>,
    interpolate: Option<Interpolate>,
    repeat: Option<bool>,
    noise: Option<f64>,
    weekly: Option<Vec<f64>>,
}

fn put<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    // `null` reads as absent, as for an optional field of a derived struct.
    *slot = map.next_value::<Option<T>>()?;
    Ok(())
}

impl Fields {
    /// Reads the value of the field `name` (one of [`ALL_FIELDS`]).
    fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A, name: &str) -> Result<(), A::Error> {
        match name {
            "rps" => put(map, &mut self.rps),
            "steps" => put(map, &mut self.steps),
            "from" => put(map, &mut self.from),
            "to" => put(map, &mut self.to),
            "at" => put(map, &mut self.at),
            "over" => put(map, &mut self.over),
            "base" => put(map, &mut self.base),
            "peak" => put(map, &mut self.peak),
            "minRps" => put(map, &mut self.min_rps),
            "maxRps" => put(map, &mut self.max_rps),
            "peakAt" => put(map, &mut self.peak_at),
            "of" => put(map, &mut self.of),
            "file" => put(map, &mut self.file),
            "scale" => put(map, &mut self.scale),
            "shift" => put(map, &mut self.shift),
            "interpolate" => put(map, &mut self.interpolate),
            "loop" => put(map, &mut self.repeat),
            "noise" => put(map, &mut self.noise),
            "weekly" => put(map, &mut self.weekly),
            _ => map.next_value::<de::IgnoredAny>().map(|_| ()),
        }
    }

    /// Builds the pattern's spec, failing with serde's "missing field" for a required field.
    fn finish<E: de::Error>(self, pattern: Pattern) -> Result<ShapeSpec, E> {
        fn req<T, E: de::Error>(v: Option<T>, name: &'static str) -> Result<T, E> {
            v.ok_or_else(|| E::missing_field(name))
        }
        let (noise, weekly) = (self.noise, self.weekly);
        Ok(match pattern {
            Pattern::Constant => ShapeSpec::Constant(ConstantSpec {
                rps: req(self.rps, "rps")?,
                noise,
                weekly,
            }),
            Pattern::Step => ShapeSpec::Step(StepSpec {
                steps: req(self.steps, "steps")?,
                noise,
                weekly,
            }),
            Pattern::Ramp => ShapeSpec::Ramp(RampSpec {
                from: req(self.from, "from")?,
                to: req(self.to, "to")?,
                at: req(self.at, "at")?,
                over: req(self.over, "over")?,
                noise,
                weekly,
            }),
            Pattern::Spike => ShapeSpec::Spike(SpikeSpec {
                base: req(self.base, "base")?,
                peak: req(self.peak, "peak")?,
                at: req(self.at, "at")?,
                over: req(self.over, "over")?,
                noise,
                weekly,
            }),
            Pattern::Diurnal => ShapeSpec::Diurnal(DiurnalSpec {
                min_rps: req(self.min_rps, "minRps")?,
                max_rps: req(self.max_rps, "maxRps")?,
                peak_at: req(self.peak_at, "peakAt")?,
                noise,
                weekly,
            }),
            Pattern::Sum => ShapeSpec::Sum(SumSpec {
                of: req(self.of, "of")?,
                noise,
                weekly,
            }),
            Pattern::Trace => ShapeSpec::Trace(TraceSpec {
                file: req(self.file, "file")?,
                scale: self.scale,
                shift: self.shift,
                interpolate: self.interpolate,
                repeat: self.repeat,
                noise,
                weekly,
            }),
        })
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = ShapeSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a load shape such as {\"pattern\": \"constant\", \"rps\": 300}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ShapeSpec, A::Error> {
        let mut fields = Fields::default();
        let mut pattern: Option<Pattern> = None;
        // Keys seen before `pattern`, in order, to check once the pattern is known.
        let mut early: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let name = ALL_FIELDS
                    .iter()
                    .chain(&["pattern"])
                    .find(|n| **n == key)
                    .copied()
                    .unwrap_or("field");
                return Err(de::Error::duplicate_field(name));
            }
            seen.push(key.clone());
            if key == "pattern" {
                let p: Pattern = map.next_value()?;
                if let Some(bad) = early.iter().find(|k| !p.fields().contains(&k.as_str())) {
                    return Err(de::Error::unknown_field(bad, p.fields()));
                }
                pattern = Some(p);
                continue;
            }
            match pattern {
                Some(p) if !p.fields().contains(&key.as_str()) => {
                    return Err(de::Error::unknown_field(&key, p.fields()));
                }
                Some(_) => {}
                None => early.push(key.clone()),
            }
            fields.read(&mut map, &key)?;
        }
        let Some(p) = pattern else {
            return Err(de::Error::missing_field("pattern"));
        };
        fields.finish(p)
    }
}

impl<'de> Deserialize<'de> for ShapeSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ShapeVisitor)
    }
}

impl ShapeSpec {
    /// The `noise` and `weekly` modifiers every pattern carries.
    pub fn modifiers(&self) -> (Option<f64>, Option<&[f64]>) {
        let (n, w) = match self {
            ShapeSpec::Constant(s) => (s.noise, &s.weekly),
            ShapeSpec::Step(s) => (s.noise, &s.weekly),
            ShapeSpec::Ramp(s) => (s.noise, &s.weekly),
            ShapeSpec::Spike(s) => (s.noise, &s.weekly),
            ShapeSpec::Diurnal(s) => (s.noise, &s.weekly),
            ShapeSpec::Sum(s) => (s.noise, &s.weekly),
            ShapeSpec::Trace(s) => (s.noise, &s.weekly),
        };
        (n, w.as_deref())
    }
}

/// One step of a path inside a shape spec, e.g. `["steps", 2, "at"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object field, by its JSON name.
    Key(String),
    /// An array element, 0-based.
    Index(usize),
}

impl fmt::Display for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStep::Key(k) => write!(f, ".{k}"),
            PathStep::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A semantic problem in a shape spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeProblem {
    /// Where, relative to the shape (empty for the shape itself).
    pub path: Vec<PathStep>,
    /// What was found and what would be valid.
    pub message: String,
}

impl fmt::Display for ShapeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.path {
            write!(f, "{p}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

fn key(k: &str) -> PathStep {
    PathStep::Key(k.to_string())
}

fn at(base: &[PathStep], rest: &[PathStep]) -> Vec<PathStep> {
    base.iter().chain(rest).cloned().collect()
}

/// The largest value a shape may take, with the words that name it in a message: a field
/// above `max` is refused as "`rps` 1e40 is above the {kind} of {max} {unit}" (see
/// [`crate::scenario::limits::above`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound<'a> {
    /// The largest value.
    pub max: f64,
    /// "quota" (an AWS quota) or "limit" (an ecsim default).
    pub kind: &'a str,
    /// What the values are, after the number: "requests per second".
    pub unit: &'a str,
    /// Where the limit comes from, when it is AWS's ("AWS Batch: SubmitJob calls per second").
    pub source: Option<&'a str>,
}

impl Bound<'_> {
    /// The unit, with the source in parentheses when there is one: what follows the limit's
    /// number in a message.
    pub fn unit_and_source(&self) -> String {
        match self.source {
            Some(s) => format!("{} ({s})", self.unit),
            None => self.unit.to_string(),
        }
    }
}

struct Checker<'a> {
    problems: Vec<ShapeProblem>,
    bound: Option<Bound<'a>>,
}

impl Checker<'_> {
    fn err(&mut self, path: Vec<PathStep>, message: String) {
        self.problems.push(ShapeProblem { path, message });
    }

    fn rate(&mut self, base: &[PathStep], name: &str, v: f64) {
        if !v.is_finite() {
            self.err(
                at(base, &[key(name)]),
                format!("{name} {v} is not a finite number: expected a rate of at least 0"),
            );
        } else if v < 0.0 {
            self.err(
                at(base, &[key(name)]),
                format!("{name} {v} is negative: expected a rate of at least 0"),
            );
        } else if let Some(b) = self.bound
            && v > b.max
        {
            self.err(
                at(base, &[key(name)]),
                limits::above(name, v, b.kind, b.max, &b.unit_and_source()),
            );
        }
    }

    /// A multiplying factor (`scale`, a `weekly` factor): at least 0, at most
    /// [`limits::MAX_FACTOR`].
    fn factor(&mut self, path: Vec<PathStep>, what: &str, f: f64) {
        if !(f.is_finite() && f >= 0.0) {
            self.err(
                path,
                format!("{what} {f} is out of range: expected a factor of at least 0"),
            );
        } else if f > limits::MAX_FACTOR {
            self.err(
                path,
                limits::above(what, f, "limit", limits::MAX_FACTOR, "for a factor"),
            );
        }
    }

    fn over(&mut self, base: &[PathStep], over: Duration, pattern: &str) {
        if over.0 == 0 {
            self.err(
                at(base, &[key("over")]),
                format!(
                    "a {pattern} over 0s: expected a duration above 0s (for an instant change use a step)"
                ),
            );
        }
    }

    fn shape(&mut self, spec: &ShapeSpec, base: &[PathStep]) {
        match spec {
            ShapeSpec::Constant(s) => self.rate(base, "rps", s.rps),
            ShapeSpec::Step(s) => {
                if s.steps.is_empty() {
                    self.err(
                        at(base, &[key("steps")]),
                        "no steps: expected at least one step such as {\"at\": \"0s\", \"rps\": 100}".to_string(),
                    );
                }
                for (i, st) in s.steps.iter().enumerate() {
                    let here = at(base, &[key("steps"), PathStep::Index(i)]);
                    self.rate(&here, "rps", st.rps);
                    if i > 0 && st.at <= s.steps[i - 1].at {
                        self.err(
                            at(&here, &[key("at")]),
                            format!(
                                "step {i} at {} is not after step {} at {}: expected steps in time order, each later than the one before",
                                st.at,
                                i - 1,
                                s.steps[i - 1].at
                            ),
                        );
                    }
                }
            }
            ShapeSpec::Ramp(s) => {
                self.rate(base, "from", s.from);
                self.rate(base, "to", s.to);
                self.over(base, s.over, "ramp");
            }
            ShapeSpec::Spike(s) => {
                self.rate(base, "base", s.base);
                self.rate(base, "peak", s.peak);
                self.over(base, s.over, "spike");
            }
            ShapeSpec::Diurnal(s) => {
                self.rate(base, "minRps", s.min_rps);
                self.rate(base, "maxRps", s.max_rps);
                if s.min_rps.is_finite() && s.max_rps.is_finite() && s.min_rps > s.max_rps {
                    self.err(
                        at(base, &[key("minRps")]),
                        format!(
                            "minRps {} is above maxRps {}: expected minRps at most maxRps",
                            s.min_rps, s.max_rps
                        ),
                    );
                }
                if let Err(m) = parse_time_of_day(&s.peak_at) {
                    self.err(at(base, &[key("peakAt")]), m);
                }
            }
            ShapeSpec::Sum(s) => {
                if s.of.is_empty() {
                    self.err(
                        at(base, &[key("of")]),
                        "an empty sum: expected at least one shape in `of`".to_string(),
                    );
                }
                for (i, child) in s.of.iter().enumerate() {
                    self.shape(child, &at(base, &[key("of"), PathStep::Index(i)]));
                }
            }
            ShapeSpec::Trace(s) => {
                if s.file.trim().is_empty() {
                    self.err(
                        at(base, &[key("file")]),
                        "an empty file name: expected the path of a CSV trace, relative to the scenario file".to_string(),
                    );
                }
                if let Some(scale) = s.scale {
                    self.factor(at(base, &[key("scale")]), "scale", scale);
                }
            }
        }
        let (noise, weekly) = spec.modifiers();
        if let Some(n) = noise
            && !(0.0..=1.0).contains(&n)
        {
            self.err(
                at(base, &[key("noise")]),
                format!("noise {n} is out of range: expected 0 to 1 (e.g. 0.1 for ±10 %)"),
            );
        }
        if let Some(w) = weekly {
            if w.len() != 7 {
                self.err(
                    at(base, &[key("weekly")]),
                    format!(
                        "{} weekly factor{}: expected exactly 7, Monday first",
                        w.len(),
                        if w.len() == 1 { "" } else { "s" }
                    ),
                );
            }
            for (i, f) in w.iter().enumerate() {
                self.factor(
                    at(base, &[key("weekly"), PathStep::Index(i)]),
                    "weekly factor",
                    *f,
                );
            }
        }
    }
}

/// The semantic problems of a shape spec (empty if it is valid), each with its path inside
/// the shape: negative or non-finite rates, `noise` outside [0, 1], `weekly` not exactly 7
/// non-negative factors, steps out of time order or missing, a ramp or spike `over` of 0,
/// `minRps` above `maxRps`, `peakAt` not `"HH:MM"`, an empty `sum`, a trace `scale` or a
/// `weekly` factor below 0 or above [`limits::MAX_FACTOR`].
/// Trace files are not read here (see [`Shape::build`]).
pub fn check(spec: &ShapeSpec) -> Vec<ShapeProblem> {
    check_within(spec, None)
}

/// [`check`], and with a `bound` every rate the spec writes (`rps`, `from`, `to`, `base`,
/// `peak`, `minRps`, `maxRps`, a step's `rps`) at most `bound.max`. What only the built shape
/// knows — a sum of parts, a weekly factor, a trace's rows — is bounded by [`Shape::peak`].
pub fn check_within(spec: &ShapeSpec, bound: Option<Bound>) -> Vec<ShapeProblem> {
    let mut c = Checker {
        problems: Vec::new(),
        bound,
    };
    c.shape(spec, &[]);
    c.problems
}

/// Parses `"HH:MM"` (00:00 to 23:59) into hours since midnight.
fn parse_time_of_day(s: &str) -> Result<f64, String> {
    let b = s.as_bytes();
    let digit = |c: u8| c.is_ascii_digit().then_some(u32::from(c - b'0'));
    let parsed = if b.len() == 5 && b[2] == b':' {
        match (digit(b[0]), digit(b[1]), digit(b[3]), digit(b[4])) {
            (Some(h1), Some(h2), Some(m1), Some(m2)) => Some((h1 * 10 + h2, m1 * 10 + m2)),
            _ => None,
        }
    } else {
        None
    };
    match parsed {
        Some((h, m)) if h < 24 && m < 60 => Ok(f64::from(h) + f64::from(m) / 60.0),
        _ => Err(format!(
            "`{s}` is not a time of day: expected \"HH:MM\" from 00:00 to 23:59, such as \"14:00\""
        )),
    }
}

/// What [`Shape::build`] needs besides the spec.
#[derive(Debug, Clone, Copy)]
pub struct BuildCtx<'a> {
    /// The scenario's simulated wall-clock start, in ms since the Unix epoch, UTC. Diurnal and
    /// weekly shapes read the time of day and the weekday from it.
    pub start_epoch_ms: i64,
    /// The folder trace paths are relative to (the scenario file's folder); `None` leaves them
    /// relative to the working directory.
    pub base_dir: Option<&'a Path>,
    /// Seeds the noise; derive it from the run's seed and the shape's owner (e.g.
    /// [`crate::util::rng::Streams::key`]) so that two owners do not see the same noise.
    pub noise_seed: u64,
}

/// A trace shape that could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFailure {
    /// The path of the `trace` shape inside the whole shape.
    pub path: Vec<PathStep>,
    /// Why its file could not be used.
    pub error: TraceError,
}

/// Why [`Shape::build`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The spec has semantic problems (what [`check`] reports); no file was read.
    Invalid(Vec<ShapeProblem>),
    /// Trace files could not be read, one entry per failing `trace` shape.
    Traces(Vec<TraceFailure>),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Invalid(ps) => {
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{p}")?;
                }
            }
            BuildError::Traces(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{}", t.error)?;
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// A built trace: points scaled, with the shift and loop settled.
#[derive(Debug, Clone, PartialEq)]
struct TraceShape {
    /// (offset, scaled rate), strictly increasing offsets, never empty.
    points: Vec<(Millis, f64)>,
    shift: Millis,
    linear: bool,
    /// The loop period, when looping a trace of at least two rows.
    period: Option<Millis>,
}

impl TraceShape {
    fn new(trace: Trace, scale: f64, shift: Millis, linear: bool, repeat: bool) -> TraceShape {
        let points: Vec<(Millis, f64)> = trace
            .points
            .into_iter()
            .map(|(o, v)| (o, v * scale))
            .collect();
        let period = if repeat && points.len() >= 2 {
            let mut gaps: Vec<Millis> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
            gaps.sort_unstable();
            let n = gaps.len();
            let median = if n % 2 == 1 {
                gaps[n / 2]
            } else {
                // The mean of the two middle gaps, rounded down (no overflow: each half first).
                gaps[n / 2 - 1] / 2 + gaps[n / 2] / 2 + (gaps[n / 2 - 1] % 2 + gaps[n / 2] % 2) / 2
            };
            let (first, last) = (points[0].0, points[points.len() - 1].0);
            (last - first).checked_add(median)
        } else {
            None
        };
        TraceShape {
            points,
            shift,
            linear,
            period,
        }
    }

    fn value(&self, t: Millis) -> f64 {
        let Some(tau) = t.checked_sub(self.shift) else {
            return 0.0;
        };
        let (first, first_v) = self.points[0];
        if tau < first {
            return 0.0;
        }
        let tau = match self.period {
            Some(p) => first + (tau - first) % p,
            None => tau,
        };
        // At least 1, because tau ≥ the first offset.
        let idx = self.points.partition_point(|&(o, _)| o <= tau);
        let (o0, v0) = self.points[idx - 1];
        if !self.linear {
            return v0;
        }
        let next = match (self.points.get(idx), self.period) {
            (Some(&p), _) => Some(p),
            // Looping: the last row moves towards the first row of the next period.
            (None, Some(p)) => Some((first + p, first_v)),
            (None, None) => None,
        };
        match next {
            Some((o1, v1)) if o1 > o0 => v0 + (v1 - v0) * ((tau - o0) as f64 / (o1 - o0) as f64),
            _ => v0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Constant(f64),
    Step(Vec<(Millis, f64)>),
    Ramp {
        from: f64,
        to: f64,
        at: Millis,
        over: Millis,
    },
    Spike {
        base: f64,
        peak: f64,
        at: Millis,
        over: Millis,
    },
    Diurnal {
        min: f64,
        max: f64,
        peak_hour: f64,
    },
    Sum(Vec<Shape>),
    Trace(TraceShape),
}

/// A checked, built load shape: the rate at any time from the scenario's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    kind: Kind,
    /// 0 for none.
    noise: f64,
    weekly: Option<[f64; 7]>,
    start_epoch_ms: i64,
    noise_seed: u64,
    /// Identifies this shape's position within the whole shape, for its noise.
    node: u64,
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The standard-normal draw for one noise interval of one shape, by random access.
fn noise_z(seed: u64, node: u64, interval: u64) -> f64 {
    let key = splitmix64(splitmix64(seed ^ splitmix64(node)) ^ interval);
    let mut rng = Rng::seed_from_u64(key);
    StandardNormal.sample(&mut rng)
}

/// The noise draws of one shape for one [`NOISE_INTERVAL`], kept by its caller between
/// evaluations ([`Shape::value_memo`]).
#[derive(Debug, Clone, Default)]
pub struct NoiseMemo {
    /// The interval the draws are for.
    interval: Option<u64>,
    /// The draws of the shape's noisy parts, in the order an evaluation meets them (a sum's
    /// parts in order, each part's own noise after its parts'): the same order at every
    /// evaluation, since every part is evaluated every time.
    z: Vec<f64>,
}

/// Where an evaluation takes its noise draws from: drawn afresh, or from (and into) a memo.
struct Draws<'a> {
    memo: Option<&'a mut Vec<f64>>,
    /// The next noisy part's position in the memo.
    next: usize,
}

impl Draws<'_> {
    fn z(&mut self, shape: &Shape, interval: u64) -> f64 {
        let Some(memo) = &mut self.memo else {
            return noise_z(shape.noise_seed, shape.node, interval);
        };
        let i = self.next;
        self.next += 1;
        if let Some(&z) = memo.get(i) {
            return z;
        }
        let z = noise_z(shape.noise_seed, shape.node, interval);
        memo.push(z);
        z
    }
}

fn resolve(file: &str, base_dir: Option<&Path>) -> PathBuf {
    let p = Path::new(file);
    match base_dir {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p.to_path_buf(),
    }
}

impl Shape {
    /// Checks the spec (failing with [`BuildError::Invalid`] and every problem [`check`]
    /// finds), then reads its trace files (failing with [`BuildError::Traces`] listing every
    /// unreadable one) and builds the shape.
    pub fn build(spec: &ShapeSpec, ctx: &BuildCtx) -> Result<Shape, BuildError> {
        let problems = check(spec);
        if !problems.is_empty() {
            return Err(BuildError::Invalid(problems));
        }
        let mut failures = Vec::new();
        let shape = Shape::build_node(spec, ctx, 0, &[], &mut failures);
        match shape {
            Some(s) if failures.is_empty() => Ok(s),
            _ => Err(BuildError::Traces(failures)),
        }
    }

    /// Builds a checked spec; `None` when a trace below failed (recorded in `failures`).
    fn build_node(
        spec: &ShapeSpec,
        ctx: &BuildCtx,
        node: u64,
        path: &[PathStep],
        failures: &mut Vec<TraceFailure>,
    ) -> Option<Shape> {
        let ms = |d: Duration| d.millis();
        let kind = match spec {
            ShapeSpec::Constant(s) => Kind::Constant(s.rps),
            ShapeSpec::Step(s) => Kind::Step(s.steps.iter().map(|p| (ms(p.at), p.rps)).collect()),
            ShapeSpec::Ramp(s) => Kind::Ramp {
                from: s.from,
                to: s.to,
                at: ms(s.at),
                over: ms(s.over),
            },
            ShapeSpec::Spike(s) => Kind::Spike {
                base: s.base,
                peak: s.peak,
                at: ms(s.at),
                over: ms(s.over),
            },
            ShapeSpec::Diurnal(s) => Kind::Diurnal {
                min: s.min_rps,
                max: s.max_rps,
                // check() accepted it; 0 is unreachable.
                peak_hour: parse_time_of_day(&s.peak_at).unwrap_or(0.0),
            },
            ShapeSpec::Sum(s) => {
                let mut children = Vec::with_capacity(s.of.len());
                for (i, child) in s.of.iter().enumerate() {
                    let child_node = splitmix64(node ^ splitmix64(i as u64 + 1));
                    let child_path = at(path, &[key("of"), PathStep::Index(i)]);
                    if let Some(c) =
                        Shape::build_node(child, ctx, child_node, &child_path, failures)
                    {
                        children.push(c);
                    }
                }
                if children.len() != s.of.len() {
                    return None;
                }
                Kind::Sum(children)
            }
            ShapeSpec::Trace(s) => {
                let trace = match read_trace(&resolve(&s.file, ctx.base_dir)) {
                    Ok(t) => t,
                    Err(error) => {
                        failures.push(TraceFailure {
                            path: path.to_vec(),
                            error,
                        });
                        return None;
                    }
                };
                Kind::Trace(Shape::trace_kind(trace, s))
            }
        };
        Some(Shape::with_modifiers(kind, spec, ctx, node))
    }

    fn trace_kind(trace: Trace, s: &TraceSpec) -> TraceShape {
        TraceShape::new(
            trace,
            s.scale.unwrap_or(1.0),
            s.shift.map_or(0, Duration::millis),
            s.interpolate.unwrap_or_default() == Interpolate::Linear,
            s.repeat.unwrap_or(false),
        )
    }

    fn with_modifiers(kind: Kind, spec: &ShapeSpec, ctx: &BuildCtx, node: u64) -> Shape {
        let (noise, weekly) = spec.modifiers();
        Shape {
            kind,
            noise: noise.unwrap_or(0.0),
            weekly: weekly.and_then(|w| <[f64; 7]>::try_from(w).ok()),
            start_epoch_ms: ctx.start_epoch_ms,
            noise_seed: ctx.noise_seed,
            node,
        }
    }

    /// The rate at `t` ms after the scenario's start: never negative, and a pure function of
    /// the spec, the build context and `t` (no state, so the order of queries does not matter).
    ///
    /// - `constant`: `rps`.
    /// - `step`: 0 before the first step, then the level of the last step at or before `t`.
    /// - `ramp`: `from` before `at`; `from + (to − from) × (t − at) / over` during the ramp;
    ///   `to` from `at + over` on.
    /// - `spike`: `peak` for `at ≤ t < at + over`, else `base`.
    /// - `diurnal`: `min + (max − min) × (1 + cos(2π (h − peak) / 24)) / 2`, where `h` is the
    ///   fractional UTC hour of day of start + `t`.
    /// - `sum`: the sum of the parts' rates (each with its own modifiers).
    /// - `trace`: 0 before the first row (and before `shift`); a row's value × `scale` holds
    ///   until the next row (`hold`) or moves linearly to it (`linear`); after the last row the
    ///   last value holds, unless `loop`, which repeats the rows from the first one with the
    ///   period (last offset − first offset + the median spacing between rows; for an even
    ///   number of spacings the mean of the two middle ones, rounded down to the ms); with
    ///   `linear`, the last row then moves towards the first row of the next repetition. A
    ///   one-row trace holds its value whether it loops or not. Timestamp traces are aligned to
    ///   the start, so their own weekday and hour are not kept.
    ///
    /// Then `weekly` multiplies by the factor of the UTC weekday of start + `t` (Monday first),
    /// and `noise` multiplies by `max(0, 1 + noise × z)`, where `z` is a standard-normal draw
    /// constant over each [`NOISE_INTERVAL`], computed from (`noise_seed`, the interval's
    /// index, the shape's position in its sums).
    pub fn value(&self, t: Millis) -> f64 {
        self.eval(
            t,
            &mut Draws {
                memo: None,
                next: 0,
            },
        )
    }

    /// [`Shape::value`] with the noise draws of `t`'s [`NOISE_INTERVAL`] kept in `memo`: the
    /// same value, but a caller evaluating a shape several times per interval (the load steps,
    /// 6 a minute) draws each noise term once per interval instead of at every evaluation.
    /// One memo belongs to one shape (it holds the draws of that shape's noisy parts).
    ///
    /// ```
    /// use ecsim::workload::shape::{BuildCtx, NoiseMemo, Shape, ShapeSpec};
    /// let spec: ShapeSpec =
    ///     serde_json::from_str(r#"{"pattern":"constant","rps":100,"noise":0.2}"#).unwrap();
    /// let ctx = BuildCtx { start_epoch_ms: 0, base_dir: None, noise_seed: 7 };
    /// let shape = Shape::build(&spec, &ctx).unwrap();
    /// let mut memo = NoiseMemo::default();
    /// for t in (0..300_000).step_by(10_000) {
    ///     assert_eq!(shape.value_memo(t, &mut memo), shape.value(t));
    /// }
    /// ```
    pub fn value_memo(&self, t: Millis, memo: &mut NoiseMemo) -> f64 {
        let interval = t / NOISE_INTERVAL;
        if memo.interval != Some(interval) {
            memo.interval = Some(interval);
            memo.z.clear();
        }
        self.eval(
            t,
            &mut Draws {
                memo: Some(&mut memo.z),
                next: 0,
            },
        )
    }

    fn eval(&self, t: Millis, draws: &mut Draws<'_>) -> f64 {
        let base = match &self.kind {
            Kind::Constant(r) => *r,
            Kind::Step(steps) => {
                let idx = steps.partition_point(|&(a, _)| a <= t);
                if idx == 0 { 0.0 } else { steps[idx - 1].1 }
            }
            Kind::Ramp { from, to, at, over } => {
                if t < *at {
                    *from
                } else if t - at >= *over {
                    *to
                } else {
                    from + (to - from) * ((t - at) as f64 / *over as f64)
                }
            }
            Kind::Spike {
                base,
                peak,
                at,
                over,
            } => {
                if t >= *at && t - at < *over {
                    *peak
                } else {
                    *base
                }
            }
            Kind::Diurnal {
                min,
                max,
                peak_hour,
            } => {
                let ms_of_day = self.ms_of_day(t);
                let h = ms_of_day as f64 / HOUR as f64;
                let phase = 2.0 * std::f64::consts::PI * (h - peak_hour) / 24.0;
                min + (max - min) * (1.0 + phase.cos()) / 2.0
            }
            Kind::Sum(parts) => parts.iter().map(|p| p.eval(t, draws)).sum(),
            Kind::Trace(tr) => tr.value(t),
        };
        let mut v = base;
        if let Some(w) = &self.weekly {
            v *= w[self.weekday(t)];
        }
        if self.noise > 0.0 {
            let z = draws.z(self, t / NOISE_INTERVAL);
            v *= (1.0 + self.noise * z).max(0.0);
        }
        v.max(0.0)
    }

    /// The largest value the shape takes before `noise`: a constant's rate; the highest step,
    /// end of a ramp, level of a spike or `maxRps` of a diurnal curve; the peaks of a sum's
    /// parts added; a trace's largest row × `scale` — times the largest `weekly` factor.
    /// [`Shape::value`] never exceeds it but for noise (at most 1 + noise × z, z a
    /// standard-normal draw).
    pub fn peak(&self) -> f64 {
        let base = match &self.kind {
            Kind::Constant(r) => *r,
            Kind::Step(steps) => steps.iter().map(|s| s.1).fold(0.0, f64::max),
            Kind::Ramp { from, to, .. } => from.max(*to),
            Kind::Spike { base, peak, .. } => base.max(*peak),
            Kind::Diurnal { max, .. } => *max,
            Kind::Sum(parts) => parts.iter().map(Shape::peak).sum(),
            Kind::Trace(tr) => tr.points.iter().map(|p| p.1).fold(0.0, f64::max),
        };
        let weekly = self
            .weekly
            .map_or(1.0, |w| w.iter().copied().fold(0.0, f64::max));
        (base * weekly).max(0.0)
    }

    /// Milliseconds since UTC midnight at `t` after the start: (start epoch ms + t) mod DAY,
    /// without 128-bit arithmetic (start mod DAY and t mod DAY are each below a day).
    fn ms_of_day(&self, t: Millis) -> u64 {
        let start = self.start_epoch_ms.rem_euclid(DAY as i64) as u64;
        (start + t % DAY) % DAY
    }

    /// The UTC weekday at `t` after the start, 0 = Monday … 6 = Sunday.
    fn weekday(&self, t: Millis) -> usize {
        // ⌊(start + t) / DAY⌋ = ⌊start / DAY⌋ + ⌊t / DAY⌋ + ⌊(start mod DAY + t mod DAY) / DAY⌋.
        let d = DAY as i64;
        let start_rem = self.start_epoch_ms.rem_euclid(d) as u64;
        let days = self.start_epoch_ms.div_euclid(d)
            + (t / DAY) as i64
            + ((start_rem + t % DAY) / DAY) as i64;
        // 1970-01-01, day 0, was a Thursday: Monday-first index 3.
        (days + 3).rem_euclid(7) as usize
    }
}

#[cfg(test)]
mod tests;
