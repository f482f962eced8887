//! The part of the TLS 1.3 key schedule (RFC 8446 §7.1) that reads a
//! server's encrypted first flight: the transcript hash, the handshake
//! secret, the server's handshake traffic key and IV, and record
//! decryption (§5.2). Sans-I/O, with `ring`; tested against RFC 8448.
//!
//! The relay never computes a Finished or sends an encrypted byte: it reads
//! EncryptedExtensions and Certificate, then hangs up.
//!
//! The CCM suites (`0x1304`, `0x1305`) have no AEAD in `ring`: a server that
//! picks one is recorded without its certificate.

use ring::{aead, digest, hkdf};

use crate::codec::{CipherSuite, HandshakeType};

/// The hash and AEAD of a TLS 1.3 suite.
#[derive(Debug, Clone, Copy)]
pub struct Suite {
    hkdf: hkdf::Algorithm,
    digest: &'static digest::Algorithm,
    aead: &'static aead::Algorithm,
}

impl Suite {
    /// The suite's algorithms, when `ring` has them.
    pub fn of(suite: CipherSuite) -> Option<Self> {
        let (hkdf, digest, aead) = match suite.0 {
            0x1301 => (hkdf::HKDF_SHA256, &digest::SHA256, &aead::AES_128_GCM),
            0x1302 => (hkdf::HKDF_SHA384, &digest::SHA384, &aead::AES_256_GCM),
            0x1303 => (hkdf::HKDF_SHA256, &digest::SHA256, &aead::CHACHA20_POLY1305),
            _ => return None,
        };
        Some(Self { hkdf, digest, aead })
    }

    fn hash_len(self) -> usize {
        self.digest.output_len()
    }

    /// The transcript hash of `messages` (each a whole handshake message,
    /// header included), with a HelloRetryRequest's rule: when
    /// `retried`, the first message (ClientHello1) is replaced by the
    /// synthetic `message_hash` message (RFC 8446 §4.4.1).
    pub fn transcript_hash(self, messages: &[Vec<u8>], retried: bool) -> Vec<u8> {
        let mut ctx = digest::Context::new(self.digest);
        let mut rest = messages.iter();
        if retried {
            if let Some(ch1) = rest.next() {
                let inner = digest::digest(self.digest, ch1);
                let len = u8::try_from(inner.as_ref().len()).unwrap_or(u8::MAX);
                ctx.update(&[HandshakeType::MESSAGE_HASH.0, 0, 0, len]);
                ctx.update(inner.as_ref());
            }
        }
        for m in rest {
            ctx.update(m);
        }
        ctx.finish().as_ref().to_vec()
    }

    /// The server's handshake traffic secret from the (EC)DHE shared secret
    /// and the transcript hash through ServerHello.
    pub fn server_handshake_secret(self, shared: &[u8], transcript: &[u8]) -> Option<Vec<u8>> {
        let zeros = vec![0u8; self.hash_len()];
        let early = hkdf::Salt::new(self.hkdf, &zeros).extract(&zeros);
        let empty_hash = digest::digest(self.digest, &[]);
        let derived = expand_label(&early, b"derived", empty_hash.as_ref(), self.hash_len())?;
        let handshake = hkdf::Salt::new(self.hkdf, &derived).extract(shared);
        expand_label(&handshake, b"s hs traffic", transcript, self.hash_len())
    }

    /// The record protection of a traffic secret: its key and IV.
    pub fn traffic_keys(self, secret: &[u8]) -> Option<(Vec<u8>, [u8; 12])> {
        let prk = hkdf::Prk::new_less_safe(self.hkdf, secret);
        let key = expand_label(&prk, b"key", &[], self.aead.key_len())?;
        let iv = expand_label(&prk, b"iv", &[], aead::NONCE_LEN)?;
        Some((key, iv.try_into().ok()?))
    }

    /// A decrypter for the server's handshake records.
    pub fn decrypter(self, shared: &[u8], transcript: &[u8]) -> Option<Decrypter> {
        let secret = self.server_handshake_secret(shared, transcript)?;
        let (key, iv) = self.traffic_keys(&secret)?;
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(self.aead, &key).ok()?);
        Some(Decrypter { key, iv, seq: 0 })
    }
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label(secret, label, context, len) (RFC 8446 §7.1).
fn expand_label(prk: &hkdf::Prk, label: &[u8], context: &[u8], len: usize) -> Option<Vec<u8>> {
    let out_len = u16::try_from(len).ok()?.to_be_bytes();
    let label_len = [u8::try_from(6 + label.len()).ok()?];
    let context_len = [u8::try_from(context.len()).ok()?];
    let info: [&[u8]; 6] = [
        &out_len,
        &label_len,
        b"tls13 ",
        label,
        &context_len,
        context,
    ];
    let okm = prk.expand(&info, Len(len)).ok()?;
    let mut out = vec![0u8; len];
    okm.fill(&mut out).ok()?;
    Some(out)
}

/// Opens the server's protected records in order.
pub struct Decrypter {
    key: aead::LessSafeKey,
    iv: [u8; 12],
    seq: u64,
}

