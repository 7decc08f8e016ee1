//! Closures made inside loops: the loops around each one (up to the frame that makes it), and
//! whether the closure outlives the iteration that made it.
//!
//! A lambda or generator expression is judged by the code around it; a `def` or `class` (or a
//! lambda bound to a name) by its decorators and by every use of its name in the loop: used
//! before its definition, it is the previous iteration's; called, it runs now (for an `async def`
//! or a generator function, what is done with the coroutine or generator counts).

use super::Tree;
use super::escape::{self, KeptHow, Use};
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{
    DefaultSlot, Escape, Kept, Loop, LoopClosure, NameUse, OccurrenceKind, Resolution, ScopeId,
    ScopeKind, SymbolId, TextRange,
};

/// Decorators that hand back the function itself or a thin wrapper bound to the same name.
const TRANSPARENT_DECORATORS: [&str; 8] = [
    "staticmethod",
    "classmethod",
    "property",
    "wraps",
    "cache",
    "lru_cache",
    "cached_property",
    "abstractmethod",
];

/// The loops around the closure `scope` (at `node`) and what becomes of it, if it is a closure
/// made inside a loop.
pub(super) fn loop_closure<'t>(
    tree: &Tree<'_, 't>,
    scope: ScopeId,
    node: SyntaxNode<'t>,
) -> Option<LoopClosure> {
    let analysis = tree.analysis;
    let s = analysis.scope(scope);
    // A generic `def` or class is made in the scope defining it (its type-parameter scope runs
    // there, at once).
    let parent = analysis.defining_scope(scope)?;
    let method = analysis.scope(parent).kind == ScopeKind::Class;
    let kind_ok = matches!(
        s.kind,
        ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Class | ScopeKind::GenExpr
    );
    if !kind_ok || method || s.inlined {
        return None;
    }
    let frame = analysis.frame_of(parent);
    let frame_node = tree.node_of(analysis.scope(frame))?;
    let made = made_at(tree, node);
    let mut loops = loops_around(tree, made, frame_node);
    if loops.is_empty() {
        // Made by a helper function that a loop defines and calls: the helper's loops count.
        loops = helper_loops(tree, frame)?;
    }
    let escape = escape_of(tree, scope, frame, node, made, &loops);
    let loops = loops.into_iter().map(|(_, l)| l).collect();
    let mut closure = LoopClosure {
        scope,
        maker: frame,
        bound_to_global: bound_to_global(tree, scope, frame),
        loops,
        escape,
        defaults: default_slot(tree, node),
        name_uses: name_uses(tree, scope, node, made),
        span: TextRange::default(),
    };
    closure.anchor();
    Some(closure)
}

/// Whether the closure `scope`, made by `frame`, is bound to a module variable through a
/// `global` declaration of its name (`global f` before `def f`).
fn bound_to_global(tree: &Tree, scope: ScopeId, frame: ScopeId) -> bool {
    let analysis = tree.analysis;
    let declares_globals = analysis
        .scope(frame)
        .symbols
        .iter()
        .any(|y| y.resolution == Resolution::GlobalExplicit);
    let name = analysis.scope(scope).focus_range;
    declares_globals
        && analysis
            .occurrence_at(name.start)
            .is_some_and(|o| o.range == name && o.symbol.scope == ScopeId::MODULE)
}

/// The loops around the `def` or `lambda` `helper` in the frame making it, when the closures
/// `helper` makes can outlive an iteration of those loops only by leaving `helper` itself.
fn helper_loops<'t>(tree: &Tree<'_, 't>, helper: ScopeId) -> Option<Vec<(SyntaxNode<'t>, Loop)>> {
    let analysis = tree.analysis;
    let scope = analysis.scope(helper);
    if !scope.kind.is_user_function() {
        return None;
    }
    let node = tree.node_of(scope)?;
    let outer = analysis.frame_of(analysis.defining_scope(helper)?);
    let outer_node = tree.node_of(analysis.scope(outer))?;
    let loops = loops_around(tree, made_at(tree, node), outer_node);
    (!loops.is_empty()).then_some(loops)
}

/// The node whose evaluation makes the closure: a decorated `def` starts at its decorators.
fn made_at<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> SyntaxNode<'t> {
    match tree.parent(node) {
        Some(p) if p.kind() == Kind::DecoratedDefinition => p,
        _ => node,
    }
}

