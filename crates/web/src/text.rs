//! Turning record text into things a template can show safely: paragraphs and lists, and
//! links that can only ever point where their text says.
//!
//! Nothing here produces markup. Templates escape every string; this module only decides
//! structure, and which `href`s are safe enough to emit at all.

/// A block of a narrative section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// Running text; lines of a paragraph are joined with spaces, as in the source document
    /// line breaks inside a paragraph are only wrapping.
    Paragraph(String),
    /// Consecutive lines starting with "- ".
    List(Vec<String>),
}

/// Splits section text into paragraphs (on blank lines) and bulleted lists (lines starting
/// with "- ").
pub(crate) fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();

    fn flush(out: &mut Vec<Block>, paragraph: &mut Vec<&str>, list: &mut Vec<String>) {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
        if !list.is_empty() {
            out.push(Block::List(std::mem::take(list)));
        }
    }

    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut out, &mut paragraph, &mut list);
        } else if let Some(item) = line.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut out, &mut paragraph, &mut list);
            }
            let item = item.trim();
            if !item.is_empty() {
                list.push(item.to_string());
            }
        } else {
            if !list.is_empty() {
                flush(&mut out, &mut paragraph, &mut list);
            }
            paragraph.push(line);
        }
    }
    flush(&mut out, &mut paragraph, &mut list);
    out
}

/// A piece of contact text and, when it is safe and recognisable, where it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// The text as written in the record.
    pub text: String,
    /// The link target, or `None` to show the text without a link.
    pub href: Option<String>,
}

impl Link {
    fn new(text: &str, href: Option<String>) -> Link {
        Link {
            text: text.trim().to_string(),
            href,
        }
    }
}

/// A `tel:` link for a telephone number as written ("+44 (0)20 7946 0000 (Mon–Fri)").
pub(crate) fn phone(text: &str) -> Link {
    // The number is the run of digits and separators with the most digits, so that a label
    // ("Line 1:") or opening hours ("9am–5pm") beside it cannot leak digits into it.
    let is_part = |c: char| c.is_ascii_digit() || " +()-./\u{a0}".contains(c);
    let mut best: Option<(usize, String)> = None;
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit() || c == '+') {
        let run_len = rest[start..]
            .find(|c: char| !is_part(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        let international = run.starts_with('+');
        // "+44 (0)20…": the bracketed trunk zero is not dialled from abroad.
        let run = if international {
            run.replace("(0)", "")
        } else {
            run.to_string()
        };
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 && best.as_ref().is_none_or(|(n, _)| digits.len() > *n) {
            let href = if international {
                format!("tel:+{digits}")
            } else {
                format!("tel:{digits}")
            };
            best = Some((digits.len(), href));
        }
        rest = &rest[start + run_len.max(1)..];
    }
    Link::new(text, best.map(|(_, href)| href))
}

/// A `mailto:` link for an address of the ordinary `name@domain.tld` shape.
pub(crate) fn email(text: &str) -> Link {
    let trimmed = text.trim();
    let address = trimmed
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(trimmed, |_| &trimmed[7..]);
    let valid = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._%+-'".contains(c))
                && is_host(domain)
        }
        None => false,
    };
    Link::new(text, valid.then(|| format!("mailto:{address}")))
}

/// A link for a web address as written. Only `http` and `https` are allowed; a bare address
/// ("www.example.org") gets `https://`. Anything else (`javascript:`, `data:`, addresses with
/// credentials or odd characters) is shown as text only.
pub(crate) fn website(text: &str) -> Link {
    let trimmed = text.trim();
    Link::new(text, website_href(trimmed))
}

fn website_href(text: &str) -> Option<String> {
    if text.is_empty()
        || text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return None;
    }
    if let Some(rest) = text.strip_prefix("//") {
        return website_href(&format!("https://{rest}"));
    }
    if let Some((scheme, rest)) = text.split_once(':') {
        if is_scheme(scheme) {
            let lower = scheme.to_ascii_lowercase();
            if lower == "http" || lower == "https" {
                let after = rest.strip_prefix("//")?;
                return authority_is_host(after).then(|| format!("{lower}://{after}"));
            }
            // "example.org:8080/path" has the shape of a scheme but is a host and port.
            let is_port = rest.starts_with(|c: char| c.is_ascii_digit());
            if !(is_port && scheme.contains('.')) {
                return None;
            }
        }
    }
    authority_is_host(text).then(|| format!("https://{text}"))
}

