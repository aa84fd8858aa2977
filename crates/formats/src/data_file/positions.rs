//! Where each entry of a data file's list starts, by line. Neither serde_json nor serde_norway
//! tells where a value began once it parsed, so the text is scanned for the entries of the
//! top-level list (`studies`, `eligibility`): exactly for JSON, and for YAML's block style (the
//! style the writers produce and the documentation shows). Errors found after parsing
//! (duplicates, failed checks) use these lines.

use super::DataSyntax;
use std::collections::BTreeMap;

/// The line (from 1) on which each entry of the top-level list `list` starts, or `None` when
/// the scan cannot tell (flow-style YAML, say), so no line is ever a wrong guess.
pub(crate) fn entry_lines(
    syntax: DataSyntax,
    text: &str,
    list: &str,
    entries: usize,
) -> Option<Vec<usize>> {
    let lines = match syntax {
        DataSyntax::Json => json_entry_lines(text, list),
        DataSyntax::Yaml => yaml_entry_lines(text, list),
    };
    (lines.len() == entries).then_some(lines)
}

/// The line of `key:` inside the lines `from..to` (from 1, `to` exclusive), for pointing at a
/// field of an entry rather than at its start.
pub(crate) fn key_line(
    syntax: DataSyntax,
    text: &str,
    from: usize,
    to: Option<usize>,
    key: &str,
) -> Option<usize> {
    let wanted = match syntax {
        DataSyntax::Json => format!("\"{key}\""),
        DataSyntax::Yaml => format!("{key}:"),
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

/// Like [`key_line`], but for a key of the entry itself when nested values may use the same
/// key (`age_min` of an entry and of one of its `formats`): of the lines `from..to` holding
/// `key:`, the least indented one (the first of those).
pub(crate) fn entry_key_line(
    syntax: DataSyntax,
    text: &str,
    from: usize,
    to: Option<usize>,
    key: &str,
) -> Option<usize> {
    let wanted = match syntax {
        DataSyntax::Json => format!("\"{key}\""),
        DataSyntax::Yaml => format!("{key}:"),
    };
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .skip(from.saturating_sub(1))
        .take_while(|(n, _)| to.is_none_or(|to| *n < to))
        .filter_map(|(n, line)| {
            let t = line.trim_start();
            // A YAML entry's first key follows its "- "; its column is the key's.
            let key = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            key.starts_with(&wanted)
                .then_some((line.len() - key.len(), n))
        })
        .min()
        .map(|(_, n)| n)
}

/// The line (from 1) on which each item of the list held by the key on line `key_at` starts,
/// up to line `to` (exclusive): for pointing at `formats[1]` rather than at `formats`. Empty
/// when the list is not written one item per line (YAML flow style), so callers compare the
/// count with the list's length before trusting it.
pub(crate) fn list_item_lines(
    syntax: DataSyntax,
    text: &str,
    key_at: usize,
    to: Option<usize>,
    key: &str,
) -> Vec<usize> {
    match syntax {
        DataSyntax::Json => json_item_lines(text, key_at, key),
        DataSyntax::Yaml => yaml_item_lines(text, key_at, to, key),
    }
}

fn yaml_item_lines(text: &str, key_at: usize, to: Option<usize>, key: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(key_line) = key_at.checked_sub(1).and_then(|i| lines.get(i)) else {
        return Vec::new();
    };
    let t = key_line.trim_start();
    let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
    let Some(value) = t.strip_prefix(&format!("{key}:")) else {
        return Vec::new();
    };
    // A value on the key's own line (flow style, a scalar) has no item lines.
    let value = value.trim();
    if !value.is_empty() && !value.starts_with('#') {
        return Vec::new();
    }
    let key_column = key_line.len() - t.len();
    let end = to.map_or(lines.len(), |to| to.saturating_sub(1).min(lines.len()));
    let mut out = Vec::new();
    let mut item_indent: Option<usize> = None;
    for (i, raw) in lines.iter().enumerate().take(end).skip(key_at) {
        let trimmed = raw.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        match item_indent {
            None if is_item && indent >= key_column => {
                item_indent = Some(indent);
                out.push(i + 1);
            }
            None => break,
            Some(at) if indent < at => break,
            Some(at) if indent == at => {
                if is_item {
                    out.push(i + 1);
                } else {
                    break;
                }
            }
            Some(_) => {}
        }
    }
    out
}

fn json_item_lines(text: &str, key_at: usize, key: &str) -> Vec<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(key_at.saturating_sub(1))
        .map(str::len)
        .sum();
    let Some(rest) = text.get(start..) else {
        return Vec::new();
    };
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let quoted = format!("\"{key}\"");
    let Some(at) = rest[..line_end].find(&quoted) else {
        return Vec::new();
    };
    let mut line = key_at;
    let mut chars = rest[at + quoted.len()..].chars();
    let mut colon = false;
    loop {
        match chars.next() {
            Some('\n') => line += 1,
            Some(c) if c.is_whitespace() => {}
            Some(':') if !colon => colon = true,
            Some('[') if colon => break,
            _ => return Vec::new(),
        }
    }
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut expect = true;
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            ']' | '}' if depth == 0 => break,
            ']' | '}' => depth -= 1,
            ',' if depth == 0 => expect = true,
            _ => {
                if depth == 0 && expect {
                    out.push(line);
                    expect = false;
                }
                match c {
                    '[' | '{' => depth += 1,
                    '"' => {
                        while let Some(c) = chars.next() {
                            match c {
                                '\\' => {
                                    chars.next();
                                }
                                '"' => break,
                                '\n' => line += 1,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// The line (from 1) of the `key` key (the slug) of each slug's first entry in the list
/// `list`, by slug: for pointing at an entry when a problem is found after the file was read
/// (a slug that is not stored, or one that another file also lists). `name` tells JSON from
/// YAML as the readers do. Slugs whose entry cannot be placed are left out, so a line is never
/// a wrong guess; a file that cannot be parsed gives an empty map.
pub(crate) fn slug_lines(
    name: &str,
    bytes: &[u8],
    list: &str,
    key: &str,
) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        return out;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = DataSyntax::detect(name, text);
    let parsed: Option<serde_json::Value> = match syntax {
        DataSyntax::Json => serde_json::from_str(text).ok(),
        DataSyntax::Yaml => serde_norway::from_str(text).ok(),
    };
    let Some(entries) = parsed
        .as_ref()
        .and_then(|v| v.get(list))
        .and_then(serde_json::Value::as_array)
    else {
        return out;
    };
    let Some(starts) = entry_lines(syntax, text, list, entries.len()) else {
        return out;
    };
    for (index, entry) in entries.iter().enumerate() {
        let Some(slug) = entry.get(key).and_then(serde_json::Value::as_str) else {
            continue;
        };
        let from = starts[index];
        let line =
            key_line(syntax, text, from, starts.get(index + 1).copied(), key).unwrap_or(from);
        out.entry(slug.to_string()).or_insert(line);
    }
    out
}

fn json_entry_lines(text: &str, list: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line = 1usize;
    let mut depth = 0usize;
    let mut in_list = false;
    let mut expect_entry = false;
    // The last string read directly inside the top-level object: the key of the value that
    // follows it.
    let mut last_key: Option<String> = None;
    let mut chars = text.chars();
    let mut entry_starts = |line: usize, depth: usize, in_list: bool, expect: &mut bool| {
        if in_list && depth == 2 && *expect {
            lines.push(line);
            *expect = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '"' => {
                entry_starts(line, depth, in_list, &mut expect_entry);
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
                entry_starts(line, depth, in_list, &mut expect_entry);
                depth += 1;
                if c == '[' && depth == 2 && last_key.as_deref() == Some(list) {
                    in_list = true;
                    expect_entry = true;
                }
            }
            '}' | ']' => {
                if depth == 2 && in_list {
                    in_list = false;
                }
                depth = depth.saturating_sub(1);
            }
            ',' => {
                if in_list && depth == 2 {
                    expect_entry = true;
                }
            }
            ':' => {}
            c if c.is_whitespace() => {}
            _ => entry_starts(line, depth, in_list, &mut expect_entry),
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

fn yaml_entry_lines(text: &str, list: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut in_list = false;
    let mut item_indent: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = raw.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        if indent == 0 && !is_item {
            in_list = is_yaml_key(trimmed, list);
            item_indent = None;
            continue;
        }
        if in_list && is_item {
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
        assert_eq!(json_entry_lines(text, "studies"), vec![4, 6]);
        assert_eq!(
            json_entry_lines(r#"{"studies":[{},{}]}"#, "studies"),
            vec![1, 1]
        );
        assert_eq!(
            json_entry_lines(r#"{"studies":[]}"#, "studies"),
            Vec::<usize>::new()
        );
        // A key named "studies" inside an entry is not the top-level list.
        assert_eq!(
            json_entry_lines("{\"studies\": [\n{\"studies\": [1, 2]}\n]}", "studies"),
            vec![2]
        );
    }

    #[test]
    fn yaml_block_entries_are_found_at_either_indentation() {
        let text = "format: x\n# comment\nstudies:\n  - intervention: a\n    outcomes:\n      - outcome: knowledge\n    summary: |\n      - not an entry\n\n  - intervention: b\n";
        assert_eq!(yaml_entry_lines(text, "studies"), vec![4, 10]);
        let text = "studies:\n- intervention: a\n  id: x\n-\n  intervention: b\nother: 1\n- not: studies\n";
        assert_eq!(yaml_entry_lines(text, "studies"), vec![2, 4]);
        assert_eq!(
            entry_lines(DataSyntax::Yaml, "studies: [{a: 1}]\n", "studies", 1),
            None
        );
    }

    #[test]
    fn keys_are_found_within_an_entry() {
        let text = "studies:\n  - intervention: a\n    id: x\n  - id: y\n    reference: r\n";
        assert_eq!(key_line(DataSyntax::Yaml, text, 2, Some(4), "id"), Some(3));
        assert_eq!(key_line(DataSyntax::Yaml, text, 4, None, "id"), Some(4));
        assert_eq!(
            key_line(DataSyntax::Yaml, text, 2, Some(4), "reference"),
            None
        );
    }

    #[test]
    fn slug_lines_point_at_each_slugs_first_entry() {
        let yaml = "format: preventory-studies/1\nstudies:\n  - id: a\n    intervention: fictional-one\n  - intervention: fictional-two\n    id: b\n  - intervention: fictional-one\n    id: c\n";
        let lines = slug_lines("s.yaml", yaml.as_bytes(), "studies", "intervention");
        assert_eq!(lines.get("fictional-one"), Some(&4));
        assert_eq!(lines.get("fictional-two"), Some(&5));
        assert_eq!(lines.len(), 2);

        let json = "{\n  \"format\": \"preventory-studies/1\",\n  \"studies\": [\n    {\n      \"id\": \"a\",\n      \"intervention\": \"fictional-one\"\n    },\n    {\"intervention\": \"fictional-two\", \"id\": \"b\"}\n  ]\n}\n";
        let lines = slug_lines("s.json", json.as_bytes(), "studies", "intervention");
        assert_eq!(lines.get("fictional-one"), Some(&6));
        assert_eq!(lines.get("fictional-two"), Some(&8));

        // Unplaceable or unreadable: nothing rather than a guess.
        assert!(slug_lines(
            "s.yaml",
            b"studies: [{intervention: x}]\n",
            "studies",
            "intervention"
        )
        .is_empty());
        assert!(slug_lines("s.json", b"{ not json", "studies", "intervention").is_empty());
        assert!(slug_lines("s.yaml", b"\xff", "studies", "intervention").is_empty());
    }

    #[test]
    fn only_the_named_list_is_scanned() {
        let yaml = "format: x\nstudies:\n  - intervention: a\neligibility:\n  - intervention: b\n  - intervention: c\n";
        assert_eq!(yaml_entry_lines(yaml, "eligibility"), vec![5, 6]);
        assert_eq!(yaml_entry_lines(yaml, "studies"), vec![3]);
        let json = "{\"studies\": [{}],\n \"eligibility\": [\n  {\"intervention\": \"b\"}\n]}";
        assert_eq!(json_entry_lines(json, "eligibility"), vec![3]);
        assert_eq!(json_entry_lines(json, "studies"), vec![1]);
    }

    #[test]
    fn entry_keys_are_told_from_nested_keys_of_the_same_name() {
        let yaml = "eligibility:\n  - intervention: a\n    formats:\n      - delivery: group_work\n        age_min: 21\n    age_min: 17\n  - intervention: b\n    age_min: 3\n";
        assert_eq!(
            entry_key_line(DataSyntax::Yaml, yaml, 2, Some(7), "age_min"),
            Some(6)
        );
        assert_eq!(
            entry_key_line(DataSyntax::Yaml, yaml, 2, Some(7), "intervention"),
            Some(2)
        );
        assert_eq!(
            entry_key_line(DataSyntax::Yaml, yaml, 2, Some(7), "age_max"),
            None
        );
        let json = "[\n    {\n      \"formats\": [\n        {\n          \"age_min\": 1\n        }\n      ],\n      \"age_min\": 2\n    }\n]";
        assert_eq!(
            entry_key_line(DataSyntax::Json, json, 2, None, "age_min"),
            Some(8)
        );
    }

    #[test]
    fn list_items_are_found_in_block_yaml_and_in_json() {
        let yaml = "eligibility:\n- intervention: a\n  formats:\n  - delivery: group_work\n    age_min: 21\n  # a comment\n  -\n    delivery: individual_work\n  genders: [male]\n  exclusions:\n    - |\n      - not an item\n    - second\n- intervention: b\n";
        assert_eq!(
            list_item_lines(DataSyntax::Yaml, yaml, 3, Some(14), "formats"),
            vec![4, 7]
        );
        assert_eq!(
            list_item_lines(DataSyntax::Yaml, yaml, 10, Some(14), "exclusions"),
            vec![11, 13]
        );
        assert_eq!(
            list_item_lines(DataSyntax::Yaml, yaml, 9, Some(14), "genders"),
            Vec::<usize>::new()
        );
        // The key on an entry's own line.
        let yaml = "eligibility:\n  - formats:\n    - delivery: a\n    - delivery: b\n    intervention: x\n";
        assert_eq!(
            list_item_lines(DataSyntax::Yaml, yaml, 2, None, "formats"),
            vec![3, 4]
        );
        let json = "{\"formats\": [\n  {\"delivery\": \"a]\\\"\", \"x\": [1, 2]},\n\n  {\n \"delivery\": \"b\"}\n], \"after\": [{}]}";
        assert_eq!(
            list_item_lines(DataSyntax::Json, json, 1, None, "formats"),
            vec![2, 4]
        );
        assert_eq!(
            list_item_lines(DataSyntax::Json, "{\"formats\": []}", 1, None, "formats"),
            Vec::<usize>::new()
        );
        assert_eq!(
            list_item_lines(DataSyntax::Json, "{\"formats\": 3}", 1, None, "formats"),
            Vec::<usize>::new()
        );
        assert_eq!(
            list_item_lines(DataSyntax::Json, "{}", 5, None, "formats"),
            Vec::<usize>::new()
        );
    }
}
