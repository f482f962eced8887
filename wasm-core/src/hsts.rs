//! Parses a `Strict-Transport-Security` header value (RFC 6797 §6.1): directives
//! separated by `;`, names case-insensitive, each at most once, `max-age`
//! required with a decimal (optionally quoted) value.

use crate::report::Hsts;

/// 180 days, the policy's minimum for A+.
pub const MIN_MAX_AGE: u64 = 180 * 86_400;

/// Parses the raw header value.
pub fn parse(raw: &str) -> Hsts {
    let mut max_age = None;
    let mut include_subdomains = false;
    let mut preload = false;
    let mut problems = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for directive in raw.split(';') {
        let directive = directive.trim();
        if directive.is_empty() {
            continue;
        }
        let (name, value) = match directive.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (directive, None),
        };
        let lname = name.to_ascii_lowercase();
        if seen.contains(&lname) {
            problems.push(format!("directive {name} appears more than once"));
            continue;
        }
        seen.push(lname.clone());
        match (lname.as_str(), value) {
            ("max-age", Some(v)) => {
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                match v.parse::<u64>() {
                    Ok(n) if v.bytes().all(|b| b.is_ascii_digit()) => max_age = Some(n),
                    _ => problems.push(format!("max-age value {v:?} is not a number")),
                }
            }
            ("max-age", None) => problems.push("max-age has no value".to_owned()),
            ("includesubdomains", None) => include_subdomains = true,
            ("preload", None) => preload = true,
            ("includesubdomains" | "preload", Some(_)) => {
                problems.push(format!("{name} takes no value"));
            }
            _ => {} // unknown directives are ignored (RFC 6797 §6.1)
        }
    }
    if max_age.is_none() && !problems.iter().any(|p| p.starts_with("max-age")) {
        problems.push("the required max-age directive is missing".to_owned());
    }
    Hsts {
        max_age,
        include_subdomains,
        preload,
        valid: problems.is_empty(),
        problems,
        raw: raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_header() {
        let h = parse("max-age=31536000; includeSubDomains; preload");
        assert_eq!(h.max_age, Some(31_536_000));
        assert!(h.include_subdomains && h.preload && h.valid);
    }

    #[test]
    fn quoted_and_case() {
        let h = parse("MAX-AGE=\"600\"");
        assert_eq!(h.max_age, Some(600));
        assert!(h.valid);
    }

    #[test]
    fn invalid_forms() {
        assert!(!parse("includeSubDomains").valid);
        assert!(!parse("max-age=abc").valid);
        assert!(!parse("max-age=-1").valid);
        assert!(!parse("max-age=1; max-age=2").valid);
        assert!(!parse("").valid);
        assert!(parse("max-age=0").valid);
    }
}
