//! Incremental reparse == fresh parse, node for node. After each random edit the previous tree is
//! edited (`Tree::edit`) and reparsed with it (`syntax::parse_with`), as the server does; the
//! result must equal a fresh `syntax::parse` of the same text in every node, in pre-order: kind,
//! field, byte range, start and end points, named, missing, error, extra (`to_sexp` would miss
//! ranges). That is what tree-sitter's node reuse must guarantee, what the patch to its runtime
//! (`vendor/tree-sitter/PATCHES.md`: repetition nodes are reusable) must keep, and what the
//! server's re-analysis of one function body relies on, with one more premise checked below: a
//! `def` or `class` around the edit that is still one node over the same range, and holds every
//! range `Tree::changed_ranges` reports, leaves the tree outside it as it was; and the premise
//! of its re-analysis by top-level statements: a chunk of statements outside the edit widened
//! over the changed ranges, over the same bytes as before, is as it was, node for node.
//!
//! The edits: typing inside bodies (`BodyEdits`: names, statements, deleted lines), hostile ones
//! (`random_edit`), lines duplicated, runs of lines indented or dedented one line at a time,
//! statements typed a character at a time at the end of a block, and brackets opened, typed
//! into and closed two edits later. An edit that leaves a syntax error is
//! followed by one that restores the last text without error. Where the fresh tree has an error,
//! tree-sitter's recovery may legitimately take another path from an old tree: those edits are
//! applied but not compared, and counted; most edits must be compared.
//!
//! Neither the range of a def alone nor `Tree::changed_ranges` alone would do. tree-sitter's
//! grammar accepts blocks CPython rejects (an empty body, an unexpected indent), and there an
//! edit inside a method can move the statements after its class while the method keeps its
//! range. And `changed_ranges` can miss a change: in tree-sitter 0.27.1, with or without the
//! patch, deleting `"        )\n        self.assertEqual("` between two calls in `test_typing.py`
//! (joining them into one statement) gets no range at all. Such a miss lies where the text
//! changed, inside the def, so the two together still hold.
//!
//! Inputs: stdlib modules and a 3,000-line module of one class (every statement in one block).
//! `CLOSURE_LENS_REPARSE_EDITS=N` runs N edits per input (default 80).

mod common;

use std::collections::VecDeque;
use std::fmt::Debug;
use std::ops::Range;

use closure_lens::analysis::incremental::chunk_starts;
use closure_lens::analysis::incremental::random_edits::BodyEdits;
use closure_lens::analysis::{self, PythonVersion};
use closure_lens::line_index::LineIndex;
use closure_lens::syntax;
use common::edits::{Rng, from_env, random_edit, stdlib};
use common::synthetic::synthetic_class;
use tree_sitter::{InputEdit, Parser, Point, Tree};

/// An edit: (start byte, end byte, inserted text).
type Edit = (usize, usize, String);

/// What the test compares of a node.
#[derive(Debug, PartialEq)]
struct NodeFacts<'t> {
    depth: usize,
    kind: &'t str,
    field: Option<&'t str>,
    bytes: Range<usize>,
    start: Point,
    end: Point,
    named: bool,
    missing: bool,
    error: bool,
    extra: bool,
}

/// Every node of `tree`, in pre-order.
fn nodes(tree: &Tree) -> Vec<NodeFacts<'_>> {
    let mut cursor = tree.walk();
    let mut all = Vec::new();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        all.push(NodeFacts {
            depth,
            kind: node.kind(),
            field: cursor.field_name(),
            bytes: node.byte_range(),
            start: node.start_position(),
            end: node.end_position(),
            named: node.is_named(),
            missing: node.is_missing(),
            error: node.is_error(),
            extra: node.is_extra(),
        });
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return all;
            }
            depth -= 1;
        }
    }
}

/// The first place where `a` and `b` (named by `names`) differ, described; `None` when they
/// are equal.
fn first_difference<T: PartialEq + Debug>(a: &[T], b: &[T], names: [&str; 2]) -> Option<String> {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if i == a.len() && i == b.len() {
        return None;
    }
    let [x, y] = names;
    Some(format!(
        "node {i}: {x} {:?}\n      {y} {:?}",
        a.get(i),
        b.get(i)
    ))
}

/// The nodes of `all` not inside `range`.
fn outside<'a, 't>(all: &'a [NodeFacts<'t>], range: &Range<usize>) -> Vec<&'a NodeFacts<'t>> {
    all.iter()
        .filter(|n| n.bytes.start < range.start || n.bytes.end > range.end)
        .collect()
}

