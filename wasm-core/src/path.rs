//! Path building: the pool of candidate certificates (sent by the server,
//! fetched by AIA), the anchors of one trust store, signatures checked once and
//! remembered, and a bounded amount of work. Two searches use it: the strict one
//! in [`crate::validate`] (a path every check accepts) and the one here, which
//! follows signatures only — the path OpenSSL would build, and the path a report
//! describes when no valid one exists.
//!
//! Preference at each step: the certificate itself being an anchor, then an
//! anchor that signed it, then a sent certificate, then an AIA one; a branch that
//! ends without an anchor is backtracked.

use std::collections::BTreeMap;

use x509_parser::certificate::X509Certificate;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::anchors::{Anchor, TrustStore};
use crate::cert::Source;
use crate::finding::{Finding, Severity};
use crate::sigverify::{self, SigCheck};

/// One certificate of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    /// In the pool (sent or AIA), by index.
    Pool(usize),
    /// An anchor of the current store, by index in [`Builder::anchors`].
    Anchor(usize),
    /// A key-only anchor of the current store, by index in its
    /// [`TrustStore::keys`]; only the strict search ends paths there.
    Key(usize),
}

/// How a path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// At an anchor.
    Trusted,
    /// At a self-signed certificate that is not an anchor.
    SelfSigned,
    /// Short of an issuer (`bad_signature`: a candidate had the right name but
    /// had not signed).
    Missing { bad_signature: bool },
}

/// A candidate certificate.
#[derive(Debug)]
pub struct PoolCert<'a> {
    pub der: &'a [u8],
    pub cert: X509Certificate<'a>,
    pub source: Source,
    pub sent_index: Option<usize>,
}

/// Longest path tried, in certificates (the leaf included).
pub const MAX_DEPTH: usize = 10;
/// Signatures verified (not answered from memory) per chain, over all searches
/// and stores: enough for the BetterTLS path-building graphs, and a bound on
/// crafted pools (100 intermediates sharing a name and a key).
pub const MAX_SIGNATURES: u32 = 256;
/// Steps (a certificate added to a path) per search.
pub const MAX_STEPS: u32 = 2_048;

/// The pool, the current store's anchors, and what has been learnt so far.
#[derive(Debug)]
pub struct Builder<'s, 'a> {
    pub pool: Vec<PoolCert<'a>>,
    pub store: &'s TrustStore<'a>,
    /// Anchors used by paths in `store`, so `Node::Anchor` can index them.
    pub anchors: Vec<&'s Anchor<'a>>,
    pub findings: Vec<Finding>,
    /// (child pool index, issuer key) → the issuer key signed the child.
    signatures: BTreeMap<(usize, Vec<u8>), bool>,
    signatures_left: u32,
    /// Steps left in the current search.
    pub steps_left: u32,
}

impl<'s, 'a> Builder<'s, 'a> {
    pub fn new(pool: Vec<PoolCert<'a>>, store: &'s TrustStore<'a>, findings: Vec<Finding>) -> Self {
        Self {
            pool,
            store,
            anchors: Vec::new(),
            findings,
            signatures: BTreeMap::new(),
            signatures_left: MAX_SIGNATURES,
            steps_left: MAX_STEPS,
        }
    }

    /// Switches to another store; signatures already checked are kept.
    pub fn set_store(&mut self, store: &'s TrustStore<'a>) {
        self.store = store;
        self.anchors.clear();
    }

