//! Faults: FARGATE_SPOT interruptions (a rate per task-hour, drawn per task when it starts
//! holding capacity, and fractions of the provider's tasks at given times) and windows in which
//! no new FARGATE_SPOT capacity is available (new tasks wait in PROVISIONING; they never fall back
//! to FARGATE). An interrupted task gets AWS's two-minute warning: ECS stops it at once (SIGTERM,
//! then SIGKILL after the stop timeout) and its service starts a replacement, which the capacity
//! provider strategy sends to FARGATE_SPOT again.

use super::activity::{
    Cause, DrainReason, Ec2SpotCause, FargateSpotCause, InstanceFailureCause, JobLoss, Replacement,
    SpotDrainRule, TaskCrashCause, Trigger, ZoneOutageCause, ZoneRecoveredCause,
};
use super::world::{Event, TaskState, World};
use crate::engine::Millis;
use crate::ids::{FaultId, InstanceId, ProviderId, TaskSlot};
use crate::scenario::FaultKind;
use crate::scenario::defaults::SPOT_NOTICE;
use rand::RngExt;
use rand_distr::{Distribution, Exp};

/// The faults' state: one random stream per fault, the replacements waiting for a zone, the
/// zones in an outage, and what the faults did. Orchestrator-neutral: faults strike instances
/// and tasks, whatever schedules them.
///
/// Invariant it keeps: `zones_down[z]` counts the outages of zone `z` begun and not yet ended.
#[derive(Debug, Clone)]
pub struct Faults {
    /// One random stream per fault (`"fault:<name>"`, `"interruptions"`).
    pub(crate) rngs: Vec<crate::util::rng::Rng>,
    /// Replacements waiting for a zone of their group to come back: (provider, fault).
    pub(crate) deferred_replacements: Vec<(ProviderId, FaultId)>,
    /// Outages in force per zone index.
    pub(crate) zones_down: Vec<u32>,
    /// FARGATE_SPOT tasks interrupted.
    pub interruptions_fargate_spot: u64,
    /// EC2 Spot instances interrupted.
    pub interruptions_ec2_spot: u64,
    /// Instances failed.
    pub instance_failures: u64,
    /// Tasks crashed.
    pub task_crashes: u64,
    /// Tasks stopped by a fault (interrupted, drained for a reclaim, killed, crashed).
    pub tasks_lost: u64,
}

impl Faults {
    /// No fault has struck yet; every fault of `scenario` gets its stream.
    pub fn new(
        scenario: &crate::scenario::Scenario,
        streams: &crate::util::rng::Streams,
    ) -> Faults {
        Faults {
            rngs: scenario
                .faults
                .iter()
                .map(|f| streams.stream(&format!("fault:{}", f.name), "interruptions", 0))
                .collect(),
            deferred_replacements: Vec::new(),
            zones_down: vec![0; scenario.zones.len()],
            interruptions_fargate_spot: 0,
            interruptions_ec2_spot: 0,
            instance_failures: 0,
            task_crashes: 0,
            tasks_lost: 0,
        }
    }

    /// Whether zone `z` is in an outage now.
    pub(crate) fn zone_is_down(&self, z: usize) -> bool {
        self.zones_down.get(z).is_some_and(|&n| n > 0)
    }
}

