//! Code points only the codec and its callers name: record content types,
//! handshake message types, extension types and a few values used inside
//! extensions. The codec never rejects a value because it is missing here.
//!
//! Protocol versions, cipher suites (SCSVs included) and named groups are
//! the core's newtypes ([`ProtocolVersion`], [`CipherSuite`], [`NamedGroup`]
//! from `tlslens_core::wire`, re-exported by the codec), shared with the
//! facts and the grader: one set of code points for the whole project.
//!
//! [`ProtocolVersion`]: tlslens_core::wire::ProtocolVersion
//! [`CipherSuite`]: tlslens_core::wire::CipherSuite
//! [`NamedGroup`]: tlslens_core::wire::NamedGroup

/// Record layer content types.
pub mod content_type {
    /// `change_cipher_spec`.
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    /// `alert`.
    pub const ALERT: u8 = 21;
    /// `handshake`.
    pub const HANDSHAKE: u8 = 22;
    /// `application_data`.
    pub const APPLICATION_DATA: u8 = 23;
    /// `heartbeat` (RFC 6520).
    pub const HEARTBEAT: u8 = 24;
}

/// Handshake message types (`HandshakeType`).
pub mod handshake_type {
    /// `hello_request` (TLS ≤ 1.2).
    pub const HELLO_REQUEST: u8 = 0;
    /// `client_hello`.
    pub const CLIENT_HELLO: u8 = 1;
    /// `server_hello` (also carries a TLS 1.3 HelloRetryRequest).
    pub const SERVER_HELLO: u8 = 2;
    /// `hello_verify_request` (DTLS).
    pub const HELLO_VERIFY_REQUEST: u8 = 3;
    /// `new_session_ticket`.
    pub const NEW_SESSION_TICKET: u8 = 4;
    /// `end_of_early_data`.
    pub const END_OF_EARLY_DATA: u8 = 5;
    /// `hello_retry_request` of TLS 1.3 drafts (final RFC uses a ServerHello).
    pub const HELLO_RETRY_REQUEST: u8 = 6;
    /// `encrypted_extensions`.
    pub const ENCRYPTED_EXTENSIONS: u8 = 8;
    /// `certificate`.
    pub const CERTIFICATE: u8 = 11;
    /// `server_key_exchange`.
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    /// `certificate_request`.
    pub const CERTIFICATE_REQUEST: u8 = 13;
    /// `server_hello_done`.
    pub const SERVER_HELLO_DONE: u8 = 14;
    /// `certificate_verify`.
    pub const CERTIFICATE_VERIFY: u8 = 15;
    /// `client_key_exchange`.
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    /// `finished`.
    pub const FINISHED: u8 = 20;
    /// `certificate_url`.
    pub const CERTIFICATE_URL: u8 = 21;
    /// `certificate_status` (OCSP stapling, RFC 6066).
    pub const CERTIFICATE_STATUS: u8 = 22;
    /// `key_update`.
    pub const KEY_UPDATE: u8 = 24;
    /// `compressed_certificate` (RFC 8879).
    pub const COMPRESSED_CERTIFICATE: u8 = 25;
    /// `message_hash`.
    pub const MESSAGE_HASH: u8 = 254;
}

/// Extension types (`ExtensionType`).
pub mod extension_type {
    /// `server_name` (SNI).
    pub const SERVER_NAME: u16 = 0;
    /// `max_fragment_length`.
    pub const MAX_FRAGMENT_LENGTH: u16 = 1;
    /// `status_request` (OCSP stapling).
    pub const STATUS_REQUEST: u16 = 5;
    /// `supported_groups` (formerly `elliptic_curves`).
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// `ec_point_formats`.
    pub const EC_POINT_FORMATS: u16 = 11;
    /// `signature_algorithms`.
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// `use_srtp`.
    pub const USE_SRTP: u16 = 14;
    /// `heartbeat` (RFC 6520).
    pub const HEARTBEAT: u16 = 15;
    /// `application_layer_protocol_negotiation` (ALPN).
    pub const ALPN: u16 = 16;
    /// `status_request_v2`.
    pub const STATUS_REQUEST_V2: u16 = 17;
    /// `signed_certificate_timestamp`.
    pub const SIGNED_CERTIFICATE_TIMESTAMP: u16 = 18;
    /// `padding` (RFC 7685).
    pub const PADDING: u16 = 21;
    /// `encrypt_then_mac` (RFC 7366).
    pub const ENCRYPT_THEN_MAC: u16 = 22;
    /// `extended_master_secret` (RFC 7627).
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    /// `compress_certificate` (RFC 8879).
    pub const COMPRESS_CERTIFICATE: u16 = 27;
    /// `record_size_limit` (RFC 8449).
    pub const RECORD_SIZE_LIMIT: u16 = 28;
    /// `session_ticket` (RFC 5077).
    pub const SESSION_TICKET: u16 = 35;
    /// `pre_shared_key`.
    pub const PRE_SHARED_KEY: u16 = 41;
    /// `early_data`.
    pub const EARLY_DATA: u16 = 42;
    /// `supported_versions`.
    pub const SUPPORTED_VERSIONS: u16 = 43;
    /// `cookie`.
    pub const COOKIE: u16 = 44;
    /// `psk_key_exchange_modes`.
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    /// `certificate_authorities`.
    pub const CERTIFICATE_AUTHORITIES: u16 = 47;
    /// `post_handshake_auth`.
    pub const POST_HANDSHAKE_AUTH: u16 = 49;
    /// `signature_algorithms_cert`.
    pub const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
    /// `key_share`.
    pub const KEY_SHARE: u16 = 51;
    /// `encrypted_client_hello`.
    pub const ENCRYPTED_CLIENT_HELLO: u16 = 0xFE0D;
    /// `renegotiation_info` (RFC 5746).
    pub const RENEGOTIATION_INFO: u16 = 0xFF01;
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
