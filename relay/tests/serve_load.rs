//! Load test of `serve` (ignored by default; `scripts/load-relay.sh` runs it in
//! release mode): 200 concurrent keep-alive clients against a `tlslens-relay
//! serve` process on 127.0.0.1 for a bounded time, all asking for a cached
//! report of a loopback rustls server — so it measures the service, not
//! scanning. Fails on any answer but 200 or 429, or on unbounded memory;
//! prints p50/p99 latency, throughput and the relay's peak RSS (VmHWM from
//! /proc).
//!
//! Knobs: `LOAD_CLIENTS` (200), `LOAD_SECS` (20, at most 30),
//! `LOAD_MAX_RSS_MB` (256).

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

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

/// Reads one HTTP/1.1 answer with a Content-Length body; returns the status.
fn read_answer(r: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(std::io::ErrorKind::InvalidData)?;
    let mut len = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    Ok(status)
}

#[test]
#[ignore = "load test: run scripts/load-relay.sh"]
fn load_200_clients_cached_report() {
    let clients = env_num("LOAD_CLIENTS", 200) as usize;
    let secs = env_num("LOAD_SECS", 20).clamp(1, 30);
    let max_rss_mb = env_num("LOAD_MAX_RSS_MB", 256);

    // The target: a loopback rustls server.
    let pki = Pki::new("Load");
    let leaf = pki.leaf(&["load.test"], Key::P256, false);
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
        "Strict-Transport-Security: max-age=63072000\r\n",
    );

    // The relay, as its own process (so its RSS is its own).
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let resolve = format!("load.test:{target_port}:127.0.0.1");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args(["serve", "--listen", &addr.to_string(), "--allow-private"])
        .args(["--resolve", &resolve, "--cache-ttl", "600"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let relay = Proc(child);
    wait_listening(addr);
    let pid = relay.0.id();
    let path = format!("/v1/scan?host=load.test&port={target_port}");

    // Warm the cache (one real scan).
    let warm = common::http::get(addr, &path);
    assert_eq!(warm.status, 200, "{}", warm.body);
    assert_eq!(warm.header("x-cache"), Some("miss"));
    let idle_rss = proc_kb(pid, "VmRSS:");

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let limited = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<u32>::with_capacity(1 << 20)));
    let peak_sampled = Arc::new(AtomicU64::new(0));
    let sampler = {
        let stop = stop.clone();
        let peak = peak_sampled.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(proc_kb(pid, "VmRSS:"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let stop = stop.clone();
            let errors = errors.clone();
            let limited = limited.clone();
            let latencies = latencies.clone();
            let request = request.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::with_capacity(4096);
                let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
                while !stop.load(Ordering::Relaxed) {
                    if conn.is_none() {
                        match TcpStream::connect(addr) {
                            Ok(s) => {
                                let _ = s.set_nodelay(true);
                                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                                let r = BufReader::new(s.try_clone().unwrap());
                                conn = Some((s, r));
                            }
                            Err(_) => {
                                errors.fetch_add(1, Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(10));
                                continue;
                            }
                        }
                    }
                    let Some((w, r)) = conn.as_mut() else {
                        continue;
                    };
                    let t = Instant::now();
                    let ok = w
                        .write_all(request.as_bytes())
                        .and_then(|()| read_answer(r));
                    match ok {
                        Ok(200) => mine.push(t.elapsed().as_micros() as u32),
                        Ok(429) => {
                            limited.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(_) | Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            conn = None;
                        }
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    sampler.join().unwrap();
    let hwm = proc_kb(pid, "VmHWM:");
    let peak = peak_sampled.load(Ordering::Relaxed).max(hwm);
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 - 1.0) * p).round() as usize;
        f64::from(lat[i]) / 1000.0
    };
    let errors = errors.load(Ordering::Relaxed);
    let limited = limited.load(Ordering::Relaxed);
    let metrics = common::http::get(addr, "/metrics").body;
    let scans = metrics
        .lines()
        .find(|l| l.starts_with("tlslens_scans_total{outcome=\"ok\"}"))
        .unwrap_or("")
        .to_owned();
    println!(
        "LOAD clients={clients} secs={elapsed:.1} requests={} rps={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} errors={errors} http429={limited} idle_rss_mb={:.1} peak_rss_mb={:.1} ({scans})",
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        idle_rss as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
    assert_eq!(errors, 0, "only 200 and 429 are allowed");
    assert!(!lat.is_empty());
    assert!(
        peak / 1024 < max_rss_mb,
        "peak RSS {} MB over {max_rss_mb} MB",
        peak / 1024
    );
    assert!(
        scans.ends_with(" 1"),
        "the load was served from the cache: {scans}"
    );
}
