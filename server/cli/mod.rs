//! The `closure-lens check` command: analyse files and directories, report closures and
//! findings in one of several [output formats](output::OutputFormat), reusing cached results
//! for files whose text, settings and engine are unchanged.
//!
//! - [`files`]: finding and reading the Python files;
//! - [`result`]: what was found in one file (what the formats render and the cache stores);
//! - [`rules`]: the registry of finding codes;
//! - [`scopes`]: the scope table of the JSON formats;
//! - [`cache`]: the `.closure-lens-cache/` folder;
//! - [`output`]: one module per output format.

pub mod cache;
mod decorated;
mod files;
mod fixes;
pub mod output;
pub mod result;
mod scopes;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use std::collections::BTreeMap;

use crate::analysis::{self, PythonVersion};
use crate::config;
use crate::ide::FileView;
use crate::ide::diagnostics::{Code, Severity};
use crate::line_index::LineIndex;
use crate::syntax;
use crate::workspace::Workspace;

pub use files::{SourceError, collect_python_files, display_path, read_source};
use output::{CheckedFile, OutputFormat, Summary};
use result::FileResult;
pub use scopes::scopes_json;

/// Files analysed in parallel before their output is written, in path order.
const CHUNK: usize = 64;

/// Stack for analysis threads: the analysis recurses along the syntax tree (to a capped depth).
const ANALYSIS_STACK: usize = 64 * 1024 * 1024;

/// Everything that changes what `check` finds in a file (part of every cache key).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Settings {
    pub python_version: PythonVersion,
    /// Per-code levels (`None`: off), from `[tool.closure-lens]`, `--select` and `--ignore`.
    pub levels: BTreeMap<Code, Option<Severity>>,
}

impl Settings {
    /// The settings the diagnostics read.
    pub fn diagnostics(&self) -> config::Settings {
        config::Settings {
            python_version: Some(self.python_version),
            levels: self.levels.clone(),
            ..config::Settings::default()
        }
    }
}

/// What `check` does with the fixes it finds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FixMode {
    /// Reports them.
    #[default]
    Report,
    /// Applies the safe ones in place, then reports what remains.
    Apply,
    /// Prints the safe ones as a unified diff, writing nothing.
    Diff,
}

/// How `check` runs.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub settings: Settings,
    pub output_format: OutputFormat,
    /// Read and write `.closure-lens-cache/` in the current directory.
    pub cache: bool,
    pub fix: FixMode,
}

/// One file's result and, when the format prints it, its scope table; with `--diff`, the diff
/// of its safe fixes.
struct Checked {
    result: FileResult,
    scopes: Option<String>,
    diff: Option<String>,
}

/// Runs `check` over `paths` and returns the exit status (0 clean, 1 error findings, 2 unreadable
/// paths).
pub fn check(paths: &[PathBuf], options: &CheckOptions) -> ExitCode {
    let cwd = std::env::current_dir().ok();
    let (files, unreadable) = collect_python_files(paths);
    let pool = match rayon::ThreadPoolBuilder::new()
        .stack_size(ANALYSIS_STACK)
        .build()
    {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("closure-lens: cannot start worker threads: {err}");
            return ExitCode::from(2);
        }
    };
    let cache = if options.cache {
        open_cache(cwd.as_deref())
    } else {
        None
    };
    let with_scopes = options.output_format.needs_scopes();
    let workspace = with_scopes.then(|| decorated::workspace(cwd.as_deref()));
    let mut printer = output::printer(
        options.output_format,
        cwd.as_deref().unwrap_or(Path::new("")),
    );
    let mut summary = Summary {
        unreadable,
        ..Summary::default()
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for chunk in files.chunks(CHUNK) {
        let results: Vec<Result<Checked, SourceError>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|path| check_file(path, options, cache.as_ref(), workspace.as_ref()))
                .collect()
        });
        for (path, result) in chunk.iter().zip(results) {
            match result {
                Ok(checked) => {
                    if let Some(diff) = &checked.diff {
                        if out.write_all(diff.as_bytes()).is_err() {
                            return ExitCode::from(2);
                        }
                        summary.fixable += 1;
                    }
                    summary.add(&checked.result);
                    let file = CheckedFile {
                        path: &display_path(path, cwd.as_deref()),
                        result: &checked.result,
                        scopes: checked.scopes.as_deref(),
                    };
                    if printer.file(&mut out, &file).is_err() {
                        return ExitCode::from(2); // stdout closed: nothing left to say
                    }
                }
                Err(err) => {
                    let _ = out.flush();
                    eprintln!("closure-lens: {err}");
                    summary.unreadable += 1;
                }
            }
        }
    }
    let _ = printer.finish(&mut out, &summary);
    let _ = out.flush();
    if summary.unreadable > 0 {
        ExitCode::from(2)
    } else if summary.errors > 0 || summary.fixable > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The cache in the current directory, or `None` (said on stderr) when it cannot be used.
