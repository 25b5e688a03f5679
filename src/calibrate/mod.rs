//! `ecsim calibrate`: a scenario run on its recorded load, against the task counts the service
//! recorded (Container Insights' `DesiredTaskCount` and `RunningTaskCount`), hour by hour; and
//! the per-task CPU model (`load.perTask`) fitted to the recorded `CPUUtilization`.
//!
//! **Alignment.** A recorded datapoint's timestamp is the start of its period (CloudWatch's
//! convention); it is compared with the simulation's average over the same period, of the
//! values at the end of each simulated minute in it. Datapoints before the scenario's `start`
//! or whose period ends after the run are left out (and counted).
//!
//! **Scale-outs.** A scale-out is a rise of at least [`RISE`] tasks from one datapoint of the
//! desired count to the next; the simulated series is sampled on the same grid and read by the
//! same rule, so the two are counted alike.
//!
//! **The CPU fit.** ecsim's per-task CPU model is linear in the requests per second a task
//! serves: `cpu = idleCpu + (cpuAtMaxRps − idleCpu) × rps / maxRps` (scenario reference,
//! `load.perTask`). For each CPU datapoint, the requests per task are the scenario's offered
//! load over the period (its recorded traffic) divided by the recorded running count (else the
//! recorded desired count), at most `maxRps`; ordinary least squares of the recorded CPU on
//! them gives `idleCpu` (the intercept) and `cpuAtMaxRps` (the line at `maxRps`), with R².
//!
//! ```
//! use ecsim::calibrate::{least_squares, Fit};
//! // y = 5 + 0.8 x exactly: intercept 5, slope 0.8, R² 1.
//! let f: Fit = least_squares(&[(10.0, 13.0), (20.0, 21.0), (40.0, 37.0)]).unwrap();
//! assert!((f.intercept - 5.0).abs() < 1e-9 && (f.slope - 0.8).abs() < 1e-9);
//! assert!((f.r_squared - 1.0).abs() < 1e-9);
//! ```

use crate::engine::{HOUR, MINUTE, Millis};
use crate::error::Error;
use crate::ids::ServiceId;
use crate::model::observe::{Minute, Observer};
use crate::model::world::World;
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt;

/// The schema name of `calibration.json`.
pub const CALIBRATION_SCHEMA: &str = "ecsim.calibration/1";

/// The rise in the desired count, tasks, from one datapoint to the next that counts as a
/// scale-out (an average over a period moves by fractions while a count changes within it).
pub const RISE: f64 = 0.5;

/// The fewest CPU datapoints a fit is made from.
pub const MIN_FIT_POINTS: usize = 3;

pub use crate::import::cloudwatch::MetricKind;

/// The metrics calibrate compares ([`MetricKind`]s of Container Insights' task counts and ECS's
/// CPU).
pub const COMPARED: [MetricKind; 3] = [
    MetricKind::DesiredTaskCount,
    MetricKind::RunningTaskCount,
    MetricKind::CpuUtilization,
];

/// A metric as calibration.json names it: its CloudWatch name.
fn metric_name<S: serde::Serializer>(m: &MetricKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.metric_name())
}

/// One recorded series of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The service (its name in the scenario).
    pub service: String,
    /// What it measures: one of [`COMPARED`].
    pub measure: MetricKind,
    /// The period of each datapoint, seconds.
    pub period_s: u64,
    /// (period start, ms since the Unix epoch; value), in time order.
    pub points: Vec<(i64, f64)>,
}

/// An ordinary least-squares line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fit {
    /// The value at x = 0.
    pub intercept: f64,
    /// The rise per unit of x.
    pub slope: f64,
    /// 1 − residual / total sum of squares (1 when y does not vary and the line is exact).
    pub r_squared: f64,
    /// Points fitted.
    pub points: usize,
}

