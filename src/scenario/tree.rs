//! The scenario document as a tree of values that remember where they came from.
//!
//! This is the raw layer, close to the input: the TOML file parsed by `toml_edit` (which keeps
//! byte spans), turned into [`Node`]s that carry an [`Origin`] (file line and column, or the
//! `--set` argument that wrote them), with the `--set PATH=VALUE` overrides applied.
//! Validation (`validate/`) reads this tree into a [`super::Scenario`].

use std::fmt;

/// Where a value was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// 1-based line and column in the scenario file.
    File { line: usize, column: usize },
    /// The `--set` argument that wrote it.
    Set(String),
    /// Not written anywhere (a value filled in by default, or the file as a whole).
    Nowhere,
}

/// A document's text with an index built once, so that a span's line and column are found in
/// logarithmic time (a search over line starts) whatever the size of the file or its lines.
pub struct Source<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Characters before each byte offset that starts a character (and at the end).
    chars_before: Vec<u32>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        let mut line_starts = vec![0];
        let mut chars_before = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (i, b) in text.bytes().enumerate() {
            chars_before[i] = n;
            if b & 0xC0 != 0x80 {
                n += 1;
            }
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        chars_before[text.len()] = n;
        Source { text, line_starts, chars_before }
    }
}

impl Origin {
    fn from_span(src: &Source, span: Option<std::ops::Range<usize>>) -> Origin {
        match span {
            Some(r) => {
                let start = r.start.min(src.text.len());
                let line = src.line_starts.partition_point(|&s| s <= start);
                let line_start = src.line_starts[line - 1];
                let column = (src.chars_before[start] - src.chars_before[line_start]) as usize + 1;
                Origin::File { line, column }
            }
            None => Origin::Nowhere,
        }
    }

    /// Renders the location prefix of a message: `file:line:column` or `--set ARG`.
    pub fn locate(&self, file: &str) -> String {
        match self {
            Origin::File { line, column } => format!("{file}:{line}:{column}"),
            Origin::Set(arg) => format!("{file}: --set {arg}"),
            Origin::Nowhere => file.to_string(),
        }
    }
}

/// One value of the document.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

/// The TOML value kinds.
#[derive(Debug, Clone)]
pub enum Value {
    /// Entries in the order they were written, with the origin of each key.
    Table(Vec<Entry>),
    Array(Vec<Node>),
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Datetime(String),
}

/// A key of a table with its value.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub node: Node,
}

impl Value {
    /// The kind of a value, for "found …" in messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Table(_) => "a table",
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
        }
    }

    /// What a value is, in the words of a message: `a string ("abc")`, `an integer (3)`.
    pub fn describe(&self) -> String {
        match self {
            Value::Table(_) => "a table".into(),
            Value::Array(a) => format!("an array of {} values", a.len()),
            Value::String(s) => format!("a string ({s:?})"),
            Value::Integer(i) => format!("an integer ({i})"),
            Value::Float(f) => format!("a number ({})", fmt_float(*f)),
            Value::Boolean(b) => format!("a boolean ({b})"),
            Value::Datetime(d) => format!("a date-time ({d})"),
        }
    }
}

/// Formats a float the way TOML writes it (`nan`, `inf`, `1.0`).
pub fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf".into() } else { "-inf".into() }
    } else if f == f.trunc() && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

impl Node {
    pub fn table(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Table(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.table()?.iter().find(|e| e.key == key).map(|e| &e.node)
    }
}

/// A TOML syntax error, located.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub origin: Origin,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses a TOML document into a tree.
pub fn parse_document(text: &str) -> Result<Node, SyntaxError> {
    let src = Source::new(text);
    let text = &src;
    let doc = toml_edit::Document::parse(src.text).map_err(|e| SyntaxError {
        origin: Origin::from_span(text, e.span()),
        message: format!("not valid TOML: {}", e.message().trim()),
    })?;
    Ok(Node { value: convert_table(text, doc.as_table()), origin: Origin::File { line: 1, column: 1 } })
}

/// Parses the VALUE of a `--set PATH=VALUE` argument (TOML syntax).
pub fn parse_set_value(value: &str, arg: &str) -> Result<Node, String> {
    let text = format!("v = {value}");
    let doc = toml_edit::Document::parse(text.as_str())
        .map_err(|e| format!("the value {value:?} is not a TOML value: {}", e.message().trim()))?;
    let item = doc.as_table().get("v").ok_or_else(|| format!("the value {value:?} is empty"))?;
    let mut node = convert_item(&Source::new(&text), item, Origin::Nowhere);
    set_origin(&mut node, &Origin::Set(arg.to_string()));
    Ok(node)
}

fn set_origin(node: &mut Node, origin: &Origin) {
    node.origin = origin.clone();
    match &mut node.value {
        Value::Table(entries) => {
            for e in entries {
                e.key_origin = origin.clone();
                set_origin(&mut e.node, origin);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|n| set_origin(n, origin)),
        _ => {}
    }
}

fn convert_table(text: &Source, table: &toml_edit::Table) -> Value {
    let mut entries = Vec::new();
    for (key, item) in table.iter() {
        let key_origin = Origin::from_span(text, table.key(key).and_then(|k| k.span()));
        let node = convert_item(text, item, key_origin.clone());
        entries.push(Entry { key: key.to_string(), key_origin, node });
    }
    Value::Table(entries)
}

fn convert_item(text: &Source, item: &toml_edit::Item, fallback: Origin) -> Node {
    let origin = match Origin::from_span(text, item.span()) {
        Origin::Nowhere => fallback,
        o => o,
    };
    let value = match item {
        toml_edit::Item::None => Value::Table(Vec::new()),
        toml_edit::Item::Value(v) => return convert_value(text, v, origin),
        toml_edit::Item::Table(t) => convert_table(text, t),
        toml_edit::Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .map(|t| Node {
                    origin: match Origin::from_span(text, t.span()) {
                        Origin::Nowhere => origin.clone(),
                        o => o,
                    },
                    value: convert_table(text, t),
                })
                .collect(),
        ),
    };
    Node { value, origin }
}

fn convert_value(text: &Source, v: &toml_edit::Value, fallback: Origin) -> Node {
    let origin = match Origin::from_span(text, v.span()) {
        Origin::Nowhere => fallback,
        o => o,
    };
    let value = match v {
        toml_edit::Value::String(s) => Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) => Value::Integer(*i.value()),
        toml_edit::Value::Float(f) => Value::Float(*f.value()),
        toml_edit::Value::Boolean(b) => Value::Boolean(*b.value()),
        toml_edit::Value::Datetime(d) => Value::Datetime(d.value().to_string()),
        toml_edit::Value::Array(a) => Value::Array(a.iter().map(|x| convert_value(text, x, origin.clone())).collect()),
        toml_edit::Value::InlineTable(t) => {
            let mut entries = Vec::new();
            for (key, val) in t.iter() {
                let key_origin = Origin::from_span(text, t.key(key).and_then(|k| k.span()));
                let node = convert_value(text, val, key_origin.clone());
                entries.push(Entry { key: key.to_string(), key_origin, node });
            }
            Value::Table(entries)
        }
    };
    Node { value, origin }
}

