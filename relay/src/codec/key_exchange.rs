//! The ServerKeyExchange message of ephemeral (EC)DH suites, TLS ≤ 1.2 and
//! SSLv3: the DH prime / generator / public value or the named curve and
//! point, with the signature kept verbatim. Also a table telling which
//! cipher suites send which kind of parameters.

use super::consts::HandshakeType;
use super::record::HandshakeMessage;
use super::wire::{Reader, Writer};
use super::{CipherSuite, Error, NamedGroup};

/// Which parameters a ServerKeyExchange carries; the message does not say,
/// the negotiated cipher suite does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExchangeKind {
    /// Finite-field ephemeral Diffie-Hellman (`ServerDHParams`).
    Dhe,
    /// Elliptic-curve ephemeral Diffie-Hellman (`ServerECDHParams`).
    Ecdhe,
}

impl KeyExchangeKind {
    /// The kind of ServerKeyExchange sent for `suite`: `Dhe` for the
    /// `TLS_DHE_*` and `TLS_DH_anon_*` suites, `Ecdhe` for `TLS_ECDHE_*` and
    /// `TLS_ECDH_anon_*`; `None` for every other suite (RSA, static (EC)DH,
    /// PSK variants whose message starts with an identity hint, TLS 1.3…).
    pub fn for_cipher_suite(suite: CipherSuite) -> Option<Self> {
        match suite.0 {
            // DHE_DSS / DHE_RSA / DH_anon: DES, 3DES, RC4, export.
            0x0011..=0x001B
            // AES-CBC with SHA.
            | 0x0032..=0x0034
            | 0x0038..=0x003A
            // AES-CBC SHA256, Camellia, old 1024-bit export suites.
            | 0x0040
            | 0x0044..=0x0046
            | 0x0063
            | 0x0065
            | 0x0066
            | 0x0067
            | 0x006A..=0x006D
            | 0x0087..=0x0089
            // SEED.
            | 0x0099..=0x009B
            // AES-GCM.
            | 0x009E
            | 0x009F
            | 0x00A2
            | 0x00A3
            | 0x00A6
            | 0x00A7
            // Camellia SHA256.
            | 0x00BD..=0x00BF
            | 0x00C3..=0x00C5
            // ARIA CBC and GCM.
            | 0xC042..=0xC047
            | 0xC052
            | 0xC053
            | 0xC056
            | 0xC057
            | 0xC05A
            | 0xC05B
            // Camellia GCM.
            | 0xC07C
            | 0xC07D
            | 0xC080
            | 0xC081
            | 0xC084
            | 0xC085
            // AES-CCM.
            | 0xC09E
            | 0xC09F
            | 0xC0A2
            | 0xC0A3
            // ChaCha20-Poly1305 (RFC 7905 and the pre-standard code point).
            | 0xCCAA
            | 0xCC15 => Some(Self::Dhe),
            // ECDHE_ECDSA, ECDHE_RSA, ECDH_anon: NULL, RC4, 3DES, AES-CBC.
            0xC006..=0xC00A
            | 0xC010..=0xC019
            // AES-CBC SHA256/384.
            | 0xC023
            | 0xC024
            | 0xC027
            | 0xC028
            // AES-GCM.
            | 0xC02B
            | 0xC02C
            | 0xC02F
            | 0xC030
            // ARIA CBC and GCM.
            | 0xC048
            | 0xC049
            | 0xC04C
            | 0xC04D
            | 0xC05C
            | 0xC05D
            | 0xC060
            | 0xC061
            // Camellia CBC and GCM.
            | 0xC072
            | 0xC073
            | 0xC076
            | 0xC077
            | 0xC086
            | 0xC087
            | 0xC08A
            | 0xC08B
            // AES-CCM.
            | 0xC0AC..=0xC0AF
            // ChaCha20-Poly1305 (RFC 7905 and pre-standard code points).
            | 0xCCA8
            | 0xCCA9
            | 0xCC13
            | 0xCC14 => Some(Self::Ecdhe),
            _ => None,
        }
    }
}

/// `ServerDHParams`: big-endian unsigned integers as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DheParams {
    /// The prime modulus `dh_p`.
    pub p: Vec<u8>,
    /// The generator `dh_g`.
    pub g: Vec<u8>,
    /// The server's public value `dh_Ys`.
    pub ys: Vec<u8>,
}

impl DheParams {
    /// The bit length of the prime (the DH group size), leading zero bytes
    /// and bits ignored. 0 for a zero or empty prime.
    pub fn prime_bits(&self) -> usize {
        bit_len(&self.p)
    }
}

fn bit_len(n: &[u8]) -> usize {
    let Some(first) = n.iter().position(|b| *b != 0) else {
        return 0;
    };
    let significant = n.get(first..).unwrap_or_default();
    let top_bits = significant.first().map_or(0, |b| {
        usize::try_from(8u32.saturating_sub(b.leading_zeros())).unwrap_or(0)
    });
    significant
        .len()
        .saturating_sub(1)
        .saturating_mul(8)
        .saturating_add(top_bits)
}

