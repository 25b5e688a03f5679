//! binpack(cpu | memory): everything about the strategy in one place — its field, its
//! placement key (the least remaining amount of the resource that still fits), its index hook
//! (the instances in ascending order of free amount) and its scale-in key (the task on the
//! instance with the most free amount of it).

use super::index::Index;
use super::{ClusterView, Demand, Resource, ScaleIn};
use crate::ids::InstanceId;

/// Parses a binpack `field`.
pub fn parse_field(field: Option<&str>) -> Result<Resource, String> {
    match field {
        Some("cpu") => Ok(Resource::Cpu),
        Some("memory") => Ok(Resource::Memory),
        Some(other) => Err(format!(
            "binpack field `{other}` is not valid: expected `cpu` or `memory`"
        )),
        None => Err("binpack needs a field: `cpu` or `memory`".into()),
    }
}

/// The strategy as ECS writes it: `binpack(cpu)`, `binpack(memory)`.
pub fn describe(r: Resource) -> &'static str {
    match r {
        Resource::Cpu => "binpack(cpu)",
        Resource::Memory => "binpack(memory)",
    }
}

/// The binpack key: the amount of the resource left on `ord` after placing `demand` (lower is
/// better). Only called for admissible candidates, so the subtraction cannot underflow; it
/// saturates anyway.
///
/// ```
/// // An instance with 2,048 MiB free taking a 512 MiB task keeps 1,536 MiB: key 1536.
/// assert_eq!(ecsim::placement::binpack::remaining(2048, 512), 1536);
/// ```
pub fn key<C: ClusterView + ?Sized>(
    view: &C,
    demand: &Demand,
    r: Resource,
    ord: InstanceId,
) -> u64 {
    remaining(view.free(ord).amount(r), demand.resources.amount(r))
}

/// `free − need`, saturating at 0.
pub fn remaining(free: u32, need: u32) -> u64 {
    u64::from(free.saturating_sub(need))
}

/// The index hook: class `class`'s open instances in ascending order of the key, as (free
/// amount, ordinal) from the smallest amount that can take `demand` (the key is that amount
/// less the need, so the order and the ties are the same).
pub(super) fn walk<'a>(
    index: &'a Index,
    class: u32,
    r: Resource,
    demand: &Demand,
) -> impl Iterator<Item = (u64, InstanceId)> + 'a {
    index
        .by_free(class, r, demand)
        .range((demand.resources.amount(r), InstanceId(0))..)
        .map(|&(f, o)| (u64::from(f), o))
}

/// The scale-in key: stop the task on the instance with the most free amount of the resource,
/// [`super::Resources::amount`] of its free resources (aws-behaviour.md §4).
pub fn scale_in(r: Resource) -> ScaleIn {
    ScaleIn::MostFree(r)
}
