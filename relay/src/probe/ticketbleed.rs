//! Ticketbleed (CVE-2016-9244, F5 BIG-IP): resuming from a session ticket,
//! the server echoes the client's session id as if it were 32 bytes long,
//! whatever its length — the rest is uninitialised memory.
//!
//! The [`TicketbleedStage`] gets a ticket from a full handshake at the newest
//! of TLS 1.0–1.2 ([`super::tls12`]), then offers it again on a new
//! connection with a 16-byte session id. A server that resumes and echoes 32
//! bytes starting with ours leaks the other 16: `vulnerable`, the leaked
//! bytes in the evidence. Echoing exactly our 16 bytes is `not_vulnerable`;
//! a server that issues no ticket cannot leak this way (`not_vulnerable`);
//! one that does not resume from its own ticket cannot be tested.

use tlslens_core::facts::VulnCheck;

use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use super::tls12::{self, Offer};

/// The `probe` of its probe errors.
const PROBE: &str = "vuln:ticketbleed";
/// The length of the session id offered with the ticket.
const SESSION_ID_LEN: usize = 16;

/// The second-wave stage testing Ticketbleed.
#[derive(Debug, Clone, Copy)]
pub struct TicketbleedStage;

impl Stage for TicketbleedStage {
    const NAME: &'static str = "ticketbleed";
    type Outcome = VulnCheck;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some((v, suites)) = tls12::pick(first, |_| true) else {
            return VulnCheck::not_tested(if tls12::speaks_legacy_tls(first) {
                "the server accepts no suite the probe implements"
            } else {
                "the server speaks none of TLS 1.0–1.2 (TLS 1.3 tickets are not affected)"
            });
        };
        if p.minimal_hellos() {
            return VulnCheck::not_tested(
                "the server drops hellos with extensions, and tickets need one",
            );
        }
        let issues_tickets = first
            .best_legacy()
            .and_then(|b| b.flight.as_deref())
            .and_then(|f| f.server_hello.as_ref())
            .map(crate::codec::ServerHello::has_session_ticket);
        if issues_tickets == Some(false) {
            return VulnCheck::not_vulnerable("the server issues no session tickets");
        }
        let not_tested = |stop: &tls12::Stop| {
            p.fail(PROBE, &stop.as_fail());
            VulnCheck::not_tested(format!("the handshake failed: {}", stop.describe()))
        };
        let offer = Offer::new(v, suites.clone());
        let est = match tls12::hello(p, &offer).await {
            Ok((session, flight)) => match tls12::finish(p, session, flight).await {
                Ok(est) => est,
                Err(s) => return not_tested(&s),
            },
            Err(s) => return not_tested(&s),
        };
        let Some(ticket) = est.ticket.clone() else {
            return VulnCheck::not_vulnerable("a full handshake got no session ticket");
        };
        drop(est);
        let session_id: [u8; SESSION_ID_LEN] = p.random();
        let resume = Offer {
            session_id: session_id.to_vec(),
            ticket: Some(ticket),
            ..offer
        };
        match tls12::hello(p, &resume).await {
            Ok((_, flight)) => judge(&session_id, flight.abbreviated, &flight.hello.session_id),
            Err(s) => not_tested(&s),
        }
    }
}

/// The verdict from what the resumption echoed.
fn judge(sent: &[u8], resumed: bool, echoed: &[u8]) -> VulnCheck {
    let offered = format!(
        "a session ticket offered with a {}-byte session id",
        sent.len()
    );
    if !resumed {
        return VulnCheck::not_tested(format!(
            "{offered} did not resume: the server does not take its own tickets back"
        ));
    }
    if echoed == sent {
        return VulnCheck::not_vulnerable(format!(
            "{offered} resumed, the session id echoed as sent"
        ));
    }
    match echoed.strip_prefix(sent) {
        Some(leak) if !leak.is_empty() => VulnCheck::vulnerable(format!(
            "{offered} resumed and {} bytes came back: ours, then {} bytes of server memory ({})",
            echoed.len(),
            leak.len(),
            leak.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )),
        _ => VulnCheck::not_vulnerable(format!(
            "{offered} resumed with another session id ({} bytes), not an over-long echo",
            echoed.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslens_core::facts::VulnStatus;

    #[test]
    fn ticketbleed_verdicts() {
        let sent = [7u8; 16];
        let mut leaked = sent.to_vec();
        leaked.extend([0xDE, 0xAD, 0xBE, 0xEF]);
        leaked.extend([0u8; 12]);
        let v = judge(&sent, true, &leaked);
        assert_eq!(v.status, VulnStatus::Vulnerable);
        assert!(v.evidence.contains("deadbeef"), "{}", v.evidence);
        assert!(v.evidence.contains("32 bytes came back"), "{}", v.evidence);
        assert_eq!(judge(&sent, true, &sent).status, VulnStatus::NotVulnerable);
        assert_eq!(
            judge(&sent, true, &[1; 32]).status,
            VulnStatus::NotVulnerable
        );
        assert_eq!(judge(&sent, false, &[1; 32]).status, VulnStatus::NotTested);
    }
}
