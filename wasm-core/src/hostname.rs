//! Host name matching. Browsers (RFC 9525, CA/B Forum) look at the
//! subjectAltName only: DNS names against dNSName entries (one wildcard label,
//! leftmost, whole label only, never on a bare TLD), IP literals against
//! iPAddress entries; the subject CN is ignored, so a certificate without a
//! subjectAltName matches nothing. OpenSSL (`openssl s_client
//! -verify_hostname`) still falls back to the CN when there is no DNS name in
//! the subjectAltName; [`matches_openssl`] follows it for the verify code.

use std::net::IpAddr;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use crate::finding::{Finding, Severity};

/// Normalises a host for comparison: lower case, no trailing dot, no IPv6 brackets.
pub fn normalize(host: &str) -> String {
    let h = host.trim().trim_end_matches('.');
    let h = h
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(h);
    h.to_ascii_lowercase()
}

/// Does `cert` name `host`, as a browser reads it (subjectAltName only)?
pub fn matches(cert: &X509Certificate<'_>, host: &str) -> bool {
    let host = normalize(host);
    let ip: Option<IpAddr> = host.parse().ok();
    let names = crate::cert_profile::san_names(cert);
    match ip {
        Some(ip) => names.iter().any(|n| match n {
            GeneralName::IPAddress(bytes) => ip_bytes_match(ip, bytes),
            _ => false,
        }),
        None => names.iter().any(|n| match n {
            GeneralName::DNSName(pattern) => dns_matches(pattern, &host),
            _ => false,
        }),
    }
}

/// Does `cert` name `host` as OpenSSL's `X509_check_host` reads it: DNS
/// subjectAltName entries, and the subject CN when there are none.
pub fn matches_openssl(cert: &X509Certificate<'_>, host: &str) -> bool {
    let normalized = normalize(host);
    let names = crate::cert_profile::san_names(cert);
    let has_dns = names.iter().any(|n| matches!(n, GeneralName::DNSName(_)));
    if normalized.parse::<IpAddr>().is_ok() || has_dns {
        return matches(cert, host);
    }
    cert.tbs_certificate
        .subject
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .any(|cn| dns_matches(cn, &normalized))
}

/// For a leaf without any subjectAltName name: the finding that says browsers
/// do not read its CN.
pub fn no_san_finding(cert: &X509Certificate<'_>) -> Option<Finding> {
    if !crate::cert_profile::san_names(cert).is_empty() {
        return None;
    }
    let cn = cert
        .tbs_certificate
        .subject
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .next();
    let reason = match cn {
        Some(cn) => format!("the leaf has no subjectAltName; browsers ignore its common name '{cn}' (RFC 9525 6.3), so it matches no host"),
        None => "the leaf has no subjectAltName, so it matches no host".to_owned(),
    };
    Some(Finding::new(Severity::Error, "no_subject_alt_name", reason))
}

fn ip_bytes_match(ip: IpAddr, bytes: &[u8]) -> bool {
    match ip {
        IpAddr::V4(v4) => bytes == v4.octets(),
        IpAddr::V6(v6) => bytes == v6.octets(),
    }
}

/// A reference identifier's labels: LDH (underscores are not in the
/// preferred name syntax of RFC 1034/1123).
fn label_ok(l: &str) -> bool {
    !l.is_empty() && l.len() <= 63 && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

/// Matches one DNS pattern (a subjectAltName dNSName, or OpenSSL's CN) against
/// a normalised host name. Malformed patterns match nothing.
pub fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = normalize(pattern);
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        None => !pattern.contains('*') && pattern.split('.').all(label_ok) && pattern == host,
        Some(base) => {
            // The wildcard stands for exactly one whole label, and must not sit
            // directly on a bare TLD (`*.com`).
            if !base.contains('.') || !base.split('.').all(label_ok) {
                return false;
            }
            match host.split_once('.') {
                Some((label, rest)) => label_ok(label) && rest == base,
                None => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_case_insensitive() {
        assert!(dns_matches("Example.TEST", "example.test"));
        assert!(dns_matches("example.test.", "example.test"));
        assert!(!dns_matches("example.test", "www.example.test"));
    }

    #[test]
    fn wildcards_cover_one_label() {
        assert!(dns_matches("*.example.test", "www.example.test"));
        assert!(!dns_matches("*.example.test", "example.test"));
        assert!(!dns_matches("*.example.test", "a.b.example.test"));
        assert!(!dns_matches("*.test", "example.test"));
        assert!(!dns_matches("w*.example.test", "www.example.test"));
        assert!(!dns_matches("www.*.test", "www.example.test"));
        assert!(!dns_matches("*.*.example.test", "a.b.example.test"));
        assert!(!dns_matches("*", "example"));
    }

    #[test]
    fn malformed_patterns_match_nothing() {
        assert!(!dns_matches(
            "under_score.example.test",
            "under_score.example.test"
        ));
        assert!(!dns_matches(
            "xn--*-1b3c148a.example.test",
            "xn--bliss-1b3c148a.example.test"
        ));
        assert!(!dns_matches("*.example.test", "under_score.example.test"));
    }

    #[test]
    fn normalises_brackets() {
        assert_eq!(normalize("[::1]"), "::1");
        assert_eq!(normalize("WWW.Example.Test."), "www.example.test");
    }
}
