//! Trust anchors: the Mozilla root program (the `mozilla` store of
//! [`crate::stores`], whose anchors keep their whole certificates, generated from
//! `webpki-root-certs`, so it ships inside the WASM too) plus the extra anchors a
//! user adds (`--ca-file`).
//!
//! The bundled roots are parsed once, lazily, and indexed by raw subject name.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::NameConstraints;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::der::Der;
use crate::stores::StoreId;

/// One trust anchor: a self-contained certificate we trust by configuration.
#[derive(Debug)]
pub struct Anchor<'a> {
    /// Its DER.
    pub der: &'a [u8],
    /// Parsed.
    pub cert: X509Certificate<'a>,
    /// From a root program (the bundled Mozilla roots, a platform store), which
    /// vetted it: the certificate-profile checks are not applied to it, only
    /// the constraints it carries, its key and its validity. Anchors a user adds
    /// (`--ca-file`) are checked like any CA certificate.
    pub builtin: bool,
}

impl<'a> Anchor<'a> {
    /// An anchor a user added (`--ca-file`): checked like any CA certificate.
    pub fn from_der(der: &'a [u8]) -> Result<Self, String> {
        Ok(Self {
            der,
            cert: crate::cert::parse(der)?,
            builtin: false,
        })
    }

    /// A root of a root program (a platform store): trusted as its program
    /// vetted it (see [`Anchor::builtin`]).
    pub fn from_root_program(der: &'a [u8]) -> Result<Self, String> {
        Ok(Self {
            builtin: true,
            ..Self::from_der(der)?
        })
    }
}

/// A trust anchor known by its name and key only (a platform store keeps no
/// more for most roots): what RFC 5280 6.1.1 (d) calls the trust anchor
/// information. Trusted as its root program vetted it; its name constraints and
/// validity still apply.
#[derive(Debug)]
pub struct KeyAnchor<'a> {
    /// The subject Name, DER with its SEQUENCE header (`X509Name::as_raw`).
    pub subject: &'a [u8],
    /// The SubjectPublicKeyInfo, parsed.
    pub spki: SubjectPublicKeyInfo<'a>,
    /// The anchor certificate's nameConstraints, if it had any.
    pub name_constraints: Option<NameConstraints<'a>>,
    /// The anchor certificate's validity (Unix seconds).
    pub not_before: i64,
    pub not_after: i64,
    /// How reasons name it ("ISRG Root X1").
    pub name: &'a str,
    /// The store's limits on it: leaves issued (notBefore) at or after this
    /// time are not trusted through it (Microsoft's "NotBefore").
    pub distrust_leaves_from: Option<i64>,
    /// … and from this time on it is not trusted at all.
    pub disabled_from: Option<i64>,
}

impl<'a> KeyAnchor<'a> {
    /// From the DER of the subject Name, the SubjectPublicKeyInfo and the
    /// nameConstraints extension value (all with their SEQUENCE headers).
    pub fn from_parts(
        subject: &'a [u8],
        spki: &'a [u8],
        name_constraints: Option<&'a [u8]>,
        (not_before, not_after): (i64, i64),
        name: &'a str,
    ) -> Result<Self, String> {
        let spki = match SubjectPublicKeyInfo::from_der(spki) {
            Ok(([], k)) => k,
            _ => return Err(format!("{name}: malformed SubjectPublicKeyInfo")),
        };
        let name_constraints = match name_constraints.map(NameConstraints::from_der) {
            None => None,
            Some(Ok(([], nc))) => Some(nc),
            Some(_) => return Err(format!("{name}: malformed nameConstraints")),
        };
        Ok(Self {
            subject,
            spki,
            name_constraints,
            not_before,
            not_after,
            name,
            distrust_leaves_from: None,
            disabled_from: None,
        })
    }

    /// With a store's limits on the anchor (see the fields).
    pub fn limited(
        mut self,
        distrust_leaves_from: Option<i64>,
        disabled_from: Option<i64>,
    ) -> Self {
        self.distrust_leaves_from = distrust_leaves_from;
        self.disabled_from = disabled_from;
        self
    }
}

