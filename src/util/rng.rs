//! Named random streams. Every source of randomness draws from its own generator, seeded from
//! the run's seed and a stable name: the owner (a service, a provider, a fault), the purpose
//! (what the draws are for) and the entity's ordinal within its owner. Adding a service or a
//! fault therefore never reshuffles another stream, and two variants of a scenario see the same
//! draws wherever they do not differ (common random numbers).
//!
//! The key is hashed with FNV-1a and mixed with SplitMix64: both are fixed, documented
//! algorithms, so the streams are stable across platforms and releases.
//!
//! ```
//! use ecsim::util::rng::Streams;
//! use rand::RngExt;
//!
//! let streams = Streams::new(7);
//! let a: f64 = streams.stream("web", "startup", 0).random();
//! let b: f64 = streams.stream("web", "startup", 0).random();
//! let c: f64 = streams.stream("worker", "startup", 0).random();
//! assert_eq!(a, b);
//! assert_ne!(a, c);
//! ```

use rand::SeedableRng;
pub use rand::rngs::Xoshiro256PlusPlus as Rng;

/// Derives independent, reproducible generators from one seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streams {
    seed: u64,
}

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Streams {
    /// Streams for a run with this seed.
    pub fn new(seed: u64) -> Self {
        Streams { seed }
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The 64-bit key of a stream (exposed for tests and explanations).
    pub fn key(&self, owner: &str, purpose: &str, ordinal: u64) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325;
        h = fnv1a(h, owner.as_bytes());
        h = fnv1a(h, &[0xff]);
        h = fnv1a(h, purpose.as_bytes());
        h = fnv1a(h, &[0xff]);
        h = fnv1a(h, &ordinal.to_le_bytes());
        splitmix64(splitmix64(self.seed) ^ h)
    }

    /// The generator for (owner, purpose, ordinal).
    pub fn stream(&self, owner: &str, purpose: &str, ordinal: u64) -> Rng {
        Rng::seed_from_u64(self.key(owner, purpose, ordinal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn separators_keep_names_apart() {
        let s = Streams::new(1);
        // ("ab", "c") and ("a", "bc") concatenate to the same bytes; the separator keeps them apart.
        assert_ne!(s.key("ab", "c", 0), s.key("a", "bc", 0));
        assert_ne!(s.key("a", "b", 0), s.key("a", "b", 1));
        assert_ne!(
            Streams::new(1).key("a", "b", 0),
            Streams::new(2).key("a", "b", 0)
        );
    }

    #[test]
    fn hash_and_mixer_match_their_published_vectors() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the FNV reference test vectors).
        assert_eq!(fnv1a(0xcbf2_9ce4_8422_2325, b"a"), 0xaf63_dc4c_8601_ec8c);
        // SplitMix64 from state 0: first output 0xe220a8397b1dcdaf (Vigna's reference code).
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn stream_is_the_generator_seeded_with_the_key() {
        let s = Streams::new(42);
        let mut a = s.stream("web", "startup", 3);
        let mut b = Rng::seed_from_u64(s.key("web", "startup", 3));
        assert_eq!(a.random::<u64>(), b.random::<u64>());
    }
}
