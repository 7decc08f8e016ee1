//! `"decorated"` in the JSON formats' scope tables: for each decorated `def`/`class`, what its
//! decorators do (the chain, the qualname the name ends up bound to, the bound cells), followed
//! through imports to the other modules of the workspace (the current directory, its `src/`,
//! the virtual environment).
//!
//! These facts depend on other files, so they are never cached: they are added to the scope
//! table (cached or not) of each file that has a decorator.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::analysis::PythonVersion;
use crate::ide::decorators::{ModuleFile, json};
use crate::workspace::{NoBuffers, RealFs, Roots, Workspace};

/// The modules `check` follows imports into.
pub fn workspace(cwd: Option<&Path>) -> Workspace {
    let workspace = Workspace::new(Arc::new(RealFs));
    let folders: Vec<PathBuf> = cwd.map(Path::to_path_buf).into_iter().collect();
    let venv = std::env::var_os("VIRTUAL_ENV").map(PathBuf::from);
    let roots = Roots::new(workspace.fs(), &folders, &[], venv.as_deref());
    workspace.set_roots(roots);
    workspace
}

/// `scopes` (the scope table as JSON) with `"decorated"` on each decorated scope of `text`.
pub fn add(
    workspace: &Workspace,
    path: &Path,
    text: &str,
    python: PythonVersion,
    scopes: String,
) -> String {
    let has_decorator = text.lines().any(|l| l.trim_start().starts_with('@'));
    if !has_decorator {
        return scopes;
    }
    let Ok(mut table) = serde_json::from_str::<Value>(&scopes) else {
        return scopes;
    };
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let name = workspace
        .roots()
        .name_of(&absolute)
        .unwrap_or_else(|| "__main__".into());
    let module = Arc::new(ModuleFile::parse(
        Some(absolute),
        name,
        text.to_owned(),
        python,
    ));
    let modules = workspace.modules(&NoBuffers, python);
    for (scope, steps) in json::decorated(&module, &modules) {
        if let (Some(entry), Ok(steps)) =
            (table.get_mut(scope.0 as usize), serde_json::to_value(steps))
        {
            if let Some(object) = entry.as_object_mut() {
                object.insert("decorated".into(), steps);
            }
        }
    }
    serde_json::to_string(&table).unwrap_or(scopes)
}
