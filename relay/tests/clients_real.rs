//! The client simulation against real clients, not against itself: servers
//! that some real clients on this machine cannot talk to (DHE-only,
//! static-RSA-only, CBC-SHA384-only, RSA-1024 and SHA-1 leaves, DH-1024,
//! TLS 1.0-only, an incomplete chain, P-384-only, ChaCha-only, …), the real
//! clients Debian ships (`openssl s_client`, `curl`, Python's `ssl`, Java 17,
//! Go, Chromium, Firefox ESR), and the relay's prediction for each client's row of the
//! table. A prediction that differs from what the real client did is a bug
//! of the table or of the rules (docs/clients.md says how to fix it at the
//! source).
//!
//! The real clients trust only the test CA; the relay gets it as `--ca-file`
//! (trusted by every simulated client, as if installed locally).
//!
//! Version gaps between the real clients and their rows are in
//! docs/clients.md ("Tested against real clients").

#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::{free_port, have, relay, s_server, Proc};
use serde_json::Value;

const NAME: &str = "real.clients.test";

/// A real client on this machine and the table row that simulates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Real {
    OpenSsl,
    Curl,
    Python,
    Java,
    Go,
    Chromium,
    Firefox,
}

impl Real {
    const ALL: [Real; 7] = [
        Real::OpenSsl,
        Real::Curl,
        Real::Python,
        Real::Java,
        Real::Go,
        Real::Chromium,
        Real::Firefox,
    ];

    fn row(self) -> &'static str {
        match self {
            Real::OpenSsl => "openssl-3.0-debian12",
            Real::Curl => "curl-7.88-debian12",
            Real::Python => "python-3.11-debian12",
            Real::Java => "java-17-debian12",
            Real::Go => "go-1.19-debian12",
            Real::Chromium => "chrome-137-win11",
            Real::Firefox => "firefox-137-win11",
        }
    }

    fn available(self) -> bool {
        match self {
            Real::OpenSsl => have("openssl"),
            Real::Curl => have("curl"),
            Real::Python => Path::new("/usr/bin/python3").is_file(),
            Real::Java => have("javac") && have("java"),
            Real::Go => have("go"),
            Real::Chromium => have("chromium") && have("certutil"),
            Real::Firefox => {
                Path::new("/usr/bin/firefox-esr").is_file()
                    && have("geckodriver")
                    && have("certutil")
            }
        }
    }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/real_clients")
        .join(name)
}

/// A scratch directory for the whole test binary (compiled probes, the
/// Chromium and Firefox profiles).
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// `javac` once, for every test.
fn java_classes() -> &'static Path {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    DONE.get_or_init(|| {
        let out = scratch().join("java");
        let ok = Command::new("javac")
            .arg("-d")
            .arg(&out)
            .arg(script("Probe.java"))
            .status()
            .unwrap()
            .success();
        assert!(ok, "javac Probe.java failed");
        out
    })
}

/// `go build` once, for every test.
fn go_probe() -> &'static Path {
    static DONE: OnceLock<PathBuf> = OnceLock::new();
    DONE.get_or_init(|| {
        let out = scratch().join("go-probe");
        let status = Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(script("probe.go"))
            .env("GO111MODULE", "off")
            .status()
            .unwrap();
        assert!(status.success(), "go build probe.go failed");
        out
    })
}

/// What a real client did.
#[derive(Debug, Clone)]
struct Outcome {
    ok: bool,
    detail: String,
}

fn run(cmd: &mut Command) -> Outcome {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let detail = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join(" | ");
    Outcome {
        ok: out.status.success(),
        detail,
    }
}

