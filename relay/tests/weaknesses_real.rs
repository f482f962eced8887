//! The weaknesses derived from the facts, the DH parameter quality, key
//! reuse and the protocol details, on real servers nobody here wrote:
//! nginx (OpenSSL 3), `openssl s_server` and rustls. They prove the
//! negatives (and the positives real servers can still be configured
//! into: BEAST, BREACH, LUCKY13, a non-safe DH prime, SCTs in the TLS
//! extension); the scripted legacy server (`legacy_zoo.rs`) proves the rest.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

fn weakness(ep: &Value, code: &str) -> (String, String) {
    let w = ep["weaknesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {ep}"));
    (
        w["status"].as_str().unwrap().to_owned(),
        w["evidence"].as_str().unwrap().to_owned(),
    )
}

fn status(ep: &Value, code: &str) -> String {
    weakness(ep, code).0
}

/// RFC 7919 ffdhe2048 as PEM DH parameters, from OpenSSL.
fn ffdhe2048(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("ffdhe2048.pem");
    let ok = Command::new("openssl")
        .args(["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt"])
        .arg("group:ffdhe2048")
        .arg("-out")
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    out
}

/// nginx serving TLS 1.0–1.3 for `name`, with `extra` in its server block.
fn nginx_server(dir: &Path, name: &str, extra: &str) -> (Proc, u16, std::path::PathBuf) {
    let pki = Pki::new("Real");
    let leaf = pki.leaf(&[name], Key::Rsa2048, false);
    let (chain, key) = pki.write(dir, "site", &leaf, true);
    let root = pki.write_root(dir);
    let staple = ocsp_response(dir, &pki, &leaf);
    let dh = ffdhe2048(dir);
    let port = free_port();
    let body = format!(
        "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n ssl_ciphers 'HIGH:!3DES:!aNULL:@SECLEVEL=0';\n ssl_dhparam {dh};\n server {{ listen 127.0.0.1:{port} ssl; server_name {name}; ssl_certificate {chain}; ssl_certificate_key {key}; ssl_stapling on; ssl_stapling_file {staple}; {extra} location / {{ default_type text/plain; return 200 \"{text}\"; }} }}\n",
        dh = dh.display(),
        chain = chain.display(),
        key = key.display(),
        staple = staple.display(),
        text = "hello ".repeat(40),
    );
    let proc = nginx(dir, &body, &[SocketAddr::from(([127, 0, 0, 1], port))]);
    (proc, port, root)
}

#[test]
fn nginx_with_tls10_and_gzip_shows_beast_breach_lucky13_and_nothing_else() {
    if skip_without("nginx") || skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port, root) = nginx_server(
        dir.path(),
        "gzip.test",
        "gzip on; gzip_types text/plain; gzip_min_length 1; ssl_session_cache shared:S:1m;",
    );
    let report = scan_json(
        "gzip.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    // Positives a current nginx can still be configured into.
    let (s, why) = weakness(ep, "breach");
    assert_eq!(s, "vulnerable", "{why}");
    assert!(why.contains("Content-Encoding: gzip"), "{why}");
    assert_eq!(status(ep, "beast"), "vulnerable");
    assert_eq!(status(ep, "lucky13"), "vulnerable");
    // Negatives: OpenSSL 3 has no compression, RC4, export or 3DES here.
    for code in ["crime", "sweet32", "freak", "rc4", "poodle", "logjam"] {
        assert_eq!(status(ep, code), "not_vulnerable", "{code}: {ep}");
    }
    assert!(weakness(ep, "logjam").1.contains("RFC 7919 ffdhe2048"));
    // Probes of the other half of issue 11 stay "not tested" until they run.
    assert_eq!(status(ep, "heartbleed"), "not_vulnerable");

    let kx = &ep["key_exchange"];
    let group = &kx["dh_groups"][0];
    assert_eq!(group["known"], "RFC 7919 ffdhe2048", "{group}");
    assert_eq!(group["safe_prime"], true);
    assert!(group.get("problems").is_none(), "{group}");
    // OpenSSL makes a fresh key per handshake.
    assert_eq!(kx["dh_public_reuse"], false, "{kx}");
    assert_eq!(kx["ecdh_public_reuse"], false, "{kx}");

    let details = &ep["protocol_details"];
    // OpenSSL 3 marks its TLS ≤ 1.2 hellos with the RFC 8446 sentinels.
    assert_eq!(details["downgrade_sentinel"], true, "{details}");
    assert!(details["downgrade_evidence"]
        .as_str()
        .unwrap()
        .contains("TLSv1.2: DOWNGRD\\x01"));
    assert!(details["sslv2_compatible_hello"].is_boolean(), "{details}");
    assert!(details["groups_server_order"].is_boolean(), "{details}");
    // Asked for, not sent: measured as 0.
    assert_eq!(details["scts"]["tls_extension"], 0, "{details}");
    assert_eq!(details["scts"]["embedded"], 0, "{details}");
    assert_eq!(details["scts"]["ocsp"], 0, "{details}");
    // The stapled response is signed by the issuing intermediate.
    let ocsp = &ep["chain"]["ocsp"];
    assert_eq!(ocsp["signature"], "valid", "{ocsp}");
    assert_eq!(ocsp["signer"], "issuer", "{ocsp}");
    let r = &ep["session_resumption"];
    assert_eq!(r["ids_assigned"], true, "{r}");
    assert_eq!(r["session_ids"], true, "{r}");
}

