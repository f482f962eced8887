//! Enumeration: which protocol versions, cipher suites and groups the server
//! accepts, and in which order it prefers the suites — all on one
//! elimination routine, [`eliminate`]: offer a list, take out what the
//! server chose, offer the rest again, until it declines.
//!
//! The elimination's side facts have typed places: a failed probe ends it
//! with [`End::Failed`], a choice the server was not offered with
//! [`End::Unoffered`] (a protocol violation), and what each answer showed
//! worth keeping (a complete flight, a TLS 1.3 key share) is in its
//! [`Elimination::seen`].
//!
//! Every answer is one full server flight, so the enumeration also records
//! the server's (EC)DHE public values ([`VersionSuites::public_values`], read
//! by [`super::ephemeral`]); [`super::kex`] compares those instead of making
//! handshakes of its own.
//!
//! Here the first wave: [`sslv2`], [`legacy_version`] (SSLv3–TLS 1.2: the
//! suite registry in chunks of [`CHUNK`] enumerated concurrently; the first
//! answer of each chunk also tells whether the version is supported) and
//! [`tls13`]. The second-wave stages built on [`eliminate`] are
//! [`super::order`] and [`super::groups`].

use std::future::Future;

use futures_util::future::join_all;
use tlslens_core::facts::PublicValueFacts;

use super::conn::{Refusal, Reply};
use super::ephemeral;
use super::fail::{Fail, FailCode};
use super::hello::{self, LegacyOpts};
use super::prober::Prober;
use crate::codec::{
    sslv2_cipher_name, CipherSuite, FlightParser, ProtocolVersion, ServerFlight, Sslv2ServerMessage,
};

/// How many suites one enumeration chunk offers.
pub const CHUNK: usize = 128;

/// What the server answered one offer of an elimination.
#[derive(Debug)]
pub enum Answer<T, X> {
    /// It chose `T`; `X` is anything else its answer showed worth keeping
    /// (kept for every offered choice that carries one).
    Chose(T, Option<X>),
    /// It declined: a refusal, an answer at another version, no choice.
    Declined,
    /// The probe failed (logged by the prober): the rest is unknown.
    Failed,
}

/// Why an elimination stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End<T> {
    /// No more than the `keep` offers asked for were left.
    Exhausted,
    /// The server declined the rest.
    Declined,
    /// A probe failed.
    Failed,
    /// The server chose `T`, which it was not offered.
    Unoffered(T),
}

/// The result of an elimination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elimination<T, X> {
    /// The offered values the server chose, in the order it chose them.
    pub chosen: Vec<T>,
    /// The offers never chosen, in offer order.
    pub left: Vec<T>,
    /// Why it stopped.
    pub end: End<T>,
    /// The side data of the offered choices that carried some, in the order
    /// they were chosen.
    pub seen: Vec<X>,
}

impl<T: Copy, X> Elimination<T, X> {
    /// Everything the server chose: [`Self::chosen`], then the unoffered
    /// value that ended it, if any (the server does use it).
    pub fn found(&self) -> Vec<T> {
        let mut out = self.chosen.clone();
        if let End::Unoffered(t) = self.end {
            out.push(t);
        }
        out
    }
}

/// Offers `offer`, takes the server's choice out and offers the rest again,
/// until no more than `keep` values are left, the server declines, a probe
/// fails or the server chooses something it was not offered.
pub async fn eliminate<T, X, F, Fut>(offer: Vec<T>, keep: usize, mut ask: F) -> Elimination<T, X>
where
    T: Copy + PartialEq,
    F: FnMut(Vec<T>) -> Fut,
    Fut: Future<Output = Answer<T, X>>,
{
    let mut remaining = offer;
    let mut chosen = Vec::new();
    let mut seen = Vec::new();
    let end = loop {
        if remaining.len() <= keep {
            break End::Exhausted;
        }
        match ask(remaining.clone()).await {
            Answer::Declined => break End::Declined,
            Answer::Failed => break End::Failed,
            Answer::Chose(c, _) if !remaining.contains(&c) => break End::Unoffered(c),
            Answer::Chose(c, extra) => {
                chosen.push(c);
                remaining.retain(|x| *x != c);
                seen.extend(extra);
            }
        }
    };
    Elimination {
        chosen,
        left: remaining,
        end,
        seen,
    }
}

