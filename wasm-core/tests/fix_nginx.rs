//! The nginx snippets of fix plans on a real nginx: each one, pasted into a
//! `server { }` block with a certificate, passes `nginx -t` (nginx comes from
//! `scripts/ensure-tools.sh zoo`; the test fails, not skips, without it). Only
//! the DH parameter path is changed, to a file the test writes, as a user
//! would create it with the command the snippet names.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::servers::*;
use common::*;
use tlslens_core::fix::{self, lines, FixGoal, ServerSoftware};
use tlslens_core::profiles::ProfileId;

const NGINX: &str = "/usr/sbin/nginx";

fn nginx_binary() -> PathBuf {
    let path = Path::new(NGINX);
    assert!(
        path.exists(),
        "{NGINX} is missing: run `bash scripts/ensure-tools.sh zoo` (npm test does)"
    );
    path.to_path_buf()
}

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("tlslens-fix-nginx-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Dir(dir)
}

/// Writes a certificate, its key and ffdhe2048 parameters into `dir`.
fn material(dir: &Path) {
    let ck = rcgen::generate_simple_self_signed(vec!["example.test".to_owned()]).unwrap();
    std::fs::write(dir.join("cert.pem"), ck.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    // RFC 7919 ffdhe2048, as `openssl genpkey -genparam ... group:ffdhe2048` writes it.
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "group:ffdhe2048",
            "-out",
        ])
        .arg(dir.join("ffdhe2048.pem"))
        .status()
        .unwrap();
    assert!(status.success());
}

/// `nginx -t` on a configuration whose one server block holds `snippet`.
fn nginx_test(dir: &Path, snippet: &str) -> (bool, String) {
    let snippet = snippet.replace(
        lines::DHPARAM_PATH,
        &dir.join("ffdhe2048.pem").display().to_string(),
    );
    let conf = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  server {{\n    listen 127.0.0.1:18443 ssl;\n    server_name example.test;\n    ssl_certificate {d}/cert.pem;\n    ssl_certificate_key {d}/key.pem;\n{snippet}\n  }}\n}}\n",
        d = dir.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let out = Command::new(nginx_binary())
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The modern server with a certificate that names an OCSP responder (so the
/// plans turn stapling on).
fn ocsp_server() -> tlslens_core::facts::ScanFacts {
    let mut spec = Spec::leaf(&["example.test"]);
    spec.ocsp_url = Some("http://ocsp.example.test".into());
    let pki = Pki::new(spec, KeyKind::P256);
    let mut f = modern_server();
    f.extra_anchors = pki.anchors();
    f.endpoints[0].chain.as_mut().unwrap().certificates = pki.chain();
    f
}

#[test]
fn nginx_accepts_every_plans_snippet() {
    let dir = temp_dir("all");
    material(&dir.0);
    let servers = [
        ("OCSP responder, no staple", ocsp_server()),
        ("legacy B", legacy_b_server()),
        ("modern", modern_server()),
        ("intermediate", intermediate_server()),
        ("old", old_server()),
    ];
    let goals = [
        FixGoal::APlus,
        FixGoal::Profile(ProfileId::MozillaModern),
        FixGoal::Profile(ProfileId::MozillaIntermediate),
        FixGoal::Profile(ProfileId::MozillaOld),
    ];
    for (name, facts) in &servers {
        let report = tlslens_core::grade(facts, NOW);
        for goal in goals {
            let plan = fix::plan(&facts.target, &report.endpoints[0], goal);
            let text = &plan.server(ServerSoftware::Nginx).unwrap().text;
            if *name == "OCSP responder, no staple" {
                assert!(text.contains("ssl_stapling on;  # added"), "{text}");
            }
            let (ok, stderr) = nginx_test(&dir.0, text);
            assert!(ok, "{name} → {goal}: nginx -t failed:\n{stderr}\n{text}");
            assert!(stderr.contains("syntax is ok"), "{stderr}");
        }
    }
}

#[test]
fn the_b_servers_a_plus_snippet_is_the_complete_tls_set() {
    let facts = legacy_b_server();
    let report = tlslens_core::grade(&facts, NOW);
    let plan = fix::plan(&facts.target, &report.endpoints[0], FixGoal::APlus);
    let text = &plan.server(ServerSoftware::Nginx).unwrap().text;
    for directive in [
        "ssl_protocols ",
        "ssl_ciphers ",
        "ssl_ecdh_curve ",
        "ssl_prefer_server_ciphers ",
        "ssl_dhparam ",
        "add_header Strict-Transport-Security ",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(directive)),
            "no {directive}line:\n{text}"
        );
    }
    // A broken line is caught: the test itself can fail.
    let dir = temp_dir("broken");
    material(&dir.0);
    let (ok, _) = nginx_test(&dir.0, "ssl_protocols TLSv9;");
    assert!(!ok, "nginx -t accepted a bad protocol name");
}
