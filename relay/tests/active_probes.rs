//! The active vulnerability probes — ROBOT, Ticketbleed, POODLE-TLS,
//! insecure client-initiated renegotiation, DROWN, TLS 1.3 0-RTT — each
//! proved positive on a server that has the weakness (the scripted RSA
//! server of `common::tls_server`, nginx with `ssl_early_data on`) and
//! negative on servers that do not (the same script without the flaw,
//! OpenSSL 3 `s_server`, nginx, rustls).

#![allow(clippy::unwrap_used)]

mod common;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use common::tls_server::{scripted_tls, serve_one, Renegotiation, Robot, RsaKey, Script};
use common::*;
use serde_json::Value;

/// A PKI with an RSA leaf for `vuln.test`: the chain and the server key.
struct RsaServer {
    pki: Pki,
    chain: Vec<Vec<u8>>,
    key: RsaKey,
    leaf: Issued,
}

fn rsa_server(name: &str) -> RsaServer {
    let pki = Pki::new(name);
    let leaf = pki.leaf(&["vuln.test"], Key::Rsa2048, false);
    RsaServer {
        chain: vec![leaf.der.clone(), pki.inter.der.clone()],
        key: RsaKey::from_pem(&leaf.key_pem),
        leaf,
        pki,
    }
}

/// The report of `vuln.test` at `port` on `addrs`, trusting `pki`.
fn scan(pki: &Pki, port: u16, addrs: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let root = pki.write_root(dir.path());
    scan_json(
        "vuln.test",
        port,
        addrs,
        &["--ca-file", root.to_str().unwrap()],
    )
}

fn scripted(server: &RsaServer, script: Script) -> Value {
    let port = scripted_tls(server.key.clone(), server.chain.clone(), script);
    scan(&server.pki, port, "127.0.0.1")
}

/// `(status, evidence)` of vulnerability `name`.
fn vuln<'a>(ep: &'a Value, name: &str) -> (&'a str, &'a str) {
    let v = weakness(ep, name);
    (
        v["status"].as_str().unwrap_or("absent"),
        v["evidence"].as_str().unwrap_or(""),
    )
}

fn codes(ep: &Value, list: &str) -> Vec<String> {
    ep[list]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect()
}

fn assert_vulnerable(ep: &Value, name: &str, cap: &str) {
    let (status, evidence) = vuln(ep, name);
    assert_eq!(status, "vulnerable", "{name}: {}", ep["weaknesses"]);
    assert!(!evidence.is_empty(), "{name} has no evidence");
    assert!(
        codes(ep, "caps").iter().any(|c| c == cap),
        "{:?}",
        codes(ep, "caps")
    );
    assert_eq!(ep["grade"], "F", "{}", ep["caps"]);
}

/// The scripted server's only suite is RSA-AES128-SHA: the grade without any
/// flaw is B (no forward secrecy, no AEAD), whatever the probes say.
#[test]
fn scripted_server_without_flaws_is_not_vulnerable_to_any_probe() {
    let server = rsa_server("Clean");
    let ep = &scripted(&server, Script::default())["endpoints"][0];
    for name in [
        "robot",
        "ticketbleed",
        "poodle_tls",
        "insecure_renegotiation",
        "drown",
        "heartbleed",
        "ccs_injection",
    ] {
        assert_eq!(
            vuln(ep, name).0,
            "not_vulnerable",
            "{name}: {}",
            ep["weaknesses"]
        );
    }
    assert_eq!(vuln(ep, "early_data").0, "not_tested");
    assert!(
        vuln(ep, "robot").1.contains("identical answers"),
        "{}",
        vuln(ep, "robot").1
    );
    assert!(vuln(ep, "poodle_tls").1.contains("alert bad_record_mac"));
    assert!(vuln(ep, "ticketbleed").1.contains("echoed as sent"));
    assert!(vuln(ep, "insecure_renegotiation")
        .1
        .contains("no_renegotiation"));
    assert_eq!(ep["grade"], "B", "{}", ep["caps"]);
}

#[test]
fn robot_strong_oracle_is_found_and_caps_f() {
    let server = rsa_server("Robot strong");
    let report = scripted(
        &server,
        Script {
            robot: Robot::StrongOracle,
            ..Script::default()
        },
    );
    let ep = &report["endpoints"][0];
    assert_vulnerable(ep, "robot", "robot");
    assert_eq!(weakness(ep, "robot")["oracle"], "strong");
    let evidence = vuln(ep, "robot").1;
    assert!(
        evidence.contains("wrong first bytes → alert handshake_failure"),
        "{evidence}"
    );
    assert!(
        evidence.contains("correct → alert bad_record_mac"),
        "{evidence}"
    );
}

#[test]
fn robot_weak_oracle_is_found() {
    let server = rsa_server("Robot weak");
    let ep = &scripted(
        &server,
        Script {
            robot: Robot::WeakOracle,
            ..Script::default()
        },
    )["endpoints"][0];
    assert_vulnerable(ep, "robot", "robot");
    assert_eq!(weakness(ep, "robot")["oracle"], "weak");
}

