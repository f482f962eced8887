//! The verdicts of the active vulnerability probes that need judging rather
//! than reading off one answer, as pure functions of observations:
//!
//! * **ROBOT** ([`judge_robot`]): the Bleichenbacher oracle test of the ROBOT
//!   paper (Böck, Somorovsky, Young, USENIX Security 2018, §4) as its authors'
//!   `robot-detect` runs it. Five RSA ClientKeyExchange payloads
//!   ([`RobotPayload`]) are sent, each on its own connection, first in the
//!   standard message flow (ClientKeyExchange, ChangeCipherSpec, Finished),
//!   and when the five answers are identical again in the shortened flow
//!   (ClientKeyExchange alone). An answer is an alert (by description), a
//!   close, a reset or silence. Five identical answers in both flows: no
//!   oracle. Answers that differ are sent once more; when the repetition
//!   answers the same, the server is an oracle — *weak* when the three
//!   payloads that are not PKCS#1-conformant in different ways
//!   ([`RobotPayload::WrongFirstBytes`], [`RobotPayload::WrongZeroPosition`],
//!   [`RobotPayload::NoZeroSeparator`]) answer alike (only a conformant
//!   message stands out, the attack takes too many queries), *strong*
//!   otherwise. A repetition that answers differently is "not tested"
//!   (an unstable server, not an oracle).
//! * **DROWN** ([`drown`]): the endpoint offers SSLv2, or another endpoint of
//!   the same scan offers SSLv2 with a certificate whose RSA key is this
//!   endpoint's (SSL Labs rating guide 2009l: a server is vulnerable when its
//!   key is usable through SSLv2 anywhere, even if it does not speak SSLv2
//!   itself; SSLv2 without cipher suites counts as SSLv2).
//!
//! The relay calls [`judge_robot`] to write the ROBOT fact; the grading calls
//! [`drown`] for every endpoint, so the cross-endpoint part needs no scanner
//! support beyond `sslv2_certificate`.

use crate::facts::{EndpointFacts, OracleStrength, VulnCheck};
use crate::wire::ProtocolVersion;

/// The five ClientKeyExchange payloads of the ROBOT test, in the paper's
/// order. Each is the RSA encryption of a 48-byte premaster secret in a
/// PKCS#1 v1.5 block (`00 02`, non-zero padding, `00`, the secret), with one
/// defect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RobotPayload {
    /// A conformant block with the right version (`03 03`) in the secret.
    Correct,
    /// The block starts with `41 17` instead of `00 02`.
    WrongFirstBytes,
    /// The `00` separator is missing where it belongs and comes near the end
    /// (a premaster secret of the wrong length; also an old JSSE bug).
    WrongZeroPosition,
    /// No `00` separator at all.
    NoZeroSeparator,
    /// Conformant padding, but the secret starts with version `02 02`
    /// (Klíma, Pokorný, Rosa).
    WrongVersion,
}

impl RobotPayload {
    /// All five, in the paper's order.
    pub const ALL: [Self; 5] = [
        Self::Correct,
        Self::WrongFirstBytes,
        Self::WrongZeroPosition,
        Self::NoZeroSeparator,
        Self::WrongVersion,
    ];

    /// Short human name (evidence lines).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correct => "correct",
            Self::WrongFirstBytes => "wrong first bytes",
            Self::WrongZeroPosition => "0x00 misplaced",
            Self::NoZeroSeparator => "no 0x00",
            Self::WrongVersion => "wrong version",
        }
    }
}

/// The message flow of a ROBOT round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RobotFlow {
    /// ClientKeyExchange, ChangeCipherSpec and a Finished of random bytes.
    Standard,
    /// ClientKeyExchange alone.
    Shortened,
}

impl RobotFlow {
    /// Human name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard flow",
            Self::Shortened => "shortened flow",
        }
    }
}

/// The answers of one round, in [`RobotPayload::ALL`] order (`alert
/// bad_record_mac`, `closed`, `reset`, `silent`, …: equal strings are equal
/// answers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RobotRound {
    /// Which flow.
    pub flow: RobotFlow,
    /// One answer per payload.
    pub answers: [String; 5],
}

