//! `ecsim explain` end to end: a bundled run is written into a temporary folder by the binary,
//! then explained; the expected values are derived by hand from the scenarios (comments).

use crate::support::{ecsim, out_dir, run_into, stderr, stdout};

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

/// Runs a bundled scenario into a fresh temporary folder.
fn run_bundled(name: &str, extra: &[&str]) -> PathBuf {
    let d = out_dir(&format!("explain-{name}"));
    let mut args = vec![name];
    args.extend_from_slice(extra);
    run_into(&d, &args);
    d
}

fn step_run() -> &'static Path {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| run_bundled("scaling-step-reaction", &[]))
}

fn explain(args: &[&str]) -> Output {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    ecsim(&all)
}

fn ok(args: &[&str]) -> String {
    let o = explain(args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

/// The block of the output whose title contains `needle`.
fn block<'a>(text: &'a str, needle: &str) -> &'a str {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("no `{needle}` in:\n{text}"));
    let end = text[start..].find("\n\n").map_or(text.len(), |e| start + e);
    &text[start..end]
}

#[test]
fn the_first_scale_out_of_the_step_lesson_is_told_with_its_datapoints() {
    let d = step_run();
    // The run's own record: the first activity is 3963 s (time_s, a float column: `3963.0`),
    // web, 4 → 7.
    let csv = std::fs::read_to_string(d.join("activities.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(first.starts_with("3963.0,scale-out,web,,4,7,"), "{first}");

    let out = ok(&[d.to_str().unwrap()]);
    // Why 3963 s: traffic steps from 100 to 375 rps at 1h (3600 s). 4 tasks serve 93.75 rps
    // each (below maxRps 100), so CPU = idleCpu 5 + (85 − 5) × 93.75 / 100 = 80 %. The minutes
    // [3600, 3660), [3660, 3720), [3720, 3780) each average 80 > target 50; the third closes at
    // 3780 s and is published metricPublicationDelay 183 s later: 3780 + 183 = 3963 s =
    // 1h06m03s, when AlarmHigh has 3 of 3 datapoints above 50. Desired = ceil(4 × 80 / 50) =
    // ceil(6.4) = 7. The default start is 2026-01-05T00:00:00Z.
    let b = block(
        &out,
        "1h06m03s (3963 s) · 2026-01-05T01:06:03Z · scale-out  web 4 → 7",
    );
    assert!(b.contains("policy      cpu50 (target tracking"), "{b}");
    assert!(
        b.contains("cpu50-AlarmHigh: 3 of the last 3 datapoints > 50 → ALARM"),
        "{b}"
    );
    // The three periods 1h00m–1h03m, published 3843, 3903, 3963 s (each period end + 183 s).
    assert!(
        b.contains(
            "1h00m00s–1h03m00s  3 × 80.0  published 1h04m03s … 1h06m03s (183 s after each period)"
        ),
        "{b}"
    );
    assert!(b.contains("threshold   > 50: the target"), "{b}");
    assert!(
        b.contains("formula     running 4 → ceil(4 × 80.0 / 50) = 7"),
        "{b}"
    );
    // Before the step CPU was 5 + 80 × 25 / 100 = 25, so no earlier activity exists: this is
    // the first block.
    let first_block = out.lines().find(|l| l.starts_with("── ")).unwrap();
    assert!(first_block.contains("1h06m03s (3963 s)"), "{first_block}");
    // Without placements.json the one-line hint is given.
    assert!(out.contains("--explain-placement"), "{out}");
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "too long: {line}");
    }
}

#[test]
fn the_scale_in_threshold_is_nine_tenths_of_the_target() {
    let out = ok(&[step_run().to_str().unwrap()]);
    // The load falls back at 2h30m; the scale-in alarm sits at 0.9 × 50 = 45.
    let b = block(&out, "scale-in  web 7 → 4");
    assert!(b.contains("< 45: 0.9 × the target 50"), "{b}");
    // ceil(7 × 16.43 / 50) = ceil(2.3) = 3, below MinCapacity 4.
    assert!(b.contains("raised to MinCapacity 4"), "{b}");
}

#[test]
fn at_reports_the_desired_count_current_then() {
    let d = step_run().to_str().unwrap();
    let desired_of_web = |out: &str| -> String {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with("web ") && !l.contains("cpu50"))
            .unwrap_or_else(|| panic!("no web row in:\n{out}"));
        line.split_whitespace().nth(1).unwrap().to_string()
    };
    // 3900 s = 1h05m: before the first scale-out at 3963 s the desired count is the initial 4.
    let out = ok(&[d, "--at", "1h5m"]);
    assert!(
        out.contains("State at 1h05m00s (3900 s) · 2026-01-05T01:05:00Z"),
        "{out}"
    );
    assert_eq!(desired_of_web(&out), "4");
    // The nearest decision after it is that scale-out.
    assert!(out.contains("after: 1h06m03s (3963 s)"), "{out}");
    // 4000 s: the minute row at 3960 s still says 4, but the scale-out at 3963 s set 7 and the
    // next change is at 4263 s.
    let out = ok(&[d, "--at", "4000"]);
    assert_eq!(desired_of_web(&out), "7");
    assert!(out.contains("desired became 7 at 1h06m03s"), "{out}");
    assert!(out.contains("before: 1h06m03s (3963 s)"), "{out}");
    assert!(out.contains("after: 1h11m03s (4263 s)"), "{out}");
    // The same moment as a timestamp: start 2026-01-05T00:00:00Z + 4000 s = 01:06:40Z.
    let ts = ok(&[d, "--at", "2026-01-05T01:06:40Z"]);
    assert_eq!(ts, out);
}

