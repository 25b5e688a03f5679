//! The world and its event loop. All mutable state lives in one [`World`], passed by `&mut`;
//! the engine's queue drives it. `World` holds the scenario, the clock and owned parts, each in
//! its own module with the invariant it keeps: the fleet ([`super::fleet`]), the task table
//! ([`super::tasks`]), the scheduler's state ([`super::scheduler`]), traffic
//! ([`super::traffic`]), scaling ([`super::autoscale`]), jobs ([`super::jobs`]), faults
//! ([`super::faults`]) and billing ([`crate::cost::billing`]).
//!
//! This file keeps what any orchestrator shares: construction in named steps, the event loop,
//! per-service state, and the task lifecycle (state changes, lifecycle steps, stopping, what a
//! placed task holds). The ECS service scheduler that decides which tasks to start and where
//! is in [`super::scheduler`].

pub use super::fleet::Instance;
pub use super::jobs::JobStats;
use super::observe::{NoOutput, Observer};
use super::tasks::STATES;
pub use super::tasks::{Task, TaskState};
use crate::engine::{MINUTE, Millis, Queue};
use crate::ids::{FaultId, IdVec, InstanceId, ProviderId, ServiceId, TaskSlot};
use crate::placement::{self, Demand, Resources};
use crate::scenario::{ProviderKind, Scenario, ServiceCapacity};
use crate::util::rng::{Rng, Streams};
use std::collections::BTreeMap;

/// The events of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Re-evaluate a service: launch or stop tasks toward its desired count.
    Reconcile(ServiceId),
    /// A Fargate launch token bucket (0 on demand, 1 Spot) has a token again: the services
    /// waiting for one are served in the order they began to wait.
    FargateTokens(u8),
    /// A task's next lifecycle step is due.
    TaskStep {
        /// Task slot.
        slot: TaskSlot,
        /// Slot generation (a reused slot ignores stale steps).
        generation: u32,
    },
    /// Try to place waiting EC2 tasks again.
    RetryPlacement,
    /// A load step: integrate the fluid load, close finished metric periods.
    Tick,
    /// Minute `k`'s datapoints are published.
    PublishMinute(u64),
    /// 20-second period `k`'s high-resolution datapoints are published.
    PublishHighRes(u64),
    /// A service's scalable target is registered (RegisterScalableTarget, at time 0) when its
    /// starting desired count lies outside [MinCapacity, MaxCapacity].
    RegisterScalableTarget(ServiceId),
    /// A scheduled action fires.
    ScheduledAction {
        /// Service index.
        service: ServiceId,
        /// Action index.
        action: u32,
    },
    /// Minute `k`'s CapacityProviderReservation datapoints reach the groups' alarms.
    ClusterScaling(u64),
    /// An instance a group launched registers with the cluster.
    InstanceUp {
        /// Provider index.
        provider: ProviderId,
        /// Zone index.
        zone: u32,
        /// When the launch began (billing starts there).
        launched: Millis,
    },
    /// EC2 Spot prices take a random-walk step.
    PriceDrift,
    /// A scheduled price change (index into the billing's changes).
    PriceChange(u32),
    /// A FARGATE_SPOT task's drawn interruption comes due.
    SpotInterrupt {
        /// Task slot.
        slot: TaskSlot,
        /// Slot generation when drawn.
        generation: u32,
        /// Fault index.
        fault: FaultId,
    },
    /// An EC2 Spot instance's drawn interruption comes due (its two-minute notice).
    InstanceInterrupt {
        /// Instance ordinal.
        ord: InstanceId,
        /// Fault index.
        fault: FaultId,
    },
    /// The two-minute notice ends: the Spot instance is reclaimed.
    InstanceReclaim {
        /// Instance ordinal.
        ord: InstanceId,
    },
    /// A scheduled fraction of a group's Spot instances is interrupted.
    InstanceFraction {
        /// Fault index.
        fault: FaultId,
        /// Schedule entry.
        entry: u32,
    },
    /// An instance fails.
    InstanceFail {
        /// Instance ordinal.
        ord: InstanceId,
        /// Fault index.
        fault: FaultId,
    },
    /// A task crashes.
    TaskCrash {
        /// Task slot.
        slot: TaskSlot,
        /// Slot generation when drawn.
        generation: u32,
        /// Fault index.
        fault: FaultId,
    },
    /// A `deployments` entry starts.
    Deployment {
        /// Service index.
        service: ServiceId,
        /// Entry index.
        entry: u32,
    },
    /// A zone outage begins.
    ZoneDown {
        /// Fault index.
        fault: FaultId,
    },
    /// A zone outage ends.
    ZoneUp {
        /// Fault index.
        fault: FaultId,
    },
    /// A scheduled fraction of a provider's Spot tasks is interrupted.
    SpotFraction {
        /// Fault index.
        fault: FaultId,
        /// Schedule entry.
        entry: u32,
    },
    /// Batch jobs are submitted.
    JobArrivals {
        /// Job stream (service index).
        service: ServiceId,
        /// How many.
        count: u32,
    },
    /// The end of the run.
    End,
}

/// A time-weighted counter: integrates a count over time.
#[derive(Debug, Clone, Default)]
pub struct Integral {
    /// Current value.
    pub value: u64,
    /// Peak value.
    pub peak: u64,
    area_ms: u128,
    last: Millis,
}