impl RobotRound {
    /// Whether the payloads got different answers.
    pub fn distinguishes(&self) -> bool {
        self.answers.iter().any(|a| a != &self.answers[0])
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = RobotPayload::ALL
            .iter()
            .zip(&self.answers)
            .map(|(p, a)| format!("{} → {a}", p.as_str()))
            .collect();
        format!("{}: {}", self.flow.as_str(), parts.join("; "))
    }
}

/// The ROBOT verdict from the rounds that ran (standard first, then
/// shortened) and the repetition of the first round that distinguished
/// (`None` when none did).
pub fn judge_robot(rounds: &[RobotRound], repeat: Option<&[String; 5]>) -> VulnCheck {
    let Some(round) = rounds.iter().find(|r| r.distinguishes()) else {
        let seen: Vec<String> = rounds
            .iter()
            .map(|r| format!("{}: {}", r.flow.as_str(), r.answers[0]))
            .collect();
        return if seen.is_empty() {
            VulnCheck::not_tested("no ROBOT round ran")
        } else {
            VulnCheck::not_vulnerable(format!(
                "the five ClientKeyExchange payloads got identical answers ({})",
                seen.join("; ")
            ))
        };
    };
    match repeat {
        Some(again) if again == &round.answers => {}
        Some(again) => {
            return VulnCheck::not_tested(format!(
                "answers changed when repeated, no stable oracle ({}; repeated: {})",
                round.describe(),
                again.join(", ")
            ))
        }
        None => return VulnCheck::not_tested("the distinguishing round was not repeated"),
    }
    let [_, first_bytes, zero_position, no_zero, _] = &round.answers;
    let strength = if first_bytes == zero_position && zero_position == no_zero {
        OracleStrength::Weak
    } else {
        OracleStrength::Strong
    };
    VulnCheck {
        oracle: Some(strength),
        ..VulnCheck::vulnerable(format!(
            "{} oracle, confirmed by repetition ({})",
            strength.as_str(),
            round.describe()
        ))
    }
}

/// The subjectPublicKeyInfo of an RSA certificate, `None` for other keys or
/// unparsable certificates.
fn rsa_spki(der: &[u8]) -> Option<Vec<u8>> {
    let cert = crate::cert::parse(der).ok()?;
    let spki = cert.public_key();
    // rsaEncryption
    (spki.algorithm.algorithm.to_id_string() == "1.2.840.113549.1.1.1").then(|| spki.raw.to_vec())
}

/// The RSA keys this endpoint authenticates with (primary and other chains).
fn endpoint_rsa_keys(ep: &EndpointFacts) -> Vec<Vec<u8>> {
    ep.chain
        .iter()
        .chain(&ep.other_chains)
        .chain(&ep.chain_no_sni)
        .filter_map(|c| c.certificates.first())
        .filter_map(|leaf| rsa_spki(leaf.as_bytes()))
        .collect()
}

/// The `probe` of the relay's SSLv2 probe errors.
const SSLV2_PROBE: &str = "protocol:SSLv2";

