//! The seam between the world and whatever records a run. The world writes no report: it
//! tells an [`Observer`] what happens — once per simulated minute a [`Minute`] (read-only
//! figures of the minute that just closed), once per evaluated metric datapoint a
//! [`Datapoint`], once per [`Activity`] and once per [`PlacementRecord`] — and the observer
//! decides what to keep. ecsim's report layer implements one that streams the CSV tables,
//! records the chart series and keeps the activity log and placements for the report; a
//! library user can run the model with none at all ([`NoOutput`], what
//! [`World::new`](super::world::World::new) starts with) or with their own.
//!
//! Counting scale-outs with a custom observer:
//!
//! ```
//! use ecsim::model::activity::{Activity, ActivityKind};
//! use ecsim::model::observe::Observer;
//! use ecsim::model::world::World;
//!
//! #[derive(Default)]
//! struct ScaleOuts(u32);
//!
//! impl Observer for ScaleOuts {
//!     fn activity(&mut self, a: Activity) {
//!         if a.kind == ActivityKind::ScaleOut {
//!             self.0 += 1;
//!         }
//!     }
//! }
//!
//! let scenario =
//!     ecsim::scenario::load_str(ecsim::bundled::QUICKSTART, "quickstart", None, &[]).unwrap();
//! let mut world = World::new(scenario, false);
//! world.set_observer(Box::new(ScaleOuts::default()));
//! let mut outcome = world.run();
//! let seen = outcome.world.take_observer_as::<ScaleOuts>().unwrap();
//! // The quickstart's traffic ramps up: its service scales out at least once.
//! assert!(seen.0 > 0);
//! ```
//!
//! Every call is O(1) for the world, and a [`Minute`]'s accessors are O(1) per service or
//! capacity bucket, so observing keeps the per-minute work O(services + providers).

use super::activity::Activity;
use super::traffic::ServiceLoad;
use super::world::{Integral, PlacementRecord, ServiceState, TaskState};
use crate::cost::billing::Billing;
use crate::engine::Millis;
use crate::ids::{IdVec, ServiceId};
use crate::scenario::Scenario;
use std::any::Any;

/// What a run tells whoever records it. Every method does nothing by default: implement the
/// ones you need. Observers are `'static` ([`Any`]) so that the world can hand one back by
/// its type ([`World::take_observer_as`]).
///
/// [`World::take_observer_as`]: super::world::World::take_observer_as
pub trait Observer: Any {
    /// A simulated minute has closed (also the run's last whole minute, at the end).
    fn minute(&mut self, _minute: &Minute<'_>) {}
    /// A metric datapoint has been published and evaluated by its alarm.
    fn datapoint(&mut self, _point: &Datapoint<'_>) {}
    /// An activity (scaling, cluster, fault or deployment decision) has happened.
    fn activity(&mut self, _activity: Activity) {}
    /// A placement decision was explained (only when the world was built with `explain`).
    fn placement(&mut self, _record: PlacementRecord) {}
}

/// The observer that keeps nothing: the model runs with no output layer at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoOutput;

impl Observer for NoOutput {}

/// For the model's unit tests: an observer that keeps every activity, in order.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Activities(pub(crate) Vec<Activity>);

#[cfg(test)]
impl Observer for Activities {
    fn activity(&mut self, a: Activity) {
        self.0.push(a);
    }
}

/// One evaluated metric datapoint: a scaling policy's (or, with `service` empty, a capacity
/// provider's managed scaling's CapacityProviderReservation) value and its alarm's state.
#[derive(Debug, Clone, Copy)]
pub struct Datapoint<'a> {
    /// The service; empty for a capacity provider's managed scaling.
    pub service: &'a str,
    /// Start of the datapoint's period, s.
    pub period_start_s: u64,
    /// When it was published and evaluated, s.
    pub published_s: f64,
    /// Policy name (`<provider> managed scaling` for cluster scaling).
    pub policy: &'a str,
    /// The metric.
    pub metric: &'a str,
    /// The datapoint (None: no datapoint).
    pub value: Option<f64>,
    /// Target value or alarm threshold.
    pub target: f64,
    /// The scale-in threshold of target tracking (0.9 × target).
    pub scale_in_threshold: Option<f64>,
    /// `ALARM_HIGH`, `ALARM_LOW`, `ALARM`, `OK` or `INSUFFICIENT_DATA`.
    pub alarm: &'static str,
}

/// The minute that just closed, read from the world while the observer is called: each
/// service's figures ([`Minute::service`]) and tasks per capacity bucket
/// ([`Minute::service_tasks`]), and each capacity bucket's ([`Minute::bucket`]). Capacity
/// buckets are the capacity providers by index, then launch type FARGATE
/// ([`Minute::fargate_bucket`]) and launch type EC2 ([`Minute::ec2_bucket`]).
pub struct Minute<'a> {
    pub(crate) end: Millis,
    pub(crate) scenario: &'a Scenario,
    pub(crate) services: &'a IdVec<ServiceId, ServiceState>,
    pub(crate) item_buckets: &'a [Vec<usize>],
    pub(crate) loads: &'a [ServiceLoad],
    pub(crate) instances_by_provider: &'a [Integral],
    pub(crate) tasks_by_provider: &'a [Integral],
    pub(crate) reserved: &'a [(u64, u64)],
    pub(crate) bill: &'a Billing,
}

