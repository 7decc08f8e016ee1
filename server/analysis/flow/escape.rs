//! What the code around an expression does with its value — called, consumed, bound, kept —
//! for closures and the names bound to them.
//!
//! The callee tables below are the model: known-eager consumers (`sorted`, `list`, `min`, the
//! `key=` of those, `str.join`, `functools.reduce`), lazy wrappers (`map`, `filter`, `zip`,
//! `itertools`), and callees that keep what they get (`append`, `Thread(target=…)`, …). A callee
//! nobody can know (a parameter) is undecided; another unknown callee keeps what it gets.

use super::Tree;
use crate::analysis::grammar::{Field, Kind, SyntaxNode};
use crate::analysis::model::{
    Kept, OccurrenceKind, PassAt, Resolution, ScopeId, ScopeKind, TextRange,
};

/// What happens to a value where it is produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Use<'t> {
    /// Called right there: `f()`, `(lambda: x)()`.
    Called,
    /// Run (or dropped) by a callee before it returns: `sorted(xs, key=f)`, `list(map(f, xs))`.
    Consumed,
    /// Bound to the name at this identifier.
    Bound(SyntaxNode<'t>),
    /// Discarded (an expression statement, an argument of `print`).
    Dropped,
    /// Returned: it leaves the frame, which ends.
    Returned,
    /// Kept beyond this point.
    Kept(KeptHow),
    /// Nothing static can tell.
    Unknown,
}

/// [`Kept`] without its text (the names are read off the tree by the caller).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KeptHow {
    Stored,
    Passed,
    Yielded,
    Collected,
    LazyIterator,
}

impl KeptHow {
    /// As the model says it, naming the callee at `call` where there is one.
    pub(super) fn to_model<'t>(self, tree: &Tree<'_, 't>, at: SyntaxNode<'t>) -> Kept {
        match self {
            KeptHow::Stored => Kept::Stored,
            KeptHow::Passed => Kept::Passed(callee_text(tree, at)),
            KeptHow::Yielded => Kept::Yielded,
            KeptHow::Collected => Kept::Collected,
            KeptHow::LazyIterator => Kept::LazyIterator,
        }
    }
}

/// Callees known to call the callable they get (or consume the iterable) before returning.
const EAGER: [&str; 30] = [
    "sorted",
    "min",
    "max",
    "sum",
    "any",
    "all",
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "reduce",
    "join",
    "sort",
    "nsmallest",
    "nlargest",
    "deque",
    "Counter",
    "OrderedDict",
    "run",
    "next",
    "extend",
    "update",
    "writelines",
    "extendleft",
    "assertRaises",
    "assertRaisesRegex",
    "assertWarns",
    "assertWarnsRegex",
    "assertLogs",
];

/// Callees that only look at what they get.
const INSPECTING: [&str; 9] = [
    "print",
    "repr",
    "str",
    "len",
    "id",
    "type",
    "isinstance",
    "callable",
    "hash",
];

/// Callees that keep what they get (containers, registries, schedulers, callback APIs,
/// `functools.partial`).
const KEEPING: [&str; 25] = [
    "append",
    "add",
    "insert",
    "appendleft",
    "setdefault",
    "put",
    "put_nowait",
    "push",
    "register",
    "register_error",
    "connect",
    "bind",
    "subscribe",
    "callback",
    "submit",
    "call_soon",
    "call_soon_threadsafe",
    "call_later",
    "call_at",
    "add_done_callback",
    "add_reader",
    "add_writer",
    "add_signal_handler",
    "create_task",
    "partial",
];

/// Whether the value at `node` is passed to a call of a callee known to keep it.
fn passes_to_keeper<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> bool {
    let mut current = tree.parent(node);
    while let Some(n) = current {
        if n.kind() == Kind::Call {
            return n
                .field(Field::Function)
                .is_some_and(|f| KEEPING.contains(&callee_name(tree, f)));
        }
        current = tree.parent(n);
    }
    false
}

/// Lazy wrappers: the callable runs when the result is iterated.
const LAZY: [&str; 13] = [
    "map",
    "filter",
    "zip",
    "iter",
    "enumerate",
    "reversed",
    "starmap",
    "filterfalse",
    "takewhile",
    "dropwhile",
    "accumulate",
    "groupby",
    "islice",
];

/// Which node holds the value of `node`: the node itself, or the parentheses around it.
fn outermost<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> SyntaxNode<'t> {
    let mut current = node;
    while let Some(p) = tree.parent(current) {
        if p.kind() != Kind::ParenthesizedExpression {
            break;
        }
        current = p;
    }
    current
}

/// How many enclosing expressions [`use_of`] looks through (containers in containers, …).
const MAX_CONTEXT: u32 = 64;

