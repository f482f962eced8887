//! Compliance with a Mozilla server-side TLS profile ([`crate::profiles`]): one
//! [`Deviation`] per difference between what an endpoint does and what the
//! profile says, each with a stable [`DeviationCode`], a reason naming this
//! server's specifics and a fix in nginx, Apache and Caddy terms.
//!
//! What is judged (the rules are in `docs/profiles.md`):
//! - protocols: exactly the profile's `tls_versions` (one deviation per version
//!   offered that it omits, and per version it lists that is not offered);
//! - suites: every suite offered under a protocol the profile allows must be in
//!   its lists (TLS 1.3 and TLS 1.0–1.2 apart); suites only offered under a
//!   forbidden protocol go with that protocol;
//! - groups: only the profile's `tls_curves` (a post-quantum hybrid counts as its
//!   classical half), and all of them;
//! - the leaf certificate(s): key type (at least one leaf of an allowed type),
//!   curve, RSA size, signature algorithm (at least one leaf), lifetime;
//! - DH size, cipher preference, HSTS max-age, OCSP stapling.
//!
//! What the facts do not show (no HTTPS request, no chain, DHE without a measured
//! prime) is listed as [`Unchecked`], and a result with unchecked parts is not
//! `compliant`: a CI gate must not pass on missing data.

use serde::{Deserialize, Serialize};

use crate::cert::{CertReport, CertRole};
use crate::facts::EndpointFacts;
use crate::fix::lines;
use crate::profiles::{CertificateType, Profile, ProfileId, GUIDELINES_VERSION};
use crate::report::EndpointReport;
use crate::suites::KeyExchange;
use crate::time::{parse_rfc3339, DAY};
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// Generates a code enum with `ALL`, `as_str`, `parse`, and serde as the string.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $name {
            $($(#[$doc])* $variant,)+
        }

        impl $name {
            /// Every code, in the order they are listed.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Reads the stable spelling back.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!(concat!("unknown ", stringify!($name), " {:?}"), s))
                })
            }
        }
    };
}

codes! {
    /// What differs from the profile (`compliance.deviations[].code`).
    DeviationCode {
        /// A protocol version is offered that the profile does not list.
        ProtocolNotAllowed = "protocol_not_allowed",
        /// A protocol version the profile lists is not offered.
        ProtocolMissing = "protocol_missing",
        /// TLS 1.0–1.2 suites outside the profile are offered.
        CipherSuitesNotAllowed = "cipher_suites_not_allowed",
        /// TLS 1.3 suites outside the profile are offered.
        Tls13SuitesNotAllowed = "tls13_suites_not_allowed",
        /// Key-exchange groups outside the profile are accepted.
        GroupsNotAllowed = "groups_not_allowed",
        /// Key-exchange groups of the profile are not accepted.
        GroupsMissing = "groups_missing",
        /// No leaf certificate has a key type the profile lists.
        CertificateTypeNotAllowed = "certificate_type_not_allowed",
        /// An ECDSA leaf key is on a curve the profile does not list.
        CertificateCurveNotAllowed = "certificate_curve_not_allowed",
        /// An RSA leaf key is smaller than the profile's `rsa_key_size`.
        RsaKeyTooSmall = "rsa_key_too_small",
        /// No leaf certificate is signed with an algorithm the profile lists.
        CertificateSignatureNotAllowed = "certificate_signature_not_allowed",
        /// A leaf certificate is valid for longer than the profile allows.
        CertificateLifespanTooLong = "certificate_lifespan_too_long",
        /// The DHE prime is smaller than the profile's `dh_param_size`.
        DhParamTooSmall = "dh_param_too_small",
        /// The server picks the suite where the profile lets the client choose.
        ServerOrderEnforced = "server_order_enforced",
        /// The client picks the suite where the profile wants the server's order.
        ServerOrderMissing = "server_order_missing",
        /// No `Strict-Transport-Security` header.
        HstsMissing = "hsts_missing",
        /// The header is malformed, so browsers ignore it.
        HstsInvalid = "hsts_invalid",
        /// `max-age` is under the profile's `hsts_min_age`.
        HstsTooShort = "hsts_too_short",
        /// The certificate names an OCSP responder but no response is stapled.
        OcspStaplingOff = "ocsp_stapling_off",
    }
}

