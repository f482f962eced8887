//! The [`KexStage`]: the server's ephemeral public values from a few
//! handshakes of each kind, so the core can tell whether the server reuses
//! its (EC)DH key across connections — as SSL Labs does, two handshakes
//! and a comparison.
//!
//! * DHE: two hellos at the best TLS ≤ 1.2 version offering only the
//!   finite-field DHE suites it accepted; the `dh_Ys` of each
//!   ServerKeyExchange.
//! * ECDHE: two TLS 1.3 hellos with an X25519 share (the server's
//!   `key_share`) when the server speaks TLS 1.3 and X25519; else two hellos
//!   at the best TLS ≤ 1.2 version offering only its ECDHE suites (the
//!   ServerKeyExchange point).
//!
//! The hellos are concurrent; each is one connection that stops at the
//! server's flight. Nothing is judged here.

use futures_util::future::join_all;
use tlslens_core::facts::{KexKind, PublicValueFacts};
use tlslens_core::Hex;

use super::conn::Reply;
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{
    CipherSuite, ClientHello, KeyExchangeKind, KeyExchangeParams, NamedGroup, ProtocolVersion,
};

/// Handshakes per kind: two are enough to see a reused value.
pub const SAMPLES: usize = 2;

/// The second-wave stage sampling the server's ephemeral public values.
#[derive(Debug, Clone, Copy)]
pub struct KexStage;

impl Stage for KexStage {
    const NAME: &'static str = "key_reuse";
    type Outcome = Vec<PublicValueFacts>;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let best = first.best_legacy();
        let of_kind = |kind| -> Vec<CipherSuite> {
            best.map(|b| {
                b.suites
                    .iter()
                    .copied()
                    .filter(|s| KeyExchangeKind::for_cipher_suite(*s) == Some(kind))
                    .collect()
            })
            .unwrap_or_default()
        };
        let version = best.map_or(ProtocolVersion::TLS12, |b| b.version);
        let (dhe, ecdhe) = (
            of_kind(KeyExchangeKind::Dhe),
            of_kind(KeyExchangeKind::Ecdhe),
        );
        let tls13 = first
            .tls13
            .supported()
            .then_some(first.tls13.suites.as_slice());
        let (mut out, ecdhe_values) = tokio::join!(
            legacy_samples(p, version, &dhe),
            ecdhe_samples(p, version, &ecdhe, tls13),
        );
        out.extend(ecdhe_values);
        out
    }
}

/// ECDHE values: TLS 1.3 key shares, else TLS ≤ 1.2 points.
async fn ecdhe_samples(
    p: &Prober<'_>,
    version: ProtocolVersion,
    ecdhe: &[CipherSuite],
    tls13: Option<&[CipherSuite]>,
) -> Vec<PublicValueFacts> {
    if let Some(suites) = tls13 {
        let shares = tls13_samples(p, suites).await;
        if !shares.is_empty() {
            return shares;
        }
    }
    legacy_samples(p, version, ecdhe).await
}

/// The public values of [`SAMPLES`] hellos at `v` offering `suites` (all
/// DHE or all ECDHE); none when `suites` is empty.
async fn legacy_samples(
    p: &Prober<'_>,
    v: ProtocolVersion,
    suites: &[CipherSuite],
) -> Vec<PublicValueFacts> {
    if suites.is_empty() {
        return Vec::new();
    }
    let one = || async {
        let hello = p.legacy(v, suites, &LegacyOpts::default());
        let Some(Reply::Hello { flight, .. }) = p.send("key_reuse", &hello).await else {
            return None;
        };
        match flight.server_key_exchange.map(|k| k.params)? {
            KeyExchangeParams::Dhe(dh) => Some(PublicValueFacts {
                kind: KexKind::Dhe,
                group: None,
                value: Hex(dh.ys),
            }),
            KeyExchangeParams::Ecdhe(ec) => Some(PublicValueFacts {
                kind: KexKind::Ecdhe,
                group: Some(ec.named_group),
                value: Hex(ec.point),
            }),
        }
    };
    collect((0..SAMPLES).map(|_| one())).await
}

/// The server's X25519 key shares of [`SAMPLES`] TLS 1.3 hellos.
async fn tls13_samples(p: &Prober<'_>, suites: &[CipherSuite]) -> Vec<PublicValueFacts> {
    let one = || async {
        let hello: ClientHello =
            p.tls13(suites, &[NamedGroup::X25519], vec![hello::x25519_share()]);
        let Some(Reply::Hello { flight, .. }) = p.send("key_reuse", &hello).await else {
            return None;
        };
        let share = flight
            .server_hello
            .filter(|sh| sh.is_tls13() && !sh.is_hello_retry_request())?
            .key_share()?;
        Some(PublicValueFacts {
            kind: KexKind::Ecdhe,
            group: Some(share.group),
            value: Hex(share.key_exchange),
        })
    };
    collect((0..SAMPLES).map(|_| one())).await
}

async fn collect<F>(probes: impl Iterator<Item = F>) -> Vec<PublicValueFacts>
where
    F: std::future::Future<Output = Option<PublicValueFacts>>,
{
    join_all(probes).await.into_iter().flatten().collect()
}
