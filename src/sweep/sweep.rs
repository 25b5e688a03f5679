//! `ecsim sweep`: a grid of variants × seeds (or one shard of it) run in parallel, each run on
//! one thread and deterministic, results appended to `results.csv` as they finish, resumable;
//! and `ecsim merge`, which joins the folders of a sharded sweep.
//!
//! Durability of `results.csv`: each finished run is one complete line handed to the kernel by a
//! single `write_all` on an unbuffered file opened for appending (so nothing waits in a user-space
//! buffer, and `flush` has nothing left to do). There is no fsync per row: a process that is
//! killed (Ctrl-C, a scheduler's preemption, the OOM killer) loses nothing the kernel already
//! has, and only a machine crash can lose or tear the last rows — which the per-row check and
//! `--resume` are there to catch. The file is fsync'd once when the runs end, before the sorted
//! tables are made from it.

use super::grid::{Axis, Grid, Points, parse_shard};
use super::results::{self, GridFile, Row, Shard};
use super::run::{self, problem};
use crate::cli::{MergeArgs, SweepArgs};
use crate::error::{Error, Problem};
use crate::scenario::set_path::{self, Assignment};
use crate::scenario::source::Source;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The flags, checked: `--vary` axes, `--set` and `--duration` assignments, the shard.
struct Flags {
    axes: Vec<Axis>,
    sets: Vec<Assignment>,
    shard: Option<Shard>,
}

fn parse_flags(args: &SweepArgs) -> Result<Flags, Error> {
    let mut problems = Vec::new();
    let mut axes: Vec<Axis> = Vec::new();
    for text in &args.vary {
        match set_path::parse_vary(text) {
            Ok((path, values)) => {
                if axes.iter().any(|a| a.path == path) {
                    problems.push(problem(
                        "--vary",
                        &path,
                        "varied twice: give one --vary per path",
                    ));
                } else {
                    axes.push(Axis { path, values });
                }
            }
            Err(e) => problems.push(problem("--vary", &e.path, e.message)),
        }
    }
    let sets = run::common_assignments(&args.sets, args.duration.as_deref(), &mut problems);
    let shard = match args.shard.as_deref().map(parse_shard) {
        None => None,
        Some(Ok((index, count))) => Some(Shard { index, count }),
        Some(Err(e)) => {
            problems.push(problem("--shard", "", e));
            None
        }
    };
    if args.jobs == Some(0) {
        problems.push(problem("--jobs", "", "0 threads: give at least 1"));
    }
    if args.seeds == 0 {
        problems.push(problem("--seeds", "", "0 seeds: give at least 1"));
    }
    if problems.is_empty() {
        Ok(Flags { axes, sets, shard })
    } else {
        Err(Error::Invalid(problems))
    }
}

/// `path=compact JSON`: how an assignment is recorded in grid.json and fingerprinted.
fn canonical(a: &Assignment) -> String {
    format!("{}={}", a.path, a.value)
}

