//! The bridge's source layout, as docs/architecture.md maps it: no module imports from a module
//! that imports from it (at any level: the top-level modules, the files of one directory), and no
//! source file is longer than a reader can hold in mind.
//!
//! Read from the `use` lines and paths of `bridge/src` (tests excluded, as they may reach
//! anywhere): each reference from one module to another that is not its ancestor or descendant
//! is an edge between the two siblings under their closest common ancestor; every directory's
//! siblings must form no circle. A module using its parent's items (`use super::...`) is the
//! ordinary layering of a directory and is not counted.

use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
};

/// The longest a source file of the bridge may be.
const MAX_LINES: usize = 450;

/// A module path from the crate root (`[]` is the root, `["gateway", "pages"]` a file).
type Module = Vec<String>;

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
	for entry in std::fs::read_dir(dir).unwrap() {
		let path = entry.unwrap().path();
		if path.is_dir() {
			source_files(&path, out);
		} else if path.extension().is_some_and(|e| e == "rs") {
			out.push(path);
		}
	}
}

fn src() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module a source file of the crate at `src` is.
fn module_of(src: &Path, file: &Path) -> Module {
	let relative = file.strip_prefix(src).unwrap().with_extension("");
	let mut module: Module = relative
		.components()
		.map(|c| c.as_os_str().to_string_lossy().into_owned())
		.collect();
	if matches!(module.last().map(String::as_str), Some("mod" | "main")) {
		module.pop();
	}
	module
}

/// A file's code, less its test module (the last `#[cfg(test)]` item of a file, by this
/// crate's habit) and its comments.
fn code(text: &str) -> String {
	let tests = ["#[cfg(test)]\nmod tests", "#[cfg(test)]\npub(crate) mod tests"];
	let text = match tests.iter().filter_map(|t| text.find(t)).min() {
		Some(at) => &text[..at],
		None => text,
	};
	text.lines()
		.map(|line| match line.find("//") {
			Some(at) => &line[..at],
			None => line,
		})
		.collect::<Vec<_>>()
		.join("\n")
}

/// Every path the code names: `use` trees expanded (`use a::{b, c::d}` gives `a::b`, `a::c::d`),
/// and the paths of expressions and types (`crate::store::Store`, `super::Summary`,
/// `child::item`), each as its segments.
fn paths(code: &str) -> Vec<Vec<String>> {
	let mut found = Vec::new();
	let mut rest = code;
	while let Some(at) = rest.find("use ") {
		let boundary = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric();
		let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
		if boundary {
			expand(&rest[at + 4..end], &mut Vec::new(), &mut found);
		}
		rest = &rest[end.min(rest.len() - 1) + 1..];
	}
	let words: Vec<&str> = code
		.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
		.filter(|w| w.contains("::"))
		.collect();
	found.extend(words.iter().map(|w| w.split("::").map(str::to_string).collect::<Vec<_>>()));
	found
}

/// Expands a use tree under `prefix`.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
	let tree = tree.trim();
	let tree = tree.strip_prefix("pub ").unwrap_or(tree).trim();
	match tree.find('{') {
		None => {
			let mut path = prefix.clone();
			let name = tree.split(" as ").next().unwrap_or(tree);
			path.extend(name.split("::").map(|s| s.trim().to_string()).filter(|s| !s.is_empty()));
			out.push(path);
		},
		Some(open) => {
			let head: Vec<String> = tree[..open]
				.split("::")
				.map(|s| s.trim().to_string())
				.filter(|s| !s.is_empty())
				.collect();
			let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
			let (mut depth, mut start) = (0, 0);
			let mut parts = Vec::new();
			for (i, c) in inner.char_indices() {
				match c {
					'{' => depth += 1,
					'}' => depth -= 1,
					',' if depth == 0 => {
						parts.push(&inner[start..i]);
						start = i + 1;
					},
					_ => {},
				}
			}
			parts.push(&inner[start..]);
			let len = prefix.len();
			prefix.extend(head);
			for part in parts.into_iter().filter(|p| !p.trim().is_empty()) {
				expand(part, prefix, out);
			}
			prefix.truncate(len);
		},
	}
}

/// The module a path names (its longest prefix that is a module), if it names one of the crate's
/// own modules.
fn target(from: &Module, path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
	let (mut base, rest): (Module, &[String]) = match path.first().map(String::as_str) {
		Some("crate") => (Vec::new(), &path[1..]),
		Some("super") => {
			let mut base = from.clone();
			let mut rest = path;
			while rest.first().map(String::as_str) == Some("super") {
				base.pop();
				rest = &rest[1..];
			}
			(base, rest)
		},
		Some("self") => (from.clone(), &path[1..]),
		// A child module named without `self::`.
		Some(first) if modules.contains(&[&from[..], &[first.to_string()]].concat()) => {
			(from.clone(), path)
		},
		_ => return None,
	};
	for segment in rest {
		base.push(segment.clone());
		if !modules.contains(&base) {
			base.pop();
			break;
		}
	}
	Some(base)
}

