//! The probes' own TLS 1.0–1.2 client: one connection driven step by step,
//! so a probe can stop anywhere or send what no library would.
//!
//! * [`hello`] sends an [`Offer`] and reads the server's first flight
//!   ([`ServerFirst`]: ServerHello, Certificate, ServerKeyExchange, and the
//!   transcript of the raw messages), up to ServerHelloDone — or up to the
//!   ChangeCipherSpec of an abbreviated (resumed) handshake.
//! * [`finish`] completes a full handshake: the key exchange, the client's
//!   ChangeCipherSpec and Finished, then the server's NewSessionTicket,
//!   ChangeCipherSpec and Finished, whose `verify_data` is checked — so an
//!   [`Established`] connection proves the key schedule matched the
//!   server's.
//! * [`Established`] sends and reads protected records.
//!
//! Nothing is authenticated: certificates and ServerKeyExchange signatures
//! are not checked, and nothing secret is ever sent.

use std::time::Duration;

use super::kx;
use super::prf::{self, Side};
use super::protect::{OpenError, Padding, Protection};
use super::suite::{self, Kx, SuiteSpec};
use crate::codec::{
    encode_records, Alert, AlertDescription, AlertLevel, Certificate, CipherSuite, ClientExtension,
    ClientHello, ContentType, Finished, HandshakeMessage, HandshakeReassembler, HandshakeType,
    KeyExchangeKind, NewSessionTicket, Padding as HelloPadding, ProtocolVersion, Record,
    ServerHello, ServerKeyExchange, CHANGE_CIPHER_SPEC,
};
use crate::probe::conn::{Next, Session};
use crate::probe::fail::{Fail, FailCode};
use crate::probe::hello::SIG_ALGS_ALL;
use crate::probe::prober::Prober;

/// How long to wait for each flight of the server during a handshake.
const FLIGHT_WAIT: Duration = Duration::from_secs(5);

/// What a probe's hello offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// `client_version`.
    pub version: ProtocolVersion,
    /// The suites, in order (see [`suite::usable`]).
    pub suites: Vec<CipherSuite>,
    /// The session id.
    pub session_id: Vec<u8>,
    /// The `session_ticket` extension: empty to ask for a ticket, a ticket
    /// to resume; `None` leaves the extension out.
    pub ticket: Option<Vec<u8>>,
    /// The `renegotiation_info` extension (empty on an initial handshake);
    /// `None` leaves it out (a client without RFC 5746).
    pub renegotiation_info: Option<Vec<u8>>,
}

impl Offer {
    /// An initial hello at `v` offering `suites`, asking for a ticket, with
    /// RFC 5746.
    pub fn new(v: ProtocolVersion, suites: Vec<CipherSuite>) -> Self {
        Self {
            version: v,
            suites,
            session_id: Vec::new(),
            ticket: Some(Vec::new()),
            renegotiation_info: Some(Vec::new()),
        }
    }

    /// The ClientHello, with `sni` and `random`; `minimal` keeps SNI as its
    /// only extension (the renegotiation SCSV stands for RFC 5746), for
    /// servers that drop hellos with extensions.
    pub fn client_hello(&self, sni: Option<&str>, random: [u8; 32], minimal: bool) -> ClientHello {
        let mut suites = self.suites.clone();
        if minimal && self.renegotiation_info.as_ref().is_some_and(Vec::is_empty) {
            suites.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        }
        let mut hello = ClientHello::new(self.version, random)
            .with_session_id(self.session_id.clone())
            .with_cipher_suites(suites);
        if let Some(name) = sni {
            hello = hello.with_extension(ClientExtension::server_name(name));
        }
        if minimal {
            return hello;
        }
        hello = hello
            .with_extension(ClientExtension::SupportedGroups(kx::GROUPS.to_vec()))
            .with_extension(ClientExtension::EcPointFormats(vec![0]))
            .with_extension(ClientExtension::SignatureAlgorithms(SIG_ALGS_ALL.to_vec()));
        if let Some(r) = &self.renegotiation_info {
            hello = hello.with_extension(ClientExtension::RenegotiationInfo(r.clone()));
        }
        if let Some(t) = &self.ticket {
            hello = hello.with_extension(ClientExtension::SessionTicket(t.clone()));
        }
        hello.with_padding(HelloPadding::F5Workaround)
    }
}