struct Builtin {
    anchors: Vec<Anchor<'static>>,
    by_subject: BTreeMap<&'static [u8], Vec<usize>>,
}

fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    static NONE: Builtin = Builtin {
        anchors: Vec::new(),
        by_subject: BTreeMap::new(),
    };
    // In WASM the roots arrive with root-stores.bin: never cache their absence.
    if !crate::stores::extra_loaded() {
        return &NONE;
    }
    BUILTIN.get_or_init(|| {
        let mut anchors = Vec::new();
        let mut by_subject: BTreeMap<&'static [u8], Vec<usize>> = BTreeMap::new();
        let mozilla = crate::stores::StoreId::MOZILLA.store().into_iter();
        for der in mozilla.flat_map(|s| s.anchors()).filter_map(|a| a.der()) {
            // A root that does not parse is skipped (never seen with this bundle).
            if let Ok(cert) = crate::cert::parse(der) {
                by_subject
                    .entry(cert.tbs_certificate.subject.as_raw())
                    .or_default()
                    .push(anchors.len());
                anchors.push(Anchor {
                    der,
                    cert,
                    builtin: true,
                });
            }
        }
        Builtin {
            anchors,
            by_subject,
        }
    })
}

/// Number of bundled roots (for `--version` and the docs).
pub fn builtin_count() -> usize {
    builtin().anchors.len()
}

/// The set of anchors for one grading run: optionally the bundled Mozilla roots,
/// plus anchors given by the caller.
#[derive(Debug)]
pub struct TrustStore<'a> {
    mozilla: bool,
    extra: Vec<Anchor<'a>>,
    keys: Vec<KeyAnchor<'a>>,
}

impl<'a> TrustStore<'a> {
    /// Mozilla roots plus `extra` (certificates that do not parse are skipped and
    /// returned as messages).
    pub fn new(extra: &'a [Der]) -> (Self, Vec<String>) {
        let (mut store, problems) = Self::only(extra);
        store.mozilla = true;
        (store, problems)
    }

    /// The bundled Mozilla roots alone.
    pub fn mozilla() -> Self {
        Self::from_anchors(Vec::new(), true)
    }

    /// Exactly the anchors in `extra`, without the Mozilla roots (the `custom`
    /// store, and test suites that bring their own roots).
    pub fn only(extra: &'a [Der]) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut anchors = Vec::new();
        for (i, der) in extra.iter().enumerate() {
            match Anchor::from_der(der.as_bytes()) {
                Ok(anchor) => anchors.push(anchor),
                Err(e) => problems.push(format!("extra trust anchor #{i}: {e}")),
            }
        }
        (Self::from_anchors(anchors, false), problems)
    }

    /// Anchors already parsed (a platform store), with or without the Mozilla
    /// roots.
    pub fn from_anchors(anchors: Vec<Anchor<'a>>, mozilla: bool) -> Self {
        Self {
            mozilla,
            extra: anchors,
            keys: Vec::new(),
        }
    }

    /// Adds anchors known by name and key only. The validator trusts paths to
    /// them (`chain.trust`); a report's breakdown needs certificate anchors.
    pub fn with_keys(mut self, keys: Vec<KeyAnchor<'a>>) -> Self {
        self.keys.extend(keys);
        self
    }

    /// The key-only anchors, by index.
    pub fn keys(&self) -> &[KeyAnchor<'a>] {
        &self.keys
    }

    /// Indexes of the key-only anchors whose subject is exactly `name`.
    pub fn keys_by_subject(&self, name: &[u8]) -> Vec<usize> {
        (0..self.keys.len())
            .filter(|&i| self.keys[i].subject == name)
            .collect()
    }

    /// Whether this certificate is an anchor of the store (a certificate
    /// anchor, or a key-only one with its name and key).
    pub fn contains(&self, cert: &X509Certificate<'_>) -> bool {
        let tbs = &cert.tbs_certificate;
        self.same_as(cert).is_some()
            || self
                .keys
                .iter()
                .any(|k| k.subject == tbs.subject.as_raw() && k.spki.raw == tbs.subject_pki.raw)
    }

