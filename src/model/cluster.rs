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
    Cause, ClusterScaleInCause, ClusterScaleOutCause, DrainReason, DrainingCause, Reservation,
};
use super::world::{Event, TaskState, World};
use crate::engine::{MINUTE, Millis};
use crate::ids::{InstanceId, ProviderId, TaskSlot};
use crate::scaling::alarm::{Alarm, AlarmState, Comparison};
use crate::scenario::ProviderKind;
use crate::util::rng::Rng;
use std::collections::VecDeque;

use crate::scenario::defaults::{
    CPR_HIGH_DATAPOINTS as HIGH_DATAPOINTS, CPR_LOW_DATAPOINTS as LOW_DATAPOINTS,
};

/// One measured minute of a group.
#[derive(Debug, Clone, Copy)]
struct Sample {
    minute: u64,
    /// Instances needed.
    m: u32,
    /// Instances in the group.
    n: u32,
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
                })
            })
            .collect()
    }

    /// Instances a provider's tasks need (M): the instances running at least one task, plus
    /// the instances a bin packing of its waiting tasks needs on the group's largest type
    /// (tasks of one service per instance, at most its ENI limit of awsvpc tasks; a task that
    /// fits no type is left out).
    pub fn instances_needed(&self, p: ProviderId) -> u32 {
        let ProviderKind::Asg(asg) = &self.scenario.providers[p.index()].kind else {
            return 0;
        };
        let frac = self.scenario.model.registered_memory_fraction;
        let largest = asg
            .instance_types
            .iter()
            .max_by_key(|t| (t.vcpus, t.memory_mib, t.gpus))
            .copied();
        let mut m = self.fleet.busy[p.index()];
        let Some(t) = largest else { return m };
        let registered = crate::placement::Resources::registered(t, frac);
        let (cpu, mem) = (registered.cpu, registered.memory);
        for (s, &waiting) in self.scheduler.unplaced[p.index()].iter().enumerate() {
            if waiting == 0 {
                continue;
            }
            let d = &self.scenario.services[s];
            let need = d.resources;
            let mut per = (cpu / need.cpu.max(1)).min(mem / need.memory.max(1));
            if let Some(g) = t.gpus.checked_div(need.gpus) {
                per = per.min(g);
            }
            if !d.host_ports.is_empty() {
                // A static host port can be held by one task per instance.
                per = per.min(1);
            }
            if d.network_mode == crate::scenario::NetworkMode::Awsvpc {
                // Each awsvpc task holds one of the instance's ENIs.
                per = per.min(t.eni_limit(self.scenario.awsvpc_trunking).tasks());
            }
            if per == 0 {
                continue;
            }
            m += waiting.div_ceil(per);
        }
        m
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
            let m = self.instances_needed(ProviderId::new(p));
            let g = self.fleet.groups[p].as_mut().expect("checked above");
            let n = g.size();
            g.pending.push_back(Sample { minute: k, m, n });
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
            let value = cpr(sample.m, sample.n);
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
                let slot = &self.fleet.index.slots()[o];
                i.provider == p
                    && !i.terminated
                    && !i.draining
                    && i.reclaimed_by.is_none()
                    && (!protect || slot.tasks == 0)
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
    }

    /// An instance starts leaving the group: no new placements, and it goes at once when empty.
    /// Returns whether tasks are still on it.
    pub(crate) fn begin_leaving(&mut self, o: InstanceId) -> bool {
        self.fleet.index.set_active(o, false);
        self.fleet.instances[o].draining = true;
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
