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
//!
//! `scan` over several targets (and the CI gate) runs them through
//! [`crate::gate`]: each outcome is printed in the order given as soon as
//! it is ready (a report, a JSON line, or an error line), then the summary
//! table, the JUnit file, one stderr line per failed gate, and the run's
//! status ([`crate::gate::RunStatus`]: not scanned first, then 10 below
//! `--min-grade`, then 11 off `--profile`).

use std::ffi::OsString;
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::error::ErrorKind as ClapErrorKind;
use clap::FromArgMatches;

use crate::clock::SharedClock;
use crate::gate::batch::{Batch, DoneFn, Outcome};
use crate::gate::{GradeCheck, Judged, RunStatus};
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
                    scan_command(settings)
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
                block_on(watch(s), false)
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
    block_on_status(Threads::Many, async move {
        match work.await {
            Ok(()) => 0,
            Err(e) => fail(&e, e.kind(), json),
        }
    })
}

/// Which runtime a command runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Threads {
    /// Every core: `serve`, `watch`, a scan of several targets (each graded
    /// on its own worker).
    Many,
    /// The calling thread (plus the blocking pool): a scan of one target,
    /// whose probes are one task anyway. The thread that polls the probes
    /// also reads the sockets, so no wake-up crosses threads: ~1.5 ms less
    /// per scan of a loopback server (scripts/bench-scan.sh).
    One,
}

/// Runs `work`, which decides the exit status itself, on a fresh runtime.
fn block_on_status(threads: Threads, work: impl std::future::Future<Output = i32>) -> i32 {
    let mut builder = match threads {
        Threads::Many => tokio::runtime::Builder::new_multi_thread(),
        Threads::One => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tlslens-relay: cannot start the runtime: {e}");
            return 1;
        }
    };
    let status = runtime.block_on(work);
    // A blocking task still running (a DNS lookup that hangs) must not hold
    // the exit after SIGTERM.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    status
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

/// `watch`: edit the target list, write a monthly report, or watch.
async fn watch(s: WatchSettings) -> Result<(), Error> {
    if let Some(edit) = &s.edit {
        let text = crate::watch::edit_targets(&s.monitor, edit).await?;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        return Ok(out.flush()?);
    }
    if let Some((month, path)) = &s.report {
        return crate::watch::write_month_report(s.monitor, *month, path).await;
    }
    crate::watch::run(s.monitor, s.once, s.listen).await
}

/// `scan`: opens the JUnit file (a path that cannot be written is bad input,
/// found before any scan), then scans, prints and judges.
fn scan_command(settings: ScanSettings) -> i32 {
    let json = !matches!(settings.output, Output::Human { .. });
    let junit = match &settings.junit {
        None => None,
        Some(path) => match File::create(path) {
            Ok(f) => Some(f),
            Err(e) => {
                let msg = format!("--junit {}: cannot write it: {e}", path.display());
                return fail(&msg, ErrorKind::BadInput, json);
            }
        },
    };
    let threads = if settings.targets.len() == 1 {
        Threads::One
    } else {
        Threads::Many
    };
    block_on_status(threads, scan(settings, junit))
}

/// Scans every target (grading at the clock's "now"), prints each outcome in
/// the order given, then the summary, the JUnit file and the gate's
/// verdicts; returns the exit status.
async fn scan(settings: ScanSettings, junit: Option<File>) -> i32 {
    let total = settings.targets.len();
    let single = total == 1;
    let steps: Option<ProgressFn> = (settings.progress && single).then(|| {
        Arc::new(|p: Progress| {
            eprintln!("[{}/{}] {}", p.done, p.total, p.step);
        }) as ProgressFn
    });
    let batch = Batch {
        scan: settings.probe.clone(),
        grading: settings.gate.grading(settings.fix),
        total_connections: settings.total_connections,
        steps,
        done: (settings.progress && !single).then(|| done_line(total)),
    };
    let mut ordered = crate::gate::batch::run(settings.targets.clone(), batch);
    let mut judged = Vec::with_capacity(total);
    while let Some(outcome) = ordered.next().await {
        if let Err(e) = emit(&settings, &outcome) {
            return fail(&Error::from(e), ErrorKind::Internal, false);
        }
        judged.push(Judged::of(&outcome, settings.gate));
    }
    if let Output::Human { color } = settings.output {
        if !single || settings.gate.is_set() {
            print_out(&render::summary(&judged, settings.gate, color));
        }
    }
    if let Some(mut file) = junit {
        let xml = render::junit(&judged, settings.gate);
        if let Err(e) = file.write_all(xml.as_bytes()).and_then(|()| file.flush()) {
            return fail(&Error::from(e), ErrorKind::Internal, false);
        }
    }
    gate_lines(&judged, &settings);
    RunStatus::of(judged.iter().map(|j| &j.verdict)).exit_code()
}

