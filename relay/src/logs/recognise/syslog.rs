//! Syslog prefixes, as rsyslog, journald exports and HAProxy's own
//! `log stdout` write them:
//!
//! ```text
//! <134>Nov 30 12:00:22 host haproxy[16153]: MESSAGE            RFC 3164 (no year)
//! Nov 30 12:00:22 host haproxy[16153]: MESSAGE                 rsyslog traditional
//! 2026-11-30T12:00:22.123456+01:00 host haproxy[16153]: MESSAGE rsyslog high precision
//! 2026-11-30T12:00:22+0100 host haproxy[16153]: MESSAGE         journalctl -o short-iso
//! <134>1 2026-11-30T12:00:22.123Z host haproxy 16153 - - MESSAGE RFC 5424
//! ```
//!
//! A BSD date has no year: it gets the year of "now", or the year before when
//! that would put it more than a day in the future.

use crate::logs::time::{self, NoYear, Zone};

/// A line split into its syslog parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syslog<'a> {
    /// Unix seconds.
    pub time: Option<i64>,
    /// The program (`haproxy` of `haproxy[123]:`).
    pub tag: &'a [u8],
    /// What the program wrote.
    pub message: &'a [u8],
}

/// Parses a syslog-prefixed line (`None`: no syslog prefix).
pub fn parse<'a>(line: &'a [u8], now: i64, zone: &mut Zone) -> Option<Syslog<'a>> {
    let (had_pri, rest) = strip_pri(line);
    let (rfc5424, rest) = match rest.strip_prefix(b"1 ") {
        Some(r) if had_pri => (true, r),
        _ => (false, rest),
    };
    let (time, rest) = if let Some((t, len)) = time::rfc3339_prefix(rest) {
        (Some(t), &rest[len..])
    } else if let Some((t, len)) = time::bsd_syslog(rest) {
        (bsd_time(t, now, zone), &rest[len..])
    } else {
        return None;
    };
    let rest = rest.strip_prefix(b" ")?;
    if rfc5424 {
        return rfc5424_rest(rest, time);
    }
    let (first, after) = token(rest)?;
    // `host tag: msg`, or `tag: msg` when there is no host field.
    let (tag_token, message) = if first.ends_with(b":") {
        (first, after)
    } else {
        token(after)?
    };
    let tag_token = tag_token.strip_suffix(b":")?;
    let tag = match memchr::memchr(b'[', tag_token) {
        Some(i) => &tag_token[..i],
        None => tag_token,
    };
    Some(Syslog { time, tag, message })
}

fn rfc5424_rest(rest: &[u8], time: Option<i64>) -> Option<Syslog<'_>> {
    let (_host, rest) = token(rest)?;
    let (app, rest) = token(rest)?;
    let (_procid, rest) = token(rest)?;
    let (_msgid, rest) = token(rest)?;
    let message = if rest.starts_with(b"[") {
        // Structured data: `[id k="v"]…` up to the first `] ` at depth 0.
        let end = memchr::memmem::find(rest, b"] ").map_or(rest.len(), |i| i + 2);
        &rest[end..]
    } else {
        let (_sd, rest) = token(rest)?;
        rest
    };
    Some(Syslog {
        time,
        tag: app,
        message,
    })
}

/// `<digits>` at the start.
fn strip_pri(line: &[u8]) -> (bool, &[u8]) {
    if let Some(rest) = line.strip_prefix(b"<") {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if (1..=3).contains(&digits) {
            if let Some(after) = rest[digits..].strip_prefix(b">") {
                return (true, after);
            }
        }
    }
    (false, line)
}

/// The next space-separated token and what follows it.
fn token(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = memchr::memchr(b' ', b)?;
    (end > 0).then(|| (&b[..end], &b[end + 1..]))
}

fn bsd_time(t: NoYear, now: i64, zone: &mut Zone) -> Option<i64> {
    let estimate = i32::try_from(1970 + now.div_euclid(31_556_952)).ok()?;
    // The year of `now` by the calendar, not by the 365.2425-day estimate.
    let year_now = (estimate - 1..=estimate + 1)
        .rev()
        .find(|y| time::days_from_civil(*y, 1, 1) * 86_400 <= now)
        .unwrap_or(estimate);
    let this_year = zone.to_unix(t.in_year(year_now))?;
    if this_year > now + 86_400 {
        zone.to_unix(t.in_year(year_now - 1))
    } else {
        Some(this_year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_083_200; // 2026-12-01T00:00:00Z

    fn p(line: &str) -> Option<(Option<i64>, String, String)> {
        parse(line.as_bytes(), NOW, &mut Zone::utc()).map(|s| {
            (
                s.time,
                String::from_utf8_lossy(s.tag).into_owned(),
                String::from_utf8_lossy(s.message).into_owned(),
            )
        })
    }

    #[test]
    fn every_prefix_gives_time_tag_and_message() {
        let t = Some(1_796_040_022); // 2026-11-30T12:00:22Z
        for line in [
            "<134>Nov 30 12:00:22 localhost haproxy[16153]: 127.0.0.1:1 [x] msg",
            "Nov 30 12:00:22 localhost haproxy[16153]: 127.0.0.1:1 [x] msg",
            "2026-11-30T12:00:22.123456+00:00 localhost haproxy[16153]: 127.0.0.1:1 [x] msg",
            "2026-11-30T13:00:22+0100 localhost haproxy[16153]: 127.0.0.1:1 [x] msg",
            "<134>1 2026-11-30T12:00:22.123Z localhost haproxy 16153 - - 127.0.0.1:1 [x] msg",
            "<134>1 2026-11-30T12:00:22Z localhost haproxy 16153 - [meta a=\"b\"] 127.0.0.1:1 [x] msg",
            "<134>Nov 30 12:00:22 haproxy[16153]: 127.0.0.1:1 [x] msg",
        ] {
            assert_eq!(
                p(line),
                Some((t, "haproxy".to_owned(), "127.0.0.1:1 [x] msg".to_owned())),
                "{line}"
            );
        }
    }

    #[test]
    fn a_december_date_read_in_january_is_last_year() {
        // now = 2027-01-02: "Dec 31" is 2026-12-31, not 2027-12-31.
        let now = 1_798_848_000 + 86_400;
        let s = parse(b"Dec 31 23:00:00 h nginx: x", now, &mut Zone::utc());
        assert_eq!(s.and_then(|s| s.time), Some(1_798_758_000));
    }

    #[test]
    fn non_syslog_lines_are_none() {
        assert_eq!(p("127.0.0.1:1 [30/Nov/2026:12:00:22.785] fe/1: x"), None);
        assert_eq!(p("<134>"), None);
        assert_eq!(p("Nov 30 12:00:22"), None);
    }
}
