//! Sets of document ordinals: a dense bitset for query results and facet values held by many
//! records, a sorted list for values held by few (verbatim `other:` values are often unique,
//! and a bitset each would cost memory in proportion to the whole collection).

/// A dense set of ordinals, one bit each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// An empty set able to hold ordinals `0..len`.
    pub(crate) fn new(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Adds an ordinal; ordinals beyond the capacity are ignored (they cannot be live).
    #[inline]
    pub(crate) fn insert(&mut self, ord: u32) {
        if let Some(w) = self.words.get_mut(ord as usize / 64) {
            *w |= 1u64 << (ord % 64);
        }
    }

    /// Removes an ordinal.
    #[inline]
    pub(crate) fn remove(&mut self, ord: u32) {
        if let Some(w) = self.words.get_mut(ord as usize / 64) {
            *w &= !(1u64 << (ord % 64));
        }
    }

    /// Whether the ordinal is in the set.
    #[inline]
    pub(crate) fn contains(&self, ord: u32) -> bool {
        self.words
            .get(ord as usize / 64)
            .is_some_and(|w| w & (1u64 << (ord % 64)) != 0)
    }

    /// How many ordinals are in the set.
    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Keeps only the ordinals also in `other`.
    pub(crate) fn and_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= *b;
        }
        let n = other.words.len().min(self.words.len());
        for a in &mut self.words[n..] {
            *a = 0;
        }
    }

    /// Adds every ordinal of `other`.
    pub(crate) fn or_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= *b;
        }
    }

    /// The size of the intersection, without building it.
    pub(crate) fn and_count(&self, other: &Bits) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// The ordinals in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let base = (i * 64) as u32;
            BitIter(w).map(move |b| base + b)
        })
    }
}

struct BitIter(u64);

impl Iterator for BitIter {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let b = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(b)
    }
}

/// The records holding one facet value.
#[derive(Debug, Clone)]
pub(crate) enum Postings {
    /// Many records: a bitset, counted with AND + popcount.
    Dense(Bits),
    /// Few records: their ordinals, sorted.
    Sparse(Vec<u32>),
}

impl Postings {
    /// Chooses the cheaper form for `ords` (sorted) in a collection of `len` ordinals: a list
    /// costs 32 bits an entry, a bitset one bit an ordinal.
    pub(crate) fn from_sorted(ords: Vec<u32>, len: usize) -> Postings {
        if ords.len().saturating_mul(32) > len {
            let mut bits = Bits::new(len);
            for o in ords {
                bits.insert(o);
            }
            Postings::Dense(bits)
        } else {
            Postings::Sparse(ords)
        }
    }

    /// How many of these records are in `set`.
    pub(crate) fn count_in(&self, set: &Bits) -> usize {
        match self {
            Postings::Dense(bits) => bits.and_count(set),
            Postings::Sparse(ords) => ords.iter().filter(|&&o| set.contains(o)).count(),
        }
    }

    /// These records that are also in `set`, as a set of the same capacity.
    pub(crate) fn intersect(&self, set: &Bits) -> Bits {
        match self {
            Postings::Dense(bits) => {
                let mut out = bits.clone();
                out.and_with(set);
                out
            }
            Postings::Sparse(ords) => {
                let mut out = Bits::new(set.words.len() * 64);
                for &o in ords.iter().filter(|&&o| set.contains(o)) {
                    out.insert(o);
                }
                out
            }
        }
    }

    /// Adds these records to `set`.
    pub(crate) fn add_to(&self, set: &mut Bits) {
        match self {
            Postings::Dense(bits) => set.or_with(bits),
            Postings::Sparse(ords) => {
                for &o in ords {
                    set.insert(o);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations() {
        let mut a = Bits::new(200);
        for o in [0, 5, 64, 130, 199] {
            a.insert(o);
        }
        a.insert(500); // beyond capacity: ignored
        assert_eq!(a.count(), 5);
        assert!(a.contains(130) && !a.contains(131) && !a.contains(500));
        let mut b = Bits::new(200);
        for o in [5, 130, 150] {
            b.insert(o);
        }
        assert_eq!(a.and_count(&b), 2);
        let mut c = a.clone();
        c.and_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![5, 130]);
        c.or_with(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![5, 130, 150]);
        c.remove(130);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![5, 150]);
    }

    #[test]
    fn both_postings_forms_count_alike() {
        let ords: Vec<u32> = (0..1000).filter(|o| o % 7 == 0).collect();
        let mut set = Bits::new(1000);
        for o in (0..1000).filter(|o| o % 2 == 0) {
            set.insert(o);
        }
        let dense = Postings::from_sorted(ords.clone(), 1000);
        let sparse = Postings::Sparse(ords.clone());
        assert!(matches!(dense, Postings::Dense(_)));
        assert_eq!(dense.count_in(&set), sparse.count_in(&set));
        assert!(matches!(
            Postings::from_sorted(vec![3, 9], 1000),
            Postings::Sparse(_)
        ));
        let mut u1 = Bits::new(1000);
        dense.add_to(&mut u1);
        let mut u2 = Bits::new(1000);
        sparse.add_to(&mut u2);
        assert_eq!(u1, u2);
        assert_eq!(dense.intersect(&set), sparse.intersect(&set));
        assert_eq!(dense.intersect(&set).count(), dense.count_in(&set));
    }
}
