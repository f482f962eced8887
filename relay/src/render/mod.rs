//! Output for people and programs, from typed data (as ripgrep's printer):
//! [`human`] writes a [`Report`] as text — grade, the clients that cannot
//! connect and why (`clients.rs`), caps and warnings with their
//! fixes, protocols and suites with the weak ones marked, chains with days
//! left, features, protocol details, every known weakness, per endpoint —
//! and [`json`] writes it as
//! the contract's JSON. [`json_error`] is the error object `scan --json`
//! prints when there is no report.
//!
//! A run over several targets: [`json_line`] and [`json_target_error`] (one
//! JSON Lines record per target), [`fix_plans`] (`--fix`), [`summary`] (the
//! table that ends the human output) and [`junit`] (`--junit`).
//!
//! Nothing here reads JSON back: a renamed report field is a compile error,
//! not a silent `-`.

mod clients;
mod details;
mod fix;
mod junit;
mod style;
mod summary;

use std::fmt::Write;

use tlslens_core::chain::ChainReport;
use tlslens_core::facts::BrowserFacts;
use tlslens_core::report::{EndpointReport, Grade, Unmeasured};
use tlslens_core::Report;

pub use fix::fix_plans;
pub use junit::junit;
pub use style::Style;
pub use summary::summary;

/// The report as pretty JSON with a final newline (`scan --json`).
pub fn json(report: &Report) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}

/// `{"error": {"code": CODE, "message": MESSAGE}}` and a newline: the shape
/// of the HTTP API's error answers, for `scan --json` when it has no report.
pub fn json_error(code: &str, message: &str) -> String {
    let value = serde_json::json!({"error": {"code": code, "message": message}});
    format!("{value}\n")
}

/// The report as one line of JSON Lines (compact, with its newline).
pub fn json_line(report: &Report) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string(report)?;
    text.push('\n');
    Ok(text)
}

/// The JSON Lines record of a target without a report:
/// `{"target": {"host", "port"}, "error": {"code", "message"}}` and a
/// newline — the error object of [`json_error`] with the target it is about.
pub fn json_target_error(host: &str, port: u16, code: &str, message: &str) -> String {
    let value = serde_json::json!({
        "target": {"host": host, "port": port},
        "error": {"code": code, "message": message},
    });
    format!("{value}\n")
}

/// The report for people; ANSI colours when `color`.
pub fn human(report: &Report, color: bool) -> String {
    let st = Style::new(color);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {}:{}  grade {}   {}",
        st.bold("TLS Lens"),
        report.target.host,
        report.target.port,
        st.grade(report.grade),
        st.dim(&format!("(policy {})", report.policy))
    );
    if !report.endpoints_agree {
        let _ = writeln!(
            o,
            "{} endpoints differ: {}",
            st.yellow("!"),
            report.differences.join(", ")
        );
    }
    clients::section(&mut o, report, st);
    for ep in &report.endpoints {
        endpoint(&mut o, ep, st);
    }
    o
}

/// One endpoint: its headline, then each section that has something to say.
fn endpoint(o: &mut String, ep: &EndpointReport, st: Style) {
    headline(o, ep, st);
    if let Some(err) = &ep.error {
        let _ = writeln!(o, "  {} {} ({})", st.red("error:"), err.message, err.code);
    }
    findings(o, ep, st);
    protocols_and_suites(o, ep, st);
    key_exchange(o, ep, st);
    details::dh_and_reuse(o, ep, st);
    if let Some(chain) = &ep.chain {
        chain_section(o, "Chain", chain, st);
    } else if ep.not_measured.contains(&Unmeasured::Chain) {
        let _ = writeln!(
            o,
            "  {} not measured: no probe could capture it (see the probe errors); trust is not judged",
            st.bold("Chain:")
        );
    }
    if ep.no_sni_chain_differs {
        let _ = writeln!(
            o,
            "  {} the chain served without SNI differs",
            st.yellow("!")
        );
    }
    if ep.sni_required == Some(true) {
        let _ = writeln!(
            o,
            "  {} the server refuses handshakes without SNI: clients that send none (old libraries, some monitors) fail",
            st.yellow("!")
        );
    }
    for (i, c) in ep.other_chains.iter().enumerate() {
        chain_section(o, &format!("Other chain #{}", i + 1), c, st);
    }
    features(o, ep, st);
    if ep.error.is_none() {
        details::protocol_details(o, ep, st);
        details::weaknesses(o, ep, st);
    }
    if let Some(b) = &ep.browser {
        browser(o, b, st);
    }
    if !ep.probe_errors.is_empty() {
        let _ = writeln!(o, "  {}", st.bold("Probe errors"));
        for e in &ep.probe_errors {
            let _ = writeln!(o, "    {} {}: {}", e.probe, st.red(&e.code), e.message);
        }
    }
}

