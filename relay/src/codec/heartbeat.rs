//! Heartbeat messages (RFC 6520): the payload of a `heartbeat` record (content
//! type 24).
//!
//! ```text
//! struct {
//!     HeartbeatMessageType type;      // 1 request, 2 response
//!     uint16 payload_length;
//!     opaque payload[payload_length];
//!     opaque padding[>= 16];
//! } HeartbeatMessage;
//! ```
//!
//! The declared `payload_length` is kept apart from the bytes that follow it,
//! because the Heartbleed probe (CVE-2014-0160) sends a request whose length
//! claims more than it carries, and a vulnerable server answers with a
//! response carrying that much of its memory. [`HeartbeatMessage::read`]
//! accepts such messages; [`HeartbeatMessage::is_well_formed`] says whether the
//! declared length and the 16 bytes of padding fit.

use super::consts::{heartbeat_message_type, ContentType};
use super::record::encode_records;
use super::wire::Reader;
use super::{Error, ProtocolVersion};

/// The smallest padding a well-formed heartbeat message carries.
pub const HEARTBEAT_MIN_PADDING: usize = 16;

/// One heartbeat message, as sent: the declared payload length may differ
/// from the bytes that follow it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeartbeatMessage {
    /// `heartbeat_request` (1), `heartbeat_response` (2); unknown values are
    /// kept.
    pub message_type: u8,
    /// The declared payload length.
    pub payload_length: u16,
    /// Every byte after the length field: the payload then the padding, or
    /// fewer bytes than declared.
    pub data: Vec<u8>,
}

impl HeartbeatMessage {
    /// A well-formed request: `payload` then `padding` (at least
    /// [`HEARTBEAT_MIN_PADDING`] bytes for a valid message).
    ///
    /// Fails with [`Error::TooLong`] for a payload over 65535 bytes.
    pub fn request(payload: &[u8], padding: &[u8]) -> Result<Self, Error> {
        let payload_length = u16::try_from(payload.len()).map_err(|_| Error::TooLong {
            what: "heartbeat payload",
            length: payload.len(),
            max: usize::from(u16::MAX),
        })?;
        let mut data = payload.to_vec();
        data.extend_from_slice(padding);
        Ok(Self {
            message_type: heartbeat_message_type::REQUEST,
            payload_length,
            data,
        })
    }

    /// A request declaring `payload_length` bytes but carrying only `data`
    /// (the Heartbleed probe).
    pub fn overlong_request(payload_length: u16, data: &[u8]) -> Self {
        Self {
            message_type: heartbeat_message_type::REQUEST,
            payload_length,
            data: data.to_vec(),
        }
    }

    /// Parses a message (the whole payload of one or more heartbeat records).
    /// The declared length is not checked against the data: see
    /// [`Self::is_well_formed`].
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        Ok(Self {
            message_type: r.u8("heartbeat message type")?,
            payload_length: r.u16("heartbeat payload length")?,
            data: r.rest().to_vec(),
        })
    }

    /// Type, declared length and data, as sent.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len().saturating_add(3));
        out.push(self.message_type);
        out.extend_from_slice(&self.payload_length.to_be_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// The message in `heartbeat` records of record version `version`.
    pub fn encode_records(&self, version: ProtocolVersion) -> Vec<u8> {
        encode_records(ContentType::HEARTBEAT, version, &self.encode())
    }

    /// The encoded length: 3 + the data.
    pub fn len(&self) -> usize {
        self.data.len().saturating_add(3)
    }

    /// Never true: a message has at least its type and length.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether the data holds the declared payload and at least
    /// [`HEARTBEAT_MIN_PADDING`] bytes of padding (RFC 6520 §4: a peer
    /// silently discards a message that does not).
    pub fn is_well_formed(&self) -> bool {
        usize::from(self.payload_length).saturating_add(HEARTBEAT_MIN_PADDING) <= self.data.len()
    }

    /// The declared payload, when the data holds it.
    pub fn payload(&self) -> Option<&[u8]> {
        self.data.get(..usize::from(self.payload_length))
    }

    /// The bytes after the declared payload (the padding), when the data holds
    /// the payload.
    pub fn padding(&self) -> Option<&[u8]> {
        self.data.get(usize::from(self.payload_length)..)
    }
}
