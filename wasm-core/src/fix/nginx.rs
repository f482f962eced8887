//! nginx lines (ngx_http_ssl_module, ngx_http_headers_module) and the nginx
//! snippet of a plan: the complete TLS set for a `server { }` block, which
//! `nginx -t` accepts as written (the tests check it on a real nginx).

use super::lines::{
    openssl_group_list, openssl_protocol, openssl_suite, openssl_suite_list, DHPARAM_COMMAND,
    DHPARAM_PATH,
};
use super::{snippet, Change, ConfigLine, Marks, RenderInput, ServerFix, ServerSoftware};
use crate::compliance::and_list;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

pub(crate) fn protocols(v: &[ProtocolVersion]) -> String {
    let names: Vec<String> = v.iter().map(|p| openssl_protocol(*p)).collect();
    format!("ssl_protocols {};", names.join(" "))
}

pub(crate) fn ciphers(s: &[CipherSuite]) -> String {
    format!("ssl_ciphers {};", openssl_suite_list(s))
}

/// `ssl_ciphers` for a plan: OpenSSL 3 refuses TLS 1.0 and 1.1 above security
/// level 0, so a plan that keeps them says so in the list.
fn ciphers_for(i: &RenderInput<'_>) -> String {
    let mut list = openssl_suite_list(&i.settings.cipher_suites.value);
    if i.settings
        .protocols
        .value
        .iter()
        .any(|p| *p < ProtocolVersion::TLS12)
    {
        list.push_str(":@SECLEVEL=0");
    }
    format!("ssl_ciphers {list};")
}

/// Why `:@SECLEVEL=0` ends the suite list when TLS 1.0 or 1.1 stay.
pub(crate) const SECLEVEL_NOTE: &str = "`:@SECLEVEL=0` ends the suite list because OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0 (it also lets keys under 2048 bits through: keep the certificate at RSA 2048 or more).";

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

pub(crate) fn stapling() -> [&'static str; 2] {
    ["ssl_stapling on;", "ssl_stapling_verify on;"]
}

fn line(line: String, change: Change) -> ConfigLine {
    ConfigLine { line, change }
}

fn names(suites: &[CipherSuite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| openssl_suite(*s).map_or_else(|| s.to_string(), str::to_owned))
        .collect()
}

/// What to take out, in nginx terms.
fn removals(i: &RenderInput<'_>) -> Vec<String> {
    let r = i.removed;
    let mut out = Vec::new();
    if !r.protocols.is_empty() {
        let p: Vec<String> = r.protocols.iter().map(|v| openssl_protocol(*v)).collect();
        out.push(format!("Remove {} from ssl_protocols.", and_list(&p)));
    }
    if !r.cipher_suites.is_empty() {
        out.push(format!(
            "Drop {} suite{} from ssl_ciphers: {}.",
            r.cipher_suites.len(),
            if r.cipher_suites.len() == 1 { "" } else { "s" },
            names(&r.cipher_suites).join(", ")
        ));
    }
    if !r.tls13_cipher_suites.is_empty() {
        out.push(format!(
            "Drop {} from the TLS 1.3 suites (ssl_conf_command Ciphersuites).",
            and_list(&r.tls13_cipher_suites)
        ));
    }
    if !r.groups.is_empty() {
        let g: Vec<String> = r
            .groups
            .iter()
            .map(|g| super::lines::openssl_group(*g))
            .collect();
        out.push(format!("Drop {} from ssl_ecdh_curve.", and_list(&g)));
    }
    if i.settings.hsts.change == Change::Change {
        out.push(
            "Replace the current Strict-Transport-Security add_header line: send one header only."
                .to_owned(),
        );
    }
    out
}

/// The nginx plan.
pub(crate) fn render(i: &RenderInput<'_>) -> ServerFix {
    let s = i.settings;
    let mut set = vec![line(protocols(&s.protocols.value), s.protocols.change)];
    let mut notes = Vec::new();
    if i.legacy_protocols() {
        set.push(line(ciphers_for(i), s.cipher_suites.change));
        if ciphers_for(i).contains("@SECLEVEL=0") {
            notes.push(SECLEVEL_NOTE.to_owned());
        }
    } else {
        notes.push("No ssl_ciphers line: only TLS 1.3 is left, and ssl_ciphers applies to TLS 1.2 and older.".to_owned());
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
            "Keep the current ssl_dhparam file ({bits}-bit): it already fits."
        )),
        Some(_) => {
            set.push(line(dhparam(), s.dh_param_bits.change));
            notes.push(format!("Create {DHPARAM_PATH} before reloading: `{DHPARAM_COMMAND}`."));
        }
        None if s.cipher_suites.value.iter().any(is_dhe) => notes.push(format!(
            "The list's DHE suites stay off until DH parameters are set; optional: `{}` after `{DHPARAM_COMMAND}`.",
            dhparam()
        )),
        None => {}
    }
    set.push(line(hsts(&s.hsts.value), s.hsts.change));
    if s.hsts.change == Change::Add {
        notes.push("Send HSTS only once HTTPS works on every page of this host; an add_header in a location { } block hides the server's add_header lines, so repeat the HSTS line there.".to_owned());
    }
    if s.ocsp_stapling.value {
        for l in stapling() {
            set.push(line(l.to_owned(), s.ocsp_stapling.change));
        }
        notes.push("OCSP stapling needs a resolver (`resolver 127.0.0.53;` or your DNS server) and the issuer certificate: serve the full chain in ssl_certificate or name it in ssl_trusted_certificate.".to_owned());
    } else if !i.ocsp_responder {
        notes.push("No ssl_stapling: the certificate names no OCSP responder, so there is nothing to staple.".to_owned());
    }
    if let Some(cert) = i.new_certificate {
        notes.push(cert_note(cert));
    }
    notes.extend(i.notes.iter().cloned());
    let remove = removals(i);
    let mut comments = vec![
        i.header(),
        format!(
            "In the server {{ }} block that serves {} (listen ... ssl), replacing lines of the same name.",
            i.target.host
        ),
    ];
    comments.extend(remove.iter().cloned());
    let text = snippet(&comments, &set, &notes, Marks::Trailing);
    ServerFix {
        software: ServerSoftware::Nginx,
        context: "server { } block (http context)".to_owned(),
        set,
        remove,
        notes,
        text,
    }
}

fn is_dhe(s: &CipherSuite) -> bool {
    s.info()
        .is_some_and(|i| i.kx == crate::suites::KeyExchange::Dhe && !i.tls13)
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