/// Applies `--set PATH=VALUE` to the tree. A path must name an existing value, or a new key
/// in an existing table; anything else is an error naming the nearest valid path.
pub fn apply_set(root: &mut Node, arg: &str) -> Result<(), String> {
    let (path, value) = arg
        .split_once('=')
        .ok_or_else(|| format!("--set {arg}: expected PATH=VALUE, e.g. enrollment.sample_size=400"))?;
    if arg.contains(['\n', '\r']) {
        return Err(format!(
            "--set {:?}: the value holds a line break; give a value on one line (TOML inline tables and arrays fit on one)",
            arg
        ));
    }
    let path = path.trim();
    let keys = parse_path(path).map_err(|e| format!("--set {arg}: {e}"))?;
    let new = parse_set_value(value.trim(), arg).map_err(|e| format!("--set {arg}: {e}"))?;
    let mut node = root;
    let mut walked: Vec<&str> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let last = i + 1 == keys.len();
        if !matches!(node.value, Value::Table(_)) {
            return Err(format!(
                "--set {arg}: {} is {}, not a table, so it has no key {key:?}",
                walked.join("."),
                node.value.describe()
            ));
        }
        let Value::Table(entries) = &mut node.value else { unreachable!("checked above") };
        match entries.iter().position(|e| e.key == *key) {
            Some(p) => {
                if last {
                    entries[p].node = new;
                    return Ok(());
                }
                walked.push(key);
                node = &mut entries[p].node;
            }
            None if last => {
                // A new key in an existing table: validation says whether it is allowed (an
                // unknown key is an error naming the nearest valid one).
                entries.push(Entry { key: key.clone(), key_origin: new.origin.clone(), node: new });
                return Ok(());
            }
            None => {
                // A table that does not exist is not created by a path through it: a typo
                // (`events.pm.median_months`) would otherwise start a new entry silently.
                let names: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
                let here = if walked.is_empty() { String::from("the scenario") } else { walked.join(".") };
                return Err(format!(
                    "--set {arg}: {here} has no {key:?} (it has {}); to add a table, set it whole: --set {}={{ … }}",
                    if names.is_empty() { "nothing".to_string() } else { names.join(", ") },
                    keys[..=i].join(".")
                ));
            }
        }
    }
    Err(format!("--set {arg}: the path is empty"))
}

/// Splits a dotted path, honouring quoted keys (`arms."my arm".allocation`).
pub fn parse_path(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    let keys =
        toml_edit::Key::parse(path).map_err(|e| format!("{path:?} is not a dotted path: {}", e.message().trim()))?;
    Ok(keys.iter().map(|k| k.get().to_string()).collect())
}

/// The name among `names` closest to `word` (Levenshtein distance at most a third of its length).
pub fn nearest<'a>(word: &str, names: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    names
        .iter()
        .map(|n| (levenshtein(word, n), *n))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_point_at_values() {
        let root = parse_document("[a]\nb = 3\nc = { d = \"x\" }\n").unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.get("b").unwrap().origin, Origin::File { line: 2, column: 5 });
        assert_eq!(a.get("c").unwrap().get("d").unwrap().origin, Origin::File { line: 3, column: 11 });
    }

    #[test]
    fn set_replaces_existing_values_and_rejects_unknown_paths() {
        let mut root = parse_document("[enrollment]\nsample_size = 600\n").unwrap();
        apply_set(&mut root, "enrollment.sample_size=400").unwrap();
        assert!(matches!(root.get("enrollment").unwrap().get("sample_size").unwrap().value, Value::Integer(400)));
        let err = apply_set(&mut root, "enrollment.sample_size.x=400").unwrap_err();
        assert!(err.contains("not a table"), "{err}");
    }

    #[test]
    fn nearest_finds_typos() {
        assert_eq!(nearest("sample_sise", &["sample_size", "accrual"]), Some("sample_size"));
        assert_eq!(nearest("zzz", &["sample_size"]), None);
    }
}
