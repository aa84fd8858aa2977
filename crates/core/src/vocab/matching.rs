//! Tolerant matching of free-text labels onto a vocabulary.

use super::Vocabulary;
use std::collections::HashMap;

/// How a label matched its vocabulary entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchQuality {
    /// Same words as the label, an id or an alias, ignoring case, spacing and punctuation.
    Exact,
    /// Close to one entry only (a small typo): accepted, but worth a warning.
    Fuzzy,
}

/// Reduces a label to lowercase words: punctuation becomes space, `&` becomes "and", `+` stays
/// (it distinguishes "21+"), runs of space collapse.
pub fn normalize_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let push_word_char = |out: &mut String, c: char, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '+' {
            for lc in c.to_lowercase() {
                push_word_char(&mut out, lc, &mut pending_space);
            }
        } else if c == '&' {
            pending_space = true;
            for lc in "and".chars() {
                push_word_char(&mut out, lc, &mut pending_space);
            }
            pending_space = true;
        } else {
            pending_space = true;
        }
    }
    out
}

/// The text without parenthesised asides: "Adults (21+ years)" → "Adults ".
pub fn without_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The forms of a vocabulary value that count as the same words.
fn forms<T: Vocabulary>(value: &T) -> Vec<String> {
    let mut forms = vec![
        normalize_label(value.label()),
        normalize_label(&value.id().replace('_', " ")),
        normalize_label(&without_parentheses(value.label())),
    ];
    forms.extend(value.aliases().iter().map(|a| normalize_label(a)));
    forms.retain(|f| !f.is_empty());
    forms.sort();
    forms.dedup();
    forms
}

/// How many edits a word of this length may carry and still count as a typo.
fn typo_budget(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=9 => 1,
        _ => 2,
    }
}

/// A text normalised for exact lookup: whole, and without parenthesised asides. Make it once
/// and look it up in several vocabularies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelKey {
    whole: String,
    bare: String,
}

impl LabelKey {
    /// Normalises `text` both ways.
    pub fn new(text: &str) -> LabelKey {
        let whole = normalize_label(text);
        let bare = if text.contains('(') {
            normalize_label(&without_parentheses(text))
        } else {
            whole.clone()
        };
        LabelKey { whole, bare }
    }
}

/// A vocabulary's normalised forms, built once per vocabulary: imports match millions of
/// labels, and normalising every form on every call dominated the reader's time.
pub struct MatchTable<T> {
    exact: HashMap<String, T>,
    /// Each value with its forms and the typo budget of each form.
    forms: Vec<(T, Vec<(String, usize)>)>,
}

impl<T: Vocabulary> MatchTable<T> {
    /// Normalises every form of every value.
    pub fn build() -> Self {
        let mut exact = HashMap::new();
        let mut all_forms = Vec::new();
        for value in T::all() {
            let value_forms = forms(&value);
            for f in &value_forms {
                // The first value to claim a form keeps it, as in declaration order.
                exact.entry(f.clone()).or_insert_with(|| value.clone());
            }
            let with_budgets = value_forms
                .into_iter()
                .map(|f| {
                    let budget = typo_budget(f.chars().count());
                    (f, budget)
                })
                .collect();
            all_forms.push((value, with_budgets));
        }
        MatchTable {
            exact,
            forms: all_forms,
        }
    }

    /// The value whose form equals the text's, ignoring case, spacing, punctuation and a
    /// parenthesised aside.
    pub fn find_exact(&self, text: &str) -> Option<T> {
        self.find_key(&LabelKey::new(text))
    }

    /// [`MatchTable::find_exact`] for a text normalised already.
    pub fn find_key(&self, key: &LabelKey) -> Option<T> {
        self.exact
            .get(key.whole.as_str())
            .or_else(|| self.exact.get(key.bare.as_str()))
            .cloned()
    }

    fn find(&self, text: &str) -> Option<(T, MatchQuality)> {
        let LabelKey { whole, bare } = LabelKey::new(text);
        if let Some(value) = self
            .exact
            .get(whole.as_str())
            .or_else(|| self.exact.get(bare.as_str()))
        {
            return Some((value.clone(), MatchQuality::Exact));
        }
        if whole.is_empty() && bare.is_empty() {
            return None;
        }
        // Fuzzy: the closest value wins only if it is unambiguous.
        let mut best: Option<(usize, &T)> = None;
        let mut tie = false;
        for (value, value_forms) in &self.forms {
            let distance = value_forms
                .iter()
                .flat_map(|(f, budget)| {
                    let budget = *budget;
                    [&whole, &bare]
                        .into_iter()
                        .filter(|candidate| !candidate.is_empty())
                        .filter_map(move |candidate| {
                            // Lengths further apart than the budget cannot be within it.
                            if f.len().abs_diff(candidate.len()) > budget {
                                return None;
                            }
                            let distance = strsim::levenshtein(f, candidate);
                            (distance <= budget).then_some(distance)
                        })
                })
                .min();
            if let Some(d) = distance {
                match best {
                    Some((bd, bv)) if d == bd && bv != value => tie = true,
                    Some((bd, _)) if d >= bd => {}
                    _ => {
                        best = Some((d, value));
                        tie = false;
                    }
                }
            }
        }
        match best {
            Some((_, value)) if !tie => Some((value.clone(), MatchQuality::Fuzzy)),
            _ => None,
        }
    }
}

pub(super) fn match_label<T: Vocabulary>(text: &str) -> Option<(T, MatchQuality)> {
    T::match_table().find(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_case_spacing_and_punctuation() {
        assert_eq!(
            normalize_label("  (Potential)   Offenders "),
            "potential offenders"
        );
        assert_eq!(normalize_label("Male & Female"), "male and female");
        assert_eq!(normalize_label("Adults (21+ years)"), "adults 21+ years");
        assert_eq!(normalize_label("Situations/Places"), "situations places");
    }

    #[test]
    fn parentheses_are_dropped_for_the_bare_form() {
        assert_eq!(without_parentheses("Adults (21+ years)").trim(), "Adults");
    }
}
