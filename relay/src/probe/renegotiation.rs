//! Client-initiated renegotiation (CVE-2009-3555): a server that lets a
//! client renegotiate without RFC 5746 lets a man in the middle splice his
//! own request in front of the victim's.
//!
//! The [`RenegotiationStage`] completes a handshake at the newest of
//! TLS 1.0–1.2 ([`super::tls12`]), offering `renegotiation_info`, then sends
//! a new ClientHello over the encrypted connection — with RFC 5746's
//! `renegotiation_info` carrying our Finished when the server echoed the
//! extension, without it when it did not. A ServerHello in answer means
//! the renegotiation was accepted: without RFC 5746 that is `vulnerable`
//! (SSL Labs: insecure client-initiated renegotiation), with it
//! `not_vulnerable` (secure client-initiated renegotiation, said in the
//! evidence). An alert (`no_renegotiation`), a close or silence is a
//! refusal: `not_vulnerable`.

use std::time::Duration;

use tlslens_core::facts::VulnCheck;

use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use super::tls12::{self, Incoming, Offer};
use crate::codec::{ContentType, HandshakeType};

/// The `probe` of its probe errors.
const PROBE: &str = "vuln:renegotiation";
/// How long to wait for the answer to the second hello.
const ANSWER_WAIT: Duration = Duration::from_secs(3);

/// The second-wave stage testing client-initiated renegotiation.
#[derive(Debug, Clone, Copy)]
pub struct RenegotiationStage;

impl Stage for RenegotiationStage {
    const NAME: &'static str = "renegotiation";
    type Outcome = VulnCheck;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some((v, suites)) = tls12::pick(first, |_| true) else {
            return VulnCheck::not_tested(if tls12::speaks_legacy_tls(first) {
                "the server accepts no suite the probe implements"
            } else {
                "the server speaks none of TLS 1.0–1.2 (TLS 1.3 has no renegotiation)"
            });
        };
        let not_tested = |stop: &tls12::Stop| {
            p.fail(PROBE, &stop.as_fail());
            VulnCheck::not_tested(format!("the handshake failed: {}", stop.describe()))
        };
        let offer = Offer::new(v, suites.clone());
        let mut est = match tls12::hello(p, &offer).await {
            Ok((session, flight)) => match tls12::finish(p, session, flight).await {
                Ok(est) => est,
                Err(s) => return not_tested(&s),
            },
            Err(s) => return not_tested(&s),
        };
        let secure = est.server_hello.renegotiation_info().is_some();
        let again = Offer {
            ticket: None,
            renegotiation_info: secure.then(|| est.client_verify.clone()),
            ..offer
        };
        let hello = again.client_hello(p.sni, p.random(), p.minimal_hellos());
        if let Err(s) = est.send_hello(&hello).await {
            return not_tested(&s);
        }
        match est.receive(ANSWER_WAIT).await {
            Ok(answer) => judge(secure, &answer),
            Err(s) => not_tested(&s),
        }
    }
}

/// The verdict from the answer to the renegotiating hello.
fn judge(secure: bool, answer: &Incoming) -> VulnCheck {
    // The record starts with the ServerHello's handshake header.
    let accepted = matches!(answer, Incoming::Data(ContentType::HANDSHAKE, body)
        if body.first() == Some(&HandshakeType::SERVER_HELLO.0));
    match (accepted, secure) {
        (true, false) => VulnCheck::vulnerable(
            "a client-initiated renegotiation without RFC 5746 was answered with a ServerHello",
        ),
        (true, true) => VulnCheck::not_vulnerable(
            "client-initiated renegotiation is accepted, but secure (RFC 5746)",
        ),
        (false, _) => VulnCheck::not_vulnerable(format!(
            "a client-initiated renegotiation got {}",
            answer.describe()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::conn::Next;
    use tlslens_core::facts::VulnStatus;

    #[test]
    fn renegotiation_verdicts() {
        let server_hello = Incoming::Data(ContentType::HANDSHAKE, vec![2, 0, 0, 70, 3, 3]);
        assert_eq!(judge(false, &server_hello).status, VulnStatus::Vulnerable);
        let v = judge(true, &server_hello);
        assert_eq!(v.status, VulnStatus::NotVulnerable);
        assert!(v.evidence.contains("secure"), "{}", v.evidence);
        let refused = Incoming::Data(ContentType::ALERT, vec![1, 100]);
        let v = judge(false, &refused);
        assert_eq!(v.status, VulnStatus::NotVulnerable);
        assert!(
            v.evidence.contains("alert no_renegotiation"),
            "{}",
            v.evidence
        );
        let closed = Incoming::Quiet(Next::Closed);
        assert_eq!(judge(false, &closed).status, VulnStatus::NotVulnerable);
    }
}
