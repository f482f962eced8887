//! Record protection of TLS 1.0–1.2, one direction at a time
//! ([`Protection`]): AES-CBC with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2;
//! TLS 1.0 chains the IV from the previous record, later versions send one
//! per record), AES-GCM (RFC 5288: 4-byte salt and 8-byte explicit nonce)
//! and ChaCha20-Poly1305 (RFC 7905: the IV XOR the sequence number).
//!
//! [`Padding::WrongBytes`] writes CBC padding whose bytes are not all equal
//! to its length, with a valid MAC: the POODLE-TLS probe's record.

use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use ring::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};

use super::prf::{hmac, HashAlg};
use super::suite::{Bulk, MacHash};
use crate::codec::{ContentType, ProtocolVersion};

/// How CBC padding is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// As the RFC says: every padding byte holds the padding length.
    Correct,
    /// The last byte holds the length, the others something else (at least
    /// one such byte): a server must reject it, one vulnerable to POODLE-TLS
    /// checks only the last byte.
    WrongBytes,
}

/// Why a record could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// Too short, or not a whole number of blocks.
    Length,
    /// Bad padding, MAC or AEAD tag.
    Integrity,
}

enum Cipher {
    Aes128(Box<aes::Aes128>),
    Aes256(Box<aes::Aes256>),
    Aead(Box<LessSafeKey>),
}

/// One direction's record protection state.
pub struct Protection {
    version: ProtocolVersion,
    bulk: Bulk,
    mac: MacHash,
    mac_key: Vec<u8>,
    cipher: Cipher,
    /// The fixed IV: TLS 1.0's chained CBC IV, the GCM salt, the ChaCha20
    /// mask.
    iv: Vec<u8>,
    seq: u64,
    /// Check only the last padding byte (a POODLE-TLS server).
    lenient: bool,
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Protection")
            .field("version", &self.version)
            .field("bulk", &self.bulk)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

const BLOCK: usize = 16;
const TAG: usize = 16;
const EXPLICIT_NONCE: usize = 8;

impl Protection {
    /// A direction keyed with `mac_key`, `key` and `iv` (the key block's
    /// slices for that direction); `None` when the key length is wrong.
    pub fn new(
        version: ProtocolVersion,
        bulk: Bulk,
        mac: MacHash,
        mac_key: &[u8],
        key: &[u8],
        iv: &[u8],
    ) -> Option<Self> {
        let cipher = match bulk {
            Bulk::Aes128Cbc => Cipher::Aes128(Box::new(aes::Aes128::new_from_slice(key).ok()?)),
            Bulk::Aes256Cbc => Cipher::Aes256(Box::new(aes::Aes256::new_from_slice(key).ok()?)),
            Bulk::Aes128Gcm => Cipher::Aead(Box::new(LessSafeKey::new(
                UnboundKey::new(&aead::AES_128_GCM, key).ok()?,
            ))),
            Bulk::Aes256Gcm => Cipher::Aead(Box::new(LessSafeKey::new(
                UnboundKey::new(&aead::AES_256_GCM, key).ok()?,
            ))),
            Bulk::Chacha20Poly1305 => Cipher::Aead(Box::new(LessSafeKey::new(
                UnboundKey::new(&aead::CHACHA20_POLY1305, key).ok()?,
            ))),
        };
        Some(Self {
            version,
            bulk,
            mac,
            mac_key: mac_key.to_vec(),
            cipher,
            iv: iv.to_vec(),
            seq: 0,
            lenient: false,
        })
    }

    /// Reads CBC padding the way a POODLE-TLS-vulnerable server does: only
    /// its last byte (the length) counts. For the test zoo's scripted
    /// vulnerable server; never used by a probe.
    pub fn lenient_padding(mut self) -> Self {
        self.lenient = true;
        self
    }

    fn mac_alg(&self) -> HashAlg {
        match self.mac {
            MacHash::Sha256 => HashAlg::Sha256,
            MacHash::Sha384 => HashAlg::Sha384,
            MacHash::Sha1 | MacHash::Aead => HashAlg::Sha1,
        }
    }

