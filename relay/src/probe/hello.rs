//! The ClientHellos the probes send: legacy (SSLv3–TLS 1.2) hellos offering
//! any suites, TLS 1.3 hellos with chosen groups and key shares, SSLv2, and a
//! current Chrome-like hello.
//!
//! Key shares never need a private key: the probes stop at the ServerHello.
//! The X25519 share is the curve's base point (u = 9, a valid public key), and
//! the ML-KEM-768 encapsulation key of X25519MLKEM768 is all zeros, which
//! passes FIPS 203's input check; an empty `key_share` makes a server that
//! accepts one of the offered groups answer with a HelloRetryRequest naming
//! it, which is all the group probes need.

use tlslens_core::groups::{self, GroupKind};
use tlslens_core::suites;

use crate::codec::{
    compression, heartbeat_mode, CipherSuite, ClientExtension, ClientHello, ExtensionType,
    KeyShareEntry, NamedGroup, Padding, ProtocolVersion, Sslv2ClientHello,
};

/// Signature schemes offered in TLS 1.2 hellos: everything, old ones too, so
/// servers with DSA or SHA-1-only setups still answer.
pub const SIG_ALGS_ALL: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081A, 0x081B, 0x081C, 0x0804, 0x0805, 0x0806, 0x0809,
    0x080A, 0x080B, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602, 0x0203,
    0x0201, 0x0202, 0x0101,
];

/// Signature schemes valid in TLS 1.3.
pub const SIG_ALGS_TLS13: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081A, 0x081B, 0x081C, 0x0804, 0x0805, 0x0806, 0x0809,
    0x080A, 0x080B, 0x0401, 0x0501, 0x0601,
];

/// Chrome's signature schemes.
const SIG_ALGS_CHROME: &[u16] = &[
    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
];

/// Chrome's cipher suites (TLS 1.3 first), as of Chrome 131.
pub const CHROME_SUITES: &[CipherSuite] = &[
    CipherSuite(0x1301),
    CipherSuite(0x1302),
    CipherSuite(0x1303),
    CipherSuite(0xC02B),
    CipherSuite(0xC02F),
    CipherSuite(0xC02C),
    CipherSuite(0xC030),
    CipherSuite(0xCCA9),
    CipherSuite(0xCCA8),
    CipherSuite(0xC013),
    CipherSuite(0xC014),
    CipherSuite(0x009C),
    CipherSuite(0x009D),
    CipherSuite(0x002F),
    CipherSuite(0x0035),
];

/// The name recorded in `BrowserFacts::client`.
pub const BROWSER_CLIENT: &str = "chrome-131";

/// The first groups offered, in this order; the rest of the registry follows.
const PREFERRED_GROUPS: &[NamedGroup] = &[
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
    NamedGroup::SECP521R1,
    NamedGroup::X448,
];

fn ordered_groups(filter: impl Fn(&groups::GroupInfo) -> bool) -> Vec<NamedGroup> {
    let mut out: Vec<NamedGroup> = PREFERRED_GROUPS
        .iter()
        .copied()
        .filter(|g| g.info().is_some_and(|i| filter(&i)))
        .collect();
    for g in groups::all() {
        if filter(&g) && !out.contains(&NamedGroup(g.code)) {
            out.push(NamedGroup(g.code));
        }
    }
    out
}

/// Elliptic-curve groups usable for ECDHE in TLS ≤ 1.2 (no FFDHE: offering
/// RFC 7919 groups lets a server refuse DHE suites with its own prime).
pub fn legacy_groups() -> Vec<NamedGroup> {
    ordered_groups(|g| matches!(g.kind, GroupKind::EllipticCurve | GroupKind::Montgomery))
}

/// Groups usable in TLS 1.3.
pub fn tls13_groups() -> Vec<NamedGroup> {
    ordered_groups(|g| match g.kind {
        GroupKind::EllipticCurve => matches!(g.code, 23..=25 | 31..=33),
        GroupKind::Montgomery
        | GroupKind::FiniteField
        | GroupKind::Hybrid
        | GroupKind::PostQuantum => true,
        GroupKind::Other => false,
    })
}

/// Every TLS ≤ 1.2 suite of the registry, common ones first (computed once
/// per process: every scan's enumeration starts from it).
pub fn legacy_suites() -> Vec<CipherSuite> {
    static ORDER: std::sync::OnceLock<Vec<CipherSuite>> = std::sync::OnceLock::new();
    ORDER.get_or_init(rank_legacy_suites).clone()
}

