//! The fleet: the cluster's container instances, the placement index over them, the tasks
//! placed on each, and the Auto Scaling groups they belong to. Orchestrator-neutral: an
//! instance registers, takes tasks, drains and terminates the same way under any scheduler;
//! which task goes where is the scheduler's business ([`super::scheduler`]), when a group
//! grows or shrinks is capacity's ([`super::cluster`]).
//!
//! Invariants it keeps: `instances` and the index's slots are the same instances by ordinal;
//! `on_instance[o]` lists exactly the live task slots placed on `o`, ascending; `busy[p]` counts
//! provider `p`'s instances with at least one task; the instance integrals count the instances
//! not terminated.

use super::cluster::Group;
use super::world::Integral;
use crate::engine::Millis;
use crate::ids::{FaultId, IdVec, InstanceId, ProviderId, ServiceId, TaskSlot};
use crate::placement::{self, index::Index};

/// A container instance.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Provider index.
    pub provider: ProviderId,
    /// Zone index.
    pub zone: u32,
    /// Instance type name.
    pub instance_type: &'static str,
    /// Services whose image this instance has pulled (warm starts).
    pub(crate) pulled: Vec<ServiceId>,
    /// Leaving the group: no new placements, terminated once empty.
    pub draining: bool,
    /// Gone from the group.
    pub terminated: bool,
    /// The Spot fault that reclaims it (the group replaces it when it goes).
    pub reclaimed_by: Option<FaultId>,
    /// Being removed by a managed scale-in (never replaced).
    pub scaled_in: bool,
}

/// The cluster's instances and what is placed on them.
pub struct Fleet {
    /// Placement index over every instance.
    pub index: Index,
    /// Instances by ordinal.
    pub instances: IdVec<InstanceId, Instance>,
    /// Per instance ordinal: the live task slots placed on it, ascending.
    pub(crate) on_instance: Vec<Vec<TaskSlot>>,
    /// Per instance ordinal: the live DAEMON service tasks placed on it.
    pub(crate) daemon_tasks: Vec<u32>,
    /// Per provider, instances running at least one task that is not a DAEMON service's
    /// (AWS's CapacityProviderReservation counts an instance running only daemon tasks as
    /// empty).
    pub busy: Vec<u32>,
    /// Managed Auto Scaling groups by provider index.
    pub groups: Vec<Option<Group>>,
    /// Instances launched after the start, per provider (Spot groups rotate their types).
    pub(crate) launches: Vec<u32>,
    /// Instances registered in the whole cluster (integral over time).
    pub instances_total: Integral,
    /// Instances per provider (integral over time).
    pub instances_by_provider: Vec<Integral>,
}

impl Fleet {
    /// No instance yet, for `providers` capacity providers.
    pub fn new(providers: usize) -> Fleet {
        Fleet {
            index: Index::new(),
            instances: IdVec::new(),
            on_instance: Vec::new(),
            daemon_tasks: Vec::new(),
            busy: vec![0; providers],
            groups: Vec::new(),
            launches: vec![0; providers],
            instances_total: Integral::default(),
            instances_by_provider: vec![Integral::default(); providers],
        }
    }

    /// Prepares the index for the scenario's services before any instance registers.
    pub(crate) fn prepare_index(&mut self, scenario: &crate::scenario::Scenario) {
        // No task asks for less CPU than the smallest service's: instances with less free CPU
        // cannot take any task, and placement's ordered walks skip them.
        let min_cpu = scenario
            .services
            .iter()
            .map(|s| s.resources.cpu)
            .min()
            .unwrap_or(0);
        self.index.set_min_task_cpu(min_cpu);
        // Spread keys on an attribute read the service's tasks per value of it: counted.
        for svc in &scenario.services {
            for st in &svc.chain {
                if let placement::Strategy::Spread(placement::SpreadField::Attribute(a)) = st {
                    self.index.track_attribute(a);
                }
            }
        }
    }

    /// Counts a new instance of `provider`, registered at `now` (already in the index).
    pub(crate) fn register(&mut self, now: Millis, inst: Instance) {
        debug_assert_eq!(self.instances.len() + 1, self.index.slots().len());
        self.instances_by_provider[inst.provider.index()].add(now, 1);
        self.instances_total.add(now, 1);
        self.instances.push(inst);
    }

    /// Instance `o` is gone at `now`: it stops counting. Returns false when it already was.
    pub(crate) fn terminate(&mut self, now: Millis, o: InstanceId) -> bool {
        let i = &mut self.instances[o];
        if i.terminated {
            return false;
        }
        i.terminated = true;
        let p = i.provider.index();
        self.instances_by_provider[p].add(now, -1);
        self.instances_total.add(now, -1);
        true
    }

    /// Task `slot` is placed on instance `o` (already reserved in the index); returns whether
    /// it pulled the service's image before (a warm start), and marks it pulled. `daemon`: the
    /// task is a DAEMON service's.
    pub(crate) fn place(
        &mut self,
        o: InstanceId,
        slot: TaskSlot,
        service: ServiceId,
        daemon: bool,
    ) -> bool {
        if self.on_instance.len() <= o.index() {
            self.on_instance.resize_with(o.index() + 1, Vec::new);
            self.daemon_tasks.resize(o.index() + 1, 0);
        }
        let on = &mut self.on_instance[o.index()];
        let k = on.partition_point(|&x| x < slot);
        on.insert(k, slot);
        if daemon {
            self.daemon_tasks[o.index()] += 1;
        } else if self.replicas_on(o) == 1 {
            self.busy[self.instances[o].provider.index()] += 1;
        }
        let inst = &mut self.instances[o];
        let warm = inst.pulled.contains(&service);
        if !warm {
            inst.pulled.push(service);
        }
        warm
    }

