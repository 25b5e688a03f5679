//! `load` (docs/scenario-reference.md §2.10): web traffic with its per-task behaviour, or a
//! queue a worker drains.

use super::shape::{MESSAGES, REQUESTS, ShapeEnv, check_shape};
use super::{Ctx, k, p};
use crate::scenario::json_pos::Step;
use crate::scenario::types::{ArrivalProcess, PerTaskSpec, QueueSpec, ServiceSpec};
use crate::scenario::{defaults, limits};
use crate::workload::shape::Shape;

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
        defaults::IDLE_CPU,
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

/// Checks the `load` of the service at `sp` (`memory_mib`: the memory utilisation
/// denominator of one task).
pub(super) fn check(
    s: &ServiceSpec,
    sp: &[Step],
    memory_mib: u32,
    env: &ShapeEnv,
    ctx: &mut Ctx,
) -> Option<Load> {
    let l = s.load.as_ref()?;
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
    let per_task = l
        .per_task
        .as_ref()
        .map(|t| per_task(t, &lp, memory_mib, ctx));
    let queue = l
        .queue
        .as_ref()
        .and_then(|q| queue(q, &lp, &s.service_name, env, ctx));
    Some(Load {
        traffic,
        per_task,
        queue,
    })
}

/// Checks `perTask` under the load at `lp` (`memory_mib`: one task's memory, for the default
/// `memoryBase`).
fn per_task(t: &PerTaskSpec, lp: &[Step], memory_mib: u32, ctx: &mut Ctx) -> PerTask {
    let tp = p(lp, &[k("perTask")]);
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
        (t.cpu_at_max_rps, defaults::CPU_AT_MAX_RPS, "cpuAtMaxRps"),
        t.idle_cpu,
        ctx,
    );
    let base = t
        .memory_base
        .unwrap_or(f64::from(memory_mib) * defaults::MEMORY_BASE_FRACTION);
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
}

/// Checks the `queue` under the load at `lp` of service `name`; None when its arrivals have a
/// problem.
fn queue(
    q: &QueueSpec,
    lp: &[Step],
    name: &str,
    env: &ShapeEnv,
    ctx: &mut Ctx,
) -> Option<QueueLoad> {
    let qp = p(lp, &[k("queue")]);
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
        (q.cpu_busy, defaults::QUEUE_CPU_BUSY, "cpuBusy"),
        q.idle_cpu,
        ctx,
    );
    let arrivals = check_shape(
        &q.arrivals,
        &p(&qp, &[k("arrivals")]),
        &format!("queue:{name}"),
        MESSAGES,
        env,
        ctx,
    )?;
    let memory_utilization = pct(
        q.memory_utilization,
        defaults::QUEUE_MEMORY_UTILIZATION,
        p(&qp, &[k("memoryUtilization")]),
        "memoryUtilization",
        ctx,
    );
    Some(QueueLoad {
        memory_utilization,
        arrivals,
        per_task_rate: q.per_task_messages_per_second,
        poisson: q.arrival_process == Some(ArrivalProcess::Poisson),
        name: q.queue_name.clone().unwrap_or_else(|| name.to_string()),
        cpu_busy: busy,
        idle_cpu: idle,
    })
}
