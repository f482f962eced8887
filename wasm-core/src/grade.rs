//! Grading: facts in, report out. Scores per category, caps and warnings from
//! [`crate::policy::RULES`], the trust/mismatch override, A+ and A-, per endpoint;
//! then the worst endpoint and whether the endpoints agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::anchors::TrustStore;
use crate::chain::{self, ChainInput, ChainIssue, ChainReport, ChainVerdict, NamedStore};
use crate::clients::{self, ChainTrust, StoreTrust};
use crate::compliance;
use crate::dh::{self, Primality};
use crate::expiry::{self, DEFAULT_ALERT_DAYS};
use crate::facts::{ChainFacts, EndpointFacts, KexKind, ScanFacts, Vulnerabilities};
use crate::fix::{self, FixGoal};
use crate::groups::GroupKind;
use crate::hsts::{self, MIN_MAX_AGE};
use crate::policy::{Effect, RuleCode, POLICY_ID};
use crate::profiles::ProfileId;
use crate::report::{
    Cap, EndpointReport, Grade, Hsts, KeyExchangeReport, Report, Score, Unmeasured, Warning,
    WeakSuite, REPORT_SCHEMA,
};
use crate::stores::StoreId;
use crate::suites::{CipherMode, KeyExchange, SuiteInfo};
use crate::time::rfc3339;
use crate::vuln_probes;
use crate::wire::{CipherSuite, ProtocolVersion};
use crate::{details, weakness};

/// What [`grade_with`] adds to a plain [`grade`]. JSON (the WASM
/// `grade_with` export): `{"profile": "mozilla-intermediate", "fix": true}`,
/// both optional; unknown fields are an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeOptions {
    /// Compare every endpoint with this profile (`compliance`, per endpoint and
    /// for the target).
    #[serde(default)]
    pub profile: Option<ProfileId>,
    /// Add a fix plan to every scanned endpoint (`fix`): towards `profile` when
    /// one is given, else towards A+.
    #[serde(default)]
    pub fix: bool,
}

/// Grades every endpoint of `facts` at `now` (Unix seconds).
pub fn grade(facts: &ScanFacts, now: i64) -> Report {
    grade_with(facts, now, &GradeOptions::default())
}

/// Builds, once, what every grade reads — the Mozilla roots, the platform
/// stores' key anchors, the client table — so that the first grade does not
/// pay for it. The relay calls it on a blocking thread while the probes run;
/// calling it is never needed for a correct grade.
pub fn warm_up() {
    let _ = crate::anchors::builtin_count();
    let _ = crate::anchors::platform_stores();
    let _ = crate::clients::table();
}

/// [`grade`], plus what `options` ask for: compliance with a profile and fix
/// plans. With default options the report is exactly [`grade`]'s.
pub fn grade_with(facts: &ScanFacts, now: i64, options: &GradeOptions) -> Report {
    grade_with_trust(facts, now, options, &ChainTrust)
}

/// [`grade_with`], with the root-store verdicts the client simulation uses
/// given through `trust`.
pub fn grade_with_trust(
    facts: &ScanFacts,
    now: i64,
    options: &GradeOptions,
    trust: &dyn StoreTrust,
) -> Report {
    let (store, anchor_problems) = TrustStore::new(&facts.extra_anchors);
    let mozilla = TrustStore::mozilla();
    let (custom, _) = TrustStore::only(&facts.extra_anchors);
    let mut stores = vec![NamedStore {
        id: StoreId::MOZILLA,
        store: &mozilla,
    }];
    stores.extend(
        crate::anchors::platform_stores()
            .iter()
            .map(|(id, store)| NamedStore { id: *id, store }),
    );
    if !custom.extra().is_empty() {
        stores.push(NamedStore {
            id: StoreId::CUSTOM,
            store: &custom,
        });
    }
    let cx = GradeCx {
        host: &facts.target.host,
        anchors: Trust {
            store: &store,
            stores: &stores,
        },
        now,
        trust,
    };
    let mut endpoints: Vec<EndpointReport> = facts
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, ep)| grade_endpoint(ep, vulnerabilities(&facts.endpoints, i), &cx))
        .collect();
    for problem in anchor_problems {
        for ep in &mut endpoints {
            if let Some(chain) = ep.chain.as_mut() {
                chain.findings.push(crate::finding::Finding::new(
                    crate::finding::Severity::Warning,
                    "extra_anchor_unparsable",
                    problem.clone(),
                ));
            }
        }
    }
    for (ep, ep_facts) in endpoints.iter_mut().zip(&facts.endpoints) {
        if let Some(p) = options.profile {
            ep.compliance = Some(compliance::check(ep_facts, ep, p.profile()));
        }
        if options.fix && ep.error.is_none() {
            ep.fix = Some(fix::plan(&facts.target, ep, FixGoal::of(options.profile)));
        }
    }
    let grade = endpoints
        .iter()
        .filter_map(|e| e.grade)
        .reduce(Grade::worst);
    let differences = differences(&endpoints);
    let client_failures = clients::client_failures(
        endpoints
            .iter()
            .map(|e| (e.ip.as_str(), e.clients.as_deref())),
    );
    Report {
        schema: REPORT_SCHEMA.to_owned(),
        policy: POLICY_ID.to_owned(),
        target: facts.target.clone(),
        graded_at: rfc3339(now),
        scanner: facts.scanner.clone(),
        grade,
        endpoints_agree: differences.is_empty(),
        differences,
        compliance: compliance::summarise(&endpoints),
        endpoints,
        client_failures,
    }
}