    /// `seq_num || type || version || length`, the MAC and AAD prefix.
    fn header(&self, ct: ContentType, len: usize) -> [u8; 13] {
        let mut h = [0u8; 13];
        h[..8].copy_from_slice(&self.seq.to_be_bytes());
        h[8] = ct.0;
        h[9..11].copy_from_slice(&self.version.0.to_be_bytes());
        h[11..13].copy_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
        h
    }

    fn aead_nonce(&self, explicit: &[u8]) -> Option<Nonce> {
        let mut n = [0u8; 12];
        if self.bulk == Bulk::Chacha20Poly1305 {
            n.copy_from_slice(self.iv.get(..12)?);
            for (b, s) in n[4..].iter_mut().zip(self.seq.to_be_bytes()) {
                *b ^= s;
            }
        } else {
            n[..4].copy_from_slice(self.iv.get(..4)?);
            n[4..].copy_from_slice(explicit.get(..EXPLICIT_NONCE)?);
        }
        Some(Nonce::assume_unique_for_key(n))
    }

    /// Protects `plaintext` as a record payload of type `ct` (`padding` only
    /// matters for CBC); `iv` is the explicit CBC IV of TLS 1.1 and later.
    pub fn seal(
        &mut self,
        ct: ContentType,
        plaintext: &[u8],
        padding: Padding,
        iv: [u8; BLOCK],
    ) -> Vec<u8> {
        let header = self.header(ct, plaintext.len());
        let out = if let Cipher::Aead(key) = &self.cipher {
            let explicit = self.seq.to_be_bytes();
            let mut buf = plaintext.to_vec();
            let sealed = self.aead_nonce(&explicit).and_then(|n| {
                key.seal_in_place_append_tag(n, Aad::from(header), &mut buf)
                    .ok()
            });
            match (sealed, self.bulk) {
                (None, _) => Vec::new(),
                (Some(()), Bulk::Chacha20Poly1305) => buf,
                (Some(()), _) => [explicit.as_slice(), &buf].concat(),
            }
        } else {
            self.seal_cbc(&header, plaintext, padding, iv)
        };
        self.seq = self.seq.wrapping_add(1);
        out
    }

    fn seal_cbc(
        &mut self,
        header: &[u8; 13],
        plaintext: &[u8],
        padding: Padding,
        explicit_iv: [u8; BLOCK],
    ) -> Vec<u8> {
        let mac = hmac(self.mac_alg(), &self.mac_key, &[header, plaintext]);
        let mut data = [plaintext, &mac].concat();
        let mut pad = BLOCK - (data.len() + 1) % BLOCK;
        if pad == BLOCK {
            pad = 0;
        }
        if padding == Padding::WrongBytes && pad == 0 {
            // At least one padding byte besides the length byte.
            pad = BLOCK;
        }
        let pad_byte = u8::try_from(pad).unwrap_or(0);
        let fill = match padding {
            Padding::Correct => pad_byte,
            Padding::WrongBytes => pad_byte ^ 0xA5,
        };
        data.extend(std::iter::repeat_n(fill, pad));
        data.push(pad_byte);
        let chained = self.version <= ProtocolVersion::TLS10;
        let mut prev: [u8; BLOCK] = if chained {
            self.iv.as_slice().try_into().unwrap_or([0; BLOCK])
        } else {
            explicit_iv
        };
        let mut out = if chained {
            Vec::new()
        } else {
            explicit_iv.to_vec()
        };
        for chunk in data.chunks(BLOCK) {
            let mut block = [0u8; BLOCK];
            for (i, b) in chunk.iter().enumerate() {
                block[i] = b ^ prev[i];
            }
            self.encrypt_block(&mut block);
            out.extend_from_slice(&block);
            prev = block;
        }
        if chained {
            self.iv = prev.to_vec();
        }
        out
    }

