//! The one rendering sequence of a fix plan, and the [`Dialect`] each server
//! speaks it in. [`render`] walks the plan's settings in a fixed order —
//! protocols, TLS 1.2 suites, TLS 1.3 suites, groups, who picks the suite,
//! DH parameters, the certificate's key, HSTS, OCSP stapling, then the
//! new-certificate and plan notes — and decides *when* a line, a note or a
//! removal is due; the dialect ([`super::nginx`], [`super::apache`],
//! [`super::caddy`]) only says *how* its server writes it, or that it has no
//! such directive (`None`).

use super::settings::is_dhe;
use super::{Change, ConfigLine, NewCertificate, RenderInput, ServerFix, ServerSoftware};
use crate::fix::CertificateKey;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// Why `:@SECLEVEL=0` ends the suite list when TLS 1.0 or 1.1 stay.
pub(crate) const SECLEVEL_NOTE: &str = "`:@SECLEVEL=0` ends the suite list because OpenSSL 3 offers TLS 1.0 and 1.1 only at security level 0 (it also lets keys under 2048 bits through: keep the certificate at RSA 2048 or more).";

/// A note the sequence may add; the dialect words it (or has none).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Note<'a> {
    /// Only TLS 1.3 is left, so no TLS 1.2 suite line is written.
    NoTls12Suites,
    /// The current DH parameters (bits) already fit.
    DhKept(u32),
    /// The DH parameter file must be created before reloading.
    DhCreate,
    /// The list has DHE suites but no DH parameters are set.
    DhOff,
    /// The HSTS line, with its change.
    Hsts(Change),
    /// OCSP stapling is on.
    Stapling,
    /// No stapling: the certificate names no OCSP responder.
    NoStapling,
    /// A new certificate is needed.
    NewCertificate(&'a NewCertificate),
}

