//! Application Auto Scaling schedule expressions: `at()`, `rate()` and `cron()`, read in an
//! optional IANA time zone and bounded by an optional StartTime / EndTime.
//!
//! This is the `Schedule`, `Timezone`, `StartTime` and `EndTime` part of AWS's
//! `PutScheduledAction`. [`Schedule::parse`] checks the four strings the way AWS documents them
//! and reports the first problem with the field it is in and a character offset;
//! [`Schedule::next_after`] answers "when does this action fire next?" in UTC epoch
//! milliseconds. Everything here is pure: no clock is read and no system time zone database is
//! opened (the IANA database is compiled in by `chrono-tz`).
//!
//! ```
//! use ecsim::schedule::Schedule;
//!
//! // Weekdays at 09:00 in Paris. 2026-01-09 is a Friday; Paris is UTC+1 in winter.
//! let s = Schedule::parse("cron(0 9 ? * MON-FRI *)", Some("Europe/Paris"), None, None).unwrap();
//! let fri_2026_01_09_1000z = 1_767_952_800_000; // 2026-01-09T10:00:00Z
//! let mon_2026_01_12_0800z = 1_768_204_800_000; // 2026-01-12T09:00 in Paris = 08:00Z
//! assert_eq!(s.next_after(fri_2026_01_09_1000z, 0), Some(mon_2026_01_12_0800z));
//! assert_eq!(s.describe(), "cron(0 9 ? * MON-FRI *) in Europe/Paris");
//!
//! let err = Schedule::parse("cron(0 9 1 * MON *)", None, None, None).unwrap_err();
//! assert_eq!((err.field, err.offset), ("Schedule", 13)); // points at `MON`
//! ```
//!
//! # The three forms
//!
//! * `at(yyyy-mm-ddThh:mm:ss)` fires once, at that wall-clock time in the time zone.
//! * `rate(value unit)`: `value` a positive whole number, `unit` one of `minute`, `minutes`,
//!   `hour`, `hours`, `day`, `days`. AWS requires the singular for 1 and the plural otherwise;
//!   ecsim accepts either spelling with any value (a scenario that says `rate(1 hours)` means
//!   the same thing). The time zone does not affect a rate.
//! * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, AWS's six-field cron:
//!
//! | field        | values               | wildcards          |
//! |--------------|----------------------|--------------------|
//! | Minutes      | 0-59                 | `, - * /`          |
//! | Hours        | 0-23                 | `, - * /`          |
//! | Day-of-month | 1-31                 | `, - * ? / L W`    |
//! | Month        | 1-12 or JAN-DEC      | `, - * /`          |
//! | Day-of-week  | 1-7 or SUN-SAT (1 = SUN) | `, - * ? L #`  |
//! | Year         | 1970-2199            | `, - * /`          |
//!
//! Exactly one of Day-of-month and Day-of-week must be `?`. `a/n` starts at `a` and steps by
//! `n` (`1/10` in Minutes is 1, 11, 21, …). `L` alone is the last day of the month (Day-of-month)
//! or the last day of the week, Saturday (Day-of-week); `nL` in Day-of-week is the last
//! weekday `n` of the month; `LW` is the last weekday (Mon–Fri) of the month; `nW` the weekday
//! nearest day `n`, never leaving the month; `n#k` the `k`-th weekday `n` of the month (k 1-5).
//! Month and weekday names are read case-insensitively.
//!
//! # Rules chosen where AWS is silent (ecsim's model)
//!
//! * Resolution is one minute and every firing is at second 0. A time that is not on a whole
//!   minute (an `at()` with seconds, a rate anchored at a creation time with seconds) is moved
//!   *up* to the next whole minute, so nothing ever fires before the time asked for.
//! * Nothing fires before the action was created (`created_epoch_ms` of
//!   [`Schedule::next_after`]).
//! * `rate()` fires at its anchor and then every interval: the anchor is StartTime when given,
//!   otherwise the creation time (AWS documents no anchor for Application Auto Scaling; its
//!   EventBridge text says "a rate expression starts when you create the scheduled event rule";
//!   EventBridge Scheduler: StartDate sets the first occurrence, without one the schedule starts
//!   at once). So with the simulation start as the creation time, a rate schedule fires at the
//!   start, to ask for it call `next_after(created - 1, created)`.
//! * StartTime and EndTime bound recurring schedules (`rate()`, `cron()`), both inclusive, as
//!   the PutScheduledAction reference describes; an `at()` ignores them (as EventBridge
//!   Scheduler ignores them for one-time schedules). EndTime before StartTime is an error.
//!   They are RFC 3339 instants with a `Z` or `±hh:mm` offset, years 1970-9999.
//! * A recurring schedule with a StartTime fires **at the StartTime** (moved up to a whole
//!   minute), then on its recurrence: AWS's rule ("If you specify a start time, Application
//!   Auto Scaling performs the action at this time, and then performs the action based on the
//!   specified recurrence", Application Auto Scaling User Guide, scheduled scaling with cron
//!   expressions). For `rate()` that is its anchor; a `cron()` also fires at a StartTime its
//!   fields do not match (`cron(0 12 * * ? *)` from 08:00 fires at 08:00, then at 12:00). A
//!   StartTime before the creation time has passed: the recurrence goes on from there.
//! * `at()` years are 1970-2199 like the cron Year field; `cron()` never fires after 2199.
//! * A wall-clock time that a DST change skips (an `at()` or a fixed-time cron at 02:30 on the
//!   spring-forward night) fires at the first minute after the gap; one that happens twice (the
//!   fall-back night) fires once, at the first of the two instants. Cron patterns with `*` or a
//!   step in minutes/hours skip the missing hour and fire in both copies of a repeated hour.
//!   (This is croner's documented behaviour, which matches Vixie cron; AWS documents none.)
//! * Ranges must run forwards (`22-2` is an error; write `22-23,0-2`). `L`, `W` and `#` must be
//!   the whole field (Quartz, whose syntax AWS follows, rejects them in lists). `*` and `?`
//!   must stand alone. Steps run from 1 to the size of the field's range.
//!
//! # Why `croner`
//!
//! The expression is checked here, field by field, so that errors carry AWS's wording and an
//! exact offset; evaluation (walking the calendar, months of different lengths, DST gaps and
//! overlaps) is left to [`croner`]. Compared with the `cron` crate (0.17): `cron` has a year
//! field and Quartz weekday numbering but no `L`, `W` or `#`, so AWS's `6#3` or `L` could not be
//! expressed; `croner` (4.0) has all of them, an optional year field, a Quartz weekday mode
//! (`alternative_weekdays`: 1 = SUN … 7 = SAT, as AWS), `?`, documented DST handling, works
//! on `chrono::DateTime<chrono_tz::Tz>` and builds with no default features (no clock, no
//! system time zone). What croner cannot take as AWS writes it is translated first (see
//! `to_croner`): weekday and month names become numbers (croner's own name replacement runs
//! over the whole pattern), `a/n` becomes `a-max/n` (croner's strict mode rejects `a/n`),
//! a lone `L` in Day-of-week becomes `7` (Saturday), `nL` becomes `n#L`, `?` becomes `*`, a
//! `*` year becomes `1970-2199`, and a seconds field `0` is put in front.

use std::fmt;

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// One minute in milliseconds: the resolution of every schedule.
const MINUTE_MS: i64 = 60_000;
/// First year a cron Year field or an `at()` may name (AWS's cron range).
const FIRST_YEAR: u32 = 1970;
/// Last year a cron Year field or an `at()` may name (AWS's cron range).
const LAST_YEAR: u32 = 2199;
/// Last year a StartTime or EndTime may name.
const LAST_BOUND_YEAR: u32 = 9999;
/// 2200-01-01T00:00:00Z: no cron schedule fires at or after this instant.
const CRON_HORIZON_MS: i64 = 7_258_118_400_000;

/// Why a schedule was rejected: which input, where in it, and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    /// The PutScheduledAction parameter at fault: `"Schedule"`, `"Timezone"`, `"StartTime"` or
    /// `"EndTime"`.
    pub field: &'static str,
    /// 0-based character (not byte) offset of the problem inside that parameter's string; 0 when
    /// the whole value is at fault.
    pub offset: usize,
    /// What was found and what would be valid.
    pub message: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (character offset {}): {}",
            self.field, self.offset, self.message
        )
    }
}

impl std::error::Error for ScheduleError {}

/// A checked scheduled-action schedule: when an Application Auto Scaling scheduled action runs.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The schedule expression as given, without surrounding white space.
    expression: String,
    /// The time zone `at()` and `cron()` are read in; `None` means UTC (the AWS default).
    timezone: Option<Tz>,
    /// StartTime in UTC epoch milliseconds.
    start_ms: Option<i64>,
    /// EndTime in UTC epoch milliseconds.
    end_ms: Option<i64>,
    /// What kind of schedule it is.
    kind: Kind,
}

/// The three forms of schedule, ready to evaluate.
#[derive(Debug, Clone)]
enum Kind {
    /// Fires once at this instant (already on a whole minute).
    At { at_ms: i64 },
    /// Fires every `interval_ms` (a whole number of minutes) from its anchor.
    Rate { interval_ms: i64 },
    /// Fires whenever the translated croner pattern matches.
    Cron { cron: Box<Cron> },
}

/// A schedule expression parsed but not yet tied to a time zone.
enum Parsed {
    At {
        local: NaiveDateTime,
    },
    Rate {
        interval_ms: i64,
    },
    Cron {
        pattern: String,
        /// Byte offset of the first field, for the (unexpected) case croner refuses it.
        at: usize,
    },
}