/// Panics unless, around the edit (`edit`, in the new text), each `def` and `class` of `old`
/// (edited) that `new` (its reparse, whose nodes are `new_nodes`) still has as one node of the
/// same kind over the same range, and that holds every range of `old.changed_ranges(new)`,
/// leaves everything outside it as it was: the premise of the server's re-analysis of one body,
/// which reuses the analysis of the rest. Checked whether or not the trees have errors: the
/// server re-analyses a body with errors in it too. Returns how many were checked.
fn same_outside_the_defs_around(
    old: &Tree,
    new: &Tree,
    new_nodes: &[NodeFacts],
    edit: Range<usize>,
    what: &str,
) -> usize {
    let around = defs_around(old, &edit);
    if around.is_empty() {
        return 0;
    }
    let old_nodes = nodes(old);
    let changed: Vec<Range<usize>> = old
        .changed_ranges(new)
        .map(|r| r.start_byte..r.end_byte)
        .collect();
    let mut checked = 0;
    for (kind, range) in around {
        let still = new_nodes.iter().any(|n| n.kind == kind && n.bytes == range);
        let inside = changed
            .iter()
            .all(|c| range.start <= c.start && c.end <= range.end);
        if !still || !inside {
            continue;
        }
        checked += 1;
        let place = || format!("{what}: outside the {kind} at {range:?}");
        assert_same(
            &outside(&old_nodes, &range),
            &outside(new_nodes, &range),
            place,
        );
    }
    checked
}

/// Panics unless `old` and `new` are equal, saying where (`place`) and how they differ.
fn assert_same<T: PartialEq + Debug>(old: &[T], new: &[T], place: impl Fn() -> String) {
    if let Some(difference) = first_difference(old, new, ["old", "new"]) {
        panic!("{}\n      {difference}", place());
    }
}

/// Panics unless every chunk of `new` (its top-level statements split as the server splits
/// them, [`chunk_starts`]; its nodes are `new_nodes`; its text `len` bytes long) that lies
/// outside the edit (`edit`, in the new text) widened over `old.changed_ranges(new)`, and that
/// `old` (edited) has too over the same bytes, is in `old` as it is, node for node: the premise of the server's re-analysis
/// by top-level statements, which takes the analysis of such a chunk from the last version,
/// with syntax errors in the tree or not. Returns how many chunks were checked.
fn same_chunks_outside_the_change(
    (old, new): (&Tree, &Tree),
    new_nodes: &[NodeFacts],
    edit: Range<usize>,
    len: usize,
    what: &str,
) -> usize {
    let edit_start = edit.start;
    let changed = old.changed_ranges(new).map(|r| r.start_byte..r.end_byte);
    let change = changed.fold(edit, |w, c| w.start.min(c.start)..w.end.max(c.end));
    let chunks = |tree: &Tree| -> Vec<Range<usize>> {
        let starts = chunk_starts(tree).unwrap_or_default();
        let ends = starts.iter().skip(1).map(|s| s.0).chain([len]);
        starts.iter().zip(ends).map(|(s, e)| s.0..e).collect()
    };
    let old_chunks = chunks(old);
    let old_nodes = nodes(old);
    // The statements in `chunk` and their nodes (depth 1 is a statement). In `old` (edited),
    // an empty statement where the edit starts is what is left of one whose text the edit
    // took (`=` deleted at the start of a line leaves its ERROR empty there): the chunk that
    // held it lost text, so the server does not take it from the last version.
    let inside = |all: &[NodeFacts], chunk: &Range<usize>, old: bool| -> Vec<String> {
        let mut kept = Vec::new();
        let mut statement_inside = false;
        for n in all {
            if n.depth == 1 {
                let left_by_the_edit = old && n.bytes == (edit_start..edit_start);
                statement_inside =
                    chunk.start <= n.bytes.start && n.bytes.end <= chunk.end && !left_by_the_edit;
            }
            if n.depth >= 1 && statement_inside {
                kept.push(format!("{n:?}"));
            }
        }
        kept
    };
    let mut checked = 0;
    for chunk in chunks(new) {
        let outside = chunk.end <= change.start || chunk.start >= change.end;
        if !outside || !old_chunks.contains(&chunk) {
            continue;
        }
        checked += 1;
        let place = || format!("{what}: the chunk {chunk:?} outside the change {change:?}");
        assert_same(
            &inside(&old_nodes, &chunk, true),
            &inside(new_nodes, &chunk, false),
            place,
        );
    }
    checked
}