#[test]
fn poodle_tls_is_found_and_caps_f() {
    let server = rsa_server("Poodle");
    let ep = &scripted(
        &server,
        Script {
            poodle: true,
            ..Script::default()
        },
    )["endpoints"][0];
    assert_vulnerable(ep, "poodle_tls", "poodle_tls");
    assert!(vuln(ep, "poodle_tls").1.contains("application data"));
    // The SSLv3 POODLE cap is another matter.
    assert!(!codes(ep, "caps").iter().any(|c| c == "poodle"));
}

#[test]
fn ticketbleed_is_found_with_the_leaked_bytes() {
    let server = rsa_server("Ticketbleed");
    let ep = &scripted(
        &server,
        Script {
            ticketbleed: true,
            ..Script::default()
        },
    )["endpoints"][0];
    assert_vulnerable(ep, "ticketbleed", "ticketbleed");
    // The scripted "memory" is ASCII; its hex is in the evidence.
    let evidence = vuln(ep, "ticketbleed").1;
    assert!(evidence.contains("16 bytes of server memory"), "{evidence}");
}

#[test]
fn insecure_client_renegotiation_is_found_and_caps_f() {
    let server = rsa_server("Renegotiation");
    let ep = &scripted(
        &server,
        Script {
            renegotiation: Renegotiation::AcceptInsecure,
            ..Script::default()
        },
    )["endpoints"][0];
    assert_vulnerable(ep, "insecure_renegotiation", "insecure_renegotiation");
    assert_eq!(ep["secure_renegotiation"], false);
}

#[test]
fn secure_client_renegotiation_is_not_vulnerable() {
    let server = rsa_server("Secure renegotiation");
    let ep = &scripted(
        &server,
        Script {
            renegotiation: Renegotiation::AcceptSecure,
            ..Script::default()
        },
    )["endpoints"][0];
    let (status, evidence) = vuln(ep, "insecure_renegotiation");
    assert_eq!(status, "not_vulnerable");
    assert!(evidence.contains("accepted, but secure"), "{evidence}");
}

#[test]
fn drown_when_this_endpoint_offers_sslv2() {
    let server = rsa_server("Drown");
    let ep = &scripted(
        &server,
        Script {
            sslv2: true,
            ..Script::default()
        },
    )["endpoints"][0];
    assert_vulnerable(ep, "drown", "drown");
    assert!(vuln(ep, "drown").1.contains("this endpoint offers SSLv2"));
}

/// One scripted server: its key, chain and script.
type Serving = (RsaKey, Vec<Vec<u8>>, Script);

/// Two addresses of one name and port, one server each.
fn pair(first: Serving, second: Serving) -> u16 {
    loop {
        let a = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        let Ok(b) = TcpListener::bind(("127.0.0.2", port)) else {
            continue;
        };
        for (listener, (key, chain, script)) in [(a, first.clone()), (b, second.clone())] {
            let chain = Arc::new(chain);
            std::thread::spawn(move || {
                for s in listener.incoming().flatten() {
                    let (key, chain) = (key.clone(), chain.clone());
                    std::thread::spawn(move || serve_one(s, &key, &chain, script));
                }
            });
        }
        wait_listening(SocketAddr::from(([127, 0, 0, 2], port)));
        return port;
    }
}

fn sslv2() -> Script {
    Script {
        sslv2: true,
        ..Script::default()
    }
}

#[test]
fn drown_through_another_endpoint_with_the_same_key() {
    let server = rsa_server("Drown pair");
    let port = pair(
        (server.key.clone(), server.chain.clone(), sslv2()),
        (server.key.clone(), server.chain.clone(), Script::default()),
    );
    let report = scan(&server.pki, port, "127.0.0.1,127.0.0.2");
    let eps = report["endpoints"].as_array().unwrap();
    let by_ip = |ip: &str| eps.iter().find(|e| e["ip"] == ip).unwrap();
    let plain = by_ip("127.0.0.2");
    assert!(!strings(&plain["protocols"]).contains(&"SSLv2".to_owned()));
    assert_vulnerable(plain, "drown", "drown");
    assert!(
        vuln(plain, "drown").1.contains("127.0.0.1"),
        "{}",
        vuln(plain, "drown").1
    );
    assert_vulnerable(by_ip("127.0.0.1"), "drown", "drown");
}

#[test]
fn drown_not_through_an_endpoint_with_another_key() {
    let server = rsa_server("Drown own key");
    let other = rsa_server("Drown other key");
    // 127.0.0.1 speaks SSLv2, with another certificate and key.
    let port = pair(
        (other.key.clone(), other.chain.clone(), sslv2()),
        (server.key.clone(), server.chain.clone(), Script::default()),
    );
    let report = scan(&server.pki, port, "127.0.0.1,127.0.0.2");
    let plain = report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ip"] == "127.0.0.2")
        .unwrap();
    assert_eq!(
        vuln(plain, "drown").0,
        "not_vulnerable",
        "{}",
        plain["weaknesses"]
    );
}

