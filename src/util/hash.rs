//! A fast deterministic hasher for maps keyed by small integers on hot paths (the FxHash
//! multiply-rotate of rustc). Not resistant to crafted keys, which a simulator never sees; its
//! output depends only on the key, so a map's *contents* are deterministic — but iteration order
//! still must never reach an output (use `BTreeMap` there).
//!
//! ```
//! use ecsim::util::hash::FastMap;
//!
//! let mut m: FastMap<(u32, u32), u32> = FastMap::default();
//! *m.entry((3, 7)).or_default() += 2;
//! assert_eq!(m[&(3, 7)], 2);
//! ```

#[allow(clippy::disallowed_types)] // the one sanctioned use: a fixed hasher, lookups only
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0xf135_7aea_2e62_a9c5;

/// FxHash-style hasher: `h = (h.rotl(5) ^ word) × K` per word.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown takes its 7 control bits from the top: fold the well-mixed high half down
        // and the low half up so both ends depend on every input bit.
        self.hash.rotate_left(26)
    }
}

/// A `HashMap` with [`FastHasher`].
#[allow(clippy::disallowed_types)] // the one sanctioned use: a fixed hasher, lookups only
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// A `HashSet` with [`FastHasher`].
#[allow(clippy::disallowed_types)] // the one sanctioned use: a fixed hasher, lookups only
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn same_key_same_hash_and_pairs_differ() {
        let b = BuildHasherDefault::<FastHasher>::default();
        assert_eq!(b.hash_one((1u32, 2u32)), b.hash_one((1u32, 2u32)));
        assert_ne!(b.hash_one((1u32, 2u32)), b.hash_one((2u32, 1u32)));
        let mut m: FastMap<(u32, u32), u32> = FastMap::default();
        for s in 0..50 {
            for o in 0..1000 {
                m.insert((s, o), s * o);
            }
        }
        assert_eq!(m.len(), 50_000);
        assert_eq!(m[&(49, 999)], 49 * 999);
    }
}
