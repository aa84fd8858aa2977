//! `GET /submit` and `POST /submit`: anyone may tell the editors about a service that is not
//! listed, or suggest a correction to a record. No account, and no cookie: the public site
//! never sets one (a test checks it), so this form cannot use a session's CSRF token.
//!
//! **Why no CSRF token.** CSRF is about making a signed-in person's browser change something on
//! their behalf. Here nobody is signed in and nothing is done on anyone's behalf: a forged post
//! could only send a suggestion, which anyone can send anyway, and which an editor reads before
//! anything happens. What this form must resist is abuse, which it does by:
//! - a **honeypot** field (`website`), hidden from people by CSS and kept out of the tab order,
//!   with a label telling anyone who meets it (a screen reader user, say) to leave it empty.
//!   A filled honeypot gets exactly the answer of a success (200, the same thank-you page) but
//!   nothing is stored, so a bot learns nothing;
//! - a **limit per client** ([`SUBMISSION_LIMIT`], five an hour), kept by the store under a
//!   keyed hash of the peer's address ([`Store::submission_client_key`]): the address itself
//!   is never stored or logged. IPv6 clients count per /64 network, since one machine commonly
//!   has a whole /64 to pick addresses from;
//! - a **same-origin check**: a post whose `Origin` (or, without one, `Referer`) names another
//!   host is refused (403), so other sites cannot have their visitors' browsers post here. The
//!   site's pages send `Referrer-Policy: no-referrer`, under which browsers send the opaque
//!   `Origin: null` even for a post to the same site; the form page therefore relaxes its own
//!   policy to `same-origin` (a `<meta name="referrer">`, which still sends nothing to other
//!   sites), so browsers send its real origin, and `null` is refused as unverifiable. A post
//!   with neither header (a script, not a browser) is let through to the other checks: it can
//!   forge any header it likes anyway;
//! - **limits on size**: the body ([`MAX_BODY_BYTES`], the route's `DefaultBodyLimit`), each
//!   field's length in characters, valid UTF-8, and no control characters (other than line
//!   breaks and tabs in the details), each refused with a message naming the field.
//!
//! Answers carry `Cache-Control: no-store` (the route's layer): the form may hold someone's
//! name and address, and must not linger in a shared computer's cache.
//!
//! What is stored is what was typed: single-line fields are trimmed, the details keep their
//! text exactly, except that line breaks sent as CR LF (as browsers send a text area's) are
//! stored as LF, the text area's own form.

use super::{display_title, record_href, Chrome, ErrorLink};
use crate::error::WebError;
use crate::profile_input;
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use preventory_core::accounts::Email;
use preventory_core::slug::{is_valid_slug, MAX_SLUG_LEN};
use preventory_store::editing::{NewSubmission, SubmissionKind, SUBMISSION_LIMIT};
use preventory_store::StoreError;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

/// The form's address.
pub(crate) const HREF: &str = "/submit";

/// The honeypot field's name: people never see it; simple bots fill it in.
pub(crate) const HONEYPOT: &str = "website";

/// The longest service name, in characters.
pub(crate) const MAX_SERVICE_NAME: usize = 200;
/// The longest organisation name, in characters.
pub(crate) const MAX_ORGANISATION: usize = 300;
/// The longest details, in characters.
pub(crate) const MAX_DETAILS: usize = 10_000;
/// The longest contact name, in characters.
pub(crate) const MAX_CONTACT_NAME: usize = 200;
/// The longest contact address, in characters (the longest an address can be).
pub(crate) const MAX_CONTACT_EMAIL: usize = 254;
/// The longest record reference (a slug, or the address of a record's page), in characters.
pub(crate) const MAX_RECORD: usize = 300;

/// The largest body taken: every field at its longest, each character as four bytes of UTF-8
/// each sent as `%XX` (12 bytes), plus room for the names, the kind and the honeypot. So any
/// form that passes the field limits fits, in any script; anything much larger is refused
/// (413) before it is read.
pub(crate) const MAX_BODY_BYTES: usize = 12
    * (MAX_SERVICE_NAME
        + MAX_ORGANISATION
        + MAX_DETAILS
        + MAX_CONTACT_NAME
        + MAX_CONTACT_EMAIL
        + MAX_RECORD)
    + 4096;

