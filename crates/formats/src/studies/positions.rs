//! Where each entry of a studies file starts, by line. Neither serde_json nor serde_norway
//! tells where a value began once it parsed, so the text is scanned for the entries of the
//! top-level `studies` list: exactly for JSON, and for YAML's block style (the style the
//! writer produces and the documentation shows). Errors found after parsing (duplicate ids,
//! empty references) use these lines.

use super::StudiesSyntax;
use std::collections::BTreeMap;

/// The line (from 1) on which each entry of the top-level `studies` list starts, or `None`
/// when the scan cannot tell (flow-style YAML, say), so no line is ever a wrong guess.
pub(super) fn entry_lines(syntax: StudiesSyntax, text: &str, entries: usize) -> Option<Vec<usize>> {
    let lines = match syntax {
        StudiesSyntax::Json => json_entry_lines(text),
        StudiesSyntax::Yaml => yaml_entry_lines(text),
    };
    (lines.len() == entries).then_some(lines)
}

/// The line of `key:` inside the lines `from..to` (from 1, `to` exclusive), for pointing at a
/// field of an entry rather than at its start.
pub(super) fn key_line(
    syntax: StudiesSyntax,
    text: &str,
    from: usize,
    to: Option<usize>,
    key: &str,
) -> Option<usize> {
    let wanted = match syntax {
        StudiesSyntax::Json => format!("\"{key}\""),
        StudiesSyntax::Yaml => format!("{key}:"),
    };
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .skip(from.saturating_sub(1))
        .take_while(|(n, _)| to.is_none_or(|to| *n < to))
        .find(|(_, line)| {
            let t = line.trim_start();
            // A YAML entry's first key follows its "- ".
            let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            t.starts_with(&wanted)
        })
        .map(|(n, _)| n)
}

/// The line (from 1) of the `intervention` key of each intervention's first entry in a
/// studies file, by slug: for pointing at an entry when a problem is found after the file was
/// read (a slug that is not stored, or one that another file also lists). `name` tells JSON
/// from YAML as [`super::read_studies`] does. Slugs whose entry cannot be placed are left out,
/// so a line is never a wrong guess; a file that cannot be parsed gives an empty map.
pub fn intervention_lines(name: &str, bytes: &[u8]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        return out;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = StudiesSyntax::detect(name, text);
    let parsed: Option<serde_json::Value> = match syntax {
        StudiesSyntax::Json => serde_json::from_str(text).ok(),
        StudiesSyntax::Yaml => serde_norway::from_str(text).ok(),
    };
    let Some(entries) = parsed
        .as_ref()
        .and_then(|v| v.get("studies"))
        .and_then(serde_json::Value::as_array)
    else {
        return out;
    };
    let Some(starts) = entry_lines(syntax, text, entries.len()) else {
        return out;
    };
    for (index, entry) in entries.iter().enumerate() {
        let Some(slug) = entry
            .get("intervention")
            .and_then(serde_json::Value::as_str)
        else {
            continue;
        };
        let from = starts[index];
        let line = key_line(
            syntax,
            text,
            from,
            starts.get(index + 1).copied(),
            "intervention",
        )
        .unwrap_or(from);
        out.entry(slug.to_string()).or_insert(line);
    }
    out
}

fn json_entry_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line = 1usize;
    let mut depth = 0usize;
    let mut in_studies = false;
    let mut expect_entry = false;
    // The last string read directly inside the top-level object: the key of the value that
    // follows it.
    let mut last_key: Option<String> = None;
    let mut chars = text.chars();
    let mut entry_starts = |line: usize, depth: usize, in_studies: bool, expect: &mut bool| {
        if in_studies && depth == 2 && *expect {
            lines.push(line);
            *expect = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' => {
                entry_starts(line, depth, in_studies, &mut expect_entry);
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                s.push(escaped);
                            }
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            s.push(c);
                        }
                        _ => s.push(c),
                    }
                }
                if depth == 1 {
                    last_key = Some(s);
                }
            }
            '{' | '[' => {
                entry_starts(line, depth, in_studies, &mut expect_entry);
                depth += 1;
                if c == '[' && depth == 2 && last_key.as_deref() == Some("studies") {
                    in_studies = true;
                    expect_entry = true;
                }
            }
            '}' | ']' => {
                if depth == 2 && in_studies {
                    in_studies = false;
                }
                depth = depth.saturating_sub(1);
            }
            ',' => {
                if in_studies && depth == 2 {
                    expect_entry = true;
                }
            }
            ':' => {}
            c if c.is_whitespace() => {}
            _ => entry_starts(line, depth, in_studies, &mut expect_entry),
        }
    }
    lines
}