/// The server's first flight.
#[derive(Debug, Clone)]
pub struct ServerFirst {
    /// Our random.
    pub client_random: [u8; 32],
    /// The ServerHello.
    pub hello: ServerHello,
    /// The certificates, leaf first (empty when none was sent).
    pub chain: Vec<Vec<u8>>,
    /// The ServerKeyExchange, for (EC)DHE suites.
    pub key_exchange: Option<ServerKeyExchange>,
    /// Every handshake message so far, as sent (ClientHello first).
    pub transcript: Vec<u8>,
    /// The server went to ChangeCipherSpec after its hello: it resumed.
    pub abbreviated: bool,
    /// The version negotiated.
    pub version: ProtocolVersion,
}

/// Why a handshake stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The server sent an alert (its description, e.g. `alert
    /// handshake_failure`).
    Alert(Alert),
    /// It closed the connection or stayed silent.
    Quiet(Next),
    /// The probe failed, or the server broke the protocol.
    Failed(Fail),
}

impl Stop {
    /// The stop in a few words.
    pub fn describe(&self) -> String {
        match self {
            Self::Alert(a) => match a.description_name() {
                Some(n) => format!("alert {n}"),
                None => format!("alert {}", a.description.0),
            },
            Self::Quiet(n) => n.describe(),
            Self::Failed(f) => f.message.clone(),
        }
    }

    /// The [`Fail`] to log: a failure as it is, an alert or silence as a
    /// refusal.
    pub fn as_fail(&self) -> Fail {
        match self {
            Self::Failed(f) => f.clone(),
            other => Fail::new(FailCode::Refused, other.describe()),
        }
    }

    fn violation(what: impl Into<String>) -> Self {
        Self::Failed(Fail::new(FailCode::ProtocolViolation, what))
    }
}

impl From<Fail> for Stop {
    fn from(f: Fail) -> Self {
        Self::Failed(f)
    }
}

/// Reads records until `done` says a handshake message completes the
/// flight; handshake messages are parsed from `hs` and appended to
/// `transcript`. Returns the messages and whether a ChangeCipherSpec came.
async fn read_messages(
    session: &mut Session,
    hs: &mut HandshakeReassembler,
    transcript: &mut Vec<u8>,
    done: impl Fn(HandshakeType) -> bool,
) -> Result<(Vec<HandshakeMessage>, bool), Stop> {
    let mut out = Vec::new();
    loop {
        while let Some(msg) = hs
            .next_message()
            .map_err(|e| Stop::violation(format!("malformed handshake: {e}")))?
        {
            if msg.msg_type == HandshakeType::HELLO_REQUEST {
                continue;
            }
            if let Ok(raw) = msg.encode() {
                transcript.extend_from_slice(&raw);
            }
            let last = done(msg.msg_type);
            out.push(msg);
            if last {
                return Ok((out, false));
            }
        }
        match session.next(FLIGHT_WAIT).await? {
            Next::Record(r) if r.content_type == ContentType::HANDSHAKE => hs.push(&r.payload),
            Next::Record(r) if r.content_type == ContentType::ALERT => {
                match Alert::read(&r.payload) {
                    // A warning (an SNI name the server does not know) is not
                    // the end; close_notify is.
                    Ok(a)
                        if a.level == AlertLevel::WARNING
                            && a.description != AlertDescription::CLOSE_NOTIFY => {}
                    _ => return Err(alert_of(&r.payload)),
                }
            }
            Next::Record(r) if r.content_type == ContentType::CHANGE_CIPHER_SPEC => {
                return Ok((out, true))
            }
            Next::Record(_) => {}
            other => return Err(Stop::Quiet(other)),
        }
    }
}

fn alert_of(payload: &[u8]) -> Stop {
    match Alert::read(payload) {
        Ok(a) => Stop::Alert(a),
        Err(_) => Stop::violation("a malformed alert"),
    }
}

