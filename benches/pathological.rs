//! `cargo bench --bench pathological`: parse and analysis time of texts that once grew faster
//! than linearly, at 10k, 20k and 40k lines, with the ratio of each time to the previous size's
//! (2.0 is linear, 4.0 quadratic).
//!
//! - `continuation lines`: a statement continued by N lines that hold only a backslash (the
//!   grammar's external scanner rescanned the whole rest of the run before every one of them);
//! - `continued expression`: `x = a + \` continued over N lines, a token on each.
//!
//! Figures, not assertions: medians of 5 runs, wall clock.

use std::time::{Duration, Instant};

use closure_lens::analysis::{self, PythonVersion};
use closure_lens::syntax;

fn continuation_lines(n: usize) -> String {
    let mut text = String::from("def f(a):\n    return lambda: a + \\\n");
    text.push_str(&"\\\n".repeat(n));
    text.push_str("1\n");
    text
}

fn continued_expression(n: usize) -> String {
    let mut text = String::from("def f(a):\n    return lambda: a + \\\n");
    text.push_str(&"    a + \\\n".repeat(n));
    text.push_str("    1\n");
    text
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// Median (parse, parse + analysis) over 5 runs.
fn time(text: &str) -> (Duration, Duration) {
    let mut parse = Vec::new();
    let mut total = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let tree = syntax::parse(text);
        parse.push(started.elapsed());
        let analysis = analysis::analyze(text, &tree, PythonVersion::Py314);
        total.push(started.elapsed());
        assert!(
            !analysis.has_syntax_errors(),
            "the benchmark text should parse"
        );
        assert!(
            analysis.scopes.iter().any(|s| s.name == "lambda"),
            "the lambda at the top should be analysed"
        );
    }
    (median(parse), median(total))
}

fn main() {
    type Shape = (&'static str, fn(usize) -> String);
    let shapes: [Shape; 2] = [
        ("continuation lines", continuation_lines),
        ("continued expression", continued_expression),
    ];
    println!(
        "{:<22} {:>7} {:>11} {:>7} {:>17} {:>7}",
        "text", "lines", "parse", "ratio", "parse + analysis", "ratio"
    );
    for (name, make) in shapes {
        let mut previous: Option<(Duration, Duration)> = None;
        for n in [10_000, 20_000, 40_000] {
            let (parse, total) = time(&make(n));
            let ratio = |now: Duration, before: Option<Duration>| {
                before.map_or("".to_string(), |b| {
                    format!("{:.2}", now.as_secs_f64() / b.as_secs_f64())
                })
            };
            println!(
                "{name:<22} {n:>7} {:>9.1}ms {:>7} {:>15.1}ms {:>7}",
                parse.as_secs_f64() * 1e3,
                ratio(parse, previous.map(|p| p.0)),
                total.as_secs_f64() * 1e3,
                ratio(total, previous.map(|p| p.1)),
            );
            previous = Some((parse, total));
        }
    }
}
