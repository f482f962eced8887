//! The monitor's TOML configuration (DESIGN.md contract 5): what to watch, how
//! often, where alerts go. Relative paths are relative to the config file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::Error;

/// One watched `host:port`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Host name or IP literal.
    pub host: String,
    /// Port (443).
    #[serde(default = "default_port")]
    pub port: u16,
    /// Addresses to scan instead of DNS.
    #[serde(default)]
    pub resolve: Vec<String>,
}

fn default_port() -> u16 {
    443
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default = "default_interval")]
    interval: String,
    #[serde(default = "default_alert_days")]
    alert_days: Vec<u32>,
    webhook: Option<String>,
    #[serde(default = "default_database")]
    database: String,
    ca_file: Option<String>,
    #[serde(default)]
    allow_private: bool,
    #[serde(default = "default_concurrency")]
    concurrency: usize,
    jitter: Option<String>,
    #[serde(default = "default_scan_timeout")]
    scan_timeout: String,
    #[serde(default = "default_max_connections")]
    max_connections: usize,
    #[serde(default, rename = "target")]
    targets: Vec<Target>,
}

fn default_interval() -> String {
    "6h".into()
}
fn default_alert_days() -> Vec<u32> {
    tlslens_core::expiry::DEFAULT_ALERT_DAYS.to_vec()
}
fn default_database() -> String {
    "tlslens-watch.sqlite".into()
}
fn default_concurrency() -> usize {
    16
}
fn default_scan_timeout() -> String {
    "60s".into()
}
fn default_max_connections() -> usize {
    4
}

/// The parsed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Time between the starts of two rounds.
    pub interval: Duration,
    /// Expiry alert thresholds in days, largest first.
    pub alert_days: Vec<u32>,
    /// Where alerts are POSTed (`http://` or `https://`).
    pub webhook: Option<String>,
    /// SQLite history.
    pub database: PathBuf,
    /// Extra trust anchors.
    pub ca_file: Option<PathBuf>,
    /// Allow private addresses.
    pub allow_private: bool,
    /// Targets scanned at once.
    pub concurrency: usize,
    /// Spread of target start times within a round (continuous mode only).
    pub jitter: Duration,
    /// Deadline of one target's scan.
    pub scan_timeout: Duration,
    /// Connections per target.
    pub max_connections: usize,
    /// What to watch.
    pub targets: Vec<Target>,
}

/// Reads `30s`, `15m`, `6h`, `1d`, `1h30m`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !num.is_empty() || s.is_empty() {
        return None;
    }
    Some(Duration::from_secs(total))
}

impl Config {
    /// Reads and checks the file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::File {
            path: path.display().to_string(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base).map_err(|message| Error::Config {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses TOML text; relative paths are joined to `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Self, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.to_string().trim().replace('\n', " "))?;
        let dur = |key: &str, v: &str| {
            parse_duration(v).ok_or_else(|| {
                format!("{key} = {v:?} is not a duration like \"30s\", \"15m\", \"6h\" or \"1d\"")
            })
        };
        let interval = dur("interval", &raw.interval)?;
        if interval < Duration::from_secs(10) {
            return Err("interval must be at least 10s".into());
        }
        let jitter = match &raw.jitter {
            Some(j) => dur("jitter", j)?,
            None => (interval / 10).min(Duration::from_secs(300)),
        };
        let mut alert_days = raw.alert_days;
        alert_days.sort_unstable_by(|a, b| b.cmp(a));
        alert_days.dedup();
        if let Some(w) = &raw.webhook {
            if !(w.starts_with("http://") || w.starts_with("https://")) {
                return Err(format!(
                    "webhook = {w:?} must be an http:// or https:// URL"
                ));
            }
        }
        if raw.targets.is_empty() {
            return Err("no [[target]] to watch".into());
        }
        for t in &raw.targets {
            if t.host.trim().is_empty() || t.port == 0 {
                return Err(format!(
                    "target {:?}:{} needs a host and a port from 1 to 65535",
                    t.host, t.port
                ));
            }
        }
        if raw.concurrency == 0 || raw.max_connections == 0 {
            return Err("concurrency and max_connections must be at least 1".into());
        }
        Ok(Self {
            interval,
            alert_days,
            webhook: raw.webhook,
            database: base.join(raw.database),
            ca_file: raw.ca_file.map(|f| base.join(f)),
            allow_private: raw.allow_private,
            concurrency: raw.concurrency,
            jitter,
            scan_timeout: dur("scan_timeout", &raw.scan_timeout)?,
            max_connections: raw.max_connections,
            targets: raw.targets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("6h"), Some(Duration::from_secs(21_600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("6x"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("5m3"), None);
    }

    #[test]
    fn contract_example_parses() {
        let c = Config::parse(
            r#"
interval = "6h"
alert_days = [30, 14, 7, 1]
webhook = "http://127.0.0.1:9000/hook"
database = "tlslens-watch.sqlite"
ca_file = "private-ca.pem"
allow_private = false

[[target]]
host = "example.test"
port = 443
resolve = ["192.0.2.10"]

[[target]]
host = "other.test"
"#,
            Path::new("/etc/tlslens"),
        )
        .unwrap();
        assert_eq!(c.interval, Duration::from_secs(21_600));
        assert_eq!(c.alert_days, [30, 14, 7, 1]);
        assert_eq!(c.database, Path::new("/etc/tlslens/tlslens-watch.sqlite"));
        assert_eq!(
            c.ca_file.as_deref(),
            Some(Path::new("/etc/tlslens/private-ca.pem"))
        );
        assert_eq!(c.targets[1].port, 443);
        assert_eq!(c.jitter, Duration::from_secs(300));
    }

    #[test]
    fn defaults_and_errors() {
        let c = Config::parse("[[target]]\nhost = \"a.test\"\n", Path::new(".")).unwrap();
        assert_eq!(c.alert_days, [30, 14, 7, 1]);
        assert!(c.webhook.is_none());
        for (bad, why) in [
            ("", "no [[target]]"),
            (
                "interval = \"soon\"\n[[target]]\nhost = \"a\"",
                "not a duration",
            ),
            ("webhook = \"ftp://x\"\n[[target]]\nhost = \"a\"", "http://"),
            ("[[target]]\nhost = \"a\"\nbogus = 1", "unknown field"),
            (
                "interval = \"1s\"\n[[target]]\nhost = \"a\"",
                "at least 10s",
            ),
        ] {
            let err = Config::parse(bad, Path::new(".")).unwrap_err();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }
}
