//! Writes facts and their natively graded reports to `target/parity/` so that the
//! WebAssembly build can be checked byte for byte against them
//! (`tests/wasm/bindings.test.mjs` runs after `cargo test`). It also checks that
//! grading is deterministic natively.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::facts::{ChainFacts, OracleStrength, ScanFacts, VulnCheck};
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

    // The active probes' verdicts, DROWN across endpoints (SSLv2 with the same
    // RSA key on the second one), and a chain no probe could capture.
    let rsa = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(2048, Hash::Sha256),
    );
    let mut vulns = good_facts(pki);
    vulns.extra_anchors.push(rsa.root.der());
    let v = &mut vulns.endpoints[0];
    v.chain = Some(ChainFacts {
        certificates: rsa.chain(),
        ..ChainFacts::default()
    });
    v.vulnerabilities.robot = Some(VulnCheck {
        oracle: Some(OracleStrength::Strong),
        ..VulnCheck::vulnerable("strong oracle, confirmed by repetition")
    });
    v.vulnerabilities.poodle_tls = Some(VulnCheck::not_tested("no CBC suite the probe implements"));
    v.vulnerabilities.early_data = Some(VulnCheck::vulnerable("0-RTT accepted"));
    let mut sslv2 = good_endpoint(rsa.chain());
    sslv2.ip = "127.0.0.2".into();
    sslv2.protocols.insert(0, ProtocolVersion::SSLV2);
    sslv2.sslv2_certificate = Some(rsa.leaf.der());
    let mut unmeasured = good_endpoint(pki.chain());
    unmeasured.ip = "127.0.0.3".into();
    unmeasured.chain = None;
    unmeasured.http = None;
    vulns.endpoints.push(sslv2);
    vulns.endpoints.push(unmeasured);

    vec![
        ("good", good),
        ("vulnerabilities", vulns),
        ("legacy", legacy),
        ("incomplete_aia", incomplete),
        ("two_endpoints", two),
        ("self_signed_garbage", selfs),
        ("mozilla_root", mozilla),
    ]
}

/// `now` of the parity fixtures, with a fractional millisecond part so flooring
/// is checked too.
const NOW_MS: f64 = 1_800_000_000_123.75;

fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity")
}

/// Regenerates the committed fixtures (new keys, new facts):
/// `UPDATE_FIXTURES=1 cargo test -p tlslens-core --test parity`.
fn regenerate() {
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, facts) in cases() {
        let facts_json = serde_json::to_string_pretty(&facts).unwrap();
        let report = tlslens_core::grade_json(&facts_json, NOW_MS).unwrap();
        std::fs::write(dir.join(format!("{name}.facts.json")), &facts_json).unwrap();
        std::fs::write(dir.join(format!("{name}.report.json")), &report).unwrap();
    }
}

#[test]
fn committed_fixtures_grade_to_their_committed_reports() {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        regenerate();
    }
    // Copies go to target/parity for the WASM parity test (tests/wasm/).
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/parity");
    std::fs::create_dir_all(&out).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".facts.json"))
        else {
            continue;
        };
        let facts = std::fs::read_to_string(&path).unwrap();
        let expected =
            std::fs::read_to_string(path.with_file_name(format!("{name}.report.json"))).unwrap();
        let report = tlslens_core::grade_json(&facts, NOW_MS).unwrap();
        assert_eq!(
            report, expected,
            "{name}: native report differs from the committed one (UPDATE_FIXTURES=1 to accept)"
        );
        assert_eq!(
            report,
            tlslens_core::grade_json(&facts, NOW_MS).unwrap(),
            "{name}: deterministic"
        );
        std::fs::write(out.join(format!("{name}.facts.json")), &facts).unwrap();
        std::fs::write(out.join(format!("{name}.report.json")), &report).unwrap();
        std::fs::write(out.join(format!("{name}.now")), format!("{NOW_MS}")).unwrap();
        n += 1;
    }
    assert!(n >= 6, "only {n} parity fixtures");
}
