//! Which task a service stops when it has more tasks than desired (aws-behaviour.md §3, §4):
//!
//! 1. Tasks that are not running yet go first (never-placed PROVISIONING, then PROVISIONING,
//!    then PENDING) — a model choice: they serve nothing yet.
//! 2. With a capacity provider strategy, the provider furthest above its share gives one up
//!    ([`super::strategy::scale_in_provider`]).
//! 3. Within it, by the service's first placement strategy, whose module in `placement/` says
//!    how ([`Strategy::scale_in`], a [`ScaleIn`]): binpack → the task on the instance with the
//!    most free amount of the resource; spread(attribute) → from the value holding the most of
//!    the service's tasks, then the instance holding most; spread(instanceId) → the instance
//!    holding most; random → a uniform draw; no strategy (and Fargate) → the zone with the most
//!    tasks, then the instance with the most. Remaining ties: the task started last.
//!
//! "Started last" is the task's position in its service's task list (tasks are appended when
//! they start; a stopped task's place is taken by the list's last task), the order the rules
//! have always been applied in, so outputs stay byte-identical.
//!
//! [`Order`] keeps these keys in ordered sets updated on every task transition, so a choice is
//! O(log the service's tasks) ([`choose`]); [`choose_linear`] is the scan it is held to (and the
//! rule for the `random` strategy, a uniform draw over the pool in list order).

use super::world::{Task, TaskState, World};
use crate::ids::{InstanceId, ServiceId, TaskSlot};
use crate::placement::index::Index;
use crate::placement::{ClusterView, Resource, Resources, ScaleIn, Strategy};
use crate::scenario::{Scenario, ServiceCapacity};
use crate::util::hash::FastMap;
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::BTreeSet;

/// Buffers reused by every [`choose`]: the candidate pool and counters that are all zero
/// between calls (each call clears exactly the entries it raised), so a choice allocates
/// nothing and costs O(the service's tasks), not O(instances).
#[derive(Debug, Default)]
pub struct Scratch {
    pool: Vec<TaskSlot>,
    per_instance: Vec<u32>,
    per_value: Vec<u32>,
    per_zone: Vec<u32>,
    /// Per spread attribute name: each placement class's value as a small id (0: absent),
    /// and the distinct present values (id = position + 1). Classes are never removed, so
    /// this only grows with new classes.
    attr_ids: Vec<(String, Vec<u32>, Vec<String>)>,
}

/// The task slot to stop next by a scan of the service's tasks, O(the service's tasks): the
/// reference [`choose`] is held to (in debug builds, on every choice), and the rule used for the
/// `random` strategy (a uniform draw over the pool in list order).
pub fn choose_linear(w: &mut World, s: ServiceId) -> Option<TaskSlot> {
    let mut sc = std::mem::take(&mut w.scale_in_scratch);
    let r = choose_with(w, s, &mut sc);
    w.scale_in_scratch = sc;
    r
}

/// The last task of `pool` with the largest key (iterate in list order and keep ≥: the task
/// started last wins among equal keys).
fn pick_max(pool: &[TaskSlot], key: impl Fn(TaskSlot) -> (u64, u64)) -> TaskSlot {
    let mut best = pool[0];
    let mut bk = key(best);
    for &t in &pool[1..] {
        let k = key(t);
        if k >= bk {
            best = t;
            bk = k;
        }
    }
    best
}

/// The id of each class's value of attribute `a` (0: the attribute is absent).
fn attr_ids<'a>(
    index: &Index,
    cache: &'a mut Vec<(String, Vec<u32>, Vec<String>)>,
    a: &str,
) -> &'a [u32] {
    let k = match cache.iter().position(|(n, _, _)| n == a) {
        Some(k) => k,
        None => {
            cache.push((a.to_string(), Vec::new(), Vec::new()));
            cache.len() - 1
        }
    };
    class_ids(index, &mut cache[k])
}

