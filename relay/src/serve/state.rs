//! The service's state: its [`Config`] (from `settings::ServeSettings`), the
//! scanner, and what the handlers share — the cache, the single-flight
//! table, the rate limiter, the scan slots and the metrics — behind one
//! cheap-to-clone [`AppState`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderName;
use futures_util::future::BoxFuture;
use tlslens_core::ScanFacts;

use super::cache::{Cache, Inflight};
use super::limits::{RateLimiter, Slots};
use super::metrics::{Gauges, Metrics};
use super::token::digest;
use crate::probe::{ProgressFn, ScanOptions};
use crate::resolve::TargetSpec;

/// What a `fresh=1` request costs in rate-limit tokens (a cached answer is
/// free, a scan costs 1).
pub const FRESH_COST: f64 = 5.0;
/// `Retry-After` when every scan slot and queue place is taken.
pub const BUSY_RETRY_AFTER: u64 = 5;

/// Extra time the scanner gets beyond its own deadline before it is cut off
/// (at most the deadline itself).
pub(super) const SCAN_GRACE: Duration = Duration::from_secs(5);

/// Progress steps kept per scan (the scanner makes 4 per address).
pub(super) const MAX_STEPS: usize = 256;

/// The peer address of a connection, put into each request's extensions by
/// the server loop (tests may insert one too).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// The local address a connection was accepted on (the address the client
/// reached), put into each request's extensions by the server loop.
#[derive(Debug, Clone, Copy)]
pub struct LocalAddr(pub SocketAddr);

/// Service settings (from the `serve` flags: `settings::ServeSettings`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Scanner settings: guard policy, `--resolve`, `--ca-file`, timeout.
    pub scan: ScanOptions,
    /// Bearer token clients must send; `None` for an open relay.
    pub token: Option<String>,
    /// Origins allowed by CORS besides browser extensions.
    pub cors_origins: Vec<String>,
    /// Host names the relay is served under besides `localhost` and the
    /// address a client reached (`--public-host`), lowercase.
    pub public_hosts: Vec<String>,
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
            public_hosts: Vec::new(),
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
    /// `cors_origins` as browsers send them (without a trailing slash).
    pub fn browser_cors_origins(&self) -> Vec<String> {
        self.cors_origins
            .iter()
            .map(|o| o.trim_end_matches('/').to_owned())
            .collect()
    }

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
    pub(super) inner: Arc<Inner>,
}

/// What the handlers and layers share.
pub(super) struct Inner {
    pub(super) config: Config,
    pub(super) scanner: Scanner,
    pub(super) token_digest: Option<[u8; 32]>,
    /// `config.cors_origins` as browsers send them.
    pub(super) cors_origins: Vec<String>,
    pub(super) cache: Cache,
    pub(super) inflight: Inflight,
    pub(super) limiter: RateLimiter,
    pub(super) slots: Slots,
    pub(super) metrics: Metrics,
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

impl AppState {
    /// State with the real scanner.
    pub fn new(config: Config) -> Self {
        Self::with_scanner(config, probe_scanner())
    }

    /// State with any scanner (tests).
    pub fn with_scanner(config: Config, scanner: Scanner) -> Self {
        let token_digest = config.token.as_deref().map(digest);
        let cors_origins = config.browser_cors_origins();
        Self {
            inner: Arc::new(Inner {
                cache: Cache::new(config.cache_ttl, config.cache_entries),
                inflight: Inflight::default(),
                limiter: RateLimiter::new(config.rate_per_minute, config.max_clients),
                slots: Slots::new(config.max_scans, config.queue),
                metrics: Metrics::default(),
                token_digest,
                cors_origins,
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

    pub(super) fn gauges(&self) -> Gauges {
        Gauges {
            active: self.inner.slots.active(),
            queued: self.inner.slots.queued(),
            cached: self.inner.cache.len(),
            clients: self.inner.limiter.clients(),
        }
    }
}
