//! Handshake messages a server sends in its first flight (TLS 1.0–1.3 and
//! SSLv3): ServerHello (and the HelloRetryRequest it can stand for),
//! Certificate in both layouts, CertificateStatus, ServerHelloDone,
//! CertificateRequest and NewSessionTicket. Each has `read` for a message
//! body and `encode` giving that body back; ServerKeyExchange lives in
//! `key_exchange.rs`.

use super::consts::{ExtensionType, HandshakeType};
use super::extension::{find, Extension, KeyShareEntry};
use super::record::HandshakeMessage;
use super::wire::{Reader, Writer};
use super::{CipherSuite, Error, NamedGroup, ProtocolVersion};

/// The `random` of a ServerHello that is a HelloRetryRequest:
/// SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// A TLS 1.3 downgrade sentinel in the last 8 bytes of a ServerHello random
/// (RFC 8446 §4.1.3): the server supports a newer version than it chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Downgrade {
    /// `DOWNGRD\x01`: a TLS 1.3 server negotiated TLS 1.2.
    Tls12,
    /// `DOWNGRD\x00`: a TLS 1.2 (or 1.3) server negotiated TLS 1.1 or below.
    Tls11OrBelow,
}

/// A ServerHello (or a TLS 1.3 HelloRetryRequest, which shares its layout).
///
/// An SSLv3-style hello without an extensions block parses to an empty
/// `extensions` list, and an empty list is encoded without the block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServerHello {
    /// `server_version` (`legacy_version`: 0x0303 in TLS 1.3).
    pub legacy_version: ProtocolVersion,
    /// The server random.
    pub random: [u8; 32],
    /// Session id (echoed `legacy_session_id` in TLS 1.3).
    pub session_id: Vec<u8>,
    /// The chosen cipher suite.
    pub cipher_suite: CipherSuite,
    /// The chosen compression method.
    pub compression_method: u8,
    /// Extensions, raw and in order.
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    /// A hello with no session id, null compression and no extensions.
    pub fn new(
        legacy_version: ProtocolVersion,
        random: [u8; 32],
        cipher_suite: CipherSuite,
    ) -> Self {
        Self {
            legacy_version,
            random,
            session_id: Vec::new(),
            cipher_suite,
            compression_method: 0,
            extensions: Vec::new(),
        }
    }

    /// Parses a ServerHello body (no message header).
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let legacy_version = ProtocolVersion(r.u16("server_version")?);
        let random = r.array::<32>("server random")?;
        let session_id = r.vec8("session_id")?.to_vec();
        let cipher_suite = CipherSuite(r.u16("cipher_suite")?);
        let compression_method = r.u8("compression_method")?;
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            Extension::read_list(r.vec16("extensions")?)?
        };
        r.finish("ServerHello")?;
        Ok(Self {
            legacy_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
        })
    }

    /// The body (no message header).
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u16(self.legacy_version.0);
        w.bytes(&self.random);
        w.vec8("session_id", &self.session_id);
        w.u16(self.cipher_suite.0);
        w.u8(self.compression_method);
        Extension::write_block(&self.extensions, &mut w);
        w.finish()
    }

    /// The handshake message (type `server_hello`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::SERVER_HELLO,
            body: self.encode()?,
        })
    }

    /// The first extension of type `typ`.
    pub fn extension(&self, typ: ExtensionType) -> Option<&Extension> {
        find(&self.extensions, typ)
    }

    /// Whether an extension of type `typ` is present.
    pub fn has_extension(&self, typ: ExtensionType) -> bool {
        self.extension(typ).is_some()
    }

    fn ext_reader(&self, typ: ExtensionType) -> Option<Reader<'_>> {
        self.extension(typ).map(|e| Reader::new(&e.data))
    }

    /// Whether this is a HelloRetryRequest (its random is
    /// [`HELLO_RETRY_REQUEST_RANDOM`]).
    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// The version chosen in `supported_versions`, if the extension is
    /// present and well-formed.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        let mut r = self.ext_reader(ExtensionType::SUPPORTED_VERSIONS)?;
        let v = r.u16("").ok()?;
        r.finish("").ok()?;
        Some(ProtocolVersion(v))
    }

    /// The negotiated version: `selected_version()` if present, else
    /// `legacy_version`.
    pub fn negotiated_version(&self) -> ProtocolVersion {
        self.selected_version().unwrap_or(self.legacy_version)
    }

    /// Whether TLS 1.3 (or a TLS 1.3 draft, `0x7Fxx`) was selected, after
    /// which everything but this hello is encrypted.
    pub fn is_tls13(&self) -> bool {
        self.selected_version()
            .is_some_and(|v| v == ProtocolVersion::TLS13 || v.0 >> 8 == 0x7F)
    }

    /// The group of the `key_share` extension: the server's share in a
    /// ServerHello, the requested group in a HelloRetryRequest.
    pub fn key_share_group(&self) -> Option<NamedGroup> {
        self.ext_reader(ExtensionType::KEY_SHARE)?
            .u16("")
            .ok()
            .map(NamedGroup)
    }

    /// The server's key share (ServerHello, not HelloRetryRequest).
    pub fn key_share(&self) -> Option<KeyShareEntry> {
        let mut r = self.ext_reader(ExtensionType::KEY_SHARE)?;
        let entry = KeyShareEntry::read(&mut r).ok()?;
        r.finish("").ok()?;
        Some(entry)
    }

    /// The group a HelloRetryRequest asks the client to send a share for.
    pub fn hello_retry_group(&self) -> Option<NamedGroup> {
        if !self.is_hello_retry_request() {
            return None;
        }
        let mut r = self.ext_reader(ExtensionType::KEY_SHARE)?;
        let group = r.u16("").ok()?;
        r.finish("").ok()?;
        Some(NamedGroup(group))
    }

    /// The `cookie` of a HelloRetryRequest.
    pub fn cookie(&self) -> Option<&[u8]> {
        let mut r = self.ext_reader(ExtensionType::COOKIE)?;
        let cookie = r.vec16("").ok()?;
        r.finish("").ok()?;
        Some(cookie)
    }

    /// The protocol chosen by ALPN (a list of exactly one name).
    pub fn alpn(&self) -> Option<&[u8]> {
        let mut r = self.ext_reader(ExtensionType::ALPN)?;
        let mut list = Reader::new(r.vec16("").ok()?);
        r.finish("").ok()?;
        let name = list.vec8("").ok()?;
        list.finish("").ok()?;
        Some(name)
    }

    /// The `renegotiated_connection` of `renegotiation_info` (empty on an
    /// initial handshake); `None` if the server does not do secure
    /// renegotiation.
    pub fn renegotiation_info(&self) -> Option<&[u8]> {
        let mut r = self.ext_reader(ExtensionType::RENEGOTIATION_INFO)?;
        let data = r.vec8("").ok()?;
        r.finish("").ok()?;
        Some(data)
    }

    /// Whether `extended_master_secret` is present.
    pub fn has_extended_master_secret(&self) -> bool {
        self.has_extension(ExtensionType::EXTENDED_MASTER_SECRET)
    }

    /// Whether `encrypt_then_mac` is present.
    pub fn has_encrypt_then_mac(&self) -> bool {
        self.has_extension(ExtensionType::ENCRYPT_THEN_MAC)
    }

    /// Whether `status_request` is present (an OCSP staple will follow in
    /// a CertificateStatus message, TLS ≤ 1.2).
    pub fn has_status_request(&self) -> bool {
        self.has_extension(ExtensionType::STATUS_REQUEST)
    }

    /// Whether `session_ticket` is present (a NewSessionTicket will follow).
    pub fn has_session_ticket(&self) -> bool {
        self.has_extension(ExtensionType::SESSION_TICKET)
    }

    /// The `signed_certificate_timestamp` data: a
    /// SignedCertificateTimestampList (RFC 6962 §3.3), kept raw.
    pub fn signed_certificate_timestamps(&self) -> Option<&[u8]> {
        self.extension(ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP)
            .map(|e| e.data.as_slice())
    }

    /// Whether an (empty) `server_name` acknowledges our SNI.
    pub fn has_server_name(&self) -> bool {
        self.has_extension(ExtensionType::SERVER_NAME)
    }

    /// The server's `ec_point_formats`.
    pub fn ec_point_formats(&self) -> Option<&[u8]> {
        let mut r = self.ext_reader(ExtensionType::EC_POINT_FORMATS)?;
        let formats = r.vec8("").ok()?;
        r.finish("").ok()?;
        Some(formats)
    }

    /// The `heartbeat` mode (see [`super::heartbeat_mode`]).
    pub fn heartbeat_mode(&self) -> Option<u8> {
        let mut r = self.ext_reader(ExtensionType::HEARTBEAT)?;
        let mode = r.u8("").ok()?;
        r.finish("").ok()?;
        Some(mode)
    }

    /// The `max_fragment_length` code.
    pub fn max_fragment_length(&self) -> Option<u8> {
        let mut r = self.ext_reader(ExtensionType::MAX_FRAGMENT_LENGTH)?;
        let code = r.u8("").ok()?;
        r.finish("").ok()?;
        Some(code)
    }

    /// The `record_size_limit`.
    pub fn record_size_limit(&self) -> Option<u16> {
        let mut r = self.ext_reader(ExtensionType::RECORD_SIZE_LIMIT)?;
        let limit = r.u16("").ok()?;
        r.finish("").ok()?;
        Some(limit)
    }

    /// The TLS 1.3 downgrade sentinel in the random, if any.
    pub fn downgrade_sentinel(&self) -> Option<Downgrade> {
        match self.random.get(24..) {
            Some([b'D', b'O', b'W', b'N', b'G', b'R', b'D', 1]) => Some(Downgrade::Tls12),
            Some([b'D', b'O', b'W', b'N', b'G', b'R', b'D', 0]) => Some(Downgrade::Tls11OrBelow),
            _ => None,
        }
    }
}

