//! The `scan` command line — exit codes and one-line errors.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["scan", "exa mple.com"],
        vec!["scan", "example.com:99999"],
        vec!["scan", "1.2.3.4.5"],
        vec!["scan", "example.com", "--resolve", "nonsense"],
        vec!["scan", "example.com", "--timeout", "-1"],
        vec!["scan", "example.com", "--max-connections", "0"],
        vec!["scan"],
    ] {
        let (code, out, err) = relay(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        if args.len() > 1 {
            assert!(err.trim().lines().count() == 1, "{args:?}: {err}");
        }
    }
}

#[test]
fn refused_targets_exit_3() {
    for target in [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "[::1]:443",
        "[::ffff:10.0.0.1]",
        "10.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
    ] {
        let (code, _, err) = relay(&["scan", target]);
        assert_eq!(code, 3, "{target}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("refused"), "{err}");
    }
    // A name resolved (by --resolve) to a private address is refused too.
    let (code, _, err) = relay(&[
        "scan",
        "example.com:443",
        "--resolve",
        "example.com:443:192.168.1.1",
    ]);
    assert_eq!(code, 3, "{err}");
}

#[test]
fn unresolvable_exits_4() {
    let (code, _, err) = relay(&["scan", "no-such-host.invalid", "--timeout", "5"]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn nothing_reachable_exits_5() {
    let port = free_port();
    let target = format!("127.0.0.1:{port}");
    let (code, out, err) = relay(&["scan", &target, "--allow-private", "--timeout", "5"]);
    assert_eq!(code, 5, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn serve_and_watch_are_declared() {
    let (code, _, err) = relay(&["serve", "--help"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = relay(&["watch", "--help"]);
    assert_eq!(code, 0, "{err}");
}
