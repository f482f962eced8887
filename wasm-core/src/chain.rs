//! Chain analysis: find the path from the leaf through the certificates the
//! server sent (and any fetched by AIA) to a trust anchor that a browser-grade
//! validator accepts ([`crate::validate`]), describe it, and name what is wrong
//! in the contract vocabulary — with the `openssl s_client` verify code a
//! sysadmin would see, findings that say which rule a rejected chain breaks, and
//! the verdict of each root store asked about (`chain.trust`).
//!
//! When no path validates, the report describes the path signatures alone lead
//! to ([`crate::path`]), with everything wrong on it.

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;

use crate::anchors::TrustStore;
use crate::cert::{self, CertReport, CertRole, Source};
use crate::check::{Check, Violation};
use crate::der::Der;
use crate::finding::{Finding, Severity};
use crate::ocsp::{self, OcspReport, OcspStatus};
use crate::path::{Builder, End, Node, PoolCert, MAX_STEPS};
use crate::sigalg::{self, SignatureHash};
use crate::stores::{StoreId, StoreVerdict};
use crate::validate::{self, Options, Validator};

pub use crate::issue::ChainIssue;

/// The chain breakdown of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    /// OpenSSL `X509_V_ERR_*` number, as `openssl s_client -verify_hostname` would
    /// print it with the default security level 2 (no AIA fetching).
    pub verify_code: i32,
    /// OpenSSL's text for `verify_code`.
    pub verify_message: String,
    /// A browser with the Mozilla roots (and AIA fetching) accepts this chain for
    /// this host.
    pub trusted: bool,
    /// Sorted, no duplicates.
    pub issues: Vec<ChainIssue>,
    /// The path (leaf first, up to the anchor), then the unused sent certificates.
    pub certificates: Vec<CertReport>,
    /// Subject of the issuer that could not be found, when the path stops short.
    pub missing_issuer: Option<String>,
    /// The stapled OCSP response, read.
    pub ocsp: Option<OcspReport>,
    /// Other observations (unparsable certificates, unsupported algorithms),
    /// and the rule each failed check breaks.
    pub findings: Vec<Finding>,
    /// The verdict of each root store asked about (`{store, trusted}`); empty
    /// in reports written before per-store verdicts existed (a stored history).
    #[serde(default)]
    pub trust: Vec<StoreVerdict>,
}

/// A root store to give a verdict for, by its id.
#[derive(Debug, Clone, Copy)]
pub struct NamedStore<'s, 'a> {
    pub id: StoreId,
    pub store: &'s TrustStore<'a>,
}

/// What grading needs beyond the report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainVerdict {
    /// A path to an anchor exists (perhaps only with AIA).
    pub anchored: bool,
    /// The path needed AIA-fetched certificates.
    pub completed_by_aia: bool,
    /// Weakest key on the path (anchors excluded), RSA-equivalent bits.
    pub weakest_key_bits: Option<u32>,
    /// The leaf's key, RSA-equivalent bits.
    pub leaf_key_bits: Option<u32>,
    /// An MD2/MD4/MD5 signature on the path.
    pub md5_signature: bool,
    /// A SHA-1 signature on the path.
    pub sha1_signature: bool,
    /// The leaf's sha256.
    pub leaf_sha256: Option<String>,
}

/// openssl's verify texts (OpenSSL 3).
pub fn verify_message(code: i32) -> &'static str {
    match code {
        0 => "ok",
        2 => "unable to get issuer certificate",
        7 => "certificate signature failure",
        9 => "certificate is not yet valid",
        10 => "certificate has expired",
        18 => "self-signed certificate",
        19 => "self-signed certificate in certificate chain",
        20 => "unable to get local issuer certificate",
        21 => "unable to verify the first certificate",
        23 => "certificate revoked",
        62 => "hostname mismatch",
        66 => "EE certificate key too weak",
        67 => "CA certificate key too weak",
        68 => "CA signature digest algorithm too weak",
        _ => "unknown",
    }
}