/// The `def`s and `class`es of `tree` whose body holds `edit` (after a def's `:`, from a class's
/// first statement, as the server asks): their kind and range.
fn defs_around<'t>(tree: &'t Tree, edit: &Range<usize>) -> Vec<(&'t str, Range<usize>)> {
    let mut around = Vec::new();
    let mut next = tree
        .root_node()
        .descendant_for_byte_range(edit.start, edit.end);
    while let Some(node) = next {
        next = node.parent();
        let body = node.child_by_field_name("body");
        let body_start = match (node.kind(), body) {
            ("function_definition", Some(body)) => body
                .prev_sibling()
                .map_or(body.start_byte(), |colon| colon.end_byte()),
            ("class_definition", Some(body)) => body.start_byte(),
            _ => continue,
        };
        if body_start <= edit.start && edit.end <= node.end_byte() {
            around.push((node.kind(), node.byte_range()));
        }
    }
    around
}

/// One text edited again and again, its tree reparsed incrementally each time.
struct Session {
    name: &'static str,
    text: String,
    tree: Tree,
    parser: Parser,
    /// The last text the fresh parse found no error in.
    good: String,
    compared: usize,
    skipped: usize,
    /// How many times a `def` or `class` around an edit was found the same outside.
    defs_checked: usize,
    /// How many chunks outside an edit's change were found the same.
    chunks_checked: usize,
}

impl Session {
    fn new(name: &'static str, text: String) -> Self {
        let mut parser = syntax::python_parser();
        let tree = syntax::parse_with(&mut parser, &text, None);
        assert!(
            !tree.root_node().has_error(),
            "{name} must parse without error"
        );
        Session {
            name,
            good: text.clone(),
            text,
            tree,
            parser,
            compared: 0,
            skipped: 0,
            defs_checked: 0,
            chunks_checked: 0,
        }
    }

    /// Applies `edit`, reparses with the old tree and compares with a fresh parse unless that
    /// has a syntax error. Returns whether the text is without error.
    fn apply(&mut self, (start, end, insert): &Edit, step: usize) -> bool {
        let (start, end) = (*start, *end);
        let index = LineIndex::new(&self.text);
        let start_position = index.ts_point(&self.text, start);
        let old_end_position = index.ts_point(&self.text, end);
        let removed = self.text[start..end].to_owned();
        self.text.replace_range(start..end, insert);
        let new_end = start + insert.len();
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: LineIndex::new(&self.text).ts_point(&self.text, new_end),
        });
        let new = syntax::parse_with(&mut self.parser, &self.text, Some(&self.tree));
        let fresh = syntax::parse(&self.text);
        let around = {
            let from = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let to = self.text[new_end..]
                .find('\n')
                .map_or(self.text.len(), |i| new_end + i);
            &self.text[from..to]
        };
        let what = format!(
            "{} step {step}: {insert:?} replacing {removed:?} at {start}..{end}, making line(s) {around:?}",
            self.name
        );
        let new_nodes = nodes(&new);
        let without_error = !fresh.root_node().has_error();
        if without_error
            && let Some(difference) =
                first_difference(&new_nodes, &nodes(&fresh), ["incremental", "fresh"])
        {
            panic!("{what}: incremental != fresh\n      {difference}");
        }
        self.defs_checked +=
            same_outside_the_defs_around(&self.tree, &new, &new_nodes, start..new_end, &what);
        self.chunks_checked += same_chunks_outside_the_change(
            (&self.tree, &new),
            &new_nodes,
            start..new_end,
            self.text.len(),
            &what,
        );
        self.tree = new;
        if !without_error {
            self.skipped += 1;
            return false;
        }
        self.compared += 1;
        self.good.clone_from(&self.text);
        true
    }

    /// The one edit that turns the text back into the last text without error.
    fn restore(&self) -> Edit {
        let (now, good) = (self.text.as_bytes(), self.good.as_bytes());
        let mut prefix = now.iter().zip(good).take_while(|(a, b)| a == b).count();
        while !self.text.is_char_boundary(prefix) || !self.good.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let longest = now.len().min(good.len()) - prefix;
        let mut suffix = now
            .iter()
            .rev()
            .zip(good.iter().rev())
            .take(longest)
            .take_while(|(a, b)| a == b)
            .count();
        while !self.text.is_char_boundary(now.len() - suffix)
            || !self.good.is_char_boundary(good.len() - suffix)
        {
            suffix -= 1;
        }
        (
            prefix,
            now.len() - suffix,
            self.good[prefix..good.len() - suffix].to_owned(),
        )
    }
}