    /// Task `slot` (a DAEMON service's when `daemon`) left instance `o` (already released in
    /// the index). Returns whether the instance is now empty.
    pub(crate) fn unplace(&mut self, o: InstanceId, slot: TaskSlot, daemon: bool) -> bool {
        let on = &mut self.on_instance[o.index()];
        if let Ok(k) = on.binary_search(&slot) {
            on.remove(k);
        }
        if daemon {
            self.daemon_tasks[o.index()] -= 1;
        } else if self.replicas_on(o) == 0 {
            self.busy[self.instances[o].provider.index()] -= 1;
        }
        self.index.slots()[o].tasks == 0
    }

    /// Tasks on instance `o` that are not a DAEMON service's.
    pub(crate) fn replicas_on(&self, o: InstanceId) -> u32 {
        self.index.slots()[o].tasks - self.daemon_tasks.get(o.index()).copied().unwrap_or(0)
    }

    /// The live task slots placed on instance `o`, ascending.
    pub(crate) fn on_instance(&self, o: InstanceId) -> &[TaskSlot] {
        self.on_instance.get(o.index()).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::instance_types::Arch;
    use crate::placement::{Demand, Resources};
    use std::collections::BTreeMap;

    #[test]
    fn placing_and_leaving_keep_the_lists_busy_counts_and_pulls() {
        let mut f = Fleet::new(1);
        let total = Resources {
            cpu: 2048,
            memory: 4096,
            gpus: 0,
        };
        f.index.add(
            "i-00000".into(),
            ProviderId(0),
            BTreeMap::new(),
            total,
            Arch::X86_64,
            crate::catalogue::instance_types::EniLimit::Enis { max_enis: 3 },
        );
        f.register(
            0,
            Instance {
                provider: ProviderId(0),
                zone: 0,
                instance_type: "m5.large",
                pulled: Vec::new(),
                draining: false,
                terminated: false,
                reclaimed_by: None,
                scaled_in: false,
            },
        );
        let d = Demand {
            resources: Resources {
                cpu: 256,
                memory: 512,
                gpus: 0,
            },
            ports: Vec::new(),
            arch: None,
            enis: 0,
        };
        // Slot 7 of service 0 first: a cold start (nothing pulled), the instance becomes busy.
        f.index.reserve(InstanceId(0), ServiceId(0), &d);
        assert!(!f.place(InstanceId(0), TaskSlot(7), ServiceId(0), false));
        assert_eq!(f.busy[0], 1);
        // Slot 3 of the same service: warm, still one busy instance, the list kept ascending.
        f.index.reserve(InstanceId(0), ServiceId(0), &d);
        assert!(f.place(InstanceId(0), TaskSlot(3), ServiceId(0), false));
        assert_eq!(
            (f.on_instance(InstanceId(0)), f.busy[0]),
            (&[TaskSlot(3), TaskSlot(7)][..], 1)
        );
        // Slot 7 leaves: one task left, not empty; slot 3 leaves: empty, no busy instance.
        f.index.release(InstanceId(0), ServiceId(0), &d);
        assert!(!f.unplace(InstanceId(0), TaskSlot(7), false));
        f.index.release(InstanceId(0), ServiceId(0), &d);
        assert!(f.unplace(InstanceId(0), TaskSlot(3), false));
        assert_eq!((f.on_instance(InstanceId(0)), f.busy[0]), (&[][..], 0));
        // A DAEMON service's task (service 1, slot 9) alone does not make the instance busy
        // (CPR counts instances running a non-daemon task); a replica beside it does, and
        // leaving again makes it not busy while the daemon stays (1 task, 0 replicas).
        f.index.reserve(InstanceId(0), ServiceId(1), &d);
        f.place(InstanceId(0), TaskSlot(9), ServiceId(1), true);
        assert_eq!((f.busy[0], f.replicas_on(InstanceId(0))), (0, 0));
        f.index.reserve(InstanceId(0), ServiceId(0), &d);
        f.place(InstanceId(0), TaskSlot(2), ServiceId(0), false);
        assert_eq!((f.busy[0], f.replicas_on(InstanceId(0))), (1, 1));
        f.index.release(InstanceId(0), ServiceId(0), &d);
        assert!(!f.unplace(InstanceId(0), TaskSlot(2), false));
        assert_eq!((f.busy[0], f.replicas_on(InstanceId(0))), (0, 0));
        f.index.release(InstanceId(0), ServiceId(1), &d);
        assert!(f.unplace(InstanceId(0), TaskSlot(9), true));
        // Terminated once: 1 instance from 0 to 1 h = 1 instance-hour; a second time is a no-op.
        assert!(f.terminate(3_600_000, InstanceId(0)));
        assert!(!f.terminate(7_200_000, InstanceId(0)));
        assert_eq!(f.instances_total.value, 0);
        assert_eq!(f.instances_by_provider[0].hours(7_200_000), 1.0);
    }
}
