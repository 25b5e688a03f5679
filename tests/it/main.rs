//! The integration tests: one test binary (`cargo test --test it`), so that the crate and its
//! dependencies are linked once, with one module per area. Every expected value is derived by
//! hand in a comment next to its assertion.
//!
//! `support` holds what the modules share: running the `ecsim` binary or the library, fresh
//! folders, reading a run's tables and report, and asserting a refusal; `support::scenario`
//! builds scenarios as JSON values.
//!
//! Run one area with `cargo test --test it scaling::`, one test by its name.

mod support;

mod bad_input;
mod bench_smoke;
mod calibrate;
mod charts;
mod cli;
mod cluster;
mod compare;
mod cost;
mod daemon;
mod deployments;
mod determinism;
mod durability;
mod explain;
mod export;
mod health;
mod import;
mod instance_types;
mod invariants;
mod layers;
mod limits;
mod network;
mod paste;
mod roundtrip;
mod scaling;
mod scheduler;
mod spot;
mod sweep;
mod throttle;
mod validation;
mod validation_scaling;
