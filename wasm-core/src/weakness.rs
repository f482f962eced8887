//! Every known weakness of a TLS endpoint, each judged `vulnerable`,
//! `not_vulnerable` or `not_tested` with one line of evidence — the list
//! SSL Labs and testssl.sh show, in one fixed order, so "not tested" is
//! never confused with "not vulnerable".
//!
//! Two kinds of entries:
//!
//! * **probed** (Heartbleed, CCS injection, Ticketbleed, ROBOT, DROWN,
//!   POODLE-TLS, insecure client-initiated renegotiation, TLS 1.3 0-RTT):
//!   the relay's probe verdicts in `vulnerabilities` (facts), with DROWN
//!   judged across endpoints ([`crate::vuln_probes`]), read by [`probed`];
//! * **derived** from what the server accepts: BEAST, CRIME, BREACH,
//!   Sweet32, Logjam, FREAK, LUCKY13, RC4 and POODLE (SSLv3). Each has its
//!   function below, with the rule it follows in its doc comment.
//!
//! What a weakness does to the grade is the policy's business
//! ([`crate::policy`]); the table in `docs/report.md` maps each weakness to
//! its rules and their SSL Labs source.

use serde::{Deserialize, Serialize};

use crate::dh::DhGroupReport;
use crate::facts::{EndpointFacts, OracleStrength, VulnCheck, VulnStatus, Vulnerabilities};
use crate::suites::{CipherMode, KeyExchange, SuiteInfo};
use crate::wire::ProtocolVersion;

/// The known weaknesses, in the order they are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeaknessCode {
    Heartbleed,
    CcsInjection,
    Ticketbleed,
    Robot,
    Drown,
    PoodleTls,
    InsecureRenegotiation,
    EarlyData,
    Poodle,
    Beast,
    Crime,
    Breach,
    Sweet32,
    Logjam,
    Freak,
    Lucky13,
    Rc4,
}

impl WeaknessCode {
    /// The stable spelling (`ccs_injection`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Heartbleed => "heartbleed",
            Self::CcsInjection => "ccs_injection",
            Self::Ticketbleed => "ticketbleed",
            Self::Robot => "robot",
            Self::Drown => "drown",
            Self::PoodleTls => "poodle_tls",
            Self::InsecureRenegotiation => "insecure_renegotiation",
            Self::EarlyData => "early_data",
            Self::Poodle => "poodle",
            Self::Beast => "beast",
            Self::Crime => "crime",
            Self::Breach => "breach",
            Self::Sweet32 => "sweet32",
            Self::Logjam => "logjam",
            Self::Freak => "freak",
            Self::Lucky13 => "lucky13",
            Self::Rc4 => "rc4",
        }
    }

    /// The name people know it by (`CCS injection (CVE-2014-0224)`).
    pub fn title(self) -> &'static str {
        match self {
            Self::Heartbleed => "Heartbleed (CVE-2014-0160)",
            Self::CcsInjection => "CCS injection (CVE-2014-0224)",
            Self::Ticketbleed => "Ticketbleed (CVE-2016-9244)",
            Self::Robot => "ROBOT",
            Self::Drown => "DROWN",
            Self::PoodleTls => "POODLE (TLS)",
            Self::InsecureRenegotiation => "Insecure client renegotiation",
            Self::EarlyData => "TLS 1.3 0-RTT",
            Self::Poodle => "POODLE (SSLv3)",
            Self::Beast => "BEAST",
            Self::Crime => "CRIME (TLS compression)",
            Self::Breach => "BREACH (HTTP compression)",
            Self::Sweet32 => "Sweet32 (64-bit block ciphers)",
            Self::Logjam => "Logjam",
            Self::Freak => "FREAK",
            Self::Lucky13 => "LUCKY13",
            Self::Rc4 => "RC4",
        }
    }
}

/// One weakness as judged for one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weakness {
    /// Stable code.
    pub code: WeaknessCode,
    /// Display name.
    pub name: String,
    /// The verdict.
    pub status: VulnStatus,
    /// Why, in one line, with the specifics of this server.
    pub evidence: String,
    /// ROBOT only: the oracle's strength, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle: Option<OracleStrength>,
}

fn finding(code: WeaknessCode, status: VulnStatus, evidence: impl Into<String>) -> Weakness {
    Weakness {
        code,
        name: code.title().to_owned(),
        status,
        evidence: evidence.into(),
        oracle: None,
    }
}

