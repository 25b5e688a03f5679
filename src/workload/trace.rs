//! Reading demand traces from CSV files.
//!
//! A trace has a header row and one data row per point, two columns each. The first column's
//! header decides the format (case-insensitive); the second column's header may be any name
//! (`rps`, `value`, `rentals`): it is the rate, a non-negative number.
//!
//! - `timestamp,rps` — absolute UTC times. Accepted forms: `YYYY-MM-DDTHH:MM:SS`, with `T` or a
//!   space between date and time, optional fractional seconds (`…:07.25`), and an optional `Z`
//!   or `+00:00` suffix; years 1970 to 9999. Other UTC offsets are rejected. The rows are aligned
//!   so that the first row falls at offset 0 (the scenario's start): offset = timestamp − first
//!   timestamp.
//! - `offset_seconds,rps` — seconds from the scenario's start, non-negative, possibly fractional
//!   (rounded to the millisecond).
//!
//! Times must be strictly increasing. A trace holds at most
//! [`MAX_TRACE_ROWS`](crate::scenario::limits::MAX_TRACE_ROWS) data rows, each rate at most
//! [`MAX_METRIC_VALUE`](crate::scenario::limits::MAX_METRIC_VALUE). Blank lines are skipped, fields are trimmed, quoting
//! follows RFC 4180, and a UTF-8 byte-order mark is ignored. Problems are returned as values,
//! never panics: up to [`MAX_PROBLEMS`] of them in one pass, each with its 1-based line and
//! character column.
//!
//! ```
//! use ecsim::workload::trace::parse_trace;
//!
//! let t = parse_trace("offset_seconds,rps\n0,10\n90.5,20\n", "inline.csv").unwrap();
//! assert_eq!(t.points, vec![(0, 10.0), (90_500, 20.0)]);
//!
//! let err = parse_trace("offset_seconds,rps\n0,ten\n", "inline.csv").unwrap_err();
//! assert_eq!(err.problems[0].pos, Some((2, 3)));
//! ```

use crate::engine::Millis;
use crate::scenario::limits;
use std::fmt;
use std::path::Path;

/// The most problems one read reports; further problems are counted in a last note.
pub const MAX_PROBLEMS: usize = 10;

/// A trace: points of (offset from the scenario's start in ms, rate), strictly increasing in
/// time and never empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The points in time order.
    pub points: Vec<(Millis, f64)>,
}

/// One problem with a trace file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceProblem {
    /// 1-based line and character column, where the problem has one (not for a missing file).
    pub pos: Option<(usize, usize)>,
    /// What was found and what would be valid.
    pub message: String,
}

/// Why a trace could not be read: the file and every problem found (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// The file as named to [`read_trace`] or [`parse_trace`].
    pub file: String,
    /// The problems, in file order.
    pub problems: Vec<TraceProblem>,
}

impl TraceError {
    fn single(file: &str, pos: Option<(usize, usize)>, message: String) -> TraceError {
        TraceError {
            file: file.to_string(),
            problems: vec![TraceProblem { pos, message }],
        }
    }

    /// The problems as the crate's [`crate::Problem`]s (with an empty field path: the location
    /// is the file itself).
    pub fn to_problems(&self) -> Vec<crate::Problem> {
        self.problems
            .iter()
            .map(|p| crate::Problem {
                file: self.file.clone(),
                pos: p.pos,
                path: String::new(),
                message: p.message.clone(),
            })
            .collect()
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if let Some((l, c)) = p.pos {
                write!(f, ":{l}:{c}")?;
            }
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for TraceError {}

/// Reads and parses a trace file (see the [module docs](self) for the formats): a regular file
/// ([`crate::user_file::read`]) of at most
/// [`MAX_TRACE_BYTES`](crate::scenario::limits::MAX_TRACE_BYTES).
pub fn read_trace(path: &Path) -> Result<Trace, TraceError> {
    let file = path.display().to_string();
    let cap = crate::scenario::limits::MAX_TRACE_BYTES;
    let bytes = crate::user_file::read(path, cap, "trace").map_err(|why| {
        TraceError::single(
            &file,
            None,
            format!("cannot read the trace: {why}: expected a CSV file with a header `timestamp,rps` or `offset_seconds,rps`"),
        )
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => parse_trace(&text, &file),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let before = &e.as_bytes()[..bad];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            Err(TraceError::single(
                &file,
                Some((line, column)),
                "the file is not UTF-8 text: expected a CSV text file".to_string(),
            ))
        }
    }
}

/// The time format, chosen by the first column's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Timestamp,
    OffsetSeconds,
}

/// Collects problems up to [`MAX_PROBLEMS`] and counts the rest.
struct Problems {
    list: Vec<TraceProblem>,
    more: usize,
}

impl Problems {
    fn push(&mut self, pos: (usize, usize), message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(TraceProblem {
                pos: Some(pos),
                message,
            });
        } else {
            self.more += 1;
        }
    }
}