/// What the code around the expression `node` does with its value.
pub(super) fn use_of<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>) -> Use<'t> {
    use_at_depth(tree, node, 0)
}

fn use_at_depth<'t>(tree: &Tree<'_, 't>, node: SyntaxNode<'t>, depth: u32) -> Use<'t> {
    if depth > MAX_CONTEXT {
        return Use::Unknown;
    }
    let use_of = |tree: &Tree<'_, 't>, node: SyntaxNode<'t>| use_at_depth(tree, node, depth + 1);
    let node = outermost(tree, node);
    let Some(parent) = tree.parent(node) else {
        return Use::Unknown;
    };
    match parent.kind() {
        Kind::Call if parent.field(Field::Function) == Some(node) => Use::Called,
        // `f(x for x in xs)`: a generator expression that is the whole argument list.
        Kind::Call if parent.field(Field::Arguments) == Some(node) => {
            passed_to(tree, parent, node, None, depth)
        }
        Kind::ArgumentList => match tree.parent(parent) {
            Some(call) if call.kind() == Kind::Call => passed_to(tree, call, node, None, depth),
            // A class's bases.
            _ => Use::Unknown,
        },
        Kind::KeywordArgument => {
            let keyword = parent.field(Field::Name);
            match tree.parent(parent).and_then(|n| tree.parent(n)) {
                Some(call) if call.kind() == Kind::Call => {
                    passed_to(tree, call, node, keyword, depth)
                }
                _ => Use::Unknown,
            }
        }
        Kind::Assignment if parent.field(Field::Right) == Some(node) => {
            match parent.field(Field::Left) {
                Some(left) if left.kind() == Kind::Identifier => Use::Bound(left),
                _ => Use::Kept(KeptHow::Stored),
            }
        }
        Kind::AugmentedAssignment | Kind::Pair => Use::Kept(KeptHow::Stored),
        Kind::ReturnStatement => Use::Returned,
        // The iterable of a `for` statement: its items are used by this loop, at once.
        Kind::ForStatement if parent.field(Field::Right) == Some(node) => Use::Consumed,
        Kind::ExpressionStatement => Use::Dropped,
        // `yield from` drives what it gets to the end before going on.
        Kind::Yield if tree.text[parent.byte_range()].starts_with("yield from") => Use::Consumed,
        Kind::Yield => Use::Kept(KeptHow::Yielded),
        // Awaiting a coroutine runs it to the end here.
        Kind::Await => Use::Consumed,
        Kind::ConditionalExpression | Kind::BooleanOperator => use_of(tree, parent),
        Kind::List
        | Kind::Tuple
        | Kind::Set
        | Kind::Dictionary
        | Kind::ExpressionList
        | Kind::PatternList => match use_of(tree, parent) {
            Use::Dropped => Use::Dropped,
            Use::Returned => Use::Returned,
            Use::Unknown => Use::Unknown,
            _ => Use::Kept(KeptHow::Stored),
        },
        Kind::ListComprehension | Kind::SetComprehension | Kind::DictionaryComprehension
            if parent.field(Field::Body) == Some(node) =>
        {
            Use::Kept(KeptHow::Collected)
        }
        Kind::GeneratorExpression if parent.field(Field::Body) == Some(node) => {
            // A generator hands its items out one by one: collected at once, or not decidable.
            match use_of(tree, parent) {
                Use::Consumed => Use::Kept(KeptHow::Collected),
                Use::Dropped => Use::Dropped,
                _ => Use::Unknown,
            }
        }
        _ => Use::Unknown,
    }
}

/// The value `node` is passed to the call `call` (by keyword `keyword`, or positionally).
fn passed_to<'t>(
    tree: &Tree<'_, 't>,
    call: SyntaxNode<'t>,
    node: SyntaxNode<'t>,
    keyword: Option<SyntaxNode<'t>>,
    depth: u32,
) -> Use<'t> {
    let Some(function) = call.field(Field::Function) else {
        return Use::Unknown;
    };
    let name = callee_name(tree, function);
    let keyword = keyword.map(|k| &tree.text[k.byte_range()]);
    if keyword == Some("target") || matches!(name, "Thread" | "Timer" | "Process") {
        return Use::Kept(KeptHow::Passed);
    }
    if INSPECTING.contains(&name) {
        return Use::Dropped;
    }
    if EAGER.contains(&name) {
        return Use::Consumed;
    }
    if LAZY.contains(&name) {
        return match use_at_depth(tree, call, depth + 1) {
            Use::Consumed | Use::Called => Use::Consumed,
            Use::Dropped => Use::Dropped,
            Use::Returned => Use::Returned,
            Use::Unknown => Use::Unknown,
            Use::Bound(_) | Use::Kept(_) => Use::Kept(KeptHow::LazyIterator),
        };
    }
    if function.kind() == Kind::Identifier {
        match same_file_callee(tree, function, node, keyword, depth + 1) {
            Some(CalleeUse::CallsIt) => return Use::Consumed,
            Some(CalleeUse::Unknowable) => return Use::Unknown,
            Some(CalleeUse::Keeps) | None => {}
        }
    }
    // A method of another object or a module's function: what it does with the closure is not
    // in this file, unless it is a well-known storing API.
    if function.kind() != Kind::Identifier && !KEEPING.contains(&name) {
        return Use::Unknown;
    }
    Use::Kept(KeptHow::Passed)
}

