//! Full TLS handshakes with rustls whose certificate verifier **records and
//! accepts everything**.
//!
//! Why this is dangerous, and why it is right here: a scanner must see the
//! chain a broken server sends (expired, self-signed, wrong host, incomplete)
//! to report on it. In TLS 1.3 the Certificate message is encrypted, so the
//! only way to read it is to complete a real handshake; a verifying client
//! would abort on exactly the servers we most need to describe. The verifier
//! below therefore stores the certificates and OCSP staple and declares them
//! valid, and also accepts the handshake signatures unchecked. Judging the
//! chain is the core's job (`tlslens_core::grade`), from the recorded bytes.
//!
//! Nothing secret ever travels over these connections: they are used for one
//! `GET /` with no cookies or credentials (HSTS), for ALPN and for session
//! resumption checks. Never reuse this module for a connection that needs
//! authenticity.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tlslens_core::wire::{CipherSuite, ProtocolVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::conn::Link;
use super::fail::{Fail, FailCode};

/// What the server presented in the last full handshake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The certificates as sent, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The stapled OCSP response (empty when none).
    pub ocsp: Vec<u8>,
}

/// A verifier that records the server's certificates and accepts them.
#[derive(Debug)]
pub struct RecordingVerifier {
    seen: Mutex<Option<Recorded>>,
    schemes: Vec<SignatureScheme>,
}

impl RecordingVerifier {
    /// Offers every scheme ring verifies, plus those it cannot (P-521,
    /// Ed448): nothing is verified here, and a server whose key only they
    /// fit (a P-521 certificate) must still answer the recording handshakes.
    fn new() -> Self {
        let mut schemes = rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes();
        for extra in [
            SignatureScheme::ECDSA_NISTP521_SHA512,
            SignatureScheme::ED448,
        ] {
            if !schemes.contains(&extra) {
                schemes.push(extra);
            }
        }
        Self {
            seen: Mutex::new(None),
            schemes,
        }
    }

    /// Takes what the last handshake recorded.
    pub fn take(&self) -> Option<Recorded> {
        self.seen.lock().ok().and_then(|mut s| s.take())
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.as_ref().to_vec()];
        chain.extend(intermediates.iter().map(|c| c.as_ref().to_vec()));
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(Recorded {
                chain,
                ocsp: ocsp_response.to_vec(),
            });
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

/// A client configuration (and its verifier) for recording handshakes.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// The rustls configuration; reuse it to test resumption.
    pub config: Arc<ClientConfig>,
    /// Its verifier.
    pub verifier: Arc<RecordingVerifier>,
}

