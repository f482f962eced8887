//! The server's answer to one of our ClientHellos, walked as far as it is
//! plaintext: records and handshake messages are collected into a
//! [`ServerFlight`] until ServerHelloDone, an alert, a HelloRetryRequest, the
//! first encrypted record, or an SSLv2 reply. Bytes can be pushed as they
//! arrive; the parser says when it needs more.

use super::alert::{Alert, AlertDescription, AlertLevel};
use super::consts::{ContentType, HandshakeType};
use super::key_exchange::{KeyExchangeKind, ServerKeyExchange};
use super::record::{HandshakeMessage, HandshakeReassembler, RecordHeader};
use super::server::{
    Certificate, CertificateRequest, CertificateStatus, ServerHello, ServerHelloDone,
};
use super::sslv2::{split_sslv2_record, Sslv2ServerMessage};
use super::{Error, ProtocolVersion};

/// Why a flight is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlightEnd {
    /// ServerHelloDone arrived (TLS ≤ 1.2 full handshake).
    ServerHelloDone,
    /// An alert arrived (see [`ServerFlight::alert`]).
    Alert,
    /// The ServerHello was a TLS 1.3 HelloRetryRequest.
    HelloRetryRequest,
    /// A ChangeCipherSpec or ApplicationData record followed the ServerHello:
    /// the rest is encrypted (TLS 1.3, or an abbreviated TLS ≤ 1.2 handshake).
    Encrypted,
    /// The server answered in SSLv2 (see [`ServerFlight::sslv2`]).
    Sslv2,
}

/// Where a [`FlightParser`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlightStatus {
    /// More bytes are needed: read from the socket and push again.
    Incomplete,
    /// The flight is complete; further bytes are ignored.
    Done(FlightEnd),
}

/// What a server sent in reply to a ClientHello, up to where it stops
/// being plaintext.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFlight {
    /// The record-layer version of the first record.
    pub record_version: Option<ProtocolVersion>,
    /// The ServerHello (or HelloRetryRequest).
    pub server_hello: Option<ServerHello>,
    /// The Certificate (TLS ≤ 1.2 layout).
    pub certificate: Option<Certificate>,
    /// The CertificateStatus (OCSP staple).
    pub certificate_status: Option<CertificateStatus>,
    /// The ServerKeyExchange body, verbatim.
    pub server_key_exchange_raw: Option<Vec<u8>>,
    /// The ServerKeyExchange parsed, when the kind of parameters is known
    /// (from [`FlightParser::with_key_exchange_kind`] or else from the
    /// cipher suite via [`KeyExchangeKind::for_cipher_suite`]).
    pub server_key_exchange: Option<ServerKeyExchange>,
    /// A CertificateRequest, if the server asked for a client certificate.
    pub certificate_request: Option<CertificateRequest>,
    /// Whether ServerHelloDone arrived.
    pub server_hello_done: bool,
    /// The alert that ended the flight.
    pub alert: Option<Alert>,
    /// Warning alerts the flight went on after (an `unrecognized_name`
    /// before the ServerHello, as some servers send for an SNI they do not
    /// know).
    pub warnings: Vec<Alert>,
    /// The SSLv2 message, if the server answered in SSLv2.
    pub sslv2: Option<Sslv2ServerMessage>,
    /// The type of every handshake message seen, in order.
    pub message_types: Vec<HandshakeType>,
}

impl ServerFlight {
    /// Parses a flight from all bytes received so far. Use [`FlightParser`]
    /// to push bytes as they come, or to keep what was parsed before an
    /// error.
    pub fn parse(bytes: &[u8]) -> Result<(Self, FlightStatus), Error> {
        let mut parser = FlightParser::new();
        let status = parser.push(bytes)?;
        Ok((parser.into_flight(), status))
    }

    /// The negotiated version: from the ServerHello (its
    /// `supported_versions` if any), 0x0002 for an SSLv2 SERVER-HELLO.
    pub fn negotiated_version(&self) -> Option<ProtocolVersion> {
        if let Some(sh) = &self.server_hello {
            return Some(sh.negotiated_version());
        }
        match &self.sslv2 {
            Some(Sslv2ServerMessage::ServerHello(_)) => Some(ProtocolVersion::SSLV2),
            _ => None,
        }
    }
}

/// Framing mode, decided by the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unknown,
    Tls,
    Sslv2,
}

/// An incremental parser of a server flight.
///
/// ```
/// use tlslens_relay::codec::{Error, FlightParser, FlightStatus};
///
/// let mut parser = FlightParser::new();
/// // The start of a TLS record: more bytes are needed.
/// assert_eq!(parser.push(&[22, 3, 3]), Ok(FlightStatus::Incomplete));
/// // An HTTP server is told apart from its first byte.
/// assert_eq!(FlightParser::new().push(b"HTTP/1.1 400 Bad Request\r\n"), Err(Error::NotTls));
/// ```
#[derive(Debug, Clone)]
pub struct FlightParser {
    buf: Vec<u8>,
    received: usize,
    mode: Mode,
    hs: HandshakeReassembler,
    flight: ServerFlight,
    status: FlightStatus,
    error: Option<Error>,
    kex_kind: Option<KeyExchangeKind>,
    max_flight_len: usize,
    rest: Vec<u8>,
}

