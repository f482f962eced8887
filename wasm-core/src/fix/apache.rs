//! Apache httpd lines (mod_ssl 2.4, mod_headers) and the Apache snippet of a
//! plan, for the site's `<VirtualHost *:443>`.

use super::lines::{
    openssl_group, openssl_group_list, openssl_protocol, openssl_suite, openssl_suite_list,
    DHPARAM_COMMAND, DHPARAM_PATH,
};
use super::nginx::cert_note;
use super::{snippet, Change, ConfigLine, Marks, RenderInput, ServerFix, ServerSoftware};
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
    "SSLUseStapling On"
}

fn line(line: String, change: Change) -> ConfigLine {
    ConfigLine { line, change }
}

fn removals(i: &RenderInput<'_>) -> Vec<String> {
    let r = i.removed;
    let mut out = Vec::new();
    if !r.protocols.is_empty() {
        let p: Vec<String> = r.protocols.iter().map(|v| openssl_protocol(*v)).collect();
        out.push(format!("Remove {} from SSLProtocol.", and_list(&p)));
    }
    if !r.cipher_suites.is_empty() {
        let n: Vec<String> = r
            .cipher_suites
            .iter()
            .map(|s| openssl_suite(*s).map_or_else(|| s.to_string(), str::to_owned))
            .collect();
        out.push(format!(
            "Drop {} suite{} from SSLCipherSuite: {}.",
            n.len(),
            if n.len() == 1 { "" } else { "s" },
            n.join(", ")
        ));
    }
    if !r.tls13_cipher_suites.is_empty() {
        out.push(format!(
            "Drop {} from SSLCipherSuite TLSv1.3.",
            and_list(&r.tls13_cipher_suites)
        ));
    }
    if !r.groups.is_empty() {
        let g: Vec<String> = r.groups.iter().map(|g| openssl_group(*g)).collect();
        out.push(format!(
            "Drop {} from SSLOpenSSLConfCmd Curves.",
            and_list(&g)
        ));
    }
    if i.settings.hsts.change == Change::Change {
        out.push(
            "Replace the current Strict-Transport-Security Header line: send one header only."
                .to_owned(),
        );
    }
    out
}

/// The Apache plan.
pub(crate) fn render(i: &RenderInput<'_>) -> ServerFix {
    let s = i.settings;
    let mut set = vec![line(protocols(&s.protocols.value), s.protocols.change)];
    let mut notes = Vec::new();
    if i.legacy_protocols() {
        let mut l = ciphers(&s.cipher_suites.value);
        if s.protocols
            .value
            .iter()
            .any(|p| *p < ProtocolVersion::TLS12)
        {
            l.push_str(":@SECLEVEL=0");
            notes.push(super::nginx::SECLEVEL_NOTE.to_owned());
        }
        set.push(line(l, s.cipher_suites.change));
    }
    if s.tls13_cipher_suites.change != Change::Keep && !s.tls13_cipher_suites.value.is_empty() {
        set.push(line(
            tls13(&s.tls13_cipher_suites.value),
            s.tls13_cipher_suites.change,
        ));
    }
    set.push(line(curves(&s.groups.value), s.groups.change));
    set.push(line(
        prefer(s.server_cipher_order.value),
        s.server_cipher_order.change,
    ));
    match s.dh_param_bits.value {
        Some(bits) if s.dh_param_bits.change == Change::Keep => notes.push(format!(
            "Keep the current DH parameters ({bits}-bit): they already fit."
        )),
        Some(_) => {
            set.push(line(dhparam(), s.dh_param_bits.change));
            notes.push(format!(
                "Create {DHPARAM_PATH} before reloading: `{DHPARAM_COMMAND}` (Apache 2.4.8 or newer)."
            ));
        }
        None => {}
    }
    set.push(line(hsts(&s.hsts.value), s.hsts.change));
    notes.push("The Header line needs mod_headers (`a2enmod headers`).".to_owned());
    if s.ocsp_stapling.value {
        set.push(line(stapling().to_owned(), s.ocsp_stapling.change));
        notes.push(format!(
            "Stapling also needs, once and outside any <VirtualHost>: {STAPLING_CACHE}"
        ));
    } else if !i.ocsp_responder {
        notes.push("No SSLUseStapling: the certificate names no OCSP responder, so there is nothing to staple.".to_owned());
    }
    if let Some(cert) = i.new_certificate {
        notes.push(cert_note(cert));
    }
    notes.extend(i.notes.iter().cloned());
    let remove = removals(i);
    let mut comments = vec![
        i.header(),
        format!(
            "In the <VirtualHost *:{}> of {} (mod_ssl), replacing lines of the same name; then `apachectl configtest`.",
            i.target.port, i.target.host
        ),
    ];
    comments.extend(remove.iter().cloned());
    let text = snippet(&comments, &set, &notes, Marks::Above);
    ServerFix {
        software: ServerSoftware::Apache,
        context: "<VirtualHost> of the site".to_owned(),
        set,
        remove,
        notes,
        text,
    }
}
