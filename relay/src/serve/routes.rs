//! The JSON routes: `GET /v1/scan` (the report; with `profile` and `fix`,
//! graded again from the scan's facts with those options), `/v1/facts` (the
//! raw facts), `/healthz`, `/metrics`, and the JSON 404/405 fallbacks. The
//! SSE route is in `sse`, the HTML page in `index`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tlslens_core::GradeOptions;

use super::cache::Entry;
use super::error::AppError;
use super::flight::{regrade, wait_result, Ticket};
use super::state::{AppState, PeerAddr};
use super::validate::{client_ip, grade_options, ScanQuery};

fn json_response(body: Bytes, cache: &'static str) -> Response {
    let mut res = Response::new(Body::from(body));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-cache", HeaderValue::from_static(cache));
    res
}

/// The scan query as axum extracts it.
pub(super) type ScanParams = Result<Query<ScanQuery>, QueryRejection>;

/// The query, or 400.
pub(super) fn query(q: ScanParams) -> Result<ScanQuery, AppError> {
    q.map(|Query(q)| q).map_err(|e| {
        tracing::debug!(error = %e, "bad query");
        AppError::bad_input(
            "malformed query string (expected host=H&port=P[&fresh=1][&clients=C][&profile=P][&fix=1])",
        )
    })
}

async fn scan_common(
    st: &AppState,
    q: ScanParams,
    req: &axum::http::request::Parts,
) -> Result<(Arc<Entry>, &'static str, GradeOptions), AppError> {
    let q = query(q)?;
    let (t, fresh) = st.validate(&q)?;
    let options = grade_options(&q)?;
    let client = client_ip(st, &req.headers, req.extensions.get::<PeerAddr>().copied());
    match st.acquire(&t, fresh, client)? {
        Ticket::Cached(e) => Ok((e, "hit", options)),
        Ticket::Wait(rx, how) => Ok((wait_result(rx).await?, how, options)),
    }
}

/// `GET /v1/scan`: the report.
pub(super) async fn scan_report(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let (e, how, options) = scan_common(&st, q, &req).await?;
    let report = if options == GradeOptions::default() {
        e.report.clone()
    } else {
        regrade(&e, options, st.inner.config.scan.clock.now()).await?
    };
    Ok(json_response(report, how))
}

/// `GET /v1/facts`: the raw facts.
pub(super) async fn scan_facts(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let (e, how, _) = scan_common(&st, q, &req).await?;
    Ok(json_response(e.facts.clone(), how))
}

/// `GET /metrics`: Prometheus text.
pub(super) async fn metrics(State(st): State<AppState>) -> Response {
    let text = st.inner.metrics.render(st.gauges());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// `GET /healthz`.
pub(super) async fn healthz() -> Response {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(serde_json::json!({"status": "ok"})),
    )
        .into_response()
}

/// Unknown paths: 404 JSON.
pub(super) async fn not_found() -> AppError {
    AppError::not_found()
}

/// Methods other than GET: 405 JSON.
pub(super) async fn method_not_allowed() -> AppError {
    AppError::method_not_allowed()
}
