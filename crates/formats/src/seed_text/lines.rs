//! Turning bytes into numbered lines, and recognising the shapes of single lines.

use super::ParseError;

/// One line of the source, trimmed, with its 1-based number.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Decodes UTF-8 (dropping a byte-order mark), refusing binary content with the line of the
/// first bad byte.
pub(super) fn decode(bytes: &[u8]) -> Result<String, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.valid_up_to();
            return Err(ParseError {
                line: line_of_offset(bytes, offset),
                field: "file".into(),
                message: format!("not valid UTF-8 text (bad byte at offset {offset})"),
            });
        }
    };
    if let Some(offset) = text.find('\0') {
        return Err(ParseError {
            line: line_of_offset(bytes, offset),
            field: "file".into(),
            message: "contains a NUL byte: this looks like a binary file, not a text record".into(),
        });
    }
    Ok(text.to_string())
}

fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    line_breaks(&bytes[..offset.min(bytes.len())]) + 1
}

/// Line breaks in the same sense as [`split`]: CRLF, CR and LF each end one line.
pub(crate) fn line_breaks(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut previous_cr = false;
    for &b in bytes {
        match b {
            b'\n' if previous_cr => previous_cr = false,
            b'\n' => count += 1,
            b'\r' => {
                count += 1;
                previous_cr = true;
            }
            _ => previous_cr = false,
        }
    }
    count
}

/// Splits text into trimmed, numbered lines (CRLF, CR and LF all end a line).
pub(super) fn split(text: &str) -> Vec<Line> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .split('\n')
        .enumerate()
        .map(|(i, raw)| Line {
            no: i + 1,
            text: clean(raw),
        })
        .collect()
}

/// Trims a line and turns odd spaces (no-break, zero-width, tabs) into plain ones.
fn clean(raw: &str) -> String {
    let replaced: String = raw
        .chars()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}'))
        .map(|c| match c {
            '\u{00A0}' | '\t' | '\u{2007}' | '\u{202F}' => ' ',
            other => other,
        })
        .collect();
    replaced.trim().to_string()
}

/// Bullet characters the export uses.
const BULLETS: [char; 8] = ['•', '-', '–', '*', '‣', '▪', '·', '◦'];

/// The line's text without its bullet, if it is a bullet item.
pub(super) fn strip_bullet(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let first = chars.next()?;
    if !BULLETS.contains(&first) {
        return None;
    }
    let rest = chars.as_str();
    if rest.starts_with(' ') || rest.starts_with('\u{00A0}') {
        Some(rest.trim_start())
    } else {
        None
    }
}

/// Whether the text, lowercased, starts with the given lowercase words followed by a word
/// boundary.
pub(super) fn starts_with_words(text: &str, words: &str) -> bool {
    // Compared in place: this runs on every line, and lowercasing whole lines was costly.
    text.get(..words.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(words))
        && text[words.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// A "RATING: Promising" line: returns the value text.
pub(super) fn rating_value(text: &str) -> Option<&str> {
    let (label, value) = text.split_once(':')?;
    if label.trim().eq_ignore_ascii_case("rating")
        || label.trim().eq_ignore_ascii_case("evidence rating")
    {
        Some(value.trim())
    } else {
        None
    }
}

/// An "Information correct at March 2021" line: returns the date text.
pub(super) fn information_date(text: &str) -> Option<&str> {
    const PREFIXES: [&str; 2] = ["information correct as at", "information correct at"];
    let prefix = PREFIXES.into_iter().find(|p| {
        text.get(..p.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(p))
    })?;
    Some(text[prefix.len()..].trim_start_matches([':', ' ']).trim())
}

/// "Image result for …" lines are debris of the web page the export was taken from.
pub(super) fn is_junk(text: &str) -> bool {
    starts_with_words(text, "image result for") || starts_with_words(text, "image result")
}

/// Text of a bullet or plain line, with bullets normalised to "- " so lists survive.
pub(super) fn normalise_bullet(text: &str) -> String {
    match strip_bullet(text) {
        Some(rest) => format!("- {rest}"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_its_line() {
        let err = decode(b"Title\nline two\n\xff\xfe bad").err();
        assert_eq!(err.map(|e| e.line), Some(3));
    }

    #[test]
    fn rating_and_date_lines_are_recognised_with_any_spacing_or_case() {
        assert_eq!(rating_value("RATING:  Promising"), Some("Promising"));
        assert_eq!(rating_value("Rating: pioneering"), Some("pioneering"));
        assert_eq!(rating_value("Rating the service"), None);
        assert_eq!(
            information_date("INFORMATION CORRECT AT 2017"),
            Some("2017")
        );
        assert_eq!(
            information_date("Information correct at March 2021"),
            Some("March 2021")
        );
    }

    #[test]
    fn bullets_are_recognised() {
        assert_eq!(strip_bullet("• item"), Some("item"));
        assert_eq!(strip_bullet("- item"), Some("item"));
        assert_eq!(strip_bullet("-item"), None);
        assert_eq!(strip_bullet("Plain"), None);
    }
}
