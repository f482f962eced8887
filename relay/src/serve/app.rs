//! `fn app(state) -> Router`: the routes (`routes` for JSON,
//! `sse` for the stream, `index` for the HTML page) inside
//! the layers that make them safe to expose (`middleware`: token,
//! request limits, metrics and logs, CORS), around one [`AppState`]
//! ([`super::state`]) (docs/contracts.md, contract 3).
//!
//! A scan request goes: Host check (421, DNS rebinding) → origin check
//! (403, cross-site requests; both in `site`) → bearer token (constant time) → query size → input
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
use super::middleware::{
    cors, host_check, json_errors, origin_check, record, request_limits, require_token,
};
use super::routes::{healthz, method_not_allowed, metrics, not_found, scan_facts, scan_report};
use super::sse::scan_stream;
pub use super::state::{
    probe_scanner, AppState, Config, LocalAddr, PeerAddr, ScanFuture, Scanner, BUSY_RETRY_AFTER,
    FRESH_COST,
};

/// The largest request body accepted, in bytes (the API takes none; more is
/// 413 `body_too_large`).
pub const MAX_BODY: usize = 1024;

/// Builds the router.
pub fn app(state: AppState) -> Router {
    let protected = Router::new()
        .route("/v1/scan", get(scan_report))
        .route("/v1/scan/stream", get(scan_stream))
        .route("/v1/facts", get(scan_facts))
        .route("/metrics", get(metrics))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        .route_layer(middleware::from_fn_with_state(state.clone(), origin_check));
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .merge(protected)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_limits,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), host_check))
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(cors(&state.inner.config))
        .with_state(state)
}
