//! Writes facts and their natively graded reports to `target/parity/` so that the
//! WebAssembly build can be checked byte for byte against them
//! (`tests/wasm/bindings.test.mjs` runs after `cargo test`). It also checks that
//! grading is deterministic natively.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::facts::{ChainFacts, ScanFacts};
use tlslens_core::wire::{CipherSuite, ProtocolVersion};
use tlslens_core::Der;

fn cases() -> Vec<(&'static str, ScanFacts)> {
    let pki = shared_pki();
    let good = good_facts(pki);

    let mut legacy = good_facts(pki);
    legacy.endpoints[0].protocols.push(ProtocolVersion::TLS10);
    legacy.endpoints[0].cipher_suites[0]
        .suites
        .push(CipherSuite(0x000A));
    legacy.endpoints[0].cipher_suites[0]
        .suites
        .push(CipherSuite(0xC0FF));

    let mut incomplete = good_facts(pki);
    incomplete.endpoints[0].chain = Some(ChainFacts {
        certificates: vec![pki.leaf.der()],
        aia: vec![pki.inter.der()],
        ..ChainFacts::default()
    });

    let expired = Pki::new(
        Spec::leaf(&["example.test"]).valid(NOW - 90 * DAY, NOW - 2 * DAY),
        KeyKind::Rsa(2048, Hash::Sha256),
    );
    let mut two = good_facts(pki);
    let mut bad = good_endpoint(expired.chain());
    bad.ip = "127.0.0.2".into();
    two.extra_anchors.push(expired.root.der());
    two.endpoints.push(bad);

    let self_signed = Node::self_signed(Spec::leaf(&["example.test"]), KeyKind::Ed25519);
    let mut selfs = good_facts(pki);
    selfs.extra_anchors.clear();
    selfs.endpoints[0].chain = Some(ChainFacts {
        certificates: vec![self_signed.der(), Der(b"garbage".to_vec())],
        ..ChainFacts::default()
    });

    let mut mozilla = ScanFacts::new("example.test", 8443);
    let mut e = good_endpoint(vec![Der(webpki_root_certs::TLS_SERVER_ROOT_CERTS[5]
        .as_ref()
        .to_vec())]);
    e.http = None;
    mozilla.endpoints.push(e);

    vec![
        ("good", good),
        ("legacy", legacy),
        ("incomplete_aia", incomplete),
        ("two_endpoints", two),
        ("self_signed_garbage", selfs),
        ("mozilla_root", mozilla),
    ]
}

#[test]
fn write_parity_fixtures() {
    // now with a fractional millisecond part, to check flooring is identical.
    let now_ms = (NOW as f64) * 1000.0 + 123.75;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/parity");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, facts) in cases() {
        let facts_json = serde_json::to_string(&facts).unwrap();
        let report = tlslens_core::grade_json(&facts_json, now_ms).unwrap();
        let again = tlslens_core::grade_json(&facts_json, now_ms).unwrap();
        assert_eq!(report, again, "{name}: grading is deterministic");
        std::fs::write(dir.join(format!("{name}.facts.json")), &facts_json).unwrap();
        std::fs::write(dir.join(format!("{name}.report.json")), &report).unwrap();
        std::fs::write(dir.join(format!("{name}.now")), format!("{now_ms}")).unwrap();
    }
}
