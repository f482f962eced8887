//! SSL 2.0: the record framing (2- and 3-byte headers), the CLIENT-HELLO we
//! probe with (also the "SSLv2-compatible" hello offering SSLv3/TLS suites
//! as 3-byte codes), the SERVER-HELLO and ERROR a server answers with, and
//! the seven standard SSLv2 cipher kinds.

use super::wire::{u24_list, Reader, Writer};
use super::{Error, ProtocolVersion};

/// CLIENT-HELLO message type.
const MSG_CLIENT_HELLO: u8 = 1;
/// SERVER-HELLO message type.
const MSG_SERVER_HELLO: u8 = 4;
/// ERROR message type.
const MSG_ERROR: u8 = 0;

/// The largest body a 2-byte SSLv2 record header can carry.
const MAX_TWO_BYTE_LEN: usize = 0x7FFF;

/// One SSLv2 cipher kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sslv2CipherKind {
    /// The 3-byte code.
    pub code: u32,
    /// The name from the SSL 2.0 specification.
    pub name: &'static str,
}

/// The seven cipher kinds of the SSL 2.0 specification.
pub const SSLV2_CIPHER_KINDS: [Sslv2CipherKind; 7] = [
    Sslv2CipherKind {
        code: 0x01_0080,
        name: "SSL_CK_RC4_128_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x02_0080,
        name: "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x03_0080,
        name: "SSL_CK_RC2_128_CBC_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x04_0080,
        name: "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x05_0080,
        name: "SSL_CK_IDEA_128_CBC_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x06_0040,
        name: "SSL_CK_DES_64_CBC_WITH_MD5",
    },
    Sslv2CipherKind {
        code: 0x07_00C0,
        name: "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
    },
];

/// The name of a standard SSLv2 cipher kind.
pub fn sslv2_cipher_name(code: u32) -> Option<&'static str> {
    SSLV2_CIPHER_KINDS
        .iter()
        .find(|k| k.code == code)
        .map(|k| k.name)
}

/// Splits one SSLv2 record off the front of `bytes`: returns the message
/// (padding removed) and the number of bytes the record took, or `None` if
/// more bytes are needed. Handles the 2-byte header (high bit set) and the
/// 3-byte header with padding.
pub fn split_sslv2_record(bytes: &[u8]) -> Result<Option<(&[u8], usize)>, Error> {
    let (header_len, body_len, padding): (usize, usize, usize) = match *bytes {
        [b0, b1, ..] if b0 & 0x80 != 0 => (2, usize::from(b0 & 0x7F) << 8 | usize::from(b1), 0),
        [b0, b1, pad, ..] => (
            3,
            usize::from(b0 & 0x3F) << 8 | usize::from(b1),
            usize::from(pad),
        ),
        _ => return Ok(None),
    };
    let Some(data_len) = body_len.checked_sub(padding) else {
        return Err(Error::InvalidValue {
            what: "SSLv2 record padding",
        });
    };
    let end = header_len.saturating_add(body_len);
    match bytes.get(header_len..header_len.saturating_add(data_len)) {
        Some(message) if bytes.len() >= end => Ok(Some((message, end))),
        _ => Ok(None),
    }
}

/// Wraps `message` in a record with a 2-byte header.
fn encode_record(message: &[u8]) -> Result<Vec<u8>, Error> {
    if message.len() > MAX_TWO_BYTE_LEN {
        return Err(Error::TooLong {
            what: "SSLv2 record",
            length: message.len(),
            max: MAX_TWO_BYTE_LEN,
        });
    }
    let [hi, lo] = u16::try_from(message.len()).unwrap_or(0).to_be_bytes();
    let mut out = Vec::with_capacity(message.len().saturating_add(2));
    out.extend_from_slice(&[hi | 0x80, lo]);
    out.extend_from_slice(message);
    Ok(out)
}