impl World {
    /// The faults' scheduled events within the run are queued: zone outages' begin and end,
    /// scheduled fractions of Spot tasks and instances.
    pub(crate) fn schedule_faults(&mut self) {
        for f in 0..self.scenario.faults.len() {
            let (schedule, ec2) = match &self.scenario.faults[f].kind {
                crate::scenario::FaultKind::FargateSpotInterruptions { schedule, .. } => {
                    (schedule.clone(), false)
                }
                crate::scenario::FaultKind::Ec2SpotInterruptions { schedule, .. } => {
                    (schedule.clone(), true)
                }
                crate::scenario::FaultKind::ZoneOutage { from, to, .. } => {
                    let (from, to) = (*from, *to);
                    if from < self.scenario.duration {
                        self.queue.schedule_at(
                            from,
                            Event::ZoneDown {
                                fault: FaultId::new(f),
                            },
                        );
                    }
                    if to < self.scenario.duration {
                        self.queue.schedule_at(
                            to,
                            Event::ZoneUp {
                                fault: FaultId::new(f),
                            },
                        );
                    }
                    continue;
                }
                _ => continue,
            };
            for (e, &(at, _)) in schedule.iter().enumerate() {
                if at < self.scenario.duration {
                    let (fault, entry) = (FaultId::new(f), e as u32);
                    let ev = if ec2 {
                        Event::InstanceFraction { fault, entry }
                    } else {
                        Event::SpotFraction { fault, entry }
                    };
                    self.queue.schedule_at(at, ev);
                }
            }
        }
    }
}

impl World {
    /// Whether a new task of `provider` must wait for Spot capacity at `now`; returns the end of
    /// the window.
    pub(crate) fn spot_unavailable_until(
        &self,
        provider: ProviderId,
        now: Millis,
    ) -> Option<Millis> {
        self.scenario
            .faults
            .iter()
            .filter_map(|f| match f.kind {
                FaultKind::SpotCapacityUnavailable {
                    provider: p,
                    from,
                    to,
                } if p == provider.index() && from <= now && now < to => Some(to),
                _ => None,
            })
            .max()
    }

    /// A FARGATE_SPOT task starts holding capacity: draw when each rate fault interrupts it.
    pub(crate) fn arm_interruptions(&mut self, slot: TaskSlot) {
        let Some(provider) = self.tasks[slot].provider else {
            return;
        };
        let generation = self.tasks[slot].generation;
        for (n, f) in self.scenario.faults.iter().enumerate() {
            let FaultKind::FargateSpotInterruptions {
                provider: p,
                per_task_hour,
                ..
            } = f.kind
            else {
                continue;
            };
            if p != provider.index() || per_task_hour <= 0.0 {
                continue;
            }
            let per_ms = per_task_hour / 3_600_000.0;
            let Ok(exp) = Exp::new(per_ms) else { continue };
            let d = exp.sample(&mut self.faults.rngs[n]);
            if d.is_finite() && d < (self.scenario.duration as f64) {
                self.queue.schedule_in(
                    (d as Millis).max(1),
                    Event::SpotInterrupt {
                        slot,
                        generation,
                        fault: FaultId::new(n),
                    },
                );
            }
        }
    }

    /// A rate fault's draw comes due.
    pub(crate) fn spot_interrupt(&mut self, slot: TaskSlot, generation: u32, fault: FaultId) {
        let t = &self.tasks[slot];
        if !t.live || t.generation != generation || t.state == TaskState::Stopping {
            return;
        }
        let FaultKind::FargateSpotInterruptions { per_task_hour, .. } =
            self.scenario.faults[fault.index()].kind
        else {
            return;
        };
        self.interrupt(slot, fault, Trigger::Rate(per_task_hour));
    }

    /// A scheduled fraction of a provider's tasks is interrupted.
    pub(crate) fn spot_fraction(&mut self, fault: FaultId, entry: u32) {
        let FaultKind::FargateSpotInterruptions {
            provider, schedule, ..
        } = &self.scenario.faults[fault.index()].kind
        else {
            return;
        };
        let (provider, fraction) = (ProviderId::new(*provider), schedule[entry as usize].1);
        let mut pool: Vec<TaskSlot> = self
            .tasks
            .slots()
            .filter(|&s| {
                let t = &self.tasks[s];
                t.live
                    && t.provider == Some(provider)
                    && matches!(t.state, TaskState::Pending | TaskState::Running)
            })
            .collect();
        // round(fraction × tasks holding capacity), chosen uniformly from the fault's stream.
        let count = ((fraction * pool.len() as f64).round() as usize).min(pool.len());
        let why = Trigger::Scheduled {
            count: count as u32,
            of: pool.len() as u32,
            fraction,
        };
        for k in 0..count {
            let j = self.faults.rngs[fault.index()].random_range(k..pool.len());
            pool.swap(k, j);
            let slot = pool[k];
            self.interrupt(slot, fault, why);
        }
    }

