//! CloudWatch metrics as the AWS CLI prints them, read into time-ordered series.
//!
//! Two shapes are read:
//! - `aws cloudwatch get-metric-data`: `{"MetricDataResults": [{"Id", "Label", "Timestamps",
//!   "Values", "StatusCode"}], "Messages": []}` — each result's timestamps are **newest first**
//!   by default (`ScanBy` `TimestampDescending`); they are sorted ascending here.
//! - `aws cloudwatch get-metric-statistics`: `{"Label", "Datapoints": [{"Timestamp", "Sum" |
//!   "Average" | "Maximum" | "Minimum" | "SampleCount", "Unit"}]}` — datapoints in **no
//!   order**; sorted by timestamp here. One series per statistic present in the datapoints.
//!
//! Neither output names the metric's namespace or dimensions; [`MetricKind::of`] tells the
//! metric from its `Label` (or `Id`), and a caller matches it to a service.
//!
//! [`read_recorded`] reads back the `recorded-metrics.csv` `ecsim import` writes beside a
//! scenario (the series that are not load: CPU, task counts, queue backlog), by service and
//! metric, in milliseconds from the scenario's start.
//!
//! ```
//! use ecsim::import::cloudwatch::{parse_metric_json, MetricKind};
//! let text = r#"{"MetricDataResults": [{"Id": "m1", "Label": "RequestCount",
//!     "Timestamps": ["2026-01-05T00:10:00Z", "2026-01-05T00:05:00Z"],
//!     "Values": [900.0, 600.0], "StatusCode": "Complete"}]}"#;
//! let v: serde_json::Value = serde_json::from_str(text).unwrap();
//! let series = parse_metric_json(&v, "m.json").unwrap();
//! // Newest first in the file; ascending here: 00:05 (600) then 00:10 (900).
//! assert_eq!(series[0].values(), vec![600.0, 900.0]);
//! assert_eq!(series[0].period_s(), Some(300));
//! assert_eq!(series[0].kind(), Some(MetricKind::RequestCount));
//! ```

use crate::error::{Error, Result};
use serde_json::Value;
use std::path::Path;

/// One series: its id and label as printed, the statistic where the file names it, and its
/// points in ascending time order, each (UTC epoch milliseconds, value). No two points share a
/// timestamp.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSeries {
    /// The query's `Id` (get-metric-data), or the `Label` (get-metric-statistics).
    pub id: String,
    /// The `Label` as printed (the metric name by default).
    pub label: String,
    /// The statistic (`Sum`, `Average`, …) for get-metric-statistics; `None` for
    /// get-metric-data, whose output does not say it.
    pub statistic: Option<String>,
    /// The points, ascending by time: (UTC epoch ms, value).
    pub points: Vec<(i64, f64)>,
}

/// The metrics ecsim reads from an account, told apart by their label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MetricKind {
    /// AWS/ApplicationELB `RequestCount`: requests per period (Sum).
    RequestCount,
    /// AWS/ApplicationELB `RequestCountPerTarget`: requests per target per period (Sum).
    RequestCountPerTarget,
    /// AWS/ECS `CPUUtilization` (percent).
    CpuUtilization,
    /// AWS/SQS `ApproximateNumberOfMessagesVisible` (the backlog).
    MessagesVisible,
    /// AWS/SQS `NumberOfMessagesSent`: messages arriving per period (Sum).
    MessagesSent,
    /// ECS/ContainerInsights `DesiredTaskCount`.
    DesiredTaskCount,
    /// ECS/ContainerInsights `RunningTaskCount`.
    RunningTaskCount,
}

impl MetricKind {
    /// Every kind, longest names first (so `RequestCountPerTarget` is not read as
    /// `RequestCount`).
    pub const ALL: [MetricKind; 7] = [
        MetricKind::RequestCountPerTarget,
        MetricKind::MessagesVisible,
        MetricKind::MessagesSent,
        MetricKind::CpuUtilization,
        MetricKind::DesiredTaskCount,
        MetricKind::RunningTaskCount,
        MetricKind::RequestCount,
    ];

