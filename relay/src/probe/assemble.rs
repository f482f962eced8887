//! The socket-free last step of the pipeline: builds an endpoint's
//! [`EndpointFacts`] from the typed outcomes of its waves ([`EndpointRun`]),
//! and the [`ScanFacts`] from the endpoints. Everything here is a pure
//! function of data, tested without a network.
//!
//! Which outcome feeds which fact:
//!
//! | fact | from |
//! |---|---|
//! | `error`, `probe_errors` | [`Contact`] (the prober's log and counters) |
//! | `protocols`, `sslv2_ciphers` | [`FirstWave`] (SSLv2 and the suites per version) |
//! | `cipher_suites` | [`FirstWave::supported`] with [`SecondWave::orders`] |
//! | `groups`, `groups_server_order` | [`SecondWave::groups`] |
//! | `key_exchange` | [`Contact::dh_bits`] and [`Contact::dh_groups`]; the browser's group, else the best TLS ≤ 1.2 flight's curve; [`SecondWave::public_values`] |
//! | `downgrade_sentinels` | the random of each TLS ≤ 1.2 version's first full flight |
//! | `sct_extension` | the best TLS ≤ 1.2 flight's `signed_certificate_timestamp` |
//! | `sslv2_compatible_hello` | [`SecondWave::sslv2_compatible_hello`] |
//! | `alpn` | [`SecondWave::extras`], plus the ALPN of the chain's and the `GET /`'s rustls handshakes |
//! | `secure_renegotiation` | the best TLS ≤ 1.2 flight's `renegotiation_info` |
//! | `fallback_scsv`, `compression` | [`SecondWave::extras`] |
//! | `session_resumption` | the best TLS ≤ 1.2 flight's `session_ticket` and session ID, [`SecondWave::http`] |
//! | `browser` | [`FirstWave::browser`] |
//! | `http` | [`SecondWave::http`] |
//! | `chain`, `chain_no_sni`, `other_chains`, `sni_required` | [`SecondWave::chains`] (AIA-completed) |
//! | `certificate_sent` | [`SecondWave::chains`] |
//! | `sslv2_certificate` | [`FirstWave::sslv2`] |
//! | `vulnerabilities` | [`SecondWave::vulnerabilities`] (Heartbleed, CCS injection), and the [`SecondWave`] outcomes of the ROBOT, Ticketbleed, POODLE-TLS, renegotiation and 0-RTT stages; DROWN is judged by the core |
//! | `clients` | [`SecondWave::clients`], each chain named by reference to the chains above when it is one of them |
//! | `timings` | measured by the pipeline |

use std::collections::BTreeMap;

use tlslens_core::facts::{
    DowngradeSentinel, EndpointFacts, KeyExchangeFacts, ProbeError, ProtocolSuites,
    PublicValueFacts, ResumptionFacts, Timing, VulnCheck, Vulnerabilities,
};
use tlslens_core::{Der, ScanFacts};

use super::chain::Chains;
use super::enumerate::{Sslv2, VersionSuites};
use super::extras::Extras;
use super::fail::FailCode;
use super::groups::Groups;
use super::http::HttpOutcome;
use super::order::Order;
use super::prober::Contact;
use super::stage::FirstWave;
use crate::codec::{Downgrade, ProtocolVersion, ServerHello};
use crate::Error;

