//! Host name matching per RFC 6125 as browsers apply it: DNS names against DNS
//! SANs (one wildcard label, leftmost, whole label only), IP literals against IP
//! SANs only, and the subject CN only when the certificate has no SAN extension.

use std::net::IpAddr;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};

/// Normalises a host for comparison: lower case, no trailing dot, no IPv6 brackets.
pub fn normalize(host: &str) -> String {
    let h = host.trim().trim_end_matches('.');
    let h = h
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(h);
    h.to_ascii_lowercase()
}

/// Does `cert` name `host`?
pub fn matches(cert: &X509Certificate<'_>, host: &str) -> bool {
    let host = normalize(host);
    let ip: Option<IpAddr> = host.parse().ok();
    let mut sans = None;
    for ext in cert.tbs_certificate.extensions() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
            sans = Some(&san.general_names);
        }
    }
    match (sans, ip) {
        (Some(names), Some(ip)) => names.iter().any(|n| match n {
            GeneralName::IPAddress(bytes) => ip_bytes_match(ip, bytes),
            _ => false,
        }),
        (Some(names), None) => names.iter().any(|n| match n {
            GeneralName::DNSName(pattern) => dns_matches(pattern, &host),
            _ => false,
        }),
        // No SAN extension at all: legacy fallback to the subject CN (DNS only).
        (None, None) => cert
            .tbs_certificate
            .subject
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok())
            .any(|cn| dns_matches(cn, &host)),
        (None, Some(_)) => false,
    }
}

fn ip_bytes_match(ip: IpAddr, bytes: &[u8]) -> bool {
    match ip {
        IpAddr::V4(v4) => bytes == v4.octets(),
        IpAddr::V6(v6) => bytes == v6.octets(),
    }
}

/// Matches one SAN DNS pattern against a normalised host name.
pub fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = normalize(pattern);
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        None => !pattern.contains('*') && pattern == host,
        Some(base) => {
            // The wildcard stands for exactly one whole label, and must not sit
            // directly on a bare TLD (`*.com`).
            if base.contains('*') || !base.contains('.') {
                return false;
            }
            match host.split_once('.') {
                Some((label, rest)) => !label.is_empty() && rest == base,
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
    }

    #[test]
    fn normalises_brackets() {
        assert_eq!(normalize("[::1]"), "::1");
        assert_eq!(normalize("WWW.Example.Test."), "www.example.test");
    }
}
