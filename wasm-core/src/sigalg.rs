//! Signature algorithms of certificates: OpenSSL's names for them, and the hash
//! each one uses (read from the parameters for RSASSA-PSS). Shared by the
//! certificate description ([`crate::cert`]) and the signature checks
//! ([`crate::sigverify`]), which depend on this module and not on each other.

use x509_parser::certificate::X509Certificate;
use x509_parser::signature_algorithm::SignatureAlgorithm;
use x509_parser::x509::AlgorithmIdentifier;

/// The hash a certificate's signature uses, for the weak-signature rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureHash {
    Md2,
    Md4,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    /// EdDSA and others that hash internally.
    Intrinsic,
    Unknown,
}

/// OpenSSL's name for the signature algorithm (`sha256WithRSAEncryption`), and the
/// hash it uses.
pub fn signature_algorithm(oid: &str) -> (&'static str, SignatureHash) {
    use SignatureHash::*;
    match oid {
        "1.2.840.113549.1.1.2" => ("md2WithRSAEncryption", Md2),
        "1.2.840.113549.1.1.3" => ("md4WithRSAEncryption", Md4),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", Md5),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption", Sha1),
        "1.3.14.3.2.29" => ("sha1WithRSA", Sha1),
        "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", Sha224),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", Sha256),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", Sha384),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", Sha512),
        "1.2.840.113549.1.1.10" => ("rsassaPss", Unknown),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", Sha1),
        "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", Sha224),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", Sha256),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", Sha384),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", Sha512),
        "1.2.840.10040.4.3" => ("dsa_with_SHA1", Sha1),
        "2.16.840.1.101.3.4.3.1" => ("dsa_with_SHA224", Sha224),
        "2.16.840.1.101.3.4.3.2" => ("dsa_with_SHA256", Sha256),
        "1.3.101.112" => ("ED25519", Intrinsic),
        "1.3.101.113" => ("ED448", Intrinsic),
        _ => ("unknown", Unknown),
    }
}

pub fn signature_algorithm_name(cert: &X509Certificate<'_>) -> String {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    match signature_algorithm(&oid) {
        ("unknown", _) => oid,
        (name, _) => name.to_owned(),
    }
}

/// The hash of a certificate's signature; for RSASSA-PSS it is read from the
/// parameters.
pub fn signature_hash(cert: &X509Certificate<'_>) -> SignatureHash {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    match signature_algorithm(&oid) {
        ("rsassaPss", _) => pss_params(cert)
            .map(|(hash, _)| hash)
            .unwrap_or(SignatureHash::Unknown),
        (_, hash) => hash,
    }
}

/// Reads RSASSA-PSS parameters: (hash, salt length).
pub fn pss_params(cert: &X509Certificate<'_>) -> Option<(SignatureHash, usize)> {
    pss_params_of(&cert.signature_algorithm)
}

/// Reads RSASSA-PSS parameters of any signature algorithm identifier (an
/// OCSP response's, a certificate's): (hash, salt length).
pub fn pss_params_of(alg: &AlgorithmIdentifier<'_>) -> Option<(SignatureHash, usize)> {
    let alg = SignatureAlgorithm::try_from(alg).ok()?;
    let SignatureAlgorithm::RSASSA_PSS(params) = alg else {
        return None;
    };
    let hash = match params.hash_algorithm_oid().to_id_string().as_str() {
        "1.3.14.3.2.26" => SignatureHash::Sha1,
        "2.16.840.1.101.3.4.2.4" => SignatureHash::Sha224,
        "2.16.840.1.101.3.4.2.1" => SignatureHash::Sha256,
        "2.16.840.1.101.3.4.2.2" => SignatureHash::Sha384,
        "2.16.840.1.101.3.4.2.3" => SignatureHash::Sha512,
        _ => return None,
    };
    Some((hash, usize::try_from(params.salt_length()).ok()?))
}
