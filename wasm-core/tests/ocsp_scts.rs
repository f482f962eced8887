//! The stapled OCSP response's signature (issuer, delegated responder,
//! unauthorised signer, tampered bytes) and Signed Certificate Timestamps by
//! delivery (embedded, in the staple, in the TLS extension), on responses
//! and certificates made at test time.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rcgen::SigningKey;
use tlslens_core::anchors::TrustStore;
use tlslens_core::chain::{analyse, ChainInput};
use tlslens_core::ocsp::{OcspReport, OcspSignature, OcspSigner, OcspStatus};
use tlslens_core::sct::Delivery;
use tlslens_core::{grade, Der, ScanFacts};

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend(content);
    out
}

/// An SCT list with one v1 SCT from log `log`.
fn sct_list(log: u8) -> Vec<u8> {
    let mut sct = vec![0];
    sct.extend([log; 32]);
    sct.extend(1_790_000_000_000u64.to_be_bytes());
    sct.extend([0, 0, 4, 3, 0, 2, 0x30, 0]);
    let mut list = (sct.len() as u16).to_be_bytes().to_vec();
    list.extend(sct);
    let mut out = (list.len() as u16).to_be_bytes().to_vec();
    out.extend(list);
    out
}

/// ecdsa-with-SHA256.
const ECDSA_SHA256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];

/// A "good" OCSPResponse for `serial`, signed by `signer` (P-256), carrying
/// `certs` and, when given, an SCT list extension.
fn response(serial: &[u8], signer: &Node, certs: &[&Node], scts: Option<&[u8]>) -> Vec<u8> {
    let sha1 = tlv(
        0x30,
        &[0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00],
    );
    let cert_id = tlv(
        0x30,
        &[
            sha1,
            tlv(0x04, &[0; 20]),
            tlv(0x04, &[0; 20]),
            tlv(0x02, serial),
        ]
        .concat(),
    );
    let mut single = [
        cert_id,
        vec![0x80, 0x00],
        tlv(0x18, b"20270115000000Z"),
        tlv(0xa0, &tlv(0x18, b"20270122000000Z")),
    ]
    .concat();
    if let Some(list) = scts {
        let oid = [
            0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x05,
        ];
        let ext = tlv(0x30, &[oid.to_vec(), tlv(0x04, &tlv(0x04, list))].concat());
        single.extend(tlv(0xa1, &tlv(0x30, &ext)));
    }
    let data = tlv(
        0x30,
        &[
            tlv(0xa2, &tlv(0x04, &[0; 20])),
            tlv(0x18, b"20270115000000Z"),
            tlv(0x30, &tlv(0x30, &single)),
        ]
        .concat(),
    );
    let signature = signer.key.sign(&data).unwrap();
    let mut bits = vec![0];
    bits.extend(signature);
    let mut basic = [data, tlv(0x30, &ECDSA_SHA256), tlv(0x03, &bits)].concat();
    if !certs.is_empty() {
        let list: Vec<u8> = certs.iter().flat_map(|c| c.der.clone()).collect();
        basic.extend(tlv(0xa0, &tlv(0x30, &list)));
    }
    let basic = tlv(0x30, &basic);
    let oid = [
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01,
    ];
    let bytes = tlv(
        0xa0,
        &tlv(0x30, &[oid.to_vec(), tlv(0x04, &basic)].concat()),
    );
    tlv(0x30, &[tlv(0x0a, &[0]), bytes].concat())
}

fn serial(der: &[u8]) -> Vec<u8> {
    use x509_parser::prelude::FromDer;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(der).unwrap();
    cert.tbs_certificate.raw_serial().to_vec()
}

fn staple_report(pki: &Pki, staple: &[u8]) -> OcspReport {
    let anchors = pki.anchors();
    let (store, _) = TrustStore::new(&anchors);
    let (report, _) = analyse(
        ChainInput {
            sent: &pki.chain(),
            aia: &[],
            ocsp_staple: Some(staple),
            host: Some("example.test"),
            now: NOW,
            max_intermediates: None,
        },
        &store,
    );
    report.ocsp.unwrap()
}

