//! ecsim: a fast, deterministic discrete-event simulator of Amazon ECS.
//!
//! The flow reads top to bottom: a [`scenario`] file is loaded and checked, the [`model`]
//! world is built from it and driven by the [`engine`]'s event queue, [`placement`] decides
//! where EC2 tasks go, and [`report`] — the world's observer while it runs
//! ([`model::observe`]) — turns what it recorded and the finished world into report.json and a
//! summary.
//! The static AWS tables are in [`catalogue`], random streams and the fixed hasher in [`util`];
//! [`sweep`] runs many variants × seeds ([`sweep::sweep()`], [`sweep::compare::compare()`]) from
//! plain option structs, as [`cli`] does.
//!
//! ```
//! let scenario = ecsim::scenario::load_str(ecsim::bundled::QUICKSTART, "quickstart", None, &[]).unwrap();
//! let report = ecsim::run(scenario, &ecsim::RunOptions::default()).unwrap();
//! assert_eq!(report.scenario.name, "quickstart");
//! ```
#![warn(missing_docs)]
// Everything printed goes through `term`, which escapes terminal controls.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod bundled;
pub mod calibrate;
pub mod catalogue;
pub mod cli;
pub mod cost;
pub mod engine;
pub mod error;
pub mod explain;
pub mod export;
pub mod ids;
pub mod import;
pub mod model;
pub mod outdir;
pub mod placement;
pub mod progress;
pub mod report;
pub mod scaling;
pub mod scenario;
pub mod schedule;
pub mod sweep;
pub mod term;
pub mod user_file;
pub mod util;
pub mod workload;

pub use error::{Error, Problem};
pub use report::Report;

/// How to run a scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Record an explanation of every placement decision.
    pub explain_placement: bool,
    /// Stream the CSV tables into this folder (as hidden temporary files that
    /// [`report::write_all`] puts in place); None keeps them in memory in [`Report::tables`].
    pub out_dir: Option<std::path::PathBuf>,
    /// Record the chart series ([`report::chartdata`]) into [`Report::charts`], for
    /// [`report::write_all`] to draw; false records nothing (`--no-charts`).
    pub charts: bool,
    /// Write no CSV tables at all (timeseries, metrics, capacity): for runs that only need the
    /// report, such as a sweep's. Only with `out_dir` None.
    pub no_tables: bool,
    /// Check the model's rules every simulated minute and at the end
    /// ([`model::world::World::check_invariants`], with the billing audit), panicking on a
    /// broken one (`--check`; debug builds always check).
    pub check: bool,
    /// Show the run's progress on stderr ([`progress`]) once it has taken a second: `ecsim
    /// run` sets it when stderr is a terminal and `-q` is not given.
    pub progress: bool,
}

/// Runs a checked scenario and builds its report: the world runs with the report layer's
/// observer ([`report::Recorder`]), which streams the tables and keeps what the report needs.
pub fn run(scenario: scenario::Scenario, options: &RunOptions) -> Result<Report, Error> {
    let recorder = report::Recorder::new(
        &scenario,
        report::Recording {
            out_dir: options.out_dir.as_deref(),
            tables: !(options.no_tables && options.out_dir.is_none()),
            charts: options.charts,
            placements: options.explain_placement,
        },
    );
    let mut world = model::world::World::new(scenario, options.explain_placement);
    world.set_observer(Box::new(recorder));
    if options.check {
        world.enable_checks();
    }
    let mut outcome =
        progress::Progress::new(world.scenario.duration, options.progress).drive(world);
    let recorded = outcome
        .world
        .take_observer_as::<report::Recorder>()
        .expect("the run's observer is the recorder set above");
    report::build(&outcome, recorded).map_err(|(path, source)| Error::Output {
        path: options
            .out_dir
            .as_deref()
            .map(|d| d.join(&path))
            .unwrap_or(path),
        source,
    })
}
