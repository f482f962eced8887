//! Caddy 2 lines (the Caddyfile `tls` and `header` directives) and Caddy's
//! [`Dialect`], which writes the Caddy snippet of a plan. Caddy is built on Go's crypto/tls, so: TLS 1.2 and 1.3
//! only, no DHE, no TLS 1.3 suite list, no server cipher order, and OCSP
//! stapling is automatic. Suites are limited to those Mozilla's guidelines list
//! for Caddy (`ciphers.caddy`), the ones Go implements.

use super::dialect::{Dialect, Note, Removal};
use super::{mark, push_notes, Change, RenderInput, ServerFix, ServerSoftware};
use crate::compliance::and_list;
use crate::fix::CertificateKey;
use crate::profiles::ProfileId;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

pub(crate) fn protocols(v: &[ProtocolVersion]) -> String {
    let lowest = v
        .iter()
        .copied()
        .filter(|p| *p >= ProtocolVersion::TLS12)
        .min();
    match lowest {
        Some(ProtocolVersion::TLS13) => "protocols tls1.3".to_owned(),
        _ => "protocols tls1.2 tls1.3".to_owned(),
    }
}

/// Whether Caddy (Go) can offer this suite: it is on one of the guidelines'
/// Caddy lists.
fn supported(s: &CipherSuite) -> bool {
    let Some(name) = s.known_name() else {
        return false;
    };
    ProfileId::ALL
        .iter()
        .any(|p| p.profile().suites_caddy.contains(&name))
}

pub(crate) fn ciphers(s: &[CipherSuite]) -> String {
    let names: Vec<String> = s
        .iter()
        .filter(|s| supported(s))
        .map(ToString::to_string)
        .collect();
    format!("ciphers {}", names.join(" "))
}

/// Caddy's name for a group, `None` when Caddy has none.
fn group_name(g: NamedGroup) -> Option<&'static str> {
    Some(match g.0 {
        29 => "x25519",
        23 => "secp256r1",
        24 => "secp384r1",
        25 => "secp521r1",
        0x11EC => "x25519mlkem768",
        _ => return None,
    })
}

pub(crate) fn curves(g: &[NamedGroup]) -> String {
    let names: Vec<&str> = g.iter().filter_map(|g| group_name(*g)).collect();
    format!("curves {}", names.join(" "))
}

pub(crate) fn hsts(value: &str) -> String {
    format!("header Strict-Transport-Security \"{value}\"")
}

fn key_type(k: CertificateKey) -> &'static str {
    match k {
        CertificateKey::EcdsaP256 => "key_type p256",
        CertificateKey::Rsa2048 => "key_type rsa2048",
    }
}

/// Notes on what Caddy cannot do of the plan.
fn limits(i: &RenderInput<'_>) -> Vec<String> {
    let s = i.settings;
    let mut out = Vec::new();
    let old: Vec<ProtocolVersion> = s
        .protocols
        .value
        .iter()
        .copied()
        .filter(|p| *p < ProtocolVersion::TLS12)
        .collect();
    if !old.is_empty() {
        out.push(format!(
            "Caddy cannot offer {}: clients that need them must be served by nginx or Apache.",
            and_list(&old)
        ));
    }
    let unsupported: Vec<CipherSuite> = s
        .cipher_suites
        .value
        .iter()
        .copied()
        .filter(|c| !supported(c))
        .collect();
    if i.legacy_protocols() && !unsupported.is_empty() {
        out.push(format!(
            "Go has no {}; Caddy offers the rest of the list.",
            and_list(&unsupported)
        ));
    }
    let no_name: Vec<NamedGroup> = s
        .groups
        .value
        .iter()
        .copied()
        .filter(|g| group_name(*g).is_none())
        .collect();
    if !no_name.is_empty() {
        out.push(format!("Caddy has no {}.", and_list(&no_name)));
    }
    if s.tls13_cipher_suites.change != Change::Keep {
        out.push(
            "Go offers exactly the three standard TLS 1.3 suites; they cannot be changed."
                .to_owned(),
        );
    }
    if s.server_cipher_order.value {
        out.push("Go picks the suite by its own order (it prefers AES-GCM or ChaCha20 by the client's hardware); there is no setting for it.".to_owned());
    }
    out
}