/// A form field as shown: its value so far and any problem with it.
#[derive(Debug, Clone)]
struct Field {
    /// The field name, also the input's id.
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    error: Option<String>,
    /// The input's `autocomplete` token.
    autocomplete: &'static str,
    /// The input's `type` (text inputs).
    input_type: &'static str,
}

impl Field {
    fn new(name: &'static str, label: &'static str, hint: Option<&'static str>) -> Field {
        Field {
            name,
            label,
            hint,
            value: String::new(),
            error: None,
            autocomplete: "off",
            input_type: "text",
        }
    }

    fn autocomplete(mut self, token: &'static str) -> Field {
        self.autocomplete = token;
        self
    }

    fn input_type(mut self, input_type: &'static str) -> Field {
        self.input_type = input_type;
        self
    }

    /// The ids that describe the input: its hint and its error.
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

#[derive(Template)]
#[template(path = "submit.html")]
struct FormPage {
    chrome: Chrome,
    errors: Vec<ErrorLink>,
    /// Whether "correction" is chosen (otherwise "new service").
    correction: bool,
    kind_error: Option<String>,
    /// The record being corrected, when known: its page and title.
    record_link: Option<(String, String)>,
    record: Field,
    service_name: Field,
    organisation: Field,
    details: Field,
    contact_name: Field,
    contact_email: Field,
    honeypot: &'static str,
}

impl FormPage {
    fn new() -> FormPage {
        FormPage {
            chrome: Chrome::new("Suggest a service or a correction"),
            errors: Vec::new(),
            correction: false,
            kind_error: None,
            record_link: None,
            record: Field::new(
                "record",
                "Record to correct (only for a correction)",
                Some("The address of the record's page, or its last part (what follows /interventions/)."),
            ),
            service_name: Field::new("service_name", "Name of the service", Some("At most 200 characters.")),
            organisation: Field::new(
                "organisation",
                "Organisation that runs it (optional)",
                Some("At most 300 characters."),
            )
            .autocomplete("organization"),
            details: Field::new(
                "details",
                "What should we add or correct?",
                Some("For a new service: who it is for, what it offers, where and how to contact it. For a correction: what is wrong and what it should say. At most 10,000 characters."),
            ),
            contact_name: Field::new("contact_name", "Your name (optional)", None).autocomplete("name"),
            contact_email: Field::new("contact_email", "Your email address (optional)", None)
                .autocomplete("email")
                .input_type("email"),
            honeypot: HONEYPOT,
        }
    }

    fn fields_mut(&mut self) -> [&mut Field; 6] {
        [
            &mut self.record,
            &mut self.service_name,
            &mut self.organisation,
            &mut self.details,
            &mut self.contact_name,
            &mut self.contact_email,
        ]
    }

    /// Puts `message` on the field `name` (or on the kind) and in the summary.
    fn add_error(&mut self, name: &str, message: String) {
        self.errors.push(ErrorLink {
            href: if name == "kind" {
                "#kind-new_service".to_string()
            } else {
                format!("#{name}")
            },
            text: message.clone(),
        });
        if name == "kind" {
            self.kind_error = Some(message);
            return;
        }
        if let Some(field) = self.fields_mut().into_iter().find(|f| f.name == name) {
            field.error = Some(message);
        }
    }

    fn render_with(&self, status: StatusCode) -> Result<Response, WebError> {
        Ok((status, Html(self.render()?)).into_response())
    }
}

/// The thank-you page, or the "too many" page: a heading and paragraphs.
#[derive(Template)]
#[template(path = "submit_done.html")]
struct DonePage {
    chrome: Chrome,
    heading: &'static str,
    paragraphs: &'static [&'static str],
}

const THANKS: &[&str] = &[
    "An editor will read your suggestion. Nothing you sent is published as it is: editors check every suggestion, and write or correct the record themselves, which another editor then reviews before it appears on the site.",
    "If you gave an email address, an editor may write to you with a question or to say what happened. Your name and address are only used for that, and are never published.",
    "You will not get an automatic confirmation email.",
];

const TOO_MANY: &[&str] = &[
    "So many suggestions have been sent from your connection in the last hour that we cannot take more for now. This limit stops automated spam.",
    "Please try again in an hour. Nothing from this attempt was kept.",
];

