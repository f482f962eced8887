//! The client's second flight of a TLS ≤ 1.2 full handshake:
//! [`ClientKeyExchange`] and [`Finished`] (the ChangeCipherSpec between them
//! is one byte, see [`CHANGE_CIPHER_SPEC`]). The vulnerability probes that
//! finish handshakes (POODLE-TLS, Ticketbleed, renegotiation) and ROBOT's
//! crafted RSA payloads are built from these; test servers read them back.

use super::consts::HandshakeType;
use super::key_exchange::KeyExchangeKind;
use super::record::HandshakeMessage;
use super::wire::{Reader, Writer};
use super::Error;

/// The body of a ChangeCipherSpec record (`change_cipher_spec(1)`).
pub const CHANGE_CIPHER_SPEC: [u8; 1] = [1];

/// A ClientKeyExchange, by key exchange kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientKeyExchange {
    /// RSA key transport: the encrypted premaster secret (`u16`-length
    /// prefixed, TLS 1.0 and later). The bytes are kept as given, so a probe
    /// can send any value (ROBOT).
    Rsa(Vec<u8>),
    /// Finite-field DH: the client's public value `dh_Yc`.
    Dhe(Vec<u8>),
    /// Elliptic-curve DH: the client's public point.
    Ecdhe(Vec<u8>),
}

impl ClientKeyExchange {
    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        match self {
            Self::Rsa(c) => w.vec(2, "EncryptedPreMasterSecret", c),
            Self::Dhe(y) => w.vec(2, "dh_Yc", y),
            Self::Ecdhe(p) => w.vec(1, "ecdh_Yc", p),
        }
        w.finish()
    }

    /// The handshake message (type `client_key_exchange`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CLIENT_KEY_EXCHANGE,
            body: self.encode()?,
        })
    }

    /// Parses a body of `kind`; `None` for RSA transport (which has no
    /// ServerKeyExchange, hence no [`KeyExchangeKind`]).
    pub fn read(body: &[u8], kind: Option<KeyExchangeKind>) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let out = match kind {
            None => Self::Rsa(r.vec16("EncryptedPreMasterSecret")?.to_vec()),
            Some(KeyExchangeKind::Dhe) => Self::Dhe(r.vec16("dh_Yc")?.to_vec()),
            Some(KeyExchangeKind::Ecdhe) => Self::Ecdhe(r.vec8("ecdh_Yc")?.to_vec()),
        };
        r.finish("ClientKeyExchange")?;
        Ok(out)
    }
}

/// A Finished message: the `verify_data` (12 bytes in TLS 1.0–1.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finished {
    /// `verify_data`, as sent.
    pub verify_data: Vec<u8>,
}

impl Finished {
    /// Keeps the body.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            verify_data: body.to_vec(),
        })
    }

    /// The handshake message (type `finished`).
    pub fn to_message(&self) -> HandshakeMessage {
        HandshakeMessage {
            msg_type: HandshakeType::FINISHED,
            body: self.verify_data.clone(),
        }
    }
}
