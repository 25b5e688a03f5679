//! Cluster auto scaling: capacity provider managed scaling for Auto Scaling group providers
//! (aws-behaviour.md §2). At the end of each minute every managed group's
//! CapacityProviderReservation is measured (CPR = M / N × 100, M the instances its tasks need,
//! N the instances in the group); `model.clusterMetricDelay` later the datapoint reaches the two
//! alarms ECS creates (AlarmHigh: 1 datapoint > targetCapacity; AlarmLow: 15 datapoints <
//! targetCapacity) and the group is driven toward ceil(M × 100 / targetCapacity): scale-out in
//! clamped steps, blocked while instances it launched are warming up; scale-in at most half the
//! group per minute, only empty instances under managed termination protection.
//!
//! Per minute the work is O(providers × services with waiting tasks); the instances a group
//! terminates are looked for only when it scales in.

use super::activity::{
    Bound, Cause, ClusterScaleInCause, ClusterScaleOutCause, DrainReason, DrainingCause, Estimate,
    IncompatibleCause, Reservation, TaskGroup,
};
use super::world::{Event, TaskState, World};
use crate::engine::{MINUTE, Millis};
use crate::ids::{InstanceId, ProviderId, ServiceId, TaskSlot};
use crate::placement::Demand;
use crate::scaling::alarm::{Alarm, AlarmState, Comparison};
use crate::scenario::ProviderKind;
use crate::util::rng::Rng;
use std::collections::VecDeque;

use crate::scenario::defaults::{
    CPR_HIGH_DATAPOINTS as HIGH_DATAPOINTS, CPR_LOW_DATAPOINTS as LOW_DATAPOINTS,
};

/// One measured minute of a group.
#[derive(Debug, Clone)]
struct Sample {
    minute: u64,
    /// Instances needed.
    m: u32,
    /// Instances in the group.
    n: u32,
    /// How M was counted.
    estimate: Estimate,
    /// Tasks wait but none is compatible with the smallest type: AWS holds CPR at
    /// targetCapacity.
    held: bool,
}

/// What one prospective instance of a type offers the waiting tasks: its registered
/// resources less the DAEMON services' reservation on it.
#[derive(Debug, Clone)]
pub(crate) struct Room {
    name: &'static str,
    arch: crate::catalogue::instance_types::Arch,
    resources: crate::placement::Resources,
    /// What the daemons reserve of its resources.
    reserved: crate::placement::Resources,
    /// awsvpc tasks it can still take.
    enis: u32,
    /// ENIs the daemons hold.
    reserved_enis: u32,
    /// Static host ports the daemons hold.
    ports: Vec<u16>,
}

/// Attribute values of a prospective instance, for a daemon's constraints.
struct MapAttrs<'a>(&'a std::collections::BTreeMap<String, String>);
impl crate::placement::query::Attributes for MapAttrs<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
    fn instance_id(&self) -> &str {
        ""
    }
}

/// A managed Auto Scaling group at run time.
#[derive(Debug, Clone)]
pub struct Group {
    /// Provider index.
    pub provider: ProviderId,
    /// Instances launched and not yet registered.
    pub launching: u32,
    /// Registered instances (not terminated).
    pub registered: u32,
    /// No scale-out before this instant (instance warm-up).
    pub warm_until: Millis,
    /// Instances per zone index of the group (launching included), for balancing.
    zone_counts: Vec<u32>,
    high: Alarm,
    low: Alarm,
    pending: VecDeque<Sample>,
    rng: Rng,
    /// Per instance type of the group (as listed), what a new instance offers waiting tasks.
    rooms: Vec<Room>,
    /// Requirements already reported too large for the smallest type (one activity each).
    incompatible_seen: Vec<crate::placement::Demand>,
}

impl Group {
    /// Instances in the group: registered and launching (the group's desired capacity).
    pub fn size(&self) -> u32 {
        self.registered + self.launching
    }
    /// Instances per zone index, launching included.
    pub fn zone_counts_snapshot(&self) -> &[u32] {
        &self.zone_counts
    }
    /// Records a launch in zone `z` (a replacement the group starts on its own).
    pub(crate) fn note_launch(&mut self, z: usize) {
        self.zone_counts[z] += 1;
        self.launching += 1;
    }
}

