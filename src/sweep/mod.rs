//! Many runs: variants of a scenario over seeds (`ecsim compare`, `ecsim sweep`, `ecsim merge`).
//!
//! The experiment layer: it takes plain option structs ([`CompareOptions`], [`SweepOptions`],
//! [`MergeOptions`]), which `cli.rs` fills from its flags, and knows nothing of the command
//! line's parser. Its entry points ([`compare::compare`], [`sweep()`], [`merge`]) write their
//! output folder and return what they found; they print nothing on stdout — `ecsim` prints
//! the returned table — and on stderr only notes, warnings and a progress bar, each silenced
//! by the options' `quiet` as documented there.

pub mod compare;
pub mod grid;
pub mod results;
pub mod run;
pub mod stats;
// `ecsim sweep` and `ecsim merge`, named as the command is.
#[allow(clippy::module_inception)]
pub mod sweep;

pub use compare::CompareOptions;
pub use sweep::{MergeOptions, MergeResult, SweepOptions, SweepResult, merge, sweep};
