//! Writes the fuzz seed corpus from freshly generated certificates. Run by hand
//! when the corpus needs refreshing: `cargo test -p tlslens-core --test seeds -- --ignored`.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
#[ignore = "writes files; run by hand to refresh fuzz seeds"]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/chain_and_grade");
    std::fs::create_dir_all(&dir).unwrap();
    let pki = shared_pki();
    let (root, inter, leaf) = (
        pki.root.der.clone(),
        pki.inter.der.clone(),
        pki.leaf.der.clone(),
    );
    let rsa = Pki::new(Spec::leaf(&["127.0.0.1"]), KeyKind::Rsa(1024, Hash::Sha1));
    let ed = Pki::new(Spec::leaf(&["*.example.test"]), KeyKind::Ed25519);
    let facts = serde_json::to_vec(&good_facts(pki)).unwrap();
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("leaf", leaf.clone()),
        ("chain", [leaf.clone(), inter.clone()].concat()),
        (
            "chain_root",
            [leaf.clone(), inter.clone(), root.clone()].concat(),
        ),
        (
            "wrong_order",
            [leaf.clone(), root.clone(), inter.clone()].concat(),
        ),
        (
            "rsa1024_sha1",
            [
                rsa.leaf.der.clone(),
                rsa.inter.der.clone(),
                rsa.root.der.clone(),
            ]
            .concat(),
        ),
        (
            "ed25519",
            [ed.leaf.der.clone(), ed.inter.der.clone()].concat(),
        ),
        ("truncated", leaf[..leaf.len() / 2].to_vec()),
        ("facts_json", facts),
        ("pem", tlslens_core::der::to_pem(&leaf).into_bytes()),
        (
            "hsts",
            b"max-age=31536000; includeSubDomains; preload".to_vec(),
        ),
        ("empty", Vec::new()),
        ("long_length", vec![0x30, 0x83, 0xff, 0xff, 0xff, 0x00]),
    ];
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
