//! The Heartbleed and CCS injection probes. Scripted servers built on
//! the relay's codec play vulnerable and patched OpenSSLs (no maintained TLS
//! library still has either bug); real servers (OpenSSL 3 `s_server`, rustls,
//! nginx) must never be flagged.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tlslens_relay::codec::{
    encode_records, Alert, AlertDescription, Certificate, CipherSuite, ClientHello, ContentType,
    Extension, ExtensionType, HeartbeatMessage, ProtocolVersion, RecordReader, ServerHello,
    ServerHelloDone,
};
use tlslens_relay::probe::{scan, ScanOptions};
use tlslens_relay::resolve::{parse_resolve, parse_target};

/// RSA key exchange suites: no ServerKeyExchange to script.
const SUITES: [CipherSuite; 2] = [CipherSuite(0x009C), CipherSuite(0x002F)];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Heartbeat {
    /// No heartbeat extension in the ServerHello.
    Unsupported,
    /// Echoes the extension and answers a request with the claimed length
    /// of "memory" (OpenSSL 1.0.1–1.0.1f).
    Bleeds,
    /// Echoes the extension and drops malformed requests (OpenSSL 1.0.1g+).
    Patched,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ccs {
    /// `unexpected_message` on an early ChangeCipherSpec.
    Patched,
    /// Accepts it silently, then fails to decrypt the next record.
    Vulnerable,
    /// Never answers anything after its flight.
    Silent,
}

#[derive(Clone, Copy, Debug)]
struct Script {
    heartbeat: Heartbeat,
    ccs: Ccs,
}

fn alert(v: ProtocolVersion, d: AlertDescription) -> Vec<u8> {
    encode_records(ContentType::ALERT, v, &Alert::fatal(d).encode())
}

fn flight(
    hello: &ClientHello,
    chain: &[Vec<u8>],
    script: Script,
) -> Result<(ProtocolVersion, Vec<u8>), Vec<u8>> {
    if hello.client_version < ProtocolVersion::TLS10 {
        return Err(alert(
            ProtocolVersion::TLS10,
            AlertDescription::PROTOCOL_VERSION,
        ));
    }
    let version = hello.client_version.min(ProtocolVersion::TLS12);
    let Some(suite) = SUITES
        .iter()
        .copied()
        .find(|s| hello.cipher_suites.contains(s))
    else {
        return Err(alert(version, AlertDescription::HANDSHAKE_FAILURE));
    };
    let mut sh = ServerHello::new(version, [7; 32], suite);
    if script.heartbeat != Heartbeat::Unsupported
        && hello.extension(ExtensionType::HEARTBEAT).is_some()
    {
        sh.extensions
            .push(Extension::new(ExtensionType::HEARTBEAT, vec![1]));
    }
    let mut out = Vec::new();
    for msg in [
        sh.to_message().unwrap(),
        Certificate {
            certificates: chain.to_vec(),
        }
        .to_message()
        .unwrap(),
        ServerHelloDone.to_message().unwrap(),
    ] {
        out.extend(encode_records(
            ContentType::HANDSHAKE,
            version,
            &msg.encode().unwrap(),
        ));
    }
    Ok((version, out))
}

/// One connection of a scripted server: the hello, the flight, then what
/// the client sends on.
fn serve(mut s: TcpStream, chain: Vec<Vec<u8>>, script: Script) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
    let (hello, used) = loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf[0] & 0x80 != 0 {
            return; // SSLv2
        }
        match ClientHello::read_records(&buf) {
            Ok(Some(h)) => break h,
            Ok(None) => continue,
            Err(_) => return,
        }
    };
    let version = match flight(&hello, &chain, script) {
        Ok((version, out)) => {
            let _ = s.write_all(&out);
            version
        }
        Err(refusal) => {
            let _ = s.write_all(&refusal);
            return;
        }
    };
    let mut reader = RecordReader::new();
    reader.push(&buf[used..]);
    let mut ccs_seen = false;
    loop {
        while let Ok(Some(record)) = reader.next_record() {
            match record.content_type {
                ContentType::HEARTBEAT if script.heartbeat == Heartbeat::Bleeds => {
                    let req = HeartbeatMessage::read(&record.payload).unwrap();
                    let claimed = usize::from(req.payload_length);
                    let leak = HeartbeatMessage {
                        message_type: 2,
                        payload_length: req.payload_length,
                        data: (0..claimed + 16).map(|i| (i * 7 % 256) as u8).collect(),
                    };
                    let _ = s.write_all(&leak.encode_records(version));
                }
                ContentType::CHANGE_CIPHER_SPEC if script.ccs == Ccs::Patched => {
                    let _ = s.write_all(&alert(version, AlertDescription::UNEXPECTED_MESSAGE));
                    return;
                }
                ContentType::CHANGE_CIPHER_SPEC if script.ccs == Ccs::Vulnerable && !ccs_seen => {
                    ccs_seen = true
                }
                _ if ccs_seen => {
                    // Read as ciphertext under keys from an empty master
                    // secret: the MAC cannot match.
                    let _ = s.write_all(&alert(version, AlertDescription::BAD_RECORD_MAC));
                    return;
                }
                _ => {}
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => reader.push(&chunk[..n]),
        }
    }
}

