//! The client simulation for people: `Clients: 65 of 73 connect`, then the
//! failing clients grouped by cause, each with the reason in plain words
//! (and the endpoints it fails on, when not all). Read from the typed
//! report (`client_failures` and `endpoints[].clients`); nothing is judged
//! here.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use tlslens_core::clients::{ClientReport, FailureCode};
use tlslens_core::Report;

use super::Style;

/// The clients section, when the simulation ran.
pub fn section(o: &mut String, report: &Report, st: Style) {
    let Some(failures) = &report.client_failures else {
        return;
    };
    let simulated: BTreeSet<&str> = report
        .endpoints
        .iter()
        .filter_map(|ep| ep.clients.as_deref())
        .flatten()
        .map(|c| c.id.as_str())
        .collect();
    let failing: BTreeSet<&str> = failures.iter().map(|f| f.id.as_str()).collect();
    let total = simulated.len();
    let connect = total.saturating_sub(failing.len());
    let headline = format!("{connect} of {total} connect");
    let _ = writeln!(
        o,
        "{} {}",
        st.bold("Clients:"),
        if failing.is_empty() {
            st.green(&headline)
        } else {
            st.yellow(&headline)
        }
    );
    let all_ips: Vec<&str> = report
        .endpoints
        .iter()
        .filter(|ep| ep.clients.is_some())
        .map(|ep| ep.ip.as_str())
        .collect();
    let mut by_code: BTreeMap<FailureCode, Vec<&tlslens_core::clients::ClientFailureSummary>> =
        BTreeMap::new();
    for f in failures {
        by_code.entry(f.code).or_default().push(f);
    }
    let width = failures
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    for (code, list) in by_code {
        let _ = writeln!(
            o,
            "  {} ({}, {})",
            st.red(cause(code)),
            code.as_str(),
            list.len()
        );
        for f in list {
            let message = message_of(report, &f.id, code).unwrap_or_default();
            let pad = width.saturating_sub(f.name.chars().count());
            let _ = write!(o, "    {}{}  {message}", f.name, " ".repeat(pad));
            if f.ips.len() < all_ips.len() {
                let _ = write!(o, " {}", st.dim(&format!("(on {})", f.ips.join(", "))));
            }
            o.push('\n');
        }
    }
}

/// The failure message of a client with this code, from the first endpoint
/// where it fails so.
fn message_of(report: &Report, id: &str, code: FailureCode) -> Option<String> {
    report
        .endpoints
        .iter()
        .filter_map(|ep| ep.clients.as_deref())
        .flatten()
        .filter(|c: &&ClientReport| c.id == id)
        .find_map(|c| c.failure.as_ref().filter(|f| f.code == code))
        .map(|f| f.message.clone())
}

/// A failure cause as a heading in plain words.
fn cause(code: FailureCode) -> &'static str {
    match code {
        FailureCode::ProtocolMismatch => "No protocol version in common",
        FailureCode::CipherMismatch => "No cipher suite in common",
        FailureCode::GroupMismatch => "No key exchange group in common",
        FailureCode::DhTooSmall => "DH parameters too small for the client",
        FailureCode::DhTooLarge => "DH parameters too large for the client",
        FailureCode::KeyTooSmall => "A certificate key too small for the client",
        FailureCode::KeyTooLarge => "A certificate key too large for the client",
        FailureCode::SignatureRejected => "A signature algorithm the client refuses (SHA-1, MD5)",
        FailureCode::Untrusted => "Not trusted by the client's root store",
        FailureCode::IncompleteChain => "Intermediate missing and not found by the client",
        FailureCode::Expired => "A certificate has expired",
        FailureCode::NotYetValid => "A certificate is not valid yet",
        FailureCode::HostnameMismatch => "The certificate is for another name",
        FailureCode::NoSni => "The client sends no SNI and gets no certificate for this name",
        FailureCode::HandshakeFailed => "The server ended the handshake",
    }
}
