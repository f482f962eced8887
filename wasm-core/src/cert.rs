//! One certificate, described: subject, issuer, names, validity, key, signature,
//! fingerprints, AIA/CRL/SCT/policy extensions. Zero-copy over the DER via
//! x509-parser; any DER that does not parse is reported by the caller as a
//! finding, never a panic.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{
    DistributionPointName, ExtendedKeyUsage, GeneralName, KeyUsage, ParsedExtension, X509Extension,
};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::issue::ChainIssue;
use crate::time::{days_until, rfc3339};

/// Parses one DER certificate. Trailing bytes after the certificate are an error:
/// a server that sends them has a broken encoder.
pub fn parse(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok((rest, _)) => Err(format!(
            "{} trailing bytes after the certificate",
            rest.len()
        )),
        Err(e) => Err(format!("not a valid X.509 certificate: {e}")),
    }
}

/// Where a certificate in a report came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Sent by the server.
    Sent,
    /// Fetched from the issuer URL (AIA) to complete the chain.
    Aia,
    /// Taken from the trust store.
    RootStore,
}

impl Source {
    /// The contract spelling (`sent`, `aia`, `root_store`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Sent => "sent",
            Source::Aia => "aia",
            Source::RootStore => "root_store",
        }
    }
}

/// The public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA` or `unknown`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Modulus or curve size in bits.
    pub bits: u32,
    /// Curve name for EC keys (`P-256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
    /// Strength in RSA-equivalent bits (NIST SP 800-57).
    pub rsa_equivalent_bits: u32,
}

/// Signed Certificate Timestamps embedded in the certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scts {
    pub count: usize,
    /// Log IDs, base64.
    pub log_ids: Vec<String>,
}

/// One certificate in a chain breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertReport {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    pub sha256: String,
    pub spki_sha256: String,
    pub san: Vec<String>,
    pub source: Source,
    /// Position in the list the server sent (`null` when not sent).
    pub sent_index: Option<usize>,
    /// Where it stands: on the trust path, or sent but unused.
    pub role: CertRole,
    pub self_signed: bool,
    pub ca: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_len: Option<u32>,
    pub key_usage: Vec<String>,
    pub extended_key_usage: Vec<String>,
    pub ocsp_urls: Vec<String>,
    pub ca_issuers_urls: Vec<String>,
    pub crl_urls: Vec<String>,
    pub scts: Scts,
    /// `DV`, `OV`, `IV` or `EV`, from the CA/Browser Forum policy OIDs.
    pub validation: Option<String>,
    pub must_staple: bool,
    /// Chain issues that are about this certificate.
    pub issues: Vec<ChainIssue>,
}

/// A certificate's place in the chain breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertRole {
    /// The server's own certificate (first on the path).
    Leaf,
    /// A CA between the leaf and the root.
    Intermediate,
    /// The trust anchor the path ends at.
    Root,
    /// Sent by the server but not on the path (also a certificate not yet
    /// placed, as [`describe`] returns it).
    Extra,
}

impl CertRole {
    /// The contract spelling (`leaf`, `intermediate`, `root`, `extra`).
    pub fn as_str(self) -> &'static str {
        match self {
            CertRole::Leaf => "leaf",
            CertRole::Intermediate => "intermediate",
            CertRole::Root => "root",
            CertRole::Extra => "extra",
        }
    }
}

/// Lower-case hex, no separators.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Describes a parsed certificate. `source`, `sent_index`, `role` and `issues` are
/// filled in by the chain analysis.
pub fn describe(cert: &X509Certificate<'_>, der: &[u8], now: i64) -> CertReport {
    let tbs = &cert.tbs_certificate;
    let not_before = tbs.validity.not_before.timestamp();
    let not_after = tbs.validity.not_after.timestamp();
    let mut report = CertReport {
        subject: tbs.subject.to_string(),
        issuer: tbs.issuer.to_string(),
        serial: serial_hex(tbs.raw_serial()),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        days_left: days_until(not_after, now),
        key: key_info(&tbs.subject_pki),
        signature_algorithm: crate::sigalg::signature_algorithm_name(cert),
        sha256: hex(&Sha256::digest(der)),
        spki_sha256: hex(&Sha256::digest(tbs.subject_pki.raw)),
        san: Vec::new(),
        source: Source::Sent,
        sent_index: None,
        role: CertRole::Extra,
        self_signed: tbs.subject.as_raw() == tbs.issuer.as_raw(),
        ca: false,
        path_len: None,
        key_usage: Vec::new(),
        extended_key_usage: Vec::new(),
        ocsp_urls: Vec::new(),
        ca_issuers_urls: Vec::new(),
        crl_urls: Vec::new(),
        scts: Scts::default(),
        validation: None,
        must_staple: false,
        issues: Vec::new(),
    };
    for ext in tbs.extensions() {
        read_extension(&mut report, ext);
    }
    report
}

