//! A scripted TLS 1.0–1.2 server with real cryptography, for the weaknesses
//! no maintained library still has: RSA key exchange with
//! `TLS_RSA_WITH_AES_128_CBC_SHA`, full handshakes (its Finished verifies),
//! session tickets and resumption, application data, renegotiation — each
//! flaw switched on by a [`Script`]:
//!
//! * ROBOT: [`Robot::StrongOracle`] checks only that the decrypted block
//!   starts with `00 02` (the classic Bleichenbacher oracle),
//!   [`Robot::WeakOracle`] checks the whole PKCS#1 format; both answer a bad
//!   block at once with `handshake_failure`. [`Robot::Patched`] takes a
//!   random premaster secret instead, as RFC 5246 §7.4.7.1 says.
//! * POODLE-TLS: `poodle` reads CBC padding by its last byte only.
//! * Ticketbleed: `ticketbleed` echoes a resumed session id padded to 32
//!   bytes with "memory".
//! * Renegotiation: [`Renegotiation`] refuses, or accepts with or without
//!   RFC 5746.
//! * Robustness: a warning alert before the ServerHello, the flight in tiny
//!   records, hellos with extensions refused by a close (a middlebox).
//! * DROWN: `sslv2` answers an SSLv2 CLIENT-HELLO with this key's
//!   certificate.
//!
//! The record protection and key schedule come from the relay
//! (`probe::tls12`); what the server does with them is its own. A real
//! OpenSSL completing the relay's handshakes (the negative tests) checks that
//! code from the other side.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use num_bigint::BigUint;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use tlslens_relay::codec::{
    encode_records, encode_records_with_fragment_len, Alert, AlertDescription, AlertLevel,
    Certificate, CipherSuite, ClientHello, ClientKeyExchange, ContentType, Extension,
    ExtensionType, Finished, HandshakeMessage, HandshakeReassembler, HandshakeType,
    ProtocolVersion, Record, RecordReader, ServerHello, ServerHelloDone, Sslv2ServerHello,
};
use tlslens_relay::probe::tls12::client::derive_keys;
use tlslens_relay::probe::tls12::prf::{self, Side};
use tlslens_relay::probe::tls12::protect::{Padding, Protection};
use tlslens_relay::probe::tls12::suite;

/// The one suite the scripted server speaks.
pub const SUITE: CipherSuite = CipherSuite(0x002F);

/// How the server treats a ClientKeyExchange it cannot decrypt properly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Robot {
    /// A random premaster secret, silently (RFC 5246).
    Patched,
    /// `handshake_failure` unless the block starts with `00 02`.
    StrongOracle,
    /// `handshake_failure` unless the block is PKCS#1-conformant.
    WeakOracle,
}

/// Client-initiated renegotiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renegotiation {
    /// Refused with a `no_renegotiation` warning; RFC 5746 supported.
    Refuse,
    /// Accepted, with RFC 5746.
    AcceptSecure,
    /// Accepted, and RFC 5746 is not supported at all.
    AcceptInsecure,
}

/// What the server does.
#[derive(Clone, Copy, Debug)]
pub struct Script {
    pub robot: Robot,
    pub poodle: bool,
    pub tickets: bool,
    pub ticketbleed: bool,
    pub renegotiation: Renegotiation,
    pub sslv2: bool,
    pub warning_before_hello: bool,
    pub tiny_records: bool,
    pub drop_extensions: bool,
}

impl Default for Script {
    /// A well-behaved server: no flaw, tickets on.
    fn default() -> Self {
        Self {
            robot: Robot::Patched,
            poodle: false,
            tickets: true,
            ticketbleed: false,
            renegotiation: Renegotiation::Refuse,
            sslv2: false,
            warning_before_hello: false,
            tiny_records: false,
            drop_extensions: false,
        }
    }
}

/// An RSA key for the server: modulus and private exponent.
#[derive(Clone)]
pub struct RsaKey {
    n: BigUint,
    d: BigUint,
    len: usize,
}

