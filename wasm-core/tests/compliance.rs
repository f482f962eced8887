//! Compliance with Mozilla's profiles: a server built to match each profile
//! exactly is compliant; a server built to deviate in one way gets exactly that
//! one deviation, with a reason naming the specifics; what the facts lack is
//! `unchecked`; the target summary merges endpoints; `grade` is unchanged.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::servers::*;
use common::*;
use tlslens_core::compliance::{self, CheckArea, DeviationCode, HstsMeasured};
use tlslens_core::facts::{ChainFacts, EndpointFacts, HttpFacts, ScanFacts};
use tlslens_core::profiles::ProfileId;
use tlslens_core::report::Report;
use tlslens_core::wire::{NamedGroup, ProtocolVersion};
use tlslens_core::{grade, grade_with, GradeOptions};

fn graded(facts: &ScanFacts, id: ProfileId) -> Report {
    grade_with(
        facts,
        NOW,
        &GradeOptions {
            profile: Some(id),
            ..GradeOptions::default()
        },
    )
}

fn codes(r: &Report) -> Vec<DeviationCode> {
    r.endpoints[0]
        .compliance
        .as_ref()
        .unwrap()
        .deviations
        .iter()
        .map(|d| d.code)
        .collect()
}

fn ep(f: &mut ScanFacts) -> &mut EndpointFacts {
    &mut f.endpoints[0]
}

fn push_suite(f: &mut ScanFacts, protocol: ProtocolVersion, name: &str) {
    let e = ep(f);
    if !e.protocols.contains(&protocol) {
        e.protocols.push(protocol);
    }
    match e.cipher_suites.iter_mut().find(|p| p.protocol == protocol) {
        Some(p) => p.suites.push(suite(name)),
        None => e.cipher_suites.push(by_protocol(protocol, &[name], None)),
    }
}

#[test]
fn servers_built_to_each_profile_are_compliant() {
    for id in ProfileId::ALL {
        let r = graded(&exact_server(id), id);
        let c = r.endpoints[0].compliance.as_ref().unwrap();
        assert_eq!(c.profile, id);
        assert_eq!(c.guidelines_version, "5.7");
        assert!(
            c.deviations.is_empty() && c.unchecked.is_empty(),
            "{id}: {:#?}",
            c
        );
        assert!(c.compliant, "{id}");
        let t = r.compliance.as_ref().unwrap();
        assert!(t.compliant && t.deviations.is_empty(), "{id}");
    }
}

#[test]
fn exact_servers_deviate_from_the_other_profiles() {
    // Each exact server is off every other profile (the profiles differ).
    for id in ProfileId::ALL {
        for other in ProfileId::ALL.into_iter().filter(|o| *o != id) {
            let r = graded(&exact_server(id), other);
            assert!(!r.compliance.unwrap().compliant, "{id} against {other}");
        }
    }
}

struct Case {
    name: &'static str,
    profile: ProfileId,
    mutate: Box<dyn Fn(&mut ScanFacts)>,
    code: DeviationCode,
    /// Words the reason must contain.
    says: &'static [&'static str],
}

fn case(
    name: &'static str,
    profile: ProfileId,
    mutate: impl Fn(&mut ScanFacts) + 'static,
    code: DeviationCode,
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        profile,
        mutate: Box::new(mutate),
        code,
        says,
    }
}

fn swap_leaf(f: &mut ScanFacts, pki: &Pki) {
    f.extra_anchors = pki.anchors();
    ep(f).chain = Some(ChainFacts {
        certificates: pki.chain(),
        ..ChainFacts::default()
    });
}

