//! The probing context of one endpoint: its [`Link`] (address, connection
//! cap, deadlines, counters), the names to present (host, SNI), random
//! bytes, and what every probe observes on the side — the failures
//! ([`Fail`], logged once per probe and code) and the DH groups (and the
//! smallest DH prime) of any ServerKeyExchange. Stages probe through a shared `&Prober`; when they
//! are done, [`Prober::contact`] hands the side observations over as plain
//! data ([`Contact`]) to the socket-free assembly.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ring::rand::{SecureRandom, SystemRandom};
use tlslens_core::facts::{DhGroupFacts, ProbeError};
use tlslens_core::Hex;

use super::conn::{Link, Reply};
use super::fail::{Fail, FailCode};
use super::hello::{self, LegacyOpts};
use crate::codec::{
    CipherSuite, ClientHello, FlightParser, KeyExchangeParams, KeyShareEntry, NamedGroup,
    ProtocolVersion, ServerFlight,
};
use crate::guard::Policy;

/// One endpoint's probing context, shared by all its probes.
#[derive(Debug)]
pub struct Prober<'a> {
    /// Connections to the endpoint.
    pub link: Link,
    /// The target's host name (or IP literal): rustls handshakes and HTTP.
    pub host: &'a str,
    /// The SNI raw hellos send (`None` for an IP literal).
    pub sni: Option<&'a str>,
    /// The address guard's policy (AIA fetches).
    pub policy: Policy,
    rng: SystemRandom,
    errors: Mutex<Vec<ProbeError>>,
    dh_bits: Mutex<Option<u32>>,
    minimal: AtomicBool,
    dh_groups: Mutex<Vec<DhGroupFacts>>,
}

/// The most distinct DH groups kept per endpoint (a server has one or two).
const MAX_DH_GROUPS: usize = 4;

/// What all the probes of an endpoint observed on the side, as data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// Whether any TCP connection succeeded.
    pub connected: bool,
    /// Whether the server answered any hello (a ServerHello or an SSLv2
    /// SERVER-HELLO).
    pub answered: bool,
    /// How many hellos were refused by a close or reset without a byte.
    pub silent_refusals: usize,
    /// Probe failures in the order they happened, one per probe and code.
    pub errors: Vec<ProbeError>,
    /// The smallest DH prime (bits) of any ServerKeyExchange seen.
    pub dh_bits: Option<u32>,
    /// The distinct DH groups (prime, generator) of the ServerKeyExchanges
    /// seen, in the order first seen (at most a few).
    pub dh_groups: Vec<DhGroupFacts>,
}

impl<'a> Prober<'a> {
    /// A context probing through `link`.
    pub fn new(link: Link, host: &'a str, sni: Option<&'a str>, policy: Policy) -> Self {
        Self {
            link,
            host,
            sni,
            policy,
            rng: SystemRandom::new(),
            errors: Mutex::new(Vec::new()),
            dh_bits: Mutex::new(None),
            minimal: AtomicBool::new(false),
            dh_groups: Mutex::new(Vec::new()),
        }
    }

