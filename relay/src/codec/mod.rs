//! The TLS wire codec of the scanner: sans-I/O parsers and encoders for
//! everything the relay sends to or reads from a server while probing
//! SSLv2, SSLv3 and TLS 1.0–1.3.
//!
//! Bytes in, typed values out; typed values in, bytes out. Nothing here does
//! I/O, draws random numbers or panics on any input: malformed input is an
//! [`Error`]. Protocol versions, cipher suites and named groups are the core's
//! newtypes ([`ProtocolVersion`], [`CipherSuite`], [`NamedGroup`], re-exported
//! here), the same values the facts carry; the codec's own code points are
//! newtypes too ([`ContentType`], [`HandshakeType`], [`ExtensionType`],
//! [`AlertLevel`], [`AlertDescription`]), with the registry values as
//! constants. A value the codec does not know is kept, never an error.
//!
//! * [`RecordReader`], [`HandshakeReassembler`], [`encode_records`]: the record
//!   layer and handshake framing.
//! * [`ClientHello`] with [`ClientExtension`]: the probes we craft; also parsed,
//!   so test servers can read them. [`ClientKeyExchange`] and [`Finished`]:
//!   the client's second flight, for the probes that finish a handshake.
//! * [`ServerHello`], [`Certificate`], [`CertificateTls13`],
//!   [`CertificateStatus`], [`ServerKeyExchange`], [`ServerHelloDone`],
//!   [`CertificateRequest`], [`NewSessionTicket`], [`Alert`]: what servers
//!   answer, each with `read` and `encode` that round-trip.
//! * [`HeartbeatMessage`]: RFC 6520 heartbeats, including the over-long
//!   requests of the Heartbleed probe.
//! * [`Sslv2ClientHello`], [`Sslv2ServerHello`]: the SSLv2 handshake.
//! * [`FlightParser`] / [`ServerFlight`]: walks a server's answer to a
//!   ClientHello, as far as it is plaintext.

mod alert;
mod client_flight;
mod client_hello;
mod consts;
mod extension;
mod flight;
mod heartbeat;
mod key_exchange;
mod record;
mod server;
mod sslv2;
mod wire;

#[cfg(test)]
mod tests;

pub use alert::{Alert, AlertDescription, AlertLevel};
pub use client_flight::{ClientKeyExchange, Finished, CHANGE_CIPHER_SPEC};
pub use client_hello::{ClientHello, Padding};
pub use consts::{
    certificate_status_type, compression, ec_point_format, heartbeat_message_type, heartbeat_mode,
    is_grease, psk_key_exchange_mode, ContentType, ExtensionType, HandshakeType, SignatureScheme,
};
pub use extension::{ClientExtension, Extension, KeyShareEntry};
pub use flight::{FlightEnd, FlightParser, FlightStatus, ServerFlight};
pub use heartbeat::{HeartbeatMessage, HEARTBEAT_MIN_PADDING};
pub use key_exchange::{
    DheParams, EcdheParams, KeyExchangeKind, KeyExchangeParams, ServerKeyExchange,
};
pub use record::{
    encode_records, encode_records_with_fragment_len, HandshakeMessage, HandshakeReassembler,
    Record, RecordHeader, RecordReader, MAX_FRAGMENT_LEN, MAX_RECORD_LEN,
};
pub use server::{
    Certificate, CertificateEntry, CertificateRequest, CertificateStatus, CertificateTls13,
    Downgrade, NewSessionTicket, ServerHello, ServerHelloDone, HELLO_RETRY_REQUEST_RANDOM,
};
pub use sslv2::{
    split_sslv2_record, sslv2_cipher_name, Sslv2CipherKind, Sslv2ClientHello, Sslv2ServerHello,
    Sslv2ServerMessage, SSLV2_CIPHER_KINDS,
};
pub use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion};

use std::fmt;

/// Why bytes could not be parsed or a value could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A field or a length prefix runs past the end of the structure holding
    /// it (a complete structure was expected: this is not "need more bytes").
    Truncated {
        /// The field being read.
        what: &'static str,
    },
    /// Bytes are left over after a structure that should have ended.
    TrailingData {
        /// The structure.
        what: &'static str,
    },
    /// A field holds a value its format forbids (an odd-length list of `u16`,
    /// a wrong message type…).
    InvalidValue {
        /// The field.
        what: &'static str,
    },
    /// Well-formed but not supported by this codec (explicit EC curves…).
    Unsupported {
        /// The feature.
        what: &'static str,
    },
    /// While encoding: a value is too long for the length prefix carrying it.
    TooLong {
        /// The field.
        what: &'static str,
        /// Its length.
        length: usize,
        /// The largest length its prefix can carry.
        max: usize,
    },
    /// A record declares a length above [`MAX_RECORD_LEN`] (2^14 + 2048).
    RecordTooLarge {
        /// The declared length.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A handshake message declares a length above the reassembler's cap.
    MessageTooLarge {
        /// The declared length.
        length: usize,
        /// The cap.
        max: usize,
    },
    /// A server flight went on past the parser's total byte cap.
    FlightTooLarge {
        /// The cap.
        max: usize,
    },
    /// The peer's first bytes are neither a TLS/SSLv3 record nor an SSLv2
    /// server message (an HTTP server, an SSH banner, garbage…).
    NotTls,
    /// A record of a content type the flight cannot carry at this point.
    UnexpectedContentType {
        /// The record's content type.
        content_type: ContentType,
    },
    /// A handshake message the flight cannot carry at this point.
    UnexpectedMessage {
        /// The handshake message type.
        msg_type: HandshakeType,
        /// Why it is unexpected.
        what: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { what } => write!(f, "truncated {what}"),
            Self::TrailingData { what } => write!(f, "trailing bytes after {what}"),
            Self::InvalidValue { what } => write!(f, "invalid {what}"),
            Self::Unsupported { what } => write!(f, "unsupported {what}"),
            Self::TooLong { what, length, max } => {
                write!(
                    f,
                    "{what} is {length} bytes long, more than its maximum {max}"
                )
            }
            Self::RecordTooLarge { length, max } => {
                write!(f, "record of {length} bytes exceeds the maximum of {max}")
            }
            Self::MessageTooLarge { length, max } => {
                write!(
                    f,
                    "handshake message of {length} bytes exceeds the cap of {max}"
                )
            }
            Self::FlightTooLarge { max } => {
                write!(f, "server flight exceeds the cap of {max} bytes")
            }
            Self::NotTls => f.write_str("the peer does not speak TLS"),
            Self::UnexpectedContentType { content_type } => {
                write!(f, "unexpected record of content type {}", content_type.0)
            }
            Self::UnexpectedMessage { msg_type, what } => {
                write!(
                    f,
                    "unexpected handshake message of type {}: {what}",
                    msg_type.0
                )
            }
        }
    }
}

impl std::error::Error for Error {}
