//! Writes facts and their natively graded reports to `target/parity/` so that the
//! WebAssembly build can be checked byte for byte against them
//! (`tests/wasm/bindings.test.mjs` runs after `cargo test`). It also checks that
//! grading is deterministic natively.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::facts::{
    ChainFacts, DhGroupFacts, DowngradeSentinel, KexKind, ProtocolSuites, PublicValueFacts,
    ScanFacts,
};
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion};
use tlslens_core::{Der, Hex};

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

    // The facts of issue 11's weaknesses and protocol details: a DHE group
    // that is not in the table (so the WASM build runs the primality
    // tests), reused public values, downgrade sentinels, an SCT extension,
    // a compressed GET /.
    let mut weak = good_facts(pki);
    {
        let e = &mut weak.endpoints[0];
        e.protocols.insert(0, ProtocolVersion::TLS10);
        e.cipher_suites.push(ProtocolSuites {
            protocol: ProtocolVersion::TLS10,
            suites: vec![CipherSuite(0x0033), CipherSuite(0x000A)],
            server_order: Some(true),
        });
        e.key_exchange.dh_bits = Some(1024);
        e.key_exchange.dh_groups.push(DhGroupFacts {
            // 2^1023 + 1155, the first prime above 2^1023: unknown, not safe.
            p: Hex::parse(&format!("8{}483", "0".repeat(252))).unwrap(),
            g: Hex(vec![2]),
        });
        let v = |kind, group, b| PublicValueFacts {
            kind,
            group,
            value: Hex(vec![b; 32]),
        };
        e.key_exchange.public_values = vec![
            v(KexKind::Dhe, None, 7),
            v(KexKind::Dhe, None, 7),
            v(KexKind::Ecdhe, Some(NamedGroup::X25519), 1),
            v(KexKind::Ecdhe, Some(NamedGroup::X25519), 2),
        ];
        e.downgrade_sentinels
            .insert(ProtocolVersion::TLS10, DowngradeSentinel::Tls11);
        e.sct_extension = Some(Der(vec![0, 0]));
        e.sslv2_compatible_hello = Some(false);
        e.groups_server_order = Some(true);
        if let Some(h) = e.http.as_mut() {
            h.content_encoding = Some("br".into());
        }
    }

    vec![
        ("weaknesses", weak),
        ("good", good),
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

/// Rewrites the committed reports from the committed facts (after a core
/// change that legitimately changes reports), and adds the cases that have
/// no committed facts yet: `UPDATE_REPORTS=1 cargo test -p tlslens-core
/// --test parity`.
fn update_reports() {
    let dir = fixtures_dir();
    for (name, facts) in cases() {
        let path = dir.join(format!("{name}.facts.json"));
        if !path.exists() {
            std::fs::write(&path, serde_json::to_string_pretty(&facts).unwrap()).unwrap();
        }
        let facts_json = std::fs::read_to_string(&path).unwrap();
        let report = tlslens_core::grade_json(&facts_json, NOW_MS).unwrap();
        std::fs::write(dir.join(format!("{name}.report.json")), &report).unwrap();
    }
}

#[test]
fn committed_fixtures_grade_to_their_committed_reports() {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        regenerate();
    } else if std::env::var_os("UPDATE_REPORTS").is_some() {
        update_reports();
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
