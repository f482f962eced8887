//! One simulated client on one connection (docs/clients.md, "relay stage",
//! step 2): send its hello, read what the server chose — answering a
//! HelloRetryRequest as the client would — and, for TLS 1.3, derive the
//! handshake keys from the client's own share and read EncryptedExtensions
//! and Certificate. Then hang up; the handshake is never finished.
//!
//! Only what was seen is recorded ([`Seen`]); no client rule is applied here.
//! A connection that could not be made at all is the probe's failure (the
//! caller logs it and leaves the client out); everything after the connect
//! is the server's behaviour and ends up in [`Seen::error`].

use std::time::{Duration, Instant};

use tlslens_core::clients::ClientProfile;
use tlslens_core::facts::{HandshakeError, HandshakeErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::kx::{Secret, Source};
use super::prepare::{self, Hello};
use super::tls13;
use crate::codec::{
    Alert, CertificateStatus, CertificateTls13, CipherSuite, ClientHello, ContentType,
    ExtensionType, FlightEnd, FlightParser, FlightStatus, HandshakeReassembler, HandshakeType,
    NamedGroup, ProtocolVersion, RecordReader, ServerFlight, ServerHello, Sslv2ServerMessage,
};
use crate::probe::fail::{Fail, FailCode};
use crate::probe::prober::Prober;

/// What the server did with one client's hello.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// The version it chose.
    pub protocol: Option<ProtocolVersion>,
    /// The suite it chose.
    pub cipher_suite: Option<CipherSuite>,
    /// The (EC)DHE group.
    pub group: Option<NamedGroup>,
    /// The DH prime size.
    pub dh_bits: Option<u32>,
    /// The certificates it sent, as sent; `None` when not seen.
    pub certificates: Option<Vec<Vec<u8>>>,
    /// The stapled OCSP response.
    pub ocsp: Option<Vec<u8>>,
    /// How it ended, when the server did not carry on.
    pub error: Option<HandshakeError>,
    /// Why a TLS 1.3 certificate could not be read although the server
    /// carried on (a recorded key share, a CCM suite, compression…).
    pub unread: Option<String>,
}

/// Runs one client's exchange under a bulk permit of the connection cap
/// ([`crate::probe::limiter`]): its hello (fresh keys from `src`) is made
/// once the permit is held, so the simulation's key generation is spread
/// over its connections instead of holding up the other stages at its
/// start. `Err` only when no hello or no connection could be made.
pub async fn run(p: &Prober<'_>, client: &ClientProfile, src: Source<'_>) -> Result<Seen, Fail> {
    // Bulk: the simulation's connections are independent of each other
    // and must not hold up the probes that are chains of steps.
    let _permit = p.link.limiter.bulk_permit().await?;
    let prepared =
        prepare::prepare(client, p.sni, src).map_err(|e| Fail::new(FailCode::Encode, e))?;
    let limits = p.link.limits;
    let deadline = (Instant::now() + limits.probe).min(limits.deadline);
    let stream = p.link.connect().await?;
    let mut wire = Wire {
        stream,
        deadline,
        first_byte: limits.first_byte,
        waiting: true,
    };
    Ok(match prepared.hello {
        Hello::Sslv2 => sslv2(&mut wire, &prepared.records).await,
        Hello::Tls {
            hello,
            message,
            secrets,
        } => {
            let state = Tls {
                hello,
                transcript: vec![message],
                secrets,
                retried: false,
                seen: Seen::default(),
            };
            state.run(&mut wire, &prepared.records, src, p).await
        }
    })
}

/// How reading stopped without the answer expected.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stop {
    Closed,
    Reset,
    Timeout,
    Invalid(String),
}

impl Stop {
    fn error(self) -> HandshakeError {
        let (kind, message) = match self {
            Stop::Closed => (HandshakeErrorKind::Closed, String::new()),
            Stop::Reset => (HandshakeErrorKind::Reset, String::new()),
            Stop::Timeout => (HandshakeErrorKind::Timeout, String::new()),
            Stop::Invalid(m) => (HandshakeErrorKind::Invalid, m),
        };
        HandshakeError {
            kind,
            alert: None,
            message,
        }
    }
}

fn alert_error(alert: Option<Alert>) -> HandshakeError {
    HandshakeError {
        kind: HandshakeErrorKind::Alert,
        alert: alert.map(|a| a.description.0),
        message: String::new(),
    }
}

fn invalid(message: impl Into<String>) -> HandshakeError {
    Stop::Invalid(message.into()).error()
}

