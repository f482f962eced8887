//! The relay's router, driven with `tower::ServiceExt::oneshot` and a
//! fake scanner (no network at all): every status path, the token, CORS, SSE
//! framing, the cache, shared in-flight scans, the limits and the metrics.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tlslens_core::clients::ClientSelection;
use tlslens_core::facts::EndpointFacts;
use tlslens_core::ScanFacts;
use tlslens_relay::probe::{Progress, ProgressFn, ScanOptions};
use tlslens_relay::resolve::{parse_resolve, TargetSpec};
use tlslens_relay::serve::app::{Config, Scanner};
use tlslens_relay::serve::{app, AppState, PeerAddr};
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// A fake scanner: counts calls; hosts starting with `gated` wait for the
/// gate; some host names fail in set ways.
struct Fake {
    calls: Arc<AtomicUsize>,
    gate: Arc<Semaphore>,
    /// The client selection each scan was asked for.
    selections: Arc<std::sync::Mutex<Vec<Option<ClientSelection>>>>,
}

impl Fake {
    fn new() -> Self {
        Self {
            calls: Arc::new(AtomicUsize::new(0)),
            gate: Arc::new(Semaphore::new(0)),
            selections: Arc::default(),
        }
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn open_gate(&self) {
        self.gate.add_permits(1000);
    }

    fn scanner(&self) -> Scanner {
        let calls = self.calls.clone();
        let gate = self.gate.clone();
        let selections = self.selections.clone();
        Arc::new(move |t: TargetSpec, opts: ScanOptions, p: ProgressFn| {
            let calls = calls.clone();
            let gate = gate.clone();
            selections.lock().unwrap().push(opts.clients.clone());
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                p(Progress {
                    done: 1,
                    total: 2,
                    step: "192.0.2.1: protocols and suites".into(),
                });
                if t.host.starts_with("gated") {
                    drop(gate.acquire().await.unwrap());
                }
                let target = format!("{}:{}", t.host, t.port);
                match t.host.as_str() {
                    "down.test" => {
                        return Err(tlslens_relay::Error::Unreachable {
                            target,
                            message: "192.0.2.1: connection refused (os error 111)".into(),
                            timed_out: false,
                            connected: false,
                        })
                    }
                    "slowpoke.test" => {
                        return Err(tlslens_relay::Error::Unreachable {
                            target,
                            message: "192.0.2.1: connect timed out".into(),
                            timed_out: true,
                            connected: false,
                        })
                    }
                    "nxdomain.test" => {
                        return Err(tlslens_relay::Error::Unresolvable {
                            host: t.host.clone(),
                            message: "failed to lookup address information".into(),
                        })
                    }
                    "private.test" => {
                        return Err(tlslens_relay::Error::Refused {
                            host: t.host.clone(),
                            ip: "10.1.2.3".parse().unwrap(),
                            reason: "private (10.0.0.0/8)",
                        })
                    }
                    "hang.test" => std::future::pending::<()>().await,
                    "panic.test" => panic!("scanner bug"),
                    _ => {}
                }
                p(Progress {
                    done: 2,
                    total: 2,
                    step: "192.0.2.1: done".into(),
                });
                let mut facts = ScanFacts::new(t.host.clone(), t.port);
                facts.endpoints.push(EndpointFacts {
                    ip: "192.0.2.1".into(),
                    ..EndpointFacts::default()
                });
                Ok(facts)
            })
        })
    }
}

fn router(config: Config, fake: &Fake) -> Router {
    app(AppState::with_scanner(config, fake.scanner()))
}

fn req(uri: &str) -> Request<Body> {
    req_from(uri, "198.51.100.7:40000")
}

fn req_from(uri: &str, peer: &str) -> Request<Body> {
    let mut r = Request::get(uri).body(Body::empty()).unwrap();
    r.extensions_mut()
        .insert(PeerAddr(peer.parse::<SocketAddr>().unwrap()));
    r
}

async fn send(app: &Router, r: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = app.clone().oneshot(r).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, req(uri)).await
}