#[test]
fn service_filter_keeps_its_own_and_its_providers_actions() {
    let d = run_bundled("binpack-vs-spread-managed", &[]);
    let d = d.to_str().unwrap();
    let all = ok(&[d]);
    // Both services get the scheduled action `quiet` at 1h; both groups scale in.
    assert!(all.contains("scheduled-action  packed"), "{all}");
    assert!(all.contains("scheduled-action  spread"), "{all}");
    assert!(all.contains("cluster-scale-in  spread-pool"), "{all}");
    // `packed` runs on binpack-pool only (its capacityProviderStrategy).
    let packed = ok(&[d, "--service", "packed"]);
    assert!(packed.contains("scheduled-action  packed"), "{packed}");
    assert!(
        packed.contains("cluster-scale-in  binpack-pool"),
        "{packed}"
    );
    assert!(!packed.contains("scheduled-action  spread"), "{packed}");
    assert!(!packed.contains("spread-pool 10 →"), "{packed}");
    assert!(
        packed.contains("providers it used (binpack-pool)"),
        "{packed}"
    );
}

#[test]
fn cluster_scale_out_tells_the_reservation_arithmetic() {
    let d = run_bundled("cluster-scaling", &["--explain-placement"]);
    let d = d.to_str().unwrap();
    let out = ok(&[d, "--limit", "0"]);
    // 20 tasks of 1024 CPU units on m5.large (2048 units) need M = 10 instances; the group
    // starts empty (N = 0), so CPR = 200 and managed scaling launches ceil(10 × 100 / 100) − 0
    // = 10.
    let b = block(&out, "cluster-scale-out  asg 0 → 10");
    assert!(b.contains("N = 0) while M = 10 are needed"), "{b}");
    assert!(b.contains("ceil(10 × 100 / 100) − 0"), "{b}");
    assert!(b.contains("= 10 instances"), "{b}");
    // Every recorded placement is told; the first one finds the group empty.
    let text = std::fs::read_to_string(Path::new(d).join("placements.json")).unwrap();
    let count = serde_json::from_str::<Vec<serde_json::Value>>(&text)
        .unwrap()
        .len();
    assert!(
        out.contains(&format!("Placements ({count} decisions recorded)")),
        "{out}"
    );
    assert_eq!(out.matches("· placement  app on asg").count(), count);
    assert!(
        out.contains("no candidate instance in the provider"),
        "{out}"
    );
}

#[test]
fn bad_folders_and_arguments_exit_2_with_the_path() {
    let base = out_dir("explain-bad");
    std::fs::create_dir_all(&base).unwrap();
    let check = |args: &[&str], needle: &str| {
        let o = explain(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{err}"
        );
    };
    let missing = base.join("nope");
    check(&[missing.to_str().unwrap()], "no such folder");
    let empty = base.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    check(&[empty.to_str().unwrap()], "report.json: not found");
    let other = base.join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("report.json"), r#"{"schema": "ecsim.report/9"}"#).unwrap();
    check(&[other.to_str().unwrap()], "found `ecsim.report/9`");
    let broken = base.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("report.json"), "{\"schema\": ").unwrap();
    check(&[broken.to_str().unwrap()], "malformed JSON");
    // A copy of a good run with one malformed metrics.csv value (line 3).
    let bad_csv = base.join("bad-csv");
    std::fs::create_dir_all(&bad_csv).unwrap();
    for f in [
        "report.json",
        "timeseries.csv",
        "capacity.csv",
        "activities.csv",
    ] {
        std::fs::copy(step_run().join(f), bad_csv.join(f)).unwrap();
    }
    let metrics = std::fs::read_to_string(step_run().join("metrics.csv")).unwrap();
    let mut lines: Vec<String> = metrics.lines().map(str::to_string).collect();
    lines[2] = "60,303,web,cpu50,ECSServiceAverageCPUUtilization,abc,50,45,OK".into();
    std::fs::write(bad_csv.join("metrics.csv"), lines.join("\n")).unwrap();
    check(
        &[bad_csv.to_str().unwrap()],
        "metrics.csv:3:1: malformed row in column value",
    );
    // A report.json that does not list its files (as ecsim wrote it before the manifest):
    // explain cannot tell its run's tables from others', and says so.
    let unlisted = base.join("unlisted");
    std::fs::create_dir_all(&unlisted).unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(step_run().join("report.json")).unwrap())
            .unwrap();
    v.as_object_mut().unwrap().remove("files");
    std::fs::write(unlisted.join("report.json"), v.to_string()).unwrap();
    check(
        &[unlisted.to_str().unwrap()],
        "report.json: files: missing: this report.json does not list its run's files",
    );
    let d = step_run().to_str().unwrap();
    check(
        &[d, "--service", "api"],
        "no service `api` in this run (services: web)",
    );
    check(&[d, "--at", "soon"], "--at");
    // The run lasts 4h.
    check(&[d, "--at", "5h"], "after the end of the run");
    check(
        &[d, "--at", "2026-01-04T23:00:00Z"],
        "before the run's start",
    );
}
