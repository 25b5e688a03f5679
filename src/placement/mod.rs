//! Task placement on EC2 container instances, as ECS places tasks (aws-behaviour.md §4):
//! (1) instances with enough CPU, memory and GPUs, free static host ports and the task's CPU
//! architecture; (2) binding constraints ([`constraints`]); (3) strategies in order, later ones
//! breaking the ties earlier ones leave; (4) a final tie-break ([`TieBreak`]).
//!
//! Every strategy turns a candidate into a key, lower is better ([`Strategy::key`]); a chain is
//! the lexicographic order of the keys. [`choose`] is the reference: a scan that evaluates every
//! candidate. [`index::Index`] answers the same question from ordered indexes without scanning
//! a large cluster, and must agree with [`choose`] (a property test holds it to that); with
//! `random` or a random tie-break it draws from the same set, uniformly, with other draws (a
//! property test holds it to the set, χ² tests to the uniformity).
//!
//! Nothing here touches the clock or the event queue.

pub mod binpack;
pub mod constraints;
pub mod index;
pub mod query;
pub mod random;
pub mod resources;
pub mod spread;

use crate::catalogue::instance_types::{Arch, EniLimit};
use crate::ids::{InstanceId, ServiceId};
use crate::util::rng::Rng;
use rand::RngExt;
pub use resources::Resources;

/// The last tie-breaker of placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TieBreak {
    /// The instance that registered first (deterministic, cheap on large clusters).
    FirstRegistered,
    /// A uniform draw among the tied instances.
    Random,
}

/// A resource binpack can pack on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// CPU units.
    Cpu,
    /// Memory, MiB.
    Memory,
}

/// What spread evens out over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SpreadField {
    /// `instanceId` or `host`: each instance is its own value.
    Instance,
    /// `attribute:NAME`: instances sharing the attribute's value form one group.
    Attribute(String),
}

/// One placement strategy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Least remaining amount of the resource that still fits.
    Binpack(Resource),
    /// Fewest of the service's tasks on the candidate's value of the field.
    Spread(SpreadField),
    /// Any candidate.
    Random,
}

/// A binding constraint.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// No other task of the same service on the instance.
    DistinctInstance,
    /// The instance must match the expression (kept with its source text).
    MemberOf(query::Expr, String),
}

/// What a task needs from an instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demand {
    /// CPU units, memory and GPUs reserved while the task is on an instance.
    pub resources: Resources,
    /// Static host ports.
    pub ports: Vec<u16>,
    /// Required CPU architecture, if the task definition names one.
    pub arch: Option<Arch>,
    /// ENIs the task attaches to its instance: 1 in `awsvpc` network mode, else 0.
    pub enis: u32,
}

/// Why a candidate cannot take the task.
#[derive(Debug, Clone, PartialEq)]
pub enum Reject {
    /// Not enough CPU units.
    Cpu {
        /// Needed.
        need: u32,
        /// Free.
        free: u32,
    },
    /// Not enough memory.
    Memory {
        /// Needed, MiB.
        need: u32,
        /// Free, MiB.
        free: u32,
    },
    /// Not enough GPUs.
    Gpus {
        /// Needed.
        need: u32,
        /// Free.
        free: u32,
    },
    /// A static host port is taken.
    Port(u16),
    /// An `awsvpc` task, and every ENI the instance can give tasks is taken.
    Enis {
        /// The instance's awsvpc task limit and its reason.
        limit: EniLimit,
        /// awsvpc tasks on the instance.
        used: u32,
    },
    /// Wrong CPU architecture.
    Arch {
        /// Needed.
        need: &'static str,
        /// The instance's.
        have: &'static str,
    },
    /// The instance is draining or not registered.
    NotActive,
    /// distinctInstance: a task of the service is there already.
    DistinctInstance,
    /// memberOf expression is false for the instance.
    MemberOf(String),
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reject::Cpu { need, free } => {
                write!(f, "insufficient CPU: needs {need} units, {free} free")
            }
            Reject::Memory { need, free } => {
                write!(f, "insufficient memory: needs {need} MiB, {free} MiB free")
            }
            Reject::Gpus { need, free } => {
                write!(f, "insufficient GPUs: needs {need}, {free} free")
            }
            Reject::Port(p) => write!(f, "host port {p} already in use"),
            Reject::Enis { limit, used } => {
                write!(f, "no free ENI: {limit}, {used} in use")
            }
            Reject::Arch { need, have } => write!(f, "CPU architecture {have}, task needs {need}"),
            Reject::NotActive => write!(f, "instance is not ACTIVE (draining or not registered)"),
            Reject::DistinctInstance => {
                write!(
                    f,
                    "distinctInstance: a task of this service already runs here"
                )
            }
            Reject::MemberOf(e) => write!(f, "memberOf({e}) is false"),
        }
    }
}

