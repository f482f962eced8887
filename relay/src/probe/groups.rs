//! The second-wave stage finding the groups the server accepts: TLS 1.3
//! groups by HelloRetryRequest elimination, TLS ≤ 1.2 curves by
//! ServerKeyExchange elimination (both on [`eliminate`]).

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

impl Stage for GroupsStage {
    const NAME: &'static str = "groups";
    type Outcome = Vec<NamedGroup>;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let mut groups = if first.tls13.supported() {
            groups_tls13(p, &first.tls13.suites).await
        } else {
            Vec::new()
        };
        if let Some(best) = first.best_legacy() {
            let ecdhe: Vec<CipherSuite> = best
                .suites
                .iter()
                .copied()
                .filter(|s| s.info().is_some_and(|i| i.kx == KeyExchange::Ecdhe))
                .collect();
            if !ecdhe.is_empty() {
                for g in groups_legacy(p, best.version, &ecdhe).await {
                    if !groups.contains(&g) {
                        groups.push(g);
                    }
                }
            }
        }
        groups
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
