//! DAEMON services (`schedulingStrategy: DAEMON`): "exactly one task on each active container
//! instance that meets all of the task placement constraints" (ECS developer guide, service
//! scheduler concepts). ECS "prioritizes the daemon task to be the first task to launch on the
//! instances and the last task to stop", so:
//!
//! - when an instance registers, each daemon whose constraints admit it places its task there
//!   at that instant, before any replica task can take the room (the retry of waiting tasks
//!   serves the daemons first, and the run's first reconciles are the daemons');
//! - a daemon task that cannot fit (its instance is too small, or the room went to tasks while
//!   it was stopped) waits for room on that instance, tried before the waiting replica tasks
//!   whenever capacity frees (ECS "continues to try and schedule the task on the instance");
//! - a daemon task that stops on an active instance (a crash) is started again there;
//! - on a draining instance the daemon tasks stop once every replica task has; an instance
//!   killed (a Spot reclaim, a failure, a zone outage) takes them with it;
//! - the service's desired count is the number of instances it should run on.
//!
//! Managed scaling treats daemon tasks as AWS documents: an instance running only daemon tasks
//! counts as empty for CapacityProviderReservation and for managed termination protection
//! ([`super::fleet::Fleet::busy`], `Fleet::replicas_on`), and the instances
//! estimate leaves each daemon's reservation off every prospective instance
//! ([`super::cluster`]).
//!
//! Work is per instance registered or leaving: O(daemon services) each, never a scan of the
//! fleet.

use super::world::{PlacementRecord, TaskState, World};
use crate::ids::{InstanceId, ServiceId, TaskSlot};
use crate::placement::{self, ClusterView, Request};
use std::collections::BTreeSet;

/// A DAEMON service's instances.
#[derive(Debug, Clone)]
pub struct Daemon {
    /// The service.
    pub service: ServiceId,
    /// Instances it should run one task on: registered, not leaving, meeting its constraints.
    pub hosts: BTreeSet<InstanceId>,
    /// Hosts without an active task of it yet (waiting for room there), oldest first.
    pub missing: BTreeSet<InstanceId>,
}

impl World {
    /// The DAEMON services, in service order (before any instance registers).
    pub(crate) fn build_daemons(&mut self) -> Vec<Daemon> {
        self.services
            .ids()
            .filter(|s| self.scenario.services[s.index()].daemon)
            .map(|service| Daemon {
                service,
                hosts: BTreeSet::new(),
                missing: BTreeSet::new(),
            })
            .collect()
    }

    /// Instance `o` registered: each daemon whose constraints admit it is owed a task there,
    /// placed by a reconcile at this same instant — before any replica task, as the retry of
    /// waiting tasks tries the daemons first and the run's first reconciles are the daemons'
    /// (and so after the run's observer is set: the placements at time 0 are explained too).
    pub(crate) fn daemons_on_new_instance(&mut self, o: InstanceId) {
        for d in 0..self.daemons.len() {
            let s = self.daemons[d].service;
            if !self.daemon_admits(s, o) {
                continue;
            }
            let dm = &mut self.daemons[d];
            dm.hosts.insert(o);
            dm.missing.insert(o);
            let n = dm.hosts.len() as u32;
            self.set_daemon_desired(s, n);
            let now = self.queue.now();
            self.request_reconcile(s, now);
        }
    }

    /// Whether service `s`'s constraints admit instance `o`.
    fn daemon_admits(&self, s: ServiceId, o: InstanceId) -> bool {
        let svc = &self.scenario.services[s.index()];
        let demand = self.services[s].demand();
        let req = Request {
            service: s,
            demand,
            chain: &svc.chain,
            constraints: &svc.constraints,
            tie: svc.model.placement_tie_break,
        };
        placement::constraints::check(&self.fleet.index, &req, o).is_ok()
    }

