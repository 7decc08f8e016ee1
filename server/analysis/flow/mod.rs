//! How the code runs, as the closure-bug diagnostics need it: read off the syntax tree after
//! the symbol tables are built, into plain [`Facts`].
//!
//! - [`assigned`]: which locals and cells are surely assigned at each point of a frame
//!   (unassigned reads, cells a closure may find empty);
//! - [`loops`]: closures made inside loops, and whether they outlive the iteration
//!   ([`escape`] decides what a use of a closure does with it);
//! - here: zero-argument `super()` calls, `global`/`nonlocal` statements, body starts, what
//!   top-level imports bind and where a new one goes.
//!
//! Frames with syntax errors are skipped: a guess about broken code helps nobody.

mod assigned;
mod escape;
mod loops;

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::grammar::{Ancestry, CursorPool, Field, Kind, SyntaxNode};
use super::model::{
    Analysis, BodyStart, CalleeRead, Declaration, Facts, LoopClosure, ModuleCallee, ModuleImport,
    Occurrence, OccurrenceKind, Scope, ScopeId, ScopeKind, SuperCall, TextRange,
};

/// Scopes nested deeper than this get no facts. Only a chain of lambdas (`lambda: lambda: …`) can
/// nest so deep (CPython allows 99 indentation levels and 200 brackets), and finding a scope's
/// node and its enclosing loops costs tree-sitter time in proportion to the depth: thousands of
/// nested lambdas would make the facts quadratic.
const MAX_SCOPE_DEPTH: u32 = 400;

/// Everything [`Facts`] holds for `analysis` of `text`, whose tree is rooted at `root`: of the
/// module made of the top-level statements in `statements` (all of them, or a chunk's).
pub(crate) fn facts<'t>(
    text: &str,
    root: SyntaxNode<'t>,
    analysis: &Analysis,
    statements: TextRange,
) -> Facts {
    let tree = Tree::new(text, root, analysis);
    let mut facts = Facts::default();
    // Scopes come in pre-order: a parent's depth is known before its children's.
    let mut depth = vec![0u32; analysis.scopes.len()];
    for (i, scope) in analysis.scopes.iter().enumerate() {
        depth[i] = scope.parent.map_or(0, |p| depth[p.index()] + 1);
        if depth[i] <= MAX_SCOPE_DEPTH {
            scope_facts(&tree, ScopeId(i as u32), &mut facts);
        }
    }
    for o in &analysis.occurrences {
        facts.super_calls.extend(super_call_at(&tree, o));
    }
    facts.declarations = declarations(&tree, &analysis.occurrences);
    module_statements(&tree, statements, &mut facts);
    facts.callee_reads = tree.callee_reads.take();
    facts.module_callees = tree.module_callees.take();
    facts.sort();
    facts
}

/// Brings `analysis.facts` up to date after the body `redo.body` of one function was analysed
/// again and spliced in as the scopes `redo.scopes` (the facts of the rest already mapped to the
/// new text; a re-analysed class's kept methods are among the rest). What the body can change is
/// recomputed: the facts of every scope analysed again; of the enclosing frames
/// (`redo.enclosing`: the function is among their closures); of the scopes whose facts were
/// judged by a call into the old body (`redo.readers`); of the loop closures made by an
/// enclosing scope, or bound to a global, whose uses may be in the body; and the `super()`
/// calls in the body or in a function defined by an enclosing scope (its calls may be in the
/// body).
pub(crate) fn refresh<'t>(
    text: &str,
    root: SyntaxNode<'t>,
    analysis: &mut Analysis,
    redo: Redo<'_>,
) -> Vec<ScopeId> {
    let facts = std::mem::take(&mut analysis.facts);
    let (facts, redone) = redo.facts(text, root, analysis, facts);
    analysis.facts = facts;
    redone
}

