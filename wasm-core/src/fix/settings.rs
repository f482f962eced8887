//! The end state of a fix plan: what the server does now ([`Current`], read from
//! its report), the settings that meet the goal while keeping what already fits
//! ([`target`]), what goes away ([`removed`]), the certificate that no line can
//! fix ([`new_certificate`]) and the plain-words summary ([`describe`]).

use serde::{Deserialize, Serialize};

use super::{Change, FixGoal, Planned, Removed, TargetSettings};
use crate::compliance::{self, and_list, DeviationCode, HstsMeasured};
use crate::groups::GroupKind;
use crate::hsts::MIN_MAX_AGE;
use crate::policy::RuleCode;
use crate::profiles::{CertificateType, Profile, ProfileId};
use crate::report::{EndpointReport, Hsts};
use crate::suites::{Authentication, KeyExchange};
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The HSTS max-age a plan sets when the current one does not do: two years,
/// Mozilla's `hsts_min_age`, also well above the A+ minimum of 180 days.
pub(crate) const HSTS_MAX_AGE: u64 = 63_072_000;

/// The DH prime size a plan sets when DH parameters must change (RFC 7919
/// ffdhe2048), enough for every profile and for A+.
pub(crate) const DH_BITS: u32 = 2048;

/// The groups a plan falls back to: Mozilla's `tls_curves`.
const DEFAULT_GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

/// The key a new certificate should have.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateKey {
    /// ECDSA on P-256.
    EcdsaP256,
    /// RSA, 2048 bits.
    Rsa2048,
}

impl CertificateKey {
    /// `ecdsa-p256` or `rsa-2048`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateKey::EcdsaP256 => "ecdsa-p256",
            CertificateKey::Rsa2048 => "rsa-2048",
        }
    }
}

/// A certificate the server needs instead of its current one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCertificate {
    /// The key it should have (`null`: the key is fine, something else is not).
    pub key: Option<CertificateKey>,
    /// Why, with this server's specifics.
    pub reasons: Vec<String>,
}

/// What the server does now.
pub(crate) struct Current {
    pub protocols: Vec<ProtocolVersion>,
    /// TLS 1.0–1.2 suites over all those protocols, TLS 1.2's order first.
    pub suites: Vec<CipherSuite>,
    pub tls13: Vec<CipherSuite>,
    pub groups: Vec<NamedGroup>,
    /// `Some(true)` when the server picks under any protocol.
    pub server_order: Option<bool>,
    pub dh_bits: Option<u32>,
    pub hsts: Option<Hsts>,
    pub ocsp: bool,
    /// The leaf names an OCSP responder, so stapling is possible.
    pub ocsp_responder: bool,
}

impl Current {
    pub(crate) fn of(ep: &EndpointReport) -> Current {
        let mut suites = Vec::new();
        let mut tls13 = Vec::new();
        for (proto, list) in ep.cipher_suites.iter().rev() {
            let out = if *proto == ProtocolVersion::TLS13 {
                &mut tls13
            } else {
                &mut suites
            };
            for s in list {
                if !out.contains(s) {
                    out.push(*s);
                }
            }
        }
        let orders: Vec<bool> = ep.server_cipher_order.values().copied().collect();
        let server_order = if orders.contains(&true) {
            Some(true)
        } else {
            orders.first().copied()
        };
        Current {
            protocols: ep.protocols.clone(),
            suites,
            tls13,
            groups: ep.groups.clone(),
            server_order,
            dh_bits: ep.key_exchange.dh_bits,
            hsts: ep.hsts.clone(),
            ocsp: ep.ocsp_stapling,
            ocsp_responder: compliance::leaves(ep)
                .iter()
                .any(|l| !l.ocsp_urls.is_empty()),
        }
    }
}

fn planned_list<T: PartialEq + Clone>(value: Vec<T>, current: &[T]) -> Planned<Vec<T>> {
    let change = if value == current {
        Change::Keep
    } else if current.is_empty() {
        Change::Add
    } else {
        Change::Change
    };
    Planned { value, change }
}

/// A DHE suite of TLS 1.0–1.2.
pub(super) fn is_dhe(s: &CipherSuite) -> bool {
    s.info()
        .is_some_and(|i| i.kx == KeyExchange::Dhe && !i.tls13)
}

/// A suite that keeps the A+ grade: (EC)DHE, RSA or ECDSA authentication,
/// AEAD, at least 128 bits.
fn strong(s: &CipherSuite) -> bool {
    s.info().is_some_and(|i| {
        matches!(i.kx, KeyExchange::Ecdhe | KeyExchange::Dhe)
            && matches!(i.auth, Authentication::Rsa | Authentication::Ecdsa)
            && i.aead()
            && i.bits >= 128
            && !i.export
    })
}

