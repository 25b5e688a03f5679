//! Small pieces every layer may use and that know nothing of ECS or of the event queue: named
//! random streams ([`rng`]), rounding without a library call ([`round`]), a fixed hasher for lookups on hot paths ([`hash`]), reading untyped JSON by key
//! ([`json`]) and 128-bit
//! integers through serde ([`wide`]). The engine,
//! placement, workload shapes, billing, the scenario loader and the model use them; placement
//! depends on no part of the engine.

pub mod hash;
pub mod json;
pub mod rng;
pub mod round;
pub mod wide;
