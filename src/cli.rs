//! The command line (run, validate, list, pricing, explain, compare, sweep, merge, import):
//! parses arguments, calls the library, maps errors to exit codes
//! (0 success, 2 invalid input, 1 anything else). `main.rs` only calls [`main_with`].

use crate::error::Error;
use crate::scenario::{self, set_path};
use crate::term;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// ecsim — a deterministic discrete-event simulator of Amazon ECS.
#[derive(Debug, Parser)]
#[command(name = "ecsim", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one simulation and write its report, tables, charts and report.html.
    Run(RunArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files (or bundled scenario names).
        #[arg(required = true)]
        scenarios: Vec<String>,
    },
    /// List the bundled scenarios.
    List,
    /// Print the price table in use: the built-in one, or a scenario's with its `pricing`
    /// overrides, each price with its source and date.
    Pricing {
        /// A scenario file or bundled scenario name whose `pricing` overrides to apply.
        scenario: Option<String>,
        /// Print the built-in table of this region instead (its own prices where a regional
        /// table has them, us-east-1's marked as such for the rest).
        #[arg(long)]
        region: Option<String>,
        /// Print the table as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Tell a finished run's decisions in words, from the files in its output folder.
    #[command(long_about = EXPLAIN_ABOUT)]
    Explain(ExplainArgs),
    /// Run variants on the same seeds and print them side by side; write comparison files.
    Compare(CompareArgs),
    /// Run a grid of variants × seeds in parallel, appending results.csv; resumable, shardable.
    #[command(long_about = SWEEP_ABOUT)]
    Sweep(SweepArgs),
    /// Join the output folders of a sharded sweep into one, refusing mismatched grids.
    Merge(MergeArgs),
    /// Write what AWS takes to deploy a scenario: one --cli-input-json file per API call, a
    /// deploy.sh making them in order, and a CloudFormation template.
    #[command(long_about = EXPORT_ABOUT)]
    Export(ExportArgs),
    /// Make a scenario from saved AWS output (AWS CLI JSON, terraform show -json,
    /// CloudFormation, CloudWatch metrics), with trace CSVs beside it (docs/import.md).
    Import(crate::import::ImportArgs),
    /// Run a scenario on its recorded load and compare its task counts with the recorded ones
    /// hour by hour; fit load.perTask to the recorded CPU.
    #[command(long_about = CALIBRATE_ABOUT)]
    Calibrate(CalibrateArgs),
}

const CALIBRATE_ABOUT: &str = "Run a scenario on its recorded load and compare it with what the
service recorded: Container Insights' DesiredTaskCount and RunningTaskCount (mean absolute error,
rms and bias, hour by hour; the scale-outs of each, read on the same datapoints) and, with
CPUUtilization, the per-task CPU model (load.perTask idleCpu and cpuAtMaxRps) fitted by least
squares, printed as the --set values to use.

The recorded series are the recorded-metrics.csv `ecsim import` writes beside the scenario when
given those metrics (the default --recorded: that file in the scenario's folder). Writes into
--out (default output/calibrate-<scenario name>): calibration.json, calibration.csv (one row per
service, metric and hour) and a chart per service of the recorded and simulated counts.";

/// Options of `ecsim calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The scenario (usually one `ecsim import` wrote).
    pub scenario: String,
    /// The recorded series (default: recorded-metrics.csv in the scenario's folder).
    #[arg(long)]
    pub recorded: Option<PathBuf>,
    /// Set a field before running: PATH=VALUE (repeatable), as for `ecsim run`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Where the files go (default `output/calibrate-<scenario name>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write no charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Print errors and warnings only.
    #[arg(short, long)]
    pub quiet: bool,
}

const EXPORT_ABOUT: &str = "Write what AWS takes to deploy a scenario, or one variant of a sweep.

Into --out (default output/export-<scenario name>): one input document per API call, numbered in
the order the calls must be made (create-auto-scaling-group, create-capacity-provider,
create-cluster, put-account-setting, register-task-definition, create-service,
register-scalable-target, put-scaling-policy, put-metric-alarm, put-scheduled-action), each for
`aws SERVICE OPERATION --cli-input-json file://FILE`; deploy.sh, which makes them in order;
cloudformation.json, the same resources as one template; and export.json, which lists the files,
the placeholders to fill in (a container image the scenario does not give, subnets, a launch
template) and what AWS does not hold (load, faults, duration, prices: printed as not exported).

