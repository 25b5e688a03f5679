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
        let mut longest_custom = vec![0; scenario.custom_metrics.len()];
        let policies = scenario
            .services
            .iter()
            .filter_map(|s| s.auto_scaling.as_ref())
            .flat_map(|a| a.policies.iter());
        for p in policies {
            let q = p.query();
            for (_, r) in &q.metrics {
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
                    ServiceLoad::new(
                        streams.stream(&s.name, "arrivals", 0),
                        cap_for(longest_service[n]),
                        if high_res { hr_cap } else { 1 },
                    )
                })
                .collect(),
            custom: vec![(0.0, 0.0); scenario.custom_metrics.len()],
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
        let dt = step as f64;
        let dt_s = dt / 1000.0;
        for c in 0..self.traffic.custom.len() {
            let v = self.scenario.custom_metrics[c].value.value(mid);
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
                for a in [&mut l.minute, &mut l.hr] {
                    a.ms += dt;
                    a.task_ms += f64::from(running) * dt;
                    a.healthy_area += f64::from(healthy) * dt;
                }
                continue;
            };
            let (cpu_sum, mem_sum, offered, served);
            if let (Some(traffic), Some(pt)) = (&load.traffic, &load.per_task) {
                let rate = traffic.value(mid).max(0.0);
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
                offered = rate * dt_s;
                served = ok * dt_s;
            } else if let Some(q) = &load.queue {
                let l = &mut self.traffic.loads[s.index()];
                let mean = q.arrivals.value(mid).max(0.0) * dt_s;
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
                cpu_sum = f64::from(running) * (q.idle_cpu + (q.cpu_busy - q.idle_cpu) * busy);
                mem_sum = f64::from(running) * q.memory_utilization;
                offered = 0.0;
                served = 0.0;
            } else {
                cpu_sum = 0.0;
                mem_sum = 0.0;
                offered = 0.0;
                served = 0.0;
            }
            let l = &mut self.traffic.loads[s.index()];
            l.offered += offered;
            l.served += served;
            let age = l.fifo.front().map(|f| now + step - f.0).unwrap_or(0);
            l.age_max = l.age_max.max(age);
            for a in [&mut l.minute, &mut l.hr] {
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
            let p = self.traffic.loads[s.index()].minute.take();
            self.traffic.loads[s.index()].minutes.push(k, p);
            self.traffic.loads[s.index()].last_minute = p;
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
            let p = self.traffic.loads[s.index()].hr.take();
            self.traffic.loads[s.index()].hr_points.push(k, p);
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
        let mean = shape.value(now + step / 2).max(0.0) * step as f64 / 1000.0;
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