/// What grading an endpoint needs besides its facts.
struct GradeCx<'a, 's> {
    host: &'a str,
    /// The anchors chains are validated against: the grade's store (Mozilla
    /// plus `--ca-file`) and the stores of the per-store verdicts.
    anchors: Trust<'a, 's>,
    now: i64,
    /// The per-store verdicts the client simulation reads.
    trust: &'a dyn StoreTrust,
}

fn differences(endpoints: &[EndpointReport]) -> Vec<String> {
    let mut out = Vec::new();
    let Some(first) = endpoints.first() else {
        return out;
    };
    let leaf = |e: &EndpointReport| {
        e.chain.as_ref().map(|c| {
            c.certificates
                .iter()
                .map(|x| x.sha256.clone())
                .collect::<Vec<_>>()
        })
    };
    type Same<'f> = &'f dyn Fn(&EndpointReport, &EndpointReport) -> bool;
    let checks: [(&str, Same<'_>); 5] = [
        ("reachability", &|a, b| {
            a.error.is_some() == b.error.is_some()
        }),
        ("chain", &|a, b| {
            a.error.is_some() || b.error.is_some() || leaf(a) == leaf(b)
        }),
        ("protocols", &|a, b| {
            a.error.is_some() || b.error.is_some() || a.protocols == b.protocols
        }),
        ("cipher_suites", &|a, b| {
            a.error.is_some() || b.error.is_some() || a.cipher_suites == b.cipher_suites
        }),
        ("grade", &|a, b| {
            a.error.is_some() || b.error.is_some() || a.grade == b.grade
        }),
    ];
    for (name, same) in checks {
        if endpoints.iter().skip(1).any(|e| !same(first, e)) {
            out.push(name.to_owned());
        }
    }
    out
}

/// Accumulates caps and warnings with their reasons.
struct Verdicts {
    caps: Vec<Cap>,
    warnings: Vec<Warning>,
}

impl Verdicts {
    fn hit(&mut self, code: RuleCode, detail: Option<String>) {
        let rule = code.rule();
        let reason = match detail {
            Some(d) => format!("{} {d}", rule.reason),
            None => rule.reason.to_owned(),
        };
        match rule.effect {
            Effect::Cap(grade) => {
                if !self.caps.iter().any(|c| c.code == code) {
                    self.caps.push(Cap {
                        grade,
                        code,
                        reason,
                        fix: rule.fix.to_owned(),
                    });
                }
            }
            Effect::Warning => {
                if !self.warnings.iter().any(|w| w.code == code) {
                    self.warnings.push(Warning {
                        code,
                        reason,
                        fix: rule.fix.to_owned(),
                    });
                }
            }
        }
    }
}

fn protocol_points(v: ProtocolVersion) -> Option<u32> {
    Some(match v {
        ProtocolVersion::SSLV2 => 0,
        ProtocolVersion::SSLV3 => 80,
        ProtocolVersion::TLS10 => 90,
        ProtocolVersion::TLS11 => 95,
        ProtocolVersion::TLS12 | ProtocolVersion::TLS13 => 100,
        _ => return None,
    })
}

fn cipher_points(bits: u16) -> u32 {
    match bits {
        0 => 0,
        1..=127 => 20,
        128..=255 => 80,
        _ => 100,
    }
}

fn key_exchange_points(bits: u32) -> u32 {
    match bits {
        0..=511 => 20,
        512..=1023 => 40,
        1024..=2047 => 80,
        2048..=4095 => 90,
        _ => 100,
    }
}

/// Rounded mean of the best and worst, half up.
fn mid(a: u32, b: u32) -> u32 {
    (a + b).div_ceil(2)
}

fn letter(total: u32) -> Grade {
    match total {
        80.. => Grade::A,
        65..=79 => Grade::B,
        50..=64 => Grade::C,
        35..=49 => Grade::D,
        20..=34 => Grade::E,
        _ => Grade::F,
    }
}

fn is_rc4(info: &SuiteInfo) -> bool {
    info.cipher.starts_with("RC4")
}

fn suite_list(items: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        s.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    format!("({s})")
}

fn weak_reason(info: &SuiteInfo) -> Option<&'static str> {
    Some(if info.export {
        "export grade"
    } else if info.mode == CipherMode::Null || info.bits == 0 {
        "no encryption"
    } else if info.anonymous() {
        "anonymous (no authentication)"
    } else if info.bits < 112 {
        "under 112 bits"
    } else if is_rc4(info) {
        "RC4"
    } else if info.block_bits == 64 {
        "64-bit block (Sweet32)"
    } else if !info.forward_secret() {
        "no forward secrecy"
    } else if !info.aead() {
        "CBC (not AEAD)"
    } else {
        return None;
    })
}

