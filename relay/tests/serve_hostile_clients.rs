//! Hostile clients against a real relay listening on 127.0.0.1 —
//! slow headers, too many connections, huge queries and headers, malformed,
//! unicode and NUL host and port values, IPv6 brackets, smuggling attempts.
//! The scanner is a fake that never touches the network, and must not be
//! reached by any of these requests.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http::{get, raw, Answer, RelayServer};
use tlslens_relay::probe::{ProgressFn, ScanOptions};
use tlslens_relay::resolve::TargetSpec;
use tlslens_relay::serve::app::Scanner;
use tlslens_relay::serve::{AppState, Config, ServerLimits};

fn relay(limits: ServerLimits) -> (RelayServer, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let scanner: Scanner = Arc::new(move |t: TargetSpec, _o: ScanOptions, _p: ProgressFn| {
        c.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            Err(tlslens_relay::Error::Unreachable {
                target: format!("{}:{}", t.host, t.port),
                message: "fake".into(),
                timed_out: false,
            })
        })
    });
    let state = AppState::with_scanner(Config::default(), scanner);
    (RelayServer::start_state(state, limits), calls)
}

fn short_limits() -> ServerLimits {
    ServerLimits {
        header_timeout: Duration::from_secs(1),
        ..ServerLimits::default()
    }
}

fn send(addr: SocketAddr, bytes: &[u8]) -> Option<Answer> {
    raw(addr, bytes, Duration::from_secs(10))
}

