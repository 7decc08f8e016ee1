//! Re-analysis of one function body: after an edit inside a `def`'s body, the symbol-table
//! passes run again for that function alone, on the document's own (incrementally reparsed)
//! tree, and the result is spliced into the previous analysis.
//!
//! What a function's body can change outside it is small and checked: the names it reads from
//! enclosing functions (its free variables: they decide which of their locals are cells), the
//! module variables it names (the module's symbols, in the order a whole analysis lists them) and
//! the names it declares `global`. When these are unchanged, nothing outside the function changes
//! but positions, scope ids and the capture lists of the enclosing scopes' cells; when they
//! changed, the enclosing function is tried instead, a few levels up, and past that the caller
//! analyses more. What the function's names resolve to depends only on the enclosing blocks'
//! own statements (and on no other function's body), so the passes visit just those
//! ([`Collector::run_focused`](crate::analysis::collect::Collector::run_focused)).
//!
//! An edit in a method's header (its parameters, defaults, annotations) re-analyses the whole
//! `def` the same way when what the header gives its class (the method's name, what its defaults
//! and annotations read) is unchanged: then the class's symbols are too, and its other methods
//! are kept. On 3.14 the `def`'s `__annotate__` scope, just before the method in pre-order, is
//! analysed again with it.
//!
//! An edit at a class's own level (a new method, a class attribute, a method's new name, a
//! decorator) re-analyses the class, but not the methods it leaves alone: a class's names are not
//! visible inside its functions, so what a method's body resolves to does not depend on the
//! class's statements, and all the class needs of the method is the free variables it passes up
//! (its `__class__`, an enclosing function's variables). The focused passes read those off the
//! previous analysis instead of visiting the body ([`Block::kept_free`](crate::analysis::blocks::Block::kept_free)),
//! and the method's previous scopes, occurrences and facts move into the new analysis, renumbered
//! (its `__class__` is the class's new cell). A method is kept when it lies apart from the edit
//! and from where the tree changed, with no error in it.
//!
//! Around the focused run's argument, what it does not see is covered case by case: the cells
//! other bodies make, which a 3.12+ comprehension's free name can read through classes, are
//! found again on the spliced analysis ([`cell_owners`]); a class's `global` declaration of a
//! method's name is kept in the previous qualname ([`requalify`]); a 3.14 `__annotate__` that
//! reads a name its class binds, a change to the class's own cells while methods are kept, and
//! a `def` in a `try` whose `else` 3.11 and 3.12 number before its handlers are refused; a
//! method whose loop facts reach a loop of the class body is not kept.
//!
//! A body may hold syntax errors (someone is typing in it): the focused passes read it as a
//! whole analysis reads it, and its parse errors replace the old body's. Errors around the body
//! (in its header, or in a node that holds the whole `def`) are refused.
//!
//! Whole == spliced, always: every case this module cannot prove unchanged outside the body
//! (syntax errors around it, a tree that changed outside it, nesting too deep, a star import in
//! it) is refused. The module's own star imports change no body's analysis: the names they bind
//! are globals, as the body reads them either way.

use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::{Node, Tree};

use super::cell_owners;
use super::implied::ImpliedUsers;

use crate::analysis::blocks::def;
use crate::analysis::grammar::SyntaxNode;
use crate::analysis::{
    Analysis, ClosureError, Occurrence, PythonVersion, Resolution, Scope, ScopeId, ScopeKind,
    Symbol, SymbolFlags, SymbolId, SymbolOrigin, TextRange, collect, export, flow, resolve,
};

/// One contiguous change: `start..old_end` of the old text became `start..new_end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    /// The one change covering this one followed by `next` (in the text this one made).
    pub fn then(self, next: Edit) -> Edit {
        let end = if self.new_end >= next.old_end {
            self.new_end + next.new_end - next.old_end
        } else {
            self.new_end.max(next.new_end)
        };
        let end = end.max(next.new_end);
        // Bytes after both changes are unchanged: the old end follows from the lengths.
        let grew = (self.new_end as i64 - self.old_end as i64)
            + (next.new_end as i64 - next.old_end as i64);
        Edit {
            start: self.start.min(next.start),
            old_end: (end as i64 - grew) as usize,
            new_end: end,
        }
    }

    /// The change in length.
    pub fn delta(self) -> i64 {
        self.new_end as i64 - self.old_end as i64
    }

    /// This edit widened over `changed` (where tree-sitter found the syntax differs, in the new
    /// text): outside the result, the text and the tree are as before, shifted.
    pub fn widened(self, changed: &[TextRange]) -> Edit {
        let start = changed.iter().map(|c| c.start).fold(self.start, usize::min);
        let new_end = changed.iter().map(|c| c.end).fold(self.new_end, usize::max);
        Edit {
            start,
            old_end: (new_end as i64 - self.delta()) as usize,
            new_end,
        }
    }

    /// Where `offset` of the old text is in the new one (offsets inside the change stay).
    pub fn shift(self, offset: usize) -> usize {
        if offset >= self.old_end {
            (offset as i64 + self.delta()) as usize
        } else {
            offset
        }
    }
}

/// What a splice changed, for the features that keep results from one version to the next.
/// Outside the re-analysed scopes nothing changed but positions (moved by `edit`), the ids of
/// the scopes after them (moved by the difference in their count), the capture lists of the
/// `enclosing` scopes' cells, the module's implied globals (added, dropped, and so their ids,
/// which follow first use), and the flow facts found again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spliced {
    /// The edit, in the text the previous analysis was made from.
    pub edit: Edit,
    /// The text of the re-analysed scopes (a `def`, or a class), before and after the edit.
    pub old_span: TextRange,
    pub new_span: TextRange,
    /// The ids of the re-analysed scopes (a pre-order subtree, with 3.14's `__annotate__` scope
    /// of an edited method's header), before and after.
    pub old_scopes: std::ops::Range<u32>,
    pub new_scopes: std::ops::Range<u32>,
    /// The scopes enclosing them, innermost first (ids before them, the same in both).
    pub enclosing: Vec<ScopeId>,
    /// When a class was re-analysed: its methods kept as they were (their scopes, occurrences
    /// and facts only moved), by their ids before and the new id of the first. They count among
    /// the re-analysed scopes all the same: what a feature finds in a method may depend on its
    /// class's names (a read of a class attribute that class scope hides).
    pub kept: Vec<(std::ops::Range<u32>, u32)>,
    /// The scopes whose flow facts were found again (new ids, sorted; see `flow::refresh`):
    /// the other scopes' facts only moved. The `super()` calls and `global`/`nonlocal`
    /// statements found again are those in `new_span` and those of the functions defined by an
    /// `enclosing` scope.
    pub refound: Vec<ScopeId>,
}

impl Spliced {
    /// The new id of the previous analysis's scope `id`; `None` for a re-analysed one.
    pub fn scope(&self, id: ScopeId) -> Option<ScopeId> {
        if id.0 < self.old_scopes.start {
            Some(id)
        } else if id.0 >= self.old_scopes.end {
            Some(ScopeId(id.0 - self.old_scopes.end + self.new_scopes.end))
        } else {
            None
        }
    }

    /// Where a range of the previous text lies in the new one (a range holding the edit grows
    /// or shrinks with it).
    pub fn range(&self, range: TextRange) -> TextRange {
        TextRange::new(self.edit.shift(range.start), self.edit.shift(range.end))
    }
}

/// How many enclosing functions are tried after the innermost one.
const MAX_WIDENING: usize = 2;

/// What an edit did to the syntax tree besides the text: where the tree changed (tree-sitter's
/// changed ranges, in the new text), how many lines the edit added (negative: removed), and
/// whether the tree had a syntax error before the edit or has one after it (a frame with an
/// error anywhere under it gets no flow facts).
pub struct TreeChange<'a> {
    pub changed: &'a [TextRange],
    pub rows: i64,
    pub broken: bool,
}

/// The analysis of `text` (parsed into `tree`), from `prev`, the analysis of the text before
/// `edit`, which changed the tree as `change` says. Gives `prev` back when the edit is not
/// inside one function's or class's body or changes what the body shares with the rest.
pub fn reanalyze(
    prev: Analysis,
    implied: &mut Option<ImpliedUsers>,
    text: &str,
    tree: &Tree,
    edit: Edit,
    change: TreeChange,
) -> Result<(Analysis, Spliced), Box<Analysis>> {
    let root = tree.root_node();
    if prev.too_deep.is_some() {
        return Err(Box::new(prev));
    }
    let extended = extended_over(&prev, text, root, edit);
    let around = candidates(&prev, edit).into_iter();
    let bodies = (extended
        .into_iter()
        .chain(around.filter(|&c| Some(c) != extended)))
    .take(1 + MAX_WIDENING)
    .map(|c| (c, Unit::Body));
    for (candidate, unit) in method_around_header(&prev, edit).into_iter().chain(bodies) {
        if let Some(spliced) =
            Splice::plan(&prev, text, root, candidate, unit, edit, change.changed)
        {
            let users = implied.get_or_insert_with(|| ImpliedUsers::of(&prev));
            let mut record = spliced.record(&prev, edit);
            let (mut analysis, refound) = spliced.apply(prev, users, text, root, edit, &change);
            relink_cells(&mut analysis, &record);
            record.refound = refound;
            return Ok((analysis, record));
        }
    }
    Err(Box::new(prev))
}

/// Finds again the cells the free names of the re-analysed scopes read: the focused run did
/// not see every cell of the enclosing scopes ([`cell_owners`]). The kept methods' names read
/// the cells they read before (see [`Splice::plan`]).
fn relink_cells(analysis: &mut Analysis, record: &Spliced) {
    let mut fresh = record.new_scopes.start;
    for (old, at) in &record.kept {
        cell_owners::relink(analysis, fresh..*at, None);
        fresh = *at + old.len() as u32;
    }
    cell_owners::relink(analysis, fresh..record.new_scopes.end, None);
}

/// What a splice analyses again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    /// A def's or class's body.
    Body,
    /// A method's whole `def` statement (without its decorators): its header was edited.
    Def,
}

/// The method whose header (after the `def` keyword, up to the `:`) holds the start of the
/// change and whose `def` holds all of it: a whole analysis of its class (every method) is
/// avoided when what the header gives the class is unchanged (see [`Splice::plan`]).
fn method_around_header(prev: &Analysis, edit: Edit) -> Option<(ScopeId, Unit)> {
    let method = *scopes_around(prev, TextRange::new(edit.start, edit.old_end)).last()?;
    let scope = prev.scope(method);
    let class = prev.scope(scope.parent?);
    (scope.kind == ScopeKind::Function
        && class.kind == ScopeKind::Class
        && scope.range.start < edit.start
        && edit.start < scope.header_end)
        .then_some((method, Unit::Def))
}

/// The defs and classes whose body holds the whole change, innermost first.
fn candidates(prev: &Analysis, edit: Edit) -> Vec<ScopeId> {
    let mut path = scopes_around(prev, TextRange::new(edit.start, edit.old_end));
    path.retain(|&s| {
        let scope = prev.scope(s);
        // A class's body starts after its bases, which `plan` checks on the tree.
        matches!(scope.kind, ScopeKind::Function | ScopeKind::Class)
            && scope.header_end <= edit.start
    });
    path.reverse();
    path
}

/// The def or class that an edit in the blank lines after it extends: typed at its body's
/// indentation after its last line, where most code is written, the edit lies outside its
/// previous range, but the def's node in the new tree holds it; Enter after its last line
/// (blank space, which the tree holds in no def) comes right after it.
fn extended_over(prev: &Analysis, text: &str, root: Node<'_>, edit: Edit) -> Option<ScopeId> {
    if !at_line_end(text, edit.new_end) {
        return None;
    }
    let ends_before = |&id: &ScopeId| prev.scope(id).range.end < edit.start;
    let enter = edit.start == edit.old_end && blank(text, edit.start, edit.new_end);
    let id = def_holding(prev, root, edit)
        .filter(ends_before)
        .or_else(|| enter.then(|| def_just_before(prev, edit.start)).flatten())?;
    let end = prev.scope(id).range.end;
    (end < edit.start && blank(text, end, edit.start)).then_some(id)
}