impl Recorder {
    /// A TLS 1.3-only recorder without ALPN that sends early data (0-RTT)
    /// when a ticket allows it (see [`early_data`]).
    pub fn early_data() -> Result<Self, Fail> {
        let verifier = Arc::new(RecordingVerifier::new());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(|e| Fail::new(FailCode::Tls, e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        config.enable_early_data = true;
        Ok(Self {
            config: Arc::new(config),
            verifier,
        })
    }

    /// A recorder offering `alpn`, TLS 1.3 and 1.2 (or only `tls12_only`),
    /// sending SNI when `sni` is set.
    pub fn new(alpn: &[&str], sni: bool, tls12_only: bool) -> Result<Self, Fail> {
        let verifier = Arc::new(RecordingVerifier::new());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&'static rustls::SupportedProtocolVersion] = if tls12_only {
            &[&rustls::version::TLS12]
        } else {
            &[&rustls::version::TLS13, &rustls::version::TLS12]
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(|e| Fail::new(FailCode::Tls, e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        config.enable_sni = sni;
        if tls12_only {
            config.resumption = rustls::client::Resumption::in_memory_sessions(16)
                .tls12_resumption(rustls::client::Tls12Resumption::SessionIdOnly);
        }
        Ok(Self {
            config: Arc::new(config),
            verifier,
        })
    }
}

/// An established recording session.
#[derive(Debug)]
pub struct Session {
    /// The TLS stream.
    pub stream: TlsStream<TcpStream>,
    /// What the verifier saw (`None` on a resumed handshake).
    pub recorded: Option<Recorded>,
    /// The negotiated protocol version.
    pub protocol: Option<ProtocolVersion>,
    /// The negotiated suite.
    pub suite: Option<CipherSuite>,
    /// The ALPN protocol the server chose.
    pub alpn: Option<Vec<u8>>,
    /// Whether the handshake resumed a session.
    pub resumed: bool,
    _permit: OwnedSemaphorePermit,
}

/// The server name rustls presents for `host`.
fn server_name(host: &str) -> Result<ServerName<'static>, Fail> {
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => Ok(ServerName::IpAddress(ip.into())),
        Err(_) => ServerName::try_from(host.to_owned())
            .map_err(|e| Fail::new(FailCode::Tls, format!("invalid server name: {e}"))),
    }
}

/// The time a handshake of `link` may take.
fn budget(link: &Link) -> std::time::Duration {
    link.limits
        .deadline
        .checked_duration_since(std::time::Instant::now())
        .unwrap_or_default()
        .min(link.limits.probe)
}

/// Completes a handshake with `host` at `link` (SNI per the recorder).
pub async fn handshake(link: &Link, recorder: &Recorder, host: &str) -> Result<Session, Fail> {
    let permit = link.limiter.permit().await?;
    let tcp = link.connect().await?;
    let name = server_name(host)?;
    let connector = TlsConnector::from(recorder.config.clone());
    let budget = budget(link);
    let stream = match tokio::time::timeout(budget, connector.connect(name, tcp)).await {
        Err(_) => return Err(Fail::new(FailCode::Timeout, "TLS handshake timed out")),
        Ok(Err(e)) => return Err(tls_fail(&e)),
        Ok(Ok(s)) => s,
    };
    let (_, conn) = stream.get_ref();
    let protocol = conn
        .protocol_version()
        .map(|v| ProtocolVersion(u16::from(v)));
    let suite = conn
        .negotiated_cipher_suite()
        .map(|s| CipherSuite(u16::from(s.suite())));
    let alpn = conn.alpn_protocol().map(<[u8]>::to_vec);
    let resumed = matches!(conn.handshake_kind(), Some(rustls::HandshakeKind::Resumed));
    Ok(Session {
        recorded: recorder.verifier.take(),
        stream,
        protocol,
        suite,
        alpn,
        resumed,
        _permit: permit,
    })
}

/// What a TLS 1.3 resumption offering 0-RTT early data found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyData {
    /// The early data was accepted.
    Accepted,
    /// It was sent and rejected (the request then went after the handshake).
    Rejected,
    /// No early data could be sent: the ticket allows none (`resumed`), or
    /// there was no resumption at all.
    NotOffered {
        /// Whether the second handshake resumed.
        resumed: bool,
    },
}

/// Tries 0-RTT: a first TLS 1.3 handshake and `GET /` (which reads the
/// tickets), then a resumption sending `request` as early data.
pub async fn early_data(link: &Link, host: &str) -> Result<EarlyData, Fail> {
    let recorder = Recorder::early_data()?;
    let mut first = handshake(link, &recorder, host).await?;
    // Reading the answer processes the NewSessionTickets.
    get_head(link, &mut first, host).await?;
    close(first).await;

    let _permit = link.limiter.permit().await?;
    let tcp = link.connect().await?;
    let connector = TlsConnector::from(recorder.config.clone()).early_data(true);
    let name = server_name(host)?;
    let request = get_request(link, host);
    let outcome = tokio::time::timeout(budget(link), async {
        let mut stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| tls_fail(&e))?;
        let offered = stream.get_mut().1.early_data().is_some();
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| Fail::new(FailCode::Io, format!("early data: {e}")))?;
        stream
            .flush()
            .await
            .map_err(|e| Fail::new(FailCode::Io, format!("early data: {e}")))?;
        // One read completes the handshake.
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        let conn = stream.get_ref().1;
        let resumed = matches!(conn.handshake_kind(), Some(rustls::HandshakeKind::Resumed));
        Ok::<_, Fail>(match (offered, conn.is_early_data_accepted()) {
            (true, true) => EarlyData::Accepted,
            (true, false) => EarlyData::Rejected,
            (false, _) => EarlyData::NotOffered { resumed },
        })
    })
    .await
    .map_err(|_| Fail::new(FailCode::Timeout, "the 0-RTT handshake timed out"))??;
    Ok(outcome)
}

