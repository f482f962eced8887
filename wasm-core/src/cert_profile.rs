//! One certificate against the Web PKI profile, whatever path it is on: what
//! it may be used for (server certificate, issuer, trust anchor), which
//! extensions must or must not be critical, encodings (version, serial, names),
//! and its key. Each failure is a [`Check`] with its reason in plain words; the
//! path-dependent checks (signatures, path length, name constraints) are in
//! [`crate::validate`]. The rule behind each check is in `docs/validation.md`.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension, X509Extension};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Version;

use crate::check::{Check, Place};

/// Extensions a validator may see marked critical (Chrome's list): anything
/// else critical makes the certificate unusable (RFC 5280 4.2).
const KNOWN_CRITICAL: [&str; 9] = [
    "2.5.29.19", // basicConstraints
    "2.5.29.15", // keyUsage
    "2.5.29.37", // extKeyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.30", // nameConstraints
    "2.5.29.32", // certificatePolicies
    "2.5.29.33", // policyMappings
    "2.5.29.36", // policyConstraints
    "2.5.29.54", // inhibitAnyPolicy
];

const OID_AKI: &str = "2.5.29.35";
const OID_SKI: &str = "2.5.29.14";
const OID_AIA: &str = "1.3.6.1.5.5.7.1.1";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_SAN: &str = "2.5.29.17";
const OID_EKU: &str = "2.5.29.37";
const OID_NAME_CONSTRAINTS: &str = "2.5.29.30";
const OID_POLICY_CONSTRAINTS: &str = "2.5.29.36";

/// Failures found on one certificate.
pub type Failures = Vec<(Check, String)>;

fn ext<'c, 'a>(cert: &'c X509Certificate<'a>, oid: &str) -> Option<&'c X509Extension<'a>> {
    cert.tbs_certificate
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == oid)
}

/// A certificate whose issuer and subject names are the same (RFC 5280 6.1:
/// self-issued; path length and name constraints skip such intermediates).
pub fn self_issued(cert: &X509Certificate<'_>) -> bool {
    let tbs = &cert.tbs_certificate;
    tbs.subject.as_raw() == tbs.issuer.as_raw()
}

/// The checks for every certificate on a path, whatever its place.
pub fn common(cert: &X509Certificate<'_>, place: Place) -> Failures {
    let who = place.describe(cert);
    let mut out = Failures::new();
    let tbs = &cert.tbs_certificate;
    let mut seen: Vec<String> = Vec::new();
    for e in tbs.extensions() {
        let oid = e.oid.to_id_string();
        if seen.contains(&oid) {
            out.push((
                Check::Profile,
                format!("{who} has the extension {oid} twice (RFC 5280 4.2)"),
            ));
        }
        seen.push(oid.clone());
        if let ParsedExtension::ParseError { .. } = e.parsed_extension() {
            out.push((
                Check::Profile,
                format!("{who} has a malformed {} extension", extension_name(&oid)),
            ));
        }
        if e.critical && !KNOWN_CRITICAL.contains(&oid.as_str()) {
            let check = if [OID_AKI, OID_SKI, OID_AIA].contains(&oid.as_str()) {
                Check::Profile
            } else {
                Check::CriticalExtension
            };
            out.push((
                check,
                format!(
                    "{who} has a critical {} extension that browsers {}",
                    extension_name(&oid),
                    if check == Check::Profile {
                        "require to be non-critical (RFC 5280 4.2.1)"
                    } else {
                        "do not know, so they must reject it (RFC 5280 4.2)"
                    }
                ),
            ));
        }
    }
    if cert.signature_algorithm != tbs.signature {
        out.push((
            Check::Profile,
            format!("{who} names two different signature algorithms (RFC 5280 4.1.1.2)"),
        ));
    }
    if tbs.issuer.as_raw().len() <= 2 {
        out.push((
            Check::Profile,
            format!("{who} has an empty issuer name (RFC 5280 4.1.2.4)"),
        ));
    }
    authority_key_id(cert, place, &who, &mut out);
    key(cert, &who, &mut out);
    out
}

