//! A minimal access log: method, path, status and latency, and nothing that could identify a
//! visitor. Written by hand rather than with a generic tracing layer because those record
//! more (full URIs with query strings, headers, peer addresses) than this site may keep.

use axum::extract::Request;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt;
use std::time::{Duration, Instant};

/// The tracing target of access log events, so operators can route or silence them.
pub(crate) const TARGET: &str = "preventory_web::access";

/// Paths longer than this are cut, so a hostile request cannot flood the log.
const MAX_PATH_CHARS: usize = 256;

/// One line of the access log. It has no field for a client address or a query string, so
/// neither can be logged by mistake.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessLogLine {
    /// The request method.
    pub method: Method,
    /// The request path, without the query string, cut to a bounded length.
    pub path: String,
    /// The response status.
    pub status: StatusCode,
    /// Time from receiving the request to producing the response head.
    pub latency: Duration,
}

impl AccessLogLine {
    /// The loggable parts of a request and its response.
    pub fn new(method: &Method, uri: &Uri, status: StatusCode, latency: Duration) -> Self {
        let path = uri.path();
        let path = match path.char_indices().nth(MAX_PATH_CHARS) {
            Some((cut, _)) => format!("{}…", &path[..cut]),
            None => path.to_string(),
        };
        AccessLogLine {
            method: method.clone(),
            path,
            status,
            latency,
        }
    }

    /// Latency in milliseconds with microsecond precision.
    pub fn latency_ms(&self) -> f64 {
        self.latency.as_secs_f64() * 1000.0
    }

    /// Emits the line as a tracing event on the access log target.
    fn emit(&self) {
        tracing::info!(
            target: TARGET,
            method = %self.method,
            path = %self.path,
            status = self.status.as_u16(),
            latency_ms = format_args!("{:.3}", self.latency_ms()),
            "request"
        );
    }
}

impl fmt::Display for AccessLogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {:.3}ms",
            self.method,
            self.path,
            self.status.as_u16(),
            self.latency_ms()
        )
    }
}

/// Logs every request once its response is ready.
pub(crate) async fn middleware(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    AccessLogLine::new(&method, &uri, response.status(), start.elapsed()).emit();
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::routing::get;
    use axum::Router;
    use std::io;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    #[test]
    fn the_line_has_no_query_string() {
        let uri: Uri = "/interventions/fictional-helpline-one?q=private+words&page=2"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let line = AccessLogLine::new(
            &Method::GET,
            &uri,
            StatusCode::OK,
            Duration::from_micros(1500),
        );
        assert_eq!(
            line.to_string(),
            "GET /interventions/fictional-helpline-one 200 1.500ms"
        );
    }

    #[test]
    fn long_paths_are_cut() {
        let long = format!("/{}", "a".repeat(1000));
        let uri: Uri = long.parse().unwrap_or_else(|e| panic!("{e}"));
        let line = AccessLogLine::new(&Method::GET, &uri, StatusCode::NOT_FOUND, Duration::ZERO);
        assert_eq!(line.path.chars().count(), MAX_PATH_CHARS + 1);
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn logged_output_has_no_client_address_and_no_query_string() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let app = Router::new()
            .route("/interventions/{slug}", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(middleware));
        let mut request = Request::builder()
            .uri("/interventions/fictional-helpline-one?q=my+private+search")
            .header("x-forwarded-for", "203.0.113.7")
            .header("x-real-ip", "203.0.113.8")
            .header("forwarded", "for=203.0.113.9")
            .header("user-agent", "FictionalBrowser/1.0")
            .body(Body::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([198, 51, 100, 23], 40000))));
        let response = app.oneshot(request).await.unwrap_or_else(|e| match e {});
        assert_eq!(response.status(), StatusCode::OK);

        let output = captured
            .0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        assert!(output.contains("method=GET"), "{output}");
        assert!(
            output.contains("path=/interventions/fictional-helpline-one"),
            "{output}"
        );
        assert!(output.contains("status=200"), "{output}");
        assert!(output.contains("latency_ms="), "{output}");
        for forbidden in [
            "private",
            "q=",
            "?",
            "203.0.113",
            "198.51.100.23",
            "FictionalBrowser",
        ] {
            assert!(!output.contains(forbidden), "{forbidden:?} in {output}");
        }
    }
}