/// Sends close_notify and closes (briefly bounded), so that servers keep the
/// session for resumption.
pub async fn close(mut session: Session) {
    let _ = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        session.stream.shutdown(),
    )
    .await;
}

fn tls_fail(e: &std::io::Error) -> Fail {
    match e.kind() {
        std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
            Fail::new(FailCode::Reset, format!("TLS handshake: {e}"))
        }
        std::io::ErrorKind::UnexpectedEof => {
            Fail::new(FailCode::Closed, format!("TLS handshake: {e}"))
        }
        std::io::ErrorKind::InvalidData => Fail::new(FailCode::Tls, format!("TLS handshake: {e}")),
        _ => Fail::new(FailCode::Io, format!("TLS handshake: {e}")),
    }
}

/// The status, `Strict-Transport-Security` and `Content-Encoding` of one
/// `GET /`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpHead {
    /// Status code.
    pub status: Option<u16>,
    /// The first HSTS header's value.
    pub hsts: Option<String>,
    /// The first `Content-Encoding` header's value (BREACH).
    pub content_encoding: Option<String>,
}

/// The `Accept-Encoding` of the `GET /`: what browsers send, so that a
/// server compressing its pages for them (BREACH) shows it.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// The most header bytes read.
pub const MAX_HEAD: usize = 64 * 1024;

/// Sends `GET /` for `host` and reads the response head (at most
/// [`MAX_HEAD`] bytes, within `link`'s probe deadline).
pub async fn get_head(link: &Link, session: &mut Session, host: &str) -> Result<HttpHead, Fail> {
    let request = get_request(link, host);
    let deadline = (std::time::Instant::now() + link.limits.probe).min(link.limits.deadline);
    let budget = deadline
        .checked_duration_since(std::time::Instant::now())
        .unwrap_or_default();
    let head = tokio::time::timeout(budget, async {
        session
            .stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| Fail::new(FailCode::Io, format!("HTTP request: {e}")))?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                buf.truncate(end);
                return Ok(buf);
            }
            if buf.len() > MAX_HEAD {
                return Err(Fail::new(
                    FailCode::TooLarge,
                    "HTTP response head over 64 KiB",
                ));
            }
            match session.stream.read(&mut chunk).await {
                Ok(0) => return Ok(buf),
                Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
                Err(e) if buf.is_empty() => {
                    return Err(Fail::new(FailCode::Io, format!("HTTP response: {e}")))
                }
                Err(_) => return Ok(buf),
            }
        }
    })
    .await
    .map_err(|_| Fail::new(FailCode::Timeout, "HTTP response timed out"))??;
    Ok(parse_head(&head))
}

/// `GET /` for `host` at `link`'s port, without cookies or credentials.
pub fn get_request(link: &Link, host: &str) -> String {
    let authority = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let port = link.addr.port();
    let authority = if port == 443 {
        authority
    } else {
        format!("{authority}:{port}")
    };
    format!(
        "GET / HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: tlslens-relay/{}\r\nAccept: */*\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parses an HTTP/1.x response head.
pub fn parse_head(head: &[u8]) -> HttpHead {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok());
    let headers: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(':')).collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    HttpHead {
        status,
        hsts: header("strict-transport-security"),
        content_encoding: header("content-encoding"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads() {
        let h = parse_head(
            b"HTTP/1.1 301 Moved\r\nServer: x\r\nstrict-transport-security:  max-age=63072000; includeSubDomains \r\nX: y",
        );
        assert_eq!(h.status, Some(301));
        assert_eq!(
            h.hsts.as_deref(),
            Some("max-age=63072000; includeSubDomains")
        );
        assert_eq!(parse_head(b"HTTP/1.0 200 OK").hsts, None);
        assert_eq!(h.content_encoding, None);
        let h = parse_head(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nVary: Accept-Encoding");
        assert_eq!(h.content_encoding.as_deref(), Some("br"));
        assert_eq!(parse_head(b"garbage").status, None);
    }
}
