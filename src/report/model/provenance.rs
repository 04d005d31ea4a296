//! What a report says of how it was made, read off its provenance and execution: the dotted
//! paths `--set` gave, and which lines of the effective scenario they set.

/// The dotted paths given to `--set` in a command line.
pub fn set_paths(command: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = command.iter();
    while let Some(a) = args.next() {
        let set = if a == "--set" { args.next().cloned() } else { a.strip_prefix("--set=").map(String::from) };
        if let Some(path) = set.as_deref().and_then(|s| s.split_once('=')).map(|(p, _)| p.trim().to_string()) {
            out.push(path);
        }
    }
    out
}

/// Each line of a scenario written by `show`, with whether one of `sets` (dotted paths) set its
/// value (the path itself, or a table above a value inside it).
pub fn lines_set_by<'a>(scenario_toml: &'a str, sets: &[String]) -> Vec<(&'a str, bool)> {
    let mut table = String::new();
    let mut out = Vec::new();
    for line in scenario_toml.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            table = t.trim_matches(|c| c == '[' || c == ']').to_string();
        }
        let key = t.split_once('=').map(|(k, _)| k.trim()).filter(|k| !k.is_empty() && !t.starts_with('['));
        let path = key.map(|k| if table.is_empty() { k.to_string() } else { format!("{table}.{k}") });
        let marked = path.is_some_and(|p| sets.iter().any(|s| *s == p || s.starts_with(&format!("{p}."))));
        out.push((line, marked));
    }
    out
}