    /// The CloudWatch metric name.
    pub fn metric_name(self) -> &'static str {
        match self {
            MetricKind::RequestCount => "RequestCount",
            MetricKind::RequestCountPerTarget => "RequestCountPerTarget",
            MetricKind::CpuUtilization => "CPUUtilization",
            MetricKind::MessagesVisible => "ApproximateNumberOfMessagesVisible",
            MetricKind::MessagesSent => "NumberOfMessagesSent",
            MetricKind::DesiredTaskCount => "DesiredTaskCount",
            MetricKind::RunningTaskCount => "RunningTaskCount",
        }
    }

    /// The statistic the kind is read with: `Sum` for the counts per period (RequestCount,
    /// RequestCountPerTarget, NumberOfMessagesSent), `Average` for the others.
    pub fn statistic(self) -> &'static str {
        match self {
            MetricKind::RequestCount
            | MetricKind::RequestCountPerTarget
            | MetricKind::MessagesSent => "Sum",
            _ => "Average",
        }
    }

    /// The kind a label (or id) names: the first kind whose metric name it contains,
    /// case-insensitively and ignoring `_` and `-` (an `Id` such as `request_count` or
    /// `cpu_utilization` counts). `None` for any other metric.
    pub fn of(label: &str) -> Option<MetricKind> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let l = squash(label);
        MetricKind::ALL
            .into_iter()
            .find(|k| l.contains(&squash(k.metric_name())))
    }
}

impl MetricSeries {
    /// The kind of metric its label (or, failing that, its id) names.
    pub fn kind(&self) -> Option<MetricKind> {
        MetricKind::of(&self.label).or_else(|| MetricKind::of(&self.id))
    }

    /// The values in time order.
    pub fn values(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.1).collect()
    }

    /// The period in seconds, inferred from the timestamps: the smallest gap between two
    /// consecutive points (a missing datapoint makes one gap larger, never smaller). `None`
    /// for fewer than two points.
    pub fn period_s(&self) -> Option<i64> {
        period_s(&self.points)
    }
}

/// The period in seconds of ascending (ms, value) points: the smallest gap between two
/// consecutive points (a missing datapoint makes one gap larger, never smaller). `None` for
/// fewer than two points.
pub fn period_s(points: &[(i64, f64)]) -> Option<i64> {
    points
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .min()
        .map(|ms| (ms / 1000).max(1))
}

/// Reads one saved `get-metric-data` or `get-metric-statistics` output (see the [module
/// docs](self)). A file of another shape, a timestamp that is not RFC 3339, a value that is
/// not a number, or `Timestamps` and `Values` of different lengths are invalid input (exit 2)
/// naming the file and the field.
pub fn read_metric_file(path: &Path) -> Result<Vec<MetricSeries>> {
    let v = super::read_json(path)?;
    parse_metric_json(&v, &path.display().to_string())
}

