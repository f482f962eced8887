//! The monitor's history in PostgreSQL, shared by several watchers.
//!
//! The same history as SQLite (scans, alert keys, outbox, outages), plus the
//! target list with leases: a watcher claims due targets with `FOR UPDATE
//! SKIP LOCKED` (disjoint batches, no waiting), each under a token unique to
//! that claim, until `lease_until`; recording the scan checks the target is
//! still claimed under that token (so a watcher whose lease ran out and was
//! taken over records nothing) and moves `next_due` one interval on. A
//! watcher that dies simply lets its leases run out. Delivery claims outbox
//! rows the same way, so one alert is posted by one watcher at a time.
//!
//! Times the watchers compare (due, leases, delivery claims) are the
//! database's `now()`, so the machines' clocks need not agree; scan and alert
//! times are the watcher's clock, as with SQLite. Migrations are numbered in
//! `schema_migrations` and applied under an advisory lock, so watchers that
//! start together migrate once.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use super::{
    AlertClaim, EndpointState, Fut, History, Lease, Pending, ScanRow, SentAlert, StoredTarget,
    TargetRecord,
};
use crate::Error;

/// Schema migrations, applied in order; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: the target list with leases, scans, alert keys, outbox, outages
    "CREATE TABLE targets (
        id bigserial PRIMARY KEY,
        host text NOT NULL,
        port integer NOT NULL,
        resolve text[] NOT NULL DEFAULT '{}',
        next_due timestamptz NOT NULL DEFAULT now(),
        claimed_by text,
        claimed_at timestamptz,
        lease_until timestamptz,
        added_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (host, port)
    );
    CREATE INDEX targets_due ON targets (next_due);
    CREATE TABLE scans (
        id bigserial PRIMARY KEY,
        watcher text NOT NULL,
        host text NOT NULL,
        port integer NOT NULL,
        ip text NOT NULL,
        scanned_at bigint NOT NULL,
        success boolean NOT NULL,
        error text,
        grade text,
        score integer,
        leaf_sha256 text,
        leaf_subject text,
        leaf_not_after bigint,
        earliest_not_after bigint,
        earliest_subject text,
        chain_json text,
        details_json text
    );
    CREATE INDEX scans_by_endpoint ON scans (host, port, ip, scanned_at);
    CREATE INDEX scans_by_time ON scans (scanned_at);
    CREATE TABLE alert_keys (
        key text PRIMARY KEY,
        created_at bigint NOT NULL
    );
    CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        key text NOT NULL UNIQUE,
        payload text NOT NULL,
        created_at bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        delivered_at bigint,
        last_error text,
        claimed_by text,
        claimed_until timestamptz
    );
    CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;
    CREATE TABLE outages (
        host text NOT NULL,
        port integer NOT NULL,
        ip text NOT NULL,
        since bigint NOT NULL,
        PRIMARY KEY (host, port, ip)
    );",
];

/// The advisory lock key migrations take (any constant; "TLSL").
const MIGRATION_LOCK: i64 = 0x544c_534c;

const COLUMNS: &str =
    "host, port, ip, scanned_at, success, error, grade, score, leaf_sha256, leaf_subject,
    leaf_not_after, earliest_not_after, earliest_subject, chain_json, details_json";

/// Connections per watcher.
const POOL_SIZE: usize = 8;

fn pg(e: &tokio_postgres::Error) -> Error {
    Error::Database(match e.as_db_error() {
        Some(d) => format!("PostgreSQL: {}", d.message()),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            format!("PostgreSQL: {text}")
        }
    })
}

