//! Limits (issue 8, item 6): a year-long run, the ECS quota of services per cluster, and empty
//! scenarios — each runs, or is refused with exit 2 and a message saying what would be valid.

mod common;

use common::{ecsim, ok, out_dir};
use serde_json::{Value, json};
use std::path::Path;

fn report(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn a_year_long_run_completes_with_every_minute_in_the_tables() {
    // One Fargate task of 0.25 vCPU / 0.5 GB, no load, for 365 days.
    let root = out_dir("limits-year");
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("year.json");
    let scenario = json!({
        "name": "year",
        "duration": "365d",
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 1,
            "launchType": "FARGATE"
        }]
    });
    std::fs::write(&file, scenario.to_string()).unwrap();
    let out = root.join("out");
    ok(&ecsim(&[
        "run",
        file.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]));
    let r = report(&out);
    // 365 × 86,400 = 31,536,000 s.
    assert_eq!(r["scenario"]["duration_s"], 31_536_000);
    assert_eq!(r["services"]["web"]["running_final"], 1);
    // The task runs the whole year but its start-up: task-hours just under 365 × 24 = 8,760.
    let task_hours = r["capacity"]["fargate_task_hours"].as_f64().unwrap();
    assert!(
        task_hours > 8_759.9 && task_hours <= 8_760.0,
        "{task_hours}"
    );
    // Billed at 0.25 × 0.04048 + 0.5 × 0.004445 = 0.0123425 USD an hour (us-east-1 Linux x86).
    let cost = r["cost"]["total_usd"].as_f64().unwrap();
    assert!(
        (cost - task_hours * 0.0123425).abs() < 1e-6 * cost,
        "{cost} vs {task_hours} task-hours"
    );
    // One row per minute, stamped at the minute's end (60, 120, …): 365 × 1,440 = 525,600
    // rows after the header, the last at 31,536,000 s.
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let lines: Vec<&str> = ts.lines().collect();
    assert_eq!(lines.len(), 1 + 525_600);
    assert!(
        lines[lines.len() - 1].starts_with("31536000,web,"),
        "{}",
        lines[lines.len() - 1]
    );
    // Charts are drawn from at most 1,440 buckets a series: a year is 6-hour buckets
    // (31,536,000 / 1,440 = 21,900 s, rounded up to a whole number of minutes or hours) —
    // the SVG stays small whatever the length.
    let svg = std::fs::metadata(out.join("tasks-web.svg")).unwrap().len();
    assert!(svg < 400_000, "tasks-web.svg is {svg} bytes");
    let _ = std::fs::remove_dir_all(&root);
}

/// A scenario of `n` Fargate services of one task each, over 10 minutes.
fn services(n: usize) -> Value {
    let list: Vec<Value> = (0..n)
        .map(|k| {
            json!({
                "serviceName": format!("s{k:04}"),
                "taskDefinition": {"family": "f", "cpu": "256", "memory": "512"},
                "desiredCount": 1,
                "launchType": "FARGATE"
            })
        })
        .collect();
    json!({"name": "many", "duration": "10m", "services": list})
}