impl RsaKey {
    /// From a PKCS#8 PEM private key.
    pub fn from_pem(pem: &str) -> Self {
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("an RSA PKCS#8 key");
        let n = BigUint::from_bytes_be(&key.n().to_bytes_be());
        let d = BigUint::from_bytes_be(&key.d().to_bytes_be());
        let len = n.to_bytes_be().len();
        Self { n, d, len }
    }

    /// The raw RSA decryption, left-padded to the modulus length.
    fn decrypt(&self, c: &[u8]) -> Vec<u8> {
        let m = BigUint::from_bytes_be(c)
            .modpow(&self.d, &self.n)
            .to_bytes_be();
        let mut out = vec![0u8; self.len.saturating_sub(m.len())];
        out.extend(m);
        out
    }
}

/// The server's state shared by its connections: the tickets it issued.
#[derive(Default)]
struct Tickets(Mutex<HashMap<Vec<u8>, Vec<u8>>>);

/// Starts the server on a free loopback port (see `hostile`).
pub fn scripted_tls(key: RsaKey, chain: Vec<Vec<u8>>, script: Script) -> u16 {
    let tickets = Arc::new(Tickets::default());
    super::hostile(move |s| {
        let _ = Conn::serve(s, &key, &chain, script, &tickets);
    })
}

/// Serves one connection with `script` (for pairs of servers built by hand).
pub fn serve_one(s: TcpStream, key: &RsaKey, chain: &[Vec<u8>], script: Script) {
    let tickets = Tickets::default();
    let _ = Conn::serve(s, key, chain, script, &tickets);
}

/// One connection.
struct Conn<'a> {
    s: TcpStream,
    reader: RecordReader,
    hs: HandshakeReassembler,
    version: ProtocolVersion,
    script: Script,
    key: &'a RsaKey,
}

/// The connection ended (closed, refused, or done).
struct End;

type Step<T> = Result<T, End>;

impl<'a> Conn<'a> {
    fn serve(
        mut s: TcpStream,
        key: &'a RsaKey,
        chain: &[Vec<u8>],
        script: Script,
        tickets: &Tickets,
    ) -> Step<()> {
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let mut buf = Vec::new();
        let mut chunk = [0u8; 16384];
        let (hello, used) = loop {
            let n = s.read(&mut chunk).map_err(|_| End)?;
            if n == 0 {
                return Err(End);
            }
            buf.extend_from_slice(&chunk[..n]);
            if buf[0] & 0x80 != 0 {
                if script.sslv2 {
                    let hello = Sslv2ServerHello {
                        session_id_hit: 0,
                        certificate_type: 1,
                        version: ProtocolVersion::SSLV2,
                        certificate: chain[0].clone(),
                        cipher_specs: vec![0x01_0080, 0x07_00C0],
                        connection_id: vec![1; 16],
                    };
                    let _ = s.write_all(&hello.encode_record().unwrap());
                }
                return Err(End);
            }
            match ClientHello::read_records(&buf) {
                Ok(Some(h)) => break h,
                Ok(None) => {}
                Err(_) => return Err(End),
            }
        };
        // The hello's handshake message as sent (the transcript needs its
        // exact bytes): the payloads of the records it came in.
        let mut records = RecordReader::new();
        records.push(&buf[..used]);
        let mut raw_hello = Vec::new();
        while let Ok(Some(r)) = records.next_record() {
            raw_hello.extend(r.payload);
        }
        let mut reader = RecordReader::new();
        reader.push(&buf[used..]);
        let mut conn = Conn {
            s,
            reader,
            hs: HandshakeReassembler::new(),
            version: ProtocolVersion::TLS12,
            script,
            key,
        };
        conn.handshake(&hello, &raw_hello, chain, tickets)
    }

    fn write(&mut self, bytes: &[u8]) -> Step<()> {
        self.s.write_all(bytes).map_err(|_| End)
    }

    fn alert(&mut self, d: AlertDescription) -> Step<()> {
        let bytes = encode_records(ContentType::ALERT, self.version, &Alert::fatal(d).encode());
        let _ = self.write(&bytes);
        Err(End)
    }

