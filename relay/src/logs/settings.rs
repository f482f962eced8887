//! The `logs` settings: flags as given ([`LogsFlags`], plain strings) are
//! parsed once into typed [`LogsSettings`]; nothing downstream sees a string
//! flag.
//!
//! `--since` takes an RFC 3339 time (`2026-11-30T12:00:00Z`, with any
//! offset), a date or date-time without offset (read in `--timezone`), or a
//! time back from now: a whole number and a unit, `s`, `m`, `h`, `d` or `w`
//! (`90m`, `24h`, `7d`). `--timezone` is `local` (this machine's zone, the
//! default), `UTC`, an IANA name (`Europe/Paris`) or a fixed offset
//! (`+02:00`).

use std::path::{Path, PathBuf};

use jiff::tz::{Offset, TimeZone};

use super::aggregate::Limits;
use super::clients::{ClientDescription, ServerOffer};
use super::input::Source;

/// The flags as given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogsFlags {
    /// FILE... (`-` for standard input).
    pub files: Vec<String>,
    /// `--json`.
    pub json: bool,
    /// `--since TIME`.
    pub since: Option<String>,
    /// `--timezone ZONE`.
    pub timezone: Option<String>,
    /// `--top N`.
    pub top: usize,
    /// `--scan-report FILE`.
    pub scan_report: Option<PathBuf>,
}

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The human table; `bars`: draw histogram bars (stdout is a terminal).
    Human { bars: bool },
    /// JSON.
    Json,
}

/// Everything a `logs` run needs, typed.
#[derive(Debug, Clone)]
pub struct LogsSettings {
    /// The inputs, in order.
    pub sources: Vec<Source>,
    /// How to print.
    pub output: Output,
    /// Count only failures at or after this Unix time.
    pub since: Option<i64>,
    /// The zone of log times without an offset.
    pub zone: TimeZone,
    /// Its name, for the report.
    pub zone_name: String,
    /// "Now" (Unix seconds): relative `--since`, syslog dates without year.
    pub now: i64,
    /// Client addresses listed per cause.
    pub top: usize,
    /// Table sizes.
    pub limits: Limits,
    /// The simulated clients to match failures against (empty: no matching).
    pub clients: Vec<ClientDescription>,
    /// What the server offers (needed for matching).
    pub offer: Option<ServerOffer>,
}

impl LogsSettings {
    /// Parses `flags`; `now` is the current Unix time, `terminal` whether
    /// standard output is a terminal. Errors are one line, naming the flag.
    pub fn from_flags(flags: &LogsFlags, now: i64, terminal: bool) -> Result<Self, String> {
        if flags.files.is_empty() {
            return Err("logs needs at least one FILE (or - for standard input)".to_owned());
        }
        if flags.files.iter().filter(|f| f.as_str() == "-").count() > 1 {
            return Err("standard input (-) can be read only once".to_owned());
        }
        if flags.top == 0 || flags.top > 1000 {
            return Err(format!(
                "--top must be between 1 and 1000, not {}",
                flags.top
            ));
        }
        let (zone, zone_name) = parse_zone(flags.timezone.as_deref().unwrap_or("local"))?;
        let (clients, offer) = match &flags.scan_report {
            Some(path) => (table(), Some(read_scan_report(path)?)),
            None => (Vec::new(), None),
        };
        let since = flags
            .since
            .as_deref()
            .map(|s| parse_since(s, now, &zone))
            .transpose()?;
        Ok(Self {
            sources: flags.files.iter().map(|f| Source::from_arg(f)).collect(),
            output: if flags.json {
                Output::Json
            } else {
                Output::Human { bars: terminal }
            },
            since,
            zone,
            zone_name,
            now,
            top: flags.top,
            limits: Limits::default(),
            clients,
            offer,
        })
    }
}

/// The client table of the client simulation (docs/clients.md), as the
/// profiles failures are matched against, in table order.
pub fn table() -> Vec<ClientDescription> {
    tlslens_core::clients::table()
        .iter()
        .map(|c| ClientDescription {
            name: c.name.clone(),
            versions: c.versions.clone(),
            cipher_suites: c.suites.clone(),
        })
        .collect()
}

/// The largest scan report read (a report is tens of kilobytes).
const MAX_SCAN_REPORT: u64 = 16 * 1024 * 1024;

