//! The ECS world: zones and regions, instance types, Fargate sizes, capacity provider strategy
//! arithmetic, tasks and their lifecycle, and the service scheduler ([`world`]).

pub mod activity;
pub mod autoscale;
pub mod cluster;
pub mod deploy;
pub mod fargate;
pub mod faults;
pub mod instance_types;
pub mod invariants;
pub mod load;
pub mod regions;
pub mod scale_in;
pub mod strategy;
pub mod world;
