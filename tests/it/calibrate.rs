//! `ecsim calibrate`: simulated against recorded task counts hour by hour, scale-outs on the
//! same grid, and the per-task CPU model fitted to recorded CPU.

use crate::support::load;
use ecsim::calibrate::{CpuOutcome, MetricKind, NoFit, Recorded, calibrate};
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
        measure: MetricKind::DesiredTaskCount,
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
            measure: MetricKind::CpuUtilization,
            period_s: 300,
            points: cpu,
        },
        Recorded {
            service: "web".into(),
            measure: MetricKind::RunningTaskCount,
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
            measure: MetricKind::CpuUtilization,
            period_s: 300,
            points: every_5m(0, 3600, |_| 35.0),
        },
        Recorded {
            service: "web".into(),
            measure: MetricKind::RunningTaskCount,
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
        measure: MetricKind::DesiredTaskCount,
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

/// The AWS CLI files of the hand-written account in tests/data/aws (not its terraform or
/// CloudFormation versions of another setup).
fn account_files() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.contains("terraform") && !n.contains("cloudformation")
        })
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn an_imported_account_runs_calibrates_and_exports() {
    let dir = crate::support::TempDir::new("calibrate-account");
    let scenario = dir.path().join("acct/scenario.json");
    let mut args = vec!["import".to_string()];
    args.extend(account_files());
    args.extend(["--out".into(), scenario.display().to_string(), "-q".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::support::ok(&crate::support::ecsim(&args));
    let out = dir.path().join("cal");
    let o = crate::support::ecsim(&[
        "calibrate",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    crate::support::ok(&o);
    // The worker's SQS backlog is kept by import but is not a task count or CPU.
    assert!(
        crate::support::stderr(&o)
            .contains("note: ApproximateNumberOfMessagesVisible of worker is not compared"),
        "{}",
        crate::support::stderr(&o)
    );
    for f in [
        "calibration.json",
        "calibration.csv",
        "calibration-web.png",
        "calibration-web.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let c: serde_json::Value =
        serde_json::from_str(&crate::support::read(&out.join("calibration.json"))).unwrap();
    let web = &c["services"][0];
    assert_eq!(web["service"], "web");
    let desired = &web["measures"][0];
    assert_eq!(desired["measure"], "DesiredTaskCount");
    // A week of hourly datapoints: 7 × 24 = 168. make_metrics.py records tasks(h) =
    // max(2, ceil(rps(h) / 60)) with rps peaking at 200 once a day: 2 → 3 → 4, two rises a
    // day, 14 in the week.
    assert_eq!(desired["points"], 168);
    let rises: usize = desired["hours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["recordedScaleOuts"].as_array().unwrap().len())
        .sum();
    assert_eq!(rises, 14);
    // Recorded CPU is 5 + 0.8 × rps(h) / tasks(h) rounded to 0.1, and the traffic import made
    // is rps(h): the fit finds idleCpu 5 and, at import's assumed maxRps 66.67 (peak 200 / 3
    // desired), cpuAtMaxRps 5 + 0.8 × 66.67 = 58.34 — within the rounding to 0.1.
    let fit = &web["cpu"]["fitted"];
    let idle = fit["idleCpu"].as_f64().unwrap();
    let at_max = fit["cpuAtMaxRps"].as_f64().unwrap();
    assert_eq!(fit["maxRps"], 66.67);
    assert!((idle - 5.0).abs() < 0.1, "{fit}");
    assert!((at_max - (5.0 + 0.8 * 66.67)).abs() < 0.2, "{fit}");
    assert!(fit["line"]["rSquared"].as_f64().unwrap() > 0.999, "{fit}");
    // It runs, and it exports: web's CreateService carries the described desired count, 3.
    let run = dir.path().join("run");
    crate::support::run_into(&run, &[scenario.to_str().unwrap()]);
    assert!(run.join("report.json").is_file());
    let exp = dir.path().join("export");
    crate::support::ok(&crate::support::ecsim(&[
        "export",
        scenario.to_str().unwrap(),
        "--out",
        exp.to_str().unwrap(),
        "-q",
    ]));
    let manifest: serde_json::Value =
        serde_json::from_str(&crate::support::read(&exp.join("export.json"))).unwrap();
    let web_call = manifest["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["operation"] == "create-service" && c["resource"] == "web")
        .expect("web's create-service");
    let input: serde_json::Value = serde_json::from_str(&crate::support::read(
        &exp.join(web_call["file"].as_str().unwrap()),
    ))
    .unwrap();
    assert_eq!(input["desiredCount"], 3);
}

#[test]
fn without_recorded_metrics_the_command_says_how_to_get_them() {
    let dir = crate::support::TempDir::new("calibrate-none");
    dir.write("s.json", serde_json::to_string(&held_at_two()).unwrap());
    let r = crate::support::Run::of(dir.path(), &["calibrate", "s.json", "--out", "o"]);
    r.refused(&[
        "error: recorded-metrics.csv: no recorded metrics beside the scenario: give \
                 --recorded FILE, or import Container Insights' DesiredTaskCount / \
                 RunningTaskCount (and CPUUtilization) with `ecsim import`, which writes this \
                 file",
    ]);
}

/// CPU datapoints of `first` % in hour 0 (50 requests/s a task) and `second` % in hour 1 (75),
/// with 2 tasks recorded running throughout.
fn cpu_of(first: f64, second: f64) -> [Recorded; 2] {
    [
        Recorded {
            service: "web".into(),
            measure: MetricKind::CpuUtilization,
            period_s: 300,
            points: every_5m(0, 7200, |t| if t < 3600 { first } else { second }),
        },
        Recorded {
            service: "web".into(),
            measure: MetricKind::RunningTaskCount,
            period_s: 300,
            points: every_5m(0, 7200, |_| 2.0),
        },
    ]
}

#[test]
fn a_line_below_zero_at_no_traffic_is_fitted_through_zero() {
    // Through (50, 20) and (75, 40) the free line is 0.8 x − 20: idleCpu −20 is no idle CPU.
    // Through the origin, 12 points each: slope = Σxy / Σx² = 12 (50·20 + 75·40) /
    // 12 (50² + 75²) = 4000 / 8125 = 0.4923…; at maxRps 100 → 49.23 %.
    let c = calibrate(load(held_at_two()), &cpu_of(20.0, 40.0)).unwrap();
    let CpuOutcome::Fitted(f) = &c.services[0].cpu else {
        panic!("no fit: {:?}", c.services[0].cpu);
    };
    assert!(f.idle_pinned_at_zero);
    assert_eq!(f.idle_cpu, 0.0);
    assert!(
        (f.cpu_at_max_rps - 100.0 * 4000.0 / 8125.0).abs() < 1e-9,
        "{f:?}"
    );
    assert!(c.to_string().contains("idleCpu pinned at 0"));
}

#[test]
fn cpu_falling_with_load_is_not_fitted() {
    // 47.5 % at 50 requests/s a task, 35 % at 75: slope −0.5, no perTask line.
    let c = calibrate(load(held_at_two()), &cpu_of(47.5, 35.0)).unwrap();
    assert_eq!(c.services[0].cpu, CpuOutcome::Unfitted(NoFit::Falling));
}
