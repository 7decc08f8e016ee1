//! Pseudo-random edits inside function and class bodies and in function headers, as someone
//! typing makes them: for the tests that
//! check that re-analysing one body gives what a whole analysis gives (public for the
//! integration tests; nothing else uses it).

use crate::analysis::{Analysis, ScopeId, ScopeKind, TextRange};

/// With `CLOSURE_LENS_TYPING_DIR=DIR` (say, the programs of `tests/oracle/random_programs.py`):
/// the texts of DIR's `.py` files, in name order.
pub fn programs_from_env() -> Vec<String> {
    let Ok(dir) = std::env::var("CLOSURE_LENS_TYPING_DIR") else {
        return Vec::new();
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("CLOSURE_LENS_TYPING_DIR={dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    paths.sort();
    let text = |p: &std::path::PathBuf| std::fs::read_to_string(p).unwrap();
    paths.iter().map(text).collect()
}

/// Statements typed at the start of a body line (after its indentation; `{i}` is that
/// indentation, for the lines after the first).
const STATEMENTS: [&str; 17] = [
    "from m import *",
    "y = 1",
    "nonlocal count",
    "global g",
    "z = lambda: q + y",
    "print(a, count)",
    "def h():\n{i}    return w + y",
    "r = [i for i in a if i]",
    "super().m()",
    "del y",
    "for k in a:\n{i}    fs.append(lambda: k)",
    "class K:\n{i}    def m(self):\n{i}        return __x",
    "try:\n{i}    pass\n{i}except E as e:\n{i}    pass",
    "step = (yield)",
    "if a:\n{i}    w = 2",
    "return count",
    "count = [c for c in a]",
];

/// Text typed in a `def`'s parameters.
const IN_PARAMETERS: [&str; 8] = [
    "_", "x", ", extra", ", k=None", ", a: int", "=a", " ", ", *args",
];

/// An edit in the header of some function of `text` (analysed as `analysis`), between its name
/// and its `:`: deleting a character of a parameter, or typing one of [`IN_PARAMETERS`].
fn header_edit(text: &str, analysis: &Analysis, seed: u64) -> Option<(usize, usize, String)> {
    let headers: Vec<(ScopeId, TextRange)> = analysis
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ScopeKind::Function && s.focus_range.end < s.header_end)
        .map(|(i, s)| {
            (
                ScopeId(i as u32),
                TextRange::new(s.focus_range.end, s.header_end - 1),
            )
        })
        .collect();
    let (function, header) = *headers.get((seed >> 33) as usize % headers.len().max(1))?;
    let pick = (seed >> 13) as usize;
    let params: Vec<TextRange> = analysis
        .occurrences_in(header)
        .iter()
        .filter(|o| o.scope == function && o.range.end - o.range.start > 1)
        .map(|o| o.range)
        .collect();
    if seed % 3 == 0 && !params.is_empty() {
        let name = params[pick % params.len()];
        let last = text[..name.end]
            .chars()
            .next_back()
            .map_or(1, char::len_utf8);
        return Some((name.end - last, name.end, String::new()));
    }
    let mut at = header.start + pick % (header.end - header.start + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let typed = IN_PARAMETERS[(seed >> 5) as usize % IN_PARAMETERS.len()];
    Some((at, at, typed.into()))
}

/// A source of edits; each is (start byte, end byte, inserted text) of the text it was made for.
pub struct BodyEdits {
    state: u64,
    /// The edit that takes back one that broke the syntax.
    undo: Option<(usize, usize, String)>,
}

/// The indentation of the line starting at `line`.
fn indent_at(text: &str, line: usize) -> String {
    text[line..].chars().take_while(|c| *c == ' ').collect()
}

/// One of [`STATEMENTS`], picked by `seed`.
fn statement(seed: u64) -> &'static str {
    STATEMENTS[(seed >> 7) as usize % STATEMENTS.len()]
}

/// One of [`STATEMENTS`] (picked by `seed`), indented by `indent`, as a line inserted at `at`.
fn statement_line(seed: u64, at: usize, indent: &str) -> (usize, usize, String) {
    let statement = statement(seed).replace("{i}", indent);
    (at, at, format!("{indent}{statement}\n"))
}

impl BodyEdits {
    /// A sequence determined by `seed`.
    pub fn new(seed: u64) -> Self {
        BodyEdits {
            state: seed,
            undo: None,
        }
    }

    /// Asks the next edit to take back the one just made (at `start`, `inserted` bytes long,
    /// replacing `removed`): call it when that edit broke the syntax.
    pub fn take_back(&mut self, start: usize, inserted: usize, removed: String) {
        self.undo = Some((start, start + inserted, removed));
    }

    /// The next edit inside some function's or class's body of `text` (analysed as
    /// `analysis`): typing or deleting a character of a name, typing a statement, deleting a
    /// line, typing Enter (and part of a statement) or a statement after the body's last line,
    /// or typing a character anywhere in the body; or in some function's header (see
    /// [`header_edit`]).
    /// `None` when the text has no function.
    pub fn next(&mut self, text: &str, analysis: &Analysis) -> Option<(usize, usize, String)> {
        if let Some(undo) = self.undo.take() {
            return Some(undo);
        }
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let seed = self.state;
        let bodies: Vec<TextRange> = analysis
            .scopes
            .iter()
            .filter(|s| matches!(s.kind, ScopeKind::Function | ScopeKind::Class))
            .map(|s| TextRange::new(s.header_end, s.range.end))
            .collect();
        let body = *bodies.get((seed >> 33) as usize % bodies.len().max(1))?;
        let pick = (seed >> 13) as usize;
        let names: Vec<TextRange> = analysis
            .occurrences_in(body)
            .iter()
            .map(|o| o.range)
            .collect();
        let line_starts: Vec<usize> = (body.start.max(1)..body.end)
            .filter(|&i| text.as_bytes()[i - 1] == b'\n')
            .collect();
        if (seed >> 50) % 7 == 6 {
            return header_edit(text, analysis, seed);
        }
        match (seed >> 50) % 6 {
            0 | 1 if !names.is_empty() => {
                let name = names[pick % names.len()];
                if seed % 2 == 0 || name.end - name.start < 2 {
                    Some((name.end, name.end, "_".into()))
                } else {
                    let last = text[..name.end]
                        .chars()
                        .next_back()
                        .map_or(1, char::len_utf8);
                    Some((name.end - last, name.end, String::new()))
                }
            }
            2 | 3 if !line_starts.is_empty() => {
                let at = line_starts[pick % line_starts.len()];
                Some(statement_line(seed, at, &indent_at(text, at)))
            }
            5 if (seed >> 3) % 2 == 0 => {
                // Where most code is written: after the body's last line, Enter (a new line
                // indented as that line) and the start of a statement, unfinished as while it
                // is typed (maybe none of it), or a statement on the line after it at that indent.
                let line = text[..body.end].rfind('\n').map_or(0, |i| i + 1);
                let indent = indent_at(text, line);
                if seed % 2 == 0 || !text[body.end..].starts_with('\n') {
                    let first_line = statement(seed).lines().next().unwrap_or_default();
                    let typed = &first_line[..pick % (first_line.len() + 1)];
                    Some((body.end, body.end, format!("\n{indent}{typed}")))
                } else {
                    Some(statement_line(seed, body.end + 1, &indent))
                }
            }
            4 if line_starts.len() > 1 => {
                let at = line_starts[pick % line_starts.len()];
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                Some((at, end.min(body.end), String::new()))
            }
            _ => {
                let mut at = body.start + pick % (body.end - body.start + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                // Brackets and colons break the syntax around them; a stray `$` or `+` mostly
                // breaks just the statement it lands in.
                const TYPED: [&str; 9] = ["(", ")", ":", "x", " ", "\n", "é", "$", " +"];
                let typed = TYPED[(seed >> 5) as usize % TYPED.len()];
                Some((at, at, typed.into()))
            }
        }
    }
}