/// Opens a connection, sends `offer` and reads the server's first flight.
pub async fn hello(p: &Prober<'_>, offer: &Offer) -> Result<(Session, ServerFirst), Stop> {
    let client_random: [u8; 32] = p.random();
    let ch = offer.client_hello(p.sni, client_random, p.minimal_hellos());
    let message = ch
        .to_message()
        .and_then(|m| m.encode())
        .map_err(|e| Fail::new(FailCode::Encode, e.to_string()))?;
    let bytes = ch
        .encode_records()
        .map_err(|e| Fail::new(FailCode::Encode, e.to_string()))?;
    let mut session = p.link.session().await?;
    session.send(&bytes).await?;
    let mut transcript = message;
    let mut hs = HandshakeReassembler::new();
    let (messages, ccs) = read_messages(&mut session, &mut hs, &mut transcript, |t| {
        t == HandshakeType::SERVER_HELLO_DONE
    })
    .await?;
    let mut first = None;
    let mut chain = Vec::new();
    let mut key_exchange = None;
    for m in &messages {
        match m.msg_type {
            HandshakeType::SERVER_HELLO => {
                first = Some(
                    ServerHello::read(&m.body)
                        .map_err(|e| Stop::violation(format!("bad ServerHello: {e}")))?,
                );
            }
            HandshakeType::CERTIFICATE => {
                chain = Certificate::read(&m.body)
                    .map_err(|e| Stop::violation(format!("bad Certificate: {e}")))?
                    .certificates;
            }
            HandshakeType::SERVER_KEY_EXCHANGE => {
                let suite = first.as_ref().map(|h| h.cipher_suite);
                if let Some(kind) = suite.and_then(KeyExchangeKind::for_cipher_suite) {
                    key_exchange = Some(
                        ServerKeyExchange::read(&m.body, kind)
                            .map_err(|e| Stop::violation(format!("bad ServerKeyExchange: {e}")))?,
                    );
                }
            }
            _ => {}
        }
    }
    let Some(server_hello) = first else {
        return Err(Stop::violation("no ServerHello"));
    };
    let version = server_hello.negotiated_version();
    if !offer.suites.contains(&server_hello.cipher_suite) {
        return Err(Stop::violation(format!(
            "the server chose suite 0x{:04X}, which was not offered",
            server_hello.cipher_suite.0
        )));
    }
    Ok((
        session,
        ServerFirst {
            client_random,
            hello: server_hello,
            chain,
            key_exchange,
            transcript,
            abbreviated: ccs,
            version,
        },
    ))
}

/// An established connection.
#[derive(Debug)]
pub struct Established {
    /// The connection.
    pub session: Session,
    /// The version.
    pub version: ProtocolVersion,
    /// The suite.
    pub spec: SuiteSpec,
    /// The ServerHello.
    pub server_hello: ServerHello,
    /// Our `verify_data` (renegotiation needs it).
    pub client_verify: Vec<u8>,
    /// The server's `verify_data`.
    pub server_verify: Vec<u8>,
    /// The NewSessionTicket's ticket, when the server sent one.
    pub ticket: Option<Vec<u8>>,
    write: Protection,
    read: Protection,
    random: [u8; 16],
}

/// What [`Established::receive`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A record that decrypted: its type and plaintext.
    Data(ContentType, Vec<u8>),
    /// A record that did not decrypt, by type.
    Undecryptable(ContentType),
    /// Closed, reset or silent.
    Quiet(Next),
}

impl Incoming {
    /// The answer in a few words (`alert bad_record_mac`, `42 bytes of
    /// application data`, `connection closed`).
    pub fn describe(&self) -> String {
        match self {
            Self::Data(ct, data) if *ct == ContentType::ALERT => alert_of(data).describe(),
            Self::Data(ct, data) if *ct == ContentType::APPLICATION_DATA => {
                format!("{} bytes of application data", data.len())
            }
            Self::Data(ct, _) if *ct == ContentType::HANDSHAKE => "a handshake message".to_owned(),
            Self::Data(ct, _) => format!("a record of type {}", ct.0),
            Self::Undecryptable(ct) => format!("an undecryptable record of type {}", ct.0),
            Self::Quiet(n) => n.describe(),
        }
    }
}

