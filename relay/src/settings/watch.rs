//! [`WatchSettings`]: what `watch` does, from its flags and its TOML file
//! (docs/contracts.md, contract 5; docs/watch.md). The file is read here, into
//! [`RawConfig`] (the TOML as written), then checked key by key with the same
//! names and bounds as `scan` and `serve` use; relative paths are relative to
//! the file.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::args::{TargetsCommand, WatchArgs, WatchCommand};
use super::bounds;
use super::duration::parse_duration;
use super::error::SettingError;
use super::name::{Name, Setting};
use super::probe::{scan_options, ProbeInput, Spelling, DURATION};
use super::range::{Range, Unit};
use super::serve::parse_listen;
use crate::resolve::{parse_address, parse_host, TargetSpec};
use crate::watch::{Config, Database, Month, Target, TargetEdit};

/// `watch`'s settings.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// Run one round and exit.
    pub once: bool,
    /// Serve the metrics and the report here.
    pub listen: Option<SocketAddr>,
    /// `watch targets …`: edit the database's target list instead of
    /// watching.
    pub edit: Option<TargetEdit>,
    /// `--report-month`: write that month's report here instead of watching.
    pub report: Option<(Month, PathBuf)>,
    /// The monitor, from the TOML file.
    pub monitor: Config,
}

impl WatchSettings {
    /// Checks the flags, reads and checks the file.
    pub fn from_args(args: &WatchArgs) -> Result<Self, SettingError> {
        let listen = match &args.listen {
            None => None,
            Some(l) => Some(parse_listen(Name::Flag(Setting::Listen), l)?),
        };
        let Some(config) = &args.config else {
            return Err(SettingError::Missing(
                "watch needs --config FILE (the TOML configuration)",
            ));
        };
        let edit = args.command.as_ref().map(target_edit).transpose()?;
        let report = match &args.report_month {
            None => None,
            Some(m) => {
                let month = Month::parse(m).ok_or_else(|| {
                    SettingError::expected(
                        Name::Path("--report-month".into()),
                        m,
                        "a month as YYYY-MM (2026-11)",
                    )
                })?;
                let out = args
                    .output
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(format!("tlslens-report-{m}.html")));
                Some((month, out))
            }
        };
        let monitor = load(config)?;
        if edit.is_some() && matches!(monitor.database, Database::Sqlite(_)) {
            return Err(SettingError::InFile {
                path: config.clone(),
                source: Box::new(SettingError::Missing(
                    "database: `watch targets` edits the target list of a PostgreSQL database (database = \"postgres://…\"); with SQLite, edit the [[target]] entries of this file",
                )),
            });
        }
        Ok(Self {
            once: args.once,
            listen,
            edit,
            report,
            monitor,
        })
    }
}

/// `watch targets add|remove|list`, checked.
fn target_edit(cmd: &WatchCommand) -> Result<TargetEdit, SettingError> {
    let WatchCommand::Targets(t) = cmd;
    Ok(match t {
        TargetsCommand::Add {
            host,
            port,
            resolve,
        } => {
            let raw = RawTarget {
                host: host.clone(),
                port: *port,
                resolve: resolve.clone(),
            };
            TargetEdit::Add(target_named(&raw, |field| {
                Name::Path(format!("targets add {field}").into())
            })?)
        }
        TargetsCommand::Remove { host, port } => TargetEdit::Remove {
            host: host.clone(),
            port: *port,
        },
        TargetsCommand::List => TargetEdit::List,
    })
}

/// One `[[target]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    host: String,
    #[serde(default = "default_port")]
    port: u16,
    #[serde(default)]
    resolve: Vec<String>,
}