    fn interrupt(&mut self, slot: TaskSlot, fault: FaultId, why: Trigger) {
        let s = self.tasks[slot].service;
        let provider = self.tasks[slot].provider;
        self.faults.interruptions_fargate_spot += 1;
        self.faults.tasks_lost += 1;
        let job = self.scenario.services[s.index()]
            .job
            .as_ref()
            .map(|j| j.retry);
        let cause = Cause::FargateSpotInterruption(FargateSpotCause {
            fault: self.scenario.faults[fault.index()].name.clone(),
            trigger: why,
            replacement: match job {
                Some(true) => Replacement::JobRetried,
                Some(false) => Replacement::JobLost,
                None => Replacement::Service,
            },
        });
        match provider {
            Some(p) => self.record_provider(p, Some(s), None, None, cause),
            None => self.record(Some(s), None, None, cause),
        }
        if job.is_some() {
            self.job_interrupted(s, JobLoss::FargateSpotInterruption);
        }
        self.begin_stop(slot);
    }
}

impl World {
    /// An instance registers: draw when each EC2 Spot rate fault on its group interrupts it.
    pub(crate) fn arm_instance_interruptions(&mut self, o: InstanceId) {
        let (provider, zone) = {
            let i = &self.fleet.instances[o];
            (i.provider.index(), i.zone as usize)
        };
        for (n, f) in self.scenario.faults.iter().enumerate() {
            let FaultKind::Ec2SpotInterruptions {
                provider: p,
                per_instance_hour,
                by_zone,
                ..
            } = &f.kind
            else {
                continue;
            };
            if *p != provider {
                continue;
            }
            let rate = by_zone
                .iter()
                .find(|(z, _)| *z == zone)
                .map_or(*per_instance_hour, |(_, r)| *r);
            if rate <= 0.0 {
                continue;
            }
            let Ok(exp) = Exp::new(rate / 3_600_000.0) else {
                continue;
            };
            let d = exp.sample(&mut self.faults.rngs[n]);
            if d.is_finite() && d < self.scenario.duration as f64 {
                self.queue.schedule_in(
                    (d as Millis).max(1),
                    Event::InstanceInterrupt {
                        ord: o,
                        fault: FaultId::new(n),
                    },
                );
            }
        }
    }

    /// A rate fault's draw for an instance comes due.
    pub(crate) fn instance_interrupt(&mut self, o: InstanceId, fault: FaultId) {
        let FaultKind::Ec2SpotInterruptions {
            per_instance_hour,
            by_zone,
            ..
        } = &self.scenario.faults[fault.index()].kind
        else {
            return;
        };
        let zone = self.fleet.instances[o].zone as usize;
        let rate = by_zone
            .iter()
            .find(|(z, _)| *z == zone)
            .map_or(*per_instance_hour, |(_, r)| *r);
        self.spot_notice(o, fault, Trigger::Rate(rate));
    }

    /// A scheduled fraction of a group's instances is interrupted.
    pub(crate) fn instance_fraction(&mut self, fault: FaultId, entry: u32) {
        let FaultKind::Ec2SpotInterruptions {
            provider, schedule, ..
        } = &self.scenario.faults[fault.index()].kind
        else {
            return;
        };
        let (provider, fraction) = (ProviderId::new(*provider), schedule[entry as usize].1);
        let mut pool: Vec<InstanceId> = self
            .fleet
            .instances
            .ids()
            .filter(|&o| {
                let i = &self.fleet.instances[o];
                i.provider == provider && !i.terminated && i.reclaimed_by.is_none()
            })
            .collect();
        let count = ((fraction * pool.len() as f64).round() as usize).min(pool.len());
        let why = Trigger::Scheduled {
            count: count as u32,
            of: pool.len() as u32,
            fraction,
        };
        for k in 0..count {
            let j = self.faults.rngs[fault.index()].random_range(k..pool.len());
            pool.swap(k, j);
            let o = pool[k];
            self.spot_notice(o, fault, why);
        }
    }

