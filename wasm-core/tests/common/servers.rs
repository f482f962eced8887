//! Hand-made servers for the profile tests: one that matches each Mozilla
//! profile exactly (as the profile's own nginx configuration would serve it),
//! a B-grade legacy server, and `apply`, which turns a server into what it
//! serves after a fix plan's settings are applied (as nginx would: suites only
//! for the certificate's key type, DHE only with DH parameters, TLS 1.0/1.1
//! only with CBC suites).

use std::sync::OnceLock;

use tlslens_core::facts::{BrowserFacts, EndpointFacts, ProtocolSuites, ScanFacts};
use tlslens_core::fix::FixPlan;
use tlslens_core::profiles::ProfileId;
use tlslens_core::suites::{Authentication, CipherMode, KeyExchange};
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion};
use tlslens_core::Der;

use super::*;

pub fn suite(name: &str) -> CipherSuite {
    CipherSuite::parse(name).unwrap_or_else(|| panic!("unknown suite {name}"))
}

pub fn suites(names: &[&str]) -> Vec<CipherSuite> {
    names.iter().map(|n| suite(n)).collect()
}

pub const TLS13_SUITES: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

pub const MOZILLA_GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

pub const TWO_YEARS: &str = "max-age=63072000";

/// root (P-256) → intermediate (RSA, signing with `hash`) → leaf (`leaf_kind`).
pub fn rsa_issued(leaf: Spec, leaf_kind: KeyKind, hash: Hash) -> Pki {
    let root = Node::self_signed(Spec::ca("TLS Lens Test Root"), KeyKind::P256);
    let inter = root.issue(
        Spec::ca("TLS Lens RSA Intermediate"),
        KeyKind::Rsa(2049, hash),
    );
    let leaf = inter.issue(leaf, leaf_kind);
    Pki { root, inter, leaf }
}

/// An RSA-2048 leaf signed with sha256WithRSAEncryption, valid 90 days.
pub fn rsa_pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        rsa_issued(
            Spec::leaf(&["example.test"]),
            KeyKind::Rsa(2048, Hash::Sha256),
            Hash::Sha256,
        )
    })
}

pub fn by_protocol(
    protocol: ProtocolVersion,
    names: &[&str],
    server_order: Option<bool>,
) -> ProtocolSuites {
    ProtocolSuites {
        protocol,
        suites: suites(names),
        server_order,
    }
}

/// Facts with one endpoint serving `pki`'s chain.
pub fn facts_for(pki: &Pki, ep: EndpointFacts) -> ScanFacts {
    let mut f = ScanFacts::new("example.test", 443);
    f.extra_anchors = pki.anchors();
    f.endpoints.push(ep);
    f
}

fn base(pki: &Pki) -> EndpointFacts {
    let mut e = good_endpoint(pki.chain());
    e.groups = MOZILLA_GROUPS.to_vec();
    e.http.as_mut().expect("http").hsts = Some(TWO_YEARS.into());
    e
}

/// Exactly Mozilla modern: TLS 1.3 only, ECDSA P-256 leaf, client order.
pub fn modern_server() -> ScanFacts {
    let pki = shared_pki();
    let mut e = base(pki);
    e.protocols = vec![ProtocolVersion::TLS13];
    e.cipher_suites = vec![by_protocol(
        ProtocolVersion::TLS13,
        &TLS13_SUITES,
        Some(false),
    )];
    facts_for(pki, e)
}

pub const INTERMEDIATE_RSA_SUITES: [&str; 6] = [
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",
];

/// Exactly Mozilla intermediate with an RSA certificate and ffdhe2048.
pub fn intermediate_server() -> ScanFacts {
    let pki = rsa_pki();
    let mut e = base(pki);
    e.protocols = vec![ProtocolVersion::TLS12, ProtocolVersion::TLS13];
    e.cipher_suites = vec![
        by_protocol(
            ProtocolVersion::TLS12,
            &INTERMEDIATE_RSA_SUITES,
            Some(false),
        ),
        by_protocol(ProtocolVersion::TLS13, &TLS13_SUITES, Some(false)),
    ];
    e.key_exchange.dh_bits = Some(2048);
    facts_for(pki, e)
}

/// The old profile's suites an RSA certificate can use under TLS 1.0 and 1.1.
pub const OLD_RSA_LEGACY_SUITES: [&str; 5] = [
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-RSA-AES256-SHA",
    "AES128-SHA",
    "AES256-SHA",
    "DES-CBC3-SHA",
];

/// Exactly Mozilla old with an RSA certificate: TLS 1.0 to 1.3, server order.
pub fn old_server() -> ScanFacts {
    let pki = rsa_pki();
    let mut e = base(pki);
    e.protocols = vec![
        ProtocolVersion::TLS10,
        ProtocolVersion::TLS11,
        ProtocolVersion::TLS12,
        ProtocolVersion::TLS13,
    ];
    let tls12: Vec<&str> = ProfileId::MozillaOld
        .profile()
        .suites_openssl
        .iter()
        .copied()
        .filter(|n| !n.contains("ECDSA"))
        .collect();
    e.cipher_suites = vec![
        by_protocol(ProtocolVersion::TLS10, &OLD_RSA_LEGACY_SUITES, Some(true)),
        by_protocol(ProtocolVersion::TLS11, &OLD_RSA_LEGACY_SUITES, Some(true)),
        by_protocol(ProtocolVersion::TLS12, &tls12, Some(true)),
        by_protocol(ProtocolVersion::TLS13, &TLS13_SUITES, Some(false)),
    ];
    e.key_exchange.dh_bits = Some(2048);
    facts_for(pki, e)
}

