//! What the hand-editable data files (the studies file and the eligibility file) share: JSON or
//! YAML told apart by name or content, a `format` marker checked first, a flat list of entries
//! under one top-level key, and errors located by line, entry and field.
//!
//! Each file type keeps its own entry type, checks and error enum; this module reads the text
//! into that entry type and says where a problem is, as a [`Problem`] the file type turns into
//! its own error.

pub(crate) mod positions;

use serde::de::DeserializeOwned;
use std::fmt;

/// The syntax a data file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataSyntax {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

impl fmt::Display for DataSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataSyntax::Json => "JSON",
            DataSyntax::Yaml => "YAML",
        })
    }
}

impl DataSyntax {
    /// The syntax of a file: by its extension (`.json`, `.yaml`, `.yml`), else by its first
    /// character (`{` or `[` is JSON, anything else YAML).
    pub fn detect(name: &str, text: &str) -> DataSyntax {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            DataSyntax::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            DataSyntax::Yaml
        } else if text.trim_start().starts_with(['{', '[']) {
            DataSyntax::Json
        } else {
            DataSyntax::Yaml
        }
    }
}

/// One kind of data file.
pub(crate) struct Kind {
    /// The value of its `format` key, e.g. `preventory-studies/1`.
    pub format: &'static str,
    /// What people call it in messages, with its article, e.g. `a studies file`.
    pub noun: &'static str,
    /// The top-level key holding the list of entries, e.g. `studies`.
    pub list: &'static str,
}

/// The entry a problem is in: its position in the list, and its loose value when it could
/// be parsed at all (for naming it by slug or id).
#[derive(Debug, Clone)]
pub(crate) struct EntryAt {
    pub index: usize,
    pub value: Option<serde_json::Value>,
}

impl EntryAt {
    /// The entry's value at `key` as text, when it is a non-blank string or a number.
    pub fn text(&self, key: &str) -> Option<String> {
        self.value
            .as_ref()
            .and_then(|v| v.get(key))
            .and_then(|v| match v {
                serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    }
}

/// Why a data file could not be read, before the file type's own checks.
#[derive(Debug, Clone)]
pub(crate) enum Problem {
    /// The bytes are not UTF-8 text.
    NotUtf8 { line: usize, offset: usize },
    /// The text is not well-formed JSON or YAML.
    Syntax {
        syntax: DataSyntax,
        line: usize,
        column: usize,
        message: String,
    },
    /// No or a wrong `format`, or not a mapping at all.
    Format {
        line: Option<usize>,
        message: String,
    },
    /// A value is missing, of the wrong type, unknown, or an unknown key.
    Invalid {
        line: Option<usize>,
        entry: Option<EntryAt>,
        field: Option<String>,
        message: String,
    },
}

/// A data file that parsed into its raw type `T`.
pub(crate) struct Parsed<'a, T> {
    /// The text, without a byte-order mark.
    pub text: &'a str,
    pub syntax: DataSyntax,
    pub raw: T,
}

impl<T> Parsed<'_, T> {
    /// The line on which each of the `entries` entries of the list starts, when the text can
    /// be scanned for them (see [`positions::entry_lines`]).
    pub fn entry_lines(&self, kind: &Kind, entries: usize) -> Option<Vec<usize>> {
        positions::entry_lines(self.syntax, self.text, kind.list, entries)
    }
}

/// Reads a data file of `kind` into its raw type: UTF-8 (a leading byte-order mark is
/// ignored), well-formed, the right `format`, then typed. The first problem is returned.
pub(crate) fn read<'a, T: DeserializeOwned>(
    kind: &Kind,
    name: &str,
    bytes: &'a [u8],
) -> Result<Parsed<'a, T>, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        Problem::NotUtf8 {
            line: line_of_offset(bytes, offset),
            offset,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = DataSyntax::detect(name, text);
    let reader = Reader { kind, text, syntax };
    // A loose parse first: syntax errors come out plainly, the format marker is checked
    // before anything else, and entries can be named by slug and id in later errors.
    let loose = reader.parse_loose()?;
    reader.check_format(&loose)?;
    let raw = reader.parse_typed(&loose)?;
    Ok(Parsed { text, syntax, raw })
}

/// The line (from 1) holding byte `offset`.
fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One file being read.
struct Reader<'a> {
    kind: &'a Kind,
    text: &'a str,
    syntax: DataSyntax,
}