/// Brings the facts of `readers` up to date in `analysis` (and those of the loop closures bound
/// to a global), after what they were judged by changed outside them: the facts a chunk judged
/// from its own statements that other chunks may change, once the module is whole.
pub(crate) fn refind<'t>(
    text: &str,
    root: SyntaxNode<'t>,
    analysis: &mut Analysis,
    readers: &[ScopeId],
) {
    // No body was analysed again: none to find anything in.
    let redo = Redo {
        body: TextRange::default(),
        kept: &[],
        scopes: &[],
        enclosing: &[],
        reaches_out: false,
        readers,
    };
    refresh(text, root, analysis, redo);
}

/// Whether `range` lies inside one of `spans` (sorted, apart from one another).
pub(crate) fn inside_one_of(spans: &[TextRange], range: TextRange) -> bool {
    let at = spans.partition_point(|s| s.end < range.start);
    spans.get(at).is_some_and(|s| s.contains_range(range))
}

/// What [`refresh`] recomputes.
pub(crate) struct Redo<'a> {
    /// The body analysed again, in which the `global`/`nonlocal` statements and the `super()`
    /// calls are found again...
    pub body: TextRange,
    /// ...but for the statements in these functions, kept as they were (sorted).
    pub kept: &'a [TextRange],
    /// The scopes analysed again.
    pub scopes: &'a [ScopeId],
    /// The scopes enclosing them.
    pub enclosing: &'a [ScopeId],
    /// Whether the scopes analysed again reach into the enclosing frames: their code runs in one
    /// (a class body, a method's header), their roots read the frames' variables, or a syntax
    /// error under a frame may have come or gone. Only then may the facts of the enclosing
    /// frames, and of the loop closures they make, change: a frame's facts read a nested
    /// function's body only for the cells it reads, or as a callee (`readers`).
    pub reaches_out: bool,
    /// The scopes whose facts were judged by a call into the scopes analysed again.
    pub readers: &'a [ScopeId],
}