/// The 1-based character column where each field of the record starting at `line` begins
/// (after leading blanks), following CSV quoting. Fields past the returned list are reported at
/// the end of the line.
fn field_columns(line: &str) -> Vec<usize> {
    let mut cols = Vec::new();
    let mut at_field_start = true;
    let mut in_quotes = false;
    for (i, ch) in line.chars().enumerate() {
        if at_field_start {
            if ch == ' ' || ch == '\t' {
                continue;
            }
            cols.push(i + 1);
            at_field_start = false;
        }
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                at_field_start = true;
            }
            '\n' | '\r' if !in_quotes => break,
            _ => {}
        }
    }
    if at_field_start {
        // A trailing empty field: it starts at the end of the line.
        let end = line.chars().take_while(|&c| c != '\n' && c != '\r').count();
        cols.push(end + 1);
    }
    cols
}

/// Where a record's fields are: its line and the column of each field.
struct Located<'a> {
    line: usize,
    cols: Vec<usize>,
    text: &'a str,
}

impl Located<'_> {
    fn col(&self, field: usize) -> (usize, usize) {
        let c = self.cols.get(field).copied().unwrap_or_else(|| {
            self.text
                .chars()
                .take_while(|&c| c != '\n' && c != '\r')
                .count()
                + 1
        });
        (self.line, c)
    }
}

fn locate<'a>(text: &'a str, pos: Option<&csv::Position>, fallback_line: usize) -> Located<'a> {
    let (line, byte) = match pos {
        Some(p) => (p.line() as usize, p.byte() as usize),
        None => (fallback_line, usize::MAX),
    };
    let rest = text.get(byte..).unwrap_or("");
    Located {
        line,
        cols: field_columns(rest),
        text: rest,
    }
}

/// Parses a trace from its text; `file` names it in errors (see the [module docs](self) for the
/// formats).
pub fn parse_trace(text: &str, file: &str) -> Result<Trace, TraceError> {
    parse_at_most(text, file, limits::MAX_TRACE_ROWS)
}

