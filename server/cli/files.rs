//! Finding and reading the Python files `check` was given.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Why a path could not be analysed.
#[derive(Debug)]
pub struct SourceError {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// Expands directories into their `*.py` files (respecting `.gitignore`), keeps files as given,
/// and sorts the result. Returns the files and how many paths could not be walked (reported on
/// stderr).
pub fn collect_python_files(paths: &[PathBuf]) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    let mut failures = 0;
    for path in paths {
        if !path.is_dir() {
            if path.exists() {
                files.push(path.clone());
            } else {
                eprintln!(
                    "closure-lens: {}: no such file or directory",
                    path.display()
                );
                failures += 1;
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(path).require_git(false).build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                        files.push(entry.into_path());
                    }
                }
                Err(err) => {
                    eprintln!("closure-lens: {err}");
                    failures += 1;
                }
            }
        }
    }
    files.sort();
    files.dedup();
    (files, failures)
}

/// Reads a Python source file: UTF-8 (a BOM is dropped), or the encoding a PEP 263 coding
/// declaration names (Latin-1 decoded as Python does, others through `encoding_rs`). Binary files
/// and undecodable text are refused with a reason.
pub fn read_source(path: &Path) -> Result<String, SourceError> {
    let fail = |reason: String| SourceError {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.contains(&0) {
        return Err(fail("binary file (contains NUL bytes), skipped".into()));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(err) => match declared_encoding(bytes).as_deref() {
            Some("latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1" | "l1") => {
                Ok(bytes.iter().map(|&b| char::from(b)).collect())
            }
            Some(other) => match encoding_rs::Encoding::for_label(other.as_bytes()) {
                Some(encoding) => {
                    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
                        Some(text) => Ok(text.into_owned()),
                        None => Err(fail(format!("not valid {other} (its declared encoding)"))),
                    }
                }
                None => Err(fail(format!(
                    "declares encoding {other:?}, which closure-lens does not know"
                ))),
            },
            None => Err(fail(format!(
                "not valid UTF-8 (byte {} of the file)",
                err.valid_up_to() + 1
            ))),
        },
    }
}

/// The PEP 263 coding declaration in the first two lines, lowercased with `_` as `-`.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            continue;
        }
        let Some(at) = trimmed.find("coding") else {
            continue;
        };
        let rest = &trimmed[at + "coding".len()..];
        let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) else {
            continue;
        };
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !name.is_empty() {
            return Some(name.to_ascii_lowercase().replace('_', "-"));
        }
    }
    None
}

/// How `check` names a file: relative to `cwd` when it lies inside it, else as given (without
/// `.` components).
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let cleaned: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let relative = cwd
        .filter(|_| cleaned.is_absolute())
        .and_then(|cwd| cleaned.strip_prefix(cwd).ok())
        .filter(|r| !r.as_os_str().is_empty());
    relative.unwrap_or(&cleaned).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_current_directory() {
        let cwd = Some(Path::new("/work/proj"));
        let shown = |p: &str| display_path(Path::new(p), cwd);
        assert_eq!(shown("/work/proj/pkg/a.py"), "pkg/a.py");
        assert_eq!(shown("./pkg/./a.py"), "pkg/a.py");
        assert_eq!(shown("pkg/a.py"), "pkg/a.py");
        assert_eq!(shown("/elsewhere/a.py"), "/elsewhere/a.py");
        assert_eq!(shown("../other/a.py"), "../other/a.py");
        assert_eq!(shown("/work/project2/a.py"), "/work/project2/a.py");
    }
}
