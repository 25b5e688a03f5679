//! The ECS service scheduler's own state: the launch limits it works within (the cluster's
//! PROVISIONING limit, the Fargate launch token buckets and their line of waiting services) and
//! the EC2 tasks waiting for an instance. This is the ECS-specific side of the model; the parts
//! it drives — the task table ([`super::tasks`]), the fleet ([`super::fleet`]), traffic
//! ([`super::traffic`]), billing, faults ([`super::faults`]) — are orchestrator-neutral.
//!
//! Invariants it keeps: `provisioning` counts the live tasks in PROVISIONING; a service is in
//! a bucket's line at most once (its `token_waiting` flag says so); a bucket's wake is set
//! exactly while an event for it is queued; every EC2 task waiting for an instance is in
//! `waiting` (entries of tasks since stopped or placed are skipped by their generation), and
//! `unplaced[p][s]` counts service `s`'s waiting tasks of provider `p`; a service's entry in
//! `known_full` says that a placement of its tasks found no instance at that growth epoch of
//! the index (so one is tried again only when an instance that grew since can take it).

use super::strategy;
use super::world::{Event, PlacementRecord, Task, TaskState, World};
use crate::engine::{MINUTE, Millis};
use crate::ids::{InstanceId, ProviderId, ServiceId, TaskSlot};
use crate::placement::{self, Demand, Request};
use crate::scenario::{Model, ProviderKind, ServiceCapacity};
use std::collections::{BTreeSet, VecDeque};

/// A service's line of waiting EC2 tasks is compacted (its entries of tasks since stopped or
/// placed dropped) when it has grown to twice its length after the last compaction, and at
/// least to this.
const LINE_COMPACT_MIN: usize = 16;

/// The EC2 tasks waiting for an instance, in the order they began to wait: one line per
/// service (entries stamped with a sequence number across services) and the services with a
/// non-empty line ordered by the stamp of their first entry, so that a retry pass visits the
/// entries in the order of their stamps but passes over a service after its first failure
/// without touching its other entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct Waiting {
    next: u64,
    /// Per service: (stamp, slot, generation), oldest first. An entry of a task since stopped
    /// or placed (its generation moved on, or no longer PROVISIONING) is stale and skipped.
    lines: Vec<VecDeque<(u64, TaskSlot, u32)>>,
    /// Per service: its line's length after its last compaction.
    compacted: Vec<usize>,
    /// (stamp of the first entry, service) of every service with a non-empty line, except the
    /// services a pass in progress holds back.
    heads: BTreeSet<(u64, ServiceId)>,
}

impl Waiting {
    fn new(services: usize) -> Waiting {
        Waiting {
            lines: vec![VecDeque::new(); services],
            compacted: vec![0; services],
            ..Waiting::default()
        }
    }

    /// No entry at all, stale or not: what a retry pass would find nothing in.
    pub(crate) fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// Puts service `s` among the heads by its line's first entry, if it has one.
    fn enqueue(&mut self, s: ServiceId) {
        if let Some(&(stamp, _, _)) = self.lines[s.index()].front() {
            self.heads.insert((stamp, s));
        }
    }
}

/// A Fargate launch token bucket, in micro-tokens so that refills are exact.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    micro: u64,
    last: Millis,
}

pub(crate) const MICRO: u64 = 1_000_000;