impl Integral {
    /// Changes the value at `now`.
    pub fn set(&mut self, now: Millis, value: u64) {
        self.area_ms += u128::from(self.value) * u128::from(now - self.last);
        self.last = now;
        self.value = value;
        self.peak = self.peak.max(value);
    }
    /// Adds `d` (may be negative) at `now`.
    pub fn add(&mut self, now: Millis, d: i64) {
        let v = (self.value as i64 + d).max(0) as u64;
        self.set(now, v);
    }
    /// Value × hours up to `now`.
    pub fn hours(&self, now: Millis) -> f64 {
        let area = self.area_ms + u128::from(self.value) * u128::from(now - self.last);
        area as f64 / 3_600_000.0
    }
}

/// Per-service state.
#[derive(Debug, Clone)]
pub struct ServiceState {
    /// Desired count.
    pub desired: u32,
    /// Smallest desired count seen.
    pub desired_min: u32,
    /// Largest desired count seen.
    pub desired_max: u32,
    /// Tasks per state.
    pub by_state: [u32; STATES],
    /// Healthy tasks.
    pub healthy: u32,
    /// Tasks started (launched) so far.
    pub task_starts: u64,
    /// Active tasks (not stopping) per strategy entry.
    pub per_item: Vec<u32>,
    /// Live task slots (any state).
    pub(crate) tasks: Vec<TaskSlot>,
    /// Fargate tasks not stopping, per zone (Fargate balances zones by these).
    pub(crate) fargate_zones: Vec<u32>,
    /// Milliseconds with fewer healthy tasks than desired.
    pub below_ms: Millis,
    below_since: Option<Millis>,
    /// Launches in the current minute: (minute, count).
    pub(crate) window: (u64, u32),
    /// When the queued `Reconcile` of the service is due.
    pub(crate) reconcile_at: Option<Millis>,
    /// Whether the service waits in `World::token_waiters` (per bucket).
    pub(crate) token_waiting: [bool; 2],
    /// What one task needs from an instance.
    pub(crate) demand: Demand,
    pub(crate) fargate: bool,
    /// Start-up latencies (`"<service>", "startup"`).
    pub(crate) rng_start: Rng,
    /// Placement and scale-in draws (`"<service>", "placement"`).
    pub(crate) rng_place: Rng,
    /// The revision new tasks run.
    pub revision: u32,
    /// The last revision a deployment completed (the circuit breaker rolls back to it).
    pub stable_revision: u32,
    /// The highest revision number given so far (a rollback never reuses a number).
    pub next_revision: u32,
    /// Failure probability of the current revision's tasks.
    pub rev_fail_p: f64,
    /// Active tasks of the current revision.
    pub rev_active: u32,
    /// Healthy tasks of the current revision.
    pub rev_healthy: u32,
    /// The deployment in progress.
    pub deploy: Option<super::deploy::Deploy>,
    /// Active tasks on draining instances awaiting replacement.
    pub evicting: u32,
    pub(crate) rng_deploy: Rng,
    /// Where the current revision's failing tasks fail.
    pub rev_fail_at: crate::scenario::FailAt,
    /// The service throttle logic's state ([`super::throttle`]).
    pub throttle: super::throttle::Throttle,
    /// Tasks that stopped before RUNNING (failed starts other than quota refusals).
    pub start_failures: u64,
    /// Launches the Fargate vCPU quota refused.
    pub quota_refusals: u64,
    /// Back-offs of the service throttle logic so far.
    pub restart_backoffs: u64,
}

impl ServiceState {
    /// A service at the start: its desired count, no task yet.
    fn new(s: &crate::scenario::Service, scenario: &Scenario, streams: &Streams) -> ServiceState {
        let fargate = s.on_fargate(&scenario.providers);
        let items = match &s.capacity {
            ServiceCapacity::Strategy(v) => v.len(),
            ServiceCapacity::LaunchType(_) => 1,
        };
        ServiceState {
            desired: s.desired,
            desired_min: s.desired,
            desired_max: s.desired,
            by_state: [0; STATES],
            healthy: 0,
            task_starts: 0,
            per_item: vec![0; items],
            tasks: Vec::new(),
            fargate_zones: vec![0; scenario.zones.len()],
            below_ms: 0,
            below_since: (s.desired > 0).then_some(0),
            window: (0, 0),
            reconcile_at: None,
            token_waiting: [false; 2],
            demand: Demand {
                resources: s.resources,
                ports: s.host_ports.clone(),
                arch: s.arch,
                // An awsvpc task on EC2 attaches an ENI to its instance (a Fargate task's is
                // Fargate's own).
                enis: u32::from(s.network_mode == crate::scenario::NetworkMode::Awsvpc && !fargate),
            },
            fargate,
            rng_start: streams.stream(&s.name, "startup", 0),
            rng_place: streams.stream(&s.name, "placement", 0),
            revision: 1,
            stable_revision: 1,
            next_revision: 1,
            rev_fail_p: 0.0,
            rev_active: 0,
            rev_healthy: 0,
            deploy: None,
            evicting: 0,
            rng_deploy: streams.stream(&s.name, "deployment", 0),
            rev_fail_at: crate::scenario::FailAt::HealthCheck,
            throttle: Default::default(),
            start_failures: 0,
            quota_refusals: 0,
            restart_backoffs: 0,
        }
    }

