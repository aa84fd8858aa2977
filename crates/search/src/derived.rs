//! The index tokenizer: besides each word's stem, it emits tokens that turn the costly parts
//! of a query into single term lookups.
//!
//! - Thesaurus concepts. A query for "child pornography" must find records that say "indecent
//!   images of children" or "child sexual abuse material". Searching every wording of a group
//!   as a phrase at query time means a dozen phrase queries over the most common words of the
//!   collection (tens of milliseconds on 100,000 records). Instead the text is scanned as it is
//!   indexed for the wordings of every thesaurus group (compared stem by stem, like phrases),
//!   and a token naming the group (`#online`) is indexed for each occurrence.
//! - Word pairs. A phrase people type ("group work") means checking positions in every record
//!   holding both words, often most of them. So each pair of neighbouring stems is indexed as
//!   one token (`group work`) at the position of its first word; a two-word phrase is then one
//!   term, and a longer one a phrase of consecutive pairs ("personal safety plan" = "person
//!   safeti" then "safeti plan"), which is exact and reads far shorter position lists.
//!
//! Stems never hold a space or `#`, so the three kinds of token cannot be confused. The index
//! depends on the thesaurus: its fingerprint is kept in the meta file, and an index built with
//! another thesaurus is rebuilt.

use preventory_core::terminology::{thesaurus, Thesaurus, BUILTIN_JSON};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name under which the index tokenizer is registered with tantivy.
pub(crate) const TOKENIZER: &str = "preventory_index";

/// The token of a word pair: the two stems with a space between (stems never hold one).
pub(crate) fn pair_token(first: &str, second: &str) -> String {
    let mut t = String::with_capacity(first.len() + second.len() + 1);
    t.push_str(first);
    t.push(' ');
    t.push_str(second);
    t
}

/// Finds thesaurus wordings in a stream of stems.
#[derive(Debug)]
pub(crate) struct Matcher {
    /// Wordings by their last stem: (all stems, group index).
    by_last: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// Group ids, by group index.
    ids: Vec<String>,
    /// The token indexed for each group: `#` and its id (stems never hold `#`).
    tokens: Vec<String>,
    /// The stems of every wording of each group, for highlighting.
    wordings: Vec<Vec<Vec<String>>>,
    /// Stems in the longest wording.
    longest: usize,
}

impl Matcher {
    /// The matcher for the built-in thesaurus.
    pub(crate) fn builtin() -> Arc<Matcher> {
        static BUILTIN: OnceLock<Arc<Matcher>> = OnceLock::new();
        Arc::clone(
            BUILTIN.get_or_init(|| Arc::new(Matcher::new(thesaurus(), crate::schema::analyzer()))),
        )
    }

    fn new(thesaurus: &Thesaurus, mut analyzer: TextAnalyzer) -> Matcher {
        let mut by_last: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        let mut ids = Vec::new();
        let mut tokens = Vec::new();
        let mut wordings = Vec::new();
        let mut longest = 0;
        for (gi, group) in thesaurus.groups().iter().enumerate() {
            ids.push(group.id.clone());
            tokens.push(format!("#{}", group.id));
            let mut group_wordings = Vec::new();
            for wording in group.searched() {
                let mut s = Vec::new();
                let mut stream = analyzer.token_stream(wording);
                while stream.advance() {
                    s.push(stream.token().text.clone());
                }
                let Some(last) = s.last().cloned() else {
                    continue;
                };
                longest = longest.max(s.len());
                group_wordings.push(s.clone());
                by_last.entry(last).or_default().push((s, gi));
            }
            // Longest first, so that of two wordings ending at one word the longer is taken.
            for list in by_last.values_mut() {
                list.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
            }
            wordings.push(group_wordings);
        }
        Matcher {
            by_last,
            ids,
            tokens,
            wordings,
            longest,
        }
    }

    /// The token indexed for a group, by its id; `None` for an id the thesaurus lacks.
    pub(crate) fn token_of(&self, group_id: &str) -> Option<&str> {
        let p = self.ids.iter().position(|i| i == group_id)?;
        self.tokens.get(p).map(String::as_str)
    }

    /// The stems of every wording of a group, one list per wording (what snippets mark).
    pub(crate) fn wordings_of(&self, group_id: &str) -> &[Vec<String>] {
        self.ids
            .iter()
            .position(|i| i == group_id)
            .and_then(|p| self.wordings.get(p))
            .map_or(&[][..], Vec::as_slice)
    }
}

/// Tantivy tokenizer of the searched fields: stems, word pairs and thesaurus group tokens.
#[derive(Clone)]
pub(crate) struct IndexTokenizer {
    analyzer: TextAnalyzer,
    matcher: Arc<Matcher>,
}

impl IndexTokenizer {
    pub(crate) fn new(matcher: Arc<Matcher>) -> IndexTokenizer {
        IndexTokenizer {
            analyzer: crate::schema::analyzer(),
            matcher,
        }
    }
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = IndexStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> IndexStream<'a> {
        let IndexTokenizer { analyzer, matcher } = self;
        let keep = matcher.longest.max(2);
        IndexStream {
            inner: analyzer.token_stream(text),
            matcher,
            window: VecDeque::with_capacity(keep),
            keep,
            last_end: vec![None; matcher.ids.len()],
            pos: 0,
            // One slot from the start, so `token()` always has something to point at.
            slots: vec![Token::default()],
            filled: 0,
            next: 0,
        }
    }
}

