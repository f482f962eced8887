//! Vulnerability probes: Heartbleed (CVE-2014-0160) and the OpenSSL CCS
//! injection (CVE-2014-0224).
//!
//! Both run in the second wave of an endpoint scan, on one connection each
//! (under the endpoint's connection cap and the probe and scan deadlines), at
//! the best protocol from TLS 1.0 to TLS 1.2 the server accepted, offering the
//! suites it accepted there. A server that speaks only SSLv3 or TLS 1.3 is
//! `not_tested`.
//!
//! Both are conservative: they say `vulnerable` only on an answer a patched
//! server cannot give, and `not_vulnerable` on an alert, a close or silence,
//! each with what was seen as evidence. A failure before the test could be
//! made is `not_tested` with a `probe_errors` entry (`vuln:heartbleed`,
//! `vuln:ccs_injection`).
//!
//! * **Heartbleed**: a ClientHello offering the `heartbeat` extension; when
//!   the ServerHello does not echo it, the server cannot be vulnerable.
//!   Otherwise, before finishing the handshake (as testssl.sh and nmap do), a
//!   heartbeat request whose `payload_length` claims 0x4000 bytes while it
//!   carries none. A patched server discards it silently (RFC 6520 §4); a
//!   vulnerable one answers with a heartbeat response carrying the claimed
//!   length of its memory. Vulnerable only when such a response arrives with
//!   more payload than was sent.
//! * **CCS injection**: after the server's flight (ServerHelloDone), two
//!   ChangeCipherSpec records before any key exchange, as nmap's
//!   `ssl-ccs-injection` and testssl.sh's `run_ccs_injection` send them. A
//!   patched server answers the first with an `unexpected_message` alert (or
//!   closes); a vulnerable one accepts it, switches its read state to keys
//!   derived from an empty master secret, and fails to decrypt the second:
//!   `bad_record_mac` or `decryption_failed`. Vulnerable only on one of those
//!   two alerts as the first record after the injection (testssl.sh's
//!   verdicts; nmap's "any other record" is not taken as proof here).

use std::time::{Duration, Instant};

use tlslens_core::facts::{VulnCheck, Vulnerabilities};

use super::conn::{Next, Refusal, Reply, Session};
use super::fail::{Fail, FailCode};
use super::hello::LegacyOpts;
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{
    encode_records, heartbeat_message_type, Alert, AlertDescription, CipherSuite, ContentType,
    FlightParser, HeartbeatMessage, ProtocolVersion, ServerHello,
};

/// The `probe` of Heartbleed's probe errors.
const HEARTBLEED: &str = "vuln:heartbleed";
/// The `probe` of the CCS injection's probe errors.
const CCS_INJECTION: &str = "vuln:ccs_injection";

/// The payload length the Heartbleed request claims.
const HEARTBLEED_CLAIM: u16 = 0x4000;
/// The payload bytes it actually carries.
const HEARTBLEED_SENT: &[u8] = &[];

/// How long to wait for a leaking heartbeat response. A patched server that
/// supports heartbeats stays silent, so this is paid by those only.
const HEARTBEAT_WAIT: Duration = Duration::from_secs(3);
/// How long to wait for the answer to the injected ChangeCipherSpecs (both
/// patched and vulnerable servers answer at once).
const CCS_WAIT: Duration = Duration::from_secs(3);

/// The second-wave stage running Heartbleed and the CCS injection at the
/// best of TLS 1.0–1.2 the server accepted; both `not_tested` when there is
/// none (only SSLv3 or TLS 1.3).
#[derive(Debug, Clone, Copy)]
pub struct VulnStage;

impl Stage for VulnStage {
    const NAME: &'static str = "vulnerabilities";
    type Outcome = Vulnerabilities;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some(best) = first
            .supported_legacy()
            .into_iter()
            .filter(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
            .max_by_key(|s| s.version)
        else {
            let why = VulnCheck::not_tested("the server speaks none of TLS 1.0–1.2");
            return Vulnerabilities {
                heartbleed: Some(why.clone()),
                ccs_injection: Some(why),
                ..Vulnerabilities::default()
            };
        };
        let (heartbleed, ccs_injection) = tokio::join!(
            heartbleed(p, best.version, &best.suites),
            ccs_injection(p, best.version, &best.suites),
        );
        Vulnerabilities {
            heartbleed: Some(heartbleed),
            ccs_injection: Some(ccs_injection),
            ..Vulnerabilities::default()
        }
    }
}

/// Why [`start`] could not hand over a connection.
#[derive(Debug)]
enum NoStart {
    /// The server declined the hello.
    Refused(Refusal),
    /// The probe failed (logged).
    Failed(Fail),
}

impl NoStart {
    /// `not_tested`, saying why.
    fn not_tested(&self) -> VulnCheck {
        match self {
            Self::Refused(r) => {
                VulnCheck::not_tested(format!("the server declined the probe's hello ({r})"))
            }
            Self::Failed(f) => VulnCheck::not_tested(format!("the probe failed: {}", f.message)),
        }
    }
}