/// A group that keeps the A+ grade: known, at least 2048 RSA-equivalent bits.
fn strong_group(g: &NamedGroup) -> bool {
    g.info()
        .is_some_and(|i| i.kind != GroupKind::Other && i.rsa_equivalent_bits >= 2048)
}

/// The settings that meet `goal`, keeping what the server already does right.
pub(crate) fn target(cur: &Current, goal: FixGoal) -> TargetSettings {
    let profile = match goal {
        FixGoal::Profile(p) => Some(p.profile()),
        FixGoal::APlus => None,
    };
    let protocols: Vec<ProtocolVersion> = match profile {
        Some(p) => p.tls_versions.to_vec(),
        None if cur.protocols.iter().any(|p| *p < ProtocolVersion::TLS13)
            || cur.protocols.is_empty() =>
        {
            vec![ProtocolVersion::TLS12, ProtocolVersion::TLS13]
        }
        None => vec![ProtocolVersion::TLS13],
    };
    let mut sorted_now = cur.protocols.clone();
    sorted_now.sort();
    let protocols = Planned {
        change: if sorted_now == protocols {
            Change::Keep
        } else {
            Change::Change
        },
        value: protocols,
    };
    let legacy = protocols.value.iter().any(|p| *p < ProtocolVersion::TLS13);
    let cipher_suites = planned_list(
        if legacy {
            keep_or(
                &cur.suites,
                |s| allowed_suite(profile, s),
                default_suites(profile),
            )
        } else {
            Vec::new()
        },
        &cur.suites,
    );
    let tls13_cipher_suites = planned_list(
        if protocols.value.contains(&ProtocolVersion::TLS13) {
            keep_or(
                &cur.tls13,
                |s| profile.is_none_or(|p| p.tls13_suite_codes().contains(s)),
                default_tls13(profile),
            )
        } else {
            Vec::new()
        },
        &cur.tls13,
    );
    let groups = planned_list(target_groups(cur, profile), &cur.groups);
    let server_cipher_order = match profile {
        Some(p) => Planned {
            value: p.server_preferred_order,
            change: match cur.server_order {
                Some(now) if now != p.server_preferred_order => Change::Change,
                _ => Change::Keep,
            },
        },
        None => Planned {
            value: cur.server_order.unwrap_or(false),
            change: Change::Keep,
        },
    };
    let dh_param_bits = target_dh(cur, profile, &cipher_suites.value);
    TargetSettings {
        protocols,
        cipher_suites,
        tls13_cipher_suites,
        groups,
        server_cipher_order,
        dh_param_bits,
        hsts: target_hsts(cur, profile),
        ocsp_stapling: target_ocsp(cur, profile),
    }
}

/// The current items that pass `keep`, in their order; the fallback when none do.
fn keep_or<T: Copy>(current: &[T], keep: impl Fn(&T) -> bool, fallback: Vec<T>) -> Vec<T> {
    let kept: Vec<T> = current.iter().copied().filter(|x| keep(x)).collect();
    if kept.is_empty() {
        fallback
    } else {
        kept
    }
}

fn allowed_suite(profile: Option<&Profile>, s: &CipherSuite) -> bool {
    match profile {
        Some(p) => p.suite_codes().contains(s),
        None => strong(s),
    }
}

/// The goal's own TLS 1.0–1.2 list: the profile's, or for A+ Mozilla
/// intermediate's ECDHE suites.
fn default_suites(profile: Option<&Profile>) -> Vec<CipherSuite> {
    match profile {
        Some(p) => p.suite_codes(),
        None => ProfileId::MozillaIntermediate
            .profile()
            .suite_codes()
            .into_iter()
            .filter(|s| s.info().is_some_and(|i| i.kx == KeyExchange::Ecdhe))
            .collect(),
    }
}

fn default_tls13(profile: Option<&Profile>) -> Vec<CipherSuite> {
    profile
        .unwrap_or(ProfileId::MozillaIntermediate.profile())
        .tls13_suite_codes()
}

fn target_groups(cur: &Current, profile: Option<&Profile>) -> Vec<NamedGroup> {
    match profile {
        Some(p) => {
            let mut out: Vec<NamedGroup> = cur
                .groups
                .iter()
                .copied()
                .filter(|g| p.allows_group(*g))
                .collect();
            for g in p.group_codes() {
                if !out.contains(&g) {
                    out.push(g);
                }
            }
            out
        }
        None => keep_or(&cur.groups, strong_group, DEFAULT_GROUPS.to_vec()),
    }
}