fn cases() -> Vec<Case> {
    use DeviationCode as D;
    use ProfileId::*;
    vec![
        case(
            "TLS 1.0 offered",
            MozillaIntermediate,
            |f| ep(f).protocols.push(ProtocolVersion::TLS10),
            D::ProtocolNotAllowed,
            &["TLSv1.0", "TLSv1.2 and TLSv1.3"],
        ),
        case(
            "TLS 1.2 offered under modern",
            MozillaModern,
            |f| ep(f).protocols.push(ProtocolVersion::TLS12),
            D::ProtocolNotAllowed,
            &["TLSv1.2", "allows only TLSv1.3"],
        ),
        case(
            "TLS 1.2 missing",
            MozillaIntermediate,
            |f| {
                ep(f).protocols.retain(|p| *p != ProtocolVersion::TLS12);
                ep(f)
                    .cipher_suites
                    .retain(|p| p.protocol != ProtocolVersion::TLS12);
            },
            D::ProtocolMissing,
            &["TLSv1.2 is not offered", "Java 8u31"],
        ),
        case(
            "TLS 1.0 missing under old",
            MozillaOld,
            |f| {
                ep(f).protocols.retain(|p| *p != ProtocolVersion::TLS10);
                ep(f)
                    .cipher_suites
                    .retain(|p| p.protocol != ProtocolVersion::TLS10);
            },
            D::ProtocolMissing,
            &["TLSv1.0"],
        ),
        case(
            "a CBC suite",
            MozillaIntermediate,
            |f| push_suite(f, ProtocolVersion::TLS12, "AES128-SHA"),
            D::CipherSuitesNotAllowed,
            &["1 suite", "AES128-SHA"],
        ),
        case(
            "an RC4 suite under old",
            MozillaOld,
            |f| push_suite(f, ProtocolVersion::TLS12, "RC4-SHA"),
            D::CipherSuitesNotAllowed,
            &["RC4-SHA"],
        ),
        case(
            "a TLS 1.3 CCM suite",
            MozillaModern,
            |f| push_suite(f, ProtocolVersion::TLS13, "TLS_AES_128_CCM_SHA256"),
            D::Tls13SuitesNotAllowed,
            &["TLS_AES_128_CCM_SHA256"],
        ),
        case(
            "x448 accepted",
            MozillaIntermediate,
            |f| ep(f).groups.push(NamedGroup::X448),
            D::GroupsNotAllowed,
            &["x448"],
        ),
        case(
            "secp384r1 missing",
            MozillaModern,
            |f| ep(f).groups.retain(|g| *g != NamedGroup::SECP384R1),
            D::GroupsMissing,
            &["secp384r1 is not accepted"],
        ),
        case(
            "an RSA certificate under modern",
            MozillaModern,
            |f| {
                swap_leaf(
                    f,
                    &Pki::new(
                        Spec::leaf(&["example.test"]),
                        KeyKind::Rsa(2048, Hash::Sha256),
                    ),
                )
            },
            D::CertificateTypeNotAllowed,
            &["RSA 2048 bits", "ecdsa"],
        ),
        case(
            "an ECDSA certificate (signed by an RSA CA) under old",
            MozillaOld,
            |f| {
                swap_leaf(
                    f,
                    &rsa_issued(Spec::leaf(&["example.test"]), KeyKind::P256, Hash::Sha256),
                )
            },
            D::CertificateTypeNotAllowed,
            &["EC 256 bits", "wants rsa"],
        ),
        case(
            "an RSA-1024 certificate",
            MozillaIntermediate,
            |f| {
                swap_leaf(
                    f,
                    &rsa_issued(
                        Spec::leaf(&["example.test"]),
                        KeyKind::Rsa(1024, Hash::Sha256),
                        Hash::Sha256,
                    ),
                )
            },
            D::RsaKeyTooSmall,
            &["1024 bits", "at least 2048"],
        ),
        case(
            "a SHA-1 signed certificate",
            MozillaIntermediate,
            |f| {
                swap_leaf(
                    f,
                    &rsa_issued(
                        Spec::leaf(&["example.test"]),
                        KeyKind::Rsa(2048, Hash::Sha256),
                        Hash::Sha1,
                    ),
                )
            },
            D::CertificateSignatureNotAllowed,
            &["sha1WithRSAEncryption"],
        ),
        case(
            "a 400-day certificate",
            MozillaIntermediate,
            |f| {
                swap_leaf(
                    f,
                    &rsa_issued(
                        Spec::leaf(&["example.test"]).valid(NOW - 10 * DAY, NOW + 390 * DAY),
                        KeyKind::Rsa(2048, Hash::Sha256),
                        Hash::Sha256,
                    ),
                )
            },
            D::CertificateLifespanTooLong,
            &["400 days", "at most 366"],
        ),
        case(
            "a 180-day certificate under modern",
            MozillaModern,
            |f| {
                swap_leaf(
                    f,
                    &Pki::new(
                        Spec::leaf(&["example.test"]).valid(NOW - 10 * DAY, NOW + 170 * DAY),
                        KeyKind::P256,
                    ),
                )
            },
            D::CertificateLifespanTooLong,
            &["180 days", "at most 90"],
        ),
        case(
            "1024-bit DH",
            MozillaIntermediate,
            |f| ep(f).key_exchange.dh_bits = Some(1024),
            D::DhParamTooSmall,
            &["1024-bit", "2048"],
        ),
        case(
            "server order under intermediate",
            MozillaIntermediate,
            |f| {
                for p in &mut ep(f).cipher_suites {
                    p.server_order = Some(true)
                }
            },
            D::ServerOrderEnforced,
            &["TLSv1.2 and TLSv1.3"],
        ),
        case(
            "client order under old",
            MozillaOld,
            |f| {
                for p in &mut ep(f).cipher_suites {
                    p.server_order = Some(false)
                }
            },
            D::ServerOrderMissing,
            &["TLSv1.0, TLSv1.1 and TLSv1.2"],
        ),
        case(
            "no HSTS",
            MozillaIntermediate,
            |f| ep(f).http.as_mut().unwrap().hsts = None,
            D::HstsMissing,
            &["63072000"],
        ),
        case(
            "invalid HSTS",
            MozillaModern,
            |f| ep(f).http.as_mut().unwrap().hsts = Some("max-age=forever".into()),
            D::HstsInvalid,
            &["forever"],
        ),
        case(
            "one-year HSTS",
            MozillaOld,
            |f| {
                ep(f).http.as_mut().unwrap().hsts =
                    Some("max-age=31536000; includeSubDomains".into())
            },
            D::HstsTooShort,
            &["31536000 (365 days)", "730 days"],
        ),
        case(
            "no OCSP staple though the certificate names a responder",
            MozillaModern,
            |f| {
                let mut spec = Spec::leaf(&["example.test"]);
                spec.ocsp_url = Some("http://ocsp.example.test".into());
                swap_leaf(f, &Pki::new(spec, KeyKind::P256));
            },
            D::OcspStaplingOff,
            &["http://ocsp.example.test"],
        ),
    ]
}