    /// The certificate of a node; a key-only anchor has none, and callers
    /// handle [`Node::Key`] before asking.
    pub fn cert(&self, n: Node) -> &X509Certificate<'a> {
        match n {
            Node::Pool(i) => &self.pool[i].cert,
            Node::Anchor(i) => &self.anchors[i].cert,
            // Never asked: key anchors only end strict paths, whose checks
            // take them apart (validate.rs); fall back to the leaf.
            Node::Key(_) => &self.pool[0].cert,
        }
    }

    pub fn anchor_index(&mut self, a: &'s Anchor<'a>) -> usize {
        match self.anchors.iter().position(|x| std::ptr::eq(*x, a)) {
            Some(i) => i,
            None => {
                self.anchors.push(a);
                self.anchors.len() - 1
            }
        }
    }

    /// Whether this pool certificate is itself an anchor of the store.
    pub fn is_anchor(&self, n: Node) -> bool {
        match n {
            Node::Anchor(_) | Node::Key(_) => true,
            Node::Pool(i) => self.store.contains(&self.pool[i].cert),
        }
    }

    /// Did `parent`'s key sign pool certificate `child`? Remembered; once the
    /// budget is spent, unchecked signatures count as not made.
    pub fn signed_by(&mut self, child: usize, parent: &X509Certificate<'_>) -> bool {
        self.signed_by_key(child, &parent.tbs_certificate.subject_pki)
    }

    /// Did this key sign pool certificate `child`? (See [`Builder::signed_by`].)
    pub fn signed_by_key(&mut self, child: usize, parent: &SubjectPublicKeyInfo<'_>) -> bool {
        let key = (child, parent.raw.to_vec());
        if let Some(&known) = self.signatures.get(&key) {
            return known;
        }
        if self.signatures_left == 0 {
            self.note_budget("signatures");
            return false;
        }
        self.signatures_left -= 1;
        let valid = match sigverify::verify(&self.pool[child].cert, parent) {
            SigCheck::Valid => true,
            SigCheck::Invalid => false,
            SigCheck::Unsupported(what) => {
                let f = Finding::new(
                    Severity::Warning,
                    "signature_unsupported",
                    format!(
                        "cannot check the signature on {}: {what}",
                        self.pool[child].cert.tbs_certificate.subject
                    ),
                );
                if !self.findings.contains(&f) {
                    self.findings.push(f);
                }
                false
            }
        };
        self.signatures.insert(key, valid);
        valid
    }

    /// Spends one step of the current search; false when none is left.
    pub fn step(&mut self) -> bool {
        if self.steps_left == 0 {
            self.note_budget("steps");
            return false;
        }
        self.steps_left -= 1;
        true
    }

    fn note_budget(&mut self, what: &str) {
        let f = Finding::new(
            Severity::Warning,
            "path_building_limit",
            format!("path building stopped early: too many candidate issuers ({what} budget spent); browsers bound this work too"),
        );
        if !self.findings.contains(&f) {
            self.findings.push(f);
        }
    }

    /// Pool certificates that may have issued `cur` (right name, not on `path`,
    /// AIA ones only with `use_aia`), sent ones first.
    pub fn candidates(
        &self,
        cur: &X509Certificate<'_>,
        path: &[Node],
        use_aia: bool,
    ) -> Vec<usize> {
        let issuer = cur.tbs_certificate.issuer.as_raw();
        let mut out: Vec<usize> = (0..self.pool.len())
            .filter(|&i| {
                let p = &self.pool[i];
                (p.source != Source::Aia || use_aia)
                    && !path.contains(&Node::Pool(i))
                    && names_equal(&p.cert, issuer, cur)
            })
            .collect();
        out.sort_by_key(|&i| self.pool[i].source == Source::Aia);
        out
    }

    /// The signature-only search upward from the last node of `path`: any path to
    /// an anchor, else the longest; and how it ends.
    pub fn search(&mut self, path: &mut Vec<Node>, use_aia: bool) -> (Vec<Node>, End) {
        let Some(&cur) = path.last() else {
            return (
                Vec::new(),
                End::Missing {
                    bad_signature: false,
                },
            );
        };
        if self.is_anchor(cur) {
            return (path.clone(), End::Trusted);
        }
        let Node::Pool(cur_index) = cur else {
            return (path.clone(), End::Trusted);
        };
        let cur_cert = self.cert(cur).clone();
        let issuer = cur_cert.tbs_certificate.issuer.as_raw();
        let candidates: Vec<&'s Anchor<'a>> = self.store.by_subject(issuer).collect();
        for a in candidates {
            if self.signed_by(cur_index, &a.cert) {
                let idx = self.anchor_index(a);
                let mut found = path.clone();
                found.push(Node::Anchor(idx));
                return (found, End::Trusted);
            }
        }
        if cur_cert.tbs_certificate.subject.as_raw() == issuer
            && self.signed_by(cur_index, &cur_cert)
        {
            return (path.clone(), End::SelfSigned);
        }
        let mut bad_signature = false;
        let mut best: Option<(Vec<Node>, End)> = None;
        if path.len() < MAX_DEPTH {
            for i in self.candidates(&cur_cert, path, use_aia) {
                if !self.step() {
                    break;
                }
                let parent = self.pool[i].cert.clone();
                if !self.signed_by(cur_index, &parent) {
                    bad_signature = true;
                    continue;
                }
                path.push(Node::Pool(i));
                let found = self.search(path, use_aia);
                path.pop();
                if found.1 == End::Trusted {
                    return found;
                }
                if best.as_ref().is_none_or(|b| found.0.len() > b.0.len()) {
                    best = Some(found);
                }
            }
        }
        best.unwrap_or_else(|| (path.clone(), End::Missing { bad_signature }))
    }
}

/// `parent` is named as `child`'s issuer: the same DER, or the same text
/// ignoring case (encodings differ between CAs).
pub fn names_equal(
    parent: &X509Certificate<'_>,
    issuer_raw: &[u8],
    child: &X509Certificate<'_>,
) -> bool {
    let subject = &parent.tbs_certificate.subject;
    subject.as_raw() == issuer_raw
        || subject
            .to_string()
            .eq_ignore_ascii_case(&child.tbs_certificate.issuer.to_string())
}
