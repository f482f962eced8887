//! The client simulation, from hand-made facts: every failure code of
//! contract 6 and the ok path, the trust seam, `client_failures` over several
//! endpoints, `--clients` selection, and that facts without a simulation
//! report none.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use tlslens_core::chain::{ChainReport, ChainVerdict};
use tlslens_core::clients::{
    evaluate_endpoint, ChainView, ClientReport, ClientSelection, EndpointContext, FailureCode,
};
use tlslens_core::facts::{
    ChainFacts, ChainRef, ChainSlot, ClientHandshake, HandshakeError, HandshakeErrorKind,
    ProtocolSuites, ScanFacts,
};
use tlslens_core::grade;
use tlslens_core::grade::{grade_with_trust, GradeOptions};
use tlslens_core::report::Report;
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion as V};

const CHROME: &str = "chrome-137-win11";
const JAVA8: &str = "java-8u161";
const OPENSSL3: &str = "openssl-3.0-debian12";

fn simulated(mut facts: ScanFacts, handshakes: Vec<ClientHandshake>) -> ScanFacts {
    facts.endpoints[0].clients = Some(handshakes);
    facts
}

fn client<'r>(report: &'r Report, id: &str) -> &'r ClientReport {
    report.endpoints[0]
        .clients
        .as_ref()
        .expect("simulated")
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
}

fn failure(report: &Report, id: &str) -> (FailureCode, String) {
    let c = client(report, id);
    let f = c.failure.as_ref().unwrap_or_else(|| panic!("{id} fails"));
    assert!(!c.ok, "{id}: ok with a failure");
    (f.code, f.message.clone())
}

fn tls13_chrome() -> ClientHandshake {
    client_hs(
        CHROME,
        V::TLS13,
        "TLS_AES_128_GCM_SHA256",
        Some(NamedGroup::X25519MLKEM768),
    )
}

#[test]
fn client_ok_reports_what_was_negotiated() {
    let facts = simulated(good_facts(shared_pki()), vec![tls13_chrome()]);
    let report = grade(&facts, NOW);
    let c = client(&report, CHROME);
    assert!(c.ok && c.failure.is_none(), "{c:?}");
    assert_eq!(c.name, "Chrome 137 / Win 11");
    assert_eq!((c.platform.as_str(), c.current), ("chrome", true));
    assert_eq!(c.protocol, Some(V::TLS13));
    assert_eq!(c.group, Some(NamedGroup::X25519MLKEM768));
    let json = serde_json::to_value(c).unwrap();
    for field in [
        "name",
        "platform",
        "current",
        "ok",
        "protocol",
        "cipher_suite",
        "group",
        "failure",
    ] {
        assert!(json.get(field).is_some(), "contract field {field}");
    }
    assert_eq!(json["group"], "X25519MLKEM768");
    assert!(json["failure"].is_null());
    assert_eq!(report.client_failures.as_deref(), Some(&[][..]));
}

#[test]
fn protocol_mismatch_names_both_sides() {
    let mut facts = good_facts(shared_pki());
    let e = &mut facts.endpoints[0];
    e.protocols = vec![V::TLS13];
    e.cipher_suites.retain(|p| p.protocol == V::TLS13);
    let facts = simulated(facts, vec![client_refused(JAVA8, 70)]);
    let (code, message) = failure(&grade(&facts, NOW), JAVA8);
    assert_eq!(code, FailureCode::ProtocolMismatch);
    assert_eq!(
        message,
        "the server offers only TLS 1.3; Java 8u161 speaks at most TLS 1.2"
    );
}

#[test]
fn protocol_below_the_clients_minimum_is_a_protocol_mismatch() {
    let facts = simulated(
        good_facts(shared_pki()),
        vec![client_hs(
            OPENSSL3,
            V::TLS10,
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            Some(NamedGroup::X25519),
        )],
    );
    let (code, message) = failure(&grade(&facts, NOW), OPENSSL3);
    assert_eq!(code, FailureCode::ProtocolMismatch);
    assert_eq!(
        message,
        "the server chose TLS 1.0; OpenSSL 3.0 (Debian 12) accepts only TLS 1.2 or newer"
    );
}

