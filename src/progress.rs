//! The progress of one run on stderr: simulated time done of the whole, wall-clock time
//! elapsed and the time left, so that a long run is never silent (`ecsim run` shows it when
//! stderr is a terminal and `-q` is not given; a sweep has its own bar, of runs done).
//!
//! It costs nothing per event: the world is driven with [`World::run_until`] in steps of
//! simulated time — at most [`UPDATES`] of them, each a whole number of minutes — and the bar
//! moves between two steps, never inside the event loop. Stepping changes nothing in the run
//! (`run_until` stops before the first event past the step and the next call takes it up),
//! which the tests check byte for byte.

use crate::engine::{MINUTE, Millis};
use crate::model::world::{Outcome, World};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::time::{Duration, Instant};

/// Steps per run at most: the bar moves by 1/1,000 of the run or by one simulated minute,
/// whichever is longer.
pub const UPDATES: u64 = 1_000;

/// A run shorter than this in wall-clock time shows no bar at all (no flash of a bar that is
/// cleared at once).
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The simulated time between two updates for a run of `end` ms: `end` / [`UPDATES`] rounded
/// up to a whole minute, at least one minute.
///
/// ```text
/// 6 h = 21,600,000 ms → 21,600 ms → 1 min;  365 d → 31,536,000 ms → 526 min (8 h 46 min)
/// ```
pub fn step(end: Millis) -> Millis {
    (end / UPDATES).div_ceil(MINUTE).max(1) * MINUTE
}

/// The progress of one run: how far it is, and its bar once there is one (made only when it is
/// to be drawn, after [`SHOW_AFTER`]; positions in simulated seconds).
pub struct Progress {
    end: Millis,
    /// Simulated time done.
    done: Millis,
    /// Updates made.
    updates: u64,
    /// Whether to draw the bar on stderr once the run has taken [`SHOW_AFTER`].
    visible: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// The progress of a run of `end` ms, drawn on stderr when `visible` (and the run lasts
    /// long enough), else only counted.
    pub fn new(end: Millis, visible: bool) -> Progress {
        Progress {
            end,
            done: 0,
            updates: 0,
            visible,
            started: Instant::now(),
            bar: None,
        }
    }

    /// The bar: simulated time done of the whole, wall-clock time elapsed, time left.
    fn bar(&self) -> ProgressBar {
        let sim = |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(
                w,
                "{}",
                crate::scenario::units::Duration(state.pos() * 1000)
            );
        };
        let total = |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let len = state.len().unwrap_or(0);
            let _ = write!(w, "{}", crate::scenario::units::Duration(len * 1000));
        };
        let bar =
            ProgressBar::with_draw_target(Some(self.end / 1000), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{wide_bar} {sim} of {total} simulated · {elapsed} elapsed · ETA {eta}",
            )
            .map(|st| st.with_key("sim", sim).with_key("total", total))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        // Elapsed counts from the run's start; the rate (and so the ETA) from the bar's first
        // position, not from 0, which would read the time before the bar as instantaneous.
        bar.set_elapsed(self.started.elapsed());
        bar.set_position(self.done / 1000);
        bar.reset_eta();
        bar
    }

    /// Simulated time `t` (ms) is done.
    fn at(&mut self, t: Millis) {
        self.done = t;
        self.updates += 1;
        if !self.visible {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= SHOW_AFTER {
            self.bar = Some(self.bar());
        }
        if let Some(bar) = &self.bar {
            bar.set_position(t / 1000);
        }
    }

    /// Runs `world` to its end, updating the progress every [`step`] of simulated time; the
    /// bar, if one was drawn, is cleared at the end.
    pub fn drive(&mut self, mut world: World) -> Outcome {
        let step = step(self.end);
        let mut t = step;
        while t < self.end && world.run_until(t) {
            self.at(t);
            t += step;
        }
        let outcome = world.run();
        self.at(self.end);
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_is_a_thousandth_of_the_run_in_whole_minutes() {
        // 6 h / 1,000 = 21.6 s: one minute.
        assert_eq!(step(6 * 3_600_000), MINUTE);
        // 365 d = 31,536,000,000 ms / 1,000 = 31,536,000 ms = 525.6 min: 526 min.
        assert_eq!(step(365 * 86_400_000), 526 * MINUTE);
        // 1,000 min exactly: 1 min; one more ms: 2 min.
        assert_eq!(step(1_000 * MINUTE), MINUTE);
        assert_eq!(step(1_000 * MINUTE + 1_000), 2 * MINUTE);
    }

    #[test]
    fn stepping_moves_the_bar_to_the_end_and_changes_nothing_in_the_run() {
        let load = || {
            crate::scenario::load_str(crate::bundled::QUICKSTART, "quickstart", None, &[]).unwrap()
        };
        // Each run recorded for its report (activities, tables and charts in memory).
        let world = |sc: crate::scenario::Scenario| {
            let recorder = crate::report::Recorder::new(
                &sc,
                crate::report::Recording {
                    tables: true,
                    charts: true,
                    ..Default::default()
                },
            );
            let mut w = crate::model::world::World::new(sc, false);
            w.set_observer(Box::new(recorder));
            w
        };
        let whole = world(load()).run();
        let mut p = Progress::new(load().duration, false);
        assert!(whole.events > 0);
        let stepped = p.drive(world(load()));
        // 6 h in 1-minute steps: minutes 1 … 359 inside the run, then the end: 360 updates,
        // the last at 21,600,000 ms. (Not visible: no bar was made.)
        assert_eq!(p.updates, 360);
        assert_eq!(p.done, 21_600_000);
        assert!(p.bar.is_none());
        // The same events, the same report and the same tables, byte for byte.
        assert_eq!(stepped.events, whole.events);
        let json = |mut o: Outcome| {
            let recorded = o
                .world
                .take_observer_as::<crate::report::Recorder>()
                .unwrap();
            let report = crate::report::build(&o, recorded).unwrap();
            assert!(!report.activities.is_empty(), "the quickstart scales");
            let tables: Vec<(&str, Vec<u8>)> = report
                .tables
                .iter()
                .map(|(name, t)| match t {
                    crate::report::series::Finished::Memory(b) => (*name, b.clone()),
                    crate::report::series::Finished::Temp(_) => panic!("no folder was given"),
                })
                .collect();
            (serde_json::to_string(&report).unwrap(), tables)
        };
        assert_eq!(json(stepped), json(whole));
    }
}