/// CapacityProviderReservation for `m` instances needed and `n` in the group, with AWS's edge
/// cases: no instance but some needed → 200; none of either → 100.
///
/// ```
/// use ecsim::model::cluster::cpr;
/// assert_eq!(cpr(0, 0), 100.0);
/// assert_eq!(cpr(3, 0), 200.0);
/// assert_eq!(cpr(2, 4), 50.0);
/// ```
pub fn cpr(m: u32, n: u32) -> f64 {
    match (m, n) {
        (0, 0) => 100.0,
        (_, 0) => 200.0,
        _ => f64::from(m) * 100.0 / f64::from(n),
    }
}

impl World {
    /// The groups with managed scaling, built once the initial instances are registered.
    pub(crate) fn build_groups(&mut self) -> Vec<Option<Group>> {
        let streams = crate::util::rng::Streams::new(self.scenario.seed);
        let nz = self.scenario.zones.len();
        (0..self.scenario.providers.len())
            .map(|p| {
                let prov = &self.scenario.providers[p];
                let ProviderKind::Asg(asg) = &prov.kind else {
                    return None;
                };
                let ms = asg.managed_scaling?;
                let target = f64::from(ms.target_capacity);
                let mut zone_counts = vec![0; nz];
                for i in &self.fleet.instances {
                    if i.provider == ProviderId::new(p) {
                        zone_counts[i.zone as usize] += 1;
                    }
                }
                let name = format!("ECSManagedAutoScalingPolicy-{}", prov.name);
                let rooms = asg
                    .instance_types
                    .iter()
                    .map(|&t| self.room(ProviderId::new(p), &asg.zones, t))
                    .collect();
                Some(Group {
                    provider: ProviderId::new(p),
                    launching: 0,
                    registered: asg.desired,
                    warm_until: 0,
                    zone_counts,
                    high: Alarm::new(
                        format!("{name}-AlarmHigh"),
                        target,
                        Comparison::GreaterThanThreshold,
                        HIGH_DATAPOINTS,
                        HIGH_DATAPOINTS,
                    ),
                    low: Alarm::new(
                        format!("{name}-AlarmLow"),
                        target,
                        Comparison::LessThanThreshold,
                        LOW_DATAPOINTS,
                        LOW_DATAPOINTS,
                    ),
                    pending: VecDeque::new(),
                    rng: streams.stream(&prov.name, "instance-launch", 0),
                    rooms,
                    incompatible_seen: Vec::new(),
                })
            })
            .collect()
    }

    /// What a new instance of type `t` in provider `p` offers waiting tasks: its registered
    /// resources less each DAEMON service's task whose constraints admit it in one of the
    /// group's `zones` (ECS places the daemon task first on every new instance; that the
    /// estimate leaves its room off is ecsim's reading — AWS says it reserves the resources).
    fn room(
        &self,
        p: ProviderId,
        zones: &[usize],
        t: &'static crate::catalogue::instance_types::InstanceType,
    ) -> Room {
        let frac = self.scenario.model.registered_memory_fraction;
        let mut r = Room {
            name: t.name,
            arch: t.arch,
            resources: crate::placement::Resources::registered(t, frac),
            reserved: crate::placement::Resources::default(),
            enis: t.eni_limit(self.scenario.awsvpc_trunking).tasks(),
            reserved_enis: 0,
            ports: Vec::new(),
        };
        for d in &self.daemons {
            let svc = &self.scenario.services[d.service.index()];
            let admits = zones.iter().any(|&z| {
                let attrs = self.instance_attributes(p, z as u32, t);
                svc.constraints.iter().all(|c| match c {
                    crate::placement::Constraint::DistinctInstance => true,
                    crate::placement::Constraint::MemberOf(e, _) => e.matches(&MapAttrs(&attrs)),
                })
            });
            if !admits {
                continue;
            }
            let need = self.services[d.service].demand();
            r.resources.cpu = r.resources.cpu.saturating_sub(need.resources.cpu);
            r.resources.memory = r.resources.memory.saturating_sub(need.resources.memory);
            r.resources.gpus = r.resources.gpus.saturating_sub(need.resources.gpus);
            r.enis = r.enis.saturating_sub(need.enis);
            r.reserved.cpu += need.resources.cpu;
            r.reserved.memory += need.resources.memory;
            r.reserved.gpus += need.resources.gpus;
            r.reserved_enis += need.enis;
            r.ports.extend_from_slice(&need.ports);
        }
        r
    }

