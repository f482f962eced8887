//! The command line (DESIGN.md contract 1): `scan` runs one scan and prints
//! the core's report, as JSON (`--json`) or for people (grade, caps and
//! warnings with fixes, protocols and suites with weak ones marked, the chain
//! with days left, per endpoint; colour only on a terminal; progress on stderr
//! when it is a terminal). `serve` runs [`crate::serve`]; `watch` runs
//! [`crate::watch`].
//!
//! Exit status: 0 when a report was produced (whatever the grade); 2 bad input,
//! 3 refused target, 4 unresolvable, 5 nothing reachable, 1 anything else —
//! always with a one-line error on stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde_json::Value;

use crate::probe::{Progress, ScanOptions};
use crate::resolve::{parse_resolve, parse_target};
use crate::Error;

/// TLS Lens relay: scan TLS servers, serve scans over HTTP, watch
/// certificates.
#[derive(Debug, Parser)]
#[command(name = "tlslens-relay", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan one HOST[:PORT] and print the graded report.
    Scan(ScanArgs),
    /// Serve the HTTP API the browser extension calls (see docs/relay.md).
    Serve(ServeArgs),
    /// Monitor targets: rescan every interval, keep history, alert by webhook (see docs/watch.md).
    Watch(WatchArgs),
    /// Count and explain TLS handshake failures in nginx, Apache and HAProxy logs (see docs/logs.md).
    Logs(LogsArgs),
}

/// `scan` arguments.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// HOST[:PORT], [IPv6]:PORT or https://HOST[:PORT]/ (port 443 by default).
    pub target: String,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// HOST:PORT:ADDR[,ADDR...] — use these addresses instead of DNS (as curl).
    #[arg(long, value_name = "HOST:PORT:ADDR[,ADDR...]")]
    pub resolve: Vec<String>,
    /// PEM file of extra trust anchors (added to the Mozilla roots).
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Allow private, loopback, link-local and reserved addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Total time limit in seconds.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 60.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,
    /// Concurrent connections to the target, all its addresses together (lower it for fragile servers).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_connections: usize,
    /// Never use colour.
    #[arg(long)]
    pub no_color: bool,
}