#[test]
fn nginx_tls12_without_gzip_is_not_beast_or_breach() {
    if skip_without("nginx") || skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port, root) = nginx_server(
        dir.path(),
        "plain.test",
        "ssl_protocols TLSv1.2 TLSv1.3; gzip off;",
    );
    let report = scan_json(
        "plain.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.2", "TLSv1.3"], "{ep}");
    let (s, why) = weakness(ep, "breach");
    assert_eq!(s, "not_vulnerable", "{why}");
    assert!(why.contains("uncompressed"), "{why}");
    assert_eq!(status(ep, "beast"), "not_vulnerable");
}

/// PKCS#3 DH parameters (`SEQUENCE { INTEGER p, INTEGER g }`) as PEM.
fn dh_pem(p: &[u8], g: u8) -> String {
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend(content);
        out
    }
    let mut int = vec![0];
    int.extend(p);
    let der = tlv(0x30, &[tlv(0x02, &int), tlv(0x02, &[g])].concat());
    format!(
        "-----BEGIN DH PARAMETERS-----\n{}\n-----END DH PARAMETERS-----\n",
        b64(&der)
    )
}

#[test]
fn openssl_with_a_non_safe_dh_prime_is_reported() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("NonSafe");
    let leaf = pki.leaf(&["dh.test"], Key::Rsa2048, false);
    let (chain, key) = pki.write(dir.path(), "dh", &leaf, true);
    let root = pki.write_root(dir.path());
    let dh = dir.path().join("dh.pem");
    let prime = common::legacy::hex(common::legacy::NON_SAFE_2048);
    std::fs::write(&dh, dh_pem(&prime, 2)).unwrap();
    let port = free_port();
    let _server = s_server(
        port,
        &chain,
        &key,
        &[
            "-tls1_2",
            "-cipher",
            "DHE-RSA-AES128-GCM-SHA256",
            "-dhparam",
            dh.to_str().unwrap(),
        ],
    );
    let report = scan_json(
        "dh.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    let group = &ep["key_exchange"]["dh_groups"][0];
    assert_eq!(group["bits"], 2048, "{group}");
    assert_eq!(group["prime"], "prime", "{group}");
    assert_eq!(group["safe_prime"], false, "{group}");
    assert!(group.get("known").is_none(), "{group}");
    assert!(
        group["problems"].to_string().contains("not a safe prime"),
        "{group}"
    );
    // OpenSSL still draws a fresh exponent per handshake.
    assert_eq!(ep["key_exchange"]["dh_public_reuse"], false);
    assert_eq!(status(ep, "logjam"), "not_vulnerable");
}

