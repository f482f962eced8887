//! The expiry schedule: days left for the leaf and for the first certificate of
//! the chain to expire, and which alert threshold (default 30/14/7/1 days)
//! applies. The relay's monitor and the extension's watchlist both use it.

use crate::cert::CertRole;
use crate::chain::ChainReport;
use crate::report::Expiry;
use crate::time::parse_rfc3339;

/// Alert thresholds in days, largest first (the contract's default).
pub const DEFAULT_ALERT_DAYS: [u32; 4] = [30, 14, 7, 1];

/// The smallest threshold that is at least `days_left`; 0 once expired; `None`
/// when further away than every threshold.
pub fn threshold(days_left: i64, expired: bool, alert_days: &[u32]) -> Option<u32> {
    if expired || days_left < 0 {
        return Some(0);
    }
    alert_days
        .iter()
        .copied()
        .filter(|&t| i64::from(t) >= days_left)
        .min()
}

/// Summarises a chain's expiry at `now`. `None` when the chain has no certificate.
pub fn of_chain(chain: &ChainReport, now: i64, alert_days: &[u32]) -> Option<Expiry> {
    let on_path = chain
        .certificates
        .iter()
        .filter(|c| c.role != CertRole::Extra);
    let leaf = chain.certificates.first()?;
    let earliest = on_path.min_by_key(|c| parse_rfc3339(&c.not_after).unwrap_or(i64::MAX))?;
    let earliest_ts = parse_rfc3339(&earliest.not_after)?;
    Some(Expiry {
        leaf_not_after: leaf.not_after.clone(),
        leaf_days_left: leaf.days_left,
        earliest_not_after: earliest.not_after.clone(),
        earliest_days_left: earliest.days_left,
        earliest_subject: earliest.subject.clone(),
        threshold: threshold(earliest.days_left, now > earliest_ts, alert_days),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_pick_the_smallest_covering_one() {
        let d = DEFAULT_ALERT_DAYS;
        assert_eq!(threshold(45, false, &d), None);
        assert_eq!(threshold(30, false, &d), Some(30));
        assert_eq!(threshold(29, false, &d), Some(30));
        assert_eq!(threshold(14, false, &d), Some(14));
        assert_eq!(threshold(10, false, &d), Some(14));
        assert_eq!(threshold(7, false, &d), Some(7));
        assert_eq!(threshold(2, false, &d), Some(7));
        assert_eq!(threshold(1, false, &d), Some(1));
        assert_eq!(threshold(0, false, &d), Some(1));
        assert_eq!(threshold(0, true, &d), Some(0));
        assert_eq!(threshold(-3, true, &d), Some(0));
        assert_eq!(threshold(5, false, &[60, 5]), Some(5));
        assert_eq!(threshold(5, false, &[]), None);
    }
}