/// A scripted server for `vuln.test` with a chain from `pki`.
fn scripted(pki: &Pki, script: Script) -> u16 {
    let chain = vuln_chain(pki);
    hostile(move |s| serve(s, chain.clone(), script))
}

fn vuln_chain(pki: &Pki) -> Vec<Vec<u8>> {
    let leaf = pki.leaf(&["vuln.test"], Key::P256, false);
    vec![leaf.der, pki.inter.der.clone()]
}

/// `scan_json` for `vuln.test`, trusting `pki`'s root.
fn scan_vuln(pki: &Pki, port: u16) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let root = pki.write_root(dir.path());
    scan_json(
        "vuln.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    )
}

/// The endpoint's facts (which carry the timings the report leaves out), as
/// JSON, from a scan through the library.
fn facts(host: &str, port: u16, anchors: Vec<tlslens_core::Der>) -> Value {
    let target = parse_target(&format!("{host}:{port}")).unwrap();
    let opts = ScanOptions {
        allow_private: true,
        resolve: vec![parse_resolve(&format!("{host}:{port}:127.0.0.1")).unwrap()],
        extra_anchors: anchors,
        ..ScanOptions::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let facts = rt.block_on(scan(&target, &opts, None)).unwrap();
    serde_json::to_value(&facts.endpoints[0]).unwrap()
}

fn caps(ep: &Value) -> Vec<String> {
    ep["caps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect()
}

fn probe_errors(ep: &Value) -> Vec<String> {
    ep["probe_errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| format!("{} {}", e["probe"], e["code"]))
                .collect()
        })
        .unwrap_or_default()
}

fn timing(ep: &Value, probe: &str) -> Option<u64> {
    ep["timings"]
        .as_array()?
        .iter()
        .find(|t| t["probe"] == probe)
        .and_then(|t| t["ms"].as_u64())
}

#[test]
fn vulnerable_scripted_server_heartbleed_and_ccs() {
    let pki = Pki::new("Bleed");
    let port = scripted(
        &pki,
        Script {
            heartbeat: Heartbeat::Bleeds,
            ccs: Ccs::Vulnerable,
        },
    );
    let report = scan_vuln(&pki, port);
    let ep = &report["endpoints"][0];
    assert_eq!(
        strings(&ep["protocols"]),
        ["TLSv1.0", "TLSv1.1", "TLSv1.2"],
        "{ep}"
    );
    assert_eq!(weakness(ep, "heartbleed")["status"], "vulnerable", "{ep}");
    assert_eq!(
        weakness(ep, "ccs_injection")["status"],
        "vulnerable",
        "{ep}"
    );
    assert_eq!(ep["chain"]["trusted"], true, "{}", ep["chain"]);
    assert_eq!(ep["grade"], "F", "{ep}");
    let caps = caps(ep);
    assert!(caps.iter().any(|c| c == "heartbleed"), "{caps:?}");
    assert!(caps.iter().any(|c| c == "ccs_injection"), "{caps:?}");
    // This script fakes only the first flight, so the probes that need a
    // whole handshake (ROBOT, POODLE-TLS, renegotiation) fail and say so;
    // the two probed here ran without error.
    assert!(
        !probe_errors(ep)
            .iter()
            .any(|e| e.contains("vuln:heartbleed") || e.contains("vuln:ccs_injection")),
        "{:?}",
        probe_errors(ep)
    );
    assert_eq!(weakness(ep, "robot")["status"], "not_tested", "{ep}");
    // The human output says so.
    let target = format!("vuln.test:{port}");
    let resolve = format!("vuln.test:{port}:127.0.0.1");
    let (_, out, err) = relay(&[
        "scan",
        &target,
        "--allow-private",
        "--resolve",
        &resolve,
        "--no-color",
    ]);
    // One line per weakness.
    for name in [
        "Heartbleed (CVE-2014-0160)",
        "CCS injection (CVE-2014-0224)",
    ] {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(name) && l.contains("VULNERABLE")),
            "{name}: {out}\n{err}"
        );
    }
}

