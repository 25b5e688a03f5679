//! `ecsim explain OUTDIR`: the decisions of a finished run told in words, read back from the
//! files the run left in its output folder — never from the simulation itself.
//!
//! - `report.json` (`ecsim.report/1`): the scenario's name, seed, length and start, the service
//!   names, and the `activities`, each with its cause as a typed value (`detail`, a [`Cause`])
//!   carrying the decision's numbers — the sentence beside it (`cause`) is never read;
//! - `metrics.csv`: the datapoints each alarm evaluated, the periods they cover and when they were
//!   published;
//! - `timeseries.csv` / `capacity.csv`: the state at `--at`, and which capacity providers a
//!   service used (its `tasks_<provider>` columns);
//! - `placements.json` (runs made with `--explain-placement`): why each candidate instance was
//!   rejected and why the chosen one won.
//!
//! Every sentence is derived from those files; where they do not say why something did not
//! happen, the text lists what could have held it and says that the files do not tell which.

use crate::error::{Error, Problem};
use crate::model::activity::{
    Activity, ActivityKind, Cause, ClusterScaleInCause, ClusterScaleOutCause, Reservation,
    ScheduledActionCause,
};
use crate::scaling::alarm::{self, Breach as Alarm, Comparison};
use crate::scaling::policy::{Clamp, TargetTrackingRule};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report schema this command reads.
pub const SCHEMA: &str = "ecsim.report/1";

/// Longest output line aimed for.
const WIDTH: usize = 100;
/// Width of the label column inside a block.
const LABEL: usize = 11;

/// What to explain.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this service's decisions (and cluster actions of the providers it used).
    pub service: Option<String>,
    /// A moment: a duration from the start (`1h5m`, `3900s`, `3900`) or an RFC 3339 timestamp.
    pub at: Option<String>,
    /// At most this many placement decisions (0: all).
    pub limit: usize,
}

/// Reads the run in `dir` and returns the explanation as text.
///
/// Errors are [`Error::Invalid`] (exit 2) naming the file and what is wrong: a missing folder, a
/// folder without report.json, another schema, a malformed file, an unknown service or time.
pub fn explain(dir: &Path, opts: &Options) -> Result<String, Error> {
    let run = Run::load(dir)?;
    let service = match &opts.service {
        Some(s) if !run.services.contains(s) => {
            let names: Vec<&str> = run.services.iter().map(String::as_str).collect();
            return Err(Error::invalid(
                "--service",
                "",
                format!(
                    "no service `{s}` in this run (services: {})",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
        s => s.clone(),
    };
    let at = match &opts.at {
        Some(text) => Some(run.parse_at(text)?),
        None => None,
    };
    Ok(Explainer {
        run: &run,
        service,
        at,
        limit: opts.limit,
    }
    .render())
}

// ---------------------------------------------------------------------------------------------
// Reading the files

#[derive(Debug, Deserialize)]
struct ScenarioHead {
    name: String,
    #[serde(default)]
    seed: Option<u64>,
    duration_s: f64,
    #[serde(default)]
    start: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReportHead {
    scenario: ScenarioHead,
    /// The run's output set (`ecsim run` lists it): the only files read beside report.json.
    files: Option<Vec<String>>,
    #[serde(default)]
    services: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    activities: Vec<Activity>,
}

/// One row of metrics.csv.
#[derive(Debug, Clone, Deserialize)]
struct MetricRow {
    time_s: f64,
    published_s: f64,
    service: String,
    policy: String,
    metric: String,
    value: Option<f64>,
    target: Option<f64>,
    scale_in_threshold: Option<f64>,
    alarm: String,
}

/// One row of capacity.csv (later columns are ignored).
#[derive(Debug, Clone, Deserialize)]
struct CapacityRow {
    time_s: f64,
    capacity_provider: String,
    instances: u64,
    tasks: u64,
}

/// One row of timeseries.csv: the fixed columns and the per-provider task counts.
#[derive(Debug, Clone)]
struct SeriesRow {
    time_s: f64,
    service: String,
    offered_rps: String,
    served_rps: String,
    desired: String,
    running: String,
    healthy: String,
    pending: String,
    tasks: Vec<(String, f64)>,
}

/// One record of placements.json.
#[derive(Debug, Clone, Deserialize)]
struct Placement {
    time_s: f64,
    service: String,
    capacity_provider: String,
    #[serde(default)]
    strategy: Vec<String>,
    #[serde(default)]
    rejected: Vec<(String, String)>,
    #[serde(default)]
    ranked: Vec<(String, Vec<u64>)>,
    chosen: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Everything read from an output folder.
struct Run {
    dir: PathBuf,
    name: String,
    seed: Option<u64>,
    duration_s: f64,
    start: Option<(String, i64)>,
    services: BTreeSet<String>,
    activities: Vec<Activity>,
    metrics: Option<Vec<MetricRow>>,
    series: Option<Vec<SeriesRow>>,
    capacity: Option<Vec<CapacityRow>>,
    placements: Option<Vec<Placement>>,
}

fn problem(file: &Path, pos: Option<(usize, usize)>, path: &str, message: String) -> Error {
    Error::Invalid(vec![Problem {
        file: file.display().to_string(),
        pos,
        path: path.to_string(),
        message,
    }])
}

/// A time read back from `file` (`field` names it), checked as input: a number of seconds
/// within the run, 0 … `end`.
fn check_time(file: &Path, field: &str, t: f64, end: f64) -> Result<(), Error> {
    if (0.0..=end).contains(&t) {
        Ok(())
    } else {
        Err(problem(
            file,
            None,
            field,
            format!("{}: expected a time within the run, 0 … {end} s", shown(t)),
        ))
    }
}

/// A number read back as a message shows it: as written when short, else in exponent form
/// (`1e300`, not 301 digits).
fn shown(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e15 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

fn read_text(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(problem(path, None, "", format!("cannot read it: {e}"))),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    csv_error_in(path, e, None)
}

/// A CSV error with the column named from `headers` where the error says which field.
fn csv_error_in(path: &Path, e: &csv::Error, headers: Option<&csv::StringRecord>) -> Error {
    let line = e.position().map(|p| p.line() as usize);
    let message = match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err
                .field()
                .and_then(|i| headers.and_then(|h| h.get(i as usize)))
                .map(|name| format!(" in column {name}"))
                .unwrap_or_default();
            format!("malformed row{column}: {}", err.kind())
        }
        _ => format!("malformed CSV: {e}"),
    };
    problem(path, line.map(|l| (l, 1)), "", message)
}

fn check_header(path: &Path, rdr: &mut csv::Reader<&[u8]>, needed: &[&str]) -> Result<(), Error> {
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|n| !headers.iter().any(|h| h == *n))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(problem(
            path,
            Some((1, 1)),
            "",
            format!(
                "the header lacks {}: expected a table written by `ecsim run` ({})",
                missing.join(", "),
                needed.join(",")
            ),
        ))
    }
}

fn read_csv<T: serde::de::DeserializeOwned>(
    path: &Path,
    needed: &[&str],
) -> Result<Option<Vec<T>>, Error> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    check_header(path, &mut rdr, needed)?;
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let mut out = Vec::new();
    for r in rdr.deserialize() {
        out.push(r.map_err(|e| csv_error_in(path, &e, Some(&headers)))?);
    }
    Ok(Some(out))
}

const SERIES_FIXED: [&str; 8] = [
    "time_s",
    "service",
    "offered_rps",
    "served_rps",
    "desired",
    "running",
    "healthy",
    "pending",
];

fn read_series(path: &Path) -> Result<Option<Vec<SeriesRow>>, Error> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    check_header(path, &mut rdr, &SERIES_FIXED)?;
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap_or(0);
    let fixed: Vec<usize> = SERIES_FIXED.iter().map(|n| col(n)).collect();
    let providers: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("tasks_").map(|p| (i, p.to_string())))
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, &e))?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let number = |i: usize, name: &str| -> Result<f64, Error> {
            let v = rec.get(i).unwrap_or("");
            v.trim().parse::<f64>().map_err(|_| {
                problem(
                    path,
                    Some((line, 1)),
                    "",
                    format!("malformed row: `{v}` in column {name} is not a number"),
                )
            })
        };
        let time_s = number(fixed[0], "time_s")?;
        let mut tasks = Vec::new();
        for (i, p) in &providers {
            tasks.push((p.clone(), number(*i, &format!("tasks_{p}"))?));
        }
        out.push(SeriesRow {
            time_s,
            service: get(fixed[1]),
            offered_rps: get(fixed[2]),
            served_rps: get(fixed[3]),
            desired: get(fixed[4]),
            running: get(fixed[5]),
            healthy: get(fixed[6]),
            pending: get(fixed[7]),
            tasks,
        });
    }
    Ok(Some(out))
}