fn error_code(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(v["error"]["message"].is_string(), "{body}");
    v["error"]["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn scan_returns_graded_report_json() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, h, body) = get(&app, "/v1/scan?host=Example.COM&port=8443").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["schema"], "tlslens.report/1");
    assert_eq!(v["target"]["host"], "example.com");
    assert_eq!(v["target"]["port"], 8443);
    assert_eq!(v["endpoints"][0]["ip"], "192.0.2.1");
    // The grade is the core's, byte for byte.
    let mut facts = ScanFacts::new("example.com", 8443);
    facts.endpoints.push(EndpointFacts {
        ip: "192.0.2.1".into(),
        ..EndpointFacts::default()
    });
    let expected = tlslens_core::grade(&facts, 0);
    assert_eq!(
        v["grade"],
        serde_json::to_value(&expected).unwrap()["grade"],
        "{body}"
    );
    // Default port 443.
    let (st, _, body) = get(&app, "/v1/scan?host=example.com").await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("\"port\":443"), "{body}");
}

#[tokio::test]
async fn clients_parameter_selects_the_simulation_and_keys_the_cache() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, _, body) = get(&app, "/v1/scan?host=a.test").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _, body) = get(&app, "/v1/scan?host=a.test&clients=current").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(fake.calls(), 2, "another selection is another scan");
    let (st, _, _) = get(&app, "/v1/scan?host=a.test&clients=CURRENT").await;
    assert_eq!(st, StatusCode::OK);
    // `all` is the relay's default selection: the first scan's entry.
    let (st, _, _) = get(&app, "/v1/scan?host=a.test&clients=all").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(fake.calls(), 2, "the same selections come from the cache");
    let (st, _, _) = get(
        &app,
        "/v1/scan?host=a.test&clients=java-8u161,Android%208.1",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(fake.calls(), 3);
    let seen = fake.selections.lock().unwrap().clone();
    assert_eq!(seen[0], Some(ClientSelection::All));
    assert_eq!(seen[1], Some(ClientSelection::Current));
    let named: Vec<&str> = seen[2]
        .as_ref()
        .unwrap()
        .select()
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(named, ["android-8.1", "java-8u161"]);
    // An unknown client is the caller's mistake, named in the message.
    let (st, _, body) = get(&app, "/v1/scan?host=a.test&clients=netscape-4").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "bad_input");
    assert!(body.contains("netscape-4"), "{body}");
    assert_eq!(fake.calls(), 3);
}

