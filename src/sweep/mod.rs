//! Many runs: variants of a scenario over seeds (`ecsim compare`, `ecsim sweep`, `ecsim merge`).

pub mod compare;
pub mod grid;
pub mod run;
pub mod stats;