#[test]
fn each_single_deviation_is_reported_alone() {
    let all = cases();
    for c in &all {
        let mut f = exact_server(c.profile);
        (c.mutate)(&mut f);
        let r = graded(&f, c.profile);
        assert_eq!(codes(&r), vec![c.code], "{}", c.name);
        let comp = r.endpoints[0].compliance.as_ref().unwrap();
        assert!(!comp.compliant, "{}", c.name);
        let d = &comp.deviations[0];
        for word in c.says {
            assert!(
                d.reason.contains(word),
                "{}: {:?} lacks {word:?}",
                c.name,
                d.reason
            );
        }
        assert!(
            d.fix.contains("nginx") || d.fix.contains("certbot") || d.fix.contains("CA"),
            "{}: {}",
            c.name,
            d.fix
        );
    }
    // Every code but the curve one (tested on the report, below) has a case.
    for code in DeviationCode::ALL {
        assert!(
            *code == DeviationCode::CertificateCurveNotAllowed
                || all.iter().any(|c| c.code == *code),
            "no case for {code}"
        );
    }
}

#[test]
fn an_ecdsa_key_on_another_curve_is_one_deviation() {
    // No test PKI makes P-521 keys (ring cannot), so the curve is set on the
    // graded report: the check reads the report's key description.
    let mut f = intermediate_server();
    swap_leaf(&mut f, shared_pki());
    let mut r = grade(&f, NOW);
    let leaf = &mut r.endpoints[0].chain.as_mut().unwrap().certificates[0];
    leaf.key.curve = Some("P-521".into());
    leaf.key.bits = 521;
    let c = compliance::check_report(
        &r.endpoints[0],
        ProfileId::MozillaIntermediate.profile(),
        HstsMeasured::Yes,
    );
    let got: Vec<DeviationCode> = c.deviations.iter().map(|d| d.code).collect();
    assert_eq!(got, vec![DeviationCode::CertificateCurveNotAllowed]);
    assert!(c.deviations[0].reason.contains("P-521"));
}

#[test]
fn a_server_with_every_difference_lists_each_one() {
    let r = graded(&legacy_b_server(), ProfileId::MozillaIntermediate);
    let got = codes(&r);
    use DeviationCode as D;
    assert_eq!(
        got,
        vec![
            D::ProtocolNotAllowed,
            D::ProtocolNotAllowed,
            D::CipherSuitesNotAllowed,
            D::GroupsNotAllowed,
            D::DhParamTooSmall,
            D::ServerOrderEnforced,
            D::HstsMissing,
        ]
    );
    let suites = &r.endpoints[0].compliance.as_ref().unwrap().deviations[2];
    // Only the TLS 1.2 list is judged (TLS 1.0/1.1 go with their protocol).
    assert!(suites.reason.starts_with("4 suites"), "{}", suites.reason);
    assert!(suites.fix.contains("ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256;"), "{}", suites.fix);
}

#[test]
fn a_post_quantum_hybrid_counts_as_its_classical_curve() {
    let mut f = modern_server();
    ep(&mut f).groups.insert(0, NamedGroup::X25519MLKEM768);
    assert!(
        graded(&f, ProfileId::MozillaModern)
            .compliance
            .unwrap()
            .compliant
    );
}