    /// The service's scale-in draws (random strategy).
    pub fn rng_scale_in(&mut self) -> &mut Rng {
        &mut self.rng_place
    }

    /// Tasks not stopping (PROVISIONING, PENDING, RUNNING).
    pub fn active(&self) -> u32 {
        self.by_state[0] + self.by_state[1] + self.by_state[2]
    }

    /// Live task slots (any state).
    pub(crate) fn tasks(&self) -> &[TaskSlot] {
        &self.tasks
    }

    /// What one task of the service needs from an instance.
    pub(crate) fn demand(&self) -> &Demand {
        &self.demand
    }

    #[cfg(test)]
    pub(crate) fn demand_mut(&mut self) -> &mut Demand {
        &mut self.demand
    }
}

/// One placement decision explained (`--explain-placement`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlacementRecord {
    /// Seconds from the start.
    pub time_s: f64,
    /// Service.
    pub service: String,
    /// Capacity provider.
    pub capacity_provider: String,
    /// Strategy chain.
    pub strategy: Vec<String>,
    /// The explanation.
    #[serde(flatten)]
    pub explanation: placement::Explanation,
}

/// The whole simulated world: the scenario, the clock, and the parts that each own one concern
/// (each part's module says what it owns and which invariant it keeps). Orchestrator-neutral
/// parts: the fleet of instances, the task table, traffic, scaling, jobs, faults and billing;
/// ECS-specific: the scheduler's launch limits and placement queue ([`super::scheduler`]) and
/// the per-service state it keeps at the desired count.
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// The event queue.
    pub queue: Queue<Event>,
    /// The cluster's instances, the placement index and the Auto Scaling groups.
    pub fleet: super::fleet::Fleet,
    /// Task slots and what placed tasks hold per capacity bucket.
    pub tasks: super::tasks::TaskTable,
    /// Services.
    pub services: IdVec<ServiceId, ServiceState>,
    /// The ECS scheduler's launch limits and EC2 placement queue.
    pub scheduler: super::scheduler::Scheduler,
    /// The DAEMON services and the instances each runs on ([`super::daemon`]).
    pub daemons: Vec<super::daemon::Daemon>,
    /// Explain every placement decision to the observer (`--explain-placement`).
    pub(crate) explain: bool,
    /// The draws an explanation replays (never the placement's own).
    pub(crate) explain_rng: Rng,
    /// Check the model's rules every simulated minute and at the end (debug builds always).
    pub(crate) checking: bool,
    ended: bool,
    /// Traffic and custom metrics.
    pub traffic: super::traffic::Traffic,
    /// Scalable targets and what their policies read.
    pub scaling: super::autoscale::Scaling,
    /// Whoever records the run ([`super::observe`]); [`super::observe::NoOutput`] unless set.
    pub(crate) observer: Box<dyn Observer>,
    /// Per service, the capacity bucket of each strategy entry (a launch type: its bucket),
    /// for the observer's [`super::observe::Minute::service_tasks`].
    pub(crate) item_buckets: Vec<Vec<usize>>,
    /// Batch job streams.
    pub jobs: super::jobs::Jobs,
    /// Fault streams, outages in force and what the faults did.
    pub faults: super::faults::Faults,
    /// What the run has cost so far.
    pub bill: crate::cost::billing::Billing,
    /// Scratch counters for the scan `scale_in::choose_linear` (the `random` strategy's rule
    /// and the reference the ordered choice is checked against): all zero between calls, so a
    /// scan allocates nothing and is O(the service's tasks), never O(instances).
    pub(crate) scale_in_scratch: super::scale_in::Scratch,
    /// Every live task's scale-in key in ordered sets: a choice is O(log n).
    pub(crate) scale_in: super::scale_in::Order,
}

/// What a finished run hands to the report.
pub struct Outcome {
    /// The world at the end.
    pub world: World,
    /// Events processed.
    pub events: u64,
}

