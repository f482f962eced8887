//! `tlslens-relay watch` against loopback zoo servers whose
//! certificates are healthy, expire in 10 days, or have expired; alert
//! deduplication across runs (each `--once` run is a restart); a webhook that is
//! down, then up; grade drops; unreachable targets; `/metrics` and the report.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::hook::Hook;
use common::*;
use serde_json::Value;

/// A rustls HTTPS server on 127.0.0.1 whose certificate can be swapped.
fn switchable_server(
    first: Arc<rustls::ServerConfig>,
) -> (u16, Arc<Mutex<Arc<rustls::ServerConfig>>>) {
    let port = free_port();
    let current = Arc::new(Mutex::new(first));
    rustls_server_swappable(
        SocketAddr::from(([127, 0, 0, 1], port)),
        current.clone(),
        "Strict-Transport-Security: max-age=31536000\r\n",
    );
    (port, current)
}

fn tls13() -> Vec<&'static rustls::SupportedProtocolVersion> {
    vec![&rustls::version::TLS13, &rustls::version::TLS12]
}

fn server_for(pki: &Pki, leaf: &Issued) -> Arc<rustls::ServerConfig> {
    rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &tls13(),
    )
}

fn https_server(pki: &Pki, leaf: &Issued) -> u16 {
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    rustls_server(
        addr,
        server_for(pki, leaf),
        "Strict-Transport-Security: max-age=31536000\r\n",
    );
    port
}

fn write_config(dir: &Path, webhook_port: u16, targets: &[(&str, u16)]) -> std::path::PathBuf {
    let mut toml = format!(
        "interval = \"1h\"\njitter = \"0s\"\nwebhook = \"http://127.0.0.1:{webhook_port}/hook\"\ndatabase = \"watch.sqlite\"\nca_file = \"root.pem\"\nallow_private = true\nscan_timeout = \"20s\"\n"
    );
    for (host, port) in targets {
        toml.push_str(&format!(
            "\n[[target]]\nhost = \"{host}\"\nport = {port}\nresolve = [\"127.0.0.1\"]\n"
        ));
    }
    let path = dir.join("watch.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn watch_once(config: &Path) -> String {
    let (code, _out, err) = relay(&["watch", "--config", config.to_str().unwrap(), "--once"]);
    assert_eq!(code, 0, "watch --once failed: {err}");
    err
}

/// Starts `watch --config CONFIG --listen LISTEN` in continuous mode.
fn spawn_watch(config: &Path, listen: SocketAddr) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args([
            "watch",
            "--config",
            config.to_str().unwrap(),
            "--listen",
            &listen.to_string(),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn kinds(alerts: &[Value]) -> Vec<(String, String)> {
    let mut k: Vec<_> = alerts
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_owned(),
                a["host"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    k.sort();
    k
}

#[test]
fn expiry_alerts_once_per_certificate_and_threshold_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Watch");
    pki.write_root(dir.path());
    let healthy = https_server(&pki, &pki.leaf_days(&["healthy.test"], -30, 400));
    let soon = https_server(&pki, &pki.leaf_days(&["soon.test"], -80, 10));
    let expired = https_server(&pki, &pki.leaf_days(&["expired.test"], -100, -3));
    let hook = Hook::start_on(0);
    let config = write_config(
        dir.path(),
        hook.port,
        &[
            ("healthy.test", healthy),
            ("soon.test", soon),
            ("expired.test", expired),
        ],
    );

    let err = watch_once(&config);
    assert!(err.contains("3 target(s) scanned"), "{err}");
    let alerts = hook.alerts();
    assert_eq!(
        kinds(&alerts),
        [
            ("expiry".into(), "expired.test".into()),
            ("expiry".into(), "soon.test".into())
        ],
        "{alerts:#?}"
    );
    let soon_alert = alerts.iter().find(|a| a["host"] == "soon.test").unwrap();
    assert_eq!(soon_alert["threshold"], 14);
    assert_eq!(soon_alert["days_left"], 10);
    assert_eq!(soon_alert["port"], soon);
    assert_eq!(soon_alert["ip"], "127.0.0.1");
    assert!(soon_alert["subject"]
        .as_str()
        .unwrap()
        .contains("soon.test"));
    assert!(soon_alert["not_after"].as_str().unwrap().ends_with('Z'));
    let keys: Vec<&str> = soon_alert
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 9, "exactly the contract fields: {keys:?}");
    // The stable id (issue 16): 32 hex digits.
    let id = soon_alert["id"].as_str().unwrap();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    let expired_alert = alerts.iter().find(|a| a["host"] == "expired.test").unwrap();
    assert_eq!(expired_alert["threshold"], 0);
    assert!(expired_alert["days_left"].as_i64().unwrap() < 0);

    // A second run is a restart: same certificates, same thresholds, no new alert.
    watch_once(&config);
    watch_once(&config);
    assert_eq!(hook.alerts().len(), 2, "{:#?}", hook.alerts());
}

#[test]
fn webhook_down_then_up_is_retried_and_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Retry");
    pki.write_root(dir.path());
    let soon = https_server(&pki, &pki.leaf_days(&["retry.test"], -80, 5));
    let hook_port = free_port();
    let config = write_config(dir.path(), hook_port, &[("retry.test", soon)]);

    let err = watch_once(&config);
    assert!(
        err.contains("1 new alert(s), 0 delivered, 1 still queued"),
        "{err}"
    );

    let hook = Hook::start_on(hook_port);
    let err = watch_once(&config);
    assert!(
        err.contains("0 new alert(s), 1 delivered, 0 still queued"),
        "{err}"
    );
    watch_once(&config);
    let alerts = hook.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0]["threshold"], 7);
}