/// An error found inside one string, as a byte offset into it, before it is turned into a
/// [`ScheduleError`] with a character offset.
struct Fault {
    byte: usize,
    message: String,
}

fn fault(byte: usize, message: impl Into<String>) -> Fault {
    Fault {
        byte,
        message: message.into(),
    }
}

impl Fault {
    /// Attaches the field name and turns the byte offset into a character offset in `text`.
    fn into_error(self, field: &'static str, text: &str) -> ScheduleError {
        let byte = self.byte.min(text.len());
        let offset = text
            .char_indices()
            .take_while(|(index, _)| *index < byte)
            .count();
        ScheduleError {
            field,
            offset,
            message: self.message,
        }
    }
}

impl Schedule {
    /// Parses and checks a scheduled action's `Schedule`, `Timezone`, `StartTime` and `EndTime`.
    ///
    /// `expr` is `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(six fields)`;
    /// `timezone` an IANA name such as `"America/New_York"` (UTC when `None`); `start_time` and
    /// `end_time` RFC 3339 instants such as `"2026-03-01T00:00:00Z"`. The first problem found is
    /// returned, looking at the parameters in that order. Never panics, whatever the input.
    pub fn parse(
        expr: &str,
        timezone: Option<&str>,
        start_time: Option<&str>,
        end_time: Option<&str>,
    ) -> Result<Schedule, ScheduleError> {
        let parsed = parse_expression(expr).map_err(|f| f.into_error("Schedule", expr))?;
        let tz = match timezone {
            None => None,
            Some(name) => Some(name.parse::<Tz>().map_err(|_| ScheduleError {
                field: "Timezone",
                offset: 0,
                message: format!(
                    "unknown time zone `{name}`: expected an IANA time zone name such as \
                     `UTC`, `Europe/Paris` or `America/New_York` (names are case-sensitive)"
                ),
            })?),
        };
        let start_ms = match start_time {
            None => None,
            Some(text) => Some(parse_rfc3339(text).map_err(|f| f.into_error("StartTime", text))?),
        };
        let end_ms = match end_time {
            None => None,
            Some(text) => Some(parse_rfc3339(text).map_err(|f| f.into_error("EndTime", text))?),
        };
        if let (Some(start), Some(end), Some(end_text)) = (start_ms, end_ms, end_time)
            && end < start
        {
            return Err(ScheduleError {
                field: "EndTime",
                offset: 0,
                message: format!(
                    "EndTime `{end_text}` is before StartTime `{}`: the end must not come \
                     before the start",
                    start_time.unwrap_or_default()
                ),
            });
        }
        let zone = tz.unwrap_or(Tz::UTC);
        let kind = match parsed {
            Parsed::At { local } => Kind::At {
                // Years 1970-2199 are far from overflow, so the rounding always succeeds.
                at_ms: {
                    let ms = local_to_utc_ms(zone, local);
                    ceil_minute(ms).unwrap_or(ms)
                },
            },
            Parsed::Rate { interval_ms } => Kind::Rate { interval_ms },
            Parsed::Cron { pattern, at } => {
                let cron = CronParser::builder()
                    .seconds(Seconds::Required)
                    .year(Year::Required)
                    .alternative_weekdays(true)
                    .build()
                    .parse(&pattern)
                    .map_err(|e| {
                        fault(
                            at,
                            format!("the cron evaluator refused `{pattern}` (translated): {e}"),
                        )
                        .into_error("Schedule", expr)
                    })?;
                Kind::Cron {
                    cron: Box::new(cron),
                }
            }
        };
        Ok(Schedule {
            expression: expr.trim().to_string(),
            timezone: tz,
            start_ms,
            end_ms,
            kind,
        })
    }

    /// The first firing instant strictly after `after_epoch_ms`, in UTC epoch milliseconds, or
    /// `None` when the action never fires again.
    ///
    /// `created_epoch_ms` is when the action was created (in ecsim, the simulation start):
    /// nothing fires before it, and a `rate()` without StartTime counts its intervals from it
    /// (rounded up to a whole minute), firing at the anchor itself first. StartTime/EndTime
    /// bound `rate()` and `cron()` (inclusive), and both fire at the StartTime itself (when it
    /// is not before creation), then on the recurrence. Every answer is on a whole minute.
    /// Never panics.
    pub fn next_after(&self, after_epoch_ms: i64, created_epoch_ms: i64) -> Option<i64> {
        // Nothing fires before creation: "strictly after created - 1" is "at or after created".
        let after = after_epoch_ms.max(created_epoch_ms.saturating_sub(1));
        match &self.kind {
            Kind::At { at_ms } => (*at_ms > after).then_some(*at_ms),
            Kind::Rate { interval_ms } => {
                let after = self.after_start(after);
                let anchor = ceil_minute(self.start_ms.unwrap_or(created_epoch_ms))?;
                let next = if after < anchor {
                    anchor
                } else {
                    let k = (i128::from(after) - i128::from(anchor)) / i128::from(*interval_ms) + 1;
                    i64::try_from(i128::from(anchor) + k * i128::from(*interval_ms)).ok()?
                };
                self.before_end(next)
            }
            Kind::Cron { cron } => {
                // "If you specify a start time, Application Auto Scaling performs the action at
                // this time, and then performs the action based on the specified recurrence."
                if let Some(first) = self.start_ms.and_then(ceil_minute)
                    && first > after
                {
                    return (first < CRON_HORIZON_MS)
                        .then_some(first)
                        .and_then(|t| self.before_end(t));
                }
                let after = self.after_start(after).max(-1);
                if after >= CRON_HORIZON_MS {
                    return None;
                }
                let zone = self.timezone.unwrap_or(Tz::UTC);
                let from = Utc
                    .timestamp_opt(after.div_euclid(1000), 0)
                    .single()?
                    .with_timezone(&zone);
                let next = cron.find_next_occurrence(&from, false).ok()?;
                let next = ceil_minute(next.timestamp_millis())?;
                if next <= after || next >= CRON_HORIZON_MS {
                    return None;
                }
                self.before_end(next)
            }
        }
    }

    /// A one-line description for activity causes, e.g.
    /// `cron(0 9 ? * MON-FRI *) in Europe/Paris` or
    /// `rate(5 minutes) from 2026-01-01T00:00:00Z until 2026-02-01T00:00:00Z`.
    ///
    /// The time zone is named when one was given and the form uses it (`at()`, `cron()`); the
    /// bounds are shown for the forms they apply to (`rate()`, `cron()`).
    pub fn describe(&self) -> String {
        let mut text = self.expression.clone();
        let recurring = !matches!(self.kind, Kind::At { .. });
        if let (Some(tz), false) = (self.timezone, matches!(self.kind, Kind::Rate { .. })) {
            text.push_str(" in ");
            text.push_str(tz.name());
        }
        if recurring {
            if let Some(start) = self.start_ms {
                text.push_str(" from ");
                text.push_str(&format_utc(start));
            }
            if let Some(end) = self.end_ms {
                text.push_str(" until ");
                text.push_str(&format_utc(end));
            }
        }
        text
    }

    /// Moves `after` so that nothing before StartTime is returned.
    fn after_start(&self, after: i64) -> i64 {
        match self.start_ms {
            Some(start) => after.max(start.saturating_sub(1)),
            None => after,
        }
    }

    /// `Some(next)` unless it lies after EndTime.
    fn before_end(&self, next: i64) -> Option<i64> {
        match self.end_ms {
            Some(end) if next > end => None,
            _ => Some(next),
        }
    }
}

/// Rounds an epoch-millisecond instant up to a whole minute; `None` on overflow.
fn ceil_minute(ms: i64) -> Option<i64> {
    match ms.rem_euclid(MINUTE_MS) {
        0 => Some(ms),
        rem => ms.checked_add(MINUTE_MS - rem),
    }
}

/// Formats epoch milliseconds as `yyyy-mm-ddThh:mm:ssZ` (seconds precision).
pub(crate) fn format_utc(ms: i64) -> String {
    match Utc.timestamp_opt(ms.div_euclid(1000), 0).single() {
        Some(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        None => format!("{ms} ms"),
    }
}

/// The UTC instant of a wall-clock time in `zone`. A time skipped by a DST change maps to the
/// first whole minute after the gap; a repeated one to the earlier instant.
fn local_to_utc_ms(zone: Tz, local: NaiveDateTime) -> i64 {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.timestamp_millis(),
        LocalResult::Ambiguous(earlier, _) => earlier.timestamp_millis(),
        LocalResult::None => {
            // A gap is at most a few hours; look up to a day ahead, minute by minute.
            let mut probe = local;
            for _ in 0..1440 {
                probe = match probe.checked_add_signed(chrono::TimeDelta::minutes(1)) {
                    Some(p) => p,
                    None => break,
                };
                let probe_minute = probe.with_second(0).unwrap_or(probe);
                match zone.from_local_datetime(&probe_minute) {
                    LocalResult::Single(t) => return t.timestamp_millis(),
                    LocalResult::Ambiguous(t, _) => return t.timestamp_millis(),
                    LocalResult::None => {}
                }
            }
            // Not reachable with a real zone; read the time as UTC rather than fail.
            local.and_utc().timestamp_millis()
        }
    }
}