/// authorityKeyIdentifier: present with a keyIdentifier on every certificate
/// that is not self-issued (RFC 5280 4.2.1.1); on a root, equal to its
/// subjectKeyIdentifier (CA/B Forum BR 7.1.2.1.3).
fn authority_key_id(cert: &X509Certificate<'_>, place: Place, who: &str, out: &mut Failures) {
    let aki = match ext(cert, OID_AKI).map(|e| e.parsed_extension()) {
        Some(ParsedExtension::AuthorityKeyIdentifier(a)) => Some(a),
        _ => None,
    };
    let ski = match ext(cert, OID_SKI).map(|e| e.parsed_extension()) {
        Some(ParsedExtension::SubjectKeyIdentifier(k)) => Some(k.0),
        _ => None,
    };
    match aki {
        None if !self_issued(cert) && ext(cert, OID_AKI).is_none() => out.push((
            Check::Profile,
            format!("{who} has no authorityKeyIdentifier (RFC 5280 4.2.1.1)"),
        )),
        Some(a) if a.key_identifier.is_none() => out.push((
            Check::Profile,
            format!(
                "{who} has an authorityKeyIdentifier without a keyIdentifier (RFC 5280 4.2.1.1)"
            ),
        )),
        Some(a) if place == Place::Root => {
            if a.authority_cert_issuer.is_some() || a.authority_cert_serial.is_some() {
                out.push((
                    Check::Profile,
                    format!("{who} has an authorityKeyIdentifier naming an issuer or serial, which roots must not (CA/B Forum BR 7.1.2.1.3)"),
                ));
            }
            let same = a.key_identifier.as_ref().map(|k| k.0) == ski;
            if self_issued(cert) && !same {
                out.push((
                    Check::Profile,
                    format!("{who} has an authorityKeyIdentifier that differs from its subjectKeyIdentifier (CA/B Forum BR 7.1.2.1.3)"),
                ));
            }
        }
        _ => {}
    }
}

/// The key: RSA of 2048 bits or more in whole bytes, ECDSA on a named P-256,
/// P-384 or P-521 curve, or Ed25519 (CA/B Forum BR 6.1.5, 7.1.3.1).
fn key(cert: &X509Certificate<'_>, who: &str, out: &mut Failures) {
    key_of(&cert.tbs_certificate.subject_pki, who, out);
}

/// [`key`]'s checks on a bare key (a key-only trust anchor).
pub fn key_of(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>, who: &str, out: &mut Failures) {
    let info = crate::cert::key_info(spki);
    match info.kind.as_str() {
        "RSA" if info.bits < 2048 => out.push((
            Check::WeakKey,
            format!(
                "{who} has an RSA key of {} bits; browsers require 2048 or more",
                info.bits
            ),
        )),
        "RSA" if info.bits % 8 != 0 => out.push((
            Check::KeyAlgorithm,
            format!(
                "{who} has an RSA key of {} bits, not a whole number of bytes (CA/B Forum BR 6.1.5)",
                info.bits
            ),
        )),
        "RSA" | "Ed25519" => {}
        "EC" => match info.curve.as_deref() {
            Some("P-256" | "P-384" | "P-521") => {}
            Some("P-192" | "P-224") => out.push((
                Check::WeakKey,
                format!(
                    "{who} has a key on curve {}, which browsers do not accept",
                    info.curve.as_deref().unwrap_or("?")
                ),
            )),
            _ if !matches!(spki.parsed(), Ok(PublicKey::EC(_)))
                || spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .is_none_or(|p| p.as_oid().is_err()) =>
            {
                out.push((
                    Check::KeyAlgorithm,
                    format!("{who} has an EC key with explicit curve parameters instead of a named curve (CA/B Forum BR 7.1.3.1.2)"),
                ))
            }
            other => out.push((
                Check::KeyAlgorithm,
                format!(
                    "{who} has a key on curve {}, which browsers do not accept",
                    other.unwrap_or("?")
                ),
            )),
        },
        kind => out.push((
            Check::KeyAlgorithm,
            format!("{who} has a {kind} key, which browsers do not accept (CA/B Forum BR 6.1.5)"),
        )),
    }
}

fn extension_name(oid: &str) -> String {
    let name = match oid {
        "2.5.29.35" => "authorityKeyIdentifier",
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.15" => "keyUsage",
        "2.5.29.17" => "subjectAltName",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.31" => "cRLDistributionPoints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.37" => "extKeyUsage",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        "1.3.6.1.4.1.11129.2.4.3" => "CT poison (a precertificate)",
        other => return other.to_owned(),
    };
    name.to_owned()
}

