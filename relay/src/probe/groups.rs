//! The second-wave stage finding the groups the server accepts: TLS 1.3
//! groups by HelloRetryRequest elimination, TLS ≤ 1.2 curves by
//! ServerKeyExchange elimination (both on [`eliminate`]); then whether it
//! chooses by its own preference: the groups found, offered in reverse
//! order, must still get the first one chosen (one more connection).

use tlslens_core::suites::KeyExchange;

use super::conn::Reply;
use super::enumerate::{eliminate, Answer};
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{CipherSuite, NamedGroup, ProtocolVersion};

/// The second-wave stage finding the groups: TLS 1.3 groups (by
/// HelloRetryRequest), then the TLS ≤ 1.2 curves not found yet (by
/// ServerKeyExchange, offering the ECDHE suites accepted at the best
/// version).
#[derive(Debug, Clone, Copy)]
pub struct GroupsStage;

/// What the groups stage found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// The groups accepted, in the order the server chose them.
    pub groups: Vec<NamedGroup>,
    /// Whether it chooses by its own preference; `None` when fewer than two
    /// groups were found at one version, or the check failed.
    pub server_order: Option<bool>,
}

impl Stage for GroupsStage {
    const NAME: &'static str = "groups";
    type Outcome = Groups;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let tls13 = if first.tls13.supported() {
            groups_tls13(p, &first.tls13.suites).await
        } else {
            Vec::new()
        };
        let mut groups = tls13.clone();
        let mut legacy = Vec::new();
        let best = first.best_legacy();
        let ecdhe: Vec<CipherSuite> = best
            .map(|b| {
                b.suites
                    .iter()
                    .copied()
                    .filter(|s| s.info().is_some_and(|i| i.kx == KeyExchange::Ecdhe))
                    .collect()
            })
            .unwrap_or_default();
        if let (Some(best), false) = (best, ecdhe.is_empty()) {
            legacy = groups_legacy(p, best.version, &ecdhe).await;
            for g in &legacy {
                if !groups.contains(g) {
                    groups.push(*g);
                }
            }
        }
        let server_order = if tls13.len() >= 2 {
            let reversed: Vec<NamedGroup> = tls13.iter().rev().copied().collect();
            choice_tls13(p, &first.tls13.suites, &reversed)
                .await
                .map(|g| Some(g) == tls13.first().copied())
        } else if let (Some(best), true) = (best, legacy.len() >= 2) {
            let reversed: Vec<NamedGroup> = legacy.iter().rev().copied().collect();
            choice_legacy(p, best.version, &ecdhe, reversed)
                .await
                .map(|g| Some(g) == legacy.first().copied())
        } else {
            None
        };
        Groups {
            groups,
            server_order,
        }
    }
}

/// The group a TLS 1.3 server asks for (HelloRetryRequest) when offered
/// `offer` with an empty key_share.
async fn choice_tls13(
    p: &Prober<'_>,
    suites: &[CipherSuite],
    offer: &[NamedGroup],
) -> Option<NamedGroup> {
    let hello = p.tls13(suites, offer, vec![]);
    match p.send("groups:order", &hello).await? {
        Reply::Hello { flight, .. } => flight.server_hello.as_ref()?.key_share_group(),
        Reply::Refused(_) => None,
    }
}

/// The curve of a TLS ≤ 1.2 ServerKeyExchange when offered `offer`.
async fn choice_legacy(
    p: &Prober<'_>,
    v: ProtocolVersion,
    ecdhe: &[CipherSuite],
    offer: Vec<NamedGroup>,
) -> Option<NamedGroup> {
    let opts = LegacyOpts {
        groups: Some(offer),
        ..LegacyOpts::default()
    };
    let hello = p.legacy(v, ecdhe, &opts);
    match p.send("groups:order", &hello).await? {
        Reply::Hello { flight, .. } => flight.server_key_exchange.as_ref()?.named_group(),
        Reply::Refused(_) => None,
    }
}

/// TLS 1.3 groups by elimination with an empty key_share: the server's
/// HelloRetryRequest names the group it wants.
async fn groups_tls13(p: &Prober<'_>, suites: &[CipherSuite]) -> Vec<NamedGroup> {
    eliminate(hello::tls13_groups(), 0, |offer| async move {
        let hello = p.tls13(suites, &offer, vec![]);
        match p.send("groups:TLSv1.3", &hello).await {
            Some(Reply::Hello { flight, .. }) => {
                match flight
                    .server_hello
                    .as_ref()
                    .and_then(|sh| sh.key_share_group())
                {
                    Some(g) => Answer::<_, ()>::Chose(g, None),
                    None => Answer::Declined,
                }
            }
            None => Answer::Failed,
            Some(Reply::Refused(_)) => Answer::Declined,
        }
    })
    .await
    .found()
}

/// TLS ≤ 1.2 curves by elimination, offering only ECDHE suites.
async fn groups_legacy(
    p: &Prober<'_>,
    v: ProtocolVersion,
    ecdhe: &[CipherSuite],
) -> Vec<NamedGroup> {
    eliminate(hello::legacy_groups(), 0, |offer| async move {
        let opts = LegacyOpts {
            groups: Some(offer),
            ..LegacyOpts::default()
        };
        let hello = p.legacy(v, ecdhe, &opts);
        match p.send("groups:legacy", &hello).await {
            Some(Reply::Hello { flight, .. }) => {
                match flight
                    .server_key_exchange
                    .as_ref()
                    .and_then(|k| k.named_group())
                {
                    Some(g) => Answer::<_, ()>::Chose(g, None),
                    None => Answer::Declined,
                }
            }
            None => Answer::Failed,
            Some(Reply::Refused(_)) => Answer::Declined,
        }
    })
    .await
    .found()
}