    /// Instances a provider's tasks need (M), as [`World::estimate`] counts them.
    pub fn instances_needed(&self, p: ProviderId) -> u32 {
        self.estimate(p).m()
    }

    /// Managed scaling's count of the instances provider `p`'s tasks need, as AWS describes
    /// its scale-out (managed-scaling-behavior): the instances running a task that is not a
    /// daemon's, plus — with the waiting (PROVISIONING) tasks of the provider grouped by
    /// "the same exact resource requirements" across services — each group bin-packed onto
    /// the group's largest instance type (each parameter's largest: CPU, memory, GPUs, ENIs;
    /// a static host port allows one task an instance). A group whose requirements exceed
    /// the smallest type "can't run with this capacity provider" and is left out. Per minute
    /// O(services + instance types × groups); not a walk over instances.
    pub fn estimate(&self, p: ProviderId) -> Estimate {
        let mut est = Estimate {
            busy: self.fleet.busy[p.index()],
            ..Estimate::default()
        };
        let Some(g) = self.fleet.groups.get(p.index()).and_then(Option::as_ref) else {
            return est;
        };
        // (requirements, waiting tasks, services), in service order.
        let mut groups: Vec<(&crate::placement::Demand, u32, Vec<String>)> = Vec::new();
        for (s, &waiting) in self.scheduler.unplaced[p.index()].iter().enumerate() {
            if waiting == 0 {
                continue;
            }
            let d = self.services[ServiceId::new(s)].demand();
            let name = self.scenario.services[s].name.clone();
            match groups.iter_mut().find(|x| x.0 == d) {
                Some(x) => {
                    x.1 += waiting;
                    x.2.push(name);
                }
                None => groups.push((d, waiting, vec![name])),
            }
        }
        for (d, tasks, services) in groups {
            if too_large(&g.rooms, d).is_err() {
                est.incompatible += tasks;
                continue;
            }
            let (per, bound, room, reserved) = per_instance(&g.rooms, d);
            est.groups.push(TaskGroup {
                services,
                tasks,
                cpu: d.resources.cpu,
                memory: d.resources.memory,
                per_instance: per,
                bound,
                room,
                reserved,
                instances: tasks.div_ceil(per),
            });
        }
        est
    }

    /// The first time waiting tasks of provider `p` with requirements too large for its
    /// smallest type are seen, a `tasks-incompatible` activity says so.
    fn report_incompatible(&mut self, p: ProviderId) {
        let Some(g) = self.fleet.groups[p.index()].as_ref() else {
            return;
        };
        let mut found = Vec::new();
        for (s, &waiting) in self.scheduler.unplaced[p.index()].iter().enumerate() {
            if waiting == 0 {
                continue;
            }
            let d = self.services[ServiceId::new(s)].demand();
            if g.incompatible_seen.contains(d) || found.iter().any(|(x, _, _)| x == d) {
                continue;
            }
            if let Err(why) = too_large(&g.rooms, d) {
                found.push((d.clone(), s, why));
            }
        }
        for (d, s, (bound, room, offers)) in found {
            let g = self.fleet.groups[p.index()]
                .as_mut()
                .expect("managed group");
            g.incompatible_seen.push(d.clone());
            let same: Vec<usize> = self.scheduler.unplaced[p.index()]
                .iter()
                .enumerate()
                .filter(|&(x, &w)| w > 0 && self.services[ServiceId::new(x)].demand() == &d)
                .map(|(x, _)| x)
                .collect();
            let cause = Cause::TasksIncompatible(IncompatibleCause {
                services: same
                    .iter()
                    .map(|&x| self.scenario.services[x].name.clone())
                    .collect(),
                tasks: same
                    .iter()
                    .map(|&x| self.scheduler.unplaced[p.index()][x])
                    .sum(),
                cpu: d.resources.cpu,
                memory: d.resources.memory,
                bound,
                instance_type: room.to_string(),
                offers,
            });
            self.record_provider(p, Some(ServiceId::new(s)), None, None, cause);
        }
    }