/// What the second wave's stages found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondWave {
    /// The suite order per version of [`FirstWave::supported`].
    pub orders: Vec<Order>,
    /// The groups accepted, and whether the server orders them.
    pub groups: Groups,
    /// ALPN, fallback SCSV, compression.
    pub extras: Extras,
    /// The chains (AIA-completed after the wave).
    pub chains: Chains,
    /// HSTS and session resumption.
    pub http: HttpOutcome,
    /// Heartbleed and CCS injection.
    pub vulnerabilities: Vulnerabilities,
    /// ROBOT.
    pub robot: VulnCheck,
    /// Ticketbleed.
    pub ticketbleed: VulnCheck,
    /// POODLE over TLS.
    pub poodle_tls: VulnCheck,
    /// Insecure client-initiated renegotiation.
    pub renegotiation: VulnCheck,
    /// TLS 1.3 0-RTT.
    pub early_data: VulnCheck,
    /// The server's ephemeral public values of a few handshakes per kind.
    pub public_values: Vec<PublicValueFacts>,
    /// Whether an SSLv2-format hello asking for TLS was accepted.
    pub sslv2_compatible_hello: Option<bool>,
    /// The simulated clients; `None` when the simulation did not run.
    pub clients: Option<Vec<super::clients::Simulated>>,
}

/// Everything one endpoint's pipeline observed.
#[derive(Debug, Clone)]
pub struct EndpointRun {
    /// The address, as text.
    pub ip: String,
    /// Whether the hellos carried SNI (the target is a name).
    pub sni: bool,
    /// What the probes observed on the side.
    pub contact: Contact,
    /// Time per wave.
    pub timings: Vec<Timing>,
    /// The waves' outcomes; `None` when the pipeline stopped after the
    /// first wave (no connection, or no TLS answer).
    pub waves: Option<Waves>,
}

/// The outcomes of both waves.
#[derive(Debug, Clone)]
pub struct Waves {
    /// Discovery.
    pub first: FirstWave,
    /// The stages.
    pub second: SecondWave,
}

/// An endpoint's facts.
pub fn endpoint(run: EndpointRun) -> EndpointFacts {
    let mut facts = EndpointFacts {
        ip: run.ip,
        ..EndpointFacts::default()
    };
    if !run.contact.connected {
        facts.error = Some(unreachable(&run.contact));
        return facts;
    }
    let (errors, error) = final_errors(&run.contact);
    facts.error = error;
    facts.probe_errors = errors;
    facts.timings = run.timings;
    if let Some(waves) = run.waves {
        facts.key_exchange.dh_groups = run.contact.dh_groups;
        apply(&mut facts, run.sni, run.contact.dh_bits, waves);
    }
    facts
}

/// The `probe` of the error of an endpoint no TCP connection reached.
const CONNECT: &str = "connect";

/// The error of an endpoint no TCP connection reached: the first failure.
fn unreachable(contact: &Contact) -> ProbeError {
    let (code, message) = match contact.errors.first() {
        Some(e) => (e.code.clone(), e.message.clone()),
        None => (
            FailCode::Unreachable.as_str().to_owned(),
            "no connection could be made".to_owned(),
        ),
    };
    ProbeError {
        probe: CONNECT.to_owned(),
        code,
        message,
    }
}

/// The probe errors of an endpoint, and the endpoint error when the server
/// never answered a single hello.
fn final_errors(contact: &Contact) -> (Vec<ProbeError>, Option<ProbeError>) {
    let mut errors = contact.errors.clone();
    if contact.answered {
        return (errors, None);
    }
    let (code, message) = match errors.first() {
        Some(e) => (
            e.code.clone(),
            format!("no TLS handshake succeeded: {}", e.message),
        ),
        None if contact.silent_refusals > 0 => (
            FailCode::NoTls.as_str().to_owned(),
            "the server closed or reset every connection without a TLS answer".to_owned(),
        ),
        None => (
            FailCode::NoTls.as_str().to_owned(),
            "the server refused every hello".to_owned(),
        ),
    };
    let error = ProbeError {
        probe: "handshake".to_owned(),
        code,
        message,
    };
    if errors.is_empty() {
        errors.push(error.clone());
    }
    (errors, Some(error))
}

