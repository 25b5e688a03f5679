//! The model's own rules, checked on a live world.
//!
//! [`World::check_invariants`] recounts everything the world keeps incrementally — tasks per
//! state, capacity reserved on each instance, busy instances, reserved capacity per provider —
//! from the task slots, and checks the rules no run may break:
//!
//! - no instance holds more CPU, memory or GPUs than it registers, and the placement index's
//!   free capacity is exactly what its tasks leave; no static host port is held twice;
//! - every live task is in exactly one state and one service's list, and tasks are conserved:
//!   created = live + stopped;
//! - binding constraints hold for every placed task (`distinctInstance`, `memberOf`);
//! - Fargate tasks have valid Fargate sizes and never sit on an instance;
//! - a service's desired count stays within [MinCapacity, MaxCapacity] once its scalable
//!   target is registered (at time 0: RegisterScalableTarget moves the starting desiredCount
//!   into the range);
//! - served ≤ offered and processed ≤ arrived for every service;
//! - the cost equals the sum of the billed intervals (the billing audit), and is never negative.
//!
//! The clock never running backwards is asserted where it moves ([`crate::engine::Queue::pop`]).
//! Debug builds check all of this at every simulated minute and at the end of a run, so every
//! test run exercises the rules; `ecsim run --check` does the same in a release build. The check
//! is O(tasks + instances): it never runs in a release build unless asked.

use super::world::{TaskState, World};
use crate::ids::{InstanceId, ServiceId};
use crate::placement::{ClusterView, Constraint, Resources, query};
use std::collections::BTreeMap;

/// An instance's attributes, as the cluster query language reads them.
struct Attrs<'a>(&'a crate::placement::index::Index, InstanceId);

impl query::Attributes for Attrs<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.0.attribute(self.1, name)
    }
    fn instance_id(&self) -> &str {
        self.0.instance_id(self.1)
    }
}

/// Relative tolerance of floating-point identities (sums of many products).
const REL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()).max(1.0)
}

impl World {
    /// Every broken rule, one sentence each (empty when the world is sound). See the module
    /// documentation for the rules.
    pub fn check_invariants(&self) -> Vec<String> {
        let mut bad = Vec::new();
        self.check_tasks(&mut bad);
        self.check_desired(&mut bad);
        self.check_load(&mut bad);
        self.check_cost(&mut bad);
        bad
    }

    /// Panics listing every broken rule (debug builds call it every simulated minute).
    pub(crate) fn assert_invariants(&self) {
        let bad = self.check_invariants();
        assert!(
            bad.is_empty(),
            "the model broke its own rules at t = {} ms:\n  {}",
            self.queue.now(),
            bad.join("\n  ")
        );
    }