    /// End of minute `k`: measure every managed group and queue the datapoint's evaluation.
    pub(crate) fn measure_groups(&mut self, k: u64) {
        if self.fleet.groups.iter().all(Option::is_none) {
            return;
        }
        for p in 0..self.fleet.groups.len() {
            if self.fleet.groups[p].is_none() {
                continue;
            }
            let estimate = self.estimate(ProviderId::new(p));
            if estimate.incompatible > 0 {
                self.report_incompatible(ProviderId::new(p));
            }
            let m = estimate.m();
            let held = estimate.incompatible > 0 && estimate.groups.is_empty();
            let g = self.fleet.groups[p].as_mut().expect("checked above");
            let n = g.size();
            g.pending.push_back(Sample {
                minute: k,
                m,
                n,
                estimate,
                held,
            });
        }
        let at = (k + 1) * MINUTE + self.scenario.model.cluster_metric_delay;
        self.queue.schedule_at(at, Event::ClusterScaling(k));
    }

    /// Minute `k`'s CPR datapoints reach the alarms: scale each group as they say.
    pub(crate) fn cluster_scaling(&mut self, k: u64) {
        for p in 0..self.fleet.groups.len() {
            let Some(g) = self.fleet.groups[p].as_mut() else {
                continue;
            };
            let Some(sample) = g.pending.pop_front() else {
                continue;
            };
            debug_assert_eq!(sample.minute, k);
            // Tasks wait, none of them compatible: CPR "remains at the targetCapacity value".
            let value = if sample.held {
                g.high.threshold()
            } else {
                cpr(sample.m, sample.n)
            };
            let high = g.high.push(Some(value));
            let low = g.low.push(Some(value));
            let state = match (high, low) {
                (AlarmState::Alarm, _) => "ALARM_HIGH",
                (_, AlarmState::Alarm) => "ALARM_LOW",
                _ => "OK",
            };
            let target = g.high.threshold();
            let name = self.scenario.providers[p].name.clone();
            self.observer.datapoint(&super::observe::Datapoint {
                service: "",
                period_start_s: k * 60,
                published_s: self.queue.now() as f64 / 1000.0,
                policy: &format!("{name} managed scaling"),
                metric: "CapacityProviderReservation",
                value: Some(value),
                target,
                scale_in_threshold: Some(target),
                alarm: state,
            });
            if high == AlarmState::Alarm {
                self.group_scale_out(ProviderId::new(p), sample);
            } else if low == AlarmState::Alarm {
                self.group_scale_in(ProviderId::new(p), sample);
            }
        }
    }

