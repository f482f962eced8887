//! Fresh TLS 1.3 key shares the relay holds the private half of, so that it
//! can derive the handshake keys and read the server's encrypted Certificate
//! (see [`super::tls13`]).
//!
//! | group | how |
//! |---|---|
//! | `x25519`, `secp256r1`, `secp384r1` | `ring`'s ephemeral ECDH |
//! | `secp521r1` | RustCrypto's `p521` (ring has no P-521 ECDH) |
//! | `X25519MLKEM768` | RustCrypto's `ml-kem` (ML-KEM-768 encapsulation key) ‖ an x25519 share; the shared secret is the ML-KEM secret ‖ the x25519 secret (draft-ietf-tls-ecdhe-mlkem) |
//! | `ffdhe2048` … `ffdhe8192` | the private exponent 1, public value 2 (see [`Secret::Ffdhe`]) |
//!
//! Any other group (GREASE, x448, brainpool, unknown) has no fresh share: the
//! caller keeps the recorded one, and the certificate stays unread.
//!
//! [`Source::Zero`] makes every share all zeros of the right length: the
//! hello built with it is the key under which equal hellos share one
//! connection ([`super::prepare`]).

use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::codec::{KeyShareEntry, NamedGroup};

/// Where the random bytes of a hello come from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'r> {
    /// The system's CSPRNG: a hello to send.
    System(&'r SystemRandom),
    /// Zeros, and no private keys: the hello as a key for sharing results.
    Zero,
}

impl Source<'_> {
    /// Fills `out` with random bytes (zeros for [`Source::Zero`]).
    pub fn fill(&self, out: &mut [u8]) {
        match self {
            Source::System(rng) => {
                // SystemRandom only fails when the OS has no randomness at
                // all; the bytes are then zeros, which still make a valid
                // (if predictable) hello.
                let _ = rng.fill(out);
            }
            Source::Zero => out.fill(0),
        }
    }

    /// `N` random bytes.
    pub fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        self.fill(&mut out);
        out
    }
}

/// The private half of a key share.
pub enum Secret {
    /// x25519, P-256 or P-384 (ring).
    Ring(EphemeralPrivateKey, &'static agreement::Algorithm),
    /// P-521.
    P521(Box<p521::SecretKey>),
    /// X25519MLKEM768: the ML-KEM-768 decapsulation key and the x25519 key.
    MlKem768X25519(
        Box<<ml_kem::MlKem768 as ml_kem::KemCore>::DecapsulationKey>,
        EphemeralPrivateKey,
    ),
    /// An RFC 7919 group of `len`-byte primes, with the private exponent 1
    /// and the public value 2 (the generator). The share is a valid public
    /// key (2 is in the prime-order subgroup of every RFC 7919 prime, as
    /// they are ≡ 7 mod 8), and with exponent 1 the shared secret is the
    /// server's public value itself — no modular exponentiation needed. It
    /// protects nothing, which is fine: the relay reads the certificate and
    /// hangs up; it never finishes the handshake.
    Ffdhe {
        /// The prime's length in bytes.
        len: usize,
    },
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Secret::Ring(..) => "ecdh",
            Secret::P521(_) => "p521",
            Secret::MlKem768X25519(..) => "X25519MLKEM768",
            Secret::Ffdhe { .. } => "ffdhe",
        };
        f.debug_tuple("Secret").field(&kind).finish()
    }
}

/// The byte length of a group's client share, for the groups the relay
/// can make fresh shares of.
pub fn share_len(group: NamedGroup) -> Option<usize> {
    Some(match group {
        NamedGroup::X25519 => 32,
        NamedGroup::SECP256R1 => 65,
        NamedGroup::SECP384R1 => 97,
        NamedGroup::SECP521R1 => 133,
        NamedGroup::X25519MLKEM768 => ML_KEM_768_EK + 32,
        g => ffdhe_len(g)?,
    })
}

/// ML-KEM-768 encapsulation key length.
const ML_KEM_768_EK: usize = 1184;
/// ML-KEM-768 ciphertext length.
const ML_KEM_768_CT: usize = 1088;

fn ffdhe_len(group: NamedGroup) -> Option<usize> {
    match group.0 {
        0x0100 => Some(256),
        0x0101 => Some(384),
        0x0102 => Some(512),
        0x0103 => Some(768),
        0x0104 => Some(1024),
        _ => None,
    }
}

fn ring_alg(group: NamedGroup) -> Option<&'static agreement::Algorithm> {
    match group {
        NamedGroup::X25519 => Some(&agreement::X25519),
        NamedGroup::SECP256R1 => Some(&agreement::ECDH_P256),
        NamedGroup::SECP384R1 => Some(&agreement::ECDH_P384),
        _ => None,
    }
}

