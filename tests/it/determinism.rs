//! Determinism (issue 8, item 4): the same scenario and seed give the same bytes in every output
//! file; a sweep's tables do not depend on the number of threads; and nothing depends on the order
//! of the keys of a scenario's JSON objects (where that order means nothing).

use crate::support::{ecsim, ok, out_dir};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file of folder `d` by name, with its bytes — but the folder's lock, which names the
/// process that held it.
fn files(d: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != ecsim::outdir::LOCK)
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Asserts that folders `a` and `b` hold the same file names with the same bytes.
fn same_folders(a: &Path, b: &Path, what: &str) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{what}: not the same files"
    );
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{what}: {name} differs");
    }
}

/// The file names a quickstart run with charts and `--explain-placement` writes, derived from
/// the README's list: report.json, summary.txt, report.html, placements.json, the four CSVs,
/// and each chart as PNG and SVG — `tasks-all` (3 services), `tasks-` and `load-` for api, web
/// and worker but `load-` only for the two with traffic (api, web), one `metric-` chart per
/// policy (web cpu50, api requests60), `metric-cluster-general` (the managed group),
/// `capacity-instances`, `capacity-fargate-tasks` and `cost`: 12 charts, 24 files; 32 in all.
fn quickstart_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "report.json",
        "summary.txt",
        "report.html",
        "placements.json",
        "timeseries.csv",
        "metrics.csv",
        "activities.csv",
        "capacity.csv",
        // The folder's manifest (ecsim::outdir::MANIFEST): the set's names, the same bytes
        // every time.
        ".ecsim-manifest.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for chart in [
        "tasks-all",
        "tasks-api",
        "tasks-web",
        "tasks-worker",
        "load-api",
        "load-web",
        "metric-web-cpu50",
        "metric-api-requests60",
        "metric-cluster-general",
        "capacity-instances",
        "capacity-fargate-tasks",
        "cost",
    ] {
        names.push(format!("{chart}.png"));
        names.push(format!("{chart}.svg"));
    }
    names.sort();
    names
}

#[test]
fn two_runs_write_byte_identical_files_every_chart_png_and_svg_included() {
    let a = out_dir("det-run-a");
    let b = out_dir("det-run-b");
    for d in [&a, &b] {
        ok(&ecsim(&[
            "run",
            "quickstart",
            "--duration",
            "2h",
            "--explain-placement",
            "-q",
            "--out",
            d.to_str().unwrap(),
        ]));
    }
    let names: Vec<String> = files(&a).into_keys().collect();
    assert_eq!(names, quickstart_names());
    // Byte-identical: report.json, the CSVs, summary.txt, report.html, placements.json, and
    // the charts, PNG as well as SVG (the PNGs are drawn by plotters' bitmap backend with the
    // embedded font: no time stamp or system font reaches them).
    same_folders(&a, &b, "two runs");
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

/// `v` as JSON text with the keys of every object in ascending order, or descending with
/// `reverse`; lists keep their order (a list's order means something: strategy chains, steps,
/// the order services are reconciled in).
fn write_ordered(v: &Value, reverse: bool, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            if reverse {
                keys.reverse();
            }
            out.push('{');
            for (n, k) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push_str(",\n");
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(": ");
                write_ordered(&m[k], reverse, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, x) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(",\n");
                }
                write_ordered(x, reverse, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).unwrap()),
    }
}

/// The quickstart with the scenario's user-keyed objects added, so that maps whose keys are
/// names are reordered too: an EC2 Spot group with custom `attributes` (spread over by a
/// service), `pricing.ec2` prices per instance type and `pricing.ec2Spot.byInstanceType`
/// discounts, and EC2 Spot interruptions with `byZone` rates.
fn rich_scenario() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.json"),
    )
    .unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["capacityProviders"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "name": "spotpool",
            "autoScalingGroupProvider": {
                "autoScalingGroup": {
                    "instanceTypes": ["c5.large"], "purchaseOption": "spot",
                    "minSize": 0, "maxSize": 6, "desiredCapacity": 3,
                    "attributes": {"team": "blue", "rack": "r1", "tier": "batch"}
                }
            }
        }));
    v["services"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "serviceName": "crunch",
            "taskDefinition": {"family": "crunch", "cpu": "512", "memory": "1024"},
            "desiredCount": 5,
            "capacityProviderStrategy": [{"capacityProvider": "spotpool", "weight": 1}],
            "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"},
                                  {"type": "binpack", "field": "cpu"}]
        }));
    v["faults"].as_array_mut().unwrap().push(serde_json::json!({
        "type": "spotInterruptions", "name": "ec2spot", "capacityProvider": "spotpool",
        "perInstanceHour": 0.2,
        "byZone": {"us-east-1a": 0.5, "us-east-1b": 0.05, "us-east-1c": 0.3}
    }));
    v["pricing"] = serde_json::json!({
        "ec2": {"m5.large": 0.1, "c5.large": 0.09, "t3.micro": 0.0104},
        "ec2Spot": {"byInstanceType": {"c5.large": 0.6, "m5.large": 0.7}}
    });
    v
}