#[tokio::test]
async fn token_required_except_index_and_healthz() {
    let fake = Fake::new();
    let app = router(
        Config {
            token: Some("s3cret-token".into()),
            ..Config::default()
        },
        &fake,
    );
    let (st, h, body) = get(&app, "/").await;
    assert_eq!(st, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(body.contains("TLS Lens relay") && body.contains("requires a token"));
    let (st, _, body) = get(&app, "/healthz").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    for uri in [
        "/v1/scan?host=example.com",
        "/v1/scan/stream?host=example.com",
        "/v1/facts?host=example.com",
        "/metrics",
    ] {
        let (st, h, body) = get(&app, uri).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(error_code(&body), "unauthorized");
        assert!(h.contains_key(header::WWW_AUTHENTICATE));
    }
    for auth in [
        "Bearer wrong",
        "Bearer s3cret-toke",
        "Bearer s3cret-token2",
        "Basic czNjcmV0LXRva2Vu",
        "s3cret-token",
        "Bearer",
    ] {
        let mut r = req("/v1/scan?host=example.com");
        r.headers_mut()
            .insert(header::AUTHORIZATION, auth.parse().unwrap());
        let (st, _, _) = send(&app, r).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{auth}");
    }
    // 401 comes before input validation: nothing about the target leaks.
    let (st, _, _) = get(&app, "/v1/scan?host=%00").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(fake.calls(), 0);
    let mut r = req("/v1/scan?host=example.com");
    r.headers_mut().insert(
        header::AUTHORIZATION,
        "bearer s3cret-token".parse().unwrap(),
    );
    let (st, _, body) = send(&app, r).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn bad_input_is_400() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    for q in [
        "",
        "port=443",
        "host=",
        "host=%00",
        "host=example.com%00.evil",
        "host=b%C3%BCcher.example",
        "host=%E2%80%AEexample.com",
        "host=%FF%FE",
        "host=exa%20mple.com",
        "host=example.com:443",
        "host=[::1]:443",
        "host=%5B::1%5D:443",
        "host=[example.com]",
        "host=[::1",
        "host=fe80::1%25eth0",
        "host=a..b",
        "host=-a.example",
        "host=1.2.3.4.5",
        "host=999.1.1.1",
        "host=http://example.com/",
        "host=example.com&port=0",
        "host=example.com&port=65536",
        "host=example.com&port=99999999999999999999",
        "host=example.com&port=abc",
        "host=example.com&port=-1",
        "host=example.com&port=%2B443",
        "host=example.com&port=443%00",
        "host=example.com&port=%D9%A4%D9%A4%D9%A3",
        "host=example.com&port=",
        "host=example.com&fresh=maybe",
        "host=a.example&host=b.example",
    ] {
        let uri = format!("/v1/scan?{q}");
        let (st, _, body) = get(&app, &uri).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(error_code(&body), "bad_input", "{q}");
    }
    let long = format!("/v1/scan?host={}.example", "a".repeat(300));
    let (st, _, _) = get(&app, &long).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // Same validation on the other scan routes.
    for route in ["/v1/scan/stream", "/v1/facts"] {
        let (st, _, body) = get(&app, &format!("{route}?host=%00")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{route}");
        assert_eq!(error_code(&body), "bad_input");
    }
    assert_eq!(fake.calls(), 0, "no scan for bad input");
    // IPv6 in brackets and IDNA (punycode) names are fine.
    for q in [
        "host=%5B2606:4700:4700::1111%5D",
        "host=2606:4700:4700::1111&port=443",
        "host=xn--bcher-kva.example",
        "host=example.com.&port=00443",
        "host=example.com&fresh=0",
    ] {
        let (st, _, body) = get(&app, &format!("/v1/scan?{q}")).await;
        assert_eq!(st, StatusCode::OK, "{q}: {body}");
    }
}

#[tokio::test]
async fn special_addresses_are_403_before_any_scan() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    for host in [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "%5B::1%5D",
        "::1",
        "%5B::ffff:10.0.0.1%5D",
        "::ffff:127.0.0.1",
        "64:ff9b::10.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.168.1.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "198.18.0.1",
        "fe80::1",
        "fd00::1",
    ] {
        let (st, _, body) = get(&app, &format!("/v1/scan?host={host}")).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{host}: {body}");
        assert_eq!(error_code(&body), "refused", "{host}");
    }
    // A name the scanner resolved to a private address.
    let (st, _, body) = get(&app, "/v1/scan?host=private.test").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(error_code(&body), "refused");
    assert!(
        !body.contains("10.1.2.3"),
        "no resolved address leaks: {body}"
    );
    assert_eq!(fake.calls(), 1, "only the name reached the scanner");
}

#[tokio::test]
async fn resolve_allow_cidr_and_ports() {
    let fake = Fake::new();
    let mut config = Config::default();
    config.scan.resolve = vec![parse_resolve("internal.test:443:10.9.8.7").unwrap()];
    config.allow_ports = vec![(443, 443), (8000, 8999)];
    let app = router(config.clone(), &fake);
    // --resolve to a private address: refused before the scanner.
    let (st, _, body) = get(&app, "/v1/scan?host=internal.test").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    let (st, _, body) = get(&app, "/v1/scan?host=example.com&port=22").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "port_not_allowed");
    let (st, _, _) = get(&app, "/v1/scan?host=example.com&port=8443").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(fake.calls(), 1);
    // --allow-cidr lifts the guard for its range only.
    config.scan.allow_cidrs = vec!["10.9.0.0/16".parse().unwrap()];
    let app = router(config.clone(), &fake);
    let (st, _, body) = get(&app, "/v1/scan?host=internal.test").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _, _) = get(&app, "/v1/scan?host=10.10.0.1").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // --allow-private lifts it entirely.
    config.scan.allow_private = true;
    let app = router(config, &fake);
    let (st, _, body) = get(&app, "/v1/scan?host=10.10.0.1").await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn upstream_failures_are_502_and_504() {
    let fake = Fake::new();
    let mut config = Config::default();
    config.scan.timeout = Duration::from_millis(200);
    let app = router(config, &fake);
    for (host, status, code) in [
        ("down.test", StatusCode::BAD_GATEWAY, "unreachable"),
        ("nxdomain.test", StatusCode::BAD_GATEWAY, "unresolvable"),
        ("slowpoke.test", StatusCode::GATEWAY_TIMEOUT, "timeout"),
        ("hang.test", StatusCode::GATEWAY_TIMEOUT, "timeout"),
        ("panic.test", StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    ] {
        let (st, _, body) = get(&app, &format!("/v1/scan?host={host}")).await;
        assert_eq!(st, status, "{host}: {body}");
        assert_eq!(error_code(&body), code, "{host}");
        assert!(!body.contains("os error"), "{body}");
        assert!(!body.contains("192.0.2.1"), "{body}");
        assert!(!body.contains("lookup"), "{body}");
    }
    // Failures are not cached: the next request scans again.
    let before = fake.calls();
    let (st, _, _) = get(&app, "/v1/scan?host=down.test").await;
    assert_eq!(st, StatusCode::BAD_GATEWAY);
    assert_eq!(fake.calls(), before + 1);
}

#[tokio::test]
async fn cache_hit_miss_fresh_and_facts() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, h, first) = get(&app, "/v1/scan?host=cache.test").await;
    assert_eq!(
        (st, &h["x-cache"]),
        (StatusCode::OK, &"miss".parse().unwrap())
    );
    let (st, h, second) = get(&app, "/v1/scan?host=cache.test&port=443").await;
    assert_eq!(
        (st, &h["x-cache"]),
        (StatusCode::OK, &"hit".parse().unwrap())
    );
    assert_eq!(first, second);
    assert_eq!(fake.calls(), 1);
    // The raw facts come from the same cache entry.
    let (st, h, facts) = get(&app, "/v1/facts?host=cache.test").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(h["x-cache"], "hit");
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let facts: ScanFacts = ScanFacts::from_json(&facts).unwrap();
    assert_eq!(facts.target.host, "cache.test");
    assert_eq!(fake.calls(), 1);
    // fresh=1 bypasses the cache and refreshes it.
    let (st, h, _) = get(&app, "/v1/scan?host=cache.test&fresh=1").await;
    assert_eq!(
        (st, &h["x-cache"]),
        (StatusCode::OK, &"miss".parse().unwrap())
    );
    assert_eq!(fake.calls(), 2);
    // A different port is a different target.
    let (_, h, _) = get(&app, "/v1/scan?host=cache.test&port=444").await;
    assert_eq!(h["x-cache"], "miss");
    // TTL 0: no cache.
    let fake = Fake::new();
    let app = router(
        Config {
            cache_ttl: Duration::ZERO,
            ..Config::default()
        },
        &fake,
    );
    get(&app, "/v1/scan?host=cache.test").await;
    get(&app, "/v1/scan?host=cache.test").await;
    assert_eq!(fake.calls(), 2);
}

