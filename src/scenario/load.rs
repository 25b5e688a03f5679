//! Checked load, load balancer, auto scaling, batch-job and custom-metric configuration, and the
//! checks that build it from the file's [`super::types`]. Metric references are resolved here,
//! once every service is known, so the world never looks a name up.

use super::json_pos::Step;
use super::limits;
use super::types::*;
use super::units::Delay;
use super::validate::Ctx;
use crate::engine::{Millis, SECOND};
use crate::scaling::alarm::Comparison;
use crate::scaling::math::Expr;
use crate::scaling::step::{self, AdjustmentType, StepAdjustment};
use crate::schedule::Schedule;
use crate::workload::shape::{self, Bound, BuildCtx, Shape};
use std::path::Path;

/// Defaults that are AWS's (aws-behaviour.md §1, §7).
pub mod defaults {
    /// Target tracking and step scaling cooldowns for ECS services, seconds.
    pub const COOLDOWN_S: u32 = 300;
    /// ALB health check interval, seconds.
    pub const HEALTH_CHECK_INTERVAL_S: u32 = 30;
    /// ALB healthy threshold.
    pub const HEALTHY_THRESHOLD: u32 = 5;
    /// ALB deregistration delay, seconds.
    pub const DEREGISTRATION_DELAY_S: u64 = 300;
}

/// Workload defaults ecsim chooses (no AWS rule): documented in the scenario reference.
pub mod workload_defaults {
    /// `perTask.cpuAtMaxRps`, %.
    pub const CPU_AT_MAX_RPS: f64 = 90.0;
    /// `perTask.idleCpu` and `queue.idleCpu`, %.
    pub const IDLE_CPU: f64 = 5.0;
    /// `perTask.memoryBase` as a fraction of the task's memory.
    pub const MEMORY_BASE_FRACTION: f64 = 0.5;
    /// `queue.cpuBusy`, %.
    pub const QUEUE_CPU_BUSY: f64 = 90.0;
}

/// A checked `load`.
#[derive(Debug, Clone)]
pub struct Load {
    /// Offered requests per second (services behind a load balancer).
    pub traffic: Option<Shape>,
    /// Per-task behaviour for traffic.
    pub per_task: Option<PerTask>,
    /// Queue feeding the service.
    pub queue: Option<QueueLoad>,
}

/// Per-task behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct PerTask {
    /// Requests per second one task serves.
    pub max_rps: f64,
    /// CPU % at max_rps.
    pub cpu_at_max_rps: f64,
    /// CPU % idle.
    pub idle_cpu: f64,
    /// Memory with no traffic, MiB.
    pub memory_base: f64,
    /// MiB per request per second.
    pub memory_per_rps: f64,
}

impl PerTask {
    /// CPU utilisation (%) of a task serving `rps`.
    pub fn cpu(&self, rps: f64) -> f64 {
        self.idle_cpu + (self.cpu_at_max_rps - self.idle_cpu) * (rps / self.max_rps)
    }
    /// Memory in use (MiB) of a task serving `rps`.
    pub fn memory(&self, rps: f64) -> f64 {
        self.memory_base + self.memory_per_rps * rps
    }
}

/// A queue drained by a worker service.
#[derive(Debug, Clone)]
pub struct QueueLoad {
    /// Messages per second arriving.
    pub arrivals: Shape,
    /// Messages per second one RUNNING task processes.
    pub per_task_rate: f64,
    /// Poisson counts instead of the fluid rate.
    pub poisson: bool,
    /// Name in AWS/SQS metrics.
    pub name: String,
    /// CPU % when busy all the time.
    pub cpu_busy: f64,
    /// CPU % idle.
    pub idle_cpu: f64,
    /// Memory % of a worker task.
    pub memory_utilization: f64,
}

/// A checked load balancer target group.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancer {
    /// RUNNING → healthy: interval × healthy threshold, ms.
    pub healthy_after: Millis,
    /// Health check interval, s (for explanations).
    pub interval_s: u32,
    /// Healthy threshold (for explanations).
    pub healthy_threshold: u32,
    /// Deregistration delay, ms.
    pub deregistration_delay: Millis,
    /// Name in AWS/ApplicationELB metrics.
    pub target_group: String,
}

/// Statistics a metric can be read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// Average.
    Average,
    /// Sum.
    Sum,
    /// Minimum.
    Minimum,
    /// Maximum.
    Maximum,
    /// SampleCount.
    SampleCount,
}

impl Stat {
    fn parse(s: &str) -> Option<Stat> {
        Some(match s {
            "Average" => Stat::Average,
            "Sum" => Stat::Sum,
            "Minimum" => Stat::Minimum,
            "Maximum" => Stat::Maximum,
            "SampleCount" => Stat::SampleCount,
            _ => return None,
        })
    }
    /// AWS's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Average => "Average",
            Stat::Sum => "Sum",
            Stat::Minimum => "Minimum",
            Stat::Maximum => "Maximum",
            Stat::SampleCount => "SampleCount",
        }
    }
}

/// What a metric measures, resolved to an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A service's average CPU utilisation (%).
    Cpu(usize),
    /// A service's average memory utilisation (%).
    Memory(usize),
    /// A service's RUNNING task count.
    RunningTasks(usize),
    /// Requests offered to a service's target group.
    RequestCount(usize),
    /// Requests per healthy target.
    RequestCountPerTarget(usize),
    /// Messages visible in a service's queue.
    QueueVisible(usize),
    /// Age of the oldest message in a service's queue, s.
    QueueAge(usize),
    /// A user metric from `customMetrics`.
    Custom(usize),
}

impl Source {
    /// The service this source reads, if any.
    pub fn service(self) -> Option<usize> {
        match self {
            Source::Cpu(s)
            | Source::Memory(s)
            | Source::RunningTasks(s)
            | Source::RequestCount(s)
            | Source::RequestCountPerTarget(s)
            | Source::QueueVisible(s)
            | Source::QueueAge(s) => Some(s),
            Source::Custom(_) => None,
        }
    }
}

/// A metric read with a statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRef {
    /// What.
    pub source: Source,
    /// How.
    pub stat: Stat,
    /// Its display name (e.g. `AWS/SQS ApproximateNumberOfMessagesVisible`).
    pub label: String,
}

/// A tracked or alarmed metric: one metric, or metric math over several.
#[derive(Debug, Clone)]
pub struct MetricQuery {
    /// Datapoint period, ms (20 s for the high-resolution metrics, else a multiple of 60 s).
    pub period: Millis,
    /// The metrics by id (one, with id `m1`, for the single-metric form).
    pub metrics: Vec<(String, MetricRef)>,
    /// The expression whose value is the datapoint (None: the single metric itself).
    pub expr: Option<Expr>,
    /// Every expression query by id (an expression may use another's id).
    pub exprs: Vec<(String, Expr)>,
    /// Display name.
    pub label: String,
}

/// A checked scaling policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// PolicyName.
    pub name: String,
    /// What it does.
    pub kind: PolicyKind,
}

impl Policy {
    /// The metric the policy tracks or its alarm watches.
    pub fn query(&self) -> &MetricQuery {
        match &self.kind {
            PolicyKind::TargetTracking { metric, .. } => metric,
            PolicyKind::Step { alarm, .. } => &alarm.metric,
        }
    }
}

/// The two policy types.
#[derive(Debug, Clone)]
pub enum PolicyKind {
    /// Target tracking.
    TargetTracking {
        /// TargetValue.
        target: f64,
        /// The tracked metric.
        metric: MetricQuery,
        /// ScaleOutCooldown, ms.
        out_cooldown: Millis,
        /// ScaleInCooldown, ms.
        in_cooldown: Millis,
        /// DisableScaleIn.
        disable_scale_in: bool,
    },
    /// Step scaling with its alarm.
    Step {
        /// The alarm.
        alarm: AlarmDef,
        /// AdjustmentType.
        adjustment: AdjustmentType,
        /// StepAdjustments.
        steps: Vec<StepAdjustment>,
        /// MinAdjustmentMagnitude.
        min_adjustment_magnitude: Option<u32>,
        /// Cooldown, ms.
        cooldown: Millis,
    },
}

/// A user-defined alarm.
#[derive(Debug, Clone)]
pub struct AlarmDef {
    /// AlarmName.
    pub name: String,
    /// The metric.
    pub metric: MetricQuery,
    /// Threshold.
    pub threshold: f64,
    /// ComparisonOperator.
    pub comparison: Comparison,
    /// EvaluationPeriods.
    pub evaluation_periods: u32,
    /// DatapointsToAlarm.
    pub datapoints_to_alarm: u32,
}

/// A scheduled action.
#[derive(Debug, Clone)]
pub struct ScheduledAction {
    /// ScheduledActionName.
    pub name: String,
    /// When.
    pub schedule: Schedule,
    /// New MinCapacity.
    pub min: Option<u32>,
    /// New MaxCapacity.
    pub max: Option<u32>,
}

/// A checked scalable target.
#[derive(Debug, Clone)]
pub struct AutoScaling {
    /// MinCapacity at the start.
    pub min: u32,
    /// MaxCapacity at the start.
    pub max: u32,
    /// Policies.
    pub policies: Vec<Policy>,
    /// Scheduled actions.
    pub scheduled: Vec<ScheduledAction>,
}

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

/// A user metric.
#[derive(Debug, Clone)]
pub struct CustomMetric {
    /// Namespace.
    pub namespace: String,
    /// MetricName.
    pub name: String,
    /// Dimensions, sorted by name.
    pub dimensions: Vec<(String, String)>,
    /// Its value over time.
    pub value: Shape,
}

