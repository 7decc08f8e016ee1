//! Which of a frame's variables are surely assigned at each point: walks one function's (or
//! lambda's) code in CPython's order of evaluation, joining branches, going round loops, through
//! `try`/`with`/`match`, and records
//!
//! - reads of the frame's own locals that can run while unassigned (`UnboundLocalError`), and
//! - reads, in closures, of the frame's cells when the closure can run while the cell is empty:
//!   called here, or after it leaves the frame (returned, stored, passed on, yielded) and the
//!   frame exits or suspends with the cell empty (`NameError` for a free variable).
//!
//! Identifiers are classified by the analysis (each occurrence knows its variable and whether it
//! binds); the tree only gives the order and the paths.

use rustc_hash::FxHashMap;

use super::Tree;
use super::escape::{self, Use};
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{
    EmptyCell, EmptyCellRead, Facts, Occurrence, OccurrenceKind, Resolution, ScopeId, ScopeKind,
    SymbolFlags, SymbolId, SymbolOrigin, TextRange, UnassignedRead,
};
use crate::analysis::stack;

/// A set of the frame's variables (by index).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn and(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
    }
    fn or(&mut self, other: &Bits) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }
}

/// What is known at one point of a path: the variables surely assigned, those possibly
/// assigned, the closures made and those that may have left the frame on the way here, and which
/// cells of the closures made may have been empty since (`danger`), and — what a closure that
/// left finds when it runs — which cells of the closures that left may be empty since they left
/// (`risk`); one bit per closure and cell, each a property of the path, so joins keep them right.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Known {
    surely: Bits,
    maybe: Bits,
    made: Bits,
    escaped: Bits,
    danger: Bits,
    risk: Bits,
}

/// Context managers that may swallow an exception raised in their body.
const SWALLOWING: [&str; 6] = [
    "suppress",
    "assertRaises",
    "assertRaisesRegex",
    "raises",
    "ExitStack",
    "AsyncExitStack",
];

/// Unassigns `var` in `state`: closures made with a cell of it may now find it empty.
fn unassign(state: &mut Known, var: usize, pairs_of: &[Vec<(usize, usize)>]) {
    state.surely.clear(var);
    state.maybe.clear(var);
    for &(c, pair) in &pairs_of[var] {
        if state.made.has(c) {
            state.danger.set(pair);
        }
        if state.escaped.has(c) {
            state.risk.set(pair);
        }
    }
}

/// `None` where no path reaches.
type State = Option<Known>;

fn join(a: State, b: State) -> State {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(mut a), Some(b)) => {
            a.surely.and(&b.surely);
            a.maybe.or(&b.maybe);
            a.made.or(&b.made);
            a.escaped.or(&b.escaped);
            a.danger.or(&b.danger);
            a.risk.or(&b.risk);
            Some(a)
        }
    }
}

/// The paths leaving a loop body early.
#[derive(Default)]
struct LoopExits {
    breaks: State,
    continues: State,
}

/// A closure of this frame that reads some of its cells.
struct Closure {
    scope: ScopeId,
    /// The cells (variable indices) it or the closures nested in it read.
    cells: Vec<usize>,
    /// The index of its first (closure, cell) pair.
    pairs: usize,
    /// Closures nested in it read the cells: calling it may make and return them.
    makes_readers: bool,
    /// For a class: the cells its body reads as it runs (its methods run later).
    body_cells: Vec<usize>,
}

struct Walker<'w, 'a, 't> {
    tree: &'w Tree<'a, 't>,
    frame: ScopeId,
    /// The frame's own variables, indexed.
    vars: FxHashMap<SymbolId, usize>,
    /// Per variable: whether it is a cell read by nested scopes.
    closures: Vec<Closure>,
    /// Per variable: the (closure, pair index) pairs of the closures reading it.
    pairs_of: Vec<Vec<(usize, usize)>>,
    /// Variables bound to closures (indices into `closures`) this frame can call later.
    holders: FxHashMap<usize, Vec<usize>>,
    /// Why each variable was last made unassigned.
    why: FxHashMap<usize, EmptyCell>,
    loops: Vec<LoopExits>,
    /// `except … as` targets of the handlers the walk is in (deleted on any way out).
    handler_targets: Vec<usize>,
    unassigned: Vec<UnassignedRead>,
    empty: Vec<EmptyCellRead>,
    /// How deep the walk is in the tree; past [`MAX_DEPTH`] it gives up on the frame.
    depth: u32,
    too_deep: bool,
}

/// How deep a frame's statements, expressions and targets may nest before the walk gives up on
/// the frame: the symbol table pass's cap (every level runs through [`stack::grow`], so any
/// thread's stack will do).
const MAX_DEPTH: u32 = crate::analysis::collect::MAX_DEPTH;