/// [`parse_trace`] with at most `max_rows` data rows.
fn parse_at_most(text: &str, file: &str, max_rows: usize) -> Result<Trace, TraceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut problems = Problems {
        list: Vec::new(),
        more: 0,
    };
    let mut records = reader.records();

    // The header.
    let header = match records.next() {
        None => {
            return Err(TraceError::single(
                file,
                None,
                "the trace is empty: expected a header `timestamp,rps` or `offset_seconds,rps` and at least one data row".to_string(),
            ));
        }
        Some(Err(e)) => return Err(csv_error(file, &e)),
        Some(Ok(h)) => h,
    };
    let hl = locate(text, header.position(), 1);
    let first = header.get(0).unwrap_or("");
    let format = match first.to_ascii_lowercase().as_str() {
        "timestamp" => Format::Timestamp,
        "offset_seconds" => Format::OffsetSeconds,
        _ => {
            let hint =
                if humantime::parse_rfc3339_weak(first).is_ok() || first.parse::<f64>().is_ok() {
                    " (the first line must be the header)"
                } else {
                    ""
                };
            return Err(TraceError::single(
                file,
                Some(hl.col(0)),
                format!(
                    "unknown first column `{first}`{hint}: expected a header `timestamp,rps` or `offset_seconds,rps`"
                ),
            ));
        }
    };
    if header.len() != 2 {
        let at = if header.len() > 2 { 2 } else { 1 };
        return Err(TraceError::single(
            file,
            Some(hl.col(at)),
            format!(
                "the header has {} column{}: expected two, `{}` and the rate (e.g. `{},rps`)",
                header.len(),
                if header.len() == 1 { "" } else { "s" },
                first,
                first
            ),
        ));
    }

    // The rows: (time in ms from the start, or epoch ms for timestamps; rate; line).
    let mut rows: Vec<(i128, f64, usize)> = Vec::new();
    let mut prev: Option<(i128, usize, String)> = None;
    let mut data_rows = 0;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let (line, col) = e.position().map_or((0, 1), |p| (p.line() as usize, 1));
                problems.push((line, col), format!("unreadable CSV: {e}"));
                continue;
            }
        };
        let loc = locate(text, rec.position(), 0);
        if data_rows == max_rows {
            return Err(TraceError::single(
                file,
                Some(loc.col(0)),
                format!(
                    "more than {max_rows} data rows: a trace holds at most {max_rows} (use coarser rows)"
                ),
            ));
        }
        data_rows += 1;
        if rec.len() != 2 {
            let at = if rec.len() > 2 { 2 } else { rec.len() };
            problems.push(
                loc.col(at),
                format!(
                    "{} field{}: expected two, the time and the rate (e.g. `{}`)",
                    rec.len(),
                    if rec.len() == 1 { "" } else { "s" },
                    match format {
                        Format::Timestamp => "2019-06-03T00:00:00Z,86",
                        Format::OffsetSeconds => "3600,86",
                    }
                ),
            );
            continue;
        }
        let t_field = rec.get(0).unwrap_or("");
        let r_field = rec.get(1).unwrap_or("");
        let time = match format {
            Format::Timestamp => match humantime::parse_rfc3339_weak(t_field) {
                Ok(st) => match st.duration_since(std::time::UNIX_EPOCH) {
                    Ok(d) => Some(d.as_millis() as i128),
                    Err(_) => None,
                },
                Err(_) => None,
            }
            .ok_or_else(|| {
                format!(
                    "`{t_field}` is not a timestamp: expected UTC such as `2019-06-03T00:00:00Z` (YYYY-MM-DDTHH:MM:SS, years 1970 to 9999, optional fraction, optional Z)"
                )
            }),
            Format::OffsetSeconds => match t_field.parse::<f64>() {
                Ok(s) if s.is_finite() && (0.0..=1.0e12).contains(&s) => {
                    Ok((s * 1000.0).round() as i128)
                }
                Ok(_) => Err(format!(
                    "offset `{t_field}` is out of range: expected seconds from 0 to 1e12"
                )),
                Err(_) => Err(format!(
                    "`{t_field}` is not a number: expected seconds from the start, such as `3600` or `90.5`"
                )),
            },
        };
        let rate = match r_field.parse::<f64>() {
            Ok(r) if r > limits::MAX_METRIC_VALUE && r.is_finite() => Err(limits::above(
                "rate",
                r,
                "limit",
                limits::MAX_METRIC_VALUE,
                "for a trace value",
            )),
            Ok(r) if r.is_finite() && r >= 0.0 => Ok(r),
            Ok(r) if r.is_finite() => Err(format!(
                "rate {r_field} is negative: expected a number of at least 0"
            )),
            Ok(_) => Err(format!(
                "rate `{r_field}` is not finite: expected a number of at least 0"
            )),
            Err(_) => Err(format!(
                "rate `{r_field}` is not a number: expected a number of at least 0, such as `86` or `12.5`"
            )),
        };
        let time = match time {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(loc.col(0), m);
                None
            }
        };
        let rate = match rate {
            Ok(r) => Some(r),
            Err(m) => {
                problems.push(loc.col(1), m);
                None
            }
        };
        if let Some(t) = time {
            if let Some((pt, pline, pfield)) = &prev
                && t <= *pt
            {
                let what = match format {
                    Format::Timestamp => "timestamp",
                    Format::OffsetSeconds => "offset",
                };
                let relation = if t == *pt { "equals" } else { "is before" };
                // Two different texts for one time differ below the millisecond.
                let resolution = if t == *pt && t_field.trim() != pfield.trim() {
                    " to the millisecond (the resolution of times)"
                } else {
                    ""
                };
                problems.push(
                    loc.col(0),
                    format!(
                        "{what} `{t_field}` on line {} {relation} `{pfield}` on line {pline}{resolution}: expected times strictly increasing",
                        loc.line
                    ),
                );
            }
            prev = Some((t, loc.line, t_field.to_string()));
            if let Some(r) = rate {
                rows.push((t, r, loc.line));
            }
        }
    }

    if problems.list.is_empty() && rows.is_empty() {
        return Err(TraceError::single(
            file,
            None,
            format!(
                "the trace has a header but no data rows: expected at least one row such as `{}`",
                match format {
                    Format::Timestamp => "2019-06-03T00:00:00Z,86",
                    Format::OffsetSeconds => "0,86",
                }
            ),
        ));
    }
    if !problems.list.is_empty() {
        if problems.more > 0 {
            problems.list.push(TraceProblem {
                pos: None,
                message: format!(
                    "and {} more problem{} not shown",
                    problems.more,
                    if problems.more == 1 { "" } else { "s" }
                ),
            });
        }
        return Err(TraceError {
            file: file.to_string(),
            problems: problems.list,
        });
    }
    let origin = match format {
        Format::Timestamp => rows[0].0,
        Format::OffsetSeconds => 0,
    };
    let points = rows
        .into_iter()
        .map(|(t, r, _)| ((t - origin).clamp(0, i128::from(u64::MAX)) as Millis, r))
        .collect();
    Ok(Trace { points })
}