/// Runs `real` against 127.0.0.1:`port` for [`NAME`], trusting `ca`.
fn connect(real: Real, port: u16, ca: &Path) -> Outcome {
    let p = port.to_string();
    match real {
        Real::OpenSsl => run(Command::new("openssl")
            .args(["s_client", "-connect", &format!("127.0.0.1:{p}")])
            .args(["-servername", NAME, "-verify_hostname", NAME])
            .arg("-CAfile")
            .arg(ca)
            .args(["-verify_return_error", "-brief"])),
        Real::Curl => run(Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "--max-time", "10", "--cacert"])
            .arg(ca)
            .args(["--resolve", &format!("{NAME}:{p}:127.0.0.1")])
            .arg(format!("https://{NAME}:{p}/"))),
        Real::Python => run(Command::new("/usr/bin/python3")
            .arg(script("probe.py"))
            .args([&p, NAME])
            .arg(ca)),
        Real::Java => run(Command::new("java")
            .arg("-cp")
            .arg(java_classes())
            .args(["Probe", &p, NAME])
            .arg(ca)),
        Real::Go => run(Command::new(go_probe()).args([&p, NAME]).arg(ca)),
        Real::Chromium => chromium(port, ca),
        Real::Firefox => {
            let profile = scratch().join(format!("firefox-{port}"));
            nss_trusting(&profile, ca);
            run(Command::new("timeout")
                .args(["120", "/usr/bin/python3"])
                .arg(script("firefox.py"))
                .args([&p, NAME])
                .arg(&profile))
        }
    }
}

/// A new NSS database in `dir` (Chromium's `~/.pki/nssdb`, a Firefox
/// profile) whose only trusted root is `ca`.
fn nss_trusting(dir: &Path, ca: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let db = format!("sql:{}", dir.display());
    let made = Command::new("certutil")
        .args(["-N", "-d", &db, "--empty-password"])
        .status()
        .unwrap()
        .success()
        && Command::new("certutil")
            .args(["-A", "-d", &db, "-n", "test-root", "-t", "C,,", "-i"])
            .arg(ca)
            .status()
            .unwrap()
            .success();
    assert!(made, "certutil failed");
}

/// Debian's Chromium, headless, with the test CA in the NSS database of a
/// private HOME: success is the page the server serves.
fn chromium(port: u16, ca: &Path) -> Outcome {
    let home = scratch().join(format!("chromium-{port}"));
    nss_trusting(&home.join(".pki/nssdb"), ca);
    let out = Command::new("timeout")
        .arg("60")
        .arg("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--virtual-time-budget=5000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            home.join("profile").display()
        ))
        .arg(format!("--host-resolver-rules=MAP {NAME} 127.0.0.1"))
        .arg("--dump-dom")
        .arg(format!("https://{NAME}:{port}/"))
        .env("HOME", &home)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    // `openssl s_server -www` answers with its status page.
    let ok = dom.contains("s_server") || dom.contains("Ciphers supported");
    let detail = if ok {
        "page loaded".to_owned()
    } else {
        let err = dom
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| w.starts_with("ERR_"))
            .unwrap_or("no page");
        err.to_owned()
    };
    Outcome { ok, detail }
}

/// The test PKI, made with the `openssl` command (SHA-1 and RSA-1024
/// leaves are beyond rcgen).
struct Pki {
    dir: tempfile::TempDir,
}

/// How a leaf is made.
#[derive(Debug, Clone, Copy)]
struct Leaf {
    /// `rsa:2048`, `rsa:1024`, `ec:P-256`…
    key: &'static str,
    /// `sha256`, `sha1`.
    digest: &'static str,
    /// The server sends the intermediate.
    full_chain: bool,
}

