//! Probes that fail for their own reasons must retry the way a browser would
//! and never turn into a verdict: ALPN a server refuses, SNI it does not
//! know, flights in tiny records, hellos with extensions a middlebox drops,
//! and a chain that no probe can capture (reported "not measured", never
//! "no certificate").

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;

use common::tls_server::{scripted_tls, RsaKey, Script};
use common::*;
use serde_json::Value;

fn scan_trusting(pki: &Pki, host: &str, port: u16) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let root = pki.write_root(dir.path());
    scan_json(
        host,
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    )
}

fn scripted(script: Script) -> (Pki, u16) {
    let pki = Pki::new("Robust");
    let leaf = pki.leaf(&["robust.test"], Key::Rsa2048, false);
    let port = scripted_tls(
        RsaKey::from_pem(&leaf.key_pem),
        vec![leaf.der, pki.inter.der.clone()],
        script,
    );
    (pki, port)
}

fn assert_complete_tls12_scan(ep: &Value) {
    assert_eq!(
        strings(&ep["protocols"]),
        ["TLSv1.0", "TLSv1.1", "TLSv1.2"],
        "{ep}"
    );
    assert_eq!(
        strings(&ep["cipher_suites"]["TLSv1.2"]),
        ["TLS_RSA_WITH_AES_128_CBC_SHA"]
    );
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(weakness(ep, "poodle_tls")["status"], "not_vulnerable");
}

/// A warning `unrecognized_name` before the ServerHello (an SNI name the
/// server does not know) is not a refusal.
#[test]
fn warning_alert_before_the_server_hello_is_not_a_refusal() {
    let (pki, port) = scripted(Script {
        warning_before_hello: true,
        ..Script::default()
    });
    let report = scan_trusting(&pki, "robust.test", port);
    assert_complete_tls12_scan(&report["endpoints"][0]);
}

/// A flight cut into 7-byte records reads like any other, for the
/// enumeration and the probes' own handshakes alike.
#[test]
fn flights_in_tiny_records_are_read_whole() {
    let (pki, port) = scripted(Script {
        tiny_records: true,
        ..Script::default()
    });
    let report = scan_trusting(&pki, "robust.test", port);
    let ep = &report["endpoints"][0];
    assert_complete_tls12_scan(ep);
    assert_eq!(weakness(ep, "robot")["status"], "not_vulnerable");
}

/// A server (or a middlebox in front of it) that closes on any hello with
/// an extension but SNI: the scan goes on with minimal hellos, as browsers
/// once fell back.
#[test]
fn hellos_are_retried_minimal_when_extensions_are_dropped() {
    let (pki, port) = scripted(Script {
        drop_extensions: true,
        tickets: false,
        ..Script::default()
    });
    let report = scan_trusting(&pki, "robust.test", port);
    let ep = &report["endpoints"][0];
    assert_complete_tls12_scan(ep);
    assert_eq!(
        weakness(ep, "ticketbleed")["status"],
        "not_tested",
        "{}",
        ep["weaknesses"]
    );
}

/// An h2-only server refuses the `GET /`'s ALPN `http/1.1` with
/// `no_application_protocol`: the request is retried without ALPN and HSTS
/// is read.
#[test]
fn http_get_is_retried_without_alpn() {
    let pki = Pki::new("h2 only");
    let leaf = pki.leaf(&["h2.test"], Key::P256, false);
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let mut config = rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &[&rustls::version::TLS13],
    );
    std::sync::Arc::get_mut(&mut config).unwrap().alpn_protocols = vec![b"h2".to_vec()];
    rustls_server(
        addr,
        config,
        "Strict-Transport-Security: max-age=31536000\r\n",
    );
    let report = scan_trusting(&pki, "h2.test", addr.port());
    let ep = &report["endpoints"][0];
    assert_eq!(ep["hsts"]["max_age"], 31536000, "{ep}");
    assert_eq!(ep["chain"]["trusted"], true);
    assert_eq!(strings(&ep["alpn"]), ["h2"]);
    assert_eq!(ep["grade"], "A+", "{} {}", ep["caps"], ep["warnings"]);
}

/// A TLS 1.3 server that completes no handshake a probe can finish (it
/// answers the hello, then closes): the chain is "not measured", the grade
/// carries no trust cap, and the CLI says so.
#[test]
fn a_chain_no_probe_captures_is_not_measured_not_no_certificate() {
    // Answers any hello with a TLS 1.3 ServerHello (x25519 share), then
    // closes: the enumeration sees TLS 1.3, every handshake fails.
    let port = hostile(|mut s| {
        let mut buf = [0u8; 8192];
        let _ = s.read(&mut buf);
        let Ok(Some((hello, _))) = tlslens_relay::codec::ClientHello::read_records(&buf) else {
            return;
        };
        let suite = hello
            .cipher_suites
            .iter()
            .copied()
            .find(|c| c.0 == 0x1301)
            .unwrap_or(tlslens_relay::codec::CipherSuite(0x1301));
        let mut sh = tlslens_relay::codec::ServerHello::new(
            tlslens_relay::codec::ProtocolVersion::TLS12,
            [9; 32],
            suite,
        );
        sh.session_id = hello.session_id.clone();
        sh.extensions = vec![
            tlslens_relay::codec::Extension::new(
                tlslens_relay::codec::ExtensionType::SUPPORTED_VERSIONS,
                vec![3, 4],
            ),
            tlslens_relay::codec::Extension::new(
                tlslens_relay::codec::ExtensionType::KEY_SHARE,
                [vec![0, 29, 0, 32], vec![9; 32]].concat(),
            ),
        ];
        let bytes = tlslens_relay::codec::encode_records(
            tlslens_relay::codec::ContentType::HANDSHAKE,
            tlslens_relay::codec::ProtocolVersion::TLS12,
            &sh.to_message().unwrap().encode().unwrap(),
        );
        let _ = s.write_all(&bytes);
    });
    let report = scan_json("nochain.test", port, "127.0.0.1", &[]);
    let ep = &report["endpoints"][0];
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.3"], "{ep}");
    assert!(ep["chain"].is_null(), "{ep}");
    assert_eq!(strings(&ep["not_measured"]), ["chain", "hsts"], "{ep}");
    let caps: Vec<&str> = ep["caps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert!(!caps.contains(&"no_certificate"), "{caps:?}");
    assert_ne!(ep["grade"], "T");
    // Every attempt of the chain probe is in its one error line.
    let chain_error = ep["probe_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["probe"] == "chain")
        .unwrap();
    let message = chain_error["message"].as_str().unwrap();
    assert!(
        message.contains("with ALPN h2, http/1.1") && message.contains("without ALPN"),
        "{message}"
    );
    let target = format!("nochain.test:{port}");
    let resolve = format!("nochain.test:{port}:127.0.0.1");
    let (_, out, _) = relay(&["scan", &target, "--allow-private", "--resolve", &resolve]);
    assert!(out.contains("Chain: not measured"), "{out}");
}
