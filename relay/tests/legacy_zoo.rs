//! The legacy configurations Debian's OpenSSL cannot serve — RC4, 3DES,
//! DES, export, NULL, anonymous suites, SSLv3 (alone and beside TLS 1.2),
//! SSLv2 — and weak or odd DH parameters, each on a scripted server
//! (`common::legacy`), scanned end to end, with the letter the SSL Labs
//! rating guide gives it. The chain is trusted (`--ca-file`), so the letter
//! is the configuration's, not a trust verdict.
//!
//! Sources of the expected letters: the SSL Labs rating guide (2009r) and
//! its change announcements — "Stricter Security Requirements for 2014"
//! (keys and DH under 2048 bits → B, under 1024 → F), "SSL Labs 1.17"
//! (21 May 2015: RC4 with TLS 1.1+ → C, RC4 only with older protocols → B,
//! no TLS 1.2 → C), "Grading changes January 2017" (64-bit block ciphers
//! with TLS 1.1+ → C; kept last in a server-ordered list: no penalty).

#![allow(clippy::unwrap_used)]

mod common;

use common::legacy::{hex, Legacy, NON_SAFE_2048, OPENSSL_512, RFC2409_GROUP2};
use common::*;
use serde_json::Value;
use tlslens_relay::codec::ProtocolVersion as V;

/// Scans `server` (as `old.test`, its chain trusted) and returns the endpoint.
fn scan(server: Legacy) -> Value {
    scan_with(server, &[])
}

/// [`scan`] with more `scan` flags.
fn scan_with(mut server: Legacy, flags: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Legacy");
    let leaf = pki.leaf(&["old.test"], Key::P256, false);
    server.chain = vec![leaf.der, pki.inter.der.clone()];
    let root = pki.write_root(dir.path());
    let port = hostile(move |s| server.answer(s));
    let report = scan_json(
        "old.test",
        port,
        "127.0.0.1",
        &[&["--ca-file", root.to_str().unwrap()], flags].concat(),
    );
    report["endpoints"][0].clone()
}