/// The innermost def or class of the new tree that holds the edit's new text, by its scope in
/// the previous analysis (where it starts at the same place).
fn def_holding(prev: &Analysis, root: Node<'_>, edit: Edit) -> Option<ScopeId> {
    let mut node = root.descendant_for_byte_range(edit.start, edit.new_end)?;
    while !matches!(node.kind(), "function_definition" | "class_definition") {
        node = node.parent()?;
    }
    let start = node.start_byte();
    let around = scopes_around(prev, TextRange::new(start, start));
    around.into_iter().rev().find(|&s| {
        let scope = prev.scope(s);
        scope.range.start == start && matches!(scope.kind, ScopeKind::Function | ScopeKind::Class)
    })
}

/// The def or class that ends last before `at` among those of the scope holding `at`.
fn def_just_before(prev: &Analysis, at: usize) -> Option<ScopeId> {
    let around = scopes_around(prev, TextRange::new(at, at));
    let parent = around.last().copied().unwrap_or(ScopeId::MODULE);
    let children = prev.scope(parent).children.iter().rev().copied();
    let last = children
        .filter(|&c| prev.scope(c).kind != ScopeKind::Annotation)
        .find(|&c| prev.scope(c).range.end <= at)?;
    matches!(
        prev.scope(last).kind,
        ScopeKind::Function | ScopeKind::Class
    )
    .then_some(last)
}

/// Whether `at` ends a line of `text`: an edit ending there leaves the indentation of the
/// lines after it as it was (a one-line body's facts read the indentation before its `def`).
fn at_line_end(text: &str, at: usize) -> bool {
    (text.get(at..)).is_some_and(|after| after.is_empty() || after.starts_with(['\n', '\r']))
}

/// Whether `text[from..to]` is only blank space (no code, no comment); `false` if it is no
/// slice of `text`.
fn blank(text: &str, from: usize, to: usize) -> bool {
    (text.get(from..to)).is_some_and(|between| between.bytes().all(blank_byte))
}

/// Whether `b` is a blank-space byte.
fn blank_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The def's node in the new tree, and the text the splice answers for (which must hold every
/// range where the tree changed). Mostly the def over the same text as before but for the edit.
/// After an edit at its end, the tree may end it elsewhere: blank space typed after its last
/// line is not in it, a statement typed on a blank line after it at its body's indentation is.
/// Then the text answered for is the def as the tree ends it and the blank space up to the
/// edit's end and after it, provided that nothing the previous analysis knew lies between the
/// def's old end and the end of the edit's old text (blank space, or text the edit took from the
/// def), that the edit ends a line, that the def reaches no further than the edit's new text,
/// and that the scopes and statements around it go on after the edit (where one ended with the
/// def, the tree may end it elsewhere too).
fn new_def<'t>(
    prev: &Analysis,
    text: &str,
    root: Node<'t>,
    function: ScopeId,
    kind: &str,
    edit: Edit,
) -> Option<(Node<'t>, TextRange)> {
    let scope = prev.scope(function);
    let end = scope.range.end;
    // After the def, only text typed (not taken away) leaves what the previous analysis knew.
    if edit.start > end && edit.old_end > edit.start {
        return None;
    }
    let shifted = TextRange::new(scope.range.start, edit.shift(end));
    if let Some(node) = def_node(root, shifted, kind) {
        return Some((node, shifted));
    }
    // The edit takes text up to the def's end and no further, or inserts at or after it, past
    // blank space only.
    let inserted_after = edit.start == edit.old_end && edit.start >= end;
    if edit.old_end != end && !inserted_after
        || !blank(text, end.min(edit.start), edit.start)
        || !at_line_end(text, edit.new_end)
    {
        return None;
    }
    // The scopes around (and their 3.14 `__annotate__` scopes, which span their `def`) are
    // moved by the edit: right only for those that go on after it. (The def's own
    // `__annotate__` gets the def's new range, see `Splice::apply`.)
    let around = prev.ancestors(function);
    let spans = around
        .take_while(|&a| a != ScopeId::MODULE)
        .flat_map(|a| [Some(a), annotate_of(prev, a)])
        .flatten();
    if spans
        .map(|a| prev.scope(a).range.end)
        .any(|e| e <= edit.old_end)
    {
        return None;
    }
    let node = node_starting_at(root, scope.range.start, kind)?;
    let (node_end, reach) = (node.end_byte(), edit.new_end.max(shifted.end));
    if node_end > reach || !blank(text, node_end.min(reach), reach) {
        return None;
    }
    // So are the statements around it in its scope (a loop whose body it ends: the closures
    // made in the loop are judged by where that body ends).
    let mut around = node.parent();
    let scope_node = |n: &Node<'_>| {
        matches!(
            n.kind(),
            "function_definition" | "class_definition" | "module"
        )
    };
    while let Some(statement) = around.filter(|n| !scope_node(n)) {
        if statement.kind() != "decorated_definition" && statement.end_byte() <= reach {
            return None;
        }
        around = statement.parent();
    }
    // And the blank space after: the tokens there (the def's closing NEWLINE and DEDENTs, the
    // next statement's padding) may be said to change, though only where they lie did.
    let after = text.get(reach..).unwrap_or_default();
    let blank_after = after.bytes().take_while(|&b| blank_byte(b)).count();
    Some((node, TextRange::new(scope.range.start, reach + blank_after)))
}

/// The `kind` node that starts at `start`.
fn node_starting_at<'t>(root: Node<'t>, start: usize, kind: &str) -> Option<Node<'t>> {
    let mut node = root.descendant_for_byte_range(start, start)?;
    loop {
        if node.kind() == kind && node.start_byte() == start {
            return Some(node);
        }
        node = node.parent().filter(|p| p.start_byte() == start)?;
    }
}

/// The scopes whose range holds `range`, outermost first (without the module; 3.14's
/// `__annotate__` scopes, which span their `def`, are not entered).
fn scopes_around(a: &Analysis, range: TextRange) -> Vec<ScopeId> {
    let mut path = Vec::new();
    let mut id = ScopeId::MODULE;
    'descend: loop {
        for &child in &a.scope(id).children {
            let scope = a.scope(child);
            if scope.kind != ScopeKind::Annotation && scope.range.contains_range(range) {
                path.push(child);
                id = child;
                continue 'descend;
            }
        }
        return path;
    }
}

/// The scopes a method's `def` makes: 3.14's `__annotate__` scope for it (just before the
/// method in pre-order) and the method's own. `None` when something lies between them.
fn def_scopes(a: &Analysis, function: ScopeId) -> Option<std::ops::Range<u32>> {
    let own = a.subtree(function);
    a.scope(function).parent?;
    match annotate_of(a, function) {
        None => Some(own),
        Some(annotate) => {
            let before = a.subtree(annotate);
            (before.end == own.start).then_some(before.start..own.end)
        }
    }
}

/// Whether 3.14's `__annotate__` scope of a method (among `scopes` of `fresh`, a focused run)
/// reads a name its class binds (in `prev`): it sees the class's names, but the focused run
/// skipped the class's statements, so it read the name as if the class did not bind it.
fn reads_class_names(
    prev: &Analysis,
    method: ScopeId,
    fresh: &Analysis,
    scopes: std::ops::Range<u32>,
) -> bool {
    let Some(class) = prev.scope(method).parent.map(|c| prev.scope(c)) else {
        return false;
    };
    let mut annotate = scopes.map(|s| fresh.scope(ScopeId(s)));
    let annotate = annotate.find(|s| s.kind == ScopeKind::Annotation);
    annotate.is_some_and(|a| {
        a.symtable()
            .any(|s| class.symbol(&s.name).is_some_and(|c| c.is_bound()))
    })
}

/// 3.14's `__annotate__` scope of the `def` making `scope`: the scope just before it among its
/// siblings, spanning the same text.
fn annotate_of(a: &Analysis, scope: ScopeId) -> Option<ScopeId> {
    let range = a.scope(scope).range;
    let siblings = &a.scope(a.scope(scope).parent?).children;
    let at = siblings.iter().position(|&c| c == scope)?;
    let before = siblings[at.checked_sub(1)?];
    let s = a.scope(before);
    (s.kind == ScopeKind::Annotation && s.range == range).then_some(before)
}

/// The scopes before `first` in pre-order whose range holds the whole `edit`: the ancestors of
/// `first`, and the 3.14 `__annotate__` scope spanning the `def` of `first` or of an ancestor
/// (the scope just before it among its siblings). Every other scope before `first` ends before
/// it starts, lies in its header, before the body the edit is in, or lies in a later annotation
/// of an enclosing body ([`annotations_after`]).
fn containing_before(a: &Analysis, first: ScopeId, edit: Edit) -> Vec<ScopeId> {
    let mut found = Vec::new();
    for id in std::iter::once(first).chain(a.ancestors(first)) {
        if id < first {
            found.push(id);
        }
        found.extend(annotate_of(a, id).filter(|&c| c < first));
    }
    found.retain(|&id| {
        let range = a.scope(id).range;
        range.start <= edit.start && edit.old_end <= range.end
    });
    found.sort_unstable();
    found
}

/// The scopes before `first` in pre-order that lie after `edit` in the text: those in the later
/// annotations of a body enclosing `first`, which its 3.14 `__annotate__` scope holds (made at
/// the body's first annotation, before `first`; see [`Scope::annotates_body`](crate::analysis::Scope::annotates_body)).
fn annotations_after(a: &Analysis, first: ScopeId, edit: Edit) -> Vec<ScopeId> {
    let mut found = Vec::new();
    for block in a.ancestors(first) {
        let children = &a.scope(block).children;
        let annotate = children
            .iter()
            .find(|&&c| c < first && a.scope(c).annotates_body());
        let Some(&annotate) = annotate else {
            continue;
        };
        // Its subtree follows it in pre-order.
        let subtree = (annotate.0 + 1..first.0)
            .map(ScopeId)
            .take_while(|&id| a.ancestors(id).any(|p| p == annotate));
        found.extend(subtree.filter(|&id| a.scope(id).range.start >= edit.old_end));
    }
    found
}

/// Whether each of `errors` (parse errors) lies apart from `span` (a `def` or class) or inside
/// `inside` (its body) after its start: then the errors outside are not the `def`'s, and none can
/// change what the `def` gives the rest. An error may end the body (the statement being typed
/// at its end) if it has a width: then it lies in the `def`'s node, which holds all of it; an
/// empty one there (a MISSING token) may as well begin the next statement.
fn errors_apart(errors: &[TextRange], span: TextRange, inside: TextRange) -> bool {
    errors.iter().all(|e| {
        let ends_inside = e.end < inside.end || e.start < e.end && e.end == inside.end;
        e.end < span.start || e.start > span.end || inside.start < e.start && ends_inside
    })
}

/// Whether `node` lies in an `except` or the `else` of a `try` that has both: 3.11 and 3.12
/// visit the `else` before the handlers, so scopes after `node` in the text may come before it
/// in pre-order, or the other way round, where a splice moves scopes by their order.
fn in_reordered_try(node: Node<'_>) -> bool {
    let mut at = node;
    while let Some(parent) = at.parent() {
        if parent.kind() == "try_statement" && matches!(at.kind(), "except_clause" | "else_clause")
        {
            let mut cursor = parent.walk();
            let clauses: Vec<&str> = parent
                .named_children(&mut cursor)
                .map(|c| c.kind())
                .collect();
            if clauses.contains(&"except_clause") && clauses.contains(&"else_clause") {
                return true;
            }
        }
        at = parent;
    }
    false
}

/// The node of the `def` or class (`kind`) spanning exactly `range`.
fn def_node<'t>(root: Node<'t>, range: TextRange, kind: &str) -> Option<Node<'t>> {
    let mut node = root.descendant_for_byte_range(range.start, range.end)?;
    while node.byte_range() != (range.start..range.end) {
        if node.start_byte() < range.start || node.end_byte() > range.end {
            return None;
        }
        node = node.parent()?;
    }
    loop {
        if node.kind() == kind {
            return Some(node);
        }
        node = node
            .named_child(0)
            .filter(|c| c.byte_range() == node.byte_range())?;
    }
}

/// Gives `root` the qualname `qualname`, and the scopes nested in it the same prefix: the
/// focused run skips the statements of the classes around `root`, whose `global` declarations
/// may drop their names from it; with its name and enclosing scopes unchanged, the previous
/// qualname stands.
fn requalify(analysis: &mut Analysis, root: ScopeId, qualname: &str) {
    let old = analysis.scope(root).qualname.clone();
    if old == qualname {
        return;
    }
    for scope in &mut analysis.scopes {
        let rest = scope.qualname.strip_prefix(&old);
        if let Some(rest) = rest.filter(|r| r.is_empty() || r.starts_with('.')) {
            scope.qualname = format!("{qualname}{rest}");
        }
    }
}

