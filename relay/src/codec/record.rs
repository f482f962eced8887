//! The TLS record layer and handshake framing: record headers, a deframer
//! that bytes are pushed into and complete records come out of, a
//! reassembler that joins handshake messages split over records (or splits
//! records holding several), and the encoder that cuts a payload into records.

use super::consts::{ContentType, HandshakeType};
use super::wire::{Reader, Writer};
use super::{Error, ProtocolVersion};

/// The largest plaintext fragment a record may carry (2^14).
pub const MAX_FRAGMENT_LEN: usize = 1 << 14;

/// The largest record length accepted from a peer: 2^14 + 2048, the
/// TLSCiphertext bound of TLS ≤ 1.2 (it covers TLS 1.3's 2^14 + 256 too).
pub const MAX_RECORD_LEN: usize = MAX_FRAGMENT_LEN + 2048;

/// The 5-byte header of a TLS (or SSLv3) record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordHeader {
    /// Content type; unknown values are kept.
    pub content_type: ContentType,
    /// Record-layer protocol version.
    pub version: ProtocolVersion,
    /// Length of the payload that follows.
    pub length: u16,
}

impl RecordHeader {
    /// Length of an encoded header.
    pub const LEN: usize = 5;

    /// Reads the header at the start of `bytes` (which may hold more).
    ///
    /// Fails with [`Error::Truncated`] if fewer than 5 bytes are given and
    /// with [`Error::RecordTooLarge`] if the length exceeds [`MAX_RECORD_LEN`].
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let header = Self {
            content_type: ContentType(r.u8("record content type")?),
            version: ProtocolVersion(r.u16("record version")?),
            length: r.u16("record length")?,
        };
        let length = usize::from(header.length);
        if length > MAX_RECORD_LEN {
            return Err(Error::RecordTooLarge {
                length,
                max: MAX_RECORD_LEN,
            });
        }
        Ok(header)
    }

    /// The 5 header bytes.
    pub fn encode(&self) -> [u8; 5] {
        let [v0, v1] = self.version.0.to_be_bytes();
        let [l0, l1] = self.length.to_be_bytes();
        [self.content_type.0, v0, v1, l0, l1]
    }
}

/// One complete record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// Content type; unknown values are kept.
    pub content_type: ContentType,
    /// Record-layer protocol version.
    pub version: ProtocolVersion,
    /// The payload (plaintext fragment, or ciphertext once encrypted).
    pub payload: Vec<u8>,
}

impl Record {
    /// Reads exactly one record from `bytes` (header and whole payload, no
    /// more). Use [`RecordReader`] for a stream.
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let header = RecordHeader::read(bytes)?;
        let mut r = Reader::new(bytes.get(RecordHeader::LEN..).unwrap_or_default());
        let payload = r
            .take(usize::from(header.length), "record payload")?
            .to_vec();
        r.finish("record")?;
        Ok(Self {
            content_type: header.content_type,
            version: header.version,
            payload,
        })
    }

    /// The header this record is written with.
    ///
    /// Fails with [`Error::TooLong`] for a payload over 65535 bytes.
    pub fn header(&self) -> Result<RecordHeader, Error> {
        let length = u16::try_from(self.payload.len()).map_err(|_| Error::TooLong {
            what: "record payload",
            length: self.payload.len(),
            max: usize::from(u16::MAX),
        })?;
        Ok(RecordHeader {
            content_type: self.content_type,
            version: self.version,
            length,
        })
    }

    /// Header and payload, as sent. The payload is not split: see
    /// [`encode_records`] for that.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(self.payload.len().saturating_add(RecordHeader::LEN));
        out.extend_from_slice(&self.header()?.encode());
        out.extend_from_slice(&self.payload);
        Ok(out)
    }
}

/// Cuts `payload` into records of at most [`MAX_FRAGMENT_LEN`] bytes each, of
/// the given content type and record version. An empty payload gives one
/// empty record.
pub fn encode_records(
    content_type: ContentType,
    version: ProtocolVersion,
    payload: &[u8],
) -> Vec<u8> {
    encode_records_with_fragment_len(content_type, version, payload, MAX_FRAGMENT_LEN)
}