/// Walks the frame of scope `frame` (a `def` or `lambda` at `node`) into `facts`.
pub(super) fn frame<'t>(
    tree: &Tree<'_, 't>,
    frame: ScopeId,
    node: SyntaxNode<'t>,
    facts: &mut Facts,
) {
    let analysis = tree.analysis;
    let scope = analysis.scope(frame);
    if !scope.kind.is_user_function() || node.has_error() {
        return;
    }
    let mut vars = FxHashMap::default();
    for (id, symbol) in analysis.symbols(frame) {
        if symbol.origin == SymbolOrigin::Symtable
            && matches!(symbol.resolution, Resolution::Local | Resolution::Cell)
        {
            let next = vars.len();
            vars.insert(id, next);
        }
    }
    if vars.is_empty() {
        return;
    }
    let n = vars.len();
    let mut walker = Walker {
        tree,
        frame,
        vars,
        closures: Vec::new(),
        pairs_of: Vec::new(),
        holders: FxHashMap::default(),
        why: FxHashMap::default(),
        loops: Vec::new(),
        handler_targets: Vec::new(),
        unassigned: Vec::new(),
        empty: Vec::new(),
        depth: 0,
        too_deep: false,
    };
    walker.find_closures();
    let pairs = walker.pairs_of.iter().map(Vec::len).sum();
    let mut start = Known {
        surely: Bits::empty(n),
        maybe: Bits::empty(n),
        made: Bits::empty(walker.closures.len()),
        escaped: Bits::empty(walker.closures.len()),
        danger: Bits::empty(pairs),
        risk: Bits::empty(pairs),
    };
    for (id, symbol) in analysis.symbols(frame) {
        if symbol.flags.contains(SymbolFlags::PARAM) {
            if let Some(&i) = walker.vars.get(&id) {
                start.surely.set(i);
                start.maybe.set(i);
            }
        }
    }
    let end = if scope.kind == ScopeKind::Lambda {
        let state = walker.expr(node.field(Field::Body), Some(start));
        // The lambda's value (itself a closure maybe) leaves the frame.
        walker.leave(state.as_ref(), node.range());
        state
    } else {
        walker.block(node.field(Field::Body), Some(start))
    };
    walker.leave(
        end.as_ref(),
        TextRange::new(node.end_byte(), node.end_byte()),
    );
    if walker.too_deep {
        return;
    }
    walker.unassigned.sort_by_key(|r| (r.read.start, !r.always));
    walker.unassigned.dedup_by_key(|r| r.read);
    facts.unassigned_reads.extend(walker.unassigned);
    walker.empty.sort_by_key(|r| r.read.start);
    walker.empty.dedup_by_key(|r| r.read);
    facts.empty_cell_reads.extend(walker.empty);
}

impl<'t> Walker<'_, '_, 't> {
    /// The nested scopes that read this frame's cells, with the cells each reads.
    fn find_closures(&mut self) {
        let analysis = self.tree.analysis;
        let mut by_scope: FxHashMap<ScopeId, Vec<usize>> = FxHashMap::default();
        let mut nesting: Vec<ScopeId> = Vec::new();
        let mut class_body_reads: Vec<(ScopeId, usize)> = Vec::new();
        for (&id, &i) in &self.vars {
            let symbol = analysis.symbol(id);
            // A cell the closure itself assigns (a walrus in a comprehension, `nonlocal`): the
            // order inside it decides, which this frame cannot see.
            let assigned_inside = |top: ScopeId| {
                let range = analysis.scope(top).range;
                analysis
                    .occurrences_in(range)
                    .iter()
                    .any(|o| o.symbol == id && o.is_binding() && o.scope != self.frame)
            };
            for &user in &symbol.captured_by {
                // The scope directly nested in this frame that contains the user.
                let top = std::iter::once(user)
                    .chain(analysis.ancestors(user))
                    .take_while(|&s| s != self.frame)
                    .find(|&s| {
                        let parent = analysis.scope(s).parent.unwrap_or(s);
                        !self.runs_where_made(s) && self.walk_frame(parent) == self.frame
                    });
                if let Some(top) = top.filter(|&t| !assigned_inside(t)) {
                    let is_class = analysis.scope(top).kind == ScopeKind::Class;
                    let entry = by_scope.entry(top).or_default();
                    if user == top && is_class {
                        // A class body reads it as the class is made; only its methods later.
                        let reads_in_body = analysis
                            .scope(top)
                            .symbol(&symbol.name)
                            .is_some_and(|s| s.flags.contains(SymbolFlags::USE));
                        if reads_in_body {
                            class_body_reads.push((top, i));
                        }
                    } else {
                        entry.push(i);
                    }
                    if user != top {
                        nesting.push(top);
                    }
                }
            }
        }
        let mut closures: Vec<Closure> = by_scope
            .into_iter()
            .map(|(scope, mut cells)| {
                cells.sort_unstable();
                cells.dedup();
                Closure {
                    scope,
                    cells,
                    pairs: 0,
                    makes_readers: false,
                    body_cells: Vec::new(),
                }
            })
            .collect();
        closures.sort_by_key(|c| c.scope);
        for closure in &mut closures {
            closure.makes_readers = nesting.contains(&closure.scope);
            closure.body_cells = class_body_reads
                .iter()
                .filter(|(s, _)| *s == closure.scope)
                .map(|&(_, var)| var)
                .collect();
        }
        let mut pairs_of = vec![Vec::new(); self.vars.len()];
        let mut next = 0;
        for (c, closure) in closures.iter_mut().enumerate() {
            closure.pairs = next;
            for (k, &var) in closure.cells.iter().enumerate() {
                pairs_of[var].push((c, next + k));
            }
            next += closure.cells.len();
        }
        self.closures = closures;
        self.pairs_of = pairs_of;
    }

    fn var_of(&self, o: &Occurrence) -> Option<usize> {
        self.vars.get(&o.symbol).copied()
    }

    /// The occurrence of the identifier `node`, if it is one of this frame's (or of a 3.12+
    /// comprehension inlined into it).
    fn occurrence(&self, node: SyntaxNode) -> Option<&Occurrence> {
        let analysis = self.tree.analysis;
        let o = analysis.occurrence_at(node.start_byte())?;
        (o.range == node.range() && self.walk_frame(o.scope) == self.frame).then_some(o)
    }

