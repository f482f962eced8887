//! The [`HttpStage`]: one HTTPS `GET /` over a rustls handshake (status,
//! HSTS header, and the `Content-Encoding` of an answer to a browser's
//! `Accept-Encoding`, for BREACH), then session resumption — the same client reconnecting
//! (tickets in TLS 1.3, tickets or ids in TLS 1.2), and, when the server
//! speaks TLS 1.2, a TLS 1.2-only client with tickets disabled (session ids).
//! All over [`super::danger`]'s recording handshakes: nothing secret is sent.
//! The `GET /` handshake offers ALPN `http/1.1`, and when that fails (a
//! server speaking only `h2` answers `no_application_protocol`) it is tried
//! again without ALPN, as a plain HTTP client would; only when both fail is
//! HSTS not measured.

use tlslens_core::facts::HttpFacts;

use super::danger;
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::ProtocolVersion;

/// What the HTTP and resumption probes found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpOutcome {
    /// The `GET /`.
    pub http: HttpFacts,
    /// Whether a second handshake of the same client resumed; `None` when it
    /// failed or never ran.
    pub resumed: Option<bool>,
    /// Whether a TLS 1.2 session id resumed; `None` when not tested.
    pub session_ids: Option<bool>,
    /// The ALPN protocol of the `GET /` handshake (offering http/1.1).
    pub alpn: Option<Vec<u8>>,
}

/// The second-wave stage for HSTS and session resumption.
#[derive(Debug, Clone, Copy)]
pub struct HttpStage;

impl Stage for HttpStage {
    const NAME: &'static str = "http";
    type Outcome = HttpOutcome;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let mut out = get_and_resume(p).await;
        if first
            .legacy
            .iter()
            .any(|s| s.version == ProtocolVersion::TLS12 && s.supported())
        {
            out.session_ids = session_ids(p).await;
        }
        out
    }
}

/// The ALPN offers of the `GET /` handshake, in order.
const GET_ALPN_ATTEMPTS: [&[&str]; 2] = [&["http/1.1"], &[]];

/// A completed handshake for the `GET /` (and the recorder that made it, to
/// resume), or every attempt's failure in one line.
async fn connect(p: &Prober<'_>) -> Result<(danger::Recorder, danger::Session), String> {
    let mut failures = Vec::new();
    for alpn in GET_ALPN_ATTEMPTS {
        let attempt = match danger::Recorder::new(alpn, true, false) {
            Ok(recorder) => danger::handshake(&p.link, &recorder, p.host)
                .await
                .map(|s| (recorder, s)),
            Err(f) => Err(f),
        };
        match attempt {
            Ok(done) => return Ok(done),
            Err(f) if alpn.is_empty() => failures.push(format!("without ALPN: {}", f.message)),
            Err(f) => failures.push(format!("with ALPN {}: {}", alpn.join(", "), f.message)),
        }
    }
    Err(failures.join("; "))
}

/// HSTS from one `GET /`, and resumption of that session.
async fn get_and_resume(p: &Prober<'_>) -> HttpOutcome {
    let mut out = HttpOutcome::default();
    let (recorder, mut session) = match connect(p).await {
        Ok(done) => done,
        Err(message) => {
            out.http.error = Some(message);
            return out;
        }
    };
    out.alpn = session.alpn.clone();
    out.http.accept_encoding = Some(danger::ACCEPT_ENCODING.to_owned());
    match danger::get_head(&p.link, &mut session, p.host).await {
        Ok(head) => {
            out.http.status = head.status;
            out.http.hsts = head.hsts;
            out.http.content_encoding = head.content_encoding;
        }
        Err(f) => {
            p.fail("http", &f);
            out.http.error = Some(f.message);
        }
    }
    danger::close(session).await;
    out.resumed = danger::handshake(&p.link, &recorder, p.host)
        .await
        .ok()
        .map(|s| s.resumed);
    out
}

/// Session-ID resumption over TLS 1.2 (tickets disabled).
async fn session_ids(p: &Prober<'_>) -> Option<bool> {
    let recorder = danger::Recorder::new(&[], true, true).ok()?;
    let first = danger::handshake(&p.link, &recorder, p.host).await.ok()?;
    // A clean close_notify: OpenSSL drops sessions of unclean shutdowns.
    danger::close(first).await;
    let second = danger::handshake(&p.link, &recorder, p.host).await.ok()?;
    Some(second.resumed)
}
