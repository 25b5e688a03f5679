//! Load as a fluid: every `model.loadStep` the world integrates each service's offered
//! requests (or queue arrivals) over the step, splits them over healthy targets, and turns
//! them into CPU and memory use. Per step the work is O(services), never O(tasks): it reads
//! only per-service counters the lifecycle keeps up to date.
//!
//! Each minute (and each 20 s for high-resolution metrics) the accumulated figures become one
//! [`Point`] per service in a short history [`Ring`]; metric queries read those points when
//! their datapoint is published (see [`super::autoscale`]).

use super::world::{Event, TaskState, World};
use crate::engine::{MINUTE, Millis};
use crate::ids::ServiceId;
use crate::scenario::HIGH_RES_PERIOD;
use crate::util::rng::Rng;
use crate::workload::shape::NoiseMemo;
use rand_distr::{Distribution, Poisson};
use std::collections::VecDeque;

/// One period's figures for one service (a minute, or 20 s for high resolution).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point {
    /// Average CPU utilisation of RUNNING tasks, % (None: no task ran).
    pub cpu: Option<f64>,
    /// Average memory utilisation of RUNNING tasks, %.
    pub memory: Option<f64>,
    /// Time-average RUNNING tasks.
    pub running: f64,
    /// Requests offered in the period.
    pub requests: f64,
    /// Requests served in the period.
    pub served: f64,
    /// Time-average healthy targets.
    pub healthy: f64,
    /// Time-average messages visible.
    pub backlog: f64,
    /// Time-average age of the oldest message, s.
    pub age_s: f64,
}

/// Running sums over the current period.
#[derive(Debug, Clone, Default)]
pub(crate) struct Acc {
    ms: f64,
    task_ms: f64,
    cpu_area: f64,
    mem_area: f64,
    requests: f64,
    served: f64,
    healthy_area: f64,
    backlog_area: f64,
    age_area: f64,
}

impl Acc {
    fn take(&mut self) -> Point {
        let a = std::mem::take(self);
        let per = |x: f64| if a.ms > 0.0 { x / a.ms } else { 0.0 };
        Point {
            cpu: (a.task_ms > 0.0).then(|| a.cpu_area / a.task_ms),
            memory: (a.task_ms > 0.0).then(|| a.mem_area / a.task_ms),
            running: per(a.task_ms),
            requests: a.requests,
            served: a.served,
            healthy: per(a.healthy_area),
            backlog: per(a.backlog_area),
            age_s: per(a.age_area),
        }
    }
}

/// One period's per-task CPU and memory utilisation of a service, as task-time weights: each
/// entry is (a value every task of a class had, task-milliseconds at it). Within a load step the
/// fluid model's tasks come in two classes — healthy targets serving their share, and RUNNING
/// tasks not (yet) healthy at idle — so a period holds at most two entries per step (O(steps),
/// never O(tasks)). Kept only for services a percentile alarm reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    /// CPU utilisation, %, and task-ms at it.
    pub cpu: Vec<(f64, f64)>,
    /// Memory utilisation, %, and task-ms at it.
    pub memory: Vec<(f64, f64)>,
}

impl Spread {
    /// Adds `tasks` tasks at (`cpu`, `memory`) for `dt` ms.
    fn add(&mut self, tasks: u32, cpu: f64, memory: f64, dt: f64) {
        if tasks > 0 && dt > 0.0 {
            let w = f64::from(tasks) * dt;
            self.cpu.push((cpu, w));
            self.memory.push((memory, w));
        }
    }
}

/// The `h`-hundredths-of-a-percent percentile (p90 → 9000) of task-time weighted values: the
/// smallest value whose cumulative weight reaches h / 10,000 of the total (nearest rank over
/// task-time; p0 is the least value). None when there is no weight (no task ran): the datapoint
/// is missing. Tasks that all had the same utilisation give that value at every percentile.
///
/// ```
/// use ecsim::model::traffic::weighted_percentile;
/// // 3 tasks at 80 % and 1 at 20 % for the same time: p50 → 80 (weight 1 of 4 is below 50 %),
/// // p25 → 20 (1/4 reaches 25 %), p0 → 20.
/// let v = [(80.0, 3.0), (20.0, 1.0)];
/// assert_eq!(weighted_percentile(&v, 5000), Some(80.0));
/// assert_eq!(weighted_percentile(&v, 2500), Some(20.0));
/// assert_eq!(weighted_percentile(&v, 0), Some(20.0));
/// assert_eq!(weighted_percentile(&[], 9000), None);
/// ```
pub fn weighted_percentile(values: &[(f64, f64)], h: u32) -> Option<f64> {
    let total: f64 = values.iter().map(|v| v.1).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let mut sorted: Vec<(f64, f64)> = values.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let need = total * f64::from(h);
    let mut cum = 0.0;
    for (v, w) in &sorted {
        cum += w;
        // cum / total ≥ h / 10,000, kept in products (weights are whole task-ms).
        if cum * 10_000.0 >= need {
            return Some(*v);
        }
    }
    sorted.last().map(|v| v.0)
}