    /// Whether `scope` runs as soon as it is made, in order with the code around it: a 3.12+
    /// inlined comprehension, or a list, set or dict comprehension (a function CPython calls at
    /// once). The walk goes through them.
    fn runs_where_made(&self, scope: ScopeId) -> bool {
        let s = self.tree.analysis.scope(scope);
        s.inlined
            || matches!(
                s.kind,
                ScopeKind::ListComp | ScopeKind::SetComp | ScopeKind::DictComp
            )
    }

    /// The frame whose walk covers `scope`'s code: `scope` itself, or the frame around the
    /// comprehensions that run where they are made.
    fn walk_frame(&self, scope: ScopeId) -> ScopeId {
        let analysis = self.tree.analysis;
        let mut current = scope;
        while self.runs_where_made(current) {
            match analysis.scope(current).parent {
                Some(p) => current = p,
                None => break,
            }
        }
        current
    }

    /// A read of `var` at `range` in state `state`: a read of this frame's local, or (in a
    /// comprehension run here) of its cell.
    fn check_read(&mut self, var: usize, range: TextRange, state: &Known) {
        if state.surely.has(var) {
            return;
        }
        let analysis = self.tree.analysis;
        let in_cell = analysis
            .occurrence_at(range.start)
            .is_some_and(|o| analysis.frame_of(o.scope) != self.frame);
        if in_cell {
            // A comprehension run here reads the cell in this frame's order: only a cell empty on
            // every path is surely an error (as a local read would be).
            if state.maybe.has(var) {
                return;
            }
            let why = self
                .why
                .get(&var)
                .cloned()
                .unwrap_or(EmptyCell::NotAssigned);
            let comprehension = analysis
                .occurrence_at(range.start)
                .map_or(range, |o| analysis.scope(analysis.frame_of(o.scope)).range);
            self.empty.push(EmptyCellRead {
                read: range,
                runs_at: comprehension,
                why,
                certain: true,
                conditional: false,
            });
        } else {
            self.unassigned.push(UnassignedRead {
                read: range,
                always: !state.maybe.has(var),
                delete: false,
            });
        }
    }

    fn assign(&mut self, var: usize, state: &mut State) {
        if let Some(s) = state {
            s.surely.set(var);
            s.maybe.set(var);
            for &(_, pair) in &self.pairs_of[var] {
                s.danger.clear(pair);
                s.risk.clear(pair);
            }
        }
    }

    fn unassign(&mut self, var: usize, why: EmptyCell, state: &mut State) {
        if let Some(s) = state {
            unassign(s, var, &self.pairs_of);
        }
        self.why.insert(var, why);
    }

    // --- closures ---------------------------------------------------------------------------

    fn closure_of(&self, scope: ScopeId) -> Option<usize> {
        self.closures.iter().position(|c| c.scope == scope)
    }

    /// Closure `c` runs now: each cell it reads must be assigned.
    fn runs_now(&mut self, c: usize, at: TextRange, state: &State) {
        let cells = self.closures[c].cells.clone();
        self.check_cells(c, &cells, at, state, false);
    }

    /// Reports the reads, in closure `c`, of those of `cells` that may be empty in `state`.
    /// (`body_only`: only the reads of a class body itself, not those of its methods.)
    fn check_cells(
        &mut self,
        c: usize,
        cells: &[usize],
        at: TextRange,
        state: &State,
        body_only: bool,
    ) {
        let Some(state) = state else { return };
        // Run here and now, the cell is read in this frame's order: only a cell empty on every
        // path is surely an error (one assigned on some paths may well be on the path taken).
        for &var in cells {
            if !state.maybe.has(var) {
                self.report_empty(c, var, at, true, body_only);
            }
        }
    }

    /// The frame exits or suspends at `at`: closures that left it may run with its cells as
    /// they are now (an `except … as` target is deleted on the way out).
    fn leave(&mut self, state: Option<&Known>, at: TextRange) {
        let Some(state) = state else { return };
        let mut state = state.clone();
        for &t in &self.handler_targets {
            unassign(&mut state, t, &self.pairs_of);
        }
        for c in 0..self.closures.len() {
            if !state.escaped.has(c) {
                continue;
            }
            let closure = &self.closures[c];
            let dangerous: Vec<usize> = (0..closure.cells.len())
                .filter(|&k| state.risk.has(closure.pairs + k))
                .map(|k| closure.cells[k])
                .collect();
            for var in dangerous {
                let certain = !state.maybe.has(var);
                self.report_empty(c, var, at, certain, false);
            }
        }
    }

    /// Closure `c` leaves the frame in `state`: from here on it may run whenever the frame
    /// exits or suspends.
    fn escape(&mut self, c: usize, state: &mut State) {
        let Some(s) = state else { return };
        s.escaped.set(c);
        let closure = &self.closures[c];
        for k in 0..closure.cells.len() {
            if s.danger.has(closure.pairs + k) {
                s.risk.set(closure.pairs + k);
            }
        }
    }

    /// Closure `c` is made in `state`: its cells not assigned yet may be empty when it runs.
    fn make(&mut self, c: usize, state: &mut State) {
        let Some(s) = state else { return };
        s.made.set(c);
        let closure = &self.closures[c];
        for (k, &var) in closure.cells.iter().enumerate() {
            if s.surely.has(var) {
                s.danger.clear(closure.pairs + k);
            } else {
                s.danger.set(closure.pairs + k);
            }
        }
    }

