//! The scanner against a zoo of real servers on loopback —
//! `openssl s_server` (TLS 1.0/1.1 with legacy suites and a 1024-bit DH prime,
//! TLS 1.3 only), nginx (SNI-dependent certificates, HSTS variants, two
//! addresses with different chains), rustls servers (good, expired,
//! self-signed, wrong-host and incomplete chains), and a comparison with
//! `sslscan`.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::Command;

use common::*;
use serde_json::Value;

fn suite_names(ep: &Value, proto: &str) -> Vec<String> {
    strings(&ep["cipher_suites"][proto])
}

fn issues(chain: &Value) -> Vec<String> {
    strings(&chain["issues"])
}

#[test]
fn openssl_legacy_tls10_tls11_dhe1024() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Legacy");
    let leaf = pki.leaf(&["legacy.test"], Key::Rsa2048, false);
    let (chain, key) = pki.write(dir.path(), "legacy", &leaf, true);
    let root = pki.write_root(dir.path());
    let dh = dir.path().join("dh1024.pem");
    let st = Command::new("openssl")
        .args(["dhparam", "-dsaparam", "-out"])
        .arg(&dh)
        .arg("1024")
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let staple = ocsp_response(dir.path(), &pki, &leaf);
    let port = free_port();
    let _server = s_server(
        port,
        &chain,
        &key,
        &[
            "-status_file",
            staple.to_str().unwrap(),
            "-min_protocol",
            "TLSv1",
            "-max_protocol",
            "TLSv1.1",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-dhparam",
            dh.to_str().unwrap(),
        ],
    );
    let report = scan_json(
        "legacy.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.0", "TLSv1.1"], "{ep}");
    assert_eq!(ep["key_exchange"]["dh_bits"], 1024, "{ep}");
    let t10 = suite_names(ep, "TLSv1.0");
    assert!(t10.len() >= 10, "{t10:?}");
    assert!(
        t10.iter().any(|s| s == "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
        "{t10:?}"
    );
    assert!(
        t10.iter().any(|s| s == "TLS_RSA_WITH_AES_256_CBC_SHA"),
        "{t10:?}"
    );
    assert!(t10.iter().any(|s| s.contains("anon")), "{t10:?}");
    assert_eq!(suite_names(ep, "TLSv1.1"), t10);
    let caps: Vec<&str> = ep["caps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert!(caps.iter().any(|c| c.contains("tls10")), "{caps:?}");
    // The chain is complete and trusted through --ca-file.
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(ep["chain"]["verify_code"], 0);
    assert_eq!(ep["secure_renegotiation"], true);
    assert_eq!(ep["ocsp_stapling"], true, "{ep}");
    assert_eq!(ep["fallback_scsv"], true, "{ep}");
    assert_eq!(ep["compression"], false);
    // No browser can connect to a TLS 1.1-max server.
    assert!(!ep["browser"]["error"].is_null(), "{}", ep["browser"]);
}

#[test]
fn openssl_tls13_only() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Thirteen");
    let leaf = pki.leaf(&["tls13.test"], Key::P256, false);
    let (chain, key) = pki.write(dir.path(), "t13", &leaf, true);
    let root = pki.write_root(dir.path());
    let staple = ocsp_response(dir.path(), &pki, &leaf);
    let port = free_port();
    let _server = s_server(
        port,
        &chain,
        &key,
        &["-tls1_3", "-status_file", staple.to_str().unwrap()],
    );
    let report = scan_json(
        "tls13.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.3"], "{ep}");
    let suites: BTreeSet<String> = suite_names(ep, "TLSv1.3").into_iter().collect();
    let expected: BTreeSet<String> = [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    ]
    .map(String::from)
    .into();
    assert_eq!(suites, expected);
    let groups = strings(&ep["groups"]);
    assert!(groups.contains(&"x25519".to_owned()), "{groups:?}");
    assert!(groups.contains(&"secp256r1".to_owned()), "{groups:?}");
    assert!(groups.contains(&"ffdhe2048".to_owned()), "{groups:?}");
    // The chain comes from a full (recording) TLS 1.3 handshake.
    let certs: Vec<&Value> = ep["chain"]["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"] == "sent")
        .collect();
    assert_eq!(certs.len(), 2, "{}", ep["chain"]);
    assert!(certs[0]["subject"].as_str().unwrap().contains("tls13.test"));
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(ep["browser"]["protocol"], "TLSv1.3", "{}", ep["browser"]);
    assert_eq!(ep["compression"], false);
    assert_eq!(ep["ocsp_stapling"], true, "{ep}");
}

