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
use super::stats::Summary;
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

/// What to sweep (`ecsim sweep`'s options; `cli.rs` maps its flags onto these). The texts are
/// checked together by [`sweep`], every problem listed once, named by the option it belongs to
/// (`--vary`, `--set`, …).
///
/// ```
/// use ecsim::sweep::SweepOptions;
/// let dir = std::env::temp_dir().join(format!("ecsim-doc-sweep-{}", std::process::id()));
/// let _ = std::fs::remove_dir_all(&dir);
/// let done = ecsim::sweep::sweep(&SweepOptions {
///     scenario: "quickstart".into(),
///     vary: vec!["services.web.desiredCount=1,2".into()],
///     seeds: 2,
///     duration: Some("10m".into()),
///     jobs: Some(1),
///     out: Some(dir.clone()),
///     quiet: true,
///     ..Default::default()
/// })
/// .unwrap();
/// // Two variants (desiredCount 1 and 2) × two seeds (42, 43) = 4 runs, each a row.
/// assert_eq!((done.points, done.rows.len()), (4, 4));
/// // One summary per variant, each over its 2 seeds.
/// assert_eq!(done.summaries.len(), 2);
/// assert!(done.summaries.iter().all(|(_, s)| s[0].n == 2));
/// assert!(dir.join("summary.json").is_file());
/// // The table a CLI prints; printing it is the caller's choice.
/// assert!(done.table().contains("desiredCount=2"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    /// A scenario file or the name of a bundled scenario.
    pub scenario: String,
    /// Alternatives for one field each: `PATH=V1,V2,...` or `PATH=[JSON,...]`; the grid is
    /// their cartesian product, the first slowest.
    pub vary: Vec<String>,
    /// `PATH=VALUE` assignments made in every variant, before the varied values.
    pub sets: Vec<String>,
    /// Seeds per variant: seed … seed + N − 1 (at least 1).
    pub seeds: u64,
    /// The first seed (None: the scenario's).
    pub seed: Option<u64>,
    /// Simulated length of every run, e.g. `6h` (None: the scenario's).
    pub duration: Option<String>,
    /// Threads (None: one per core; never more than the runs to do; 0 is refused).
    pub jobs: Option<usize>,
    /// Only shard `I/N` (0-based): every N-th point from the I-th.
    pub shard: Option<String>,
    /// Continue the sweep already in `out`: skip finished points, drop a torn last row.
    pub resume: bool,
    /// The output folder (None: `output/sweep-NAME`, NAME the scenario's name, with
    /// `-shard-I-of-N` for a shard).
    pub out: Option<PathBuf>,
    /// No progress bar, notes or warnings on stderr (errors are returned, never printed).
    pub quiet: bool,
}

/// What to merge (`ecsim merge`'s options).
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// The sweep folders to join (each with grid.json and results.csv), at least one.
    pub dirs: Vec<PathBuf>,
    /// Where the joined results go.
    pub out: PathBuf,
    /// No warning that the output folder cannot be locked. The warnings about the folders'
    /// rows (a damaged line skipped, points missing) are printed on stderr all the same.
    pub quiet: bool,
}

/// A finished sweep or merge: what its folder holds. Nothing of it is printed by [`sweep`] or
/// [`merge`]; `ecsim` prints [`SweepResult::table`] and a line of counts.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The output folder.
    pub out: PathBuf,
    /// The grid (all of it, also for a shard).
    pub grid: Grid,
    /// The points this sweep covers (its shard's, or every point of the grid).
    pub points: usize,
    /// The rows that count, one per finished point, in (variant, seed) order.
    pub rows: Vec<Row>,
    /// Per variant with rows: its index and one summary per metric, in
    /// [`super::run::METRICS`] order (as summary.csv).
    pub summaries: Vec<(usize, Vec<Summary>)>,
}

impl SweepResult {
    /// The per-variant table `ecsim sweep` and `ecsim merge` print.
    pub fn table(&self) -> String {
        results::table(&self.grid, &self.summaries)
    }
}

/// A finished merge.
#[derive(Debug, Clone)]
pub struct MergeResult {
    /// The joined results, as a sweep of the whole grid.
    pub sweep: SweepResult,
    /// The folders joined.
    pub folders: usize,
    /// The grid's points no folder had.
    pub missing: usize,
}

/// The flags, checked: `--vary` axes, `--set` and `--duration` assignments, the shard.
struct Flags {
    axes: Vec<Axis>,
    sets: Vec<Assignment>,
    shard: Option<Shard>,
}