    fn check_tasks(&self, bad: &mut Vec<String>) {
        let ns = self.services.len();
        let np = self.scenario.providers.len();
        let mut by_state = vec![[0u32; 4]; ns];
        let mut healthy = vec![0u32; ns];
        let mut per_item: Vec<Vec<u32>> = self
            .services
            .iter()
            .map(|s| vec![0; s.per_item.len()])
            .collect();
        // Per instance: (CPU, MiB, GPUs, tasks).
        let mut used = vec![(0u64, 0u64, 0u64, 0u32); self.fleet.instances.len()];
        // awsvpc tasks per instance (each holds one ENI).
        let mut enis = vec![0u32; self.fleet.instances.len()];
        // Tasks of DAEMON services per instance, and active ones per (daemon, instance).
        let mut daemon_tasks = vec![0u32; self.fleet.instances.len()];
        let mut daemon_active: BTreeMap<(ServiceId, InstanceId), u32> = BTreeMap::new();
        let mut on_instance: BTreeMap<(ServiceId, InstanceId), u32> = BTreeMap::new();
        let mut reserved = vec![(0u64, 0u64); np + 2];
        let mut held = vec![0u64; np + 2];
        let mut live = 0u64;
        for (slot, t) in self.tasks.iter_enumerated() {
            if !t.live {
                continue;
            }
            live += 1;
            let s = t.service;
            let Some(st) = self.services.get(s) else {
                bad.push(format!(
                    "task slot {slot} names service {s}, which does not exist"
                ));
                continue;
            };
            let name = &self.scenario.services[s.index()].name;
            if st.tasks().get(t.pos as usize) != Some(&slot) {
                bad.push(format!(
                    "task slot {slot} of {name} is not in its service's list"
                ));
            }
            by_state[s.index()][t.state as usize] += 1;
            if t.healthy {
                healthy[s.index()] += 1;
                if t.state != TaskState::Running {
                    bad.push(format!(
                        "task slot {slot} of {name} is healthy in state {:?}",
                        t.state
                    ));
                }
            }
            if t.state != TaskState::Stopping
                && let Some(i) = t.item
                && let Some(c) = per_item[s.index()].get_mut(i as usize)
            {
                *c += 1;
            }
            let svc = &self.scenario.services[s.index()];
            if st.fargate {
                if t.instance.is_some() {
                    bad.push(format!(
                        "Fargate task slot {slot} of {name} is on an instance"
                    ));
                }
                if let Err(e) =
                    crate::catalogue::fargate::check_size(svc.resources.cpu, svc.resources.memory)
                {
                    bad.push(format!("Fargate task slot {slot} of {name}: {e}"));
                }
            }
            if t.placed_at.is_some() {
                let b = self.task_bucket(t);
                reserved[b].0 += u64::from(st.demand().resources.cpu);
                reserved[b].1 += u64::from(st.demand().resources.memory);
                held[b] += 1;
            }
            let Some(ord) = t.instance else {
                continue;
            };
            if t.state == TaskState::Provisioning {
                bad.push(format!(
                    "task slot {slot} of {name} is placed on i-{ord:05} but PROVISIONING"
                ));
            }
            let Some(u) = used.get_mut(ord.index()) else {
                bad.push(format!(
                    "task slot {slot} of {name} is on unknown instance {ord}"
                ));
                continue;
            };
            let d = st.demand().resources;
            u.0 += u64::from(d.cpu);
            u.1 += u64::from(d.memory);
            u.2 += u64::from(d.gpus);
            u.3 += 1;
            enis[ord.index()] += st.demand().enis;
            if svc.daemon {
                daemon_tasks[ord.index()] += 1;
                if t.state != TaskState::Stopping {
                    *daemon_active.entry((s, ord)).or_insert(0) += 1;
                }
            }
            for c in &svc.constraints {
                match c {
                    Constraint::DistinctInstance => {
                        *on_instance.entry((t.service, ord)).or_insert(0) += 1;
                    }
                    Constraint::MemberOf(e, text) => {
                        if !e.matches(&Attrs(&self.fleet.index, ord)) {
                            bad.push(format!(
                                "task slot {slot} of {name} is on {}, where memberOf({text}) is \
                                 false",
                                self.fleet.index.instance_id(ord)
                            ));
                        }
                    }
                }
            }
        }
        // A DAEMON service runs at most one active task on an instance, and only on its hosts.
        for (&(s, ord), &n) in &daemon_active {
            let name = &self.scenario.services[s.index()].name;
            let id = self.fleet.index.instance_id(ord);
            if n > 1 {
                bad.push(format!("DAEMON service {name} runs {n} tasks on {id}"));
            }
            let hosts = self.daemons.iter().find(|d| d.service == s);
            if !hosts.is_some_and(|d| d.hosts.contains(&ord)) && !self.fleet.instances[ord].draining
            {
                bad.push(format!(
                    "DAEMON service {name} runs a task on {id}, not its host"
                ));
            }
        }
        for d in &self.daemons {
            let st = &self.services[d.service];
            if st.desired != d.hosts.len() as u32 {
                bad.push(format!(
                    "DAEMON service {} has desired {} for {} hosts",
                    self.scenario.services[d.service.index()].name,
                    st.desired,
                    d.hosts.len()
                ));
            }
        }
        // Tasks of services with distinctInstance, per (service, instance).
        for (&(s, ord), &n) in &on_instance {
            let svc = &self.scenario.services[s.index()];
            if n > 1 {
                bad.push(format!(
                    "{} holds {n} tasks of {} despite distinctInstance",
                    self.fleet.index.instance_id(ord),
                    svc.name
                ));
            }
        }
        let stopped = self.tasks_stopped();
        if self.tasks_created() != live + stopped {
            bad.push(format!(
                "tasks are not conserved: {} created ≠ {live} live + {stopped} stopped",
                self.tasks_created()
            ));
        }
        let mut provisioning = 0;
        for (s, st) in self.services.iter_enumerated() {
            let name = &self.scenario.services[s.index()].name;
            if st.by_state != by_state[s.index()] {
                bad.push(format!(
                    "{name} counts {:?} tasks per state, its tasks are {:?}",
                    st.by_state,
                    by_state[s.index()]
                ));
            }
            if st.tasks().len() as u32 != by_state[s.index()].iter().sum::<u32>() {
                bad.push(format!(
                    "{name} lists {} tasks, {} live ones name it",
                    st.tasks().len(),
                    by_state[s.index()].iter().sum::<u32>()
                ));
            }
            if st.healthy != healthy[s.index()] {
                bad.push(format!(
                    "{name} counts {} healthy tasks, {} are",
                    st.healthy,
                    healthy[s.index()]
                ));
            }
            if st.per_item != per_item[s.index()] {
                bad.push(format!(
                    "{name} counts {:?} active tasks per strategy entry, its tasks are {:?}",
                    st.per_item,
                    per_item[s.index()]
                ));
            }
            provisioning += by_state[s.index()][TaskState::Provisioning as usize];
        }
        if self.scheduler.provisioning != provisioning {
            bad.push(format!(
                "{} tasks counted PROVISIONING cluster-wide, {provisioning} are",
                self.scheduler.provisioning
            ));
        }
        // The Fargate vCPU quotas' running totals: every live Fargate task's CPU units, by
        // quota (Spot for a FARGATE_SPOT provider, On-Demand otherwise).
        let mut vcpu = [0u64; 2];
        for t in self.tasks.iter().filter(|t| t.live) {
            if !self.services[t.service].fargate {
                continue;
            }
            let spot = t.provider.is_some_and(|p| {
                matches!(
                    self.scenario.providers[p.index()].kind,
                    crate::scenario::ProviderKind::FargateSpot
                )
            });
            vcpu[usize::from(spot)] += u64::from(self.services[t.service].demand().resources.cpu);
        }
        if self.scheduler.fargate_vcpu.held != vcpu {
            bad.push(format!(
                "{:?} Fargate CPU units counted against the vCPU quotas, the live tasks hold {vcpu:?}",
                self.scheduler.fargate_vcpu.held
            ));
        }
        let mut busy = vec![0u32; np];
        for (ord, u) in used.iter().enumerate() {
            let ord = InstanceId::new(ord);
            let inst = &self.fleet.instances[ord];
            let slot = self.fleet.index.slot(ord);
            let Resources {
                cpu: tc,
                memory: tm,
                gpus: tg,
            } = slot.total;
            let id = &slot.id;
            if u.0 > u64::from(tc) || u.1 > u64::from(tm) || u.2 > u64::from(tg) {
                bad.push(format!(
                    "{id} holds {} CPU units, {} MiB, {} GPUs but registers {tc}, {tm}, {tg}",
                    u.0, u.1, u.2
                ));
            }
            let free = (
                u64::from(tc).saturating_sub(u.0),
                u64::from(tm).saturating_sub(u.1),
                u64::from(tg).saturating_sub(u.2),
            );
            let Resources {
                cpu: fc,
                memory: fm,
                gpus: fg,
            } = slot.free;
            if free != (u64::from(fc), u64::from(fm), u64::from(fg)) {
                bad.push(format!(
                    "{id}: the index has ({fc}, {fm}, {fg}) free, its tasks leave {free:?}"
                ));
            }
            if slot.tasks != u.3 {
                bad.push(format!(
                    "{id}: the index counts {} tasks, {} are there",
                    slot.tasks, u.3
                ));
            }
            let e = enis[ord.index()];
            if slot.enis_used != e {
                bad.push(format!(
                    "{id}: the index counts {} awsvpc ENIs in use, its tasks hold {e}",
                    slot.enis_used
                ));
            }
            if e > slot.eni_limit.tasks() {
                bad.push(format!(
                    "{id} runs {e} awsvpc tasks, above its limit ({})",
                    slot.eni_limit
                ));
            }
            let mut ports = slot.ports.clone();
            ports.sort_unstable();
            if ports.windows(2).any(|w| w[0] == w[1]) {
                bad.push(format!(
                    "{id} has a static host port in use twice: {ports:?}"
                ));
            }
            if (inst.terminated || inst.draining) && slot.active {
                bad.push(format!("{id} is draining or terminated but still ACTIVE"));
            }
            if inst.terminated && u.3 > 0 {
                bad.push(format!("{id} is terminated with {} tasks on it", u.3));
            }
            if u.3 > daemon_tasks[ord.index()] {
                busy[inst.provider.index()] += 1;
            }
        }
        if busy != self.fleet.busy {
            bad.push(format!(
                "busy instances per provider counted {:?}, are {busy:?}",
                self.fleet.busy
            ));
        }
        if reserved != self.tasks.reserved {
            bad.push(format!(
                "reserved (CPU, MiB) per capacity counted {:?}, tasks hold {reserved:?}",
                self.tasks.reserved
            ));
        }
        let counted: Vec<u64> = self.tasks.per_bucket.iter().map(|i| i.value).collect();
        if counted != held {
            bad.push(format!(
                "tasks holding capacity per provider counted {counted:?}, are {held:?}"
            ));
        }
    }