/// The checks for the server's certificate (`is_anchor`: it is itself a trust
/// anchor, which may be a CA certificate).
pub fn as_leaf(cert: &X509Certificate<'_>, is_anchor: bool) -> Failures {
    let who = Place::Leaf.describe(cert);
    let mut out = common(cert, Place::Leaf);
    let tbs = &cert.tbs_certificate;
    if tbs.version() != X509Version::V3 {
        out.push((
            Check::Profile,
            format!(
                "{who} is an X.509 version {} certificate; the Web PKI requires version 3 (CA/B Forum BR 7.1.1)",
                tbs.version().0 + 1
            ),
        ));
    }
    serial(cert, &who, &mut out);
    let (ca, _) = basic_constraints(cert);
    if ca && !is_anchor {
        out.push((
            Check::BasicConstraints,
            format!("{who} is a CA certificate (basicConstraints cA=TRUE) used as a server certificate (CA/B Forum BR 7.1.2.7.8)"),
        ));
    }
    if let Ok(Some(ku)) = cert.key_usage() {
        let ku = ku.value;
        if ku.key_cert_sign() && !ca {
            out.push((
                Check::KeyUsage,
                format!("{who} may sign certificates (keyUsage keyCertSign) but is not a CA (RFC 5280 4.2.1.9)"),
            ));
        }
        if !(ca || ku.digital_signature() || ku.key_encipherment() || ku.key_agreement()) {
            out.push((
                Check::KeyUsage,
                format!("{who} has a keyUsage without digitalSignature, keyEncipherment or keyAgreement, so it cannot be used for TLS"),
            ));
        }
    }
    leaf_eku(cert, &who, &mut out);
    if ext(cert, OID_NAME_CONSTRAINTS).is_some() && !ca {
        out.push((
            Check::Profile,
            format!("{who} has nameConstraints, which only CA certificates may have (RFC 5280 4.2.1.10)"),
        ));
    }
    leaf_san(cert, &who, &mut out);
    out
}

/// extKeyUsage of the leaf: absent (any use, RFC 5280 4.2.1.12) or listing
/// serverAuth; never empty, critical or anyExtendedKeyUsage (CA/B Forum BR
/// 7.1.2.7.10).
fn leaf_eku(cert: &X509Certificate<'_>, who: &str, out: &mut Failures) {
    let Some(e) = ext(cert, OID_EKU) else {
        return;
    };
    let ParsedExtension::ExtendedKeyUsage(eku) = e.parsed_extension() else {
        return; // malformed: reported by `common`
    };
    let uses = crate::cert::describe_eku(eku);
    if uses.is_empty() {
        out.push((
            Check::ExtendedKeyUsage,
            format!("{who} has an empty extKeyUsage (RFC 5280 4.2.1.12)"),
        ));
    } else if !eku.server_auth {
        out.push((
            Check::ExtendedKeyUsage,
            format!(
                "{who} is not for TLS servers: its extKeyUsage lists {} but not serverAuth",
                uses.join(", ")
            ),
        ));
    } else if eku.any {
        out.push((
            Check::ExtendedKeyUsage,
            format!("{who} lists anyExtendedKeyUsage, which server certificates must not (CA/B Forum BR 7.1.2.7.10)"),
        ));
    }
    if e.critical {
        out.push((
            Check::ExtendedKeyUsage,
            format!("{who} has a critical extKeyUsage (CA/B Forum BR 7.1.2.7.6)"),
        ));
    }
}

/// subjectAltName of the leaf: critical exactly when the subject is empty
/// (RFC 5280 4.2.1.6, CA/B Forum BR 7.1.2.7.12), and not empty.
fn leaf_san(cert: &X509Certificate<'_>, who: &str, out: &mut Failures) {
    let Some(e) = ext(cert, OID_SAN) else {
        return;
    };
    let empty_subject = cert.tbs_certificate.subject.as_raw().len() <= 2;
    if empty_subject && !e.critical {
        out.push((
            Check::Profile,
            format!(
                "{who} has an empty subject and a non-critical subjectAltName (RFC 5280 4.2.1.6)"
            ),
        ));
    }
    if !empty_subject && e.critical {
        out.push((
            Check::Profile,
            format!(
                "{who} has a critical subjectAltName next to a subject (CA/B Forum BR 7.1.2.7.12)"
            ),
        ));
    }
    if let ParsedExtension::SubjectAlternativeName(san) = e.parsed_extension() {
        if san.general_names.is_empty() {
            out.push((
                Check::Profile,
                format!("{who} has an empty subjectAltName (RFC 5280 4.2.1.6)"),
            ));
        }
    }
}

/// The serial number: positive, at most 20 octets (RFC 5280 4.1.2.2).
fn serial(cert: &X509Certificate<'_>, who: &str, out: &mut Failures) {
    let raw = cert.tbs_certificate.raw_serial();
    let problem = if raw.first().is_some_and(|b| b & 0x80 != 0) {
        Some("is negative")
    } else if raw.iter().all(|b| *b == 0) {
        Some("is zero")
    } else if raw.len() > 20 {
        Some("is longer than 20 octets")
    } else {
        None
    };
    if let Some(p) = problem {
        out.push((
            Check::Profile,
            format!("{who} has a serial number that {p} (RFC 5280 4.1.2.2)"),
        ));
    }
}

/// (cA, pathLenConstraint) of basicConstraints; (false, None) when absent.
pub fn basic_constraints(cert: &X509Certificate<'_>) -> (bool, Option<u32>) {
    match ext(cert, OID_BASIC_CONSTRAINTS).map(|e| e.parsed_extension()) {
        Some(ParsedExtension::BasicConstraints(bc)) => (bc.ca, bc.path_len_constraint),
        _ => (false, None),
    }
}

