//! Gap maps: two facets crossed over the records a search matches, each cell counted by rating,
//! from the catalogue's facet postings (bit operations, no record is read).

use crate::bits::Bits;
use crate::{exec, query, SearchError, SearchIndex, SearchRequest, Snapshot};
use preventory_core::gaps::{GapCell, GapMap, RatingCounts};
use preventory_core::{terminology, Facet};

/// Most slugs a cell may list.
pub const MAX_CELL_SLUGS: usize = 1_000;

/// Facets whose vocabulary is long (every country, every language): a map lists only the
/// values some record holds, or it would be mostly rows of nothing about places no record
/// mentions.
fn lists_only_values_in_use(facet: Facet) -> bool {
    matches!(facet, Facet::Country | Facet::Language)
}

impl SearchIndex {
    /// The gap map of `rows` × `cols` over the records matching `request`'s words and filters
    /// (its sort and page are ignored): for every pair of values, how many records hold both,
    /// by rating, and the slugs of the first `max_slugs` of them by title (at most
    /// [`MAX_CELL_SLUGS`]).
    ///
    /// Rows and columns list every known value of their facet in vocabulary order (so empty
    /// cells show as gaps), then verbatim values that some matching record holds; for
    /// countries and languages only the values some record in the collection holds.
    /// Discontinued records count only when the request includes them, both in the cells and
    /// in which countries and languages are listed.
    pub fn gap_map(
        &self,
        request: &SearchRequest,
        rows: Facet,
        cols: Facet,
        max_slugs: usize,
    ) -> Result<GapMap, SearchError> {
        let snap = self.current();
        let scope = snap.catalogue.scope(request.include_discontinued);
        let results = self.filtered_matches(&snap, request, scope)?;
        let cat = &snap.catalogue;
        let row_values = axis_values(&snap, rows, &results, scope);
        let col_values = axis_values(&snap, cols, &results, scope);
        let rating_index = facet_index(Facet::Rating);
        let ratings: Vec<(&str, &crate::bits::Postings)> = cat
            .registry
            .ids(rating_index)
            .iter()
            .map(String::as_str)
            .zip(cat.facets[rating_index].values.iter())
            .collect();
        let max_slugs = max_slugs.min(MAX_CELL_SLUGS);

        let mut cells = Vec::with_capacity(row_values.len() * col_values.len());
        for (row_id, row_postings) in &row_values {
            let in_row = match row_postings {
                Some(p) => p.intersect(&results),
                None => Bits::new(cat.len()),
            };
            let row_count = in_row.count();
            for (col_id, col_postings) in &col_values {
                let mut cell = GapCell {
                    row: row_id.clone(),
                    col: col_id.clone(),
                    count: 0,
                    by_rating: RatingCounts::default(),
                    slugs: Vec::new(),
                };
                if let (Some(col_postings), true) = (col_postings, row_count > 0) {
                    let both = col_postings.intersect(&in_row);
                    cell.count = both.count();
                    if cell.count > 0 {
                        for (id, postings) in &ratings {
                            cell.by_rating.add_by_id(id, postings.count_in(&both));
                        }
                        cell.slugs = cat
                            .by_title
                            .page(&both, cell.count, 0, max_slugs)
                            .into_iter()
                            .filter_map(|o| cat.docs.get(o as usize)?.as_ref())
                            .map(|d| d.slug.to_string())
                            .collect();
                    }
                }
                cells.push(cell);
            }
        }
        Ok(GapMap {
            row_facet: rows,
            col_facet: cols,
            rows: row_values.into_iter().map(|(id, _)| id).collect(),
            cols: col_values.into_iter().map(|(id, _)| id).collect(),
            total: results.count(),
            cells,
        })
    }