impl Default for FlightParser {
    fn default() -> Self {
        Self::new()
    }
}

impl FlightParser {
    /// The default cap on the bytes a flight may take before it is complete:
    /// 1 MiB.
    pub const DEFAULT_MAX_FLIGHT_LEN: usize = 1 << 20;

    /// A parser with default limits.
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            received: 0,
            mode: Mode::Unknown,
            hs: HandshakeReassembler::new(),
            flight: ServerFlight::default(),
            status: FlightStatus::Incomplete,
            error: None,
            kex_kind: None,
            max_flight_len: Self::DEFAULT_MAX_FLIGHT_LEN,
            rest: Vec::new(),
        }
    }

    /// Parses a ServerKeyExchange as `kind` whatever the cipher suite.
    pub fn with_key_exchange_kind(mut self, kind: KeyExchangeKind) -> Self {
        self.kex_kind = Some(kind);
        self
    }

    /// Caps one handshake message at `max` bytes (default 256 KiB).
    pub fn with_max_message_len(mut self, max: usize) -> Self {
        self.hs = HandshakeReassembler::with_max_message_len(max);
        self
    }

    /// Caps the whole flight at `max` bytes (default 1 MiB).
    pub fn with_max_flight_len(mut self, max: usize) -> Self {
        self.max_flight_len = max;
        self
    }

    /// Where the parser stands.
    pub fn status(&self) -> FlightStatus {
        self.status
    }

    /// What was parsed so far (also after an error).
    pub fn flight(&self) -> &ServerFlight {
        &self.flight
    }

    /// The bytes received after the record that completed a TLS flight
    /// (what a probe that talks on must read first); empty while the flight
    /// is incomplete, and for SSLv2 replies.
    pub fn remaining(&self) -> &[u8] {
        &self.rest
    }

    /// What was parsed.
    pub fn into_flight(self) -> ServerFlight {
        self.flight
    }

    /// Feeds bytes received from the server. Returns
    /// [`FlightStatus::Incomplete`] while more are needed. An error is final:
    /// every later call returns it again.
    pub fn push(&mut self, bytes: &[u8]) -> Result<FlightStatus, Error> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        if self.status != FlightStatus::Incomplete {
            return Ok(self.status);
        }
        self.buf.extend_from_slice(bytes);
        self.received = self.received.saturating_add(bytes.len());
        let result = self.process().and_then(|status| {
            if status == FlightStatus::Incomplete && self.received > self.max_flight_len {
                Err(Error::FlightTooLarge {
                    max: self.max_flight_len,
                })
            } else {
                Ok(status)
            }
        });
        match result {
            Ok(status) => {
                self.status = status;
                if status != FlightStatus::Incomplete {
                    let rest = std::mem::take(&mut self.buf);
                    if self.mode != Mode::Sslv2 {
                        self.rest = rest;
                    }
                }
                Ok(status)
            }
            Err(err) => {
                self.error = Some(err.clone());
                self.buf = Vec::new();
                Err(err)
            }
        }
    }

    fn process(&mut self) -> Result<FlightStatus, Error> {
        if self.mode == Mode::Unknown {
            self.mode = match sniff(&self.buf)? {
                Some(mode) => mode,
                None => return Ok(FlightStatus::Incomplete),
            };
        }
        match self.mode {
            Mode::Sslv2 => self.process_sslv2(),
            _ => self.process_tls(),
        }
    }

    fn process_sslv2(&mut self) -> Result<FlightStatus, Error> {
        let Some((message, _)) = split_sslv2_record(&self.buf)? else {
            return Ok(FlightStatus::Incomplete);
        };
        self.flight.sslv2 = Some(Sslv2ServerMessage::read(message)?);
        Ok(FlightStatus::Done(FlightEnd::Sslv2))
    }

    fn process_tls(&mut self) -> Result<FlightStatus, Error> {
        let mut pos = 0usize;
        let result = self.records_from(&mut pos);
        // Drop the records handled, even when stopping on an error.
        self.buf.drain(..pos.min(self.buf.len()));
        result
    }

    fn records_from(&mut self, pos: &mut usize) -> Result<FlightStatus, Error> {
        loop {
            let Some(rest) = self
                .buf
                .get(*pos..)
                .filter(|r| r.len() >= RecordHeader::LEN)
            else {
                return Ok(FlightStatus::Incomplete);
            };
            let header = RecordHeader::read(rest)?;
            let end = RecordHeader::LEN.saturating_add(usize::from(header.length));
            let Some(payload) = rest.get(RecordHeader::LEN..end) else {
                return Ok(FlightStatus::Incomplete);
            };
            let payload = payload.to_vec();
            *pos = pos.saturating_add(end);
            self.flight.record_version.get_or_insert(header.version);
            if let Some(end) = self.on_record(header.content_type, &payload)? {
                return Ok(FlightStatus::Done(end));
            }
        }
    }

    fn on_record(&mut self, ct: ContentType, payload: &[u8]) -> Result<Option<FlightEnd>, Error> {
        match ct {
            ContentType::HANDSHAKE => {
                self.hs.push(payload);
                while let Some(message) = self.hs.next_message()? {
                    if let Some(end) = self.on_message(message)? {
                        return Ok(Some(end));
                    }
                }
                Ok(None)
            }
            ContentType::ALERT => {
                let alert = match payload {
                    [level, description, ..] => Alert {
                        level: AlertLevel(*level),
                        description: AlertDescription(*description),
                    },
                    _ => return Err(Error::Truncated { what: "alert" }),
                };
                // A warning is not a refusal: the server goes on (close_notify
                // excepted, which ends the connection).
                if alert.level == AlertLevel::WARNING
                    && alert.description != AlertDescription::CLOSE_NOTIFY
                {
                    self.flight.warnings.push(alert);
                    return Ok(None);
                }
                self.flight.alert = Some(alert);
                Ok(Some(FlightEnd::Alert))
            }
            ContentType::CHANGE_CIPHER_SPEC | ContentType::APPLICATION_DATA
                if self.flight.server_hello.is_some() =>
            {
                Ok(Some(FlightEnd::Encrypted))
            }
            ContentType::HEARTBEAT => Ok(None),
            other => Err(Error::UnexpectedContentType {
                content_type: other,
            }),
        }
    }

    fn on_message(&mut self, message: HandshakeMessage) -> Result<Option<FlightEnd>, Error> {
        let HandshakeMessage { msg_type, body } = message;
        self.flight.message_types.push(msg_type);
        let unexpected = |what| Err(Error::UnexpectedMessage { msg_type, what });
        let Some(server_hello) = &self.flight.server_hello else {
            return match msg_type {
                HandshakeType::HELLO_REQUEST => Ok(None),
                HandshakeType::SERVER_HELLO => {
                    let sh = ServerHello::read(&body)?;
                    let hrr = sh.is_hello_retry_request();
                    self.flight.server_hello = Some(sh);
                    Ok(hrr.then_some(FlightEnd::HelloRetryRequest))
                }
                _ => unexpected("before ServerHello"),
            };
        };
        match msg_type {
            HandshakeType::SERVER_HELLO => unexpected("second ServerHello"),
            HandshakeType::CERTIFICATE if self.flight.certificate.is_some() => {
                unexpected("second Certificate")
            }
            HandshakeType::CERTIFICATE => {
                self.flight.certificate = Some(Certificate::read(&body)?);
                Ok(None)
            }
            HandshakeType::CERTIFICATE_STATUS => {
                self.flight.certificate_status = Some(CertificateStatus::read(&body)?);
                Ok(None)
            }
            HandshakeType::SERVER_KEY_EXCHANGE => {
                let kind = self
                    .kex_kind
                    .or_else(|| KeyExchangeKind::for_cipher_suite(server_hello.cipher_suite));
                if let Some(kind) = kind {
                    self.flight.server_key_exchange = Some(ServerKeyExchange::read(&body, kind)?);
                }
                self.flight.server_key_exchange_raw = Some(body);
                Ok(None)
            }
            HandshakeType::CERTIFICATE_REQUEST => {
                self.flight.certificate_request = Some(CertificateRequest::read(&body)?);
                Ok(None)
            }
            HandshakeType::SERVER_HELLO_DONE => {
                ServerHelloDone::read(&body)?;
                self.flight.server_hello_done = true;
                Ok(Some(FlightEnd::ServerHelloDone))
            }
            _ => Ok(None),
        }
    }
}

/// Decides from the first bytes whether the peer answers in TLS or SSLv2;
/// `None` if more bytes are needed, [`Error::NotTls`] if neither.
fn sniff(buf: &[u8]) -> Result<Option<Mode>, Error> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    if first & 0x80 != 0 {
        // An SSLv2 record with a 2-byte header: SERVER-HELLO or ERROR.
        let [_, second, msg_type, ..] = *buf else {
            return Ok(None);
        };
        let len = usize::from(first & 0x7F) << 8 | usize::from(second);
        return match msg_type {
            4 if len >= 11 => Ok(Some(Mode::Sslv2)),
            0 if len == 3 => Ok(Some(Mode::Sslv2)),
            _ => Err(Error::NotTls),
        };
    }
    if !(ContentType::CHANGE_CIPHER_SPEC..=ContentType::HEARTBEAT).contains(&ContentType(first)) {
        return Err(Error::NotTls);
    }
    match buf.get(1) {
        None => Ok(None),
        Some(3) => Ok(Some(Mode::Tls)),
        Some(_) => Err(Error::NotTls),
    }
}