fn k(s: &str) -> Step {
    Step::Key(s.to_string())
}
fn i(n: usize) -> Step {
    Step::Index(n)
}
fn p(base: &[Step], more: &[Step]) -> Vec<Step> {
    let mut v = base.to_vec();
    v.extend_from_slice(more);
    v
}

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
const REQUESTS: Bound = Bound {
    max: limits::MAX_RATE,
    kind: "limit",
    unit: "requests per second",
    source: None,
};
/// Queue arrivals: messages per second.
const MESSAGES: Bound = Bound {
    max: limits::MAX_RATE,
    kind: "limit",
    unit: "messages per second",
    source: None,
};
/// Batch job submissions (a Poisson stream's `rate`): jobs per second.
const JOBS: Bound = Bound {
    max: limits::MAX_JOB_ARRIVALS_PER_SECOND,
    kind: "quota",
    unit: "jobs per second",
    source: Some("AWS Batch: SubmitJob calls per second"),
};
/// A custom metric's value.
const METRIC: Bound = Bound {
    max: limits::MAX_METRIC_VALUE,
    kind: "limit",
    unit: "for a metric value",
    source: None,
};

/// Checks and builds a load shape at `path`, its values at most `bound` (each rate it writes,
/// then its [`Shape::peak`]); `owner` keys its noise stream.
pub fn check_shape(
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

fn pct(v: Option<f64>, default: f64, path: Vec<Step>, what: &str, ctx: &mut Ctx) -> f64 {
    let x = v.unwrap_or(default);
    if !(x.is_finite() && x >= 0.0) {
        ctx.err(
            &path,
            format!("{what} {x} is out of range: expected a percentage of 0 or more"),
        );
    } else if x > limits::MAX_PERCENT {
        ctx.err(
            &path,
            limits::above(what, x, "limit", limits::MAX_PERCENT, "%"),
        );
    }
    x
}

/// A task's CPU % when busy (`hi`: value, default, key) and when idle, under `path`: both
/// percentages of 0 or more, idle no higher than busy.
fn cpu_range(
    path: &[Step],
    hi: (Option<f64>, f64, &str),
    idle: Option<f64>,
    ctx: &mut Ctx,
) -> (f64, f64) {
    let (v, default, key) = hi;
    let busy = pct(v, default, p(path, &[k(key)]), key, ctx);
    let idle = pct(
        idle,
        workload_defaults::IDLE_CPU,
        p(path, &[k("idleCpu")]),
        "idleCpu",
        ctx,
    );
    if idle > busy {
        ctx.err(
            &p(path, &[k("idleCpu")]),
            format!("idleCpu {idle} is above {key} {busy}"),
        );
    }
    (busy, idle)
}

/// Checks a service's `load` and `loadBalancer`.
pub fn check_load(
    s: &ServiceSpec,
    sp: &[Step],
    memory_mib: u32,
    env: &ShapeEnv,
    ctx: &mut Ctx,
) -> (Option<Load>, Option<LoadBalancer>) {
    // A service with traffic is behind a load balancer: without `loadBalancer` it gets the
    // default one (product.md: the load balancer is "present when the service has traffic").
    let implied = s.load.as_ref().is_some_and(|l| l.traffic.is_some());
    let default_lb = crate::scenario::types::LoadBalancerSpec::default();
    let spec = s.load_balancer.as_ref().or(implied.then_some(&default_lb));
    let lb = spec.map(|l| {
        let hp = p(sp, &[k("loadBalancer"), k("healthCheck")]);
        let hc = l.health_check.clone().unwrap_or_default();
        let interval = hc
            .interval_seconds
            .unwrap_or(defaults::HEALTH_CHECK_INTERVAL_S);
        let thr = hc.healthy_threshold.unwrap_or(defaults::HEALTHY_THRESHOLD);
        if !(5..=300).contains(&interval) {
            ctx.err(
                &p(&hp, &[k("intervalSeconds")]),
                format!("intervalSeconds {interval} is out of range: expected 5 to 300"),
            );
        }
        if !(2..=10).contains(&thr) {
            ctx.err(
                &p(&hp, &[k("healthyThreshold")]),
                format!("healthyThreshold {thr} is out of range: expected 2 to 10"),
            );
        }
        let dereg = l
            .deregistration_delay
            .map(|d| d.millis())
            .unwrap_or(defaults::DEREGISTRATION_DELAY_S * SECOND);
        if dereg > 3600 * SECOND {
            ctx.err(
                &p(sp, &[k("loadBalancer"), k("deregistrationDelay")]),
                format!(
                    "deregistrationDelay {} s is out of range: expected 0 to 3600 seconds",
                    dereg / SECOND
                ),
            );
        }
        LoadBalancer {
            healthy_after: u64::from(interval) * u64::from(thr) * SECOND,
            interval_s: interval,
            healthy_threshold: thr,
            deregistration_delay: dereg,
            target_group: l
                .target_group
                .clone()
                .unwrap_or_else(|| s.service_name.clone()),
        }
    });
    let Some(l) = &s.load else {
        return (None, lb);
    };
    let lp = p(sp, &[k("load")]);
    let traffic = l.traffic.as_ref().and_then(|t| {
        check_shape(
            t,
            &p(&lp, &[k("traffic")]),
            &format!("service:{}", s.service_name),
            REQUESTS,
            env,
            ctx,
        )
    });
    if l.traffic.is_some() && l.queue.is_some() {
        ctx.err(
            &lp,
            "a service's load is `traffic` (behind a load balancer) or `queue` (a worker), not both",
        );
    }
    if l.traffic.is_none() && l.queue.is_none() {
        ctx.err(
            &lp,
            "load needs `traffic` (requests per second through the load balancer) or `queue` (messages for a worker)",
        );
    }
    if l.traffic.is_some() && l.per_task.is_none() {
        ctx.err(
            &lp,
            "traffic needs `perTask` ({\"maxRps\": ...}): how many requests per second one task serves",
        );
    }
    if l.queue.is_some() && l.per_task.is_some() {
        ctx.err(
            &p(&lp, &[k("perTask")]),
            "perTask describes traffic; a queue worker's rate is `queue.perTaskMessagesPerSecond`",
        );
    }
    let per_task = l.per_task.as_ref().map(|t| {
        let tp = p(&lp, &[k("perTask")]);
        if !(t.max_rps.is_finite() && t.max_rps > 0.0) {
            ctx.err(
                &p(&tp, &[k("maxRps")]),
                format!("maxRps {} is out of range: expected above 0", t.max_rps),
            );
        } else if t.max_rps > limits::MAX_RATE {
            ctx.err(
                &p(&tp, &[k("maxRps")]),
                limits::above(
                    "maxRps",
                    t.max_rps,
                    "limit",
                    limits::MAX_RATE,
                    "requests per second",
                ),
            );
        }
        let (cpu_max, idle) = cpu_range(
            &tp,
            (
                t.cpu_at_max_rps,
                workload_defaults::CPU_AT_MAX_RPS,
                "cpuAtMaxRps",
            ),
            t.idle_cpu,
            ctx,
        );
        let base = t
            .memory_base
            .unwrap_or(f64::from(memory_mib) * workload_defaults::MEMORY_BASE_FRACTION);
        for (key, v) in [
            ("memoryBase", base),
            ("memoryPerRps", t.memory_per_rps.unwrap_or(0.0)),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                ctx.err(
                    &p(&tp, &[k(key)]),
                    format!("{key} {v} is out of range: expected MiB, 0 or more"),
                );
            } else if v > limits::MAX_MEMORY_MIB {
                ctx.err(
                    &p(&tp, &[k(key)]),
                    limits::above(key, v, "limit", limits::MAX_MEMORY_MIB, "MiB"),
                );
            }
        }
        PerTask {
            max_rps: t.max_rps,
            cpu_at_max_rps: cpu_max,
            idle_cpu: idle,
            memory_base: base,
            memory_per_rps: t.memory_per_rps.unwrap_or(0.0),
        }
    });
    let queue = l.queue.as_ref().and_then(|q| {
        let qp = p(&lp, &[k("queue")]);
        if !(q.per_task_messages_per_second.is_finite() && q.per_task_messages_per_second > 0.0) {
            ctx.err(
                &p(&qp, &[k("perTaskMessagesPerSecond")]),
                format!(
                    "perTaskMessagesPerSecond {} is out of range: expected above 0",
                    q.per_task_messages_per_second
                ),
            );
        } else if q.per_task_messages_per_second > limits::MAX_RATE {
            ctx.err(
                &p(&qp, &[k("perTaskMessagesPerSecond")]),
                limits::above(
                    "perTaskMessagesPerSecond",
                    q.per_task_messages_per_second,
                    "limit",
                    limits::MAX_RATE,
                    "messages per second",
                ),
            );
        }
        let (busy, idle) = cpu_range(
            &qp,
            (q.cpu_busy, workload_defaults::QUEUE_CPU_BUSY, "cpuBusy"),
            q.idle_cpu,
            ctx,
        );
        let arrivals = check_shape(
            &q.arrivals,
            &p(&qp, &[k("arrivals")]),
            &format!("queue:{}", s.service_name),
            MESSAGES,
            env,
            ctx,
        )?;
        let memory_utilization = pct(
            q.memory_utilization,
            100.0 * workload_defaults::MEMORY_BASE_FRACTION,
            p(&qp, &[k("memoryUtilization")]),
            "memoryUtilization",
            ctx,
        );
        Some(QueueLoad {
            memory_utilization,
            arrivals,
            per_task_rate: q.per_task_messages_per_second,
            poisson: q.arrival_process == Some(ArrivalProcess::Poisson),
            name: q
                .queue_name
                .clone()
                .unwrap_or_else(|| s.service_name.clone()),
            cpu_busy: busy,
            idle_cpu: idle,
        })
    });
    (
        Some(Load {
            traffic,
            per_task,
            queue,
        }),
        lb,
    )
}

