//! How many in-links two concepts share, for relatedness: a galloping
//! intersection of two ascending lists, and the table that gives one
//! candidate's overlaps with all of a window's context concepts in one
//! pass over its in-links.

/// Size of the intersection of two ascending lists.
pub(crate) fn intersection_size(a: &[u32], b: &[u32]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if large.len() / small.len() > 16 {
        // Galloping: binary search each small element in what is left.
        let mut rest = large;
        let mut n = 0;
        for &x in small {
            match rest.binary_search(&x) {
                Ok(i) => {
                    n += 1;
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
            if rest.is_empty() {
                break;
            }
        }
        return n;
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < small.len() && j < large.len() {
        // Branch-free steps: the comparison is unpredictable.
        let (x, y) = (small[i], large[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Concepts linking to a window's context concepts, each with the bit
/// set of the context concepts it links to (up to 32), reused from window
/// to window. Dense (a mask per concept index) when the concepts are few
/// against the keys to hold, open addressing over `(key, mask)` pairs
/// otherwise.
#[derive(Default)]
pub(crate) struct MaskTable {
    /// Dense: the mask of every concept index.
    dense: Vec<u32>,
    /// Open addressing: `(key, mask)`, key `u32::MAX` = empty.
    slots: Vec<(u32, u32)>,
    /// The keys held, in insertion order.
    keys: Vec<u32>,
}

impl MaskTable {
    const EMPTY: u32 = u32::MAX;

    /// Empties the table for up to `n` insertions of keys below `concepts`.
    pub(crate) fn reset(&mut self, n: usize, concepts: usize) {
        for &k in &self.keys {
            if let Some(m) = self.dense.get_mut(k as usize) {
                *m = 0;
            }
        }
        self.keys.clear();
        self.slots.clear();
        if concepts <= n.saturating_mul(4) {
            self.dense.resize(concepts, 0);
        } else {
            self.dense.clear();
            let slots = (n * 2).next_power_of_two().max(16);
            self.slots.resize(slots, (Self::EMPTY, 0));
        }
    }

    #[inline]
    fn home(&self, key: u32) -> usize {
        let h = u64::from(key).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> 32) as usize & (self.slots.len() - 1)
    }

    /// ORs `bits` into the mask of `key` (at most the `n` insertions
    /// given to [`reset`](Self::reset)).
    pub(crate) fn insert(&mut self, key: u32, bits: u32) {
        if self.slots.is_empty() {
            if let Some(m) = self.dense.get_mut(key as usize) {
                if *m == 0 {
                    self.keys.push(key);
                }
                *m |= bits;
            }
            return;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, m) = &mut self.slots[i];
            if *k == key {
                *m |= bits;
                return;
            }
            if *k == Self::EMPTY {
                (*k, *m) = (key, bits);
                self.keys.push(key);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    fn get(&self, key: u32) -> u32 {
        if self.slots.is_empty() {
            return self.dense.get(key as usize).copied().unwrap_or(0);
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            let (k, m) = self.slots[i];
            if k == key {
                return m;
            }
            if k == Self::EMPTY {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    /// Calls `f(mask)` for every element of the ascending list `a` that
    /// is in the table with a non-empty mask: a look-up per element, or,
    /// when `a` is far longer than the table, a binary search per key.
    pub(crate) fn for_each_common(&self, a: &[u32], mut f: impl FnMut(u32)) {
        if self.keys.is_empty() || a.is_empty() {
            return;
        }
        if a.len() / self.keys.len() > 16 {
            for &k in &self.keys {
                let m = self.get(k);
                if m != 0 && a.binary_search(&k).is_ok() {
                    f(m);
                }
            }
        } else {
            for &x in a {
                if x == Self::EMPTY {
                    continue;
                }
                let m = self.get(x);
                if m != 0 {
                    f(m);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn common_elements_match_a_naive_intersection(
            a in proptest::collection::btree_set(0u32..3000, 0..200),
            u in proptest::collection::btree_map(0u32..3000, 1u64..u64::MAX, 0..2000),
        ) {
            let a: Vec<u32> = a.into_iter().collect();
            let u: Vec<(u32, u64)> = u.into_iter().collect();
            for concepts in [3000, 1_000_000] {
                let mut table = MaskTable::default();
                // Reused: what the last window held is gone.
                table.reset(2, concepts);
                table.insert(a.first().copied().unwrap_or(0), 1);
                table.insert(7, 2);
                table.reset(u.len() * 2, concepts);
                for &(k, m) in &u {
                    // Two halves ORed together.
                    table.insert(k, (m >> 32) as u32 & 0xffff_0000);
                    table.insert(k, (m >> 32) as u32 & 0x0000_ffff);
                }
                let mut got = Vec::new();
                table.for_each_common(&a, |m| got.push(m));
                got.sort_unstable();
                let mut want: Vec<u32> = u
                    .iter()
                    .map(|e| (e.0, (e.1 >> 32) as u32))
                    .filter(|e| a.contains(&e.0) && e.1 != 0)
                    .map(|e| e.1)
                    .collect();
                want.sort_unstable();
                proptest::prop_assert_eq!(got, want);
            }
            let keys: Vec<u32> = u.iter().map(|e| e.0).collect();
            let both = a.iter().filter(|x| keys.contains(x)).count();
            proptest::prop_assert_eq!(intersection_size(&a, &keys), both);
        }
    }

    #[test]
    fn intersections() {
        assert_eq!(intersection_size(&[1, 3, 5], &[2, 3, 5, 7]), 2);
        let big: Vec<u32> = (0..1000).collect();
        assert_eq!(intersection_size(&[5, 999, 2000], &big), 2);
        assert_eq!(intersection_size(&[], &big), 0);
    }
}