/// `serve` arguments (contract 1). Every flag can also be set with the
/// `TLSLENS_*` environment variable named in its help.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen address, ADDR:PORT (`[::]:8787` for every IPv6 and IPv4
    /// address). Without --token, keep it on loopback or behind a proxy that
    /// authenticates.
    #[arg(
        long,
        env = "TLSLENS_LISTEN",
        value_name = "ADDR:PORT",
        default_value = "127.0.0.1:8787"
    )]
    pub listen: String,
    /// Allow private, loopback, link-local and other special-purpose targets
    /// (self-hosting on an internal network; never on a public relay).
    #[arg(long, env = "TLSLENS_ALLOW_PRIVATE")]
    pub allow_private: bool,
    /// Allow this special-purpose range anyway, e.g. 10.20.0.0/16
    /// (repeatable; comma-separated in the environment variable).
    #[arg(
        long,
        env = "TLSLENS_ALLOW_CIDR",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    pub allow_cidr: Vec<String>,
    /// Bearer token clients must send (`Authorization: Bearer TOKEN`);
    /// without it the API is open. Prefer the environment variable: command
    /// lines are visible to other users.
    #[arg(
        long,
        env = "TLSLENS_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Use these addresses instead of DNS for HOST:PORT, as curl (repeatable;
    /// space-separated in the environment variable).
    #[arg(
        long,
        env = "TLSLENS_RESOLVE",
        value_name = "HOST:PORT:ADDR[,ADDR...]",
        value_delimiter = ' '
    )]
    pub resolve: Vec<String>,
    /// PEM file of extra trust anchors (added to the Mozilla roots).
    #[arg(long, env = "TLSLENS_CA_FILE", value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Also allow this web origin by CORS (browser extensions are always
    /// allowed); repeatable, comma-separated in the environment variable.
    #[arg(
        long,
        env = "TLSLENS_CORS_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub cors_origin: Vec<String>,
    /// Scan only these ports, e.g. 443,8443,9000-9100 (default: any port).
    #[arg(long, env = "TLSLENS_ALLOW_PORTS", value_name = "PORTS")]
    pub allow_ports: Option<String>,
    /// Scans running at the same time.
    #[arg(long, env = "TLSLENS_MAX_SCANS", value_name = "N", default_value_t = 4)]
    pub max_scans: usize,
    /// Scans that may wait for a free slot; beyond, requests get 429.
    #[arg(long, env = "TLSLENS_QUEUE", value_name = "N", default_value_t = 16)]
    pub queue: usize,
    /// Scans per client address (IPv6: per /64) per minute, as a token
    /// bucket; cached answers are free, fresh=1 costs 5. 0 disables it.
    #[arg(
        long,
        env = "TLSLENS_RATE_PER_MINUTE",
        value_name = "N",
        default_value_t = 30
    )]
    pub rate_per_minute: u32,
    /// Seconds a report is served from the cache (0 disables the cache).
    #[arg(
        long,
        env = "TLSLENS_CACHE_TTL",
        value_name = "SECS",
        default_value_t = 300
    )]
    pub cache_ttl: u64,
    /// Reports kept in the cache at most.
    #[arg(
        long,
        env = "TLSLENS_CACHE_ENTRIES",
        value_name = "N",
        default_value_t = 4096
    )]
    pub cache_entries: usize,
    /// Time limit of one scan, in seconds.
    #[arg(
        long,
        env = "TLSLENS_SCAN_TIMEOUT",
        value_name = "SECS",
        default_value_t = 60.0
    )]
    pub scan_timeout: f64,
    /// Concurrent connections per scanned address.
    #[arg(
        long,
        env = "TLSLENS_PROBE_CONNECTIONS",
        value_name = "N",
        default_value_t = 8
    )]
    pub probe_connections: usize,
    /// Open HTTP connections at most; more are closed at once.
    #[arg(
        long,
        env = "TLSLENS_MAX_HTTP_CONNECTIONS",
        value_name = "N",
        default_value_t = 1024
    )]
    pub max_http_connections: usize,
    /// Seconds a client has to send its request headers.
    #[arg(
        long,
        env = "TLSLENS_HEADER_TIMEOUT",
        value_name = "SECS",
        default_value_t = 10
    )]
    pub header_timeout: u64,
    /// Behind a reverse proxy: rate-limit by the address in this header
    /// (e.g. X-Real-IP; the last address of X-Forwarded-For). Only set it
    /// when the proxy overwrites the header.
    #[arg(long, env = "TLSLENS_CLIENT_IP_HEADER", value_name = "HEADER")]
    pub client_ip_header: Option<String>,
}

/// `watch` arguments (contract 1).
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The TOML configuration.
    #[arg(long)]
    pub config: PathBuf,
    /// Run one round and exit.
    #[arg(long)]
    pub once: bool,
    /// Serve /metrics, /healthz, /report and /report.json here (ADDR:PORT).
    #[arg(long)]
    pub listen: Option<String>,
}

/// `logs` arguments (contract 1 and 7).
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Error logs to read: plain or gzip, `-` for standard input; rotated files together.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Only failures at or after TIME: RFC 3339 (2026-11-30T12:00:00Z), a date, or back from now (24h, 7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Zone of log times without an offset: local (default), UTC, an IANA name or +HH:MM.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Client addresses listed per cause.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if !e.use_stderr() {
                let _ = e.print();
                return 0;
            }
            eprintln!("tlslens-relay: {}", one_line(&e.to_string()));
            return 2;
        }
    };
    init_tracing();
    match cli.command {
        Command::Logs(args) => crate::logs::main(&crate::logs::LogsFlags {
            files: args.files,
            json: args.json,
            since: args.since,
            timezone: args.timezone,
            top: args.top,
        }),
        Command::Scan(args) => block_on(run_scan(&args)),
        Command::Serve(args) => block_on(crate::serve::run(&args)),
        Command::Watch(args) => block_on(crate::watch::run(
            &args.config,
            args.once,
            args.listen.as_deref(),
        )),
    }
}

