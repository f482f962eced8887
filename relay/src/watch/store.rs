//! The monitor's history in SQLite: every round's grade, chain and expiry per
//! endpoint, the alert deduplication keys, and the alert outbox (alerts are
//! written in the same transaction as the scan that caused them, then delivered
//! and marked — so an alert survives a crash or a webhook outage; a crash between
//! the webhook's answer and the mark sends it again, under the same id).
//!
//! Migrations are numbered and tracked with `PRAGMA user_version`.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::Error;

/// Schema migrations, applied in order; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: rounds, scans, alert keys, outbox, outage state
    "CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        finished_at INTEGER
    );
    CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        ip TEXT NOT NULL,
        scanned_at INTEGER NOT NULL,
        success INTEGER NOT NULL,
        error TEXT,
        grade TEXT,
        score INTEGER,
        leaf_sha256 TEXT,
        leaf_subject TEXT,
        leaf_not_after INTEGER,
        earliest_not_after INTEGER,
        earliest_subject TEXT,
        chain_json TEXT
    );
    CREATE INDEX scans_by_endpoint ON scans(host, port, ip, scanned_at);
    CREATE TABLE alert_keys (
        key TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        delivered_at INTEGER,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
    CREATE TABLE outages (
        host TEXT NOT NULL,
        port INTEGER NOT NULL,
        ip TEXT NOT NULL,
        since INTEGER NOT NULL,
        PRIMARY KEY (host, port, ip)
    );",
    // 2: the clients of the simulation that failed, per scan (JSON
    // `[{"client": id, "code": failure code}]`; NULL when it did not run),
    // what a `client_failure` alert compares with the previous scan.
    "ALTER TABLE scans ADD COLUMN client_failures TEXT;",
];

fn db(e: rusqlite::Error) -> Error {
    Error::Database(e.to_string())
}