/// Brings one attribute's ids up to the index's classes and returns them.
fn class_ids<'a>(index: &Index, entry: &'a mut (String, Vec<u32>, Vec<String>)) -> &'a [u32] {
    let (a, ids, values) = entry;
    for c in ids.len()..index.class_count() {
        let id = match index.class_attributes(c as u32).get(a.as_str()) {
            None => 0,
            Some(v) => match values.iter().position(|x| x == v) {
                Some(p) => p as u32 + 1,
                None => {
                    values.push(v.clone());
                    values.len() as u32
                }
            },
        };
        ids.push(id);
    }
    ids
}

fn choose_with(w: &mut World, s: ServiceId, sc: &mut Scratch) -> Option<TaskSlot> {
    let Scratch {
        pool,
        per_instance,
        per_value,
        per_zone,
        attr_ids: attr_cache,
    } = sc;
    pool.clear();
    pool.extend(
        w.service_tasks(s)
            .iter()
            .copied()
            .filter(|&t| w.tasks[t].state != TaskState::Stopping),
    );
    if pool.is_empty() {
        return None;
    }
    // 1. Not running yet: rank never-placed, then provisioning, then pending; latest first.
    let rank = |slot: TaskSlot| {
        let t = &w.tasks[slot];
        match (t.state, t.placed_at) {
            (TaskState::Provisioning, None) if t.instance.is_none() => Some(0),
            (TaskState::Provisioning, _) => Some(1),
            (TaskState::Pending, _) => Some(2),
            _ => None,
        }
    };
    if let Some(&best) = pool
        .iter()
        .filter(|&&t| rank(t).is_some())
        .rev()
        .min_by_key(|&&t| rank(t))
    {
        return Some(best);
    }
    // 2. The provider furthest above its share.
    if let ServiceCapacity::Strategy(items) = &w.scenario.services[s.index()].capacity {
        let counts = &w.services[s].per_item;
        if let Some(item) = super::strategy::scale_in_provider(items, counts) {
            let item = Some(item as u32);
            if pool.iter().any(|&t| w.tasks[t].item == item) {
                pool.retain(|&t| w.tasks[t].item == item);
            }
        }
    }
    let pool: &[TaskSlot] = pool;
    // 3. Within the pool, by the first strategy.
    let svc = &w.scenario.services[s.index()];
    let fargate = svc.on_fargate(&w.scenario.providers);
    let first = if fargate {
        None
    } else {
        svc.chain.first().map(Strategy::scale_in)
    };
    // The pool's tasks per instance ordinal; `clear` puts the counters back to zero.
    let instance_of = |t: TaskSlot| w.tasks[t].instance;
    let count_instances = |per_instance: &mut Vec<u32>| {
        let n = w.fleet.index.slots().len().max(1);
        if per_instance.len() < n {
            per_instance.resize(n, 0);
        }
        for &t in pool {
            if let Some(i) = instance_of(t) {
                per_instance[i.index()] += 1;
            }
        }
    };
    let clear = |v: &mut Vec<u32>, idx: &dyn Fn(TaskSlot) -> usize| {
        for &t in pool {
            v[idx(t)] = 0;
        }
    };
    match first {
        Some(ScaleIn::Draw) => {
            let i = w.services[s].rng_scale_in().random_range(0..pool.len());
            Some(pool[i])
        }
        Some(ScaleIn::MostFree(r)) => Some(pick_max(pool, |t| {
            let i = w.tasks[t].instance.unwrap_or_default();
            (u64::from(w.fleet.index.free(i).amount(r)), 0)
        })),
        Some(ScaleIn::MostOnInstance) => {
            count_instances(per_instance);
            let ic: &[u32] = per_instance;
            let best = pick_max(pool, |t| {
                let i = instance_of(t).unwrap_or_default();
                (u64::from(ic[i.index()]), 0)
            });
            clear(per_instance, &|t| {
                instance_of(t).unwrap_or_default().index()
            });
            Some(best)
        }
        Some(ScaleIn::MostOnValue(a)) => {
            count_instances(per_instance);
            let ids = attr_ids(&w.fleet.index, attr_cache, &a);
            let val = |t: TaskSlot| {
                instance_of(t).map_or(0, |i| ids[w.fleet.index.slot(i).class as usize] as usize)
            };
            let nv = ids.iter().copied().max().unwrap_or(0) as usize + 1;
            if per_value.len() < nv {
                per_value.resize(nv, 0);
            }
            for &t in pool {
                per_value[val(t)] += 1;
            }
            let (ic, vc): (&[u32], &[u32]) = (per_instance, per_value);
            let best = pick_max(pool, |t| {
                let i = instance_of(t).unwrap_or_default();
                (u64::from(vc[val(t)]), u64::from(ic[i.index()]))
            });
            clear(per_instance, &|t| {
                instance_of(t).unwrap_or_default().index()
            });
            clear(per_value, &val);
            Some(best)
        }
        None => {
            count_instances(per_instance);
            let zone_of = |t: TaskSlot| w.tasks[t].zone as usize;
            for &t in pool {
                let z = zone_of(t);
                if per_zone.len() <= z {
                    per_zone.resize(z + 1, 0);
                }
                per_zone[z] += 1;
            }
            let (ic, zc): (&[u32], &[u32]) = (per_instance, per_zone);
            let best = pick_max(pool, |t| {
                let on_instance = instance_of(t).map_or(0, |i| ic[i.index()]);
                (u64::from(zc[zone_of(t)]), u64::from(on_instance))
            });
            clear(per_instance, &|t| {
                instance_of(t).unwrap_or_default().index()
            });
            clear(per_zone, &zone_of);
            Some(best)
        }
    }
}