/// What the derived judgements read: the accepted suites the registry
/// knows, with their protocol, and the judged DH groups.
struct Offer<'a> {
    ep: &'a EndpointFacts,
    known: Vec<(ProtocolVersion, SuiteInfo)>,
    dh: &'a [DhGroupReport],
}

impl Offer<'_> {
    /// Whether the protocols were measured at all.
    fn measured(&self) -> bool {
        !self.ep.protocols.is_empty()
    }

    /// `protocol suite` for each accepted suite matching `pred`, deduplicated.
    fn list(&self, pred: impl Fn(ProtocolVersion, &SuiteInfo) -> bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (p, i) in &self.known {
            if pred(*p, i) {
                let name = format!("{p} {}", i.name);
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// At most three items, then "and N more".
fn shown(items: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    s
}

/// Every weakness of `ep`, in [`WeaknessCode`] order; `vulns` is the
/// endpoint's probe verdicts as the report judges them (DROWN across
/// endpoints), `dh` its judged DH groups.
pub fn assess(ep: &EndpointFacts, vulns: &Vulnerabilities, dh: &[DhGroupReport]) -> Vec<Weakness> {
    let offer = Offer {
        ep,
        known: ep
            .all_suites()
            .filter_map(|(p, s)| s.info().map(|i| (p, i)))
            .collect(),
        dh,
    };
    let v = vulns;
    vec![
        probed(WeaknessCode::Heartbleed, v.heartbleed.as_ref()),
        probed(WeaknessCode::CcsInjection, v.ccs_injection.as_ref()),
        probed(WeaknessCode::Ticketbleed, v.ticketbleed.as_ref()),
        probed(WeaknessCode::Robot, v.robot.as_ref()),
        probed(WeaknessCode::Drown, v.drown.as_ref()),
        probed(WeaknessCode::PoodleTls, v.poodle_tls.as_ref()),
        probed(
            WeaknessCode::InsecureRenegotiation,
            v.insecure_renegotiation.as_ref(),
        ),
        probed(WeaknessCode::EarlyData, v.early_data.as_ref()),
        poodle(&offer),
        beast(&offer),
        crime(ep),
        breach(ep),
        sweet32(&offer),
        logjam(&offer),
        freak(&offer),
        lucky13(&offer),
        rc4(&offer),
    ]
}

/// A probe's verdict: its own status, evidence and oracle; facts of older
/// scanners that wrote booleans have no evidence, so a generic line stands
/// in; absent is `not_tested`.
pub fn probed(code: WeaknessCode, check: Option<&VulnCheck>) -> Weakness {
    let Some(check) = check else {
        return finding(code, VulnStatus::NotTested, "the probe did not run");
    };
    let evidence = if check.evidence.is_empty() {
        match (code, check.status) {
            (WeaknessCode::Heartbleed, VulnStatus::Vulnerable) => {
                "the server answered an over-long heartbeat request with memory it should not have sent"
            }
            (WeaknessCode::Heartbleed, VulnStatus::NotVulnerable) => {
                "no heartbeat support, or the over-long heartbeat request was discarded"
            }
            (WeaknessCode::CcsInjection, VulnStatus::Vulnerable) => {
                "the server accepted an early ChangeCipherSpec and failed to decrypt with the empty master secret"
            }
            (WeaknessCode::CcsInjection, VulnStatus::NotVulnerable) => {
                "the server rejected an early ChangeCipherSpec"
            }
            (_, VulnStatus::Vulnerable) => "the relay's probe found proof",
            (_, VulnStatus::NotVulnerable) => "the relay's probe found no weakness",
            (_, VulnStatus::NotTested) => "the probe could not run",
        }
        .to_owned()
    } else {
        check.evidence.clone()
    };
    Weakness {
        oracle: check.oracle,
        ..finding(code, check.status, evidence)
    }
}

/// POODLE (SSLv3): SSLv3 with a CBC suite (Möller, Duong, Kotowicz 2014).
fn poodle(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Poodle;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    if !o.ep.protocols.contains(&ProtocolVersion::SSLV3) {
        return finding(code, VulnStatus::NotVulnerable, "SSLv3 is not accepted");
    }
    let cbc = o.list(|p, i| p == ProtocolVersion::SSLV3 && i.mode == CipherMode::Cbc);
    if cbc.is_empty() {
        finding(
            code,
            VulnStatus::NotVulnerable,
            "SSLv3 is accepted, but with no CBC suite",
        )
    } else {
        finding(
            code,
            VulnStatus::Vulnerable,
            format!("SSLv3 accepts CBC suites: {}", shown(&cbc)),
        )
    }
}

/// BEAST: CBC suites under SSLv3 or TLS 1.0, whose IVs are predictable
/// (Duong and Rizzo 2011). SSL Labs reports it and no longer grades it:
/// clients split records (1/n−1) since 2012.
fn beast(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Beast;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let cbc = o.list(|p, i| p <= ProtocolVersion::TLS10 && i.mode == CipherMode::Cbc);
    if cbc.is_empty() {
        return finding(
            code,
            VulnStatus::NotVulnerable,
            "no CBC suite is accepted with SSLv3 or TLS 1.0",
        );
    }
    finding(
        code,
        VulnStatus::Vulnerable,
        format!(
            "CBC suites with predictable IVs: {} (clients that split records are safe)",
            shown(&cbc)
        ),
    )
}

/// CRIME: TLS-level compression (Rizzo and Duong 2012).
fn crime(ep: &EndpointFacts) -> Weakness {
    let code = WeaknessCode::Crime;
    match ep.compression {
        Some(true) => finding(
            code,
            VulnStatus::Vulnerable,
            "the server accepted DEFLATE compression in the handshake",
        ),
        Some(false) => finding(
            code,
            VulnStatus::NotVulnerable,
            "the server refused TLS compression",
        ),
        None => finding(
            code,
            VulnStatus::NotTested,
            "TLS compression was not measured",
        ),
    }
}

/// BREACH: HTTP compression of responses (Gluck, Harris, Prado 2013). The
/// `GET /` answer is compressed when the server sent a `Content-Encoding`
/// other than `identity`; whether a page reflects input next to a secret
/// cannot be told from outside, so this says "potentially".
fn breach(ep: &EndpointFacts) -> Weakness {
    let code = WeaknessCode::Breach;
    let Some(http) = ep.http.as_ref() else {
        return finding(code, VulnStatus::NotTested, "no HTTP request was made");
    };
    let (Some(asked), Some(status)) = (http.accept_encoding.as_deref(), http.status) else {
        let why = match &http.error {
            Some(e) => format!("GET / failed: {e}"),
            None => "HTTP compression was not measured".to_owned(),
        };
        return finding(code, VulnStatus::NotTested, why);
    };
    match http
        .content_encoding
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"))
    {
        Some(enc) => finding(
            code,
            VulnStatus::Vulnerable,
            format!(
                "GET / (Accept-Encoding: {asked}) was answered {status} with Content-Encoding: \
                 {enc}; pages that reflect input next to secrets are exposed"
            ),
        ),
        None => finding(
            code,
            VulnStatus::NotVulnerable,
            format!("GET / (Accept-Encoding: {asked}) was answered {status} uncompressed"),
        ),
    }
}

/// Sweet32: 64-bit block ciphers (3DES, IDEA, DES, RC2) — birthday-bound
/// collisions after about 32 GB (Bhargavan and Leurent 2016).
fn sweet32(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Sweet32;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let small = o.list(|_, i| i.block_bits == 64);
    if small.is_empty() {
        finding(
            code,
            VulnStatus::NotVulnerable,
            "no 64-bit block cipher suite is accepted",
        )
    } else {
        finding(
            code,
            VulnStatus::Vulnerable,
            format!("64-bit block cipher suites: {}", shown(&small)),
        )
    }
}

/// Logjam (Adrian et al. 2015): export-grade DHE suites, DH parameters of
/// 1024 bits or fewer, or a widely shared prime of that size.
fn logjam(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Logjam;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let export = o.list(|_, i| i.export && matches!(i.kx, KeyExchange::Dhe));
    if !export.is_empty() {
        return finding(
            code,
            VulnStatus::Vulnerable,
            format!("export-grade DHE suites: {}", shown(&export)),
        );
    }
    let dhe = o.list(|_, i| matches!(i.kx, KeyExchange::Dhe) && !i.tls13);
    if dhe.is_empty() {
        return finding(
            code,
            VulnStatus::NotVulnerable,
            "no finite-field DHE suite is accepted",
        );
    }
    let weakest_known = o.dh.iter().min_by_key(|g| g.bits);
    let bits =
        o.ep.key_exchange
            .dh_bits
            .or_else(|| weakest_known.map(|g| g.bits));
    let Some(bits) = bits else {
        return finding(
            code,
            VulnStatus::NotTested,
            "DHE suites are accepted but no DH parameters were seen",
        );
    };
    let name = weakest_known
        .and_then(|g| g.known.as_ref().filter(|_| g.bits == bits))
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    if bits <= 1024 {
        let common = if o.dh.iter().any(DhGroupReport::common_and_small) {
            ", a widely shared prime"
        } else {
            ""
        };
        finding(
            code,
            VulnStatus::Vulnerable,
            format!("DHE uses {bits}-bit parameters{name}{common}"),
        )
    } else {
        finding(
            code,
            VulnStatus::NotVulnerable,
            format!("DHE uses {bits}-bit parameters{name}, and no export suite"),
        )
    }
}

/// FREAK: export-grade RSA suites (Beurdouche et al. 2015).
fn freak(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Freak;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let export = o.list(|_, i| i.kx == KeyExchange::RsaExport);
    if export.is_empty() {
        finding(
            code,
            VulnStatus::NotVulnerable,
            "no export-grade RSA suite is accepted",
        )
    } else {
        finding(
            code,
            VulnStatus::Vulnerable,
            format!("export-grade RSA suites: {}", shown(&export)),
        )
    }
}

/// LUCKY13: CBC with HMAC (SHA-1, SHA-256, SHA-384) in TLS, a timing side
/// channel in the padding check (AlFardan and Paterson 2013). Whether a
/// stack leaks depends on its constant-time code, which cannot be measured
/// from one scan: "vulnerable" here means "potentially", as testssl.sh says.
fn lucky13(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Lucky13;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let cbc = o.list(|p, i| {
        p >= ProtocolVersion::TLS10
            && i.mode == CipherMode::Cbc
            && (i.name.ends_with("_SHA")
                || i.name.ends_with("_SHA256")
                || i.name.ends_with("_SHA384"))
    });
    if cbc.is_empty() {
        finding(
            code,
            VulnStatus::NotVulnerable,
            "no CBC-with-HMAC suite is accepted in TLS",
        )
    } else {
        finding(
            code,
            VulnStatus::Vulnerable,
            format!(
                "potentially: CBC suites with HMAC in TLS ({}); exposure depends on the TLS \
                 stack's constant-time padding check",
                shown(&cbc)
            ),
        )
    }
}

/// RC4: any RC4 suite (RFC 7465 forbids them), or an SSLv2 RC4 cipher.
fn rc4(o: &Offer<'_>) -> Weakness {
    let code = WeaknessCode::Rc4;
    if !o.measured() {
        return finding(
            code,
            VulnStatus::NotTested,
            "the protocols were not measured",
        );
    }
    let mut rc4 = o.list(|_, i| i.cipher.starts_with("RC4"));
    rc4.extend(
        o.ep.sslv2_ciphers
            .iter()
            .filter(|c| c.contains("RC4"))
            .map(|c| format!("SSLv2 {c}")),
    );
    if rc4.is_empty() {
        finding(code, VulnStatus::NotVulnerable, "no RC4 suite is accepted")
    } else {
        finding(
            code,
            VulnStatus::Vulnerable,
            format!("RC4 suites: {}", shown(&rc4)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{HttpFacts, ProtocolSuites};
    use crate::wire::CipherSuite;

    fn ep(protocol: ProtocolVersion, suites: &[u16]) -> EndpointFacts {
        EndpointFacts {
            protocols: vec![protocol],
            cipher_suites: vec![ProtocolSuites {
                protocol,
                suites: suites.iter().map(|s| CipherSuite(*s)).collect(),
                server_order: None,
            }],
            ..EndpointFacts::default()
        }
    }

    fn status(ep: &EndpointFacts, code: WeaknessCode) -> (VulnStatus, String) {
        let w = assess(ep, &ep.vulnerabilities, &[]);
        let f = w.iter().find(|w| w.code == code).unwrap();
        (f.status, f.evidence.clone())
    }

    #[test]
    fn the_list_is_complete_and_in_order() {
        let w = assess(&EndpointFacts::default(), &Vulnerabilities::default(), &[]);
        let codes: Vec<&str> = w.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "heartbleed",
                "ccs_injection",
                "ticketbleed",
                "robot",
                "drown",
                "poodle_tls",
                "insecure_renegotiation",
                "early_data",
                "poodle",
                "beast",
                "crime",
                "breach",
                "sweet32",
                "logjam",
                "freak",
                "lucky13",
                "rc4"
            ]
        );
        // Nothing measured: nothing is claimed.
        assert!(w.iter().all(|w| w.status == VulnStatus::NotTested), "{w:?}");
    }

    #[test]
    fn tls10_cbc_is_beast_and_lucky13_but_not_sweet32() {
        // TLS_RSA_WITH_AES_128_CBC_SHA
        let e = ep(ProtocolVersion::TLS10, &[0x002F]);
        assert_eq!(status(&e, WeaknessCode::Beast).0, VulnStatus::Vulnerable);
        assert_eq!(status(&e, WeaknessCode::Lucky13).0, VulnStatus::Vulnerable);
        assert_eq!(
            status(&e, WeaknessCode::Sweet32).0,
            VulnStatus::NotVulnerable
        );
        let e = ep(ProtocolVersion::TLS12, &[0x002F, 0xC02F]);
        assert_eq!(status(&e, WeaknessCode::Beast).0, VulnStatus::NotVulnerable);
    }

    #[test]
    fn legacy_ciphers_are_named() {
        // 3DES, RC4-MD5, EXP-RC4-MD5, EXP-EDH-RSA-DES-CBC-SHA
        let e = ep(ProtocolVersion::TLS10, &[0x000A, 0x0004, 0x0003, 0x0014]);
        let (s, why) = status(&e, WeaknessCode::Sweet32);
        assert_eq!(s, VulnStatus::Vulnerable);
        assert!(why.contains("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), "{why}");
        assert_eq!(status(&e, WeaknessCode::Rc4).0, VulnStatus::Vulnerable);
        let (s, why) = status(&e, WeaknessCode::Freak);
        assert_eq!(s, VulnStatus::Vulnerable);
        assert!(why.contains("TLS_RSA_EXPORT_WITH_RC4_40_MD5"), "{why}");
        let (s, why) = status(&e, WeaknessCode::Logjam);
        assert_eq!(s, VulnStatus::Vulnerable);
        assert!(why.contains("EXPORT"), "{why}");
    }

    #[test]
    fn logjam_reads_the_dh_size() {
        // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
        let mut e = ep(ProtocolVersion::TLS12, &[0x009E]);
        assert_eq!(status(&e, WeaknessCode::Logjam).0, VulnStatus::NotTested);
        e.key_exchange.dh_bits = Some(1024);
        assert_eq!(status(&e, WeaknessCode::Logjam).0, VulnStatus::Vulnerable);
        e.key_exchange.dh_bits = Some(2048);
        assert_eq!(
            status(&e, WeaknessCode::Logjam).0,
            VulnStatus::NotVulnerable
        );
        let e = ep(ProtocolVersion::TLS12, &[0xC02F]);
        assert_eq!(
            status(&e, WeaknessCode::Logjam).0,
            VulnStatus::NotVulnerable
        );
    }

    #[test]
    fn breach_needs_the_request_and_the_answer() {
        let mut e = ep(ProtocolVersion::TLS12, &[0xC02F]);
        e.http = Some(HttpFacts {
            status: Some(200),
            ..HttpFacts::default()
        });
        // An older relay sent no Accept-Encoding: not measured.
        assert_eq!(status(&e, WeaknessCode::Breach).0, VulnStatus::NotTested);
        let http = e.http.as_mut().unwrap();
        http.accept_encoding = Some("gzip, deflate, br".into());
        assert_eq!(
            status(&e, WeaknessCode::Breach).0,
            VulnStatus::NotVulnerable
        );
        e.http.as_mut().unwrap().content_encoding = Some("gzip".into());
        let (s, why) = status(&e, WeaknessCode::Breach);
        assert_eq!(s, VulnStatus::Vulnerable);
        assert!(why.contains("Content-Encoding: gzip"), "{why}");
        e.http.as_mut().unwrap().content_encoding = Some("identity".into());
        assert_eq!(
            status(&e, WeaknessCode::Breach).0,
            VulnStatus::NotVulnerable
        );
    }

    #[test]
    fn crime_and_probes_keep_not_tested_apart() {
        let mut e = ep(ProtocolVersion::TLS12, &[0xC02F]);
        assert_eq!(status(&e, WeaknessCode::Crime).0, VulnStatus::NotTested);
        e.compression = Some(false);
        assert_eq!(status(&e, WeaknessCode::Crime).0, VulnStatus::NotVulnerable);
        e.compression = Some(true);
        assert_eq!(status(&e, WeaknessCode::Crime).0, VulnStatus::Vulnerable);
        e.vulnerabilities.heartbleed = Some(VulnCheck::not_vulnerable(""));
        assert_eq!(
            status(&e, WeaknessCode::Heartbleed).0,
            VulnStatus::NotVulnerable
        );
        assert_eq!(status(&e, WeaknessCode::Robot).0, VulnStatus::NotTested);
    }
}