codes! {
    /// What could not be judged for lack of facts (`compliance.unchecked[].check`).
    CheckArea {
        /// The endpoint could not be scanned at all.
        Endpoint = "endpoint",
        /// No certificate chain was captured.
        Certificate = "certificate",
        /// ECDHE or TLS 1.3 is offered but no group was recorded.
        Groups = "groups",
        /// DHE suites are offered but the prime size was not recorded.
        DhParameters = "dh_parameters",
        /// No HTTPS response was read, so HSTS is unknown.
        Hsts = "hsts",
    }
}

/// One difference from the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    pub code: DeviationCode,
    /// What this server does, and what the profile says.
    pub reason: String,
    /// What to change, in nginx, Apache and Caddy terms.
    pub fix: String,
}

/// A part of the profile that could not be checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unchecked {
    pub check: CheckArea,
    pub reason: String,
}

/// One endpoint compared with one profile (`endpoints[].compliance`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    pub profile: ProfileId,
    /// The Mozilla guidelines version the profile comes from.
    pub guidelines_version: String,
    /// No deviation and nothing unchecked.
    pub compliant: bool,
    pub deviations: Vec<Deviation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<Unchecked>,
}

/// A deviation over the endpoints that share it (same code and reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDeviation {
    pub code: DeviationCode,
    pub reason: String,
    pub fix: String,
    /// The endpoints (IPs) with this deviation, in report order.
    pub ips: Vec<String>,
}

/// An unchecked part over the endpoints that share it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetUnchecked {
    pub check: CheckArea,
    pub reason: String,
    pub ips: Vec<String>,
}

/// The target's compliance (the report's top-level `compliance`): compliant
/// when every endpoint is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetCompliance {
    pub profile: ProfileId,
    pub guidelines_version: String,
    pub compliant: bool,
    pub deviations: Vec<TargetDeviation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<TargetUnchecked>,
}

/// Whether HSTS was measured (the report alone cannot tell an absent header
/// from a request that was never made).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HstsMeasured {
    /// A response was read: `hsts: null` means the header is absent.
    Yes,
    /// No response: HSTS is unknown (the reason is given).
    No(&'static str),
}

impl HstsMeasured {
    /// What the facts say about the HTTPS request.
    pub fn of(facts: &EndpointFacts) -> HstsMeasured {
        match &facts.http {
            None => HstsMeasured::No("no HTTPS request was made, so HSTS was not measured"),
            Some(h) if h.hsts.is_none() && h.error.is_some() => {
                HstsMeasured::No("the HTTPS request failed, so HSTS is unknown")
            }
            Some(_) => HstsMeasured::Yes,
        }
    }
}

/// Compares one graded endpoint (and the facts it was graded from) with a
/// profile.
pub fn check(facts: &EndpointFacts, ep: &EndpointReport, profile: &Profile) -> Compliance {
    check_report(ep, profile, HstsMeasured::of(facts))
}

/// [`check`] from the report alone, given whether HSTS was measured.
pub fn check_report(ep: &EndpointReport, profile: &Profile, hsts: HstsMeasured) -> Compliance {
    let mut c = Checker {
        p: profile,
        name: profile.id.as_str(),
        deviations: Vec::new(),
        unchecked: Vec::new(),
    };
    if let Some(e) = &ep.error {
        c.unchecked.push(Unchecked {
            check: CheckArea::Endpoint,
            reason: format!("the endpoint could not be scanned ({})", e.message),
        });
    } else {
        c.protocols(ep);
        c.suites(ep);
        c.groups(ep);
        c.certificates(ep);
        c.dh(ep);
        c.order(ep);
        c.hsts(ep, hsts);
        c.ocsp(ep);
    }
    Compliance {
        profile: profile.id,
        guidelines_version: GUIDELINES_VERSION.to_owned(),
        compliant: c.deviations.is_empty() && c.unchecked.is_empty(),
        deviations: c.deviations,
        unchecked: c.unchecked,
    }
}