impl World {
    /// Builds the world at time 0: instances registered at each group's desiredCapacity,
    /// spread over the group's zones, and one reconcile per service. It has no observer
    /// ([`NoOutput`]: nothing is recorded) until [`World::set_observer`]; with `explain`, every
    /// placement decision is explained to the observer ([`Observer::placement`]).
    pub fn new(scenario: Scenario, explain: bool) -> World {
        let streams = Streams::new(scenario.seed);
        let np = scenario.providers.len();
        let services = scenario
            .services
            .iter()
            .map(|s| ServiceState::new(s, &scenario, &streams))
            .collect();
        let scaling = super::autoscale::Scaling::new(&scenario);
        let mut w = World {
            queue: Queue::new(),
            fleet: super::fleet::Fleet::new(np),
            tasks: super::tasks::TaskTable::new(np),
            services,
            scheduler: super::scheduler::Scheduler::new(
                &scenario.model,
                np,
                scenario.services.len(),
                scenario.fargate_vcpu_quota,
            ),
            daemons: Vec::new(),
            explain,
            explain_rng: streams.stream("placement", "explain", 0),
            checking: false,
            ended: false,
            traffic: super::traffic::Traffic::new(&scenario, &streams, scaling.high_res),
            scaling,
            observer: Box::new(NoOutput),
            item_buckets: scenario
                .services
                .iter()
                .map(|s| match &s.capacity {
                    ServiceCapacity::Strategy(items) => items.iter().map(|i| i.provider).collect(),
                    ServiceCapacity::LaunchType(crate::scenario::LaunchType::Fargate) => vec![np],
                    ServiceCapacity::LaunchType(_) => vec![np + 1],
                })
                .collect(),
            jobs: super::jobs::Jobs::new(&scenario),
            faults: super::faults::Faults::new(&scenario, &streams),
            bill: crate::cost::billing::Billing::new(&scenario, &streams),
            scale_in_scratch: Default::default(),
            scale_in: super::scale_in::Order::new(&scenario),
            scenario,
        };
        w.fleet.prepare_index(&w.scenario);
        w.daemons = w.build_daemons();
        w.register_initial_instances();
        for d in 0..w.daemons.len() {
            // A daemon's count starts at the instances registered at time 0.
            let s = w.daemons[d].service;
            w.services[s].desired_min = w.services[s].desired;
        }
        w.fleet.groups = w.build_groups();
        w.schedule_deployments();
        w.schedule_faults();
        w.schedule_actions_and_jobs();
        w.schedule_start();
        // Debug builds check the model's rules in every run (after the instances registered at
        // time 0, so the billing audit follows them the way a late `--check` would).
        if cfg!(debug_assertions) {
            w.enable_checks();
        }
        w
    }

    /// Each Auto Scaling group registers its desiredCapacity instances at time 0.
    fn register_initial_instances(&mut self) {
        for p in 0..self.scenario.providers.len() {
            let ProviderKind::Asg(asg) = &self.scenario.providers[p].kind else {
                continue;
            };
            let asg = asg.clone();
            for n in 0..asg.desired {
                // Round-robin over the group's zones, as an Auto Scaling group balances them;
                // a mixed group launches its first type (its highest priority).
                let zone = asg.zones[n as usize % asg.zones.len()];
                self.launch_instance(ProviderId::new(p), zone as u32, asg.instance_types[0], 0);
            }
        }
    }

    /// Each service's `deployments` entries within the run are queued.
    fn schedule_deployments(&mut self) {
        for s in 0..self.scenario.services.len() {
            for (e, &(at, _, _)) in self.scenario.services[s]
                .deployments
                .clone()
                .iter()
                .enumerate()
            {
                if at < self.scenario.duration {
                    self.queue.schedule_at(
                        at,
                        Event::Deployment {
                            service: ServiceId::new(s),
                            entry: e as u32,
                        },
                    );
                }
            }
        }
    }

    /// Scalable targets' registrations, scheduled actions and job submissions are queued (at
    /// t = 0 before the first reconcile, so the range registered and a bound set at the start
    /// are in force before any task is launched; each target is registered before its actions
    /// run).
    fn schedule_actions_and_jobs(&mut self) {
        for s in self.services.ids() {
            if self.scaling.scalers[s.index()]
                .as_ref()
                .is_some_and(|x| !x.registered)
            {
                self.queue.schedule_at(0, Event::RegisterScalableTarget(s));
            }
            let n = self.scenario.services[s.index()]
                .auto_scaling
                .as_ref()
                .map_or(0, |a| a.scheduled.len());
            for a in 0..n {
                self.schedule_next_action(s, a, None);
            }
            if let Some(job) = &self.scenario.services[s.index()].job
                && let crate::scenario::Arrivals::Schedule(list) = &job.arrivals
            {
                for &(at, count) in list.clone().iter() {
                    if at < self.scenario.duration {
                        self.queue
                            .schedule_at(at, Event::JobArrivals { service: s, count });
                    }
                }
            }
        }
    }

    /// The run starts: one reconcile per service, the end, the price events and the load step.
    fn schedule_start(&mut self) {
        // DAEMON services first: their tasks go on the instances before any replica task.
        let daemons: Vec<ServiceId> = self.daemons.iter().map(|d| d.service).collect();
        for &s in &daemons {
            self.request_reconcile(s, 0);
        }
        for s in self.services.ids() {
            if !daemons.contains(&s) {
                self.request_reconcile(s, 0);
            }
        }
        self.queue.schedule_at(self.scenario.duration, Event::End);
        if self.bill.drifts() {
            let every = self.scenario.prices.ec2_spot.drift_every;
            self.queue
                .schedule_periodic(every, every, Event::PriceDrift);
        }
        for (i, &(at, _)) in self.bill.changes.clone().iter().enumerate() {
            if at < self.scenario.duration {
                self.queue.schedule_at(at, Event::PriceChange(i as u32));
            }
        }
        let step = self.scenario.model.load_step;
        self.queue.schedule_periodic(0, step, Event::Tick);
    }

    pub(crate) fn launch_instance(
        &mut self,
        provider: ProviderId,
        zone: u32,
        t: &'static crate::catalogue::instance_types::InstanceType,
        launched: Millis,
    ) {
        let ord = InstanceId::new(self.fleet.instances.len());
        let attrs = self.instance_attributes(provider, zone, t);
        let registered = Resources::registered(t, self.scenario.model.registered_memory_fraction);
        self.fleet.index.add(
            format!("i-{:05}", ord),
            provider,
            attrs,
            registered,
            t.arch,
            t.eni_limit(self.scenario.awsvpc_trunking),
        );
        self.register_launched(ord, provider, zone, t, launched, registered);
    }