/// Records what one extension says about the certificate.
fn read_extension(report: &mut CertReport, ext: &X509Extension<'_>) {
    match ext.parsed_extension() {
        ParsedExtension::SubjectAlternativeName(san) => {
            report.san = san
                .general_names
                .iter()
                .filter_map(general_name_text)
                .collect();
        }
        ParsedExtension::BasicConstraints(bc) => {
            report.ca = bc.ca;
            report.path_len = bc.path_len_constraint;
        }
        ParsedExtension::KeyUsage(ku) => report.key_usage = key_usage_names(ku),
        ParsedExtension::ExtendedKeyUsage(eku) => {
            report.extended_key_usage = describe_eku(eku);
        }
        ParsedExtension::AuthorityInfoAccess(aia) => {
            for desc in aia.iter() {
                let GeneralName::URI(uri) = desc.access_location else {
                    continue;
                };
                match desc.access_method.to_id_string().as_str() {
                    "1.3.6.1.5.5.7.48.1" => report.ocsp_urls.push(uri.to_owned()),
                    "1.3.6.1.5.5.7.48.2" => report.ca_issuers_urls.push(uri.to_owned()),
                    _ => {}
                }
            }
        }
        ParsedExtension::CRLDistributionPoints(points) => {
            for point in points.iter() {
                if let Some(DistributionPointName::FullName(names)) = &point.distribution_point {
                    report.crl_urls.extend(names.iter().filter_map(|n| match n {
                        GeneralName::URI(u) => Some((*u).to_owned()),
                        _ => None,
                    }));
                }
            }
        }
        ParsedExtension::SCT(scts) => {
            use base64::Engine;
            report.scts = Scts {
                count: scts.len(),
                log_ids: scts
                    .iter()
                    .map(|s| base64::engine::general_purpose::STANDARD.encode(s.id.key_id))
                    .collect(),
            };
        }
        ParsedExtension::CertificatePolicies(policies) => {
            for p in policies {
                let level = match p.policy_id.to_id_string().as_str() {
                    "2.23.140.1.1" => Some("EV"),
                    "2.23.140.1.2.2" => Some("OV"),
                    "2.23.140.1.2.3" => Some("IV"),
                    "2.23.140.1.2.1" => Some("DV"),
                    _ => None,
                };
                if level.is_some() {
                    report.validation = level.map(str::to_owned);
                }
            }
        }
        _ => {
            // TLS Feature (RFC 7633): SEQUENCE OF INTEGER; 5 = status_request.
            if ext.oid.to_id_string() == "1.3.6.1.5.5.7.1.24" {
                report.must_staple = tls_feature_has_status_request(ext.value);
            }
        }
    }
}

/// The key usage bits that are set, by their RFC 5280 names.
fn key_usage_names(ku: &KeyUsage) -> Vec<String> {
    let flags = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    flags
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| (*n).to_owned())
        .collect()
}

/// The purposes of an extKeyUsage, by name (`serverAuth`), unknown ones by OID.
pub fn describe_eku(eku: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let flags = [
        (eku.any, "anyExtendedKeyUsage"),
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
    ];
    flags
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| (*n).to_owned())
        .chain(eku.other.iter().map(|o| o.to_id_string()))
        .collect()
}

fn general_name_text(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::DNSName(d) => Some((*d).to_owned()),
        GeneralName::IPAddress(ip) => ip_text(ip),
        _ => None,
    }
}

/// Formats a 4- or 16-byte IP address SAN.
pub fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => {
            let b: [u8; 4] = bytes.try_into().ok()?;
            Some(std::net::Ipv4Addr::from(b).to_string())
        }
        16 => {
            let b: [u8; 16] = bytes.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(b).to_string())
        }
        _ => None,
    }
}

fn tls_feature_has_status_request(value: &[u8]) -> bool {
    // 30 len (02 01 xx)*
    let Some(body) = value.get(2..) else {
        return false;
    };
    if value.first() != Some(&0x30) {
        return false;
    }
    body.chunks(3).any(|c| c == [0x02, 0x01, 0x05])
}

