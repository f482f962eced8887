//! Replays the fuzz corpus (`fuzz/corpus/*/`) through the fuzz target's body, so
//! every input the fuzzer ever kept — including past crashes — runs in `cargo test`.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

#[test]
fn replay_fuzz_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/chain_and_grade");
    let mut n = 0;
    for entry in fs::read_dir(&root).expect("corpus directory") {
        let path = entry.expect("entry").path();
        let data = fs::read(&path).expect("read seed");
        tlslens_core::fuzz_support::chain_and_grade(&data);
        n += 1;
    }
    assert!(n >= 10, "corpus at {} has only {n} inputs", root.display());
    println!("replayed {n} corpus inputs");
}
