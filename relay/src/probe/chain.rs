//! The certificate chains: the [`ChainsStage`] (second wave) and the AIA
//! completion that follows the wave ([`complete_by_aia`]).
//!
//! * The primary chain comes from the first wave's flight at the best
//!   TLS ≤ 1.2 version when there is one (plaintext Certificate), else from a
//!   raw hello there offering only the suites that authenticate, else from a
//!   full rustls handshake with SNI ([`super::danger`]; TLS 1.3 encrypts the
//!   Certificate). The handshake is tried the way a browser would: ALPN
//!   `h2, http/1.1` first, then, when that fails (an nginx without HTTP/2
//!   ends a TLS 1.3 handshake offering only `h2` with a fatal
//!   `no_application_protocol`), without ALPN. Only when every attempt
//!   failed is the failure logged, and the chain is then "not measured",
//!   never "no certificate" ([`certificate_sent`]).
//! * The chain without SNI, when the target is a name: a raw hello without
//!   SNI at the best TLS ≤ 1.2 version, or a rustls handshake without SNI.
//! * One chain per other key type: when the server accepted suites of more
//!   than one authentication (RSA, ECDSA, DSS), a raw hello offering only
//!   the suites of each; the chains whose leaf differs from the primary.
//! * AIA completion: while the core's chain analysis (with the scan's one
//!   `now`) finds the chain incomplete, fetch the missing issuer from the
//!   last certificate's CA Issuers URL ([`super::aia`]).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use tlslens_core::facts::ChainFacts;
use tlslens_core::suites::Authentication;
use tlslens_core::Der;

use super::aia;
use super::conn::Reply;
use super::danger;
use super::enumerate::VersionSuites;
use super::fail::{Fail, FailCode};
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{CipherSuite, ProtocolVersion, ServerFlight};

/// The chains the stage found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chains {
    /// The chain a client sending SNI gets.
    pub primary: Option<ChainFacts>,
    /// The ALPN protocol of the rustls handshake that gave the primary chain
    /// (offering h2 and http/1.1), when that is where it came from.
    pub handshake_alpn: Option<Vec<u8>>,
    /// Whether the server sends a certificate: `Some(true)` with a chain,
    /// `Some(false)` when every suite it accepts authenticates without one
    /// (anonymous, PSK, SRP, Kerberos), `None` when the chain could not be
    /// captured.
    pub certificate_sent: Option<bool>,
    /// The chain a client without SNI gets.
    pub no_sni: NoSniChain,
    /// Chains of other key types whose leaf differs from the primary's.
    pub others: Vec<ChainFacts>,
}

/// The chain without SNI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoSniChain {
    /// The chain, when the server gave one.
    pub chain: Option<ChainFacts>,
    /// Whether its probe failed (rather than the server refusing a client
    /// without SNI).
    pub failed: bool,
}

/// The second-wave stage collecting the chains.
#[derive(Debug, Clone, Copy)]
pub struct ChainsStage;

impl Stage for ChainsStage {
    const NAME: &'static str = "chains";
    type Outcome = Chains;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let best = first.best_legacy();
        let (primary, handshake_alpn) = primary_chain(p, first).await;
        let no_sni = if p.sni.is_some() {
            no_sni_chain(p, best).await
        } else {
            NoSniChain::default()
        };
        let others = match (best, primary.as_ref()) {
            (Some(best), Some(primary)) => other_chains(p, best, primary).await,
            _ => Vec::new(),
        };
        Chains {
            certificate_sent: certificate_sent(first, primary.as_ref()),
            primary,
            handshake_alpn,
            no_sni,
            others,
        }
    }
}

/// The ALPN offers of the primary chain's rustls handshake, in order: a
/// browser's list, then none.
const CHAIN_ALPN_ATTEMPTS: [&[&str]; 2] = [&["h2", "http/1.1"], &[]];