/// The connection, with the probe's deadlines.
struct Wire {
    stream: TcpStream,
    deadline: Instant,
    first_byte: Duration,
    /// Nothing received since the last write: the first-byte limit applies.
    waiting: bool,
}

impl Wire {
    fn budget(&self) -> Option<Duration> {
        let left = self
            .deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())?;
        Some(if self.waiting {
            left.min(self.first_byte)
        } else {
            left
        })
    }

    async fn send(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        let budget = self.budget().ok_or(Stop::Timeout)?;
        self.waiting = true;
        match tokio::time::timeout(budget, self.stream.write_all(bytes)).await {
            Err(_) => Err(Stop::Timeout),
            Ok(Err(e)) => Err(io_stop(&e)),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// The next bytes the server sends.
    async fn recv(&mut self) -> Result<Vec<u8>, Stop> {
        let budget = self.budget().ok_or(Stop::Timeout)?;
        let mut buf = vec![0u8; 16 * 1024];
        match tokio::time::timeout(budget, self.stream.read(&mut buf)).await {
            Err(_) => Err(Stop::Timeout),
            Ok(Ok(0)) => Err(Stop::Closed),
            Ok(Err(e)) => Err(io_stop(&e)),
            Ok(Ok(n)) => {
                self.waiting = false;
                buf.truncate(n);
                Ok(buf)
            }
        }
    }
}

fn io_stop(e: &std::io::Error) -> Stop {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            Stop::Reset
        }
        ErrorKind::TimedOut => Stop::Timeout,
        _ => Stop::Invalid(format!("read: {e}")),
    }
}

/// A server flight as far as it is plaintext, and how it ended.
struct Flight {
    flight: ServerFlight,
    end: Result<FlightEnd, Stop>,
    /// Bytes after the record that ended the flight.
    rest: Vec<u8>,
}

/// Reads a flight, starting with `pending` (bytes already received). With
/// `skip_ccs`, ChangeCipherSpec records before the first other record are
/// dropped (the middlebox-compatibility CCS after a HelloRetryRequest).
async fn read_flight(wire: &mut Wire, mut pending: Vec<u8>, mut skip_ccs: bool) -> Flight {
    let mut parser = FlightParser::new();
    loop {
        if skip_ccs {
            if let Some(done) = strip_ccs(&mut pending) {
                skip_ccs = !done;
            }
        }
        if !skip_ccs && !pending.is_empty() {
            match parser.push(&pending) {
                Ok(FlightStatus::Done(end)) => {
                    let rest = parser.remaining().to_vec();
                    return Flight {
                        flight: parser.into_flight(),
                        end: Ok(end),
                        rest,
                    };
                }
                Ok(FlightStatus::Incomplete) => {}
                Err(e) => {
                    return Flight {
                        flight: parser.into_flight(),
                        end: Err(Stop::Invalid(format!("malformed answer: {e}"))),
                        rest: Vec::new(),
                    }
                }
            }
            pending.clear();
        }
        match wire.recv().await {
            Ok(bytes) => pending.extend(bytes),
            Err(stop) => {
                return Flight {
                    flight: parser.into_flight(),
                    end: Err(stop),
                    rest: Vec::new(),
                }
            }
        }
    }
}

/// Drops complete ChangeCipherSpec records at the start of `buf`: `Some(true)`
/// once something else starts it, `Some(false)` while it is empty or all
/// CCS, `None` when a CCS record is still incomplete.
fn strip_ccs(buf: &mut Vec<u8>) -> Option<bool> {
    loop {
        match buf.first() {
            None => return Some(false),
            Some(&t) if t != ContentType::CHANGE_CIPHER_SPEC.0 => return Some(true),
            Some(_) => {
                let &[_, _, _, hi, lo, ..] = buf.as_slice() else {
                    return None;
                };
                let end = 5 + (usize::from(hi) << 8 | usize::from(lo));
                if buf.len() < end {
                    return None;
                }
                buf.drain(..end);
            }
        }
    }
}

