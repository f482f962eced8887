//! [`Range`]: the values a number setting may take, and how to say it
//! (`between 1 and 64`, `greater than 0 and at most 3600 seconds`,
//! `between 10s and 30d`).

use std::fmt;
use std::time::Duration;

use super::duration::format_duration;

/// What a bounded number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Things (connections, scans, entries, days).
    Count,
    /// Seconds (a flag's `SECS`, a key's duration).
    Seconds,
}

/// The values a number may take: `min..=max`, or `min` excluded
/// (a time limit of 0 makes no sense, half a second does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Smallest value (in [`Unit`]s).
    pub min: u64,
    /// Largest value.
    pub max: u64,
    /// What it counts.
    pub unit: Unit,
    /// Whether `min` itself is refused.
    pub min_excluded: bool,
}

impl Range {
    /// `min..=max` of `unit`.
    pub const fn new(min: u64, max: u64, unit: Unit) -> Self {
        Self {
            min,
            max,
            unit,
            min_excluded: false,
        }
    }

    /// The same range without `min`.
    pub const fn above_min(self) -> Self {
        Self {
            min_excluded: true,
            ..self
        }
    }

    /// Whether a count (or whole seconds) is inside.
    pub fn contains(&self, v: u64) -> bool {
        v <= self.max && (v > self.min || (v == self.min && !self.min_excluded))
    }

    /// Whether a duration is inside.
    pub fn contains_duration(&self, d: Duration) -> bool {
        let (min, max) = (Duration::from_secs(self.min), Duration::from_secs(self.max));
        d <= max && (d > min || (d == min && !self.min_excluded))
    }

    /// The range in words, for a flag (`seconds`) or a TOML key (`"1h"`).
    pub fn describe(&self, as_key: bool) -> RangeText {
        RangeText {
            range: *self,
            as_key,
        }
    }
}

/// A [`Range`] in words: `between 1 and 64`, `greater than 0 and at most
/// 3600 seconds`, `between 10s and 30d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeText {
    range: Range,
    as_key: bool,
}

impl fmt::Display for RangeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.range;
        let (min, max, unit) = match (r.unit, self.as_key) {
            (Unit::Count, _) => (r.min.to_string(), r.max.to_string(), ""),
            (Unit::Seconds, false) => (r.min.to_string(), r.max.to_string(), " seconds"),
            (Unit::Seconds, true) => (
                format_duration(Duration::from_secs(r.min)),
                format_duration(Duration::from_secs(r.max)),
                "",
            ),
        };
        if r.min_excluded {
            write!(f, "greater than {min} and at most {max}{unit}")
        } else {
            write!(f, "between {min} and {max}{unit}")
        }
    }
}
