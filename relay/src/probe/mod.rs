//! The scanner: resolves a target, probes every endpoint concurrently and
//! fills [`ScanFacts`]. It observes; it never grades (that is
//! `tlslens_core::grade`).
//!
//! Per endpoint, in two waves under the endpoint's connection cap:
//!
//! 1. SSLv2; SSLv3–TLS 1.2 suite enumeration (the registry split into chunks
//!    enumerated concurrently: offer the chunk, remove the suite chosen, repeat;
//!    the first answer of each chunk is also the protocol detection); TLS 1.3
//!    suites; the reference browser hello; the no-SNI chain.
//! 2. Server order (accepted suites offered forward and reversed, then the
//!    server's order by elimination), groups (TLS 1.3 by HelloRetryRequest
//!    elimination, TLS 1.2 by ServerKeyExchange elimination), ALPN, fallback
//!    SCSV, compression, per-key-type chains, HSTS and session resumption over
//!    rustls ([`danger`]), the Heartbleed and CCS injection probes at the best
//!    of TLS 1.0–1.2 ([`vuln`]), then AIA completion.

pub mod aia;
pub mod conn;
pub mod danger;
pub mod hello;
pub mod vuln;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use ring::rand::{SecureRandom, SystemRandom};
use tlslens_core::facts::{
    BrowserFacts, ChainFacts, EndpointFacts, HttpFacts, KeyExchangeFacts, ProbeError,
    ProtocolSuites, ResumptionFacts, Timing,
};
use tlslens_core::suites::{self, Authentication, KeyExchange};
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion};
use tlslens_core::{Der, ScanFacts};
use tokio::sync::Semaphore;

use crate::codec::{
    alert_description, version, ClientHello, FlightParser, ServerFlight, Sslv2ServerMessage,
};
use crate::resolve::{self, ResolveOverride, TargetSpec};
use crate::Error;
use conn::{Fail, Limits, Link, Refusal, Reply, Stats};
use hello::LegacyOpts;

/// How many suites one enumeration chunk offers.
const CHUNK: usize = 128;

/// Scan settings.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Let the relay scan private, loopback and reserved addresses.
    pub allow_private: bool,
    /// Special-purpose ranges allowed anyway (`serve --allow-cidr`).
    pub allow_cidrs: Vec<crate::guard::Cidr>,
    /// Total time for the scan.
    pub timeout: Duration,
    /// Concurrent connections per endpoint.
    pub max_connections: usize,
    /// `--resolve` entries.
    pub resolve: Vec<ResolveOverride>,
    /// Extra trust anchors (`--ca-file`), DER.
    pub extra_anchors: Vec<Der>,
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
        }
    }
}

/// A progress report: `done` of `total` steps, the step just finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Steps done.
    pub done: usize,
    /// All steps.
    pub total: usize,
    /// What was just done (`192.0.2.1: protocols and suites`).
    pub step: String,
}

/// Called as the scan advances.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

struct ProgressTracker {
    f: Option<ProgressFn>,
    done: Mutex<usize>,
    total: usize,
}

impl ProgressTracker {
    fn step(&self, step: String) {
        let Some(f) = &self.f else { return };
        let done = match self.done.lock() {
            Ok(mut d) => {
                *d += 1;
                *d
            }
            Err(_) => return,
        };
        f(Progress {
            done,
            total: self.total,
            step,
        });
    }
}

/// Steps reported per endpoint.
const STEPS_PER_ENDPOINT: usize = 4;

/// Scans `target`: resolution (through the guard), then every endpoint
/// concurrently. Fails only when no report can be made (bad input, refused,
/// unresolvable, nothing reachable).
pub async fn scan(
    target: &TargetSpec,
    opts: &ScanOptions,
    progress: Option<ProgressFn>,
) -> Result<ScanFacts, Error> {
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
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let deadline = Instant::now() + opts.timeout;
    let mut facts = ScanFacts::new(target.host.clone(), target.port);
    facts.started_at = Some(tlslens_core::time::rfc3339(started));
    facts.scanner = Some(format!("tlslens-relay {}", env!("CARGO_PKG_VERSION")));
    facts.extra_anchors = opts.extra_anchors.clone();
    let tracker = ProgressTracker {
        f: progress,
        done: Mutex::new(0),
        total: addrs.len() * STEPS_PER_ENDPOINT,
    };
    // One connection budget for the whole target (all its addresses): the cap
    // protects the service, which may be one box behind several IPs.
    let sem = Arc::new(Semaphore::new(opts.max_connections.max(1)));
    let endpoints = join_all(
        addrs
            .iter()
            .map(|addr| scan_endpoint(target, *addr, opts, deadline, &tracker, sem.clone())),
    )
    .await;
    // No endpoint completed a TLS handshake (closed ports, stalls, plain HTTP,
    // garbage): nothing is reachable over TLS, so there is no report to grade.
    // Where only some endpoints fail, they stay in the report with their error.
    if endpoints.iter().all(|(ep, _)| ep.error.is_some()) {
        let message = endpoints
            .first()
            .and_then(|(ep, _)| ep.error.as_ref())
            .map(|e| {
                format!(
                    "{}: {}",
                    endpoints.first().map(|(e, _)| e.ip.as_str()).unwrap_or(""),
                    e.message
                )
            })
            .unwrap_or_else(|| "no endpoint".to_owned());
        return Err(Error::Unreachable {
            target: format!("{}:{}", target.host, target.port),
            message,
        });
    }
    facts.endpoints = endpoints.into_iter().map(|(ep, _)| ep).collect();
    Ok(facts)
}