/// Reads the first record of `bytes` and parses it with `read`.
fn read_record<T>(
    bytes: &[u8],
    read: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<Option<(T, usize)>, Error> {
    match split_sslv2_record(bytes)? {
        Some((message, used)) => Ok(Some((read(message)?, used))),
        None => Ok(None),
    }
}

fn u16_len(len: usize, what: &'static str, w: &mut Writer) {
    match u16::try_from(len) {
        Ok(n) => w.u16(n),
        Err(_) => w.fail(Error::TooLong {
            what,
            length: len,
            max: 0xFFFF,
        }),
    }
}

fn write_specs(specs: &[u32], w: &mut Writer) {
    for s in specs {
        w.u24(*s, "SSLv2 cipher spec");
    }
}

/// An SSLv2 CLIENT-HELLO. With `version` 0x0002 it probes SSLv2; with a
/// higher version and 3-byte-padded TLS suites (`0x00XXYY`) it is the
/// SSLv2-compatible hello of old TLS clients.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sslv2ClientHello {
    /// Highest version offered (0x0002 for SSLv2).
    pub version: ProtocolVersion,
    /// Cipher specs, 3-byte codes.
    pub cipher_specs: Vec<u32>,
    /// Session id (empty, or 16 bytes to resume).
    pub session_id: Vec<u8>,
    /// The challenge (16 to 32 bytes), supplied by the caller.
    pub challenge: Vec<u8>,
}

impl Sslv2ClientHello {
    /// An SSLv2 hello offering all seven SSLv2 cipher kinds.
    pub fn new(challenge: [u8; 16]) -> Self {
        Self {
            version: ProtocolVersion::SSLV2,
            cipher_specs: SSLV2_CIPHER_KINDS.iter().map(|k| k.code).collect(),
            session_id: Vec::new(),
            challenge: challenge.to_vec(),
        }
    }

    /// The message (message type byte first), without the record header.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u8(MSG_CLIENT_HELLO);
        w.u16(self.version.0);
        u16_len(
            self.cipher_specs.len().saturating_mul(3),
            "SSLv2 cipher specs",
            &mut w,
        );
        u16_len(self.session_id.len(), "SSLv2 session id", &mut w);
        u16_len(self.challenge.len(), "SSLv2 challenge", &mut w);
        write_specs(&self.cipher_specs, &mut w);
        w.bytes(&self.session_id);
        w.bytes(&self.challenge);
        w.finish()
    }

    /// The bytes to write to the socket: the message in a 2-byte-header
    /// record.
    pub fn encode_record(&self) -> Result<Vec<u8>, Error> {
        encode_record(&self.encode()?)
    }

    /// Parses a message (type byte first).
    pub fn read(message: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(message);
        if r.u8("SSLv2 message type")? != MSG_CLIENT_HELLO {
            return Err(Error::InvalidValue {
                what: "SSLv2 message type",
            });
        }
        let version = ProtocolVersion(r.u16("SSLv2 version")?);
        let specs_len = usize::from(r.u16("SSLv2 cipher specs length")?);
        let sid_len = usize::from(r.u16("SSLv2 session id length")?);
        let challenge_len = usize::from(r.u16("SSLv2 challenge length")?);
        let cipher_specs = u24_list(
            r.take(specs_len, "SSLv2 cipher specs")?,
            "SSLv2 cipher specs length",
        )?;
        let session_id = r.take(sid_len, "SSLv2 session id")?.to_vec();
        let challenge = r.take(challenge_len, "SSLv2 challenge")?.to_vec();
        r.finish("SSLv2 CLIENT-HELLO")?;
        Ok(Self {
            version,
            cipher_specs,
            session_id,
            challenge,
        })
    }

    /// Parses the record at the start of `bytes`; `None` if incomplete.
    pub fn read_record(bytes: &[u8]) -> Result<Option<(Self, usize)>, Error> {
        read_record(bytes, Self::read)
    }
}

/// An SSLv2 SERVER-HELLO.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sslv2ServerHello {
    /// Non-zero if the server found our session id.
    pub session_id_hit: u8,
    /// Certificate type (1 = X.509).
    pub certificate_type: u8,
    /// The server's version (0x0002).
    pub version: ProtocolVersion,
    /// The server certificate (DER).
    pub certificate: Vec<u8>,
    /// The cipher specs the server accepts among ours, 3-byte codes.
    pub cipher_specs: Vec<u32>,
    /// The connection id.
    pub connection_id: Vec<u8>,
}