/// Like [`encode_records`] with fragments of at most `fragment_len` bytes
/// (clamped to 1..=[`MAX_FRAGMENT_LEN`]); small values let a probe fragment a
/// ClientHello on purpose.
pub fn encode_records_with_fragment_len(
    content_type: ContentType,
    version: ProtocolVersion,
    payload: &[u8],
    fragment_len: usize,
) -> Vec<u8> {
    let fragment_len = fragment_len.clamp(1, MAX_FRAGMENT_LEN);
    let records = payload.len().div_ceil(fragment_len).max(1);
    let mut out = Vec::with_capacity(
        payload
            .len()
            .saturating_add(records.saturating_mul(RecordHeader::LEN)),
    );
    let mut push = |chunk: &[u8]| {
        // A chunk is at most MAX_FRAGMENT_LEN bytes, so it fits in a u16.
        let length = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(
            &RecordHeader {
                content_type,
                version,
                length,
            }
            .encode(),
        );
        out.extend_from_slice(chunk);
    };
    if payload.is_empty() {
        push(&[]);
    }
    for chunk in payload.chunks(fragment_len) {
        push(chunk);
    }
    out
}

/// A record deframer: push the bytes read from a socket, pull complete
/// records. Records of any content type are returned; a header declaring a
/// length above [`MAX_RECORD_LEN`] is an [`Error::RecordTooLarge`] (and stays
/// one: the stream cannot be resynchronised).
#[derive(Debug, Clone, Default)]
pub struct RecordReader {
    buf: Vec<u8>,
}

impl RecordReader {
    /// An empty deframer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes received from the peer.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete record, or `None` if more bytes are needed.
    pub fn next_record(&mut self) -> Result<Option<Record>, Error> {
        if self.buf.len() < RecordHeader::LEN {
            return Ok(None);
        }
        let header = RecordHeader::read(&self.buf)?;
        let end = RecordHeader::LEN.saturating_add(usize::from(header.length));
        let Some(payload) = self.buf.get(RecordHeader::LEN..end) else {
            return Ok(None);
        };
        let record = Record {
            content_type: header.content_type,
            version: header.version,
            payload: payload.to_vec(),
        };
        self.buf.drain(..end);
        Ok(Some(record))
    }

    /// The bytes received but not yet returned as records.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }
}

/// One handshake message: its type and body (without the 4-byte header).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HandshakeMessage {
    /// Handshake message type; unknown values are kept.
    pub msg_type: HandshakeType,
    /// The body, without the type and 3-byte length.
    pub body: Vec<u8>,
}

impl HandshakeMessage {
    /// Length of the message header (type + 3-byte length).
    pub const HEADER_LEN: usize = 4;

    /// Reads exactly one complete message (header and body, no more).
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let msg_type = HandshakeType(r.u8("handshake type")?);
        let body = r.vec24("handshake body")?.to_vec();
        r.finish("handshake message")?;
        Ok(Self { msg_type, body })
    }

    /// Header and body. Fails with [`Error::TooLong`] for a body of 2^24
    /// bytes or more.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u8(self.msg_type.0);
        w.vec24("handshake body", &self.body);
        w.finish()
    }
}

/// Joins handshake messages from the payloads of consecutive handshake
/// records: a message may span records and a record may hold several.
///
/// A message whose header declares more than the cap (default
/// [`HandshakeReassembler::DEFAULT_MAX_MESSAGE_LEN`], 256 KiB) is an
/// [`Error::MessageTooLarge`] as soon as its header is seen, so an endless
/// Certificate list costs no more memory than the cap.
#[derive(Debug, Clone)]
pub struct HandshakeReassembler {
    buf: Vec<u8>,
    max_message_len: usize,
}

impl Default for HandshakeReassembler {
    fn default() -> Self {
        Self::new()
    }
}

