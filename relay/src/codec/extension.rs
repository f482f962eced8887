//! Hello extensions: the raw [`Extension`] (type + opaque data) used in every
//! parsed message, and the typed [`ClientExtension`] a probe's ClientHello is
//! built from, with its encoding and exact decoding.

use super::consts::ExtensionType;
use super::wire::{u16_list, Reader, Writer};
use super::{Error, NamedGroup, ProtocolVersion};

/// One extension as sent: its type and opaque data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension {
    /// Extension type; unknown values are kept.
    pub typ: ExtensionType,
    /// The extension data, without type and length.
    pub data: Vec<u8>,
}

impl Extension {
    /// An extension of type `typ` with `data`.
    pub fn new(typ: ExtensionType, data: impl Into<Vec<u8>>) -> Self {
        Self {
            typ,
            data: data.into(),
        }
    }

    /// Reads the contents of an extensions block (the bytes inside its
    /// `u16` length prefix).
    pub(crate) fn read_list(bytes: &[u8]) -> Result<Vec<Self>, Error> {
        let mut r = Reader::new(bytes);
        let mut out = Vec::new();
        while !r.is_empty() {
            let typ = ExtensionType(r.u16("extension type")?);
            let data = r.vec16("extension data")?.to_vec();
            out.push(Self { typ, data });
        }
        Ok(out)
    }

    /// Writes one extension (type, length, data).
    pub(crate) fn write(&self, w: &mut Writer) {
        w.u16(self.typ.0);
        w.vec16("extension data", &self.data);
    }

    /// Writes an extensions block (with its `u16` length), or nothing for an
    /// empty list.
    pub(crate) fn write_block(exts: &[Self], w: &mut Writer) {
        if exts.is_empty() {
            return;
        }
        w.nested(2, "extensions", |w| {
            for e in exts {
                e.write(w);
            }
        });
    }
}

/// Finds the first extension of type `typ`.
pub(crate) fn find(exts: &[Extension], typ: ExtensionType) -> Option<&Extension> {
    exts.iter().find(|e| e.typ == typ)
}

/// One `KeyShareEntry`: a group and the caller-supplied public key bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyShareEntry {
    /// Named group.
    pub group: NamedGroup,
    /// The key exchange bytes (e.g. a 32-byte X25519 public key).
    pub key_exchange: Vec<u8>,
}

impl KeyShareEntry {
    /// An entry for `group` with `key_exchange` bytes.
    pub fn new(group: NamedGroup, key_exchange: impl Into<Vec<u8>>) -> Self {
        Self {
            group,
            key_exchange: key_exchange.into(),
        }
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let group = NamedGroup(r.u16("key share group")?);
        let key_exchange = r.vec16("key share key_exchange")?.to_vec();
        Ok(Self {
            group,
            key_exchange,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer) {
        w.u16(self.group.0);
        w.vec16("key share key_exchange", &self.key_exchange);
    }
}

/// A ClientHello extension, typed for the ones a scanner sends.
///
/// [`ClientExtension::from_extension`] yields a typed variant only when
/// encoding it again gives the very same bytes; anything else stays
/// [`ClientExtension::Raw`], so parsing then encoding is byte-exact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientExtension {
    /// `server_name` with one `host_name` entry.
    ServerName(String),
    /// `supported_groups`: named groups.
    SupportedGroups(Vec<NamedGroup>),
    /// `ec_point_formats`.
    EcPointFormats(Vec<u8>),
    /// `signature_algorithms`: signature schemes.
    SignatureAlgorithms(Vec<u16>),
    /// `supported_versions`: the client's version list.
    SupportedVersions(Vec<ProtocolVersion>),
    /// `key_share`: the client's shares, keys supplied by the caller.
    KeyShare(Vec<KeyShareEntry>),
    /// `status_request` asking for an OCSP staple, with no responder ids and
    /// no request extensions (`01 0000 0000`).
    StatusRequest,
    /// `application_layer_protocol_negotiation`: protocol names.
    Alpn(Vec<Vec<u8>>),
    /// `renegotiation_info` with `renegotiated_connection` (empty on an
    /// initial handshake).
    RenegotiationInfo(Vec<u8>),
    /// `session_ticket` with a ticket (empty to ask for one).
    SessionTicket(Vec<u8>),
    /// `extended_master_secret` (empty).
    ExtendedMasterSecret,
    /// `encrypt_then_mac` (empty).
    EncryptThenMac,
    /// `psk_key_exchange_modes`.
    PskKeyExchangeModes(Vec<u8>),
    /// `heartbeat` with its mode (see [`super::heartbeat_mode`]).
    Heartbeat(u8),
    /// `signed_certificate_timestamp` (empty: the client asks for SCTs,
    /// RFC 6962 §3.3.1).
    SignedCertificateTimestamp,
    /// `padding` of this many zero bytes. See also [`super::Padding`], which
    /// computes the length for a target hello size.
    Padding(usize),
    /// Any other extension, or a known one with unusual contents.
    Raw(Extension),
}

impl ClientExtension {
    /// `server_name` for `host`.
    pub fn server_name(host: &str) -> Self {
        Self::ServerName(host.to_owned())
    }

