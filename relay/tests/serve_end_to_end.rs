//! End to end: a real relay listening on 127.0.0.1 scans zoo servers
//! on loopback (with `--allow-private`/`--resolve` in its config), and the
//! guard keeps it away from them when it is not allowed.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::http::{get, get_with, sse_events, RelayServer};
use common::*;
use tlslens_core::ScanFacts;
use tlslens_relay::resolve::parse_resolve;
use tlslens_relay::serve::{Config, ServerLimits};

fn zoo_config(resolve: &[&str], root_pem: &str) -> Config {
    let mut c = Config::default();
    c.scan.allow_private = true;
    c.scan.timeout = Duration::from_secs(30);
    c.scan.resolve = resolve.iter().map(|r| parse_resolve(r).unwrap()).collect();
    c.scan.extra_anchors = tlslens_core::der::certificates_from_text(root_pem);
    c
}

#[test]
fn e2e_rustls_zoo_report_facts_and_stream() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Relay");
    let leaf = pki.leaf(&["good.test"], Key::P256, false);
    let root = pki.write_root(dir.path());
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let both: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    rustls_server(
        addr,
        rustls_config(
            &[leaf.der.clone(), pki.inter.der.clone()],
            &leaf.key_pem,
            both,
        ),
        "Strict-Transport-Security: max-age=63072000\r\n",
    );
    let resolve = format!("good.test:{port}:127.0.0.1");
    let relay = RelayServer::start(
        zoo_config(&[&resolve], &pki.root.cert_pem),
        ServerLimits::default(),
    );

    // The JSON report.
    let a = get(relay.addr, &format!("/v1/scan?host=good.test&port={port}"));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.header("x-cache"), Some("miss"));
    let report = a.json();
    assert_eq!(report["schema"], "tlslens.report/1");
    let ep = &report["endpoints"][0];
    assert_eq!(ep["ip"], "127.0.0.1");
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.2", "TLSv1.3"]);
    assert_eq!(ep["hsts"]["max_age"], 63072000);
    let grade = report["grade"].as_str().unwrap().to_owned();
    assert!(grade.starts_with('A'), "{grade}");

    // The same grade as the CLI (one grading path).
    let cli = scan_json(
        "good.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    assert_eq!(cli["grade"], report["grade"]);
    assert_eq!(cli["endpoints"][0]["protocols"], ep["protocols"]);

    // Cached now.
    let b = get(relay.addr, &format!("/v1/scan?host=good.test&port={port}"));
    assert_eq!(b.header("x-cache"), Some("hit"));
    assert_eq!(b.body, a.body);

    // The raw facts, graded here as the extension does in WASM.
    let f = get(relay.addr, &format!("/v1/facts?host=good.test&port={port}"));
    assert_eq!(f.status, 200);
    let facts = ScanFacts::from_json(&f.body).unwrap();
    assert_eq!(facts.endpoints.len(), 1);
    let regraded = tlslens_core::grade(&facts, 1_800_000_000);
    assert_eq!(
        serde_json::to_value(&regraded).unwrap()["grade"],
        report["grade"]
    );

    // SSE, fresh: progress events for the scanner's steps, then the report.
    let s = get(
        relay.addr,
        &format!("/v1/scan/stream?host=good.test&port={port}&fresh=1"),
    );
    assert_eq!(s.status, 200);
    assert_eq!(s.header("content-type"), Some("text/event-stream"));
    let events = sse_events(&s.body);
    let (last, data) = events.last().unwrap();
    assert_eq!(last, "report", "{events:?}");
    let streamed: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(streamed["grade"], report["grade"]);
    let progress: Vec<serde_json::Value> = events[..events.len() - 1]
        .iter()
        .map(|(name, d)| {
            assert_eq!(name, "progress");
            serde_json::from_str(d).unwrap()
        })
        .collect();
    assert_eq!(progress.len(), 4, "{progress:?}");
    for (i, p) in progress.iter().enumerate() {
        assert_eq!(p["done"], i + 1);
        assert_eq!(p["total"], 4);
        assert!(p["step"].as_str().unwrap().starts_with("127.0.0.1"));
    }

    // Metrics saw two scans.
    let m = get(relay.addr, "/metrics");
    assert!(
        m.body.contains("tlslens_scans_total{outcome=\"ok\"} 2"),
        "{}",
        m.body
    );
}