/// Standard base64 (the facts' encoding of DER).
fn b64(bytes: &[u8]) -> String {
    serde_json::to_value(tlslens_core::Der(bytes.to_vec()))
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// A `-serverinfo` file for `openssl s_server`: one
/// `signed_certificate_timestamp` extension carrying one v1 SCT.
fn serverinfo(dir: &Path) -> std::path::PathBuf {
    let mut sct = vec![0u8];
    sct.extend([0xAB; 32]); // log ID
    sct.extend(1_800_000_000_000u64.to_be_bytes());
    sct.extend([0, 0, 4, 3, 0, 2, 0x30, 0x00]);
    let mut list = (sct.len() as u16).to_be_bytes().to_vec();
    list.extend(&sct);
    let mut data = (list.len() as u16).to_be_bytes().to_vec();
    data.extend(&list);
    let mut ext = vec![0, 18];
    ext.extend((data.len() as u16).to_be_bytes());
    ext.extend(&data);
    let b64 = b64(&ext);
    let pem = format!(
        "-----BEGIN SERVERINFO FOR signed_certificate_timestamp-----\n{b64}\n-----END SERVERINFO FOR signed_certificate_timestamp-----\n"
    );
    let path = dir.join("serverinfo.pem");
    std::fs::write(&path, pem).unwrap();
    path
}

#[test]
fn scts_in_the_tls_extension_are_counted_by_delivery() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Sct");
    let leaf = pki.leaf(&["sct.test"], Key::P256, false);
    let (chain, key) = pki.write(dir.path(), "sct", &leaf, true);
    let root = pki.write_root(dir.path());
    let info = serverinfo(dir.path());
    let port = free_port();
    let _server = s_server(
        port,
        &chain,
        &key,
        &["-tls1_2", "-serverinfo", info.to_str().unwrap()],
    );
    let report = scan_json(
        "sct.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let scts = &report["endpoints"][0]["protocol_details"]["scts"];
    assert_eq!(scts["tls_extension"], 1, "{scts}");
    assert_eq!(scts["embedded"], 0, "{scts}");
    let log = &scts["logs"][0];
    assert_eq!(log["delivery"], "tls_extension", "{log}");
    assert_eq!(log["timestamp"], "2027-01-15T08:00:00Z", "{log}");
    assert_eq!(log["log_id"], b64(&[0xAB; 32]));
}

#[test]
fn rustls_tls13_only_has_fresh_key_shares_and_no_legacy_details() {
    let pki = Pki::new("Rustls");
    let leaf = pki.leaf(&["r13.test"], Key::P256, false);
    let dir = tempfile::tempdir().unwrap();
    let root = pki.write_root(dir.path());
    let config = rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &[&rustls::version::TLS13],
    );
    let port = free_port();
    rustls_server(SocketAddr::from(([127, 0, 0, 1], port)), config, "");
    let report = scan_json(
        "r13.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    assert_eq!(
        ep["key_exchange"]["ecdh_public_reuse"], false,
        "{}",
        ep["key_exchange"]
    );
    let details = &ep["protocol_details"];
    // No TLS ≤ 1.2: nothing to downgrade to, no SSLv2-style hello to try,
    // no TLS ≤ 1.2 ServerHello to carry SCTs.
    assert!(details.get("downgrade_sentinel").is_none(), "{details}");
    assert!(details.get("sslv2_compatible_hello").is_none(), "{details}");
    assert!(details["scts"]["tls_extension"].is_null(), "{details}");
    assert_eq!(status(ep, "beast"), "not_vulnerable");
    assert_eq!(status(ep, "crime"), "not_vulnerable");
    assert_eq!(status(ep, "breach"), "not_vulnerable");
}

#[test]
fn rustls_tls12_signals_downgrades_and_refuses_sslv2_hellos() {
    let pki = Pki::new("Rustls12");
    let leaf = pki.leaf(&["r12.test"], Key::P256, false);
    let dir = tempfile::tempdir().unwrap();
    let root = pki.write_root(dir.path());
    let config = rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &[&rustls::version::TLS13, &rustls::version::TLS12],
    );
    let port = free_port();
    rustls_server(SocketAddr::from(([127, 0, 0, 1], port)), config, "");
    let report = scan_json(
        "r12.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    let details = &ep["protocol_details"];
    assert_eq!(details["downgrade_sentinel"], true, "{details}");
    assert_eq!(details["sslv2_compatible_hello"], false, "{details}");
    assert_eq!(ep["key_exchange"]["ecdh_public_reuse"], false);
    assert_eq!(status(ep, "lucky13"), "not_vulnerable");
}
