//! The low layer: the command line as clap reads it (docs/contracts.md, contract 1),
//! values still as typed — numbers unbounded, addresses and files unread.
//! [`super::ScanSettings`], [`super::ServeSettings`] and
//! [`super::WatchSettings`] turn these into checked settings; nothing else
//! reads them.
//!
//! Canonical names and old spellings are listed in [`super::name::Setting`];
//! a test checks the two agree.

// The doc comments below are the `--help` text: `HOST[:PORT]` is meant
// literally, not as a link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use super::name::Setting;

/// TLS Lens relay: scan TLS servers, serve scans over HTTP, watch
/// certificates.
#[derive(Debug, Parser)]
#[command(name = "tlslens-relay", version, about, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan HOST[:PORT] targets and print the graded reports; gate CI on a
    /// grade or a Mozilla profile (see docs/ci.md).
    Scan(ScanArgs),
    /// Serve the HTTP API the browser extension calls (see docs/relay.md).
    Serve(Box<ServeArgs>),
    /// Monitor targets: rescan every interval, keep history, alert by webhook (see docs/watch.md).
    Watch(WatchArgs),
    /// Count and explain TLS handshake failures in nginx, Apache and HAProxy logs (see docs/logs.md).
    Logs(LogsArgs),
}

/// `scan` arguments.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// HOST[:PORT], [IPv6]:PORT or https://HOST[:PORT]/ (port 443 by
    /// default); several are scanned concurrently.
    #[arg(value_name = "TARGET", required_unless_present = "targets_file")]
    pub targets: Vec<String>,
    /// Also scan the targets in FILE: one HOST[:PORT] a line; `#` starts a
    /// comment, blank lines are skipped.
    #[arg(long, value_name = "FILE")]
    pub targets_file: Option<PathBuf>,
    /// Print the report as JSON (and, when there is none, a JSON error
    /// object); with several targets or --targets-file, one line per target
    /// (JSON Lines) in the order given.
    #[arg(long)]
    pub json: bool,
    /// Exit 10 when a target grades below GRADE (A+ A A- B C D E F; T and M
    /// are below everything).
    #[arg(long, value_name = "GRADE")]
    pub min_grade: Option<String>,
    /// Compare every target with this Mozilla server-side TLS profile
    /// (mozilla-modern, mozilla-intermediate, mozilla-old); exit 11 when one
    /// deviates.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Print the nginx, Apache and Caddy lines that make each endpoint meet
    /// --profile (or grade A+ without one).
    #[arg(long)]
    pub fix: bool,
    /// Write a JUnit XML report to FILE: one test case per target and check.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// HOST:PORT:ADDR[,ADDR...] — use these addresses instead of DNS (as curl).
    #[arg(long, value_name = "HOST:PORT:ADDR[,ADDR...]")]
    pub resolve: Vec<String>,
    /// PEM file of extra trust anchors (added to the Mozilla roots).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Allow private, loopback, link-local and reserved addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Time limit of the scan, in seconds (more than 0, at most 3600).
    #[arg(
        long,
        visible_alias = "timeout",
        value_name = "SECS",
        default_value_t = 60.0,
        allow_negative_numbers = true
    )]
    pub scan_timeout: f64,
    /// Concurrent connections to the target, all its addresses together
    /// (1 to 64; lower it for fragile servers).
    #[arg(
        long,
        visible_alias = "max-connections",
        value_name = "N",
        default_value_t = 8
    )]
    pub scan_connections: u64,
    /// The clients to simulate: all, current (the versions people run
    /// today), or client ids and names from the client table, comma-separated
    /// (e.g. java-8u161,"Android 8.1").
    #[arg(long, value_name = "all|current|NAME,...", default_value = "all")]
    pub clients: String,
    /// Skip the client simulation: no `clients` per endpoint and no
    /// `client_failures` in the report (a faster scan).
    #[arg(long, conflicts_with = "clients")]
    pub no_clients: bool,
    /// Concurrent connections of the whole run, all targets together (1 to
    /// 4096): each target scanned holds its --scan-connections share.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub total_connections: u64,
    /// Never use colour.
    #[arg(long)]
    pub no_color: bool,
}