#[test]
fn grade_drop_and_unreachable_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Drop");
    pki.write_root(dir.path());
    let good = server_for(&pki, &pki.leaf_days(&["drop.test"], -30, 400));
    let (port, current) = switchable_server(good);
    let closed = free_port();
    let hook = Hook::start_on(0);
    let config = write_config(
        dir.path(),
        hook.port,
        &[("drop.test", port), ("gone.test", closed)],
    );

    watch_once(&config);
    let first = hook.alerts();
    assert_eq!(
        kinds(&first),
        [("unreachable".into(), "gone.test".into())],
        "{first:#?}"
    );
    assert_eq!(first[0]["ip"], Value::Null);
    assert_eq!(first[0]["port"], closed);

    // The node is redeployed with a self-signed certificate: grade drops to T.
    let bad = self_signed(&["drop.test"]);
    *current.lock().unwrap() =
        rustls_config(std::slice::from_ref(&bad.der), &bad.key_pem, &tls13());
    watch_once(&config);
    let alerts = hook.alerts();
    let drop = alerts
        .iter()
        .find(|a| a["kind"] == "grade_drop")
        .unwrap_or_else(|| panic!("{alerts:#?}"));
    assert_eq!(drop["host"], "drop.test");
    assert_eq!(drop["to"], "T");
    assert!(
        ["A+", "A", "A-"].contains(&drop["from"].as_str().unwrap()),
        "{drop}"
    );
    assert_eq!(
        alerts.iter().filter(|a| a["kind"] == "unreachable").count(),
        1,
        "one outage, one alert: {alerts:#?}"
    );
}

#[test]
fn a_listed_client_that_starts_failing_alerts_once() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Hardened");
    pki.write_root(dir.path());
    let leaf = pki.leaf_days(&["hardened.test"], -30, 400);
    let (port, current) = switchable_server(server_for(&pki, &leaf));
    let hook = Hook::start_on(0);
    let config = write_config(dir.path(), hook.port, &[("hardened.test", port)]);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("clients = [\"java-8u161\", \"curl 7.88 (Debian 12)\"]\n{text}"),
    )
    .unwrap();

    // TLS 1.2 and 1.3: both listed clients connect.
    watch_once(&config);
    assert!(hook.alerts().is_empty(), "{:#?}", hook.alerts());

    // Hardened to TLS 1.3 only: Java 8 can no longer connect, curl still can.
    *current.lock().unwrap() = rustls_config(
        &[leaf.der.clone(), pki.inter.der.clone()],
        &leaf.key_pem,
        &[&rustls::version::TLS13],
    );
    watch_once(&config);
    let alerts = hook.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!(a["kind"], "client_failure");
    assert_eq!(a["host"], "hardened.test");
    assert_eq!(a["ip"], "127.0.0.1");
    assert_eq!(a["client"], "java-8u161");
    assert_eq!(a["code"], "protocol_mismatch");
    assert!(a["message"].as_str().unwrap().contains("TLS 1.3"), "{a}");

    // Still failing: no second alert.
    watch_once(&config);
    assert_eq!(hook.alerts().len(), 1, "{:#?}", hook.alerts());
}

