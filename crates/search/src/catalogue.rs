//! The in-memory side of the index: every record's display fields, facet values as postings
//! over dense ordinals, and precomputed sort orders. Facet counts and sorting never touch
//! tantivy: they are bit operations over this catalogue.

use crate::bits::{Bits, Postings};
use crate::schema::DocInfo;
use preventory_core::matching::MatchKey;
use preventory_core::{Facet, Intervention};
use std::collections::HashMap;
use std::sync::Arc;

/// Every facet value ever indexed, numbered per facet. Records hold numbers, so building the
/// postings after an edit is array work rather than hashing a string per value per record.
/// Numbers are never reused; a value no record holds any more simply has no records.
#[derive(Debug, Clone)]
pub(crate) struct Registry {
    /// Per facet (in `Facet::ALL` order): ids by number, and numbers by id.
    facets: Vec<(Vec<String>, HashMap<String, u32>)>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            facets: vec![(Vec::new(), HashMap::new()); Facet::ALL.len()],
        }
    }
}

impl Registry {
    /// The number of a facet value, registering it if new.
    pub(crate) fn intern(&mut self, facet: usize, id: &str) -> u32 {
        let Some((ids, numbers)) = self.facets.get_mut(facet) else {
            return u32::MAX;
        };
        if let Some(&n) = numbers.get(id) {
            return n;
        }
        let n = ids.len() as u32;
        ids.push(id.to_string());
        numbers.insert(id.to_string(), n);
        n
    }

    /// The number of a facet value, if it was ever indexed.
    pub(crate) fn number(&self, facet: usize, id: &str) -> Option<u32> {
        self.facets.get(facet)?.1.get(id).copied()
    }

    /// The ids of a facet, by number.
    pub(crate) fn ids(&self, facet: usize) -> &[String] {
        self.facets.get(facet).map_or(&[][..], |f| f.0.as_slice())
    }
}

/// The records holding each value of one facet, by value number.
#[derive(Debug, Clone, Default)]
pub(crate) struct FacetPostings {
    pub values: Vec<Postings>,
}

impl FacetPostings {
    /// The records holding any of `ids` (ids never indexed hold none).
    pub(crate) fn union_of(
        &self,
        registry: &Registry,
        facet: usize,
        ids: &[String],
        len: usize,
    ) -> Bits {
        let mut out = Bits::new(len);
        for id in ids {
            if let Some(p) = registry
                .number(facet, id)
                .and_then(|n| self.values.get(n as usize))
            {
                p.add_to(&mut out);
            }
        }
        out
    }
}

/// A precomputed order of the live records, and each record's position in it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Order {
    /// Live ordinals, first to last.
    pub ords: Vec<u32>,
    /// Position of each ordinal in `ords` (`u32::MAX` for holes).
    pub rank: Vec<u32>,
}

impl Order {
    fn from_sorted(ords: Vec<u32>, len: usize) -> Order {
        let mut rank = vec![u32::MAX; len];
        for (i, &o) in ords.iter().enumerate() {
            if let Some(r) = rank.get_mut(o as usize) {
                *r = i as u32;
            }
        }
        Order { ords, rank }
    }

    /// The members of `set` in this order, skipping `offset`, at most `limit`.
    pub(crate) fn page(&self, set: &Bits, set_len: usize, offset: usize, limit: usize) -> Vec<u32> {
        if limit == 0 || offset >= set_len {
            return Vec::new();
        }
        // Walking the order finds page one of a broad set in a few steps, but a very sparse
        // set costs a walk of the whole order: then sorting its members is cheaper.
        let walk = offset.saturating_add(limit).saturating_mul(self.ords.len()) / set_len.max(1);
        let sort = set_len.saturating_mul(16);
        if sort < walk {
            let mut members: Vec<u32> = set.iter().collect();
            members
                .sort_unstable_by_key(|&o| self.rank.get(o as usize).copied().unwrap_or(u32::MAX));
            members.into_iter().skip(offset).take(limit).collect()
        } else {
            self.ords
                .iter()
                .copied()
                .filter(|&o| set.contains(o))
                .skip(offset)
                .take(limit)
                .collect()
        }
    }
}

/// Everything the search needs to know of the records besides their text.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    /// Records by ordinal; `None` for the holes removed records leave.
    pub docs: Vec<Option<Arc<DocInfo>>>,
    /// Ordinal by slug.
    pub by_slug: HashMap<Arc<str>, u32>,
    /// The ordinals that hold a record.
    pub live: Bits,
    /// How many records there are.
    pub live_count: usize,
    /// The ordinals of discontinued records: kept and marked, but out of searches nobody
    /// widened and out of signposting.
    pub discontinued: Bits,
    /// `live` without `discontinued`: what a default search starts from, made once here so
    /// that a search copies it rather than subtracting per request.
    pub listed: Bits,
    /// The facet values' numbers.
    pub registry: Arc<Registry>,
    /// Postings per facet, in `Facet::ALL` order.
    pub facets: Vec<FacetPostings>,
    /// By title, case-insensitive, then slug.
    pub by_title: Order,
    /// By rating (strongest first, unrated last), then title.
    pub by_rating: Order,
    /// By "information correct at", newest first, unknown last, then title.
    pub by_recent: Order,
    /// Each record's [`DocInfo::match_key`] by ordinal (holes hold the key of an empty
    /// record, never read). Signposting reads every kept record's key: side by side they are
    /// read as one stream, where each in its `DocInfo` would cost a cache miss.
    pub match_keys: Vec<MatchKey>,
    /// Each ordinal's place in the order of (title, slug) as signposting compares them
    /// (byte order, not `by_title`'s), then ordinal; 0 for holes. Made once here so that
    /// ordering 100,000 records per signposting compares numbers, not titles.
    pub signpost_title_order: Vec<u32>,
}

