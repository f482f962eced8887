//! One raw probe = one TCP connection: connect, write a hello, read the
//! server's plaintext flight through the codec's [`FlightParser`], close.
//! Probes that talk on after that flight (the vulnerability probes) keep the
//! connection as a [`Session`] from [`Link::open`], under the same permit and
//! deadlines.
//!
//! Every step has a deadline (connect, first byte, the whole probe, and the
//! scan's total), every connection holds a permit of the endpoint's semaphore
//! (the `--max-connections` cap), and every way a server can misbehave ends as
//! a [`Fail`] with a stable code, never as a hang or a panic.
//!
//! A server that closes or resets the connection without a byte is reported as
//! a [`Reply::Refused`], because that is how many servers (IIS, some load
//! balancers) decline a version or a suite; the endpoint scan turns those into
//! errors when the server never completed a single hello (see
//! [`Stats::any_hello`]).

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;

use super::fail::{Fail, FailCode};
use super::limiter::Limiter;
use crate::codec::{
    self, Alert, FlightEnd, FlightParser, FlightStatus, Record, RecordReader, ServerFlight,
};

/// Deadlines of one endpoint scan.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// TCP connect.
    pub connect: Duration,
    /// From the hello written to the first byte of the answer.
    pub first_byte: Duration,
    /// One whole probe.
    pub probe: Duration,
    /// The end of the whole scan.
    pub deadline: Instant,
}

/// Why a server declined a hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A fatal (or any) alert before a ServerHello.
    Alert(Alert),
    /// The connection was closed without a byte.
    Closed,
    /// The connection was reset without a byte.
    Reset,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Alert(a) => match a.description_name() {
                Some(name) => write!(f, "alert {name}"),
                None => write!(f, "alert {}", a.description.0),
            },
            Refusal::Closed => f.write_str("connection closed"),
            Refusal::Reset => f.write_str("connection reset"),
        }
    }
}

/// The answer to one hello.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The server answered with a (Server)Hello; `broken` says why the
    /// flight did not end normally (stall, close, oversize…), if it did not.
    Hello {
        /// What was parsed.
        flight: Box<ServerFlight>,
        /// Why the rest of the flight is missing.
        broken: Option<Fail>,
    },
    /// The server declined.
    Refused(Refusal),
}

/// Counters over all probes of an endpoint.
#[derive(Debug, Default)]
pub struct Stats {
    /// Connections opened.
    pub connections: AtomicUsize,
    /// Replies that carried a ServerHello (or SSLv2 SERVER-HELLO).
    pub hellos: AtomicUsize,
    /// Refusals by close or reset without any byte.
    pub silent_refusals: AtomicUsize,
    /// Successful TCP connects.
    pub connected: AtomicUsize,
}

impl Stats {
    /// Whether the server completed at least one hello.
    pub fn any_hello(&self) -> bool {
        self.hellos.load(Ordering::Relaxed) > 0
    }
}

/// Connects to one endpoint under its connection cap and deadlines.
#[derive(Debug, Clone)]
pub struct Link {
    /// The checked address.
    pub addr: SocketAddr,
    /// The connection cap (of the whole target).
    pub limiter: Limiter,
    /// Deadlines.
    pub limits: Limits,
    /// Counters.
    pub stats: Arc<Stats>,
}

fn remaining(deadline: Instant) -> Result<Duration, Fail> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Fail::new(FailCode::Deadline, "the scan's time limit was reached"))
}

fn io_fail(e: &std::io::Error, what: &str) -> Fail {
    match e.kind() {
        ErrorKind::ConnectionRefused => {
            Fail::new(FailCode::Refused, format!("{what}: connection refused"))
        }
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            Fail::new(FailCode::Reset, format!("{what}: connection reset by peer"))
        }
        ErrorKind::TimedOut => Fail::new(FailCode::Timeout, format!("{what}: timed out")),
        _ => Fail::new(FailCode::Io, format!("{what}: {e}")),
    }
}

fn codec_fail(e: &codec::Error) -> Fail {
    match e {
        codec::Error::NotTls => Fail::new(FailCode::Garbage, "the server's answer is not TLS"),
        codec::Error::RecordTooLarge { .. }
        | codec::Error::MessageTooLarge { .. }
        | codec::Error::FlightTooLarge { .. } => Fail::new(FailCode::TooLarge, e.to_string()),
        _ => Fail::new(FailCode::Malformed, format!("malformed server answer: {e}")),
    }
}

impl Link {
    /// Opens a TCP connection within the connect and total deadlines. The
    /// caller must hold a permit.
    pub async fn connect(&self) -> Result<TcpStream, Fail> {
        let budget = remaining(self.limits.deadline)?.min(self.limits.connect);
        self.stats.connections.fetch_add(1, Ordering::Relaxed);
        let stream = match tokio::time::timeout(budget, TcpStream::connect(self.addr)).await {
            Err(_) => return Err(Fail::new(FailCode::Timeout, "connect timed out")),
            Ok(Err(e)) => return Err(io_fail(&e, "connect")),
            Ok(Ok(s)) => s,
        };
        self.stats.connected.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }

