//! Evaluating a plan: every record the query matches (for the facet counts) and, when results
//! are ranked, each one's score.
//!
//! Facet counts need the complete set of matches, so no top-k shortcut (block-max WAND) can
//! skip any. And in this collection the words people search for are in most records, where
//! tantivy's intersection of unions spends its time seeking every field's postings for every
//! record. So clauses are evaluated one at a time, each into a bitset over the segment's
//! documents, while leaf scores accumulate in an array:
//!
//! - a clause is *scanned* (each leaf's postings read straight through) when its postings are
//!   not many more than the records still in the running;
//! - otherwise each leaf *seeks* to the remaining records only, so a rare word followed by a
//!   common one costs what the rare one does.
//!
//! Clauses go cheapest first. A record's score is the sum of its leaves' BM25 scores, as a
//! tantivy `BooleanQuery` would give.

use crate::bits::Bits;
use crate::query::{ClausePlan, Plan};
use crate::SearchError;
use tantivy::query::{EnableScoring, Weight};
use tantivy::{DocSet, Searcher, SegmentReader, TERMINATED};

/// Seeking one document costs about this many sequentially read postings.
const SEEK_COST: u64 = 8;

/// What evaluation gives for one segment.
pub(crate) struct SegmentMatches {
    /// Matching live documents of the segment.
    pub docs: Bits,
    /// Scores by document (empty when not ranked).
    pub scores: Vec<f32>,
}

struct WeightedClause {
    required: bool,
    cost: u64,
    weights: Vec<Box<dyn Weight>>,
}

/// A plan made ready to run on the segments of one searcher.
pub(crate) struct Prepared {
    clauses: Vec<WeightedClause>,
    ranked: bool,
}

/// Creates the weights of a plan (BM25 statistics are taken over the whole searcher).
pub(crate) fn prepare(
    plan: &Plan,
    searcher: &Searcher,
    ranked: bool,
) -> Result<Prepared, SearchError> {
    let mut clauses = Vec::with_capacity(plan.clauses.len());
    for c in &plan.clauses {
        clauses.push(weigh(c, searcher, ranked)?);
    }
    // Cheapest first: they leave the fewest records for the others.
    clauses.sort_by_key(|c| (!c.required, c.cost));
    Ok(Prepared { clauses, ranked })
}

fn weigh(c: &ClausePlan, searcher: &Searcher, ranked: bool) -> Result<WeightedClause, SearchError> {
    let mut weights = Vec::with_capacity(c.leaves.len());
    for leaf in &c.leaves {
        let scoring = if ranked {
            EnableScoring::enabled_from_searcher(searcher)
        } else {
            EnableScoring::disabled_from_searcher(searcher)
        };
        weights.push(leaf.query.weight(scoring)?);
    }
    Ok(WeightedClause {
        required: c.required,
        cost: c.cost(),
        weights,
    })
}

impl Prepared {
    /// The matching live documents of one segment, with their scores when ranked.
    pub(crate) fn run(&self, reader: &SegmentReader) -> Result<SegmentMatches, SearchError> {
        let max_doc = reader.max_doc() as usize;
        let mut scores = if self.ranked {
            vec![0.0f32; max_doc]
        } else {
            Vec::new()
        };
        let mut running: Option<Bits> = None;
        for clause in self.clauses.iter().filter(|c| c.required) {
            let found = self.clause(clause, reader, running.as_ref(), &mut scores)?;
            let next = match running {
                None => found,
                Some(mut r) => {
                    r.and_with(&found);
                    r
                }
            };
            let empty = next.count() == 0;
            running = Some(next);
            if empty {
                break;
            }
        }
        let mut docs = running.unwrap_or_else(|| Bits::new(max_doc));
        if let Some(alive) = reader.alive_bitset() {
            let dead: Vec<u32> = docs.iter().filter(|&d| !alive.is_alive(d)).collect();
            for d in dead {
                docs.remove(d);
            }
        }
        // Optional clauses only add to the scores of the records already matched.
        if self.ranked && docs.count() > 0 {
            for clause in self.clauses.iter().filter(|c| !c.required) {
                self.clause(clause, reader, Some(&docs), &mut scores)?;
            }
        }
        Ok(SegmentMatches { docs, scores })
    }

    /// The documents matching any leaf of `clause` (among `running`, when given: outside it
    /// the answer does not matter), adding leaf scores to `scores`.
    fn clause(
        &self,
        clause: &WeightedClause,
        reader: &SegmentReader,
        running: Option<&Bits>,
        scores: &mut [f32],
    ) -> Result<Bits, SearchError> {
        let mut found = Bits::new(reader.max_doc() as usize);
        let seek =
            running.is_some_and(|r| (r.count() as u64).saturating_mul(SEEK_COST) < clause.cost);
        for weight in &clause.weights {
            match (seek, running) {
                (true, Some(running)) => {
                    let mut scorer = weight.scorer(reader, 1.0)?;
                    for doc in running.iter() {
                        let mut at = scorer.doc();
                        if at < doc {
                            at = scorer.seek(doc);
                        }
                        if at == TERMINATED {
                            break;
                        }
                        if at == doc {
                            found.insert(doc);
                            if let Some(s) = scores.get_mut(doc as usize) {
                                *s += scorer.score();
                            }
                        }
                    }
                }
                _ if self.ranked => {
                    weight.for_each(reader, &mut |doc, score| {
                        found.insert(doc);
                        if let Some(s) = scores.get_mut(doc as usize) {
                            *s += score;
                        }
                    })?;
                }
                _ => {
                    weight.for_each_no_score(reader, &mut |docs| {
                        for &doc in docs {
                            found.insert(doc);
                        }
                    })?;
                }
            }
        }
        Ok(found)
    }
}
