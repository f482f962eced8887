//! Code points only the codec and its callers name: record content types
//! ([`ContentType`]), handshake message types ([`HandshakeType`]), extension
//! types ([`ExtensionType`]) — each a newtype over its wire number with the
//! registry's values as constants — and a few values used inside extensions.
//! The codec never rejects a value because it is missing here.
//!
//! Protocol versions, cipher suites (SCSVs included) and named groups are
//! the core's newtypes ([`ProtocolVersion`], [`CipherSuite`], [`NamedGroup`]
//! from `tlslens_core::wire`, re-exported by the codec), shared with the
//! facts and the grader: one set of code points for the whole project.
//!
//! [`ProtocolVersion`]: tlslens_core::wire::ProtocolVersion
//! [`CipherSuite`]: tlslens_core::wire::CipherSuite
//! [`NamedGroup`]: tlslens_core::wire::NamedGroup

/// A record layer content type; values not listed here are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentType(pub u8);

impl ContentType {
    /// `change_cipher_spec`.
    pub const CHANGE_CIPHER_SPEC: Self = Self(20);
    /// `alert`.
    pub const ALERT: Self = Self(21);
    /// `handshake`.
    pub const HANDSHAKE: Self = Self(22);
    /// `application_data`.
    pub const APPLICATION_DATA: Self = Self(23);
    /// `heartbeat` (RFC 6520).
    pub const HEARTBEAT: Self = Self(24);
}

/// A handshake message type (`HandshakeType`); values not listed here are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandshakeType(pub u8);

impl HandshakeType {
    /// `hello_request` (TLS ≤ 1.2).
    pub const HELLO_REQUEST: Self = Self(0);
    /// `client_hello`.
    pub const CLIENT_HELLO: Self = Self(1);
    /// `server_hello` (also carries a TLS 1.3 HelloRetryRequest).
    pub const SERVER_HELLO: Self = Self(2);
    /// `hello_verify_request` (DTLS).
    pub const HELLO_VERIFY_REQUEST: Self = Self(3);
    /// `new_session_ticket`.
    pub const NEW_SESSION_TICKET: Self = Self(4);
    /// `end_of_early_data`.
    pub const END_OF_EARLY_DATA: Self = Self(5);
    /// `hello_retry_request` of TLS 1.3 drafts (final RFC uses a ServerHello).
    pub const HELLO_RETRY_REQUEST: Self = Self(6);
    /// `encrypted_extensions`.
    pub const ENCRYPTED_EXTENSIONS: Self = Self(8);
    /// `certificate`.
    pub const CERTIFICATE: Self = Self(11);
    /// `server_key_exchange`.
    pub const SERVER_KEY_EXCHANGE: Self = Self(12);
    /// `certificate_request`.
    pub const CERTIFICATE_REQUEST: Self = Self(13);
    /// `server_hello_done`.
    pub const SERVER_HELLO_DONE: Self = Self(14);
    /// `certificate_verify`.
    pub const CERTIFICATE_VERIFY: Self = Self(15);
    /// `client_key_exchange`.
    pub const CLIENT_KEY_EXCHANGE: Self = Self(16);
    /// `finished`.
    pub const FINISHED: Self = Self(20);
    /// `certificate_url`.
    pub const CERTIFICATE_URL: Self = Self(21);
    /// `certificate_status` (OCSP stapling, RFC 6066).
    pub const CERTIFICATE_STATUS: Self = Self(22);
    /// `key_update`.
    pub const KEY_UPDATE: Self = Self(24);
    /// `compressed_certificate` (RFC 8879).
    pub const COMPRESSED_CERTIFICATE: Self = Self(25);
    /// `message_hash`.
    pub const MESSAGE_HASH: Self = Self(254);
}

/// A hello extension type (`ExtensionType`); values not listed here are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExtensionType(pub u16);

