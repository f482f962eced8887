//! The policy table test: one row per rule of `tlslens-2026.2`, each firing alone
//! where that is possible (and with its inevitable companions where it is not),
//! plus combinations, with the expected letter, trust-ignored letter and score.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use common::*;
use tlslens_core::facts::{
    BrowserFacts, ChainFacts, DhGroupFacts, EndpointFacts, ProbeError, ProtocolSuites, ScanFacts,
    VulnCheck,
};
use tlslens_core::policy::{RuleCode, RULES};
use tlslens_core::report::{EndpointReport, Grade};
use tlslens_core::weakness::{Weakness, WeaknessCode};
use tlslens_core::wire::{CipherSuite, ProtocolVersion};
use tlslens_core::{grade, Der, Hex};

type Mutate = Box<dyn Fn(&mut ScanFacts)>;

struct Row {
    name: &'static str,
    mutate: Mutate,
    grade: Grade,
    trust_ignored: Grade,
    /// Exactly these caps and warnings (by code), in any order.
    codes: &'static [&'static str],
    /// (protocol, key_exchange, cipher, total), when the row pins it.
    score: Option<(u32, u32, u32, u32)>,
}

fn s(name: &str) -> CipherSuite {
    CipherSuite::parse(name).expect(name)
}

fn ep(f: &mut ScanFacts) -> &mut EndpointFacts {
    &mut f.endpoints[0]
}

fn add_suite(f: &mut ScanFacts, protocol: ProtocolVersion, suite: &str) {
    let e = ep(f);
    if !e.protocols.contains(&protocol) {
        e.protocols.push(protocol);
    }
    match e.cipher_suites.iter_mut().find(|p| p.protocol == protocol) {
        Some(p) => p.suites.push(s(suite)),
        None => e.cipher_suites.push(ProtocolSuites {
            protocol,
            suites: vec![s(suite)],
            server_order: None,
        }),
    }
}

/// The ids of the current browsers of the client table.
fn current_browsers() -> Vec<&'static str> {
    tlslens_core::clients::ClientSelection::Current
        .select()
        .into_iter()
        .filter(|c| c.browser)
        .map(|c| c.id.as_str())
        .collect()
}

fn browser_gets(f: &mut ScanFacts, protocol: ProtocolVersion, suite: &str) {
    let b = ep(f).browser.as_mut().expect("browser");
    b.protocol = Some(protocol);
    b.cipher_suite = Some(s(suite));
}

fn set_chain(f: &mut ScanFacts, sent: Vec<Der>, aia: Vec<Der>, anchors: Vec<Der>) {
    f.extra_anchors = anchors;
    ep(f).chain = Some(ChainFacts {
        certificates: sent,
        aia,
        ..ChainFacts::default()
    });
}

fn hsts(f: &mut ScanFacts, header: Option<&str>) {
    ep(f).http.as_mut().expect("http").hsts = header.map(str::to_owned);
}

fn row(
    name: &'static str,
    mutate: impl Fn(&mut ScanFacts) + 'static,
    grade: Grade,
    trust_ignored: Grade,
    codes: &'static [&'static str],
) -> Row {
    Row {
        name,
        mutate: Box::new(mutate),
        grade,
        trust_ignored,
        codes,
        score: None,
    }
}

fn scored(mut r: Row, score: (u32, u32, u32, u32)) -> Row {
    r.score = Some(score);
    r
}

use Grade::*;
use ProtocolVersion as V;

