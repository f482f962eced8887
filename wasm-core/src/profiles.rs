//! Mozilla's server-side TLS profiles (modern, intermediate, old) as data: the
//! facts of Mozilla's published guidelines JSON, version [`GUIDELINES_VERSION`]
//! ([`GUIDELINES_SOURCE`]), transcribed field by field into this table. Names are
//! kept exactly as the JSON writes them (IANA and OpenSSL suite names, OpenSSL
//! curve and signature names); [`Profile`]'s methods resolve them to code points
//! through the registries ([`crate::suites`], [`crate::groups`]), and the tests
//! check that every name resolves.
//!
//! The comparison of a server with a profile is [`crate::compliance`]; the
//! configuration lines that make a server fit one are [`crate::fix`]. The
//! profiles, their source and every deviation code are described in
//! `docs/profiles.md`.

use std::fmt;
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The version of Mozilla's guidelines transcribed here.
pub const GUIDELINES_VERSION: &str = "5.7";

/// Where that version is published.
pub const GUIDELINES_SOURCE: &str = "https://ssl-config.mozilla.org/guidelines/5.7.json";

/// The date of that version (its changelog entry).
pub const GUIDELINES_DATE: &str = "2023-05-15";

/// Which profile.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ProfileId {
    /// Mozilla "modern": TLS 1.3 only, ECDSA certificates.
    MozillaModern,
    /// Mozilla "intermediate": TLS 1.2 and 1.3, the general-purpose default.
    MozillaIntermediate,
    /// Mozilla "old": back to TLS 1.0, for very old clients.
    MozillaOld,
}

impl ProfileId {
    /// Every profile, strictest first.
    pub const ALL: [ProfileId; 3] = [
        ProfileId::MozillaModern,
        ProfileId::MozillaIntermediate,
        ProfileId::MozillaOld,
    ];

    /// The name used on the command line and in reports (`mozilla-intermediate`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileId::MozillaModern => "mozilla-modern",
            ProfileId::MozillaIntermediate => "mozilla-intermediate",
            ProfileId::MozillaOld => "mozilla-old",
        }
    }

    /// Reads a profile name; an unknown one is an error that lists the known ones.
    pub fn parse(name: &str) -> Result<ProfileId, UnknownProfile> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| UnknownProfile {
                name: name.to_owned(),
            })
    }

    /// This profile's data.
    pub fn profile(self) -> &'static Profile {
        match self {
            ProfileId::MozillaModern => &MODERN,
            ProfileId::MozillaIntermediate => &INTERMEDIATE,
            ProfileId::MozillaOld => &OLD,
        }
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProfileId {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ProfileId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProfileId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        ProfileId::parse(&s).map_err(de::Error::custom)
    }
}

/// A profile name that is not one of [`ProfileId::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {name:?}; known profiles: {}", known_profiles())]
pub struct UnknownProfile {
    /// The name that was given.
    pub name: String,
}

/// The known profile names, comma-separated, for messages and `--help`.
pub fn known_profiles() -> String {
    ProfileId::ALL
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A certificate key type as the guidelines name it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificateType {
    /// An ECDSA key (`ecdsa`).
    Ecdsa,
    /// An RSA key (`rsa`).
    Rsa,
}

impl CertificateType {
    /// The guidelines' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateType::Ecdsa => "ecdsa",
            CertificateType::Rsa => "rsa",
        }
    }

    /// The type of a certificate key as the report names it (`KeyInfo::kind`:
    /// `EC`, `RSA`, ...); `None` for the others (Ed25519, DSA).
    pub fn of_key_kind(kind: &str) -> Option<CertificateType> {
        match kind {
            "EC" => Some(CertificateType::Ecdsa),
            "RSA" => Some(CertificateType::Rsa),
            _ => None,
        }
    }
}

