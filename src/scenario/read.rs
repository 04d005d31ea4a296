//! Typed reading of tree nodes: every read either yields a value that passed its check or
//! records a [`Diagnostic`] and yields `None`, so that one pass reports every error.

use super::tree::{Entry, Node, Origin, Value, fmt_float, nearest};
use std::fmt;

/// One thing wrong with a scenario: where, which dotted path, what was found, what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub origin: Origin,
    pub path: String,
    pub found: Option<String>,
    pub expected: String,
}

impl Diagnostic {
    /// `file:line:col: path = found: expected`.
    pub fn render(&self, file: &str) -> String {
        let loc = self.origin.locate(file);
        let path = if self.path.is_empty() { "(the scenario)" } else { &self.path };
        match &self.found {
            Some(found) => format!("{loc}: {path} = {found}: {}", self.expected),
            None => format!("{loc}: {path}: {}", self.expected),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("scenario"))
    }
}

/// Joins a dotted path, quoting keys that are not bare TOML keys.
pub fn join(path: &str, key: &str) -> String {
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare { key.to_string() } else { format!("{key:?}") };
    if path.is_empty() { key } else { format!("{path}.{key}") }
}

/// The value as written, shortened, for messages.
pub fn show_value(node: &Node) -> String {
    let s = match &node.value {
        Value::String(s) => format!("{s:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => fmt_float(*f),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(show_value).collect::<Vec<_>>().join(", ")),
        Value::Table(e) => format!(
            "{{ {} }}",
            e.iter().map(|e| format!("{} = {}", e.key, show_value(&e.node))).collect::<Vec<_>>().join(", ")
        ),
    };
    if s.chars().count() > 60 { format!("{}…", s.chars().take(57).collect::<String>()) } else { s }
}

#[derive(Default)]
pub struct Reader {
    pub errors: Vec<Diagnostic>,
}

impl Reader {
    pub fn error(&mut self, node: &Node, path: &str, expected: impl Into<String>) {
        self.errors.push(Diagnostic {
            origin: node.origin.clone(),
            path: path.to_string(),
            found: Some(show_value(node)),
            expected: expected.into(),
        });
    }

    /// An error about `node` when it is there, else about the place `fallback` names.
    pub fn error_on(&mut self, node: Option<&Node>, fallback: &Origin, path: &str, expected: impl Into<String>) {
        match node {
            Some(n) => self.error(n, path, expected),
            None => self.error_at(fallback, path, expected),
        }
    }

    pub fn error_at(&mut self, origin: &Origin, path: &str, expected: impl Into<String>) {
        self.errors.push(Diagnostic {
            origin: origin.clone(),
            path: path.to_string(),
            found: None,
            expected: expected.into(),
        });
    }

    /// The entries of a table whose keys all belong to `allowed`; unknown keys are errors.
    pub fn table<'a>(&mut self, node: &'a Node, path: &str, allowed: &[&str]) -> Option<&'a [Entry]> {
        let Some(entries) = node.table() else {
            self.error(
                node,
                path,
                format!(
                    "expected a table{} (found {})",
                    if allowed.is_empty() { String::new() } else { format!(" with keys {}", allowed.join(", ")) },
                    node.value.kind()
                ),
            );
            return None;
        };
        for e in entries {
            if !allowed.contains(&e.key.as_str()) {
                let hint = match nearest(&e.key, allowed) {
                    Some(n) => format!("; did you mean {}?", join(path, n)),
                    None => String::new(),
                };
                let allowed_list = if allowed.is_empty() {
                    "no keys here".to_string()
                } else {
                    format!("expected one of {}", allowed.join(", "))
                };
                self.error_at(&e.key_origin, &join(path, &e.key), format!("unknown key ({allowed_list}){hint}"));
            }
        }
        Some(entries)
    }

    /// The entries of a table of user-chosen names (arms, cohorts, events, …).
    pub fn named_table<'a>(&mut self, node: &'a Node, path: &str, what: &str) -> Option<&'a [Entry]> {
        match node.table() {
            Some(e) => Some(e),
            None => {
                self.error(node, path, format!("expected a table of {what}, keyed by name"));
                None
            }
        }
    }

    pub fn required<'a>(
        &mut self,
        parent: &Node,
        entries: &'a [Entry],
        path: &str,
        key: &str,
        what: &str,
    ) -> Option<&'a Node> {
        let found = get(entries, key);
        if found.is_none() {
            self.error_at(&parent.origin, &join(path, key), format!("missing; expected {what}"));
        }
        found
    }

    /// A finite number (integers are accepted) that passes `check`.
    pub fn number(&mut self, node: &Node, path: &str, check: impl Fn(f64) -> Result<(), String>) -> Option<f64> {
        let x = match node.value {
            Value::Integer(i) => i as f64,
            Value::Float(f) if f.is_finite() => f,
            Value::Float(_) => {
                self.error(node, path, "expected a finite number");
                return None;
            }
            ref v => {
                self.error(node, path, format!("expected a number (found {})", v.kind()));
                return None;
            }
        };
        match check(x) {
            Ok(()) => Some(x),
            Err(why) => {
                self.error(node, path, why);
                None
            }
        }
    }

    /// An integer in `[min, max]`.
    pub fn integer(&mut self, node: &Node, path: &str, min: i64, max: i64) -> Option<i64> {
        match node.value {
            Value::Integer(i) if (min..=max).contains(&i) => Some(i),
            Value::Integer(_) => {
                self.error(node, path, format!("expected an integer from {min} to {max}"));
                None
            }
            ref v => {
                self.error(node, path, format!("expected an integer from {min} to {max} (found {})", v.kind()));
                None
            }
        }
    }

    pub fn string<'a>(&mut self, node: &'a Node, path: &str) -> Option<&'a str> {
        match &node.value {
            Value::String(s) => Some(s),
            v => {
                self.error(node, path, format!("expected a string (found {})", v.kind()));
                None
            }
        }
    }

    /// A string that is one of `choices`.
    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match node.value {
            Value::Boolean(b) => Some(b),
            _ => {
                self.error(node, path, "expected true or false");
                None
            }
        }
    }

    pub fn choice<'a>(&mut self, node: &'a Node, path: &str, choices: &[&str]) -> Option<&'a str> {
        let s = self.string(node, path)?;
        if choices.contains(&s) {
            Some(s)
        } else {
            let hint = nearest(s, choices).map(|n| format!("; did you mean {n:?}?")).unwrap_or_default();
            self.error(
                node,
                path,
                format!(
                    "expected one of {}{hint}",
                    choices.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
                ),
            );
            None
        }
    }

    pub fn array<'a>(&mut self, node: &'a Node, path: &str, what: &str) -> Option<&'a [Node]> {
        match &node.value {
            Value::Array(a) => Some(a),
            v => {
                self.error(node, path, format!("expected an array of {what} (found {})", v.kind()));
                None
            }
        }
    }

    /// `[[start, value], …]` pieces: starts begin at 0 and increase strictly; values pass `check`.
    pub fn pieces(
        &mut self,
        node: &Node,
        path: &str,
        what: &str,
        check: impl Fn(f64) -> Result<(), String>,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let expected =
            format!("expected an array of [from_month, {what}] pairs, the first from month 0, months increasing");
        let items = self.array(node, path, &format!("[from_month, {what}] pairs"))?;
        if items.is_empty() {
            self.error(node, path, expected);
            return None;
        }
        let (mut starts, mut values) = (Vec::new(), Vec::new());
        let before = self.errors.len();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match &item.value {
                Value::Array(pair) if pair.len() == 2 => {
                    let start = self.number(&pair[0], &p, |x| {
                        if x >= 0.0 { Ok(()) } else { Err("a month must be at least 0".into()) }
                    });
                    let value = self.number(&pair[1], &p, &check);
                    if let (Some(s), Some(v)) = (start, value) {
                        starts.push(s);
                        values.push(v);
                    }
                }
                _ => self.error(item, &p, format!("expected a [from_month, {what}] pair")),
            }
        }
        if self.errors.len() > before {
            return None;
        }
        if starts[0] != 0.0 {
            self.error(
                node,
                path,
                format!("the first piece must start at month 0 (it starts at {})", fmt_float(starts[0])),
            );
            return None;
        }
        if starts.windows(2).any(|w| w[1] <= w[0]) {
            self.error(node, path, "the start months must increase strictly");
            return None;
        }
        Some((starts, values))
    }
}

pub fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    entries.iter().find(|e| e.key == key).map(|e| &e.node)
}

/// Checks for common ranges.
pub fn positive(x: f64) -> Result<(), String> {
    if x > 0.0 { Ok(()) } else { Err("expected a number greater than 0".into()) }
}

pub fn probability(x: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&x) { Ok(()) } else { Err("a probability must be in [0, 1]".into()) }
}