/// Inputs for one chain.
#[derive(Debug, Clone, Copy)]
pub struct ChainInput<'a> {
    /// As sent, leaf first.
    pub sent: &'a [Der],
    /// Fetched by AIA.
    pub aia: &'a [Der],
    /// The stapled OCSP response.
    pub ocsp_staple: Option<&'a [u8]>,
    /// The name the client asked for (`None`: do not check names).
    pub host: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
    /// Most intermediates a path may have (self-issued ones not counted);
    /// `None`: the path builder's own limit.
    pub max_intermediates: Option<usize>,
}

/// Issues found so far, and the certificate reports they are drawn on.
#[derive(Debug)]
struct Marks {
    issues: Vec<ChainIssue>,
    certs: Vec<CertReport>,
}

impl Marks {
    /// Records `issue` for the chain, drawn on certificate `at` when given.
    fn flag(&mut self, issue: ChainIssue, at: Option<usize>) {
        self.issues.push(issue);
        if let Some(r) = at.and_then(|i| self.certs.get_mut(i)) {
            r.issues.push(issue);
        }
    }
}

/// Parses `ders` into the pool; what does not parse becomes a finding.
fn parse_into<'a>(
    ders: &'a [Der],
    source: Source,
    pool: &mut Vec<PoolCert<'a>>,
    findings: &mut Vec<Finding>,
) {
    for (i, der) in ders.iter().enumerate() {
        match cert::parse(der.as_bytes()) {
            Ok(c) => pool.push(PoolCert {
                der: der.as_bytes(),
                cert: c,
                source,
                sent_index: (source == Source::Sent).then_some(i),
            }),
            Err(e) if source == Source::Sent => findings.push(Finding::new(
                Severity::Error,
                "certificate_unparsable",
                format!("certificate #{i} sent by the server cannot be read: {e}"),
            )),
            Err(e) => findings.push(Finding::new(
                Severity::Warning,
                "aia_unparsable",
                format!("certificate #{i} fetched from the issuer URL cannot be read: {e}"),
            )),
        }
    }
}

/// The report for a chain whose leaf is missing or unreadable.
fn no_leaf(input: &ChainInput<'_>, mut findings: Vec<Finding>) -> (ChainReport, ChainVerdict) {
    let reason = if input.sent.is_empty() {
        "the server sent no certificate"
    } else {
        "the server's certificate cannot be read"
    };
    findings.push(Finding::new(Severity::Error, "no_leaf", reason));
    let report = ChainReport {
        verify_code: 21,
        verify_message: verify_message(21).to_owned(),
        trusted: false,
        issues: Vec::new(),
        certificates: Vec::new(),
        missing_issuer: None,
        ocsp: None,
        findings,
        trust: Vec::new(),
    };
    (report, ChainVerdict::default())
}

/// Analyses one chain against one store.
pub fn analyse(input: ChainInput<'_>, store: &TrustStore<'_>) -> (ChainReport, ChainVerdict) {
    analyse_in(input, store, &[])
}

/// The issues that make a chain untrusted.
fn disqualifies(issue: ChainIssue) -> bool {
    matches!(
        issue,
        ChainIssue::Expired
            | ChainIssue::NotYetValid
            | ChainIssue::HostnameMismatch
            | ChainIssue::Revoked
            | ChainIssue::WeakKey
            | ChainIssue::WeakSignature
            | ChainIssue::InvalidConstraints
    )
}

/// The path a report describes, and how it was found.
struct Chosen {
    path: Vec<Node>,
    end: End,
    /// Every check accepts it (the leaf's own checks aside).
    valid: bool,
    completed_by_aia: bool,
}

