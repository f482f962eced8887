//! The docs say what the code does: every `serve` flag and variable is in
//! docs/relay.md's table, every `watch` key in docs/watch.md, and
//! docs/DEVELOPING.md lists the steps of `scripts/test.sh` as they are.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use tlslens_relay::settings::Setting;

fn repo_file(rel: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// `--flag` and `TLSLENS_*` names in `text`.
fn names(text: &str, start: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| w.starts_with(start) && w.len() > start.len())
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn relay_doc_has_every_serve_flag_and_variable() {
    let (_, help, _) = common::relay(&["serve", "--help"]);
    let doc = repo_file("docs/relay.md");
    let flags = names(&help, "--");
    assert!(flags.len() > 15, "{flags:?}");
    for flag in flags.iter().filter(|f| *f != "--help") {
        let old = Setting::ALL
            .iter()
            .any(|s| s.aliases().flags.contains(&flag.as_str()));
        let row = format!("| `{flag}");
        assert!(
            doc.contains(&row) || (old && doc.contains(&format!("`{flag}`"))),
            "docs/relay.md has no row for {flag}"
        );
    }
    for var in names(&help, "TLSLENS_") {
        assert!(
            doc.contains(&format!("`{var}`")),
            "docs/relay.md lacks {var}"
        );
    }
}

#[test]
fn watch_doc_has_every_key_with_its_range() {
    let doc = repo_file("docs/watch.md");
    for setting in Setting::ALL {
        let Some(key) = setting.key() else { continue };
        assert!(
            doc.contains(&format!("\n{key} = ")),
            "docs/watch.md lacks {key}"
        );
        if let Some(range) = setting.range() {
            // The key's line and its continuation say the range as errors do.
            let text = doc
                .lines()
                .skip_while(|l| !l.starts_with(&format!("{key} = ")))
                .take(2)
                .collect::<String>();
            let want = range.describe(true).to_string();
            assert!(
                text.contains(&want),
                "docs/watch.md: {key} lacks {want:?}: {text}"
            );
        }
    }
    for old in Setting::ALL.iter().flat_map(|s| s.aliases().keys) {
        assert!(doc.contains(old), "docs/watch.md does not mention {old}");
    }
}

#[test]
fn developing_lists_the_test_steps_of_test_sh() {
    let script = repo_file("scripts/test.sh");
    let steps: Vec<&str> = script
        .lines()
        .find_map(|l| l.strip_prefix("STEPS=("))
        .unwrap()
        .trim_end_matches(')')
        .split_whitespace()
        .collect();
    assert!(steps.len() >= 10, "{steps:?}");
    let doc = repo_file("docs/DEVELOPING.md");
    let section = doc
        .split("### `npm test` (`scripts/test.sh`)")
        .nth(1)
        .unwrap()
        .split("\n### ")
        .next()
        .unwrap();
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.split_once(". `")?;
            n.parse::<usize>().ok()?;
            rest.split('`').next()
        })
        .collect();
    assert_eq!(listed, steps, "docs/DEVELOPING.md");
    let n = steps.len();
    assert!(section.contains(&format!("N/{n}")), "{section}");
    assert!(section.contains(&format!("all {n} steps")), "{section}");
}