/// The task slot to stop next, or None when the service has no active task: the rules of the
/// module read from [`Order`] in O(log the service's tasks); the `random` strategy (and any pool
/// the sets do not cover) falls back to [`choose_linear`].
pub fn choose(w: &mut World, s: ServiceId) -> Option<TaskSlot> {
    let fast = choose_ordered(w, s);
    let Some(chosen) = fast else {
        return choose_linear(w, s);
    };
    debug_assert_eq!(
        Some(chosen),
        choose_linear(w, s),
        "the ordered scale-in choice equals the scan"
    );
    Some(chosen)
}

/// [`choose`] from the ordered sets, or None when the scan has to decide.
fn choose_ordered(w: &World, s: ServiceId) -> Option<TaskSlot> {
    let st = &w.services[s];
    let tasks = w.service_tasks(s);
    // 1. Not running yet.
    if let Some(pos) = w.scale_in.first_waiting(s) {
        return Some(tasks[pos as usize]);
    }
    if st.active() == 0 {
        return None;
    }
    // 2. The provider furthest above its share (a launch type is the one entry 0). Every
    // active task runs here, so the entry named has running tasks.
    let item = match &w.scenario.services[s.index()].capacity {
        ServiceCapacity::Strategy(items) => {
            super::strategy::scale_in_provider(items, &st.per_item)? as u32
        }
        ServiceCapacity::LaunchType(_) => 0,
    };
    // 3. By the first strategy.
    let pos = w.scale_in.best_running(s, item)?;
    Some(tasks[pos as usize])
}

/// No instance: a Fargate task's group (its own entry in its zone's set).
const NO_INSTANCE: InstanceId = InstanceId(u32::MAX);

/// How a service's running tasks are ranked for scale-in: its first strategy's [`ScaleIn`] as
/// kept in the sets, or the zone rule (§3 above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `random`: a draw over the pool in list order, left to the scan.
    Scan,
    /// binpack: the instance with the most free amount of the resource.
    Binpack(Resource),
    /// spread(instanceId): the instance holding the most.
    Instance,
    /// spread(attribute): the value holding the most (index into `Order::attrs`), then the
    /// instance holding the most.
    Attribute(usize),
    /// No strategy, or Fargate: the zone holding the most, then the instance holding the most.
    Zone,
}

/// Where a task slot is in the sets, remembered so that it leaves with the key it entered with.
#[derive(Debug, Clone, Copy, Default)]
enum Entry {
    /// Stopping, free, or in a pool the scan decides.
    #[default]
    Out,
    /// Not running yet: (service, rank, position) in its service's `waiting` set.
    Waiting(ServiceId, u8, u32),
    /// Running, in a pool.
    Running {
        pool: u32,
        bucket: u32,
        group: InstanceId,
        pos: u32,
    },
}