    fn encrypt_block(&self, block: &mut [u8; BLOCK]) {
        let mut b = aes::Block::from(*block);
        match &self.cipher {
            Cipher::Aes128(c) => c.encrypt_block(&mut b),
            Cipher::Aes256(c) => c.encrypt_block(&mut b),
            Cipher::Aead(_) => {}
        }
        block.copy_from_slice(&b);
    }

    fn decrypt_block(&self, block: &mut [u8; BLOCK]) {
        let mut b = aes::Block::from(*block);
        match &self.cipher {
            Cipher::Aes128(c) => c.decrypt_block(&mut b),
            Cipher::Aes256(c) => c.decrypt_block(&mut b),
            Cipher::Aead(_) => {}
        }
        block.copy_from_slice(&b);
    }

    /// Opens a record payload of type `ct`: the plaintext.
    pub fn open(&mut self, ct: ContentType, payload: &[u8]) -> Result<Vec<u8>, OpenError> {
        let out = if let Cipher::Aead(_) = &self.cipher {
            self.open_aead(ct, payload)
        } else {
            self.open_cbc(ct, payload)
        };
        self.seq = self.seq.wrapping_add(1);
        out
    }

    fn open_aead(&self, ct: ContentType, payload: &[u8]) -> Result<Vec<u8>, OpenError> {
        let Cipher::Aead(key) = &self.cipher else {
            return Err(OpenError::Integrity);
        };
        let (explicit, sealed) = if self.bulk == Bulk::Chacha20Poly1305 {
            (&[][..], payload)
        } else {
            payload
                .split_at_checked(EXPLICIT_NONCE)
                .ok_or(OpenError::Length)?
        };
        let len = sealed.len().checked_sub(TAG).ok_or(OpenError::Length)?;
        let header = self.header(ct, len);
        let nonce = self.aead_nonce(explicit).ok_or(OpenError::Length)?;
        let mut buf = sealed.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(header), &mut buf)
            .map_err(|_| OpenError::Integrity)?;
        Ok(plain.to_vec())
    }

