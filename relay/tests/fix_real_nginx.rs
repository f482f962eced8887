//! `scan --fix` closes the loop on a real nginx: a server that grades B
//! (TLS 1.0 and 1.1 on, CBC suites, no HSTS) is scanned, its nginx snippet
//! from the fix plan replaces its TLS lines, nginx reloads, and the next
//! scan grades it A+ — and the same for a Mozilla profile: the
//! intermediate snippet makes it compliant. nginx comes from
//! `scripts/ensure-tools.sh zoo`; the test fails without it.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tlslens_core::fix::lines::DHPARAM_PATH;

/// The TLS lines of a server that grades B.
const B_SERVER: &str = "ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\nssl_ciphers ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:@SECLEVEL=0;\nssl_prefer_server_ciphers on;\n";

struct Site {
    dir: tempfile::TempDir,
    port: u16,
    target: String,
    resolve: String,
    root: String,
    _nginx: Proc,
}

impl Site {
    /// nginx serving `fix.test` with its TLS lines in `tls.conf`.
    fn start(tls: &str) -> Site {
        assert!(
            have("nginx"),
            "nginx is missing: bash scripts/ensure-tools.sh zoo"
        );
        let dir = tempfile::tempdir().unwrap();
        let pki = Pki::new("Fix");
        let leaf = pki.leaf_days(&["fix.test"], -1, 80);
        let (chain, key) = pki.write(dir.path(), "fix", &leaf, true);
        let root = pki.write_root(dir.path()).to_str().unwrap().to_owned();
        std::fs::write(dir.path().join("tls.conf"), tls).unwrap();
        let port = free_port();
        let body = format!(
            "server {{\n listen 127.0.0.1:{port} ssl;\n server_name fix.test;\n ssl_certificate {};\n ssl_certificate_key {};\n include {};\n location / {{ return 200 \"ok\"; }}\n}}\n",
            chain.display(),
            key.display(),
            dir.path().join("tls.conf").display()
        );
        let nginx_dir = dir.path().join("nginx");
        let nginx = nginx(
            &nginx_dir,
            &body,
            &[SocketAddr::from(([127, 0, 0, 1], port))],
        );
        Site {
            target: format!("fix.test:{port}"),
            resolve: format!("fix.test:{port}:127.0.0.1"),
            port,
            root,
            dir,
            _nginx: nginx,
        }
    }

    fn scan(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec![
            "scan",
            self.target.as_str(),
            "--json",
            "--allow-private",
            "--ca-file",
            &self.root,
            "--resolve",
            &self.resolve,
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = relay(&args);
        let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    }

    /// Replaces the TLS lines with `snippet` (the DH file it names written
    /// where the test can, as its comment says to) and reloads nginx; waits
    /// until the new configuration answers (its HSTS header is served) and
    /// the old workers are gone (until they exit they may still accept a
    /// connection, with the old configuration).
    fn apply(&self, snippet: &str) {
        let master = self._nginx.0.id();
        let old_workers = children(master);
        assert!(!old_workers.is_empty(), "nginx {master} has no worker");
        let dh = self.dir.path().join("ffdhe2048.pem");
        let st = Command::new("openssl")
            .args([
                "genpkey",
                "-genparam",
                "-algorithm",
                "DH",
                "-pkeyopt",
                "group:ffdhe2048",
                "-out",
            ])
            .arg(&dh)
            .status()
            .unwrap();
        assert!(st.success());
        let snippet = snippet.replace(DHPARAM_PATH, dh.to_str().unwrap());
        std::fs::write(self.dir.path().join("tls.conf"), &snippet).unwrap();
        let nginx_dir = self.dir.path().join("nginx");
        let out = Command::new(which("nginx").unwrap())
            .arg("-p")
            .arg(&nginx_dir)
            .arg("-c")
            .arg(nginx_dir.join("nginx.conf"))
            .args(["-s", "reload"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "reload: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.wait_for_hsts();
        let start = Instant::now();
        while old_workers.iter().any(|w| children(master).contains(w)) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the old nginx workers did not exit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_hsts(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            let out = Command::new("curl")
                .args(["-sk", "-o", "/dev/null", "-D", "-", "--resolve"])
                .arg(&self.resolve)
                .arg(format!("https://fix.test:{}/", self.port))
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout)
                .to_ascii_lowercase()
                .contains("strict-transport-security: max-age=63072000")
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "nginx did not take the new configuration: {}",
            error_log(self.dir.path())
        );
    }
}

/// The processes whose parent is `pid` (from /proc/*/stat).
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …: comm may hold spaces, so split after ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(pid) {
            if let Some(me) = head.split_whitespace().next().and_then(|p| p.parse().ok()) {
                out.push(me);
            }
        }
    }
    out
}

fn error_log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("nginx/error.log")).unwrap_or_default()
}

fn nginx_snippet(report: &Value) -> String {
    let servers = report["endpoints"][0]["fix"]["servers"].as_array().unwrap();
    let nginx = servers.iter().find(|s| s["software"] == "nginx").unwrap();
    nginx["text"].as_str().unwrap().to_owned()
}

#[test]
fn the_nginx_fix_turns_a_b_server_into_an_a_plus_one() {
    let site = Site::start(B_SERVER);
    let (code, before) = site.scan(&["--fix"]);
    assert_eq!(code, 0);
    assert_eq!(before["grade"], "B", "{before}");
    let plan = &before["endpoints"][0]["fix"];
    assert_eq!(plan["goal"], "A+");
    assert_eq!(plan["nothing_to_change"], false);
    let snippet = nginx_snippet(&before);
    assert!(
        snippet.contains("ssl_protocols TLSv1.2 TLSv1.3;"),
        "{snippet}"
    );
    site.apply(&snippet);
    // The gate agrees: A+ or better, exit 0.
    let (code, after) = site.scan(&["--fix", "--min-grade", "A+"]);
    assert_eq!(after["grade"], "A+", "{after}\n{snippet}");
    assert_eq!(code, 0);
    // Fixed once, nothing is left to change.
    assert_eq!(
        after["endpoints"][0]["fix"]["nothing_to_change"], true,
        "{after}"
    );
}

#[test]
fn the_nginx_fix_for_a_profile_makes_the_server_compliant() {
    let site = Site::start(B_SERVER);
    let (code, before) = site.scan(&["--fix", "--profile", "mozilla-intermediate"]);
    assert_eq!(code, 11);
    assert_eq!(before["compliance"]["compliant"], false);
    let snippet = nginx_snippet(&before);
    site.apply(&snippet);
    let (code, after) = site.scan(&["--profile", "mozilla-intermediate", "--min-grade", "A"]);
    assert_eq!(after["compliance"]["compliant"], true, "{after}\n{snippet}");
    assert_eq!(code, 0, "{after}");
}