/// Offers `remaining`, takes the server's choice out and offers the rest again,
/// until the server refuses, picks something it was not offered, or nothing is
/// left. Returns the choices in the order the server made them.
async fn eliminate<F: std::future::Future<Output = Option<u16>>>(
    mut remaining: Vec<u16>,
    mut choose: impl FnMut(Vec<u16>) -> F,
) -> Vec<u16> {
    let mut found = Vec::new();
    while !remaining.is_empty() {
        let Some(g) = choose(remaining.clone()).await else {
            break;
        };
        found.push(g);
        if !remaining.contains(&g) {
            break;
        }
        remaining.retain(|x| *x != g);
    }
    found
}

fn pname(v: u16) -> String {
    ProtocolVersion(v)
        .known_name()
        .map_or_else(|| format!("0x{v:04X}"), str::to_owned)
}

/// One endpoint's probing state.
struct Ep<'a> {
    link: Link,
    host: &'a str,
    sni: Option<&'a str>,
    rng: SystemRandom,
    errors: Mutex<Vec<ProbeError>>,
    dh_bits: Mutex<Option<u32>>,
    policy: crate::guard::Policy,
}

/// What the enumeration of one protocol found.
#[derive(Debug, Default)]
struct VersionScan {
    version: u16,
    suites: Vec<u16>,
    /// The first complete flight (chunk order), for the chain.
    flight: Option<ServerFlight>,
    /// Some probe of this version failed (not a refusal).
    failed: bool,
}