#[test]
fn metrics_and_report_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Metrics");
    pki.write_root(dir.path());
    let port = https_server(&pki, &pki.leaf_days(&["metrics.test"], -10, 45));
    let hook = Hook::start_on(0);
    let config = write_config(dir.path(), hook.port, &[("metrics.test", port)]);
    let listen = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let child = spawn_watch(&config, listen);
    let _guard = Proc(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let metrics = loop {
        if TcpStream::connect(listen).is_ok() {
            let m = http::get(listen, "/metrics");
            if m.body.contains("tlslens_grade_info{") {
                break m;
            }
        }
        assert!(Instant::now() < deadline, "no metrics after 60 s");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(metrics.status, 200);
    let labels = format!("host=\"metrics.test\",port=\"{port}\",ip=\"127.0.0.1\"");
    for series in [
        "tlslens_cert_not_after_timestamp_seconds",
        "tlslens_chain_earliest_not_after_timestamp_seconds",
        "tlslens_scan_success",
    ] {
        assert!(
            metrics.body.contains(&format!("{series}{{{labels}}} ")),
            "{series}: {}",
            metrics.body
        );
    }
    assert!(metrics
        .body
        .contains(&format!("tlslens_scan_success{{{labels}}} 1")));
    assert!(
        metrics
            .body
            .contains(&format!("tlslens_grade_info{{{labels},grade=\"A")),
        "{}",
        metrics.body
    );
    let leaf: i64 = metrics
        .body
        .lines()
        .find(|l| l.starts_with("tlslens_cert_not_after_timestamp_seconds{"))
        .and_then(|l| l.rsplit(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (leaf - now - 45 * 86_400).abs() < 2 * 3600,
        "leaf not_after {leaf}"
    );
    assert_eq!(http::get(listen, "/healthz").status, 200);
    let report = http::get(listen, "/report.json").json();
    assert_eq!(report[0]["host"], "metrics.test");
    assert_eq!(report[0]["days_left"], 45);
    let html = http::get(listen, "/report");
    assert!(html.body.contains("<svg class=\"spark\"") && html.body.contains("metrics.test"));
}

#[test]
fn sigterm_stops_watch_during_a_long_round() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Term");
    pki.write_root(dir.path());
    let port = https_server(&pki, &pki.leaf_days(&["term.test"], -10, 300));
    let config = write_config(dir.path(), free_port(), &[("term.test", port)]);
    // A long jitter keeps the first round busy for minutes.
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("jitter = \"0s\"", "jitter = \"10m\"");
    std::fs::write(&config, text).unwrap();
    let listen = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let mut child = spawn_watch(&config, listen);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(listen).is_err() {
        assert!(Instant::now() < deadline, "watch did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = exit_within(&mut child, Duration::from_secs(10))
        .expect("watch ignored SIGTERM for 10 s during a round");
    assert!(status.success(), "{status}");
}

#[test]
fn renewal_by_another_ca_with_other_names_alerts_san_and_chain_change_once() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (Pki::new("Issuer One"), Pki::new("Issuer Two"));
    std::fs::write(
        dir.path().join("root.pem"),
        format!("{}{}", one.root.cert_pem, two.root.cert_pem),
    )
    .unwrap();
    let first = one.leaf_days(&["change.test", "www.change.test"], -30, 400);
    let (port, current) = switchable_server(server_for(&one, &first));
    let hook = Hook::start_on(0);
    let config = write_config(dir.path(), hook.port, &[("change.test", port)]);
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml = toml.replace("[[target]]", "clients = [\"java-8u161\"]\n\n[[target]]");
    std::fs::write(&config, toml).unwrap();

    watch_once(&config);
    assert_eq!(
        hook.alerts(),
        Vec::<Value>::new(),
        "a first scan changes nothing"
    );

    // Renewed by another CA, with one name swapped for another.
    let renewed = two.leaf_days(&["change.test", "api.change.test"], -1, 400);
    *current.lock().unwrap() = server_for(&two, &renewed);
    watch_once(&config);
    watch_once(&config);
    let alerts = hook.alerts();
    assert_eq!(
        kinds(&alerts),
        [
            ("chain_change".into(), "change.test".into()),
            ("san_change".into(), "change.test".into())
        ],
        "{alerts:#?}"
    );
    let san = alerts.iter().find(|a| a["kind"] == "san_change").unwrap();
    assert_eq!(san["added"], serde_json::json!(["api.change.test"]));
    assert_eq!(san["removed"], serde_json::json!(["www.change.test"]));
    let chain = alerts.iter().find(|a| a["kind"] == "chain_change").unwrap();
    assert!(
        chain["from"]["issuer"]
            .as_str()
            .unwrap()
            .contains("Issuer One"),
        "{chain}"
    );
    assert!(
        chain["to"]["issuer"]
            .as_str()
            .unwrap()
            .contains("Issuer Two"),
        "{chain}"
    );

    let ids: std::collections::BTreeSet<&str> =
        alerts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), alerts.len(), "each alert once");
}