async fn wait_calls(fake: &Fake, n: usize) {
    for _ in 0..500 {
        if fake.calls() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("scanner called {} times, wanted {n}", fake.calls());
}

#[tokio::test]
async fn concurrent_requests_share_one_scan() {
    let fake = Fake::new();
    let state = AppState::with_scanner(Config::default(), fake.scanner());
    let app = app(state.clone());
    let mut tasks = Vec::new();
    for i in 0..10 {
        let app = app.clone();
        let uri = match i % 3 {
            0 => "/v1/scan?host=gated.test",
            1 => "/v1/facts?host=gated.test",
            _ => "/v1/scan/stream?host=gated.test",
        };
        tasks.push(tokio::spawn(async move { send(&app, req(uri)).await }));
    }
    wait_calls(&fake, 1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(state.inflight_scans(), 1);
    fake.open_gate();
    let mut how = Vec::new();
    for t in tasks {
        let (st, h, body) = t.await.unwrap();
        assert_eq!(st, StatusCode::OK, "{body}");
        how.push(h["x-cache"].to_str().unwrap().to_owned());
    }
    assert_eq!(fake.calls(), 1, "one scan for ten requests");
    assert_eq!(how.iter().filter(|h| *h == "miss").count(), 1, "{how:?}");
    assert_eq!(how.iter().filter(|h| *h == "joined").count(), 9, "{how:?}");
    assert_eq!(state.inflight_scans(), 0);
    // fresh=1 while a scan runs joins it too (one scan per target at a time).
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let a = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, req("/v1/scan?host=gated2.test")).await })
    };
    wait_calls(&fake, 1).await;
    let b = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, req("/v1/scan?host=gated2.test&fresh=1")).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    fake.open_gate();
    assert_eq!(a.await.unwrap().0, StatusCode::OK);
    let (st, h, _) = b.await.unwrap();
    assert_eq!(
        (st, h["x-cache"].to_str().unwrap()),
        (StatusCode::OK, "joined")
    );
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn rate_limit_per_client_with_retry_after() {
    let fake = Fake::new();
    let app = router(
        Config {
            rate_per_minute: 3,
            ..Config::default()
        },
        &fake,
    );
    for i in 0..3 {
        let (st, _, body) = get(&app, &format!("/v1/scan?host=r{i}.test")).await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let (st, h, body) = get(&app, "/v1/scan?host=r3.test").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_code(&body), "rate_limited");
    let retry: u64 = h[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    // Cached answers are not limited.
    let (st, _, _) = get(&app, "/v1/scan?host=r0.test").await;
    assert_eq!(st, StatusCode::OK);
    // Another client has its own bucket; the same /64 shares one.
    let (st, _, _) = send(&app, req_from("/v1/scan?host=r3.test", "203.0.113.9:1")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, _) = send(&app, req_from("/v1/scan?host=r4.test", "[2001:db8::1]:1")).await;
    assert_eq!(st, StatusCode::OK);
    for i in 5..7 {
        let uri = format!("/v1/scan?host=r{i}.test");
        let (st, _, _) = send(&app, req_from(&uri, "[2001:db8::ffff:2]:1")).await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, _, _) = send(&app, req_from("/v1/scan?host=r7.test", "[2001:db8::3]:1")).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // fresh=1 costs more: with 10 a minute, two fresh scans then 429.
    let fake = Fake::new();
    let app = router(
        Config {
            rate_per_minute: 10,
            ..Config::default()
        },
        &fake,
    );
    for _ in 0..2 {
        let (st, _, _) = get(&app, "/v1/scan?host=f.test&fresh=1").await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, _, body) = get(&app, "/v1/scan?host=f.test&fresh=1").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("fresh"), "{body}");
    let (st, _, _) = get(&app, "/v1/scan?host=f.test").await;
    assert_eq!(st, StatusCode::OK, "the cached report is still served");
}