fn parse_flags(args: &SweepOptions) -> Result<Flags, Error> {
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

/// `ecsim sweep`: checks the options and every variant (exit 2 before anything runs), writes
/// grid.json and results.csv, runs the points not yet done, then writes the sorted results and
/// the summaries. Prints notes, warnings and a progress bar on stderr unless `quiet`, never the
/// result: that is returned.
pub fn sweep(args: &SweepOptions) -> Result<SweepResult, Error> {
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
    let summaries = results::write_tables(&dir, &gf, &grid, &mut rows)?;
    drop(dir);
    let points = points.len();
    Ok(SweepResult {
        out,
        grid,
        points,
        rows,
        summaries,
    })
}

/// Runs the `points` not `finished` (`already` of them are) on a pool of `--jobs` threads (all
/// cores by default, never more than the runs to do), appending each finished run to `log`;
/// the progress bar counts from the points already done. The points are taken by index, one
/// at a time, so nothing is allocated per point.
fn run_points(
    args: &SweepOptions,
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

/// `ecsim merge`: joins sweep folders (shards) of one grid into `out`, refusing mismatched
/// grids and overlapping shards (exit 2). Warns on stderr of damaged lines skipped and of
/// points missing; the result is returned, not printed.
pub fn merge(args: &MergeOptions) -> Result<MergeResult, Error> {
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
    let Some((_, g0, grid)) = first else {
        return Err(Error::invalid(
            "merge",
            "",
            "give at least one sweep folder",
        ));
    };
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
    let summaries = results::write_tables(&dir, &gf, &grid, &mut rows)?;
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
    let points = all.len();
    Ok(MergeResult {
        sweep: SweepResult {
            out: out.clone(),
            grid,
            points,
            rows,
            summaries,
        },
        folders: args.dirs.len(),
        missing,
    })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ecsim-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn shards_swept_and_merged_through_the_library() {
        // quickstart at two desired counts × 2 seeds = 4 points; shard 0/2 takes points 0 and
        // 2, shard 1/2 points 1 and 3 (every 2nd from the I-th), so each has 2 rows.
        let (a, b, m) = (folder("lib-a"), folder("lib-b"), folder("lib-m"));
        let shard = |i: usize, out: &Path| {
            sweep(&SweepOptions {
                scenario: "quickstart".into(),
                vary: vec!["services.web.desiredCount=1,2".into()],
                seeds: 2,
                duration: Some("10m".into()),
                jobs: Some(1),
                shard: Some(format!("{i}/2")),
                out: Some(out.to_path_buf()),
                quiet: true,
                ..Default::default()
            })
            .expect("a valid sweep")
        };
        let (ra, rb) = (shard(0, &a), shard(1, &b));
        assert_eq!((ra.points, ra.rows.len()), (2, 2));
        assert_eq!((rb.points, rb.rows.len()), (2, 2));
        // Shard 0's rows, in (variant, seed) order: point 0 = (variant 0, seed 42), point 2 =
        // (variant 1, seed 42) — the seed runs fastest (2 seeds a variant).
        let got: Vec<(usize, u64)> = ra.rows.iter().map(|r| (r.variant, r.seed)).collect();
        assert_eq!(got, [(0, 42), (1, 42)]);
        let merged = merge(&MergeOptions {
            dirs: vec![a.clone(), b.clone()],
            out: m.clone(),
            quiet: true,
        })
        .expect("the shards join");
        // Two folders, nothing missing: all 4 points, 2 variants of 2 seeds each.
        assert_eq!((merged.folders, merged.missing), (2, 0));
        assert_eq!((merged.sweep.points, merged.sweep.rows.len()), (4, 4));
        assert_eq!(merged.sweep.summaries.len(), 2);
        assert!(merged.sweep.summaries.iter().all(|(_, s)| s[0].n == 2));
        // The merge's rows are the shards' rows, each point once.
        let mut both: Vec<Row> = ra.rows.iter().chain(&rb.rows).cloned().collect();
        both.sort_by_key(|r| (r.variant, r.seed));
        assert_eq!(merged.sweep.rows, both);
        for d in [a, b, m] {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    #[test]
    fn a_merge_of_no_folder_is_refused() {
        // The command line requires a folder; the library says so instead of panicking.
        let e = merge(&MergeOptions {
            dirs: Vec::new(),
            out: folder("lib-none"),
            quiet: true,
        })
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("give at least one sweep folder"),
            "{e}"
        );
    }
}
