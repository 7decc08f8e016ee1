//! The `closure-lens` command: `check` for scripts and CI, `serve` for editors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use closure_lens::analysis::PythonVersion;

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
    Check {
        /// The Python version whose rules apply.
        #[arg(long, value_parser = parse_version, default_value = "3.14")]
        python_version: PythonVersion,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_version(text: &str) -> Result<PythonVersion, String> {
    PythonVersion::parse(text).ok_or_else(|| {
        format!("unsupported Python version {text:?} (expected 3.11, 3.12, 3.13 or 3.14)")
    })
}

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
            format,
            paths,
        }) => closure_lens::cli::check(&paths, python_version, matches!(format, Format::Json)),
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