/// The service scheduler's launch limits and placement queue.
#[derive(Debug, Clone)]
pub struct Scheduler {
    /// Tasks in PROVISIONING, cluster-wide.
    pub provisioning: u32,
    buckets: [Bucket; 2],
    /// Services waiting for a token of each Fargate bucket, in the order they began to wait:
    /// one `FargateTokens` event serves them, rather than one `Reconcile` per waiting service
    /// per token (with thousands of services that was millions of events).
    pub(crate) token_waiters: [VecDeque<ServiceId>; 2],
    /// When the pending `FargateTokens` event of each bucket is due.
    pub(crate) token_wake: [Option<Millis>; 2],
    /// The bucket and service being served: blocked again, it keeps its place at the front.
    pub(crate) serving: Option<(usize, ServiceId)>,
    /// A launch stopped at the PROVISIONING limit: a task leaving PROVISIONING wakes services.
    pub(crate) backed_off: bool,
    /// EC2 tasks waiting for a placement, oldest first.
    pub(crate) waiting: Waiting,
    /// Per service: (the task's provider, growth epoch) of the placements that found no
    /// instance for it, the latest per provider ([`crate::placement::index::Index::known_full`]).
    known_full: Vec<Vec<(Option<ProviderId>, u64)>>,
    /// Placements found to fail from `known_full` without asking the index.
    pub placements_skipped: u64,
    /// A `RetryPlacement` is queued.
    pub(crate) retry_pending: bool,
    /// Per provider and service, EC2 tasks waiting for an instance.
    pub unplaced: Vec<Vec<u32>>,
    /// Placements that found no instance.
    pub placement_failures: u64,
    /// The account's Fargate vCPU quotas and what is held against them ([`super::throttle`]).
    pub fargate_vcpu: super::throttle::FargateVcpu,
}

impl Scheduler {
    /// Nothing launched yet: both buckets full (`fargateLaunchBurst` tokens), nothing held
    /// against the Fargate vCPU quotas `vcpu_quota` (On-Demand, Spot).
    pub fn new(
        model: &Model,
        providers: usize,
        services: usize,
        vcpu_quota: [f64; 2],
    ) -> Scheduler {
        let full = Bucket {
            micro: u64::from(model.fargate_launch_burst) * MICRO,
            last: 0,
        };
        Scheduler {
            provisioning: 0,
            buckets: [full.clone(), full],
            token_waiters: [VecDeque::new(), VecDeque::new()],
            token_wake: [None; 2],
            serving: None,
            backed_off: false,
            waiting: Waiting::new(services),
            known_full: vec![Vec::new(); services],
            placements_skipped: 0,
            retry_pending: false,
            unplaced: vec![vec![0; services]; providers],
            placement_failures: 0,
            fargate_vcpu: super::throttle::FargateVcpu::new(vcpu_quota),
        }
    }

    /// Refills Fargate bucket `b` up to `now`; `None` when it holds a token, else when it will.
    fn refill(&mut self, b: usize, now: Millis, model: &Model) -> Option<Millis> {
        // Micro-tokens per millisecond: 20 tokens/s = 20,000 µtokens/ms.
        let per_ms = ((model.fargate_launch_per_second * 1000.0).round() as u64).max(1);
        let burst = u64::from(model.fargate_launch_burst) * MICRO;
        let bk = &mut self.buckets[b];
        bk.micro = bk
            .micro
            .saturating_add((now - bk.last).saturating_mul(per_ms))
            .min(burst);
        bk.last = now;
        (bk.micro < MICRO).then(|| now + (MICRO - bk.micro).div_ceil(per_ms).max(1))
    }

    /// Takes one token of bucket `b` (which [`Scheduler::refill`] found holding one).
    pub(crate) fn take_token(&mut self, b: usize) {
        self.buckets[b].micro -= MICRO;
    }
}

/// The service scheduler (ECS-specific): keeps each service at its desired count within the
/// launch limits, sends each new task to its strategy entry's capacity, places EC2 tasks through
/// the placement index and queues those that fit nowhere. It drives the orchestrator-neutral
/// parts (the task table's lifecycle in [`super::world`], the fleet, billing) and is what a
/// second orchestrator would replace; rolling deployments and managed draining are its
/// [`super::deploy`].
impl World {
    pub(crate) fn request_reconcile(&mut self, s: ServiceId, at: Millis) {
        let st = &mut self.services[s];
        // Nothing to do when a reconcile is due by then — or the service waits for a Fargate
        // token that is due by then (it is reconciled when its turn comes).
        let token_due = (0..2)
            .any(|b| st.token_waiting[b] && self.scheduler.token_wake[b].is_some_and(|t| t <= at));
        if st.reconcile_at.is_some_and(|t| t <= at) || token_due {
            return;
        }
        st.reconcile_at = Some(at);
        self.queue.schedule_at(at, Event::Reconcile(s));
    }