/// A Certificate message in the TLS ≤ 1.2 (and SSLv3) layout: a list of DER
/// certificates, the server's own first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Certificate {
    /// DER-encoded certificates, in the order sent.
    pub certificates: Vec<Vec<u8>>,
}

impl Certificate {
    /// Parses the body: a 3-byte list length, then each certificate with a
    /// 3-byte length.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let mut list = Reader::new(r.vec24("certificate_list")?);
        r.finish("Certificate")?;
        let mut certificates = Vec::new();
        while !list.is_empty() {
            certificates.push(list.vec24("certificate")?.to_vec());
        }
        Ok(Self { certificates })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.nested(3, "certificate_list", |w| {
            for c in &self.certificates {
                w.vec24("certificate", c);
            }
        });
        w.finish()
    }

    /// The handshake message (type `certificate`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CERTIFICATE,
            body: self.encode()?,
        })
    }
}

/// One entry of a TLS 1.3 Certificate message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateEntry {
    /// DER certificate (or raw public key).
    pub cert_data: Vec<u8>,
    /// Per-certificate extensions (OCSP status, SCTs…).
    pub extensions: Vec<Extension>,
}

/// A Certificate message in the TLS 1.3 layout (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CertificateTls13 {
    /// `certificate_request_context` (empty in a server's Certificate).
    pub context: Vec<u8>,
    /// The entries, the server's own first.
    pub entries: Vec<CertificateEntry>,
}

