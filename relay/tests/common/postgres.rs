//! A real PostgreSQL for the tests: `initdb` and `postgres` in a temporary
//! directory, as an unprivileged user (`nobody` through `setpriv` when the
//! tests run as root), listening on 127.0.0.1 only, trust authentication.
//!
//! One server per test binary, started on first use; each test makes its own
//! database. The server lives as long as the test binary: it runs under a
//! small shell that stops it and removes its directory when the binary's end
//! of a pipe closes (however the binary ends).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{free_port, wait_listening, which};

/// The running server.
pub struct Postgres {
    pub port: u16,
    /// Kept open: closing it stops the server.
    _lifeline: Mutex<ChildStdin>,
    /// The shell that runs the server (it outlives the tests by a moment).
    _shell: Mutex<Child>,
}

static SERVER: OnceLock<Option<Postgres>> = OnceLock::new();

/// A PostgreSQL program: on the PATH, else in Debian's versioned directory.
pub fn pg_bin(name: &str) -> Option<PathBuf> {
    which(name).or_else(|| {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin").join(name))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        found.pop()
    })
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|u| u.split_whitespace().next() == Some("0"))
        })
        .unwrap_or(false)
}

/// `program args…`, as `nobody` when we are root.
fn unprivileged(program: &Path) -> Command {
    if running_as_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--reset-env",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// The shared server, or `None` (with a message) when PostgreSQL is not
/// installed.
pub fn server() -> Option<&'static Postgres> {
    SERVER.get_or_init(start).as_ref()
}

fn start() -> Option<Postgres> {
    let (Some(initdb), Some(postgres)) = (pg_bin("initdb"), pg_bin("postgres")) else {
        eprintln!("SKIPPED: PostgreSQL is not installed (apt-get install -y postgresql; scripts/ensure-tools.sh zoo installs it)");
        return None;
    };
    let dir =
        std::env::temp_dir().join(format!("tlslens-pg-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    if running_as_root() {
        let ok = Command::new("chown")
            .args(["65534:65534", dir.to_str().unwrap()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "chown of the PostgreSQL directory failed");
    }
    let data = dir.join("data");
    let out = unprivileged(&initdb)
        .args(["-D", data.to_str().unwrap()])
        .args([
            "-U",
            "tlslens",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = free_port();
    // The shell stops PostgreSQL and removes its directory once its stdin
    // (our pipe) closes.
    let script = r#"data="$1"; port="$2"; dir="$3"; pg="$4"
"$pg" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir" \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
  >"$dir/log" 2>&1 &
pid=$!
while read -r _; do :; done
kill -INT "$pid"; wait "$pid"; rm -rf "$dir""#;
    let mut child = unprivileged(Path::new("/bin/sh"))
        .args(["-c", script, "sh"])
        .args([
            data.to_str().unwrap(),
            &port.to_string(),
            dir.to_str().unwrap(),
            postgres.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    wait_listening(SocketAddr::from(([127, 0, 0, 1], port)));
    let pg = Postgres {
        port,
        _lifeline: Mutex::new(stdin),
        _shell: Mutex::new(child),
    };
    let start = Instant::now();
    while pg.try_psql("postgres", "SELECT 1").is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "PostgreSQL did not come up: {}",
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(pg)
}

impl Postgres {
    /// A new, empty database; its URL.
    pub fn database(&self, name: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(name)
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://tlslens@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs SQL in database `db`: its output, or psql's error text.
    pub fn try_psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let psql = pg_bin("psql").expect("psql is installed with PostgreSQL");
        let out = Command::new(psql)
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "tlslens",
                "-d",
                db,
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Runs SQL in database `db`; its output, unaligned, one row a line.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        self.try_psql(db, sql)
            .unwrap_or_else(|e| panic!("psql {sql:?} failed: {e}"))
    }
}