/// `GET /submit`: the empty form; `?record=slug` (the "Suggest a correction" link of a record's
/// page) starts a correction to that record.
pub(crate) async fn form(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let mut page = FormPage::new();
    let wanted = query.as_deref().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "record")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(slug) = wanted.filter(|s| is_valid_slug(s)) {
        if let Some(stored) = state.store().get_public(&slug).await? {
            let title = display_title(&stored.record.title);
            page.correction = true;
            page.record.value = slug.clone();
            page.service_name.value = title.clone();
            page.record_link = Some((record_href(&slug), title));
        }
    }
    page.render_with(StatusCode::OK)
}

/// `POST /submit`: checks the suggestion and stores it, or shows the form again with what is
/// wrong (400), or says to wait (429).
pub(crate) async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    if !same_origin(&headers) {
        return Err(WebError::Forbidden(
            "This form can only be sent from its own page on this site. Open the form at /submit and send it from there.",
        ));
    }
    profile_input::require_media_type(&headers, profile_input::FORM)?;
    let body = profile_input::body(body)?;
    let sent = parse_form(&body);

    // Before any check, so that a bot sees the same answer whatever else it sent.
    if sent.get(HONEYPOT).is_some_and(|v| match v {
        Ok(text) => !text.is_empty(),
        Err(_) => true,
    }) {
        return thanks();
    }

    let mut page = FormPage::new();
    let checked = check(&sent, &mut page);
    if let (Some(slug), true) = (&checked.record_slug, page.record.error.is_none()) {
        match state.store().get_public(slug).await? {
            Some(stored) => {
                page.record_link = Some((record_href(slug), display_title(&stored.record.title)));
            }
            None => page.add_error(
                "record",
                "There is no published record with this name. Check the address of the record's page."
                    .to_string(),
            ),
        }
    }
    let Some(new) = checked.submission.filter(|_| page.errors.is_empty()) else {
        return page.render_with(StatusCode::BAD_REQUEST);
    };

    let peer = peer.map(|axum::Extension(ConnectInfo(addr))| addr.ip());
    let client = client_of(state.client_ip(peer, &headers));
    let key = state.store().submission_client_key(&client).await?;
    match state
        .store()
        .create_submission(&new, &key, SUBMISSION_LIMIT)
        .await
    {
        Ok(_) => thanks(),
        Err(StoreError::TooManySubmissions) => {
            let html = DonePage {
                chrome: Chrome::new("Please try again later"),
                heading: "Please try again later",
                paragraphs: TOO_MANY,
            }
            .render()?;
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(html)).into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// The answer to a stored suggestion, and to a filled honeypot.
fn thanks() -> Result<Response, WebError> {
    let html = DonePage {
        chrome: Chrome::new("Thank you for your suggestion"),
        heading: "Thank you for your suggestion",
        paragraphs: THANKS,
    }
    .render()?;
    Ok((StatusCode::OK, Html(html)).into_response())
}

/// The client as the submission limit counts it: the peer's address, an IPv6 one by its /64
/// network. Only ever given to [`preventory_store::Store::submission_client_key`].
fn client_of(ip: Option<IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => format!("peer:{v4}"),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("peer:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "peer:unknown".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The same-origin check.

/// Whether a post may have come from this site's own page: its `Origin` (or, without one, its
/// `Referer`) names this host, or it has neither. See the module's documentation.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .map(|v| v.to_str().map(str::trim).map(str::to_string))
    };
    let claimed = match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(origin), _) => origin,
        (None, Some(referer)) => referer,
        (None, None) => return true,
    };
    let Ok(claimed) = claimed else { return false };
    let Some((scheme, rest)) = claimed.split_once("://") else {
        // `null`, or nothing like an origin.
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    // The host the browser addressed: `Host`, or what a reverse proxy says it was.
    let forwarded = headers
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    [host, forwarded]
        .into_iter()
        .flatten()
        .any(|host| same_authority(scheme, authority, host.trim()))
}

/// Whether `authority` (from a `scheme` URL) and a `Host` value name the same host and port,
/// reading a missing port as the scheme's default.
fn same_authority(scheme: &str, authority: &str, host: &str) -> bool {
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let normal = |a: &str| {
        a.strip_suffix(default_port)
            .unwrap_or(a)
            .to_ascii_lowercase()
    };
    !host.is_empty() && normal(authority) == normal(host)
}

// ---------------------------------------------------------------------------------------
// Reading and checking the form.

