//! Slowloris benchmark of `tlslens-relay serve` (ignored by default;
//! `scripts/slowloris-relay.sh` runs it in release mode): one address
//! (127.0.0.1) keeps `SLOWLORIS_CONNECTIONS` (1,100) connections open that
//! never finish their request head — a header line every second, reconnecting
//! at once when dropped — while another address (127.0.0.2) asks for
//! `/healthz` and a cached report one request after the other, each on a new
//! connection with a 5 s limit. Prints the other client's success rate and
//! latency, the attacker's reconnections, the relay's shed and dropped
//! connections, and its peak RSS (VmHWM); fails when the other client gets
//! under 90 % of its requests answered or the peak RSS is over
//! `SLOWLORIS_MAX_RSS_MB` (256).
//!
//! Knobs: `SLOWLORIS_CONNECTIONS` (1100), `SLOWLORIS_SECS` (20, at most 60),
//! `SLOWLORIS_MAX_RSS_MB` (256), `SLOWLORIS_RELAY_BIN` (another relay binary,
//! to compare), `SLOWLORIS_RELAY_ARGS` (extra `serve` flags, space-separated).

#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn proc_kb(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The attacker's counters.
#[derive(Default)]
struct Attack {
    open: AtomicUsize,
    connects: AtomicU64,
    stop: AtomicBool,
}

/// One slowloris connection, reopened whenever the relay drops it.
async fn slowloris(addr: SocketAddr, attack: Arc<Attack>) {
    while !attack.stop.load(Ordering::Relaxed) {
        let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        attack.connects.fetch_add(1, Ordering::Relaxed);
        attack.open.fetch_add(1, Ordering::Relaxed);
        let mut ok = s
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .is_ok();
        let mut buf = [0u8; 512];
        while ok && !attack.stop.load(Ordering::Relaxed) {
            // A header line a second; an answer or a close ends it.
            tokio::select! {
                _ = s.read(&mut buf) => ok = false,
                () = tokio::time::sleep(Duration::from_secs(1)) => {
                    ok = s.write_all(b"X-Slow: 1\r\n").await.is_ok();
                }
            }
        }
        attack.open.fetch_sub(1, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The relay: `SLOWLORIS_RELAY_BIN` or this build's, with `args`.
fn start_relay(addr: SocketAddr, args: &[String]) -> Proc {
    let bin = std::env::var("SLOWLORIS_RELAY_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_tlslens-relay").to_owned());
    let extra: Vec<String> = std::env::var("SLOWLORIS_RELAY_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let child = std::process::Command::new(bin)
        .args(["serve", "--listen", &addr.to_string()])
        .args(args)
        .args(extra)
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let p = Proc(child);
    wait_listening(addr);
    p
}

#[test]
#[ignore = "benchmark: run scripts/slowloris-relay.sh"]
fn slowloris_from_one_address_leaves_room_for_others() {
    let conns = env_num("SLOWLORIS_CONNECTIONS", 1100) as usize;
    let secs = env_num("SLOWLORIS_SECS", 20).clamp(1, 60);
    let max_rss_mb = env_num("SLOWLORIS_MAX_RSS_MB", 256);
    let fds = rlimit::increase_nofile_limit(8192).unwrap();
    assert!(
        fds as usize > conns + 200,
        "raise the file limit (ulimit -n): {fds}"
    );

    // A loopback TLS server, so the other client can ask for a cached report.
    let pki = Pki::new("Slow");
    let leaf = pki.leaf(&["slow.test"], Key::P256, false);
    let target_port = free_port();
    let versions: &[&'static rustls::SupportedProtocolVersion] =
        &[&rustls::version::TLS13, &rustls::version::TLS12];
    rustls_server(
        SocketAddr::from(([127, 0, 0, 1], target_port)),
        rustls_config(
            &[leaf.der.clone(), pki.inter.der.clone()],
            &leaf.key_pem,
            versions,
        ),
        "",
    );
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let resolve = format!("slow.test:{target_port}:127.0.0.1");
    let relay = start_relay(
        addr,
        &[
            "--allow-private".into(),
            "--resolve".into(),
            resolve,
            "--cache-ttl".into(),
            "600".into(),
            "--rate-per-minute".into(),
            "0".into(),
        ],
    );
    let pid = relay.0.id();
    let other: IpAddr = "127.0.0.2".parse().unwrap();
    let report = format!("/v1/scan?host=slow.test&port={target_port}");
    let warm = http::get_from(other, addr, &report, Duration::from_secs(60)).unwrap();
    assert_eq!(warm.status, 200, "{}", warm.body);
    let idle_rss = proc_kb(pid, "VmRSS:");

    // The attack, from 127.0.0.1.
    let attack = Arc::new(Attack::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for _ in 0..conns {
        rt.spawn(slowloris(addr, attack.clone()));
    }
    let ramp = Instant::now();
    while attack.open.load(Ordering::Relaxed) < conns.min(900)
        && ramp.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_secs(1));

    // The other client, from 127.0.0.2.
    let mut peak = 0;
    let (mut ok, mut total) = (0u64, 0u64);
    let mut latencies = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        let path = if total % 2 == 0 {
            "/healthz"
        } else {
            report.as_str()
        };
        let t = Instant::now();
        let got = http::get_from(other, addr, path, Duration::from_secs(5));
        total += 1;
        if got.is_some_and(|a| a.status == 200) {
            ok += 1;
            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        peak = peak.max(proc_kb(pid, "VmRSS:"));
        std::thread::sleep(Duration::from_millis(50));
    }
    let held = attack.open.load(Ordering::Relaxed);
    let connects = attack.connects.load(Ordering::Relaxed);
    attack.stop.store(true, Ordering::Relaxed);
    let metrics = http::get_from(other, addr, "/metrics", Duration::from_secs(5))
        .map(|a| a.body)
        .unwrap_or_default();
    let metric = |name: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .unwrap_or("?")
            .to_owned()
    };
    let hwm = proc_kb(pid, "VmHWM:");
    let peak = peak.max(hwm);
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        latencies[((latencies.len() as f64 - 1.0) * p).round() as usize]
    };
    let success = if total == 0 {
        0.0
    } else {
        ok as f64 * 100.0 / total as f64
    };
    println!(
        "SLOWLORIS connections={conns} secs={secs} attacker_open_at_end={held} attacker_connects={connects} other_requests={total} other_ok={ok} success={success:.1}% p50_ms={:.1} p99_ms={:.1} max_ms={:.1} shed={} dropped={} open_now={} idle_rss_mb={:.1} peak_rss_mb={:.1}",
        pct(0.5),
        pct(0.99),
        pct(1.0),
        metric("tlslens_shed_connections_total"),
        metric("tlslens_dropped_connections_total"),
        metric("tlslens_http_connections_open"),
        idle_rss as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
    rt.shutdown_timeout(Duration::from_secs(1));
    assert!(
        success >= 90.0,
        "the other client got {ok} of {total} answers"
    );
    assert!(
        peak / 1024 < max_rss_mb,
        "peak RSS {} MB over {max_rss_mb} MB",
        peak / 1024
    );
}