impl Reader<'_> {
    /// The file as a plain tree. Only syntax errors can happen here.
    fn parse_loose(&self) -> Result<serde_json::Value, Problem> {
        let syntax_error = |line: usize, column: usize, message: String| Problem::Syntax {
            syntax: self.syntax,
            line,
            column,
            message: without_position(&message, line, column),
        };
        match self.syntax {
            DataSyntax::Json => serde_json::from_str(self.text)
                .map_err(|e| syntax_error(e.line(), e.column(), e.to_string())),
            DataSyntax::Yaml => {
                serde_norway::from_str::<serde_json::Value>(self.text).map_err(|e| {
                    let (line, column) = e
                        .location()
                        .map(|l| (l.line(), l.column()))
                        .unwrap_or((1, 1));
                    syntax_error(line, column, e.to_string())
                })
            }
        }
    }

    fn format_error(&self, message: String) -> Problem {
        Problem::Format {
            line: positions::key_line(self.syntax, self.text, 1, None, "format"),
            message,
        }
    }

    fn check_format(&self, loose: &serde_json::Value) -> Result<(), Problem> {
        let Kind { format, noun, list } = self.kind;
        if loose.is_null() {
            return Err(self.format_error(format!(
                "the file is empty: {noun} starts with \"format: {format}\""
            )));
        }
        let Some(top) = loose.as_object() else {
            return Err(self.format_error(format!(
                "expected a mapping with \"format: {format}\" and \"{list}:\""
            )));
        };
        match top.get("format") {
            None => Err(self.format_error(format!(
                "no format given: {noun} starts with \"format: {format}\""
            ))),
            Some(serde_json::Value::String(f)) if f == format => Ok(()),
            Some(other) => {
                let found = other
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| other.to_string());
                Err(self.format_error(format!(
                    "format: {found:?} is not {noun} this version reads (expected {format:?})"
                )))
            }
        }
    }

    /// The file as its raw type, with errors located by line and by their path in the file.
    fn parse_typed<T: DeserializeOwned>(&self, loose: &serde_json::Value) -> Result<T, Problem> {
        let result = match self.syntax {
            DataSyntax::Json => {
                let mut de = serde_json::Deserializer::from_str(self.text);
                serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
                    let path = e.path().clone();
                    let inner = e.into_inner();
                    let (line, column) = (inner.line(), inner.column());
                    (
                        path,
                        line,
                        without_position(&inner.to_string(), line, column),
                    )
                })
            }
            DataSyntax::Yaml => {
                let de = serde_norway::Deserializer::from_str(self.text);
                serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
                    let path = e.path().clone();
                    let inner = e.into_inner();
                    let (line, column) = inner
                        .location()
                        .map(|l| (l.line(), l.column()))
                        .unwrap_or((0, 0));
                    let message = without_position(&inner.to_string(), line, column);
                    // serde_norway puts (part of) the path in front of its messages; the
                    // error names the entry and field on its own.
                    let full = path.to_string();
                    let message = match message.split_once(": ") {
                        Some((prefix, rest)) if full.starts_with(prefix) => rest.to_string(),
                        _ => message,
                    };
                    // serde_norway reports errors from a value's own checks (an unknown id)
                    // at the start of the mapping that holds it; point at the key instead.
                    let line = match last_key(&path) {
                        Some(key) if line > 0 => {
                            positions::key_line(self.syntax, self.text, line, None, key)
                                .unwrap_or(line)
                        }
                        // Errors in an item of a list are reported at the list's start;
                        // point at the item instead.
                        _ if line > 0 => self.item_line(loose, &path).unwrap_or(line),
                        _ => line,
                    };
                    (path, line, message)
                })
            }
        };
        result.map_err(|(path, line, message)| {
            let (index, field) = split_path(&path, self.kind.list);
            let entry = index.map(|index| EntryAt {
                index,
                value: loose
                    .get(self.kind.list)
                    .and_then(|s| s.get(index))
                    .cloned(),
            });
            Problem::Invalid {
                line: (line > 0).then_some(line),
                entry,
                field,
                message,
            }
        })
    }
}

impl Reader<'_> {
    /// The line of the list item a path ends in (`genders[1]`), when the list is written one
    /// item per line after its key and the item can be placed without guessing.
    fn item_line(
        &self,
        loose: &serde_json::Value,
        path: &serde_path_to_error::Path,
    ) -> Option<usize> {
        use serde_path_to_error::Segment;
        let segments: Vec<&Segment> = path.iter().collect();
        let [parents @ .., Segment::Map { key }, Segment::Seq { index }] = segments.as_slice()
        else {
            return None;
        };
        // The list in the loose tree, for its length, and the line of its key: the entry's
        // line for an entry's own list, else found from the entry's start.
        let mut value = loose;
        for segment in parents {
            value = match segment {
                Segment::Map { key } => value.get(key.as_str())?,
                Segment::Seq { index } => value.get(*index)?,
                _ => return None,
            };
        }
        let len = value.get(key.as_str())?.as_array()?.len();
        let from = match parents {
            [] => 1,
            [Segment::Map { key: list }, Segment::Seq { index: entry }]
                if list == self.kind.list =>
            {
                let starts = positions::entry_lines(
                    self.syntax,
                    self.text,
                    list,
                    loose.get(list.as_str())?.as_array()?.len(),
                )?;
                let to = starts.get(entry + 1).copied();
                let from = *starts.get(*entry)?;
                let key_at = positions::entry_key_line(self.syntax, self.text, from, to, key)?;
                let items = positions::list_item_lines(self.syntax, self.text, key_at, to, key);
                return (items.len() == len)
                    .then(|| items.get(*index).copied())
                    .flatten();
            }
            _ => return None,
        };
        let key_at = positions::key_line(self.syntax, self.text, from, None, key)?;
        let items = positions::list_item_lines(self.syntax, self.text, key_at, None, key);
        (items.len() == len)
            .then(|| items.get(*index).copied())
            .flatten()
    }
}

/// The message without serde's " at line L column C".
fn without_position(message: &str, line: usize, column: usize) -> String {
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// The last key of a path (`direction` in `studies[0].outcomes[1].direction`), when the
/// path ends in one.
fn last_key(path: &serde_path_to_error::Path) -> Option<&str> {
    match path.iter().next_back()? {
        serde_path_to_error::Segment::Map { key } => Some(key),
        _ => None,
    }
}

/// Splits a path such as `studies[3].outcomes[0].direction` into the entry's index (3) and
/// the field within it (`outcomes[0].direction`), for the list named `list`. Top-level paths
/// have no index.
fn split_path(path: &serde_path_to_error::Path, list: &str) -> (Option<usize>, Option<String>) {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let (index, rest) = match segments.as_slice() {
        [Segment::Map { key }, Segment::Seq { index }, rest @ ..] if key == list => {
            (Some(*index), rest)
        }
        all => (None, all),
    };
    let mut field = String::new();
    for segment in rest {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push('?');
            }
        }
    }
    (index, (!field.is_empty()).then_some(field))
}
