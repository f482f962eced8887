//! The command line as a user meets it: help without arguments, one name per
//! setting (old spellings still work), range errors that say the range,
//! refusals that name the address once, JSON errors with `--json`, and a
//! start banner with the real address.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::Value;

fn relay_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tlslens-relay"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn no_arguments_prints_the_help_with_the_commands() {
    let (code, out, err) = relay(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    for want in ["Usage:", "Commands:", "scan", "serve", "watch", "--help"] {
        assert!(err.contains(want), "{want} missing from\n{err}");
    }
}

#[test]
fn time_limit_errors_say_the_range() {
    for (value, shown) in [("0", "0"), ("-1", "-1"), ("3601", "3601"), ("nan", "NaN")] {
        for flag in ["--timeout", "--scan-timeout"] {
            let (code, out, err) = relay(&["scan", "example.com", flag, value]);
            assert_eq!(code, 2, "{flag} {value}: {err}");
            assert!(out.is_empty());
            assert_eq!(
                err.trim(),
                format!(
                    "tlslens-relay: --scan-timeout {shown}: must be greater than 0 and at most 3600 seconds"
                )
            );
        }
    }
    let (code, _, err) = relay(&["serve", "--scan-timeout", "0"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--scan-timeout/TLSLENS_SCAN_TIMEOUT 0: must be greater than 0 and at most 3600 seconds"),
        "{err}"
    );
}

#[test]
fn old_spellings_of_the_connection_budget_still_work() {
    for args in [
        vec!["scan", "example.com", "--max-connections", "65"],
        vec!["scan", "example.com", "--scan-connections", "65"],
        vec!["serve", "--probe-connections", "65"],
        vec!["serve", "--scan-connections", "65"],
    ] {
        let (code, _, err) = relay(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("--scan-connections"), "{args:?}: {err}");
        assert!(
            err.contains("65: must be between 1 and 64"),
            "{args:?}: {err}"
        );
    }
    // The old variable is read when the new one is unset …
    let (code, _, err) = relay_env(&["serve"], &[("TLSLENS_PROBE_CONNECTIONS", "65")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("must be between 1 and 64"), "{err}");
    // … and the new one wins when both are set (the run stops at the next
    // bad value instead).
    let (code, _, err) = relay_env(
        &["serve", "--max-scans", "0"],
        &[
            ("TLSLENS_PROBE_CONNECTIONS", "65"),
            ("TLSLENS_SCAN_CONNECTIONS", "8"),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--max-scans"), "{err}");
}

#[test]
fn help_names_the_canonical_flags_and_their_aliases() {
    let (_, scan, _) = relay(&["scan", "--help"]);
    assert!(scan.contains("--scan-timeout <SECS>"), "{scan}");
    assert!(scan.contains("[alias: --timeout]"), "{scan}");
    assert!(scan.contains("--scan-connections <N>"), "{scan}");
    assert!(scan.contains("[alias: --max-connections]"), "{scan}");
    let (_, serve, _) = relay(&["serve", "--help"]);
    assert!(serve.contains("[alias: --probe-connections]"), "{serve}");
    assert!(serve.contains("TLSLENS_SCAN_CONNECTIONS"), "{serve}");
    // The budget is per target, shared by all its addresses.
    let para = serve
        .split("--scan-connections")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .to_owned();
    assert!(para.contains("target"), "{para}");
    assert!(!para.contains("per scanned address"), "{para}");
}

#[test]
fn a_refused_address_is_named_once() {
    let (code, _, err) = relay(&["scan", "[::1]"]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(
        err.trim(),
        "tlslens-relay: refused: ::1 is loopback (::1); pass --allow-private to scan it"
    );
    let (code, _, err) = relay(&[
        "scan",
        "intranet.example",
        "--resolve",
        "intranet.example:443:10.1.2.3",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("intranet.example resolves to 10.1.2.3, private (10.0.0.0/8);"),
        "{err}"
    );
}

/// `scan --json` prints a JSON error object on stdout when there is no
/// report, with the HTTP API's codes; stderr and the exit status are as
/// without `--json`.
#[test]
fn json_failures_print_a_json_error() {
    let port = free_port().to_string();
    let unreachable = format!("127.0.0.1:{port}");
    for (args, exit, code) in [
        (vec!["scan", "127.0.0.1", "--json"], 3, "refused"),
        (vec!["scan", "exa mple.com", "--json"], 2, "bad_input"),
        (
            vec!["scan", "example.com", "--json", "--timeout", "0"],
            2,
            "bad_input",
        ),
        (
            vec!["scan", "example.com", "--json", "--bogus"],
            2,
            "bad_input",
        ),
        (
            vec!["scan", "no-such-host.invalid", "--json", "--timeout", "5"],
            4,
            "unresolvable",
        ),
        (
            vec![
                "scan",
                &unreachable,
                "--json",
                "--allow-private",
                "--timeout",
                "5",
            ],
            5,
            "unreachable",
        ),
    ] {
        let (got, out, err) = relay(&args);
        assert_eq!(got, exit, "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["error"]["code"], code, "{args:?}: {out}");
        let message = v["error"]["message"].as_str().unwrap();
        assert_eq!(
            err.trim().strip_prefix("tlslens-relay: ").unwrap(),
            message,
            "{args:?}"
        );
    }
    // Without --json, stdout stays empty.
    let (code, out, _) = relay(&["scan", "127.0.0.1"]);
    assert_eq!((code, out.as_str()), (3, ""));
}

#[test]
fn serve_banner_shows_the_address_it_listens_on() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlslens-relay"))
        .args(["serve", "--listen", &listen])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_listening(SocketAddr::from(([127, 0, 0, 1], port)));
    std::thread::sleep(Duration::from_millis(100));
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains(&format!("listening on http://{listen}/")),
        "{err}"
    );
    assert!(err.contains("set the extension's Relay URL"), "{err}");
    assert!(!err.contains("default address"), "{err}");
}