impl std::fmt::Debug for Decrypter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decrypter")
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl Decrypter {
    /// Opens one `application_data` record: `header` is its 5-byte record
    /// header, `payload` the ciphertext with its tag. Returns the inner
    /// content type and the plaintext; `None` when it does not
    /// authenticate.
    pub fn open(&mut self, header: [u8; 5], payload: &[u8]) -> Option<(u8, Vec<u8>)> {
        let mut nonce = self.iv;
        for (n, s) in nonce.iter_mut().skip(4).zip(self.seq.to_be_bytes()) {
            *n ^= s;
        }
        self.seq = self.seq.checked_add(1)?;
        let mut buf = payload.to_vec();
        let plain = self
            .key
            .open_in_place(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(header),
                &mut buf,
            )
            .ok()?;
        // TLSInnerPlaintext: content, the type, then zero padding.
        let end = plain.iter().rposition(|b| *b != 0)?;
        let content_type = *plain.get(end)?;
        Some((content_type, plain.get(..end)?.to_vec()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::codec::CertificateTls13;

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
            .collect()
    }

    // RFC 8448 §3 "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256).
    const SHARED: &str = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
    const CH_SH_HASH: &str = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
    const SERVER_HS_TRAFFIC: &str =
        "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
    const SERVER_HS_KEY: &str = "3fce516009c21727d0f2e4e86ee403bc";
    const SERVER_HS_IV: &str = "5d313eb2671276ee13000b30";
    /// The server's protected flight: EncryptedExtensions, Certificate,
    /// CertificateVerify and Finished in one record (679 bytes).
    const SERVER_FLIGHT: &str = "
        17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35e
        df7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78
        b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13b
        d9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9
        d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2e
        d65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd61092
        8d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead68694
        5ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b368
        4596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f
        4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26
        f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b65962224531
        7b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e
        1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da
        8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d4
        61e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe
        5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb
        992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c859
        77b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038
        ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b84
        5e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5
        d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e
        750edc53370d2b";

    #[test]
    fn handshake_keys_match_rfc_8448() {
        let suite = Suite::of(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
        let secret = suite
            .server_handshake_secret(&hex(SHARED), &hex(CH_SH_HASH))
            .unwrap();
        assert_eq!(secret, hex(SERVER_HS_TRAFFIC));
        let (key, iv) = suite.traffic_keys(&secret).unwrap();
        assert_eq!(key, hex(SERVER_HS_KEY));
        assert_eq!(iv.to_vec(), hex(SERVER_HS_IV));
    }

    #[test]
    fn decrypts_the_rfc_8448_server_flight_to_its_certificate() {
        let suite = Suite::of(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
        let mut d = suite.decrypter(&hex(SHARED), &hex(CH_SH_HASH)).unwrap();
        let record = hex(SERVER_FLIGHT);
        assert_eq!(record.len(), 679);
        let header: [u8; 5] = record[..5].try_into().unwrap();
        let (content_type, plain) = d.open(header, &record[5..]).unwrap();
        assert_eq!(content_type, 22);
        assert_eq!(plain.len(), 657);
        // EncryptedExtensions (0x24 bytes), then the Certificate.
        assert_eq!(&plain[..4], &[8, 0, 0, 0x24]);
        let cert = &plain[4 + 0x24..];
        assert_eq!(cert[0], 11);
        let len = usize::from(cert[1]) << 16 | usize::from(cert[2]) << 8 | usize::from(cert[3]);
        let parsed = CertificateTls13::read(&cert[4..4 + len]).unwrap();
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(&parsed.entries[0].cert_data[..4], &[0x30, 0x82, 0x01, 0xac]);
        // The next record would need the next sequence number: replaying
        // this one does not authenticate.
        assert!(d.open(header, &record[5..]).is_none());
    }

    #[test]
    fn a_tampered_record_does_not_open() {
        let suite = Suite::of(CipherSuite::TLS_AES_128_GCM_SHA256).unwrap();
        let mut d = suite.decrypter(&hex(SHARED), &hex(CH_SH_HASH)).unwrap();
        let mut record = hex(SERVER_FLIGHT);
        record[100] ^= 1;
        let header: [u8; 5] = record[..5].try_into().unwrap();
        assert!(d.open(header, &record[5..]).is_none());
    }

    #[test]
    fn transcript_hash_after_a_retry_uses_message_hash() {
        let suite = Suite::of(CipherSuite::TLS_AES_256_GCM_SHA384).unwrap();
        let ch1 = vec![1u8, 0, 0, 2, 3, 3];
        let hrr = vec![2u8, 0, 0, 1, 9];
        let plain = suite.transcript_hash(&[ch1.clone(), hrr.clone()], false);
        assert_eq!(
            plain,
            digest::digest(&digest::SHA384, &[ch1.clone(), hrr.clone()].concat()).as_ref()
        );
        let retried = suite.transcript_hash(&[ch1.clone(), hrr.clone()], true);
        let inner = digest::digest(&digest::SHA384, &ch1);
        let mut synthetic = vec![254u8, 0, 0, 48];
        synthetic.extend_from_slice(inner.as_ref());
        synthetic.extend(&hrr);
        assert_eq!(
            retried,
            digest::digest(&digest::SHA384, &synthetic).as_ref()
        );
    }

    #[test]
    fn ccm_suites_have_no_keys() {
        assert!(Suite::of(CipherSuite(0x1304)).is_none());
        assert!(Suite::of(CipherSuite(0xC02F)).is_none());
    }
}
