//! Settings: what the editor sends (initializationOptions, didChangeConfiguration) and the
//! `[tool.closure-lens]` table of `pyproject.toml`. Protocol-free: the LSP layer and the CLI share it.

use std::path::Path;

use serde_json::Value;

use crate::analysis::PythonVersion;

/// The user-facing settings, as the editor sent them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `pythonVersion`; `None` when the editor did not set it (then `pyproject.toml`, then 3.14).
    pub python_version: Option<PythonVersion>,
    /// `inlayHints.enable`.
    pub inlay_hints: bool,
    /// `inlayHints.passThrough`: also list names a closure only forwards to a nested scope.
    pub pass_through: bool,
    /// `codeLens.enable`.
    pub code_lens: bool,
    /// `diagnostics.enable`.
    pub diagnostics: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            python_version: None,
            inlay_hints: true,
            pass_through: false,
            code_lens: true,
            diagnostics: true,
        }
    }
}

impl Settings {
    /// Applies the settings present in `value` (`{ "closureLens": {...} }` or the bare object);
    /// absent or ill-typed entries keep their current value. Returns problems worth logging.
    pub fn update(&mut self, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let root = match value.get("closureLens") {
            Some(inner) => inner,
            None => value,
        };
        if !root.is_object() {
            return problems;
        }
        match lookup(root, &["pythonVersion"]) {
            Some(Value::String(text)) => match PythonVersion::parse(text) {
                Some(v) => self.python_version = Some(v),
                None => problems.push(format!(
                    "pythonVersion {text:?} is not one of 3.11, 3.12, 3.13, 3.14; keeping {}",
                    self.python_version
                        .map_or("the default", PythonVersion::as_str)
                )),
            },
            Some(Value::Null) => self.python_version = None,
            Some(other) => problems.push(format!("pythonVersion must be a string, got {other}")),
            None => {}
        }
        let mut flag = |path: &[&str], slot: &mut bool| match lookup(root, path) {
            Some(Value::Bool(b)) => *slot = *b,
            Some(other) => {
                problems.push(format!("{} must be a boolean, got {other}", path.join(".")))
            }
            None => {}
        };
        flag(&["inlayHints", "enable"], &mut self.inlay_hints);
        flag(&["inlayHints", "passThrough"], &mut self.pass_through);
        flag(&["codeLens", "enable"], &mut self.code_lens);
        flag(&["diagnostics", "enable"], &mut self.diagnostics);
        problems
    }

    /// The version to analyse a document with: the editor's setting, else `project`, else 3.14.
    pub fn effective_version(&self, project: Option<PythonVersion>) -> PythonVersion {
        self.python_version.or(project).unwrap_or_default()
    }
}

/// `root.a.b` as nested objects, or the dotted key `"a.b"`.
fn lookup<'a>(root: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let nested = path.iter().try_fold(root, |v, key| v.get(key));
    nested.or_else(|| root.get(path.join(".")))
}

/// `[tool.closure-lens] python-version` from the nearest `pyproject.toml` in `start` or above.
pub fn pyproject_python_version(start: &Path) -> Option<PythonVersion> {
    let file = start
        .ancestors()
        .map(|dir| dir.join("pyproject.toml"))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(file).ok()?;
    python_version_from_pyproject(&text)
}

/// Reads `python-version` from the `[tool.closure-lens]` table of a `pyproject.toml` text.
pub fn python_version_from_pyproject(text: &str) -> Option<PythonVersion> {
    let mut in_table = false;
    for line in text.lines() {
        let line = strip_comment(line).trim();
        if line.starts_with('[') {
            let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            in_table = header == "[tool.closure-lens]" || header == "[tool.\"closure-lens\"]";
            continue;
        }
        if !in_table {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        if key == "python-version" {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            return PythonVersion::parse(value);
        }
    }
    None
}

fn strip_comment(line: &str) -> &str {
    // Good enough for the one key we read: a `#` outside quotes starts a comment.
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrapped_bare_and_dotted_settings() {
        let mut s = Settings::default();
        s.update(
            &json!({"closureLens": {"pythonVersion": "3.12", "inlayHints": {"passThrough": true}}}),
        );
        assert_eq!(s.python_version, Some(PythonVersion::Py312));
        assert!(s.pass_through && s.inlay_hints);
        s.update(&json!({"codeLens.enable": false, "diagnostics": {"enable": false}}));
        assert!(!s.code_lens && !s.diagnostics);
        let problems = s.update(&json!({"pythonVersion": "2.7", "inlayHints": {"enable": "yes"}}));
        assert_eq!(problems.len(), 2);
        assert_eq!(s.python_version, Some(PythonVersion::Py312));
        s.update(&json!(null));
        s.update(&json!([1, 2]));
        assert_eq!(
            s.effective_version(Some(PythonVersion::Py311)),
            PythonVersion::Py312
        );
        assert_eq!(
            Settings::default().effective_version(Some(PythonVersion::Py311)),
            PythonVersion::Py311
        );
        assert_eq!(
            Settings::default().effective_version(None),
            PythonVersion::Py314
        );
    }

    #[test]
    fn pyproject_key() {
        let text = "[project]\nname = \"x\"\npython-version = \"3.11\"\n\n[tool.closure-lens]  # ours\npython-version = '3.12' # comment\n";
        assert_eq!(
            python_version_from_pyproject(text),
            Some(PythonVersion::Py312)
        );
        assert_eq!(
            python_version_from_pyproject("[tool.other]\npython-version = \"3.12\"\n"),
            None
        );
        assert_eq!(python_version_from_pyproject("[tool.closure-lens]\n"), None);
    }
}