/// The loops around `node` inside the frame at `frame_node`, innermost first, each with the
/// node of the loop (a statement or a comprehension).
fn loops_around<'t>(
    tree: &Tree<'_, 't>,
    node: SyntaxNode<'t>,
    frame_node: SyntaxNode<'t>,
) -> Vec<(SyntaxNode<'t>, Loop)> {
    let mut found = Vec::new();
    let mut child = node;
    let mut current = tree.parent(node);
    while let Some(n) = current {
        let in_frame = n == frame_node;
        match n.kind() {
            Kind::ForStatement | Kind::WhileStatement if n.field(Field::Body) == Some(child) => {
                // What runs again on each iteration: the target (or the condition), and the body.
                let header_part = if n.kind() == Kind::ForStatement {
                    Field::Left
                } else {
                    Field::Condition
                };
                let mut per_iteration = Vec::new();
                per_iteration.extend(n.field(header_part).map(SyntaxNode::range));
                per_iteration.push(child.range());
                found.push((
                    n,
                    Loop {
                        header: TextRange::new(n.start_byte(), child.start_byte()),
                        per_iteration,
                        ends_after: false,
                    },
                ));
            }
            Kind::ListComprehension
            | Kind::SetComprehension
            | Kind::DictionaryComprehension
            | Kind::GeneratorExpression => {
                if let Some(l) = comprehension_loop(tree, n, child) {
                    found.push((n, l));
                }
            }
            _ => {}
        }
        if in_frame {
            break;
        }
        child = n;
        current = tree.parent(n);
    }
    for (i, (loop_node, l)) in found.iter_mut().enumerate() {
        l.ends_after = ends_after(tree, node, *loop_node, i == 0);
    }
    found
}

/// A comprehension as the loop around its part `child` (not when `child` is its first
/// iterable, evaluated once outside).
fn comprehension_loop<'t>(
    tree: &Tree<'_, 't>,
    node: SyntaxNode<'t>,
    child: SyntaxNode<'t>,
) -> Option<Loop> {
    let first = node
        .named_children(&tree.pool)
        .find(|c| c.kind() == Kind::ForInClause)?;
    let iterable = first.field(Field::Right)?;
    if iterable.range().start <= child.start_byte() && child.end_byte() <= iterable.end_byte() {
        return None;
    }
    Some(Loop {
        header: first.range(),
        per_iteration: vec![
            TextRange::new(node.start_byte(), iterable.start_byte()),
            TextRange::new(iterable.end_byte(), node.end_byte()),
        ],
        ends_after: false,
    })
}

/// Whether, after the statement making the closure (`made`), every path leaves the loop
/// `loop_node` before its next iteration: a `return` or `raise` follows at some enclosing level,
/// or (for the innermost loop) a `break`.
fn ends_after<'t>(
    tree: &Tree<'_, 't>,
    made: SyntaxNode<'t>,
    loop_node: SyntaxNode<'t>,
    innermost: bool,
) -> bool {
    if !matches!(loop_node.kind(), Kind::ForStatement | Kind::WhileStatement) {
        return false;
    }
    // The statement making the closure may itself leave: `return lambda: …`, `raise E(…)`.
    let mut enclosing = Some(made);
    while let Some(n) = enclosing {
        match n.kind() {
            Kind::ReturnStatement | Kind::RaiseStatement => return true,
            Kind::Block => break,
            _ => enclosing = tree.parent(n),
        }
    }
    let mut statement = made;
    while let Some(parent) = tree.parent(statement) {
        if parent == loop_node {
            return false;
        }
        if parent.kind() == Kind::Block {
            let mut after = false;
            for sibling in parent.named_children(&tree.pool) {
                if sibling == statement {
                    after = true;
                    continue;
                }
                if !after {
                    continue;
                }
                match sibling.kind() {
                    Kind::ReturnStatement | Kind::RaiseStatement => return true,
                    Kind::BreakStatement => return innermost,
                    Kind::ContinueStatement => return false,
                    _ => {}
                }
            }
            // The block falls through to the statement around it (an `if`, `with`, `try`, …);
            // a nested loop's body falls back to that loop, which is not this one.
            if let Some(owner) = tree.parent(parent) {
                if matches!(owner.kind(), Kind::ForStatement | Kind::WhileStatement)
                    && owner != loop_node
                {
                    return false;
                }
            }
        }
        statement = parent;
    }
    false
}

