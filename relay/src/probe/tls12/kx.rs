//! The client's side of the key exchange: a [`ClientKeyExchange`] and the
//! premaster secret, for ECDHE (x25519, P-256, P-384, through ring), finite
//! field DHE and RSA key transport (both by big-number arithmetic), and the
//! raw RSA encryption ROBOT's crafted blocks need ([`rsa_encrypt_raw`]).

use num_bigint::BigUint;
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::codec::{ClientKeyExchange, DheParams, EcdheParams, NamedGroup, ProtocolVersion};

/// The message to send and the secret it agrees on.
#[derive(Debug, Clone)]
pub struct KeyShare {
    /// The ClientKeyExchange.
    pub message: ClientKeyExchange,
    /// The premaster secret.
    pub premaster: Vec<u8>,
}

/// Why no key share could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KxError(pub String);

/// The groups the ECDHE key exchange implements, as offered.
pub const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

/// ECDHE with the server's `params`.
pub fn ecdhe(params: &EcdheParams) -> Result<KeyShare, KxError> {
    let alg = match params.named_group {
        NamedGroup::X25519 => &agreement::X25519,
        NamedGroup::SECP256R1 => &agreement::ECDH_P256,
        NamedGroup::SECP384R1 => &agreement::ECDH_P384,
        other => {
            return Err(KxError(format!(
                "the server chose group {other}, not offered"
            )))
        }
    };
    let rng = SystemRandom::new();
    let private = EphemeralPrivateKey::generate(alg, &rng)
        .map_err(|_| KxError("no ephemeral key".to_owned()))?;
    let public = private
        .compute_public_key()
        .map_err(|_| KxError("no public key".to_owned()))?
        .as_ref()
        .to_vec();
    let premaster = agreement::agree_ephemeral(
        private,
        &UnparsedPublicKey::new(alg, &params.point),
        |secret| secret.to_vec(),
    )
    .map_err(|_| KxError("the server's ECDH point is invalid".to_owned()))?;
    Ok(KeyShare {
        message: ClientKeyExchange::Ecdhe(public),
        premaster,
    })
}

/// Finite-field DHE with the server's `params`: a random 256-bit exponent.
pub fn dhe(params: &DheParams) -> Result<KeyShare, KxError> {
    let p = BigUint::from_bytes_be(&params.p);
    let g = BigUint::from_bytes_be(&params.g);
    let ys = BigUint::from_bytes_be(&params.ys);
    let one = BigUint::from(1u8);
    if p <= one || ys <= one || ys >= &p - &one {
        return Err(KxError(
            "the server's DH parameters are degenerate".to_owned(),
        ));
    }
    let mut x = [0u8; 32];
    SystemRandom::new()
        .fill(&mut x)
        .map_err(|_| KxError("no randomness".to_owned()))?;
    let x = BigUint::from_bytes_be(&x);
    let yc = g.modpow(&x, &p);
    // The premaster secret is Z with its leading zero bytes stripped
    // (RFC 5246 §8.1.2).
    let z = ys.modpow(&x, &p);
    Ok(KeyShare {
        message: ClientKeyExchange::Dhe(yc.to_bytes_be()),
        premaster: z.to_bytes_be(),
    })
}

/// `block^e mod n`, left-padded to the modulus length: the RSA encryption
/// of an already padded block (ROBOT sends malformed ones on purpose).
pub fn rsa_encrypt_raw(modulus: &[u8], exponent: &[u8], block: &[u8]) -> Vec<u8> {
    let n = BigUint::from_bytes_be(modulus);
    let e = BigUint::from_bytes_be(exponent);
    let c = BigUint::from_bytes_be(block).modpow(&e, &n).to_bytes_be();
    let len = modulus_len(modulus);
    let mut out = vec![0u8; len.saturating_sub(c.len())];
    out.extend(c);
    out
}

/// The modulus length in bytes, leading zero bytes ignored.
pub fn modulus_len(modulus: &[u8]) -> usize {
    modulus.iter().skip_while(|b| **b == 0).count()
}

