//! Build script: puts the client table (`data/clients.json`) into `OUT_DIR`
//! for `clients::table` to include. For wasm32 the recorded ClientHello bytes
//! (`hello`) are left out: only the relay (native) sends hellos, the extension
//! never does, and they are nearly two thirds of the table's compressed size.
//! Nothing the core reports depends on them, so reports stay byte-identical.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=data/clients.json");
    let source = std::fs::read_to_string("data/clients.json").expect("read data/clients.json");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let table = if wasm {
        without_hellos(&source)
    } else {
        source
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("clients.json");
    std::fs::write(out, table).expect("write OUT_DIR/clients.json");
}

fn without_hellos(source: &str) -> String {
    let mut doc: serde_json::Value =
        serde_json::from_str(source).expect("data/clients.json is not valid JSON");
    if let Some(clients) = doc.get_mut("clients").and_then(|c| c.as_array_mut()) {
        for client in clients {
            if let Some(fields) = client.as_object_mut() {
                fields.remove("hello");
            }
        }
    }
    doc.to_string()
}
