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

/// The monitor's settings.
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
    /// Targets scanned at once.
    pub concurrency: usize,
    /// Spread of target start times within a round (continuous mode only).
    pub jitter: Duration,
    /// The probe's options for every target: address policy, extra trust
    /// anchors, time limit, connection budget.
    pub scan: ScanOptions,
    /// What to watch.
    pub targets: Vec<Target>,
}
