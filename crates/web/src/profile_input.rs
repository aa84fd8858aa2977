//! Reading a signposting profile from a request body: the JSON of `POST /api/v1/signpost`,
//! checked strictly so that a typing mistake is reported (naming the field) instead of
//! silently widening the answer, and the size and media-type checks the forms share.
//!
//! The profile describes a person. Nothing here logs it, and no error message built here
//! reaches a log: client errors are answered, never logged (see [`crate::error`]).

use crate::error::WebError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, StatusCode};
use preventory_core::matching::Profile;
use serde_json::{Map, Value};

/// The largest body a signposting request may have. A profile is a few hundred bytes even
/// with every situation ticked; anything near this is not a profile.
pub(crate) const MAX_PROFILE_BYTES: usize = 16 * 1024;

/// The media type of `POST /api/v1/signpost`.
pub(crate) const JSON: &str = "application/json";

/// The media type browsers send forms in.
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// Fails with 415 unless the request's `Content-Type` is `expected` (parameters such as
/// `charset` allowed, case ignored).
pub(crate) fn require_media_type(headers: &HeaderMap, expected: &str) -> Result<(), WebError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    match given {
        Some(media) if media.eq_ignore_ascii_case(expected) => Ok(()),
        _ => Err(WebError::UnsupportedMediaType(format!(
            "the body must be sent as {expected}"
        ))),
    }
}

/// The body, or 413 when it is over [`MAX_PROFILE_BYTES`] (the route's `DefaultBodyLimit`),
/// or 400 when it could not be read.
pub(crate) fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, WebError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::PayloadTooLarge
        } else {
            WebError::BadRequest("the body could not be read".into())
        }
    })
}

/// The field names of a profile, in the order the issue and the OpenAPI document give them.
/// A test checks them against the profile's own JSON form, so they cannot drift from it.
pub(crate) const PROFILE_FIELDS: [&str; 9] = [
    "age",
    "gender",
    "asking_for",
    "situations",
    "justice_stage",
    "country",
    "language",
    "needs_anonymity",
    "remote_only",
];

/// Reads a profile from JSON. Every field may be left out or `null` (not known); an unknown
/// field, an unknown id or a value of the wrong type is a 400 naming the field.
pub(crate) fn profile_from_json(body: &[u8]) -> Result<Profile, WebError> {
    // serde would also read a struct from an array, by position: only an object will do.
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(match serde_json::from_slice::<Value>(body) {
            Ok(_) => not_an_object(),
            Err(_) => not_json(),
        });
    }
    // The profile's own deserialiser is the only judge of what is valid; the rest of this
    // function only finds which field it objected to.
    let whole = match serde_json::from_slice::<Profile>(body) {
        Ok(profile) => return Ok(profile),
        Err(e) => e,
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| not_json())?;
    let Value::Object(fields) = value else {
        return Err(not_an_object());
    };
    for (name, value) in &fields {
        if !PROFILE_FIELDS.contains(&name.as_str()) {
            return Err(WebError::BadRequest(format!(
                "unknown field `{name}`; the fields are {}",
                PROFILE_FIELDS.join(", ")
            )));
        }
        let mut single = Map::new();
        single.insert(name.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<Profile>(Value::Object(single)) {
            return Err(WebError::BadRequest(format!(
                "`{name}`: {}",
                explain(name, &e)
            )));
        }
    }
    // Each field is fine alone, so the object as a whole is not (a field given twice).
    Err(WebError::BadRequest(format!(
        "the body is not a valid profile: {}",
        without_position(&whole)
    )))
}

fn not_json() -> WebError {
    WebError::BadRequest("the body is not valid JSON".into())
}

fn not_an_object() -> WebError {
    WebError::BadRequest("the body must be a JSON object, such as {\"age\": 19}".into())
}

/// What is wrong with one field's value, in words that say what it should be.
fn explain(name: &str, error: &serde_json::Error) -> String {
    match name {
        "age" => "must be a whole number of years from 0 to 255, or null".to_string(),
        "needs_anonymity" | "remote_only" => "must be true, false or null".to_string(),
        "situations" => format!(
            "must be a list of situation ids, or null: {}",
            without_position(error)
        ),
        "country" => format!(
            "{}; use an ISO 3166-1 alpha-2 code such as GB (the OpenAPI document lists them)",
            without_position(error)
        ),
        "language" => format!(
            "{}; use an ISO 639-1 code such as en (the OpenAPI document lists them)",
            without_position(error)
        ),
        _ => without_position(error),
    }
}

