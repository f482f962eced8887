//! The router: `GET /v1/scan`, `/v1/scan/stream` (SSE), `/v1/facts`,
//! `/healthz`, `/metrics` and `/`, with the layers that make it safe to expose
//! (DESIGN.md contract 3, issue 4).
//!
//! A scan request goes: bearer token (constant time) → query size → input
//! validation (400) → port policy and address guard on what is known before
//! resolving (403) → cache (unless `fresh=1`) → per-client rate limit (429)
//! → join the scan already running for this target, or admit a new one into
//! the global slots and queue (429 when full) → the scanner, whose resolution
//! goes through the same guard and which connects only to the checked
//! addresses → `tlslens_core::grade` → cache → every waiting request.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::Deserialize;
use tlslens_core::ScanFacts;
use tokio::sync::watch;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

use super::cache::{Cache, Entry, Inflight, Key, ScanState, Step};
use super::error::{AppError, ErrorCode};
use super::limits::{client_key, Admission, RateLimiter, Slots};
use super::metrics::{Gauges, Metrics};
use crate::probe::{Progress, ProgressFn, ScanOptions};
use crate::resolve::{self, TargetSpec};

/// What a `fresh=1` request costs in rate-limit tokens (a cached answer is
/// free, a scan costs 1).
pub const FRESH_COST: f64 = 5.0;
/// `Retry-After` when every scan slot and queue place is taken.
pub const BUSY_RETRY_AFTER: u64 = 5;
/// Extra time the scanner gets beyond its own deadline before it is cut off
/// (at most the deadline itself).
const SCAN_GRACE: Duration = Duration::from_secs(5);
/// Progress steps kept per scan (the scanner makes 4 per address).
const MAX_STEPS: usize = 256;
/// Longest host parameter accepted (a DNS name is at most 253).
const MAX_HOST: usize = 255;

/// The peer address of a connection, put into each request's extensions by
/// the server loop (tests may insert one too).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// Service settings (the `serve` flags).
#[derive(Debug, Clone)]
pub struct Config {
    /// Scanner settings: guard policy, `--resolve`, `--ca-file`, timeout.
    pub scan: ScanOptions,
    /// Bearer token clients must send; `None` for an open relay.
    pub token: Option<String>,
    /// Origins allowed by CORS besides browser extensions.
    pub cors_origins: Vec<String>,
    /// Inclusive port ranges that may be scanned; empty for all.
    pub allow_ports: Vec<(u16, u16)>,
    /// Concurrent scans.
    pub max_scans: usize,
    /// Scans that may wait for a slot.
    pub queue: usize,
    /// Scans per client per minute (0: unlimited).
    pub rate_per_minute: u32,
    /// Clients remembered by the rate limiter.
    pub max_clients: usize,
    /// How long a report is served from the cache.
    pub cache_ttl: Duration,
    /// Reports kept at most.
    pub cache_entries: usize,
    /// Take the client address from this header (behind a reverse proxy).
    pub client_ip_header: Option<HeaderName>,
    /// Longest request target (path and query) accepted, in bytes.
    pub max_uri: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            scan: ScanOptions::default(),
            token: None,
            cors_origins: Vec::new(),
            allow_ports: Vec::new(),
            max_scans: 4,
            queue: 16,
            rate_per_minute: 30,
            max_clients: 65_536,
            cache_ttl: Duration::from_secs(300),
            cache_entries: 4096,
            client_ip_header: None,
            max_uri: 2048,
        }
    }
}

impl Config {
    /// The longest a request may take: a full queue wait plus a full scan.
    pub fn request_timeout(&self) -> Duration {
        self.scan.timeout * 2 + SCAN_GRACE * 3
    }
}

/// What a scan returns.
pub type ScanFuture = BoxFuture<'static, Result<ScanFacts, crate::Error>>;
/// The scanner the service calls: [`probe_scanner`] in production, a fake in
/// router tests.
pub type Scanner = Arc<dyn Fn(TargetSpec, ScanOptions, ProgressFn) -> ScanFuture + Send + Sync>;

/// The real scanner, [`crate::probe::scan`].
pub fn probe_scanner() -> Scanner {
    Arc::new(|target, opts, progress| {
        Box::pin(async move { crate::probe::scan(&target, &opts, Some(progress)).await })
    })
}

