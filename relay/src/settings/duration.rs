//! Durations as the `watch` config writes them: `30s`, `15m`, `6h`, `1d`,
//! `1w`, `1h30m`, or a bare number of seconds.

use std::time::Duration;

/// Reads `30s`, `15m`, `6h`, `1d`, `1w`, `1h30m`, or a bare number of
/// seconds; `None` for anything else, or a sum past `u64::MAX` seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !num.is_empty() || s.is_empty() {
        return None;
    }
    Some(Duration::from_secs(total))
}

/// Whole seconds in the largest unit that divides them: `30d`, `1h`, `90s`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    for (unit, secs) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if s != 0 && s % secs == 0 {
            return format!("{}{unit}", s / secs);
        }
    }
    format!("{s}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("6h"), Some(Duration::from_secs(21_600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("6x"), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("5m3"), None);
        assert_eq!(parse_duration("99999999999999999999w"), None);
    }

    #[test]
    fn durations_format() {
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(format_duration(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(format_duration(Duration::from_secs(90)), "90s");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }
}