/// `serve` arguments (contract 1). Every flag can also be set with the
/// `TLSLENS_*` environment variable named in its help.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address, ADDR:PORT (`[::]:8787` for every IPv6 and IPv4
    /// address). Without --token, keep it on loopback or behind a proxy that
    /// authenticates.
    #[arg(
        long,
        env = "TLSLENS_LISTEN",
        value_name = "ADDR:PORT",
        default_value = crate::serve::DEFAULT_LISTEN
    )]
    pub listen: String,
    /// Allow private, loopback, link-local and other special-purpose targets
    /// (self-hosting on an internal network; never on a public relay).
    #[arg(long, env = "TLSLENS_ALLOW_PRIVATE")]
    pub allow_private: bool,
    /// Allow this special-purpose range anyway, e.g. 10.20.0.0/16
    /// (repeatable; comma-separated in the environment variable).
    #[arg(
        long,
        env = "TLSLENS_ALLOW_CIDR",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub allow_cidr: Vec<String>,
    /// Bearer token clients must send (`Authorization: Bearer TOKEN`);
    /// without it the API is open. Prefer the environment variable: command
    /// lines are visible to other users.
    #[arg(
        long,
        env = "TLSLENS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Use these addresses instead of DNS for HOST:PORT, as curl (repeatable;
    /// space-separated in the environment variable).
    #[arg(
        long,
        env = "TLSLENS_RESOLVE",
        value_name = "HOST:PORT:ADDR[,ADDR...]",
        value_delimiter = ' '
    )]
    pub resolve: Vec<String>,
    /// PEM file of extra trust anchors (added to the Mozilla roots).
    #[arg(long, env = "TLSLENS_CA_FILE", value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Also allow this web origin by CORS (browser extensions are always
    /// allowed); repeatable, comma-separated in the environment variable.
    #[arg(
        long,
        env = "TLSLENS_CORS_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origin: Vec<String>,
    /// Also answer requests for this host name (the name the relay is
    /// reached under through a proxy or DNS, e.g. relay.example.org);
    /// repeatable, comma-separated in the environment variable. The listen
    /// address and localhost are always accepted; other Host headers get
    /// 421 host_not_allowed (DNS rebinding).
    #[arg(
        long,
        env = "TLSLENS_PUBLIC_HOST",
        value_name = "NAME",
        value_delimiter = ','
    )]
    pub public_host: Vec<String>,
    /// Scan only these ports, e.g. 443,8443,9000-9100 (default: any port).
    #[arg(long, env = "TLSLENS_ALLOW_PORTS", value_name = "PORTS")]
    pub allow_ports: Option<String>,
    /// Scans running at the same time (1 to 256).
    #[arg(long, env = "TLSLENS_MAX_SCANS", value_name = "N", default_value_t = 4)]
    pub max_scans: u64,
    /// Scans that may wait for a free slot (0 to 10000); beyond, requests
    /// get 429.
    #[arg(long, env = "TLSLENS_QUEUE", value_name = "N", default_value_t = 16)]
    pub queue: u64,
    /// Scans per client address (IPv6: per /64) per minute, as a token
    /// bucket; cached answers are free, fresh=1 costs 5. 0 disables it (at
    /// most 100000).
    #[arg(
        long,
        env = "TLSLENS_RATE_PER_MINUTE",
        value_name = "N",
        default_value_t = 30
    )]
    pub rate_per_minute: u64,
    /// Seconds a report is served from the cache (0 disables the cache; at
    /// most 604800, a week).
    #[arg(
        long,
        env = "TLSLENS_CACHE_TTL",
        value_name = "SECS",
        default_value_t = 300
    )]
    pub cache_ttl: u64,
    /// Reports kept in the cache at most (0 to 1000000).
    #[arg(
        long,
        env = "TLSLENS_CACHE_ENTRIES",
        value_name = "N",
        default_value_t = 4096
    )]
    pub cache_entries: u64,
    /// Time limit of one scan, in seconds (more than 0, at most 3600).
    #[arg(
        long,
        env = "TLSLENS_SCAN_TIMEOUT",
        value_name = "SECS",
        default_value_t = 60.0,
        allow_negative_numbers = true
    )]
    pub scan_timeout: f64,
    /// Concurrent connections of one scan to its target, all the target's
    /// addresses together (1 to 64; TLSLENS_PROBE_CONNECTIONS is read too).
    #[arg(
        long,
        visible_alias = "probe-connections",
        env = "TLSLENS_SCAN_CONNECTIONS",
        value_name = "N",
        default_value_t = 8
    )]
    pub scan_connections: u64,
    /// Open HTTP connections at most (1 to 100000); more are closed at once.
    #[arg(
        long,
        env = "TLSLENS_MAX_HTTP_CONNECTIONS",
        value_name = "N",
        default_value_t = 1024
    )]
    pub max_http_connections: u64,
    /// Open HTTP connections of one client address (IPv6: per /64) at most
    /// (1 to 100000; never more than --max-http-connections less an eighth
    /// kept for other clients). Default 64; with --client-ip-header every
    /// connection comes from the proxy, so the default there is no
    /// per-address cap (limit clients in the proxy).
    #[arg(long, env = "TLSLENS_MAX_CLIENT_CONNECTIONS", value_name = "N")]
    pub max_client_connections: Option<u64>,
    /// Seconds a client has to send its request headers (1 to 300).
    #[arg(
        long,
        env = "TLSLENS_HEADER_TIMEOUT",
        value_name = "SECS",
        default_value_t = 10
    )]
    pub header_timeout: u64,
    /// Behind a reverse proxy: rate-limit by the address in this header
    /// (e.g. X-Real-IP; the last address of X-Forwarded-For). Only set it
    /// when the proxy overwrites the header.
    #[arg(long, env = "TLSLENS_CLIENT_IP_HEADER", value_name = "HEADER")]
    pub client_ip_header: Option<String>,
    /// The clients to simulate by default: all, current, or client ids and
    /// names, comma-separated; a request may ask for others with `clients=`.
    #[arg(
        long,
        env = "TLSLENS_CLIENTS",
        value_name = "all|current|NAME,...",
        default_value = "all"
    )]
    pub clients: String,
}