struct GradedChain {
    report: ChainReport,
    verdict: ChainVerdict,
}

/// The anchors a chain is judged with: `store` decides `trusted` and the
/// breakdown; each of `stores` gets its verdict in `chain.trust`.
struct Trust<'s, 'a> {
    store: &'s TrustStore<'a>,
    stores: &'s [NamedStore<'s, 'a>],
}

fn analyse(chain: &ChainFacts, host: &str, trust: &Trust<'_, '_>, now: i64) -> GradedChain {
    let (report, verdict) = chain::analyse_in(
        ChainInput {
            sent: &chain.certificates,
            aia: &chain.aia,
            ocsp_staple: chain.ocsp_staple.as_ref().map(|d| d.as_bytes()),
            host: Some(host),
            now,
            max_intermediates: None,
        },
        trust.store,
        trust.stores,
    );
    GradedChain { report, verdict }
}

/// The report's vulnerability verdicts of endpoint `index`: the probes' facts,
/// with DROWN judged across all endpoints ([`vuln_probes::drown`]).
fn vulnerabilities(endpoints: &[EndpointFacts], index: usize) -> Vulnerabilities {
    let mut v = endpoints
        .get(index)
        .map(|ep| ep.vulnerabilities.clone())
        .unwrap_or_default();
    v.drown = vuln_probes::drown(endpoints, index);
    v
}

fn grade_endpoint(
    ep: &EndpointFacts,
    vulnerabilities: Vulnerabilities,
    gx: &GradeCx<'_, '_>,
) -> EndpointReport {
    let (host, trust, now) = (gx.host, &gx.anchors, gx.now);
    let chain = ep.chain.as_ref().map(|c| analyse(c, host, trust, now));
    let others: Vec<GradedChain> = ep
        .other_chains
        .iter()
        .map(|c| analyse(c, host, trust, now))
        .collect();
    let no_sni_chain = ep
        .chain_no_sni
        .as_ref()
        .map(|c| analyse(c, host, trust, now));
    let no_sni = ep
        .chain_no_sni
        .as_ref()
        .zip(no_sni_chain.as_ref())
        .and_then(|(facts, graded)| {
            // Without a primary chain (not measured) there is nothing to
            // differ from.
            let differs = ep
                .chain
                .as_ref()
                .is_some_and(|p| p.certificates.first() != facts.certificates.first());
            differs.then(|| graded.report.clone())
        });
    let sni_chains = std::iter::once(chain.as_ref()).chain(others.iter().map(Some));
    let clients = simulate(ep, gx, sni_chains, no_sni_chain.as_ref());
    let mut protocols = ep.protocols.clone();
    protocols.sort();
    protocols.dedup();

    let (cipher_suites, server_cipher_order) = suite_tables(ep);
    let hsts = ep
        .http
        .as_ref()
        .and_then(|h| h.hsts.as_deref())
        .map(hsts::parse);
    let expiry = chain
        .as_ref()
        .and_then(|c| expiry::of_chain(&c.report, now, &DEFAULT_ALERT_DAYS));
    let offered: Vec<(ProtocolVersion, CipherSuite, Option<SuiteInfo>)> =
        ep.all_suites().map(|(p, s)| (p, s, s.info())).collect();
    let weak_cipher_suites = offered
        .iter()
        .filter_map(|(p, s, info)| {
            let reason = weak_reason(info.as_ref()?)?;
            Some(WeakSuite {
                protocol: *p,
                suite: *s,
                reason: reason.to_owned(),
            })
        })
        .collect();

    let mut report = EndpointReport {
        ip: ep.ip.clone(),
        error: ep.error.clone(),
        grade: None,
        grade_trust_ignored: None,
        score: None,
        caps: Vec::new(),
        warnings: Vec::new(),
        protocols,
        cipher_suites,
        server_cipher_order,
        weak_cipher_suites,
        sslv2_ciphers: ep.sslv2_ciphers.clone(),
        groups: ep.groups.clone(),
        key_exchange: key_exchange_report(ep),
        chain: None,
        other_chains: Vec::new(),
        no_sni_chain_differs: no_sni.is_some(),
        sni_required: ep.sni_required,
        no_sni_chain: no_sni,
        hsts,
        ocsp_stapling: ep.chain.as_ref().is_some_and(|c| c.ocsp_staple.is_some()),
        alpn: ep.alpn.clone(),
        secure_renegotiation: ep.secure_renegotiation,
        fallback_scsv: ep.fallback_scsv,
        compression: ep.compression,
        session_resumption: ep.session_resumption.clone(),
        browser: ep.browser.clone(),
        clients,
        not_measured: Vec::new(),
        weaknesses: Vec::new(),
        protocol_details: crate::details::ProtocolDetails::default(),
        expiry,
        probe_errors: ep.probe_errors.clone(),
        compliance: None,
        fix: None,
    };
    if ep.error.is_none() {
        score_and_cap(
            ep,
            &mut report,
            chain.as_ref(),
            &others,
            &offered,
            &vulnerabilities,
        );
        report.weaknesses = weakness::assess(ep, &vulnerabilities, &report.key_exchange.dh_groups);
        report.protocol_details = details::of(ep, chain.as_ref().map(|c| &c.report));
    }
    report.chain = chain.map(|c| c.report);
    report.other_chains = others.into_iter().map(|c| c.report).collect();
    report
}