impl Catalogue {
    /// Builds the catalogue from the records by ordinal, whose facet values are numbered in
    /// `registry`.
    pub(crate) fn build(docs: Vec<Option<Arc<DocInfo>>>, registry: Registry) -> Catalogue {
        let len = docs.len();
        let mut live = Bits::new(len);
        let mut discontinued = Bits::new(len);
        let mut listed = Bits::new(len);
        let mut by_slug = HashMap::with_capacity(len);
        let mut lists: Vec<Vec<Vec<u32>>> = (0..Facet::ALL.len())
            .map(|fi| vec![Vec::new(); registry.ids(fi).len()])
            .collect();
        for (o, d) in docs.iter().enumerate() {
            let Some(d) = d else { continue };
            let o = o as u32;
            live.insert(o);
            if d.discontinued() {
                discontinued.insert(o);
            } else {
                listed.insert(o);
            }
            by_slug.insert(Arc::clone(&d.slug), o);
            for (fi, values) in d.facets.iter().enumerate() {
                for &v in values {
                    if let Some(list) = lists.get_mut(fi).and_then(|l| l.get_mut(v as usize)) {
                        list.push(o);
                    }
                }
            }
        }
        let facets = lists
            .into_iter()
            .map(|values| FacetPostings {
                values: values
                    .into_iter()
                    .map(|ords| Postings::from_sorted(ords, len))
                    .collect(),
            })
            .collect();

        let mut keyed: Vec<(&str, &str, u32)> = docs
            .iter()
            .enumerate()
            .filter_map(|(o, d)| {
                d.as_ref()
                    .map(|d| (d.title_key.as_str(), &*d.slug, o as u32))
            })
            .collect();
        keyed.sort_unstable();
        let by_title = Order::from_sorted(keyed.iter().map(|k| k.2).collect(), len);
        let title_rank = &by_title.rank;
        let live_ords: &[u32] = &by_title.ords;

        // Sort keys packed into integers, read once per record, so the sorts compare numbers
        // instead of chasing each record twice per comparison.
        let mut rating_keys: Vec<(u64, u32)> = Vec::with_capacity(live_ords.len());
        let mut recent_keys: Vec<(u64, u32)> = Vec::with_capacity(live_ords.len());
        for &o in live_ords {
            let d = docs[o as usize].as_ref();
            let rank = u64::from(title_rank[o as usize]);
            let strength = d
                .and_then(|d| d.rating)
                .map_or(u64::from(u8::MAX), |r| u64::from(r.strength_rank()));
            rating_keys.push(((strength << 32) | rank, o));
            // Newest first, unknown last: months since year 0, inverted; 0 for unknown.
            let age = d
                .and_then(|d| d.information_correct_at)
                .map_or(u64::MAX >> 32, |p| {
                    let months = u64::from(p.year) * 13 + p.month.map_or(0, u64::from);
                    (u64::MAX >> 33) - months
                });
            recent_keys.push(((age << 32) | rank, o));
        }
        rating_keys.sort_unstable();
        recent_keys.sort_unstable();
        let by_rating = Order::from_sorted(rating_keys.into_iter().map(|k| k.1).collect(), len);
        let recent_ords: Vec<u32> = recent_keys.into_iter().map(|k| k.1).collect();
        let by_recent = Order::from_sorted(recent_ords, len);

        let hole = MatchKey::of(&Intervention::default());
        let match_keys = docs
            .iter()
            .map(|d| d.as_ref().map_or(hole, |d| d.match_key))
            .collect();
        let mut exact: Vec<(&str, &str, u32)> = docs
            .iter()
            .enumerate()
            .filter_map(|(o, d)| {
                d.as_ref().map(|d| {
                    (
                        d.matching.title.as_str(),
                        d.matching.slug.as_str(),
                        o as u32,
                    )
                })
            })
            .collect();
        exact.sort_unstable();
        let mut signpost_title_order = vec![0; len];
        for (place, &(_, _, o)) in exact.iter().enumerate() {
            if let Some(p) = signpost_title_order.get_mut(o as usize) {
                *p = place as u32;
            }
        }

        Catalogue {
            live_count: live.count(),
            docs,
            by_slug,
            live,
            discontinued,
            listed,
            registry: Arc::new(registry),
            facets,
            by_title,
            by_rating,
            by_recent,
            match_keys,
            signpost_title_order,
        }
    }

    /// Number of ordinals, live or not: the size of every bitset over them.
    pub(crate) fn len(&self) -> usize {
        self.docs.len()
    }

    /// The records a search may return: every live one when discontinued records are
    /// included, the listed ones otherwise.
    pub(crate) fn scope(&self, include_discontinued: bool) -> &Bits {
        if include_discontinued {
            &self.live
        } else {
            &self.listed
        }
    }
}