/// Why no line can be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NoFit {
    /// Fewer than [`MIN_FIT_POINTS`] points.
    TooFewPoints,
    /// Every point has the same x: no slope can be told.
    NoSpread,
    /// y falls as x rises (CPU falling as requests per task rise): no `perTask` line, whose
    /// `cpuAtMaxRps` is at least its `idleCpu`.
    Falling,
}

/// The least-squares line through `points` (x, y).
pub fn least_squares(points: &[(f64, f64)]) -> Result<Fit, NoFit> {
    let n = points.len();
    if n < MIN_FIT_POINTS {
        return Err(NoFit::TooFewPoints);
    }
    let nf = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    // Relative to the x values' size, so that rounding in the means is no spread.
    if sxx <= 1e-12 * (1.0 + mx * mx) * nf {
        return Err(NoFit::NoSpread);
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss_tot: f64 = points.iter().map(|p| (p.1 - my) * (p.1 - my)).sum();
    let ss_res: f64 = points
        .iter()
        .map(|p| {
            let e = p.1 - (intercept + slope * p.0);
            e * e
        })
        .sum();
    let r_squared = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else {
        1.0
    };
    Ok(Fit {
        intercept,
        slope,
        r_squared,
        points: n,
    })
}

/// The least-squares line through the origin (intercept 0) of `points`, which
/// [`least_squares`] has found to have spread in x; R² is against the mean of y.
fn through_origin(points: &[(f64, f64)]) -> Fit {
    let sxx: f64 = points.iter().map(|p| p.0 * p.0).sum();
    let sxy: f64 = points.iter().map(|p| p.0 * p.1).sum();
    let slope = sxy / sxx;
    let n = points.len() as f64;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let ss_tot: f64 = points.iter().map(|p| (p.1 - my).powi(2)).sum();
    let ss_res: f64 = points.iter().map(|p| (p.1 - slope * p.0).powi(2)).sum();
    Fit {
        intercept: 0.0,
        slope,
        r_squared: if ss_tot > 0.0 {
            1.0 - ss_res / ss_tot
        } else {
            1.0
        },
        points: points.len(),
    }
}

/// One hour of one measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hour {
    /// Its start, seconds from the run's start.
    pub start_s: u64,
    /// Datapoints in it.
    pub points: usize,
    /// The recorded mean.
    pub recorded_mean: f64,
    /// The simulated mean on the same datapoints.
    pub simulated_mean: f64,
    /// Mean of |simulated − recorded|.
    pub mean_abs_error: f64,
    /// Mean of simulated − recorded (positive: the simulation runs more).
    pub bias: f64,
    /// Scale-outs recorded in it, seconds from the start (desired count only).
    pub recorded_scale_outs: Vec<u64>,
    /// Scale-outs simulated in it, seconds from the start (desired count only).
    pub simulated_scale_outs: Vec<u64>,
}

/// One measure of one service over the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasureFit {
    /// What it measures.
    #[serde(serialize_with = "metric_name")]
    pub measure: MetricKind,
    /// Datapoints compared.
    pub points: usize,
    /// Datapoints outside the run (before its start or past its end).
    pub outside: usize,
    /// Mean of |simulated − recorded|.
    pub mean_abs_error: f64,
    /// Root mean square of simulated − recorded.
    pub rms_error: f64,
    /// Mean of simulated − recorded.
    pub bias: f64,
    /// Hour by hour.
    pub hours: Vec<Hour>,
    /// (seconds from the start, recorded, simulated) for each datapoint compared.
    #[serde(skip)]
    pub series: Vec<(u64, f64, f64)>,
}

/// The fitted per-task CPU model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CpuFit {
    /// `load.perTask.maxRps` (the scenario's; not fitted).
    pub max_rps: f64,
    /// The scenario's `idleCpu` and `cpuAtMaxRps`.
    pub scenario_idle_cpu: f64,
    /// The scenario's `cpuAtMaxRps`.
    pub scenario_cpu_at_max_rps: f64,
    /// The fitted `idleCpu` (the intercept).
    pub idle_cpu: f64,
    /// The fitted `cpuAtMaxRps` (the line at `maxRps`).
    pub cpu_at_max_rps: f64,
    /// The free line crossed below 0 % at no traffic, which `idleCpu` cannot be: the line was
    /// fitted through 0 instead (slope Σxy / Σx², R² against the mean as before).
    pub idle_pinned_at_zero: bool,
    /// The line: CPU % against requests per second per task.
    pub line: Fit,
}

