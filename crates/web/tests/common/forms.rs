//! Reading a staff form back from its HTML and sending it as a browser would: the tests
//! change only what a person would change, so every field the page offers takes part.

use super::staff::{client, Signed};
use super::TestServer;
use preventory_web::SESSION_COOKIE;
use reqwest::header::COOKIE;
use reqwest::StatusCode;

// ---------------------------------------------------------------------------------------
// Reading a form back from its HTML, as a browser would send it.

/// Undoes HTML escaping (named and numeric character references).
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of attribute `name` in a tag's text (our templates always quote with `"`).
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Whether a tag carries a bare attribute such as `checked`.
pub fn has_flag(tag: &str, flag: &str) -> bool {
    tag.trim_end_matches('>')
        .split(' ')
        .any(|part| part == flag)
}

/// The fields the form with id `record-form` sends, without any button.
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let start = html.find("id=\"record-form\"").expect("the edit form");
    let end = html[start..].find("</form>").expect("end of form") + start;
    let form = &html[start..end];
    let mut fields = Vec::new();
    let mut at = 0;
    while let Some(open) = form[at..].find('<') {
        let open = at + open;
        let close = form[open..].find('>').expect("tag end") + open + 1;
        let tag = &form[open..close];
        at = close;
        if tag.starts_with("<input") {
            let Some(name) = attribute(tag, "name") else {
                continue;
            };
            let value = attribute(tag, "value").unwrap_or_default();
            match attribute(tag, "type").as_deref() {
                Some("checkbox") if !has_flag(tag, "checked") => {}
                _ => fields.push((name, value)),
            }
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").expect("textarea name");
            let end = form[close..].find("</textarea>").expect("textarea end") + close;
            let text = unescape(&form[close..end]);
            // HTML drops one line break right after the opening tag.
            let text = text.strip_prefix('\n').unwrap_or(&text).to_string();
            fields.push((name, text));
            at = end;
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").expect("select name");
            let end = form[close..].find("</select>").expect("select end") + close;
            let options: Vec<&str> = form[close..end]
                .split("<option")
                .skip(1)
                .map(|o| &o[..o.find('>').map_or(o.len(), |i| i + 1)])
                .collect();
            let chosen = options
                .iter()
                .find(|o| has_flag(o, "selected"))
                .or(options.first())
                .and_then(|o| attribute(o, "value"))
                .unwrap_or_default();
            fields.push((name, chosen));
            at = end;
        }
    }
    fields
}

/// Replaces the value of field `name` (which must be in the form).
pub fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_string();
}

/// The value of field `name`, or "" when the form has none.
pub fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------
// Requests.

/// A GET with the session cookie.
pub async fn get(server: &TestServer, signed: &Signed, path: &str) -> reqwest::Response {
    client()
        .get(server.url(path))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// A form POST with the session cookie (the fields carry the CSRF token).
pub async fn post(
    server: &TestServer,
    signed: &Signed,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    client()
        .post(server.url(path))
        .header(COOKIE, format!("{SESSION_COOKIE}={}", signed.token))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// The edit form's fields for `path` (a `GET` that must succeed), with `action`.
pub async fn load_form(server: &TestServer, signed: &Signed, path: &str) -> Vec<(String, String)> {
    let response = get(server, signed, path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    form_fields(&response.text().await.expect("body"))
}

/// The fields with the button `action` pressed.
pub fn with_action(fields: &[(String, String)], action: &str) -> Vec<(String, String)> {
    let mut out = fields.to_vec();
    out.push(("action".into(), action.into()));
    out
}

/// The names of the fields the page marks invalid (`aria-invalid="true"`).
pub fn invalid_fields(html: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("aria-invalid=\"true\"") {
        let tag_start = rest[..at].rfind('<').unwrap_or(0);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        if let Some(name) = attribute(&rest[tag_start..tag_end], "name") {
            names.push(name);
        }
        rest = &rest[tag_end..];
    }
    names
}
