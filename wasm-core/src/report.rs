//! `Report`: the graded result (docs/contracts.md, contract 2). Field names of the contract
//! are fixed; the rest is documented in `docs/report.md`. Only ordered containers
//! are used, so the same facts serialise to the same bytes on every platform.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::facts::{BrowserFacts, ProbeError, ResumptionFacts, Target};
use crate::policy::RuleCode;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The schema of [`Report`].
pub const REPORT_SCHEMA: &str = "tlslens.report/1";

/// A letter grade. Order: best first (`A+` < `A` < … < `F` < `T` < `M` in
/// [`Grade::rank`] terms, where larger is worse).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum Grade {
    #[serde(rename = "A+")]
    APlus,
    #[serde(rename = "A")]
    A,
    #[serde(rename = "A-")]
    AMinus,
    B,
    C,
    D,
    E,
    F,
    /// Not trusted: the certificate would be rejected by browsers.
    T,
    /// Name mismatch: the certificate is not for this host.
    M,
}

impl Grade {
    /// Badness: 0 for A+, growing to M. T and M rank below F because a browser
    /// refuses the connection outright.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::APlus => "A+",
            Grade::A => "A",
            Grade::AMinus => "A-",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::E => "E",
            Grade::F => "F",
            Grade::T => "T",
            Grade::M => "M",
        }
    }

    /// Every grade, best first: the one order everything that compares grades
    /// uses (the relay's monitor, and the extension through the WASM
    /// `grade_order` / `grade_dropped` exports).
    pub const ORDER: [Grade; 10] = [
        Grade::APlus,
        Grade::A,
        Grade::AMinus,
        Grade::B,
        Grade::C,
        Grade::D,
        Grade::E,
        Grade::F,
        Grade::T,
        Grade::M,
    ];

    /// Reads the contract spelling (`A+`, `T`) back.
    pub fn parse(s: &str) -> Option<Grade> {
        Self::ORDER.into_iter().find(|g| g.as_str() == s)
    }

    /// Whether going from `previous` to `self` is a drop (a worse grade).
    pub fn dropped_from(self, previous: Grade) -> bool {
        self.rank() > previous.rank()
    }

    /// The worse of two grades.
    pub fn worst(self, other: Grade) -> Grade {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The whole report for one target.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_SCHEMA`].
    pub schema: String,
    /// The grading policy that produced the grades (`tlslens-2026.2`).
    pub policy: String,
    /// What was scanned.
    pub target: Target,
    /// The `now` the grade was computed at (RFC 3339).
    pub graded_at: String,
    /// The scanner that gathered the facts, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner: Option<String>,
    /// Worst grade over the endpoints that could be graded; `null` when none could.
    pub grade: Option<Grade>,
    /// All endpoints serve the same chain, protocols, suites and grade.
    pub endpoints_agree: bool,
    /// What differs between endpoints: `chain`, `protocols`, `cipher_suites`,
    /// `grade`, `reachability`.
    pub differences: Vec<String>,
    /// The comparison with a Mozilla profile over all endpoints, when one was
    /// asked for (`grade_with`, `--profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<crate::compliance::TargetCompliance>,
    /// One entry per IP.
    pub endpoints: Vec<EndpointReport>,
    /// Every simulated client that fails somewhere, with the reason and the
    /// endpoints (docs/contracts.md, contract 6); absent when no client was simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_failures: Option<Vec<crate::clients::ClientFailureSummary>>,
}

/// The three category scores and the weighted total, 0–100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub protocol: u32,
    pub key_exchange: u32,
    pub cipher: u32,
    pub total: u32,
}

/// A rule that caps the grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cap {
    /// The best grade this rule allows.
    pub grade: Grade,
    /// Stable rule code (see the policy table).
    pub code: RuleCode,
    /// Why, in plain words, with the specifics of this server.
    pub reason: String,
    /// What to change.
    pub fix: String,
}

/// A rule that turns an A into an A- (and blocks A+).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: RuleCode,
    pub reason: String,
    pub fix: String,
}

/// A weak suite worth marking in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeakSuite {
    pub protocol: ProtocolVersion,
    pub suite: CipherSuite,
    /// Short reason: `RC4`, `64-bit block (Sweet32)`, `no forward secrecy`, …
    pub reason: String,
}