fn rank_legacy_suites() -> Vec<CipherSuite> {
    let all: Vec<suites::SuiteInfo> = suites::all().filter(|s| !s.tls13).collect();
    let rank = |s: &suites::SuiteInfo| -> u8 {
        let fs = s.forward_secret();
        match (fs, s.aead(), s.bits >= 128) {
            (true, true, _) => 0,
            (true, false, true) => 1,
            (false, true, _) => 2,
            (false, false, true) => 3,
            _ => 4,
        }
    };
    let mut ordered: Vec<&suites::SuiteInfo> = all.iter().collect();
    ordered.sort_by_key(|s| rank(s));
    let mut out: Vec<CipherSuite> = CHROME_SUITES
        .iter()
        .copied()
        .filter(|c| c.info().is_some_and(|s| !s.tls13))
        .collect();
    for s in ordered {
        if !out.contains(&CipherSuite(s.code)) {
            out.push(CipherSuite(s.code));
        }
    }
    out
}

/// The TLS 1.3 suites of the registry, the three common ones first.
pub fn tls13_suites() -> Vec<CipherSuite> {
    let mut out = vec![
        CipherSuite::TLS_AES_128_GCM_SHA256,
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
    ];
    for s in suites::all().filter(|s| s.tls13) {
        if !out.contains(&CipherSuite(s.code)) {
            out.push(CipherSuite(s.code));
        }
    }
    out
}

/// Options of a legacy hello beyond version and suites.
#[derive(Debug, Clone, Default)]
pub struct LegacyOpts {
    /// `supported_groups`; `None` for [`legacy_groups`].
    pub groups: Option<Vec<NamedGroup>>,
    /// ALPN protocols to offer.
    pub alpn: Vec<&'static str>,
    /// Offer DEFLATE before null compression.
    pub deflate: bool,
    /// Append TLS_FALLBACK_SCSV.
    pub fallback_scsv: bool,
    /// Offer the `heartbeat` extension (mode `peer_allowed_to_send`), for the
    /// Heartbleed probe.
    pub heartbeat: bool,
    /// A minimal hello: SNI as the only extension (the renegotiation SCSV
    /// instead of `renegotiation_info`), for servers that drop hellos with
    /// extensions they do not know (see [`super::prober::Prober::legacy`]).
    pub minimal: bool,
}

/// A SSLv3–TLS 1.2 hello. SSLv3 hellos carry no extensions (and the
/// renegotiation SCSV instead); TLS ones carry SNI, groups, point formats,
/// signature algorithms, status_request, signed_certificate_timestamp,
/// renegotiation_info, session_ticket and
/// extended_master_secret (and heartbeat when asked).
pub fn legacy(
    client_version: ProtocolVersion,
    suites: &[CipherSuite],
    sni: Option<&str>,
    random: [u8; 32],
    opts: &LegacyOpts,
) -> ClientHello {
    let mut list = suites.to_vec();
    if client_version == ProtocolVersion::SSLV3 || opts.minimal {
        list.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }
    if opts.fallback_scsv {
        list.push(CipherSuite::TLS_FALLBACK_SCSV);
    }
    let mut hello = ClientHello::new(client_version, random).with_cipher_suites(list);
    if opts.deflate {
        hello = hello.with_compression_methods([compression::DEFLATE, compression::NULL]);
    }
    if client_version == ProtocolVersion::SSLV3 {
        return hello;
    }
    if let Some(name) = sni {
        hello = hello.with_extension(ClientExtension::server_name(name));
    }
    if opts.minimal {
        return hello;
    }
    let groups = opts.groups.clone().unwrap_or_else(legacy_groups);
    hello = hello
        .with_extension(ClientExtension::SupportedGroups(groups))
        .with_extension(ClientExtension::EcPointFormats(vec![0, 1, 2]))
        .with_extension(ClientExtension::SignatureAlgorithms(SIG_ALGS_ALL.to_vec()))
        .with_extension(ClientExtension::StatusRequest)
        .with_extension(ClientExtension::SignedCertificateTimestamp)
        .with_extension(ClientExtension::RenegotiationInfo(Vec::new()))
        .with_extension(ClientExtension::SessionTicket(Vec::new()))
        .with_extension(ClientExtension::ExtendedMasterSecret);
    if !opts.alpn.is_empty() {
        hello = hello.with_extension(ClientExtension::alpn(&opts.alpn));
    }
    if opts.heartbeat {
        hello = hello.with_extension(ClientExtension::Heartbeat(
            heartbeat_mode::PEER_ALLOWED_TO_SEND,
        ));
    }
    hello.with_padding(Padding::F5Workaround)
}

/// The X25519 base point: a valid public key whose secret nobody needs.
pub fn x25519_share() -> KeyShareEntry {
    let mut key = vec![0u8; 32];
    if let Some(first) = key.first_mut() {
        *first = 9;
    }
    KeyShareEntry::new(NamedGroup::X25519, key)
}

/// An X25519MLKEM768 share: an all-zero ML-KEM-768 encapsulation key (1184
/// bytes) followed by the X25519 base point.
pub fn x25519mlkem768_share() -> KeyShareEntry {
    let mut key = vec![0u8; 1184];
    key.extend(x25519_share().key_exchange);
    KeyShareEntry::new(NamedGroup::X25519MLKEM768, key)
}

