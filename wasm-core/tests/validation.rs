//! The validator's checks through `chain::analyse`, on certificates generated at
//! test time: basicConstraints, path length, name constraints, key usage and
//! extended key usage, unknown critical extensions, anchor expiry, weak keys,
//! host names without a CN fallback, path building that prefers a valid path,
//! its work bound, and the verdict per root store. Each rejection must carry
//! `invalid_constraints` (or the issue of its kind), mark the certificate it
//! concerns and say the rule in a finding.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rcgen::{
    BasicConstraints, CidrSubnet, CustomExtension, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa,
    KeyUsagePurpose, NameConstraints,
};
use tlslens_core::anchors::TrustStore;
use tlslens_core::chain::{analyse, analyse_in, ChainInput, ChainIssue, ChainReport, NamedStore};
use tlslens_core::stores::StoreId;
use tlslens_core::Der;

fn check(sent: &[Der], anchors: &[Der], host: &str) -> ChainReport {
    let (store, problems) = TrustStore::only(anchors);
    assert!(problems.is_empty(), "{problems:?}");
    analyse(
        ChainInput {
            sent,
            aia: &[],
            ocsp_staple: None,
            host: Some(host),
            now: NOW,
            max_intermediates: None,
        },
        &store,
    )
    .0
}

fn issues(r: &ChainReport) -> Vec<&'static str> {
    r.issues.iter().map(|i| i.as_str()).collect()
}

/// The reasons of the findings with `code`.
fn reasons(r: &ChainReport, code: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.reason.clone())
        .collect()
}

/// Asserts a rejection for a failed constraint: `invalid_constraints` in the
/// chain and on certificate `at`, and a `code` finding containing `says`.
fn assert_constraint(r: &ChainReport, at: usize, code: &str, says: &str) {
    assert!(!r.trusted, "{r:#?}");
    assert!(
        r.issues.contains(&ChainIssue::InvalidConstraints),
        "{:?}",
        r.issues
    );
    assert!(
        r.certificates[at]
            .issues
            .contains(&ChainIssue::InvalidConstraints),
        "certificate {at}: {:?}",
        r.certificates[at].issues
    );
    let found = reasons(r, code);
    assert!(
        found.iter().any(|f| f.contains(says)),
        "no {code} finding saying {says:?}: {:#?}",
        r.findings
    );
}

fn root() -> Node {
    Node::self_signed(Spec::ca("Test Root"), KeyKind::P256)
}

#[test]
fn chain_rejects_non_ca_issuer() {
    let root = root();
    let inter = root.issue(
        Spec::ca("Not A CA").with(|p| p.is_ca = IsCa::ExplicitNoCa),
        KeyKind::P256,
    );
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(&[leaf.der(), inter.der()], &[root.der()], "example.test");
    assert_constraint(
        &r,
        1,
        "basic_constraints",
        "the intermediate 'Not A CA' is not a CA (basicConstraints",
    );
    // OpenSSL: invalid CA certificate.
    assert_eq!(r.verify_code, 24, "{}", r.verify_message);
}

#[test]
fn chain_rejects_path_longer_than_path_len() {
    let root = root();
    let upper = root.issue(
        Spec::ca("Upper CA").with(|p| p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0))),
        KeyKind::P256,
    );
    let lower = upper.issue(Spec::ca("Lower CA"), KeyKind::P256);
    let leaf = lower.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(
        &[leaf.der(), lower.der(), upper.der()],
        &[root.der()],
        "example.test",
    );
    assert_constraint(
        &r,
        2,
        "path_length",
        "the intermediate 'Upper CA' allows 0 intermediates below it",
    );
    assert_eq!(r.verify_code, 25, "{}", r.verify_message);

    // pathLenConstraint 0 over the leaf alone is fine.
    let r = check(&[leaf.der(), lower.der()], &[lower.der()], "example.test");
    assert!(r.trusted, "{r:#?}");
}

fn constrained_ca(
    root: &Node,
    permitted: Vec<GeneralSubtree>,
    excluded: Vec<GeneralSubtree>,
) -> Node {
    root.issue(
        Spec::ca("Corp CA").with(move |p| {
            p.name_constraints = Some(NameConstraints {
                permitted_subtrees: permitted.clone(),
                excluded_subtrees: excluded.clone(),
            });
        }),
        KeyKind::P256,
    )
}

