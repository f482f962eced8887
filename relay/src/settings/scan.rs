//! [`ScanSettings`]: what `scan` does, checked — the targets (arguments
//! and `--targets-file`, [`super::targets`]), the probe's options, the run's
//! connection budget, the gates (`--min-grade`, `--profile`), `--fix`,
//! `--junit` and the output.

use std::path::PathBuf;

use tlslens_core::profiles::ProfileId;
use tlslens_core::report::Grade;

use super::args::ScanArgs;
use super::bounds;
use super::error::{Problem, SettingError};
use super::name::{Name, Setting};
use super::probe::{scan_options, ProbeInput, Spelling};
use crate::gate::Gate;
use crate::probe::ScanOptions;
use crate::resolve::TargetSpec;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The contract's JSON (and a JSON error object when there is no report).
    Json,
    /// One compact JSON report (or error object) per line, in the order
    /// given: `--json` with several targets or `--targets-file`.
    JsonLines,
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
    /// What to scan, in the order given (at least one).
    pub targets: Vec<TargetSpec>,
    /// The probe's options (`max_connections` is the per-target cap).
    pub probe: ScanOptions,
    /// Connections of the whole run, all targets together.
    pub total_connections: usize,
    /// `--min-grade` and `--profile`.
    pub gate: Gate,
    /// Print (and put in the JSON) each endpoint's fix plan.
    pub fix: bool,
    /// Where to write the JUnit XML report.
    pub junit: Option<PathBuf>,
    /// How to write the report.
    pub output: Output,
    /// Report progress on standard error.
    pub progress: bool,
}

impl ScanSettings {
    /// Checks `scan`'s arguments. Colour needs a terminal on standard output
    /// and no `--no-color`; progress needs one on standard error.
    pub fn from_args(args: &ScanArgs, term: Terminal) -> Result<Self, SettingError> {
        let targets = super::targets::targets(&args.targets, args.targets_file.as_deref())?;
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
        let total_connections = bounds::count(
            Name::Flag(Setting::TotalConnections),
            args.total_connections,
        )?;
        let gate = Gate {
            min_grade: args.min_grade.as_deref().map(min_grade).transpose()?,
            profile: args.profile.as_deref().map(profile).transpose()?,
        };
        let output = if args.json && (targets.len() > 1 || args.targets_file.is_some()) {
            Output::JsonLines
        } else if args.json {
            Output::Json
        } else {
            Output::Human {
                color: term.stdout && !args.no_color,
            }
        };
        Ok(Self {
            targets,
            probe,
            total_connections,
            gate,
            fix: args.fix,
            junit: args.junit.clone(),
            output,
            progress: term.stderr,
        })
    }
}

/// `--min-grade`: a grade as the contract spells it (`a+` too).
fn min_grade(value: &str) -> Result<Grade, SettingError> {
    Grade::parse(&value.to_ascii_uppercase()).ok_or_else(|| {
        SettingError::invalid(Name::Path("--min-grade".into()), value, Problem::Grade)
    })
}

/// `--profile`: one of the core's profiles.
fn profile(value: &str) -> Result<ProfileId, SettingError> {
    ProfileId::parse(value)
        .map_err(|_| SettingError::invalid(Name::Path("--profile".into()), value, Problem::Profile))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::settings::args::{Cli, Command};

    fn settings(args: &[&str]) -> Result<ScanSettings, String> {
        let cli = Cli::try_parse_from(["tlslens-relay", "scan"].iter().chain(args))
            .map_err(|e| e.to_string())?;
        let Command::Scan(a) = cli.command else {
            unreachable!()
        };
        ScanSettings::from_args(&a, Terminal::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn gates_are_read_once() {
        let s = settings(&["a.example", "--min-grade", "a-", "--profile", "mozilla-old"]).unwrap();
        assert_eq!(s.gate.min_grade, Some(Grade::AMinus));
        assert_eq!(s.gate.profile, Some(ProfileId::MozillaOld));
        assert_eq!(s.output, Output::Human { color: false });
        let s = settings(&["a.example", "--min-grade", "A+"]).unwrap();
        assert_eq!(s.gate.min_grade, Some(Grade::APlus));
        assert!(!settings(&["a.example"]).unwrap().gate.is_set());
    }

    #[test]
    fn bad_gates_name_the_flag_and_what_is_allowed() {
        assert_eq!(
            settings(&["a.example", "--profile", "mozilla-modrn"]).unwrap_err(),
            "--profile \"mozilla-modrn\": unknown profile; known profiles: mozilla-modern, mozilla-intermediate, mozilla-old"
        );
        assert_eq!(
            settings(&["a.example", "--min-grade", "Z"]).unwrap_err(),
            "--min-grade \"Z\": expected a grade: A+, A, A-, B, C, D, E, F, T, M"
        );
        assert_eq!(
            settings(&["a.example", "--total-connections", "0"]).unwrap_err(),
            "--total-connections 0: must be between 1 and 4096"
        );
    }

    #[test]
    fn json_lines_with_several_targets() {
        let one = settings(&["a.example", "--json"]).unwrap();
        assert_eq!(one.output, Output::Json);
        let two = settings(&["a.example", "b.example:8443", "--json"]).unwrap();
        assert_eq!(two.output, Output::JsonLines);
        let hosts: Vec<_> = two
            .targets
            .iter()
            .map(|t| (t.host.as_str(), t.port))
            .collect();
        assert_eq!(hosts, [("a.example", 443), ("b.example", 8443)]);
        assert!(settings(&[]).is_err());
    }
}
