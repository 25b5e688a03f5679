//! Load shapes (docs/scenario-reference.md §2.10.1, §2.10.2) wherever a scenario has one —
//! traffic, queue arrivals, batch job rates, custom metric values — checked against the bound
//! of what they measure and built (traces read) with the scenario's start, folder and seed.

use super::{Ctx, p};
use crate::scenario::json_pos::Step;
use crate::scenario::limits;
use crate::workload::shape::{self, Bound, BuildCtx, Shape, ShapeSpec};
use std::path::Path;

/// What shape-building needs from the scenario.
pub struct ShapeEnv<'a> {
    /// Start, epoch ms.
    pub start_epoch_ms: i64,
    /// Folder of the scenario file.
    pub base_dir: Option<&'a Path>,
    /// The run's seed (noise streams derive from it).
    pub seed: u64,
}

/// Traffic: requests per second.
pub(super) const REQUESTS: Bound = Bound {
    max: limits::MAX_RATE,
    kind: "limit",
    unit: "requests per second",
    source: None,
};
/// Queue arrivals: messages per second.
pub(super) const MESSAGES: Bound = Bound {
    max: limits::MAX_RATE,
    kind: "limit",
    unit: "messages per second",
    source: None,
};
/// Batch job submissions (a Poisson stream's `rate`): jobs per second.
pub(super) const JOBS: Bound = Bound {
    max: limits::MAX_JOB_ARRIVALS_PER_SECOND,
    kind: "quota",
    unit: "jobs per second",
    source: Some("AWS Batch: SubmitJob calls per second"),
};
/// A custom metric's value.
pub(super) const METRIC: Bound = Bound {
    max: limits::MAX_METRIC_VALUE,
    kind: "limit",
    unit: "for a metric value",
    source: None,
};

/// Checks and builds a load shape at `path`, its values at most `bound` (each rate it writes,
/// then its [`Shape::peak`]); `owner` keys its noise stream.
pub(super) fn check_shape(
    spec: &ShapeSpec,
    path: &[Step],
    owner: &str,
    bound: Bound,
    env: &ShapeEnv,
    ctx: &mut Ctx,
) -> Option<Shape> {
    let problems = shape::check_within(spec, Some(bound));
    let ok = problems.is_empty();
    for pr in problems {
        let msg = pr.message;
        let steps: Vec<Step> = pr
            .path
            .into_iter()
            .map(|s| match s {
                shape::PathStep::Key(k) => Step::Key(k),
                shape::PathStep::Index(n) => Step::Index(n),
            })
            .collect();
        ctx.err(&p(path, &steps), msg);
    }
    if !ok {
        return None;
    }
    let streams = crate::util::rng::Streams::new(env.seed);
    let bctx = BuildCtx {
        start_epoch_ms: env.start_epoch_ms,
        base_dir: env.base_dir,
        noise_seed: streams.key(owner, "noise", 0),
    };
    let steps = |rel: Vec<shape::PathStep>| -> Vec<Step> {
        let mut v = path.to_vec();
        v.extend(rel.into_iter().map(|s| match s {
            shape::PathStep::Key(k) => Step::Key(k),
            shape::PathStep::Index(n) => Step::Index(n),
        }));
        v
    };
    match Shape::build(spec, &bctx) {
        Ok(s) if s.peak() > bound.max => {
            let max = limits::show(bound.max);
            ctx.err(
                path,
                format!(
                    "the shape peaks at {} {} (before noise: its parts added, times its largest weekly factor, a trace's largest row × scale), above the {} of {max} {}: expected at most {max}",
                    limits::show(s.peak()),
                    bound.unit,
                    bound.kind,
                    bound.unit_and_source(),
                ),
            );
            None
        }
        Ok(s) => Some(s),
        Err(shape::BuildError::Invalid(list)) => {
            for pr in list {
                ctx.err(&steps(pr.path), pr.message);
            }
            None
        }
        Err(shape::BuildError::Traces(list)) => {
            for f in list {
                let at = steps(f.path.clone());
                for pr in &f.error.problems {
                    let pos = pr.pos.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
                    ctx.err(&at, format!("{}{pos}: {}", f.error.file, pr.message));
                }
            }
            None
        }
    }
}