#[test]
fn chain_rejects_a_name_outside_the_permitted_subtree() {
    let root = root();
    let corp = constrained_ca(
        &root,
        vec![GeneralSubtree::DnsName("corp.example".into())],
        vec![],
    );
    let outside = corp.issue(Spec::leaf(&["a.example"]), KeyKind::P256);
    let r = check(&[outside.der(), corp.der()], &[root.der()], "a.example");
    assert_constraint(
        &r,
        0,
        "name_constraints",
        "the name 'a.example' of the leaf 'a.example' is outside the permitted subtree 'corp.example' of 'Corp CA'",
    );
    assert_eq!(r.verify_code, 47, "{}", r.verify_message);

    let inside = corp.issue(Spec::leaf(&["www.corp.example"]), KeyKind::P256);
    let r = check(
        &[inside.der(), corp.der()],
        &[root.der()],
        "www.corp.example",
    );
    assert!(r.trusted, "{r:#?}");
}

#[test]
fn chain_rejects_a_wildcard_that_reaches_into_an_excluded_subtree() {
    let root = root();
    let corp = constrained_ca(
        &root,
        vec![],
        vec![GeneralSubtree::DnsName("secret.example".into())],
    );
    let leaf = corp.issue(Spec::leaf(&["*.example", "www.other.test"]), KeyKind::P256);
    let r = check(&[leaf.der(), corp.der()], &[root.der()], "www.other.test");
    assert_constraint(
        &r,
        0,
        "name_constraints",
        "is in the excluded subtree 'secret.example'",
    );
}

#[test]
fn chain_rejects_an_ip_address_in_an_excluded_range() {
    let root = root();
    let corp = constrained_ca(
        &root,
        vec![],
        vec![GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix(
            [10, 0, 0, 0],
            8,
        ))],
    );
    let leaf = corp.issue(Spec::leaf(&["10.1.2.3"]), KeyKind::P256);
    let r = check(&[leaf.der(), corp.der()], &[root.der()], "10.1.2.3");
    assert_constraint(
        &r,
        0,
        "name_constraints",
        "the name '10.1.2.3' of the leaf '10.1.2.3' is in the excluded subtree '10.0.0.0/8'",
    );
    let leaf = corp.issue(Spec::leaf(&["192.0.2.1"]), KeyKind::P256);
    assert!(check(&[leaf.der(), corp.der()], &[root.der()], "192.0.2.1").trusted);
}

#[test]
fn chain_rejects_a_client_auth_only_leaf() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"])
            .with(|p| p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth]),
        KeyKind::P256,
    );
    let r = check(&pki.chain(), &pki.anchors(), "example.test");
    assert_constraint(
        &r,
        0,
        "extended_key_usage",
        "is not for TLS servers: its extKeyUsage lists clientAuth but not serverAuth",
    );
    assert_eq!(r.verify_code, 26, "{}", r.verify_message);
}

#[test]
fn chain_rejects_an_intermediate_restricted_to_other_usages() {
    let root = root();
    let inter = root.issue(
        Spec::ca("Mail CA").with(|p| {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
        }),
        KeyKind::P256,
    );
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(&[leaf.der(), inter.der()], &[root.der()], "example.test");
    assert_constraint(
        &r,
        1,
        "extended_key_usage",
        "may not issue server certificates",
    );
}

#[test]
fn chain_rejects_an_issuer_without_key_cert_sign() {
    let root = root();
    let inter = root.issue(
        Spec::ca("CRL-only CA").with(|p| p.key_usages = vec![KeyUsagePurpose::CrlSign]),
        KeyKind::P256,
    );
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(&[leaf.der(), inter.der()], &[root.der()], "example.test");
    assert_constraint(&r, 1, "key_usage", "its keyUsage lacks keyCertSign");
}

#[test]
fn chain_rejects_an_unknown_critical_extension() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]).with(|p| {
            let mut ext = CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 55738, 666, 1],
                vec![0x05, 0x00],
            );
            ext.set_criticality(true);
            p.custom_extensions.push(ext);
        }),
        KeyKind::P256,
    );
    let r = check(&pki.chain(), &pki.anchors(), "example.test");
    assert_constraint(
        &r,
        0,
        "unknown_critical_extension",
        "has a critical 1.3.6.1.4.1.55738.666.1 extension that browsers do not know",
    );
}