/// An SSLv2-format hello: what came back (an SSLv2 SERVER-HELLO, or a
/// TLS/SSLv3 ServerHello for the SSLv2-compatible hellos of old clients).
async fn sslv2(wire: &mut Wire, records: &[u8]) -> Seen {
    let mut seen = Seen::default();
    if let Err(stop) = wire.send(records).await {
        seen.error = Some(stop.error());
        return seen;
    }
    let read = read_flight(wire, Vec::new(), false).await;
    if let Some(sh) = &read.flight.server_hello {
        plaintext_choice(&mut seen, sh, &read.flight);
    }
    match (&read.flight.sslv2, read.end) {
        (Some(Sslv2ServerMessage::ServerHello(v2)), _) => {
            seen.protocol = Some(ProtocolVersion::SSLV2);
            if !v2.certificate.is_empty() {
                seen.certificates = Some(vec![v2.certificate.clone()]);
            }
        }
        (Some(_), _) => seen.error = Some(invalid("SSLv2 ERROR message")),
        (None, Ok(FlightEnd::Alert)) => seen.error = Some(alert_error(read.flight.alert)),
        (None, Ok(_)) => {}
        (None, Err(stop)) => seen.error = Some(stop.error()),
    }
    seen
}

/// What a TLS ≤ 1.2 (or SSLv3) flight shows: version, suite, the
/// ServerKeyExchange's group or DH prime, the chain and its staple.
fn plaintext_choice(seen: &mut Seen, sh: &ServerHello, flight: &ServerFlight) {
    seen.protocol = Some(sh.negotiated_version());
    seen.cipher_suite = Some(sh.cipher_suite);
    if let Some(ske) = &flight.server_key_exchange {
        seen.group = ske.named_group();
        seen.dh_bits = ske
            .dh_prime_bits()
            .map(|b| u32::try_from(b).unwrap_or(u32::MAX));
    }
    if let Some(c) = flight
        .certificate
        .as_ref()
        .filter(|c| !c.certificates.is_empty())
    {
        seen.certificates = Some(c.certificates.clone());
    }
    seen.ocsp = flight
        .certificate_status
        .as_ref()
        .filter(|s| !s.response.is_empty())
        .map(|s| s.response.clone());
}

/// A TLS hello's exchange.
struct Tls {
    hello: ClientHello,
    transcript: Vec<Vec<u8>>,
    secrets: Vec<(NamedGroup, Secret)>,
    retried: bool,
    seen: Seen,
}

impl Tls {
    async fn run(
        mut self,
        wire: &mut Wire,
        records: &[u8],
        src: Source<'_>,
        p: &Prober<'_>,
    ) -> Seen {
        if let Err(stop) = wire.send(records).await {
            self.seen.error = Some(stop.error());
            return self.seen;
        }
        let mut read = read_flight(wire, Vec::new(), false).await;
        if read.end == Ok(FlightEnd::HelloRetryRequest) {
            match self.retry(wire, &read, src).await {
                Ok(next) => read = next,
                Err(()) => return self.seen,
            }
        }
        let Some(sh) = read.flight.server_hello.clone() else {
            self.seen.error = Some(match read.end {
                Ok(FlightEnd::Alert) => alert_error(read.flight.alert),
                Ok(_) => invalid("no ServerHello"),
                Err(stop) => stop.error(),
            });
            return self.seen;
        };
        p.observe(&read.flight);
        if !sh.is_tls13() {
            plaintext_choice(&mut self.seen, &sh, &read.flight);
            self.seen.error = match read.end {
                Ok(FlightEnd::Alert) => Some(alert_error(read.flight.alert)),
                Ok(FlightEnd::HelloRetryRequest) => {
                    Some(invalid("HelloRetryRequest below TLS 1.3"))
                }
                Ok(_) => None,
                Err(stop) => Some(stop.error()),
            };
            return self.seen;
        }
        self.seen.protocol = Some(ProtocolVersion::TLS13);
        self.seen.cipher_suite = Some(sh.cipher_suite);
        self.seen.group = sh.key_share_group();
        self.seen.dh_bits = self.seen.group.and_then(ffdhe_bits);
        match read.end {
            Ok(FlightEnd::Encrypted) => self.certificate(wire, &sh, read.rest).await,
            Ok(FlightEnd::Alert) => self.seen.error = Some(alert_error(read.flight.alert)),
            Ok(FlightEnd::HelloRetryRequest) => {
                self.seen.error = Some(invalid("a second HelloRetryRequest"));
            }
            Ok(_) => self.seen.error = Some(invalid("TLS 1.3 ServerHello followed by plaintext")),
            Err(stop) => self.seen.error = Some(stop.error()),
        }
        self.seen
    }

