//! The scanner: resolves a target, probes every endpoint concurrently and
//! fills [`ScanFacts`]. It observes; it never grades (that is
//! `tlslens_core::grade`).
//!
//! # The pipeline
//!
//! ```text
//! scan(target, options)                              probe/mod.rs
//!   resolve (through the address guard)             resolve.rs, guard.rs
//!   now = options.clock.now()       one `now` for started_at and the AIA check
//!   per address, concurrently, one connection cap    endpoint.rs
//!   │  Prober: link (cap, deadlines), SNI, log       prober.rs, conn.rs, limiter.rs
//!   │
//!   ├─ wave 1: discovery ──────────────────────────► FirstWave
//!   │    SSLv2, suites per version SSLv3–TLS 1.3     enumerate.rs
//!   │    the reference browser's hello               browser.rs
//!   │  (no connection / no TLS answer: stop here)
//!   ├─ wave 2: stages, concurrently ───────────────► SecondWave
//!   │    OrderStage, GroupsStage (and group order)   order.rs, groups.rs
//!   │    ExtrasStage (ALPN, fallback, compression)   extras.rs
//!   │    ChainsStage (SNI, no SNI, per key type)     chain.rs
//!   │    HttpStage (HSTS, resumption)                http.rs, danger.rs
//!   │    VulnStage (Heartbleed, CCS injection)       vuln.rs
//!   │    RobotStage (Bleichenbacher oracle)          robot.rs
//!   │    TicketbleedStage, PoodleTlsStage,           ticketbleed.rs, poodle.rs,
//!   │    RenegotiationStage (own TLS 1.0–1.2 client)  renegotiation.rs, tls12/
//!   │    EarlyDataStage (TLS 1.3 0-RTT)              early_data.rs, danger.rs
//!   │    KexStage (public values, key reuse)         kex.rs
//!   │    Sslv2CompatStage (SSLv2-format hello)       sslv2_compat.rs
//!   │    ClientsStage (the client simulation)        clients/
//!   ├─ AIA completion of the primary chain (and of   chain.rs, aia.rs
//!   │  chains only simulated clients got)
//!   └─ assemble: outcomes → EndpointFacts (no I/O)   assemble.rs
//!   assemble: endpoints → ScanFacts, or "nothing reachable"
//! progress milestones between the waves              progress.rs
//! ```
//!
//! Every probe is one connection through the codec ([`crate::codec`]) or a
//! rustls handshake ([`danger`]); a failed probe is a typed [`fail::Fail`]
//! logged by the [`prober::Prober`] and ends up in `probe_errors`, never a
//! hang or a panic. The enumeration (versions, suites, order, groups) runs
//! on one elimination routine ([`enumerate::eliminate`]).
//!
//! # Adding a probe
//!
//! A new probe (a client simulation, a vulnerability) is a second-wave
//! [`stage::Stage`]: a unit struct whose `run` reads the first wave's
//! [`stage::FirstWave`] and probes through the shared `Prober`, returning a
//! plain-data `Outcome`. Add the outcome to [`stage::SecondWave`] and the
//! stage to `endpoint::second_wave`, then map the outcome to facts in
//! [`assemble`] with a unit test built from a hand-made outcome. The other
//! stages are untouched.

pub mod aia;
pub mod assemble;
pub mod browser;
pub mod chain;
pub mod clients;
pub mod conn;
pub mod danger;
pub mod early_data;
mod endpoint;
pub mod enumerate;
pub mod ephemeral;
pub mod extras;
pub mod fail;
pub mod groups;
pub mod hello;
pub mod http;
pub mod kex;
pub mod limiter;
pub mod order;
pub mod poodle;
pub mod prober;
pub mod progress;
pub mod renegotiation;
pub mod robot;
pub mod sslv2_compat;
pub mod stage;
pub mod ticketbleed;
pub mod tls12;
pub mod vuln;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tlslens_core::{Der, ScanFacts};

use crate::clock::SharedClock;
use crate::resolve::{self, ResolveOverride, TargetSpec};
use crate::Error;

pub use progress::{Progress, ProgressFn};

/// Scan settings.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Let the relay scan private, loopback and reserved addresses.
    pub allow_private: bool,
    /// Special-purpose ranges allowed anyway (`serve --allow-cidr`).
    pub allow_cidrs: Vec<crate::guard::Cidr>,
    /// Total time for the scan.
    pub timeout: Duration,
    /// Concurrent connections to the target, all its addresses together.
    pub max_connections: usize,
    /// `--resolve` entries.
    pub resolve: Vec<ResolveOverride>,
    /// Extra trust anchors (`--ca-file`), DER.
    pub extra_anchors: Vec<Der>,
    /// The clients to simulate (`--clients`); `None` runs no simulation
    /// (the facts then have no `clients`).
    pub clients: Option<tlslens_core::clients::ClientSelection>,
    /// The one wall clock of the scan and of what follows it: read once per
    /// scan (`started_at`, the AIA completion's chain check), and by `scan`,
    /// `serve` and `watch` to grade and alert at "now".
    pub clock: SharedClock,
}

impl ScanOptions {
    /// The address guard's policy for these options.
    pub fn policy(&self) -> crate::guard::Policy {
        crate::guard::Policy {
            allow_private: self.allow_private,
            allow_cidrs: self.allow_cidrs.clone(),
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            allow_private: false,
            allow_cidrs: Vec::new(),
            timeout: Duration::from_secs(60),
            max_connections: 8,
            resolve: Vec::new(),
            extra_anchors: Vec::new(),
            clients: Some(tlslens_core::clients::ClientSelection::All),
            clock: crate::clock::system(),
        }
    }
}

/// Scans `target`: resolution (through the guard), then every endpoint
/// concurrently. Fails only when no report can be made (bad input, refused,
/// unresolvable, nothing reachable).
pub async fn scan(
    target: &TargetSpec,
    opts: &ScanOptions,
    progress: Option<ProgressFn>,
) -> Result<ScanFacts, Error> {
    // What grading (and the AIA completion's chain check) reads — the root
    // stores, the client table — is built once per process; build it on a
    // spare thread while the probes wait on the network, not after them.
    drop(tokio::task::spawn_blocking(tlslens_core::grade::warm_up));
    let dns_budget = opts.timeout.min(Duration::from_secs(15));
    let addrs = tokio::time::timeout(
        dns_budget,
        resolve::resolve(target, &opts.resolve, &opts.policy()),
    )
    .await
    .map_err(|_| Error::Unresolvable {
        host: target.host.clone(),
        message: format!("DNS did not answer within {} s", dns_budget.as_secs()),
    })??;
    let now = opts.clock.now();
    let reporter = progress::Reporter::new(progress, addrs.len());
    // Which clients share which connection is the same for every endpoint:
    // worked out on a spare thread while the first wave probes.
    let plan = opts
        .clients
        .clone()
        .map(|selection| clients::plan_in_background(selection, target.sni().map(str::to_owned)));
    let cx = endpoint::ScanContext {
        target,
        opts,
        deadline: Instant::now() + opts.timeout,
        now,
        progress: &reporter,
        // One connection budget for the whole target (all its addresses):
        // the cap protects the service, which may be one box behind several
        // IPs.
        limiter: limiter::Limiter::new(opts.max_connections),
        clients: plan.as_ref(),
    };
    let endpoints = join_all(addrs.iter().map(|addr| endpoint::scan_endpoint(&cx, *addr))).await;
    assemble::scan(
        assemble::ScanHeader {
            host: target.host.clone(),
            port: target.port,
            now,
            extra_anchors: opts.extra_anchors.clone(),
        },
        endpoints,
    )
}
