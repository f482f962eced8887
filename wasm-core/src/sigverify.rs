//! Certificate signature verification in pure Rust (RustCrypto), so the same code
//! runs natively and in WebAssembly (ring needs a C toolchain for wasm32).
//!
//! Supported: RSA PKCS#1 v1.5 with MD5/SHA-1/SHA-2, RSASSA-PSS with SHA-1/SHA-2,
//! ECDSA on P-256/P-384/P-521 with SHA-1/SHA-2, Ed25519. Anything else is
//! reported as [`SigCheck::Unsupported`], never as valid.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use x509_parser::certificate::X509Certificate;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use crate::sigalg::{pss_params_of, signature_algorithm, SignatureHash};

/// The outcome of checking one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigCheck {
    /// The issuer's key made this signature.
    Valid,
    /// It did not (wrong issuer key, corrupted certificate).
    Invalid,
    /// We cannot check this algorithm or key type; says which.
    Unsupported(String),
}

/// Largest RSA modulus we verify with (some roots use 8192 bits).
const MAX_RSA_BITS: usize = 16_384;

/// How many outcomes [`verify`] remembers before it starts over (a
/// long-running relay grades many sites).
const MEMO_MAX: usize = 4096;

/// Checks that `issuer_key` signed `cert`. The outcome is remembered for
/// the process: one grade builds paths for every root store and simulated
/// client and meets the same certificate and issuer many times, and an RSA
/// check in pure Rust costs a good part of a millisecond.
pub fn verify(cert: &X509Certificate<'_>, issuer_key: &SubjectPublicKeyInfo<'_>) -> SigCheck {
    let alg = &cert.signature_algorithm;
    let tbs = cert.tbs_certificate.as_ref();
    let sig = cert.signature_value.data.as_ref();
    let key = memo_key(alg, tbs, sig, issuer_key);
    let memo = memo();
    if let Some(known) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return known;
    }
    let out = verify_signed(alg, tbs, sig, issuer_key);
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MEMO_MAX {
            m.clear();
        }
        m.insert(key, out.clone());
    }
    out
}

fn memo() -> &'static Mutex<HashMap<[u8; 32], SigCheck>> {
    static MEMO: OnceLock<Mutex<HashMap<[u8; 32], SigCheck>>> = OnceLock::new();
    MEMO.get_or_init(Mutex::default)
}