    /// Sends `hello` (the bytes of one or more records) and reads the flight.
    /// A reset without any byte is retried once.
    pub async fn exchange(&self, hello: &[u8], parser: FlightParser) -> Result<Reply, Fail> {
        let first = self.exchange_once(hello, parser.clone()).await;
        match first {
            Ok(Reply::Refused(Refusal::Reset)) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                self.exchange_once(hello, parser).await
            }
            other => other,
        }
    }

    async fn exchange_once(&self, hello: &[u8], parser: FlightParser) -> Result<Reply, Fail> {
        self.open(hello, parser).await.map(|(reply, _)| reply)
    }

    /// Like [`Self::exchange`] (without the retry), but keeps the connection
    /// open when the flight ended normally, for probes that talk on after
    /// the server's first flight (the vulnerability probes). The [`Session`]
    /// holds the connection's permit and the probe's deadline.
    pub async fn open(
        &self,
        hello: &[u8],
        mut parser: FlightParser,
    ) -> Result<(Reply, Option<Session>), Fail> {
        let permit = self.limiter.permit().await?;
        let start = Instant::now();
        let probe_deadline = (start + self.limits.probe).min(self.limits.deadline);
        let mut stream = self.connect().await?;
        let connected = Instant::now();
        let write_budget = remaining(probe_deadline)?;
        match tokio::time::timeout(write_budget, stream.write_all(hello)).await {
            Err(_) => return Err(Fail::new(FailCode::Timeout, "writing the hello timed out")),
            Ok(Err(e)) => {
                let fail = io_fail(&e, "write");
                return if fail.code == FailCode::Reset {
                    self.stats.silent_refusals.fetch_add(1, Ordering::Relaxed);
                    Ok((Reply::Refused(Refusal::Reset), None))
                } else {
                    Err(fail)
                };
            }
            Ok(Ok(())) => {}
        }
        let mut buf = vec![0u8; 16 * 1024];
        let mut received = 0usize;
        loop {
            let budget = remaining(probe_deadline)?;
            let budget = if received == 0 {
                budget.min(self.limits.first_byte)
            } else {
                budget
            };
            let read = tokio::time::timeout(budget, stream.read(&mut buf)).await;
            let n = match read {
                Err(_) if received == 0 => {
                    return Err(Fail::new(
                        FailCode::Timeout,
                        "no answer to the hello (first-byte timeout)",
                    ))
                }
                Err(_) => {
                    return self
                        .partial_or(
                            parser,
                            Fail::new(FailCode::Timeout, "the server stalled mid-flight"),
                        )
                        .map(|r| (r, None))
                }
                Ok(Ok(0)) if received == 0 => {
                    self.stats.silent_refusals.fetch_add(1, Ordering::Relaxed);
                    return Ok((Reply::Refused(Refusal::Closed), None));
                }
                Ok(Ok(0)) => {
                    return self
                        .partial_or(
                            parser,
                            Fail::new(
                                FailCode::Closed,
                                "the server closed the connection mid-flight",
                            ),
                        )
                        .map(|r| (r, None))
                }
                Ok(Err(e)) => {
                    let fail = io_fail(&e, "read");
                    if received == 0 && fail.code == FailCode::Reset {
                        self.stats.silent_refusals.fetch_add(1, Ordering::Relaxed);
                        return Ok((Reply::Refused(Refusal::Reset), None));
                    }
                    return self.partial_or(parser, fail).map(|r| (r, None));
                }
                Ok(Ok(n)) => n,
            };
            received = received.saturating_add(n);
            match parser.push(buf.get(..n).unwrap_or_default()) {
                Ok(FlightStatus::Incomplete) => {}
                Ok(FlightStatus::Done(end)) => {
                    let mut reader = RecordReader::new();
                    reader.push(parser.remaining());
                    let session = Session {
                        stream,
                        _permit: permit,
                        deadline: probe_deadline,
                        reader,
                        connected,
                    };
                    return Ok((self.finish(parser.into_flight(), end), Some(session)));
                }
                Err(e) => return self.partial_or(parser, codec_fail(&e)).map(|r| (r, None)),
            }
        }
    }

    /// A bare connection under a permit of the cap, for probes that drive the
    /// whole exchange themselves (the full handshakes of
    /// [`super::tls12`]); nothing is sent yet.
    pub async fn session(&self) -> Result<Session, Fail> {
        let permit = self.limiter.permit().await?;
        let deadline = (Instant::now() + self.limits.probe).min(self.limits.deadline);
        let stream = self.connect().await?;
        Ok(Session {
            stream,
            _permit: permit,
            deadline,
            reader: RecordReader::new(),
            connected: Instant::now(),
        })
    }

    /// When the flight broke off after a ServerHello, what was parsed is still
    /// an answer (enough to know the version and suite); otherwise `fail`.
    fn partial_or(&self, parser: FlightParser, fail: Fail) -> Result<Reply, Fail> {
        let flight = parser.into_flight();
        if flight.server_hello.is_some() {
            self.stats.hellos.fetch_add(1, Ordering::Relaxed);
            Ok(Reply::Hello {
                flight: Box::new(flight),
                broken: Some(fail),
            })
        } else {
            Err(fail)
        }
    }

    fn finish(&self, flight: ServerFlight, end: FlightEnd) -> Reply {
        let refused = match end {
            FlightEnd::Alert if flight.server_hello.is_none() => flight.alert.map(Refusal::Alert),
            FlightEnd::Sslv2 => match &flight.sslv2 {
                Some(codec::Sslv2ServerMessage::ServerHello(_)) => None,
                _ => Some(Refusal::Closed),
            },
            _ => None,
        };
        match refused {
            Some(r) => Reply::Refused(r),
            None => {
                self.stats.hellos.fetch_add(1, Ordering::Relaxed);
                Reply::Hello {
                    flight: Box::new(flight),
                    broken: None,
                }
            }
        }
    }
}

