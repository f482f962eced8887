//! The CI gate on real servers (rustls on loopback, a PKI made at test
//! time): several targets in one run, `--min-grade`, `--profile`, their exit
//! statuses and precedence (0, 2, 10, 11, 10 over 11, a target that cannot
//! be scanned: 3, 4, 5, the first in the order given deciding), JSON Lines
//! in the order given, the progress line per target on a terminal (a
//! pseudo-terminal from util-linux `script`, Essential in Debian), the
//! summary table, `--fix`, `--junit` read back by Python's XML parser, and
//! the run's connection budget.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::Value;

/// Servers of one test: a PKI whose root is the `--ca-file`, and the
/// `--resolve` entries that point each name at its loopback port.
struct Zoo {
    dir: tempfile::TempDir,
    pki: Pki,
    root: PathBuf,
    resolve: Vec<String>,
}

/// Two years: the HSTS age every Mozilla profile wants.
const HSTS: &str = "Strict-Transport-Security: max-age=63072000\r\n";

impl Zoo {
    fn new() -> Zoo {
        let dir = tempfile::tempdir().unwrap();
        let pki = Pki::new("Gate");
        let root = pki.write_root(dir.path());
        Zoo {
            dir,
            pki,
            root,
            resolve: Vec::new(),
        }
    }