/// The checks for a certificate that issues the one below it: an intermediate
/// or the trust anchor (`Place::Root`).
pub fn as_issuer(cert: &X509Certificate<'_>, place: Place) -> Failures {
    let who = place.describe(cert);
    let mut out = common(cert, place);
    let tbs = &cert.tbs_certificate;
    if place == Place::Intermediate {
        serial(cert, &who, &mut out);
    }
    match ext(cert, OID_BASIC_CONSTRAINTS) {
        None => out.push((
            Check::BasicConstraints,
            format!("{who} is not a CA: it has no basicConstraints (RFC 5280 4.2.1.9)"),
        )),
        Some(e) => {
            let (ca, _) = basic_constraints(cert);
            if !ca {
                out.push((
                    Check::BasicConstraints,
                    format!("{who} is not a CA (basicConstraints cA=FALSE), so it must not sign certificates (RFC 5280 4.2.1.9)"),
                ));
            } else if !e.critical {
                out.push((
                    Check::BasicConstraints,
                    format!("{who} has a non-critical basicConstraints (RFC 5280 4.2.1.9)"),
                ));
            }
        }
    }
    if let Ok(Some(ku)) = cert.key_usage() {
        if !ku.value.key_cert_sign() {
            out.push((
                Check::KeyUsage,
                format!("{who} may not sign certificates: its keyUsage lacks keyCertSign (RFC 5280 4.2.1.3)"),
            ));
        }
    }
    if tbs.subject.as_raw().len() <= 2 {
        out.push((
            Check::Profile,
            format!("{who} is a CA with an empty subject (RFC 5280 4.1.2.6)"),
        ));
    }
    if ext(cert, OID_SKI).is_none() {
        out.push((
            Check::Profile,
            format!("{who} has no subjectKeyIdentifier, which every CA certificate must have (RFC 5280 4.2.1.2)"),
        ));
    }
    if ext(cert, OID_POLICY_CONSTRAINTS).is_some_and(|e| !e.critical) {
        out.push((
            Check::Profile,
            format!("{who} has a non-critical policyConstraints (RFC 5280 4.2.1.11)"),
        ));
    }
    issuer_eku(cert, place, &who, &mut out);
    if let Err(why) = crate::nameconstraints::of(cert) {
        out.push((Check::NameConstraints, format!("{who} {why}")));
    }
    out
}

/// extKeyUsage in a CA constrains what it may issue (Chrome, Mozilla): it must
/// allow serverAuth; a root has none (CA/B Forum BR 7.1.2.1.2).
fn issuer_eku(cert: &X509Certificate<'_>, place: Place, who: &str, out: &mut Failures) {
    let Some(e) = ext(cert, OID_EKU) else {
        return;
    };
    if place == Place::Root {
        out.push((
            Check::ExtendedKeyUsage,
            format!("{who} has an extKeyUsage, which root certificates must not have (CA/B Forum BR 7.1.2.1.2)"),
        ));
        return;
    }
    if let ParsedExtension::ExtendedKeyUsage(eku) = e.parsed_extension() {
        if !eku.server_auth && !eku.any {
            out.push((
                Check::ExtendedKeyUsage,
                format!(
                    "{who} may not issue server certificates: its extKeyUsage lists {} but not serverAuth",
                    crate::cert::describe_eku(eku).join(", ")
                ),
            ));
        }
    }
}

/// notBefore ≤ now ≤ notAfter, both inclusive (RFC 5280 4.1.2.5).
pub fn validity(cert: &X509Certificate<'_>, place: Place, now: i64) -> Failures {
    let v = &cert.tbs_certificate.validity;
    validity_of(
        (v.not_before.timestamp(), v.not_after.timestamp()),
        &place.describe(cert),
        now,
    )
}

/// [`validity`] on bare (notBefore, notAfter) Unix seconds.
pub fn validity_of((not_before, not_after): (i64, i64), who: &str, now: i64) -> Failures {
    let mut out = Failures::new();
    if now > not_after {
        out.push((
            Check::Expired,
            format!("{who} expired on {}", crate::time::rfc3339(not_after)),
        ));
    }
    if now < not_before {
        out.push((
            Check::NotYetValid,
            format!(
                "{who} is not valid before {}",
                crate::time::rfc3339(not_before)
            ),
        ));
    }
    out
}

/// The names of a certificate that name constraints apply to, besides its
/// subject: the subjectAltName entries.
pub fn san_names<'c, 'a>(cert: &'c X509Certificate<'a>) -> &'c [GeneralName<'a>] {
    match ext(cert, OID_SAN).map(|e| e.parsed_extension()) {
        Some(ParsedExtension::SubjectAlternativeName(san)) => &san.general_names,
        _ => &[],
    }
}
