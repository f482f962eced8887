//! The [`Sslv2CompatStage`]: does the server accept an SSLv2-format
//! ClientHello asking for TLS (RFC 5246 Appendix E.2)? Very old clients
//! sent one; SSL Labs shows the answer as "SSL 2 handshake compatibility".
//!
//! One connection: an SSLv2 CLIENT-HELLO whose version is the best TLS
//! 1.0–1.2 the server accepted and whose cipher specs are the TLS suites it
//! accepted there (as `0x00XXXX`). A TLS ServerHello at that version means
//! yes; an alert, a close or a reset means no. Servers without TLS 1.0–1.2
//! are not tested.

use super::conn::Reply;
use super::fail::{Fail, FailCode};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{FlightParser, ProtocolVersion, Sslv2ClientHello};

/// The `probe` of this stage's errors.
const PROBE: &str = "sslv2_compatible_hello";

/// The second-wave stage probing SSLv2-format hello handling.
#[derive(Debug, Clone, Copy)]
pub struct Sslv2CompatStage;

impl Stage for Sslv2CompatStage {
    const NAME: &'static str = "sslv2_compatible_hello";
    type Outcome = Option<bool>;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let best = first
            .supported_legacy()
            .into_iter()
            .filter(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
            .max_by_key(|s| s.version)?;
        let hello = Sslv2ClientHello {
            version: best.version,
            cipher_specs: best.suites.iter().map(|s| u32::from(s.0)).collect(),
            session_id: Vec::new(),
            challenge: p.random::<32>().to_vec(),
        };
        let bytes = match hello.encode_record() {
            Ok(b) => b,
            Err(e) => {
                p.fail(PROBE, &Fail::new(FailCode::Encode, e.to_string()));
                return None;
            }
        };
        match p.link.exchange(&bytes, FlightParser::new()).await {
            Ok(Reply::Hello { flight, .. }) => Some(
                flight
                    .server_hello
                    .is_some_and(|sh| sh.negotiated_version() == best.version),
            ),
            Ok(Reply::Refused(_)) => Some(false),
            // A TLS stack that does not parse SSLv2 records answers with
            // whatever it makes of them: that is a "no".
            Err(f) if matches!(f.code, FailCode::Malformed | FailCode::Garbage) => Some(false),
            Err(f) => {
                p.fail(PROBE, &f);
                None
            }
        }
    }
}