/// [`read_metric_file`] on JSON already read; `file` names it in messages.
pub fn parse_metric_json(v: &Value, file: &str) -> Result<Vec<MetricSeries>> {
    let bad = |path: String, msg: String| Error::invalid(file, &path, msg);
    if let Some(results) = v.get("MetricDataResults") {
        let Some(results) = results.as_array() else {
            return Err(bad(
                "MetricDataResults".into(),
                "expected a list of results".into(),
            ));
        };
        let mut out = Vec::new();
        for (i, r) in results.iter().enumerate() {
            let at = |k: &str| format!("MetricDataResults[{i}].{k}");
            let id = r
                .get("Id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let label = r
                .get("Label")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_string();
            let ts = r.get("Timestamps").and_then(Value::as_array);
            let vs = r.get("Values").and_then(Value::as_array);
            let (Some(ts), Some(vs)) = (ts, vs) else {
                return Err(bad(
                    at("Timestamps"),
                    "expected `Timestamps` and `Values` lists, as get-metric-data prints them"
                        .into(),
                ));
            };
            if ts.len() != vs.len() {
                return Err(bad(
                    at("Values"),
                    format!(
                        "{} values for {} timestamps: expected one value per timestamp",
                        vs.len(),
                        ts.len()
                    ),
                ));
            }
            let mut points = Vec::with_capacity(ts.len());
            for (j, (t, x)) in ts.iter().zip(vs).enumerate() {
                let t = instant(t).map_err(|m| bad(format!("{}[{j}]", at("Timestamps")), m))?;
                let x = x.as_f64().ok_or_else(|| {
                    bad(
                        format!("{}[{j}]", at("Values")),
                        format!("`{x}` is not a number"),
                    )
                })?;
                points.push((t, x));
            }
            out.push(MetricSeries {
                id,
                label,
                statistic: None,
                points: ordered(points, file, &at("Timestamps"))?,
            });
        }
        return Ok(out);
    }
    if let Some(dps) = v.get("Datapoints") {
        let Some(dps) = dps.as_array() else {
            return Err(bad(
                "Datapoints".into(),
                "expected a list of datapoints".into(),
            ));
        };
        let label = v
            .get("Label")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut out = Vec::new();
        for stat in STATISTICS {
            let mut points = Vec::new();
            for (j, d) in dps.iter().enumerate() {
                let Some(x) = d.get(stat) else { continue };
                let t = d
                    .get("Timestamp")
                    .ok_or_else(|| bad(format!("Datapoints[{j}]"), "no `Timestamp`".into()))
                    .and_then(|t| {
                        instant(t).map_err(|m| bad(format!("Datapoints[{j}].Timestamp"), m))
                    })?;
                let x = x.as_f64().ok_or_else(|| {
                    bad(
                        format!("Datapoints[{j}].{stat}"),
                        format!("`{x}` is not a number"),
                    )
                })?;
                points.push((t, x));
            }
            if !points.is_empty() {
                out.push(MetricSeries {
                    id: label.clone(),
                    label: label.clone(),
                    statistic: Some(stat.to_string()),
                    points: ordered(points, file, "Datapoints")?,
                });
            }
        }
        return Ok(out);
    }
    Err(bad(
        String::new(),
        "not CloudWatch metrics: expected `MetricDataResults` (get-metric-data) or `Label` and \
         `Datapoints` (get-metric-statistics)"
            .into(),
    ))
}

/// One service's recorded series from `recorded-metrics.csv` (what `ecsim import` writes beside
/// a scenario: header `timestamp,offset_seconds,service,metric,value`).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedSeries {
    /// The service.
    pub service: String,
    /// The metric name (`CPUUtilization`, `DesiredTaskCount`, `RunningTaskCount`,
    /// `ApproximateNumberOfMessagesVisible`).
    pub metric: String,
    /// (milliseconds from the scenario's start, value), ascending.
    pub points: Vec<(i64, f64)>,
}