#[tokio::test]
async fn client_ip_header_behind_a_proxy() {
    let fake = Fake::new();
    let app = router(
        Config {
            rate_per_minute: 1,
            client_ip_header: Some("x-real-ip".parse().unwrap()),
            ..Config::default()
        },
        &fake,
    );
    // All from the proxy's address, but different clients.
    for (i, ip) in ["192.0.2.1", "192.0.2.2", "2001:db8:9::1"]
        .iter()
        .enumerate()
    {
        let mut r = req_from(&format!("/v1/scan?host=p{i}.test"), "127.0.0.1:9");
        r.headers_mut().insert("x-real-ip", ip.parse().unwrap());
        assert_eq!(send(&app, r).await.0, StatusCode::OK, "{ip}");
    }
    let mut r = req_from("/v1/scan?host=p9.test", "127.0.0.1:9");
    r.headers_mut()
        .insert("x-real-ip", "192.0.2.1".parse().unwrap());
    assert_eq!(send(&app, r).await.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn busy_when_slots_and_queue_are_full() {
    let fake = Fake::new();
    let state = AppState::with_scanner(
        Config {
            max_scans: 1,
            queue: 1,
            ..Config::default()
        },
        fake.scanner(),
    );
    let app = app(state.clone());
    let running = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, req("/v1/scan?host=gated-a.test")).await })
    };
    wait_calls(&fake, 1).await;
    let queued = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, req("/v1/scan?host=gated-b.test")).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (st, _, metrics) = get(&app, "/metrics").await;
    assert_eq!(st, StatusCode::OK);
    assert!(metrics.contains("tlslens_scans_active 1"), "{metrics}");
    assert!(metrics.contains("tlslens_scans_queued 1"), "{metrics}");
    let (st, h, body) = get(&app, "/v1/scan?host=gated-c.test").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_code(&body), "busy");
    assert!(h.contains_key(header::RETRY_AFTER));
    // The same target as the running scan still joins it.
    let joined = {
        let app = app.clone();
        tokio::spawn(async move { send(&app, req("/v1/scan?host=gated-a.test")).await })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    fake.open_gate();
    assert_eq!(running.await.unwrap().0, StatusCode::OK);
    assert_eq!(queued.await.unwrap().0, StatusCode::OK);
    assert_eq!(joined.await.unwrap().1["x-cache"], "joined");
    assert_eq!(fake.calls(), 2);
    assert_eq!(state.active_scans(), 0);
}