impl<'a> Ep<'a> {
    fn random<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        let _ = self.rng.fill(&mut out);
        out
    }

    fn error(&self, probe: &str, fail: &Fail) {
        tracing::debug!(probe, code = fail.code, "{}", fail.message);
        if let Ok(mut e) = self.errors.lock() {
            if e.iter().any(|x| x.probe == probe && x.code == fail.code) {
                return;
            }
            e.push(ProbeError {
                probe: probe.to_owned(),
                code: fail.code.to_owned(),
                message: fail.message.clone(),
            });
        }
    }

    fn note(&self, flight: &ServerFlight) {
        if let Some(bits) = flight
            .server_key_exchange
            .as_ref()
            .and_then(|k| k.dh_prime_bits())
        {
            let bits = u32::try_from(bits).unwrap_or(u32::MAX);
            if let Ok(mut d) = self.dh_bits.lock() {
                *d = Some(d.map_or(bits, |old| old.min(bits)));
            }
        }
    }

    async fn send(&self, probe: &str, hello: &ClientHello) -> Option<Reply> {
        let bytes = match hello.encode_records() {
            Ok(b) => b,
            Err(e) => {
                self.error(probe, &Fail::new("encode", e.to_string()));
                return None;
            }
        };
        match self.link.exchange(&bytes, FlightParser::new()).await {
            Ok(reply) => {
                if let Reply::Hello { flight, broken } = &reply {
                    self.note(flight);
                    if let Some(fail) = broken {
                        self.error(probe, fail);
                    }
                }
                Some(reply)
            }
            Err(fail) => {
                self.error(probe, &fail);
                None
            }
        }
    }

    fn legacy(&self, v: u16, suites: &[u16], opts: &LegacyOpts) -> ClientHello {
        hello::legacy(v, suites, self.sni, self.random(), opts)
    }

    /// Enumerates one chunk at version `v`: offer, remove the chosen suite,
    /// repeat until the server declines.
    async fn enumerate_chunk(&self, v: u16, chunk: Vec<u16>, index: usize) -> VersionScan {
        let probe = format!("suites:{}#{index}", pname(v));
        let mut out = VersionScan {
            version: v,
            ..VersionScan::default()
        };
        let mut remaining = chunk;
        let limit = remaining.len() + 1;
        for _ in 0..limit {
            if remaining.is_empty() {
                break;
            }
            let hello = self.legacy(v, &remaining, &LegacyOpts::default());
            let Some(reply) = self.send(&probe, &hello).await else {
                out.failed = true;
                break;
            };
            let (flight, complete) = match reply {
                Reply::Refused(_) => break,
                Reply::Hello { flight, broken } => (flight, broken.is_none()),
            };
            let Some(sh) = &flight.server_hello else {
                break;
            };
            if sh.negotiated_version() != v || sh.is_hello_retry_request() {
                break;
            }
            let chosen = sh.cipher_suite;
            out.suites.push(chosen);
            if !remaining.contains(&chosen) {
                self.error(
                    &probe,
                    &Fail::new(
                        "protocol_violation",
                        format!("the server chose suite 0x{chosen:04X}, which was not offered"),
                    ),
                );
                break;
            }
            remaining.retain(|s| *s != chosen);
            if out.flight.is_none() && complete && flight.certificate.is_some() {
                out.flight = Some(*flight);
            }
        }
        out
    }

    async fn enumerate_legacy(&self, v: u16) -> VersionScan {
        let all = hello::legacy_suites();
        let chunks: Vec<Vec<u16>> = all.chunks(CHUNK).map(<[u16]>::to_vec).collect();
        let results = join_all(
            chunks
                .into_iter()
                .enumerate()
                .map(|(i, c)| self.enumerate_chunk(v, c, i)),
        )
        .await;
        let mut out = VersionScan {
            version: v,
            ..VersionScan::default()
        };
        let position = |s: &u16| all.iter().position(|x| x == s).unwrap_or(usize::MAX);
        for r in results {
            out.failed |= r.failed;
            if out.flight.is_none() {
                out.flight = r.flight;
            }
            for s in r.suites {
                if !out.suites.contains(&s) {
                    out.suites.push(s);
                }
            }
        }
        out.suites.sort_by_key(position);
        out
    }

    async fn enumerate_tls13(&self) -> VersionScan {
        let mut out = VersionScan {
            version: version::TLS13,
            ..VersionScan::default()
        };
        let mut remaining = hello::tls13_suites();
        let groups = hello::tls13_groups();
        for _ in 0..remaining.len() + 1 {
            if remaining.is_empty() {
                break;
            }
            let hello = hello::tls13(
                &remaining,
                &groups,
                vec![hello::x25519_share()],
                self.sni,
                self.random(),
                self.random(),
            );
            let Some(reply) = self.send("suites:TLSv1.3", &hello).await else {
                out.failed = true;
                break;
            };
            let Reply::Hello { flight, .. } = reply else {
                break;
            };
            let Some(sh) = &flight.server_hello else {
                break;
            };
            if sh.negotiated_version() != version::TLS13 {
                break;
            }
            let chosen = sh.cipher_suite;
            out.suites.push(chosen);
            if !remaining.contains(&chosen) {
                break;
            }
            remaining.retain(|s| *s != chosen);
        }
        out
    }

    /// `Some(ciphers)` when the server answers an SSLv2 CLIENT-HELLO with a
    /// SERVER-HELLO (the cipher kinds it offers, by name), `Some(None)` when it
    /// does not speak SSLv2, `None` when the probe failed.
    async fn sslv2(&self) -> Option<Option<Vec<String>>> {
        let bytes = hello::sslv2(self.random()).encode_record().ok()?;
        match self.link.exchange(&bytes, FlightParser::new()).await {
            Ok(Reply::Hello { flight, .. }) => Some(match flight.sslv2 {
                Some(Sslv2ServerMessage::ServerHello(hello)) => Some(
                    hello
                        .cipher_specs
                        .iter()
                        .map(|&c| {
                            crate::codec::sslv2_cipher_name(c)
                                .map_or_else(|| format!("0x{c:06X}"), str::to_owned)
                        })
                        .collect(),
                ),
                _ => None,
            }),
            Ok(Reply::Refused(_)) => Some(None),
            // A TLS server may answer an SSLv2 hello with garbage-looking TLS
            // alerts of its own version: that is "not SSLv2", not an error.
            Err(f) if f.code == "malformed" || f.code == "garbage" => Some(None),
            Err(f) => {
                self.error("protocol:SSLv2", &f);
                None
            }
        }
    }

    /// Offers `suites` in order and returns the server's choice.
    async fn choose(&self, v: u16, suites: &[u16], probe: &str) -> Option<u16> {
        let hello = if v == version::TLS13 {
            hello::tls13(
                suites,
                &hello::tls13_groups(),
                vec![hello::x25519_share()],
                self.sni,
                self.random(),
                self.random(),
            )
        } else {
            self.legacy(v, suites, &LegacyOpts::default())
        };
        match self.send(probe, &hello).await? {
            Reply::Hello { flight, .. } => flight.server_hello.map(|sh| sh.cipher_suite),
            Reply::Refused(_) => None,
        }
    }

    /// Server order: whether it holds, and the suites in the server's order.
    async fn server_order(&self, scan: &VersionScan) -> (Option<bool>, Vec<u16>) {
        let found = scan.suites.clone();
        if found.len() < 2 {
            return (None, found);
        }
        let probe = format!("order:{}", pname(scan.version));
        let reversed: Vec<u16> = found.iter().rev().copied().collect();
        let (a, b) = tokio::join!(
            self.choose(scan.version, &found, &probe),
            self.choose(scan.version, &reversed, &probe)
        );
        let (Some(a), Some(b)) = (a, b) else {
            return (None, found);
        };
        if a != b {
            return (Some(false), found);
        }
        // The server's order, by elimination.
        let mut ordered = vec![a];
        let mut remaining: Vec<u16> = found.iter().copied().filter(|s| *s != a).collect();
        while remaining.len() > 1 {
            match self.choose(scan.version, &remaining, &probe).await {
                Some(c) if remaining.contains(&c) => {
                    ordered.push(c);
                    remaining.retain(|s| *s != c);
                }
                _ => break,
            }
        }
        for s in remaining {
            ordered.push(s);
        }
        (Some(true), ordered)
    }

    /// TLS 1.3 groups by elimination with an empty key_share: the server's
    /// HelloRetryRequest names the group it wants.
    async fn groups_tls13(&self, suites: &[u16]) -> Vec<u16> {
        eliminate(hello::tls13_groups(), |offer| async move {
            let hello = hello::tls13(
                suites,
                &offer,
                vec![],
                self.sni,
                self.random(),
                self.random(),
            );
            let Some(Reply::Hello { flight, .. }) = self.send("groups:TLSv1.3", &hello).await
            else {
                return None;
            };
            flight
                .server_hello
                .as_ref()
                .and_then(|sh| sh.key_share_group())
        })
        .await
    }

    /// TLS ≤ 1.2 curves by elimination, offering only ECDHE suites.
    async fn groups_legacy(&self, v: u16, ecdhe: &[u16]) -> Vec<u16> {
        eliminate(hello::legacy_groups(), |offer| async move {
            let opts = LegacyOpts {
                groups: Some(offer),
                ..LegacyOpts::default()
            };
            let hello = self.legacy(v, ecdhe, &opts);
            let Some(Reply::Hello { flight, .. }) = self.send("groups:legacy", &hello).await else {
                return None;
            };
            flight
                .server_key_exchange
                .as_ref()
                .and_then(|k| k.named_group())
        })
        .await
    }

    async fn alpn_legacy(&self, v: u16, suites: &[u16]) -> Vec<String> {
        let probe = |proto: &'static str| async move {
            let opts = LegacyOpts {
                alpn: vec![proto],
                ..LegacyOpts::default()
            };
            let hello = self.legacy(v, suites, &opts);
            match self.send("alpn", &hello).await {
                Some(Reply::Hello { flight, .. }) => flight
                    .server_hello
                    .as_ref()
                    .and_then(|sh| sh.alpn().map(|a| a == proto.as_bytes()))
                    .unwrap_or(false),
                _ => false,
            }
        };
        let (h2, h1) = tokio::join!(probe("h2"), probe("http/1.1"));
        let mut out = Vec::new();
        if h2 {
            out.push("h2".to_owned());
        }
        if h1 {
            out.push("http/1.1".to_owned());
        }
        out
    }

    async fn fallback_scsv(&self, versions: &[u16], suites: &[u16]) -> Option<bool> {
        let mut sorted = versions.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let second = *sorted.iter().rev().nth(1)?;
        if second == version::SSL2 {
            return None;
        }
        let opts = LegacyOpts {
            fallback_scsv: true,
            ..LegacyOpts::default()
        };
        let hello = self.legacy(second, suites, &opts);
        match self.send("fallback_scsv", &hello).await? {
            Reply::Refused(Refusal::Alert(a))
                if a.description == alert_description::INAPPROPRIATE_FALLBACK =>
            {
                Some(true)
            }
            Reply::Hello { flight, .. } => flight
                .server_hello
                .map(|sh| sh.negotiated_version() == second)
                .filter(|ok| *ok)
                .map(|_| false),
            Reply::Refused(_) => None,
        }
    }

    async fn compression(&self, v: u16, suites: &[u16]) -> Option<bool> {
        let opts = LegacyOpts {
            deflate: true,
            ..LegacyOpts::default()
        };
        let hello = self.legacy(v, suites, &opts);
        match self.send("compression", &hello).await? {
            Reply::Hello { flight, .. } => flight.server_hello.map(|sh| sh.compression_method != 0),
            Reply::Refused(_) => None,
        }
    }

    async fn browser(&self) -> BrowserFacts {
        let mut out = BrowserFacts {
            client: hello::BROWSER_CLIENT.to_owned(),
            ..BrowserFacts::default()
        };
        let hello = hello::browser(self.sni, self.random(), self.random());
        let bytes = match hello.encode_records() {
            Ok(b) => b,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        let flight = match self.link.exchange(&bytes, FlightParser::new()).await {
            Ok(Reply::Hello { flight, .. }) => flight,
            Ok(Reply::Refused(r)) => {
                out.error = Some(r.to_string());
                return out;
            }
            Err(f) => {
                self.error("browser", &f);
                out.error = Some(f.message);
                return out;
            }
        };
        self.note(&flight);
        let Some(sh) = &flight.server_hello else {
            out.error = Some("no ServerHello".to_owned());
            return out;
        };
        let v = sh.negotiated_version();
        if v < version::TLS12 {
            out.error = Some(format!(
                "the server chose {}, which current browsers refuse",
                pname(v)
            ));
            return out;
        }
        if !hello::CHROME_SUITES.contains(&sh.cipher_suite) {
            out.error = Some(format!(
                "the server chose suite 0x{:04X}, which the browser did not offer",
                sh.cipher_suite
            ));
            return out;
        }
        out.protocol = Some(ProtocolVersion(v));
        out.cipher_suite = Some(CipherSuite(sh.cipher_suite));
        out.group = if v == version::TLS13 {
            sh.key_share_group().map(NamedGroup)
        } else {
            flight
                .server_key_exchange
                .as_ref()
                .and_then(|k| k.named_group())
                .map(NamedGroup)
        };
        out
    }

    /// A raw chain probe: the first complete flight with a certificate.
    async fn chain_raw(
        &self,
        v: u16,
        suites: &[u16],
        sni: bool,
        probe: &str,
    ) -> Option<ChainFacts> {
        let hello = hello::legacy(
            v,
            suites,
            if sni { self.sni } else { None },
            self.random(),
            &LegacyOpts::default(),
        );
        match self.send(probe, &hello).await? {
            Reply::Hello { flight, .. } => chain_from_flight(&flight),
            Reply::Refused(_) => None,
        }
    }

    /// A rustls handshake (recording verifier) for the chain; `None` on failure.
    async fn chain_rustls(
        &self,
        sni: bool,
        alpn: &[&str],
        probe: &str,
    ) -> Option<(ChainFacts, Option<Vec<u8>>)> {
        let recorder = match danger::Recorder::new(alpn, sni, false) {
            Ok(r) => r,
            Err(f) => {
                self.error(probe, &f);
                return None;
            }
        };
        match danger::handshake(&self.link, &recorder, self.host).await {
            Ok(session) => {
                let rec = session.recorded.clone()?;
                Some((
                    ChainFacts {
                        certificates: rec.chain.into_iter().map(Der).collect(),
                        aia: Vec::new(),
                        ocsp_staple: (!rec.ocsp.is_empty()).then_some(Der(rec.ocsp)),
                        protocol: session.protocol.map(ProtocolVersion),
                        cipher_suite: session.suite.map(CipherSuite),
                    },
                    session.alpn.clone(),
                ))
            }
            Err(f) => {
                if sni {
                    self.error(probe, &f);
                }
                None
            }
        }
    }

    /// HSTS from one `GET /`, and resumption of that session.
    async fn http(&self) -> (HttpFacts, Option<bool>, Option<Vec<u8>>) {
        let mut facts = HttpFacts::default();
        let recorder = match danger::Recorder::new(&["http/1.1"], true, false) {
            Ok(r) => r,
            Err(f) => {
                facts.error = Some(f.message);
                return (facts, None, None);
            }
        };
        let mut session = match danger::handshake(&self.link, &recorder, self.host).await {
            Ok(s) => s,
            Err(f) => {
                facts.error = Some(f.message);
                return (facts, None, None);
            }
        };
        let alpn = session.alpn.clone();
        match danger::get_head(&self.link, &mut session, self.host).await {
            Ok(head) => {
                facts.status = head.status;
                facts.hsts = head.hsts;
            }
            Err(f) => {
                self.error("http", &f);
                facts.error = Some(f.message);
            }
        }
        danger::close(session).await;
        let resumed = match danger::handshake(&self.link, &recorder, self.host).await {
            Ok(s) => Some(s.resumed),
            Err(_) => None,
        };
        (facts, resumed, alpn)
    }

    /// Session-ID resumption over TLS 1.2 (tickets disabled).
    async fn session_ids(&self) -> Option<bool> {
        let recorder = danger::Recorder::new(&[], true, true).ok()?;
        let first = danger::handshake(&self.link, &recorder, self.host)
            .await
            .ok()?;
        // A clean close_notify: OpenSSL drops sessions of unclean shutdowns.
        danger::close(first).await;
        let second = danger::handshake(&self.link, &recorder, self.host)
            .await
            .ok()?;
        Some(second.resumed)
    }

    /// Completes an incomplete chain from the CA Issuers URLs.
    async fn complete_by_aia(&self, chain: &mut ChainFacts, anchors: &[Der], now: i64) {
        for _ in 0..3 {
            let (store, _) = tlslens_core::anchors::TrustStore::new(anchors);
            let (report, _) = tlslens_core::chain::analyse(
                tlslens_core::chain::ChainInput {
                    sent: &chain.certificates,
                    aia: &chain.aia,
                    ocsp_staple: None,
                    host: None,
                    now,
                    max_intermediates: None,
                },
                &store,
            );
            if !report
                .issues
                .contains(&tlslens_core::chain::ChainIssue::IncompleteChain)
            {
                return;
            }
            let Some(last) = chain.aia.last().or(chain.certificates.last()) else {
                return;
            };
            let urls = match tlslens_core::cert::parse(last.as_bytes()) {
                Ok(c) => tlslens_core::cert::describe(&c, last.as_bytes(), now).ca_issuers_urls,
                Err(_) => return,
            };
            let Some(url) = urls
                .iter()
                .find(|u| u.to_ascii_lowercase().starts_with("http://"))
            else {
                return;
            };
            let budget = self
                .link
                .limits
                .deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_default()
                .min(Duration::from_secs(5));
            match aia::fetch(url, &self.policy, budget).await {
                Ok(certs) => {
                    let before = chain.aia.len();
                    for c in certs {
                        let d = Der(c);
                        if !chain.aia.contains(&d) && !chain.certificates.contains(&d) {
                            chain.aia.push(d);
                        }
                    }
                    if chain.aia.len() == before {
                        return;
                    }
                }
                Err(message) => {
                    self.error("aia", &Fail::new("aia", message));
                    return;
                }
            }
        }
    }
}