/// Running tasks of one pool (a service's strategy entry) on one instance.
#[derive(Debug, Default)]
struct Group {
    /// Their positions in the service's task list (few: what fits on one instance).
    positions: Vec<u32>,
    /// The group's key in its bucket's set: its task count, or the instance's free amount
    /// of the binpack resource.
    primary: u32,
    bucket: u32,
}

impl Group {
    fn last(&self) -> u32 {
        self.positions.iter().copied().max().unwrap_or(0)
    }
}

/// Running tasks of a pool sharing a spread value (zone, attribute value; one bucket for
/// binpack and spread(instanceId)).
#[derive(Debug, Default)]
struct Bucket {
    /// Running tasks in the bucket.
    count: u32,
    /// (group key, the group's last position, instance), one per instance holding tasks of
    /// the pool; (0, position, NO_INSTANCE) for each task without an instance.
    set: BTreeSet<(u32, u32, InstanceId)>,
}

/// One service's strategy entry (capacity provider, or the launch type as entry 0).
#[derive(Debug)]
struct Pool {
    mode: Mode,
    buckets: Vec<Bucket>,
    running: u32,
}

/// The scale-in keys of every live task, kept in ordered sets as tasks change state, move in
/// their service's list, and as instances' free capacity changes (binpack): per service, the
/// tasks not running yet by (rank, last position); per (service, strategy entry) and spread
/// value, each instance's (task count or free amount, last position). A choice reads the
/// maximum of a few sets: O(log n) instead of a scan of the service's tasks.
#[derive(Debug, Default)]
pub struct Order {
    slots: Vec<Entry>,
    /// Per service: (rank, Reverse(position)) of tasks not running yet; the first is chosen.
    waiting: Vec<BTreeSet<(u8, Reverse<u32>)>>,
    /// Per service: its first pool.
    pool_base: Vec<u32>,
    pools: Vec<Pool>,
    groups: FastMap<(u32, InstanceId), Group>,
    /// Per instance ordinal: the binpack pools with running tasks on it.
    binpack_on: Vec<Vec<u32>>,
    /// Spread attribute ids per class, as in [`Scratch`].
    attrs: Vec<(String, Vec<u32>, Vec<String>)>,
}

/// A task's rank among tasks not running yet (never placed, provisioning, pending).
fn rank(t: &Task) -> Option<u8> {
    match (t.state, t.placed_at) {
        (TaskState::Provisioning, None) if t.instance.is_none() => Some(0),
        (TaskState::Provisioning, _) => Some(1),
        (TaskState::Pending, _) => Some(2),
        _ => None,
    }
}

impl Order {
    /// Empty sets for the scenario's services.
    pub fn new(scenario: &Scenario) -> Order {
        let mut o = Order::default();
        for svc in &scenario.services {
            o.pool_base.push(o.pools.len() as u32);
            o.waiting.push(BTreeSet::new());
            let mode = if svc.on_fargate(&scenario.providers) {
                Mode::Zone
            } else {
                match svc.chain.first().map(Strategy::scale_in) {
                    None => Mode::Zone,
                    Some(ScaleIn::Draw) => Mode::Scan,
                    Some(ScaleIn::MostFree(r)) => Mode::Binpack(r),
                    Some(ScaleIn::MostOnInstance) => Mode::Instance,
                    Some(ScaleIn::MostOnValue(a)) => {
                        let k = match o.attrs.iter().position(|(n, _, _)| *n == a) {
                            Some(k) => k,
                            None => {
                                o.attrs.push((a, Vec::new(), Vec::new()));
                                o.attrs.len() - 1
                            }
                        };
                        Mode::Attribute(k)
                    }
                }
            };
            let items = match &svc.capacity {
                ServiceCapacity::Strategy(items) => items.len().max(1),
                ServiceCapacity::LaunchType(_) => 1,
            };
            for _ in 0..items {
                o.pools.push(Pool {
                    mode,
                    buckets: Vec::new(),
                    running: 0,
                });
            }
        }
        o
    }

