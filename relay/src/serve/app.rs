//! `fn app(state) -> Router`: the routes (`routes` for JSON,
//! `sse` for the stream, `index` for the HTML page) inside
//! the layers that make them safe to expose (`middleware`: token,
//! request limits, metrics and logs, CORS), around one [`AppState`]
//! ([`super::state`]) (docs/contracts.md, contract 3).
//!
//! A scan request goes: bearer token (constant time) → query size → input
//! validation (400, `validate`) → port policy and address guard on
//! what is known before resolving (403) → cache (unless `fresh=1`) →
//! per-client rate limit (429) → join the scan already running for this
//! target, or admit a new one into the global slots and queue (429 when
//! full, `flight`) → the scanner, whose resolution goes through the
//! same guard and which connects only to the checked addresses →
//! `tlslens_core::grade` → cache → every waiting request.

use axum::middleware;
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use super::index::index;
use super::middleware::{cors, record, request_limits, require_token};
use super::routes::{healthz, method_not_allowed, metrics, not_found, scan_facts, scan_report};
use super::sse::scan_stream;
pub use super::state::{
    probe_scanner, AppState, Config, PeerAddr, ScanFuture, Scanner, BUSY_RETRY_AFTER, FRESH_COST,
};

/// Builds the router.
pub fn app(state: AppState) -> Router {
    let protected = Router::new()
        .route("/v1/scan", get(scan_report))
        .route("/v1/scan/stream", get(scan_stream))
        .route("/v1/facts", get(scan_facts))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(RequestBodyLimitLayer::new(1024))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_limits,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(cors(&state.inner.config))
        .with_state(state)
}
