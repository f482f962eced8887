//! The [`KexStage`]: the server's ephemeral public values from a few
//! handshakes of each kind, so the core can tell whether the server reuses
//! its (EC)DH key across connections — as SSL Labs does, two handshakes
//! and a comparison.
//!
//! The first wave's suite enumeration already made one full handshake per
//! accepted suite and kept each answer's public value
//! ([`VersionSuites::public_values`]), so the stage takes its samples from
//! there and makes handshakes of its own only for a kind it has fewer than
//! [`SAMPLES`] values of:
//!
//! * DHE: the values of the finite-field DHE answers at the best TLS ≤ 1.2
//!   version; else two hellos there offering only the DHE suites it
//!   accepted (the `dh_Ys` of each ServerKeyExchange).
//! * ECDHE: the server's TLS 1.3 key shares (X25519) when it speaks TLS 1.3,
//!   else the ECDHE points at the best TLS ≤ 1.2 version, two of one group;
//!   else two TLS 1.3 hellos with an X25519 share, else two hellos at that
//!   version offering only its ECDHE suites.
//!
//! Its own hellos are concurrent; each is one connection that stops at the
//! server's flight. Nothing is judged here.

use futures_util::future::join_all;
use tlslens_core::facts::{KexKind, PublicValueFacts};

use super::conn::Reply;
use super::ephemeral;
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{CipherSuite, ClientHello, KeyExchangeKind, NamedGroup, ProtocolVersion};

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
        let seen_legacy = best.map_or(&[][..], |b| b.public_values.as_slice());
        let seen_dhe = (!dhe.is_empty())
            .then(|| samples(seen_legacy, KexKind::Dhe))
            .flatten();
        let seen_ecdhe = tls13
            .and_then(|_| samples(&first.tls13.public_values, KexKind::Ecdhe))
            .or_else(|| samples(seen_legacy, KexKind::Ecdhe));
        let (dhe_values, ecdhe_values) = tokio::join!(
            async {
                match seen_dhe {
                    Some(seen) => seen,
                    None => legacy_samples(p, version, &dhe).await,
                }
            },
            async {
                match seen_ecdhe {
                    Some(seen) => seen,
                    None => ecdhe_samples(p, version, &ecdhe, tls13).await,
                }
            },
        );
        let mut out = dhe_values;
        out.extend(ecdhe_values);
        out
    }
}

/// The first [`SAMPLES`] values of `kind` among `seen` that share the first
/// one's group; `None` when there are fewer.
fn samples(seen: &[PublicValueFacts], kind: KexKind) -> Option<Vec<PublicValueFacts>> {
    let first = seen.iter().find(|v| v.kind == kind)?;
    let same: Vec<PublicValueFacts> = seen
        .iter()
        .filter(|v| v.kind == kind && v.group == first.group)
        .take(SAMPLES)
        .cloned()
        .collect();
    (same.len() == SAMPLES).then_some(same)
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
        ephemeral::public_value(&flight)
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
        ephemeral::key_share_value(flight.server_hello.as_ref()?)
    };
    collect((0..SAMPLES).map(|_| one())).await
}

async fn collect<F>(probes: impl Iterator<Item = F>) -> Vec<PublicValueFacts>
where
    F: std::future::Future<Output = Option<PublicValueFacts>>,
{
    join_all(probes).await.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslens_core::Hex;

    fn value(kind: KexKind, group: Option<NamedGroup>, byte: u8) -> PublicValueFacts {
        PublicValueFacts {
            kind,
            group,
            value: Hex(vec![byte; 4]),
        }
    }

    #[test]
    fn samples_are_two_values_of_the_kind_in_the_first_ones_group() {
        let x25519 = Some(NamedGroup::X25519);
        let p256 = Some(NamedGroup::SECP256R1);
        let seen = [
            value(KexKind::Dhe, None, 1),
            value(KexKind::Ecdhe, x25519, 2),
            value(KexKind::Ecdhe, p256, 3),
            value(KexKind::Ecdhe, x25519, 4),
            value(KexKind::Ecdhe, x25519, 5),
        ];
        let ecdhe = samples(&seen, KexKind::Ecdhe).unwrap();
        assert_eq!(ecdhe, [seen[1].clone(), seen[3].clone()]);
        // One DHE answer is not enough: the stage makes its own handshakes.
        assert_eq!(samples(&seen, KexKind::Dhe), None);
        assert_eq!(samples(&[], KexKind::Ecdhe), None);
        // Two values of different groups cannot show reuse.
        assert_eq!(samples(&seen[1..3], KexKind::Ecdhe), None);
    }
}
