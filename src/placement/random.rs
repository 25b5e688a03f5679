//! random: any admissible candidate, uniformly. As a chain key it is a fresh draw per
//! candidate, so a later strategy in the chain never matters after it.

use crate::util::rng::Rng;
use rand::RngExt;

/// A uniform random key.
pub fn key(rng: &mut Rng) -> u64 {
    rng.random()
}

/// Checks that random has no field.
pub fn parse_field(field: Option<&str>) -> Result<(), String> {
    match field {
        None => Ok(()),
        Some(f) => Err(format!("random takes no field (found `{f}`)")),
    }
}
