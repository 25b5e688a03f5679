//! Scalar value types of scenario files: durations, task CPU and memory, probability
//! distributions of delays.

use crate::engine::{Millis, SECOND};
use serde::{Deserialize, Deserializer, de};
use std::fmt;

/// A duration: `"90s"`, `"5m"`, `"36h"`, `"7d"`, `"1h30m"`, or a number of seconds.
///
/// ```
/// use ecsim::scenario::units::Duration;
/// let d: Duration = serde_json::from_str("\"1h30m\"").unwrap();
/// assert_eq!(d.millis(), 5_400_000);
/// let d: Duration = serde_json::from_str("2.5").unwrap();
/// assert_eq!(d.millis(), 2_500);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(pub Millis);

impl Duration {
    /// The duration in milliseconds.
    pub fn millis(self) -> Millis {
        self.0
    }
    /// Parses the string form: a number of seconds, or amounts with units, each unit at most
    /// once and the largest first (`"1h30m"`; `"30m1h"` and `"1h5m5h"` are refused, as a typo
    /// is more likely than a sum). Rounded to the nearest millisecond; a positive length that
    /// rounds to 0 ms is refused rather than read as 0.
    pub fn parse(s: &str) -> Result<Duration, String> {
        let t = s.trim();
        if let Ok(secs) = t.parse::<f64>() {
            return from_seconds(secs);
        }
        if t.starts_with('-') {
            return Err(format!(
                "`{s}` is negative: expected a length of 0 or more, such as \"90s\", \"5m\" or \"36h\""
            ));
        }
        unit_order(s, t)?;
        let d = humantime::parse_duration(t).map_err(|_| {
            format!(
                "`{s}` is not a duration: expected a number of seconds or a string such as \"90s\", \"5m\", \"36h\", \"7d\", \"1h30m\""
            )
        })?;
        if d.as_secs_f64() > MAX_SECONDS {
            return Err(too_long(s));
        }
        // Nanoseconds to the nearest millisecond (at most 1e12 s: no overflow).
        let ms = (d.as_nanos() + 500_000) / 1_000_000;
        if ms == 0 && !d.is_zero() {
            return Err(below_resolution(s));
        }
        Ok(Duration(ms as Millis))
    }
}

/// Duration units by size (largest last), with every name humantime reads for each.
const UNITS: [&[&str]; 10] = [
    &["nanos", "nsec", "ns"],
    &["usec", "us", "µs"],
    &["millis", "msec", "ms"],
    &["seconds", "second", "secs", "sec", "s"],
    &["minutes", "minute", "min", "mins", "m"],
    &["hours", "hour", "hr", "hrs", "h"],
    &["days", "day", "d"],
    &["weeks", "week", "wk", "wks", "w"],
    &["months", "month", "M"],
    &["years", "year", "yr", "yrs", "y"],
];

/// Refuses a duration whose units repeat (`"1d1d"`) or are not largest first (`"5m1h"`), which
/// humantime would add up. `t` is `s` trimmed; a form this does not recognise is left for the
/// parser to refuse.
fn unit_order(s: &str, t: &str) -> Result<(), String> {
    let mut seen: Vec<(usize, &str)> = Vec::new();
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let after = rest[digits..].trim_start();
        let letters = after
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(after.len());
        if digits == 0 || letters == 0 {
            return Ok(());
        }
        let unit = &after[..letters];
        let Some(rank) = UNITS.iter().position(|names| names.contains(&unit)) else {
            return Ok(());
        };
        if let Some(&(_, name)) = seen.iter().find(|(r, _)| *r == rank) {
            let names = if name == unit {
                format!("`{unit}`")
            } else {
                format!("`{name}` and `{unit}`")
            };
            return Err(format!(
                "`{s}` gives {} twice ({names}): write each unit once, largest first, as in \
                 \"1h30m\"",
                UNIT_WORDS[rank]
            ));
        }
        if let Some(&(before, name)) = seen.last()
            && rank > before
        {
            return Err(format!(
                "`{s}` gives {} (`{unit}`) after {} (`{name}`): write the units largest first, \
                 each once, as in \"1h30m\"",
                UNIT_WORDS[rank], UNIT_WORDS[before]
            ));
        }
        seen.push((rank, unit));
        rest = after[letters..].trim_start();
    }
    Ok(())
}

