//! Every number is bounded where it is read, with the same bounds whichever
//! source gave it: a value outside its [`Range`] is a [`SettingError`] that
//! names the flag or key and the range, never a panic later (a semaphore
//! over its permit limit, an `Instant` past its end).

use std::time::Duration;

use super::error::{SettingError, Value};
use super::name::Name;
use super::range::{Range, Unit};

fn range_of(name: &Name) -> Range {
    let setting = match name {
        Name::Flag(s) | Name::FlagOrEnv(s) | Name::Key(s) => Some(*s),
        Name::Path(_) => None,
    };
    // A setting without a range in the table accepts any number.
    setting
        .and_then(|s| s.range())
        .unwrap_or(Range::new(0, u64::MAX, Unit::Count))
}

fn out_of_range(name: Name, value: Value, range: Range) -> SettingError {
    let text = range.describe(name.is_key());
    SettingError::OutOfRange {
        name,
        value,
        range: text,
    }
}

/// A count inside the setting's range, as `usize`.
pub fn count(name: Name, v: u64) -> Result<usize, SettingError> {
    let range = range_of(&name);
    match usize::try_from(v) {
        Ok(n) if range.contains(v) => Ok(n),
        _ => Err(out_of_range(name, Value::Number(v.to_string()), range)),
    }
}

/// A count inside the setting's range, as `u32`.
pub fn count_u32(name: Name, v: u64) -> Result<u32, SettingError> {
    let range = range_of(&name);
    match u32::try_from(v) {
        Ok(n) if range.contains(v) => Ok(n),
        _ => Err(out_of_range(name, Value::Number(v.to_string()), range)),
    }
}

/// A number of seconds from a flag (fractions allowed) inside the setting's
/// range.
pub fn seconds(name: Name, secs: f64) -> Result<Duration, SettingError> {
    let range = range_of(&name);
    let d = Duration::try_from_secs_f64(secs).ok();
    match d {
        Some(d) if secs.is_finite() && range.contains_duration(d) => Ok(d),
        _ => Err(out_of_range(name, Value::Number(secs.to_string()), range)),
    }
}

/// Whole seconds from a flag inside the setting's range.
pub fn whole_seconds(name: Name, secs: u64) -> Result<Duration, SettingError> {
    let range = range_of(&name);
    if range.contains(secs) {
        Ok(Duration::from_secs(secs))
    } else {
        Err(out_of_range(name, Value::Number(secs.to_string()), range))
    }
}

/// A duration read from a key (`"30s"`, kept as written for the error)
/// inside the setting's range.
pub fn duration(name: Name, d: Duration, written: &str) -> Result<Duration, SettingError> {
    let range = range_of(&name);
    if range.contains_duration(d) {
        Ok(d)
    } else {
        Err(out_of_range(name, Value::Text(written.to_owned()), range))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::settings::name::Setting;

    #[test]
    fn ranges_in_words() {
        let r = Setting::ScanTimeout.range().unwrap();
        assert_eq!(
            r.describe(false).to_string(),
            "greater than 0 and at most 3600 seconds"
        );
        assert_eq!(
            r.describe(true).to_string(),
            "greater than 0s and at most 1h"
        );
        let r = Setting::Interval.range().unwrap();
        assert_eq!(r.describe(true).to_string(), "between 10s and 30d");
        let r = Setting::ScanConnections.range().unwrap();
        assert_eq!(r.describe(false).to_string(), "between 1 and 64");
    }

    #[test]
    fn counts_are_bounded_whatever_their_size() {
        let n = |v| count(Name::FlagOrEnv(Setting::MaxHttpConnections), v);
        assert_eq!(n(1).unwrap(), 1);
        assert_eq!(n(100_000).unwrap(), 100_000);
        let e = n(u64::MAX).unwrap_err().to_string();
        assert_eq!(
            e,
            "--max-http-connections/TLSLENS_MAX_HTTP_CONNECTIONS 18446744073709551615: must be between 1 and 100000"
        );
        assert!(n(0).is_err());
        let c = |v| count(Name::Key(Setting::Concurrency), v);
        assert_eq!(
            c(9_223_372_036_854_775_807).unwrap_err().to_string(),
            "concurrency = 9223372036854775807: must be between 1 and 1024"
        );
    }

    #[test]
    fn seconds_refuse_zero_nan_and_overflow() {
        let s = |v| seconds(Name::Flag(Setting::ScanTimeout), v);
        assert_eq!(s(0.5).unwrap(), Duration::from_millis(500));
        assert_eq!(s(3600.0).unwrap(), Duration::from_secs(3600));
        for bad in [0.0, -1.0, 3600.5, f64::NAN, f64::INFINITY, 1e300] {
            assert!(s(bad).is_err(), "{bad}");
        }
        assert_eq!(
            s(0.0).unwrap_err().to_string(),
            "--scan-timeout 0: must be greater than 0 and at most 3600 seconds"
        );
        let h = |v| whole_seconds(Name::FlagOrEnv(Setting::HeaderTimeout), v);
        assert!(h(u64::MAX).is_err());
        assert!(h(0).is_err());
        assert_eq!(h(10).unwrap(), Duration::from_secs(10));
    }

    #[test]
    fn durations_from_keys() {
        let d = |v: u64, w| duration(Name::Key(Setting::Interval), Duration::from_secs(v), w);
        assert!(d(10, "10s").is_ok());
        assert_eq!(
            d(u64::MAX, "18446744073709551615").unwrap_err().to_string(),
            "interval = \"18446744073709551615\": must be between 10s and 30d"
        );
    }
}
