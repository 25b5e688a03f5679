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
use std::collections::HashMap;

/// The task slot to stop next, or None when the service has no active task.
pub fn choose(w: &mut World, s: u32) -> Option<u32> {
    let slots: Vec<u32> = w
        .service_tasks(s)
        .iter()
        .copied()
        .filter(|&t| w.tasks[t as usize].state != TaskState::Stopping)
        .collect();
    if slots.is_empty() {
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
    if let Some(&best) = slots
        .iter()
        .filter(|&&t| rank(t).is_some())
        .rev()
        .min_by_key(|&&t| rank(t))
    {
        return Some(best);
    }
    // 2. The provider furthest above its share.
    let mut pool = slots;
    if let ServiceCapacity::Strategy(items) = &w.scenario.services[s as usize].capacity {
        let counts = &w.services[s as usize].per_item;
        if let Some(item) = super::strategy::scale_in_provider(items, counts) {
            let in_item: Vec<u32> = pool
                .iter()
                .copied()
                .filter(|&t| w.tasks[t as usize].item == Some(item as u32))
                .collect();
            if !in_item.is_empty() {
                pool = in_item;
            }
        }
    }
    // 3. Within the pool, by the first strategy.
    let svc = &w.scenario.services[s as usize];
    let fargate = svc.on_fargate(&w.scenario.providers);
    let first = if fargate {
        None
    } else {
        svc.chain.first().cloned()
    };
    let instance_counts = || {
        let mut m: HashMap<u32, u32> = HashMap::new();
        for &t in &pool {
            if let Some(i) = w.tasks[t as usize].instance {
                *m.entry(i).or_default() += 1;
            }
        }
        m
    };
    let pick_max = |key: &dyn Fn(u32) -> (u64, u64)| -> u32 {
        // Latest task among equal keys: iterate in list order and keep ≥.
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
    };
    match first {
        Some(Strategy::Random) => {
            let i = w.services[s as usize]
                .rng_scale_in()
                .random_range(0..pool.len());
            Some(pool[i])
        }
        Some(Strategy::Binpack(r)) => Some(pick_max(&|t| {
            let i = w.tasks[t as usize].instance.unwrap_or(0);
            let (c, m, _) = w.index.free(i);
            (u64::from(if r == Resource::Cpu { c } else { m }), 0)
        })),
        Some(Strategy::Spread(SpreadField::Instance)) => {
            let ic = instance_counts();
            Some(pick_max(&|t| {
                let i = w.tasks[t as usize].instance.unwrap_or(0);
                (u64::from(ic[&i]), 0)
            }))
        }
        Some(Strategy::Spread(SpreadField::Attribute(a))) => {
            let ic = instance_counts();
            let mut vc: HashMap<Option<String>, u32> = HashMap::new();
            let val = |t: u32| {
                w.tasks[t as usize]
                    .instance
                    .and_then(|i| w.index.attribute(i, &a).map(str::to_string))
            };
            for &t in &pool {
                *vc.entry(val(t)).or_default() += 1;
            }
            Some(pick_max(&|t| {
                let i = w.tasks[t as usize].instance.unwrap_or(0);
                (u64::from(vc[&val(t)]), u64::from(ic[&i]))
            }))
        }
        None => {
            let ic = instance_counts();
            let mut zc: HashMap<u32, u32> = HashMap::new();
            for &t in &pool {
                *zc.entry(w.tasks[t as usize].zone).or_default() += 1;
            }
            Some(pick_max(&|t| {
                let task = &w.tasks[t as usize];
                let on_instance = task.instance.map_or(0, |i| ic[&i]);
                (u64::from(zc[&task.zone]), u64::from(on_instance))
            }))
        }
    }
}
