//! Turning people's words into a plan of tantivy queries, programmatically: user text is never
//! given to tantivy's query parser, so its syntax characters are just punctuation here.
//!
//! Every unit of the query (a word, a quoted phrase, a thesaurus wording) is a clause that must
//! match, in any field: as its stem, as a word one typo away (words of 5+ letters), as a phrase,
//! or as its thesaurus group. A clause is a list of leaf queries (one per field and variant),
//! any of which may match; title matches weigh most, then summary, then the rest. The plan is
//! evaluated by `exec`, not as one tantivy `BooleanQuery` (see there why).

use crate::derived::{pair_token, Matcher};
use crate::schema::{Fields, BODY_BOOST, SUMMARY_BOOST, TITLE_BOOST};
use crate::snippet::Highlight;
use crate::SearchError;
use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA};
use preventory_core::terminology::{words, Clause, Expansion};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words accepted in a query.
pub const MAX_QUERY_TERMS: usize = 32;
/// Shortest word (in letters) that also matches words one typo away.
pub const FUZZY_MIN_CHARS: usize = 5;

/// A typo costs: a word one edit away counts for this much of an exact match.
const FUZZY_WEIGHT: f32 = 0.3;
/// A thesaurus alternative counts for this much of the person's own wording.
const ALTERNATIVE_WEIGHT: f32 = 0.7;
/// At most this many typo variants per word and field, the most frequent first: enough for
/// real typos, and a bound on query size for short stems with many neighbours.
const MAX_FUZZY_VARIANTS: usize = 6;

/// Short words not worth marking in snippets.
const HIGHLIGHT_SKIP: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "and", "or", "by", "with", "about",
    "is", "it", "i", "im", "me", "my", "t", "can", "cant", "how", "do", "what", "where", "who",
];

/// Common English words left out of queries that have other words.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "them", "they", "this", "to",
    "was", "were", "which", "with", "i", "im", "me", "my", "we", "our", "you", "your",
];

/// A bare stopword typed on its own (not quoted, not part of a thesaurus wording).
fn is_stopword(clause: &Clause) -> bool {
    if clause.quoted || clause.group.is_some() {
        return false;
    }
    matches!(words(&clause.text).as_slice(), [w] if STOPWORDS.contains(&w.as_str()))
}

/// One way a clause can match: a tantivy query (boosted), and about how many records it
/// matches, to decide how to evaluate it.
pub(crate) struct Leaf {
    pub query: Box<dyn Query>,
    pub cost: u64,
}

/// A unit of the query: records must match one of its leaves (or, when not required, matching
/// only adds to the score).
pub(crate) struct ClausePlan {
    pub required: bool,
    pub leaves: Vec<Leaf>,
}

impl ClausePlan {
    /// Postings to read to evaluate the clause by scanning.
    pub(crate) fn cost(&self) -> u64 {
        self.leaves.iter().map(|l| l.cost).sum()
    }
}

/// What a query became.
pub(crate) struct Plan {
    /// The clauses; none when the request is for everything (no words).
    pub clauses: Vec<ClausePlan>,
    /// Some required word cannot match any record: the result is empty without evaluation.
    pub matches_nothing: bool,
    /// What to mark in snippets.
    pub highlight: Highlight,
}

struct Builder<'a> {
    searcher: &'a Searcher,
    fields: [(Field, f32); 3],
    matcher: Arc<Matcher>,
    analyzer: TextAnalyzer,
    highlight: Highlight,
}

/// One token of analysed text: its stem and how many characters the word had.
struct Token {
    stem: String,
    chars: usize,
}

fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        let chars = text
            .get(t.offset_from..t.offset_to)
            .map_or(t.text.len(), |s| s.chars().count());
        out.push(Token {
            stem: t.text.clone(),
            chars,
        });
    }
    out
}

/// Checks the query's length before anything else is done with it: limits keep any one
/// query's cost bounded.
pub(crate) fn check_length(query: &str) -> Result<(), SearchError> {
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SearchError::BadQuery(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are allowed"
        )));
    }
    Ok(())
}

/// Checks the number of words the person typed (thesaurus additions do not count).
pub(crate) fn check_words(
    expansion: &Expansion,
    analyzer: &TextAnalyzer,
) -> Result<(), SearchError> {
    let mut analyzer = analyzer.clone();
    let words: usize = expansion
        .clauses
        .iter()
        .map(|c| analyze(&mut analyzer, &c.text).len())
        .sum();
    if words > MAX_QUERY_TERMS {
        return Err(SearchError::BadQuery(format!(
            "the query has {words} words; at most {MAX_QUERY_TERMS} are allowed"
        )));
    }
    Ok(())
}

