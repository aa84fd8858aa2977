//! Snippets: a short passage of a hit's text around the query's words, HTML-escaped, with the
//! matches wrapped in `<mark>`.
//!
//! Records run to several thousand characters, and stemming all of that for every hit of a page
//! would cost more than the search itself. So the stems are looked for as plain text first (a
//! stem is the start of its words: "treatment" in "treatments"), and only the words found that
//! way are stemmed to confirm them. The passage starts shortly before the first confirmed word.

use aho_corasick::AhoCorasick;
use std::collections::BTreeSet;
use tantivy::tokenizer::TextAnalyzer;

/// Longest snippet, in characters of text (before escaping and marks).
pub const SNIPPET_CHARS: usize = 200;

/// Characters of context kept before the first match.
const LEAD: usize = 50;
/// Candidate words checked for a first match before giving up on a text.
const MAX_CANDIDATES: usize = 64;

/// What to mark in a query's snippets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Highlight {
    /// Stems marked wherever a word has them.
    pub words: BTreeSet<String>,
    /// Runs of stems marked only where they occur whole (quoted phrases, thesaurus wordings).
    pub phrases: Vec<Vec<String>>,
}

/// Makes snippets for the hits of one query.
pub(crate) struct Highlighter {
    highlight: Highlight,
    analyzer: TextAnalyzer,
    /// Finds where stems occur in the text, ignoring ASCII case; `None` with nothing to find.
    needles: Option<AhoCorasick>,
}

/// A word of a text: its byte range.
fn word_at(text: &str, at: usize) -> (usize, usize) {
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| at + i);
    (at, end)
}

/// The next word starting at or after `from`.
fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let start = text[from..]
        .char_indices()
        .find(|(_, c)| c.is_alphanumeric())
        .map(|(i, _)| from + i)?;
    Some(word_at(text, start))
}

