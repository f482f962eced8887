//! What the validator checks, as data: the kinds of checks ([`Check`]), each
//! mapped onto the contract's chain issue, and one failed check on a path
//! ([`Violation`]) with its reason in plain words. `docs/validation.md` lists
//! every check with the rule (RFC 5280, CA/B Forum, Chrome/Mozilla) behind it.

use x509_parser::certificate::X509Certificate;

use crate::issue::ChainIssue;

/// A kind of check a browser-grade validator makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
    /// basicConstraints: issuers are CAs, end entities are not.
    BasicConstraints,
    /// basicConstraints pathLenConstraint, and the caller's depth limit.
    PathLength,
    /// nameConstraints of the CAs above: a name outside the permitted
    /// subtrees (or one that cannot be checked).
    NameConstraints,
    /// nameConstraints of the CAs above: a name in an excluded subtree.
    NameExcluded,
    /// extKeyUsage: serverAuth for the leaf, and in the CAs above.
    ExtendedKeyUsage,
    /// keyUsage: keyCertSign on issuers, a TLS usage on the leaf.
    KeyUsage,
    /// A critical extension the validator does not know.
    CriticalExtension,
    /// The certificate profile (RFC 5280 and the CA/B Forum Baseline
    /// Requirements): version, serial, names, extension encodings.
    Profile,
    /// A key type or encoding browsers do not accept (DSA, explicit curves, RSA
    /// moduli that are not a whole number of bytes).
    KeyAlgorithm,
    /// A key weaker than 2048 RSA-equivalent bits, or on a curve browsers do not
    /// accept.
    WeakKey,
    /// Past notAfter.
    Expired,
    /// Before notBefore.
    NotYetValid,
    /// Signed with MD2/MD4/MD5 or SHA-1.
    WeakSignature,
}

impl Check {
    /// Every check.
    pub const ALL: [Check; 13] = [
        Check::BasicConstraints,
        Check::PathLength,
        Check::NameConstraints,
        Check::NameExcluded,
        Check::ExtendedKeyUsage,
        Check::KeyUsage,
        Check::CriticalExtension,
        Check::Profile,
        Check::KeyAlgorithm,
        Check::WeakKey,
        Check::Expired,
        Check::NotYetValid,
        Check::WeakSignature,
    ];

    /// The chain issue this check's failure is reported as.
    pub fn issue(self) -> ChainIssue {
        match self {
            Check::WeakKey => ChainIssue::WeakKey,
            Check::Expired => ChainIssue::Expired,
            Check::NotYetValid => ChainIssue::NotYetValid,
            Check::WeakSignature => ChainIssue::WeakSignature,
            _ => ChainIssue::InvalidConstraints,
        }
    }

    /// The stable code of the finding that explains a failure.
    pub fn code(self) -> &'static str {
        match self {
            Check::BasicConstraints => "basic_constraints",
            Check::PathLength => "path_length",
            Check::NameConstraints | Check::NameExcluded => "name_constraints",
            Check::ExtendedKeyUsage => "extended_key_usage",
            Check::KeyUsage => "key_usage",
            Check::CriticalExtension => "unknown_critical_extension",
            Check::Profile => "certificate_profile",
            Check::KeyAlgorithm => "key_algorithm",
            Check::WeakKey => "weak_key",
            Check::Expired => "expired",
            Check::NotYetValid => "not_yet_valid",
            Check::WeakSignature => "weak_signature",
        }
    }
}

/// Whether a finding code names a failed constraint check (one reported as
/// `invalid_constraints`).
pub fn is_constraint_code(code: &str) -> bool {
    Check::ALL
        .iter()
        .any(|c| c.issue() == ChainIssue::InvalidConstraints && c.code() == code)
}

/// One failed check on a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Position on the path (0 = the leaf).
    pub at: usize,
    pub check: Check,
    /// Plain words: which certificate, which rule.
    pub reason: String,
}

/// How a certificate is named in reasons: its CN, else its whole subject.
pub fn cert_name(cert: &X509Certificate<'_>) -> String {
    let subject = &cert.tbs_certificate.subject;
    match subject
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
    {
        Some(cn) if !cn.is_empty() => cn.to_owned(),
        _ if subject.as_raw().len() > 2 => subject.to_string(),
        _ => "(empty subject)".to_owned(),
    }
}

/// Where a certificate stands on a path, as reasons name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The server's certificate (also when it is itself an anchor).
    Leaf,
    /// A CA between the leaf and the anchor.
    Intermediate,
    /// The trust anchor.
    Root,
}

impl Place {
    /// "the leaf 'x'", "the intermediate 'X'", "the root 'X'".
    pub fn describe(self, cert: &X509Certificate<'_>) -> String {
        let word = match self {
            Place::Leaf => "the leaf",
            Place::Intermediate => "the intermediate",
            Place::Root => "the root",
        };
        format!("{word} '{}'", cert_name(cert))
    }
}