fn serial_hex(raw: &[u8]) -> String {
    let trimmed = match raw {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => raw,
    };
    trimmed
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// NIST SP 800-57 Part 1 table 2: RSA-equivalent bits of an elliptic-curve key.
pub fn ec_rsa_equivalent(bits: u32) -> u32 {
    match bits {
        0..=159 => bits * 4,
        160..=223 => 1024,
        224..=255 => 2048,
        256..=383 => 3072,
        384..=511 => 7680,
        _ => 15360,
    }
}

/// Describes a public key.
pub fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let alg = spki.algorithm.algorithm.to_id_string();
    match alg.as_str() {
        "1.3.101.112" => KeyInfo {
            kind: "Ed25519".into(),
            bits: 256,
            curve: None,
            rsa_equivalent_bits: 3072,
        },
        "1.3.101.113" => KeyInfo {
            kind: "Ed448".into(),
            bits: 456,
            curve: None,
            rsa_equivalent_bits: 7680,
        },
        _ => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let bits = rsa_modulus_bits(rsa.modulus);
                KeyInfo {
                    kind: "RSA".into(),
                    bits,
                    curve: None,
                    rsa_equivalent_bits: bits,
                }
            }
            Ok(PublicKey::EC(_)) => {
                let curve_oid = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string());
                let (name, bits) = match curve_oid.as_deref() {
                    Some("1.2.840.10045.3.1.7") => ("P-256", 256),
                    Some("1.3.132.0.34") => ("P-384", 384),
                    Some("1.3.132.0.35") => ("P-521", 521),
                    Some("1.2.840.10045.3.1.1") => ("P-192", 192),
                    Some("1.3.132.0.33") => ("P-224", 224),
                    Some("1.3.132.0.10") => ("secp256k1", 256),
                    Some("1.3.36.3.3.2.8.1.1.7") => ("brainpoolP256r1", 256),
                    Some("1.3.36.3.3.2.8.1.1.11") => ("brainpoolP384r1", 384),
                    Some("1.3.36.3.3.2.8.1.1.13") => ("brainpoolP512r1", 512),
                    _ => ("unknown", 0),
                };
                KeyInfo {
                    kind: "EC".into(),
                    bits,
                    curve: Some(match curve_oid {
                        Some(oid) if name == "unknown" => oid,
                        _ => name.to_owned(),
                    }),
                    rsa_equivalent_bits: ec_rsa_equivalent(bits),
                }
            }
            Ok(PublicKey::DSA(y)) => {
                let bits = rsa_modulus_bits(y);
                KeyInfo {
                    kind: "DSA".into(),
                    bits,
                    curve: None,
                    rsa_equivalent_bits: bits,
                }
            }
            _ => KeyInfo {
                kind: "unknown".into(),
                bits: 0,
                curve: None,
                rsa_equivalent_bits: 0,
            },
        },
    }
}

/// The modulus and public exponent of an RSA certificate's key (big-endian,
/// as encoded), `None` for other keys or unparsable certificates. The relay's
/// probes encrypt to it (RSA key exchange, ROBOT).
pub fn rsa_public_key(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let cert = parse(der).ok()?;
    match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => Some((rsa.modulus.to_vec(), rsa.exponent.to_vec())),
        _ => None,
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes ignored).
pub fn rsa_modulus_bits(be: &[u8]) -> u32 {
    let first = be.iter().position(|&b| b != 0);
    match first {
        None => 0,
        Some(i) => {
            let len = u32::try_from(be.len() - i).unwrap_or(u32::MAX / 8);
            len * 8 - be[i].leading_zeros()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_as_str_is_the_json_spelling() {
        for s in [Source::Sent, Source::Aia, Source::RootStore] {
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn modulus_bits_ignore_leading_zeros() {
        assert_eq!(rsa_modulus_bits(&[0, 0x80, 0]), 16);
        assert_eq!(rsa_modulus_bits(&[0, 0x01, 0]), 9);
        assert_eq!(rsa_modulus_bits(&[0, 0]), 0);
        assert_eq!(rsa_modulus_bits(&[]), 0);
    }

    #[test]
    fn ec_equivalence_follows_sp800_57() {
        assert_eq!(ec_rsa_equivalent(256), 3072);
        assert_eq!(ec_rsa_equivalent(384), 7680);
        assert_eq!(ec_rsa_equivalent(521), 15360);
        assert_eq!(ec_rsa_equivalent(192), 1024);
        assert_eq!(ec_rsa_equivalent(224), 2048);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(&[]).is_err());
        assert!(parse(&[0x30, 0x82, 0xff, 0xff]).is_err());
        assert!(parse(b"hello world").is_err());
    }

    #[test]
    fn serial_and_ip_formatting() {
        assert_eq!(serial_hex(&[0x00, 0xab, 0x01]), "AB:01");
        assert_eq!(ip_text(&[127, 0, 0, 1]).as_deref(), Some("127.0.0.1"));
        assert_eq!(ip_text(&[1, 2, 3]), None);
        assert!(tls_feature_has_status_request(&[
            0x30, 0x03, 0x02, 0x01, 0x05
        ]));
        assert!(!tls_feature_has_status_request(&[
            0x30, 0x03, 0x02, 0x01, 0x11
        ]));
    }
}