    /// `N` random bytes (hello randoms, session ids, SSLv2 challenges).
    pub fn random<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        let _ = self.rng.fill(&mut out);
        out
    }

    /// Logs a failure of `probe` (once per probe and code).
    pub fn fail(&self, probe: &str, fail: &Fail) {
        tracing::debug!(probe, code = fail.code.as_str(), "{}", fail.message);
        if let Ok(mut e) = self.errors.lock() {
            if e.iter()
                .any(|x| x.probe == probe && x.code == fail.code.as_str())
            {
                return;
            }
            e.push(ProbeError {
                probe: probe.to_owned(),
                code: fail.code.as_str().to_owned(),
                message: fail.message.clone(),
            });
        }
    }

    /// Notes what a flight shows about the server whatever the probe was
    /// for (its DH prime size and group).
    pub fn observe(&self, flight: &ServerFlight) {
        let Some(KeyExchangeParams::Dhe(dh)) =
            flight.server_key_exchange.as_ref().map(|k| &k.params)
        else {
            return;
        };
        let bits = u32::try_from(dh.prime_bits()).unwrap_or(u32::MAX);
        if let Ok(mut d) = self.dh_bits.lock() {
            *d = Some(d.map_or(bits, |old| old.min(bits)));
        }
        if let Ok(mut groups) = self.dh_groups.lock() {
            let group = DhGroupFacts {
                p: Hex(dh.p.clone()),
                g: Hex(dh.g.clone()),
            };
            if groups.len() < MAX_DH_GROUPS && !groups.contains(&group) {
                groups.push(group);
            }
        }
    }

    /// Sends `hello` and reads the answer. A failure, or a flight that broke
    /// off after its ServerHello, is logged under `probe`; `None` when there
    /// is no answer to read.
    pub async fn send(&self, probe: &str, hello: &ClientHello) -> Option<Reply> {
        let bytes = match hello.encode_records() {
            Ok(b) => b,
            Err(e) => {
                self.fail(probe, &Fail::new(FailCode::Encode, e.to_string()));
                return None;
            }
        };
        match self.link.exchange(&bytes, FlightParser::new()).await {
            Ok(reply) => {
                if let Reply::Hello { flight, broken } = &reply {
                    self.observe(flight);
                    if let Some(fail) = broken {
                        self.fail(probe, fail);
                    }
                }
                Some(reply)
            }
            Err(fail) => {
                self.fail(probe, &fail);
                None
            }
        }
    }

    /// A SSLv3–TLS 1.2 hello at `v` offering `suites`, with this endpoint's
    /// SNI — minimal ([`LegacyOpts::minimal`]) once the server has shown it
    /// drops hellos with extensions ([`Self::set_minimal_hellos`]).
    pub fn legacy(
        &self,
        v: ProtocolVersion,
        suites: &[CipherSuite],
        opts: &LegacyOpts,
    ) -> ClientHello {
        let minimal = LegacyOpts {
            minimal: true,
            ..opts.clone()
        };
        let opts = if self.minimal_hellos() {
            &minimal
        } else {
            opts
        };
        hello::legacy(v, suites, self.sni, self.random(), opts)
    }

    /// Whether the server closed on full hellos but answered minimal ones:
    /// the legacy hellos are minimal from then on.
    pub fn minimal_hellos(&self) -> bool {
        self.minimal.load(Ordering::Relaxed)
    }

    /// Records that the server answers only minimal hellos.
    pub fn set_minimal_hellos(&self) {
        if !self.minimal.swap(true, Ordering::Relaxed) {
            tracing::info!(
                endpoint = %self.link.addr,
                "the server drops hellos with extensions: going on with minimal hellos"
            );
        }
    }

    /// A TLS 1.3-only hello offering `suites` and `groups` with `shares`,
    /// with this endpoint's SNI.
    pub fn tls13(
        &self,
        suites: &[CipherSuite],
        groups: &[NamedGroup],
        shares: Vec<KeyShareEntry>,
    ) -> ClientHello {
        hello::tls13(
            suites,
            groups,
            shares,
            self.sni,
            self.random(),
            self.random(),
        )
    }

    /// What the probes observed so far, as data.
    pub fn contact(&self) -> Contact {
        let stats = &self.link.stats;
        Contact {
            connected: stats.connected.load(Ordering::Relaxed) > 0,
            answered: stats.any_hello(),
            silent_refusals: stats.silent_refusals.load(Ordering::Relaxed),
            errors: self.errors.lock().map(|e| e.clone()).unwrap_or_default(),
            dh_bits: self.dh_bits.lock().ok().and_then(|d| *d),
            dh_groups: self.dh_groups.lock().map(|g| g.clone()).unwrap_or_default(),
        }
    }
}
