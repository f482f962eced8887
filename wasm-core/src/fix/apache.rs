//! Apache httpd lines (mod_ssl 2.4, mod_headers) and Apache's [`Dialect`],
//! which writes the Apache snippet of a plan, for the site's
//! `<VirtualHost *:443>`.

use super::dialect::{Dialect, Note, Removal};
use super::lines::{
    openssl_group_list, openssl_group_names, openssl_protocol, openssl_protocol_names,
    openssl_suite_list, openssl_suite_names, DHPARAM_COMMAND, DHPARAM_PATH,
};
use super::nginx::cert_note;
use super::{snippet, Marks, RenderInput, ServerFix, ServerSoftware};
use crate::compliance::and_list;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The stapling cache, which mod_ssl only accepts outside `<VirtualHost>`.
pub(crate) const STAPLING_CACHE: &str = "SSLStaplingCache \"shmcb:logs/ssl_stapling(32768)\"";

pub(crate) fn protocols(v: &[ProtocolVersion]) -> String {
    let names: Vec<String> = v
        .iter()
        .map(|p| format!("+{}", openssl_protocol(*p)))
        .collect();
    format!("SSLProtocol -all {}", names.join(" "))
}

pub(crate) fn ciphers(s: &[CipherSuite]) -> String {
    format!("SSLCipherSuite {}", openssl_suite_list(s))
}

pub(crate) fn tls13(s: &[CipherSuite]) -> String {
    format!("SSLCipherSuite TLSv1.3 {}", openssl_suite_list(s))
}

pub(crate) fn curves(g: &[NamedGroup]) -> String {
    format!("SSLOpenSSLConfCmd Curves {}", openssl_group_list(g))
}

pub(crate) fn prefer(server: bool) -> String {
    format!("SSLHonorCipherOrder {}", if server { "on" } else { "off" })
}

pub(crate) fn dhparam() -> String {
    format!("SSLOpenSSLConfCmd DHParameters \"{DHPARAM_PATH}\"")
}

pub(crate) fn hsts(value: &str) -> String {
    format!("Header always set Strict-Transport-Security \"{value}\"")
}

pub(crate) fn stapling() -> &'static str {
    STAPLING[0]
}

/// The stapling line.
const STAPLING: [&str; 1] = ["SSLUseStapling On"];

/// Apache's [`Dialect`].
pub(crate) struct Apache;

impl Dialect for Apache {
    fn software(&self) -> ServerSoftware {
        ServerSoftware::Apache
    }

    fn context(&self) -> &'static str {
        "<VirtualHost> of the site"
    }

    fn openssl(&self) -> bool {
        true
    }

    fn protocols(&self, v: &[ProtocolVersion]) -> String {
        protocols(v)
    }

    fn ciphers(&self, s: &[CipherSuite], seclevel0: bool) -> String {
        let level = if seclevel0 { ":@SECLEVEL=0" } else { "" };
        format!("{}{level}", ciphers(s))
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
            Note::NoTls12Suites | Note::DhOff => return None,
            Note::DhKept(bits) => {
                format!("Keep the current DH parameters ({bits}-bit): they already fit.")
            }
            Note::DhCreate => format!(
                "Create {DHPARAM_PATH} before reloading: `{DHPARAM_COMMAND}` (Apache 2.4.8 or newer)."
            ),
            Note::Hsts(_) => "The Header line needs mod_headers (`a2enmod headers`).".to_owned(),
            Note::Stapling => format!(
                "Stapling also needs, once and outside any <VirtualHost>: {STAPLING_CACHE}"
            ),
            Note::NoStapling => "No SSLUseStapling: the certificate names no OCSP responder, so there is nothing to staple.".to_owned(),
            Note::NewCertificate(cert) => cert_note(cert),
        })
    }

    fn removal(&self, removal: Removal<'_>) -> Option<String> {
        Some(match removal {
            Removal::Protocols(p) => format!(
                "Remove {} from SSLProtocol.",
                and_list(&openssl_protocol_names(p))
            ),
            Removal::Suites { suites, .. } => format!(
                "Drop {} suite{} from SSLCipherSuite: {}.",
                suites.len(),
                if suites.len() == 1 { "" } else { "s" },
                openssl_suite_names(suites).join(", ")
            ),
            Removal::Tls13Suites(s) => {
                format!("Drop {} from SSLCipherSuite TLSv1.3.", and_list(s))
            }
            Removal::Groups(g) => format!(
                "Drop {} from SSLOpenSSLConfCmd Curves.",
                and_list(&openssl_group_names(g))
            ),
            Removal::Hsts => {
                "Replace the current Strict-Transport-Security Header line: send one header only."
                    .to_owned()
            }
        })
    }

    fn text(&self, i: &RenderInput<'_>, fix: &ServerFix) -> String {
        let mut comments = vec![
            i.header(),
            format!(
                "In the <VirtualHost *:{}> of {} (mod_ssl), replacing lines of the same name; then `apachectl configtest`.",
                i.target.port, i.target.host
            ),
        ];
        comments.extend(fix.remove.iter().cloned());
        snippet(&comments, &fix.set, &fix.notes, Marks::Above)
    }
}