/// What the enumeration of one protocol version found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSuites {
    /// The version.
    pub version: ProtocolVersion,
    /// The suites accepted (registry order for TLS ≤ 1.2, the order of
    /// discovery for TLS 1.3); empty when the version is not supported.
    pub suites: Vec<CipherSuite>,
    /// The first complete flight with a certificate (TLS ≤ 1.2), for the
    /// chain, the renegotiation and ticket extensions and the ECDHE group.
    pub flight: Option<Box<ServerFlight>>,
    /// The server's ephemeral public value of every (EC)DHE answer, in the
    /// order seen (a TLS 1.3 key share, a ServerKeyExchange's point or
    /// `dh_Ys`).
    pub public_values: Vec<PublicValueFacts>,
    /// The server's choice when offered every suite of [`Self::suites`]
    /// (among others it declines) in the enumeration's order: the first
    /// answer, when one offer held them all. [`super::order`] needs no
    /// handshake of its own for it.
    pub first_choice: Option<CipherSuite>,
}

impl VersionSuites {
    /// Nothing found at `version`.
    pub fn none(version: ProtocolVersion) -> Self {
        Self {
            version,
            suites: Vec::new(),
            flight: None,
            public_values: Vec::new(),
            first_choice: None,
        }
    }

    /// Whether the server accepted anything at this version.
    pub fn supported(&self) -> bool {
        !self.suites.is_empty()
    }
}

/// What an SSLv2 CLIENT-HELLO showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sslv2 {
    /// The server answered with a SERVER-HELLO.
    Supported {
        /// The cipher kinds it offers among ours (by name, or `0x` hex for
        /// unknown ones).
        ciphers: Vec<String>,
        /// The certificate it sent (DROWN compares its key), when any.
        certificate: Option<Vec<u8>>,
    },
    /// It does not speak SSLv2.
    Absent,
    /// The probe failed (logged).
    Failed,
}

/// Sends an SSLv2 CLIENT-HELLO.
pub async fn sslv2(p: &Prober<'_>) -> Sslv2 {
    let Ok(bytes) = hello::sslv2(p.random()).encode_record() else {
        return Sslv2::Failed;
    };
    match p.link.exchange(&bytes, FlightParser::new()).await {
        Ok(Reply::Hello { flight, .. }) => match flight.sslv2 {
            Some(Sslv2ServerMessage::ServerHello(hello)) => Sslv2::Supported {
                ciphers: hello
                    .cipher_specs
                    .iter()
                    .map(|&c| {
                        sslv2_cipher_name(c).map_or_else(|| format!("0x{c:06X}"), str::to_owned)
                    })
                    .collect(),
                certificate: (!hello.certificate.is_empty()).then(|| hello.certificate.clone()),
            },
            _ => Sslv2::Absent,
        },
        Ok(Reply::Refused(_)) => Sslv2::Absent,
        // A TLS server may answer an SSLv2 hello with garbage-looking TLS
        // alerts of its own version: that is "not SSLv2", not an error.
        Err(f) if matches!(f.code, FailCode::Malformed | FailCode::Garbage) => Sslv2::Absent,
        Err(f) => {
            p.fail("protocol:SSLv2", &f);
            Sslv2::Failed
        }
    }
}

/// Enumerates the suites of one SSLv3–TLS 1.2 version: the registry in
/// chunks of [`CHUNK`], each eliminated concurrently.
pub async fn legacy_version(p: &Prober<'_>, v: ProtocolVersion) -> VersionSuites {
    let all = hello::legacy_suites();
    let chunks = all
        .chunks(CHUNK)
        .enumerate()
        .map(|(i, c)| legacy_chunk(p, v, c.to_vec(), i));
    let mut out = VersionSuites::none(v);
    let results = join_all(chunks).await;
    // One chunk held every accepted suite: its first answer is the choice
    // among all of them.
    if let [only] = results
        .iter()
        .filter(|r| !r.found().is_empty())
        .collect::<Vec<_>>()[..]
    {
        out.first_choice = only.chosen.first().copied();
    }
    for r in results {
        for s in r.found() {
            if !out.suites.contains(&s) {
                out.suites.push(s);
            }
        }
        for flight in r.seen {
            out.public_values.extend(ephemeral::public_value(&flight));
            if out.flight.is_none() && flight.certificate.is_some() {
                out.flight = Some(flight);
            }
        }
    }
    let position = |s: &CipherSuite| all.iter().position(|x| x == s).unwrap_or(usize::MAX);
    out.suites.sort_by_key(position);
    out
}

