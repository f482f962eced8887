//! The second-wave stage finding the server's suite order: whether it
//! imposes its order (the accepted suites offered forward and reversed get the
//! same choice), and then that order by elimination ([`eliminate`]). The
//! forward offer's answer is usually known already: the enumeration's first
//! answer offered every accepted suite in that order
//! ([`VersionSuites::first_choice`]); only the reversed offer is sent then.

use futures_util::future::join_all;

use super::conn::Reply;
use super::enumerate::{eliminate, Answer, VersionSuites};
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{CipherSuite, ProtocolVersion};

/// The server's order at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// `Some(true)` when the server imposes its order, `Some(false)` when it
    /// follows the client's, `None` when it could not be told (fewer than
    /// two suites, or a probe failed).
    pub server_order: Option<bool>,
    /// The suites, in the server's order when it has one.
    pub suites: Vec<CipherSuite>,
}

/// The second-wave stage finding the server's suite order at every version
/// the first wave found supported (same order as
/// [`FirstWave::supported`]).
#[derive(Debug, Clone, Copy)]
pub struct OrderStage;

impl Stage for OrderStage {
    const NAME: &'static str = "order";
    type Outcome = Vec<Order>;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        join_all(first.supported().into_iter().map(|s| server_order(p, s))).await
    }
}

/// Offers `suites` at `v` in order and returns the server's choice.
async fn choose(
    p: &Prober<'_>,
    v: ProtocolVersion,
    suites: &[CipherSuite],
    probe: &str,
) -> Answer<CipherSuite, ()> {
    let hello = if v == ProtocolVersion::TLS13 {
        p.tls13(suites, &hello::tls13_groups(), vec![hello::x25519_share()])
    } else {
        p.legacy(v, suites, &LegacyOpts::default())
    };
    match p.send(probe, &hello).await {
        None => Answer::Failed,
        Some(Reply::Hello { flight, .. }) => match flight.server_hello {
            Some(sh) => Answer::Chose(sh.cipher_suite, None),
            None => Answer::Declined,
        },
        Some(Reply::Refused(_)) => Answer::Declined,
    }
}

/// Whether the server's order holds (the accepted suites offered forward
/// and reversed get the same choice), and then that order by elimination.
async fn server_order(p: &Prober<'_>, found: &VersionSuites) -> Order {
    let suites = found.suites.clone();
    if suites.len() < 2 {
        return Order {
            server_order: None,
            suites,
        };
    }
    let v = found.version;
    let probe = format!("order:{v}");
    let reversed: Vec<CipherSuite> = suites.iter().rev().copied().collect();
    let forward = async {
        match found.first_choice {
            Some(c) => Answer::Chose(c, None),
            None => choose(p, v, &suites, &probe).await,
        }
    };
    let (a, b) = tokio::join!(forward, choose(p, v, &reversed, &probe));
    let (Answer::Chose(a, _), Answer::Chose(b, _)) = (a, b) else {
        return Order {
            server_order: None,
            suites,
        };
    };
    if a != b {
        return Order {
            server_order: Some(false),
            suites,
        };
    }
    let rest: Vec<CipherSuite> = suites.iter().copied().filter(|s| *s != a).collect();
    let by_server = eliminate(rest, 1, |offer| {
        let probe = &probe;
        async move { choose(p, v, &offer, probe).await }
    })
    .await;
    let mut ordered = vec![a];
    ordered.extend(by_server.chosen);
    ordered.extend(by_server.left);
    Order {
        server_order: Some(true),
        suites: ordered,
    }
}
