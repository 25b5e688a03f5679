//! `ecsim sweep` and `ecsim merge` end to end: the grid's expansion and order, the same tables
//! whatever `--jobs`, shards that merge into the unsharded result, merge refusing another grid,
//! and `--resume` after an interruption (a torn row and lost rows).
//!
//! The scenario is the bundled `binpack-vs-spread` for 10 simulated minutes: two fixed groups of
//! ten m5.large instances; service `packed` (binpack on memory, 20 tasks by default) and service
//! `spread` (spread by instance, 20 tasks), each task 512 CPU units and 1 GiB.

use crate::support::{ecsim, ok, out_dir, read};

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

const PLACEMENT: &str = r#"services.packed.placementStrategy=[[{"type":"binpack","field":"memory"}],[{"type":"random"}]]"#;

/// The grid of most tests: 2 placements × packed desiredCount 4, 8, 12 = 6 variants, 2 seeds.
fn sweep(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        "binpack-vs-spread",
        "--duration",
        "10m",
        "--seeds",
        "2",
        "--vary",
        PLACEMENT,
        "--vary",
        "services.packed.desiredCount=4,8,12",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ecsim(&args)
}

/// A CSV's rows (after the header) split into fields, with quoted fields kept whole.
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn header(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

fn col(text: &str, name: &str) -> usize {
    header(text).iter().position(|c| c == name).unwrap()
}

#[test]
fn the_grid_expands_first_axis_slowest_and_rows_are_sorted() {
    let d = out_dir("grid");
    ok(&sweep(&d, &[]));
    let sorted = read(&d.join("results-sorted.csv"));
    let h = header(&sorted);
    // variant, the two --vary paths, seed, 14 metrics; no check column.
    assert_eq!(h[0], "variant");
    assert_eq!(h[1], "services.packed.placementStrategy");
    assert_eq!(h[2], "services.packed.desiredCount");
    assert_eq!(h[3], "seed");
    assert_eq!(h.len(), 4 + 14);
    let r = rows(&sorted);
    // 2 placements × 3 counts = 6 variants × 2 seeds (1 and 2, the scenario's seed 1 first).
    assert_eq!(r.len(), 12);
    let starts = col(&sorted, "task_starts");
    let in_use = col(&sorted, "instances_in_use_final");
    let peak = col(&sorted, "instances_peak");
    for (k, row) in r.iter().enumerate() {
        let v = k / 2;
        assert_eq!(row[0], v.to_string());
        assert_eq!(row[3], (1 + k % 2).to_string());
        // The first axis varies slowest: variants 0–2 binpack, 3–5 random; the count cycles.
        let count = [4, 8, 12][v % 3];
        let placement = if v < 3 {
            r#"[{"field":"memory","type":"binpack"}]"#
        } else {
            r#"[{"type":"random"}]"#
        };
        assert_eq!(row[1], placement);
        assert_eq!(row[2], count.to_string());
        // Every task starts once in 10 quiet minutes: packed's count + spread's 20.
        assert_eq!(row[starts], (count + 20).to_string());
        // Both fixed groups hold 10 instances throughout: 20.
        assert_eq!(row[peak], "20");
        if v < 3 {
            // An m5.large (2048 CPU units) takes 4 tasks of 512: binpack fills count / 4
            // instances; spread's 20 tasks touch all 10 of its own: 1 + 10, 2 + 10, 3 + 10.
            assert_eq!(row[in_use], (count / 4 + 10).to_string());
        }
    }
    // summary.csv: one row per variant with n = 2.
    let summary = read(&d.join("summary.csv"));
    let s = rows(&summary);
    assert_eq!(s.len(), 6);
    let n = col(&summary, "n");
    assert!(s.iter().all(|row| row[n] == "2"));
    // The binpack variant with 8 tasks: 12 instances in use at both seeds → mean 12, sd 0
    // (float columns: `12.0`, `0.0`).
    let m = col(&summary, "instances_in_use_final_mean");
    assert_eq!(s[1][m], "12.0");
    assert_eq!(s[1][m + 1], "0.0");
    let json: serde_json::Value = serde_json::from_str(&read(&d.join("summary.json"))).unwrap();
    assert_eq!(json["variants"].as_array().unwrap().len(), 6);
    assert_eq!(
        json["variants"][1]["values"]["services.packed.desiredCount"],
        8
    );
    assert_eq!(
        json["variants"][1]["metrics"]["instances_in_use_final"]["mean"],
        12.0
    );
    // results.csv holds the same 12 points, in whatever order they finished, each with a check.
    let log = read(&d.join("results.csv"));
    assert_eq!(header(&log).last().unwrap(), "check");
    assert_eq!(log.lines().count(), 13);
}

#[test]
fn jobs_do_not_change_the_tables() {
    let one = out_dir("jobs1");
    let two = out_dir("jobs2");
    ok(&sweep(&one, &["--jobs", "1"]));
    ok(&sweep(&two, &["--jobs", "2"]));
    for f in [
        "results-sorted.csv",
        "summary.csv",
        "summary.json",
        "grid.json",
    ] {
        assert_eq!(read(&one.join(f)), read(&two.join(f)), "{f}");
    }
    // The logs hold the same lines, perhaps in another order.
    let lines = |d: &Path| {
        read(&d.join("results.csv"))
            .lines()
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(lines(&one), lines(&two));
}

#[test]
fn shards_merge_into_the_unsharded_sweep() {
    let whole = out_dir("whole");
    let s0 = out_dir("shard0");
    let s1 = out_dir("shard1");
    let merged = out_dir("merged");
    ok(&sweep(&whole, &[]));
    ok(&sweep(&s0, &["--shard", "0/2"]));
    ok(&sweep(&s1, &["--shard", "1/2"]));
    // 12 points, every second one from 0 and from 1: 6 each; shard 0 has seed 1 of every
    // variant (points 0, 2, 4, … are (v, seed 1)).
    for s in [&s0, &s1] {
        assert_eq!(rows(&read(&s.join("results-sorted.csv"))).len(), 6);
    }
    let r0 = rows(&read(&s0.join("results-sorted.csv")));
    assert!(r0.iter().all(|r| r[3] == "1"));
    let g: serde_json::Value = serde_json::from_str(&read(&s1.join("grid.json"))).unwrap();
    assert_eq!(g["shard"], serde_json::json!({"index": 1, "count": 2}));
    let o = ecsim(&[
        "merge",
        s0.to_str().unwrap(),
        s1.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in ["results-sorted.csv", "summary.csv"] {
        assert_eq!(read(&whole.join(f)), read(&merged.join(f)), "{f}");
    }
    // The merged results.csv is a sorted log with checks: it can be merged or resumed again.
    let log = read(&merged.join("results.csv"));
    assert_eq!(log.lines().count(), 13);
    let again = out_dir("merged-again");
    ok(&ecsim(&[
        "merge",
        merged.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "-q",
    ]));
    assert_eq!(
        read(&again.join("results-sorted.csv")),
        read(&whole.join("results-sorted.csv"))
    );

    // One shard alone: the other six points are named missing, the tables hold six; exit 0.
    let part = out_dir("merged-part");
    let o = ecsim(&[
        "merge",
        s0.to_str().unwrap(),
        "--out",
        part.to_str().unwrap(),
        "-q",
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("6 of 12 points are missing"), "{err}");
    assert!(err.contains("variant 0 seed 2"), "{err}");
    assert_eq!(rows(&read(&part.join("results-sorted.csv"))).len(), 6);

    // The same folder twice: every point is a duplicate.
    let dup = out_dir("merged-dup");
    let o = ecsim(&[
        "merge",
        s0.to_str().unwrap(),
        s0.to_str().unwrap(),
        "--out",
        dup.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is also in"));
}

#[test]
fn merge_refuses_another_grid() {
    let a = out_dir("grid-a");
    let b = out_dir("grid-b");
    let c = out_dir("grid-c");
    ok(&sweep(&a, &["--shard", "0/2"]));
    // Shard 1 of a sweep with 3 seeds instead of 2, and of one with another --set.
    let mut args = vec!["--shard", "1/2"];
    ok(&ecsim(&[
        "sweep",
        "binpack-vs-spread",
        "--duration",
        "10m",
        "--seeds",
        "3",
        "--vary",
        PLACEMENT,
        "--vary",
        "services.packed.desiredCount=4,8,12",
        "-q",
        "--out",
        b.to_str().unwrap(),
        args[0],
        args[1],
    ]));
    args.extend(["--set", "services.spread.desiredCount=10"]);
    ok(&sweep(&c, &args));
    let out = out_dir("grid-merged");
    let o = ecsim(&[
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--seeds: 2 vs 3"), "{err}");
    let o = ecsim(&[
        "merge",
        a.to_str().unwrap(),
        c.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("services.spread.desiredCount=10"), "{err}");
    assert!(!out.join("results.csv").exists());
}

/// The lines of `text`, each with its line feed.
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

#[test]
fn resume_runs_exactly_the_missing_points_after_a_torn_row() {
    let reference = out_dir("resume-ref");
    let d = out_dir("resume");
    ok(&sweep(&reference, &["--jobs", "1"]));
    ok(&sweep(&d, &[]));
    // Simulate a sweep stopped mid-way: keep the header and the first 5 finished rows, lose
    // rows 6–11, and leave row 12 half-written (no line feed) as a killed write would.
    let log = read(&d.join("results.csv"));
    let lines = split_lines(&log);
    assert_eq!(lines.len(), 13);
    let kept: String = lines[..6].concat();
    let torn = &lines[12][..lines[12].len() / 2];
    std::fs::write(d.join("results.csv"), format!("{kept}{torn}")).unwrap();
    for f in ["results-sorted.csv", "summary.csv", "summary.json"] {
        std::fs::remove_file(d.join(f)).unwrap();
    }
    // The finished points are the kept rows' (variant, seed).
    let point = |l: &str| {
        let mut f = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(l.as_bytes());
        let rec = f.records().next().unwrap().unwrap();
        (rec[0].to_string(), rec[3].to_string())
    };
    let finished: BTreeSet<_> = lines[1..6].iter().map(|l| point(l)).collect();

    // Without --resume the folder is refused, and nothing in it changes.
    let o = sweep(&d, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    assert_eq!(read(&d.join("results.csv")), format!("{kept}{torn}"));

    let o = sweep(&d, &["--resume"]);
    ok(&o);
    let after = read(&d.join("results.csv"));
    // The torn tail was cut back to the last good row; everything after it is new.
    assert!(after.starts_with(&kept));
    let new: Vec<_> = split_lines(&after[kept.len()..])
        .iter()
        .map(|l| point(l))
        .collect();
    // Exactly the 7 points not finished, each once: 12 − 5.
    assert_eq!(new.len(), 7);
    let new_set: BTreeSet<_> = new.iter().cloned().collect();
    assert_eq!(new_set.len(), 7);
    assert!(new_set.is_disjoint(&finished));
    // And the tables equal an uninterrupted run's.
    for f in ["results-sorted.csv", "summary.csv", "summary.json"] {
        assert_eq!(read(&reference.join(f)), read(&d.join(f)), "{f}");
    }
}

#[test]
fn a_torn_or_altered_row_is_not_counted() {
    let d = out_dir("torn");
    ok(&sweep(&d, &["--shard", "0/2"]));
    let log = read(&d.join("results.csv"));
    let lines = split_lines(&log);
    assert_eq!(lines.len(), 7);
    // The last row loses its line feed: it is torn even though every field is there.
    let no_lf = format!("{}{}", lines[..6].concat(), lines[6].trim_end());
    std::fs::write(d.join("results.csv"), &no_lf).unwrap();
    let out = out_dir("torn-merged");
    let o = ecsim(&[
        "merge",
        d.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 7: skipped, torn"), "{err}");
    // 12 points: 5 good rows of shard 0, 7 missing (shard 1's 6 and the torn one).
    assert!(err.contains("7 of 12 points are missing"), "{err}");
    assert_eq!(rows(&read(&out.join("results-sorted.csv"))).len(), 5);

    // A complete row with one digit changed fails its check and is not counted either; on
    // --resume it is cut off and run again: 1 point runs, and the log has 6 good rows.
    let altered = format!(
        "{}{}",
        lines[..6].concat(),
        lines[6].replacen(",20,", ",21,", 1)
    );
    assert_ne!(altered, log);
    std::fs::write(d.join("results.csv"), &altered).unwrap();
    let o = ecsim(&[
        "sweep",
        "binpack-vs-spread",
        "--duration",
        "10m",
        "--seeds",
        "2",
        "--vary",
        PLACEMENT,
        "--vary",
        "services.packed.desiredCount=4,8,12",
        "--out",
        d.to_str().unwrap(),
        "--shard",
        "0/2",
        "--resume",
    ]);
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad check"), "{err}");
    assert!(
        err.contains("5 of 6 points already done, 1 to run"),
        "{err}"
    );
    assert_eq!(read(&d.join("results.csv")).lines().count(), 7);
}

#[test]
fn bad_flags_are_refused_before_anything_runs() {
    let d = out_dir("sweep-bad");
    // A service that does not exist, a shard out of range, a duration that is not one.
    let o = ecsim(&[
        "sweep",
        "binpack-vs-spread",
        "--seeds",
        "2",
        "--vary",
        "services.nope.desiredCount=1,2",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("services.nope"), "{err}");
    assert!(!d.exists(), "nothing is written for a refused sweep");
    for (flag, value) in [("--shard", "2/2"), ("--duration", "soon"), ("--jobs", "0")] {
        let o = ecsim(&[
            "sweep",
            "binpack-vs-spread",
            "--seeds",
            "2",
            flag,
            value,
            "--out",
            d.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(flag), "{flag}");
    }
    // Resuming with other flags than the folder's sweep: refused, naming what differs.
    ok(&sweep(&d, &[]));
    let o = ecsim(&[
        "sweep",
        "binpack-vs-spread",
        "--duration",
        "10m",
        "--seeds",
        "2",
        "--vary",
        PLACEMENT,
        "--out",
        d.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--vary axes"));
}