impl CertificateTls13 {
    /// Parses the body.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let context = r.vec8("certificate_request_context")?.to_vec();
        let mut list = Reader::new(r.vec24("certificate_list")?);
        r.finish("Certificate")?;
        let mut entries = Vec::new();
        while !list.is_empty() {
            let cert_data = list.vec24("cert_data")?.to_vec();
            let extensions = Extension::read_list(list.vec16("certificate entry extensions")?)?;
            entries.push(CertificateEntry {
                cert_data,
                extensions,
            });
        }
        Ok(Self { context, entries })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.vec8("certificate_request_context", &self.context);
        w.nested(3, "certificate_list", |w| {
            for e in &self.entries {
                w.vec24("cert_data", &e.cert_data);
                w.nested(2, "certificate entry extensions", |w| {
                    for x in &e.extensions {
                        x.write(w);
                    }
                });
            }
        });
        w.finish()
    }

    /// The handshake message (type `certificate`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CERTIFICATE,
            body: self.encode()?,
        })
    }

    /// The certificates, in order.
    pub fn certificates(&self) -> Vec<&[u8]> {
        self.entries
            .iter()
            .map(|e| e.cert_data.as_slice())
            .collect()
    }
}

/// A CertificateStatus message (RFC 6066 §8): the OCSP staple.
///
/// The status is kept as its type and the 3-byte-length-prefixed blob that
/// follows: for `ocsp` (1) that blob is the DER `OCSPResponse`; for
/// `ocsp_multi` (2) it is the list of responses, still to be split.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateStatus {
    /// `status_type` (see [`super::certificate_status_type`]).
    pub status_type: u8,
    /// The response (DER `OCSPResponse` for `ocsp`).
    pub response: Vec<u8>,
}