const GOOD_LEAF: Leaf = Leaf {
    key: "rsa:2048",
    digest: "sha256",
    full_chain: true,
};

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn newkey(spec: &str, out: &str, dir: &Path) {
    match spec.split_once(':') {
        Some(("rsa", bits)) => openssl(
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                &format!("rsa_keygen_bits:{bits}"),
                "-out",
                out,
            ],
            dir,
        ),
        Some(("ec", curve)) => openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
                "-out",
                out,
            ],
            dir,
        ),
        _ => panic!("key spec {spec}"),
    }
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("ca.ext"),
            "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        )
        .unwrap();
        newkey("rsa:2048", "root.key", d);
        openssl(
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "root.key",
                "-sha256",
                "-days",
                "3650",
                "-subj",
                "/CN=Real Clients Test Root",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
                "root.pem",
            ],
            d,
        );
        newkey("rsa:2048", "inter.key", d);
        openssl(
            &[
                "req",
                "-new",
                "-key",
                "inter.key",
                "-subj",
                "/CN=Real Clients Test Intermediate",
                "-out",
                "inter.csr",
            ],
            d,
        );
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                "inter.csr",
                "-CA",
                "root.pem",
                "-CAkey",
                "root.key",
                "-CAcreateserial",
                "-days",
                "3000",
                "-sha256",
                "-extfile",
                "ca.ext",
                "-out",
                "inter.pem",
            ],
            d,
        );
        Self { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root.pem")
    }

    /// A leaf for [`NAME`]: (cert, key); the cert file has a `.inter`
    /// companion (sent by `s_server`) when `full_chain`.
    fn leaf(&self, tag: &str, leaf: Leaf) -> (PathBuf, PathBuf) {
        let d = self.dir.path();
        let key = format!("{tag}.key");
        let cert = format!("{tag}.pem");
        newkey(leaf.key, &key, d);
        std::fs::write(
            d.join(format!("{tag}.ext")),
            format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:{NAME}\nauthorityKeyIdentifier=keyid\n"),
        )
        .unwrap();
        openssl(
            &[
                "req",
                "-new",
                "-key",
                &key,
                "-subj",
                &format!("/CN={NAME}"),
                "-out",
                &format!("{tag}.csr"),
            ],
            d,
        );
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                &format!("{tag}.csr"),
                "-CA",
                "inter.pem",
                "-CAkey",
                "inter.key",
                "-CAcreateserial",
                "-days",
                "365",
                &format!("-{}", leaf.digest),
                "-extfile",
                &format!("{tag}.ext"),
                "-out",
                &cert,
            ],
            d,
        );
        if leaf.full_chain {
            std::fs::copy(d.join("inter.pem"), d.join(format!("{cert}.inter"))).unwrap();
        }
        (d.join(cert), d.join(key))
    }

    /// DH parameters of `bits`.
    fn dhparam(&self, bits: u32) -> PathBuf {
        let d = self.dir.path();
        let out = format!("dh{bits}.pem");
        openssl(&["dhparam", "-out", &out, &bits.to_string()], d);
        d.join(out)
    }
}

/// One server of the matrix.
struct Scenario {
    name: &'static str,
    leaf: Leaf,
    /// `openssl s_server` options beyond certificate and key.
    server: Vec<String>,
    /// DH parameters of this size (`-dhparam`).
    dh: Option<u32>,
}

fn scenario(name: &'static str, leaf: Leaf, server: &[&str]) -> Scenario {
    Scenario {
        name,
        leaf,
        server: server.iter().map(|s| (*s).to_owned()).collect(),
        dh: None,
    }
}