/// Plans the search for an expansion.
pub(crate) fn plan(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &TextAnalyzer,
    expansion: &Expansion,
) -> Result<Plan, SearchError> {
    let mut b = Builder {
        searcher,
        fields: [
            (fields.title, TITLE_BOOST),
            (fields.summary, SUMMARY_BOOST),
            (fields.body, BODY_BOOST),
        ],
        matcher: Matcher::builtin(),
        analyzer: analyzer.clone(),
        highlight: Highlight::default(),
    };
    let mut clauses: Vec<ClausePlan> = Vec::new();
    let mut matches_nothing = false;
    // Words like "and" or "the" are in nearly every record: requiring them changes nothing but
    // the cost. They count only when a query has nothing else.
    let all_stopwords = expansion.clauses.iter().all(is_stopword);
    for clause in &expansion.clauses {
        if !all_stopwords && is_stopword(clause) {
            continue;
        }
        // For a person seeking help, their filler words ("I", "really") must not empty the
        // results: only the recognised phrases are required.
        let required = !expansion.help_seeking || clause.group.is_some();
        let leaves = b.clause(clause)?;
        if leaves.is_empty() {
            // No record can match this clause.
            matches_nothing |= required;
        } else {
            clauses.push(ClausePlan { required, leaves });
        }
    }
    if !expansion.clauses.is_empty() && !clauses.iter().any(|c| c.required) {
        // Words, but none that can match (all punctuation, or only optional words): with no
        // clause to require, nothing matches; browsing is for empty queries only.
        matches_nothing = true;
    }
    if matches_nothing {
        clauses.clear();
    }
    Ok(Plan {
        clauses,
        matches_nothing,
        highlight: b.highlight,
    })
}