/// The units of [`UNITS`] in words.
const UNIT_WORDS: [&str; 10] = [
    "nanoseconds",
    "microseconds",
    "milliseconds",
    "seconds",
    "minutes",
    "hours",
    "days",
    "weeks",
    "months",
    "years",
];

/// The longest duration accepted, in seconds (about 31,700 years): far beyond any run, and
/// small enough that milliseconds and sums of durations stay exact in a `u64`.
const MAX_SECONDS: f64 = 1.0e12;

fn too_long(text: &str) -> String {
    format!("`{text}` is too long: expected at most 1e12 seconds (about 31,700 years)")
}

/// A positive duration shorter than half a millisecond: it would round to 0.
fn below_resolution(text: &str) -> String {
    format!(
        "`{text}` is shorter than the simulator's resolution of 1 ms and would round to 0: \
         expected 0, or at least 0.5 ms (\"1ms\", 0.001)"
    )
}

fn from_seconds(secs: f64) -> Result<Duration, String> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!(
            "{secs} is not a duration: expected a number of seconds of at least 0"
        ));
    }
    if secs > MAX_SECONDS {
        return Err(too_long(&format!("{secs:e}")));
    }
    let ms = (secs * 1000.0).round();
    if ms == 0.0 && secs > 0.0 {
        return Err(below_resolution(&secs.to_string()));
    }
    Ok(Duration(ms as Millis))
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if !ms.is_multiple_of(SECOND) {
            return write!(f, "{}s", ms as f64 / 1000.0);
        }
        let s = ms / SECOND;
        if s == 0 {
            return write!(f, "0s");
        }
        let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
        let mut rest = s;
        for (size, name) in units {
            if rest >= size {
                write!(f, "{}{}", rest / size, name)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a duration such as \"90s\", \"5m\", \"36h\", \"7d\" or a number of seconds",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                from_seconds(v as f64).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                from_seconds(v as f64).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                from_seconds(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A count or size that AWS APIs accept either as a JSON number or as a string (`"512"`,
/// `"1 vCPU"`, `"2 GB"`), kept as written and interpreted by [`cpu_units`] / [`memory_mib`].
#[derive(Debug, Clone, PartialEq)]
pub struct NumOrString(pub String);

impl<'de> Deserialize<'de> for NumOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = NumOrString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string such as \"512\", \"1 vCPU\", \"2 GB\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumOrString, E> {
                Ok(NumOrString(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumOrString, E> {
                Ok(NumOrString(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumOrString, E> {
                Ok(NumOrString(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumOrString, E> {
                Ok(NumOrString(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

fn split_unit(s: &str) -> (f64, String) {
    let t = s.trim();
    let idx = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let num = t[..idx].trim().parse::<f64>().unwrap_or(f64::NAN);
    (num, t[idx..].trim().to_ascii_lowercase())
}

/// Task CPU as ECS reads it: CPU units (`"512"`, `512`) or vCPUs (`"0.5 vCPU"`, `"1 vcpu"`).
pub fn cpu_units(v: &NumOrString) -> Result<u32, String> {
    let (n, unit) = split_unit(&v.0);
    let units = match unit.as_str() {
        "" => n,
        "vcpu" | "vcpus" => n * 1024.0,
        _ => f64::NAN,
    };
    if !units.is_finite() || units <= 0.0 || units.fract() != 0.0 || units > 1.0e7 {
        return Err(format!(
            "`{}` is not a CPU size: expected CPU units such as \"512\" or vCPUs such as \"0.5 vCPU\"",
            v.0
        ));
    }
    Ok(units as u32)
}

/// Task memory as ECS reads it: MiB (`"1024"`, `1024`) or GB (`"2 GB"`, meaning GiB as ECS does).
pub fn memory_mib(v: &NumOrString) -> Result<u32, String> {
    let (n, unit) = split_unit(&v.0);
    let mib = match unit.as_str() {
        "" | "mib" | "mb" => n,
        "gb" | "gib" => n * 1024.0,
        _ => f64::NAN,
    };
    if !mib.is_finite() || mib <= 0.0 || mib.fract() != 0.0 || mib > 1.0e9 {
        return Err(format!(
            "`{}` is not a memory size: expected MiB such as \"1024\" or GB such as \"2 GB\"",
            v.0
        ));
    }
    Ok(mib as u32)
}

/// A distribution of delays (a `model` default such as start-up latency).
///
/// ```json
/// {"distribution": "lognormal", "median": "30s", "p95": "90s"}
/// {"distribution": "fixed", "value": "40s"}
/// {"distribution": "exponential", "mean": "20s"}
/// {"distribution": "uniform", "min": "10s", "max": "20s"}
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "distribution", rename_all = "camelCase", deny_unknown_fields)]
pub enum Delay {
    /// Always the same value.
    Fixed {
        /// The value.
        value: Duration,
    },
    /// Exponential with this mean.
    Exponential {
        /// The mean.
        mean: Duration,
    },
    /// Uniform between two values.
    Uniform {
        /// Lower end.
        min: Duration,
        /// Upper end.
        max: Duration,
    },
    /// Lognormal given by its median and its 95th percentile (p95 ≥ median).
    Lognormal {
        /// The median.
        median: Duration,
        /// The 95th percentile.
        p95: Duration,
    },
}

/// The standard normal quantile at 0.95, for lognormal distributions given by median and p95.
pub const Z95: f64 = 1.644_853_626_951_472_2;

impl Delay {
    /// Checks the parameters; the message says what would be valid.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Delay::Uniform { min, max } if max < min => Err(format!(
                "uniform max {max} is below min {min}: max must be at least min"
            )),
            Delay::Lognormal { median, p95 } if p95 < median => Err(format!(
                "lognormal p95 {p95} is below the median {median}: p95 must be at least the median"
            )),
            Delay::Lognormal { median, .. } if median.0 == 0 => {
                Err("lognormal median must be above 0s".to_string())
            }
            _ => Ok(()),
        }
    }

    /// Draws one delay in milliseconds.
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> Millis {
        use rand::RngExt;
        use rand_distr::{Distribution, Exp1, StandardNormal};
        match *self {
            Delay::Fixed { value } => value.0,
            Delay::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                crate::util::round::round(e * mean.0 as f64) as Millis
            }
            Delay::Uniform { min, max } => {
                if max.0 == min.0 {
                    min.0
                } else {
                    rng.random_range(min.0..=max.0)
                }
            }
            Delay::Lognormal { median, p95 } => {
                let mu = (median.0 as f64).ln();
                let sigma = ((p95.0 as f64) / (median.0 as f64)).ln() / Z95;
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp().round().min(1.0e15) as Millis
            }
        }
    }

    /// The mean in milliseconds (for documentation and sanity checks).
    pub fn mean(&self) -> f64 {
        match *self {
            Delay::Fixed { value } => value.0 as f64,
            Delay::Exponential { mean } => mean.0 as f64,
            Delay::Uniform { min, max } => (min.0 + max.0) as f64 / 2.0,
            Delay::Lognormal { median, p95 } => {
                let sigma = ((p95.0 as f64) / (median.0 as f64)).ln() / Z95;
                median.0 as f64 * (sigma * sigma / 2.0).exp()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rng::Streams;

    #[test]
    fn durations() {
        let p = |s: &str| Duration::parse(s).unwrap().millis();
        assert_eq!(p("90s"), 90_000);
        assert_eq!(p("5m"), 300_000);
        // 36 h = 36 × 3,600,000 ms
        assert_eq!(p("36h"), 129_600_000);
        // 7 d = 7 × 86,400,000 ms
        assert_eq!(p("7d"), 604_800_000);
        assert_eq!(p("45"), 45_000);
        assert!(Duration::parse("5 parsecs").is_err());
        assert!(Duration::parse("-3").is_err());
        assert_eq!(Duration(5_400_000).to_string(), "1h30m");
        assert_eq!(Duration(1_500).to_string(), "1.5s");
    }

    #[test]
    fn units_once_and_largest_first() {
        let p = |s: &str| Duration::parse(s).map(Duration::millis);
        // 1 h 30 min = 5,400,000 ms, with or without a space, and with long names.
        assert_eq!(p("1h30m"), Ok(5_400_000));
        assert_eq!(p("1h 30m"), Ok(5_400_000));
        assert_eq!(p("1hour 30minutes"), Ok(5_400_000));
        // 1 d 2 h 3 m 4 s 5 ms = 86,400,000 + 7,200,000 + 180,000 + 4,000 + 5.
        assert_eq!(p("1d2h3m4s5ms"), Ok(93_784_005));
        // humantime would add these up (6h5m, 2d, 1h30m): refused, naming the unit.
        let e = |s: &str| p(s).unwrap_err();
        assert!(
            e("1h5m5h").contains("gives hours twice (`h`)"),
            "{}",
            e("1h5m5h")
        );
        assert!(e("1d1d").contains("gives days twice (`d`)"));
        assert!(e("1h2hours").contains("gives hours twice (`h` and `hours`)"));
        assert!(e("30m1h").contains("gives hours (`h`) after minutes (`m`)"));
        // Month `M` and minute `m` are different units: 1M1m is in order.
        assert!(p("1M1m").is_ok());
    }

    #[test]
    fn lengths_round_to_the_millisecond_and_never_silently_to_zero() {
        let p = |s: &str| Duration::parse(s).map(Duration::millis);
        // 0.6 ms rounds up to 1 ms, 1.4 ms down to 1 ms, 2.5 ms up to 3 ms, as a number of
        // seconds rounds (0.0025 s × 1000 = 2.5 → 3).
        assert_eq!(p("0.6ms"), Ok(1));
        assert_eq!(p("1.4ms"), Ok(1));
        assert_eq!(p("2.5ms"), Ok(3));
        assert_eq!(p("0.0025"), Ok(3));
        // Below 0.5 ms a positive length would be 0: refused, as text and as a number.
        for s in ["0.0001s", "0.4ms", "100us", "0.0001"] {
            assert!(
                p(s).unwrap_err()
                    .contains("shorter than the simulator's resolution"),
                "{s}"
            );
        }
        let n: Result<Duration, _> = serde_json::from_str("0.0001");
        assert!(n.is_err());
        // 0 itself is a length (the fields that need a positive one say so).
        assert_eq!(p("0s"), Ok(0));
        assert_eq!(p("0"), Ok(0));
    }

    #[test]
    fn cpu_and_memory_forms() {
        let n = |s: &str| NumOrString(s.to_string());
        assert_eq!(cpu_units(&n("512")), Ok(512));
        // 0.25 vCPU × 1024 = 256 units
        assert_eq!(cpu_units(&n(".25 vCPU")), Ok(256));
        assert_eq!(cpu_units(&n("1 vcpu")), Ok(1024));
        assert!(cpu_units(&n("lots")).is_err());
        // "2 GB" is 2 × 1024 MiB in ECS task definitions
        assert_eq!(memory_mib(&n("2 GB")), Ok(2048));
        assert_eq!(memory_mib(&n("1024")), Ok(1024));
        assert!(memory_mib(&n("0")).is_err());
    }

    #[test]
    fn lognormal_median_is_the_median() {
        // Half of the draws fall below the median by definition: with 4,000 draws the count
        // below 30 s is 2,000 ± 3 standard deviations (√(4000 × 0.25) ≈ 31.6 → ±95).
        let d = Delay::Lognormal {
            median: Duration(30_000),
            p95: Duration(90_000),
        };
        let mut rng = Streams::new(3).stream("test", "lognormal", 0);
        let below = (0..4000).filter(|_| d.sample(&mut rng) < 30_000).count();
        assert!((1905..=2095).contains(&below), "{below}");
        // And 95 % fall below p95: 3,800 ± 3 × √(4000 × 0.05 × 0.95) ≈ ±41.
        let below95 = (0..4000).filter(|_| d.sample(&mut rng) < 90_000).count();
        assert!((3759..=3841).contains(&below95), "{below95}");
    }
}