    /// Whether the bundled Mozilla roots are part of this store.
    pub fn has_mozilla(&self) -> bool {
        self.mozilla
    }

    /// The anchors given by the caller (not the bundled ones).
    pub fn extra(&self) -> &[Anchor<'a>] {
        &self.extra
    }

    /// Anchors whose subject is exactly `name` (raw DER).
    pub fn by_subject<'s>(&'s self, name: &[u8]) -> impl Iterator<Item = &'s Anchor<'a>> + 's {
        let b = builtin();
        let builtin = b
            .by_subject
            .get(name)
            .filter(|_| self.mozilla)
            .into_iter()
            .flatten()
            .filter_map(|&i| b.anchors.get(i))
            .map(|a| -> &'s Anchor<'a> { a });
        let name = name.to_vec();
        self.extra
            .iter()
            .filter(move |a| a.cert.tbs_certificate.subject.as_raw() == name.as_slice())
            .chain(builtin)
    }

    /// The anchor that *is* this certificate (same subject and key), if any.
    pub fn same_as<'s>(&'s self, cert: &X509Certificate<'_>) -> Option<&'s Anchor<'a>> {
        let spki = cert.tbs_certificate.subject_pki.raw;
        self.by_subject(cert.tbs_certificate.subject.as_raw())
            .find(|a| a.cert.tbs_certificate.subject_pki.raw == spki)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mozilla_roots_load_and_index() {
        assert!(builtin_count() > 100, "{} roots", builtin_count());
        let (store, problems) = TrustStore::new(&[]);
        assert!(problems.is_empty());
        let first = &builtin().anchors[0];
        let found = store.same_as(&first.cert).map(|a| a.der);
        assert_eq!(found, Some(first.der));
    }

    #[test]
    fn bad_extra_anchor_is_reported() {
        let extra = [Der(vec![1, 2, 3])];
        let (_, problems) = TrustStore::new(&extra);
        assert_eq!(problems.len(), 1);
    }
}

#[cfg(test)]
mod builtin_profile {
    use super::*;
    use crate::check::{Check, Place};

    /// The root programs' own roots pass every check but the profile ones
    /// (one Mozilla root has no subjectKeyIdentifier): a stricter rule here
    /// would reject real chains.
    #[test]
    fn mozilla_roots_pass_every_check_but_the_profile() {
        for a in &builtin().anchors {
            let failures: Vec<_> = crate::cert_profile::as_issuer(&a.cert, Place::Root)
                .into_iter()
                .filter(|(check, _)| *check != Check::Profile)
                .collect();
            assert!(failures.is_empty(), "{failures:?}");
        }
    }
}

/// The platform root stores (every built-in store but Mozilla's, whose
/// certificates the grade's own [`TrustStore`] holds) as key-only trust
/// anchors, each with its store's limits, built once. Empty until the store
/// data is available (in WASM: after `root-stores.bin` is loaded; a call before
/// builds nothing and caches nothing).
pub fn platform_stores() -> &'static [(StoreId, TrustStore<'static>)] {
    static PLATFORM: OnceLock<Vec<(StoreId, TrustStore<'static>)>> = OnceLock::new();
    if !crate::stores::extra_loaded() {
        return &[];
    }
    PLATFORM.get_or_init(|| {
        StoreId::all()
            .filter(|id| *id != StoreId::MOZILLA)
            .filter_map(|id| id.store())
            .map(|s| {
                let keys = s
                    .anchors()
                    .filter(|a| a.available())
                    .filter_map(|a| {
                        let limit = s.constraint(a);
                        KeyAnchor::from_parts(
                            a.subject(),
                            a.spki(),
                            a.name_constraints(),
                            (a.not_before(), a.not_after()),
                            a.name(),
                        )
                        .ok()
                        .map(|k| {
                            k.limited(
                                limit.and_then(|c| c.distrust_after),
                                limit.and_then(|c| c.disabled_from),
                            )
                        })
                    })
                    .collect();
                (
                    s.id(),
                    TrustStore::from_anchors(Vec::new(), false).with_keys(keys),
                )
            })
            .collect()
    })
}