/// Parses an SSE body into (event, data) pairs.
fn sse_events(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in body.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let mut event = String::from("message");
        let mut data = Vec::new();
        for line in block.lines() {
            if let Some(e) = line
                .strip_prefix("event: ")
                .or_else(|| line.strip_prefix("event:"))
            {
                event = e.to_owned();
            } else if let Some(d) = line
                .strip_prefix("data: ")
                .or_else(|| line.strip_prefix("data:"))
            {
                data.push(d.to_owned());
            } else if line.starts_with(':') {
                // comment / keep-alive
            } else {
                panic!("unexpected SSE line {line:?} in {body:?}");
            }
        }
        if !data.is_empty() {
            out.push((event, data.join("\n")));
        }
    }
    out
}

#[tokio::test]
async fn sse_progress_then_report() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, h, body) = get(&app, "/v1/scan/stream?host=sse.test&port=8443").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/event-stream");
    assert_eq!(h["x-accel-buffering"], "no");
    assert!(body.ends_with("\n\n"), "{body:?}");
    let events = sse_events(&body);
    assert_eq!(events.len(), 3, "{events:?}");
    for (i, (name, data)) in events[..2].iter().enumerate() {
        assert_eq!(name, "progress");
        let v: Value = serde_json::from_str(data).unwrap();
        assert_eq!(v["done"], i + 1);
        assert_eq!(v["total"], 2);
        assert!(v["step"].as_str().unwrap().contains("192.0.2.1"));
    }
    let (name, data) = &events[2];
    assert_eq!(name, "report");
    let v: Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["schema"], "tlslens.report/1");
    assert_eq!(v["target"]["port"], 8443);
    // Cached: one progress event, then the same report.
    let (_, h, body) = get(&app, "/v1/scan/stream?host=sse.test&port=8443").await;
    assert_eq!(h["x-cache"], "hit");
    let cached = sse_events(&body);
    assert_eq!(cached.len(), 2);
    assert_eq!(cached[0].0, "progress");
    assert_eq!(cached[1], events[2]);
    // A failing scan: progress, then an error event with the error JSON.
    let (st, _, body) = get(&app, "/v1/scan/stream?host=down.test").await;
    assert_eq!(st, StatusCode::OK);
    let events = sse_events(&body);
    let (name, data) = events.last().unwrap();
    assert_eq!(name, "error");
    assert_eq!(error_code(data), "unreachable");
    assert!(events[..events.len() - 1]
        .iter()
        .all(|(n, _)| n == "progress"));
    // Errors found before the stream starts are plain HTTP errors.
    let (st, h, body) = get(&app, "/v1/scan/stream?host=127.0.0.1").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    assert_eq!(error_code(&body), "refused");
}