/// One configuration of the guidelines, field for field (the JSON key is named
/// on each field).
#[derive(Debug, Serialize)]
pub struct Profile {
    /// Which profile.
    pub id: ProfileId,
    /// The guidelines version ([`GUIDELINES_VERSION`]).
    pub guidelines_version: &'static str,
    /// Where the guidelines are published ([`GUIDELINES_SOURCE`]).
    pub source: &'static str,
    /// `tls_versions`: exactly these protocol versions.
    pub tls_versions: &'static [ProtocolVersion],
    /// `ciphersuites`: TLS 1.3 suites (IANA names).
    pub tls13_suites: &'static [&'static str],
    /// `ciphers.iana`: TLS 1.0–1.2 suites, IANA names, in the JSON's order.
    pub suites_iana: &'static [&'static str],
    /// `ciphers.openssl`: the same suites, OpenSSL names, in the order for
    /// OpenSSL-based servers (nginx, Apache).
    pub suites_openssl: &'static [&'static str],
    /// `ciphers.caddy`: the suites for Caddy (Go names; Go has no DHE).
    pub suites_caddy: &'static [&'static str],
    /// `tls_curves`: key-exchange groups (OpenSSL names).
    pub tls_curves: &'static [&'static str],
    /// `certificate_types`.
    pub certificate_types: &'static [CertificateType],
    /// `certificate_curves`: curves of ECDSA certificate keys (OpenSSL names).
    pub certificate_curves: &'static [&'static str],
    /// `certificate_signatures`: the leaf's signature algorithm (OpenSSL names).
    pub certificate_signatures: &'static [&'static str],
    /// `rsa_key_size`: smallest RSA certificate key, bits.
    pub rsa_key_size: Option<u32>,
    /// `dh_param_size`: smallest DHE prime, bits (`None`: no DHE at all).
    pub dh_param_size: Option<u32>,
    /// `ecdh_param_size`: smallest ECDH curve, bits.
    pub ecdh_param_size: u32,
    /// `hsts_min_age`: smallest HSTS max-age, seconds.
    pub hsts_min_age: u64,
    /// `maximum_certificate_lifespan`: days.
    pub maximum_certificate_lifespan: u32,
    /// `recommended_certificate_lifespan`: days.
    pub recommended_certificate_lifespan: u32,
    /// `ocsp_staple`: the server staples OCSP responses.
    pub ocsp_staple: bool,
    /// `server_preferred_order`: the server (not the client) picks the suite.
    pub server_preferred_order: bool,
    /// `oldest_clients`: the oldest clients the profile still serves.
    pub oldest_clients: &'static [&'static str],
}

impl Profile {
    /// The TLS 1.3 suites as code points, in the profile's order.
    pub fn tls13_suite_codes(&self) -> Vec<CipherSuite> {
        resolve_suites(self.tls13_suites)
    }

    /// The TLS 1.0–1.2 suites as code points, in the OpenSSL list's order (the
    /// order nginx and Apache are configured with).
    pub fn suite_codes(&self) -> Vec<CipherSuite> {
        resolve_suites(self.suites_openssl)
    }

    /// The key-exchange groups as code points, in the profile's order.
    pub fn group_codes(&self) -> Vec<NamedGroup> {
        self.tls_curves
            .iter()
            .filter_map(|n| NamedGroup::parse(n))
            .collect()
    }

    /// The ECDSA certificate curves as code points.
    pub fn certificate_curve_codes(&self) -> Vec<NamedGroup> {
        self.certificate_curves
            .iter()
            .filter_map(|n| NamedGroup::parse(n))
            .collect()
    }

    /// Whether the profile accepts this protocol version.
    pub fn allows_protocol(&self, v: ProtocolVersion) -> bool {
        self.tls_versions.contains(&v)
    }

    /// Whether the profile accepts this suite under this protocol version.
    pub fn allows_suite(&self, protocol: ProtocolVersion, suite: CipherSuite) -> bool {
        if protocol == ProtocolVersion::TLS13 {
            self.tls13_suite_codes().contains(&suite)
        } else {
            self.suite_codes().contains(&suite)
        }
    }

    /// Whether the profile accepts this key-exchange group. A post-quantum
    /// hybrid counts as its classical half (see [`classical_half`]).
    pub fn allows_group(&self, g: NamedGroup) -> bool {
        let allowed = self.group_codes();
        allowed.contains(&g) || classical_half(g).is_some_and(|c| allowed.contains(&c))
    }
}

/// The classical curve inside a standardised post-quantum hybrid group
/// (draft-ietf-tls-ecdhe-mlkem): `X25519MLKEM768` → x25519, `SecP256r1MLKEM768`
/// → secp256r1, `SecP384r1MLKEM1024` → secp384r1. The 5.7 guidelines predate
/// these groups; a hybrid is accepted wherever its classical half is (the 6.0
/// draft of the guidelines lists `X25519MLKEM768` in every profile). See
/// `docs/profiles.md`.
pub fn classical_half(g: NamedGroup) -> Option<NamedGroup> {
    match g.0 {
        0x11EC => Some(NamedGroup::X25519),
        0x11EB => Some(NamedGroup::SECP256R1),
        0x11ED => Some(NamedGroup::SECP384R1),
        _ => None,
    }
}

fn resolve_suites(names: &[&str]) -> Vec<CipherSuite> {
    names.iter().filter_map(|n| CipherSuite::parse(n)).collect()
}

