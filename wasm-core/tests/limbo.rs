//! Conformance against the x509-limbo suite (C2SP x509-limbo plus Netflix
//! BetterTLS): every server-validation case runs through `chain::analyse` with
//! the case's roots as the only anchors, and `trusted` must equal the expected
//! result. The figures and the known disagreements are recorded in
//! `tests/fixtures/limbo-baseline.txt`; the test fails when agreement drops or a
//! case disagrees that is not listed there, naming the new disagreements by id.
//!
//! The data is third-party and not committed: it is read from
//! `../shared/x509-limbo/limbo.json.xz` (next to the repository) or from the path
//! in `TLSLENS_LIMBO`. Without it the test is skipped, except with `CI=true`,
//! where a missing file is a failure. `TLSLENS_LIMBO_UPDATE=1` rewrites the
//! baseline from the current results.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tlslens_core::anchors::TrustStore;
use tlslens_core::chain::{analyse, ChainInput};
use tlslens_core::der::certificates_from_text;
use tlslens_core::time::parse_rfc3339;
use tlslens_core::Der;

#[derive(Deserialize)]
struct Suite {
    testcases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    #[serde(default)]
    features: Vec<String>,
    validation_kind: String,
    trusted_certs: Vec<String>,
    untrusted_intermediates: Vec<String>,
    peer_certificate: String,
    validation_time: Option<String>,
    expected_peer_name: Option<PeerName>,
    max_chain_depth: Option<usize>,
    expected_result: String,
}

#[derive(Deserialize)]
struct PeerName {
    value: String,
}

#[derive(Deserialize)]
struct PeerResults {
    results: Vec<PeerResult>,
}

#[derive(Deserialize)]
struct PeerResult {
    id: String,
    actual_result: String,
}

/// How one case went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Agree,
    /// Trusted, but the suite expects a rejection.
    FalseAccept,
    /// Rejected, but the suite expects the chain to validate.
    FalseReject,
    Skipped,
}

impl Outcome {
    fn of(expected_success: bool, actual: Option<bool>) -> Self {
        match (expected_success, actual) {
            (_, None) => Outcome::Skipped,
            (e, Some(a)) if e == a => Outcome::Agree,
            (false, Some(true)) => Outcome::FalseAccept,
            _ => Outcome::FalseReject,
        }
    }

    /// The tag used in the baseline file.
    fn tag(self) -> &'static str {
        match self {
            Outcome::Agree => "agree",
            Outcome::FalseAccept => "FA",
            Outcome::FalseReject => "FR",
            Outcome::Skipped => "SKIP",
        }
    }
}

/// When a case has no validation time (its certificates are valid for
/// centuries): 2026-01-01T00:00:00Z, fixed so that runs are reproducible.
const DEFAULT_TIME: i64 = 1_767_225_600;

/// Why a case is not run, if it is not.
fn skip_reason(case: &Case) -> Option<&'static str> {
    if case.features.iter().any(|f| f == "has-crl") {
        // Browsers do not read CRLs during validation (they ship pushed
        // revocation sets), and the core takes no CRL input.
        return Some("CRLs are not an input of the core");
    }
    None
}

/// Runs one case: `Some(trusted)`, or `None` when skipped.
fn run(case: &Case) -> Option<bool> {
    if skip_reason(case).is_some() {
        return None;
    }
    let mut sent: Vec<Der> = certificates_from_text(&case.peer_certificate);
    for pem in &case.untrusted_intermediates {
        sent.extend(certificates_from_text(pem));
    }
    let anchors: Vec<Der> = case
        .trusted_certs
        .iter()
        .flat_map(|pem| certificates_from_text(pem))
        .collect();
    let (store, _) = TrustStore::only(&anchors);
    let now = case
        .validation_time
        .as_deref()
        .map(|t| parse_rfc3339(t).unwrap_or_else(|| panic!("{}: time {t}", case.id)))
        .unwrap_or(DEFAULT_TIME);
    let (report, _) = analyse(
        ChainInput {
            sent: &sent,
            aia: &[],
            ocsp_staple: None,
            host: case.expected_peer_name.as_ref().map(|n| n.value.as_str()),
            now,
            max_intermediates: case.max_chain_depth,
        },
        &store,
    );
    Some(report.trusted)
}

