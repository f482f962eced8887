//! Per-store verdicts (`chain.trust`) and the one line people read from them:
//! "Trusted by Mozilla, Microsoft, Android ≥ 8, Java · not by Android ≤ 7.0".
//!
//! Android releases are summed up as ranges of versions with the same verdict,
//! in release order, so the line says where trust starts or stops.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Platform, StoreId};

/// One store's verdict on a chain: an entry of the report's `chain.trust`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreVerdict {
    /// The store.
    pub store: StoreId,
    /// Whether a path to one of its anchors validates.
    pub trusted: bool,
}

/// The verdicts grouped for display: who trusts the chain, who does not.
/// Serialized as `{"trusted": [...], "untrusted": [...], "text": "<the line>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustSummary {
    /// Stores (or ranges of Android releases) that trust it, in report order.
    pub trusted: Vec<String>,
    /// Those that do not.
    pub untrusted: Vec<String>,
}

impl TrustSummary {
    /// Groups `verdicts` (any order; duplicates keep the first) into names.
    pub fn of(verdicts: &[StoreVerdict]) -> Self {
        let mut sorted: Vec<StoreVerdict> = Vec::with_capacity(verdicts.len());
        for v in verdicts {
            if !sorted.iter().any(|s| s.store == v.store) {
                sorted.push(*v);
            }
        }
        sorted.sort_by_key(|v| v.store);
        let mut out = TrustSummary::default();
        let mut android_done = false;
        for v in &sorted {
            if v.store.platform() != Platform::Android {
                out.push(v.trusted, v.store.display_name().to_owned());
            } else if !android_done {
                android_done = true;
                let android: Vec<_> = sorted
                    .iter()
                    .filter(|s| s.store.platform() == Platform::Android)
                    .collect();
                for (trusted, name) in android_runs(&android) {
                    out.push(trusted, name);
                }
            }
        }
        out
    }

    fn push(&mut self, trusted: bool, name: String) {
        if trusted {
            self.trusted.push(name);
        } else {
            self.untrusted.push(name);
        }
    }
}

impl Serialize for TrustSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("TrustSummary", 3)?;
        st.serialize_field("trusted", &self.trusted)?;
        st.serialize_field("untrusted", &self.untrusted)?;
        st.serialize_field("text", &self.to_string())?;
        st.end()
    }
}

/// "Trusted by A, B · not by C", "Trusted by A, B", "Not trusted by A, B";
/// empty when there is no verdict.
impl fmt::Display for TrustSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.trusted.is_empty(), self.untrusted.is_empty()) {
            (true, true) => Ok(()),
            (false, true) => write!(f, "Trusted by {}", self.trusted.join(", ")),
            (true, false) => write!(f, "Not trusted by {}", self.untrusted.join(", ")),
            (false, false) => write!(
                f,
                "Trusted by {} · not by {}",
                self.trusted.join(", "),
                self.untrusted.join(", ")
            ),
        }
    }
}

/// Android verdicts (in release order) as runs of equal verdicts: "Android" when
/// all agree, else "Android ≤ 7.0" (first run), "Android 8–11" (a middle run),
/// "Android ≥ 12" (last run); a run of one release is named alone.
fn android_runs(android: &[&StoreVerdict]) -> Vec<(bool, String)> {
    let version = |v: &StoreVerdict| {
        let name = v.store.display_name();
        name.strip_prefix("Android ").unwrap_or(name).to_owned()
    };
    let mut runs: Vec<(bool, usize, usize)> = Vec::new();
    for (i, v) in android.iter().enumerate() {
        match runs.last_mut() {
            Some((trusted, _, end)) if *trusted == v.trusted => *end = i,
            _ => runs.push((v.trusted, i, i)),
        }
    }
    let last = runs.len().saturating_sub(1);
    runs.iter()
        .enumerate()
        .map(|(n, &(trusted, start, end))| {
            let (first, final_) = (version(android[start]), version(android[end]));
            let name = if runs.len() == 1 {
                "Android".to_owned()
            } else if start == end {
                format!("Android {first}")
            } else if n == 0 {
                format!("Android ≤ {final_}")
            } else if n == last {
                format!("Android ≥ {first}")
            } else {
                format!("Android {first}–{final_}")
            };
            (trusted, name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(trusted: &[StoreId]) -> Vec<StoreVerdict> {
        StoreId::all()
            .map(|store| StoreVerdict {
                store,
                trusted: trusted.contains(&store),
            })
            .collect()
    }

    fn android_from(first: StoreId) -> Vec<StoreId> {
        StoreId::all()
            .filter(|s| s.platform() != Platform::Android || *s >= first)
            .collect()
    }

    #[test]
    fn summary_names_where_android_trust_starts() {
        let mut trusted = android_from(StoreId::ANDROID_8);
        trusted.retain(|s| *s != StoreId::JAVA);
        let s = TrustSummary::of(&verdicts(&trusted));
        assert_eq!(
            s.to_string(),
            "Trusted by Mozilla, Microsoft, Android ≥ 8 · not by Android ≤ 7.0, Java"
        );
    }

    #[test]
    fn summary_of_unanimous_verdicts() {
        let all: Vec<_> = StoreId::all().collect();
        assert_eq!(
            TrustSummary::of(&verdicts(&all)).to_string(),
            "Trusted by Mozilla, Microsoft, Android, Java"
        );
        assert_eq!(
            TrustSummary::of(&verdicts(&[])).to_string(),
            "Not trusted by Mozilla, Microsoft, Android, Java"
        );
        assert_eq!(TrustSummary::of(&[]).to_string(), "");
    }

    #[test]
    fn summary_of_a_root_android_dropped() {
        // DST Root CA X3: Android 4.4 to 13 only.
        let trusted: Vec<_> = StoreId::all()
            .filter(|s| s.platform() == Platform::Android && *s <= StoreId::ANDROID_13)
            .collect();
        assert_eq!(
            TrustSummary::of(&verdicts(&trusted)).to_string(),
            "Trusted by Android ≤ 13 · not by Mozilla, Microsoft, Android ≥ 14, Java"
        );
    }

    #[test]
    fn summary_names_middle_and_single_android_runs() {
        let trusted = [
            StoreId::ANDROID_4_4,
            StoreId::ANDROID_9,
            StoreId::ANDROID_10,
        ];
        let s = TrustSummary::of(&verdicts(&trusted));
        assert_eq!(s.trusted, ["Android 4.4", "Android 9–10"]);
        assert_eq!(
            s.untrusted,
            [
                "Mozilla",
                "Microsoft",
                "Android 7.0–8",
                "Android ≥ 11",
                "Java"
            ]
        );
    }

    #[test]
    fn summary_orders_and_dedups_its_input() {
        let v = [
            StoreVerdict {
                store: StoreId::CUSTOM,
                trusted: true,
            },
            StoreVerdict {
                store: StoreId::JAVA,
                trusted: false,
            },
            StoreVerdict {
                store: StoreId::MOZILLA,
                trusted: true,
            },
            StoreVerdict {
                store: StoreId::MOZILLA,
                trusted: false,
            },
        ];
        assert_eq!(
            TrustSummary::of(&v).to_string(),
            "Trusted by Mozilla, Custom · not by Java"
        );
    }

    #[test]
    fn verdicts_read_and_write_the_contract_shape() {
        let json = r#"[{"store":"mozilla","trusted":true},{"store":"android-7","trusted":false}]"#;
        let v: Vec<StoreVerdict> = serde_json::from_str(json).expect("reads");
        assert_eq!(v[1].store, StoreId::ANDROID_7);
        assert_eq!(serde_json::to_string(&v).expect("writes"), json);
    }
}