/// A method to keep as it was: its scope, its range after the edit.
type Keep = (ScopeId, TextRange);

/// The methods of `class` that an edit of its body (making `text`) leaves as they were: the
/// functions defined in its body (not generic ones) that lie, from the start of their first
/// line (a one-line body's facts read the indentation before the `def`), apart from the edit
/// and from where the tree changed, with no error in them and no loop fact reaching out of
/// them to a loop of the class body. Nothing else a class holds reaches inside them (a class's
/// names are not visible in its functions), so their analysis stands and the class's is made
/// from what they give it ([`Block::kept_free`](crate::analysis::blocks::Block::kept_free)).
fn kept_methods(
    prev: &Analysis,
    text: &str,
    class: ScopeId,
    edit: Edit,
    changed: &[TextRange],
) -> Vec<Keep> {
    let edited = TextRange::new(edit.start, edit.new_end);
    // A loop closure's fact spans the loops it is made in, which may lie around its method in
    // the class body (an edit there may change them, not only move them, as it moves a loop
    // around the class). One pass over the facts, not one per method.
    let body = prev.scope(class).range;
    let mut reaching: Vec<ScopeId> = (prev.facts.loop_closures.iter())
        .filter(|c| c.span.start > body.start)
        .filter_map(|c| {
            let mut around = std::iter::once(c.scope).chain(prev.ancestors(c.scope));
            let method = around.find(|&s| prev.scope(s).parent == Some(class))?;
            (!prev.scope(method).range.contains_range(c.span)).then_some(method)
        })
        .collect();
    reaching.sort_unstable();
    let children = &prev.scope(class).children;
    children
        .iter()
        .filter_map(|&c| {
            let s = prev.scope(c);
            // A method the edit took text of is not kept (nor can its range be moved).
            let apart = s.range.end <= edit.start || s.range.start >= edit.old_end;
            let new = TextRange::new(edit.shift(s.range.start), edit.shift(s.range.end));
            let line = text
                .get(..new.start)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |i| i + 1);
            let keep = s.kind == ScopeKind::Function
                && apart
                && !TextRange::new(line, new.end).intersects(edited)
                && !changed.iter().any(|&r| new.intersects(r))
                && !prev.errors.iter().any(|e| s.range.intersects(e.range))
                && !prev.parse_errors.iter().any(|&e| s.range.intersects(e))
                && reaching.binary_search(&c).is_err();
            keep.then_some((c, new))
        })
        .collect()
}

/// The kept methods whose bodies the focused run did skip (`skipped`, their ranges), each with
/// the scope standing for it among the children of `class` in `fresh`.
fn match_kept(
    prev: &Analysis,
    fresh: &Analysis,
    class: ScopeId,
    keep: &[Keep],
    skipped: &[TextRange],
) -> Option<Vec<Kept>> {
    let children = &fresh.scope(class).children;
    let mut kept = Vec::with_capacity(skipped.len());
    let mut at = 0;
    // Both are in the order of the text.
    let was_skipped = |r: &TextRange| skipped.binary_search_by_key(&r.start, |s| s.start).is_ok();
    for (old, range) in keep.iter().filter(|k| was_skipped(&k.1)) {
        let found = children[at..].iter().position(|&c| {
            let s = fresh.scope(c);
            s.range == *range && s.kind == ScopeKind::Function
        })?;
        at += found;
        kept.push(Kept {
            old: prev.subtree(*old),
            fresh: children[at].0,
            at: 0,
        });
    }
    Some(kept)
}

/// The new index of each symbol of the previous `class` that a kept method names (its
/// `__class__` cell), found in `fresh`'s class by name; `None` when one has no counterpart, or
/// when a kept method names a variable of another scope the splice renumbers.
fn class_symbols(
    prev: &Analysis,
    fresh: &Analysis,
    class: ScopeId,
    kept: &[Kept],
) -> Option<FxHashMap<u32, u32>> {
    let old_class = kept
        .first()
        .map(|k| prev.scope(ScopeId(k.old.start)))?
        .parent?;
    let renumbered = prev.subtree(old_class);
    let new_symbols = &fresh.scope(class).symbols;
    let mut map = FxHashMap::default();
    for k in kept {
        for id in k.old.clone() {
            for symbol in &prev.scope(ScopeId(id)).symbols {
                let v = symbol.variable;
                if symbol
                    .captures_from
                    .is_some_and(|c| !k.old.contains(&c.0) && c != v.scope)
                {
                    return None;
                }
                if k.old.contains(&v.scope.0) || !renumbered.contains(&v.scope.0) {
                    continue;
                }
                if v.scope != old_class {
                    return None;
                }
                let old = prev.symbol(v);
                let new = new_symbols
                    .iter()
                    .position(|s| s.name == old.name && s.origin == old.origin)?;
                map.insert(v.symbol.0, new as u32);
            }
        }
    }
    Some(map)
}

/// What a function body shares with the rest of the module, in the order a whole analysis
/// meets it: what pass 2 passes up from it (its free variables, see `Scope::passes_up`), the
/// module variables it names, the names it declares global.
struct Interface<'a> {
    free: Vec<&'a str>,
    globals: Vec<&'a str>,
    declared: Vec<&'a str>,
}

impl<'a> Interface<'a> {
    /// The interface of `scopes`, one or more whole subtrees side by side (a method and its
    /// `__annotate__` scope): what their roots pass up, sorted. The subtrees `except` (of
    /// methods kept as they were) are left out.
    fn of(a: &'a Analysis, scopes: std::ops::Range<u32>, except: &[std::ops::Range<u32>]) -> Self {
        // `except` is sorted: the first range not wholly before `id` is the one it may be in.
        let ids = || {
            scopes
                .clone()
                .filter(|id| {
                    let at = except.partition_point(|e| e.end <= *id);
                    except.get(at).is_none_or(|e| !e.contains(id))
                })
                .map(ScopeId)
        };
        let roots = ids().filter(|&id| a.scope(id).parent.is_none_or(|p| !scopes.contains(&p.0)));
        // What a whole analysis gives the enclosing scope: the roots' free variables, and the
        // names pass 2 passes up from them though they are cells there (3.12+: see
        // `Scope::passes_up`), which make the enclosing function's variable a cell.
        let mut free: Vec<&str> = roots
            .flat_map(|id| {
                let scope = a.scope(id);
                let closure = scope.symbols.iter().filter(|s| s.in_closure());
                closure
                    .map(|s| &*s.name)
                    .chain(scope.passes_up.iter().map(|n| &**n))
            })
            .collect();
        free.sort_unstable();
        free.dedup();
        let mut globals: Vec<&str> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut declared = Vec::new();
        for id in ids() {
            for s in &a.scope(id).symbols {
                if s.variable.scope == ScopeId::MODULE && seen.insert(&*s.name) {
                    globals.push(&s.name);
                }
                if s.flags.bits() & def::GLOBAL != 0 {
                    declared.push(&*s.name);
                }
            }
        }
        Interface {
            free,
            globals,
            declared,
        }
    }
}

/// A method in one analysis: its `def`'s scopes ([`def_scopes`]), its class, its header (from
/// the `def` to the `:`).
struct Method<'a> {
    analysis: &'a Analysis,
    scopes: std::ops::Range<u32>,
    class: ScopeId,
    header: TextRange,
}

impl Method<'_> {
    /// The occurrences of the method's `def` that belong to its class: its name, what its
    /// defaults and annotations read.
    fn class_part(&self) -> impl Iterator<Item = &Occurrence> {
        let def = self.analysis.scope(ScopeId(self.scopes.start)).range;
        self.analysis
            .occurrences_in(def)
            .iter()
            .filter(|o| !self.scopes.contains(&o.scope.0))
    }

    /// Whether a scope of the class other than the `def`'s own lies in the `def`: a lambda or
    /// comprehension in a default, type parameters.
    fn shares_its_def(&self) -> bool {
        let def = self.analysis.scope(ScopeId(self.scopes.start)).range;
        self.analysis.scope(self.class).children.iter().any(|&c| {
            let r = self.analysis.scope(c).range;
            !self.scopes.contains(&c.0) && r.start < def.end && def.start < r.end
        })
    }

    /// Whether an error lies in the header: its place among the class's errors is not the
    /// method's (the decorators, outside the `def`, are visited between its header and body).
    fn error_in_header(&self) -> bool {
        self.analysis
            .errors
            .iter()
            .any(|e| self.header.contains_range(e.range))
    }

    /// What the header gives the class, when `after` (the method after `edit`) gives it the same
    /// (the same names, read or bound the same way, in the same order, where the edit moves
    /// them): then the class's symbols are unchanged. The class's occurrences, placed as
    /// `after` places them, with this analysis's ids; `None` when anything differs.
    fn same_class_part(&self, after: &Method<'_>, edit: Edit) -> Option<Vec<Occurrence>> {
        if self.shares_its_def()
            || after.shares_its_def()
            || self.error_in_header()
            || after.error_in_header()
        {
            return None;
        }
        let (old, new): (Vec<_>, Vec<_>) =
            (self.class_part().collect(), after.class_part().collect());
        if old.len() != new.len() {
            return None;
        }
        old.iter()
            .zip(&new)
            .map(|(o, n)| {
                let moved = TextRange::new(edit.shift(o.range.start), edit.shift(o.range.end));
                (o.scope == self.class
                    && n.scope == after.class
                    && self.analysis.name_of(o) == after.analysis.name_of(n)
                    && o.kind == n.kind
                    && moved == n.range)
                    .then(|| Occurrence {
                        range: n.range,
                        ..(*o).clone()
                    })
            })
            .collect()
    }
}

/// A method of a re-analysed class kept as it was: its scopes in the previous analysis, the
/// scope standing for it in the focused run's, and the id its first scope gets.
struct Kept {
    old: std::ops::Range<u32>,
    fresh: u32,
    at: u32,
}

impl Kept {
    /// Its new id of its previous scope `id` (one of its own, or one outside it).
    fn scope(&self, id: ScopeId) -> ScopeId {
        if self.old.contains(&id.0) {
            ScopeId(id.0 - self.old.start + self.at)
        } else {
            id
        }
    }
}

/// A planned splice: the function's new analysis (from a focused run) and how its ids map into
/// the previous analysis.
struct Splice {
    /// The focused run's analysis, in new-text coordinates.
    fresh: Analysis,
    /// The function's scopes there, and in the previous analysis.
    new: std::ops::Range<u32>,
    old: std::ops::Range<u32>,
    /// The id in the spliced analysis of each of the `new` scopes.
    ids: Vec<u32>,
    /// When a class is re-analysed: its methods kept as they were (sorted), whose bodies the
    /// focused run did not visit, and the new index of each of the class's previous symbols
    /// that they name.
    kept: Vec<Kept>,
    class_symbols: FxHashMap<u32, u32>,
    /// The enclosing scopes: (id in `fresh`, id in the previous analysis).
    chain: Vec<(ScopeId, ScopeId)>,
    /// The function's body before the edit.
    old_body: TextRange,
    /// What was analysed again (the body, or the whole `def`), before and after the edit.
    old_span: TextRange,
    new_span: TextRange,
    /// When the whole `def` was: its class's occurrences in it (its name, defaults,
    /// annotations), unchanged but for their place, with their ids in the previous analysis.
    class_part: Option<Vec<Occurrence>>,
    /// Symbols outside the function that `fresh` refers to, mapped into the previous analysis.
    outside: FxHashMap<SymbolId, SymbolId>,
    /// Globals the function names that the previous module did not have (implied globals, added
    /// after its symbols before the module's list is put in order).
    implied: Vec<std::sync::Arc<str>>,
    /// Whether the module variables the function names changed.
    globals_changed: bool,
}