/// The accepted suites per protocol, and whether the server picks by its
/// own order, per protocol (the report's `cipher_suites` and
/// `server_cipher_order`).
type SuiteTables = (
    BTreeMap<ProtocolVersion, Vec<CipherSuite>>,
    BTreeMap<ProtocolVersion, bool>,
);

/// [`SuiteTables`] of `ep`.
fn suite_tables(ep: &EndpointFacts) -> SuiteTables {
    let mut cipher_suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>> = BTreeMap::new();
    let mut server_cipher_order = BTreeMap::new();
    for p in &ep.cipher_suites {
        cipher_suites
            .entry(p.protocol)
            .or_default()
            .extend(p.suites.iter().copied());
        if let Some(order) = p.server_order {
            server_cipher_order.insert(p.protocol, order);
        }
    }
    (cipher_suites, server_cipher_order)
}

/// The key exchange as seen: sizes, the DH groups judged, key reuse (the
/// weakest RSA-equivalent strength is filled in by the score).
fn key_exchange_report(ep: &EndpointFacts) -> KeyExchangeReport {
    let kx = &ep.key_exchange;
    KeyExchangeReport {
        dh_bits: kx.dh_bits,
        ecdh_group: kx.ecdh_group,
        weakest_rsa_equivalent_bits: None,
        dh_groups: dh::analyse_all(&kx.dh_groups, &kx.public_values),
        dh_public_reuse: dh::reuse(&kx.public_values, KexKind::Dhe),
        ecdh_public_reuse: dh::reuse(&kx.public_values, KexKind::Ecdhe),
    }
}

/// The client simulation of one endpoint: each recorded handshake judged
/// against the analysed chain it received.
fn simulate<'g>(
    ep: &EndpointFacts,
    gx: &GradeCx<'_, '_>,
    sni_chains: impl Iterator<Item = Option<&'g GradedChain>>,
    no_sni: Option<&'g GradedChain>,
) -> Option<Vec<clients::ClientReport>> {
    let handshakes = ep.clients.as_ref()?;
    let sni: Vec<Option<&GradedChain>> = sni_chains.collect();
    let inline: Vec<Option<GradedChain>> = handshakes
        .iter()
        .map(|h| match clients::chain_choice(ep, h) {
            clients::ChainChoice::Inline(c) => Some(analyse(c, gx.host, &gx.anchors, gx.now)),
            _ => None,
        })
        .collect();
    let views: Vec<Option<clients::ChainView<'_>>> = handshakes
        .iter()
        .zip(&inline)
        .map(|(h, own)| {
            let graded = match clients::chain_choice(ep, h) {
                clients::ChainChoice::Sni(i) => sni.get(i).copied().flatten(),
                clients::ChainChoice::NoSni => no_sni,
                clients::ChainChoice::Inline(_) => own.as_ref(),
            };
            graded.map(|g| clients::ChainView {
                report: &g.report,
                verdict: &g.verdict,
            })
        })
        .collect();
    let cx = clients::EndpointContext {
        ep,
        host: gx.host,
        trust: gx.trust,
    };
    clients::evaluate_endpoint(cx, &views)
}

/// What the rules look at for one endpoint.
struct Ctx<'a> {
    ep: &'a EndpointFacts,
    protocols: &'a [ProtocolVersion],
    /// Accepted suites that the registry knows, with their protocol.
    known: Vec<(ProtocolVersion, SuiteInfo)>,
}

impl Ctx<'_> {
    /// Names of the known accepted suites matching `pred`.
    fn names(&self, pred: impl Fn(ProtocolVersion, &SuiteInfo) -> bool) -> Vec<String> {
        let mut n: Vec<String> = self
            .known
            .iter()
            .filter(|(p, i)| pred(*p, i))
            .map(|(_, i)| i.name.to_owned())
            .collect();
        n.dedup();
        n
    }
}

