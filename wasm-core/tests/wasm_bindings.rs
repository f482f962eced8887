//! The WASM bindings, run in WebAssembly under Node by `wasm-bindgen-test-runner`:
//! grading the committed parity fixtures through the exported `grade` gives the
//! same bytes as the committed native reports (which `tests/parity.rs` checks
//! natively), and errors cross as `JsError`.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//!  cargo test -p tlslens-core --target wasm32-unknown-unknown --test wasm_bindings`
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use tlslens_core::wasm;
use wasm_bindgen_test::wasm_bindgen_test;

const NOW_MS: f64 = 1_800_000_000_123.75;

/// Loads the root stores as the extension does (the module compiles none in):
/// the shipped `root-stores.bin` is these two files, one after the other.
fn load_stores() {
    let shipped = [
        include_bytes!("../data/root-stores-builtin.bin").as_slice(),
        include_bytes!("../data/root-stores.bin").as_slice(),
    ]
    .concat();
    wasm::load_root_stores(&shipped).unwrap_or_else(|_| panic!("root-stores.bin refused"));
}

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("fixtures/parity/", $name, ".facts.json")),
            include_str!(concat!("fixtures/parity/", $name, ".report.json")),
        )
    };
}

#[wasm_bindgen_test]
fn grade_matches_native_byte_for_byte() {
    load_stores();
    for (name, facts, expected) in [
        fixture!("good"),
        fixture!("legacy"),
        fixture!("incomplete_aia"),
        fixture!("two_endpoints"),
        fixture!("self_signed_garbage"),
        fixture!("mozilla_root"),
        fixture!("clients"),
    ] {
        let report = wasm::grade(facts, NOW_MS).unwrap_or_else(|_| panic!("{name}: grade failed"));
        assert_eq!(report, expected, "{name}");
    }
}

/// The option cases of `tests/parity.rs`: (facts, options, native report).
macro_rules! option_case {
    ($name:literal, $facts:literal, $options:literal) => {
        (
            $name,
            include_str!(concat!("fixtures/parity/", $facts, ".facts.json")),
            $options,
            include_str!(concat!("fixtures/parity/", $name, ".with-options.json")),
        )
    };
}

#[wasm_bindgen_test]
fn grade_with_compliance_and_fix_matches_native_byte_for_byte() {
    load_stores();
    for (name, facts, options, expected) in [
        option_case!(
            "legacy_intermediate_fix",
            "legacy",
            r#"{"profile":"mozilla-intermediate","fix":true}"#
        ),
        option_case!(
            "good_modern_fix",
            "good",
            r#"{"profile":"mozilla-modern","fix":true}"#
        ),
        option_case!(
            "two_endpoints_old",
            "two_endpoints",
            r#"{"profile":"mozilla-old"}"#
        ),
    ] {
        let report = wasm::grade_with(facts, NOW_MS, options)
            .unwrap_or_else(|_| panic!("{name}: grade_with failed"));
        assert_eq!(report, expected, "{name}");
    }
    // The same fix plan from the report, as the popup asks for it.
    let report = wasm::grade(include_str!("fixtures/parity/legacy.facts.json"), NOW_MS).unwrap();
    let plan = wasm::fix_plan(&report, "127.0.0.1", "mozilla-intermediate").unwrap();
    let with: serde_json::Value = serde_json::from_str(include_str!(
        "fixtures/parity/legacy_intermediate_fix.with-options.json"
    ))
    .unwrap();
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(plan, with["endpoints"][0]["fix"]);
    assert!(wasm::grade_with("{}", NOW_MS, r#"{"profile":"mozilla-x"}"#).is_err());
    assert!(wasm::fix_plan(&report, "127.0.0.1", "mozilla-x").is_err());
    assert!(wasm::profiles_json().contains("\"guidelines_version\":\"5.7\""));
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_trap() {
    assert!(wasm::grade("{", NOW_MS).is_err());
    assert!(wasm::grade(r#"{"schema":"x","target":{"host":"a","port":1}}"#, NOW_MS).is_err());
    assert!(wasm::parse_chain("no certificate here", None, NOW_MS).is_err());
}

#[wasm_bindgen_test]
fn pasted_pem_chain_is_analysed() {
    let facts: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/parity/good.facts.json")).unwrap();
    let leaf = facts["endpoints"][0]["chain"]["certificates"][0]
        .as_str()
        .unwrap();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{leaf}\n-----END CERTIFICATE-----\n");
    let chain = wasm::parse_chain(&pem, Some("example.test".into()), NOW_MS).unwrap();
    let v: serde_json::Value = serde_json::from_str(&chain).unwrap();
    assert_eq!(v["issues"][0], "incomplete_chain");
    assert_eq!(
        v["certificates"][0]["subject"],
        "CN=example.test, O=TLS Lens Test"
    );
    assert!(!wasm::version().is_empty());
    assert_eq!(wasm::policy_id(), "tlslens-2026.2");
    assert_eq!(wasm::alert_threshold(10, false, vec![]), Some(14));
}

#[wasm_bindgen_test]
fn grade_order_and_drops_come_from_the_core() {
    assert_eq!(
        wasm::grade_order(),
        ["A+", "A", "A-", "B", "C", "D", "E", "F", "T", "M"]
    );
    assert!(wasm::grade_dropped("A", "B"));
    assert!(wasm::grade_dropped("F", "T"));
    assert!(wasm::grade_dropped("T", "M"));
    assert!(!wasm::grade_dropped("M", "T"));
    assert!(!wasm::grade_dropped("B", "A+"));
    assert!(!wasm::grade_dropped("A", "A"));
    assert!(!wasm::grade_dropped("", "F"));
    assert!(!wasm::grade_dropped("A", "Z"));
}