impl Highlighter {
    /// A highlighter for these stems and phrases, which `analyzer` (the index's) produced.
    pub(crate) fn new(highlight: Highlight, analyzer: TextAnalyzer) -> Highlighter {
        let needles: BTreeSet<&str> = highlight
            .words
            .iter()
            .chain(highlight.phrases.iter().filter_map(|p| p.first()))
            .filter(|s| !s.is_empty())
            .map(|s| {
                // Stemming turns a final "y" into "i" ("policy" → "polici"): the text has "polic".
                s.strip_suffix('i').filter(|n| n.len() >= 3).unwrap_or(s)
            })
            .collect();
        let needles = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&needles)
            .ok()
            .filter(|_| !needles.is_empty());
        Highlighter {
            highlight,
            analyzer,
            needles,
        }
    }

    /// Byte ranges of the words and whole phrases of `text` to mark, in order, without
    /// overlaps; at most `limit` candidate words are stemmed.
    fn matches(&mut self, text: &str, first_only: bool, limit: usize) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        let Highlighter {
            highlight,
            analyzer,
            needles,
        } = self;
        let Some(needles) = needles else {
            return out;
        };
        let mut checked = 0;
        let mut last_start = None;
        for m in needles.find_overlapping_iter(text) {
            let at = m.start();
            if last_start == Some(at) || out.last().is_some_and(|&(_, end)| at < end) {
                continue;
            }
            let word_start = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if !word_start {
                continue;
            }
            last_start = Some(at);
            checked += 1;
            if checked > limit {
                break;
            }
            let (_, end) = word_at(text, at);
            let Some(stem) = stem_of(analyzer, &text[at..end]) else {
                continue;
            };
            // The longest whole phrase starting here, else the word itself.
            let mut best: Option<usize> = None;
            for phrase in highlight
                .phrases
                .iter()
                .filter(|p| p.first() == Some(&stem))
            {
                let mut cursor = end;
                let mut whole = true;
                for want in phrase.get(1..).unwrap_or_default() {
                    match next_word(text, cursor) {
                        Some((from, to))
                            if stem_of(analyzer, &text[from..to]).as_ref() == Some(want) =>
                        {
                            cursor = to;
                        }
                        _ => {
                            whole = false;
                            break;
                        }
                    }
                }
                if whole && best.is_none_or(|b| cursor > b) {
                    best = Some(cursor);
                }
            }
            if best.is_none() && highlight.words.contains(&stem) {
                best = Some(end);
            }
            if let Some(to) = best {
                out.push((at, to));
                if first_only {
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup_by(|b, a| b.0 < a.1);
        out
    }

    /// The snippet for a hit: a passage of `text` with the matches marked, or the start of
    /// the summary (escaped) when the text does not show the words.
    pub(crate) fn snippet(&mut self, text: &str, summary: Option<&str>) -> String {
        let Some(&(pos, _)) = self.matches(text, true, MAX_CANDIDATES).first() else {
            return lead_of(summary.unwrap_or(text));
        };
        // Start at a word a little before the match.
        let back = text[..pos]
            .char_indices()
            .rev()
            .nth(LEAD)
            .map_or(0, |(i, _)| i);
        let start = if back == 0 {
            0
        } else {
            text[back..pos]
                .find(char::is_whitespace)
                .map_or(pos, |i| back + i + 1)
        };
        // End at a word, at most SNIPPET_CHARS characters on.
        let rest = &text[start..];
        let cut = rest
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(rest.len(), |(i, _)| i);
        let mut end = start + cut;
        if end < text.len() {
            if let Some(space) = text[pos..end].rfind(char::is_whitespace) {
                end = pos + space;
            }
        }
        let fragment = text[start..end].trim_end();
        let marks = self.matches(fragment, false, usize::MAX);

        let mut out = String::with_capacity(fragment.len() + 64);
        if start > 0 {
            out.push('…');
        }
        let mut at = 0;
        for (from, to) in marks {
            escape_into(&fragment[at..from], &mut out);
            out.push_str("<mark>");
            escape_into(&fragment[from..to], &mut out);
            out.push_str("</mark>");
            at = to;
        }
        escape_into(&fragment[at..], &mut out);
        // Keep closing punctuation, or show that more follows.
        let after = &text[start + fragment.len()..];
        if after.chars().any(char::is_alphanumeric) {
            out.push('…');
        } else {
            escape_into(after.trim_end(), &mut out);
        }
        out
    }
}

/// The stem of a word, as the index has it.
fn stem_of(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = analyzer.token_stream(word);
    stream.advance().then(|| stream.token().text.clone())
}

/// The start of a text, escaped: up to [`SNIPPET_CHARS`] characters, cut at a word.
pub(crate) fn lead_of(text: &str) -> String {
    let text = text.trim();
    let mut out = String::new();
    if text.chars().count() <= SNIPPET_CHARS {
        escape_into(text, &mut out);
        return out;
    }
    let cut = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
    escape_into(head.trim_end_matches([',', ';', ':', ' ']), &mut out);
    out.push('…');
    out
}

/// Escapes text for HTML element content and attribute values. Runs of white space become one space: snippets are read as one line.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::analyzer;

    fn highlighter(stems: &[&str]) -> Highlighter {
        Highlighter::new(
            Highlight {
                words: stems.iter().map(|s| s.to_string()).collect(),
                phrases: Vec::new(),
            },
            analyzer(),
        )
    }

    #[test]
    fn phrases_are_marked_whole_and_only_whole() {
        let mut h = Highlighter::new(
            Highlight {
                words: ["treatment".to_string()].into_iter().collect(),
                phrases: vec![vec![
                    "indec".into(),
                    "imag".into(),
                    "of".into(),
                    "children".into(),
                ]],
            },
            analyzer(),
        );
        assert_eq!(
            h.snippet("Indecent images of children and treatment; indecent images of adults.", None),
            "<mark>Indecent images of children</mark> and <mark>treatment</mark>; indecent images of adults."
        );
        // Lines and runs of spaces become single spaces.
        assert_eq!(
            h.snippet("A\n\n  treatment", None),
            "A <mark>treatment</mark>"
        );
    }

    #[test]
    fn matches_are_marked_and_text_is_escaped() {
        let mut h = highlighter(&["treatment"]);
        let s = h.snippet("A <b>group</b> & individual Treatments programme.", None);
        assert_eq!(
            s,
            "A &lt;b&gt;group&lt;/b&gt; &amp; individual <mark>Treatments</mark> programme."
        );
    }

    #[test]
    fn long_texts_give_a_window_with_ellipses() {
        let text = format!(
            "{} the treatment works {}",
            "word ".repeat(100),
            "more ".repeat(100)
        );
        let s = highlighter(&["treatment"]).snippet(&text, None);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>treatment</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS + 40);
    }

    #[test]
    fn no_match_gives_the_summary_start() {
        let mut h = highlighter(&["zebra"]);
        assert_eq!(
            h.snippet("Nothing here.", Some("A <summary>.")),
            "A &lt;summary&gt;."
        );
        // A needle inside a word is not a match.
        let mut h = highlighter(&["work"]);
        assert_eq!(h.snippet("Groupwork only.", Some("S")), "S");
        // Nor a word that only starts like one.
        let mut h = highlighter(&["treatment", "group"]);
        assert_eq!(h.snippet("Treating groupies.", Some("S")), "S");
        assert_eq!(
            h.snippet("Treating treatments in groups.", Some("S")),
            "Treating <mark>treatments</mark> in <mark>groups</mark>."
        );
        let long = "word ".repeat(100);
        let lead = lead_of(&long);
        assert!(lead.ends_with('…') && lead.chars().count() <= SNIPPET_CHARS + 1);
    }
}