    /// Launches or stops tasks toward the desired count, within the launch-rate limits.
    pub(crate) fn reconcile(&mut self, s: ServiceId) {
        if self.scenario.services[s.index()].daemon {
            self.daemon_reconcile(s);
            return;
        }
        let st = &self.services[s];
        if st.deploy.is_some() || st.evicting > 0 {
            self.rolling_reconcile(s);
            return;
        }
        let (active, desired) = {
            let st = &self.services[s];
            (st.active(), st.desired)
        };
        if active > desired {
            for _ in 0..(active - desired) {
                self.stop_one(s);
            }
            return;
        }
        self.launch(s, desired - active);
    }

    /// Starts up to `want` tasks of service `s` within the launch-rate limits; asks for a later
    /// reconcile when a limit binds.
    pub(crate) fn launch(&mut self, s: ServiceId, mut want: u32) {
        let now = self.queue.now();
        while want > 0 {
            // The service throttle logic: no launch while a back-off runs.
            if let Some(until) = self.throttled_until(s) {
                self.request_reconcile(s, until);
                return;
            }
            let model = &self.scenario.services[s.index()].model;
            let fargate = self.services[s].fargate;
            let per_min = if fargate {
                model.service_launch_rate_fargate_per_minute
            } else {
                model.service_launch_rate_ec2_per_minute
            };
            let minute = now / MINUTE;
            let st = &mut self.services[s];
            if st.window.0 != minute {
                st.window = (minute, 0);
            }
            if st.window.1 >= per_min && self.scenario.services[s.index()].job.is_none() {
                self.request_reconcile(s, (minute + 1) * MINUTE);
                return;
            }
            if self.scheduler.provisioning >= self.scenario.model.provisioning_tasks_per_cluster {
                // Backs off; a task leaving PROVISIONING asks again.
                self.scheduler.backed_off = true;
                return;
            }
            let item = self.next_item(s);
            let spot = self.item_is_fargate_spot(s, item);
            if fargate && self.quota_refuses(s, self.provider_of(s, item)) {
                continue;
            }
            if fargate {
                let b = usize::from(spot);
                if let Some(at) = self.refill(b) {
                    self.wait_for_token(b, s, at);
                    return;
                }
                self.scheduler.take_token(b);
            }
            self.services[s].window.1 += 1;
            self.start_task(s, item);
            want -= 1;
        }
    }

    /// Refills Fargate bucket `b` up to now; `None` when it holds a token, else when it will.
    fn refill(&mut self, b: usize) -> Option<Millis> {
        let now = self.queue.now();
        self.scheduler.refill(b, now, &self.scenario.model)
    }

    /// Service `s` waits for a token of bucket `b`, which has one at `at`: it joins the
    /// bucket's waiters once (keeping its place at the front when it is the one being served,
    /// so it goes on taking tokens until its launches are done, as the first to wait).
    fn wait_for_token(&mut self, b: usize, s: ServiceId, at: Millis) {
        if !self.services[s].token_waiting[b] {
            self.services[s].token_waiting[b] = true;
            if self.scheduler.serving == Some((b, s)) {
                self.scheduler.token_waiters[b].push_front(s);
            } else {
                self.scheduler.token_waiters[b].push_back(s);
            }
        }
        if self.scheduler.token_wake[b].is_none() {
            self.scheduler.token_wake[b] = Some(at);
            self.queue.schedule_at(at, Event::FargateTokens(b as u8));
        }
    }

    /// A token of bucket `b` is due: the waiting services are reconciled in order while the
    /// bucket holds a token; then the next wake is set for when it holds one again.
    pub(crate) fn serve_token_waiters(&mut self, b: usize) {
        self.scheduler.token_wake[b] = None;
        while !self.scheduler.token_waiters[b].is_empty() {
            if let Some(at) = self.refill(b) {
                if self.scheduler.token_wake[b].is_none() {
                    self.scheduler.token_wake[b] = Some(at);
                    self.queue.schedule_at(at, Event::FargateTokens(b as u8));
                }
                return;
            }
            let s = self.scheduler.token_waiters[b]
                .pop_front()
                .expect("not empty");
            self.services[s].token_waiting[b] = false;
            self.scheduler.serving = Some((b, s));
            self.reconcile(s);
            self.scheduler.serving = None;
        }
    }