/// What the next read of a [`Session`] gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A complete record.
    Record(Record),
    /// The server closed the connection.
    Closed,
    /// The server reset the connection.
    Reset,
    /// Nothing within the wait.
    Silent,
}

impl Next {
    /// The answer in a few words, for evidence lines: `alert
    /// bad_record_mac`, `a handshake record`, `connection closed`,
    /// `silence`. Equal answers describe equally (ROBOT compares them).
    pub fn describe(&self) -> String {
        match self {
            Next::Record(r) if r.content_type == codec::ContentType::ALERT => {
                match Alert::read(&r.payload) {
                    Ok(a) => match a.description_name() {
                        Some(name) => format!("alert {name}"),
                        None => format!("alert {}", a.description.0),
                    },
                    // Encrypted, or malformed: only its length says anything.
                    Err(_) => format!("an alert record of {} bytes", r.payload.len()),
                }
            }
            Next::Record(r) => {
                let kind = match r.content_type {
                    codec::ContentType::HANDSHAKE => "handshake".to_owned(),
                    codec::ContentType::APPLICATION_DATA => "application data".to_owned(),
                    codec::ContentType::CHANGE_CIPHER_SPEC => "ChangeCipherSpec".to_owned(),
                    codec::ContentType::HEARTBEAT => "heartbeat".to_owned(),
                    other => format!("type {}", other.0),
                };
                format!("a {kind} record")
            }
            Next::Closed => "connection closed".to_owned(),
            Next::Reset => "connection reset".to_owned(),
            Next::Silent => "silence".to_owned(),
        }
    }
}

/// A connection kept open after the server's first flight (see
/// [`Link::open`]): its permit of the connection cap is held until it is
/// dropped, and every read and write ends by the probe's deadline.
#[derive(Debug)]
pub struct Session {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    deadline: Instant,
    reader: RecordReader,
    connected: Instant,
}

impl Session {
    /// Writes `bytes`. A reset is a `reset` [`Fail`].
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        let budget = remaining(self.deadline)?;
        match tokio::time::timeout(budget, self.stream.write_all(bytes)).await {
            Err(_) => Err(Fail::new(FailCode::Timeout, "writing timed out")),
            Ok(Err(e)) => Err(io_fail(&e, "write")),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// When the probe's time is up.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// How long ago the TCP connection was made: after a hello, the
    /// server's round trip for it, without the wait for a permit of the cap
    /// or the connect.
    pub fn since_connected(&self) -> Duration {
        self.connected.elapsed()
    }

    /// The next record, waiting at most `wait` (and never past the probe's
    /// deadline): [`Next::Silent`] when nothing complete came in time.
    /// A record too large or bytes that are not records are a [`Fail`].
    pub async fn next(&mut self, wait: Duration) -> Result<Next, Fail> {
        let until = (Instant::now() + wait).min(self.deadline);
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            if let Some(record) = self.reader.next_record().map_err(|e| codec_fail(&e))? {
                return Ok(Next::Record(record));
            }
            let Some(budget) = until
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
            else {
                return Ok(Next::Silent);
            };
            match tokio::time::timeout(budget, self.stream.read(&mut buf)).await {
                Err(_) => return Ok(Next::Silent),
                Ok(Ok(0)) => return Ok(Next::Closed),
                Ok(Err(e)) => {
                    let fail = io_fail(&e, "read");
                    return if fail.code == FailCode::Reset {
                        Ok(Next::Reset)
                    } else {
                        Err(fail)
                    };
                }
                Ok(Ok(n)) => self.reader.push(buf.get(..n).unwrap_or_default()),
            }
        }
    }
}
