//! Which alerts a scan raises (pure: a graded endpoint and the previous grade in,
//! `(dedup key, JSON payload)` out, in exactly the shapes of docs/contracts.md, contract 5, and
//! their delivery to the webhook with retries and backoff.
//!
//! The webhook is the operator's own endpoint, so it is not subject to the
//! address guard that protects scans.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tlslens_core::expiry;
use tlslens_core::report::{EndpointReport, Grade};
use tlslens_core::time::{parse_rfc3339, rfc3339};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Grade from its contract spelling.
pub fn grade_from_str(s: &str) -> Option<Grade> {
    Grade::parse(s)
}

/// The alerts one graded endpoint raises. `previous` is the endpoint's last
/// successful grade before this scan.
pub fn for_endpoint(
    host: &str,
    port: u16,
    ep: &EndpointReport,
    previous: Option<&str>,
    alert_days: &[u32],
    now: i64,
    scan_id_hint: i64,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(chain) = &ep.chain {
        for cert in chain
            .certificates
            .iter()
            .filter(|c| c.role != tlslens_core::cert::CertRole::Extra)
        {
            let Some(not_after) = parse_rfc3339(&cert.not_after) else {
                continue;
            };
            let expired = now > not_after;
            if let Some(threshold) = expiry::threshold(cert.days_left, expired, alert_days) {
                let key = format!("expiry|{host}|{port}|{}|{}|{threshold}", ep.ip, cert.sha256);
                let payload = json!({
                    "kind": "expiry",
                    "host": host,
                    "port": port,
                    "ip": ep.ip,
                    "days_left": cert.days_left,
                    "threshold": threshold,
                    "not_after": cert.not_after,
                    "subject": cert.subject,
                });
                out.push((key, payload.to_string()));
            }
        }
    }
    if let (Some(prev), Some(now_grade)) = (previous.and_then(grade_from_str), ep.grade) {
        if now_grade.dropped_from(prev) {
            let key = format!("grade_drop|{host}|{port}|{}|{scan_id_hint}", ep.ip);
            let payload = json!({
                "kind": "grade_drop",
                "host": host,
                "port": port,
                "ip": ep.ip,
                "from": prev.as_str(),
                "to": now_grade.as_str(),
            });
            out.push((key, payload.to_string()));
        }
    }
    out
}

/// The alert for an endpoint (or a whole target, `ip` empty) that stopped
/// answering; keyed by the outage start so each outage alerts once.
pub fn unreachable(host: &str, port: u16, ip: &str, error: &str, since: i64) -> (String, String) {
    let key = format!("unreachable|{host}|{port}|{ip}|{since}");
    let payload = json!({
        "kind": "unreachable",
        "host": host,
        "port": port,
        "ip": if ip.is_empty() { serde_json::Value::Null } else { json!(ip) },
        "error": error,
        "since": rfc3339(since),
    });
    (key, payload.to_string())
}

/// Backoff after `attempts` failed deliveries: 30 s doubling, at most 1 h.
pub fn backoff(attempts: u32) -> Duration {
    let secs = 30u64.saturating_mul(1u64 << attempts.min(7));
    Duration::from_secs(secs.min(3600))
}

/// POSTs JSON to a webhook URL; `Ok` on a 2xx answer.
#[derive(Debug, Clone)]
pub struct Webhook {
    url: String,
    tls: Arc<rustls::ClientConfig>,
    timeout: Duration,
}

impl Webhook {
    /// A client for `url` (`http://` or `https://`, verified against the Mozilla roots).
    pub fn new(url: &str) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| {
                rustls::ClientConfig::builder()
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth()
            });
        Self {
            url: url.to_owned(),
            tls: Arc::new(tls),
            timeout: Duration::from_secs(10),
        }
    }

    /// Sends one payload.
    pub async fn post(&self, body: &str) -> Result<(), String> {
        tokio::time::timeout(self.timeout, self.post_inner(body))
            .await
            .map_err(|_| format!("no answer within {} s", self.timeout.as_secs()))?
    }

    async fn post_inner(&self, body: &str) -> Result<(), String> {
        let (tls, rest) = if let Some(r) = self.url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = self.url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err("webhook must be http:// or https://".into());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = split_authority(authority, if tls { 443 } else { 80 })?;
        let stream = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|e| format!("connect {authority}: {e}"))?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: tlslens-relay/{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        if tls {
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|e| format!("webhook host {host}: {e}"))?;
            let conn = tokio_rustls::TlsConnector::from(self.tls.clone())
                .connect(name, stream)
                .await
                .map_err(|e| format!("TLS to {authority}: {e}"))?;
            exchange(conn, &request).await
        } else {
            exchange(stream, &request).await
        }
    }
}

fn split_authority(authority: &str, default_port: u16) -> Result<(String, u16), String> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (h, rest) = v6.split_once(']').ok_or("bad IPv6 webhook host")?;
        let port = match rest.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| "bad webhook port")?,
            None => default_port,
        };
        return Ok((h.to_owned(), port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => Ok((h.to_owned(), p.parse().map_err(|_| "bad webhook port")?)),
        None => Ok((authority.to_owned(), default_port)),
    }
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    request: &str,
) -> Result<(), String> {
    s.write_all(request.as_bytes())
        .await
        .map_err(|e| format!("send: {e}"))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 8192 {
        let n = s.read(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| "not an HTTP answer".to_owned())?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0), Duration::from_secs(30));
        assert_eq!(backoff(1), Duration::from_secs(60));
        assert_eq!(backoff(20), Duration::from_secs(3600));
    }

    #[test]
    fn authority_parsing() {
        assert_eq!(
            split_authority("127.0.0.1:9000", 80).unwrap(),
            ("127.0.0.1".into(), 9000)
        );
        assert_eq!(
            split_authority("hooks.test", 443).unwrap(),
            ("hooks.test".into(), 443)
        );
        assert_eq!(
            split_authority("[::1]:8080", 80).unwrap(),
            ("::1".into(), 8080)
        );
        assert!(split_authority("h:x", 80).is_err());
    }

    #[test]
    fn unreachable_payload_shape() {
        let (key, payload) = unreachable("a.test", 443, "", "connection refused", 1_800_000_000);
        let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(v["kind"], "unreachable");
        assert_eq!(v["ip"], serde_json::Value::Null);
        assert!(key.contains("1800000000"));
    }
}
