//! The `closure-lens` command: `check` for scripts and CI, `serve` for editors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use closure_lens::analysis::PythonVersion;
use closure_lens::cli::output::OutputFormat;
use closure_lens::cli::{CheckOptions, Settings};

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
    /// Analyse files and directories; report closures and closure-related SyntaxErrors.
    ///
    /// An option given twice takes its last value (so pre-commit `args` override the hook's).
    #[command(args_override_self = true)]
    Check {
        /// The Python version whose rules apply.
        #[arg(long, value_parser = parse_version, default_value = "3.14")]
        python_version: PythonVersion,
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
    },
}

fn parse_version(text: &str) -> Result<PythonVersion, String> {
    PythonVersion::parse(text).ok_or_else(|| {
        format!("unsupported Python version {text:?} (expected 3.11, 3.12, 3.13 or 3.14)")
    })
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
            output_format,
            no_cache,
            paths,
        }) => closure_lens::cli::check(
            &paths,
            &CheckOptions {
                settings: Settings { python_version },
                output_format,
                cache: !no_cache,
            },
        ),
        Some(Command::Serve { .. }) => closure_lens::lsp::run_stdio(),
        None if args.stdio => closure_lens::lsp::run_stdio(),
        None => {
            eprintln!("closure-lens: expected a command (check, serve); see --help");
            ExitCode::from(2)
        }
    }
}