#[test]
fn reordering_the_keys_of_json_objects_changes_no_output() {
    let v = rich_scenario();
    let (mut up, mut down) = (String::new(), String::new());
    write_ordered(&v, false, &mut up);
    write_ordered(&v, true, &mut down);
    // The two texts really differ in order: ascending starts with `availabilityZones` (the
    // smallest top-level key here), descending with `services` (the largest).
    assert!(up.starts_with("{\"availabilityZones\""), "{}", &up[..40]);
    assert!(down.starts_with("{\"services\""), "{}", &down[..40]);
    let root = out_dir("det-order");
    let mut outs = Vec::new();
    for (tag, text) in [("up", &up), ("down", &down)] {
        // The same file name in two folders: the path cannot make a difference.
        let dir = root.join(tag);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("rich.json");
        std::fs::write(&file, text).unwrap();
        let out = dir.join("out");
        let o = ecsim(&[
            "run",
            file.to_str().unwrap(),
            "--duration",
            "2h",
            "--explain-placement",
            "--out",
            out.to_str().unwrap(),
        ]);
        ok(&o);
        outs.push((out, o));
    }
    // The run used what was added: the Spot group's interruptions and its service's tasks.
    let report: Value =
        serde_json::from_slice(&std::fs::read(outs[0].0.join("report.json")).unwrap()).unwrap();
    assert!(
        report["services"]["crunch"]["task_starts"]
            .as_u64()
            .unwrap()
            >= 5
    );
    assert!(
        report["cost"]["by_capacity_provider"]["spotpool"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    same_folders(&outs[0].0, &outs[1].0, "keys ascending vs descending");
    // What is printed is the same too: the warnings, and the summary but for its last line,
    // `Wrote <folder>`.
    assert_eq!(outs[0].1.stderr, outs[1].1.stderr);
    let printed = |o: &std::process::Output| {
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        let (summary, last) = text.trim_end().rsplit_once('\n').unwrap();
        assert!(last.starts_with("Wrote "), "{last}");
        summary.to_string()
    };
    assert_eq!(printed(&outs[0].1), printed(&outs[1].1));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_sweeps_printed_table_is_the_same_for_jobs_1_and_2() {
    // tests/sweep.rs (`jobs_do_not_change_the_tables`) holds results-sorted.csv, summary.csv,
    // summary.json and grid.json to the same bytes and results.csv to the same lines; this
    // adds the table printed at the end. The same grid: 2 placements × 3 desired counts × 2
    // seeds of 10 minutes.
    let run = |jobs: &str| {
        let d = out_dir(&format!("det-sweep-{jobs}"));
        let o = ecsim(&[
            "sweep",
            "binpack-vs-spread",
            "--duration",
            "10m",
            "--seeds",
            "2",
            "--vary",
            r#"services.packed.placementStrategy=[[{"type":"binpack","field":"memory"}],[{"type":"random"}]]"#,
            "--vary",
            "services.packed.desiredCount=4,8,12",
            "--jobs",
            jobs,
            "--out",
            d.to_str().unwrap(),
        ]);
        ok(&o);
        let text = String::from_utf8(o.stdout).unwrap();
        let _ = std::fs::remove_dir_all(&d);
        // The last line names the folder, which differs.
        let (table, last) = text.trim_end().rsplit_once('\n').unwrap();
        assert!(last.starts_with("12 of 12 points · wrote "), "{last}");
        table.to_string()
    };
    let one = run("1");
    let two = run("2");
    // One row per variant, 6.
    assert!(one.lines().count() >= 6, "{one}");
    assert_eq!(one, two);
}