impl Redo<'_> {
    /// Whether `range` lies in the body analysed again, outside the functions kept.
    fn redone(&self, range: TextRange) -> bool {
        self.body.contains_range(range) && !inside_one_of(self.kept, range)
    }

    /// Whether the loop closure `c` may be judged differently after the body changed: made by
    /// an enclosing frame the body reaches into, or bound to a global (whose uses may be in the
    /// body).
    fn loop_closure_may_change(&self, c: &LoopClosure) -> bool {
        c.bound_to_global || self.reaches_out && self.enclosing.contains(&c.maker)
    }

    fn facts<'t>(
        &self,
        text: &str,
        root: SyntaxNode<'t>,
        analysis: &Analysis,
        mut facts: Facts,
    ) -> (Facts, Vec<ScopeId>) {
        let mut redo: Vec<ScopeId> = self.scopes.to_vec();
        if self.reaches_out {
            redo.extend(
                self.enclosing
                    .iter()
                    .copied()
                    .filter(|&s| analysis.scope(s).has_own_frame()),
            );
        }
        redo.extend(self.readers);
        redo.extend(
            facts
                .loop_closures
                .iter()
                .filter(|c| self.loop_closure_may_change(c))
                .map(|c| c.scope),
        );
        redo.sort_unstable();
        redo.dedup();
        // Asked of every fact of the module: most lie outside the ids redone, a few of them.
        let (first, last) = (redo.first().copied(), redo.last().copied());
        let redone = |s: ScopeId| {
            first.is_some_and(|f| f <= s)
                && last.is_some_and(|l| s <= l)
                && redo.binary_search(&s).is_ok()
        };
        let body = self.body;
        // A frame's reads lie inside it: only reads inside a redone frame are looked up.
        let spans: Vec<TextRange> = redo.iter().map(|&s| analysis.scope(s).range).collect();
        let in_redone_frame = |read: TextRange| spans.iter().any(|r| r.contains_range(read));
        let reader_of = |read: TextRange, owner: bool| {
            if !in_redone_frame(read) {
                return Some(ScopeId::MODULE);
            }
            let o = analysis
                .occurrence_at(read.start)
                .filter(|o| o.range == read)?;
            Some(if owner {
                o.symbol.scope
            } else {
                analysis.frame_of(o.scope)
            })
        };
        facts.loop_closures.retain(|c| !redone(c.scope));
        facts.callee_reads.retain(|c| !redone(c.reader));
        facts.module_callees.retain(|c| !redone(c.reader));
        facts
            .unassigned_reads
            .retain(|r| reader_of(r.read, false).is_some_and(|f| !redone(f)));
        facts
            .empty_cell_reads
            .retain(|r| reader_of(r.read, true).is_some_and(|f| !redone(f)));
        facts.declarations.retain(|d| !self.redone(d.statement));
        facts.body_starts.retain(|b| !redone(b.scope));

        let tree = Tree::new(text, root, analysis);
        for &scope in &redo {
            if analysis.ancestors(scope).count() as u32 <= MAX_SCOPE_DEPTH {
                scope_facts(&tree, scope, &mut facts);
            }
        }
        // A `super()` call's facts include the calls of its function in the enclosing scope:
        // found again for the functions an enclosing scope defines, and for those redone.
        let old_calls = std::mem::take(&mut facts.super_calls);
        for call in old_calls
            .into_iter()
            .filter(|c| !body.contains_range(c.range))
        {
            let parent = analysis.defining_scope(call.frame);
            if !parent.is_some_and(|p| self.enclosing.contains(&p)) && !redone(call.frame) {
                facts.super_calls.push(call);
            } else if let Some(o) = analysis.occurrence_at(call.range.start) {
                facts.super_calls.extend(super_call_at(&tree, o));
            }
        }
        let inside = analysis.occurrences_in(body);
        for o in inside {
            facts.super_calls.extend(super_call_at(&tree, o));
        }
        // The kept functions' declarations stand.
        let mut rest = inside;
        for kept in self.kept {
            let before = rest.partition_point(|o| o.range.start < kept.start);
            facts
                .declarations
                .extend(declarations(&tree, &rest[..before]));
            let past = rest.partition_point(|o| o.range.start < kept.end);
            rest = &rest[past..];
        }
        facts.declarations.extend(declarations(&tree, rest));
        facts.callee_reads.extend(tree.callee_reads.take());
        facts.module_callees.extend(tree.module_callees.take());
        facts.sort();
        (facts, redo)
    }
}

/// The facts of one scope: its frame's reads (a function or lambda), its body start (a `def`),
/// the loop closure it is (if it is one), with the callee bodies they were judged by.
fn scope_facts(tree: &Tree, id: ScopeId, facts: &mut Facts) {
    let scope = tree.analysis.scope(id);
    let Some(node) = tree.node_of(scope) else {
        return;
    };
    tree.reader.set(id);
    if scope.has_own_frame() || scope.kind == ScopeKind::Module {
        assigned::frame(tree, id, node, facts);
    }
    if scope.kind == ScopeKind::Function {
        facts.body_starts.extend(body_start(tree, id, node));
    }
    if let Some(closure) = loops::loop_closure(tree, id, node) {
        facts.loop_closures.push(closure);
    }
}

/// The zero-argument `super()` call whose `super` is `o`, if it is one.
fn super_call_at(tree: &Tree, o: &Occurrence) -> Option<SuperCall> {
    let call = &**tree.analysis.name_of(o) == "super"
        && o.kind == OccurrenceKind::Read
        && is_zero_argument_call(tree, o.range);
    call.then(|| super_call(tree, o.range, tree.analysis.frame_of(o.scope)))
}

/// The tree, its text and its analysis, for the fact finders.
pub(super) struct Tree<'a, 't> {
    text: &'a str,
    root: SyntaxNode<'t>,
    pool: CursorPool<'t>,
    ancestry: Ancestry<'t>,
    analysis: &'a Analysis,
    /// What same-file functions do with their parameters, as judged so far.
    callees: RefCell<FxHashMap<(ScopeId, usize), escape::Judged>>,
    /// The scope whose facts are being found, and the callee bodies they were judged by.
    reader: Cell<ScopeId>,
    callee_reads: RefCell<Vec<CalleeRead>>,
    /// The module variables called whose bindings the facts were judged by.
    module_callees: RefCell<Vec<ModuleCallee>>,
}

