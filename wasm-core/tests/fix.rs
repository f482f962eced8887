//! Fix plans: applied to the server (as nginx would serve them), a plan makes a
//! B server A+ and any server compliant with the chosen profile, except for what
//! only a new certificate fixes (and then the plan says so); a server that
//! already meets the goal gets a plan that changes nothing; the plan keeps the
//! server's own order and says what to remove; the three renderings name the
//! same settings.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::servers::*;
use common::*;
use tlslens_core::compliance::DeviationCode;
use tlslens_core::facts::ScanFacts;
use tlslens_core::fix::{self, CertificateKey, Change, FixGoal, FixPlan, ServerSoftware};
use tlslens_core::profiles::ProfileId;
use tlslens_core::report::{Grade, Report};
use tlslens_core::wire::ProtocolVersion;
use tlslens_core::{grade, grade_with, GradeOptions};

fn plan_for(facts: &ScanFacts, goal: FixGoal) -> (Report, FixPlan) {
    let report = grade(facts, NOW);
    let plan = fix::plan(&facts.target, &report.endpoints[0], goal);
    (report, plan)
}

fn leaf_key(report: &Report) -> String {
    report.endpoints[0].chain.as_ref().unwrap().certificates[0]
        .key
        .kind
        .clone()
}

/// The server after the plan, graded with the plan's profile (if any).
fn fixed(facts: &ScanFacts, goal: FixGoal) -> (FixPlan, Report) {
    let (report, plan) = plan_for(facts, goal);
    let mut after = facts.clone();
    apply(&mut after.endpoints[0], &plan, &leaf_key(&report));
    let profile = match goal {
        FixGoal::Profile(p) => Some(p),
        FixGoal::APlus => None,
    };
    let regraded = grade_with(
        &after,
        NOW,
        &GradeOptions {
            profile,
            ..GradeOptions::default()
        },
    );
    (plan, regraded)
}

fn nginx(plan: &FixPlan) -> &str {
    &plan.server(ServerSoftware::Nginx).unwrap().text
}

#[test]
fn a_b_server_fixed_for_a_plus_grades_a_plus() {
    let facts = legacy_b_server();
    assert_eq!(grade(&facts, NOW).grade, Some(Grade::B));
    let (plan, after) = fixed(&facts, FixGoal::APlus);
    assert_eq!(
        after.grade,
        Some(Grade::APlus),
        "{:#?}",
        after.endpoints[0].caps
    );
    assert!(after.endpoints[0].warnings.is_empty());

    // Kept in the server's own order, minus what blocks A+.
    assert_eq!(
        plan.settings.cipher_suites.value,
        suites(&[
            "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES128-GCM-SHA256",
            "DHE-RSA-AES128-GCM-SHA256",
        ])
    );
    assert_eq!(
        plan.removed.protocols,
        vec![ProtocolVersion::TLS10, ProtocolVersion::TLS11]
    );
    assert_eq!(plan.settings.tls13_cipher_suites.change, Change::Keep);
    assert_eq!(plan.settings.groups.change, Change::Keep);
    assert_eq!(plan.settings.dh_param_bits.value, Some(2048));
    assert_eq!(plan.settings.hsts.change, Change::Add);
    let text = nginx(&plan);
    for want in [
        "# Remove TLSv1 and TLSv1.1 from ssl_protocols.",
        "# Drop 5 suites from ssl_ciphers: ECDHE-RSA-AES128-SHA, AES128-SHA, AES256-GCM-SHA384, DES-CBC3-SHA, DHE-RSA-AES128-SHA.",
        "ssl_protocols TLSv1.2 TLSv1.3;  # changed",
        "ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256;  # changed",
        "ssl_ecdh_curve X25519:prime256v1:X448:secp521r1:secp384r1;  # unchanged",
        "ssl_prefer_server_ciphers on;  # unchanged",
        "ssl_dhparam /etc/ssl/ffdhe2048.pem;  # changed",
        "add_header Strict-Transport-Security \"max-age=63072000\" always;  # added",
    ] {
        assert!(text.contains(want), "nginx snippet lacks {want:?}:\n{text}");
    }
    assert!(!plan.nothing_to_change);
}

