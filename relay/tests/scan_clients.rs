//! `scan --clients` / `--no-clients` end to end (docs/clients.md): the
//! selection reaches the simulation, the report carries `endpoints[].clients`
//! and `client_failures`, and the human output says how many clients connect
//! and why the others fail. Against `openssl s_server` speaking only TLS 1.3,
//! which every TLS 1.2-only client fails with `protocol_mismatch`.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::Value;

/// A TLS 1.3-only `s_server` for `clients.test` with a full chain; the
/// root's path for `--ca-file`.
fn tls13_only(dir: &std::path::Path) -> (Proc, u16, String) {
    let pki = Pki::new("Clients");
    let leaf = pki.leaf(&["clients.test"], Key::P256, false);
    let (chain, key) = pki.write(dir, "clients", &leaf, true);
    let root = pki.write_root(dir);
    let port = free_port();
    let server = s_server(port, &chain, &key, &["-tls1_3"]);
    (server, port, root.display().to_string())
}

fn ids(report: &Value) -> Vec<String> {
    report["endpoints"][0]["clients"]
        .as_array()
        .unwrap_or_else(|| panic!("no clients: {report}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn named_clients_are_simulated_and_the_failing_ones_say_why() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_server, port, root) = tls13_only(dir.path());
    let picked = "curl-7.88-debian12,Java 8u161";
    let report = scan_json(
        "clients.test",
        port,
        "127.0.0.1",
        &["--ca-file", &root, "--clients", picked],
    );
    // Table order, whatever the order asked.
    assert_eq!(ids(&report), ["java-8u161", "curl-7.88-debian12"]);
    let clients = report["endpoints"][0]["clients"].as_array().unwrap();
    let java = &clients[0];
    assert_eq!(java["ok"], false, "{java}");
    assert_eq!(java["failure"]["code"], "protocol_mismatch");
    let why = java["failure"]["message"].as_str().unwrap();
    assert!(
        why.contains("TLS 1.3") && why.contains("Java 8u161"),
        "{why}"
    );
    let curl = &clients[1];
    assert_eq!(curl["ok"], true, "{curl}");
    assert_eq!(curl["protocol"], "TLSv1.3");
    assert!(curl["cipher_suite"].as_str().unwrap().starts_with("TLS_"));
    assert!(curl["group"].is_string(), "{curl}");
    let failures = report["client_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["id"], "java-8u161");
    assert_eq!(failures[0]["ips"][0], "127.0.0.1");
}

#[test]
fn current_selects_the_current_clients_and_no_clients_skips_the_stage() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_server, port, root) = tls13_only(dir.path());
    let report = scan_json(
        "clients.test",
        port,
        "127.0.0.1",
        &["--ca-file", &root, "--clients", "current"],
    );
    let current: Vec<String> = tlslens_core::clients::table()
        .iter()
        .filter(|c| c.current)
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(ids(&report), current);
    let clients = report["endpoints"][0]["clients"].as_array().unwrap();
    assert!(clients.iter().all(|c| c["current"] == true));
    // Every current client speaks TLS 1.3 except the ones the table says.
    for c in clients {
        let id = c["id"].as_str().unwrap();
        let profile = tlslens_core::clients::table::by_id(id).unwrap();
        let speaks_13 = profile
            .versions
            .contains(&tlslens_core::wire::ProtocolVersion::TLS13);
        assert_eq!(c["ok"] == true, speaks_13, "{c}");
    }

    let report = scan_json(
        "clients.test",
        port,
        "127.0.0.1",
        &["--ca-file", &root, "--no-clients"],
    );
    assert!(report["endpoints"][0]
        .get("clients")
        .is_none_or(Value::is_null));
    assert!(report.get("client_failures").is_none_or(Value::is_null));
}

#[test]
fn the_human_report_counts_the_clients_and_groups_failures_by_cause() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_server, port, root) = tls13_only(dir.path());
    let target = format!("clients.test:{port}");
    let resolve = format!("clients.test:{port}:127.0.0.1");
    let (code, out, err) = relay(&[
        "scan",
        &target,
        "--allow-private",
        "--resolve",
        &resolve,
        "--ca-file",
        &root,
        "--clients",
        "java-8u161,java-7u25,curl-7.88-debian12",
        "--no-color",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Clients: 1 of 3 connect"), "{out}");
    let section = out
        .split("Clients:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    assert!(
        section.contains("No protocol version in common (protocol_mismatch, 2)"),
        "{section}"
    );
    assert!(section.contains("Java 7u25"), "{section}");
    assert!(section.contains("Java 8u161"), "{section}");
    assert!(!section.contains("curl 7.88"), "{section}");
    assert!(section.contains("speaks at most TLS 1.2"), "{section}");
}

#[test]
fn unknown_clients_are_a_one_line_error() {
    let (code, out, err) = relay(&["scan", "example.test", "--clients", "netscape-4,java-8u161"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("--clients") && err.contains("netscape-4"),
        "{err}"
    );
    let (code, _, err) = relay(&["scan", "example.test", "--clients", "all", "--no-clients"]);
    assert_eq!(code, 2, "{err}");
}
