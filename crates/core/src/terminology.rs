//! Terminology: the curated thesaurus (`data/thesaurus.json`) and query expansion.
//!
//! People search with many wordings for the same thing, some of them outdated or stigmatising
//! ("child pornography", "sex offender"), and people worried about their own thoughts search
//! in their own words ("can't stop looking"). Our own text uses the preferred terms of the
//! Luxembourg Terminology Guidelines, so without help those searches would miss the services
//! they are looking for. [`expand`] finds the thesaurus wordings in a query and says what else
//! to search for, and what to tell the person was added.
//!
//! The thesaurus is embedded in the binary and parsed once. This module does no I/O.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

/// The thesaurus as kept in the repository.
pub const BUILTIN_JSON: &str = include_str!("../../../data/thesaurus.json");

/// Why a thesaurus could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThesaurusError {
    /// The text is not JSON.
    #[error("thesaurus is not valid JSON at byte {offset}: {message}")]
    Json {
        /// Byte offset of the problem.
        offset: usize,
        /// What was wrong.
        message: String,
    },
    /// The JSON does not have the thesaurus's shape, or a group breaks a rule.
    #[error("thesaurus group {group:?}: {message}")]
    Invalid {
        /// The group's id (or its position when it has none).
        group: String,
        /// What is wrong.
        message: String,
    },
}

/// A set of wordings that mean the same thing for searching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Stable id, for logs and tests.
    pub id: String,
    /// Our own wording, shown first.
    pub preferred: String,
    /// Other wordings people search with; any of them triggers the group.
    pub terms: Vec<String>,
    /// Terms searched but never shown as our wording (outdated terms, lay phrases).
    pub hidden: Vec<String>,
    /// Wordings searched and shown when the group applies, which do not trigger it.
    pub also_search: Vec<String>,
    /// The group's phrases come from people seeking help for themselves.
    pub help_seeking: bool,
    /// Why the group exists, for the people who curate it.
    pub note: String,
}

impl Group {
    /// Every wording searched when the group applies: preferred, terms, then `also_search`.
    pub fn searched(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.preferred.as_str())
            .chain(self.terms.iter().map(String::as_str))
            .chain(self.also_search.iter().map(String::as_str))
    }

    /// The wordings that may be shown to people, preferred first; hidden terms never appear.
    pub fn shown(&self) -> Vec<&str> {
        let hidden: BTreeSet<Vec<String>> = self.hidden.iter().map(|h| words(h)).collect();
        std::iter::once(self.preferred.as_str())
            .chain(self.also_search.iter().map(String::as_str))
            .chain(
                self.terms
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !hidden.contains(&words(t))),
            )
            .collect()
    }

    /// The wordings that trigger the group: preferred and terms.
    fn triggers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.preferred.as_str()).chain(self.terms.iter().map(String::as_str))
    }
}

/// One unit of a query that must match (or may match, see [`Expansion::help_seeking`]): a word,
/// a quoted phrase, or a thesaurus wording, with what else may match instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The user's text for this unit, as typed (quotes removed).
    pub text: String,
    /// The user put it in quotes: match it as an exact phrase.
    pub quoted: bool,
    /// Other wordings, any of which matches instead of `text` (from the thesaurus).
    pub alternatives: Vec<String>,
    /// The id of the thesaurus group that supplied the alternatives.
    pub group: Option<String>,
}

/// What [`expand`] made of a query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The user's words and phrases, in order (a thesaurus wording counts as one).
    pub terms: Vec<String>,
    /// Every wording added by the thesaurus, without duplicates.
    pub alternatives: Vec<String>,
    /// What to tell people was also searched: preferred terms first, never a hidden term, never
    /// what they typed themselves.
    pub expanded_terms: Vec<String>,
    /// The query reads like a person seeking help for themselves: the site should show its note
    /// on confidential help, and words outside the thesaurus phrases need not all match.
    pub help_seeking: bool,
    /// The query's units, for building the search.
    pub clauses: Vec<Clause>,
    /// Ids of the thesaurus groups that applied, in order of first use.
    pub groups: Vec<String>,
}

/// The curated thesaurus, with its wordings indexed for matching.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    groups: Vec<Group>,
    /// (normalised words of a triggering wording, group index), longest first.
    triggers: Vec<(Vec<String>, usize)>,
    /// Words in the longest triggering wording: how far ahead matching needs to look.
    longest: usize,
}