fn score_and_cap(
    ep: &EndpointFacts,
    report: &mut EndpointReport,
    chain: Option<&GradedChain>,
    others: &[GradedChain],
    offered: &[(ProtocolVersion, CipherSuite, Option<SuiteInfo>)],
    vulns: &Vulnerabilities,
) {
    let mut v = Verdicts {
        caps: Vec::new(),
        warnings: Vec::new(),
    };
    let protocols = report.protocols.clone();
    let cx = Ctx {
        ep,
        protocols: &protocols,
        known: offered
            .iter()
            .filter_map(|(p, _, i)| i.map(|i| (*p, i)))
            .collect(),
    };
    let protocol_score = protocol_rules(&mut v, &protocols);
    if !protocols.is_empty() && offered.is_empty() {
        v.hit(RuleCode::NoCipherSuites, None);
    }
    let (cipher_score, export) = cipher_rules(&mut v, &cx);
    browser_rules(&mut v, &cx, report.clients.as_deref());
    let chains: Vec<&GradedChain> = chain.into_iter().chain(others).collect();
    let (kx_score, weakest, anonymous) =
        key_exchange_rules(&mut v, &cx, &chains, export, &report.key_exchange.dh_groups);
    report.key_exchange.weakest_rsa_equivalent_bits = weakest;
    if chain.is_none() {
        // Only a server that completed a handshake without a certificate
        // gets the cap; a chain no probe could capture is "not measured".
        if ep.certificate_sent == Some(false) {
            v.hit(RuleCode::NoCertificate, None);
        } else {
            report.not_measured.push(Unmeasured::Chain);
        }
    } else {
        for c in &chains {
            chain_caps(&mut v, c);
        }
    }
    probe_rules(&mut v, ep, vulns);
    warning_rules(&mut v, &cx, report.hsts.as_ref());
    if ep.http.as_ref().is_none_or(|h| h.error.is_some()) && report.hsts.is_none() {
        report.not_measured.push(Unmeasured::Hsts);
    }

    let total = (3 * protocol_score + 3 * kx_score + 4 * cipher_score + 5) / 10;
    let zero: Vec<&str> = [
        ("protocol", protocol_score),
        ("key exchange", kx_score),
        ("cipher", cipher_score),
    ]
    .iter()
    .filter(|(_, s)| *s == 0)
    .map(|(n, _)| *n)
    .collect();
    if !zero.is_empty() && !protocols.is_empty() {
        let why = if anonymous && kx_score == 0 {
            " — anonymous key exchange is offered"
        } else {
            ""
        };
        v.hit(
            RuleCode::ZeroScore,
            Some(format!("(zero: {}{why})", zero.join(", "))),
        );
    }
    let (grade, trust_ignored) = letters(&v, total, report.hsts.as_ref());
    // Rules are listed in RuleCode order.
    v.caps
        .sort_by_key(|c| (std::cmp::Reverse(c.grade.rank()), c.code));
    v.warnings.sort_by_key(|w| w.code);
    report.score = Some(Score {
        protocol: protocol_score,
        key_exchange: kx_score,
        cipher: cipher_score,
        total,
    });
    report.grade = Some(grade);
    report.grade_trust_ignored = Some(trust_ignored);
    report.caps = v.caps;
    report.warnings = v.warnings;
}

/// Protocol caps; returns the protocol score ((best + worst) / 2).
fn protocol_rules(v: &mut Verdicts, protocols: &[ProtocolVersion]) -> u32 {
    let points: Vec<u32> = protocols
        .iter()
        .filter_map(|p| protocol_points(*p))
        .collect();
    let score = match (points.iter().max(), points.iter().min()) {
        (Some(&best), Some(&worst)) => mid(best, worst),
        _ => 0,
    };
    let best = protocols
        .iter()
        .copied()
        .filter(|p| protocol_points(*p).is_some())
        .max();
    if protocols.is_empty() {
        v.hit(RuleCode::NoProtocols, None);
    }
    if protocols.contains(&ProtocolVersion::SSLV2) {
        v.hit(RuleCode::Sslv2, None);
    }
    if best == Some(ProtocolVersion::SSLV3) {
        v.hit(RuleCode::Sslv3Best, None);
    }
    if best.is_some_and(|b| b < ProtocolVersion::TLS12) {
        v.hit(RuleCode::NoTls12, None);
    }
    for (version, code) in [
        (ProtocolVersion::SSLV3, RuleCode::Sslv3Offered),
        (ProtocolVersion::TLS10, RuleCode::Tls10Offered),
        (ProtocolVersion::TLS11, RuleCode::Tls11Offered),
    ] {
        if protocols.contains(&version) {
            v.hit(code, None);
        }
    }
    score
}

