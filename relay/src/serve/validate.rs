//! Request validation: the `host`, `port`, `fresh`, `profile` and `fix`
//! parameters (400 on anything malformed), the port policy and the address
//! guard on what is known before resolving (403), and which client address
//! a request counts against.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::Deserialize;
use tlslens_core::clients::ClientSelection;
use tlslens_core::profiles::ProfileId;
use tlslens_core::GradeOptions;

use super::cache::Key;
use super::error::AppError;
use super::state::{AppState, PeerAddr};

use crate::resolve::{self, TargetSpec};

/// Longest host parameter accepted (a DNS name is at most 253).
const MAX_HOST: usize = 255;

/// The client address: the configured header's (last) address when behind a
/// proxy, else the peer's.
pub(super) fn client_ip(
    st: &AppState,
    req_headers: &axum::http::HeaderMap,
    peer: Option<PeerAddr>,
) -> IpAddr {
    if let Some(name) = &st.inner.config.client_ip_header {
        let from_header = req_headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| {
                let s = s.trim();
                s.parse::<IpAddr>()
                    .ok()
                    .or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
            })
            .next_back();
        if let Some(ip) = from_header {
            return ip;
        }
    }
    peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| p.0.ip())
}

/// The scan parameters.
#[derive(Debug, Deserialize)]
pub struct ScanQuery {
    host: Option<String>,
    port: Option<String>,
    fresh: Option<String>,
    clients: Option<String>,
    profile: Option<String>,
    fix: Option<String>,
}

/// A validated target.
#[derive(Debug, Clone)]
pub(super) struct Target {
    /// What to scan.
    pub(super) spec: TargetSpec,
    /// The cache and single-flight key.
    pub(super) key: Key,
    /// `host:port` (`[v6]:port`) for messages.
    pub(super) label: String,
    /// The clients to simulate when the request chose (`clients=`).
    pub(super) clients: Option<ClientSelection>,
}

/// The longest `clients=` value accepted.
const MAX_CLIENTS_PARAM: usize = 4096;

/// Validates the `clients` parameter: `all`, `current` or ids and names of
/// the client table, comma-separated.
pub fn validate_clients(raw: &str) -> Result<ClientSelection, AppError> {
    if raw.len() > MAX_CLIENTS_PARAM {
        return Err(AppError::bad_input(format!(
            "clients is longer than {MAX_CLIENTS_PARAM} bytes"
        )));
    }
    if raw.chars().any(char::is_control) {
        return Err(AppError::bad_input("clients contains control characters"));
    }
    ClientSelection::parse(raw).map_err(|e| AppError::bad_input(e.to_string()))
}

/// The cache key of a selection: the ids it selects, or `""` when they are
/// the relay's default ones.
fn selection_key(chosen: &ClientSelection, default: Option<&ClientSelection>) -> String {
    let ids = |s: &ClientSelection| -> Vec<&'static str> {
        s.select().into_iter().map(|c| c.id.as_str()).collect()
    };
    let mine = ids(chosen);
    if default.is_some_and(|d| ids(d) == mine) {
        String::new()
    } else {
        mine.join(",")
    }
}

/// Validates the `host` parameter: ASCII only (IDNs in their `xn--` form),
/// no control characters, an IPv6 literal with or without brackets, no port.
pub fn validate_host(raw: &str) -> Result<(String, Option<IpAddr>), AppError> {
    if raw.is_empty() {
        return Err(AppError::bad_input("host is empty"));
    }
    if raw.len() > MAX_HOST {
        return Err(AppError::bad_input(format!(
            "host is longer than {MAX_HOST} bytes"
        )));
    }
    if raw.chars().any(char::is_control) {
        return Err(AppError::bad_input("host contains control characters"));
    }
    if !raw.is_ascii() {
        return Err(AppError::bad_input(
            "host must be ASCII: give an internationalised name in its IDNA (xn--) form",
        ));
    }
    let inner = match raw.strip_prefix('[') {
        Some(rest) => {
            let v6 = rest
                .strip_suffix(']')
                .filter(|v| v.parse::<Ipv6Addr>().is_ok())
                .ok_or_else(|| {
                    AppError::bad_input(
                        "a bracketed host must be an IPv6 address, as [2001:db8::1]",
                    )
                })?;
            v6
        }
        None => raw,
    };
    if inner.contains(':') && inner.parse::<Ipv6Addr>().is_err() {
        return Err(AppError::bad_input(
            "host must not contain a port (use the port parameter)",
        ));
    }
    if !inner
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
    {
        return Err(AppError::bad_input(
            "host may contain only letters, digits, '.', '-', '_' (and ':' in IPv6 addresses)",
        ));
    }
    resolve::parse_host(inner).map_err(AppError::from)
}

/// Validates the `port` parameter: 1–65535 in plain decimal, 443 when absent.
pub fn validate_port(raw: Option<&str>) -> Result<u16, AppError> {
    let Some(raw) = raw else { return Ok(443) };
    let ok = !raw.is_empty() && raw.len() <= 5 && raw.bytes().all(|b| b.is_ascii_digit());
    match raw.parse::<u16>() {
        Ok(p) if ok && p != 0 => Ok(p),
        _ => Err(AppError::bad_input("port must be a number from 1 to 65535")),
    }
}

fn parse_fresh(raw: Option<&str>) -> Result<bool, AppError> {
    parse_flag(raw).ok_or_else(|| AppError::bad_input("fresh must be 1 or 0"))
}

/// A yes/no parameter: `1`/`0` (also `true`/`false`, `yes`/`no`); absent is
/// no; anything else `None`.
fn parse_flag(raw: Option<&str>) -> Option<bool> {
    match raw {
        None | Some("" | "0" | "false" | "no") => Some(false),
        Some("1" | "true" | "yes") => Some(true),
        Some(_) => None,
    }
}