/// `rfc5280::nc::permitted-dns-match` → `rfc5280::nc`; `rfc5280::ca-as-leaf` →
/// `rfc5280`.
fn family(id: &str) -> String {
    let parts: Vec<&str> = id.split("::").collect();
    match parts.len() {
        0 | 1 => id.to_owned(),
        2 => parts[0].to_owned(),
        n => parts[..n - 1].join("::"),
    }
}

fn data_path() -> PathBuf {
    match std::env::var_os("TLSLENS_LIMBO") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/x509-limbo/limbo.json.xz"),
    }
}

fn baseline_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/limbo-baseline.txt")
}

fn read_xz(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    lzma_rs::xz_decompress(&mut std::io::BufReader::new(file), &mut out)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    out
}

/// The recorded figures and known disagreements.
#[derive(Debug, Default)]
struct Baseline {
    agree: usize,
    false_accept: usize,
    false_reject: usize,
    /// id → `FA`, `FR` or `SKIP`.
    known: BTreeMap<String, String>,
}

impl Baseline {
    fn parse(text: &str) -> Self {
        let mut b = Baseline::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            let value = value.trim();
            match key {
                "agree" => b.agree = value.parse().unwrap(),
                "false_accept" => b.false_accept = value.parse().unwrap(),
                "false_reject" => b.false_reject = value.parse().unwrap(),
                "FA" | "FR" | "SKIP" => {
                    b.known.insert(value.to_owned(), key.to_owned());
                }
                other => panic!("limbo baseline: unknown line kind {other:?}"),
            }
        }
        b
    }

    fn render(totals: &[usize; 4], outcomes: &BTreeMap<String, Outcome>) -> String {
        let mut s = String::from(
            "# x509-limbo conformance baseline, checked by wasm-core/tests/limbo.rs.\n\
             # Regenerate: TLSLENS_LIMBO_UPDATE=1 cargo test -p tlslens-core --test limbo\n\
             # Every FA/FR below is explained in docs/validation.md.\n",
        );
        s.push_str(&format!(
            "agree {}\nfalse_accept {}\nfalse_reject {}\n",
            totals[0], totals[1], totals[2]
        ));
        for (id, o) in outcomes {
            if *o != Outcome::Agree {
                s.push_str(&format!("{} {id}\n", o.tag()));
            }
        }
        s
    }
}

/// agree / FA / FR / skipped per family (and `total`).
type Table = BTreeMap<String, [usize; 4]>;

fn tally(outcomes: &BTreeMap<String, Outcome>) -> Table {
    let mut t = Table::new();
    for (id, o) in outcomes {
        for key in [family(id), "total".to_owned()] {
            t.entry(key).or_default()[*o as usize] += 1;
        }
    }
    t
}

/// The peers' outcomes on the same cases, by peer name.
fn peers(dir: &Path, expected: &BTreeMap<String, bool>) -> Vec<(String, Table)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json.xz"))
        else {
            continue;
        };
        let results: PeerResults = serde_json::from_slice(&read_xz(&path)).unwrap();
        let outcomes: BTreeMap<String, Outcome> = results
            .results
            .iter()
            .filter_map(|r| {
                let &exp = expected.get(&r.id)?;
                let actual = match r.actual_result.as_str() {
                    "SUCCESS" => Some(true),
                    "FAILURE" => Some(false),
                    _ => None,
                };
                Some((r.id.clone(), Outcome::of(exp, actual)))
            })
            .collect();
        out.push((name.to_owned(), tally(&outcomes)));
    }
    out
}

fn print_table(ours: &Table, peers: &[(String, Table)]) {
    let cell = |c: Option<&[usize; 4]>| match c {
        Some(c) => format!("{:>5}/{:>3}/{:>3}", c[0], c[1], c[2]),
        None => format!("{:>13}", "-"),
    };
    let mut header = format!(
        "{:<28} {:>5} {:>13} {:>5}",
        "family", "cases", "tlslens a/FA/FR", "skip"
    );
    for (name, _) in peers {
        header.push_str(&format!(" {:>17}", name));
    }
    println!("{header}");
    for (family, c) in ours {
        let mut row = format!(
            "{:<28} {:>5} {:>15} {:>5}",
            family,
            c.iter().sum::<usize>(),
            cell(Some(c)),
            c[3]
        );
        for (_, t) in peers {
            row.push_str(&format!(" {:>17}", cell(t.get(family))));
        }
        println!("{row}");
    }
}