fn nginx_site(addr: &str, port: u16, name: &str, chain: &Path, key: &Path, extra: &str) -> String {
    format!(
        "server {{ listen {addr}:{port} ssl; server_name {name}; ssl_certificate {}; ssl_certificate_key {}; {extra} location / {{ return 200 \"ok\"; }} }}\n",
        chain.display(),
        key.display()
    )
}

use std::path::Path;

/// The cipher string of [`nginx_sni_hsts_and_two_addresses`]'s server,
/// which imposes its order.
const CIPHERS: &str = "ECDHE+AESGCM:ECDHE+CHACHA20:ECDHE+AES:AES128-SHA:@SECLEVEL=0";

#[test]
fn nginx_sni_hsts_and_two_addresses() {
    if skip_without("nginx") || skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Nginx");
    let root = pki.write_root(dir.path());
    let default_leaf = pki.leaf(&["default.test"], Key::P256, false);
    let site_leaf = pki.leaf(
        &["site.test", "hsts0.test", "nohsts.test"],
        Key::Rsa2048,
        false,
    );
    let other_leaf = pki.leaf(&["site.test"], Key::P256, false);
    let site_ec_leaf = pki.leaf(&["site.test"], Key::P256, false);
    let (ec, ek) = pki.write(dir.path(), "site-ec", &site_ec_leaf, true);
    let (dc, dk) = pki.write(dir.path(), "default", &default_leaf, true);
    let (sc, sk) = pki.write(dir.path(), "site", &site_leaf, true);
    let (oc, ok) = pki.write(dir.path(), "other", &other_leaf, true);
    let port = free_port();
    let hsts =
        "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;";
    let mut body = String::from(
        &format!(" ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n ssl_ciphers '{CIPHERS}';\n ssl_prefer_server_ciphers on;\n"),
    );
    body.push_str(&format!(
        "server {{ listen 127.0.0.1:{port} ssl default_server; server_name _; ssl_certificate {}; ssl_certificate_key {}; return 404; }}\n",
        dc.display(),
        dk.display()
    ));
    // site.test has an RSA and an ECDSA certificate.
    let dual = format!(
        "{hsts} ssl_certificate {}; ssl_certificate_key {};",
        ec.display(),
        ek.display()
    );
    body.push_str(&nginx_site("127.0.0.1", port, "site.test", &sc, &sk, &dual));
    body.push_str(&nginx_site(
        "127.0.0.1",
        port,
        "hsts0.test",
        &sc,
        &sk,
        "add_header Strict-Transport-Security \"max-age=0\" always;",
    ));
    body.push_str(&nginx_site("127.0.0.1", port, "nohsts.test", &sc, &sk, ""));
    body.push_str(&format!(
        "server {{ listen 127.0.0.2:{port} ssl default_server; server_name site.test; ssl_certificate {}; ssl_certificate_key {}; {hsts} location / {{ return 200 \"ok\"; }} }}\n",
        oc.display(),
        ok.display()
    ));
    let _nginx = nginx(
        dir.path(),
        &body,
        &[
            SocketAddr::from(([127, 0, 0, 1], port)),
            SocketAddr::from(([127, 0, 0, 2], port)),
        ],
    );
    let ca = root.to_str().unwrap();
    let report = scan_json("site.test", port, "127.0.0.1,127.0.0.2", &["--ca-file", ca]);
    assert_eq!(report["endpoints"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["endpoints_agree"], false,
        "{}",
        report["differences"]
    );
    let a = &report["endpoints"][0];
    let b = &report["endpoints"][1];
    assert_eq!(a["ip"], "127.0.0.1");
    assert_eq!(b["ip"], "127.0.0.2");
    assert_ne!(
        a["chain"]["certificates"][0]["sha256"],
        b["chain"]["certificates"][0]["sha256"]
    );
    // SNI-dependent certificate on 127.0.0.1.
    assert_eq!(a["no_sni_chain_differs"], true, "{a}");
    assert_eq!(b["no_sni_chain_differs"], false, "{b}");
    assert_eq!(
        a["sni_required"], false,
        "the default server answers without SNI: {a}"
    );
    assert_eq!(
        strings(&a["protocols"]),
        ["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
        "{a}"
    );
    assert_eq!(a["server_cipher_order"]["TLSv1.2"], true, "{a}");
    // The suites in the server's order, as OpenSSL orders that cipher
    // string (the first one comes from the enumeration's first answer).
    let openssl_order = std::process::Command::new("openssl")
        .args(["ciphers", "-stdname", "-s", "-tls1_2", CIPHERS])
        .output()
        .unwrap();
    let expected: Vec<String> = String::from_utf8_lossy(&openssl_order.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| !n.starts_with("TLS_AES_") && !n.starts_with("TLS_CHACHA20_"))
        .map(str::to_owned)
        .collect();
    assert_eq!(strings(&a["cipher_suites"]["TLSv1.2"]), expected, "{a}");
    assert_eq!(a["fallback_scsv"], true, "{a}");
    assert_eq!(a["secure_renegotiation"], true, "{a}");
    // One chain per key type.
    let others = a["other_chains"].as_array().cloned().unwrap_or_default();
    assert_eq!(others.len(), 1, "{a}");
    assert_ne!(
        others[0]["certificates"][0]["key"]["type"],
        a["chain"]["certificates"][0]["key"]["type"]
    );
    assert!(
        b["other_chains"].as_array().is_none_or(|o| o.is_empty()),
        "{b}"
    );
    assert_eq!(a["hsts"]["max_age"], 31536000, "{a}");
    assert_eq!(a["hsts"]["include_subdomains"], true);
    assert_eq!(a["chain"]["trusted"], true, "{}", a["chain"]);
    let alpn = strings(&a["alpn"]);
    assert!(alpn.contains(&"http/1.1".to_owned()), "{alpn:?}");
    assert_eq!(a["browser"]["protocol"], "TLSv1.3", "{}", a["browser"]);

    let zero = scan_json("hsts0.test", port, "127.0.0.1", &["--ca-file", ca]);
    assert_eq!(
        zero["endpoints"][0]["hsts"]["max_age"], 0,
        "{}",
        zero["endpoints"][0]["hsts"]
    );
    let none = scan_json("nohsts.test", port, "127.0.0.1", &["--ca-file", ca]);
    assert!(none["endpoints"][0]["hsts"].is_null());
}

fn chain_of(pki: &Pki, leaf: &Issued, full: bool) -> Vec<Vec<u8>> {
    let mut v = vec![leaf.der.clone()];
    if full {
        v.push(pki.inter.der.clone());
    }
    v
}

/// Host, chain, key, expected chain issue.
type Case = (&'static str, Vec<Vec<u8>>, String, Option<&'static str>);

#[test]
fn rustls_chains_good_expired_selfsigned_wronghost_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Rustls");
    let root = pki.write_root(dir.path());
    let ca = root.to_str().unwrap();
    let both: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    let mut cases: Vec<Case> = Vec::new();
    let good = pki.leaf(&["good.test"], Key::P256, false);
    cases.push((
        "good.test",
        chain_of(&pki, &good, true),
        good.key_pem.clone(),
        None,
    ));
    let expired = pki.leaf(&["expired.test"], Key::P256, true);
    cases.push((
        "expired.test",
        chain_of(&pki, &expired, true),
        expired.key_pem.clone(),
        Some("expired"),
    ));
    let ss = self_signed(&["selfsigned.test"]);
    cases.push((
        "selfsigned.test",
        vec![ss.der.clone()],
        ss.key_pem.clone(),
        Some("self_signed"),
    ));
    let wrong = pki.leaf(&["other.test"], Key::P256, false);
    cases.push((
        "wronghost.test",
        chain_of(&pki, &wrong, true),
        wrong.key_pem.clone(),
        Some("hostname_mismatch"),
    ));
    let inc = pki.leaf(&["incomplete.test"], Key::P256, false);
    cases.push((
        "incomplete.test",
        chain_of(&pki, &inc, false),
        inc.key_pem.clone(),
        Some("incomplete_chain"),
    ));
    // Sent out of order and with the anchor: the chain is kept as sent.
    let wo = pki.leaf(&["anchor.test"], Key::P256, false);
    cases.push((
        "anchor.test",
        vec![wo.der.clone(), pki.root.der.clone(), pki.inter.der.clone()],
        wo.key_pem.clone(),
        Some("contains_anchor"),
    ));
    for (host, chain, key, issue) in cases {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        rustls_server(
            addr,
            rustls_config(&chain, &key, both),
            "Strict-Transport-Security: max-age=63072000\r\n",
        );
        let report = scan_json(host, port, "127.0.0.1", &["--ca-file", ca]);
        let ep = &report["endpoints"][0];
        assert_eq!(
            strings(&ep["protocols"]),
            ["TLSv1.2", "TLSv1.3"],
            "{host}: {ep}"
        );
        assert_eq!(ep["hsts"]["max_age"], 63072000, "{host}");
        let got = issues(&ep["chain"]);
        match issue {
            None => {
                assert_eq!(ep["chain"]["trusted"], true, "{host}: {}", ep["chain"]);
                assert!(got.is_empty(), "{host}: {got:?}");
                let t12 = suite_names(ep, "TLSv1.2");
                assert!(
                    t12.iter().all(|s| s.starts_with("TLS_ECDHE_ECDSA")),
                    "{t12:?}"
                );
                assert_eq!(t12.len(), 3, "{t12:?}");
                assert_eq!(
                    ep["session_resumption"]["tickets"], true,
                    "{}",
                    ep["session_resumption"]
                );
                let alpn = strings(&ep["alpn"]);
                assert_eq!(alpn, ["h2", "http/1.1"]);
            }
            Some(i) => {
                assert!(got.iter().any(|g| g == i), "{host}: wanted {i} in {got:?}");
                if i != "contains_anchor" {
                    assert_eq!(ep["chain"]["trusted"], false, "{host}");
                }
            }
        }
    }
}

/// Parses `sslscan --xml=-`: enabled protocols and accepted (protocol, id).
fn sslscan(port: u16) -> (BTreeSet<String>, BTreeSet<(String, u16)>) {
    let out = Command::new("sslscan")
        .args([
            "--xml=-",
            "--no-colour",
            "--no-heartbleed",
            "--no-renegotiation",
            "--no-compression",
            "--no-fallback",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    let attr = |line: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let start = line.find(&key)? + key.len();
        let end = line[start..].find('"')? + start;
        Some(line[start..end].to_owned())
    };
    let mut protocols = BTreeSet::new();
    let mut suites = BTreeSet::new();
    for line in xml.lines() {
        let line = line.trim();
        if line.starts_with("<protocol ") && attr(line, "enabled").as_deref() == Some("1") {
            let kind = attr(line, "type").unwrap();
            let version = attr(line, "version").unwrap();
            protocols.insert(match kind.as_str() {
                "ssl" => format!("SSLv{version}"),
                _ => format!("TLSv{version}"),
            });
        }
        if line.starts_with("<cipher ") {
            let proto = attr(line, "sslversion").unwrap();
            let id = attr(line, "id").unwrap();
            let id = u16::from_str_radix(id.trim_start_matches("0x"), 16).unwrap();
            suites.insert((proto, id));
        }
    }
    (protocols, suites)
}

fn ours(ep: &Value) -> (BTreeSet<String>, BTreeSet<(String, u16)>) {
    let protocols: BTreeSet<String> = strings(&ep["protocols"]).into_iter().collect();
    let mut suites = BTreeSet::new();
    for (proto, list) in ep["cipher_suites"].as_object().unwrap() {
        for s in strings(list) {
            let code = tlslens_core::suites::by_name(&s)
                .map(|i| i.code)
                .unwrap_or_else(|| u16::from_str_radix(s.trim_start_matches("0x"), 16).unwrap());
            suites.insert((proto.clone(), code));
        }
    }
    (protocols, suites)
}

#[test]
fn matches_sslscan() {
    if skip_without("sslscan") || skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Compare");
    let leaf = pki.leaf(&["compare.test"], Key::Rsa2048, false);
    let (chain, key) = pki.write(dir.path(), "cmp", &leaf, true);
    for args in [
        vec![
            "-min_protocol",
            "TLSv1",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-serverpref",
        ],
        vec![
            "-tls1_2",
            "-cipher",
            "ECDHE:AES128-SHA:CAMELLIA:@SECLEVEL=0",
        ],
    ] {
        let port = free_port();
        let _server = s_server(port, &chain, &key, &args);
        let report = scan_json("compare.test", port, "127.0.0.1", &[]);
        let (their_protocols, their_suites) = sslscan(port);
        let (our_protocols, our_suites) = ours(&report["endpoints"][0]);
        assert_eq!(our_protocols, their_protocols, "{args:?}");
        let only_ours: Vec<_> = our_suites.difference(&their_suites).collect();
        let only_theirs: Vec<_> = their_suites.difference(&our_suites).collect();
        assert!(
            only_ours.is_empty() && only_theirs.is_empty(),
            "{args:?}: only tlslens {only_ours:x?}, only sslscan {only_theirs:x?}"
        );
    }
}

#[test]
fn nginx_that_rejects_handshakes_without_sni() {
    if skip_without("nginx") || skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Strict");
    let root = pki.write_root(dir.path());
    let leaf = pki.leaf(&["strict.test"], Key::P256, false);
    let (c, k) = pki.write(dir.path(), "strict", &leaf, true);
    let port = free_port();
    let mut body = String::from(" ssl_protocols TLSv1.2 TLSv1.3;\n");
    body.push_str(&format!(
        "server {{ listen 127.0.0.1:{port} ssl default_server; server_name _; ssl_reject_handshake on; }}\n"
    ));
    body.push_str(&nginx_site("127.0.0.1", port, "strict.test", &c, &k, ""));
    let _nginx = nginx(
        dir.path(),
        &body,
        &[SocketAddr::from(([127, 0, 0, 1], port))],
    );
    let ca = root.to_str().unwrap();
    let report = scan_json("strict.test", port, "127.0.0.1", &["--ca-file", ca]);
    let ep = &report["endpoints"][0];
    assert_eq!(ep["sni_required"], true, "{ep}");
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(ep["no_sni_chain_differs"], false);
    let (code, out, _) = relay(&[
        "scan",
        &format!("strict.test:{port}"),
        "--allow-private",
        "--resolve",
        &format!("strict.test:{port}:127.0.0.1"),
        "--ca-file",
        ca,
        "--no-color",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("refuses handshakes without SNI"), "{out}");
}