/// What becomes of the closure `scope` made at `made`.
fn escape_of<'t>(
    tree: &Tree<'_, 't>,
    scope: ScopeId,
    frame: ScopeId,
    node: SyntaxNode<'t>,
    made: SyntaxNode<'t>,
    loops: &[(SyntaxNode<'t>, Loop)],
) -> Escape {
    let analysis = tree.analysis;
    match node.kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition => {
            if let Some(decorator) = keeping_decorator(tree, made) {
                return Escape::Kept {
                    how: Kept::Registered(tree.text[decorator.byte_range()].to_owned()),
                    at: decorator.range(),
                };
            }
            let name = node.field(Field::Name);
            let variable = name
                .and_then(|n| analysis.occurrence_at(n.start_byte()))
                .filter(|o| Some(o.range) == name.map(SyntaxNode::range))
                .map(|o| o.symbol);
            match variable {
                Some(v) => uses_of_name(tree, scope, v, made, loops),
                None => Escape::Undecided,
            }
        }
        _ => match escape::use_of(tree, node) {
            Use::Called | Use::Consumed | Use::Dropped | Use::Returned => Escape::Contained,
            Use::Bound(target) => {
                let variable = analysis
                    .occurrence_at(target.start_byte())
                    .filter(|o| o.range == target.range())
                    .map(|o| o.symbol);
                match variable {
                    Some(v) if analysis.frame_of(v.scope) == frame => {
                        uses_of_name(tree, scope, v, made, loops)
                    }
                    // A name of another frame (`global`, `nonlocal`): stored outside.
                    _ => Escape::Kept {
                        how: Kept::Stored,
                        at: target.range(),
                    },
                }
            }
            Use::Kept(how) => Escape::Kept {
                how: how.to_model(tree, node),
                at: kept_at(tree, node),
            },
            Use::Unknown => Escape::Undecided,
        },
    }
}

/// Where a kept value is handed over: the call or statement around it.
fn kept_at<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> TextRange {
    let mut current = tree.parent(node);
    while let Some(n) = current {
        if matches!(
            n.kind(),
            Kind::Call | Kind::ExpressionStatement | Kind::Assignment | Kind::Yield
        ) {
            return n.range();
        }
        current = tree.parent(n);
    }
    node.range()
}

/// A decorator on the definition `made` that may keep the function (not one of the
/// transparent ones).
fn keeping_decorator<'t>(tree: &Tree<'_, 't>, made: SyntaxNode<'t>) -> Option<SyntaxNode<'t>> {
    if made.kind() != Kind::DecoratedDefinition {
        return None;
    }
    made.named_children(&tree.pool)
        .filter(|d| d.kind() == Kind::Decorator)
        .find(|d| {
            let text = tree.text[d.byte_range()].trim_start_matches('@').trim();
            let head = text.split('(').next().unwrap_or(text);
            let last = head.rsplit('.').next().unwrap_or(head).trim();
            !TRANSPARENT_DECORATORS.contains(&last)
        })
}

