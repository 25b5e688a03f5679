//! The ECS world: capacity provider strategy arithmetic, tasks and their lifecycle, and the
//! service scheduler ([`world`]). The static AWS tables it reads (instance types, regions,
//! Fargate sizes, prices) are in [`crate::catalogue`].

pub mod activity;
pub mod autoscale;
pub mod cluster;
pub mod deploy;
pub mod faults;
pub mod fleet;
pub mod invariants;
pub mod jobs;
pub mod load;
pub mod scale_in;
pub mod scheduler;
pub mod strategy;
pub mod tasks;
pub mod world;