/// The progress line of a finished target: `[3/40] host:443  A+  (1.2 s)`.
fn done_line(total: usize) -> DoneFn {
    let count = Arc::new(AtomicUsize::new(0));
    Arc::new(move |o: &Outcome| {
        let n = count.fetch_add(1, Ordering::Relaxed) + 1;
        let what = match &o.result {
            Ok(r) => r.grade.map_or("-", |g| g.as_str()).to_owned(),
            Err(e) => format!("not scanned: {}", e.kind().as_str()),
        };
        eprintln!(
            "[{n}/{total}] {}  {what}  ({:.1} s)",
            o.target,
            o.elapsed.as_secs_f64()
        );
    })
}

/// Prints one outcome: the report (with `--fix`, the fix plans), a JSON
/// line, or — when there is no report — the error line on stderr (and the
/// JSON error object).
fn emit(settings: &ScanSettings, outcome: &Outcome) -> std::io::Result<()> {
    let text = match (&outcome.result, settings.output) {
        (Err(e), output) => {
            eprintln!("tlslens-relay: {e}");
            match output {
                Output::Json => render::json_error(e.kind().as_str(), &e.to_string()),
                Output::JsonLines => render::json_target_error(
                    &outcome.target.host,
                    outcome.target.port,
                    e.kind().as_str(),
                    &e.to_string(),
                ),
                Output::Human { .. } => return Ok(()),
            }
        }
        (Ok(report), Output::Json) => render::json(report).map_err(std::io::Error::other)?,
        (Ok(report), Output::JsonLines) => {
            render::json_line(report).map_err(std::io::Error::other)?
        }
        (Ok(report), Output::Human { color }) => {
            let mut text = String::new();
            if outcome.index > 0 {
                text.push('\n');
            }
            text.push_str(&render::human(report, color));
            if settings.fix {
                text.push_str(&render::fix_plans(report, color));
            }
            text
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// One stderr line per failed gate, naming the targets:
/// `below grade A: a.example:443 (B), b.example:443 (T)`.
fn gate_lines(judged: &[Judged], settings: &ScanSettings) {
    if let Some(min) = settings.gate.min_grade {
        let below: Vec<String> = judged
            .iter()
            .filter_map(|j| match j.verdict.grade {
                Some(GradeCheck::Below(g)) => Some(format!(
                    "{} ({})",
                    j.target,
                    g.map_or("no grade", |g| g.as_str())
                )),
                _ => None,
            })
            .collect();
        if !below.is_empty() {
            eprintln!("tlslens-relay: below grade {min}: {}", below.join(", "));
        }
    }
    if let Some(profile) = settings.gate.profile {
        let off: Vec<String> = judged
            .iter()
            .filter(|j| j.verdict.compliant == Some(false))
            .map(|j| {
                let mut codes: Vec<&str> = j
                    .compliance
                    .iter()
                    .flat_map(|c| &c.deviations)
                    .map(|d| d.code.as_str())
                    .collect();
                codes.dedup();
                if j.compliance
                    .as_ref()
                    .is_some_and(|c| !c.unchecked.is_empty())
                {
                    codes.push("unchecked");
                }
                format!("{} ({})", j.target, codes.join(", "))
            })
            .collect();
        if !off.is_empty() {
            eprintln!(
                "tlslens-relay: not compliant with {profile}: {}",
                off.join(", ")
            );
        }
    }
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
