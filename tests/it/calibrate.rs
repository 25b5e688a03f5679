//! `ecsim calibrate`: simulated against recorded task counts hour by hour, scale-outs on the
//! same grid, and the per-task CPU model fitted to recorded CPU.

use crate::support::load;
use ecsim::calibrate::{CpuOutcome, Measure, NoFit, Recorded, calibrate};
use serde_json::json;

/// 2026-01-05T00:00:00Z in ms since the Unix epoch.
const START: i64 = 1_767_571_200_000;

/// A Fargate service held at 2 tasks (no scaling) for 2 hours: 100 requests/s in the first
/// hour, 150 in the second.
fn held_at_two() -> serde_json::Value {
    json!({
        "name": "cal",
        "start": "2026-01-05T00:00:00Z",
        "duration": "2h",
        "services": [{
            "serviceName": "web", "launchType": "FARGATE", "desiredCount": 2,
            "taskDefinition": { "family": "web", "cpu": "512", "memory": "1024" },
            "load": {
                "traffic": { "pattern": "step", "steps": [
                    { "at": "0s", "rps": 100 }, { "at": "1h", "rps": 150 }] },
                "perTask": { "maxRps": 100, "cpuAtMaxRps": 80, "idleCpu": 5 }
            }
        }]
    })
}

/// Five-minute datapoints from `from_s` to `to_s` (exclusive) seconds after the start.
fn every_5m(from_s: i64, to_s: i64, value: impl Fn(i64) -> f64) -> Vec<(i64, f64)> {
    (from_s / 300..to_s / 300)
        .map(|k| (START + k * 300_000, value(k * 300)))
        .collect()
}

#[test]
fn desired_counts_compared_hour_by_hour_with_scale_outs() {
    assert_eq!(
        ecsim::calibrate::wall_clock(START, 0),
        "2026-01-05T00:00:00Z"
    );
    let mut points = every_5m(0, 7200, |t| if t < 3600 { 2.0 } else { 3.0 });
    // One datapoint before the start and one whose period ends past the 2 h: left out.
    points.insert(0, (START - 300_000, 2.0));
    points.push((START + 7_200_000, 3.0));
    let rec = Recorded {
        service: "web".into(),
        measure: Measure::DesiredTaskCount,
        period_s: 300,
        points,
    };
    let c = calibrate(load(held_at_two()), &[rec]).unwrap();
    let m = &c.services[0].measures[0];
    // 24 datapoints at 0, 300, …, 6900 s; the simulation holds 2 throughout. Hour 0: recorded
    // 2, error 0; hour 1: recorded 3, simulated 2, error 1, bias −1. Overall: MAE 12/24 = 0.5,
    // bias −0.5, rms √(12 × 1² / 24) = 0.7071.
    assert_eq!((m.points, m.outside), (24, 2));
    assert!((m.mean_abs_error - 0.5).abs() < 1e-12);
    assert!((m.bias + 0.5).abs() < 1e-12);
    assert!((m.rms_error - 0.5f64.sqrt()).abs() < 1e-12);
    assert_eq!(m.hours.len(), 2);
    let (h0, h1) = (&m.hours[0], &m.hours[1]);
    assert_eq!((h0.start_s, h0.points), (0, 12));
    assert_eq!(
        (h0.recorded_mean, h0.simulated_mean, h0.mean_abs_error),
        (2.0, 2.0, 0.0)
    );
    assert_eq!(
        (h1.start_s, h1.recorded_mean, h1.simulated_mean),
        (3600, 3.0, 2.0)
    );
    assert_eq!((h1.mean_abs_error, h1.bias), (1.0, -1.0));
    // The recorded count rose 2 → 3 at the datapoint of 3600 s: one scale-out, in hour 1; the
    // simulated count never rose.
    assert_eq!(h1.recorded_scale_outs, [3600]);
    assert!(h0.recorded_scale_outs.is_empty() && h1.simulated_scale_outs.is_empty());
    let csv = c.csv();
    let row = csv.lines().nth(2).unwrap();
    assert_eq!(
        row,
        "web,DesiredTaskCount,3600,2026-01-05T01:00:00Z,12,3.0000,2.0000,1.0000,-1.0000,1,0"
    );
}

#[test]
fn per_task_cpu_fitted_to_recorded_cpu() {
    // The "true" service: idle 10 %, 60 % at 100 requests/s a task (0.5 % per request/s).
    // Hour 0: 100 rps / 2 tasks = 50 a task → 10 + 0.5 × 50 = 35 %; hour 1: 150 / 2 = 75 →
    // 10 + 0.5 × 75 = 47.5 %.
    let cpu = every_5m(0, 7200, |t| if t < 3600 { 35.0 } else { 47.5 });
    let running = every_5m(0, 7200, |_| 2.0);
    let recs = [
        Recorded {
            service: "web".into(),
            measure: Measure::CpuUtilization,
            period_s: 300,
            points: cpu,
        },
        Recorded {
            service: "web".into(),
            measure: Measure::RunningTaskCount,
            period_s: 300,
            points: running,
        },
    ];
    let c = calibrate(load(held_at_two()), &recs).unwrap();
    let CpuOutcome::Fitted(f) = &c.services[0].cpu else {
        panic!("no fit: {:?}", c.services[0].cpu);
    };
    // The line through (50, 35) and (75, 47.5): intercept 10, slope 0.5; at maxRps 100 → 60.
    assert!((f.idle_cpu - 10.0).abs() < 1e-9, "{f:?}");
    assert!((f.cpu_at_max_rps - 60.0).abs() < 1e-9, "{f:?}");
    assert!((f.line.r_squared - 1.0).abs() < 1e-9);
    assert_eq!(f.line.points, 24);
    // The scenario's own model, reported beside the fit.
    assert_eq!(
        (f.scenario_idle_cpu, f.scenario_cpu_at_max_rps),
        (5.0, 80.0)
    );
    let text = c.to_string();
    assert!(
        text.contains("--set services.web.load.perTask.idleCpu=10.0 --set services.web.load.perTask.cpuAtMaxRps=60.0"),
        "{text}"
    );
}

#[test]
fn no_fit_without_spread_or_points() {
    // Only the first hour: every datapoint at 50 requests/s a task, so no slope can be told.
    let recs = [
        Recorded {
            service: "web".into(),
            measure: Measure::CpuUtilization,
            period_s: 300,
            points: every_5m(0, 3600, |_| 35.0),
        },
        Recorded {
            service: "web".into(),
            measure: Measure::RunningTaskCount,
            period_s: 300,
            points: every_5m(0, 3600, |_| 2.0),
        },
    ];
    let c = calibrate(load(held_at_two()), &recs).unwrap();
    assert_eq!(c.services[0].cpu, CpuOutcome::Unfitted(NoFit::NoSpread));
    // Two CPU datapoints are fewer than the three a line needs.
    let mut few = recs.clone();
    few[0].points.truncate(2);
    let c = calibrate(load(held_at_two()), &few).unwrap();
    assert_eq!(c.services[0].cpu, CpuOutcome::Unfitted(NoFit::TooFewPoints));
}

#[test]
fn a_recording_of_an_unknown_service_is_refused() {
    let rec = Recorded {
        service: "api".into(),
        measure: Measure::DesiredTaskCount,
        period_s: 60,
        points: vec![(START, 1.0)],
    };
    let e = calibrate(load(held_at_two()), &[rec]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: --recorded: the recorded DesiredTaskCount is for service `api`, which the \
         scenario does not have (services: web)"
    );
}
