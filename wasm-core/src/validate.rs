//! The validator: is there a path from the leaf to an anchor of a store that
//! every check accepts? The strict search tries every candidate issuer (anchors
//! first, then sent certificates, then AIA ones) and backtracks on any failure —
//! a bad signature, an expired or weak issuer, a CA that is not one, a path
//! length or name constraint the path breaks — within the budgets of
//! [`crate::path`]. The same checks, run over any path, say what is wrong with it
//! ([`Validator::violations`]), so the report can explain a rejection.
//!
//! Checks of the leaf alone (its own profile, validity, key, host name) do not
//! depend on the path; they are judged once by the caller.

use std::collections::BTreeMap;

use crate::cert_profile::{self as profile, Failures};
use crate::check::{Check, Place, Violation};
use crate::nameconstraints;
use crate::path::{Builder, End, Node, MAX_DEPTH, MAX_STEPS};
use crate::sigalg::{self, SignatureHash};

/// What the validation is asked to accept.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Unix seconds.
    pub now: i64,
    /// Most intermediates allowed (self-issued ones not counted); `None`: the
    /// path builder's own limit only.
    pub max_intermediates: Option<usize>,
}

/// Caches the per-certificate checks of one chain's candidates.
#[derive(Debug)]
pub struct Validator<'b, 's, 'a> {
    pub b: &'b mut Builder<'s, 'a>,
    pub opts: Options,
    /// (checked as a root, pool 0 / anchor 1, index or anchor address) →
    /// failures of the checks that depend on the certificate alone.
    own: BTreeMap<(bool, u8, usize), Failures>,
}

impl<'b, 's, 'a> Validator<'b, 's, 'a> {
    pub fn new(b: &'b mut Builder<'s, 'a>, opts: Options) -> Self {
        Self {
            b,
            opts,
            own: BTreeMap::new(),
        }
    }

    /// A path every check accepts from the leaf to an anchor of the builder's
    /// store, if there is one (only sent certificates unless `use_aia`). Checks
    /// of the leaf alone are not part of it.
    pub fn find_valid(&mut self, use_aia: bool) -> Option<Vec<Node>> {
        self.b.steps_left = MAX_STEPS;
        let leaf = Node::Pool(0);
        if self.b.is_anchor(leaf) {
            return Some(vec![leaf]);
        }
        let mut path = vec![leaf];
        self.extend(&mut path, use_aia).then_some(path)
    }

    fn extend(&mut self, path: &mut Vec<Node>, use_aia: bool) -> bool {
        let Some(&Node::Pool(cur)) = path.last() else {
            return true;
        };
        let cur_cert = self.b.pool[cur].cert.clone();
        let anchors: Vec<_> = self
            .b
            .store
            .by_subject(cur_cert.tbs_certificate.issuer.as_raw())
            .collect();
        for a in anchors {
            if !self.b.step() {
                return false;
            }
            if !self.b.signed_by(cur, &a.cert) {
                continue;
            }
            let idx = self.b.anchor_index(a);
            path.push(Node::Anchor(idx));
            if self.top_violations(path, Place::Root).is_empty() {
                return true;
            }
            path.pop();
        }
        let store = self.b.store;
        for k in store.keys_by_subject(cur_cert.tbs_certificate.issuer.as_raw()) {
            if !self.b.step() {
                return false;
            }
            if !self.b.signed_by_key(cur, &store.keys()[k].spki) {
                continue;
            }
            path.push(Node::Key(k));
            if self.top_violations(path, Place::Root).is_empty() {
                return true;
            }
            path.pop();
        }
        if path.len() >= MAX_DEPTH {
            return false;
        }
        for i in self.b.candidates(&cur_cert, path, use_aia) {
            if !self.b.step() {
                return false;
            }
            let parent = self.b.pool[i].cert.clone();
            if !self.b.signed_by(cur, &parent) {
                continue;
            }
            let node = Node::Pool(i);
            let root = self.b.is_anchor(node);
            path.push(node);
            let place = if root {
                Place::Root
            } else {
                Place::Intermediate
            };
            if self.top_violations(path, place).is_empty() && (root || self.extend(path, use_aia)) {
                return true;
            }
            path.pop();
        }
        false
    }

    /// Everything wrong with `path` (ending as `end`), the leaf's own checks
    /// included (`leaf_is_anchor`: the leaf is itself an anchor).
    pub fn violations(&mut self, path: &[Node], end: End) -> Vec<Violation> {
        let mut out = self.leaf_violations();
        for k in 1..path.len() {
            let top = k + 1 == path.len();
            let place = if top && !matches!(end, End::Missing { .. }) {
                Place::Root
            } else {
                Place::Intermediate
            };
            out.extend(self.top_violations(&path[..=k], place));
        }
        out
    }

    /// The leaf's own checks: profile, key, validity.
    pub fn leaf_violations(&self) -> Vec<Violation> {
        let leaf = &self.b.pool[0].cert;
        let is_anchor = self.b.is_anchor(Node::Pool(0));
        let mut failures = profile::as_leaf(leaf, is_anchor);
        failures.extend(profile::validity(leaf, Place::Leaf, self.opts.now));
        at(0, failures)
    }