SCENARIO may be a sweep's output folder: --variant N exports its variant N (grid.json's
`variants`, 0-based) with the sweep's --set values. A compare variant is its scenario with its
--set values.";

/// Options of `ecsim export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A scenario file, a bundled scenario name, or a sweep's output folder (with --variant).
    pub scenario: String,
    /// The variant of a sweep folder to export (0-based, as grid.json lists them).
    #[arg(long)]
    pub variant: Option<usize>,
    /// Set a field before exporting: PATH=VALUE (repeatable), as for `ecsim run`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// The cluster's name (default: the scenario's name).
    #[arg(long)]
    pub cluster: Option<String>,
    /// Where the files go (default `output/export-<scenario name>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print errors and warnings only.
    #[arg(short, long)]
    pub quiet: bool,
}

const SWEEP_ABOUT: &str = "Run a grid of variants × seeds: the scenario with each combination of the
--vary values (the first --vary slowest), each at seeds S … S+N−1, in parallel on all cores (one
run per thread, each deterministic), with a progress bar on stderr.

Writes into --out (default output/sweep-<scenario name>): grid.json (the grid, written first),
results.csv (one row per finished run in finishing order, each row ending in a checksum so a torn
last line never counts), and at the end results-sorted.csv, summary.csv and summary.json (per
variant: n, mean, sd and 95 % confidence half-width of every metric), and prints a table.

--resume continues a stopped sweep in the same folder (same flags): a torn last row is cut off,
finished points are skipped. --shard I/N runs every N-th point from the I-th (0-based, as
JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX count); `ecsim merge` joins the shards.