/// The valid path if there is one (sent certificates first, then with AIA),
/// else the best the signatures lead to.
fn choose(b: &mut Builder<'_, '_>, opts: Options, sent_best: &(Vec<Node>, End)) -> Chosen {
    let has_aia = b.pool.iter().any(|p| p.source == Source::Aia);
    let valid = {
        let mut v = Validator::new(b, opts);
        v.find_valid(false)
            .or_else(|| has_aia.then(|| v.find_valid(true)).flatten())
    };
    if let Some(path) = valid {
        let completed_by_aia = path
            .iter()
            .any(|n| matches!(n, Node::Pool(i) if b.pool[*i].source == Source::Aia));
        return Chosen {
            path,
            end: End::Trusted,
            valid: true,
            completed_by_aia,
        };
    }
    let (best, completed_by_aia) = if sent_best.1 != End::Trusted && has_aia {
        b.steps_left = MAX_STEPS;
        let aia_best = b.search(&mut vec![Node::Pool(0)], true);
        let trusted = aia_best.1 == End::Trusted;
        if trusted || aia_best.0.len() > sent_best.0.len() {
            (aia_best, trusted)
        } else {
            (sent_best.clone(), false)
        }
    } else {
        (sent_best.clone(), false)
    };
    Chosen {
        path: best.0,
        end: best.1,
        valid: false,
        completed_by_aia,
    }
}

/// Analyses one chain against `store` (the report's path, issues and
/// `trusted`), and gives the verdict of each of `stores` in `trust`.
pub fn analyse_in(
    input: ChainInput<'_>,
    store: &TrustStore<'_>,
    stores: &[NamedStore<'_, '_>],
) -> (ChainReport, ChainVerdict) {
    let mut findings = Vec::new();
    let mut pool = Vec::new();
    parse_into(input.sent, Source::Sent, &mut pool, &mut findings);
    if pool.first().is_none_or(|p| p.sent_index != Some(0)) {
        return no_leaf(&input, findings);
    }
    parse_into(input.aia, Source::Aia, &mut pool, &mut findings);

    let mut b = Builder::new(pool, store, findings);
    // What OpenSSL sees: the sent certificates only.
    let sent_best = b.search(&mut vec![Node::Pool(0)], false);
    let opts = Options {
        now: input.now,
        max_intermediates: input.max_intermediates,
    };
    let chosen = choose(&mut b, opts, &sent_best);
    let (path, end) = (chosen.path.clone(), chosen.end);
    let leaf = b.cert(Node::Pool(0)).clone();
    let mut verdict = ChainVerdict {
        anchored: end == End::Trusted,
        completed_by_aia: chosen.completed_by_aia,
        leaf_sha256: Some(cert::hex(&sha2_digest(b.pool[0].der))),
        ..ChainVerdict::default()
    };
    let mut m = describe_path(&b, &path, end, input.now, &mut verdict);
    let violations = Validator::new(&mut b, opts).violations(&path, end);
    for v in violations {
        m.flag(v.check.issue(), Some(v.at));
        if !matches!(
            v.check,
            Check::Expired | Check::NotYetValid | Check::WeakSignature
        ) {
            let f = Finding::new(Severity::Error, v.check.code(), v.reason);
            if !b.findings.contains(&f) {
                b.findings.push(f);
            }
        }
    }

    // Name: browsers look at the subjectAltName only; OpenSSL falls back to the CN.
    let host_ok = input
        .host
        .is_none_or(|host| crate::hostname::matches(&leaf, host));
    let openssl_host_ok = input
        .host
        .is_none_or(|host| crate::hostname::matches_openssl(&leaf, host));
    if !host_ok {
        m.flag(ChainIssue::HostnameMismatch, Some(0));
        if let Some(f) = crate::hostname::no_san_finding(&leaf) {
            b.findings.push(f);
        }
    }

    let missing_issuer = flag_end(&b, &path, end, chosen.completed_by_aia, &mut m);

    sent_order_and_extras(&b, &path, input, &mut m);

    // Revocation, from the staple.
    let ocsp = input.ocsp_staple.map(|der| {
        let issuer = path.get(1).map(|&n| b.cert(n).clone());
        ocsp::read(der, &leaf, issuer.as_ref(), input.now)
    });
    let revoked = matches!(ocsp.as_ref().map(|o| o.status), Some(OcspStatus::Revoked));
    if revoked {
        m.flag(ChainIssue::Revoked, Some(0));
    }

    let Marks {
        mut issues,
        certs: mut reports,
    } = m;
    issues.sort();
    issues.dedup();
    for r in &mut reports {
        // By spelling: the order reports have always listed them in.
        r.issues.sort_by_key(|i| i.as_str());
        r.issues.dedup();
    }

    let sent_violations = Validator::new(&mut b, opts).violations(&sent_best.0, sent_best.1);
    let verify_code = openssl_code(
        &b,
        &sent_best,
        &sent_violations,
        openssl_host_ok,
        revoked,
        input.now,
    );
    let trusted = chosen.valid && !issues.iter().any(|i| disqualifies(*i));
    let trust = stores
        .iter()
        .map(|s| StoreVerdict {
            store: s.id,
            trusted: trusted_in(&mut b, opts, s.store, host_ok && !revoked),
        })
        .collect();
    let report = ChainReport {
        verify_code,
        verify_message: verify_message(verify_code).to_owned(),
        trusted,
        issues,
        certificates: reports,
        missing_issuer,
        ocsp,
        findings: b.findings,
        trust,
    };
    (report, verdict)
}