impl Splice {
    fn plan(
        prev: &Analysis,
        text: &str,
        root: Node<'_>,
        function: ScopeId,
        unit: Unit,
        edit: Edit,
        changed: &[TextRange],
    ) -> Option<Splice> {
        let scope = prev.scope(function);
        let kind = match scope.kind {
            ScopeKind::Class => "class_definition",
            _ => "function_definition",
        };
        let (node, claimed) = new_def(prev, text, root, function, kind, edit)?;
        let range = TextRange::new(node.start_byte(), node.end_byte());
        // Outside the function the tree must be as it was: its range alone would not prove it
        // (tree-sitter accepts blocks CPython rejects, and an edit in one can move the statements
        // after it), the changed ranges outside it would. They can miss a change, but only where
        // the text changed (`tests/incremental_reparse.rs` checks this premise).
        if !changed.iter().all(|c| claimed.contains_range(*c)) {
            return None;
        }
        if prev.version < PythonVersion::Py313 && in_reordered_try(node) {
            return None;
        }
        // The body: after a def's `:`, from a class's first statement (its bases are not in it).
        let body = node.child_by_field_name("body")?;
        let body_start = match scope.kind {
            ScopeKind::Class => body.start_byte(),
            _ => scope.header_end,
        };
        if unit == Unit::Body && (body.start_byte() < scope.header_end || body_start > edit.start) {
            return None;
        }
        let old = match unit {
            Unit::Body => prev.subtree(function),
            Unit::Def => def_scopes(prev, function)?,
        };
        let old_body = TextRange::new(body_start, scope.range.end);
        // Syntax errors may lie inside the body (someone is typing there), not around it; a
        // whole `def` analysed again has none.
        let (errors_before, errors_after) = match unit {
            Unit::Body => (old_body, TextRange::new(body_start, range.end)),
            Unit::Def => Default::default(),
        };
        if unit == Unit::Def && node.has_error()
            || !errors_apart(&prev.parse_errors, scope.range, errors_before)
        {
            return None;
        }

        let keep = match (unit, scope.kind) {
            (Unit::Body, ScopeKind::Class) => kept_methods(prev, text, function, edit, changed),
            _ => Vec::new(),
        };
        let (mut fresh, kept_ranges) = focused(text, root, node, prev, range, &keep)?;
        if !errors_apart(&fresh.parse_errors, range, errors_after) {
            return None;
        }
        let new_root = (0..fresh.scopes.len() as u32).find(|&i| {
            let s = &fresh.scopes[i as usize];
            s.range == range && s.kind == scope.kind
        })?;
        if fresh.scopes[new_root as usize].name == scope.name {
            requalify(&mut fresh, ScopeId(new_root), &scope.qualname);
        }
        // A kept method's free names may read its class's cells (3.12+: those of its
        // comprehensions): when they change, so do the cells those names read.
        let cells = |a: &Analysis, id: ScopeId| {
            let mut cells = cell_owners::cells(a, id);
            cells.sort_unstable();
            cells
        };
        if !keep.is_empty() && cells(prev, function) != cells(&fresh, ScopeId(new_root)) {
            return None;
        }
        let header_end = fresh.scopes[new_root as usize].header_end;
        if unit == Unit::Body && header_end != scope.header_end {
            return None;
        }
        let new = match unit {
            Unit::Body => fresh.subtree(ScopeId(new_root)),
            Unit::Def => def_scopes(&fresh, ScopeId(new_root))?,
        };
        if unit == Unit::Def && reads_class_names(prev, function, &fresh, new.clone()) {
            return None;
        }
        let new_body = match unit {
            Unit::Body => TextRange::new(body_start, range.end),
            Unit::Def => TextRange::new(header_end, range.end),
        };
        let kept = match_kept(prev, &fresh, ScopeId(new_root), &keep, &kept_ranges)?;
        let (old_kept, new_kept): (Vec<_>, Vec<_>) = kept
            .iter()
            .map(|k| (k.old.clone(), k.fresh..k.fresh + 1))
            .unzip();
        let (before, after) = (
            Interface::of(prev, old.clone(), &old_kept),
            Interface::of(&fresh, new.clone(), &new_kept),
        );
        if fresh.has_star_import || before.free != after.free || before.declared != after.declared {
            return None;
        }
        // The order of the module variables named is that of the whole subtree.
        let globals_changed = before.globals != after.globals || !kept.is_empty();
        let class_symbols = match kept.is_empty() {
            true => FxHashMap::default(),
            false => class_symbols(prev, &fresh, ScopeId(new_root), &kept)?,
        };
        let mut kept = kept;
        let mut ids = Vec::with_capacity(new.len());
        let (mut next, mut methods) = (old.start, kept.iter_mut().peekable());
        for i in new.clone() {
            ids.push(next);
            match methods.next_if(|k| k.fresh == i) {
                Some(k) => {
                    k.at = next;
                    next += k.old.len() as u32;
                }
                None => next += 1,
            }
        }
        let chain: Vec<(ScopeId, ScopeId)> = fresh
            .ancestors(ScopeId(new_root))
            .zip(prev.ancestors(function))
            .collect();
        let same_chain = chain.len() == fresh.ancestors(ScopeId(new_root)).count()
            && chain.len() == prev.ancestors(function).count()
            && chain.iter().all(|&(n, o)| {
                let (n, o) = (fresh.scope(n), prev.scope(o));
                n.kind == o.kind && n.name == o.name && n.range.start == o.range.start
            });
        if !same_chain {
            return None;
        }
        let (old_span, new_span, class_part) = match unit {
            Unit::Body => (old_body, new_body, None),
            Unit::Def => {
                let before = Method {
                    analysis: prev,
                    scopes: old.clone(),
                    class: chain[0].1,
                    header: TextRange::new(scope.range.start, scope.header_end),
                };
                let after = Method {
                    analysis: &fresh,
                    scopes: new.clone(),
                    class: chain[0].0,
                    header: TextRange::new(range.start, header_end),
                };
                let part = before.same_class_part(&after, edit)?;
                (scope.range, range, Some(part))
            }
        };
        let mut splice = Splice {
            fresh,
            new,
            old,
            ids,
            kept,
            class_symbols,
            chain,
            old_body,
            old_span,
            new_span,
            class_part,
            outside: FxHashMap::default(),
            implied: Vec::new(),
            globals_changed,
        };
        splice.map_outside(prev)?;
        Some(splice)
    }

    /// The focused run's occurrences in the scopes analysed again (not in the kept methods).
    fn fresh_occurrences(&self) -> impl Iterator<Item = &Occurrence> {
        let start = self.fresh.scope(ScopeId(self.new.start)).range.start;
        let range = TextRange::new(start, self.new_span.end);
        (self.fresh.occurrences_in(range).iter())
            .filter(|o| self.new.contains(&o.scope.0) && self.kept_at(o.scope.0).is_none())
    }

    /// Maps every symbol outside the function that the function's scopes or occurrences refer
    /// to; `None` if one has no counterpart in the previous analysis.
    fn map_outside(&mut self, prev: &Analysis) -> Option<()> {
        let fresh = &self.fresh;
        let outside = |v: SymbolId| !self.new.contains(&v.scope.0);
        let mut wanted: Vec<SymbolId> = Vec::new();
        // The variables free names read: cells, never globals the module lacks.
        let mut read_free: Vec<SymbolId> = Vec::new();
        // The variables outside that each scope's symbols name.
        let mut named: FxHashSet<(ScopeId, SymbolId)> = FxHashSet::default();
        for id in self.new.clone() {
            if self.kept_at(id).is_some() {
                continue;
            }
            for s in &fresh.scope(ScopeId(id)).symbols {
                wanted.push(s.variable);
                if s.in_closure() {
                    read_free.push(s.variable);
                }
                if outside(s.variable) {
                    named.insert((ScopeId(id), s.variable));
                }
            }
        }
        // An occurrence names a variable a symbol of its own scope names, but where
        // tree-sitter recovered from a syntax error it may name another (and a 3.12+
        // class-level comprehension's `__class__` is a global its symbols do not name): what
        // the splice maps follows the symbols, so such an occurrence cannot be carried over.
        let strays_named = (self.fresh_occurrences())
            .filter(|o| outside(o.symbol))
            .all(|o| named.contains(&(o.scope, o.symbol)));
        if !strays_named {
            return None;
        }
        wanted.retain(|&v| outside(v));
        wanted.sort_unstable();
        wanted.dedup();
        let module = &prev.scopes[0].symbols;
        for v in wanted {
            let symbol = fresh.symbol(v);
            let mapped = if v.scope == ScopeId::MODULE {
                let index = match module.iter().position(|s| s.name == symbol.name) {
                    Some(i) => i,
                    // A free name whose cell the focused run did not see (3.14: an outer
                    // class's `__classdict__`, made by annotations among the statements it
                    // skips): its owner is found only by analysing more.
                    None if read_free.contains(&v) => return None,
                    None => {
                        self.implied.push(symbol.name.clone());
                        prev.scopes[0].symbols.len() + self.implied.len() - 1
                    }
                };
                SymbolId::new(ScopeId::MODULE, index)
            } else {
                let old_scope = self.chain.iter().find(|c| c.0 == v.scope)?.1;
                let index = prev
                    .scope(old_scope)
                    .symbols
                    .iter()
                    .position(|s| s.name == symbol.name && s.origin == symbol.origin)?;
                SymbolId::new(old_scope, index)
            };
            self.outside.insert(v, mapped);
        }
        Some(())
    }

    /// The kept method that `fresh`'s scope `id` stands for, if it is one.
    fn kept_at(&self, id: u32) -> Option<&Kept> {
        let at = self.kept.binary_search_by_key(&id, |k| k.fresh).ok()?;
        Some(&self.kept[at])
    }

    /// How many scopes the function's make in the spliced analysis (the kept methods' own).
    fn spliced_len(&self) -> u32 {
        let kept: u32 = self.kept.iter().map(|k| k.old.len() as u32 - 1).sum();
        self.new.len() as u32 + kept
    }

    /// The previous analysis's id of `fresh`'s scope `id` (the function's scopes land where the
    /// old ones start).
    fn scope(&self, id: ScopeId) -> ScopeId {
        if self.new.contains(&id.0) {
            ScopeId(self.ids[(id.0 - self.new.start) as usize])
        } else {
            self.chain
                .iter()
                .find(|c| c.0 == id)
                .map_or(ScopeId::MODULE, |c| c.1)
        }
    }

    fn symbol(&self, id: SymbolId) -> SymbolId {
        if self.new.contains(&id.scope.0) {
            SymbolId {
                scope: self.scope(id.scope),
                symbol: id.symbol,
            }
        } else {
            self.outside[&id]
        }
    }

    /// A kept method's previous scope (`root`: its own, for which `stand_in` is the focused
    /// run's), renumbered and moved by the edit.
    fn graft(
        &self,
        scope: &mut Scope,
        k: &Kept,
        root: bool,
        stand_in: &Scope,
        edit: Edit,
        rows: i64,
    ) {
        scope.parent = scope.parent.map(|p| k.scope(p));
        scope.children.iter_mut().for_each(|c| *c = k.scope(*c));
        for symbol in &mut scope.symbols {
            symbol.variable = self.kept_symbol(k, symbol.variable);
            symbol.captures_from = symbol.captures_from.map(|c| k.scope(c));
            symbol.captured_by.iter_mut().for_each(|c| *c = k.scope(*c));
        }
        if root {
            // Its decorators may lie before the edit, its `def` after it.
            scope.line = stand_in.line;
            scope.code_line = stand_in.code_line;
            scope.range = stand_in.range;
            scope.focus_range = stand_in.focus_range;
            scope.header_end = stand_in.header_end;
        } else if scope.range.start >= edit.old_end {
            scope.line = (scope.line as i64 + rows) as u32;
            scope.code_line = (scope.code_line as i64 + rows) as u32;
            scope.range =
                TextRange::new(edit.shift(scope.range.start), edit.shift(scope.range.end));
            scope.focus_range = TextRange::new(
                edit.shift(scope.focus_range.start),
                edit.shift(scope.focus_range.end),
            );
            scope.header_end = edit.shift(scope.header_end);
        }
    }

    /// The new id of a kept method's variable `v`: its own, its class's (renumbered by name) or
    /// one outside the class.
    fn kept_symbol(&self, k: &Kept, v: SymbolId) -> SymbolId {
        if k.old.contains(&v.scope.0) {
            return SymbolId {
                scope: k.scope(v.scope),
                symbol: v.symbol,
            };
        }
        if v.scope.0 != self.old.start {
            return v;
        }
        // `class_symbols` holds every one a kept method names (see `plan`).
        match self.class_symbols.get(&v.symbol.0) {
            Some(&new) => SymbolId::new(v.scope, new as usize),
            None => v,
        }
    }