/// Caps on what is offered; returns the cipher score ((strongest + weakest) / 2)
/// and whether export suites are offered.
fn cipher_rules(v: &mut Verdicts, cx: &Ctx<'_>) -> (u32, bool) {
    let bits: Vec<u16> = cx.known.iter().map(|(_, i)| i.bits).collect();
    let score = match (bits.iter().max(), bits.iter().min()) {
        (Some(&s), Some(&w)) => mid(cipher_points(s), cipher_points(w)),
        _ => 0,
    };
    let export = cx.names(|_, i| i.export);
    if !export.is_empty() {
        v.hit(RuleCode::ExportSuites, Some(suite_list(&export)));
    }
    let weak = cx.names(|_, i| i.bits < 112);
    if !weak.is_empty() {
        v.hit(RuleCode::WeakCipher, Some(suite_list(&weak)));
    }
    let rc4 = cx.names(|_, i| is_rc4(i));
    if !rc4.is_empty() {
        v.hit(RuleCode::Rc4Offered, Some(suite_list(&rc4)));
    }
    let sslv3_cbc = cx
        .known
        .iter()
        .any(|(p, i)| *p == ProtocolVersion::SSLV3 && i.mode == CipherMode::Cbc)
        || (cx.protocols.contains(&ProtocolVersion::SSLV3)
            && cx.ep.suites_for(ProtocolVersion::SSLV3).is_empty());
    if sslv3_cbc {
        v.hit(RuleCode::Poodle, None);
    }
    (score, !export.is_empty())
}

/// The rules judged on what browsers get: every current browser of the
/// client simulation when it simulated any, else the reference browser's
/// handshake when there was one, else what is offered.
fn browser_rules(v: &mut Verdicts, cx: &Ctx<'_>, simulated: Option<&[clients::ClientReport]>) {
    let is_current_browser = |c: &clients::ClientReport| {
        c.current && clients::table::by_id(&c.id).is_some_and(|p| p.browser)
    };
    if let Some(clients) = simulated.filter(|s| s.iter().any(is_current_browser)) {
        let browsers: Vec<&clients::ClientReport> =
            clients.iter().filter(|c| is_current_browser(c)).collect();
        simulated_browser_rules(v, &browsers);
        return;
    }
    let browser = cx.ep.browser.as_ref();
    if let Some(b) = browser.filter(|b| b.protocol.is_none()) {
        let why = b
            .error
            .as_ref()
            .map(|e| format!("({} handshake failed: {e})", b.client));
        v.hit(RuleCode::NoBrowserCompatible, why);
    }
    let negotiated = browser.and_then(|b| Some((b.protocol?, b.cipher_suite?.info()?)));
    match negotiated {
        Some((p, info)) => {
            let who = "a current browser".to_owned();
            negotiated_rules(v, &[(who, p, info)]);
        }
        None if !cx.known.is_empty() => offered_rules(v, cx),
        None => {}
    }
}

/// Policy 2026.2: the browser rules over the current simulated browsers
/// (never empty); none of them connecting is an F.
fn simulated_browser_rules(v: &mut Verdicts, browsers: &[&clients::ClientReport]) {
    if browsers.iter().all(|c| !c.ok) {
        let reasons: Vec<String> = browsers
            .iter()
            .map(|c| {
                let why = c.failure.as_ref().map_or("", |f| f.message.as_str());
                format!("{}: {why}", c.name)
            })
            .collect();
        v.hit(
            RuleCode::NoBrowserCanConnect,
            Some(format!("({})", reasons.join("; "))),
        );
    }
    let negotiated: Vec<(String, ProtocolVersion, SuiteInfo)> = browsers
        .iter()
        .filter(|c| {
            c.failure
                .as_ref()
                .is_none_or(|f| f.code.after_negotiation())
        })
        .filter_map(|c| Some((c.name.clone(), c.protocol?, c.cipher_suite?.info()?)))
        .collect();
    negotiated_rules(v, &negotiated);
}

/// The browser rules on negotiated `(who, protocol, suite)`: each fires when
/// one browser negotiates the weak thing.
/// A test on a negotiated protocol and suite.
type NegotiatedTest<'a> = &'a dyn Fn(ProtocolVersion, &SuiteInfo) -> bool;

fn negotiated_rules(v: &mut Verdicts, negotiated: &[(String, ProtocolVersion, SuiteInfo)]) {
    let first = |pred: NegotiatedTest<'_>| {
        negotiated
            .iter()
            .find(|(_, p, i)| pred(*p, i))
            .map(|(who, _, i)| format!("({who} negotiates {})", i.name))
    };
    let modern = |p: ProtocolVersion| p >= ProtocolVersion::TLS11;
    let rules: [(RuleCode, NegotiatedTest<'_>); 4] = [
        (RuleCode::NoForwardSecrecy, &|_, i| !i.forward_secret()),
        (RuleCode::NoAead, &|_, i| !i.aead()),
        (RuleCode::Rc4Modern, &|p, i| modern(p) && is_rc4(i)),
        (RuleCode::Block64Modern, &|p, i| {
            modern(p) && i.block_bits == 64
        }),
    ];
    for (code, pred) in rules {
        if let Some(detail) = first(pred) {
            v.hit(code, Some(detail));
        }
    }
}

