//! The `closure-lens check` command: analyse files and directories, report closures and the
//! closure-related SyntaxErrors, for people (`text`) or programs (`json`, one object per line).

mod files;
mod report;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;

use crate::analysis::{self, PythonVersion};
use crate::line_index::LineIndex;
use crate::syntax;

pub use files::{SourceError, collect_python_files, read_source};
pub use report::{FileReport, Summary};

/// Files analysed in parallel before their output is written, in path order.
const CHUNK: usize = 64;

/// Stack for analysis threads: the analysis recurses along the syntax tree (to a capped depth).
const ANALYSIS_STACK: usize = 64 * 1024 * 1024;

/// Runs `check` over `paths` and returns the exit status (0 clean, 1 closure errors, 2 unreadable
/// paths).
pub fn check(paths: &[PathBuf], version: PythonVersion, json: bool) -> ExitCode {
    let (files, mut unreadable) = collect_python_files(paths);
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
    let mut summary = Summary::default();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for chunk in files.chunks(CHUNK) {
        let results: Vec<Result<FileReport, SourceError>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|path| {
                    let text = read_source(path)?;
                    Ok(analyse_file(path.display().to_string(), &text, version))
                })
                .collect()
        });
        for result in results {
            match result {
                Ok(report) => {
                    summary.add(&report);
                    let written = if json {
                        report.write_json(&mut out)
                    } else {
                        report.write_text(&mut out)
                    };
                    if written.is_err() {
                        return ExitCode::from(2); // stdout closed: nothing left to say
                    }
                }
                Err(err) => {
                    let _ = out.flush();
                    eprintln!("closure-lens: {err}");
                    unreadable += 1;
                }
            }
        }
    }
    if !json {
        let _ = summary.write_text(&mut out, unreadable);
    }
    let _ = out.flush();
    if unreadable > 0 {
        ExitCode::from(2)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses and analyses one source text.
pub fn analyse_file(path: String, text: &str, version: PythonVersion) -> FileReport {
    let tree = syntax::parse(text);
    let analysis = analysis::analyze(text, &tree, version);
    drop(tree);
    FileReport {
        path,
        text: text.to_owned(),
        lines: LineIndex::new(text),
        analysis,
    }
}