fn run_all(cases: &[Case]) -> BTreeMap<String, Outcome> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = cases.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|c| {
                            let expected = c.expected_result == "SUCCESS";
                            (c.id.clone(), Outcome::of(expected, run(c)))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn limbo_server_cases_agree_at_least_as_recorded() {
    let path = data_path();
    if !path.exists() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "x509-limbo data missing at {} (set TLSLENS_LIMBO); CI requires it",
            path.display()
        );
        println!("skipped: no x509-limbo data at {}", path.display());
        return;
    }
    let started = std::time::Instant::now();
    let suite: Suite = serde_json::from_slice(&read_xz(&path)).unwrap();
    let cases: Vec<Case> = suite
        .testcases
        .into_iter()
        .filter(|c| c.validation_kind == "SERVER")
        .collect();
    let loaded = started.elapsed();
    let outcomes = run_all(&cases);
    let ran = started.elapsed() - loaded;

    let expected: BTreeMap<String, bool> = cases
        .iter()
        .map(|c| (c.id.clone(), c.expected_result == "SUCCESS"))
        .collect();
    let ours = tally(&outcomes);
    let peer_tables = peers(&path.with_file_name("peers"), &expected);
    print_table(&ours, &peer_tables);
    println!(
        "{} server cases: loaded in {:.1}s, validated in {:.1}s",
        cases.len(),
        loaded.as_secs_f64(),
        ran.as_secs_f64()
    );
    for (id, o) in &outcomes {
        if matches!(o, Outcome::FalseAccept | Outcome::FalseReject) {
            println!("  {} {id}", o.tag());
        }
    }

    let totals = ours.get("total").copied().unwrap_or_default();
    if std::env::var_os("TLSLENS_LIMBO_UPDATE").is_some() {
        std::fs::write(baseline_path(), Baseline::render(&totals, &outcomes)).unwrap();
        println!("baseline rewritten: {}", baseline_path().display());
        return;
    }
    let baseline = Baseline::parse(&std::fs::read_to_string(baseline_path()).unwrap());
    let new: Vec<String> = outcomes
        .iter()
        .filter(|(id, o)| {
            **o != Outcome::Agree && baseline.known.get(*id).map(String::as_str) != Some(o.tag())
        })
        .map(|(id, o)| format!("{} {id}", o.tag()))
        .collect();
    let fixed: BTreeSet<&String> = baseline
        .known
        .keys()
        .filter(|id| outcomes.get(*id) == Some(&Outcome::Agree))
        .collect();
    if !fixed.is_empty() {
        println!("now agreeing (update the baseline): {fixed:?}");
    }
    assert!(
        new.is_empty(),
        "new disagreements with x509-limbo:\n{}",
        new.join("\n")
    );
    assert!(
        totals[0] >= baseline.agree
            && totals[1] <= baseline.false_accept
            && totals[2] <= baseline.false_reject,
        "agreement dropped: {} agree / {} FA / {} FR, recorded {} / {} / {}",
        totals[0],
        totals[1],
        totals[2],
        baseline.agree,
        baseline.false_accept,
        baseline.false_reject
    );
}

#[test]
fn limbo_families_come_from_the_ids() {
    assert_eq!(family("rfc5280::nc::permitted-dns-match"), "rfc5280::nc");
    assert_eq!(family("rfc5280::ca-as-leaf"), "rfc5280");
    assert_eq!(
        family("bettertls::pathbuilding::tc7"),
        "bettertls::pathbuilding"
    );
    assert_eq!(Outcome::of(false, Some(true)), Outcome::FalseAccept);
    assert_eq!(Outcome::of(true, Some(false)), Outcome::FalseReject);
    assert_eq!(Outcome::of(true, None), Outcome::Skipped);
}

#[test]
fn every_known_disagreement_is_explained_in_the_docs() {
    let baseline = Baseline::parse(&std::fs::read_to_string(baseline_path()).unwrap());
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/validation.md"),
    )
    .unwrap();
    let missing: Vec<&String> = baseline
        .known
        .iter()
        .filter(|(id, tag)| *tag != "SKIP" && !docs.contains(&format!("`{id}`")))
        .map(|(id, _)| id)
        .collect();
    assert!(
        missing.is_empty(),
        "disagreements not explained in docs/validation.md: {missing:?}"
    );
    assert_eq!(
        baseline.known.values().filter(|t| *t == "FA").count(),
        baseline.false_accept
    );
    assert_eq!(
        baseline.known.values().filter(|t| *t == "FR").count(),
        baseline.false_reject
    );
}
