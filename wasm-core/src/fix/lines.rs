//! Single settings as nginx, Apache and Caddy lines, and the names each server
//! uses (OpenSSL's suite and group names; Go's for Caddy). The fix plans build
//! their snippets from these, and the compliance deviations quote them in their
//! `fix` texts, so the two never disagree.

use crate::profiles::{CertificateType, Profile};
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

use super::{apache, caddy, nginx};

/// Where a plan puts DH parameters, and how to make the file.
pub const DHPARAM_PATH: &str = "/etc/ssl/ffdhe2048.pem";

/// The command that writes the RFC 7919 ffdhe2048 group to [`DHPARAM_PATH`].
pub const DHPARAM_COMMAND: &str =
    "openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out /etc/ssl/ffdhe2048.pem";

/// OpenSSL's name for a suite (`ECDHE-RSA-AES128-GCM-SHA256`; TLS 1.3 suites
/// keep their IANA names); `None` for a suite OpenSSL does not name.
pub fn openssl_suite(s: CipherSuite) -> Option<&'static str> {
    s.info().and_then(|i| i.openssl_name)
}

/// OpenSSL's name for a group (`X25519`, `prime256v1`, `secp384r1`, `ffdhe2048`,
/// `X25519MLKEM768`).
pub fn openssl_group(g: NamedGroup) -> String {
    match g {
        NamedGroup::X25519 => "X25519".to_owned(),
        NamedGroup::X448 => "X448".to_owned(),
        NamedGroup::SECP256R1 => "prime256v1".to_owned(),
        other => other.to_string(),
    }
}

/// The OpenSSL spelling of a protocol version in nginx and Apache (`TLSv1`).
pub fn openssl_protocol(v: ProtocolVersion) -> String {
    match v {
        ProtocolVersion::TLS10 => "TLSv1".to_owned(),
        other => other.to_string(),
    }
}

/// A `:`-joined OpenSSL suite list (suites OpenSSL does not name are left out).
pub fn openssl_suite_list(suites: &[CipherSuite]) -> String {
    suites
        .iter()
        .filter_map(|s| openssl_suite(*s))
        .collect::<Vec<_>>()
        .join(":")
}

/// OpenSSL's names of suites, each suite OpenSSL does not name by its IANA
/// name.
pub fn openssl_suite_names(suites: &[CipherSuite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| openssl_suite(*s).map_or_else(|| s.to_string(), str::to_owned))
        .collect()
}

/// OpenSSL's names of protocol versions (`TLSv1`, `TLSv1.1`).
pub fn openssl_protocol_names(versions: &[ProtocolVersion]) -> Vec<String> {
    versions.iter().map(|v| openssl_protocol(*v)).collect()
}

/// OpenSSL's names of groups.
pub fn openssl_group_names(groups: &[NamedGroup]) -> Vec<String> {
    groups.iter().map(|g| openssl_group(*g)).collect()
}

/// A `:`-joined OpenSSL group list.
pub fn openssl_group_list(groups: &[NamedGroup]) -> String {
    groups
        .iter()
        .map(|g| openssl_group(*g))
        .collect::<Vec<_>>()
        .join(":")
}

fn three(nginx: String, apache: String, caddy: String) -> String {
    format!("nginx `{nginx}` · Apache `{apache}` · Caddy `{caddy}`")
}

/// Protocol versions in all three servers.
pub fn protocols_all(v: &[ProtocolVersion]) -> String {
    if v.iter().any(|p| *p < ProtocolVersion::TLS12) {
        return format!(
            "nginx `{}` · Apache `{}` · Caddy cannot offer TLS 1.0 or 1.1",
            nginx::protocols(v),
            apache::protocols(v)
        );
    }
    three(
        nginx::protocols(v),
        apache::protocols(v),
        caddy::protocols(v),
    )
}

/// A TLS 1.0–1.2 suite list in all three servers.
pub fn suites_all(s: &[CipherSuite]) -> String {
    three(nginx::ciphers(s), apache::ciphers(s), caddy::ciphers(s))
}

/// A TLS 1.3 suite list (Caddy cannot set one: Go enables all three).
pub fn tls13_suites_all(s: &[CipherSuite]) -> String {
    format!(
        "nginx `{}` · Apache `{}` · Caddy: not configurable (Go offers only the three standard suites)",
        nginx::tls13(s),
        apache::tls13(s)
    )
}

/// Key-exchange groups in all three servers.
pub fn groups_all(g: &[NamedGroup]) -> String {
    three(nginx::curves(g), apache::curves(g), caddy::curves(g))
}

/// Who picks the suite.
pub fn server_order_all(server: bool) -> String {
    format!(
        "nginx `{}` · Apache `{}` · Caddy: Go decides itself",
        nginx::prefer(server),
        apache::prefer(server)
    )
}

/// DH parameters (Caddy has no DHE).
pub fn dhparam_all() -> String {
    format!(
        "create the file with `{DHPARAM_COMMAND}`, then nginx `{}` · Apache `{}` · Caddy: no DHE (nothing to do)",
        nginx::dhparam(),
        apache::dhparam()
    )
}

/// The HSTS header.
pub fn hsts_all(value: &str) -> String {
    three(nginx::hsts(value), apache::hsts(value), caddy::hsts(value))
}

/// OCSP stapling.
pub fn stapling_all() -> String {
    format!(
        "nginx `{}` · Apache `{}` (and `{}` outside the virtual host) · Caddy staples automatically",
        nginx::stapling().join(" "),
        apache::stapling(),
        apache::STAPLING_CACHE
    )
}

/// The key a new certificate should have for `profile`, as words.
pub fn wanted_key(profile: &Profile) -> &'static str {
    if profile.certificate_types.contains(&CertificateType::Ecdsa) {
        "an ECDSA P-256 key"
    } else {
        "an RSA 2048-bit key"
    }
}

/// How to get a certificate with the key `profile` wants.
pub fn new_certificate_fix(profile: &Profile) -> String {
    let (certbot, caddy_key) = if profile.certificate_types.contains(&CertificateType::Ecdsa) {
        ("--key-type ecdsa --elliptic-curve secp256r1", "p256")
    } else {
        ("--key-type rsa --rsa-key-size 2048", "rsa2048")
    };
    format!(
        "Get a new certificate with {}: certbot `certbot certonly {certbot} -d HOST` (then point \
         ssl_certificate / SSLCertificateFile at it) · Caddy `key_type {caddy_key}` in the tls block.",
        wanted_key(profile)
    )
}
