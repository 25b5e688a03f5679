//! One grid point: a variant of the scenario at one seed, run without output files, reduced to
//! its headline metrics.
//!
//! Common random numbers come from the engine's design: every random stream is keyed by the
//! seed and a stable name (service, provider, fault, market), so two variants at the same seed
//! draw the same traffic noise, arrivals and interruptions wherever the variant does not change
//! what they belong to.

use super::grid::{Grid, GridError};
use crate::error::{Error, Problem};
use crate::report::Report;
use crate::scenario::set_path::{self, Assignment};
use crate::scenario::source::Source;

/// The headline metrics, in column order (results.csv, comparison tables).
pub const METRICS: [&str; 14] = [
    "cost_usd",
    "on_demand_equivalent_usd",
    "idle_usd",
    "served_fraction",
    "seconds_below_desired",
    "instances_peak",
    "instances_in_use_final",
    "instance_hours",
    "fargate_task_hours",
    "task_starts",
    "scaling_activities",
    "interruptions",
    "tasks_lost",
    "placement_failures",
];

/// How each of [`METRICS`] is written in results.csv and results-sorted.csv: `Some(places)` for
/// a float, rounded to the decimals report.json gives it (USD and fractions 6, seconds 3, hours
/// 4); `None` for a count, an integer column.
pub const PLACES: [Option<u32>; 14] = [
    Some(6),
    Some(6),
    Some(6),
    Some(6),
    Some(3),
    None,
    None,
    Some(4),
    Some(4),
    None,
    None,
    None,
    None,
    None,
];

/// A metric's cell in results.csv ([`PLACES`]): a float rounded to its decimals by the CSV
/// rule ([`crate::report::series::push_float`]), or a count as an integer.
pub fn metric_cell(k: usize, v: f64) -> String {
    match PLACES[k] {
        Some(places) => crate::report::series::rounded_cell(v, places),
        // A count is a whole number below 2^53 by construction (it was counted in a u64).
        None if v.fract() == 0.0 && (0.0..9.0e15).contains(&v) => (v as u64).to_string(),
        None => crate::report::series::float_cell(v),
    }
}

/// The headline metrics of a report, in [`METRICS`] order. `seconds_below_desired`,
/// `task_starts` and `scaling_activities` are summed over services; `interruptions` counts
/// FARGATE_SPOT tasks and EC2 Spot instances interrupted.
pub fn headline(r: &Report) -> Vec<f64> {
    let sum = |f: &dyn Fn(&crate::report::ServiceReport) -> f64| -> f64 {
        r.services.values().map(f).sum()
    };
    vec![
        r.cost.total_usd,
        r.cost.on_demand_equivalent_usd,
        r.cost.idle_usd,
        r.availability.served_fraction,
        sum(&|s| s.seconds_below_desired),
        r.capacity.instances_peak as f64,
        r.capacity.instances_in_use_final as f64,
        r.capacity.instance_hours,
        r.capacity.fargate_task_hours,
        sum(&|s| s.task_starts as f64),
        sum(&|s| s.scaling_activities as f64),
        (r.interruptions.fargate_spot + r.interruptions.ec2_spot) as f64,
        r.interruptions.tasks_lost as f64,
        r.placement.failures as f64,
    ]
}

/// The `--set` assignments that make variant `v` at `seed`.
pub fn assignments(grid: &Grid, v: usize, seed: u64) -> Result<Vec<Assignment>, Error> {
    let mut out = Vec::new();
    for (axis, value) in grid.axes.iter().zip(&grid.variants[v].values) {
        let a = Assignment::new(&axis.path, value.clone())
            .map_err(|e| Error::invalid("--vary", &e.path, e.message.clone()))?
            .given_by("--vary");
        out.push(a);
    }
    out.push(Assignment::new("seed", seed.into()).expect("a valid path"));
    Ok(out)
}

