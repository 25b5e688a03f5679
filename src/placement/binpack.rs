//! binpack(cpu | memory): place on the instance with the least remaining amount of the
//! resource that still fits; on scale-in, stop the task on the instance left with the most free
//! amount of it.

use super::{ClusterView, Demand, Resource};

/// The binpack key: the amount of the resource left on `ord` after placing `demand` (lower is
/// better). Only called for admissible candidates, so the subtraction cannot underflow; it
/// saturates anyway.
///
/// ```
/// // An instance with 2,048 MiB free taking a 512 MiB task keeps 1,536 MiB: key 1536.
/// assert_eq!(ecsim::placement::binpack::remaining(2048, 512), 1536);
/// ```
pub fn key<C: ClusterView + ?Sized>(view: &C, demand: &Demand, r: Resource, ord: u32) -> u64 {
    let (cpu, mem, _) = view.free(ord);
    match r {
        Resource::Cpu => remaining(cpu, demand.cpu),
        Resource::Memory => remaining(mem, demand.memory),
    }
}

/// `free − need`, saturating at 0.
pub fn remaining(free: u32, need: u32) -> u64 {
    u64::from(free.saturating_sub(need))
}

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
