//! Writes facts and their natively graded reports to `target/parity/` so that the
//! WebAssembly build can be checked byte for byte against them
//! (`tests/wasm/bindings.test.mjs` runs after `cargo test`). It also checks that
//! grading is deterministic natively.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::facts::{
    ChainFacts, DhGroupFacts, DowngradeSentinel, KexKind, OracleStrength, ProtocolSuites,
    PublicValueFacts, ScanFacts, VulnCheck,
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
    let clients = simulation(pki);
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
        ("vulnerabilities", vulns),
        ("legacy", legacy),
        ("incomplete_aia", incomplete),
        ("two_endpoints", two),
        ("self_signed_garbage", selfs),
        ("mozilla_root", mozilla),
        ("clients", clients),
    ]
}

/// Cases graded with options (compliance and a fix plan), over committed facts:
/// (name, facts fixture, options JSON). Their reports are
/// `NAME.with-options.json`; `tests/wasm_bindings.rs` checks the same bytes come
/// out of the WASM `grade_with`. (The Node parity test reads only
/// `*.facts.json`/`*.report.json`, so these are not copied to `target/parity`.)
pub const OPTION_CASES: [(&str, &str, &str); 3] = [
    (
        "legacy_intermediate_fix",
        "legacy",
        r#"{"profile":"mozilla-intermediate","fix":true}"#,
    ),
    (
        "good_modern_fix",
        "good",
        r#"{"profile":"mozilla-modern","fix":true}"#,
    ),
    (
        "two_endpoints_old",
        "two_endpoints",
        r#"{"profile":"mozilla-old"}"#,
    ),
];

/// Two endpoints with client simulations: one a modern server, one TLS 1.3
/// only with an incomplete chain; a mix of ok clients and failure codes.
fn simulation(pki: &Pki) -> ScanFacts {
    use tlslens_core::facts::ChainRef;
    use tlslens_core::wire::NamedGroup;
    let mut f = good_facts(pki);
    f.endpoints[0].clients = Some(vec![
        client_hs(
            "chrome-137-win11",
            ProtocolVersion::TLS13,
            "TLS_AES_128_GCM_SHA256",
            Some(NamedGroup::X25519MLKEM768),
        ),
        client_hs(
            "java-8u161",
            ProtocolVersion::TLS12,
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            Some(NamedGroup::SECP256R1),
        ),
        client_refused("java-6u45", 40),
        client_refused("ie-8-xp", 112),
        tlslens_core::facts::ClientHandshake {
            dh_bits: Some(1024),
            ..client_hs(
                "openssl-3.0-debian12",
                ProtocolVersion::TLS12,
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                None,
            )
        },
    ]);
    let mut second = good_endpoint(vec![pki.leaf.der()]);
    second.ip = "127.0.0.2".into();
    second.protocols = vec![ProtocolVersion::TLS13];
    second
        .cipher_suites
        .retain(|p| p.protocol == ProtocolVersion::TLS13);
    second.chain.as_mut().unwrap().aia = vec![pki.inter.der()];
    let mut safari = client_hs(
        "safari-18.4-ios18",
        ProtocolVersion::TLS13,
        "TLS_AES_256_GCM_SHA384",
        Some(NamedGroup::X25519),
    );
    safari.chain = None;
    let mut curl = client_hs(
        "curl-7.88-debian12",
        ProtocolVersion::TLS13,
        "TLS_AES_256_GCM_SHA384",
        Some(NamedGroup::X25519),
    );
    curl.chain = Some(ChainRef::Index(0));
    second.clients = Some(vec![
        safari,
        curl,
        client_refused("java-8u161", 70),
        client_refused("java-6u45", 40),
    ]);
    f.endpoints.push(second);
    f
}

/// `now` of the parity fixtures, with a fractional millisecond part so flooring
/// is checked too.
const NOW_MS: f64 = 1_800_000_000_123.75;

fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity")
}

/// Regenerates the committed fixtures (new keys, new facts):
/// `UPDATE_FIXTURES=1 cargo test -p tlslens-core --test parity`.
/// `UPDATE_FIXTURES=NAME` regenerates that case only.
/// When only the grading changed, `UPDATE_REPORTS=1` rewrites the reports from
/// the committed facts.
fn regenerate() {
    let only = std::env::var("UPDATE_FIXTURES").unwrap_or_default();
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, facts) in cases() {
        if only != "1" && only != name {
            continue;
        }
        let facts_json = serde_json::to_string_pretty(&facts).unwrap();
        let report = tlslens_core::grade_json(&facts_json, NOW_MS).unwrap();
        std::fs::write(dir.join(format!("{name}.facts.json")), &facts_json).unwrap();
        std::fs::write(dir.join(format!("{name}.report.json")), &report).unwrap();
    }
}

/// Rewrites the option cases' reports (over the committed facts):
/// `UPDATE_OPTION_FIXTURES=1 cargo test -p tlslens-core --test parity`.
fn regenerate_option_cases() {
    let dir = fixtures_dir();
    for (name, facts, options) in OPTION_CASES {
        let facts = std::fs::read_to_string(dir.join(format!("{facts}.facts.json"))).unwrap();
        let report = tlslens_core::grade_with_json(&facts, NOW_MS, options).unwrap();
        std::fs::write(dir.join(format!("{name}.with-options.json")), report).unwrap();
    }
}

#[test]
fn committed_option_cases_grade_to_their_committed_reports() {
    if std::env::var_os("UPDATE_OPTION_FIXTURES").is_some() {
        regenerate_option_cases();
    }
    let dir = fixtures_dir();
    for (name, facts, options) in OPTION_CASES {
        let facts = std::fs::read_to_string(dir.join(format!("{facts}.facts.json"))).unwrap();
        let expected =
            std::fs::read_to_string(dir.join(format!("{name}.with-options.json"))).unwrap();
        let report = tlslens_core::grade_with_json(&facts, NOW_MS, options).unwrap();
        assert_eq!(
            report, expected,
            "{name}: native report differs from the committed one (UPDATE_OPTION_FIXTURES=1 to accept)"
        );
        let value: serde_json::Value = serde_json::from_str(&report).unwrap();
        assert!(value["compliance"]["profile"].is_string(), "{name}");
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
        regenerate_option_cases();
    } else if std::env::var_os("UPDATE_REPORTS").is_some() {
        update_reports();
        regenerate_option_cases();
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
        let report_path = path.with_file_name(format!("{name}.report.json"));
        let report = tlslens_core::grade_json(&facts, NOW_MS).unwrap();
        if std::env::var_os("UPDATE_REPORTS").is_some() {
            std::fs::write(&report_path, &report).unwrap();
        }
        let expected = std::fs::read_to_string(&report_path).unwrap();
        assert_eq!(
            report, expected,
            "{name}: native report differs from the committed one (UPDATE_REPORTS=1 to accept)"
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
    assert!(n >= 7, "only {n} parity fixtures");
}