/// Sends a hello at `v` and reads the server's flight to ServerHelloDone:
/// the ServerHello and the open connection. A failure or a refusal is
/// logged under `probe`.
async fn start(
    p: &Prober<'_>,
    probe: &str,
    v: ProtocolVersion,
    suites: &[CipherSuite],
    opts: &LegacyOpts,
) -> Result<(ServerHello, Session), NoStart> {
    let failed = |f: Fail| {
        p.fail(probe, &f);
        NoStart::Failed(f)
    };
    let hello = p.legacy(v, suites, opts);
    let bytes = hello
        .encode_records()
        .map_err(|e| failed(Fail::new(FailCode::Encode, e.to_string())))?;
    let (reply, session) = p
        .link
        .open(&bytes, FlightParser::new())
        .await
        .map_err(failed)?;
    let flight = match reply {
        Reply::Refused(r) => {
            p.fail(
                probe,
                &Fail::new(
                    FailCode::Refused,
                    format!("the server declined the probe's hello ({r})"),
                ),
            );
            return Err(NoStart::Refused(r));
        }
        Reply::Hello {
            broken: Some(f), ..
        } => return Err(failed(f)),
        Reply::Hello {
            flight,
            broken: None,
        } => flight,
    };
    let (Some(session), Some(sh), true) = (session, flight.server_hello, flight.server_hello_done)
    else {
        return Err(failed(Fail::new(
            FailCode::Incomplete,
            "the server's flight did not end with ServerHelloDone",
        )));
    };
    if sh.negotiated_version() != v {
        return Err(failed(Fail::new(
            FailCode::ProtocolViolation,
            format!(
                "the server answered a {} hello with {}",
                v,
                sh.negotiated_version()
            ),
        )));
    }
    Ok((sh, session))
}

/// What the heartbeat bytes received so far prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heartbeat {
    /// A response carrying more payload than was sent: memory leaked.
    Leaked,
    /// An answer that cannot be a leak (a request, or a response declaring
    /// no more than was sent).
    Harmless,
    /// Not enough bytes yet.
    Undecided,
}

/// Judges the heartbeat bytes received (one message, possibly over several
/// records) against the `sent` payload bytes.
fn judge_heartbeat(received: &[u8], sent: usize) -> Heartbeat {
    let Ok(msg) = HeartbeatMessage::read(received) else {
        return Heartbeat::Undecided;
    };
    let declared = usize::from(msg.payload_length);
    if msg.message_type != heartbeat_message_type::RESPONSE || declared <= sent {
        return Heartbeat::Harmless;
    }
    if msg.data.len() >= declared {
        Heartbeat::Leaked
    } else {
        Heartbeat::Undecided
    }
}

/// Heartbleed: `vulnerable` only when the server answered the over-long
/// heartbeat request with more payload than it carried.
async fn heartbleed(p: &Prober<'_>, v: ProtocolVersion, suites: &[CipherSuite]) -> VulnCheck {
    let opts = LegacyOpts {
        heartbeat: true,
        ..LegacyOpts::default()
    };
    let (sh, mut session) = match start(p, HEARTBLEED, v, suites, &opts).await {
        Ok(s) => s,
        Err(e) => return e.not_tested(),
    };
    if sh.heartbeat_mode().is_none() {
        return VulnCheck::not_vulnerable("the server does not accept the heartbeat extension");
    }
    let request = HeartbeatMessage::overlong_request(HEARTBLEED_CLAIM, HEARTBLEED_SENT);
    if let Err(f) = session.send(&request.encode_records(v)).await {
        p.fail(HEARTBLEED, &f);
        return VulnCheck::not_tested(format!("the probe failed: {}", f.message));
    }
    let until = Instant::now() + HEARTBEAT_WAIT;
    let mut received = Vec::new();
    let asked = format!(
        "a heartbeat request claiming {HEARTBLEED_CLAIM} bytes while carrying {}",
        HEARTBLEED_SENT.len()
    );
    loop {
        let wait = until.saturating_duration_since(Instant::now());
        let next = match session.next(wait).await {
            Ok(n) => n,
            Err(f) => {
                p.fail(HEARTBLEED, &f);
                return VulnCheck::not_tested(format!("the probe failed: {}", f.message));
            }
        };
        match &next {
            Next::Record(r) if r.content_type == ContentType::HEARTBEAT => {
                received.extend_from_slice(&r.payload);
                match judge_heartbeat(&received, HEARTBLEED_SENT.len()) {
                    Heartbeat::Leaked => {
                        tracing::warn!(
                            endpoint = %p.link.addr,
                            bytes = received.len(),
                            "Heartbleed: the server leaked memory"
                        );
                        return VulnCheck::vulnerable(format!(
                            "{asked} got {} bytes back: server memory",
                            received.len()
                        ));
                    }
                    Heartbeat::Harmless => {
                        return VulnCheck::not_vulnerable(format!(
                            "{asked} got a correctly sized answer"
                        ))
                    }
                    Heartbeat::Undecided => {}
                }
            }
            // An alert: the request was refused.
            Next::Record(r) if r.content_type == ContentType::ALERT => {
                return VulnCheck::not_vulnerable(format!("{asked} got {}", next.describe()))
            }
            // Anything else (a HelloRequest…) is not an answer: read on.
            Next::Record(_) => {}
            // Closed, reset or silent: the request was discarded.
            Next::Closed | Next::Reset | Next::Silent => {
                return VulnCheck::not_vulnerable(format!("{asked} got {}", next.describe()))
            }
        }
    }
}

