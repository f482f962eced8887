//! The `tlslens-relay logs` command line: exit statuses, one-line errors
//! for unreadable inputs while the others are still read, `--since`, the
//! human table, bad flags, a `--scan-report` that is not a regular file.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::{relay, relay_within};
use serde_json::Value;

const LOG: &str = "\
2026/11/30 09:10:00 [info] 1#1: *1 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 192.0.2.1, server: www.example.com:443
2026/11/30 10:20:00 [info] 1#1: *2 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 192.0.2.1, server: www.example.com:443
2026/11/30 10:30:00 [info] 1#1: *3 SSL_do_handshake() failed (SSL: error:0A0000C1:SSL routines::no shared cipher) while SSL handshaking, client: 192.0.2.2, server: www.example.com:443
2026/11/30 11:40:00 [info] 1#1: *4 SSL_do_handshake() failed (SSL: error:0A000418:SSL routines::tlsv1 alert unknown ca:SSL alert number 48) while SSL handshaking, client: 198.51.100.9, server: www.example.com:443
2026/11/30 11:50:00 [info] 1#1: *5 handshake rejected while SSL handshaking, client: 192.0.2.3, server: 0.0.0.0:443
2026/11/30 11:55:00 [notice] 1#1: signal process started
this line is not from any server
";

fn write_log(dir: &std::path::Path) -> String {
    let p = dir.join("error.log");
    std::fs::write(&p, LOG).unwrap();
    p.display().to_string()
}

fn causes(report: &Value) -> Vec<u64> {
    report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect()
}