/// One endpoint's result in a round.
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
    /// The failing simulated clients, JSON (see migration 2).
    pub client_failures: Option<String>,
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

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) and migrates.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = Connection::open(path).map_err(db)?;
        Self::init(conn)
    }

    /// An in-memory store (tests).
    pub fn memory() -> Result<Self, Error> {
        Self::init(Connection::open_in_memory().map_err(db)?)
    }

    fn init(conn: Connection) -> Result<Self, Error> {
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        let mut store = Self { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), Error> {
        let version: usize = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)?;
        if version > MIGRATIONS.len() {
            return Err(Error::Database(format!(
                "the database is at schema {version}, newer than this build ({}): upgrade tlslens-relay",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.pragma_update(None, "user_version", i + 1).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<usize, Error> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)
    }

    /// Starts a round.
    pub fn begin_round(&self, now: i64) -> Result<i64, Error> {
        self.conn
            .execute("INSERT INTO rounds (started_at) VALUES (?1)", [now])
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Ends a round.
    pub fn end_round(&self, round: i64, now: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE rounds SET finished_at = ?1 WHERE id = ?2",
                params![now, round],
            )
            .map_err(db)?;
        Ok(())
    }

    /// The last successful grade of an endpoint.
    pub fn last_grade(&self, host: &str, port: u16, ip: &str) -> Result<Option<String>, Error> {
        self.conn
            .query_row(
                "SELECT grade FROM scans WHERE host = ?1 AND port = ?2 AND ip = ?3 AND success = 1
                 AND grade IS NOT NULL ORDER BY scanned_at DESC, id DESC LIMIT 1",
                params![host, port, ip],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    /// Records one endpoint's scan and the alerts it caused, atomically. Each alert
    /// is `(dedup key, payload)`; an alert whose key was seen before is dropped.
    /// Returns how many alerts were queued.
    pub fn record(
        &mut self,
        round: i64,
        row: &ScanRow,
        alerts: &[(String, String)],
    ) -> Result<usize, Error> {
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO scans (round_id, host, port, ip, scanned_at, success, error, grade, score,
                leaf_sha256, leaf_subject, leaf_not_after, earliest_not_after, earliest_subject, chain_json,
                client_failures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                round,
                row.host,
                row.port,
                row.ip,
                row.scanned_at,
                row.success,
                row.error,
                row.grade,
                row.score,
                row.leaf_sha256,
                row.leaf_subject,
                row.leaf_not_after,
                row.earliest_not_after,
                row.earliest_subject,
                row.chain_json,
                row.client_failures
            ],
        )
        .map_err(db)?;
        let mut queued = 0;
        for (key, payload) in alerts {
            let new = tx
                .execute(
                    "INSERT OR IGNORE INTO alert_keys (key, created_at) VALUES (?1, ?2)",
                    params![key, row.scanned_at],
                )
                .map_err(db)?;
            if new == 1 {
                tx.execute(
                    "INSERT INTO outbox (key, payload, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                    params![key, payload, row.scanned_at],
                )
                .map_err(db)?;
                queued += 1;
            }
        }
        tx.commit().map_err(db)?;
        Ok(queued)
    }

    /// The failing clients of an endpoint's last scan that ran the client
    /// simulation (JSON, see migration 2).
    pub fn last_client_failures(
        &self,
        host: &str,
        port: u16,
        ip: &str,
    ) -> Result<Option<String>, Error> {
        self.conn
            .query_row(
                "SELECT client_failures FROM scans WHERE host = ?1 AND port = ?2 AND ip = ?3
                 AND success = 1 AND client_failures IS NOT NULL
                 ORDER BY scanned_at DESC, id DESC LIMIT 1",
                params![host, port, ip],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)
    }

    /// Marks an endpoint unreachable; returns the outage start (now if new).
    pub fn outage_start(&self, host: &str, port: u16, ip: &str, now: i64) -> Result<i64, Error> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO outages (host, port, ip, since) VALUES (?1, ?2, ?3, ?4)",
                params![host, port, ip, now],
            )
            .map_err(db)?;
        self.conn
            .query_row(
                "SELECT since FROM outages WHERE host = ?1 AND port = ?2 AND ip = ?3",
                params![host, port, ip],
                |r| r.get(0),
            )
            .map_err(db)
    }

    /// Clears an outage (the endpoint answered again).
    pub fn outage_end(&self, host: &str, port: u16, ip: &str) -> Result<(), Error> {
        self.conn
            .execute(
                "DELETE FROM outages WHERE host = ?1 AND port = ?2 AND (ip = ?3 OR ip = '')",
                params![host, port, ip],
            )
            .map_err(db)?;
        Ok(())
    }

    /// Alerts due for delivery at `now` (all undelivered when `now` is `None`).
    pub fn pending(&self, now: Option<i64>) -> Result<Vec<Pending>, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, key, payload, attempts FROM outbox
                 WHERE delivered_at IS NULL AND (?1 IS NULL OR next_attempt_at <= ?1) ORDER BY id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map([now], |r| {
                Ok(Pending {
                    id: r.get(0)?,
                    key: r.get(1)?,
                    payload: r.get(2)?,
                    attempts: r.get(3)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    /// Records a delivery.
    pub fn delivered(&self, id: i64, now: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE outbox SET delivered_at = ?1, attempts = attempts + 1, last_error = NULL WHERE id = ?2",
                params![now, id],
            )
            .map_err(db)?;
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub fn failed(&self, id: i64, error: &str, next_attempt_at: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?1, next_attempt_at = ?2 WHERE id = ?3",
                params![error, next_attempt_at, id],
            )
            .map_err(db)?;
        Ok(())
    }

    /// The latest scan of every endpoint ever seen, ordered by target.
    pub fn latest(&self) -> Result<Vec<ScanRow>, Error> {
        self.rows(
            "SELECT host, port, ip, scanned_at, success, error, grade, score, leaf_sha256, leaf_subject,
                    leaf_not_after, earliest_not_after, earliest_subject, chain_json, client_failures
             FROM scans s WHERE id = (SELECT id FROM scans t WHERE t.host = s.host AND t.port = s.port
                AND t.ip = s.ip ORDER BY scanned_at DESC, id DESC LIMIT 1)
             ORDER BY host, port, ip",
            [],
        )
    }

    /// The last `limit` scans of one endpoint, oldest first.
    pub fn history(
        &self,
        host: &str,
        port: u16,
        ip: &str,
        limit: u32,
    ) -> Result<Vec<ScanRow>, Error> {
        let mut rows = self.rows(
            "SELECT host, port, ip, scanned_at, success, error, grade, score, leaf_sha256, leaf_subject,
                    leaf_not_after, earliest_not_after, earliest_subject, NULL, client_failures
             FROM scans WHERE host = ?1 AND port = ?2 AND ip = ?3 ORDER BY scanned_at DESC, id DESC LIMIT ?4",
            params![host, port, ip, limit],
        )?;
        rows.reverse();
        Ok(rows)
    }

    fn rows(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<ScanRow>, Error> {
        let mut stmt = self.conn.prepare(sql).map_err(db)?;
        let rows = stmt
            .query_map(p, |r| {
                Ok(ScanRow {
                    host: r.get(0)?,
                    port: r.get(1)?,
                    ip: r.get(2)?,
                    scanned_at: r.get(3)?,
                    success: r.get(4)?,
                    error: r.get(5)?,
                    grade: r.get(6)?,
                    score: r.get(7)?,
                    leaf_sha256: r.get(8)?,
                    leaf_subject: r.get(9)?,
                    leaf_not_after: r.get(10)?,
                    earliest_not_after: r.get(11)?,
                    earliest_subject: r.get(12)?,
                    chain_json: r.get(13)?,
                    client_failures: r.get(14)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ip: &str, grade: &str, at: i64) -> ScanRow {
        ScanRow {
            host: "a.test".into(),
            port: 443,
            ip: ip.into(),
            scanned_at: at,
            success: true,
            grade: Some(grade.into()),
            ..ScanRow::default()
        }
    }

    #[test]
    fn migrates_once_and_reopens() {
        let dir = std::env::temp_dir().join(format!("tlslens-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.sqlite");
        let _ = std::fs::remove_file(&path);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len());
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn alerts_are_deduplicated_by_key() {
        let mut s = Store::memory().unwrap();
        let r = s.begin_round(1).unwrap();
        let alert = vec![("expiry:x:14".to_owned(), "{}".to_owned())];
        assert_eq!(s.record(r, &row("1.1.1.1", "A", 1), &alert).unwrap(), 1);
        assert_eq!(s.record(r, &row("1.1.1.1", "A", 2), &alert).unwrap(), 0);
        assert_eq!(s.pending(None).unwrap().len(), 1);
        let id = s.pending(None).unwrap()[0].id;
        s.failed(id, "down", 100).unwrap();
        assert!(s.pending(Some(50)).unwrap().is_empty());
        assert_eq!(s.pending(Some(100)).unwrap()[0].attempts, 1);
        s.delivered(id, 101).unwrap();
        assert!(s.pending(None).unwrap().is_empty());
    }

    #[test]
    fn last_grade_and_history() {
        let mut s = Store::memory().unwrap();
        let r = s.begin_round(1).unwrap();
        s.record(r, &row("1.1.1.1", "A", 10), &[]).unwrap();
        s.record(r, &row("1.1.1.1", "B", 20), &[]).unwrap();
        s.record(r, &row("2.2.2.2", "A+", 20), &[]).unwrap();
        assert_eq!(
            s.last_grade("a.test", 443, "1.1.1.1").unwrap().as_deref(),
            Some("B")
        );
        assert_eq!(s.last_grade("a.test", 443, "9.9.9.9").unwrap(), None);
        let h = s.history("a.test", 443, "1.1.1.1", 10).unwrap();
        assert_eq!(h.iter().map(|r| r.scanned_at).collect::<Vec<_>>(), [10, 20]);
        assert_eq!(s.latest().unwrap().len(), 2);
        assert_eq!(s.outage_start("a.test", 443, "", 5).unwrap(), 5);
        assert_eq!(s.outage_start("a.test", 443, "", 9).unwrap(), 5);
        s.outage_end("a.test", 443, "1.1.1.1").unwrap();
        assert_eq!(s.outage_start("a.test", 443, "", 9).unwrap(), 9);
    }

    #[test]
    fn the_failing_clients_of_the_last_simulated_scan_are_kept() {
        let mut s = Store::memory().unwrap();
        let r = s.begin_round(1).unwrap();
        assert_eq!(
            s.last_client_failures("a.test", 443, "1.1.1.1").unwrap(),
            None
        );
        let mut first = row("1.1.1.1", "A", 1);
        first.client_failures =
            Some(r#"[{"client":"java-6u45","code":"protocol_mismatch"}]"#.into());
        s.record(r, &first, &[]).unwrap();
        // A scan without the simulation keeps the last one that had it.
        s.record(r, &row("1.1.1.1", "A", 2), &[]).unwrap();
        assert_eq!(
            s.last_client_failures("a.test", 443, "1.1.1.1").unwrap(),
            first.client_failures
        );
        assert_eq!(s.latest().unwrap()[0].client_failures, None);
    }
}
