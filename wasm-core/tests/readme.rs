//! The README's policy table is generated from `policy::RULES`; this test fails
//! when they drift. `UPDATE_README=1 cargo test -p tlslens-core --test readme`
//! rewrites the table.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

const START: &str = "<!-- policy-table:start -->\n";
const END: &str = "<!-- policy-table:end -->";

#[test]
fn readme_policy_table_matches_the_rules() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("policy-table:start marker") + START.len();
    let end = readme.find(END).expect("policy-table:end marker");
    let table = tlslens_core::policy::markdown_table();
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        table,
        "README policy table is stale: run UPDATE_README=1 cargo test -p tlslens-core --test readme"
    );
}