/// The CPU fit, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CpuOutcome {
    /// Fitted.
    Fitted(CpuFit),
    /// No recorded CPUUtilization for the service.
    NoRecordedCpu,
    /// The service has no `load.traffic` with `perTask`: nothing to fit.
    NoPerTaskModel,
    /// Too few points, or no spread in requests per task.
    Unfitted(NoFit),
}

/// One service's calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCalibration {
    /// The service.
    pub service: String,
    /// Each recorded count, compared.
    pub measures: Vec<MeasureFit>,
    /// The per-task CPU fit.
    pub cpu: CpuOutcome,
}

/// What [`calibrate`] finds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    /// [`CALIBRATION_SCHEMA`].
    pub schema: &'static str,
    /// The scenario's name.
    pub scenario: String,
    /// Its start, ms since the Unix epoch.
    pub start_epoch_ms: i64,
    /// Its length, seconds.
    pub duration_s: u64,
    /// Per service, in scenario order.
    pub services: Vec<ServiceCalibration>,
}

/// Per simulated minute of the services calibrated: (desired, running, offered rps).
struct Minutes {
    watched: Vec<ServiceId>,
    rows: Vec<Vec<(f64, f64, f64)>>,
}

impl Observer for Minutes {
    fn minute(&mut self, m: &Minute<'_>) {
        for (i, s) in self.watched.iter().enumerate() {
            let f = m.service(*s);
            self.rows[i].push((f64::from(f.desired), f64::from(f.running), f.offered / 60.0));
        }
    }
}

/// The mean of `rows[a..b]` by `pick`, None when empty.
fn mean(
    rows: &[(f64, f64, f64)],
    a: usize,
    b: usize,
    pick: fn(&(f64, f64, f64)) -> f64,
) -> Option<f64> {
    let b = b.min(rows.len());
    (a < b).then(|| rows[a..b].iter().map(pick).sum::<f64>() / (b - a) as f64)
}