    /// The attributes an instance of type `t` in `zone` of `provider` registers with.
    pub(crate) fn instance_attributes(
        &self,
        provider: ProviderId,
        zone: u32,
        t: &'static crate::catalogue::instance_types::InstanceType,
    ) -> BTreeMap<String, String> {
        let mut attrs = BTreeMap::new();
        let zone_name = self.scenario.zones[zone as usize].clone();
        attrs.insert("ecs.availability-zone".to_string(), zone_name);
        attrs.insert("ecs.instance-type".to_string(), t.name.to_string());
        attrs.insert("ecs.os-type".to_string(), "linux".to_string());
        attrs.insert(
            "ecs.cpu-architecture".to_string(),
            t.arch.as_str().to_string(),
        );
        attrs.insert(
            "ecs.ami-id".to_string(),
            format!(
                "ami-ecs-{}",
                if t.arch.as_str() == "arm64" {
                    "arm64"
                } else {
                    "x86"
                }
            ),
        );
        if let ProviderKind::Asg(a) = &self.scenario.providers[provider.index()].kind {
            for (k, v) in &a.attributes {
                attrs.insert(k.clone(), v.clone());
            }
        }
        attrs
    }

    /// Instance `ord` (in the index) registers: counted, billed, its faults armed, the daemon
    /// tasks placed on it.
    fn register_launched(
        &mut self,
        ord: InstanceId,
        provider: ProviderId,
        zone: u32,
        t: &'static crate::catalogue::instance_types::InstanceType,
        launched: Millis,
        registered: Resources,
    ) {
        let now = self.queue.now();
        self.fleet.register(
            now,
            Instance {
                provider,
                zone,
                instance_type: t.name,
                pulled: Vec::new(),
                draining: false,
                terminated: false,
                reclaimed_by: None,
                scaled_in: false,
            },
        );
        let spot = matches!(&self.scenario.providers[provider.index()].kind,
            ProviderKind::Asg(a) if a.purchase == crate::scenario::PurchaseOption::Spot);
        if let Some(m) = self.bill.ec2_market(t.name, zone, spot) {
            self.bill
                .instance_start(now, ord, provider.index(), m, launched, registered);
        }
        self.arm_instance_interruptions(ord);
        self.arm_instance_failures(ord);
        // Daemon tasks go first on a new instance.
        self.daemons_on_new_instance(ord);
    }

    pub(crate) fn track_below(&mut self, s: ServiceId) {
        let now = self.queue.now();
        let st = &mut self.services[s];
        let below = st.healthy < st.desired;
        match (below, st.below_since) {
            (true, None) => st.below_since = Some(now),
            (false, Some(t)) => {
                st.below_ms += now - t;
                st.below_since = None;
            }
            _ => {}
        }
    }

    /// Sets a service's desired count (used by scaling; the run starts at desiredCount).
    pub fn set_desired(&mut self, s: ServiceId, desired: u32) {
        let st = &mut self.services[s];
        st.desired = desired;
        st.desired_min = st.desired_min.min(desired);
        st.desired_max = st.desired_max.max(desired);
        self.track_below(s);
        let now = self.queue.now();
        self.request_reconcile(s, now);
    }

    /// Processes every event up to and including time `limit` (the end of the run at most).
    /// Returns false once the run has ended (and does nothing more when called again).
    pub fn run_until(&mut self, limit: Millis) -> bool {
        if self.ended {
            return false;
        }
        while let Some(t) = self.queue.peek_time() {
            if t > limit {
                return true;
            }
            let Some((_, _, ev)) = self.queue.pop() else {
                break;
            };
            match ev {
                Event::End => {
                    // The last whole minute ends with the run: its timeseries row is written.
                    let now = self.queue.now();
                    if now > 0 && now.is_multiple_of(MINUTE) {
                        self.close_last_minute(now / MINUTE - 1);
                    }
                    if self.checking {
                        self.assert_invariants();
                    }
                    self.ended = true;
                    return false;
                }
                Event::Reconcile(s) => {
                    if self.services[s].reconcile_at == Some(self.queue.now()) {
                        self.services[s].reconcile_at = None;
                        self.reconcile(s);
                    }
                }
                Event::FargateTokens(b) => self.serve_token_waiters(usize::from(b)),
                Event::TaskStep { slot, generation } => self.task_step(slot, generation),
                Event::RetryPlacement => {
                    self.scheduler.retry_pending = false;
                    self.retry_waiting();
                }
                Event::Tick => self.tick(),
                Event::PublishMinute(k) => self.publish(k, false),
                Event::PublishHighRes(k) => self.publish(k, true),
                Event::RegisterScalableTarget(s) => self.register_scalable_target(s),
                Event::ScheduledAction { service, action } => {
                    self.scheduled_action(service, action as usize)
                }
                Event::ClusterScaling(k) => self.cluster_scaling(k),
                Event::InstanceUp {
                    provider,
                    zone,
                    launched,
                } => self.instance_up(provider, zone, launched),
                Event::PriceDrift => {
                    let now = self.queue.now();
                    self.bill.drift(now);
                }
                Event::PriceChange(i) => {
                    let now = self.queue.now();
                    self.bill.apply(now, i as usize);
                }
                Event::SpotInterrupt {
                    slot,
                    generation,
                    fault,
                } => self.spot_interrupt(slot, generation, fault),
                Event::SpotFraction { fault, entry } => self.spot_fraction(fault, entry),
                Event::InstanceInterrupt { ord, fault } => self.instance_interrupt(ord, fault),
                Event::InstanceReclaim { ord } => self.instance_reclaim(ord),
                Event::ZoneDown { fault } => self.zone_down(fault),
                Event::Deployment { service, entry } => {
                    self.start_deployment(service, entry as usize)
                }
                Event::InstanceFail { ord, fault } => self.instance_fail(ord, fault),
                Event::TaskCrash {
                    slot,
                    generation,
                    fault,
                } => self.task_crash(slot, generation, fault),
                Event::ZoneUp { fault } => self.zone_up(fault),
                Event::InstanceFraction { fault, entry } => self.instance_fraction(fault, entry),
                Event::JobArrivals { service, count } => {
                    let s = service.index();
                    let now = self.queue.now();
                    self.jobs.submit(ServiceId::new(s), now, count);
                    let d = self.services[ServiceId::new(s)]
                        .desired
                        .saturating_add(count);
                    self.set_desired(service, d);
                }
            }
        }
        !self.ended
    }