/// The target-level summary over the endpoints' `compliance`; `None` when no
/// endpoint has one.
pub fn summarise(endpoints: &[EndpointReport]) -> Option<TargetCompliance> {
    let first = endpoints.iter().find_map(|e| e.compliance.as_ref())?;
    let mut out = TargetCompliance {
        profile: first.profile,
        guidelines_version: first.guidelines_version.clone(),
        compliant: true,
        deviations: Vec::new(),
        unchecked: Vec::new(),
    };
    for ep in endpoints {
        let Some(c) = &ep.compliance else { continue };
        out.compliant &= c.compliant;
        for d in &c.deviations {
            match out
                .deviations
                .iter_mut()
                .find(|t| t.code == d.code && t.reason == d.reason)
            {
                Some(t) => t.ips.push(ep.ip.clone()),
                None => out.deviations.push(TargetDeviation {
                    code: d.code,
                    reason: d.reason.clone(),
                    fix: d.fix.clone(),
                    ips: vec![ep.ip.clone()],
                }),
            }
        }
        for u in &c.unchecked {
            match out
                .unchecked
                .iter_mut()
                .find(|t| t.check == u.check && t.reason == u.reason)
            {
                Some(t) => t.ips.push(ep.ip.clone()),
                None => out.unchecked.push(TargetUnchecked {
                    check: u.check,
                    reason: u.reason.clone(),
                    ips: vec![ep.ip.clone()],
                }),
            }
        }
    }
    Some(out)
}

/// "A, B and C".
pub(crate) fn and_list<T: ToString>(items: &[T]) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The leaf certificates: of the primary chain and of the other chains.
pub(crate) fn leaves(ep: &EndpointReport) -> Vec<&CertReport> {
    ep.chain
        .iter()
        .chain(ep.other_chains.iter())
        .filter_map(|c| {
            c.certificates
                .iter()
                .find(|r| r.role == CertRole::Leaf)
                .or_else(|| c.certificates.first())
        })
        .collect()
}

/// Whole days between a certificate's notBefore and notAfter.
pub(crate) fn lifespan_days(c: &CertReport) -> Option<i64> {
    let from = parse_rfc3339(&c.not_before)?;
    let until = parse_rfc3339(&c.not_after)?;
    Some((until - from).div_euclid(DAY))
}

/// The curve of an ECDSA key as a named group (`P-256` → secp256r1).
pub(crate) fn key_curve(c: &CertReport) -> Option<NamedGroup> {
    c.key.curve.as_deref().and_then(NamedGroup::parse)
}

/// Offered suites under the protocols the profile allows, TLS 1.0–1.2 and TLS
/// 1.3 apart, each in first-seen order without repeats.
fn offered_suites(ep: &EndpointReport, p: &Profile) -> (Vec<CipherSuite>, Vec<CipherSuite>) {
    let (mut legacy, mut tls13) = (Vec::new(), Vec::new());
    for (proto, list) in ep.cipher_suites.iter().rev() {
        if !p.allows_protocol(*proto) {
            continue;
        }
        let out = if *proto == ProtocolVersion::TLS13 {
            &mut tls13
        } else {
            &mut legacy
        };
        for s in list {
            if !out.contains(s) {
                out.push(*s);
            }
        }
    }
    (legacy, tls13)
}

fn openssl_names(suites: &[CipherSuite]) -> Vec<String> {
    suites
        .iter()
        .map(|s| {
            s.info()
                .and_then(|i| i.openssl_name)
                .map_or_else(|| s.to_string(), str::to_owned)
        })
        .collect()
}

struct Checker<'p> {
    p: &'p Profile,
    name: &'static str,
    deviations: Vec<Deviation>,
    unchecked: Vec<Unchecked>,
}