/// Calibrates `scenario` against `recorded` (every series naming a service of the scenario:
/// an unknown one is refused). Runs the scenario once.
pub fn calibrate(scenario: Scenario, recorded: &[Recorded]) -> Result<Calibration, Error> {
    let mut watched: Vec<ServiceId> = Vec::new();
    for r in recorded {
        if !COMPARED.contains(&r.measure) {
            return Err(Error::invalid(
                "--recorded",
                "",
                format!(
                    "{} of `{}` is not a metric calibrate compares: it reads DesiredTaskCount, \
                     RunningTaskCount and CPUUtilization",
                    r.measure.metric_name(),
                    r.service
                ),
            ));
        }
        let Some(i) = scenario.services.iter().position(|s| s.name == r.service) else {
            let names: Vec<&str> = scenario.services.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::invalid(
                "--recorded",
                "",
                format!(
                    "the recorded {} is for service `{}`, which the scenario does not have \
                     (services: {})",
                    r.measure.metric_name(),
                    r.service,
                    names.join(", ")
                ),
            ));
        };
        let id = ServiceId::new(i);
        if !watched.contains(&id) {
            watched.push(id);
        }
    }
    watched.sort();
    let start = scenario.start_epoch_ms;
    let duration = scenario.duration;
    let name = scenario.name.clone();
    let per_task: Vec<Option<crate::scenario::PerTask>> = watched
        .iter()
        .map(|s| {
            scenario.services[s.index()]
                .load
                .as_ref()
                .and_then(|l| l.per_task.clone())
        })
        .collect();
    let service_names: Vec<String> = watched
        .iter()
        .map(|s| scenario.services[s.index()].name.clone())
        .collect();
    let mut world = World::new(scenario, false);
    world.set_observer(Box::new(Minutes {
        rows: vec![Vec::new(); watched.len()],
        watched: watched.clone(),
    }));
    let mut outcome = world.run();
    let minutes = outcome
        .world
        .take_observer_as::<Minutes>()
        .expect("the observer set above");

    let mut services = Vec::new();
    for (w, svc) in service_names.iter().enumerate() {
        let rows = &minutes.rows[w];
        // The minutes of a period starting at `r` ms from the start, `p` s long.
        let window = |r: Millis, p: u64| {
            let a = (r / MINUTE) as usize;
            let b = ((r + p as Millis * 1000) / MINUTE) as usize;
            (a, b)
        };
        let inside = |t: i64, p: u64| -> Option<Millis> {
            let r = t - start;
            (r >= 0 && r + (p as i64) * 1000 <= duration as i64).then_some(r as Millis)
        };
        let mut measures = Vec::new();
        for rec in recorded
            .iter()
            .filter(|r| &r.service == svc && r.measure != MetricKind::CpuUtilization)
        {
            let pick: fn(&(f64, f64, f64)) -> f64 = match rec.measure {
                MetricKind::DesiredTaskCount => |r| r.0,
                _ => |r| r.1,
            };
            let mut series = Vec::new();
            let mut outside = 0;
            for &(t, v) in &rec.points {
                match inside(t, rec.period_s) {
                    Some(r) => {
                        let (a, b) = window(r, rec.period_s);
                        if let Some(sim) = mean(rows, a, b, pick) {
                            series.push((r / 1000, v, sim));
                        } else {
                            outside += 1;
                        }
                    }
                    None => outside += 1,
                }
            }
            measures.push(compare(rec.measure, series, outside));
        }
        let cpu = match (
            recorded
                .iter()
                .find(|r| &r.service == svc && r.measure == MetricKind::CpuUtilization),
            &per_task[w],
        ) {
            (None, _) => CpuOutcome::NoRecordedCpu,
            (Some(_), None) => CpuOutcome::NoPerTaskModel,
            (Some(rec), Some(pt)) => {
                // Recorded tasks at each CPU datapoint: running, else desired (each series in
                // time order, so a datapoint is found by binary search).
                let counts: Vec<&Recorded> =
                    [MetricKind::RunningTaskCount, MetricKind::DesiredTaskCount]
                        .iter()
                        .filter_map(|m| {
                            recorded
                                .iter()
                                .find(|r| &r.service == svc && r.measure == *m)
                        })
                        .collect();
                let count_at = |t: i64| -> Option<f64> {
                    counts.iter().find_map(|r| {
                        r.points
                            .binary_search_by_key(&t, |p| p.0)
                            .ok()
                            .map(|i| r.points[i].1)
                    })
                };
                let mut pts = Vec::new();
                for &(t, cpu) in &rec.points {
                    let Some(r) = inside(t, rec.period_s) else {
                        continue;
                    };
                    let (a, b) = window(r, rec.period_s);
                    let (Some(rps), Some(tasks)) = (mean(rows, a, b, |r| r.2), count_at(t)) else {
                        continue;
                    };
                    if tasks >= 1.0 {
                        pts.push(((rps / tasks).min(pt.max_rps), cpu));
                    }
                }
                match least_squares(&pts) {
                    Ok(free) if free.slope < 0.0 => CpuOutcome::Unfitted(NoFit::Falling),
                    Ok(free) => {
                        let pinned = free.intercept < 0.0;
                        let line = if pinned { through_origin(&pts) } else { free };
                        CpuOutcome::Fitted(CpuFit {
                            max_rps: pt.max_rps,
                            scenario_idle_cpu: pt.idle_cpu,
                            scenario_cpu_at_max_rps: pt.cpu_at_max_rps,
                            idle_cpu: line.intercept,
                            cpu_at_max_rps: line.intercept + line.slope * pt.max_rps,
                            idle_pinned_at_zero: pinned,
                            line,
                        })
                    }
                    Err(e) => CpuOutcome::Unfitted(e),
                }
            }
        };
        services.push(ServiceCalibration {
            service: svc.clone(),
            measures,
            cpu,
        });
    }
    Ok(Calibration {
        schema: CALIBRATION_SCHEMA,
        scenario: name,
        start_epoch_ms: start,
        duration_s: duration / 1000,
        services,
    })
}

