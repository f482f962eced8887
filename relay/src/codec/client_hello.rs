//! The TLS/SSLv3 ClientHello our probes send: a plain struct with chainable
//! setters, encoded to the records written to the socket, with optional
//! padding to a target size; and its parser, for test servers that answer a
//! ClientHello.

use super::consts::{compression, ContentType, ExtensionType, HandshakeType};
use super::extension::{ClientExtension, Extension};
use super::record::{encode_records, HandshakeMessage, HandshakeReassembler, RecordHeader};
use super::wire::{u16_list, Reader, Writer};
use super::{CipherSuite, Error, ProtocolVersion};

/// How a [`ClientHello`] adds a `padding` extension when encoded. The
/// length measured is the handshake message's (4-byte header included,
/// record header not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Padding {
    /// No padding beyond any [`ClientExtension::Padding`] in the list.
    #[default]
    None,
    /// Pad a hello shorter than this many bytes up to it (a few bytes over if
    /// the gap is too small for the extension's own 4-byte header).
    ToLength(usize),
    /// What browsers do against the F5 bug: pad a hello of 256–511 bytes to
    /// 512 (with at least one byte of padding data).
    F5Workaround,
}

/// A ClientHello (TLS 1.0–1.3 and SSLv3 layout).
///
/// An empty `extensions` list is sent as no extensions block at all, as
/// SSLv3-era clients do (a received empty block `00 00` therefore parses to
/// an empty list and re-encodes without it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientHello {
    /// Version in the headers of the records carrying the hello.
    pub record_version: ProtocolVersion,
    /// `client_version` (`legacy_version` in TLS 1.3).
    pub client_version: ProtocolVersion,
    /// The 32 random bytes, supplied by the caller.
    pub random: [u8; 32],
    /// Session id (0–32 bytes normally; up to 255 can be encoded).
    pub session_id: Vec<u8>,
    /// Cipher suites, in order; any value, SCSVs included.
    pub cipher_suites: Vec<CipherSuite>,
    /// Compression methods, e.g. `[1, 0]` to probe DEFLATE.
    pub compression_methods: Vec<u8>,
    /// Extensions, in order.
    pub extensions: Vec<ClientExtension>,
    /// Padding added when encoding.
    pub padding: Padding,
}

impl ClientHello {
    /// A hello for `client_version` with the caller's `random`, no suites, no
    /// extensions, the null compression method and a record version of
    /// `client_version` capped at TLS 1.0 (as most clients send).
    pub fn new(client_version: ProtocolVersion, random: [u8; 32]) -> Self {
        Self {
            record_version: default_record_version(client_version),
            client_version,
            random,
            session_id: Vec::new(),
            cipher_suites: Vec::new(),
            compression_methods: vec![compression::NULL],
            extensions: Vec::new(),
            padding: Padding::None,
        }
    }

    /// Sets the record-layer version.
    pub fn with_record_version(mut self, record_version: ProtocolVersion) -> Self {
        self.record_version = record_version;
        self
    }

    /// Sets the session id.
    pub fn with_session_id(mut self, session_id: impl Into<Vec<u8>>) -> Self {
        self.session_id = session_id.into();
        self
    }

    /// Sets the cipher suites.
    pub fn with_cipher_suites(mut self, suites: impl IntoIterator<Item = CipherSuite>) -> Self {
        self.cipher_suites = suites.into_iter().collect();
        self
    }

    /// Sets the compression methods.
    pub fn with_compression_methods(mut self, methods: impl Into<Vec<u8>>) -> Self {
        self.compression_methods = methods.into();
        self
    }

    /// Appends an extension.
    pub fn with_extension(mut self, extension: ClientExtension) -> Self {
        self.extensions.push(extension);
        self
    }

    /// Sets the padding policy.
    pub fn with_padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    /// The first extension of type `typ`.
    pub fn extension(&self, typ: ExtensionType) -> Option<&ClientExtension> {
        self.extensions.iter().find(|e| e.typ() == typ)
    }