/// The last few periods' values, indexed by period number.
#[derive(Debug, Clone)]
pub struct Ring<T> {
    first: u64,
    items: VecDeque<T>,
    cap: usize,
}

impl<T: Clone> Ring<T> {
    /// A ring keeping `cap` periods.
    pub fn new(cap: usize) -> Self {
        Ring {
            first: 0,
            items: VecDeque::with_capacity(cap.min(4096)),
            cap: cap.max(1),
        }
    }
    /// Appends period `k` (periods are pushed in order).
    pub fn push(&mut self, k: u64, v: T) {
        if self.items.is_empty() {
            self.first = k;
        }
        self.items.push_back(v);
        while self.items.len() > self.cap {
            self.items.pop_front();
            self.first += 1;
        }
    }
    /// Period `k`, if kept.
    pub fn get(&self, k: u64) -> Option<&T> {
        k.checked_sub(self.first)
            .and_then(|i| self.items.get(i as usize))
    }
}

/// Per-service load state.
#[derive(Debug, Clone)]
pub struct ServiceLoad {
    /// Requests offered so far.
    pub offered: f64,
    /// Requests served so far.
    pub served: f64,
    /// Messages that arrived so far.
    pub arrived: f64,
    /// Messages processed so far.
    pub processed: f64,
    /// Messages waiting now.
    pub backlog: f64,
    /// Largest backlog seen.
    pub backlog_max: f64,
    /// Oldest message age seen, ms.
    pub age_max: Millis,
    /// Waiting messages by arrival step, oldest first.
    fifo: VecDeque<(Millis, f64)>,
    minute: Acc,
    hr: Acc,
    /// Minute points.
    pub minutes: Ring<Point>,
    /// 20-second points.
    pub hr_points: Ring<Point>,
    rng: Rng,
    /// The last finished minute's figures (what the observer's [`super::observe::Minute`] reads).
    pub last_minute: Point,
    /// Whether a percentile alarm reads this service (per-task values are then kept).
    pub(crate) spread: bool,
    minute_spread: Spread,
    hr_spread: Spread,
    /// Per-task values of the kept minutes (empty unless `spread`).
    pub minute_spreads: Ring<Spread>,
    /// Per-task values of the kept 20-second periods (empty unless `spread`).
    pub hr_spreads: Ring<Spread>,
    /// The noise draws of the service's load shape (traffic or arrivals) this minute.
    memo: NoiseMemo,
    /// The noise draws of the service's job arrivals shape this minute.
    job_memo: NoiseMemo,
}

impl ServiceLoad {
    pub(crate) fn new(rng: Rng, minute_cap: usize, hr_cap: usize) -> Self {
        ServiceLoad {
            offered: 0.0,
            served: 0.0,
            arrived: 0.0,
            processed: 0.0,
            backlog: 0.0,
            backlog_max: 0.0,
            age_max: 0,
            fifo: VecDeque::new(),
            minute: Acc::default(),
            hr: Acc::default(),
            minutes: Ring::new(minute_cap),
            hr_points: Ring::new(hr_cap),
            rng,
            last_minute: Point::default(),
            spread: false,
            minute_spread: Spread::default(),
            hr_spread: Spread::default(),
            // Sized when a percentile alarm reads the service (`Traffic::new`): no allocation
            // otherwise.
            minute_spreads: Ring::new(0),
            hr_spreads: Ring::new(0),
            memo: NoiseMemo::default(),
            job_memo: NoiseMemo::default(),
        }
    }
}