#[test]
fn cipher_mismatch_lists_what_the_server_offers() {
    let mut facts = good_facts(shared_pki());
    facts.endpoints[0].cipher_suites[0].suites =
        vec![CipherSuite::parse("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256").unwrap()];
    let facts = simulated(facts, vec![client_refused(JAVA8, 40)]);
    let (code, message) = failure(&grade(&facts, NOW), JAVA8);
    assert_eq!(code, FailureCode::CipherMismatch);
    assert_eq!(
        message,
        "no cipher suite in common: with TLS 1.2 the server offers only TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256; Java 8u161 offers none of them (and does not speak TLS 1.3)"
    );
    // A suite the client never offered, chosen anyway.
    let facts = simulated(
        good_facts(shared_pki()),
        vec![client_hs(
            JAVA8,
            V::TLS12,
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            Some(NamedGroup::SECP256R1),
        )],
    );
    assert_eq!(
        failure(&grade(&facts, NOW), JAVA8).0,
        FailureCode::CipherMismatch
    );
}

#[test]
fn group_mismatch_when_only_ecdhe_is_shared() {
    let mut facts = good_facts(shared_pki());
    let e = &mut facts.endpoints[0];
    e.protocols = vec![V::TLS12];
    e.cipher_suites.retain(|p| p.protocol == V::TLS12);
    e.groups = vec![NamedGroup::X25519];
    let facts = simulated(facts, vec![client_refused("android-7.0", 40)]);
    let (code, message) = failure(&grade(&facts, NOW), "android-7.0");
    assert_eq!(code, FailureCode::GroupMismatch);
    assert_eq!(
        message,
        "no key-exchange group in common: the server accepts only x25519; Android 7.0 offers secp256r1"
    );
}

fn dhe(id: &str, protocol: V, suite: &str, bits: u32) -> ClientHandshake {
    ClientHandshake {
        dh_bits: Some(bits),
        ..client_hs(id, protocol, suite, None)
    }
}

#[test]
fn dh_limits_of_each_client() {
    let facts = simulated(
        good_facts(shared_pki()),
        vec![
            dhe(
                OPENSSL3,
                V::TLS12,
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                1024,
            ),
            dhe(
                "java-7u25",
                V::TLS10,
                "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
                2048,
            ),
            dhe(JAVA8, V::TLS12, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 2048),
        ],
    );
    let report = grade(&facts, NOW);
    assert_eq!(
        failure(&report, OPENSSL3),
        (
            FailureCode::DhTooSmall,
            "the server's DH parameters are 1024 bits; OpenSSL 3.0 (Debian 12) needs at least 2048"
                .into()
        )
    );
    assert_eq!(
        failure(&report, "java-7u25"),
        (
            FailureCode::DhTooLarge,
            "the server's DH parameters are 2048 bits; Java 7u25 handles at most 1024".into()
        )
    );
    assert!(client(&report, JAVA8).ok, "Java 8 handles DH-2048");
    assert_eq!(client(&report, JAVA8).dh_bits, Some(2048));
}

#[test]
fn key_too_small_for_security_level_2() {
    let pki = Pki::new(
        Spec::leaf(&["example.test"]),
        KeyKind::Rsa(1024, Hash::Sha256),
    );
    let mut facts = good_facts(&pki);
    facts.extra_anchors = pki.anchors();
    let facts = simulated(
        facts,
        vec![
            client_hs(
                OPENSSL3,
                V::TLS13,
                "TLS_AES_128_GCM_SHA256",
                Some(NamedGroup::X25519),
            ),
            client_hs(
                "java-8u161",
                V::TLS12,
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                Some(NamedGroup::SECP256R1),
            ),
        ],
    );
    let report = grade(&facts, NOW);
    let (code, message) = failure(&report, OPENSSL3);
    assert_eq!(code, FailureCode::KeyTooSmall);
    assert!(
        message.ends_with("is RSA 1024 bits; OpenSSL 3.0 (Debian 12) needs at least 2048"),
        "{message}"
    );
    assert!(client(&report, "java-8u161").ok);
}