    fn open_cbc(&mut self, ct: ContentType, payload: &[u8]) -> Result<Vec<u8>, OpenError> {
        let chained = self.version <= ProtocolVersion::TLS10;
        let (mut prev, body): ([u8; BLOCK], &[u8]) = if chained {
            (self.iv.as_slice().try_into().unwrap_or([0; BLOCK]), payload)
        } else {
            let (iv, body) = payload.split_at_checked(BLOCK).ok_or(OpenError::Length)?;
            (iv.try_into().map_err(|_| OpenError::Length)?, body)
        };
        if body.is_empty() || body.len() % BLOCK != 0 {
            return Err(OpenError::Length);
        }
        let mut plain = Vec::with_capacity(body.len());
        for chunk in body.chunks(BLOCK) {
            let mut block: [u8; BLOCK] = chunk.try_into().map_err(|_| OpenError::Length)?;
            let cipher_block = block;
            self.decrypt_block(&mut block);
            for (b, p) in block.iter_mut().zip(prev) {
                *b ^= p;
            }
            plain.extend_from_slice(&block);
            prev = cipher_block;
        }
        if chained {
            self.iv = prev.to_vec();
        }
        let pad = usize::from(*plain.last().ok_or(OpenError::Length)?);
        let mac_len = self.mac.tag_len();
        let data_len = plain
            .len()
            .checked_sub(pad + 1 + mac_len)
            .ok_or(OpenError::Integrity)?;
        let (data, rest) = plain.split_at(data_len);
        let (mac, padding) = rest.split_at(mac_len);
        if !self.lenient && padding.iter().any(|b| usize::from(*b) != pad) {
            return Err(OpenError::Integrity);
        }
        let header = self.header(ct, data.len());
        if hmac(self.mac_alg(), &self.mac_key, &[&header, data]) != mac {
            return Err(OpenError::Integrity);
        }
        Ok(data.to_vec())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn pair(v: ProtocolVersion, bulk: Bulk, mac: MacHash) -> (Protection, Protection) {
        let key = vec![7u8; bulk.key_len()];
        let mac_key = vec![9u8; mac.tag_len()];
        let iv = vec![3u8; bulk.fixed_iv_len(v)];
        (
            Protection::new(v, bulk, mac, &mac_key, &key, &iv).unwrap(),
            Protection::new(v, bulk, mac, &mac_key, &key, &iv).unwrap(),
        )
    }

    #[test]
    fn every_cipher_round_trips_at_every_version() {
        let cases = [
            (ProtocolVersion::TLS10, Bulk::Aes128Cbc, MacHash::Sha1),
            (ProtocolVersion::TLS11, Bulk::Aes256Cbc, MacHash::Sha1),
            (ProtocolVersion::TLS12, Bulk::Aes128Cbc, MacHash::Sha256),
            (ProtocolVersion::TLS12, Bulk::Aes256Cbc, MacHash::Sha384),
            (ProtocolVersion::TLS12, Bulk::Aes128Gcm, MacHash::Aead),
            (ProtocolVersion::TLS12, Bulk::Aes256Gcm, MacHash::Aead),
            (
                ProtocolVersion::TLS12,
                Bulk::Chacha20Poly1305,
                MacHash::Aead,
            ),
        ];
        for (v, bulk, mac) in cases {
            let (mut w, mut r) = pair(v, bulk, mac);
            for len in [0usize, 1, 15, 16, 17, 100] {
                let msg = vec![0x42; len];
                let rec = w.seal(
                    ContentType::APPLICATION_DATA,
                    &msg,
                    Padding::Correct,
                    [5; 16],
                );
                assert_eq!(
                    r.open(ContentType::APPLICATION_DATA, &rec).unwrap(),
                    msg,
                    "{v} {bulk:?} {len}"
                );
            }
            // A flipped bit, or the wrong content type, fails.
            let mut rec = w.seal(
                ContentType::HANDSHAKE,
                b"finished",
                Padding::Correct,
                [1; 16],
            );
            let last = rec.len() - 1;
            rec[last] ^= 1;
            assert!(
                r.open(ContentType::HANDSHAKE, &rec).is_err(),
                "{v} {bulk:?}"
            );
        }
    }

    #[test]
    fn wrong_padding_bytes_keep_the_mac_and_fail_a_strict_reader() {
        for v in [ProtocolVersion::TLS10, ProtocolVersion::TLS12] {
            let (mut w, mut r) = pair(v, Bulk::Aes128Cbc, MacHash::Sha1);
            // 20 + 20 bytes of MAC + length byte: 41 → 7 padding bytes.
            let rec = w.seal(
                ContentType::APPLICATION_DATA,
                &[1; 20],
                Padding::WrongBytes,
                [2; 16],
            );
            assert_eq!(
                r.open(ContentType::APPLICATION_DATA, &rec),
                Err(OpenError::Integrity)
            );
            // A reader that checks only the length byte takes it.
            let (mut w, r) = pair(v, Bulk::Aes128Cbc, MacHash::Sha1);
            let mut r = r.lenient_padding();
            let rec = w.seal(
                ContentType::APPLICATION_DATA,
                &[1; 20],
                Padding::WrongBytes,
                [2; 16],
            );
            assert_eq!(
                r.open(ContentType::APPLICATION_DATA, &rec).unwrap(),
                [1; 20]
            );
            // A length that needs no padding gets a whole block of it.
            let (mut w, _) = pair(v, Bulk::Aes128Cbc, MacHash::Sha1);
            let rec = w.seal(
                ContentType::APPLICATION_DATA,
                &[1; 11],
                Padding::WrongBytes,
                [2; 16],
            );
            let iv = if v == ProtocolVersion::TLS10 { 0 } else { 16 };
            assert_eq!(rec.len() - iv, 48, "{v}");
        }
    }
}