impl Sslv2ServerHello {
    /// The message (message type byte first), without the record header.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u8(MSG_SERVER_HELLO);
        w.u8(self.session_id_hit);
        w.u8(self.certificate_type);
        w.u16(self.version.0);
        u16_len(self.certificate.len(), "SSLv2 certificate", &mut w);
        u16_len(
            self.cipher_specs.len().saturating_mul(3),
            "SSLv2 cipher specs",
            &mut w,
        );
        u16_len(self.connection_id.len(), "SSLv2 connection id", &mut w);
        w.bytes(&self.certificate);
        write_specs(&self.cipher_specs, &mut w);
        w.bytes(&self.connection_id);
        w.finish()
    }

    /// The message in a 2-byte-header record.
    pub fn encode_record(&self) -> Result<Vec<u8>, Error> {
        encode_record(&self.encode()?)
    }

    /// Parses a message (type byte first).
    pub fn read(message: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(message);
        if r.u8("SSLv2 message type")? != MSG_SERVER_HELLO {
            return Err(Error::InvalidValue {
                what: "SSLv2 message type",
            });
        }
        let session_id_hit = r.u8("SSLv2 session id hit")?;
        let certificate_type = r.u8("SSLv2 certificate type")?;
        let version = ProtocolVersion(r.u16("SSLv2 version")?);
        let cert_len = usize::from(r.u16("SSLv2 certificate length")?);
        let specs_len = usize::from(r.u16("SSLv2 cipher specs length")?);
        let conn_len = usize::from(r.u16("SSLv2 connection id length")?);
        let certificate = r.take(cert_len, "SSLv2 certificate")?.to_vec();
        let cipher_specs = u24_list(
            r.take(specs_len, "SSLv2 cipher specs")?,
            "SSLv2 cipher specs length",
        )?;
        let connection_id = r.take(conn_len, "SSLv2 connection id")?.to_vec();
        r.finish("SSLv2 SERVER-HELLO")?;
        Ok(Self {
            session_id_hit,
            certificate_type,
            version,
            certificate,
            cipher_specs,
            connection_id,
        })
    }

    /// Parses the record at the start of `bytes`; `None` if incomplete.
    pub fn read_record(bytes: &[u8]) -> Result<Option<(Self, usize)>, Error> {
        read_record(bytes, Self::read)
    }
}

/// What an SSLv2 server can answer a CLIENT-HELLO with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sslv2ServerMessage {
    /// A SERVER-HELLO.
    ServerHello(Sslv2ServerHello),
    /// An ERROR message with its code (1 = NO-CIPHER-ERROR, 2 =
    /// NO-CERTIFICATE-ERROR, 4 = BAD-CERTIFICATE-ERROR, 6 =
    /// UNSUPPORTED-CERTIFICATE-TYPE-ERROR).
    Error {
        /// The error code.
        code: u16,
    },
    /// Any other message type, kept raw.
    Other {
        /// The message type.
        msg_type: u8,
        /// The rest of the message.
        body: Vec<u8>,
    },
}

impl Sslv2ServerMessage {
    /// Parses a message (type byte first).
    pub fn read(message: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(message);
        match r.u8("SSLv2 message type")? {
            MSG_SERVER_HELLO => Ok(Self::ServerHello(Sslv2ServerHello::read(message)?)),
            MSG_ERROR => {
                let code = r.u16("SSLv2 error code")?;
                r.finish("SSLv2 ERROR")?;
                Ok(Self::Error { code })
            }
            msg_type => Ok(Self::Other {
                msg_type,
                body: r.rest().to_vec(),
            }),
        }
    }