/// A loopback listener that counts connections and closes them.
fn counting_server() -> (u16, Arc<AtomicUsize>) {
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    let port = hostile(move |_s| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    (port, n)
}

#[test]
fn e2e_guard_keeps_the_relay_off_loopback() {
    let (port, accepted) = counting_server();
    let mut config = Config::default();
    config.scan.resolve = vec![parse_resolve(&format!("evil.test:{port}:127.0.0.1")).unwrap()];
    config.scan.timeout = Duration::from_secs(5);
    let relay = RelayServer::start(config.clone(), ServerLimits::default());
    for host in [
        "evil.test",
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.01",
        "%5B::1%5D",
        "%5B::ffff:127.0.0.1%5D",
        "%5B::ffff:7f00:1%5D",
        "%5B64:ff9b::7f00:1%5D",
        "localhost",
    ] {
        let a = get(relay.addr, &format!("/v1/scan?host={host}&port={port}"));
        // `localhost` goes through the system resolver: refused, or
        // unresolvable in a sandbox without one — never scanned.
        if host == "localhost" {
            assert!(matches!(a.status, 403 | 502), "{host}: {}", a.body);
        } else {
            assert_eq!(a.status, 403, "{host}: {}", a.body);
            assert_eq!(a.error_code(), "refused");
        }
        let s = get(
            relay.addr,
            &format!("/v1/scan/stream?host={host}&port={port}"),
        );
        if host == "localhost" {
            // Refused after resolution, inside the stream: an error event.
            assert_eq!(s.status, 200);
            let events = sse_events(&s.body);
            let (name, data) = events.last().unwrap();
            assert_eq!(name, "error");
            assert!(
                data.contains("\"refused\"") || data.contains("\"unresolvable\""),
                "{data}"
            );
        } else {
            assert_eq!(s.status, 403, "{host}: stream {}", s.body);
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "no connection was made");
    drop(relay);

    // --allow-cidr for loopback lets it through.
    config.scan.allow_cidrs = vec!["127.0.0.0/8".parse().unwrap()];
    let relay = RelayServer::start(config, ServerLimits::default());
    let a = get(relay.addr, &format!("/v1/scan?host=evil.test&port={port}"));
    assert_ne!(a.status, 403, "{}", a.body);
    assert!(accepted.load(Ordering::SeqCst) > 0);
}

#[test]
fn e2e_closed_port_is_502() {
    let port = free_port(); // nothing listens there
    let mut config = Config::default();
    config.scan.allow_private = true;
    config.scan.timeout = Duration::from_secs(5);
    let relay = RelayServer::start(config, ServerLimits::default());
    let a = get(relay.addr, &format!("/v1/scan?host=127.0.0.1&port={port}"));
    assert_eq!(a.status, 502, "{}", a.body);
    assert_eq!(a.error_code(), "unreachable");
    assert!(!a.body.contains("os error"), "{}", a.body);
    let s = get(
        relay.addr,
        &format!("/v1/scan/stream?host=127.0.0.1&port={port}"),
    );
    assert_eq!(s.status, 200);
    let events = sse_events(&s.body);
    let (name, data) = events.last().unwrap();
    assert_eq!(name, "error");
    assert!(data.contains("\"unreachable\""), "{data}");
}

#[test]
fn e2e_silent_server_is_504_and_plain_http_is_502() {
    let stall = hostile(|mut s| {
        read_hello(&mut s);
        std::thread::sleep(Duration::from_secs(20));
    });
    let http = hostile(|mut s| {
        read_hello(&mut s);
        let _ = std::io::Write::write_all(
            &mut s,
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
        );
    });
    let mut config = Config::default();
    config.scan.allow_private = true;
    config.scan.timeout = Duration::from_secs(4);
    let relay = RelayServer::start(config, ServerLimits::default());
    let a = get(relay.addr, &format!("/v1/scan?host=127.0.0.1&port={stall}"));
    assert_eq!(a.status, 504, "{}", a.body);
    assert_eq!(a.error_code(), "timeout");
    let b = get(relay.addr, &format!("/v1/scan?host=127.0.0.1&port={http}"));
    assert_eq!(b.status, 502, "{}", b.body);
    assert_eq!(b.error_code(), "unreachable");
}

#[test]
fn e2e_token_and_cors_over_the_wire() {
    let config = Config {
        token: Some("correct horse".into()),
        ..Config::default()
    };
    let relay = RelayServer::start(config, ServerLimits::default());
    assert_eq!(get(relay.addr, "/healthz").status, 200);
    assert_eq!(get(relay.addr, "/").status, 200);
    let a = get(relay.addr, "/v1/scan?host=127.0.0.1");
    assert_eq!(a.status, 401);
    let ok = get_with(
        relay.addr,
        "/v1/scan?host=127.0.0.1",
        &[
            ("Authorization", "Bearer correct horse"),
            (
                "Origin",
                "moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            ),
        ],
    );
    // Past the token; the guard refuses loopback.
    assert_eq!(ok.status, 403, "{}", ok.body);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    );
}
