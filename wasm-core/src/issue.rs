//! The chain problems of the contract's fixed vocabulary (`chain.issues`, and
//! `certificates[].issues` for the certificate each one is about). Its own
//! module so that certificates ([`crate::cert`]) and chains ([`crate::chain`])
//! both use it without depending on each other.

use serde::{Deserialize, Serialize};

/// Chain problems, in the contract's fixed vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainIssue {
    Expired,
    NotYetValid,
    HostnameMismatch,
    SelfSigned,
    UntrustedRoot,
    IncompleteChain,
    WrongOrder,
    ExtraCerts,
    ContainsAnchor,
    WeakKey,
    WeakSignature,
    Revoked,
    /// A constraint or profile check failed (basicConstraints, path length,
    /// name constraints, key usage, extended key usage, unknown critical
    /// extensions, a malformed certificate); `chain.findings` says which.
    InvalidConstraints,
}

impl ChainIssue {
    /// The contract spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChainIssue::Expired => "expired",
            ChainIssue::NotYetValid => "not_yet_valid",
            ChainIssue::HostnameMismatch => "hostname_mismatch",
            ChainIssue::SelfSigned => "self_signed",
            ChainIssue::UntrustedRoot => "untrusted_root",
            ChainIssue::IncompleteChain => "incomplete_chain",
            ChainIssue::WrongOrder => "wrong_order",
            ChainIssue::ExtraCerts => "extra_certs",
            ChainIssue::ContainsAnchor => "contains_anchor",
            ChainIssue::WeakKey => "weak_key",
            ChainIssue::WeakSignature => "weak_signature",
            ChainIssue::Revoked => "revoked",
            ChainIssue::InvalidConstraints => "invalid_constraints",
        }
    }
}