/// Variant `v` of `grid` at `seed` from `sources` (one per grid scenario, in order): the
/// `common` assignments (`--set`, `--duration`) first, then the variant's values and the seed.
pub fn load_point(
    sources: &[Source],
    grid: &Grid,
    common: &[Assignment],
    v: usize,
    seed: u64,
) -> Result<crate::scenario::Scenario, Error> {
    let k = grid.scenario_index(v);
    let mut sets = common.to_vec();
    sets.extend(assignments(grid, v, seed)?);
    sources[k].load(&sets)
}

/// Runs [`load_point`]'s scenario with no files (charts recorded only if `charts`).
pub fn run_point(
    sources: &[Source],
    grid: &Grid,
    common: &[Assignment],
    v: usize,
    seed: u64,
    charts: bool,
) -> Result<Report, Error> {
    let sc = load_point(sources, grid, common, v, seed)?;
    crate::run(
        sc,
        &crate::RunOptions {
            charts,
            no_tables: true,
            ..Default::default()
        },
    )
}

/// A problem of a command-line option (no file position): `file` names the option.
pub(crate) fn problem(file: &str, path: &str, message: impl Into<String>) -> Problem {
    Problem {
        file: file.to_string(),
        pos: None,
        path: path.to_string(),
        message: message.into(),
    }
}

/// The assignments every run of a compare or a sweep shares: each `--set`, then `--duration`
/// as an assignment to `duration`; a malformed one is added to `problems`.
pub(crate) fn common_assignments(
    sets: &[String],
    duration: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Vec<Assignment> {
    let mut common = Vec::new();
    for text in sets {
        match set_path::parse_assignment(text) {
            Ok(a) => common.push(a),
            Err(e) => problems.push(problem("--set", &e.path, e.message)),
        }
    }
    if let Some(d) = duration {
        match crate::scenario::units::Duration::parse(d) {
            Ok(_) => common.push(
                Assignment::new("duration", d.to_string().into())
                    .expect("a valid path")
                    .given_by("--duration"),
            ),
            Err(e) => problems.push(problem("--duration", "", e)),
        }
    }
    common
}

/// A grid the command line cannot make, as the option at fault: `--seeds` (with `--seed`) for
/// the seed range, `--vary` for the variants.
pub(crate) fn grid_error(e: GridError) -> Error {
    let option = match e {
        GridError::Seeds(_) => "--seeds",
        GridError::Variants(_) => "--vary",
    };
    Error::Invalid(vec![problem(option, "", e.message())])
}

/// How many threads a compare or sweep of `runs` runs uses: `--jobs` (else one per core), but
/// never more than the runs — a thread with no run to do is only its start-up cost — and at
/// least one.
///
/// ```text
/// threads(Some(10_000), 2) = 2    threads(Some(3), 10) = 3    threads(Some(4), 0) = 1
/// ```
pub(crate) fn threads(jobs: Option<usize>, runs: usize) -> usize {
    let want = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    want.min(runs).max(1)
}

/// The thread pool of a compare or sweep: [`threads`] threads named `ecsim-<what>-<i>`.
pub(crate) fn pool(
    jobs: Option<usize>,
    runs: usize,
    what: &'static str,
) -> Result<rayon::ThreadPool, Error> {
    let n = threads(jobs, runs);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(move |i| format!("ecsim-{what}-{i}"))
        .build()
        .map_err(|e| Error::invalid("--jobs", "", format!("cannot start {n} threads: {e}")))
}

#[cfg(test)]
mod tests {
    use super::threads;

    #[test]
    fn threads_never_outnumber_the_runs() {
        // 10,000 asked for 2 runs: 2 (each other thread would only start and stop).
        assert_eq!(threads(Some(10_000), 2), 2);
        // Fewer asked than runs: as asked.
        assert_eq!(threads(Some(3), 10), 3);
        // Nothing left to run (a finished sweep resumed): one thread, not zero (rayon's 0 is
        // "one per core").
        assert_eq!(threads(Some(4), 0), 1);
        // The default, one per core, is capped the same way: 1 run, 1 thread.
        assert_eq!(threads(None, 1), 1);
    }
}
