//! Which task a service stops when it has more tasks than desired (aws-behaviour.md §3, §4):
//!
//! 1. Tasks that are not running yet go first (never-placed PROVISIONING, then PROVISIONING,
//!    then PENDING) — a model choice: they serve nothing yet.
//! 2. With a capacity provider strategy, the provider furthest above its share gives one up
//!    ([`super::strategy::scale_in_provider`]).
//! 3. Within it, by the service's first placement strategy: binpack → the task on the instance
//!    with the most free amount of the resource; spread(attribute) → from the value holding the
//!    most of the service's tasks, then the instance holding most; spread(instanceId) → the
//!    instance holding most; random → a uniform draw; no strategy (and Fargate) → the zone with
//!    the most tasks, then the instance with the most. Remaining ties: the task started last.

use super::world::{TaskState, World};
use crate::placement::{ClusterView, Resource, SpreadField, Strategy};
use crate::scenario::ServiceCapacity;
use rand::RngExt;

/// Buffers reused by every [`choose`]: the candidate pool and counters that are all zero
/// between calls (each call clears exactly the entries it raised), so a choice allocates
/// nothing and costs O(the service's tasks), not O(instances).
#[derive(Debug, Default)]
pub struct Scratch {
    pool: Vec<u32>,
    per_instance: Vec<u32>,
    per_value: Vec<u32>,
    per_zone: Vec<u32>,
    /// Per spread attribute name: each placement class's value as a small id (0: absent),
    /// and the distinct present values (id = position + 1). Classes are never removed, so
    /// this only grows with new classes.
    attr_ids: Vec<(String, Vec<u32>, Vec<String>)>,
}

/// The task slot to stop next, or None when the service has no active task.
pub fn choose(w: &mut World, s: u32) -> Option<u32> {
    let mut sc = std::mem::take(&mut w.scale_in_scratch);
    let r = choose_with(w, s, &mut sc);
    w.scale_in_scratch = sc;
    r
}

/// The last task of `pool` with the largest key (iterate in list order and keep ≥: the task
/// started last wins among equal keys).
fn pick_max(pool: &[u32], key: impl Fn(u32) -> (u64, u64)) -> u32 {
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
    w: &World,
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
    let (_, ids, values) = &mut cache[k];
    for c in ids.len()..w.index.class_count() {
        let id = match w.index.class_attributes(c as u32).get(a) {
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

fn choose_with(w: &mut World, s: u32, sc: &mut Scratch) -> Option<u32> {
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
            .filter(|&t| w.tasks[t as usize].state != TaskState::Stopping),
    );
    if pool.is_empty() {
        return None;
    }
    // 1. Not running yet: rank never-placed, then provisioning, then pending; latest first.
    let rank = |slot: u32| {
        let t = &w.tasks[slot as usize];
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
    if let ServiceCapacity::Strategy(items) = &w.scenario.services[s as usize].capacity {
        let counts = &w.services[s as usize].per_item;
        if let Some(item) = super::strategy::scale_in_provider(items, counts) {
            let item = Some(item as u32);
            if pool.iter().any(|&t| w.tasks[t as usize].item == item) {
                pool.retain(|&t| w.tasks[t as usize].item == item);
            }
        }
    }
    let pool: &[u32] = pool;
    // 3. Within the pool, by the first strategy.
    let svc = &w.scenario.services[s as usize];
    let fargate = svc.on_fargate(&w.scenario.providers);
    let first = if fargate {
        None
    } else {
        svc.chain.first().cloned()
    };
    // The pool's tasks per instance ordinal; `clear` puts the counters back to zero.
    let instance_of = |t: u32| w.tasks[t as usize].instance;
    let count_instances = |per_instance: &mut Vec<u32>| {
        let n = w.index.slots().len().max(1);
        if per_instance.len() < n {
            per_instance.resize(n, 0);
        }
        for &t in pool {
            if let Some(i) = instance_of(t) {
                per_instance[i as usize] += 1;
            }
        }
    };
    let clear = |v: &mut Vec<u32>, idx: &dyn Fn(u32) -> usize| {
        for &t in pool {
            v[idx(t)] = 0;
        }
    };
    match first {
        Some(Strategy::Random) => {
            let i = w.services[s as usize]
                .rng_scale_in()
                .random_range(0..pool.len());
            Some(pool[i])
        }
        Some(Strategy::Binpack(r)) => Some(pick_max(pool, |t| {
            let i = w.tasks[t as usize].instance.unwrap_or(0);
            let (c, m, _) = w.index.free(i);
            (u64::from(if r == Resource::Cpu { c } else { m }), 0)
        })),
        Some(Strategy::Spread(SpreadField::Instance)) => {
            count_instances(per_instance);
            let ic: &[u32] = per_instance;
            let best = pick_max(pool, |t| {
                let i = instance_of(t).unwrap_or(0);
                (u64::from(ic[i as usize]), 0)
            });
            clear(per_instance, &|t| instance_of(t).unwrap_or(0) as usize);
            Some(best)
        }
        Some(Strategy::Spread(SpreadField::Attribute(a))) => {
            count_instances(per_instance);
            let ids = attr_ids(w, attr_cache, &a);
            let val =
                |t: u32| instance_of(t).map_or(0, |i| ids[w.index.slot(i).class as usize] as usize);
            let nv = ids.iter().copied().max().unwrap_or(0) as usize + 1;
            if per_value.len() < nv {
                per_value.resize(nv, 0);
            }
            for &t in pool {
                per_value[val(t)] += 1;
            }
            let (ic, vc): (&[u32], &[u32]) = (per_instance, per_value);
            let best = pick_max(pool, |t| {
                let i = instance_of(t).unwrap_or(0);
                (u64::from(vc[val(t)]), u64::from(ic[i as usize]))
            });
            clear(per_instance, &|t| instance_of(t).unwrap_or(0) as usize);
            clear(per_value, &val);
            Some(best)
        }
        None => {
            count_instances(per_instance);
            let zone_of = |t: u32| w.tasks[t as usize].zone as usize;
            for &t in pool {
                let z = zone_of(t);
                if per_zone.len() <= z {
                    per_zone.resize(z + 1, 0);
                }
                per_zone[z] += 1;
            }
            let (ic, zc): (&[u32], &[u32]) = (per_instance, per_zone);
            let best = pick_max(pool, |t| {
                let on_instance = instance_of(t).map_or(0, |i| ic[i as usize]);
                (u64::from(zc[zone_of(t)]), u64::from(on_instance))
            });
            clear(per_instance, &|t| instance_of(t).unwrap_or(0) as usize);
            clear(per_zone, &zone_of);
            Some(best)
        }
    }
}