    /// The two-minute notice: with managed draining the instance takes no new task and its
    /// service tasks are replaced elsewhere, then stopped; without it they run on. At the
    /// end of the notice the instance is reclaimed and the group launches a replacement.
    fn spot_notice(&mut self, o: InstanceId, fault: FaultId, why: Trigger) {
        let i = &self.fleet.instances[o];
        if i.terminated || i.reclaimed_by.is_some() {
            return;
        }
        let p = i.provider.index();
        let zone = self.scenario.zones[i.zone as usize].clone();
        let scaled_in = i.scaled_in;
        if !scaled_in {
            // The group replaces it (an instance it is scaling in goes unreplaced).
            self.fleet.instances[o].reclaimed_by = Some(fault);
        }
        self.faults.interruptions_ec2_spot += 1;
        // Managed draining covers Spot interruptions; without it the agent's Spot instance
        // draining does (docs/scenario-reference.md, spotInterruptions).
        let drained_by = match &self.scenario.providers[p].kind {
            crate::scenario::ProviderKind::Asg(a) if a.draining => {
                Some(SpotDrainRule::ManagedDraining)
            }
            crate::scenario::ProviderKind::Asg(a) if a.agent_spot_draining => {
                Some(SpotDrainRule::AgentSpotDraining)
            }
            _ => None,
        };
        let drain = drained_by.is_some();
        let cause = Cause::Ec2SpotInterruption(Ec2SpotCause {
            instance: self.fleet.index.slots()[o].id.clone(),
            zone,
            fault: self.scenario.faults[fault.index()].name.clone(),
            trigger: why,
            drained_by,
            scaled_in,
        });
        self.record_provider(ProviderId::new(p), None, None, None, cause);
        if drain {
            let drained: Vec<TaskSlot> = self
                .tasks_on_instance(o)
                .into_iter()
                .filter(|&t| {
                    let task = &self.tasks[t];
                    task.state != TaskState::Stopping
                        && self.scenario.services[task.service.index()].job.is_none()
                })
                .collect();
            self.faults.tasks_lost += drained.len() as u64;
            for t in drained {
                self.tasks[t].lost_counted = true;
            }
            self.retire_instance(o, true, DrainReason::SpotNotice);
        }
        self.queue
            .schedule_in(SPOT_NOTICE, Event::InstanceReclaim { ord: o });
    }

    /// The notice is over: whatever still runs on the instance is killed and it goes.
    pub(crate) fn instance_reclaim(&mut self, o: InstanceId) {
        if self.fleet.instances[o].terminated || !self.begin_leaving(o) {
            return;
        }
        let on = self.tasks_on_instance(o);
        for t in on {
            if self.tasks[t].state == TaskState::Stopping {
                // A stop already under way ends now: the instance is gone.
                self.finish_stop(t);
            } else {
                // A task drained at the notice was counted then.
                if !self.tasks[t].lost_counted {
                    self.faults.tasks_lost += 1;
                }
                self.stop_task_for_instance(t, false);
            }
        }
    }

