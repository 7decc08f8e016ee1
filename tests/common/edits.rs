//! Hostile random edits of Python text, and where the standard library is: for the tests that
//! check that incremental work (reparse, re-analysis, the server's document) equals fresh work.

/// A small deterministic pseudo-random source (xorshift*).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 pseudo-random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ALPHABET: &[&str] = &[
    "x",
    "n",
    " ",
    "(",
    ")",
    ":",
    "=",
    ",",
    "é",
    "😀",
    "変",
    "\n",
    "\n    ",
    "\n        ",
    "    ",
    "\t",
    "lambda: n",
    "nonlocal count\n",
    "def g():\n    return n\n",
    "class K:\n",
    "super()",
    "\\\n",
    "\"",
    "'''",
    "#",
    "global x\n",
    "\r\n",
    "@d\n",
];

/// One random edit of `text`: (range start, range end, inserted text). The edits break
/// indentation, land on chunk (top-level statement) boundaries, cut and join lines and insert
/// non-ASCII text.
pub fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    // Line starts at column 0: chunk boundaries.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let start = match rng.below(4) {
        0 => line_starts[rng.below(line_starts.len())],
        _ => boundaries[rng.below(boundaries.len())],
    };
    let end = match rng.below(5) {
        0 | 1 => start,
        2 => {
            // Delete one character or a few.
            let after: Vec<usize> = boundaries
                .iter()
                .copied()
                .filter(|&b| b > start)
                .take(4)
                .collect();
            after
                .get(rng.below(after.len().max(1)))
                .copied()
                .unwrap_or(start)
        }
        3 => {
            // Delete to the end of the line or across lines (joins, dedents).
            let rest = &text[start..];
            let cut = rest.find('\n').map_or(rest.len(), |i| {
                i + 1 + rng.below(2) * rest[i + 1..].find('\n').unwrap_or(0)
            });
            let mut end = (start + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            end
        }
        _ => {
            // Dedent: remove the indentation at a line start.
            let rest = &text[start..];
            start + rest.len() - rest.trim_start_matches(' ').len()
        }
    };
    let insert = if rng.below(3) == 0 {
        String::new()
    } else {
        ALPHABET[rng.below(ALPHABET.len())].to_owned()
    };
    (start, end, insert)
}

/// The standard library of the machine's `python3`.
pub fn stdlib() -> std::path::PathBuf {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig;print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3");
    std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// With `CLOSURE_LENS_TYPING_DIR=DIR` (say, the programs of `tests/oracle/random_programs.py`):
/// DIR's `.py` files that parse without error, as one module to edit.
pub fn programs_from_env() -> Option<(String, String)> {
    let dir = std::env::var("CLOSURE_LENS_TYPING_DIR").ok()?;
    let programs = closure_lens::analysis::incremental::random_edits::programs_from_env();
    let text = programs
        .into_iter()
        .filter(|t| !closure_lens::syntax::parse(t).root_node().has_error())
        .map(|t| t + "\n\n")
        .collect();
    Some((dir, text))
}

/// The `didChange` event (UTF-8 positions) replacing bytes `start..end` of `text` by `insert`.
pub fn utf8_change(
    text: &str,
    start: usize,
    end: usize,
    insert: &str,
) -> ls_types::TextDocumentContentChangeEvent {
    ls_types::TextDocumentContentChangeEvent {
        range: Some(ls_types::Range::new(
            utf8_position(text, start),
            utf8_position(text, end),
        )),
        range_length: None,
        text: insert.to_owned(),
    }
}

/// The UTF-8 position of byte `offset` of `text` (lines end at `\n`, `\r\n` or `\r`).
pub fn utf8_position(text: &str, offset: usize) -> ls_types::Position {
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + before.matches('\r').count()
        - before.matches("\r\n").count();
    ls_types::Position::new(line as u32, (offset - line_start) as u32)
}

/// The number in the environment variable `name` (a test's size, raised for longer runs), or
/// `default` when it is unset or not a number.
pub fn from_env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