/// Reads extra trust anchors (PEM certificates) from `path`; `what` names the
/// option in the error (`--ca-file`, `ca_file`).
pub fn load_anchors(path: &std::path::Path, what: &str) -> Result<Vec<tlslens_core::Der>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::File {
        path: path.display().to_string(),
        source,
    })?;
    let certs = tlslens_core::der::certificates_from_text(&text);
    if certs.is_empty() {
        return Err(Error::BadInput(format!(
            "{what} {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// Runs a subcommand on a fresh multi-threaded runtime; returns the exit status
/// (printing the one-line error when it fails).
fn block_on(work: impl std::future::Future<Output = Result<(), Error>>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tlslens-relay: cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(work) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tlslens-relay: {e}");
            e.exit_code()
        }
    }
}

/// The first line of a clap error (and the next one when the first ends
/// with a colon), without the `error: ` prefix.
fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match lines.next() {
        Some(next) if first.ends_with(':') => format!("{first} {next}"),
        _ => first.to_owned(),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Builds the scan options from `scan`'s arguments.
pub fn options(args: &ScanArgs) -> Result<ScanOptions, Error> {
    if !args.timeout.is_finite() || args.timeout <= 0.0 || args.timeout > 3600.0 {
        return Err(Error::BadInput(format!(
            "--timeout must be between 0 and 3600 seconds, not {}",
            args.timeout
        )));
    }
    if args.max_connections == 0 || args.max_connections > 64 {
        return Err(Error::BadInput(
            "--max-connections must be between 1 and 64".to_owned(),
        ));
    }
    let resolve = args
        .resolve
        .iter()
        .map(|r| parse_resolve(r))
        .collect::<Result<Vec<_>, _>>()?;
    let extra_anchors = match &args.ca_file {
        None => Vec::new(),
        Some(path) => load_anchors(path, "--ca-file")?,
    };
    Ok(ScanOptions {
        allow_private: args.allow_private,
        allow_cidrs: Vec::new(),
        timeout: Duration::from_secs_f64(args.timeout),
        max_connections: args.max_connections,
        resolve,
        extra_anchors,
    })
}

async fn run_scan(args: &ScanArgs) -> Result<(), Error> {
    let target = parse_target(&args.target)?;
    let opts = options(args)?;
    let progress: Option<crate::probe::ProgressFn> = if std::io::stderr().is_terminal() {
        Some(Arc::new(|p: Progress| {
            eprintln!("[{}/{}] {}", p.done, p.total, p.step);
        }))
    } else {
        None
    };
    let facts = crate::probe::scan(&target, &opts, progress).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let report = tlslens_core::grade(&facts, now);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let value = serde_json::to_value(&report)?;
        let color = !args.no_color && std::io::stdout().is_terminal();
        out.write_all(render(&value, color).as_bytes())?;
    }
    Ok(())
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn grade(&self, g: &str) -> String {
        match g {
            "A+" | "A" | "A-" => self.paint("1;32", g),
            "B" | "C" => self.paint("1;33", g),
            _ => self.paint("1;31", g),
        }
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The vulnerability probes that ran (the others are left out): `Heartbleed
/// not vulnerable, CCS injection VULNERABLE`.
fn render_vulnerabilities(o: &mut String, ep: &Value, st: &Style) {
    const NAMES: [(&str, &str); 6] = [
        ("heartbleed", "Heartbleed"),
        ("ccs_injection", "CCS injection"),
        ("ticketbleed", "Ticketbleed"),
        ("robot", "ROBOT"),
        ("drown", "DROWN"),
        ("poodle_tls", "POODLE (TLS)"),
    ];
    let Some(v) = ep.get("vulnerabilities") else {
        return;
    };
    let parts: Vec<String> = NAMES
        .iter()
        .filter_map(|(key, name)| match v.get(*key).and_then(Value::as_bool) {
            Some(true) => Some(format!("{name} {}", st.red("VULNERABLE"))),
            Some(false) => Some(format!("{name} not vulnerable")),
            None => None,
        })
        .collect();
    if !parts.is_empty() {
        o.push_str(&format!(
            "  {} {}\n",
            st.bold("Vulnerabilities:"),
            parts.join(", ")
        ));
    }
}

fn yes_no(v: Option<&Value>) -> &'static str {
    match v.and_then(Value::as_bool) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not tested",
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

/// Renders a report (as JSON value) for people.
pub fn render(report: &Value, color: bool) -> String {
    let st = Style { on: color };
    let mut o = String::new();
    let target = report.get("target").cloned().unwrap_or(Value::Null);
    let host = s(&target, "host");
    let port = target.get("port").map(text).unwrap_or_default();
    let grade = report.get("grade").map(text).unwrap_or_else(|| "-".into());
    o.push_str(&format!(
        "{} {}:{}  grade {}   {}\n",
        st.bold("TLS Lens"),
        host,
        port,
        st.grade(&grade),
        st.dim(&format!("(policy {})", s(report, "policy")))
    ));
    if report.get("endpoints_agree") == Some(&Value::Bool(false)) {
        let diffs: Vec<String> = arr(report, "differences").iter().map(text).collect();
        o.push_str(&format!(
            "{} endpoints differ: {}\n",
            st.yellow("!"),
            diffs.join(", ")
        ));
    }
    for ep in arr(report, "endpoints") {
        render_endpoint(&mut o, ep, &st);
    }
    o
}

fn render_endpoint(o: &mut String, ep: &Value, st: &Style) {
    let grade = ep.get("grade").map(text).unwrap_or_else(|| "-".into());
    o.push_str(&format!(
        "\n{} {}  grade {}",
        st.bold("Endpoint"),
        s(ep, "ip"),
        st.grade(&grade)
    ));
    if let Some(g) = ep.get("grade_trust_ignored").filter(|g| !g.is_null()) {
        o.push_str(&format!("  (if trusted: {})", text(g)));
    }
    if let Some(score) = ep.get("score").filter(|v| !v.is_null()) {
        o.push_str(&format!(
            "  score {} (protocol {}, key exchange {}, cipher {})",
            text(&score["total"]),
            text(&score["protocol"]),
            text(&score["key_exchange"]),
            text(&score["cipher"])
        ));
    }
    o.push('\n');
    if let Some(err) = ep.get("error").filter(|v| !v.is_null()) {
        o.push_str(&format!(
            "  {} {} ({})\n",
            st.red("error:"),
            s(err, "message"),
            s(err, "code")
        ));
    }
    let caps = arr(ep, "caps");
    if !caps.is_empty() {
        o.push_str(&format!("  {}\n", st.bold("Caps")));
        for c in caps {
            o.push_str(&format!(
                "    {} {}  {}\n",
                st.grade(s(c, "grade")),
                st.red(s(c, "code")),
                s(c, "reason")
            ));
            if !s(c, "fix").is_empty() {
                o.push_str(&format!("       {} {}\n", st.dim("fix:"), s(c, "fix")));
            }
        }
    }
    let warnings = arr(ep, "warnings");
    if !warnings.is_empty() {
        o.push_str(&format!("  {}\n", st.bold("Warnings")));
        for w in warnings {
            o.push_str(&format!(
                "    {}  {}\n",
                st.yellow(s(w, "code")),
                s(w, "reason")
            ));
            if !s(w, "fix").is_empty() {
                o.push_str(&format!("       {} {}\n", st.dim("fix:"), s(w, "fix")));
            }
        }
    }
    let protocols: Vec<String> = arr(ep, "protocols").iter().map(text).collect();
    if !protocols.is_empty() {
        let marked: Vec<String> = protocols
            .iter()
            .map(|p| match p.as_str() {
                "SSLv2" | "SSLv3" => st.red(p),
                "TLSv1.0" | "TLSv1.1" => st.yellow(p),
                _ => st.green(p),
            })
            .collect();
        o.push_str(&format!(
            "  {} {}\n",
            st.bold("Protocols:"),
            marked.join(" ")
        ));
    }
    let weak = arr(ep, "weak_cipher_suites");
    if let Some(map) = ep.get("cipher_suites").and_then(Value::as_object) {
        if !map.is_empty() {
            o.push_str(&format!("  {}\n", st.bold("Cipher suites")));
        }
        // Newest protocol first.
        let mut protos: Vec<&String> = map.keys().collect();
        protos.sort();
        protos.reverse();
        for proto in protos {
            let order = ep
                .get("server_cipher_order")
                .and_then(|m| m.get(proto.as_str()))
                .and_then(Value::as_bool);
            let order_text = match order {
                Some(true) => " (server order)",
                Some(false) => " (client order)",
                None => "",
            };
            o.push_str(&format!("    {proto}{order_text}\n"));
            for suite in map
                .get(proto.as_str())
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = text(suite);
                let reasons: Vec<&str> = weak
                    .iter()
                    .filter(|w| s(w, "protocol") == proto && text(&w["suite"]) == name)
                    .map(|w| s(w, "reason"))
                    .collect();
                if reasons.is_empty() {
                    o.push_str(&format!("      {name}\n"));
                } else {
                    o.push_str(&format!(
                        "      {}  {}\n",
                        st.yellow(&name),
                        st.yellow(&format!("weak: {}", reasons.join(", ")))
                    ));
                }
            }
        }
    }
    let groups: Vec<String> = arr(ep, "groups").iter().map(text).collect();
    if !groups.is_empty() {
        o.push_str(&format!("  {} {}\n", st.bold("Groups:"), groups.join(" ")));
    }
    if let Some(kx) = ep.get("key_exchange") {
        let mut parts = Vec::new();
        if let Some(b) = kx.get("dh_bits").filter(|v| !v.is_null()) {
            parts.push(format!("DH {} bits", text(b)));
        }
        if let Some(g) = kx.get("ecdh_group").filter(|v| !v.is_null()) {
            parts.push(format!("ECDH {}", text(g)));
        }
        if !parts.is_empty() {
            o.push_str(&format!(
                "  {} {}\n",
                st.bold("Key exchange:"),
                parts.join(", ")
            ));
        }
    }
    if let Some(chain) = ep.get("chain").filter(|v| !v.is_null()) {
        render_chain(o, "Chain", chain, st);
    }
    if ep.get("no_sni_chain_differs") == Some(&Value::Bool(true)) {
        o.push_str(&format!(
            "  {} the chain served without SNI differs\n",
            st.yellow("!")
        ));
    }
    if ep.get("sni_required") == Some(&Value::Bool(true)) {
        o.push_str(&format!(
            "  {} the server refuses handshakes without SNI: clients that send none (old libraries, some monitors) fail\n",
            st.yellow("!")
        ));
    }
    for (i, c) in arr(ep, "other_chains").iter().enumerate() {
        render_chain(o, &format!("Other chain #{}", i + 1), c, st);
    }
    let hsts = match ep.get("hsts").filter(|v| !v.is_null()) {
        None => "absent".to_owned(),
        Some(h) => s(h, "raw").to_owned(),
    };
    o.push_str(&format!("  {} {hsts}\n", st.bold("HSTS:")));
    let alpn: Vec<String> = arr(ep, "alpn").iter().map(text).collect();
    o.push_str(&format!(
        "  {} OCSP stapling {}, ALPN {}, secure renegotiation {}, fallback SCSV {}, compression {}\n",
        st.bold("Features:"),
        yes_no(ep.get("ocsp_stapling")),
        if alpn.is_empty() { "none".to_owned() } else { alpn.join(" ") },
        yes_no(ep.get("secure_renegotiation")),
        yes_no(ep.get("fallback_scsv")),
        yes_no(ep.get("compression")),
    ));
    render_vulnerabilities(o, ep, st);
    if let Some(b) = ep.get("browser").filter(|v| !v.is_null()) {
        match b.get("error").filter(|v| !v.is_null()) {
            Some(e) => o.push_str(&format!(
                "  {} {} fails: {}\n",
                st.bold("Browser:"),
                s(b, "client"),
                text(e)
            )),
            None => o.push_str(&format!(
                "  {} {} gets {} {} {}\n",
                st.bold("Browser:"),
                s(b, "client"),
                text(&b["protocol"]),
                text(&b["cipher_suite"]),
                text(&b["group"])
            )),
        }
    }
    let errors = arr(ep, "probe_errors");
    if !errors.is_empty() {
        o.push_str(&format!("  {}\n", st.bold("Probe errors")));
        for e in errors {
            o.push_str(&format!(
                "    {} {}: {}\n",
                s(e, "probe"),
                st.red(s(e, "code")),
                s(e, "message")
            ));
        }
    }
}

fn render_chain(o: &mut String, title: &str, chain: &Value, st: &Style) {
    let trusted = chain
        .get("trusted")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let issues: Vec<String> = arr(chain, "issues").iter().map(text).collect();
    o.push_str(&format!(
        "  {} {}  verify {} ({})",
        st.bold(&format!("{title}:")),
        if trusted {
            st.green("trusted")
        } else {
            st.red("not trusted")
        },
        text(&chain["verify_code"]),
        s(chain, "verify_message")
    ));
    if !issues.is_empty() {
        o.push_str(&format!("  issues: {}", st.yellow(&issues.join(", "))));
    }
    o.push('\n');
    for (i, c) in arr(chain, "certificates").iter().enumerate() {
        let days = c.get("days_left").and_then(Value::as_i64);
        let days_text = match days {
            Some(d) if d < 0 => st.red(&format!("expired {} days ago", -d)),
            Some(d) if d <= 30 => st.yellow(&format!("{d} days left")),
            Some(d) => format!("{d} days left"),
            None => String::new(),
        };
        let key = c.get("key").map_or(String::new(), |k| {
            format!(
                "{} {}",
                s(k, "type"),
                text(k.get("bits").unwrap_or(&Value::Null))
            )
        });
        o.push_str(&format!(
            "    #{i} {}  {}\n       issuer {}  {}  {}  not after {}  {}\n",
            s(c, "subject"),
            st.dim(&format!("[{}]", s(c, "source"))),
            s(c, "issuer"),
            key,
            s(c, "signature_algorithm"),
            s(c, "not_after"),
            days_text
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_minimal() {
        let v = serde_json::json!({
            "target": {"host": "x.test", "port": 443},
            "grade": "B", "policy": "p", "endpoints_agree": true,
            "endpoints": [{"ip": "192.0.2.1", "grade": "B",
                "caps": [{"grade": "B", "code": "tls10_offered", "reason": "TLS 1.0 is offered", "fix": "disable it"}],
                "warnings": [], "protocols": ["TLSv1.0", "TLSv1.2"],
                "cipher_suites": {"TLSv1.2": ["TLS_RSA_WITH_RC4_128_SHA"]},
                "weak_cipher_suites": [{"protocol": "TLSv1.2", "suite": "TLS_RSA_WITH_RC4_128_SHA", "reason": "RC4"}],
                "hsts": null}]
        });
        let out = render(&v, false);
        assert!(out.contains("grade B"));
        assert!(out.contains("fix: disable it"));
        assert!(out.contains("weak: RC4"));
        assert!(out.contains("HSTS: absent"));
        assert!(!out.contains('\x1b'));
        assert!(render(&v, true).contains('\x1b'));
    }
}