impl<'a, 't> Tree<'a, 't> {
    fn new(text: &'a str, root: SyntaxNode<'t>, analysis: &'a Analysis) -> Self {
        Tree {
            text,
            root,
            pool: CursorPool::default(),
            ancestry: Ancestry::new(root),
            analysis,
            callees: RefCell::default(),
            reader: Cell::new(ScopeId::MODULE),
            callee_reads: RefCell::default(),
            module_callees: RefCell::default(),
        }
    }

    /// The node containing `node`.
    fn parent(&self, node: SyntaxNode<'t>) -> Option<SyntaxNode<'t>> {
        self.ancestry.parent(node)
    }

    /// Notes that the facts being found depend on the body of `callee`.
    fn reads_callee(&self, callee: ScopeId) {
        let reader = self.reader.get();
        self.callee_reads
            .borrow_mut()
            .push(CalleeRead { reader, callee });
    }

    /// How many callee bodies and module variables were noted so far (see [`Self::noted_since`]).
    fn noted(&self) -> (usize, usize) {
        (
            self.callee_reads.borrow().len(),
            self.module_callees.borrow().len(),
        )
    }

    /// The callee bodies and module variables noted since [`Self::noted`] said `noted`.
    fn noted_since(&self, (callees, names): (usize, usize)) -> escape::Read {
        escape::Read {
            callees: self.callee_reads.borrow()[callees..]
                .iter()
                .map(|c| c.callee)
                .collect(),
            names: self.module_callees.borrow()[names..]
                .iter()
                .map(|c| Arc::clone(&c.name))
                .collect(),
        }
    }

    /// Notes again, for the scope whose facts are being found, what judging a callee read.
    fn note_again(&self, read: &escape::Read) {
        for &callee in &read.callees {
            self.reads_callee(callee);
        }
        for name in &read.names {
            self.reads_module_callee(name);
        }
    }

    /// Notes that the facts being found depend on what the module binds to `name`, called.
    fn reads_module_callee(&self, name: &Arc<str>) {
        let reader = self.reader.get();
        let name = Arc::clone(name);
        self.module_callees
            .borrow_mut()
            .push(ModuleCallee { reader, name });
    }
}

impl<'t> Tree<'_, 't> {
    /// The node a scope was made from (`function_definition`, `lambda`, a comprehension, …).
    fn node_of(&self, scope: &Scope) -> Option<SyntaxNode<'t>> {
        if scope.kind == ScopeKind::Module {
            return Some(self.root);
        }
        let mut node = self.ancestry.covering(scope.range)?;
        // A node spanning exactly the range may sit under a wrapper with the same span.
        while node.range() != scope.range {
            node = self.parent(node)?;
        }
        let wanted = match scope.kind {
            ScopeKind::Function => Kind::FunctionDefinition,
            ScopeKind::Lambda => Kind::Lambda,
            ScopeKind::Class => Kind::ClassDefinition,
            ScopeKind::ListComp => Kind::ListComprehension,
            ScopeKind::SetComp => Kind::SetComprehension,
            ScopeKind::DictComp => Kind::DictionaryComprehension,
            ScopeKind::GenExpr => Kind::GeneratorExpression,
            _ => return None,
        };
        let mut current = Some(node);
        while let Some(n) = current {
            if n.kind() == wanted && n.range() == scope.range {
                return Some(n);
            }
            current = n.named_child(0).filter(|c| c.range() == scope.range);
        }
        None
    }

    /// The identifier node at exactly `range`.
    fn identifier_at(&self, range: TextRange) -> Option<SyntaxNode<'t>> {
        self.ancestry
            .covering(range)
            .filter(|n| n.kind() == Kind::Identifier && n.range() == range)
    }

    /// The scope whose code `node` (a scope's node) is, found by its range: searched from
    /// `within` when that scope holds the node (a frame's nested scopes lie under the frame: the
    /// search then skips the siblings of its ancestors), else from the module.
    fn scope_of_node(&self, node: SyntaxNode<'t>, within: ScopeId) -> Option<ScopeId> {
        let range = node.range();
        let analysis = self.analysis;
        let outer = analysis.scope(within).range;
        let mut id = if outer != range && outer.contains_range(range) {
            within
        } else {
            ScopeId::MODULE
        };
        'descend: loop {
            for &child in &analysis.scope(id).children {
                let scope = analysis.scope(child);
                // 3.14's `__annotate__` of a def spans the def: not what a node is made into.
                if scope.kind == ScopeKind::Annotation {
                    continue;
                }
                if scope.range == range {
                    return Some(child);
                }
                if scope.range.start <= range.start && range.end <= scope.range.end {
                    id = child;
                    continue 'descend;
                }
            }
            return None;
        }
    }
}