    fn check_desired(&self, bad: &mut Vec<String>) {
        for (s, st) in self.services.iter_enumerated() {
            let svc = &self.scenario.services[s.index()];
            let Some(sc) = &self.scaling.scalers[s.index()] else {
                continue;
            };
            // Batch job streams move their desired count with submissions and completions.
            if svc.job.is_some() {
                continue;
            }
            if sc.registered && !(sc.min..=sc.max).contains(&st.desired) {
                bad.push(format!(
                    "{}: desired {} outside [MinCapacity {}, MaxCapacity {}] after scaling",
                    svc.name, st.desired, sc.min, sc.max
                ));
            }
        }
    }

    fn check_load(&self, bad: &mut Vec<String>) {
        for (s, l) in self.traffic.loads.iter().enumerate() {
            let name = &self.scenario.services[s].name;
            if l.served > l.offered * (1.0 + REL) + REL {
                bad.push(format!(
                    "{name} served {} requests of {} offered",
                    l.served, l.offered
                ));
            }
            if l.processed > l.arrived * (1.0 + REL) + REL {
                bad.push(format!(
                    "{name} processed {} messages of {} arrived",
                    l.processed, l.arrived
                ));
            }
            if l.served < 0.0 || l.backlog < -REL {
                bad.push(format!(
                    "{name}: served {} or backlog {} below zero",
                    l.served, l.backlog
                ));
            }
        }
    }

