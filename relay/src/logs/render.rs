//! Rendering a [`LogsReport`]: JSON for machines, and for people a summary
//! table of the five causes followed by one section per cause that
//! occurred (meaning, fix, `scan` command, top clients, grouped reasons,
//! per-hour histogram). Text bars only when writing to a terminal; times in
//! UTC.

use std::fmt::Write as _;

use super::report::{CauseReport, LogsReport};

/// Width of the longest histogram bar.
const BAR: usize = 40;
/// Reasons shown per cause in the human output (JSON has them all).
const REASONS_SHOWN: usize = 10;
/// Hourly rows shown per cause before switching to days.
const HOURS_SHOWN: usize = 48;

/// The report as pretty JSON, with a final newline.
pub fn json(report: &LogsReport) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The report for people. `bars`: draw histogram bars (a terminal).
pub fn human(report: &LogsReport, bars: bool) -> String {
    let mut o = String::new();
    header(&mut o, report);
    if report.failures == 0 {
        let _ = writeln!(o, "\nNo TLS handshake failures found.");
        hints_when_empty(&mut o, report);
        return o;
    }
    summary_table(&mut o, report);
    for c in report.causes.iter().filter(|c| c.count > 0) {
        cause_section(&mut o, c, bars);
    }
    examples(&mut o, report);
    o
}

fn header(o: &mut String, r: &LogsReport) {
    let read: Vec<&str> = r
        .inputs
        .iter()
        .filter(|i| i.error.is_none())
        .map(|i| i.name.as_str())
        .collect();
    let _ =
        writeln!(
        o,
        "TLS handshake failures in {} ({} lines: nginx {}, Apache {}, HAProxy {}, unrecognised {})",
        if read.is_empty() { "nothing".to_owned() } else { read.join(", ") },
        group(r.lines.total),
        group(r.lines.nginx),
        group(r.lines.apache),
        group(r.lines.haproxy),
        group(r.lines.unrecognised),
    );
    let mut notes = vec![
        format!("log times read as {}", r.timezone),
        "shown in UTC".to_owned(),
    ];
    if let Some(since) = &r.since {
        notes.push(format!(
            "since {since} ({} earlier failures skipped)",
            group(r.skipped_before_since)
        ));
    }
    if r.upstream_failures > 0 {
        notes.push(format!(
            "{} upstream handshake failures (server as client) not counted",
            group(r.upstream_failures)
        ));
    }
    if r.lines.too_long > 0 {
        notes.push(format!(
            "{} over-long lines skipped",
            group(r.lines.too_long)
        ));
    }
    let _ = writeln!(o, "{}", notes.join("; "));
}

fn hints_when_empty(o: &mut String, r: &LogsReport) {
    if r.lines.nginx > 0 {
        let _ = writeln!(
            o,
            "nginx logs handshake failures at level info: set `error_log FILE info;` to see them."
        );
    }
    if r.lines.apache > 0 {
        let _ = writeln!(
            o,
            "Apache logs them at level info: set `LogLevel warn ssl:info` to see them."
        );
    }
    if r.lines.total > 0 && r.lines.total == r.lines.unrecognised {
        let _ = writeln!(
            o,
            "No line was recognised as an nginx, Apache or HAProxy error log line."
        );
    }
    examples(o, r);
}

fn summary_table(o: &mut String, r: &LogsReport) {
    let _ = writeln!(
        o,
        "\n{:<18} {:>9} {:>6}  {:<20}  {:<20}",
        "CAUSE", "FAILURES", "SHARE", "FIRST SEEN", "LAST SEEN"
    );
    for c in &r.causes {
        let share = if r.failures > 0 {
            c.count as f64 * 100.0 / r.failures as f64
        } else {
            0.0
        };
        let _ = writeln!(
            o,
            "{:<18} {:>9} {:>5.1}%  {:<20}  {:<20}",
            c.cause.as_str(),
            group(c.count),
            share,
            c.first_seen.as_deref().unwrap_or("-"),
            c.last_seen.as_deref().unwrap_or("-"),
        );
    }
    let _ = writeln!(o, "{:<18} {:>9}", "total", group(r.failures));
}