/// Whether the identifier at `range` is the callee of a call without arguments.
fn is_zero_argument_call(tree: &Tree, range: TextRange) -> bool {
    let Some(call) = tree.identifier_at(range).and_then(|n| tree.parent(n)) else {
        return false;
    };
    call.kind() == Kind::Call
        && call
            .field(Field::Function)
            .is_some_and(|f| f.range() == range)
        && call
            .field(Field::Arguments)
            .is_some_and(|args| args.kind() == Kind::ArgumentList && args.named_child(0).is_none())
}

/// A zero-argument `super()` at `range`, run by `frame`.
fn super_call(tree: &Tree, range: TextRange, frame: ScopeId) -> SuperCall {
    let scope = tree.analysis.scope(frame);
    let node = tree.node_of(scope);
    let positional = match scope.kind {
        ScopeKind::Module | ScopeKind::Class => 0,
        // The hidden `.0`: the iterator.
        kind if kind.is_comprehension() => 1,
        _ => node
            .and_then(|n| n.field(Field::Parameters))
            .map_or(0, |p| positional_parameters(tree, p)),
    };
    SuperCall {
        range,
        frame,
        positional,
        called_with: called_with(tree, frame),
    }
}

/// The first arguments the function `frame` is called with where it is defined, when calls are
/// all its name is used for there.
fn called_with(tree: &Tree, frame: ScopeId) -> Option<Vec<String>> {
    let analysis = tree.analysis;
    let scope = analysis.scope(frame);
    if scope.kind != ScopeKind::Function {
        return None;
    }
    let binding = analysis
        .occurrence_at(scope.focus_range.start)
        .filter(|o| o.range == scope.focus_range)?;
    let mut firsts = Vec::new();
    for o in analysis.occurrences_of(binding.symbol) {
        if o.kind != OccurrenceKind::Read {
            continue;
        }
        let call = tree
            .identifier_at(o.range)
            .and_then(|n| tree.parent(n))
            .filter(|c| {
                c.kind() == Kind::Call
                    && c.field(Field::Function)
                        .is_some_and(|f| f.range() == o.range)
            })?;
        let first = call
            .field(Field::Arguments)
            .and_then(|args| args.named_child(0))
            .filter(|a| a.kind() != Kind::KeywordArgument)?;
        firsts.push(tree.text[first.byte_range()].to_owned());
    }
    Some(firsts)
}

/// How many parameters of `params` are positional (`co_argcount`): those before a `*`, a
/// `*args` or a `**kwargs`.
fn positional_parameters<'t>(tree: &Tree<'_, 't>, params: SyntaxNode<'t>) -> u32 {
    let mut count = 0;
    for p in params.named_children(&tree.pool) {
        let text = &tree.text[p.byte_range()];
        match p.kind() {
            Kind::PositionalSeparator => {}
            Kind::KeywordSeparator => break,
            _ if text.starts_with('*') => break,
            _ => count += 1,
        }
    }
    count
}