fn chain_from_flight(flight: &ServerFlight) -> Option<ChainFacts> {
    let cert = flight.certificate.as_ref()?;
    if cert.certificates.is_empty() {
        return None;
    }
    let sh = flight.server_hello.as_ref()?;
    Some(ChainFacts {
        certificates: cert.certificates.iter().map(|c| Der(c.clone())).collect(),
        aia: Vec::new(),
        ocsp_staple: flight
            .certificate_status
            .as_ref()
            .filter(|s| !s.response.is_empty())
            .map(|s| Der(s.response.clone())),
        protocol: Some(ProtocolVersion(sh.negotiated_version())),
        cipher_suite: Some(CipherSuite(sh.cipher_suite)),
    })
}

fn auth_of(code: u16) -> Option<Authentication> {
    suites::lookup(code).map(|s| s.auth)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Scans one address; also says whether any TCP connection succeeded.
async fn scan_endpoint(
    target: &TargetSpec,
    addr: SocketAddr,
    opts: &ScanOptions,
    deadline: Instant,
    progress: &ProgressTracker,
    sem: Arc<Semaphore>,
) -> (EndpointFacts, bool) {
    let total = opts.timeout;
    let limits = Limits {
        connect: total
            .mul_f32(0.25)
            .clamp(Duration::from_millis(500), Duration::from_secs(5)),
        first_byte: total
            .mul_f32(0.25)
            .clamp(Duration::from_millis(500), Duration::from_secs(5)),
        probe: total
            .mul_f32(0.5)
            .clamp(Duration::from_secs(1), Duration::from_secs(10)),
        deadline,
    };
    let link = Link {
        addr,
        sem,
        limits,
        stats: Arc::new(Stats::default()),
    };
    let ep = Ep {
        link,
        host: &target.host,
        sni: target.sni(),
        rng: SystemRandom::new(),
        errors: Mutex::new(Vec::new()),
        dh_bits: Mutex::new(None),
        policy: opts.policy(),
    };
    let ip = addr.ip().to_string();
    tracing::info!(endpoint = %addr, "scanning");
    let mut facts = EndpointFacts {
        ip: ip.clone(),
        ..EndpointFacts::default()
    };
    let mut timings = Vec::new();

    // Wave 1.
    let t0 = Instant::now();
    let legacy_versions = [
        version::SSL3,
        version::TLS10,
        version::TLS11,
        version::TLS12,
    ];
    let (ssl2, legacy, tls13, browser) = tokio::join!(
        ep.sslv2(),
        join_all(legacy_versions.iter().map(|v| ep.enumerate_legacy(*v))),
        ep.enumerate_tls13(),
        ep.browser(),
    );
    timings.push(Timing {
        probe: "protocols_suites".to_owned(),
        ms: t0.elapsed().as_millis() as u64,
    });
    progress.step(format!("{ip}: protocols and suites"));

    let connected = ep
        .link
        .stats
        .connected
        .load(std::sync::atomic::Ordering::Relaxed)
        > 0;
    if !connected {
        let first = ep
            .errors
            .lock()
            .ok()
            .and_then(|e| e.first().cloned())
            .unwrap_or_else(|| ProbeError {
                probe: "connect".to_owned(),
                code: "unreachable".to_owned(),
                message: "no connection could be made".to_owned(),
            });
        facts.error = Some(ProbeError {
            probe: "connect".to_owned(),
            code: first.code,
            message: first.message,
        });
        for _ in 1..STEPS_PER_ENDPOINT {
            progress.step(format!("{ip}: unreachable"));
        }
        return (facts, false);
    }

    if !ep.link.stats.any_hello() {
        // Nothing speaks TLS here: the second wave would only add timeouts.
        let (errors, error) = final_errors(&ep);
        facts.error = error;
        facts.probe_errors = errors;
        facts.timings = timings;
        for _ in 1..STEPS_PER_ENDPOINT {
            progress.step(format!("{ip}: no TLS"));
        }
        return (facts, true);
    }

    let mut versions: Vec<u16> = Vec::new();
    if let Some(Some(ciphers)) = &ssl2 {
        versions.push(version::SSL2);
        facts.sslv2_ciphers.clone_from(ciphers);
    }
    let supported_legacy: Vec<&VersionScan> =
        legacy.iter().filter(|s| !s.suites.is_empty()).collect();
    versions.extend(supported_legacy.iter().map(|s| s.version));
    let has13 = !tls13.suites.is_empty();
    if has13 {
        versions.push(version::TLS13);
    }
    let best_legacy = supported_legacy.last().copied();

    // Wave 2.
    let t1 = Instant::now();
    let order_futs = join_all(
        supported_legacy
            .iter()
            .copied()
            .chain(has13.then_some(&tls13))
            .map(|s| ep.server_order(s)),
    );
    let groups_fut = async {
        let mut groups = if has13 {
            ep.groups_tls13(&tls13.suites).await
        } else {
            Vec::new()
        };
        if let Some(best) = best_legacy {
            let ecdhe: Vec<u16> = best
                .suites
                .iter()
                .copied()
                .filter(|s| suites::lookup(*s).is_some_and(|i| i.kx == KeyExchange::Ecdhe))
                .collect();
            if !ecdhe.is_empty() {
                for g in ep.groups_legacy(best.version, &ecdhe).await {
                    if !groups.contains(&g) {
                        groups.push(g);
                    }
                }
            }
        }
        groups
    };
    let all_legacy = hello::legacy_suites();
    let extras_fut = async {
        match best_legacy {
            Some(best) => {
                let (alpn, fallback, compression) = tokio::join!(
                    ep.alpn_legacy(best.version, &best.suites),
                    ep.fallback_scsv(&versions, &all_legacy),
                    ep.compression(best.version, &best.suites),
                );
                (alpn, fallback, compression)
            }
            None => (Vec::new(), None, has13.then_some(false)),
        }
    };
    let chains_fut = async {
        let mut primary = best_legacy.and_then(|b| b.flight.as_ref().and_then(chain_from_flight));
        let mut alpn13 = None;
        if primary.is_none() {
            if let Some((c, alpn)) = ep.chain_rustls(true, &["h2"], "chain").await {
                primary = Some(c);
                alpn13 = Some(alpn);
            }
        }
        let no_sni = if ep.sni.is_some() {
            match best_legacy {
                Some(b) => {
                    ep.chain_raw(b.version, &hello::legacy_suites(), false, "chain_no_sni")
                        .await
                }
                None => ep
                    .chain_rustls(false, &[], "chain_no_sni")
                    .await
                    .map(|(c, _)| c),
            }
        } else {
            None
        };
        // One chain per key type: offer only the suites of each other
        // authentication the server accepted.
        let mut others = Vec::new();
        if let (Some(best), Some(p)) = (best_legacy, primary.as_ref()) {
            let auths: BTreeSet<u8> = best
                .suites
                .iter()
                .filter_map(|s| auth_of(*s))
                .filter(|a| {
                    matches!(
                        a,
                        Authentication::Rsa | Authentication::Ecdsa | Authentication::Dss
                    )
                })
                .map(|a| a as u8)
                .collect();
            if auths.len() > 1 {
                for a in auths {
                    let subset: Vec<u16> = best
                        .suites
                        .iter()
                        .copied()
                        .filter(|s| auth_of(*s).is_some_and(|x| x as u8 == a))
                        .collect();
                    if let Some(c) = ep
                        .chain_raw(best.version, &subset, true, "other_chains")
                        .await
                    {
                        if c.certificates.first() != p.certificates.first()
                            && !others.iter().any(|o: &ChainFacts| {
                                o.certificates.first() == c.certificates.first()
                            })
                        {
                            others.push(c);
                        }
                    }
                }
            }
        }
        (primary, no_sni, others, alpn13)
    };
    let http_fut = async {
        let (http, resumed, http_alpn) = ep.http().await;
        let ids = if legacy
            .iter()
            .any(|s| s.version == version::TLS12 && !s.suites.is_empty())
        {
            ep.session_ids().await
        } else {
            None
        };
        (http, resumed, ids, http_alpn)
    };
    let vulns_fut = async {
        let t = Instant::now();
        let found = vuln::probe(&ep, &supported_legacy).await;
        (found, t.elapsed())
    };
    let (
        orders,
        groups,
        (alpn, fallback, compression),
        (primary, no_sni, others, alpn13),
        (http, resumed, ids, http_alpn),
        (vulns, vulns_time),
    ) = tokio::join!(order_futs, groups_fut, extras_fut, chains_fut, http_fut, vulns_fut);
    timings.push(Timing {
        probe: "details".to_owned(),
        ms: t1.elapsed().as_millis() as u64,
    });
    if let Some(vulns) = vulns {
        facts.vulnerabilities = vulns;
        timings.push(Timing {
            probe: "vulnerabilities".to_owned(),
            ms: vulns_time.as_millis() as u64,
        });
    }
    progress.step(format!("{ip}: groups, order and extras"));

    // Assemble.
    facts.protocols = versions.iter().map(|v| ProtocolVersion(*v)).collect();
    let scans: Vec<&VersionScan> = supported_legacy
        .iter()
        .copied()
        .chain(has13.then_some(&tls13))
        .collect();
    for (scan, (order, ordered)) in scans.iter().zip(orders) {
        facts.cipher_suites.push(ProtocolSuites {
            protocol: ProtocolVersion(scan.version),
            suites: ordered.into_iter().map(CipherSuite).collect(),
            server_order: order,
        });
    }
    facts.groups = groups.into_iter().map(NamedGroup).collect();
    facts.key_exchange = KeyExchangeFacts {
        dh_bits: ep.dh_bits.lock().ok().and_then(|d| *d),
        ecdh_group: browser.group.or_else(|| {
            best_legacy
                .and_then(|b| b.flight.as_ref())
                .and_then(|f| f.server_key_exchange.as_ref())
                .and_then(|k| k.named_group())
                .map(NamedGroup)
        }),
    };
    let mut alpn = alpn;
    if let Some(Some(a)) = alpn13 {
        let a = String::from_utf8_lossy(&a).into_owned();
        if !alpn.contains(&a) {
            alpn.push(a);
        }
    }
    if best_legacy.is_none()
        && http_alpn.as_deref() == Some(b"http/1.1".as_slice())
        && !alpn.iter().any(|a| a == "http/1.1")
    {
        alpn.push("http/1.1".to_owned());
    }
    facts.alpn = alpn;
    facts.secure_renegotiation = best_legacy
        .and_then(|b| b.flight.as_ref())
        .and_then(|f| f.server_hello.as_ref())
        .map(|sh| sh.renegotiation_info().is_some());
    facts.fallback_scsv = fallback;
    facts.compression = compression;
    let tickets_legacy = best_legacy
        .and_then(|b| b.flight.as_ref())
        .and_then(|f| f.server_hello.as_ref())
        .map(|sh| sh.has_session_ticket());
    let tickets = match (tickets_legacy, has13, resumed) {
        (Some(true), _, _) => Some(true),
        (_, true, Some(r)) => Some(r),
        (t, _, _) => t,
    };
    if tickets.is_some() || ids.is_some() {
        facts.session_resumption = Some(ResumptionFacts {
            session_ids: ids,
            tickets,
        });
    }
    facts.browser = Some(browser);
    facts.http = Some(http);

    let t2 = Instant::now();
    let now = now_secs();
    let mut primary = primary;
    if let Some(chain) = primary.as_mut() {
        ep.complete_by_aia(chain, &opts.extra_anchors, now).await;
    }
    timings.push(Timing {
        probe: "aia".to_owned(),
        ms: t2.elapsed().as_millis() as u64,
    });
    progress.step(format!("{ip}: chain"));
    // Refused without SNI (not a probe failure) while a chain came with SNI.
    let no_sni_failed = ep
        .errors
        .lock()
        .map(|e| e.iter().any(|x| x.probe == "chain_no_sni"))
        .unwrap_or(true);
    if ep.sni.is_some() && primary.is_some() && !no_sni_failed {
        facts.sni_required = Some(no_sni.is_none());
    }
    facts.chain = primary;
    facts.chain_no_sni = no_sni;
    facts.other_chains = others;

    let (errors, error) = final_errors(&ep);
    facts.error = error;
    facts.probe_errors = errors;
    tracing::info!(
        endpoint = %addr,
        protocols = facts.protocols.len(),
        suites = facts.cipher_suites.iter().map(|p| p.suites.len()).sum::<usize>(),
        connections = ep.link.stats.connections.load(std::sync::atomic::Ordering::Relaxed),
        errors = facts.probe_errors.len(),
        "scanned"
    );
    facts.timings = timings;
    progress.step(format!("{ip}: done"));
    (facts, true)
}

/// The probe errors of an endpoint, and the endpoint error when the server
/// never completed a single hello.
fn final_errors(ep: &Ep<'_>) -> (Vec<ProbeError>, Option<ProbeError>) {
    let mut errors = ep.errors.lock().map(|e| e.clone()).unwrap_or_default();
    if ep.link.stats.any_hello() {
        return (errors, None);
    }
    let silent = ep
        .link
        .stats
        .silent_refusals
        .load(std::sync::atomic::Ordering::Relaxed);
    let (code, message) = match errors.first() {
        Some(e) => (
            e.code.clone(),
            format!("no TLS handshake succeeded: {}", e.message),
        ),
        None if silent > 0 => (
            "no_tls".to_owned(),
            "the server closed or reset every connection without a TLS answer".to_owned(),
        ),
        None => (
            "no_tls".to_owned(),
            "the server refused every hello".to_owned(),
        ),
    };
    if errors.is_empty() {
        errors.push(ProbeError {
            probe: "handshake".to_owned(),
            code: code.clone(),
            message: message.clone(),
        });
    }
    let error = ProbeError {
        probe: "handshake".to_owned(),
        code,
        message,
    };
    (errors, Some(error))
}
