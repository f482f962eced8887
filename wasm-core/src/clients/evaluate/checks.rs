//! The client's rules applied to what the server chose: protocol, suite,
//! group and DH size; then to the chain it sent.

use super::{is_dhe, is_ecdhe, pretty, ChainView, Judge, Verdict};
use crate::cert::{CertReport, CertRole};
use crate::chain::ChainIssue;
use crate::clients::failure::{ClientFailure, FailureCode};
use crate::clients::table::Intermediates;
use crate::wire::ProtocolVersion;

fn fail(code: FailureCode, message: String) -> Verdict {
    Err(ClientFailure::new(code, message))
}

impl Judge<'_> {
    /// The server's choice of protocol, suite, group and DH parameters.
    pub(super) fn negotiated(&self, protocol: ProtocolVersion) -> Verdict {
        let name = self.name();
        if !self.profile.versions.contains(&protocol) {
            return fail(
                FailureCode::ProtocolMismatch,
                format!(
                    "the server chose {}, which {name} does not offer",
                    pretty(protocol)
                ),
            );
        }
        if !self.profile.accepts_protocol(protocol) {
            let min = self.profile.min_protocol().map_or_else(String::new, pretty);
            return fail(
                FailureCode::ProtocolMismatch,
                format!(
                    "the server chose {}; {name} accepts only {min} or newer",
                    pretty(protocol)
                ),
            );
        }
        let Some(suite) = self.hs.cipher_suite else {
            return Ok(());
        };
        if !self.profile.suites.contains(&suite) {
            return fail(
                FailureCode::CipherMismatch,
                format!("the server chose {suite}, which {name} does not offer"),
            );
        }
        let info = suite.info();
        if let (Some(group), Some(i)) = (self.hs.group, info) {
            if is_ecdhe(&i)
                && !self.profile.groups.is_empty()
                && !self.profile.groups.contains(&group)
            {
                return fail(
                    FailureCode::GroupMismatch,
                    format!("the server chose the group {group}, which {name} does not support"),
                );
            }
        }
        let dhe = info.is_some_and(|i| is_dhe(&i))
            || self
                .hs
                .group
                .and_then(|g| g.info())
                .is_some_and(|g| matches!(g.kind, crate::groups::GroupKind::FiniteField));
        match self.hs.dh_bits.filter(|_| dhe) {
            Some(bits) => self.dh_size(bits),
            None => Ok(()),
        }
    }

    fn dh_size(&self, bits: u32) -> Verdict {
        let name = self.name();
        if let Some(min) = self.rules().dh_min.filter(|m| bits < *m) {
            return fail(
                FailureCode::DhTooSmall,
                format!("the server's DH parameters are {bits} bits; {name} needs at least {min}"),
            );
        }
        if let Some(max) = self.rules().dh_max.filter(|m| bits > *m) {
            return fail(
                FailureCode::DhTooLarge,
                format!("the server's DH parameters are {bits} bits; {name} handles at most {max}"),
            );
        }
        Ok(())
    }

    /// The chain the client received, by its rules.
    pub(super) fn certificate(&self, chain: ChainView<'_>) -> Verdict {
        let report = chain.report;
        let has = |i: ChainIssue| report.issues.contains(&i);
        let leaf = report.certificates.first();
        if !self.profile.sni && has(ChainIssue::HostnameMismatch) {
            return fail(
                FailureCode::NoSni,
                format!(
                    "{} sends no SNI, so the server sends its default certificate, which is for {}",
                    self.name(),
                    leaf.map_or_else(|| "another name".to_owned(), names_of)
                ),
            );
        }
        let path: Vec<&CertReport> = report
            .certificates
            .iter()
            .filter(|c| matches!(c.role, CertRole::Leaf | CertRole::Intermediate))
            .collect();
        self.key_sizes(&path)?;
        self.signatures(&path)?;
        self.validity(report)?;
        if has(ChainIssue::HostnameMismatch) {
            return fail(
                FailureCode::HostnameMismatch,
                format!(
                    "the certificate is not valid for {} (it is for {})",
                    self.cx.host,
                    leaf.map_or_else(|| "another name".to_owned(), names_of)
                ),
            );
        }
        self.completeness(chain)?;
        self.trust(chain)
    }

    fn key_sizes(&self, path: &[&CertReport]) -> Verdict {
        let rules = self.rules();
        for c in path {
            let (kind, bits) = (c.key.kind.as_str(), c.key.bits);
            let (min, max) = match kind {
                "RSA" => (rules.rsa_min, rules.rsa_max),
                "EC" => (rules.ecdsa_min, None),
                _ => (None, None),
            };
            let key = format!("the key of {} is {kind} {bits} bits", c.subject);
            if let Some(min) = min.filter(|m| bits < *m) {
                return fail(
                    FailureCode::KeyTooSmall,
                    format!("{key}; {} needs at least {min}", self.name()),
                );
            }
            if let Some(max) = max.filter(|m| bits > *m) {
                return fail(
                    FailureCode::KeyTooLarge,
                    format!("{key}; {} handles at most {max}", self.name()),
                );
            }
        }
        Ok(())
    }

    fn signatures(&self, path: &[&CertReport]) -> Verdict {
        if self.rules().sha1 {
            return Ok(());
        }
        match path
            .iter()
            .find(|c| c.issues.contains(&ChainIssue::WeakSignature))
        {
            Some(c) => fail(
                FailureCode::SignatureRejected,
                format!(
                    "{} is signed with {}; {} rejects SHA-1 and MD5 signatures",
                    c.subject,
                    c.signature_algorithm,
                    self.name()
                ),
            ),
            None => Ok(()),
        }
    }

    fn validity(&self, report: &crate::chain::ChainReport) -> Verdict {
        let dated = |issue: ChainIssue| {
            report
                .certificates
                .iter()
                .find(|c| c.issues.contains(&issue))
        };
        if report.issues.contains(&ChainIssue::Expired) {
            let which = dated(ChainIssue::Expired).map_or_else(String::new, |c| {
                format!(" ({} expired on {})", c.subject, c.not_after)
            });
            return fail(
                FailureCode::Expired,
                format!(
                    "a certificate in the chain has expired{which}; {} rejects it",
                    self.name()
                ),
            );
        }
        if report.issues.contains(&ChainIssue::NotYetValid) {
            let which = dated(ChainIssue::NotYetValid).map_or_else(String::new, |c| {
                format!(" ({} is valid from {})", c.subject, c.not_before)
            });
            return fail(
                FailureCode::NotYetValid,
                format!(
                    "a certificate in the chain is not valid yet{which}; {} rejects it",
                    self.name()
                ),
            );
        }
        Ok(())
    }

    fn completeness(&self, chain: ChainView<'_>) -> Verdict {
        if !chain.report.issues.contains(&ChainIssue::IncompleteChain) {
            return Ok(());
        }
        let missing = chain
            .report
            .missing_issuer
            .as_ref()
            .map_or_else(String::new, |m| format!(" (missing: {m})"));
        let name = self.name();
        let fetched = chain.verdict.completed_by_aia;
        match self.rules().intermediates {
            Intermediates::Fetch if fetched => Ok(()),
            Intermediates::Preloaded if fetched && self.store_verdict(chain) == Some(true) => Ok(()),
            _ if !fetched => fail(
                FailureCode::IncompleteChain,
                format!("the server does not send the intermediate certificate{missing} and it cannot be found; {name} cannot build a chain"),
            ),
            Intermediates::Preloaded => fail(
                FailureCode::IncompleteChain,
                format!("the server does not send the intermediate certificate; {name} completes chains only with publicly disclosed intermediates"),
            ),
            _ => fail(
                FailureCode::IncompleteChain,
                format!("the server does not send the intermediate certificate; {name} does not fetch missing intermediates (AIA)"),
            ),
        }
    }

    /// The client's store's verdict, where `--ca-file` anchors (`custom`)
    /// count for every client.
    fn store_verdict(&self, chain: ChainView<'_>) -> Option<bool> {
        let trust = self.cx.trust;
        if trust.trusted(chain.report, chain.verdict, "custom") == Some(true) {
            return Some(true);
        }
        trust.trusted(chain.report, chain.verdict, &self.rules().store)
    }

    fn trust(&self, chain: ChainView<'_>) -> Verdict {
        let trusted = self.store_verdict(chain).unwrap_or(chain.verdict.anchored);
        if trusted {
            return Ok(());
        }
        let name = self.name();
        let store = &self.rules().store;
        let report = chain.report;
        let message = if report.issues.contains(&ChainIssue::SelfSigned) {
            format!("the certificate is self-signed; {name} does not trust it")
        } else {
            let top = report
                .certificates
                .iter()
                .rev()
                .find(|c| c.role != CertRole::Extra)
                .map_or_else(|| "its last certificate".to_owned(), |c| c.issuer.clone());
            format!(
                "the chain ends at {top}, which is not a root in the store {name} uses ({store})"
            )
        };
        fail(FailureCode::Untrusted, message)
    }
}

/// `a.example, b.example` (the SANs) or the subject.
fn names_of(c: &CertReport) -> String {
    if c.san.is_empty() {
        c.subject.clone()
    } else {
        c.san.join(", ")
    }
}
