//! The ECS world: [`world::World`] is the scenario, the clock and owned parts, each with its own
//! invariant. The static AWS tables it reads (instance types, regions, Fargate sizes, prices) are
//! in [`crate::catalogue`]. The world writes no report: it tells an [`observe::Observer`] what
//! happens, and the output layer (ecsim's report module) is one.
//!
//! Orchestrator-neutral parts, which a second orchestrator (an EKS-style one) would reuse: the
//! fleet of instances ([`fleet`]), the task table ([`tasks`]) and the task lifecycle
//! ([`world`]), traffic ([`traffic`]), batch jobs ([`jobs`]), faults ([`faults`]), scaling
//! ([`autoscale`]), the observer ([`observe`]) and billing ([`crate::cost`]). ECS-specific,
//! behind the seam: the service scheduler ([`scheduler`]: reconcile, launch limits, placement
//! calls), rolling deployments ([`deploy`]), capacity providers' managed scaling ([`cluster`]),
//! strategy arithmetic ([`strategy`]) and scale-in ([`scale_in`]).

pub mod activity;
pub mod autoscale;
pub mod cluster;
pub mod daemon;
pub mod deploy;
pub mod faults;
pub mod fleet;
pub mod invariants;
pub mod jobs;
pub mod observe;
pub mod scale_in;
pub mod scheduler;
pub mod strategy;
pub mod tasks;
pub mod throttle;
pub mod traffic;
pub mod world;