    /// Runs to the end.
    pub fn run(mut self) -> Outcome {
        self.run_until(Millis::MAX);
        let now = self.queue.now();
        for s in self.services.ids() {
            if let Some(t) = self.services[s].below_since {
                self.services[s].below_ms += now - t;
                self.services[s].below_since = Some(now);
            }
        }
        let events = self.queue.events_processed();
        Outcome {
            world: self,
            events,
        }
    }

    /// The report key of the capacity a task uses.
    pub fn capacity_key(&self, t: &Task) -> String {
        match t.provider {
            Some(p) => self.scenario.providers[p.index()].name.clone(),
            None if self.services[t.service].fargate => "launchType:FARGATE".into(),
            None => "launchType:EC2".into(),
        }
    }

    /// The capacity bucket of a task: its provider, then launch type FARGATE, then EC2.
    pub(crate) fn task_bucket(&self, t: &Task) -> usize {
        let np = self.scenario.providers.len();
        match t.provider {
            Some(p) => p.index(),
            None if self.services[t.service].fargate => np,
            None => np + 1,
        }
    }

    pub(crate) fn set_state(&mut self, slot: TaskSlot, state: TaskState) {
        self.scale_in.leave(slot);
        let t = &mut self.tasks[slot];
        let old = t.state;
        t.state = state;
        let svc = &mut self.services[t.service];
        svc.by_state[old as usize] -= 1;
        svc.by_state[state as usize] += 1;
        if old == TaskState::Provisioning {
            self.scheduler.provisioning -= 1;
        }
        if state == TaskState::Provisioning {
            self.scheduler.provisioning += 1;
        }
        self.scale_in
            .enter(&self.fleet.index, slot, &self.tasks[slot]);
    }

    pub(crate) fn schedule_step(&mut self, slot: TaskSlot, delay: Millis) {
        let generation = self.tasks[slot].generation;
        self.queue
            .schedule_in(delay, Event::TaskStep { slot, generation });
    }

    fn task_step(&mut self, slot: TaskSlot, generation: u32) {
        let t = &self.tasks[slot];
        if t.generation != generation || !t.live {
            return;
        }
        let s = t.service;
        let now = self.queue.now();
        match t.state {
            TaskState::Provisioning => {
                // No Spot capacity now: the task waits in PROVISIONING (never falls back).
                if let Some(p) = self.tasks[slot].provider
                    && let Some(until) = self.spot_unavailable_until(p, now)
                {
                    self.schedule_step(slot, until - now);
                    return;
                }
                // Fargate: capacity provisioned, image pull starts (billing starts here).
                self.tasks[slot].placed_at = Some(now);
                self.set_state(slot, TaskState::Pending);
                let b = self.task_bucket(&self.tasks[slot]);
                self.hold(b, slot, 1);
                let d = self.scenario.services[s.index()]
                    .model
                    .fargate_image_pull
                    .sample(&mut self.services[s].rng_start);
                self.schedule_step(slot, d);
                self.arm_interruptions(slot);
                self.wake_backed_off();
            }
            TaskState::Pending => {
                if self.fails_to_start(slot) {
                    return;
                }
                self.set_state(slot, TaskState::Running);
                self.end_throttle(s, super::activity::ThrottleEnd::TaskStarted);
                self.arm_task_crashes(slot);
                self.draw_doomed(slot);
                let svc = &self.scenario.services[s.index()];
                let d = if let Some(job) = &svc.job {
                    let wait = now - self.tasks[slot].created;
                    let js = &mut self.jobs.stats[s.index()];
                    js.started += 1;
                    js.wait_sum += u128::from(wait);
                    js.wait_max = js.wait_max.max(wait);
                    job.runtime.sample(&mut self.services[s].rng_start).max(1)
                } else if self.tasks[slot].doomed {
                    // Its first health verdict at or after the grace period stops it.
                    svc.health.failure.stop_after
                } else {
                    // Every check passed once (or 40 s without any check).
                    svc.health.healthy_after
                };
                self.schedule_step(slot, d);
            }
            TaskState::Running if self.scenario.services[s.index()].job.is_some() => {
                // The job finished: it leaves the count it was started for.
                self.jobs.stats[s.index()].completed += 1;
                let d = self.services[s].desired.saturating_sub(1);
                self.services[s].desired = d;
                self.track_below(s);
                self.begin_stop(slot);
            }
            TaskState::Running => {
                if self.tasks[slot].doomed {
                    // It fails its health check instead of passing it.
                    self.task_failed_health(slot);
                    return;
                }
                if !self.tasks[slot].healthy {
                    self.tasks[slot].healthy = true;
                    self.services[s].healthy += 1;
                    if self.tasks[slot].revision == self.services[s].revision {
                        self.services[s].rev_healthy += 1;
                        self.deployment_task_healthy(slot);
                    }
                    self.track_below(s);
                    if self.services[s].deploy.is_some() || self.services[s].evicting > 0 {
                        self.request_reconcile(s, now);
                    }
                }
            }
            TaskState::Stopping => self.finish_stop(slot),
        }
    }