fn csv_error(file: &str, e: &csv::Error) -> TraceError {
    let pos = e.position().map(|p| (p.line() as usize, 1));
    TraceError::single(file, pos, format!("unreadable CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::HOUR;

    fn err(text: &str) -> Vec<TraceProblem> {
        parse_trace(text, "t.csv").unwrap_err().problems
    }

    #[test]
    fn rows_and_values_have_limits() {
        // With a limit of 3 rows (1,000,000 in use: the same code), 3 data rows are a trace
        // and a 4th (line 5: the header is line 1) is refused where it starts.
        let three = "offset_seconds,rps\n0,1\n60,1\n120,1\n";
        assert_eq!(parse_at_most(three, "t.csv", 3).unwrap().points.len(), 3);
        let e = parse_at_most(&format!("{three}180,1\n"), "t.csv", 3)
            .unwrap_err()
            .problems;
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pos, Some((5, 1)));
        assert_eq!(
            e[0].message,
            "more than 3 data rows: a trace holds at most 3 (use coarser rows)"
        );
        // A rate of 1e15 is the largest; 2e15 (line 3, column 4) is above the limit.
        let e = err("offset_seconds,rps\n0,1e15\n60,2e15\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].pos, Some((3, 4)));
        assert_eq!(
            e[0].message,
            "rate 2e15 is above the limit of 1e15 for a trace value: expected at most 1e15"
        );
    }

    #[test]
    fn timestamps_are_aligned_to_the_first_row() {
        let t = parse_trace(
            "timestamp,rps\n2019-06-03T00:00:00Z,86\n2019-06-03 01:00:00,35\n2019-06-03T01:30:00.5+00:00,7.5\n",
            "t.csv",
        )
        .unwrap();
        // 01:00 is 1 h after the first row; 01:30:00.5 is 1.5 h + 500 ms = 5,400,500 ms.
        assert_eq!(t.points, vec![(0, 86.0), (HOUR, 35.0), (5_400_500, 7.5)]);
    }

    #[test]
    fn offsets_keep_their_origin_and_any_rate_header() {
        let t = parse_trace(
            "offset_seconds,value\r\n\r\n60, 1\r\n 120.25 ,2\r\n",
            "t.csv",
        )
        .unwrap();
        // 60 s = 60,000 ms; 120.25 s = 120,250 ms; the blank line is skipped.
        assert_eq!(t.points, vec![(60_000, 1.0), (120_250, 2.0)]);
    }

    #[test]
    fn a_byte_order_mark_and_quotes_are_accepted() {
        let t = parse_trace("\u{feff}offset_seconds,\"rps\"\n\"0\",\"3\"\n", "t.csv").unwrap();
        assert_eq!(t.points, vec![(0, 3.0)]);
    }

    #[test]
    fn missing_file() {
        let e = read_trace(Path::new("/nonexistent/dir/x.csv")).unwrap_err();
        assert_eq!(e.file, "/nonexistent/dir/x.csv");
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].pos, None);
        assert!(e.problems[0].message.contains("no such file"), "{e}");
    }

    #[test]
    fn empty_and_header_only() {
        let p = err("");
        assert!(p[0].message.contains("empty"), "{:?}", p);
        let p = err("timestamp,rps\n");
        assert!(p[0].message.contains("no data rows"), "{:?}", p);
    }

    #[test]
    fn unknown_header_and_missing_header() {
        let p = err("time,rps\n0,1\n");
        assert_eq!(p[0].pos, Some((1, 1)));
        assert!(
            p[0].message.contains("unknown first column `time`"),
            "{:?}",
            p
        );
        let p = err("2019-06-03T00:00:00Z,86\n");
        assert!(
            p[0].message.contains("the first line must be the header"),
            "{:?}",
            p
        );
        // Three header columns: the third starts at column 16 ("offset_seconds," is 15 chars).
        let p = err("offset_seconds,rps,extra\n0,1\n");
        assert_eq!(p[0].pos, Some((1, 20)));
        assert!(p[0].message.contains("3 columns"), "{:?}", p);
    }

    #[test]
    fn problems_carry_line_and_column_and_are_collected() {
        let text = "offset_seconds,rps\n0,1\n10,-2\nx,3\n20,4,5\n5,1\n";
        let p = err(text);
        // line 3 "10,-2": the rate starts after "10," → column 4.
        assert_eq!(p[0].pos, Some((3, 4)));
        assert!(p[0].message.contains("negative"), "{:?}", p[0]);
        // line 4 "x,3": the offset at column 1.
        assert_eq!(p[1].pos, Some((4, 1)));
        assert!(p[1].message.contains("`x` is not a number"), "{:?}", p[1]);
        // line 5 "20,4,5": the third field starts after "20,4," → column 6.
        assert_eq!(p[2].pos, Some((5, 6)));
        assert!(p[2].message.contains("3 fields"), "{:?}", p[2]);
        // line 6 "5,1": 5 s is before the last good time, 10 s on line 3 (line 4 has no time,
        // line 5 was skipped).
        assert_eq!(p[3].pos, Some((6, 1)));
        assert_eq!(
            p[3].message,
            "offset `5` on line 6 is before `10` on line 3: expected times strictly increasing"
        );
        assert_eq!(p.len(), 4);
    }

    #[test]
    fn bad_timestamp_and_repeated_timestamp() {
        let text = "timestamp,rps\n2019-06-03T00:00:00Z,1\n2019-06-03T00:00:00Z,2\n2019-13-03T00:00:00Z,3\n2019-06-03T02:00:00+02:00,4\n";
        let p = err(text);
        assert_eq!(p[0].pos, Some((3, 1)));
        assert!(p[0].message.contains("equals"), "{:?}", p[0]);
        assert!(p[0].message.contains("on line 2"), "{:?}", p[0]);
        // Month 13 and a non-UTC offset are both rejected.
        assert_eq!(p[1].pos, Some((4, 1)));
        assert!(p[1].message.contains("is not a timestamp"), "{:?}", p[1]);
        assert_eq!(p[2].pos, Some((5, 1)));
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn at_most_ten_problems_then_a_count() {
        // 13 bad rows: 10 reported with positions, then one note for the other 3.
        let mut text = String::from("offset_seconds,rps\n");
        for i in 0..13 {
            text.push_str(&format!("{i},bad\n"));
        }
        let p = err(&text);
        assert_eq!(p.len(), MAX_PROBLEMS + 1);
        assert_eq!(p[9].pos, Some((11, 3)));
        assert_eq!(p[10].pos, None);
        assert_eq!(p[10].message, "and 3 more problems not shown");
    }

    #[test]
    fn display_lists_file_line_column() {
        let e = parse_trace("offset_seconds,rps\n0,x\n", "a.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.csv:2:3: rate `x` is not a number: expected a number of at least 0, such as `86` or `12.5`"
        );
        assert_eq!(e.to_problems()[0].pos, Some((2, 3)));
    }

    #[test]
    fn real_bikesharing_trace() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bikesharing-hourly.csv");
        let t = read_trace(&path).unwrap();
        assert_eq!(t.points.len(), 672);
        assert_eq!(t.points[0], (0, 86.0));
        assert_eq!(t.points[1], (HOUR, 35.0));
        // Line 350 of the file reads `2019-06-17T12:00:00Z,459`: data row 348 (0-based; line 2 is
        // row 0), and 2019-06-17T12:00 is 14 days + 12 h = 348 h after 2019-06-03T00:00.
        assert_eq!(t.points[348], (348 * HOUR, 459.0));
        // The last row, line 673, is 671 hours after the first.
        assert_eq!(t.points[671].0, 671 * HOUR);
    }

    proptest::proptest! {
        /// Any text, however malformed, gives a value (never a panic); an Ok trace is never
        /// empty and strictly increasing. The alphabet is the characters the parser treats
        /// specially plus a few others, so most inputs reach the row checks.
        #[test]
        fn never_panics(text in "(offset_seconds,rps\n|timestamp,rps\n)?[0-9a-zT:.,\"\n\r +Z-é]{0,80}") {
            if let Ok(t) = parse_trace(&text, "p.csv") {
                proptest::prop_assert!(!t.points.is_empty());
                proptest::prop_assert!(t.points.windows(2).all(|w| w[0].0 < w[1].0));
            }
        }
    }
}