/// Something the plan takes out of the current configuration (only given
/// when there is something to take out).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Removal<'a> {
    /// Protocol versions.
    Protocols(&'a [ProtocolVersion]),
    /// TLS 1.0–1.2 suites; `tls12_left`: a TLS 1.0–1.2 version remains.
    Suites {
        suites: &'a [CipherSuite],
        tls12_left: bool,
    },
    /// TLS 1.3 suites.
    Tls13Suites(&'a [CipherSuite]),
    /// Key-exchange groups.
    Groups(&'a [NamedGroup]),
    /// The current HSTS header, replaced by the plan's.
    Hsts,
}

/// How one server writes each kind of setting. `None` (or an empty list):
/// the server has no such directive, and the sequence skips the step.
pub(crate) trait Dialect {
    /// Which server.
    fn software(&self) -> ServerSoftware;
    /// Where the lines go ([`ServerFix::context`]).
    fn context(&self) -> &'static str;
    /// Built on OpenSSL 3: keeping TLS 1.0 or 1.1 needs `:@SECLEVEL=0`.
    fn openssl(&self) -> bool;
    /// Notes on what this server cannot do of the plan; they come first.
    fn limits(&self, _i: &RenderInput<'_>) -> Vec<String> {
        Vec::new()
    }
    /// Exactly these protocol versions.
    fn protocols(&self, v: &[ProtocolVersion]) -> String;
    /// The TLS 1.0–1.2 suite list, ended by `:@SECLEVEL=0` if `seclevel0`.
    fn ciphers(&self, s: &[CipherSuite], seclevel0: bool) -> String;
    /// The TLS 1.3 suite list.
    fn tls13(&self, s: &[CipherSuite]) -> Option<String>;
    /// The key-exchange groups.
    fn curves(&self, g: &[NamedGroup]) -> String;
    /// Who picks the suite.
    fn prefer(&self, server: bool) -> Option<String>;
    /// The DH parameter file.
    fn dhparam(&self) -> Option<String>;
    /// The key of the certificate the server obtains itself.
    fn key_type(&self, _k: CertificateKey) -> Option<String> {
        None
    }
    /// The `Strict-Transport-Security` header.
    fn hsts(&self, value: &str) -> String;
    /// OCSP stapling on.
    fn stapling(&self) -> &'static [&'static str];
    /// A note, in this server's words.
    fn note(&self, note: Note<'_>) -> Option<String>;
    /// A removal, in this server's words.
    fn removal(&self, removal: Removal<'_>) -> Option<String>;
    /// The whole snippet of `fix` (its `text` still empty).
    fn text(&self, i: &RenderInput<'_>, fix: &ServerFix) -> String;
}

/// The lines and notes gathered so far.
struct Out {
    set: Vec<ConfigLine>,
    notes: Vec<String>,
}

impl Out {
    fn line(&mut self, line: String, change: Change) {
        self.set.push(ConfigLine { line, change });
    }

    fn note(&mut self, note: Option<String>) {
        self.notes.extend(note);
    }
}

/// The plan for the server `d` speaks for.
pub(crate) fn render(i: &RenderInput<'_>, d: &dyn Dialect) -> ServerFix {
    let s = i.settings;
    let mut out = Out {
        set: Vec::new(),
        notes: d.limits(i),
    };
    out.line(d.protocols(&s.protocols.value), s.protocols.change);
    if i.legacy_protocols() {
        let seclevel0 = d.openssl()
            && s.protocols
                .value
                .iter()
                .any(|p| *p < ProtocolVersion::TLS12);
        out.line(
            d.ciphers(&s.cipher_suites.value, seclevel0),
            s.cipher_suites.change,
        );
        if seclevel0 {
            out.note(Some(SECLEVEL_NOTE.to_owned()));
        }
    } else {
        out.note(d.note(Note::NoTls12Suites));
    }
    let tls13 = &s.tls13_cipher_suites;
    if tls13.change != Change::Keep && !tls13.value.is_empty() {
        if let Some(l) = d.tls13(&tls13.value) {
            out.line(l, tls13.change);
        }
    }
    out.line(d.curves(&s.groups.value), s.groups.change);
    if let Some(l) = d.prefer(s.server_cipher_order.value) {
        out.line(l, s.server_cipher_order.change);
    }
    if let Some(dhparam) = d.dhparam() {
        dh_step(i, d, dhparam, &mut out);
    }
    if let Some(l) = i
        .new_certificate
        .and_then(|c| c.key)
        .and_then(|k| d.key_type(k))
    {
        out.line(l, Change::Add);
    }
    out.line(d.hsts(&s.hsts.value), s.hsts.change);
    out.note(d.note(Note::Hsts(s.hsts.change)));
    if s.ocsp_stapling.value {
        for l in d.stapling() {
            out.line((*l).to_owned(), s.ocsp_stapling.change);
        }
        out.note(d.note(Note::Stapling));
    } else if !i.ocsp_responder {
        out.note(d.note(Note::NoStapling));
    }
    if let Some(cert) = i.new_certificate {
        out.note(d.note(Note::NewCertificate(cert)));
    }
    out.notes.extend(i.notes.iter().cloned());
    let mut fix = ServerFix {
        software: d.software(),
        context: d.context().to_owned(),
        set: out.set,
        remove: removals(i, d),
        notes: out.notes,
        text: String::new(),
    };
    fix.text = d.text(i, &fix);
    fix
}

/// The DH parameters: keep them, set the file (and say how to make it), or
/// say the list's DHE suites stay off without one.
fn dh_step(i: &RenderInput<'_>, d: &dyn Dialect, dhparam: String, out: &mut Out) {
    let dh = &i.settings.dh_param_bits;
    match dh.value {
        Some(bits) if dh.change == Change::Keep => out.note(d.note(Note::DhKept(bits))),
        Some(_) => {
            out.line(dhparam, dh.change);
            out.note(d.note(Note::DhCreate));
        }
        None if i.settings.cipher_suites.value.iter().any(is_dhe) => {
            out.note(d.note(Note::DhOff));
        }
        None => {}
    }
}

/// What to take out of the current configuration, in the sequence's order.
fn removals(i: &RenderInput<'_>, d: &dyn Dialect) -> Vec<String> {
    let r = i.removed;
    let mut wanted = Vec::new();
    if !r.protocols.is_empty() {
        wanted.push(Removal::Protocols(&r.protocols));
    }
    if !r.cipher_suites.is_empty() {
        wanted.push(Removal::Suites {
            suites: &r.cipher_suites,
            tls12_left: i.legacy_protocols(),
        });
    }
    if !r.tls13_cipher_suites.is_empty() {
        wanted.push(Removal::Tls13Suites(&r.tls13_cipher_suites));
    }
    if !r.groups.is_empty() {
        wanted.push(Removal::Groups(&r.groups));
    }
    if i.settings.hsts.change == Change::Change {
        wanted.push(Removal::Hsts);
    }
    wanted.into_iter().filter_map(|w| d.removal(w)).collect()
}
