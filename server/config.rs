//! Settings: what the editor sends (initializationOptions, didChangeConfiguration) and the
//! `[tool.closure-lens]` table of `pyproject.toml`. Protocol-free: the LSP layer and the CLI share it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::analysis::PythonVersion;
use crate::ide::diagnostics::{Code, Severity};

/// The user-facing settings: the editor's, layered over the project's `pyproject.toml`.
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
    /// `codeLens.decorators`: the lens above a decorated definition (what its name becomes).
    pub decorator_lens: bool,
    /// `extraPaths`: more directories imports are looked up in (relative ones from each
    /// workspace folder).
    pub extra_paths: Vec<String>,
    /// `diagnostics.enable`: all diagnostics on or off.
    pub diagnostics: bool,
    /// `diagnostics.severity`: per-code overrides of the default severity; `None` turns a code off.
    pub levels: BTreeMap<Code, Option<Severity>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            python_version: None,
            inlay_hints: true,
            pass_through: false,
            code_lens: true,
            decorator_lens: true,
            extra_paths: Vec::new(),
            diagnostics: true,
            levels: BTreeMap::new(),
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
        flag(&["codeLens", "decorators"], &mut self.decorator_lens);
        flag(&["diagnostics", "enable"], &mut self.diagnostics);
        match lookup(root, &["extraPaths"]) {
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                self.extra_paths = items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect();
            }
            Some(Value::Null) => self.extra_paths.clear(),
            Some(other) => {
                problems.push(format!("extraPaths must be a list of strings, got {other}"))
            }
            None => {}
        }
        match lookup(root, &["diagnostics", "severity"]) {
            Some(Value::Object(map)) => {
                for (code, level) in map {
                    let parsed = level.as_str().ok_or_else(|| level.to_string());
                    if let Err(problem) = parsed.and_then(|l| self.set_level(code, l)) {
                        problems.push(format!("diagnostics.severity: {problem}"));
                    }
                }
            }
            Some(Value::Null) | None => {}
            Some(other) => problems.push(format!(
                "diagnostics.severity must be an object of code → level, got {other}"
            )),
        }
        problems
    }

    /// The version to analyse a document with: the editor's setting, else `project`, else 3.14.
    pub fn effective_version(&self, project: Option<PythonVersion>) -> PythonVersion {
        self.python_version.or(project).unwrap_or_default()
    }

    /// The severity diagnostics with `code` get, or `None` when they are off.
    pub fn diagnostic_level(&self, code: Code) -> Option<Severity> {
        if !self.diagnostics {
            return None;
        }
        self.levels
            .get(&code)
            .copied()
            .unwrap_or(Some(code.default_severity()))
    }

    /// Sets the level of `code` (`None`: off).
    pub fn set_diagnostic_level(&mut self, code: Code, level: Option<Severity>) {
        self.levels.insert(code, level);
    }

    /// Sets `code` (as users write it) to `level` (`off` or a severity).
    fn set_level(&mut self, code: &str, level: &str) -> Result<(), String> {
        let code = Code::parse(code).ok_or_else(|| format!("unknown code {code:?}"))?;
        let level = match level.trim() {
            "off" | "none" => None,
            other => Some(Severity::parse(other).ok_or_else(|| {
                format!("{code}: {other:?} is not off, error, warning, information or hint")
            })?),
        };
        self.set_diagnostic_level(code, level);
        Ok(())
    }

    /// These settings over a project's `[tool.closure-lens]`: the project's choices apply where
    /// the editor made none.
    pub fn over(&self, project: &ProjectConfig) -> Settings {
        let mut merged = self.clone();
        merged.python_version = self.python_version.or(project.python_version);
        for (&code, &level) in &project.levels {
            merged.levels.entry(code).or_insert(level);
        }
        merged
    }
}

/// `root.a.b` as nested objects, or the dotted key `"a.b"`.
fn lookup<'a>(root: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let nested = path.iter().try_fold(root, |v, key| v.get(key));
    nested.or_else(|| root.get(path.join(".")))
}

/// What a project's `pyproject.toml` says in `[tool.closure-lens]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectConfig {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    /// `python-version`.
    pub python_version: Option<PythonVersion>,
    /// From `select`, `ignore` and the `[tool.closure-lens.severity]` table.
    pub levels: BTreeMap<Code, Option<Severity>>,
}