/// Judges the first record after the injected ChangeCipherSpecs.
fn judge_ccs(next: &Next) -> bool {
    let Next::Record(r) = next else {
        return false;
    };
    if r.content_type != ContentType::ALERT {
        return false;
    }
    Alert::read(&r.payload).is_ok_and(|a| {
        a.description == AlertDescription::BAD_RECORD_MAC
            || a.description == AlertDescription::DECRYPTION_FAILED
    })
}

/// CCS injection: `vulnerable` only when the server, sent two early
/// ChangeCipherSpecs, fails to decrypt the second.
async fn ccs_injection(p: &Prober<'_>, v: ProtocolVersion, suites: &[CipherSuite]) -> VulnCheck {
    let mut session = match start(p, CCS_INJECTION, v, suites, &LegacyOpts::default()).await {
        Ok((_, s)) => s,
        Err(e) => return e.not_tested(),
    };
    let ccs = encode_records(ContentType::CHANGE_CIPHER_SPEC, v, &[1]);
    let mut twice = ccs.clone();
    twice.extend_from_slice(&ccs);
    if let Err(f) = session.send(&twice).await {
        p.fail(CCS_INJECTION, &f);
        return VulnCheck::not_tested(format!("the probe failed: {}", f.message));
    }
    match session.next(CCS_WAIT).await {
        Ok(next) => {
            let seen = format!(
                "two ChangeCipherSpec records before the key exchange got {}",
                next.describe()
            );
            if judge_ccs(&next) {
                tracing::warn!(endpoint = %p.link.addr, "CCS injection: the early ChangeCipherSpec was accepted");
                VulnCheck::vulnerable(format!(
                    "{seen}: the server switched to keys of an empty master secret"
                ))
            } else {
                VulnCheck::not_vulnerable(seen)
            }
        }
        Err(f) => {
            p.fail(CCS_INJECTION, &f);
            VulnCheck::not_tested(format!("the probe failed: {}", f.message))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::codec::Record;

    fn response(declared: u16, data_len: usize) -> Vec<u8> {
        HeartbeatMessage {
            message_type: heartbeat_message_type::RESPONSE,
            payload_length: declared,
            data: vec![0xAB; data_len],
        }
        .encode()
    }

    #[test]
    fn heartbeat_verdicts() {
        // The leak: the claimed 0x4000 bytes and padding came back.
        assert_eq!(
            judge_heartbeat(&response(0x4000, 0x4000 + 16), 0),
            Heartbeat::Leaked
        );
        // Only part of it so far: read on.
        assert_eq!(
            judge_heartbeat(&response(0x4000, 100), 0),
            Heartbeat::Undecided
        );
        assert_eq!(judge_heartbeat(&[2, 0x40], 0), Heartbeat::Undecided);
        // A correctly sized echo of what was sent, with padding.
        assert_eq!(judge_heartbeat(&response(0, 16), 0), Heartbeat::Harmless);
        assert_eq!(judge_heartbeat(&response(3, 19), 3), Heartbeat::Harmless);
        // A request from the server is not an answer.
        let req = HeartbeatMessage::request(&[1; 20], &[0; 16]).unwrap();
        assert_eq!(judge_heartbeat(&req.encode(), 0), Heartbeat::Harmless);
    }

    #[test]
    fn ccs_verdicts() {
        let alert = |d: AlertDescription| {
            Next::Record(Record {
                content_type: ContentType::ALERT,
                version: ProtocolVersion::TLS12,
                payload: Alert::fatal(d).encode().to_vec(),
            })
        };
        assert!(judge_ccs(&alert(AlertDescription::BAD_RECORD_MAC)));
        assert!(judge_ccs(&alert(AlertDescription::DECRYPTION_FAILED)));
        assert!(!judge_ccs(&alert(AlertDescription::UNEXPECTED_MESSAGE)));
        assert!(!judge_ccs(&alert(AlertDescription::HANDSHAKE_FAILURE)));
        assert!(!judge_ccs(&Next::Closed));
        assert!(!judge_ccs(&Next::Silent));
        // An encrypted-looking alert proves nothing.
        assert!(!judge_ccs(&Next::Record(Record {
            content_type: ContentType::ALERT,
            version: ProtocolVersion::TLS12,
            payload: vec![2, 20, 0, 0, 0],
        })));
        assert!(!judge_ccs(&Next::Record(Record {
            content_type: ContentType::APPLICATION_DATA,
            version: ProtocolVersion::TLS12,
            payload: vec![2, 20],
        })));
    }
}