/// SHA-256 over everything the outcome depends on, each part
/// length-prefixed: the algorithm (OID and parameters), the signed bytes,
/// the signature and the issuer's key.
fn memo_key(
    alg: &AlgorithmIdentifier<'_>,
    tbs: &[u8],
    sig: &[u8],
    issuer_key: &SubjectPublicKeyInfo<'_>,
) -> [u8; 32] {
    let params = alg.parameters.as_ref().map_or(&[][..], |p| p.data);
    let mut h = Sha256::new();
    for part in [alg.algorithm.as_bytes(), params, tbs, sig, issuer_key.raw] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// Checks that `key` made `sig` over `tbs` with `alg` (a certificate's or an
/// OCSP response's signature).
pub fn verify_signed(
    alg: &AlgorithmIdentifier<'_>,
    tbs: &[u8],
    sig: &[u8],
    issuer_key: &SubjectPublicKeyInfo<'_>,
) -> SigCheck {
    let oid = alg.algorithm.to_id_string();
    let (name, hash) = signature_algorithm(&oid);
    let key_alg = issuer_key.algorithm.algorithm.to_id_string();
    match (name, key_alg.as_str()) {
        ("ED25519", "1.3.101.112") => ed25519(issuer_key, tbs, sig),
        ("rsassaPss", "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10") => match pss_params_of(alg)
        {
            Some((hash, salt)) => rsa_pss(issuer_key, hash, salt, tbs, sig),
            None => SigCheck::Unsupported("RSASSA-PSS parameters".into()),
        },
        (n, "1.2.840.113549.1.1.1") if n.contains("RSA") => rsa_pkcs1(issuer_key, hash, tbs, sig),
        (n, "1.2.840.10045.2.1") if n.starts_with("ecdsa") => ecdsa(issuer_key, hash, tbs, sig),
        _ => SigCheck::Unsupported(format!("{name} ({oid}) with key {key_alg}")),
    }
}

fn digest(hash: SignatureHash, data: &[u8]) -> Option<Vec<u8>> {
    Some(match hash {
        SignatureHash::Md5 => md5::Md5::digest(data).to_vec(),
        SignatureHash::Sha1 => Sha1::digest(data).to_vec(),
        SignatureHash::Sha224 => Sha224::digest(data).to_vec(),
        SignatureHash::Sha256 => Sha256::digest(data).to_vec(),
        SignatureHash::Sha384 => Sha384::digest(data).to_vec(),
        SignatureHash::Sha512 => Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

fn rsa_key(spki: &SubjectPublicKeyInfo<'_>) -> Result<RsaPublicKey, SigCheck> {
    match spki.parsed() {
        Ok(PublicKey::RSA(k)) => RsaPublicKey::new_with_max_size(
            BigUint::from_bytes_be(k.modulus),
            BigUint::from_bytes_be(k.exponent),
            MAX_RSA_BITS,
        )
        .map_err(|e| SigCheck::Unsupported(format!("RSA key: {e}"))),
        _ => Err(SigCheck::Unsupported("malformed RSA key".into())),
    }
}

fn rsa_pkcs1(
    spki: &SubjectPublicKeyInfo<'_>,
    hash: SignatureHash,
    tbs: &[u8],
    sig: &[u8],
) -> SigCheck {
    let key = match rsa_key(spki) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let scheme = match hash {
        SignatureHash::Md5 => Pkcs1v15Sign::new::<md5::Md5>(),
        SignatureHash::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
        SignatureHash::Sha224 => Pkcs1v15Sign::new::<Sha224>(),
        SignatureHash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        SignatureHash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        SignatureHash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        other => return SigCheck::Unsupported(format!("RSA with {other:?}")),
    };
    let Some(hashed) = digest(hash, tbs) else {
        return SigCheck::Unsupported(format!("{hash:?}"));
    };
    outcome(key.verify(scheme, &hashed, sig).is_ok())
}

fn rsa_pss(
    spki: &SubjectPublicKeyInfo<'_>,
    hash: SignatureHash,
    salt: usize,
    tbs: &[u8],
    sig: &[u8],
) -> SigCheck {
    let key = match rsa_key(spki) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let scheme = match hash {
        SignatureHash::Sha1 => Pss::new_with_salt::<Sha1>(salt),
        SignatureHash::Sha224 => Pss::new_with_salt::<Sha224>(salt),
        SignatureHash::Sha256 => Pss::new_with_salt::<Sha256>(salt),
        SignatureHash::Sha384 => Pss::new_with_salt::<Sha384>(salt),
        SignatureHash::Sha512 => Pss::new_with_salt::<Sha512>(salt),
        other => return SigCheck::Unsupported(format!("PSS with {other:?}")),
    };
    let Some(hashed) = digest(hash, tbs) else {
        return SigCheck::Unsupported(format!("{hash:?}"));
    };
    outcome(key.verify(scheme, &hashed, sig).is_ok())
}

fn ecdsa(spki: &SubjectPublicKeyInfo<'_>, hash: SignatureHash, tbs: &[u8], sig: &[u8]) -> SigCheck {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let Some(prehash) = digest(hash, tbs) else {
        return SigCheck::Unsupported(format!("ECDSA with {hash:?}"));
    };
    let point = spki.subject_public_key.data.as_ref();
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string());
    let ok = match curve.as_deref() {
        Some("1.2.840.10045.3.1.7") => {
            let (Ok(vk), Ok(s)) = (
                p256::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p256::ecdsa::Signature::from_der(sig),
            ) else {
                return SigCheck::Invalid;
            };
            vk.verify_prehash(&prehash, &s).is_ok()
        }
        Some("1.3.132.0.34") => {
            let (Ok(vk), Ok(s)) = (
                p384::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p384::ecdsa::Signature::from_der(sig),
            ) else {
                return SigCheck::Invalid;
            };
            vk.verify_prehash(&prehash, &s).is_ok()
        }
        Some("1.3.132.0.35") => {
            let (Ok(vk), Ok(s)) = (
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point),
                p521::ecdsa::Signature::from_der(sig),
            ) else {
                return SigCheck::Invalid;
            };
            vk.verify_prehash(&prehash, &s).is_ok()
        }
        other => return SigCheck::Unsupported(format!("ECDSA curve {other:?}")),
    };
    outcome(ok)
}

fn ed25519(spki: &SubjectPublicKeyInfo<'_>, tbs: &[u8], sig: &[u8]) -> SigCheck {
    let Ok(key_bytes) = <&[u8; 32]>::try_from(spki.subject_public_key.data.as_ref()) else {
        return SigCheck::Invalid;
    };
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(key_bytes) else {
        return SigCheck::Invalid;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
        return SigCheck::Invalid;
    };
    outcome(vk.verify_strict(tbs, &sig).is_ok())
}

fn outcome(ok: bool) -> SigCheck {
    if ok {
        SigCheck::Valid
    } else {
        SigCheck::Invalid
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use x509_parser::prelude::FromDer;

    fn self_signed() -> Vec<u8> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let params = rcgen::CertificateParams::new(vec!["memo.test".to_owned()]).unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn a_remembered_outcome_is_never_another_certificates() {
        let der = self_signed();
        let other = self_signed();
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        let (_, stranger) = X509Certificate::from_der(&other).unwrap();
        let own = cert.public_key();
        assert_eq!(verify(&cert, own), SigCheck::Valid);
        assert_eq!(verify(&cert, own), SigCheck::Valid);
        assert_eq!(verify(&cert, stranger.public_key()), SigCheck::Invalid);
        // The same certificate with its signature's last byte changed.
        let mut bad = der.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let (_, tampered) = X509Certificate::from_der(&bad).unwrap();
        assert_eq!(verify(&tampered, own), SigCheck::Invalid);
        assert_eq!(verify(&cert, own), SigCheck::Valid);
    }
}
