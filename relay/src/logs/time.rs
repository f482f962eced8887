//! Timestamps in server logs, parsed by hand (a 1 GB log has millions of
//! them) into Unix seconds.
//!
//! nginx (`2026/11/30 11:58:39`), Apache (`Mon Nov 30 11:58:39.083758 2026`)
//! and HAProxy's accept date (`30/Nov/2026:11:58:39.785`) are local civil
//! times without a zone: [`Zone`] turns them into UTC with the zone the user
//! names (`--timezone`, default this machine's), caching the offset per local
//! hour because logs are nearly sorted. Syslog and journald prefixes may carry
//! an RFC 3339 time with its own offset; those are exact.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// A civil (wall-clock) time as written in a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Civil {
    /// Seconds since 1970-01-01T00:00:00 *as if it were UTC*; `None` when a
    /// field is out of range.
    pub fn naive_seconds(self) -> Option<i64> {
        if !(1..=12).contains(&self.month)
            || !(1..=31).contains(&self.day)
            || self.hour > 23
            || self.minute > 59
            || self.second > 60
            || !(1970..=9999).contains(&self.year)
        {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        Some(
            days * 86_400
                + i64::from(self.hour) * 3600
                + i64::from(self.minute) * 60
                + i64::from(self.second),
        )
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The zone that log times without an offset are in.
#[derive(Debug, Clone)]
pub struct Zone {
    tz: TimeZone,
    /// (local hour as naive seconds / 3600, offset seconds) of the last lookup.
    cache: Option<(i64, i64)>,
}

impl Zone {
    /// Times in `tz`.
    pub fn new(tz: TimeZone) -> Self {
        Self { tz, cache: None }
    }

    /// UTC.
    pub fn utc() -> Self {
        Self::new(TimeZone::UTC)
    }

    /// Unix seconds of a civil time in this zone (`None` when out of range).
    /// A time in a DST gap or fold resolves as RFC 5545 "compatible" does.
    pub fn to_unix(&mut self, c: Civil) -> Option<i64> {
        let naive = c.naive_seconds()?;
        let hour = naive.div_euclid(3600);
        let offset = match self.cache {
            Some((h, off)) if h == hour => off,
            _ => {
                let off = self.offset_at(c)?;
                self.cache = Some((hour, off));
                off
            }
        };
        Some(naive - offset)
    }

    fn offset_at(&self, c: Civil) -> Option<i64> {
        let dt = DateTime::new(
            i16::try_from(c.year).ok()?,
            i8::try_from(c.month).ok()?,
            i8::try_from(c.day).ok()?,
            i8::try_from(c.hour).ok()?,
            0,
            0,
            0,
        )
        .ok()?;
        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        let local_hour = (c.naive_seconds()? - i64::from(c.minute) * 60 - i64::from(c.second))
            .div_euclid(3600)
            * 3600;
        Some(local_hour - ts.as_second())
    }
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

/// `Jan`…`Dec` to 1…12.
pub fn month(b: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let b = b.get(..3)?;
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(b))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `HH:MM:SS` at the start of `b`.
fn hms(b: &[u8]) -> Option<(u32, u32, u32)> {
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((num(&b[0..2])?, num(&b[3..5])?, num(&b[6..8])?))
}

/// nginx: `YYYY/MM/DD HH:MM:SS` at the start of `b`.
pub fn nginx(b: &[u8]) -> Option<Civil> {
    if b.len() < 19 || b[4] != b'/' || b[7] != b'/' || b[10] != b' ' {
        return None;
    }
    let (hour, minute, second) = hms(&b[11..])?;
    Some(Civil {
        year: i32::try_from(num(&b[0..4])?).ok()?,
        month: num(&b[5..7])?,
        day: num(&b[8..10])?,
        hour,
        minute,
        second,
    })
}

/// Apache: `Www Mon DD HH:MM:SS[.ffffff] YYYY` (the whole bracket content).
pub fn apache(b: &[u8]) -> Option<Civil> {
    let mut parts = b.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let _weekday = parts.next()?;
    let month = month(parts.next()?)?;
    let day = num(parts.next()?)?;
    let (hour, minute, second) = hms(parts.next()?)?;
    let year = i32::try_from(num(parts.next()?)?).ok()?;
    Some(Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// Common log format date: `DD/Mon/YYYY:HH:MM:SS[.mmm]` at the start of `b`
/// (HAProxy's accept date).
pub fn clf(b: &[u8]) -> Option<Civil> {
    if b.len() < 20 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' {
        return None;
    }
    let (hour, minute, second) = hms(&b[12..])?;
    Some(Civil {
        year: i32::try_from(num(&b[7..11])?).ok()?,
        month: month(&b[3..6])?,
        day: num(&b[0..2])?,
        hour,
        minute,
        second,
    })
}

/// A civil time without its year (BSD syslog).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoYear {
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl NoYear {
    /// The same time in `year`.
    pub fn in_year(self, year: i32) -> Civil {
        Civil {
            year,
            month: self.month,
            day: self.day,
            hour: self.hour,
            minute: self.minute,
            second: self.second,
        }
    }
}

/// BSD syslog: `Mon DD HH:MM:SS` (day space-padded) at the start of `b`;
/// returns the time and the length consumed.
pub fn bsd_syslog(b: &[u8]) -> Option<(NoYear, usize)> {
    if b.len() < 15 || b[3] != b' ' || b[6] != b' ' {
        return None;
    }
    let m = month(&b[0..3])?;
    let day_field = if b[4] == b' ' { &b[5..6] } else { &b[4..6] };
    let day = num(day_field)?;
    let (hour, minute, second) = hms(&b[7..])?;
    let t = NoYear {
        month: m,
        day,
        hour,
        minute,
        second,
    };
    Some((t, 15))
}

/// An RFC 3339 time at the start of `b` (`2026-11-30T11:58:39.123456+01:00`,
/// `Z`, or journald's `+0100`): Unix seconds and the length consumed.
pub fn rfc3339_prefix(b: &[u8]) -> Option<(i64, usize)> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute, second) = hms(&b[11..])?;
    let civil = Civil {
        year: i32::try_from(num(&b[0..4])?).ok()?,
        month: num(&b[5..7])?,
        day: num(&b[8..10])?,
        hour,
        minute,
        second,
    };
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0
        }
        &sign @ (b'+' | b'-') => {
            let hh = num(b.get(i + 1..i + 3)?)?;
            let (mm, len) = if b.get(i + 3) == Some(&b':') {
                (num(b.get(i + 4..i + 6)?)?, 6)
            } else {
                (num(b.get(i + 3..i + 5)?)?, 5)
            };
            i += len;
            let secs = i64::from(hh * 3600 + mm * 60);
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    Some((civil.naive_seconds()? - offset, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_matches_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 30), 20_787);
    }

    #[test]
    fn each_log_format_parses_to_the_same_instant() {
        let want = 1_796_039_919; // 2026-11-30T11:58:39Z
        let mut utc = Zone::utc();
        let n = nginx(b"2026/11/30 11:58:39 [info]").and_then(|c| utc.to_unix(c));
        let a = apache(b"Mon Nov 30 11:58:39.083758 2026").and_then(|c| utc.to_unix(c));
        let h = clf(b"30/Nov/2026:11:58:39.785] fe").and_then(|c| utc.to_unix(c));
        assert_eq!((n, a, h), (Some(want), Some(want), Some(want)));
        assert_eq!(
            rfc3339_prefix(b"2026-11-30T12:58:39.123456+01:00 host"),
            Some((want, 32))
        );
        assert_eq!(rfc3339_prefix(b"2026-11-30T11:58:39Z x"), Some((want, 20)));
        assert_eq!(
            rfc3339_prefix(b"2026-11-30T06:58:39-0500 x"),
            Some((want, 24))
        );
        let nov3 = NoYear {
            month: 11,
            day: 3,
            hour: 1,
            minute: 2,
            second: 3,
        };
        assert_eq!(bsd_syslog(b"Nov  3 01:02:03 host"), Some((nov3, 15)));
    }

    #[test]
    fn a_named_zone_applies_its_offset_and_dst() {
        let tz = TimeZone::get("Europe/Paris").ok();
        let Some(tz) = tz else {
            eprintln!("SKIPPED: no tz database");
            return;
        };
        let mut z = Zone::new(tz);
        let winter = Civil {
            year: 2026,
            month: 1,
            day: 15,
            hour: 12,
            minute: 30,
            second: 0,
        };
        let summer = Civil { month: 7, ..winter };
        let w = z.to_unix(winter).unwrap_or_default();
        let s = z.to_unix(summer).unwrap_or_default();
        assert_eq!(winter.naive_seconds().unwrap_or_default() - w, 3600);
        assert_eq!(summer.naive_seconds().unwrap_or_default() - s, 7200);
        // Cached per hour: a later minute in the same hour, same offset.
        let later = Civil {
            minute: 59,
            ..summer
        };
        assert_eq!(z.to_unix(later), Some(s + 29 * 60));
    }

    #[test]
    fn malformed_times_are_none() {
        assert_eq!(
            nginx(b"2026/13/30 11:58:39").and_then(|c| Zone::utc().to_unix(c)),
            None
        );
        assert_eq!(nginx(b"2026/11/30 1:58:39 x"), None);
        assert_eq!(apache(b"Mon Foo 30 11:58:39 2026"), None);
        assert_eq!(clf(b"30/Nov/2026 11:58:39.785"), None);
        assert_eq!(rfc3339_prefix(b"2026-11-30T11:58:39"), None);
        assert_eq!(num(b"1x"), None);
    }
}
