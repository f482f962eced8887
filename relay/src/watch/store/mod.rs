//! The monitor's history behind one trait, [`History`]: SQLite (one watcher,
//! a file) or PostgreSQL (a fleet of watchers sharing one target list).
//!
//! Both keep the same history — one row per endpoint per scan, the alert
//! deduplication keys, the outbox, the open outages — and both record a
//! target's scan, its alerts and its outage changes in one transaction
//! ([`History::record`]). PostgreSQL adds the target list and its leases
//! ([`History::claim_targets`]) and claimed delivery
//! ([`History::claim_alerts`] takes each alert for one watcher at a time).
//!
//! * [`sqlite`]: rusqlite, `PRAGMA user_version` migrations.
//! * [`postgres`]: tokio-postgres with a small pool, migrations numbered in a
//!   `schema_migrations` table.

pub mod postgres;
pub mod sqlite;

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::Error;

/// A boxed store future.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// One endpoint's result in a scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRow {
    pub host: String,
    pub port: u16,
    /// Empty when the whole target failed (refused, unresolvable).
    pub ip: String,
    pub scanned_at: i64,
    pub success: bool,
    pub error: Option<String>,
    pub grade: Option<String>,
    pub score: Option<u32>,
    pub leaf_sha256: Option<String>,
    pub leaf_subject: Option<String>,
    pub leaf_not_after: Option<i64>,
    pub earliest_not_after: Option<i64>,
    pub earliest_subject: Option<String>,
    pub chain_json: Option<String>,
    /// What the change alerts compare (names, chain, posture, clients), as
    /// JSON (`alerts::Details`).
    pub details_json: Option<String>,
}

/// A pending alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    /// The deduplication key (the alert's `id` derives from it).
    pub key: String,
    pub payload: String,
    pub attempts: u32,
}

/// An alert queued or sent, for the monthly report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentAlert {
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub payload: String,
}

/// What the store knows about an endpoint before its new scan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointState {
    /// The last successful scan that produced a grade.
    pub last_ok: Option<ScanRow>,
    /// When its current outage started, if it is in one.
    pub outage_since: Option<i64>,
}

/// A target taken by one watcher until it records the scan or the lease
/// runs out (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub target_id: i64,
    /// Unique per claim: recording checks the target is still claimed
    /// under it, so a watcher whose lease ran out and was taken over records
    /// nothing.
    pub token: String,
    /// The target's next scan is due one interval after the previous due
    /// time (fixed cadence; one interval from now after a pause).
    pub interval: Duration,
}

/// A target in the database (PostgreSQL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTarget {
    pub id: i64,
    pub host: String,
    pub port: u16,
    pub resolve: Vec<String>,
    /// Unix seconds.
    pub next_due: i64,
    pub claimed_by: Option<String>,
}

/// Everything one scan of one target writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct TargetRecord {
    /// The SQLite round (0 with PostgreSQL).
    pub round: i64,
    /// The claim this scan was made under (PostgreSQL).
    pub lease: Option<Lease>,
    pub rows: Vec<ScanRow>,
    /// `(dedup key, payload)`; an alert whose key was seen before is dropped.
    pub alerts: Vec<(String, String)>,
    /// Outages that start with this scan: `(host, port, ip, since)`.
    pub outages_started: Vec<(String, u16, String, i64)>,
    /// Endpoints that answered again: `(host, port, ip)` (also ends the
    /// whole-target outage, `ip` empty).
    pub outages_ended: Vec<(String, u16, String)>,
}

/// Which undelivered alerts to take.
#[derive(Debug, Clone, Copy)]
pub struct AlertClaim<'a> {
    /// Only alerts due at this time (`None`: all undelivered, `--once`).
    pub due_at: Option<i64>,
    /// Only alerts after this outbox id (a pass walks the outbox once).
    pub after_id: i64,
    pub limit: usize,
    /// How long the claim keeps other watchers away (PostgreSQL).
    pub hold: Duration,
    pub worker: &'a str,
}

/// What the monitor keeps, wherever it keeps it.
pub trait History: Send + Sync + Debug {
    /// "sqlite" or "postgresql".
    fn engine(&self) -> &'static str;
    /// Whether watchers share a target list in the database.
    fn shared_targets(&self) -> bool;
    /// Starts a round (SQLite; 0 elsewhere).
    fn begin_round(&self, now: i64) -> Fut<'_, i64>;
    /// Ends a round.
    fn end_round(&self, round: i64, now: i64) -> Fut<'_, ()>;
    /// The endpoint's last good scan and open outage.
    fn endpoint_state<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
    ) -> Fut<'a, EndpointState>;
    /// Records a target's scan atomically; returns how many alerts were
    /// queued, or `None` when the lease was lost (nothing recorded).
    fn record<'a>(&'a self, rec: &'a TargetRecord) -> Fut<'a, Option<usize>>;
    /// Takes undelivered alerts for delivery.
    fn claim_alerts<'a>(&'a self, claim: AlertClaim<'a>) -> Fut<'a, Vec<Pending>>;
    /// Records a delivery.
    fn delivered(&self, id: i64, now: i64) -> Fut<'_, ()>;
    /// Records a failed attempt and when to try again.
    fn failed<'a>(&'a self, id: i64, error: &'a str, next_attempt_at: i64) -> Fut<'a, ()>;
    /// Alerts not yet delivered.
    fn pending_count(&self) -> Fut<'_, usize>;
    /// The latest scan of every endpoint ever seen, ordered by target.
    fn latest(&self) -> Fut<'_, Vec<ScanRow>>;
    /// The last `limit` scans of one endpoint, oldest first.
    fn history<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
        limit: u32,
    ) -> Fut<'a, Vec<ScanRow>>;
    /// Every scan in `[from, to)`, by endpoint then time.
    fn scans_between(&self, from: i64, to: i64) -> Fut<'_, Vec<ScanRow>>;
    /// Every alert queued in `[from, to)`, oldest first.
    fn alerts_between(&self, from: i64, to: i64) -> Fut<'_, Vec<SentAlert>>;
    /// Adds targets (or updates their `resolve`); returns how many were new.
    fn upsert_targets<'a>(&'a self, targets: &'a [(String, u16, Vec<String>)]) -> Fut<'a, usize>;
    /// Removes a target; whether it existed.
    fn remove_target<'a>(&'a self, host: &'a str, port: u16) -> Fut<'a, bool>;
    /// The target list.
    fn list_targets(&self) -> Fut<'_, Vec<StoredTarget>>;
    /// Claims up to `limit` due targets for `lease`, under tokens starting
    /// with `worker`; recording one schedules it `interval` later.
    fn claim_targets<'a>(
        &'a self,
        worker: &'a str,
        limit: usize,
        lease: Duration,
        interval: Duration,
    ) -> Fut<'a, Vec<(Lease, StoredTarget)>>;
}

/// The error for target-list operations on SQLite.
pub fn targets_need_postgres() -> Error {
    Error::Database(
        "targets in the database need PostgreSQL (database = \"postgres://…\"); with SQLite, list them as [[target]] in the config file".into(),
    )
}