/// Loads the scenario with `sets`, then every variant at the first seed, collecting every
/// problem (each named with the variant it first appears in); returns the warnings, each once.
fn check_variants(source: &Source, sets: &[Assignment], grid: &Grid) -> Result<Vec<String>, Error> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut warnings: Vec<String> = Vec::new();
    for v in &grid.variants {
        match run::load_point(std::slice::from_ref(source), grid, sets, v.index, grid.seed) {
            Ok(sc) => {
                for w in sc.warnings {
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
            }
            Err(Error::Invalid(ps)) => {
                for mut p in ps {
                    let key = (p.file.clone(), p.path.clone(), p.message.clone());
                    if seen.insert(key) {
                        if !grid.axes.is_empty() {
                            p.message = format!("{} (variant {}: {})", p.message, v.index, v.label);
                        }
                        problems.push(p);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(warnings)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Runs one point: the scenario with `sets`, then the variant's values, then the seed.
fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Output {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Reads a folder's results.csv for `--resume`: the rows that count, after cutting a torn or
/// damaged tail off the file. A damaged row followed by good ones, or a point twice, is refused.
fn resume_rows(path: &Path, grid: &Grid, quiet: bool) -> Result<Vec<Row>, Error> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(io_err(path))?;
    let lines = results::read_lines(grid, &bytes).map_err(|m| {
        Error::invalid(
            &file,
            "",
            format!("{m}: it belongs to another sweep (choose another --out)"),
        )
    })?;
    let first_bad = lines.iter().position(|l| l.row.is_err());
    if let Some(k) = first_bad {
        if let Some(good) = lines[k..].iter().find(|l| l.row.is_ok()) {
            let bad = &lines[k];
            return Err(Error::invalid(
                &file,
                "",
                format!(
                    "line {} does not count ({}) but line {} after it does: this is not a torn tail; \
                     remove the damaged line by hand, then --resume",
                    bad.number,
                    bad.row.as_ref().unwrap_err(),
                    good.number
                ),
            ));
        }
        let cut = lines[k].offset;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(io_err(path))?;
        f.set_len(cut).map_err(io_err(path))?;
        f.sync_all().map_err(io_err(path))?;
        if !quiet {
            for l in &lines[k..] {
                crate::term::err(&format!(
                    "resume: dropped line {} of {file}: {}",
                    l.number,
                    l.row.as_ref().unwrap_err()
                ));
            }
        }
    }
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for l in lines.into_iter().take(first_bad.unwrap_or(usize::MAX)) {
        let r = l.row.expect("good rows only");
        if !seen.insert((r.variant, r.seed)) {
            return Err(Error::invalid(
                &file,
                "",
                format!(
                    "line {}: variant {} seed {} is there twice (did two sweeps write this folder?)",
                    l.number, r.variant, r.seed
                ),
            ));
        }
        rows.push(r);
    }
    Ok(rows)
}

/// `ecsim sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), Error> {
    let flags = parse_flags(args)?;
    let source = Source::resolve(Some(&args.scenario))?;
    let base = source.load(&flags.sets)?;
    let seed = args.seed.unwrap_or(base.seed);
    let mut sets = flags.sets.clone();
    if let Some(s) = args.seed {
        // Recorded with the --sets so grid.json tells the whole command; the seed of each run
        // is set per point after the variant's values.
        sets.push(Assignment::new("seed", s.into()).expect("a path"));
    }
    let grid = Grid::new(vec![args.scenario.clone()], flags.axes, seed, args.seeds)
        .map_err(run::grid_error)?;
    let warnings = check_variants(&source, &flags.sets, &grid)?;
    if !args.quiet {
        for w in &warnings {
            crate::term::err(&format!("warning: {w}"));
        }
    }
    let points = match flags.shard {
        Some(s) => grid.shard(s.index, s.count),
        None => grid.points(),
    };
    let canon: Vec<String> = sets.iter().map(canonical).collect();
    let gf = GridFile {
        schema: results::GRID_SCHEMA.into(),
        ecsim_version: env!("CARGO_PKG_VERSION").into(),
        scenario_name: base.name.clone(),
        scenarios: grid.scenarios.clone(),
        axes: grid.axes.clone(),
        seed: grid.seed,
        seeds: grid.seeds,
        fingerprint: results::fingerprint(&[&source.text], &canon),
        sets: canon,
        metrics: run::METRICS.iter().map(|m| m.to_string()).collect(),
        shard: flags.shard,
        points: points.len(),
        variants: grid.variants.iter().map(|v| v.label.clone()).collect(),
        merged_from: Vec::new(),
    };
    let out = match &args.out {
        Some(o) => o.clone(),
        None => {
            let (folder, note) =
                crate::outdir::default_folder("sweep-", &base.name, &args.scenario)?;
            if let Some(n) = note
                && !args.quiet
            {
                crate::term::err(&format!("note: {n}"));
            }
            match flags.shard {
                Some(s) => {
                    let mut name = folder.into_os_string();
                    name.push(format!("-shard-{}-of-{}", s.index, s.count));
                    PathBuf::from(name)
                }
                None => folder,
            }
        }
    };
    let dir = crate::outdir::OutDir::open_for_command(&out, args.quiet)?;
    let log = out.join("results.csv");
    let done: Vec<Row> = if log.exists() {
        if !args.resume {
            return Err(Error::invalid(
                &log.display().to_string(),
                "--out",
                "this folder already holds a sweep's results.csv: add --resume to continue \
                 that sweep, or choose another --out (nothing is overwritten)",
            ));
        }
        let (old, _) = GridFile::read(&out)?;
        let diff = gf.differences(&old, true);
        if !diff.is_empty() {
            return Err(Error::Invalid(
                diff.into_iter()
                    .map(|d| {
                        problem(
                            &out.join("grid.json").display().to_string(),
                            "--resume",
                            format!("not the same grid: {d} (this command vs the folder's)"),
                        )
                    })
                    .collect(),
            ));
        }
        let rows = resume_rows(&log, &grid, args.quiet)?;
        results::begin(&dir)?;
        rows
    } else {
        results::begin(&dir)?;
        gf.write(&dir)?;
        crate::outdir::write_atomic(&log, results::header(&grid, true).as_bytes())?;
        Vec::new()
    };
    let finished: BTreeSet<(usize, u64)> = done.iter().map(|r| (r.variant, r.seed)).collect();
    let already = finished
        .iter()
        .filter(|&&(v, s)| points.contains(v, s))
        .count();
    if args.resume && !args.quiet {
        crate::term::err(&format!(
            "resume: {already} of {} points already done, {} to run",
            points.len(),
            points.len() - already
        ));
    }

    run_points(args, &source, &flags.sets, points, &finished, already, &log)?;

    // The tables come from the log itself, whatever order the rows finished in.
    let mut rows = resume_rows(&log, &grid, true)?;
    let text = results::write_tables(&dir, &gf, &grid, &mut rows)?;
    drop(dir);
    if !args.quiet {
        crate::term::out(&format!(
            "{text}\n{} of {} points · wrote {}\n",
            rows.len(),
            points.len(),
            out.display()
        ));
    }
    Ok(())
}

/// Runs the `points` not `finished` (`already` of them are) on a pool of `--jobs` threads (all
/// cores by default, never more than the runs to do), appending each finished run to `log`;
/// the progress bar counts from the points already done. The points are taken by index, one
/// at a time, so nothing is allocated per point.
fn run_points(
    args: &SweepArgs,
    source: &Source,
    sets: &[Assignment],
    points: Points<'_>,
    finished: &BTreeSet<(usize, u64)>,
    already: usize,
    log: &Path,
) -> Result<(), Error> {
    let grid = points.grid();
    let pool = run::pool(args.jobs, points.len() - already, "sweep")?;
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(log)
        .map_err(io_err(log))?;
    let file = Mutex::new(file);
    let bar = if args.quiet || !crate::term::stderr_is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(points.len() as u64), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{wide_bar} {pos}/{len} runs · {rate} · {elapsed} elapsed · ETA {eta}",
        )
        .map(|st| {
            st.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} runs/s", state.per_sec());
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(already as u64);
    bar.reset_eta();
    let stop = AtomicBool::new(false);
    let failures: Mutex<Vec<(usize, u64, Error)>> = Mutex::new(Vec::new());
    let panicked: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    pool.install(|| {
        (0..points.len())
            .into_par_iter()
            .with_max_len(1)
            .for_each(|j| {
                let (v, seed) = points.get(j);
                if finished.contains(&(v, seed)) || stop.load(Ordering::Relaxed) {
                    return;
                }
                // A panic (a bug; the hook has printed it) stops the sweep once the rows already
                // finished are safe in the log, then goes on up as the panic it was.
                let outcome = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run::run_point(std::slice::from_ref(source), grid, sets, v, seed, false)
                        .map(|r| run::headline(&r))
                })) {
                    Ok(o) => o,
                    Err(payload) => {
                        stop.store(true, Ordering::Relaxed);
                        let mut slot = panicked.lock().unwrap_or_else(|e| e.into_inner());
                        slot.get_or_insert(payload);
                        return;
                    }
                };
                let written = outcome.and_then(|values| {
                    let line = results::row_line(grid, v, seed, &values);
                    let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
                    f.write_all(line.as_bytes())
                        .and_then(|()| f.flush())
                        .map_err(io_err(log))
                });
                match written {
                    Ok(()) => bar.inc(1),
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((v, seed, e));
                    }
                }
            });
    });
    bar.finish_and_clear();
    let file = file.into_inner().unwrap_or_else(|e| e.into_inner());
    file.sync_all().map_err(io_err(log))?;
    if let Some(payload) = panicked.into_inner().unwrap_or_else(|e| e.into_inner()) {
        crate::term::err(&resume_note(log));
        std::panic::resume_unwind(payload);
    }
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|f| (f.0, f.1));
    if let Some((v, seed, e)) = failures.into_iter().next() {
        return Err(Error::Failed {
            step: format!("variant {v} seed {seed}"),
            source: Box::new(e),
            next: resume_note(log),
        });
    }
    Ok(())
}