/// Caddy's [`Dialect`]: the `tls` subdirectives and the `header` line.
pub(crate) struct Caddy;

impl Dialect for Caddy {
    fn software(&self) -> ServerSoftware {
        ServerSoftware::Caddy
    }

    fn context(&self) -> &'static str {
        "site block (tls subdirectives and header)"
    }

    fn openssl(&self) -> bool {
        false
    }

    fn limits(&self, i: &RenderInput<'_>) -> Vec<String> {
        limits(i)
    }

    fn protocols(&self, v: &[ProtocolVersion]) -> String {
        protocols(v)
    }

    /// Go has no security levels: `seclevel0` does not apply.
    fn ciphers(&self, s: &[CipherSuite], _seclevel0: bool) -> String {
        ciphers(s)
    }

    /// Go offers exactly the three standard suites (a limit note says so).
    fn tls13(&self, _s: &[CipherSuite]) -> Option<String> {
        None
    }

    fn curves(&self, g: &[NamedGroup]) -> String {
        curves(g)
    }

    /// Go picks the suite itself (a limit note says so).
    fn prefer(&self, _server: bool) -> Option<String> {
        None
    }

    /// Go has no DHE.
    fn dhparam(&self) -> Option<String> {
        None
    }

    fn key_type(&self, k: CertificateKey) -> Option<String> {
        Some(key_type(k).to_owned())
    }

    fn hsts(&self, value: &str) -> String {
        hsts(value)
    }

    /// Caddy staples by itself: no line.
    fn stapling(&self) -> &'static [&'static str] {
        &[]
    }

    fn note(&self, note: Note<'_>) -> Option<String> {
        match note {
            Note::Stapling => Some("Caddy staples OCSP responses by itself.".to_owned()),
            Note::NewCertificate(cert) => Some(format!(
                "A new certificate is needed: {} With Caddy's automatic HTTPS the key_type line gets one at the next renewal; with your own files, replace them.",
                cert.reasons.join(" ")
            )),
            _ => None,
        }
    }

    fn removal(&self, removal: Removal<'_>) -> Option<String> {
        match removal {
            Removal::Suites { suites, tls12_left } if tls12_left => {
                Some(format!("Drop from ciphers: {}.", and_list(suites)))
            }
            Removal::Groups(g) => Some(format!("Drop from curves: {}.", and_list(g))),
            Removal::Hsts => {
                Some("Replace the current Strict-Transport-Security header line.".to_owned())
            }
            _ => None,
        }
    }

    /// The site block: the `tls` block with every line but the last, then
    /// the `header` line (the last line: Caddy writes no stapling line).
    fn text(&self, i: &RenderInput<'_>, fix: &ServerFix) -> String {
        let site = if i.target.port == 443 {
            i.target.host.clone()
        } else {
            format!("{}:{}", i.target.host, i.target.port)
        };
        let mut text = format!(
            "# {}\n# In the Caddyfile, in the site block of {site} (Caddy 2).\n",
            i.header()
        );
        for r in &fix.remove {
            text.push_str(&format!("# {r}\n"));
        }
        text.push_str(&format!("{site} {{\n\ttls {{\n"));
        let (tls, header) = match fix.set.split_last() {
            Some((header, tls)) => (tls, Some(header)),
            None => (&fix.set[..], None),
        };
        for l in tls {
            text.push_str(&format!("\t\t{}  # {}\n", l.line, mark(l.change)));
        }
        text.push_str("\t}\n");
        if let Some(h) = header {
            text.push_str(&format!("\t{}  # {}\n", h.line, mark(h.change)));
        }
        text.push_str("}\n");
        push_notes(&mut text, &fix.notes);
        text
    }
}
