//! ROBOT, the Return Of Bleichenbacher's Oracle Threat (Böck, Somorovsky,
//! Young, USENIX Security 2018): a server whose answers to RSA
//! ClientKeyExchange messages depend on the PKCS#1 v1.5 padding of what it
//! decrypts is an oracle that decrypts recorded sessions and signs with its
//! key.
//!
//! The [`RobotStage`] runs the paper's test as its authors' `robot-detect`
//! does, at the newest of TLS 1.0–1.2 with RSA key-exchange suites. Each of
//! the five payloads of [`RobotPayload`] — a PKCS#1 block `00 02`, padding
//! `ab cd …`, `00`, a 48-byte premaster secret, each but the first with one
//! defect — is RSA-encrypted to the server's key and sent as the
//! ClientKeyExchange of its own connection; in the standard flow followed by
//! a ChangeCipherSpec and a Finished of 80 random-looking bytes, in the
//! shortened flow alone. The server's first answer (an alert by name, a
//! close, a reset, or silence) is the observation. Both flows run at once,
//! ten connections. Silence is measured, not guessed: the standard flow
//! waits up to eight times its own hello's round trip, the shortened flow
//! four times the slowest answer the standard flow got (the same
//! decryption, answered), counted from its payload and known as soon as the
//! standard answers are in; so a loopback scan waits a few milliseconds
//! and a distant server up to three seconds, and the silence overlaps the
//! standard round instead of following it. The observations go to
//! [`judge_robot`] (in the core), which gives the verdict and the oracle's
//! strength.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::{join_all, try_join};
use tlslens_core::facts::VulnCheck;
use tlslens_core::suites::KeyExchange;
use tlslens_core::vuln_probes::{judge_robot, RobotFlow, RobotPayload, RobotRound};
use tokio::sync::watch;

use super::conn::Next;
use super::fail::FailCode;
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use super::tls12::{self, kx, Offer, Stop};
use crate::codec::{
    encode_records, CipherSuite, ClientKeyExchange, ContentType, ProtocolVersion, Record,
    CHANGE_CIPHER_SPEC,
};

/// The `probe` of its probe errors.
const PROBE: &str = "vuln:robot";
/// The 46 bytes after the version in every payload's premaster secret
/// (robot-detect's).
const PMS_TAIL: [u8; 46] = [
    0xaa, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
    0x77, 0x88, 0x99, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0x11, 0x22, 0x33, 0x44,
    0x55, 0x66, 0x77, 0x88, 0x99, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
];
/// The length of the fake encrypted Finished of the standard flow.
const FAKE_FINISHED_LEN: usize = 80;
/// The standard flow waits for an answer up to the first hello's round
/// trip times [`WAIT_PER_RTT`], within [`MIN_WAIT`]..[`MAX_WAIT`]; patched
/// and vulnerable servers alike answer it at once, so the wait is rarely
/// paid.
const MIN_WAIT: Duration = Duration::from_millis(100);
const MAX_WAIT: Duration = Duration::from_secs(3);
const WAIT_PER_RTT: u32 = 8;
/// The shortened flow is where a patched server stays silent (it waits for
/// the ChangeCipherSpec): "silence" there is no answer within
/// [`SILENCE_PER_LATENCY`] times the slowest answer of the standard round
/// (the same decryption, answered), and at least [`MIN_SILENCE`].
const SILENCE_PER_LATENCY: u32 = 4;
const MIN_SILENCE: Duration = Duration::from_millis(10);

/// The second-wave stage testing ROBOT.
#[derive(Debug, Clone, Copy)]
pub struct RobotStage;

impl Stage for RobotStage {
    const NAME: &'static str = "robot";
    type Outcome = VulnCheck;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some((v, suites)) = rsa_suites(first) else {
            return if tls12::speaks_legacy_tls(first) {
                VulnCheck::not_vulnerable("no RSA key-exchange suite is offered")
            } else {
                VulnCheck::not_tested("the server speaks none of TLS 1.0–1.2")
            };
        };
        match rounds(p, &Run::new(Offer::new(v, suites))).await {
            Ok((rounds, repeat)) => judge_robot(&rounds, repeat.as_ref()),
            Err(stop) => {
                p.fail(PROBE, &stop.as_fail());
                VulnCheck::not_tested(format!("a ROBOT connection failed: {}", stop.describe()))
            }
        }
    }
}

