//! Limits (issue 8, item 6; issue 14, items 5, 6, 11, 12): a year-long run and the ten-year
//! ceiling, the ECS quota of services per cluster, empty scenarios, seed ranges and grid sizes,
//! numbers read back from a sweep's folder, and `--jobs` — each runs, or is refused with exit 2
//! and a message saying what would be valid.

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
