//! Durability (issue 8, item 5): real `ecsim` processes killed with SIGKILL (`Child::kill`) at
//! several points. A run leaves the previous complete set of files, or a folder without
//! report.json whose files are each complete, plus hidden temporary files that the next run
//! removes; a sweep resumes without losing a finished row or counting a torn one.
//!
//! And the output folder's guarantees (issue 14, items 1–4): a default folder never leads
//! outside `output/`, a folder holds exactly the last command's set (its manifest), one
//! command writes a folder at a time (its lock), and long service names make file names the
//! file system takes.

use crate::support::{ecsim, ok, out_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `ecsim args` in the background from the repository root, its output discarded.
fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ecsim starts")
}

/// SIGKILLs `child` (or finds it already finished) and reaps it.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The folder's lock and manifest (`ecsim::outdir`), which every command leaves by design.
fn is_infrastructure(name: &str) -> bool {
    name == ecsim::outdir::LOCK || name == ecsim::outdir::MANIFEST
}

/// The files of `d`: the visible ones by name with their bytes, and the hidden names apart
/// (the lock and the manifest left out).
fn listing(d: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut visible = BTreeMap::new();
    let mut hidden = Vec::new();
    let Ok(entries) = std::fs::read_dir(d) else {
        return (visible, hidden);
    };
    for e in entries.map(|e| e.unwrap()) {
        let name = e.file_name().to_string_lossy().to_string();
        if is_infrastructure(&name) {
            continue;
        }
        if name.starts_with('.') {
            hidden.push(name);
        } else {
            visible.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    hidden.sort();
    (visible, hidden)
}

/// The run whose folders these tests kill: the quickstart over 4 simulated days with its
/// charts (in a debug build ≈ 0.3 s simulating with the streamed tables open, then ≈ 2 s
/// drawing and writing: long enough to be killed in each phase).
fn run_args<'a>(seed: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        "quickstart",
        "--duration",
        "4d",
        "--seed",
        seed,
        "-q",
        "--out",
        out,
    ]
}

/// Checks what a killed run (process id `pid`) left in `d`, against the complete sets of the
/// previous run (`old`, empty when the folder was empty) and of the killed run's own
/// (`new`, which it would have written). Returns whether report.json was there.
fn check_after_kill(
    d: &Path,
    pid: u32,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    when: &str,
) -> bool {
    let (visible, hidden) = listing(d);
    // Every visible file is one run's complete file: byte-for-byte the previous run's or the
    // killed run's version of it — never a prefix, never a mix.
    for (name, bytes) in &visible {
        let is_old = old.get(name) == Some(bytes);
        let is_new = new.get(name) == Some(bytes);
        assert!(
            is_old || is_new,
            "{when}: {name} ({} bytes) is neither run's complete file",
            bytes.len()
        );
    }
    // report.json is renamed last and removed before the first rename: where it is, the whole
    // set it belongs to is there.
    let marker = visible.get("report.json");
    if let Some(m) = marker {
        let set = if old.get("report.json") == Some(m) {
            old
        } else {
            new
        };
        assert_eq!(
            visible.keys().collect::<Vec<_>>(),
            set.keys().collect::<Vec<_>>(),
            "{when}: report.json without its whole set"
        );
        for (name, bytes) in &visible {
            assert!(
                &set[name] == bytes,
                "{when}: {name} is not of report.json's run"
            );
        }
    }
    // Hidden files are the killed process's temporary files only (`.NAME.tmp-PID` being
    // staged, `.NAME.partial-PID` streamed), named so no reader takes them for an output.
    for h in &hidden {
        let ok = [".tmp-", ".partial-"]
            .iter()
            .any(|s| h.ends_with(&format!("{s}{pid}")));
        assert!(ok, "{when}: unexpected hidden file {h}");
    }
    marker.is_some()
}

/// When a run is killed: this long after it started, after its first write, or after its
/// first rename.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after it started.
    Start(Duration),
    /// This long after its first change to the output folder other than its streamed tables.
    Writing(Duration),
    /// This long after its first change to a visible file (a rename, or a removal).
    Renaming(Duration),
}