/// The exact server of a profile.
pub fn exact_server(id: ProfileId) -> ScanFacts {
    match id {
        ProfileId::MozillaModern => modern_server(),
        ProfileId::MozillaIntermediate => intermediate_server(),
        ProfileId::MozillaOld => old_server(),
    }
}

/// A B-grade server: TLS 1.0 and 1.1 on, CBC and RSA key-exchange suites in its
/// (server-ordered) list, DH of 1024 bits, no HSTS, x448 and secp521r1 accepted.
pub fn legacy_b_server() -> ScanFacts {
    let pki = rsa_pki();
    let mut e = good_endpoint(pki.chain());
    let legacy = [
        "ECDHE-RSA-AES128-SHA",
        "DHE-RSA-AES128-SHA",
        "AES128-SHA",
        "DES-CBC3-SHA",
    ];
    let tls12 = [
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES128-SHA",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "DHE-RSA-AES128-GCM-SHA256",
        "AES128-SHA",
        "AES256-GCM-SHA384",
        "DES-CBC3-SHA",
    ];
    e.protocols = vec![
        ProtocolVersion::TLS10,
        ProtocolVersion::TLS11,
        ProtocolVersion::TLS12,
        ProtocolVersion::TLS13,
    ];
    e.cipher_suites = vec![
        by_protocol(ProtocolVersion::TLS10, &legacy, Some(true)),
        by_protocol(ProtocolVersion::TLS11, &legacy, Some(true)),
        by_protocol(ProtocolVersion::TLS12, &tls12, Some(true)),
        by_protocol(ProtocolVersion::TLS13, &TLS13_SUITES, Some(false)),
    ];
    e.groups = vec![
        NamedGroup::X25519,
        NamedGroup::SECP256R1,
        NamedGroup::X448,
        NamedGroup::SECP521R1,
        NamedGroup::SECP384R1,
    ];
    e.key_exchange.dh_bits = Some(1024);
    e.http.as_mut().expect("http").hsts = None;
    facts_for(pki, e)
}

/// Whether a server with a leaf of `leaf_key` (`EC`/`RSA`) could negotiate `s`
/// under `protocol`, with DH parameters or not.
fn usable(s: CipherSuite, protocol: ProtocolVersion, leaf_key: &str, dh: bool) -> bool {
    let Some(i) = s.info() else { return false };
    let auth = match i.auth {
        Authentication::Rsa => leaf_key == "RSA",
        Authentication::Ecdsa => leaf_key == "EC",
        _ => true,
    };
    let dh_ok = i.kx != KeyExchange::Dhe || dh;
    let proto_ok = protocol >= ProtocolVersion::TLS12
        || (i.mode == CipherMode::Cbc && i.name.ends_with("_SHA"));
    auth && dh_ok && proto_ok
}

/// What the endpoint serves once `plan`'s settings are in place.
pub fn apply(ep: &mut EndpointFacts, plan: &FixPlan, leaf_key: &str) {
    let s = &plan.settings;
    let dh = s.dh_param_bits.value;
    ep.protocols = s.protocols.value.clone();
    ep.cipher_suites = s
        .protocols
        .value
        .iter()
        .map(|p| {
            let list: Vec<CipherSuite> = if *p == ProtocolVersion::TLS13 {
                s.tls13_cipher_suites.value.clone()
            } else {
                s.cipher_suites
                    .value
                    .iter()
                    .copied()
                    .filter(|c| usable(*c, *p, leaf_key, dh.is_some()))
                    .collect()
            };
            ProtocolSuites {
                protocol: *p,
                server_order: (list.len() > 1).then_some(s.server_cipher_order.value),
                suites: list,
            }
        })
        .collect();
    ep.groups = s.groups.value.clone();
    ep.key_exchange.dh_bits = dh;
    ep.http.as_mut().expect("http").hsts = Some(s.hsts.value.clone());
    if s.ocsp_stapling.value {
        if let Some(chain) = ep.chain.as_mut() {
            chain.ocsp_staple = Some(Der(b"a stapled response".to_vec()));
        }
    }
    let tls13 = ep.protocols.contains(&ProtocolVersion::TLS13);
    ep.browser = Some(BrowserFacts {
        client: "chrome-131".into(),
        protocol: Some(if tls13 {
            ProtocolVersion::TLS13
        } else {
            ProtocolVersion::TLS12
        }),
        cipher_suite: ep
            .cipher_suites
            .iter()
            .rev()
            .find_map(|p| p.suites.first().copied()),
        group: ep.groups.first().copied(),
        error: None,
    });
}