/// `Endpoint IP  grade G  (if trusted: G')  score …`; the grade the endpoint
/// would have if its chain were trusted is shown only when it differs.
fn headline(o: &mut String, ep: &EndpointReport, st: Style) {
    let _ = write!(
        o,
        "\n{} {}  grade {}",
        st.bold("Endpoint"),
        ep.ip,
        st.grade(ep.grade)
    );
    if let Some(g) = if_trusted(ep) {
        let _ = write!(o, "  (if trusted: {g})");
    }
    if let Some(score) = &ep.score {
        let _ = write!(
            o,
            "  score {} (protocol {}, key exchange {}, cipher {})",
            score.total, score.protocol, score.key_exchange, score.cipher
        );
    }
    o.push('\n');
}

/// The grade ignoring trust, when it is not the grade itself.
fn if_trusted(ep: &EndpointReport) -> Option<Grade> {
    ep.grade_trust_ignored.filter(|g| Some(*g) != ep.grade)
}

/// Caps and warnings, each with its fix.
fn findings(o: &mut String, ep: &EndpointReport, st: Style) {
    if !ep.caps.is_empty() {
        let _ = writeln!(o, "  {}", st.bold("Caps"));
        for c in &ep.caps {
            let _ = writeln!(
                o,
                "    {} {}  {}",
                st.grade(Some(c.grade)),
                st.red(c.code.as_str()),
                c.reason
            );
            fix(o, &c.fix, st);
        }
    }
    if !ep.warnings.is_empty() {
        let _ = writeln!(o, "  {}", st.bold("Warnings"));
        for w in &ep.warnings {
            let _ = writeln!(o, "    {}  {}", st.yellow(w.code.as_str()), w.reason);
            fix(o, &w.fix, st);
        }
    }
}

fn fix(o: &mut String, fix: &str, st: Style) {
    if !fix.is_empty() {
        let _ = writeln!(o, "       {} {fix}", st.dim("fix:"));
    }
}

/// Protocols, then the suites per protocol (newest first) with the weak ones
/// marked and the reasons why, then the groups.
fn protocols_and_suites(o: &mut String, ep: &EndpointReport, st: Style) {
    if !ep.protocols.is_empty() {
        let marked: Vec<String> = ep.protocols.iter().map(|p| st.protocol(*p)).collect();
        let _ = writeln!(o, "  {} {}", st.bold("Protocols:"), marked.join(" "));
    }
    if !ep.cipher_suites.is_empty() {
        let _ = writeln!(o, "  {}", st.bold("Cipher suites"));
    }
    // Newest protocol first: by name, descending (SSLv3 < TLSv1.0 < … < TLSv1.3).
    let mut protos: Vec<_> = ep.cipher_suites.iter().collect();
    protos.sort_by_cached_key(|(p, _)| std::cmp::Reverse(p.to_string()));
    for (proto, suites) in protos {
        let order = match ep.server_cipher_order.get(proto) {
            Some(true) => " (server order)",
            Some(false) => " (client order)",
            None => "",
        };
        let _ = writeln!(o, "    {proto}{order}");
        for suite in suites {
            let reasons: Vec<&str> = ep
                .weak_cipher_suites
                .iter()
                .filter(|w| w.protocol == *proto && w.suite == *suite)
                .map(|w| w.reason.as_str())
                .collect();
            if reasons.is_empty() {
                let _ = writeln!(o, "      {suite}");
            } else {
                let _ = writeln!(
                    o,
                    "      {}  {}",
                    st.yellow(&suite.to_string()),
                    st.yellow(&format!("weak: {}", reasons.join(", ")))
                );
            }
        }
    }
    if !ep.groups.is_empty() {
        let groups: Vec<String> = ep.groups.iter().map(ToString::to_string).collect();
        let _ = writeln!(o, "  {} {}", st.bold("Groups:"), groups.join(" "));
    }
}