/// The tokens of one text, produced as tantivy asks for them. Each word yields up to three
/// kinds of token; they wait in `slots`, whose strings are reused from word to word so that
/// indexing does not allocate per token.
pub(crate) struct IndexStream<'a> {
    inner: BoxTokenStream<'a>,
    matcher: &'a Matcher,
    /// The last stems, oldest first.
    window: VecDeque<String>,
    keep: usize,
    /// End (word index) of each group's last match: overlapping wordings of one group
    /// ("indecent images" in "indecent images of children") count once.
    last_end: Vec<Option<usize>>,
    /// Words read so far.
    pos: usize,
    slots: Vec<Token>,
    filled: usize,
    next: usize,
}

impl IndexStream<'_> {
    /// The index of a free slot, reusing its string.
    fn take_slot(&mut self) -> usize {
        if self.filled == self.slots.len() {
            self.slots.push(Token::default());
        }
        self.filled += 1;
        self.filled - 1
    }

    /// Fills slot `i` from the current word, with this text and position.
    fn fill(&mut self, i: usize, position: usize, parts: &[&str]) {
        let word = self.inner.token();
        let t = &mut self.slots[i];
        t.offset_from = word.offset_from;
        t.offset_to = word.offset_to;
        t.position = position;
        t.position_length = 1;
        t.text.clear();
        for p in parts {
            t.text.push_str(p);
        }
    }

    /// Reads the next word and queues its tokens: the pair ending with it, the concepts
    /// ending with it (both at the position of the word before), then the word itself, so
    /// positions never go backwards.
    fn refill(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        self.filled = 0;
        self.next = 0;
        self.pos += 1;
        let mut stem = if self.window.len() == self.keep {
            self.window.pop_front().unwrap_or_default()
        } else {
            String::new()
        };
        stem.clear();
        stem.push_str(&self.inner.token().text);
        self.window.push_back(stem);
        let at = self.pos.saturating_sub(2);
        let n = self.window.len();
        if n >= 2 {
            let i = self.take_slot();
            let word = self.inner.token();
            let t = &mut self.slots[i];
            t.offset_from = word.offset_from;
            t.offset_to = word.offset_to;
            t.position = at;
            t.position_length = 1;
            t.text.clear();
            t.text.push_str(&self.window[n - 2]);
            t.text.push(' ');
            t.text.push_str(&self.window[n - 1]);
        }
        let matcher = self.matcher;
        if let Some(candidates) = matcher.by_last.get(&self.inner.token().text) {
            for (stems, group) in candidates {
                let len = stems.len();
                if len > n || !self.window.iter().skip(n - len).eq(stems.iter()) {
                    continue;
                }
                let start = self.pos - len + 1;
                let overlaps = self.last_end[*group].is_some_and(|end| start <= end);
                self.last_end[*group] = Some(self.pos);
                if !overlaps {
                    let i = self.take_slot();
                    self.fill(i, at, &[&matcher.tokens[*group]]);
                }
            }
        }
        let i = self.take_slot();
        let word = self.inner.token();
        let t = &mut self.slots[i];
        t.offset_from = word.offset_from;
        t.offset_to = word.offset_to;
        t.position = self.pos - 1;
        t.position_length = 1;
        t.text.clear();
        t.text.push_str(&word.text);
        true
    }
}

impl TokenStream for IndexStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next >= self.filled && !self.refill() {
            return false;
        }
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.slots[self
            .next
            .saturating_sub(1)
            .min(self.slots.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.slots.len().saturating_sub(1));
        &mut self.slots[i]
    }
}

/// A fingerprint of the built-in thesaurus (FNV-1a of its file), kept with the index.
pub(crate) fn thesaurus_fingerprint() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in BUILTIN_JSON.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize)> {
        let mut t = IndexTokenizer::new(Matcher::builtin());
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    fn concepts(text: &str) -> Vec<String> {
        tokens(text)
            .into_iter()
            .map(|t| t.0)
            .filter(|t| t.starts_with('#'))
            .collect()
    }

    #[test]
    fn wordings_are_found_stem_by_stem() {
        assert_eq!(
            concepts("Viewing Indecent Images of Children, online."),
            vec!["#child_sexual_abuse_material", "#online"]
        );
        assert_eq!(
            concepts("men convicted of sexual offences"),
            vec!["#person_convicted_of_a_sexual_offence"]
        );
        assert_eq!(
            concepts("Sex offenders and sex offender"),
            vec![
                "#person_convicted_of_a_sexual_offence",
                "#person_convicted_of_a_sexual_offence"
            ]
        );
        // The longer wording is found; a shorter one of another group inside it too.
        let found = concepts("a juvenile sex offender");
        assert!(found.contains(&"#harmful_sexual_behaviour".to_string()));
        assert!(concepts("indecent").is_empty());
        assert!(concepts("").is_empty());
        assert_eq!(
            concepts("calls are anonymous and confidential"),
            vec!["#help_seeking", "#help_seeking"]
        );
    }

    #[test]
    fn words_pairs_and_concepts_in_position_order() {
        let got = tokens("CSAM and group work");
        let want: Vec<(String, usize)> = [
            ("#child_sexual_abuse_material", 0),
            ("csam", 0),
            ("csam and", 0),
            ("and", 1),
            ("and group", 1),
            ("group", 2),
            ("group work", 2),
            ("work", 3),
        ]
        .iter()
        .map(|(t, p)| (t.to_string(), *p))
        .collect();
        assert_eq!(got, want);
        // Positions never go backwards, whatever the text.
        let long = tokens("Indecent images of children: online, internet-related help for me.");
        assert!(long.windows(2).all(|w| w[0].1 <= w[1].1), "{long:?}");
        assert_eq!(thesaurus_fingerprint().len(), 16);
    }
}