    /// The failures `path`'s last certificate (at `place`) brings: its own
    /// checks as an issuer, then the path length and name constraints it puts on
    /// the certificates below, and the depth limit.
    fn top_violations(&mut self, path: &[Node], place: Place) -> Vec<Violation> {
        let k = path.len() - 1;
        let node = path[k];
        let store = self.b.store;
        // What the top brings: its own failures, its name in reasons, its
        // pathLenConstraint and its name constraints.
        let (own, who, ca_name, path_len, nc) = match node {
            Node::Key(i) => {
                let key = &store.keys()[i];
                let who = format!("the root '{}'", key.name);
                let mut own = Failures::new();
                profile::key_of(&key.spki, &who, &mut own);
                own.extend(profile::validity_of(
                    (key.not_before, key.not_after),
                    &who,
                    self.opts.now,
                ));
                let leaf_issued = self.b.pool[0]
                    .cert
                    .tbs_certificate
                    .validity
                    .not_before
                    .timestamp();
                if let Some(t) = key.distrust_leaves_from.filter(|t| leaf_issued >= *t) {
                    own.push((
                        Check::Expired,
                        format!(
                            "the store no longer trusts {who} for certificates issued from {}",
                            crate::time::rfc3339(t)
                        ),
                    ));
                }
                if let Some(t) = key.disabled_from.filter(|t| self.opts.now >= *t) {
                    own.push((
                        Check::Expired,
                        format!("the store disabled {who} on {}", crate::time::rfc3339(t)),
                    ));
                }
                (
                    own,
                    who,
                    key.name.to_owned(),
                    None,
                    key.name_constraints.clone(),
                )
            }
            _ => {
                let own = self.own(node, place);
                let cert = self.b.cert(node);
                let (_, path_len) = profile::basic_constraints(cert);
                let nc = nameconstraints::of(cert).ok().flatten().cloned();
                (
                    own,
                    place.describe(cert),
                    crate::check::cert_name(cert),
                    path_len,
                    nc,
                )
            }
        };
        let mut out = at(k, own);
        let counted = |range: std::ops::Range<usize>| {
            range
                .filter(|&j| !profile::self_issued(self.b.cert(path[j])))
                .count()
        };
        if let Some(limit) = path_len {
            let below = counted(1..k);
            if u32::try_from(below).unwrap_or(u32::MAX) > limit {
                out.push(Violation {
                    at: k,
                    check: Check::PathLength,
                    reason: format!("{who} allows {limit} intermediate{} below it (pathLenConstraint), but the path has {below} (RFC 5280 4.2.1.9)", if limit == 1 { "" } else { "s" }),
                });
            }
        }
        if let Some(max) = self.opts.max_intermediates {
            let n = counted(1..if place == Place::Root { k } else { k + 1 });
            if n > max {
                out.push(Violation {
                    at: k,
                    check: Check::PathLength,
                    reason: format!("the path has {n} intermediates; at most {max} are allowed"),
                });
            }
        }
        if let Some(nc) = nc {
            out.extend(self.name_constraint_violations(&path[..k], &nc, &ca_name));
        }
        out
    }

    /// The first name below a CA (named `ca_name`) that its constraints `nc`
    /// reject, if any; self-issued intermediates are skipped.
    fn name_constraint_violations(
        &self,
        below: &[Node],
        nc: &x509_parser::extensions::NameConstraints<'_>,
        ca_name: &str,
    ) -> Option<Violation> {
        let mut budget = nameconstraints::MAX_COMPARISONS;
        for (j, &node_below) in below.iter().enumerate() {
            let cert = self.b.cert(node_below);
            if j > 0 && profile::self_issued(cert) {
                continue;
            }
            let place = if j == 0 {
                Place::Leaf
            } else {
                Place::Intermediate
            };
            let who = place.describe(cert);
            if let Err(breach) = nameconstraints::check(nc, ca_name, cert, &who, &mut budget) {
                return Some(Violation {
                    at: j,
                    check: if breach.excluded {
                        Check::NameExcluded
                    } else {
                        Check::NameConstraints
                    },
                    reason: breach.reason,
                });
            }
        }
        None
    }

    /// The checks of one issuer that depend on it alone, remembered.
    fn own(&mut self, node: Node, place: Place) -> Failures {
        let (kind, id, vetted) = match node {
            Node::Pool(i) => {
                let vetted = self
                    .b
                    .store
                    .same_as(&self.b.pool[i].cert)
                    .is_some_and(|a| a.builtin);
                (0, i, vetted)
            }
            Node::Anchor(i) => (
                1,
                self.b.anchors[i].der.as_ptr() as usize,
                self.b.anchors[i].builtin,
            ),
            // Key anchors are judged in `top_violations`.
            Node::Key(i) => (2, i, true),
        };
        let key = (place == Place::Root, kind, id);
        if let Some(f) = self.own.get(&key) {
            return f.clone();
        }
        let cert = self.b.cert(node);
        let mut f = profile::as_issuer(cert, place);
        if vetted && place == Place::Root {
            // A root program's own root: its program vetted the profile.
            f.retain(|(check, _)| *check != Check::Profile);
        }
        f.extend(profile::validity(cert, place, self.opts.now));
        if place != Place::Root {
            if let Some(what) = weak_hash(cert) {
                f.push((
                    Check::WeakSignature,
                    format!(
                        "{} is signed with {what}, which browsers reject",
                        place.describe(cert)
                    ),
                ));
            }
        }
        self.own.insert(key, f.clone());
        f
    }
}

fn at(pos: usize, failures: Failures) -> Vec<Violation> {
    failures
        .into_iter()
        .map(|(check, reason)| Violation {
            at: pos,
            check,
            reason,
        })
        .collect()
}

/// MD2/MD4/MD5 or SHA-1, by name.
pub fn weak_hash(cert: &x509_parser::certificate::X509Certificate<'_>) -> Option<&'static str> {
    match sigalg::signature_hash(cert) {
        SignatureHash::Md2 => Some("MD2"),
        SignatureHash::Md4 => Some("MD4"),
        SignatureHash::Md5 => Some("MD5"),
        SignatureHash::Sha1 => Some("SHA-1"),
        _ => None,
    }
}
