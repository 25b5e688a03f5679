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