    fn check_cost(&self, bad: &mut Vec<String>) {
        let now = self.queue.now();
        if let Some((meters, intervals)) = self.bill.audit(now) {
            if !close(meters, intervals) {
                bad.push(format!(
                    "the meters bill {meters} USD, the billed intervals add up to {intervals}"
                ));
            }
            if meters < -REL {
                bad.push(format!("the cost is negative: {meters} USD"));
            }
        }
        let t = self.bill.totals(now, self.services.len());
        let total: f64 = t.by_bucket.iter().map(|b| b.0).sum();
        let attributed: f64 = t.by_service.iter().sum::<f64>() + t.idle;
        if !close(total, attributed) {
            bad.push(format!(
                "cost per capacity adds up to {total} USD, per service plus idle to {attributed}"
            ));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::ids::{InstanceId, ServiceId};
    use crate::scenario::load_str;

    /// Two m5.large (2,048 CPU units each) in one zone and a service `a` of 4 tasks of 256
    /// units with distinctInstance: after 10 minutes two tasks run, one per instance, and two
    /// wait (also the scheduler's tests' world).
    pub(crate) fn world() -> super::World {
        let json = r#"{"name": "inv", "duration": "30m", "availabilityZones": ["us-east-1a"],
          "capacityProviders": [{"name": "asg", "autoScalingGroupProvider": {
            "autoScalingGroup": {"instanceTypes": ["m5.large"], "purchaseOption": "on-demand",
              "minSize": 2, "maxSize": 2, "desiredCapacity": 2}}}],
          "defaultCapacityProviderStrategy": [{"capacityProvider": "asg", "weight": 1}],
          "services": [{"serviceName": "a", "desiredCount": 4,
            "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"},
            "placementConstraints": [{"type": "distinctInstance"}]}]}"#;
        let sc = load_str(json, "inv.json", None, &[]).expect("valid");
        let mut w = super::World::new(sc, false);
        w.run_until(10 * 60_000);
        w
    }