fn key_exchange(o: &mut String, ep: &EndpointReport, st: Style) {
    let kx = &ep.key_exchange;
    let mut parts = Vec::new();
    if let Some(b) = kx.dh_bits {
        parts.push(format!("DH {b} bits"));
    }
    if let Some(g) = kx.ecdh_group {
        parts.push(format!("ECDH {g}"));
    }
    if !parts.is_empty() {
        let _ = writeln!(o, "  {} {}", st.bold("Key exchange:"), parts.join(", "));
    }
}

/// `Chain: trusted  verify 0 (ok)  issues: …`, then one entry per
/// certificate with where it came from and the days it has left.
fn chain_section(o: &mut String, title: &str, chain: &ChainReport, st: Style) {
    let _ = write!(
        o,
        "  {} {}  verify {} ({})",
        st.bold(&format!("{title}:")),
        if chain.trusted {
            st.green("trusted")
        } else {
            st.red("not trusted")
        },
        chain.verify_code,
        chain.verify_message
    );
    if !chain.issues.is_empty() {
        let issues: Vec<&str> = chain.issues.iter().map(|i| i.as_str()).collect();
        let _ = write!(o, "  issues: {}", st.yellow(&issues.join(", ")));
    }
    o.push('\n');
    for (i, c) in chain.certificates.iter().enumerate() {
        let d = c.days_left;
        let days = if d < 0 {
            st.red(&format!("expired {} days ago", -d))
        } else if d <= 30 {
            st.yellow(&format!("{d} days left"))
        } else {
            format!("{d} days left")
        };
        let _ = writeln!(
            o,
            "    #{i} {}  {}\n       issuer {}  {} {}  {}  not after {}  {}",
            c.subject,
            st.dim(&format!("[{}]", c.source.as_str())),
            c.issuer,
            c.key.kind,
            c.key.bits,
            c.signature_algorithm,
            c.not_after,
            days
        );
    }
}

/// HSTS, then one line of yes/no features.
fn features(o: &mut String, ep: &EndpointReport, st: Style) {
    let hsts = match &ep.hsts {
        Some(h) => h.raw.as_str(),
        None if ep.not_measured.contains(&Unmeasured::Hsts) => {
            "not measured (the HTTPS request failed)"
        }
        None => "absent",
    };
    let _ = writeln!(o, "  {} {hsts}", st.bold("HSTS:"));
    let alpn = if ep.alpn.is_empty() {
        "none".to_owned()
    } else {
        ep.alpn.join(" ")
    };
    let _ = writeln!(
        o,
        "  {} OCSP stapling {}, ALPN {alpn}, secure renegotiation {}, fallback SCSV {}, compression {}",
        st.bold("Features:"),
        yes_no(Some(ep.ocsp_stapling)),
        yes_no(ep.secure_renegotiation),
        yes_no(ep.fallback_scsv),
        yes_no(ep.compression),
    );
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not tested",
    }
}