    /// The message (type byte first).
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        match self {
            Self::ServerHello(hello) => hello.encode(),
            Self::Error { code } => {
                let [hi, lo] = code.to_be_bytes();
                Ok(vec![MSG_ERROR, hi, lo])
            }
            Self::Other { msg_type, body } => {
                let mut out = vec![*msg_type];
                out.extend_from_slice(body);
                Ok(out)
            }
        }
    }

    /// Parses the record at the start of `bytes`; `None` if incomplete.
    pub fn read_record(bytes: &[u8]) -> Result<Option<(Self, usize)>, Error> {
        read_record(bytes, Self::read)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn cipher_kinds() {
        assert_eq!(SSLV2_CIPHER_KINDS.len(), 7);
        assert_eq!(sslv2_cipher_name(0x010080), Some("SSL_CK_RC4_128_WITH_MD5"));
        assert_eq!(
            sslv2_cipher_name(0x0700C0),
            Some("SSL_CK_DES_192_EDE3_CBC_WITH_MD5")
        );
        assert_eq!(
            sslv2_cipher_name(0x060040),
            Some("SSL_CK_DES_64_CBC_WITH_MD5")
        );
        assert_eq!(sslv2_cipher_name(0x00002F), None);
    }

    #[test]
    fn client_hello_bytes_and_round_trip() {
        let hello = Sslv2ClientHello::new([0xAB; 16]);
        let record = hello.encode_record().unwrap();
        // 2-byte header, type 1, version 0x0002, 21 bytes of specs, no
        // session id, 16-byte challenge.
        assert_eq!(&record[..11], &[0x80, 0x2E, 1, 0, 2, 0, 21, 0, 0, 0, 16]);
        assert_eq!(&record[11..14], &[1, 0, 0x80]);
        assert_eq!(record.len(), 2 + 9 + 21 + 16);
        let (back, used) = Sslv2ClientHello::read_record(&record).unwrap().unwrap();
        assert_eq!(back, hello);
        assert_eq!(used, record.len());
        assert_eq!(back.encode_record().unwrap(), record);
        for cut in 0..record.len() {
            assert_eq!(Sslv2ClientHello::read_record(&record[..cut]).unwrap(), None);
        }
        // SSLv2-compatible hello offering TLS 1.0 suites.
        let compat = Sslv2ClientHello {
            version: ProtocolVersion::TLS10,
            cipher_specs: vec![0x00_002F, 0x00_0035, 0x01_0080],
            session_id: vec![],
            challenge: vec![1; 32],
        };
        let msg = compat.encode().unwrap();
        assert_eq!(Sslv2ClientHello::read(&msg).unwrap(), compat);
    }

    #[test]
    fn server_hello_round_trip_and_errors() {
        let sh = Sslv2ServerHello {
            session_id_hit: 0,
            certificate_type: 1,
            version: ProtocolVersion::SSLV2,
            certificate: vec![0x30; 700],
            cipher_specs: vec![0x010080, 0x0700C0],
            connection_id: vec![5; 16],
        };
        let record = sh.encode_record().unwrap();
        let (back, used) = Sslv2ServerHello::read_record(&record).unwrap().unwrap();
        assert_eq!(back, sh);
        assert_eq!(used, record.len());
        let (msg, _) = Sslv2ServerMessage::read_record(&record).unwrap().unwrap();
        assert_eq!(msg, Sslv2ServerMessage::ServerHello(sh.clone()));
        assert_eq!(msg.encode().unwrap(), sh.encode().unwrap());
        // Truncated inside the message (record says shorter).
        let message = sh.encode().unwrap();
        for cut in 0..message.len() {
            assert!(Sslv2ServerHello::read(&message[..cut]).is_err());
        }
        // Spec list not a multiple of three.
        let mut bad = message.clone();
        bad[8] = 0;
        bad[9] = 5;
        assert!(Sslv2ServerHello::read(&bad).is_err());
        assert!(Sslv2ServerHello::read(&Sslv2ClientHello::new([0; 16]).encode().unwrap()).is_err());
    }

    #[test]
    fn error_and_other_messages() {
        let rec = [0x80, 3, 0, 0, 1];
        assert_eq!(
            Sslv2ServerMessage::read_record(&rec).unwrap(),
            Some((Sslv2ServerMessage::Error { code: 1 }, 5))
        );
        let other = Sslv2ServerMessage::Other {
            msg_type: 7,
            body: vec![1, 2],
        };
        assert_eq!(
            Sslv2ServerMessage::read(&other.encode().unwrap()).unwrap(),
            other
        );
        assert!(Sslv2ServerMessage::read(&[0, 1]).is_err());
        assert!(Sslv2ServerMessage::read(&[]).is_err());
    }

    #[test]
    fn three_byte_headers_and_padding() {
        // 3-byte header: length 5 including 2 bytes of padding.
        let rec = [0x00, 5, 2, 0, 0, 6, 0xEE, 0xEE, 99];
        assert_eq!(split_sslv2_record(&rec).unwrap(), Some((&[0, 0, 6][..], 8)));
        assert_eq!(split_sslv2_record(&rec[..7]).unwrap(), None);
        assert!(split_sslv2_record(&[0x00, 1, 2, 0]).is_err());
        assert_eq!(split_sslv2_record(&[0x80]).unwrap(), None);
        assert_eq!(split_sslv2_record(&[0x80, 0]).unwrap(), Some((&[][..], 2)));
    }

    #[test]
    fn encode_limits() {
        let big = Sslv2ServerHello {
            session_id_hit: 0,
            certificate_type: 1,
            version: ProtocolVersion::SSLV2,
            certificate: vec![0; 0x7FFF],
            cipher_specs: vec![],
            connection_id: vec![],
        };
        assert!(big.encode().is_ok());
        assert!(big.encode_record().is_err());
        let bad_spec = Sslv2ClientHello {
            cipher_specs: vec![0x0100_0000],
            ..Sslv2ClientHello::new([0; 16])
        };
        assert!(bad_spec.encode().is_err());
    }
}