/// The errors of (seconds, recorded, simulated) datapoints, overall and hour by hour.
fn compare(measure: MetricKind, series: Vec<(u64, f64, f64)>, outside: usize) -> MeasureFit {
    let n = series.len();
    let nf = n.max(1) as f64;
    let mae = series.iter().map(|p| (p.2 - p.1).abs()).sum::<f64>() / nf;
    let rms = (series.iter().map(|p| (p.2 - p.1).powi(2)).sum::<f64>() / nf).sqrt();
    let bias = series.iter().map(|p| p.2 - p.1).sum::<f64>() / nf;
    let hour_s = HOUR / 1000;
    let mut hours: Vec<Hour> = Vec::new();
    for (i, &(t, rec, sim)) in series.iter().enumerate() {
        let h = t / hour_s * hour_s;
        if hours.last().is_none_or(|x| x.start_s != h) {
            hours.push(Hour {
                start_s: h,
                points: 0,
                recorded_mean: 0.0,
                simulated_mean: 0.0,
                mean_abs_error: 0.0,
                bias: 0.0,
                recorded_scale_outs: Vec::new(),
                simulated_scale_outs: Vec::new(),
            });
        }
        let hr = hours.last_mut().expect("pushed above");
        hr.points += 1;
        hr.recorded_mean += rec;
        hr.simulated_mean += sim;
        hr.mean_abs_error += (sim - rec).abs();
        hr.bias += sim - rec;
        if measure == MetricKind::DesiredTaskCount && i > 0 {
            let (_, prev_rec, prev_sim) = series[i - 1];
            if rec - prev_rec >= RISE {
                hr.recorded_scale_outs.push(t);
            }
            if sim - prev_sim >= RISE {
                hr.simulated_scale_outs.push(t);
            }
        }
    }
    for h in &mut hours {
        let k = h.points as f64;
        h.recorded_mean /= k;
        h.simulated_mean /= k;
        h.mean_abs_error /= k;
        h.bias /= k;
    }
    MeasureFit {
        measure,
        points: n,
        outside,
        mean_abs_error: mae,
        rms_error: rms,
        bias,
        hours,
        series,
    }
}

/// A recorded series calibrate leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// A metric it does not compare (the SQS backlog, or a name it does not know).
    NotCompared {
        /// The service.
        service: String,
        /// The metric's name as recorded.
        metric: String,
    },
    /// A single datapoint: no period can be told.
    OnePoint {
        /// The service.
        service: String,
        /// The metric.
        metric: String,
    },
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skipped::NotCompared { service, metric } => write!(
                f,
                "{metric} of {service} is not compared (calibrate reads DesiredTaskCount, \
                 RunningTaskCount and CPUUtilization)"
            ),
            Skipped::OnePoint { service, metric } => write!(
                f,
                "{metric} of {service} has one datapoint: no period to compare it over"
            ),
        }
    }
}

