//! The reference browser: one Chrome-like hello (first wave), telling
//! whether a current browser gets a handshake and what it negotiates
//! (`BrowserFacts`). It shares nothing with the enumeration: its refusal is a
//! fact (`error`), not a probe failure.

use tlslens_core::facts::BrowserFacts;

use super::conn::Reply;
use super::hello;
use super::prober::Prober;
use crate::codec::{FlightParser, ProtocolVersion, ServerFlight};

/// Sends the browser's hello and reads what it negotiates.
pub async fn browser(p: &Prober<'_>) -> BrowserFacts {
    let mut out = BrowserFacts {
        client: hello::BROWSER_CLIENT.to_owned(),
        ..BrowserFacts::default()
    };
    let hello = hello::browser(p.sni, p.random(), p.random());
    let bytes = match hello.encode_records() {
        Ok(b) => b,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let flight = match p.link.exchange(&bytes, FlightParser::new()).await {
        Ok(Reply::Hello { flight, .. }) => flight,
        Ok(Reply::Refused(r)) => {
            out.error = Some(r.to_string());
            return out;
        }
        Err(f) => {
            p.fail("browser", &f);
            out.error = Some(f.message);
            return out;
        }
    };
    p.observe(&flight);
    match negotiated(&flight) {
        Ok((protocol, suite, group)) => {
            out.protocol = Some(protocol);
            out.cipher_suite = Some(suite);
            out.group = group;
        }
        Err(e) => out.error = Some(e),
    }
    out
}

/// What the browser negotiated from `flight`, or why it would fail.
fn negotiated(
    flight: &ServerFlight,
) -> Result<
    (
        ProtocolVersion,
        crate::codec::CipherSuite,
        Option<crate::codec::NamedGroup>,
    ),
    String,
> {
    let Some(sh) = &flight.server_hello else {
        return Err("no ServerHello".to_owned());
    };
    let v = sh.negotiated_version();
    if v < ProtocolVersion::TLS12 {
        return Err(format!(
            "the server chose {v}, which current browsers refuse"
        ));
    }
    if !hello::CHROME_SUITES.contains(&sh.cipher_suite) {
        return Err(format!(
            "the server chose suite 0x{:04X}, which the browser did not offer",
            sh.cipher_suite.0
        ));
    }
    let group = if v == ProtocolVersion::TLS13 {
        sh.key_share_group()
    } else {
        flight
            .server_key_exchange
            .as_ref()
            .and_then(|k| k.named_group())
    };
    Ok((v, sh.cipher_suite, group))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::codec::{CipherSuite, ServerHello};

    fn flight(v: ProtocolVersion, suite: u16) -> ServerFlight {
        ServerFlight {
            server_hello: Some(ServerHello::new(v, [1; 32], CipherSuite(suite))),
            ..ServerFlight::default()
        }
    }

    #[test]
    fn browser_refuses_old_versions_and_unoffered_suites() {
        assert_eq!(
            negotiated(&flight(ProtocolVersion::TLS11, 0xC013)).unwrap_err(),
            "the server chose TLSv1.1, which current browsers refuse"
        );
        assert_eq!(
            negotiated(&flight(ProtocolVersion::TLS12, 0x000A)).unwrap_err(),
            "the server chose suite 0x000A, which the browser did not offer"
        );
        assert_eq!(
            negotiated(&ServerFlight::default()).unwrap_err(),
            "no ServerHello"
        );
        let (v, s, g) = negotiated(&flight(ProtocolVersion::TLS12, 0xC02F)).unwrap();
        assert_eq!(
            (v, s, g),
            (ProtocolVersion::TLS12, CipherSuite(0xC02F), None)
        );
    }
}