/// One chunk at `v`: offer, remove the chosen suite, repeat until the server
/// declines.
async fn legacy_chunk(
    p: &Prober<'_>,
    v: ProtocolVersion,
    chunk: Vec<CipherSuite>,
    index: usize,
) -> Elimination<CipherSuite, Box<ServerFlight>> {
    let probe = format!("suites:{v}#{index}");
    let whole = chunk.len();
    let found = eliminate(chunk, 0, |offer| {
        let probe = &probe;
        async move {
            // Read before the hello is built: another chunk may switch the
            // prober to minimal hellos while this full one is on its way.
            let sent_minimal = p.minimal_hellos();
            let hello = p.legacy(v, &offer, &LegacyOpts::default());
            let reply = match p.send(probe, &hello).await {
                // The chunk's first offer closed without a word: a server
                // (or middlebox) that drops hellos with extensions it does
                // not know, as browsers of old found out, gets one more try
                // with a minimal hello.
                Some(Reply::Refused(Refusal::Closed | Refusal::Reset))
                    if offer.len() == whole && !sent_minimal =>
                {
                    minimal_retry(p, probe, v, &offer).await
                }
                other => other,
            };
            let (flight, complete) = match reply {
                None => return Answer::Failed,
                Some(Reply::Refused(_)) => return Answer::Declined,
                Some(Reply::Hello { flight, broken }) => (flight, broken.is_none()),
            };
            match &flight.server_hello {
                Some(sh) if sh.negotiated_version() == v && !sh.is_hello_retry_request() => {
                    let chosen = sh.cipher_suite;
                    Answer::Chose(chosen, complete.then_some(flight))
                }
                _ => Answer::Declined,
            }
        }
    })
    .await;
    if let End::Unoffered(chosen) = found.end {
        p.fail(
            &probe,
            &Fail::new(
                FailCode::ProtocolViolation,
                format!(
                    "the server chose suite 0x{:04X}, which was not offered",
                    chosen.0
                ),
            ),
        );
    }
    found
}

/// A minimal hello at `v` offering `offer`; when the server answers it at
/// `v`, the prober goes on with minimal hellos.
async fn minimal_retry(
    p: &Prober<'_>,
    probe: &str,
    v: ProtocolVersion,
    offer: &[CipherSuite],
) -> Option<Reply> {
    let opts = LegacyOpts {
        minimal: true,
        ..LegacyOpts::default()
    };
    let reply = p.send(probe, &p.legacy(v, offer, &opts)).await?;
    if let Reply::Hello { flight, .. } = &reply {
        if flight
            .server_hello
            .as_ref()
            .is_some_and(|sh| sh.negotiated_version() == v)
        {
            p.set_minimal_hellos();
        }
    }
    Some(reply)
}