#[test]
fn patched_heartbeat_server_not_flagged() {
    // Heartbeats on, the malformed request dropped; CCS refused.
    let pki = Pki::new("Patched");
    let port = scripted(
        &pki,
        Script {
            heartbeat: Heartbeat::Patched,
            ccs: Ccs::Patched,
        },
    );
    let start = Instant::now();
    let ep = &facts("vuln.test", port, vec![]);
    assert_eq!(
        ep["vulnerabilities"]["heartbleed"]["status"], "not_vulnerable",
        "{ep}"
    );
    assert_eq!(
        ep["vulnerabilities"]["ccs_injection"]["status"], "not_vulnerable",
        "{ep}"
    );
    // The silent heartbeat costs its short wait, not the scan's timeout.
    let ms = timing(ep, "vulnerabilities").unwrap();
    assert!((2500..8000).contains(&ms), "{ms} ms");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn no_heartbeat_and_silent_after_ccs_not_flagged() {
    // No heartbeat extension: not vulnerable without a heartbeat sent. A
    // server silent after the early ChangeCipherSpecs proves nothing either
    // (nmap and testssl.sh agree): not vulnerable.
    let pki = Pki::new("Silent");
    let port = scripted(
        &pki,
        Script {
            heartbeat: Heartbeat::Unsupported,
            ccs: Ccs::Silent,
        },
    );
    let report = scan_vuln(&pki, port);
    let ep = &report["endpoints"][0];
    assert_eq!(
        weakness(ep, "heartbleed")["status"],
        "not_vulnerable",
        "{ep}"
    );
    assert_eq!(
        weakness(ep, "ccs_injection")["status"],
        "not_vulnerable",
        "{ep}"
    );
}

#[test]
fn vuln_probes_fail_as_not_tested() {
    // Answers suite probes normally, but resets every connection that offers
    // the heartbeat extension: Heartbleed cannot be tested.
    let pki = Pki::new("Reset");
    let chain = vuln_chain(&pki);
    let port = hostile(move |mut s| {
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        loop {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            if buf[0] & 0x80 != 0 {
                return;
            }
            match ClientHello::read_records(&buf) {
                // Closed without an answer.
                Ok(Some((h, _))) if h.extension(ExtensionType::HEARTBEAT).is_some() => return,
                Ok(Some(_)) => break,
                Ok(None) => continue,
                Err(_) => return,
            }
        }
        serve_again(s, &buf, &chain);
    });
    let report = scan_vuln(&pki, port);
    let ep = &report["endpoints"][0];
    assert_eq!(weakness(ep, "heartbleed")["status"], "not_tested", "{ep}");
    assert!(
        probe_errors(ep)
            .iter()
            .any(|e| e.starts_with("\"vuln:heartbleed\"")),
        "{:?}",
        probe_errors(ep)
    );
    assert_eq!(
        weakness(ep, "ccs_injection")["status"],
        "not_vulnerable",
        "{ep}"
    );
}

/// The patched script for a hello already read.
fn serve_again(mut s: TcpStream, buf: &[u8], chain: &[Vec<u8>]) {
    let (hello, _) = ClientHello::read_records(buf).unwrap().unwrap();
    let script = Script {
        heartbeat: Heartbeat::Unsupported,
        ccs: Ccs::Patched,
    };
    match flight(&hello, chain, script) {
        Ok((version, out)) => {
            let _ = s.write_all(&out);
            let mut chunk = [0u8; 1024];
            if let Ok(n) = s.read(&mut chunk) {
                if n > 0 && chunk[0] == 20 {
                    let _ = s.write_all(&alert(version, AlertDescription::UNEXPECTED_MESSAGE));
                }
            }
        }
        Err(refusal) => {
            let _ = s.write_all(&refusal);
        }
    }
}

#[test]
fn openssl3_s_server_not_flagged() {
    if skip_without("openssl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Vulns");
    let leaf = pki.leaf(&["s.test"], Key::P256, false);
    let (chain, key) = pki.write(dir.path(), "s", &leaf, true);
    let root = pki.write_root(dir.path());
    let port = free_port();
    let _server = s_server(
        port,
        &chain,
        &key,
        &["-min_protocol", "TLSv1", "-cipher", "ALL:@SECLEVEL=0"],
    );
    let report = scan_json(
        "s.test",
        port,
        "127.0.0.1",
        &["--ca-file", root.to_str().unwrap()],
    );
    let ep = &report["endpoints"][0];
    let caps = caps(ep);
    assert!(
        !caps
            .iter()
            .any(|c| c == "heartbleed" || c == "ccs_injection"),
        "{caps:?}"
    );
    assert!(
        strings(&ep["protocols"]).contains(&"TLSv1.2".to_owned()),
        "{ep}"
    );
    assert_eq!(
        weakness(ep, "heartbleed")["status"],
        "not_vulnerable",
        "{ep}"
    );
    assert_eq!(
        weakness(ep, "ccs_injection")["status"],
        "not_vulnerable",
        "{ep}"
    );
    assert!(
        !probe_errors(ep).iter().any(|e| e.contains("vuln:")),
        "{:?}",
        probe_errors(ep)
    );
    // OpenSSL 3 has no heartbeats and refuses the CCS at once: no wait.
    let ep = &facts("s.test", port, vec![]);
    assert_eq!(
        ep["vulnerabilities"]["heartbleed"]["status"], "not_vulnerable",
        "{ep}"
    );
    let ms = timing(ep, "vulnerabilities").unwrap();
    assert!(ms < 1500, "{ms} ms");
}

#[test]
fn rustls_server_not_flagged() {
    let pki = Pki::new("VulnsRustls");
    let leaf = pki.leaf(&["r.test"], Key::P256, false);
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    rustls_server(
        addr,
        rustls_config(
            &[leaf.der.clone(), pki.inter.der.clone()],
            &leaf.key_pem,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        ),
        "",
    );
    let ep = &facts("r.test", port, vec![]);
    assert_eq!(
        ep["vulnerabilities"]["heartbleed"]["status"], "not_vulnerable",
        "{ep}"
    );
    assert_eq!(
        ep["vulnerabilities"]["ccs_injection"]["status"], "not_vulnerable",
        "{ep}"
    );
    let ms = timing(ep, "vulnerabilities").unwrap();
    assert!(ms < 1500, "{ms} ms");

    // TLS 1.3 only: nothing to test, and the facts say why.
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    rustls_server(
        addr,
        rustls_config(
            &[leaf.der.clone(), pki.inter.der.clone()],
            &leaf.key_pem,
            &[&rustls::version::TLS13],
        ),
        "",
    );
    let ep = &facts("r.test", port, vec![]);
    assert_eq!(strings(&ep["protocols"]), ["TLSv1.3"], "{ep}");
    for name in ["heartbleed", "ccs_injection"] {
        let v = &ep["vulnerabilities"][name];
        assert_eq!(v["status"], "not_tested", "{ep}");
        assert_eq!(
            v["evidence"], "the server speaks none of TLS 1.0–1.2",
            "{ep}"
        );
    }
    assert!(timing(ep, "vulnerabilities").is_some());
}

#[test]
fn nginx_not_flagged() {
    if skip_without("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("VulnsNginx");
    let leaf = pki.leaf(&["n.test"], Key::P256, false);
    let (chain, key) = pki.write(dir.path(), "n", &leaf, true);
    let port = free_port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let body = format!(
        " ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n ssl_ciphers 'HIGH:@SECLEVEL=0';\n server {{ listen 127.0.0.1:{port} ssl; server_name n.test; ssl_certificate {}; ssl_certificate_key {}; return 200 ok; }}\n",
        chain.display(),
        key.display()
    );
    let _nginx = nginx(&dir.path().join("nginx"), &body, &[addr]);
    let report = scan_json("n.test", port, "127.0.0.1", &[]);
    let ep = &report["endpoints"][0];
    assert_eq!(
        weakness(ep, "heartbleed")["status"],
        "not_vulnerable",
        "{ep}"
    );
    assert_eq!(
        weakness(ep, "ccs_injection")["status"],
        "not_vulnerable",
        "{ep}"
    );
    assert!(
        !probe_errors(ep).iter().any(|e| e.contains("vuln:")),
        "{:?}",
        probe_errors(ep)
    );
}