/// Shared state of the service.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    scanner: Scanner,
    token_digest: Option<[u8; 32]>,
    cache: Cache,
    inflight: Inflight,
    limiter: RateLimiter,
    slots: Slots,
    metrics: Metrics,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("active", &self.inner.slots.active())
            .field("queued", &self.inner.slots.queued())
            .field("cached", &self.inner.cache.len())
            .finish_non_exhaustive()
    }
}

fn digest(s: &str) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Compares two digests in time independent of where they differ (the
/// digests also hide the token's length).
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

impl AppState {
    /// State with the real scanner.
    pub fn new(config: Config) -> Self {
        Self::with_scanner(config, probe_scanner())
    }

    /// State with any scanner (tests).
    pub fn with_scanner(config: Config, scanner: Scanner) -> Self {
        let token_digest = config.token.as_deref().map(digest);
        Self {
            inner: Arc::new(Inner {
                cache: Cache::new(config.cache_ttl, config.cache_entries),
                inflight: Inflight::default(),
                limiter: RateLimiter::new(config.rate_per_minute, config.max_clients),
                slots: Slots::new(config.max_scans, config.queue),
                metrics: Metrics::default(),
                token_digest,
                scanner,
                config,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The metrics (the server loop counts dropped connections).
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Scans running now.
    pub fn active_scans(&self) -> usize {
        self.inner.slots.active()
    }

    /// Scans running or queued (one per target).
    pub fn inflight_scans(&self) -> usize {
        self.inner.inflight.len()
    }

    fn gauges(&self) -> Gauges {
        Gauges {
            active: self.inner.slots.active(),
            queued: self.inner.slots.queued(),
            cached: self.inner.cache.len(),
            clients: self.inner.limiter.clients(),
        }
    }
}

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

/// Whether `origin` is a browser extension's (`chrome-extension://ID`,
/// `moz-extension://UUID`).
pub fn is_extension_origin(origin: &str) -> bool {
    ["chrome-extension://", "moz-extension://"]
        .iter()
        .any(|scheme| {
            origin.strip_prefix(scheme).is_some_and(|id| {
                !id.is_empty()
                    && id.len() <= 64
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        })
}

fn cors(config: &Config) -> CorsLayer {
    let extra: Vec<String> = config
        .cors_origins
        .iter()
        .map(|o| o.trim_end_matches('/').to_owned())
        .collect();
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
async fn record(State(st): State<AppState>, req: Request, next: Next) -> Response {
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

/// Refuses over-long request targets and bounds the time to answer.
async fn request_limits(State(st): State<AppState>, req: Request, next: Next) -> Response {
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

fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

async fn require_token(
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

/// The client address: the configured header's (last) address when behind a
/// proxy, else the peer's.
fn client_ip(st: &AppState, req_headers: &axum::http::HeaderMap, peer: Option<PeerAddr>) -> IpAddr {
    if let Some(name) = &st.inner.config.client_ip_header {
        let from_header = req_headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| {
                let s = s.trim();
                s.parse::<IpAddr>()
                    .ok()
                    .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
            })
            .next_back();
        if let Some(ip) = from_header {
            return ip;
        }
    }
    peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| p.0.ip())
}

/// The scan parameters.
#[derive(Debug, Deserialize)]
pub struct ScanQuery {
    host: Option<String>,
    port: Option<String>,
    fresh: Option<String>,
}

/// A validated target.
#[derive(Debug, Clone)]
struct Target {
    spec: TargetSpec,
    key: Key,
    /// `host:port` (`[v6]:port`) for messages.
    label: String,
}

/// Validates the `host` parameter: ASCII only (IDNs in their `xn--` form),
/// no control characters, an IPv6 literal with or without brackets, no port.
pub fn validate_host(raw: &str) -> Result<(String, Option<IpAddr>), AppError> {
    if raw.is_empty() {
        return Err(AppError::bad_input("host is empty"));
    }
    if raw.len() > MAX_HOST {
        return Err(AppError::bad_input(format!(
            "host is longer than {MAX_HOST} bytes"
        )));
    }
    if raw.chars().any(char::is_control) {
        return Err(AppError::bad_input("host contains control characters"));
    }
    if !raw.is_ascii() {
        return Err(AppError::bad_input(
            "host must be ASCII: give an internationalised name in its IDNA (xn--) form",
        ));
    }
    let inner = match raw.strip_prefix('[') {
        Some(rest) => {
            let v6 = rest
                .strip_suffix(']')
                .filter(|v| v.parse::<Ipv6Addr>().is_ok())
                .ok_or_else(|| {
                    AppError::bad_input(
                        "a bracketed host must be an IPv6 address, as [2001:db8::1]",
                    )
                })?;
            v6
        }
        None => raw,
    };
    if inner.contains(':') && inner.parse::<Ipv6Addr>().is_err() {
        return Err(AppError::bad_input(
            "host must not contain a port (use the port parameter)",
        ));
    }
    if !inner
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
    {
        return Err(AppError::bad_input(
            "host may contain only letters, digits, '.', '-', '_' (and ':' in IPv6 addresses)",
        ));
    }
    resolve::parse_host(inner).map_err(|e| AppError::bad_input(short(&e.to_string())))
}

fn short(msg: &str) -> String {
    msg.strip_prefix("bad input: ").unwrap_or(msg).to_owned()
}

/// Validates the `port` parameter: 1–65535 in plain decimal, 443 when absent.
pub fn validate_port(raw: Option<&str>) -> Result<u16, AppError> {
    let Some(raw) = raw else { return Ok(443) };
    let ok = !raw.is_empty() && raw.len() <= 5 && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<u16>() {
        Ok(p) if ok && p != 0 => Ok(p),
        _ => Err(AppError::bad_input("port must be a number from 1 to 65535")),
    }
}

fn parse_fresh(raw: Option<&str>) -> Result<bool, AppError> {
    match raw {
        None | Some("" | "0" | "false" | "no") => Ok(false),
        Some("1" | "true" | "yes") => Ok(true),
        Some(_) => Err(AppError::bad_input("fresh must be 1 or 0")),
    }
}

impl AppState {
    fn validate(&self, q: &ScanQuery) -> Result<(Target, bool), AppError> {
        let host = q
            .host
            .as_deref()
            .ok_or_else(|| AppError::bad_input("missing the host parameter"))?;
        let (host, ip) = validate_host(host)?;
        let port = validate_port(q.port.as_deref())?;
        let fresh = parse_fresh(q.fresh.as_deref())?;
        let cfg = &self.inner.config;
        if !cfg.allow_ports.is_empty()
            && !cfg
                .allow_ports
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&port))
        {
            return Err(AppError::port_not_allowed(port));
        }
        let label = match ip {
            Some(IpAddr::V6(_)) => format!("[{host}]:{port}"),
            _ => format!("{host}:{port}"),
        };
        let spec = TargetSpec {
            host: host.clone(),
            port,
            ip,
        };
        self.precheck(&spec)?;
        Ok((
            Target {
                key: (host, port),
                spec,
                label,
            },
            fresh,
        ))
    }

    /// The guard on what is known without DNS (an IP literal, a
    /// `--resolve` entry), so refused targets cost no rate-limit token. The
    /// scanner checks again, after resolving, before it connects.
    fn precheck(&self, spec: &TargetSpec) -> Result<(), AppError> {
        let opts = &self.inner.config.scan;
        let over = opts
            .resolve
            .iter()
            .find(|o| o.port == spec.port && o.host == spec.host)
            .or_else(|| {
                opts.resolve
                    .iter()
                    .find(|o| o.port == spec.port && o.host == "*")
            });
        let ips: Vec<IpAddr> = match (over, spec.ip) {
            (Some(o), _) => o.addrs.clone(),
            (None, Some(ip)) => vec![ip],
            (None, None) => return Ok(()),
        };
        resolve::check_all(&spec.host, &ips, &opts.policy()).map_err(|e| {
            AppError::from_scan(&e, &spec.host, &format!("{}:{}", spec.host, spec.port))
        })
    }

    /// A cached scan, or a subscription to the running (or a new) scan.
    fn acquire(&self, t: &Target, fresh: bool, client: IpAddr) -> Result<Ticket, AppError> {
        let inner = &self.inner;
        let now = Instant::now();
        if !fresh {
            if let Some(e) = inner.cache.get(&t.key, now) {
                inner.metrics.cache_hit();
                return Ok(Ticket::Cached(e));
            }
        }
        let cost = if fresh { FRESH_COST } else { 1.0 };
        inner
            .limiter
            .check(client_key(client), cost, now)
            .map_err(|wait| AppError::rate_limited(wait, fresh))?;
        let mut map = inner.inflight.lock().ok_or_else(AppError::internal)?;
        if let Some(rx) = map.get(&t.key) {
            inner.metrics.joined();
            return Ok(Ticket::Wait(rx.clone(), "joined"));
        }
        if !fresh {
            // It may have finished between the first look and the lock.
            if let Some(e) = inner.cache.get(&t.key, now) {
                inner.metrics.cache_hit();
                return Ok(Ticket::Cached(e));
            }
        }
        let admission = inner
            .slots
            .admit()
            .ok_or_else(|| AppError::busy(BUSY_RETRY_AFTER))?;
        let (tx, rx) = watch::channel(ScanState::default());
        map.insert(t.key.clone(), rx.clone());
        drop(map);
        inner.metrics.cache_miss();
        tracing::info!(target = %t.label, fresh, "scan started");
        let guard = InflightGuard {
            state: self.clone(),
            key: t.key.clone(),
        };
        tokio::spawn(self.clone().run_scan(t.clone(), admission, tx, guard));
        Ok(Ticket::Wait(rx, "miss"))
    }

    async fn run_scan(
        self,
        t: Target,
        admission: Admission,
        tx: watch::Sender<ScanState>,
        _guard: InflightGuard,
    ) {
        let inner = &self.inner;
        let limit = inner.config.scan.timeout;
        let result = match inner.slots.wait(admission, limit).await {
            None => Err(AppError::busy(BUSY_RETRY_AFTER)),
            Some(permit) => {
                let started = Instant::now();
                let tx = Arc::new(tx);
                let progress_tx = tx.clone();
                let progress: ProgressFn = Arc::new(move |p: Progress| {
                    progress_tx.send_modify(|s| {
                        if s.steps.len() < MAX_STEPS {
                            s.steps.push(Step {
                                done: p.done,
                                total: p.total,
                                step: p.step,
                            });
                        }
                    });
                });
                let fut = (inner.scanner)(t.spec.clone(), inner.config.scan.clone(), progress);
                let out = tokio::time::timeout(limit + SCAN_GRACE.min(limit), fut).await;
                let res = match out {
                    Err(_) => {
                        tracing::warn!(target = %t.label, "scan cut off after its time limit");
                        Err(AppError::timeout(&t.label))
                    }
                    Ok(Err(e)) => Err(AppError::from_scan(&e, &t.spec.host, &t.label)),
                    Ok(Ok(facts)) => finish(facts).await,
                };
                drop(permit);
                let took = started.elapsed();
                let outcome = match &res {
                    Ok(_) => "ok",
                    Err(e) => e.code,
                };
                inner.metrics.scan(outcome, took);
                if let Ok(e) = &res {
                    tracing::info!(target = %t.label, grade = %e.grade, ms = took.as_millis() as u64, "scan done");
                    inner.cache.put(t.key.clone(), e.clone());
                }
                tx.send_modify(|s| s.result = Some(res));
                return;
            }
        };
        tx.send_modify(|s| s.result = Some(result));
    }
}

/// Removes a scan from the in-flight table when its task ends, also by a
/// panic.
struct InflightGuard {
    state: AppState,
    key: Key,
}

impl Drop for InflightGuard {
    fn drop(&mut self) {
        self.state.inner.inflight.remove(&self.key);
    }
}

/// Grades the facts (the one grading path: `tlslens_core::grade`) and
/// serialises report and facts once.
async fn finish(facts: ScanFacts) -> Result<Arc<Entry>, AppError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let graded = tokio::task::spawn_blocking(move || {
        let report = tlslens_core::grade(&facts, now);
        let report_json = serde_json::to_vec(&report)?;
        let facts_json = serde_json::to_vec(&facts)?;
        let grade = report
            .grade
            .map_or_else(|| "-".to_owned(), |g| g.to_string());
        Ok::<_, serde_json::Error>((report_json, facts_json, grade))
    })
    .await;
    match graded {
        Ok(Ok((report, facts, grade))) => Ok(Arc::new(Entry {
            report: Bytes::from(report),
            facts: Bytes::from(facts),
            grade,
            stored: Instant::now(),
        })),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "serialising the report failed");
            Err(AppError::internal())
        }
        Err(e) => {
            tracing::error!(error = %e, "grading panicked");
            Err(AppError::internal())
        }
    }
}

enum Ticket {
    Cached(Arc<Entry>),
    Wait(watch::Receiver<ScanState>, &'static str),
}

async fn wait_result(mut rx: watch::Receiver<ScanState>) -> Result<Arc<Entry>, AppError> {
    let state = rx
        .wait_for(|s| s.result.is_some())
        .await
        .map_err(|_| AppError::internal())?;
    state
        .result
        .clone()
        .unwrap_or_else(|| Err(AppError::internal()))
}

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

type ScanParams = Result<Query<ScanQuery>, QueryRejection>;

fn query(q: ScanParams) -> Result<ScanQuery, AppError> {
    q.map(|Query(q)| q).map_err(|e| {
        tracing::debug!(error = %e, "bad query");
        AppError::bad_input("malformed query string (expected host=H&port=P[&fresh=1])")
    })
}

async fn scan_common(
    st: &AppState,
    q: ScanParams,
    req: &axum::http::request::Parts,
) -> Result<(Arc<Entry>, &'static str), AppError> {
    let (t, fresh) = st.validate(&query(q)?)?;
    let client = client_ip(st, &req.headers, req.extensions.get::<PeerAddr>().copied());
    match st.acquire(&t, fresh, client)? {
        Ticket::Cached(e) => Ok((e, "hit")),
        Ticket::Wait(rx, how) => Ok((wait_result(rx).await?, how)),
    }
}

async fn scan_report(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let (e, how) = scan_common(&st, q, &req).await?;
    Ok(json_response(e.report.clone(), how))
}

async fn scan_facts(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let (e, how) = scan_common(&st, q, &req).await?;
    Ok(json_response(e.facts.clone(), how))
}

fn progress_event(step: &Step) -> Event {
    Event::default()
        .event("progress")
        .json_data(step)
        .unwrap_or_else(|_| Event::default().event("progress").data("{}"))
}

fn report_event(e: &Entry) -> Event {
    Event::default()
        .event("report")
        .data(String::from_utf8_lossy(&e.report))
}

fn error_event(err: &AppError) -> Event {
    Event::default().event("error").data(err.body().to_string())
}

type EventStream = BoxStream<'static, Result<Event, Infallible>>;

fn follow(rx: watch::Receiver<ScanState>) -> EventStream {
    stream::unfold((rx, 0usize, false), |(mut rx, sent, done)| async move {
        if done {
            return None;
        }
        loop {
            let next = {
                let s = rx.borrow_and_update();
                if let Some(step) = s.steps.get(sent) {
                    Some(Ok(step.clone()))
                } else {
                    s.result.clone().map(Err)
                }
            };
            match next {
                Some(Ok(step)) => return Some((Ok(progress_event(&step)), (rx, sent + 1, false))),
                Some(Err(Ok(entry))) => return Some((Ok(report_event(&entry)), (rx, sent, true))),
                Some(Err(Err(err))) => return Some((Ok(error_event(&err)), (rx, sent, true))),
                None => {
                    if rx.changed().await.is_err() {
                        let err = AppError::internal();
                        return Some((Ok(error_event(&err)), (rx, sent, true)));
                    }
                }
            }
        }
    })
    .boxed()
}

async fn scan_stream(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let (t, fresh) = st.validate(&query(q)?)?;
    let client = client_ip(&st, &req.headers, req.extensions.get::<PeerAddr>().copied());
    let (events, how): (EventStream, &'static str) = match st.acquire(&t, fresh, client)? {
        Ticket::Cached(e) => {
            let step = Step {
                done: 1,
                total: 1,
                step: "cached report".to_owned(),
            };
            let events = vec![Ok(progress_event(&step)), Ok(report_event(&e))];
            (stream::iter(events).boxed(), "hit")
        }
        Ticket::Wait(rx, how) => (follow(rx), how),
    };
    let mut res = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let h = res.headers_mut();
    h.insert("x-cache", HeaderValue::from_static(how));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

async fn metrics(State(st): State<AppState>) -> Response {
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

async fn healthz() -> Response {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        axum::Json(serde_json::json!({"status": "ok"})),
    )
        .into_response()
}

async fn not_found() -> AppError {
    AppError::not_found()
}

async fn method_not_allowed() -> AppError {
    AppError::method_not_allowed()
}

async fn index(State(st): State<AppState>) -> Html<String> {
    let auth = if st.inner.config.token.is_some() {
        "This relay requires a token: enter it in the extension's options as well."
    } else {
        "This relay is open: no token is needed."
    };
    Html(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TLS Lens relay</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:42em;margin:3em auto;padding:0 1em}}code{{background:#eee;padding:0 .2em}}</style></head>
<body>
<h1>TLS Lens relay</h1>
<p>This is a <strong>TLS Lens relay</strong> (version {version}). It scans the TLS
configuration of public servers for the TLS Lens browser extension: protocols,
cipher suites, key exchange, the certificate chain and HSTS. The extension grades
the results itself.</p>
<h2>Use it from the extension</h2>
<ol>
<li>Open the extension's <em>Options</em>.</li>
<li>Set <em>Relay URL</em> to the address of this page (for example
<code>https://relay.example.org/</code>; the default is <code>http://127.0.0.1:8787/</code>).</li>
<li>{auth}</li>
</ol>
<h2>API</h2>
<ul>
<li><code>GET /v1/scan?host=example.org&amp;port=443</code> — the graded report (JSON)</li>
<li><code>GET /v1/scan/stream?host=example.org&amp;port=443</code> — progress and the report (Server-Sent Events)</li>
<li><code>GET /v1/facts?host=example.org&amp;port=443</code> — the raw scan facts (JSON)</li>
<li><code>GET /healthz</code>, <code>GET /metrics</code></li>
</ul>
<p>Private, loopback and other special-purpose addresses are refused unless the
operator allows them.</p>
</body></html>
"#,
        version = env!("CARGO_PKG_VERSION"),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn issue4_host_validation() {
        assert_eq!(validate_host("Example.COM").unwrap().0, "example.com");
        assert_eq!(
            validate_host("xn--bcher-kva.example").unwrap().0,
            "xn--bcher-kva.example"
        );
        assert_eq!(validate_host("[2001:db8::1]").unwrap().0, "2001:db8::1");
        assert_eq!(validate_host("2001:db8::1").unwrap().0, "2001:db8::1");
        assert_eq!(validate_host("127.1").unwrap().0, "127.0.0.1");
        assert_eq!(validate_host("0x7f000001").unwrap().0, "127.0.0.1");
        for bad in [
            "",
            "bücher.example",
            "ex\0ample.com",
            "example.com\n",
            "example.com:443",
            "[::1]:443",
            "[example.com]",
            "[::1",
            "a b.com",
            "a/b.com",
            "user@example.com",
            "fe80::1%eth0",
            "a..b",
            "-a.com",
            "1.2.3.4.5",
            &"a".repeat(300),
            &format!("{}.com", "a".repeat(64)),
        ] {
            let e = validate_host(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
    }

    #[test]
    fn issue4_port_validation() {
        assert_eq!(validate_port(None).unwrap(), 443);
        assert_eq!(validate_port(Some("8443")).unwrap(), 8443);
        assert_eq!(validate_port(Some("65535")).unwrap(), 65535);
        for bad in [
            "0", "65536", "", "+443", "-1", "443 ", "1e3", "٤٤٣", "00000443", "0x1bb",
        ] {
            assert!(validate_port(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn issue4_extension_origins() {
        assert!(is_extension_origin(
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        ));
        assert!(is_extension_origin(
            "moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ));
        for bad in [
            "https://evil.example",
            "chrome-extension://",
            "chrome-extension://abc/../x",
            "chrome-extension://abc.evil.example",
            "null",
            "moz-extension://a b",
        ] {
            assert!(!is_extension_origin(bad), "{bad}");
        }
    }

    #[test]
    fn issue4_constant_time_compare() {
        let a = digest("secret");
        assert!(constant_time_eq(&a, &digest("secret")));
        assert!(!constant_time_eq(&a, &digest("secreT")));
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("Bearerabc"), None);
    }
}
