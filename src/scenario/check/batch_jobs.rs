//! `batchJobs` (docs/scenario-reference.md §2.14): job streams — Poisson or scheduled arrivals,
//! a runtime, what an interruption does — each checked with the shared service checks as a
//! service that keeps no count, and their volume together against AWS Batch's quotas.

use super::shape::{JOBS, ShapeEnv, check_shape};
use super::{Ctx, i, k, p};
use crate::engine::{Millis, SECOND};
use crate::scenario::json_pos::Step;
use crate::scenario::limits::{self, MAX_JOB_ARRIVALS_PER_SECOND, MAX_JOBS_PER_RUN, show};
use crate::scenario::suggest;
use crate::scenario::types::{BatchJobSpec, ServiceSpec, ShapeSpec};
use crate::scenario::units::Delay;
use crate::workload::shape::Shape;

/// How batch jobs arrive.
#[derive(Debug, Clone)]
pub enum Arrivals {
    /// A Poisson process with a rate in jobs per second.
    Poisson(Shape),
    /// Jobs at fixed times: (time, count), in time order.
    Schedule(Vec<(Millis, u32)>),
}

/// A batch job stream (its tasks run as a pseudo-service that never keeps a count).
#[derive(Debug, Clone)]
pub struct Job {
    /// Arrivals.
    pub arrivals: Arrivals,
    /// Runtime once RUNNING.
    pub runtime: Delay,
    /// Retry (true) or lose (false) an interrupted job.
    pub retry: bool,
}

impl Arrivals {
    /// The highest submission rate, jobs per second: a Poisson stream's [`Shape::peak`]; 0 for a
    /// schedule (each entry is one submission of `count` jobs, an array job in AWS Batch).
    pub fn peak_per_second(&self) -> f64 {
        match self {
            Arrivals::Poisson(shape) => shape.peak(),
            Arrivals::Schedule(_) => 0.0,
        }
    }

    /// The jobs submitted before `duration` ms: a schedule's counts before then, exactly; a
    /// Poisson stream's expected number, its rate integrated over the run (sampled at the middle
    /// of steps of a minute, or of a 100,000th of the run when that is longer).
    pub fn expected_before(&self, duration: Millis) -> f64 {
        match self {
            Arrivals::Schedule(list) => list
                .iter()
                .filter(|(at, _)| *at < duration)
                .map(|(_, c)| f64::from(*c))
                .sum(),
            Arrivals::Poisson(shape) => {
                let step = (duration / 100_000).max(60 * SECOND);
                let mut sum = 0.0;
                let mut t = 0;
                while t < duration {
                    let dt = step.min(duration - t);
                    sum += shape.value(t + dt / 2) * dt as f64 / SECOND as f64;
                    t += dt;
                }
                sum
            }
        }
    }
}

/// Checks the arrivals and runtime of the batch job stream at `bp`.
pub(super) fn check(b: &BatchJobSpec, bp: &[Step], env: &ShapeEnv, ctx: &mut Ctx) -> Option<Job> {
    let before = ctx.problems.len();
    let ap = p(bp, &[k("arrivals")]);
    let arrivals = match b.arrivals.process.as_str() {
        "poisson" => poisson(b, &ap, env, ctx),
        "schedule" => Some(schedule(b, &ap, ctx)),
        other => {
            let hint = suggest::did_you_mean(other, &["poisson", "schedule"])
                .map(|x| format!("did you mean `{x}`? "))
                .unwrap_or_default();
            ctx.err(
                &p(&ap, &[k("process")]),
                format!("unknown arrival process `{other}`: {hint}expected poisson or schedule"),
            );
            None
        }
    };
    if let Err(e) = b.runtime.check() {
        ctx.err(&p(bp, &[k("runtime")]), e);
    }
    let retry = match b.on_interruption.as_deref() {
        None | Some("retry") => true,
        Some("lose") => false,
        Some(other) => {
            ctx.err(
                &p(bp, &[k("onInterruption")]),
                format!("unknown onInterruption `{other}`: expected retry or lose"),
            );
            true
        }
    };
    let arrivals = arrivals?;
    (ctx.problems.len() == before).then_some(Job {
        arrivals,
        runtime: b.runtime,
        retry,
    })
}

/// The batch job streams together (each checked alone already): at most
/// [`MAX_JOB_ARRIVALS_PER_SECOND`] submissions a second and [`MAX_JOBS_PER_RUN`] jobs over the
/// run. One stream's excess is reported at its `arrivals`, several streams' at `batchJobs`.
pub(super) fn check_volume(streams: &[(Vec<Step>, f64, f64)], ctx: &mut Ctx) {
    let at = |pick: fn(&(Vec<Step>, f64, f64)) -> f64| -> Vec<Step> {
        let busy: Vec<&(Vec<Step>, f64, f64)> = streams.iter().filter(|s| pick(s) > 0.0).collect();
        match busy.as_slice() {
            [one] => one.0.clone(),
            _ => vec![k("batchJobs")],
        }
    };
    let rate: f64 = streams.iter().map(|s| s.1).sum();
    if rate > MAX_JOB_ARRIVALS_PER_SECOND {
        let m = show(MAX_JOB_ARRIVALS_PER_SECOND);
        ctx.err(
            &at(|s| s.1),
            format!(
                "the batch job streams together submit up to {} jobs per second: above the quota of {m} jobs per second (AWS Batch: SubmitJob calls per second per account): expected at most {m} in all",
                show(rate)
            ),
        );
    }
    let jobs: f64 = streams.iter().map(|s| s.2).sum();
    if jobs > MAX_JOBS_PER_RUN {
        let m = show(MAX_JOBS_PER_RUN);
        ctx.err(
            &at(|s| s.2),
            format!(
                "about {} jobs would be submitted over the run: above the limit of {m} jobs per run: expected at most {m} (a shorter run or lower rates)",
                show(jobs.round())
            ),
        );
    }
}