fn cause_section(o: &mut String, c: &CauseReport, bars: bool) {
    let plural = if c.count == 1 { "" } else { "s" };
    let title = format!("{}: {} failure{plural} ", c.cause.as_str(), group(c.count));
    let _ = writeln!(
        o,
        "\n{title}{}",
        "-".repeat(72usize.saturating_sub(title.len()))
    );
    let _ = writeln!(o, "What:     {}", c.meaning);
    let _ = writeln!(o, "Fix:      {}", c.fix);
    let _ = writeln!(o, "Confirm:  {}  ({})", c.confirm, c.confirm_hint);
    if let Some(names) = &c.matching_clients {
        if !names.is_empty() {
            let _ = writeln!(o, "Looks like: {}", names.join(", "));
        }
    }
    if !c.top_clients.is_empty() {
        let distinct = c
            .distinct_clients
            .map_or_else(|| "many".to_owned(), |d| group(d as u64));
        let approx = if c.client_count_error > 0 {
            " (approximate)"
        } else {
            ""
        };
        let _ = writeln!(o, "Clients:  {distinct} distinct; top{approx}:");
        for cl in &c.top_clients {
            let _ = writeln!(o, "  {:>9}  {}", group(cl.count), cl.address);
        }
    }
    let _ = writeln!(o, "Reasons:");
    for r in c.reasons.iter().take(REASONS_SHOWN) {
        let _ = writeln!(o, "  {:>9}  {}", group(r.count), r.reason);
    }
    let more = c.reasons.len().saturating_sub(REASONS_SHOWN) as u64;
    let rest: u64 = c
        .reasons
        .iter()
        .skip(REASONS_SHOWN)
        .map(|r| r.count)
        .sum::<u64>()
        + c.other_reasons;
    if more > 0 || c.other_reasons > 0 {
        let _ = writeln!(o, "  {:>9}  (other reasons, see --json)", group(rest));
    }
    histogram(o, c, bars);
}

/// Per hour; per day when there are too many hours to read.
fn histogram(o: &mut String, c: &CauseReport, bars: bool) {
    if c.hourly.is_empty() {
        return;
    }
    let rows: Vec<(String, u64)> = if c.hourly.len() <= HOURS_SHOWN {
        c.hourly
            .iter()
            .map(|h| {
                (
                    h.hour.get(..16).unwrap_or(&h.hour).replace('T', " "),
                    h.count,
                )
            })
            .collect()
    } else {
        let mut days: Vec<(String, u64)> = Vec::new();
        for h in &c.hourly {
            let day = h.hour.get(..10).unwrap_or(&h.hour).to_owned();
            match days.last_mut() {
                Some((d, n)) if *d == day => *n += h.count,
                _ => days.push((day, h.count)),
            }
        }
        days
    };
    let per = if c.hourly.len() <= HOURS_SHOWN {
        "hour"
    } else {
        "day"
    };
    let _ = writeln!(o, "Per {per} (UTC):");
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    for (label, n) in rows {
        if bars {
            let _ = writeln!(o, "  {label:<16}  {:>9}  {}", group(n), bar(n, max));
        } else {
            let _ = writeln!(o, "  {label:<16}  {:>9}", group(n));
        }
    }
    if c.untimed > 0 {
        let _ = writeln!(o, "  {:<16}  {:>9}", "(no time)", group(c.untimed));
    }
}

/// A bar of eighth-blocks, `n` of `max` over [`BAR`] cells (at least one
/// eighth for a non-zero count).
fn bar(n: u64, max: u64) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = ((n as u128 * (BAR as u128) * 8) / u128::from(max)).max(1) as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8]);
    }
    s
}

fn examples(o: &mut String, r: &LogsReport) {
    if r.unrecognised_examples.is_empty() {
        return;
    }
    let _ = writeln!(o, "\nUnrecognised lines, for example:");
    for e in &r.unrecognised_examples {
        let _ = writeln!(o, "  {}:{}: {}", e.input, e.line, e.text.escape_debug());
    }
}

/// 1234567 → "1,234,567".
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1_234_567), "1,234,567");
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        assert_eq!(bar(10, 10).chars().count(), BAR);
        assert_eq!(bar(5, 10).chars().count(), BAR / 2);
        assert!(!bar(1, 1_000_000).is_empty());
    }
}
