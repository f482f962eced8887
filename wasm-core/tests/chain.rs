//! Chain analysis against certificates generated at test time: every issue of the
//! contract vocabulary, the OpenSSL verify codes, key types and signature hashes.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::anchors::TrustStore;
use tlslens_core::cert::{CertRole, Source};
use tlslens_core::chain::{analyse, ChainInput, ChainIssue, ChainReport, ChainVerdict};
use tlslens_core::Der;

fn run(sent: &[Der], aia: &[Der], anchors: &[Der], host: &str) -> (ChainReport, ChainVerdict) {
    run_with(sent, aia, anchors, host, None)
}

fn run_with(
    sent: &[Der],
    aia: &[Der],
    anchors: &[Der],
    host: &str,
    ocsp: Option<&[u8]>,
) -> (ChainReport, ChainVerdict) {
    let (store, problems) = TrustStore::new(anchors);
    assert!(problems.is_empty(), "{problems:?}");
    analyse(
        ChainInput {
            sent,
            aia,
            ocsp_staple: ocsp,
            host: Some(host),
            now: NOW,
            max_intermediates: None,
        },
        &store,
    )
}

fn issues(r: &ChainReport) -> Vec<&'static str> {
    r.issues.iter().map(|i| i.as_str()).collect()
}

#[test]
fn complete_chain_to_private_anchor_is_trusted() {
    let pki = shared_pki();
    let (r, v) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), Vec::<&str>::new());
    assert_eq!((r.verify_code, r.verify_message.as_str()), (0, "ok"));
    assert!(r.trusted && v.anchored && !v.completed_by_aia);
    let roles: Vec<_> = r
        .certificates
        .iter()
        .map(|c| (c.role.as_str(), c.source))
        .collect();
    assert_eq!(
        roles,
        [
            ("leaf", Source::Sent),
            ("intermediate", Source::Sent),
            ("root", Source::RootStore)
        ]
    );
    let leaf = &r.certificates[0];
    assert_eq!(leaf.subject, "CN=example.test, O=TLS Lens Test");
    assert_eq!(
        leaf.issuer,
        "CN=TLS Lens Test Intermediate, O=TLS Lens Test"
    );
    assert_eq!(leaf.san, ["example.test", "www.example.test"]);
    assert_eq!(leaf.days_left, 60);
    assert_eq!((leaf.key.kind.as_str(), leaf.key.bits), ("EC", 256));
    assert_eq!(leaf.key.curve.as_deref(), Some("P-256"));
    assert_eq!(leaf.signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(leaf.sha256.len(), 64);
    assert_eq!(leaf.extended_key_usage, ["serverAuth"]);
    assert!(!leaf.ca && r.certificates[1].ca);
    assert_eq!(leaf.sent_index, Some(0));
}

#[test]
fn www_and_apex_both_match_and_others_do_not() {
    let pki = shared_pki();
    for host in ["example.test", "WWW.Example.Test.", "www.example.test"] {
        let (r, _) = run(&pki.chain(), &[], &pki.anchors(), host);
        assert!(r.trusted, "{host}");
    }
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "other.test");
    assert_eq!(issues(&r), ["hostname_mismatch"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (62, "hostname mismatch")
    );
    assert!(!r.trusted);
    assert_eq!(r.certificates[0].issues, [ChainIssue::HostnameMismatch]);
}

#[test]
fn expired_leaf() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW - 400 * DAY, NOW - 5 * DAY),
        KeyKind::P256,
    );
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["expired"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (10, "certificate has expired")
    );
    assert_eq!(r.certificates[0].days_left, -5);
    assert!(!r.trusted);
}

#[test]
fn not_yet_valid_leaf() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW + DAY, NOW + 90 * DAY),
        KeyKind::P256,
    );
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["not_yet_valid"]);
    assert_eq!(r.verify_code, 9);
}

#[test]
fn expired_and_wrong_host_reports_the_last_openssl_error() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW - 400 * DAY, NOW - DAY),
        KeyKind::P256,
    );
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "other.test");
    assert_eq!(issues(&r), ["expired", "hostname_mismatch"]);
    assert_eq!(
        r.verify_code, 10,
        "OpenSSL checks validity after the host name"
    );
}

#[test]
fn wildcard_covers_exactly_one_label() {
    let pki = Pki::new(Spec::leaf(&["*.example.test"]), KeyKind::P256);
    let check = |host: &str| run(&pki.chain(), &[], &pki.anchors(), host).0.trusted;
    assert!(check("www.example.test"));
    assert!(check("api.example.test"));
    assert!(!check("example.test"));
    assert!(!check("a.b.example.test"));
}

