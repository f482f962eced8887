//! TLS 1.3 0-RTT: early data a server accepts can be replayed by anyone who
//! recorded it (RFC 8446 §8), so it is safe only for idempotent requests.
//!
//! The [`EarlyDataStage`] makes a TLS 1.3 handshake and a `GET /` to collect
//! the server's tickets, then resumes sending the same `GET /` as early data
//! ([`danger::early_data`], rustls). Accepted: `vulnerable` (a warning in
//! the policy, not a cap). Rejected, or tickets that allow none:
//! `not_vulnerable`. No TLS 1.3: `not_tested`.

use tlslens_core::facts::VulnCheck;

use super::danger::{self, EarlyData};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};

/// The `probe` of its probe errors.
const PROBE: &str = "vuln:early_data";

/// The second-wave stage testing 0-RTT.
#[derive(Debug, Clone, Copy)]
pub struct EarlyDataStage;

impl Stage for EarlyDataStage {
    const NAME: &'static str = "early_data";
    type Outcome = VulnCheck;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        if !first.tls13.supported() {
            return VulnCheck::not_tested("the server does not speak TLS 1.3");
        }
        match danger::early_data(&p.link, p.host).await {
            Ok(found) => verdict(found),
            Err(f) => {
                p.fail(PROBE, &f);
                VulnCheck::not_tested(format!("the probe failed: {}", f.message))
            }
        }
    }
}

/// The verdict of what the resumption found.
fn verdict(found: EarlyData) -> VulnCheck {
    match found {
        EarlyData::Accepted => VulnCheck::vulnerable(
            "a resumed TLS 1.3 handshake sent GET / as 0-RTT early data and the server accepted it",
        ),
        EarlyData::Rejected => {
            VulnCheck::not_vulnerable("early data sent with a resumed handshake was rejected")
        }
        EarlyData::NotOffered { resumed: true } => {
            VulnCheck::not_vulnerable("the server's session tickets allow no early data")
        }
        EarlyData::NotOffered { resumed: false } => VulnCheck::not_vulnerable(
            "the server resumes no TLS 1.3 session, so no early data can be sent",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslens_core::facts::VulnStatus;

    #[test]
    fn early_data_verdicts() {
        assert_eq!(verdict(EarlyData::Accepted).status, VulnStatus::Vulnerable);
        for e in [
            EarlyData::Rejected,
            EarlyData::NotOffered { resumed: true },
            EarlyData::NotOffered { resumed: false },
        ] {
            assert_eq!(verdict(e).status, VulnStatus::NotVulnerable, "{e:?}");
        }
    }
}
