//! Search terms never reach any log line. A test binary of its own: the log is captured with
//! a thread-local subscriber, which tests running beside it in other threads would disturb.

mod common;

use common::*;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn search_terms_never_reach_the_log() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    // The test runtime runs the server on this thread, so a thread-local default sees it.
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = start().await;
    let term = "quokkasecretterm";
    for path in [
        format!("/search?q={term}"),
        format!("/?q={term}"),
        format!("/api/v1/interventions?q={term}"),
        format!("/search?q={term}&page=0"),
        format!("/api/v1/interventions?q={term}&sort=xyz"),
        format!("/gap-map?q={term}"),
        format!("/gap-map?q={term}&rows=nonsense"),
        format!("/gap-map.csv?q={term}"),
        format!("/gap-map/cell?q={term}&row=potential_offenders&col=secondary"),
        format!("/gap-map/cell.ris?q={term}&row=potential_offenders&col=secondary"),
        format!("/api/v1/gap-map?q={term}"),
        format!("/api/v1/gap-map?q={term}&cols=nonsense"),
        format!("/strategy?q={term}"),
    ] {
        let _ = server.get(&path).await.text().await;
    }
    drop(server);
    let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("UTF-8");
    assert!(
        log.contains("/search"),
        "the access log was not captured: {log}"
    );
    assert!(!log.contains(term), "a search term reached the log:\n{log}");
}