impl CertificateStatus {
    /// Parses the body.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let status_type = r.u8("status_type")?;
        let response = r.vec24("OCSP response")?.to_vec();
        r.finish("CertificateStatus")?;
        Ok(Self {
            status_type,
            response,
        })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u8(self.status_type);
        w.vec24("OCSP response", &self.response);
        w.finish()
    }

    /// The handshake message (type `certificate_status`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CERTIFICATE_STATUS,
            body: self.encode()?,
        })
    }
}

/// A ServerHelloDone message (empty body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ServerHelloDone;

impl ServerHelloDone {
    /// Parses the body, which must be empty.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        Reader::new(body).finish("ServerHelloDone")?;
        Ok(Self)
    }

    /// The (empty) body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        Ok(Vec::new())
    }

    /// The handshake message (type `server_hello_done`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::SERVER_HELLO_DONE,
            body: Vec::new(),
        })
    }
}

/// A CertificateRequest, recognised but not interpreted: the body is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CertificateRequest {
    /// The raw body.
    pub body: Vec<u8>,
}

impl CertificateRequest {
    /// Keeps the body.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            body: body.to_vec(),
        })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        Ok(self.body.clone())
    }

    /// The handshake message (type `certificate_request`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CERTIFICATE_REQUEST,
            body: self.body.clone(),
        })
    }
}

/// A NewSessionTicket, recognised but not interpreted: the body is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NewSessionTicket {
    /// The raw body.
    pub body: Vec<u8>,
}