/// `watch` arguments (contract 1); the rest of its settings are in the TOML
/// file (docs/watch.md).
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The TOML configuration (required).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Run one round and exit.
    #[arg(long)]
    pub once: bool,
    /// Serve /metrics, /healthz, /report and /report.json here (ADDR:PORT).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Write the monthly report for MONTH (YYYY-MM) as one HTML file and exit.
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["once", "listen"])]
    pub report_month: Option<String>,
    /// Where --report-month writes (default: tlslens-report-YYYY-MM.html).
    #[arg(long, value_name = "FILE", requires = "report_month")]
    pub output: Option<PathBuf>,
    /// Manage the target list in the database (PostgreSQL).
    #[command(subcommand)]
    pub command: Option<WatchCommand>,
}

/// `watch` subcommands.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Add, remove or list the targets that watchers sharing a PostgreSQL
    /// database scan (no restart needed).
    #[command(subcommand)]
    Targets(TargetsCommand),
}

/// `watch targets …`.
#[derive(Debug, Subcommand)]
pub enum TargetsCommand {
    /// Add a target (or replace its resolve addresses).
    Add {
        /// Host name or address (no port: use --port).
        host: String,
        /// Port.
        #[arg(long, default_value_t = 443)]
        port: u16,
        /// Scan these addresses instead of DNS (repeatable).
        #[arg(long, value_name = "ADDR")]
        resolve: Vec<String>,
    },
    /// Remove a target (its history stays).
    Remove {
        /// Host name or address.
        host: String,
        /// Port.
        #[arg(long, default_value_t = 443)]
        port: u16,
    },
    /// List the targets: host:port, resolve addresses, next scan, last claim.
    List,
}

/// Old `serve` environment variables, read when the canonical one is unset:
/// (subcommand, argument id, setting).
const LEGACY_ENV: [(&str, &str, Setting); 1] =
    [("serve", "scan_connections", Setting::ScanConnections)];