/// Splits `expr` into its function and argument and parses the argument.
fn parse_expression(expr: &str) -> Result<Parsed, Fault> {
    let lead = expr.len() - expr.trim_start().len();
    let body = expr.trim();
    const EXPECTED: &str =
        "expected `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or `cron(fields)`";
    if body.is_empty() {
        return Err(fault(0, format!("the schedule is empty: {EXPECTED}")));
    }
    let Some(open) = body.find('(') else {
        return Err(fault(
            lead,
            format!("`{body}` is not a schedule expression: {EXPECTED}"),
        ));
    };
    let name = &body[..open];
    if !matches!(name, "at" | "rate" | "cron") {
        return Err(fault(
            lead,
            format!("unknown schedule function `{name}`: {EXPECTED}"),
        ));
    }
    if !body.ends_with(')') {
        return Err(fault(
            lead + body.len(),
            format!("`{name}(` is not closed: the expression must end with `)`"),
        ));
    }
    let inner_start = lead + open + 1;
    let inner = &body[open + 1..body.len() - 1];
    match name {
        "at" => parse_civil(inner, FIRST_YEAR, LAST_YEAR, false)
            .and_then(|(local, used)| {
                if used == inner.len() {
                    Ok(Parsed::At { local })
                } else {
                    Err(fault(
                        used,
                        format!(
                            "unexpected `{}` after the time: `at()` takes exactly \
                             yyyy-mm-ddThh:mm:ss",
                            &inner[used..]
                        ),
                    ))
                }
            })
            .map_err(|f| fault(inner_start + f.byte, f.message)),
        "rate" => parse_rate(inner, inner_start),
        _ => parse_cron(inner, inner_start),
    }
}

/// Parses a leading `yyyy-mm-ddThh:mm:ss` (19 ASCII characters) and returns the naive time and
/// the number of bytes used. Years must lie in `first_year..=last_year`. `lower_t` also accepts
/// a lower-case `t` separator (RFC 3339).
fn parse_civil(
    text: &str,
    first_year: u32,
    last_year: u32,
    lower_t: bool,
) -> Result<(NaiveDateTime, usize), Fault> {
    const SHAPE: &[u8; 19] = b"dddd-dd-ddTdd:dd:dd";
    const FORMAT: &str = "yyyy-mm-ddThh:mm:ss";
    let bytes = text.as_bytes();
    for (i, &want) in SHAPE.iter().enumerate() {
        let Some(&got) = bytes.get(i) else {
            return Err(fault(
                i,
                format!("the date and time end early: expected {FORMAT}"),
            ));
        };
        let ok = match want {
            b'd' => got.is_ascii_digit(),
            b'T' => got == b'T' || (lower_t && got == b't'),
            other => got == other,
        };
        if !ok {
            // Every byte before `i` is ASCII, so `i` is a character boundary.
            let found: String = text[i..]
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default();
            let wanted = match want {
                b'd' => "a digit".to_string(),
                other => format!("`{}`", other as char),
            };
            return Err(fault(
                i,
                format!("found `{found}` where {wanted} was expected: the format is {FORMAT}"),
            ));
        }
    }
    let number = |from: usize, to: usize| -> u32 {
        bytes[from..to]
            .iter()
            .fold(0, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let (year, month, day) = (number(0, 4), number(5, 7), number(8, 10));
    let (hour, minute, second) = (number(11, 13), number(14, 16), number(17, 19));
    if !(first_year..=last_year).contains(&year) {
        return Err(fault(
            0,
            format!("year {year} is outside {first_year}-{last_year}"),
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(fault(5, format!("month {month:02} is outside 01-12")));
    }
    // The year is in range, so the first of the month exists.
    let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day) else {
        let days = days_in_month(year, month);
        return Err(fault(
            8,
            format!("day {day:02} does not exist in {year:04}-{month:02}, which has {days} days"),
        ));
    };
    if hour > 23 {
        return Err(fault(11, format!("hour {hour:02} is outside 00-23")));
    }
    if minute > 59 {
        return Err(fault(14, format!("minute {minute:02} is outside 00-59")));
    }
    if second > 59 {
        return Err(fault(17, format!("second {second:02} is outside 00-59")));
    }
    match date.and_hms_opt(hour, minute, second) {
        Some(t) => Ok((t, SHAPE.len())),
        None => Err(fault(11, format!("{FORMAT} is not a valid time"))),
    }
}

/// Number of days in a month of a (proleptic Gregorian) year.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses an RFC 3339 instant (`yyyy-mm-ddThh:mm:ss[.fff](Z|±hh:mm)`) to UTC epoch ms.
fn parse_rfc3339(text: &str) -> Result<i64, Fault> {
    let (local, mut at) = parse_civil(text, FIRST_YEAR, LAST_BOUND_YEAR, true)?;
    let bytes = text.as_bytes();
    let mut millis: i64 = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let digits = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return Err(fault(at, "a `.` must be followed by fraction digits"));
        }
        for (i, b) in bytes[at..at + digits].iter().take(3).enumerate() {
            millis += i64::from(b - b'0') * [100, 10, 1][i];
        }
        at += digits;
    }
    const ZONE: &str = "a UTC offset `Z` or `±hh:mm` (RFC 3339), e.g. `2026-03-01T00:00:00Z`";
    let offset_minutes: i64 = match bytes.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let zone = &bytes[at + 1..];
            let shape_ok = zone.len() >= 5
                && zone[0].is_ascii_digit()
                && zone[1].is_ascii_digit()
                && zone[2] == b':'
                && zone[3].is_ascii_digit()
                && zone[4].is_ascii_digit();
            if !shape_ok {
                return Err(fault(at, format!("malformed UTC offset: expected {ZONE}")));
            }
            let hours = i64::from((zone[0] - b'0') * 10 + (zone[1] - b'0'));
            let minutes = i64::from((zone[3] - b'0') * 10 + (zone[4] - b'0'));
            if hours > 23 || minutes > 59 {
                return Err(fault(
                    at + 1,
                    format!("UTC offset {hours:02}:{minutes:02} is out of range (at most 23:59)"),
                ));
            }
            at += 6;
            let total = hours * 60 + minutes;
            if sign == b'-' { -total } else { total }
        }
        None => {
            return Err(fault(
                at,
                format!("the UTC offset is missing: expected {ZONE}"),
            ));
        }
        Some(_) => {
            let found: String = text[at..]
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default();
            return Err(fault(
                at,
                format!("found `{found}` where {ZONE} was expected"),
            ));
        }
    };
    if at != text.len() {
        return Err(fault(
            at,
            format!("unexpected `{}` after the UTC offset", &text[at..]),
        ));
    }
    Ok(local.and_utc().timestamp_millis() + millis - offset_minutes * MINUTE_MS)
}

/// Parses an RFC 3339 instant to UTC epoch ms, or a message naming what is wrong and where
/// (the 1-based character column): `ecsim explain --at` reads timestamps with it.
pub(crate) fn instant_ms(text: &str) -> Result<i64, String> {
    parse_rfc3339(text).map_err(|f| {
        let e = f.into_error("", text);
        format!("column {}: {}", e.offset + 1, e.message)
    })
}

/// Parses a scenario's `start`, an RFC 3339 instant in UTC (`Z` or `+00:00`, years 1970-9999),
/// to UTC epoch ms; or the 0-based character offset of what is wrong and what is wrong there.
pub(crate) fn utc_instant_ms(text: &str) -> Result<i64, (usize, String)> {
    let ms = parse_rfc3339(text).map_err(|f| {
        let e = f.into_error("", text);
        (e.offset, e.message)
    })?;
    if ["Z", "z", "+00:00", "-00:00"]
        .iter()
        .any(|z| text.ends_with(z))
    {
        return Ok(ms);
    }
    // `parse_rfc3339` read an offset `±hh:mm` at the end: six ASCII characters.
    let at = text.len() - 6;
    Err((
        text[..at].chars().count(),
        format!("the UTC offset `{}` is not UTC: expected `Z`", &text[at..]),
    ))
}