/// The traffic side of the run: each service's load state (offered and served traffic,
/// queues, CPU and memory, its closed periods in rings) and the custom metrics' accumulators
/// and rings. Orchestrator-neutral: it reads how many healthy targets a service has and
/// knows nothing of how they were scheduled.
///
/// Invariant it keeps: each ring holds the minutes its longest reader needs (the period plus
/// the publication delay), so no datapoint a policy reads has been overwritten.
#[derive(Debug, Clone)]
pub struct Traffic {
    /// Load state per service.
    pub loads: Vec<ServiceLoad>,
    /// Custom metric accumulators (value × ms, ms) for the current minute.
    pub(crate) custom: Vec<(f64, f64)>,
    /// The noise draws of each custom metric's shape this minute.
    custom_memo: Vec<NoiseMemo>,
    /// Custom metric values per minute.
    pub custom_points: Vec<Ring<f64>>,
}

impl Traffic {
    /// No traffic yet; every ring sized for its readers (`high_res`: some policy reads a
    /// 20-second metric, so services keep high-resolution rings too).
    pub fn new(
        scenario: &crate::scenario::Scenario,
        streams: &crate::util::rng::Streams,
        high_res: bool,
    ) -> Traffic {
        // Each source keeps the minutes its longest reader needs (the period plus the
        // publication delay); a source nothing reads keeps one.
        let mut longest_service = vec![0; scenario.services.len()];
        let mut spread = vec![false; scenario.services.len()];
        let mut longest_custom = vec![0; scenario.custom_metrics.len()];
        let policies = scenario
            .services
            .iter()
            .filter_map(|s| s.auto_scaling.as_ref())
            .flat_map(|a| a.policies.iter());
        for p in policies {
            let q = p.query();
            for (_, r) in &q.metrics {
                if let (crate::scenario::Stat::Percentile(_), Some(s)) =
                    (r.stat, r.source.service())
                {
                    spread[s] = true;
                }
                let slot = match r.source {
                    crate::scenario::Source::Custom(c) => &mut longest_custom[c],
                    src => match src.service() {
                        Some(s) => &mut longest_service[s],
                        None => continue,
                    },
                };
                *slot = (*slot).max(q.period.max(MINUTE));
            }
        }
        let delay_minutes = scenario.model.metric_publication_delay / MINUTE;
        let cap_for = |longest: Millis| {
            if longest == 0 {
                1
            } else {
                (longest / MINUTE + delay_minutes + 3) as usize
            }
        };
        let hr_cap = (scenario.model.high_resolution_metric_delay / HIGH_RES_PERIOD + 3) as usize;
        Traffic {
            loads: scenario
                .services
                .iter()
                .enumerate()
                .map(|(n, s)| {
                    let mut l = ServiceLoad::new(
                        streams.stream(&s.name, "arrivals", 0),
                        cap_for(longest_service[n]),
                        if high_res { hr_cap } else { 1 },
                    );
                    if spread[n] {
                        l.spread = true;
                        l.minute_spreads = Ring::new(cap_for(longest_service[n]));
                        l.hr_spreads = Ring::new(if high_res { hr_cap } else { 1 });
                    }
                    l
                })
                .collect(),
            custom: vec![(0.0, 0.0); scenario.custom_metrics.len()],
            custom_memo: vec![NoiseMemo::default(); scenario.custom_metrics.len()],
            custom_points: longest_custom
                .iter()
                .map(|&l| Ring::new(cap_for(l)))
                .collect(),
        }
    }
}