fn target_dh(
    cur: &Current,
    profile: Option<&Profile>,
    suites: &[CipherSuite],
) -> Planned<Option<u32>> {
    let keep = |value| Planned {
        value,
        change: Change::Keep,
    };
    let dhe_now = cur.suites.iter().any(is_dhe);
    if !suites.iter().any(is_dhe) || !dhe_now {
        // No DHE in the end state, or the server does no DHE today (then the
        // list's DHE suites stay off until DH parameters are configured).
        return keep(None);
    }
    let min = profile
        .map_or(Some(DH_BITS), |p| p.dh_param_size)
        .unwrap_or(DH_BITS);
    match cur.dh_bits {
        Some(bits) if bits >= min => keep(Some(bits)),
        _ => Planned {
            value: Some(DH_BITS),
            change: Change::Change,
        },
    }
}

fn target_hsts(cur: &Current, profile: Option<&Profile>) -> Planned<String> {
    let min = profile.map_or(MIN_MAX_AGE, |p| p.hsts_min_age);
    match &cur.hsts {
        Some(h) if h.valid && h.max_age.is_some_and(|a| a >= min) => Planned {
            value: h.raw.trim().to_owned(),
            change: Change::Keep,
        },
        other => {
            let mut value = format!("max-age={HSTS_MAX_AGE}");
            if let Some(h) = other.as_ref().filter(|h| h.valid) {
                if h.include_subdomains {
                    value.push_str("; includeSubDomains");
                }
                if h.preload {
                    value.push_str("; preload");
                }
            }
            Planned {
                value,
                change: if other.is_some() {
                    Change::Change
                } else {
                    Change::Add
                },
            }
        }
    }
}

fn target_ocsp(cur: &Current, profile: Option<&Profile>) -> Planned<bool> {
    let wanted = profile.is_none_or(|p| p.ocsp_staple);
    let value = cur.ocsp || (wanted && cur.ocsp_responder);
    Planned {
        value,
        change: if value == cur.ocsp {
            Change::Keep
        } else {
            Change::Add
        },
    }
}

/// What the end state takes away.
pub(crate) fn removed(cur: &Current, s: &TargetSettings) -> Removed {
    fn minus<T: PartialEq + Copy>(now: &[T], then: &[T]) -> Vec<T> {
        now.iter().copied().filter(|x| !then.contains(x)).collect()
    }
    let legacy = s
        .protocols
        .value
        .iter()
        .any(|p| *p < ProtocolVersion::TLS13);
    Removed {
        protocols: minus(&cur.protocols, &s.protocols.value),
        // With TLS 1.0–1.2 gone their suites go too: no separate list.
        cipher_suites: if legacy {
            minus(&cur.suites, &s.cipher_suites.value)
        } else {
            Vec::new()
        },
        tls13_cipher_suites: if s.tls13_cipher_suites.value.is_empty() {
            Vec::new()
        } else {
            minus(&cur.tls13, &s.tls13_cipher_suites.value)
        },
        groups: minus(&cur.groups, &s.groups.value),
    }
}

/// The certificate no configuration line can fix, when there is one.
pub(crate) fn new_certificate(ep: &EndpointReport, goal: FixGoal) -> Option<NewCertificate> {
    match goal {
        FixGoal::Profile(id) => {
            let p = id.profile();
            let c = compliance::check_report(ep, p, HstsMeasured::Yes);
            let reasons: Vec<String> = c
                .deviations
                .iter()
                .filter(|d| {
                    matches!(
                        d.code,
                        DeviationCode::CertificateTypeNotAllowed
                            | DeviationCode::CertificateCurveNotAllowed
                            | DeviationCode::RsaKeyTooSmall
                            | DeviationCode::CertificateSignatureNotAllowed
                            | DeviationCode::CertificateLifespanTooLong
                    )
                })
                .map(|d| d.reason.clone())
                .collect();
            let key_issue = c.deviations.iter().any(|d| {
                matches!(
                    d.code,
                    DeviationCode::CertificateTypeNotAllowed
                        | DeviationCode::CertificateCurveNotAllowed
                        | DeviationCode::RsaKeyTooSmall
                )
            });
            let key = key_issue.then(|| {
                if p.certificate_types.contains(&CertificateType::Ecdsa) {
                    CertificateKey::EcdsaP256
                } else {
                    CertificateKey::Rsa2048
                }
            });
            (!reasons.is_empty()).then_some(NewCertificate { key, reasons })
        }
        FixGoal::APlus => {
            let reasons: Vec<String> = compliance::leaves(ep)
                .iter()
                .filter(|l| l.key.rsa_equivalent_bits < 2048)
                .map(|l| {
                    format!(
                        "The key of {} ({} {} bits) is weaker than 2048 RSA-equivalent bits.",
                        l.subject, l.key.kind, l.key.bits
                    )
                })
                .collect();
            (!reasons.is_empty()).then_some(NewCertificate {
                key: Some(CertificateKey::EcdsaP256),
                reasons,
            })
        }
    }
}

