//! The cipher suites the probes' own TLS 1.0–1.2 handshakes can complete,
//! with what each needs: key exchange, bulk cipher, MAC and PRF hash. A
//! handful of common suites, enough to finish a handshake with any server
//! that speaks ECDHE, DHE or RSA key exchange with AES or ChaCha20.

use crate::codec::{CipherSuite, ProtocolVersion};

/// How the premaster secret is agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kx {
    /// RSA key transport (no ServerKeyExchange).
    Rsa,
    /// Finite-field ephemeral DH.
    Dhe,
    /// Elliptic-curve ephemeral DH (x25519, P-256, P-384).
    Ecdhe,
}

/// The record cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bulk {
    /// AES-128 in CBC mode, MAC-then-encrypt.
    Aes128Cbc,
    /// AES-256 in CBC mode, MAC-then-encrypt.
    Aes256Cbc,
    /// AES-128-GCM (RFC 5288).
    Aes128Gcm,
    /// AES-256-GCM (RFC 5288).
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 7905).
    Chacha20Poly1305,
}

impl Bulk {
    /// The key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Aes128Cbc | Self::Aes128Gcm => 16,
            Self::Aes256Cbc | Self::Aes256Gcm | Self::Chacha20Poly1305 => 32,
        }
    }

    /// Whether this is a CBC cipher (MAC-then-encrypt, padding).
    pub fn is_cbc(self) -> bool {
        matches!(self, Self::Aes128Cbc | Self::Aes256Cbc)
    }

    /// The implicit IV taken from the key block at `v`: the CBC IV in
    /// TLS 1.0 only (later versions send it with each record), the GCM salt,
    /// the ChaCha20 nonce mask.
    pub fn fixed_iv_len(self, v: ProtocolVersion) -> usize {
        match self {
            Self::Aes128Cbc | Self::Aes256Cbc if v <= ProtocolVersion::TLS10 => 16,
            Self::Aes128Cbc | Self::Aes256Cbc => 0,
            Self::Aes128Gcm | Self::Aes256Gcm => 4,
            Self::Chacha20Poly1305 => 12,
        }
    }
}

/// The record MAC of CBC suites (AEAD suites have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MacHash {
    /// HMAC-SHA1.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA384.
    Sha384,
    /// None: the AEAD authenticates.
    Aead,
}

impl MacHash {
    /// The MAC key and tag length (0 for AEADs).
    pub fn tag_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Aead => 0,
        }
    }
}

/// The hash of the TLS 1.2 PRF (TLS 1.0 and 1.1 always use MD5 and SHA-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrfHash {
    /// SHA-256, the default.
    Sha256,
    /// SHA-384, for the `_SHA384` suites.
    Sha384,
}

/// What a suite needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SuiteSpec {
    /// The code point.
    pub suite: CipherSuite,
    /// Key exchange.
    pub kx: Kx,
    /// Record cipher.
    pub bulk: Bulk,
    /// Record MAC.
    pub mac: MacHash,
    /// PRF hash (TLS 1.2).
    pub prf: PrfHash,
}

impl SuiteSpec {
    /// Whether the suite can be used at `v` (SHA-2 MACs and AEADs need
    /// TLS 1.2).
    pub fn usable_at(&self, v: ProtocolVersion) -> bool {
        if v < ProtocolVersion::TLS10 || v > ProtocolVersion::TLS12 {
            return false;
        }
        v == ProtocolVersion::TLS12 || (self.mac == MacHash::Sha1 && self.bulk.is_cbc())
    }
}

use Bulk::{Aes128Cbc, Aes128Gcm, Aes256Cbc, Aes256Gcm, Chacha20Poly1305};
use MacHash::{Aead, Sha1, Sha256, Sha384};

