//! The shape rules of the crates' sources that a reader relies on: no
//! function in `relay/src` or `wasm-core/src` is longer than 120 lines
//! (`scripts/long-functions.py`, the rule of docs/DEVELOPING.md).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

#[test]
fn no_function_is_longer_than_120_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("python3")
        .arg(root.join("scripts/long-functions.py"))
        .arg(root.join("relay/src"))
        .arg(root.join("wasm-core/src"))
        .output()
        .expect("python3 runs scripts/long-functions.py");
    assert!(
        out.status.success(),
        "functions over 120 lines:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
