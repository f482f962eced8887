//! The evaluation: each simulated client's rules applied to what the server
//! chose for its ClientHello ([`ClientHandshake`]) and to the analysed chain it
//! received, giving `ok` or a [`FailureCode`] with a message that names the
//! cause; and the report's top-level `client_failures`.
//!
//! Checks run in the order a handshake meets them: protocol, suite, group, DH
//! size; then the certificate chain (SNI, key sizes, signatures, validity,
//! name, completeness, trust). The first that fails is the client's failure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::failure::{ClientFailure, FailureCode};
use super::table::{by_id, ClientProfile};
use super::trust::StoreTrust;
use crate::chain::{ChainReport, ChainVerdict};
use crate::facts::{ChainRef, ChainSlot, ClientHandshake, EndpointFacts, HandshakeErrorKind};
use crate::suites::{KeyExchange, SuiteInfo};
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// One simulated client on one endpoint, as reported (docs/contracts.md, contract 6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientReport {
    /// The client's id in the table.
    pub id: String,
    pub name: String,
    pub platform: String,
    pub current: bool,
    /// The client completes the handshake and accepts the certificate.
    pub ok: bool,
    /// What the server chose (also when the client then refuses it); `null`
    /// when nothing was chosen.
    pub protocol: Option<ProtocolVersion>,
    pub cipher_suite: Option<CipherSuite>,
    pub group: Option<NamedGroup>,
    /// The DH prime size, for a DHE suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dh_bits: Option<u32>,
    pub failure: Option<ClientFailure>,
}

/// One line of the report's top-level `client_failures`: a client that fails
/// for one reason, and the endpoints where it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFailureSummary {
    pub id: String,
    pub name: String,
    pub code: FailureCode,
    pub ips: Vec<String>,
}

/// An analysed chain, as the simulation sees it.
#[derive(Clone, Copy, Debug)]
pub struct ChainView<'a> {
    pub report: &'a ChainReport,
    pub verdict: &'a ChainVerdict,
}

/// Which chain a simulated client received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainChoice<'f> {
    /// `chain` (0) or `other_chains[n - 1]`.
    Sni(usize),
    /// `chain_no_sni`.
    NoSni,
    /// A chain recorded only with this handshake.
    Inline(&'f crate::facts::ChainFacts),
}

/// The chain a handshake got: the one it names, else (TLS 1.3, where the
/// relay may not see the certificate) the one the endpoint serves to clients
/// like it: the no-SNI chain to a client without SNI when there is one, else
/// the primary chain.
pub fn chain_choice<'f>(ep: &'f EndpointFacts, hs: &'f ClientHandshake) -> ChainChoice<'f> {
    match &hs.chain {
        Some(ChainRef::Index(i)) => ChainChoice::Sni(*i),
        Some(ChainRef::Slot(ChainSlot::NoSni)) => ChainChoice::NoSni,
        Some(ChainRef::Inline(c)) => ChainChoice::Inline(c),
        None => {
            let no_sni = by_id(&hs.client).is_some_and(|c| !c.sni);
            if no_sni && ep.chain_no_sni.is_some() {
                ChainChoice::NoSni
            } else {
                ChainChoice::Sni(0)
            }
        }
    }
}

/// What the evaluation of one endpoint needs besides the facts.
#[derive(Clone, Copy)]
pub struct EndpointContext<'a> {
    pub ep: &'a EndpointFacts,
    /// The host name the clients asked for.
    pub host: &'a str,
    pub trust: &'a dyn StoreTrust,
}

impl std::fmt::Debug for EndpointContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointContext")
            .field("ip", &self.ep.ip)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// Evaluates every recorded client handshake of an endpoint; `chains[i]` is
