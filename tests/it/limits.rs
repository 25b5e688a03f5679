//! Limits (issue 8, item 6; issue 14, items 5, 6, 8, 10, 11, 12): a year-long run and the ten-year
//! ceiling, the ECS quota of services per cluster, empty scenarios, seed ranges and grid sizes,
//! numbers read back from a sweep's folder, and `--jobs` — each runs, or is refused with exit 2
//! and a message saying what would be valid.

use crate::support::{ecsim, ok, out_dir, report_json, stderr};
use serde_json::{Value, json};
use std::path::Path;

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
    let r = report_json(&out);
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
    // The account's Fargate On-Demand vCPU quota raised to 2,000: 5,000 × 0.25 = 1,250 vCPUs.
    json!({"name": "many", "duration": "10m", "services": list,
        "serviceQuotas": {"Quotas": [{"QuotaCode": "L-3032A538", "Value": 2000}]}})
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
    let r = report_json(&out);
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
    let r = report_json(&out);
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
    let o = crate::support::ecsim_within(&root, args, secs);
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
    let o = crate::support::ecsim_within(&root, &["run", "s.json", "--out", "out"], 30);
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
    let o = crate::support::ecsim_within(&root, &["run", "s.json", "-q", "--out", "out"], 120);
    ok(&o);
    for chart in ["load-web", "tasks-web", "metric-web-cpu", "metric-web-step"] {
        let svg = std::fs::read_to_string(root.join("out").join(format!("{chart}.svg")))
            .unwrap_or_else(|e| panic!("{chart}.svg: {e}"));
        assert!(svg.trim_end().ends_with("</svg>"), "{chart}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// One Fargate task of `web` for 10 minutes, seed 1 (the default): the smallest scenario that
/// runs, written into `dir`.
fn tiny(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join("tiny.json");
    let scenario = json!({
        "name": "tiny",
        "duration": "10m",
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 1,
            "launchType": "FARGATE"
        }]
    });
    std::fs::write(&file, scenario.to_string()).unwrap();
    file.to_str().unwrap().to_string()
}

const MAX: &str = "18446744073709551615"; // u64::MAX, the largest seed

#[test]
fn seed_ranges_past_the_largest_seed_are_refused_and_huge_grids_run_by_index() {
    let root = out_dir("limits-seeds");
    let file = tiny(&root);
    let out = root.join("out");
    let o_ = out.to_str().unwrap();
    let vary = "services.web.desiredCount=1,2";
    // From u64::MAX, 2 seeds would be u64::MAX and u64::MAX + 1: one fits. (A sweep ran one
    // seed and said nothing; a compare wrapped the second to seed 0.)
    for cmd in ["sweep", "compare"] {
        let o = ecsim(&[
            cmd, &file, "--vary", vary, "--seed", MAX, "--seeds", "2", "--out", o_,
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "error: --seeds: 2 seeds from {MAX} would run past {MAX}, the largest seed: \
                 from seed {MAX} give at most 1 seeds"
            )),
            "{cmd}: {}",
            stderr(&o)
        );
        assert!(!out.exists(), "{cmd} wrote before refusing");
    }
    // From seed 2, u64::MAX seeds end at 2 + u64::MAX − 1, past the largest by 1: at most
    // u64::MAX − 2 + 1 = 18446744073709551614.
    let o = ecsim(&["sweep", &file, "--seed", "2", "--seeds", MAX, "--out", o_]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("give at most 18446744073709551614 seeds"),
        "{}",
        stderr(&o)
    );
    // A compare keeps every run's figures: 2 variants × 10^9 seeds = 2 × 10^9 runs is above
    // its limit of 100,000 (it allocated 16 GB up front).
    let o = ecsim(&[
        "compare",
        &file,
        "--vary",
        vary,
        "--seeds",
        "1000000000",
        "--out",
        o_,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "--seeds: 2 variants × 1000000000 seeds = 2000000000 runs: above the limit of \
             100000 runs a compare keeps"
        ),
        "{}",
        stderr(&o)
    );
    // u64::MAX seeds from the scenario's seed 1 end at exactly u64::MAX: a valid grid of
    // u64::MAX points (it panicked "capacity overflow" making a list of them). Shard 0 of
    // u64::MAX holds point 0 alone — seed 1 — and runs it.
    ok(&ecsim(&[
        "sweep",
        &file,
        "--seeds",
        MAX,
        "--shard",
        &format!("0/{MAX}"),
        "-q",
        "--out",
        o_,
    ]));
    let sorted = std::fs::read_to_string(out.join("results-sorted.csv")).unwrap();
    let rows: Vec<&str> = sorted.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{sorted}");
    assert!(
        rows[0].starts_with("0,1,"),
        "variant 0, seed 1: {}",
        rows[0]
    );
    let grid: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("grid.json")).unwrap()).unwrap();
    assert_eq!(grid["seeds"], json!(u64::MAX));
    assert_eq!(grid["points"], 1);
    let _ = std::fs::remove_dir_all(&root);
}