/// The `[tool.closure-lens]` table of the nearest `pyproject.toml` in `start` or above: the
/// config (default when the file has no such table), or what is wrong with it.
pub fn project_config(start: &Path) -> Result<ProjectConfig, String> {
    let Some(file) = start
        .ancestors()
        .map(|dir| dir.join("pyproject.toml"))
        .find(|p| p.is_file())
    else {
        return Ok(ProjectConfig::default());
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut config = parse_project_config(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    config.path = Some(file);
    Ok(config)
}

/// Reads the `[tool.closure-lens]` table of a `pyproject.toml` text.
pub fn parse_project_config(text: &str) -> Result<ProjectConfig, String> {
    let document: toml::Table = toml::from_str(text).map_err(|e| e.message().to_owned())?;
    let Some(table) = document
        .get("tool")
        .and_then(|t| t.get("closure-lens"))
        .and_then(toml::Value::as_table)
    else {
        return Ok(ProjectConfig::default());
    };
    let mut config = ProjectConfig::default();
    for (key, value) in table {
        match key.as_str() {
            "python-version" => {
                let text = value.as_str().unwrap_or_default();
                config.python_version = Some(PythonVersion::parse(text).ok_or_else(|| {
                    format!("python-version {value} is not one of \"3.11\", \"3.12\", \"3.13\", \"3.14\"")
                })?);
            }
            "select" | "ignore" => {
                let codes = codes(key, value)?;
                if key == "select" {
                    for code in Code::all().filter(|c| !codes.contains(c)) {
                        config.levels.entry(code).or_insert(None);
                    }
                } else {
                    for code in codes {
                        config.levels.insert(code, None);
                    }
                }
            }
            "severity" => {
                let entries = value
                    .as_table()
                    .ok_or("severity must be a table of code = level")?;
                for (code, level) in entries {
                    let level = level.as_str().unwrap_or_default();
                    let mut settings = Settings::default();
                    settings
                        .set_level(code, level)
                        .map_err(|e| format!("severity: {e}"))?;
                    config.levels.extend(settings.levels);
                }
            }
            other => return Err(format!("unknown key {other:?} in [tool.closure-lens]")),
        }
    }
    Ok(config)
}

/// A list of codes (`select = ["late-binding"]`).
fn codes(key: &str, value: &toml::Value) -> Result<Vec<Code>, String> {
    let list = value
        .as_array()
        .ok_or_else(|| format!("{key} must be a list of codes"))?;
    list.iter()
        .map(|v| {
            let text = v.as_str().unwrap_or_default();
            Code::parse(text).ok_or_else(|| format!("{key}: unknown code {v}"))
        })
        .collect()
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
    fn per_code_levels() {
        let mut s = Settings::default();
        assert_eq!(
            s.diagnostic_level(Code::LateBinding),
            Some(Severity::Warning)
        );
        let problems = s.update(&json!({"diagnostics": {"severity": {
            "late-binding": "error", "class-scope": "off", "nope": "hint", "super-call": "loud"
        }}}));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(s.diagnostic_level(Code::LateBinding), Some(Severity::Error));
        assert_eq!(s.diagnostic_level(Code::ClassScope), None);
        assert_eq!(s.diagnostic_level(Code::SuperCall), Some(Severity::Error));
        s.diagnostics = false;
        assert_eq!(s.diagnostic_level(Code::LateBinding), None);
    }

    #[test]
    fn pyproject_table() {
        let text = "[project]\nname = \"x\"\npython-version = \"3.11\"\n\n[tool.closure-lens]  # ours\npython-version = '3.12' # comment\nignore = [\"unused-declaration\"]\n\n[tool.closure-lens.severity]\nlate-binding = \"error\"\n";
        let config = parse_project_config(text).unwrap();
        assert_eq!(config.python_version, Some(PythonVersion::Py312));
        let editor = Settings::default();
        let merged = editor.over(&config);
        assert_eq!(merged.python_version, Some(PythonVersion::Py312));
        assert_eq!(merged.diagnostic_level(Code::UnusedDeclaration), None);
        assert_eq!(
            merged.diagnostic_level(Code::LateBinding),
            Some(Severity::Error)
        );
        // The editor's explicit choices win.
        let mut editor = Settings::default();
        editor.set_diagnostic_level(Code::LateBinding, Some(Severity::Hint));
        assert_eq!(
            editor.over(&config).diagnostic_level(Code::LateBinding),
            Some(Severity::Hint)
        );
        let selected = parse_project_config("[tool.closure-lens]\nselect = [\"late-binding\"]\n");
        let selected = Settings::default().over(&selected.unwrap());
        assert!(selected.diagnostic_level(Code::LateBinding).is_some());
        assert!(selected.diagnostic_level(Code::ClassScope).is_none());
        assert_eq!(
            parse_project_config("[tool.other]\npython-version = \"3.12\"\n").unwrap(),
            ProjectConfig::default()
        );
        assert!(parse_project_config("[tool.closure-lens]\npython-version = \"2.7\"\n").is_err());
        assert!(parse_project_config("[tool.closure-lens]\nselct = []\n").is_err());
        assert!(parse_project_config("not toml = = 1").is_err());
    }
}