impl Run {
    fn load(dir: &Path) -> Result<Run, Error> {
        if !dir.is_dir() {
            let what = if dir.exists() {
                "is not a folder"
            } else {
                "no such folder"
            };
            return Err(problem(
                dir,
                None,
                "",
                format!("{what}: expected the output folder of `ecsim run` (its --out)"),
            ));
        }
        let report_path = dir.join("report.json");
        let Some(text) = read_text(&report_path)? else {
            return Err(problem(
                &report_path,
                None,
                "",
                format!(
                    "not found: {} does not hold a finished run (`ecsim run --out {}` writes it)",
                    dir.display(),
                    dir.display()
                ),
            ));
        };
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            problem(
                &report_path,
                // serde_json counts columns from 0 before the first character of a line.
                Some((e.line().max(1), e.column().max(1))),
                "",
                {
                    let text = e.to_string();
                    let plain = text.split(" at line ").next().unwrap_or(&text);
                    format!("malformed JSON: {plain}")
                },
            )
        })?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            Some(other) => {
                return Err(problem(
                    &report_path,
                    None,
                    "schema",
                    format!("found `{other}`, this ecsim reads `{SCHEMA}`"),
                ));
            }
            None => {
                return Err(problem(
                    &report_path,
                    None,
                    "schema",
                    format!("missing: expected \"schema\": \"{SCHEMA}\" (an ecsim report)"),
                ));
            }
        }
        let mut de = serde_json::Deserializer::from_str(&text);
        let head: ReportHead = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            problem(
                &report_path,
                Some((inner.line(), inner.column())),
                &path,
                inner.to_string(),
            )
        })?;
        // Every number that positions something is checked as input is (a folder's files can
        // be damaged or edited): the length against the longest run, each time against the
        // length — so no time can push the wall-clock arithmetic out of range.
        let end = head.scenario.duration_s;
        let longest = (crate::scenario::limits::MAX_DURATION_DAYS * 86_400) as f64;
        if !(0.0..=longest).contains(&end) {
            return Err(problem(
                &report_path,
                None,
                "scenario.duration_s",
                format!(
                    "{}: expected a run's length in seconds, 0 … {longest} (the limit of {}d)",
                    shown(end),
                    crate::scenario::limits::MAX_DURATION_DAYS
                ),
            ));
        }
        for (k, a) in head.activities.iter().enumerate() {
            check_time(
                &report_path,
                &format!("activities[{k}].time_s"),
                a.time_s,
                end,
            )?;
            a.check()
                .map_err(|m| problem(&report_path, None, &format!("activities[{k}].kind"), m))?;
        }
        let start = match head.scenario.start {
            Some(s) => Some(
                crate::schedule::instant_ms(&s)
                    .map(|ms| (s.clone(), ms))
                    .map_err(|m| problem(&report_path, None, "scenario.start", m))?,
            ),
            None => None,
        };
        // Only the files of this run's set: a file beside them that the manifest does not name
        // (another run's, the user's) is never read.
        let Some(files) = head.files else {
            return Err(problem(
                &report_path,
                None,
                "files",
                "missing: this report.json does not list its run's files (an ecsim before the \
                 output manifest wrote it): run the scenario again to explain it"
                    .into(),
            ));
        };
        let listed = |name: &str| files.iter().any(|f| f == name);
        let metrics = if listed("metrics.csv") {
            read_csv::<MetricRow>(
                &dir.join("metrics.csv"),
                &crate::report::series::METRICS_HEADER,
            )?
        } else {
            None
        };
        let capacity = if listed("capacity.csv") {
            read_csv::<CapacityRow>(
                &dir.join("capacity.csv"),
                &["time_s", "capacity_provider", "instances", "tasks"],
            )?
        } else {
            None
        };
        let series = if listed("timeseries.csv") {
            read_series(&dir.join("timeseries.csv"))?
        } else {
            None
        };
        let placements_path = dir.join("placements.json");
        let placements_text = if listed("placements.json") {
            read_text(&placements_path)?
        } else {
            None
        };
        let placements = match placements_text {
            None => None,
            Some(t) => {
                let mut de = serde_json::Deserializer::from_str(&t);
                let v: Vec<Placement> = serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    problem(
                        &placements_path,
                        Some((inner.line(), inner.column())),
                        &path,
                        inner.to_string(),
                    )
                })?;
                Some(v)
            }
        };
        let rows = |file: &str| dir.join(file);
        for (k, r) in metrics.iter().flatten().enumerate() {
            let f = rows("metrics.csv");
            check_time(&f, &format!("row {}: time_s", k + 1), r.time_s, end)?;
            check_time(
                &f,
                &format!("row {}: published_s", k + 1),
                r.published_s,
                end,
            )?;
        }
        for (k, r) in capacity.iter().flatten().enumerate() {
            check_time(
                &rows("capacity.csv"),
                &format!("row {}: time_s", k + 1),
                r.time_s,
                end,
            )?;
        }
        for (k, r) in series.iter().flatten().enumerate() {
            let f = rows("timeseries.csv");
            check_time(&f, &format!("row {}: time_s", k + 1), r.time_s, end)?;
        }
        for (k, p) in placements.iter().flatten().enumerate() {
            check_time(&placements_path, &format!("[{k}].time_s"), p.time_s, end)?;
        }
        let mut services: BTreeSet<String> = head.services.keys().cloned().collect();
        services.extend(head.activities.iter().filter_map(|a| a.service.clone()));
        Ok(Run {
            dir: dir.to_path_buf(),
            name: head.scenario.name,
            seed: head.scenario.seed,
            duration_s: head.scenario.duration_s,
            start,
            services,
            activities: head.activities,
            metrics,
            series,
            capacity,
            placements,
        })
    }

    /// `--at` as seconds from the start.
    fn parse_at(&self, text: &str) -> Result<f64, Error> {
        let t = text.trim();
        let looks_like_timestamp = t.len() >= 10 && t.as_bytes()[4] == b'-' && t.contains('T');
        let secs = if looks_like_timestamp {
            let ms = crate::schedule::instant_ms(t)
                .map_err(|m| Error::invalid("--at", "", format!("`{text}`: {m}")))?;
            let Some((start, start_ms)) = &self.start else {
                return Err(Error::invalid(
                    "--at",
                    "",
                    "report.json has no scenario.start: give a duration from the start instead",
                ));
            };
            if ms < *start_ms {
                return Err(Error::invalid(
                    "--at",
                    "",
                    format!("`{text}` is before the run's start {start}"),
                ));
            }
            (ms - start_ms) as f64 / 1000.0
        } else {
            let d = crate::scenario::units::Duration::parse(t).map_err(|m| {
                Error::invalid(
                    "--at",
                    "",
                    format!("{m}, or an RFC 3339 timestamp such as 2026-01-05T01:05:00Z"),
                )
            })?;
            d.0 as f64 / 1000.0
        };
        if secs > self.duration_s {
            return Err(Error::invalid(
                "--at",
                "",
                format!(
                    "`{text}` is {} from the start, after the end of the run ({})",
                    dur(secs),
                    dur(self.duration_s)
                ),
            ));
        }
        Ok(secs)
    }

    /// Capacity providers `service` held tasks on (from timeseries.csv), None when unknown.
    fn providers_of(&self, service: &str) -> Option<BTreeSet<String>> {
        let rows = self.series.as_ref()?;
        let mut out = BTreeSet::new();
        for r in rows.iter().filter(|r| r.service == service) {
            for (p, n) in &r.tasks {
                if *n > 0.0 {
                    out.insert(p.clone());
                }
            }
        }
        Some(out)
    }

    /// `time_s` as "1h06m03s (3963 s) · 2026-01-05T01:06:03Z".
    fn when(&self, t: f64) -> String {
        let rel = if t < 60.0 {
            secs(t)
        } else {
            format!("{} ({})", dur(t), secs(t))
        };
        match self.wall(t) {
            Some(w) => format!("{rel} · {w}"),
            None => rel,
        }
    }

    /// The simulated wall-clock time `t` seconds after `scenario.start`.
    fn wall(&self, t: f64) -> Option<String> {
        let (_, start) = self.start.as_ref()?;
        let ms = start + (t * 1000.0).round() as i64;
        use chrono::{Datelike, TimeZone, Timelike};
        let d = chrono::Utc.timestamp_millis_opt(ms).single()?;
        let frac = ms.rem_euclid(1000);
        let f = if frac == 0 {
            String::new()
        } else {
            format!(".{frac:03}")
        };
        Some(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{f}Z",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers

/// Seconds as "1h06m03s", "6m03s", "45s", "1h09m27.764s".
fn dur(t: f64) -> String {
    let ms = (t * 1000.0).round().max(0.0) as u64;
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let frac = if f == 0 {
        String::new()
    } else {
        format!(".{f:03}")
    };
    if h > 0 {
        format!("{h}h{m:02}m{s:02}{frac}s")
    } else if m > 0 {
        format!("{m}m{s:02}{frac}s")
    } else {
        format!("{s}{frac}s")
    }
}

/// Seconds as "3963 s" or "4167.764 s".
fn secs(t: f64) -> String {
    format!("{} s", num(t))
}

/// A number without trailing zeros: 3963, 4167.764, 53.649.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A datapoint as causes show it (2 decimals, at least one).
fn dp(v: Option<f64>) -> String {
    v.map_or_else(|| "missing".into(), crate::scaling::alarm::fmt_dp)
}

/// Appends `label  text`, wrapped at [`WIDTH`] with the text column kept.
fn field(out: &mut String, label: &str, text: &str) {
    wrap(out, &format!("  {label:<LABEL$} "), 2 + LABEL + 1, text);
}

/// Appends `text` after `first`, wrapped at [`WIDTH`]; continuation lines are indented by
/// `indent` spaces.
fn wrap(out: &mut String, first_prefix: &str, indent: usize, text: &str) {
    let mut first = true;
    let mut line = String::new();
    let flush = |out: &mut String, line: &str, first: bool| {
        let line = line.trim_end();
        if first {
            let _ = writeln!(out, "{first_prefix}{line}");
        } else {
            let _ = writeln!(out, "{:indent$}{line}", "");
        }
    };
    for word in text.split(' ') {
        let used = if first {
            first_prefix.chars().count()
        } else {
            indent
        };
        if !line.is_empty() && used + line.chars().count() + 1 + word.chars().count() > WIDTH {
            flush(out, &line, first);
            first = false;
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    flush(out, &line, first);
}

/// The title line of a block, padded with a rule.
fn title(out: &mut String, text: &str) {
    let len = text.chars().count() + 3;
    let rule = if len < WIDTH {
        "─".repeat(WIDTH - len - 1)
    } else {
        String::new()
    };
    let _ = writeln!(out, "\n── {text} {rule}");
}

/// ⌈r × v / t⌉ in hundredths, as the causes compute it.
fn proportional(running: u32, v: f64, target: f64) -> Option<i128> {
    let m = i128::from(crate::scaling::alarm::hundredths(v)?);
    let t = i128::from(crate::scaling::alarm::hundredths(target)?);
    if t <= 0 {
        return None;
    }
    let a = i128::from(running) * m;
    Some(if a.rem_euclid(t) == 0 {
        a.div_euclid(t)
    } else {
        a.div_euclid(t) + 1
    })
}

// ---------------------------------------------------------------------------------------------
// Causes

/// A service scaling decision, read from its `detail`: the policy, the alarm as it stood, and
/// the arithmetic.
struct Breach<'a> {
    policy: &'a str,
    alarm: &'a Alarm,
    /// The arithmetic after the alarm, as the cause's sentence shows it.
    formula: String,
    rule: Rule<'a>,
    /// How many policies' proposals competed.
    proposals: u32,
    /// Computed from the running count when the scale-out chain began.
    chain_start: bool,
}

/// How a scaling decision computed its count.
enum Rule<'a> {
    Target(&'a TargetTrackingRule),
    Step(&'a crate::scaling::step::StepArithmetic),
}

impl<'a> Breach<'a> {
    /// The decision of a target tracking or step scaling cause.
    fn of(cause: &'a Cause) -> Option<Breach<'a>> {
        Some(match cause {
            Cause::TargetTracking(c) => Breach {
                policy: &c.policy,
                alarm: &c.alarm,
                formula: c.formula().to_string(),
                rule: Rule::Target(&c.rule),
                proposals: c.proposals,
                chain_start: c.running_from_chain_start,
            },
            Cause::StepScaling(c) => Breach {
                policy: &c.policy,
                alarm: &c.alarm,
                formula: c.formula().to_string(),
                rule: Rule::Step(&c.step),
                proposals: c.proposals,
                chain_start: false,
            },
            _ => return None,
        })
    }

    /// The comparison's symbol: `>`, `≥`, `<`, `≤`.
    fn op(&self) -> &'static str {
        self.alarm.comparison.symbol()
    }

    /// The threshold as the cause shows it.
    fn threshold(&self) -> String {
        alarm::fmt_target(self.alarm.threshold)
    }

    /// The window's datapoints as the cause shows them.
    fn values(&self) -> Vec<String> {
        self.alarm.datapoints.iter().map(|v| dp(*v)).collect()
    }

    /// Whether MinCapacity or MaxCapacity changed the proposal.
    fn clamp(&self) -> Option<Clamp> {
        match self.rule {
            Rule::Target(
                TargetTrackingRule::Proportional { clamped, .. }
                | TargetTrackingRule::FromZero { clamped, .. },
            ) => *clamped,
            Rule::Target(_) => None,
            Rule::Step(s) => s.clamped,
        }
    }

    /// The RUNNING count target tracking multiplied (0 when it scaled from zero).
    fn running(&self) -> Option<u32> {
        match self.rule {
            Rule::Target(TargetTrackingRule::Proportional { running, .. }) => Some(*running),
            Rule::Target(TargetTrackingRule::FromZero { .. }) => Some(0),
            _ => None,
        }
    }
}

/// The CPR a managed scaling alarm saw, in words.
fn cpr_words(r: &Reservation) -> String {
    let (m, n) = (r.m, r.n);
    if n == 0 && m > 0 {
        format!("the group has no instance (N = 0) while M = {m} are needed: AWS sets CPR to 200")
    } else if n == 0 {
        "no instance and none needed (M = N = 0): AWS sets CPR to 100".into()
    } else {
        format!(
            "M = {m} instances needed, N = {n} in the group: CPR = M / N × 100 = {m} / {n} × 100 \
             = {}",
            alarm::fmt_target(r.cpr)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering

struct Explainer<'a> {
    run: &'a Run,
    service: Option<String>,
    at: Option<f64>,
    limit: usize,
}

impl Explainer<'_> {
    fn render(&self) -> String {
        let run = self.run;
        let mut out = String::new();
        let seed = run.seed.map(|s| format!(" · seed {s}")).unwrap_or_default();
        let from = run
            .start
            .as_ref()
            .map(|(s, _)| format!(" from {s}"))
            .unwrap_or_default();
        let _ = writeln!(out, "ecsim explain · {}{seed}", run.name);
        let _ = writeln!(out, "{} simulated{from}", dur(run.duration_s));
        let _ = writeln!(out, "folder {}", run.dir.display());
        let providers = self.service.as_ref().map(|s| run.providers_of(s));
        if let Some(s) = &self.service {
            let line = match &providers {
                Some(Some(p)) if p.is_empty() => format!(
                    "service {s}: it held no tasks on any capacity provider (timeseries.csv); \
                     cluster actions are left out"
                ),
                Some(Some(p)) => format!(
                    "service {s}: cluster actions of the providers it used ({}) are kept",
                    p.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                _ => format!(
                    "service {s}: timeseries.csv is missing, so every cluster action is kept \
                     (which providers the service used is unknown)"
                ),
            };
            let _ = writeln!(out, "{line}");
        }
        let providers = providers.flatten();
        let acts: Vec<&Activity> = run
            .activities
            .iter()
            .filter(|a| self.keeps(a, providers.as_ref()))
            .collect();
        let mut kinds: Vec<(ActivityKind, usize)> = Vec::new();
        for a in &acts {
            match kinds.iter_mut().find(|(k, _)| *k == a.kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((a.kind, 1)),
            }
        }
        let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(
            out,
            "{} activities{}",
            acts.len(),
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({})", counts.join(", "))
            }
        );
        for (file, present) in [
            ("metrics.csv", run.metrics.is_some()),
            ("timeseries.csv", run.series.is_some()),
            ("capacity.csv", run.capacity.is_some()),
        ] {
            if !present {
                let _ = writeln!(
                    out,
                    "note: {file} is missing: what it would add is left out"
                );
            }
        }
        match self.at {
            Some(at) => {
                self.state_at(&mut out, at, providers.as_ref());
                let before = acts.iter().rev().find(|a| a.time_s <= at);
                let after = acts.iter().find(|a| a.time_s > at);
                let _ = writeln!(out, "\nNearest decisions");
                match before {
                    Some(a) => self.activity(&mut out, a, "before: "),
                    None => {
                        let _ = writeln!(out, "  none before {}", dur(at));
                    }
                }
                match after {
                    Some(a) => self.activity(&mut out, a, "after: "),
                    None => {
                        let _ = writeln!(out, "\n  none after {}", dur(at));
                    }
                }
            }
            None => {
                if acts.is_empty() {
                    let _ = writeln!(out, "\nNo scaling, cluster, fault or deployment activity.");
                }
                for a in &acts {
                    self.activity(&mut out, a, "");
                }
            }
        }
        self.placements(&mut out);
        out
    }

    /// Whether the filter keeps an activity.
    fn keeps(&self, a: &Activity, providers: Option<&BTreeSet<String>>) -> bool {
        let Some(s) = &self.service else {
            return true;
        };
        match (&a.service, &a.capacity_provider) {
            (Some(x), _) => x == s,
            (None, Some(p)) => providers.is_none_or(|ps| ps.contains(p)),
            (None, None) => true,
        }
    }

    fn activity(&self, out: &mut String, a: &Activity, prefix: &str) {
        let run = self.run;
        let who = a
            .service
            .clone()
            .or_else(|| a.capacity_provider.clone())
            .unwrap_or_default();
        let change = match (a.from, a.to) {
            (Some(f), Some(t)) => format!(" {f} → {t}"),
            _ => String::new(),
        };
        title(
            out,
            &format!("{prefix}{} · {}  {who}{change}", run.when(a.time_s), a.kind),
        );
        match &a.cause {
            Cause::TargetTracking(_) | Cause::StepScaling(_) => self.scaling(out, a),
            Cause::ClusterScaleOut(c) => self.cluster_out(out, a, c),
            Cause::ClusterScaleIn(c) => self.cluster_in(out, a, c),
            Cause::ScheduledAction(c) => scheduled(out, c),
            Cause::RestartThrottled(c) => restart_throttled(out, c),
            other => {
                if let (Some(p), Some(_)) = (&a.capacity_provider, &a.service) {
                    field(out, "provider", p);
                }
                field(out, "cause", &other.to_string());
            }
        }
    }

    /// Rows of (service, policy) published at or before `t`, the last `n`.
    fn window(&self, service: &str, policy: &str, t: f64, n: usize) -> Vec<&MetricRow> {
        let Some(rows) = &self.run.metrics else {
            return Vec::new();
        };
        let mut v: Vec<&MetricRow> = rows
            .iter()
            .filter(|r| r.service == service && r.policy == policy && r.published_s <= t + 1e-6)
            .collect();
        v.sort_by(|a, b| a.published_s.total_cmp(&b.published_s));
        let skip = v.len().saturating_sub(n);
        v.split_off(skip)
    }

    /// The period of a policy's datapoints: the smallest step between its periods (60 s when
    /// it cannot be told).
    fn period(&self, service: &str, policy: &str) -> f64 {
        let Some(rows) = &self.run.metrics else {
            return 60.0;
        };
        let mut last: Option<f64> = None;
        let mut best: Option<f64> = None;
        for r in rows
            .iter()
            .filter(|r| r.service == service && r.policy == policy)
        {
            if let Some(l) = last {
                let d = r.time_s - l;
                if d > 0.0 && best.is_none_or(|b| d < b) {
                    best = Some(d);
                }
            }
            last = Some(r.time_s);
        }
        best.unwrap_or(60.0)
    }

    /// Datapoint lines: runs of equal values merged.
    fn datapoints(
        &self,
        out: &mut String,
        rows: &[&MetricRow],
        period: f64,
        mark: &dyn Fn(f64) -> bool,
    ) {
        let mut i = 0;
        let mut first = true;
        while i < rows.len() {
            let mut j = i + 1;
            while j < rows.len() && dp(rows[j].value) == dp(rows[i].value) {
                j += 1;
            }
            let (a, b) = (rows[i], rows[j - 1]);
            let cover = format!("{}–{}", dur(a.time_s), dur(b.time_s + period));
            let count = if j - i > 1 {
                format!("{} × ", j - i)
            } else {
                String::new()
            };
            let delays: Vec<f64> = rows[i..j]
                .iter()
                .map(|r| r.published_s - r.time_s - period)
                .collect();
            let same_delay = delays.iter().all(|d| (d - delays[0]).abs() < 1e-6);
            let published = if j - i > 1 && same_delay {
                format!(
                    "published {} … {} ({} after each period)",
                    dur(a.published_s),
                    dur(b.published_s),
                    secs(delays[0])
                )
            } else if j - i > 1 {
                format!("published {} … {}", dur(a.published_s), dur(b.published_s))
            } else {
                format!(
                    "published {} ({} after the period)",
                    dur(a.published_s),
                    secs(a.published_s - a.time_s - period)
                )
            };
            let breach = match a.value {
                Some(v) if mark(v) => "  breaching",
                Some(_) => "  not breaching",
                None => "  missing",
            };
            let text = format!("{cover}  {count}{}  {published}{breach}", dp(a.value));
            field(out, if first { "datapoints" } else { "" }, &text);
            first = false;
            i = j;
        }
    }

    fn scaling(&self, out: &mut String, a: &Activity) {
        let Some(b) = Breach::of(&a.cause) else {
            return;
        };
        let service = a.service.clone().unwrap_or_default();
        let policy = b.policy;
        let rows = self.window(
            &service,
            policy,
            a.time_s,
            b.alarm.evaluation_periods as usize,
        );
        let target_tracking = rows.last().is_some_and(|r| r.scale_in_threshold.is_some());
        let kind = match (rows.last(), target_tracking) {
            (Some(r), true) => format!(
                " (target tracking on {}, target {})",
                r.metric,
                t_fmt(r.target)
            ),
            (Some(r), false) => format!(" (step scaling on {})", r.metric),
            (None, _) => String::new(),
        };
        field(out, "policy", &format!("{policy}{kind}"));
        field(
            out,
            "alarm",
            &format!(
                "{}: {} of the last {} datapoint{} {} {} → ALARM",
                b.alarm.name,
                b.alarm.breaching,
                b.alarm.evaluation_periods,
                plural(b.alarm.evaluation_periods as usize),
                b.op(),
                b.threshold()
            ),
        );
        // A step alarm whose window had missing datapoints: its TreatMissingData and the
        // evaluation range it read, from the cause's structure.
        if let Some(m) = &b.alarm.missing {
            field(out, "missing", &m.to_string());
        }
        let threshold = b.alarm.threshold;
        let values = b.values();
        if rows.is_empty() {
            field(
                out,
                "datapoints",
                &format!(
                    "{} (from the cause; metrics.csv has no rows for this policy)",
                    values.join(", ")
                ),
            );
        } else {
            let period = self.period(&service, policy);
            // The alarm's own rule (compared to 9 decimals), not a second copy of it.
            let comparison = b.alarm.comparison;
            let mark = move |v: f64| comparison.breaches(v, threshold);
            self.datapoints(out, &rows, period, &mark);
            let shown: Vec<String> = rows.iter().map(|r| dp(r.value)).collect();
            let tail = values.len().min(shown.len());
            if shown[shown.len() - tail..] != values[values.len() - tail..] {
                field(
                    out,
                    "note",
                    &format!(
                        "metrics.csv's values differ from the cause's ({}): the cause is the record",
                        values.join(", ")
                    ),
                );
            }
        }
        // The threshold in words.
        let last = rows.last();
        let (op, thr) = (b.op(), b.threshold());
        let thr_text = match (last, target_tracking, a.kind) {
            (Some(r), true, ActivityKind::ScaleIn) => match (r.scale_in_threshold, r.target) {
                (Some(th), Some(t)) if (th - 0.9 * t).abs() <= 1e-9 * t.abs().max(1.0) => format!(
                    "{op} {thr}: 0.9 × the target {} (target tracking scales in 10 % below its \
                     target)",
                    t_fmt(Some(t))
                ),
                _ => format!("{op} {thr}: the scale-in threshold"),
            },
            (Some(_), true, _) => format!("{op} {thr}: the target"),
            (Some(_), false, _) => format!("{op} {thr}: the step alarm's threshold"),
            (None, _, _) => format!("{op} {thr}"),
        };
        field(out, "threshold", &thr_text);
        field(out, "formula", &b.formula);
        for line in formula_words(&b, last.and_then(|r| r.value), threshold) {
            field(out, "", &line);
        }
        self.held_back(out, a, &b, target_tracking);
    }

    /// What the alarm did after this action, and what the files say about why nothing followed.
    fn held_back(&self, out: &mut String, a: &Activity, b: &Breach, target_tracking: bool) {
        let (Some(service), Some(metrics)) = (&a.service, &self.run.metrics) else {
            return;
        };
        let policy = b.policy;
        let next =
            self.run.activities.iter().find(|x| {
                x.time_s > a.time_s && x.service.as_ref() == Some(service) && x.to.is_some()
            });
        let end = next.map_or(f64::INFINITY, |n| n.time_s);
        let state = match (target_tracking, a.kind) {
            (true, ActivityKind::ScaleOut) => "ALARM_HIGH",
            (true, _) => "ALARM_LOW",
            (false, _) => "ALARM",
        };
        let held: Vec<&MetricRow> = metrics
            .iter()
            .filter(|r| {
                r.service == *service
                    && r.policy == policy
                    && r.alarm == state
                    && r.published_s > a.time_s + 1e-6
                    && r.published_s < end - 1e-6
            })
            .collect();
        let next_text = match next {
            Some(n) => format!(
                "the next change of {service} came at {} ({} later, {}).",
                dur(n.time_s),
                secs(n.time_s - a.time_s),
                n.kind
            ),
            None => format!("no later change of {service}."),
        };
        if held.is_empty() {
            field(
                out,
                "after",
                &format!(
                    "{} was not in ALARM again before it; {next_text}",
                    b.alarm.name
                ),
            );
            return;
        }
        let values = compress(held.iter().map(|r| dp(r.value)));
        let span = if held.len() == 1 {
            dur(held[0].published_s)
        } else {
            format!(
                "{} … {}",
                dur(held[0].published_s),
                dur(held[held.len() - 1].published_s)
            )
        };
        field(
            out,
            "held back",
            &format!(
                "{} stayed in ALARM at {} later publication{} ({span}: {values}) without another {}; \
                 {next_text}",
                b.alarm.name,
                held.len(),
                if held.len() == 1 { "" } else { "s" },
                a.kind
            ),
        );
        let to = a.to.unwrap_or(0);
        let (out_, in_) = (ActivityKind::ScaleOut, ActivityKind::ScaleIn);
        let why = if a.kind == out_ && b.clamp() == Some(Clamp::MaxCapacity(to)) {
            format!("The desired count is at MaxCapacity {to}: no scale-out can go higher.")
        } else if target_tracking && a.kind == out_ {
            let running = b.running();
            let target = held[0].target;
            match (running, target) {
                (Some(r), Some(t))
                    if held.iter().all(|h| {
                        h.value
                            .and_then(|v| proportional(r, v, t))
                            .is_some_and(|p| p <= i128::from(to))
                    }) =>
                {
                    let mut seen: Vec<String> = Vec::new();
                    for h in &held {
                        let (Some(v), Some(p)) =
                            (h.value, h.value.and_then(|v| proportional(r, v, t)))
                        else {
                            continue;
                        };
                        let text =
                            format!("ceil({r} × {} / {}) = {p}", dp(Some(v)), t_fmt(Some(t)));
                        if !seen.contains(&text) {
                            seen.push(text);
                        }
                    }
                    format!(
                        "From the {r} running tasks this scale-out started from: {} — not above \
                         the desired {to}. ecsim scales out only above the desired count, and \
                         inside the scale-out cooldown target tracking keeps multiplying by the \
                         running count the chain of scale-outs began with (scenario reference \
                         2.12.4), so tasks still starting are not added twice.",
                        seen.join(", ")
                    )
                }
                _ => "The files do not record why: each proposal is ceil(running × value / \
                      target) with the running count at that instant (or, inside a scale-out \
                      cooldown, the count the chain began with), and a scale-out needs it above \
                      the desired count."
                    .to_string(),
            }
        } else if a.kind == in_ && b.clamp() == Some(Clamp::MinCapacity(to)) {
            format!("The desired count is at MinCapacity {to}: no scale-in can go lower.")
        } else if a.kind == in_ {
            format!(
                "The files do not record which rule held it: the scale-in cooldown \
                 (ScaleInCooldown, or a step policy's Cooldown; 300 s by default, counted from \
                 this scale-in: until {} if so), a proposal not below the desired count, another \
                 target tracking policy not agreeing, or a deployment in progress.",
                dur(a.time_s + 300.0)
            )
        } else {
            format!(
                "The files do not record which rule held it: a step policy's Cooldown (300 s by \
                 default: until {} if so) or a proposal not above the desired count.",
                dur(a.time_s + 300.0)
            )
        };
        field(out, "", &why);
    }

    fn cluster_window(&self, a: &Activity, n: usize) -> Vec<&MetricRow> {
        let Some(p) = &a.capacity_provider else {
            return Vec::new();
        };
        self.window("", &format!("{p} managed scaling"), a.time_s, n)
    }

    fn cluster_out(&self, out: &mut String, a: &Activity, c: &ClusterScaleOutCause) {
        let r = &c.reservation;
        field(
            out,
            "alarm",
            &format!(
                "AlarmHigh of the provider's managed scaling: CapacityProviderReservation > \
                 targetCapacity {} for 1 datapoint",
                c.target
            ),
        );
        field(out, "CPR", &cpr_words(r));
        let rows = self.cluster_window(a, 1);
        if !rows.is_empty() {
            let t = f64::from(c.target);
            let mark = move |v: f64| Comparison::GreaterThanThreshold.breaches(v, t);
            self.datapoints(out, &rows, 60.0, &mark);
        }
        let e = &c.estimate;
        field(
            out,
            "M",
            &format!(
                "instances needed = {} running a task that is not a daemon's, plus the waiting \
                 tasks grouped by requirements and packed onto the largest instance type \
                 (after the daemons' room)",
                e.busy
            ),
        );
        for g in &e.groups {
            field(out, "", &format!("+ {g}"));
        }
        if e.incompatible > 0 {
            field(
                out,
                "",
                &format!(
                    "{} waiting task{} larger than the smallest instance type left out (they \
                     can't run with this capacity provider)",
                    e.incompatible,
                    plural(e.incompatible as usize)
                ),
            );
        }
        field(
            out,
            "",
            &format!(
                "M = {}; N = instances in the group, launching included",
                e.m()
            ),
        );
        field(
            out,
            "launch",
            &format!(
                "ceil(M × 100 / targetCapacity) − N = ceil({} × 100 / {}) − {}, kept within \
                 [minimumScalingStepSize {}, maximumScalingStepSize {}] = {} instance{}",
                r.m,
                c.target,
                r.n,
                c.min_step,
                c.max_step,
                c.step,
                plural(c.step as usize)
            ),
        );
        if c.launch < c.step {
            field(
                out,
                "",
                &format!("then {} (maxSize {})", c.launch, c.max_size),
            );
        }
    }

    fn cluster_in(&self, out: &mut String, a: &Activity, c: &ClusterScaleInCause) {
        field(
            out,
            "alarm",
            &format!(
                "AlarmLow of the provider's managed scaling: CapacityProviderReservation < \
                 targetCapacity {} for {} datapoints",
                c.target, c.datapoints
            ),
        );
        field(out, "CPR", &cpr_words(&c.reservation));
        let rows = self.cluster_window(a, c.datapoints as usize);
        if !rows.is_empty() {
            let t = f64::from(c.target);
            let mark = move |v: f64| Comparison::LessThanThreshold.breaches(v, t);
            self.datapoints(out, &rows, 60.0, &mark);
        }
        field(
            out,
            "toward",
            &format!(
                "max(ceil(M × 100 / targetCapacity), minSize) = max(ceil({} × 100 / {}), {}) = {} \
                 instance{}",
                c.reservation.m,
                c.target,
                c.min_size,
                c.wanted,
                plural(c.wanted as usize)
            ),
        );
        field(
            out,
            "step",
            &format!(
                "at most half of the group a minute: half of {} = {}{}",
                c.in_service,
                c.limit,
                match (a.from, a.to) {
                    (Some(f), Some(t)) => format!("; {f} → {t}"),
                    _ => String::new(),
                }
            ),
        );
        if let Some(note) = c.protection_note() {
            field(out, "note", &note.to_string());
        }
    }

    /// The state at `at`: services, providers, metrics.
    fn state_at(&self, out: &mut String, at: f64, providers: Option<&BTreeSet<String>>) {
        let run = self.run;
        let _ = writeln!(out, "\nState at {}", run.when(at));
        // Services.
        if let Some(series) = &run.series {
            let mut table = vec![vec![
                "service".to_string(),
                "desired".into(),
                "running".into(),
                "healthy".into(),
                "pending".into(),
                "offered rps".into(),
                "served rps".into(),
                "row at".into(),
            ]];
            let mut notes = Vec::new();
            let names: Vec<&String> = run
                .services
                .iter()
                .filter(|s| self.service.as_ref().is_none_or(|x| x == *s))
                .collect();
            for s in names {
                let row = series
                    .iter()
                    .filter(|r| r.service == *s && r.time_s <= at + 1e-6)
                    .max_by(|a, b| a.time_s.total_cmp(&b.time_s));
                let Some(r) = row else {
                    notes.push(format!(
                        "{s}: no timeseries.csv row at or before {}",
                        dur(at)
                    ));
                    continue;
                };
                let mut desired = r.desired.clone();
                if let Some(act) = run.activities.iter().rev().find(|x| {
                    x.service.as_ref() == Some(s)
                        && x.to.is_some()
                        && x.time_s > r.time_s + 1e-6
                        && x.time_s <= at + 1e-6
                }) {
                    let to = act.to.unwrap_or(0);
                    desired = to.to_string();
                    notes.push(format!(
                        "{s}: desired became {to} at {} ({}), after the row at {}; running, \
                         healthy and pending are the row's",
                        dur(act.time_s),
                        act.kind,
                        dur(r.time_s)
                    ));
                }
                table.push(vec![
                    s.clone(),
                    desired,
                    r.running.clone(),
                    r.healthy.clone(),
                    r.pending.clone(),
                    r.offered_rps.clone(),
                    r.served_rps.clone(),
                    dur(r.time_s),
                ]);
            }
            let _ = writeln!(
                out,
                "  services (timeseries.csv: the latest row at or before)"
            );
            write_table(out, &table, 4);
            for n in notes {
                wrap(out, "    note: ", 10, &n);
            }
        }
        // Capacity providers.
        if let Some(cap) = &run.capacity {
            let mut names: Vec<&String> = Vec::new();
            for r in cap {
                if !names.contains(&&r.capacity_provider)
                    && (self.service.is_none()
                        || providers.is_none_or(|p| p.contains(&r.capacity_provider)))
                {
                    names.push(&r.capacity_provider);
                }
            }
            let mut table = vec![vec![
                "provider".to_string(),
                "instances".into(),
                "tasks".into(),
                "row at".into(),
            ]];
            for p in names {
                if let Some(r) = cap
                    .iter()
                    .filter(|r| r.capacity_provider == *p && r.time_s <= at + 1e-6)
                    .max_by(|a, b| a.time_s.total_cmp(&b.time_s))
                {
                    table.push(vec![
                        p.clone(),
                        r.instances.to_string(),
                        r.tasks.to_string(),
                        dur(r.time_s),
                    ]);
                }
            }
            if table.len() > 1 {
                let _ = writeln!(out, "  capacity providers (capacity.csv)");
                write_table(out, &table, 4);
            }
        }
        // Metrics and alarms.
        if let Some(metrics) = &run.metrics {
            let mut keys: Vec<(&str, &str)> = Vec::new();
            for r in metrics {
                let k = (r.service.as_str(), r.policy.as_str());
                let wanted = match &self.service {
                    None => true,
                    Some(s) if r.service.is_empty() => providers.is_none_or(|p| {
                        p.iter().any(|x| r.policy == format!("{x} managed scaling"))
                    }),
                    Some(s) => r.service == *s,
                };
                if wanted && !keys.contains(&k) {
                    keys.push(k);
                }
            }
            let mut table = vec![vec![
                "service".to_string(),
                "policy".into(),
                "value".into(),
                "target".into(),
                "scale-in <".into(),
                "alarm".into(),
                "period".into(),
                "published".into(),
            ]];
            for (s, p) in keys {
                let Some(r) = self.window(s, p, at, 1).pop() else {
                    continue;
                };
                let period = self.period(s, p);
                table.push(vec![
                    if s.is_empty() {
                        "(cluster)".into()
                    } else {
                        s.to_string()
                    },
                    p.to_string(),
                    dp(r.value),
                    t_fmt(r.target),
                    r.scale_in_threshold.map_or("–".into(), |v| t_fmt(Some(v))),
                    r.alarm.clone(),
                    format!("{}–{}", dur(r.time_s), dur(r.time_s + period)),
                    dur(r.published_s),
                ]);
            }
            if table.len() > 1 {
                let _ = writeln!(
                    out,
                    "  metrics (metrics.csv: the latest datapoint published by then, and the \
                     alarm state it left)"
                );
                write_table(out, &table, 4);
            }
        }
    }

    fn placements(&self, out: &mut String) {
        let Some(all) = &self.run.placements else {
            out.push('\n');
            para(
                out,
                "Placements: not recorded; run with `ecsim run … --explain-placement` to write \
                 placements.json and see why each instance was chosen.",
            );
            return;
        };
        let mut chosen: Vec<&Placement> = all
            .iter()
            .filter(|p| self.service.as_ref().is_none_or(|s| p.service == *s))
            .collect();
        let total = chosen.len();
        if total == 0 {
            let _ = writeln!(
                out,
                "\nPlacements: none recorded{} (Fargate tasks are not placed on instances).",
                self.service
                    .as_ref()
                    .map(|s| format!(" for {s}"))
                    .unwrap_or_default()
            );
            return;
        }
        if let Some(at) = self.at {
            // The nearest decisions: up to 3 at or before the moment and 3 after.
            let split = chosen.partition_point(|p| p.time_s <= at + 1e-6);
            let lo = split.saturating_sub(3);
            let hi = (split + 3).min(chosen.len());
            chosen = chosen[lo..hi].to_vec();
        }
        let _ = writeln!(
            out,
            "\nPlacements ({} decision{} recorded{}{})",
            total,
            if total == 1 { "" } else { "s" },
            self.service
                .as_ref()
                .map(|s| format!(" for {s}"))
                .unwrap_or_default(),
            if self.at.is_some() {
                format!(", {} nearest the moment shown", chosen.len())
            } else {
                String::new()
            }
        );
        let shown = if self.limit == 0 {
            chosen.len()
        } else {
            chosen.len().min(self.limit)
        };
        for p in &chosen[..shown] {
            self.placement(out, p);
        }
        if shown < chosen.len() {
            let _ = writeln!(
                out,
                "\n… {} more placement decisions (narrow with --service or --at, or --limit 0 \
                 for all)",
                chosen.len() - shown
            );
        }
    }

    fn placement(&self, out: &mut String, p: &Placement) {
        title(
            out,
            &format!(
                "{} · placement  {} on {}",
                self.run.when(p.time_s),
                p.service,
                p.capacity_provider
            ),
        );
        let strategy = if p.strategy.is_empty() {
            "none (the first admissible instance)".to_string()
        } else {
            p.strategy.join(", ")
        };
        field(out, "strategy", &strategy);
        let candidates = p.rejected.len() + p.ranked.len();
        // Rejections grouped by reason, in order of first appearance.
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for (id, why) in &p.rejected {
            match groups.iter_mut().find(|(w, _)| *w == why.as_str()) {
                Some((_, ids)) => ids.push(id),
                None => groups.push((why, vec![id])),
            }
        }
        if groups.is_empty() {
            field(
                out,
                "rejected",
                &if candidates == 0 {
                    "no candidate instance in the provider".to_string()
                } else {
                    format!("none of {candidates} candidate{}", plural(candidates))
                },
            );
        }
        const GROUPS: usize = 6;
        for (i, (why, ids)) in groups.iter().take(GROUPS).enumerate() {
            let list = if ids.len() <= 4 {
                ids.join(", ")
            } else {
                format!("{}, {} … {}", ids[0], ids[1], ids[ids.len() - 1])
            };
            field(
                out,
                if i == 0 { "rejected" } else { "" },
                &format!("{} × {why} ({list})", ids.len()),
            );
        }
        if groups.len() > GROUPS {
            let rest: usize = groups[GROUPS..].iter().map(|(_, ids)| ids.len()).sum();
            field(
                out,
                "",
                &format!(
                    "… {rest} more rejected for {} other reasons",
                    groups.len() - GROUPS
                ),
            );
        }
        let Some(winner) = &p.chosen else {
            field(
                out,
                "outcome",
                &format!(
                    "no instance chosen: {}; the task waits for capacity",
                    p.reason
                ),
            );
            return;
        };
        let key = p
            .ranked
            .iter()
            .find(|(id, _)| id == winner)
            .map(|(_, k)| k.clone());
        field(
            out,
            "chosen",
            &format!(
                "{winner}, the lowest key among {} admissible candidate{}{}",
                p.ranked.len(),
                plural(p.ranked.len()),
                if key.is_some() && !p.strategy.is_empty() {
                    ":"
                } else {
                    ""
                }
            ),
        );
        if let Some(k) = &key {
            for (s, v) in p.strategy.iter().zip(k) {
                field(out, "", &format!("{s} = {v}: {}", key_meaning(s)));
            }
        }
        // Against the runner-up: where the keys part.
        let runner = p.ranked.iter().find(|(id, _)| id != winner);
        if let (Some(k), Some((rid, rk))) = (&key, runner) {
            let n = p.strategy.len();
            let pos = (0..n.min(k.len()).min(rk.len())).find(|&i| k[i] != rk[i]);
            let text = match pos {
                Some(i) => format!(
                    "{rid} lost on {}: {} against {}{}",
                    p.strategy[i],
                    rk[i],
                    k[i],
                    if i > 0 {
                        format!(" (tied on {})", p.strategy[..i].join(", "))
                    } else {
                        String::new()
                    }
                ),
                None => {
                    let how = if p.reason.contains("random draw") {
                        "a random draw"
                    } else {
                        "registration order: the first registered wins"
                    };
                    let tied = p
                        .ranked
                        .iter()
                        .filter(|(_, rk2)| rk2.get(..n) == k.get(..n))
                        .count();
                    format!(
                        "{rid} had the same key: {tied} candidates tied on every key, broken by \
                         {how}"
                    )
                }
            };
            field(out, "runner-up", &text);
        }
    }
}

/// Values with runs of equal ones merged: "3 × 16.43, 22.78, 67 × 25.0".
fn compress(values: impl Iterator<Item = String>) -> String {
    let mut runs: Vec<(String, usize)> = Vec::new();
    for v in values {
        match runs.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => runs.push((v, 1)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .map(|(v, n)| if n == 1 { v } else { format!("{n} × {v}") })
        .collect();
    parts.join(", ")
}

/// Appends free text wrapped at [`WIDTH`].
fn para(out: &mut String, text: &str) {
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{}", line.trim_end());
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    let _ = writeln!(out, "{line}");
}

/// What a strategy's key counts, in words.
fn key_meaning(strategy: &str) -> String {
    if let Some(f) = strategy
        .strip_prefix("binpack(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let unit = match f {
            "memory" => "MiB of memory",
            "cpu" => "CPU units",
            other => other,
        };
        format!("{unit} left on the instance after placing (lower packs tighter)")
    } else if let Some(f) = strategy
        .strip_prefix("spread(")
        .and_then(|r| r.strip_suffix(')'))
    {
        match f {
            "instanceId" => "the service's tasks already on the instance (lower spreads)".into(),
            f => format!(
                "the service's tasks already on instances with its {} (lower spreads)",
                f.strip_prefix("attribute:").unwrap_or(f)
            ),
        }
    } else if strategy == "random" {
        "a draw from the service's placement stream".into()
    } else {
        "the strategy's key (lower wins)".into()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A target or threshold as causes print it.
fn t_fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), crate::scaling::alarm::fmt_target)
}

/// Sentences that say what the arithmetic of a scaling cause means.
fn formula_words(b: &Breach, latest: Option<f64>, threshold: f64) -> Vec<String> {
    let mut out = Vec::new();
    match b.rule {
        Rule::Target(TargetTrackingRule::FromZero { .. }) => out.push(
            "nothing was running: target tracking starts with its smallest step, \
             max(MinCapacity, 1)"
                .to_string(),
        ),
        Rule::Target(TargetTrackingRule::Proportional { .. }) => out.push(
            "target tracking: desired = ceil(running tasks × the latest datapoint / target)"
                .to_string(),
        ),
        Rule::Target(_) => {}
        Rule::Step(_) => {
            let diff = match latest {
                Some(v) => format!(
                    " (the latest datapoint {} − threshold {} = {})",
                    dp(Some(v)),
                    t_fmt(Some(threshold)),
                    alarm::fmt_target(v - threshold)
                ),
                None => String::new(),
            };
            out.push(format!(
                "step scaling: the step whose bounds hold datapoint − threshold{diff} gives the \
                 adjustment"
            ));
        }
    }
    match b.clamp() {
        Some(Clamp::MinCapacity(n)) => out.push(format!(
            "kept within [MinCapacity, MaxCapacity]: raised to MinCapacity {n}"
        )),
        Some(Clamp::MaxCapacity(n)) => out.push(format!(
            "kept within [MinCapacity, MaxCapacity]: lowered to MaxCapacity {n}"
        )),
        None => {}
    }
    if b.chain_start {
        out.push(
            "inside a scale-out cooldown: computed from the running count when the chain of \
             scale-outs began, so the tasks still starting are not counted twice"
                .into(),
        );
    }
    if b.proposals > 1 {
        out.push(format!(
            "{} policies proposed a change: the largest wins",
            b.proposals
        ));
    }
    out
}

fn scheduled(out: &mut String, c: &ScheduledActionCause) {
    field(out, "action", &format!("{}, on {}", c.action, c.schedule));
    field(out, "bounds", &c.bounds().to_string());
    field(out, "effect", &c.effect().to_string());
    field(
        out,
        "note",
        "scheduled actions apply at once: cooldowns neither hold them nor start",
    );
}

/// The service throttle logic's back-off: the failed start (with the Fargate vCPU quota's
/// arithmetic when the quota refused it) and the back-off's curve.
fn restart_throttled(out: &mut String, c: &crate::model::activity::RestartThrottledCause) {
    use crate::model::activity::StartFailure;
    let s = |ms: u64| ms as f64 / 1000.0;
    match &c.reason {
        StartFailure::TaskStopped { revision } => field(
            out,
            "failed start",
            &format!("a task of revision {revision} went PENDING → STOPPED (never RUNNING)"),
        ),
        StartFailure::FargateVcpuQuota(r) => {
            let v = |u: u64| u as f64 / 1024.0;
            field(
                out,
                "failed start",
                &format!(
                    "{} (the launch failed at once; no task)",
                    crate::model::activity::FARGATE_VCPU_LIMIT_REASON
                ),
            );
            field(
                out,
                "quota",
                &format!(
                    "{} vCPUs: {} vCPUs held + {} for the task = {} > {}",
                    if r.spot {
                        "Fargate Spot (L-36FBB829)"
                    } else {
                        "Fargate On-Demand (L-3032A538)"
                    },
                    v(r.held_cpu),
                    v(r.task_cpu),
                    v(r.held_cpu + r.task_cpu),
                    v(r.quota_cpu)
                ),
            );
        }
    }
    field(
        out,
        "in a row",
        &format!(
            "{} failed starts (throttling begins at {})",
            c.consecutive_failures,
            crate::scenario::defaults::RESTART_THROTTLE_AFTER
        ),
    );
    field(
        out,
        "back-off",
        &format!(
            "#{}: min(restartBackoffFirst {} s × 2^{}, restartBackoffMax {} s) = {} s; no launch until then, unless a task starts or a deployment begins",
            c.step,
            s(c.first_ms),
            c.step - 1,
            s(c.max_ms),
            s(c.delay_ms)
        ),
    );
}

/// Writes a right-aligned table (first column left-aligned) with `indent` spaces.
fn write_table(out: &mut String, rows: &[Vec<String>], indent: usize) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = " ".repeat(indent);
        for (c, w) in widths.iter().enumerate() {
            let cell = r.get(c).map_or("", String::as_str);
            if c == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod throttle_tests {
    use crate::model::activity::{FargateQuotaRefusal, RestartThrottledCause, StartFailure};

    #[test]
    fn a_quota_back_off_tells_its_arithmetic() {
        // 6 × 1,024 units held, a 2,048-unit task, quota 6,144: 6 + 2 = 8 > 6 vCPUs; the 3rd
        // back-off of 30 s doubling, capped at 1,620 s: min(30 × 2^2, 1620) = 120 s.
        let c = RestartThrottledCause {
            reason: StartFailure::FargateVcpuQuota(FargateQuotaRefusal {
                spot: false,
                held_cpu: 6144,
                task_cpu: 2048,
                quota_cpu: 6144,
            }),
            consecutive_failures: 4,
            step: 3,
            first_ms: 30_000,
            max_ms: 1_620_000,
            delay_ms: 120_000,
        };
        let mut out = String::new();
        super::restart_throttled(&mut out, &c);
        assert!(
            out.contains(
                "Fargate On-Demand (L-3032A538) vCPUs: 6 vCPUs held + 2 for the task = 8 > 6"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "#3: min(restartBackoffFirst 30 s × 2^2, restartBackoffMax 1620 s) = 120 s"
            ),
            "{out}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_brief() {
        assert_eq!(dur(3963.0), "1h06m03s");
        assert_eq!(dur(363.0), "6m03s");
        assert_eq!(dur(45.0), "45s");
        assert_eq!(dur(0.0), "0s");
        assert_eq!(dur(4167.764), "1h09m27.764s");
        assert_eq!(dur(0.5), "0.500s");
        assert_eq!(secs(3963.0), "3963 s");
        assert_eq!(secs(4167.764), "4167.764 s");
    }

    use crate::model::activity::{StepScalingCause, TargetTrackingCause};
    use crate::scaling::alarm::Comparison;
    use crate::scaling::policy::Direction;

    /// `cpu50-AlarmHigh`: 3 of 3 datapoints > 50 (80.0, 80.0, 80.0).
    fn high_alarm() -> Alarm {
        Alarm {
            name: "cpu50-AlarmHigh".into(),
            comparison: Comparison::GreaterThanThreshold,
            threshold: 50.0,
            evaluation_periods: 3,
            datapoints_to_alarm: 3,
            breaching: 3,
            datapoints: vec![Some(80.0), Some(80.0), None],
            missing: None,
        }
    }

    #[test]
    fn a_target_tracking_decision_is_read_from_its_detail() {
        // running 4, 80 vs target 50 → ceil(4 × 80 / 50) = ceil(6.4) = 7, clamped to
        // MaxCapacity 6; two policies proposed.
        let cause = Cause::TargetTracking(TargetTrackingCause {
            policy: "cpu50".into(),
            direction: Direction::Out,
            alarm: high_alarm(),
            rule: TargetTrackingRule::Proportional {
                running: 4,
                metric: 80.0,
                target: 50.0,
                raw: 7,
                clamped: Some(Clamp::MaxCapacity(6)),
            },
            proposals: 2,
            running_from_chain_start: true,
        });
        let b = Breach::of(&cause).expect("a scaling decision");
        assert_eq!(
            (b.policy, b.alarm.name.as_str()),
            ("cpu50", "cpu50-AlarmHigh")
        );
        assert_eq!((b.op(), b.threshold().as_str()), (">", "50"));
        // A period without a datapoint reads `missing`, as the sentence shows it.
        assert_eq!(b.values(), ["80.0", "80.0", "missing"]);
        assert_eq!(b.running(), Some(4));
        assert_eq!(b.clamp(), Some(Clamp::MaxCapacity(6)));
        // The formula is the sentence after the alarm.
        let sentence = cause.to_string();
        assert!(
            sentence.ends_with(&format!("; {}", b.formula)),
            "{sentence}"
        );
        assert_eq!(
            formula_words(&b, Some(80.0), 50.0),
            [
                "target tracking: desired = ceil(running tasks × the latest datapoint / target)",
                "kept within [MinCapacity, MaxCapacity]: lowered to MaxCapacity 6",
                "inside a scale-out cooldown: computed from the running count when the chain of \
                 scale-outs began, so the tasks still starting are not counted twice",
                "2 policies proposed a change: the largest wins",
            ]
        );
        // Scaling from zero multiplied nothing: running 0.
        let zero = Cause::TargetTracking(TargetTrackingCause {
            rule: TargetTrackingRule::FromZero {
                first: 1,
                clamped: None,
            },
            proposals: 1,
            running_from_chain_start: false,
            ..match cause {
                Cause::TargetTracking(c) => c,
                _ => unreachable!(),
            }
        });
        let z = Breach::of(&zero).expect("a scaling decision");
        assert_eq!((z.running(), z.clamp()), (Some(0), None));
        assert_eq!(
            formula_words(&z, Some(80.0), 50.0),
            [
                "nothing was running: target tracking starts with its smallest step, max(MinCapacity, 1)"
            ]
        );
    }

    #[test]
    fn a_step_decision_names_its_difference_from_the_threshold() {
        let mut alarm = high_alarm();
        alarm.name = "latency: high".into();
        alarm.comparison = Comparison::GreaterThanOrEqualToThreshold;
        let cause = Cause::StepScaling(StepScalingCause {
            policy: "scale-out".into(),
            direction: Direction::Out,
            alarm,
            step: crate::scaling::step::StepArithmetic {
                lower: Some(0.0),
                upper: Some(15.0),
                // 1 + 1 = 2, which MinCapacity 2 left as it was (the clamp is what is read).
                adjustment: crate::scaling::step::Adjusted::ChangeInCapacity {
                    adjustment: 1,
                    current: 1,
                    result: 2,
                },
                clamped: Some(Clamp::MinCapacity(2)),
                cooldown: None,
            },
            proposals: 1,
        });
        let b = Breach::of(&cause).expect("a scaling decision");
        // A colon inside the alarm's name is just a name: nothing is split on it.
        assert_eq!((b.alarm.name.as_str(), b.op()), ("latency: high", "≥"));
        assert_eq!(b.running(), None);
        // Latest 60 − threshold 50 = 10.
        assert_eq!(
            formula_words(&b, Some(60.0), 50.0),
            [
                "step scaling: the step whose bounds hold datapoint − threshold (the latest \
                 datapoint 60.0 − threshold 50 = 10) gives the adjustment",
                "kept within [MinCapacity, MaxCapacity]: raised to MinCapacity 2",
            ]
        );
        // Other causes are not scaling decisions.
        assert!(
            Breach::of(&Cause::ZoneRecovered(
                crate::model::activity::ZoneRecoveredCause {
                    fault: "az".into(),
                    zone: "a".into()
                }
            ))
            .is_none()
        );
    }

    #[test]
    fn cpr_reads_as_words() {
        // M = 2, N = 5: 2 / 5 × 100 = 40.
        let r = Reservation {
            m: 2,
            n: 5,
            cpr: 40.0,
        };
        assert_eq!(
            cpr_words(&r),
            "M = 2 instances needed, N = 5 in the group: CPR = M / N × 100 = 2 / 5 × 100 = 40"
        );
        // N = 0 < M: AWS's 200; both 0: 100.
        let none = Reservation {
            m: 10,
            n: 0,
            cpr: 200.0,
        };
        assert_eq!(
            cpr_words(&none),
            "the group has no instance (N = 0) while M = 10 are needed: AWS sets CPR to 200"
        );
        let empty = Reservation {
            m: 0,
            n: 0,
            cpr: 100.0,
        };
        assert_eq!(
            cpr_words(&empty),
            "no instance and none needed (M = N = 0): AWS sets CPR to 100"
        );
    }

    #[test]
    fn proportional_matches_the_cause_arithmetic() {
        // ceil(4 × 80 / 50) = ceil(6.4) = 7; ceil(7 × 53.65 / 50) = ceil(7.511) = 8.
        assert_eq!(proportional(4, 80.0, 50.0), Some(7));
        assert_eq!(proportional(7, 53.649, 50.0), Some(8));
        // Exactly 6: 4 × 75 / 50.
        assert_eq!(proportional(4, 75.0, 50.0), Some(6));
    }
}
