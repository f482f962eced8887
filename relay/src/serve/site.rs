//! Which names and which web sites may use the relay — the answer to DNS
//! rebinding and to cross-site requests from a web page, which matter most
//! for a relay without a token.
//!
//! * **Host** ([`host_allowed`]): a page on `rebind.attacker.example` whose
//!   name is made to resolve to the relay's address is, to the browser, the
//!   relay's own origin: it could read every answer. Its requests still carry
//!   `Host: rebind.attacker.example`, so only the names the relay is served
//!   under are answered: `localhost`, the address the client reached (the
//!   listen address; with `[::]` or `0.0.0.0`, the address of that
//!   connection), and the `--public-host` names. The port is not compared (a
//!   proxy or a port mapping changes it; rebinding needs a name). A request
//!   without `Host` (HTTP/1.0; no browser sends one) is answered.
//! * **Origin** ([`site_allowed`]): a page on another site can make the
//!   browser send a GET to the relay (`fetch` in `no-cors` mode, an `<img>`)
//!   without reading the answer — enough to make it scan. Scans are started
//!   only for requests whose `Origin` is a browser extension, a
//!   `--cors-origin`, or the relay itself. The `Origin` decides when there
//!   is one: the extension's requests carry its own (`chrome-extension://…`,
//!   `moz-extension://…`) *and* `Sec-Fetch-Site: cross-site` in Chromium
//!   and Firefox alike (seen in tests/e2e and tests/firefox). Without
//!   `Origin` (curl, scripts, a typed URL), a request the browser marks as
//!   coming from another site (`Sec-Fetch-Site: cross-site` or `same-site`:
//!   an `<img>`, a link) is refused too.

use std::net::IpAddr;

/// Whether `origin` is a browser extension's (`chrome-extension://ID`,
/// `moz-extension://UUID`).
pub fn is_extension_origin(origin: &str) -> bool {
    ["chrome-extension://", "moz-extension://"]
        .iter()
        .any(|scheme| {
            origin.strip_prefix(scheme).is_some_and(|id| {
                !id.is_empty()
                    && id.len() <= 64
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        })
}

/// The host name of a `Host` header value, lowercase, without port, brackets
/// or a trailing dot.
pub fn host_name(value: &str) -> String {
    let v = value.trim();
    let name = match v.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => match v.rsplit_once(':') {
            Some((h, port)) if !h.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => v,
        },
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Normalises a `--public-host` name as [`host_name`] does.
pub fn public_host(name: &str) -> String {
    host_name(name)
}

/// Whether a request for `host` (a `Host` header value) is answered, on a
/// connection that reached `local` (`None` outside the server loop: tests).
pub fn host_allowed(host: &str, local: Option<IpAddr>, public: &[String]) -> bool {
    let name = host_name(host);
    if name == "localhost" || public.contains(&name) {
        return true;
    }
    let Ok(ip) = name.parse::<IpAddr>() else {
        return false;
    };
    match local {
        Some(local) => canonical(ip) == canonical(local),
        // Not from the server loop: an address is never a rebinding name.
        None => true,
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// Whether a request with these `Origin`, `Sec-Fetch-Site` and `Host`
/// values may start a scan; `cors` are the `--cors-origin` values (no
/// trailing slash).
pub fn site_allowed(
    origin: Option<&str>,
    fetch_site: Option<&str>,
    host: Option<&str>,
    cors: &[String],
) -> bool {
    match origin {
        Some(o) => {
            let o = o.trim();
            is_extension_origin(o)
                || cors.iter().any(|c| c == o)
                || host.is_some_and(|h| {
                    let h = h.trim();
                    ["http://", "https://"].iter().any(|s| {
                        o.strip_prefix(s)
                            .is_some_and(|rest| rest.eq_ignore_ascii_case(h))
                    })
                })
        }
        None => !fetch_site.is_some_and(|s| {
            s.eq_ignore_ascii_case("cross-site") || s.eq_ignore_ascii_case("same-site")
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn extension_origins_are_recognised() {
        assert!(is_extension_origin(
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
        ));
        assert!(is_extension_origin(
            "moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ));
        for bad in [
            "https://evil.example",
            "chrome-extension://",
            "chrome-extension://abc/../x",
            "chrome-extension://abc.evil.example",
            "null",
            "moz-extension://a b",
        ] {
            assert!(!is_extension_origin(bad), "{bad}");
        }
    }

    #[test]
    fn host_names_are_normalised() {
        assert_eq!(host_name("Example.ORG."), "example.org");
        assert_eq!(host_name("example.org:8787"), "example.org");
        assert_eq!(host_name("[::1]:8787"), "::1");
        assert_eq!(host_name("[::1]"), "::1");
        assert_eq!(host_name("::1"), "::1");
        assert_eq!(host_name("127.0.0.1:80"), "127.0.0.1");
    }

    #[test]
    fn only_the_relays_own_names_are_answered() {
        let local: Option<IpAddr> = Some("127.0.0.1".parse().unwrap());
        let public = vec!["relay.example.org".to_owned()];
        for ok in [
            "127.0.0.1:8787",
            "127.0.0.1",
            "localhost:8787",
            "LocalHost.",
            "relay.example.org",
            "RELAY.example.org.:443",
        ] {
            assert!(host_allowed(ok, local, &public), "{ok}");
        }
        for bad in [
            "rebind.attacker.example",
            "rebind.attacker.example:8787",
            "127.0.0.2:8787",
            "localhost.attacker.example",
            "relay.example.org.attacker.example",
            "",
        ] {
            assert!(!host_allowed(bad, local, &public), "{bad}");
        }
        // Listening on [::]: the address of the connection, in either form.
        let mapped: Option<IpAddr> = Some("::ffff:192.0.2.5".parse().unwrap());
        assert!(host_allowed("192.0.2.5:8787", mapped, &[]));
        assert!(host_allowed(
            "[2001:db8::5]:8787",
            Some("2001:db8::5".parse().unwrap()),
            &[]
        ));
        assert!(!host_allowed("192.0.2.6", mapped, &[]));
    }

    #[test]
    fn scans_start_only_for_extensions_allowed_origins_and_the_relay() {
        let cors = vec!["https://dash.example.org".to_owned()];
        let host = Some("127.0.0.1:8787");
        let ok = |o, s| site_allowed(o, s, host, &cors);
        assert!(ok(None, None));
        assert!(ok(None, Some("none")));
        assert!(ok(None, Some("same-origin")));
        assert!(ok(
            Some("chrome-extension://abcdefghijklmnopabcdefghijklmnop"),
            Some("cross-site")
        ));
        assert!(ok(
            Some("moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
            None
        ));
        assert!(ok(Some("https://dash.example.org"), Some("cross-site")));
        assert!(ok(Some("http://127.0.0.1:8787"), Some("same-origin")));
        assert!(!ok(Some("https://evil.example"), None));
        assert!(!ok(Some("null"), None));
        assert!(!ok(Some("http://127.0.0.1:9999"), None));
        assert!(!ok(Some("https://dash.example.org.evil.example"), None));
        assert!(!ok(None, Some("cross-site")));
        assert!(!ok(None, Some("same-site")));
    }
}