    fn report_empty(
        &mut self,
        c: usize,
        var: usize,
        at: TextRange,
        certain: bool,
        body_only: bool,
    ) {
        let analysis = self.tree.analysis;
        let Some((&variable, _)) = self.vars.iter().find(|&(_, &i)| i == var) else {
            return;
        };
        let why = self
            .why
            .get(&var)
            .cloned()
            .unwrap_or(EmptyCell::NotAssigned);
        let scope = analysis.scope(self.closures[c].scope);
        for o in analysis.occurrences_in(scope.range) {
            let counted = !body_only || o.scope == self.closures[c].scope;
            if o.symbol == variable
                && o.kind == OccurrenceKind::Read
                && o.scope != self.frame
                && counted
            {
                self.empty.push(EmptyCellRead {
                    read: o.range,
                    runs_at: at,
                    why: why.clone(),
                    certain,
                    conditional: self.is_conditional(o.range, scope.range),
                });
            }
        }
    }

    /// Whether the identifier at `read` sits under a condition inside the scope spanning
    /// `closure`.
    fn is_conditional(&self, read: TextRange, closure: TextRange) -> bool {
        let mut current = self
            .tree
            .identifier_at(read)
            .and_then(|n| self.tree.parent(n));
        while let Some(n) = current {
            if n.range() == closure {
                return false;
            }
            if matches!(
                n.kind(),
                Kind::IfStatement
                    | Kind::ConditionalExpression
                    | Kind::BooleanOperator
                    | Kind::WhileStatement
                    | Kind::TryStatement
                    | Kind::MatchStatement
                    | Kind::IfClause
            ) {
                return true;
            }
            current = self.tree.parent(n);
        }
        false
    }

    /// A closure is created at `node` (its node) in `state`: what happens to it?
    fn created(&mut self, scope: ScopeId, node: SyntaxNode<'t>, state: &mut State) {
        let Some(c) = self.closure_of(scope) else {
            return;
        };
        self.make(c, state);
        let analysis = self.tree.analysis;
        let kind = analysis.scope(scope).kind;
        // A class body runs as it is made.
        if kind == ScopeKind::Class {
            let cells = self.closures[c].body_cells.clone();
            self.check_cells(c, &cells, node.range(), state, true);
        }
        if matches!(
            node.kind(),
            Kind::FunctionDefinition | Kind::ClassDefinition
        ) {
            // Bound to its name (see `definition`); a decorator may keep it.
            let parent = self.tree.parent(node);
            let decorated = parent.is_some_and(|p| p.kind() == Kind::DecoratedDefinition);
            if decorated {
                self.escape(c, state);
            }
            return;
        }
        match escape::use_of(self.tree, node) {
            Use::Called | Use::Consumed => self.runs_now(c, node.range(), state),
            Use::Bound(target) => {
                if let Some(var) = self.occurrence(target).and_then(|o| self.var_of(o)) {
                    self.holders.entry(var).or_default().push(c);
                } else {
                    self.escape(c, state);
                }
            }
            Use::Dropped => {}
            Use::Returned | Use::Kept(_) | Use::Unknown => self.escape(c, state),
        }
    }

    /// A read of variable `var` (bound to closures) at identifier `node`.
    fn holder_used(&mut self, var: usize, node: SyntaxNode<'t>, state: &mut State) {
        let Some(closures) = self.holders.get(&var).cloned() else {
            return;
        };
        match escape::use_of(self.tree, node) {
            Use::Called => {
                for &c in &closures {
                    let scope = self.tree.analysis.scope(self.closures[c].scope);
                    if scope.kind == ScopeKind::Class || scope.is_generator || scope.is_coroutine {
                        // Calling a class makes an instance whose methods run later; calling a
                        // generator or coroutine function, an object whose body runs later.
                        self.escape(c, state);
                    } else {
                        self.runs_now(c, node.range(), state);
                    }
                }
                // What the call returns may be a closure made inside: bound to a name, it is
                // one more way to run them later.
                let closures: Vec<usize> = closures
                    .into_iter()
                    .filter(|&c| self.closures[c].makes_readers)
                    .collect();
                let call = self.tree.parent(node);
                if let Some(Use::Bound(target)) = call.map(|c| escape::use_of(self.tree, c)) {
                    if let Some(v) = self.occurrence(target).and_then(|o| self.var_of(o)) {
                        self.holders
                            .entry(v)
                            .or_default()
                            .extend(closures.iter().copied());
                    }
                } else if call.is_some_and(|c| {
                    matches!(
                        escape::use_of(self.tree, c),
                        Use::Returned | Use::Kept(_) | Use::Unknown
                    )
                }) {
                    for &c in &closures {
                        self.escape(c, state);
                    }
                }
            }
            Use::Bound(target) => {
                if let Some(v) = self.occurrence(target).and_then(|o| self.var_of(o)) {
                    self.holders
                        .entry(v)
                        .or_default()
                        .extend(closures.iter().copied());
                }
            }
            Use::Dropped => {}
            Use::Consumed => {
                for &c in &closures {
                    self.runs_now(c, node.range(), state);
                }
            }
            Use::Returned | Use::Kept(_) | Use::Unknown => {
                for &c in &closures {
                    self.escape(c, state);
                }
            }
        }
    }

    // --- statements -------------------------------------------------------------------------

    fn block(&mut self, node: Option<SyntaxNode<'t>>, mut state: State) -> State {
        let Some(node) = node else { return state };
        if node.kind() != Kind::Block {
            return self.statement(node, state);
        }
        let statements: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        for s in statements {
            state = self.statement(s, state);
        }
        state
    }