    /// Lists the kept methods' scopes under the cells outside them they capture (their class's
    /// `__class__`, an enclosing function's variable).
    fn kept_captures(&self, a: &mut Analysis) {
        let mut touched = Vec::new();
        for k in &self.kept {
            let own = k.at..k.at + k.old.len() as u32;
            // Inlined comprehensions (3.12+) read their parent's cells as their parent.
            for id in own.clone() {
                if a.scopes[id as usize].inlined {
                    continue;
                }
                for i in 0..a.scopes[id as usize].symbols.len() {
                    let symbol = &a.scopes[id as usize].symbols[i];
                    if symbol.captures_from.is_none_or(|c| own.contains(&c.0)) {
                        continue;
                    }
                    let cell = symbol.variable;
                    a.scopes[cell.scope.index()].symbols[cell.symbol.0 as usize]
                        .captured_by
                        .push(ScopeId(id));
                    touched.push(cell);
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for cell in touched {
            a.scopes[cell.scope.index()].symbols[cell.symbol.0 as usize]
                .captured_by
                .sort_unstable();
        }
    }

    /// The errors after the splice, in the order a whole analysis lists them: the visiting
    /// pass's (in visiting order: the function's body is visited after what precedes it and
    /// before what follows it), then the resolving pass's (blocks in pre-order: the function's
    /// after its enclosing blocks' and before the blocks after it). `old` are the previous
    /// errors, `prev` the analysis they belong to (its scopes already spliced: only those before
    /// the function are read).
    fn errors(
        &self,
        old: Vec<ClosureError>,
        prev: &Analysis,
        shift: impl Fn(TextRange) -> TextRange + Copy,
    ) -> Vec<ClosureError> {
        let function = ScopeId(self.old.start);
        let start = prev.scope(function).range.start;
        let enclosing: Vec<ScopeId> = prev.ancestors(function).collect();
        // Resolved before the function: its enclosing blocks' errors, wherever they sit.
        let resolved_before = |e: &ClosureError| {
            let range = shift(e.range);
            let innermost = scopes_around(prev, range).pop().unwrap_or(ScopeId::MODULE);
            range.start < start || enclosing.contains(&innermost)
        };
        let kept = old
            .into_iter()
            .filter(|e| !self.old_span.contains_range(e.range));
        let (visiting, resolving): (Vec<_>, Vec<_>) =
            kept.partition(|e| !e.kind.is_resolution_error());
        let visited_at = visiting
            .iter()
            .position(|e| e.range.start >= self.old_span.start)
            .unwrap_or(visiting.len());
        let resolved_at = resolving
            .iter()
            .position(|e| !resolved_before(e))
            .unwrap_or(resolving.len());
        let new: Vec<&ClosureError> = self
            .fresh
            .errors
            .iter()
            .filter(|e| self.new_span.contains_range(e.range))
            .collect();
        let moved = |e: &ClosureError| ClosureError {
            kind: e.kind.clone(),
            range: shift(e.range),
        };
        let mut errors = Vec::with_capacity(visiting.len() + resolving.len() + new.len());
        errors.extend(visiting[..visited_at].iter().map(&moved));
        errors.extend(
            new.iter()
                .filter(|e| !e.kind.is_resolution_error())
                .map(|&e| e.clone()),
        );
        errors.extend(visiting[visited_at..].iter().map(&moved));
        errors.extend(resolving[..resolved_at].iter().map(&moved));
        errors.extend(
            new.iter()
                .filter(|e| e.kind.is_resolution_error())
                .map(|&e| e.clone()),
        );
        errors.extend(resolving[resolved_at..].iter().map(&moved));
        errors
    }

    /// What splicing into `prev` changes.
    fn record(&self, prev: &Analysis, edit: Edit) -> Spliced {
        let old_start = self.old.start;
        Spliced {
            edit,
            old_span: prev.scope(ScopeId(old_start)).range,
            new_span: self.fresh.scope(ScopeId(self.new.start)).range,
            old_scopes: self.old.clone(),
            new_scopes: old_start..old_start + self.spliced_len(),
            enclosing: prev.ancestors(ScopeId(old_start)).collect(),
            kept: self.kept.iter().map(|k| (k.old.clone(), k.at)).collect(),
            refound: Vec::new(),
        }
    }

    /// Splices the function's new scopes, occurrences and facts into `prev`; with the scopes
    /// whose facts were found again.
    fn apply(
        self,
        mut prev: Analysis,
        users: &mut ImpliedUsers,
        text: &str,
        root: Node<'_>,
        edit: Edit,
        change: &TreeChange,
    ) -> (Analysis, Vec<ScopeId>) {
        let rows = change.rows;
        let spliced_len = self.spliced_len();
        let grown = (spliced_len as i64) - (self.old.len() as i64);
        let (old_start, old_end) = (self.old.start, self.old.end);
        // Ids of scopes after the function move by `grown`; its old ids are gone.
        let id = |s: ScopeId| -> ScopeId {
            if s.0 >= old_end {
                ScopeId((s.0 as i64 + grown) as u32)
            } else {
                s
            }
        };
        let moved_symbol = |s: SymbolId| SymbolId {
            scope: id(s.scope),
            symbol: s.symbol,
        };
        let shift = |r: TextRange| TextRange::new(edit.shift(r.start), edit.shift(r.end));
        let old_named = users.named_by(&prev, self.old.clone());
        for name in &self.implied {
            let module = &mut prev.scopes[0].symbols;
            module.push(Symbol {
                name: name.clone(),
                flags: SymbolFlags::empty(),
                resolution: Resolution::GlobalImplicit,
                origin: SymbolOrigin::Implied,
                variable: SymbolId::new(ScopeId::MODULE, module.len()),
                captures_from: None,
                captured_by: Vec::new(),
            });
        }

        // Facts first: which frames read the old body as a callee, then the rest mapped (the
        // kept methods' facts stand).
        let old_ids = self.old.clone();
        let kept_of = |s: ScopeId| {
            let at = self.kept.partition_point(|k| k.old.end <= s.0);
            self.kept.get(at).filter(|k| k.old.contains(&s.0))
        };
        let replaced = |s: ScopeId| old_ids.contains(&s.0) && kept_of(s).is_none();
        let new_id = |s: ScopeId| match kept_of(s) {
            Some(k) => Some(k.scope(s)),
            None => (!old_ids.contains(&s.0)).then(|| id(s)),
        };
        let readers: Vec<ScopeId> = prev
            .facts
            .callee_reads
            .iter()
            .filter(|c| replaced(c.callee) && !replaced(c.reader))
            .filter_map(|c| new_id(c.reader))
            .collect();
        let kept_spans: Vec<TextRange> = self
            .kept
            .iter()
            .map(|k| prev.scope(ScopeId(k.old.start)).range)
            .collect();
        let gone =
            |r: TextRange| self.old_body.contains_range(r) && !flow::inside_one_of(&kept_spans, r);
        let mut facts = std::mem::take(&mut prev.facts);
        facts.unassigned_reads.retain(|r| !gone(r.read));
        facts.empty_cell_reads.retain(|r| !gone(r.read));
        facts.declarations.retain(|d| !gone(d.statement));
        facts.remap(new_id, |at| edit.shift(at));

        let containing = containing_before(&prev, ScopeId(old_start), edit);
        let own_annotate = annotate_of(&prev, ScopeId(old_start));
        let annotations = annotations_after(&prev, ScopeId(old_start), edit);
        // The function's scopes, with their links in the previous analysis's ids.
        let fresh_scope = |i: u32| {
            let s = self.fresh.scope(ScopeId(i));
            let mut scope = s.clone();
            scope.parent = s.parent.map(|p| self.scope(p));
            scope.children = s.children.iter().map(|&c| self.scope(c)).collect();
            for symbol in &mut scope.symbols {
                symbol.variable = self.symbol(symbol.variable);
                symbol.captures_from = symbol.captures_from.map(|c| self.scope(c));
                for c in &mut symbol.captured_by {
                    *c = self.scope(*c);
                }
            }
            scope
        };
        if self.kept.is_empty() {
            let new_scopes = self.new.clone().map(fresh_scope);
            prev.scopes
                .splice(old_start as usize..old_end as usize, new_scopes);
        } else {
            let range = old_start as usize..old_end as usize;
            let mut old_scopes: Vec<Option<Scope>> = prev.scopes.drain(range).map(Some).collect();
            let mut new_scopes = Vec::with_capacity(spliced_len as usize);
            for i in self.new.clone() {
                let Some(k) = self.kept_at(i) else {
                    new_scopes.push(fresh_scope(i));
                    continue;
                };
                let stand_in = self.fresh.scope(ScopeId(i));
                for o in k.old.clone() {
                    let Some(mut scope) = old_scopes[(o - old_start) as usize].take() else {
                        continue;
                    };
                    self.graft(&mut scope, k, o == k.old.start, stand_in, edit, rows);
                    new_scopes.push(scope);
                }
            }
            let at = old_start as usize;
            prev.scopes.splice(at..at, new_scopes);
        }
        let function_line = self.fresh.scope(ScopeId(self.new.start)).line;
        let after = (old_start + spliced_len) as usize;
        // Before the function, only the scopes enclosing the edit change (its enclosing scopes,
        // 3.14's `__annotate__` spanning its `def`): their ends move, the old function's
        // scopes leave their capture lists.
        for ScopeId(i) in containing {
            let scope = &mut prev.scopes[i as usize];
            scope.range = shift(scope.range);
            if grown != 0 {
                scope.children.iter_mut().for_each(|c| *c = id(*c));
            }
            for symbol in &mut scope.symbols {
                symbol.captured_by.retain(|c| !old_ids.contains(&c.0));
                if grown != 0 {
                    symbol.captured_by.iter_mut().for_each(|c| *c = id(*c));
                }
            }
        }
        // 3.14's `__annotate__` of the function spans its `def`, which the new tree may end
        // elsewhere than the edit moved it to (typing after its last line, see `new_def`).
        if let Some(ScopeId(i)) = own_annotate {
            prev.scopes[i as usize].range = self.fresh.scope(ScopeId(self.new.start)).range;
        }
        // Before it but after the edit, the scopes in later annotations move (their ids stay).
        for ScopeId(i) in annotations {
            let scope = &mut prev.scopes[i as usize];
            scope.line = (scope.line as i64 + rows) as u32;
            scope.code_line = (scope.code_line as i64 + rows) as u32;
            scope.range = shift(scope.range);
            scope.focus_range = shift(scope.focus_range);
            scope.header_end = edit.shift(scope.header_end);
        }
        // After it, everything moves.
        let delta = edit.delta() as isize;
        for scope in &mut prev.scopes[after..] {
            if grown != 0 {
                scope.parent = scope.parent.map(id);
                scope.children.iter_mut().for_each(|c| *c = id(*c));
                for symbol in &mut scope.symbols {
                    symbol.variable = moved_symbol(symbol.variable);
                    symbol.captures_from = symbol.captures_from.map(id);
                    symbol.captured_by.iter_mut().for_each(|c| *c = id(*c));
                }
            }
            if rows != 0 {
                scope.line = (scope.line as i64 + rows) as u32;
                // A body's `__annotate__` starts where its function or class does, which may
                // lie before the edit: only lines after the function's first line move.
                if scope.code_line > function_line {
                    scope.code_line = (scope.code_line as i64 + rows) as u32;
                }
            }
            // Nearly all lie past the edit: each offset moves by its delta, without a test.
            let first = (scope.range.start)
                .min(scope.focus_range.start)
                .min(scope.header_end);
            if first >= edit.old_end {
                for at in [
                    &mut scope.range.start,
                    &mut scope.range.end,
                    &mut scope.focus_range.start,
                    &mut scope.focus_range.end,
                    &mut scope.header_end,
                ] {
                    *at = at.wrapping_add_signed(delta);
                }
            } else {
                scope.range = shift(scope.range);
                scope.focus_range = shift(scope.focus_range);
                scope.header_end = edit.shift(scope.header_end);
            }
        }
        // The enclosing scopes' cells captured by the function's new scopes.
        for &(fresh_scope, old_scope) in &self.chain {
            for symbol in &self.fresh.scope(fresh_scope).symbols {
                let users: Vec<ScopeId> = symbol
                    .captured_by
                    .iter()
                    .filter(|c| self.new.contains(&c.0))
                    .map(|&c| self.scope(c))
                    .collect();
                if users.is_empty() {
                    continue;
                }
                let cells = &mut prev.scopes[old_scope.index()].symbols;
                let Some(cell) = cells
                    .iter_mut()
                    .find(|s| s.name == symbol.name && s.origin == symbol.origin)
                else {
                    continue;
                };
                cell.captured_by.extend(users);
                cell.captured_by.sort_unstable();
            }
        }
        self.kept_captures(&mut prev);

        // Occurrences: the function's own replace the old ones; the header's other ones (the
        // class's) stay, moved where the edit put them.
        let fn_start = self.fresh.scope(ScopeId(self.new.start)).range.start;
        let lo = prev
            .occurrences
            .partition_point(|o| o.range.start < fn_start);
        let hi = prev
            .occurrences
            .partition_point(|o| o.range.start <= self.old_span.end);
        let fresh = self.fresh_occurrences().map(|o| Occurrence {
            scope: self.scope(o.scope),
            symbol: self.symbol(o.symbol),
            ..o.clone()
        });
        let count = if self.kept.is_empty() {
            let mut replaced: Vec<Occurrence> = match self.class_part {
                Some(ref part) => part.clone(),
                // The enclosing scopes' own (its name, decorators and header; with syntax
                // errors, statements tree-sitter put inside the def), moved by the edit.
                None => prev.occurrences[lo..hi]
                    .iter()
                    .filter(|o| !old_ids.contains(&o.scope.0))
                    .map(|o| Occurrence {
                        range: shift(o.range),
                        ..o.clone()
                    })
                    .collect(),
            };
            replaced.extend(fresh);
            replaced.sort_by_key(|o| (o.range.start, o.range.end));
            let count = replaced.len();
            prev.occurrences.splice(lo..hi, replaced);
            count
        } else {
            // The kept methods' occurrences (most of a big class's) are moved, not copied.
            // A method's occurrences come one after another: the last one found is tried first.
            let mut last = &self.kept[0];
            let mut method_of = |s: ScopeId| {
                if !last.old.contains(&s.0) {
                    last = kept_of(s)?;
                }
                Some(last)
            };
            let stay =
                prev.occurrences
                    .drain(lo..hi)
                    .filter_map(|mut o| match method_of(o.scope) {
                        Some(k) => {
                            o.range = shift(o.range);
                            o.symbol = self.kept_symbol(k, o.symbol);
                            o.scope = k.scope(o.scope);
                            Some(o)
                        }
                        None => (!old_ids.contains(&o.scope.0)).then_some(o),
                    });
            let merged = merge_sorted(stay, fresh);
            let count = merged.len();
            prev.occurrences.splice(lo..lo, merged);
            count
        };
        // After them, everything moves. Those after the edit (all of them, unless it reaches
        // past the function) move by its delta, in a loop over plain values the compiler keeps
        // in registers: a big module has a hundred thousand.
        let after_occurrences = &mut prev.occurrences[lo + count..];
        let straddling = after_occurrences.partition_point(|o| o.range.start < edit.old_end);
        let (straddling, moving) = after_occurrences.split_at_mut(straddling);
        for o in straddling {
            o.range = shift(o.range);
        }
        for o in moving {
            o.range.start = o.range.start.wrapping_add_signed(delta);
            o.range.end = o.range.end.wrapping_add_signed(delta);
        }
        if grown != 0 {
            for o in after_occurrences {
                o.scope = id(o.scope);
                o.symbol = moved_symbol(o.symbol);
            }
        }

        prev.errors = self.errors(std::mem::take(&mut prev.errors), &prev, shift);
        // Parse errors lie apart from the function or inside its body (see `plan`).
        let old_span = self.old_span;
        prev.parse_errors.retain(|&e| !old_span.contains_range(e));
        prev.parse_errors.iter_mut().for_each(|e| *e = shift(*e));
        prev.parse_errors
            .extend_from_slice(&self.fresh.parse_errors);
        prev.parse_errors.sort_by_key(|e| (e.start, e.end));
        users.splice(
            &mut prev,
            self.old.clone(),
            &old_named,
            old_start..after as u32,
            self.globals_changed,
        );

        prev.facts = facts;
        prev.by_variable = Default::default();
        let enclosing: Vec<ScopeId> = prev.ancestors(ScopeId(old_start)).collect();
        let kept_ids = |s: &u32| {
            let at = self
                .kept
                .partition_point(|k| k.at + k.old.len() as u32 <= *s);
            self.kept.get(at).is_some_and(|k| k.at <= *s)
        };
        let new_ids: Vec<ScopeId> = (old_start..after as u32)
            .filter(|s| !kept_ids(s))
            .map(ScopeId)
            .collect();
        let kept: Vec<TextRange> = self
            .kept
            .iter()
            .map(|k| prev.scope(ScopeId(k.at)).range)
            .collect();
        // What was analysed again reaches into the enclosing frames when its code runs in one of
        // them (a class body, a method's header) or a root reads their variables; and while the
        // old or the new tree has a syntax error, one may have come or gone under them (a frame
        // with one under it has no facts).
        let spliced = old_start..after as u32;
        let reaches_out = change.broken
            || self.class_part.is_some()
            || new_ids.iter().any(|&s| {
                let scope = prev.scope(s);
                scope.parent.is_none_or(|p| !spliced.contains(&p.0))
                    && (!scope.has_own_frame() || scope.symbols.iter().any(Symbol::in_closure))
            });
        let redo = flow::Redo {
            body: self.new_span,
            kept: &kept,
            scopes: &new_ids,
            enclosing: &enclosing,
            reaches_out,
            readers: &readers,
        };
        let refound = flow::refresh(text, SyntaxNode::new(root), &mut prev, redo);
        (prev, refound)
    }
}

/// The occurrences of `a` and `b`, each sorted by place, in one sorted list.
fn merge_sorted(
    a: impl Iterator<Item = Occurrence>,
    b: impl Iterator<Item = Occurrence>,
) -> Vec<Occurrence> {
    let key = |o: &Occurrence| (o.range.start, o.range.end);
    // Room for all of both (filtered, they know only how many they may give at most): growing
    // a big class's list step by step would copy it again and again.
    let most = |hint: (usize, Option<usize>)| hint.1.unwrap_or(hint.0);
    let mut merged = Vec::with_capacity(most(a.size_hint()) + most(b.size_hint()));
    let (mut a, mut b) = (a.peekable(), b.peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if key(y) < key(x) => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(o) => merged.push(o),
            None => return merged,
        }
    }
}

/// The focused passes' analysis of the `def` at `range`, whose node is `def` (see the module
/// documentation), or `None` when some code there nests too deep. Its parse errors are those
/// inside `def`. The bodies of the methods in `keep` are not visited; with the ranges of those
/// skipped.
fn focused(
    text: &str,
    root: Node<'_>,
    def: Node<'_>,
    prev: &Analysis,
    range: TextRange,
    keep: &[Keep],
) -> Option<(Analysis, Vec<TextRange>)> {
    let version = prev.version;
    let root = SyntaxNode::new(root);
    let mut collector = collect::Collector::new(text, version, root);
    let kept = keep
        .iter()
        .map(|&(s, r)| (r, &prev.scope(s).passes_up[..]))
        .collect();
    collector.run_focused(root, range, kept);
    if collector.too_deep.is_some() {
        return None;
    }
    let skipped = collector.table.blocks.iter();
    let skipped: Vec<TextRange> = skipped
        .filter(|b| b.kept_free.is_some())
        .map(|b| b.range)
        .collect();
    // The kept methods' bodies were not visited: the parse errors the collector recovers there
    // are not known as recovered. Those methods had none the last time (see `kept_methods`)
    // and their text is as it was.
    let mut parse_errors = crate::analysis::unrecovered_errors(def, &collector.recovered);
    parse_errors.retain(|&e| !skipped.iter().any(|s| s.contains_range(e)));
    let mut errors = std::mem::take(&mut collector.errors);
    let mut resolver = resolve::Resolver::new(&mut collector.table, &collector.wk, version);
    resolver.run();
    errors.append(&mut resolver.errors);
    let analysis = export::build(export::Inputs {
        version,
        table: &collector.table,
        wk: &collector.wk,
        occurrences: &collector.occurrences,
        errors,
        parse_errors,
        too_deep: None,
        has_star_import: collector.has_star_import,
    });
    Some((analysis, skipped))
}

#[cfg(test)]
mod tests {
    use super::super::random_edits::BodyEdits;
    use super::*;
    use crate::analysis;
    use crate::analysis::PythonVersion;
    use crate::syntax;

    /// An edit made to a text and its tree: the edit, where the syntax changed, how many lines
    /// it added, whether the tree had or has a syntax error.
    struct Typed {
        edit: Edit,
        changed: Vec<TextRange>,
        rows: i64,
        broken: bool,
    }

    impl Typed {
        fn change(&self) -> TreeChange<'_> {
            TreeChange {
                changed: &self.changed,
                rows: self.rows,
                broken: self.broken,
            }
        }
    }

    /// Replaces `start..end` of `text` by `insert` and parses its tree again.
    fn edited(text: &mut String, tree: &mut Tree, start: usize, end: usize, insert: &str) -> Typed {
        let rows_before = tree.root_node().end_position().row as i64;
        let broken_before = tree.root_node().has_error();
        let (edit, changed) = super::super::reparse_edited(text, tree, start, end, insert);
        Typed {
            edit,
            changed,
            rows: tree.root_node().end_position().row as i64 - rows_before,
            broken: broken_before || tree.root_node().has_error(),
        }
    }

    /// Types `insert` just after the first `anchor` in `text` and its tree.
    fn type_after(text: &mut String, tree: &mut Tree, anchor: &str, insert: &str) -> Typed {
        let at = text.find(anchor).unwrap() + anchor.len();
        edited(text, tree, at, at, insert)
    }

    /// Re-analyses the body `edit` touched (panics if that is refused) and checks that it
    /// gives what a whole analysis of the new `text` gives; returns it.
    fn spliced_whole(
        prev: Analysis,
        implied: &mut Option<ImpliedUsers>,
        (text, tree): (&str, &Tree),
        typed: Typed,
    ) -> Analysis {
        let whole = analysis::analyze(text, tree, prev.version);
        let (version, edit) = (prev.version, typed.edit);
        let Ok((spliced, _)) = reanalyze(prev, implied, text, tree, edit, typed.change()) else {
            panic!("{version}: {edit:?} not spliced\n{text}");
        };
        assert!(spliced == whole, "{}", first_difference(&spliced, &whole));
        spliced
    }

    /// Random edits inside function bodies: each spliced analysis equals the whole one.
    /// Returns (spliced, edits, splices of a class that kept some of its methods).
    fn random_body_edits(
        mut text: String,
        version: PythonVersion,
        steps: usize,
        seed: u64,
    ) -> (usize, usize, usize) {
        let mut tree = syntax::parse(&text);
        let mut prev = analysis::analyze(&text, &tree, version);
        let (mut spliced, mut kept) = (0, 0);
        let mut implied = None;
        let mut edits = BodyEdits::new(seed);
        for step in 0..steps {
            let Some((at, old_end, insert)) = edits.next(&text, &prev) else {
                break;
            };
            let removed = text[at..old_end].to_owned();
            let typed = edited(&mut text, &mut tree, at, old_end, &insert);
            let edit = typed.edit;
            if tree.root_node().has_error() {
                edits.take_back(at, insert.len(), removed);
            }
            let whole = analysis::analyze(&text, &tree, version);
            let before = prev.clone();
            prev = match reanalyze(prev, &mut implied, &text, &tree, edit, typed.change()) {
                Ok((patched, record)) => {
                    spliced += 1;
                    kept += usize::from(!record.kept.is_empty());
                    if patched != whole {
                        panic!(
                            "step {step}: {edit:?} {insert:?}\n{text}\n{}",
                            first_difference(&patched, &whole)
                        );
                    }
                    if let Err(e) = check_record(&before, &patched, &record) {
                        panic!("step {step}: {record:?} {insert:?}\n{text}\n{e}");
                    }
                    patched
                }
                Err(_) => {
                    implied = None;
                    whole
                }
            };
        }
        (spliced, steps, kept)
    }

    /// Checks what `record` claims of a splice from `before` to `after`: outside the
    /// re-analysed scopes and their text, scopes and occurrences moved with the edit and the
    /// ids, and only the enclosing scopes' capture lists and the module's implied globals
    /// changed otherwise.
    fn check_record(before: &Analysis, after: &Analysis, record: &Spliced) -> Result<(), String> {
        let (old, new) = (&record.old_scopes, &record.new_scopes);
        if after.scopes.len() + old.len() != before.scopes.len() + new.len()
            || old.start != new.start
            || before.scope(ScopeId(old.start)).range != record.old_span
            || after.scope(ScopeId(new.start)).range != record.new_span
        {
            return Err("the re-analysed scopes".into());
        }
        let scope = |id: ScopeId| record.scope(id);
        // An implied global's id may change (the module lists them by first use): by name.
        let implied = |a: &Analysis, v: SymbolId| {
            let implied = v.scope == ScopeId::MODULE
                && a.scopes[0].symbols[v.symbol.0 as usize].origin == SymbolOrigin::Implied;
            if implied {
                SymbolId::new(ScopeId::MODULE, u32::MAX as usize)
            } else {
                v
            }
        };
        let kept =
            |ids: &[ScopeId]| -> Vec<ScopeId> { ids.iter().filter_map(|&c| scope(c)).collect() };
        // 3.14's `__annotate__` of the re-analysed function spans its new `def`.
        let own_annotate = annotate_of(before, ScopeId(old.start));
        for (i, b) in before.scopes.iter().enumerate() {
            let Some(id) = scope(ScopeId(i as u32)) else {
                continue;
            };
            let a = after.scope(id);
            let enclosing = record.enclosing.contains(&id);
            let mut moved = b.clone();
            moved.parent = b.parent.and_then(scope);
            moved.range = match own_annotate == Some(ScopeId(i as u32)) {
                true => record.new_span,
                false => record.range(b.range),
            };
            moved.focus_range = record.range(b.focus_range);
            moved.header_end = record.edit.shift(b.header_end);
            (moved.line, moved.code_line) = (a.line, a.code_line);
            moved.children = kept(&b.children);
            if id == ScopeId::MODULE {
                moved.symbols.retain(|s| s.origin != SymbolOrigin::Implied);
            }
            for s in &mut moved.symbols {
                s.variable = implied(before, s.variable);
                s.variable.scope = scope(s.variable.scope).ok_or("a variable re-analysed")?;
                s.captures_from = s.captures_from.and_then(scope);
                s.captured_by = kept(&s.captured_by);
            }
            let mut actual = a.clone();
            actual.children.retain(|c| !new.contains(&c.0));
            for s in &mut actual.symbols {
                s.variable = implied(after, s.variable);
            }
            if id == ScopeId::MODULE {
                actual.symbols.retain(|s| s.origin != SymbolOrigin::Implied);
            }
            if enclosing {
                for s in moved.symbols.iter_mut().chain(&mut actual.symbols) {
                    s.captured_by.clear();
                }
            }
            if moved != actual {
                return Err(format!(
                    "scope {i} ({}) changed:\n{moved:?}\n{actual:?}",
                    b.name
                ));
            }
        }
        let outside = |a: &Analysis, span: TextRange| -> Vec<Occurrence> {
            a.occurrences
                .iter()
                .filter(|o| !span.contains_range(o.range))
                .map(|o| Occurrence {
                    symbol: implied(a, o.symbol),
                    ..o.clone()
                })
                .collect()
        };
        let moved: Vec<Occurrence> = outside(before, record.old_span)
            .into_iter()
            .map(|o| Occurrence {
                range: record.range(o.range),
                scope: scope(o.scope).unwrap_or(o.scope),
                symbol: SymbolId {
                    scope: scope(o.symbol.scope).unwrap_or(o.symbol.scope),
                    ..o.symbol
                },
                ..o
            })
            .collect();
        if moved != outside(after, record.new_span) {
            return Err("occurrences outside the re-analysed text changed".into());
        }
        Ok(())
    }

    /// Where two analyses first differ, briefly.
    fn first_difference(a: &Analysis, b: &Analysis) -> String {
        if a.scopes.len() != b.scopes.len() {
            return format!("{} scopes vs {}", a.scopes.len(), b.scopes.len());
        }
        for (i, (x, y)) in a.scopes.iter().zip(&b.scopes).enumerate() {
            if x != y {
                return format!("scope {i}:\n{x:?}\n{y:?}");
            }
        }
        for (i, (x, y)) in a.occurrences.iter().zip(&b.occurrences).enumerate() {
            if x != y {
                return format!("occurrence {i}:\n{x:?}\n{y:?}");
            }
        }
        if a.occurrences.len() != b.occurrences.len() {
            return format!(
                "{} occurrences vs {}",
                a.occurrences.len(),
                b.occurrences.len()
            );
        }
        if a.errors != b.errors {
            return format!("errors:\n{:?}\n{:?}", a.errors, b.errors);
        }
        let (f, g) = (&a.facts, &b.facts);
        let facts: [(&str, &dyn std::fmt::Debug, &dyn std::fmt::Debug); 9] = [
            ("loops", &f.loop_closures, &g.loop_closures),
            ("unassigned", &f.unassigned_reads, &g.unassigned_reads),
            ("empty", &f.empty_cell_reads, &g.empty_cell_reads),
            ("super", &f.super_calls, &g.super_calls),
            ("declarations", &f.declarations, &g.declarations),
            ("body starts", &f.body_starts, &g.body_starts),
            ("callees", &f.callee_reads, &g.callee_reads),
            ("module callees", &f.module_callees, &g.module_callees),
            ("imports", &f.module_imports, &g.module_imports),
        ];
        for (name, x, y) in facts {
            let (x, y) = (format!("{x:?}"), format!("{y:?}"));
            if x != y {
                return format!("{name}:\n{x}\n{y}");
            }
        }
        format!(
            "other: {:?} {:?}",
            (&a.parse_errors, a.facts.module_start),
            (&b.parse_errors, b.facts.module_start)
        )
    }

    const SAMPLE: &str = "import os\n\ndef make_counter(step):\n    count = 0\n    def inc():\n        nonlocal count\n        count += step\n        return count\n    return inc\n\nclass C:\n    def m(self, a):\n        __x = 1\n        fs = [lambda: (__x, super()) for _ in a]\n        return fs\n\n    def n(self):\n        for i in range(3):\n            def g():\n                return i\n            yield g\n\n    @(lambda f: f)\n    def d(self, p):\n        return p\n\ndef f(a):\n    def g():\n        return a\n    return [g() for _ in a]\n";

    #[test]
    fn spliced_equals_whole_on_a_sample() {
        for version in PythonVersion::ALL {
            let (spliced, edits, kept) = random_body_edits(SAMPLE.to_owned(), version, 300, 7);
            assert!(
                spliced * 4 > edits,
                "{version}: only {spliced} of {edits} spliced"
            );
            assert!(kept > 0, "{version}: no class kept a method");
        }
    }

    /// Stdlib files, when a Python is around: spliced equals whole along random edits.
    #[test]
    fn spliced_equals_whole_on_stdlib_files() {
        let Some(stdlib) = super::super::tests::stdlib() else {
            return;
        };
        let steps = super::super::from_env("CLOSURE_LENS_BODY_EDITS", 60);
        let (mut spliced, mut edits, mut kept) = (0, 0, 0);
        for name in [
            "dataclasses.py",
            "functools.py",
            "asyncio/tasks.py",
            "test/test_scope.py",
        ] {
            let Ok(mut text) = std::fs::read_to_string(stdlib.join(name)) else {
                continue;
            };
            if name == "functools.py" {
                // A star import binds globals no statement shows: bodies are spliced all the same.
                text.insert_str(0, "from os.path import *\n");
            }
            for (i, version) in [PythonVersion::Py311, PythonVersion::Py314]
                .into_iter()
                .enumerate()
            {
                let (s, e, k) = random_body_edits(text.clone(), version, steps, 11 + i as u64);
                spliced += s;
                edits += e;
                kept += k;
            }
        }
        // Most refusals are edits that change which globals a body names (see the note on
        // `Interface`); a quarter of these random edits must still be spliced.
        assert!(
            edits == 0 || spliced * 4 > edits,
            "only {spliced} of {edits} spliced"
        );
        assert!(
            edits == 0 || kept > 0,
            "no class kept a method in {edits} edits"
        );
    }

    /// Typing at a class's level (a new method, a class attribute, a method's new name, a
    /// decorator) analyses the class's own statements again and keeps its other methods: their
    /// cells (`__class__`, an enclosing function's variables) and names stay right.
    #[test]
    fn class_level_typing_keeps_the_other_methods() {
        const CLASS: &str = "def outer(base):\n    shared = 1\n\n    class K(base):\n        size: int = 2\n\n        def first(self, a):\n            return super().first(a) + shared\n\n        def short(self): return shared\n\n        @staticmethod\n        def second(b):\n            fs = [lambda: (b, shared) for _ in b]\n            return fs\n\n        def third(self):\n            def inner():\n                return __class__, shared\n            return inner\n\n        for i in range(2):\n            def looped(self):\n                return i\n\n    return K\n";
        // The methods of a class made in a loop are loop closures of the function running it.
        const IN_A_LOOP: &str = "def make():\n    out = []\n    for i in range(3):\n        class C:\n            def get(self):\n                return i\n\n            def other(self):\n                return 0\n\n        out.append(C)\n    return out\n";
        let typing: [(&str, &[(&str, &str)]); 2] = [
            (
                CLASS,
                &[
                    (
                        "            return fs\n\n",
                        "        def added(self):\n            return super().x, shared\n\n",
                    ),
                    ("        size: int = 2\n", "        limit = shared\n"),
                    ("        def first", "_renamed"),
                    ("            return fs\n\n", "\n"),
                    ("            return fs\n\n", "        @property"),
                    ("                return i\n", "        hook = looped\n"),
                    // A one-line body's facts read the indentation before its `def`.
                    ("first(a) + shared\n\n", " "),
                ],
            ),
            (
                IN_A_LOOP,
                &[
                    ("                return 0\n", "            keep = get\n"),
                    ("            def other", "_one"),
                ],
            ),
        ];
        for version in PythonVersion::ALL {
            let mut kept = 0;
            for (source, steps) in typing {
                let mut text = source.to_owned();
                let mut tree = syntax::parse(&text);
                let mut prev = analysis::analyze(&text, &tree, version);
                let mut implied = None;
                for &(anchor, typed) in steps {
                    let mut anchor = anchor.to_owned();
                    for c in typed.chars() {
                        let at = type_after(&mut text, &mut tree, &anchor, &c.to_string());
                        anchor.push(c);
                        let whole = analysis::analyze(&text, &tree, version);
                        let before = prev.clone();
                        let Ok((spliced, record)) =
                            reanalyze(prev, &mut implied, &text, &tree, at.edit, at.change())
                        else {
                            panic!("{version}: {anchor:?} not spliced\n{text}");
                        };
                        assert!(
                            spliced == whole,
                            "{version} {anchor:?}\n{}",
                            first_difference(&spliced, &whole)
                        );
                        check_record(&before, &spliced, &record).unwrap();
                        let root = before.scope(ScopeId(record.old_scopes.start));
                        if root.kind == ScopeKind::Class {
                            assert!(
                                !record.kept.is_empty(),
                                "{version}: {anchor:?} kept nothing"
                            );
                            kept += 1;
                        }
                        prev = spliced;
                    }
                }
            }
            assert!(kept > 40, "{version}: methods kept in {kept} edits");
        }
    }

    /// 3.12+: a class-level comprehension's `__class__` is a global that the class lists, not
    /// the comprehension where it is read; a function body naming a new global first moves it,
    /// and its read moves with it (random class-level typing over the corpus found it left).
    #[test]
    fn a_global_read_in_a_class_level_comprehension_is_renumbered() {
        const TEXT: &str =
            "def f():\n    return 1\n\nclass C:\n    items = [__class__ for _ in range(0)]\n";
        for version in PythonVersion::ALL {
            let mut text = TEXT.to_owned();
            let mut tree = syntax::parse(&text);
            let prev = analysis::analyze(&text, &tree, version);
            let typed = type_after(&mut text, &mut tree, "    return ", "zz + ");
            spliced_whole(prev, &mut None, (&text, &tree), typed);
        }
    }

    /// A 3.12+ inlined comprehension reading its function's local captures nothing, though a
    /// module-level comprehension holds a cell of the same name (which the re-analysis of the
    /// function does not see).
    #[test]
    fn an_inlined_comprehension_reads_its_function_s_local() {
        const TEXT: &str = "fs = [lambda: s for s in range(2)]\n\ndef f(xs):\n    for s in xs:\n        ys = [s for _ in xs]\n    return ys\n";
        for version in [PythonVersion::Py312, PythonVersion::Py314] {
            let mut text = TEXT.to_owned();
            let mut tree = syntax::parse(&text);
            let prev = analysis::analyze(&text, &tree, version);
            let comp = prev.scopes.iter().find(|s| s.inlined && s.range.start > 40);
            let s = comp.and_then(|c| c.symbols.iter().find(|s| &*s.name == "s"));
            assert_eq!(s.map(|s| s.captures_from), Some(None), "{version}");
            let typed = type_after(&mut text, &mut tree, "    return ys", " or xs");
            spliced_whole(prev, &mut None, (&text, &tree), typed);
        }
    }

    /// An edit between a class's methods (a class attribute, a method's header) re-analyses the
    /// class alone; one inside a method, the method alone.
    #[test]
    fn class_bodies_and_methods_are_spliced() {
        for version in PythonVersion::ALL {
            let mut text = SAMPLE.to_owned();
            let mut tree = syntax::parse(&text);
            let mut prev = analysis::analyze(&text, &tree, version);
            let mut implied = None;
            // Each text goes in just after its anchor.
            for (anchor, insert) in [
                ("        return fs\n\n", "    limit = 3\n\n"),
                ("    def n(self", ", extra=limit"),
                ("    limit = 3\n", "    lam = lambda: limit\n"),
                ("yield g", "\n            total = i"),
            ] {
                let typed = type_after(&mut text, &mut tree, anchor, insert);
                prev = spliced_whole(prev, &mut implied, (&text, &tree), typed);
            }
        }
    }

    /// A nested function that captures nothing reaches no fact of the function around it, whose
    /// facts are then not found again; one that captures, a class body (which runs in the
    /// enclosing frame) and an edit that makes a syntax error (a frame with one under it has no
    /// facts) do reach them.
    #[test]
    fn only_what_reaches_out_finds_the_enclosing_frame_again() {
        let sample = "def outer(xs):\n    n = 0\n    del n\n    def quiet(a):\n        b = a\n        return b\n    def loud():\n        return n\n    class K:\n        v = 1\n    return quiet, loud, K\n";
        for version in PythonVersion::ALL {
            for (anchor, insert, reaches_out) in [
                ("b = a", " + 1", false),
                ("return n", " + 1", true),
                ("v = 1", " + 1", true),
                ("b = a", " $", true),
            ] {
                let mut text = sample.to_owned();
                let mut tree = syntax::parse(&text);
                let prev = analysis::analyze(&text, &tree, version);
                let typed = type_after(&mut text, &mut tree, anchor, insert);
                let whole = analysis::analyze(&text, &tree, version);
                let Ok((spliced, record)) =
                    reanalyze(prev, &mut None, &text, &tree, typed.edit, typed.change())
                else {
                    panic!("{version} {anchor}: not spliced");
                };
                assert!(spliced == whole, "{}", first_difference(&spliced, &whole));
                let outer = spliced.scopes.iter().position(|s| s.name == "outer");
                let outer = ScopeId(outer.unwrap() as u32);
                assert_eq!(
                    record.refound.contains(&outer),
                    reaches_out,
                    "{version} {anchor} {insert}"
                );
            }
        }
    }

    /// A module's star import binds globals no statement shows, which a body reads as globals
    /// either way: an edit in a body of such a module is spliced. A star import typed into a
    /// body (a SyntaxError there) is not.
    #[test]
    fn bodies_of_a_module_with_a_star_import_are_spliced() {
        for version in PythonVersion::ALL {
            let mut text = format!("from os.path import *\n{SAMPLE}");
            let mut tree = syntax::parse(&text);
            let mut prev = analysis::analyze(&text, &tree, version);
            assert!(prev.has_star_import);
            let mut implied = None;
            for (anchor, insert) in [
                ("yield g", "\n            total = join(i)"),
                ("        return count\n", "    base = basename\n"),
            ] {
                let typed = type_after(&mut text, &mut tree, anchor, insert);
                prev = spliced_whole(prev, &mut implied, (&text, &tree), typed);
            }
            let typed = type_after(
                &mut text,
                &mut tree,
                "        return p\n",
                "        from m import *\n",
            );
            let refused = reanalyze(prev, &mut implied, &text, &tree, typed.edit, typed.change());
            assert!(refused.is_err(), "{version}");
        }
    }

    /// Typing a statement into a method character by character passes through texts that do
    /// not parse (`total =`, `total = count +`, `… if a`): each of them re-analyses the method
    /// alone, syntax errors and all, and equals the whole analysis. (An editor closes brackets
    /// as they open: an unclosed one makes tree-sitter read the methods after it differently,
    /// and then the class is analysed again.)
    #[test]
    fn bodies_with_syntax_errors_are_spliced() {
        let line = "        fs = [lambda: (__x, super()) for _ in a]\n";
        let mut typed: Vec<String> = "        total = count + len"
            .chars()
            .map(String::from)
            .collect();
        typed.push("(a)".into());
        typed.extend(" if a else 0".chars().map(String::from));
        for version in PythonVersion::ALL {
            let mut text = SAMPLE.to_owned();
            let mut tree = syntax::parse(&text);
            let mut prev = analysis::analyze(&text, &tree, version);
            let mut implied = None;
            let mut anchor = line.to_owned();
            let mut broken = 0;
            let steps = typed.iter().map(|t| (None, t.as_str()));
            // Then a stray character in the finished line, and one in the next method.
            let stray = [(Some("total = "), "$"), (Some("for i in range(3"), "$")];
            for (at, insert) in steps.chain(stray) {
                let at = at.map_or_else(|| anchor.clone(), str::to_owned);
                let typed = type_after(&mut text, &mut tree, &at, insert);
                if at == anchor {
                    anchor.push_str(insert);
                }
                prev = spliced_whole(prev, &mut implied, (&text, &tree), typed);
                broken += usize::from(prev.has_syntax_errors());
            }
            assert!(
                prev.parse_errors.len() == 2 && broken > 10,
                "{version}: {broken}"
            );
        }
    }

    /// A missing name (`lambda: +`) is an empty occurrence, here at the very end of the lambda;
    /// it names a new implied global, first used before `b`: the globals are put in order and
    /// its occurrence renumbered like any other.
    #[test]
    fn a_missing_name_at_the_end_of_a_scope_is_renumbered() {
        for version in PythonVersion::ALL {
            let mut text =
                "def f():\n    return {k: lambda: a}\n\ndef g():\n    return b\n".to_owned();
            let mut tree = syntax::parse(&text);
            let prev = analysis::analyze(&text, &tree, version);
            let at = text.find("lambda: a").unwrap() + "lambda: ".len();
            let typed = edited(&mut text, &mut tree, at, at + 1, "+");
            let spliced = spliced_whole(prev, &mut None, (&text, &tree), typed);
            assert!(
                spliced
                    .occurrences
                    .iter()
                    .any(|o| spliced.name_of(o).is_empty()),
                "{text}"
            );
        }
    }

    /// Under 3.14's rules the module's (and a class's) annotations share one `__annotate__`
    /// scope, whose range is its first annotation's: when a splice moves the implied globals
    /// they name (a function before them names a new one first), the occurrences in the later
    /// annotations are renumbered too.
    #[test]
    fn implied_globals_in_later_annotations_are_renumbered() {
        for version in PythonVersion::ALL {
            let mut text = "def f():\n    return x\n\na: int = 1\nb: str = 2\n\nclass C:\n    c: int\n    d: bytes\n".to_owned();
            let mut tree = syntax::parse(&text);
            let prev = analysis::analyze(&text, &tree, version);
            let typed = type_after(&mut text, &mut tree, "return x", ", y");
            let spliced = spliced_whole(prev, &mut None, (&text, &tree), typed);
            let y = spliced.scopes[0]
                .symbols
                .iter()
                .position(|s| &*s.name == "y");
            let bytes = spliced.scopes[0]
                .symbols
                .iter()
                .position(|s| &*s.name == "bytes");
            assert!(y < bytes, "{version}: the implied globals moved");
        }
    }

    /// A lambda in a later annotation of a body belongs to the body's 3.14 `__annotate__` scope,
    /// made at its first annotation: it comes before a function defined in between in pre-order,
    /// but after it in the text, and moves with an edit in the function.
    #[test]
    fn lambdas_in_later_annotations_move_with_an_edit_before_them() {
        for version in PythonVersion::ALL {
            let mut text = "a: int = 1\n\ndef f():\n    return 1\n\nb: (lambda: 2) = 3\n\nclass C:\n    c: int\n    def m(self):\n        pass\n    d: [x for x in 'ab']\n".to_owned();
            let mut tree = syntax::parse(&text);
            let mut prev = analysis::analyze(&text, &tree, version);
            for (anchor, insert) in [
                ("return 1", "\n    y = 2"),
                ("        pass", "\n        z = 1"),
            ] {
                let typed = type_after(&mut text, &mut tree, anchor, insert);
                prev = spliced_whole(prev, &mut None, (&text, &tree), typed);
            }
        }
    }

    /// On which Python versions an edit is analysed with its method alone.
    type Alone = fn(PythonVersion) -> bool;

    /// An edit in a method's parameters re-analyses the method alone (with 3.14's `__annotate__`
    /// scope) when what its header gives the class is unchanged, and its class when not.
    #[test]
    fn method_headers_are_spliced_alone_when_the_class_sees_no_change() {
        for version in PythonVersion::ALL {
            let mut text = SAMPLE.to_owned();
            let mut tree = syntax::parse(&text);
            let mut prev = analysis::analyze(&text, &tree, version);
            let (always, never): (Alone, Alone) = (|_| true, |_| false);
            // (anchor, text typed just after it, on which versions the method alone is analysed
            // again)
            let cases: [(&str, &str, Alone); 8] = [
                ("    def m(self, a", "b", always),
                ("    def m(self, ab", ", extra", always),
                ("    def n(self", ", k=None", always),
                ("    def n(self", ", j=os", never),
                ("    def m(self", "x", always),
                // Annotations: the class reads them before 3.14, the `__annotate__` scope after.
                ("    def m(selfx, ab", ": os.PathLike", |v| {
                    v >= PythonVersion::Py314
                }),
                ("    def m(selfx, ab: os.PathLike", " | None", always),
                // The decorator's lambda, a scope of the class outside the `def`.
                ("    def d(self, p", "q", always),
            ];
            for (anchor, insert, alone) in cases {
                let alone = alone(version);
                let typed = type_after(&mut text, &mut tree, anchor, insert);
                let (edit, changed) = (typed.edit, &typed.changed);
                let whole = analysis::analyze(&text, &tree, version);
                let (method, unit) = method_around_header(&prev, edit).unwrap();
                let root = tree.root_node();
                let plan = Splice::plan(&prev, &text, root, method, unit, edit, changed);
                assert_eq!(plan.is_some(), alone, "{version}: {insert:?}\n{text}");
                let mut implied = None;
                let Ok((spliced, _)) =
                    reanalyze(prev, &mut implied, &text, &tree, edit, typed.change())
                else {
                    panic!("{version}: {insert:?} not spliced\n{text}");
                };
                assert!(spliced == whole, "{}", first_difference(&spliced, &whole));
                prev = spliced;
            }
        }
    }

    #[test]
    fn edits_compose() {
        let a = Edit {
            start: 5,
            old_end: 7,
            new_end: 10,
        };
        // Then an insertion after it, and one before it.
        assert_eq!(
            a.then(Edit {
                start: 20,
                old_end: 20,
                new_end: 22
            }),
            Edit {
                start: 5,
                old_end: 17,
                new_end: 22
            }
        );
        assert_eq!(
            a.then(Edit {
                start: 1,
                old_end: 2,
                new_end: 1
            }),
            Edit {
                start: 1,
                old_end: 7,
                new_end: 9
            }
        );
        assert_eq!(
            a.then(Edit {
                start: 6,
                old_end: 8,
                new_end: 6
            }),
            Edit {
                start: 5,
                old_end: 7,
                new_end: 8
            }
        );
    }
}
