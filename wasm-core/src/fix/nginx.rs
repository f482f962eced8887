//! nginx lines (ngx_http_ssl_module, ngx_http_headers_module) and nginx's
//! [`Dialect`], which writes the nginx snippet of a plan: the complete TLS
//! set for a `server { }` block, which `nginx -t` accepts as written (the
//! tests check it on a real nginx).

use super::dialect::{Dialect, Note, Removal};
use super::lines::{
    openssl_group_list, openssl_group_names, openssl_protocol_names, openssl_suite_list,
    openssl_suite_names, DHPARAM_COMMAND, DHPARAM_PATH,
};
use super::{snippet, Change, Marks, RenderInput, ServerFix, ServerSoftware};
use crate::compliance::and_list;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

pub(crate) fn protocols(v: &[ProtocolVersion]) -> String {
    format!("ssl_protocols {};", openssl_protocol_names(v).join(" "))
}

pub(crate) fn ciphers(s: &[CipherSuite]) -> String {
    format!("ssl_ciphers {};", openssl_suite_list(s))
}

pub(crate) fn tls13(s: &[CipherSuite]) -> String {
    format!("ssl_conf_command Ciphersuites {};", openssl_suite_list(s))
}

pub(crate) fn curves(g: &[NamedGroup]) -> String {
    format!("ssl_ecdh_curve {};", openssl_group_list(g))
}

pub(crate) fn prefer(server: bool) -> String {
    format!(
        "ssl_prefer_server_ciphers {};",
        if server { "on" } else { "off" }
    )
}

pub(crate) fn dhparam() -> String {
    format!("ssl_dhparam {DHPARAM_PATH};")
}

pub(crate) fn hsts(value: &str) -> String {
    format!("add_header Strict-Transport-Security \"{value}\" always;")
}

/// The stapling lines.
const STAPLING: [&str; 2] = ["ssl_stapling on;", "ssl_stapling_verify on;"];

pub(crate) fn stapling() -> [&'static str; 2] {
    STAPLING
}

/// nginx's [`Dialect`].
pub(crate) struct Nginx;

impl Dialect for Nginx {
    fn software(&self) -> ServerSoftware {
        ServerSoftware::Nginx
    }

    fn context(&self) -> &'static str {
        "server { } block (http context)"
    }

    fn openssl(&self) -> bool {
        true
    }

    fn protocols(&self, v: &[ProtocolVersion]) -> String {
        protocols(v)
    }

    /// OpenSSL 3 refuses TLS 1.0 and 1.1 above security level 0, so a plan
    /// that keeps them says so in the list.
    fn ciphers(&self, s: &[CipherSuite], seclevel0: bool) -> String {
        let level = if seclevel0 { ":@SECLEVEL=0" } else { "" };
        format!("ssl_ciphers {}{level};", openssl_suite_list(s))
    }

    fn tls13(&self, s: &[CipherSuite]) -> Option<String> {
        Some(tls13(s))
    }

    fn curves(&self, g: &[NamedGroup]) -> String {
        curves(g)
    }

    fn prefer(&self, server: bool) -> Option<String> {
        Some(prefer(server))
    }

    fn dhparam(&self) -> Option<String> {
        Some(dhparam())
    }

    fn hsts(&self, value: &str) -> String {
        hsts(value)
    }

    fn stapling(&self) -> &'static [&'static str] {
        &STAPLING
    }

    fn note(&self, note: Note<'_>) -> Option<String> {
        Some(match note {
            Note::NoTls12Suites => "No ssl_ciphers line: only TLS 1.3 is left, and ssl_ciphers applies to TLS 1.2 and older.".to_owned(),
            Note::DhKept(bits) => format!("Keep the current ssl_dhparam file ({bits}-bit): it already fits."),
            Note::DhCreate => format!("Create {DHPARAM_PATH} before reloading: `{DHPARAM_COMMAND}`."),
            Note::DhOff => format!(
                "The list's DHE suites stay off until DH parameters are set; optional: `{}` after `{DHPARAM_COMMAND}`.",
                dhparam()
            ),
            Note::Hsts(Change::Add) => "Send HSTS only once HTTPS works on every page of this host; an add_header in a location { } block hides the server's add_header lines, so repeat the HSTS line there.".to_owned(),
            Note::Hsts(_) => return None,
            Note::Stapling => "OCSP stapling needs a resolver (`resolver 127.0.0.53;` or your DNS server) and the issuer certificate: serve the full chain in ssl_certificate or name it in ssl_trusted_certificate.".to_owned(),
            Note::NoStapling => "No ssl_stapling: the certificate names no OCSP responder, so there is nothing to staple.".to_owned(),
            Note::NewCertificate(cert) => cert_note(cert),
        })
    }

    fn removal(&self, removal: Removal<'_>) -> Option<String> {
        Some(match removal {
            Removal::Protocols(p) => format!(
                "Remove {} from ssl_protocols.",
                and_list(&openssl_protocol_names(p))
            ),
            Removal::Suites { suites, .. } => format!(
                "Drop {} suite{} from ssl_ciphers: {}.",
                suites.len(),
                if suites.len() == 1 { "" } else { "s" },
                openssl_suite_names(suites).join(", ")
            ),
            Removal::Tls13Suites(s) => format!(
                "Drop {} from the TLS 1.3 suites (ssl_conf_command Ciphersuites).",
                and_list(s)
            ),
            Removal::Groups(g) => format!(
                "Drop {} from ssl_ecdh_curve.",
                and_list(&openssl_group_names(g))
            ),
            Removal::Hsts => {
                "Replace the current Strict-Transport-Security add_header line: send one header only."
                    .to_owned()
            }
        })
    }

    fn text(&self, i: &RenderInput<'_>, fix: &ServerFix) -> String {
        let mut comments = vec![
            i.header(),
            format!(
                "In the server {{ }} block that serves {} (listen ... ssl), replacing lines of the same name.",
                i.target.host
            ),
        ];
        comments.extend(fix.remove.iter().cloned());
        snippet(&comments, &fix.set, &fix.notes, Marks::Trailing)
    }
}

/// The new-certificate note, shared by nginx and Apache.
pub(crate) fn cert_note(cert: &super::NewCertificate) -> String {
    let how = match cert.key {
        Some(super::CertificateKey::EcdsaP256) => {
            " with an ECDSA P-256 key (certbot: `--key-type ecdsa --elliptic-curve secp256r1`)"
        }
        Some(super::CertificateKey::Rsa2048) => {
            " with an RSA 2048-bit key (certbot: `--key-type rsa --rsa-key-size 2048`)"
        }
        None => "",
    };
    format!("Get a new certificate{how}: {}", cert.reasons.join(" "))
}
