//! `ecsim compare`: several variants (several scenario files, `--vary` over one, or both) run on
//! the same seeds, side by side.
//!
//! Every variant runs at seeds seed … seed + N − 1. Common random numbers come from the engine
//! (every random stream is keyed by the seed and a stable name, [`super::run`]), so at one seed
//! the variants see the same traffic, arrivals and interruptions wherever the variant does not
//! change what they belong to; the saving against the first variant is therefore taken per seed
//! (a paired difference) before it is summarised.
//!
//! The points run in parallel (rayon, `--jobs` threads) and are collected in grid order, so every
//! output is the same whatever the number of threads. Outputs, each written atomically into the
//! output folder: `comparison.json`, `comparison.csv`, the overlay charts (`compare-tasks`,
//! `compare-instances`, `compare-cost`, PNG and SVG, drawn from each variant's first-seed run)
//! and `comparison.html`.

use super::grid::{Axis, Grid, show};
use super::run::{self, METRICS, headline, load_point, problem, run_point};
use super::stats::Summary;
use crate::error::Error;
use crate::outdir::OutDir;
use crate::report::chartdata::ChartData;
use crate::report::charts::{Chart, Overlay, OverlaySeries};
use crate::scenario::set_path::{self, Assignment};
use crate::scenario::source::Source;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The schema name in comparison.json.
pub const SCHEMA: &str = "ecsim.comparison/1";

/// The most runs (variants × seeds) a compare makes: it keeps every run's figures to summarise
/// them and lists them per seed in comparison.json, so its memory and files grow with the runs;
/// `ecsim sweep` streams its results and has no such limit.
pub const MAX_RUNS: usize = 100_000;

/// The metrics a comparison adds to [`METRICS`]: the saving against the first variant at the
/// same seed, in USD and in percent of the first variant's cost.
pub const SAVING_METRICS: [&str; 2] = ["saving_vs_first_usd", "saving_vs_first_pct"];

/// What to compare (`ecsim compare`'s options; `cli.rs` maps its flags onto these). The texts
/// are checked together by [`plan`], every problem listed once, named by the option it belongs
/// to (`--vary`, `--set`, …).
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// Scenario files or bundled names, at least one.
    pub scenarios: Vec<String>,
    /// `--vary PATH=V1,V2,...` or `--vary 'PATH=[JSON, ...]'`.
    pub vary: Vec<String>,
    /// `--set PATH=VALUE`, applied to every variant before the `--vary` values.
    pub sets: Vec<String>,
    /// Seeds per variant (at least 1).
    pub seeds: u64,
    /// The first seed (default: the first scenario's `seed`).
    pub seed: Option<u64>,
    /// Simulated length for every variant (default: each scenario's own).
    pub duration: Option<String>,
    /// Threads (None: one per core; never more than the runs; 0 is refused).
    pub jobs: Option<usize>,
    /// Record each variant's first-seed chart series (the overlay charts).
    pub charts: bool,
    /// The output folder [`compare`] writes (None: `output/compare-NAME`, NAME the first
    /// scenario's name).
    pub out: Option<PathBuf>,
    /// No notes or warnings on stderr from [`compare`] (errors are returned, never printed).
    pub quiet: bool,
}

/// A compare, checked and ready to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The variants and seeds.
    pub grid: Grid,
    /// One source per grid scenario.
    pub sources: Vec<Source>,
    /// `--set` and `--duration`, for every variant.
    pub common: Vec<Assignment>,
    /// Each grid scenario's `name`.
    pub names: Vec<String>,
    /// Threads.
    pub jobs: Option<usize>,
    /// Whether to record the chart series.
    pub charts: bool,
}

/// One metric of one variant over the seeds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MetricResult {
    /// Number of values, mean, sd and the 95 % half-width.
    #[serde(flatten)]
    pub summary: Summary,
    /// One value per seed, in seed order.
    pub values: Vec<f64>,
}