    pub(crate) fn begin_stop(&mut self, slot: TaskSlot) {
        debug_assert!(
            self.tasks[slot].state != TaskState::Stopping,
            "a task is stopped once"
        );
        // Steps queued for the task's old state (a pull ending, a health check passing) must not
        // end the stop early.
        let g = &mut self.tasks[slot].generation;
        *g = g.wrapping_add(1);
        let t = self.tasks[slot].clone();
        let s = t.service;
        if let Some(i) = t.item {
            self.services[s].per_item[i as usize] -= 1;
        }
        if self.services[s].fargate {
            self.services[s].fargate_zones[t.zone as usize] -= 1;
        }
        if t.evicting {
            self.services[s].evicting -= 1;
        }
        if t.revision == self.services[s].revision {
            let st = &mut self.services[s];
            st.rev_active = st.rev_active.saturating_sub(1);
            if t.healthy {
                st.rev_healthy = st.rev_healthy.saturating_sub(1);
            }
        }
        if t.healthy {
            self.tasks[slot].healthy = false;
            self.services[s].healthy -= 1;
            self.track_below(t.service);
        }
        if t.state == TaskState::Provisioning && t.instance.is_none() && !self.services[s].fargate {
            if let Some(p) = t.provider {
                self.scheduler.unplaced[p.index()][s.index()] -= 1;
            }
            // Never placed: it goes at once.
            self.set_state(slot, TaskState::Stopping);
            self.finish_stop(slot);
            return;
        }
        self.set_state(slot, TaskState::Stopping);
        let svc = &self.scenario.services[s.index()];
        // A registered target drains for the deregistration delay before SIGTERM.
        let drain = match &svc.load_balancer {
            Some(lb) if t.state == TaskState::Running => lb.deregistration_delay,
            _ => 0,
        };
        let d = svc
            .model
            .task_stop_duration
            .sample(&mut self.services[s].rng_start);
        // ECS sends SIGKILL after the stop timeout.
        self.schedule_step(slot, drain + d.min(crate::scenario::defaults::STOP_TIMEOUT));
    }

    pub(crate) fn finish_stop(&mut self, slot: TaskSlot) {
        let now = self.queue.now();
        let t = self.tasks[slot].clone();
        let s = t.service;
        if t.placed_at.is_some() {
            let b = self.task_bucket(&t);
            self.hold(b, slot, -1);
        }
        self.hold_fargate_vcpu(s, t.provider, -1);
        if let Some(ord) = t.instance {
            let demand = self.services[s].demand.clone();
            self.fleet.index.release(ord, t.service, &demand);
            self.scale_in
                .free_changed(ord, self.fleet.index.slot(ord).free);
            let daemon = self.scenario.services[s.index()].daemon;
            let empty = self.fleet.unplace(ord, slot, daemon);
            if self.fleet.instances[ord].draining {
                if empty {
                    self.terminate_instance(ord);
                } else {
                    // Daemon tasks stop last, once every replica task has.
                    self.stop_daemons_when_alone(ord);
                }
            } else if daemon {
                self.daemon_task_gone(s, ord);
            }
        }
        let st = &mut self.services[s];
        st.by_state[TaskState::Stopping as usize] -= 1;
        let pos = t.pos as usize;
        st.tasks.swap_remove(pos);
        if let Some(&moved) = st.tasks.get(pos) {
            self.scale_in.leave(moved);
            self.tasks[moved].pos = pos as u32;
            self.scale_in
                .enter(&self.fleet.index, moved, &self.tasks[moved]);
        }
        self.tasks.release(slot);
        self.request_retry();
        let st = &self.services[s];
        if st.active() < st.desired || st.deploy.is_some() || st.evicting > 0 {
            self.request_reconcile(t.service, now);
        }
    }

