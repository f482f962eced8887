//! `tlslens-relay logs` on logs written by real servers while real clients
//! failed on purpose: nginx (error_log at info), Apache httpd with mod_ssl
//! (LogLevel info) and HAProxy (connection errors on stderr), each on
//! loopback in a temp dir. Clients: `openssl s_client`, `curl` and Python's
//! `ssl`: a TLS 1.0/1.1 client against a TLS 1.2+ server, a client with no
//! suite in common, clients that reject the certificate (private CA), a
//! client without SNI where the server refuses those, garbage bytes and
//! plain HTTP on the TLS port, and one good client that must not count.
//! The counts per cause must be exactly what the test did.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

/// A Python client: `garbage`, `plain-http`, `verify` (default trust, so a
/// private CA is rejected) or `no-sni` (no server name, then a request).
const PY_CLIENT: &str = r#"
import socket, ssl, sys
port = int(sys.argv[1]); mode = sys.argv[2]
def connect():
    return socket.create_connection(("127.0.0.1", port), timeout=10)
def drain(s):
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()
if mode == "garbage":
    s = connect(); s.sendall(b"\x16\x03\x01\x01\x00" + bytes([0xab]) * 256); drain(s)
elif mode == "plain-http":
    s = connect(); s.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"); drain(s)
elif mode == "verify":
    ctx = ssl.create_default_context()
    try:
        ctx.wrap_socket(connect(), server_hostname="localhost").close()
    except (ssl.SSLError, OSError):
        pass
elif mode == "no-sni":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        s = ctx.wrap_socket(connect())
        s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        drain(s)
    except (ssl.SSLError, OSError):
        pass
"#;

fn python(port: u16, mode: &str) {
    let status = Command::new("python3")
        .args(["-c", PY_CLIENT, &port.to_string(), mode])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("python3");
    assert!(status.success(), "python client {mode} crashed");
}

