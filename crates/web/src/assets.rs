//! Static files embedded in the binary, served under content-hashed names so that browsers can
//! cache them for a year and still see a new version as soon as it ships.

use crate::error::WebError;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

static ASSETS: &[Asset] = &[
    Asset {
        name: "site.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/site.css"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/icon.svg"),
    },
    Asset {
        name: "exit.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/exit.js"),
    },
];

/// Cache policy for content-hashed names: the content at such a name never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy for plain names, which change when a new version ships.
const SHORT: &str = "public, max-age=300";

/// An asset with its content-derived name, computed once.
struct Fingerprinted {
    asset: &'static Asset,
    /// `site.0123456789abcdef.css`.
    hashed_name: String,
    /// `/static/site.0123456789abcdef.css`.
    url: String,
    /// The hash as a strong entity tag.
    etag: String,
}

static INDEX: LazyLock<Vec<Fingerprinted>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let hash = format!("{:016x}", fnv1a(asset.bytes));
            let hashed_name = match asset.name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{}.{hash}", asset.name),
            };
            Fingerprinted {
                asset,
                url: format!("/static/{hashed_name}"),
                hashed_name,
                etag: format!("\"{hash}\""),
            }
        })
        .collect()
});

/// FNV-1a, 64 bits: enough to tell versions of a handful of files apart, and dependency-free.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The address to link to for the asset named `name` (e.g. `site.css`). Falls back to the
/// plain name, which is also served, should a template ask for an unknown file.
pub(crate) fn url(name: &str) -> &'static str {
    INDEX
        .iter()
        .find(|f| f.asset.name == name)
        .map_or("/static/missing", |f| f.url.as_str())
}

/// `GET /static/{file}`: an embedded file by its hashed or plain name.
pub(crate) async fn handler(
    file: Result<Path<String>, PathRejection>,
    request_headers: HeaderMap,
) -> Result<Response, WebError> {
    let Path(file) = file.map_err(|_| WebError::NotFound)?;
    let (found, cache) = if let Some(f) = INDEX.iter().find(|f| f.hashed_name == file) {
        (f, IMMUTABLE)
    } else if let Some(f) = INDEX.iter().find(|f| f.asset.name == file) {
        (f, SHORT)
    } else {
        return Err(WebError::NotFound);
    };

    let etag = HeaderValue::from_str(&found.etag).map_err(|_| WebError::NotFound)?;
    let headers = [
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (header::ETAG, etag),
    ];
    let not_modified = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == found.etag
        });
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    Ok((
        headers,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(found.asset.content_type),
        )],
        found.asset.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_hashed_url() {
        let css = url("site.css");
        assert!(css.starts_with("/static/site."), "{css}");
        assert!(css.ends_with(".css"), "{css}");
        assert_eq!(css.len(), "/static/site..css".len() + 16);
        assert!(url("icon.svg").ends_with(".svg"));
        assert!(url("exit.js").ends_with(".js"));
    }

    #[test]
    fn the_exit_script_needs_nothing_from_elsewhere() {
        let js = String::from_utf8_lossy(ASSETS[2].bytes);
        assert_eq!(ASSETS[2].name, "exit.js");
        assert!(!js.contains("http:") && !js.contains("https:"));
        assert!(!js.contains("fetch(") && !js.contains("XMLHttpRequest"));
        assert!(!js.contains("cookie") && !js.contains("Storage"));
        assert!(!js.contains("'Escape'"));
    }

    #[test]
    fn the_stylesheet_needs_nothing_from_elsewhere() {
        let css = String::from_utf8_lossy(ASSETS[0].bytes);
        assert!(!css.contains("http:") && !css.contains("https:") && !css.contains("@import"));
        assert!(!css.contains("url("));
    }
}