/// Flags how the path ends (completed by AIA, a self-signed leaf, an unknown
/// root, a missing issuer); returns the missing issuer's name.
fn flag_end(
    b: &Builder<'_, '_>,
    path: &[Node],
    end: End,
    completed_by_aia: bool,
    m: &mut Marks,
) -> Option<String> {
    let top = path.len().saturating_sub(1);
    match end {
        End::Trusted if completed_by_aia => m.flag(ChainIssue::IncompleteChain, None),
        End::Trusted => {}
        End::SelfSigned if path.len() == 1 => m.flag(ChainIssue::SelfSigned, Some(top)),
        End::SelfSigned => m.flag(ChainIssue::UntrustedRoot, Some(top)),
        End::Missing { .. } => {
            m.flag(ChainIssue::IncompleteChain, Some(top));
            return path
                .get(top)
                .map(|&n| b.cert(n).tbs_certificate.issuer.to_string());
        }
    }
    None
}

/// Whether `store`'s anchors make the chain trusted: a valid path exists, and
/// the leaf passes its own checks (`leaf_ok`: the name matches and it is not
/// revoked).
fn trusted_in<'s, 'a>(
    b: &mut Builder<'s, 'a>,
    opts: Options,
    store: &'s TrustStore<'a>,
    leaf_ok: bool,
) -> bool {
    if !leaf_ok {
        return false;
    }
    let primary = b.store;
    b.set_store(store);
    let mut v = Validator::new(b, opts);
    let valid = v.find_valid(false).or_else(|| v.find_valid(true));
    let trusted = valid.is_some_and(|path| {
        v.leaf_violations().is_empty()
            && (path.len() == 1 || validate::weak_hash(&v.b.pool[0].cert).is_none())
    });
    b.set_store(primary);
    trusted
}