    /// Answers a HelloRetryRequest as the client would: abort when it asks
    /// for a group the client did not offer (or already sent a share of),
    /// else send the second ClientHello and read the next flight. `Err`
    /// when the exchange ends here (recorded in `seen`).
    async fn retry(
        &mut self,
        wire: &mut Wire,
        read: &Flight,
        src: Source<'_>,
    ) -> Result<Flight, ()> {
        let Some(hrr) = read.flight.server_hello.as_ref() else {
            return Err(());
        };
        self.seen.protocol = Some(hrr.negotiated_version());
        self.seen.cipher_suite = Some(hrr.cipher_suite);
        let asked = hrr.hello_retry_group();
        self.seen.group = asked;
        let (groups, shares) = prepare::offered_groups(&self.hello);
        let (second, secrets) = match asked {
            Some(g) if !groups.contains(&g) => {
                self.seen.error = Some(invalid(format!(
                    "the HelloRetryRequest asks for group {g}, which the client did not offer"
                )));
                return Err(());
            }
            Some(g) if shares.contains(&g) => {
                self.seen.error = Some(invalid(format!(
                    "the HelloRetryRequest asks for group {g}, of which the client sent a share"
                )));
                return Err(());
            }
            Some(g) => match prepare::retry(&self.hello, g, hrr.cookie(), src) {
                Some((h, Some(secret))) => (h, vec![(g, secret)]),
                Some((h, None)) => (h, Vec::new()),
                None => {
                    self.seen.unread = Some(format!(
                        "the server asked for a share of group {g}, which the relay cannot make"
                    ));
                    return Err(());
                }
            },
            // A cookie only: the same shares again.
            None => match prepare::retry_same_shares(&self.hello, hrr.cookie()) {
                Some(h) => (h, std::mem::take(&mut self.secrets)),
                None => return Err(()),
            },
        };
        let encoded = hrr
            .to_message()
            .and_then(|m| m.encode())
            .and_then(|hrr_msg| {
                Ok((
                    hrr_msg,
                    second.to_message()?.encode()?,
                    second.encode_records()?,
                ))
            });
        let Ok((hrr_msg, ch2_msg, ch2_records)) = encoded else {
            self.seen.unread = Some("the second ClientHello could not be encoded".into());
            return Err(());
        };
        self.transcript.push(hrr_msg);
        self.transcript.push(ch2_msg);
        self.hello = second;
        self.secrets = secrets;
        self.retried = true;
        if let Err(stop) = wire.send(&ch2_records).await {
            self.seen.error = Some(stop.error());
            return Err(());
        }
        Ok(read_flight(wire, read.rest.clone(), true).await)
    }

