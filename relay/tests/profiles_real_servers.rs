//! `scan --profile` against real nginx servers on loopback: one built to each
//! Mozilla profile exactly (the nginx lines of Mozilla's configuration
//! generator for guidelines 5.7, written out here, not taken from the core's
//! data), and one built to deviate in one way for every deviation code.
//! Each must get exactly its deviation — no more, no less — and the exact
//! servers must be compliant with their own profile and with no other.
//!
//! nginx runs with its own `OPENSSL_CONF` that sets security level 1:
//! Debian builds OpenSSL with level 2 as the compiled-in default (an empty
//! configuration is not enough), and nginx loads a certificate before it
//! reads `ssl_ciphers`, so a 1024-bit RSA key or DH prime can be served only
//! when the level is lowered before any server block. nginx and openssl come
//! from `scripts/ensure-tools.sh zoo`; the test fails without them.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use common::openssl_pki::{KeySpec, LeafSpec, OsslPki, Signer};
use common::*;
use serde_json::Value;

/// The TLS 1.0–1.2 suites of Mozilla intermediate (5.7), OpenSSL names.
const INTERMEDIATE_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

/// The TLS 1.0–1.2 suites of Mozilla old (5.7), OpenSSL names.
const OLD_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA";

const CURVES: &str = "ssl_ecdh_curve X25519:prime256v1:secp384r1;";
const HSTS: &str = "add_header Strict-Transport-Security \"max-age=63072000\" always;";

/// Which certificate a server gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cert {
    /// P-256, by the ECDSA intermediate, 80 days.
    Ec256,
    /// RSA 2048, by the ECDSA intermediate, 80 days.
    Rsa2048,
    /// RSA 2048, by the RSA intermediate with SHA-256 (what old wants).
    Rsa2048RsaSigned,
    /// RSA 1024, by the ECDSA intermediate.
    Rsa1024,
    /// P-521, by the ECDSA intermediate.
    Ec521,
    /// RSA 2048, by the RSA intermediate with SHA-384.
    Rsa2048Sha384,
    /// RSA 2048, valid 400 days.
    Rsa2048Long,
    /// RSA 2048 naming an OCSP responder.
    Rsa2048Ocsp,
}

/// A server and the deviations it must get from `profile`.
struct Case {
    name: &'static str,
    profile: &'static str,
    cert: Cert,
    /// The TLS lines of its `server { }` block.
    tls: String,
    expect: &'static [&'static str],
}

fn modern(extra: &str) -> String {
    format!("ssl_protocols TLSv1.3;\n{CURVES}\nssl_prefer_server_ciphers off;\n{HSTS}\nssl_stapling on;\n{extra}")
}

/// Mozilla intermediate, with `dh` for `ssl_dhparam` and lines replaced:
/// each `(directive prefix, line)` replaces the line starting so (an empty
/// line removes it), the others are added.
fn intermediate(dh: &str, changes: &[(&str, &str)]) -> String {
    let base = [
        "ssl_protocols TLSv1.2 TLSv1.3;".to_owned(),
        CURVES.to_owned(),
        format!("ssl_ciphers {INTERMEDIATE_CIPHERS};"),
        "ssl_prefer_server_ciphers off;".to_owned(),
        format!("ssl_dhparam {dh};"),
        HSTS.to_owned(),
        "ssl_stapling on;".to_owned(),
    ];
    edit(&base, changes)
}

fn old(dh: &str, changes: &[(&str, &str)]) -> String {
    let base = [
        "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;".to_owned(),
        CURVES.to_owned(),
        // OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0.
        format!("ssl_ciphers {OLD_CIPHERS}:@SECLEVEL=0;"),
        "ssl_prefer_server_ciphers on;".to_owned(),
        format!("ssl_dhparam {dh};"),
        HSTS.to_owned(),
        "ssl_stapling on;".to_owned(),
    ];
    edit(&base, changes)
}

fn edit(base: &[String], changes: &[(&str, &str)]) -> String {
    let mut lines: Vec<String> = base.to_vec();
    for (prefix, line) in changes {
        match lines.iter().position(|l| l.starts_with(prefix)) {
            Some(i) if line.is_empty() => {
                lines.remove(i);
            }
            Some(i) => lines[i] = (*line).to_owned(),
            None => lines.push((*line).to_owned()),
        }
    }
    lines.join("\n")
}