    /// ALPN offering `protocols` in order (e.g. `["h2", "http/1.1"]`).
    pub fn alpn<S: AsRef<[u8]>>(protocols: &[S]) -> Self {
        Self::Alpn(protocols.iter().map(|p| p.as_ref().to_vec()).collect())
    }

    /// The extension type.
    pub fn typ(&self) -> ExtensionType {
        match self {
            Self::ServerName(_) => ExtensionType::SERVER_NAME,
            Self::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Self::EcPointFormats(_) => ExtensionType::EC_POINT_FORMATS,
            Self::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Self::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Self::KeyShare(_) => ExtensionType::KEY_SHARE,
            Self::StatusRequest => ExtensionType::STATUS_REQUEST,
            Self::Alpn(_) => ExtensionType::ALPN,
            Self::RenegotiationInfo(_) => ExtensionType::RENEGOTIATION_INFO,
            Self::SessionTicket(_) => ExtensionType::SESSION_TICKET,
            Self::ExtendedMasterSecret => ExtensionType::EXTENDED_MASTER_SECRET,
            Self::EncryptThenMac => ExtensionType::ENCRYPT_THEN_MAC,
            Self::PskKeyExchangeModes(_) => ExtensionType::PSK_KEY_EXCHANGE_MODES,
            Self::Heartbeat(_) => ExtensionType::HEARTBEAT,
            Self::SignedCertificateTimestamp => ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP,
            Self::Padding(_) => ExtensionType::PADDING,
            Self::Raw(e) => e.typ,
        }
    }

    /// The extension data (without type and length).
    pub fn encode_data(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        match self {
            Self::ServerName(host) => w.nested(2, "server_name list", |w| {
                w.u8(0); // host_name
                w.vec16("server_name host_name", host.as_bytes());
            }),
            Self::SupportedGroups(groups) => {
                write_u16s(&mut w, 2, "supported_groups", groups.iter().map(|g| g.0));
            }
            Self::EcPointFormats(formats) => w.vec8("ec_point_formats", formats),
            Self::SignatureAlgorithms(schemes) => {
                write_u16s(&mut w, 2, "signature_algorithms", schemes.iter().copied());
            }
            Self::SupportedVersions(versions) => {
                write_u16s(
                    &mut w,
                    1,
                    "supported_versions",
                    versions.iter().map(|v| v.0),
                );
            }
            Self::KeyShare(entries) => w.nested(2, "key_share client_shares", |w| {
                for e in entries {
                    e.write(w);
                }
            }),
            Self::StatusRequest => w.bytes(&[1, 0, 0, 0, 0]),
            Self::Alpn(protocols) => w.nested(2, "ALPN protocol_name_list", |w| {
                for p in protocols {
                    w.vec8("ALPN protocol name", p);
                }
            }),
            Self::RenegotiationInfo(data) => w.vec8("renegotiated_connection", data),
            Self::SessionTicket(ticket) => w.bytes(ticket),
            Self::ExtendedMasterSecret
            | Self::EncryptThenMac
            | Self::SignedCertificateTimestamp => {}
            Self::PskKeyExchangeModes(modes) => w.vec8("psk_key_exchange_modes", modes),
            Self::Heartbeat(mode) => w.u8(*mode),
            Self::Padding(len) => {
                if *len > 0xFFFF {
                    w.fail(Error::TooLong {
                        what: "padding",
                        length: *len,
                        max: 0xFFFF,
                    });
                } else {
                    w.bytes(&vec![0; *len]);
                }
            }
            Self::Raw(e) => w.bytes(&e.data),
        }
        w.finish()
    }

    /// The raw extension.
    pub fn to_extension(&self) -> Result<Extension, Error> {
        Ok(Extension {
            typ: self.typ(),
            data: self.encode_data()?,
        })
    }