/// Describes every certificate on the path, with the issues that are about one
/// certificate: validity, key size, weak signature hash. Fills the verdict's key
/// and signature facts.
fn describe_path(
    b: &Builder<'_, '_>,
    path: &[Node],
    end: End,
    now: i64,
    verdict: &mut ChainVerdict,
) -> Marks {
    let mut m = Marks {
        issues: Vec::new(),
        certs: Vec::new(),
    };
    let top = path.len().saturating_sub(1);
    for (pos, &n) in path.iter().enumerate() {
        let (der, source, sent_index) = match n {
            Node::Pool(i) => (b.pool[i].der, b.pool[i].source, b.pool[i].sent_index),
            Node::Anchor(i) => (b.anchors[i].der, Source::RootStore, None),
            // A key-only anchor has no certificate to describe.
            Node::Key(_) => continue,
        };
        let c = b.cert(n);
        let mut r = cert::describe(c, der, now);
        r.source = source;
        r.sent_index = sent_index;
        r.role = if pos == 0 {
            CertRole::Leaf
        } else if pos == top && !matches!(end, End::Missing { .. }) {
            CertRole::Root
        } else {
            CertRole::Intermediate
        };
        let bits = r.key.rsa_equivalent_bits;
        m.certs.push(r);
        let anchor = match n {
            Node::Anchor(_) | Node::Key(_) => true,
            Node::Pool(i) => b.store.contains(&b.pool[i].cert),
        };
        if !anchor {
            let validity = &c.tbs_certificate.validity;
            if now > validity.not_after.timestamp() {
                m.flag(ChainIssue::Expired, Some(pos));
            }
            if now < validity.not_before.timestamp() {
                m.flag(ChainIssue::NotYetValid, Some(pos));
            }
            if bits > 0 {
                verdict.weakest_key_bits =
                    Some(verdict.weakest_key_bits.map_or(bits, |w| w.min(bits)));
                if pos == 0 {
                    verdict.leaf_key_bits = Some(bits);
                }
                if bits < 2048 {
                    m.flag(ChainIssue::WeakKey, Some(pos));
                }
            }
        }
        // Signatures made by another certificate (a self-signature proves nothing).
        let signed_by_other = pos < top || (matches!(end, End::Missing { .. }) && pos == top);
        if signed_by_other && !(pos == top && is_self_signed(c)) {
            match sigalg::signature_hash(c) {
                SignatureHash::Md2 | SignatureHash::Md4 | SignatureHash::Md5 => {
                    verdict.md5_signature = true;
                    m.flag(ChainIssue::WeakSignature, Some(pos));
                }
                SignatureHash::Sha1 => {
                    verdict.sha1_signature = true;
                    m.flag(ChainIssue::WeakSignature, Some(pos));
                }
                _ => {}
            }
        }
    }
    m
}

/// Order, extras and anchors among what was sent: the sent certificates on the
/// path must come in path order, a sent copy of the anchor the path ends at
/// belongs after them, and everything sent but unused is listed as `extra`.
fn sent_order_and_extras(b: &Builder<'_, '_>, path: &[Node], input: ChainInput<'_>, m: &mut Marks) {
    let anchor_copy = match path.last() {
        Some(&Node::Anchor(a)) => {
            let anchor = &b.anchors[a].cert.tbs_certificate;
            b.pool
                .iter()
                .filter(|p| p.source == Source::Sent)
                .find(|p| {
                    p.cert.tbs_certificate.subject.as_raw() == anchor.subject.as_raw()
                        && p.cert.tbs_certificate.subject_pki.raw == anchor.subject_pki.raw
                })
                .and_then(|p| p.sent_index)
        }
        _ => None,
    };
    let sent_order: Vec<usize> = path
        .iter()
        .filter_map(|n| match n {
            Node::Pool(i) => b.pool[*i].sent_index,
            Node::Anchor(_) | Node::Key(_) => None,
        })
        .chain(anchor_copy)
        .collect();
    let misplaced: Vec<usize> = sent_order
        .iter()
        .enumerate()
        .filter(|(k, s)| sent_order[..*k].iter().any(|earlier| earlier > s))
        .map(|(_, s)| *s)
        .collect();
    if !misplaced.is_empty() {
        m.issues.push(ChainIssue::WrongOrder);
        for r in m.certs.iter_mut() {
            if r.sent_index.is_some_and(|s| misplaced.contains(&s)) {
                r.issues.push(ChainIssue::WrongOrder);
            }
        }
    }
    for (i, p) in b.pool.iter().enumerate() {
        let anchor = b.store.same_as(&p.cert).is_some();
        if p.source == Source::Sent && anchor && p.sent_index != Some(0) {
            let at = m.certs.iter().position(|r| r.sent_index == p.sent_index);
            m.flag(ChainIssue::ContainsAnchor, at);
        }
        if path.contains(&Node::Pool(i)) || p.source == Source::Aia {
            continue;
        }
        let mut r = cert::describe(&p.cert, p.der, input.now);
        r.source = p.source;
        r.sent_index = p.sent_index;
        r.role = CertRole::Extra;
        if p.sent_index.is_some_and(|s| misplaced.contains(&s)) {
            r.issues.push(ChainIssue::WrongOrder);
        }
        m.certs.push(r);
        let at = Some(m.certs.len() - 1);
        if anchor {
            // Its ContainsAnchor chain issue was recorded above.
            if let Some(r) = m.certs.last_mut() {
                r.issues.push(ChainIssue::ContainsAnchor);
            }
        } else {
            m.flag(ChainIssue::ExtraCerts, at);
        }
    }
    if input.sent.len() > b.pool.iter().filter(|p| p.source == Source::Sent).count() {
        m.flag(ChainIssue::ExtraCerts, None);
    }
}