/// The relay's prediction per table row: `ok`, and the failure.
fn predicted(port: u16, ca: &Path, rows: &[&str]) -> Vec<(bool, String)> {
    let target = format!("{NAME}:{port}");
    let resolve = format!("{NAME}:{port}:127.0.0.1");
    let ca = ca.display().to_string();
    let clients = rows.join(",");
    let (code, out, err) = relay(&[
        "scan",
        &target,
        "--json",
        "--allow-private",
        "--resolve",
        &resolve,
        "--ca-file",
        &ca,
        "--clients",
        &clients,
        "--scan-timeout",
        "60",
    ]);
    assert_eq!(code, 0, "scan failed: {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let simulated = report["endpoints"][0]["clients"]
        .as_array()
        .unwrap_or_else(|| panic!("no clients in the report: {out}"));
    rows.iter()
        .map(|row| {
            let c = simulated
                .iter()
                .find(|c| c["id"] == *row)
                .unwrap_or_else(|| panic!("{row} not simulated: {out}"));
            let why = match &c["failure"] {
                Value::Null => format!(
                    "{} {}",
                    c["protocol"].as_str().unwrap_or("-"),
                    c["cipher_suite"].as_str().unwrap_or("-")
                ),
                f => format!(
                    "{}: {}",
                    f["code"].as_str().unwrap_or(""),
                    f["message"].as_str().unwrap_or("")
                ),
            };
            (c["ok"] == true, why)
        })
        .collect()
}

/// Starts the scenario's server, runs every real client and the relay, and
/// asserts that each prediction is what the real client did.
fn check(pki: &Pki, s: &Scenario) {
    let reals: Vec<Real> = Real::ALL.into_iter().filter(|r| r.available()).collect();
    for r in Real::ALL.iter().filter(|r| !reals.contains(r)) {
        missing(&format!("{r:?} for {}", s.name));
    }
    let (cert, key) = pki.leaf(s.name, s.leaf);
    let port = free_port();
    let mut args: Vec<String> = s.server.clone();
    if let Some(bits) = s.dh {
        args.push("-dhparam".into());
        args.push(pki.dhparam(bits).display().to_string());
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let _server: Proc = s_server(port, &cert, &key, &arg_refs);
    let outcomes: Vec<Outcome> = reals
        .iter()
        .map(|r| connect(*r, port, &pki.root()))
        .collect();
    let rows: Vec<&str> = reals.iter().map(|r| r.row()).collect();
    let predictions = predicted(port, &pki.root(), &rows);
    let mut table = format!("\n{}: real vs predicted\n", s.name);
    let mut mismatches = 0;
    for ((r, real), (ok, why)) in reals.iter().zip(&outcomes).zip(&predictions) {
        let agree = real.ok == *ok && (!real.ok || same_choice(&real.detail, why));
        let mark = if agree { " " } else { "✗" };
        if !agree {
            mismatches += 1;
        }
        table.push_str(&format!(
            "{mark} {:<9} real {:<4} predicted {:<4}  real: {}  predicted: {}\n",
            format!("{r:?}"),
            if real.ok { "ok" } else { "FAIL" },
            if *ok { "ok" } else { "FAIL" },
            real.detail,
            why
        ));
    }
    eprintln!("{table}");
    assert_eq!(
        mismatches, 0,
        "predictions differ from the real clients:{table}"
    );
}

/// What a real client reports it negotiated: `OK PROTOCOL SUITE` (the
/// Python, Java and Go probes) or `openssl s_client -brief`'s lines.
fn negotiated(detail: &str) -> (Option<&str>, Option<&str>) {
    if let Some(rest) = detail.strip_prefix("OK ") {
        let mut words = rest.split_whitespace();
        return (words.next(), words.next());
    }
    let after = |label: &str| {
        detail
            .split(" | ")
            .find_map(|part| part.trim().strip_prefix(label))
            .map(str::trim)
    };
    (after("Protocol version:"), after("Ciphersuite:"))
}

/// Whether a client that connected got what the relay predicted: the same
/// protocol, and the same suite where the client names it by its IANA
/// name (OpenSSL and Python name TLS 1.2 suites their own way).
fn same_choice(real: &str, predicted: &str) -> bool {
    let (protocol, suite) = negotiated(real);
    let mut words = predicted.split_whitespace();
    let (p_protocol, p_suite) = (words.next(), words.next());
    protocol.is_none_or(|p| Some(p) == p_protocol)
        && suite
            .filter(|s| s.starts_with("TLS_"))
            .is_none_or(|s| Some(s) == p_suite)
}

#[test]
fn real_client_reports_are_read() {
    let openssl =
        "CONNECTION ESTABLISHED | Protocol version: TLSv1.2 | Ciphersuite: ECDHE-RSA-AES256-SHA384";
    assert_eq!(
        negotiated(openssl),
        (Some("TLSv1.2"), Some("ECDHE-RSA-AES256-SHA384"))
    );
    assert_eq!(
        negotiated("OK TLSv1.3 TLS_AES_128_GCM_SHA256"),
        (Some("TLSv1.3"), Some("TLS_AES_128_GCM_SHA256"))
    );
    assert!(same_choice(
        "OK TLSv1.3 TLS_AES_128_GCM_SHA256",
        "TLSv1.3 TLS_AES_128_GCM_SHA256"
    ));
    assert!(!same_choice(
        "OK TLSv1.3 TLS_AES_128_GCM_SHA256",
        "TLSv1.3 TLS_AES_256_GCM_SHA384"
    ));
    assert!(!same_choice(openssl, "TLSv1.3 TLS_AES_256_GCM_SHA384"));
    assert!(same_choice(
        openssl,
        "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
    ));
    assert!(same_choice(
        "page loaded",
        "TLSv1.2 TLS_RSA_WITH_AES_128_GCM_SHA256"
    ));
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::new)
}

/// A real client (or the server) is not installed: skipped with a message
/// on a developer's machine, a failure under `CI=true`, where
/// `scripts/ensure-tools.sh zoo` installs every one of them.
fn missing(what: &str) {
    let hint = "bash scripts/ensure-tools.sh zoo installs it";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is not installed under CI=true ({hint})");
    }
    eprintln!("SKIPPED: {what} is not installed ({hint})");
}