/// How the function named at `ident` can be given keyword arguments: where it is called (or is
/// the first argument of a call to a `partial`), or where it is a value that only gets called —
/// stored in a container or by a scheduler, wrapped by a lazy or eager callee, returned or
/// yielded — so that wrapping it in a call changes nothing else. Not where it is inspected,
/// bound to a name or an attribute (where a function, unlike a wrapper, becomes a method), or
/// passed to a callee nobody knows.
pub(super) fn pass_at<'t>(tree: &Tree<'_, 't>, ident: SyntaxNode<'t>) -> Option<PassAt> {
    let node = outermost(tree, ident);
    let parent = tree.parent(node)?;
    match parent.kind() {
        Kind::Call if parent.field(Field::Function) == Some(node) => {
            keyword_slot(tree, parent, None)
        }
        Kind::ArgumentList => {
            let call = tree.parent(parent).filter(|c| c.kind() == Kind::Call)?;
            let function = call.field(Field::Function)?;
            let name = callee_name(tree, function);
            if name == "partial" && parent.named_child(0) == Some(node) {
                return keyword_slot(tree, call, Some(function.range()));
            }
            let known = KEEPING.contains(&name)
                || EAGER.contains(&name)
                || LAZY.contains(&name)
                || matches!(name, "Thread" | "Timer");
            known.then_some(PassAt::Value)
        }
        Kind::KeywordArgument => {
            let keyword = &tree.text[parent.field(Field::Name)?.byte_range()];
            let call = tree
                .parent(tree.parent(parent)?)
                .filter(|c| c.kind() == Kind::Call)?;
            let name = callee_name(tree, call.field(Field::Function)?);
            let known = keyword == "target" && matches!(name, "Thread" | "Timer")
                || keyword == "key" && EAGER.contains(&name);
            known.then_some(PassAt::Value)
        }
        Kind::List | Kind::Tuple | Kind::Set | Kind::ReturnStatement => Some(PassAt::Value),
        Kind::Pair if parent.field(Field::Value) == Some(node) => Some(PassAt::Value),
        Kind::Assignment
            if parent.field(Field::Right) == Some(node)
                && parent
                    .field(Field::Left)
                    .is_some_and(|l| l.kind() == Kind::Subscript) =>
        {
            Some(PassAt::Value)
        }
        Kind::Yield if !tree.text[parent.byte_range()].starts_with("yield from") => {
            Some(PassAt::Value)
        }
        _ => None,
    }
}

/// Where keyword arguments go in `call` (`None` when its argument is a bare generator
/// expression, which must stay the only argument).
fn keyword_slot<'t>(
    tree: &Tree<'_, 't>,
    call: SyntaxNode<'t>,
    callee: Option<TextRange>,
) -> Option<PassAt> {
    let args = call
        .field(Field::Arguments)
        .filter(|a| a.kind() == Kind::ArgumentList)?;
    let tokens: Vec<SyntaxNode> = args.children(&tree.pool).collect();
    let [.., before_close, close] = tokens.as_slice() else {
        return None;
    };
    if &tree.text[close.byte_range()] != ")" {
        return None;
    }
    let before = match &tree.text[before_close.byte_range()] {
        "(" => "",
        "," => " ",
        _ => ", ",
    };
    Some(PassAt::Call {
        callee,
        at: close.start_byte(),
        before: before.to_owned(),
    })
}

/// The last name of a callee: `sorted`, `append` for `xs.append`, `reduce` for
/// `functools.reduce`.
pub(super) fn callee_name<'a>(tree: &Tree<'a, '_>, function: SyntaxNode) -> &'a str {
    let named = match function.kind() {
        Kind::Attribute => function.field(Field::Attribute).unwrap_or(function),
        _ => function,
    };
    tree.text.get(named.byte_range()).unwrap_or("")
}

/// The callee of the call whose argument list holds `at` (or of the call `at`), as written.
pub(super) fn callee_text<'t>(tree: &Tree<'_, 't>, at: SyntaxNode<'t>) -> String {
    let mut current = Some(at);
    while let Some(n) = current {
        if n.kind() == Kind::Call {
            if let Some(f) = n.field(Field::Function) {
                return tree.text[f.byte_range()].to_owned();
            }
        }
        current = tree.parent(n);
    }
    String::new()
}