fn pool_error(e: &deadpool_postgres::PoolError) -> Error {
    match e {
        deadpool_postgres::PoolError::Backend(b) => pg(b),
        other => Error::Database(format!("PostgreSQL pool: {other}")),
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The database.
#[derive(Debug)]
pub struct Postgres {
    pool: Pool,
}

impl Postgres {
    /// Connects (checking the URL and the server now, not at the first
    /// round) and migrates.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| Error::Database(format!("database URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| Error::Database(format!("PostgreSQL pool: {e}")))?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        self.pool.get().await.map_err(|e| pool_error(&e))
    }

    async fn migrate(&self) -> Result<(), Error> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| pg(&e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(|e| pg(&e))?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )",
        )
        .await
        .map_err(|e| pg(&e))?;
        let version: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await
            .map_err(|e| pg(&e))?
            .get(0);
        let known = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
        if version > known {
            return Err(Error::Database(format!(
                "the database is at schema {version}, newer than this build ({known}): upgrade tlslens-relay"
            )));
        }
        for (i, sql) in (1..)
            .zip(MIGRATIONS)
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.batch_execute(sql).await.map_err(|e| pg(&e))?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&i])
                .await
                .map_err(|e| pg(&e))?;
        }
        tx.commit().await.map_err(|e| pg(&e))
    }

    /// The schema version.
    pub async fn schema_version(&self) -> Result<i32, Error> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await
            .map_err(|e| pg(&e))?;
        Ok(row.get(0))
    }

    async fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<ScanRow>, Error> {
        let client = self.client().await?;
        let rows = client.query(sql, params).await.map_err(|e| pg(&e))?;
        rows.iter().map(scan_row).collect()
    }

    async fn exec(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        let client = self.client().await?;
        client.execute(sql, params).await.map_err(|e| pg(&e))
    }

    async fn endpoint_state_async(
        &self,
        host: &str,
        port: u16,
        ip: &str,
    ) -> Result<EndpointState, Error> {
        let port = i32::from(port);
        let last_ok = self
            .rows(
                &format!(
                    "SELECT {COLUMNS} FROM scans WHERE host = $1 AND port = $2 AND ip = $3 AND success
                     AND grade IS NOT NULL ORDER BY scanned_at DESC, id DESC LIMIT 1"
                ),
                &[&host, &port, &ip],
            )
            .await?
            .pop();
        let client = self.client().await?;
        let outage_since = client
            .query_opt(
                "SELECT since FROM outages WHERE host = $1 AND port = $2 AND ip = $3",
                &[&host, &port, &ip],
            )
            .await
            .map_err(|e| pg(&e))?
            .map(|r| r.get(0));
        Ok(EndpointState {
            last_ok,
            outage_since,
        })
    }

    async fn record_async(&self, rec: &TargetRecord) -> Result<Option<usize>, Error> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(|e| pg(&e))?;
        let watcher = match &rec.lease {
            Some(lease) => {
                let kept = tx
                    .execute(
                        "UPDATE targets SET lease_until = NULL,
                            next_due = CASE WHEN next_due + make_interval(secs => $3) > now()
                                THEN next_due + make_interval(secs => $3)
                                ELSE now() + make_interval(secs => $3) END
                         WHERE id = $1 AND claimed_by = $2",
                        &[&lease.target_id, &lease.token, &secs(lease.interval)],
                    )
                    .await
                    .map_err(|e| pg(&e))?;
                if kept == 0 {
                    return Ok(None);
                }
                lease
                    .token
                    .rsplit_once(':')
                    .map_or("", |(w, _)| w)
                    .to_owned()
            }
            None => String::new(),
        };
        for row in &rec.rows {
            insert_scan(&tx, &watcher, row).await?;
        }
        for (host, port, ip) in &rec.outages_ended {
            tx.execute(
                "DELETE FROM outages WHERE host = $1 AND port = $2 AND (ip = $3 OR ip = '')",
                &[host, &i32::from(*port), ip],
            )
            .await
            .map_err(|e| pg(&e))?;
        }
        for (host, port, ip, since) in &rec.outages_started {
            tx.execute(
                "INSERT INTO outages (host, port, ip, since) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[host, &i32::from(*port), ip, since],
            )
            .await
            .map_err(|e| pg(&e))?;
        }
        let at = rec.rows.first().map_or(0, |r| r.scanned_at);
        let mut queued = 0;
        for (key, payload) in &rec.alerts {
            let new = tx
                .execute(
                    "INSERT INTO alert_keys (key, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[key, &at],
                )
                .await
                .map_err(|e| pg(&e))?;
            if new == 1 {
                tx.execute(
                    "INSERT INTO outbox (key, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)",
                    &[key, payload, &at],
                )
                .await
                .map_err(|e| pg(&e))?;
                queued += 1;
            }
        }
        tx.commit().await.map_err(|e| pg(&e))?;
        Ok(Some(queued))
    }

    async fn claim_alerts_async(&self, claim: AlertClaim<'_>) -> Result<Vec<Pending>, Error> {
        let client = self.client().await?;
        let limit = i64::try_from(claim.limit).unwrap_or(i64::MAX);
        let rows = client
            .query(
                "UPDATE outbox o SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2)
                 FROM (SELECT id FROM outbox
                       WHERE delivered_at IS NULL AND ($3::bigint IS NULL OR next_attempt_at <= $3)
                         AND id > $4 AND (claimed_until IS NULL OR claimed_until < now())
                       ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED) c
                 WHERE o.id = c.id
                 RETURNING o.id, o.key, o.payload, o.attempts",
                &[
                    &claim.worker,
                    &secs(claim.hold),
                    &claim.due_at,
                    &claim.after_id,
                    &limit,
                ],
            )
            .await
            .map_err(|e| pg(&e))?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(Pending {
                    id: r.try_get(0).map_err(|e| pg(&e))?,
                    key: r.try_get(1).map_err(|e| pg(&e))?,
                    payload: r.try_get(2).map_err(|e| pg(&e))?,
                    attempts: u32::try_from(r.try_get::<_, i32>(3).map_err(|e| pg(&e))?)
                        .unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        out.sort_by_key(|p| p.id);
        Ok(out)
    }

    async fn alerts_between_async(&self, from: i64, to: i64) -> Result<Vec<SentAlert>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT created_at, delivered_at, payload FROM outbox
                 WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id",
                &[&from, &to],
            )
            .await
            .map_err(|e| pg(&e))?;
        Ok(rows
            .iter()
            .map(|r| SentAlert {
                created_at: r.get(0),
                delivered_at: r.get(1),
                payload: r.get(2),
            })
            .collect())
    }

    async fn upsert_targets_async(
        &self,
        targets: &[(String, u16, Vec<String>)],
    ) -> Result<usize, Error> {
        let client = self.client().await?;
        let mut new = 0;
        for (host, port, resolve) in targets {
            let inserted: bool = client
                .query_one(
                    "INSERT INTO targets (host, port, resolve) VALUES ($1, $2, $3)
                     ON CONFLICT (host, port) DO UPDATE SET resolve = EXCLUDED.resolve
                     RETURNING (xmax = 0)",
                    &[host, &i32::from(*port), resolve],
                )
                .await
                .map_err(|e| pg(&e))?
                .get(0);
            new += usize::from(inserted);
        }
        Ok(new)
    }

    async fn claim_targets_async(
        &self,
        worker: &str,
        limit: usize,
        lease: Duration,
        interval: Duration,
    ) -> Result<Vec<(Lease, StoredTarget)>, Error> {
        let client = self.client().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = client
            .query(
                "UPDATE targets t SET claimed_by = $1 || ':' || txid_current(), claimed_at = now(),
                        lease_until = now() + make_interval(secs => $2)
                 FROM (SELECT id FROM targets
                       WHERE next_due <= now() AND (lease_until IS NULL OR lease_until < now())
                       ORDER BY next_due, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
                 WHERE t.id = due.id
                 RETURNING t.id, t.host, t.port, t.resolve,
                           extract(epoch from t.next_due)::bigint, t.claimed_by",
                &[&worker, &secs(lease), &limit],
            )
            .await
            .map_err(|e| pg(&e))?;
        rows.iter()
            .map(|r| {
                let target = stored_target(r)?;
                let lease = Lease {
                    target_id: target.id,
                    token: target.claimed_by.clone().unwrap_or_default(),
                    interval,
                };
                Ok((lease, target))
            })
            .collect()
    }

    async fn list_targets_async(&self) -> Result<Vec<StoredTarget>, Error> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, host, port, resolve, extract(epoch from next_due)::bigint, claimed_by
                 FROM targets ORDER BY host, port",
                &[],
            )
            .await
            .map_err(|e| pg(&e))?;
        rows.iter().map(stored_target).collect()
    }
}

