//! Target parsing and name resolution: `HOST[:PORT]` (also `[v6]:port`, a bare
//! IPv6 literal, or an `https://` URL), curl-style `--resolve` overrides, and
//! DNS where every A and AAAA record becomes its own endpoint. Every address is
//! passed through the [`crate::guard`] before it is returned.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub use crate::error::TargetError;
use crate::guard;
use crate::Error;

/// A parsed scan target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// Lower-case host name without trailing dot, or an IP literal (IPv6
    /// without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Set when the host is an IP address in any spelling.
    pub ip: Option<IpAddr>,
}

impl TargetSpec {
    /// The name to send as SNI, `None` for IP literals (RFC 6066 forbids them).
    pub fn sni(&self) -> Option<&str> {
        if self.ip.is_some() {
            None
        } else {
            Some(&self.host)
        }
    }
}

/// `host:port`, `[v6]:port` for an IPv6 literal.
impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ip {
            Some(IpAddr::V6(_)) => write!(f, "[{}]:{}", self.host, self.port),
            _ => write!(f, "{}:{}", self.host, self.port),
        }
    }
}

/// One `--resolve HOST:PORT:ADDR[,ADDR...]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    /// Host, lower case; `*` matches any host (as in curl ≥ 7.86).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Addresses, in order.
    pub addrs: Vec<IpAddr>,
}

fn parse_port(s: &str, input: &str) -> Result<u16, TargetError> {
    match s.parse::<u16>() {
        Ok(0) | Err(_) => Err(TargetError::Port {
            port: s.to_owned(),
            input: input.to_owned(),
        }),
        Ok(p) => Ok(p),
    }
}

/// Parses `HOST[:PORT]`, `[IPv6]:PORT`, a bare IPv6 literal or
/// `https://HOST[:PORT]/…`. The default port is 443.
pub fn parse_target(input: &str) -> Result<TargetSpec, TargetError> {
    let mut s = input.trim();
    if s.is_empty() {
        return Err(TargetError::EmptyTarget);
    }
    if let Some((scheme, rest)) = s.split_once("://") {
        if !scheme.eq_ignore_ascii_case("https") {
            return Err(TargetError::Scheme(scheme.to_owned()));
        }
        s = rest;
        let end = s.find(['/', '?', '#']).unwrap_or(s.len());
        s = &s[..end];
        if let Some((_, host)) = s.rsplit_once('@') {
            s = host;
        }
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| TargetError::UnclosedBracket(input.to_owned()))?;
        let port = match after {
            "" => 443,
            p => parse_port(
                p.strip_prefix(':')
                    .ok_or_else(|| TargetError::AfterBracket(after.to_owned()))?,
                input,
            )?,
        };
        (h.to_owned(), port)
    } else if s.matches(':').count() > 1 {
        (s.to_owned(), 443)
    } else if let Some((h, p)) = s.split_once(':') {
        (h.to_owned(), parse_port(p, input)?)
    } else {
        (s.to_owned(), 443)
    };
    let (host, ip) = parse_host(&host)?;
    Ok(TargetSpec { host, port, ip })
}

/// Normalises a host: IP literals in any spelling become the address they
/// mean; names are checked for valid characters and lower-cased.
pub fn parse_host(host: &str) -> Result<(String, Option<IpAddr>), TargetError> {
    if host.is_empty() {
        return Err(TargetError::EmptyHost);
    }
    if host.contains('%') {
        return Err(TargetError::Zone(host.to_owned()));
    }
    if host.contains(':') {
        let ip: IpAddr = host
            .parse()
            .map_err(|_| TargetError::Ipv6(host.to_owned()))?;
        return Ok((ip.to_string(), Some(ip)));
    }
    if let Some(v4) = guard::parse_ipv4_numeric(host) {
        let ip = IpAddr::V4(v4);
        return Ok((ip.to_string(), Some(ip)));
    }
    if guard::looks_numeric(host) {
        return Err(TargetError::Ipv4(host.to_owned()));
    }
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 253 || !name.split('.').all(valid_label) {
        return Err(TargetError::HostName(host.to_owned()));
    }
    Ok((name, None))
}

/// Parses one `--resolve` value: `HOST:PORT:ADDR[,ADDR...]`, addresses
/// optionally in brackets (`[::1]`).
pub fn parse_resolve(value: &str) -> Result<ResolveOverride, TargetError> {
    let (host, rest) = value.split_once(':').ok_or(TargetError::ResolveShape)?;
    let (port, addrs) = rest.split_once(':').ok_or(TargetError::ResolveShape)?;
    let port = parse_port(port, "HOST:PORT:ADDR")?;
    let host = if host == "*" {
        "*".to_owned()
    } else {
        parse_host(host.trim_start_matches('+'))?.0
    };
    let mut out = Vec::new();
    for a in addrs.split(',') {
        let ip = parse_address(a)?;
        if !out.contains(&ip) {
            out.push(ip);
        }
    }
    if out.is_empty() {
        return Err(TargetError::NoAddress);
    }
    Ok(ResolveOverride {
        host,
        port,
        addrs: out,
    })
}

/// Parses one address to use instead of DNS: an IPv4 address in any
/// spelling, or an IPv6 address with or without brackets.
pub fn parse_address(a: &str) -> Result<IpAddr, TargetError> {
    let a = a.trim();
    let bare = a
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(a);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        Ok(ip)
    } else if let Some(v4) = guard::parse_ipv4_numeric(bare) {
        Ok(IpAddr::V4(v4))
    } else {
        Err(TargetError::Address(a.to_owned()))
    }
}

