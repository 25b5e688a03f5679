//! Many runs: variants of a scenario over seeds (`ecsim compare`, `ecsim sweep`, `ecsim merge`).

pub mod compare;
pub mod grid;
pub mod results;
pub mod run;
pub mod stats;
// `ecsim sweep` and `ecsim merge`, named as the command is.
#[allow(clippy::module_inception)]
pub mod sweep;