/// Splits on ASCII white space, keeping each piece's byte offset (plus `base`).
fn words(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_whitespace() {
            if let Some(s) = start.take() {
                out.push((base + s, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((base + s, &text[s..]));
    }
    out
}

/// Parses the inside of `rate(...)`; `base` is its byte offset in the expression.
fn parse_rate(inner: &str, base: usize) -> Result<Parsed, Fault> {
    const UNITS: &str = "`minute`, `minutes`, `hour`, `hours`, `day` or `days`";
    let parts = words(inner, base);
    let Some(&(value_at, value)) = parts.first() else {
        return Err(fault(
            base,
            "the rate is empty: expected `rate(value unit)`, e.g. `rate(5 minutes)`",
        ));
    };
    if let Some((i, c)) = value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(fault(
            value_at + i,
            format!(
                "found `{c}` in the rate value `{value}`: the value is a positive whole number"
            ),
        ));
    }
    // Digits only; more than 12 of them is beyond any interval that fits in i64 milliseconds.
    let amount: i64 = if value.trim_start_matches('0').len() > 12 {
        i64::MAX
    } else {
        value.parse().unwrap_or(i64::MAX)
    };
    if amount == 0 {
        return Err(fault(value_at, "the rate value must be positive, found 0"));
    }
    let Some(&(unit_at, unit)) = parts.get(1) else {
        return Err(fault(
            base + inner.len(),
            format!("the rate has no unit after `{value}`: expected {UNITS}"),
        ));
    };
    let unit_ms: i64 = match unit {
        "minute" | "minutes" => MINUTE_MS,
        "hour" | "hours" => 60 * MINUTE_MS,
        "day" | "days" => 24 * 60 * MINUTE_MS,
        other => {
            return Err(fault(
                unit_at,
                format!("unknown rate unit `{other}`: expected {UNITS}"),
            ));
        }
    };
    if let Some(&(extra_at, extra)) = parts.get(2) {
        return Err(fault(
            extra_at,
            format!("unexpected `{extra}` after the unit: expected `rate(value unit)`"),
        ));
    }
    let Some(interval_ms) = amount.checked_mul(unit_ms) else {
        return Err(fault(
            value_at,
            format!("the rate value {value} is too large"),
        ));
    };
    Ok(Parsed::Rate { interval_ms })
}

/// Which of the six cron fields.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Minutes,
    Hours,
    DayOfMonth,
    Month,
    DayOfWeek,
    Year,
}

/// What AWS allows in one cron field.
struct FieldSpec {
    kind: FieldKind,
    name: &'static str,
    min: u32,
    max: u32,
    /// Names for `min`, `min + 1`, … (months, weekdays).
    names: &'static [&'static str],
    /// The special characters allowed besides digits (and names).
    wildcards: &'static str,
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: [FieldSpec; 6] = [
    FieldSpec {
        kind: FieldKind::Minutes,
        name: "Minutes",
        min: 0,
        max: 59,
        names: &[],
        wildcards: ", - * /",
    },
    FieldSpec {
        kind: FieldKind::Hours,
        name: "Hours",
        min: 0,
        max: 23,
        names: &[],
        wildcards: ", - * /",
    },
    FieldSpec {
        kind: FieldKind::DayOfMonth,
        name: "Day-of-month",
        min: 1,
        max: 31,
        names: &[],
        wildcards: ", - * ? / L W",
    },
    FieldSpec {
        kind: FieldKind::Month,
        name: "Month",
        min: 1,
        max: 12,
        names: MONTHS,
        wildcards: ", - * /",
    },
    FieldSpec {
        kind: FieldKind::DayOfWeek,
        name: "Day-of-week",
        min: 1,
        max: 7,
        names: WEEKDAYS,
        wildcards: ", - * ? L #",
    },
    FieldSpec {
        kind: FieldKind::Year,
        name: "Year",
        min: FIRST_YEAR,
        max: LAST_YEAR,
        names: &[],
        wildcards: ", - * /",
    },
];

/// Parses the inside of `cron(...)`; `base` is its byte offset in the expression.
fn parse_cron(inner: &str, base: usize) -> Result<Parsed, Fault> {
    let fields = words(inner, base);
    if fields.len() != 6 {
        let at = match fields.get(6) {
            Some(&(at, _)) => at,
            None => base + inner.len(),
        };
        return Err(fault(
            at,
            format!(
                "cron() needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), \
                 found {}",
                fields.len()
            ),
        ));
    }
    let mut translated = Vec::with_capacity(6);
    for (spec, &(at, text)) in FIELDS.iter().zip(&fields) {
        translated.push(translate_field(spec, text, at)?);
    }
    let (dom, dow) = (fields[2].1, fields[4].1);
    match (dom == "?", dow == "?") {
        (false, false) => {
            return Err(fault(
                fields[4].0,
                format!(
                    "day-of-month and day-of-week cannot both be set: one of them must be `?` \
                     (found `{dom}` and `{dow}`)"
                ),
            ));
        }
        (true, true) => {
            return Err(fault(
                fields[4].0,
                "day-of-month and day-of-week cannot both be `?`: set one of them (`*` for \
                 every day)",
            ));
        }
        _ => {}
    }
    Ok(Parsed::Cron {
        pattern: to_croner(&translated),
        at: fields[0].0,
    })
}

/// Joins translated fields into croner's seven-field pattern (a seconds field `0` first).
fn to_croner(fields: &[String]) -> String {
    let mut pattern = String::from("0");
    for field in fields {
        pattern.push(' ');
        pattern.push_str(field);
    }
    pattern
}

/// Checks one AWS cron field and returns croner's spelling of it. `at` is the field's byte
/// offset in the expression.
fn translate_field(spec: &FieldSpec, text: &str, at: usize) -> Result<String, Fault> {
    let day_field = matches!(spec.kind, FieldKind::DayOfMonth | FieldKind::DayOfWeek);
    // Characters first, so a misplaced wildcard is reported where it stands.
    for (i, c) in text.char_indices() {
        let upper = c.to_ascii_uppercase();
        let allowed = c.is_ascii_digit()
            || (c != ' ' && spec.wildcards.contains(upper))
            || (!spec.names.is_empty() && c.is_ascii_alphabetic());
        if !allowed {
            let what = if c.is_alphabetic() {
                "letters are not allowed".to_string()
            } else {
                format!("`{c}` is not allowed")
            };
            return Err(fault(
                at + i,
                format!(
                    "{what} in the {} field: it takes {}-{}{} and the wildcards {}",
                    spec.name,
                    spec.min,
                    spec.max,
                    match spec.kind {
                        FieldKind::Month => " or JAN-DEC",
                        FieldKind::DayOfWeek => " (1 = SUN) or SUN-SAT",
                        _ => "",
                    },
                    spec.wildcards
                ),
            ));
        }
    }
    if text == "*" {
        return Ok(match spec.kind {
            FieldKind::Year => format!("{FIRST_YEAR}-{LAST_YEAR}"),
            _ => "*".to_string(),
        });
    }
    if day_field && text == "?" {
        return Ok("*".to_string());
    }
    if let Some(i) = text.find('?') {
        return Err(fault(
            at + i,
            format!(
                "`?` must be the whole {} field, not part of `{text}`",
                spec.name
            ),
        ));
    }
    let items: Vec<(usize, &str)> = {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == ',' {
                out.push((start, &text[start..i]));
                start = i + 1;
            }
        }
        out.push((start, &text[start..]));
        out
    };
    let special = |item: &str| {
        let upper = item.to_ascii_uppercase();
        match spec.kind {
            FieldKind::DayOfMonth => upper.contains('L') || upper.contains('W'),
            FieldKind::DayOfWeek => {
                upper.contains('#') || upper == "L" || (upper.ends_with('L') && upper.len() > 1)
            }
            _ => false,
        }
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for &(offset, item) in &items {
        let item_at = at + offset;
        if item.is_empty() {
            return Err(fault(
                item_at,
                format!("empty value in the {} list `{text}`", spec.name),
            ));
        }
        if special(item) {
            if items.len() > 1 {
                let what = if spec.kind == FieldKind::DayOfWeek && item.contains('#') {
                    "with `#` the Day-of-week field can hold only one expression".to_string()
                } else {
                    format!(
                        "`{item}` cannot be combined with other values in the {} field",
                        spec.name
                    )
                };
                return Err(fault(item_at, what));
            }
            out.push(translate_special(spec, item, item_at)?);
        } else {
            out.push(translate_item(spec, item, item_at)?);
        }
    }
    Ok(out.join(","))
}

/// Translates `L`, `LW`, `nW` (Day-of-month) or `L`, `nL`, `n#k` (Day-of-week).
fn translate_special(spec: &FieldSpec, item: &str, at: usize) -> Result<String, Fault> {
    let upper = item.to_ascii_uppercase();
    if spec.kind == FieldKind::DayOfMonth {
        if upper == "L" || upper == "LW" {
            return Ok(upper);
        }
        if let Some(day) = upper.strip_suffix('W')
            && !day.is_empty()
            && day.bytes().all(|b| b.is_ascii_digit())
        {
            let n = value(spec, day, at)?;
            return Ok(format!("{n}W"));
        }
        return Err(fault(
            at,
            format!(
                "`{item}` is not valid in the Day-of-month field: use `L` (last day of the \
                 month), `LW` (last weekday of the month) or `nW` (weekday nearest day n, e.g. \
                 `15W`), each on its own"
            ),
        ));
    }
    // Day-of-week.
    if upper == "L" {
        // Quartz: `L` alone in Day-of-week is the last day of the week, 7 = SAT.
        return Ok("7".to_string());
    }
    if let Some((day, nth)) = item.split_once('#') {
        let n = value(spec, day, at)?;
        let nth_at = at + day.len() + 1;
        let k: u32 = if !nth.is_empty() && nth.len() <= 2 && nth.bytes().all(|b| b.is_ascii_digit())
        {
            nth.parse().unwrap_or(0)
        } else {
            0
        };
        if !(1..=5).contains(&k) {
            return Err(fault(
                nth_at,
                format!("`#{nth}` must name an occurrence 1-5 (e.g. `6#3`, the third Friday)"),
            ));
        }
        return Ok(format!("{n}#{k}"));
    }
    // `nL`: the last weekday n of the month. `special` guarantees the trailing L.
    let day = &item[..item.len() - 1];
    let n = value(spec, day, at)?;
    Ok(format!("{n}#L"))
}

/// Translates a plain list item: `v`, `a-b`, `*/n`, `a/n` or `a-b/n`.
fn translate_item(spec: &FieldSpec, item: &str, at: usize) -> Result<String, Fault> {
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(step)),
        None => (item, None),
    };
    let step_at = at + base.len() + 1;
    let step = match step {
        None => None,
        Some(step) => {
            let span = spec.max - spec.min + 1;
            let n: u32 = if !step.is_empty()
                && step.len() <= 4
                && step.bytes().all(|b| b.is_ascii_digit())
            {
                step.parse().unwrap_or(0)
            } else {
                0
            };
            if !(1..=span).contains(&n) {
                return Err(fault(
                    step_at,
                    format!(
                        "the step after `/` must be a whole number 1-{span} in the {} field, \
                         found `{step}`",
                        spec.name
                    ),
                ));
            }
            Some(n)
        }
    };
    if base == "*" {
        return match step {
            Some(n) => Ok(match spec.kind {
                FieldKind::Year => format!("{FIRST_YEAR}-{LAST_YEAR}/{n}"),
                _ => format!("*/{n}"),
            }),
            None => Err(fault(
                at,
                format!("`*` must be the whole {} field", spec.name),
            )),
        };
    }
    let (first, last) = match base.split_once('-') {
        Some((a, b)) => {
            let first = value(spec, a, at)?;
            let last = value(spec, b, at + a.len() + 1)?;
            if first > last {
                return Err(fault(
                    at,
                    format!(
                        "the range `{base}` in the {} field runs backwards: its start must not be \
                         after its end (split it, e.g. `{a}-{},{}-{b}`)",
                        spec.name, spec.max, spec.min
                    ),
                ));
            }
            (first, Some(last))
        }
        None => (value(spec, base, at)?, None),
    };
    Ok(match (last, step) {
        (None, None) => first.to_string(),
        (Some(last), None) => format!("{first}-{last}"),
        (None, Some(n)) => format!("{first}-{}/{n}", spec.max),
        (Some(last), Some(n)) => format!("{first}-{last}/{n}"),
    })
}