/// All profiles as JSON (with the guidelines' version and source), for the
/// extension and `--help`.
pub fn to_json() -> String {
    #[derive(Serialize)]
    struct All {
        guidelines_version: &'static str,
        source: &'static str,
        date: &'static str,
        profiles: [&'static Profile; 3],
    }
    serde_json::to_string(&All {
        guidelines_version: GUIDELINES_VERSION,
        source: GUIDELINES_SOURCE,
        date: GUIDELINES_DATE,
        profiles: [&MODERN, &INTERMEDIATE, &OLD],
    })
    .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The data: Mozilla Server Side TLS guidelines 5.7, transcribed.
// ---------------------------------------------------------------------------

const TLS13_SUITES: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

const TLS_CURVES: &[&str] = &["X25519", "prime256v1", "secp384r1"];

const CERTIFICATE_CURVES: &[&str] = &["prime256v1", "secp384r1"];

const ECDSA_SIGNATURES: &[&str] = &[
    "ecdsa-with-SHA256",
    "ecdsa-with-SHA384",
    "ecdsa-with-SHA512",
];

static MODERN: Profile = Profile {
    id: ProfileId::MozillaModern,
    guidelines_version: GUIDELINES_VERSION,
    source: GUIDELINES_SOURCE,
    tls_versions: &[ProtocolVersion::TLS13],
    tls13_suites: TLS13_SUITES,
    suites_iana: &[],
    suites_openssl: &[],
    suites_caddy: &[],
    tls_curves: TLS_CURVES,
    certificate_types: &[CertificateType::Ecdsa],
    certificate_curves: CERTIFICATE_CURVES,
    certificate_signatures: ECDSA_SIGNATURES,
    rsa_key_size: None,
    dh_param_size: None,
    ecdh_param_size: 256,
    hsts_min_age: 63_072_000,
    maximum_certificate_lifespan: 90,
    recommended_certificate_lifespan: 90,
    ocsp_staple: true,
    server_preferred_order: false,
    oldest_clients: &[
        "Firefox 63",
        "Android 10.0",
        "Chrome 70",
        "Edge 75",
        "Java 11",
        "OpenSSL 1.1.1",
        "Opera 57",
        "Safari 12.1",
    ],
};

static INTERMEDIATE: Profile = Profile {
    id: ProfileId::MozillaIntermediate,
    guidelines_version: GUIDELINES_VERSION,
    source: GUIDELINES_SOURCE,
    tls_versions: &[ProtocolVersion::TLS12, ProtocolVersion::TLS13],
    tls13_suites: TLS13_SUITES,
    suites_iana: &[
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ],
    suites_openssl: &[
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256",
        "DHE-RSA-AES256-GCM-SHA384",
        "DHE-RSA-CHACHA20-POLY1305",
    ],
    suites_caddy: &[
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ],
    tls_curves: TLS_CURVES,
    certificate_types: &[CertificateType::Ecdsa, CertificateType::Rsa],
    certificate_curves: CERTIFICATE_CURVES,
    certificate_signatures: &[
        "sha256WithRSAEncryption",
        "ecdsa-with-SHA256",
        "ecdsa-with-SHA384",
        "ecdsa-with-SHA512",
    ],
    rsa_key_size: Some(2048),
    dh_param_size: Some(2048),
    ecdh_param_size: 256,
    hsts_min_age: 63_072_000,
    maximum_certificate_lifespan: 366,
    recommended_certificate_lifespan: 90,
    ocsp_staple: true,
    server_preferred_order: false,
    oldest_clients: &[
        "Firefox 27",
        "Android 4.4.2",
        "Chrome 31",
        "Edge",
        "IE 11 on Windows 7",
        "Java 8u31",
        "OpenSSL 1.0.1",
        "Opera 20",
        "Safari 9",
    ],
};

static OLD: Profile = Profile {
    id: ProfileId::MozillaOld,
    guidelines_version: GUIDELINES_VERSION,
    source: GUIDELINES_SOURCE,
    tls_versions: &[
        ProtocolVersion::TLS10,
        ProtocolVersion::TLS11,
        ProtocolVersion::TLS12,
        ProtocolVersion::TLS13,
    ],
    tls13_suites: TLS13_SUITES,
    suites_iana: &[
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_RSA_WITH_AES_256_CBC_SHA256",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    ],
    suites_openssl: &[
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256",
        "DHE-RSA-AES256-GCM-SHA384",
        "DHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-SHA256",
        "ECDHE-RSA-AES128-SHA256",
        "ECDHE-ECDSA-AES128-SHA",
        "ECDHE-RSA-AES128-SHA",
        "ECDHE-ECDSA-AES256-SHA384",
        "ECDHE-RSA-AES256-SHA384",
        "ECDHE-ECDSA-AES256-SHA",
        "ECDHE-RSA-AES256-SHA",
        "DHE-RSA-AES128-SHA256",
        "DHE-RSA-AES256-SHA256",
        "AES128-GCM-SHA256",
        "AES256-GCM-SHA384",
        "AES128-SHA256",
        "AES256-SHA256",
        "AES128-SHA",
        "AES256-SHA",
        "DES-CBC3-SHA",
    ],
    suites_caddy: &[
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    ],
    tls_curves: TLS_CURVES,
    certificate_types: &[CertificateType::Rsa],
    certificate_curves: CERTIFICATE_CURVES,
    certificate_signatures: &["sha256WithRSAEncryption"],
    rsa_key_size: Some(2048),
    dh_param_size: Some(1024),
    ecdh_param_size: 256,
    hsts_min_age: 63_072_000,
    maximum_certificate_lifespan: 366,
    recommended_certificate_lifespan: 90,
    ocsp_staple: true,
    server_preferred_order: true,
    oldest_clients: &[
        "Firefox 1",
        "Android 2.3",
        "Chrome 1",
        "Edge 12",
        "IE8 on Windows XP",
        "Java 6",
        "OpenSSL 0.9.8",
        "Opera 5",
        "Safari 1",
    ],
};

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_name_in_the_data_resolves() {
        for id in ProfileId::ALL {
            let p = id.profile();
            assert_eq!(p.id, id);
            assert_eq!(p.tls13_suite_codes().len(), p.tls13_suites.len(), "{id}");
            assert_eq!(p.suite_codes().len(), p.suites_openssl.len(), "{id}");
            assert_eq!(
                resolve_suites(p.suites_iana).len(),
                p.suites_iana.len(),
                "{id}"
            );
            assert_eq!(
                resolve_suites(p.suites_caddy).len(),
                p.suites_caddy.len(),
                "{id}"
            );
            assert_eq!(p.group_codes().len(), p.tls_curves.len(), "{id}");
            assert_eq!(
                p.certificate_curve_codes().len(),
                p.certificate_curves.len(),
                "{id}"
            );
        }
    }

    #[test]
    fn iana_and_openssl_lists_name_the_same_suites() {
        for id in ProfileId::ALL {
            let p = id.profile();
            let iana: BTreeSet<_> = resolve_suites(p.suites_iana).into_iter().collect();
            let openssl: BTreeSet<_> = p.suite_codes().into_iter().collect();
            assert_eq!(iana, openssl, "{id}");
            // Caddy's list is the subset Go implements.
            let caddy: BTreeSet<_> = resolve_suites(p.suites_caddy).into_iter().collect();
            assert!(caddy.is_subset(&iana), "{id}");
            for s in &p.tls13_suite_codes() {
                assert!(s.info().is_some_and(|i| i.tls13), "{id} {s}");
            }
            for s in &iana {
                assert!(s.info().is_some_and(|i| !i.tls13), "{id} {s}");
            }
        }
    }

    #[test]
    fn curves_meet_the_ecdh_size() {
        for id in ProfileId::ALL {
            let p = id.profile();
            for g in p.group_codes() {
                let info = g.info().expect("known group");
                assert!(u32::from(info.bits) + 1 >= p.ecdh_param_size, "{id} {g}");
            }
        }
    }

    #[test]
    fn names_read_back_and_unknown_names_list_the_known_ones() {
        for id in ProfileId::ALL {
            assert_eq!(ProfileId::parse(id.as_str()), Ok(id));
            assert_eq!(id.as_str().parse::<ProfileId>(), Ok(id));
        }
        let err = ProfileId::parse("mozilla-ancient").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown profile \"mozilla-ancient\"; known profiles: mozilla-modern, mozilla-intermediate, mozilla-old"
        );
        assert!(serde_json::from_str::<ProfileId>("\"modern\"")
            .unwrap_err()
            .to_string()
            .contains("known profiles"));
    }

    #[test]
    fn hybrids_count_as_their_classical_half() {
        let modern = ProfileId::MozillaModern.profile();
        assert!(modern.allows_group(NamedGroup::X25519MLKEM768));
        assert!(modern.allows_group(NamedGroup(0x11EB)));
        assert!(!modern.allows_group(NamedGroup::X448));
        assert!(!modern.allows_group(NamedGroup::FFDHE2048));
    }

    #[test]
    fn profiles_json_names_version_and_source() {
        let v: serde_json::Value = serde_json::from_str(&to_json()).expect("json");
        assert_eq!(v["guidelines_version"], GUIDELINES_VERSION);
        assert_eq!(v["source"], GUIDELINES_SOURCE);
        assert_eq!(v["profiles"][1]["id"], "mozilla-intermediate");
        assert_eq!(v["profiles"][1]["tls_versions"][0], "TLSv1.2");
        assert_eq!(v["profiles"][2]["certificate_types"][0], "rsa");
    }
}