/// `--scan-report FILE`: what the server offers, from a saved `scan --json`
/// report (its first line when the file holds JSON Lines of several
/// targets). Every endpoint's offer counts: a version or suite accepted by
/// any endpoint is in the offer, so a client is named only when it would
/// fail against all of them. The file must be a regular file (not a FIFO,
/// a device or a directory) of at most 16 MiB, read through
/// [`crate::file`].
pub fn read_scan_report(path: &Path) -> Result<ServerOffer, String> {
    let name = path.display();
    let text = crate::file::read_text(path, MAX_SCAN_REPORT)
        .map_err(|e| format!("--scan-report {name}: {e}"))?;
    let first = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => v,
        Err(_) => {
            let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            serde_json::from_str(line).map_err(|e| {
                format!("--scan-report {name}: not the JSON of `tlslens-relay scan --json`: {e}")
            })?
        }
    };
    let endpoints = first
        .get("endpoints")
        .and_then(serde_json::Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            format!("--scan-report {name}: the report has no endpoints (was the scan successful?)")
        })?;
    let mut offer = ServerOffer::default();
    for endpoint in endpoints {
        for (version, suites) in ServerOffer::from_report_endpoint(endpoint).suites {
            let entry = offer.suites.entry(version).or_default();
            for s in suites {
                if !entry.contains(&s) {
                    entry.push(s);
                }
            }
        }
    }
    Ok(offer)
}

/// `--timezone`: the zone and the name the report shows.
pub fn parse_zone(s: &str) -> Result<(TimeZone, String), String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("local") {
        let tz = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        let name = tz.iana_name().unwrap_or("local").to_owned();
        return Ok((tz, name));
    }
    if s.eq_ignore_ascii_case("utc") || s == "Z" {
        return Ok((TimeZone::UTC, "UTC".to_owned()));
    }
    if let Some(secs) = parse_offset(s) {
        let offset = Offset::from_seconds(secs).map_err(|e| format!("--timezone {s}: {e}"))?;
        return Ok((TimeZone::fixed(offset), s.to_owned()));
    }
    TimeZone::get(s).map(|tz| (tz, s.to_owned())).map_err(|_| {
        format!("--timezone {s}: not local, UTC, an IANA zone name or an offset like +02:00")
    })
}

