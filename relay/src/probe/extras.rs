//! The [`ExtrasStage`]: ALPN (h2, http/1.1), TLS_FALLBACK_SCSV and TLS
//! compression, each probed at the best of SSLv3–TLS 1.2 with the suites the
//! server accepted there. (Secure renegotiation needs no probe of its own:
//! it is read from the first wave's flight by [`super::assemble`].)

use super::conn::{Refusal, Reply};
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{compression, AlertDescription, CipherSuite, ProtocolVersion};

/// What the extras probes found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// ALPN protocols accepted over TLS ≤ 1.2, `h2` first.
    pub alpn: Vec<String>,
    /// Whether a fallback to the second-best version is refused with
    /// `inappropriate_fallback`; `None` when not testable.
    pub fallback_scsv: Option<bool>,
    /// Whether the server accepts DEFLATE; `Some(false)` for TLS 1.3-only
    /// servers (no compression there), `None` when unknown.
    pub compression: Option<bool>,
}

/// The second-wave stage probing ALPN, the fallback SCSV and compression.
#[derive(Debug, Clone, Copy)]
pub struct ExtrasStage;

impl Stage for ExtrasStage {
    const NAME: &'static str = "extras";
    type Outcome = Extras;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some(best) = first.best_legacy() else {
            return Extras {
                compression: first.tls13.supported().then_some(false),
                ..Extras::default()
            };
        };
        let (versions, all_suites) = (first.versions(), hello::legacy_suites());
        let (alpn, fallback_scsv, compression) = tokio::join!(
            alpn(p, best.version, &best.suites),
            fallback_scsv(p, &versions, &all_suites),
            compression(p, best.version, &best.suites),
        );
        Extras {
            alpn,
            fallback_scsv,
            compression,
        }
    }
}

/// Offers h2 and http/1.1, one at a time.
async fn alpn(p: &Prober<'_>, v: ProtocolVersion, suites: &[CipherSuite]) -> Vec<String> {
    let probe = |proto: &'static str| async move {
        let opts = LegacyOpts {
            alpn: vec![proto],
            ..LegacyOpts::default()
        };
        let hello = p.legacy(v, suites, &opts);
        match p.send("alpn", &hello).await {
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

/// A hello at the second-best version with TLS_FALLBACK_SCSV.
async fn fallback_scsv(
    p: &Prober<'_>,
    versions: &[ProtocolVersion],
    suites: &[CipherSuite],
) -> Option<bool> {
    let mut sorted = versions.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let second = *sorted.iter().rev().nth(1)?;
    if second == ProtocolVersion::SSLV2 {
        return None;
    }
    let opts = LegacyOpts {
        fallback_scsv: true,
        ..LegacyOpts::default()
    };
    let hello = p.legacy(second, suites, &opts);
    match p.send("fallback_scsv", &hello).await? {
        Reply::Refused(Refusal::Alert(a))
            if a.description == AlertDescription::INAPPROPRIATE_FALLBACK =>
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

/// A hello offering DEFLATE before null compression.
async fn compression(p: &Prober<'_>, v: ProtocolVersion, suites: &[CipherSuite]) -> Option<bool> {
    let opts = LegacyOpts {
        deflate: true,
        ..LegacyOpts::default()
    };
    let hello = p.legacy(v, suites, &opts);
    match p.send("compression", &hello).await? {
        Reply::Hello { flight, .. } => flight
            .server_hello
            .map(|sh| sh.compression_method != compression::NULL),
        Reply::Refused(_) => None,
    }
}
