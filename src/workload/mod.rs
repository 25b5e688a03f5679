//! Workload: how much traffic arrives when. [`shape`] turns a scenario's load shape
//! (`constant`, `step`, `ramp`, `spike`, `diurnal`, `sum`, `trace`, with optional `noise` and
//! `weekly` factors) into a pure, deterministic rate over simulated time; [`trace`] reads the
//! CSV demand traces a `trace` shape replays. Nothing here touches the simulated world: the
//! world samples [`shape::Shape::value`].

pub mod shape;
pub mod trace;