    /// Places daemon `d`'s task on instance `o` when it fits there; counts a placement failure
    /// (and the task keeps waiting) when not.
    fn place_daemon(&mut self, d: usize, o: InstanceId) -> bool {
        let s = self.daemons[d].service;
        let demand = self.services[s].demand().clone();
        let fit = self.fleet.index.check_fit(o, &demand);
        if self.explain {
            let svc = &self.scenario.services[s.index()];
            let req = Request {
                service: s,
                demand: &demand,
                chain: &svc.chain,
                constraints: &svc.constraints,
                tie: svc.model.placement_tie_break,
            };
            let mut rng = self.explain_rng.clone();
            let chosen = fit.is_ok().then_some(o);
            let e = placement::explain(&self.fleet.index, &req, vec![o], chosen, &mut rng);
            let provider = self.fleet.instances[o].provider;
            self.observer.placement(PlacementRecord {
                time_s: self.queue.now() as f64 / 1000.0,
                service: svc.name.clone(),
                capacity_provider: self.scenario.providers[provider.index()].name.clone(),
                strategy: vec!["daemon (one task on each instance)".into()],
                explanation: e,
            });
        }
        if fit.is_err() {
            self.scheduler.placement_failures += 1;
            return false;
        }
        let slot = self.new_task(s, 0);
        self.place_on(slot, o, &demand);
        self.daemons[d].missing.remove(&o);
        true
    }

    /// The daemon of service `s` tries its waiting hosts, oldest first.
    pub(crate) fn daemon_reconcile(&mut self, s: ServiceId) {
        let Some(d) = self.daemons.iter().position(|d| d.service == s) else {
            return;
        };
        let missing: Vec<InstanceId> = self.daemons[d].missing.iter().copied().collect();
        for o in missing {
            self.place_daemon(d, o);
        }
    }

    /// Every daemon with a waiting host tries it (before the waiting replica tasks).
    pub(crate) fn retry_daemons(&mut self) {
        for d in 0..self.daemons.len() {
            if !self.daemons[d].missing.is_empty() {
                let s = self.daemons[d].service;
                self.daemon_reconcile(s);
            }
        }
    }

    /// Instance `o` starts leaving the group: it is no daemon's host any more.
    pub(crate) fn daemons_leave(&mut self, o: InstanceId) {
        for d in 0..self.daemons.len() {
            let dm = &mut self.daemons[d];
            if dm.hosts.remove(&o) {
                dm.missing.remove(&o);
                let (s, n) = (dm.service, dm.hosts.len() as u32);
                self.set_daemon_desired(s, n);
            }
        }
    }

    /// A task of daemon service `s` stopped on instance `o`: when `o` is still its host, a new
    /// task is started there.
    pub(crate) fn daemon_task_gone(&mut self, s: ServiceId, o: InstanceId) {
        let Some(dm) = self.daemons.iter_mut().find(|d| d.service == s) else {
            return;
        };
        if dm.hosts.contains(&o) {
            dm.missing.insert(o);
            let now = self.queue.now();
            self.request_reconcile(s, now);
        }
    }

    /// On draining instance `o` with no replica task left, the daemon tasks stop.
    pub(crate) fn stop_daemons_when_alone(&mut self, o: InstanceId) {
        if self.fleet.replicas_on(o) > 0 {
            return;
        }
        let daemons: Vec<TaskSlot> = self
            .fleet
            .on_instance(o)
            .iter()
            .copied()
            .filter(|&t| {
                let task = &self.tasks[t];
                task.state != TaskState::Stopping
                    && self.scenario.services[task.service.index()].daemon
            })
            .collect();
        for t in daemons {
            self.begin_stop(t);
        }
    }

    /// A daemon's desired count follows its hosts.
    fn set_daemon_desired(&mut self, s: ServiceId, n: u32) {
        let st = &mut self.services[s];
        st.desired = n;
        st.desired_min = st.desired_min.min(n);
        st.desired_max = st.desired_max.max(n);
        self.track_below(s);
    }
}