#[test]
fn a_b_server_fixed_for_intermediate_is_compliant_and_a_plus() {
    let (plan, after) = fixed(
        &legacy_b_server(),
        FixGoal::Profile(ProfileId::MozillaIntermediate),
    );
    let c = after.compliance.as_ref().unwrap();
    assert!(c.compliant, "{:#?}", c);
    assert_eq!(after.grade, Some(Grade::APlus));
    assert!(!plan.settings.server_cipher_order.value);
    assert_eq!(plan.settings.server_cipher_order.change, Change::Change);
    // x448 and secp521r1 go; the profile's curves stay in the server's order.
    assert_eq!(plan.settings.groups.value, MOZILLA_GROUPS.to_vec());
    let text = nginx(&plan);
    assert!(
        text.contains("# Drop X448 and secp521r1 from ssl_ecdh_curve."),
        "{text}"
    );
    assert!(
        text.contains("ssl_prefer_server_ciphers off;  # changed"),
        "{text}"
    );
}

#[test]
fn every_server_fixed_for_every_profile_is_compliant_but_for_its_certificate() {
    let cert_codes = [
        DeviationCode::CertificateTypeNotAllowed,
        DeviationCode::CertificateCurveNotAllowed,
        DeviationCode::RsaKeyTooSmall,
        DeviationCode::CertificateSignatureNotAllowed,
        DeviationCode::CertificateLifespanTooLong,
    ];
    let servers: Vec<(&str, ScanFacts)> = vec![
        ("modern", modern_server()),
        ("intermediate", intermediate_server()),
        ("old", old_server()),
        ("legacy B", legacy_b_server()),
    ];
    for (name, facts) in &servers {
        for id in ProfileId::ALL {
            let (plan, after) = fixed(facts, FixGoal::Profile(id));
            let c = after.endpoints[0].compliance.as_ref().unwrap();
            let left: Vec<DeviationCode> = c.deviations.iter().map(|d| d.code).collect();
            assert!(
                left.iter().all(|d| cert_codes.contains(d)),
                "{name} fixed for {id}: {:#?}",
                c.deviations
            );
            assert!(c.unchecked.is_empty(), "{name} → {id}");
            assert_eq!(
                plan.new_certificate.is_some(),
                !left.is_empty(),
                "{name} → {id}: {:?}",
                plan.new_certificate
            );
        }
    }
}

#[test]
fn a_server_that_meets_its_goal_changes_nothing() {
    for id in ProfileId::ALL {
        let (_, plan) = plan_for(&exact_server(id), FixGoal::Profile(id));
        assert!(plan.nothing_to_change, "{id}: {:?}", plan.changes);
        for server in &plan.servers {
            assert!(
                server.set.iter().all(|l| l.change == Change::Keep),
                "{id} {:?}: {:#?}",
                server.software,
                server.set
            );
            assert!(server.remove.is_empty(), "{id}");
        }
    }
    let facts = modern_server();
    assert_eq!(grade(&facts, NOW).grade, Some(Grade::APlus));
    let (_, plan) = plan_for(&facts, FixGoal::APlus);
    assert!(plan.nothing_to_change, "{:?}", plan.changes);
}

#[test]
fn certificate_problems_become_a_new_certificate_with_the_right_key() {
    let (_, plan) = plan_for(
        &intermediate_server(),
        FixGoal::Profile(ProfileId::MozillaModern),
    );
    let cert = plan.new_certificate.as_ref().unwrap();
    assert_eq!(cert.key, Some(CertificateKey::EcdsaP256));
    assert!(cert.reasons.iter().any(|r| r.contains("RSA 2048 bits")));
    let caddy = &plan.server(ServerSoftware::Caddy).unwrap().text;
    assert!(caddy.contains("key_type p256  # added"), "{caddy}");
    assert!(nginx(&plan).contains("--key-type ecdsa"));
    assert!(plan
        .changes
        .iter()
        .any(|c| c.contains("new certificate with an ecdsa-p256 key")));

    let (_, plan) = plan_for(&modern_server(), FixGoal::Profile(ProfileId::MozillaOld));
    assert_eq!(
        plan.new_certificate.unwrap().key,
        Some(CertificateKey::Rsa2048)
    );

    let weak = rsa_issued(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(1024, Hash::Sha256),
        Hash::Sha256,
    );
    let mut facts = intermediate_server();
    facts.extra_anchors = weak.anchors();
    facts.endpoints[0].chain.as_mut().unwrap().certificates = weak.chain();
    let (_, plan) = plan_for(&facts, FixGoal::APlus);
    let cert = plan.new_certificate.unwrap();
    assert!(
        cert.reasons[0].contains("RSA 1024 bits"),
        "{:?}",
        cert.reasons
    );
}