    /// Reads the encrypted flight up to the Certificate.
    async fn certificate(&mut self, wire: &mut Wire, sh: &ServerHello, rest: Vec<u8>) {
        let Some(mut decrypter) = self.decrypter(sh) else {
            return;
        };
        let mut reader = RecordReader::new();
        reader.push(&rest);
        let mut hs = HandshakeReassembler::new();
        loop {
            let record = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => match wire.recv().await {
                    Ok(bytes) => {
                        reader.push(&bytes);
                        continue;
                    }
                    Err(stop) => {
                        self.seen.error = Some(stop.error());
                        return;
                    }
                },
                Err(e) => {
                    self.seen.error = Some(invalid(format!("malformed record: {e}")));
                    return;
                }
            };
            let (content_type, plain) = match record.content_type {
                ContentType::CHANGE_CIPHER_SPEC => continue,
                ContentType::ALERT => (ContentType::ALERT.0, record.payload),
                ContentType::APPLICATION_DATA => {
                    let Ok(header) = record.header() else { return };
                    match decrypter.open(header.encode(), &record.payload) {
                        Some(opened) => opened,
                        None => {
                            self.seen.unread =
                                Some("the server's first encrypted record did not decrypt".into());
                            return;
                        }
                    }
                }
                other => {
                    self.seen.error = Some(invalid(format!(
                        "record of type {} after ServerHello",
                        other.0
                    )));
                    return;
                }
            };
            match ContentType(content_type) {
                ContentType::HANDSHAKE => {
                    hs.push(&plain);
                    if self.messages(&mut hs) {
                        return;
                    }
                }
                ContentType::ALERT => {
                    let description = plain.get(1).copied();
                    self.seen.error = Some(HandshakeError {
                        kind: HandshakeErrorKind::Alert,
                        alert: description,
                        message: String::new(),
                    });
                    return;
                }
                _ => {
                    self.seen.error = Some(invalid("unexpected encrypted content"));
                    return;
                }
            }
        }
    }

    /// The decrypter of the server's handshake records; `None` (with
    /// `unread` or `error` set) when there is none.
    fn decrypter(&mut self, sh: &ServerHello) -> Option<tls13::Decrypter> {
        let Some(suite) = tls13::Suite::of(sh.cipher_suite) else {
            self.seen.unread = Some(format!(
                "the relay has no AEAD for suite 0x{:04X}",
                sh.cipher_suite.0
            ));
            return None;
        };
        let Some(share) = sh.key_share() else {
            self.seen.error = Some(invalid("TLS 1.3 ServerHello without a key share"));
            return None;
        };
        let Some(at) = self.secrets.iter().position(|(g, _)| *g == share.group) else {
            let (_, shares) = prepare::offered_groups(&self.hello);
            if shares.contains(&share.group) {
                self.seen.unread = Some(format!(
                    "the client's {} share was sent as recorded (the relay cannot make one)",
                    share.group
                ));
            } else {
                self.seen.error = Some(invalid(format!(
                    "the server answered with a {} share the client never sent",
                    share.group
                )));
            }
            return None;
        };
        let (_, secret) = self.secrets.swap_remove(at);
        let Some(shared) = secret.agree(&share.key_exchange) else {
            self.seen.error = Some(invalid("the server's key share is invalid"));
            return None;
        };
        let Ok(sh_msg) = sh.to_message().and_then(|m| m.encode()) else {
            return None;
        };
        self.transcript.push(sh_msg);
        let hash = suite.transcript_hash(&self.transcript, self.retried);
        let d = suite.decrypter(&shared, &hash);
        if d.is_none() {
            self.seen.unread = Some("the handshake keys could not be derived".into());
        }
        d
    }

    /// Handles the decrypted handshake messages; `true` when done.
    fn messages(&mut self, hs: &mut HandshakeReassembler) -> bool {
        loop {
            let msg = match hs.next_message() {
                Ok(Some(m)) => m,
                Ok(None) => return false,
                Err(e) => {
                    self.seen.error = Some(invalid(format!("malformed handshake: {e}")));
                    return true;
                }
            };
            match msg.msg_type {
                HandshakeType::ENCRYPTED_EXTENSIONS | HandshakeType::CERTIFICATE_REQUEST => {}
                HandshakeType::CERTIFICATE => {
                    match CertificateTls13::read(&msg.body) {
                        Ok(c) => {
                            self.seen.ocsp = c
                                .entries
                                .first()
                                .and_then(|e| {
                                    e.extensions
                                        .iter()
                                        .find(|x| x.typ == ExtensionType::STATUS_REQUEST)
                                })
                                .and_then(|x| CertificateStatus::read(&x.data).ok())
                                .map(|s| s.response)
                                .filter(|r| !r.is_empty());
                            let certs: Vec<Vec<u8>> =
                                c.entries.into_iter().map(|e| e.cert_data).collect();
                            if !certs.is_empty() {
                                self.seen.certificates = Some(certs);
                            }
                        }
                        Err(e) => {
                            self.seen.error = Some(invalid(format!("malformed Certificate: {e}")))
                        }
                    }
                    return true;
                }
                HandshakeType::COMPRESSED_CERTIFICATE => {
                    self.seen.unread =
                        Some("the server compressed its certificate (RFC 8879)".into());
                    return true;
                }
                other => {
                    self.seen.error = Some(invalid(format!(
                        "handshake message {} before the Certificate",
                        other.0
                    )));
                    return true;
                }
            }
        }
    }
}

/// The prime size of an RFC 7919 group.
fn ffdhe_bits(group: NamedGroup) -> Option<u32> {
    match group.0 {
        0x0100 => Some(2048),
        0x0101 => Some(3072),
        0x0102 => Some(4096),
        0x0103 => Some(6144),
        0x0104 => Some(8192),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn change_cipher_spec_records_are_stripped_only_at_the_start() {
        let mut buf = vec![20, 3, 3, 0, 1, 1, 22, 3, 3, 0, 0];
        assert_eq!(strip_ccs(&mut buf), Some(true));
        assert_eq!(buf, vec![22, 3, 3, 0, 0]);
        let mut partial = vec![20, 3, 3, 0];
        assert_eq!(strip_ccs(&mut partial), None);
        let mut only = vec![20, 3, 3, 0, 1, 1];
        assert_eq!(strip_ccs(&mut only), Some(false));
        assert!(only.is_empty());
    }

    #[test]
    fn ffdhe_groups_have_their_prime_sizes() {
        assert_eq!(ffdhe_bits(NamedGroup::FFDHE2048), Some(2048));
        assert_eq!(ffdhe_bits(NamedGroup::FFDHE8192), Some(8192));
        assert_eq!(ffdhe_bits(NamedGroup::X25519), None);
    }
}