fn skip() -> bool {
    if common::have("openssl") {
        return false;
    }
    missing("openssl");
    true
}

#[test]
fn baseline_tls12_and_13_every_real_client_connects() {
    if skip() {
        return;
    }
    check(pki(), &scenario("baseline", GOOD_LEAF, &[]));
}

#[test]
fn dhe_only_server() {
    if skip() {
        return;
    }
    let s = scenario(
        "dhe-only",
        GOOD_LEAF,
        &[
            "-no_tls1_3",
            "-cipher",
            "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
        ],
    );
    check(pki(), &s);
}

#[test]
fn dh_1024_server() {
    if skip() {
        return;
    }
    let mut s = scenario(
        "dh-1024",
        GOOD_LEAF,
        &[
            "-no_tls1_3",
            "-cipher",
            "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        ],
    );
    s.dh = Some(1024);
    check(pki(), &s);
}

#[test]
fn static_rsa_only_server() {
    if skip() {
        return;
    }
    let s = scenario(
        "static-rsa-only",
        GOOD_LEAF,
        &[
            "-no_tls1_3",
            "-cipher",
            "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA",
        ],
    );
    check(pki(), &s);
}

#[test]
fn cbc_sha384_only_server() {
    if skip() {
        return;
    }
    let s = scenario(
        "cbc-sha384-only",
        GOOD_LEAF,
        &["-no_tls1_3", "-cipher", "ECDHE-RSA-AES256-SHA384"],
    );
    check(pki(), &s);
}

#[test]
fn chacha_only_server() {
    if skip() {
        return;
    }
    let s = scenario(
        "chacha-only",
        GOOD_LEAF,
        &[
            "-cipher",
            "ECDHE-RSA-CHACHA20-POLY1305",
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256",
        ],
    );
    check(pki(), &s);
}

#[test]
fn tls10_only_server() {
    if skip() {
        return;
    }
    let s = scenario(
        "tls10-only",
        GOOD_LEAF,
        &[
            "-tls1",
            "-cipher",
            "ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0",
        ],
    );
    check(pki(), &s);
}

#[test]
fn p384_only_server() {
    if skip() {
        return;
    }
    // TLS 1.3 clients that sent an x25519 share get a HelloRetryRequest.
    let s = scenario("p384-only", GOOD_LEAF, &["-groups", "P-384"]);
    check(pki(), &s);
}

#[test]
fn tls13_only_server() {
    if skip() {
        return;
    }
    check(pki(), &scenario("tls13-only", GOOD_LEAF, &["-tls1_3"]));
}

#[test]
fn rsa_1024_leaf() {
    if skip() {
        return;
    }
    let leaf = Leaf {
        key: "rsa:1024",
        ..GOOD_LEAF
    };
    check(
        pki(),
        &scenario("rsa-1024", leaf, &["-cipher", "DEFAULT:@SECLEVEL=0"]),
    );
}

#[test]
fn sha1_signed_leaf() {
    if skip() {
        return;
    }
    let leaf = Leaf {
        digest: "sha1",
        ..GOOD_LEAF
    };
    check(
        pki(),
        &scenario("sha1-leaf", leaf, &["-cipher", "DEFAULT:@SECLEVEL=0"]),
    );
}

#[test]
fn incomplete_chain() {
    if skip() {
        return;
    }
    let leaf = Leaf {
        full_chain: false,
        ..GOOD_LEAF
    };
    check(pki(), &scenario("incomplete-chain", leaf, &[]));
}

#[test]
fn ecdsa_p256_leaf_tls12_only() {
    if skip() {
        return;
    }
    let leaf = Leaf {
        key: "ec:P-256",
        ..GOOD_LEAF
    };
    check(pki(), &scenario("ecdsa-tls12", leaf, &["-no_tls1_3"]));
}