/// What the top-level imports in `statements` bind ([`Facts::module_imports`]), and where a new
/// import goes ([`Facts::module_start`]).
fn module_statements(tree: &Tree, statements: TextRange, facts: &mut Facts) {
    let text = |n: SyntaxNode| -> String {
        tree.text[n.byte_range()]
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\\')
            .collect()
    };
    let inside =
        (tree.root.named_children(&tree.pool)).filter(|s| statements.contains_range(s.range()));
    for statement in inside {
        let is_string = statement.kind() == Kind::ExpressionStatement
            && statement
                .named_child(0)
                .is_some_and(|s| s.kind() == Kind::String)
            && statement.named_child(1).is_none();
        if facts.module_start.is_none()
            && !is_string
            && statement.kind() != Kind::FutureImportStatement
        {
            facts.module_start = Some(statement.start_byte());
        }
        let module = match statement.kind() {
            Kind::ImportStatement => None,
            Kind::ImportFromStatement => match statement.field(Field::ModuleName) {
                Some(m) => Some(text(m)),
                None => continue,
            },
            _ => continue,
        };
        for name in statement.fields(Field::Name, &tree.pool) {
            let (bound, path) = match name.kind() {
                Kind::AliasedImport => match (name.field(Field::Alias), name.field(Field::Name)) {
                    (Some(alias), Some(dotted)) => (alias, text(dotted)),
                    _ => continue,
                },
                // `import a.b` binds `a`, to the module `a`.
                _ => match name.named_child(0) {
                    Some(first) if module.is_none() => (first, text(first)),
                    Some(_) => (name, text(name)),
                    None => continue,
                },
            };
            let path = match &module {
                Some(m) if m.ends_with('.') => format!("{m}{path}"),
                Some(m) => format!("{m}.{path}"),
                None => path,
            };
            facts.module_imports.push(ModuleImport {
                name: bound.range(),
                path,
            });
        }
    }
}

/// The `global` / `nonlocal` statements among `occurrences` (sorted), with their names.
fn declarations(tree: &Tree, occurrences: &[Occurrence]) -> Vec<Declaration> {
    let mut found: Vec<Declaration> = Vec::new();
    for o in occurrences {
        if !matches!(
            o.kind,
            OccurrenceKind::GlobalDecl | OccurrenceKind::NonlocalDecl
        ) {
            continue;
        }
        let Some(statement) = tree.identifier_at(o.range).and_then(|n| tree.parent(n)) else {
            continue;
        };
        match found.last_mut() {
            Some(last) if last.statement == statement.range() => last.push_name(o.range),
            _ => found.push(Declaration::new(
                statement.range(),
                o.range,
                tree.parent(statement).is_some_and(|block| {
                    block.kind() == Kind::Block
                        && block.named_children(&tree.pool).all(|s| s == statement)
                }),
            )),
        }
    }
    found
}

/// Where a new first statement goes in the body of the `def` at `node`: before the first
/// statement after the docstring (`None` for a body that is only a docstring).
fn body_start<'t>(tree: &Tree<'_, 't>, scope: ScopeId, node: SyntaxNode<'t>) -> Option<BodyStart> {
    let body = node
        .field(Field::Body)
        .filter(|b| b.kind() == Kind::Block)?;
    let mut statements = body.named_children(&tree.pool);
    let first = statements.next()?;
    let is_docstring = first.kind() == Kind::ExpressionStatement
        && first
            .named_child(0)
            .is_some_and(|s| s.kind() == Kind::String)
        && first.named_child(1).is_none();
    let anchor = if is_docstring {
        statements.next()?
    } else {
        first
    };
    let line_start = tree.text[..anchor.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = &tree.text[line_start..anchor.start_byte()];
    Some(BodyStart {
        scope,
        at: anchor.start_byte(),
        indent: before
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect(),
        inline: !before.chars().all(|c| c == ' ' || c == '\t'),
    })
}