/// The starts of the lines of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// A line of `text` repeated below itself.
fn duplicate_line(rng: &mut Rng, text: &str) -> Edit {
    let starts = line_starts(text);
    let at = starts[rng.below(starts.len())];
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let line = &text[at..end];
    let line = if line.ends_with('\n') {
        line.to_owned()
    } else {
        format!("\n{line}")
    };
    (end, end, line)
}

/// Up to four lines from a random one indented, or dedented, by four spaces, one edit a line
/// (the last line first, so that each edit's offsets hold when it comes).
fn reindent(rng: &mut Rng, text: &str) -> Vec<Edit> {
    let starts = line_starts(text);
    let first = rng.below(starts.len());
    let count = 1 + rng.below(4);
    let indent = rng.below(2) == 0;
    starts[first..(first + count).min(starts.len())]
        .iter()
        .rev()
        .map(|&at| {
            if indent {
                (at, at, "    ".to_owned())
            } else {
                let spaces = text[at..].bytes().take(4).take_while(|&b| b == b' ');
                (at, at + spaces.count(), String::new())
            }
        })
        .collect()
}

/// A bracket opened before the value of an assignment or `return`, a first element typed
/// after it, and the bracket closed at the end of the line: three edits, the first two leaving
/// the bracket open. A random line when no line has such a value.
fn bracket(rng: &mut Rng, text: &str) -> Vec<Edit> {
    let starts = line_starts(text);
    let first = rng.below(starts.len());
    let found = starts[first..]
        .iter()
        .chain(&starts[..first])
        .find_map(|&at| {
            let line = &text[at..text[at..].find('\n').map_or(text.len(), |i| at + i)];
            if line.contains('#') || line.ends_with([':', '\\', ',', '(', '[', '{']) {
                return None;
            }
            let value = ["return ", " = "]
                .iter()
                .find_map(|k| line.find(k).map(|i| i + k.len()))?;
            (value < line.len()).then_some((at + value, at + line.len()))
        });
    let (open, close) = found.unwrap_or_else(|| {
        let at = starts[first];
        (at, text[at..].find('\n').map_or(text.len(), |i| at + i))
    });
    let (bra, ket, element) =
        [("(", ")", "x, "), ("[", "]", "y, "), ("{", "}", "z: ")][rng.below(3)];
    vec![
        (open, open, bra.to_owned()),
        (open + 1, open + 1, element.to_owned()),
        (
            close + 1 + element.len(),
            close + 1 + element.len(),
            ket.to_owned(),
        ),
    ]
}

/// A statement typed a character at a time at the end of a block (where most code is written):
/// a new line after the block's last line, indented as that line (a statement of the block) or
/// as the line after the block (a statement after it: a new method after a method), then its
/// characters one edit each. There the tokens that end the block (NEWLINE, DEDENTs) are next to
/// every edit. A random line when no line ends a block.
fn typed_at_block_end(rng: &mut Rng, text: &str) -> Vec<Edit> {
    let lines: Vec<(usize, &str)> = line_starts(text)
        .into_iter()
        .map(|at| (at, text[at..].lines().next().unwrap_or("")))
        .collect();
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let ends_block = |i: usize| {
        let (_, line) = lines[i];
        let next = lines[i + 1..].iter().find(|(_, l)| !l.trim().is_empty());
        let deeper = next.is_none_or(|(_, next)| indent(next) < indent(line));
        (indent(line) > 0 && !line.trim().is_empty() && !line.ends_with('\\') && deeper)
            .then(|| next.map_or(0, |(_, next)| indent(next)))
    };
    let first = rng.below(lines.len());
    let found = (first..lines.len())
        .chain(0..first)
        .find_map(|i| ends_block(i).map(|after| (i, after)));
    let Some((i, after)) = found else {
        return vec![random_edit(rng, text)];
    };
    let (at, line) = lines[i];
    let end = at + line.len();
    let depth = if rng.below(2) == 0 {
        indent(line)
    } else {
        after
    };
    let statement = [
        "value = a + 1",
        "return self.x",
        "print(i)",
        "if x:",
        "def g(self, a):",
    ][rng.below(5)];
    let mut edits = vec![(end, end, format!("\n{}", " ".repeat(depth)))];
    let mut at = end + 1 + depth;
    for c in statement.chars() {
        edits.push((at, at, c.to_string()));
        at += c.len_utf8();
    }
    edits
}

