//! `tlslens-relay logs FILE... [--json] [--since TIME]` (docs/contracts.md,
//! contract 7): TLS handshake failures in a server's own logs, classified into five
//! root causes, with counts, first and last seen, top client addresses, a
//! per-hour histogram and the raw reasons grouped; per cause the likely fix
//! and the `scan` command that confirms it. See docs/logs.md.
//!
//! * [`settings`]: flags → typed [`LogsSettings`].
//! * [`input`] and [`lines`]: plain, gzip and standard-input streams, split
//!   into lines in constant memory.
//! * [`recognise`]: nginx, Apache mod_ssl and HAProxy line recognisers.
//! * [`openssl`] and [`cause`]: OpenSSL reasons (1.x and 3 spellings) to the
//!   five causes, with the fix for each.
//! * [`aggregate`] (with [`counter`]): bounded-memory statistics.
//! * [`clients`]: which simulated clients match a protocol or cipher
//!   mismatch.
//! * [`report`] and [`render`]: the typed report, JSON and the human table.
//!
//! Exit status: 0 when every input was read; 6 when some input could not be
//! read (one line on stderr each; the report covers the others); 2 for bad
//! flags or when no input could be read at all (no report then).

pub mod aggregate;
pub mod cause;
pub mod clients;
pub mod counter;
pub mod input;
pub mod lines;
pub mod openssl;
pub mod recognise;
pub mod render;
pub mod report;
pub mod settings;
pub mod time;

use std::io::{BufRead, IsTerminal, Write};

pub use cause::Cause;
pub use clients::{ClientDescription, ClientProfile, ServerOffer};
pub use report::LogsReport;
pub use settings::{LogsFlags, LogsSettings, Output};

use aggregate::Aggregator;
use lines::{Line, Totals};
use recognise::Recogniser;
use report::InputReport;

/// Every input was read.
pub const EXIT_OK: i32 = 0;
/// Bad flags, or no input could be read.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Some inputs could not be read; the report covers the others.
pub const EXIT_UNREADABLE: i32 = 6;

/// The `logs` subcommand: parses `flags` (with `now`, the CLI clock's Unix
/// time, for relative `--since`), reads, prints; returns the exit status.
pub fn main(flags: &LogsFlags, now: i64) -> i32 {
    let terminal = std::io::stdout().is_terminal();
    let settings = match LogsSettings::from_flags(flags, now, terminal) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tlslens-relay: bad input: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    run(
        &settings,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}

/// Reads every input of `settings` and writes the report to `out`; one line
/// per unreadable input goes to `err`. Returns the exit status.
pub fn run(settings: &LogsSettings, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (report, unreadable) = analyse(settings, err);
    if unreadable == settings.sources.len() {
        let _ = writeln!(err, "tlslens-relay: no input could be read");
        return EXIT_BAD_INPUT;
    }
    let text = match settings.output {
        Output::Json => render::json(&report),
        Output::Human { bars } => render::human(&report, bars),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "tlslens-relay: cannot write the report: {e}");
            return 1;
        }
    }
    if unreadable > 0 {
        EXIT_UNREADABLE
    } else {
        EXIT_OK
    }
}

/// Reads every input into a report; returns it and how many inputs could
/// not be read (completely). Each such input gets one line on `err`.
pub fn analyse(settings: &LogsSettings, err: &mut dyn Write) -> (LogsReport, usize) {
    let mut agg = Aggregator::new(settings.since, settings.limits);
    let mut rec = Recogniser::new(time::Zone::new(settings.zone.clone()), settings.now);
    let mut inputs = Vec::with_capacity(settings.sources.len());
    let mut unreadable = 0;
    for source in &settings.sources {
        let name = source.name();
        let (compression, result) = match input::open(source) {
            Ok(mut opened) => {
                let result = read_stream(&mut *opened.reader, &name, &mut rec, &mut agg);
                (Some(opened.compression), result)
            }
            Err(e) => (None, Err((e, Totals::default()))),
        };
        rec.finish(&mut agg);
        let (totals, error) = match result {
            Ok(t) => (t, None),
            Err((e, t)) => {
                unreadable += 1;
                let after = if t.lines > 0 {
                    format!(" (after {} lines)", t.lines)
                } else {
                    String::new()
                };
                let message = format!("{}{after}", one_line(&e.to_string()));
                let _ = writeln!(err, "tlslens-relay: cannot read {name}: {message}");
                (t, Some(message))
            }
        };
        inputs.push(InputReport {
            name,
            compression,
            lines: totals.lines,
            bytes: totals.bytes,
            error,
        });
    }
    let ctx = report::Context {
        timezone: &settings.zone_name,
        since: settings.since,
        top: settings.top,
        clients: &settings.clients,
        offer: settings.offer.as_ref(),
    };
    (report::build(&agg, inputs, ctx), unreadable)
}

fn read_stream(
    reader: &mut dyn BufRead,
    name: &str,
    rec: &mut Recogniser,
    agg: &mut Aggregator,
) -> Result<Totals, (std::io::Error, Totals)> {
    let mut number = 0u64;
    lines::for_each_line(reader, lines::MAX_LINE, |line| {
        number += 1;
        match line {
            Line::Text(text) => {
                let kind = rec.line(text, &mut *agg);
                agg.line(kind, name, number, text);
            }
            Line::TooLong => agg.too_long(),
        }
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
