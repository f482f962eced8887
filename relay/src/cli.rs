//! The command line (docs/contracts.md, contract 1), a thin shell: the flags are read
//! once into checked settings ([`crate::settings`]), then `scan` runs the
//! probe, grades with the core and prints the report ([`crate::render`]);
//! `serve` runs [`crate::serve`]; `watch` runs [`crate::watch`].
//!
//! Exit status: 0 when a report was produced (whatever the grade); 2 bad input,
//! 3 refused target, 4 unresolvable, 5 nothing reachable, 1 anything else —
//! always with a one-line error on stderr. With `scan --json`, a failure also
//! prints `{"error": {"code", "message"}}` on stdout (the HTTP API's codes).
//! `tlslens-relay` alone prints the help with the commands and exits 2.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

use clap::error::ErrorKind as ClapErrorKind;
use clap::FromArgMatches;

use crate::clock::SharedClock;
use crate::probe::{Progress, ProgressFn};
use crate::settings::args::{Cli, Command};
use crate::settings::{Output, ScanSettings, ServeSettings, Terminal, WatchSettings};
use crate::{render, Error, ErrorKind};

/// Runs the command line of this process; returns the exit status.
pub fn main() -> i32 {
    run(std::env::args_os().collect(), crate::clock::system())
}

/// Runs the command line `args` (the program name first) with `clock` as
/// "now"; returns the exit status.
pub fn run(args: Vec<OsString>, clock: SharedClock) -> i32 {
    let json = wants_json(&args);
    let command = crate::settings::args::command(|k| std::env::var_os(k).is_some());
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => return usage_error(&e, json),
    };
    init_tracing();
    match cli.command {
        Command::Scan(args) => {
            let term = Terminal {
                stdout: std::io::stdout().is_terminal(),
                stderr: std::io::stderr().is_terminal(),
            };
            match ScanSettings::from_args(&args, term) {
                Ok(mut settings) => {
                    settings.probe.clock = clock;
                    block_on(scan(settings), args.json)
                }
                Err(e) => fail(&e, e.kind(), args.json),
            }
        }
        Command::Serve(args) => match ServeSettings::from_args(&args) {
            Ok(mut s) => {
                s.service.scan.clock = clock;
                block_on(crate::serve::run(s.listen, s.service, s.limits), false)
            }
            Err(e) => fail(&e, e.kind(), false),
        },
        Command::Watch(args) => match WatchSettings::from_args(&args) {
            Ok(mut s) => {
                s.monitor.scan.clock = clock;
                block_on(crate::watch::run(s.monitor, s.once, s.listen), false)
            }
            Err(e) => fail(&e, e.kind(), false),
        },
        Command::Logs(args) => crate::logs::main(
            &crate::logs::LogsFlags {
                files: args.files,
                json: args.json,
                since: args.since,
                timezone: args.timezone,
                top: args.top,
                scan_report: args.scan_report,
            },
            clock.now(),
        ),
    }
}

/// Whether the command is `scan … --json` (looked at before parsing, so a
/// flag error can be answered in JSON too).
fn wants_json(args: &[OsString]) -> bool {
    args.get(1).is_some_and(|a| a == "scan")
        && args
            .iter()
            .skip(2)
            .take_while(|a| *a != "--")
            .any(|a| a == "--json")
}

/// A clap error: `--help` and `--version` print and succeed; no arguments
/// at all prints the help (with the commands) and fails; anything else is
/// one line.
fn usage_error(e: &clap::Error, json: bool) -> i32 {
    if !e.use_stderr() {
        let _ = e.print();
        return 0;
    }
    if e.kind() == ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = e.print();
        return 2;
    }
    let line = one_line(&e.to_string());
    eprintln!("tlslens-relay: {line}");
    if json {
        print!(
            "{}",
            render::json_error(ErrorKind::BadInput.as_str(), &line)
        );
    }
    2
}

/// Prints the one-line error (and the JSON error object with `json`);
/// returns the exit status of its `kind`.
fn fail(e: &dyn std::fmt::Display, kind: ErrorKind, json: bool) -> i32 {
    eprintln!("tlslens-relay: {e}");
    if json {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render::json_error(kind.as_str(), &e.to_string()).as_bytes());
        let _ = out.flush();
    }
    kind.exit_code()
}

/// Runs a subcommand on a fresh multi-threaded runtime; returns the exit status
/// (printing the error when it fails).
fn block_on(work: impl std::future::Future<Output = Result<(), Error>>, json: bool) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tlslens-relay: cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => 0,
        Err(e) => fail(&e, e.kind(), json),
    }
}

/// The first line of a clap error (and the next one when the first ends
/// with a colon), without the `error: ` prefix.
fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match lines.next() {
        Some(next) if first.ends_with(':') => format!("{first} {next}"),
        _ => first.to_owned(),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// `scan`: probe, grade at the clock's "now", print.
async fn scan(settings: ScanSettings) -> Result<(), Error> {
    let progress: Option<ProgressFn> = settings.progress.then(|| {
        Arc::new(|p: Progress| {
            eprintln!("[{}/{}] {}", p.done, p.total, p.step);
        }) as ProgressFn
    });
    let facts = crate::probe::scan(&settings.target, &settings.probe, progress).await?;
    let report = tlslens_core::grade(&facts, settings.probe.clock.now());
    let text = match settings.output {
        Output::Json => render::json(&report)?,
        Output::Human { color } => render::human(&report, color),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn json_is_seen_before_parsing() {
        assert!(wants_json(&os(&["r", "scan", "x", "--json"])));
        assert!(wants_json(&os(&["r", "scan", "--json", "--bogus"])));
        assert!(!wants_json(&os(&["r", "scan", "x"])));
        assert!(!wants_json(&os(&["r", "scan", "--", "--json"])));
        assert!(!wants_json(&os(&["r", "serve", "--json"])));
    }

    #[test]
    fn clap_errors_become_one_line() {
        assert_eq!(
            one_line("error: the following required arguments were not provided:\n  <TARGET>\n\nUsage: x"),
            "the following required arguments were not provided: <TARGET>"
        );
        assert_eq!(
            one_line("error: unexpected argument '--x' found\n\nUsage"),
            "unexpected argument '--x' found"
        );
    }
}