/// What the uses of the name `variable`, bound to the closure, do with it inside the loops.
fn uses_of_name<'t>(
    tree: &Tree<'_, 't>,
    scope: ScopeId,
    variable: SymbolId,
    made: SyntaxNode<'t>,
    loops: &[(SyntaxNode<'t>, Loop)],
) -> Escape {
    let analysis = tree.analysis;
    let suspends = {
        let s = analysis.scope(scope);
        s.is_generator || s.is_coroutine
    };
    let Some((outer, _)) = loops.last() else {
        return Escape::Contained;
    };
    let mut undecided = false;
    for o in analysis.occurrences_in(outer.range()) {
        if o.symbol != variable
            || o.kind != OccurrenceKind::Read
            || analysis.frame_of(o.scope) != analysis.frame_of(variable.scope)
        {
            continue;
        }
        let Some(ident) = tree.identifier_at(o.range) else {
            continue;
        };
        if o.range.end <= made.start_byte() {
            // Used before it is made again: the previous iteration's closure, still around.
            return Escape::Kept {
                how: Kept::Stored,
                at: o.range,
            };
        }
        let found = match escape::use_of(tree, ident) {
            Use::Called if suspends => match tree.parent(ident).map(|c| escape::use_of(tree, c)) {
                Some(Use::Kept(_) | Use::Bound(_)) => Some(Kept::Suspended),
                Some(Use::Unknown) | None => {
                    undecided = true;
                    None
                }
                _ => None,
            },
            Use::Called | Use::Consumed | Use::Dropped | Use::Returned => None,
            Use::Bound(_) => Some(Kept::Stored),
            Use::Kept(how) => Some(match how {
                KeptHow::Passed => Kept::Passed(escape::callee_text(tree, ident)),
                other => other.to_model(tree, ident),
            }),
            Use::Unknown => {
                undecided = true;
                None
            }
        };
        if let Some(how) = found {
            return Escape::Kept { how, at: o.range };
        }
    }
    if undecided {
        Escape::Undecided
    } else {
        Escape::Contained
    }
}

/// Every use of the name of the `def` at `node` (made at `made`), when each runs in the iteration
/// that made the function it names and can pass it arguments: the `def` (undecorated) is the
/// name's only binding, and every use is a read in the frame making it, after it, inside the
/// block holding it (so the `def` ran first in the same iteration).
fn name_uses<'t>(
    tree: &Tree<'_, 't>,
    scope: ScopeId,
    node: SyntaxNode<'t>,
    made: SyntaxNode<'t>,
) -> Option<Vec<NameUse>> {
    if node.kind() != Kind::FunctionDefinition || made != node {
        return None;
    }
    let analysis = tree.analysis;
    let name = node.field(Field::Name)?;
    let binding = analysis
        .occurrence_at(name.start_byte())
        .filter(|o| o.range == name.range())?;
    let frame = analysis.defining_scope(scope)?;
    let block = tree.parent(made).filter(|b| b.kind() == Kind::Block)?;
    let mut uses = Vec::new();
    for o in analysis.occurrences_of(binding.symbol) {
        if o.range == binding.range {
            continue;
        }
        if o.kind != OccurrenceKind::Read || o.scope != frame || o.range.start < made.end_byte() {
            return None;
        }
        let ident = tree.identifier_at(o.range)?;
        let mut statement = ident;
        while tree.parent(statement)? != block {
            statement = tree.parent(statement)?;
        }
        uses.push(NameUse {
            range: o.range,
            how: escape::pass_at(tree, ident)?,
        });
    }
    (!uses.is_empty()).then_some(uses)
}

/// Where `name=name` defaults can be added to the closure's parameters (lambdas and defs).
fn default_slot<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> Option<DefaultSlot> {
    let is_def = match node.kind() {
        Kind::FunctionDefinition => true,
        Kind::Lambda => false,
        _ => return None,
    };
    let params = node.field(Field::Parameters);
    let Some(params) = params else {
        // `lambda: …`: right after the keyword.
        let keyword_end = node.start_byte() + "lambda".len();
        return Some(DefaultSlot {
            at: keyword_end,
            before: " ".into(),
            after: String::new(),
            is_def,
        });
    };
    let items: Vec<SyntaxNode> = params.named_children(&tree.pool).collect();
    let keyword_only = items
        .iter()
        .any(|p| matches!(p.kind(), Kind::KeywordSeparator) || is_list_splat(tree, *p));
    let star = if is_def && !keyword_only { "*, " } else { "" };
    if let Some(kwargs) = items.iter().find(|p| is_dict_splat(tree, **p)) {
        return Some(DefaultSlot {
            at: kwargs.start_byte(),
            before: star.into(),
            after: ", ".into(),
            is_def,
        });
    }
    match items.last() {
        Some(last) => Some(DefaultSlot {
            at: last.end_byte(),
            before: format!(", {star}"),
            after: String::new(),
            is_def,
        }),
        None => {
            // `def f():` — inside the parentheses.
            let open = params.start_byte() + 1;
            Some(DefaultSlot {
                at: open,
                before: star.into(),
                after: String::new(),
                is_def,
            })
        }
    }
}

/// `*args` (possibly annotated).
fn is_list_splat(tree: &Tree, node: SyntaxNode) -> bool {
    tree.text[node.byte_range()].starts_with('*') && !is_dict_splat(tree, node)
}

/// `**kwargs` (possibly annotated).
fn is_dict_splat(tree: &Tree, node: SyntaxNode) -> bool {
    tree.text[node.byte_range()].starts_with("**")
}
