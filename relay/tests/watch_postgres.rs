//! `tlslens-relay watch` on a real PostgreSQL (started by the tests, see
//! `common::postgres`): several watchers share one target list, each target
//! is scanned by one watcher per interval, a watcher killed with SIGKILL
//! mid-round loses no alert and doubles none; the target list is edited at
//! run time with `watch targets add|remove|list`, which SQLite refuses; a
//! listed client that stops connecting alerts once, as on SQLite.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::hook::Hook;
use common::postgres::{server, Postgres};
use common::*;

/// Ten-second rounds (the shortest `interval`).
const INTERVAL: i64 = 10;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("t{i}.watch.test")).collect()
}

/// An HTTPS server on 127.0.0.1 whose leaf (valid for every name) expires
/// in 10 days.
fn expiring_server(dir: &Path, names: &[String]) -> u16 {
    let pki = Pki::new("Fleet");
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let leaf = pki.leaf_days(&refs, -30, 10);
    pki.write_root(dir);
    let port = free_port();
    rustls_server(
        SocketAddr::from(([127, 0, 0, 1], port)),
        rustls_config(
            &[leaf.der.clone(), pki.inter.der.clone()],
            &leaf.key_pem,
            &[&rustls::version::TLS13, &rustls::version::TLS12],
        ),
        "Strict-Transport-Security: max-age=31536000\r\n",
    );
    port
}

