//! The `ecsim` binary end to end: the quick start, determinism, `--set`, `--json`,
//! `--explain-placement`, and the binpack-versus-spread lesson.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("ecsim runs")
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ecsim-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn report(dir: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json written");
    serde_json::from_str(&text).expect("report.json is JSON")
}

#[test]
fn quickstart_runs_and_writes_report_and_summary() {
    let d = out_dir("quickstart");
    let o = ecsim(&["run", "--out", d.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(&d);
    assert_eq!(r["schema"], "ecsim.report/1");
    assert_eq!(r["scenario"]["name"], "quickstart");
    // web: FARGATE base 2 weight 1 + FARGATE_SPOT weight 3, 10 tasks → 4 / 6.
    assert_eq!(
        r["services"]["web"]["tasks_final_by_capacity_provider"]["FARGATE"],
        4
    );
    assert_eq!(
        r["services"]["web"]["tasks_final_by_capacity_provider"]["FARGATE_SPOT"],
        6
    );
    // The general group holds 6 instances for 4 h: 24 instance-hours.
    assert_eq!(
        r["capacity"]["by_capacity_provider"]["general"]["instance_hours"],
        24.0
    );
    let summary = std::fs::read_to_string(d.join("summary.txt")).unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).starts_with(&summary));
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.contains(".tmp-") || n.contains(".partial-")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn every_bundled_scenario_runs_and_writes_every_file() {
    let list = ecsim(&["list"]);
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    // Fifteen bundled scenarios today (src/bundled.rs).
    assert_eq!(names.len(), 15, "{names:?}");
    for name in &names {
        let d = out_dir(&format!("bundled-{name}"));
        let o = ecsim(&["run", name, "-q", "--out", d.to_str().unwrap()]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let mut files: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        files.sort();
        // Charts come in pairs (tests/charts.rs checks which); every service has a tasks chart.
        let charts = |ext: &str| -> Vec<String> {
            files
                .iter()
                .filter_map(|f| f.strip_suffix(ext).map(str::to_string))
                .collect()
        };
        assert_eq!(charts(".png"), charts(".svg"), "{name}");
        assert!(
            charts(".png").iter().any(|c| c.starts_with("tasks-")),
            "{name}"
        );
        files.retain(|f| !f.ends_with(".png") && !f.ends_with(".svg"));
        assert_eq!(
            files,
            [
                "activities.csv",
                "capacity.csv",
                "metrics.csv",
                "report.html",
                "report.json",
                "summary.txt",
                "timeseries.csv"
            ],
            "{name}"
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn the_step_reaction_lesson_shows_the_six_minute_reaction_and_the_slow_scale_in() {
    let d = out_dir("step-reaction");
    let o = ecsim(&[
        "run",
        "scaling-step-reaction",
        "-q",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let log = std::fs::read_to_string(d.join("activities.csv")).unwrap();
    let rows: Vec<Vec<&str>> = log
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // Load steps from 100 to 375 rps at 3600 s (4 tasks: CPU 5 + 80 × 25/100 = 25 % → 5 + 80 ×
    // 93.75/100 = 80 %). Minutes 60, 61, 62 are above 50; the third is published at
    // 63 × 60 + 183 = 3963 s: running 4 → ceil(4 × 80 / 50) = 7, 363 s after the step.
    // Columns: time_s, kind, service, capacity_provider (empty for a service), from, to, cause.
    assert_eq!(&rows[0][..6], ["3963", "scale-out", "web", "", "4", "7"]);
    // The load falls back at 9000 s (minute 150). Fifteen low minutes 150–164: the 15th is
    // published at 165 × 60 + 183 = 10083 s, 1083 s (over 15 minutes) after the fall.
    let first_in_after_fall = rows
        .iter()
        .find(|r| r[1] == "scale-in" && r[0].parse::<f64>().unwrap() > 9000.0)
        .expect("a scale-in after the load falls");
    assert_eq!(first_in_after_fall[0], "10083");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn two_runs_are_byte_identical() {
    let a = out_dir("det-a");
    let b = out_dir("det-b");
    for d in [&a, &b] {
        let o = ecsim(&["run", "-q", "--out", d.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0));
    }
    for f in [
        "report.json",
        "summary.txt",
        "timeseries.csv",
        "metrics.csv",
        "activities.csv",
        "capacity.csv",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two runs"
        );
    }
}

#[test]
fn binpack_leaves_fewer_instances_in_use_than_spread() {
    let d = out_dir("bvs");
    let o = ecsim(&[
        "run",
        "binpack-vs-spread",
        "-q",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let r = report(&d);
    let cp = &r["capacity"]["by_capacity_provider"];
    // 20 tasks of 512 units / 1 GiB on m5.large (2,048 units): CPU binds at 4 per instance, so
    // binpack fills ⌈20 / 4⌉ = 5 instances; spread by instance puts 2 on each of the 10.
    assert_eq!(cp["binpack-pool"]["instances_in_use_final"], 5);
    assert_eq!(cp["spread-pool"]["instances_in_use_final"], 10);
    let summary = std::fs::read_to_string(d.join("summary.txt")).unwrap();
    assert!(summary.contains("binpack-pool"));
}

#[test]
fn set_seed_and_duration_override_the_file() {
    let d = out_dir("set");
    let o = ecsim(&[
        "run",
        "-q",
        "--set",
        "services.web.desiredCount=3",
        "--set",
        r#"services.worker.placementStrategy=[{"type":"spread","field":"instanceId"}]"#,
        "--seed",
        "9",
        "--duration",
        "30m",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(&d);
    assert_eq!(r["services"]["web"]["desired_final"], 3);
    assert_eq!(r["scenario"]["seed"], 9);
    assert_eq!(r["scenario"]["duration_s"], 1800);
    // web with 3 tasks: base 2 on FARGATE, then FARGATE_SPOT (weight 3 vs 1) → 2 / 1.
    assert_eq!(
        r["services"]["web"]["tasks_final_by_capacity_provider"]["FARGATE"],
        2
    );
    assert_eq!(
        r["services"]["web"]["tasks_final_by_capacity_provider"]["FARGATE_SPOT"],
        1
    );
}

#[test]
fn json_prints_the_report() {
    let d = out_dir("json");
    let o = ecsim(&["run", "--json", "--out", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(printed, report(&d));
}

#[test]
fn explain_placement_records_every_decision() {
    let d = out_dir("explain");
    let o = ecsim(&[
        "run",
        "binpack-vs-spread",
        "-q",
        "--explain-placement",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(d.join("placements.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let list = v.as_array().unwrap();
    // 20 + 20 tasks, each placed at the first attempt: 40 decisions.
    assert_eq!(list.len(), 40);
    // The 5th binpack task: i-00000 holds 4 × 512 = 2,048 units, so it is rejected for CPU.
    let fifth = list
        .iter()
        .filter(|e| e["service"] == "packed")
        .nth(4)
        .unwrap();
    let rejected = fifth["rejected"].as_array().unwrap();
    assert_eq!(rejected[0][0], "i-00000");
    assert_eq!(rejected[0][1], "insufficient CPU: needs 512 units, 0 free");
    assert_eq!(fifth["chosen"], "i-00001");
}

#[test]
fn list_names_the_bundled_scenarios() {
    let o = ecsim(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("quickstart") && s.contains("binpack-vs-spread"));
}

#[test]
fn bad_flags_exit_2_and_help_exits_0() {
    assert_eq!(ecsim(&["run", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(ecsim(&["--help"]).status.code(), Some(0));
    let o = ecsim(&["run", "no-such-scenario"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bundled: quickstart, binpack-vs-spread"));
}

#[test]
fn a_run_removes_partial_tables_a_killed_run_left_behind() {
    // A run killed part-way leaves its hidden partial tables (named with its process id); the
    // next run into the same folder removes them, whatever process wrote them.
    let d = out_dir("stale-partials");
    std::fs::create_dir_all(&d).unwrap();
    let stale = d.join(".metrics.csv.partial-999999");
    std::fs::write(&stale, "time_s,half a row").unwrap();
    let o = ecsim(&["run", "-q", "--out", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stale.exists());
    let _ = std::fs::remove_dir_all(&d);
}