/// The folder's names, sizes and modification times, the streamed tables
/// (`.NAME.partial-PID`, created when the simulation starts) left out, and with
/// `visible_only` every hidden file.
fn state(d: &Path, visible_only: bool) -> BTreeMap<String, (u64, std::time::SystemTime)> {
    let Ok(entries) = std::fs::read_dir(d) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            let hidden = n.starts_with('.');
            let streamed = n.contains(".partial-") || is_infrastructure(&n);
            let skipped = streamed || (visible_only && hidden);
            !skipped
        })
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((
                e.file_name().to_string_lossy().to_string(),
                (m.len(), m.modified().ok()?),
            ))
        })
        .collect()
}

#[test]
fn a_killed_run_leaves_the_previous_complete_files_or_none() {
    // The two complete sets: seed 1 (the "previous" run) and seed 2 (the run to be killed).
    // They differ (other random draws), so a mix of the two would show.
    let old_dir = out_dir("dur-old");
    let new_dir = out_dir("dur-new");
    ok(&ecsim(&run_args("1", old_dir.to_str().unwrap())));
    ok(&ecsim(&run_args("2", new_dir.to_str().unwrap())));
    let (old, _) = listing(&old_dir);
    let (new, _) = listing(&new_dir);
    assert_ne!(old["report.json"], new["report.json"]);
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );

    let d = out_dir("dur-killed");
    let ds = d.to_str().unwrap().to_string();
    // Kill points: a time after the start (while loading and simulating), or a time after the
    // writing began — the first change in the folder other than the streamed tables — or after
    // the first rename, so that kills land while the files are staged and while they are
    // renamed. `true` for a run into an empty folder, `false` into a folder holding the previous
    // run's set.
    let mut kills = vec![
        (Kill::Start(Duration::from_millis(50)), true),
        (Kill::Start(Duration::from_millis(50)), false),
        (Kill::Start(Duration::from_millis(200)), false),
    ];
    for us in [0, 500] {
        kills.push((Kill::Writing(Duration::from_micros(us)), false));
    }
    for us in [0, 100, 1_000] {
        kills.push((Kill::Renaming(Duration::from_micros(us)), false));
    }
    kills.push((Kill::Writing(Duration::from_micros(500)), true));
    kills.push((Kill::Renaming(Duration::ZERO), true));
    let empty = BTreeMap::new();
    let mut kept_previous = 0;
    for (kill_at, start_empty) in kills {
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let previous = if start_empty {
            &empty
        } else {
            for (name, bytes) in &old {
                std::fs::write(d.join(name), bytes).unwrap();
            }
            &old
        };
        let before = (state(&d, false), state(&d, true));
        let mut child = spawn(&run_args("2", &ds));
        let pid = child.id();
        match kill_at {
            Kill::Start(t) => std::thread::sleep(t),
            Kill::Writing(t) | Kill::Renaming(t) => {
                let visible_only = matches!(kill_at, Kill::Renaming(_));
                let was = if visible_only { &before.1 } else { &before.0 };
                while state(&d, visible_only) == *was && child.try_wait().unwrap().is_none() {
                    std::thread::sleep(Duration::from_micros(50));
                }
                std::thread::sleep(t);
            }
        }
        kill(&mut child);
        let when = format!(
            "killed {kill_at:?} ({} folder)",
            if start_empty { "empty" } else { "full" }
        );
        let marker = check_after_kill(&d, pid, previous, &new, &when);
        let (visible, hidden) = listing(&d);
        if marker && visible == old {
            kept_previous += 1;
        }
        let left = if !marker && visible.is_empty() {
            "nothing".to_string()
        } else if visible == old {
            "the previous set".to_string()
        } else if visible == new {
            "the new set".to_string()
        } else {
            format!("{} complete files without report.json", visible.len())
        };
        eprintln!("{when}: {left}, {} temporary files", hidden.len());
    }
    // At least one kill came before the killed run's renames (50 ms is before the
    // simulation ends on any machine) and left the previous set exactly.
    assert!(kept_previous >= 1);

    // The next run into the folder removes the killed run's temporary files and leaves exactly
    // its own complete set.
    ok(&ecsim(&run_args("2", &ds)));
    let (visible, hidden) = listing(&d);
    assert!(hidden.is_empty(), "{hidden:?}");
    assert!(visible == new);
    for p in [&old_dir, &new_dir, &d] {
        let _ = std::fs::remove_dir_all(p);
    }
}