    /// A rustls server for `name` with a leaf valid 81 days (inside every
    /// profile's lifespan) and `headers`; returns `name:port`.
    fn server(
        &mut self,
        name: &str,
        versions: &[&'static rustls::SupportedProtocolVersion],
        headers: &str,
    ) -> String {
        let leaf = self.pki.leaf_days(&[name], -1, 80);
        let chain = vec![leaf.der.clone(), self.pki.inter.der.clone()];
        self.serve(name, chain, &leaf.key_pem, versions, headers)
    }

    /// A server whose certificate no `--ca-file` vouches for (grade T).
    fn untrusted(&mut self, name: &str) -> String {
        let leaf = self_signed(&[name]);
        let all = [&rustls::version::TLS13, &rustls::version::TLS12];
        self.serve(name, vec![leaf.der.clone()], &leaf.key_pem, &all, HSTS)
    }

    fn serve(
        &mut self,
        name: &str,
        chain: Vec<Vec<u8>>,
        key: &str,
        versions: &[&'static rustls::SupportedProtocolVersion],
        headers: &str,
    ) -> String {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        rustls_server(addr, rustls_config(&chain, key, versions), headers);
        self.resolve.push(format!("{name}:{port}:127.0.0.1"));
        format!("{name}:{port}")
    }

    /// A name whose port nothing listens on.
    fn closed(&mut self, name: &str) -> String {
        let port = free_port();
        self.resolve.push(format!("{name}:{port}:127.0.0.1"));
        format!("{name}:{port}")
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// `scan TARGETS... --allow-private --ca-file ROOT --resolve ... EXTRA`.
    fn scan(&self, targets: &[&str], extra: &[&str]) -> (i32, String, String) {
        let root = self.root.to_str().unwrap().to_owned();
        let mut args: Vec<&str> = vec!["scan"];
        args.extend_from_slice(targets);
        args.extend(["--allow-private", "--ca-file", &root, "--timeout", "20"]);
        for r in &self.resolve {
            args.extend(["--resolve", r.as_str()]);
        }
        args.extend_from_slice(extra);
        relay(&args)
    }
}

const BOTH: [&rustls::SupportedProtocolVersion; 2] =
    [&rustls::version::TLS13, &rustls::version::TLS12];
const TLS13_ONLY: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];

fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

const INTERMEDIATE: [&str; 4] = ["--min-grade", "A", "--profile", "mozilla-intermediate"];

#[test]
fn every_target_passing_exits_0_with_a_summary() {
    let mut zoo = Zoo::new();
    let a = zoo.server("a.gate.test", &BOTH, HSTS);
    let b = zoo.server("b.gate.test", &BOTH, HSTS);
    let (code, out, err) = zoo.scan(&[&a, &b], &INTERMEDIATE);
    assert_eq!(code, 0, "{out}\n{err}");
    // Both reports, in order, then the summary with one row each.
    let first = out.find(&format!("TLS Lens {a}")).unwrap();
    let second = out.find(&format!("TLS Lens {b}")).unwrap();
    let summary = out
        .find("Summary: 2 targets — 2 passed, 0 below A, 0 off mozilla-intermediate")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(first < second && second < summary, "{out}");
    let table = &out[summary..];
    assert!(
        table.contains("TARGET")
            && table.contains("WORST CAP")
            && table.contains("DAYS LEFT")
            && table.contains("FAILING CLIENTS"),
        "{table}"
    );
    for t in [&a, &b] {
        let row = table.lines().find(|l| l.starts_with(t.as_str())).unwrap();
        assert!(
            row.contains("compliant") && row.trim_end().ends_with("pass"),
            "{row}"
        );
        // The leaf has 80 days left.
        assert!(row.contains(" 80 ") || row.contains(" 79 "), "{row}");
    }
    assert!(
        !err.contains("below grade") && !err.contains("not compliant"),
        "{err}"
    );
}

#[test]
fn a_target_below_the_grade_exits_10_naming_it() {
    let mut zoo = Zoo::new();
    let good = zoo.server("good.gate.test", &BOTH, HSTS);
    let bad = zoo.untrusted("bad.gate.test");
    let (code, out, err) = zoo.scan(&[&good, &bad], &["--min-grade", "A"]);
    assert_eq!(code, 10, "{out}\n{err}");
    assert!(
        err.contains(&format!("tlslens-relay: below grade A: {bad} (T)")),
        "{err}"
    );
    assert!(!err.contains(&good), "{err}");
    let row = out.lines().find(|l| l.starts_with(bad.as_str())).unwrap();
    assert!(row.contains("below A"), "{row}");
    // T is below everything: even --min-grade F fails.
    let (code, _, err) = zoo.scan(&[&bad], &["--min-grade", "F"]);
    assert_eq!(code, 10, "{err}");
}

#[test]
fn a_target_off_the_profile_exits_11_naming_the_deviation() {
    let mut zoo = Zoo::new();
    let good = zoo.server("good.gate.test", &BOTH, HSTS);
    // TLS 1.3 only: fine for the grade, but intermediate wants TLS 1.2 too.
    let modern = zoo.server("modern.gate.test", &TLS13_ONLY, HSTS);
    let (code, out, err) = zoo.scan(&[&good, &modern], &INTERMEDIATE);
    assert_eq!(code, 11, "{out}\n{err}");
    assert!(
        err.contains(&format!(
            "tlslens-relay: not compliant with mozilla-intermediate: {modern} (protocol_missing)"
        )),
        "{err}"
    );
    assert!(!err.contains("below grade"), "{err}");
    // The same server is what mozilla-modern wants, apart from its key
    // exchange groups and cipher order, which rustls decides: no deviation
    // about protocols.
    let (_, out, _) = zoo.scan(&[&modern], &["--json", "--profile", "mozilla-modern"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["compliance"]["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("protocol_")),
        "{codes:?}"
    );
}

#[test]
fn below_the_grade_wins_over_off_the_profile() {
    let mut zoo = Zoo::new();
    let modern = zoo.server("modern.gate.test", &TLS13_ONLY, HSTS);
    let bad = zoo.untrusted("bad.gate.test");
    // One target off the profile, another below the grade (and off too).
    let (code, _, err) = zoo.scan(&[&modern, &bad], &INTERMEDIATE);
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("below grade A"), "{err}");
    assert!(
        err.contains("not compliant with mozilla-intermediate"),
        "{err}"
    );
    // One target failing both.
    let (code, _, err) = zoo.scan(&[&bad], &INTERMEDIATE);
    assert_eq!(code, 10, "{err}");
}

#[test]
fn a_target_that_cannot_be_scanned_fails_the_run_and_is_listed() {
    let mut zoo = Zoo::new();
    let good = zoo.server("good.gate.test", &BOTH, HSTS);
    let down = zoo.closed("down.gate.test");
    let bad = zoo.untrusted("bad.gate.test");
    // JSON Lines, in the order given: the error object in its place.
    let (code, out, err) = zoo.scan(&[&down, &good, &bad], &["--json", "--min-grade", "A"]);
    assert_eq!(code, 5, "not scanned wins over below the grade: {err}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["error"]["code"], "unreachable");
    assert_eq!(lines[0]["target"]["host"], "down.gate.test");
    assert!(lines[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&down));
    assert_eq!(lines[1]["target"]["host"], "good.gate.test");
    assert_eq!(lines[1]["schema"], "tlslens.report/1");
    assert_eq!(lines[2]["target"]["host"], "bad.gate.test");
    assert_eq!(lines[2]["grade"], "T");
    assert!(
        err.contains(&format!("nothing reachable at {down}")),
        "{err}"
    );
    assert!(err.contains(&format!("below grade A: {bad} (T)")), "{err}");
    // For people: the summary row says why.
    let (code, out, _) = zoo.scan(&[&good, &down], &[]);
    assert_eq!(code, 5);
    let row = out.lines().find(|l| l.starts_with(down.as_str())).unwrap();
    assert!(row.contains("not scanned: unreachable"), "{row}");
    assert!(
        out.contains("Summary: 2 targets — 1 passed, 1 not scanned"),
        "{out}"
    );
}

#[test]
fn bad_input_exits_2_before_any_scan() {
    let zoo = Zoo::new();
    let file = zoo.path("targets.txt");
    std::fs::write(&file, "# endpoints\nok.example\n\nexa mple.com:443\n").unwrap();
    let f = file.to_str().unwrap();
    let (code, out, err) = relay(&["scan", "--targets-file", f]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("--targets-file {f} line 4: \"exa mple.com:443\"")),
        "{err}"
    );
    std::fs::write(&file, "ok.example\nexample.com:0\n").unwrap();
    let (code, _, err) = relay(&["scan", "--targets-file", f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 2:") && err.contains("invalid port"),
        "{err}"
    );
    let (code, out, err) = relay(&[
        "scan",
        "example.com",
        "--profile",
        "mozilla-modern2",
        "--json",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("known profiles: mozilla-modern, mozilla-intermediate, mozilla-old"),
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "bad_input");
    let (code, _, err) = relay(&["scan", "example.com", "--min-grade", "A++"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("expected a grade: A+, A, A-, B, C, D, E, F, T, M"),
        "{err}"
    );
    let (code, _, err) = relay(&["scan", "--targets-file", "/nonexistent/targets.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read it"), "{err}");
    let (code, _, err) = relay(&["scan", "example.com", "--junit", "/nonexistent/dir/r.xml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--junit /nonexistent/dir/r.xml: cannot write it"),
        "{err}"
    );
}

#[test]
fn a_targets_file_gives_json_lines_after_the_arguments() {
    let mut zoo = Zoo::new();
    let a = zoo.server("a.gate.test", &BOTH, HSTS);
    let b = zoo.server("b.gate.test", &BOTH, HSTS);
    let c = zoo.server("c.gate.test", &TLS13_ONLY, HSTS);
    let file = zoo.path("targets.txt");
    std::fs::write(
        &file,
        format!("# the fleet\n{c}   # TLS 1.3 only\n\n  {a}\n"),
    )
    .unwrap();
    let (code, out, err) = zoo.scan(&[&b], &["--targets-file", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let hosts: Vec<String> = json_lines(&out)
        .iter()
        .map(|v| v["target"]["host"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hosts, ["b.gate.test", "c.gate.test", "a.gate.test"]);
}

/// Runs Python's XML parser on `xml` and prints, per test case,
/// `classname|name|status|type|message` (status: pass, failure, error,
/// skipped), then `totals|tests|failures|errors|skipped`.
fn parse_junit(xml: &Path) -> Vec<Vec<String>> {
    let script = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
for suite in root.findall("testsuite"):
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    for c in cases:
        status, kind, msg = "pass", "", ""
        for tag in ("failure", "error", "skipped"):
            e = c.find(tag)
            if e is not None:
                status, kind, msg = tag, e.get("type") or "", e.get("message") or ""
        print("\x1f".join([c.get("classname"), c.get("name"), status, kind, msg.replace("\n", "\\n")]))
print("\x1f".join(["totals", root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")]))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(xml)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python3 could not parse the JUnit file: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(xml).unwrap_or_default()
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\x1f').map(str::to_owned).collect())
        .collect()
}

#[test]
fn junit_has_a_case_per_target_and_check_and_survives_hostile_text() {
    let mut zoo = Zoo::new();
    let good = zoo.server("good.gate.test", &BOTH, HSTS);
    // A header a hostile server could send: its max-age is markup, an
    // entity, a CDATA end and a control character, quoted back in the
    // reason (a quoted max-age with unknown directives would be valid).
    let hostile = zoo.server(
        "hostile.gate.test",
        &BOTH,
        "Strict-Transport-Security: max-age=<x a='1'>&amp]]>\x01\x7f; preload\r\n",
    );
    let down = zoo.closed("down.gate.test");
    let xml = zoo.path("report.xml");
    let (code, _, err) = zoo.scan(
        &[&good, &hostile, &down],
        &[
            "--min-grade",
            "A",
            "--profile",
            "mozilla-intermediate",
            "--junit",
            xml.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 5, "{err}");
    let rows = parse_junit(&xml);
    let per_target = 2 + tlslens_core::compliance::DeviationCode::ALL.len() + 1;
    let totals = rows.last().unwrap();
    assert_eq!(totals[1], (3 * per_target).to_string(), "{rows:?}");
    let cases =
        |target: &str| -> Vec<&Vec<String>> { rows.iter().filter(|r| r[0] == target).collect() };
    // The good server passes every check.
    let g = cases(&good);
    assert_eq!(g.len(), per_target);
    assert!(g.iter().all(|r| r[2] == "pass"), "{g:?}");
    let names: Vec<&str> = g.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names[..2], ["scan", "grade A or better"]);
    assert!(names.contains(&"mozilla-intermediate protocol_not_allowed"));
    assert!(names.contains(&"mozilla-intermediate hsts_invalid"));
    assert!(names.contains(&"mozilla-intermediate measured"));
    // The hostile server fails hsts_invalid, its reason intact.
    let h = cases(&hostile);
    let failed: Vec<&str> = h
        .iter()
        .filter(|r| r[2] == "failure")
        .map(|r| r[3].as_str())
        .collect();
    assert!(failed.contains(&"hsts_invalid"), "{h:?}");
    let hsts = h.iter().find(|r| r[3] == "hsts_invalid").unwrap();
    assert!(hsts[4].contains("<x a='1'>&amp]]>"), "{hsts:?}");
    // The unreachable target: an error on `scan`, every other check skipped.
    let d = cases(&down);
    assert_eq!(d[0][1], "scan");
    assert_eq!(
        (d[0][2].as_str(), d[0][3].as_str()),
        ("error", "unreachable")
    );
    assert!(d[0][4].contains("nothing reachable"), "{d:?}");
    assert!(d[1..].iter().all(|r| r[2] == "skipped"), "{d:?}");
    assert_eq!(totals[3], "1");
    assert_eq!(totals[4], (per_target - 1).to_string());
}

#[test]
fn fix_prints_nginx_apache_and_caddy_lines() {
    let mut zoo = Zoo::new();
    let a = zoo.server("fix.gate.test", &TLS13_ONLY, "");
    let (code, out, err) = zoo.scan(&[&a], &["--fix", "--profile", "mozilla-intermediate"]);
    assert_eq!(code, 11, "{err}");
    assert!(out.contains("How to fix 127.0.0.1"), "{out}");
    assert!(out.contains("goal: mozilla-intermediate"), "{out}");
    for needle in [
        "ssl_protocols TLSv1.2 TLSv1.3;",
        "add_header Strict-Transport-Security \"max-age=63072000\" always;",
        "SSLProtocol",
        "Header always set Strict-Transport-Security",
        "tls {",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    // Without a profile the goal is A+; in JSON the plan is in the report.
    let (_, out, _) = zoo.scan(&[&a], &["--fix", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["endpoints"][0]["fix"]["goal"], "A+");
    assert!(v["endpoints"][0]["fix"]["servers"][0]["text"]
        .as_str()
        .unwrap()
        .contains("ssl_protocols"));
}

/// A TCP server on several ports that counts the connections open at once
/// (over all ports): it reads the hello, waits, and closes.
fn counting_servers(n: usize) -> (Vec<u16>, Arc<AtomicUsize>) {
    let open = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let ports = (0..n)
        .map(|_| {
            let open = open.clone();
            let peak = peak.clone();
            hostile(move |mut s: TcpStream| {
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                read_hello(&mut s);
                std::thread::sleep(Duration::from_millis(60));
                open.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    (ports, peak)
}

#[test]
fn a_run_never_opens_more_connections_than_its_budget() {
    let (ports, peak) = counting_servers(6);
    let targets: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    let mut args: Vec<&str> = vec!["scan"];
    args.extend(targets.iter().map(String::as_str));
    args.extend([
        "--allow-private",
        "--timeout",
        "10",
        "--scan-connections",
        "4",
        "--total-connections",
        "8",
        "--json",
    ]);
    let (code, out, err) = relay(&args);
    // None of them speaks TLS: every target is an error line, in order.
    assert_ne!(code, 0, "{err}");
    assert_eq!(json_lines(&out).len(), 6, "{out}");
    let seen = peak.load(Ordering::SeqCst);
    assert!(seen <= 8, "{seen} connections at once over a budget of 8");
    // Two targets (4 connections each) ran side by side.
    assert!(
        seen > 4,
        "only {seen} connections at once: targets did not overlap"
    );
}

/// Exit 3 and 4 from a run: the first target that cannot be scanned, in the
/// order given, decides. No server is needed: a loopback target without
/// `--allow-private` is refused before any connection, and `.invalid`
/// names never resolve (RFC 6761).
#[test]
fn the_first_target_not_scanned_decides_between_3_and_4() {
    let refused = "127.0.0.1:1";
    let unresolvable = "no-such-host.invalid";
    let run = |targets: &[&str]| {
        let mut args = vec!["scan"];
        args.extend_from_slice(targets);
        args.extend(["--min-grade", "A", "--json", "--timeout", "5"]);
        relay(&args)
    };
    let (code, out, err) = run(&[refused, unresolvable]);
    assert_eq!(code, 3, "{err}");
    let lines = json_lines(&out);
    let codes: Vec<&str> = lines
        .iter()
        .map(|v| v["error"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["refused", "unresolvable"]);
    let (code, out, err) = run(&[unresolvable, refused]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(json_lines(&out)[0]["target"]["host"], unresolvable);
    // Both named on stderr, one line each, whatever decided the status.
    assert!(
        err.contains("refused") && err.contains(unresolvable),
        "{err}"
    );
}

/// Quotes `arg` for `sh -c`.
fn sh_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

#[test]
fn a_terminal_gets_a_progress_line_per_target() {
    let mut zoo = Zoo::new();
    let a = zoo.server("a.gate.test", &BOTH, HSTS);
    let b = zoo.untrusted("b.gate.test");
    let down = zoo.closed("down.gate.test");
    let root = zoo.root.to_str().unwrap().to_owned();
    let mut args: Vec<String> = vec![env!("CARGO_BIN_EXE_tlslens-relay").into(), "scan".into()];
    args.extend([a.clone(), b.clone(), down.clone()]);
    args.extend(["--allow-private", "--ca-file", &root, "--timeout", "20"].map(String::from));
    for r in &zoo.resolve {
        args.extend(["--resolve".to_owned(), r.clone()]);
    }
    args.push("--no-color".into());
    let command: Vec<String> = args.iter().map(|a| sh_quote(a)).collect();
    // util-linux `script` runs the command on a pseudo-terminal: stdout and
    // stderr are both that terminal.
    let out = Command::new("script")
        .args(["-qec", &command.join(" "), "/dev/null"])
        .output()
        .expect("script (util-linux)");
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_eq!(out.status.code(), Some(5), "{text}");
    let progress: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with('[') && l.contains("/3] "))
        .collect();
    assert_eq!(progress.len(), 3, "one line per target: {text}");
    // Counted in completion order, each naming its target and its result.
    for (i, line) in progress.iter().enumerate() {
        assert!(line.starts_with(&format!("[{}/3] ", i + 1)), "{line}");
    }
    let line_of = |t: &str| *progress.iter().find(|l| l.contains(t)).unwrap();
    assert!(line_of(&a).contains(&format!("{a}  A")), "{text}");
    assert!(line_of(&b).contains(&format!("{b}  T")), "{text}");
    assert!(
        line_of(&down).contains("not scanned: unreachable"),
        "{text}"
    );
    assert!(line_of(&a).trim_end().ends_with(" s)"), "{text}");
    // Several targets: no step-by-step lines of a single scan.
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("[1/") && !l.contains("/3] ")),
        "{text}"
    );

    // Not a terminal: no progress at all.
    let (_, _, err) = zoo.scan(&[&a, &b], &[]);
    assert!(!err.lines().any(|l| l.starts_with("[1/2]")), "{err}");
}