/// One service over a closed minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceMinute<'a> {
    /// Its name.
    pub name: &'a str,
    /// Whether it is a batch job stream (no count of its own).
    pub job: bool,
    /// Requests offered during the minute.
    pub offered: f64,
    /// Requests served during the minute.
    pub served: f64,
    /// Desired count at the minute's end.
    pub desired: u32,
    /// RUNNING tasks at the minute's end.
    pub running: u32,
    /// Healthy tasks at the minute's end.
    pub healthy: u32,
    /// PROVISIONING and PENDING tasks at the minute's end.
    pub pending: u32,
    /// Tasks not stopping at the minute's end, over all its capacity buckets.
    pub active: u32,
    /// CPU units its tasks used, averaged over the minute.
    pub used_cpu_units: f64,
    /// Memory its tasks used, MiB, averaged over the minute.
    pub used_memory_mib: f64,
}

/// One capacity bucket at the end of a closed minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketMinute {
    /// Container instances registered (0 for a launch type or Fargate provider).
    pub instances: u64,
    /// Tasks holding capacity on it.
    pub tasks: u64,
    /// CPU units those tasks reserve.
    pub reserved_cpu_units: u64,
    /// Memory those tasks reserve, MiB.
    pub reserved_memory_mib: u64,
    /// What it has cost since the start, USD.
    pub cumulative_cost_usd: f64,
}

impl<'a> Minute<'a> {
    /// When the minute ended, ms from the start.
    pub fn end(&self) -> Millis {
        self.end
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// How many services (batch job streams included) there are.
    pub fn service_count(&self) -> usize {
        self.services.len()
    }

    /// Service `s` (scenario order) over the minute.
    // Inlined into the caller's loop: an observer reads these once per service per minute.
    #[inline(always)]
    pub fn service(&self, s: ServiceId) -> ServiceMinute<'a> {
        let svc = &self.scenario.services[s.index()];
        let st = &self.services[s];
        let p = &self.loads[s.index()].last_minute;
        ServiceMinute {
            name: &svc.name,
            job: svc.job.is_some(),
            offered: p.requests,
            served: p.served,
            desired: st.desired,
            running: st.by_state[TaskState::Running as usize],
            healthy: st.healthy,
            pending: st.by_state[TaskState::Provisioning as usize]
                + st.by_state[TaskState::Pending as usize],
            active: st.per_item.iter().sum(),
            used_cpu_units: p.cpu.unwrap_or(0.0) / 100.0 * f64::from(svc.resources.cpu) * p.running,
            used_memory_mib: p.memory.unwrap_or(0.0) / 100.0
                * f64::from(svc.memory_metric)
                * p.running,
        }
    }

