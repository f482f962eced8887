//! [`ScanSettings`]: what `scan` does, checked.

use super::args::ScanArgs;
use super::error::SettingError;
use super::probe::{scan_options, ProbeInput, Spelling};
use crate::probe::ScanOptions;
use crate::resolve::{parse_target, TargetSpec};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The contract's JSON (and a JSON error object when there is no report).
    Json,
    /// Text for people, in colour or not.
    Human {
        /// ANSI colours.
        color: bool,
    },
}

/// Which of the process's streams are terminals (colour and progress
/// depend on it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Standard output is a terminal.
    pub stdout: bool,
    /// Standard error is a terminal.
    pub stderr: bool,
}

/// `scan`'s settings.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    /// What to scan.
    pub target: TargetSpec,
    /// The probe's options.
    pub probe: ScanOptions,
    /// How to write the report.
    pub output: Output,
    /// Report progress on standard error.
    pub progress: bool,
}

impl ScanSettings {
    /// Checks `scan`'s arguments. Colour needs a terminal on standard output
    /// and no `--no-color`; progress needs one on standard error.
    pub fn from_args(args: &ScanArgs, term: Terminal) -> Result<Self, SettingError> {
        let target = parse_target(&args.target)?;
        let mut probe = scan_options(&ProbeInput {
            spelling: Spelling::ScanFlags,
            allow_private: args.allow_private,
            resolve: &args.resolve,
            allow_cidr: &[],
            ca_file: args.ca_file.as_deref(),
            scan_timeout: args.scan_timeout,
            scan_timeout_written: None,
            scan_connections: args.scan_connections,
            clients: &args.clients,
        })?;
        if args.no_clients {
            probe.clients = None;
        }
        let output = if args.json {
            Output::Json
        } else {
            Output::Human {
                color: term.stdout && !args.no_color,
            }
        };
        Ok(Self {
            target,
            probe,
            output,
            progress: term.stderr,
        })
    }
}