    /// The handshake body (no message header), padding applied.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let unpadded = self.encode_with(&self.extensions)?;
        let msg_len = unpadded.len().saturating_add(HandshakeMessage::HEADER_LEN);
        let (target, min_data) = match self.padding {
            Padding::None => return Ok(unpadded),
            Padding::ToLength(target) => (target, 0),
            Padding::F5Workaround if (256..512).contains(&msg_len) => (512, 1),
            Padding::F5Workaround => return Ok(unpadded),
        };
        let Some(gap) = target.checked_sub(msg_len).filter(|gap| *gap > 0) else {
            return Ok(unpadded);
        };
        // The padding extension's header, plus the block's length if the
        // hello had no extensions block yet.
        let overhead = if self.extensions.is_empty() { 6 } else { 4 };
        let data_len = gap.saturating_sub(overhead).max(min_data);
        let mut exts = self.extensions.clone();
        // pre_shared_key must stay last (RFC 8446 §4.2.11).
        let at = exts
            .iter()
            .position(|e| e.typ() == ExtensionType::PRE_SHARED_KEY)
            .unwrap_or(exts.len());
        exts.insert(at, ClientExtension::Padding(data_len));
        self.encode_with(&exts)
    }

    fn encode_with(&self, exts: &[ClientExtension]) -> Result<Vec<u8>, Error> {
        let raw = exts
            .iter()
            .map(ClientExtension::to_extension)
            .collect::<Result<Vec<_>, _>>()?;
        let mut w = Writer::new();
        w.u16(self.client_version.0);
        w.bytes(&self.random);
        w.vec8("session_id", &self.session_id);
        w.nested(2, "cipher_suites", |w| {
            for s in &self.cipher_suites {
                w.u16(s.0);
            }
        });
        w.vec8("compression_methods", &self.compression_methods);
        Extension::write_block(&raw, &mut w);
        w.finish()
    }

    /// The handshake message (type `client_hello`).
    pub fn to_message(&self) -> Result<HandshakeMessage, Error> {
        Ok(HandshakeMessage {
            msg_type: HandshakeType::CLIENT_HELLO,
            body: self.encode()?,
        })
    }

    /// The bytes to write to the socket: the handshake message in records of
    /// version `record_version`, split if longer than 2^14 bytes.
    pub fn encode_records(&self) -> Result<Vec<u8>, Error> {
        let message = self.to_message()?.encode()?;
        Ok(encode_records(
            ContentType::HANDSHAKE,
            self.record_version,
            &message,
        ))
    }

    /// Parses a ClientHello body (no message header). `record_version` is set
    /// as [`ClientHello::new`] would; `padding` is `None` (a padding extension
    /// shows as [`ClientExtension::Padding`]).
    pub fn read(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let client_version = ProtocolVersion(r.u16("client_version")?);
        let random = r.array::<32>("random")?;
        let session_id = r.vec8("session_id")?.to_vec();
        let cipher_suites = u16_list(r.vec16("cipher_suites")?, "cipher_suites length")?
            .into_iter()
            .map(CipherSuite)
            .collect();
        let compression_methods = r.vec8("compression_methods")?.to_vec();
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            Extension::read_list(r.vec16("extensions")?)?
                .iter()
                .map(ClientExtension::from_extension)
                .collect()
        };
        r.finish("ClientHello")?;
        Ok(Self {
            record_version: default_record_version(client_version),
            client_version,
            random,
            session_id,
            cipher_suites,
            compression_methods,
            extensions,
            padding: Padding::None,
        })
    }

    /// Parses a ClientHello from the start of a byte stream of handshake
    /// records, as a test server receives it. Returns the hello (with the
    /// first record's version) and the number of bytes it took, or `None` if
    /// more bytes are needed.
    pub fn read_records(bytes: &[u8]) -> Result<Option<(Self, usize)>, Error> {
        let mut hs = HandshakeReassembler::new();
        let mut pos = 0usize;
        let mut record_version = None;
        loop {
            let Some(rest) = bytes.get(pos..).filter(|b| b.len() >= RecordHeader::LEN) else {
                return Ok(None);
            };
            let header = RecordHeader::read(rest)?;
            if header.content_type != ContentType::HANDSHAKE {
                return Err(Error::UnexpectedContentType {
                    content_type: header.content_type,
                });
            }
            let end = RecordHeader::LEN.saturating_add(usize::from(header.length));
            let Some(payload) = rest.get(RecordHeader::LEN..end) else {
                return Ok(None);
            };
            pos = pos.saturating_add(end);
            record_version.get_or_insert(header.version);
            hs.push(payload);
            if let Some(msg) = hs.next_message()? {
                if msg.msg_type != HandshakeType::CLIENT_HELLO {
                    return Err(Error::UnexpectedMessage {
                        msg_type: msg.msg_type,
                        what: "expected a ClientHello",
                    });
                }
                if !hs.is_empty() {
                    return Err(Error::TrailingData {
                        what: "ClientHello records",
                    });
                }
                let mut hello = Self::read(&msg.body)?;
                hello.record_version = record_version.unwrap_or(hello.record_version);
                return Ok(Some((hello, pos)));
            }
        }
    }
}