/// The key share for the server's flight.
fn key_share(first: &ServerFirst, spec: &SuiteSpec) -> Result<kx::KeyShare, Stop> {
    let share = match (spec.kx, &first.key_exchange) {
        (Kx::Rsa, _) => {
            let leaf = first
                .chain
                .first()
                .ok_or_else(|| Stop::violation("no certificate for RSA key exchange"))?;
            kx::rsa(leaf, first.version)
        }
        (Kx::Ecdhe, Some(ske)) => match &ske.params {
            crate::codec::KeyExchangeParams::Ecdhe(e) => kx::ecdhe(e),
            crate::codec::KeyExchangeParams::Dhe(_) => {
                Err(kx::KxError("DH params for ECDHE".into()))
            }
        },
        (Kx::Dhe, Some(ske)) => match &ske.params {
            crate::codec::KeyExchangeParams::Dhe(d) => kx::dhe(d),
            crate::codec::KeyExchangeParams::Ecdhe(_) => {
                Err(kx::KxError("EC params for DHE".into()))
            }
        },
        (_, None) => return Err(Stop::violation("no ServerKeyExchange")),
    };
    share.map_err(|e| Stop::violation(e.0))
}

/// The two directions' protection from the master secret: (client write,
/// server write).
pub fn derive_keys(
    v: ProtocolVersion,
    spec: &SuiteSpec,
    master: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Option<(Protection, Protection)> {
    let (mac, key, iv) = (
        spec.mac.tag_len(),
        spec.bulk.key_len(),
        spec.bulk.fixed_iv_len(v),
    );
    let block = prf::key_block(
        v,
        spec.prf,
        master,
        client_random,
        server_random,
        2 * (mac + key + iv),
    );
    let mut at = 0usize;
    let mut take = |n: usize| {
        let s = block.get(at..at + n).map(<[u8]>::to_vec);
        at += n;
        s
    };
    let (cm, sm, ck, sk, ci, si) = (
        take(mac)?,
        take(mac)?,
        take(key)?,
        take(key)?,
        take(iv)?,
        take(iv)?,
    );
    Some((
        Protection::new(v, spec.bulk, spec.mac, &cm, &ck, &ci)?,
        Protection::new(v, spec.bulk, spec.mac, &sm, &sk, &si)?,
    ))
}

/// Completes the full handshake begun by [`hello`].
pub async fn finish(
    p: &Prober<'_>,
    mut session: Session,
    first: ServerFirst,
) -> Result<Established, Stop> {
    if first.abbreviated {
        return Err(Stop::violation(
            "the server resumed a session we did not offer",
        ));
    }
    let v = first.version;
    let spec = suite::spec(first.hello.cipher_suite)
        .filter(|s| s.usable_at(v))
        .ok_or_else(|| Stop::violation("the server chose a suite the probe cannot complete"))?;
    let share = key_share(&first, &spec)?;
    let mut transcript = first.transcript;
    let cke = share
        .message
        .to_message()
        .and_then(|m| m.encode())
        .map_err(|e| Fail::new(FailCode::Encode, e.to_string()))?;
    transcript.extend_from_slice(&cke);
    let master = prf::master_secret(
        v,
        spec.prf,
        &share.premaster,
        &first.client_random,
        &first.hello.random,
    );
    let (mut write, mut read) =
        derive_keys(v, &spec, &master, &first.client_random, &first.hello.random)
            .ok_or_else(|| Stop::violation("no keys"))?;
    let client_verify = prf::verify_data(v, spec.prf, &master, Side::Client, &transcript);
    let finished = Finished {
        verify_data: client_verify.clone(),
    }
    .to_message()
    .encode()
    .map_err(|e| Fail::new(FailCode::Encode, e.to_string()))?;
    transcript.extend_from_slice(&finished);
    let mut out = encode_records(ContentType::HANDSHAKE, v, &cke);
    out.extend(encode_records(
        ContentType::CHANGE_CIPHER_SPEC,
        v,
        &CHANGE_CIPHER_SPEC,
    ));
    let sealed = write.seal(
        ContentType::HANDSHAKE,
        &finished,
        Padding::Correct,
        p.random(),
    );
    out.extend(record(ContentType::HANDSHAKE, v, sealed)?);
    session.send(&out).await?;

    // NewSessionTicket (plaintext), ChangeCipherSpec, then the encrypted
    // Finished.
    let mut hs = HandshakeReassembler::new();
    let (messages, ccs) = read_messages(&mut session, &mut hs, &mut transcript, |_| false).await?;
    if !ccs {
        return Err(Stop::violation("no ChangeCipherSpec from the server"));
    }
    let ticket = messages
        .iter()
        .find(|m| m.msg_type == HandshakeType::NEW_SESSION_TICKET)
        .and_then(|m| NewSessionTicket::read(&m.body).ok())
        .and_then(|t| ticket_of(&t.body));
    let expected = prf::verify_data(v, spec.prf, &master, Side::Server, &transcript);
    let server_verify = read_finished(&mut session, &mut read).await?;
    if server_verify != expected {
        return Err(Stop::violation(
            "the server's Finished does not match our key schedule",
        ));
    }
    Ok(Established {
        session,
        version: v,
        spec,
        server_hello: first.hello,
        client_verify,
        server_verify,
        ticket,
        write,
        read,
        random: p.random(),
    })
}

/// The ticket of a TLS 1.2 NewSessionTicket body (lifetime hint, then the
/// `u16`-prefixed ticket); `None` for an empty one.
fn ticket_of(body: &[u8]) -> Option<Vec<u8>> {
    let len = usize::from(u16::from_be_bytes([*body.get(4)?, *body.get(5)?]));
    let t = body.get(6..6 + len)?;
    (!t.is_empty()).then(|| t.to_vec())
}

/// The server's encrypted Finished: its `verify_data`.
async fn read_finished(session: &mut Session, read: &mut Protection) -> Result<Vec<u8>, Stop> {
    match session.next(FLIGHT_WAIT).await? {
        Next::Record(r) if r.content_type == ContentType::HANDSHAKE => {
            let plain = read
                .open(ContentType::HANDSHAKE, &r.payload)
                .map_err(|_| Stop::violation("the server's Finished does not decrypt"))?;
            let msg = HandshakeMessage::read(&plain)
                .ok()
                .filter(|m| m.msg_type == HandshakeType::FINISHED)
                .ok_or_else(|| Stop::violation("no Finished after the ChangeCipherSpec"))?;
            Ok(msg.body)
        }
        Next::Record(r) if r.content_type == ContentType::ALERT => {
            // After its ChangeCipherSpec the server's alerts are encrypted.
            match read.open(ContentType::ALERT, &r.payload) {
                Ok(a) => Err(alert_of(&a)),
                Err(_) => Err(alert_of(&r.payload)),
            }
        }
        Next::Record(_) => Err(Stop::violation("unexpected record instead of Finished")),
        other => Err(Stop::Quiet(other)),
    }
}

/// One record of type `ct` with `payload`, as bytes.
fn record(ct: ContentType, v: ProtocolVersion, payload: Vec<u8>) -> Result<Vec<u8>, Stop> {
    Record {
        content_type: ct,
        version: v,
        payload,
    }
    .encode()
    .map_err(|e| Stop::Failed(Fail::new(FailCode::Encode, e.to_string())))
}

impl Established {
    /// Sends `data` as one protected record of type `ct`.
    pub async fn send(
        &mut self,
        ct: ContentType,
        data: &[u8],
        padding: Padding,
    ) -> Result<(), Stop> {
        let iv = self.next_iv();
        let sealed = self.write.seal(ct, data, padding, iv);
        let bytes = record(ct, self.version, sealed)?;
        self.session.send(&bytes).await?;
        Ok(())
    }

    /// A fresh explicit CBC IV (derived, not secret: nothing secret is
    /// sent on these connections).
    fn next_iv(&mut self) -> [u8; 16] {
        for b in &mut self.random {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
        self.random
    }

    /// The next record, decrypted, waiting at most `wait`.
    pub async fn receive(&mut self, wait: Duration) -> Result<Incoming, Stop> {
        match self.session.next(wait).await? {
            Next::Record(r) => match self.read.open(r.content_type, &r.payload) {
                Ok(plain) => Ok(Incoming::Data(r.content_type, plain)),
                // A plaintext alert (some servers send them unencrypted).
                Err(OpenError::Length | OpenError::Integrity)
                    if r.content_type == ContentType::ALERT && r.payload.len() == 2 =>
                {
                    Ok(Incoming::Data(ContentType::ALERT, r.payload))
                }
                Err(_) => Ok(Incoming::Undecryptable(r.content_type)),
            },
            other => Ok(Incoming::Quiet(other)),
        }
    }

    /// Sends `ch` as an encrypted handshake record (a renegotiation).
    pub async fn send_hello(&mut self, ch: &ClientHello) -> Result<(), Stop> {
        let msg = ch
            .to_message()
            .and_then(|m| m.encode())
            .map_err(|e| Fail::new(FailCode::Encode, e.to_string()))?;
        self.send(ContentType::HANDSHAKE, &msg, Padding::Correct)
            .await
    }
}
