//! The relay's modules import one another in one direction: no circle
//! between top-level modules (`cli` → `settings` → `serve` → `probe` …), and
//! none between sibling files of one module (`serve::app` → `serve::routes`
//! → `serve::state`). A parent module and its own files may refer to each
//! other (a `mod.rs` re-exporting its files, which use its error type).
//!
//! Read from the sources: every `crate::…`, `super::…` and `self::…` path
//! and every path through a child module, outside `#[cfg(test)] mod tests`
//! and comments, resolved through `pub use` re-exports to the file that
//! defines the item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

/// Every module file of `src`, by module path (`lib.rs` is the root; the
/// binary's `main.rs` is not part of the library).
fn modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<Module, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("relay/src is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            let mut p = prefix.to_vec();
            p.push(name);
            modules(&path, &p, out);
            continue;
        }
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        let module = match (prefix.is_empty(), stem) {
            (true, "main") => continue,
            (true, "lib") | (false, "mod") => prefix.to_vec(),
            _ => {
                let mut p = prefix.to_vec();
                p.push(stem.to_owned());
                p
            }
        };
        let text = std::fs::read_to_string(&path).expect("source is readable");
        out.insert(module, strip(&text));
    }
}

/// The source without its unit tests and comments.
fn strip(text: &str) -> String {
    let mut code = text;
    let mut from = 0;
    while let Some(i) = code[from..].find("#[cfg(test)]") {
        let at = from + i;
        let rest = code[at + "#[cfg(test)]".len()..].trim_start();
        let rest = skip_attributes(rest);
        if rest.starts_with("mod tests") {
            code = &code[..at];
            break;
        }
        from = at + 1;
    }
    code.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

fn skip_attributes(mut s: &str) -> &str {
    while s.starts_with("#[") {
        match s.find(']') {
            Some(i) => s = s[i + 1..].trim_start(),
            None => break,
        }
    }
    s
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path `a::b::c` in `code`; a group `a::{b, c::d}` gives `a::b` and
/// `a::c`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = (chars[i].is_ascii_alphabetic() || chars[i] == '_')
            && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut grouped = false;
        let mut j = i;
        loop {
            let s = j;
            while j < chars.len() && is_ident(chars[j]) {
                j += 1;
            }
            segs.push(chars[s..j].iter().collect::<String>());
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
                match chars.get(j) {
                    Some(c) if c.is_ascii_alphabetic() || *c == '_' => continue,
                    Some('{') => {
                        let end = chars[j..]
                            .iter()
                            .position(|c| *c == '}')
                            .map_or(chars.len(), |e| j + e);
                        let group: String = chars[j + 1..end].iter().collect();
                        for item in group.split(',') {
                            let first = item.trim().split("::").next().unwrap_or("");
                            let first = first.split_whitespace().next().unwrap_or("");
                            if !first.is_empty() && first != "self" && first.chars().all(is_ident) {
                                let mut p = segs.clone();
                                p.push(first.to_owned());
                                out.push(p);
                            }
                        }
                        j = end;
                        grouped = true;
                    }
                    _ => {}
                }
            }
            break;
        }
        if segs.len() > 1 && !grouped {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// A path written in `module`, made absolute (`super::x` in `a::b` is
/// `a::x`); `None` when it does not start at the crate, `self`, `super` or a
/// child module.
fn absolute(module: &Module, children: &BTreeSet<String>, path: &[String]) -> Option<Module> {
    let (base, rest) = path.split_first()?;
    let mut abs = match base.as_str() {
        "crate" => Vec::new(),
        "super" => module[..module.len().saturating_sub(1)].to_vec(),
        "self" => module.clone(),
        child if children.contains(child) => {
            let mut m = module.clone();
            m.push(child.to_owned());
            return Some(m.into_iter().chain(rest.iter().cloned()).collect());
        }
        _ => return None,
    };
    abs.extend(rest.iter().cloned());
    Some(abs)
}

struct Crate {
    files: BTreeMap<Module, String>,
    /// (module, name) → the path it re-exports.
    reexports: BTreeMap<(Module, String), Module>,
}

impl Crate {
    fn load() -> Self {
        let mut files = BTreeMap::new();
        modules(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &[],
            &mut files,
        );
        let mut krate = Self {
            files,
            reexports: BTreeMap::new(),
        };
        let mut reexports = BTreeMap::new();
        for (module, code) in &krate.files {
            let children = krate.children(module);
            for stmt in code.split("pub use ").skip(1) {
                let stmt = stmt.split(';').next().unwrap_or("");
                for path in paths(stmt) {
                    if let (Some(abs), Some(name)) =
                        (absolute(module, &children, &path), path.last())
                    {
                        reexports.insert((module.clone(), name.clone()), abs);
                    }
                }
            }
        }
        krate.reexports = reexports;
        krate
    }

    fn children(&self, module: &Module) -> BTreeSet<String> {
        self.files
            .keys()
            .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
            .map(|m| m[m.len() - 1].clone())
            .collect()
    }

    /// The file that defines what `path` names, through re-exports.
    fn resolve(&self, path: &[String]) -> Module {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let module = (0..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|m| self.files.contains_key(m))
                .unwrap_or_default();
            let Some(next) = path.get(module.len()) else {
                return module;
            };
            match self.reexports.get(&(module.clone(), next.clone())) {
                Some(target) if *target != path => {
                    path = target
                        .iter()
                        .chain(&path[module.len() + 1..])
                        .cloned()
                        .collect();
                }
                _ => return module,
            }
        }
        Vec::new()
    }

    /// Every `from → to` between two files.
    fn edges(&self) -> BTreeSet<(Module, Module)> {
        let mut out = BTreeSet::new();
        for (module, code) in &self.files {
            let children = self.children(module);
            for path in paths(code) {
                if let Some(abs) = absolute(module, &children, &path) {
                    let to = self.resolve(&abs);
                    if to != *module {
                        out.insert((module.clone(), to));
                    }
                }
            }
        }
        out
    }
}

/// A circle in `edges`, if there is one.
fn circle(edges: &BTreeSet<(Module, Module)>) -> Option<Vec<Module>> {
    let mut next: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    fn visit<'a>(
        n: &'a Module,
        next: &BTreeMap<&'a Module, Vec<&'a Module>>,
        stack: &mut Vec<&'a Module>,
        done: &mut BTreeSet<&'a Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = stack.iter().position(|m| *m == n) {
            return Some(stack[i..].iter().map(|m| (*m).clone()).collect());
        }
        if !done.insert(n) {
            return None;
        }
        stack.push(n);
        for m in next.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, next, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for n in next.keys() {
        if let Some(c) = visit(n, &next, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

fn show(c: &[Module]) -> String {
    c.iter()
        .map(|m| {
            if m.is_empty() {
                "crate".to_owned()
            } else {
                m.join("::")
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[test]
fn top_level_modules_import_in_one_direction() {
    let krate = Crate::load();
    let top: BTreeSet<(Module, Module)> = krate
        .edges()
        .into_iter()
        .filter(|(a, b)| !a.is_empty() && !b.is_empty() && a[0] != b[0])
        .map(|(a, b)| (vec![a[0].clone()], vec![b[0].clone()]))
        .collect();
    assert!(top.len() > 10, "the reader found too few imports: {top:?}");
    assert!(
        top.contains(&(vec!["cli".into()], vec!["settings".into()])),
        "{top:?}"
    );
    if let Some(c) = circle(&top) {
        panic!("import circle: {}", show(&c));
    }
}

#[test]
fn sibling_files_import_in_one_direction() {
    let krate = Crate::load();
    let siblings: BTreeSet<(Module, Module)> = krate
        .edges()
        .into_iter()
        .filter(|(a, b)| !a.is_empty() && !b.is_empty() && a[..a.len() - 1] == b[..b.len() - 1])
        .collect();
    assert!(
        siblings.contains(&(
            vec!["serve".into(), "app".into()],
            vec!["serve".into(), "routes".into()]
        )),
        "{siblings:?}"
    );
    if let Some(c) = circle(&siblings) {
        panic!("import circle: {}", show(&c));
    }
}

#[test]
fn the_reader_sees_a_circle() {
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Module>();
    let edges: BTreeSet<_> = [(m("a"), m("b")), (m("b"), m("c")), (m("c"), m("a"))].into();
    assert_eq!(show(&circle(&edges).unwrap_or_default()), "a → b → c");
    let code = "use crate::serve::{app, Config};\nfn f() { super::x::y(); }";
    assert_eq!(
        paths(code),
        vec![
            vec!["crate".to_owned(), "serve".into(), "app".into()],
            vec!["crate".into(), "serve".into(), "Config".into()],
            vec!["super".into(), "x".into(), "y".into()],
        ]
    );
}
