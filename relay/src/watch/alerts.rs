//! Which alerts a scan raises (pure: a graded endpoint and the previous grade in,
//! `(dedup key, JSON payload)` out, in exactly the shapes of docs/contracts.md, contract 5, and
//! their delivery to the webhook with retries and backoff.
//!
//! Every alert has an `id` ([`alert_id`]), derived from its deduplication key:
//! the same alert always has the same id, in its payload and in the
//! `Idempotency-Key` header of every delivery, so a receiver can drop a
//! redelivery (after a crash between its answer and the outbox update).
//!
//! The webhook is the operator's own endpoint, so it is not subject to the
//! address guard that protects scans.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tlslens_core::clients::{self, ClientReport, ClientSelection};
use tlslens_core::expiry;
use tlslens_core::report::{EndpointReport, Grade};
use tlslens_core::time::{parse_rfc3339, rfc3339};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// The stable id of the alert with deduplication key `key`: the first 16
/// bytes of its SHA-256, in hex.
pub fn alert_id(key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    digest
        .as_ref()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `(key, payload)` with the alert's `id` in the payload.
fn keyed(key: String, mut payload: serde_json::Value) -> (String, String) {
    if let Some(map) = payload.as_object_mut() {
        map.insert("id".to_owned(), json!(alert_id(&key)));
    }
    let text = payload.to_string();
    (key, text)
}

/// The payload to send: `payload` with the alert's `id` (alerts queued by
/// an older version have none).
pub fn with_id(payload: &str, key: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(serde_json::Value::Object(mut map)) if !map.contains_key("id") => {
            map.insert("id".to_owned(), json!(alert_id(key)));
            serde_json::Value::Object(map).to_string()
        }
        _ => payload.to_owned(),
    }
}

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
                out.push(keyed(key, payload));
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
            out.push(keyed(key, payload));
        }
    }
    out
}

/// The `client_failure` alerts of one graded endpoint: each client of
/// `watched` (the config's `clients = [...]`) that fails now and did not in
/// the endpoint's last simulated scan. `previous` is that scan's failing
/// clients as stored (`[{"client", "code"}]`); without one (the first scan,
/// or none ran the simulation) nothing is known to have *started* failing,
/// so nothing is sent — as a grade drop needs a previous grade.
pub fn client_failures(
    host: &str,
    port: u16,
    ep: &EndpointReport,
    watched: &ClientSelection,
    previous: Option<&str>,
    scan_id_hint: i64,
) -> Vec<(String, String)> {
    let (Some(clients), Some(previous)) = (ep.clients.as_deref(), previous) else {
        return Vec::new();
    };
    let failed_before: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(previous)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["client"].as_str().map(str::to_owned))
        .collect();
    clients
        .iter()
        .filter(|c| clients::table::by_id(&c.id).is_some_and(|p| watched.matches(p)))
        .filter(|c| !failed_before.contains(&c.id))
        .filter_map(|c| {
            let failure = c.failure.as_ref()?;
            let code = failure.code.as_str();
            let key = format!(
                "client_failure|{host}|{port}|{}|{}|{code}|{scan_id_hint}",
                ep.ip, c.id
            );
            let payload = json!({
                "kind": "client_failure",
                "host": host,
                "port": port,
                "ip": ep.ip,
                "client": c.id,
                "name": c.name,
                "code": code,
                "message": failure.message,
            });
            Some((key, payload.to_string()))
        })
        .collect()
}

/// The failing clients of an endpoint as stored with its scan
/// (`[{"client", "code"}]`), what [`client_failures`] compares with.
pub fn failing_clients(clients: &[ClientReport]) -> String {
    let list: Vec<serde_json::Value> = clients
        .iter()
        .filter_map(|c| {
            let f = c.failure.as_ref()?;
            Some(json!({"client": c.id, "code": f.code.as_str()}))
        })
        .collect();
    serde_json::Value::Array(list).to_string()
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
    keyed(key, payload)
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

    /// Sends one payload, with `id` as its `Idempotency-Key`.
    pub async fn post(&self, body: &str, id: &str) -> Result<(), String> {
        tokio::time::timeout(self.timeout, self.post_inner(body, id))
            .await
            .map_err(|_| format!("no answer within {} s", self.timeout.as_secs()))?
    }

    async fn post_inner(&self, body: &str, id: &str) -> Result<(), String> {
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
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: tlslens-relay/{}\r\nContent-Type: application/json\r\nIdempotency-Key: {id}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
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

    /// The first endpoint of the core's parity report with clients (Java
    /// 6u45 fails, Chrome 137 connects, IE 8 / XP fails for lack of SNI).
    fn simulated_endpoint() -> EndpointReport {
        let report: tlslens_core::Report = serde_json::from_str(include_str!(
            "../../../wasm-core/tests/fixtures/parity/clients.report.json"
        ))
        .unwrap();
        report.endpoints.into_iter().next().unwrap()
    }

    #[test]
    fn a_watched_client_that_starts_failing_alerts_once_with_its_cause() {
        let ep = simulated_endpoint();
        let watched = ClientSelection::parse("java-6u45,Chrome 137 / Win 11").unwrap();
        // No earlier simulated scan: nothing is known to have started.
        assert!(client_failures("a.test", 443, &ep, &watched, None, 7).is_empty());
        let alerts = client_failures("a.test", 443, &ep, &watched, Some("[]"), 7);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        let (key, payload) = &alerts[0];
        assert_eq!(
            key,
            &format!(
                "client_failure|a.test|443|{}|java-6u45|protocol_mismatch|7",
                ep.ip
            )
        );
        let v: serde_json::Value = serde_json::from_str(payload).unwrap();
        assert_eq!(v["kind"], "client_failure");
        assert_eq!(v["client"], "java-6u45");
        assert_eq!(v["code"], "protocol_mismatch");
        assert!(v["message"].as_str().unwrap().contains("Java 6u45"));
        // Already failing in the last simulated scan: no new alert.
        let before = failing_clients(ep.clients.as_deref().unwrap());
        assert!(before.contains("java-6u45") && before.contains("ie-8-xp"));
        assert!(client_failures("a.test", 443, &ep, &watched, Some(&before), 8).is_empty());
        // A client nobody listed never alerts (IE 8 / XP fails here too).
        let ie = ClientSelection::parse("chrome-137-win11").unwrap();
        assert!(client_failures("a.test", 443, &ep, &ie, Some("[]"), 7).is_empty());
    }

    #[test]
    fn unreachable_payload_shape() {
        let (key, payload) = unreachable("a.test", 443, "", "connection refused", 1_800_000_000);
        let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(v["kind"], "unreachable");
        assert_eq!(v["ip"], serde_json::Value::Null);
        assert!(key.contains("1800000000"));
        assert_eq!(v["id"], alert_id(&key));
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = alert_id("unreachable|a.test|443||1800000000");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, alert_id("unreachable|a.test|443||1800000000"));
        assert_ne!(a, alert_id("unreachable|a.test|443||1800000001"));
        // An alert queued without an id gets it when sent; one with an id
        // keeps it.
        let sent = with_id(r#"{"kind":"expiry"}"#, "k");
        let v: serde_json::Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(v["id"], alert_id("k"));
        assert_eq!(with_id(&sent, "other"), sent);
    }
}
