//! The WebAssembly boundary: the only place with `#[wasm_bindgen]`. Thin wrappers
//! over the crate's JSON entry points; errors cross as `JsError`.

use wasm_bindgen::prelude::*;

/// Grades facts (JSON) at `now_ms` (e.g. `Date.now()`); returns the report JSON.
#[wasm_bindgen]
pub fn grade(facts_json: &str, now_ms: f64) -> Result<String, JsError> {
    crate::grade_json(facts_json, now_ms).map_err(|e| JsError::new(&e.to_string()))
}

/// Grades facts (JSON) at `now_ms` with options (JSON: `{"profile":
/// "mozilla-intermediate", "fix": true}`, or empty); returns the report JSON with
/// `compliance` and `fix` as asked. An unknown profile is an error that lists
/// the known ones.
#[wasm_bindgen]
pub fn grade_with(facts_json: &str, now_ms: f64, options_json: &str) -> Result<String, JsError> {
    crate::grade_with_json(facts_json, now_ms, options_json)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The fix plan (JSON) for endpoint `ip` of a report (JSON), towards `goal`:
/// `A+` (or empty) for the grading policy, else a profile name.
#[wasm_bindgen]
pub fn fix_plan(report_json: &str, ip: &str, goal: &str) -> Result<String, JsError> {
    crate::fix_plan_json(report_json, ip, goal).map_err(|e| JsError::new(&e.to_string()))
}

/// Mozilla's profiles as data (JSON), with the guidelines' version and source.
#[wasm_bindgen]
pub fn profiles_json() -> String {
    crate::profiles::to_json()
}

/// Analyses a pasted PEM/DER chain; returns the chain breakdown JSON.
#[wasm_bindgen]
pub fn parse_chain(text: &str, host: Option<String>, now_ms: f64) -> Result<String, JsError> {
    crate::parse_chain_json(text, host.as_deref(), now_ms).map_err(|e| JsError::new(&e.to_string()))
}

/// Loads `root-stores.bin` (shipped beside the module): the anchors of every root
/// store, Mozilla's included, which the module does not compile in. Throws when the
/// bytes are not the file this build was generated with.
#[wasm_bindgen]
pub fn load_root_stores(bytes: &[u8]) -> Result<(), JsError> {
    crate::stores::load_extra(bytes).map_err(|e| JsError::new(&e.to_string()))
}

/// Whether `root-stores.bin` is loaded (per-store verdicts need it).
#[wasm_bindgen]
pub fn root_stores_loaded() -> bool {
    crate::stores::extra_loaded()
}

/// Sums up `chain.trust` (JSON) as `{"trusted", "untrusted", "text"}` JSON.
#[wasm_bindgen]
pub fn trust_summary(trust_json: &str) -> Result<String, JsError> {
    crate::trust_summary_json(trust_json).map_err(|e| JsError::new(&e.to_string()))
}

/// The core's version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_owned()
}

/// The grading policy identifier.
#[wasm_bindgen]
pub fn policy_id() -> String {
    crate::policy::POLICY_ID.to_owned()
}

/// The grading policy (rules, reasons, fixes) as JSON.
#[wasm_bindgen]
pub fn policy_json() -> String {
    crate::policy::to_json()
}

/// Expiry alert threshold for `days_left` with the given thresholds (or the
/// default 30/14/7/1 when empty); `undefined` when none applies.
#[wasm_bindgen]
pub fn alert_threshold(days_left: i32, expired: bool, alert_days: Vec<u32>) -> Option<u32> {
    let days: &[u32] = if alert_days.is_empty() {
        &crate::expiry::DEFAULT_ALERT_DAYS
    } else {
        &alert_days
    };
    crate::expiry::threshold(i64::from(days_left), expired, days)
}

/// Every grade, best first (`A+` … `F`, `T`, `M`): the core's one grade order.
#[wasm_bindgen]
pub fn grade_order() -> Vec<String> {
    crate::Grade::ORDER
        .iter()
        .map(|g| g.as_str().to_owned())
        .collect()
}

/// Whether going from grade `from` to grade `to` is a drop; `false` when either
/// is not a grade.
#[wasm_bindgen]
pub fn grade_dropped(from: &str, to: &str) -> bool {
    match (crate::Grade::parse(from), crate::Grade::parse(to)) {
        (Some(from), Some(to)) => to.dropped_from(from),
        _ => false,
    }
}