/// Reads a `recorded-metrics.csv`: one [`RecordedSeries`] per (service, metric), in the file's
/// order of first appearance, points ascending. A missing column, a row that is not
/// `timestamp,offset_seconds,service,metric,value` with numbers where they belong, or points
/// out of order are invalid input (exit 2) with the line.
pub fn read_recorded(path: &Path) -> Result<Vec<RecordedSeries>> {
    let file = path.display().to_string();
    let bytes = crate::user_file::read(
        path,
        crate::scenario::limits::MAX_TRACE_BYTES,
        "recorded metrics file",
    )
    .map_err(|why| Error::invalid(&file, "", format!("cannot read it: {why}")))?;
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let at = |line: u64, msg: String| {
        Error::Invalid(vec![crate::Problem {
            file: file.clone(),
            pos: Some((line as usize, 1)),
            path: String::new(),
            message: msg,
        }])
    };
    let header = rdr
        .headers()
        .map_err(|e| at(1, format!("not CSV: {e}")))?
        .clone();
    if header.iter().collect::<Vec<_>>()
        != ["timestamp", "offset_seconds", "service", "metric", "value"]
    {
        return Err(at(
            1,
            "expected the header `timestamp,offset_seconds,service,metric,value`".into(),
        ));
    }
    let mut out: Vec<RecordedSeries> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            at(line, format!("not CSV: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let num = |i: usize, what: &str| -> Result<f64> {
            rec.get(i)
                .and_then(|x| x.trim().parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .ok_or_else(|| {
                    at(
                        line,
                        format!("{what} `{}` is not a number", rec.get(i).unwrap_or("")),
                    )
                })
        };
        let offset = num(1, "offset_seconds")?;
        let value = num(4, "value")?;
        let (service, metric) = (rec.get(2).unwrap_or(""), rec.get(3).unwrap_or(""));
        let t = (offset * 1000.0).round() as i64;
        let i = match out
            .iter()
            .position(|r| r.service == service && r.metric == metric)
        {
            Some(i) => i,
            None => {
                out.push(RecordedSeries {
                    service: service.to_string(),
                    metric: metric.to_string(),
                    points: Vec::new(),
                });
                out.len() - 1
            }
        };
        if out[i].points.last().is_some_and(|p| p.0 >= t) {
            return Err(at(
                line,
                format!(
                    "offset {offset} s of {service} {metric} is not after the one before: expected times strictly increasing"
                ),
            ));
        }
        out[i].points.push((t, value));
    }
    Ok(out)
}

/// The statistics get-metric-statistics prints, in the order series are made.
const STATISTICS: [&str; 5] = ["Sum", "Average", "Maximum", "Minimum", "SampleCount"];

/// An RFC 3339 timestamp as the CLI prints it (`2026-01-05T00:05:00+00:00`, `…Z`), to epoch ms.
fn instant(t: &Value) -> std::result::Result<i64, String> {
    let s = t
        .as_str()
        .ok_or_else(|| format!("`{t}` is not a timestamp: expected RFC 3339 text"))?;
    crate::schedule::instant_ms(s).map_err(|m| format!("`{s}` is not an RFC 3339 timestamp: {m}"))
}

/// The points sorted ascending by time; two points at the same time are refused.
fn ordered(mut points: Vec<(i64, f64)>, file: &str, path: &str) -> Result<Vec<(i64, f64)>> {
    points.sort_by_key(|p| p.0);
    if let Some(w) = points.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::invalid(
            file,
            path,
            format!(
                "two datapoints at {}: expected one per timestamp",
                crate::schedule::format_utc(w[0].0)
            ),
        ));
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_datapoints_are_sorted_and_split_by_statistic() {
        // Unordered datapoints at 00:10 (Sum 3) and 00:00 (Sum 1, Average 0.5) → the Sum series
        // ascending is [1, 3]; the Average series has the one point 0.5.
        let v: Value = serde_json::from_str(
            r#"{"Label": "CPUUtilization", "Datapoints": [
                {"Timestamp": "2026-01-05T00:10:00+00:00", "Sum": 3.0, "Unit": "Percent"},
                {"Timestamp": "2026-01-05T00:00:00+00:00", "Sum": 1.0, "Average": 0.5, "Unit": "Percent"}]}"#,
        )
        .unwrap();
        let s = parse_metric_json(&v, "s.json").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].statistic.as_deref(), Some("Sum"));
        assert_eq!(s[0].values(), vec![1.0, 3.0]);
        assert_eq!(s[0].period_s(), Some(600));
        assert_eq!(s[1].statistic.as_deref(), Some("Average"));
        assert_eq!(s[1].values(), vec![0.5]);
        assert_eq!(s[0].kind(), Some(MetricKind::CpuUtilization));
    }

    #[test]
    fn labels_name_their_kind_longest_first() {
        assert_eq!(
            MetricKind::of("web RequestCountPerTarget"),
            Some(MetricKind::RequestCountPerTarget)
        );
        assert_eq!(
            MetricKind::of("request_count"),
            Some(MetricKind::RequestCount)
        );
        assert_eq!(MetricKind::of("MemoryUtilization"), None);
    }

    #[test]
    fn mismatched_lengths_and_bad_timestamps_are_refused() {
        let v: Value = serde_json::from_str(
            r#"{"MetricDataResults": [{"Id": "a", "Timestamps": ["2026-01-05T00:00:00Z"], "Values": []}]}"#,
        )
        .unwrap();
        let e = parse_metric_json(&v, "m.json").unwrap_err().to_string();
        assert!(
            e.contains("MetricDataResults[0].Values: 0 values for 1 timestamps"),
            "{e}"
        );
        let v: Value = serde_json::from_str(
            r#"{"MetricDataResults": [{"Id": "a", "Timestamps": ["yesterday"], "Values": [1]}]}"#,
        )
        .unwrap();
        let e = parse_metric_json(&v, "m.json").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("Timestamps[0]"), "{e}");
    }
}
