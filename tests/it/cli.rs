//! The `ecsim` binary end to end: the quick start, determinism, `--set`, `--json`,
//! `--explain-placement`, and the binpack-versus-spread lesson.

use crate::support::{ecsim, out_dir, report_json};

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
    let r = report_json(&d);
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
    // Nineteen bundled scenarios today (src/bundled.rs).
    assert_eq!(names.len(), 19, "{names:?}");
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
            .filter(|n| !n.starts_with('.')) // the folder's lock and manifest
            .collect();
        files.sort();
        // report.json lists exactly the files of its set.
        let listed: Vec<String> = report_json(&d)["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        assert_eq!(listed, files, "{name}");
        // Charts come in pairs (tests/charts.rs checks which); every service has a tasks chart
        // (batch-savings has job streams only).
        let has_services = report_json(&d)["services"]
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
    // Columns: time_s (seconds, a float column), kind, service, capacity_provider (empty for a
    // service), from, to, cause.
    assert_eq!(&rows[0][..6], ["3963.0", "scale-out", "web", "", "4", "7"]);
    // The load falls back at 9000 s (minute 150). Fifteen low minutes 150–164: the 15th is
    // published at 165 × 60 + 183 = 10083 s, 1083 s (over 15 minutes) after the fall.
    let first_in_after_fall = rows
        .iter()
        .find(|r| r[1] == "scale-in" && r[0].parse::<f64>().unwrap() > 9000.0)
        .expect("a scale-in after the load falls");
    assert_eq!(first_in_after_fall[0], "10083.0");
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
    let r = report_json(&d);
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
    let r = report_json(&d);
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
    assert_eq!(printed, report_json(&d));
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
    let r = report_json(&d);
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
    crate::support::ok(&o);
    let d = out_dir("product-sketch");
    let o = ecsim(&[
        "run",
        "tests/data/product-sketch.json",
        "--no-charts",
        "-q",
        "--out",
        d.to_str().unwrap(),
    ]);
    crate::support::ok(&o);
    let r = report_json(&d);
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

/// Bytes a terminal would act on: C0 controls but line feed and tab, DEL, and C1 (U+0080–U+009F,
/// two bytes in UTF-8: C2 80 … C2 9F).
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .filter(|&c| matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect()
}

#[test]
fn terminal_controls_in_names_are_printed_escaped() {
    // A scenario someone was handed: its description sets the window title (ESC ] 0 ; … BEL),
    // clears the screen (ESC [ 2 J) and holds a C1 CSI (U+009B); its service name turns the
    // text red (ESC [ 31 m) and rings the bell (BEL). A scheduled action at 5 minutes raises the
    // floor to 2, so explain tells an activity of that service.
    let name = "we\u{1b}[31mb\u{7}";
    let description = "desc \u{1b}]0;pwned\u{7} \u{1b}[2J \u{9b}31m end";
    let scenario = serde_json::json!({
        "name": "esc",
        "description": description,
        "duration": "10m",
        "capacityProviders": [{"name": "FARGATE"}],
        "services": [{
            "serviceName": name,
            "desiredCount": 1,
            "launchType": "FARGATE",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "autoScaling": {"MinCapacity": 1, "MaxCapacity": 3, "scheduledActions": [{
                "ScheduledActionName": "floor",
                "Schedule": "at(2026-01-05T00:05:00)",
                "ScalableTargetAction": {"MinCapacity": 2}
            }]}
        }]
    });
    let d = out_dir("escapes");
    std::fs::create_dir_all(&d).unwrap();
    let file = d.join("esc.json");
    std::fs::write(&file, serde_json::to_string(&scenario).unwrap()).unwrap();
    let mut bad = scenario.clone();
    bad["bo\u{1b}[5mgus\u{7}"] = 1.into();
    let bad_file = d.join("bad.json");
    std::fs::write(&bad_file, serde_json::to_string(&bad).unwrap()).unwrap();
    let out = d.join("out");
    let (f, bf, o) = (
        file.to_str().unwrap(),
        bad_file.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    // Escaped as `\u{HEX}`: the name, the description and the key as they are printed.
    let shown_name = "we\\u{1b}[31mb\\u{7}";
    let shown_description = "desc \\u{1b}]0;pwned\\u{7} \\u{1b}[2J \\u{9b}31m end";
    let shown_key = "bo\\u{1b}[5mgus\\u{7}";

    // validate: the unknown key is refused, escaped, at the key's own position.
    let v = ecsim(&["validate", bf]);
    assert_eq!(v.status.code(), Some(2));
    let err = String::from_utf8_lossy(&v.stderr);
    assert!(
        err.contains(&format!("{shown_key}: unknown field `{shown_key}`")),
        "{err}"
    );
    assert_eq!(raw_controls(&v.stderr), Vec::<String>::new(), "{err}");
    // validate ok, run, explain: nothing raw on stdout or stderr.
    let ok = ecsim(&["validate", f]);
    crate::support::ok(&ok);
    let run = ecsim(&["run", f, "--out", o]);
    crate::support::ok(&run);
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(summary.contains(shown_name), "{summary}");
    assert!(summary.contains(shown_description), "{summary}");
    let explain = ecsim(&["explain", o]);
    crate::support::ok(&explain);
    let told = String::from_utf8_lossy(&explain.stdout);
    assert!(told.contains(shown_name), "{told}");
    // An unknown service given to explain is quoted escaped in the error.
    let missing = ecsim(&["explain", o, "--service", "x\u{1b}[2J"]);
    assert_eq!(missing.status.code(), Some(2));
    for o in [&ok, &run, &explain, &missing] {
        assert_eq!(raw_controls(&o.stdout), Vec::<String>::new());
        assert_eq!(raw_controls(&o.stderr), Vec::<String>::new());
    }
    assert!(String::from_utf8_lossy(&missing.stderr).contains("x\\u{1b}[2J"));
    // summary.txt is the printed summary, for `cat`: escaped the same way.
    let txt = std::fs::read(out.join("summary.txt")).unwrap();
    assert_eq!(txt, run.stdout[..txt.len()].to_vec());
    assert_eq!(raw_controls(&txt), Vec::<String>::new());
    // The charts draw the name escaped: no control character reaches an SVG (XML 1.0 allows
    // none but tab and line feeds, so a raw ESC made the file unreadable as XML).
    let svgs: Vec<Vec<u8>> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert!(!svgs.is_empty());
    for svg in &svgs {
        assert_eq!(raw_controls(svg), Vec::<String>::new());
    }
    assert!(
        svgs.iter()
            .any(|s| String::from_utf8_lossy(s).contains(shown_name))
    );
    // The data files keep the names as they are: report.json reads back the same strings.
    let r = report_json(&out);
    assert_eq!(r["scenario"]["description"], description);
    assert!(r["services"].get(name).is_some(), "{}", r["services"]);
    // --json: serde_json escapes C0; U+009B (C1) and DEL are escaped the JSON way (\u009b), so
    // the text is safe and reads back as the same report.
    let json = ecsim(&["run", f, "--json", "--out", o]);
    crate::support::ok(&json);
    assert_eq!(raw_controls(&json.stdout), Vec::<String>::new());
    assert!(String::from_utf8_lossy(&json.stdout).contains("\\u009b31m"));
    let printed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(printed, report_json(&out));
}

#[cfg(unix)]
#[test]
fn a_sweep_that_cannot_write_its_row_says_which_run_and_why_on_one_line() {
    // A full disk, played by a file-size limit: `ulimit -f 2` (1,024 or 2,048 bytes, as the
    // shell counts blocks) lets grid.json (about 700 bytes, written first beside the header) be
    // written, then results.csv grows past it after a few of the 30 rows and the next append
    // fails (EFBIG; SIGXFSZ is ignored so the write returns the error, as ENOSPC would).
    let d = out_dir("sweep-cannot-write");
    std::fs::create_dir_all(&d).unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 2; exec '{}' sweep quickstart --duration 5m --seeds 30 \
         --jobs 1 -q --out out",
        env!("CARGO_BIN_EXE_ecsim")
    );
    let o = std::process::Command::new("sh")
        .args(["-c", &script])
        .current_dir(&d)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    // An output failure, not bad input: exit 1.
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    // The failed run, its cause on the same line, then what to do: two lines, and no line
    // that ends at "failed:".
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: variant 0 seed "), "{err}");
    assert!(
        lines[0].contains(" failed: cannot write out/results.csv: File too large (os error 27)"),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "the runs that finished are in out/results.csv: run the same command with --resume to go on"
    );
}

/// What a CSV column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Col {
    /// Free text.
    Text,
    /// An integer.
    Int,
    /// A float with at most this many decimals (its documented rounding), or any.
    Float(Option<usize>),
}