/// For each directory of the crate at `src` (a module with children), the edges between its
/// children.
fn edges(src: &Path) -> BTreeMap<Module, BTreeSet<(String, String)>> {
	let mut files = Vec::new();
	source_files(src, &mut files);
	let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
	let mut edges: BTreeMap<Module, BTreeSet<(String, String)>> = BTreeMap::new();
	for file in &files {
		let from = module_of(src, file);
		let code = code(&std::fs::read_to_string(file).unwrap());
		for path in paths(&code) {
			let Some(to) = target(&from, &path, &modules) else { continue };
			let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
			if common == from.len() || common == to.len() {
				continue; // the same module, an ancestor or a descendant
			}
			edges
				.entry(from[..common].to_vec())
				.or_default()
				.insert((from[common].clone(), to[common].clone()));
		}
	}
	edges
}

#[test]
fn the_bridge_modules_form_no_circle() {
	let edges = edges(&src());
	assert!(edges.get(&Vec::new()).is_some_and(|e| e.len() > 10), "the reader found no edges");
	for (directory, edges) in &edges {
		if let Some(circle) = circle(edges) {
			let directory = directory.join("::");
			panic!("in `crate::{directory}`, these modules import from each other: {circle:?}");
		}
	}
}

/// The circle the bridge had (formats, scrub and store importing from each other, as the
/// bridge's tree of spec 112 did) is found, through `use` trees, paths and a directory.
#[test]
fn a_circle_like_the_old_bridges_is_found() {
	let src = std::env::temp_dir().join(format!("licentia-layout-{}", std::process::id()));
	let file = |name: &str, text: &str| {
		let path = src.join(name);
		std::fs::create_dir_all(path.parent().unwrap()).unwrap();
		std::fs::write(path, text).unwrap();
	};
	file("main.rs", "mod formats;\nmod scrub;\nmod store;\nfn main() {}\n");
	file("formats/mod.rs", "use crate::store::Withdrawal;\nmod x;\n");
	file("formats/x.rs", "pub fn f() { crate::scrub::scrubbed_hash() }\n");
	file("scrub.rs", "pub fn scrubbed_hash() {}\n");
	file("store.rs", "// use crate::formats::Post;\npub enum Withdrawal {}\n");
	assert_eq!(circle(&edges(&src)[&Vec::new()]), None, "a commented-out use is no edge");
	file("scrub.rs", "use crate::formats::{self, Target};\n");
	file("store.rs", "use crate::{formats::{Post, SignedEvent}, scrub};\n");
	let edges = edges(&src);
	std::fs::remove_dir_all(&src).unwrap();
	let found = circle(&edges[&Vec::new()]).expect("the circle");
	assert_eq!(found.first(), found.last(), "{found:?}");
	assert!(found.contains(&"formats".to_string()) && found.len() == 3, "{found:?}");
}

/// A circle in a directed graph, if there is one (depth first: a node met again on the current
/// path closes a circle).
fn circle(edges: &BTreeSet<(String, String)>) -> Option<Vec<String>> {
	fn visit<'a>(
		node: &'a str,
		edges: &'a BTreeSet<(String, String)>,
		path: &mut Vec<&'a str>,
		done: &mut BTreeSet<&'a str>,
	) -> Option<Vec<String>> {
		if let Some(at) = path.iter().position(|n| *n == node) {
			return Some(path[at..].iter().chain([&node]).map(|s| s.to_string()).collect());
		}
		if done.contains(node) {
			return None;
		}
		path.push(node);
		for (_, next) in edges.iter().filter(|(from, _)| from == node) {
			if let Some(circle) = visit(next, edges, path, done) {
				return Some(circle);
			}
		}
		path.pop();
		done.insert(node);
		None
	}
	let mut done = BTreeSet::new();
	edges
		.iter()
		.find_map(|(from, _)| visit(from, edges, &mut Vec::new(), &mut done))
}

#[test]
fn the_circle_finder_finds_circles() {
	let edges = |pairs: &[(&str, &str)]| -> BTreeSet<(String, String)> {
		pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
	};
	assert_eq!(circle(&edges(&[("a", "b"), ("b", "c")])), None);
	assert!(circle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])).is_some());
	let mut found = Vec::new();
	expand("crate::{chain::{self, api}, store::Store}", &mut Vec::new(), &mut found);
	assert_eq!(found.len(), 3);
	assert_eq!(found[2], ["crate", "store", "Store"]);
}

#[test]
fn no_source_file_is_over_450_lines() {
	let mut files = Vec::new();
	source_files(&src(), &mut files);
	assert!(files.len() > 20, "the bridge's sources are in {}", src().display());
	let long: Vec<_> = files
		.iter()
		.map(|f| (f.clone(), std::fs::read_to_string(f).unwrap().lines().count()))
		.filter(|(_, lines)| *lines > MAX_LINES)
		.collect();
	assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}
