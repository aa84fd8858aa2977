//! Tolerant matching of free-text labels onto a vocabulary.

use super::Vocabulary;

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

pub(super) fn match_label<T: Vocabulary>(text: &str) -> Option<(T, MatchQuality)> {
    let whole = normalize_label(text);
    let bare = normalize_label(&without_parentheses(text));
    if whole.is_empty() && bare.is_empty() {
        return None;
    }
    let values = T::all();
    for value in &values {
        let value_forms = forms(value);
        if value_forms.iter().any(|f| *f == whole || *f == bare) {
            return Some((value.clone(), MatchQuality::Exact));
        }
    }
    // Fuzzy: the closest value wins only if it is unambiguous.
    let mut best: Option<(usize, T)> = None;
    let mut tie = false;
    for value in &values {
        let distance = forms(value)
            .iter()
            .flat_map(|f| {
                [&whole, &bare]
                    .into_iter()
                    .filter(|candidate| !candidate.is_empty())
                    .filter(move |candidate| {
                        strsim::levenshtein(f, candidate) <= typo_budget(f.chars().count())
                    })
                    .map(move |candidate| strsim::levenshtein(f, candidate))
            })
            .min();
        if let Some(d) = distance {
            match &best {
                Some((bd, bv)) if d == *bd && bv != value => tie = true,
                Some((bd, _)) if d >= *bd => {}
                _ => {
                    best = Some((d, value.clone()));
                    tie = false;
                }
            }
        }
    }
    match best {
        Some((_, value)) if !tie => Some((value, MatchQuality::Fuzzy)),
        _ => None,
    }
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