    /// The group replaces a reclaimed Spot instance (it keeps its desired capacity).
    pub(crate) fn replace_instance(&mut self, p: ProviderId, fault: FaultId) {
        let crate::scenario::ProviderKind::Asg(asg) = &self.scenario.providers[p.index()].kind
        else {
            return;
        };
        let zones = asg.zones.clone();
        let counts: Vec<u32> = {
            let mut c = vec![0u32; self.scenario.zones.len()];
            for i in &self.fleet.instances {
                if i.provider == p && !i.terminated {
                    c[i.zone as usize] += 1;
                }
            }
            if let Some(g) = self.fleet.groups[p.index()].as_ref() {
                // Launching instances count too (a managed group keeps them per zone).
                for (z, n) in g.zone_counts_snapshot().iter().enumerate() {
                    c[z] = c[z].max(*n);
                }
            }
            c
        };
        let Some(&z) = zones
            .iter()
            .filter(|&&z| !self.faults.zone_is_down(z))
            .min_by_key(|&&z| (counts[z], z))
        else {
            // Every zone of the group is down: launch when one recovers.
            self.faults.deferred_replacements.push((p, fault));
            return;
        };
        if let Some(g) = self.fleet.groups[p.index()].as_mut() {
            g.note_launch(z);
        }
        let d = self
            .scenario
            .model
            .instance_launch
            .sample(&mut self.faults.rngs[fault.index()])
            .max(1);
        self.queue.schedule_in(
            d,
            Event::InstanceUp {
                provider: p,
                zone: z as u32,
                launched: self.queue.now(),
            },
        );
    }
}

impl World {
    /// The index of a zone outage in force for zone `z`.
    pub(crate) fn outage_of(&self, z: usize) -> Option<FaultId> {
        let now = self.queue.now();
        let f = self.scenario.faults.iter().position(|f| {
            matches!(f.kind, FaultKind::ZoneOutage { zone, from, to }
                if zone == z && from <= now && now < to)
        })?;
        Some(FaultId::new(f))
    }

    /// A zone is lost: its instances and the Fargate tasks in it are gone (their tasks killed;
    /// the services start replacements elsewhere), nothing launches there until it recovers, and
    /// each Auto Scaling group launches replacements for its lost instances in its other zones.
    pub(crate) fn zone_down(&mut self, fault: FaultId) {
        let FaultKind::ZoneOutage { zone, from, to } = self.scenario.faults[fault.index()].kind
        else {
            return;
        };
        self.faults.zones_down[zone] += 1;
        let lost_instances: Vec<InstanceId> = self
            .fleet
            .instances
            .ids()
            .filter(|&o| {
                let i = &self.fleet.instances[o];
                i.zone as usize == zone && !i.terminated
            })
            .collect();
        let lost_fargate: Vec<TaskSlot> = self
            .tasks
            .slots()
            .filter(|&t| {
                let task = &self.tasks[t];
                task.live
                    && task.instance.is_none()
                    && task.zone as usize == zone
                    && task.state != TaskState::Stopping
                    && self.services[task.service].fargate
            })
            .collect();
        let tasks_on_instances = self
            .tasks
            .slots()
            .filter(|&t| {
                let task = &self.tasks[t];
                task.live
                    && task
                        .instance
                        .is_some_and(|o| self.fleet.instances[o].zone as usize == zone)
            })
            .count();
        let cause = Cause::ZoneOutage(ZoneOutageCause {
            fault: self.scenario.faults[fault.index()].name.clone(),
            zone: self.scenario.zones[zone].clone(),
            duration: to - from,
            instances_lost: lost_instances.len() as u32,
            fargate_tasks_lost: lost_fargate.len() as u32,
            tasks_killed: tasks_on_instances as u32,
        });
        self.record(None, None, None, cause);
        for t in lost_fargate {
            self.faults.tasks_lost += 1;
            self.stop_task_for_instance(t, false);
        }
        for o in lost_instances {
            // The group replaces what it lost (in its other zones while this one is down) —
            // except an instance it was already scaling in.
            if !self.fleet.instances[o].scaled_in {
                self.fleet.instances[o].reclaimed_by = Some(fault);
            }
            self.instance_reclaim(o);
        }
    }