/// DROWN for endpoint `index` of `endpoints`; `None` for an endpoint that
/// could not be scanned. A verdict the facts already carry as `vulnerable`
/// (another scanner's) is kept.
pub fn drown(endpoints: &[EndpointFacts], index: usize) -> Option<VulnCheck> {
    let ep = endpoints.get(index)?;
    if ep.error.is_some() {
        return None;
    }
    if let Some(given) = ep
        .vulnerabilities
        .drown
        .as_ref()
        .filter(|d| d.is_vulnerable())
    {
        return Some(given.clone());
    }
    if ep.protocols.contains(&ProtocolVersion::SSLV2) {
        let ciphers = if ep.sslv2_ciphers.is_empty() {
            "without cipher suites, which still counts".to_owned()
        } else {
            format!("with {}", ep.sslv2_ciphers.join(", "))
        };
        return Some(VulnCheck::vulnerable(format!(
            "this endpoint offers SSLv2 ({ciphers})"
        )));
    }
    let keys = endpoint_rsa_keys(ep);
    let sslv2_elsewhere = endpoints
        .iter()
        .enumerate()
        .any(|(i, o)| i != index && o.protocols.contains(&ProtocolVersion::SSLV2));
    if sslv2_elsewhere && ep.chain.is_none() {
        return Some(VulnCheck::not_tested(
            "another endpoint offers SSLv2 and this endpoint's chain, so its key, was not measured",
        ));
    }
    for (i, other) in endpoints.iter().enumerate() {
        if i == index || !other.protocols.contains(&ProtocolVersion::SSLV2) {
            continue;
        }
        let shared = other
            .sslv2_certificate
            .as_ref()
            .and_then(|c| rsa_spki(c.as_bytes()))
            .is_some_and(|k| keys.contains(&k));
        if shared {
            return Some(VulnCheck::vulnerable(format!(
                "endpoint {} offers SSLv2 with this endpoint's RSA key",
                other.ip
            )));
        }
    }
    if ep.probe_errors.iter().any(|e| e.probe == SSLV2_PROBE) {
        return Some(VulnCheck::not_tested(
            "the SSLv2 probe failed, so SSLv2 support is unknown",
        ));
    }
    if ep.protocols.is_empty() {
        return ep.vulnerabilities.drown.clone();
    }
    let others = endpoints.len().saturating_sub(1);
    Some(VulnCheck::not_vulnerable(if others == 0 {
        "SSLv2 is not offered (other hosts and ports sharing the key were not scanned)".to_owned()
    } else {
        format!(
            "SSLv2 is not offered here nor with this key by the {others} other endpoint(s) (other hosts and ports were not scanned)"
        )
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::facts::VulnStatus;

    fn round(flow: RobotFlow, answers: [&str; 5]) -> RobotRound {
        RobotRound {
            flow,
            answers: answers.map(str::to_owned),
        }
    }

    #[test]
    fn robot_identical_answers_in_both_flows_is_no_oracle() {
        let rounds = [
            round(RobotFlow::Standard, ["alert bad_record_mac"; 5]),
            round(RobotFlow::Shortened, ["silent"; 5]),
        ];
        let v = judge_robot(&rounds, None);
        assert_eq!(v.status, VulnStatus::NotVulnerable);
        assert_eq!(v.oracle, None);
        assert!(
            v.evidence.contains("standard flow: alert bad_record_mac"),
            "{}",
            v.evidence
        );
        assert!(
            v.evidence.contains("shortened flow: silent"),
            "{}",
            v.evidence
        );
        assert_eq!(judge_robot(&[], None).status, VulnStatus::NotTested);
    }

    #[test]
    fn robot_strong_oracle_when_malformed_paddings_differ() {
        // The classic: a conformant block gets one alert, wrong first bytes
        // another (the paper's strong oracle).
        let answers = [
            "alert bad_record_mac",
            "alert handshake_failure",
            "alert bad_record_mac",
            "alert bad_record_mac",
            "alert bad_record_mac",
        ];
        let rounds = [round(RobotFlow::Standard, answers)];
        let repeat = answers.map(str::to_owned);
        let v = judge_robot(&rounds, Some(&repeat));
        assert_eq!(v.status, VulnStatus::Vulnerable);
        assert_eq!(v.oracle, Some(OracleStrength::Strong));
        assert!(v.evidence.starts_with("strong oracle"), "{}", v.evidence);
        assert!(
            v.evidence
                .contains("wrong first bytes → alert handshake_failure"),
            "{}",
            v.evidence
        );
    }

    #[test]
    fn robot_weak_oracle_when_only_the_conformant_block_stands_out() {
        // Shortened flow: the server waits for more after a good block and
        // resets on every bad one.
        let answers = ["silent", "reset", "reset", "reset", "silent"];
        let rounds = [
            round(RobotFlow::Standard, ["alert bad_record_mac"; 5]),
            round(RobotFlow::Shortened, answers),
        ];
        let v = judge_robot(&rounds, Some(&answers.map(str::to_owned)));
        assert_eq!(v.status, VulnStatus::Vulnerable);
        assert_eq!(v.oracle, Some(OracleStrength::Weak));
        assert!(v.evidence.contains("shortened flow"), "{}", v.evidence);
    }

    #[test]
    fn robot_unstable_answers_are_not_an_oracle() {
        let answers = ["reset", "silent", "reset", "reset", "reset"];
        let rounds = [round(RobotFlow::Standard, answers)];
        let repeat = ["reset"; 5].map(str::to_owned);
        let v = judge_robot(&rounds, Some(&repeat));
        assert_eq!(v.status, VulnStatus::NotTested);
        assert!(
            v.evidence.contains("changed when repeated"),
            "{}",
            v.evidence
        );
        assert_eq!(judge_robot(&rounds, None).status, VulnStatus::NotTested);
    }
}