/// Checks every cell of the CSV at `path` against `kind` of its column (empty cells allowed in
/// text columns and in the number columns `optional` names): an integer column parses as an integer; a float column parses as an
/// f64, carries a decimal point or an exponent, is the shortest form that reads back as the
/// same f64 (Rust's `{}` of the value, with `.0` for a whole one), and has at most its column's
/// decimals. Returns the number of rows.
fn check_csv(path: &std::path::Path, kind: &dyn Fn(&str) -> Col, optional: &[&str]) -> usize {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        rows += 1;
        for (col, cell) in header.iter().zip(rec.iter()) {
            let at = format!("{} row {rows} column {col}: `{cell}`", path.display());
            if cell.is_empty() {
                assert!(
                    kind(col) == Col::Text || optional.contains(&col.as_str()),
                    "{at} is empty"
                );
                continue;
            }
            match kind(col) {
                Col::Text => {}
                Col::Int => assert!(cell.parse::<i64>().is_ok(), "{at} is not an integer"),
                Col::Float(places) => {
                    let v: f64 = cell
                        .parse()
                        .unwrap_or_else(|_| panic!("{at} is not a number"));
                    assert!(cell.contains(['.', 'e']), "{at}: a float without a point");
                    if !cell.contains('e') {
                        let shortest = format!("{v}");
                        let shortest = if shortest.contains('.') {
                            shortest
                        } else {
                            format!("{shortest}.0")
                        };
                        assert_eq!(cell, shortest, "{at}: not the shortest digits");
                        if let Some(p) = places {
                            let decimals = cell.split_once('.').map_or(0, |(_, d)| d.len());
                            assert!(decimals <= p, "{at}: more than {p} decimals");
                        }
                    }
                }
            }
        }
    }
    rows
}

