//! `docs/ARCHITECTURE.md` says dependencies in `src/` run one way: this
//! test reads every module's `crate::…` imports (outside its tests) and
//! fails naming a cycle if one comes back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module a file belongs to (`state/focus.rs` → `state`).
fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap().with_extension("");
    rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned()
}

/// The modules named after `crate::` in `code`, also inside `crate::{…}`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group[..group.find('}').unwrap_or(group.len())].split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let name: String = name.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.clone()];
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while let Some(dir) = files.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy();
            if !name.ends_with(".rs") || name.ends_with("_tests.rs") || name == "main.rs" {
                continue;
            }
            let code = std::fs::read_to_string(&path).unwrap();
            // A file's own tests may reach anywhere.
            let code = code.split("#[cfg(test)]").next().unwrap_or_default();
            let module = module_of(&path, &src);
            let deps: Vec<String> = imports(code).into_iter().filter(|d| *d != module).collect();
            graph.entry(module).or_default().extend(deps);
        }
    }
    graph
}

/// A cycle through `start`, if any (depth first).
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten().filter(|n| graph.contains_key(*n)) {
            if next == start {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn imports_in_src_have_no_cycle() {
    let graph = graph();
    assert!(graph.contains_key("state") && graph["app"].contains("state"), "the graph was read: {graph:?}");
    let cycles: Vec<String> = graph.keys().filter_map(|m| cycle_from(&graph, m)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "import cycles in src/: {cycles:#?}");
}

#[test]
fn the_reader_finds_grouped_imports_and_a_cycle() {
    assert_eq!(imports("use crate::{clock, download::save};\nuse crate::state::Action;"), BTreeSet::from(["clock".into(), "download".into(), "state".into()]));
    let g: BTreeMap<String, BTreeSet<String>> =
        BTreeMap::from([("a".into(), BTreeSet::from(["b".into()])), ("b".into(), BTreeSet::from(["a".into()]))]);
    assert_eq!(cycle_from(&g, "a"), Some(vec!["a".into(), "b".into(), "a".into()]));
}