fn write_config(dir: &Path, url: &str, hook: u16, targets: &[String], port: u16) -> PathBuf {
    let mut toml = format!(
        "interval = \"{INTERVAL}s\"\nwebhook = \"http://127.0.0.1:{hook}/hook\"\ndatabase = \"{url}\"\nca_file = \"root.pem\"\nallow_private = true\nscan_timeout = \"8s\"\nconcurrency = 2\n"
    );
    for host in targets {
        toml.push_str(&format!(
            "\n[[target]]\nhost = \"{host}\"\nport = {port}\nresolve = [\"127.0.0.1\"]\n"
        ));
    }
    let path = dir.join("watch.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn spawn_watch(config: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args(["watch", "--config", config.to_str().unwrap()])
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Every recorded scan: host → (scanned_at, watcher), oldest first.
fn scans(pg: &Postgres, db: &str) -> BTreeMap<String, Vec<(i64, String)>> {
    let mut out: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for line in pg
        .psql(
            db,
            "SELECT host, scanned_at, watcher FROM scans ORDER BY host, scanned_at, id",
        )
        .lines()
    {
        let mut f = line.split('|');
        let (host, at, watcher) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        out.entry(host.to_owned())
            .or_default()
            .push((at.parse().unwrap(), watcher.to_owned()));
    }
    out
}

/// The targets leased right now by the watcher with process id `pid`; none
/// while the first watcher has not yet created the tables (the migrations run
/// when a watcher starts, the test polls from the start).
fn leased_by(pg: &Postgres, db: &str, pid: u32) -> Vec<String> {
    let sql = format!(
        "SELECT host FROM targets WHERE claimed_by LIKE '%/{pid}/%' AND lease_until > now() ORDER BY host"
    );
    match pg.try_psql(db, &sql) {
        Ok(rows) => rows.lines().map(str::to_owned).collect(),
        Err(e) if e.contains("does not exist") => Vec::new(),
        Err(e) => panic!("psql {sql:?} failed: {e}"),
    }
}

#[test]
fn three_watchers_share_targets_and_survive_a_sigkill() {
    let Some(pg) = server() else { return };
    let db = "fleet";
    let url = pg.database(db);
    let dir = tempfile::tempdir().unwrap();
    let hosts = names(12);
    let port = expiring_server(dir.path(), &hosts);
    let hook = Hook::start_on(0);
    let config = write_config(dir.path(), &url, hook.port, &hosts, port);

    let mut watchers: Vec<Child> = (0..3).map(|_| spawn_watch(&config)).collect();
    // Kill the first watcher with SIGKILL while it holds leases (mid-round).
    let victim = watchers[0].id();
    let start = Instant::now();
    let orphaned = loop {
        let leased = leased_by(pg, db, victim);
        if !leased.is_empty() {
            watchers[0].kill().unwrap();
            let _ = watchers[0].wait();
            break leased;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first watcher never took a target"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let killed_at = Instant::now();
    // Two more intervals, plus the lease the victim held.
    std::thread::sleep(Duration::from_secs(3 * INTERVAL as u64 + 5));
    for w in &mut watchers[1..] {
        terminate(w);
    }
    let _ = killed_at;

    // Every target alerted exactly once (the leaf crosses 14 days): the
    // victim's targets were taken over, and nothing was sent twice.
    let alerts = hook.alerts();
    let mut per_host: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for a in &alerts {
        assert_eq!(a["kind"], "expiry", "{a}");
        *per_host
            .entry(a["host"].as_str().unwrap().to_owned())
            .or_default() += 1;
        ids.insert(a["id"].as_str().unwrap().to_owned());
    }
    let expected: BTreeMap<String, usize> = hosts.iter().map(|h| (h.clone(), 1)).collect();
    assert_eq!(per_host, expected, "alerts per target: {alerts:?}");
    assert_eq!(ids.len(), alerts.len(), "an alert id was delivered twice");
    assert_eq!(
        pg.psql(db, "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"),
        "0"
    );

    // Every target scanned once per interval: never twice within one, and
    // again within an interval (or, for the victim's, once its lease ran
    // out) of the last scan.
    let scans = scans(pg, db);
    let mut watchers_seen = BTreeSet::new();
    for host in &hosts {
        let times = &scans[host];
        assert!(
            times.len() >= 3,
            "{host} scanned only {} times: {scans:?}, victim {victim} held {orphaned:?}",
            times.len()
        );
        for pair in times.windows(2) {
            let gap = pair[1].0 - pair[0].0;
            assert!(
                gap >= INTERVAL - 1,
                "{host} scanned twice within {gap} s: {times:?}"
            );
            let limit = if orphaned.contains(host) {
                2 * INTERVAL + 6
            } else {
                INTERVAL + 6
            };
            assert!(
                gap <= limit,
                "{host} waited {gap} s between scans: {times:?}"
            );
        }
        watchers_seen.extend(times.iter().map(|(_, w)| w.clone()));
    }
    assert!(
        watchers_seen.len() >= 2,
        "the scans were not shared: {watchers_seen:?}"
    );
    // The victim recorded nothing for the targets it held when killed.
    let victim_tag = format!("/{victim}/");
    for host in &orphaned {
        let last_by_victim = scans[host]
            .iter()
            .rposition(|(_, w)| w.contains(&victim_tag));
        assert!(
            last_by_victim.is_none_or(|i| i + 1 < scans[host].len()),
            "{host}: nobody scanned it after the victim died"
        );
    }
}

#[test]
fn targets_are_added_listed_and_removed_at_run_time() {
    let Some(pg) = server() else { return };
    let url = pg.database("cli");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("root.pem"), "").unwrap();
    let config = dir.path().join("watch.toml");
    std::fs::write(
        &config,
        format!("interval = \"1h\"\ndatabase = \"{url}\"\nallow_private = true\n"),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let (code, out, err) = relay(&[
        "watch",
        "targets",
        "add",
        "a.fleet.test",
        "--port",
        "8443",
        "--resolve",
        "127.0.0.1",
        "--config",
        cfg,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("added a.fleet.test:8443"), "{out}");
    let (code, _, err) = relay(&["watch", "targets", "add", "b.fleet.test", "--config", cfg]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = relay(&["watch", "targets", "list", "--config", cfg]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("a.fleet.test:8443\tresolve=127.0.0.1"),
        "{out}"
    );
    assert!(lines[1].starts_with("b.fleet.test:443\tresolve=-"), "{out}");
    assert_eq!(
        pg.psql("cli", "SELECT host, port FROM targets ORDER BY host"),
        "a.fleet.test|8443\nb.fleet.test|443"
    );
    let (code, out, _) = relay(&[
        "watch",
        "targets",
        "remove",
        "a.fleet.test",
        "--port",
        "8443",
        "--config",
        cfg,
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("removed a.fleet.test:8443"), "{out}");
    let (code, _, err) = relay(&[
        "watch",
        "targets",
        "remove",
        "a.fleet.test",
        "--port",
        "8443",
        "--config",
        cfg,
    ]);
    assert_eq!(code, 2, "removing a missing target is an error");
    assert!(
        err.contains("a.fleet.test:8443 is not in the target list"),
        "{err}"
    );
    let (code, _, err) = relay(&["watch", "targets", "add", "bad host", "--config", cfg]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid host name"), "{err}");
    assert_eq!(pg.psql("cli", "SELECT count(*) FROM targets"), "1");
}

#[test]
fn target_commands_need_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("watch.toml");
    std::fs::write(
        &config,
        "database = \"w.sqlite\"\n[[target]]\nhost = \"a.test\"\n",
    )
    .unwrap();
    let (code, _, err) = relay(&[
        "watch",
        "targets",
        "list",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("edits the target list of a PostgreSQL database"),
        "{err}"
    );
    assert!(!dir.path().join("w.sqlite").exists(), "nothing is written");
}

#[test]
fn a_listed_client_that_starts_failing_alerts_once_on_postgres() {
    let Some(pg) = server() else { return };
    let url = pg.database("clients");
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("Hardened");
    pki.write_root(dir.path());
    let leaf = pki.leaf_days(&["hardened.test"], -30, 400);
    let chain = [leaf.der.clone(), pki.inter.der.clone()];
    let port = free_port();
    let current = std::sync::Arc::new(std::sync::Mutex::new(rustls_config(
        &chain,
        &leaf.key_pem,
        &[&rustls::version::TLS13, &rustls::version::TLS12],
    )));
    rustls_server_swappable(
        SocketAddr::from(([127, 0, 0, 1], port)),
        current.clone(),
        "",
    );
    let hook = Hook::start_on(0);
    let config = write_config(
        dir.path(),
        &url,
        hook.port,
        &["hardened.test".to_owned()],
        port,
    );
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("clients = [\"java-8u161\"]\n{text}")).unwrap();
    let once = |first: bool| {
        if !first {
            // Due now, not one interval after the last run.
            pg.psql("clients", "UPDATE targets SET next_due = now()");
        }
        let (code, _, err) = relay(&["watch", "--config", config.to_str().unwrap(), "--once"]);
        assert_eq!(code, 0, "{err}");
    };

    once(true);
    assert!(hook.alerts().is_empty(), "{:#?}", hook.alerts());
    *current.lock().unwrap() = rustls_config(&chain, &leaf.key_pem, &[&rustls::version::TLS13]);
    once(false);
    let alerts = hook.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0]["kind"], "client_failure");
    assert_eq!(alerts[0]["client"], "java-8u161");
    assert_eq!(alerts[0]["code"], "protocol_mismatch");
    assert_eq!(alerts[0]["id"].as_str().unwrap().len(), 32);
    once(false);
    assert_eq!(hook.alerts().len(), 1, "{:#?}", hook.alerts());
}