/// Enumerates the TLS 1.3 suites (with an X25519 key share).
pub async fn tls13(p: &Prober<'_>) -> VersionSuites {
    let groups = hello::tls13_groups();
    let found = eliminate(hello::tls13_suites(), 0, |offer| {
        let groups = &groups;
        async move {
            let hello = p.tls13(&offer, groups, vec![hello::x25519_share()]);
            let flight = match p.send("suites:TLSv1.3", &hello).await {
                None => return Answer::Failed,
                Some(Reply::Refused(_)) => return Answer::Declined,
                Some(Reply::Hello { flight, .. }) => flight,
            };
            match &flight.server_hello {
                Some(sh) if sh.negotiated_version() == ProtocolVersion::TLS13 => {
                    Answer::Chose(sh.cipher_suite, ephemeral::key_share_value(sh))
                }
                _ => Answer::Declined,
            }
        }
    })
    .await;
    VersionSuites {
        first_choice: found.chosen.first().copied(),
        suites: found.found(),
        public_values: found.seen,
        ..VersionSuites::none(ProtocolVersion::TLS13)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted server for [`eliminate`]: answers each offer with `pick`.
    async fn run(
        offer: Vec<u16>,
        keep: usize,
        pick: impl Fn(&[u16]) -> Answer<u16, &'static str>,
    ) -> (Elimination<u16, &'static str>, Vec<Vec<u16>>) {
        let asked = std::sync::Mutex::new(Vec::new());
        let out = eliminate(offer, keep, |o| {
            if let Ok(mut a) = asked.lock() {
                a.push(o.clone());
            }
            let answer = pick(&o);
            async move { answer }
        })
        .await;
        (out, asked.into_inner().unwrap_or_default())
    }

    #[tokio::test]
    async fn elimination_takes_out_each_choice_until_exhausted() {
        // A server preferring the highest value.
        let (e, asked) = run(vec![1, 3, 2], 0, |o| {
            Answer::Chose(o.iter().copied().max().unwrap_or(0), None)
        })
        .await;
        assert_eq!(e.chosen, [3, 2, 1]);
        assert!(e.left.is_empty());
        assert_eq!(e.end, End::Exhausted);
        assert_eq!(asked, [vec![1, 3, 2], vec![1, 2], vec![1]]);
        assert_eq!(e.found(), [3, 2, 1]);
    }

    #[tokio::test]
    async fn elimination_keeps_the_last_ones_when_asked() {
        let (e, asked) = run(vec![1, 2, 3], 1, |o| Answer::Chose(o[0], None)).await;
        assert_eq!(
            (e.chosen, e.left, e.end),
            (vec![1, 2], vec![3], End::Exhausted)
        );
        assert_eq!(asked.len(), 2);
        let (e, asked) = run(vec![7], 1, |_| Answer::Declined).await;
        assert_eq!((e.chosen, e.left), (vec![], vec![7]));
        assert!(asked.is_empty());
    }

    #[tokio::test]
    async fn elimination_stops_on_decline_failure_and_unoffered_choice() {
        let (e, _) = run(vec![1, 2, 3], 0, |o| {
            if o.len() == 3 {
                Answer::Chose(2, None)
            } else {
                Answer::Declined
            }
        })
        .await;
        assert_eq!((e.chosen.clone(), e.end.clone()), (vec![2], End::Declined));
        assert_eq!(e.left, [1, 3]);

        let (e, _) = run(vec![1, 2], 0, |_| Answer::Failed).await;
        assert_eq!((e.chosen.is_empty(), e.end), (true, End::Failed));

        // The server picks 9, never offered: a protocol violation, still a
        // value it uses.
        let (e, asked) = run(vec![1, 2], 0, |o| {
            if o.len() == 2 {
                Answer::Chose(1, None)
            } else {
                Answer::Chose(9, None)
            }
        })
        .await;
        assert_eq!(e.chosen, [1]);
        assert_eq!(e.end, End::Unoffered(9));
        assert_eq!(e.found(), [1, 9]);
        assert_eq!(asked.len(), 2);
    }

    #[tokio::test]
    async fn elimination_keeps_the_side_data_of_every_offered_choice() {
        let (e, _) = run(vec![1, 2, 3], 0, |o| match o.len() {
            3 => Answer::Chose(1, None),
            2 => Answer::Chose(2, Some("second")),
            _ => Answer::Chose(3, Some("third")),
        })
        .await;
        assert_eq!(e.seen, ["second", "third"]);
        // Side data of an unoffered choice is not kept.
        let (e, _) = run(vec![1], 0, |_| Answer::Chose(5, Some("bogus"))).await;
        assert_eq!((e.seen.is_empty(), e.end), (true, End::Unoffered(5)));
        // Nothing offered, nothing asked.
        let (e, asked) = run(vec![], 0, |_| Answer::Failed).await;
        assert_eq!((e.end, asked.len()), (End::Exhausted, 0));
    }
}