#[test]
fn csv_float_columns_carry_a_point_and_their_digits_integer_columns_are_integers() {
    use Col::{Float, Int, Text};
    // A real run of the quick start: every table has rows (services with traffic and policies,
    // Spot, a managed group, activities).
    let d = out_dir("csv-numbers");
    let run = d.join("run");
    crate::support::ok(&ecsim(&[
        "run",
        "-q",
        "--no-charts",
        "--out",
        run.to_str().unwrap(),
    ]));
    let timeseries = |c: &str| match c {
        "service" => Text,
        "offered_rps" | "served_rps" => Float(Some(3)),
        _ => Int, // time_s, desired, running, healthy, pending, tasks_<provider>
    };
    assert!(check_csv(&run.join("timeseries.csv"), &timeseries, &[]) > 0);
    let metrics = |c: &str| match c {
        "time_s" => Int,
        "published_s" | "value" | "target" | "scale_in_threshold" => Float(Some(3)),
        _ => Text,
    };
    assert!(
        check_csv(
            &run.join("metrics.csv"),
            &metrics,
            &["value", "scale_in_threshold"]
        ) > 0
    );
    let capacity = |c: &str| match c {
        "capacity_provider" => Text,
        "used_cpu_units" | "used_memory_mib" => Float(Some(3)),
        "cumulative_cost_usd" => Float(Some(6)),
        _ => Int,
    };
    assert!(check_csv(&run.join("capacity.csv"), &capacity, &[]) > 0);
    let activities = |c: &str| match c {
        "time_s" => Float(Some(3)),
        "from" | "to" => Int,
        _ => Text,
    };
    assert!(check_csv(&run.join("activities.csv"), &activities, &["from", "to"]) > 0);

    // A small sweep: 2 variants × 2 seeds of 30 minutes.
    let sweep = d.join("sweep");
    crate::support::ok(&ecsim(&[
        "sweep",
        "quickstart",
        "--seeds",
        "2",
        "--duration",
        "30m",
        "--vary",
        "services.web.desiredCount=2,3",
        "-q",
        "--out",
        sweep.to_str().unwrap(),
    ]));
    // Documented decimals: USD and fractions 6, seconds 3, hours 4; the rest are counts.
    let results = |c: &str| match c {
        "services.web.desiredCount" | "check" => Text,
        "cost_usd" | "on_demand_equivalent_usd" | "idle_usd" | "served_fraction" => Float(Some(6)),
        "seconds_below_desired" => Float(Some(3)),
        "instance_hours" | "fargate_task_hours" => Float(Some(4)),
        _ => Int,
    };
    assert_eq!(check_csv(&sweep.join("results.csv"), &results, &[]), 4);
    assert_eq!(
        check_csv(&sweep.join("results-sorted.csv"), &results, &[]),
        4
    );
    // Means, sd and half-widths are floats (unrounded); variant and n are counts.
    let summary = |c: &str| match c {
        "variant" | "n" => Int,
        "services.web.desiredCount" => Text,
        _ => Float(None),
    };
    assert_eq!(check_csv(&sweep.join("summary.csv"), &summary, &[]), 2);
    // summary.json (serde_json): every mean a float in the text too, `3.0` rather than `3` (a
    // number read back with a point or an exponent is an f64 to serde_json).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sweep.join("summary.json")).unwrap())
            .unwrap();
    for v in json["variants"].as_array().unwrap() {
        for (m, x) in v["metrics"].as_object().unwrap() {
            assert!(x["mean"].is_f64(), "summary.json {m} mean {}", x["mean"]);
        }
    }

    // compare: the same variants; comparison.csv is one row per variant and metric.
    let compare = d.join("compare");
    crate::support::ok(&ecsim(&[
        "compare",
        "quickstart",
        "--seeds",
        "2",
        "--duration",
        "30m",
        "--vary",
        "services.web.desiredCount=2,3",
        "--no-charts",
        "-q",
        "--out",
        compare.to_str().unwrap(),
    ]));
    let comparison = |c: &str| match c {
        "variant" | "n" => Int,
        "label" | "metric" => Text,
        _ => Float(None),
    };
    assert!(check_csv(&compare.join("comparison.csv"), &comparison, &[]) > 2);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(compare.join("comparison.json")).unwrap())
            .unwrap();
    for v in json["variants"].as_array().unwrap() {
        for (m, x) in v["metrics"].as_object().unwrap() {
            assert!(x["mean"].is_f64(), "comparison.json {m} mean {}", x["mean"]);
        }
    }
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