/// The endpoints of `target`: the `--resolve` entry for its host and port if
/// there is one, the IP literal itself, or every A/AAAA record (IPv4 first, in
/// resolver order, duplicates removed). Refuses the whole target if any address
/// is not allowed by the guard.
pub async fn resolve(
    target: &TargetSpec,
    overrides: &[ResolveOverride],
    policy: &guard::Policy,
) -> Result<Vec<SocketAddr>, Error> {
    let over = overrides
        .iter()
        .find(|o| o.port == target.port && o.host == target.host)
        .or_else(|| {
            overrides
                .iter()
                .find(|o| o.port == target.port && o.host == "*")
        });
    let ips: Vec<IpAddr> = if let Some(o) = over {
        o.addrs.clone()
    } else if let Some(ip) = target.ip {
        vec![ip]
    } else {
        let found = tokio::net::lookup_host((target.host.as_str(), target.port))
            .await
            .map_err(|e| Error::Unresolvable {
                host: target.host.clone(),
                message: e.to_string(),
            })?;
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for sa in found {
            let ip = canonical(sa.ip());
            let list = if ip.is_ipv4() { &mut v4 } else { &mut v6 };
            if !list.contains(&ip) {
                list.push(ip);
            }
        }
        v4.extend(v6);
        if v4.is_empty() {
            return Err(Error::Unresolvable {
                host: target.host.clone(),
                message: "no A or AAAA records".to_owned(),
            });
        }
        v4
    };
    check_all(&target.host, &ips, policy)?;
    Ok(ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, target.port))
        .collect())
}

/// Refuses if any address is outside what the guard allows.
pub fn check_all(host: &str, ips: &[IpAddr], policy: &guard::Policy) -> Result<(), Error> {
    for ip in ips {
        if let Some(reason) = policy.refusal(*ip) {
            return Err(Error::Refused {
                host: host.to_owned(),
                ip: *ip,
                reason,
            });
        }
    }
    Ok(())
}

/// An IPv4-mapped IPv6 address returned by a resolver is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// `127.0.0.1`, for tests and defaults.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = parse_target("Example.COM.").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.ip), ("example.com", 443, None));
        assert_eq!(parse_target("example.com:8443").unwrap().port, 8443);
        let t = parse_target("[::1]:4433").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 4433));
        assert_eq!(t.sni(), None);
        let t = parse_target("2001:db8::1").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("2001:db8::1", 443));
        let t = parse_target("https://user@example.com:444/path?q").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("example.com", 444));
        let t = parse_target("127.1:443").unwrap();
        assert_eq!(t.host, "127.0.0.1");
        assert_eq!(t.ip, Some(LOOPBACK));
        assert_eq!(
            parse_target("0x7f000001").unwrap().ip,
            Some(LOOPBACK),
            "hex spelling"
        );
        assert_eq!(parse_target("2130706433").unwrap().ip, Some(LOOPBACK));
        for bad in [
            "",
            "example.com:0",
            "example.com:65536",
            "example.com:x",
            "exa mple.com",
            "-bad.com",
            "[::1",
            "[::1]x",
            "1.2.3.4.5",
            "999.1.1.1",
            "ftp://example.com",
            "fe80::1%eth0",
            "a..b",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resolve_entries() {
        let r = parse_resolve("example.test:443:127.0.0.1,[::1],127.0.0.2").unwrap();
        assert_eq!(r.host, "example.test");
        assert_eq!(r.port, 443);
        assert_eq!(r.addrs.len(), 3);
        assert_eq!(r.addrs[1], "::1".parse::<IpAddr>().unwrap());
        let r = parse_resolve("example.test:443:::1").unwrap();
        assert_eq!(r.addrs, vec!["::1".parse::<IpAddr>().unwrap()]);
        for bad in [
            "example.test",
            "example.test:443",
            "example.test:x:1.2.3.4",
            "example.test:443:nope",
        ] {
            assert!(parse_resolve(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_resolve("example.test:443:nope")
                .unwrap_err()
                .to_string(),
            "invalid address \"nope\""
        );
    }

    #[tokio::test]
    async fn resolve_uses_override_and_guard() {
        let t = parse_target("example.test:8443").unwrap();
        let o = vec![parse_resolve("example.test:8443:127.0.0.1,127.0.0.2").unwrap()];
        let eps = resolve(&t, &o, &guard::Policy::allow_all()).await.unwrap();
        assert_eq!(eps.len(), 2);
        assert_eq!(eps[1], "127.0.0.2:8443".parse().unwrap());
        assert!(matches!(
            resolve(&t, &o, &guard::Policy::strict()).await,
            Err(Error::Refused { .. })
        ));
        // Wrong port: the override does not apply (that path goes to DNS,
        // which the CLI test `scan_cli::unresolvable_exits_4` covers).
        let other = parse_resolve("example.test:443:8.8.8.8").unwrap();
        assert!(other.port != t.port);
        let star = vec![parse_resolve("*:8443:8.8.8.8").unwrap()];
        assert_eq!(
            resolve(&t, &star, &guard::Policy::strict())
                .await
                .unwrap()
                .len(),
            1
        );
        let lit = parse_target("127.1").unwrap();
        assert!(matches!(
            resolve(&lit, &[], &guard::Policy::strict()).await,
            Err(Error::Refused { .. })
        ));
        let six = parse_target("[::ffff:10.0.0.1]:443").unwrap();
        assert!(matches!(
            resolve(&six, &[], &guard::Policy::strict()).await,
            Err(Error::Refused { .. })
        ));
    }

    #[tokio::test]
    async fn localhost_name_is_refused() {
        let t = parse_target("localhost").unwrap();
        match resolve(&t, &[], &guard::Policy::strict()).await {
            Err(Error::Refused { .. }) => {}
            Err(Error::Unresolvable { .. }) => {} // no resolver in a sandbox
            other => panic!("{other:?}"),
        }
    }
}