/// RFC 3986 scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Does the part of a URL before the first `/`, `?` or `#` name a host (with an optional
/// port)? User information ("good.example@evil.example") is refused because it misleads.
fn authority_is_host(after_scheme: &str) -> bool {
    let end = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let authority = &after_scheme[..end];
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
        && is_host(host)
}

/// A domain name with at least one dot: letters (any script), digits, hyphens.
fn is_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// The lines of a postal address, without empty ones.
pub(crate) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_and_dashes_make_lists() {
        let text = "First line\nstill first.\n\nIntro:\n- one\n- two\n\n\nLast.";
        assert_eq!(
            blocks(text),
            vec![
                Block::Paragraph("First line still first.".into()),
                Block::Paragraph("Intro:".into()),
                Block::List(vec!["one".into(), "two".into()]),
                Block::Paragraph("Last.".into()),
            ]
        );
        assert_eq!(blocks("  \n\n"), vec![]);
        assert_eq!(
            blocks("- a\nafter"),
            vec![
                Block::List(vec!["a".into()]),
                Block::Paragraph("after".into())
            ]
        );
        assert_eq!(
            blocks("-5 degrees is cold"),
            vec![Block::Paragraph("-5 degrees is cold".into())]
        );
    }

    #[test]
    fn phone_numbers_link_to_their_digits() {
        assert_eq!(
            phone("+44 (0)20 7946 0000").href.as_deref(),
            Some("tel:+442079460000")
        );
        assert_eq!(
            phone("0800 1000 900 (Mon–Thu 9am–9pm)").href.as_deref(),
            Some("tel:08001000900")
        );
        assert_eq!(
            phone("Freephone: 0800-000-111").href.as_deref(),
            Some("tel:0800000111")
        );
        assert_eq!(
            phone("Line 1: 0300 123 4567").href.as_deref(),
            Some("tel:03001234567")
        );
        assert_eq!(
            phone("Mon–Fri 9–17: +49 30 0000 0000").href.as_deref(),
            Some("tel:+493000000000")
        );
        assert_eq!(phone("116 000").href.as_deref(), Some("tel:116000"));
        assert_eq!(phone("ask at reception").href, None);
        assert_eq!(phone("javascript:alert(1)").href, None);
    }

    #[test]
    fn only_plain_email_addresses_link() {
        assert_eq!(
            email("help@fictional.example").href.as_deref(),
            Some("mailto:help@fictional.example")
        );
        assert_eq!(
            email("mailto:help@fictional.example").href.as_deref(),
            Some("mailto:help@fictional.example")
        );
        assert_eq!(email("help@localhost").href, None);
        assert_eq!(email("a@b.example?subject=hi").href, None);
        assert_eq!(email("\"><img src=x>@x.example").href, None);
        assert_eq!(email("not an address").href, None);
    }

    #[test]
    fn websites_get_https_only_when_they_have_no_scheme() {
        let href = |t: &str| website(t).href;
        assert_eq!(
            href("www.fictional.example").as_deref(),
            Some("https://www.fictional.example")
        );
        assert_eq!(
            href("fictional.example/help?x=1").as_deref(),
            Some("https://fictional.example/help?x=1")
        );
        assert_eq!(
            href("http://fictional.example").as_deref(),
            Some("http://fictional.example")
        );
        assert_eq!(
            href("HTTPS://fictional.example/a").as_deref(),
            Some("https://fictional.example/a")
        );
        assert_eq!(
            href("fictional.example:8080/x").as_deref(),
            Some("https://fictional.example:8080/x")
        );
        assert_eq!(
            href("//fictional.example").as_deref(),
            Some("https://fictional.example")
        );
    }

    #[test]
    fn dangerous_or_odd_websites_are_not_linked() {
        for text in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "ftp://fictional.example",
            "mailto:help@fictional.example",
            "https://good.example@evil.example",
            "https:\\\\evil.example",
            "https://",
            "\"><img src=x onerror=alert(1)>",
            "localhost",
            "fictional example.org",
            "",
        ] {
            assert_eq!(website(text).href, None, "{text:?}");
        }
    }
}