#[test]
fn the_quota_of_5000_services_runs_and_one_more_is_refused() {
    let root = out_dir("limits-services");
    std::fs::create_dir_all(&root).unwrap();
    // 5,000 services, the ECS quota per cluster: runs.
    let file = root.join("5000.json");
    std::fs::write(&file, services(5_000).to_string()).unwrap();
    let out = root.join("out");
    ok(&ecsim(&[
        "run",
        file.to_str().unwrap(),
        "-q",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]));
    let r = report(&out);
    assert_eq!(r["services"].as_object().unwrap().len(), 5_000);
    // Each service's one task is running at the end: 5,000 running.
    let running: u64 = r["services"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["running_final"].as_u64().unwrap())
        .sum();
    assert_eq!(running, 5_000);
    // The events grow with the tasks, not with services × tasks: 5,000 Reconciles at t = 0;
    // the Fargate bucket's 100 tokens launch the first 100 tasks and the other 4,900 services
    // wait in line, one `FargateTokens` event serving each as a token comes (20 a second);
    // 3 lifecycle steps a task (PROVISIONING → PENDING → RUNNING → healthy) = 15,000; and
    // the 10-second ticks, 60 in 10 minutes: 24,960 in all. (When each waiting service
    // retried on its own, every token woke them all: 12 million events.)
    let events = r["engine"]["events"].as_u64().unwrap();
    assert!((24_900..=25_000).contains(&events), "{events} events");

    // 5,001: refused before anything runs, naming the quota.
    let file = root.join("5001.json");
    std::fs::write(&file, services(5_001).to_string()).unwrap();
    let out = root.join("out-5001");
    let o = ecsim(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("services: 5001 services: above the quota of 5000 services per cluster"),
        "{e}"
    );
    assert!(!out.join("report.json").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_empty_object_is_refused_with_the_smallest_valid_scenario() {
    let root = out_dir("limits-empty");
    std::fs::create_dir_all(&root).unwrap();
    // An empty or blank file: tests/bad_input.rs (not JSON).
    // `{}`: `name` is the one required key (docs/scenario-reference.md §2.1).
    let file = root.join("object.json");
    std::fs::write(&file, "{}").unwrap();
    let o = ecsim(&["run", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("object.json:1:1: (root): required field `name` is missing"),
        "{e}"
    );
    assert!(
        e.contains("the smallest is {\"name\": \"my-scenario\"}"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_scenario_of_only_a_name_runs_an_empty_cluster_with_the_documented_defaults() {
    let root = out_dir("limits-name-only");
    std::fs::create_dir_all(&root).unwrap();
    let file = root.join("only.json");
    std::fs::write(&file, r#"{"name": "only"}"#).unwrap();
    let out = root.join("out");
    ok(&ecsim(&[
        "run",
        file.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]));
    let r = report(&out);
    // The defaults of docs/scenario-reference.md §2.1: seed 1, 6h = 21,600 s, the Monday start.
    assert_eq!(r["scenario"]["name"], "only");
    assert_eq!(r["scenario"]["seed"], 1);
    assert_eq!(r["scenario"]["duration_s"], 21_600);
    assert_eq!(r["scenario"]["start"], "2026-01-05T00:00:00Z");
    // Nothing runs, nothing is billed, nothing was offered (served fraction 1.0 by definition).
    assert_eq!(r["cost"]["total_usd"].as_f64().unwrap(), 0.0);
    assert_eq!(r["availability"]["served_fraction"].as_f64().unwrap(), 1.0);
    assert!(r["services"].as_object().unwrap().is_empty());
    // The tables hold their headers only; every file is there.
    for f in [
        "timeseries.csv",
        "activities.csv",
        "summary.txt",
        "report.html",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------------------------
// Issue 14 items 8 and 10: every rate and magnitude a user gives has a documented limit
// (src/scenario/limits.rs, docs/scenario-reference.md "Quotas and limits"), refused by
// `validate` with the limit named and what would be valid.

/// `ecsim ARGS` on `scenario` (written as s.json in a fresh folder `case`), within `secs`.
fn on(case: &str, scenario: &Value, args: &[&str], secs: u64) -> std::process::Output {
    let root = out_dir(&format!("limits-{case}"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("s.json"), scenario.to_string()).unwrap();
    let o = common::ecsim_within(&root, args, secs);
    let _ = std::fs::remove_dir_all(&root);
    o
}

/// The problems `ecsim validate` finds in `scenario` (exit 2, no panic), each error line
/// without its `error: s.json:LINE:COLUMN: ` prefix: `PATH: MESSAGE`.
fn refusals(case: &str, scenario: &Value) -> Vec<String> {
    let o = on(case, scenario, &["validate", "s.json"], 60);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(!e.contains("panicked"), "{e}");
    e.lines()
        .filter_map(|l| l.strip_prefix("error: s.json:"))
        .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
        .collect()
}

/// Asserts that `ecsim validate` accepts `scenario`.
fn valid(case: &str, scenario: &Value) {
    ok(&on(case, scenario, &["validate", "s.json"], 60));
}

/// A Fargate batch job stream `name` with `arrivals` and a 5-minute runtime.
fn stream(name: &str, arrivals: Value) -> Value {
    json!({
        "name": name,
        "taskDefinition": {"family": name, "cpu": "256", "memory": "512"},
        "launchType": "FARGATE",
        "arrivals": arrivals,
        "runtime": {"distribution": "fixed", "value": "5m"}
    })
}

/// A scenario of the given batch job streams, `duration` long.
fn jobs(duration: &str, streams: Vec<Value>) -> Value {
    json!({"name": "jobs", "duration": duration, "batchJobs": streams})
}

#[test]
fn a_batch_stream_of_a_trillion_jobs_an_hour_is_refused_at_once() {
    // The issue's 337-byte stream: `"perHour": 1e12` reached 3.7 GB in 8 s (every arrival an
    // event, a 10-second step scheduling 2.8e9 of them). AWS Batch takes at most 50 SubmitJob
    // calls a second: 50 × 3,600 = 180,000 jobs an hour. `run` ends within 30 s (in
    // milliseconds), refused with exit 2, before any output folder exists.
    let s = jobs(
        "6h",
        vec![stream("b", json!({"process": "poisson", "perHour": 1e12}))],
    );
    let root = out_dir("limits-trillion");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("s.json"), s.to_string()).unwrap();
    let o = common::ecsim_within(&root, &["run", "s.json", "--out", "out"], 30);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "batchJobs[0].arrivals.perHour: perHour 1e12 is above the quota of 180000 jobs per \
             hour (AWS Batch: 50 SubmitJob calls per second): expected at most 180000"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!root.join("out").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn batch_job_rates_and_counts_have_quotas() {
    let poisson = |per_hour: f64| json!({"process": "poisson", "perHour": per_hour});
    // 180,000 an hour (50 a second) is the quota itself: valid; one more is not.
    valid(
        "perhour-at",
        &jobs("6h", vec![stream("b", poisson(180_000.0))]),
    );
    assert_eq!(
        refusals(
            "perhour-over",
            &jobs("6h", vec![stream("b", poisson(180_001.0))])
        ),
        [
            "batchJobs[0].arrivals.perHour: perHour 180001 is above the quota of 180000 jobs per \
          hour (AWS Batch: 50 SubmitJob calls per second): expected at most 180000"
        ]
    );
    // A rate shape in jobs per second: a constant 50 is valid, 51 is above; a sum of 30 and
    // 30 peaks at 60, which only the built shape knows.
    let rate = |shape: Value| json!({"process": "poisson", "rate": shape});
    valid(
        "rate-at",
        &jobs(
            "1h",
            vec![stream("b", rate(json!({"pattern": "constant", "rps": 50})))],
        ),
    );
    let thirty = json!({"pattern": "constant", "rps": 30});
    assert_eq!(
        refusals(
            "rate-over",
            &jobs(
                "1h",
                vec![
                    stream("b", rate(json!({"pattern": "constant", "rps": 51}))),
                    stream("c", rate(json!({"pattern": "sum", "of": [thirty, thirty]}))),
                ]
            )
        ),
        [
            "batchJobs[0].arrivals.rate.rps: rps 51 is above the quota of 50 jobs per second \
             (AWS Batch: SubmitJob calls per second): expected at most 50",
            "batchJobs[1].arrivals.rate: the shape peaks at 60 jobs per second (before noise: \
             its parts added, times its largest weekly factor, a trace's largest row × scale), \
             above the quota of 50 jobs per second (AWS Batch: SubmitJob calls per second): \
             expected at most 50",
        ]
    );
    // The quota is the account's: two streams of 100,000 an hour are each within it, together
    // 200,000 / 3,600 = 55.55… a second.
    assert_eq!(
        refusals(
            "rate-together",
            &jobs(
                "1h",
                vec![
                    stream("b", poisson(100_000.0)),
                    stream("c", poisson(100_000.0))
                ]
            )
        ),
        [
            "batchJobs: the batch job streams together submit up to 55.55555555555556 jobs per \
          second: above the quota of 50 jobs per second (AWS Batch: SubmitJob calls per second \
          per account): expected at most 50 in all"
        ]
    );
    // One schedule entry submits at most 10,000 jobs (AWS Batch's largest array job), and a
    // schedule holds at most 10,000 entries.
    let schedule = |entries: Vec<Value>| json!({"process": "schedule", "schedule": entries});
    valid(
        "count-at",
        &jobs(
            "1h",
            vec![stream(
                "b",
                schedule(vec![json!({"at": "1m", "count": 10_000})]),
            )],
        ),
    );
    let many: Vec<Value> = (0..10_001).map(|_| json!({"at": "1m"})).collect();
    assert_eq!(
        refusals(
            "schedule-over",
            &jobs(
                "1h",
                vec![
                    stream("b", schedule(vec![json!({"at": "1m", "count": 10_001})])),
                    stream("c", schedule(many)),
                ]
            )
        ),
        [
            "batchJobs[0].arrivals.schedule[0].count: count 10001 is above the quota of 10000 \
             jobs in one submission (AWS Batch: the largest array job): expected at most 10000",
            "batchJobs[1].arrivals.schedule: 10001 schedule entries: above the limit of 10000 \
             entries per stream",
        ]
    );
    // Over a whole run at most 10,000,000 jobs: 50 a second for 55 h is 50 × 198,000 s =
    // 9,900,000; for 60 h, 50 × 216,000 = 10,800,000.
    valid(
        "run-at",
        &jobs("55h", vec![stream("b", poisson(180_000.0))]),
    );
    assert_eq!(
        refusals(
            "run-over",
            &jobs("60h", vec![stream("b", poisson(180_000.0))])
        ),
        [
            "batchJobs[0].arrivals: about 1.08e7 jobs would be submitted over the run: above the \
          limit of 1e7 jobs per run: expected at most 1e7 (a shorter run or lower rates)"
        ]
    );
    // At most 50 streams (AWS Batch: 50 job queues per Region).
    let streams: Vec<Value> = (0..51)
        .map(|k| stream(&format!("j{k}"), poisson(1.0)))
        .collect();
    assert_eq!(
        refusals("streams-over", &jobs("1h", streams)),
        [
            "batchJobs: 51 batch job streams: above the quota of 50 (AWS Batch: job queues per \
          Region)"
        ]
    );
}

/// A FARGATE_SPOT service `web` of two tasks, with `faults`.
fn with_faults(faults: Value) -> Value {
    json!({
        "name": "faults",
        "duration": "1h",
        "capacityProviders": [{"name": "FARGATE_SPOT"}],
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 2,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
        }],
        "faults": faults
    })
}

#[test]
fn fault_rates_and_lists_have_limits() {
    // 60 an hour (one a minute) is the limit itself; 61 is above it, for interruptions and
    // crashes alike.
    valid(
        "faults-at",
        &with_faults(json!([
            {"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 60},
            {"type": "taskCrashes", "service": "web", "perTaskHour": 60}
        ])),
    );
    let entries: Vec<Value> = (0..1_001)
        .map(|_| json!({"at": "10m", "fraction": 0.5}))
        .collect();
    assert_eq!(
        refusals(
            "faults-over",
            &with_faults(json!([
                {"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT", "perTaskHour": 61},
                {"type": "taskCrashes", "service": "web", "perTaskHour": 61},
                {"type": "spotInterruptions", "capacityProvider": "FARGATE_SPOT", "schedule": entries}
            ]))
        ),
        [
            "faults[0].perTaskHour: perTaskHour 61 is above the limit of 60 per task-hour (one a \
             minute): expected at most 60",
            "faults[1].perTaskHour: perTaskHour 61 is above the limit of 60 per task-hour (one a \
             minute): expected at most 60",
            "faults[2].schedule: 1001 schedule entries: above the limit of 1000 entries per fault",
        ]
    );
    // At most 100 faults (each a zone outage here, all valid alone).
    let outages: Vec<Value> = (0..101)
        .map(|k| json!({"type": "zoneOutage", "name": format!("o{k}"), "zone": "us-east-1a", "at": "10m", "duration": "1m"}))
        .collect();
    assert_eq!(
        refusals("faults-many", &with_faults(Value::Array(outages))),
        ["faults: 101 faults: above the limit of 100 faults per scenario"]
    );
}

/// A Fargate service `web` behind a load balancer: `traffic`, `per_task`, and `auto_scaling`
/// (or none), over one hour.
fn web(traffic: Value, per_task: Value, auto_scaling: Option<Value>) -> Value {
    let mut s = json!({
        "name": "web",
        "duration": "1h",
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 2,
            "launchType": "FARGATE",
            "load": {"traffic": traffic, "perTask": per_task}
        }]
    });
    if let Some(a) = auto_scaling {
        s["services"][0]["autoScaling"] = a;
    }
    s
}

/// A step scaling policy on the service's CPU, its alarm at `threshold`, one step from
/// `lower` adding `adjustment`.
fn step_policy(threshold: f64, lower: f64, adjustment: i64) -> Value {
    json!({
        "PolicyName": "step",
        "PolicyType": "StepScaling",
        "StepScalingPolicyConfiguration": {
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalLowerBound": lower, "ScalingAdjustment": adjustment}]
        },
        "Alarm": {
            "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "ServiceName", "Value": "web"}], "Statistic": "Average",
            "Period": 60, "EvaluationPeriods": 1, "Threshold": threshold,
            "ComparisonOperator": "GreaterThanThreshold"
        }
    })
}

fn target_policy(target: f64) -> Value {
    json!({
        "PolicyName": "cpu",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}
        }
    })
}

#[test]
fn magnitudes_beyond_their_limits_are_refused() {
    // The issue's inputs whose charts spun for minutes: rps 1e40, TargetValue 1e40 and an
    // alarm Threshold of 1e308 — and the other magnitudes a user gives, each just past its
    // limit: rates 1e9 per second, percentages 1e5, metric values ±1e15, MiB 1e8 (numbers
    // of ten million and more are shown in exponent form, smaller whole ones as they are),
    // ScalingAdjustment a 32-bit integer (2,147,483,647).
    let s = web(
        json!({"pattern": "constant", "rps": 1e40}),
        json!({"maxRps": 2e9, "cpuAtMaxRps": 2e5, "memoryBase": 2e8}),
        Some(json!({"MinCapacity": 1, "MaxCapacity": 10, "policies": [
            target_policy(1e40),
            step_policy(1e308, 1e16, 3_000_000_000)
        ]})),
    );
    let step = "services[0].autoScaling.policies[1].StepScalingPolicyConfiguration.\
                StepAdjustments[0]";
    assert_eq!(
        refusals("magnitudes", &s),
        [
            "services[0].load.traffic.rps: rps 1e40 is above the limit of 1e9 requests per \
             second: expected at most 1e9"
                .to_string(),
            "services[0].load.perTask.maxRps: maxRps 2e9 is above the limit of 1e9 requests \
             per second: expected at most 1e9"
                .to_string(),
            "services[0].load.perTask.cpuAtMaxRps: cpuAtMaxRps 200000 is above the limit of \
             100000 %: expected at most 100000"
                .to_string(),
            "services[0].load.perTask.memoryBase: memoryBase 2e8 is above the limit of 1e8 MiB: \
             expected at most 1e8"
                .to_string(),
            "services[0].autoScaling.policies[0].TargetTrackingScalingPolicyConfiguration.\
             TargetValue: TargetValue 1e40 is above the limit of 1e15 for a metric value: \
             expected at most 1e15"
                .to_string(),
            format!(
                "{step}.MetricIntervalLowerBound: MetricIntervalLowerBound 1e16 is beyond the \
                 limit of ±1e15 for a metric value: expected -1e15 to 1e15"
            ),
            format!(
                "{step}.ScalingAdjustment: ScalingAdjustment 3000000000 is out of range: \
                 Application Auto Scaling takes a 32-bit integer, -2147483647 to 2147483647"
            ),
            "services[0].autoScaling.policies[1].Alarm.Threshold: Threshold 1e308 is beyond the \
             limit of ±1e15 for a metric value: expected -1e15 to 1e15"
                .to_string(),
        ]
    );
    // What only the built shape shows: 6e8 + 6e8 = 1.2e9 requests per second from a sum;
    // 1e8 × a weekly factor of 20 = 2e9; a factor itself above 1e6.
    let c = |rps: f64| json!({"pattern": "constant", "rps": rps});
    let s = web(
        json!({"pattern": "sum", "of": [c(6e8), c(6e8)]}),
        json!({"maxRps": 100}),
        None,
    );
    assert_eq!(
        refusals("sum-peak", &s),
        [
            "services[0].load.traffic: the shape peaks at 1.2e9 requests per second (before noise: \
          its parts added, times its largest weekly factor, a trace's largest row × scale), \
          above the limit of 1e9 requests per second: expected at most 1e9"
        ]
    );
    let s = web(
        json!({"pattern": "constant", "rps": 1e8, "weekly": [1, 1, 1, 1, 1, 20, 2e6]}),
        json!({"maxRps": 100}),
        None,
    );
    assert_eq!(
        refusals("weekly", &s),
        [
            "services[0].load.traffic.weekly[6]: weekly factor 2000000 is above the limit of \
          1000000 for a factor: expected at most 1000000"
        ]
    );
}

#[test]
fn other_counts_and_model_rates_have_limits() {
    // A service's deployments: at most 1,000.
    let mut s = web(
        json!({"pattern": "constant", "rps": 10}),
        json!({"maxRps": 100}),
        None,
    );
    s["services"][0]["deployments"] =
        Value::Array((0..1_001).map(|_| json!({"at": "30m"})).collect());
    // Custom metrics: at most 1,000, each of at most 30 dimensions (CloudWatch); a value
    // above 1e15.
    let metrics: Vec<Value> = (0..1_001)
        .map(|k| json!({"Namespace": "App", "MetricName": format!("m{k}"), "Value": {"pattern": "constant", "rps": 1}}))
        .collect();
    s["customMetrics"] = Value::Array(metrics);
    s["customMetrics"][0]["Dimensions"] = Value::Array(
        (0..31)
            .map(|k| json!({"Name": format!("d{k}"), "Value": "v"}))
            .collect(),
    );
    s["customMetrics"][1]["Value"] = json!({"pattern": "constant", "rps": 2e15});
    // The Fargate launch rate: at most 10,000 a second (AWS's is 20).
    s["model"] = json!({"fargateLaunchPerSecond": 10_001});
    // Prices: at most 1e6 USD a unit-hour; the Spot walk at most once a minute.
    s["pricing"] = json!({
        "fargate": {"linuxX86": {"vcpuHour": 2e6}},
        "ec2Spot": {"driftEvery": "30s"}
    });
    assert_eq!(
        refusals("counts", &s),
        [
            "model.fargateLaunchPerSecond: fargateLaunchPerSecond 10001 is above the limit of \
             10000 launches per second: expected at most 10000",
            "customMetrics: 1001 custom metrics: above the limit of 1000 per scenario",
            "customMetrics[0].Dimensions: 31 dimensions: a CloudWatch metric has at most 30",
            "customMetrics[1].Value.rps: rps 2e15 is above the limit of 1e15 for a metric value: \
             expected at most 1e15",
            "services[0].deployments: 1001 deployments: above the limit of 1000 per service",
            "pricing.fargate.linuxX86.vcpuHour: price 2000000 is above the limit of 1000000 USD \
             per unit-hour: expected at most 1000000",
            "pricing.ec2Spot.driftEvery: driftEvery 30s is below the limit of 60 s: expected 0s \
             (no walk) or at least 1m",
        ]
    );
    // `0s` turns the walk off and `1m` is the shortest step: both valid.
    for every in ["0s", "1m"] {
        let mut s = web(
            json!({"pattern": "constant", "rps": 10}),
            json!({"maxRps": 100}),
            None,
        );
        s["pricing"] = json!({"ec2Spot": {"driftEvery": every}});
        valid(&format!("drift-{every}"), &s);
    }
}

#[test]
fn a_run_at_every_magnitude_limit_completes_with_its_charts() {
    // Values at their limits are valid and run: 1e9 requests per second served by tasks of
    // 1e9 each, an alarm threshold of -1e15 and a target of 1e15, a custom metric of 1e15 —
    // and the charts draw (the run ends within 120 s; it takes about a second).
    let mut s = web(
        json!({"pattern": "constant", "rps": 1e9}),
        json!({"maxRps": 1e9, "cpuAtMaxRps": 1e5}),
        Some(json!({"MinCapacity": 1, "MaxCapacity": 10, "policies": [
            target_policy(1e15),
            step_policy(-1e15, 1e15, 2_147_483_647)
        ]})),
    );
    s["customMetrics"] = json!([{"Namespace": "App", "MetricName": "big",
        "Value": {"pattern": "constant", "rps": 1e15}}]);
    let root = out_dir("limits-at-limits");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("s.json"), s.to_string()).unwrap();
    let o = common::ecsim_within(&root, &["run", "s.json", "-q", "--out", "out"], 120);
    ok(&o);
    for chart in ["load-web", "tasks-web", "metric-web-cpu", "metric-web-step"] {
        let svg = std::fs::read_to_string(root.join("out").join(format!("{chart}.svg")))
            .unwrap_or_else(|e| panic!("{chart}.svg: {e}"));
        assert!(svg.trim_end().ends_with("</svg>"), "{chart}");
    }
    let _ = std::fs::remove_dir_all(&root);
}
