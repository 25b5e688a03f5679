//! Durability (issue 8, item 5): real `ecsim` processes killed with SIGKILL (`Child::kill`) at
//! several points. A run leaves the previous complete set of files, or a folder without
//! report.json whose files are each complete, plus hidden temporary files that the next run
//! removes; a sweep resumes without losing a finished row or counting a torn one.

mod common;

use common::{ecsim, ok, out_dir};
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

/// The files of `d`: the visible ones by name with their bytes, and the hidden names apart.
fn listing(d: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let mut visible = BTreeMap::new();
    let mut hidden = Vec::new();
    let Ok(entries) = std::fs::read_dir(d) else {
        return (visible, hidden);
    };
    for e in entries.map(|e| e.unwrap()) {
        let name = e.file_name().to_string_lossy().to_string();
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
            let streamed = n.contains(".partial-");
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
