//! `cargo bench --bench stdlib`: closure-lens over the whole standard library of the machine's
//! `python3`, next to tree-sitter parsing alone and CPython's own `symtable.symtable()`.
//!
//! Prints files, MB, wall and CPU seconds for each, and the peak memory of `check`. Figures, not
//! assertions: compare them with the targets in the README.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// CPU seconds used so far by this process (`self`) and by its waited-for children.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the ")" the fields start at "state" (field 3): utime=14, stime=15, cutime=16, cstime=17.
    let hz = 100.0;
    ((ticks(11) + ticks(12)) / hz, (ticks(13) + ticks(14)) / hz)
}

fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn stdlib_files() -> (PathBuf, Vec<PathBuf>) {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 runs");
    let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_none_or(|n| n != "site-packages") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "py") {
                files.push(path);
            }
        }
    }
    files.sort();
    (root, files)
}

struct Run {
    wall: Duration,
    cpu: f64,
    peak_mb: Option<f64>,
}

/// Runs a command to completion, measuring wall time, children's CPU and (by polling) peak RSS.
fn run(mut command: Command) -> Run {
    let (_, children_before) = cpu_seconds();
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the command");
    let pid = child.id();
    let mut peak = None;
    loop {
        if let Some(mb) = peak_rss_mb(pid) {
            peak = Some(mb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = started.elapsed();
    let (_, children_after) = cpu_seconds();
    Run {
        wall,
        cpu: children_after - children_before,
        peak_mb: peak,
    }
}

fn main() {
    let (root, files) = stdlib_files();
    let sources: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let megabytes = sources.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    println!(
        "standard library: {} ({} files, {:.1} MB), {} cores",
        root.display(),
        files.len(),
        megabytes,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // (a) tree-sitter parsing alone, in parallel, in this process.
    let (cpu_before, _) = cpu_seconds();
    let started = Instant::now();
    let nodes: usize = sources
        .par_iter()
        .map(|s| {
            closure_lens::syntax::parse(s)
                .root_node()
                .descendant_count()
        })
        .sum();
    let parse_wall = started.elapsed();
    let (cpu_after, _) = cpu_seconds();
    let parse_cpu = cpu_after - cpu_before;
    println!(
        "(a) tree-sitter parse only     wall {:>6.2}s  cpu {:>6.2}s  ({nodes} nodes)",
        parse_wall.as_secs_f64(),
        parse_cpu
    );

    // (a') parsing plus the analysis, in this process (no output).
    let (cpu_before, _) = cpu_seconds();
    let started = Instant::now();
    let scopes: usize = sources
        .par_iter()
        .map(|s| {
            let tree = closure_lens::syntax::parse(s);
            closure_lens::analysis::analyze(s, &tree, closure_lens::analysis::PythonVersion::Py311)
                .scopes
                .len()
        })
        .sum();
    let analyse_wall = started.elapsed();
    let (cpu_after, _) = cpu_seconds();
    let analyse_cpu = cpu_after - cpu_before;
    println!(
        "(a') parse + analyse           wall {:>6.2}s  cpu {:>6.2}s  ({scopes} scopes; analysis adds {:+.0}% CPU)",
        analyse_wall.as_secs_f64(),
        analyse_cpu,
        (analyse_cpu / parse_cpu - 1.0) * 100.0
    );

    // (b) the real command, as users run it.
    let mut check = Command::new(env!("CARGO_BIN_EXE_closure-lens"));
    check
        .args(["check", "--output-format", "json-lines", "--no-cache"])
        .args(["--python-version", "3.11"])
        .args(&files);
    let ours = run(check);
    println!(
        "(b) check --output-format json-lines --no-cache  wall {:>6.2}s  cpu {:>6.2}s  peak {:.0} MB",
        ours.wall.as_secs_f64(),
        ours.cpu,
        ours.peak_mb.unwrap_or(f64::NAN)
    );

    // (c) CPython's symtable over the same files, one process.
    let script = "import sys, symtable, tokenize\n\
                  for path in sys.argv[1:]:\n\
                  \x20   try:\n\
                  \x20       with tokenize.open(path) as f: src = f.read()\n\
                  \x20       symtable.symtable(src, path, 'exec')\n\
                  \x20   except Exception: pass\n";
    let mut cpython = Command::new("python3");
    cpython.args(["-c", script]).args(&files);
    let cpython = run(cpython);
    println!(
        "(c) CPython symtable.symtable  wall {:>6.2}s  cpu {:>6.2}s  peak {:.0} MB",
        cpython.wall.as_secs_f64(),
        cpython.cpu,
        cpython.peak_mb.unwrap_or(f64::NAN)
    );

    println!(
        "check CPU over parsing alone: {:+.0}%   check wall / CPython wall: {:.2}x",
        (ours.cpu / parse_cpu - 1.0) * 100.0,
        ours.wall.as_secs_f64() / cpython.wall.as_secs_f64()
    );

    cache(&files);
}

/// (d) `check` with `.closure-lens-cache/`: without it, filling it (cold) and reading it (warm),
/// for the default text output and for json-lines (whose scope tables are cached separately).
fn cache(files: &[PathBuf]) {
    const RUNS: usize = 5;
    let dir = tempfile::tempdir().expect("temporary folder");
    let cache_dir = dir.path().join(".closure-lens-cache");
    let check = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_closure-lens"));
        command
            .current_dir(dir.path())
            .args(["check", "--python-version", "3.11"])
            .args(args)
            .args(files);
        run(command)
    };
    let median = |mut runs: Vec<Run>| {
        runs.sort_by_key(|r| r.wall);
        runs.swap_remove(runs.len() / 2)
    };
    for format in ["text", "json-lines"] {
        let format_args = ["--output-format", format];
        let no_cache = median(
            (0..RUNS)
                .map(|_| check(&[&format_args[..], &["--no-cache"]].concat()))
                .collect(),
        );
        let cold = median(
            (0..RUNS)
                .map(|_| {
                    let _ = std::fs::remove_dir_all(&cache_dir);
                    check(&format_args)
                })
                .collect(),
        );
        let warm = median((0..RUNS).map(|_| check(&format_args)).collect());
        println!(
            "(d) check --output-format {format:<10} no cache {:>5.2}s (cpu {:.2}s)   \
             cold cache {:>5.2}s (cpu {:.2}s)   warm cache {:>5.3}s (cpu {:.2}s)   \
             no cache / warm: wall {:.1}x, cpu {:.1}x",
            no_cache.wall.as_secs_f64(),
            no_cache.cpu,
            cold.wall.as_secs_f64(),
            cold.cpu,
            warm.wall.as_secs_f64(),
            warm.cpu,
            no_cache.wall.as_secs_f64() / warm.wall.as_secs_f64(),
            no_cache.cpu / warm.cpu,
        );
    }
    let size: u64 = walk_size(&cache_dir);
    println!(
        "    cache size with scope tables: {:.1} MB (medians of {RUNS} runs)",
        size as f64 / 1e6
    );
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk_size(&path)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}