/// The built-in thesaurus, parsed on first use.
pub fn thesaurus() -> &'static Thesaurus {
    static BUILTIN: OnceLock<Thesaurus> = OnceLock::new();
    // The embedded file is checked by a test; an empty thesaurus only disables expansion.
    BUILTIN.get_or_init(|| Thesaurus::parse(BUILTIN_JSON).unwrap_or_default())
}

/// Expands a query with the built-in thesaurus. Never fails: text it cannot use is ignored.
pub fn expand(query: &str) -> Expansion {
    thesaurus().expand(query)
}

/// A query's words in the form used for matching: lowercase, apostrophes dropped (so "can't"
/// and "cant" are the same word), any other punctuation a word break.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`')
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// Same word, tolerating a plural `s` on words of four letters or more ("offender",
/// "offenders"), so the thesaurus need not list both.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    short.chars().count() >= 4
        && long.len() == short.len() + 1
        && long.ends_with('s')
        && long.starts_with(short)
}

fn same_words(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_word(x, y))
}

/// A piece of the query before matching: a bare word or a quoted phrase.
struct Segment {
    text: String,
    quoted: bool,
}

fn segments(query: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let flush = |current: &mut String, quoted: bool, out: &mut Vec<Segment>| {
        let text = current.trim().to_string();
        current.clear();
        if !words(&text).is_empty() {
            out.push(Segment { text, quoted });
        }
    };
    for c in query.chars() {
        if is_quote(c) {
            flush(&mut current, quoted, &mut out);
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            flush(&mut current, quoted, &mut out);
        } else {
            current.push(c);
        }
    }
    // An unclosed quote runs to the end of the query, as people usually mean.
    flush(&mut current, quoted, &mut out);
    out
}

impl Thesaurus {
    /// Reads a thesaurus from its JSON form and checks every group (see `data/thesaurus.json`).
    pub fn parse(json: &str) -> Result<Thesaurus, ThesaurusError> {
        let value = json::parse(json)?;
        let root = value
            .as_object()
            .ok_or_else(|| invalid("(root)", "expected an object"))?;
        let mut groups = Vec::new();
        for (key, v) in root {
            match key.as_str() {
                "about" => {}
                "groups" => {
                    let list = v
                        .as_array()
                        .ok_or_else(|| invalid("(root)", "`groups` must be an array"))?;
                    for (i, g) in list.iter().enumerate() {
                        groups.push(group_from_json(i, g)?);
                    }
                }
                other => return Err(invalid("(root)", &format!("unknown key `{other}`"))),
            }
        }
        Thesaurus::from_groups(groups)
    }

    /// Builds a thesaurus from groups, checking that every wording has words, hidden terms are
    /// terms, ids are unique and no wording belongs to two groups.
    pub fn from_groups(groups: Vec<Group>) -> Result<Thesaurus, ThesaurusError> {
        let mut triggers: Vec<(Vec<String>, usize)> = Vec::new();
        let mut all_wordings: Vec<(Vec<String>, String)> = Vec::new();
        let mut ids = BTreeSet::new();
        for (gi, g) in groups.iter().enumerate() {
            if g.id.trim().is_empty() {
                return Err(invalid(&format!("#{gi}"), "missing id"));
            }
            if !ids.insert(g.id.clone()) {
                return Err(invalid(&g.id, "duplicate id"));
            }
            for wording in g.searched() {
                let w = words(wording);
                if w.is_empty() {
                    return Err(invalid(&g.id, &format!("wording {wording:?} has no words")));
                }
                if let Some((_, owner)) = all_wordings.iter().find(|(o, _)| same_words(o, &w)) {
                    return Err(invalid(
                        &g.id,
                        &format!("wording {wording:?} is already in group {owner:?}"),
                    ));
                }
                all_wordings.push((w, g.id.clone()));
            }
            for h in &g.hidden {
                let hw = words(h);
                if !g.terms.iter().any(|t| same_words(&words(t), &hw)) {
                    return Err(invalid(
                        &g.id,
                        &format!("hidden {h:?} is not one of its terms"),
                    ));
                }
            }
            if g.note.trim().is_empty() {
                return Err(invalid(&g.id, "missing note"));
            }
            for t in g.triggers() {
                triggers.push((words(t), gi));
            }
        }
        // Longest first, so "juvenile sex offender" wins over "sex offender".
        triggers.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
        let longest = triggers.first().map_or(0, |t| t.0.len());
        Ok(Thesaurus {
            groups,
            triggers,
            longest,
        })
    }