#[test]
fn unreadable_inputs_are_one_line_errors_and_the_others_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let missing = dir.path().join("missing.log").display().to_string();
    let subdir = dir.path().display().to_string();
    let (code, out, err) = relay(&[
        "logs",
        "--json",
        "--timezone",
        "UTC",
        &missing,
        &log,
        &subdir,
    ]);
    assert_eq!(code, 6, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with(&format!("tlslens-relay: cannot read {missing}: ")));
    assert!(
        lines[1].contains(&subdir) && lines[1].contains("directory"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(causes(&report), [2, 1, 1, 1, 0]);
    assert!(report["inputs"][0]["error"].is_string());
    assert!(report["inputs"][1]["error"].is_null());
    assert_eq!(report["lines"]["unrecognised"], 1);
    assert_eq!(report["unrecognised_examples"][0]["line"], 7);
}

#[test]
fn no_readable_input_is_exit_2_without_a_report() {
    let (code, out, err) = relay(&["logs", "/nonexistent/a.log", "/nonexistent/b.log"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 3, "{err}");
}

#[test]
fn since_keeps_only_later_failures() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let (code, out, _) = relay(&[
        "logs",
        "--json",
        "--timezone",
        "UTC",
        "--since",
        "2026-11-30T10:25:00Z",
        &log,
    ]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(causes(&report), [0, 1, 1, 1, 0]);
    assert_eq!(report["skipped_before_since"], 2);
    // The log's times read one hour east: 10:30 local is 09:30Z.
    let (_, out, _) = relay(&[
        "logs",
        "--json",
        "--timezone",
        "+01:00",
        "--since",
        "2026-11-30T10:25:00Z",
        &log,
    ]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(causes(&report), [0, 0, 1, 1, 0]);
    // Relative (from the real clock): a log from 2020 is all older than 7d.
    let old = dir.path().join("old.log");
    std::fs::write(&old, LOG.replace("2026/11/30", "2020/01/15")).unwrap();
    let old = old.display().to_string();
    let (_, out, _) = relay(&["logs", "--json", "--since", "7d", &old]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["failures"], 0);
    assert_eq!(report["skipped_before_since"], 5);
}

#[test]
fn human_table_names_causes_fixes_and_scan_commands() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let (code, out, _) = relay(&["logs", "--timezone", "UTC", &log]);
    assert_eq!(code, 0);
    for want in [
        "protocol_mismatch",
        "Fix:",
        "Confirm:  tlslens-relay scan www.example.com:443",
        "Confirm:  tlslens-relay scan HOST:443",
        "192.0.2.1",
        "error:0A000102:SSL routines::unsupported protocol",
        "2026-11-30 10:00",
        "this line is not from any server",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // Not a terminal: no bars.
    assert!(!out.contains('█'));
}

#[test]
fn bad_flags_are_exit_2_with_one_line() {
    for args in [
        vec!["logs", "--since", "yesterday", "x.log"],
        vec!["logs", "--timezone", "Mars/Olympus", "x.log"],
        vec!["logs", "-", "-"],
        vec!["logs"],
    ] {
        let (code, _, err) = relay(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

/// A saved `scan --json` report of a TLS 1.2-only server whose one suite
/// is ECDHE-ECDSA with ChaCha20 (an extreme hardening).
fn chacha_only_report(dir: &std::path::Path) -> String {
    let p = dir.join("scan.json");
    let report = serde_json::json!({
        "schema": "tlslens.report/1",
        "target": {"host": "www.example.com", "port": 443},
        "endpoints": [{
            "ip": "127.0.0.1",
            "protocols": ["TLSv1.2"],
            "cipher_suites": {"TLSv1.2": ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]}
        }]
    });
    std::fs::write(&p, report.to_string()).unwrap();
    p.display().to_string()
}

fn matching(report: &Value, cause: &str) -> Vec<String> {
    let c = report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cause"] == cause)
        .unwrap_or_else(|| panic!("no {cause} in {report}"));
    c["matching_clients"]
        .as_array()
        .unwrap_or_else(|| panic!("matching_clients of {cause} is {}", c["matching_clients"]))
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_scan_report_names_the_simulated_clients_that_fail_that_way() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let scan = chacha_only_report(dir.path());
    let (code, out, err) = relay(&[
        "logs",
        "--json",
        "--timezone",
        "UTC",
        "--scan-report",
        &scan,
        &log,
    ]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let protocol = matching(&report, "protocol_mismatch");
    for old in ["Java 7u25", "Android 4.3", "IE 8 / XP"] {
        assert!(
            protocol.contains(&old.to_owned()),
            "{old} not in {protocol:?}"
        );
    }
    assert!(
        !protocol.iter().any(|n| n.starts_with("Java 8")),
        "{protocol:?}"
    );
    let cipher = matching(&report, "cipher_mismatch");
    for hardened_out in ["Java 8u161", "IE 11 / Win 10"] {
        assert!(
            cipher.contains(&hardened_out.to_owned()),
            "{hardened_out} not in {cipher:?}"
        );
    }
    assert!(
        !cipher.iter().any(|n| protocol.contains(n)),
        "a client in both lists"
    );
    // The causes a ClientHello cannot show match nobody.
    assert_eq!(matching(&report, "certificate"), Vec::<String>::new());

    let (code, human, err) = relay(&["logs", "--timezone", "UTC", "--scan-report", &scan, &log]);
    assert_eq!(code, 0, "{err}");
    assert!(
        human.contains("Looks like: ") && human.contains("Java 7u25"),
        "{human}"
    );
}

#[test]
fn without_a_scan_report_no_clients_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let (code, out, err) = relay(&["logs", "--json", "--timezone", "UTC", &log]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["matching_clients"].is_null()));
}

#[test]
fn an_unusable_scan_report_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "<html>").unwrap();
    let bad = bad.display().to_string();
    let (code, out, err) = relay(&["logs", "--scan-report", &bad, &log]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&format!("--scan-report {bad}: ")), "{err}");
}

#[test]
fn a_fifo_as_scan_report_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let fifo = dir.path().join("scan.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let fifo = fifo.display().to_string();
    // No writer ever opens the FIFO: opening it for reading would block.
    let (code, out, err) = relay_within(
        &["logs", "--scan-report", &fifo, &log],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(2), "killed (None) means it hung: {err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "--scan-report {fifo}: not a regular file (a FIFO)"
        )),
        "{err}"
    );
}

#[test]
fn a_directory_as_scan_report_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let sub = dir.path().display().to_string();
    let (code, out, err) = relay_within(
        &["logs", "--scan-report", &sub, &log],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "--scan-report {sub}: not a regular file (a directory)"
        )),
        "{err}"
    );
}

#[test]
fn a_character_device_as_scan_report_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let (code, out, err) = relay_within(
        &["logs", "--scan-report", "/dev/zero", &log],
        Duration::from_secs(20),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("--scan-report /dev/zero: not a regular file (a character device)"),
        "{err}"
    );
}