    fn next_record(&mut self) -> Step<Record> {
        let mut chunk = [0u8; 16384];
        loop {
            if let Ok(Some(r)) = self.reader.next_record() {
                return Ok(r);
            }
            let n = self.s.read(&mut chunk).map_err(|_| End)?;
            if n == 0 {
                return Err(End);
            }
            self.reader.push(&chunk[..n]);
        }
    }

    /// The next plaintext handshake message (raw, header included).
    fn next_message(&mut self) -> Step<Vec<u8>> {
        loop {
            if let Ok(Some(m)) = self.hs.next_message() {
                return m.encode().map_err(|_| End);
            }
            let r = self.next_record()?;
            if r.content_type != ContentType::HANDSHAKE {
                return Err(End);
            }
            self.hs.push(&r.payload);
        }
    }

    fn send_handshake(&mut self, messages: &[Vec<u8>]) -> Step<()> {
        let bytes: Vec<u8> = messages.concat();
        let records = if self.script.tiny_records {
            encode_records_with_fragment_len(ContentType::HANDSHAKE, self.version, &bytes, 7)
        } else {
            encode_records(ContentType::HANDSHAKE, self.version, &bytes)
        };
        self.write(&records)
    }

    fn handshake(
        &mut self,
        hello: &ClientHello,
        raw_hello: &[u8],
        chain: &[Vec<u8>],
        tickets: &Tickets,
    ) -> Step<()> {
        if self.script.drop_extensions
            && hello
                .extensions
                .iter()
                .any(|e| e.typ() != ExtensionType::SERVER_NAME)
        {
            return Err(End);
        }
        if hello.client_version < ProtocolVersion::TLS10 {
            return self.alert(AlertDescription::PROTOCOL_VERSION);
        }
        self.version = hello.client_version.min(ProtocolVersion::TLS12);
        if !hello.cipher_suites.contains(&SUITE) {
            return self.alert(AlertDescription::HANDSHAKE_FAILURE);
        }
        let client_hello = raw_hello.to_vec();
        let offered_ticket = match hello.extension(ExtensionType::SESSION_TICKET) {
            Some(e) => e.encode_data().ok(),
            None => None,
        };
        if let Some(t) = offered_ticket.as_ref().filter(|t| !t.is_empty()) {
            let master = tickets.0.lock().unwrap().get(t).cloned();
            if let (Some(master), true) = (master, self.script.tickets) {
                return self.resume(hello, &client_hello, &master);
            }
        }
        let secure = self.script.renegotiation != Renegotiation::AcceptInsecure
            && (hello.extension(ExtensionType::RENEGOTIATION_INFO).is_some()
                || hello
                    .cipher_suites
                    .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
        let mut sh = ServerHello::new(self.version, random(), SUITE);
        sh.session_id = random().to_vec();
        if secure {
            sh.extensions
                .push(Extension::new(ExtensionType::RENEGOTIATION_INFO, vec![0]));
        }
        let issue_ticket = self.script.tickets && offered_ticket.is_some();
        if issue_ticket {
            sh.extensions
                .push(Extension::new(ExtensionType::SESSION_TICKET, vec![]));
        }
        if self.script.warning_before_hello {
            let warning = Alert {
                level: AlertLevel::WARNING,
                description: AlertDescription::UNRECOGNIZED_NAME,
            };
            let bytes = encode_records(ContentType::ALERT, self.version, &warning.encode());
            self.write(&bytes)?;
        }
        let flight = [
            sh.to_message().unwrap().encode().unwrap(),
            Certificate {
                certificates: chain.to_vec(),
            }
            .to_message()
            .unwrap()
            .encode()
            .unwrap(),
            ServerHelloDone.to_message().unwrap().encode().unwrap(),
        ];
        self.send_handshake(&flight)?;
        let mut transcript = [client_hello, flight.concat()].concat();
        let premaster = self.key_exchange(&mut transcript)?;
        let spec = suite::spec(SUITE).unwrap();
        let master = prf::master_secret(
            self.version,
            spec.prf,
            &premaster,
            &hello.random,
            &sh.random,
        );
        let (mut read, mut write) =
            derive_keys(self.version, &spec, &master, &hello.random, &sh.random).unwrap();
        if self.script.poodle {
            read = read.lenient_padding();
        }
        let client_verify = self.read_finished(&mut read, &master, &transcript)?;
        transcript.extend(
            Finished {
                verify_data: client_verify.clone(),
            }
            .to_message()
            .encode()
            .unwrap(),
        );
        if issue_ticket {
            let ticket = random().to_vec();
            tickets
                .0
                .lock()
                .unwrap()
                .insert(ticket.clone(), master.clone());
            let mut body = 7200u32.to_be_bytes().to_vec();
            body.extend((ticket.len() as u16).to_be_bytes());
            body.extend(&ticket);
            let nst = HandshakeMessage {
                msg_type: HandshakeType::NEW_SESSION_TICKET,
                body,
            }
            .encode()
            .unwrap();
            transcript.extend(&nst);
            self.send_handshake(&[nst])?;
        }
        let server_verify =
            prf::verify_data(self.version, spec.prf, &master, Side::Server, &transcript);
        self.send_ccs_finished(&mut write, &server_verify)?;
        self.application(
            &mut read,
            &mut write,
            secure,
            &client_verify,
            &server_verify,
        )
    }

    /// The ClientKeyExchange: the premaster secret, or the end (an oracle's
    /// alert).
    fn key_exchange(&mut self, transcript: &mut Vec<u8>) -> Step<Vec<u8>> {
        let raw = self.next_message()?;
        let msg = HandshakeMessage::read(&raw).map_err(|_| End)?;
        if msg.msg_type != HandshakeType::CLIENT_KEY_EXCHANGE {
            return self
                .alert(AlertDescription::UNEXPECTED_MESSAGE)
                .map(|_| Vec::new());
        }
        transcript.extend(&raw);
        let ClientKeyExchange::Rsa(c) =
            ClientKeyExchange::read(&msg.body, None).map_err(|_| End)?
        else {
            return Err(End);
        };
        let m = self.key.decrypt(&c);
        let starts = m.starts_with(&[0, 2]);
        let separator = m.iter().skip(2).position(|b| *b == 0).map(|i| i + 2);
        let conformant =
            starts && separator == Some(m.len() - 49) && m[2..10].iter().all(|b| *b != 0);
        let oracle_says_no = match self.script.robot {
            Robot::Patched => false,
            Robot::StrongOracle => !starts,
            Robot::WeakOracle => !conformant,
        };
        if oracle_says_no {
            return self
                .alert(AlertDescription::HANDSHAKE_FAILURE)
                .map(|_| Vec::new());
        }
        Ok(if conformant {
            m[m.len() - 48..].to_vec()
        } else {
            random().iter().chain(&random()[..16]).copied().collect()
        })
    }

    /// ChangeCipherSpec, then the client's Finished: its verify_data.
    fn read_finished(
        &mut self,
        read: &mut Protection,
        master: &[u8],
        transcript: &[u8],
    ) -> Step<Vec<u8>> {
        let ccs = self.next_record()?;
        if ccs.content_type != ContentType::CHANGE_CIPHER_SPEC {
            return self
                .alert(AlertDescription::UNEXPECTED_MESSAGE)
                .map(|_| Vec::new());
        }
        let rec = self.next_record()?;
        let Ok(plain) = read.open(ContentType::HANDSHAKE, &rec.payload) else {
            return self
                .alert(AlertDescription::BAD_RECORD_MAC)
                .map(|_| Vec::new());
        };
        let spec = suite::spec(SUITE).unwrap();
        let expected = prf::verify_data(self.version, spec.prf, master, Side::Client, transcript);
        let got = HandshakeMessage::read(&plain)
            .map(|m| m.body)
            .unwrap_or_default();
        if got != expected {
            return self
                .alert(AlertDescription::DECRYPT_ERROR)
                .map(|_| Vec::new());
        }
        Ok(got)
    }

    fn send_ccs_finished(&mut self, write: &mut Protection, verify: &[u8]) -> Step<()> {
        let mut out = encode_records(ContentType::CHANGE_CIPHER_SPEC, self.version, &[1]);
        let fin = Finished {
            verify_data: verify.to_vec(),
        }
        .to_message()
        .encode()
        .unwrap();
        let sealed = write.seal(ContentType::HANDSHAKE, &fin, Padding::Correct, random16());
        out.extend(record(ContentType::HANDSHAKE, self.version, sealed));
        self.write(&out)
    }

    /// An abbreviated handshake from a ticket.
    fn resume(&mut self, hello: &ClientHello, client_hello: &[u8], master: &[u8]) -> Step<()> {
        let mut sh = ServerHello::new(self.version, random(), SUITE);
        sh.session_id = hello.session_id.clone();
        if self.script.ticketbleed && sh.session_id.len() < 32 {
            // F5's bug: 32 bytes copied whatever the length.
            let leak = b"Ticketbleed: memory of the box..";
            sh.session_id.extend(&leak[sh.session_id.len()..]);
        }
        let msg = sh.to_message().unwrap().encode().unwrap();
        self.send_handshake(std::slice::from_ref(&msg))?;
        let spec = suite::spec(SUITE).unwrap();
        let (_, mut write) =
            derive_keys(self.version, &spec, master, &hello.random, &sh.random).unwrap();
        let transcript = [client_hello, &msg].concat();
        let verify = prf::verify_data(self.version, spec.prf, master, Side::Server, &transcript);
        self.send_ccs_finished(&mut write, &verify)?;
        // Wait for the client to go away.
        let _ = self.next_record();
        Ok(())
    }

    /// After the handshake: answer one request, or a renegotiation.
    fn application(
        &mut self,
        read: &mut Protection,
        write: &mut Protection,
        secure: bool,
        client_verify: &[u8],
        server_verify: &[u8],
    ) -> Step<()> {
        let rec = self.next_record()?;
        let v = self.version;
        let reply = |write: &mut Protection, ct: ContentType, data: &[u8]| {
            record(ct, v, write.seal(ct, data, Padding::Correct, random16()))
        };
        let Ok(plain) = read.open(rec.content_type, &rec.payload) else {
            let bytes = reply(
                write,
                ContentType::ALERT,
                &Alert::fatal(AlertDescription::BAD_RECORD_MAC).encode(),
            );
            return self.write(&bytes);
        };
        match rec.content_type {
            ContentType::APPLICATION_DATA => {
                let body = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
                let bytes = reply(write, ContentType::APPLICATION_DATA, body);
                self.write(&bytes)
            }
            ContentType::HANDSHAKE if plain.first() == Some(&HandshakeType::CLIENT_HELLO.0) => {
                if self.script.renegotiation == Renegotiation::Refuse {
                    let warning = Alert {
                        level: AlertLevel::WARNING,
                        description: AlertDescription::NO_RENEGOTIATION,
                    };
                    let bytes = reply(write, ContentType::ALERT, &warning.encode());
                    return self.write(&bytes);
                }
                let mut sh = ServerHello::new(v, random(), SUITE);
                if secure {
                    let mut data = vec![(client_verify.len() + server_verify.len()) as u8];
                    data.extend(client_verify);
                    data.extend(server_verify);
                    sh.extensions
                        .push(Extension::new(ExtensionType::RENEGOTIATION_INFO, data));
                }
                let msg = sh.to_message().unwrap().encode().unwrap();
                let bytes = reply(write, ContentType::HANDSHAKE, &msg);
                self.write(&bytes)?;
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            }
            _ => Err(End),
        }
    }
}

fn record(ct: ContentType, v: ProtocolVersion, payload: Vec<u8>) -> Vec<u8> {
    Record {
        content_type: ct,
        version: v,
        payload,
    }
    .encode()
    .unwrap()
}

fn random() -> [u8; 32] {
    let mut out = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut out).unwrap();
    out
}

fn random16() -> [u8; 16] {
    let r = random();
    let mut out = [0u8; 16];
    out.copy_from_slice(&r[..16]);
    out
}