/// A batch job stream seen as a service that keeps no count (for the shared checks).
pub(super) fn as_service(b: &BatchJobSpec) -> ServiceSpec {
    ServiceSpec {
        service_name: b.name.clone(),
        task_definition: b.task_definition.clone(),
        desired_count: Some(0),
        launch_type: b.launch_type,
        capacity_provider_strategy: b.capacity_provider_strategy.clone(),
        placement_strategy: b.placement_strategy.clone(),
        placement_constraints: b.placement_constraints.clone(),
        deployment_configuration: None,
        scheduling_strategy: None,
        load: None,
        load_balancer: None,
        auto_scaling: None,
        deployments: Vec::new(),
        model: b.model.clone(),
        health_check_grace_period_seconds: None,
    }
}

/// A Poisson stream's arrivals at `ap`: `perHour` (a constant rate) or `rate` (a shape).
fn poisson(b: &BatchJobSpec, ap: &[Step], env: &ShapeEnv, ctx: &mut Ctx) -> Option<Arrivals> {
    if !b.arrivals.schedule.is_empty() {
        ctx.err(
            &p(ap, &[k("schedule")]),
            "a Poisson process takes perHour or rate, not schedule",
        );
    }
    match (&b.arrivals.per_hour, &b.arrivals.rate) {
        (Some(h), None) => {
            let per_hour = limits::MAX_JOB_ARRIVALS_PER_SECOND * 3600.0;
            if !(h.is_finite() && *h > 0.0) {
                ctx.err(
                    &p(ap, &[k("perHour")]),
                    format!("perHour {h} is out of range: expected above 0"),
                );
                None
            } else if *h > per_hour {
                ctx.err(
                    &p(ap, &[k("perHour")]),
                    limits::above(
                        "perHour",
                        *h,
                        "quota",
                        per_hour,
                        "jobs per hour (AWS Batch: 50 SubmitJob calls per second)",
                    ),
                );
                None
            } else {
                let spec: ShapeSpec = serde_json::from_value(
                    serde_json::json!({"pattern": "constant", "rps": h / 3600.0}),
                )
                .ok()?;
                check_shape(
                    &spec,
                    &p(ap, &[k("perHour")]),
                    &format!("job:{}", b.name),
                    JOBS,
                    env,
                    ctx,
                )
                .map(Arrivals::Poisson)
            }
        }
        (None, Some(r)) => check_shape(
            r,
            &p(ap, &[k("rate")]),
            &format!("job:{}", b.name),
            JOBS,
            env,
            ctx,
        )
        .map(Arrivals::Poisson),
        _ => {
            ctx.err(ap, "a Poisson process needs exactly one of perHour (a constant rate) or rate (a load shape in jobs per second)");
            None
        }
    }
}

/// A schedule's arrivals at `ap`: (time, count) entries in time order.
fn schedule(b: &BatchJobSpec, ap: &[Step], ctx: &mut Ctx) -> Arrivals {
    if b.arrivals.per_hour.is_some() || b.arrivals.rate.is_some() {
        ctx.err(ap, "a schedule takes `schedule`, not perHour or rate");
    }
    if b.arrivals.schedule.is_empty() {
        ctx.err(
            &p(ap, &[k("schedule")]),
            "an empty schedule: list {\"at\": \"1h\", \"count\": 5} entries",
        );
    }
    if b.arrivals.schedule.len() > limits::MAX_JOB_SCHEDULE_ENTRIES {
        ctx.err(
            &p(ap, &[k("schedule")]),
            format!(
                "{} schedule entries: above the limit of {} entries per stream",
                b.arrivals.schedule.len(),
                limits::MAX_JOB_SCHEDULE_ENTRIES
            ),
        );
    }
    let mut v: Vec<(Millis, u32)> = Vec::new();
    for (n, e) in b.arrivals.schedule.iter().enumerate() {
        let c = e.count.unwrap_or(1);
        if c == 0 {
            ctx.err(
                &p(ap, &[k("schedule"), i(n), k("count")]),
                "count 0: expected 1 or more",
            );
        } else if c > limits::MAX_JOBS_PER_SUBMISSION {
            ctx.err(
                &p(ap, &[k("schedule"), i(n), k("count")]),
                limits::above(
                    "count",
                    f64::from(c),
                    "quota",
                    f64::from(limits::MAX_JOBS_PER_SUBMISSION),
                    "jobs in one submission (AWS Batch: the largest array job)",
                ),
            );
        }
        if let Some(last) = v.last()
            && e.at.millis() < last.0
        {
            ctx.err(
                &p(ap, &[k("schedule"), i(n), k("at")]),
                "schedule entries must be in time order",
            );
        }
        v.push((e.at.millis(), c));
    }
    Arrivals::Schedule(v)
}