    /// How many of the records matching `request` (words and filters) have an "information
    /// correct at" date before `before` (as months since year 0: `year * 12 + month - 1`,
    /// a year alone counting as its January), and how many have none. Discontinued records
    /// count only when the request includes them.
    pub fn count_dated_before(
        &self,
        request: &SearchRequest,
        before: u32,
    ) -> Result<(usize, usize), SearchError> {
        let snap = self.current();
        let scope = snap.catalogue.scope(request.include_discontinued);
        let results = self.filtered_matches(&snap, request, scope)?;
        let (mut older, mut unknown) = (0, 0);
        for o in results.iter() {
            let Some(d) = snap.catalogue.docs.get(o as usize).and_then(Option::as_ref) else {
                continue;
            };
            match d.information_correct_at {
                None => unknown += 1,
                Some(p) => {
                    let months = u32::from(p.year) * 12 + u32::from(p.month.unwrap_or(1)) - 1;
                    if months < before {
                        older += 1;
                    }
                }
            }
        }
        Ok((older, unknown))
    }

    /// The records of `scope` (live ones, with or without the discontinued: see
    /// [`crate::catalogue::Catalogue::scope`]) matching `request`'s words and every filter.
    /// The scope is given apart from the request because signposting never widens it.
    pub(crate) fn filtered_matches(
        &self,
        snap: &Snapshot,
        request: &SearchRequest,
        scope: &Bits,
    ) -> Result<Bits, SearchError> {
        let cat = &snap.catalogue;
        let len = cat.len();
        query::check_length(&request.query)?;
        let expansion = terminology::expand(&request.query);
        query::check_words(&expansion, &self.analyzer)?;
        let plan = query::plan(&snap.searcher, &self.fields, &self.analyzer, &expansion)?;
        let mut results = if plan.matches_nothing {
            Bits::new(len)
        } else if plan.clauses.is_empty() {
            scope.clone()
        } else {
            let mut found = Bits::new(len);
            let prepared = exec::prepare(&plan, &snap.searcher, false)?;
            for (seg, reader) in snap.searcher.segment_readers().iter().enumerate() {
                let ords = snap.segment_ords.get(seg).map_or(&[][..], Vec::as_slice);
                for doc in prepared.run(reader)?.docs.iter() {
                    if let Some(&o) = ords.get(doc as usize).filter(|&&o| scope.contains(o)) {
                        found.insert(o);
                    }
                }
            }
            found
        };
        for (fi, facet) in Facet::ALL.iter().enumerate() {
            if let Some(ids) = request.filters.get(facet).filter(|ids| !ids.is_empty()) {
                if let Some(postings) = cat.facets.get(fi) {
                    results.and_with(&postings.union_of(&cat.registry, fi, ids, len));
                }
            }
        }
        Ok(results)
    }
}

fn facet_index(facet: Facet) -> usize {
    Facet::ALL.iter().position(|f| *f == facet).unwrap_or(0)
}

/// The values along one axis, with their postings (`None`: no record ever held it); for
/// countries and languages only those some record of `scope` holds.
fn axis_values<'a>(
    snap: &'a Snapshot,
    facet: Facet,
    results: &Bits,
    scope: &Bits,
) -> Vec<(String, Option<&'a crate::bits::Postings>)> {
    let cat = &snap.catalogue;
    let fi = facet_index(facet);
    let postings_of = |id: &str| {
        cat.registry
            .number(fi, id)
            .and_then(|n| cat.facets.get(fi)?.values.get(n as usize))
    };
    let in_use = |p: &crate::bits::Postings| p.count_in(scope) > 0;
    let mut values: Vec<(String, Option<&crate::bits::Postings>)> = Vec::new();
    for (id, _) in facet.known_values() {
        let postings = postings_of(id);
        if lists_only_values_in_use(facet) && !postings.is_some_and(in_use) {
            continue;
        }
        values.push((id.to_string(), postings));
    }
    let known = facet.known_values();
    for (id, postings) in cat
        .registry
        .ids(fi)
        .iter()
        .zip(cat.facets.get(fi).map_or(&[][..], |f| f.values.as_slice()))
    {
        if !known.iter().any(|(k, _)| k == id) && postings.count_in(results) > 0 {
            values.push((id.clone(), Some(postings)));
        }
    }
    values
}