/// What to do after a sweep stopped part-way.
fn resume_note(log: &Path) -> String {
    format!(
        "the runs that finished are in {}: run the same command with --resume to go on",
        log.display()
    )
}

/// `ecsim merge`: joins sweep folders (shards) of one grid into `--out`.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let mut first: Option<(PathBuf, GridFile, Grid)> = None;
    let mut problems = Vec::new();
    let mut owners: BTreeMap<(usize, u64), PathBuf> = BTreeMap::new();
    let mut rows: Vec<Row> = Vec::new();
    for dir in &args.dirs {
        let (gf, grid) = GridFile::read(dir)?;
        if let Some((d0, g0, _)) = &first {
            let diff = g0.differences(&gf, false);
            if !diff.is_empty() {
                for d in diff {
                    problems.push(problem(
                        &dir.join("grid.json").display().to_string(),
                        "",
                        format!(
                            "not the same grid as {}: {d} ({} vs this folder)",
                            d0.display(),
                            d0.display()
                        ),
                    ));
                }
                continue;
            }
        } else {
            first = Some((dir.clone(), gf.clone(), grid.clone()));
        }
        let log = dir.join("results.csv");
        let file = log.display().to_string();
        let bytes = std::fs::read(&log)
            .map_err(|e| Error::invalid(&file, "", format!("cannot read it ({e})")))?;
        let lines = results::read_lines(&grid, &bytes).map_err(|m| Error::invalid(&file, "", m))?;
        for l in lines {
            match l.row {
                Ok(r) => {
                    if let Some(other) = owners.get(&(r.variant, r.seed)) {
                        problems.push(problem(
                            &file,
                            "",
                            format!(
                                "line {}: variant {} seed {} is also in {} (overlapping shards?)",
                                l.number,
                                r.variant,
                                r.seed,
                                other.display()
                            ),
                        ));
                    } else {
                        owners.insert((r.variant, r.seed), dir.clone());
                        rows.push(r);
                    }
                }
                Err(why) => crate::term::err(&format!(
                    "warning: {file} line {}: skipped, {why}",
                    l.number
                )),
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let (_, g0, grid) = first.expect("clap requires a folder");
    let out = &args.out;
    let out_s = out.display().to_string();
    if args.dirs.iter().any(|d| same_dir(d, out)) {
        return Err(Error::invalid(
            &out_s,
            "--out",
            "is one of the folders being merged: choose another --out",
        ));
    }
    if out.join("results.csv").exists() {
        let previous_merge = GridFile::read(out)
            .map(|(g, _)| !g.merged_from.is_empty())
            .unwrap_or(false);
        if !previous_merge {
            return Err(Error::invalid(
                &out_s,
                "--out",
                "already holds a sweep's results.csv that no merge wrote: choose another --out",
            ));
        }
    }
    let dir = crate::outdir::OutDir::open_for_command(out, args.quiet)?;
    rows.sort_by_key(|r| (r.variant, r.seed));
    let all = grid.points();
    // Every row read is a point of the grid (parse_row checks it), each once: the rest are
    // missing. The first ten are found by walking the points in order, past at most the rows
    // present, so a grid of many more points than rows costs nothing.
    let missing = all.len().saturating_sub(owners.len());
    let first_missing: Vec<(usize, u64)> = if missing == 0 {
        Vec::new()
    } else {
        all.iter()
            .filter(|&(v, s)| !owners.contains_key(&(v, s)))
            .take(10)
            .collect()
    };
    let gf = GridFile {
        shard: None,
        points: all.len(),
        merged_from: args.dirs.iter().map(|d| d.display().to_string()).collect(),
        ..g0
    };
    results::begin(&dir)?;
    gf.write(&dir)?;
    crate::outdir::write_atomic(
        &out.join("results.csv"),
        results::log_csv(&grid, &rows).as_bytes(),
    )?;
    let text = results::write_tables(&dir, &gf, &grid, &mut rows)?;
    drop(dir);
    if missing > 0 {
        let list: Vec<String> = first_missing
            .iter()
            .map(|(v, s)| format!("variant {v} seed {s}"))
            .collect();
        crate::term::err(&format!(
            "warning: {} of {} points are missing (not in any folder): {}{} — the summary covers \
             the {} present; `ecsim sweep ... --resume --out {}` with the sweep's flags (no \
             --shard) runs the rest",
            missing,
            all.len(),
            list.join(", "),
            if missing > 10 { ", …" } else { "" },
            rows.len(),
            out.display()
        ));
    }
    if !args.quiet {
        crate::term::out(&format!(
            "{text}\n{} of {} points from {} folders · wrote {}\n",
            rows.len(),
            all.len(),
            args.dirs.len(),
            out.display()
        ));
    }
    Ok(())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
