//! A ClientHello built from a client's fields, for the table rows without
//! recorded bytes (Chrome, Edge and Firefox 137: Chrome permutes its
//! extensions, and their ML-KEM shares are 1.2 KB each). docs/clients.md,
//! "relay stage", gives the recipe: record version TLS 1.0, `client_version`
//! TLS 1.2, a 32-byte session id, the suites in order (a GREASE value first
//! when the client sends GREASE), null compression, then the extensions in
//! the listed order with the contents below. An extension name the relay
//! cannot build is an error (and a test failure), never skipped.

use tlslens_core::clients::ClientProfile;

use super::kx::{self, Secret, Source};
use crate::codec::{
    CipherSuite, ClientExtension, ClientHello, Extension, ExtensionType, KeyShareEntry, NamedGroup,
    ProtocolVersion, SignatureScheme,
};

/// GREASE values, distinct per use (RFC 8701).
struct Grease(u16);

impl Grease {
    fn new(src: Source<'_>) -> Self {
        let [b] = src.bytes::<1>();
        Self(u16::from(b & 0x0F))
    }

    /// The `k`-th GREASE value of this hello.
    fn get(&self, k: u16) -> u16 {
        0x0A0A + 0x1010 * ((self.0 + k) % 16)
    }
}

const GREASE_SUITE: u16 = 0;
const GREASE_FIRST_EXT: u16 = 1;
const GREASE_GROUP: u16 = 2;
const GREASE_VERSION: u16 = 3;
const GREASE_LAST_EXT: u16 = 4;

/// The hello of `profile` from its fields, and the keys of its shares.
pub fn from_fields(
    profile: &ClientProfile,
    sni: Option<&str>,
    src: Source<'_>,
) -> Result<(ClientHello, Vec<(NamedGroup, Secret)>), String> {
    let grease = Grease::new(src);
    let g = |k| profile.grease.then(|| grease.get(k));
    let mut suites: Vec<CipherSuite> = g(GREASE_SUITE).map(CipherSuite).into_iter().collect();
    suites.extend(profile.suites.iter().copied());
    let mut hello = ClientHello::new(ProtocolVersion::TLS12, src.bytes())
        .with_record_version(ProtocolVersion::TLS10)
        .with_session_id(src.bytes::<32>().to_vec())
        .with_cipher_suites(suites);
    let mut secrets = Vec::new();
    let mut greased = 0;
    for name in &profile.extensions {
        let ext = match name.as_str() {
            "grease" => {
                greased += 1;
                let k = if greased == 1 {
                    GREASE_FIRST_EXT
                } else {
                    GREASE_LAST_EXT
                };
                raw(ExtensionType(grease.get(k)), Vec::new())
            }
            "server_name" => match sni {
                Some(host) => ClientExtension::server_name(host),
                None => continue,
            },
            "key_share" => {
                ClientExtension::KeyShare(shares(profile, g(GREASE_GROUP), src, &mut secrets)?)
            }
            other => extension(profile, other, &g, src)?,
        };
        hello = hello.with_extension(ext);
    }
    Ok((hello, secrets))
}

/// The extensions that need no key material.
fn extension(
    profile: &ClientProfile,
    name: &str,
    g: &dyn Fn(u16) -> Option<u16>,
    src: Source<'_>,
) -> Result<ClientExtension, String> {
    Ok(match name {
        "extended_master_secret" => ClientExtension::ExtendedMasterSecret,
        "renegotiation_info" => ClientExtension::RenegotiationInfo(Vec::new()),
        "supported_groups" => {
            let mut groups: Vec<NamedGroup> = g(GREASE_GROUP).map(NamedGroup).into_iter().collect();
            groups.extend(profile.groups.iter().copied());
            ClientExtension::SupportedGroups(groups)
        }
        "ec_point_formats" => ClientExtension::EcPointFormats(profile.ec_point_formats.clone()),
        "session_ticket" => ClientExtension::SessionTicket(Vec::new()),
        "alpn" => ClientExtension::alpn(&profile.alpn),
        "status_request" => ClientExtension::StatusRequest,
        "signature_algorithms" => ClientExtension::SignatureAlgorithms(
            signature_schemes(profile)?.iter().map(|s| s.0).collect(),
        ),
        "signed_certificate_timestamp" => raw(ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP, vec![]),
        "supported_versions" => {
            let mut versions: Vec<ProtocolVersion> =
                g(GREASE_VERSION).map(ProtocolVersion).into_iter().collect();
            versions.extend(profile.versions.iter().copied());
            ClientExtension::SupportedVersions(versions)
        }
        "psk_key_exchange_modes" => ClientExtension::PskKeyExchangeModes(vec![1]),
        // brotli (RFC 8879).
        "compress_certificate" => raw(ExtensionType::COMPRESS_CERTIFICATE, vec![2, 0, 2]),
        // ALPS for h2: a u16-prefixed list of u8-prefixed protocol names.
        "application_settings" => raw(ExtensionType::APPLICATION_SETTINGS, alps()),
        "application_settings_old" => raw(ExtensionType(0x4469), alps()),
        "delegated_credentials" => {
            let schemes: Vec<u16> = signature_schemes(profile)?
                .iter()
                .filter(|s| {
                    s.name()
                        .is_some_and(|n| n.starts_with("ecdsa_") || n.starts_with("rsa_pss_"))
                })
                .map(|s| s.0)
                .collect();
            raw(ExtensionType::DELEGATED_CREDENTIALS, u16_list(&schemes))
        }
        "record_size_limit" => raw(ExtensionType::RECORD_SIZE_LIMIT, vec![0x40, 0x01]),
        "encrypted_client_hello" => raw(ExtensionType::ENCRYPTED_CLIENT_HELLO, grease_ech(src)),
        "encrypt_then_mac" => ClientExtension::EncryptThenMac,
        other => {
            return Err(format!(
                "cannot build the extension {other:?} of {}",
                profile.id
            ))
        }
    })
}

