//! The `serve` command line — complete `--help`, one-line errors for
//! bad flags, `TLSLENS_*` environment variables, and graceful shutdown on
//! SIGTERM and SIGINT.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http::get;
use common::*;

#[test]
fn serve_help_lists_every_flag_and_env_var() {
    let (code, out, _) = relay(&["serve", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--listen",
        "--allow-private",
        "--allow-cidr",
        "--token",
        "--resolve",
        "--ca-file",
        "--cors-origin",
        "--allow-ports",
        "--max-scans",
        "--queue",
        "--rate-per-minute",
        "--cache-ttl",
        "--cache-entries",
        "--scan-timeout",
        "--max-http-connections",
        "--header-timeout",
        "--client-ip-header",
        "TLSLENS_TOKEN",
        "TLSLENS_LISTEN",
        "TLSLENS_MAX_SCANS",
        "TLSLENS_CACHE_TTL",
        "127.0.0.1:8787",
    ] {
        assert!(out.contains(flag), "{flag} missing from\n{out}");
    }
}

#[test]
fn serve_bad_flags_exit_2_with_one_line() {
    for args in [
        vec!["serve", "--listen", "nonsense"],
        vec!["serve", "--allow-cidr", "10.0.0.0/33"],
        vec!["serve", "--max-scans", "0"],
        vec!["serve", "--scan-timeout", "0"],
        vec!["serve", "--resolve", "bad"],
        vec!["serve", "--allow-ports", "0-5"],
        vec!["serve", "--cors-origin", "evil"],
        vec!["serve", "--queue", "x"],
    ] {
        let (code, out, err) = relay(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
}

fn spawn_serve(port: u16, env: &[(&str, &str)], args: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tlslens-relay"));
    cmd.arg("serve")
        .args(args)
        .env("TLSLENS_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap();
    wait_listening(SocketAddr::from(([127, 0, 0, 1], port)));
    child
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

fn wait_exit(child: &mut Child, limit: Duration) -> Option<i32> {
    exit_within(child, limit).and_then(|s| s.code())
}

#[test]
fn serve_env_vars_and_sigterm() {
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut child = spawn_serve(
        port,
        &[
            ("TLSLENS_TOKEN", "from-env"),
            ("TLSLENS_ALLOW_PORTS", "443"),
            ("TLSLENS_RATE_PER_MINUTE", "7"),
        ],
        &[],
    );
    assert_eq!(get(addr, "/healthz").status, 200);
    let index = get(addr, "/");
    assert!(index.body.contains("requires a token"), "{}", index.body);
    assert_eq!(get(addr, "/v1/scan?host=example.com").status, 401);
    let a = common::http::get_with(
        addr,
        "/v1/scan?host=example.com&port=8443",
        &[("Authorization", "Bearer from-env")],
    );
    assert_eq!(a.status, 403, "{}", a.body);
    assert_eq!(a.error_code(), "port_not_allowed");
    signal(&child, "TERM");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("listening on http://127.0.0.1:"), "{err}");
    assert!(err.contains("shutdown signal"), "{err}");
}

#[test]
fn serve_sigint_finishes_open_requests() {
    // A loopback server that accepts and answers nothing: the scan waits
    // for its time limit, so a request is open when SIGINT arrives.
    let silent = hostile(|s| {
        std::thread::sleep(Duration::from_secs(3));
        drop(s);
    });
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut child = spawn_serve(port, &[], &["--allow-private", "--scan-timeout", "2"]);
    let pending = std::thread::spawn(move || {
        get(
            addr,
            &format!("/v1/scan/stream?host=127.0.0.1&port={silent}"),
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    // New connections are refused soon after.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2)
        && std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok()
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let answer = pending.join().unwrap();
    assert_eq!(answer.status, 200);
    let events = common::http::sse_events(&answer.body);
    let (last, _) = events.last().expect("the open stream was finished");
    assert!(last == "report" || last == "error", "{events:?}");
    assert_eq!(wait_exit(&mut child, Duration::from_secs(15)), Some(0));
}
