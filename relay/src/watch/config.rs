//! The monitor's configuration, checked: what to watch, how often, where
//! alerts go. It is read from the TOML file by `settings::WatchSettings`
//! (docs/contracts.md, contract 5; docs/watch.md); nothing here parses it.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::probe::ScanOptions;
use crate::resolve::TargetSpec;

/// One watched `host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or IP literal, as written in the config (the history's key).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The host parsed for the scanner.
    pub spec: TargetSpec,
    /// Addresses to scan instead of DNS (empty: DNS).
    pub resolve: Vec<IpAddr>,
}

/// The history's engine (`database = …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file: one watcher, targets from the config.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://` or `postgresql://`): watchers share
    /// the target list in the database.
    Postgres(String),
}

impl Database {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; anything else is
    /// a SQLite path, relative to `base`.
    pub fn from_setting(written: &str, base: &std::path::Path) -> Self {
        if written.starts_with("postgres://") || written.starts_with("postgresql://") {
            Self::Postgres(written.to_owned())
        } else {
            Self::Sqlite(base.join(written))
        }
    }
}

/// The monitor's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Time between the starts of two rounds.
    pub interval: Duration,
    /// Expiry alert thresholds in days, largest first.
    pub alert_days: Vec<u32>,
    /// Where alerts are POSTed (`http://` or `https://`).
    pub webhook: Option<String>,
    /// Where the history is kept.
    pub database: Database,
    /// Targets scanned at once.
    pub concurrency: usize,
    /// Spread of target start times within a round (continuous mode only).
    pub jitter: Duration,
    /// The probe's options for every target: address policy, extra trust
    /// anchors, time limit, connection budget.
    pub scan: ScanOptions,
    /// What to watch (with PostgreSQL: added to the database's list at
    /// start; may be empty).
    pub targets: Vec<Target>,
    /// The clients that matter (`clients = [...]`): the ones the simulation
    /// runs and whose failures a `client_failure` alert reports; `None` when
    /// the config names none (every client is simulated then).
    pub clients: Option<tlslens_core::clients::ClientSelection>,
}

impl Target {
    /// A target from the database's list (`resolve` as stored).
    pub fn parse(host: &str, port: u16, resolve: &[String]) -> Result<Self, String> {
        let (parsed, ip) =
            crate::resolve::parse_host(host.trim()).map_err(|e| format!("host {host:?}: {e}"))?;
        if port == 0 {
            return Err(format!("{host}: port 0"));
        }
        let resolve = resolve
            .iter()
            .map(|a| crate::resolve::parse_address(a).map_err(|e| format!("resolve {a:?}: {e}")))
            .collect::<Result<Vec<IpAddr>, _>>()?;
        Ok(Self {
            host: host.to_owned(),
            port,
            spec: TargetSpec {
                host: parsed,
                port,
                ip,
            },
            resolve,
        })
    }
}

/// `watch targets …`: an edit of the database's target list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetEdit {
    /// Add (or replace the addresses of) a target.
    Add(Target),
    /// Remove a target.
    Remove { host: String, port: u16 },
    /// Print the list.
    List,
}

/// A calendar month (UTC), for the monthly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    /// `YYYY-MM` (years 1970 to 9999).
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1970..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month containing Unix time `t`.
    pub fn containing(t: i64) -> Self {
        let text = tlslens_core::time::rfc3339(t);
        Self::parse(text.get(..7).unwrap_or("1970-01")).unwrap_or(Self {
            year: 1970,
            month: 1,
        })
    }

    /// `[start, end)` in Unix seconds.
    pub fn bounds(self) -> (i64, i64) {
        let next = if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        };
        (self.start(), next.start())
    }

    fn start(self) -> i64 {
        tlslens_core::time::parse_rfc3339(&format!("{self}-01T00:00:00Z")).unwrap_or(0)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_bound() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        let (from, to) = m.bounds();
        assert_eq!(tlslens_core::time::rfc3339(from), "2026-11-01T00:00:00Z");
        assert_eq!(tlslens_core::time::rfc3339(to), "2026-12-01T00:00:00Z");
        let (_, to) = Month::parse("2026-12").unwrap().bounds();
        assert_eq!(tlslens_core::time::rfc3339(to), "2027-01-01T00:00:00Z");
        assert_eq!(Month::containing(from + 86_400), m);
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "2026-00", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