/// A fresh share for `group` and its private half (`None` for
/// [`Source::Zero`], which gives zeros of the share's length); `None` when
/// the relay cannot make one for this group.
pub fn fresh(group: NamedGroup, src: Source<'_>) -> Option<(KeyShareEntry, Option<Secret>)> {
    let len = share_len(group)?;
    let Source::System(rng) = src else {
        return Some((KeyShareEntry::new(group, vec![0u8; len]), None));
    };
    let (public, secret) = if let Some(alg) = ring_alg(group) {
        let key = EphemeralPrivateKey::generate(alg, rng).ok()?;
        let public = key.compute_public_key().ok()?.as_ref().to_vec();
        (public, Secret::Ring(key, alg))
    } else if group == NamedGroup::SECP521R1 {
        let key = p521_key(rng)?;
        let public = p521_public(&key);
        (public, Secret::P521(Box::new(key)))
    } else if group == NamedGroup::X25519MLKEM768 {
        use ml_kem::{EncodedSizeUser, KemCore};
        let d = ml_kem::B32::from(src.bytes::<32>());
        let z = ml_kem::B32::from(src.bytes::<32>());
        let (dk, ek) = ml_kem::MlKem768::generate_deterministic(&d, &z);
        let x = EphemeralPrivateKey::generate(&agreement::X25519, rng).ok()?;
        let mut public = ek.as_bytes().to_vec();
        public.extend_from_slice(x.compute_public_key().ok()?.as_ref());
        (public, Secret::MlKem768X25519(Box::new(dk), x))
    } else {
        let len = ffdhe_len(group)?;
        let mut public = vec![0u8; len];
        if let Some(last) = public.last_mut() {
            *last = 2;
        }
        (public, Secret::Ffdhe { len })
    };
    (public.len() == len).then_some((KeyShareEntry::new(group, public), Some(secret)))
}

/// A P-521 private key from the CSPRNG (rejection sampling below the order).
fn p521_key(rng: &SystemRandom) -> Option<p521::SecretKey> {
    for _ in 0..64 {
        let mut bytes = [0u8; 66];
        rng.fill(&mut bytes).ok()?;
        bytes[0] &= 0x01;
        if let Ok(key) = p521::SecretKey::from_slice(&bytes) {
            return Some(key);
        }
    }
    None
}

fn p521_public(key: &p521::SecretKey) -> Vec<u8> {
    use p521::elliptic_curve::sec1::ToEncodedPoint;
    key.public_key().to_encoded_point(false).as_bytes().to_vec()
}

impl Secret {
    /// The shared secret with the server's share (`key_exchange` of its
    /// ServerHello `key_share`); `None` when that share is invalid.
    pub fn agree(self, server: &[u8]) -> Option<Vec<u8>> {
        match self {
            Secret::Ring(key, alg) => ecdh(key, alg, server),
            Secret::P521(key) => {
                let peer = p521::PublicKey::from_sec1_bytes(server).ok()?;
                let shared = p521::ecdh::diffie_hellman(key.to_nonzero_scalar(), peer.as_affine());
                Some(shared.raw_secret_bytes().to_vec())
            }
            Secret::MlKem768X25519(dk, x) => {
                use ml_kem::kem::Decapsulate;
                if server.len() != ML_KEM_768_CT + 32 {
                    return None;
                }
                let (ct, x_share) = server.split_at(ML_KEM_768_CT);
                let ct = ml_kem::Ciphertext::<ml_kem::MlKem768>::try_from(ct).ok()?;
                let mut shared = dk.decapsulate(&ct).ok()?.to_vec();
                shared.extend(ecdh(x, &agreement::X25519, x_share)?);
                Some(shared)
            }
            Secret::Ffdhe { len } => {
                // 1 < Y < p - 1 is the server's to keep; with exponent 1
                // the secret is Y, left-padded to the prime's length.
                (server.len() == len && server.iter().any(|b| *b != 0)).then(|| server.to_vec())
            }
        }
    }
}