fn caps(ep: &Value) -> Vec<String> {
    ep["caps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The status and evidence of a weakness.
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

fn assert_grade(ep: &Value, letter: &str, codes: &[&str]) {
    assert_eq!(ep["grade"], letter, "caps {:?}: {ep}", caps(ep));
    let caps = caps(ep);
    for c in codes {
        assert!(caps.iter().any(|x| x == c), "{c} missing from {caps:?}");
    }
}

fn legacy(versions: &[V], suites: &[u16]) -> Legacy {
    Legacy::new(versions, suites, Vec::new())
}

#[test]
fn rc4_beside_modern_suites_grades_b() {
    // ECDHE-ECDSA-AES128-GCM-SHA256 first, ECDHE-ECDSA-RC4-SHA last.
    let ep = scan(legacy(&[V::TLS12], &[0xC02B, 0xC007]));
    // SSL Labs 1.17: RC4 used only by older clients (browsers negotiate
    // AES-GCM here) → B.
    assert_grade(&ep, "B", &["rc4_offered"]);
    assert!(!caps(&ep).contains(&"rc4_modern".to_owned()));
    assert_eq!(weakness(&ep, "rc4").0, "vulnerable");
    assert_eq!(
        ep["browser"]["cipher_suite"],
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    );
}

#[test]
fn rc4_only_with_tls12_grades_c() {
    // SSL Labs 1.17: RC4 with TLS 1.1 or newer → C. SSL Labs' letter comes
    // from the suites alone; without the client simulation the policy sees
    // the same (the browser rules judge the reference browser's offer).
    let ep = scan_with(legacy(&[V::TLS12], &[0xC007]), &["--no-clients"]);
    assert_grade(&ep, "C", &["rc4_modern", "rc4_offered", "no_aead"]);
    let (status, why) = weakness(&ep, "rc4");
    assert_eq!(status, "vulnerable");
    assert!(why.contains("TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"), "{why}");
}

#[test]
fn rc4_only_is_f_when_no_current_browser_connects() {
    // With the client simulation the policy knows more than the suites: no
    // current browser offers RC4, so for visitors the site is down — F
    // (no_browser_can_connect, policy tlslens-2026.2), below SSL Labs' C.
    let ep = scan(legacy(&[V::TLS12], &[0xC007]));
    assert_grade(&ep, "F", &["no_browser_can_connect", "rc4_offered"]);
    let chrome = ep["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "chrome-137-win11")
        .unwrap();
    assert_eq!(chrome["failure"]["code"], "cipher_mismatch", "{chrome}");
}

#[test]
fn triple_des_only_with_tls12_grades_c() {
    let ep = scan(legacy(&[V::TLS12], &[0xC008]));
    // SSL Labs, January 2017: a 64-bit block cipher with TLS 1.1+ → C.
    assert_grade(&ep, "C", &["block64_modern"]);
    assert_eq!(weakness(&ep, "sweet32").0, "vulnerable");
    assert_eq!(weakness(&ep, "lucky13").0, "vulnerable");
}

#[test]
fn triple_des_kept_last_for_old_clients_grades_b() {
    let ep = scan(legacy(&[V::TLS10, V::TLS11, V::TLS12], &[0xC02B, 0xC008]));
    // SSL Labs, January 2017: 3DES last in a server-ordered list is not
    // penalised; TLS 1.0 and 1.1 offered → B (guide 2009r, 2020 change).
    assert_grade(&ep, "B", &["tls10_offered", "tls11_offered"]);
    assert!(!caps(&ep).contains(&"block64_modern".to_owned()));
    assert_eq!(weakness(&ep, "sweet32").0, "vulnerable");
    // CBC under TLS 1.0.
    let (status, why) = weakness(&ep, "beast");
    assert_eq!(status, "vulnerable");
    assert!(
        why.contains("TLSv1.0 TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"),
        "{why}"
    );
}

#[test]
fn export_suites_grade_f() {
    // AES128-SHA, EXP-RC4-MD5, EXP-EDH-RSA-DES-CBC-SHA with a 512-bit prime.
    let ep = scan(legacy(&[V::TLS10], &[0x002F, 0x0003, 0x0014]));
    // Guide 2009r: export suites → F; DH under 1024 bits → F.
    assert_grade(
        &ep,
        "F",
        &["export_suites", "weak_cipher", "key_under_1024"],
    );
    assert_eq!(weakness(&ep, "freak").0, "vulnerable");
    let (status, why) = weakness(&ep, "logjam");
    assert_eq!(status, "vulnerable");
    assert!(why.contains("export-grade DHE"), "{why}");
    let group = &ep["key_exchange"]["dh_groups"][0];
    assert_eq!(group["bits"], 512, "{group}");
    assert_eq!(group["known"], "OpenSSL built-in 512-bit (apps/dh512.pem)");
    assert_eq!(hex(OPENSSL_512).len(), 64);
}

#[test]
fn des_grades_f() {
    let ep = scan(legacy(&[V::TLS12], &[0xC02B, 0x0009]));
    // Guide 2009r: ciphers under 112 bits → F.
    assert_grade(&ep, "F", &["weak_cipher"]);
    assert!(ep["weak_cipher_suites"]
        .to_string()
        .contains("TLS_RSA_WITH_DES_CBC_SHA"));
}

#[test]
fn null_cipher_grades_f() {
    let ep = scan(legacy(&[V::TLS12], &[0xC02B, 0x0002]));
    // Guide 2009r: no encryption (0 bits) is under 112 bits → F.
    assert_grade(&ep, "F", &["weak_cipher"]);
    assert!(ep["weak_cipher_suites"]
        .to_string()
        .contains("no encryption"));
}

#[test]
fn anonymous_suites_grade_f() {
    // ECDHE-ECDSA-AES128-GCM-SHA256, then ADH-AES128-SHA (no certificate).
    let ep = scan(legacy(&[V::TLS12], &[0xC02B, 0x0034]));
    // Guide 2009r: anonymous key exchange scores 0 → F.
    assert_grade(&ep, "F", &["zero_score"]);
    assert_eq!(ep["score"]["key_exchange"], 0);
    // The chain still comes from the authenticated suite.
    assert_eq!(ep["chain"]["trusted"], true, "{ep}");
}

#[test]
fn sslv3_only_grades_f() {
    let ep = scan(legacy(&[V::SSLV3], &[0x002F, 0x0005]));
    // Guide 2009r: SSLv3 as the best protocol → F; POODLE (SSLv3 CBC).
    assert_grade(&ep, "F", &["sslv3_best", "poodle"]);
    assert_eq!(weakness(&ep, "poodle").0, "vulnerable");
}

#[test]
fn sslv3_beside_tls12_grades_c() {
    let mut server = legacy(&[V::SSLV3, V::TLS12], &[0xC02B, 0x002F]);
    server.compression = true;
    let ep = scan(server);
    // Guide 2009r: POODLE (SSLv3 with CBC) → C, SSLv3 offered → B;
    // TLS compression (CRIME) → B in tlslens-2026.1.
    assert_grade(&ep, "C", &["poodle", "sslv3_offered", "crime"]);
    assert_eq!(weakness(&ep, "poodle").0, "vulnerable");
    assert_eq!(weakness(&ep, "crime").0, "vulnerable");
    assert_eq!(
        strings(&ep["protocols"]),
        ["SSLv3", "TLSv1.2"],
        "{}",
        ep["protocols"]
    );
}

#[test]
fn sslv2_grades_f() {
    let mut server = legacy(&[V::TLS12], &[0xC02B]);
    server.sslv2 = vec![0x01_0080, 0x02_0080];
    let ep = scan(server);
    // Guide 2009r: SSLv2 → F.
    assert_grade(&ep, "F", &["sslv2"]);
    // SSL_CK_RC4_128_EXPORT40_WITH_MD5 counts as RC4.
    let (status, why) = weakness(&ep, "rc4");
    assert_eq!(status, "vulnerable");
    assert!(why.contains("SSLv2 SSL_CK_RC4_128_WITH_MD5"), "{why}");
    // It refuses SSLv2-format hellos for TLS.
    assert_eq!(ep["protocol_details"]["sslv2_compatible_hello"], false);
}

#[test]
fn common_1024_bit_dh_grades_b_and_is_logjam() {
    // DHE-RSA-AES128-GCM-SHA256 with RFC 2409 group 2, then ECDHE.
    let mut server = legacy(&[V::TLS12], &[0x009E, 0xC02B]);
    server.dh_prime = hex(RFC2409_GROUP2);
    let ep = scan(server);
    // 2014 change: DH parameters under 2048 bits → B.
    assert_grade(&ep, "B", &["weak_key"]);
    let (status, why) = weakness(&ep, "logjam");
    assert_eq!(status, "vulnerable");
    assert!(why.contains("RFC 2409 Oakley group 2"), "{why}");
    let kx = &ep["key_exchange"];
    assert_eq!(kx["dh_groups"][0]["safe_prime"], true);
    assert!(kx["dh_groups"][0]["problems"]
        .to_string()
        .contains("widely shared 1024-bit prime"));
    // The scripted server sends the same Ys and point every time.
    assert_eq!(kx["dh_public_reuse"], true, "{kx}");
    assert_eq!(kx["ecdh_public_reuse"], true, "{kx}");
}

#[test]
fn composite_dh_modulus_grades_f() {
    let mut server = legacy(&[V::TLS12], &[0xC02B, 0x009E]);
    // 2^2048 − 1 (divisible by 3).
    server.dh_prime = vec![0xFF; 256];
    let ep = scan(server);
    // A TLS Lens rule (SSL Labs does not test primality): → F.
    assert_grade(&ep, "F", &["dh_composite"]);
    assert_eq!(ep["key_exchange"]["dh_groups"][0]["prime"], "composite");
}

#[test]
fn non_safe_dh_prime_is_reported_but_not_capped() {
    let mut server = legacy(&[V::TLS12], &[0xC02B, 0x009E]);
    server.dh_prime = hex(NON_SAFE_2048);
    let ep = scan(server);
    let group = &ep["key_exchange"]["dh_groups"][0];
    assert_eq!(group["prime"], "prime", "{group}");
    assert_eq!(group["safe_prime"], false, "{group}");
    assert!(group.get("known").is_none(), "{group}");
    assert_eq!(group["small_factors"][0], 3, "{group}");
    // Informational: A- (no TLS 1.3), no cap from the prime.
    assert_eq!(ep["grade"], "A-", "{:?}", caps(&ep));
    assert_eq!(weakness(&ep, "logjam").0, "not_vulnerable");
}
