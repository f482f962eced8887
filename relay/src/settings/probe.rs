//! The probe's settings, shared by `scan`, `serve` and `watch`: the address
//! policy, `--resolve`, extra trust anchors, the scan's time limit and its
//! connection budget — turned into the [`ScanOptions`] the probe takes. The
//! trust-anchor file is read by [`super::anchors`].

use std::path::Path;

pub use super::anchors::load_anchors;
use super::bounds;
use super::error::{Problem, SettingError};
use super::name::{Name, Setting};
use crate::probe::ScanOptions;
use crate::resolve::parse_resolve;
use tlslens_core::clients::ClientSelection;

/// How the command spells its probe settings: `scan` flags, `serve` flags
/// and variables, or `watch` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `scan --scan-timeout`.
    ScanFlags,
    /// `serve --scan-timeout` / `TLSLENS_SCAN_TIMEOUT`.
    ServeFlags,
    /// `watch`'s `scan_timeout`.
    WatchKeys,
}

impl Spelling {
    /// The name of `setting` in this spelling.
    pub fn name(self, setting: Setting) -> Name {
        match self {
            Spelling::ScanFlags => Name::Flag(setting),
            Spelling::ServeFlags => Name::FlagOrEnv(setting),
            Spelling::WatchKeys => Name::Key(setting),
        }
    }
}

/// The probe settings as given, before checking.
#[derive(Debug, Clone, Copy)]
pub struct ProbeInput<'a> {
    /// How the command names them.
    pub spelling: Spelling,
    /// Allow special-purpose addresses.
    pub allow_private: bool,
    /// `HOST:PORT:ADDR[,ADDR...]` entries.
    pub resolve: &'a [String],
    /// CIDRs allowed anyway.
    pub allow_cidr: &'a [String],
    /// PEM file of extra anchors.
    pub ca_file: Option<&'a Path>,
    /// The scan's time limit from a flag, in seconds (`watch` passes its
    /// duration as [`ProbeInput::scan_timeout_written`]).
    pub scan_timeout: f64,
    /// How the time limit was written, for a key's error.
    pub scan_timeout_written: Option<&'a str>,
    /// The connection budget.
    pub scan_connections: u64,
    /// The clients to simulate, as written (`all`, `current`, ids and
    /// names comma-separated; `watch` joins its list).
    pub clients: &'a str,
}

/// Checks the probe settings and builds the probe's options.
pub fn scan_options(p: &ProbeInput<'_>) -> Result<ScanOptions, SettingError> {
    let name = |s| p.spelling.name(s);
    let timeout = match p.scan_timeout_written {
        None => bounds::seconds(name(Setting::ScanTimeout), p.scan_timeout)?,
        Some(written) => {
            let d = super::duration::parse_duration(written).ok_or_else(|| {
                SettingError::expected(name(Setting::ScanTimeout), written, DURATION)
            })?;
            bounds::duration(name(Setting::ScanTimeout), d, written)?
        }
    };
    let max_connections = bounds::count(name(Setting::ScanConnections), p.scan_connections)?;
    let resolve = p
        .resolve
        .iter()
        .map(|r| parse_resolve(r).map_err(|e| SettingError::invalid(name(Setting::Resolve), r, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let allow_cidrs = p
        .allow_cidr
        .iter()
        .map(|c| {
            c.parse().map_err(|e: String| {
                SettingError::invalid(name(Setting::AllowCidr), c, Problem::Cidr(e))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let clients = parse_clients(name(Setting::Clients), p.clients)?;
    let extra_anchors = match p.ca_file {
        None => Vec::new(),
        Some(path) => load_anchors(name(Setting::CaFile), path)?,
    };
    Ok(ScanOptions {
        allow_private: p.allow_private,
        allow_cidrs,
        timeout,
        max_connections,
        resolve,
        extra_anchors,
        clients: Some(clients),
        clock: crate::clock::system(),
    })
}

/// Checks a client selection (every name must be a client of the table).
pub fn parse_clients(name: Name, text: &str) -> Result<ClientSelection, SettingError> {
    ClientSelection::parse(text).map_err(|e| SettingError::invalid(name, text, Problem::Clients(e)))
}

/// How the `watch` config's durations are written.
pub const DURATION: &str = "a duration like \"30s\", \"15m\", \"6h\" or \"1d\"";