fn healthy(addr: SocketAddr) {
    let t = Instant::now();
    let a = get(addr, "/healthz");
    assert_eq!(a.status, 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn hostile_slow_headers_are_cut_off() {
    let (relay, _) = relay(short_limits());
    let mut s = TcpStream::connect(relay.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut w = s.try_clone().unwrap();
    let writer = std::thread::spawn(move || {
        for i in 0..30 {
            std::thread::sleep(Duration::from_millis(200));
            if w.write_all(format!("X-Slow-{i}: y\r\n").as_bytes())
                .is_err()
            {
                return;
            }
        }
    });
    let start = Instant::now();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "closed after {took:?}");
    let text = String::from_utf8_lossy(&buf);
    assert!(!text.contains(" 200 "), "{text}");
    writer.join().unwrap();
    healthy(relay.addr);
}

#[test]
fn hostile_idle_connections_do_not_starve_others() {
    let (relay, _) = relay(short_limits());
    let idle: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = TcpStream::connect(relay.addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    healthy(relay.addr);
    drop(idle);
}

#[test]
fn hostile_connection_cap() {
    let (relay, _) = relay(ServerLimits {
        max_connections: 8,
        header_timeout: Duration::from_secs(2),
        ..ServerLimits::default()
    });
    let idle: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(relay.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    // The ninth is closed at once without an answer.
    let mut extra = TcpStream::connect(relay.addr).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut buf = Vec::new();
    let _ = extra.read_to_end(&mut buf);
    assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    // Once the idle ones time out, service resumes.
    drop(idle);
    std::thread::sleep(Duration::from_millis(300));
    let a = get(relay.addr, "/metrics");
    assert_eq!(a.status, 200);
    assert!(
        a.body
            .lines()
            .any(|l| l.starts_with("tlslens_dropped_connections_total ") && !l.ends_with(" 0")),
        "{}",
        a.body
    );
}

#[test]
fn hostile_huge_query_and_headers() {
    let (relay, calls) = relay(short_limits());
    // Over the header buffer: hyper answers 431 (or closes).
    let huge = format!(
        "GET /v1/scan?host={}.example HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    match send(relay.addr, huge.as_bytes()) {
        None => {}
        Some(a) => assert!(matches!(a.status, 414 | 431 | 400), "{}", a.status),
    }
    // Over the URI limit but within the buffer: our 414 with JSON.
    let long = format!(
        "GET /v1/scan?host=example.com&x={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(4000)
    );
    let a = send(relay.addr, long.as_bytes()).unwrap();
    assert_eq!(a.status, 414);
    assert_eq!(a.error_code(), "uri_too_long");
    let big_header = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(20_000)
    );
    if let Some(a) = send(relay.addr, big_header.as_bytes()) {
        assert_eq!(a.status, 431);
    }
    let mut many = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for i in 0..200 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("Connection: close\r\n\r\n");
    if let Some(a) = send(relay.addr, many.as_bytes()) {
        assert_eq!(a.status, 431);
    }
    // A body on a GET is bounded too.
    let body = format!(
        "GET /v1/scan?host=%00 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{}",
        "z".repeat(1000)
    );
    if let Some(a) = send(relay.addr, body.as_bytes()) {
        assert!(matches!(a.status, 400 | 413), "{}", a.status);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    healthy(relay.addr);
}

#[test]
fn hostile_malformed_unicode_nul_and_brackets() {
    let (relay, calls) = relay(short_limits());
    let line = |target: &[u8]| {
        let mut r = b"GET ".to_vec();
        r.extend_from_slice(target);
        r.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        r
    };
    // (request target, acceptable statuses)
    let cases: Vec<(Vec<u8>, &[u16])> = vec![
        (b"/v1/scan?host=%00".to_vec(), &[400]),
        (b"/v1/scan?host=example.com%00".to_vec(), &[400]),
        (b"/v1/scan?host=ex%0d%0aample.com".to_vec(), &[400]),
        ("/v1/scan?host=bücher.example".as_bytes().to_vec(), &[400]),
        (b"/v1/scan?host=b%C3%BCcher.example".to_vec(), &[400]),
        (b"/v1/scan?host=%F0%9F%98%80".to_vec(), &[400]),
        (b"/v1/scan?host=%C0%80".to_vec(), &[400]),
        (b"/v1/scan?host=%ZZ".to_vec(), &[400]),
        (
            b"/v1/scan?host=example.com&port=%F0%9F%98%80".to_vec(),
            &[400],
        ),
        (b"/v1/scan?host=example.com&port=4%2043".to_vec(), &[400]),
        (b"/v1/scan?host=example.com&port=0x1bb".to_vec(), &[400]),
        (b"/v1/scan?host=example.com&port=65536".to_vec(), &[400]),
        (b"/v1/scan?host=example.com&port=-443".to_vec(), &[400]),
        (b"/v1/scan?host=[::1".to_vec(), &[400]),
        (b"/v1/scan?host=[::1]:443".to_vec(), &[400]),
        (b"/v1/scan?host=[[::1]]".to_vec(), &[400]),
        (b"/v1/scan?host=[127.0.0.1]".to_vec(), &[400]),
        (b"/v1/scan?host=::1%25lo".to_vec(), &[400]),
        // Brackets, raw or encoded, around a loopback address: refused.
        (b"/v1/scan?host=[::1]".to_vec(), &[403, 400]),
        (b"/v1/scan?host=%5B::1%5D&port=443".to_vec(), &[403]),
        (b"/v1/scan?host=%5B::ffff:127.0.0.1%5D".to_vec(), &[403]),
        (b"/v1/scan?host=0x7f.1".to_vec(), &[403]),
        (b"/v1/scan?host[]=a".to_vec(), &[400]),
        (b"/v1/scan?host=a&host=b".to_vec(), &[400]),
        (b"/v1/scan?%00=1".to_vec(), &[400]),
        (b"/v1/scan?host=\x01".to_vec(), &[400]),
        (b"/v1/scan/../../etc/passwd".to_vec(), &[404, 400]),
        (b"/%2e%2e/metrics".to_vec(), &[404, 400]),
        (b"*".to_vec(), &[400, 404]),
        (b"http://evil.example/v1/scan?host=%00".to_vec(), &[400]),
    ];
    for (target, ok) in &cases {
        let a = send(relay.addr, &line(target));
        let shown = String::from_utf8_lossy(target);
        let Some(a) = a else {
            panic!("{shown}: closed without an answer");
        };
        assert!(ok.contains(&a.status), "{shown}: {} {}", a.status, a.body);
        if a.header("content-type") == Some("application/json") {
            assert!(!a.error_code().is_empty(), "{shown}: {}", a.body);
        }
    }
    // Malformed HTTP: hyper answers 400 or closes; never a 2xx.
    let raw_cases: Vec<&[u8]> = vec![
        b"GET /v1/scan?host=\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX: \xff\xfe\r\nConnection: close\r\n\r\n",
    ];
    for r in raw_cases {
        if let Some(a) = send(relay.addr, r) {
            assert!(
                !(200..300).contains(&a.status) || r.contains(&0xff),
                "{:?}: {}",
                String::from_utf8_lossy(r),
                a.status
            );
        }
    }
    // Content-Length with Transfer-Encoding: answered by the chunked
    // framing (RFC 9112 §6.3) and the connection is closed afterwards, so
    // nothing can be smuggled behind it.
    let start = Instant::now();
    let a = send(
        relay.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    if let Some(a) = a {
        assert!(matches!(a.status, 200 | 400), "{}", a.status);
        assert!(!a.body.contains("tlslens_"), "smuggled: {}", a.body);
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "connection kept open"
    );
    // Wrong methods.
    let a = send(
        relay.addr,
        b"DELETE /v1/scan?host=example.com HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(a.status, 405);
    assert_eq!(a.error_code(), "method_not_allowed");
    // HTTP/1.0, pipelining.
    let a = send(relay.addr, b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(a.status, 200);
    let mut s = TcpStream::connect(relay.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert_eq!(
        String::from_utf8_lossy(&buf)
            .matches("HTTP/1.1 200")
            .count(),
        3
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "nothing reached the scanner"
    );
    healthy(relay.addr);
}