    fn next_item(&self, s: ServiceId) -> u32 {
        match &self.scenario.services[s.index()].capacity {
            ServiceCapacity::LaunchType(_) => 0,
            ServiceCapacity::Strategy(items) => {
                strategy::next_provider(items, &self.services[s].per_item) as u32
            }
        }
    }

    fn provider_of(&self, s: ServiceId, item: u32) -> Option<ProviderId> {
        match &self.scenario.services[s.index()].capacity {
            ServiceCapacity::LaunchType(_) => None,
            ServiceCapacity::Strategy(items) => {
                Some(ProviderId::new(items[item as usize].provider))
            }
        }
    }

    fn item_is_fargate_spot(&self, s: ServiceId, item: u32) -> bool {
        self.provider_of(s, item).is_some_and(|p| {
            matches!(
                self.scenario.providers[p.index()].kind,
                ProviderKind::FargateSpot
            )
        })
    }

    fn start_task(&mut self, s: ServiceId, item: u32) {
        let slot = self.new_task(s, item);
        let provider = self.tasks[slot].provider;
        if self.services[s].fargate {
            let d = self.scenario.services[s.index()]
                .model
                .fargate_provisioning
                .sample(&mut self.services[s].rng_start);
            self.schedule_step(slot, d);
        } else if !self.try_place(slot) {
            self.wait_for_instance(s, slot);
            if let Some(p) = provider {
                self.scheduler.unplaced[p.index()][s.index()] += 1;
            }
        }
    }

    /// A new task of service `s` (strategy entry `item`) in PROVISIONING, counted, not yet
    /// placed or started.
    pub(crate) fn new_task(&mut self, s: ServiceId, item: u32) -> TaskSlot {
        let provider = self.provider_of(s, item);
        let fargate = self.services[s].fargate;
        let zone = if fargate { self.fargate_zone(s) } else { 0 };
        let st = &mut self.services[s];
        let pos = st.tasks.len() as u32;
        let created = self.job_submitted(s);
        let slot = self.tasks.alloc(Task {
            service: s,
            // A launch type counts as the one entry 0, so `per_item` stays the active count.
            item: Some(item),
            provider,
            instance: None,
            zone,
            state: TaskState::Provisioning,
            healthy: false,
            generation: 0,
            placed_at: None,
            created,
            revision: self.services[s].revision,
            doomed: false,
            evicting: false,
            lost_counted: false,
            pos,
            live: true,
        });
        self.draw_start_failure(slot);
        let st = &mut self.services[s];
        st.tasks.push(slot);
        self.scale_in
            .enter(&self.fleet.index, slot, &self.tasks[slot]);
        let st = &mut self.services[s];
        st.by_state[TaskState::Provisioning as usize] += 1;
        st.per_item[item as usize] += 1;
        st.task_starts += 1;
        st.rev_active += 1;
        if fargate {
            st.fargate_zones[zone as usize] += 1;
        }
        self.scheduler.provisioning += 1;
        self.hold_fargate_vcpu(s, provider, 1);
        slot
    }

    /// Fargate balances a service's tasks over the zones: the zone with fewest of them.
    fn fargate_zone(&self, s: ServiceId) -> u32 {
        let counts = &self.services[s].fargate_zones;
        // Zones in an outage take no task (when every zone is down, the zone with the fewest of
        // the service's tasks is used as usual).
        (0..counts.len())
            .min_by_key(|&z| (self.faults.zone_is_down(z), counts[z], z))
            .unwrap_or(0) as u32
    }

    /// Every EC2 capacity provider: where a task of a launch-type EC2 service may go.
    fn ec2_providers(&self) -> Vec<ProviderId> {
        (0..self.scenario.providers.len())
            .filter(|&p| !self.scenario.providers[p].kind.is_fargate())
            .map(ProviderId::new)
            .collect()
    }