/// What the browser-like handshake got, or why it failed.
fn browser(o: &mut String, b: &BrowserFacts, st: Style) {
    match &b.error {
        Some(e) => {
            let _ = writeln!(o, "  {} {} fails: {e}", st.bold("Browser:"), b.client);
        }
        None => {
            let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
            let _ = writeln!(
                o,
                "  {} {} gets {} {} {}",
                st.bold("Browser:"),
                b.client,
                dash(b.protocol.map(|p| p.to_string())),
                dash(b.cipher_suite.map(|s| s.to_string())),
                dash(b.group.map(|g| g.to_string()))
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rich() -> Report {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/rich.report.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The human output of a report with every section (caps, warnings, weak
    /// suites, chains, other chains, vulnerabilities, probe errors, a failed
    /// endpoint) is the committed text, plain and in colour — the text the
    /// renderer printed when it still walked the JSON. `TLSLENS_BLESS=1`
    /// rewrites the expected files.
    #[test]
    fn rich_report_renders_as_committed_text() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let report = rich();
        for (color, file) in [(false, "rich.report.txt"), (true, "rich.report.color.txt")] {
            let got = human(&report, color);
            let path = format!("{dir}/{file}");
            if std::env::var_os("TLSLENS_BLESS").is_some() {
                std::fs::write(&path, &got).unwrap();
            }
            let want = std::fs::read_to_string(&path).unwrap();
            assert_eq!(got, want, "{file}");
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let report = rich();
        assert!(!human(&report, false).contains('\x1b'));
        assert!(human(&report, true).contains("\x1b[1;31mT\x1b[0m"));
    }

    #[test]
    fn if_trusted_only_when_it_differs() {
        let report = rich();
        let text = human(&report, false);
        // 192.0.2.10: B either way; 2001:db8::11: T, B if trusted.
        assert!(
            text.contains("Endpoint 192.0.2.10  grade B  score"),
            "{text}"
        );
        assert!(
            text.contains("Endpoint 2001:db8::11  grade T  (if trusted: B)"),
            "{text}"
        );
    }

    /// A report graded by a core with the weakness list: every weakness on
    /// its own line, "not tested" apart from "not vulnerable", and the
    /// protocol details and DH lines.
    #[test]
    fn weaknesses_and_protocol_details_render_one_line_each() {
        use tlslens_core::dh::{DhGroupReport, Primality};
        use tlslens_core::facts::{OracleStrength, VulnCheck};
        use tlslens_core::weakness::{probed, WeaknessCode};
        let mut report = rich();
        let ep = &mut report.endpoints[0];
        ep.weaknesses = vec![
            probed(WeaknessCode::Heartbleed, Some(&VulnCheck::vulnerable(""))),
            probed(
                WeaknessCode::CcsInjection,
                Some(&VulnCheck::not_vulnerable("")),
            ),
            probed(
                WeaknessCode::Robot,
                Some(&VulnCheck {
                    oracle: Some(OracleStrength::Weak),
                    ..VulnCheck::vulnerable("payloads answered apart")
                }),
            ),
            probed(WeaknessCode::Ticketbleed, None),
        ];
        ep.key_exchange.dh_groups = vec![DhGroupReport {
            bits: 1024,
            generator: "2".into(),
            prime_sha256: "00".into(),
            known: Some("RFC 2409 Oakley group 2 (1024-bit MODP)".into()),
            source: None,
            prime: Primality::Prime,
            safe_prime: Some(true),
            subgroup_bits: None,
            small_factors: vec![],
            problems: vec!["a widely shared 1024-bit prime".into()],
        }];
        ep.key_exchange.dh_public_reuse = Some(true);
        ep.protocol_details.downgrade_sentinel = Some(false);
        ep.protocol_details.downgrade_evidence = Some("TLSv1.2: no sentinel".into());
        ep.protocol_details.scts.embedded = Some(2);
        let text = human(&report, false);
        let line = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no {needle} in {text}"))
                .to_owned()
        };
        assert!(line("Heartbleed (CVE-2014-0160)").contains("VULNERABLE"));
        assert!(line("CCS injection").contains("not vulnerable"));
        assert!(line("ROBOT").contains("VULNERABLE"));
        assert!(line("ROBOT").contains("weak oracle: payloads answered apart"));
        assert!(line("Ticketbleed").contains("not tested"));
        assert!(line("DH group:").contains("RFC 2409 Oakley group 2"));
        assert!(line("Server key per handshake:").contains("DHE REUSED, ECDHE not tested"));
        assert!(line("Downgrade sentinel").contains("MISSING (TLSv1.2: no sentinel)"));
        assert!(line("SCTs:").contains("2 embedded"));
        // The old one-line summary is replaced, not repeated.
        assert!(!text.contains("Vulnerabilities:"), "{text}");
    }

    #[test]
    fn json_lines_are_one_line_each() {
        let report = rich();
        let line = json_line(&report).unwrap();
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["schema"], "tlslens.report/1");
        let err = json_target_error("a\n.test", 8443, "unreachable", "nothing \"here\"");
        assert_eq!(err.matches('\n').count(), 1);
        let v: serde_json::Value = serde_json::from_str(&err).unwrap();
        assert_eq!(v["target"]["host"], "a\n.test");
        assert_eq!(v["target"]["port"], 8443);
        assert_eq!(v["error"]["code"], "unreachable");
        assert_eq!(v["error"]["message"], "nothing \"here\"");
    }

    #[test]
    fn json_error_has_the_api_shape() {
        let v: serde_json::Value =
            serde_json::from_str(&json_error("refused", "no \"quotes\" lost")).unwrap();
        assert_eq!(v["error"]["code"], "refused");
        assert_eq!(v["error"]["message"], "no \"quotes\" lost");
    }
}