/// What the core adds to the report: `profile` (a Mozilla profile: the
/// report's `compliance`) and `fix=1` (each endpoint's fix plan, towards the
/// profile or A+). An unknown profile is 400 with the known ones.
pub fn grade_options(q: &ScanQuery) -> Result<GradeOptions, AppError> {
    let profile = match q.profile.as_deref() {
        None | Some("") => None,
        Some(name) => {
            Some(ProfileId::parse(name).map_err(|e| AppError::bad_input(format!("profile: {e}")))?)
        }
    };
    let fix =
        parse_flag(q.fix.as_deref()).ok_or_else(|| AppError::bad_input("fix must be 1 or 0"))?;
    Ok(GradeOptions { profile, fix })
}

impl AppState {
    /// Checks the query: host, port, `fresh`, the port policy and the guard.
    pub(super) fn validate(&self, q: &ScanQuery) -> Result<(Target, bool), AppError> {
        let host = q
            .host
            .as_deref()
            .ok_or_else(|| AppError::bad_input("missing the host parameter"))?;
        let (host, ip) = validate_host(host)?;
        let port = validate_port(q.port.as_deref())?;
        let fresh = parse_fresh(q.fresh.as_deref())?;
        let clients = q.clients.as_deref().map(validate_clients).transpose()?;
        let cfg = &self.inner.config;
        if !cfg.allow_ports.is_empty()
            && !cfg
                .allow_ports
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&port))
        {
            return Err(AppError::port_not_allowed(port));
        }
        let label = match ip {
            Some(IpAddr::V6(_)) => format!("[{host}]:{port}"),
            _ => format!("{host}:{port}"),
        };
        let spec = TargetSpec {
            host: host.clone(),
            port,
            ip,
        };
        self.precheck(&spec)?;
        let chosen = clients
            .as_ref()
            .map(|c| selection_key(c, cfg.scan.clients.as_ref()))
            .unwrap_or_default();
        Ok((
            Target {
                key: (host, port, chosen),
                spec,
                label,
                clients,
            },
            fresh,
        ))
    }

    /// The guard on what is known without DNS (an IP literal, a
    /// `--resolve` entry), so refused targets cost no rate-limit token. The
    /// scanner checks again, after resolving, before it connects.
    fn precheck(&self, spec: &TargetSpec) -> Result<(), AppError> {
        let opts = &self.inner.config.scan;
        let over = opts
            .resolve
            .iter()
            .find(|o| o.port == spec.port && o.host == spec.host)
            .or_else(|| {
                opts.resolve
                    .iter()
                    .find(|o| o.port == spec.port && o.host == "*")
            });
        let ips: Vec<IpAddr> = match (over, spec.ip) {
            (Some(o), _) => o.addrs.clone(),
            (None, Some(ip)) => vec![ip],
            (None, None) => return Ok(()),
        };
        resolve::check_all(&spec.host, &ips, &opts.policy()).map_err(|e| {
            AppError::from_scan(&e, &spec.host, &format!("{}:{}", spec.host, spec.port))
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn hosts_are_validated() {
        assert_eq!(validate_host("Example.COM").unwrap().0, "example.com");
        assert_eq!(
            validate_host("xn--bcher-kva.example").unwrap().0,
            "xn--bcher-kva.example"
        );
        assert_eq!(validate_host("[2001:db8::1]").unwrap().0, "2001:db8::1");
        assert_eq!(validate_host("2001:db8::1").unwrap().0, "2001:db8::1");
        assert_eq!(validate_host("127.1").unwrap().0, "127.0.0.1");
        assert_eq!(validate_host("0x7f000001").unwrap().0, "127.0.0.1");
        for bad in [
            "",
            "bücher.example",
            "ex\0ample.com",
            "example.com\n",
            "example.com:443",
            "[::1]:443",
            "[example.com]",
            "[::1",
            "a b.com",
            "a/b.com",
            "user@example.com",
            "fe80::1%eth0",
            "a..b",
            "-a.com",
            "1.2.3.4.5",
            &"a".repeat(300),
            &format!("{}.com", "a".repeat(64)),
        ] {
            let e = validate_host(bad).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
    }

    #[test]
    fn profile_and_fix_are_validated() {
        let q = |profile: Option<&str>, fix: Option<&str>| ScanQuery {
            host: Some("example.com".to_owned()),
            port: None,
            fresh: None,
            clients: None,
            profile: profile.map(str::to_owned),
            fix: fix.map(str::to_owned),
        };
        assert_eq!(
            grade_options(&q(None, None)).unwrap(),
            GradeOptions::default()
        );
        let o = grade_options(&q(Some("mozilla-old"), Some("1"))).unwrap();
        assert_eq!(o.profile, Some(ProfileId::MozillaOld));
        assert!(o.fix);
        let e = grade_options(&q(Some("mozilla"), None)).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(
            e.message
                .contains("mozilla-modern, mozilla-intermediate, mozilla-old"),
            "{}",
            e.message
        );
        assert!(grade_options(&q(None, Some("2"))).is_err());
    }

    #[test]
    fn ports_are_validated() {
        assert_eq!(validate_port(None).unwrap(), 443);
        assert_eq!(validate_port(Some("8443")).unwrap(), 8443);
        assert_eq!(validate_port(Some("65535")).unwrap(), 65535);
        for bad in [
            "0", "65536", "", "+443", "-1", "443 ", "1e3", "٤٤٣", "00000443", "0x1bb",
        ] {
            assert!(validate_port(Some(bad)).is_err(), "{bad}");
        }
    }
}