    /// Places an EC2 task now if an instance can take it. A placement known to find no
    /// instance ([`Index::known_full`](crate::placement::index::Index::known_full), from the
    /// service's last failure with the task's provider) is not asked of the index but counts
    /// and is explained the same.
    fn try_place(&mut self, slot: TaskSlot) -> bool {
        let (s, provider) = (self.tasks[slot].service, self.tasks[slot].provider);
        let (one, all);
        let providers: &[ProviderId] = match provider {
            Some(p) => {
                one = [p];
                &one
            }
            None => {
                all = self.ec2_providers();
                &all
            }
        };
        let memo = self.scheduler.known_full[s.index()]
            .iter()
            .find(|&&(p, _)| p == provider)
            .map(|&(_, e)| e);
        let svc = &self.scenario.services[s.index()];
        let st = &mut self.services[s];
        let req = Request {
            service: s,
            demand: &st.demand,
            chain: &svc.chain,
            constraints: &svc.constraints,
            tie: svc.model.placement_tie_break,
        };
        let index = &self.fleet.index;
        let known = memo.is_some_and(|since| index.known_full(&req, providers, since));
        let chosen = if known {
            // The attempt it stands for finds nothing (and so draws nothing).
            debug_assert_eq!(
                index.place(&req, providers, &mut st.rng_place.clone()),
                None,
                "a placement known to fail would succeed"
            );
            None
        } else {
            index.place(&req, providers, &mut st.rng_place)
        };
        if self.explain {
            let mut rng = self.explain_rng.clone();
            let e = placement::explain(index, &req, index.candidates(providers), chosen, &mut rng);
            self.observer.placement(PlacementRecord {
                time_s: self.queue.now() as f64 / 1000.0,
                service: svc.name.clone(),
                capacity_provider: providers
                    .iter()
                    .map(|&p| self.scenario.providers[p.index()].name.clone())
                    .collect::<Vec<_>>()
                    .join(","),
                strategy: svc.chain.iter().map(|x| x.describe()).collect(),
                explanation: e,
            });
        }
        let epoch = index.epoch();
        let memo = &mut self.scheduler.known_full[s.index()];
        let at = memo.iter().position(|&(p, _)| p == provider);
        let Some(ord) = chosen else {
            self.scheduler.placement_failures += 1;
            self.scheduler.placements_skipped += u64::from(known);
            match at {
                Some(i) => memo[i].1 = epoch,
                None => memo.push((provider, epoch)),
            }
            return false;
        };
        if let Some(i) = at {
            memo.swap_remove(i);
        }
        let demand = self.services[s].demand.clone();
        self.place_on(slot, ord, &demand);
        true
    }

    /// Places task `slot` on instance `ord` (which can take it): reserves its resources
    /// (`demand`, its service's), and it goes PENDING, pulling its image.
    pub(crate) fn place_on(&mut self, slot: TaskSlot, ord: InstanceId, demand: &Demand) {
        let s = self.tasks[slot].service;
        self.fleet.index.reserve(ord, s, demand);
        self.scale_in
            .free_changed(ord, self.fleet.index.slot(ord).free);
        let daemon = self.scenario.services[s.index()].daemon;
        let warm = self.fleet.place(ord, slot, s, daemon);
        let now = self.queue.now();
        let zone = self.fleet.instances[ord].zone;
        let task = &mut self.tasks[slot];
        task.instance = Some(ord);
        task.zone = zone;
        task.placed_at = Some(now);
        self.set_state(slot, TaskState::Pending);
        let b = self.task_bucket(&self.tasks[slot]);
        self.hold(b, slot, 1);
        let model = &self.scenario.services[s.index()].model;
        let pull = if warm {
            model.ec2_image_pull_warm
        } else {
            model.ec2_image_pull_cold
        };
        let d = pull.sample(&mut self.services[s].rng_start);
        self.schedule_step(slot, d);
        // A task left PROVISIONING: a scheduler that backed off may go on.
        self.wake_backed_off();
    }

