//! `Finding`: an observation about the input that is not a grading rule — a
//! certificate that does not parse, a signature algorithm we cannot check, an
//! OCSP response we cannot read. Collected as data, shown to the user.

use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably a problem.
    Warning,
    /// Certainly a problem.
    Error,
}

/// One observation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable machine code, snake_case.
    pub code: String,
    /// Human text with the specifics.
    pub reason: String,
}

impl Finding {
    /// Builds a finding.
    pub fn new(severity: Severity, code: &str, reason: impl Into<String>) -> Self {
        Self {
            severity,
            code: code.to_owned(),
            reason: reason.into(),
        }
    }
}