    /// The zone is back: launches may go there again.
    pub(crate) fn zone_up(&mut self, fault: FaultId) {
        let FaultKind::ZoneOutage { zone, .. } = self.scenario.faults[fault.index()].kind else {
            return;
        };
        self.faults.zones_down[zone] = self.faults.zones_down[zone].saturating_sub(1);
        // Replacements that had no zone to go to are launched now.
        for (p, f) in std::mem::take(&mut self.faults.deferred_replacements) {
            self.replace_instance(p, f);
        }
        let cause = Cause::ZoneRecovered(ZoneRecoveredCause {
            fault: self.scenario.faults[fault.index()].name.clone(),
            zone: self.scenario.zones[zone].clone(),
        });
        self.record(None, None, None, cause);
    }
}

impl World {
    /// An instance registers: draw when each instanceFailures fault on its group fails it.
    pub(crate) fn arm_instance_failures(&mut self, o: InstanceId) {
        let provider = self.fleet.instances[o].provider.index();
        for (n, f) in self.scenario.faults.iter().enumerate() {
            let FaultKind::InstanceFailures {
                provider: p,
                per_instance_hour,
            } = f.kind
            else {
                continue;
            };
            if p != provider {
                continue;
            }
            let Ok(exp) = Exp::new(per_instance_hour / 3_600_000.0) else {
                continue;
            };
            let d = exp.sample(&mut self.faults.rngs[n]);
            if d.is_finite() && d < self.scenario.duration as f64 {
                self.queue.schedule_in(
                    (d as Millis).max(1),
                    Event::InstanceFail {
                        ord: o,
                        fault: FaultId::new(n),
                    },
                );
            }
        }
    }

    /// An instance fails: no notice; its tasks are lost and the group replaces it.
    pub(crate) fn instance_fail(&mut self, o: InstanceId, fault: FaultId) {
        let i = &self.fleet.instances[o];
        if i.terminated || i.reclaimed_by.is_some() {
            return;
        }
        let p = i.provider.index();
        let cause = Cause::InstanceFailure(InstanceFailureCause {
            instance: self.fleet.index.slots()[o].id.clone(),
            fault: self.scenario.faults[fault.index()].name.clone(),
            tasks: self.fleet.index.slots()[o].tasks,
        });
        self.record_provider(ProviderId::new(p), None, None, None, cause);
        self.faults.instance_failures += 1;
        if !self.fleet.instances[o].scaled_in {
            self.fleet.instances[o].reclaimed_by = Some(fault);
        }
        self.instance_reclaim(o);
    }

    /// A task of a service with a taskCrashes fault reaches RUNNING: draw when it crashes.
    pub(crate) fn arm_task_crashes(&mut self, slot: TaskSlot) {
        let s = self.tasks[slot].service;
        let generation = self.tasks[slot].generation;
        for (n, f) in self.scenario.faults.iter().enumerate() {
            let FaultKind::TaskCrashes {
                service,
                per_task_hour,
            } = f.kind
            else {
                continue;
            };
            if service != s.index() {
                continue;
            }
            let Ok(exp) = Exp::new(per_task_hour / 3_600_000.0) else {
                continue;
            };
            let d = exp.sample(&mut self.faults.rngs[n]);
            if d.is_finite() && d < self.scenario.duration as f64 {
                self.queue.schedule_in(
                    (d as Millis).max(1),
                    Event::TaskCrash {
                        slot,
                        generation,
                        fault: FaultId::new(n),
                    },
                );
            }
        }
    }

    /// A task crashes: it stops at once and its service replaces it.
    pub(crate) fn task_crash(&mut self, slot: TaskSlot, generation: u32, fault: FaultId) {
        let t = &self.tasks[slot];
        if !t.live || t.generation != generation || t.state == TaskState::Stopping {
            return;
        }
        let s = t.service;
        let cause = Cause::TaskCrash(TaskCrashCause {
            fault: self.scenario.faults[fault.index()].name.clone(),
        });
        self.record(Some(s), None, None, cause);
        self.faults.task_crashes += 1;
        self.faults.tasks_lost += 1;
        self.stop_task_for_instance(slot, false);
    }
}