/// nginx serving `posture.test` on `port` with `header` (an `add_header`
/// line, or nothing), run from its own directory under `dir`.
fn posture_nginx(dir: &Path, run: &str, port: u16, cert: &Path, key: &Path, header: &str) -> Proc {
    let run_dir = dir.join(run);
    std::fs::create_dir_all(&run_dir).unwrap();
    let body = format!(
        "server {{ listen 127.0.0.1:{port} ssl; server_name posture.test; ssl_certificate {}; ssl_certificate_key {}; {header} location / {{ return 200 \"ok\"; }} }}",
        cert.display(),
        key.display()
    );
    nginx(&run_dir, &body, &[SocketAddr::from(([127, 0, 0, 1], port))])
}

#[test]
fn hsts_shortened_then_removed_alerts_posture_change_once_each() {
    if skip_without("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Posture");
    let leaf = pki.leaf(&["posture.test"], Key::P256, false);
    let (cert, key) = pki.write(dir.path(), "posture", &leaf, true);
    pki.write_root(dir.path());
    let port = free_port();
    let hook = Hook::start_on(0);
    let config = write_config(dir.path(), hook.port, &[("posture.test", port)]);
    let year = "add_header Strict-Transport-Security \"max-age=31536000\" always;";
    let day = "add_header Strict-Transport-Security \"max-age=86400\" always;";

    let server = posture_nginx(dir.path(), "a", port, &cert, &key, year);
    watch_once(&config);
    assert_eq!(
        hook.alerts(),
        Vec::<Value>::new(),
        "a first scan changes nothing"
    );

    drop(server);
    let server = posture_nginx(dir.path(), "b", port, &cert, &key, day);
    watch_once(&config);
    watch_once(&config);
    drop(server);
    let _server = posture_nginx(dir.path(), "c", port, &cert, &key, "");
    watch_once(&config);
    watch_once(&config);

    let alerts = hook.alerts();
    assert_eq!(
        kinds(&alerts),
        [
            ("posture_change".into(), "posture.test".into()),
            ("posture_change".into(), "posture.test".into())
        ],
        "{alerts:#?}"
    );
    let codes: Vec<&str> = alerts
        .iter()
        .map(|a| a["changes"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["hsts_shortened", "hsts_removed"], "{alerts:#?}");
    let ids: std::collections::BTreeSet<&str> =
        alerts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "each alert once, with its own id");
}
