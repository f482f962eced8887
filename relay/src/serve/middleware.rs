//! The layers around the routes: the Host check and, for scans, the origin
//! check (the rules are in `site`), the bearer token (compared in constant
//! time, `token`), CORS (browser extensions and `--cors-origin`),
//! request limits (URI length, overall time), JSON for every error answer,
//! and the record layer (metrics and one log line per answer).

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::{AppError, ErrorCode};
use super::site::{host_allowed, is_extension_origin, site_allowed};
use super::state::{AppState, Config, LocalAddr};
use super::token::{bearer, constant_time_eq, digest};

/// CORS: browser extensions and the `--cors-origin` list, GET only.
pub(super) fn cors(config: &Config) -> CorsLayer {
    let extra = config.browser_cors_origins();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|o| is_extension_origin(o) || extra.iter().any(|e| e == o))
        }))
        .allow_methods([Method::GET])
        .allow_headers([
            header::AUTHORIZATION,
            header::ACCEPT,
            header::CACHE_CONTROL,
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-cache")])
        .max_age(Duration::from_secs(600))
}

const ROUTES: [&str; 6] = [
    "/",
    "/healthz",
    "/metrics",
    "/v1/scan",
    "/v1/scan/stream",
    "/v1/facts",
];

fn route_label(path: &str) -> &'static str {
    ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other")
}

/// Counts every answer by route and status (and refusals by reason), and
/// logs it.
pub(super) async fn record(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = route_label(req.uri().path());
    let method = req.method().clone();
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status();
    let m = &st.inner.metrics;
    m.request(route, status.as_u16());
    let code = res.extensions().get::<ErrorCode>().map(|c| c.0);
    if let Some(code) = code {
        if status.is_client_error() {
            m.refusal(code);
        }
    }
    let ms = started.elapsed().as_millis() as u64;
    if route == "/healthz" || route == "/metrics" {
        tracing::debug!(%method, route, status = status.as_u16(), ms, "request");
    } else {
        tracing::info!(%method, route, status = status.as_u16(), code, ms, "request");
    }
    res
}

/// Every error answer is the JSON [`AppError`]: one a layer made without it
/// (tower-http's 413 for a body over the limit) is replaced by the error for
/// its status.
pub(super) async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if (status.is_client_error() || status.is_server_error())
        && res.extensions().get::<ErrorCode>().is_none()
    {
        return AppError::for_status(status).into_response();
    }
    res
}

/// Refuses over-long request targets and bounds the time to answer.
pub(super) async fn request_limits(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let cfg = &st.inner.config;
    let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if len > cfg.max_uri {
        return AppError::uri_too_long(cfg.max_uri).into_response();
    }
    match tokio::time::timeout(cfg.request_timeout(), next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!("request timed out");
            AppError::timeout("the request").into_response()
        }
    }
}

/// Answers only requests for the names the relay is served under (421
/// `host_not_allowed`): see `site`.
pub(super) async fn host_check(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}").to_owned())
        .or_else(|| req.uri().authority().map(|a| a.as_str().to_owned()));
    if let Some(host) = host {
        let local = req.extensions().get::<LocalAddr>().map(|l| l.0.ip());
        if !host_allowed(&host, local, &st.inner.config.public_hosts) {
            tracing::info!(host = %host.escape_debug(), "request for a name this relay is not served under");
            return AppError::host_not_allowed().into_response();
        }
    }
    next.run(req).await
}

/// Starts no scan for a request from another web site (403
/// `origin_not_allowed`): see `site`.
pub(super) async fn origin_check(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let origin = text(header::ORIGIN);
    let fetch_site = text(HeaderName::from_static("sec-fetch-site"));
    let host = text(header::HOST);
    tracing::debug!(
        origin = origin.unwrap_or("").escape_debug().to_string(),
        sec_fetch_site = fetch_site.unwrap_or("").escape_debug().to_string(),
        "request site"
    );
    if !site_allowed(origin, fetch_site, host, &st.inner.cors_origins) {
        tracing::info!(
            origin = origin.unwrap_or("").escape_debug().to_string(),
            sec_fetch_site = fetch_site.unwrap_or("").escape_debug().to_string(),
            "request from another site refused"
        );
        return Err(AppError::origin_not_allowed());
    }
    Ok(next.run(req).await)
}

/// Refuses requests without the configured bearer token (401).
pub(super) async fn require_token(
    State(st): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    if let Some(want) = &st.inner.token_digest {
        let got = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer)
            .map(digest);
        let ok = got.is_some_and(|g| constant_time_eq(&g, want));
        if !ok {
            return Err(AppError::unauthorized());
        }
    }
    Ok(next.run(req).await)
}