    /// The groups, in file order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Finds thesaurus wordings in a query (whole words or phrases; a quoted phrase only when it
    /// is a wording as a whole) and lists what else to search for. Never fails.
    pub fn expand(&self, query: &str) -> Expansion {
        let segments = segments(query);
        let mut clauses: Vec<Clause> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let mut typed: Vec<Vec<String>> = Vec::new();
        let mut i = 0;
        while i < segments.len() {
            let seg = &segments[i];
            if seg.quoted {
                let w = words(&seg.text);
                let group = self
                    .triggers
                    .iter()
                    .find(|(t, _)| same_words(t, &w))
                    .map(|(_, g)| *g);
                clauses.push(self.clause(seg.text.clone(), true, group, &w));
                if let Some(g) = group {
                    used.push(g);
                }
                typed.push(w);
                i += 1;
                continue;
            }
            // The longest wording that starts at this word and ends at a word boundary, within
            // the run of bare words.
            let run_end = segments[i..]
                .iter()
                .position(|s| s.quoted)
                .map_or(segments.len(), |p| i + p);
            let mut best: Option<(usize, usize)> = None; // (end segment exclusive, group)
            let mut flat: Vec<String> = Vec::new();
            let mut bounds: Vec<(usize, usize)> = Vec::new(); // (token count so far, segment end)
            for (j, s) in segments.iter().enumerate().take(run_end).skip(i) {
                if flat.len() >= self.longest {
                    break;
                }
                flat.extend(words(&s.text));
                bounds.push((flat.len(), j + 1));
            }
            for (t, g) in &self.triggers {
                if let Some(&(_, end)) = bounds.iter().find(|(n, _)| *n == t.len()) {
                    if same_words(t, &flat[..t.len()]) {
                        best = Some((end, *g));
                        break;
                    }
                }
            }
            match best {
                Some((end, g)) => {
                    let text = segments[i..end]
                        .iter()
                        .map(|s| s.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let w = words(&text);
                    clauses.push(self.clause(text, false, Some(g), &w));
                    used.push(g);
                    typed.push(w);
                    i = end;
                }
                None => {
                    let w = words(&seg.text);
                    clauses.push(self.clause(seg.text.clone(), false, None, &w));
                    typed.push(w);
                    i += 1;
                }
            }
        }

        let mut seen_groups = Vec::new();
        for g in used {
            if !seen_groups.contains(&g) {
                seen_groups.push(g);
            }
        }
        let was_typed = |s: &str| {
            let w = words(s);
            typed.iter().any(|t| same_words(t, &w))
        };
        let mut expanded_terms: Vec<String> = Vec::new();
        let push_shown = |s: &str, out: &mut Vec<String>| {
            let w = words(s);
            if !was_typed(s) && !out.iter().any(|o| same_words(&words(o), &w)) {
                out.push(s.to_string());
            }
        };
        for &g in &seen_groups {
            push_shown(&self.groups[g].preferred, &mut expanded_terms);
        }
        for &g in &seen_groups {
            for s in self.groups[g].shown() {
                push_shown(s, &mut expanded_terms);
            }
        }
        let mut alternatives: Vec<String> = Vec::new();
        for c in &clauses {
            for a in &c.alternatives {
                if !alternatives.contains(a) {
                    alternatives.push(a.clone());
                }
            }
        }
        Expansion {
            terms: clauses.iter().map(|c| c.text.clone()).collect(),
            alternatives,
            expanded_terms,
            help_seeking: seen_groups.iter().any(|&g| self.groups[g].help_seeking),
            groups: seen_groups
                .iter()
                .map(|&g| self.groups[g].id.clone())
                .collect(),
            clauses,
        }
    }

    fn clause(&self, text: String, quoted: bool, group: Option<usize>, typed: &[String]) -> Clause {
        let Some(gi) = group else {
            return Clause {
                text,
                quoted,
                alternatives: Vec::new(),
                group: None,
            };
        };
        let g = &self.groups[gi];
        let mut alternatives: Vec<String> = Vec::new();
        for s in g.searched() {
            let w = words(s);
            if !same_words(&w, typed) && !alternatives.iter().any(|a| same_words(&words(a), &w)) {
                alternatives.push(s.to_string());
            }
        }
        Clause {
            text,
            quoted,
            alternatives,
            group: Some(g.id.clone()),
        }
    }
}

fn invalid(group: &str, message: &str) -> ThesaurusError {
    ThesaurusError::Invalid {
        group: group.to_string(),
        message: message.to_string(),
    }
}

fn group_from_json(index: usize, value: &json::Value) -> Result<Group, ThesaurusError> {
    let name = value
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k == "id"))
        .and_then(|(_, v)| v.as_str())
        .map_or_else(|| format!("#{index}"), str::to_string);
    let obj = value
        .as_object()
        .ok_or_else(|| invalid(&name, "expected an object"))?;
    let mut g = Group {
        id: String::new(),
        preferred: String::new(),
        terms: Vec::new(),
        hidden: Vec::new(),
        also_search: Vec::new(),
        help_seeking: false,
        note: String::new(),
    };
    let string = |k: &str, v: &json::Value| {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| invalid(&name, &format!("`{k}` must be a string")))
    };
    let strings = |k: &str, v: &json::Value| -> Result<Vec<String>, ThesaurusError> {
        let list = v
            .as_array()
            .ok_or_else(|| invalid(&name, &format!("`{k}` must be an array of strings")))?;
        list.iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(&name, &format!("`{k}` must hold strings only")))
            })
            .collect()
    };
    for (k, v) in obj {
        match k.as_str() {
            "id" => g.id = string(k, v)?,
            "preferred" => g.preferred = string(k, v)?,
            "terms" => g.terms = strings(k, v)?,
            "hidden" => g.hidden = strings(k, v)?,
            "also_search" => g.also_search = strings(k, v)?,
            "note" => g.note = string(k, v)?,
            "help_seeking" => {
                g.help_seeking = v
                    .as_bool()
                    .ok_or_else(|| invalid(&name, "`help_seeking` must be true or false"))?
            }
            other => return Err(invalid(&name, &format!("unknown key `{other}`"))),
        }
    }
    if g.preferred.trim().is_empty() {
        return Err(invalid(&name, "missing `preferred`"));
    }
    Ok(g)
}