    /// The typed form of `ext` if it has one that encodes to the same bytes,
    /// else [`ClientExtension::Raw`].
    pub fn from_extension(ext: &Extension) -> Self {
        match decode(ext.typ, &ext.data) {
            Some(typed) if typed.encode_data().is_ok_and(|d| d == ext.data) => typed,
            _ => Self::Raw(ext.clone()),
        }
    }
}

fn write_u16s(w: &mut Writer, width: usize, what: &'static str, values: impl Iterator<Item = u16>) {
    w.nested(width, what, |w| {
        for v in values {
            w.u16(v);
        }
    });
}

/// Decodes known extension data; `None` for unknown types or bad data.
fn decode(typ: ExtensionType, data: &[u8]) -> Option<ClientExtension> {
    let mut r = Reader::new(data);
    let value = match typ {
        ExtensionType::SERVER_NAME => {
            let mut list = Reader::new(r.vec16("").ok()?);
            if list.u8("").ok()? != 0 {
                return None;
            }
            let host = std::str::from_utf8(list.vec16("").ok()?).ok()?.to_owned();
            list.finish("").ok()?;
            ClientExtension::ServerName(host)
        }
        ExtensionType::SUPPORTED_GROUPS => {
            let groups = u16_list(r.vec16("").ok()?, "").ok()?;
            ClientExtension::SupportedGroups(groups.into_iter().map(NamedGroup).collect())
        }
        ExtensionType::EC_POINT_FORMATS => {
            ClientExtension::EcPointFormats(r.vec8("").ok()?.to_vec())
        }
        ExtensionType::SIGNATURE_ALGORITHMS => {
            ClientExtension::SignatureAlgorithms(u16_list(r.vec16("").ok()?, "").ok()?)
        }
        ExtensionType::SUPPORTED_VERSIONS => {
            let versions = u16_list(r.vec8("").ok()?, "").ok()?;
            ClientExtension::SupportedVersions(versions.into_iter().map(ProtocolVersion).collect())
        }
        ExtensionType::KEY_SHARE => {
            let mut list = Reader::new(r.vec16("").ok()?);
            let mut entries = Vec::new();
            while !list.is_empty() {
                entries.push(KeyShareEntry::read(&mut list).ok()?);
            }
            ClientExtension::KeyShare(entries)
        }
        ExtensionType::STATUS_REQUEST => {
            r.rest();
            ClientExtension::StatusRequest
        }
        ExtensionType::ALPN => {
            let mut list = Reader::new(r.vec16("").ok()?);
            let mut protocols = Vec::new();
            while !list.is_empty() {
                protocols.push(list.vec8("").ok()?.to_vec());
            }
            ClientExtension::Alpn(protocols)
        }
        ExtensionType::RENEGOTIATION_INFO => {
            ClientExtension::RenegotiationInfo(r.vec8("").ok()?.to_vec())
        }
        ExtensionType::SESSION_TICKET => ClientExtension::SessionTicket(r.rest().to_vec()),
        ExtensionType::EXTENDED_MASTER_SECRET => ClientExtension::ExtendedMasterSecret,
        ExtensionType::ENCRYPT_THEN_MAC => ClientExtension::EncryptThenMac,
        ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP => ClientExtension::SignedCertificateTimestamp,
        ExtensionType::PSK_KEY_EXCHANGE_MODES => {
            ClientExtension::PskKeyExchangeModes(r.vec8("").ok()?.to_vec())
        }
        ExtensionType::HEARTBEAT => ClientExtension::Heartbeat(r.u8("").ok()?),
        ExtensionType::PADDING => {
            let zeros = r.rest();
            if zeros.iter().any(|b| *b != 0) {
                return None;
            }
            ClientExtension::Padding(zeros.len())
        }
        _ => return None,
    };
    r.finish("").ok()?;
    Some(value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn all_typed() -> Vec<ClientExtension> {
        vec![
            ClientExtension::server_name("example.com"),
            ClientExtension::SupportedGroups([29, 23, 24, 0x11EC, 0xABCD].map(NamedGroup).to_vec()),
            ClientExtension::EcPointFormats(vec![0, 1, 2]),
            ClientExtension::SignatureAlgorithms(vec![0x0403, 0x0804, 0x0401, 0x0201]),
            ClientExtension::SupportedVersions(
                [0x0304, 0x0303, 0x7F1C].map(ProtocolVersion).to_vec(),
            ),
            ClientExtension::KeyShare(vec![
                KeyShareEntry::new(NamedGroup::X25519, vec![9; 32]),
                KeyShareEntry::new(NamedGroup::SECP256R1, vec![4; 65]),
            ]),
            ClientExtension::KeyShare(vec![]),
            ClientExtension::StatusRequest,
            ClientExtension::alpn(&["h2", "http/1.1"]),
            ClientExtension::RenegotiationInfo(vec![]),
            ClientExtension::RenegotiationInfo(vec![1; 12]),
            ClientExtension::SessionTicket(vec![]),
            ClientExtension::SessionTicket(vec![5; 100]),
            ClientExtension::ExtendedMasterSecret,
            ClientExtension::EncryptThenMac,
            ClientExtension::PskKeyExchangeModes(vec![1]),
            ClientExtension::Heartbeat(1),
            ClientExtension::SignedCertificateTimestamp,
            ClientExtension::Padding(0),
            ClientExtension::Padding(200),
            ClientExtension::Raw(Extension::new(ExtensionType(0x1234), vec![1, 2, 3])),
            ClientExtension::Raw(Extension::new(ExtensionType::SERVER_NAME, vec![])),
        ]
    }

    #[test]
    fn typed_extensions_round_trip() {
        for e in all_typed() {
            let raw = e.to_extension().unwrap();
            assert_eq!(raw.typ, e.typ());
            assert_eq!(ClientExtension::from_extension(&raw), e, "{e:?}");
        }
    }

    #[test]
    fn known_encodings() {
        let sni = ClientExtension::server_name("server")
            .encode_data()
            .unwrap();
        assert_eq!(sni, b"\x00\x09\x00\x00\x06server");
        assert_eq!(
            ClientExtension::SupportedVersions(vec![
                ProtocolVersion::TLS13,
                ProtocolVersion::TLS12
            ])
            .encode_data()
            .unwrap(),
            [4, 3, 4, 3, 3]
        );
        assert_eq!(
            ClientExtension::StatusRequest.encode_data().unwrap(),
            [1, 0, 0, 0, 0]
        );
        assert_eq!(
            ClientExtension::RenegotiationInfo(vec![])
                .encode_data()
                .unwrap(),
            [0]
        );
        assert_eq!(ClientExtension::Heartbeat(2).encode_data().unwrap(), [2]);
        assert_eq!(
            ClientExtension::alpn(&["h2"]).encode_data().unwrap(),
            [0, 3, 2, b'h', b'2']
        );
    }

    #[test]
    fn odd_contents_stay_raw() {
        for (typ, data) in [
            (ExtensionType::SUPPORTED_GROUPS, vec![0, 3, 0, 29, 0]), // odd list
            (ExtensionType::SUPPORTED_GROUPS, vec![0, 2, 0, 29, 9]), // trailing byte
            (ExtensionType::SERVER_NAME, vec![0, 4, 1, 0, 1, b'a']), // name type 1
            (ExtensionType::SERVER_NAME, vec![0, 5, 0, 0, 2, 0xFF, 0xFE]), // not UTF-8
            (ExtensionType::STATUS_REQUEST, vec![1, 0, 0, 0, 1]),
            (ExtensionType::PADDING, vec![0, 1]),
            (ExtensionType::EXTENDED_MASTER_SECRET, vec![0]),
            (ExtensionType::HEARTBEAT, vec![]),
        ] {
            let e = Extension::new(typ, data);
            assert_eq!(
                ClientExtension::from_extension(&e),
                ClientExtension::Raw(e.clone())
            );
        }
    }

    #[test]
    fn oversize_values_fail_to_encode() {
        assert!(ClientExtension::Padding(70_000).encode_data().is_err());
        assert!(ClientExtension::EcPointFormats(vec![0; 256])
            .encode_data()
            .is_err());
        assert!(ClientExtension::alpn(&[vec![b'a'; 256]])
            .encode_data()
            .is_err());
    }

    #[test]
    fn extension_lists() {
        let exts = vec![
            Extension::new(ExtensionType(1), vec![2]),
            Extension::new(ExtensionType(0xFF01), vec![]),
        ];
        let mut w = Writer::new();
        Extension::write_block(&exts, &mut w);
        let bytes = w.finish().unwrap();
        assert_eq!(bytes, [0, 9, 0, 1, 0, 1, 2, 0xFF, 1, 0, 0]);
        assert_eq!(Extension::read_list(&bytes[2..]).unwrap(), exts);
        assert!(Extension::read_list(&bytes[2..10]).is_err());
        assert_eq!(find(&exts, ExtensionType(0xFF01)), Some(&exts[1]));
        let mut w = Writer::new();
        Extension::write_block(&[], &mut w);
        assert!(w.finish().unwrap().is_empty());
    }
}