impl Builder<'_> {
    fn clause(&mut self, clause: &Clause) -> Result<Vec<Leaf>, SearchError> {
        let matcher = Arc::clone(&self.matcher);
        if let Some(token) = clause.group.as_deref().and_then(|g| matcher.token_of(g)) {
            return self.concept(token, clause);
        }
        let mut leaves = if clause.quoted {
            let tokens = analyze(&mut self.analyzer, &clause.text);
            self.phrase_or_term(&tokens, 1.0)?
        } else {
            self.words(&clause.text)?
        };
        for alt in &clause.alternatives {
            let tokens = analyze(&mut self.analyzer, alt);
            leaves.extend(self.phrase_or_term(&tokens, ALTERNATIVE_WEIGHT)?);
        }
        Ok(leaves)
    }

    /// A thesaurus wording: the records where indexing found any wording of its group (which
    /// includes the person's own, as a phrase).
    fn concept(&mut self, token: &str, clause: &Clause) -> Result<Vec<Leaf>, SearchError> {
        // Any wording of the group may be what the record says: mark those, whole.
        let group = clause.group.as_deref().unwrap_or_default();
        let matcher = Arc::clone(&self.matcher);
        for wording in matcher.wordings_of(group) {
            self.mark_phrase(wording);
        }
        let mut leaves = Vec::new();
        for (field, boost) in self.fields {
            self.term_leaf(&mut leaves, Term::from_field_text(field, token), boost)?;
        }
        Ok(leaves)
    }

    /// Unquoted text: a word, or a phrase when it holds punctuation ("can't", "e-safety").
    /// Several words (only from a thesaurus group the index does not know) must all match.
    fn words(&mut self, text: &str) -> Result<Vec<Leaf>, SearchError> {
        let mut per_word: Vec<Vec<Leaf>> = Vec::new();
        for word in text.split_whitespace() {
            let tokens = analyze(&mut self.analyzer, word);
            let leaves = match tokens.as_slice() {
                [] => continue,
                [t] => self.word(t)?,
                _ => self.phrase_or_term(&tokens, 1.0)?,
            };
            if leaves.is_empty() {
                return Ok(Vec::new());
            }
            per_word.push(leaves);
        }
        if per_word.len() <= 1 {
            return Ok(per_word.pop().unwrap_or_default());
        }
        let cost = per_word
            .iter()
            .map(|l| l.iter().map(|x| x.cost).sum::<u64>())
            .min()
            .unwrap_or(0);
        let must: Vec<(Occur, Box<dyn Query>)> = per_word
            .into_iter()
            .map(|leaves| {
                let any: Vec<(Occur, Box<dyn Query>)> = leaves
                    .into_iter()
                    .map(|l| (Occur::Should, l.query))
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        Ok(vec![Leaf {
            query: Box::new(BooleanQuery::new(must)),
            cost,
        }])
    }

    /// One word in any field, exactly (by stem) or, for longer words, one typo away.
    fn word(&mut self, t: &Token) -> Result<Vec<Leaf>, SearchError> {
        let mut leaves = Vec::new();
        self.mark(&t.stem);
        for (field, boost) in self.fields {
            self.term_leaf(&mut leaves, Term::from_field_text(field, &t.stem), boost)?;
        }
        if t.chars >= FUZZY_MIN_CHARS {
            for (field, boost) in self.fields {
                for variant in self.variants(field, &t.stem)? {
                    self.mark(&variant);
                    let term = Term::from_field_text(field, &variant);
                    self.term_leaf(&mut leaves, term, boost * FUZZY_WEIGHT)?;
                }
            }
        }
        Ok(leaves)
    }

    /// Adds a boosted term query, unless the term is in no record.
    fn term_leaf(&self, leaves: &mut Vec<Leaf>, term: Term, boost: f32) -> Result<(), SearchError> {
        let cost = self.searcher.doc_freq(&term)?;
        if cost > 0 {
            leaves.push(Leaf {
                query: Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    boost,
                )),
                cost,
            });
        }
        Ok(())
    }

    /// Tokens in a row in any field. A single token is a plain term, without typo tolerance:
    /// the person quoted it, or it is the thesaurus's own wording. Two tokens are one indexed
    /// pair; more are a phrase of consecutive pairs (see `derived`).
    fn phrase_or_term(&mut self, tokens: &[Token], weight: f32) -> Result<Vec<Leaf>, SearchError> {
        let stems: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
        self.mark_phrase(&stems);
        let mut leaves = Vec::new();
        match tokens {
            [] => {}
            [t] => {
                for (field, boost) in self.fields {
                    let term = Term::from_field_text(field, &t.stem);
                    self.term_leaf(&mut leaves, term, boost * weight)?;
                }
            }
            [first, second] => {
                for (field, boost) in self.fields {
                    let term = Term::from_field_text(field, &pair_token(&first.stem, &second.stem));
                    self.term_leaf(&mut leaves, term, boost * weight)?;
                }
            }
            _ => {
                'fields: for (field, boost) in self.fields {
                    let mut pairs = Vec::with_capacity(tokens.len() - 1);
                    let mut cost = u64::MAX;
                    for w in tokens.windows(2) {
                        let term =
                            Term::from_field_text(field, &pair_token(&w[0].stem, &w[1].stem));
                        let df = self.searcher.doc_freq(&term)?;
                        if df == 0 {
                            continue 'fields; // some pair is nowhere in this field
                        }
                        cost = cost.min(df);
                        pairs.push(term);
                    }
                    leaves.push(Leaf {
                        query: Box::new(BoostQuery::new(
                            Box::new(PhraseQuery::new(pairs)),
                            boost * weight,
                        )),
                        cost,
                    });
                }
            }
        }
        Ok(leaves)
    }

    /// Terms of a field one edit (insertion, deletion, substitution or transposition) from
    /// `stem`, most frequent first.
    fn variants(&self, field: Field, stem: &str) -> Result<Vec<String>, SearchError> {
        static BUILDER: OnceLock<LevenshteinAutomatonBuilder> = OnceLock::new();
        let dfa = BUILDER
            .get_or_init(|| LevenshteinAutomatonBuilder::new(1, true))
            .build_dfa(stem);
        let mut found: HashMap<String, u64> = HashMap::new();
        for reader in self.searcher.segment_readers() {
            let inverted = reader.inverted_index(field)?;
            let mut stream = inverted.terms().search(DfaAutomaton(&dfa)).into_stream()?;
            while stream.advance() {
                if let Ok(text) = std::str::from_utf8(stream.key()) {
                    // Word pairs and concepts share the dictionary; only words are variants.
                    if text != stem && !text.contains(' ') && !text.starts_with('#') {
                        *found.entry(text.to_string()).or_default() +=
                            u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        let mut list: Vec<(String, u64)> = found.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(MAX_FUZZY_VARIANTS);
        Ok(list.into_iter().map(|(t, _)| t).collect())
    }

    fn mark(&mut self, stem: &str) {
        // Marking "of" or "a" all over a snippet helps nobody.
        if !HIGHLIGHT_SKIP.contains(&stem) {
            self.highlight.words.insert(stem.to_string());
        }
    }

    /// Marks a run of stems where it occurs whole (one stem: as a word).
    fn mark_phrase(&mut self, stems: &[String]) {
        match stems {
            [] => {}
            [one] => self.mark(one),
            _ => {
                if !self.highlight.phrases.iter().any(|p| p == stems) {
                    self.highlight.phrases.push(stems.to_vec());
                }
            }
        }
    }
}

/// A Levenshtein DFA walking a term dictionary (tantivy's own wrapper is private).
struct DfaAutomaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for DfaAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}