/// The evaluation on a chain report edited by hand (a 16384-bit key would
/// take minutes to generate).
#[test]
fn key_too_large_for_old_windows() {
    let facts = simulated(
        good_facts(shared_pki()),
        vec![client_hs(
            "ie-11-win7",
            V::TLS12,
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            Some(NamedGroup::SECP256R1),
        )],
    );
    let mut chain: ChainReport = grade(&facts, NOW).endpoints[0].chain.clone().unwrap();
    chain.certificates[0].key.kind = "RSA".into();
    chain.certificates[0].key.bits = 16_385;
    let verdict = ChainVerdict {
        anchored: true,
        ..ChainVerdict::default()
    };
    let view = ChainView {
        report: &chain,
        verdict: &verdict,
    };
    let trust = |_: &ChainReport, _: &ChainVerdict, _: &str| None;
    let cx = EndpointContext {
        ep: &facts.endpoints[0],
        host: "example.test",
        trust: &trust,
    };
    let out = evaluate_endpoint(cx, &[Some(view)]).unwrap();
    let f = out[0].failure.as_ref().unwrap();
    assert_eq!(f.code, FailureCode::KeyTooLarge, "{f:?}");
    assert!(
        f.message.ends_with("IE 11 / Win 7 handles at most 16384"),
        "{f:?}"
    );
}

#[test]
fn sha1_signatures_rejected_by_modern_clients_only() {
    let root = Node::self_signed(Spec::ca("SHA-1 Root"), KeyKind::Rsa(2048, Hash::Sha1));
    let leaf = root.issue(Spec::leaf(&["example.test"]), KeyKind::P256);
    let mut facts = good_facts(shared_pki());
    facts.extra_anchors = vec![root.der()];
    facts.endpoints[0].chain = Some(ChainFacts {
        certificates: vec![leaf.der()],
        ..ChainFacts::default()
    });
    let facts = simulated(
        facts,
        vec![
            tls13_chrome(),
            client_hs(
                JAVA8,
                V::TLS12,
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                Some(NamedGroup::SECP256R1),
            ),
        ],
    );
    let report = grade(&facts, NOW);
    let (code, message) = failure(&report, CHROME);
    assert_eq!(code, FailureCode::SignatureRejected);
    assert!(
        message.contains("sha1WithRSAEncryption; Chrome 137 / Win 11 rejects SHA-1"),
        "{message}"
    );
    assert!(client(&report, JAVA8).ok, "Java 8u161 still accepts SHA-1");
}

#[test]
fn expired_and_not_yet_valid() {
    for (from, until, code) in [
        (NOW - 90 * DAY, NOW - DAY, FailureCode::Expired),
        (NOW + DAY, NOW + 90 * DAY, FailureCode::NotYetValid),
    ] {
        let pki = Pki::new(
            Spec::leaf(&["example.test"]).valid(from, until),
            KeyKind::P256,
        );
        let facts = simulated(good_facts(&pki), vec![tls13_chrome()]);
        let (got, message) = failure(&grade(&facts, NOW), CHROME);
        assert_eq!(got, code, "{message}");
        assert!(message.contains("CN=example.test"), "{message}");
    }
}

#[test]
fn hostname_mismatch_names_the_certificates_names() {
    let mut facts = simulated(good_facts(shared_pki()), vec![tls13_chrome()]);
    facts.target.host = "other.test".into();
    let (code, message) = failure(&grade(&facts, NOW), CHROME);
    assert_eq!(code, FailureCode::HostnameMismatch);
    assert_eq!(
        message,
        "the certificate is not valid for other.test (it is for example.test, www.example.test)"
    );
}