/// The clap command. `env_set` says whether an environment variable is set:
/// where only an old name of a `serve` variable is, that one is read.
pub fn command(env_set: impl Fn(&str) -> bool) -> clap::Command {
    let mut cmd = Cli::command();
    for (sub, id, setting) in LEGACY_ENV {
        let canonical = setting.env().unwrap_or_default();
        if env_set(canonical) {
            continue;
        }
        if let Some(old) = setting.aliases().env.iter().find(|e| env_set(e)) {
            cmd = cmd.mut_subcommand(sub, |s| s.mut_arg(id, |a| a.env(*old)));
        }
    }
    cmd
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn long_names(cmd: &clap::Command) -> Vec<String> {
        cmd.get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect()
    }

    /// The clap definitions spell every setting as the table in
    /// `settings::name` does: the canonical flag, its variable, the old
    /// spellings as aliases.
    #[test]
    fn flags_match_the_setting_table() {
        let cli = command(|_| false);
        let serve = cli.find_subcommand("serve").unwrap();
        let scan = cli.find_subcommand("scan").unwrap();
        let watch = cli.find_subcommand("watch").unwrap();
        for setting in Setting::ALL {
            let Some(flag) = setting.flag() else { continue };
            let long = flag.trim_start_matches("--");
            if setting.env().is_none() {
                // A flag without a variable is `scan`'s alone.
                assert!(long_names(scan).contains(&flag.to_owned()), "scan {flag}");
                continue;
            }
            let arg = serve
                .get_arguments()
                .find(|a| a.get_long() == Some(long))
                .unwrap_or_else(|| panic!("serve has no {flag}"));
            let env = arg.get_env().and_then(|e| e.to_str());
            assert_eq!(env, setting.env(), "{flag}");
            let aliases: Vec<String> = arg
                .get_visible_aliases()
                .unwrap_or_default()
                .iter()
                .map(|a| format!("--{a}"))
                .collect();
            for alias in &aliases {
                assert!(setting.aliases().flags.contains(&alias.as_str()), "{alias}");
            }
        }
        // scan shares the probe settings, under the same names.
        for setting in [
            Setting::ScanTimeout,
            Setting::ScanConnections,
            Setting::Clients,
        ] {
            let flag = setting.flag().unwrap();
            assert!(long_names(scan).contains(&flag.to_owned()), "scan {flag}");
        }
        let scan_aliases: Vec<&str> = scan
            .get_arguments()
            .flat_map(|a| a.get_visible_aliases().unwrap_or_default())
            .collect();
        assert_eq!(scan_aliases, ["timeout", "max-connections"]);
        assert!(long_names(watch).contains(&"--listen".to_owned()));
    }

    #[test]
    fn an_old_variable_is_read_when_the_new_one_is_unset() {
        let env_of = |cmd: clap::Command| {
            cmd.find_subcommand("serve")
                .unwrap()
                .get_arguments()
                .find(|a| a.get_id() == "scan_connections")
                .and_then(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
                .unwrap()
        };
        assert_eq!(env_of(command(|_| false)), "TLSLENS_SCAN_CONNECTIONS");
        assert_eq!(
            env_of(command(|k| k == "TLSLENS_PROBE_CONNECTIONS")),
            "TLSLENS_PROBE_CONNECTIONS"
        );
        assert_eq!(
            env_of(command(|k| k.starts_with("TLSLENS_"))),
            "TLSLENS_SCAN_CONNECTIONS"
        );
    }
}

/// `logs` arguments (contract 7); turned into `logs::LogsSettings` by
/// `logs::settings`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Error logs to read: plain or gzip, `-` for standard input; rotated files together.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only failures at or after TIME: RFC 3339 (2026-11-30T12:00:00Z), a date, or back from now (24h, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Zone of log times without an offset: local (default), UTC, an IANA name or +HH:MM.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Client addresses listed per cause.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// A saved `scan --json` report of this server: protocol and cipher
    /// mismatches then name the simulated clients that fail that way.
    #[arg(long, value_name = "FILE")]
    pub scan_report: Option<PathBuf>,
}