/// What metric resolution can see: every checked service and custom metric.
pub struct MetricEnv<'a> {
    /// Services: (name, load, load balancer).
    pub services: Vec<(&'a str, Option<&'a Load>, Option<&'a LoadBalancer>)>,
    /// Custom metrics.
    pub custom: &'a [CustomMetric],
    /// The service the policy belongs to.
    pub own: usize,
    /// Per service: true when its load or load balancer could not be checked because of
    /// problems already reported (its strategy, task definition or load). A metric that needs
    /// them is then taken as given, so that one mistake gives one message, not a follow-on.
    pub unchecked: Vec<bool>,
}

/// Refuses more than [`limits::MAX_DIMENSIONS`] dimensions at `path`.
fn dimensions(d: &[DimensionSpec], path: &[Step], ctx: &mut Ctx) {
    if d.len() > limits::MAX_DIMENSIONS {
        ctx.err(
            path,
            format!(
                "{} dimensions: a CloudWatch metric has at most {}",
                d.len(),
                limits::MAX_DIMENSIONS
            ),
        );
    }
}

fn dims_sorted(d: &[DimensionSpec]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = d
        .iter()
        .map(|d| (d.name.clone(), d.value.clone()))
        .collect();
    v.sort();
    v
}

fn dim<'a>(d: &'a [DimensionSpec], name: &str) -> Option<&'a str> {
    d.iter().find(|x| x.name == name).map(|x| x.value.as_str())
}

/// Resolves (namespace, name, dimensions) to a source, or explains what exists.
fn resolve(
    namespace: &str,
    name: &str,
    dims: &[DimensionSpec],
    env: &MetricEnv,
) -> Result<Source, String> {
    let svc_by = |v: Option<&str>| -> Result<usize, String> {
        let v = v.ok_or_else(|| {
            format!("{namespace} {name} needs a ServiceName dimension naming a service")
        })?;
        env.services
            .iter()
            .position(|(n, _, _)| *n == v)
            .ok_or_else(|| {
                let names: Vec<&str> = env.services.iter().map(|s| s.0).collect();
                format!(
                    "ServiceName `{v}` is not a service of this scenario: {}services are {}",
                    super::suggest::hint(v, &names),
                    names.join(", ")
                )
            })
    };
    match (namespace, name) {
        ("AWS/ECS", "CPUUtilization") => {
            let s = svc_by(dim(dims, "ServiceName"))?;
            needs_load(s, env, "CPUUtilization")?;
            Ok(Source::Cpu(s))
        }
        ("AWS/ECS", "MemoryUtilization") => {
            let s = svc_by(dim(dims, "ServiceName"))?;
            needs_load(s, env, "MemoryUtilization")?;
            Ok(Source::Memory(s))
        }
        ("AWS/ECS" | "ECS/ContainerInsights", "RunningTaskCount") => {
            Ok(Source::RunningTasks(svc_by(dim(dims, "ServiceName"))?))
        }
        ("AWS/ApplicationELB", "RequestCount" | "RequestCountPerTarget") => {
            let tg = dim(dims, "TargetGroup").ok_or_else(|| {
                format!("{namespace} {name} needs a TargetGroup dimension (the service's target group name, or targetgroup/<name>/<id>)")
            })?;
            let tg_name = tg
                .strip_prefix("targetgroup/")
                .map(|r| r.split('/').next().unwrap_or(r))
                .unwrap_or(tg);
            let s = env
                .services
                .iter()
                .position(|(_, _, lb)| lb.is_some_and(|l| l.target_group == tg_name))
                .ok_or_else(|| {
                    if env.unchecked.contains(&true) {
                        // A service whose load balancer went unchecked may be the one: its
                        // problem is reported already.
                        return String::new();
                    }
                    let tgs: Vec<&str> = env.services.iter().filter_map(|(_, _, lb)| lb.map(|l| l.target_group.as_str())).collect();
                    format!("no service's load balancer has target group `{tg_name}`: target groups are {}", if tgs.is_empty() { "none (add loadBalancer to a service)".to_string() } else { tgs.join(", ") })
                })?;
            Ok(if name == "RequestCount" {
                Source::RequestCount(s)
            } else {
                Source::RequestCountPerTarget(s)
            })
        }
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible" | "ApproximateAgeOfOldestMessage") => {
            let q = dim(dims, "QueueName")
                .ok_or_else(|| format!("{namespace} {name} needs a QueueName dimension"))?;
            let s = env
                .services
                .iter()
                .position(|(_, l, _)| {
                    l.and_then(|l| l.queue.as_ref())
                        .is_some_and(|x| x.name == q)
                })
                .ok_or_else(|| {
                    if env.unchecked.contains(&true) {
                        return String::new();
                    }
                    let qs: Vec<&str> = env
                        .services
                        .iter()
                        .filter_map(|(_, l, _)| {
                            l.and_then(|l| l.queue.as_ref()).map(|x| x.name.as_str())
                        })
                        .collect();
                    format!(
                        "no queue is named `{q}`: queues are {}",
                        if qs.is_empty() {
                            "none (add load.queue to a worker service)".to_string()
                        } else {
                            qs.join(", ")
                        }
                    )
                })?;
            Ok(if name == "ApproximateNumberOfMessagesVisible" {
                Source::QueueVisible(s)
            } else {
                Source::QueueAge(s)
            })
        }
        _ => {
            let want = dims_sorted(dims);
            env.custom
                .iter()
                .position(|c| c.namespace == namespace && c.name == name && c.dimensions == want)
                .map(Source::Custom)
                .ok_or_else(|| {
                    let mut known: Vec<String> = vec![
                        "AWS/ECS CPUUtilization, MemoryUtilization, RunningTaskCount (ServiceName)".into(),
                        "AWS/ApplicationELB RequestCount, RequestCountPerTarget (TargetGroup)".into(),
                        "AWS/SQS ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage (QueueName)".into(),
                    ];
                    for c in env.custom {
                        let d: Vec<String> = c.dimensions.iter().map(|(a, b)| format!("{a}={b}")).collect();
                        known.push(format!("{} {} ({}) from customMetrics", c.namespace, c.name, d.join(", ")));
                    }
                    // A did-you-mean over every metric name this scenario has, namespace first.
                    let mut names: Vec<String> = [
                        "AWS/ECS CPUUtilization", "AWS/ECS MemoryUtilization", "AWS/ECS RunningTaskCount",
                        "AWS/ApplicationELB RequestCount", "AWS/ApplicationELB RequestCountPerTarget",
                        "AWS/SQS ApproximateNumberOfMessagesVisible", "AWS/SQS ApproximateAgeOfOldestMessage",
                    ]
                    .map(String::from)
                    .to_vec();
                    names.extend(env.custom.iter().map(|c| format!("{} {}", c.namespace, c.name)));
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    let wanted = format!("{namespace} {name}");
                    let hint = match super::suggest::did_you_mean(&wanted, &names) {
                        Some(near) if near != wanted => format!("did you mean {near}? "),
                        _ => String::new(),
                    };
                    format!("no metric {namespace} {name} with these dimensions exists in this scenario; {hint}available: {}", known.join("; "))
                })
        }
    }
}

/// The character offset in `text` of the first occurrence of `word` as a whole word (not
/// inside a longer name of letters, digits and `_`).
fn word_at(text: &str, word: &str) -> Option<usize> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let start = from + found;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_name) && !after.is_some_and(is_name) {
            return Some(text[..start].chars().count());
        }
        from = end;
    }
    None
}

fn needs_load(s: usize, env: &MetricEnv, what: &str) -> Result<(), String> {
    if env.unchecked.get(s).copied().unwrap_or(false) {
        return Ok(());
    }
    match env.services[s].1 {
        Some(l) if l.per_task.is_some() || l.queue.is_some() => Ok(()),
        _ => Err(format!(
            "service `{}` has no load, so its {what} is unknown: give it `load` (traffic with perTask, or a queue)",
            env.services[s].0
        )),
    }
}

fn stat_of(s: &str, path: &[Step], ctx: &mut Ctx) -> Option<Stat> {
    let r = Stat::parse(s);
    if r.is_none() {
        ctx.err(
            path,
            format!(
                "unknown statistic `{s}`: expected Average, Sum, Minimum, Maximum or SampleCount"
            ),
        );
    }
    r
}