    #[test]
    fn a_sound_world_breaks_no_rule() {
        // 4 tasks with distinctInstance on 2 instances: 2 placed, 2 waiting; nothing broken.
        let w = world();
        assert_eq!(w.check_invariants(), Vec::<String>::new());
        let placed = w
            .tasks
            .iter()
            .filter(|t| t.live && t.instance.is_some())
            .count();
        assert_eq!(placed, 2);
    }

    #[test]
    fn a_second_task_on_a_distinct_instance_is_caught() {
        // Move the task on the second instance onto the first: that instance then holds two
        // tasks of `a` (distinctInstance), and its recounted use (2 × 256 CPU) no longer matches
        // the index (which still has one task there) — three broken rules.
        let mut w = world();
        let slot = w
            .tasks
            .iter_enumerated()
            .find_map(|(slot, t)| (t.live && t.instance == Some(InstanceId(1))).then_some(slot))
            .expect("a task on i-00001");
        w.tasks[slot].instance = Some(InstanceId(0));
        let bad = w.check_invariants();
        assert!(
            bad.iter().any(|b| b.contains("despite distinctInstance")),
            "{bad:?}"
        );
        assert!(
            bad.iter().any(|b| b.contains("i-00000: the index has")),
            "{bad:?}"
        );
        assert!(bad.iter().any(|b| b.contains("busy instances")), "{bad:?}");
    }

    #[test]
    fn an_overfull_instance_is_caught() {
        // The service asks for 256 CPU units; pretend it asks for 4,096 on a 2,048-unit
        // instance: the recount exceeds what the instance registers.
        let mut w = world();
        w.services[ServiceId(0)].demand_mut().resources.cpu = 4096;
        let bad = w.check_invariants();
        assert!(
            bad.iter()
                .any(|b| b.contains("holds 4096 CPU units") && b.contains("registers 2048")),
            "{bad:?}"
        );
    }

    #[test]
    fn a_lost_task_and_a_wrong_state_count_are_caught() {
        // Forgetting a live task breaks conservation: 4 created ≠ 3 live + 0 stopped.
        let mut w = world();
        let slot = w
            .tasks
            .iter_enumerated()
            .find_map(|(slot, t)| t.live.then_some(slot))
            .expect("a task");
        w.tasks[slot].live = false;
        let bad = w.check_invariants();
        assert!(
            bad.iter()
                .any(|b| b.contains("4 created ≠ 3 live + 0 stopped")),
            "{bad:?}"
        );
    }

    #[test]
    fn desired_outside_the_range_after_scaling_is_caught() {
        let json = r#"{"name": "d", "duration": "10m",
          "capacityProviders": [{"name": "FARGATE"}],
          "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
          "services": [{"serviceName": "a", "desiredCount": 2,
            "taskDefinition": {"family": "a", "cpu": "256", "memory": "512"},
            "autoScaling": {"MinCapacity": 1, "MaxCapacity": 3, "policies": []}}]}"#;
        let sc = load_str(json, "d.json", None, &[]).expect("valid");
        let mut w = super::World::new(sc, false);
        w.run_until(60_000);
        assert_eq!(w.check_invariants(), Vec::<String>::new());
        // A desired count of 5 that scaling set (the count changed) breaks [1, 3].
        w.set_desired(ServiceId(0), 5);
        let bad = w.check_invariants();
        assert!(
            bad.iter()
                .any(|b| b.contains("desired 5 outside [MinCapacity 1, MaxCapacity 3]")),
            "{bad:?}"
        );
    }
}