/// The TOML as written: the low layer of `watch`'s settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default = "default_interval")]
    interval: String,
    #[serde(default = "default_alert_days")]
    alert_days: Vec<u64>,
    webhook: Option<String>,
    #[serde(default = "default_database")]
    database: String,
    ca_file: Option<String>,
    #[serde(default)]
    allow_private: bool,
    #[serde(default = "default_concurrency")]
    concurrency: u64,
    jitter: Option<String>,
    #[serde(default = "default_scan_timeout")]
    scan_timeout: String,
    #[serde(default = "default_scan_connections", alias = "max_connections")]
    scan_connections: u64,
    /// The clients that matter (ids or names); absent: every client is
    /// simulated and none is singled out.
    clients: Option<Vec<String>>,
    #[serde(default, rename = "target")]
    targets: Vec<RawTarget>,
}

fn default_port() -> u16 {
    443
}
fn default_interval() -> String {
    "6h".into()
}
fn default_alert_days() -> Vec<u64> {
    tlslens_core::expiry::DEFAULT_ALERT_DAYS
        .iter()
        .map(|d| u64::from(*d))
        .collect()
}
fn default_database() -> String {
    "tlslens-watch.sqlite".into()
}
fn default_concurrency() -> u64 {
    16
}
fn default_scan_timeout() -> String {
    "60s".into()
}
fn default_scan_connections() -> u64 {
    4
}

/// The largest watch config read: a regular file (not a pipe or a device,
/// see [`crate::file`]) of at most 4 MiB.
pub const MAX_CONFIG_FILE: u64 = 4 * 1024 * 1024;

/// Reads and checks the file; errors name it.
pub fn load(path: &Path) -> Result<Config, SettingError> {
    let in_file = |source| SettingError::InFile {
        path: path.to_owned(),
        source: Box::new(source),
    };
    let text = crate::file::read_text(path, MAX_CONFIG_FILE)
        .map_err(|e| SettingError::file(Name::Path("--config".into()), path, e))?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, base).map_err(in_file)
}

/// Parses TOML text; relative paths are joined to `base`.
pub fn parse(text: &str, base: &Path) -> Result<Config, SettingError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| SettingError::Toml {
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim().to_owned(),
    })?;
    let key = Name::Key;
    let interval = duration(Setting::Interval, &raw.interval)?;
    let jitter = match &raw.jitter {
        Some(j) => duration(Setting::Jitter, j)?,
        None => (interval / 10).min(Duration::from_secs(300)),
    };
    let alert_days = alert_days(&raw.alert_days)?;
    if let Some(w) = &raw.webhook {
        if !(w.starts_with("http://") || w.starts_with("https://")) {
            return Err(SettingError::expected(
                key(Setting::Webhook),
                w,
                "an http:// or https:// URL",
            ));
        }
    }
    let ca_file = raw.ca_file.as_ref().map(|f| base.join(f));
    let clients = match &raw.clients {
        None => "all".to_owned(),
        Some(list) if list.is_empty() => {
            return Err(SettingError::Missing(
                "clients = []: list the clients that matter, or leave the key out to simulate every client",
            ))
        }
        Some(list) => {
            if let Some(bad) = list.iter().find(|n| n.contains(',') || n.trim().is_empty()) {
                return Err(SettingError::expected(
                    key(Setting::Clients),
                    bad,
                    "one client id or name per entry",
                ));
            }
            list.join(",")
        }
    };
    let scan = scan_options(&ProbeInput {
        spelling: Spelling::WatchKeys,
        allow_private: raw.allow_private,
        resolve: &[],
        allow_cidr: &[],
        ca_file: ca_file.as_deref(),
        scan_timeout: 0.0,
        scan_timeout_written: Some(&raw.scan_timeout),
        scan_connections: raw.scan_connections,
        clients: &clients,
    })?;
    let database = Database::from_setting(&raw.database, base);
    if raw.targets.is_empty() && matches!(database, Database::Sqlite(_)) {
        return Err(SettingError::Missing(
            "no [[target]] to watch (with a PostgreSQL database, targets may instead be added with `watch targets add`)",
        ));
    }
    let targets = raw
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| target(i, t))
        .collect::<Result<_, _>>()?;
    Ok(Config {
        interval,
        alert_days,
        webhook: raw.webhook,
        database,
        concurrency: bounds::count(key(Setting::Concurrency), raw.concurrency)?,
        jitter,
        clients: raw
            .clients
            .is_some()
            .then(|| scan.clients.clone())
            .flatten(),
        scan,
        targets,
    })
}

