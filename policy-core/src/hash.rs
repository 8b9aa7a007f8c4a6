//! FNV-1a, 64 bits: a hash no Rust release changes (std's `DefaultHasher` may), for names that
//! must stay put — joined statements' sids, the record's parameter names — and cheap enough for
//! the evaluator's indexes of short ARNs, where SipHash's defence against chosen keys buys nothing.

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

fn extend(hash: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(hash, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(PRIME))
}

/// The hash of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    extend(OFFSET, bytes)
}

/// [`fnv1a`] as a [`std::hash::Hasher`], for `HashMap`s: see [`Fnv`].
#[derive(Clone, Copy, Debug)]
pub struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        FnvHasher(OFFSET)
    }
}

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = extend(self.0, bytes);
    }
}

/// `HashMap<K, V, Fnv>`.
pub type Fnv = std::hash::BuildHasherDefault<FnvHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    #[test]
    fn known_values_and_the_hasher_agree() {
        // The reference values of the FNV-1a 64-bit test suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let mut h = FnvHasher::default();
        h.write(b"a");
        assert_eq!(h.finish(), fnv1a(b"a"));
    }
}
