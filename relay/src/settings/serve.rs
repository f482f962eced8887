//! [`ServeSettings`]: what `serve` does, checked — the listen address, the
//! service's [`Config`] and the server loop's [`ServerLimits`].

use std::net::SocketAddr;

use axum::http::HeaderName;

use super::args::ServeArgs;
use super::bounds;
use super::error::SettingError;
use super::name::{Name, Setting};
use super::probe::{scan_options, ProbeInput, Spelling};
use crate::resolve::parse_host;
use crate::serve::{is_extension_origin, public_host, Config, ServerLimits};

/// `serve`'s settings.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The service: probe options, token, CORS, ports, limits, cache.
    pub service: Config,
    /// Connection-level limits.
    pub limits: ServerLimits,
}

fn name(s: Setting) -> Name {
    Name::FlagOrEnv(s)
}

impl ServeSettings {
    /// Checks `serve`'s flags and variables.
    pub fn from_args(args: &ServeArgs) -> Result<Self, SettingError> {
        let listen = parse_listen(name(Setting::Listen), &args.listen)?;
        let scan = scan_options(&ProbeInput {
            spelling: Spelling::ServeFlags,
            allow_private: args.allow_private,
            resolve: &args.resolve,
            allow_cidr: &args.allow_cidr,
            ca_file: args.ca_file.as_deref(),
            scan_timeout: args.scan_timeout,
            scan_timeout_written: None,
            scan_connections: args.scan_connections,
            clients: &args.clients,
        })?;
        let client_ip_header = match &args.client_ip_header {
            None => None,
            Some(h) => Some(h.parse::<HeaderName>().map_err(|_| {
                SettingError::expected(name(Setting::ClientIpHeader), h, "a header name")
            })?),
        };
        let allow_ports = match &args.allow_ports {
            None => Vec::new(),
            Some(spec) => parse_ports(spec)?,
        };
        for o in &args.cors_origin {
            if !(o.starts_with("https://") || o.starts_with("http://") || is_extension_origin(o)) {
                return Err(SettingError::expected(
                    name(Setting::CorsOrigin),
                    o,
                    "an origin such as https://example.org",
                ));
            }
        }
        let public_hosts = args
            .public_host
            .iter()
            .map(|h| {
                let host = public_host(h);
                parse_host(&host)
                    .map(|_| host)
                    .map_err(|e| SettingError::invalid(name(Setting::PublicHost), h, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let service = Config {
            public_hosts,
            scan,
            token: args.token.clone().filter(|t| !t.is_empty()),
            cors_origins: args.cors_origin.clone(),
            allow_ports,
            max_scans: bounds::count(name(Setting::MaxScans), args.max_scans)?,
            queue: bounds::count(name(Setting::Queue), args.queue)?,
            rate_per_minute: bounds::count_u32(name(Setting::RatePerMinute), args.rate_per_minute)?,
            cache_ttl: bounds::whole_seconds(name(Setting::CacheTtl), args.cache_ttl)?,
            cache_entries: bounds::count(name(Setting::CacheEntries), args.cache_entries)?,
            client_ip_header,
            ..Config::default()
        };
        let max_connections =
            bounds::count(name(Setting::MaxHttpConnections), args.max_http_connections)?;
        let max_client_connections = match args.max_client_connections {
            Some(n) => bounds::count(name(Setting::MaxClientConnections), n)?,
            // Behind a proxy every connection is the proxy's.
            None if args.client_ip_header.is_some() => max_connections,
            None => ServerLimits::default().max_client_connections,
        };
        let limits = ServerLimits {
            header_timeout: bounds::whole_seconds(
                name(Setting::HeaderTimeout),
                args.header_timeout,
            )?,
            max_connections,
            max_client_connections,
            ..ServerLimits::default()
        };
        Ok(Self {
            listen,
            service,
            limits,
        })
    }
}

/// `ADDR:PORT` (`[::]:8787`).
pub fn parse_listen(name: Name, value: &str) -> Result<SocketAddr, SettingError> {
    value.parse().map_err(|_| {
        SettingError::expected(name, value, "ADDR:PORT, e.g. 127.0.0.1:8787 or [::]:8787")
    })
}

/// Parses `443,8443,8000-8999` into inclusive ranges.
pub fn parse_ports(spec: &str) -> Result<Vec<(u16, u16)>, SettingError> {
    let bad = || {
        SettingError::expected(
            name(Setting::AllowPorts),
            spec,
            "PORT or LO-HI (1 to 65535), comma-separated",
        )
    };
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
        let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
        if lo == 0 || hi < lo {
            return Err(bad());
        }
        out.push((lo, hi));
    }
    if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn port_lists() {
        assert_eq!(parse_ports("443").unwrap(), vec![(443, 443)]);
        assert_eq!(
            parse_ports("443, 8000-8999").unwrap(),
            vec![(443, 443), (8000, 8999)]
        );
        for bad in ["", "0", "x", "10-5", "1-70000", ","] {
            assert!(parse_ports(bad).is_err(), "{bad}");
        }
    }

    fn serve(args: &[&str]) -> Result<ServeSettings, SettingError> {
        use clap::Parser;
        let cli =
            super::super::args::Cli::try_parse_from(["tlslens-relay", "serve"].iter().chain(args))
                .unwrap();
        match cli.command {
            super::super::args::Command::Serve(a) => ServeSettings::from_args(&a),
            _ => unreachable!(),
        }
    }

    #[test]
    fn public_hosts_and_connection_caps() {
        let s = serve(&[
            "--public-host",
            "Relay.Example.org.",
            "--public-host",
            "b.test:443",
        ])
        .unwrap();
        assert_eq!(s.service.public_hosts, ["relay.example.org", "b.test"]);
        let e = serve(&["--public-host", "a b"]).unwrap_err().to_string();
        assert!(
            e.starts_with("--public-host/TLSLENS_PUBLIC_HOST \"a b\": invalid host name"),
            "{e}"
        );
        assert_eq!(serve(&[]).unwrap().limits.max_client_connections, 64);
        // Behind a proxy every connection is the proxy's: no per-address cap
        // unless one is asked for.
        let proxied = serve(&["--client-ip-header", "X-Real-IP"]).unwrap();
        assert_eq!(proxied.limits.max_client_connections, 1024);
        let capped = serve(&[
            "--client-ip-header",
            "X-Real-IP",
            "--max-client-connections",
            "200",
        ])
        .unwrap();
        assert_eq!(capped.limits.max_client_connections, 200);
        assert!(serve(&["--max-client-connections", "0"]).is_err());
    }
}