#[test]
fn the_three_renderings_say_the_same_thing() {
    let (_, plan) = plan_for(
        &legacy_b_server(),
        FixGoal::Profile(ProfileId::MozillaIntermediate),
    );
    let apache = &plan.server(ServerSoftware::Apache).unwrap().text;
    for want in [
        "# Remove TLSv1 and TLSv1.1 from SSLProtocol.",
        "# changed:\nSSLProtocol -all +TLSv1.2 +TLSv1.3\n",
        "SSLCipherSuite ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256\n",
        "SSLOpenSSLConfCmd Curves X25519:prime256v1:secp384r1\n",
        "SSLHonorCipherOrder off\n",
        "SSLOpenSSLConfCmd DHParameters \"/etc/ssl/ffdhe2048.pem\"\n",
        "# added:\nHeader always set Strict-Transport-Security \"max-age=63072000\"\n",
    ] {
        assert!(apache.contains(want), "Apache snippet lacks {want:?}:\n{apache}");
    }
    // Apache takes no comment after a directive.
    for line in apache.lines().filter(|l| !l.starts_with('#')) {
        assert!(!line.contains('#'), "{line}");
    }
    let caddy = &plan.server(ServerSoftware::Caddy).unwrap().text;
    for want in [
        "example.test {\n\ttls {\n",
        "\t\tprotocols tls1.2 tls1.3  # changed",
        "\t\tciphers TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256  # changed",
        "\t\tcurves x25519 secp256r1 secp384r1  # changed",
        "\theader Strict-Transport-Security \"max-age=63072000\"  # added\n}",
        "Go has no TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    ] {
        assert!(caddy.contains(want), "Caddy snippet lacks {want:?}:\n{caddy}");
    }
    let old = plan_for(&legacy_b_server(), FixGoal::Profile(ProfileId::MozillaOld)).1;
    assert!(nginx(&old).contains(":@SECLEVEL=0;"));
    assert!(old
        .server(ServerSoftware::Caddy)
        .unwrap()
        .notes
        .iter()
        .any(|n| n.contains("Caddy cannot offer TLSv1.0 and TLSv1.1")));
}

#[test]
fn a_plan_is_in_the_report_when_asked_and_from_report_json() {
    let facts = legacy_b_server();
    let report = grade_with(
        &facts,
        NOW,
        &GradeOptions {
            profile: Some(ProfileId::MozillaIntermediate),
            fix: true,
        },
    );
    let in_report = report.endpoints[0].fix.as_ref().unwrap();
    assert_eq!(
        in_report.goal,
        FixGoal::Profile(ProfileId::MozillaIntermediate)
    );
    let json = serde_json::to_string(&grade(&facts, NOW)).unwrap();
    let from_json: FixPlan = serde_json::from_str(
        &tlslens_core::fix_plan_json(&json, "127.0.0.1", "mozilla-intermediate").unwrap(),
    )
    .unwrap();
    assert_eq!(&from_json, in_report);
    let a_plus: serde_json::Value =
        serde_json::from_str(&tlslens_core::fix_plan_json(&json, "127.0.0.1", "").unwrap())
            .unwrap();
    assert_eq!(a_plus["goal"], "A+");
    assert_eq!(a_plus["servers"][0]["software"], "nginx");
    assert_eq!(a_plus["settings"]["protocols"]["change"], "change");
    let err = tlslens_core::fix_plan_json(&json, "127.0.0.1", "mozilla-new")
        .unwrap_err()
        .to_string();
    assert!(err.contains("known profiles"), "{err}");
    assert!(tlslens_core::fix_plan_json(&json, "10.0.0.1", "A+").is_err());
}