    /// The position of the task not running yet to stop first: the lowest rank, the last
    /// position among equals.
    fn first_waiting(&self, s: ServiceId) -> Option<u32> {
        self.waiting[s.index()].first().map(|&(_, Reverse(p))| p)
    }

    /// The position of the running task of entry `item` of service `s` to stop, or None when
    /// the pool is empty or the scan decides.
    fn best_running(&self, s: ServiceId, item: u32) -> Option<u32> {
        let p = self
            .pools
            .get((self.pool_base[s.index()] + item) as usize)?;
        if p.running == 0 || p.mode == Mode::Scan {
            return None;
        }
        // Binpack and spread(instanceId) have one bucket whose count decides nothing.
        let counted = matches!(p.mode, Mode::Attribute(_) | Mode::Zone);
        p.buckets
            .iter()
            .filter_map(|b| {
                let &(primary, pos, _) = b.set.last()?;
                Some((if counted { b.count } else { 0 }, primary, pos))
            })
            .max()
            .map(|(_, _, pos)| pos)
    }

    /// Puts task `slot` in the set its state calls for (after [`Order::leave`]).
    pub(crate) fn enter(&mut self, index: &Index, slot: TaskSlot, t: &Task) {
        if self.slots.len() <= slot.index() {
            self.slots.resize(slot.index() + 1, Entry::Out);
        }
        debug_assert!(matches!(self.slots[slot.index()], Entry::Out));
        let pos = t.pos;
        if let Some(r) = rank(t) {
            self.waiting[t.service.index()].insert((r, Reverse(pos)));
            self.slots[slot.index()] = Entry::Waiting(t.service, r, pos);
            return;
        }
        if t.state != TaskState::Running {
            return;
        }
        let pool = self.pool_base[t.service.index()] + t.item.unwrap_or(0);
        let mode = self.pools[pool as usize].mode;
        let bucket = match mode {
            Mode::Scan => return,
            Mode::Binpack(_) | Mode::Instance => 0,
            Mode::Zone => t.zone,
            Mode::Attribute(a) => t.instance.map_or(0, |i| {
                class_ids(index, &mut self.attrs[a])[index.slot(i).class as usize]
            }),
        };
        let group = match (mode, t.instance) {
            (Mode::Zone, None) | (_, None) => NO_INSTANCE,
            (_, Some(i)) => i,
        };
        self.slots[slot.index()] = Entry::Running {
            pool,
            bucket,
            group,
            pos,
        };
        let p = &mut self.pools[pool as usize];
        p.running += 1;
        if p.buckets.len() <= bucket as usize {
            p.buckets.resize_with(bucket as usize + 1, Bucket::default);
        }
        let b = &mut p.buckets[bucket as usize];
        b.count += 1;
        if group == NO_INSTANCE {
            b.set.insert((0, pos, NO_INSTANCE));
            return;
        }
        let g = self.groups.entry((pool, group)).or_default();
        if g.positions.is_empty() {
            g.bucket = bucket;
            if matches!(mode, Mode::Binpack(_)) {
                if self.binpack_on.len() <= group.index() {
                    self.binpack_on.resize_with(group.index() + 1, Vec::new);
                }
                self.binpack_on[group.index()].push(pool);
            }
        } else {
            b.set.remove(&(g.primary, g.last(), group));
        }
        g.positions.push(pos);
        g.primary = match mode {
            Mode::Binpack(r) => index.slot(group).free.amount(r),
            _ => g.positions.len() as u32,
        };
        b.set.insert((g.primary, g.last(), group));
    }