/// The newest of TLS 1.0–1.2 with RSA key-exchange suites, and those.
fn rsa_suites(first: &FirstWave) -> Option<(ProtocolVersion, Vec<CipherSuite>)> {
    first
        .supported_legacy()
        .into_iter()
        .rev()
        .filter(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
        .find_map(|s| {
            let rsa: Vec<CipherSuite> = s
                .suites
                .iter()
                .copied()
                .filter(|c| c.info().is_some_and(|i| i.kx == KeyExchange::Rsa))
                .collect();
            (!rsa.is_empty()).then_some((s.version, rsa))
        })
}

/// How long a query waits for the server's first answer after its payload.
#[derive(Debug, Clone)]
enum Wait {
    /// The standard flow: [`WAIT_PER_RTT`] times the query's own hello
    /// round trip, within [`MIN_WAIT`]..[`MAX_WAIT`].
    Standard,
    /// The shortened flow run alongside the standard one: the silence
    /// threshold, counted from the payload, which the standard round sends
    /// when it has ended (a query whose threshold has passed by then is
    /// silent at once).
    Silence(watch::Receiver<Option<Duration>>),
    /// A threshold known already (the repetition of the shortened round).
    Fixed(Duration),
}

impl Wait {
    /// Waits until the query that sent its payload at `sent`, after a hello
    /// that took `rtt`, counts as silent.
    async fn elapse(self, sent: Instant, rtt: Duration) {
        let wait = match self {
            Wait::Standard => (rtt * WAIT_PER_RTT).clamp(MIN_WAIT, MAX_WAIT),
            Wait::Fixed(d) => d,
            Wait::Silence(mut known) => loop {
                if let Some(d) = *known.borrow_and_update() {
                    break d;
                }
                if known.changed().await.is_err() {
                    // The standard round failed; the stage stops with it.
                    break MAX_WAIT;
                }
            },
        };
        tokio::time::sleep_until((sent + wait).into()).await;
    }
}

/// One round's observations and times.
#[derive(Debug, Clone)]
struct Observed {
    round: RobotRound,
    /// The slowest time from payload to an answer (not silence).
    latency: Duration,
    /// The slowest hello round trip.
    rtt: Duration,
}

impl Observed {
    /// The shortened flow's silence threshold: [`SILENCE_PER_LATENCY`] times
    /// the slowest answer of this (standard) round, or of its hellos when
    /// it got none.
    fn silence(&self) -> Duration {
        (self.latency.max(self.rtt) * SILENCE_PER_LATENCY).clamp(MIN_SILENCE, MAX_WAIT)
    }
}

/// What every connection of one ROBOT test shares: the offer, and each
/// payload's ciphertext. The blocks are fixed for a key and a version, so
/// each is encrypted once per test (as the ROBOT authors' script does), not
/// once per connection; a modulus the test has not seen (another server
/// behind the same address) gets its own.
struct Run {
    offer: Offer,
    ciphertexts: Mutex<Vec<Ciphertext>>,
}

struct Ciphertext {
    payload: RobotPayload,
    modulus: Vec<u8>,
    bytes: Vec<u8>,
}

impl Run {
    fn new(offer: Offer) -> Self {
        Self {
            offer,
            ciphertexts: Mutex::new(Vec::new()),
        }
    }

    /// The ciphertext of `payload` under `(n, e)`, whose block is `block`.
    fn ciphertext(&self, payload: RobotPayload, n: &[u8], e: &[u8], block: &[u8]) -> Vec<u8> {
        let mut known = self
            .ciphertexts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = known
            .iter()
            .find(|c| c.payload == payload && c.modulus == n)
        {
            return c.bytes.clone();
        }
        let bytes = kx::rsa_encrypt_raw(n, e, block);
        known.push(Ciphertext {
            payload,
            modulus: n.to_vec(),
            bytes: bytes.clone(),
        });
        bytes
    }
}

/// Both rounds at once (the standard round's answers give the shortened
/// round's silence threshold as soon as they are in), and the repetition of
/// the first round that distinguished the payloads.
async fn rounds(p: &Prober<'_>, run: &Run) -> Result<(Vec<RobotRound>, Option<[String; 5]>), Stop> {
    let (known, silence) = watch::channel(None);
    let standard = async {
        let observed = round(p, run, RobotFlow::Standard, Wait::Standard).await?;
        // Nobody listening any more is not an error: the shortened round
        // may have failed first.
        let _ = known.send(Some(observed.silence()));
        Ok(observed)
    };
    let shortened = round(p, run, RobotFlow::Shortened, Wait::Silence(silence));
    let (standard, shortened) = try_join(standard, shortened).await?;
    let threshold = standard.silence();
    let rounds = vec![standard.round, shortened.round];
    let repeat = match rounds.iter().find(|r| r.distinguishes()) {
        Some(r) => {
            let wait = match r.flow {
                RobotFlow::Standard => Wait::Standard,
                RobotFlow::Shortened => Wait::Fixed(threshold),
            };
            Some(round(p, run, r.flow, wait).await?.round.answers)
        }
        None => None,
    };
    Ok((rounds, repeat))
}

/// The five payloads of one flow, concurrently.
async fn round(p: &Prober<'_>, run: &Run, flow: RobotFlow, wait: Wait) -> Result<Observed, Stop> {
    let answers = join_all(
        RobotPayload::ALL
            .iter()
            .map(|payload| query(p, run, *payload, flow, wait.clone())),
    )
    .await;
    let mut out: [String; 5] = Default::default();
    let mut latency = Duration::ZERO;
    let mut rtt = Duration::ZERO;
    for (slot, a) in out.iter_mut().zip(answers) {
        let answer = a?;
        *slot = answer.text;
        latency = latency.max(answer.latency.unwrap_or_default());
        rtt = rtt.max(answer.rtt);
    }
    Ok(Observed {
        round: RobotRound { flow, answers: out },
        latency,
        rtt,
    })
}

/// The server's first answer to one payload.
struct Answer {
    /// As [`judge_robot`] reads it.
    text: String,
    /// How long it took, when it was not silence.
    latency: Option<Duration>,
    /// The hello's round trip on the same connection.
    rtt: Duration,
}

/// One connection: the hello, then `payload` in `flow`; the first answer.
async fn query(
    p: &Prober<'_>,
    run: &Run,
    payload: RobotPayload,
    flow: RobotFlow,
    wait: Wait,
) -> Result<Answer, Stop> {
    let (mut session, first) = tls12::hello(p, &run.offer).await?;
    let rtt = session.since_connected();
    let (n, e) = first
        .chain
        .first()
        .and_then(|leaf| tlslens_core::cert::rsa_public_key(leaf))
        .ok_or_else(|| {
            Stop::Failed(super::fail::Fail::new(
                FailCode::ProtocolViolation,
                "no RSA certificate with an RSA key-exchange suite",
            ))
        })?;
    let k = kx::modulus_len(&n);
    let block = robot_block(payload, k, run.offer.version).ok_or_else(|| {
        Stop::Failed(super::fail::Fail::new(
            FailCode::ProtocolViolation,
            format!("an RSA modulus of {k} bytes is too short"),
        ))
    })?;
    let v = first.version;
    let cke = ClientKeyExchange::Rsa(run.ciphertext(payload, &n, &e, &block))
        .to_message()
        .and_then(|m| m.encode())
        .map_err(|e| Stop::Failed(super::fail::Fail::new(FailCode::Encode, e.to_string())))?;
    let mut out = encode_records(ContentType::HANDSHAKE, v, &cke);
    if flow == RobotFlow::Standard {
        out.extend(encode_records(
            ContentType::CHANGE_CIPHER_SPEC,
            v,
            &CHANGE_CIPHER_SPEC,
        ));
        let fake = Record {
            content_type: ContentType::HANDSHAKE,
            version: v,
            payload: (0..FAKE_FINISHED_LEN)
                .map(|i| (i as u8).wrapping_mul(37).wrapping_add(11))
                .collect(),
        };
        out.extend(fake.encode().unwrap_or_default());
    }
    let sent = Instant::now();
    match session.send(&out).await {
        Ok(()) => {}
        // The server hung up before the payload was written: that is its
        // answer.
        Err(f) if f.code == FailCode::Reset => {
            return Ok(Answer {
                text: Next::Reset.describe(),
                latency: None,
                rtt,
            })
        }
        Err(f) => return Err(Stop::Failed(f)),
    }
    // The session's own deadline bounds the read; the wait decides when
    // no answer counts as silence.
    // An answer that is in wins over a wait that ran out at the same poll.
    let next = tokio::select! {
        biased;
        next = session.next(MAX_WAIT) => next?,
        () = wait.elapse(sent, rtt) => Next::Silent,
    };
    let latency = (next != Next::Silent).then(|| sent.elapsed());
    Ok(Answer {
        text: next.describe(),
        latency,
        rtt,
    })
}

/// The PKCS#1 v1.5 block of `payload` for a modulus of `k` bytes and a
/// hello at `version`; `None` when `k` is too short for one.
pub fn robot_block(payload: RobotPayload, k: usize, version: ProtocolVersion) -> Option<Vec<u8>> {
    let pad_len = k.checked_sub(48 + 3)?;
    let pad: Vec<u8> = [0xab, 0xcd].iter().copied().cycle().take(pad_len).collect();
    let v = version.0.to_be_bytes();
    let parts: Vec<&[u8]> = match payload {
        RobotPayload::Correct => vec![&[0x00, 0x02], &pad, &[0x00], &v, &PMS_TAIL],
        RobotPayload::WrongFirstBytes => vec![&[0x41, 0x17], &pad, &[0x00], &v, &PMS_TAIL],
        RobotPayload::WrongZeroPosition => {
            vec![&[0x00, 0x02], &pad, &[0x11], &PMS_TAIL, &[0x00, 0x11]]
        }
        RobotPayload::NoZeroSeparator => {
            vec![&[0x00, 0x02], &pad, &[0x11], &[0x11, 0x11], &PMS_TAIL]
        }
        RobotPayload::WrongVersion => vec![&[0x00, 0x02], &pad, &[0x00], &[0x02, 0x02], &PMS_TAIL],
    };
    Some(parts.concat())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Where the `00` separator of a PKCS#1 block is, after the padding.
    fn separator(block: &[u8]) -> Option<usize> {
        block[2..].iter().position(|b| *b == 0).map(|i| i + 2)
    }

    #[test]
    fn each_payload_is_encrypted_once_per_key() {
        let run = Run::new(Offer::new(ProtocolVersion::TLS12, vec![]));
        // 3233 = 61 × 53, e = 17: 65^17 mod 3233 = 2790.
        let (n, e) = ([0x0C, 0xA1], [17]);
        let c = run.ciphertext(RobotPayload::Correct, &n, &e, &[65]);
        assert_eq!(c, 2790u16.to_be_bytes());
        assert_eq!(run.ciphertext(RobotPayload::Correct, &n, &e, &[65]), c);
        assert_eq!(run.ciphertexts.lock().unwrap().len(), 1);
        // Another payload, another key: their own ciphertexts.
        run.ciphertext(RobotPayload::WrongVersion, &n, &e, &[66]);
        let other = run.ciphertext(RobotPayload::Correct, &[0x0D, 0x1B], &e, &[65]);
        assert_eq!(other, kx::rsa_encrypt_raw(&[0x0D, 0x1B], &e, &[65]));
        assert_eq!(run.ciphertexts.lock().unwrap().len(), 3);
    }

    #[test]
    fn robot_blocks_have_exactly_their_defect() {
        let k = 256;
        let v = ProtocolVersion::TLS12;
        let b = |p| robot_block(p, k, v).unwrap();
        for p in RobotPayload::ALL {
            assert_eq!(b(p).len(), k, "{p:?}");
        }
        let good = b(RobotPayload::Correct);
        assert_eq!(&good[..2], &[0, 2]);
        assert_eq!(separator(&good), Some(k - 49));
        assert_eq!(&good[k - 48..k - 46], &[3, 3]);
        assert!(good[2..k - 49].iter().all(|x| *x != 0));

        assert_eq!(&b(RobotPayload::WrongFirstBytes)[..2], &[0x41, 0x17]);
        // The zero sits two bytes before the end: a 1-byte "secret".
        assert_eq!(separator(&b(RobotPayload::WrongZeroPosition)), Some(k - 2));
        assert_eq!(separator(&b(RobotPayload::NoZeroSeparator)), None);
        let wrong_version = b(RobotPayload::WrongVersion);
        assert_eq!(separator(&wrong_version), Some(k - 49));
        assert_eq!(&wrong_version[k - 48..k - 46], &[2, 2]);
        // TLS 1.0 hellos put 03 01 in the correct block.
        assert_eq!(
            &robot_block(RobotPayload::Correct, k, ProtocolVersion::TLS10).unwrap()[k - 48..k - 46],
            &[3, 1]
        );
        assert!(robot_block(RobotPayload::Correct, 50, v).is_none());
    }
}
