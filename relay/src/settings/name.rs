//! One setting, one name: every setting that more than one source can set
//! (a `scan` flag, a `serve` flag and its `TLSLENS_*` variable, a `watch`
//! TOML key) has one canonical spelling per source, the old spellings it
//! still accepts, and one [`Range`]. The clap definitions in
//! [`super::args`] and the TOML keys in [`super::watch`] spell them out; a
//! test checks they agree with this table.

use std::borrow::Cow;
use std::fmt;

use super::range::{Range, Unit};

/// A setting, whatever source sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// Time limit of one scan.
    ScanTimeout,
    /// Concurrent connections of one scan to its target, all its addresses
    /// together.
    ScanConnections,
    /// Concurrent connections of a whole `scan` run, all targets together.
    TotalConnections,
    /// Scans `serve` runs at once.
    MaxScans,
    /// Scans `serve` lets wait for a slot.
    Queue,
    /// Scans per client address per minute (`serve`).
    RatePerMinute,
    /// Seconds a report stays in `serve`'s cache.
    CacheTtl,
    /// Reports `serve` caches at most.
    CacheEntries,
    /// Open HTTP connections `serve` accepts at most.
    MaxHttpConnections,
    /// Open HTTP connections of one client address (IPv6: /64) at most.
    MaxClientConnections,
    /// Host names `serve` answers under besides its address and localhost.
    PublicHost,
    /// Time a client has to send its request headers (`serve`).
    HeaderTimeout,
    /// Time between two `watch` rounds.
    Interval,
    /// Spread of target starts within a `watch` round.
    Jitter,
    /// Targets `watch` scans at once.
    Concurrency,
    /// `watch`'s expiry thresholds in days (each entry).
    AlertDays,
    /// `serve`'s or `watch`'s listen address.
    Listen,
    /// Special-purpose ranges allowed anyway.
    AllowCidr,
    /// `--resolve` overrides.
    Resolve,
    /// Extra trust anchors.
    CaFile,
    /// Extra CORS origins.
    CorsOrigin,
    /// Ports `serve` may scan.
    AllowPorts,
    /// Header with the client address behind a proxy.
    ClientIpHeader,
    /// Where `watch` posts alerts.
    Webhook,
    /// The simulated clients (`all`, `current`, or ids and names).
    Clients,
}

/// Old spellings a setting still answers to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Aliases {
    /// Flags (`--timeout`), without the dashes' meaning changed.
    pub flags: &'static [&'static str],
    /// Environment variables (`TLSLENS_PROBE_CONNECTIONS`).
    pub env: &'static [&'static str],
    /// TOML keys (`max_connections`).
    pub keys: &'static [&'static str],
}

impl Setting {
    /// Every setting.
    pub const ALL: [Setting; 25] = [
        Setting::ScanTimeout,
        Setting::ScanConnections,
        Setting::TotalConnections,
        Setting::MaxScans,
        Setting::Queue,
        Setting::RatePerMinute,
        Setting::CacheTtl,
        Setting::CacheEntries,
        Setting::MaxHttpConnections,
        Setting::MaxClientConnections,
        Setting::PublicHost,
        Setting::HeaderTimeout,
        Setting::Interval,
        Setting::Jitter,
        Setting::Concurrency,
        Setting::AlertDays,
        Setting::Listen,
        Setting::AllowCidr,
        Setting::Resolve,
        Setting::CaFile,
        Setting::CorsOrigin,
        Setting::AllowPorts,
        Setting::ClientIpHeader,
        Setting::Webhook,
        Setting::Clients,
    ];