impl fmt::Display for Expansion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.terms.join(" "))?;
        if !self.expanded_terms.is_empty() {
            write!(f, " (also searched: {})", self.expanded_terms.join(", "))?;
        }
        Ok(())
    }
}

/// A small JSON reader: this crate stays free of a JSON dependency, and the thesaurus needs
/// only objects, arrays, strings and booleans.
mod json {
    use super::ThesaurusError;

    /// A JSON value; objects keep their keys in order.
    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Value {
        Null,
        Bool(bool),
        Number,
        String(String),
        Array(Vec<Value>),
        Object(Vec<(String, Value)>),
    }

    impl Value {
        pub(super) fn as_object(&self) -> Option<&[(String, Value)]> {
            match self {
                Value::Object(o) => Some(o),
                _ => None,
            }
        }
        pub(super) fn as_array(&self) -> Option<&[Value]> {
            match self {
                Value::Array(a) => Some(a),
                _ => None,
            }
        }
        pub(super) fn as_str(&self) -> Option<&str> {
            match self {
                Value::String(s) => Some(s),
                _ => None,
            }
        }
        pub(super) fn as_bool(&self) -> Option<bool> {
            match self {
                Value::Bool(b) => Some(*b),
                _ => None,
            }
        }
    }

    const MAX_DEPTH: usize = 32;

    pub(super) fn parse(text: &str) -> Result<Value, ThesaurusError> {
        let mut p = Parser {
            bytes: text.as_bytes(),
            text,
            pos: 0,
        };
        let v = p.value(0)?;
        p.skip_ws();
        if p.pos != p.bytes.len() {
            return Err(p.error("trailing characters"));
        }
        Ok(v)
    }

    struct Parser<'a> {
        bytes: &'a [u8],
        text: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn error(&self, message: &str) -> ThesaurusError {
            ThesaurusError::Json {
                offset: self.pos,
                message: message.to_string(),
            }
        }

        fn skip_ws(&mut self) {
            while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
        }