impl NewSessionTicket {
    /// Keeps the body.
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            body: body.to_vec(),
        })
    }

    /// The body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        Ok(self.body.clone())
    }

    /// The handshake message (type `new_session_ticket`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::NEW_SESSION_TICKET,
            body: self.body.clone(),
        })
    }

    /// The `ticket_lifetime_hint` of a TLS ≤ 1.2 ticket (first 4 bytes).
    pub fn lifetime_hint(&self) -> Option<u32> {
        Reader::new(&self.body)
            .array::<4>("")
            .ok()
            .map(u32::from_be_bytes)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn tls12_hello() -> ServerHello {
        let mut sh = ServerHello::new(ProtocolVersion::TLS12, [0x11; 32], CipherSuite(0xC02F));
        sh.session_id = vec![9; 32];
        sh.extensions = vec![
            Extension::new(ExtensionType::RENEGOTIATION_INFO, vec![0]),
            Extension::new(ExtensionType::EXTENDED_MASTER_SECRET, vec![]),
            Extension::new(ExtensionType::EC_POINT_FORMATS, vec![3, 0, 1, 2]),
            Extension::new(ExtensionType::SESSION_TICKET, vec![]),
            Extension::new(ExtensionType::STATUS_REQUEST, vec![]),
            Extension::new(ExtensionType::ALPN, vec![0, 3, 2, b'h', b'2']),
            Extension::new(ExtensionType::HEARTBEAT, vec![1]),
            Extension::new(ExtensionType::SERVER_NAME, vec![]),
            Extension::new(ExtensionType::ENCRYPT_THEN_MAC, vec![]),
            Extension::new(ExtensionType::MAX_FRAGMENT_LENGTH, vec![2]),
            Extension::new(ExtensionType::RECORD_SIZE_LIMIT, vec![0x40, 0x01]),
        ];
        sh
    }

    #[test]
    fn server_hello_round_trip_and_accessors() {
        let sh = tls12_hello();
        let body = sh.encode().unwrap();
        assert_eq!(ServerHello::read(&body).unwrap(), sh);
        assert_eq!(ServerHello::read(&body).unwrap().encode().unwrap(), body);
        assert_eq!(sh.renegotiation_info(), Some(&[][..]));
        assert!(sh.has_extended_master_secret());
        assert!(sh.has_encrypt_then_mac());
        assert!(sh.has_status_request());
        assert!(sh.has_session_ticket());
        assert!(sh.has_server_name());
        assert_eq!(sh.ec_point_formats(), Some(&[0, 1, 2][..]));
        assert_eq!(sh.alpn(), Some(&b"h2"[..]));
        assert_eq!(sh.heartbeat_mode(), Some(1));
        assert_eq!(sh.max_fragment_length(), Some(2));
        assert_eq!(sh.record_size_limit(), Some(0x4001));
        assert_eq!(sh.selected_version(), None);
        assert_eq!(sh.negotiated_version(), ProtocolVersion::TLS12);
        assert!(!sh.is_tls13());
        assert!(!sh.is_hello_retry_request());
        assert_eq!(sh.downgrade_sentinel(), None);
        assert_eq!(sh.key_share_group(), None);
        assert_eq!(
            sh.to_message().unwrap().msg_type,
            HandshakeType::SERVER_HELLO
        );
    }

    #[test]
    fn sslv3_server_hello_without_extensions() {
        let sh = ServerHello::new(ProtocolVersion::SSLV3, [2; 32], CipherSuite(0x000A));
        let body = sh.encode().unwrap();
        assert_eq!(body.len(), 2 + 32 + 1 + 2 + 1);
        assert_eq!(ServerHello::read(&body).unwrap(), sh);
        assert_eq!(sh.renegotiation_info(), None);
        assert!(!sh.has_extended_master_secret());
    }

    #[test]
    fn malformed_typed_extensions_give_none() {
        let mut sh = ServerHello::new(ProtocolVersion::TLS12, [0; 32], CipherSuite(0x1301));
        sh.extensions = vec![
            Extension::new(ExtensionType::SUPPORTED_VERSIONS, vec![3]),
            Extension::new(ExtensionType::ALPN, vec![0, 6, 2, b'h', b'2', 1, b'x', 0]),
            Extension::new(ExtensionType::RENEGOTIATION_INFO, vec![1]),
            Extension::new(ExtensionType::KEY_SHARE, vec![0]),
            Extension::new(ExtensionType::HEARTBEAT, vec![1, 2]),
        ];
        assert_eq!(sh.selected_version(), None);
        assert_eq!(sh.alpn(), None);
        assert_eq!(sh.renegotiation_info(), None);
        assert_eq!(sh.key_share_group(), None);
        assert_eq!(sh.key_share(), None);
        assert_eq!(sh.heartbeat_mode(), None);
    }

    #[test]
    fn downgrade_sentinels() {
        let mut random = [0u8; 32];
        random[24..].copy_from_slice(b"DOWNGRD\x01");
        let sh = ServerHello::new(ProtocolVersion::TLS12, random, CipherSuite(0xC02F));
        assert_eq!(sh.downgrade_sentinel(), Some(Downgrade::Tls12));
        random[31] = 0;
        let sh = ServerHello::new(ProtocolVersion::TLS11, random, CipherSuite(0xC013));
        assert_eq!(sh.downgrade_sentinel(), Some(Downgrade::Tls11OrBelow));
        random[31] = 2;
        assert_eq!(
            ServerHello::new(ProtocolVersion::TLS11, random, CipherSuite(0)).downgrade_sentinel(),
            None
        );
    }

    #[test]
    fn certificate_round_trips() {
        let c = Certificate {
            certificates: vec![vec![0x30, 1, 2], vec![], vec![0x30; 70_000]],
        };
        let body = c.encode().unwrap();
        assert_eq!(&body[..6], &[0x01, 0x11, 0x7C, 0, 0, 3]);
        assert_eq!(Certificate::read(&body).unwrap(), c);
        assert_eq!(
            Certificate::read(&[0, 0, 0]).unwrap(),
            Certificate::default()
        );
        assert!(Certificate::read(&[0, 0, 4, 0, 0, 2, 1]).is_err());
        assert!(Certificate::read(&[0, 0, 2, 0, 0]).is_err());
        assert!(Certificate::read(&[0, 0, 0, 1]).is_err());

        let t = CertificateTls13 {
            context: vec![],
            entries: vec![
                CertificateEntry {
                    cert_data: vec![0x30, 5],
                    extensions: vec![],
                },
                CertificateEntry {
                    cert_data: vec![0x30, 6],
                    extensions: vec![Extension::new(
                        ExtensionType::STATUS_REQUEST,
                        vec![1, 0, 0, 1, 0x30],
                    )],
                },
            ],
        };
        let body = t.encode().unwrap();
        assert_eq!(CertificateTls13::read(&body).unwrap(), t);
        assert_eq!(t.certificates(), vec![&[0x30, 5][..], &[0x30, 6][..]]);
        assert_eq!(t.to_message().unwrap().msg_type, HandshakeType::CERTIFICATE);
    }

    #[test]
    fn status_done_request_ticket() {
        let s = CertificateStatus {
            status_type: 1,
            response: vec![0x30, 3, 1, 2, 3],
        };
        let body = s.encode().unwrap();
        assert_eq!(body, [1, 0, 0, 5, 0x30, 3, 1, 2, 3]);
        assert_eq!(CertificateStatus::read(&body).unwrap(), s);
        assert!(CertificateStatus::read(&body[..8]).is_err());

        assert_eq!(ServerHelloDone::read(&[]).unwrap(), ServerHelloDone);
        assert!(ServerHelloDone::read(&[0]).is_err());
        assert!(ServerHelloDone.encode().unwrap().is_empty());
        assert_eq!(
            ServerHelloDone.to_message().unwrap().encode().unwrap(),
            [14, 0, 0, 0]
        );

        let cr = CertificateRequest::read(&[1, 1, 0, 0]).unwrap();
        assert_eq!(cr.encode().unwrap(), [1, 1, 0, 0]);
        assert_eq!(cr.to_message().unwrap().msg_type, HandshakeType(13));
        let t = NewSessionTicket::read(&[0, 0, 0x1C, 0x20, 0, 1, 7]).unwrap();
        assert_eq!(t.lifetime_hint(), Some(7200));
        assert_eq!(t.encode().unwrap(), [0, 0, 0x1C, 0x20, 0, 1, 7]);
        assert_eq!(t.to_message().unwrap().msg_type, HandshakeType(4));
        assert_eq!(NewSessionTicket::default().lifetime_hint(), None);
    }
}