/// The series of a `recorded-metrics.csv` ([`crate::import::cloudwatch::read_recorded`]:
/// offsets from the scenario's start) as [`Recorded`] series of a run starting at
/// `start_epoch_ms`, each period the smallest gap between its datapoints; with those left out.
pub fn recorded_from(
    series: Vec<crate::import::cloudwatch::RecordedSeries>,
    start_epoch_ms: i64,
) -> (Vec<Recorded>, Vec<Skipped>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for s in series {
        let kind = COMPARED.into_iter().find(|k| k.metric_name() == s.metric);
        let Some(measure) = kind else {
            skipped.push(Skipped::NotCompared {
                service: s.service,
                metric: s.metric,
            });
            continue;
        };
        let Some(period) = crate::import::cloudwatch::period_s(&s.points) else {
            skipped.push(Skipped::OnePoint {
                service: s.service,
                metric: s.metric,
            });
            continue;
        };
        out.push(Recorded {
            service: s.service,
            measure,
            period_s: period as u64,
            points: s
                .points
                .iter()
                .map(|&(t, v)| (start_epoch_ms.saturating_add(t), v))
                .collect(),
        });
    }
    (out, skipped)
}

/// Seconds from the start as the wall-clock time of a run starting at `start_epoch_ms`.
pub fn wall_clock(start_epoch_ms: i64, s: u64) -> String {
    let ms = start_epoch_ms.saturating_add((s as i64).saturating_mul(1000));
    match u64::try_from(ms) {
        Ok(ms) => humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms),
        )
        .to_string(),
        Err(_) => format!("{s}s"),
    }
}

impl fmt::Display for Calibration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "calibration of {} against the recorded counts (simulated − recorded):",
            self.scenario
        )?;
        for s in &self.services {
            for m in &s.measures {
                let scale_outs = |pick: fn(&Hour) -> &Vec<u64>| -> usize {
                    m.hours.iter().map(|h| pick(h).len()).sum()
                };
                write!(
                    f,
                    "  {} {}: {} datapoints, mean abs error {:.2} tasks, rms {:.2}, bias {:+.2}",
                    s.service,
                    m.measure.metric_name(),
                    m.points,
                    m.mean_abs_error,
                    m.rms_error,
                    m.bias
                )?;
                if m.outside > 0 {
                    write!(f, " ({} outside the run left out)", m.outside)?;
                }
                writeln!(f)?;
                if m.measure == MetricKind::DesiredTaskCount {
                    writeln!(
                        f,
                        "    scale-outs: recorded {}, simulated {}",
                        scale_outs(|h| &h.recorded_scale_outs),
                        scale_outs(|h| &h.simulated_scale_outs)
                    )?;
                }
                if let Some(worst) = m
                    .hours
                    .iter()
                    .max_by(|a, b| a.mean_abs_error.total_cmp(&b.mean_abs_error))
                    && worst.mean_abs_error > 0.0
                {
                    writeln!(
                        f,
                        "    worst hour: {} (recorded {:.1}, simulated {:.1})",
                        wall_clock(self.start_epoch_ms, worst.start_s),
                        worst.recorded_mean,
                        worst.simulated_mean
                    )?;
                }
            }
            match &s.cpu {
                CpuOutcome::Fitted(c) => {
                    writeln!(
                        f,
                        "  {} perTask from the recorded CPU: idleCpu {:.1} (scenario {}), \
                         cpuAtMaxRps {:.1} at maxRps {} (scenario {}); R² {:.3} over {} \
                         datapoints",
                        s.service,
                        c.idle_cpu,
                        c.scenario_idle_cpu,
                        c.cpu_at_max_rps,
                        c.max_rps,
                        c.scenario_cpu_at_max_rps,
                        c.line.r_squared,
                        c.line.points,
                    )?;
                    if c.idle_pinned_at_zero {
                        writeln!(
                            f,
                            "    (the free line fell below 0 % at no traffic: fitted with \
                             idleCpu pinned at 0)"
                        )?;
                    }
                    writeln!(
                        f,
                        "    --set services.{}.load.perTask.idleCpu={:.1} --set \
                         services.{}.load.perTask.cpuAtMaxRps={:.1}",
                        s.service, c.idle_cpu, s.service, c.cpu_at_max_rps
                    )?;
                }
                CpuOutcome::NoRecordedCpu => {}
                CpuOutcome::NoPerTaskModel => writeln!(
                    f,
                    "  {}: recorded CPU given, but the service has no load.traffic with perTask to fit",
                    s.service
                )?,
                CpuOutcome::Unfitted(NoFit::TooFewPoints) => writeln!(
                    f,
                    "  {}: fewer than {MIN_FIT_POINTS} CPU datapoints inside the run: no perTask fit",
                    s.service
                )?,
                CpuOutcome::Unfitted(NoFit::Falling) => writeln!(
                    f,
                    "  {}: the recorded CPU falls as the requests per task rise: no perTask line \
                     fits (is the load matched to the right service?)",
                    s.service
                )?,
                CpuOutcome::Unfitted(NoFit::NoSpread) => writeln!(
                    f,
                    "  {}: the requests per task never change across the CPU datapoints: no \
                     slope to fit",
                    s.service
                )?,
            }
        }
        Ok(())
    }
}