/// Resolves a single metric or a `Metrics` list into a query.
#[allow(clippy::too_many_arguments)]
fn check_query(
    single: (Option<&str>, Option<&str>, &[DimensionSpec], Option<&str>),
    metrics: &[MetricDataQuerySpec],
    period: Millis,
    base: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<MetricQuery> {
    let before = ctx.problems.len();
    let (ns, name, dims, stat) = single;
    dimensions(dims, &p(base, &[k("Dimensions")]), ctx);
    if metrics.len() > limits::MAX_METRIC_QUERIES {
        ctx.err(
            &p(base, &[k("Metrics")]),
            format!(
                "{} queries: a metric math alarm takes at most {} (CloudWatch PutMetricAlarm)",
                metrics.len(),
                limits::MAX_METRIC_QUERIES
            ),
        );
    }
    if !metrics.is_empty() {
        if ns.is_some() || name.is_some() {
            ctx.err(
                base,
                "give either MetricName/Namespace/Dimensions/Statistic or Metrics (metric math), not both",
            );
            return None;
        }
        let mut out = Vec::new();
        let mut exprs: Vec<(String, Expr)> = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        let mut result: Option<(usize, Option<Expr>)> = None;
        let mut returns = 0;
        for (n, q) in metrics.iter().enumerate() {
            let qp = p(base, &[k("Metrics"), i(n)]);
            let valid_id = q.id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && q.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_id {
                ctx.err(
                    &p(&qp, &[k("Id")]),
                    format!("Id `{}` is not valid: expected a lowercase letter then letters, digits or _", q.id),
                );
            }
            if ids.contains(&q.id.as_str()) {
                ctx.err(&p(&qp, &[k("Id")]), format!("Id `{}` is used twice", q.id));
            }
            ids.push(&q.id);
            let is_result = q.return_data.unwrap_or(true);
            if is_result {
                returns += 1;
            }
            match (&q.expression, &q.metric_stat) {
                (Some(_), Some(_)) | (None, None) => ctx.err(
                    &qp,
                    "each query has exactly one of Expression or MetricStat",
                ),
                (None, Some(ms)) => {
                    let sp = p(&qp, &[k("MetricStat")]);
                    dimensions(
                        &ms.metric.dimensions,
                        &p(&sp, &[k("Metric"), k("Dimensions")]),
                        ctx,
                    );
                    if let Some(pp) = ms.period.or(q.period)
                        && u64::from(pp) * SECOND != period
                    {
                        ctx.err(
                            &p(&sp, &[k("Period")]),
                            format!(
                                "Period {pp} differs from the metric's period of {} s",
                                period / SECOND
                            ),
                        );
                    }
                    let st = stat_of(&ms.stat, &p(&sp, &[k("Stat")]), ctx);
                    match resolve(
                        &ms.metric.namespace,
                        &ms.metric.metric_name,
                        &ms.metric.dimensions,
                        env,
                    ) {
                        Ok(src) => {
                            if let Some(st) = st {
                                out.push((
                                    q.id.clone(),
                                    MetricRef {
                                        source: src,
                                        stat: st,
                                        label: format!(
                                            "{} {}",
                                            ms.metric.namespace, ms.metric.metric_name
                                        ),
                                    },
                                ));
                            }
                        }
                        // Empty: the cause is a problem reported already.
                        Err(e) if e.is_empty() => {}
                        Err(e) => ctx.err(&p(&sp, &[k("Metric")]), e),
                    }
                    if is_result {
                        result = Some((n, None));
                    }
                }
                (Some(e), None) => match Expr::parse(e) {
                    Ok(x) => {
                        if let Some(off) = x.divides_by_constant_zero() {
                            ctx.err_at(
                                &p(&qp, &[k("Expression")]),
                                off + 1,
                                format!("`{e}` divides by a constant zero: it could never yield a datapoint"),
                            );
                        }
                        if is_result {
                            result = Some((n, Some(x.clone())));
                        }
                        exprs.push((q.id.clone(), x));
                    }
                    // err_at's offset 0 is the opening quote: 0-based n is at n + 1.
                    Err((off, msg)) => ctx.err_at(&p(&qp, &[k("Expression")]), off + 1, msg),
                },
            }
        }
        for (n, q) in metrics.iter().enumerate() {
            if let Some(e) = &q.expression
                && let Ok(x) = Expr::parse(e)
            {
                for id in x.ids() {
                    if !ids.contains(&id.as_str()) || id == q.id {
                        let others: Vec<&str> =
                            ids.iter().copied().filter(|o| *o != q.id).collect();
                        // Point at the id inside the expression (err_at's offset 0 is the
                        // opening quote).
                        ctx.err_at(
                            &p(base, &[k("Metrics"), i(n), k("Expression")]),
                            word_at(e, &id).map_or(0, |off| off + 1),
                            format!(
                                "`{e}` uses id `{id}`, which is not another query's Id: ids are {}",
                                others.join(", ")
                            ),
                        );
                    }
                }
                if let Some(cycle) = cycle_through(&q.id, &exprs) {
                    ctx.err(
                        &p(base, &[k("Metrics"), i(n), k("Expression")]),
                        format!(
                            "expressions use each other in a circle ({}): one of them must use metrics only",
                            cycle.join(" → ")
                        ),
                    );
                }
            }
        }
        if returns != 1 {
            ctx.err(
                &p(base, &[k("Metrics")]),
                format!("{returns} queries return data: exactly one must (set ReturnData false on the others)"),
            );
        }
        if ctx.problems.len() > before {
            return None;
        }
        let (n, expr) = result?;
        let label = match &expr {
            Some(x) => x.to_string(),
            None => metrics[n].id.clone(),
        };
        let expr = match expr {
            Some(x) => Some(x),
            // A MetricStat query returning data: the expression is its id.
            None => Expr::parse(&metrics[n].id).ok(),
        };
        return Some(MetricQuery {
            period,
            metrics: out,
            expr,
            exprs,
            label,
        });
    }
    let (Some(ns), Some(name)) = (ns, name) else {
        ctx.err(
            base,
            "no metric: give MetricName, Namespace, Dimensions and Statistic, or Metrics (metric math)",
        );
        return None;
    };
    let st = stat_of(stat.unwrap_or("Average"), &p(base, &[k("Statistic")]), ctx)?;
    match resolve(ns, name, dims, env) {
        Ok(src) => Some(MetricQuery {
            period,
            metrics: vec![(
                "m1".to_string(),
                MetricRef {
                    source: src,
                    stat: st,
                    label: format!("{ns} {name}"),
                },
            )],
            expr: None,
            exprs: Vec::new(),
            label: format!("{ns} {name} ({})", st.as_str()),
        }),
        Err(e) => {
            if !e.is_empty() {
                ctx.err(&p(base, &[k("MetricName")]), e);
            }
            None
        }
    }
}

/// The ids of a circle of expressions through `start`, if any (start → … → start).
fn cycle_through(start: &str, exprs: &[(String, Expr)]) -> Option<Vec<String>> {
    fn walk(at: &str, start: &str, exprs: &[(String, Expr)], path: &mut Vec<String>) -> bool {
        let Some((_, e)) = exprs.iter().find(|(id, _)| id == at) else {
            return false;
        };
        for next in e.ids() {
            if next == start {
                path.push(next);
                return true;
            }
            if path.contains(&next) || path.len() > exprs.len() {
                continue;
            }
            path.push(next.clone());
            if walk(&next, start, exprs, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(start, start, exprs, &mut path).then_some(path)
}

impl MetricQuery {
    /// What the query measures, for telling two policies' metrics apart: the metrics read
    /// (source and statistic), the expressions and the period — not their display names.
    pub fn identity(&self) -> String {
        let metrics: Vec<String> = self
            .metrics
            .iter()
            .map(|(id, r)| format!("{id}={:?}/{}", r.source, r.stat.as_str()))
            .collect();
        let exprs: Vec<String> = self
            .exprs
            .iter()
            .map(|(id, e)| format!("{id}={e}"))
            .collect();
        format!(
            "{}|{}|{}|{}",
            self.period,
            metrics.join(","),
            exprs.join(","),
            self.expr
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default()
        )
    }
}

const PREDEFINED: &[&str] = &[
    "ECSServiceAverageCPUUtilization",
    "ECSServiceAverageMemoryUtilization",
    "ALBRequestCountPerTarget",
    "ECSServiceAverageCPUUtilizationHighResolution",
    "ECSServiceAverageMemoryUtilizationHighResolution",
];

/// The high-resolution period, ms.
pub const HIGH_RES_PERIOD: Millis = 20 * SECOND;
/// The standard period, ms.
pub const PERIOD: Millis = 60 * SECOND;

fn predefined(
    t: &PredefinedMetricSpec,
    path: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<MetricQuery> {
    let s = env.own;
    let name = env.services[s].0;
    let (source, period, label) = match t.predefined_metric_type.as_str() {
        "ECSServiceAverageCPUUtilization" => {
            (Source::Cpu(s), PERIOD, "ECSServiceAverageCPUUtilization")
        }
        "ECSServiceAverageMemoryUtilization" => (
            Source::Memory(s),
            PERIOD,
            "ECSServiceAverageMemoryUtilization",
        ),
        "ECSServiceAverageCPUUtilizationHighResolution" => (
            Source::Cpu(s),
            HIGH_RES_PERIOD,
            "ECSServiceAverageCPUUtilizationHighResolution",
        ),
        "ECSServiceAverageMemoryUtilizationHighResolution" => (
            Source::Memory(s),
            HIGH_RES_PERIOD,
            "ECSServiceAverageMemoryUtilizationHighResolution",
        ),
        "ALBRequestCountPerTarget" => (
            Source::RequestCountPerTarget(s),
            PERIOD,
            "ALBRequestCountPerTarget",
        ),
        other => {
            let hint = super::suggest::did_you_mean(other, PREDEFINED)
                .map(|x| format!("did you mean `{x}`? "))
                .unwrap_or_default();
            ctx.err(
                &p(path, &[k("PredefinedMetricType")]),
                format!(
                    "unknown PredefinedMetricType `{other}`: {hint}expected one of {}",
                    PREDEFINED.join(", ")
                ),
            );
            return None;
        }
    };
    let problem = match source {
        Source::Cpu(_) | Source::Memory(_) => needs_load(s, env, label).err(),
        Source::RequestCountPerTarget(_) => {
            let (_, l, lb) = env.services[s];
            let unchecked = env.unchecked.get(s).copied().unwrap_or(false);
            if !unchecked && (lb.is_none() || l.and_then(|l| l.traffic.as_ref()).is_none()) {
                Some(format!(
                    "ALBRequestCountPerTarget needs the service `{name}` to have a loadBalancer and load.traffic"
                ))
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(msg) = problem {
        ctx.err(&p(path, &[k("PredefinedMetricType")]), msg);
        return None;
    }
    let stat = if matches!(source, Source::RequestCountPerTarget(_)) {
        Stat::Sum
    } else {
        Stat::Average
    };
    Some(MetricQuery {
        period,
        metrics: vec![(
            "m1".to_string(),
            MetricRef {
                source,
                stat,
                label: label.to_string(),
            },
        )],
        expr: None,
        exprs: Vec::new(),
        label: label.to_string(),
    })
}

/// "`what` X is beyond the limit of ±1e15 for a metric value" (a number of either sign).
fn metric_magnitude(what: &str, v: f64) -> String {
    let m = limits::show(limits::MAX_METRIC_VALUE);
    format!(
        "{what} {} is beyond the limit of ±{m} for a metric value: expected -{m} to {m}",
        limits::show(v)
    )
}

fn cooldown(v: Option<u32>, path: Vec<Step>, ctx: &mut Ctx) -> Millis {
    let c = v.unwrap_or(defaults::COOLDOWN_S);
    if c > 31_536_000 {
        ctx.err(
            &path,
            format!("cooldown {c} s is out of range: expected 0 to 31536000 seconds"),
        );
    }
    u64::from(c) * SECOND
}

/// Checks a service's `autoScaling` (call once every service is known).
pub fn check_auto_scaling(
    a: &AutoScalingSpec,
    ap: &[Step],
    env: &MetricEnv,
    ctx: &mut Ctx,
) -> Option<AutoScaling> {
    let before = ctx.problems.len();
    let max_desired = limits::MAX_DESIRED;
    if a.min_capacity > a.max_capacity {
        ctx.err(
            &p(ap, &[k("MinCapacity")]),
            format!(
                "MinCapacity {} is above MaxCapacity {}: MinCapacity must be at most MaxCapacity",
                a.min_capacity, a.max_capacity
            ),
        );
    }
    if a.max_capacity > max_desired {
        ctx.err(
            &p(ap, &[k("MaxCapacity")]),
            format!(
                "MaxCapacity {} is above the quota of {max_desired} tasks per service",
                a.max_capacity
            ),
        );
    }
    if a.policies.len() > limits::MAX_POLICIES {
        ctx.err(
            &p(ap, &[k("policies")]),
            format!(
                "{} policies: a scalable target takes at most {}",
                a.policies.len(),
                limits::MAX_POLICIES
            ),
        );
    }
    if a.scheduled_actions.len() > limits::MAX_SCHEDULED_ACTIONS {
        ctx.err(
            &p(ap, &[k("scheduledActions")]),
            format!(
                "{} scheduled actions: a scalable target takes at most {}",
                a.scheduled_actions.len(),
                limits::MAX_SCHEDULED_ACTIONS
            ),
        );
    }
    let mut policies = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut tracked: Vec<(String, usize)> = Vec::new();
    for (n, pol) in a.policies.iter().enumerate() {
        let pp = p(ap, &[k("policies"), i(n)]);
        if names.contains(&pol.policy_name.as_str()) {
            ctx.err(
                &p(&pp, &[k("PolicyName")]),
                format!("duplicate PolicyName `{}`", pol.policy_name),
            );
        }
        names.push(&pol.policy_name);
        match pol.policy_type.as_str() {
            "TargetTrackingScaling" => {
                let Some(tt) = &pol.target_tracking_scaling_policy_configuration else {
                    ctx.err(&pp, "a TargetTrackingScaling policy needs TargetTrackingScalingPolicyConfiguration");
                    continue;
                };
                if pol.step_scaling_policy_configuration.is_some() || pol.alarm.is_some() {
                    ctx.err(&pp, "a TargetTrackingScaling policy takes no StepScalingPolicyConfiguration or Alarm (AWS creates its alarms)");
                }
                let tp = p(&pp, &[k("TargetTrackingScalingPolicyConfiguration")]);
                if !(tt.target_value.is_finite() && tt.target_value > 0.0) {
                    ctx.err(
                        &p(&tp, &[k("TargetValue")]),
                        format!(
                            "TargetValue {} is out of range: expected above 0",
                            tt.target_value
                        ),
                    );
                } else if tt.target_value > limits::MAX_METRIC_VALUE {
                    ctx.err(
                        &p(&tp, &[k("TargetValue")]),
                        limits::above(
                            "TargetValue",
                            tt.target_value,
                            "limit",
                            limits::MAX_METRIC_VALUE,
                            "for a metric value",
                        ),
                    );
                }
                let metric = match (
                    &tt.predefined_metric_specification,
                    &tt.customized_metric_specification,
                ) {
                    (Some(pm), None) => {
                        predefined(pm, &p(&tp, &[k("PredefinedMetricSpecification")]), env, ctx)
                    }
                    (None, Some(c)) => check_query(
                        (
                            c.namespace.as_deref(),
                            c.metric_name.as_deref(),
                            &c.dimensions,
                            c.statistic.as_deref(),
                        ),
                        &c.metrics,
                        PERIOD,
                        &p(&tp, &[k("CustomizedMetricSpecification")]),
                        env,
                        ctx,
                    ),
                    _ => {
                        ctx.err(&tp, "give exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification");
                        None
                    }
                };
                let out_c = cooldown(tt.scale_out_cooldown, p(&tp, &[k("ScaleOutCooldown")]), ctx);
                let in_c = cooldown(tt.scale_in_cooldown, p(&tp, &[k("ScaleInCooldown")]), ctx);
                if let Some(m) = metric {
                    let key = m.identity();
                    if let Some((_, other)) = tracked.iter().find(|(l, _)| *l == key) {
                        ctx.err(&tp, format!("policy `{}` already tracks {}: each target tracking policy must use a different metric", a.policies[*other].policy_name, m.label));
                    }
                    tracked.push((key, n));
                    policies.push(Policy {
                        name: pol.policy_name.clone(),
                        kind: PolicyKind::TargetTracking {
                            target: tt.target_value,
                            metric: m,
                            out_cooldown: out_c,
                            in_cooldown: in_c,
                            disable_scale_in: tt.disable_scale_in.unwrap_or(false),
                        },
                    });
                }
            }
            "StepScaling" => {
                let Some(sc) = &pol.step_scaling_policy_configuration else {
                    ctx.err(
                        &pp,
                        "a StepScaling policy needs StepScalingPolicyConfiguration",
                    );
                    continue;
                };
                let Some(al) = &pol.alarm else {
                    ctx.err(&pp, "a StepScaling policy needs its Alarm (PutMetricAlarm fields: MetricName, Namespace, Dimensions, Statistic, Period, EvaluationPeriods, Threshold, ComparisonOperator)");
                    continue;
                };
                if pol.target_tracking_scaling_policy_configuration.is_some() {
                    ctx.err(
                        &pp,
                        "a StepScaling policy takes no TargetTrackingScalingPolicyConfiguration",
                    );
                }
                let sp = p(&pp, &[k("StepScalingPolicyConfiguration")]);
                let adjustment = AdjustmentType::parse(&sc.adjustment_type);
                if adjustment.is_none() {
                    ctx.err(&p(&sp, &[k("AdjustmentType")]), format!("unknown AdjustmentType `{}`: expected ChangeInCapacity, ExactCapacity or PercentChangeInCapacity", sc.adjustment_type));
                }
                let steps: Vec<StepAdjustment> = sc
                    .step_adjustments
                    .iter()
                    .map(|s| StepAdjustment {
                        lower: s.metric_interval_lower_bound,
                        upper: s.metric_interval_upper_bound,
                        adjustment: s.scaling_adjustment,
                    })
                    .collect();
                for (n, st) in sc.step_adjustments.iter().enumerate() {
                    let stp = p(&sp, &[k("StepAdjustments"), i(n)]);
                    for (key, b) in [
                        ("MetricIntervalLowerBound", st.metric_interval_lower_bound),
                        ("MetricIntervalUpperBound", st.metric_interval_upper_bound),
                    ] {
                        if let Some(b) = b
                            && b.abs() > limits::MAX_METRIC_VALUE
                        {
                            ctx.err(&p(&stp, &[k(key)]), metric_magnitude(key, b));
                        }
                    }
                    if st.scaling_adjustment.abs() > limits::MAX_SCALING_ADJUSTMENT {
                        let m = limits::MAX_SCALING_ADJUSTMENT;
                        ctx.err(
                            &p(&stp, &[k("ScalingAdjustment")]),
                            format!(
                                "ScalingAdjustment {} is out of range: Application Auto Scaling takes a 32-bit integer, -{m} to {m}",
                                st.scaling_adjustment
                            ),
                        );
                    }
                }
                if let Err((idx, msg)) = step::check_steps(&steps) {
                    let path = if sc.step_adjustments.is_empty() {
                        p(&sp, &[k("StepAdjustments")])
                    } else {
                        p(&sp, &[k("StepAdjustments"), i(idx)])
                    };
                    ctx.err(&path, msg);
                }
                if let Some(m) = sc.min_adjustment_magnitude
                    && adjustment != Some(AdjustmentType::PercentChangeInCapacity)
                {
                    let _ = m;
                    ctx.err(
                        &p(&sp, &[k("MinAdjustmentMagnitude")]),
                        "MinAdjustmentMagnitude applies only to PercentChangeInCapacity",
                    );
                }
                if adjustment == Some(AdjustmentType::ExactCapacity)
                    && steps.iter().any(|s| s.adjustment < 0)
                {
                    ctx.err(
                        &p(&sp, &[k("StepAdjustments")]),
                        "ExactCapacity steps set a capacity: it cannot be negative",
                    );
                }
                if let Some(t) = &sc.metric_aggregation_type
                    && !matches!(t.as_str(), "Average" | "Minimum" | "Maximum")
                {
                    ctx.err(&p(&sp, &[k("MetricAggregationType")]), format!("unknown MetricAggregationType `{t}`: expected Average, Minimum or Maximum"));
                }
                let cd = cooldown(sc.cooldown, p(&sp, &[k("Cooldown")]), ctx);
                let alp = p(&pp, &[k("Alarm")]);
                let period_s = al.period.unwrap_or(60);
                let period = if period_s == 20 {
                    HIGH_RES_PERIOD
                } else if period_s >= 60 && period_s % 60 == 0 && period_s <= 86_400 {
                    u64::from(period_s) * SECOND
                } else {
                    ctx.err(&p(&alp, &[k("Period")]), format!("Period {period_s} is not modelled: expected 20 (high-resolution ECS CPU or memory) or a multiple of 60 up to 86400"));
                    PERIOD
                };
                let comparison = Comparison::parse(&al.comparison_operator);
                if comparison.is_none() {
                    ctx.err(&p(&alp, &[k("ComparisonOperator")]), format!("unknown ComparisonOperator `{}`: expected GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or LessThanOrEqualToThreshold", al.comparison_operator));
                }
                let dta = al.datapoints_to_alarm.unwrap_or(al.evaluation_periods);
                if al.evaluation_periods == 0 {
                    ctx.err(
                        &p(&alp, &[k("EvaluationPeriods")]),
                        "EvaluationPeriods 0: expected 1 or more",
                    );
                }
                if dta == 0 || dta > al.evaluation_periods {
                    ctx.err(&p(&alp, &[k("DatapointsToAlarm")]), format!("DatapointsToAlarm {dta} is out of range: expected 1 to EvaluationPeriods ({})", al.evaluation_periods));
                }
                if u64::from(al.evaluation_periods) * period > 86_400 * SECOND {
                    ctx.err(
                        &p(&alp, &[k("EvaluationPeriods")]),
                        "EvaluationPeriods × Period may not exceed one day (86400 s)",
                    );
                }
                if let Some(t) = &al.treat_missing_data
                    && t != "missing"
                {
                    ctx.err(&p(&alp, &[k("TreatMissingData")]), format!("TreatMissingData `{t}` is not modelled: only `missing` (the default) is"));
                }
                if !al.threshold.is_finite() {
                    ctx.err(&p(&alp, &[k("Threshold")]), "Threshold must be a number");
                } else if al.threshold.abs() > limits::MAX_METRIC_VALUE {
                    ctx.err(
                        &p(&alp, &[k("Threshold")]),
                        metric_magnitude("Threshold", al.threshold),
                    );
                }
                let metric = check_query(
                    (
                        al.namespace.as_deref(),
                        al.metric_name.as_deref(),
                        &al.dimensions,
                        al.statistic.as_deref(),
                    ),
                    &al.metrics,
                    period,
                    &alp,
                    env,
                    ctx,
                );
                if period == HIGH_RES_PERIOD
                    && let Some(m) = &metric
                    && m.metrics
                        .iter()
                        .any(|(_, r)| !matches!(r.source, Source::Cpu(_) | Source::Memory(_)))
                {
                    ctx.err(&p(&alp, &[k("Period")]), "a 20-second period exists only for the high-resolution ECS CPU and memory metrics");
                }
                if let (Some(adj), Some(cmp), Some(m)) = (adjustment, comparison, metric) {
                    policies.push(Policy {
                        name: pol.policy_name.clone(),
                        kind: PolicyKind::Step {
                            alarm: AlarmDef {
                                name: al
                                    .alarm_name
                                    .clone()
                                    .unwrap_or_else(|| format!("{}-alarm", pol.policy_name)),
                                metric: m,
                                threshold: al.threshold,
                                comparison: cmp,
                                evaluation_periods: al.evaluation_periods,
                                datapoints_to_alarm: dta,
                            },
                            adjustment: adj,
                            steps,
                            min_adjustment_magnitude: sc.min_adjustment_magnitude,
                            cooldown: cd,
                        },
                    });
                }
            }
            "PredictiveScaling" => ctx.err(
                &p(&pp, &[k("PolicyType")]),
                "PolicyType PredictiveScaling is not modelled: use TargetTrackingScaling, StepScaling or scheduledActions",
            ),
            other => {
                let names = ["TargetTrackingScaling", "StepScaling"];
                // A prefix (the console's "Target tracking") is as good a hint as a typo.
                let hint = names
                    .iter()
                    .find(|n| other.len() >= 4 && n.starts_with(other))
                    .map(|n| n.to_string())
                    .or_else(|| super::suggest::did_you_mean(other, &names).map(str::to_string))
                    .map(|x| format!("did you mean `{x}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&pp, &[k("PolicyType")]),
                    format!("unknown PolicyType `{other}`: {hint}expected TargetTrackingScaling or StepScaling (PredictiveScaling is not modelled)"),
                );
            }
        }
    }
    let mut scheduled = Vec::new();
    let mut snames: Vec<&str> = Vec::new();
    for (n, sa) in a.scheduled_actions.iter().enumerate() {
        let sp = p(ap, &[k("scheduledActions"), i(n)]);
        if snames.contains(&sa.scheduled_action_name.as_str()) {
            ctx.err(
                &p(&sp, &[k("ScheduledActionName")]),
                format!(
                    "duplicate ScheduledActionName `{}`",
                    sa.scheduled_action_name
                ),
            );
        }
        snames.push(&sa.scheduled_action_name);
        let act = &sa.scalable_target_action;
        if act.min_capacity.is_none() && act.max_capacity.is_none() {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction")]),
                "ScalableTargetAction sets neither MinCapacity nor MaxCapacity",
            );
        }
        if let (Some(lo), Some(hi)) = (act.min_capacity, act.max_capacity)
            && lo > hi
        {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction"), k("MinCapacity")]),
                format!("MinCapacity {lo} is above MaxCapacity {hi}: MinCapacity must be at most MaxCapacity"),
            );
        }
        if act.max_capacity.is_some_and(|m| m > max_desired) {
            ctx.err(
                &p(&sp, &[k("ScalableTargetAction"), k("MaxCapacity")]),
                format!("MaxCapacity is above the quota of {max_desired} tasks per service"),
            );
        }
        match Schedule::parse(
            &sa.schedule,
            sa.timezone.as_deref(),
            sa.start_time.as_deref(),
            sa.end_time.as_deref(),
        ) {
            Ok(schedule) => scheduled.push(ScheduledAction {
                name: sa.scheduled_action_name.clone(),
                schedule,
                min: act.min_capacity,
                max: act.max_capacity,
            }),
            // err_at's offset 0 is the opening quote: 0-based n is at n + 1.
            // (0 means the whole value).
            Err(e) => {
                let at = if e.offset == 0 { 0 } else { e.offset + 1 };
                ctx.err_at(&p(&sp, &[k(e.field)]), at, e.message)
            }
        }
    }
    (ctx.problems.len() == before).then_some(AutoScaling {
        min: a.min_capacity,
        max: a.max_capacity,
        policies,
        scheduled,
    })
}

/// Checks a batch job stream's arrivals and runtime.
pub fn check_job(b: &BatchJobSpec, bp: &[Step], env: &ShapeEnv, ctx: &mut Ctx) -> Option<Job> {
    let before = ctx.problems.len();
    let ap = p(bp, &[k("arrivals")]);
    let arrivals = match b.arrivals.process.as_str() {
        "poisson" => {
            if !b.arrivals.schedule.is_empty() {
                ctx.err(
                    &p(&ap, &[k("schedule")]),
                    "a Poisson process takes perHour or rate, not schedule",
                );
            }
            match (&b.arrivals.per_hour, &b.arrivals.rate) {
                (Some(h), None) => {
                    let per_hour = limits::MAX_JOB_ARRIVALS_PER_SECOND * 3600.0;
                    if !(h.is_finite() && *h > 0.0) {
                        ctx.err(
                            &p(&ap, &[k("perHour")]),
                            format!("perHour {h} is out of range: expected above 0"),
                        );
                        None
                    } else if *h > per_hour {
                        ctx.err(
                            &p(&ap, &[k("perHour")]),
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
                            &p(&ap, &[k("perHour")]),
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
                    &p(&ap, &[k("rate")]),
                    &format!("job:{}", b.name),
                    JOBS,
                    env,
                    ctx,
                )
                .map(Arrivals::Poisson),
                _ => {
                    ctx.err(&ap, "a Poisson process needs exactly one of perHour (a constant rate) or rate (a load shape in jobs per second)");
                    None
                }
            }
        }
        "schedule" => {
            if b.arrivals.per_hour.is_some() || b.arrivals.rate.is_some() {
                ctx.err(&ap, "a schedule takes `schedule`, not perHour or rate");
            }
            if b.arrivals.schedule.is_empty() {
                ctx.err(
                    &p(&ap, &[k("schedule")]),
                    "an empty schedule: list {\"at\": \"1h\", \"count\": 5} entries",
                );
            }
            if b.arrivals.schedule.len() > limits::MAX_JOB_SCHEDULE_ENTRIES {
                ctx.err(
                    &p(&ap, &[k("schedule")]),
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
                        &p(&ap, &[k("schedule"), i(n), k("count")]),
                        "count 0: expected 1 or more",
                    );
                } else if c > limits::MAX_JOBS_PER_SUBMISSION {
                    ctx.err(
                        &p(&ap, &[k("schedule"), i(n), k("count")]),
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
                        &p(&ap, &[k("schedule"), i(n), k("at")]),
                        "schedule entries must be in time order",
                    );
                }
                v.push((e.at.millis(), c));
            }
            Some(Arrivals::Schedule(v))
        }
        other => {
            let hint = super::suggest::did_you_mean(other, &["poisson", "schedule"])
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

/// Checks `customMetrics`.
pub fn check_custom(list: &[CustomMetricSpec], env: &ShapeEnv, ctx: &mut Ctx) -> Vec<CustomMetric> {
    let mut out = Vec::new();
    if list.len() > limits::MAX_CUSTOM_METRICS {
        ctx.err(
            &[k("customMetrics")],
            format!(
                "{} custom metrics: above the limit of {} per scenario",
                list.len(),
                limits::MAX_CUSTOM_METRICS
            ),
        );
    }
    for (n, c) in list.iter().enumerate() {
        let cp = vec![k("customMetrics"), i(n)];
        dimensions(&c.dimensions, &p(&cp, &[k("Dimensions")]), ctx);
        let dims = dims_sorted(&c.dimensions);
        if out.iter().any(|o: &CustomMetric| {
            o.namespace == c.namespace && o.name == c.metric_name && o.dimensions == dims
        }) {
            ctx.err(
                &cp,
                format!(
                    "custom metric {} {} with these dimensions is defined twice",
                    c.namespace, c.metric_name
                ),
            );
        }
        if c.namespace.starts_with("AWS/") {
            ctx.err(
                &p(&cp, &[k("Namespace")]),
                format!(
                    "namespace `{}` is reserved for AWS's own metrics: use your own, e.g. `MyApp`",
                    c.namespace
                ),
            );
        }
        let d: Vec<String> = dims.iter().map(|(a, b)| format!("{a}={b}")).collect();
        let owner = format!("metric:{}/{}/{}", c.namespace, c.metric_name, d.join(","));
        if let Some(v) = check_shape(&c.value, &p(&cp, &[k("Value")]), &owner, METRIC, env, ctx) {
            out.push(CustomMetric {
                namespace: c.namespace.clone(),
                name: c.metric_name.clone(),
                dimensions: dims,
                value: v,
            });
        }
    }
    out
}

/// A checked fault.
#[derive(Debug, Clone)]
pub struct Fault {
    /// Its name (keys its random stream).
    pub name: String,
    /// What it does.
    pub kind: FaultKind,
}

/// The fault types modelled.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// FARGATE_SPOT interruptions: a rate per task-hour and/or fractions at given times.
    FargateSpotInterruptions {
        /// Provider index (FARGATE_SPOT).
        provider: usize,
        /// Interruptions per task-hour (0: none by rate).
        per_task_hour: f64,
        /// (time, fraction of the provider's tasks).
        schedule: Vec<(Millis, f64)>,
    },
    /// EC2 Spot interruptions of an Auto Scaling group's instances: a rate per instance-hour
    /// (overridden per zone) and/or fractions at given times.
    Ec2SpotInterruptions {
        /// Provider index (a Spot group).
        provider: usize,
        /// Interruptions per instance-hour.
        per_instance_hour: f64,
        /// (zone index, rate) overrides.
        by_zone: Vec<(usize, f64)>,
        /// (time, fraction of the group's instances).
        schedule: Vec<(Millis, f64)>,
    },
    /// Instances of a group fail at a rate per instance-hour (no notice; the group replaces
    /// them).
    InstanceFailures {
        /// Provider index.
        provider: usize,
        /// Failures per instance-hour.
        per_instance_hour: f64,
    },
    /// A service's tasks crash at a rate per task-hour (RUNNING tasks; the service replaces
    /// them).
    TaskCrashes {
        /// Service index.
        service: usize,
        /// Crashes per task-hour.
        per_task_hour: f64,
    },
    /// A zone is lost in [from, to).
    ZoneOutage {
        /// Zone index.
        zone: usize,
        /// Start, ms.
        from: Millis,
        /// End, ms.
        to: Millis,
    },
    /// No new Spot capacity in [from, to): new FARGATE_SPOT tasks wait in PROVISIONING; a Spot
    /// group's launches wait until the window ends.
    SpotCapacityUnavailable {
        /// Provider index.
        provider: usize,
        /// Start, ms.
        from: Millis,
        /// End, ms.
        to: Millis,
    },
}

const FAULT_TYPES: &[&str] = &[
    "spotInterruptions",
    "spotCapacityUnavailable",
    "zoneOutage",
    "instanceFailures",
    "taskCrashes",
];

/// The refusal of a fault rate `r` above [`limits::MAX_FAULTS_PER_HOUR`], if it is.
fn fault_rate(what: &str, r: f64, unit: &str) -> Option<String> {
    (r > limits::MAX_FAULTS_PER_HOUR).then(|| {
        limits::above(
            what,
            r,
            "limit",
            limits::MAX_FAULTS_PER_HOUR,
            &format!("per {unit} (one a minute)"),
        )
    })
}

/// Checks `faults`.
pub fn check_faults(
    list: &[FaultSpec],
    providers: &[super::Provider],
    zones: &[String],
    service_names: &[String],
    ctx: &mut Ctx,
) -> Vec<Fault> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    if list.len() > limits::MAX_FAULTS {
        ctx.err(
            &[k("faults")],
            format!(
                "{} faults: above the limit of {} faults per scenario",
                list.len(),
                limits::MAX_FAULTS
            ),
        );
    }
    for (n, f) in list.iter().enumerate() {
        let fp = vec![k("faults"), i(n)];
        if f.schedule.len() > limits::MAX_FAULT_SCHEDULE_ENTRIES {
            ctx.err(
                &p(&fp, &[k("schedule")]),
                format!(
                    "{} schedule entries: above the limit of {} entries per fault",
                    f.schedule.len(),
                    limits::MAX_FAULT_SCHEDULE_ENTRIES
                ),
            );
        }
        let name = f.name.clone().unwrap_or_else(|| format!("{}-{n}", f.kind));
        if names.contains(&name) {
            ctx.err(
                &p(&fp, &[k("name")]),
                format!("duplicate fault name `{name}`"),
            );
        }
        names.push(name.clone());
        // The provider a Spot fault names, which must be FARGATE_SPOT for now.
        let spot_provider = |ctx: &mut Ctx| -> Option<usize> {
            let Some(cp) = &f.capacity_provider else {
                ctx.err(
                    &fp,
                    format!(
                        "a {} fault needs capacityProvider (e.g. \"FARGATE_SPOT\")",
                        f.kind
                    ),
                );
                return None;
            };
            let Some(idx) = providers.iter().position(|x| &x.name == cp) else {
                let names: Vec<&str> = providers.iter().map(|x| x.name.as_str()).collect();
                ctx.err(
                    &p(&fp, &[k("capacityProvider")]),
                    format!(
                        "`{cp}` is not a capacity provider of this scenario: {}providers are {}",
                        super::suggest::hint(cp, &names),
                        names.join(", ")
                    ),
                );
                return None;
            };
            match &providers[idx].kind {
                super::ProviderKind::FargateSpot => Some(idx),
                super::ProviderKind::Asg(a) => {
                    if a.purchase == super::PurchaseOption::Spot {
                        Some(idx)
                    } else {
                        ctx.err(
                            &p(&fp, &[k("capacityProvider")]),
                            format!("`{cp}` buys on-demand instances: {} needs FARGATE_SPOT or a group with purchaseOption \"spot\"", f.kind),
                        );
                        None
                    }
                }
                super::ProviderKind::Fargate => {
                    ctx.err(
                        &p(&fp, &[k("capacityProvider")]),
                        format!(
                            "FARGATE is on-demand capacity: {} applies to FARGATE_SPOT",
                            f.kind
                        ),
                    );
                    None
                }
            }
        };
        let unused = |ctx: &mut Ctx, fields: &[(&str, bool)]| {
            for (key, set) in fields {
                if *set {
                    ctx.err(
                        &p(&fp, &[k(key)]),
                        format!("`{key}` does not apply to a {} fault", f.kind),
                    );
                }
            }
        };
        match f.kind.as_str() {
            "spotInterruptions" => {
                unused(
                    ctx,
                    &[
                        ("at", f.at.is_some()),
                        ("duration", f.duration.is_some()),
                        ("zone", f.zone.is_some()),
                        ("service", f.service.is_some()),
                    ],
                );
                let mut schedule = Vec::new();
                for (m, e) in f.schedule.iter().enumerate() {
                    if !(e.fraction > 0.0 && e.fraction <= 1.0) {
                        ctx.err(
                            &p(&fp, &[k("schedule"), i(m), k("fraction")]),
                            format!(
                                "fraction {} is out of range: expected above 0 and at most 1",
                                e.fraction
                            ),
                        );
                    }
                    schedule.push((e.at.millis(), e.fraction));
                }
                let rate_of = |ctx: &mut Ctx, key: &str, v: Option<f64>, unit: &str| -> f64 {
                    let r = v.unwrap_or(0.0);
                    if !(r.is_finite() && r >= 0.0) {
                        ctx.err(
                            &p(&fp, &[k(key)]),
                            format!("{key} {r} is out of range: expected 0 or more interruptions per {unit}"),
                        );
                    } else if let Some(m) = fault_rate(key, r, unit) {
                        ctx.err(&p(&fp, &[k(key)]), m);
                    }
                    r
                };
                let Some(cp) = &f.capacity_provider else {
                    ctx.err(&fp, "a spotInterruptions fault needs capacityProvider (FARGATE_SPOT, or an Auto Scaling group provider with purchaseOption spot)");
                    continue;
                };
                let Some(idx) = providers.iter().position(|x| &x.name == cp) else {
                    let names: Vec<&str> = providers.iter().map(|x| x.name.as_str()).collect();
                    ctx.err(
                        &p(&fp, &[k("capacityProvider")]),
                        format!(
                            "`{cp}` is not a capacity provider of this scenario: {}providers are {}",
                            super::suggest::hint(cp, &names),
                            names.join(", ")
                        ),
                    );
                    continue;
                };
                match &providers[idx].kind {
                    super::ProviderKind::FargateSpot => {
                        unused(
                            ctx,
                            &[
                                ("perInstanceHour", f.per_instance_hour.is_some()),
                                ("byZone", f.by_zone.is_some()),
                            ],
                        );
                        let rate = rate_of(ctx, "perTaskHour", f.per_task_hour, "task-hour");
                        if f.per_task_hour.is_none() && f.schedule.is_empty() {
                            ctx.err(&fp, "a spotInterruptions fault needs perTaskHour (a rate) or schedule ([{\"at\": \"5h\", \"fraction\": 0.2}])");
                        }
                        out.push(Fault {
                            name,
                            kind: FaultKind::FargateSpotInterruptions {
                                provider: idx,
                                per_task_hour: rate,
                                schedule,
                            },
                        });
                    }
                    super::ProviderKind::Asg(a) => {
                        if a.purchase != super::PurchaseOption::Spot {
                            ctx.err(
                                &p(&fp, &[k("capacityProvider")]),
                                format!("`{cp}` buys on-demand instances: Spot interruptions need its autoScalingGroup.purchaseOption to be \"spot\""),
                            );
                        }
                        unused(ctx, &[("perTaskHour", f.per_task_hour.is_some())]);
                        let rate = rate_of(ctx, "perInstanceHour", f.per_instance_hour, "instance-hour");
                        let mut by_zone = Vec::new();
                        for (z, r) in f.by_zone.iter().flatten() {
                            match zones.iter().position(|x| x == z) {
                                Some(zi) => {
                                    if !(r.is_finite() && *r >= 0.0) {
                                        ctx.err(
                                            &p(&fp, &[k("byZone"), k(z)]),
                                            format!("{r} is out of range: expected 0 or more interruptions per instance-hour"),
                                        );
                                    } else if let Some(m) = fault_rate(z, *r, "instance-hour") {
                                        ctx.err(&p(&fp, &[k("byZone"), k(z)]), m);
                                    }
                                    by_zone.push((zi, *r));
                                }
                                None => ctx.err(
                                    &p(&fp, &[k("byZone"), k(z)]),
                                    format!(
                                        "`{z}` is not one of the scenario's zones: {}zones are {}",
                                        super::suggest::hint(z, &zones.iter().map(String::as_str).collect::<Vec<_>>()),
                                        zones.join(", ")
                                    ),
                                ),
                            }
                        }
                        if f.per_instance_hour.is_none() && by_zone.is_empty() && f.schedule.is_empty() {
                            ctx.err(&fp, "a spotInterruptions fault needs perInstanceHour, byZone or schedule");
                        }
                        out.push(Fault {
                            name,
                            kind: FaultKind::Ec2SpotInterruptions {
                                provider: idx,
                                per_instance_hour: rate,
                                by_zone,
                                schedule,
                            },
                        });
                    }
                    super::ProviderKind::Fargate => ctx.err(
                        &p(&fp, &[k("capacityProvider")]),
                        "FARGATE is on-demand capacity: spotInterruptions applies to FARGATE_SPOT or a Spot Auto Scaling group",
                    ),
                }
            }
            "spotCapacityUnavailable" => {
                unused(
                    ctx,
                    &[
                        ("perTaskHour", f.per_task_hour.is_some()),
                        ("perInstanceHour", f.per_instance_hour.is_some()),
                        ("byZone", f.by_zone.is_some()),
                        ("schedule", !f.schedule.is_empty()),
                        ("zone", f.zone.is_some()),
                        ("service", f.service.is_some()),
                    ],
                );
                let (Some(at), Some(d)) = (f.at, f.duration) else {
                    ctx.err(
                        &fp,
                        "a spotCapacityUnavailable fault needs `at` and `duration`",
                    );
                    continue;
                };
                if d.millis() == 0 {
                    ctx.err(
                        &p(&fp, &[k("duration")]),
                        "a duration of 0: expected a positive length such as \"30m\"",
                    );
                }
                if let Some(provider) = spot_provider(ctx) {
                    out.push(Fault {
                        name,
                        kind: FaultKind::SpotCapacityUnavailable {
                            provider,
                            from: at.millis(),
                            to: at.millis() + d.millis(),
                        },
                    });
                }
            }
            "zoneOutage" => {
                unused(
                    ctx,
                    &[
                        ("capacityProvider", f.capacity_provider.is_some()),
                        ("perTaskHour", f.per_task_hour.is_some()),
                        ("perInstanceHour", f.per_instance_hour.is_some()),
                        ("byZone", f.by_zone.is_some()),
                        ("schedule", !f.schedule.is_empty()),
                        ("service", f.service.is_some()),
                    ],
                );
                let Some(z) = &f.zone else {
                    ctx.err(&fp, "a zoneOutage fault needs `zone`, `at` and `duration`");
                    continue;
                };
                let Some(zone) = zones.iter().position(|x| x == z) else {
                    ctx.err(
                        &p(&fp, &[k("zone")]),
                        format!(
                            "`{z}` is not one of the scenario's zones: {}zones are {}",
                            super::suggest::hint(
                                z,
                                &zones.iter().map(String::as_str).collect::<Vec<_>>()
                            ),
                            zones.join(", ")
                        ),
                    );
                    continue;
                };
                let (Some(at), Some(d)) = (f.at, f.duration) else {
                    ctx.err(&fp, "a zoneOutage fault needs `at` and `duration`");
                    continue;
                };
                if d.millis() == 0 {
                    ctx.err(
                        &p(&fp, &[k("duration")]),
                        "a duration of 0: expected a positive length such as \"45m\"",
                    );
                }
                out.push(Fault {
                    name,
                    kind: FaultKind::ZoneOutage {
                        zone,
                        from: at.millis(),
                        to: at.millis() + d.millis(),
                    },
                });
            }
            "instanceFailures" => {
                unused(
                    ctx,
                    &[
                        ("perTaskHour", f.per_task_hour.is_some()),
                        ("byZone", f.by_zone.is_some()),
                        ("schedule", !f.schedule.is_empty()),
                        ("at", f.at.is_some()),
                        ("duration", f.duration.is_some()),
                        ("zone", f.zone.is_some()),
                        ("service", f.service.is_some()),
                    ],
                );
                let Some(cp) = &f.capacity_provider else {
                    ctx.err(&fp, "an instanceFailures fault needs capacityProvider (an Auto Scaling group provider) and perInstanceHour");
                    continue;
                };
                let idx = providers.iter().position(|x| &x.name == cp);
                let Some(idx) =
                    idx.filter(|&i| matches!(providers[i].kind, super::ProviderKind::Asg(_)))
                else {
                    let groups: Vec<&str> = providers
                        .iter()
                        .filter(|x| matches!(x.kind, super::ProviderKind::Asg(_)))
                        .map(|x| x.name.as_str())
                        .collect();
                    ctx.err(
                        &p(&fp, &[k("capacityProvider")]),
                        format!("`{cp}` is not an Auto Scaling group provider of this scenario: groups are {}", if groups.is_empty() { "none".to_string() } else { groups.join(", ") }),
                    );
                    continue;
                };
                let rate = f.per_instance_hour.unwrap_or(-1.0);
                if !(rate.is_finite() && rate > 0.0) {
                    ctx.err(
                        &p(&fp, &[k("perInstanceHour")]),
                        "perInstanceHour is required: a rate above 0 of failures per instance-hour",
                    );
                    continue;
                }
                if let Some(m) = fault_rate("perInstanceHour", rate, "instance-hour") {
                    ctx.err(&p(&fp, &[k("perInstanceHour")]), m);
                    continue;
                }
                out.push(Fault {
                    name,
                    kind: FaultKind::InstanceFailures {
                        provider: idx,
                        per_instance_hour: rate,
                    },
                });
            }
            "taskCrashes" => {
                unused(
                    ctx,
                    &[
                        ("capacityProvider", f.capacity_provider.is_some()),
                        ("perInstanceHour", f.per_instance_hour.is_some()),
                        ("byZone", f.by_zone.is_some()),
                        ("schedule", !f.schedule.is_empty()),
                        ("at", f.at.is_some()),
                        ("duration", f.duration.is_some()),
                        ("zone", f.zone.is_some()),
                    ],
                );
                let Some(svc) = &f.service else {
                    ctx.err(&fp, "a taskCrashes fault needs service and perTaskHour");
                    continue;
                };
                let Some(s_idx) = service_names.iter().position(|n| n == svc) else {
                    ctx.err(
                        &p(&fp, &[k("service")]),
                        format!(
                            "`{svc}` is not a service of this scenario: {}services are {}",
                            super::suggest::hint(
                                svc,
                                &service_names.iter().map(String::as_str).collect::<Vec<_>>()
                            ),
                            service_names.join(", ")
                        ),
                    );
                    continue;
                };
                let rate = f.per_task_hour.unwrap_or(-1.0);
                if !(rate.is_finite() && rate > 0.0) {
                    ctx.err(
                        &p(&fp, &[k("perTaskHour")]),
                        "perTaskHour is required: a rate above 0 of crashes per task-hour",
                    );
                    continue;
                }
                if let Some(m) = fault_rate("perTaskHour", rate, "task-hour") {
                    ctx.err(&p(&fp, &[k("perTaskHour")]), m);
                    continue;
                }
                out.push(Fault {
                    name,
                    kind: FaultKind::TaskCrashes {
                        service: s_idx,
                        per_task_hour: rate,
                    },
                });
            }
            other => {
                let hint = super::suggest::did_you_mean(other, FAULT_TYPES)
                    .map(|x| format!("did you mean `{x}`? "))
                    .unwrap_or_default();
                ctx.err(
                    &p(&fp, &[k("type")]),
                    format!(
                        "unknown fault type `{other}`: {hint}expected one of {}",
                        FAULT_TYPES.join(", ")
                    ),
                );
            }
        }
    }
    out
}