fn default_record_version(client_version: ProtocolVersion) -> ProtocolVersion {
    client_version.min(ProtocolVersion::TLS10)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::codec::{KeyShareEntry, NamedGroup};

    fn modern() -> ClientHello {
        ClientHello::new(ProtocolVersion::TLS12, [7; 32])
            .with_session_id(vec![1; 32])
            .with_cipher_suites([
                CipherSuite(0x1301),
                CipherSuite(0x1302),
                CipherSuite(0xC02F),
                CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
            ])
            .with_extension(ClientExtension::server_name("example.com"))
            .with_extension(ClientExtension::SupportedGroups(vec![
                NamedGroup::X25519,
                NamedGroup::SECP256R1,
            ]))
            .with_extension(ClientExtension::EcPointFormats(vec![0]))
            .with_extension(ClientExtension::SignatureAlgorithms(vec![0x0403, 0x0804]))
            .with_extension(ClientExtension::SupportedVersions(vec![
                ProtocolVersion::TLS13,
                ProtocolVersion::TLS12,
            ]))
            .with_extension(ClientExtension::KeyShare(vec![KeyShareEntry::new(
                NamedGroup::X25519,
                vec![3; 32],
            )]))
            .with_extension(ClientExtension::StatusRequest)
            .with_extension(ClientExtension::alpn(&["h2", "http/1.1"]))
            .with_extension(ClientExtension::RenegotiationInfo(vec![]))
            .with_extension(ClientExtension::SessionTicket(vec![]))
            .with_extension(ClientExtension::ExtendedMasterSecret)
            .with_extension(ClientExtension::EncryptThenMac)
            .with_extension(ClientExtension::PskKeyExchangeModes(vec![1]))
            .with_extension(ClientExtension::Heartbeat(1))
            .with_extension(ClientExtension::Raw(Extension::new(
                ExtensionType(0x4469),
                vec![0, 3, 2, b'h', b'2'],
            )))
    }

    #[test]
    fn round_trip_value_and_bytes() {
        let hello = modern();
        let body = hello.encode().unwrap();
        let parsed = ClientHello::read(&body).unwrap();
        assert_eq!(parsed, hello);
        assert_eq!(parsed.encode().unwrap(), body);
        let records = hello.encode_records().unwrap();
        assert_eq!(&records[..3], &[22, 3, 1]);
        let (again, used) = ClientHello::read_records(&records).unwrap().unwrap();
        assert_eq!(again, hello);
        assert_eq!(used, records.len());
    }

    #[test]
    fn sslv3_hello_has_no_extensions_block() {
        let hello = ClientHello::new(ProtocolVersion::SSLV3, [0; 32])
            .with_cipher_suites([CipherSuite(0x000A), CipherSuite(0x0005)])
            .with_compression_methods([compression::DEFLATE, compression::NULL]);
        assert_eq!(hello.record_version, ProtocolVersion::SSLV3);
        let body = hello.encode().unwrap();
        assert_eq!(body.len(), 2 + 32 + 1 + 2 + 4 + 1 + 2);
        assert_eq!(&body[body.len() - 3..], &[2, 1, 0]);
        assert_eq!(ClientHello::read(&body).unwrap(), hello);
        // An explicit empty block parses to no extensions.
        let mut with_block = body.clone();
        with_block.extend([0, 0]);
        assert_eq!(ClientHello::read(&with_block).unwrap(), hello);
    }

    #[test]
    fn record_versions() {
        assert_eq!(
            ClientHello::new(ProtocolVersion::TLS13, [0; 32]).record_version,
            ProtocolVersion::TLS10
        );
        assert_eq!(
            ClientHello::new(ProtocolVersion::TLS11, [0; 32]).record_version,
            ProtocolVersion::TLS10
        );
        let h = ClientHello::new(ProtocolVersion::TLS12, [0; 32])
            .with_record_version(ProtocolVersion::TLS12);
        assert_eq!(&h.encode_records().unwrap()[..3], &[22, 3, 3]);
    }

    #[test]
    fn parse_errors() {
        let body = modern().encode().unwrap();
        // Cut right after the compression methods it is a valid hello
        // without extensions; anywhere else it is an error.
        let fixed = 2 + 32 + 1 + 32 + 2 + 8 + 1 + 1;
        for cut in 0..body.len() {
            assert_eq!(
                ClientHello::read(&body[..cut]).is_ok(),
                cut == fixed,
                "cut {cut}"
            );
        }
        let mut extra = body.clone();
        extra.push(0);
        assert!(ClientHello::read(&extra).is_err());
        // Odd cipher suite list length.
        let mut odd = ClientHello::new(ProtocolVersion::TLS12, [0; 32])
            .encode()
            .unwrap();
        odd[2 + 32 + 1 + 1] = 1;
        odd.insert(2 + 32 + 1 + 2, 0xAA);
        assert_eq!(
            ClientHello::read(&odd),
            Err(Error::InvalidValue {
                what: "cipher_suites length"
            })
        );
    }

    #[test]
    fn padding_to_length() {
        for target in [300usize, 512, 517, 1000] {
            let hello = modern().with_padding(Padding::ToLength(target));
            let body = hello.encode().unwrap();
            assert_eq!(body.len() + 4, target, "target {target}");
            let parsed = ClientHello::read(&body).unwrap();
            assert!(matches!(
                parsed.extension(ExtensionType::PADDING),
                Some(ClientExtension::Padding(_))
            ));
        }
        // Already long enough: untouched.
        let plain = modern().encode().unwrap();
        assert_eq!(
            modern()
                .with_padding(Padding::ToLength(10))
                .encode()
                .unwrap(),
            plain
        );
        // Gap smaller than the extension header: a little over.
        let len = plain.len() + 4;
        let over = modern()
            .with_padding(Padding::ToLength(len + 2))
            .encode()
            .unwrap();
        assert_eq!(over.len() + 4, len + 4);
        // No extensions at all: the block is created.
        let bare =
            ClientHello::new(ProtocolVersion::TLS10, [0; 32]).with_padding(Padding::ToLength(200));
        assert_eq!(bare.encode().unwrap().len() + 4, 200);
    }

    #[test]
    fn padding_goes_before_pre_shared_key() {
        let psk = ClientExtension::Raw(Extension::new(ExtensionType::PRE_SHARED_KEY, vec![0; 10]));
        let hello = modern()
            .with_extension(psk.clone())
            .with_padding(Padding::ToLength(700));
        let parsed = ClientHello::read(&hello.encode().unwrap()).unwrap();
        let n = parsed.extensions.len();
        assert_eq!(parsed.extensions[n - 1], psk);
        assert!(matches!(
            parsed.extensions[n - 2],
            ClientExtension::Padding(_)
        ));
    }

    #[test]
    fn f5_workaround() {
        // Grow the hello through the danger zone one suite at a time.
        let mut seen_padded = false;
        for n in 0..300u16 {
            let hello = modern()
                .with_cipher_suites((0..n).map(CipherSuite))
                .with_padding(Padding::F5Workaround);
            let unpadded = modern()
                .with_cipher_suites((0..n).map(CipherSuite))
                .encode()
                .unwrap()
                .len()
                + 4;
            let len = hello.encode().unwrap().len() + 4;
            if (256..512).contains(&unpadded) {
                seen_padded = true;
                assert!(len >= 512, "{unpadded} -> {len}");
                assert!(len <= 516, "{unpadded} -> {len}");
            } else {
                assert_eq!(len, unpadded);
            }
        }
        assert!(seen_padded);
    }

    #[test]
    fn large_hello_spans_records() {
        let hello =
            modern().with_cipher_suites((0..20_000u16).map(|i| CipherSuite(i.wrapping_mul(7))));
        let records = hello.encode_records().unwrap();
        assert!(records.len() > 2 * 16384);
        let (parsed, used) = ClientHello::read_records(&records).unwrap().unwrap();
        assert_eq!(parsed, hello);
        assert_eq!(used, records.len());
        for cut in [0, 4, 5, 100, 16389, 16390, records.len() - 1] {
            assert_eq!(
                ClientHello::read_records(&records[..cut]).unwrap(),
                None,
                "cut {cut}"
            );
        }
    }

    #[test]
    fn encode_errors() {
        let too_long_sid =
            ClientHello::new(ProtocolVersion::TLS12, [0; 32]).with_session_id(vec![0; 256]);
        assert!(matches!(
            too_long_sid.encode(),
            Err(Error::TooLong {
                what: "session_id",
                ..
            })
        ));
        let too_many = ClientHello::new(ProtocolVersion::TLS12, [0; 32])
            .with_cipher_suites((0..40_000).map(CipherSuite));
        assert!(too_many.encode().is_err());
    }

    #[test]
    fn read_records_rejects_other_content() {
        assert_eq!(
            ClientHello::read_records(&[21, 3, 1, 0, 2, 2, 40]),
            Err(Error::UnexpectedContentType {
                content_type: ContentType::ALERT
            })
        );
        let msg = HandshakeMessage {
            msg_type: HandshakeType::SERVER_HELLO,
            body: vec![],
        }
        .encode()
        .unwrap();
        let rec = encode_records(ContentType(22), ProtocolVersion::TLS10, &msg);
        assert!(matches!(
            ClientHello::read_records(&rec),
            Err(Error::UnexpectedMessage { .. })
        ));
    }
}