/// The body's fields by name, each value percent-decoded and checked as UTF-8 (`Err` when it
/// is not). A field sent twice keeps its first value.
fn parse_form(body: &[u8]) -> BTreeMap<String, Result<String, ()>> {
    let mut fields = BTreeMap::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let name = String::from_utf8_lossy(&percent_decode(name)).into_owned();
        let value = String::from_utf8(percent_decode(value)).map_err(|_| ());
        fields.entry(name).or_insert(value);
    }
    fields
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a `%` not
/// followed by two hex digits stays as it is.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).copied().and_then(hex),
                input.get(i + 2).copied().and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// What [`check`] made of the form: the submission when every field is fine, and the record
/// named (still to be looked up) for a correction.
struct Checked {
    submission: Option<NewSubmission>,
    record_slug: Option<String>,
}

/// How one text field is checked.
struct Rule {
    max: usize,
    required: Option<&'static str>,
    multiline: bool,
}

/// The field's text (trimmed unless multi-line; `None` when empty), or its problem.
fn text_of(
    sent: &BTreeMap<String, Result<String, ()>>,
    field: &Field,
    rule: &Rule,
) -> Result<Option<String>, String> {
    let raw = match sent.get(field.name) {
        None => String::new(),
        Some(Ok(text)) => text.clone(),
        Some(Err(())) => {
            return Err(format!(
                "{}: this text could not be read (it is not valid UTF-8). Please type it again.",
                field.label
            ))
        }
    };
    let text = if rule.multiline {
        raw.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        raw.trim().to_string()
    };
    if text.trim().is_empty() {
        return match rule.required {
            Some(message) => Err(message.to_string()),
            None => Ok(None),
        };
    }
    let length = text.chars().count();
    if length > rule.max {
        return Err(format!(
            "{} must be at most {} characters; it has {}.",
            field.label,
            group_thousands(rule.max),
            group_thousands(length)
        ));
    }
    let control = |c: char| c.is_control() && !(rule.multiline && (c == '\n' || c == '\t'));
    if text.chars().any(control) {
        return Err(if rule.multiline {
            format!("{} contains control characters (invisible characters other than line breaks and tabs). Please remove them.", field.label)
        } else {
            format!("{} must be one line of text without control characters (such as line breaks or tabs).", field.label)
        });
    }
    Ok(Some(text))
}

/// 10000 → "10,000".
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The slug named by a record field: the slug itself, or the address of the record's page.
fn record_slug(text: &str) -> Option<String> {
    let slug = match text.find("/interventions/") {
        Some(i) => text[i + "/interventions/".len()..]
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default(),
        None => text,
    };
    let slug = slug.trim().to_ascii_lowercase();
    (slug.len() <= MAX_SLUG_LEN && is_valid_slug(&slug)).then_some(slug)
}