impl HandshakeReassembler {
    /// The default cap on one message's body: 256 KiB.
    pub const DEFAULT_MAX_MESSAGE_LEN: usize = 256 * 1024;

    /// A reassembler with the default cap.
    pub fn new() -> Self {
        Self::with_max_message_len(Self::DEFAULT_MAX_MESSAGE_LEN)
    }

    /// A reassembler refusing message bodies longer than `max_message_len`.
    pub fn with_max_message_len(max_message_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_message_len,
        }
    }

    /// The cap on one message's body.
    pub fn max_message_len(&self) -> usize {
        self.max_message_len
    }

    /// Appends the payload of a handshake record.
    pub fn push(&mut self, fragment: &[u8]) {
        self.buf.extend_from_slice(fragment);
    }

    /// Whether no partial message is pending.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Bytes pushed but not yet returned as messages.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// The next complete message, or `None` if more fragments are needed.
    pub fn next_message(&mut self) -> Result<Option<HandshakeMessage>, Error> {
        let mut r = Reader::new(&self.buf);
        let (Ok(msg_type), Ok(length)) = (r.u8(""), r.u24("")) else {
            return Ok(None);
        };
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        if length > self.max_message_len {
            return Err(Error::MessageTooLarge {
                length,
                max: self.max_message_len,
            });
        }
        let Ok(body) = r.take(length, "") else {
            return Ok(None);
        };
        let message = HandshakeMessage {
            msg_type: HandshakeType(msg_type),
            body: body.to_vec(),
        };
        self.buf
            .drain(..length.saturating_add(HandshakeMessage::HEADER_LEN));
        Ok(Some(message))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_limits() {
        let h = RecordHeader {
            content_type: ContentType(22),
            version: ProtocolVersion::TLS10,
            length: 300,
        };
        assert_eq!(RecordHeader::read(&h.encode()).unwrap(), h);
        assert_eq!(h.encode(), [22, 3, 1, 1, 44]);
        let max = RecordHeader {
            length: MAX_RECORD_LEN as u16,
            ..h
        };
        assert!(RecordHeader::read(&max.encode()).is_ok());
        let over = RecordHeader {
            length: MAX_RECORD_LEN as u16 + 1,
            ..h
        };
        assert_eq!(
            RecordHeader::read(&over.encode()),
            Err(Error::RecordTooLarge {
                length: MAX_RECORD_LEN + 1,
                max: MAX_RECORD_LEN
            })
        );
        assert!(matches!(
            RecordHeader::read(&[22, 3]),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn record_round_trip() {
        let rec = Record {
            content_type: ContentType(99),
            version: ProtocolVersion::TLS12,
            payload: vec![1, 2, 3],
        };
        let bytes = rec.encode().unwrap();
        assert_eq!(bytes, [99, 3, 3, 0, 3, 1, 2, 3]);
        assert_eq!(Record::read(&bytes).unwrap(), rec);
        assert!(Record::read(&bytes[..7]).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(Record::read(&long).is_err());
        let huge = Record {
            payload: vec![0; 70_000],
            ..rec
        };
        assert!(huge.encode().is_err());
    }

    #[test]
    fn splitting_into_records() {
        let payload: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
        let bytes = encode_records(ContentType(22), ProtocolVersion::TLS10, &payload);
        assert_eq!(bytes.len(), payload.len() + 3 * 5);
        let mut reader = RecordReader::new();
        reader.push(&bytes);
        let mut joined = Vec::new();
        let mut lens = Vec::new();
        while let Some(rec) = reader.next_record().unwrap() {
            assert_eq!(rec.content_type, ContentType(22));
            assert_eq!(rec.version, ProtocolVersion::TLS10);
            lens.push(rec.payload.len());
            joined.extend(rec.payload);
        }
        assert_eq!(lens, [16384, 16384, 40_000 - 32768]);
        assert_eq!(joined, payload);
        assert_eq!(
            encode_records(ContentType(23), ProtocolVersion::TLS12, &[]),
            [23, 3, 3, 0, 0]
        );
        assert_eq!(
            encode_records_with_fragment_len(
                ContentType(22),
                ProtocolVersion::TLS10,
                &[1, 2, 3],
                2
            ),
            [22, 3, 1, 0, 2, 1, 2, 22, 3, 1, 0, 1, 3]
        );
        // A fragment length of zero is clamped to one.
        assert_eq!(
            encode_records_with_fragment_len(ContentType(22), ProtocolVersion::TLS10, &[1, 2], 0)
                .len(),
            12
        );
    }

    #[test]
    fn reader_byte_by_byte_and_unknown_types() {
        let mut stream = Vec::new();
        stream.extend(
            Record {
                content_type: ContentType(21),
                version: ProtocolVersion::TLS12,
                payload: vec![2, 40],
            }
            .encode()
            .unwrap(),
        );
        stream.extend(
            Record {
                content_type: ContentType(0x42),
                version: ProtocolVersion::TLS12,
                payload: vec![],
            }
            .encode()
            .unwrap(),
        );
        let mut reader = RecordReader::new();
        let mut got = Vec::new();
        for b in &stream {
            reader.push(&[*b]);
            while let Some(rec) = reader.next_record().unwrap() {
                got.push(rec);
            }
        }
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].content_type, ContentType::ALERT);
        assert_eq!(got[1].content_type, ContentType(0x42));
        assert!(reader.buffered().is_empty());
    }

    #[test]
    fn reader_rejects_oversize_records() {
        let mut reader = RecordReader::new();
        reader.push(&[23, 3, 3, 0x48, 0x01]);
        assert!(matches!(
            reader.next_record(),
            Err(Error::RecordTooLarge { length: 0x4801, .. })
        ));
        // Sticky: the same error again.
        assert!(matches!(
            reader.next_record(),
            Err(Error::RecordTooLarge { .. })
        ));
    }

    #[test]
    fn reassembler_joins_and_splits() {
        let a = HandshakeMessage {
            msg_type: HandshakeType(2),
            body: vec![7; 10],
        }
        .encode()
        .unwrap();
        let b = HandshakeMessage {
            msg_type: HandshakeType(14),
            body: vec![],
        }
        .encode()
        .unwrap();
        let mut all = a.clone();
        all.extend(&b);
        // Fragment at every split point.
        for cut in 0..=all.len() {
            let mut hs = HandshakeReassembler::new();
            let mut got = Vec::new();
            for part in [&all[..cut], &all[cut..]] {
                hs.push(part);
                while let Some(m) = hs.next_message().unwrap() {
                    got.push(m);
                }
            }
            assert_eq!(got.len(), 2, "cut {cut}");
            assert_eq!(got[0].body, vec![7; 10]);
            assert_eq!(got[1].msg_type, HandshakeType(14));
            assert!(hs.is_empty());
        }
        assert_eq!(
            HandshakeMessage::read(&a).unwrap().msg_type,
            HandshakeType(2)
        );
        assert!(HandshakeMessage::read(&all).is_err());
    }

    #[test]
    fn reassembler_caps_message_size() {
        let mut hs = HandshakeReassembler::new();
        hs.push(&[11, 0xFF, 0xFF, 0xFF]);
        assert_eq!(
            hs.next_message(),
            Err(Error::MessageTooLarge {
                length: 0xFF_FFFF,
                max: 256 * 1024
            })
        );
        let mut hs = HandshakeReassembler::with_max_message_len(3);
        assert_eq!(hs.max_message_len(), 3);
        hs.push(&[11, 0, 0, 3, 1, 2]);
        assert_eq!(hs.next_message(), Ok(None));
        assert_eq!(hs.pending(), 6);
        hs.push(&[3, 11, 0, 0, 4]);
        assert_eq!(hs.next_message().unwrap().unwrap().body, vec![1, 2, 3]);
        assert!(matches!(
            hs.next_message(),
            Err(Error::MessageTooLarge { length: 4, max: 3 })
        ));
    }
}
