//! Where imports are looked for, and how a module name becomes a file.
//!
//! Search roots, in order, as CPython's `sys.path` would hold them for a project: each workspace
//! folder, its `src/` directory, the configured extra paths, then the site-packages of the
//! virtual environments (`VIRTUAL_ENV`, then `.venv`/`venv` in a workspace folder). A relative
//! import is looked up from the importing file's package. Nothing is read here but directory
//! entries and file sizes.

use std::path::{Path, PathBuf};

use super::fs::FileSystem;
use crate::ide::decorators::ImportedModule;

/// Where a module name leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A module file (`pkg/mod.py`, `pkg/__init__.py`), and its dotted name.
    File {
        path: PathBuf,
        name: String,
    },
    /// A directory without `__init__.py` (a namespace package).
    Namespace,
    NotFound,
}

/// The search roots of a workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roots {
    pub paths: Vec<PathBuf>,
}

impl Roots {
    /// The roots of `folders` (workspace folders), with `extra_paths` (relative ones are taken
    /// from each folder) and the virtual environment `virtual_env` (`VIRTUAL_ENV`), if any.
    pub fn new(
        fs: &dyn FileSystem,
        folders: &[PathBuf],
        extra_paths: &[String],
        virtual_env: Option<&Path>,
    ) -> Self {
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut add = |path: PathBuf| {
            if fs.is_dir(&path) && !paths.contains(&path) {
                paths.push(path);
            }
        };
        for folder in folders {
            add(folder.clone());
            add(folder.join("src"));
        }
        for extra in extra_paths {
            let extra = Path::new(extra);
            if extra.is_absolute() {
                add(extra.to_path_buf());
            } else {
                for folder in folders {
                    add(folder.join(extra));
                }
            }
        }
        // The activated environment first, then the project's own.
        let venvs: Vec<PathBuf> = virtual_env
            .map(Path::to_path_buf)
            .into_iter()
            .chain(
                folders
                    .iter()
                    .flat_map(|f| [f.join(".venv"), f.join("venv")]),
            )
            .collect();
        for venv in venvs {
            for site in site_packages(fs, &venv) {
                add(site);
            }
        }
        Roots { paths }
    }

    /// Where `module`, imported by the file at `importer`, is.
    pub fn resolve(
        &self,
        fs: &dyn FileSystem,
        importer: Option<&Path>,
        module: &ImportedModule,
    ) -> Resolved {
        if module.level > 0 {
            let Some(mut base) = importer.and_then(Path::parent).map(Path::to_path_buf) else {
                return Resolved::NotFound;
            };
            for _ in 1..module.level {
                if !base.pop() {
                    return Resolved::NotFound;
                }
            }
            let prefix = importer
                .and_then(|p| self.name_of(p))
                .map(|name| package_prefix(&name, module.level))
                .unwrap_or_default();
            return find_in(fs, &base, &module.name, &prefix);
        }
        let mut namespace = false;
        let fallback = importer.and_then(Path::parent).map(Path::to_path_buf);
        for root in self.paths.iter().chain(fallback.as_ref()) {
            match find_in(fs, root, &module.name, "") {
                Resolved::File { path, name } => return Resolved::File { path, name },
                Resolved::Namespace => namespace = true,
                Resolved::NotFound => {}
            }
        }
        if namespace {
            Resolved::Namespace
        } else {
            Resolved::NotFound
        }
    }

    /// The dotted name of the module at `path`, from the first root holding it.
    pub fn name_of(&self, path: &Path) -> Option<String> {
        let relative = self
            .paths
            .iter()
            .filter_map(|root| path.strip_prefix(root).ok())
            .min_by_key(|r| r.components().count())?;
        Some(dotted(relative))
    }
}

/// `a/b/__init__.py` → `a.b`; `a/b.py` → `a.b`.
fn dotted(relative: &Path) -> String {
    let without = relative.with_extension("");
    let mut parts: Vec<String> = without
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "__init__") {
        parts.pop();
    }
    parts.join(".")
}

/// The package a relative import with `level` dots starts from, as a name prefix (`pkg.sub.`).
fn package_prefix(importer: &str, level: u32) -> String {
    let mut parts: Vec<&str> = importer.split('.').filter(|p| !p.is_empty()).collect();
    for _ in 0..level {
        parts.pop();
    }
    parts.iter().map(|p| format!("{p}.")).collect()
}

/// `name` under the directory `base` (`prefix` is the dotted name of `base`).
fn find_in(fs: &dyn FileSystem, base: &Path, name: &str, prefix: &str) -> Resolved {
    let mut dir = base.to_path_buf();
    for part in name.split('.').filter(|p| !p.is_empty()) {
        dir.push(part);
    }
    let full = format!("{prefix}{name}").trim_end_matches('.').to_owned();
    let init = dir.join("__init__.py");
    if fs.file_size(&init).is_some() {
        return Resolved::File {
            path: init,
            name: full,
        };
    }
    if !name.is_empty() {
        let file = dir.with_extension("py");
        if fs.file_size(&file).is_some() {
            return Resolved::File {
                path: file,
                name: full,
            };
        }
    }
    if fs.is_dir(&dir) {
        Resolved::Namespace
    } else {
        Resolved::NotFound
    }
}

/// The `site-packages` directories of the virtual environment at `venv`.
fn site_packages(fs: &dyn FileSystem, venv: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let windows = venv.join("Lib").join("site-packages");
    if fs.is_dir(&windows) {
        found.push(windows);
    }
    let mut pythons = fs.list(&venv.join("lib"));
    pythons.sort();
    for python in pythons {
        let is_python = python
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("python"));
        let site = python.join("site-packages");
        if is_python && fs.is_dir(&site) {
            found.push(site);
        }
    }
    found
}
