//! The flows are cut by subject and every import points down: no module of
//! `crates/core/src/flows` imports another that imports it back, directly or through others.
//! Read from the sources, as a reader follows them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn flows_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/flows")
}

/// Each flow module and the flow modules it names (`use super::x`, `super::x::y`,
/// `crate::flows::x`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(flows_dir()).expect("src/flows") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        if path.extension().is_some_and(|x| x == "rs") && name != "mod" {
            sources.insert(name, std::fs::read_to_string(&path).expect("a flow"));
        }
    }
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    let mut out = BTreeMap::new();
    for (module, text) in &sources {
        let mut used = BTreeSet::new();
        for prefix in ["super::", "crate::flows::"] {
            for (at, _) in text.match_indices(prefix) {
                let rest = &text[at + prefix.len()..];
                // `super::{a, b::c}` or `super::a`.
                let names_here: Vec<&str> = if let Some(inner) = rest.strip_prefix('{') {
                    let end = inner.find('}').unwrap_or(inner.len());
                    inner[..end].split(',').map(|s| s.trim().split("::").next().unwrap_or("")).collect()
                } else {
                    vec![rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("")]
                };
                for n in names_here {
                    let n = n.trim_start_matches("self").trim();
                    if names.contains(n) && n != module {
                        used.insert(n.to_string());
                    }
                }
            }
        }
        out.insert(module.clone(), used);
    }
    out
}

#[test]
fn no_flow_imports_one_that_imports_it_back() {
    let deps = imports();
    assert!(deps.len() > 10, "the flows were read: {deps:?}");
    assert!(deps["login"].contains("two_factor"), "the reader sees the imports: {:?}", deps["login"]);
    // Depth-first search for a path back to the start.
    fn back<'a>(
        deps: &'a BTreeMap<String, BTreeSet<String>>,
        at: &'a str,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| *p == at) {
            return Some(path[i..].iter().map(|s| s.to_string()).chain([at.to_string()]).collect());
        }
        path.push(at);
        for next in deps.get(at).into_iter().flatten() {
            if let Some(cycle) = back(deps, next, path) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    for module in deps.keys() {
        let cycle = back(&deps, module, &mut Vec::new());
        assert!(cycle.is_none(), "an import cycle in flows: {}", cycle.unwrap_or_default().join(" -> "));
    }
}

#[test]
fn the_low_modules_import_no_use_case() {
    let deps = imports();
    for low in ["gate", "claims", "cards", "throttle", "me", "accounts"] {
        let bad: Vec<&String> =
            deps[low].iter().filter(|d| !["gate", "claims", "throttle", "me", "codes"].contains(&d.as_str())).collect();
        assert!(bad.is_empty(), "{low} imports {bad:?}");
    }
    assert!(!deps["sessions"].contains("two_factor") && !deps["sessions"].contains("login"));
    assert!(!deps["structure"].contains("people") && !deps["invitations"].contains("people"));
}
