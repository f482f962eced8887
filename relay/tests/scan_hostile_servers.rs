//! Hostile servers end as per-probe errors, never a hang, a panic
//! or a wrong "not supported".

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// Scans a hostile server that never completes a TLS handshake: nothing is
/// reachable over TLS, so the scan ends quickly with exit status 5 and one line
/// on stderr that says why (the per-probe error).
fn scan_hostile(port: u16) -> (String, Duration) {
    let start = Instant::now();
    let target = format!("127.0.0.1:{port}");
    let (code, out, err) = relay(&[
        "scan",
        &target,
        "--json",
        "--allow-private",
        "--timeout",
        "4",
    ]);
    let took = start.elapsed();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, 5, "expected 'nothing reachable': {err}\n{out}");
    // No report: with --json, only the error object (as the HTTP API's).
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(
        v.get("endpoints").is_none(),
        "no report for an unreachable target: {out}"
    );
    let code = v["error"]["code"].as_str().unwrap_or_default();
    assert!(["unreachable", "timeout"].contains(&code), "{out}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    (err, took)
}

fn assert_errors(err: &str, words: &[&str]) {
    assert!(
        err.starts_with("tlslens-relay: nothing reachable at 127.0.0.1:"),
        "{err}"
    );
    assert!(
        words.iter().any(|w| err.contains(w)),
        "expected one of {words:?}: {err}"
    );
}

#[test]
fn hostile_stall() {
    let port = hostile(|mut s| {
        read_hello(&mut s);
        std::thread::sleep(Duration::from_secs(30));
        drop(s);
    });
    let (err, took) = scan_hostile(port);
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_errors(&err, &["timeout", "deadline"]);
}

#[test]
fn hostile_reset() {
    // Closing with the hello unread in the receive buffer makes the kernel
    // answer with a RST.
    let port = hostile(|s| {
        std::thread::sleep(Duration::from_millis(30));
        drop(s);
    });
    let (err, took) = scan_hostile(port);
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_errors(&err, &["reset", "closed"]);
}

#[test]
fn hostile_garbage() {
    let port = hostile(|mut s| {
        read_hello(&mut s);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let (err, _) = scan_hostile(port);
    assert_errors(&err, &["not TLS"]);
}

#[test]
fn hostile_oversize_record() {
    let port = hostile(|mut s| {
        read_hello(&mut s);
        // A handshake record declaring 65535 bytes, then the bytes.
        let mut rec = vec![22, 3, 3, 0xFF, 0xFF];
        rec.extend(vec![0u8; 65535]);
        let _ = s.write_all(&rec);
    });
    let (err, _) = scan_hostile(port);
    assert_errors(&err, &["exceeds the maximum"]);
}

#[test]
fn hostile_endless_certificate() {
    let port = hostile(|mut s| {
        read_hello(&mut s);
        // A valid ServerHello for TLS 1.2 / suite 0xC02F, then a Certificate
        // message declaring 16 MiB that never ends.
        let mut sh = vec![3, 3];
        sh.extend([7u8; 32]);
        sh.push(0);
        sh.extend([0xC0, 0x2F, 0]);
        let mut msg = vec![2, 0, 0, sh.len() as u8];
        msg.extend(sh);
        msg.extend([11, 0xFF, 0xFF, 0xFF]);
        let mut out = vec![22, 3, 3];
        out.extend((msg.len() as u16).to_be_bytes());
        out.extend(msg);
        if s.write_all(&out).is_err() {
            return;
        }
        let chunk = [22u8, 3, 3, 0x40, 0x00];
        let body = vec![0x30u8; 0x4000];
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if s.write_all(&chunk).is_err() || s.write_all(&body).is_err() {
                return;
            }
        }
    });
    let start = Instant::now();
    let target = format!("127.0.0.1:{port}");
    let (code, out, err) = relay(&[
        "scan",
        &target,
        "--json",
        "--allow-private",
        "--timeout",
        "4",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(start.elapsed() < Duration::from_secs(8));
    let report: Value = serde_json::from_str(&out).unwrap();
    let ep = &report["endpoints"][0];
    let errs = ep["probe_errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errs.iter().any(|e| e["code"] == "too_large"),
        "expected a too_large error: {errs:?}"
    );
    // The hello itself was answered: TLS 1.2 is seen, but no chain is made up.
    assert!(ep["chain"].is_null(), "{ep}");
}