/// Checks every field, filling `page` with the values sent and the problems found.
fn check(sent: &BTreeMap<String, Result<String, ()>>, page: &mut FormPage) -> Checked {
    for field in page.fields_mut() {
        if let Some(value) = sent.get(field.name) {
            field.value = match value {
                Ok(text) => text.clone(),
                Err(()) => String::new(),
            };
        }
    }
    let kind = match sent.get("kind") {
        Some(Ok(k)) => SubmissionKind::from_id(k.trim()),
        _ => None,
    };
    page.correction = kind == Some(SubmissionKind::Correction);
    if kind.is_none() {
        page.add_error(
            "kind",
            "Choose whether you are telling us about a new service or a correction.".to_string(),
        );
    }

    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut take = |field: &Field, rule: Rule| match text_of(sent, field, &rule) {
        Ok(text) => text,
        Err(message) => {
            errors.push((field.name, message));
            None
        }
    };
    let record_text = take(
        &page.record,
        Rule {
            max: MAX_RECORD,
            required: page
                .correction
                .then_some("Say which record should be corrected: paste the address of its page."),
            multiline: false,
        },
    );
    let service_name = take(
        &page.service_name,
        Rule {
            max: MAX_SERVICE_NAME,
            required: Some("Enter the name of the service."),
            multiline: false,
        },
    );
    let organisation = take(
        &page.organisation,
        Rule {
            max: MAX_ORGANISATION,
            required: None,
            multiline: false,
        },
    );
    let details = take(
        &page.details,
        Rule {
            max: MAX_DETAILS,
            required: Some("Tell us what to add or correct."),
            multiline: true,
        },
    );
    let contact_name = take(
        &page.contact_name,
        Rule {
            max: MAX_CONTACT_NAME,
            required: None,
            multiline: false,
        },
    );
    let contact_email = take(
        &page.contact_email,
        Rule {
            max: MAX_CONTACT_EMAIL,
            required: None,
            multiline: false,
        },
    );
    if let Some(address) = &contact_email {
        if Email::parse(address).is_err() {
            errors.push((
                "contact_email",
                "Enter an email address like name@example.org, or leave it empty.".to_string(),
            ));
        }
    }
    let mut slug = None;
    if page.correction {
        if let Some(text) = &record_text {
            slug = record_slug(text);
            if slug.is_none() {
                errors.push((
                    "record",
                    "This is not the address of a record's page. Copy the address from the record's page, or use its \"Suggest a correction\" link.".to_string(),
                ));
            }
        }
    }
    for (name, message) in errors {
        page.add_error(name, message);
    }

    let submission = match (kind, service_name, details) {
        (Some(kind), Some(service_name), Some(details)) if page.errors.is_empty() => {
            Some(NewSubmission {
                kind,
                record_slug: if kind == SubmissionKind::Correction {
                    slug.clone()
                } else {
                    None
                },
                service_name,
                organisation,
                details,
                contact_name,
                contact_email,
            })
        }
        _ => None,
    };
    Checked {
        submission,
        record_slug: slug,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_this_host_may_post() {
        let host = ("host", "example.org");
        assert!(same_origin(&headers(&[host])));
        assert!(same_origin(&headers(&[
            host,
            ("origin", "https://example.org")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "example.org:443"),
            ("origin", "https://EXAMPLE.org")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8081")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[host, ("origin", "null")])));
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://example.org.evil.example")
        ])));
        // Without an Origin, the Referer decides.
        assert!(same_origin(&headers(&[
            host,
            ("referer", "https://example.org/submit?record=x")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("referer", "https://evil.example/example.org")
        ])));
        assert!(!same_origin(&headers(&[
            host,
            ("referer", "https://example.org@evil.example/")
        ])));
        // An Origin wins over a Referer.
        assert!(!same_origin(&headers(&[
            host,
            ("origin", "https://evil.example"),
            ("referer", "https://example.org/submit")
        ])));
        // Behind a proxy that rewrites Host.
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("x-forwarded-host", "example.org"),
            ("origin", "https://example.org")
        ])));
        // No Host to compare with: refused.
        assert!(!same_origin(&headers(&[("origin", "https://example.org")])));
    }

    #[test]
    fn form_bodies_decode_strictly() {
        let fields = parse_form(b"a=1+2%20%3C&b=%E2%9C%93&c=%FF&a=again&d&e=%zz%4");
        assert_eq!(fields["a"], Ok("1 2 <".to_string()));
        assert_eq!(fields["b"], Ok("✓".to_string()));
        assert_eq!(fields["c"], Err(()));
        assert_eq!(fields["d"], Ok(String::new()));
        assert_eq!(fields["e"], Ok("%zz%4".to_string()));
    }

    #[test]
    fn record_fields_name_a_slug() {
        assert_eq!(
            record_slug("fictional-helpline-one").as_deref(),
            Some("fictional-helpline-one")
        );
        assert_eq!(
            record_slug("https://example.org/interventions/fictional-helpline-one#contact")
                .as_deref(),
            Some("fictional-helpline-one")
        );
        assert_eq!(record_slug("not a slug"), None);
        assert_eq!(record_slug("https://example.org/interventions/"), None);
    }

    #[test]
    fn clients_are_counted_by_address_and_ipv6_network() {
        let v4: IpAddr = "192.0.2.7".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(client_of(Some(v4)), "peer:192.0.2.7");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(client_of(Some(mapped)), "peer:192.0.2.7");
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap_or_else(|e| panic!("{e}"));
        let b: IpAddr = "2001:db8:1:2:ffff::9"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(client_of(Some(a)), client_of(Some(b)));
        assert_eq!(client_of(Some(a)), "peer:2001:db8:1:2::/64");
    }

    #[test]
    fn the_body_limit_fits_the_longest_valid_form() {
        let longest = "%F0%9F%98%80".len()
            * (MAX_SERVICE_NAME
                + MAX_ORGANISATION
                + MAX_DETAILS
                + MAX_CONTACT_NAME
                + MAX_CONTACT_EMAIL
                + MAX_RECORD);
        assert!(MAX_BODY_BYTES > longest + 200);
        assert_eq!(group_thousands(10_000), "10,000");
        assert_eq!(group_thousands(999), "999");
    }
}
