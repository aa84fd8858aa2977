//! The contact block: organisation, address, phones, emails, websites, and anything else kept
//! as notes.

use super::lines::Line;
use super::Warning;
use preventory_core::Contact;

/// What a label line ("Main switchboard", "Email") says the next line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    Phone,
    Email,
    Website,
    Address,
}

const PHONE_LABELS: [&str; 10] = [
    "telephone",
    "tel",
    "phone",
    "main switchboard",
    "switchboard",
    "helpline",
    "phone number",
    "telephone number",
    "freephone",
    "mobile",
];
const EMAIL_LABELS: [&str; 3] = ["email", "e-mail", "email address"];
const WEBSITE_LABELS: [&str; 3] = ["website", "web", "web site"];
const ADDRESS_LABELS: [&str; 2] = ["address", "postal address"];

fn label_kind(label: &str) -> Option<Expect> {
    let l = label.trim().trim_end_matches(':').trim().to_lowercase();
    if PHONE_LABELS.contains(&l.as_str()) {
        Some(Expect::Phone)
    } else if EMAIL_LABELS.contains(&l.as_str()) {
        Some(Expect::Email)
    } else if WEBSITE_LABELS.contains(&l.as_str()) {
        Some(Expect::Website)
    } else if ADDRESS_LABELS.contains(&l.as_str()) {
        Some(Expect::Address)
    } else {
        None
    }
}

/// "Telephone: 0123" → (Phone, "0123").
pub(super) fn labelled(text: &str) -> Option<(Expect, &str)> {
    let (label, value) = text.split_once(':')?;
    // "https://…" is not a label.
    if value.starts_with("//") {
        return None;
    }
    let kind = label_kind(label)?;
    let value = value.trim();
    (!value.is_empty()).then_some((kind, value))
}

/// Whether a line starts the contact block even without its heading.
pub(super) fn starts_contact(text: &str) -> bool {
    labelled(text).is_some()
}

fn is_email(text: &str) -> bool {
    let t = text.trim_end_matches('.');
    match t.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !t.contains(char::is_whitespace)
                && !domain.starts_with('.')
        }
        None => false,
    }
}

fn is_website(text: &str) -> bool {
    let lower = text.to_lowercase();
    !text.contains(char::is_whitespace)
        && (lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("www."))
}

fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '+' | '-' | '.'))
}

/// A sentence rather than a name or an address line.
fn is_sentence(text: &str) -> bool {
    text.split_whitespace().count() >= 5
        && (text.contains(" is ") || text.contains(" are ") || text.ends_with('.'))
}

/// Reads the contact block's lines (already free of rating, date and junk lines).
pub(super) fn read(lines: &[Line], warnings: &mut Vec<Warning>) -> Contact {
    let mut contact = Contact::default();
    let mut address: Vec<String> = Vec::new();
    let mut address_open = false;
    let mut address_done = false;
    let mut expect: Option<(Expect, usize)> = None;
    let mut previous_blank = true;

    for line in lines {
        let text = line.text.as_str();
        if line.is_blank() {
            if address_open && !address.is_empty() {
                address_open = false;
                address_done = true;
            }
            previous_blank = true;
            continue;
        }
        let paragraph_start = previous_blank;
        previous_blank = false;

        if let Some((kind, _)) = expect.take() {
            if take_value(kind, text, &mut contact, &mut address) {
                if kind == Expect::Address {
                    address_done = true;
                }
                continue;
            }
        }
        if let Some(kind) = label_kind(text) {
            expect = Some((kind, line.no));
            continue;
        }
        if let Some((kind, value)) = labelled(text) {
            if take_value(kind, value, &mut contact, &mut address) {
                if kind == Expect::Address {
                    address_done = true;
                    address_open = false;
                }
                continue;
            }
        }
        if is_email(text) {
            contact.emails.push(text.trim_end_matches('.').to_string());
        } else if is_website(text) {
            contact.websites.push(text.to_string());
        } else if is_phone(text) {
            contact.phones.push(text.to_string());
        } else if is_sentence(text) {
            contact.notes.push(text.to_string());
        } else if contact.organisation.is_none()
            && address.is_empty()
            && !text.starts_with(|c: char| c.is_ascii_digit())
        {
            contact.organisation = Some(text.to_string());
            address_open = true;
        } else if !address_done && (address_open || paragraph_start) {
            address.push(text.to_string());
            address_open = true;
        } else {
            contact.notes.push(text.to_string());
        }
    }
    if let Some((kind, line)) = expect {
        warnings.push(Warning {
            line,
            field: "contact".into(),
            message: format!("a {kind:?} label is not followed by a value").to_lowercase(),
        });
    }
    if !address.is_empty() {
        contact.address = Some(address.join("\n"));
    }
    contact
}

/// Stores a labelled value; false when the value does not fit the label.
fn take_value(kind: Expect, text: &str, contact: &mut Contact, address: &mut Vec<String>) -> bool {
    match kind {
        Expect::Phone if text.chars().any(|c| c.is_ascii_digit()) => {
            contact.phones.push(text.to_string());
            true
        }
        Expect::Email if is_email(text) => {
            contact.emails.push(text.trim_end_matches('.').to_string());
            true
        }
        Expect::Website if !text.contains(' ') => {
            contact.websites.push(text.to_string());
            true
        }
        Expect::Address => {
            address.push(text.to_string());
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.lines()
            .enumerate()
            .map(|(i, t)| Line {
                no: i + 1,
                text: t.trim().to_string(),
            })
            .collect()
    }

    #[test]
    fn an_organisation_with_a_multi_line_address_and_labelled_values() {
        let mut w = Vec::new();
        let c = read(
            &lines("Fictional Service Trust\n1 Example Street,\nExampletown,\nEX1 2AB\n\nEmail\ninfo@example.org\n\nMain switchboard\n01632 960123\n\nhttps://www.example.org/help"),
            &mut w,
        );
        assert_eq!(c.organisation.as_deref(), Some("Fictional Service Trust"));
        assert_eq!(
            c.address.as_deref(),
            Some("1 Example Street,\nExampletown,\nEX1 2AB")
        );
        assert_eq!(c.emails, ["info@example.org"]);
        assert_eq!(c.phones, ["01632 960123"]);
        assert_eq!(c.websites, ["https://www.example.org/help"]);
        assert!(w.is_empty());
    }

    #[test]
    fn inline_labels_and_notes() {
        let mut w = Vec::new();
        let c = read(
            &lines("Website: www.example.org\nAddress: Example Help, PO Box 1, Exampletown\n\nTelephone: 07700 900 123\n\nExample Help is a registered charity, Number 000000"),
            &mut w,
        );
        assert_eq!(c.organisation, None);
        assert_eq!(
            c.address.as_deref(),
            Some("Example Help, PO Box 1, Exampletown")
        );
        assert_eq!(c.phones, ["07700 900 123"]);
        assert_eq!(c.websites, ["www.example.org"]);
        assert_eq!(
            c.notes,
            ["Example Help is a registered charity, Number 000000"]
        );
    }
}