/// `(code, kx, bulk, mac, prf)` of every suite the handshakes implement.
const TABLE: &[(u16, Kx, Bulk, MacHash, PrfHash)] = &[
    // ECDHE_ECDSA
    (0xC02B, Kx::Ecdhe, Aes128Gcm, Aead, PrfHash::Sha256),
    (0xC02C, Kx::Ecdhe, Aes256Gcm, Aead, PrfHash::Sha384),
    (0xCCA9, Kx::Ecdhe, Chacha20Poly1305, Aead, PrfHash::Sha256),
    (0xC023, Kx::Ecdhe, Aes128Cbc, Sha256, PrfHash::Sha256),
    (0xC024, Kx::Ecdhe, Aes256Cbc, Sha384, PrfHash::Sha384),
    (0xC009, Kx::Ecdhe, Aes128Cbc, Sha1, PrfHash::Sha256),
    (0xC00A, Kx::Ecdhe, Aes256Cbc, Sha1, PrfHash::Sha256),
    // ECDHE_RSA
    (0xC02F, Kx::Ecdhe, Aes128Gcm, Aead, PrfHash::Sha256),
    (0xC030, Kx::Ecdhe, Aes256Gcm, Aead, PrfHash::Sha384),
    (0xCCA8, Kx::Ecdhe, Chacha20Poly1305, Aead, PrfHash::Sha256),
    (0xC027, Kx::Ecdhe, Aes128Cbc, Sha256, PrfHash::Sha256),
    (0xC028, Kx::Ecdhe, Aes256Cbc, Sha384, PrfHash::Sha384),
    (0xC013, Kx::Ecdhe, Aes128Cbc, Sha1, PrfHash::Sha256),
    (0xC014, Kx::Ecdhe, Aes256Cbc, Sha1, PrfHash::Sha256),
    // DHE_RSA
    (0x009E, Kx::Dhe, Aes128Gcm, Aead, PrfHash::Sha256),
    (0x009F, Kx::Dhe, Aes256Gcm, Aead, PrfHash::Sha384),
    (0xCCAA, Kx::Dhe, Chacha20Poly1305, Aead, PrfHash::Sha256),
    (0x0067, Kx::Dhe, Aes128Cbc, Sha256, PrfHash::Sha256),
    (0x006B, Kx::Dhe, Aes256Cbc, Sha256, PrfHash::Sha256),
    (0x0033, Kx::Dhe, Aes128Cbc, Sha1, PrfHash::Sha256),
    (0x0039, Kx::Dhe, Aes256Cbc, Sha1, PrfHash::Sha256),
    // RSA
    (0x009C, Kx::Rsa, Aes128Gcm, Aead, PrfHash::Sha256),
    (0x009D, Kx::Rsa, Aes256Gcm, Aead, PrfHash::Sha384),
    (0x003C, Kx::Rsa, Aes128Cbc, Sha256, PrfHash::Sha256),
    (0x003D, Kx::Rsa, Aes256Cbc, Sha256, PrfHash::Sha256),
    (0x002F, Kx::Rsa, Aes128Cbc, Sha1, PrfHash::Sha256),
    (0x0035, Kx::Rsa, Aes256Cbc, Sha1, PrfHash::Sha256),
];

/// The spec of `suite`, when the handshakes implement it.
pub fn spec(suite: CipherSuite) -> Option<SuiteSpec> {
    TABLE
        .iter()
        .find(|(code, ..)| *code == suite.0)
        .map(|&(code, kx, bulk, mac, prf)| SuiteSpec {
            suite: CipherSuite(code),
            kx,
            bulk,
            mac,
            prf,
        })
}

/// The suites of `accepted` the handshakes can complete at `v` and that
/// `want` keeps, in the table's order (AEAD and forward secrecy first).
pub fn usable(
    accepted: &[CipherSuite],
    v: ProtocolVersion,
    want: impl Fn(&SuiteSpec) -> bool,
) -> Vec<CipherSuite> {
    TABLE
        .iter()
        .filter_map(|&(code, ..)| spec(CipherSuite(code)))
        .filter(|s| accepted.contains(&s.suite) && s.usable_at(v) && want(s))
        .map(|s| s.suite)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn table_agrees_with_the_registry() {
        for &(code, kx, bulk, mac, _) in TABLE {
            let info = CipherSuite(code).info().unwrap();
            assert_eq!(info.bits, (bulk.key_len() * 8) as u16, "{}", info.name);
            assert_eq!(bulk.is_cbc(), !info.aead(), "{}", info.name);
            let name = info.name;
            match kx {
                Kx::Rsa => assert!(name.starts_with("TLS_RSA_"), "{name}"),
                Kx::Dhe => assert!(name.starts_with("TLS_DHE_"), "{name}"),
                Kx::Ecdhe => assert!(name.starts_with("TLS_ECDHE_"), "{name}"),
            }
            let tail = match mac {
                MacHash::Sha1 => "_SHA",
                MacHash::Sha256 => "_SHA256",
                MacHash::Sha384 => "_SHA384",
                MacHash::Aead => "",
            };
            assert!(name.ends_with(tail), "{name}");
        }
    }

    #[test]
    fn usable_filters_by_version_and_acceptance() {
        let accepted = [
            CipherSuite(0xC02F),
            CipherSuite(0xC013),
            CipherSuite(0x0005),
        ];
        assert_eq!(
            usable(&accepted, ProtocolVersion::TLS12, |_| true),
            [CipherSuite(0xC02F), CipherSuite(0xC013)]
        );
        assert_eq!(
            usable(&accepted, ProtocolVersion::TLS10, |_| true),
            [CipherSuite(0xC013)]
        );
        assert_eq!(
            usable(&accepted, ProtocolVersion::TLS12, |s| s.bulk.is_cbc()),
            [CipherSuite(0xC013)]
        );
        assert!(usable(&accepted, ProtocolVersion::TLS13, |_| true).is_empty());
        assert!(spec(CipherSuite(0x0005)).is_none());
    }
}
