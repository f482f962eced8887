//! A scripted legacy TLS server for the configurations Debian's OpenSSL can
//! no longer serve (RC4, 3DES, DES, export, NULL, anonymous suites, SSLv3,
//! SSLv2), built on the relay's own codec. It answers each ClientHello with a
//! chosen ServerHello and a full flight — Certificate (unless the suite is
//! anonymous), ServerKeyExchange (DHE, ECDHE or export RSA parameters) and
//! ServerHelloDone — then closes: enough for every raw probe of the scanner
//! (the rustls-based ones fail on it, as they would on such a server).
//!
//! The server's ephemeral values are fixed, as a server that reuses its
//! (EC)DH key would send them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use tlslens_relay::codec::{
    encode_records, Alert, AlertDescription, Certificate, CipherSuite, ClientExtension,
    ClientHello, ContentType, DheParams, EcdheParams, ExtensionType, HandshakeMessage,
    HandshakeType, KeyExchangeKind, KeyExchangeParams, NamedGroup, ProtocolVersion, ServerHello,
    ServerHelloDone, ServerKeyExchange, Sslv2ClientHello, Sslv2ServerHello,
};

/// RFC 3526 group 14 (2048-bit MODP), generator 2.
pub const RFC3526_GROUP14: &[&str] = &[
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
];

/// RFC 2409 Oakley group 2 (1024-bit MODP), generator 2: the most shared
/// 1024-bit prime (Logjam).
pub const RFC2409_GROUP2: &[&str] = &[
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
];

/// OpenSSL's built-in 512-bit prime (`apps/dh512.pem`), generator 2: what
/// export DHE suites used.
pub const OPENSSL_512: &[&str] = &[
    "DA583C16D9852289D0E4AF756F4CCA92DD4BE533B804FB0FED94EF9C8A4403ED",
    "574650D36999DB29D776276BA2D3D412E218F4DD1E084CF6D8003E7C4774E833",
];

/// A 2048-bit prime made for these tests whose `(p − 1) / 2` is composite
/// (divisible by 3): not a safe prime, and in no table of known primes.
pub const NON_SAFE_2048: &[&str] = &[
    "F732EAF4E7159849BE43C847725ACF475795A4CD6768E918E147477EC1225B5E",
    "F5DB0CE57EE6A44890FD0DC465F74798CBCAA9A89509934AF4984DE55DF582E9",
    "F8E3433A36976C5046FAAAE29C7C43421F2A95D8B7CAF7E96593286B39EA98E4",
    "0C0CDCC1BCC82D6CDAA53166AF1BD6286A75D987080FC26E8C5B47CF96680CCF",
    "92F5CA3275FB7A0D6E47B19174E2797915A22074817C18104979CE07D78DF858",
    "14F92A99146A9881D599256EBE6D7F9E65E81F7BCAD364E9E3951775DE5151E8",
    "582EC0385F0859D1859A1584912CEDB5AE1C7A585643CE3F8C90DD5F273B6460",
    "C07FD8A7137A067D1910AE21C4094210DAAB3C23033D7B0E3720B74377A95861",
];

