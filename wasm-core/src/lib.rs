//! TLS Lens core: the one place that decides what is wrong with a TLS server and
//! what grade it gets. Pure and sans-I/O — facts and `now` in, a report out; no
//! network, no clock, no randomness — so the relay (native) and the browser
//! extension (WebAssembly) give byte-identical reports for the same facts.
//!
//! - [`facts`]: what the relay observed ([`ScanFacts`]).
//! - [`report`]: the graded result ([`Report`], docs/contracts.md, contract 2).
//! - [`grade()`]: facts → report; [`grade_with`] adds compliance with a Mozilla
//!   profile and fix plans ([`GradeOptions`]).
//! - [`chain`], [`cert`], [`issue`], [`anchors`], [`sigalg`], [`sigverify`],
//!   [`hostname`], [`ocsp`]: certificates and the chain breakdown; [`path`],
//!   [`validate`], [`cert_profile`], [`nameconstraints`], [`check`]: the
//!   browser-grade path validator; [`stores`]: the root stores per platform
//!   and version.
//! - [`clients`]: the client simulation — the client table, `--clients`
//!   selection, and each client's verdict on what the server chose.
//! - [`policy`]: the grading rules as data; [`expiry`]: the alert schedule.
//! - [`profiles`]: Mozilla's server-side TLS profiles as data; [`compliance`]:
//!   an endpoint compared with one; [`fix`]: the nginx, Apache and Caddy lines
//!   that make an endpoint meet a profile or A+.
//! - [`wire`], [`suites`], [`groups`]: TLS code points and their registries.
//! - [`vuln_probes`]: the ROBOT oracle and DROWN verdicts, from observations.

#![forbid(unsafe_code)]

pub mod anchors;
pub mod cert;
pub mod cert_profile;
pub mod chain;
pub mod check;
pub mod clients;
pub mod compliance;
pub mod der;
pub mod details;
pub mod dh;
pub mod dh_primes;
mod error;
pub mod expiry;
pub mod facts;
pub mod finding;
pub mod fix;
#[doc(hidden)]
pub mod fuzz_support;
pub mod grade;
pub mod groups;
pub mod hex;
pub mod hostname;
pub mod hsts;
pub mod issue;
pub mod nameconstraints;
pub mod ocsp;
pub mod path;
pub mod policy;
pub mod profiles;
pub mod report;
pub mod sct;
pub mod sigalg;
pub mod sigverify;
pub mod stores;
pub mod suites;
pub mod time;
pub mod validate;
pub mod vuln_probes;
pub mod weakness;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use der::Der;
pub use error::Error;
pub use facts::ScanFacts;
pub use grade::{grade, grade_with, GradeOptions};
pub use hex::Hex;
pub use report::{Grade, Report};

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Grades facts given as JSON at `now_ms` (Unix milliseconds) and returns the
/// report as JSON. This is exactly what the WASM `grade` export does.
pub fn grade_json(facts_json: &str, now_ms: f64) -> Result<String, Error> {
    let facts = ScanFacts::from_json(facts_json)?;
    let report = grade(&facts, millis_to_secs(now_ms));
    Ok(serde_json::to_string(&report)?)
}

/// Grades facts as [`grade_with`] does, with the options given as JSON
/// (`{"profile": "mozilla-intermediate", "fix": true}`; an empty string means no
/// options). This is exactly what the WASM `grade_with` export does.
pub fn grade_with_json(facts_json: &str, now_ms: f64, options_json: &str) -> Result<String, Error> {
    let facts = ScanFacts::from_json(facts_json)?;
    let options: GradeOptions = if options_json.trim().is_empty() {
        GradeOptions::default()
    } else {
        serde_json::from_str(options_json)?
    };
    let report = grade_with(&facts, millis_to_secs(now_ms), &options);
    Ok(serde_json::to_string(&report)?)
}

/// The fix plan (JSON) for the endpoint `ip` of a report (JSON), towards `goal`
/// (`A+` or empty for the A+ policy, else a profile name). What the WASM
/// `fix_plan` export does.
pub fn fix_plan_json(report_json: &str, ip: &str, goal: &str) -> Result<String, Error> {
    let goal = fix::FixGoal::parse(goal)?;
    let report: Report = serde_json::from_str(report_json)?;
    let ep = report
        .endpoints
        .iter()
        .find(|e| e.ip == ip && e.error.is_none())
        .ok_or_else(|| Error::NoEndpoint(ip.to_owned()))?;
    let plan = fix::plan(&report.target, ep, goal);
    Ok(serde_json::to_string(&plan)?)
}

/// Analyses a pasted chain (PEM blocks or base64 DER, leaf first) for `host` at
/// `now_ms`, as the popup's "paste a chain" box does.
pub fn parse_chain_json(text: &str, host: Option<&str>, now_ms: f64) -> Result<String, Error> {
    let certs = der::certificates_from_text(text);
    if !certs.iter().any(|d| cert::parse(d.as_bytes()).is_ok()) {
        return Err(Error::NoCertificate(
            "paste PEM blocks (-----BEGIN CERTIFICATE-----) or base64 DER".into(),
        ));
    }
    let (store, _) = anchors::TrustStore::new(&[]);
    let (report, _) = chain::analyse(
        chain::ChainInput {
            sent: &certs,
            aia: &[],
            ocsp_staple: None,
            host,
            now: millis_to_secs(now_ms),
            max_intermediates: None,
        },
        &store,
    );
    Ok(serde_json::to_string(&report)?)
}

/// Sums up per-store verdicts (`chain.trust`, JSON) as
/// `{"trusted": [...], "untrusted": [...], "text": "Trusted by … · not by …"}`,
/// as the popup's trust line shows it. Unknown store ids are an error.
pub fn trust_summary_json(trust_json: &str) -> Result<String, Error> {
    let verdicts: Vec<stores::StoreVerdict> = serde_json::from_str(trust_json)?;
    Ok(serde_json::to_string(&stores::TrustSummary::of(&verdicts))?)
}

fn millis_to_secs(ms: f64) -> i64 {
    if ms.is_finite() {
        (ms / 1000.0).floor() as i64
    } else {
        0
    }
}
