//! The scanner on IPv6 endpoints, the connection cap shared by a target's
//! addresses, and AIA completion of an incomplete chain.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use rcgen::{CertificateParams, CustomExtension, DnType, KeyPair};

#[test]
fn ipv6_endpoint() {
    let Ok(probe) = TcpListener::bind("[::1]:0") else {
        eprintln!("SKIPPED: no IPv6 loopback on this machine");
        return;
    };
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let pki = Pki::new("Six");
    let leaf = pki.leaf(&["six.test"], Key::P256, false);
    let chain = vec![leaf.der.clone(), pki.inter.der.clone()];
    let both: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    rustls_server(
        SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        rustls_config(&chain, &leaf.key_pem, both),
        "",
    );
    let report = scan_json("six.test", port, "[::1]", &[]);
    let ep = &report["endpoints"][0];
    assert_eq!(ep["ip"], "::1");
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.2", "TLSv1.3"], "{ep}");
    assert!(ep["hsts"].is_null());
    // An IPv6 literal target works too.
    let target = format!("[::1]:{port}");
    let (code, out, err) = relay(&["scan", &target, "--json", "--allow-private"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["endpoints"][0]["ip"], "::1");
}

/// A server that refuses every hello after 30 ms, counting how many
/// connections are open at once; on 127.0.0.1, or on .1 and .2 with `pair`.
/// Returns the port and the peak count.
fn counting_server(pair: bool) -> (u16, Arc<AtomicUsize>) {
    let current = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let p = peak.clone();
    let behave = move |mut s: TcpStream| {
        let now = current.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        read_hello(&mut s);
        std::thread::sleep(Duration::from_millis(30));
        // Leave the count before answering: the client may open its next
        // connection as soon as it has the answer.
        current.fetch_sub(1, Ordering::SeqCst);
        // A fatal handshake_failure alert.
        let _ = s.write_all(&[21, 3, 3, 0, 2, 2, 40]);
    };
    let port = if pair {
        hostile_pair(behave)
    } else {
        hostile(behave)
    };
    (port, peak)
}

#[test]
fn max_connections_is_respected() {
    let (port, peak) = counting_server(false);
    let target = format!("127.0.0.1:{port}");
    let (code, _, err) = relay(&[
        "scan",
        &target,
        "--json",
        "--allow-private",
        "--max-connections",
        "2",
        "--timeout",
        "20",
    ]);
    // The server refuses every hello: nothing is reachable over TLS.
    assert_eq!(code, 5, "{err}");
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=2).contains(&peak), "peak {peak}");
}

#[test]
fn connection_cap_is_per_target_across_addresses() {
    let (port, peak) = counting_server(true);
    let target = format!("pair.test:{port}");
    let resolve = format!("pair.test:{port}:127.0.0.1,127.0.0.2");
    let (code, out, err) = relay(&[
        "scan",
        &target,
        "--json",
        "--allow-private",
        "--resolve",
        &resolve,
        "--max-connections",
        "3",
        "--timeout",
        "20",
    ]);
    assert_eq!(code, 5, "{err}{out}");
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=3).contains(&peak), "peak {peak} over both addresses");
}

/// The DER of an AuthorityInfoAccess extension with one caIssuers URL.
fn aia_extension(url: &str) -> CustomExtension {
    let u = url.as_bytes();
    assert!(u.len() < 100);
    let oid = [0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let mut ad = oid.to_vec();
    ad.push(0x86);
    ad.push(u.len() as u8);
    ad.extend_from_slice(u);
    let mut access = vec![0x30, ad.len() as u8];
    access.extend(ad);
    let mut seq = vec![0x30, access.len() as u8];
    seq.extend(access);
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq)
}

#[test]
fn aia_completes_an_incomplete_chain() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Aia");
    let root = pki.write_root(dir.path());
    // An HTTP server handing out the intermediate.
    let http = TcpListener::bind("127.0.0.1:0").unwrap();
    let http_port = http.local_addr().unwrap().port();
    let inter = pki.inter.der.clone();
    let fetched = Arc::new(AtomicUsize::new(0));
    let f = fetched.clone();
    std::thread::spawn(move || {
        for s in http.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            f.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-cert\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                inter.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&inter);
        }
    });
    // A leaf naming that URL, served without its intermediate.
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::new(vec!["aia.test".to_owned()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "aia.test");
    p.use_authority_key_identifier_extension = true;
    p.not_before = rcgen::date_time_ymd(2025, 1, 1);
    p.not_after = rcgen::date_time_ymd(2035, 1, 1);
    p.custom_extensions.push(aia_extension(&format!(
        "http://127.0.0.1:{http_port}/inter.der"
    )));
    let leaf = p.signed_by(&key, &pki.inter_issuer()).unwrap();
    let both: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    let port = free_port();
    rustls_server(
        SocketAddr::from(([127, 0, 0, 1], port)),
        rustls_config(&[leaf.der().to_vec()], &key.serialize_pem(), both),
        "",
    );
    let report = scan_json(
        "aia.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let chain = &report["endpoints"][0]["chain"];
    assert!(fetched.load(Ordering::SeqCst) >= 1);
    let sources: Vec<&str> = chain["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["source"].as_str())
        .collect();
    assert!(sources.contains(&"aia"), "{chain}");
    assert_eq!(chain["trusted"], true, "{chain}");
    assert!(
        strings(&chain["issues"]).contains(&"incomplete_chain".to_owned()),
        "{chain}"
    );
}

#[test]
fn scan_takes_its_time_from_the_given_clock() {
    let pki = Pki::new("Clock");
    let leaf = pki.leaf(&["clock.test"], Key::P256, false);
    let chain = vec![leaf.der.clone(), pki.inter.der.clone()];
    let both: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    let port = free_port();
    rustls_server(
        SocketAddr::from(([127, 0, 0, 1], port)),
        rustls_config(&chain, &leaf.key_pem, both),
        "",
    );
    let target = tlslens_relay::resolve::parse_target(&format!("clock.test:{port}")).unwrap();
    let resolve =
        tlslens_relay::resolve::parse_resolve(&format!("clock.test:{port}:127.0.0.1")).unwrap();
    let opts = tlslens_relay::ScanOptions {
        allow_private: true,
        resolve: vec![resolve],
        clock: Arc::new(tlslens_relay::clock::FixedClock::new(1_800_000_000)),
        ..tlslens_relay::ScanOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let facts = rt
        .block_on(tlslens_relay::scan(&target, &opts, None))
        .unwrap();
    assert_eq!(facts.started_at.as_deref(), Some("2027-01-15T08:00:00Z"));
    assert_eq!(facts.endpoints.len(), 1);
    assert!(facts.endpoints[0].chain.is_some());
}
