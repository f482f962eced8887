//! The monitor's history in SQLite: every round's grade, chain and expiry per
//! endpoint, the alert deduplication keys, and the alert outbox (alerts are
//! written in the same transaction as the scan that caused them, then delivered
//! and marked — so an alert survives a crash or a webhook outage; a crash between
//! the webhook's answer and the mark sends it again, under the same id).
//!
//! Migrations are numbered and tracked with `PRAGMA user_version`. One
//! watcher per file: the target list is the config's, so the target-list
//! operations of [`History`] are refused.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    targets_need_postgres, AlertClaim, EndpointState, Fut, History, Pending, ScanRow, SentAlert,
    StoredTarget, TargetRecord,
};
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
    // 2: the failing simulated clients of each scan, as the first
    // `client_failure` alert compared them. Kept so that databases at this
    // schema open; no longer written (NULL in new rows): migration 3's
    // details carry the clients (docs/watch.md, "History").
    "ALTER TABLE scans ADD COLUMN client_failures TEXT;",
    // 3: what the change alerts compare (names, chain, posture, clients)
    "ALTER TABLE scans ADD COLUMN details_json TEXT;",
];

fn db(e: rusqlite::Error) -> Error {
    Error::Database(e.to_string())
}

const COLUMNS: &str =
    "host, port, ip, scanned_at, success, error, grade, score, leaf_sha256, leaf_subject,
    leaf_not_after, earliest_not_after, earliest_subject, chain_json, details_json";

/// The database.
#[derive(Debug)]
pub struct Sqlite {
    conn: Mutex<Connection>,
}

fn ready<'a, T: Send + 'a>(r: Result<T, Error>) -> Fut<'a, T> {
    Box::pin(std::future::ready(r))
}

impl Sqlite {
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
        let store = Self {
            conn: Mutex::new(conn),
        };
        store.migrate()?;
        Ok(store)
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, Error> {
        self.conn
            .lock()
            .map_err(|_| Error::Database("the store lock is poisoned".into()))
    }