/// Reads one value of a field: digits, or a month / weekday name where the field has names.
fn value(spec: &FieldSpec, text: &str, at: usize) -> Result<u32, Fault> {
    let range = || {
        let mut r = format!("{}-{}", spec.min, spec.max);
        if let (Some(first), Some(last)) = (spec.names.first(), spec.names.last()) {
            r.push_str(&format!(" or {first}-{last}"));
        }
        r
    };
    if text.is_empty() {
        return Err(fault(
            at,
            format!(
                "a value is missing in the {} field: expected {}",
                spec.name,
                range()
            ),
        ));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = if text.len() <= 6 {
            text.parse().unwrap_or(u32::MAX)
        } else {
            u32::MAX
        };
        if n < spec.min || n > spec.max {
            return Err(fault(
                at,
                format!(
                    "{text} is out of range in the {} field: expected {}",
                    spec.name,
                    range()
                ),
            ));
        }
        return Ok(n);
    }
    let upper = text.to_ascii_uppercase();
    if let Some(i) = spec.names.iter().position(|name| *name == upper) {
        // At most 12 names, so the index fits.
        return Ok(spec.min + i as u32);
    }
    Err(fault(
        at,
        format!(
            "`{text}` is not a valid {} value: expected {}",
            spec.name,
            range()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// UTC epoch milliseconds of a UTC calendar time (test helper; panics on a bad date).
    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid test date")
            .timestamp_millis()
    }

    fn parse(expr: &str) -> Schedule {
        Schedule::parse(expr, None, None, None).expect("valid schedule")
    }

    #[test]
    fn a_scenario_start_is_utc_and_its_faults_are_named() {
        // 2026-01-05T00:00:00Z, and the same instant with `+00:00` and a fraction.
        let monday = utc(2026, 1, 5, 0, 0);
        assert_eq!(utc_instant_ms("2026-01-05T00:00:00Z"), Ok(monday));
        assert_eq!(
            utc_instant_ms("2026-01-05T00:00:00.250+00:00"),
            Ok(monday + 250)
        );
        // The year is out of range (not the format): at the string's start.
        assert_eq!(
            utc_instant_ms("0001-01-01T00:00:00Z"),
            Err((0, "year 1 is outside 1970-9999".to_string()))
        );
        // February 2026 has 28 days: the day, 0-based character 8.
        assert_eq!(
            utc_instant_ms("2026-02-30T00:00:00Z"),
            Err((
                8,
                "day 30 does not exist in 2026-02, which has 28 days".to_string()
            ))
        );
        // A valid instant with another offset: the offset, after the 19 characters.
        assert_eq!(
            utc_instant_ms("2026-01-05T01:00:00+01:00"),
            Err((
                19,
                "the UTC offset `+01:00` is not UTC: expected `Z`".to_string()
            ))
        );
    }

    fn parse_err(expr: &str) -> ScheduleError {
        Schedule::parse(expr, None, None, None).expect_err("invalid schedule")
    }

    /// The croner pattern an AWS cron expression is translated to.
    fn translated(expr: &str) -> String {
        match parse_expression(expr) {
            Ok(Parsed::Cron { pattern, .. }) => pattern,
            _ => panic!("not a valid cron(): {expr}"),
        }
    }

    // Calendar facts used below (checked against a perpetual calendar):
    // 2026-01-01 is a Thursday; so 2026-01-09 is a Friday, 2026-01-12 a Monday,
    // 2026-01-16 the third Friday of January (2, 9, 16), 2026-02-20 the third Friday of
    // February (Feb 1 is a Sunday: Fridays 6, 13, 20). 2026-03-29 is the last Sunday of March,
    // when Europe/Paris moves from CET (UTC+1) to CEST (UTC+2) at 02:00 local.

    #[test]
    fn at_in_utc_fires_once() {
        // at(2026-03-01T12:30:00) in UTC is 2026-03-01T12:30Z; nothing after it.
        let s = parse("at(2026-03-01T12:30:00)");
        let t = utc(2026, 3, 1, 12, 30);
        assert_eq!(s.next_after(utc(2026, 1, 1, 0, 0), 0), Some(t));
        assert_eq!(s.next_after(t - 1, 0), Some(t));
        assert_eq!(
            s.next_after(t, 0),
            None,
            "strictly after: the firing itself is past"
        );
    }

    #[test]
    fn at_in_paris_across_the_spring_dst_change() {
        let paris = Some("Europe/Paris");
        // 01:30 local on 2026-03-29 is still CET (UTC+1): 00:30Z.
        let before = Schedule::parse("at(2026-03-29T01:30:00)", paris, None, None).unwrap();
        assert_eq!(before.next_after(0, 0), Some(utc(2026, 3, 29, 0, 30)));
        // 03:30 local is CEST (UTC+2): 01:30Z. Two local hours after 01:30, one real hour.
        let after = Schedule::parse("at(2026-03-29T03:30:00)", paris, None, None).unwrap();
        assert_eq!(after.next_after(0, 0), Some(utc(2026, 3, 29, 1, 30)));
        // 02:30 local does not exist (02:00 → 03:00): the first minute after the gap,
        // 03:00 CEST = 01:00Z.
        let gap = Schedule::parse("at(2026-03-29T02:30:00)", paris, None, None).unwrap();
        assert_eq!(gap.next_after(0, 0), Some(utc(2026, 3, 29, 1, 0)));
        // In summer, 2026-07-01T12:00 Paris is CEST: 10:00Z.
        let summer = Schedule::parse("at(2026-07-01T12:00:00)", paris, None, None).unwrap();
        assert_eq!(summer.next_after(0, 0), Some(utc(2026, 7, 1, 10, 0)));
    }

    #[test]
    fn at_with_seconds_rounds_up_to_the_minute() {
        // 12:30:15 → fires at 12:31:00, never before the time asked for.
        let s = parse("at(2026-03-01T12:30:15)");
        assert_eq!(s.next_after(0, 0), Some(utc(2026, 3, 1, 12, 31)));
    }

    #[test]
    fn at_before_creation_never_fires() {
        // Created at 2026-03-02, an action for 2026-03-01 has already missed its time.
        let s = parse("at(2026-03-01T12:30:00)");
        assert_eq!(s.next_after(0, utc(2026, 3, 2, 0, 0)), None);
    }

    #[test]
    fn rate_hourly_counts_from_creation() {
        // Created 2026-01-01T10:00Z, rate(1 hour): fires at 10:00, 11:00, 12:00, …
        let s = parse("rate(1 hour)");
        let created = utc(2026, 1, 1, 10, 0);
        assert_eq!(s.next_after(created - 1, created), Some(created));
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 1, 11, 0)));
        // From 11:59:59.999 the next is 12:00; from 12:00 exactly it is 13:00.
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 12, 0) - 1, created),
            Some(utc(2026, 1, 1, 12, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 12, 0), created),
            Some(utc(2026, 1, 1, 13, 0))
        );
        // Asking about times before creation still gives the creation time.
        assert_eq!(s.next_after(0, created), Some(created));
    }

    #[test]
    fn rate_five_minutes_from_an_odd_creation_time() {
        // Created 10:02:30 → anchor rounds up to 10:03; then 10:08, 10:13, …
        // After 10:20: (10:20 − 10:03) = 17 min → k = 17 div 5 + 1 = 4 → 10:03 + 20 min = 10:23.
        let s = parse("rate(5 minutes)");
        let created = utc(2026, 1, 1, 10, 2) + 30_000;
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 1, 10, 3)));
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 10, 3), created),
            Some(utc(2026, 1, 1, 10, 8))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 10, 20), created),
            Some(utc(2026, 1, 1, 10, 23))
        );
    }

    #[test]
    fn rate_accepts_singular_and_plural_with_any_value() {
        // rate(2 day) = rate(2 days) = 48 h; rate(1 minutes) = 1 min.
        let created = utc(2026, 1, 1, 0, 0);
        assert_eq!(
            parse("rate(2 day)").next_after(created, created),
            Some(utc(2026, 1, 3, 0, 0))
        );
        assert_eq!(
            parse("rate(2 days)").next_after(created, created),
            Some(utc(2026, 1, 3, 0, 0))
        );
        assert_eq!(
            parse("rate(1 minutes)").next_after(created, created),
            Some(utc(2026, 1, 1, 0, 1))
        );
    }

    #[test]
    fn rate_is_anchored_at_start_time_and_stops_at_end_time() {
        // StartTime 2026-01-01T06:00Z, EndTime 08:00Z, rate(1 hour), created at midnight:
        // fires 06:00, 07:00, 08:00 (EndTime inclusive), then never.
        let s = Schedule::parse(
            "rate(1 hour)",
            None,
            Some("2026-01-01T06:00:00Z"),
            Some("2026-01-01T08:00:00Z"),
        )
        .unwrap();
        let created = utc(2026, 1, 1, 0, 0);
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 1, 6, 0)));
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 7, 0), created),
            Some(utc(2026, 1, 1, 8, 0))
        );
        assert_eq!(s.next_after(utc(2026, 1, 1, 8, 0), created), None);
    }

    #[test]
    fn rate_ignores_the_time_zone() {
        // rate() counts real time: created 10:00Z in any zone → next 11:00Z.
        let s = Schedule::parse("rate(1 hour)", Some("Asia/Kolkata"), None, None).unwrap();
        let created = utc(2026, 1, 1, 10, 0);
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 1, 11, 0)));
        assert_eq!(s.describe(), "rate(1 hour)");
    }

    #[test]
    fn cron_weekday_business_hours_skip_the_weekend() {
        // Friday 2026-01-09 10:00Z is past Friday's 09:00; Sat and Sun are not MON-FRI;
        // next is Monday 2026-01-12 09:00Z.
        let s = parse("cron(0 9 ? * MON-FRI *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 9, 10, 0), 0),
            Some(utc(2026, 1, 12, 9, 0))
        );
        // The same with numbers: MON-FRI = 2-6 (1 = SUN).
        let n = parse("cron(0 9 ? * 2-6 *)");
        assert_eq!(
            n.next_after(utc(2026, 1, 9, 10, 0), 0),
            Some(utc(2026, 1, 12, 9, 0))
        );
        // From Monday 08:59:59.999 the firing is that Monday 09:00.
        assert_eq!(
            s.next_after(utc(2026, 1, 12, 9, 0) - 1, 0),
            Some(utc(2026, 1, 12, 9, 0))
        );
    }

    #[test]
    fn cron_weekday_one_is_sunday() {
        // Day-of-week 1 = SUN: from Friday 2026-01-09 the next Sunday is 2026-01-11.
        let s = parse("cron(30 6 ? * 1 *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 9, 0, 0), 0),
            Some(utc(2026, 1, 11, 6, 30))
        );
        // `L` alone in Day-of-week is the last day of the week, 7 = SAT: 2026-01-10.
        let l = parse("cron(0 0 ? * L *)");
        assert_eq!(
            l.next_after(utc(2026, 1, 9, 0, 0), 0),
            Some(utc(2026, 1, 10, 0, 0))
        );
    }

    #[test]
    fn cron_third_friday() {
        // 6#3 = third Friday (6 = FRI). January 2026: 16th; after it, February: 20th.
        let s = parse("cron(0 18 ? * 6#3 *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 16, 18, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 16, 18, 0), 0),
            Some(utc(2026, 2, 20, 18, 0))
        );
        // FRI#3 is the same.
        let named = parse("cron(0 18 ? * FRI#3 *)");
        assert_eq!(
            named.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 16, 18, 0))
        );
    }

    #[test]
    fn cron_last_friday_of_the_month() {
        // 6L = last Friday. January 2026 Fridays: 2, 9, 16, 23, 30 → the 30th.
        let s = parse("cron(0 12 ? * 6L *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 30, 12, 0))
        );
    }

    #[test]
    fn cron_last_day_of_the_month() {
        // L in Day-of-month: Jan 31, then Feb 28 (2026 is not a leap year), then Mar 31.
        let s = parse("cron(0 0 L * ? *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 15, 0, 0), 0),
            Some(utc(2026, 1, 31, 0, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 31, 0, 0), 0),
            Some(utc(2026, 2, 28, 0, 0))
        );
        // 2028 is a leap year: Feb 29.
        assert_eq!(
            s.next_after(utc(2028, 2, 1, 0, 0), 0),
            Some(utc(2028, 2, 29, 0, 0))
        );
    }

    #[test]
    fn cron_nearest_weekday_and_last_weekday() {
        // 15W: 2026-02-15 is a Sunday (Feb 1 Sunday) → Monday the 16th.
        let w = parse("cron(0 8 15W * ? *)");
        assert_eq!(
            w.next_after(utc(2026, 2, 1, 0, 0), 0),
            Some(utc(2026, 2, 16, 8, 0))
        );
        // LW: 2026-01-31 is a Saturday → the last weekday is Friday the 30th.
        let lw = parse("cron(0 8 LW * ? *)");
        assert_eq!(
            lw.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 30, 8, 0))
        );
    }

    #[test]
    fn cron_year_field_ends_the_schedule() {
        // Jan 1 at 00:00 in 2026 and 2027 only: after 2027-01-01 nothing more.
        let s = parse("cron(0 0 1 JAN ? 2026-2027)");
        assert_eq!(
            s.next_after(utc(2025, 6, 1, 0, 0), 0),
            Some(utc(2026, 1, 1, 0, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2027, 1, 1, 0, 0))
        );
        assert_eq!(s.next_after(utc(2027, 1, 1, 0, 0), 0), None);
    }

    #[test]
    fn cron_steps_start_where_aws_says() {
        // 1/10 in Minutes: 1, 11, 21, … From 10:05 the next is 10:11.
        let s = parse("cron(1/10 * * * ? *)");
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 10, 5), 0),
            Some(utc(2026, 1, 1, 10, 11))
        );
        // From 10:51 the next is 11:01 (51 is the last in the hour).
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 10, 51), 0),
            Some(utc(2026, 1, 1, 11, 1))
        );
    }

    #[test]
    fn cron_in_a_zone_follows_its_dst() {
        // 09:00 Paris daily: 2026-03-28 is CET → 08:00Z; 2026-03-30 is CEST → 07:00Z.
        let s = Schedule::parse("cron(0 9 * * ? *)", Some("Europe/Paris"), None, None).unwrap();
        assert_eq!(
            s.next_after(utc(2026, 3, 28, 0, 0), 0),
            Some(utc(2026, 3, 28, 8, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 3, 29, 12, 0), 0),
            Some(utc(2026, 3, 30, 7, 0))
        );
        // 02:30 Paris on the spring-forward night does not exist → 03:00 CEST = 01:00Z.
        let gap = Schedule::parse("cron(30 2 * * ? *)", Some("Europe/Paris"), None, None).unwrap();
        assert_eq!(
            gap.next_after(utc(2026, 3, 28, 12, 0), 0),
            Some(utc(2026, 3, 29, 1, 0))
        );
    }

    #[test]
    fn repeated_hour_on_the_autumn_dst_change_fires_once() {
        // 2026-10-25 (last Sunday of October) Paris goes from CEST (UTC+2) back to CET (UTC+1)
        // at 03:00 CEST: 02:30 local happens at 00:30Z and again at 01:30Z.
        let paris = Some("Europe/Paris");
        let daily = Schedule::parse("cron(30 2 * * ? *)", paris, None, None).unwrap();
        // The first of the two instants, once…
        assert_eq!(
            daily.next_after(utc(2026, 10, 24, 12, 0), 0),
            Some(utc(2026, 10, 25, 0, 30))
        );
        // …then the next day's 02:30 CET = 01:30Z, not the second 02:30 of the 25th.
        assert_eq!(
            daily.next_after(utc(2026, 10, 25, 0, 30), 0),
            Some(utc(2026, 10, 26, 1, 30))
        );
        // An at() in the repeated hour also takes the earlier instant.
        let at = Schedule::parse("at(2026-10-25T02:30:00)", paris, None, None).unwrap();
        assert_eq!(at.next_after(0, 0), Some(utc(2026, 10, 25, 0, 30)));
    }

    #[test]
    fn cron_is_bounded_by_start_and_end_time() {
        // Daily at 12:00Z, StartTime 2026-01-05T12:00Z (inclusive), EndTime 2026-01-07T12:00Z.
        let s = Schedule::parse(
            "cron(0 12 * * ? *)",
            None,
            Some("2026-01-05T12:00:00Z"),
            Some("2026-01-07T12:00:00+00:00"),
        )
        .unwrap();
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 5, 12, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 6, 12, 0), 0),
            Some(utc(2026, 1, 7, 12, 0))
        );
        assert_eq!(s.next_after(utc(2026, 1, 7, 12, 0), 0), None);
    }

    #[test]
    fn start_time_with_an_offset_and_fraction() {
        // 2026-01-05T13:00:00.250+01:00 = 12:00:00.250Z: the action runs at the StartTime,
        // moved up to the whole minute 12:01Z; then the first 12:00Z daily firing after it is
        // the next day's (12:00:00.000 on the 5th is 250 ms too early).
        let s = Schedule::parse(
            "cron(0 12 * * ? *)",
            None,
            Some("2026-01-05T13:00:00.250+01:00"),
            None,
        )
        .unwrap();
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 0, 0), 0),
            Some(utc(2026, 1, 5, 12, 1))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 5, 12, 1), 0),
            Some(utc(2026, 1, 6, 12, 0))
        );
    }

    #[test]
    fn cron_runs_at_its_start_time_then_on_the_recurrence() {
        // AWS: "If you specify a start time, Application Auto Scaling performs the action at
        // this time, and then performs the action based on the specified recurrence."
        // Daily at 12:00Z with StartTime 2026-01-05T08:00Z (not a 12:00 match), created
        // 2026-01-01: 08:00 on the 5th (the StartTime), then 12:00 on the 5th, 12:00 on the 6th.
        let s = Schedule::parse(
            "cron(0 12 * * ? *)",
            None,
            Some("2026-01-05T08:00:00Z"),
            None,
        )
        .unwrap();
        let created = utc(2026, 1, 1, 0, 0);
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 5, 8, 0)));
        assert_eq!(
            s.next_after(utc(2026, 1, 5, 8, 0), created),
            Some(utc(2026, 1, 5, 12, 0))
        );
        assert_eq!(
            s.next_after(utc(2026, 1, 5, 12, 0), created),
            Some(utc(2026, 1, 6, 12, 0))
        );
        // Created after the StartTime (10:00 on the 5th): the StartTime has passed and is not
        // run late; the recurrence goes on at 12:00 that day.
        let later = utc(2026, 1, 5, 10, 0);
        assert_eq!(s.next_after(later - 1, later), Some(utc(2026, 1, 5, 12, 0)));
        // An EndTime before the StartTime's minute leaves nothing: StartTime 12:00:30 moves up
        // to 12:01, after EndTime 12:00:45.
        let s = Schedule::parse(
            "cron(0 12 * * ? *)",
            None,
            Some("2026-01-05T12:00:30Z"),
            Some("2026-01-05T12:00:45Z"),
        )
        .unwrap();
        assert_eq!(s.next_after(created, created), None);
    }

    #[test]
    fn rate_is_anchored_at_an_unaligned_start_time_not_at_creation() {
        // rate(1 hour), created at midnight, StartTime 06:20Z: it runs at the StartTime and
        // every hour from it — 06:20, 07:20 — not on the creation's hour marks (07:00). Without
        // StartTime it counts from creation: 00:00, 01:00, …
        let s = Schedule::parse("rate(1 hour)", None, Some("2026-01-01T06:20:00Z"), None).unwrap();
        let created = utc(2026, 1, 1, 0, 0);
        assert_eq!(s.next_after(created, created), Some(utc(2026, 1, 1, 6, 20)));
        assert_eq!(
            s.next_after(utc(2026, 1, 1, 6, 20), created),
            Some(utc(2026, 1, 1, 7, 20))
        );
        let plain = parse("rate(1 hour)");
        assert_eq!(plain.next_after(created - 1, created), Some(created));
        assert_eq!(
            plain.next_after(utc(2026, 1, 1, 6, 20), created),
            Some(utc(2026, 1, 1, 7, 0))
        );
    }

    #[test]
    fn at_ignores_start_and_end_time() {
        // The bounds are for recurring schedules; an at() outside them still fires.
        let s = Schedule::parse(
            "at(2026-03-01T12:30:00)",
            None,
            Some("2026-04-01T00:00:00Z"),
            None,
        )
        .unwrap();
        assert_eq!(s.next_after(0, 0), Some(utc(2026, 3, 1, 12, 30)));
    }

    #[test]
    fn translation_to_croner() {
        // Seconds 0 in front; names to numbers (weekdays stay 1 = SUN: croner runs in its
        // Quartz weekday mode); `?` → `*`; `*` year → AWS's 1970-2199.
        assert_eq!(
            translated("cron(0 9 ? * MON-FRI *)"),
            "0 0 9 * * 2-6 1970-2199"
        );
        // `a/n` → `a-max/n`; months by name; a lone `L` in Day-of-week → 7 (SAT).
        assert_eq!(
            translated("cron(5/15 1/6 ? jan,Mar/2 L 2026/2)"),
            "0 5-59/15 1-23/6 * 1,3-12/2 7 2026-2199/2"
        );
        // `nL` → `n#L`; `n#k` kept; names before `#`.
        assert_eq!(translated("cron(0 0 ? * 6L *)"), "0 0 0 * * 6#L 1970-2199");
        assert_eq!(
            translated("cron(0 0 ? * FRI#3 *)"),
            "0 0 0 * * 6#3 1970-2199"
        );
        // Day-of-month specials pass through; `*/n` kept.
        assert_eq!(
            translated("cron(*/5 * lw * ? *)"),
            "0 */5 * LW * * 1970-2199"
        );
        assert_eq!(translated("cron(0 0 15W * ? 2030)"), "0 0 0 15W * * 2030");
    }

    #[test]
    fn describe_names_zone_and_bounds() {
        let s = Schedule::parse(
            " cron(0 9 ? * MON-FRI *) ",
            Some("Europe/Paris"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(s.describe(), "cron(0 9 ? * MON-FRI *) in Europe/Paris");
        let r = Schedule::parse(
            "rate(5 minutes)",
            None,
            Some("2026-01-01T00:00:00Z"),
            Some("2026-02-01T01:00:00+01:00"),
        )
        .unwrap();
        assert_eq!(
            r.describe(),
            "rate(5 minutes) from 2026-01-01T00:00:00Z until 2026-02-01T00:00:00Z"
        );
        assert_eq!(
            parse("at(2026-03-01T12:30:00)").describe(),
            "at(2026-03-01T12:30:00)"
        );
    }

    /// Asserts field, offset and that the message mentions `needle`.
    fn assert_err(err: &ScheduleError, field: &str, offset: usize, needle: &str) {
        assert_eq!(err.field, field, "{err}");
        assert_eq!(err.offset, offset, "{err}");
        assert!(err.message.contains(needle), "`{needle}` not in: {err}");
    }

    #[test]
    fn error_unknown_function() {
        // `every(` → the function name at 0; leading spaces count in offsets.
        assert_err(
            &parse_err("every(5 minutes)"),
            "Schedule",
            0,
            "unknown schedule function `every`",
        );
        assert_err(&parse_err("  Cron(0 9 * * ? *)"), "Schedule", 2, "`Cron`");
        assert_err(
            &parse_err("5 minutes"),
            "Schedule",
            0,
            "not a schedule expression",
        );
        assert_err(&parse_err(""), "Schedule", 0, "empty");
        // `rate(5 minutes` is 14 characters; the missing `)` is at 14.
        assert_err(
            &parse_err("rate(5 minutes"),
            "Schedule",
            14,
            "must end with `)`",
        );
    }

    #[test]
    fn error_wrong_field_count() {
        // Five fields: the error points just past them: "cron(" is 5 characters and
        // "0 9 * * ?" 9 more, so offset 14 (where the `)` stands).
        assert_err(
            &parse_err("cron(0 9 * * ?)"),
            "Schedule",
            14,
            "needs 6 fields",
        );
        // Seven fields: at the seventh; "0 9 ? * MON * " is 14 characters → 5 + 14 = 19.
        assert_err(
            &parse_err("cron(0 9 ? * MON * 0)"),
            "Schedule",
            19,
            "found 7",
        );
    }

    #[test]
    fn error_both_day_fields() {
        // `cron(0 9 1 * MON *)`: counting c0 r1 o2 n3 (4 05 ␠6 97 ␠8 19 ␠10 *11 ␠12 M13,
        // Day-of-week `MON` starts at offset 13.
        assert_err(
            &parse_err("cron(0 9 1 * MON *)"),
            "Schedule",
            13,
            "cannot both be set: one of them must be `?`",
        );
        // Both `?`: also at Day-of-week (offset 13).
        assert_err(
            &parse_err("cron(0 9 ? * ? *)"),
            "Schedule",
            13,
            "cannot both be `?`",
        );
        // `*` in both.
        assert_err(
            &parse_err("cron(0 9 * * * *)"),
            "Schedule",
            13,
            "cannot both be set",
        );
    }

    #[test]
    fn error_bad_values_and_ranges() {
        // Minute 60 at offset 5.
        assert_err(
            &parse_err("cron(60 9 * * ? *)"),
            "Schedule",
            5,
            "60 is out of range in the Minutes field",
        );
        // Hour range 22-2 runs backwards: the range starts at 7.
        assert_err(
            &parse_err("cron(0 22-2 * * ? *)"),
            "Schedule",
            7,
            "runs backwards",
        );
        // Day-of-week 0 (AWS is 1-7): `0` at 13.
        assert_err(
            &parse_err("cron(0 9 ? * 0 *)"),
            "Schedule",
            13,
            "expected 1-7 or SUN-SAT",
        );
        // Month name typo `JNU` at 11.
        assert_err(
            &parse_err("cron(0 9 1 JNU ? *)"),
            "Schedule",
            11,
            "`JNU` is not a valid Month value",
        );
        // Year 1969 at 15.
        assert_err(
            &parse_err("cron(0 9 1 * ? 1969)"),
            "Schedule",
            15,
            "expected 1970-2199",
        );
        // The range end is checked where it stands: `1-13` in Month, the `13` at 13.
        assert_err(
            &parse_err("cron(0 9 1 1-13 ? *)"),
            "Schedule",
            13,
            "13 is out of range",
        );
        // Step 0 at 7 (after `*/`).
        assert_err(
            &parse_err("cron(*/0 9 * * ? *)"),
            "Schedule",
            7,
            "step after `/`",
        );
        // `#` with an occurrence 6: the `6` after `#` at offset 15.
        assert_err(
            &parse_err("cron(0 9 ? * 6#6 *)"),
            "Schedule",
            15,
            "occurrence 1-5",
        );
    }

    #[test]
    fn error_misplaced_wildcards() {
        // `/` is not allowed in Day-of-week: at 14.
        assert_err(
            &parse_err("cron(0 9 ? * 2/2 *)"),
            "Schedule",
            14,
            "`/` is not allowed in the Day-of-week field",
        );
        // `L` in Hours: letters are not allowed, at 7.
        assert_err(
            &parse_err("cron(0 L * * ? *)"),
            "Schedule",
            7,
            "letters are not allowed in the Hours field",
        );
        // `#` twice in a list.
        assert_err(
            &parse_err("cron(0 9 ? * 3#1,6#3 *)"),
            "Schedule",
            13,
            "only one expression",
        );
        // `?` inside a list at 11.
        assert_err(
            &parse_err("cron(0 9 1,? * * *)"),
            "Schedule",
            11,
            "`?` must be the whole",
        );
        // `?` in Minutes is not allowed at all: at 5.
        assert_err(
            &parse_err("cron(? 9 * * ? *)"),
            "Schedule",
            5,
            "`?` is not allowed",
        );
        // `L-3` is Quartz-only: at 9.
        assert_err(
            &parse_err("cron(0 9 L-3 * ? *)"),
            "Schedule",
            9,
            "not valid in the Day-of-month field",
        );
        // Empty list item: `1,,2` in Minutes, the empty item at 7.
        assert_err(
            &parse_err("cron(1,,2 9 * * ? *)"),
            "Schedule",
            7,
            "empty value",
        );
    }

    #[test]
    fn error_rate() {
        assert_err(
            &parse_err("rate(0 minutes)"),
            "Schedule",
            5,
            "must be positive",
        );
        assert_err(
            &parse_err("rate(-5 minutes)"),
            "Schedule",
            5,
            "positive whole number",
        );
        assert_err(
            &parse_err("rate(5 weeks)"),
            "Schedule",
            7,
            "unknown rate unit `weeks`",
        );
        assert_err(&parse_err("rate(5)"), "Schedule", 6, "no unit");
        assert_err(
            &parse_err("rate(5 minutes now)"),
            "Schedule",
            15,
            "unexpected `now`",
        );
        assert_err(
            &parse_err("rate(99999999999999999999 days)"),
            "Schedule",
            5,
            "too large",
        );
    }

    #[test]
    fn error_at_with_bad_dates() {
        // Month 13: the month starts at 3 + 5 = 8.
        assert_err(
            &parse_err("at(2026-13-01T00:00:00)"),
            "Schedule",
            8,
            "month 13",
        );
        // February 30th: the day at 3 + 8 = 11.
        assert_err(
            &parse_err("at(2026-02-30T00:00:00)"),
            "Schedule",
            11,
            "has 28 days",
        );
        // Hour 24 at 3 + 11 = 14.
        assert_err(
            &parse_err("at(2026-02-01T24:00:00)"),
            "Schedule",
            14,
            "hour 24",
        );
        // A space instead of `T` at 3 + 10 = 13.
        assert_err(
            &parse_err("at(2026-02-01 10:00:00)"),
            "Schedule",
            13,
            "where `T` was expected",
        );
        // Too short: "2026-02-01T10:00" is 16 characters, the `:` before the seconds is
        // missing at 3 + 16 = 19.
        assert_err(
            &parse_err("at(2026-02-01T10:00)"),
            "Schedule",
            19,
            "end early",
        );
        // A trailing zone is not part of at(): the `Z` at 3 + 19 = 22.
        assert_err(
            &parse_err("at(2026-02-01T10:00:00Z)"),
            "Schedule",
            22,
            "unexpected `Z`",
        );
        // Year 1969 at 3.
        assert_err(
            &parse_err("at(1969-12-31T23:59:00)"),
            "Schedule",
            3,
            "outside 1970-2199",
        );
    }

    #[test]
    fn error_offsets_count_characters_not_bytes() {
        // U+3000 (ideographic space, 3 bytes) is trimmed: `every` is at character 1, byte 3.
        assert_err(
            &parse_err("\u{3000}every(1)"),
            "Schedule",
            1,
            "unknown schedule function",
        );
        // Seven fields with a 2-byte `é` as the sixth: "0 9 ? * MON é " is 14 characters
        // (15 bytes), so the seventh field is at character 5 + 14 = 19 (byte 20).
        assert_err(
            &parse_err("cron(0 9 ? * MON é 5)"),
            "Schedule",
            19,
            "found 7",
        );
        // In cron(), `é` in Minutes: character 5.
        assert_err(
            &parse_err("cron(é 9 * * ? *)"),
            "Schedule",
            5,
            "letters are not allowed",
        );
    }

    #[test]
    fn error_time_zone_and_bounds() {
        let e = Schedule::parse("cron(0 9 * * ? *)", Some("Mars/Olympus"), None, None).unwrap_err();
        assert_err(&e, "Timezone", 0, "unknown time zone `Mars/Olympus`");
        let e = Schedule::parse("rate(1 hour)", Some(""), None, None).unwrap_err();
        assert_err(&e, "Timezone", 0, "unknown time zone");
        // No offset: the missing zone at 19.
        let e =
            Schedule::parse("rate(1 hour)", None, Some("2026-01-01T00:00:00"), None).unwrap_err();
        assert_err(&e, "StartTime", 19, "UTC offset is missing");
        // Bad offset `+25:00`: the hours at 20.
        let e = Schedule::parse(
            "rate(1 hour)",
            None,
            None,
            Some("2026-01-01T00:00:00+25:00"),
        )
        .unwrap_err();
        assert_err(&e, "EndTime", 20, "out of range");
        // Day 32 at 8.
        let e =
            Schedule::parse("rate(1 hour)", None, Some("2026-01-32T00:00:00Z"), None).unwrap_err();
        assert_err(&e, "StartTime", 8, "day 32");
        // End before start.
        let e = Schedule::parse(
            "rate(1 hour)",
            None,
            Some("2026-01-02T00:00:00Z"),
            Some("2026-01-01T00:00:00Z"),
        )
        .unwrap_err();
        assert_err(&e, "EndTime", 0, "before StartTime");
        // The schedule is checked first: a bad schedule and a bad zone report the schedule.
        let e = Schedule::parse("rate(0 hours)", Some("Nowhere"), None, None).unwrap_err();
        assert_eq!(e.field, "Schedule");
    }

    #[test]
    fn impossible_dates_never_fire_and_return_quickly() {
        // February 30th never exists: None (croner searches to the 2199 horizon and gives up).
        let s = parse("cron(0 0 30 FEB ? *)");
        assert_eq!(s.next_after(utc(2026, 1, 1, 0, 0), 0), None);
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        // Any i64 is accepted; far past or far future simply gives the obvious answer.
        let cron = parse("cron(0 9 * * ? *)");
        assert_eq!(cron.next_after(i64::MAX, i64::MIN), None);
        // From the far past, the first firing is 1970-01-01T09:00Z = 9 h.
        assert_eq!(cron.next_after(i64::MIN, i64::MIN), Some(9 * 3_600_000));
        let rate = parse("rate(1 minute)");
        assert_eq!(rate.next_after(i64::MAX, 0), None);
        // i64::MIN = -9_223_372_036_854_775_808; the first whole minute at or after it is
        // -153_722_867_280_912 × 60_000 = -9_223_372_036_854_720_000.
        assert_eq!(
            rate.next_after(i64::MIN, i64::MIN),
            Some(-9_223_372_036_854_720_000)
        );
        let at = parse("at(2026-01-01T00:00:00)");
        assert_eq!(at.next_after(i64::MIN, i64::MAX), None);
    }

    proptest! {
        #[test]
        fn parse_never_panics(
            expr in any::<String>(),
            tz in proptest::option::of(any::<String>()),
            start in proptest::option::of(any::<String>()),
            end in proptest::option::of(any::<String>()),
        ) {
            let _ = Schedule::parse(&expr, tz.as_deref(), start.as_deref(), end.as_deref());
        }

        #[test]
        fn cron_like_input_never_panics_and_errors_point_inside(
            fields in proptest::collection::vec("[0-9A-Za-z*?/,#LW-]{0,6}", 0..8),
            after in any::<i64>(),
            created in any::<i64>(),
        ) {
            let expr = format!("cron({})", fields.join(" "));
            match Schedule::parse(&expr, Some("Europe/Paris"), None, None) {
                Ok(s) => {
                    if let Some(next) = s.next_after(after, created) {
                        prop_assert!(next > after);
                        prop_assert_eq!(next % MINUTE_MS, 0);
                    }
                }
                Err(e) => prop_assert!(e.offset <= expr.chars().count()),
            }
        }

        #[test]
        fn valid_cron_answers_are_later_minutes_in_order(
            minute in prop::sample::select(vec!["0", "*/5", "1/10", "5-10", "0,30", "*"]),
            hour in prop::sample::select(vec!["9", "*", "1/6", "22-23", "2"]),
            days in prop::sample::select(vec![
                ("?", "MON-FRI"), ("L", "?"), ("15W", "?"), ("?", "6#3"), ("?", "6L"),
                ("*", "?"), ("LW", "?"), ("?", "L"), ("31", "?"), ("29", "?"),
            ]),
            month in prop::sample::select(vec!["*", "JAN", "2-4", "1/3", "FEB"]),
            year in prop::sample::select(vec!["*", "2026", "2030-2031", "2026/3"]),
            zone in prop::sample::select(vec![
                "UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
            ]),
            after in 1_700_000_000_000i64..2_000_000_000_000,
        ) {
            let expr = format!("cron({minute} {hour} {} {month} {} {year})", days.0, days.1);
            let s = Schedule::parse(&expr, Some(zone), None, None).unwrap();
            if let Some(next) = s.next_after(after, 0) {
                prop_assert!(next > after);
                prop_assert_eq!(next % MINUTE_MS, 0);
                // Nothing in between: asking from just before `next` gives `next` again.
                prop_assert_eq!(s.next_after(next - 1, 0), Some(next));
                if let Some(again) = s.next_after(next, 0) {
                    prop_assert!(again > next);
                }
            }
        }

        #[test]
        fn rate_and_at_answers_are_after_and_on_minutes(
            value in 1u32..2000,
            unit in prop::sample::select(vec!["minute", "minutes", "hour", "hours", "day", "days"]),
            after in -10_000_000_000_000i64..10_000_000_000_000,
            created in -10_000_000_000_000i64..10_000_000_000_000,
        ) {
            let s = Schedule::parse(&format!("rate({value} {unit})"), None, None, None).unwrap();
            let next = s.next_after(after, created).unwrap();
            prop_assert!(next > after && next >= created);
            prop_assert_eq!(next % MINUTE_MS, 0);
        }
    }
}