/// The primary chain and, when it came from a rustls handshake, the ALPN
/// protocol chosen there.
async fn primary_chain(p: &Prober<'_>, first: &FirstWave) -> (Option<ChainFacts>, Option<Vec<u8>>) {
    const PROBE: &str = "chain";
    let best = first.best_legacy();
    if let Some(c) = best.and_then(|b| b.flight.as_deref().and_then(chain_from_flight)) {
        return (Some(c), None);
    }
    if let Some(b) = best {
        // No complete flight with a certificate in the enumeration (broken
        // flights, or an anonymous suite chosen first): ask once more with
        // the suites that authenticate.
        let authenticated: Vec<CipherSuite> = b
            .suites
            .iter()
            .copied()
            .filter(|s| !s.info().is_some_and(|i| certificate_free(&i)))
            .collect();
        if !authenticated.is_empty() {
            if let (Some(c), _) = chain_raw(p, b.version, &authenticated, true, PROBE).await {
                return (Some(c), None);
            }
        }
    }
    let mut failures = Vec::new();
    for alpn in CHAIN_ALPN_ATTEMPTS {
        let attempt = match danger::Recorder::new(alpn, true, false) {
            Ok(recorder) => recorded_chain(p, &recorder).await,
            Err(f) => Err(f),
        };
        match attempt {
            Ok(found) => return found.map_or((None, None), |(c, a)| (Some(c), a)),
            Err(f) => failures.push((alpn, f)),
        }
    }
    if let Some((_, last)) = failures.last() {
        let message = failures
            .iter()
            .map(|(alpn, f)| {
                let offer = if alpn.is_empty() {
                    "without ALPN".to_owned()
                } else {
                    format!("with ALPN {}", alpn.join(", "))
                };
                format!("{offer}: {}", f.message)
            })
            .collect::<Vec<_>>()
            .join("; ");
        p.fail(PROBE, &Fail::new(last.code, message));
    }
    (None, None)
}

/// Whether a suite authenticates without a certificate.
fn certificate_free(info: &tlslens_core::suites::SuiteInfo) -> bool {
    matches!(
        info.auth,
        Authentication::Null | Authentication::Psk | Authentication::Srp | Authentication::Krb5
    )
}

/// Whether the server sends a certificate at all (see
/// [`Chains::certificate_sent`]).
pub fn certificate_sent(first: &FirstWave, primary: Option<&ChainFacts>) -> Option<bool> {
    if primary.is_some() {
        return Some(true);
    }
    if first.tls13.supported() {
        return None;
    }
    let mut suites = first
        .supported_legacy()
        .into_iter()
        .flat_map(|v| &v.suites)
        .peekable();
    suites.peek()?;
    suites
        .all(|s| s.info().is_some_and(|i| certificate_free(&i)))
        .then_some(false)
}

/// The chain of a flight (plaintext Certificate, TLS ≤ 1.2).
pub fn chain_from_flight(flight: &ServerFlight) -> Option<ChainFacts> {
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
        protocol: Some(sh.negotiated_version()),
        cipher_suite: Some(sh.cipher_suite),
    })
}

/// The chain a client without SNI gets.
async fn no_sni_chain(p: &Prober<'_>, best: Option<&VersionSuites>) -> NoSniChain {
    const PROBE: &str = "chain_no_sni";
    match best {
        Some(b) => {
            let (chain, failed) =
                chain_raw(p, b.version, &hello::legacy_suites(), false, PROBE).await;
            NoSniChain { chain, failed }
        }
        None => match danger::Recorder::new(&[], false, false) {
            Ok(recorder) => NoSniChain {
                chain: chain_rustls_with(p, &recorder).await.map(|(c, _)| c),
                failed: false,
            },
            Err(f) => {
                p.fail(PROBE, &f);
                NoSniChain {
                    chain: None,
                    failed: true,
                }
            }
        },
    }
}

/// One chain per other key type: offer only the suites of each
/// authentication the server accepted, when it accepted more than one.
async fn other_chains(
    p: &Prober<'_>,
    best: &VersionSuites,
    primary: &ChainFacts,
) -> Vec<ChainFacts> {
    let auth_of = |s: &CipherSuite| s.info().map(|i| i.auth);
    let auths: BTreeSet<u8> = best
        .suites
        .iter()
        .filter_map(auth_of)
        .filter(|a| {
            matches!(
                a,
                Authentication::Rsa | Authentication::Ecdsa | Authentication::Dss
            )
        })
        .map(|a| a as u8)
        .collect();
    let mut others: Vec<ChainFacts> = Vec::new();
    if auths.len() < 2 {
        return others;
    }
    for a in auths {
        let subset: Vec<CipherSuite> = best
            .suites
            .iter()
            .copied()
            .filter(|s| auth_of(s).is_some_and(|x| x as u8 == a))
            .collect();
        let (chain, _) = chain_raw(p, best.version, &subset, true, "other_chains").await;
        if let Some(c) = chain {
            let leaf = c.certificates.first();
            if leaf != primary.certificates.first()
                && !others.iter().any(|o| o.certificates.first() == leaf)
            {
                others.push(c);
            }
        }
    }
    others
}

