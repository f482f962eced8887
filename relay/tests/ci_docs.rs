//! docs/ci.md's recipes, run as written: the blocks marked `ci-test:` are
//! read from the doc (so the doc cannot drift), the YAML parsed by Python's
//! YAML reader, and the commands run against servers on loopback — the
//! GitHub Actions steps, the GitLab CI job and the cron script — once with
//! targets that pass and once with one below the grade.
//!
//! The "release binary" the recipes download from `TLSLENS_RELAY_URL` is a
//! `file://` URL of a wrapper around the binary under test that adds what
//! loopback servers need (`--allow-private`, `--ca-file`, `--resolve`).

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/ci.md");
    std::fs::read_to_string(path).unwrap()
}

/// The fenced block after `<!-- ci-test: NAME -->`.
fn block(doc: &str, name: &str) -> String {
    let marker = format!("<!-- ci-test: {name} -->");
    let after = doc
        .split(&marker)
        .nth(1)
        .unwrap_or_else(|| panic!("docs/ci.md has no {marker}"));
    let fence = after.find("```").unwrap();
    let body = &after[fence + 3..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("\n```").unwrap() + 1].to_owned()
}

/// Debian's Python (python3-yaml, from `scripts/ensure-tools.sh zoo`).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// YAML → JSON through Python's YAML reader.
fn yaml(text: &str) -> Value {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "not YAML: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write_exec(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Loopback servers, the wrapper that reaches them, and a directory per run.
struct Fleet {
    dir: tempfile::TempDir,
    pki: Pki,
    resolve: Vec<String>,
}

impl Fleet {
    fn new() -> Fleet {
        Fleet {
            dir: tempfile::tempdir().unwrap(),
            pki: Pki::new("CI Docs"),
            resolve: Vec::new(),
        }
    }

    /// A server that passes `--min-grade A --profile mozilla-intermediate`
    /// (TLS 1.2 and 1.3, an 81-day certificate, two years of HSTS), or,
    /// `untrusted`, one whose certificate nothing vouches for (grade T).
    fn server(&mut self, name: &str, untrusted: bool) -> String {
        let (chain, key) = if untrusted {
            let leaf = self_signed(&[name]);
            (vec![leaf.der], leaf.key_pem)
        } else {
            let leaf = self.pki.leaf_days(&[name], -1, 80);
            (vec![leaf.der, self.pki.inter.der.clone()], leaf.key_pem)
        };
        let port = free_port();
        let versions = [&rustls::version::TLS13, &rustls::version::TLS12];
        rustls_server(
            SocketAddr::from(([127, 0, 0, 1], port)),
            rustls_config(&chain, &key, &versions),
            "Strict-Transport-Security: max-age=63072000\r\n",
        );
        self.resolve.push(format!("{name}:{port}:127.0.0.1"));
        format!("{name}:{port}")
    }

    /// A fresh working directory holding `targets` as `file`, and a `bin/`
    /// with the wrapped binary as `tlslens-relay` and a stand-in `mail`.
    fn workdir(&self, name: &str, file: &str, targets: &[&str]) -> PathBuf {
        let work = self.dir.path().join(name);
        std::fs::create_dir_all(work.join("bin")).unwrap();
        let mut list = String::from("# the fleet\n");
        for t in targets {
            list.push_str(t);
            list.push('\n');
        }
        std::fs::write(work.join(file), list).unwrap();
        let root = self.pki.write_root(&work);
        let mut extra = format!("--allow-private --ca-file '{}'", root.display());
        for r in &self.resolve {
            extra.push_str(&format!(" --resolve {r}"));
        }
        write_exec(
            &work.join("bin/tlslens-relay"),
            &format!(
                "#!/bin/sh\nexec '{}' \"$@\" {extra}\n",
                env!("CARGO_BIN_EXE_tlslens-relay")
            ),
        );
        write_exec(
            &work.join("bin/mail"),
            "#!/bin/sh\n{ printf '%s\\n' \"$@\"; cat; } > \"$MAIL_LOG\"\n",
        );
        work
    }
}

/// Runs `script` with bash in `dir` (as GitHub Actions runs `run:` and
/// GitLab runs a job's lines: stop at the first failing command).
fn bash(dir: &Path, script: &str) -> (i32, String, String) {
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env(
            "TLSLENS_RELAY_URL",
            format!("file://{}", dir.join("bin/tlslens-relay").display()),
        )
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Test cases and failures of a JUnit file, by Python's XML parser.
fn junit_counts(path: &Path) -> (usize, usize) {
    let out = Command::new(python())
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as ET\nr = ET.parse(sys.argv[1]).getroot()\nprint(len(r.findall('.//testcase')), len(r.findall('.//failure')))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut n = text.split_whitespace().map(|v| v.parse().unwrap());
    (n.next().unwrap(), n.next().unwrap())
}

/// Runs `steps` in order in `work` until one fails; returns the index and
/// exit status of the failing one.
fn run_steps(work: &Path, steps: &[String]) -> Option<(usize, i32, String)> {
    for (i, step) in steps.iter().enumerate() {
        let (code, _, err) = bash(work, step);
        if code != 0 {
            return Some((i, code, err));
        }
    }
    None
}

#[test]
fn github_actions_recipe_runs_as_written() {
    let doc = doc();
    let wf = yaml(&block(&doc, "github-actions"));
    let job = &wf["jobs"]["tls-gate"];
    assert_eq!(
        job["env"]["TLSLENS_RELAY_URL"],
        "${{ vars.TLSLENS_RELAY_URL }}"
    );
    let steps = job["steps"].as_array().unwrap();
    let runs: Vec<String> = steps
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(runs.len(), 2, "install and scan: {runs:?}");
    // The report step runs whatever the gate says, on the file it writes.
    let report = steps.last().unwrap();
    assert_eq!(report["if"], "always()");
    assert_eq!(report["with"]["report_paths"], "tls-junit.xml");
    assert!(runs[1].contains("--junit tls-junit.xml"), "{}", runs[1]);

    let mut fleet = Fleet::new();
    let www = fleet.server("www.ci.test", false);
    let api = fleet.server("api.ci.test", false);
    let legacy = fleet.server("legacy.ci.test", true);

    let work = fleet.workdir("gh-pass", "tls-targets.txt", &[&www, &api]);
    assert_eq!(run_steps(&work, &runs), None);
    let (cases, failures) = junit_counts(&work.join("tls-junit.xml"));
    assert_eq!(cases, 2 * 21);
    assert_eq!(failures, 0);

    let work = fleet.workdir("gh-fail", "tls-targets.txt", &[&www, &legacy]);
    let (step, code, err) = run_steps(&work, &runs).unwrap();
    assert_eq!((step, code), (1, 10), "{err}");
    assert!(
        err.contains(&format!("below grade A: {legacy} (T)")),
        "{err}"
    );
    let (cases, failures) = junit_counts(&work.join("tls-junit.xml"));
    assert_eq!(cases, 2 * 21);
    assert!(failures >= 1);
}

#[test]
fn gitlab_ci_recipe_runs_as_written() {
    let doc = doc();
    let ci = yaml(&block(&doc, "gitlab-ci"));
    let job = &ci["tls-gate"];
    assert_eq!(job["artifacts"]["when"], "always");
    assert_eq!(job["artifacts"]["reports"]["junit"], "tls-junit.xml");
    let lines: Vec<String> = ["before_script", "script"]
        .iter()
        .flat_map(|k| job[*k].as_array().unwrap())
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    assert!(lines.len() >= 3, "{lines:?}");

    let mut fleet = Fleet::new();
    let www = fleet.server("www.ci.test", false);
    let legacy = fleet.server("legacy.ci.test", true);
    let work = fleet.workdir("gl-pass", "tls-targets.txt", &[&www]);
    assert_eq!(run_steps(&work, &lines), None);
    assert_eq!(junit_counts(&work.join("tls-junit.xml")), (21, 0));

    let work = fleet.workdir("gl-fail", "tls-targets.txt", &[&legacy, &www]);
    let (step, code, _) = run_steps(&work, &lines).unwrap();
    assert_eq!((step, code), (lines.len() - 1, 10));
    assert!(work.join("tls-junit.xml").exists());
}

#[test]
fn cron_script_keeps_reports_and_mails_failures() {
    let doc = doc();
    let cron = block(&doc, "cron.d");
    let entry = cron
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap();
    let fields: Vec<&str> = entry.split_whitespace().collect();
    // minute hour day month weekday user command
    assert_eq!(fields.len(), 7, "{entry}");
    let command = fields[6];
    let script = block(&doc, "tls-gate");
    assert!(script.starts_with("#!/bin/sh\n"));
    assert!(script.contains(&format!("# {command}:")), "{script}");

    let mut fleet = Fleet::new();
    let www = fleet.server("www.ci.test", false);
    let legacy = fleet.server("legacy.ci.test", true);
    let run = |work: &Path| {
        let path = work.join("tls-gate");
        write_exec(&path, &script);
        let out = Command::new(&path)
            .env("TLSLENS_DIR", work)
            .env("TLSLENS_MAILTO", "tls@example.test")
            .env("MAIL_LOG", work.join("mail.txt"))
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", work.join("bin").display()),
            )
            .output()
            .unwrap();
        out.status.code().unwrap_or(-1)
    };
    let reports = |work: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(work.join("reports"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect()
    };

    let work = fleet.workdir("cron-pass", "targets.txt", &[&www]);
    assert_eq!(run(&work), 0);
    assert!(!work.join("mail.txt").exists(), "mailed on success");
    let jsonl = std::fs::read_to_string(&reports(&work)[0]).unwrap();
    assert_eq!(jsonl.lines().count(), 1, "{jsonl}");
    let v: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(v["compliance"]["compliant"], true);

    let work = fleet.workdir("cron-fail", "targets.txt", &[&www, &legacy]);
    assert_eq!(run(&work), 10);
    let mail = std::fs::read_to_string(work.join("mail.txt")).unwrap();
    assert!(
        mail.contains("-s\nTLS gate failed (exit 10)\ntls@example.test\n"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("below grade A: {legacy} (T)")),
        "{mail}"
    );
    let jsonl = std::fs::read_to_string(&reports(&work)[0]).unwrap();
    assert_eq!(jsonl.lines().count(), 2, "{jsonl}");
}
