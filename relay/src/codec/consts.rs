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