#[test]
fn chain_rejects_an_expired_anchor() {
    let root = Node::self_signed(
        Spec::ca("Old Root").valid(NOW - 3650 * DAY, NOW - DAY),
        KeyKind::P256,
    );
    let inter = root.issue(Spec::ca("Inter"), KeyKind::P256);
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(&[leaf.der(), inter.der()], &[root.der()], "example.test");
    assert!(!r.trusted);
    assert_eq!(issues(&r), ["expired"]);
    assert_eq!(r.certificates[2].issues, [ChainIssue::Expired]);
}

#[test]
fn rsa_512_leaf_is_not_trusted() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(512, Hash::Sha256),
    );
    let r = check(&pki.chain(), &pki.anchors(), "example.test");
    assert!(!r.trusted);
    assert_eq!(issues(&r), ["weak_key"]);
    assert!(reasons(&r, "weak_key")[0].contains("RSA key of 512 bits; browsers require 2048"));
    assert_eq!(r.verify_code, 66, "{}", r.verify_message);
}

#[test]
fn cn_only_leaf_is_a_hostname_mismatch_for_browsers_not_for_openssl() {
    let pki = Pki::new(
        Spec::leaf(&[]).with(|p| {
            p.distinguished_name = rcgen::DistinguishedName::new();
            p.distinguished_name
                .push(rcgen::DnType::CommonName, "example.test");
        }),
        KeyKind::P256,
    );
    let r = check(&pki.chain(), &pki.anchors(), "example.test");
    assert!(!r.trusted);
    assert_eq!(issues(&r), ["hostname_mismatch"]);
    assert!(r.certificates[0].san.is_empty());
    assert!(reasons(&r, "no_subject_alt_name")[0]
        .contains("browsers ignore its common name 'example.test'"));
    // `openssl s_client -verify_hostname example.test` matches the CN.
    assert_eq!((r.verify_code, r.verify_message.as_str()), (0, "ok"));
}

#[test]
fn path_building_prefers_a_valid_path_over_a_sha1_signed_one() {
    // The same root key signs one copy of the intermediate with SHA-1, one with
    // SHA-256; the server sends the SHA-1 copy first.
    let root = Node::self_signed(Spec::ca("Root"), KeyKind::Rsa(2048, Hash::Sha256));
    let root_sha1 = Node::self_signed(Spec::ca("Root"), KeyKind::Rsa(2048, Hash::Sha1));
    let inter_sha1 = root_sha1.issue(Spec::ca("Inter"), KeyKind::Rsa(2049, Hash::Sha256));
    let inter = root.issue(Spec::ca("Inter"), KeyKind::Rsa(2049, Hash::Sha256));
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let r = check(
        &[leaf.der(), inter_sha1.der(), inter.der()],
        &[root.der()],
        "example.test",
    );
    assert!(r.trusted, "{r:#?}");
    assert_eq!(r.certificates[1].sha256, cert_sha256(&inter.der));
    assert_eq!(
        r.certificates[1].signature_algorithm,
        "sha256WithRSAEncryption"
    );
    assert_eq!(issues(&r), ["extra_certs"]);
}