    /// Takes task `slot` out of its set.
    pub(crate) fn leave(&mut self, slot: TaskSlot) {
        let Some(e) = self.slots.get_mut(slot.index()) else {
            return;
        };
        let e = std::mem::take(e);
        match e {
            Entry::Out => {}
            Entry::Waiting(s, r, pos) => {
                let removed = self.waiting[s.index()].remove(&(r, Reverse(pos)));
                debug_assert!(removed);
            }
            Entry::Running {
                pool,
                bucket,
                group,
                pos,
            } => {
                let p = &mut self.pools[pool as usize];
                p.running -= 1;
                let b = &mut p.buckets[bucket as usize];
                b.count -= 1;
                if group == NO_INSTANCE {
                    b.set.remove(&(0, pos, NO_INSTANCE));
                    return;
                }
                let g = self
                    .groups
                    .get_mut(&(pool, group))
                    .expect("a running task's group exists");
                b.set.remove(&(g.primary, g.last(), group));
                let k = g
                    .positions
                    .iter()
                    .position(|&x| x == pos)
                    .expect("in group");
                g.positions.swap_remove(k);
                if g.positions.is_empty() {
                    self.groups.remove(&(pool, group));
                    if let Some(v) = self.binpack_on.get_mut(group.index()) {
                        v.retain(|&x| x != pool);
                    }
                    return;
                }
                if !matches!(p.mode, Mode::Binpack(_)) {
                    g.primary = g.positions.len() as u32;
                }
                b.set.insert((g.primary, g.last(), group));
            }
        }
    }

