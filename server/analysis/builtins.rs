//! The names of CPython's `builtins` module per version: where a global lookup ends.
//!
//! The lists are CPython's own `dir(builtins)`, written by `tests/oracle/regenerate-builtins`
//! (3.11 natively, 3.12–3.14 through pyodide); `tests/builtins_oracle.rs` checks the 3.11 list
//! against the machine's interpreter.

use std::sync::OnceLock;

use super::model::PythonVersion;

/// The builtin names of `version`, sorted.
pub fn names(version: PythonVersion) -> impl Iterator<Item = &'static str> {
    let list = match version {
        PythonVersion::Py311 => include_str!("builtins/3.11.txt"),
        PythonVersion::Py312 => include_str!("builtins/3.12.txt"),
        PythonVersion::Py313 => include_str!("builtins/3.13.txt"),
        PythonVersion::Py314 => include_str!("builtins/3.14.txt"),
    };
    list.lines()
}

/// Whether `name` is a builtin in `version` (a binary search: diagnostics ask for every global
/// read).
pub fn is_builtin(version: PythonVersion, name: &str) -> bool {
    static SORTED: [OnceLock<Vec<&str>>; 4] = [const { OnceLock::new() }; 4];
    let index = PythonVersion::ALL
        .iter()
        .position(|&v| v == version)
        .unwrap_or(0);
    SORTED[index]
        .get_or_init(|| names(version).collect())
        .binary_search(&name)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_versioned() {
        for version in PythonVersion::ALL {
            let names: Vec<&str> = names(version).collect();
            assert!(names.is_sorted(), "{version}");
            assert!(is_builtin(version, "print") && is_builtin(version, "super"));
            assert!(!is_builtin(version, "prin"));
        }
        assert!(!is_builtin(PythonVersion::Py311, "PythonFinalizationError"));
        assert!(is_builtin(PythonVersion::Py313, "PythonFinalizationError"));
    }
}