/// A raw chain probe at `v` offering `suites` (with this endpoint's SNI when
/// `sni`): the chain of the flight, and whether the probe failed (logged
/// under `probe`; a broken flight counts).
async fn chain_raw(
    p: &Prober<'_>,
    v: ProtocolVersion,
    suites: &[CipherSuite],
    sni: bool,
    probe: &str,
) -> (Option<ChainFacts>, bool) {
    // Minimal when the server drops hellos with extensions (the prober's
    // own hellos follow that too).
    let opts = LegacyOpts {
        minimal: p.minimal_hellos(),
        ..LegacyOpts::default()
    };
    let hello = hello::legacy(v, suites, if sni { p.sni } else { None }, p.random(), &opts);
    match p.send(probe, &hello).await {
        None => (None, true),
        Some(Reply::Hello { flight, broken }) => (chain_from_flight(&flight), broken.is_some()),
        Some(Reply::Refused(_)) => (None, false),
    }
}

/// A rustls handshake with the recorder (recording verifier): the chain and
/// the ALPN protocol chosen; `Ok(None)` when the handshake completed without
/// a certificate recorded (a resumed session).
async fn recorded_chain(
    p: &Prober<'_>,
    recorder: &danger::Recorder,
) -> Result<Option<(ChainFacts, Option<Vec<u8>>)>, Fail> {
    let session = danger::handshake(&p.link, recorder, p.host).await?;
    let Some(rec) = session.recorded.clone() else {
        return Ok(None);
    };
    Ok(Some((
        ChainFacts {
            certificates: rec.chain.into_iter().map(Der).collect(),
            aia: Vec::new(),
            ocsp_staple: (!rec.ocsp.is_empty()).then_some(Der(rec.ocsp)),
            protocol: session.protocol,
            cipher_suite: session.suite,
        },
        session.alpn.clone(),
    )))
}

/// [`recorded_chain`] without SNI. A failed handshake is not logged:
/// refusing clients without SNI is the server's right.
async fn chain_rustls_with(
    p: &Prober<'_>,
    recorder: &danger::Recorder,
) -> Option<(ChainFacts, Option<Vec<u8>>)> {
    recorded_chain(p, recorder).await.ok().flatten()
}

/// Completes an incomplete chain from the CA Issuers URLs (at most three
/// fetches), judging completeness with the core's chain analysis at `now`.
pub async fn complete_by_aia(p: &Prober<'_>, chain: &mut ChainFacts, anchors: &[Der], now: i64) {
    for _ in 0..3 {
        let Some(url) = missing_issuer_url(chain, anchors, now) else {
            return;
        };
        let budget = p
            .link
            .limits
            .deadline
            .checked_duration_since(Instant::now())
            .unwrap_or_default()
            .min(Duration::from_secs(5));
        match aia::fetch(&url, &p.policy, budget).await {
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
                p.fail("aia", &Fail::new(FailCode::Aia, message));
                return;
            }
        }
    }
}

/// The `http://` CA Issuers URL of the last certificate, when the chain is
/// incomplete (socket-free).
fn missing_issuer_url(chain: &ChainFacts, anchors: &[Der], now: i64) -> Option<String> {
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
        return None;
    }
    let last = chain.aia.last().or(chain.certificates.last())?;
    let cert = tlslens_core::cert::parse(last.as_bytes()).ok()?;
    tlslens_core::cert::describe(&cert, last.as_bytes(), now)
        .ca_issuers_urls
        .into_iter()
        .find(|u| u.to_ascii_lowercase().starts_with("http://"))
}