/// `openssl s_client` with `args`; its stdin is `input` (then EOF).
fn s_client(port: u16, args: &[&str], input: &[u8]) {
    let mut child = Command::new("openssl")
        .arg("s_client")
        .args(["-connect", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_client");
    let _ = child.stdin.take().unwrap().write_all(input);
    let _ = child.wait();
}

/// `curl https://localhost:PORT/` resolved to loopback, with `args`.
fn curl(port: u16, args: &[&str]) -> bool {
    Command::new("curl")
        .args(["-s", "-o", "/dev/null", "--max-time", "10"])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .args(args)
        .arg(format!("https://localhost:{port}/"))
        .status()
        .expect("curl")
        .success()
}

fn tools_missing(server: &str) -> bool {
    ["openssl", "curl", "python3", server]
        .iter()
        .any(|t| skip_without(t))
}

/// The PKI: an RSA leaf for `localhost` from a private CA (full chain).
struct Certs {
    chain: PathBuf,
    key: PathBuf,
    root: PathBuf,
}

fn certs(dir: &Path) -> Certs {
    let pki = Pki::new("Logs Test");
    let leaf = pki.leaf(&["localhost"], Key::Rsa2048, false);
    let (chain, key) = pki.write(dir, "leaf", &leaf, true);
    let root = pki.write_root(dir);
    Certs { chain, key, root }
}

/// Runs `logs --json --timezone UTC` on `files`; returns the report.
fn logs_json(files: &[&Path]) -> Value {
    let mut args = vec!["logs", "--json", "--timezone", "UTC"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let (code, out, err) = relay(&args);
    assert_eq!(code, 0, "logs failed: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}"))
}

/// (cause, count) for every cause of a report.
fn counts(report: &Value) -> Vec<(String, u64)> {
    report["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_owned(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn expect(p: u64, c: u64, x: u64, s: u64, o: u64) -> Vec<(String, u64)> {
    [
        ("protocol_mismatch", p),
        ("cipher_mismatch", c),
        ("certificate", x),
        ("sni", s),
        ("other", o),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), *v))
    .collect()
}

/// The failures every server gets on its TLS 1.2+, single-suite port:
/// protocol 2, cipher 2, certificate 3, other 2 (and one success).
fn fail_on_purpose(port: u16, root: &Path) {
    let sni = ["-servername", "localhost"];
    // A TLS 1.0 and a TLS 1.1 client against TLS 1.2+.
    for v in ["-tls1", "-tls1_1"] {
        s_client(
            port,
            &[v, "-cipher", "DEFAULT:@SECLEVEL=0", sni[0], sni[1]],
            b"",
        );
    }
    // No suite in common (the server has only ECDHE-RSA-AES128-GCM-SHA256).
    s_client(
        port,
        &["-tls1_2", "-cipher", "AES256-SHA", sni[0], sni[1]],
        b"",
    );
    assert!(!curl(
        port,
        &[
            "-k",
            "--tlsv1.2",
            "--tls-max",
            "1.2",
            "--ciphers",
            "AES256-SHA"
        ]
    ));
    // Clients that reject the certificate (private CA, default trust).
    s_client(port, &["-verify_return_error", sni[0], sni[1]], b"");
    assert!(!curl(port, &[]));
    python(port, "verify");
    // Garbage and plain HTTP on the TLS port.
    python(port, "garbage");
    python(port, "plain-http");
    // A good client: no failure.
    assert!(
        curl(port, &["--cacert", root.to_str().unwrap()]),
        "good client failed"
    );
}

fn nginx_conf(dir: &Path, c: &Certs, main: u16, reject: u16) -> String {
    let d = dir.display();
    let (crt, key) = (c.chain.display(), c.key.display());
    format!(
        "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\ndaemon off;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n access_log off;\n client_body_temp_path {d}/tmp;\n proxy_temp_path {d}/tmp;\n\
         fastcgi_temp_path {d}/tmp;\n uwsgi_temp_path {d}/tmp;\n scgi_temp_path {d}/tmp;\n\
         server {{ listen 127.0.0.1:{main} ssl; server_name localhost;\n\
           ssl_certificate {crt}; ssl_certificate_key {key};\n\
           ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n\
           return 200 \"ok\\n\"; }}\n\
         server {{ listen 127.0.0.1:{reject} ssl default_server; ssl_reject_handshake on; }}\n\
         server {{ listen 127.0.0.1:{reject} ssl; server_name localhost;\n\
           ssl_certificate {crt}; ssl_certificate_key {key}; return 200 \"ok\\n\"; }}\n}}\n"
    )
}

fn start(program: &str, args: &[&str], stderr: Option<&Path>, ports: &[u16]) -> Proc {
    let err = match stderr {
        Some(p) => Stdio::from(std::fs::File::create(p).unwrap()),
        None => Stdio::null(),
    };
    let child = Command::new(which(program).unwrap_or_else(|| PathBuf::from(program)))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
    let p = Proc(child);
    for port in ports {
        wait_listening(SocketAddr::from(([127, 0, 0, 1], *port)));
    }
    p
}

#[test]
fn nginx_log_counts_match_the_failures_caused() {
    if tools_missing("nginx") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    std::fs::create_dir_all(d.join("logs")).unwrap();
    let c = certs(d);
    let (main, reject) = (free_port(), free_port());
    std::fs::write(d.join("nginx.conf"), nginx_conf(d, &c, main, reject)).unwrap();
    let conf = d.join("nginx.conf");
    let server = start(
        "nginx",
        &["-p", d.to_str().unwrap(), "-c", conf.to_str().unwrap()],
        None,
        &[main, reject],
    );
    fail_on_purpose(main, &c.root);
    // Without SNI against `ssl_reject_handshake on`.
    s_client(reject, &["-noservername"], b"");
    python(reject, "no-sni");
    // With SNI the same port works: no failure.
    s_client(reject, &["-servername", "localhost"], b"");
    drop(server);

    let log = d.join("error.log");
    let report = logs_json(&[&log]);
    // The readiness check (connect, close) is a real failure too: nginx logs
    // "client closed connection while SSL handshaking" once per port.
    assert_eq!(counts(&report), expect(2, 2, 3, 2, 2 + 2), "{report:#}");
    assert_eq!(report["failures"], 13);
    assert_eq!(report["failures_by_server"]["nginx"], 13);
    assert_eq!(report["lines"]["unrecognised"], 0, "{report:#}");
    let proto = &report["causes"][0];
    assert_eq!(proto["top_clients"][0]["address"], "127.0.0.1");
    assert_eq!(
        proto["reasons"][0]["openssl_reason"],
        "UNSUPPORTED_PROTOCOL"
    );
    let sni = &report["causes"][3];
    assert_eq!(sni["reasons"][0]["reason"], "handshake rejected");
    assert_eq!(
        sni["confirm"],
        format!("tlslens-relay scan 127.0.0.1:{reject} --allow-private")
    );

    rotated_and_stdin_read_the_same(d, &log, &report);
}

/// The same log split into a gzip'd older part and a plain newer part, and
/// through standard input, gives the same counts.
fn rotated_and_stdin_read_the_same(dir: &Path, log: &Path, whole: &Value) {
    let text = std::fs::read(log).unwrap();
    let cut = text.len() / 2;
    let cut = cut + text[cut..].iter().position(|b| *b == b'\n').unwrap() + 1;
    let old = dir.join("error.log.1.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text[..cut]).unwrap();
    std::fs::write(&old, gz.finish().unwrap()).unwrap();
    let new = dir.join("error.log.new");
    std::fs::write(&new, &text[cut..]).unwrap();
    let split = logs_json(&[&old, &new]);
    assert_eq!(counts(&split), counts(whole));
    assert_eq!(split["inputs"][0]["compression"], "gzip");

    let mut child = Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args(["logs", "--json", "--timezone", "UTC", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let piped: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&piped), counts(whole));
}

fn apache_conf(dir: &Path, c: &Certs, main: u16, strict: u16) -> String {
    let d = dir.display();
    let (crt, key) = (c.chain.display(), c.key.display());
    let m = "/usr/lib/apache2/modules";
    let vhost = |name: &str| {
        format!(
            "<VirtualHost 127.0.0.1:{strict}>\n ServerName {name}\n SSLEngine on\n SSLStrictSNIVHostCheck on\n\
             SSLCertificateFile {crt}\n SSLCertificateKeyFile {key}\n</VirtualHost>\n"
        )
    };
    format!(
        "ServerRoot {d}\nPidFile {d}/httpd.pid\nDefaultRuntimeDir {d}\nMutex file:{d}\n\
         LoadModule mpm_event_module {m}/mod_mpm_event.so\n\
         LoadModule authz_core_module {m}/mod_authz_core.so\n\
         LoadModule ssl_module {m}/mod_ssl.so\n\
         ServerName localhost\nListen 127.0.0.1:{main}\nListen 127.0.0.1:{strict}\n\
         ErrorLog {d}/error.log\nLogLevel warn ssl:info\nSSLSessionCache none\n\
         DocumentRoot {d}\n\
         <VirtualHost 127.0.0.1:{main}>\n ServerName localhost\n SSLEngine on\n\
         SSLCertificateFile {crt}\n SSLCertificateKeyFile {key}\n\
         SSLProtocol -all +TLSv1.2 +TLSv1.3\n SSLCipherSuite ECDHE-RSA-AES128-GCM-SHA256\n</VirtualHost>\n\
         {}{}",
        vhost("localhost"),
        vhost("other.test"),
    )
}

#[test]
fn apache_log_counts_match_the_failures_caused() {
    if tools_missing("apache2") || !Path::new("/usr/lib/apache2/modules/mod_ssl.so").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = certs(d);
    let (main, strict) = (free_port(), free_port());
    let conf = d.join("httpd.conf");
    std::fs::write(&conf, apache_conf(d, &c, main, strict)).unwrap();
    let server = start(
        "apache2",
        &["-f", conf.to_str().unwrap(), "-DFOREGROUND"],
        None,
        &[main, strict],
    );
    fail_on_purpose(main, &c.root);
    // No SNI against name-based virtual hosts with SSLStrictSNIVHostCheck.
    python(strict, "no-sni");
    python(strict, "no-sni");
    drop(server);

    let report = logs_json(&[&d.join("error.log")]);
    assert_eq!(counts(&report), expect(2, 2, 3, 2, 2), "{report:#}");
    assert_eq!(report["failures_by_server"]["apache"], 11);
    let cert = &report["causes"][2];
    assert_eq!(
        cert["reasons"][0]["openssl_reason"],
        "TLSV1_ALERT_UNKNOWN_CA"
    );
}

fn haproxy_conf(c: &Path, main: u16, strict: u16, plain: u16) -> String {
    // The 2.8+ default error line, on 2.6 through error-log-format.
    let with_reason =
        "error-log-format \"%ci:%cp [%tr] %ft/%fc: %[fc_err_str] (%[ssl_fc_err_str])\"";
    let c = c.display();
    format!(
        "global\n log stderr format rfc3164 local0 info\n\
         defaults\n mode http\n log global\n option httplog\n\
         timeout connect 2s\n timeout client 5s\n timeout server 2s\n\
         frontend main\n {with_reason}\n\
          bind 127.0.0.1:{main} ssl crt {c} ssl-min-ver TLSv1.2 ciphers ECDHE-RSA-AES128-GCM-SHA256\n\
          http-request return status 200 content-type text/plain string ok\n\
         frontend strict\n {with_reason}\n\
          bind 127.0.0.1:{strict} ssl crt {c} strict-sni\n\
          http-request return status 200 content-type text/plain string ok\n\
         frontend plain\n\
          bind 127.0.0.1:{plain} ssl crt {c} ssl-min-ver TLSv1.2\n\
          http-request return status 200 content-type text/plain string ok\n"
    )
}

#[test]
fn haproxy_log_counts_match_the_failures_caused() {
    if tools_missing("haproxy") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let c = certs(d);
    let both = d.join("both.pem");
    let mut pem = std::fs::read_to_string(&c.chain).unwrap();
    pem.push_str(&std::fs::read_to_string(&c.key).unwrap());
    std::fs::write(&both, pem).unwrap();
    let (main, strict, plain) = (free_port(), free_port(), free_port());
    let conf = d.join("haproxy.cfg");
    std::fs::write(&conf, haproxy_conf(&both, main, strict, plain)).unwrap();
    let log = d.join("haproxy.log");
    let server = start(
        "haproxy",
        &["-f", conf.to_str().unwrap(), "-db"],
        Some(&log),
        &[main, strict, plain],
    );
    fail_on_purpose(main, &c.root);
    // strict-sni without a server name.
    s_client(strict, &["-noservername"], b"");
    python(strict, "no-sni");
    // The default 2.6 error line has no reason: a TLS 1.0 client is `other`.
    s_client(plain, &["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"], b"");
    // HAProxy writes its log lines asynchronously: wait for them.
    let want = 15;
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(10) {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.matches("SSL handshake").count() >= want {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    drop(server);

    let report = logs_json(&[&log]);
    assert_eq!(report["failures_by_server"]["haproxy"], 15);
    // HAProxy 2.6 now and then logs a failure without its OpenSSL reason
    // when the client closes right after its alert (a race inside HAProxy,
    // seen under load): that failure is `other`, reason "SSL handshake
    // failure". Each such line moves one failure from its cause to `other`;
    // the plain frontend's TLS 1.0 client is the one expected.
    let other = &report["causes"][4];
    let reasonless = other["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "SSL handshake failure")
        .map_or(0, |r| r["count"].as_u64().unwrap());
    assert!((1..=3).contains(&reasonless), "{report:#}");
    let moved = reasonless - 1;
    // Plus one "Connection closed during SSL handshake" per port from the
    // readiness check (connect, close).
    let want = expect(2, 2, 3, 2, 3 + 3);
    let got = counts(&report);
    for ((cause, w), (_, g)) in want.iter().zip(&got) {
        if cause == "other" {
            assert_eq!(*g, w + moved, "{report:#}");
        } else {
            assert!(*g <= *w && *g + moved >= *w, "{cause}: {report:#}");
        }
    }
    let reasons: Vec<&str> = other["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"Connection closed during SSL handshake"),
        "{reasons:?}"
    );
}