/// Whether the settings of an A+ plan take care of a rule (else the rule's own
/// fix goes into the notes).
fn handled_by_settings(code: RuleCode) -> bool {
    use RuleCode::*;
    matches!(
        code,
        Sslv2
            | Sslv3Offered
            | Tls10Offered
            | Tls11Offered
            | Rc4Offered
            | Rc4Modern
            | Block64Modern
            | NoForwardSecrecy
            | NoAead
            | ExportSuites
            | WeakCipher
            | ZeroScore
            | NoCipherSuites
            | NoTls13
            | HstsInvalid
            | HstsDisabled
            | HstsShort
            | NoBrowserCompatible
            | WeakKey
            | KeyUnder1024
    )
}

/// Notes for what lines cannot do. For A+: every cap and warning the settings
/// do not take care of, with the policy's fix.
pub(crate) fn notes(ep: &EndpointReport, goal: FixGoal) -> Vec<String> {
    let mut out = Vec::new();
    if goal == FixGoal::APlus {
        let rules = ep
            .caps
            .iter()
            .map(|c| (c.code, &c.reason, &c.fix))
            .chain(ep.warnings.iter().map(|w| (w.code, &w.reason, &w.fix)));
        for (code, reason, fix) in rules {
            // `poodle` is SSLv3 with CBC, which the protocol line removes;
            // POODLE over TLS is its own rule (`poodle_tls`), fixed by an
            // update, so its fix is a note.
            let old_library = matches!(code, RuleCode::Sslv3Best | RuleCode::NoTls12);
            if !handled_by_settings(code) && code != RuleCode::Poodle || old_library {
                out.push(format!("{reason} {fix}"));
            }
        }
    }
    out
}

/// The changes in plain words (empty when there is nothing to change).
pub(crate) fn describe(
    s: &TargetSettings,
    r: &Removed,
    cert: Option<&NewCertificate>,
) -> Vec<String> {
    let mut out = Vec::new();
    if s.protocols.change != Change::Keep {
        let mut text = format!("Offer exactly {}", and_list(&s.protocols.value));
        if !r.protocols.is_empty() {
            text.push_str(&format!(" (stop offering {})", and_list(&r.protocols)));
        }
        out.push(format!("{text}."));
    }
    if !r.cipher_suites.is_empty() {
        out.push(format!(
            "Remove {} cipher suite{}: {}.",
            r.cipher_suites.len(),
            if r.cipher_suites.len() == 1 { "" } else { "s" },
            and_list(&r.cipher_suites)
        ));
    } else if s.cipher_suites.change == Change::Add && !s.cipher_suites.value.is_empty() {
        out.push("Offer the goal's TLS 1.2 cipher suites.".to_owned());
    }
    if !r.tls13_cipher_suites.is_empty() {
        out.push(format!(
            "Remove TLS 1.3 suites: {}.",
            and_list(&r.tls13_cipher_suites)
        ));
    }
    if s.groups.change != Change::Keep {
        out.push(format!(
            "Accept exactly these key-exchange groups: {}{}.",
            and_list(&s.groups.value),
            if r.groups.is_empty() {
                String::new()
            } else {
                format!(" (drop {})", and_list(&r.groups))
            }
        ));
    }
    if s.server_cipher_order.change != Change::Keep {
        out.push(if s.server_cipher_order.value {
            "Let the server choose the cipher suite.".to_owned()
        } else {
            "Let the client choose the cipher suite.".to_owned()
        });
    }
    if s.dh_param_bits.change != Change::Keep {
        out.push(format!(
            "Use {}-bit DH parameters (RFC 7919 ffdhe2048) for the DHE suites.",
            s.dh_param_bits.value.unwrap_or(DH_BITS)
        ));
    }
    if s.hsts.change != Change::Keep {
        out.push(format!("Send Strict-Transport-Security: {}.", s.hsts.value));
    }
    if s.ocsp_stapling.change != Change::Keep {
        out.push("Staple OCSP responses.".to_owned());
    }
    if let Some(c) = cert {
        out.push(format!(
            "Get a new certificate{}.",
            c.key
                .map(|k| format!(" with an {} key", k.as_str()))
                .unwrap_or_default()
        ));
    }
    out
}