impl World {
    /// One load step at `now`: integrate [now, now + step) for every service, after closing
    /// the periods that ended at `now`.
    pub(crate) fn tick(&mut self) {
        let now = self.queue.now();
        // The last step may be cut short by the end of the run.
        let step = self
            .scenario
            .model
            .load_step
            .min(self.scenario.duration.saturating_sub(now))
            .max(1);
        if now > 0 && now.is_multiple_of(HIGH_RES_PERIOD) && self.scaling.high_res {
            self.close_high_res(now / HIGH_RES_PERIOD - 1);
        }
        if now > 0 && now.is_multiple_of(MINUTE) {
            self.close_minute(now / MINUTE - 1);
            if self.checking {
                self.assert_invariants();
            }
        }
        let mid = now + step / 2;
        let high_res = self.scaling.high_res;
        // The 20-second accumulator is kept only when something reads 20-second periods.
        let accs = if high_res { 2 } else { 1 };
        let dt = step as f64;
        let dt_s = dt / 1000.0;
        for c in 0..self.traffic.custom.len() {
            let v = self.scenario.custom_metrics[c]
                .value
                .value_memo(mid, &mut self.traffic.custom_memo[c]);
            self.traffic.custom[c].0 += v * dt;
            self.traffic.custom[c].1 += dt;
        }
        for s in self.services.ids() {
            let svc = &self.scenario.services[s.index()];
            let st = &self.services[s];
            let running = st.by_state[TaskState::Running as usize];
            let healthy = st.healthy;
            let mem_denominator = f64::from(svc.memory_metric.max(1));
            let Some(load) = &svc.load else {
                let l = &mut self.traffic.loads[s.index()];
                for a in [&mut l.minute, &mut l.hr].into_iter().take(accs) {
                    a.ms += dt;
                    a.task_ms += f64::from(running) * dt;
                    a.healthy_area += f64::from(healthy) * dt;
                }
                continue;
            };
            let (cpu_sum, mem_sum, offered, served);
            // Per-task values by class, (tasks, CPU %, memory %): for percentile alarms.
            let classes: [(u32, f64, f64); 2];
            if let (Some(traffic), Some(pt)) = (&load.traffic, &load.per_task) {
                let memo = &mut self.traffic.loads[s.index()].memo;
                let rate = traffic.value_memo(mid, memo).max(0.0);
                let capacity = f64::from(healthy) * pt.max_rps;
                let ok = rate.min(capacity);
                let per_target = if healthy > 0 {
                    ok / f64::from(healthy)
                } else {
                    0.0
                };
                let idle = running.saturating_sub(healthy);
                cpu_sum = f64::from(healthy) * pt.cpu(per_target) + f64::from(idle) * pt.idle_cpu;
                mem_sum = (f64::from(healthy) * pt.memory(per_target)
                    + f64::from(idle) * pt.memory(0.0))
                    * 100.0
                    / mem_denominator;
                classes = [
                    (
                        healthy.min(running),
                        pt.cpu(per_target),
                        pt.memory(per_target) * 100.0 / mem_denominator,
                    ),
                    (idle, pt.idle_cpu, pt.memory(0.0) * 100.0 / mem_denominator),
                ];
                offered = rate * dt_s;
                served = ok * dt_s;
            } else if let Some(q) = &load.queue {
                let l = &mut self.traffic.loads[s.index()];
                let mean = q.arrivals.value_memo(mid, &mut l.memo).max(0.0) * dt_s;
                let arrivals = if q.poisson && mean > 0.0 {
                    Poisson::new(mean)
                        .map(|p| p.sample(&mut l.rng))
                        .unwrap_or(mean)
                } else {
                    mean
                };
                if arrivals > 0.0 {
                    l.fifo.push_back((now, arrivals));
                    l.backlog += arrivals;
                    l.arrived += arrivals;
                }
                let capacity = f64::from(running) * q.per_task_rate * dt_s;
                let mut left = capacity.min(l.backlog);
                let done = left;
                while left > 0.0 {
                    let Some(front) = l.fifo.front_mut() else {
                        break;
                    };
                    if front.1 <= left {
                        left -= front.1;
                        l.fifo.pop_front();
                    } else {
                        front.1 -= left;
                        left = 0.0;
                    }
                }
                l.backlog = (l.backlog - done).max(0.0);
                if l.backlog < 1e-9 {
                    l.backlog = 0.0;
                    l.fifo.clear();
                }
                l.processed += done;
                l.backlog_max = l.backlog_max.max(l.backlog);
                let busy = if capacity > 0.0 { done / capacity } else { 0.0 };
                let per_task_cpu = q.idle_cpu + (q.cpu_busy - q.idle_cpu) * busy;
                cpu_sum = f64::from(running) * per_task_cpu;
                mem_sum = f64::from(running) * q.memory_utilization;
                classes = [(running, per_task_cpu, q.memory_utilization), (0, 0.0, 0.0)];
                offered = 0.0;
                served = 0.0;
            } else {
                cpu_sum = 0.0;
                mem_sum = 0.0;
                classes = [(running, 0.0, 0.0), (0, 0.0, 0.0)];
                offered = 0.0;
                served = 0.0;
            }
            let l = &mut self.traffic.loads[s.index()];
            l.offered += offered;
            l.served += served;
            let age = l.fifo.front().map(|f| now + step - f.0).unwrap_or(0);
            l.age_max = l.age_max.max(age);
            for a in [&mut l.minute, &mut l.hr].into_iter().take(accs) {
                a.ms += dt;
                a.task_ms += f64::from(running) * dt;
                a.cpu_area += cpu_sum * dt;
                a.mem_area += mem_sum * dt;
                a.requests += offered;
                a.served += served;
                a.healthy_area += f64::from(healthy) * dt;
                a.backlog_area += l.backlog * dt;
                a.age_area += age as f64 / 1000.0 * dt;
            }
            if l.spread {
                for (tasks, cpu, mem) in classes {
                    l.minute_spread.add(tasks, cpu, mem, dt);
                    if high_res {
                        l.hr_spread.add(tasks, cpu, mem, dt);
                    }
                }
            }
        }
        if let Some(jobs) = self.jobs.poisson.clone() {
            for s in jobs {
                self.poisson_jobs(ServiceId::new(s), now, step);
            }
        }
    }