/// `ServerECDHParams` with a named curve (`curve_type` 3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EcdheParams {
    /// The named group (curve).
    pub named_group: NamedGroup,
    /// The server's public point, as sent.
    pub point: Vec<u8>,
}

/// The parameters of a ServerKeyExchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyExchangeParams {
    /// Finite-field DH.
    Dhe(DheParams),
    /// Elliptic-curve DH.
    Ecdhe(EcdheParams),
}

/// A ServerKeyExchange of an ephemeral (EC)DH suite.
///
/// `signature` holds every byte after the parameters, verbatim: in TLS 1.2
/// a signature-scheme pair, then the `u16`-length-prefixed signature; in
/// TLS 1.0/1.1 and SSLv3 only the latter; nothing for anonymous suites.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerKeyExchange {
    /// The key exchange parameters.
    pub params: KeyExchangeParams,
    /// The signature part, verbatim (see the type's documentation).
    pub signature: Vec<u8>,
}

/// `ECCurveType` `named_curve`.
const NAMED_CURVE: u8 = 3;

impl ServerKeyExchange {
    /// Parses the body, expecting parameters of `kind`.
    ///
    /// Explicit (non-named) EC curves are [`Error::Unsupported`].
    pub fn read(body: &[u8], kind: KeyExchangeKind) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let params = match kind {
            KeyExchangeKind::Dhe => KeyExchangeParams::Dhe(DheParams {
                p: r.vec16("dh_p")?.to_vec(),
                g: r.vec16("dh_g")?.to_vec(),
                ys: r.vec16("dh_Ys")?.to_vec(),
            }),
            KeyExchangeKind::Ecdhe => {
                let curve_type = r.u8("curve_type")?;
                if curve_type != NAMED_CURVE {
                    return Err(Error::Unsupported {
                        what: "explicit elliptic curve parameters",
                    });
                }
                KeyExchangeParams::Ecdhe(EcdheParams {
                    named_group: NamedGroup(r.u16("named_curve")?),
                    point: r.vec8("ECDH public point")?.to_vec(),
                })
            }
        };
        Ok(Self {
            params,
            signature: r.rest().to_vec(),
        })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        match &self.params {
            KeyExchangeParams::Dhe(dh) => {
                w.vec16("dh_p", &dh.p);
                w.vec16("dh_g", &dh.g);
                w.vec16("dh_Ys", &dh.ys);
            }
            KeyExchangeParams::Ecdhe(ec) => {
                w.u8(NAMED_CURVE);
                w.u16(ec.named_group.0);
                w.vec8("ECDH public point", &ec.point);
            }
        }
        w.bytes(&self.signature);
        w.finish()
    }

    /// The handshake message (type `server_key_exchange`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::SERVER_KEY_EXCHANGE,
            body: self.encode()?,
        })
    }

    /// The kind of parameters.
    pub fn kind(&self) -> KeyExchangeKind {
        match self.params {
            KeyExchangeParams::Dhe(_) => KeyExchangeKind::Dhe,
            KeyExchangeParams::Ecdhe(_) => KeyExchangeKind::Ecdhe,
        }
    }

    /// The DH prime size in bits (DHE only).
    pub fn dh_prime_bits(&self) -> Option<usize> {
        match &self.params {
            KeyExchangeParams::Dhe(dh) => Some(dh.prime_bits()),
            KeyExchangeParams::Ecdhe(_) => None,
        }
    }

    /// The named group (ECDHE only).
    pub fn named_group(&self) -> Option<NamedGroup> {
        match &self.params {
            KeyExchangeParams::Ecdhe(ec) => Some(ec.named_group),
            KeyExchangeParams::Dhe(_) => None,
        }
    }

    /// Splits `signature` into the signature scheme (present when
    /// `has_scheme`, i.e. TLS 1.2) and the signature bytes; `None` if it
    /// does not have that shape (anonymous suites have no signature).
    pub fn signature_parts(&self, has_scheme: bool) -> Option<(Option<u16>, &[u8])> {
        let mut r = Reader::new(&self.signature);
        let scheme = if has_scheme {
            Some(r.u16("").ok()?)
        } else {
            None
        };
        let sig = r.vec16("").ok()?;
        r.finish("").ok()?;
        Some((scheme, sig))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn dhe(p: Vec<u8>, signature: Vec<u8>) -> ServerKeyExchange {
        ServerKeyExchange {
            params: KeyExchangeParams::Dhe(DheParams {
                p,
                g: vec![2],
                ys: vec![0x55; 256],
            }),
            signature,
        }
    }

    #[test]
    fn dhe_round_trip_tls12_and_tls10() {
        let mut p = vec![0xFF; 256];
        p[255] = 0x61;
        let tls12_sig = [&[0x08, 0x04, 0x01, 0x00][..], &[0xAB; 256]].concat();
        let tls10_sig = [&[0x01, 0x00][..], &[0xCD; 256]].concat();
        for sig in [tls12_sig.clone(), tls10_sig.clone(), vec![]] {
            let ske = dhe(p.clone(), sig);
            let body = ske.encode().unwrap();
            let back = ServerKeyExchange::read(&body, KeyExchangeKind::Dhe).unwrap();
            assert_eq!(back, ske);
            assert_eq!(back.encode().unwrap(), body);
            assert_eq!(back.dh_prime_bits(), Some(2048));
            assert_eq!(back.kind(), KeyExchangeKind::Dhe);
            assert_eq!(back.named_group(), None);
        }
        let with12 = dhe(p.clone(), tls12_sig);
        assert_eq!(with12.signature_parts(true).unwrap().0, Some(0x0804));
        assert_eq!(with12.signature_parts(true).unwrap().1.len(), 256);
        assert_eq!(with12.signature_parts(false), None);
        let with10 = dhe(p, tls10_sig);
        assert_eq!(
            with10.signature_parts(false).unwrap(),
            (None, &[0xCD; 256][..])
        );
    }

    #[test]
    fn prime_bits_ignore_leading_zeros() {
        let bits = |p: &[u8]| {
            DheParams {
                p: p.to_vec(),
                g: vec![],
                ys: vec![],
            }
            .prime_bits()
        };
        assert_eq!(bits(&[]), 0);
        assert_eq!(bits(&[0, 0]), 0);
        assert_eq!(bits(&[1]), 1);
        assert_eq!(bits(&[0, 0x80, 0]), 16);
        assert_eq!(bits(&[0, 0x7F, 0]), 15);
        let mut p1024 = vec![0u8; 129];
        p1024[1] = 0xC0;
        assert_eq!(bits(&p1024), 1024);
        let mut p505 = vec![0u8; 64];
        p505[0] = 1;
        assert_eq!(bits(&p505), 505);
    }

    #[test]
    fn ecdhe_round_trip() {
        let ske = ServerKeyExchange {
            params: KeyExchangeParams::Ecdhe(EcdheParams {
                named_group: NamedGroup::X25519,
                point: vec![7; 32],
            }),
            signature: vec![4, 3, 0, 2, 0x30, 0],
        };
        let body = ske.encode().unwrap();
        assert_eq!(&body[..4], &[3, 0, 29, 32]);
        let back = ServerKeyExchange::read(&body, KeyExchangeKind::Ecdhe).unwrap();
        assert_eq!(back, ske);
        assert_eq!(back.named_group(), Some(NamedGroup::X25519));
        assert_eq!(back.dh_prime_bits(), None);
        assert_eq!(back.kind(), KeyExchangeKind::Ecdhe);
        assert_eq!(
            back.signature_parts(true),
            Some((Some(0x0403), &[0x30, 0][..]))
        );
        assert_eq!(back.to_message().unwrap().msg_type, HandshakeType(12));
    }

    #[test]
    fn ske_errors() {
        assert_eq!(
            ServerKeyExchange::read(&[1, 0, 1], KeyExchangeKind::Ecdhe),
            Err(Error::Unsupported {
                what: "explicit elliptic curve parameters"
            })
        );
        let body = dhe(vec![0xFF; 64], vec![]).encode().unwrap();
        for cut in 0..body.len() {
            assert!(ServerKeyExchange::read(&body[..cut], KeyExchangeKind::Dhe).is_err());
        }
        assert!(ServerKeyExchange::read(&[3, 0], KeyExchangeKind::Ecdhe).is_err());
        let too_long = dhe(vec![0; 70_000], vec![]);
        assert!(too_long.encode().is_err());
    }

    #[test]
    fn suite_kinds() {
        use KeyExchangeKind::{Dhe, Ecdhe};
        for (suite, kind) in [
            (0xC02F, Some(Ecdhe)),
            (0xC030, Some(Ecdhe)),
            (0xC02B, Some(Ecdhe)),
            (0xC013, Some(Ecdhe)),
            (0xC009, Some(Ecdhe)),
            (0xCCA8, Some(Ecdhe)),
            (0xCCA9, Some(Ecdhe)),
            (0xC018, Some(Ecdhe)), // ECDH_anon_WITH_AES_128_CBC_SHA
            (0x009E, Some(Dhe)),
            (0x0033, Some(Dhe)),
            (0x0039, Some(Dhe)),
            (0x0016, Some(Dhe)),
            (0x0034, Some(Dhe)), // DH_anon_WITH_AES_128_CBC_SHA
            (0xCCAA, Some(Dhe)),
            (0x002F, None), // RSA
            (0x000A, None),
            (0xC004, None), // static ECDH_ECDSA
            (0xC00E, None), // static ECDH_RSA
            (0x0030, None), // static DH_DSS
            (0x1301, None),
            (0xCCAC, None), // ECDHE_PSK
            (0x00FF, None),
        ] {
            assert_eq!(
                KeyExchangeKind::for_cipher_suite(CipherSuite(suite)),
                kind,
                "{suite:#06x}"
            );
        }
    }
}