fn stored_target(r: &Row) -> Result<StoredTarget, Error> {
    let port: i32 = r.try_get(2).map_err(|e| pg(&e))?;
    Ok(StoredTarget {
        id: r.try_get(0).map_err(|e| pg(&e))?,
        host: r.try_get(1).map_err(|e| pg(&e))?,
        port: u16::try_from(port).unwrap_or(0),
        resolve: r.try_get(3).map_err(|e| pg(&e))?,
        next_due: r.try_get(4).map_err(|e| pg(&e))?,
        claimed_by: r.try_get(5).map_err(|e| pg(&e))?,
    })
}

fn scan_row(r: &Row) -> Result<ScanRow, Error> {
    let get_err = |e: tokio_postgres::Error| pg(&e);
    let port: i32 = r.try_get(1).map_err(get_err)?;
    let score: Option<i32> = r.try_get(7).map_err(get_err)?;
    Ok(ScanRow {
        host: r.try_get(0).map_err(get_err)?,
        port: u16::try_from(port).unwrap_or(0),
        ip: r.try_get(2).map_err(get_err)?,
        scanned_at: r.try_get(3).map_err(get_err)?,
        success: r.try_get(4).map_err(get_err)?,
        error: r.try_get(5).map_err(get_err)?,
        grade: r.try_get(6).map_err(get_err)?,
        score: score.and_then(|s| u32::try_from(s).ok()),
        leaf_sha256: r.try_get(8).map_err(get_err)?,
        leaf_subject: r.try_get(9).map_err(get_err)?,
        leaf_not_after: r.try_get(10).map_err(get_err)?,
        earliest_not_after: r.try_get(11).map_err(get_err)?,
        earliest_subject: r.try_get(12).map_err(get_err)?,
        chain_json: r.try_get(13).map_err(get_err)?,
        details_json: r.try_get(14).map_err(get_err)?,
    })
}