    fn group_scale_out(&mut self, p: ProviderId, sample: Sample) {
        let now = self.queue.now();
        let ProviderKind::Asg(asg) = &self.scenario.providers[p.index()].kind else {
            return;
        };
        let Some(ms) = asg.managed_scaling else {
            return;
        };
        let max_size = asg.max_size;
        let g = self.fleet.groups[p.index()]
            .as_ref()
            .expect("managed group");
        if now < g.warm_until {
            return;
        }
        let n = g.size();
        let (m, target) = (sample.m, ms.target_capacity);
        let wanted = (u64::from(m) * 100).div_ceil(u64::from(target)) as i64;
        let step = (wanted - i64::from(sample.n))
            .clamp(i64::from(ms.min_step), i64::from(ms.max_step))
            .max(0) as u32;
        let launch = step.min(max_size.saturating_sub(n));
        if launch == 0 {
            return;
        }
        let cause = Cause::ClusterScaleOut(ClusterScaleOutCause {
            reservation: Reservation {
                m,
                n: sample.n,
                cpr: cpr(m, sample.n),
            },
            estimate: sample.estimate,
            target,
            min_step: ms.min_step,
            max_step: ms.max_step,
            step,
            launch,
            max_size,
        });
        let warmup = u64::from(ms.warmup_s) * 1000;
        let zones = asg.zones.clone();
        if zones.iter().all(|&z| self.faults.zone_is_down(z)) {
            // Every zone of the group is down: nothing can launch (and nothing is recorded).
            return;
        }
        self.record_provider(p, None, Some(n), Some(n + launch), cause);
        for _ in 0..launch {
            let g = self.fleet.groups[p.index()]
                .as_mut()
                .expect("managed group");
            // The zone of the group with the fewest instances (an Auto Scaling group balances).
            let Some(&z) = zones
                .iter()
                .filter(|&&z| !self.faults.zone_is_down(z))
                .min_by_key(|&&z| (g.zone_counts[z], z))
            else {
                break;
            };
            g.zone_counts[z] += 1;
            g.launching += 1;
            g.warm_until = now + warmup;
            let d = self
                .scenario
                .model
                .instance_launch
                .sample(&mut g.rng)
                .max(1);
            self.queue.schedule_in(
                d,
                Event::InstanceUp {
                    provider: p,
                    zone: z as u32,
                    launched: now,
                },
            );
        }
    }

    /// A launched instance registers with the cluster.
    pub(crate) fn instance_up(&mut self, p: ProviderId, zone: u32, launched: Millis) {
        let now = self.queue.now();
        if let Some(until) = self.spot_unavailable_until(p, now) {
            // No Spot capacity: the launch waits until the window ends (and is billed from
            // then: an unfulfilled Spot request costs nothing).
            self.queue.schedule_at(
                until,
                Event::InstanceUp {
                    provider: p,
                    zone,
                    launched: until,
                },
            );
            return;
        }
        let ProviderKind::Asg(asg) = &self.scenario.providers[p.index()].kind else {
            return;
        };
        // On-demand groups launch their first (highest-priority) type; Spot groups spread their
        // launches over every listed type in turn (ecsim's stand-in for a diversified
        // allocation strategy).
        let t = if asg.purchase == crate::scenario::PurchaseOption::Spot {
            let n = self.fleet.launches[p.index()];
            self.fleet.launches[p.index()] += 1;
            asg.instance_types[n as usize % asg.instance_types.len()]
        } else {
            asg.instance_types[0]
        };
        if let Some(g) = self.fleet.groups[p.index()].as_mut() {
            g.launching -= 1;
            if !self.faults.zone_is_down(zone as usize) {
                g.registered += 1;
            } else {
                g.zone_counts[zone as usize] = g.zone_counts[zone as usize].saturating_sub(1);
            }
        }
        if self.faults.zone_is_down(zone as usize) {
            // The zone went down while the instance launched: the launch fails and the group
            // tries again in a zone that is up.
            if let Some(f) = self.outage_of(zone as usize) {
                self.replace_instance(p, f);
            }
            return;
        }
        self.launch_instance(p, zone, t, launched);
        self.request_retry();
    }