/// The browser rules without any browser handshake: on what is offered.
fn offered_rules(v: &mut Verdicts, cx: &Ctx<'_>) {
    if !cx.known.iter().any(|(_, i)| i.forward_secret()) {
        v.hit(
            RuleCode::NoForwardSecrecy,
            Some("(no suite with forward secrecy is offered)".into()),
        );
    }
    if !cx.known.iter().any(|(_, i)| i.aead()) {
        v.hit(RuleCode::NoAead, Some("(no AEAD suite is offered)".into()));
    }
    let modern_rc4 = cx.names(|p, i| p >= ProtocolVersion::TLS11 && is_rc4(i));
    if !modern_rc4.is_empty() {
        v.hit(RuleCode::Rc4Modern, Some(suite_list(&modern_rc4)));
    }
    let modern_64 = cx.names(|p, i| p >= ProtocolVersion::TLS11 && i.block_bits == 64);
    if !modern_64.is_empty() {
        v.hit(RuleCode::Block64Modern, Some(suite_list(&modern_64)));
    }
}

/// Key and DH strength caps; returns the key-exchange score, the weakest
/// strength in RSA-equivalent bits, and whether anonymous suites are offered.
fn key_exchange_rules(
    v: &mut Verdicts,
    cx: &Ctx<'_>,
    chains: &[&GradedChain],
    export: bool,
    dh_groups: &[dh::DhGroupReport],
) -> (u32, Option<u32>, bool) {
    let mut weakest: Option<(u32, String)> = None;
    let mut consider = |bits: u32, what: String| {
        if bits > 0 && weakest.as_ref().is_none_or(|(w, _)| bits < *w) {
            weakest = Some((bits, what));
        }
    };
    for c in chains {
        if let Some(bits) = c.verdict.weakest_key_bits {
            let key = c
                .report
                .certificates
                .iter()
                .find(|r| r.key.rsa_equivalent_bits == bits);
            let what = key.map_or_else(String::new, |r| {
                format!("{} {} bits key of {}", r.key.kind, r.key.bits, r.subject)
            });
            consider(bits, what);
        }
    }
    let dhe_offered = cx
        .known
        .iter()
        .any(|(_, i)| matches!(i.kx, KeyExchange::Dhe | KeyExchange::DhePsk) && !i.tls13);
    if let (true, Some(dh)) = (dhe_offered, cx.ep.key_exchange.dh_bits) {
        consider(dh, format!("DH parameters of {dh} bits"));
    }
    for g in cx
        .ep
        .groups
        .iter()
        .chain(cx.ep.key_exchange.ecdh_group.iter())
    {
        if let Some(info) = g.info() {
            if matches!(
                info.kind,
                GroupKind::EllipticCurve | GroupKind::Montgomery | GroupKind::FiniteField
            ) {
                consider(info.rsa_equivalent_bits, format!("group {}", info.name));
            }
        }
    }
    let anonymous = cx.known.iter().any(|(_, i)| i.anonymous());
    let mut score = weakest
        .as_ref()
        .map_or(0, |(bits, _)| key_exchange_points(*bits));
    if anonymous {
        score = 0;
    }
    if export {
        score = score.min(40);
    }
    if let Some((bits, what)) = &weakest {
        if *bits < 1024 {
            v.hit(RuleCode::KeyUnder1024, Some(format!("({what})")));
        } else if *bits < 2048 {
            v.hit(RuleCode::WeakKey, Some(format!("({what})")));
        }
    }
    if let Some(g) = dh_groups.iter().find(|g| g.prime == Primality::Composite) {
        v.hit(
            RuleCode::DhComposite,
            Some(format!(
                "({}-bit modulus, SHA-256 {})",
                g.bits, g.prime_sha256
            )),
        );
    }
    (score, weakest.map(|(b, _)| b), anonymous)
}

/// Vulnerability probes (the report's verdicts, DROWN judged across
/// endpoints) and compression. The evidence of each verdict follows the
/// rule's reason.
fn probe_rules(v: &mut Verdicts, ep: &EndpointFacts, vulns: &Vulnerabilities) {
    for (check, code) in [
        (&vulns.heartbleed, RuleCode::Heartbleed),
        (&vulns.ccs_injection, RuleCode::CcsInjection),
        (&vulns.ticketbleed, RuleCode::Ticketbleed),
        (&vulns.robot, RuleCode::Robot),
        (&vulns.drown, RuleCode::Drown),
        (&vulns.poodle_tls, RuleCode::PoodleTls),
        (
            &vulns.insecure_renegotiation,
            RuleCode::InsecureRenegotiation,
        ),
        (&vulns.early_data, RuleCode::EarlyData),
    ] {
        if let Some(c) = check.as_ref().filter(|c| c.is_vulnerable()) {
            let detail = (!c.evidence.is_empty()).then(|| format!("({})", c.evidence));
            v.hit(code, detail);
        }
    }
    if ep.compression == Some(true) {
        v.hit(RuleCode::Crime, None);
    }
}