Examples:
  ecsim sweep binpack-vs-spread --seeds 20 \\
    --vary 'services.packed.placementStrategy=[[{\"type\":\"binpack\",\"field\":\"memory\"}],[{\"type\":\"random\"}]]'
  ecsim sweep fargate-spot-mix --seeds 50 --duration 6h --vary faults.0.perTaskHour=0.01,0.05 \\
    --shard 3/8 --out shards/3
  ecsim merge shards/* --out merged";

/// Options of `ecsim sweep` (mapped onto [`crate::sweep::SweepOptions`]).
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// A scenario file or the name of a bundled scenario.
    pub scenario: String,
    /// Alternatives for one field: PATH=V1,V2,... or PATH=[JSON,...] (repeatable; the grid is
    /// their cartesian product).
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Set a field in every variant, before the varied values: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// How many seeds each variant runs: seed … seed + N − 1 (at most up to seed
    /// 18446744073709551615; the runs are taken one by one, never listed up front).
    #[arg(long, value_name = "N")]
    pub seeds: u64,
    /// The first seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated length of every run, e.g. 6h, 2d (overrides the scenario's).
    #[arg(long)]
    pub duration: Option<String>,
    /// Threads, at least 1 (default: all cores); never more than the runs to do.
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Run only shard I of N (0-based): every N-th point from the I-th.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Continue the sweep already in --out: skip finished points, drop a torn last row.
    #[arg(long)]
    pub resume: bool,
    /// Output folder (default: output/sweep-NAME, NAME being the scenario's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar, no table: errors only.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `ecsim merge` (mapped onto [`crate::sweep::MergeOptions`]).
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The sweep folders to join (each with grid.json and results.csv).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where the joined results go.
    #[arg(long)]
    pub out: PathBuf,
    /// Print errors and warnings only.
    #[arg(short, long)]
    pub quiet: bool,
}

const EXPLAIN_ABOUT: &str = "Tell a finished run's decisions in words, from the files `ecsim run`
left in OUTDIR (report.json, metrics.csv, timeseries.csv, capacity.csv, placements.json).

For each scale-out, scale-in and scheduled action: when (seconds from the start, as 1h06m03s and
as simulated wall-clock time), the service and its desired count from → to, the policy and alarm,
the datapoints the alarm evaluated with the periods they cover and when they were published, the
threshold, the formula with its numbers, and what the alarm did afterwards. For each cluster
scale-out / scale-in: the CapacityProviderReservation arithmetic (M, N, targetCapacity) in words.
Faults and deployments with their causes. For runs made with `--explain-placement`: why each
candidate instance was rejected and why the chosen one won.

Exit status 2 for a missing folder, a folder without report.json, another report schema, a
malformed file, an unknown service or an impossible time.

Examples:
  ecsim run scaling-step-reaction --out out/step && ecsim explain out/step
  ecsim explain out/step --service web --at 1h5m
  ecsim explain out/step --at 2026-01-05T01:05:00Z";

/// Options of `ecsim explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The output folder of a finished `ecsim run` (its --out).
    pub outdir: PathBuf,
    /// Only this service's decisions (and the cluster actions of the providers it used).
    #[arg(long)]
    pub service: Option<String>,
    /// The state at this moment and the nearest decisions before and after it.
    ///
    /// A duration from the start (1h5m, 3900s, 3900) or an RFC 3339 timestamp.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// At most this many placement decisions are told (0: all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
}

/// Options of `ecsim compare` (mapped onto [`crate::sweep::CompareOptions`]).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ecsim compare placement-strategies --seeds 5 --vary 'services.app.placementStrategy=[[{\"type\":\"binpack\",\"field\":\"memory\"}],[{\"type\":\"spread\",\"field\":\"instanceId\"}],[{\"type\":\"random\"}]]'
  ecsim compare a.json b.json --seeds 10")]
pub struct CompareArgs {
    /// Scenario files or bundled scenario names (each a variant, times the --vary values).
    #[arg(required = true)]
    pub scenarios: Vec<String>,
    /// Alternatives for one path: PATH=V1,V2,... or 'PATH=[JSON, ...]' (repeatable: the
    /// variants are every combination).
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Set a field in every variant: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Seeds per variant: seed … seed+N−1, the same for every variant (variants × seeds at
    /// most 100,000 runs: a compare keeps every run's figures; `ecsim sweep` streams them).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seeds: u64,
    /// The first seed (default: the first scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated length for every variant, e.g. 6h (default: each scenario's).
    #[arg(long)]
    pub duration: Option<String>,
    /// Threads, at least 1 (default: one per core); never more than the runs.
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,
    /// Output folder (default: output/compare-NAME, NAME being the first scenario's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Skip the overlay charts.
    #[arg(long)]
    pub no_charts: bool,
}

/// Options of `ecsim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A scenario file or the name of a bundled scenario (default: the built-in quick start).
    pub scenario: Option<String>,
    /// Output folder (default: output/NAME, NAME being the scenario's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Random seed (overrides the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated length, e.g. 6h, 2d, 90m (overrides the scenario's).
    #[arg(long)]
    pub duration: Option<String>,
    /// Set any scenario field: PATH=VALUE, e.g. services.web.desiredCount=8 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Skip the charts (PNG and SVG); report.html is still written, without them.
    #[arg(long)]
    pub no_charts: bool,
    /// Print report.json to stdout instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print events per second and simulated time per wall-clock second.
    #[arg(short, long)]
    pub verbose: bool,
    /// Record why each placement chose its instance (placements.json).
    #[arg(long)]
    pub explain_placement: bool,
    /// Check the model's own rules every simulated minute (capacity, task conservation,
    /// constraints, desired bounds, served ≤ offered, cost = billed intervals); slower.
    #[arg(long)]
    pub check: bool,
}

/// Where a scenario comes from, loaded with `sets`.
fn resolve(arg: Option<&str>, sets: &[set_path::Assignment]) -> Result<scenario::Scenario, Error> {
    scenario::source::Source::resolve(arg)?.load(sets)
}

/// `ecsim pricing`: the built-in table, or the one a scenario's `pricing` makes.
fn pricing(scenario: Option<&str>, region: Option<&str>, json: bool) -> Result<(), Error> {
    let refuse = |message: String| {
        Err(Error::Invalid(vec![crate::Problem {
            file: "--region".into(),
            pos: None,
            path: String::new(),
            message,
        }]))
    };
    let table = match (scenario, region) {
        (Some(_), Some(_)) => {
            return refuse(
                "a scenario's table is in the scenario's own region: give a scenario or --region, not both".into(),
            );
        }
        (None, Some(r)) if crate::catalogue::regions::zones(r).is_none() => {
            return refuse(format!(
                "unknown region `{r}`: expected one of {}",
                crate::catalogue::regions::names().join(", ")
            ));
        }
        (None, Some(r)) => crate::cost::prices::PriceTable::builtin(r),
        (None, None) => crate::cost::prices::PriceTable::builtin(crate::catalogue::prices::REGION),
        (Some(_), None) => resolve(scenario, &[])?.prices,
    };
    if json {
        let v = serde_json::json!({
            "region": table.region,
            "currency": "USD",
            "entries": table.entries(),
        });
        term::out_json(&serde_json::to_string_pretty(&v).expect("serializes"));
    } else {
        term::out(&table.render());
    }
    Ok(())
}

/// `--set PATH=VALUE` texts as assignments; each malformed one is added to `problems`.
fn set_texts(texts: &[String], problems: &mut Vec<crate::Problem>) -> Vec<set_path::Assignment> {
    let mut out = Vec::new();
    for s in texts {
        match set_path::parse_assignment(s) {
            Ok(a) => out.push(a),
            Err(e) => problems.push(crate::Problem {
                file: "--set".into(),
                pos: None,
                path: e.path.clone(),
                message: e.message.clone(),
            }),
        }
    }
    out
}

fn parse_sets(args: &RunArgs) -> Result<Vec<set_path::Assignment>, Error> {
    let mut problems = Vec::new();
    let mut out = set_texts(&args.sets, &mut problems);
    if let Some(seed) = args.seed {
        out.push(
            set_path::Assignment::new("seed", seed.into())
                .expect("valid path")
                .given_by("--seed"),
        );
    }
    if let Some(d) = &args.duration {
        if let Err(e) = scenario::units::Duration::parse(d) {
            problems.push(crate::Problem {
                file: "--duration".into(),
                pos: None,
                path: String::new(),
                message: e,
            });
        }
        out.push(
            set_path::Assignment::new("duration", d.clone().into())
                .expect("valid path")
                .given_by("--duration"),
        );
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

fn run(args: &RunArgs) -> Result<(), Error> {
    let sets = parse_sets(args)?;
    let sc = resolve(args.scenario.as_deref(), &sets)?;
    if !args.quiet {
        for w in &sc.warnings {
            term::err(&format!("warning: {w}"));
        }
    }
    let out = out_folder(
        args.out.as_ref(),
        "",
        &sc.name,
        args.scenario.as_deref().unwrap_or("<built-in quickstart>"),
        args.quiet,
    )?;
    // Fail before simulating when the output folder cannot be made or written, or another
    // command is writing it; the lock is held until the files are in place.
    let dir = crate::outdir::OutDir::open_for_command(&out, args.quiet)?;
    let simulated = sc.duration;
    let started = std::time::Instant::now();
    let written = crate::run(
        sc,
        &crate::RunOptions {
            explain_placement: args.explain_placement,
            out_dir: Some(out.clone()),
            charts: !args.no_charts,
            no_tables: false,
            check: args.check,
            progress: !args.quiet && term::stderr_is_terminal(),
        },
    )
    .and_then(|mut report| {
        crate::report::write_all(&dir, &mut report)?;
        Ok(report)
    });
    let report = match written {
        Ok(r) => r,
        Err(e) => {
            crate::report::series::remove_partials(&out);
            return Err(e);
        }
    };
    drop(dir);
    let wall = started.elapsed().as_secs_f64().max(1e-9);
    if args.json {
        term::out_json(&serde_json::to_string_pretty(&report).expect("report serializes"));
    } else if !args.quiet {
        term::out(&format!(
            "{}\nWrote {}\n",
            crate::report::summary(&report),
            out.display()
        ));
    }
    if args.verbose {
        term::err(&format!(
            "{} events in {:.3} s: {:.0} events/s; {:.0} simulated seconds per wall-clock second",
            report.engine.events,
            wall,
            report.engine.events as f64 / wall,
            simulated as f64 / 1000.0 / wall
        ));
    }
    Ok(())
}

fn validate(files: &[String]) -> Result<(), Error> {
    let mut problems = Vec::new();
    for f in files {
        match resolve(Some(f), &[]) {
            Ok(s) => {
                for w in &s.warnings {
                    term::err(&format!("warning: {w}"));
                }
                let jobs = s.services.iter().filter(|x| x.job.is_some()).count();
                let job_text = if jobs > 0 {
                    format!("{jobs} batch job streams, ")
                } else {
                    String::new()
                };
                term::outln(&format!(
                    "{f}: ok ({} services, {job_text}{} capacity providers, {})",
                    s.services.len() - jobs,
                    s.providers.len(),
                    scenario::units::Duration(s.duration)
                ));
            }
            Err(Error::Invalid(p)) => problems.extend(p),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

fn list() {
    let width = crate::bundled::SCENARIOS
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0);
    for (name, text) in crate::bundled::SCENARIOS {
        let desc = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| {
                v.get("description")
                    .and_then(|d| d.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        term::outln(&format!("{name:<width$}  {}", first_sentence(&desc, 100)));
    }
}

/// One line of a description: up to its first sentence end (a question keeps its `?`) or a
/// colon outside parentheses, at most `max` characters (cut at a word, with `…`).
fn first_sentence(desc: &str, max: usize) -> String {
    let mut depth = 0i32;
    let mut end = desc.len();
    let chars: Vec<(usize, char)> = desc.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next_space = chars.get(k + 1).is_none_or(|&(_, n)| n == ' ');
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '.' | ':' if next_space && depth <= 0 => {
                end = i;
                break;
            }
            '?' | '!' if next_space && depth <= 0 => {
                end = i + 1;
                break;
            }
            _ => {}
        }
    }
    let s = &desc[..end];
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for word in s.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max - 1 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

fn explain(args: &ExplainArgs) -> Result<(), Error> {
    let text = crate::explain::explain(
        &args.outdir,
        &crate::explain::Options {
            service: args.service.clone(),
            at: args.at.clone(),
            limit: args.limit,
        },
    )?;
    term::out(&text);
    Ok(())
}

impl From<&CompareArgs> for crate::sweep::CompareOptions {
    fn from(a: &CompareArgs) -> Self {
        crate::sweep::CompareOptions {
            scenarios: a.scenarios.clone(),
            vary: a.vary.clone(),
            sets: a.sets.clone(),
            seeds: a.seeds,
            seed: a.seed,
            duration: a.duration.clone(),
            jobs: a.jobs,
            charts: !a.no_charts,
            out: a.out.clone(),
            quiet: a.quiet,
        }
    }
}

impl From<&SweepArgs> for crate::sweep::SweepOptions {
    fn from(a: &SweepArgs) -> Self {
        crate::sweep::SweepOptions {
            scenario: a.scenario.clone(),
            vary: a.vary.clone(),
            sets: a.sets.clone(),
            seeds: a.seeds,
            seed: a.seed,
            duration: a.duration.clone(),
            jobs: a.jobs,
            shard: a.shard.clone(),
            resume: a.resume,
            out: a.out.clone(),
            quiet: a.quiet,
        }
    }
}

impl From<&MergeArgs> for crate::sweep::MergeOptions {
    fn from(a: &MergeArgs) -> Self {
        crate::sweep::MergeOptions {
            dirs: a.dirs.clone(),
            out: a.out.clone(),
            quiet: a.quiet,
        }
    }
}

/// `ecsim compare`: the comparison, then its table (unless `-q`).
fn compare(args: &CompareArgs) -> Result<(), Error> {
    let (c, out) = crate::sweep::compare::compare(&args.into())?;
    if !args.quiet {
        term::out(&format!(
            "{}\nWrote {}\n",
            crate::sweep::compare::text(&c),
            out.display()
        ));
    }
    Ok(())
}

/// `ecsim sweep`: the sweep, then its table and counts (unless `-q`).
fn sweep(args: &SweepArgs) -> Result<(), Error> {
    let r = crate::sweep::sweep(&args.into())?;
    if !args.quiet {
        term::out(&format!(
            "{}\n{} of {} points · wrote {}\n",
            r.table(),
            r.rows.len(),
            r.points,
            r.out.display()
        ));
    }
    Ok(())
}

/// `ecsim merge`: the merge, then its table and counts (unless `-q`).
fn merge(args: &MergeArgs) -> Result<(), Error> {
    let m = crate::sweep::merge(&args.into())?;
    if !args.quiet {
        let r = &m.sweep;
        term::out(&format!(
            "{}\n{} of {} points from {} folders · wrote {}\n",
            r.table(),
            r.rows.len(),
            r.points,
            m.folders,
            r.out.display()
        ));
    }
    Ok(())
}

/// `--set PATH=VALUE` texts as assignments; every malformed one is a problem.
fn assignments_of(texts: &[String]) -> Result<Vec<set_path::Assignment>, Error> {
    let mut problems = Vec::new();
    let out = set_texts(texts, &mut problems);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// `--out` if given, else the default folder `output/<prefix><name>` (with its note on stderr
/// unless `quiet`, when the name had to be made safe).
fn out_folder(
    out: Option<&PathBuf>,
    prefix: &str,
    name: &str,
    file: &str,
    quiet: bool,
) -> Result<PathBuf, Error> {
    if let Some(d) = out {
        return Ok(d.clone());
    }
    let (folder, note) = crate::outdir::default_folder(prefix, name, file)?;
    if let Some(n) = note
        && !quiet
    {
        term::err(&format!("note: {n}"));
    }
    Ok(folder)
}

/// `ecsim export`: the scenario (or a sweep folder's variant) as AWS API inputs and a template.
fn export(args: &ExportArgs) -> Result<(), Error> {
    let user_sets = assignments_of(&args.sets)?;
    let (source, sets) = crate::export::source_of(&args.scenario, args.variant, user_sets)?;
    let e = crate::export::export(
        &source,
        &sets,
        &crate::export::ExportOptions {
            cluster: args.cluster.clone(),
        },
    )?;
    if !args.quiet {
        for w in &e.warnings {
            term::err(&format!("warning: {w}"));
        }
    }
    let out = out_folder(
        args.out.as_ref(),
        "export-",
        &e.scenario,
        &source.file,
        args.quiet,
    )?;
    let dir = crate::outdir::OutDir::open_for_command(&out, args.quiet)?;
    dir.write_set("export.json", e.files(), Vec::new(), &[])?;
    if !args.quiet {
        term::out(&e.summary(&out));
    }
    Ok(())
}

/// `ecsim calibrate`: the scenario against its recorded counts and CPU.
fn calibrate(args: &CalibrateArgs) -> Result<(), Error> {
    let sets = assignments_of(&args.sets)?;
    let source = scenario::source::Source::resolve(Some(&args.scenario))?;
    let s = source.load(&sets)?;
    if !args.quiet {
        for w in &s.warnings {
            term::err(&format!("warning: {w}"));
        }
    }
    let path = match &args.recorded {
        Some(p) => p.clone(),
        None => source
            .base_dir
            .clone()
            .unwrap_or_default()
            .join("recorded-metrics.csv"),
    };
    if args.recorded.is_none() && !path.is_file() {
        return Err(Error::invalid(
            &path.display().to_string(),
            "",
            "no recorded metrics beside the scenario: give --recorded FILE, or import \
             Container Insights' DesiredTaskCount / RunningTaskCount (and CPUUtilization) with \
             `ecsim import`, which writes this file",
        ));
    }
    let series = crate::import::cloudwatch::read_recorded(&path)?;
    let (recorded, skipped) = crate::calibrate::recorded_from(series, s.start_epoch_ms);
    if !args.quiet {
        for k in &skipped {
            term::err(&format!("note: {k}"));
        }
    }
    let out = out_folder(
        args.out.as_ref(),
        "calibrate-",
        &s.name,
        &source.file,
        args.quiet,
    )?;
    let dir = crate::outdir::OutDir::open_for_command(&out, args.quiet)?;
    let c = crate::calibrate::calibrate(s, &recorded)?;
    let files = c.files(!args.no_charts).map_err(|e| Error::Output {
        path: out.clone(),
        source: std::io::Error::other(e),
    })?;
    dir.write_set("calibration.json", files, Vec::new(), &[])?;
    if !args.quiet {
        term::out(&format!("{c}wrote {}\n", out.display()));
    }
    Ok(())
}

/// Runs the command line; returns the exit code.
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            // clap's message quotes the arguments as given: plain text, escaped.
            term::err(e.render().to_string().trim_end());
            return 2;
        }
        Err(e) => {
            // Help and version: clap's own text (no argument in it), coloured on a terminal.
            let _ = e.print();
            return 0;
        }
    };
    let result = match &cli.command {
        Command::Run(a) => run(a),
        Command::Validate { scenarios } => validate(scenarios),
        Command::List => {
            list();
            Ok(())
        }
        Command::Pricing {
            scenario,
            region,
            json,
        } => pricing(scenario.as_deref(), region.as_deref(), *json),
        Command::Explain(a) => explain(a),
        Command::Compare(a) => compare(a),
        Command::Sweep(a) => sweep(a),
        Command::Merge(a) => merge(a),
        Command::Export(a) => export(a),
        Command::Import(a) => crate::import::run(a),
        Command::Calibrate(a) => calibrate(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            match &e {
                // Each problem is its own `error:` line already.
                Error::Invalid(_) => term::err(&e.to_string()),
                other => term::err(&format!("error: {other}")),
            }
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn a_description_line_is_its_first_sentence() {
        // A question keeps its mark; a colon inside parentheses does not end the sentence.
        assert_eq!(
            first_sentence("Which is best? More text.", 100),
            "Which is best?"
        );
        assert_eq!(
            first_sentence("Tasks (1 GiB: four fit). Next.", 100),
            "Tasks (1 GiB: four fit)"
        );
        assert_eq!(first_sentence("A floor: the rest", 100), "A floor");
        // "one two three four" cut to 12 characters: words while they fit in 11, then "…".
        assert_eq!(first_sentence("one two three four", 12), "one two…");
    }
}