fn is_self_signed(c: &X509Certificate<'_>) -> bool {
    c.tbs_certificate.subject.as_raw() == c.tbs_certificate.issuer.as_raw()
}

fn sha2_digest(der: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(der).to_vec()
}

/// The code OpenSSL 3 ends with: each check may overwrite the error of an earlier
/// one, in this order: the leaf's key strength (66), chain building (18/19/20),
/// the extensions of each certificate from the leaf up (34 unhandled critical
/// extension, 24 invalid CA, 26 unsupported purpose, 25 path length), issuer
/// key and digest strength per certificate at security level 2 (67/68), host
/// name (62), revocation (23), the signature walk from the top down (21, 7,
/// 9/10), then name constraints (47 permitted, 48 excluded subtree violation).
/// `violations` are the validator's on the same path; where OpenSSL's rules
/// differ from the browsers' (leading-dot DNS constraints, anyExtendedKeyUsage),
/// the code follows the browsers' reading.
fn openssl_code(
    b: &Builder<'_, '_>,
    sent: &(Vec<Node>, End),
    violations: &[Violation],
    host_ok: bool,
    revoked: bool,
    now: i64,
) -> i32 {
    let (path, end) = sent;
    let weak_key = |n: Node| {
        let bits = cert::key_info(&b.cert(n).tbs_certificate.subject_pki).rsa_equivalent_bits;
        bits > 0 && bits < 2048
    };
    // The leaf's key is checked before the chain is built.
    let mut code = if path.first().is_some_and(|&n| weak_key(n)) {
        66
    } else {
        0
    };
    match end {
        End::Trusted => {}
        End::SelfSigned if path.len() == 1 => code = 18,
        End::SelfSigned => code = 19,
        End::Missing { .. } => code = 20,
    }
    // check_extensions, certificate by certificate from the leaf.
    for (pos, &node) in path.iter().enumerate() {
        for v in violations.iter().filter(|v| v.at == pos) {
            match v.check {
                Check::CriticalExtension => code = 34,
                Check::BasicConstraints | Check::KeyUsage if pos > 0 => code = 24,
                Check::ExtendedKeyUsage | Check::KeyUsage if !b.is_anchor(node) => code = 26,
                Check::PathLength => code = 25,
                _ => {}
            }
        }
    }
    // check_auth_level: per certificate, the issuer keys (not the leaf's
    // again), then the signature digest of all but the last certificate.
    let last = path.len().saturating_sub(1);
    for (pos, &n) in path.iter().enumerate() {
        if pos > 0 && weak_key(n) {
            code = 67;
        }
        if pos < last
            && matches!(
                sigalg::signature_hash(b.cert(n)),
                SignatureHash::Md2 | SignatureHash::Md4 | SignatureHash::Md5 | SignatureHash::Sha1
            )
        {
            code = 68;
        }
    }
    if !host_ok {
        code = 62;
    }
    if revoked {
        code = 23;
    }
    if let End::Missing { bad_signature } = end {
        if path.len() == 1 {
            code = 21;
        }
        if *bad_signature {
            code = 7;
        }
    }
    for &n in path.iter().rev() {
        let v = &b.cert(n).tbs_certificate.validity;
        if now < v.not_before.timestamp() {
            code = 9;
        }
        if now > v.not_after.timestamp() {
            code = 10;
        }
    }
    for v in violations {
        match v.check {
            Check::NameConstraints => code = 47,
            Check::NameExcluded => code = 48,
            _ => {}
        }
    }
    code
}