/// OpenSSL 3: RSA key exchange, CBC suites, TLS 1.0–1.2 and 1.3, tickets,
/// and secure client-initiated renegotiation allowed.
#[test]
fn openssl_s_server_is_not_vulnerable() {
    if skip_without("openssl") {
        return;
    }
    let server = rsa_server("OpenSSL");
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = server.pki.write(dir.path(), "vuln", &server.leaf, true);
    let port = free_port();
    let _s = s_server(
        port,
        &cert,
        &key,
        &["-cipher", "ALL:@SECLEVEL=0", "-client_renegotiation"],
    );
    let ep = &scan(&server.pki, port, "127.0.0.1")["endpoints"][0];
    for name in [
        "robot",
        "ticketbleed",
        "poodle_tls",
        "insecure_renegotiation",
        "drown",
        "early_data",
        "heartbleed",
        "ccs_injection",
    ] {
        assert_eq!(
            vuln(ep, name).0,
            "not_vulnerable",
            "{name}: {}",
            ep["weaknesses"]
        );
    }
    // The patched OpenSSL answers every payload alike in both flows.
    assert!(vuln(ep, "robot").1.contains("identical answers"));
    assert!(
        vuln(ep, "insecure_renegotiation").1.contains("secure"),
        "{}",
        vuln(ep, "insecure_renegotiation").1
    );
    assert!(!codes(ep, "caps")
        .iter()
        .any(|c| c == "robot" || c == "poodle_tls"));
}

fn nginx_server(pki: &Pki, leaf: &Issued, ssl: &str) -> (Proc, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = pki.write(dir.path(), "vuln", leaf, true);
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let body = format!(
        "server {{ listen 127.0.0.1:{port} ssl; server_name vuln.test; ssl_certificate {}; ssl_certificate_key {}; {ssl} location / {{ return 200 \"ok\"; }} }}",
        cert.display(),
        key.display()
    );
    let proc = nginx(dir.path(), &body, &[addr]);
    (proc, port, dir)
}

#[test]
fn nginx_is_not_vulnerable() {
    if skip_without("nginx") {
        return;
    }
    let server = rsa_server("nginx");
    let (_n, port, _dir) = nginx_server(
        &server.pki,
        &server.leaf,
        "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ssl_ciphers 'HIGH:MEDIUM:!aNULL:@SECLEVEL=0';",
    );
    let ep = &scan(&server.pki, port, "127.0.0.1")["endpoints"][0];
    for name in [
        "robot",
        "ticketbleed",
        "poodle_tls",
        "insecure_renegotiation",
        "drown",
        "early_data",
    ] {
        assert_eq!(
            vuln(ep, name).0,
            "not_vulnerable",
            "{name}: {}",
            ep["weaknesses"]
        );
    }
}

#[test]
fn nginx_with_early_data_accepts_0rtt_and_gets_a_warning() {
    if skip_without("nginx") {
        return;
    }
    let pki = Pki::new("0-RTT");
    let leaf = pki.leaf(&["vuln.test"], Key::P256, false);
    let (_n, port, _dir) = nginx_server(
        &pki,
        &leaf,
        "ssl_protocols TLSv1.2 TLSv1.3; ssl_early_data on; add_header Strict-Transport-Security \"max-age=31536000\" always;",
    );
    let ep = &scan(&pki, port, "127.0.0.1")["endpoints"][0];
    let (status, evidence) = vuln(ep, "early_data");
    assert_eq!(status, "vulnerable", "{}", ep["weaknesses"]);
    assert!(evidence.contains("accepted"), "{evidence}");
    assert!(codes(ep, "warnings").iter().any(|c| c == "early_data"));
    // A warning, not a cap: A- instead of A+.
    assert_eq!(ep["grade"], "A-", "{} {}", ep["caps"], ep["warnings"]);
}

#[test]
fn rustls_server_is_not_vulnerable() {
    let pki = Pki::new("rustls");
    let leaf = pki.leaf(&["vuln.test"], Key::P256, false);
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let config = rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &[&rustls::version::TLS13, &rustls::version::TLS12],
    );
    rustls_server(addr, config, "");
    let ep = &scan(&pki, addr.port(), "127.0.0.1")["endpoints"][0];
    // rustls has neither RSA key exchange nor CBC: nothing to test there,
    // hence "not vulnerable" with the reason.
    assert_eq!(
        vuln(ep, "robot"),
        ("not_vulnerable", "no RSA key-exchange suite is offered")
    );
    assert_eq!(
        vuln(ep, "poodle_tls"),
        ("not_vulnerable", "no CBC suite is offered with TLS 1.0–1.2")
    );
    for name in [
        "insecure_renegotiation",
        "early_data",
        "ticketbleed",
        "drown",
    ] {
        assert_eq!(
            vuln(ep, name).0,
            "not_vulnerable",
            "{name}: {}",
            ep["weaknesses"]
        );
    }
}