/// What placement needs to know about the cluster. Implemented by [`index::Index`] and by
/// test fixtures.
pub trait ClusterView {
    /// An instance's free resources.
    fn free(&self, ord: InstanceId) -> Resources;
    /// Whether the instance can take the demand at all (resources, ports, architecture,
    /// activity); constraints are checked separately.
    fn check_fit(&self, ord: InstanceId, demand: &Demand) -> Result<(), Reject>;
    /// An instance attribute (`ecs.availability-zone`, `ecs.instance-type`, custom ones).
    fn attribute(&self, ord: InstanceId, name: &str) -> Option<&str>;
    /// The instance id.
    fn instance_id(&self, ord: InstanceId) -> &str;
    /// Tasks of `service` on the instance.
    fn service_tasks_on(&self, service: ServiceId, ord: InstanceId) -> u32;
    /// Tasks of `service` on instances whose attribute `name` is `value` (None: absent).
    fn service_tasks_with(&self, service: ServiceId, name: &str, value: Option<&str>) -> u32;
}

struct AttrView<'a, C: ClusterView + ?Sized>(&'a C, InstanceId);
impl<C: ClusterView + ?Sized> query::Attributes for AttrView<'_, C> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.0.attribute(self.1, name)
    }
    fn instance_id(&self) -> &str {
        self.0.instance_id(self.1)
    }
}

/// A placement request.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The service (its tasks are what spread and distinctInstance count).
    pub service: ServiceId,
    /// What the task needs.
    pub demand: &'a Demand,
    /// Strategies, in order.
    pub chain: &'a [Strategy],
    /// Binding constraints.
    pub constraints: &'a [Constraint],
    /// The final tie-break.
    pub tie: TieBreak,
}

/// Checks fit and every constraint.
pub fn admissible<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    ord: InstanceId,
) -> Result<(), Reject> {
    view.check_fit(ord, req.demand)?;
    constraints::check(view, req, ord)
}

/// What a strategy is, told by its own module ([`binpack`], [`spread`], [`random`]): its key,
/// its hook into the index, its scale-in key. Each method only dispatches.
impl Strategy {
    /// The strategy's key for placing `req` on instance `ord` (lower is better); `Random` draws
    /// from `rng`.
    pub fn key<C: ClusterView + ?Sized>(
        &self,
        view: &C,
        req: &Request<'_>,
        ord: InstanceId,
        rng: &mut Rng,
    ) -> u64 {
        match self {
            Strategy::Binpack(r) => binpack::key(view, req.demand, *r, ord),
            Strategy::Spread(f) => spread::key(view, req.service, f, ord),
            Strategy::Random => random::key(rng),
        }
    }

    /// Whether the key can differ between two instances with identical attributes.
    pub fn varies_within_class(&self) -> bool {
        match self {
            Strategy::Spread(f) => spread::varies_within_class(f),
            Strategy::Binpack(_) | Strategy::Random => true,
        }
    }

    /// Whether the index walks this strategy's key: `random` has no walk (the index draws
    /// among the instances tied on the strategies before it).
    pub fn indexed(&self) -> bool {
        !matches!(self, Strategy::Random)
    }

    /// The index hook: calls `f` with class `class`'s candidates for `req` in ascending order of
    /// this key, as (a value ordered and tied as the key, ordinal) from the smallest that can
    /// fit. None for a key that does not vary within a class or that the index does not answer
    /// ([`Strategy::varies_within_class`], [`Strategy::indexed`]).
    pub fn walk<R>(
        &self,
        index: &index::Index,
        class: u32,
        req: &Request<'_>,
        f: impl FnOnce(&mut dyn Iterator<Item = (u64, InstanceId)>) -> R,
    ) -> Option<R> {
        match self {
            Strategy::Binpack(r) => Some(f(&mut binpack::walk(index, class, *r, req.demand))),
            Strategy::Spread(SpreadField::Instance) => Some(f(&mut spread::walk_instances(
                index,
                class,
                req.service,
                req.demand,
            ))),
            Strategy::Spread(SpreadField::Attribute(_)) | Strategy::Random => None,
        }
    }

    /// How a service whose first strategy this is chooses the task to stop (aws-behaviour.md §4).
    pub fn scale_in(&self) -> ScaleIn {
        match self {
            Strategy::Binpack(r) => binpack::scale_in(*r),
            Strategy::Spread(f) => spread::scale_in(f),
            Strategy::Random => random::scale_in(),
        }
    }

    /// The strategy as ECS writes it, e.g. `binpack(memory)`.
    pub fn describe(&self) -> String {
        match self {
            Strategy::Binpack(r) => binpack::describe(*r).into(),
            Strategy::Spread(f) => spread::describe(f),
            Strategy::Random => random::DESCRIBE.into(),
        }
    }
}