fn open_cache(cwd: Option<&Path>) -> Option<cache::Cache> {
    match cache::Cache::open(cwd.unwrap_or(Path::new("."))) {
        Ok(cache) => Some(cache),
        Err(err) => {
            eprintln!(
                "closure-lens: not caching results ({}): {err}",
                cache::DIR_NAME
            );
            None
        }
    }
}

/// Reads one file and returns its cached result, or analyses it (and caches the result); with
/// `--fix` or `--diff`, applies or shows its safe fixes first.
fn check_file(
    path: &Path,
    options: &CheckOptions,
    cache: Option<&cache::Cache>,
    workspace: Option<&Workspace>,
) -> Result<Checked, SourceError> {
    let mut checked = check_text(path, options, cache, workspace.is_some())?;
    if let (Some(workspace), Some(scopes)) = (workspace, checked.scopes.take()) {
        let text = read_source(path)?;
        let python = options.settings.python_version;
        checked.scopes = Some(decorated::add(workspace, path, &text, python, scopes));
    }
    Ok(checked)
}

/// [`check_file`] without the facts that depend on other files.
fn check_text(
    path: &Path,
    options: &CheckOptions,
    cache: Option<&cache::Cache>,
    with_scopes: bool,
) -> Result<Checked, SourceError> {
    let settings = &options.settings;
    let mut text = read_source(path)?;
    let mut diff = None;
    if options.fix != FixMode::Report {
        if let Some(fixed) = fixes::fixed_text(&text, settings) {
            match options.fix {
                FixMode::Apply => {
                    if let Err(err) = std::fs::write(path, &fixed) {
                        eprintln!("closure-lens: cannot write {}: {err}", path.display());
                    } else {
                        text = fixed;
                    }
                }
                FixMode::Diff => diff = Some(fixes::unified_diff(path, &text, &fixed)),
                FixMode::Report => {}
            }
        }
    }
    let key = cache.map(|c| c.key(settings, &text));
    if let (Some(cache), Some(key)) = (cache, key) {
        if let Some((result, scopes)) = cache.get(key, with_scopes) {
            return Ok(Checked {
                result,
                scopes,
                diff,
            });
        }
    }
    let mut checked = analyse(&text, settings, with_scopes);
    checked.diff = diff;
    if let (Some(cache), Some(key)) = (cache, key) {
        // Best effort: a full disk or a read-only folder only costs the next run time.
        let _ = cache.put(key, &checked.result, checked.scopes.as_deref());
    }
    Ok(checked)
}

/// Parses and analyses one source text.
fn analyse(text: &str, settings: &Settings, with_scopes: bool) -> Checked {
    with_view(text, settings, |file| Checked {
        result: FileResult::new(file, &settings.diagnostics()),
        scopes: with_scopes.then(|| scopes::scopes_json(file.analysis, file.lines)),
        diff: None,
    })
}

/// Parses and analyses `text` (the tree is dropped at once: `check` keeps no trees) and hands
/// `f` the file's view.
fn with_view<R>(text: &str, settings: &Settings, f: impl FnOnce(&FileView) -> R) -> R {
    let analysis = {
        let tree = syntax::parse(text);
        analysis::analyze(text, &tree, settings.python_version)
    };
    let lines = LineIndex::new(text);
    f(&FileView {
        text,
        lines: &lines,
        analysis: &analysis,
    })
}