/// `+02:00`, `-0530`, `+2` → seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = if digits.len() <= 2 {
        (digits.parse::<i32>().ok()?, 0)
    } else {
        let split = digits.len() - 2;
        (digits[..split].parse().ok()?, digits[split..].parse().ok()?)
    };
    (h <= 25 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// `--since`: RFC 3339, a date or date-time in `zone`, or `N{s,m,h,d,w}` ago.
pub fn parse_since(s: &str, now: i64, zone: &TimeZone) -> Result<i64, String> {
    let s = s.trim();
    if let Some(ago) = parse_relative(s) {
        return Ok(now.saturating_sub(ago));
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    let civil = s.parse::<jiff::civil::DateTime>().or_else(|_| {
        s.parse::<jiff::civil::Date>()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    });
    match civil {
        Ok(dt) => zone
            .to_ambiguous_timestamp(dt)
            .compatible()
            .map(|ts| ts.as_second())
            .map_err(|e| format!("--since {s}: {e}")),
        Err(_) => Err(format!(
            "--since {s}: not an RFC 3339 time (2026-11-30T12:00:00Z), a date (2026-11-30) or a duration back from now (24h, 7d)"
        )),
    }
}

/// `90s`, `30m`, `24h`, `7d`, `2w` → seconds.
fn parse_relative(s: &str) -> Option<i64> {
    let unit = s.chars().last()?;
    let n: i64 = s[..s.len() - unit.len_utf8()].parse().ok()?;
    let per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    (n >= 0).then(|| n.checked_mul(per)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_083_200; // 2026-12-01T00:00:00Z

    #[test]
    fn since_accepts_rfc3339_dates_and_relative_forms() {
        let utc = TimeZone::UTC;
        let ok = |s: &str| parse_since(s, NOW, &utc);
        assert_eq!(ok("24h"), Ok(NOW - 86_400));
        assert_eq!(ok("7d"), Ok(NOW - 7 * 86_400));
        assert_eq!(ok("90m"), Ok(NOW - 5400));
        assert_eq!(ok("2w"), Ok(NOW - 14 * 86_400));
        assert_eq!(ok("30s"), Ok(NOW - 30));
        assert_eq!(ok("2026-11-30T11:58:39Z"), Ok(1_796_039_919));
        assert_eq!(ok("2026-11-30T12:58:39+01:00"), Ok(1_796_039_919));
        assert_eq!(ok("2026-11-30"), Ok(NOW - 86_400));
        assert_eq!(ok("2026-11-30T11:58:39"), Ok(1_796_039_919));
        for bad in ["yesterday", "24", "h", "-5d", "2026-13-01", ""] {
            assert!(ok(bad).is_err(), "{bad}");
        }
        let plus2 = TimeZone::fixed(Offset::from_seconds(7200).unwrap_or(Offset::UTC));
        assert_eq!(
            parse_since("2026-11-30", NOW, &plus2),
            Ok(NOW - 86_400 - 7200)
        );
    }

    #[test]
    fn zones_parse_by_name_offset_and_local() {
        assert_eq!(parse_zone("UTC").map(|z| z.1), Ok("UTC".to_owned()));
        assert_eq!(parse_offset("+02:00"), Some(7200));
        assert_eq!(parse_offset("-0530"), Some(-19_800));
        assert_eq!(parse_offset("+2"), Some(7200));
        assert_eq!(parse_offset("2"), None);
        assert!(parse_zone("local").is_ok());
        assert!(parse_zone("Not/AZone").is_err());
    }

    #[test]
    fn flags_are_checked_once() {
        let flags = LogsFlags {
            files: vec!["a.log".into(), "-".into()],
            json: true,
            since: Some("24h".into()),
            timezone: Some("UTC".into()),
            top: 10,
            scan_report: None,
        };
        let s = LogsSettings::from_flags(&flags, NOW, true);
        let s = s.as_ref().map(|s| (s.sources.len(), s.output, s.since));
        assert_eq!(s, Ok((2, Output::Json, Some(NOW - 86_400))));
        let twice = LogsFlags {
            files: vec!["-".into(), "-".into()],
            ..flags.clone()
        };
        assert!(LogsSettings::from_flags(&twice, NOW, false).is_err());
        let none = LogsFlags {
            files: vec![],
            ..flags.clone()
        };
        assert!(LogsSettings::from_flags(&none, NOW, false).is_err());
        let bad_since = LogsFlags {
            since: Some("soon".into()),
            ..flags
        };
        let err = LogsSettings::from_flags(&bad_since, NOW, false)
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("--since soon"), "{err}");
    }

    #[test]
    fn the_client_table_is_the_simulations() {
        let t = table();
        assert_eq!(t.len(), tlslens_core::clients::table().len());
        let java7 = t.iter().find(|c| c.name == "Java 7u25");
        assert!(java7.is_some_and(|c| !c.versions.is_empty() && !c.cipher_suites.is_empty()));
    }

    #[test]
    fn a_scan_report_gives_the_union_of_its_endpoints_offers() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("scan.json");
        let report = serde_json::json!({"endpoints": [
            {"protocols": ["TLSv1.2"], "cipher_suites": {"TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]}},
            {"protocols": ["TLSv1.2", "TLSv1.3"], "cipher_suites": {
                "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
                "TLSv1.3": ["TLS_AES_128_GCM_SHA256"]}}
        ]});
        // JSON Lines of several targets: the first line counts.
        let text = format!("{report}\n{{\"endpoints\": []}}\n");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let offer = read_scan_report(&path).unwrap_or_else(|e| panic!("{e}"));
        use tlslens_core::wire::ProtocolVersion as V;
        assert_eq!(
            offer.suites.keys().copied().collect::<Vec<_>>(),
            [V::TLS12, V::TLS13]
        );
        assert_eq!(offer.suites[&V::TLS12].len(), 2);
    }

    #[test]
    fn a_bad_scan_report_is_one_line_naming_the_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let garbage = dir.path().join("garbage.json");
        std::fs::write(&garbage, "not json").unwrap_or_else(|e| panic!("{e}"));
        let failed = dir.path().join("failed.json");
        std::fs::write(&failed, r#"{"error": {"code": "unreachable"}}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        let missing = dir.path().join("missing.json");
        for (path, says) in [
            (&garbage, "not the JSON of `tlslens-relay scan --json`"),
            (&failed, "has no endpoints"),
            (&missing, "No such file"),
        ] {
            let err = read_scan_report(path).err().unwrap_or_default();
            assert!(
                err.starts_with(&format!("--scan-report {}: ", path.display())),
                "{err}"
            );
            assert!(err.contains(says) && !err.contains('\n'), "{err}");
        }
    }
}