        fn expect(&mut self, b: u8) -> Result<(), ThesaurusError> {
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b) {
                self.pos += 1;
                Ok(())
            } else {
                Err(self.error(&format!("expected `{}`", b as char)))
            }
        }

        fn value(&mut self, depth: usize) -> Result<Value, ThesaurusError> {
            if depth > MAX_DEPTH {
                return Err(self.error("nested too deeply"));
            }
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b'{') => self.object(depth),
                Some(b'[') => self.array(depth),
                Some(b'"') => self.string().map(Value::String),
                Some(b't') => self.literal("true", Value::Bool(true)),
                Some(b'f') => self.literal("false", Value::Bool(false)),
                Some(b'n') => self.literal("null", Value::Null),
                Some(b'-' | b'0'..=b'9') => self.number(),
                Some(_) => Err(self.error("unexpected character")),
                None => Err(self.error("unexpected end")),
            }
        }

        fn literal(&mut self, word: &str, v: Value) -> Result<Value, ThesaurusError> {
            if self.bytes[self.pos..].starts_with(word.as_bytes()) {
                self.pos += word.len();
                Ok(v)
            } else {
                Err(self.error("unexpected word"))
            }
        }

        fn number(&mut self) -> Result<Value, ThesaurusError> {
            let start = self.pos;
            while matches!(
                self.bytes.get(self.pos),
                Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            ) {
                self.pos += 1;
            }
            self.text
                .get(start..self.pos)
                .and_then(|s| s.parse::<f64>().ok())
                .map(|_| Value::Number)
                .ok_or_else(|| self.error("bad number"))
        }

        fn object(&mut self, depth: usize) -> Result<Value, ThesaurusError> {
            self.pos += 1;
            let mut out = Vec::new();
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b'}') {
                self.pos += 1;
                return Ok(Value::Object(out));
            }
            loop {
                self.skip_ws();
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.error("expected a key"));
                }
                let key = self.string()?;
                self.expect(b':')?;
                let v = self.value(depth + 1)?;
                out.push((key, v));
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        return Ok(Value::Object(out));
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }

        fn array(&mut self, depth: usize) -> Result<Value, ThesaurusError> {
            self.pos += 1;
            let mut out = Vec::new();
            self.skip_ws();
            if self.bytes.get(self.pos) == Some(&b']') {
                self.pos += 1;
                return Ok(Value::Array(out));
            }
            loop {
                out.push(self.value(depth + 1)?);
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        return Ok(Value::Array(out));
                    }
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }

        fn hex4(&mut self) -> Result<u32, ThesaurusError> {
            let digits = self
                .text
                .get(self.pos..self.pos + 4)
                .ok_or_else(|| self.error("short \\u escape"))?;
            let n = u32::from_str_radix(digits, 16).map_err(|_| self.error("bad \\u escape"))?;
            self.pos += 4;
            Ok(n)
        }

        fn string(&mut self) -> Result<String, ThesaurusError> {
            self.pos += 1;
            let mut out = String::new();
            loop {
                let rest = self
                    .text
                    .get(self.pos..)
                    .ok_or_else(|| self.error("bad position"))?;
                let Some(c) = rest.chars().next() else {
                    return Err(self.error("unterminated string"));
                };
                self.pos += c.len_utf8();
                match c {
                    '"' => return Ok(out),
                    '\\' => {
                        let e = self
                            .bytes
                            .get(self.pos)
                            .copied()
                            .ok_or_else(|| self.error("unterminated escape"))?;
                        self.pos += 1;
                        match e {
                            b'"' => out.push('"'),
                            b'\\' => out.push('\\'),
                            b'/' => out.push('/'),
                            b'b' => out.push('\u{8}'),
                            b'f' => out.push('\u{c}'),
                            b'n' => out.push('\n'),
                            b'r' => out.push('\r'),
                            b't' => out.push('\t'),
                            b'u' => {
                                let hi = self.hex4()?;
                                let code = if (0xD800..0xDC00).contains(&hi) {
                                    if !self.bytes[self.pos..].starts_with(b"\\u") {
                                        return Err(self.error("lone surrogate"));
                                    }
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.error("bad surrogate pair"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    hi
                                };
                                out.push(
                                    char::from_u32(code)
                                        .ok_or_else(|| self.error("bad code point"))?,
                                );
                            }
                            _ => return Err(self.error("unknown escape")),
                        }
                    }
                    c if (c as u32) < 0x20 => return Err(self.error("control character in string")),
                    c => out.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn builtin() -> Thesaurus {
        Thesaurus::parse(BUILTIN_JSON).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_builtin_thesaurus_parses_and_every_group_is_well_formed() {
        let t = builtin();
        assert!(t.groups().len() >= 6);
        for g in t.groups() {
            assert!(!g.id.is_empty());
            assert!(!words(&g.preferred).is_empty(), "{}", g.id);
            assert!(!g.note.trim().is_empty(), "{}", g.id);
            assert!(!g.terms.is_empty(), "{}", g.id);
            // Our own wording is never hidden.
            assert!(g.shown().first() == Some(&g.preferred.as_str()), "{}", g.id);
            for h in &g.hidden {
                assert!(
                    !g.shown().iter().any(|s| words(s) == words(h)),
                    "{}: {h}",
                    g.id
                );
            }
        }
        // The built-in accessor found the same file.
        assert_eq!(thesaurus().groups().len(), t.groups().len());
    }

    #[test]
    fn the_issue_terms_are_all_covered() {
        let t = builtin();
        let group_of = |s: &str| {
            let w = words(s);
            t.groups()
                .iter()
                .find(|g| g.searched().any(|x| same_words(&words(x), &w)))
                .map(|g| g.id.clone())
        };
        let sets: &[&[&str]] = &[
            &[
                "CSAM",
                "CSEM",
                "child sexual abuse material",
                "child sexual exploitation material",
                "indecent images of children",
                "IIOC",
                "child pornography",
                "child porn",
            ],
            &[
                "sexual interest in children",
                "paedophilia",
                "pedophilia",
                "paedophile",
                "pedophile",
                "minor-attracted",
            ],
            &["sex offender", "person convicted of a sexual offence"],
            &[
                "online",
                "internet",
                "internet-related",
                "digital",
                "technology-assisted",
            ],
            &["harmful sexual behaviour", "HSB"],
            &[
                "worried about my thoughts",
                "can't stop looking",
                "help for me",
                "self-referral",
                "anonymous",
                "confidential",
                "helpline",
            ],
        ];
        for set in sets {
            let first = group_of(set[0]);
            assert!(first.is_some(), "{} is in no group", set[0]);
            for s in *set {
                assert_eq!(group_of(s), first, "{s}");
            }
        }
    }

    #[test]
    fn old_terms_find_the_preferred_term_and_are_never_shown() {
        let e = expand("child pornography");
        assert_eq!(
            e.expanded_terms.first().map(String::as_str),
            Some("child sexual abuse material")
        );
        assert!(e
            .alternatives
            .iter()
            .any(|a| a == "indecent images of children"));
        assert!(e.alternatives.iter().any(|a| a == "CSAM"));
        for shown in &e.expanded_terms {
            assert!(!shown.to_lowercase().contains("porn"), "{shown}");
        }
        assert_eq!(e.terms, vec!["child pornography"]);
        assert_eq!(e.clauses.len(), 1);
        assert!(!e.help_seeking);

        let e = expand("Sex Offenders");
        assert_eq!(
            e.expanded_terms.first().map(String::as_str),
            Some("person convicted of a sexual offence")
        );
        assert!(!e.expanded_terms.iter().any(|s| s.contains("sex offender")));
    }

    #[test]
    fn matching_is_case_insensitive_on_whole_words_and_tolerates_punctuation() {
        assert_eq!(expand("csam").groups, vec!["child_sexual_abuse_material"]);
        assert_eq!(expand("CSAM!").groups, vec!["child_sexual_abuse_material"]);
        assert_eq!(expand("Internet-related").groups, vec!["online"]);
        assert_eq!(expand("internet related").groups, vec!["online"]);
        assert!(expand("csamx").groups.is_empty());
        assert!(expand("onliner").groups.is_empty());
        // Part of a word is not the word.
        assert!(expand("hsbc bank").groups.is_empty());
        // What people typed is not shown back to them.
        let e = expand("CSAM");
        assert!(!e.expanded_terms.iter().any(|t| t == "CSAM"));
        assert!(e
            .expanded_terms
            .iter()
            .any(|t| t == "child sexual abuse material"));
    }

    #[test]
    fn lay_phrases_mark_the_query_as_help_seeking() {
        for q in [
            "I can't stop looking",
            "i cant stop looking",
            "worried about my thoughts",
            "Help for me",
        ] {
            let e = expand(q);
            assert!(e.help_seeking, "{q}");
            assert_eq!(
                e.expanded_terms.first().map(String::as_str),
                Some("self-referral"),
                "{q}"
            );
            assert!(e.alternatives.iter().any(|a| a == "anonymous"), "{q}");
            assert!(e.alternatives.iter().any(|a| a == "confidential"), "{q}");
            for shown in &e.expanded_terms {
                assert!(
                    !shown.contains("stop looking") && !shown.contains("worried"),
                    "{q}: {shown}"
                );
            }
        }
        // A word searched for help-seekers does not make a query help-seeking on its own.
        let e = expand("helpline");
        assert!(!e.help_seeking);
        assert!(e.groups.is_empty());
    }

    #[test]
    fn the_longest_wording_wins_and_groups_combine() {
        let e = expand("juvenile sex offender online");
        assert_eq!(e.groups, vec!["harmful_sexual_behaviour", "online"]);
        assert_eq!(e.terms, vec!["juvenile sex offender", "online"]);
        let e = expand("internet sex offender treatment");
        assert_eq!(
            e.groups,
            vec!["online", "person_convicted_of_a_sexual_offence"]
        );
        assert_eq!(e.terms, vec!["internet", "sex offender", "treatment"]);
        assert_eq!(e.clauses[2].alternatives, Vec::<String>::new());
        // Preferred terms come first.
        assert_eq!(e.expanded_terms[0], "online");
        // "online" was not typed, "internet" was; both groups' preferred terms lead.
        assert_eq!(e.expanded_terms[1], "person convicted of a sexual offence");
    }

    #[test]
    fn quoted_phrases_stay_phrases_and_expand_only_as_a_whole() {
        let e = expand("\"indecent images of children\" therapy");
        assert_eq!(e.clauses.len(), 2);
        assert!(e.clauses[0].quoted);
        assert_eq!(e.clauses[0].text, "indecent images of children");
        assert_eq!(
            e.clauses[0].group.as_deref(),
            Some("child_sexual_abuse_material")
        );
        let e = expand("\"images of children\"");
        assert!(e.groups.is_empty());
        assert!(e.clauses[0].quoted);
        // An unclosed quote runs to the end.
        let e = expand("group \"work with parents");
        assert_eq!(e.terms, vec!["group", "work with parents"]);
        assert!(e.clauses[1].quoted);
        // Empty and punctuation-only pieces vanish.
        assert!(expand("\"\" ( ) : ^ ~ *").clauses.is_empty());
    }

    #[test]
    fn plural_s_is_tolerated_only_on_longer_words() {
        assert!(same_word("offender", "offenders"));
        assert!(same_word("images", "image"));
        assert!(!same_word("hsb", "hsbs"));
        assert!(!same_word("offender", "offended"));
    }

    #[test]
    fn bad_thesauri_are_rejected_with_the_group_named() {
        let dup = r#"{"groups":[{"id":"a","preferred":"x y","terms":["z"],"note":"n"},{"id":"b","preferred":"q","terms":["X  Y"],"note":"n"}]}"#;
        assert!(
            matches!(Thesaurus::parse(dup), Err(ThesaurusError::Invalid { group, .. }) if group == "b")
        );
        let hidden =
            r#"{"groups":[{"id":"a","preferred":"x","terms":["z"],"hidden":["w"],"note":"n"}]}"#;
        assert!(Thesaurus::parse(hidden).is_err());
        let unknown =
            r#"{"groups":[{"id":"a","preferred":"x","terms":["z"],"note":"n","filters":{}}]}"#;
        assert!(Thesaurus::parse(unknown).is_err());
        assert!(matches!(
            Thesaurus::parse("{\"groups\": [}"),
            Err(ThesaurusError::Json { .. })
        ));
        assert!(Thesaurus::parse("").is_err());
        let escaped = r#"{"groups":[{"id":"a","preferred":"caf\u00e9 \"x\"","terms":["z\ud83d\ude00"],"note":"n"}]}"#;
        let t = Thesaurus::parse(escaped).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.groups()[0].preferred, "café \"x\"");
        assert_eq!(t.groups()[0].terms[0], "z\u{1F600}");
    }

    proptest! {
        #[test]
        fn expand_never_panics(q in ".{0,200}") {
            let e = expand(&q);
            prop_assert_eq!(e.terms.len(), e.clauses.len());
        }

        #[test]
        fn expand_never_panics_on_query_syntax(q in r#"[a-zA-Z'’"“” :()^~*+\-!\\]{0,80}"#) {
            let e = expand(&q);
            for c in &e.clauses {
                prop_assert!(!words(&c.text).is_empty());
            }
        }

        #[test]
        fn json_reader_never_panics(s in ".{0,100}") {
            let _ = Thesaurus::parse(&s);
        }
    }
}