impl Checker<'_> {
    fn push(&mut self, code: DeviationCode, reason: String, fix: String) {
        self.deviations.push(Deviation { code, reason, fix });
    }

    fn protocols(&mut self, ep: &EndpointReport) {
        let allowed = self.p.tls_versions;
        let fix = format!(
            "Offer exactly {}: {}.",
            and_list(allowed),
            lines::protocols_all(allowed)
        );
        for v in ep.protocols.iter().filter(|v| !allowed.contains(v)) {
            self.push(
                DeviationCode::ProtocolNotAllowed,
                format!(
                    "{v} is offered; {} allows only {}.",
                    self.name,
                    and_list(allowed)
                ),
                fix.clone(),
            );
        }
        for v in allowed.iter().filter(|v| !ep.protocols.contains(v)) {
            self.push(
                DeviationCode::ProtocolMissing,
                format!(
                    "{v} is not offered; {} needs {} for its oldest clients ({}).",
                    self.name,
                    and_list(allowed),
                    self.p.oldest_clients.join(", ")
                ),
                fix.clone(),
            );
        }
    }

    fn suites(&mut self, ep: &EndpointReport) {
        let (legacy, tls13) = offered_suites(ep, self.p);
        let allowed = self.p.suite_codes();
        let extra: Vec<CipherSuite> = legacy
            .iter()
            .copied()
            .filter(|s| !allowed.contains(s))
            .collect();
        if !extra.is_empty() {
            let names = openssl_names(&extra);
            let kept: Vec<CipherSuite> = legacy
                .iter()
                .copied()
                .filter(|s| allowed.contains(s))
                .collect();
            let keep = if kept.is_empty() {
                allowed.clone()
            } else {
                kept
            };
            self.push(
                DeviationCode::CipherSuitesNotAllowed,
                format!(
                    "{} suite{} outside {} {} offered: {}.",
                    extra.len(),
                    if extra.len() == 1 { "" } else { "s" },
                    self.name,
                    if extra.len() == 1 { "is" } else { "are" },
                    names.join(", ")
                ),
                format!("Remove {}: {}.", names.join(", "), lines::suites_all(&keep)),
            );
        }
        let allowed13 = self.p.tls13_suite_codes();
        let extra13: Vec<CipherSuite> = tls13
            .into_iter()
            .filter(|s| !allowed13.contains(s))
            .collect();
        if !extra13.is_empty() {
            self.push(
                DeviationCode::Tls13SuitesNotAllowed,
                format!(
                    "TLS 1.3 suites outside {} are offered: {}.",
                    self.name,
                    and_list(&extra13)
                ),
                format!(
                    "Offer only {}: {}.",
                    and_list(&allowed13),
                    lines::tls13_suites_all(&allowed13)
                ),
            );
        }
    }

    fn groups(&mut self, ep: &EndpointReport) {
        let kx_needed = ep.protocols.contains(&ProtocolVersion::TLS13)
            || ep.cipher_suites.values().flatten().any(|s| {
                s.info()
                    .is_some_and(|i| i.kx == KeyExchange::Ecdhe && !i.tls13)
            });
        if ep.groups.is_empty() && kx_needed {
            self.unchecked.push(Unchecked {
                check: CheckArea::Groups,
                reason: "ECDHE is offered but the accepted groups were not recorded".into(),
            });
            return;
        }
        let wanted = self.p.group_codes();
        let fix = format!(
            "Accept exactly {}: {}.",
            and_list(self.p.tls_curves),
            lines::groups_all(&wanted)
        );
        let extra: Vec<NamedGroup> = ep
            .groups
            .iter()
            .copied()
            .filter(|g| !self.p.allows_group(*g))
            .collect();
        if !extra.is_empty() {
            self.push(
                DeviationCode::GroupsNotAllowed,
                format!(
                    "Key-exchange groups outside {} are accepted: {}.",
                    self.name,
                    and_list(&extra)
                ),
                fix.clone(),
            );
        }
        let missing: Vec<NamedGroup> = wanted
            .into_iter()
            .filter(|g| !ep.groups.contains(g))
            .collect();
        if !missing.is_empty() {
            self.push(
                DeviationCode::GroupsMissing,
                format!(
                    "{} {} not accepted; {} wants {}.",
                    and_list(&missing),
                    if missing.len() == 1 { "is" } else { "are" },
                    self.name,
                    and_list(self.p.tls_curves)
                ),
                fix,
            );
        }
    }

    fn certificates(&mut self, ep: &EndpointReport) {
        let leaves = leaves(ep);
        if leaves.is_empty() {
            self.unchecked.push(Unchecked {
                check: CheckArea::Certificate,
                reason: "no certificate chain was captured".into(),
            });
            return;
        }
        self.certificate_type(&leaves);
        for leaf in &leaves {
            self.certificate_key(leaf);
        }
        self.signature(&leaves);
        for leaf in &leaves {
            self.lifespan(leaf);
        }
    }

    fn certificate_type(&mut self, leaves: &[&CertReport]) {
        let allowed = self.p.certificate_types;
        if leaves.iter().any(|l| {
            CertificateType::of_key_kind(&l.key.kind).is_some_and(|t| allowed.contains(&t))
        }) {
            return;
        }
        let have: Vec<String> = leaves
            .iter()
            .map(|l| format!("{} {} bits ({})", l.key.kind, l.key.bits, l.subject))
            .collect();
        let want: Vec<&str> = allowed.iter().map(|t| t.as_str()).collect();
        self.push(
            DeviationCode::CertificateTypeNotAllowed,
            format!(
                "The certificate key is {}; {} wants {}.",
                and_list(&have),
                self.name,
                and_list(&want)
            ),
            lines::new_certificate_fix(self.p),
        );
    }

    fn certificate_key(&mut self, leaf: &CertReport) {
        match CertificateType::of_key_kind(&leaf.key.kind) {
            Some(CertificateType::Ecdsa)
                if self.p.certificate_types.contains(&CertificateType::Ecdsa) =>
            {
                let ok =
                    key_curve(leaf).is_some_and(|c| self.p.certificate_curve_codes().contains(&c));
                if !ok {
                    self.push(
                        DeviationCode::CertificateCurveNotAllowed,
                        format!(
                            "The ECDSA key of {} is on {}; {} wants {}.",
                            leaf.subject,
                            leaf.key.curve.as_deref().unwrap_or("an unknown curve"),
                            self.name,
                            and_list(self.p.certificate_curves)
                        ),
                        lines::new_certificate_fix(self.p),
                    );
                }
            }
            Some(CertificateType::Rsa)
                if self.p.certificate_types.contains(&CertificateType::Rsa) =>
            {
                if let Some(min) = self.p.rsa_key_size.filter(|m| leaf.key.bits < *m) {
                    self.push(
                        DeviationCode::RsaKeyTooSmall,
                        format!(
                            "The RSA key of {} has {} bits; {} wants at least {min}.",
                            leaf.subject, leaf.key.bits, self.name
                        ),
                        lines::new_certificate_fix(self.p),
                    );
                }
            }
            _ => {}
        }
    }

    fn signature(&mut self, leaves: &[&CertReport]) {
        let allowed = self.p.certificate_signatures;
        if leaves
            .iter()
            .any(|l| allowed.contains(&l.signature_algorithm.as_str()))
        {
            return;
        }
        let have: Vec<String> = leaves
            .iter()
            .map(|l| format!("{} ({})", l.signature_algorithm, l.subject))
            .collect();
        self.push(
            DeviationCode::CertificateSignatureNotAllowed,
            format!(
                "The certificate is signed with {}; {} wants {}.",
                and_list(&have),
                self.name,
                and_list(allowed)
            ),
            format!(
                "The signature is chosen by the issuing CA: get a certificate from a CA (or \
                 intermediate) that signs with {}. {}",
                and_list(allowed),
                lines::new_certificate_fix(self.p)
            ),
        );
    }

    fn lifespan(&mut self, leaf: &CertReport) {
        let max = i64::from(self.p.maximum_certificate_lifespan);
        let Some(days) = lifespan_days(leaf).filter(|d| *d > max) else {
            return;
        };
        self.push(
            DeviationCode::CertificateLifespanTooLong,
            format!(
                "{} is valid for {days} days ({} to {}); {} allows at most {max} days ({} recommended).",
                leaf.subject,
                leaf.not_before,
                leaf.not_after,
                self.name,
                self.p.recommended_certificate_lifespan
            ),
            format!(
                "Use certificates valid for at most {max} days; an ACME CA (Let's Encrypt: \
                 certbot, or Caddy's automatic HTTPS) issues {}-day certificates and renews them \
                 automatically.",
                self.p.recommended_certificate_lifespan
            ),
        );
    }

    fn dh(&mut self, ep: &EndpointReport) {
        let (legacy, _) = offered_suites(ep, self.p);
        let dhe = legacy
            .iter()
            .any(|s| s.info().is_some_and(|i| i.kx == KeyExchange::Dhe));
        let Some(min) = self.p.dh_param_size.filter(|_| dhe) else {
            return;
        };
        match ep.key_exchange.dh_bits {
            None => self.unchecked.push(Unchecked {
                check: CheckArea::DhParameters,
                reason: "DHE suites are offered but the DH prime size was not recorded".into(),
            }),
            Some(bits) if bits < min => self.push(
                DeviationCode::DhParamTooSmall,
                format!(
                    "The DHE suites use a {bits}-bit prime; {} wants at least {min} bits.",
                    self.name
                ),
                format!(
                    "Use the RFC 7919 ffdhe2048 group: {}.",
                    lines::dhparam_all()
                ),
            ),
            Some(_) => {}
        }
    }

    fn order(&mut self, ep: &EndpointReport) {
        let want_server = self.p.server_preferred_order;
        // The server's order matters for the old profile under TLS 1.0–1.2
        // (old clients, weak suites); "client chooses" is judged everywhere.
        let wrong: Vec<ProtocolVersion> = ep
            .server_cipher_order
            .iter()
            .filter(|(p, _)| self.p.allows_protocol(**p))
            .filter(|(p, _)| !want_server || **p < ProtocolVersion::TLS13)
            .filter(|(_, server)| **server != want_server)
            .map(|(p, _)| *p)
            .collect();
        if wrong.is_empty() {
            return;
        }
        let fix = format!(
            "{}: {}.",
            if want_server {
                "Let the server choose"
            } else {
                "Let the client choose"
            },
            lines::server_order_all(want_server)
        );
        if want_server {
            self.push(
                DeviationCode::ServerOrderMissing,
                format!(
                    "The client picks the cipher suite under {}; {} wants the server's order, so \
                     that old clients get the strongest suite they support.",
                    and_list(&wrong),
                    self.name
                ),
                fix,
            );
        } else {
            self.push(
                DeviationCode::ServerOrderEnforced,
                format!(
                    "The server picks the cipher suite under {}; {} lets the client choose (every \
                     suite it allows is strong, and clients know which one is fastest for them).",
                    and_list(&wrong),
                    self.name
                ),
                fix,
            );
        }
    }

    fn hsts(&mut self, ep: &EndpointReport, measured: HstsMeasured) {
        let min = self.p.hsts_min_age;
        let fix = format!(
            "Send it on every HTTPS response: {}.",
            lines::hsts_all(&format!("max-age={min}"))
        );
        match (&ep.hsts, measured) {
            (None, HstsMeasured::No(why)) => self.unchecked.push(Unchecked {
                check: CheckArea::Hsts,
                reason: why.to_owned(),
            }),
            (None, HstsMeasured::Yes) => self.push(
                DeviationCode::HstsMissing,
                format!(
                    "No Strict-Transport-Security header is sent; {} wants max-age of at least {min} ({} days).",
                    self.name,
                    min / 86_400
                ),
                fix,
            ),
            (Some(h), _) if !h.valid => self.push(
                DeviationCode::HstsInvalid,
                format!(
                    "The Strict-Transport-Security header is invalid ({}), so browsers ignore it.",
                    h.problems.join("; ")
                ),
                fix,
            ),
            (Some(h), _) if h.max_age.unwrap_or(0) < min => {
                let age = h.max_age.unwrap_or(0);
                self.push(
                    DeviationCode::HstsTooShort,
                    format!(
                        "HSTS max-age is {age} ({} days); {} wants at least {min} ({} days).",
                        age / 86_400,
                        self.name,
                        min / 86_400
                    ),
                    fix,
                );
            }
            _ => {}
        }
    }

    fn ocsp(&mut self, ep: &EndpointReport) {
        if !self.p.ocsp_staple || ep.ocsp_stapling {
            return;
        }
        let responder = leaves(ep)
            .into_iter()
            .find_map(|l| l.ocsp_urls.first().cloned());
        if let Some(url) = responder {
            self.push(
                DeviationCode::OcspStaplingOff,
                format!(
                    "No OCSP response is stapled, though the certificate names a responder ({url}); {} wants stapling.",
                    self.name
                ),
                format!("Turn stapling on: {}.", lines::stapling_all()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for c in DeviationCode::ALL {
            assert_eq!(DeviationCode::parse(c.as_str()), Some(*c));
            let json = serde_json::to_string(c).expect("json");
            assert_eq!(serde_json::from_str::<DeviationCode>(&json).ok(), Some(*c));
        }
        for c in CheckArea::ALL {
            assert_eq!(CheckArea::parse(c.as_str()), Some(*c));
        }
        assert!(serde_json::from_str::<DeviationCode>("\"nope\"").is_err());
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