/// Which task a service stops first, by its first placement strategy (the model keeps these
/// keys in ordered sets, `model::scale_in`). Remaining ties go to the task started last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleIn {
    /// binpack: the task on the instance with the most free amount of the resource
    /// ([`Resources::amount`] of its free resources).
    MostFree(Resource),
    /// spread(instanceId): a task on the instance holding the most of the service's tasks.
    MostOnInstance,
    /// spread(attribute): a task with the value of the attribute holding the most of the
    /// service's tasks, then on the instance holding the most.
    MostOnValue(String),
    /// random: a uniform draw.
    Draw,
}

/// The full key of a candidate under a chain (at most 5 strategies, AWS's limit).
pub type ChainKey = [u64; 5];

/// The chain key of placing `req` on `ord`.
pub fn chain_key<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    ord: InstanceId,
    rng: &mut Rng,
) -> ChainKey {
    let mut k = [0u64; 5];
    for (slot, s) in k.iter_mut().zip(req.chain) {
        *slot = s.key(view, req, ord, rng);
    }
    k
}

/// Picks the best of `ords` (already admissible) under the chain and the tie-break: the
/// lexicographically smallest key; among equal keys the lowest ordinal, or a uniform draw.
pub fn best_of<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    ords: impl IntoIterator<Item = InstanceId>,
    rng: &mut Rng,
) -> Option<InstanceId> {
    let mut best: Option<(ChainKey, InstanceId)> = None;
    let mut ties = 0u64;
    for ord in ords {
        let k = chain_key(view, req, ord, rng);
        match best {
            None => {
                best = Some((k, ord));
                ties = 1;
            }
            Some((bk, bo)) => {
                if k < bk {
                    best = Some((k, ord));
                    ties = 1;
                } else if k == bk {
                    ties += 1;
                    let replace = match req.tie {
                        TieBreak::FirstRegistered => ord < bo,
                        // Reservoir sampling: the i-th tie replaces with probability 1/i.
                        TieBreak::Random => rng.random_range(0..ties) == 0,
                    };
                    if replace {
                        best = Some((k, ord));
                    }
                }
            }
        }
    }
    best.map(|(_, o)| o)
}

/// The reference placement: scans `candidates`, keeps the admissible ones and returns the best.
pub fn choose<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    candidates: impl IntoIterator<Item = InstanceId>,
    rng: &mut Rng,
) -> Option<InstanceId> {
    let ok: Vec<InstanceId> = candidates
        .into_iter()
        .filter(|&o| admissible(view, req, o).is_ok())
        .collect();
    best_of(view, req, ok, rng)
}

/// One placement decision told in words (computed only with `--explain-placement`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    /// Candidates that could not take the task, with the reason.
    pub rejected: Vec<(String, String)>,
    /// Admissible candidates with their keys, best first.
    pub ranked: Vec<(String, Vec<u64>)>,
    /// The chosen instance, if any.
    pub chosen: Option<String>,
    /// Why it won.
    pub reason: String,
}

/// Explains a placement over `candidates`: every rejection and the ranking of the rest. The
/// choice it reports is the one [`choose`] makes with the same generator state.
pub fn explain<C: ClusterView + ?Sized>(
    view: &C,
    req: &Request<'_>,
    candidates: impl IntoIterator<Item = InstanceId>,
    chosen: Option<InstanceId>,
    rng: &mut Rng,
) -> Explanation {
    let mut rejected = Vec::new();
    let mut ranked = Vec::new();
    for ord in candidates {
        match admissible(view, req, ord) {
            Err(r) => rejected.push((view.instance_id(ord).to_string(), r.to_string())),
            Ok(()) => {
                let k = chain_key(view, req, ord, rng);
                ranked.push((k, ord));
            }
        }
    }
    ranked.sort();
    let names: Vec<String> = req.chain.iter().map(Strategy::describe).collect();
    let reason = match chosen {
        None if ranked.is_empty() => "no instance meets the task's requirements".to_string(),
        None => "no choice made".to_string(),
        Some(c) => {
            let k = chain_key(view, req, c, rng);
            let parts: Vec<String> = names
                .iter()
                .zip(k.iter())
                .map(|(n, v)| format!("{n} = {v}"))
                .collect();
            let tied = ranked
                .iter()
                .filter(|(rk, _)| rk[..names.len()] == k[..names.len()])
                .count();
            let tie = if tied > 1 {
                format!(
                    "; {tied} candidates tied, broken by {}",
                    match req.tie {
                        TieBreak::FirstRegistered => "first registered",
                        TieBreak::Random => "a random draw",
                    }
                )
            } else {
                String::new()
            };
            if parts.is_empty() {
                format!("{} admissible candidates, no strategy{tie}", ranked.len())
            } else {
                format!(
                    "lowest key among {} admissible: {}{tie}",
                    ranked.len(),
                    parts.join(", ")
                )
            }
        }
    };
    Explanation {
        rejected,
        ranked: ranked
            .into_iter()
            .map(|(k, o)| (view.instance_id(o).to_string(), k[..names.len()].to_vec()))
            .collect(),
        chosen: chosen.map(|c| view.instance_id(c).to_string()),
        reason,
    }
}

#[cfg(test)]
mod tests;