    /// Closes minute `k` for every service: keeps its point, tells the observer, and
    /// schedules the datapoint's publication.
    fn close_minute(&mut self, k: u64) {
        for s in self.services.ids() {
            let l = &mut self.traffic.loads[s.index()];
            let p = l.minute.take();
            l.minutes.push(k, p);
            l.last_minute = p;
            if l.spread {
                let spread = std::mem::take(&mut l.minute_spread);
                l.minute_spreads.push(k, spread);
            }
        }
        for c in 0..self.traffic.custom.len() {
            let (area, ms) = std::mem::take(&mut self.traffic.custom[c]);
            let v = if ms > 0.0 { area / ms } else { 0.0 };
            self.traffic.custom_points[c].push(k, v);
        }
        self.observe_minute((k + 1) * MINUTE);
        self.measure_groups(k);
        if self.scaling.any_scaling {
            let at = (k + 1) * MINUTE + self.scenario.model.metric_publication_delay;
            self.queue.schedule_at(at, Event::PublishMinute(k));
        }
    }

    /// Closes minute `k` at the end of the run (its datapoint is never published).
    pub(crate) fn close_last_minute(&mut self, k: u64) {
        for s in self.services.ids() {
            let p = self.traffic.loads[s.index()].minute.take();
            self.traffic.loads[s.index()].last_minute = p;
        }
        self.observe_minute((k + 1) * MINUTE);
    }

    fn close_high_res(&mut self, k: u64) {
        for s in self.services.ids() {
            let l = &mut self.traffic.loads[s.index()];
            let p = l.hr.take();
            l.hr_points.push(k, p);
            if l.spread {
                let spread = std::mem::take(&mut l.hr_spread);
                l.hr_spreads.push(k, spread);
            }
        }
        let at = (k + 1) * HIGH_RES_PERIOD + self.scenario.model.high_resolution_metric_delay;
        self.queue.schedule_at(at, Event::PublishHighRes(k));
    }

    /// Tells the observer of the minute ending at `time` ([`super::observe::Minute`]).
    fn observe_minute(&mut self, time: Millis) {
        let minute = super::observe::Minute {
            end: time,
            scenario: &self.scenario,
            services: &self.services,
            item_buckets: &self.item_buckets,
            loads: &self.traffic.loads,
            instances_by_provider: &self.fleet.instances_by_provider,
            tasks_by_provider: &self.tasks.per_bucket,
            reserved: &self.tasks.reserved,
            bill: &self.bill,
        };
        self.observer.minute(&minute);
    }

    /// Starts the Poisson arrivals of a job stream for the step [now, now + step).
    fn poisson_jobs(&mut self, s: ServiceId, now: Millis, step: Millis) {
        let Some(job) = &self.scenario.services[s.index()].job else {
            return;
        };
        let crate::scenario::Arrivals::Poisson(shape) = &job.arrivals else {
            return;
        };
        let memo = &mut self.traffic.loads[s.index()].job_memo;
        let mean = shape.value_memo(now + step / 2, memo).max(0.0) * step as f64 / 1000.0;
        if mean <= 0.0 {
            return;
        }
        let rng = &mut self.traffic.loads[s.index()].rng;
        let n = Poisson::new(mean).map(|p| p.sample(rng)).unwrap_or(0.0) as u64;
        for _ in 0..n {
            let off: u64 =
                rand::RngExt::random_range(&mut self.traffic.loads[s.index()].rng, 0..step);
            self.queue.schedule_at(
                now + off,
                Event::JobArrivals {
                    service: s,
                    count: 1,
                },
            );
        }
    }
}