    fn group_scale_in(&mut self, p: ProviderId, sample: Sample) {
        let ProviderKind::Asg(asg) = &self.scenario.providers[p.index()].kind else {
            return;
        };
        let Some(ms) = asg.managed_scaling else {
            return;
        };
        let (protect, drain, min_size) = (asg.termination_protection, asg.draining, asg.min_size);
        let g = self.fleet.groups[p.index()]
            .as_ref()
            .expect("managed group");
        if g.launching > 0 {
            // Instances on their way would make a scale-in now overshoot.
            return;
        }
        // In service: registered and not already leaving (scaled in, drained, reclaimed).
        let n = self
            .fleet
            .instances
            .iter()
            .filter(|i| i.provider == p && !i.terminated && !i.draining && i.reclaimed_by.is_none())
            .count() as u32;
        let target = ms.target_capacity;
        let wanted = ((u64::from(sample.m) * 100).div_ceil(u64::from(target)) as u32).max(min_size);
        if wanted >= n {
            return;
        }
        // At most half the group per minute, at least one.
        let limit = (n / 2).max(1);
        let remove = (n - wanted).min(limit);
        // Candidates: zones with the most instances first (the group keeps its zones balanced),
        // the newest instance within a zone; under managed termination protection only empty
        // instances may go.
        let mut candidates: Vec<InstanceId> = self
            .fleet
            .instances
            .ids()
            .filter(|&o| {
                let i = &self.fleet.instances[o];
                i.provider == p
                    && !i.terminated
                    && !i.draining
                    && i.reclaimed_by.is_none()
                    // Managed termination protection ignores DAEMON tasks (AWS).
                    && (!protect || self.fleet.replicas_on(o) == 0)
            })
            .collect();
        let mut chosen = Vec::new();
        let mut counts = g.zone_counts.clone();
        for _ in 0..remove {
            let best = candidates
                .iter()
                .enumerate()
                .max_by_key(|&(_, &o)| (counts[self.fleet.instances[o].zone as usize], o))
                .map(|(n, &o)| (n, o));
            let Some((at, o)) = best else { break };
            candidates.swap_remove(at);
            counts[self.fleet.instances[o].zone as usize] -= 1;
            chosen.push(o);
        }
        if chosen.is_empty() {
            return;
        }
        let cause = Cause::ClusterScaleIn(ClusterScaleInCause {
            reservation: Reservation {
                m: sample.m,
                n: sample.n,
                cpr: cpr(sample.m, sample.n),
            },
            target,
            datapoints: LOW_DATAPOINTS,
            min_size,
            wanted,
            in_service: n,
            limit,
            remove,
            retired: chosen.len() as u32,
        });
        let after = n - chosen.len() as u32;
        self.record_provider(p, None, Some(n), Some(after), cause);
        for o in chosen {
            self.fleet.instances[o].scaled_in = true;
            self.retire_instance(o, drain, DrainReason::ManagedScaleIn);
        }
    }

    /// Takes an instance out of the group: at once when empty; otherwise its tasks are stopped
    /// (drained, when managed draining is on, or killed) and it goes when the last has stopped.
    /// With `drain` an `instance-draining` activity says `why` and how many tasks move.
    pub(crate) fn retire_instance(&mut self, o: InstanceId, drain: bool, why: DrainReason) {
        if !self.begin_leaving(o) {
            return;
        }
        let on: Vec<TaskSlot> = self
            .tasks_on_instance(o)
            .into_iter()
            .filter(|&t| self.tasks[t].state != TaskState::Stopping)
            .collect();
        if drain {
            let i = &self.fleet.instances[o];
            let cause = Cause::InstanceDraining(DrainingCause {
                reason: why,
                instance: self.fleet.index.slots()[o].id.clone(),
                instance_type: i.instance_type.to_string(),
                zone: self.scenario.zones[i.zone as usize].clone(),
                tasks: on.len() as u32,
            });
            let p = i.provider.index();
            self.record_provider(ProviderId::new(p), None, None, None, cause);
        }
        for t in on {
            self.stop_task_for_instance(t, drain);
        }
        if drain {
            self.stop_daemons_when_alone(o);
        }
    }

    /// An instance starts leaving the group: no new placements, and it goes at once when empty.
    /// Returns whether tasks are still on it.
    pub(crate) fn begin_leaving(&mut self, o: InstanceId) -> bool {
        self.fleet.index.set_active(o, false);
        self.fleet.instances[o].draining = true;
        self.daemons_leave(o);
        if self.fleet.index.slots()[o].tasks == 0 {
            self.terminate_instance(o);
            return false;
        }
        true
    }