    /// The canonical flag (`--scan-timeout`), when a flag sets it.
    pub fn flag(self) -> Option<&'static str> {
        Some(match self {
            Setting::ScanTimeout => "--scan-timeout",
            Setting::ScanConnections => "--scan-connections",
            Setting::TotalConnections => "--total-connections",
            Setting::MaxScans => "--max-scans",
            Setting::Queue => "--queue",
            Setting::RatePerMinute => "--rate-per-minute",
            Setting::CacheTtl => "--cache-ttl",
            Setting::CacheEntries => "--cache-entries",
            Setting::MaxHttpConnections => "--max-http-connections",
            Setting::MaxClientConnections => "--max-client-connections",
            Setting::PublicHost => "--public-host",
            Setting::HeaderTimeout => "--header-timeout",
            Setting::Listen => "--listen",
            Setting::AllowCidr => "--allow-cidr",
            Setting::Resolve => "--resolve",
            Setting::CaFile => "--ca-file",
            Setting::CorsOrigin => "--cors-origin",
            Setting::AllowPorts => "--allow-ports",
            Setting::ClientIpHeader => "--client-ip-header",
            Setting::Clients => "--clients",
            Setting::Interval
            | Setting::Jitter
            | Setting::Concurrency
            | Setting::AlertDays
            | Setting::Webhook => return None,
        })
    }

    /// The `serve` environment variable (`TLSLENS_SCAN_TIMEOUT`); `None`
    /// for what only other commands set (a setting with a flag and no
    /// variable is a `scan` flag).
    pub fn env(self) -> Option<&'static str> {
        Some(match self {
            Setting::ScanTimeout => "TLSLENS_SCAN_TIMEOUT",
            Setting::ScanConnections => "TLSLENS_SCAN_CONNECTIONS",
            Setting::MaxScans => "TLSLENS_MAX_SCANS",
            Setting::Queue => "TLSLENS_QUEUE",
            Setting::RatePerMinute => "TLSLENS_RATE_PER_MINUTE",
            Setting::CacheTtl => "TLSLENS_CACHE_TTL",
            Setting::CacheEntries => "TLSLENS_CACHE_ENTRIES",
            Setting::MaxHttpConnections => "TLSLENS_MAX_HTTP_CONNECTIONS",
            Setting::MaxClientConnections => "TLSLENS_MAX_CLIENT_CONNECTIONS",
            Setting::PublicHost => "TLSLENS_PUBLIC_HOST",
            Setting::HeaderTimeout => "TLSLENS_HEADER_TIMEOUT",
            Setting::Listen => "TLSLENS_LISTEN",
            Setting::AllowCidr => "TLSLENS_ALLOW_CIDR",
            Setting::Resolve => "TLSLENS_RESOLVE",
            Setting::CaFile => "TLSLENS_CA_FILE",
            Setting::CorsOrigin => "TLSLENS_CORS_ORIGIN",
            Setting::AllowPorts => "TLSLENS_ALLOW_PORTS",
            Setting::ClientIpHeader => "TLSLENS_CLIENT_IP_HEADER",
            Setting::Clients => "TLSLENS_CLIENTS",
            Setting::TotalConnections
            | Setting::Interval
            | Setting::Jitter
            | Setting::Concurrency
            | Setting::AlertDays
            | Setting::Webhook => return None,
        })
    }

    /// The `watch` TOML key (`scan_timeout`), when the config has it.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Setting::ScanTimeout => "scan_timeout",
            Setting::ScanConnections => "scan_connections",
            Setting::Interval => "interval",
            Setting::Jitter => "jitter",
            Setting::Concurrency => "concurrency",
            Setting::AlertDays => "alert_days",
            Setting::CaFile => "ca_file",
            Setting::Webhook => "webhook",
            Setting::Clients => "clients",
            _ => return None,
        })
    }

    /// The old spellings still accepted.
    pub fn aliases(self) -> Aliases {
        match self {
            Setting::ScanTimeout => Aliases {
                // docs/contracts.md, contract 1 fixes `scan --timeout`.
                flags: &["--timeout"],
                ..Aliases::default()
            },
            Setting::ScanConnections => Aliases {
                flags: &["--max-connections", "--probe-connections"],
                env: &["TLSLENS_PROBE_CONNECTIONS"],
                keys: &["max_connections"],
            },
            _ => Aliases::default(),
        }
    }

    /// The values it may take, for the numbers.
    pub fn range(self) -> Option<Range> {
        let count = |min, max| Range::new(min, max, Unit::Count);
        let secs = |min, max| Range::new(min, max, Unit::Seconds);
        Some(match self {
            Setting::ScanTimeout => secs(0, 3600).above_min(),
            Setting::ScanConnections => count(1, 64),
            Setting::TotalConnections => count(1, 4096),
            Setting::MaxScans => count(1, 256),
            Setting::Queue => count(0, 10_000),
            Setting::RatePerMinute => count(0, 100_000),
            Setting::CacheTtl => secs(0, 7 * 86_400),
            Setting::CacheEntries => count(0, 1_000_000),
            Setting::MaxHttpConnections => count(1, 100_000),
            Setting::MaxClientConnections => count(1, 100_000),
            Setting::HeaderTimeout => secs(1, 300),
            Setting::Interval => secs(10, 30 * 86_400),
            Setting::Jitter => secs(0, 86_400),
            Setting::Concurrency => count(1, 1024),
            Setting::AlertDays => count(0, 3650),
            _ => return None,
        })
    }
}

/// How an error names a setting: as the flag (and variable) or the TOML key
/// the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A `scan` flag.
    Flag(Setting),
    /// A `serve` flag or its environment variable.
    FlagOrEnv(Setting),
    /// A top-level `watch` key.
    Key(Setting),
    /// A name outside the table: a key inside a table of the `watch` config
    /// (`target[2].host`), or a flag only one command has (`--config`).
    Path(Cow<'static, str>),
}

impl Name {
    /// Whether the value was written in a TOML file (durations as `"30s"`);
    /// a [`Name::Path`] that starts with `--` is a flag.
    pub fn is_key(&self) -> bool {
        match self {
            Name::Key(_) => true,
            Name::Path(p) => !p.starts_with("--"),
            Name::Flag(_) | Name::FlagOrEnv(_) => false,
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let missing = "(unnamed setting)";
        match self {
            Name::Flag(s) => f.write_str(s.flag().unwrap_or(missing)),
            Name::FlagOrEnv(s) => match (s.flag(), s.env()) {
                (Some(flag), Some(env)) => write!(f, "{flag}/{env}"),
                (flag, _) => f.write_str(flag.unwrap_or(missing)),
            },
            Name::Key(s) => f.write_str(s.key().unwrap_or(missing)),
            Name::Path(p) => f.write_str(p),
        }
    }
}