/// The bytes of a hex constant split over lines.
pub fn hex(lines: &[&str]) -> Vec<u8> {
    let text: String = lines.concat();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// What the scripted server speaks.
#[derive(Clone, Debug)]
pub struct Legacy {
    /// SSLv2 cipher kinds of a SERVER-HELLO, when it speaks SSLv2.
    pub sslv2: Vec<u32>,
    /// The versions it accepts (SSLv3–TLS 1.2).
    pub versions: Vec<ProtocolVersion>,
    /// Its suites, in its order of preference.
    pub suites: Vec<CipherSuite>,
    /// The certificates it sends, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The DH prime of DHE suites (generator 2).
    pub dh_prime: Vec<u8>,
    /// DEFLATE when offered.
    pub compression: bool,
}

impl Legacy {
    /// A server speaking `versions` with `suites`, sending `chain`, with
    /// RFC 3526 group 14 for DHE.
    pub fn new(versions: &[ProtocolVersion], suites: &[u16], chain: Vec<Vec<u8>>) -> Self {
        Self {
            sslv2: Vec::new(),
            versions: versions.to_vec(),
            suites: suites.iter().map(|s| CipherSuite(*s)).collect(),
            chain,
            dh_prime: hex(RFC3526_GROUP14),
            compression: false,
        }
    }

    /// Serves one connection.
    pub fn answer(&self, mut s: TcpStream) {
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            let reply = if buf[0] & 0x80 != 0 {
                match Sslv2ClientHello::read_record(&buf) {
                    Ok(Some((hello, _))) => self.reply_sslv2(&hello),
                    Ok(None) => continue,
                    Err(_) => return,
                }
            } else {
                match ClientHello::read_records(&buf) {
                    Ok(Some((hello, _))) => self.reply(&hello),
                    Ok(None) => continue,
                    Err(_) => return,
                }
            };
            let _ = s.write_all(&reply);
            std::thread::sleep(Duration::from_millis(50));
            return;
        }
    }

    fn reply_sslv2(&self, hello: &Sslv2ClientHello) -> Vec<u8> {
        if hello.version == ProtocolVersion::SSLV2 && !self.sslv2.is_empty() {
            let server = Sslv2ServerHello {
                session_id_hit: 0,
                certificate_type: 1,
                version: ProtocolVersion::SSLV2,
                certificate: self.chain.first().cloned().unwrap_or_default(),
                cipher_specs: self.sslv2.clone(),
                connection_id: vec![1; 16],
            };
            return server.encode_record().unwrap();
        }
        // An SSLv2-format hello asking for SSLv3 or TLS is refused.
        alert(ProtocolVersion::TLS10, AlertDescription::HANDSHAKE_FAILURE)
    }

    /// The version negotiated for a hello offering up to `client`.
    fn version(&self, client: ProtocolVersion) -> Option<ProtocolVersion> {
        let best = self.versions.iter().copied().max()?;
        let v = client.min(best);
        self.versions.contains(&v).then_some(v)
    }

    /// Whether `suite` may be used at `v` (GCM, ChaCha20 and SHA-2 MAC
    /// suites need TLS 1.2).
    fn usable(suite: CipherSuite, v: ProtocolVersion) -> bool {
        let Some(info) = suite.info() else {
            return false;
        };
        v >= ProtocolVersion::TLS12
            || !(info.aead() || info.name.ends_with("_SHA256") || info.name.ends_with("_SHA384"))
    }

    fn reply(&self, hello: &ClientHello) -> Vec<u8> {
        let Some(v) = self.version(hello.client_version) else {
            return alert(ProtocolVersion::TLS10, AlertDescription::PROTOCOL_VERSION);
        };
        let best = self.versions.iter().copied().max().unwrap_or(v);
        if hello
            .cipher_suites
            .contains(&CipherSuite::TLS_FALLBACK_SCSV)
            && v < best
        {
            return alert(v, AlertDescription::INAPPROPRIATE_FALLBACK);
        }
        let Some(suite) = self
            .suites
            .iter()
            .copied()
            .find(|s| hello.cipher_suites.contains(s) && Self::usable(*s, v))
        else {
            return alert(v, AlertDescription::HANDSHAKE_FAILURE);
        };
        let mut sh = ServerHello::new(v, [0x42; 32], suite);
        sh.session_id = vec![0x5A; 32];
        if self.compression && hello.compression_methods.contains(&1) {
            sh.compression_method = 1;
        }
        if v >= ProtocolVersion::TLS10
            && hello.extension(ExtensionType::RENEGOTIATION_INFO).is_some()
        {
            sh.extensions.push(tlslens_relay::codec::Extension::new(
                ExtensionType::RENEGOTIATION_INFO,
                vec![0],
            ));
        }
        let info = suite.info().unwrap();
        let mut messages = vec![sh.to_message().unwrap()];
        if !info.anonymous() {
            messages.push(
                Certificate {
                    certificates: self.chain.clone(),
                }
                .to_message()
                .unwrap(),
            );
        }
        if let Some(ske) = self.key_exchange(hello, suite, v, info.anonymous()) {
            messages.push(ske);
        }
        messages.push(ServerHelloDone.to_message().unwrap());
        let mut out = Vec::new();
        for m in messages {
            out.extend(encode_records(
                ContentType::HANDSHAKE,
                v,
                &m.encode().unwrap(),
            ));
        }
        out
    }

    /// The ServerKeyExchange of `suite`, with fixed server values and a
    /// signature of zeros (the scanner does not check it).
    fn key_exchange(
        &self,
        hello: &ClientHello,
        suite: CipherSuite,
        v: ProtocolVersion,
        anonymous: bool,
    ) -> Option<HandshakeMessage> {
        let mut signature = Vec::new();
        if !anonymous {
            if v >= ProtocolVersion::TLS12 {
                signature.extend([4, 1]);
            }
            signature.extend([0, 64]);
            signature.extend([0u8; 64]);
        }
        let params = match KeyExchangeKind::for_cipher_suite(suite) {
            Some(KeyExchangeKind::Dhe) => {
                let p = if suite.info().is_some_and(|i| i.export) {
                    hex(OPENSSL_512)
                } else {
                    self.dh_prime.clone()
                };
                let mut ys = vec![0x11; p.len()];
                ys[0] = 0x01;
                KeyExchangeParams::Dhe(DheParams { p, g: vec![2], ys })
            }
            Some(KeyExchangeKind::Ecdhe) => {
                let x25519 = matches!(
                    hello.extension(ExtensionType::SUPPORTED_GROUPS),
                    Some(ClientExtension::SupportedGroups(g)) if g.contains(&NamedGroup::X25519)
                );
                let (named_group, point) = if x25519 {
                    (NamedGroup::X25519, {
                        let mut p = vec![0u8; 32];
                        p[0] = 9;
                        p
                    })
                } else {
                    (NamedGroup::SECP256R1, {
                        let mut p = vec![0x22u8; 65];
                        p[0] = 4;
                        p
                    })
                };
                KeyExchangeParams::Ecdhe(EcdheParams { named_group, point })
            }
            None if suite.info().is_some_and(|i| i.export) => {
                // An export RSA suite: a temporary 512-bit RSA key.
                let mut body = vec![0, 64, 0xC3];
                body.extend([0x33u8; 63]);
                body.extend([0, 3, 1, 0, 1]);
                body.extend(signature);
                return Some(HandshakeMessage {
                    msg_type: HandshakeType::SERVER_KEY_EXCHANGE,
                    body,
                });
            }
            None => return None,
        };
        Some(
            ServerKeyExchange { params, signature }
                .to_message()
                .unwrap(),
        )
    }
}

fn alert(v: ProtocolVersion, d: AlertDescription) -> Vec<u8> {
    encode_records(ContentType::ALERT, v, &Alert::fatal(d).encode())
}