    /// The live tasks placed on instance `o`, by slot (kept per instance as tasks are placed
    /// and stop; checked against a scan of every slot in debug builds).
    pub(crate) fn tasks_on_instance(&self, o: InstanceId) -> Vec<TaskSlot> {
        let on = self.fleet.on_instance(o).to_vec();
        debug_assert_eq!(
            on,
            self.tasks
                .slots()
                .filter(|&t| {
                    let task = &self.tasks[t];
                    task.live && task.instance == Some(o)
                })
                .collect::<Vec<_>>(),
            "the per-instance list holds the live tasks placed there, by slot"
        );
        on
    }

    /// Removes an empty, retiring instance for good.
    pub(crate) fn terminate_instance(&mut self, o: InstanceId) {
        let now = self.queue.now();
        if !self.fleet.terminate(now, o) {
            return;
        }
        let (p, z) = {
            let i = &self.fleet.instances[o];
            (i.provider, i.zone)
        };
        self.bill.instance_stop(now, o);
        if let Some(g) = self.fleet.groups[p.index()].as_mut() {
            g.registered -= 1;
            g.zone_counts[z as usize] = g.zone_counts[z as usize].saturating_sub(1);
        }
        if let Some(f) = self.fleet.instances[o].reclaimed_by {
            self.replace_instance(p, f);
        }
    }
}

/// Whether tasks needing `d` fit the group's smallest instance type for every parameter (its
/// CPU architecture, CPU, memory, GPUs, free ENIs, the daemons' host ports); else the first
/// parameter that does not, the smallest type for it and what that type offers.
fn too_large(rooms: &[Room], d: &Demand) -> Result<(), (Bound, &'static str, u32)> {
    let need = d.resources;
    type Have = fn(&Room) -> u32;
    let checks: [(Bound, u32, Have); 4] = [
        (Bound::Cpu, need.cpu, |r| r.resources.cpu),
        (Bound::Memory, need.memory, |r| r.resources.memory),
        (Bound::Gpus, need.gpus, |r| r.resources.gpus),
        (Bound::Enis, d.enis, |r| r.enis),
    ];
    if let Some(a) = d.arch
        && let Some(r) = rooms.iter().find(|r| r.arch != a)
    {
        return Err((Bound::Arch, r.name, 0));
    }
    for (bound, want, have) in checks {
        if want == 0 {
            continue;
        }
        if let Some(r) = rooms.iter().min_by_key(|r| have(r))
            && have(r) < want
        {
            return Err((bound, r.name, have(r)));
        }
    }
    if let Some(r) = rooms
        .iter()
        .find(|r| r.ports.iter().any(|p| d.ports.contains(p)))
    {
        return Err((Bound::Port, r.name, 0));
    }
    Ok(())
}

/// Tasks needing `d` one instance takes, with each parameter at the group's largest type's
/// value, the parameter that bounds it (the first, in the order CPU, memory, GPUs, ENIs, host
/// port, on a tie), that parameter's largest value and the daemons' share of it. `d` fits the
/// smallest type ([`too_large`]), so at least 1.
fn per_instance(rooms: &[Room], d: &Demand) -> (u32, Bound, u32, u32) {
    let need = d.resources;
    // (the largest value left after the daemons, what the daemons took of that type's).
    let largest = |f: fn(&Room) -> (u32, u32)| rooms.iter().map(f).max().unwrap_or((0, 0));
    let limits = [
        (
            largest(|r| (r.resources.cpu, r.reserved.cpu)),
            need.cpu,
            Bound::Cpu,
        ),
        (
            largest(|r| (r.resources.memory, r.reserved.memory)),
            need.memory,
            Bound::Memory,
        ),
        (
            largest(|r| (r.resources.gpus, r.reserved.gpus)),
            need.gpus,
            Bound::Gpus,
        ),
        (largest(|r| (r.enis, r.reserved_enis)), d.enis, Bound::Enis),
    ];
    let mut best = (u32::MAX, Bound::Cpu, 0, 0);
    for ((room, reserved), want, bound) in limits {
        if let Some(per) = room.checked_div(want)
            && per < best.0
        {
            best = (per, bound, room, reserved);
        }
    }
    if !d.ports.is_empty() && best.0 > 1 {
        best = (1, Bound::Port, 1, 0);
    }
    (best.0.max(1), best.1, best.2, best.3)
}