    /// Runs `step` one level deeper in the walk (on a fresh stack segment when this one runs
    /// low), or notes that the code is too deep and leaves `state` as it is.
    fn deeper(&mut self, state: State, step: impl FnOnce(&mut Self, State) -> State) -> State {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return state;
        }
        self.depth += 1;
        let state = stack::grow(|| step(self, state));
        self.depth -= 1;
        state
    }

    fn statement(&mut self, node: SyntaxNode<'t>, state: State) -> State {
        self.deeper(state, |walker, state| walker.statement_inner(node, state))
    }

    fn statement_inner(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        state.as_ref()?;
        match node.kind() {
            Kind::Block => self.block(Some(node), state),
            Kind::ExpressionStatement | Kind::PrintStatement | Kind::ExecStatement => {
                self.children(node, state)
            }
            Kind::Assignment => self.assignment(node, state),
            Kind::AugmentedAssignment => self.augmented_assignment(node, state),

            Kind::ReturnStatement => {
                state = self.children(node, state);
                self.leave(state.as_ref(), node.range());
                None
            }
            Kind::RaiseStatement => {
                self.children(node, state);
                None
            }
            Kind::BreakStatement => {
                if let Some(exits) = self.loops.last_mut() {
                    exits.breaks = join(exits.breaks.take(), state);
                }
                None
            }
            Kind::ContinueStatement => {
                if let Some(exits) = self.loops.last_mut() {
                    exits.continues = join(exits.continues.take(), state);
                }
                None
            }
            Kind::DeleteStatement => self.delete(node, state),
            Kind::IfStatement => self.if_statement(node, state),
            Kind::ForStatement => self.for_statement(node, state),
            Kind::WhileStatement => self.while_statement(node, state),
            Kind::TryStatement => self.try_statement(node, state),
            Kind::WithStatement => self.with_statement(node, state),
            Kind::MatchStatement => self.match_statement(node, state),
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::DecoratedDefinition => {
                self.definition(node, state)
            }
            Kind::ImportStatement | Kind::ImportFromStatement | Kind::FutureImportStatement => {
                self.targets(Some(node), state)
            }
            Kind::GlobalStatement
            | Kind::NonlocalStatement
            | Kind::PassStatement
            | Kind::TypeAliasStatement => state,
            _ => self.children(node, state),
        }
    }

    /// `x += value`: the value, then the target read and written.
    fn augmented_assignment(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        state = self.expr(node.field(Field::Right), state);
        let left = node.field(Field::Left);
        match left.filter(|l| l.kind() == Kind::Identifier) {
            Some(name) => {
                let var = self.occurrence(name).and_then(|o| self.var_of(o));
                if let (Some(var), Some(known)) = (var, state.as_ref()) {
                    let known = known.clone();
                    self.check_read(var, name.range(), &known);
                }
            }
            None => state = self.expr(left, state),
        }
        self.targets(left, state)
    }

    /// `a = b = value`: the value, then the targets left to right.
    fn assignment(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let mut targets = vec![node.field(Field::Left)];
        let mut value = node.field(Field::Right);
        while let Some(v) = value.filter(|v| v.kind() == Kind::Assignment) {
            targets.push(v.field(Field::Left));
            value = v.field(Field::Right);
        }
        state = self.expr(value, state);
        for t in targets {
            state = self.targets(t, state);
        }
        state
    }

    /// Binds the identifiers of a target (reading what a subscript or attribute target reads).
    fn targets(&mut self, node: Option<SyntaxNode<'t>>, state: State) -> State {
        self.deeper(state, |walker, state| walker.targets_inner(node, state))
    }

    fn targets_inner(&mut self, node: Option<SyntaxNode<'t>>, mut state: State) -> State {
        let Some(node) = node else { return state };
        if node.kind() == Kind::Identifier {
            if let Some(o) = self.occurrence(node) {
                match (o.kind, self.var_of(o)) {
                    (OccurrenceKind::Write, Some(var)) => self.assign(var, &mut state),
                    (OccurrenceKind::Read, _) => state = self.expr(Some(node), state),
                    _ => {}
                }
            }
            return state;
        }
        if matches!(node.kind(), Kind::Attribute | Kind::Subscript) {
            return self.expr(Some(node), state);
        }
        let children: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        for child in children {
            state = self.targets(Some(child), state);
        }
        state
    }

    fn delete(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let mut stack: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        stack.reverse();
        while let Some(target) = stack.pop() {
            match target.kind() {
                Kind::Identifier => {
                    let Some(o) = self.occurrence(target) else {
                        continue;
                    };
                    if let (Some(var), Some(known)) = (self.var_of(o), state.as_ref()) {
                        // `del x` of an unassigned local raises like a read.
                        let before = self.unassigned.len();
                        self.check_read(var, target.range(), &known.clone());
                        for r in &mut self.unassigned[before..] {
                            r.delete = true;
                        }
                        self.unassign(var, EmptyCell::Deleted(target.range()), &mut state);
                    }
                }
                Kind::Attribute | Kind::Subscript => state = self.expr(Some(target), state),
                _ => {
                    let mut children: Vec<SyntaxNode<'t>> =
                        target.named_children(&self.tree.pool).collect();
                    children.reverse();
                    stack.extend(children);
                }
            }
        }
        state
    }

    fn if_statement(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        state = self.expr(node.field(Field::Condition), state);
        let mut after = self.block(node.field(Field::Consequence), state.clone());
        let mut rest = state;
        let mut has_else = false;
        let alternatives: Vec<SyntaxNode<'t>> =
            node.fields(Field::Alternative, &self.tree.pool).collect();
        for alternative in alternatives {
            if alternative.kind() == Kind::ElseClause {
                has_else = true;
                after = join(
                    after,
                    self.block(alternative.field(Field::Body), rest.take()),
                );
            } else {
                rest = self.expr(alternative.field(Field::Condition), rest);
                after = join(
                    after,
                    self.block(alternative.field(Field::Consequence), rest.clone()),
                );
            }
        }
        if has_else { after } else { join(after, rest) }
    }

    /// The state a loop body starts each iteration with: the state before the loop, less what
    /// the body (or the loop's targets) may delete on the way round.
    fn loop_entry(&mut self, body: SyntaxNode<'t>, state: &State) -> State {
        let mut entry = state.clone()?;
        for var in self.deleted_in(body) {
            entry.surely.clear(var);
        }
        Some(entry)
    }

    /// The variables a `del` or an `except … as` handler inside `node` can unassign.
    fn deleted_in(&self, node: SyntaxNode<'t>) -> Vec<usize> {
        let analysis = self.tree.analysis;
        let mut found = Vec::new();
        for o in analysis.occurrences_in(node.range()) {
            if o.kind != OccurrenceKind::Write || o.range.end > node.end_byte() {
                continue;
            }
            let Some(var) = self.var_of(o) else { continue };
            let parent = self
                .tree
                .identifier_at(o.range)
                .and_then(|n| self.tree.parent(n));
            let deletes = parent.is_some_and(|p| {
                p.kind() == Kind::DeleteStatement
                    || p.kind() == Kind::AsPattern
                        && self
                            .tree
                            .parent(p)
                            .is_some_and(|e| e.kind() == Kind::ExceptClause)
                    || self
                        .tree
                        .parent(p)
                        .is_some_and(|pp| pp.kind() == Kind::DeleteStatement)
            });
            if deletes {
                found.push(var);
            }
        }
        found
    }

    fn for_statement(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        state = self.expr(node.field(Field::Right), state);
        let body = node.field(Field::Body);
        let entry = match body {
            Some(b) => self.loop_entry(b, &state),
            None => state.clone(),
        };
        self.loops.push(LoopExits::default());
        let mut iteration = self.targets(node.field(Field::Left), entry.clone());
        iteration = self.block(body, iteration);
        let exits = self.loops.pop().unwrap_or_default();
        // The loop ends normally with the state at its head: before any iteration, or after one.
        let normal = join(entry, join(iteration, exits.continues));
        let after_else = match node.field(Field::Alternative) {
            Some(e) => self.block(e.field(Field::Body), normal),
            None => normal,
        };
        join(after_else, exits.breaks)
    }

    fn while_statement(&mut self, node: SyntaxNode<'t>, state: State) -> State {
        let body = node.field(Field::Body);
        let entry = match body {
            Some(b) => self.loop_entry(b, &state),
            None => state.clone(),
        };
        let condition = node.field(Field::Condition);
        let forever = condition.is_some_and(|c| c.kind() == Kind::True);
        let tested = self.expr(condition, entry.clone());
        self.loops.push(LoopExits::default());
        let iteration = self.block(body, tested.clone());
        let exits = self.loops.pop().unwrap_or_default();
        // The condition is tested again after each iteration.
        let retested = self.expr_quiet(condition, join(iteration, exits.continues));
        let normal = if forever {
            None
        } else {
            join(tested, retested)
        };
        let after_else = match node.field(Field::Alternative) {
            Some(e) => self.block(e.field(Field::Body), normal),
            None => normal,
        };
        join(after_else, exits.breaks)
    }

    fn try_statement(&mut self, node: SyntaxNode<'t>, state: State) -> State {
        let parts: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        let body = node.field(Field::Body);
        let after_body = self.block(body, state.clone());
        // A handler may start from any point of the body: what surely holds all along.
        let mut at_raise = state.clone();
        if let (Some(b), Some(s)) = (body, at_raise.as_mut()) {
            for var in self.deleted_in(b) {
                s.surely.clear(var);
            }
        }
        if let (Some(s), Some(a)) = (at_raise.as_mut(), after_body.as_ref()) {
            s.maybe.or(&a.maybe);
        }
        let mut after = None;
        let mut normal = after_body;
        let mut finally = None;
        for part in parts {
            match part.kind() {
                Kind::ExceptClause => {
                    after = join(after, self.except_clause(part, at_raise.clone()));
                }
                Kind::ElseClause => normal = self.block(part.field(Field::Body), normal),
                Kind::FinallyClause => finally = Some(part),
                _ => {}
            }
        }
        after = join(after, normal);
        match finally {
            Some(f) => {
                let body = f
                    .named_children(&self.tree.pool)
                    .find(|c| c.kind() == Kind::Block);
                // The finally clause also runs on the way out of exceptions and returns.
                let entry = join(after.clone(), at_raise);
                let finished = self.block(body, entry);
                after.as_ref()?;
                finished.map(|mut f| {
                    if let Some(a) = after {
                        f.surely.or(&a.surely);
                    }
                    f
                })
            }
            None => after,
        }
    }

    fn except_clause(&mut self, clause: SyntaxNode<'t>, mut state: State) -> State {
        let mut target = None;
        let mut body = None;
        let children: Vec<SyntaxNode<'t>> = clause.named_children(&self.tree.pool).collect();
        for child in children {
            match child.kind() {
                Kind::AsPattern => {
                    state = self.expr(child.named_child(0), state);
                    let alias = child.field(Field::Alias);
                    let ident = alias.and_then(|a| {
                        if a.kind() == Kind::Identifier {
                            Some(a)
                        } else {
                            a.named_child(0)
                        }
                    });
                    if let Some(ident) = ident {
                        if let Some(var) = self.occurrence(ident).and_then(|o| self.var_of(o)) {
                            self.assign(var, &mut state);
                            target = Some((var, ident.range()));
                        }
                    }
                }
                Kind::Block => body = Some(child),
                _ => state = self.expr(Some(child), state),
            }
        }
        if let Some((var, _)) = target {
            self.handler_targets.push(var);
        }
        state = self.block(body, state);
        if let Some((var, range)) = target {
            self.handler_targets.pop();
            self.unassign(var, EmptyCell::ExceptTarget(range), &mut state);
        }
        state
    }

    fn with_statement(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let children: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        let mut may_swallow = false;
        for child in children {
            if child.kind() == Kind::WithClause {
                let items: Vec<SyntaxNode<'t>> = child.named_children(&self.tree.pool).collect();
                for item in items {
                    let value = item.field(Field::Value);
                    let manager = match value.filter(|v| v.kind() == Kind::AsPattern) {
                        Some(pattern) => pattern.named_child(0),
                        None => value,
                    };
                    may_swallow |= manager.is_some_and(|m| self.swallows(m));
                    match value.filter(|v| v.kind() == Kind::AsPattern) {
                        Some(pattern) => {
                            state = self.expr(pattern.named_child(0), state);
                            state = self.targets(pattern.field(Field::Alias), state);
                        }
                        None => state = self.expr(value, state),
                    }
                }
            }
        }
        let entry = state.clone();
        let after = self.block(node.field(Field::Body), state);
        match after {
            Some(mut a) if may_swallow => {
                // The manager may swallow an exception from anywhere in the body.
                if let Some(e) = &entry {
                    a.surely.and(&e.surely);
                }
                Some(a)
            }
            after => after,
        }
    }

    /// Whether the context manager `manager` is one known to swallow exceptions
    /// (`contextlib.suppress`, `assertRaises`, `pytest.raises`, an exit stack): the rest of the
    /// body may then be skipped. Others are taken to let exceptions through, as nearly all do.
    fn swallows(&self, manager: SyntaxNode<'t>) -> bool {
        manager.kind() == Kind::Call
            && manager
                .field(Field::Function)
                .is_some_and(|f| SWALLOWING.contains(&escape::callee_name(self.tree, f)))
    }

    fn match_statement(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let subjects: Vec<SyntaxNode<'t>> = node.fields(Field::Subject, &self.tree.pool).collect();
        for s in subjects {
            state = self.expr(Some(s), state);
        }
        let mut after = None;
        let mut unmatched = state;
        let mut exhaustive = false;
        let bodies: Vec<SyntaxNode<'t>> = node.fields(Field::Body, &self.tree.pool).collect();
        for body in bodies {
            let cases: Vec<SyntaxNode<'t>> = body.named_children(&self.tree.pool).collect();
            for case in cases {
                if case.kind() != Kind::CaseClause {
                    continue;
                }
                let mut s = unmatched.clone();
                let mut irrefutable = false;
                let mut guard = false;
                let parts: Vec<SyntaxNode<'t>> = case.named_children(&self.tree.pool).collect();
                for part in parts {
                    match part.kind() {
                        Kind::CasePattern => {
                            irrefutable = is_irrefutable(part);
                            s = self.pattern(part, s);
                        }
                        Kind::IfClause => {
                            guard = true;
                            s = self.children(part, s);
                        }
                        Kind::Block => s = self.block(Some(part), s),
                        _ => {}
                    }
                }
                after = join(after, s);
                if irrefutable && !guard {
                    exhaustive = true;
                }
            }
        }
        if exhaustive {
            unmatched = None;
        }
        join(after, unmatched)
    }

    /// Binds a pattern's captures (reading its value patterns).
    fn pattern(&mut self, node: SyntaxNode<'t>, state: State) -> State {
        self.deeper(state, |walker, state| walker.pattern_inner(node, state))
    }

    fn pattern_inner(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        if node.kind() == Kind::Identifier {
            if let Some(o) = self.occurrence(node) {
                match (o.kind, self.var_of(o)) {
                    (OccurrenceKind::Write, Some(var)) => self.assign(var, &mut state),
                    (OccurrenceKind::Read, Some(var)) => {
                        if let Some(known) = &state {
                            let known = known.clone();
                            self.check_read(var, node.range(), &known);
                        }
                    }
                    _ => {}
                }
            }
            return state;
        }
        let children: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        for child in children {
            state = self.pattern(child, state);
        }
        state
    }

    /// Decorators, defaults, bases: evaluated here; then the closure is made and bound.
    fn definition(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let definition = if node.kind() == Kind::DecoratedDefinition {
            let decorators: Vec<SyntaxNode<'t>> = node
                .named_children(&self.tree.pool)
                .filter(|c| c.kind() == Kind::Decorator)
                .collect();
            for d in decorators {
                state = self.children(d, state);
            }
            match node.field(Field::Definition) {
                Some(d) => d,
                None => return state,
            }
        } else {
            node
        };
        // What the enclosing scope evaluates: defaults (and, up to 3.13, annotations) of a
        // def; bases and keywords of a class. Identifiers of other scopes are skipped.
        let parts = [
            definition.field(Field::Parameters),
            definition.field(Field::ReturnType),
            definition.field(Field::Superclasses),
            definition.field(Field::TypeParameters),
        ];
        for part in parts.into_iter().flatten() {
            state = self.expr(Some(part), state);
        }
        if let Some(scope) = self.tree.scope_of_node(definition, self.frame) {
            self.created(scope, definition, &mut state);
        }
        let name = definition.field(Field::Name);
        if let Some(var) = name
            .and_then(|n| self.occurrence(n))
            .and_then(|o| self.var_of(o))
        {
            self.assign(var, &mut state);
            if let Some(c) = self
                .tree
                .scope_of_node(definition, self.frame)
                .and_then(|s| self.closure_of(s))
            {
                // A def bound to its name: calls of that name run it.
                self.holders.insert(var, vec![c]);
            }
        }
        state
    }

    // --- expressions ------------------------------------------------------------------------

    /// Walks an expression's children in source order.
    fn children(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let children: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        for child in children {
            state = self.expr(Some(child), state);
        }
        state
    }

    /// An expression evaluated again (a loop condition): bindings count, reads are not reported
    /// twice.
    fn expr_quiet(&mut self, node: Option<SyntaxNode<'t>>, state: State) -> State {
        let (unassigned, empty) = (self.unassigned.len(), self.empty.len());
        let state = self.expr(node, state);
        self.unassigned.truncate(unassigned);
        self.empty.truncate(empty);
        state
    }

    fn expr(&mut self, node: Option<SyntaxNode<'t>>, state: State) -> State {
        self.deeper(state, |walker, state| walker.expr_inner(node, state))
    }

    fn expr_inner(&mut self, node: Option<SyntaxNode<'t>>, mut state: State) -> State {
        let Some(node) = node else { return state };
        state.as_ref()?;
        match node.kind() {
            Kind::Identifier => {
                if let Some(o) = self.occurrence(node) {
                    if let Some(var) = self.var_of(o) {
                        match o.kind {
                            OccurrenceKind::Read => {
                                if let Some(known) = &state {
                                    let known = known.clone();
                                    self.check_read(var, node.range(), &known);
                                }
                                self.holder_used(var, node, &mut state);
                            }
                            OccurrenceKind::Write => self.assign(var, &mut state),
                            _ => {}
                        }
                    }
                }
                state
            }
            Kind::Assignment => self.assignment(node, state),
            Kind::AugmentedAssignment => self.augmented_assignment(node, state),
            Kind::NamedExpression => {
                state = self.expr(node.field(Field::Value), state);
                self.targets(node.field(Field::Name), state)
            }
            Kind::ConditionalExpression => {
                // `a if c else b`: the condition first, then one of the two.
                let parts: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
                if parts.len() != 3 {
                    return self.children(node, state);
                }
                state = self.expr(Some(parts[1]), state);
                let then = self.expr(Some(parts[0]), state.clone());
                let otherwise = self.expr(Some(parts[2]), state);
                join(then, otherwise)
            }
            Kind::BooleanOperator => {
                state = self.expr(node.field(Field::Left), state);
                let right = self.expr(node.field(Field::Right), state.clone());
                join(state, right)
            }
            Kind::Lambda => {
                // Defaults are evaluated here; the body is another frame.
                if let Some(params) = node.field(Field::Parameters) {
                    state = self.expr(Some(params), state);
                }
                if let Some(scope) = self.tree.scope_of_node(node, self.frame) {
                    self.created(scope, node, &mut state);
                }
                state
            }
            Kind::ListComprehension
            | Kind::SetComprehension
            | Kind::DictionaryComprehension
            | Kind::GeneratorExpression => self.comprehension(node, state),
            Kind::Yield | Kind::Await => {
                state = self.children(node, state);
                self.leave(state.as_ref(), node.range());
                state
            }
            Kind::Call => {
                state = self.expr(node.field(Field::Function), state);
                self.expr(node.field(Field::Arguments), state)
            }
            Kind::KeywordArgument => self.expr(node.field(Field::Value), state),
            Kind::Attribute => self.expr(node.field(Field::Object), state),
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::DecoratedDefinition => {
                self.definition(node, state)
            }
            _ => self.children(node, state),
        }
    }

    /// A comprehension: its first iterable is evaluated here. A 3.12+ list, set or dict
    /// comprehension runs here too (inlined), zero or more times; otherwise it is a closure.
    fn comprehension(&mut self, node: SyntaxNode<'t>, mut state: State) -> State {
        let clauses: Vec<SyntaxNode<'t>> = node.named_children(&self.tree.pool).collect();
        let first = clauses
            .iter()
            .find(|c| c.kind() == Kind::ForInClause)
            .copied();
        if let Some(first) = first {
            state = self.expr(first.field(Field::Right), state);
        }
        let scope = self.tree.scope_of_node(node, self.frame);
        if !scope.is_some_and(|s| self.runs_where_made(s)) {
            if let Some(scope) = scope {
                self.created(scope, node, &mut state);
            }
            return state;
        }
        // Run here: the clauses in order, then the element, zero or more times.
        let mut inside = state.clone();
        for clause in &clauses {
            match clause.kind() {
                Kind::ForInClause => {
                    if Some(*clause) != first {
                        inside = self.expr(clause.field(Field::Right), inside);
                    }
                    inside = self.targets(clause.field(Field::Left), inside);
                }
                Kind::IfClause => inside = self.children(*clause, inside),
                _ => {}
            }
        }
        inside = self.expr(node.field(Field::Body), inside);
        join(state, inside)
    }
}

/// A case pattern that matches anything: `_` or a bare capture.
fn is_irrefutable(pattern: SyntaxNode) -> bool {
    let Some(inner) = pattern.named_child(0) else {
        // `case _:` has no named child.
        return true;
    };
    pattern.named_child(1).is_none()
        && (inner.kind() == Kind::Identifier
            || inner.kind() == Kind::DottedName
                && inner
                    .named_child(0)
                    .is_some_and(|i| i.kind() == Kind::Identifier)
                && inner.named_child(1).is_none())
}
