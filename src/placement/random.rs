//! random: any admissible candidate, uniformly. Everything about the strategy in one place: as a
//! chain key it is a fresh draw per candidate, so a later strategy in the chain never matters
//! after it; the index has no walk for it: it draws uniformly among the admissible instances
//! with the smallest key of the strategies before it (`Index::place`, sub-linear in the
//! instances; the reference scan [`super::choose`] draws a key per candidate — the same
//! distribution, other draws); on scale-in it is a uniform draw over the service's tasks.

use super::ScaleIn;
use crate::util::rng::Rng;
use rand::RngExt;

/// Checks that random has no field.
pub fn parse_field(field: Option<&str>) -> Result<(), String> {
    match field {
        None => Ok(()),
        Some(f) => Err(format!("random takes no field (found `{f}`)")),
    }
}

/// The strategy as ECS writes it.
pub const DESCRIBE: &str = "random";

/// A uniform random key.
pub fn key(rng: &mut Rng) -> u64 {
    rng.random()
}

/// The scale-in key: a uniform draw over the tasks (the scan decides; no ordered set keeps it).
pub fn scale_in() -> ScaleIn {
    ScaleIn::Draw
}