/// `k` random non-zero bytes (PKCS#1 v1.5 type 2 padding).
fn nonzero_random(k: usize) -> Result<Vec<u8>, KxError> {
    let rng = SystemRandom::new();
    let mut out = vec![0u8; k];
    rng.fill(&mut out)
        .map_err(|_| KxError("no randomness".to_owned()))?;
    for b in &mut out {
        while *b == 0 {
            let mut one = [0u8; 1];
            rng.fill(&mut one)
                .map_err(|_| KxError("no randomness".to_owned()))?;
            *b = one[0];
        }
    }
    Ok(out)
}

/// RSA key transport to the certificate `leaf`: a random premaster secret
/// carrying `client_version`, PKCS#1 v1.5 encrypted.
pub fn rsa(leaf: &[u8], client_version: ProtocolVersion) -> Result<KeyShare, KxError> {
    let (n, e) = tlslens_core::cert::rsa_public_key(leaf)
        .ok_or_else(|| KxError("the certificate has no RSA key".to_owned()))?;
    let k = modulus_len(&n);
    if k < 11 + 48 {
        return Err(KxError(format!("an RSA modulus of {k} bytes is too short")));
    }
    let mut premaster = client_version.0.to_be_bytes().to_vec();
    let mut secret = [0u8; 46];
    SystemRandom::new()
        .fill(&mut secret)
        .map_err(|_| KxError("no randomness".to_owned()))?;
    premaster.extend_from_slice(&secret);
    let mut block = vec![0x00, 0x02];
    block.extend(nonzero_random(k - 3 - premaster.len())?);
    block.push(0);
    block.extend_from_slice(&premaster);
    Ok(KeyShare {
        message: ClientKeyExchange::Rsa(rsa_encrypt_raw(&n, &e, &block)),
        premaster,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rsa_raw_encryption_is_textbook() {
        // n = 3233 = 61 * 53, e = 17: 65^17 mod 3233 = 2790.
        let c = rsa_encrypt_raw(&[0x0C, 0xA1], &[17], &[65]);
        assert_eq!(c, 2790u16.to_be_bytes());
        // Left-padded to the modulus length.
        assert_eq!(rsa_encrypt_raw(&[0x0C, 0xA1], &[17], &[1]), [0, 1]);
        assert_eq!(modulus_len(&[0, 0, 1, 2]), 2);
    }

    #[test]
    fn dhe_agrees_with_the_server_side() {
        // A toy group: p = 2^127 - 1 (prime), g = 3, server secret 12345.
        let p = (BigUint::from(1u8) << 127usize) - BigUint::from(1u8);
        let g = BigUint::from(3u8);
        let s = BigUint::from(12345u32);
        let ys = g.modpow(&s, &p);
        let share = dhe(&DheParams {
            p: p.to_bytes_be(),
            g: g.to_bytes_be(),
            ys: ys.to_bytes_be(),
        })
        .unwrap();
        let ClientKeyExchange::Dhe(yc) = share.message else {
            panic!("not DHE");
        };
        let z = BigUint::from_bytes_be(&yc).modpow(&s, &p);
        assert_eq!(z.to_bytes_be(), share.premaster);
        assert!(dhe(&DheParams {
            p: p.to_bytes_be(),
            g: g.to_bytes_be(),
            ys: vec![1],
        })
        .is_err());
    }

    #[test]
    fn ecdhe_makes_a_point_of_the_group() {
        let peer = |alg: &'static agreement::Algorithm| {
            let k = EphemeralPrivateKey::generate(alg, &SystemRandom::new()).unwrap();
            k.compute_public_key().unwrap().as_ref().to_vec()
        };
        for (group, alg, len) in [
            (NamedGroup::X25519, &agreement::X25519, 32),
            (NamedGroup::SECP256R1, &agreement::ECDH_P256, 65),
            (NamedGroup::SECP384R1, &agreement::ECDH_P384, 97),
        ] {
            let share = ecdhe(&EcdheParams {
                named_group: group,
                point: peer(alg),
            })
            .unwrap();
            let ClientKeyExchange::Ecdhe(point) = share.message else {
                panic!("not ECDHE");
            };
            assert_eq!(point.len(), len);
        }
        assert!(ecdhe(&EcdheParams {
            named_group: NamedGroup::SECP521R1,
            point: vec![4; 133],
        })
        .is_err());
    }
}