/// The warnings that turn A into A-.
fn warning_rules(v: &mut Verdicts, cx: &Ctx<'_>, hsts: Option<&Hsts>) {
    let protocols = cx.protocols;
    if !protocols.is_empty() && !protocols.contains(&ProtocolVersion::TLS13) {
        v.hit(RuleCode::NoTls13, None);
    }
    let pre13 = protocols.iter().any(|p| *p < ProtocolVersion::TLS13);
    if pre13 && cx.ep.secure_renegotiation == Some(false) {
        v.hit(RuleCode::NoSecureRenegotiation, None);
    }
    if let Some(h) = hsts {
        if !h.valid {
            v.hit(
                RuleCode::HstsInvalid,
                Some(format!("({})", h.problems.join("; "))),
            );
        } else if h.max_age == Some(0) {
            v.hit(RuleCode::HstsDisabled, None);
        } else if h.max_age.is_some_and(|a| a < MIN_MAX_AGE) {
            v.hit(
                RuleCode::HstsShort,
                h.max_age
                    .map(|a| format!("(max-age={a}, {} days)", a / 86_400)),
            );
        }
    }
}

/// The grade and the grade ignoring trust: the score's letter, lowered by
/// every cap but T/M; A- with warnings, A+ with none and a strong HSTS; then M,
/// else T, override.
fn letters(v: &Verdicts, total: u32, hsts: Option<&Hsts>) -> (Grade, Grade) {
    let mut letter_grade = letter(total);
    for cap in &v.caps {
        if !matches!(cap.grade, Grade::T | Grade::M) {
            letter_grade = letter_grade.worst(cap.grade);
        }
    }
    if letter_grade == Grade::A {
        let strong_hsts =
            hsts.is_some_and(|h| h.valid && h.max_age.is_some_and(|a| a >= MIN_MAX_AGE));
        if !v.warnings.is_empty() {
            letter_grade = Grade::AMinus;
        } else if strong_hsts {
            letter_grade = Grade::APlus;
        }
    }
    let grade = if v.caps.iter().any(|c| c.grade == Grade::M) {
        Grade::M
    } else if v.caps.iter().any(|c| c.grade == Grade::T) {
        Grade::T
    } else {
        letter_grade
    };
    (grade, letter_grade)
}

fn chain_caps(v: &mut Verdicts, c: &GradedChain) {
    let issues = &c.report.issues;
    let has = |i: ChainIssue| issues.contains(&i);
    if c.verdict.md5_signature {
        v.hit(RuleCode::Md5Signature, None);
    }
    if c.verdict.sha1_signature {
        v.hit(RuleCode::Sha1Signature, None);
    }
    let subject = c
        .report
        .certificates
        .first()
        .map(|r| format!("({})", r.subject));
    if has(ChainIssue::Expired) {
        let which = c
            .report
            .certificates
            .iter()
            .find(|r| r.issues.contains(&ChainIssue::Expired))
            .map(|r| format!("({} expired on {})", r.subject, r.not_after));
        v.hit(RuleCode::Expired, which);
    }
    if has(ChainIssue::NotYetValid) {
        v.hit(RuleCode::NotYetValid, None);
    }
    if has(ChainIssue::SelfSigned) {
        v.hit(RuleCode::SelfSigned, subject.clone());
    }
    if has(ChainIssue::UntrustedRoot) {
        v.hit(RuleCode::UntrustedRoot, None);
    }
    if has(ChainIssue::IncompleteChain) {
        let missing = c
            .report
            .missing_issuer
            .as_ref()
            .map(|m| format!("(missing: {m})"));
        if c.verdict.completed_by_aia {
            v.hit(RuleCode::IncompleteChainAia, None);
        } else {
            v.hit(RuleCode::IncompleteChain, missing);
        }
    }
    if has(ChainIssue::Revoked) {
        v.hit(RuleCode::Revoked, None);
    }
    if has(ChainIssue::InvalidConstraints) {
        let rule = c
            .report
            .findings
            .iter()
            .find(|f| crate::check::is_constraint_code(&f.code))
            .map(|f| format!("({})", f.reason));
        v.hit(RuleCode::InvalidConstraints, rule);
    }
    if has(ChainIssue::HostnameMismatch) {
        let sans = c.report.certificates.first().map(|r| {
            if r.san.is_empty() {
                format!(
                    "(it has no subjectAltName; browsers ignore its subject {}, RFC 9525)",
                    r.subject
                )
            } else {
                format!("(it is for: {})", r.san.join(", "))
            }
        });
        v.hit(RuleCode::HostnameMismatch, sans);
    }
}
