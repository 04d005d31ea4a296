//! ARCHITECTURE.md's invariants that a reading of the source can check: the modules use only
//! the ones the layer table allows (so the pipeline order holds and no top-level module imports
//! one above it), no two files of `src/` import each other through any chain (no cycles), no file
//! is over 800 lines and no function over 150, the stages that must not do I/O do none, and
//! only `rng.rs` names a generator.
//!
//! The source is read as text: comments, strings and characters are blanked, unit-test modules
//! (`#[cfg(test)] mod … { … }`) are left out, and every path that starts at `crate::`, `super::`,
//! `self::`, a `use`d name or a child module is resolved to the longest module file it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path (`["report", "model"]`); the crate root is empty.
type Module = Vec<String>;

struct Source {
    module: Module,
    path: PathBuf,
    /// `mod.rs` or `lib.rs`: its children are `module::x`.
    is_dir: bool,
    /// The text with comments, strings and characters blanked and test modules removed.
    code: String,
    lines: usize,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(Path::new("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        // A module's unit tests in their own file (`#[cfg(test)] mod tests;`) are test code.
        .filter(|p| p != Path::new("src/main.rs") && p.file_name() != Some(std::ffi::OsStr::new("tests.rs")))
        .map(|path| {
            let rel = path.strip_prefix("src").unwrap().with_extension("");
            let mut module: Module = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            let is_dir = matches!(module.last().map(String::as_str), Some("mod" | "lib"));
            if is_dir {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            Source { module, is_dir, code: without_tests(&blank(&text)), lines: text.lines().count(), path }
        })
        .collect()
}

/// The text with comments, string and character literals replaced by spaces (newlines kept).
fn blank(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let keep = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(keep(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && (i == 0 || !is_ident(b[i - 1])) {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push('"');
            for &x in &b[i + 1..j.saturating_sub(1).max(i + 1)] {
                out.push(keep(x));
            }
            out.push('"');
            i = j;
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(keep(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{…}'), not a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..b.len()).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.push_str(&" ".repeat(e - i + 1));
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The code without its `#[cfg(test)] mod name { … }` blocks.
fn without_tests(code: &str) -> String {
    let mut code = code.to_string();
    while let Some(at) = code.find("#[cfg(test)]") {
        let rest = &code[at + "#[cfg(test)]".len()..];
        let trimmed = rest.trim_start();
        if !trimmed.starts_with("mod ") {
            // A test-only item other than a module: keep it, blanking the attribute.
            code.replace_range(at..at + "#[cfg(test)]".len(), &" ".repeat("#[cfg(test)]".len()));
            continue;
        }
        if let Some(semi) = rest.find(';')
            && rest.find('{').is_none_or(|brace| semi < brace)
        {
            // `#[cfg(test)] mod tests;`: its file is left out of the sources.
            let end = at + "#[cfg(test)]".len() + semi + 1;
            code.replace_range(at..end, &" ".repeat(end - at));
            continue;
        }
        let open = at + "#[cfg(test)]".len() + rest.find('{').unwrap();
        let mut depth = 0;
        let mut end = open;
        for (k, ch) in code[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let lines = code[at..end].matches('\n').count();
        code.replace_range(at..end, &"\n".repeat(lines));
    }
    code
}

/// The identifiers and `::` of a path that starts at byte `i` of `code`, with `{…}` groups
/// expanded: `crate::{a, b::{c, d}}` gives `crate::a`, `crate::b::c`, `crate::b::d`.
fn paths_at(code: &str, i: usize) -> Vec<Vec<String>> {
    fn parse(s: &[char], k: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut segs = prefix.to_vec();
        loop {
            while *k < s.len() && s[*k].is_whitespace() {
                *k += 1;
            }
            if *k < s.len() && s[*k] == '{' {
                *k += 1;
                loop {
                    parse(s, k, &segs, out);
                    while *k < s.len() && s[*k].is_whitespace() {
                        *k += 1;
                    }
                    match s.get(*k) {
                        Some(',') => *k += 1,
                        Some('}') => {
                            *k += 1;
                            return;
                        }
                        _ => return,
                    }
                    while *k < s.len() && s[*k].is_whitespace() {
                        *k += 1;
                    }
                    if s.get(*k) == Some(&'}') {
                        *k += 1;
                        return;
                    }
                }
            }
            let start = *k;
            while *k < s.len() && is_ident(s[*k]) {
                *k += 1;
            }
            if *k == start {
                out.push(segs);
                return;
            }
            segs.push(s[start..*k].iter().collect());
            if s.get(*k) == Some(&':') && s.get(*k + 1) == Some(&':') {
                *k += 2;
            } else {
                // `x as y`: the alias is not a path segment.
                out.push(segs);
                let rest: String = s[*k..s.len().min(*k + 8)].iter().collect();
                if rest.trim_start().starts_with("as ") {
                    while *k < s.len() && s[*k].is_whitespace() {
                        *k += 1;
                    }
                    *k += 2;
                    while *k < s.len() && s[*k].is_whitespace() {
                        *k += 1;
                    }
                    while *k < s.len() && is_ident(s[*k]) {
                        *k += 1;
                    }
                }
                return;
            }
        }
    }
    let s: Vec<char> = code[i..].chars().take(4000).collect();
    let mut out = Vec::new();
    parse(&s, &mut 0, &[], &mut out);
    out
}

/// Each file's module and the modules (files) it uses.
fn graph(sources: &[Source]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
    let resolve = |segs: &[String]| -> Option<Module> {
        (0..=segs.len()).rev().map(|n| segs[..n].to_vec()).find(|m| modules.contains(m))
    };
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for src in sources {
        let me = &src.module;
        let parent: Module = me[..me.len().saturating_sub(1)].to_vec();
        let children: BTreeSet<String> = if src.is_dir {
            modules
                .iter()
                .filter(|m| m.len() == me.len() + 1 && m[..me.len()] == me[..])
                .map(|m| m[me.len()].clone())
                .collect()
        } else {
            BTreeSet::new()
        };
        // A path's first segment as a module path: crate, super, self, a child module, or a
        // name brought in by `use`.
        let absolute = |segs: &[String], aliases: &BTreeMap<String, Module>| -> Option<Module> {
            let first = segs.first()?;
            let base: Module = match first.as_str() {
                "crate" => Vec::new(),
                "super" => parent.clone(),
                "self" => me.clone(),
                f if children.contains(f) => {
                    let mut m = me.clone();
                    m.push(f.to_string());
                    m
                }
                f => {
                    let mut m = aliases.get(f)?.clone();
                    m.extend(segs[1..].iter().cloned());
                    return Some(m);
                }
            };
            let mut m = base;
            m.extend(segs[1..].iter().filter(|s| *s != "self").cloned());
            Some(m)
        };
        let code = &src.code;
        let mut aliases: BTreeMap<String, Module> = BTreeMap::new();
        let mut used: Vec<Module> = Vec::new();
        // `use` declarations first (their names are aliases for the rest of the file).
        for (at, _) in code.match_indices("use ") {
            if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
                continue;
            }
            for p in paths_at(code, at + 4) {
                if let Some(m) = absolute(&p, &aliases) {
                    if let Some(name) = p.last().filter(|n| *n != "self" && *n != "*") {
                        aliases.insert(name.clone(), m.clone());
                    }
                    used.push(m);
                }
            }
        }
        // Every other path `a::b…` whose first segment is known.
        let chars: Vec<(usize, char)> = code.char_indices().collect();
        for (n, &(at, c)) in chars.iter().enumerate() {
            if !is_ident(c) || (n > 0 && (is_ident(chars[n - 1].1) || chars[n - 1].1 == ':')) {
                continue;
            }
            let word: String = code[at..].chars().take_while(|&c| is_ident(c)).collect();
            if !code[at + word.len()..].starts_with("::") {
                continue;
            }
            for p in paths_at(code, at) {
                if let Some(m) = absolute(&p, &aliases) {
                    used.push(m);
                }
            }
        }
        let targets = edges.entry(me.clone()).or_default();
        for m in used {
            if let Some(t) = resolve(&m).filter(|t| t != me) {
                targets.insert(t);
            }
        }
    }
    edges
}

fn name(m: &Module) -> String {
    if m.is_empty() { "lib".into() } else { m.join("::") }
}

/// The strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct T<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on: BTreeSet<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(t: &mut T, v: &Module) {
        let i = t.index.len();
        t.index.insert(v.clone(), i);
        t.low.insert(v.clone(), i);
        t.stack.push(v.clone());
        t.on.insert(v.clone());
        for w in t.edges.get(v).into_iter().flatten() {
            if !t.index.contains_key(w) {
                visit(t, w);
                let l = t.low[v].min(t.low[w]);
                t.low.insert(v.clone(), l);
            } else if t.on.contains(w) {
                let l = t.low[v].min(t.index[w]);
                t.low.insert(v.clone(), l);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on.remove(&w);
                let done = &w == v;
                comp.push(w);
                if done {
                    break;
                }
            }
            if comp.len() > 1 {
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_file_of_src_imports_itself_through_others() {
    let sources = sources();
    let edges = graph(&sources);
    let found = cycles(&edges);
    let text: Vec<String> = found
        .iter()
        .map(|comp| {
            let inside: BTreeSet<&Module> = comp.iter().collect();
            let arrows: Vec<String> = comp
                .iter()
                .flat_map(|a| {
                    edges[a].iter().filter(|b| inside.contains(b)).map(move |b| format!("{} -> {}", name(a), name(b)))
                })
                .collect();
            format!("a cycle: {}", arrows.join(", "))
        })
        .collect();
    assert!(text.is_empty(), "{}", text.join("\n"));
}

/// The layer table of ARCHITECTURE.md: each top-level module and the ones it may use.
fn layers() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string("ARCHITECTURE.md").unwrap();
    let section = text.split("## Layers").nth(1).expect("ARCHITECTURE.md has a `## Layers` section");
    let mut out = BTreeMap::new();
    for line in section.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [module, uses] = cells[..] else { continue };
        let module = module.trim_matches('`');
        if module == "module" || module.starts_with('-') {
            continue;
        }
        let uses: BTreeSet<String> = uses
            .split(',')
            .map(|u| u.trim().trim_matches('`').to_string())
            .filter(|u| !u.is_empty() && u != "—")
            .collect();
        out.insert(module.to_string(), uses);
    }
    out
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let layers = layers();
    let sources = sources();
    let edges = graph(&sources);
    let mut wrong = Vec::new();
    for (from, tos) in &edges {
        let Some(a) = from.first() else { continue };
        let allowed = layers.get(a);
        if allowed.is_none() {
            wrong.push(format!("src/{a}: not in ARCHITECTURE.md's layer table"));
            continue;
        }
        for to in tos {
            let Some(b) = to.first() else { continue };
            if a != b && !allowed.unwrap().contains(b) {
                wrong.push(format!("{} uses {} (the layer table does not allow {a} -> {b})", name(from), name(to)));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The table itself is in pipeline order: no module may use one listed after it.
    let order: Vec<&String> = layers.keys().collect();
    let text = std::fs::read_to_string("ARCHITECTURE.md").unwrap();
    let position = |m: &str| text.split("## Layers").nth(1).unwrap().find(&format!("\n| `{m}` |"));
    for m in &order {
        for u in &layers[*m] {
            assert!(
                position(u) > position(m),
                "ARCHITECTURE.md: `{m}` may use `{u}`, which the layer table lists above it (the table is top-down)"
            );
        }
    }
}

#[test]
fn no_file_over_800_lines_and_no_function_over_150() {
    let mut long = Vec::new();
    for src in sources() {
        if src.lines > 800 {
            long.push(format!("{}: {} lines", src.path.display(), src.lines));
        }
        // A function: `fn name` … its body's braces.
        let code = &src.code;
        for (at, _) in code.match_indices("fn ") {
            if at > 0 && is_ident(code[..at].chars().last().unwrap()) {
                continue;
            }
            let Some(open) = code[at..].find(['{', ';']).map(|k| at + k) else { continue };
            if &code[open..open + 1] == ";" {
                continue;
            }
            let mut depth = 0;
            let mut end = open;
            for (k, ch) in code[open..].char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let lines = code[at..=end].matches('\n').count() + 1;
            if lines > 150 {
                let line = code[..at].matches('\n').count() + 1;
                let fname: String = code[at + 3..].chars().take_while(|&c| is_ident(c)).collect();
                long.push(format!("{}:{line}: fn {fname} is {lines} lines", src.path.display()));
            }
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The stages between the scenario and the report compute; they never print, read or write.
/// The lines (file:line: code) of the files `checked` selects that contain any of `words`.
fn lines_with(checked: impl Fn(&Module) -> bool, words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for src in sources().into_iter().filter(|s| checked(&s.module)) {
        for (n, line) in src.code.lines().enumerate() {
            if words.iter().any(|w| line.contains(w)) {
                found.push(format!("{}:{}: {}", src.path.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_computing_stages_do_no_io() {
    let quiet = ["simulate", "cut", "analyze", "stats", "design", "summary", "engine", "rng"];
    let io =
        ["println!", "eprintln!", "print!(", "eprint!(", "std::fs", "std::io::stdout", "std::io::stderr", "File::"];
    let found = lines_with(|m| m.first().is_some_and(|m| quiet.contains(&m.as_str())), &io);
    assert!(found.is_empty(), "I/O in a computing stage:\n{}", found.join("\n"));
}

/// Only `rng.rs` names a generator (the reproducibility contract: a generator's algorithm is
/// chosen in one place).
#[test]
fn only_rng_names_a_generator() {
    let names = ["ChaCha", "StdRng", "SmallRng", "thread_rng", "rand::rng(", "OsRng", "Pcg", "Xoshiro", "SplitMix"];
    let found = lines_with(|m| m != &["rng"], &names);
    assert!(found.is_empty(), "a generator named outside rng.rs:\n{}", found.join("\n"));
}

#[test]
fn the_reader_of_the_source_finds_what_it_should() {
    // The blanking keeps code and drops what only looks like code.
    let code = blank("let a = \"crate::x\"; // crate::y\nlet b = 'c'; let r = r#\"crate::z\"#; crate::w::f();");
    assert!(!code.contains("crate::x") && !code.contains("crate::y") && !code.contains("crate::z"));
    assert!(code.contains("crate::w::f"));
    assert_eq!(
        paths_at("crate::{a, b::{c, d as e}, f};", 0),
        vec![
            vec!["crate".to_string(), "a".into()],
            vec!["crate".into(), "b".into(), "c".into()],
            vec!["crate".into(), "b".into(), "d".into()],
            vec!["crate".into(), "f".into()],
        ]
    );
    let tests = without_tests("fn a() {}\n#[cfg(test)]\nmod tests {\n fn b() { crate::x(); }\n}\nfn c() {}\n");
    assert!(!tests.contains("crate::x") && tests.contains("fn c"));
}

/// Every file a command writes goes through `report/output.rs` (whole through a temporary file
/// put in place, or appended to a journal and synced): nothing else creates, writes, syncs,
/// cuts or removes files.
#[test]
fn only_the_output_module_writes_files() {
    let writes = [
        "File::create",
        "OpenOptions",
        "fs::write",
        "set_len",
        "remove_file",
        "create_dir",
        "fs::rename",
        "tempfile",
        "sync_data",
        "sync_all",
    ];
    let found = lines_with(|m| m != &["report", "output"], &writes);
    assert!(found.is_empty(), "a file written outside report/output.rs:\n{}", found.join("\n"));
}

/// The validated scenario is sealed: its fields are visible only inside `src/scenario/`, so a
/// `Scenario` comes from validation alone and nothing after it can change what was validated
/// (the compiler holds the rest; this test holds the declaration).
#[test]
fn the_scenario_is_sealed() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/scenario/model.rs")).unwrap();
    let start = text.find("pub struct Scenario {").expect("the declaration of Scenario");
    let body = &text[start..start + text[start..].find("\n}").unwrap()];
    let fields: Vec<&str> = body.lines().skip(1).map(str::trim).filter(|l| !l.starts_with("///")).collect();
    assert!(fields.len() >= 10, "{fields:?}");
    for f in fields {
        assert!(
            f.starts_with("pub(super) "),
            "a field of Scenario visible outside scenario/ (pub(super) from scenario/model.rs): {f}"
        );
    }
}