/// the analysed chain the `i`-th handshake received (see [`chain_choice`]).
/// `None` when the simulation was not run on this endpoint. Clients missing
/// from this build's table are left out.
pub fn evaluate_endpoint(
    cx: EndpointContext<'_>,
    chains: &[Option<ChainView<'_>>],
) -> Option<Vec<ClientReport>> {
    let handshakes = cx.ep.clients.as_ref()?;
    let mut out = Vec::with_capacity(handshakes.len());
    for (i, hs) in handshakes.iter().enumerate() {
        let Some(profile) = by_id(&hs.client) else {
            continue;
        };
        let chain = chains.get(i).copied().flatten();
        let failure = Judge { cx, profile, hs }.failure(chain);
        out.push(ClientReport {
            id: profile.id.clone(),
            name: profile.name.clone(),
            platform: profile.platform.clone(),
            current: profile.current,
            ok: failure.is_none(),
            protocol: hs.protocol,
            cipher_suite: hs.cipher_suite,
            group: hs.group,
            dh_bits: hs.dh_bits,
            failure,
        });
    }
    Some(out)
}

/// The report's `client_failures`: each failing client and code with the
/// endpoints where it fails, in table order. `None` when no endpoint was
/// simulated.
pub fn client_failures<'r>(
    endpoints: impl IntoIterator<Item = (&'r str, Option<&'r [ClientReport]>)>,
) -> Option<Vec<ClientFailureSummary>> {
    let mut simulated = false;
    let mut by_key: BTreeMap<(usize, String, FailureCode), ClientFailureSummary> = BTreeMap::new();
    for (ip, clients) in endpoints {
        let Some(clients) = clients else { continue };
        simulated = true;
        for c in clients {
            let Some(f) = &c.failure else { continue };
            let order = super::table::table()
                .iter()
                .position(|p| p.id == c.id)
                .unwrap_or(usize::MAX);
            let entry = by_key
                .entry((order, c.id.clone(), f.code))
                .or_insert_with(|| ClientFailureSummary {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    code: f.code,
                    ips: Vec::new(),
                });
            if !entry.ips.iter().any(|i| i == ip) {
                entry.ips.push(ip.to_owned());
            }
        }
    }
    simulated.then(|| by_key.into_values().collect())
}

/// One client's verdict on one handshake.
struct Judge<'a> {
    cx: EndpointContext<'a>,
    profile: &'a ClientProfile,
    hs: &'a ClientHandshake,
}

type Verdict = Result<(), ClientFailure>;

impl Judge<'_> {
    fn failure(&self, chain: Option<ChainView<'_>>) -> Option<ClientFailure> {
        let result = match self.hs.protocol {
            None => Err(self.refused()),
            Some(p) => self.negotiated(p).and_then(|()| match chain {
                Some(c) => self.certificate(c),
                None => Ok(()),
            }),
        };
        match (result, &self.hs.error) {
            (Err(f), _) => Some(f),
            (Ok(()), Some(_)) if self.hs.protocol.is_some() => Some(self.refused()),
            (Ok(()), _) => None,
        }
    }

    fn name(&self) -> &str {
        &self.profile.name
    }

    fn rules(&self) -> &super::table::ClientRules {
        &self.profile.rules
    }
}

mod checks;
mod diagnose;

/// `TLS 1.2`, `SSL 3.0`.
fn pretty(v: ProtocolVersion) -> String {
    match v {
        ProtocolVersion::SSLV2 => "SSL 2.0".into(),
        ProtocolVersion::SSLV3 => "SSL 3.0".into(),
        ProtocolVersion::TLS10 => "TLS 1.0".into(),
        ProtocolVersion::TLS11 => "TLS 1.1".into(),
        ProtocolVersion::TLS12 => "TLS 1.2".into(),
        ProtocolVersion::TLS13 => "TLS 1.3".into(),
        other => other.to_string(),
    }
}

/// `A`, `A and B`, `A, B and 3 more`.
fn list(items: &[String]) -> String {
    const SHOWN: usize = 3;
    match items.len() {
        0 => "nothing".into(),
        1 => items[0].clone(),
        n if n <= SHOWN => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
        n => format!("{} and {} more", items[..SHOWN].join(", "), n - SHOWN),
    }
}

fn is_dhe(info: &SuiteInfo) -> bool {
    matches!(info.kx, KeyExchange::Dhe | KeyExchange::DhePsk) && !info.tls13
}

fn is_ecdhe(info: &SuiteInfo) -> bool {
    matches!(
        info.kx,
        KeyExchange::Ecdhe | KeyExchange::EcdhePsk | KeyExchange::Tls13
    )
}

/// The name of a TLS alert description.
fn alert_name(code: u8) -> &'static str {
    match code {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        22 => "record_overflow",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "unknown",
    }
}

fn error_words(kind: HandshakeErrorKind, alert: Option<u8>) -> String {
    match (kind, alert) {
        (HandshakeErrorKind::Alert, Some(a)) => format!("alert {} ({a})", alert_name(a)),
        (HandshakeErrorKind::Alert, None) => "an alert".into(),
        (HandshakeErrorKind::Closed, _) => "the connection closed".into(),
        (HandshakeErrorKind::Reset, _) => "the connection reset".into(),
        (HandshakeErrorKind::Timeout, _) => "no answer in time".into(),
        (HandshakeErrorKind::Invalid, _) => "an answer the client cannot use".into(),
    }
}