/// True when a top-level YAML line is the key `key` (plain or quoted).
fn is_yaml_key(line: &str, key: &str) -> bool {
    [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ]
    .iter()
    .any(|k| line.starts_with(k.as_str()))
}

fn yaml_entry_lines(text: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut in_studies = false;
    let mut item_indent: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        if indent == 0 && !is_item {
            in_studies = is_yaml_key(trimmed, "studies");
            item_indent = None;
            continue;
        }
        if in_studies && is_item {
            match item_indent {
                None => {
                    item_indent = Some(indent);
                    lines.push(i + 1);
                }
                Some(at) if at == indent => lines.push(i + 1),
                Some(_) => {}
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_entries_are_found_whatever_the_layout() {
        let text = "{\n  \"format\": \"x\",\n  \"studies\": [\n    {\"id\": \"a [\\\"b\\\"]\", \"outcomes\": [{}, {}]},\n\n    {\n      \"id\": \"c\"\n    }\n  ],\n  \"after\": [{}]\n}\n";
        assert_eq!(json_entry_lines(text), vec![4, 6]);
        assert_eq!(json_entry_lines(r#"{"studies":[{},{}]}"#), vec![1, 1]);
        assert_eq!(json_entry_lines(r#"{"studies":[]}"#), Vec::<usize>::new());
        // A key named "studies" inside an entry is not the top-level list.
        assert_eq!(
            json_entry_lines("{\"studies\": [\n{\"studies\": [1, 2]}\n]}"),
            vec![2]
        );
    }

    #[test]
    fn yaml_block_entries_are_found_at_either_indentation() {
        let text = "format: x\n# comment\nstudies:\n  - intervention: a\n    outcomes:\n      - outcome: knowledge\n    summary: |\n      - not an entry\n\n  - intervention: b\n";
        assert_eq!(yaml_entry_lines(text), vec![4, 10]);
        let text = "studies:\n- intervention: a\n  id: x\n-\n  intervention: b\nother: 1\n- not: studies\n";
        assert_eq!(yaml_entry_lines(text), vec![2, 4]);
        assert_eq!(
            entry_lines(StudiesSyntax::Yaml, "studies: [{a: 1}]\n", 1),
            None
        );
    }

    #[test]
    fn keys_are_found_within_an_entry() {
        let text = "studies:\n  - intervention: a\n    id: x\n  - id: y\n    reference: r\n";
        assert_eq!(
            key_line(StudiesSyntax::Yaml, text, 2, Some(4), "id"),
            Some(3)
        );
        assert_eq!(key_line(StudiesSyntax::Yaml, text, 4, None, "id"), Some(4));
        assert_eq!(
            key_line(StudiesSyntax::Yaml, text, 2, Some(4), "reference"),
            None
        );
    }

    #[test]
    fn intervention_lines_point_at_each_slugs_first_entry() {
        let yaml = "format: preventory-studies/1\nstudies:\n  - id: a\n    intervention: fictional-one\n  - intervention: fictional-two\n    id: b\n  - intervention: fictional-one\n    id: c\n";
        let lines = intervention_lines("s.yaml", yaml.as_bytes());
        assert_eq!(lines.get("fictional-one"), Some(&4));
        assert_eq!(lines.get("fictional-two"), Some(&5));
        assert_eq!(lines.len(), 2);

        let json = "{\n  \"format\": \"preventory-studies/1\",\n  \"studies\": [\n    {\n      \"id\": \"a\",\n      \"intervention\": \"fictional-one\"\n    },\n    {\"intervention\": \"fictional-two\", \"id\": \"b\"}\n  ]\n}\n";
        let lines = intervention_lines("s.json", json.as_bytes());
        assert_eq!(lines.get("fictional-one"), Some(&6));
        assert_eq!(lines.get("fictional-two"), Some(&8));

        // Unplaceable or unreadable: nothing rather than a guess.
        assert!(intervention_lines("s.yaml", b"studies: [{intervention: x}]\n").is_empty());
        assert!(intervention_lines("s.json", b"{ not json").is_empty());
        assert!(intervention_lines("s.yaml", b"\xff").is_empty());
    }
}
