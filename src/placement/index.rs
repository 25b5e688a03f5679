//! The placement index: what placement knows of every container instance, kept in ordered
//! sets so that a placement does not scan a large cluster.
//!
//! Instances with the same provider and the same attributes (zone, type, architecture, custom
//! attributes) form a *class*; a cluster has few classes (providers × zones × types). Keys that
//! depend only on attributes (spread over an attribute, attribute-only `memberOf`) are the same
//! for a whole class and are evaluated once per class. Within a class, each instance-varying key
//! has an ordered set: free CPU, free memory, and per service the count of its tasks per
//! instance. A placement walks, in each class, the set of the chain's first instance-varying
//! key from the smallest key that can fit, and stops at the first admissible instance; the class
//! winners are then compared on the full chain key. Which set a strategy walks, and from where,
//! is the strategy's own hook ([`Strategy::walk`], in its module: `binpack::walk`,
//! `spread::walk_instances`); the index keeps the sets. With `placementTieBreak: random` or a
//! `random` strategy it finds the smallest key of the strategies before `random` from the same
//! walks and draws uniformly among the instances that have it (`Index::place_drawn`: draws
//! from the open members, each class keeping them in a list, else a list of the ties).
//!
//! The index also logs each provider's latest growth events (an instance registered, room
//! released): [`Index::known_full`] tells a caller whose placement failed whether it must fail
//! again.

use super::{
    ClusterView, Demand, Reject, Request, Resource, Resources, Strategy, TieBreak, best_of,
    chain_key, constraints,
};
use crate::catalogue::instance_types::{Arch, EniLimit};
use crate::ids::{IdVec, InstanceId, ProviderId, ServiceId};
use crate::util::hash::FastMap;
use crate::util::rng::Rng;
use rand::RngExt;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How many uniform draws from the open instances a placement with `random` makes before it
/// lists the admissible instances it draws from ([`Index::place`]): with a share q of the open
/// instances admissible, it lists them with probability (1 − q)^32 (under 0.1 % for q ≥ 20 %).
pub const RANDOM_TRIES: usize = 32;

/// How many of a provider's latest growth events (an instance registered, or room freed on
/// one) the index remembers for [`Index::known_full`]: a placement that failed longer ago than
/// that is tried again in full.
pub const GROWTH_LOG: usize = 32;

/// A provider's latest growth events.
#[derive(Debug, Clone, Default)]
struct Growth {
    /// (epoch, instance) of the latest events, oldest first, at most [`GROWTH_LOG`].
    recent: VecDeque<(u64, InstanceId)>,
    /// The epoch of the newest event dropped from `recent` (0: none dropped).
    forgotten: u64,
}

/// One container instance as placement sees it.
#[derive(Debug, Clone)]
pub struct Slot {
    /// Instance id (e.g. `i-0003`).
    pub id: String,
    /// Capacity provider index.
    pub provider: ProviderId,
    /// Class index.
    pub class: u32,
    /// Registered resources.
    pub total: Resources,
    /// Free resources: `total` less what its tasks reserve.
    pub free: Resources,
    /// Static host ports in use.
    pub ports: Vec<u16>,
    /// CPU architecture.
    pub arch: Arch,
    /// Accepting new tasks (registered, not draining, not terminated).
    pub active: bool,
    /// Tasks on the instance (any service).
    pub tasks: u32,
    /// How many awsvpc tasks the instance can run, and why.
    pub eni_limit: EniLimit,
    /// awsvpc tasks on the instance (each holds one of its ENIs).
    pub enis_used: u32,
}

impl Slot {
    /// Whether the instance can attach another awsvpc task's ENI.
    pub fn eni_free(&self) -> bool {
        self.enis_used < self.eni_limit.tasks()
    }
}