fn cert_sha256(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn path_building_is_bounded_on_a_pool_of_look_alike_intermediates() {
    // 60 intermediates sharing one name and one key, each signing the next,
    // none reaching an anchor: every one is a candidate issuer of every other.
    let root = Node::self_signed(Spec::ca("Unrelated Root"), KeyKind::P256);
    let mut chain = vec![Node::self_signed(
        Spec::ca("Loop CA"),
        KeyKind::Rsa(2049, Hash::Sha256),
    )];
    for _ in 0..60 {
        let next = chain
            .last()
            .unwrap()
            .issue(Spec::ca("Loop CA"), KeyKind::Rsa(2049, Hash::Sha256));
        chain.push(next);
    }
    let leaf = chain
        .last()
        .unwrap()
        .issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let mut sent = vec![leaf.der()];
    sent.extend(chain.iter().rev().map(Node::der));
    let r = check(&sent, &[root.der()], "example.test");
    assert!(!r.trusted);
}

#[test]
fn each_store_gets_its_own_verdict() {
    let pki = shared_pki();
    let anchors = pki.anchors();
    let (primary, _) = TrustStore::new(&anchors);
    let mozilla = TrustStore::mozilla();
    let (custom, _) = TrustStore::only(&anchors);
    let stores = [
        NamedStore {
            id: StoreId::MOZILLA,
            store: &mozilla,
        },
        NamedStore {
            id: StoreId::CUSTOM,
            store: &custom,
        },
    ];
    let sent = pki.chain();
    let input = ChainInput {
        sent: &sent,
        aia: &[],
        ocsp_staple: None,
        host: Some("example.test"),
        now: NOW,
        max_intermediates: None,
    };
    let (r, _) = analyse_in(input, &primary, &stores);
    assert!(r.trusted);
    let trust: Vec<(&str, bool)> = r
        .trust
        .iter()
        .map(|t| (t.store.as_str(), t.trusted))
        .collect();
    assert_eq!(trust, [("mozilla", false), ("custom", true)]);

    // The leaf's own problems make every store's verdict false.
    let input = ChainInput {
        host: Some("other.test"),
        ..input
    };
    let (r, _) = analyse_in(input, &primary, &stores);
    assert!(r.trust.iter().all(|t| !t.trusted), "{:?}", r.trust);
}

#[test]
fn a_store_of_names_and_keys_gives_the_same_verdict() {
    use tlslens_core::anchors::KeyAnchor;
    use x509_parser::prelude::FromDer;
    let pki = shared_pki();
    let (_, root) = x509_parser::certificate::X509Certificate::from_der(&pki.root.der).unwrap();
    let tbs = &root.tbs_certificate;
    let key_store = |validity: (i64, i64)| {
        TrustStore::from_anchors(Vec::new(), false).with_keys(vec![KeyAnchor::from_parts(
            tbs.subject.as_raw(),
            tbs.subject_pki.raw,
            None,
            validity,
            "TLS Lens Test Root",
        )
        .unwrap()])
    };
    let current = key_store((NOW - DAY, NOW + DAY));
    let expired = key_store((NOW - 2 * DAY, NOW - DAY));
    let limited = |distrust: Option<i64>, disabled: Option<i64>| {
        TrustStore::from_anchors(Vec::new(), false).with_keys(vec![KeyAnchor::from_parts(
            tbs.subject.as_raw(),
            tbs.subject_pki.raw,
            None,
            (NOW - DAY, NOW + DAY),
            "TLS Lens Test Root",
        )
        .unwrap()
        .limited(distrust, disabled)])
    };
    // The leaf was issued 30 days before NOW.
    let distrusted = limited(Some(NOW - 40 * DAY), None);
    let grandfathered = limited(Some(NOW - 20 * DAY), None);
    let disabled = limited(None, Some(NOW - DAY));
    let anchors = pki.anchors();
    let (primary, _) = TrustStore::new(&anchors);
    let stores = [
        NamedStore {
            id: StoreId::parse("android-14").unwrap(),
            store: &current,
        },
        NamedStore {
            id: StoreId::parse("android-7").unwrap(),
            store: &expired,
        },
        NamedStore {
            id: StoreId::MICROSOFT,
            store: &distrusted,
        },
        NamedStore {
            id: StoreId::parse("android-8").unwrap(),
            store: &grandfathered,
        },
        NamedStore {
            id: StoreId::JAVA,
            store: &disabled,
        },
    ];
    let sent = pki.chain();
    let input = ChainInput {
        sent: &sent,
        aia: &[],
        ocsp_staple: None,
        host: Some("example.test"),
        now: NOW,
        max_intermediates: None,
    };
    let (r, _) = analyse_in(input, &primary, &stores);
    let trust: Vec<(&str, bool)> = r
        .trust
        .iter()
        .map(|t| (t.store.as_str(), t.trusted))
        .collect();
    assert_eq!(
        trust,
        [
            ("android-14", true),
            ("android-7", false),
            ("microsoft", false),
            ("android-8", true),
            ("java", false)
        ]
    );
}
