//! The human text of the sections issue 11 added: every known weakness on
//! its own line ("not tested" kept apart from "not vulnerable"), the DH
//! groups and key reuse, and the protocol details (downgrade sentinel,
//! group order, SSLv2-style hellos, session resumption, SCTs by delivery,
//! the OCSP staple's signature).

use std::fmt::Write;

use tlslens_core::dh::{DhGroupReport, Primality};
use tlslens_core::facts::VulnStatus;
use tlslens_core::ocsp::{OcspSignature, OcspSigner};
use tlslens_core::report::EndpointReport;

use super::{yes_no, Style};

/// `Weaknesses`, one line each: name, verdict, evidence.
pub(super) fn weaknesses(o: &mut String, ep: &EndpointReport, st: Style) {
    if ep.weaknesses.is_empty() {
        return;
    }
    let _ = writeln!(o, "  {}", st.bold("Weaknesses"));
    let width = ep
        .weaknesses
        .iter()
        .map(|w| w.name.chars().count())
        .max()
        .unwrap_or(0);
    for w in &ep.weaknesses {
        let pad = " ".repeat(width.saturating_sub(w.name.chars().count()));
        let verdict = match w.status {
            VulnStatus::Vulnerable => st.red("VULNERABLE    "),
            VulnStatus::NotVulnerable => st.green("not vulnerable"),
            VulnStatus::NotTested => st.dim("not tested    "),
        };
        let oracle = w
            .oracle
            .map(|s| format!("{} oracle: ", s.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "    {}{pad}  {verdict}  {}",
            w.name,
            st.dim(&format!("{oracle}{}", w.evidence))
        );
    }
}

/// One line per DH group, and the key-reuse line.
pub(super) fn dh_and_reuse(o: &mut String, ep: &EndpointReport, st: Style) {
    let kx = &ep.key_exchange;
    for g in &kx.dh_groups {
        let _ = writeln!(o, "    {} {}", st.bold("DH group:"), dh_group(g, st));
    }
    if kx.dh_public_reuse.is_some() || kx.ecdh_public_reuse.is_some() {
        let reuse = |v: Option<bool>| match v {
            Some(true) => st.red("REUSED"),
            Some(false) => "fresh".to_owned(),
            None => st.dim("not tested"),
        };
        let _ = writeln!(
            o,
            "    {} DHE {}, ECDHE {}",
            st.bold("Server key per handshake:"),
            reuse(kx.dh_public_reuse),
            reuse(kx.ecdh_public_reuse)
        );
    }
}

fn dh_group(g: &DhGroupReport, st: Style) -> String {
    let mut s = format!("{} bits, g={}", g.bits, g.generator);
    if let Some(name) = &g.known {
        let _ = write!(s, ", {name}");
    }
    let prime = match (g.prime, g.safe_prime) {
        (Primality::Composite, _) => st.red("NOT PRIME"),
        (Primality::NotChecked, _) => st.dim("primality not checked"),
        (Primality::Prime, Some(true)) => "safe prime".to_owned(),
        (Primality::Prime, Some(false)) => st.yellow("prime, not safe"),
        (Primality::Prime, None) => "prime".to_owned(),
    };
    let _ = write!(s, ", {prime}");
    for p in &g.problems {
        let _ = write!(s, "\n      {} {p}", st.yellow("!"));
    }
    s
}

/// `Protocol details`, one line each.
pub(super) fn protocol_details(o: &mut String, ep: &EndpointReport, st: Style) {
    let d = &ep.protocol_details;
    let mut lines: Vec<(&str, String)> = Vec::new();
    let downgrade = match (d.downgrade_sentinel, &d.downgrade_evidence) {
        (Some(true), Some(e)) => format!("yes ({e})"),
        (Some(false), Some(e)) => st.yellow(&format!("MISSING ({e})")),
        _ => st.dim("not applicable (no TLS 1.3, or no older handshake)"),
    };
    lines.push(("Downgrade sentinel (TLS 1.3)", downgrade));
    lines.push((
        "Groups in server order",
        yes_no(d.groups_server_order).to_owned(),
    ));
    lines.push((
        "SSLv2-format hello for TLS",
        yes_no(d.sslv2_compatible_hello).to_owned(),
    ));
    if let Some(r) = &ep.session_resumption {
        let ids = match (r.session_ids, r.ids_assigned) {
            (Some(true), _) => "yes".to_owned(),
            (Some(false), Some(true)) => "no (IDs assigned but not accepted)".to_owned(),
            (v, _) => yes_no(v).to_owned(),
        };
        lines.push((
            "Session resumption",
            format!("IDs {ids}, tickets {}", yes_no(r.tickets)),
        ));
    }
    let count = |n: Option<usize>, what: &str| match n {
        Some(n) => format!("{n} {what}"),
        None => format!("{what} not measured"),
    };
    lines.push((
        "SCTs",
        format!(
            "{}, {}, {}",
            count(d.scts.embedded, "embedded"),
            d.scts
                .ocsp
                .map_or_else(|| "no OCSP staple".to_owned(), |n| format!("{n} in OCSP")),
            count(d.scts.tls_extension, "in TLS extension")
        ),
    ));
    if let Some(ocsp) = ep.chain.as_ref().and_then(|c| c.ocsp.as_ref()) {
        let signer = match ocsp.signer {
            Some(OcspSigner::Issuer) => " (by the issuer)",
            Some(OcspSigner::Delegated) => " (by a delegated responder)",
            None => "",
        };
        let sig = match ocsp.signature {
            OcspSignature::Valid => format!("valid{signer}"),
            OcspSignature::Invalid => st.red("INVALID"),
            OcspSignature::Unsupported => st.dim("algorithm not supported"),
            OcspSignature::NotChecked => st.dim("not checked (issuer unknown)"),
        };
        lines.push(("OCSP staple signature", sig));
    }
    let _ = writeln!(o, "  {}", st.bold("Protocol details"));
    for (name, value) in lines {
        let _ = writeln!(o, "    {name}: {value}");
    }
}