/// `edits` edits of `text`, each compared with a fresh parse unless that has an error.
/// Returns (edits compared, edits not compared, defs checked outside, chunks checked).
fn run(name: &'static str, text: String, edits: usize, seed: u64) -> [usize; 4] {
    let mut session = Session::new(name, text);
    let mut rng = Rng(seed);
    let mut body_edits = BodyEdits::new(seed);
    let mut pending: VecDeque<Edit> = VecDeque::new();
    let mut broken = false;
    for step in 0..edits {
        if pending.is_empty() {
            if broken {
                pending.push_back(session.restore());
            } else {
                let text = &session.text;
                match rng.below(10) {
                    0..=3 => {
                        let analysis = analysis::analyze(text, &session.tree, PythonVersion::Py314);
                        let edit = body_edits.next(text, &analysis);
                        pending.extend(edit.or_else(|| Some(random_edit(&mut rng, text))));
                    }
                    4 | 5 => pending.push_back(random_edit(&mut rng, text)),
                    6 => pending.push_back(duplicate_line(&mut rng, text)),
                    7 => pending.extend(reindent(&mut rng, text)),
                    8 => pending.extend(typed_at_block_end(&mut rng, text)),
                    _ => pending.extend(bracket(&mut rng, text)),
                }
            }
        }
        let edit = pending.pop_front().expect("an edit");
        broken = !session.apply(&edit, step);
    }
    println!(
        "{name}: {} edits compared with a fresh parse, {} with a syntax error not compared; \
         {} defs around an edit the same outside; {} chunks outside a change the same",
        session.compared, session.skipped, session.defs_checked, session.chunks_checked
    );
    [
        session.compared,
        session.skipped,
        session.defs_checked,
        session.chunks_checked,
    ]
}

#[test]
fn incremental_reparse_equals_a_fresh_parse() {
    let edits = from_env("CLOSURE_LENS_REPARSE_EDITS", 80);
    let stdlib = stdlib();
    let read = |name: &str| {
        std::fs::read_to_string(stdlib.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let inputs = [
        ("functools.py", read("functools.py")),
        ("test/test_typing.py", read("test/test_typing.py")),
        ("synthetic class", synthetic_class(3_000)),
    ];
    let (mut compared, mut skipped, mut defs, mut chunks) = (0, 0, 0, 0);
    for (seed, (name, text)) in inputs.into_iter().enumerate() {
        let [c, s, d, t] = run(name, text, edits, seed as u64 + 1);
        compared += c;
        skipped += s;
        defs += d;
        chunks += t;
    }
    println!("all: {compared} edits compared, {skipped} not compared, {defs} defs checked outside");
    assert!(
        compared > 2 * skipped,
        "only {compared} of {} edits were compared",
        compared + skipped
    );
    assert!(
        defs > compared / 2,
        "only {defs} defs around {compared} edits were checked outside"
    );
    assert!(
        chunks > compared,
        "only {chunks} chunks outside {compared} edits were checked"
    );
}

/// Typing a statement at the end of a method of a long class lexes again only the tokens near
/// the edit, though the NEWLINE and DEDENT that end the method, next to every keystroke, are
/// lexed again: the methods after it are reused (the patch to tree-sitter's node reuse,
/// `vendor/tree-sitter/PATCHES.md`; without it, every token after the edit was lexed again at
/// most keystrokes). Counted in tree-sitter's log, not timed.
#[test]
fn typing_at_a_block_end_lexes_only_near_the_edit() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let text = synthetic_class(3_000);
    let mut session = Session::new("synthetic class", text);
    let lexed = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&lexed);
    session.parser.set_logger(Some(Box::new(move |_, message| {
        if message.starts_with("lexed_lookahead") {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    })));
    // The end of the last line of the tenth method.
    let end = session
        .text
        .match_indices("\n    def ")
        .nth(10)
        .expect("methods")
        .0;
    let mut edits = vec![(end, end, "\n        ".to_owned())];
    for (i, c) in "value = total + 1".char_indices() {
        let at = end + "\n        ".len() + i;
        edits.push((at, at, c.to_string()));
    }
    let tokens = session.text.len() / 4;
    let mut checked = 0;
    for (step, edit) in edits.iter().enumerate() {
        lexed.store(0, Ordering::Relaxed);
        // While the statement is incomplete (`value =`), error recovery may read further.
        if !session.apply(edit, step) {
            continue;
        }
        let count = lexed.load(Ordering::Relaxed);
        assert!(
            count < 200,
            "{edit:?}: {count} tokens lexed again (about {tokens} in the text)"
        );
        checked += 1;
    }
    assert!(checked > 10, "only {checked} edits left no syntax error");
}
