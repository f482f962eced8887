//! Regression tests, each pinned to the issue that reported the bug (as
//! ripgrep's `tests/regression.rs`); every other test is named by what it
//! covers. Issue texts: `issues show N`.
//!
//! * Issue 16, "Relay hardening: what an attacker found" (items 1–9).

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Runs the relay with `args` for at most `limit`; returns the exit code
/// (`None` when it had to be killed) and stderr.
fn run_for(args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (code, err)
}

/// `watch --config` with `line` added to a config whose target is a
/// loopback port nothing listens on (allowed, so the probe runs).
fn watch_with(line: &str, once: bool) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("watch.toml");
    let port = free_port();
    std::fs::write(
        &config,
        format!(
            "{line}\nallow_private = true\ndatabase = \"db.sqlite\"\n\n[[target]]\nhost = \"127.0.0.1\"\nport = {port}\n"
        ),
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let mut args = vec!["watch", "--config", &config];
    if once {
        args.push("--once");
    }
    run_for(&args, Duration::from_secs(20))
}

fn assert_one_line_exit_2(got: (Option<i32>, String), names: &[&str]) {
    let (code, err) = got;
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    for n in names {
        assert!(err.contains(n), "{n:?} missing from {err}");
    }
}

/// Issue 16, item 6: `concurrency = 9223372036854775807` panicked in a
/// semaphore.
#[test]
fn issue16_watch_huge_concurrency_is_exit_2() {
    assert_one_line_exit_2(
        watch_with("concurrency = 9223372036854775807", true),
        &["concurrency = 9223372036854775807", "between 1 and 1024"],
    );
}

/// Issue 16, item 6: `max_connections = 9223372036854775807` panicked in
/// the probe's semaphore.
#[test]
fn issue16_watch_huge_max_connections_is_exit_2() {
    assert_one_line_exit_2(
        watch_with("max_connections = 9223372036854775807", true),
        &["scan_connections = 9223372036854775807", "between 1 and 64"],
    );
}

/// Issue 16, item 6: `scan_timeout = "18446744073709551615"` overflowed an
/// `Instant` in the probe.
#[test]
fn issue16_watch_huge_scan_timeout_is_exit_2() {
    assert_one_line_exit_2(
        watch_with("scan_timeout = \"18446744073709551615\"", true),
        &["scan_timeout = \"18446744073709551615\"", "at most 1h"],
    );
}

/// Issue 16, item 6: `interval = "18446744073709551615"` overflowed an
/// `Instant` when the next round was scheduled.
#[test]
fn issue16_watch_huge_interval_is_exit_2() {
    assert_one_line_exit_2(
        watch_with("interval = \"18446744073709551615\"", false),
        &["interval = \"18446744073709551615\"", "between 10s and 30d"],
    );
}

/// Issue 16, item 6: `serve --max-http-connections 18446744073709551615`
/// panicked after "listening".
#[test]
fn issue16_serve_huge_max_http_connections_is_exit_2() {
    let listen = format!("127.0.0.1:{}", free_port());
    let got = run_for(
        &[
            "serve",
            "--listen",
            &listen,
            "--max-http-connections",
            "18446744073709551615",
        ],
        Duration::from_secs(10),
    );
    assert!(!got.1.contains("listening"), "{}", got.1);
    assert_one_line_exit_2(
        got,
        &[
            "--max-http-connections",
            "18446744073709551615",
            "between 1 and 100000",
        ],
    );
}

/// Issue 16, item 6: `serve --header-timeout 18446744073709551615` panicked
/// on every connection while the process stayed up.
#[test]
fn issue16_serve_huge_header_timeout_is_exit_2() {
    let listen = format!("127.0.0.1:{}", free_port());
    let got = run_for(
        &[
            "serve",
            "--listen",
            &listen,
            "--header-timeout",
            "18446744073709551615",
        ],
        Duration::from_secs(10),
    );
    assert_one_line_exit_2(
        got,
        &[
            "--header-timeout",
            "18446744073709551615",
            "between 1 and 300 seconds",
        ],
    );
}

/// Issue 11 (`issues show 11`): a TLS 1.3-only nginx without HTTP/2 graded
/// T, "no certificate chain could be captured": the chain's rustls handshake
/// offered ALPN `h2` alone and nginx (1.21.4+) ends such a handshake with a
/// fatal `no_application_protocol`. The handshake now offers what a browser
/// offers and retries without ALPN; the chain is captured and the grade is
/// A+.
#[test]
fn issue11_tls13_only_nginx_without_http2_grades_a_plus_with_its_chain() {
    if skip_without("nginx") {
        return;
    }
    let pki = Pki::new("Issue 11");
    let leaf = pki.leaf(&["t13.test"], Key::P256, false);
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = pki.write(dir.path(), "t13", &leaf, true);
    let root = pki.write_root(dir.path());
    let port = free_port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let body = format!(
        "server {{ listen 127.0.0.1:{port} ssl; server_name t13.test; ssl_protocols TLSv1.3; ssl_certificate {}; ssl_certificate_key {}; add_header Strict-Transport-Security \"max-age=31536000\" always; location / {{ return 200 \"ok\"; }} }}",
        cert.display(),
        key.display()
    );
    let _nginx = nginx(dir.path(), &body, &[addr]);
    let report = scan_json(
        "t13.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.3"], "{ep}");
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(ep["grade"], "A+", "{} {}", ep["caps"], ep["warnings"]);
    assert!(ep.get("not_measured").is_none(), "{ep}");
    // nginx without http2 speaks http/1.1 only.
    assert_eq!(strings(&ep["alpn"]), ["http/1.1"], "{ep}");
}