fn ecdh(
    key: EphemeralPrivateKey,
    alg: &'static agreement::Algorithm,
    peer: &[u8],
) -> Option<Vec<u8>> {
    agreement::agree_ephemeral(key, &UnparsedPublicKey::new(alg, peer), |k| k.to_vec()).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The server's side of an ECDH group, with ring.
    fn ring_server(alg: &'static agreement::Algorithm, client: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let rng = SystemRandom::new();
        let key = EphemeralPrivateKey::generate(alg, &rng).unwrap();
        let public = key.compute_public_key().unwrap().as_ref().to_vec();
        let shared = ecdh(key, alg, client).unwrap();
        (public, shared)
    }

    #[test]
    fn ecdh_groups_agree_with_a_peer() {
        let rng = SystemRandom::new();
        for (group, alg) in [
            (NamedGroup::X25519, &agreement::X25519),
            (NamedGroup::SECP256R1, &agreement::ECDH_P256),
            (NamedGroup::SECP384R1, &agreement::ECDH_P384),
        ] {
            let (share, secret) = fresh(group, Source::System(&rng)).unwrap();
            assert_eq!(share.group, group);
            assert_eq!(Some(share.key_exchange.len()), share_len(group));
            let (server_public, server_shared) = ring_server(alg, &share.key_exchange);
            assert_eq!(secret.unwrap().agree(&server_public), Some(server_shared));
        }
    }

    #[test]
    fn p521_agrees_with_a_peer() {
        let rng = SystemRandom::new();
        let (share, secret) = fresh(NamedGroup::SECP521R1, Source::System(&rng)).unwrap();
        assert_eq!(share.key_exchange.len(), 133);
        let server = p521_key(&rng).unwrap();
        let client_pub = p521::PublicKey::from_sec1_bytes(&share.key_exchange).unwrap();
        let expected =
            p521::ecdh::diffie_hellman(server.to_nonzero_scalar(), client_pub.as_affine());
        let got = secret.unwrap().agree(&p521_public(&server)).unwrap();
        assert_eq!(got, expected.raw_secret_bytes().to_vec());
        assert_eq!(got.len(), 66);
    }

    #[test]
    fn x25519mlkem768_agrees_with_an_encapsulating_peer() {
        use ml_kem::EncapsulateDeterministic;
        use ml_kem::{EncodedSizeUser, KemCore};
        let rng = SystemRandom::new();
        let (share, secret) = fresh(NamedGroup::X25519MLKEM768, Source::System(&rng)).unwrap();
        assert_eq!(share.key_exchange.len(), 1216);
        let (ek_bytes, x_client) = share.key_exchange.split_at(1184);
        let ek_array =
            ml_kem::Encoded::<<ml_kem::MlKem768 as KemCore>::EncapsulationKey>::try_from(ek_bytes)
                .unwrap();
        let ek = <ml_kem::MlKem768 as KemCore>::EncapsulationKey::from_bytes(&ek_array);
        let m = ml_kem::B32::from([7u8; 32]);
        let (ct, k_mlkem) = ek.encapsulate_deterministic(&m).unwrap();
        let (x_server, x_shared) = ring_server(&agreement::X25519, x_client);
        let mut server_share = ct.to_vec();
        server_share.extend(&x_server);
        let mut expected = k_mlkem.to_vec();
        expected.extend(x_shared);
        assert_eq!(secret.unwrap().agree(&server_share), Some(expected));
    }

    #[test]
    fn ffdhe_share_is_the_generator_and_the_secret_the_servers_value() {
        let rng = SystemRandom::new();
        let (share, secret) = fresh(NamedGroup::FFDHE2048, Source::System(&rng)).unwrap();
        assert_eq!(share.key_exchange.len(), 256);
        assert_eq!(share.key_exchange[255], 2);
        assert!(share.key_exchange[..255].iter().all(|b| *b == 0));
        let mut server = vec![0u8; 256];
        server[3] = 0x42;
        assert_eq!(secret.unwrap().agree(&server), Some(server.clone()));
        let (_, secret) = fresh(NamedGroup::FFDHE2048, Source::System(&rng)).unwrap();
        assert_eq!(secret.unwrap().agree(&server[1..]), None);
    }

    #[test]
    fn zero_source_gives_zero_shares_and_no_keys() {
        for g in [
            NamedGroup::X25519,
            NamedGroup::X25519MLKEM768,
            NamedGroup::SECP521R1,
        ] {
            let (share, secret) = fresh(g, Source::Zero).unwrap();
            assert!(secret.is_none());
            assert!(share.key_exchange.iter().all(|b| *b == 0));
        }
        assert!(fresh(NamedGroup(0x0A0A), Source::Zero).is_none());
        assert!(fresh(NamedGroup::X448, Source::Zero).is_none());
    }

    #[test]
    fn invalid_server_shares_give_no_secret() {
        let rng = SystemRandom::new();
        let (_, secret) = fresh(NamedGroup::SECP256R1, Source::System(&rng)).unwrap();
        assert_eq!(secret.unwrap().agree(&[4; 10]), None);
        let (_, secret) = fresh(NamedGroup::X25519MLKEM768, Source::System(&rng)).unwrap();
        assert_eq!(secret.unwrap().agree(&[1; 100]), None);
    }
}