/// What a function defined in the same file does with a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CalleeUse {
    /// Every use of the parameter calls it, in the function's own frame.
    CallsIt,
    /// It does something else with it (stores it, passes it on, a nested scope reads it).
    Keeps,
    /// The callee is itself a parameter or otherwise unknowable.
    Unknowable,
}

/// What the function named by `function` does with the argument `node` (positional or
/// `keyword`), when `function` names a `def` of this file.
fn same_file_callee<'t>(
    tree: &Tree<'_, 't>,
    function: SyntaxNode<'t>,
    node: SyntaxNode<'t>,
    keyword: Option<&str>,
    depth: u32,
) -> Option<CalleeUse> {
    if depth > MAX_CONTEXT {
        return Some(CalleeUse::Unknowable);
    }
    let analysis = tree.analysis;
    let o = analysis.occurrence_at(function.start_byte())?;
    if o.range != function.range() {
        return None;
    }
    if o.symbol.scope == ScopeId::MODULE {
        tree.reads_module_callee(analysis.name_of(o));
    }
    let variable = analysis.symbol(o.symbol);
    if variable.flags.contains(crate::analysis::SymbolFlags::PARAM) {
        return Some(CalleeUse::Unknowable);
    }
    // The def bound to that variable.
    let definition = analysis.bindings_of(o.symbol).find_map(|b| {
        analysis.scope(b.scope).children.iter().copied().find(|&c| {
            let s = analysis.scope(c);
            s.kind == ScopeKind::Function && s.focus_range == b.range
        })
    })?;
    if analysis.bindings_of(o.symbol).count() != 1 {
        return Some(CalleeUse::Keeps);
    }
    let scope = analysis.scope(definition);
    let param = match keyword {
        Some(k) => scope.params.iter().position(|p| p == k)?,
        None => {
            let args = tree.parent(node)?;
            if args.kind() == Kind::Call {
                // `f(x for x in xs)`.
                0
            } else {
                args.named_children(&tree.pool)
                    .position(|a| a == outermost(tree, node))?
            }
        }
    };
    let name = scope.params.get(param)?;
    let symbol = analysis.symbol_id(definition, name)?;
    tree.reads_callee(definition);
    // Each parameter is judged once (and a recursive function, as it is being judged, is
    // unknowable to itself); what judging it read is noted again for each reader, so that the
    // facts do not depend on which scope asked first.
    let key = (definition, param);
    if let Some(known) = tree.callees.borrow().get(&key) {
        tree.note_again(&known.read);
        return Some(known.verdict);
    }
    let unknowable = Judged {
        verdict: CalleeUse::Unknowable,
        read: Read::default(),
    };
    tree.callees.borrow_mut().insert(key, unknowable);
    let noted = tree.noted();
    let verdict = parameter_use(tree, symbol, depth);
    let read = tree.noted_since(noted);
    tree.callees
        .borrow_mut()
        .insert(key, Judged { verdict, read });
    Some(verdict)
}

/// What a function does with a parameter, and what judging it read.
pub(super) struct Judged {
    verdict: CalleeUse,
    read: Read,
}

/// What judging some facts read: the same-file functions' bodies, and the module variables
/// called (see `Facts::callee_reads` and `Facts::module_callees`).
#[derive(Default)]
pub(super) struct Read {
    pub callees: Vec<ScopeId>,
    pub names: Vec<std::sync::Arc<str>>,
}

/// What a function does with its parameter `symbol`.
fn parameter_use(tree: &Tree, symbol: crate::analysis::SymbolId, depth: u32) -> CalleeUse {
    let analysis = tree.analysis;
    if analysis.symbol(symbol).resolution == Resolution::Cell {
        return CalleeUse::Keeps;
    }
    let mut verdict = CalleeUse::CallsIt;
    for u in analysis.occurrences_of(symbol) {
        if u.kind != OccurrenceKind::Read {
            continue;
        }
        let Some(n) = tree.identifier_at(u.range) else {
            return CalleeUse::Unknowable;
        };
        match use_at_depth(tree, n, depth + 1) {
            Use::Called | Use::Consumed | Use::Dropped => {}
            // Handed on: to a callee known to keep it, or to code we know nothing about, past
            // what one file can tell.
            Use::Kept(KeptHow::Passed) if passes_to_keeper(tree, n) => {
                return CalleeUse::Keeps;
            }
            Use::Kept(KeptHow::Passed) | Use::Unknown => verdict = CalleeUse::Unknowable,
            Use::Kept(_) | Use::Bound(_) | Use::Returned => return CalleeUse::Keeps,
        }
    }
    verdict
}