#[tokio::test]
async fn sse_subscribers_joining_late_get_every_step() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let first = {
        let app = app.clone();
        tokio::spawn(async move { get(&app, "/v1/scan/stream?host=gated-sse.test").await })
    };
    wait_calls(&fake, 1).await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    let late = {
        let app = app.clone();
        tokio::spawn(async move { get(&app, "/v1/scan/stream?host=gated-sse.test").await })
    };
    tokio::time::sleep(Duration::from_millis(30)).await;
    fake.open_gate();
    let a = sse_events(&first.await.unwrap().2);
    let b = sse_events(&late.await.unwrap().2);
    assert_eq!(a, b);
    assert_eq!(a.len(), 3);
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn cors_only_for_extensions_and_configured_origins() {
    let fake = Fake::new();
    let app = router(
        Config {
            token: Some("t".into()),
            cors_origins: vec!["https://dash.example.org/".into()],
            ..Config::default()
        },
        &fake,
    );
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/v1/scan?host=example.com")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
            .body(Body::empty())
            .unwrap()
    };
    for origin in [
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "https://dash.example.org",
    ] {
        let (st, h, _) = send(&app, preflight(origin)).await;
        assert!(st.is_success(), "{origin}: {st}");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        let allowed = h[header::ACCESS_CONTROL_ALLOW_HEADERS]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(allowed.contains("authorization"), "{allowed}");
    }
    for origin in [
        "https://evil.example",
        "http://dash.example.org",
        "null",
        "chrome-extension://x.evil.example",
    ] {
        let (_, h, _) = send(&app, preflight(origin)).await;
        assert!(
            !h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
            "{origin}"
        );
    }
    // Error answers carry CORS headers too, so the extension can read them.
    let mut r = req("/v1/scan?host=example.com");
    r.headers_mut().insert(
        header::ORIGIN,
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
            .parse()
            .unwrap(),
    );
    let (st, h, _) = send(&app, r).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(h.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let expose = h[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(expose.contains("retry-after"), "{expose}");
}

#[tokio::test]
async fn unknown_routes_methods_and_long_uris() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, _, body) = get(&app, "/v2/scan").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    let r = Request::post("/v1/scan?host=example.com")
        .body(Body::from("x"))
        .unwrap();
    let (st, _, body) = send(&app, r).await;
    assert_eq!(st, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&body), "method_not_allowed");
    let uri = format!("/v1/scan?host=example.com&pad={}", "x".repeat(4000));
    let (st, _, body) = get(&app, &uri).await;
    assert_eq!(st, StatusCode::URI_TOO_LONG);
    assert_eq!(error_code(&body), "uri_too_long");
    // Unknown parameters are ignored.
    let (st, _, _) = get(&app, "/v1/scan?host=example.com&utm=1").await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_refusals_and_scans() {
    let fake = Fake::new();
    let app = router(
        Config {
            rate_per_minute: 2,
            ..Config::default()
        },
        &fake,
    );
    get(&app, "/v1/scan?host=m1.test").await;
    get(&app, "/v1/scan?host=m1.test").await;
    get(&app, "/v1/scan?host=down.test").await;
    get(&app, "/v1/scan?host=m3.test").await; // 429
    get(&app, "/v1/scan?host=10.0.0.1").await; // 403
    get(&app, "/v1/scan?host=%00").await; // 400
    let (st, h, m) = get(&app, "/metrics").await;
    assert_eq!(st, StatusCode::OK);
    assert!(h[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    for line in [
        "tlslens_http_requests_total{route=\"/v1/scan\",status=\"200\"} 2",
        "tlslens_http_requests_total{route=\"/v1/scan\",status=\"502\"} 1",
        "tlslens_http_requests_total{route=\"/v1/scan\",status=\"429\"} 1",
        "tlslens_http_requests_total{route=\"/v1/scan\",status=\"403\"} 1",
        "tlslens_http_requests_total{route=\"/v1/scan\",status=\"400\"} 1",
        "tlslens_refusals_total{reason=\"rate_limited\"} 1",
        "tlslens_refusals_total{reason=\"refused\"} 1",
        "tlslens_refusals_total{reason=\"bad_input\"} 1",
        "tlslens_scans_total{outcome=\"ok\"} 1",
        "tlslens_scans_total{outcome=\"unreachable\"} 1",
        "tlslens_scan_duration_seconds_count 2",
        "tlslens_scan_duration_seconds_bucket{le=\"+Inf\"} 2",
        "tlslens_cache_hits_total 1",
        "tlslens_cache_misses_total 2",
        "tlslens_scans_active 0",
        "tlslens_scans_queued 0",
        "# TYPE tlslens_scan_duration_seconds histogram",
    ] {
        assert!(m.lines().any(|l| l == line), "missing {line:?} in\n{m}");
    }
}

/// `profile` and `fix` grade the scan's facts again with those options: the
/// report gets `compliance` and `fix` plans, the grade stays the cached
/// one's, and no second scan runs. An unknown profile is 400 and lists the
/// known ones.
#[tokio::test]
async fn profile_and_fix_regrade_the_cached_scan() {
    let fake = Fake::new();
    let app = router(Config::default(), &fake);
    let (st, _, plain) = get(&app, "/v1/scan?host=gate.test").await;
    assert_eq!(st, StatusCode::OK, "{plain}");
    let plain: Value = serde_json::from_str(&plain).unwrap();
    assert!(plain.get("compliance").is_none());
    assert!(plain["endpoints"][0].get("fix").is_none());
    let (st, h, body) = get(
        &app,
        "/v1/scan?host=gate.test&profile=mozilla-intermediate&fix=1",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(h["x-cache"], "hit");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["compliance"]["profile"], "mozilla-intermediate");
    assert_eq!(v["compliance"]["guidelines_version"], "5.7");
    assert_eq!(
        v["endpoints"][0]["compliance"]["profile"],
        "mozilla-intermediate"
    );
    assert_eq!(v["endpoints"][0]["fix"]["goal"], "mozilla-intermediate");
    let servers: Vec<&str> = v["endpoints"][0]["fix"]["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["software"].as_str().unwrap())
        .collect();
    assert_eq!(servers, ["nginx", "apache", "caddy"]);
    assert_eq!(v["grade"], plain["grade"]);
    // fix alone aims at A+.
    let (_, _, body) = get(&app, "/v1/scan?host=gate.test&fix=1").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["endpoints"][0]["fix"]["goal"], "A+");
    assert!(v.get("compliance").is_none());
    // The stream's report event carries the same additions.
    let (_, _, body) = get(&app, "/v1/scan/stream?host=gate.test&profile=mozilla-old").await;
    let events = sse_events(&body);
    let (name, data) = events.last().unwrap();
    assert_eq!(name, "report");
    let v: Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["compliance"]["profile"], "mozilla-old");
    assert_eq!(fake.calls(), 1);
    for (q, needle) in [
        (
            "profile=mozilla",
            "known profiles: mozilla-modern, mozilla-intermediate, mozilla-old",
        ),
        ("profile=MOZILLA-OLD", "known profiles"),
        ("fix=2", "fix must be 1 or 0"),
    ] {
        let (st, _, body) = get(&app, &format!("/v1/scan?host=gate.test&{q}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(error_code(&body), "bad_input");
        assert!(body.contains(needle), "{q}: {body}");
    }
    assert_eq!(fake.calls(), 1);
}