    fn migrate(&self) -> Result<(), Error> {
        let mut conn = self.conn()?;
        let version: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)?;
        if version > MIGRATIONS.len() {
            return Err(Error::Database(format!(
                "the database is at schema {version}, newer than this build ({}): upgrade tlslens-relay",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.pragma_update(None, "user_version", i + 1).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<usize, Error> {
        self.conn()?
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)
    }

    fn sync_begin_round(&self, now: i64) -> Result<i64, Error> {
        let conn = self.conn()?;
        conn.execute("INSERT INTO rounds (started_at) VALUES (?1)", [now])
            .map_err(db)?;
        Ok(conn.last_insert_rowid())
    }

    fn sync_end_round(&self, round: i64, now: i64) -> Result<(), Error> {
        self.conn()?
            .execute(
                "UPDATE rounds SET finished_at = ?1 WHERE id = ?2",
                params![now, round],
            )
            .map_err(db)?;
        Ok(())
    }

    fn sync_endpoint_state(&self, host: &str, port: u16, ip: &str) -> Result<EndpointState, Error> {
        let last_ok = self
            .rows(
                &format!(
                    "SELECT {COLUMNS} FROM scans WHERE host = ?1 AND port = ?2 AND ip = ?3 AND success = 1
                     AND grade IS NOT NULL ORDER BY scanned_at DESC, id DESC LIMIT 1"
                ),
                params![host, port, ip],
            )?
            .pop();
        let outage_since = self
            .conn()?
            .query_row(
                "SELECT since FROM outages WHERE host = ?1 AND port = ?2 AND ip = ?3",
                params![host, port, ip],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        Ok(EndpointState {
            last_ok,
            outage_since,
        })
    }

    /// Records one target's scan, its alerts and outage changes atomically.
    fn sync_record(&self, rec: &TargetRecord) -> Result<usize, Error> {
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(db)?;
        for row in &rec.rows {
            insert_scan(&tx, rec.round, row)?;
        }
        for (host, port, ip) in &rec.outages_ended {
            tx.execute(
                "DELETE FROM outages WHERE host = ?1 AND port = ?2 AND (ip = ?3 OR ip = '')",
                params![host, port, ip],
            )
            .map_err(db)?;
        }
        for (host, port, ip, since) in &rec.outages_started {
            tx.execute(
                "INSERT OR IGNORE INTO outages (host, port, ip, since) VALUES (?1, ?2, ?3, ?4)",
                params![host, port, ip, since],
            )
            .map_err(db)?;
        }
        let at = rec.rows.first().map_or(0, |r| r.scanned_at);
        let mut queued = 0;
        for (key, payload) in &rec.alerts {
            let new = tx
                .execute(
                    "INSERT OR IGNORE INTO alert_keys (key, created_at) VALUES (?1, ?2)",
                    params![key, at],
                )
                .map_err(db)?;
            if new == 1 {
                tx.execute(
                    "INSERT INTO outbox (key, payload, created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?3)",
                    params![key, payload, at],
                )
                .map_err(db)?;
                queued += 1;
            }
        }
        tx.commit().map_err(db)?;
        Ok(queued)
    }

    fn sync_claim_alerts(&self, claim: &AlertClaim<'_>) -> Result<Vec<Pending>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, key, payload, attempts FROM outbox
                 WHERE delivered_at IS NULL AND (?1 IS NULL OR next_attempt_at <= ?1) AND id > ?2
                 ORDER BY id LIMIT ?3",
            )
            .map_err(db)?;
        let limit = i64::try_from(claim.limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![claim.due_at, claim.after_id, limit], |r| {
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

    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<(), Error> {
        self.conn()?.execute(sql, p).map_err(db)?;
        Ok(())
    }

    fn sync_pending_count(&self) -> Result<usize, Error> {
        self.conn()?
            .query_row(
                "SELECT count(*) FROM outbox WHERE delivered_at IS NULL",
                [],
                |r| r.get(0),
            )
            .map_err(db)
    }

    fn sync_history(
        &self,
        host: &str,
        port: u16,
        ip: &str,
        limit: u32,
    ) -> Result<Vec<ScanRow>, Error> {
        let mut rows = self.rows(
            "SELECT host, port, ip, scanned_at, success, error, grade, score, leaf_sha256, leaf_subject,
                    leaf_not_after, earliest_not_after, earliest_subject, NULL, NULL
             FROM scans WHERE host = ?1 AND port = ?2 AND ip = ?3 ORDER BY scanned_at DESC, id DESC LIMIT ?4",
            params![host, port, ip, limit],
        )?;
        rows.reverse();
        Ok(rows)
    }

    fn sync_alerts_between(&self, from: i64, to: i64) -> Result<Vec<SentAlert>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT created_at, delivered_at, payload FROM outbox
                 WHERE created_at >= ?1 AND created_at < ?2 ORDER BY created_at, id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![from, to], |r| {
                Ok(SentAlert {
                    created_at: r.get(0)?,
                    delivered_at: r.get(1)?,
                    payload: r.get(2)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn rows(&self, sql: &str, p: impl rusqlite::Params) -> Result<Vec<ScanRow>, Error> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(sql).map_err(db)?;
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
                    details_json: r.get(14)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }
}

fn insert_scan(tx: &rusqlite::Transaction<'_>, round: i64, row: &ScanRow) -> Result<(), Error> {
    tx.execute(
        "INSERT INTO scans (round_id, host, port, ip, scanned_at, success, error, grade, score,
            leaf_sha256, leaf_subject, leaf_not_after, earliest_not_after, earliest_subject, chain_json,
            details_json)
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
            row.details_json
        ],
    )
    .map_err(db)?;
    Ok(())
}

impl History for Sqlite {
    fn engine(&self) -> &'static str {
        "sqlite"
    }
    fn shared_targets(&self) -> bool {
        false
    }
    fn begin_round(&self, now: i64) -> Fut<'_, i64> {
        ready(self.sync_begin_round(now))
    }
    fn end_round(&self, round: i64, now: i64) -> Fut<'_, ()> {
        ready(self.sync_end_round(round, now))
    }
    fn endpoint_state<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
    ) -> Fut<'a, EndpointState> {
        ready(self.sync_endpoint_state(host, port, ip))
    }
    fn record<'a>(&'a self, rec: &'a TargetRecord) -> Fut<'a, Option<usize>> {
        ready(self.sync_record(rec).map(Some))
    }
    fn claim_alerts<'a>(&'a self, claim: AlertClaim<'a>) -> Fut<'a, Vec<Pending>> {
        ready(self.sync_claim_alerts(&claim))
    }
    fn delivered(&self, id: i64, now: i64) -> Fut<'_, ()> {
        ready(self.exec(
            "UPDATE outbox SET delivered_at = ?1, attempts = attempts + 1, last_error = NULL WHERE id = ?2",
            params![now, id],
        ))
    }
    fn failed<'a>(&'a self, id: i64, error: &'a str, next_attempt_at: i64) -> Fut<'a, ()> {
        ready(self.exec(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?1, next_attempt_at = ?2 WHERE id = ?3",
            params![error, next_attempt_at, id],
        ))
    }
    fn pending_count(&self) -> Fut<'_, usize> {
        ready(self.sync_pending_count())
    }
    fn latest(&self) -> Fut<'_, Vec<ScanRow>> {
        ready(self.rows(
            &format!(
                "SELECT {COLUMNS} FROM scans s WHERE id = (SELECT id FROM scans t WHERE t.host = s.host
                    AND t.port = s.port AND t.ip = s.ip ORDER BY scanned_at DESC, id DESC LIMIT 1)
                 ORDER BY host, port, ip"
            ),
            [],
        ))
    }
    fn history<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
        limit: u32,
    ) -> Fut<'a, Vec<ScanRow>> {
        ready(self.sync_history(host, port, ip, limit))
    }
    fn scans_between(&self, from: i64, to: i64) -> Fut<'_, Vec<ScanRow>> {
        ready(self.rows(
            &format!(
                "SELECT {COLUMNS} FROM scans WHERE scanned_at >= ?1 AND scanned_at < ?2
                 ORDER BY host, port, ip, scanned_at, id"
            ),
            params![from, to],
        ))
    }
    fn alerts_between(&self, from: i64, to: i64) -> Fut<'_, Vec<SentAlert>> {
        ready(self.sync_alerts_between(from, to))
    }
    fn upsert_targets<'a>(&'a self, _: &'a [(String, u16, Vec<String>)]) -> Fut<'a, usize> {
        ready(Err(targets_need_postgres()))
    }
    fn remove_target<'a>(&'a self, _: &'a str, _: u16) -> Fut<'a, bool> {
        ready(Err(targets_need_postgres()))
    }
    fn list_targets(&self) -> Fut<'_, Vec<StoredTarget>> {
        ready(Err(targets_need_postgres()))
    }
    fn claim_targets<'a>(
        &'a self,
        _: &'a str,
        _: usize,
        _: std::time::Duration,
        _: std::time::Duration,
    ) -> Fut<'a, Vec<(super::Lease, StoredTarget)>> {
        ready(Err(targets_need_postgres()))
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
        let s = Sqlite::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len());
        drop(s);
        let s = Sqlite::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_database_at_schema_2_with_client_failures_opens_and_records_details() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch("ALTER TABLE scans ADD COLUMN client_failures TEXT;")
                .unwrap();
            conn.execute(
                "INSERT INTO rounds (id, started_at) VALUES (1, 1)",
                params![],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO scans (round_id, host, port, ip, scanned_at, success, grade, client_failures)
                 VALUES (1, 'a.test', 443, '1.1.1.1', 1, 1, 'A', '[]')",
                params![],
            )
            .unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
        }
        let s = Sqlite::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), 3);
        let mut later = row("1.1.1.1", "B", 2);
        later.details_json = Some("{}".into());
        s.sync_record(&rec(vec![later], &[])).unwrap();
        let history = s
            .rows(&format!("SELECT {COLUMNS} FROM scans ORDER BY id"), [])
            .unwrap();
        let kept: Vec<_> = history
            .iter()
            .map(|r| (r.grade.as_deref(), r.details_json.as_deref()))
            .collect();
        assert_eq!(kept, [(Some("A"), None), (Some("B"), Some("{}"))]);
    }

    fn rec(rows: Vec<ScanRow>, alerts: &[(&str, &str)]) -> TargetRecord {
        TargetRecord {
            round: 1,
            rows,
            alerts: alerts
                .iter()
                .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
                .collect(),
            ..TargetRecord::default()
        }
    }

    fn claim(due_at: Option<i64>) -> AlertClaim<'static> {
        AlertClaim {
            due_at,
            after_id: 0,
            limit: 100,
            hold: std::time::Duration::from_secs(1),
            worker: "w",
        }
    }

    #[test]
    fn alerts_are_deduplicated_by_key() {
        let s = Sqlite::memory().unwrap();
        s.sync_begin_round(1).unwrap();
        let alert = [("expiry:x:14", "{}")];
        assert_eq!(
            s.sync_record(&rec(vec![row("1.1.1.1", "A", 1)], &alert))
                .unwrap(),
            1
        );
        assert_eq!(
            s.sync_record(&rec(vec![row("1.1.1.1", "A", 2)], &alert))
                .unwrap(),
            0
        );
        assert_eq!(s.sync_pending_count().unwrap(), 1);
        let id = s.sync_claim_alerts(&claim(None)).unwrap()[0].id;
        s.exec(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1 WHERE id = ?2",
            params![100, id],
        )
        .unwrap();
        assert!(s.sync_claim_alerts(&claim(Some(50))).unwrap().is_empty());
        assert_eq!(
            s.sync_claim_alerts(&claim(Some(100))).unwrap()[0].attempts,
            1
        );
        let after = AlertClaim {
            after_id: id,
            ..claim(None)
        };
        assert!(s.sync_claim_alerts(&after).unwrap().is_empty());
        s.exec("UPDATE outbox SET delivered_at = 101 WHERE id = ?1", [id])
            .unwrap();
        assert_eq!(s.sync_pending_count().unwrap(), 0);
        assert_eq!(s.sync_alerts_between(0, 10).unwrap().len(), 1);
        assert!(s.sync_alerts_between(10, 20).unwrap().is_empty());
    }

    #[test]
    fn last_good_scan_history_and_outages() {
        let s = Sqlite::memory().unwrap();
        s.sync_begin_round(1).unwrap();
        s.sync_record(&rec(vec![row("1.1.1.1", "A", 10)], &[]))
            .unwrap();
        s.sync_record(&rec(
            vec![row("1.1.1.1", "B", 20), row("2.2.2.2", "A+", 20)],
            &[],
        ))
        .unwrap();
        let state = s.sync_endpoint_state("a.test", 443, "1.1.1.1").unwrap();
        assert_eq!(state.last_ok.unwrap().grade.as_deref(), Some("B"));
        assert_eq!(
            s.sync_endpoint_state("a.test", 443, "9.9.9.9").unwrap(),
            EndpointState::default()
        );
        let h = s.sync_history("a.test", 443, "1.1.1.1", 10).unwrap();
        assert_eq!(h.iter().map(|r| r.scanned_at).collect::<Vec<_>>(), [10, 20]);
        assert_eq!(
            s.rows(&format!("SELECT {COLUMNS} FROM scans"), [])
                .unwrap()
                .len(),
            3
        );
        let down = TargetRecord {
            outages_started: vec![("a.test".into(), 443, String::new(), 5)],
            ..TargetRecord::default()
        };
        s.sync_record(&down).unwrap();
        let again = TargetRecord {
            outages_started: vec![("a.test".into(), 443, String::new(), 9)],
            ..TargetRecord::default()
        };
        s.sync_record(&again).unwrap();
        assert_eq!(
            s.sync_endpoint_state("a.test", 443, "")
                .unwrap()
                .outage_since,
            Some(5)
        );
        let up = TargetRecord {
            outages_ended: vec![("a.test".into(), 443, "1.1.1.1".into())],
            ..TargetRecord::default()
        };
        s.sync_record(&up).unwrap();
        assert_eq!(
            s.sync_endpoint_state("a.test", 443, "")
                .unwrap()
                .outage_since,
            None
        );
    }
}