impl ExtensionType {
    /// `server_name` (SNI).
    pub const SERVER_NAME: Self = Self(0);
    /// `max_fragment_length`.
    pub const MAX_FRAGMENT_LENGTH: Self = Self(1);
    /// `status_request` (OCSP stapling).
    pub const STATUS_REQUEST: Self = Self(5);
    /// `supported_groups` (formerly `elliptic_curves`).
    pub const SUPPORTED_GROUPS: Self = Self(10);
    /// `ec_point_formats`.
    pub const EC_POINT_FORMATS: Self = Self(11);
    /// `signature_algorithms`.
    pub const SIGNATURE_ALGORITHMS: Self = Self(13);
    /// `use_srtp`.
    pub const USE_SRTP: Self = Self(14);
    /// `heartbeat` (RFC 6520).
    pub const HEARTBEAT: Self = Self(15);
    /// `application_layer_protocol_negotiation` (ALPN).
    pub const ALPN: Self = Self(16);
    /// `status_request_v2`.
    pub const STATUS_REQUEST_V2: Self = Self(17);
    /// `signed_certificate_timestamp`.
    pub const SIGNED_CERTIFICATE_TIMESTAMP: Self = Self(18);
    /// `padding` (RFC 7685).
    pub const PADDING: Self = Self(21);
    /// `encrypt_then_mac` (RFC 7366).
    pub const ENCRYPT_THEN_MAC: Self = Self(22);
    /// `extended_master_secret` (RFC 7627).
    pub const EXTENDED_MASTER_SECRET: Self = Self(23);
    /// `compress_certificate` (RFC 8879).
    pub const COMPRESS_CERTIFICATE: Self = Self(27);
    /// `record_size_limit` (RFC 8449).
    pub const RECORD_SIZE_LIMIT: Self = Self(28);
    /// `session_ticket` (RFC 5077).
    pub const SESSION_TICKET: Self = Self(35);
    /// `pre_shared_key`.
    pub const PRE_SHARED_KEY: Self = Self(41);
    /// `early_data`.
    pub const EARLY_DATA: Self = Self(42);
    /// `supported_versions`.
    pub const SUPPORTED_VERSIONS: Self = Self(43);
    /// `cookie`.
    pub const COOKIE: Self = Self(44);
    /// `psk_key_exchange_modes`.
    pub const PSK_KEY_EXCHANGE_MODES: Self = Self(45);
    /// `certificate_authorities`.
    pub const CERTIFICATE_AUTHORITIES: Self = Self(47);
    /// `post_handshake_auth`.
    pub const POST_HANDSHAKE_AUTH: Self = Self(49);
    /// `signature_algorithms_cert`.
    pub const SIGNATURE_ALGORITHMS_CERT: Self = Self(50);
    /// `key_share`.
    pub const KEY_SHARE: Self = Self(51);
    /// `encrypted_client_hello`.
    pub const ENCRYPTED_CLIENT_HELLO: Self = Self(0xFE0D);
    /// `renegotiation_info` (RFC 5746).
    pub const RENEGOTIATION_INFO: Self = Self(0xFF01);
}

impl ExtensionType {
    /// The extension types the client table (`wasm-core/data/clients.json`)
    /// names, with their IANA name (and the two old code points by the name
    /// the table gives them).
    const NAMES: &'static [(u16, &'static str)] = &[
        (0x0000, "server_name"),
        (0x0001, "max_fragment_length"),
        (0x0005, "status_request"),
        (0x000A, "supported_groups"),
        (0x000B, "ec_point_formats"),
        (0x000D, "signature_algorithms"),
        (0x000E, "use_srtp"),
        (0x000F, "heartbeat"),
        (0x0010, "alpn"),
        (0x0011, "status_request_v2"),
        (0x0012, "signed_certificate_timestamp"),
        (0x0015, "padding"),
        (0x0016, "encrypt_then_mac"),
        (0x0017, "extended_master_secret"),
        (0x001B, "compress_certificate"),
        (0x001C, "record_size_limit"),
        (0x0022, "delegated_credentials"),
        (0x0023, "session_ticket"),
        (0x0029, "pre_shared_key"),
        (0x002A, "early_data"),
        (0x002B, "supported_versions"),
        (0x002C, "cookie"),
        (0x002D, "psk_key_exchange_modes"),
        (0x002F, "certificate_authorities"),
        (0x0031, "post_handshake_auth"),
        (0x0032, "signature_algorithms_cert"),
        (0x0033, "key_share"),
        (0x3374, "next_protocol_negotiation"),
        (0x4469, "application_settings_old"),
        (0x44CD, "application_settings"),
        (0x754F, "channel_id_old"),
        (0x7550, "channel_id"),
        (0xFE0D, "encrypted_client_hello"),
        (0xFF01, "renegotiation_info"),
    ];

    /// `delegated_credentials` (RFC 9345).
    pub const DELEGATED_CREDENTIALS: Self = Self(0x0022);
    /// `application_settings` (ALPS, the code point Chrome sends since 2024).
    pub const APPLICATION_SETTINGS: Self = Self(0x44CD);

    /// The type named `name` (the client table's spelling; `0x1234` for an
    /// unnamed one).
    pub fn from_name(name: &str) -> Option<Self> {
        if let Some(hex) = name.strip_prefix("0x") {
            return u16::from_str_radix(hex, 16).ok().map(Self);
        }
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(code, _)| Self(*code))
    }

    /// The name of a known type.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, n)| *n)
    }

    /// Whether this is a GREASE value (RFC 8701: `0x?A?A`).
    pub fn is_grease(self) -> bool {
        is_grease(self.0)
    }
}

/// Whether a 16-bit code point is a GREASE value (RFC 8701: `0x0A0A`,
/// `0x1A1A`, … `0xFAFA`).
pub fn is_grease(code: u16) -> bool {
    code & 0x0F0F == 0x0A0A && code >> 12 == (code >> 4) & 0x0F
}

/// A TLS `SignatureScheme` (RFC 8446 §4.2.3); values not listed are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignatureScheme(pub u16);