#[test]
fn missing_facts_are_unchecked_and_not_compliant() {
    let mut f = intermediate_server();
    ep(&mut f).http = None;
    let r = graded(&f, ProfileId::MozillaIntermediate);
    let c = r.endpoints[0].compliance.as_ref().unwrap();
    assert!(c.deviations.is_empty());
    assert_eq!(c.unchecked.len(), 1);
    assert_eq!(c.unchecked[0].check, CheckArea::Hsts);
    assert!(!c.compliant);

    let mut f = intermediate_server();
    ep(&mut f).http = Some(HttpFacts {
        status: None,
        hsts: None,
        error: Some("timeout".into()),
        ..HttpFacts::default()
    });
    ep(&mut f).key_exchange.dh_bits = None;
    ep(&mut f).groups.clear();
    ep(&mut f).chain = None;
    let r = graded(&f, ProfileId::MozillaIntermediate);
    let c = r.endpoints[0].compliance.as_ref().unwrap();
    let checks: Vec<CheckArea> = c.unchecked.iter().map(|u| u.check).collect();
    assert_eq!(
        checks,
        vec![
            CheckArea::Groups,
            CheckArea::Certificate,
            CheckArea::DhParameters,
            CheckArea::Hsts
        ]
    );
}

#[test]
fn the_target_summary_merges_endpoints_by_deviation() {
    let mut f = intermediate_server();
    let mut second = f.endpoints[0].clone();
    second.ip = "127.0.0.2".into();
    second.protocols.push(ProtocolVersion::TLS11);
    f.endpoints[0].protocols.push(ProtocolVersion::TLS10);
    second.protocols.push(ProtocolVersion::TLS10);
    f.endpoints.push(second);
    let mut unreachable = EndpointFacts {
        ip: "127.0.0.3".into(),
        ..EndpointFacts::default()
    };
    unreachable.error = Some(tlslens_core::facts::ProbeError {
        probe: "connect".into(),
        code: "refused".into(),
        message: "connection refused".into(),
    });
    f.endpoints.push(unreachable);
    let t = graded(&f, ProfileId::MozillaIntermediate)
        .compliance
        .unwrap();
    assert!(!t.compliant);
    let rows: Vec<(DeviationCode, Vec<&str>)> = t
        .deviations
        .iter()
        .map(|d| (d.code, d.ips.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                DeviationCode::ProtocolNotAllowed,
                vec!["127.0.0.1", "127.0.0.2"]
            ),
            (DeviationCode::ProtocolNotAllowed, vec!["127.0.0.2"]),
        ]
    );
    assert!(t.deviations[0].reason.contains("TLSv1.0"));
    assert!(t.deviations[1].reason.contains("TLSv1.1"));
    assert_eq!(t.unchecked.len(), 1);
    assert_eq!(t.unchecked[0].check, CheckArea::Endpoint);
    assert_eq!(t.unchecked[0].ips, vec!["127.0.0.3"]);
}

#[test]
fn plain_grade_is_unchanged_and_carries_no_compliance() {
    let f = legacy_b_server();
    let plain = serde_json::to_string(&grade(&f, NOW)).unwrap();
    let with_defaults =
        serde_json::to_string(&grade_with(&f, NOW, &GradeOptions::default())).unwrap();
    assert_eq!(plain, with_defaults);
    assert!(!plain.contains("\"compliance\"") && !plain.contains("\"fix\":{"));
    let graded = serde_json::to_value(graded(&f, ProfileId::MozillaModern)).unwrap();
    assert_eq!(graded["compliance"]["profile"], "mozilla-modern");
    assert_eq!(graded["endpoints"][0]["compliance"]["compliant"], false);
    assert_eq!(
        graded["endpoints"][0]["compliance"]["deviations"][0]["code"],
        "protocol_not_allowed"
    );
    // The grade itself does not depend on the profile.
    assert_eq!(graded["grade"], "B");
}

#[test]
fn options_json_names_unknown_profiles_and_fields() {
    let facts = serde_json::to_string(&intermediate_server()).unwrap();
    let err = tlslens_core::grade_with_json(&facts, 1.8e12, r#"{"profile":"mozilla-ancient"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mozilla-modern, mozilla-intermediate, mozilla-old"),
        "{err}"
    );
    assert!(tlslens_core::grade_with_json(&facts, 1.8e12, r#"{"profle":"x"}"#).is_err());
    let ok = tlslens_core::grade_with_json(&facts, 1.8e12, r#"{"profile":"mozilla-intermediate"}"#)
        .unwrap();
    assert!(ok.contains("\"compliant\":true"));
    assert_eq!(
        tlslens_core::grade_with_json(&facts, 1.8e12, "").unwrap(),
        tlslens_core::grade_json(&facts, 1.8e12).unwrap()
    );
}