    /// Instance `ord`'s free capacity is now `free`: binpack pools with tasks on it re-key it.
    pub(crate) fn free_changed(&mut self, ord: InstanceId, free: Resources) {
        let Some(pools) = self.binpack_on.get(ord.index()) else {
            return;
        };
        for &pool in pools {
            let p = &mut self.pools[pool as usize];
            let Mode::Binpack(r) = p.mode else {
                continue;
            };
            let g = self
                .groups
                .get_mut(&(pool, ord))
                .expect("a binpack pool on an instance has a group there");
            let new = free.amount(r);
            if new != g.primary {
                let set = &mut p.buckets[g.bucket as usize].set;
                let last = g.last();
                set.remove(&(g.primary, last, ord));
                g.primary = new;
                set.insert((new, last, ord));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::instance_types::Arch;
    use crate::ids::ProviderId;
    use crate::placement::Demand;
    use proptest::prelude::{ProptestConfig, prop_assert, prop_assert_eq, proptest};
    use std::collections::BTreeMap;

    const ZONE: &str = "ecs.availability-zone";

    impl Order {
        /// Sets for one service with `items` strategy entries ranked by `mode`.
        fn one_service(mode: Mode, items: usize) -> Order {
            let mut o = Order::default();
            o.pool_base.push(0);
            o.waiting.push(BTreeSet::new());
            if let Mode::Attribute(_) = mode {
                o.attrs.push((ZONE.to_string(), Vec::new(), Vec::new()));
            }
            for _ in 0..items {
                o.pools.push(Pool {
                    mode,
                    buckets: Vec::new(),
                    running: 0,
                });
            }
            o
        }
    }

    /// Instances of 2,048 CPU units and 8,192 MiB in the given zones (ordinals in order).
    fn index(zones: &[&str]) -> Index {
        let mut ix = Index::new();
        for (k, z) in zones.iter().enumerate() {
            let attrs = BTreeMap::from([(ZONE.to_string(), z.to_string())]);
            ix.add(
                format!("i-{k}"),
                ProviderId(0),
                attrs,
                Resources::new(2048, 8192, 0),
                Arch::X86_64,
                crate::catalogue::instance_types::EniLimit::Enis { max_enis: 3 },
            );
        }
        ix
    }

    fn task(state: TaskState, instance: Option<u32>, zone: u32, pos: u32) -> Task {
        let instance = instance.map(InstanceId);
        Task {
            service: ServiceId(0),
            item: Some(0),
            provider: Some(ProviderId(0)),
            instance,
            zone,
            state,
            healthy: false,
            generation: 0,
            placed_at: instance.map(|_| 0),
            created: 0,
            revision: 0,
            doomed: false,
            evicting: false,
            lost_counted: false,
            pos,
            live: true,
        }
    }

    #[test]
    fn spread_by_zone_takes_the_fullest_zone_then_instance_then_the_last_position() {
        // i-0 and i-2 in zone a, i-1 in zone b. Running tasks (position → instance):
        // 0 → i-0, 1 → i-1, 2 → i-2, 3 → i-1, 4 → i-0.
        // Zone a holds 3 (positions 0, 2, 4), zone b 2: zone a. In it i-0 holds 2 (0, 4),
        // i-2 holds 1: i-0. Its last position: 4.
        let ix = index(&["a", "b", "a"]);
        let mut o = Order::one_service(Mode::Attribute(0), 1);
        let on = [0, 1, 2, 1, 0];
        for (pos, &i) in on.iter().enumerate() {
            let t = task(TaskState::Running, Some(i), 0, pos as u32);
            o.enter(&ix, TaskSlot::new(pos), &t);
        }
        assert_eq!(o.best_running(ServiceId(0), 0), Some(4));
        // Position 4 stops: zone a 2 (i-0: 0; i-2: 2), zone b 2 (i-1: 1, 3). Equal zones;
        // the instance holding most is i-1 (2 against 1 and 1): its last position, 3.
        o.leave(TaskSlot(4));
        assert_eq!(o.best_running(ServiceId(0), 0), Some(3));
        // Position 3 stops: zone a 2, zone b 1: zone a; i-0 and i-2 hold 1 each; the last
        // position among them is 2.
        o.leave(TaskSlot(3));
        assert_eq!(o.best_running(ServiceId(0), 0), Some(2));
    }

    #[test]
    fn not_running_tasks_go_first_lowest_rank_then_last_position() {
        // Position 0 running; 1 pending; 2 and 3 never placed (rank 0). Rank 0 first, the
        // last position among them: 3; then 2; then the pending task 1; then none waits.
        let ix = index(&["a"]);
        let mut o = Order::one_service(Mode::Zone, 1);
        let tasks = [
            task(TaskState::Running, Some(0), 0, 0),
            task(TaskState::Pending, Some(0), 0, 1),
            task(TaskState::Provisioning, None, 0, 2),
            task(TaskState::Provisioning, None, 0, 3),
        ];
        for (slot, t) in tasks.iter().enumerate() {
            o.enter(&ix, TaskSlot::new(slot), t);
        }
        assert_eq!(o.first_waiting(ServiceId(0)), Some(3));
        o.leave(TaskSlot(3));
        assert_eq!(o.first_waiting(ServiceId(0)), Some(2));
        o.leave(TaskSlot(2));
        assert_eq!(o.first_waiting(ServiceId(0)), Some(1));
        o.leave(TaskSlot(1));
        assert_eq!(o.first_waiting(ServiceId(0)), None);
        assert_eq!(o.best_running(ServiceId(0), 0), Some(0));
    }

    #[test]
    fn binpack_follows_free_memory_as_other_tasks_come_and_go() {
        // binpack(memory): the task on the instance with the most free memory. Two tasks
        // of 1,024 MiB each on i-0 (positions 0, 1) and one on i-1 (position 2): free 6,144
        // against 7,168 → i-1, position 2. Then another service reserves 2,048 MiB on i-1:
        // free 6,144 against 5,120 → i-0, its last position 1.
        let mut ix = index(&["a", "a"]);
        let d = Demand {
            resources: Resources::new(256, 1024, 0),
            ports: Vec::new(),
            arch: None,
            enis: 0,
        };
        let mut o = Order::one_service(Mode::Binpack(Resource::Memory), 1);
        for (pos, i) in [(0u32, 0u32), (1, 0), (2, 1)] {
            let (task, i) = (task(TaskState::Running, Some(i), 0, pos), InstanceId(i));
            ix.reserve(i, ServiceId(0), &d);
            o.free_changed(i, ix.slot(i).free);
            o.enter(&ix, TaskSlot(pos), &task);
        }
        assert_eq!(o.best_running(ServiceId(0), 0), Some(2));
        let other = Demand {
            resources: Resources {
                memory: 2048,
                ..d.resources
            },
            ..d.clone()
        };
        ix.reserve(InstanceId(1), ServiceId(1), &other);
        o.free_changed(InstanceId(1), ix.slot(InstanceId(1)).free);
        assert_eq!(o.best_running(ServiceId(0), 0), Some(1));
        // It leaves again: 7,168 free on i-1 → position 2 once more.
        ix.release(InstanceId(1), ServiceId(1), &other);
        o.free_changed(InstanceId(1), ix.slot(InstanceId(1)).free);
        assert_eq!(o.best_running(ServiceId(0), 0), Some(2));
    }

    /// A cluster of `n` m5.large instances (zones round-robin) in two groups (on demand and
    /// Spot, both EC2), Fargate, and services with the given first strategies.
    fn scenario(n: u32, strategies: &[usize], fargate: bool) -> String {
        let kinds = [
            "",
            r#""placementStrategy": [{"type": "binpack", "field": "memory"}],"#,
            r#""placementStrategy": [{"type": "binpack", "field": "cpu"}],"#,
            r#""placementStrategy": [{"type": "spread", "field": "instanceId"}],"#,
            r#""placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],"#,
        ];
        let mut services: Vec<String> = strategies
            .iter()
            .enumerate()
            .map(|(k, &st)| {
                let cpu = [256, 512, 1024][k % 3];
                format!(
                    r#"{{"serviceName": "s{k}", "taskDefinition": {{"family": "f{k}", "cpu": "{cpu}", "memory": "{}"}},
                    "desiredCount": 0, {}
                    "capacityProviderStrategy": [{{"capacityProvider": "od", "base": {}, "weight": 1}},
                                                 {{"capacityProvider": "spot", "weight": {}}}]}}"#,
                    cpu * 2,
                    kinds[st % kinds.len()],
                    k % 3,
                    1 + k % 2
                )
            })
            .collect();
        if fargate {
            services.push(
                r#"{"serviceName": "fg", "taskDefinition": {"family": "fg", "cpu": "256", "memory": "512"},
                "desiredCount": 0, "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 2}]}"#
                    .to_string(),
            );
        }
        format!(
            r#"{{"name": "t", "duration": "1d", "seed": 5,
            "capacityProviders": [
              {{"name": "od", "autoScalingGroupProvider": {{"autoScalingGroup":
                {{"instanceTypes": ["m5.large"], "minSize": {n}, "maxSize": {n}, "desiredCapacity": {n}}}}}}},
              {{"name": "spot", "autoScalingGroupProvider": {{"autoScalingGroup":
                {{"instanceTypes": ["m5.large"], "minSize": {n}, "maxSize": {n}, "desiredCapacity": {n}}}}}}},
              {{"name": "FARGATE"}}, {{"name": "FARGATE_SPOT"}}],
            "services": [{}]}}"#,
            services.join(",")
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// On random clusters, strategies and desired-count changes (tasks start, wait for
        /// room, run, stop and move in their lists), the ordered choice equals the scan for
        /// every service at every step, and the sets always answer (never fall back).
        #[test]
        fn ordered_choice_equals_the_scan(
            n in 1u32..5,
            strategies in proptest::collection::vec(0usize..5, 1..4),
            fargate in proptest::bool::ANY,
            steps in proptest::collection::vec((0usize..4, 0u32..30, 1u64..120), 1..25),
        ) {
            let text = scenario(n, &strategies, fargate);
            let sc = crate::scenario::load_str(&text, "t.json", None, &[]).expect("valid");
            let mut w = World::new(sc, false);
            let services = w.services.len();
            let mut now = 0;
            for (s, desired, secs) in steps {
                let s = (s % services) as u32;
                w.set_desired(ServiceId(s), desired);
                now += secs * 1000;
                w.run_until(now);
                for s in 0..services as u32 {
                    let active = w.services[ServiceId(s)].active();
                    let fast = choose_ordered(&w, ServiceId(s));
                    prop_assert_eq!(fast.is_some(), active > 0);
                    if fast.is_some() {
                        prop_assert_eq!(fast, choose_linear(&mut w, ServiceId(s)));
                    }
                }
                // One extra stop now and then, through the scheduler's own path.
                if w.services[ServiceId(s)].active() > 0 && secs % 3 == 0 {
                    let before = w.services[ServiceId(s)].active();
                    w.stop_one(ServiceId(s));
                    prop_assert!(w.services[ServiceId(s)].active() < before);
                }
            }
        }
    }
}