    pub(crate) fn wake_backed_off(&mut self) {
        if !self.scheduler.backed_off {
            return;
        }
        self.scheduler.backed_off = false;
        let now = self.queue.now();
        for s in self.services.ids() {
            let st = &self.services[s];
            // A service waiting for a Fargate token is reconciled when it is served.
            if st.active() < st.desired
                && st.reconcile_at.is_none()
                && !st.token_waiting.contains(&true)
            {
                self.request_reconcile(s, now);
            }
        }
    }

    /// Task `slot` of service `s` waits for an instance: it joins the end of its service's
    /// line (compacted first when the line has doubled since it last was, so that a service
    /// that keeps failing does not pile up entries of tasks since stopped).
    fn wait_for_instance(&mut self, s: ServiceId, slot: TaskSlot) {
        let g = self.tasks[slot].generation;
        let w = &mut self.scheduler.waiting;
        let i = s.index();
        if w.lines[i].len() >= (2 * w.compacted[i]).max(LINE_COMPACT_MIN) {
            // The first entry may go: the service's place among the heads moves.
            if let Some(&(stamp, _, _)) = w.lines[i].front() {
                w.heads.remove(&(stamp, s));
            }
            let tasks = &self.tasks;
            w.lines[i].retain(|&(_, slot, g)| {
                let t = &tasks[slot];
                t.generation == g && t.live && t.state == TaskState::Provisioning
            });
            w.compacted[i] = w.lines[i].len();
            w.enqueue(s);
        }
        let stamp = w.next;
        w.next += 1;
        w.lines[i].push_back((stamp, slot, g));
        if w.lines[i].len() == 1 {
            w.heads.insert((stamp, s));
        }
    }

    /// Tries the waiting EC2 tasks in the order they began to wait, dropping the entries of
    /// tasks since stopped or placed; once a task of a service finds no instance the service's
    /// other tasks are not tried (they need the same resources). A pass costs O(log services)
    /// per task placed, entry dropped and service tried, not per waiting task.
    pub(crate) fn retry_waiting(&mut self) {
        // Room that freed goes to a daemon task waiting for it first.
        self.retry_daemons();
        let mut failed = Vec::new();
        while let Some((_, s)) = self.scheduler.waiting.heads.pop_first() {
            let Some(&(_, slot, g)) = self.scheduler.waiting.lines[s.index()].front() else {
                continue;
            };
            let t = &self.tasks[slot];
            let stale = t.generation != g || !t.live || t.state != TaskState::Provisioning;
            if !stale && !self.try_place(slot) {
                failed.push(s);
                continue;
            }
            self.scheduler.waiting.lines[s.index()].pop_front();
            if !stale && let Some(p) = self.tasks[slot].provider {
                self.scheduler.unplaced[p.index()][s.index()] -= 1;
            }
            self.scheduler.waiting.enqueue(s);
        }
        for s in failed {
            self.scheduler.waiting.enqueue(s);
        }
    }

    pub(crate) fn request_retry(&mut self) {
        let daemon_waits = self.daemons.iter().any(|d| !d.missing.is_empty());
        if !self.scheduler.retry_pending && (!self.scheduler.waiting.is_empty() || daemon_waits) {
            self.scheduler.retry_pending = true;
            let now = self.queue.now();
            self.queue.schedule_at(now, Event::RetryPlacement);
        }
    }