fn cases(dh2048: &str, dh1024: &str) -> Vec<Case> {
    let i = |changes: &[(&str, &str)]| intermediate(dh2048, changes);
    let c = |name, profile, cert, tls, expect| Case {
        name,
        profile,
        cert,
        tls,
        expect,
    };
    let curves521 = "ssl_ecdh_curve X25519:prime256v1:secp384r1:secp521r1;";
    let suites_plus_cbc = format!("ssl_ciphers {INTERMEDIATE_CIPHERS}:ECDHE-RSA-AES128-SHA;");
    vec![
        // Built to each profile exactly.
        c("modern.prof.test", "mozilla-modern", Cert::Ec256, modern(""), &[]),
        c("intermediate.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[]), &[]),
        c("old.prof.test", "mozilla-old", Cert::Rsa2048RsaSigned, old(dh1024, &[]), &[]),
        // One deviation each.
        c(
            "tls12-on-modern.prof.test",
            "mozilla-modern",
            Cert::Ec256,
            modern(&format!("ssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers {INTERMEDIATE_CIPHERS};")),
            &["protocol_not_allowed"],
        ),
        c("no-tls13.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("ssl_protocols", "ssl_protocols TLSv1.2;")]), &["protocol_missing"]),
        c("cbc.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("ssl_ciphers", &suites_plus_cbc)]), &["cipher_suites_not_allowed"]),
        c(
            "ccm.prof.test",
            "mozilla-intermediate",
            Cert::Rsa2048,
            i(&[("ssl_conf_command", "ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256;")]),
            &["tls13_suites_not_allowed"],
        ),
        c("p521-group.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("ssl_ecdh_curve", curves521)]), &["groups_not_allowed"]),
        c("two-groups.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("ssl_ecdh_curve", "ssl_ecdh_curve X25519:prime256v1;")]), &["groups_missing"]),
        c("rsa-on-modern.prof.test", "mozilla-modern", Cert::Rsa2048, modern(""), &["certificate_type_not_allowed"]),
        c("p521-cert.prof.test", "mozilla-intermediate", Cert::Ec521, i(&[]), &["certificate_curve_not_allowed"]),
        c("rsa1024.prof.test", "mozilla-intermediate", Cert::Rsa1024, i(&[]), &["rsa_key_too_small"]),
        c("sha384.prof.test", "mozilla-intermediate", Cert::Rsa2048Sha384, i(&[]), &["certificate_signature_not_allowed"]),
        c("long.prof.test", "mozilla-intermediate", Cert::Rsa2048Long, i(&[]), &["certificate_lifespan_too_long"]),
        c("dh1024.prof.test", "mozilla-intermediate", Cert::Rsa2048, intermediate(dh1024, &[]), &["dh_param_too_small"]),
        c("server-order.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("ssl_prefer_server_ciphers", "ssl_prefer_server_ciphers on;")]), &["server_order_enforced"]),
        c("client-order.prof.test", "mozilla-old", Cert::Rsa2048RsaSigned, old(dh1024, &[("ssl_prefer_server_ciphers", "ssl_prefer_server_ciphers off;")]), &["server_order_missing"]),
        c("no-hsts.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("add_header", "")]), &["hsts_missing"]),
        c("bad-hsts.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("add_header", "add_header Strict-Transport-Security \"max-age=two-years\" always;")]), &["hsts_invalid"]),
        c("short-hsts.prof.test", "mozilla-intermediate", Cert::Rsa2048, i(&[("add_header", "add_header Strict-Transport-Security \"max-age=31536000\" always;")]), &["hsts_too_short"]),
        c("no-staple.prof.test", "mozilla-intermediate", Cert::Rsa2048Ocsp, i(&[("ssl_stapling", "")]), &["ocsp_stapling_off"]),
    ]
}

/// Issues every certificate kind (one RSA 2048 key for all the RSA 2048
/// leaves: only the certificates differ).
fn certificates(pki: &OsslPki) -> BTreeMap<Cert, (PathBuf, PathBuf)> {
    let rsa = pki.key("rsa2048", KeySpec::Rsa(2048));
    let leaf = |file: &str, spec: LeafSpec| pki.leaf_with_key(file, &spec, &rsa);
    let name = "*.prof.test";
    let mut out = BTreeMap::new();
    out.insert(
        Cert::Ec256,
        pki.leaf(
            "ec256",
            &LeafSpec::new(name, KeySpec::Ec("P-256"), Signer::Ec),
        ),
    );
    out.insert(
        Cert::Ec521,
        pki.leaf(
            "ec521",
            &LeafSpec::new(name, KeySpec::Ec("P-521"), Signer::Ec),
        ),
    );
    out.insert(
        Cert::Rsa1024,
        pki.leaf(
            "rsa1024",
            &LeafSpec::new(name, KeySpec::Rsa(1024), Signer::Ec),
        ),
    );
    out.insert(
        Cert::Rsa2048,
        leaf(
            "rsa2048-ec",
            LeafSpec::new(name, KeySpec::Rsa(2048), Signer::Ec),
        ),
    );
    out.insert(
        Cert::Rsa2048RsaSigned,
        leaf(
            "rsa2048-rsa",
            LeafSpec::new(name, KeySpec::Rsa(2048), Signer::Rsa("sha256")),
        ),
    );
    out.insert(
        Cert::Rsa2048Sha384,
        leaf(
            "rsa2048-sha384",
            LeafSpec::new(name, KeySpec::Rsa(2048), Signer::Rsa("sha384")),
        ),
    );
    let mut long = LeafSpec::new(name, KeySpec::Rsa(2048), Signer::Ec);
    long.days = 400;
    out.insert(Cert::Rsa2048Long, leaf("rsa2048-long", long));
    let mut ocsp = LeafSpec::new(name, KeySpec::Rsa(2048), Signer::Ec);
    ocsp.ocsp_url = true;
    out.insert(Cert::Rsa2048Ocsp, leaf("rsa2048-ocsp", ocsp));
    out
}

/// The deviation codes of a report (sorted, each once), its `compliant`
/// and what it left unchecked.
fn deviations(report: &Value) -> (Vec<String>, bool, Vec<String>) {
    let c = &report["compliance"];
    let mut codes: Vec<String> = c["deviations"]
        .as_array()
        .unwrap_or_else(|| panic!("no compliance: {report}"))
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let unchecked = c["unchecked"]
        .as_array()
        .map(|u| u.iter().map(|x| x["reason"].to_string()).collect())
        .unwrap_or_default();
    (codes, c["compliant"].as_bool().unwrap(), unchecked)
}

#[test]
fn profile_checks_agree_with_servers_built_to_each_profile_and_each_deviation() {
    assert!(
        have("nginx"),
        "nginx is missing: bash scripts/ensure-tools.sh zoo"
    );
    let dir = tempfile::tempdir().unwrap();
    let pki = OsslPki::new(dir.path());
    let certs = certificates(&pki);
    let dh2048 = pki.dhparam(2048);
    let dh1024 = pki.dhparam(1024);
    let cases = cases(dh2048.to_str().unwrap(), dh1024.to_str().unwrap());
    let mut body = String::new();
    let mut ports = Vec::new();
    let mut resolve = Vec::new();
    let mut targets = BTreeMap::new();
    for case in &cases {
        let port = free_port();
        let (chain, key) = &certs[&case.cert];
        body.push_str(&format!(
            "server {{\n listen 127.0.0.1:{port} ssl;\n server_name {};\n ssl_certificate {};\n ssl_certificate_key {};\n{}\n location / {{ return 200 \"ok\"; }}\n}}\n",
            case.name,
            chain.display(),
            key.display(),
            case.tls
        ));
        ports.push(SocketAddr::from(([127, 0, 0, 1], port)));
        resolve.push(format!("{}:{port}:127.0.0.1", case.name));
        targets.insert(case.name, format!("{}:{port}", case.name));
    }
    let seclevel_conf = dir.path().join("openssl-seclevel1.cnf");
    std::fs::write(
        &seclevel_conf,
        "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = tls\n[tls]\nCipherString = DEFAULT:@SECLEVEL=1\n",
    )
    .unwrap();
    let nginx_dir = dir.path().join("nginx");
    let _nginx = nginx_env(
        &nginx_dir,
        &body,
        &ports,
        &[("OPENSSL_CONF", &seclevel_conf)],
    );

    let root = pki.root.to_str().unwrap().to_owned();
    let exact: Vec<&Case> = cases.iter().filter(|c| c.expect.is_empty()).collect();
    let mut failures = Vec::new();
    for profile in ["mozilla-modern", "mozilla-intermediate", "mozilla-old"] {
        // This profile's cases, and the other profiles' exact servers.
        let run: Vec<&Case> = cases
            .iter()
            .filter(|c| c.profile == profile || c.expect.is_empty())
            .collect();
        let mut args = vec![
            "scan",
            "--json",
            "--profile",
            profile,
            "--allow-private",
            "--ca-file",
            &root,
        ];
        for r in &resolve {
            args.extend(["--resolve", r.as_str()]);
        }
        args.extend(run.iter().map(|c| targets[c.name].as_str()));
        let (code, out, err) = relay(&args);
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), run.len(), "{profile}: {err}");
        let mut any_off = false;
        for (case, report) in run.iter().zip(&lines) {
            assert_eq!(report["target"]["host"], case.name, "{profile}: order");
            let (codes, compliant, unchecked) = deviations(report);
            assert!(
                unchecked.is_empty(),
                "{}: unchecked {unchecked:?}: {}",
                case.name,
                report["endpoints"][0]
            );
            any_off |= !compliant;
            if case.profile == profile {
                let want: Vec<String> = case.expect.iter().map(|s| (*s).to_owned()).collect();
                if codes != want || compliant != want.is_empty() {
                    failures.push(format!(
                        "{} vs {profile}: got {codes:?}, want {want:?}",
                        case.name
                    ));
                }
            } else if compliant {
                // An exact server of another profile is off this one.
                failures.push(format!("{} is compliant with {profile} too", case.name));
            }
        }
        assert_eq!(code, if any_off { 11 } else { 0 }, "{profile}: {err}");
    }
    assert!(exact.len() == 3);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