    /// Service `s`'s active tasks per capacity bucket, one (bucket, tasks) pair per entry of
    /// its capacity provider strategy (a launch type: one pair), in strategy order.
    #[inline]
    pub fn service_tasks(&self, s: ServiceId) -> impl Iterator<Item = (usize, u32)> + 'a {
        self.item_buckets[s.index()]
            .iter()
            .copied()
            .zip(self.services[s].per_item.iter().copied())
    }

    /// How many capacity buckets there are: the providers, then the two launch types.
    pub fn bucket_count(&self) -> usize {
        self.scenario.providers.len() + 2
    }

    /// The bucket of launch type FARGATE.
    pub fn fargate_bucket(&self) -> usize {
        self.scenario.providers.len()
    }

    /// The bucket of launch type EC2.
    pub fn ec2_bucket(&self) -> usize {
        self.scenario.providers.len() + 1
    }

    /// Capacity bucket `b` at the minute's end.
    #[inline]
    pub fn bucket(&self, b: usize) -> BucketMinute {
        let np = self.scenario.providers.len();
        BucketMinute {
            instances: if b < np {
                self.instances_by_provider[b].value
            } else {
                0
            },
            tasks: self.tasks_by_provider[b].value,
            reserved_cpu_units: self.reserved[b].0,
            reserved_memory_mib: self.reserved[b].1,
            cumulative_cost_usd: self.bill.bucket_usd(b, self.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::activity::ActivityKind;
    use crate::model::world::World;

    /// (minute end, desired, running, pending) of service 0.
    type Figures = (Millis, u32, u32, u32);

    /// Counts what the world tells it, and keeps the first and last minute's figures of
    /// service 0 (and its tasks per bucket in the last).
    #[derive(Default)]
    struct Counting {
        minutes: u32,
        service_minutes: u32,
        datapoints: u32,
        scale_outs: u32,
        activities: u32,
        placements: u32,
        first: Option<Figures>,
        last: Option<(Figures, Vec<(usize, u32)>)>,
    }

    impl Observer for Counting {
        fn minute(&mut self, m: &Minute<'_>) {
            self.minutes += 1;
            self.service_minutes += m.service_count() as u32;
            let s = m.service(ServiceId(0));
            let figures = (m.end(), s.desired, s.running, s.pending);
            self.first.get_or_insert(figures);
            let tasks = m.service_tasks(ServiceId(0)).collect();
            self.last = Some((figures, tasks));
        }
        fn datapoint(&mut self, _: &Datapoint<'_>) {
            self.datapoints += 1;
        }
        fn activity(&mut self, a: Activity) {
            self.activities += 1;
            if a.kind == ActivityKind::ScaleOut {
                self.scale_outs += 1;
            }
        }
        fn placement(&mut self, _: PlacementRecord) {
            self.placements += 1;
        }
    }

    /// Ten minutes of one Fargate service, desired 2 (tasks RUNNING 10 s after they are
    /// created), target tracking at 50 on a custom metric that is 80 throughout, with a
    /// scale-out cooldown longer than the run.
    fn scenario() -> Scenario {
        let json = r#"{"name": "t", "seed": 1, "duration": "10m",
            "capacityProviders": [{"name": "FARGATE"}],
            "customMetrics": [{"Namespace": "Test", "MetricName": "M",
                "Value": {"pattern": "step", "steps": [{"at": "0s", "rps": 80}]}}],
            "services": [{"serviceName": "s", "launchType": "FARGATE", "desiredCount": 2,
                "taskDefinition": {"family": "s", "cpu": "256", "memory": "512"},
                "model": {"fargateProvisioning": {"distribution": "fixed", "value": "5s"},
                          "fargateImagePull": {"distribution": "fixed", "value": "5s"}},
                "autoScaling": {"MinCapacity": 1, "MaxCapacity": 20, "policies": [
                    {"PolicyName": "M", "PolicyType": "TargetTrackingScaling",
                     "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 50,
                       "CustomizedMetricSpecification": {"Namespace": "Test",
                         "MetricName": "M", "Statistic": "Average"},
                       "ScaleOutCooldown": 3600}}]}}]}"#;
        crate::scenario::load_str(json, "t.json", None, &[]).expect("valid")
    }

    #[test]
    fn a_counting_observer_sees_every_minute_datapoint_and_activity() {
        let mut w = World::new(scenario(), true);
        w.set_observer(Box::new(Counting::default()));
        let mut o = w.run();
        let c = o.world.take_observer_as::<Counting>().expect("ours");
        // Minutes close at 60, 120, …, 540 s (ticks) and 600 s (the end): 10 minutes, one
        // service each.
        assert_eq!((c.minutes, c.service_minutes), (10, 10));
        // Minute k's datapoint is published at (k + 1) × 60 + 183 s: k = 0…5 at 243 … 543 s
        // fall inside the 600-s run, k = 6 (603 s) does not: 6 datapoints.
        assert_eq!(c.datapoints, 6);
        // 80 > 50 for 3 of 3 datapoints first at k = 2 (363 s): running 2 → ceil(2 × 80 / 50)
        // = ceil(3.2) = 4. Later datapoints are inside the cooldown, where only a larger
        // scale-out happens, computed from the 2 running when it began: 4 again, not larger.
        // One activity, the scale-out.
        assert_eq!((c.scale_outs, c.activities), (1, 1));
        // Fargate tasks are never placed on an instance: nothing to explain.
        assert_eq!(c.placements, 0);
        // At 60 s: desired 2, both RUNNING since 10 s, none pending. At 600 s: desired 4, the
        // two new tasks RUNNING since 373 s; all 4 on launch type FARGATE, bucket 1 (after the
        // one provider).
        assert_eq!(c.first, Some((60_000, 2, 2, 0)));
        assert_eq!(c.last, Some(((600_000, 4, 4, 0), vec![(1, 4)])));
        // The observer was taken back: the world has none left to give.
        assert!(o.world.take_observer_as::<Counting>().is_none());
    }

    #[test]
    fn taking_an_observer_of_another_type_leaves_it_in_place() {
        let mut w = World::new(scenario(), false);
        w.set_observer(Box::new(Counting::default()));
        assert!(w.take_observer_as::<NoOutput>().is_none());
        assert!(w.observer_as::<Counting>().is_some());
    }

    /// This thread's write system calls and bytes so far (Linux's per-thread I/O counters).
    #[cfg(target_os = "linux")]
    fn thread_writes() -> (u64, u64) {
        let io = std::fs::read_to_string("/proc/thread-self/io").expect("Linux has it");
        let field = |name: &str| {
            io.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().parse().ok())
                .expect("the field is there")
        };
        (field("syscw:"), field("wchar:"))
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_run_with_no_observer_writes_nothing() {
        // The whole run, world dropped, on this thread: not one write system call, not one
        // byte written (a table streamed into a file would write when flushed or dropped).
        let sc = scenario();
        let before = thread_writes();
        let o = World::new(sc, true).run();
        assert!(o.events > 0);
        drop(o);
        assert_eq!(thread_writes(), before);
    }
}
