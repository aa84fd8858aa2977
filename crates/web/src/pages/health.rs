//! The health check load balancers and service managers poll.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long the store may take to answer before the service counts as unhealthy.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: "ok" when the store answers a count in time, 503 otherwise.
pub(crate) async fn handler(State(state): State<AppState>) -> Response {
    let healthy = match tokio::time::timeout(STORE_TIMEOUT, state.store().count()).await {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check: store failed");
            false
        }
        Err(_) => {
            tracing::error!("health check: store did not answer in time");
            false
        }
    };
    let (status, body) = if healthy {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