/// A TLS 1.3-only hello offering `suites` and `groups`, with `shares`.
pub fn tls13(
    suites: &[CipherSuite],
    groups: &[NamedGroup],
    shares: Vec<KeyShareEntry>,
    sni: Option<&str>,
    random: [u8; 32],
    session_id: [u8; 32],
) -> ClientHello {
    let mut hello = ClientHello::new(ProtocolVersion::TLS12, random)
        .with_session_id(session_id.to_vec())
        .with_cipher_suites(suites.iter().copied());
    if let Some(name) = sni {
        hello = hello.with_extension(ClientExtension::server_name(name));
    }
    hello
        .with_extension(ClientExtension::SupportedGroups(groups.to_vec()))
        .with_extension(ClientExtension::EcPointFormats(vec![0]))
        .with_extension(ClientExtension::SignatureAlgorithms(
            SIG_ALGS_TLS13.to_vec(),
        ))
        .with_extension(ClientExtension::SupportedVersions(vec![
            ProtocolVersion::TLS13,
        ]))
        .with_extension(ClientExtension::PskKeyExchangeModes(vec![1]))
        .with_extension(ClientExtension::KeyShare(shares))
        .with_extension(ClientExtension::RenegotiationInfo(Vec::new()))
        .with_extension(ClientExtension::ExtendedMasterSecret)
        .with_padding(Padding::F5Workaround)
}

/// A Chrome-like hello: its suites, groups (X25519MLKEM768, x25519,
/// secp256r1, secp384r1) with X25519MLKEM768 and x25519 shares, TLS 1.3 and
/// 1.2, ALPN h2 and http/1.1.
pub fn browser(sni: Option<&str>, random: [u8; 32], session_id: [u8; 32]) -> ClientHello {
    let mut hello = ClientHello::new(ProtocolVersion::TLS12, random)
        .with_session_id(session_id.to_vec())
        .with_cipher_suites(CHROME_SUITES.iter().copied());
    if let Some(name) = sni {
        hello = hello.with_extension(ClientExtension::server_name(name));
    }
    hello
        .with_extension(ClientExtension::ExtendedMasterSecret)
        .with_extension(ClientExtension::RenegotiationInfo(Vec::new()))
        .with_extension(ClientExtension::SupportedGroups(vec![
            NamedGroup::X25519MLKEM768,
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::SECP384R1,
        ]))
        .with_extension(ClientExtension::EcPointFormats(vec![0]))
        .with_extension(ClientExtension::SessionTicket(Vec::new()))
        .with_extension(ClientExtension::alpn(&["h2", "http/1.1"]))
        .with_extension(ClientExtension::StatusRequest)
        .with_extension(ClientExtension::SignatureAlgorithms(
            SIG_ALGS_CHROME.to_vec(),
        ))
        .with_extension(ClientExtension::Raw(crate::codec::Extension::new(
            ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP,
            vec![],
        )))
        .with_extension(ClientExtension::KeyShare(vec![
            x25519mlkem768_share(),
            x25519_share(),
        ]))
        .with_extension(ClientExtension::PskKeyExchangeModes(vec![1]))
        .with_extension(ClientExtension::SupportedVersions(vec![
            ProtocolVersion::TLS13,
            ProtocolVersion::TLS12,
        ]))
}

/// An SSLv2 CLIENT-HELLO offering the seven SSLv2 cipher kinds.
pub fn sslv2(challenge: [u8; 16]) -> Sslv2ClientHello {
    Sslv2ClientHello::new(challenge)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hellos_encode_and_parse() {
        let s = legacy_suites();
        assert!(s.len() > 300, "{}", s.len());
        assert!(!s.contains(&CipherSuite::TLS_AES_128_GCM_SHA256));
        assert_eq!(s[0], CipherSuite(0xC02B));
        for v in [
            ProtocolVersion::SSLV3,
            ProtocolVersion::TLS10,
            ProtocolVersion::TLS12,
        ] {
            let h = legacy(v, &s, Some("example.com"), [1; 32], &LegacyOpts::default());
            let bytes = h.encode_records().unwrap();
            let (back, _) = ClientHello::read_records(&bytes).unwrap().unwrap();
            assert_eq!(back.cipher_suites.len(), h.cipher_suites.len());
        }
        let t = tls13(
            &tls13_suites(),
            &tls13_groups(),
            vec![],
            None,
            [2; 32],
            [3; 32],
        );
        assert!(t.encode_records().is_ok());
        let b = browser(Some("example.com"), [4; 32], [5; 32]);
        let bytes = b.encode_records().unwrap();
        assert!(bytes.len() > 1216);
        assert!(tls13_groups().contains(&NamedGroup::X25519MLKEM768));
        assert!(!legacy_groups().contains(&NamedGroup::FFDHE2048));
        assert!(sslv2([0; 16]).encode_record().is_ok());
    }
}
