//! The ECS world: capacity provider strategy arithmetic, tasks and their lifecycle, and the
//! service scheduler ([`world`]). The static AWS tables it reads (instance types, regions,
//! Fargate sizes, prices) are in [`crate::catalogue`]. The world writes no report: it tells an
//! [`observe::Observer`] what happens, and the output layer (ecsim's report module) is one.

pub mod activity;
pub mod autoscale;
pub mod cluster;
pub mod deploy;
pub mod faults;
pub mod invariants;
pub mod observe;
pub mod scale_in;
pub mod strategy;
pub mod traffic;
pub mod world;