/// The sweep these tests kill: 2 placements × 16 seeds of a 2-hour binpack-vs-spread run, 32
/// points.
fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "sweep",
        "binpack-vs-spread",
        "--duration",
        "2h",
        "--seeds",
        "16",
        "--vary",
        r#"services.packed.placementStrategy=[[{"type":"binpack","field":"memory"}],[{"type":"random"}]]"#,
        "--jobs",
        "2",
        "-q",
        "--out",
        out,
    ];
    a.extend_from_slice(extra);
    a
}

/// results.csv's complete lines (each ending with its line feed), the header first.
fn complete_lines(text: &str) -> Vec<String> {
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(str::to_string)
        .collect()
}

/// (variant, seed) of a results.csv row: its first and third fields (`variant`, the one
/// `--vary` column, `seed`); the varied value is a JSON list with commas inside quotes.
fn point(line: &str) -> (String, String) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let rec = r.records().next().unwrap().unwrap();
    (rec[0].to_string(), rec[2].to_string())
}

/// Waits until `log` holds at least `n` complete rows after the header, or `child` ends.
fn wait_rows(log: &Path, n: usize, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if complete_lines(&text).len() > n || Instant::now() > deadline {
            return;
        }
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_sweep_killed_twice_resumes_to_the_uninterrupted_results() {
    let reference = out_dir("dur-sweep-ref");
    ok(&ecsim(&sweep_args(reference.to_str().unwrap(), &[])));
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    let ref_log = read(reference.join("results.csv"));
    let ref_lines: BTreeSet<String> = complete_lines(&ref_log).into_iter().collect();
    // Header + 2 × 16 rows.
    assert_eq!(ref_lines.len(), 33);

    let d = out_dir("dur-sweep");
    let ds = d.to_str().unwrap().to_string();
    let log = d.join("results.csv");
    let mut kept = String::new();
    // Killed once after at least 4 rows, then (resumed) again after at least 12.
    for (n, extra) in [(4, &[][..]), (12, &["--resume"][..])] {
        let mut child = spawn(&sweep_args(&ds, extra));
        wait_rows(&log, n, &mut child);
        kill(&mut child);
        let text = read(log.clone());
        // Nothing finished earlier was lost or changed by the run that was killed.
        assert!(text.starts_with(&kept), "a row written before was lost");
        kept = complete_lines(&text).concat();
        assert!(
            complete_lines(&text).len() > n,
            "the sweep ended before {n} rows: {} lines",
            complete_lines(&text).len()
        );
    }
    let finished_before: BTreeSet<(String, String)> = complete_lines(&kept)[1..]
        .iter()
        .map(|l| point(l))
        .collect();
    assert!(finished_before.len() < 32, "the kill came after the end");

    ok(&ecsim(&sweep_args(&ds, &["--resume"])));
    let after = read(log.clone());
    // The rows finished before the kills are still there byte-for-byte, in their place (a torn
    // last line, if the kill made one, was cut off: `kept` holds only complete lines).
    assert!(after.starts_with(&kept));
    let rows = complete_lines(&after);
    assert_eq!(after, rows.concat(), "results.csv ends with a torn line");
    // Every point exactly once: 32 rows, 32 distinct (variant, seed).
    let points: Vec<(String, String)> = rows[1..].iter().map(|l| point(l)).collect();
    assert_eq!(points.len(), 32);
    assert_eq!(points.iter().collect::<BTreeSet<_>>().len(), 32);
    // The same rows as the uninterrupted sweep (each row's bytes, its check included), and
    // the same sorted table and summaries.
    assert_eq!(rows.into_iter().collect::<BTreeSet<_>>(), ref_lines);
    for f in ["results-sorted.csv", "summary.csv", "summary.json"] {
        assert_eq!(read(reference.join(f)), read(d.join(f)), "{f}");
    }
    let (_, hidden) = listing(&d);
    assert!(hidden.is_empty(), "{hidden:?}");
    let _ = std::fs::remove_dir_all(&reference);
    let _ = std::fs::remove_dir_all(&d);
}

/// `report.json`'s `files`: the run's output set, as the manifest lists it.
fn manifest_of(d: &Path) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    v["files"]
        .as_array()
        .expect("report.json lists its files")
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

/// A scenario named `name` (one FARGATE task for 10 minutes), written into `dir` as
/// `file`.
fn named_scenario(dir: &Path, file: &str, name: &str) {
    let text = serde_json::json!({
        "name": name,
        "duration": "10m",
        "capacityProviders": [{"name": "FARGATE"}],
        "services": [{
            "serviceName": "web",
            "taskDefinition": {"family": "web", "cpu": "256", "memory": "512"},
            "desiredCount": 1,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]
        }]
    });
    std::fs::write(dir.join(file), text.to_string()).unwrap();
}