impl Calibration {
    /// `calibration.csv`: one row per service, measure and hour.
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "service,measure,hour_start_s,hour_start,points,recorded_mean,simulated_mean,\
             mean_abs_error,bias,recorded_scale_outs,simulated_scale_outs\n",
        );
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        for sc in &self.services {
            for m in &sc.measures {
                for h in &m.hours {
                    let f = |v: f64| format!("{v:.4}");
                    w.write_record([
                        sc.service.clone(),
                        m.measure.metric_name().to_string(),
                        h.start_s.to_string(),
                        wall_clock(self.start_epoch_ms, h.start_s),
                        h.points.to_string(),
                        f(h.recorded_mean),
                        f(h.simulated_mean),
                        f(h.mean_abs_error),
                        f(h.bias),
                        h.recorded_scale_outs.len().to_string(),
                        h.simulated_scale_outs.len().to_string(),
                    ])
                    .expect("writes to memory");
                }
            }
        }
        let body = w.into_inner().expect("flushes to memory");
        s.push_str(std::str::from_utf8(&body).expect("UTF-8 fields"));
        s
    }

    /// Every file of a calibration folder: calibration.json (the set's marker),
    /// calibration.csv and, with `charts`, one chart per service (SVG and PNG).
    pub fn files(&self, charts: bool) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut out = Vec::new();
        out.push(("calibration.csv".to_string(), self.csv().into_bytes()));
        if charts {
            for c in self.charts()? {
                out.push((format!("{}.svg", c.name), c.svg.into_bytes()));
                out.push((format!("{}.png", c.name), c.png));
            }
        }
        let mut json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        json.push('\n');
        out.push(("calibration.json".to_string(), json.into_bytes()));
        Ok(out)
    }

    /// One overlay chart per service: recorded and simulated counts over time.
    pub fn charts(&self) -> Result<Vec<crate::report::charts::Chart>, String> {
        use crate::report::charts::{Overlay, OverlaySeries, render_overlay};
        let mut out = Vec::new();
        for sc in &self.services {
            if sc.measures.is_empty() {
                continue;
            }
            let mut series = Vec::new();
            for m in &sc.measures {
                let what = match m.measure {
                    MetricKind::DesiredTaskCount => "desired",
                    _ => "running",
                };
                series.push(OverlaySeries {
                    label: format!("recorded {what}"),
                    points: m.series.iter().map(|p| (p.0 as f64, p.1)).collect(),
                });
                series.push(OverlaySeries {
                    label: format!("simulated {what}"),
                    points: m.series.iter().map(|p| (p.0 as f64, p.2)).collect(),
                });
            }
            let stem = crate::outdir::component(&sc.service).unwrap_or_else(|| "service".into());
            out.push(render_overlay(&Overlay {
                name: crate::outdir::bounded_name(&format!("calibration-{stem}")),
                title: format!("{}: recorded and simulated task counts", sc.service),
                note: "Each datapoint: the recorded value, and the simulation's mean over the same period".into(),
                y_desc: "tasks".into(),
                integer_y: true,
                duration_s: self.duration_s,
                series,
            })?);
        }
        Ok(out)
    }
}