impl SignatureScheme {
    /// The registry's names (as the client table spells them).
    const NAMES: &'static [(u16, &'static str)] = &[
        (0x0101, "rsa_pkcs1_md5"),
        (0x0102, "dsa_md5"),
        (0x0103, "ecdsa_md5"),
        (0x0201, "rsa_pkcs1_sha1"),
        (0x0202, "dsa_sha1"),
        (0x0203, "ecdsa_sha1"),
        (0x0301, "rsa_pkcs1_sha224"),
        (0x0302, "dsa_sha224"),
        (0x0303, "ecdsa_sha224"),
        (0x0401, "rsa_pkcs1_sha256"),
        (0x0402, "dsa_sha256"),
        (0x0403, "ecdsa_secp256r1_sha256"),
        (0x0501, "rsa_pkcs1_sha384"),
        (0x0502, "dsa_sha384"),
        (0x0503, "ecdsa_secp384r1_sha384"),
        (0x0601, "rsa_pkcs1_sha512"),
        (0x0602, "dsa_sha512"),
        (0x0603, "ecdsa_secp521r1_sha512"),
        (0x0804, "rsa_pss_rsae_sha256"),
        (0x0805, "rsa_pss_rsae_sha384"),
        (0x0806, "rsa_pss_rsae_sha512"),
        (0x0807, "ed25519"),
        (0x0808, "ed448"),
        (0x0809, "rsa_pss_pss_sha256"),
        (0x080A, "rsa_pss_pss_sha384"),
        (0x080B, "rsa_pss_pss_sha512"),
        (0x081A, "ecdsa_brainpoolP256r1tls13_sha256"),
        (0x081B, "ecdsa_brainpoolP384r1tls13_sha384"),
        (0x081C, "ecdsa_brainpoolP512r1tls13_sha512"),
        (0x0904, "mldsa44"),
        (0x0905, "mldsa65"),
        (0x0906, "mldsa87"),
    ];

    /// The scheme named `name` (`0x1234` for an unnamed one).
    pub fn from_name(name: &str) -> Option<Self> {
        if let Some(hex) = name.strip_prefix("0x") {
            return u16::from_str_radix(hex, 16).ok().map(Self);
        }
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(code, _)| Self(*code))
    }

    /// The name of a known scheme.
    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, n)| *n)
    }
}

/// Compression methods.
pub mod compression {
    /// `null`.
    pub const NULL: u8 = 0;
    /// `DEFLATE` (RFC 3749).
    pub const DEFLATE: u8 = 1;
}

/// EC point formats (`ec_point_formats` extension).
pub mod ec_point_format {
    /// `uncompressed`.
    pub const UNCOMPRESSED: u8 = 0;
    /// `ansiX962_compressed_prime`.
    pub const ANSIX962_COMPRESSED_PRIME: u8 = 1;
    /// `ansiX962_compressed_char2`.
    pub const ANSIX962_COMPRESSED_CHAR2: u8 = 2;
}

/// PSK key exchange modes (`psk_key_exchange_modes` extension).
pub mod psk_key_exchange_mode {
    /// `psk_ke`.
    pub const PSK_KE: u8 = 0;
    /// `psk_dhe_ke`.
    pub const PSK_DHE_KE: u8 = 1;
}

/// Heartbeat modes (`heartbeat` extension, RFC 6520).
pub mod heartbeat_mode {
    /// `peer_allowed_to_send`.
    pub const PEER_ALLOWED_TO_SEND: u8 = 1;
    /// `peer_not_allowed_to_send`.
    pub const PEER_NOT_ALLOWED_TO_SEND: u8 = 2;
}

/// Heartbeat message types (RFC 6520).
pub mod heartbeat_message_type {
    /// `heartbeat_request`.
    pub const REQUEST: u8 = 1;
    /// `heartbeat_response`.
    pub const RESPONSE: u8 = 2;
}

/// Certificate status types (`status_request`, `CertificateStatus`).
pub mod certificate_status_type {
    /// `ocsp`.
    pub const OCSP: u8 = 1;
    /// `ocsp_multi` (RFC 6961).
    pub const OCSP_MULTI: u8 = 2;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_signature_names_round_trip() {
        for (code, name) in ExtensionType::NAMES {
            assert_eq!(ExtensionType::from_name(name), Some(ExtensionType(*code)));
            assert_eq!(ExtensionType(*code).name(), Some(*name));
        }
        for (code, name) in SignatureScheme::NAMES {
            assert_eq!(
                SignatureScheme::from_name(name),
                Some(SignatureScheme(*code))
            );
            assert_eq!(SignatureScheme(*code).name(), Some(*name));
        }
        assert_eq!(
            ExtensionType::from_name("0x5500"),
            Some(ExtensionType(0x5500))
        );
        assert_eq!(ExtensionType::from_name("no_such_extension"), None);
        assert_eq!(SignatureScheme::from_name("rsa_pkcs1_sha999"), None);
    }

    #[test]
    fn grease_values_are_recognised() {
        let grease: Vec<u16> = (0..=0xFFFF).filter(|c| is_grease(*c)).collect();
        assert_eq!(grease.len(), 16);
        assert_eq!(grease.first(), Some(&0x0A0A));
        assert_eq!(grease.last(), Some(&0xFAFA));
        assert!(!is_grease(0x0A1A));
        assert!(ExtensionType(0x3A3A).is_grease());
    }
}
