//! Trust anchors: the Mozilla root program (the `mozilla` store of
//! [`crate::stores`], whose anchors keep their whole certificates, generated from
//! `webpki-root-certs`, so it ships inside the WASM too) plus the extra anchors a
//! user adds (`--ca-file`).
//!
//! The bundled roots are parsed once, lazily, and indexed by raw subject name.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use x509_parser::certificate::X509Certificate;

use crate::der::Der;

/// One trust anchor: a self-contained certificate we trust by configuration.
#[derive(Debug)]
pub struct Anchor<'a> {
    /// Its DER.
    pub der: &'a [u8],
    /// Parsed.
    pub cert: X509Certificate<'a>,
    /// From the bundled Mozilla program (else added by the user).
    pub builtin: bool,
}

struct Builtin {
    anchors: Vec<Anchor<'static>>,
    by_subject: BTreeMap<&'static [u8], Vec<usize>>,
}

fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
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

/// The set of anchors for one grading run.
#[derive(Debug)]
pub struct TrustStore<'a> {
    extra: Vec<Anchor<'a>>,
}

impl<'a> TrustStore<'a> {
    /// Mozilla roots plus `extra` (certificates that do not parse are skipped and
    /// returned as messages).
    pub fn new(extra: &'a [Der]) -> (Self, Vec<String>) {
        let mut problems = Vec::new();
        let mut anchors = Vec::new();
        for (i, der) in extra.iter().enumerate() {
            match crate::cert::parse(der.as_bytes()) {
                Ok(cert) => anchors.push(Anchor {
                    der: der.as_bytes(),
                    cert,
                    builtin: false,
                }),
                Err(e) => problems.push(format!("extra trust anchor #{i}: {e}")),
            }
        }
        (Self { extra: anchors }, problems)
    }

    /// Anchors whose subject is exactly `name` (raw DER).
    pub fn by_subject<'s>(&'s self, name: &[u8]) -> impl Iterator<Item = &'s Anchor<'a>> + 's {
        let b = builtin();
        let builtin = b
            .by_subject
            .get(name)
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