fn duration(setting: Setting, written: &str) -> Result<Duration, SettingError> {
    let d = parse_duration(written)
        .ok_or_else(|| SettingError::expected(Name::Key(setting), written, DURATION))?;
    bounds::duration(Name::Key(setting), d, written)
}

/// Thresholds, largest first, each bounded; at least one.
fn alert_days(raw: &[u64]) -> Result<Vec<u32>, SettingError> {
    if raw.is_empty() {
        return Err(SettingError::Missing(
            "alert_days = []: list at least one day count (the default is [30, 14, 7, 1])",
        ));
    }
    let mut days = raw
        .iter()
        .map(|d| bounds::count_u32(Name::Key(Setting::AlertDays), *d))
        .collect::<Result<Vec<_>, _>>()?;
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    Ok(days)
}

/// Checks one `[[target]]` (the `i`-th, from 1 in errors).
fn target(i: usize, t: &RawTarget) -> Result<Target, SettingError> {
    target_named(t, |field| {
        Name::Path(format!("target[{}].{field}", i + 1).into())
    })
}

/// Checks a target; `path` names its fields in errors.
fn target_named(t: &RawTarget, path: impl Fn(&str) -> Name) -> Result<Target, SettingError> {
    if t.host.matches(':').count() == 1 {
        return Err(SettingError::expected(
            path("host"),
            &t.host,
            "a host name or address without a port (set port = N)",
        ));
    }
    let (host, ip) =
        parse_host(t.host.trim()).map_err(|e| SettingError::invalid(path("host"), &t.host, e))?;
    if t.port == 0 {
        return Err(SettingError::OutOfRange {
            name: path("port"),
            value: super::error::Value::Number("0".into()),
            range: Range::new(1, 65_535, Unit::Count).describe(true),
        });
    }
    let resolve = t
        .resolve
        .iter()
        .map(|a| parse_address(a).map_err(|e| SettingError::invalid(path("resolve"), a, e)))
        .collect::<Result<Vec<IpAddr>, _>>()?;
    Ok(Target {
        host: t.host.clone(),
        port: t.port,
        spec: TargetSpec {
            host,
            port: t.port,
            ip,
        },
        resolve,
    })
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())
        + 1
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tlslens_core::clients::ClientSelection;

    fn parse_err(text: &str) -> String {
        parse(text, Path::new(".")).unwrap_err().to_string()
    }

    #[test]
    fn contract_example_parses() {
        let c = parse(
            r#"
interval = "6h"
alert_days = [30, 14, 7, 1]
webhook = "http://127.0.0.1:9000/hook"
database = "tlslens-watch.sqlite"
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
        assert_eq!(
            c.database,
            Database::Sqlite("/etc/tlslens/tlslens-watch.sqlite".into())
        );
        assert_eq!(c.targets[1].port, 443);
        assert_eq!(
            c.targets[0].resolve,
            ["192.0.2.10".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(c.jitter, Duration::from_secs(300));
        assert_eq!(c.scan.max_connections, 4);
        assert_eq!(c.scan.timeout, Duration::from_secs(60));
    }

    #[test]
    fn defaults_and_errors() {
        let c = parse("[[target]]\nhost = \"a.test\"\n", Path::new(".")).unwrap();
        assert_eq!(c.alert_days, [30, 14, 7, 1]);
        assert!(c.webhook.is_none());
        for (bad, why) in [
            ("", "no [[target]]"),
            (
                "interval = \"soon\"\n[[target]]\nhost = \"a\"",
                "expected a duration",
            ),
            ("webhook = \"ftp://x\"\n[[target]]\nhost = \"a\"", "http://"),
            (
                "[[target]]\nhost = \"a\"\nbogus = 1",
                "line 3: unknown field `bogus`",
            ),
            (
                "interval = \"1s\"\n[[target]]\nhost = \"a\"",
                "between 10s and 30d",
            ),
        ] {
            let err = parse_err(bad);
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn clients_that_matter_select_the_simulation_and_unknown_names_are_errors() {
        let c = parse("[[target]]\nhost = \"a\"", Path::new(".")).unwrap();
        assert_eq!(c.clients, None);
        assert_eq!(c.scan.clients, Some(ClientSelection::All));
        let c = parse(
            "clients = [\"java-8u161\", \"Android 8.1\"]\n[[target]]\nhost = \"a\"",
            Path::new("."),
        )
        .unwrap();
        let ids: Vec<&str> = c
            .clients
            .as_ref()
            .unwrap()
            .select()
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(ids, ["android-8.1", "java-8u161"]);
        assert_eq!(c.scan.clients, c.clients);
        for (bad, why) in [
            ("clients = []", "clients = []"),
            (
                "clients = [\"java-8u161,curl\"]",
                "one client id or name per entry",
            ),
            (
                "clients = [\"netscape-4\"]",
                "unknown client \"netscape-4\"",
            ),
        ] {
            let err = parse_err(&format!("{bad}\n[[target]]\nhost = \"a\""));
            assert!(err.contains(why), "{bad:?}: {err}");
        }
    }

    #[test]
    fn old_key_for_the_connection_budget_still_works() {
        let c = parse(
            "max_connections = 2\n[[target]]\nhost = \"a\"",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.scan.max_connections, 2);
        let c = parse(
            "scan_connections = 3\n[[target]]\nhost = \"a\"",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.scan.max_connections, 3);
    }

    #[test]
    fn numbers_are_bounded_with_the_serve_bounds() {
        let t = "\n[[target]]\nhost = \"a\"";
        for (line, want) in [
            (
                "concurrency = 9223372036854775807",
                "concurrency = 9223372036854775807: must be between 1 and 1024",
            ),
            (
                "max_connections = 9223372036854775807",
                "scan_connections = 9223372036854775807: must be between 1 and 64",
            ),
            (
                "interval = \"18446744073709551615\"",
                "interval = \"18446744073709551615\": must be between 10s and 30d",
            ),
            (
                "scan_timeout = \"18446744073709551615\"",
                "scan_timeout = \"18446744073709551615\": must be greater than 0s and at most 1h",
            ),
            (
                "scan_timeout = \"0s\"",
                "scan_timeout = \"0s\": must be greater than 0s and at most 1h",
            ),
            (
                "alert_days = []",
                "alert_days = []: list at least one day count",
            ),
            (
                "alert_days = [99999]",
                "alert_days = 99999: must be between 0 and 3650",
            ),
        ] {
            assert_eq!(
                parse_err(&format!("{line}{t}"))
                    .split(" (the default")
                    .next()
                    .unwrap(),
                want
            );
        }
    }

    #[test]
    fn targets_are_checked_at_load() {
        for (target, want) in [
            ("host = \"a b/c@d\"", "target[1].host = \"a b/c@d\": invalid host name"),
            (
                "host = \"127.0.0.1:45641\"",
                "target[1].host = \"127.0.0.1:45641\": expected a host name or address without a port",
            ),
            ("host = \"a\"\nresolve = [\"nope\"]", "target[1].resolve = \"nope\": invalid address"),
            ("host = \"a\"\nport = 0", "target[1].port = 0: must be between 1 and 65535"),
        ] {
            let err = parse_err(&format!("[[target]]\n{target}"));
            assert!(err.starts_with(want), "{target}: {err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_config_that_is_not_a_regular_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("watch.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let e = load(&fifo).unwrap_err().to_string();
        assert!(
            e.starts_with("--config ") && e.ends_with("not a regular file (a FIFO)"),
            "{e}"
        );
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.ends_with("not a regular file (a directory)"), "{e}");
    }
}