    /// Chooses and stops one task of the service (scale-in rules of aws-behaviour.md §4).
    pub(crate) fn stop_one(&mut self, s: ServiceId) {
        let Some(slot) = super::scale_in::choose(self, s) else {
            return;
        };
        self.begin_stop(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two m5.large in one zone, no scaling, and service `a` of 4 tasks of 256 CPU units with
    // distinctInstance, 10 minutes in.
    use crate::model::invariants::tests::world as distinct_world;

    fn waiting_tasks(w: &World) -> Vec<TaskSlot> {
        w.tasks
            .iter_enumerated()
            .filter(|(_, t)| t.live && t.instance.is_none())
            .map(|(slot, _)| slot)
            .collect()
    }

    #[test]
    fn a_placement_known_to_fail_is_counted_without_asking_the_index() {
        // The 4 tasks launch together: tasks 1 and 2 take the two instances, task 3 finds no
        // instance (distinctInstance) — a real attempt — and task 4, with nothing grown since,
        // is known to fail: 2 failures, 1 of them skipped. Nothing stops in 10 minutes, so no
        // retry pass runs.
        let w = distinct_world();
        assert_eq!(w.scheduler.placement_failures, 2);
        assert_eq!(w.scheduler.placements_skipped, 1);
        assert_eq!(waiting_tasks(&w).len(), 2);
    }

    #[test]
    fn a_retry_pass_drops_stopped_tasks_and_tries_each_service_once() {
        let mut w = distinct_world();
        let waiting = waiting_tasks(&w);
        // The first waiting task stops: its entry is stale. A pass drops it and tries the
        // second, which is known to fail (no instance grew: a task that never was placed
        // frees nothing): failures 2 → 3, skipped 1 → 2; one entry left, so not empty.
        w.begin_stop(waiting[0]);
        w.retry_waiting();
        assert_eq!(w.scheduler.placement_failures, 3);
        assert_eq!(w.scheduler.placements_skipped, 2);
        assert!(!w.scheduler.waiting.is_empty());
        // The second stops too: the next pass only drops it, tries nothing, and the line is
        // empty (no further RetryPlacement would be asked for).
        w.begin_stop(waiting[1]);
        w.retry_waiting();
        assert_eq!(w.scheduler.placement_failures, 3);
        assert!(w.scheduler.waiting.is_empty());
    }

    #[test]
    fn a_task_stopping_on_an_instance_lets_the_waiting_one_be_placed() {
        // A placed task of `a` stops; when its stop finishes, its instance holds no task of `a`
        // and grew. The retry pass the stop asks for runs before the reconcile it asks for: it
        // places the first waiting task there (a real attempt: the instance grew), then tries
        // the second for real (a success clears what was known) and it fails, distinctInstance
        // again. The reconcile then launches a replacement for the stopped task, known to fail
        // (nothing grew since). So 2 placed, 2 waiting; failures 2 + 2 = 4, skipped 1 + 1 = 2.
        let mut w = distinct_world();
        let placed = w
            .tasks
            .iter_enumerated()
            .find_map(|(slot, t)| (t.live && t.instance.is_some()).then_some(slot))
            .expect("a placed task");
        let first_waiting = waiting_tasks(&w)[0];
        w.begin_stop(placed);
        w.run_until(12 * 60_000);
        assert!(w.tasks[first_waiting].instance.is_some());
        let on_instances = w
            .tasks
            .iter()
            .filter(|t| t.live && t.instance.is_some())
            .count();
        assert_eq!(on_instances, 2);
        assert_eq!(waiting_tasks(&w).len(), 2);
        assert_eq!(w.scheduler.placement_failures, 4);
        assert_eq!(w.scheduler.placements_skipped, 2);
    }

    #[test]
    fn the_token_bucket_refills_at_its_rate_up_to_its_burst() {
        let model = Model {
            fargate_launch_burst: 100,
            fargate_launch_per_second: 20.0,
            ..Model::default()
        };
        let mut s = Scheduler::new(&model, 0, 0, [6.0; 2]);
        // A full bucket gives its burst of 100 tokens at t = 0, then none.
        for _ in 0..100 {
            assert_eq!(s.refill(0, 0, &model), None);
            s.take_token(0);
        }
        // Empty at 0: 20 tokens/s = 20,000 µtokens/ms, so the next token is due at
        // 1,000,000 / 20,000 = 50 ms.
        assert_eq!(s.refill(0, 0, &model), Some(50));
        assert_eq!(s.refill(0, 50, &model), None);
        // Bucket 1 (Spot) is apart: still full.
        assert_eq!(s.refill(1, 50, &model), None);
        // Ten minutes later the bucket holds its burst, no more: 100 takes, then empty.
        for _ in 0..100 {
            assert_eq!(s.refill(0, 600_000, &model), None);
            s.take_token(0);
        }
        assert_eq!(s.refill(0, 600_000, &model), Some(600_050));
    }
}
