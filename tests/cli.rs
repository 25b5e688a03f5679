//! The `ecsim` binary end to end: the quick start, determinism, `--set`, `--json`,
//! `--explain-placement`, and the binpack-versus-spread lesson.

mod common;
use common::{ecsim, out_dir};

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
    // The quick start shows scaling (web scales out and in on CPU, api on requests, the group
    // follows), Spot interruptions, and the cost with a Spot saving.
    let kinds: Vec<&str> = r["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    for k in [
        "scale-out",
        "scale-in",
        "cluster-scale-out",
        "spot-interruption",
    ] {
        assert!(kinds.contains(&k), "no {k} in {kinds:?}");
    }
    let cost = &r["cost"];
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    let by_cp: f64 = cost["by_capacity_provider"]
        .as_object()
        .unwrap()
        .values()
        .map(f)
        .sum();
    let by_service: f64 = cost["by_service"]
        .as_object()
        .unwrap()
        .values()
        .map(f)
        .sum();
    // Every dollar is billed to a provider, and to a service or to idle EC2 capacity (each
    // figure rounded to 6 decimals: a few 1e-6 of slack).
    assert!((by_cp - f(&cost["total_usd"])).abs() < 1e-5);
    assert!((by_service + f(&cost["idle_usd"]) - f(&cost["total_usd"])).abs() < 1e-5);
    // FARGATE_SPOT is billed at the default price factor 0.01334053 / 0.04048 of on demand.
    let spot = f(&cost["by_capacity_provider"]["FARGATE_SPOT"]);
    let spot_od = f(&cost["on_demand_equivalent_by_capacity_provider"]["FARGATE_SPOT"]);
    assert!(
        (spot - spot_od * 0.01334053 / 0.04048).abs() < 1e-5,
        "{spot} {spot_od}"
    );
    assert!(f(&cost["saving_usd"]) > 0.0);
    // The group's m5.large instances cost at least their registered hours × 0.096 (billing
    // starts at the launch, before registration).
    let general = f(&cost["by_capacity_provider"]["general"]);
    let hours = f(&r["capacity"]["by_capacity_provider"]["general"]["instance_hours"]);
    assert!(general >= hours * 0.096 - 1e-6, "{general} vs {hours} h");
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
    // Seventeen bundled scenarios today (src/bundled.rs).
    assert_eq!(names.len(), 17, "{names:?}");
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
        // Charts come in pairs (tests/charts.rs checks which); every service has a tasks chart
        // (batch-savings has job streams only).
        let has_services = report(&d)["services"]
            .as_object()
            .is_some_and(|s| !s.is_empty());
        let charts = |ext: &str| -> Vec<String> {
            files
                .iter()
                .filter_map(|f| f.strip_suffix(ext).map(str::to_string))
                .collect()
        };
        assert_eq!(charts(".png"), charts(".svg"), "{name}");
        assert!(
            !has_services || charts(".png").iter().any(|c| c.starts_with("tasks-")),
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

#[test]
fn the_fargate_spot_lesson_states_its_saving_against_on_demand() {
    let d = out_dir("fargate-spot-mix");
    let o = ecsim(&["run", "fargate-spot-mix", "--out", d.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = report(&d);
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    // Only FARGATE and FARGATE_SPOT: the saving is the Spot share at 67.044 % off, so
    // saving = FARGATE_SPOT's on-demand equivalent × (1 − 0.01334053 / 0.04048).
    let spot_od = f(&r["cost"]["on_demand_equivalent_by_capacity_provider"]["FARGATE_SPOT"]);
    let saving = f(&r["cost"]["saving_usd"]);
    assert!(
        (saving - spot_od * (1.0 - 0.01334053 / 0.04048)).abs() < 1e-5,
        "{saving}"
    );
    let summary = std::fs::read_to_string(d.join("summary.txt")).unwrap();
    let line = summary
        .lines()
        .find(|l| l.contains("Spot saving:"))
        .unwrap_or_else(|| panic!("no saving line in\n{summary}"));
    // The line states the saving in dollars and percent, the on-demand figure, and what the
    // interruptions cost in availability.
    let pct = format!("({:.1} %)", f(&r["cost"]["saving_fraction"]) * 100.0);
    assert!(line.contains(&pct), "{line}");
    assert!(line.contains("against $"), "{line}");
    assert!(line.contains("FARGATE_SPOT task"), "{line}");
    assert!(line.contains("served fraction"), "{line}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn pricing_prints_the_table_with_sources_and_a_scenarios_overrides() {
    let o = ecsim(&["pricing"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("EC2 m5.large on demand"))
        .expect("m5.large line");
    assert!(line.contains(" 0.096 "), "{line}");
    assert!(
        text.contains("Sources\n  [1] aws.amazon.com/fargate/pricing"),
        "{text}"
    );
    // A scenario's override shows with its source.
    let dir = out_dir("pricing");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.json");
    std::fs::write(
        &file,
        r#"{"name": "p", "pricing": {"ec2": {"m5.large": 0.1}, "fargateSpot": {"discount": 0.5}}}"#,
    )
    .unwrap();
    let o = ecsim(&["pricing", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let entry = |item: &str| {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["item"] == item)
            .unwrap_or_else(|| panic!("{item}"))
            .clone()
    };
    assert_eq!(entry("EC2 m5.large on demand")["value"], 0.1);
    assert_eq!(
        entry("EC2 m5.large on demand")["source"],
        "scenario pricing"
    );
    assert_eq!(entry("FARGATE_SPOT discount")["value"], 0.5);
    assert_eq!(entry("EC2 m5.xlarge on demand")["value"], 0.192);
    // A bad scenario is refused as for run.
    std::fs::write(
        &file,
        r#"{"name": "p", "pricing": {"ec2": {"m9.large": 1}}}"#,
    )
    .unwrap();
    let o = ecsim(&["pricing", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_product_sketch_validates_and_runs_unchanged() {
    // tests/data/product-sketch.json is the sketch of shared/product.md, copied unchanged.
    let o = ecsim(&["validate", "tests/data/product-sketch.json"]);
    common::ok(&o);
    let d = out_dir("product-sketch");
    let o = ecsim(&[
        "run",
        "tests/data/product-sketch.json",
        "--no-charts",
        "-q",
        "--out",
        d.to_str().unwrap(),
    ]);
    common::ok(&o);
    let r = report(&d);
    assert_eq!(r["scenario"]["name"], "web-fargate-spot");
    // Its zone outage is at "30h" = 108,000 s and lasts "45m": recovered at 110,700 s.
    let at = |kind: &str| -> Vec<f64> {
        r["activities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["kind"] == kind)
            .map(|a| a["time_s"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(at("zone-outage"), vec![108_000.0]);
    assert_eq!(at("zone-recovered"), vec![110_700.0]);
}

/// Runs `ecsim args` in the repository root with `closed` (stdout or stderr) writing into a
/// pipe whose reading end is already closed — as `| head -1` is once head has exited, but
/// deterministic: no write of the child can reach a reader. The other stream is captured.
#[cfg(unix)]
fn with_closed(closed: &str, args: &[&str]) -> std::process::Output {
    use std::process::{Command, Stdio};
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecsim"));
    c.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    match closed {
        "stdout" => c.stdout(writer).stderr(Stdio::piped()),
        _ => c.stderr(writer).stdout(Stdio::piped()),
    };
    c.spawn()
        .expect("ecsim starts")
        .wait_with_output()
        .expect("ecsim ends")
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_or_stderr_ends_every_command_by_sigpipe_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let d = out_dir("closed-pipes");
    std::fs::create_dir_all(&d).unwrap();
    let bad = d.join("bad.json");
    // `{}` lacks the required `name`: validate reports it on stderr.
    std::fs::write(&bad, "{}").unwrap();
    let run_dir = d.join("run");
    let sweep_dir = d.join("sweep");
    let compare_dir = d.join("compare");
    let (bad, run_dir, sweep_dir, compare_dir) = (
        bad.to_str().unwrap(),
        run_dir.to_str().unwrap(),
        sweep_dir.to_str().unwrap(),
        compare_dir.to_str().unwrap(),
    );
    // Each command with the stream it writes to closed. Before the SIGPIPE disposition was
    // restored, a closed stdout made `println!` panic (exit 101, "internal error … Broken
    // pipe" on stderr) and a closed stderr made the panic hook panic too (abort, SIGABRT).
    let cases: [(&str, Vec<&str>); 9] = [
        ("stdout", vec!["list"]),
        ("stdout", vec!["validate", "quickstart"]),
        ("stderr", vec!["validate", bad]),
        ("stdout", vec!["--help"]),
        ("stdout", vec!["pricing"]),
        ("stdout", vec!["run", "--duration", "10m", "--out", run_dir]),
        ("stdout", vec!["explain", run_dir]),
        (
            "stdout",
            vec![
                "sweep",
                "quickstart",
                "--duration",
                "10m",
                "--seeds",
                "1",
                "--out",
                sweep_dir,
            ],
        ),
        (
            "stdout",
            vec![
                "compare",
                "quickstart",
                "--duration",
                "10m",
                "--no-charts",
                "--vary",
                "services.web.desiredCount=2,3",
                "--out",
                compare_dir,
            ],
        ),
    ];
    for (closed, args) in &cases {
        let o = with_closed(closed, args);
        // Ended by SIGPIPE (signal 13 on Linux and macOS), as `cat` would be: no exit code,
        // shown by a shell as 128 + 13 = 141.
        assert_eq!(
            (o.status.code(), o.status.signal()),
            (None, Some(13)),
            "{args:?} with {closed} closed: {:?}, stderr {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        if *closed == "stdout" {
            // Nothing about it on stderr: no "internal error", no "Broken pipe".
            assert_eq!(String::from_utf8_lossy(&o.stderr), "", "{args:?}");
        }
    }
    // The run wrote its files before it printed its summary into the closed pipe.
    assert!(std::path::Path::new(run_dir).join("report.json").exists());
    let _ = std::fs::remove_dir_all(&d);
}