#[test]
fn a_default_folder_never_leads_outside_output() {
    // Each command runs in a fresh folder T. Before the fix `output/<name>` was joined as
    // given: ".." wrote report.json into T itself, "../escaped" into T/escaped, an absolute
    // name into that absolute folder, and "/../../x" after compare's and sweep's prefix
    // (`output/compare-/../../x` = T/x) into T. Now each is one component under T/output,
    // or refused when nothing is left of it.
    let t = out_dir("names");
    std::fs::create_dir_all(&t).unwrap();
    let ts = t.to_str().unwrap();
    named_scenario(&t, "dots.json", "..");
    let o = crate::support::ecsim_in(&t, &["run", "dots.json", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("dots.json: name: \"..\" gives no folder name under output/"),
        "{err}"
    );
    assert!(!t.join("report.json").exists());

    named_scenario(&t, "up.json", "../escaped");
    ok(&crate::support::ecsim_in(&t, &["run", "up.json", "-q"]));
    assert!(!t.join("escaped").exists());
    // "../escaped": `.`, `.`, `/` → "..-escaped" → leading `.` and `-` dropped → "escaped".
    assert!(t.join("output/escaped/report.json").is_file());

    let abs = t.join("abs");
    named_scenario(&t, "abs.json", abs.to_str().unwrap());
    let o = crate::support::ecsim_in(&t, &["run", "abs.json"]);
    ok(&o);
    assert!(!abs.exists(), "an absolute name chose the folder");
    // The absolute path's `/` become `-`: "/tmp/…/abs" → "tmp-…-abs", said in a note.
    let folder = ecsim::outdir::component(abs.to_str().unwrap()).unwrap();
    assert!(t.join("output").join(&folder).join("report.json").is_file());
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not one plain folder name"));

    named_scenario(&t, "climb.json", "/../../x");
    ok(&crate::support::ecsim_in(
        &t,
        &["compare", "climb.json", "climb.json", "-q", "--no-charts"],
    ));
    assert!(!t.join("x").exists());
    assert!(t.join("output/compare-x/comparison.json").is_file());
    ok(&crate::support::ecsim_in(
        &t,
        &["sweep", "climb.json", "--seeds", "1", "--jobs", "1", "-q"],
    ));
    assert!(t.join("output/sweep-x/summary.json").is_file());
    // Nothing was written beside T/output (the scenario files are T's only other entries).
    let mut top: Vec<String> = std::fs::read_dir(&t)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(
        top,
        ["abs.json", "climb.json", "dots.json", "output", "up.json"],
        "in {ts}"
    );
    let _ = std::fs::remove_dir_all(&t);
}

#[test]
fn a_folder_holds_exactly_the_last_runs_set_and_explain_reads_only_it() {
    // Run 1: charts and placements.json. The user adds notes.txt. Run 2 into the same folder
    // with --no-charts and no --explain-placement: its set has no chart and no
    // placements.json, so the folder holds run 2's set (as its manifest lists it) and
    // notes.txt — no chart, no placements.json of run 1 — and explain tells run 2.
    let d = out_dir("one-set");
    let ds = d.to_str().unwrap();
    let base = [
        "run",
        "scaling-step-reaction",
        "--duration",
        "2h",
        "-q",
        "--out",
        ds,
    ];
    let first: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--explain-placement"])
        .collect();
    ok(&ecsim(&first));
    let (one, _) = listing(&d);
    assert!(one.contains_key("placements.json") && one.contains_key("tasks-web.png"));
    std::fs::write(d.join("notes.txt"), "mine").unwrap();
    let second: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--no-charts", "--seed", "8"])
        .collect();
    ok(&ecsim(&second));
    let (two, hidden) = listing(&d);
    assert!(hidden.is_empty(), "{hidden:?}");
    let mut expected = manifest_of(&d);
    assert!(
        !expected
            .iter()
            .any(|f| f.ends_with(".png") || f.ends_with(".svg"))
    );
    assert!(!expected.contains(&"placements.json".to_string()));
    expected.push("notes.txt".into());
    expected.sort();
    assert_eq!(two.keys().cloned().collect::<Vec<_>>(), expected);
    // A file the manifest does not name is never read: a broken placements.json beside the
    // set (before the fix explain parsed it and stopped with exit 2).
    std::fs::write(d.join("placements.json"), "not json").unwrap();
    let o = ecsim(&["explain", ds]);
    ok(&o);
    // Run 2 recorded no placements, and explain says so.
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Placements: not recorded"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A sweep into the folder: the run's set goes; the sweep's five files, notes.txt and the
    // placements.json written by hand (never ecsim's) are what is left.
    ok(&ecsim(&[
        "sweep",
        "scaling-step-reaction",
        "--duration",
        "1h",
        "--seeds",
        "1",
        "-q",
        "--out",
        ds,
    ]));
    let (sweep, _) = listing(&d);
    assert_eq!(
        sweep.keys().cloned().collect::<Vec<_>>(),
        [
            "grid.json",
            "notes.txt",
            "placements.json",
            "results-sorted.csv",
            "results.csv",
            "summary.csv",
            "summary.json"
        ]
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn one_command_writes_a_folder_at_a_time() {
    // This test process holds the folder's lock (as a running command does): run, compare
    // and sweep into it are refused before they run (exit 2), naming this process. Before the
    // fix each ran and wrote beside the other.
    let d = out_dir("locked");
    let ds = d.to_str().unwrap();
    let held = ecsim::outdir::OutDir::open(&d).unwrap();
    let holder = format!("in use by process {} (", std::process::id());
    for args in [
        vec!["run", "quickstart", "--duration", "10m", "-q", "--out", ds],
        vec![
            "compare",
            "quickstart",
            "quickstart",
            "--duration",
            "10m",
            "-q",
            "--out",
            ds,
        ],
        vec![
            "sweep",
            "quickstart",
            "--duration",
            "10m",
            "--seeds",
            "1",
            "-q",
            "--out",
            ds,
        ],
    ] {
        let o = ecsim(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&holder), "{err}");
    }
    assert!(listing(&d).0.is_empty(), "a refused command wrote");
    drop(held);

    // Two real runs: the second starts while the first holds the folder (its pid in the lock
    // file) and is refused naming it; the first completes its set alone.
    let mut first = spawn(&run_args("1", ds));
    let lock = d.join(ecsim::outdir::LOCK);
    let pid = format!("process {} (", first.id());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .contains(&pid)
    {
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let o = ecsim(&run_args("2", ds));
    let status = first.wait().unwrap();
    assert!(status.success());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&pid));
    let (visible, hidden) = listing(&d);
    assert!(hidden.is_empty(), "{hidden:?}");
    assert_eq!(visible.keys().cloned().collect::<Vec<_>>(), manifest_of(&d));
    // Seed 1's run wrote them: report.json says so.
    let v: serde_json::Value = serde_json::from_slice(&visible["report.json"]).unwrap();
    assert_eq!(v["scenario"]["seed"], 1);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_service_name_of_255_characters_makes_file_names_the_file_system_takes() {
    // ECS allows 255 characters in a service name. Its charts were `tasks-NAME.png` and
    // `metric-NAME-cpu50.png`: 265 and 266 bytes, over the 255 a file name may have, so
    // the run failed after simulating ("File name too long"). Now a chart's name is at most
    // 120 bytes before its extension (111 bytes, `-`, 8 hex digits of a hash when cut).
    let d = out_dir("long-name");
    let ds = d.to_str().unwrap();
    let name = "a".repeat(255);
    let set = format!("services.web.serviceName={name}");
    ok(&ecsim(&[
        "run",
        "scaling-step-reaction",
        "--duration",
        "30m",
        "--set",
        &set,
        "-q",
        "--out",
        ds,
    ]));
    let (visible, _) = listing(&d);
    let tasks: Vec<&String> = visible
        .keys()
        .filter(|n| n.starts_with("tasks-") && n.ends_with(".png"))
        .collect();
    assert_eq!(tasks.len(), 1, "{:?}", visible.keys());
    // "tasks-" + 105 × "a" = 111 bytes, then "-" and 8 hex digits, then ".png": 124.
    assert_eq!(tasks[0].len(), 124);
    assert!(tasks[0].starts_with(&format!("tasks-{}-", "a".repeat(105))));
    assert!(
        visible
            .keys()
            .any(|n| n.starts_with("metric-aaa") && n.len() == 124)
    );
    assert!(visible.keys().all(|n| n.len() <= 124));
    let _ = std::fs::remove_dir_all(&d);
}