/// The facts of both waves.
fn apply(facts: &mut EndpointFacts, sni: bool, dh_bits: Option<u32>, waves: Waves) {
    let Waves { first, second } = waves;
    let best = first.best_legacy();
    let best_hello = best
        .and_then(|b| b.flight.as_deref())
        .and_then(|f| f.server_hello.as_ref());
    facts.vulnerabilities = Vulnerabilities {
        robot: Some(second.robot),
        ticketbleed: Some(second.ticketbleed),
        poodle_tls: Some(second.poodle_tls),
        insecure_renegotiation: Some(second.renegotiation),
        early_data: Some(second.early_data),
        ..second.vulnerabilities
    };
    facts.protocols = first.versions();
    if let Sslv2::Supported {
        ciphers,
        certificate,
    } = &first.sslv2
    {
        facts.sslv2_ciphers.clone_from(ciphers);
        facts.sslv2_certificate = certificate.clone().map(Der);
    }
    facts.cipher_suites = first
        .supported()
        .iter()
        .zip(second.orders)
        .map(|(found, order)| ProtocolSuites {
            protocol: found.version,
            suites: order.suites,
            server_order: order.server_order,
        })
        .collect();
    facts.groups = second.groups.groups;
    facts.groups_server_order = second.groups.server_order;
    facts.key_exchange = KeyExchangeFacts {
        dh_bits,
        ecdh_group: first.browser.group.or_else(|| legacy_curve(best)),
        dh_groups: std::mem::take(&mut facts.key_exchange.dh_groups),
        public_values: second.public_values,
    };
    facts.downgrade_sentinels = downgrade_sentinels(&first.legacy);
    facts.sct_extension = best_hello.map(|sh| {
        Der(sh
            .signed_certificate_timestamps()
            .map(<[u8]>::to_vec)
            .unwrap_or_default())
    });
    facts.sslv2_compatible_hello = second.sslv2_compatible_hello;
    facts.alpn = alpn(
        second.extras.alpn,
        second.chains.handshake_alpn.as_deref(),
        best.is_none(),
        second.http.alpn.as_deref(),
    );
    facts.secure_renegotiation = best_hello.map(|sh| sh.renegotiation_info().is_some());
    facts.fallback_scsv = second.extras.fallback_scsv;
    facts.compression = second.extras.compression;
    facts.session_resumption = resumption(
        best_hello,
        first.tls13.supported(),
        second.http.resumed,
        second.http.session_ids,
    );
    facts.browser = Some(first.browser);
    facts.http = Some(second.http.http);
    let chains = second.chains;
    facts.clients = second
        .clients
        .map(|simulated| super::clients::handshakes(simulated, &chains));
    // Refused without SNI (not a probe failure) while a chain came with SNI.
    if sni && chains.primary.is_some() && !chains.no_sni.failed {
        facts.sni_required = Some(chains.no_sni.chain.is_none());
    }
    facts.certificate_sent = chains.certificate_sent;
    facts.chain = chains.primary;
    facts.chain_no_sni = chains.no_sni.chain;
    facts.other_chains = chains.others;
}

/// The TLS 1.3 downgrade sentinel of each TLS ≤ 1.2 version's first full
/// flight.
fn downgrade_sentinels(legacy: &[VersionSuites]) -> BTreeMap<ProtocolVersion, DowngradeSentinel> {
    legacy
        .iter()
        .filter(|v| v.version >= ProtocolVersion::TLS10)
        .filter_map(|v| {
            let sh = v.flight.as_deref()?.server_hello.as_ref()?;
            let sentinel = match sh.downgrade_sentinel() {
                Some(Downgrade::Tls12) => DowngradeSentinel::Tls12,
                Some(Downgrade::Tls11OrBelow) => DowngradeSentinel::Tls11,
                None => DowngradeSentinel::None,
            };
            Some((v.version, sentinel))
        })
        .collect()
}

/// The curve of the best TLS ≤ 1.2 flight's ServerKeyExchange.
fn legacy_curve(best: Option<&VersionSuites>) -> Option<crate::codec::NamedGroup> {
    best.and_then(|b| b.flight.as_deref())
        .and_then(|f| f.server_key_exchange.as_ref())
        .and_then(|k| k.named_group())
}

