//! The TLS 1.0–1.2 key schedule: the PRF (RFC 2246 §5: `P_MD5` XOR
//! `P_SHA1` over the two halves of the secret; RFC 5246 §5: `P_SHA256` or
//! `P_SHA384`), the master secret, the key block and the Finished
//! `verify_data` (RFC 5246 §7.4.9; TLS 1.0/1.1 hash the handshake with MD5
//! and SHA-1 side by side).

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha1::Sha1;
use sha2::{Sha256, Sha384};

use super::suite::PrfHash;
use crate::codec::ProtocolVersion;

/// A hash for HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// MD5 (the TLS 1.0/1.1 PRF only).
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

/// HMAC of `parts` (concatenated) under `key`.
pub fn hmac(alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        // HMAC takes keys of any length: this cannot fail.
        let Ok(mut m) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
            return Vec::new();
        };
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }
    match alg {
        HashAlg::Md5 => run::<Hmac<Md5>>(key, parts),
        HashAlg::Sha1 => run::<Hmac<Sha1>>(key, parts),
        HashAlg::Sha256 => run::<Hmac<Sha256>>(key, parts),
        HashAlg::Sha384 => run::<Hmac<Sha384>>(key, parts),
    }
}

/// `P_hash(secret, seed)` truncated to `len` bytes.
fn p_hash(alg: HashAlg, secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut a = hmac(alg, secret, &[seed]);
    while out.len() < len {
        out.extend(hmac(alg, secret, &[&a, seed]));
        a = hmac(alg, secret, &[&a]);
    }
    out.truncate(len);
    out
}

/// `PRF(secret, label, seed)` of version `v` (and `hash` at TLS 1.2),
/// `len` bytes.
pub fn prf(
    v: ProtocolVersion,
    hash: PrfHash,
    secret: &[u8],
    label: &[u8],
    seed: &[u8],
    len: usize,
) -> Vec<u8> {
    let mut label_seed = label.to_vec();
    label_seed.extend_from_slice(seed);
    if v >= ProtocolVersion::TLS12 {
        let alg = match hash {
            PrfHash::Sha256 => HashAlg::Sha256,
            PrfHash::Sha384 => HashAlg::Sha384,
        };
        return p_hash(alg, secret, &label_seed, len);
    }
    // Two halves, sharing the middle byte when the length is odd.
    let half = secret.len().div_ceil(2);
    let s1 = secret.get(..half).unwrap_or_default();
    let s2 = secret.get(secret.len() - half..).unwrap_or_default();
    let md5 = p_hash(HashAlg::Md5, s1, &label_seed, len);
    let sha = p_hash(HashAlg::Sha1, s2, &label_seed, len);
    md5.iter().zip(&sha).map(|(a, b)| a ^ b).collect()
}

/// The master secret of a full handshake.
pub fn master_secret(
    v: ProtocolVersion,
    hash: PrfHash,
    premaster: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Vec<u8> {
    let seed = [client_random.as_slice(), server_random.as_slice()].concat();
    prf(v, hash, premaster, b"master secret", &seed, 48)
}

/// `len` bytes of key block.
pub fn key_block(
    v: ProtocolVersion,
    hash: PrfHash,
    master: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    len: usize,
) -> Vec<u8> {
    let seed = [server_random.as_slice(), client_random.as_slice()].concat();
    prf(v, hash, master, b"key expansion", &seed, len)
}

/// The handshake hash the Finished messages sign: the PRF hash of the
/// transcript at TLS 1.2, MD5 then SHA-1 of it before.
pub fn transcript_hash(v: ProtocolVersion, hash: PrfHash, transcript: &[u8]) -> Vec<u8> {
    if v >= ProtocolVersion::TLS12 {
        return match hash {
            PrfHash::Sha256 => Sha256::digest(transcript).to_vec(),
            PrfHash::Sha384 => Sha384::digest(transcript).to_vec(),
        };
    }
    let mut out = Md5::digest(transcript).to_vec();
    out.extend_from_slice(&Sha1::digest(transcript));
    out
}

/// Which side's Finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// "client finished".
    Client,
    /// "server finished".
    Server,
}

/// The 12-byte `verify_data` of `side`'s Finished over `transcript`.
pub fn verify_data(
    v: ProtocolVersion,
    hash: PrfHash,
    master: &[u8],
    side: Side,
    transcript: &[u8],
) -> Vec<u8> {
    let label: &[u8] = match side {
        Side::Client => b"client finished",
        Side::Server => b"server finished",
    };
    prf(
        v,
        hash,
        master,
        label,
        &transcript_hash(v, hash, transcript),
        12,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let d: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        d.chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    #[test]
    fn hmac_matches_rfc_2202_and_4231() {
        // RFC 2202 test case 2 (HMAC-MD5, HMAC-SHA1): key "Jefe".
        let data = b"what do ya want for nothing?";
        assert_eq!(
            hmac(HashAlg::Md5, b"Jefe", &[data]),
            hex("750c783e6ab0b503eaa86e310a5db738")
        );
        assert_eq!(
            hmac(HashAlg::Sha1, b"Jefe", &[&data[..10], &data[10..]]),
            hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        );
        // RFC 4231 test case 2 (HMAC-SHA256, HMAC-SHA384).
        assert_eq!(
            hmac(HashAlg::Sha256, b"Jefe", &[data]),
            hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        assert_eq!(
            hmac(HashAlg::Sha384, b"Jefe", &[data]),
            hex("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")
        );
    }

    #[test]
    fn prf_lengths_and_halves() {
        let s = prf(
            ProtocolVersion::TLS12,
            PrfHash::Sha256,
            b"k",
            b"l",
            b"s",
            100,
        );
        assert_eq!(s.len(), 100);
        // A prefix of a longer output is the shorter output.
        assert_eq!(
            prf(
                ProtocolVersion::TLS12,
                PrfHash::Sha256,
                b"k",
                b"l",
                b"s",
                33
            ),
            s[..33]
        );
        let t10 = prf(
            ProtocolVersion::TLS10,
            PrfHash::Sha256,
            b"odd",
            b"l",
            b"s",
            48,
        );
        assert_eq!(t10.len(), 48);
        // TLS 1.0 and 1.1 share the PRF; 1.2 differs.
        assert_eq!(
            t10,
            prf(
                ProtocolVersion::TLS11,
                PrfHash::Sha384,
                b"odd",
                b"l",
                b"s",
                48
            )
        );
        assert_ne!(
            t10,
            prf(
                ProtocolVersion::TLS12,
                PrfHash::Sha256,
                b"odd",
                b"l",
                b"s",
                48
            )
        );
        assert_eq!(
            transcript_hash(ProtocolVersion::TLS10, PrfHash::Sha256, b"").len(),
            36
        );
        assert_eq!(
            transcript_hash(ProtocolVersion::TLS12, PrfHash::Sha384, b"").len(),
            48
        );
    }
}
