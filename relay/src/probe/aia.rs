//! AIA chasing: when a served chain is incomplete, fetch the missing issuer
//! from the certificate's CA Issuers URL, over plain `http://` only, through the
//! address guard, with size and time limits.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::guard;
use crate::resolve::parse_host;

/// The largest response accepted (headers and body).
pub const MAX_RESPONSE: usize = 256 * 1024;

/// Why an AIA fetch failed.
pub type FetchError = String;

/// Parses `http://host[:port]/path` into host, port and path.
pub fn parse_http_url(url: &str) -> Option<(String, Option<std::net::IpAddr>, u16, String)> {
    let rest = url.strip_prefix("http://").or_else(|| {
        url.get(..7)
            .filter(|p| p.eq_ignore_ascii_case("http://"))
            .and_then(|_| url.get(7..))
    })?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => (rest, "/"),
    };
    let (host, port) = if let Some(r) = authority.strip_prefix('[') {
        let (h, after) = r.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => 80,
            None => return None,
        };
        (h, port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, 80),
        }
    };
    let (host, ip) = parse_host(host).ok()?;
    Some((host, ip, port, path.to_owned()))
}

/// Fetches `url` and returns the certificates in the body (DER, PEM, or the
/// certificates of a PKCS#7 bundle).
pub async fn fetch(
    url: &str,
    policy: &guard::Policy,
    budget: Duration,
) -> Result<Vec<Vec<u8>>, FetchError> {
    let (host, ip, port, path) =
        parse_http_url(url).ok_or_else(|| format!("not a plain http URL: {url}"))?;
    let body = tokio::time::timeout(budget, async {
        let addr = match ip {
            Some(ip) => SocketAddr::new(ip, port),
            None => tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .next()
                .ok_or_else(|| format!("{host} has no address"))?,
        };
        if let Some(reason) = policy.refusal(addr.ip()) {
            // The address and its range go to the log only: in the report they
            // would tell a hostile server what internal names resolve to.
            tracing::info!(url, address = %addr.ip(), reason, "AIA URL refused by the address guard");
            return Err(format!("AIA URL {url}: refused"));
        }
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect to {addr}: {e}"))?;
        let authority = if port == 80 {
            host.clone()
        } else {
            format!("{host}:{port}")
        };
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: tlslens-relay\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        stream
            .write_all(req.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => {
                    buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
                    if buf.len() > MAX_RESPONSE {
                        return Err(format!("AIA response over {MAX_RESPONSE} bytes"));
                    }
                }
                Err(e) if buf.is_empty() => return Err(format!("read: {e}")),
                Err(_) => break,
            }
        }
        Ok(buf)
    })
    .await
    .map_err(|_| format!("AIA fetch of {url} timed out"))??;
    let end = super::danger::find(&body, b"\r\n\r\n").ok_or("malformed HTTP response")?;
    let head = super::danger::parse_head(body.get(..end).unwrap_or_default());
    if head.status != Some(200) {
        let status = head
            .status
            .map_or_else(|| "none".to_owned(), |s| s.to_string());
        return Err(format!("AIA fetch of {url}: HTTP status {status}"));
    }
    let mut payload = body.get(end + 4..).unwrap_or_default().to_vec();
    let head_text =
        String::from_utf8_lossy(body.get(..end).unwrap_or_default()).to_ascii_lowercase();
    if head_text.contains("transfer-encoding: chunked") {
        payload = dechunk(&payload).ok_or("malformed chunked body")?;
    }
    let certs = certificates_in(&payload);
    if certs.is_empty() {
        return Err(format!(
            "AIA fetch of {url}: no certificate in the response"
        ));
    }
    Ok(certs)
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = super::danger::find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(body.get(..line_end)?).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = body.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

/// Certificates in an AIA body: one DER certificate, PEM blocks, or the
/// certificates inside a DER PKCS#7 `SignedData`.
pub fn certificates_in(body: &[u8]) -> Vec<Vec<u8>> {
    if body.windows(11).any(|w| w == b"-----BEGIN ") {
        let text = String::from_utf8_lossy(body);
        return tlslens_core::der::certificates_from_text(&text)
            .into_iter()
            .map(|d| d.0)
            .collect();
    }
    if tlslens_core::cert::parse(body).is_ok() {
        return vec![body.to_vec()];
    }
    // PKCS#7: look for embedded certificate SEQUENCEs that parse.
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 < body.len() {
        if body.get(i) == Some(&0x30) && body.get(i + 1) == Some(&0x82) {
            let len = usize::from(body.get(i + 2).copied().unwrap_or(0)) << 8
                | usize::from(body.get(i + 3).copied().unwrap_or(0));
            if let Some(candidate) = body.get(i..i + 4 + len) {
                if len > 200 && tlslens_core::cert::parse(candidate).is_ok() {
                    out.push(candidate.to_vec());
                    i += 4 + len;
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let (h, ip, p, path) = parse_http_url("http://ca.example.com/int.crt").unwrap();
        assert_eq!(
            (h.as_str(), ip, p, path.as_str()),
            ("ca.example.com", None, 80, "/int.crt")
        );
        let (_, ip, p, _) = parse_http_url("http://127.0.0.1:8080/x").unwrap();
        assert_eq!((ip.is_some(), p), (true, 8080));
        assert!(parse_http_url("https://x/").is_none());
        assert!(parse_http_url("ldap://x/").is_none());
        let (_, ip, p, path) = parse_http_url("http://[::1]:81").unwrap();
        assert_eq!((ip.is_some(), p, path.as_str()), (true, 81, "/"));
    }

    #[test]
    fn chunked() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        assert!(dechunk(b"zz\r\n").is_none());
    }
}