/// A class's members in placement's ordered sets: by ordinal, by free CPU, by free memory.
#[derive(Debug, Clone, Default)]
struct Sets {
    open: BTreeSet<InstanceId>,
    by_cpu: BTreeSet<(u32, InstanceId)>,
    by_mem: BTreeSet<(u32, InstanceId)>,
    /// The members of `open` in a list (in no meaningful order) with each one's position: a
    /// uniform draw of a member in O(1) ([`Index::place`] with `random`).
    list: Vec<InstanceId>,
    at: FastMap<InstanceId, u32>,
}

impl Sets {
    /// Moves `ord` from `before` (its free resources when it was in the sets) to `after`
    /// (None: out), touching only the sets whose key changed.
    fn update(&mut self, ord: InstanceId, before: Option<Resources>, after: Option<Resources>) {
        match (before, after) {
            (None, None) => {}
            (None, Some(a)) => {
                self.open.insert(ord);
                self.by_cpu.insert((a.cpu, ord));
                self.by_mem.insert((a.memory, ord));
                self.at.insert(ord, self.list.len() as u32);
                self.list.push(ord);
            }
            (Some(b), None) => {
                self.open.remove(&ord);
                self.by_cpu.remove(&(b.cpu, ord));
                self.by_mem.remove(&(b.memory, ord));
                if let Some(i) = self.at.remove(&ord) {
                    self.list.swap_remove(i as usize);
                    if let Some(&moved) = self.list.get(i as usize) {
                        self.at.insert(moved, i);
                    }
                }
            }
            (Some(b), Some(a)) => {
                if b.cpu != a.cpu {
                    self.by_cpu.remove(&(b.cpu, ord));
                    self.by_cpu.insert((a.cpu, ord));
                }
                if b.memory != a.memory {
                    self.by_mem.remove(&(b.memory, ord));
                    self.by_mem.insert((a.memory, ord));
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Class {
    attrs: BTreeMap<String, String>,
    members: BTreeSet<InstanceId>,
    /// The members in the ordered sets (active, with at least the smallest task's CPU free):
    /// the walks of a task without an ENI, `open` the walk when no key varies within the class.
    all: Sets,
    /// The members of `all` that can attach another awsvpc task's ENI: the walks of an awsvpc
    /// task, so that instances whose ENIs are taken cost it nothing.
    eni: Sets,
}

impl Class {
    /// The sets a task with `demand` walks: the members with a free ENI for an awsvpc task.
    fn sets(&self, demand: &Demand) -> &Sets {
        if demand.enis > 0 {
            &self.eni
        } else {
            &self.all
        }
    }
}

/// The index over a cluster's instances.
#[derive(Debug, Clone, Default)]
pub struct Index {
    slots: IdVec<InstanceId, Slot>,
    classes: Vec<Class>,
    class_of: FastMap<(ProviderId, BTreeMap<String, String>), u32>,
    provider_classes: BTreeMap<ProviderId, Vec<u32>>,
    svc_on: FastMap<(ServiceId, InstanceId), u32>,
    svc_class_sets: FastMap<(ServiceId, u32), BTreeSet<(u32, InstanceId)>>,
    svc_class_counts: FastMap<(ServiceId, u32), u32>,
    /// No task needs fewer CPU units than this: an instance with less free CPU can take no
    /// task, so it is left out of `by_cpu` / `by_mem` (still a member of its class). 0 until
    /// [`Index::set_min_task_cpu`] says otherwise.
    min_cpu: u32,
    /// Spread attributes counted per value ([`Index::track_attribute`]): each name's distinct
    /// values (id = position + 1; 0 = absent) and each class's value id per name.
    tracked: Vec<(String, Vec<String>)>,
    class_vals: Vec<Vec<u32>>,
    /// Tasks per (service, tracked attribute, value id): what `service_tasks_with` sums over
    /// classes, kept as tasks are reserved and released.
    svc_value_counts: FastMap<(ServiceId, u32, u32), u32>,
    /// Growth events so far: an instance registered or activated, or a task's room released.
    /// Nothing else lets an instance take a task it could not ([`Index::known_full`]).
    epoch: u64,
    /// Per provider index, its latest growth events.
    growth: Vec<Growth>,
    /// Instances whose fit was checked so far (tests read it to see what a placement costs).
    #[cfg(test)]
    pub(super) fit_checks: std::cell::Cell<u64>,
}

impl Index {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers an instance, active, with all its resources free. `attrs` are its attributes
    /// (built-in `ecs.*` ones and custom ones). Returns its ordinal.
    pub fn add(
        &mut self,
        id: String,
        provider: ProviderId,
        attrs: BTreeMap<String, String>,
        total: Resources,
        arch: Arch,
        eni_limit: EniLimit,
    ) -> InstanceId {
        let ord = InstanceId::new(self.slots.len());
        let key = (provider, attrs);
        let class = match self.class_of.get(&key) {
            Some(&c) => c,
            None => {
                let c = self.classes.len() as u32;
                self.classes.push(Class {
                    attrs: key.1.clone(),
                    members: BTreeSet::new(),
                    all: Sets::default(),
                    eni: Sets::default(),
                });
                self.provider_classes.entry(provider).or_default().push(c);
                self.class_of.insert(key, c);
                let vals = (0..self.tracked.len())
                    .map(|k| self.value_id(k, c as usize))
                    .collect();
                self.class_vals.push(vals);
                c
            }
        };
        self.slots.push(Slot {
            id,
            provider,
            class,
            total,
            free: total,
            ports: Vec::new(),
            arch,
            active: false,
            tasks: 0,
            eni_limit,
            enis_used: 0,
        });
        self.set_active(ord, true);
        ord
    }

    /// An instance's placement facts.
    pub fn slot(&self, ord: InstanceId) -> &Slot {
        &self.slots[ord]
    }

    /// Every instance ever registered, by ordinal.
    pub fn slots(&self) -> &IdVec<InstanceId, Slot> {
        &self.slots
    }

    /// An instance's attributes.
    pub fn attributes(&self, ord: InstanceId) -> &BTreeMap<String, String> {
        &self.classes[self.slots[ord].class as usize].attrs
    }

    /// Declares that no task will ask for fewer than `cpu` CPU units, so instances with less
    /// free CPU can be skipped by the ordered walks (without it, a binpack(memory) walk passes
    /// every CPU-full instance before the first one that fits). Call before adding instances.
    pub fn set_min_task_cpu(&mut self, cpu: u32) {
        debug_assert!(self.slots.is_empty(), "set before any instance is added");
        self.min_cpu = cpu;
    }

    /// Counts the tasks of each service per value of attribute `name`, so that a spread key
    /// on it is a lookup instead of a sum over the classes. Call before any task is reserved.
    pub fn track_attribute(&mut self, name: &str) {
        debug_assert!(
            self.svc_on.is_empty(),
            "tracked before any task is reserved"
        );
        if self.tracked.iter().any(|(n, _)| n == name) {
            return;
        }
        self.tracked.push((name.to_string(), Vec::new()));
        let k = self.tracked.len() - 1;
        for c in 0..self.classes.len() {
            let id = self.value_id(k, c);
            self.class_vals[c].push(id);
        }
    }

    /// The id of class `c`'s value of tracked attribute `k` (registering a new value).
    fn value_id(&mut self, k: usize, c: usize) -> u32 {
        let (name, values) = &mut self.tracked[k];
        match self.classes[c].attrs.get(name.as_str()) {
            None => 0,
            Some(v) => match values.iter().position(|x| x == v) {
                Some(p) => p as u32 + 1,
                None => {
                    values.push(v.clone());
                    values.len() as u32
                }
            },
        }
    }

    /// Where the instance stands in its class's sets: its free resources if it is in `all`
    /// (active, with the smallest task's CPU free), and if it is in `eni` too.
    fn standing(&self, s: &Slot) -> (Option<Resources>, Option<Resources>) {
        let walkable = s.active && s.free.cpu >= self.min_cpu;
        let all = walkable.then_some(s.free);
        (all, all.filter(|_| s.eni_free()))
    }

    /// Puts instance `ord` where it now stands, from `before` ([`Index::standing`] before the
    /// change).
    fn restand(&mut self, ord: InstanceId, before: (Option<Resources>, Option<Resources>)) {
        let s = &self.slots[ord];
        let after = self.standing(s);
        if after == before {
            return;
        }
        let c = &mut self.classes[s.class as usize];
        c.all.update(ord, before.0, after.0);
        c.eni.update(ord, before.1, after.1);
    }

    /// Classes so far (a class is never removed, so ids are stable).
    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// The attributes shared by every instance of class `c`.
    pub fn class_attributes(&self, c: u32) -> &BTreeMap<String, String> {
        &self.classes[c as usize].attrs
    }

    /// Takes an instance in or out of placement (draining, deregistered, terminated).
    pub fn set_active(&mut self, ord: InstanceId, active: bool) {
        let s = &self.slots[ord];
        if s.active == active {
            return;
        }
        let before = self.standing(s);
        let s = &mut self.slots[ord];
        s.active = active;
        let c = &mut self.classes[s.class as usize];
        if active {
            c.members.insert(ord);
        } else {
            c.members.remove(&ord);
        }
        self.restand(ord, before);
        if active {
            self.grew(ord);
        }
    }

    /// Instance `ord` may now take a task it could not before: a growth event.
    fn grew(&mut self, ord: InstanceId) {
        self.epoch += 1;
        let p = self.slots[ord].provider.index();
        if self.growth.len() <= p {
            self.growth.resize_with(p + 1, Growth::default);
        }
        let g = &mut self.growth[p];
        g.recent.push_back((self.epoch, ord));
        if g.recent.len() > GROWTH_LOG
            && let Some((e, _)) = g.recent.pop_front()
        {
            g.forgotten = e;
        }
    }

    /// The growth epoch: how many times an instance registered or had room freed so far.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Whether a placement of `req` over `providers` is known to find no instance because one
    /// found none at epoch `since` ([`Index::epoch`]) with the same service, demand, chain and
    /// constraints. False means "unknown": try it.
    ///
    /// Sound because an instance gains the ability to take the task only through a growth
    /// event: its free CPU, memory, GPUs, host ports and ENIs grow only by a release;
    /// it becomes active only by registering; its attributes never change; the service's tasks
    /// on it (distinctInstance) fall only by a release. So every instance that can take the
    /// task now grew since `since`, and the log lists them unless more than [`GROWTH_LOG`]
    /// events of one provider have happened since (then: unknown). Spread and binpack keys
    /// only rank admissible instances; they never make a placement fail.
    pub fn known_full(&self, req: &Request<'_>, providers: &[ProviderId], since: u64) -> bool {
        providers.iter().all(|p| {
            let Some(g) = self.growth.get(p.index()) else {
                // No instance of the provider ever registered.
                return true;
            };
            g.forgotten <= since
                && g.recent
                    .iter()
                    .rev()
                    .take_while(|&&(e, _)| e > since)
                    .all(|&(_, o)| super::admissible(self, req, o).is_err())
        })
    }

    fn bump_service(&mut self, service: ServiceId, ord: InstanceId, up: bool) {
        let class = self.slots[ord].class;
        let n = self.svc_on.entry((service, ord)).or_insert(0);
        let old = *n;
        *n = if up { old + 1 } else { old.saturating_sub(1) };
        let new = *n;
        if new == 0 {
            self.svc_on.remove(&(service, ord));
        }
        let set = self.svc_class_sets.entry((service, class)).or_default();
        if old > 0 {
            set.remove(&(old, ord));
        }
        if new > 0 {
            set.insert((new, ord));
        }
        let cc = self.svc_class_counts.entry((service, class)).or_insert(0);
        let saturated = !up && *cc == 0;
        *cc = if up { *cc + 1 } else { cc.saturating_sub(1) };
        if !saturated {
            for (k, &id) in self.class_vals[class as usize].iter().enumerate() {
                let n = self
                    .svc_value_counts
                    .entry((service, k as u32, id))
                    .or_insert(0);
                *n = if up { *n + 1 } else { *n - 1 };
            }
        }
    }

    /// Reserves `demand` on `ord` for a task of `service`. The caller has checked the fit.
    pub fn reserve(&mut self, ord: InstanceId, service: ServiceId, demand: &Demand) {
        let before = self.standing(&self.slots[ord]);
        let s = &mut self.slots[ord];
        debug_assert!(s.free.fits(demand.resources));
        debug_assert!(demand.enis == 0 || s.eni_free());
        s.free = s.free.saturating_sub(demand.resources);
        s.enis_used += demand.enis;
        s.ports.extend_from_slice(&demand.ports);
        s.tasks += 1;
        self.restand(ord, before);
        self.bump_service(service, ord, true);
    }

    /// Releases what [`Index::reserve`] reserved.
    pub fn release(&mut self, ord: InstanceId, service: ServiceId, demand: &Demand) {
        let before = self.standing(&self.slots[ord]);
        let s = &mut self.slots[ord];
        let free = s.free + demand.resources;
        debug_assert!(s.total.fits(free));
        s.free = free.capped_at(s.total);
        s.enis_used = s.enis_used.saturating_sub(demand.enis);
        self.restand(ord, before);
        let s = &mut self.slots[ord];
        for p in &demand.ports {
            if let Some(i) = s.ports.iter().position(|x| x == p) {
                s.ports.swap_remove(i);
            }
        }
        s.tasks = s.tasks.saturating_sub(1);
        self.bump_service(service, ord, false);
        self.grew(ord);
    }

    /// Active instances of the given providers, in ordinal order within each class (the
    /// candidates a scan would consider).
    pub fn candidates(&self, providers: &[ProviderId]) -> Vec<InstanceId> {
        let mut v: Vec<InstanceId> = providers
            .iter()
            .filter_map(|p| self.provider_classes.get(p))
            .flatten()
            .flat_map(|&c| self.classes[c as usize].members.iter().copied())
            .collect();
        v.sort_unstable();
        v
    }

    /// Active instances of the given providers.
    pub fn active_count(&self, providers: &[ProviderId]) -> usize {
        providers
            .iter()
            .filter_map(|p| self.provider_classes.get(p))
            .flatten()
            .map(|&c| self.classes[c as usize].members.len())
            .sum()
    }

    /// Places a task: the same answer as [`choose`](super::choose) over
    /// [`Index::candidates`], found from the ordered sets; with `random` in the chain or a
    /// random tie-break, a uniform draw from the set `choose` draws from (other draws).
    pub fn place(
        &self,
        req: &Request<'_>,
        providers: &[ProviderId],
        rng: &mut Rng,
    ) -> Option<InstanceId> {
        let cut = req.chain.iter().position(|s| !s.indexed());
        if cut.is_some() || req.tie == TieBreak::Random {
            let prefix = &req.chain[..cut.unwrap_or(req.chain.len())];
            return self.place_drawn(req, prefix, providers, rng);
        }
        self.place_indexed(req, providers, rng)
    }

    /// The classes of `providers` that may hold an instance admissible for `req`: some open
    /// member has the CPU and some the memory, and the attribute-only constraints admit it.
    fn eligible<'a>(
        &'a self,
        req: &'a Request<'_>,
        providers: &'a [ProviderId],
    ) -> impl Iterator<Item = u32> + 'a {
        providers
            .iter()
            .filter_map(|p| self.provider_classes.get(p))
            .flatten()
            .copied()
            .filter(move |&ci| {
                let class = &self.classes[ci as usize];
                let Some(&probe) = class.members.first() else {
                    return false;
                };
                let need = req.demand.resources;
                let sets = class.sets(req.demand);
                sets.by_cpu.last().is_some_and(|&(c, _)| c >= need.cpu)
                    && sets.by_mem.last().is_some_and(|&(m, _)| m >= need.memory)
                    && self.class_allowed(req, probe)
            })
    }

    /// Placement with `random` in the chain or a random tie-break: a uniform draw among the
    /// admissible instances with the smallest key under `prefix` (the strategies before the
    /// first `random`: a fresh random key per candidate makes every later strategy moot; with
    /// no `random`, the whole chain, whose ties the draw breaks). That set is T.
    ///
    /// The smallest key comes from the ordered walks (no draw; none at all when nothing fits,
    /// so a failed placement leaves `rng` as it was). Then up to [`RANDOM_TRIES`] members are
    /// drawn uniformly from the open members of the eligible classes (a superset of T), the
    /// first in T taken; when none is, T is listed from the class walks and one drawn from it.
    /// Either way each member of T is drawn with probability 1/|T|: a draw accepted from the
    /// superset is uniform over T, and so is the draw from the list. The cost is O(classes ×
    /// tries) when T is a fair share of the open instances, else the walk over the instances
    /// with the task's CPU free (or the tie of the first instance-varying key) — never a scan
    /// of every instance.
    fn place_drawn(
        &self,
        req: &Request<'_>,
        prefix: &[Strategy],
        providers: &[ProviderId],
        rng: &mut Rng,
    ) -> Option<InstanceId> {
        let sub = Request {
            chain: prefix,
            tie: TieBreak::FirstRegistered,
            ..*req
        };
        let winner = self.place_indexed(&sub, providers, rng)?;
        let best = chain_key(self, &sub, winner, rng);
        let in_t = |o: InstanceId, rng: &mut Rng| {
            super::admissible(self, &sub, o).is_ok() && chain_key(self, &sub, o, rng) == best
        };
        let classes: Vec<(u32, usize)> = self
            .eligible(&sub, providers)
            .map(|ci| (ci, self.classes[ci as usize].sets(req.demand).list.len()))
            .collect();
        let total: usize = classes.iter().map(|&(_, n)| n).sum();
        for _ in 0..RANDOM_TRIES {
            let mut r = rng.random_range(0..total);
            for &(ci, n) in &classes {
                if r < n {
                    let o = self.classes[ci as usize].sets(req.demand).list[r];
                    if in_t(o, rng) {
                        return Some(o);
                    }
                    break;
                }
                r -= n;
            }
        }
        // T is a small share of the open instances: list it from the walks.
        let first = prefix.iter().position(Strategy::varies_within_class);
        let mut t = Vec::new();
        for &(ci, _) in &classes {
            let mut take = |iter: &mut dyn Iterator<Item = (u64, InstanceId)>| {
                for (_, o) in iter {
                    if super::admissible(self, &sub, o).is_err() {
                        continue;
                    }
                    let k = chain_key(self, &sub, o, rng);
                    // Along the walk the key up to the first varying strategy only grows.
                    if let Some(f) = first
                        && k[..=f] > best[..=f]
                    {
                        break;
                    }
                    if k == best {
                        t.push(o);
                    }
                }
            };
            match first {
                Some(f) => {
                    prefix[f]
                        .walk(self, ci, &sub, take)
                        .expect("an indexed instance-varying key has a walk");
                }
                // No key varies within the class: every admissible member with enough CPU.
                None => take(&mut super::binpack::walk(
                    self,
                    ci,
                    Resource::Cpu,
                    req.demand,
                )),
            }
        }
        debug_assert!(
            t.contains(&winner),
            "the walks list the smallest key's winner"
        );
        t.sort_unstable();
        Some(t[rng.random_range(0..t.len())])
    }

    /// Placement of a chain the index answers (no `random`, first-registered tie-break).
    fn place_indexed(
        &self,
        req: &Request<'_>,
        providers: &[ProviderId],
        rng: &mut Rng,
    ) -> Option<InstanceId> {
        let varying: Vec<&Strategy> = req
            .chain
            .iter()
            .filter(|s| s.varies_within_class())
            .collect();
        let first = varying.first().copied();
        let more = varying.len() > 1;
        let mut best: Option<(super::ChainKey, InstanceId)> = None;
        for &p in providers {
            let Some(classes) = self.provider_classes.get(&p) else {
                continue;
            };
            for &ci in classes {
                let class = &self.classes[ci as usize];
                let Some(&probe) = class.members.first() else {
                    continue;
                };
                // No open member has the CPU, or none the memory, the task needs: nothing in
                // the class fits (the walks below would try every member in range).
                let need = req.demand.resources;
                let sets = class.sets(req.demand);
                if sets.by_cpu.last().is_none_or(|&(c, _)| c < need.cpu)
                    || sets.by_mem.last().is_none_or(|&(m, _)| m < need.memory)
                {
                    continue;
                }
                if !self.class_allowed(req, probe) {
                    continue;
                }
                let group = self.class_group(req, ci, first, more);
                let Some(b) = best_of(self, req, group, rng) else {
                    continue;
                };
                let k = chain_key(self, req, b, rng);
                if best.is_none_or(|(bk, bo)| (k, b) < (bk, bo)) {
                    best = Some((k, b));
                }
            }
        }
        best.map(|(_, o)| o)
    }

    /// Attribute-only constraints, evaluated once for the class on one member.
    fn class_allowed(&self, req: &Request<'_>, probe: InstanceId) -> bool {
        req.constraints.iter().all(|c| {
            !constraints::depends_on_attributes_only(c)
                || constraints::check(
                    self,
                    &Request {
                        constraints: std::slice::from_ref(c),
                        ..*req
                    },
                    probe,
                )
                .is_ok()
        })
    }

    /// The admissible instances of a class that tie on the chain's first instance-varying key
    /// at its smallest admissible value; only the first of them when no later key varies.
    fn class_group(
        &self,
        req: &Request<'_>,
        ci: u32,
        first: Option<&Strategy>,
        more: bool,
    ) -> Vec<InstanceId> {
        let class = &self.classes[ci as usize];
        let ok = |o: InstanceId| super::admissible(self, req, o).is_ok();
        // Walk (key, ord) pairs in ascending order; collect the admissible ones sharing the
        // smallest key.
        let collect = |iter: &mut dyn Iterator<Item = (u64, InstanceId)>| -> Vec<InstanceId> {
            let mut out = Vec::new();
            let mut at: Option<u64> = None;
            for (k, o) in iter {
                if let Some(a) = at
                    && k != a
                {
                    break;
                }
                if ok(o) {
                    out.push(o);
                    if !more {
                        break;
                    }
                    at = Some(k);
                }
            }
            out
        };
        match first {
            // Members outside the ordered sets cannot fit any task: skipped.
            None => collect(&mut class.sets(req.demand).open.iter().map(|&o| (0, o))),
            Some(s) => s
                .walk(self, ci, req, collect)
                .expect("the first instance-varying key of an indexed chain has a walk"),
        }
    }

    /// Class `class`'s open members that can take `demand`'s ENI, by (free amount of `r`,
    /// ordinal): binpack's walk.
    pub(super) fn by_free(
        &self,
        class: u32,
        r: Resource,
        demand: &Demand,
    ) -> &BTreeSet<(u32, InstanceId)> {
        let sets = self.classes[class as usize].sets(demand);
        match r {
            Resource::Cpu => &sets.by_cpu,
            Resource::Memory => &sets.by_mem,
        }
    }

    /// Class `class`'s open members (active, with at least the smallest task's CPU free, and a
    /// free ENI when `demand` needs one), by ordinal.
    pub(super) fn open(&self, class: u32, demand: &Demand) -> &BTreeSet<InstanceId> {
        &self.classes[class as usize].sets(demand).open
    }

    /// Whether a task of `service` is on instance `ord`.
    pub(super) fn holds_service(&self, service: ServiceId, ord: InstanceId) -> bool {
        self.svc_on.contains_key(&(service, ord))
    }

    /// Class `class`'s instances holding tasks of `service`, by (task count, ordinal): spread
    /// (instanceId)'s walk after the instances holding none.
    pub(super) fn service_counts(
        &self,
        service: ServiceId,
        class: u32,
    ) -> Option<&BTreeSet<(u32, InstanceId)>> {
        self.svc_class_sets.get(&(service, class))
    }
}

impl ClusterView for Index {
    fn free(&self, ord: InstanceId) -> Resources {
        self.slots[ord].free
    }

    fn check_fit(&self, ord: InstanceId, d: &Demand) -> Result<(), Reject> {
        #[cfg(test)]
        self.fit_checks.set(self.fit_checks.get() + 1);
        let s = &self.slots[ord];
        if !s.active {
            return Err(Reject::NotActive);
        }
        if let Some(a) = d.arch
            && a != s.arch
        {
            return Err(Reject::Arch {
                need: a.as_str(),
                have: s.arch.as_str(),
            });
        }
        let (free, need) = (s.free, d.resources);
        if free.cpu < need.cpu {
            return Err(Reject::Cpu {
                need: need.cpu,
                free: free.cpu,
            });
        }
        if free.memory < need.memory {
            return Err(Reject::Memory {
                need: need.memory,
                free: free.memory,
            });
        }
        if free.gpus < need.gpus {
            return Err(Reject::Gpus {
                need: need.gpus,
                free: free.gpus,
            });
        }
        if let Some(p) = d.ports.iter().find(|p| s.ports.contains(p)) {
            return Err(Reject::Port(*p));
        }
        if d.enis > 0 && s.enis_used + d.enis > s.eni_limit.tasks() {
            return Err(Reject::Enis {
                limit: s.eni_limit,
                used: s.enis_used,
            });
        }
        Ok(())
    }

    fn attribute(&self, ord: InstanceId, name: &str) -> Option<&str> {
        self.attributes(ord).get(name).map(String::as_str)
    }

    fn instance_id(&self, ord: InstanceId) -> &str {
        &self.slots[ord].id
    }

    fn service_tasks_on(&self, service: ServiceId, ord: InstanceId) -> u32 {
        self.svc_on.get(&(service, ord)).copied().unwrap_or(0)
    }

    fn service_tasks_with(&self, service: ServiceId, name: &str, value: Option<&str>) -> u32 {
        if let Some(k) = self.tracked.iter().position(|(n, _)| n == name) {
            let id = match value {
                None => Some(0),
                Some(v) => self.tracked[k]
                    .1
                    .iter()
                    .position(|x| x == v)
                    .map(|p| p as u32 + 1),
            };
            let n = id.map_or(0, |id| {
                self.svc_value_counts
                    .get(&(service, k as u32, id))
                    .copied()
                    .unwrap_or(0)
            });
            debug_assert_eq!(n, self.service_tasks_with_scan(service, name, value));
            return n;
        }
        self.service_tasks_with_scan(service, name, value)
    }
}

impl Index {
    /// [`ClusterView::service_tasks_with`] as a sum over the classes.
    fn service_tasks_with_scan(&self, service: ServiceId, name: &str, value: Option<&str>) -> u32 {
        self.classes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.attrs.get(name).map(String::as_str) == value)
            .map(|(i, _)| {
                self.svc_class_counts
                    .get(&(service, i as u32))
                    .copied()
                    .unwrap_or(0)
            })
            .sum()
    }
}