/// serde_json's message without " at line 1 column 7".
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use preventory_core::eligibility::{AskingFor, JusticeStage, Situation};
    use preventory_core::vocab::Gender;

    fn detail(body: &str) -> String {
        match profile_from_json(body.as_bytes()) {
            Err(WebError::BadRequest(message)) => message,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn every_field_may_be_left_out_or_null() {
        assert_eq!(profile_from_json(b"{}").ok(), Some(Profile::default()));
        let nulls = PROFILE_FIELDS
            .iter()
            .map(|f| format!("\"{f}\": null"))
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(
            profile_from_json(format!("{{{nulls}}}").as_bytes()).ok(),
            Some(Profile::default())
        );
        // The list is exactly the profile's fields.
        let Ok(Value::Object(own)) = serde_json::to_value(Profile::default()) else {
            panic!("a profile serialises as an object");
        };
        let mut own: Vec<&str> = own.keys().map(String::as_str).collect();
        let mut listed = PROFILE_FIELDS.to_vec();
        own.sort_unstable();
        listed.sort_unstable();
        assert_eq!(own, listed);
    }

    #[test]
    fn a_full_profile_is_read() {
        let profile = profile_from_json(
            br#"{"age": 19, "gender": "male", "asking_for": "client",
                 "situations": ["viewing_csam"], "justice_stage": "convicted_community",
                 "country": "GB", "language": "en", "needs_anonymity": false,
                 "remote_only": true}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(profile.age, Some(19));
        assert_eq!(profile.gender, Some(Gender::Male));
        assert_eq!(profile.asking_for, Some(AskingFor::Client));
        assert_eq!(profile.situations, vec![Situation::ViewingCsam]);
        assert_eq!(
            profile.justice_stage,
            Some(JusticeStage::ConvictedCommunity)
        );
        assert_eq!(profile.remote_only, Some(true));
    }

    #[test]
    fn mistakes_name_the_field() {
        let d = detail(r#"{"age": 19, "colour": "red"}"#);
        assert!(
            d.starts_with("unknown field `colour`; the fields are age, gender"),
            "{d}"
        );
        let d = detail(r#"{"gender": "nonsense"}"#);
        assert!(d.starts_with("`gender`: "), "{d}");
        assert!(d.contains("male, female"), "{d}");
        assert!(!d.contains("line 1"), "{d}");
        let d = detail(r#"{"age": 300}"#);
        assert!(d.starts_with("`age`: must be a whole number"), "{d}");
        let d = detail(r#"{"age": "19"}"#);
        assert!(d.starts_with("`age`: "), "{d}");
        let d = detail(r#"{"situations": ["viewing_csam", "nonsense"]}"#);
        assert!(d.starts_with("`situations`: "), "{d}");
        let d = detail(r#"{"asking_for": "myself"}"#);
        assert!(d.contains("self, someone_else, client"), "{d}");
        let d = detail(r#"{"justice_stage": "none", "country": "XX"}"#);
        assert!(d.starts_with("`country`: "), "{d}");
        let d = detail(r#"{"remote_only": "yes"}"#);
        assert!(
            d.starts_with("`remote_only`: must be true, false or null"),
            "{d}"
        );
        let d = detail(r#"{"age": 19, "age": 20}"#);
        assert!(d.contains("duplicate field `age`"), "{d}");
        for not_object in ["[1, 2]", "[]", " [19, \"male\"]", "19", "null", "\"age\""] {
            assert_eq!(
                detail(not_object),
                "the body must be a JSON object, such as {\"age\": 19}",
                "{not_object}"
            );
        }
        assert_eq!(detail("[19, "), "the body is not valid JSON");
        assert_eq!(detail("{\"age\": "), "the body is not valid JSON");
        assert_eq!(detail(""), "the body is not valid JSON");
    }

    #[test]
    fn the_media_type_is_checked() {
        let mut headers = HeaderMap::new();
        assert!(matches!(
            require_media_type(&headers, JSON),
            Err(WebError::UnsupportedMediaType(_))
        ));
        for (value, ok) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
            ("application/jsonx", false),
        ] {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            assert_eq!(require_media_type(&headers, JSON).is_ok(), ok, "{value}");
        }
    }
}