/// An edit of a JSON file read back (grid.json, report.json).
type Edit = Box<dyn Fn(&mut Value)>;

/// Rewrites `dir/grid.json` with `edit` applied to it.
fn edit_grid(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let path = dir.join("grid.json");
    let mut g: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut g);
    std::fs::write(&path, serde_json::to_string_pretty(&g).unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn numbers_read_back_from_a_sweep_folder_are_checked_like_input() {
    let root = out_dir("limits-readback");
    let file = tiny(&root);
    // Shard 0 of 2 of seeds 1, 2: point 0 alone (seed 1); grid.json says seeds 2, points 1.
    let shard = root.join("shard");
    ok(&ecsim(&[
        "sweep",
        &file,
        "--seeds",
        "2",
        "--shard",
        "0/2",
        "-q",
        "--out",
        shard.to_str().unwrap(),
    ]));
    let merged = root.join("merged");
    let merge = |dir: &Path| {
        ecsim(&[
            "merge",
            dir.to_str().unwrap(),
            "-q",
            "--out",
            merged.to_str().unwrap(),
        ])
    };
    let grid_json = |dir: &Path| dir.join("grid.json").display().to_string();

    // A trillion seeds, the point count its shard 0 of 2 would hold (10^12 / 2): a valid
    // grid, merged without a list of its points (it aborted allocating 16 TB). Of 10^12
    // points one is present (seed 1): 10^12 − 1 = 999999999999 missing, the first seeds 2, 3.
    let big = root.join("big");
    copy_dir(&shard, &big);
    edit_grid(&big, |g| {
        g["seeds"] = json!(1_000_000_000_000u64);
        g["points"] = json!(500_000_000_000u64);
    });
    let o = merge(&big);
    ok(&o);
    assert!(
        stderr(&o).contains(
            "warning: 999999999999 of 1000000000000 points are missing (not in any folder): \
             variant 0 seed 2, variant 0 seed 3,"
        ),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&merged);

    // Each damaged number refused (exit 2), naming the file and the field.
    let cases: [(&str, Edit, &str); 4] = [
        (
            // From seed 2, u64::MAX seeds run past the largest seed.
            "seeds",
            Box::new(|g| {
                g["seed"] = json!(2);
                g["seeds"] = json!(u64::MAX);
            }),
            "seeds: 18446744073709551615 seeds from 2 would run past",
        ),
        (
            "shard",
            Box::new(|g| g["shard"] = json!({"index": 3, "count": 2})),
            "shard: index 3 of count 2: expected 0 ≤ index < count",
        ),
        (
            // Shard 0 of 2 of 2 seeds holds 1 point, not 7.
            "points",
            Box::new(|g| g["points"] = json!(7)),
            "points: 7, but its grid's shard holds 1 points",
        ),
        (
            // 1e12 is a JSON float, not a count.
            "float",
            Box::new(|g| g["seeds"] = json!(1e12)),
            "seeds: not a sweep's grid.json: invalid type: floating point",
        ),
    ];
    for (name, edit, want) in cases {
        let dir = root.join(format!("bad-{name}"));
        copy_dir(&shard, &dir);
        edit_grid(&dir, edit);
        let o = merge(&dir);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains(&grid_json(&dir)) && e.contains(want),
            "{name}: {e}"
        );
        assert!(!merged.exists(), "{name}: merged into --out anyway");
    }
    // `--resume` reads grid.json the same way: the damaged seed range is refused before the
    // grids are compared.
    let dir = root.join("resume");
    copy_dir(&shard, &dir);
    edit_grid(&dir, |g| {
        g["seed"] = json!(2);
        g["seeds"] = json!(u64::MAX);
    });
    let o = ecsim(&[
        "sweep",
        &file,
        "--seeds",
        "2",
        "--shard",
        "0/2",
        "--resume",
        "-q",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{}: seeds: ", grid_json(&dir))),
        "{}",
        stderr(&o)
    );

    // A results.csv row whose metric is not finite, with a check that matches (so only the
    // value itself is wrong): skipped with the reason, not summarised as NaN.
    let dir = root.join("nan");
    copy_dir(&shard, &dir);
    let log = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let (head, row) = log.split_once('\n').unwrap();
    let body: Vec<&str> = row
        .trim_end()
        .rsplit_once(',')
        .unwrap()
        .0
        .split(',')
        .collect();
    // variant, seed, then cost_usd: replaced by NaN.
    let mut cols: Vec<String> = body.iter().map(|s| s.to_string()).collect();
    cols[2] = "NaN".into();
    let body = cols.join(",");
    let check = ecsim::sweep::results::fnv1a64(body.as_bytes());
    std::fs::write(
        dir.join("results.csv"),
        format!("{head}\n{body},{check:016x}\n"),
    )
    .unwrap();
    let o = merge(&dir);
    ok(&o);
    assert!(
        stderr(&o).contains("line 2: skipped, cost_usd `NaN` is not a finite number"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn jobs_are_capped_at_the_runs_and_zero_is_refused() {
    let root = out_dir("limits-jobs");
    let file = tiny(&root);
    let vary = "services.web.desiredCount=1,2";
    // 10,000 threads asked for 2 runs: 2 are started, so the runs take as long as with
    // --jobs 1 (10,000 threads took over a minute to start and stop) and give the same table.
    let started = std::time::Instant::now();
    let many = root.join("many");
    ok(&ecsim(&[
        "compare",
        &file,
        "--vary",
        vary,
        "--jobs",
        "10000",
        "--no-charts",
        "-q",
        "--out",
        many.to_str().unwrap(),
    ]));
    let sweep_many = root.join("sweep-many");
    ok(&ecsim(&[
        "sweep",
        &file,
        "--vary",
        vary,
        "--seeds",
        "1",
        "--jobs",
        "10000",
        "-q",
        "--out",
        sweep_many.to_str().unwrap(),
    ]));
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "{took:?}");
    let one = root.join("one");
    ok(&ecsim(&[
        "compare",
        &file,
        "--vary",
        vary,
        "--jobs",
        "1",
        "--no-charts",
        "-q",
        "--out",
        one.to_str().unwrap(),
    ]));
    let read = |d: &Path| std::fs::read(d.join("comparison.json")).unwrap();
    assert_eq!(read(&many), read(&one));
    // 0 threads is refused by both, before anything runs.
    for cmd in ["compare", "sweep"] {
        let out = root.join(format!("zero-{cmd}"));
        let o = ecsim(&[
            cmd,
            &file,
            "--vary",
            vary,
            "--seeds",
            "1",
            "--jobs",
            "0",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("error: --jobs: 0 threads: give at least 1"),
            "{cmd}: {}",
            stderr(&o)
        );
        assert!(!out.exists(), "{cmd}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn durations_above_ten_years_are_refused_naming_the_limit() {
    let root = out_dir("limits-duration");
    std::fs::create_dir_all(&root).unwrap();
    // The limit itself, 3,650 days, is valid (a year of one service runs: the first test).
    let at = root.join("at.json");
    std::fs::write(&at, r#"{"name": "x", "duration": "3650d"}"#).unwrap();
    let o = ecsim(&["validate", at.to_str().unwrap()]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("3650d)"));
    // 1e12 s (it ran for minutes with no sign of life): 10^12 / 86,400 = 11,574,074 days and
    // 10^12 − 11,574,074 × 86,400 = 6,400 s = 1h46m40s. Refused by validate and by run alike,
    // with the limit named, nothing written.
    let far = root.join("far.json");
    std::fs::write(&far, r#"{"name":"x","duration":1e12}"#).unwrap();
    let want = "far.json:1:24: duration: 11574074d1h46m40s is above the limit of 3650d (ten \
                years) a run may last: expected at most \"3650d\"";
    let out = root.join("out");
    for args in [
        vec!["validate", far.to_str().unwrap()],
        vec!["run", far.to_str().unwrap(), "--out", out.to_str().unwrap()],
    ] {
        let o = ecsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    assert!(!out.exists());
    // One day past the limit by --duration: the option named.
    let o = ecsim(&[
        "run",
        at.to_str().unwrap(),
        "--duration",
        "3651d",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: --duration: duration: 3651d is above the limit of 3650d"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn numbers_explain_reads_back_are_checked_like_input() {
    let root = out_dir("limits-explain");
    let run = root.join("run");
    // scaling-step-reaction: 4 h = 14,400 s, with scale-outs (activities) and metrics.csv.
    ok(&ecsim(&[
        "run",
        "scaling-step-reaction",
        "--no-charts",
        "-q",
        "--out",
        run.to_str().unwrap(),
    ]));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("report.json")).unwrap()).unwrap();
    let explain = |dir: &Path| ecsim(&["explain", dir.to_str().unwrap()]);
    ok(&explain(&run));
    // (edit of report.json, what the message says): a time past the run (its wall-clock time
    // overflowed: a panic in a debug build, a wrong date in a release one), and a length past
    // the ten-year limit, 3,650 × 86,400 = 315,360,000 s.
    let cases: [(&str, Edit, &str); 2] = [
        (
            "time",
            Box::new(|r| r["activities"][0]["time_s"] = json!(1e300)),
            "report.json: activities[0].time_s: 1e300: expected a time within the run, 0 … \
             14400 s",
        ),
        (
            "length",
            Box::new(|r| r["scenario"]["duration_s"] = json!(1e300)),
            "report.json: scenario.duration_s: 1e300: expected a run's length in seconds, 0 … \
             315360000 (the limit of 3650d)",
        ),
    ];
    for (name, edit, want) in cases {
        let dir = root.join(name);
        copy_dir(&run, &dir);
        let mut r = report.clone();
        edit(&mut r);
        std::fs::write(dir.join("report.json"), r.to_string()).unwrap();
        let o = explain(&dir);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{name}: {}", stderr(&o));
    }
    // A metrics.csv row before the start: row 1 (the first after the header) at −5 s.
    let dir = root.join("metrics");
    copy_dir(&run, &dir);
    let m = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let (head, rest) = m.split_once('\n').unwrap();
    let (first, others) = rest.split_once('\n').unwrap();
    let (_, tail) = first.split_once(',').unwrap();
    std::fs::write(
        dir.join("metrics.csv"),
        format!("{head}\n-5,{tail}\n{others}"),
    )
    .unwrap();
    let o = explain(&dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("metrics.csv: row 1: time_s: -5: expected a time within the run"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&root);
}