    /// A task starts (`sign` 1) or stops (−1) holding capacity in bucket `b`: task count and
    /// reserved CPU and memory per provider (capacity.csv).
    pub(crate) fn hold(&mut self, b: usize, slot: TaskSlot, sign: i64) {
        let now = self.queue.now();
        let t = &self.tasks[slot];
        let s = t.service;
        let d = &self.services[s].demand;
        if let Some(ord) = t.instance {
            self.bill.ec2_task(now, s, ord, d.resources, sign);
        } else if self.services[s].fargate {
            let spot = b < self.scenario.providers.len()
                && matches!(self.scenario.providers[b].kind, ProviderKind::FargateSpot);
            let since = t.placed_at.unwrap_or(now);
            self.bill.fargate_task(now, b, spot, s, sign, since, slot);
        }
        let (cpu, memory) = (d.resources.cpu, d.resources.memory);
        self.tasks.hold(now, b, cpu, memory, sign);
    }

    /// Stops a task because its instance leaves the group: drained (a service task is replaced
    /// within its deployment limits first, then stopped; a standalone job is left to finish) or
    /// killed at once.
    pub(crate) fn stop_task_for_instance(&mut self, slot: TaskSlot, drain: bool) {
        let s = self.tasks[slot].service;
        if drain && self.scenario.services[s.index()].daemon {
            // A daemon task stops last, once the instance's replica tasks have.
            return;
        }
        if drain {
            if self.scenario.services[s.index()].job.is_none() && !self.tasks[slot].evicting {
                self.tasks[slot].evicting = true;
                self.services[s].evicting += 1;
                let now = self.queue.now();
                self.request_reconcile(s, now);
            }
            return;
        }
        if self.scenario.services[s.index()].job.is_some() {
            // A job killed with its instance (or crashed) is retried or lost as configured.
            self.job_interrupted(s, super::activity::JobLoss::TaskKilled);
        }
        self.begin_stop(slot);
        if self.tasks[slot].live && self.tasks[slot].state == TaskState::Stopping {
            self.finish_stop(slot);
        }
    }

    /// A batch job of stream `s` lost its task (`why`): retried (its desired count holds, so a
    /// new task starts) or lost (the desired count drops), as `onInterruption` says, with a
    /// `job-retried` or `job-lost` activity. Returns whether it is retried.
    pub(crate) fn job_interrupted(&mut self, s: ServiceId, why: super::activity::JobLoss) -> bool {
        use super::activity::{Cause, JobCause};
        let retry = self.scenario.services[s.index()]
            .job
            .as_ref()
            .is_some_and(|j| j.retry);
        let cause = JobCause { reason: why };
        let cause = if retry {
            self.jobs.stats[s.index()].retried += 1;
            Cause::JobRetried(cause)
        } else {
            self.jobs.stats[s.index()].lost += 1;
            self.services[s].desired = self.services[s].desired.saturating_sub(1);
            Cause::JobLost(cause)
        };
        self.record(Some(s), None, None, cause);
        retry
    }

    /// Live task slots of a service.
    pub fn service_tasks(&self, s: ServiceId) -> &[TaskSlot] {
        &self.services[s].tasks
    }

    /// EC2 tasks still waiting for an instance.
    pub fn waiting_final(&self) -> u64 {
        self.tasks
            .iter()
            .filter(|t| {
                t.live
                    && t.state == TaskState::Provisioning
                    && t.instance.is_none()
                    && !self.services[t.service].fargate
            })
            .count() as u64
    }

    /// When the job a new task of service `s` runs was submitted (now for a service task).
    pub(crate) fn job_submitted(&mut self, s: ServiceId) -> Millis {
        let now = self.queue.now();
        self.jobs.take_submitted(s, now)
    }

    /// Tasks created so far.
    pub fn tasks_created(&self) -> u64 {
        self.tasks.created()
    }

    /// Tasks that finished stopping so far.
    pub fn tasks_stopped(&self) -> u64 {
        self.tasks.stopped()
    }

    /// Sets who records the run (before it starts: an observer set later misses what came
    /// before), returning the one it replaces.
    pub fn set_observer(&mut self, observer: Box<dyn Observer>) -> Box<dyn Observer> {
        std::mem::replace(&mut self.observer, observer)
    }

    /// The observer, if it is a `T`.
    pub fn observer_as<T: Observer>(&self) -> Option<&T> {
        let any: &dyn std::any::Any = &*self.observer;
        any.downcast_ref()
    }

    /// Takes the observer back, if it is a `T` ([`NoOutput`] takes its place); otherwise None
    /// and the observer stays.
    pub fn take_observer_as<T: Observer>(&mut self) -> Option<T> {
        self.observer_as::<T>()?;
        let any: Box<dyn std::any::Any> = self.set_observer(Box::new(NoOutput));
        any.downcast().ok().map(|b| *b)
    }

    /// Checks the model's rules ([`World::check_invariants`]) every simulated minute and at the
    /// end, panicking on the first broken one, and keeps the billing audit; debug builds always
    /// do. Call before the run starts.
    pub fn enable_checks(&mut self) {
        self.checking = true;
        let now = self.queue.now();
        self.bill.enable_audit(now);
    }
}

/// Runs a checked scenario to its end with no observer.
pub fn simulate(scenario: Scenario, explain: bool) -> Outcome {
    World::new(scenario, explain).run()
}
