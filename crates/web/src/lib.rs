//! Preventory's HTTP adapter: server-rendered pages that work without JavaScript, and a small
//! read-only JSON API.
//!
//! The public site must be usable anonymously, including by people who are worried about their
//! own thoughts. So every response carries strict privacy headers, no public page ever sets a
//! cookie (only the staff pages under `/admin` do), nothing is loaded from other hosts, and the
//! access log records neither client addresses nor query strings.
//!
//! The entry points are [`AppState`], [`router`] and [`serve`].

#![warn(missing_docs)]

mod access_log;
mod admin;
mod api;
mod assets;
pub mod client;
mod error;
mod export;
mod gap_query;
mod gap_report;
mod pages;
mod profile_input;
mod records;
mod search_params;
mod security;
mod state;
mod text;

pub use admin::{
    Access, AdminRoute, ADMIN_ROUTES, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SIGN_IN_FAILED,
};
pub use error::WebError;
pub use state::{AppState, YearMonth, INDEX_CHECK_INTERVAL};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

/// How long one request may take before the server gives up on it, so that a stuck store or a
/// slow client cannot hold a worker (or a graceful shutdown) for ever.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the whole application: pages, the JSON API, static assets, the health check, and the
/// middleware every response passes through.
pub fn router(state: AppState) -> Router {
    // Signposting: the profile describes a person, so it travels only in POST bodies (never in
    // an address, so never in an access log line or a browser's history), bodies are small,
    // and no answer may be cached anywhere.
    let signposting = Router::new()
        .route(
            pages::signpost::PRACTITIONER_HREF,
            get(pages::signpost::practitioner_form).post(pages::signpost::practitioner_results),
        )
        .route(
            pages::signpost::SELF_HREF,
            get(pages::signpost::self_form).post(pages::signpost::self_results),
        )
        .route("/api/v1/signpost", post(api::signpost::signpost))
        .layer(DefaultBodyLimit::max(profile_input::MAX_PROFILE_BYTES))
        .layer(axum::middleware::from_fn(security::no_store));

    // Public submissions: no cookie and no session, so no CSRF token (see `pages::submit`).
    let submissions = Router::new()
        .route(
            pages::submit::HREF,
            get(pages::submit::form).post(pages::submit::send),
        )
        .layer(DefaultBodyLimit::max(pages::submit::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::no_store));

    let routes = Router::new()
        .route("/", get(pages::search::home))
        .route("/search", get(pages::search::results))
        .route("/interventions/{slug}", get(pages::record::handler))
        .route("/compare", get(pages::compare::handler))
        .route("/gap-map", get(pages::gap_map::page))
        .route("/gap-map.csv", get(pages::gap_map::csv))
        .route("/gap-map/cell", get(pages::gap_map::cell))
        .route("/gap-map/cell.csv", get(pages::gap_map::cell_csv))
        .route("/gap-map/cell.ris", get(pages::gap_map::cell_ris))
        .route("/gaps", get(pages::gaps::page))
        .route("/strategy", get(pages::strategy::page))
        .route("/api/v1/interventions", get(api::list))
        .route("/api/v1/interventions/{slug}", get(api::record))
        .route("/api/v1/interventions/{slug}/evidence", get(api::evidence))
        .route("/api/v1/gap-map", get(api::gaps::gap_map))
        .route("/api/v1/gaps", get(api::gaps::gaps))
        .route("/api/v1/openapi.json", get(api::openapi::openapi_document))
        .route("/healthz", get(pages::health::handler))
        .route("/static/{file}", get(assets::handler))
        .merge(signposting)
        .merge(submissions)
        .merge(admin::router().layer(DefaultBodyLimit::max(admin::MAX_ADMIN_BODY)))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        // The staff gate sees every request, also those no route matches, so that nothing
        // under `/admin` answers without a session (see `admin`).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            admin::gate,
        ))
        .with_state(state);

    // Layers wrap from the inside out: the last one added sees the request first. The access
    // log is outermost so it records the status and latency the client actually got.
    routes
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(error::error_pages))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(access_log::middleware))
}

/// Serves the application on `listener` until the process receives Ctrl-C or SIGTERM, then
/// finishes the requests in flight and returns.
pub async fn serve(listener: TcpListener, state: AppState) -> Result<(), WebError> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests
/// in flight and returns. Useful for tests and for embedding the server in another program.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving");
    }
    let stats_of = state.clone();
    // The peer's address reaches the sign-in throttle (as a keyed hash), never a log line.
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(WebError::Io)?;
    // Counts only: the cached search words themselves are never logged.
    if let Some(stats) = stats_of.search_cache_stats() {
        tracing::info!(
            target: "preventory::search_cache",
            hits = stats.hits,
            misses = stats.misses,
            entries = stats.entries,
            capacity = stats.capacity,
            "search result cache"
        );
    }
    tracing::info!("server stopped");
    Ok(())
}

/// Completes on Ctrl-C, or on SIGTERM where there are Unix signals (how service managers and
/// container runtimes ask a process to stop).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}