/// Key-exchange details.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyExchangeReport {
    /// DH prime size for DHE suites.
    pub dh_bits: Option<u32>,
    /// ECDH group chosen by the server.
    pub ecdh_group: Option<NamedGroup>,
    /// The weakest key exchange in RSA-equivalent bits, the input of the score.
    pub weakest_rsa_equivalent_bits: Option<u32>,
    /// The DH groups seen, judged (well known, prime, safe prime).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dh_groups: Vec<crate::dh::DhGroupReport>,
    /// The server reused a DHE public value across handshakes (`null`:
    /// fewer than two seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dh_public_reuse: Option<bool>,
    /// The same for ECDHE (TLS ≤ 1.2 points and TLS 1.3 key shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecdh_public_reuse: Option<bool>,
}

/// Parsed `Strict-Transport-Security`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hsts {
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    /// The header follows RFC 6797.
    pub valid: bool,
    /// What is wrong with it, if anything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The header as received.
    pub raw: String,
}

/// Days-left summary for monitors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expiry {
    pub leaf_not_after: String,
    pub leaf_days_left: i64,
    pub earliest_not_after: String,
    pub earliest_days_left: i64,
    /// Subject of the certificate that expires first.
    pub earliest_subject: String,
    /// The alert threshold (default 30/14/7/1) that applies now; 0 when expired;
    /// `null` when further away than the largest threshold.
    pub threshold: Option<u32>,
}

/// A fact the scanner could not measure, so the grade does not judge it
/// (rather than capping on a probe's failure).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmeasured {
    /// No chain could be captured although the server completed handshakes:
    /// trust, expiry and the name are not judged.
    Chain,
    /// The HTTPS `GET /` failed: HSTS (and so A+) is not judged.
    Hsts,
}

impl Unmeasured {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chain => "chain",
            Self::Hsts => "hsts",
        }
    }
}

/// The graded result for one IP.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EndpointReport {
    pub ip: String,
    /// Why this endpoint could not be scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ProbeError>,
    pub grade: Option<Grade>,
    pub grade_trust_ignored: Option<Grade>,
    pub score: Option<Score>,
    pub caps: Vec<Cap>,
    pub warnings: Vec<Warning>,
    pub protocols: Vec<ProtocolVersion>,
    pub cipher_suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>>,
    pub server_cipher_order: BTreeMap<ProtocolVersion, bool>,
    pub weak_cipher_suites: Vec<WeakSuite>,
    /// SSLv2 cipher kinds, when SSLv2 is offered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sslv2_ciphers: Vec<String>,
    pub groups: Vec<NamedGroup>,
    pub key_exchange: KeyExchangeReport,
    pub chain: Option<crate::chain::ChainReport>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_chains: Vec<crate::chain::ChainReport>,
    pub no_sni_chain_differs: bool,
    /// The server refuses handshakes without SNI (`null`: not measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni_required: Option<bool>,
    /// The no-SNI chain, when it differs from the SNI one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_sni_chain: Option<crate::chain::ChainReport>,
    pub hsts: Option<Hsts>,
    pub ocsp_stapling: bool,
    pub alpn: Vec<String>,
    pub secure_renegotiation: Option<bool>,
    pub fallback_scsv: Option<bool>,
    pub compression: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_resumption: Option<ResumptionFacts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<BrowserFacts>,
    /// The client simulation (docs/contracts.md, contract 6); absent when not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<crate::clients::ClientReport>>,
    /// Facts that could not be measured (`chain`, `hsts`), named so that a
    /// missing fact reads "not measured", never as a verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_measured: Vec<Unmeasured>,
    /// Every known weakness, judged, in a fixed order (docs/report.md): the
    /// vulnerability probes' verdicts (DROWN judged across the scan's
    /// endpoints) and the weaknesses derived from the other facts — the one
    /// list of verdicts in the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weaknesses: Vec<crate::weakness::Weakness>,
    /// SSL Labs' "Protocol details" we measure beyond the grade.
    #[serde(default)]
    pub protocol_details: crate::details::ProtocolDetails,
    pub expiry: Option<Expiry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probe_errors: Vec<ProbeError>,
    /// The comparison with a Mozilla profile, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<crate::compliance::Compliance>,
    /// The fix plan, when one was asked for (`GradeOptions::fix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::FixPlan>,
}

#[cfg(test)]
mod tests {
    use super::Grade;

    #[test]
    fn grade_order_is_rank_order_and_reads_back() {
        for (i, g) in Grade::ORDER.iter().enumerate() {
            assert_eq!(usize::from(g.rank()), i);
            assert_eq!(Grade::parse(g.as_str()), Some(*g));
        }
        assert_eq!(Grade::parse("Z"), None);
        assert!(Grade::T.dropped_from(Grade::F));
        assert!(Grade::M.dropped_from(Grade::T));
        assert!(!Grade::A.dropped_from(Grade::B));
    }
}