/// The ALPN protocols: those accepted over TLS ≤ 1.2, then the protocol of
/// the chain's rustls handshake (offering h2 and http/1.1), and for servers without
/// TLS ≤ 1.2 the `GET /` handshake's http/1.1.
fn alpn(
    mut accepted: Vec<String>,
    chain_handshake: Option<&[u8]>,
    no_legacy: bool,
    get_handshake: Option<&[u8]>,
) -> Vec<String> {
    if let Some(a) = chain_handshake {
        let a = String::from_utf8_lossy(a).into_owned();
        if !accepted.contains(&a) {
            accepted.push(a);
        }
    }
    if no_legacy
        && get_handshake == Some(b"http/1.1".as_slice())
        && !accepted.iter().any(|a| a == "http/1.1")
    {
        accepted.push("http/1.1".to_owned());
    }
    accepted
}

/// Session tickets (the best TLS ≤ 1.2 hello's `session_ticket` extension,
/// or a TLS 1.3 reconnection that resumed) and session ids.
fn resumption(
    best_hello: Option<&ServerHello>,
    tls13: bool,
    resumed: Option<bool>,
    session_ids: Option<bool>,
) -> Option<ResumptionFacts> {
    let tickets_legacy = best_hello.map(ServerHello::has_session_ticket);
    let tickets = match (tickets_legacy, tls13, resumed) {
        (Some(true), _, _) => Some(true),
        (_, true, Some(r)) => Some(r),
        (t, _, _) => t,
    };
    // A full TLS ≤ 1.2 handshake: a server that caches sessions names one,
    // unless it is about to issue a ticket (OpenSSL then sends none).
    let ids_assigned = match (session_ids, best_hello) {
        (Some(true), _) => Some(true),
        (_, Some(sh)) if !sh.session_id.is_empty() => Some(true),
        (_, Some(sh)) if !sh.has_session_ticket() => Some(false),
        _ => None,
    };
    (tickets.is_some() || session_ids.is_some()).then_some(ResumptionFacts {
        session_ids,
        tickets,
        ids_assigned,
    })
}

/// What a scan needs besides its endpoints' facts.
#[derive(Debug, Clone)]
pub struct ScanHeader {
    /// Host name (or IP literal) as given.
    pub host: String,
    /// Port.
    pub port: u16,
    /// The scan's one `now` (Unix seconds): `started_at`.
    pub now: i64,
    /// `--ca-file` anchors.
    pub extra_anchors: Vec<Der>,
}

/// The scan's facts; [`Error::Unreachable`] when no endpoint completed a TLS
/// handshake (every endpoint has an `error`): there is nothing to grade.
/// Where only some endpoints fail, they stay in the facts with their error.
pub fn scan(header: ScanHeader, endpoints: Vec<EndpointFacts>) -> Result<ScanFacts, Error> {
    if endpoints.iter().all(|ep| ep.error.is_some()) {
        let first = endpoints
            .first()
            .and_then(|ep| Some((ep, ep.error.as_ref()?)));
        let message = match first {
            Some((ep, e)) => format!("{}: {}", ep.ip, e.message),
            None => "no endpoint".to_owned(),
        };
        return Err(Error::Unreachable {
            target: format!("{}:{}", header.host, header.port),
            message,
            // The first endpoint's failure decides, as its message is the one shown.
            timed_out: first.is_some_and(|(_, e)| e.code == FailCode::Timeout.as_str()),
            connected: endpoints
                .iter()
                .any(|ep| ep.error.as_ref().is_some_and(|e| e.probe != CONNECT)),
        });
    }
    let mut facts = ScanFacts::new(header.host, header.port);
    facts.started_at = Some(tlslens_core::time::rfc3339(header.now));
    facts.scanner = Some(format!("tlslens-relay {}", env!("CARGO_PKG_VERSION")));
    facts.extra_anchors = header.extra_anchors;
    facts.endpoints = endpoints;
    Ok(facts)
}

#[cfg(test)]
#[path = "assemble_tests.rs"]
mod tests;
