//! Charts (PNG and SVG) and report.html, through the binary: which files a run writes, what the
//! SVG says, byte-identical reruns, a self-contained page, and `--no-charts`.

use crate::support::scenario::{Scenario, Service};
use crate::support::{Inline, out_dir, run_into};
use serde_json::json;

use std::path::Path;

/// File names in `d` ending with `ext`, without it, sorted.
fn stems(d: &Path, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(ext)
                .map(str::to_string)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_step_reaction_run_writes_each_expected_chart_as_png_and_svg() {
    let d = out_dir("step");
    run_into(&d, &["scaling-step-reaction"]);
    // scaling-step-reaction: one service `web` with traffic and one target tracking policy
    // `cpu50`, on FARGATE only. So: its tasks chart (no all-services total for one service),
    // its load chart, its metric chart, the Fargate capacity chart; no EC2 group → no instance
    // chart; the Fargate tasks cost money → the cost chart.
    let expected = [
        "capacity-fargate-tasks",
        "cost",
        "load-web",
        "metric-web-cpu50",
        "tasks-web",
    ];
    assert_eq!(stems(&d, ".png"), expected);
    assert_eq!(stems(&d, ".svg"), expected);
    for name in expected {
        let png = std::fs::read(d.join(format!("{name}.png"))).unwrap();
        // PNG signature, then IHDR: width and height big-endian at bytes 16..24 (1280 × 600).
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[16..24], &[0, 0, 5, 0, 0, 0, 2, 88]);
    }
    let svg = std::fs::read_to_string(d.join("tasks-web.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("\nTasks — web\n</text>"), "title");
    // 4 h is more than 3 h: the time axis is in hours.
    assert!(
        svg.contains("\ntime since start (hours)\n</text>"),
        "x axis"
    );
    assert!(svg.contains("\ntasks\n</text>"), "y axis");
    for legend in ["desired", "running", "pending (PROVISIONING + PENDING)"] {
        assert!(svg.contains(&format!("\n{legend}\n</text>")), "{legend}");
    }
    let metric = std::fs::read_to_string(d.join("metric-web-cpu50.svg")).unwrap();
    assert!(metric.contains("web · policy cpu50 — ECSServiceAverageCPUUtilization"));
    // The run's four actions are labelled from → to (activities.csv: 4→7, 7→8, 8→7, 7→4).
    for label in ["4→7", "7→8", "8→7", "7→4"] {
        assert!(metric.contains(&format!("\n{label}\n</text>")), "{label}");
    }
    let load = std::fs::read_to_string(d.join("load-web.svg")).unwrap();
    assert!(load.contains("\nrequests per second\n</text>"));
    let _ = std::fs::remove_dir_all(&d);
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn report_html_is_self_contained_with_every_chart_and_the_activity_log() {
    let d = out_dir("html");
    run_into(&d, &["cluster-scaling"]);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://"), "a network reference");
    assert!(!html.contains("https://"), "a network reference");
    assert!(!html.contains("src="), "an external resource");
    assert!(!html.contains("<script"), "a script");
    assert!(!html.contains("<link"), "an external style sheet");
    assert!(html.contains("<h1>cluster-scaling</h1>"));
    // Every chart file is in the page, inline.
    let charts = stems(&d, ".svg");
    assert!(!charts.is_empty());
    for c in &charts {
        assert!(html.contains(&format!("<figure id=\"chart-{c}\">")), "{c}");
    }
    assert_eq!(html.matches("<svg ").count(), charts.len());
    // The summary's tables are HTML tables.
    assert!(html.contains("<h3>Services</h3>\n<table"));
    assert!(html.contains("<h3>Capacity providers</h3>\n<table"));
    // Every activity is a row of the log, with its cause.
    let log = std::fs::read_to_string(d.join("activities.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(log.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    let body = &html[html.find("id=\"activities\"").unwrap()..];
    assert_eq!(body.matches("<tr><td class=\"n\">").count(), rows.len());
    for r in &rows {
        assert!(body.contains(&html_escape(&r[6])), "cause {}", &r[6]);
        assert!(body.contains(&format!(">{}</td>", &r[1])), "kind {}", &r[1]);
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn no_charts_writes_no_chart_file_but_still_the_page() {
    let d = out_dir("nocharts");
    run_into(&d, &["scaling-step-reaction", "--no-charts"]);
    assert!(stems(&d, ".png").is_empty());
    assert!(stems(&d, ".svg").is_empty());
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(!html.contains("<svg"));
    assert!(html.contains("--no-charts"));
    assert!(html.contains("<h3>Services</h3>"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn many_services_chart_the_first_twelve_by_name_and_the_total() {
    // 13 services s00..s12 with one task each on FARGATE: the total chart and tasks charts for
    // s00..s11 (the first 12 by name); s12 counts only in the total.
    let d = out_dir("many");
    std::fs::create_dir_all(&d).unwrap();
    let scenario = (0..13).fold(Scenario::new("many").duration("30m").fargate(), |sc, i| {
        sc.service(
            Service::new(&format!("s{i:02}"))
                .task("family", json!("f"))
                .size(256, 512)
                .desired(1)
                .strategy(&[("FARGATE", 0, 1)]),
        )
    });
    let file = d.join("many.json");
    std::fs::write(&file, scenario.text()).unwrap();
    let out = d.join("out");
    run_into(&out, &[file.to_str().unwrap()]);
    let mut expected: Vec<String> = (0..12).map(|i| format!("tasks-s{i:02}")).collect();
    expected.push("capacity-fargate-tasks".into());
    expected.push("cost".into());
    expected.push("tasks-all".into());
    expected.sort();
    assert_eq!(stems(&out, ".png"), expected);
    let total = std::fs::read_to_string(out.join("tasks-all.svg")).unwrap();
    assert!(total.contains("Tasks — all 13 services (charts below for the first 12 by name)"));
    // 30 minutes is at most 3 h: minutes on the time axis.
    assert!(total.contains("\ntime since start (minutes)\n</text>"));
    let _ = std::fs::remove_dir_all(&d);
}