fn raw(typ: ExtensionType, data: Vec<u8>) -> ClientExtension {
    ClientExtension::Raw(Extension::new(typ, data))
}

fn alps() -> Vec<u8> {
    vec![0, 3, 2, b'h', b'2']
}

fn u16_list(values: &[u16]) -> Vec<u8> {
    let len = u16::try_from(values.len() * 2).unwrap_or(u16::MAX);
    let mut out = len.to_be_bytes().to_vec();
    for v in values {
        out.extend(v.to_be_bytes());
    }
    out
}

fn signature_schemes(profile: &ClientProfile) -> Result<Vec<SignatureScheme>, String> {
    profile
        .signature_algorithms
        .iter()
        .map(|n| {
            SignatureScheme::from_name(n)
                .ok_or_else(|| format!("unknown signature scheme {n:?} of {}", profile.id))
        })
        .collect()
}

/// A GREASE `encrypted_client_hello` (draft-ietf-tls-esni §6.2): an outer
/// ECH with HKDF-SHA256/AES-128-GCM, a random config id, a random x25519
/// `enc` and a random payload of a plausible length.
fn grease_ech(src: Source<'_>) -> Vec<u8> {
    const PAYLOAD: usize = 176;
    let mut out = vec![0u8, 0, 1, 0, 1];
    out.push(src.bytes::<1>()[0]);
    out.extend([0, 32]);
    out.extend(src.bytes::<32>());
    out.extend(u16::try_from(PAYLOAD).unwrap_or(0).to_be_bytes());
    let mut payload = vec![0u8; PAYLOAD];
    src.fill(&mut payload);
    out.extend(payload);
    out
}

/// Fresh shares of the client's `key_shares` (a one-byte GREASE share
/// first when it sends GREASE).
fn shares(
    profile: &ClientProfile,
    grease: Option<u16>,
    src: Source<'_>,
    secrets: &mut Vec<(NamedGroup, Secret)>,
) -> Result<Vec<KeyShareEntry>, String> {
    let mut out: Vec<KeyShareEntry> = grease
        .map(|v| KeyShareEntry::new(NamedGroup(v), vec![0]))
        .into_iter()
        .collect();
    for group in &profile.key_shares {
        let (share, secret) = kx::fresh(*group, src)
            .ok_or_else(|| format!("no key share for group {group} of {}", profile.id))?;
        if let Some(s) = secret {
            secrets.push((*group, s));
        }
        out.push(share);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use tlslens_core::clients::table;

    #[test]
    fn the_clients_without_recorded_bytes_are_built_as_their_fields_say() {
        let rng = SystemRandom::new();
        let built: Vec<&ClientProfile> = table().iter().filter(|c| c.hello.is_none()).collect();
        assert_eq!(built.len(), 3);
        for c in built {
            let (hello, secrets) = from_fields(c, Some("a.example"), Source::System(&rng)).unwrap();
            let bytes = hello.encode_records().unwrap();
            assert_eq!(&bytes[..3], &[22, 3, 1]);
            let (back, _) = ClientHello::read_records(&bytes).unwrap().unwrap();
            let names: Vec<String> = back
                .extensions
                .iter()
                .map(|e| {
                    let t = e.typ();
                    if t.is_grease() {
                        "grease".to_owned()
                    } else {
                        t.name().unwrap().to_owned()
                    }
                })
                .collect();
            assert_eq!(names, c.extensions, "{}", c.id);
            let suites: Vec<CipherSuite> = back
                .cipher_suites
                .iter()
                .copied()
                .filter(|s| !crate::codec::is_grease(s.0))
                .collect();
            assert_eq!(suites, c.suites);
            assert_eq!(back.cipher_suites[0].0 & 0x0F0F == 0x0A0A, c.grease);
            assert_eq!(secrets.len(), c.key_shares.len(), "{}", c.id);
            let (groups, shares) = super::super::prepare::offered_groups(&back);
            let real = |v: Vec<NamedGroup>| -> Vec<NamedGroup> {
                v.into_iter()
                    .filter(|g| !crate::codec::is_grease(g.0))
                    .collect()
            };
            assert_eq!(real(groups), c.groups);
            assert_eq!(real(shares), c.key_shares);
        }
    }

    #[test]
    fn grease_values_are_distinct_grease() {
        let g = Grease(15);
        let values: Vec<u16> = (0..5).map(|k| g.get(k)).collect();
        for v in &values {
            assert!(crate::codec::is_grease(*v));
        }
        let mut dedup = values.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(dedup.len(), values.len());
    }

    #[test]
    fn an_unknown_extension_name_is_an_error() {
        let mut c = table().iter().find(|c| c.hello.is_none()).unwrap().clone();
        c.extensions.push("no_such_thing".into());
        assert!(from_fields(&c, None, Source::Zero)
            .unwrap_err()
            .contains("no_such_thing"));
    }
}
