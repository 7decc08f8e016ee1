//! Incremental == fresh at a class's own level: typing between the methods of real classes
//! (statements, decorators, comments, a stray character at a line's start that splits the
//! class in two), and in the methods' names, the edited document's analysis equals a fresh
//! analysis of the same text, field for field, in every version; but for the order of the
//! module's symbols and their flags, which a re-analysis of some top-level statements does not
//! reproduce (no feature reads them; see `incremental::tests::project`).
//!
//! These edits go through the class re-analysis that keeps the other methods, and, when they
//! break the class, through the per-statement re-analysis of the module.
//!
//! `CLOSURE_LENS_CLASS_EDITS` sets the edits per file (default 25).

mod common;

use closure_lens::analysis::{
    self, Analysis, PythonVersion, Resolution, ScopeId, SymbolFlags, SymbolId,
};
use closure_lens::line_index::Encoding;
use closure_lens::lsp::documents::{ANALYSIS_STACK, Document, mark_big_stack};
use closure_lens::syntax;
use common::edits::{Rng, from_env, stdlib, utf8_change};

/// Typed at the start of a method's line.
const AT_LINE_START: [&str; 10] = [
    "    x = 1\n",
    "_",
    "    def added(self):\n        return super().f()\n",
    "    @property\n",
    "    # note\n",
    "\n",
    "    nonlocal q\n",
    "    y: int = 2\n",
    "    z = lambda: x\n",
    "if x:\n    w: int = 3\n",
];

/// Where a method of a top-level class starts a line, and where its name ends.
fn sites(text: &str) -> Vec<(usize, bool)> {
    let mut sites = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("    def ") {
            sites.push((offset, true));
            if let Some(name) = rest.find('(') {
                sites.push((offset + "    def ".len() + name, false));
            }
        }
        offset += line.len();
    }
    sites
}

/// `a` with the module's symbols sorted by name, without their flags and resolution (and every
/// reference to one renumbered).
fn canonical(mut a: Analysis) -> Analysis {
    let module = &a.scopes[0].symbols;
    let mut order: Vec<usize> = (0..module.len()).collect();
    order.sort_by(|&x, &y| module[x].name.cmp(&module[y].name));
    let mut index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        index[old] = new;
    }
    let renumber = |v: &mut SymbolId| {
        if v.scope == ScopeId::MODULE {
            *v = SymbolId::new(ScopeId::MODULE, index[v.symbol.0 as usize]);
        }
    };
    let mut sorted: Vec<_> = order.iter().map(|&i| module[i].clone()).collect();
    for symbol in &mut sorted {
        symbol.flags = SymbolFlags::empty();
        symbol.resolution = Resolution::GlobalImplicit;
    }
    a.scopes[0].symbols = sorted;
    for scope in &mut a.scopes {
        scope
            .symbols
            .iter_mut()
            .for_each(|s| renumber(&mut s.variable));
    }
    a.occurrences
        .iter_mut()
        .for_each(|o| renumber(&mut o.symbol));
    a.by_variable = Default::default();
    a
}

/// `edits` random class-level edits of `text`, each checked against a fresh analysis.
fn class_level_edits(text: String, version: PythonVersion, edits: usize, seed: u64) {
    let uri = "file:///edited.py".parse().unwrap();
    let mut doc = Document::new(uri, 1, text, version);
    doc.analysis();
    let mut rng = Rng(seed);
    for step in 0..edits {
        let sites = sites(&doc.text);
        if sites.is_empty() {
            return;
        }
        let (at, line_start) = sites[rng.below(sites.len())];
        let change = if line_start {
            let typed = AT_LINE_START[rng.below(AT_LINE_START.len())];
            utf8_change(&doc.text, at, at, typed)
        } else if rng.below(4) == 0 {
            let last = doc.text[..at].chars().next_back().map_or(0, char::len_utf8);
            utf8_change(&doc.text, at - last, at, "")
        } else {
            utf8_change(&doc.text, at, at, "_")
        };
        doc.apply_changes(
            step as i32 + 2,
            std::slice::from_ref(&change),
            Encoding::Utf8,
        );
        let incremental = canonical(Analysis::clone(doc.analysis()));
        let fresh = analysis::analyze(&doc.text, &syntax::parse(&doc.text), version);
        assert!(
            incremental == canonical(fresh),
            "{version}: step {step} ({change:?}) differs from a fresh analysis"
        );
    }
}

#[test]
fn class_level_edits_equal_a_fresh_analysis() {
    let stdlib = stdlib();
    let edits = from_env("CLOSURE_LENS_CLASS_EDITS", 25);
    let run = move || {
        mark_big_stack();
        for (i, name) in ["argparse.py", "difflib.py", "dataclasses.py"]
            .iter()
            .enumerate()
        {
            let Ok(text) = std::fs::read_to_string(stdlib.join(name)) else {
                continue;
            };
            for (j, version) in PythonVersion::ALL.into_iter().enumerate() {
                class_level_edits(text.clone(), version, edits, 1 + (4 * i + j) as u64);
            }
        }
    };
    std::thread::Builder::new()
        .stack_size(ANALYSIS_STACK)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}