#[allow(clippy::too_many_lines)]
fn rows() -> Vec<Row> {
    vec![
        scored(
            row("baseline", |_| {}, APlus, APlus, &[]),
            (100, 90, 90, 93),
        ),
        scored(
            row("no hsts is A, not A+", |f| hsts(f, None), A, A, &[]),
            (100, 90, 90, 93),
        ),
        // --- F ---
        scored(
            row(
                "sslv2 (and so drown)",
                |f| ep(f).protocols.push(V::SSLV2),
                F,
                F,
                &["sslv2", "drown"],
            ),
            (50, 90, 90, 78),
        ),
        row(
            "sslv3_best",
            |f| {
                let e = ep(f);
                e.protocols = vec![V::SSLV3];
                e.cipher_suites.clear();
                e.browser.as_mut().unwrap().protocol = None;
                e.browser.as_mut().unwrap().cipher_suite = None;
                add_suite(f, V::SSLV3, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
            },
            F,
            F,
            &[
                "sslv3_best",
                "no_tls12",
                "sslv3_offered",
                "poodle",
                "no_aead",
                "no_tls13",
                "no_browser_compatible",
            ],
        ),
        row(
            "no_protocols",
            |f| {
                ep(f).protocols.clear();
                ep(f).cipher_suites.clear();
            },
            F,
            F,
            &["no_protocols"],
        ),
        row(
            "no_cipher_suites",
            |f| ep(f).cipher_suites.clear(),
            F,
            F,
            &["no_cipher_suites", "zero_score"],
        ),
        row(
            "export_suites",
            |f| add_suite(f, V::TLS12, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
            F,
            F,
            &["export_suites", "weak_cipher"],
        ),
        scored(
            row(
                "weak_cipher",
                |f| add_suite(f, V::TLS12, "TLS_RSA_WITH_DES_CBC_SHA"),
                F,
                F,
                &["weak_cipher"],
            ),
            (100, 90, 60, 81),
        ),
        scored(
            row(
                "key_under_1024 (DH 768)",
                |f| {
                    add_suite(f, V::TLS12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
                    ep(f).key_exchange.dh_bits = Some(768);
                },
                F,
                F,
                &["key_under_1024"],
            ),
            (100, 40, 90, 78),
        ),
        row(
            "dh_composite",
            |f| {
                add_suite(f, V::TLS12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
                ep(f).key_exchange.dh_bits = Some(2048);
                // 2^2048 − 1 is divisible by 3.
                ep(f).key_exchange.dh_groups.push(DhGroupFacts {
                    p: Hex(vec![0xFF; 256]),
                    g: Hex(vec![2]),
                });
            },
            F,
            F,
            &["dh_composite"],
        ),
        row(
            "md5_signature",
            |f| {
                let (root, inter, leaf) = rsa_chain(Hash::Md5);
                set_chain(f, vec![leaf, inter], vec![], vec![root]);
            },
            F,
            F,
            &["md5_signature"],
        ),
        row(
            "heartbleed",
            |f| ep(f).vulnerabilities.heartbleed = Some(VulnCheck::vulnerable("scripted")),
            F,
            F,
            &["heartbleed"],
        ),
        row(
            "ccs_injection",
            |f| ep(f).vulnerabilities.ccs_injection = Some(VulnCheck::vulnerable("scripted")),
            F,
            F,
            &["ccs_injection"],
        ),
        row(
            "ticketbleed",
            |f| ep(f).vulnerabilities.ticketbleed = Some(VulnCheck::vulnerable("scripted")),
            F,
            F,
            &["ticketbleed"],
        ),
        row(
            "robot",
            |f| ep(f).vulnerabilities.robot = Some(VulnCheck::vulnerable("scripted")),
            F,
            F,
            &["robot"],
        ),
        row(
            "drown",
            |f| ep(f).vulnerabilities.drown = Some(VulnCheck::vulnerable("scripted")),
            F,
            F,
            &["drown"],
        ),
        scored(
            row(
                "zero_score (anonymous)",
                |f| add_suite(f, V::TLS12, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"),
                F,
                F,
                &["zero_score"],
            ),
            (100, 0, 90, 66),
        ),
        // --- C ---
        row(
            "poodle_tls",
            |f| {
                ep(f).vulnerabilities.poodle_tls =
                    Some(VulnCheck::vulnerable("bad padding accepted"))
            },
            F,
            F,
            &["poodle_tls"],
        ),
        row(
            "insecure_renegotiation",
            |f| {
                ep(f).vulnerabilities.insecure_renegotiation = Some(VulnCheck::vulnerable(
                    "renegotiation accepted without RFC 5746",
                ))
            },
            F,
            F,
            &["insecure_renegotiation"],
        ),
        row(
            "not vulnerable and not tested verdicts cap nothing",
            |f| {
                let v = &mut ep(f).vulnerabilities;
                v.robot = Some(VulnCheck::not_vulnerable("identical answers"));
                v.poodle_tls = Some(VulnCheck::not_tested("no CBC suite"));
                v.heartbleed = Some(VulnCheck::not_vulnerable(""));
            },
            APlus,
            APlus,
            &[],
        ),
        row(
            "poodle (SSLv3 CBC)",
            |f| add_suite(f, V::SSLV3, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            C,
            C,
            &["poodle", "sslv3_offered"],
        ),
        row(
            "rc4_modern",
            |f| {
                add_suite(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA");
                browser_gets(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA");
            },
            C,
            C,
            &["rc4_modern", "rc4_offered", "no_aead"],
        ),
        scored(
            row(
                "block64_modern",
                |f| {
                    add_suite(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA");
                    browser_gets(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA");
                },
                C,
                C,
                &["block64_modern", "no_aead"],
            ),
            (100, 90, 60, 81),
        ),
        row(
            "no_tls12",
            |f| {
                let e = ep(f);
                e.protocols.clear();
                e.cipher_suites.clear();
                e.browser.as_mut().unwrap().protocol = None;
                e.browser.as_mut().unwrap().cipher_suite = None;
                add_suite(f, V::TLS10, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
                add_suite(f, V::TLS11, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
            },
            C,
            C,
            &[
                "no_tls12",
                "tls10_offered",
                "tls11_offered",
                "no_aead",
                "no_tls13",
                "no_browser_compatible",
            ],
        ),
        // --- B ---
        scored(
            row(
                "tls10_offered",
                |f| add_suite(f, V::TLS10, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
                B,
                B,
                &["tls10_offered"],
            ),
            (95, 90, 90, 92),
        ),
        scored(
            row(
                "tls11_offered",
                |f| add_suite(f, V::TLS11, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
                B,
                B,
                &["tls11_offered"],
            ),
            (98, 90, 90, 92),
        ),
        row(
            "rc4_offered (browser uses AES)",
            |f| add_suite(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
            B,
            B,
            &["rc4_offered"],
        ),
        row(
            "no_forward_secrecy (browser gets RSA key exchange)",
            |f| {
                add_suite(f, V::TLS12, "TLS_RSA_WITH_AES_128_GCM_SHA256");
                browser_gets(f, V::TLS12, "TLS_RSA_WITH_AES_128_GCM_SHA256");
            },
            B,
            B,
            &["no_forward_secrecy"],
        ),
        row(
            "no_aead (browser gets CBC)",
            |f| {
                add_suite(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
                browser_gets(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
            },
            B,
            B,
            &["no_aead"],
        ),
        scored(
            row(
                "weak_key (RSA 1024 leaf)",
                |f| {
                    let pki = Pki::new(
                        Spec::leaf(&["example.test"]),
                        KeyKind::Rsa(1024, Hash::Sha256),
                    );
                    set_chain(f, pki.chain(), vec![], pki.anchors());
                },
                B,
                B,
                &["weak_key"],
            ),
            (100, 80, 90, 90),
        ),
        row(
            "incomplete_chain_aia",
            |f| {
                let pki = shared_pki();
                set_chain(
                    f,
                    vec![pki.leaf.der()],
                    vec![pki.inter.der()],
                    pki.anchors(),
                );
            },
            B,
            B,
            &["incomplete_chain_aia"],
        ),
        row(
            "crime",
            |f| ep(f).compression = Some(true),
            B,
            B,
            &["crime"],
        ),
        // --- T ---
        row(
            "expired",
            |f| {
                let pki = Pki::new(
                    Spec::leaf(&["example.test"]).valid(NOW - 100 * DAY, NOW - DAY),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
            },
            T,
            APlus,
            &["expired"],
        ),
        row(
            "not_yet_valid",
            |f| {
                let pki = Pki::new(
                    Spec::leaf(&["example.test"]).valid(NOW + DAY, NOW + 100 * DAY),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
            },
            T,
            APlus,
            &["not_yet_valid"],
        ),
        row(
            "self_signed",
            |f| {
                let leaf = Node::self_signed(Spec::leaf(&["example.test"]), KeyKind::P256);
                set_chain(f, vec![leaf.der()], vec![], vec![]);
            },
            T,
            APlus,
            &["self_signed"],
        ),
        row(
            "untrusted_root",
            |f| {
                let pki = shared_pki();
                set_chain(
                    f,
                    vec![pki.leaf.der(), pki.inter.der(), pki.root.der()],
                    vec![],
                    vec![],
                );
            },
            T,
            APlus,
            &["untrusted_root"],
        ),
        row(
            "incomplete_chain",
            |f| {
                let pki = shared_pki();
                set_chain(f, vec![pki.leaf.der()], vec![], pki.anchors());
            },
            T,
            APlus,
            &["incomplete_chain"],
        ),
        row(
            "sha1_signature",
            |f| {
                let (root, inter, leaf) = rsa_chain(Hash::Sha1);
                set_chain(f, vec![leaf, inter], vec![], vec![root]);
            },
            T,
            APlus,
            &["sha1_signature"],
        ),
        row(
            "invalid_constraints (clientAuth-only leaf)",
            |f| {
                let pki = Pki::new(
                    Spec::leaf(&["example.test"]).with(|p| {
                        p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
                    }),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
            },
            T,
            APlus,
            &["invalid_constraints"],
        ),
        row(
            "invalid_constraints (non-CA intermediate)",
            |f| {
                let root = Node::self_signed(Spec::ca("Root"), KeyKind::P256);
                let inter = root.issue(
                    Spec::ca("Not A CA").with(|p| p.is_ca = rcgen::IsCa::ExplicitNoCa),
                    KeyKind::P256,
                );
                let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
                set_chain(f, vec![leaf.der(), inter.der()], vec![], vec![root.der()]);
            },
            T,
            APlus,
            &["invalid_constraints"],
        ),
        row(
            "no_certificate",
            |f| {
                ep(f).chain = None;
                ep(f).certificate_sent = Some(false);
            },
            T,
            APlus,
            &["no_certificate"],
        ),
        row(
            "a chain that could not be captured caps nothing",
            |f| ep(f).chain = None,
            APlus,
            APlus,
            &[],
        ),
        row("revoked", set_revoked, T, APlus, &["revoked"]),
        // --- M ---
        row(
            "hostname_mismatch",
            |f| f.target.host = "other.test".into(),
            M,
            APlus,
            &["hostname_mismatch"],
        ),
        row(
            "hostname_mismatch (CN only, no subjectAltName)",
            |f| {
                let pki = Pki::new(
                    Spec::leaf(&[]).with(|p| {
                        p.distinguished_name = rcgen::DistinguishedName::new();
                        p.distinguished_name
                            .push(rcgen::DnType::CommonName, "example.test");
                    }),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
            },
            M,
            APlus,
            &["hostname_mismatch"],
        ),
        // --- warnings ---
        row(
            "no_tls13",
            |f| {
                let e = ep(f);
                e.protocols.retain(|p| *p != V::TLS13);
                e.cipher_suites.retain(|p| p.protocol != V::TLS13);
                browser_gets(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            },
            AMinus,
            AMinus,
            &["no_tls13"],
        ),
        row(
            "no_secure_renegotiation",
            |f| ep(f).secure_renegotiation = Some(false),
            AMinus,
            AMinus,
            &["no_secure_renegotiation"],
        ),
        row(
            "hsts_invalid",
            |f| hsts(f, Some("max-age=abc")),
            AMinus,
            AMinus,
            &["hsts_invalid"],
        ),
        row(
            "hsts_disabled",
            |f| hsts(f, Some("max-age=0")),
            AMinus,
            AMinus,
            &["hsts_disabled"],
        ),
        row(
            "hsts_short",
            |f| hsts(f, Some("max-age=86400")),
            AMinus,
            AMinus,
            &["hsts_short"],
        ),
        row(
            "early_data",
            |f| ep(f).vulnerabilities.early_data = Some(VulnCheck::vulnerable("0-RTT accepted")),
            AMinus,
            AMinus,
            &["early_data"],
        ),
        row(
            "no_browser_compatible",
            |f| {
                let b = ep(f).browser.as_mut().unwrap();
                b.protocol = None;
                b.cipher_suite = None;
                b.error = Some("alert handshake_failure".into());
            },
            AMinus,
            AMinus,
            &["no_browser_compatible"],
        ),
        // --- client simulation (policy 2026.2) ---
        row(
            "no_browser_can_connect",
            |f| {
                ep(f).clients = Some(
                    current_browsers()
                        .into_iter()
                        .map(|id| client_refused(id, 40))
                        .collect(),
                );
            },
            F,
            F,
            &["no_browser_can_connect"],
        ),
        row(
            "block64_modern: the simulated Safari negotiates 3DES",
            |f| {
                let e = ep(f);
                e.protocols = vec![V::TLS12];
                e.cipher_suites = vec![ProtocolSuites {
                    protocol: V::TLS12,
                    suites: vec![s("TLS_RSA_WITH_3DES_EDE_CBC_SHA")],
                    server_order: None,
                }];
                e.clients = Some(
                    current_browsers()
                        .into_iter()
                        .map(|id| {
                            if id.starts_with("safari") {
                                client_hs(id, V::TLS12, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", None)
                            } else {
                                client_refused(id, 40)
                            }
                        })
                        .collect(),
                );
            },
            C,
            C,
            &[
                "no_forward_secrecy",
                "no_aead",
                "block64_modern",
                "no_tls13",
            ],
        ),
        // --- combinations ---
        row(
            "tls10 + no tls13: the cap hides the warning's A-",
            |f| {
                add_suite(f, V::TLS10, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
                ep(f).protocols.retain(|p| *p != V::TLS13);
                ep(f).cipher_suites.retain(|p| p.protocol != V::TLS13);
                browser_gets(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            },
            B,
            B,
            &["tls10_offered", "no_tls13"],
        ),
        row(
            "expired + wrong host: M wins over T",
            |f| {
                let pki = Pki::new(
                    Spec::leaf(&["example.test"]).valid(NOW - 100 * DAY, NOW - DAY),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
                f.target.host = "other.test".into();
            },
            M,
            APlus,
            &["expired", "hostname_mismatch"],
        ),
        row(
            "sha1 + weak key + tls10: T over B",
            |f| {
                let root =
                    Node::self_signed(Spec::ca("Combo Root"), KeyKind::Rsa(2048, Hash::Sha1));
                let leaf = root.issue(
                    Spec::leaf(&["example.test"]),
                    KeyKind::Rsa(1024, Hash::Sha256),
                );
                set_chain(f, vec![leaf.der()], vec![], vec![root.der()]);
                add_suite(f, V::TLS10, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
            },
            T,
            B,
            &["sha1_signature", "weak_key", "tls10_offered"],
        ),
        scored(
            row(
                "3DES offered but never negotiated: judged on the browser",
                |f| add_suite(f, V::TLS12, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
                APlus,
                APlus,
                &[],
            ),
            (100, 90, 60, 81),
        ),
        row(
            "no browser handshake recorded: judged on what is offered",
            |f| {
                let e = ep(f);
                e.browser = None;
                e.protocols = vec![V::TLS12];
                e.cipher_suites = vec![ProtocolSuites {
                    protocol: V::TLS12,
                    suites: vec![
                        s("TLS_RSA_WITH_AES_128_CBC_SHA"),
                        s("TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
                    ],
                    server_order: Some(true),
                }];
            },
            C,
            C,
            &[
                "no_forward_secrecy",
                "no_aead",
                "block64_modern",
                "no_tls13",
            ],
        ),
        row(
            "heartbleed + expired: T over F, F underneath",
            |f| {
                ep(f).vulnerabilities.heartbleed = Some(VulnCheck::vulnerable("leaked"));
                let pki = Pki::new(
                    Spec::leaf(&["example.test"]).valid(NOW - 100 * DAY, NOW - DAY),
                    KeyKind::P256,
                );
                set_chain(f, pki.chain(), vec![], pki.anchors());
            },
            T,
            F,
            &["heartbleed", "expired"],
        ),
    ]
}

fn rsa_chain(hash: Hash) -> (Der, Der, Der) {
    let root = Node::self_signed(Spec::ca("RSA Root"), KeyKind::Rsa(2048, Hash::Sha256));
    let inter = root.issue(Spec::ca("RSA Intermediate"), KeyKind::Rsa(2049, hash));
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    (root.der(), inter.der(), leaf.der())
}

fn set_revoked(f: &mut ScanFacts) {
    // OCSPResponse { successful, basic { ... revoked ... } } for the shared leaf.
    use x509_parser::prelude::FromDer;
    let pki = shared_pki();
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(&pki.leaf.der).unwrap();
    let serial = cert.tbs_certificate.raw_serial().to_vec();
    let t = |tag: u8, c: &[u8]| -> Vec<u8> {
        let mut v = vec![tag];
        if c.len() < 128 {
            v.push(c.len() as u8);
        } else {
            v.extend([0x81, c.len() as u8]);
        }
        v.extend_from_slice(c);
        v
    };
    let alg = t(
        0x30,
        &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00],
    );
    let id = t(
        0x30,
        &[alg, t(0x04, &[0; 20]), t(0x04, &[0; 20]), t(0x02, &serial)].concat(),
    );
    let single = t(
        0x30,
        &[
            id,
            t(0xa1, &t(0x18, b"20270101000000Z")),
            t(0x18, b"20270115000000Z"),
        ]
        .concat(),
    );
    let data = t(
        0x30,
        &[
            t(0xa2, &t(0x04, &[0; 20])),
            t(0x18, b"20270115000000Z"),
            t(0x30, &single),
        ]
        .concat(),
    );
    let basic = t(
        0x30,
        &[data, t(0x30, &[0x06, 0x01, 0x00]), t(0x03, &[0])].concat(),
    );
    let oid = [
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
    ];
    let bytes = t(0xa0, &t(0x30, &[oid.to_vec(), t(0x04, &basic)].concat()));
    let staple = t(0x30, &[t(0x0a, &[0]), bytes].concat());
    ep(f).chain.as_mut().unwrap().ocsp_staple = Some(Der(staple));
}

fn codes(e: &EndpointReport) -> BTreeSet<String> {
    e.caps
        .iter()
        .map(|c| c.code.as_str().to_owned())
        .chain(e.warnings.iter().map(|w| w.code.as_str().to_owned()))
        .collect()
}

#[test]
fn every_rule_fires_with_the_expected_letter_and_score() {
    let pki = shared_pki();
    let mut failures = Vec::new();
    for r in rows() {
        let mut facts = good_facts(pki);
        (r.mutate)(&mut facts);
        let report = grade(&facts, NOW);
        let e = &report.endpoints[0];
        let want: BTreeSet<String> = r.codes.iter().map(|c| (*c).to_owned()).collect();
        let got = codes(e);
        if e.grade != Some(r.grade) || e.grade_trust_ignored != Some(r.trust_ignored) || got != want
        {
            failures.push(format!(
                "{}: grade {:?}/{:?} (want {:?}/{:?}), codes {got:?} (want {want:?})",
                r.name, e.grade, e.grade_trust_ignored, r.grade, r.trust_ignored
            ));
        }
        if let Some((p, k, c, t)) = r.score {
            let sc = e.score.expect("score");
            if (sc.protocol, sc.key_exchange, sc.cipher, sc.total) != (p, k, c, t) {
                failures.push(format!("{}: score {sc:?}, want {:?}", r.name, (p, k, c, t)));
            }
        }
        for cap in &e.caps {
            assert!(
                !cap.reason.is_empty() && !cap.fix.is_empty(),
                "{}: {cap:?}",
                r.name
            );
        }
        assert_eq!(
            report.grade, e.grade,
            "{}: one endpoint, same grade",
            r.name
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_policy_rule_has_a_row() {
    let covered: BTreeSet<&str> = rows()
        .iter()
        .flat_map(|r| r.codes.iter().copied())
        .collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.code.as_str())
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "rules without a table row: {missing:?}");
}

#[test]
fn rule_codes_are_unique_and_read_back() {
    let mut seen = BTreeSet::new();
    for (i, r) in RULES.iter().enumerate() {
        assert_eq!(RuleCode::ALL[i], r.code, "RULES follows RuleCode order");
        assert!(seen.insert(r.code.as_str()), "duplicate code {}", r.code);
        assert_eq!(RuleCode::parse(r.code.as_str()), Some(r.code));
        assert_eq!(r.code.rule().code, r.code);
        assert_eq!(
            serde_json::to_string(&r.code).unwrap(),
            format!("\"{}\"", r.code)
        );
    }
    assert_eq!(RuleCode::parse("no_such_rule"), None);
    assert!(serde_json::from_str::<RuleCode>("\"no_such_rule\"").is_err());
}

#[test]
fn caps_come_worst_first_with_reasons_naming_specifics() {
    let pki = shared_pki();
    let mut f = good_facts(pki);
    add_suite(&mut f, V::TLS10, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
    add_suite(&mut f, V::TLS12, "TLS_RSA_WITH_DES_CBC_SHA");
    let r = grade(&f, NOW);
    let caps: Vec<_> = r.endpoints[0]
        .caps
        .iter()
        .map(|c| (c.grade, c.code.as_str()))
        .collect();
    assert_eq!(caps, [(F, "weak_cipher"), (B, "tls10_offered")]);
    assert!(r.endpoints[0].caps[0]
        .reason
        .contains("TLS_RSA_WITH_DES_CBC_SHA"));
    let weak: Vec<_> = r.endpoints[0]
        .weak_cipher_suites
        .iter()
        .map(|w| w.suite.to_string())
        .collect();
    assert!(
        weak.contains(&"TLS_RSA_WITH_DES_CBC_SHA".to_owned()),
        "{weak:?}"
    );
}

#[test]
fn worst_endpoint_wins_and_disagreement_is_named() {
    let pki = shared_pki();
    let mut f = good_facts(pki);
    let expired = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW - 100 * DAY, NOW - DAY),
        KeyKind::P256,
    );
    let mut bad = good_endpoint(expired.chain());
    bad.ip = "127.0.0.2".into();
    f.extra_anchors.push(expired.root.der());
    f.endpoints.push(bad);
    let r = grade(&f, NOW);
    assert_eq!(r.grade, Some(T));
    assert!(!r.endpoints_agree);
    assert_eq!(r.differences, ["chain", "grade"]);

    let mut f = good_facts(pki);
    let mut down = EndpointFacts {
        ip: "::1".into(),
        ..EndpointFacts::default()
    };
    down.error = Some(ProbeError {
        probe: "connect".into(),
        code: "refused".into(),
        message: "connection refused".into(),
    });
    f.endpoints.push(down);
    let r = grade(&f, NOW);
    assert_eq!(r.grade, Some(APlus), "only graded endpoints count");
    assert_eq!(r.endpoints[1].grade, None);
    assert_eq!(r.differences, ["reachability"]);

    let mut f = good_facts(pki);
    let mut twin = f.endpoints[0].clone();
    twin.ip = "127.0.0.2".into();
    f.endpoints.push(twin);
    let r = grade(&f, NOW);
    assert!(r.endpoints_agree && r.differences.is_empty());
}

#[test]
fn no_sni_difference_is_reported() {
    let pki = shared_pki();
    let mut f = good_facts(pki);
    let default = Node::self_signed(Spec::leaf(&["default.test"]), KeyKind::P256);
    ep(&mut f).chain_no_sni = Some(ChainFacts {
        certificates: vec![default.der()],
        ..ChainFacts::default()
    });
    let r = grade(&f, NOW);
    let e = &r.endpoints[0];
    assert!(e.no_sni_chain_differs);
    assert_eq!(
        e.grade,
        Some(APlus),
        "clients without SNI are a note, not a cap"
    );
    assert!(e.no_sni_chain.as_ref().unwrap().certificates[0]
        .san
        .contains(&"default.test".to_owned()));
}

#[test]
fn expiry_schedule_in_the_report() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW - DAY, NOW + 10 * DAY),
        KeyKind::P256,
    );
    let mut f = good_facts(&pki);
    f.extra_anchors = pki.anchors();
    let r = grade(&f, NOW);
    let x = r.endpoints[0].expiry.as_ref().unwrap();
    assert_eq!(
        (x.leaf_days_left, x.earliest_days_left, x.threshold),
        (10, 10, Some(14))
    );
    assert_eq!(x.earliest_subject, "CN=example.test, O=TLS Lens Test");
}

#[test]
fn contract_field_names_are_present() {
    let pki = shared_pki();
    let f = good_facts(pki);
    let v = serde_json::to_value(grade(&f, NOW)).unwrap();
    assert_eq!(v["schema"], "tlslens.report/1");
    assert_eq!(v["target"]["port"], 443);
    assert_eq!(v["grade"], "A+");
    let e = &v["endpoints"][0];
    for k in [
        "ip",
        "grade",
        "grade_trust_ignored",
        "score",
        "caps",
        "warnings",
        "protocols",
        "cipher_suites",
        "server_cipher_order",
        "groups",
        "chain",
        "no_sni_chain_differs",
        "hsts",
        "ocsp_stapling",
        "alpn",
        "secure_renegotiation",
        "fallback_scsv",
        "compression",
    ] {
        assert!(e.get(k).is_some(), "missing {k}");
    }
    assert_eq!(e["protocols"], serde_json::json!(["TLSv1.2", "TLSv1.3"]));
    assert_eq!(e["cipher_suites"]["TLSv1.3"][0], "TLS_AES_128_GCM_SHA256");
    assert_eq!(e["server_cipher_order"]["TLSv1.2"], true);
    assert_eq!(e["groups"], serde_json::json!(["x25519", "secp256r1"]));
    assert_eq!(e["hsts"]["max_age"], 31_536_000);
    assert_eq!(e["hsts"]["include_subdomains"], true);
    let c = &e["chain"]["certificates"][0];
    for k in [
        "subject",
        "issuer",
        "not_before",
        "not_after",
        "days_left",
        "key",
        "signature_algorithm",
        "sha256",
        "san",
        "source",
    ] {
        assert!(c.get(k).is_some(), "missing cert.{k}");
    }
    assert_eq!(c["key"]["type"], "EC");
    assert_eq!(c["source"], "sent");
    assert_eq!(e["chain"]["verify_code"], 0);
    assert_eq!(e["chain"]["issues"], serde_json::json!([]));
}

#[test]
fn facts_json_round_trips_and_unknown_code_points_survive() {
    let pki = shared_pki();
    let mut f = good_facts(pki);
    ep(&mut f).cipher_suites[0].suites.push(CipherSuite(0xC0FF));
    let json = serde_json::to_string(&f).unwrap();
    assert!(json.contains("\"0xC0FF\""));
    let back = ScanFacts::from_json(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    let report = grade(&back, NOW);
    let listed = &report.endpoints[0].cipher_suites[&V::TLS12];
    assert!(listed.contains(&CipherSuite(0xC0FF)), "unknown suite kept");
    assert!(
        ScanFacts::from_json(r#"{"schema":"other/9","target":{"host":"a","port":1}}"#).is_err()
    );
    let _ = BrowserFacts::default();
}

/// DROWN across endpoints: an endpoint without SSLv2 is vulnerable when another
/// endpoint of the scan offers SSLv2 with its RSA key, and only then.
#[test]
fn drown_is_judged_across_endpoints_by_rsa_key() {
    use tlslens_core::facts::VulnStatus;
    let pki = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(2048, Hash::Sha256),
    );
    let other = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(2049, Hash::Sha256),
    );
    let endpoint = |ip: &str, chain: Vec<Der>| {
        let mut e = good_endpoint(chain);
        e.ip = ip.into();
        e
    };
    let mut facts = ScanFacts::new("example.test", 443);
    facts.extra_anchors = pki.anchors();
    let mut sslv2 = endpoint("192.0.2.2", pki.chain());
    sslv2.protocols.insert(0, V::SSLV2);
    sslv2.sslv2_certificate = Some(pki.leaf.der());
    facts.endpoints = vec![
        endpoint("192.0.2.1", pki.chain()),
        sslv2.clone(),
        endpoint("192.0.2.3", other.chain()),
    ];
    let report = grade(&facts, NOW);
    let drown = |i: usize| weakness(&report.endpoints[i], WeaknessCode::Drown);
    let same_key = drown(0);
    assert_eq!(same_key.status, VulnStatus::Vulnerable);
    assert!(same_key.evidence.contains("192.0.2.2"), "{same_key:?}");
    assert!(codes(&report.endpoints[0]).contains("drown"));
    assert_eq!(report.endpoints[0].grade, Some(F));
    assert_eq!(drown(1).status, VulnStatus::Vulnerable);
    assert!(drown(1).evidence.contains("this endpoint offers SSLv2"));
    let other_key = drown(2);
    assert_eq!(other_key.status, VulnStatus::NotVulnerable, "{other_key:?}");
    assert!(!codes(&report.endpoints[2]).contains("drown"));

    // The SSLv2 probe failed: DROWN is not tested, never "not vulnerable".
    let mut failed = endpoint("192.0.2.4", other.chain());
    failed.probe_errors.push(ProbeError {
        probe: "protocol:SSLv2".into(),
        code: "timeout".into(),
        message: "no answer".into(),
    });
    facts.endpoints = vec![failed];
    let report = grade(&facts, NOW);
    let d = weakness(&report.endpoints[0], WeaknessCode::Drown);
    assert_eq!(d.status, VulnStatus::NotTested, "{d:?}");
}

/// The report's verdict on weakness `code` (the one list of verdicts).
fn weakness(ep: &EndpointReport, code: WeaknessCode) -> Weakness {
    ep.weaknesses
        .iter()
        .find(|w| w.code == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {} in {:?}", code.as_str(), ep.weaknesses))
}

/// Older facts wrote vulnerability results as booleans; they still read.
#[test]
fn boolean_vulnerability_facts_still_read() {
    use tlslens_core::facts::{VulnStatus, Vulnerabilities};
    let v: Vulnerabilities =
        serde_json::from_str(r#"{"heartbleed": false, "robot": true}"#).unwrap();
    assert_eq!(v.heartbleed.unwrap().status, VulnStatus::NotVulnerable);
    assert_eq!(v.robot.unwrap().status, VulnStatus::Vulnerable);
    let v: Vulnerabilities = serde_json::from_str(
        r#"{"robot": {"status": "vulnerable", "evidence": "e", "oracle": "weak"}}"#,
    )
    .unwrap();
    let robot = v.robot.unwrap();
    assert_eq!(
        robot.oracle,
        Some(tlslens_core::facts::OracleStrength::Weak)
    );
    assert_eq!(
        serde_json::to_string(&robot).unwrap(),
        r#"{"status":"vulnerable","evidence":"e","oracle":"weak"}"#
    );
}

#[test]
fn cn_only_certificate_grades_m_saying_browsers_ignore_the_cn() {
    let pki = Pki::new(
        Spec::leaf(&[]).with(|p| {
            p.distinguished_name = rcgen::DistinguishedName::new();
            p.distinguished_name
                .push(rcgen::DnType::CommonName, "example.test");
        }),
        KeyKind::P256,
    );
    let mut facts = good_facts(shared_pki());
    set_chain(&mut facts, pki.chain(), vec![], pki.anchors());
    let report = grade(&facts, NOW);
    let e = &report.endpoints[0];
    assert_eq!(e.grade, Some(Grade::M));
    let cap = e
        .caps
        .iter()
        .find(|c| c.code == "hostname_mismatch")
        .unwrap();
    assert!(
        cap.reason
            .contains("it has no subjectAltName; browsers ignore its subject CN=example.test"),
        "{}",
        cap.reason
    );
    let chain = e.chain.as_ref().unwrap();
    // What `openssl s_client -verify_hostname` says: it still reads the CN.
    assert_eq!(chain.verify_code, 0);
}

#[test]
fn invalid_constraints_cap_names_the_broken_rule_and_the_policy_version() {
    let root = Node::self_signed(Spec::ca("Root"), KeyKind::P256);
    let inter = root.issue(
        Spec::ca("Not A CA").with(|p| p.is_ca = rcgen::IsCa::ExplicitNoCa),
        KeyKind::P256,
    );
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let mut facts = good_facts(shared_pki());
    set_chain(
        &mut facts,
        vec![leaf.der(), inter.der()],
        vec![],
        vec![root.der()],
    );
    let report = grade(&facts, NOW);
    assert_eq!(report.policy, "tlslens-2026.2");
    let e = &report.endpoints[0];
    let cap = e
        .caps
        .iter()
        .find(|c| c.code == "invalid_constraints")
        .unwrap();
    assert!(
        cap.reason
            .contains("(the intermediate 'Not A CA' is not a CA (basicConstraints cA=FALSE)"),
        "{}",
        cap.reason
    );
    let chain = e.chain.as_ref().unwrap();
    assert!(!chain.trusted);
    // Every store is asked (Mozilla first, the platform stores, the custom
    // anchors last), and none accepts a path through a non-CA.
    let stores: Vec<&str> = chain.trust.iter().map(|t| t.store.as_str()).collect();
    assert_eq!(stores.first(), Some(&"mozilla"));
    assert_eq!(stores.last(), Some(&"custom"));
    assert!(
        stores.contains(&"java") && stores.contains(&"android-8"),
        "{stores:?}"
    );
    assert!(chain.trust.iter().all(|t| !t.trusted));
}
