//! The edit form as posted: every field name with the values sent for it, in order.
//!
//! A record is turned into this shape to fill the form ([`super::codec::to_form`]) and parsed
//! back from it ([`super::codec::parse`]), so the form is rendered from one shape whether it
//! shows a stored record, the text someone typed, a preview or a merge.
//!
//! Lists of rows (facet rows, references, studies, …) are named `{list}-{i}-{field}`, with
//! `{list}-count` saying how many rows the form shows, so rows left blank keep their places
//! and an error can point at the row the person sees.

use std::collections::BTreeMap;

/// The most rows of one list the form takes: a crafted count cannot make the server render
/// or parse more (the body limit bounds the rest).
pub(super) const MAX_ROWS: usize = 300;

/// The value of a checkbox that is ticked.
pub(super) const TICKED: &str = "yes";

/// The value of the "stated: none of these" box of a list that may be unknown: not a
/// vocabulary id (those are snake_case letters or codes), so it cannot be confused with one.
pub(super) const STATED_NONE: &str = "stated-none";

/// Field names and their values, as a browser sends a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FormData {
    values: BTreeMap<String, Vec<String>>,
}

/// A browser sends every line break of a text box as CR LF; the record keeps LF, as it was
/// typed. A lone CR (old systems) is a line break too.
pub(super) fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

impl FormData {
    /// The fields of an `application/x-www-form-urlencoded` body.
    pub(super) fn from_body(body: &[u8]) -> FormData {
        let mut data = FormData::default();
        for (name, value) in form_urlencoded::parse(body) {
            data.push(&name, normalise_newlines(&value));
        }
        data
    }

    /// The first value sent for `name`, or `""`.
    pub(super) fn get(&self, name: &str) -> &str {
        self.values
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    /// Every value sent for `name` (ticked boxes of a group), in the order sent.
    pub(super) fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether some value of `name` has more than white space.
    pub(super) fn filled(&self, name: &str) -> bool {
        self.all(name).iter().any(|v| !v.trim().is_empty())
    }

    /// Replaces the values of `name` by `value`.
    pub(super) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), vec![value.into()]);
    }

    /// Adds a value to `name`.
    pub(super) fn push(&mut self, name: &str, value: impl Into<String>) {
        self.values
            .entry(name.to_string())
            .or_default()
            .push(value.into());
    }

    /// How many rows the list `list` shows (its `{list}-count` field), at most [`MAX_ROWS`].
    pub(super) fn count(&self, list: &str) -> usize {
        self.get(&format!("{list}-count"))
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
            .min(MAX_ROWS)
    }

    /// Sets how many rows the list `list` shows.
    pub(super) fn set_count(&mut self, list: &str, rows: usize) {
        self.set(&format!("{list}-count"), rows.min(MAX_ROWS).to_string());
    }
}

/// The name of field `field` of row `i` of list `list`.
pub(super) fn row_name(list: &str, i: usize, field: &str) -> String {
    format!("{list}-{i}-{field}")
}

/// The list of outcomes of study row `i`.
pub(super) fn outcome_list(study: usize) -> String {
    format!("study-{study}-outcome")
}

/// The element id of a field: names are made by this code only (never from record text), so
/// they are safe in an id and a fragment.
pub(super) fn field_id(name: &str) -> String {
    format!("field-{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_order_repeats_and_every_character() {
        let body = b"a=1&b=x+y&a=2&c=%3Cscript%3E%0D%0Aline&d=one%0Dtwo";
        let data = FormData::from_body(body);
        assert_eq!(data.all("a"), ["1", "2"]);
        assert_eq!(data.get("b"), "x y");
        assert_eq!(data.get("c"), "<script>\nline");
        assert_eq!(data.get("d"), "one\ntwo");
        assert_eq!(data.get("missing"), "");
        assert!(!data.filled("missing"));
    }

    #[test]
    fn row_counts_are_bounded() {
        let mut data = FormData::default();
        data.set("facet-count", "999999999");
        assert_eq!(data.count("facet"), MAX_ROWS);
        data.set("facet-count", "-1");
        assert_eq!(data.count("facet"), 0);
        data.set_count("facet", 3);
        assert_eq!(data.count("facet"), 3);
    }
}
