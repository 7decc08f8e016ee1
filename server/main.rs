//! The `closure-lens` command: `check` for scripts and CI, `serve` for editors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use closure_lens::analysis::PythonVersion;
use closure_lens::cli::output::OutputFormat;
use closure_lens::cli::{CheckOptions, FixMode, Settings};
use closure_lens::config;
use closure_lens::ide::diagnostics::Code;

#[derive(Parser)]
#[command(
    name = "closure-lens",
    version,
    about = "Shows what Python closures capture, exactly as CPython computes it"
)]
struct Args {
    /// Serve LSP over stdio (the form editor configurations use).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse files and directories; report closures, closure-related SyntaxErrors and closure
    /// bugs (late binding, a missing `nonlocal`, …).
    ///
    /// Settings come from the `[tool.closure-lens]` table of the nearest `pyproject.toml` of the
    /// current directory; options override them. An option given twice takes its last value (so
    /// pre-commit `args` override the hook's).
    #[command(args_override_self = true)]
    Check {
        /// The Python version whose rules apply (default: `python-version` of
        /// `[tool.closure-lens]`, else 3.14).
        #[arg(long, value_parser = parse_version)]
        python_version: Option<PythonVersion>,
        /// Report only these codes (comma-separated; default: all).
        #[arg(long, value_delimiter = ',')]
        select: Vec<String>,
        /// Do not report these codes (comma-separated).
        #[arg(long, value_delimiter = ',')]
        ignore: Vec<String>,
        /// Apply the safe fixes in place, then report what remains.
        #[arg(long, conflicts_with = "diff")]
        fix: bool,
        /// Print the safe fixes as a unified diff instead of applying them (exit status 1 when
        /// there are some).
        #[arg(long)]
        diff: bool,
        /// How to print the results.
        #[arg(long, alias = "format", value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
        /// Neither read nor write `.closure-lens-cache/` in the current directory.
        #[arg(long)]
        no_cache: bool,
        /// Files and directories (directories are walked for `*.py`, respecting `.gitignore`).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run the language server over stdio.
    Serve {
        /// Accepted for compatibility with editor configurations; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
        /// The largest message accepted, in bytes (suffixes K, M, G: binary units); larger
        /// messages are answered with an error without being read into memory.
        #[arg(long, value_parser = parse_size, default_value = "64M")]
        max_message_size: usize,
        /// Documents larger than this (bytes; K, M, G suffixes) are kept in sync but not analysed.
        #[arg(long, value_parser = parse_size, default_value = "64M")]
        max_document_size: usize,
        /// Seconds a request may take before it is answered with an error.
        #[arg(long, default_value_t = 30.0)]
        request_timeout: f64,
    },
}

fn parse_version(text: &str) -> Result<PythonVersion, String> {
    PythonVersion::parse(text).ok_or_else(|| {
        format!("unsupported Python version {text:?} (expected 3.11, 3.12, 3.13 or 3.14)")
    })
}

/// The settings of a `check` run: the project's `[tool.closure-lens]`, then the options.
fn check_settings(
    python_version: Option<PythonVersion>,
    select: &[String],
    ignore: &[String],
) -> Result<Settings, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let project = config::project_config(&cwd)?;
    let codes = |list: &[String]| -> Result<Vec<Code>, String> {
        list.iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| Code::parse(c).ok_or_else(|| format!("unknown code {c:?}")))
            .collect()
    };
    let mut levels = project.levels;
    let selected = codes(select)?;
    if !selected.is_empty() {
        for code in Code::all() {
            if selected.contains(&code) {
                levels.remove(&code);
            } else {
                levels.insert(code, None);
            }
        }
    }
    for code in codes(ignore)? {
        levels.insert(code, None);
    }
    Ok(Settings {
        python_version: python_version
            .or(project.python_version)
            .unwrap_or_default(),
        levels,
    })
}

/// A size in bytes with an optional binary unit: `64M`, `512K`, `1G`.
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let shift = match unit
        .trim()
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        other => return Err(format!("unknown unit {other:?} (use K, M or G)")),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("expected a size in bytes, got {text:?}"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{text} is too large"))
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match args.command {
        Some(Command::Check {
            python_version,
            select,
            ignore,
            fix,
            diff,
            output_format,
            no_cache,
            paths,
        }) => {
            let settings = match check_settings(python_version, &select, &ignore) {
                Ok(settings) => settings,
                Err(problem) => {
                    eprintln!("closure-lens: {problem}");
                    return ExitCode::from(2);
                }
            };
            let fix = if fix {
                FixMode::Apply
            } else if diff {
                FixMode::Diff
            } else {
                FixMode::Report
            };
            closure_lens::cli::check(
                &paths,
                &CheckOptions {
                    settings,
                    output_format,
                    cache: !no_cache,
                    fix,
                },
            )
        }
        Some(Command::Serve {
            stdio: _,
            max_message_size,
            max_document_size,
            request_timeout,
        }) => {
            let options = closure_lens::lsp::Options {
                max_message_size,
                max_document_size,
                request_budget: std::time::Duration::try_from_secs_f64(request_timeout)
                    .unwrap_or(std::time::Duration::MAX),
                ..closure_lens::lsp::Options::default()
            };
            closure_lens::lsp::run_stdio(options)
        }
        None if args.stdio => closure_lens::lsp::run_stdio(closure_lens::lsp::Options::default()),
        None => {
            eprintln!("closure-lens: expected a command (check, serve); see --help");
            ExitCode::from(2)
        }
    }
}