#[test]
fn a_staple_signed_by_the_issuer_verifies() {
    let pki = Pki::standard();
    let staple = response(&serial(&pki.leaf.der), &pki.inter, &[], None);
    let r = staple_report(&pki, &staple);
    assert_eq!(r.status, OcspStatus::Good);
    assert_eq!(
        (r.signature, r.signer),
        (OcspSignature::Valid, Some(OcspSigner::Issuer))
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn a_delegated_responder_must_be_issued_for_ocsp_signing() {
    let pki = Pki::standard();
    let mut spec = Spec::leaf(&["OCSP responder"]);
    spec.sans.clear();
    spec.ocsp_signer = true;
    let responder = pki.inter.issue(spec, KeyKind::P256);
    let staple = response(&serial(&pki.leaf.der), &responder, &[&responder], None);
    let r = staple_report(&pki, &staple);
    assert_eq!(
        (r.signature, r.signer),
        (OcspSignature::Valid, Some(OcspSigner::Delegated))
    );

    // The same key without id-kp-OCSPSigning is not authorised.
    let rogue = pki
        .inter
        .issue(Spec::leaf(&["not-a-responder.test"]), KeyKind::P256);
    let staple = response(&serial(&pki.leaf.der), &rogue, &[&rogue], None);
    let r = staple_report(&pki, &staple);
    assert_eq!((r.signature, r.signer), (OcspSignature::Invalid, None));
    assert!(
        r.problems[0].contains("does not verify"),
        "{:?}",
        r.problems
    );

    // Nor is a responder the leaf's issuer did not sign.
    let other = Pki::standard();
    let mut spec = Spec::leaf(&["Foreign responder"]);
    spec.ocsp_signer = true;
    let foreign = other.inter.issue(spec, KeyKind::P256);
    let staple = response(&serial(&pki.leaf.der), &foreign, &[&foreign], None);
    assert_eq!(
        staple_report(&pki, &staple).signature,
        OcspSignature::Invalid
    );
}

#[test]
fn a_tampered_staple_does_not_verify() {
    let pki = Pki::standard();
    let mut staple = response(&serial(&pki.leaf.der), &pki.inter, &[], None);
    // The producedAt year: 2027 → 2028, inside the signed bytes.
    let at = staple.windows(4).position(|w| w == b"2027").unwrap();
    staple[at + 3] = b'8';
    let r = staple_report(&pki, &staple);
    assert_eq!(r.signature, OcspSignature::Invalid);
    // The status is still read: the staple says what it says.
    assert_eq!(r.status, OcspStatus::Good);
}

#[test]
fn a_staple_without_a_known_issuer_is_not_checked() {
    let pki = Pki::standard();
    let staple = response(&serial(&pki.leaf.der), &pki.inter, &[], None);
    let (store, _) = TrustStore::new(&[]);
    let (report, _) = analyse(
        ChainInput {
            sent: &[pki.leaf.der()],
            aia: &[],
            ocsp_staple: Some(&staple),
            host: Some("example.test"),
            now: NOW,
            max_intermediates: None,
        },
        &store,
    );
    assert_eq!(report.ocsp.unwrap().signature, OcspSignature::NotChecked);
}

#[test]
fn scts_are_counted_by_delivery() {
    let mut spec = Spec::leaf(&["example.test"]);
    spec.scts = Some(sct_list(1));
    let pki = Pki::new(spec, KeyKind::P256);
    let staple = response(&serial(&pki.leaf.der), &pki.inter, &[], Some(&sct_list(2)));
    let mut facts = ScanFacts::new("example.test", 443);
    facts.extra_anchors = pki.anchors();
    let mut ep = good_endpoint(pki.chain());
    ep.chain.as_mut().unwrap().ocsp_staple = Some(Der(staple));
    ep.sct_extension = Some(Der(sct_list(3)));
    facts.endpoints.push(ep);
    let report = grade(&facts, NOW);
    let scts = &report.endpoints[0].protocol_details.scts;
    assert_eq!(
        (scts.embedded, scts.ocsp, scts.tls_extension),
        (Some(1), Some(1), Some(1))
    );
    let by: Vec<(Delivery, u8)> = scts
        .logs
        .iter()
        .map(|s| {
            let id = tlslens_core::der::decode_base64(&s.log_id).unwrap();
            (s.delivery, id[0])
        })
        .collect();
    assert_eq!(
        by,
        [
            (Delivery::Embedded, 1),
            (Delivery::Ocsp, 2),
            (Delivery::TlsExtension, 3)
        ]
    );
    assert_eq!(
        scts.logs[1].timestamp.as_deref(),
        Some("2026-09-21T14:13:20Z")
    );
    let ocsp = report.endpoints[0]
        .chain
        .as_ref()
        .unwrap()
        .ocsp
        .as_ref()
        .unwrap();
    assert_eq!(ocsp.signature, OcspSignature::Valid);
}