#[test]
fn ip_san_matches_only_that_address() {
    let pki = Pki::new(Spec::leaf(&["127.0.0.1", "::1"]), KeyKind::P256);
    let check = |host: &str| run(&pki.chain(), &[], &pki.anchors(), host).0.trusted;
    assert!(check("127.0.0.1"));
    assert!(check("[::1]"));
    assert!(!check("127.0.0.2"));
    assert_eq!(pki.leaf.spec.sans, ["127.0.0.1", "::1"]);
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "127.0.0.1");
    assert_eq!(r.certificates[0].san, ["127.0.0.1", "::1"]);
}

#[test]
fn no_common_name_fallback_when_sans_exist() {
    let mut spec = Spec::leaf(&["other.test"]);
    spec.cn = "example.test".into();
    let pki = Pki::new(spec, KeyKind::P256);
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["hostname_mismatch"]);
}

#[test]
fn self_signed_leaf() {
    let leaf = Node::self_signed(Spec::leaf(&["example.test"]), KeyKind::P256);
    let (r, v) = run(&[leaf.der()], &[], &[], "example.test");
    assert_eq!(issues(&r), ["self_signed"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (18, "self-signed certificate")
    );
    assert!(!r.trusted && !v.anchored);
    assert_eq!(r.certificates.len(), 1);
    assert!(r.certificates[0].self_signed);
}

#[test]
fn self_signed_leaf_trusted_when_it_is_an_extra_anchor() {
    let leaf = Node::self_signed(Spec::leaf(&["example.test"]), KeyKind::P256);
    let (r, _) = run(&[leaf.der()], &[], &[leaf.der()], "example.test");
    assert!(r.trusted, "{:?}", r.issues);
    assert_eq!(r.verify_code, 0);
}

#[test]
fn untrusted_root_sent_by_the_server() {
    let pki = shared_pki();
    let sent = vec![pki.leaf.der(), pki.inter.der(), pki.root.der()];
    let (r, _) = run(&sent, &[], &[], "example.test");
    assert_eq!(issues(&r), ["untrusted_root"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (19, "self-signed certificate in certificate chain")
    );
    assert_eq!(r.certificates[2].role, CertRole::Root);
    assert_eq!(r.certificates[2].issues, [ChainIssue::UntrustedRoot]);
}

#[test]
fn missing_intermediate_leaf_only() {
    let pki = shared_pki();
    let (r, v) = run(&[pki.leaf.der()], &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["incomplete_chain"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (21, "unable to verify the first certificate")
    );
    assert_eq!(
        r.missing_issuer.as_deref(),
        Some("CN=TLS Lens Test Intermediate, O=TLS Lens Test")
    );
    assert!(!r.trusted && !v.anchored);
}

#[test]
fn missing_root_above_a_sent_intermediate() {
    let pki = shared_pki();
    let (r, _) = run(&pki.chain(), &[], &[], "example.test");
    assert_eq!(issues(&r), ["incomplete_chain"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (20, "unable to get local issuer certificate")
    );
}

#[test]
fn intermediate_fetched_by_aia_completes_the_chain() {
    let pki = shared_pki();
    let (r, v) = run(
        &[pki.leaf.der()],
        &[pki.inter.der()],
        &pki.anchors(),
        "example.test",
    );
    assert_eq!(issues(&r), ["incomplete_chain"]);
    assert!(r.trusted && v.completed_by_aia);
    assert_eq!(r.verify_code, 21, "openssl does not fetch AIA");
    let sources: Vec<_> = r.certificates.iter().map(|c| c.source).collect();
    assert_eq!(sources, [Source::Sent, Source::Aia, Source::RootStore]);
}

#[test]
fn wrong_order_of_two_intermediates() {
    let root = Node::self_signed(Spec::ca("Order Root"), KeyKind::P256);
    let i1 = root.issue(Spec::ca("Order Intermediate 1"), KeyKind::P256);
    let i2 = i1.issue(Spec::ca("Order Intermediate 2"), KeyKind::P256);
    let leaf = i2.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let (r, _) = run(
        &[leaf.der(), i1.der(), i2.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert_eq!(issues(&r), ["wrong_order"]);
    assert!(r.trusted);
    assert_eq!(r.verify_code, 0, "openssl reorders silently");
    let order: Vec<_> = r.certificates.iter().map(|c| c.sent_index).collect();
    assert_eq!(order, [Some(0), Some(2), Some(1), None]);
    assert_eq!(r.certificates[2].issues, [ChainIssue::WrongOrder]);
    // The right order is clean.
    let (ok, _) = run(
        &[leaf.der(), i2.der(), i1.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert!(ok.issues.is_empty());
}

#[test]
fn extra_unrelated_certificate() {
    let pki = shared_pki();
    let stranger = Node::self_signed(Spec::leaf(&["stranger.test"]), KeyKind::P256);
    let sent = vec![pki.leaf.der(), pki.inter.der(), stranger.der()];
    let (r, _) = run(&sent, &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["extra_certs"]);
    assert!(r.trusted);
    let extra = r.certificates.last().unwrap();
    assert_eq!((extra.role, extra.sent_index), (CertRole::Extra, Some(2)));
}

#[test]
fn anchor_included_in_the_chain() {
    let pki = shared_pki();
    let sent = vec![pki.leaf.der(), pki.inter.der(), pki.root.der()];
    let (r, _) = run(&sent, &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["contains_anchor"]);
    assert!(r.trusted);
    assert_eq!(r.verify_code, 0);
}

#[test]
fn rsa_1024_leaf_is_a_weak_key() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(1024, Hash::Sha256),
    );
    let (r, v) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["weak_key"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (66, "EE certificate key too weak")
    );
    assert_eq!(
        (
            r.certificates[0].key.kind.as_str(),
            r.certificates[0].key.bits
        ),
        ("RSA", 1024)
    );
    assert_eq!(v.weakest_key_bits, Some(1024));
    assert!(
        !r.trusted,
        "browsers reject RSA keys under 2048 bits (CA/B Forum BR 6.1.5)"
    );
}

fn rsa_issued(hash: Hash) -> (Node, Node, Node) {
    let root = Node::self_signed(Spec::ca("RSA Root"), KeyKind::Rsa(2048, Hash::Sha256));
    let inter = root.issue(Spec::ca("RSA Intermediate"), KeyKind::Rsa(2049, hash));
    let leaf = inter.issue(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(2048, Hash::Sha256),
    );
    (root, inter, leaf)
}

#[test]
fn rsa_sha256_chain_verifies() {
    let (root, inter, leaf) = rsa_issued(Hash::Sha256);
    let (r, v) = run(
        &[leaf.der(), inter.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert!(r.trusted, "{:?} {:?}", r.issues, r.findings);
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "sha256WithRSAEncryption"
    );
    assert_eq!(r.certificates[0].key.bits, 2048);
    assert!(!v.sha1_signature && !v.md5_signature);
}

#[test]
fn sha1_signed_leaf_is_a_weak_signature() {
    let (root, inter, leaf) = rsa_issued(Hash::Sha1);
    let (r, v) = run(
        &[leaf.der(), inter.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert_eq!(issues(&r), ["weak_signature"]);
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "sha1WithRSAEncryption"
    );
    assert!(
        v.sha1_signature && v.anchored,
        "the SHA-1 signature itself verifies"
    );
    assert!(!r.trusted);
    assert_eq!(r.verify_code, 68);
}

#[test]
fn md5_signed_leaf_is_a_weak_signature() {
    let (root, inter, leaf) = rsa_issued(Hash::Md5);
    let (r, v) = run(
        &[leaf.der(), inter.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert_eq!(issues(&r), ["weak_signature"]);
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "md5WithRSAEncryption"
    );
    assert!(v.md5_signature && v.anchored);
}

#[test]
fn p384_and_ed25519_keys_and_issuers() {
    for (issuer_kind, leaf_kind, kind, bits) in [
        (KeyKind::P384, KeyKind::P384, "EC", 384),
        (KeyKind::Ed25519, KeyKind::Ed25519, "Ed25519", 256),
        (KeyKind::P256, KeyKind::Ed25519, "Ed25519", 256),
        (KeyKind::Rsa(2048, Hash::Sha256), KeyKind::P384, "EC", 384),
    ] {
        let root = Node::self_signed(Spec::ca("Kind Root"), issuer_kind);
        let leaf = root.issue(Spec::leaf(&["example.test"]), leaf_kind);
        let (r, _) = run(&[leaf.der()], &[], &[root.der()], "example.test");
        assert!(
            r.trusted,
            "{issuer_kind:?}/{leaf_kind:?}: {:?} {:?}",
            r.issues, r.findings
        );
        assert_eq!(
            (
                r.certificates[0].key.kind.as_str(),
                r.certificates[0].key.bits
            ),
            (kind, bits)
        );
    }
}

#[test]
fn same_name_different_key_is_a_signature_failure() {
    let pki = shared_pki();
    let impostor = pki
        .root
        .issue(Spec::ca("TLS Lens Test Intermediate"), KeyKind::P256);
    let leaf = impostor.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let (r, _) = run(
        &[leaf.der(), pki.inter.der()],
        &[],
        &pki.anchors(),
        "example.test",
    );
    assert_eq!(issues(&r), ["incomplete_chain", "extra_certs"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (7, "certificate signature failure")
    );
}

#[test]
fn mozilla_root_is_recognised_as_an_anchor() {
    let der = Der(webpki_root_certs::TLS_SERVER_ROOT_CERTS[0]
        .as_ref()
        .to_vec());
    let (r, v) = run(&[der], &[], &[], "example.test");
    assert!(v.anchored);
    assert_eq!(issues(&r), ["hostname_mismatch"]);
}

#[test]
fn garbage_becomes_a_finding() {
    let pki = shared_pki();
    for sent in [
        vec![],
        vec![Der(vec![0x30, 0x03, 0x01])],
        vec![Der(b"not a certificate".to_vec()), pki.inter.der()],
    ] {
        let (r, _) = run(&sent, &[], &pki.anchors(), "example.test");
        assert!(!r.trusted);
        assert!(
            r.findings.iter().any(|f| f.code == "no_leaf"),
            "{:?}",
            r.findings
        );
    }
    // garbage after a good chain is an extra (unreadable) certificate
    let sent = vec![pki.leaf.der(), pki.inter.der(), Der(vec![1, 2, 3])];
    let (r, _) = run(&sent, &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["extra_certs"]);
    assert!(r
        .findings
        .iter()
        .any(|f| f.code == "certificate_unparsable"));
}

// --- OCSP staples, built by hand ---

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn ocsp_response(serial: &[u8], status: &[u8]) -> Vec<u8> {
    let sha1 = der_tlv(
        0x30,
        &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00],
    );
    let cert_id = der_tlv(
        0x30,
        &[
            sha1,
            der_tlv(0x04, &[0; 20]),
            der_tlv(0x04, &[0; 20]),
            der_tlv(0x02, serial),
        ]
        .concat(),
    );
    let this_update = der_tlv(0x18, b"20270115000000Z");
    let next_update = der_tlv(0xa0, &der_tlv(0x18, b"20270122000000Z"));
    let single = der_tlv(
        0x30,
        &[cert_id, status.to_vec(), this_update, next_update].concat(),
    );
    let data = der_tlv(
        0x30,
        &[
            der_tlv(0xa2, &der_tlv(0x04, &[0; 20])),
            der_tlv(0x18, b"20270115000000Z"),
            der_tlv(0x30, &single),
        ]
        .concat(),
    );
    let sig_alg = der_tlv(
        0x30,
        &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
    );
    let basic = der_tlv(
        0x30,
        &[data, sig_alg, der_tlv(0x03, &[0, 1, 2, 3])].concat(),
    );
    let oid = [
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
    ];
    let bytes = der_tlv(
        0xa0,
        &der_tlv(0x30, &[oid.to_vec(), der_tlv(0x04, &basic)].concat()),
    );
    der_tlv(0x30, &[der_tlv(0x0a, &[0]), bytes].concat())
}

fn leaf_serial(der: &[u8]) -> Vec<u8> {
    use x509_parser::prelude::FromDer;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der).unwrap();
    cert.tbs_certificate.raw_serial().to_vec()
}

#[test]
fn stapled_ocsp_revoked() {
    let pki = shared_pki();
    let serial = leaf_serial(&pki.leaf.der);
    let revoked = der_tlv(0xa1, &der_tlv(0x18, b"20270110000000Z"));
    let staple = ocsp_response(&serial, &revoked);
    let (r, _) = run_with(
        &pki.chain(),
        &[],
        &pki.anchors(),
        "example.test",
        Some(&staple),
    );
    assert_eq!(issues(&r), ["revoked"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (23, "certificate revoked")
    );
    let ocsp = r.ocsp.unwrap();
    assert_eq!(ocsp.revoked_at.as_deref(), Some("2027-01-10T00:00:00Z"));
    assert!(!r.trusted);
}

#[test]
fn stapled_ocsp_good_and_foreign() {
    let pki = shared_pki();
    let serial = leaf_serial(&pki.leaf.der);
    let good = ocsp_response(&serial, &[0x80, 0x00]);
    let (r, _) = run_with(
        &pki.chain(),
        &[],
        &pki.anchors(),
        "example.test",
        Some(&good),
    );
    assert!(r.trusted);
    let o = r.ocsp.unwrap();
    assert_eq!(serde_json::to_value(o.status).unwrap(), "good");
    assert_eq!(o.next_update.as_deref(), Some("2027-01-22T00:00:00Z"));
    assert!(!o.stale);
    let other = ocsp_response(&[0x42], &[0x80, 0x00]);
    let (r, _) = run_with(
        &pki.chain(),
        &[],
        &pki.anchors(),
        "example.test",
        Some(&other),
    );
    assert_eq!(
        serde_json::to_value(r.ocsp.unwrap().status).unwrap(),
        "unreadable"
    );
    let (r, _) = run_with(
        &pki.chain(),
        &[],
        &pki.anchors(),
        "example.test",
        Some(b"junk"),
    );
    assert!(r.trusted);
}

#[test]
fn issue_vocabulary_is_the_contracts() {
    let all = [
        ChainIssue::Expired,
        ChainIssue::NotYetValid,
        ChainIssue::HostnameMismatch,
        ChainIssue::SelfSigned,
        ChainIssue::UntrustedRoot,
        ChainIssue::IncompleteChain,
        ChainIssue::WrongOrder,
        ChainIssue::ExtraCerts,
        ChainIssue::ContainsAnchor,
        ChainIssue::WeakKey,
        ChainIssue::WeakSignature,
        ChainIssue::Revoked,
    ];
    let json = serde_json::to_string(&all).unwrap();
    assert_eq!(
        json,
        r#"["expired","not_yet_valid","hostname_mismatch","self_signed","untrusted_root","incomplete_chain","wrong_order","extra_certs","contains_anchor","weak_key","weak_signature","revoked"]"#
    );
}

#[test]
fn extensions_are_extracted() {
    let mut spec = Spec::leaf(&["example.test"]);
    spec.ca_issuers_url = Some("http://ca.example.test/inter.der".into());
    spec.extras = true;
    let pki = Pki::new(spec, KeyKind::P256);
    let (r, _) = run(&pki.chain(), &[], &pki.anchors(), "example.test");
    let leaf = &r.certificates[0];
    assert_eq!(leaf.ca_issuers_urls, ["http://ca.example.test/inter.der"]);
    assert_eq!(leaf.crl_urls, ["http://crl.example.test/ca.crl"]);
    assert_eq!(leaf.validation.as_deref(), Some("DV"));
    assert!(leaf.must_staple);
    assert_eq!(leaf.scts.count, 0);
    assert_eq!(leaf.spki_sha256.len(), 64);
    assert!(!leaf.serial.is_empty());
    assert_eq!(r.certificates[1].key_usage, ["keyCertSign", "cRLSign"]);
    assert!(r.trusted);
}

#[test]
fn anchor_sent_before_its_intermediate_is_wrong_order() {
    let pki = shared_pki();
    let sent = vec![pki.leaf.der(), pki.root.der(), pki.inter.der()];
    let (r, _) = run(&sent, &[], &pki.anchors(), "example.test");
    assert_eq!(issues(&r), ["wrong_order", "contains_anchor"]);
    assert!(r.trusted);
    let root_copy = r
        .certificates
        .iter()
        .find(|c| c.sent_index == Some(1))
        .unwrap();
    assert_eq!(
        root_copy.issues,
        [ChainIssue::ContainsAnchor, ChainIssue::WrongOrder]
    );
    assert_eq!(
        r.certificates[1].issues,
        Vec::<ChainIssue>::new(),
        "the intermediate is where it belongs relative to the leaf"
    );
}

#[test]
fn weak_issuer_key_after_weak_digest_gives_openssls_code() {
    // The leaf is signed with SHA-1 by an intermediate whose own key is RSA-1024:
    // `openssl s_client -verify_hostname` ends with 67, the later of the two checks.
    let root = Node::self_signed(Spec::ca("Weak Root"), KeyKind::Rsa(2048, Hash::Sha256));
    let inter = root.issue(
        Spec::ca("Weak Intermediate"),
        KeyKind::Rsa(1024, Hash::Sha1),
    );
    let leaf = inter.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let (r, _) = run(
        &[leaf.der(), inter.der()],
        &[],
        &[root.der()],
        "example.test",
    );
    assert_eq!(issues(&r), ["weak_key", "weak_signature"]);
    assert_eq!(
        (r.verify_code, r.verify_message.as_str()),
        (67, "CA certificate key too weak")
    );
}

#[test]
fn self_signed_weak_leaf_reports_the_chain_error() {
    // The leaf key check comes first; building the chain overwrites it.
    let leaf = Node::self_signed(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(1024, Hash::Sha256),
    );
    let (r, _) = run(&[leaf.der()], &[], &[], "example.test");
    assert_eq!(r.verify_code, 18);
}