#[test]
fn clients_without_sni() {
    // Refused outright.
    let facts = simulated(
        good_facts(shared_pki()),
        vec![client_refused("ie-8-xp", 112)],
    );
    let (code, message) = failure(&grade(&facts, NOW), "ie-8-xp");
    assert_eq!(code, FailureCode::NoSni);
    assert_eq!(
        message,
        "the server refuses handshakes without SNI (alert unrecognized_name (112)); IE 8 / XP sends no SNI"
    );
    // Served the default certificate, for another name.
    let other = Pki::new(Spec::leaf(&["default.test"]), KeyKind::P256);
    let mut facts = good_facts(shared_pki());
    facts.extra_anchors.extend(other.anchors());
    facts.endpoints[0].chain_no_sni = Some(ChainFacts {
        certificates: other.chain(),
        ..ChainFacts::default()
    });
    let mut hs = client_hs("ie-8-xp", V::TLS10, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", None);
    hs.chain = Some(ChainRef::Slot(ChainSlot::NoSni));
    let report = grade(&simulated(facts, vec![hs]), NOW);
    let (code, message) = failure(&report, "ie-8-xp");
    assert_eq!(code, FailureCode::NoSni);
    assert!(message.ends_with("which is for default.test"), "{message}");
}

#[test]
fn incomplete_chain_depends_on_what_the_client_does_about_it() {
    let pki = shared_pki();
    let mut facts = good_facts(pki);
    facts.endpoints[0].chain = Some(ChainFacts {
        certificates: vec![pki.leaf.der()],
        aia: vec![pki.inter.der()],
        ..ChainFacts::default()
    });
    let handshakes = vec![
        tls13_chrome(),
        client_hs(
            "firefox-137-win11",
            V::TLS13,
            "TLS_AES_128_GCM_SHA256",
            Some(NamedGroup::X25519),
        ),
        client_hs(
            JAVA8,
            V::TLS12,
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            Some(NamedGroup::SECP256R1),
        ),
    ];
    let report = grade(&simulated(facts.clone(), handshakes.clone()), NOW);
    assert!(
        client(&report, CHROME).ok,
        "Chrome fetches the intermediate"
    );
    assert!(
        client(&report, "firefox-137-win11").ok,
        "Firefox knows public intermediates"
    );
    let (code, message) = failure(&report, JAVA8);
    assert_eq!(code, FailureCode::IncompleteChain);
    assert!(message.ends_with("Java 8u161 does not fetch missing intermediates (AIA)"));

    // Nothing to fetch: nobody can build the chain.
    facts.endpoints[0].chain.as_mut().unwrap().aia.clear();
    let report = grade(&simulated(facts, handshakes), NOW);
    for id in [CHROME, "firefox-137-win11", JAVA8] {
        assert_eq!(failure(&report, id).0, FailureCode::IncompleteChain, "{id}");
    }
}

#[test]
fn trust_comes_per_store_through_the_seam() {
    let facts = simulated(
        good_facts(shared_pki()),
        vec![
            tls13_chrome(),
            client_hs(
                "android-7.0",
                V::TLS12,
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                Some(NamedGroup::SECP256R1),
            ),
        ],
    );
    // A store that does not know the root: Android 7's.
    let stores = |_: &ChainReport, _: &ChainVerdict, store: &str| match store {
        "android-7" => Some(false),
        "custom" => None,
        _ => Some(true),
    };
    let report = grade_with_trust(&facts, NOW, &GradeOptions::default(), &stores);
    assert!(client(&report, CHROME).ok);
    let (code, message) = failure(&report, "android-7.0");
    assert_eq!(code, FailureCode::Untrusted);
    assert_eq!(
        message,
        "the chain ends at CN=TLS Lens Test Root, O=TLS Lens Test, which is not a root in the store Android 7.0 uses (android-7)"
    );
    // `--ca-file` anchors are trusted by every simulated client.
    let custom = |_: &ChainReport, _: &ChainVerdict, store: &str| Some(store == "custom");
    let report = grade_with_trust(&facts, NOW, &GradeOptions::default(), &custom);
    assert!(client(&report, "android-7.0").ok && client(&report, CHROME).ok);
}

#[test]
fn self_signed_is_untrusted_everywhere() {
    let own = Node::self_signed(Spec::leaf(&["example.test"]), KeyKind::P256);
    let mut facts = good_facts(shared_pki());
    facts.extra_anchors.clear();
    facts.endpoints[0].chain = Some(ChainFacts {
        certificates: vec![own.der()],
        ..ChainFacts::default()
    });
    let report = grade(&simulated(facts, vec![tls13_chrome()]), NOW);
    assert_eq!(
        failure(&report, CHROME),
        (
            FailureCode::Untrusted,
            "the certificate is self-signed; Chrome 137 / Win 11 does not trust it".into()
        )
    );
}

#[test]
fn handshake_failed_when_nothing_explains_the_refusal() {
    let mut hs = client_refused(CHROME, 80);
    hs.error.as_mut().unwrap().message = "alert after ServerHello".into();
    let report = grade(&simulated(good_facts(shared_pki()), vec![hs]), NOW);
    let (code, message) = failure(&report, CHROME);
    assert_eq!(code, FailureCode::HandshakeFailed);
    assert!(message.starts_with("the server ended the handshake with alert internal_error (80)"));
    let closed = ClientHandshake {
        client: CHROME.into(),
        error: Some(HandshakeError {
            kind: HandshakeErrorKind::Closed,
            alert: None,
            message: String::new(),
        }),
        ..ClientHandshake::default()
    };
    let report = grade(&simulated(good_facts(shared_pki()), vec![closed]), NOW);
    assert!(failure(&report, CHROME).1.contains("the connection closed"));
}

#[test]
fn every_failure_code_is_spelled_as_the_contract() {
    let spelled: Vec<&str> = FailureCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        spelled,
        [
            "protocol_mismatch",
            "cipher_mismatch",
            "group_mismatch",
            "dh_too_small",
            "dh_too_large",
            "key_too_small",
            "key_too_large",
            "signature_rejected",
            "untrusted",
            "incomplete_chain",
            "expired",
            "not_yet_valid",
            "hostname_mismatch",
            "no_sni",
            "handshake_failed"
        ]
    );
    for c in FailureCode::ALL {
        assert_eq!(FailureCode::parse(c.as_str()), Some(*c));
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
}

#[test]
fn client_failures_group_endpoints_per_client_and_code() {
    let pki = shared_pki();
    let mut facts = good_facts(pki);
    let mut second = good_endpoint(pki.chain());
    second.ip = "127.0.0.2".into();
    let mut third = good_endpoint(pki.chain());
    third.ip = "127.0.0.3".into();
    facts.endpoints.push(second);
    facts.endpoints.push(third);
    let tls13_only = |e: &mut tlslens_core::facts::EndpointFacts| {
        e.protocols = vec![V::TLS13];
        e.cipher_suites
            .retain(|p: &ProtocolSuites| p.protocol == V::TLS13);
    };
    tls13_only(&mut facts.endpoints[0]);
    tls13_only(&mut facts.endpoints[1]);
    facts.endpoints[0].clients = Some(vec![client_refused(JAVA8, 70), tls13_chrome()]);
    facts.endpoints[1].clients = Some(vec![client_refused(JAVA8, 70), client_refused(CHROME, 80)]);
    // The third endpoint was not simulated.
    let report = grade(&facts, NOW);
    assert!(report.endpoints[2].clients.is_none());
    let failures = report.client_failures.unwrap();
    let summary: Vec<(&str, FailureCode, Vec<&str>)> = failures
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.code,
                f.ips.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Chrome 137 / Win 11",
                FailureCode::HandshakeFailed,
                vec!["127.0.0.2"]
            ),
            (
                "Java 8u161",
                FailureCode::ProtocolMismatch,
                vec!["127.0.0.1", "127.0.0.2"]
            ),
        ]
    );
}