async fn insert_scan(
    tx: &deadpool_postgres::Transaction<'_>,
    watcher: &str,
    row: &ScanRow,
) -> Result<(), Error> {
    let score = row.score.and_then(|s| i32::try_from(s).ok());
    tx.execute(
        "INSERT INTO scans (watcher, host, port, ip, scanned_at, success, error, grade, score,
            leaf_sha256, leaf_subject, leaf_not_after, earliest_not_after, earliest_subject, chain_json,
            details_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        &[
            &watcher,
            &row.host,
            &i32::from(row.port),
            &row.ip,
            &row.scanned_at,
            &row.success,
            &row.error,
            &row.grade,
            &score,
            &row.leaf_sha256,
            &row.leaf_subject,
            &row.leaf_not_after,
            &row.earliest_not_after,
            &row.earliest_subject,
            &row.chain_json,
            &row.details_json,
        ],
    )
    .await
    .map_err(|e| pg(&e))?;
    Ok(())
}

impl History for Postgres {
    fn engine(&self) -> &'static str {
        "postgresql"
    }
    fn shared_targets(&self) -> bool {
        true
    }
    fn begin_round(&self, _now: i64) -> Fut<'_, i64> {
        Box::pin(std::future::ready(Ok(0)))
    }
    fn end_round(&self, _round: i64, _now: i64) -> Fut<'_, ()> {
        Box::pin(std::future::ready(Ok(())))
    }
    fn endpoint_state<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
    ) -> Fut<'a, EndpointState> {
        Box::pin(self.endpoint_state_async(host, port, ip))
    }
    fn record<'a>(&'a self, rec: &'a TargetRecord) -> Fut<'a, Option<usize>> {
        Box::pin(self.record_async(rec))
    }
    fn claim_alerts<'a>(&'a self, claim: AlertClaim<'a>) -> Fut<'a, Vec<Pending>> {
        Box::pin(self.claim_alerts_async(claim))
    }
    fn delivered(&self, id: i64, now: i64) -> Fut<'_, ()> {
        Box::pin(async move {
            self.exec(
                "UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL,
                    claimed_until = NULL WHERE id = $2",
                &[&now, &id],
            )
            .await
            .map(drop)
        })
    }
    fn failed<'a>(&'a self, id: i64, error: &'a str, next_attempt_at: i64) -> Fut<'a, ()> {
        Box::pin(async move {
            self.exec(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                    claimed_until = NULL WHERE id = $3",
                &[&error, &next_attempt_at, &id],
            )
            .await
            .map(drop)
        })
    }
    fn pending_count(&self) -> Fut<'_, usize> {
        Box::pin(async move {
            let client = self.client().await?;
            let n: i64 = client
                .query_one(
                    "SELECT count(*) FROM outbox WHERE delivered_at IS NULL",
                    &[],
                )
                .await
                .map_err(|e| pg(&e))?
                .get(0);
            Ok(usize::try_from(n).unwrap_or(0))
        })
    }
    fn latest(&self) -> Fut<'_, Vec<ScanRow>> {
        Box::pin(async move {
            self.rows(
                &format!(
                    "SELECT DISTINCT ON (host, port, ip) {COLUMNS} FROM scans
                     ORDER BY host, port, ip, scanned_at DESC, id DESC"
                ),
                &[],
            )
            .await
        })
    }
    fn history<'a>(
        &'a self,
        host: &'a str,
        port: u16,
        ip: &'a str,
        limit: u32,
    ) -> Fut<'a, Vec<ScanRow>> {
        Box::pin(async move {
            let mut rows = self
                .rows(
                    "SELECT host, port, ip, scanned_at, success, error, grade, score, leaf_sha256,
                        leaf_subject, leaf_not_after, earliest_not_after, earliest_subject, NULL::text,
                        NULL::text
                     FROM scans WHERE host = $1 AND port = $2 AND ip = $3
                     ORDER BY scanned_at DESC, id DESC LIMIT $4",
                    &[&host, &i32::from(port), &ip, &i64::from(limit)],
                )
                .await?;
            rows.reverse();
            Ok(rows)
        })
    }
    fn scans_between(&self, from: i64, to: i64) -> Fut<'_, Vec<ScanRow>> {
        Box::pin(async move {
            self.rows(
                &format!(
                    "SELECT {COLUMNS} FROM scans WHERE scanned_at >= $1 AND scanned_at < $2
                     ORDER BY host, port, ip, scanned_at, id"
                ),
                &[&from, &to],
            )
            .await
        })
    }
    fn alerts_between(&self, from: i64, to: i64) -> Fut<'_, Vec<SentAlert>> {
        Box::pin(self.alerts_between_async(from, to))
    }
    fn upsert_targets<'a>(&'a self, targets: &'a [(String, u16, Vec<String>)]) -> Fut<'a, usize> {
        Box::pin(self.upsert_targets_async(targets))
    }
    fn remove_target<'a>(&'a self, host: &'a str, port: u16) -> Fut<'a, bool> {
        Box::pin(async move {
            let n = self
                .exec(
                    "DELETE FROM targets WHERE host = $1 AND port = $2",
                    &[&host, &i32::from(port)],
                )
                .await?;
            Ok(n > 0)
        })
    }
    fn list_targets(&self) -> Fut<'_, Vec<StoredTarget>> {
        Box::pin(self.list_targets_async())
    }
    fn claim_targets<'a>(
        &'a self,
        worker: &'a str,
        limit: usize,
        lease: Duration,
        interval: Duration,
    ) -> Fut<'a, Vec<(Lease, StoredTarget)>> {
        Box::pin(self.claim_targets_async(worker, limit, lease, interval))
    }
}