/// One variant's results.
#[derive(Debug, Clone)]
pub struct VariantResult {
    /// `A`, `B`, … (`V27`, … past 26).
    pub letter: String,
    /// A short heading for the table (strategies written as `binpack(memory)`, …).
    pub heading: String,
    /// (metric, result) in [`METRICS`] then [`SAVING_METRICS`] order.
    pub metrics: Vec<(&'static str, MetricResult)>,
    /// The first seed's chart series (None with charts off).
    pub charts: Option<ChartData>,
}

impl VariantResult {
    /// The result of `metric`.
    pub fn metric(&self, metric: &str) -> Option<&MetricResult> {
        self.metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|x| &x.1)
    }
}

/// A finished comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The grid run.
    pub grid: Grid,
    /// Each grid scenario's `name`.
    pub names: Vec<String>,
    /// One per grid variant, in grid order.
    pub variants: Vec<VariantResult>,
}

fn letter(i: usize) -> String {
    if i < 26 {
        char::from(b'A' + i as u8).to_string()
    } else {
        format!("V{}", i + 1)
    }
}

/// Parses the options, reads the scenarios and loads every variant once (at the first seed), so
/// that an unknown scenario, a malformed `--vary` or `--set`, or a path the scenario does not
/// have is refused (exit 2, every problem listed once) before anything runs.
pub fn plan(o: &CompareOptions) -> Result<Plan, Error> {
    let mut problems = Vec::new();
    if o.scenarios.is_empty() {
        problems.push(problem("compare", "", "give at least one scenario"));
    }
    if o.seeds == 0 {
        problems.push(problem("--seeds", "", "at least 1 seed is needed"));
    }
    if o.jobs == Some(0) {
        problems.push(problem("--jobs", "", "0 threads: give at least 1"));
    }
    let mut axes = Vec::new();
    for text in &o.vary {
        match set_path::parse_vary(text) {
            Ok((path, values)) => axes.push(Axis { path, values }),
            Err(e) => problems.push(problem("--vary", &e.path, e.message)),
        }
    }
    // A --vary that could not be read is its own problem, not also "nothing to compare".
    if o.scenarios.len() < 2
        && axes.len() == o.vary.len()
        && axes.iter().map(|a| a.values.len()).product::<usize>() < 2
    {
        problems.push(problem(
            "compare",
            "",
            "nothing to compare: give two or more scenarios, or --vary with two or more values",
        ));
    }
    let common = run::common_assignments(&o.sets, o.duration.as_deref(), &mut problems);
    let mut sources = Vec::new();
    for s in &o.scenarios {
        match Source::resolve(Some(s)) {
            Ok(src) => sources.push(src),
            Err(Error::Invalid(p)) => problems.extend(p),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    // The first seed: --seed, else the first scenario's own.
    let seed = match o.seed {
        Some(s) => s,
        None => sources[0].load(&common)?.seed,
    };
    let grid = Grid::new(o.scenarios.clone(), axes, seed, o.seeds).map_err(run::grid_error)?;
    let runs = grid.points().len();
    if runs > MAX_RUNS {
        return Err(Error::Invalid(vec![problem(
            "--seeds",
            "",
            format!(
                "{} variants × {} seeds = {runs} runs: above the limit of {MAX_RUNS} runs a \
                 compare keeps (it holds and lists every seed's figures); give fewer seeds, or \
                 use `ecsim sweep`, which streams its results to results.csv",
                grid.variants.len(),
                grid.seeds
            ),
        )]));
    }
    let mut names = vec![String::new(); grid.scenarios.len()];
    for v in 0..grid.variants.len() {
        let k = grid.scenario_index(v);
        match load_point(&sources, &grid, &common, v, seed) {
            Ok(sc) => names[k] = sc.name,
            Err(Error::Invalid(p)) => {
                // A problem with a variant's value names the option that gave it (`--vary`
                // or `--set`, from the assignment's origin); the same problem in several
                // variants is listed once.
                for q in p {
                    if !problems.contains(&q) {
                        problems.push(q);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(Plan {
        grid,
        sources,
        common,
        names,
        jobs: o.jobs,
        charts: o.charts,
    })
}

/// Runs every point of the plan in parallel and summarises each variant.
pub fn run(plan: &Plan) -> Result<Comparison, Error> {
    let points = plan.grid.points();
    let work = || -> Vec<Result<PointResult, Error>> {
        (0..points.len())
            .into_par_iter()
            .map(|j| {
                let (v, seed) = points.get(j);
                let charts = plan.charts && seed == plan.grid.seed;
                let report = run_point(&plan.sources, &plan.grid, &plan.common, v, seed, charts)?;
                Ok((headline(&report), report.charts))
            })
            .collect()
    };
    let results = run::pool(plan.jobs, points.len(), "compare")?.install(work);
    let n = plan.grid.seeds as usize;
    let mut rows: Vec<Vec<Vec<f64>>> = Vec::new(); // variant → seed → metric
    let mut charts: Vec<Option<ChartData>> = Vec::new();
    for (k, r) in results.into_iter().enumerate() {
        let (values, c) = r?;
        if k % n == 0 {
            rows.push(Vec::new());
            charts.push(c);
        }
        rows.last_mut().expect("pushed").push(values);
    }
    let cost = METRICS
        .iter()
        .position(|m| *m == "cost_usd")
        .expect("cost is a metric");
    let first_cost: Vec<f64> = rows[0].iter().map(|r| r[cost]).collect();
    let variants = rows
        .iter()
        .zip(charts)
        .enumerate()
        .map(|(v, (seeds, charts))| {
            let mut metrics: Vec<(&'static str, MetricResult)> = METRICS
                .iter()
                .enumerate()
                .map(|(m, name)| {
                    let values: Vec<f64> = seeds.iter().map(|r| r[m]).collect();
                    (*name, result(values))
                })
                .collect();
            let saving: Vec<f64> = seeds
                .iter()
                .zip(&first_cost)
                .map(|(r, c0)| c0 - r[cost])
                .collect();
            let pct: Vec<f64> = saving
                .iter()
                .zip(&first_cost)
                .map(|(s, c0)| if *c0 > 0.0 { 100.0 * s / c0 } else { 0.0 })
                .collect();
            metrics.push((SAVING_METRICS[0], result(saving)));
            metrics.push((SAVING_METRICS[1], result(pct)));
            VariantResult {
                letter: letter(v),
                heading: heading(&plan.grid, &plan.names, v),
                metrics,
                charts,
            }
        })
        .collect();
    Ok(Comparison {
        grid: plan.grid.clone(),
        names: plan.names.clone(),
        variants,
    })
}

/// One point's headline metrics and (first seed only) its chart series.
type PointResult = (Vec<f64>, Option<ChartData>);

fn result(values: Vec<f64>) -> MetricResult {
    MetricResult {
        summary: Summary::of(&values),
        values,
    }
}

/// A value as a short heading: placement strategies as `binpack(memory)`, `spread(instanceId)`,
/// `random` (chained with ` > `), capacity provider strategies as `FARGATE base 2 ×1 +
/// FARGATE_SPOT ×3` (a lone entry without base is its provider's name), anything else as
/// [`show`] does.
///
/// ```
/// use ecsim::sweep::compare::short;
/// use serde_json::json;
/// assert_eq!(short(&json!([{"type": "spread", "field": "attribute:ecs.availability-zone"},
///                          {"type": "binpack", "field": "memory"}])),
///            "spread(attribute:ecs.availability-zone) > binpack(memory)");
/// assert_eq!(short(&json!([{"capacityProvider": "FARGATE_SPOT", "weight": 1}])), "FARGATE_SPOT");
/// assert_eq!(short(&json!([{"capacityProvider": "FARGATE", "base": 2, "weight": 1},
///                          {"capacityProvider": "FARGATE_SPOT", "weight": 3}])),
///            "FARGATE base 2 ×1 + FARGATE_SPOT ×3");
/// assert_eq!(short(&json!(8)), "8");
/// ```
pub fn short(v: &serde_json::Value) -> String {
    let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
        return show(v);
    };
    let field = |o: &serde_json::Value, k: &str| o.get(k).map(show);
    if items
        .iter()
        .all(|o| o.get("type").is_some_and(|t| t.is_string()))
    {
        return items
            .iter()
            .map(|o| match field(o, "field") {
                Some(f) => format!("{}({f})", field(o, "type").unwrap_or_default()),
                None => field(o, "type").unwrap_or_default(),
            })
            .collect::<Vec<_>>()
            .join(" > ");
    }
    if items
        .iter()
        .all(|o| o.get("capacityProvider").is_some_and(|t| t.is_string()))
    {
        let base = |o: &serde_json::Value| o.get("base").and_then(|b| b.as_f64()).unwrap_or(0.0);
        if items.len() == 1 && base(&items[0]) == 0.0 {
            return field(&items[0], "capacityProvider").unwrap_or_default();
        }
        return items
            .iter()
            .map(|o| {
                let mut s = field(o, "capacityProvider").unwrap_or_default();
                if base(o) > 0.0 {
                    let _ = write!(s, " base {}", field(o, "base").unwrap_or_default());
                }
                let _ = write!(s, " ×{}", field(o, "weight").unwrap_or_else(|| "0".into()));
                s
            })
            .collect::<Vec<_>>()
            .join(" + ");
    }
    show(v)
}

fn heading(grid: &Grid, names: &[String], v: usize) -> String {
    let var = &grid.variants[v];
    let mut parts = Vec::new();
    if grid.scenarios.len() > 1 || grid.axes.is_empty() {
        parts.push(names[grid.scenario_index(v)].clone());
    }
    for (axis, value) in grid.axes.iter().zip(&var.values) {
        if value.is_array() || value.is_object() {
            parts.push(short(value));
        } else {
            // A scalar alone says little: name it by the path's last segment.
            let last = axis.path.rsplit('.').next().unwrap_or(&axis.path);
            parts.push(format!("{last}={}", show(value)));
        }
    }
    parts.join(", ")
}

/// The table's rows: (label, metric, how its numbers are written).
const ROWS: [(&str, &str, Fmt); 10] = [
    ("cost", "cost_usd", Fmt::Usd),
    ("saving vs A", "saving_vs_first_usd", Fmt::Usd),
    ("saving vs A (%)", "saving_vs_first_pct", Fmt::Pct),
    ("served fraction", "served_fraction", Fmt::Fraction),
    ("seconds below desired", "seconds_below_desired", Fmt::Count),
    ("instances peak", "instances_peak", Fmt::Count),
    (
        "instances in use at the end",
        "instances_in_use_final",
        Fmt::Count,
    ),
    ("instance-hours", "instance_hours", Fmt::Hours),
    ("scaling activities", "scaling_activities", Fmt::Count),
    ("interruptions", "interruptions", Fmt::Count),
];

#[derive(Debug, Clone, Copy)]
enum Fmt {
    Usd,
    Pct,
    Fraction,
    Count,
    Hours,
}

fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v);
    if s.starts_with('-') && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s[1..].to_string()
    } else {
        s
    }
}

/// `mean ± half-width` (the mean alone for one seed) in the row's format.
fn cell(m: &MetricResult, f: Fmt) -> String {
    let s = &m.summary;
    let (mean, hw) = match f {
        Fmt::Usd => {
            let d = if s.mean.abs() >= 1.0 { 2 } else { 4 };
            let money = |x: f64| {
                let t = number(x.abs(), d);
                if x < 0.0 && t.trim_start_matches(['0', '.']).is_empty() {
                    format!("${t}")
                } else if x < 0.0 {
                    format!("-${t}")
                } else {
                    format!("${t}")
                }
            };
            (money(s.mean), s.half_width.map(|h| number(h, d)))
        }
        Fmt::Pct => (
            format!("{} %", number(s.mean, 1)),
            s.half_width.map(|h| number(h, 1)),
        ),
        Fmt::Fraction => (number(s.mean, 5), s.half_width.map(|h| number(h, 5))),
        Fmt::Hours => (number(s.mean, 1), s.half_width.map(|h| number(h, 1))),
        Fmt::Count => {
            let d = if s.n > 1 { 1 } else { 0 };
            (number(s.mean, d), s.half_width.map(|h| number(h, d)))
        }
    };
    match hw {
        Some(h) => format!("{mean} ± {h}"),
        None => mean,
    }
}

/// The side-by-side table: a header (`""`, then `A binpack(memory)`, …) and one row per
/// figure, each cell `mean ± 95 % half-width` (the mean alone for one seed); the first
/// variant's saving cells are empty.
pub fn table(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![String::new()];
    header.extend(
        c.variants
            .iter()
            .map(|v| format!("{} {}", v.letter, v.heading)),
    );
    let rows = ROWS
        .iter()
        .map(|(label, metric, f)| {
            let mut row = vec![label.to_string()];
            for (i, v) in c.variants.iter().enumerate() {
                let saving = metric.starts_with("saving");
                row.push(match v.metric(metric) {
                    Some(_) if saving && i == 0 => String::new(),
                    Some(m) => cell(m, *f),
                    None => String::new(),
                });
            }
            row
        })
        .collect();
    (header, rows)
}

fn seeds_text(g: &Grid) -> String {
    if g.seeds == 1 {
        format!("seed {}", g.seed)
    } else {
        format!(
            "{} seeds ({} … {}) each, the same for every variant",
            g.seeds,
            g.seed,
            g.last_seed()
        )
    }
}

fn ci_note(g: &Grid) -> String {
    if g.seeds > 1 {
        format!(
            "Each cell is the mean over {} seeds ± the half-width of its 95 % confidence interval (Student's t, {} degrees of freedom). The saving is taken seed by seed against A (common random numbers), then summarised.",
            g.seeds,
            g.seeds - 1
        )
    } else {
        "One seed: each cell is that run's figure (give --seeds N for means and 95 % confidence intervals).".to_string()
    }
}

/// The printed comparison: the variants with their full labels, then the table.
pub fn text(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "ecsim compare · {} · {} variants · {}",
        distinct(&c.names).join(" vs "),
        c.variants.len(),
        seeds_text(&c.grid)
    );
    for (v, r) in c.grid.variants.iter().zip(&c.variants) {
        let _ = writeln!(s, "  {}  {}", r.letter, v.label);
    }
    s.push('\n');
    let (header, rows) = table(c);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    crate::report::table(&mut s, &header, &rows);
    let _ = writeln!(s, "\n{}", ci_note(&c.grid));
    s
}

fn distinct(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

/// comparison.json: the grid, then per variant and metric n, mean, sd, half-width and the
/// per-seed values.
pub fn json(c: &Comparison) -> serde_json::Value {
    let seeds: Vec<u64> = (0..c.grid.seeds).map(|k| c.grid.seed + k).collect(); // ≤ MAX_RUNS
    let variants: Vec<serde_json::Value> = c
        .grid
        .variants
        .iter()
        .zip(&c.variants)
        .map(|(v, r)| {
            let metrics: serde_json::Map<String, serde_json::Value> = r
                .metrics
                .iter()
                .map(|(m, x)| (m.to_string(), serde_json::to_value(x).expect("serializes")))
                .collect();
            serde_json::json!({
                "index": v.index,
                "letter": r.letter,
                "label": v.label,
                "heading": r.heading,
                "scenario": v.scenario,
                "scenario_name": c.names[c.grid.scenario_index(v.index)],
                "values": v.values,
                "metrics": metrics,
            })
        })
        .collect();
    serde_json::json!({
        "schema": SCHEMA,
        "grid": c.grid,
        "seeds": seeds,
        "variants": variants,
    })
}

/// comparison.csv, tidy: one row per variant and metric — `variant` (index), `label`, `metric`,
/// `n`, `mean`, `sd`, `ci_low`, `ci_high` (sd and the interval empty for one seed).
pub fn csv(c: &Comparison) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "variant", "label", "metric", "n", "mean", "sd", "ci_low", "ci_high",
    ]);
    let float = crate::report::series::float_cell;
    let f = |x: Option<f64>| x.map(float).unwrap_or_default();
    for (v, r) in c.grid.variants.iter().zip(&c.variants) {
        for (m, x) in &r.metrics {
            let s = &x.summary;
            let _ = w.write_record([
                v.index.to_string(),
                v.label.clone(),
                m.to_string(),
                s.n.to_string(),
                float(s.mean),
                f(s.sd),
                f(s.half_width.map(|h| s.mean - h)),
                f(s.half_width.map(|h| s.mean + h)),
            ]);
        }
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8")
}

/// Point-wise sum of several tracks' buckets (tracks of one run share their buckets).
fn sum_tracks(
    tracks: &[&crate::report::chartdata::Track],
    pick: fn(&crate::report::chartdata::Point) -> f32,
) -> Vec<(f64, f64)> {
    let pts: Vec<_> = tracks.iter().map(|t| t.points()).collect();
    let n = pts.iter().map(Vec::len).min().unwrap_or(0);
    (0..n)
        .map(|k| {
            (
                pts[0][k].t_s,
                pts.iter().map(|p| f64::from(pick(&p[k]))).sum(),
            )
        })
        .collect()
}

/// The overlay charts' descriptions: running tasks (summed over services; for job-only
/// scenarios the tasks holding capacity, batch jobs included), EC2 instances, cumulative cost —
/// one line per variant, from its first-seed run. Empty with charts off.
pub fn overlays(c: &Comparison) -> Vec<Overlay> {
    let data: Vec<(&VariantResult, &ChartData)> = c
        .variants
        .iter()
        .filter_map(|v| v.charts.as_ref().map(|d| (v, d)))
        .collect();
    if data.is_empty() {
        return Vec::new();
    }
    let duration_s = data.iter().map(|(_, d)| d.duration_s).max().unwrap_or(0);
    let width = data.iter().map(|(_, d)| d.width_s).max().unwrap_or(60);
    let mut note = format!(
        "One line per variant, each from its first-seed run (seed {}).",
        c.grid.seed
    );
    if width > 60 {
        let _ = write!(note, " Means over {} min.", width / 60);
    }
    let label = |v: &VariantResult| format!("{} {}", v.letter, v.heading);
    let services = data.iter().any(|(_, d)| d.service_count > 0);
    let tasks = data
        .iter()
        .map(|(v, d)| OverlaySeries {
            label: label(v),
            points: if services {
                d.total
                    .running
                    .points()
                    .iter()
                    .map(|p| (p.t_s, f64::from(p.mean)))
                    .collect()
            } else {
                let t: Vec<_> = d.providers.iter().map(|p| &p.tasks).collect();
                sum_tracks(&t, |p| p.mean)
            },
        })
        .collect();
    let mut out = vec![Overlay {
        name: "compare-tasks".into(),
        title: if services {
            "Running tasks, all services".into()
        } else {
            "Tasks holding capacity (batch jobs)".into()
        },
        note: note.clone(),
        y_desc: "tasks".into(),
        integer_y: true,
        duration_s,
        series: tasks,
    }];
    fn ec2(d: &ChartData) -> Vec<&crate::report::chartdata::Track> {
        d.providers
            .iter()
            .filter(|p| !p.fargate && !p.name.starts_with("launchType:"))
            .map(|p| &p.instances)
            .collect()
    }
    if data.iter().any(|(_, d)| !ec2(d).is_empty()) {
        out.push(Overlay {
            name: "compare-instances".into(),
            title: "EC2 instances, all Auto Scaling group providers".into(),
            note: note.clone(),
            y_desc: "instances".into(),
            integer_y: true,
            duration_s,
            series: data
                .iter()
                .map(|(v, d)| OverlaySeries {
                    label: label(v),
                    points: sum_tracks(&ec2(d), |p| p.mean),
                })
                .collect(),
        });
    }
    out.push(Overlay {
        name: "compare-cost".into(),
        title: "Cumulative cost".into(),
        note,
        y_desc: "USD since the start".into(),
        integer_y: false,
        duration_s,
        series: data
            .iter()
            .map(|(v, d)| {
                let t: Vec<_> = d.providers.iter().map(|p| &p.cost_usd).collect();
                OverlaySeries {
                    label: label(v),
                    points: sum_tracks(&t, |p| p.last),
                }
            })
            .collect(),
    });
    out
}

/// comparison.html: one self-contained page in report.html's style — the variants, the table,
/// the overlay charts inline.
pub fn html(c: &Comparison, charts: &[Chart]) -> String {
    use crate::report::html::{STYLE, escape, inline_svg, push_table};
    let title = format!("ecsim compare · {}", distinct(&c.names).join(" vs "));
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = escape(&title)
    );
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} variants · {}</p>",
        c.variants.len(),
        escape(&seeds_text(&c.grid))
    );
    h.push_str("<h2 id=\"variants\">Variants</h2>\n");
    let vrows: Vec<Vec<String>> = c
        .grid
        .variants
        .iter()
        .zip(&c.variants)
        .map(|(v, r)| vec![r.letter.clone(), r.heading.clone(), v.label.clone()])
        .collect();
    push_table(
        &mut h,
        &["".into(), "variant".into(), "scenario and values".into()],
        &vrows,
        "variants",
    );
    h.push_str("<h2 id=\"table\">Side by side</h2>\n");
    let (header, rows) = table(c);
    push_table(&mut h, &header, &rows, "summary");
    let _ = writeln!(h, "<p>{}</p>", escape(&ci_note(&c.grid)));
    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    if charts.is_empty() {
        h.push_str("<p>No charts: this comparison was made with <code>--no-charts</code>.</p>\n");
    }
    for ch in charts {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{id}\">\n{svg}\n<figcaption>{title} · <code>{id}.png</code>, \
             <code>{id}.svg</code></figcaption>\n</figure>",
            id = escape(&ch.name),
            svg = inline_svg(&ch.svg, &ch.title),
            title = escape(&ch.title),
        );
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// Writes comparison.json, comparison.csv, the overlay charts and comparison.html into `out`
/// as one set ([`OutDir::write_set`]: each file complete under a temporary name before any is
/// renamed, comparison.json last; the folder's previous set removed).
pub fn write(out: &OutDir, c: &Comparison) -> Result<(), Error> {
    let mut charts = Vec::new();
    for o in overlays(c) {
        charts.push(
            crate::report::charts::render_overlay(&o).map_err(|e| Error::Output {
                path: out.join(&format!("{}.png", o.name)),
                source: std::io::Error::other(e),
            })?,
        );
    }
    let json = serde_json::to_string_pretty(&json(c)).expect("serializes") + "\n";
    let mut files = vec![
        ("comparison.json".to_string(), json.into_bytes()),
        ("comparison.csv".to_string(), csv(c).into_bytes()),
        ("comparison.html".to_string(), html(c, &charts).into_bytes()),
    ];
    for ch in charts {
        files.push((format!("{}.svg", ch.name), ch.svg.into_bytes()));
        files.push((format!("{}.png", ch.name), ch.png));
    }
    out.write_set("comparison.json", files, Vec::new(), &[])
}

/// `ecsim compare`: plan (exit 2 on bad input before anything runs), run, write the files into
/// `o.out` (default `output/compare-<first scenario name>`); returns the comparison and the
/// folder written. Nothing is printed but a note on the default folder (unless `quiet`);
/// `ecsim` prints [`text`] of the result.
pub fn compare(o: &CompareOptions) -> Result<(Comparison, PathBuf), Error> {
    let plan = plan(o)?;
    let out = match &o.out {
        Some(dir) => dir.clone(),
        None => {
            let (folder, note) =
                crate::outdir::default_folder("compare-", &plan.names[0], &o.scenarios[0])?;
            if let Some(n) = note
                && !o.quiet
            {
                crate::term::err(&format!("note: {n}"));
            }
            folder
        }
    };
    let dir = OutDir::open_for_command(&out, o.quiet)?;
    let c = run(&plan)?;
    write(&dir, &c)?;
    drop(dir);
    Ok((c, out))
}