#[test]
fn no_simulation_no_client_fields() {
    let report = grade(&good_facts(shared_pki()), NOW);
    assert!(report.client_failures.is_none());
    let json = serde_json::to_value(&report).unwrap();
    assert!(json.get("client_failures").is_none());
    assert!(json["endpoints"][0].get("clients").is_none());
}

#[test]
fn clients_missing_from_the_table_are_left_out() {
    let mut hs = tls13_chrome();
    hs.client = "netscape-4".into();
    let report = grade(&simulated(good_facts(shared_pki()), vec![hs]), NOW);
    assert_eq!(report.endpoints[0].clients.as_deref(), Some(&[][..]));
}

#[test]
fn selection_current_all_and_names() {
    let all = ClientSelection::parse("all").unwrap().select();
    let current = ClientSelection::parse("current").unwrap().select();
    assert!(all.len() > current.len() && !current.is_empty());
    assert!(current.iter().all(|c| c.current));
    let named = ClientSelection::parse("java-8u161, Chrome 137 / Win 11").unwrap();
    let ids: Vec<&str> = named.select().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["chrome-137-win11", "java-8u161"], "table order");
    assert_eq!(
        ClientSelection::parse("JAVA-8U161").unwrap(),
        ClientSelection::Named(vec!["JAVA-8U161".into()])
    );
    let err = ClientSelection::parse("java-8u161,netscape-4").unwrap_err();
    assert_eq!(err.unknown, ["netscape-4"]);
    assert!(err.to_string().contains("\"netscape-4\""));
    assert_eq!(ClientSelection::parse("").unwrap(), ClientSelection::All);
}

