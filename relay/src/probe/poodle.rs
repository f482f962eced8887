//! POODLE over TLS (CVE-2014-8730): TLS stacks that decrypt CBC records
//! without checking the padding bytes (only the last one, the length), as
//! SSLv3 does — F5 BIG-IP, A10, Citrix NetScaler firmware of 2014.
//!
//! The [`PoodleTlsStage`] completes a handshake at the newest of TLS 1.0–1.2
//! with a CBC suite ([`super::tls12`]; the server's Finished is verified, so
//! the keys are right), then sends an HTTP request in one record whose MAC
//! is valid and whose padding bytes are all wrong except the length
//! ([`Padding::WrongBytes`]). A correct server must fail it (`bad_record_mac`,
//! RFC 5246 §6.2.3.2); answering with application data proves the padding
//! went unchecked: `vulnerable`. An alert or a close is `not_vulnerable`.
//! When the server stays silent, a second connection sends the same request
//! correctly padded: if that one is answered, the silence was a refusal
//! (`not_vulnerable`); if not, the service answers no HTTP and nothing can be
//! told (`not_tested`).

use std::time::Duration;

use tlslens_core::facts::VulnCheck;

use super::conn::Next;
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use super::tls12::protect::Padding;
use super::tls12::{self, Incoming, Offer};
use crate::codec::{CipherSuite, ContentType, ProtocolVersion};

/// The `probe` of its probe errors.
const PROBE: &str = "vuln:poodle_tls";
/// How long to wait for the answer to the request.
const ANSWER_WAIT: Duration = Duration::from_secs(3);

/// The second-wave stage testing POODLE over TLS.
#[derive(Debug, Clone, Copy)]
pub struct PoodleTlsStage;

impl Stage for PoodleTlsStage {
    const NAME: &'static str = "poodle_tls";
    type Outcome = VulnCheck;

    async fn run(&self, p: &Prober<'_>, first: &FirstWave) -> Self::Outcome {
        let Some((v, suites)) = tls12::pick(first, |s| s.bulk.is_cbc()) else {
            return without_cbc(first);
        };
        let name = suite_name(suites.first().copied());
        let bad = match request(p, v, &suites, Padding::WrongBytes).await {
            Ok(answer) => answer,
            Err(why) => return why,
        };
        let seen = format!(
            "{name} at {v}: a request with a valid MAC and wrong CBC padding bytes got {}",
            bad.describe()
        );
        match &bad {
            Incoming::Data(ContentType::APPLICATION_DATA, _) => {
                tracing::warn!(endpoint = %p.link.addr, "POODLE-TLS: bad CBC padding accepted");
                VulnCheck::vulnerable(seen)
            }
            Incoming::Data(ContentType::ALERT, _) | Incoming::Quiet(Next::Closed | Next::Reset) => {
                VulnCheck::not_vulnerable(seen)
            }
            Incoming::Quiet(Next::Silent) => control(p, v, &suites, seen).await,
            _ => VulnCheck::not_tested(seen),
        }
    }
}

/// No CBC suite the handshakes implement: either none at all (nothing to
/// attack) or only ones they cannot complete.
fn without_cbc(first: &FirstWave) -> VulnCheck {
    let cbc_offered = first
        .supported_legacy()
        .iter()
        .filter(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
        .flat_map(|s| &s.suites)
        .any(|s| {
            s.info()
                .is_some_and(|i| i.mode == tlslens_core::suites::CipherMode::Cbc)
        });
    if cbc_offered {
        VulnCheck::not_tested(
            "the server's CBC suites use a key exchange or cipher the probe does not implement",
        )
    } else if tls12::speaks_legacy_tls(first) {
        VulnCheck::not_vulnerable("no CBC suite is offered with TLS 1.0–1.2")
    } else {
        VulnCheck::not_tested("the server speaks none of TLS 1.0–1.2")
    }
}

fn suite_name(s: Option<CipherSuite>) -> String {
    s.and_then(|s| s.info())
        .map_or_else(|| "a CBC suite".to_owned(), |i| i.name.to_owned())
}

/// A handshake, then one `GET /` with `padding`: the server's answer, or the
/// verdict when the test could not be made.
async fn request(
    p: &Prober<'_>,
    v: ProtocolVersion,
    suites: &[CipherSuite],
    padding: Padding,
) -> Result<Incoming, VulnCheck> {
    let offer = Offer::new(v, suites.to_vec());
    let not_tested = |stop: &tls12::Stop| {
        p.fail(PROBE, &stop.as_fail());
        VulnCheck::not_tested(format!("the handshake failed: {}", stop.describe()))
    };
    let (session, first) = tls12::hello(p, &offer).await.map_err(|s| not_tested(&s))?;
    let mut est = tls12::finish(p, session, first)
        .await
        .map_err(|s| not_tested(&s))?;
    let get = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nUser-Agent: tlslens-relay/{}\r\nConnection: close\r\n\r\n",
        p.host,
        env!("CARGO_PKG_VERSION")
    );
    est.send(ContentType::APPLICATION_DATA, get.as_bytes(), padding)
        .await
        .map_err(|s| not_tested(&s))?;
    est.receive(ANSWER_WAIT).await.map_err(|s| not_tested(&s))
}

/// The server was silent after the malformed record: does it answer a
/// correct one?
async fn control(
    p: &Prober<'_>,
    v: ProtocolVersion,
    suites: &[CipherSuite],
    seen: String,
) -> VulnCheck {
    match request(p, v, suites, Padding::Correct).await {
        Ok(Incoming::Data(ContentType::APPLICATION_DATA, _)) => VulnCheck::not_vulnerable(format!(
            "{seen}, while the same request correctly padded is answered"
        )),
        Ok(other) => VulnCheck::not_tested(format!(
            "{seen}, and the same request correctly padded got {} (no HTTP service?)",
            other.describe()
        )),
        Err(why) => why,
    }
}