#[test]
fn inline_chain_is_analysed_for_its_client() {
    let other = Pki::new(Spec::leaf(&["other.test"]), KeyKind::P256);
    let mut facts = good_facts(shared_pki());
    facts.extra_anchors.extend(other.anchors());
    let mut hs = tls13_chrome();
    hs.chain = Some(ChainRef::Inline(Box::new(ChainFacts {
        certificates: other.chain(),
        ..ChainFacts::default()
    })));
    let report = grade(&simulated(facts, vec![hs]), NOW);
    assert_eq!(failure(&report, CHROME).0, FailureCode::HostnameMismatch);
}

fn cap_codes(report: &Report) -> Vec<&str> {
    report.endpoints[0]
        .caps
        .iter()
        .map(|c| c.code.as_str())
        .collect()
}

#[test]
fn without_current_browsers_the_browser_rules_fall_back_to_the_reference_hello() {
    let mut facts = good_facts(shared_pki());
    let b = facts.endpoints[0].browser.as_mut().unwrap();
    b.protocol = Some(V::TLS12);
    b.cipher_suite = CipherSuite::parse("TLS_RSA_WITH_AES_128_CBC_SHA");
    // Only Java simulated: no current browser, so the reference hello decides.
    let report = grade(&simulated(facts, vec![client_refused(JAVA8, 40)]), NOW);
    let caps = cap_codes(&report);
    assert!(
        caps.contains(&"no_forward_secrecy") && caps.contains(&"no_aead"),
        "{caps:?}"
    );
    assert!(!caps.contains(&"no_browser_can_connect"));
}

#[test]
fn a_suite_a_browser_refused_is_not_what_it_negotiates() {
    // The server answers Chrome with 3DES, which Chrome does not offer: a
    // cipher mismatch, not "Chrome negotiates 3DES".
    let facts = simulated(
        good_facts(shared_pki()),
        vec![
            client_hs(CHROME, V::TLS12, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", None),
            client_hs(
                "firefox-137-win11",
                V::TLS13,
                "TLS_AES_128_GCM_SHA256",
                Some(NamedGroup::X25519),
            ),
        ],
    );
    let report = grade(&facts, NOW);
    assert_eq!(failure(&report, CHROME).0, FailureCode::CipherMismatch);
    let caps = cap_codes(&report);
    assert!(!caps.contains(&"block64_modern"), "{caps:?}");
    assert!(
        !caps.contains(&"no_browser_can_connect"),
        "Firefox connects"
    );
}

#[test]
fn no_browser_can_connect_names_each_browsers_reason() {
    let mut facts = good_facts(shared_pki());
    let e = &mut facts.endpoints[0];
    e.protocols = vec![V::TLS10];
    e.cipher_suites = vec![ProtocolSuites {
        protocol: V::TLS10,
        suites: vec![CipherSuite::parse("TLS_RSA_WITH_AES_128_CBC_SHA").unwrap()],
        server_order: None,
    }];
    let report = grade(
        &simulated(
            facts,
            vec![client_refused(CHROME, 70), client_refused(JAVA8, 70)],
        ),
        NOW,
    );
    let cap = report.endpoints[0]
        .caps
        .iter()
        .find(|c| c.code.as_str() == "no_browser_can_connect")
        .expect("F cap");
    assert_eq!(cap.grade, tlslens_core::Grade::F);
    assert!(
        cap.reason.contains(
            "(Chrome 137 / Win 11: the server offers only TLS 1.0; Chrome 137 / Win 11 needs TLS 1.2 or newer)"
        ),
        "{}",
        cap.reason
    );
    assert_eq!(report.grade, Some(tlslens_core::Grade::F));
}

#[test]
fn chain_references_read_back_from_json() {
    let pki = shared_pki();
    for chain in [
        ChainRef::Index(2),
        ChainRef::Slot(ChainSlot::NoSni),
        ChainRef::Inline(Box::new(ChainFacts {
            certificates: pki.chain(),
            ..ChainFacts::default()
        })),
    ] {
        let json = serde_json::to_string(&chain).unwrap();
        assert_eq!(
            serde_json::from_str::<ChainRef>(&json).unwrap(),
            chain,
            "{json}"
        );
    }
    assert_eq!(serde_json::to_string(&ChainRef::Index(2)).unwrap(), "2");
    assert_eq!(
        serde_json::to_string(&ChainRef::Slot(ChainSlot::NoSni)).unwrap(),
        "\"no_sni\""
    );
    assert!(serde_json::from_str::<ChainRef>("\"sni\"").is_err());
    assert!(serde_json::from_str::<ChainRef>("-1").is_err());
}
