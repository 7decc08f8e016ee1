//! What the decorator features read off a syntax tree, as plain data that outlives the tree: the
//! defs and classes (decorators, parameters, `return` statements, bases) and how each name is
//! bound (def, class, import, plain assignment).
//!
//! Built once per file version: whole ([`Outline::new`]), or from the previous version's outline
//! by walking again only the statements an edit touched ([`Outline::edit`], `outline/edit.rs`);
//! a module kept in the workspace cache keeps its outline and analysis, never its tree.

use tree_sitter::{Node, Tree};

use crate::analysis::TextRange;
use crate::analysis::names::normalize;

mod edit;

/// Expressions nested deeper than this are kept as source text only.
const MAX_EXPR_DEPTH: usize = 48;

/// The syntax facts of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    /// Every `def` and `class`, in source order.
    pub defs: Vec<Def>,
    /// How a binding identifier binds its name, by the identifier's start offset (sorted, each
    /// offset once); only the forms the decorator features follow (other bindings are absent).
    pub bindings: Vec<(usize, Binding)>,
    /// Whether the tree had a syntax error, so that every node was walked (see
    /// [`Builder::thorough`]).
    thorough: bool,
}

/// A `def` or a `class`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Def {
    pub kind: DefKind,
    /// The name.
    pub name: TextRange,
    /// The `def`/`class` statement without its decorators.
    pub range: TextRange,
    /// With its decorators.
    pub statement: TextRange,
    /// In source order (the last one is applied first).
    pub decorators: Vec<Decorator>,
    /// Functions only.
    pub params: Vec<Param>,
    /// Functions only: the `return` statements of its own body (not of nested functions).
    pub returns: Vec<Return>,
    /// Classes only: the positional bases.
    pub bases: Vec<Expr>,
    /// A function whose body has `yield`: calling it makes a generator.
    pub is_generator: bool,
    /// `async def`.
    pub is_async: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    Function,
    Class,
}

/// One `@expression` line (it may span lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decorator {
    /// From the `@` to the end of the expression.
    pub range: TextRange,
    pub expr: Expr,
}

/// A parameter of a `def`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// As CPython stores it (NFKC-normalised).
    pub name: String,
    /// The identifier.
    pub range: TextRange,
    pub kind: ParamKind,
    pub default: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Before a `/`.
    PositionalOnly,
    /// Positional or keyword.
    Positional,
    /// `*args`.
    VarPositional,
    /// After `*` or `*args`.
    KeywordOnly,
    /// `**kwargs`.
    VarKeyword,
}

/// A `return` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Return {
    pub range: TextRange,
    /// `None` for a bare `return`.
    pub value: Option<Expr>,
}

/// An expression, as far as the decorator features follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub range: TextRange,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// An identifier.
    Name,
    /// `object.name`.
    Attribute { object: Box<Expr>, name: TextRange },
    /// `function(arguments)`.
    Call {
        function: Box<Expr>,
        arguments: Vec<Argument>,
    },
    /// A `lambda`.
    Lambda,
    /// A constant `ast.literal_eval` accepts: numbers, strings, `None`, `True`, `False`, and
    /// tuples, lists, sets and dicts of those.
    Literal,
    /// Anything else.
    Other,
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argument {
    pub kind: ArgumentKind,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgumentKind {
    Positional,
    /// `name=value` (the name NFKC-normalised).
    Keyword(String),
    /// `*value`.
    Star,
    /// `**value`.
    DoubleStar,
}

/// How a name is bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// By a `def` or `class`: the index into [`Outline::defs`].
    Def(usize),
    /// By an import.
    Import(Import),
    /// By `name = value` (also `a = b = value` and `name: T = value`).
    Assign(Expr),
}

/// What an import binds a name to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module: its leading dots and dotted name.
    pub module: ImportedModule,
    /// `from module import name`: the name; `None` for `import module` (which binds the first
    /// component of the dotted name, or the whole module with `as`).
    pub name: Option<String>,
}

/// A module as an import statement names it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ImportedModule {
    /// Leading dots of a relative import (0: absolute).
    pub level: u32,
    /// The dotted name (may be empty after dots: `from . import x`).
    pub name: String,
}

impl ImportedModule {
    /// As written: `..pkg.mod`.
    pub fn display(&self) -> String {
        format!("{}{}", ".".repeat(self.level as usize), self.name)
    }
}

impl Outline {
    /// The outline of `text` parsed into `tree`.
    pub fn new(text: &str, tree: &Tree) -> Self {
        Self::walking(text, tree, tree.root_node().has_error())
    }

    /// [`Self::new`], walking every node when `thorough`, else only the statements.
    fn walking(text: &str, tree: &Tree, thorough: bool) -> Self {
        let root = tree.root_node();
        let mut builder = Builder::new(text, thorough);
        builder.walk(root, root.children(&mut root.walk()));
        let (defs, bindings) = builder.finish(0);
        Outline {
            defs,
            bindings,
            thorough,
        }
    }

    /// How the identifier starting at `at` binds its name, if the outline records it.
    pub fn binding(&self, at: usize) -> Option<&Binding> {
        let i = self.bindings.binary_search_by_key(&at, |b| b.0).ok()?;
        Some(&self.bindings[i].1)
    }

    /// The def or class whose name starts at `offset`.
    pub fn def_named_at(&self, offset: usize) -> Option<&Def> {
        match self.binding(offset)? {
            Binding::Def(i) => self.defs.get(*i),
            _ => None,
        }
    }

    /// The innermost def or class whose statement (decorators included) contains `offset`.
    pub fn def_at(&self, offset: usize) -> Option<&Def> {
        self.defs
            .iter()
            .filter(|d| d.statement.contains(offset))
            .min_by_key(|d| d.statement.end - d.statement.start)
    }
}

struct Builder<'t> {
    text: &'t str,
    /// The defs found, in the order met.
    defs: Vec<Def>,
    /// The bindings found, in the order met (a later one for the same offset wins).
    bindings: Vec<(usize, Binding)>,
    /// Whether to walk every node (a tree with syntax errors may hold a statement anywhere), not
    /// only the statements: what the outline records is statements, and expressions are most of
    /// a tree.
    thorough: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, thorough: bool) -> Self {
        Builder {
            text,
            defs: Vec::new(),
            bindings: Vec::new(),
            thorough,
        }
    }

    /// Records what `nodes` (children of `parent`) and the nodes under them hold.
    fn walk<'n>(&mut self, parent: Node<'n>, nodes: impl IntoIterator<Item = Node<'n>>) {
        let mut visit = |node: Node<'n>, parent: Node<'n>| {
            let kind = node.kind();
            match kind {
                "function_definition" | "class_definition" => self.def(node, parent),
                "import_statement" | "import_from_statement" => self.import(node),
                "assignment" => self.assignment(node, parent),
                _ => {}
            }
            self.thorough || holds_statements(kind) || kind == "expression_statement"
        };
        for node in nodes {
            if node.is_named() && visit(node, parent) {
                descendants(node, &mut visit);
            }
        }
    }

    /// The defs in source order and the bindings by offset (each once, the last found winning;
    /// a def's name binds it), the defs numbered from `first`.
    fn finish(self, first: usize) -> (Vec<Def>, Vec<(usize, Binding)>) {
        let Builder {
            mut defs,
            mut bindings,
            ..
        } = self;
        defs.sort_by_key(|d| d.range.start);
        bindings.extend(
            defs.iter()
                .enumerate()
                .map(|(i, d)| (d.name.start, Binding::Def(first + i))),
        );
        // Reversed, so that the stable sort puts the last found first among equal offsets.
        bindings.reverse();
        bindings.sort_by_key(|b| b.0);
        bindings.dedup_by_key(|b| b.0);
        (defs, bindings)
    }
}

/// Whether a node of this kind may hold statements (as children or further down through other
/// such nodes): in an error-free tree, these are all the nodes above a statement.
fn holds_statements(kind: &str) -> bool {
    matches!(
        kind,
        "module"
            | "block"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "finally_clause"
            | "with_statement"
            | "match_statement"
            | "case_clause"
    )
}

fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// Visits the named nodes under `root` in pre-order, each with its parent, descending into a
/// node when `visit` says so. One cursor walks the whole tree: `Node::parent` searches down from
/// the root (quadratic over a long block), and a cursor per node costs an allocation.
fn descendants<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, Node<'t>) -> bool) {
    let mut cursor = root.walk();
    let mut parents = vec![root];
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let node = cursor.node();
        let parent = parents[parents.len() - 1];
        if node.is_named() && visit(node, parent) && cursor.goto_first_child() {
            parents.push(node);
            continue;
        }
        while !cursor.goto_next_sibling() {
            if parents.len() == 1 || !cursor.goto_parent() {
                return;
            }
            parents.pop();
        }
    }
}

/// The named children of `node` that are not comments or line continuations.
fn named(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect()
}

impl Builder<'_> {
    fn text(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn name(&self, node: Node<'_>) -> String {
        normalize(self.text(node)).into_owned()
    }

    fn def(&mut self, node: Node<'_>, parent: Node<'_>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let kind = if node.kind() == "class_definition" {
            DefKind::Class
        } else {
            DefKind::Function
        };
        let outer = Some(parent).filter(|p| p.kind() == "decorated_definition");
        let decorators = outer
            .map(|outer| {
                named(outer)
                    .into_iter()
                    .filter(|c| c.kind() == "decorator")
                    .filter_map(|d| {
                        let expr = named(d).into_iter().next()?;
                        Some(Decorator {
                            range: range(d),
                            expr: self.expr(expr, 0),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut def = Def {
            kind,
            name: range(name),
            range: range(node),
            statement: range(outer.unwrap_or(node)),
            decorators,
            params: Vec::new(),
            returns: Vec::new(),
            bases: Vec::new(),
            is_generator: false,
            is_async: false,
        };
        match kind {
            DefKind::Function => {
                def.is_async = node.child(0).is_some_and(|c| c.kind() == "async");
                if let Some(params) = node.child_by_field_name("parameters") {
                    def.params = self.params(params);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.body(body, &mut def);
                }
            }
            DefKind::Class => {
                if let Some(bases) = node.child_by_field_name("superclasses") {
                    def.bases = named(bases)
                        .into_iter()
                        .filter(|b| {
                            !matches!(
                                b.kind(),
                                "keyword_argument" | "list_splat" | "dictionary_splat"
                            )
                        })
                        .map(|b| self.expr(b, 0))
                        .collect();
                }
            }
        }
        self.defs.push(def);
    }

    fn params(&self, node: Node<'_>) -> Vec<Param> {
        let mut params: Vec<Param> = Vec::new();
        let mut keyword_only = false;
        for child in named(node) {
            let (ident, mut kind, default) = match child.kind() {
                "identifier" => (Some(child), ParamKind::Positional, None),
                "default_parameter" | "typed_default_parameter" => (
                    child.child_by_field_name("name"),
                    ParamKind::Positional,
                    child.child_by_field_name("value"),
                ),
                "typed_parameter" => {
                    let inner = named(child).into_iter().next();
                    match inner.map(|n| (n, n.kind())) {
                        Some((n, "identifier")) => (Some(n), ParamKind::Positional, None),
                        Some((n, "list_splat_pattern")) => {
                            (splat_name(n), ParamKind::VarPositional, None)
                        }
                        Some((n, "dictionary_splat_pattern")) => {
                            (splat_name(n), ParamKind::VarKeyword, None)
                        }
                        _ => continue,
                    }
                }
                "list_splat_pattern" => (splat_name(child), ParamKind::VarPositional, None),
                "dictionary_splat_pattern" => (splat_name(child), ParamKind::VarKeyword, None),
                "positional_separator" => {
                    for p in params
                        .iter_mut()
                        .filter(|p| p.kind == ParamKind::Positional)
                    {
                        p.kind = ParamKind::PositionalOnly;
                    }
                    continue;
                }
                "keyword_separator" => {
                    keyword_only = true;
                    continue;
                }
                _ => continue,
            };
            let Some(ident) = ident.filter(|i| i.kind() == "identifier") else {
                continue;
            };
            if kind == ParamKind::Positional && keyword_only {
                kind = ParamKind::KeywordOnly;
            }
            if kind == ParamKind::VarPositional {
                keyword_only = true;
            }
            params.push(Param {
                name: self.name(ident),
                range: range(ident),
                kind,
                default: default.map(|d| self.expr(d, 0)),
            });
        }
        params
    }

    /// Collects the `return` statements and `yield`s of a function body, not descending into
    /// nested functions, classes and lambdas.
    fn body(&self, body: Node<'_>, def: &mut Def) {
        // A `yield` is an expression, anywhere in one: only a body that spells one has its
        // expressions walked.
        let everything = self.thorough || self.text(body).contains("yield");
        descendants(body, |node, _| {
            let kind = node.kind();
            match kind {
                "function_definition" | "class_definition" | "lambda" => return false,
                "yield" => def.is_generator = true,
                "return_statement" => def.returns.push(Return {
                    range: range(node),
                    value: named(node).into_iter().next().map(|v| self.expr(v, 0)),
                }),
                _ => {}
            }
            everything || holds_statements(kind)
        });
        def.returns.sort_by_key(|r| r.range.start);
    }

    fn expr(&self, node: Node<'_>, depth: usize) -> Expr {
        let r = range(node);
        let other = Expr {
            range: r,
            kind: ExprKind::Other,
        };
        if depth > MAX_EXPR_DEPTH {
            return other;
        }
        let kind = match node.kind() {
            "identifier" => ExprKind::Name,
            "parenthesized_expression" => {
                return match named(node).as_slice() {
                    [inner] => self.expr(*inner, depth + 1),
                    _ => other,
                };
            }
            "attribute" => {
                let (Some(object), Some(name)) = (
                    node.child_by_field_name("object"),
                    node.child_by_field_name("attribute"),
                ) else {
                    return other;
                };
                ExprKind::Attribute {
                    object: Box::new(self.expr(object, depth + 1)),
                    name: range(name),
                }
            }
            "call" => {
                let Some(function) = node.child_by_field_name("function") else {
                    return other;
                };
                let arguments = match node.child_by_field_name("arguments") {
                    Some(args) if args.kind() == "argument_list" => named(args)
                        .into_iter()
                        .filter_map(|a| self.argument(a, depth + 1))
                        .collect(),
                    // A generator expression as the only argument.
                    Some(genexp) => vec![Argument {
                        kind: ArgumentKind::Positional,
                        value: self.expr(genexp, depth + 1),
                    }],
                    None => Vec::new(),
                };
                ExprKind::Call {
                    function: Box::new(self.expr(function, depth + 1)),
                    arguments,
                }
            }
            "lambda" => ExprKind::Lambda,
            _ if self.is_literal(node, depth) => ExprKind::Literal,
            _ => ExprKind::Other,
        };
        Expr { range: r, kind }
    }

    fn argument(&self, node: Node<'_>, depth: usize) -> Option<Argument> {
        let (kind, value) = match node.kind() {
            "keyword_argument" => {
                let name = node.child_by_field_name("name")?;
                (
                    ArgumentKind::Keyword(self.name(name)),
                    node.child_by_field_name("value")?,
                )
            }
            "list_splat" => (ArgumentKind::Star, named(node).into_iter().next()?),
            "dictionary_splat" => (ArgumentKind::DoubleStar, named(node).into_iter().next()?),
            _ => (ArgumentKind::Positional, node),
        };
        Some(Argument {
            kind,
            value: self.expr(value, depth),
        })
    }

    /// Whether `ast.literal_eval` accepts the expression.
    fn is_literal(&self, node: Node<'_>, depth: usize) -> bool {
        if depth > MAX_EXPR_DEPTH {
            return false;
        }
        let all = |node: Node<'_>| named(node).iter().all(|c| self.is_literal(*c, depth + 1));
        match node.kind() {
            "integer" | "float" | "true" | "false" | "none" | "ellipsis" => true,
            "string" => {
                let prefix = node
                    .child(0)
                    .map(|s| self.text(s).to_ascii_lowercase())
                    .unwrap_or_default();
                !prefix.contains('f')
                    && !prefix.contains('t')
                    && named(node).iter().all(|c| c.kind() != "interpolation")
            }
            "concatenated_string" => all(node),
            "unary_operator" => {
                let operand = node.child_by_field_name("argument");
                let op = node.child_by_field_name("operator").map(|o| self.text(o));
                matches!(op, Some("-" | "+"))
                    && operand.is_some_and(|o| matches!(o.kind(), "integer" | "float"))
            }
            "tuple" | "list" | "set" => all(node),
            "parenthesized_expression" => all(node),
            "dictionary" => named(node).iter().all(|pair| {
                pair.kind() == "pair"
                    && [
                        pair.child_by_field_name("key"),
                        pair.child_by_field_name("value"),
                    ]
                    .into_iter()
                    .all(|c| c.is_some_and(|c| self.is_literal(c, depth + 1)))
            }),
            _ => false,
        }
    }

    fn import(&mut self, node: Node<'_>) {
        let from = node.kind() == "import_from_statement";
        let module_node = node.child_by_field_name("module_name");
        let module = match module_node {
            Some(m) if m.kind() == "relative_import" => {
                let mut module = ImportedModule::default();
                for c in named(m) {
                    match c.kind() {
                        "import_prefix" => module.level = self.text(c).trim().len() as u32,
                        "dotted_name" => module.name = self.dotted(c),
                        _ => {}
                    }
                }
                module
            }
            Some(m) => ImportedModule {
                level: 0,
                name: self.dotted(m),
            },
            None => ImportedModule::default(),
        };
        let mut cursor = node.walk();
        let names: Vec<Node<'_>> = node
            .children_by_field_name("name", &mut cursor)
            .filter(|n| Some(*n) != module_node)
            .collect();
        for name in names {
            let (dotted, alias) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                ),
                _ => (Some(name), None),
            };
            let Some(dotted) = dotted else { continue };
            let written = self.dotted(dotted);
            let binder = alias.or_else(|| named(dotted).into_iter().next());
            let Some(binder) = binder else { continue };
            let import = if from {
                Import {
                    module: module.clone(),
                    name: Some(written),
                }
            } else {
                let bound = match alias {
                    Some(_) => written,
                    None => written.split('.').next().unwrap_or_default().to_owned(),
                };
                Import {
                    module: ImportedModule {
                        level: 0,
                        name: bound,
                    },
                    name: None,
                }
            };
            self.bindings
                .push((binder.start_byte(), Binding::Import(import)));
        }
    }

    fn dotted(&self, node: Node<'_>) -> String {
        named(node)
            .into_iter()
            .map(|part| self.name(part))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn assignment(&mut self, node: Node<'_>, parent: Node<'_>) {
        // The outermost assignment of a chain records the whole chain.
        if parent.kind() == "assignment" {
            return;
        }
        let mut targets = Vec::new();
        let mut current = node;
        loop {
            if let Some(left) = current.child_by_field_name("left") {
                targets.push(left);
            }
            match current.child_by_field_name("right") {
                Some(right) if right.kind() == "assignment" => current = right,
                Some(right) => {
                    let value = self.expr(right, 0);
                    for target in targets {
                        if target.kind() == "identifier" {
                            self.bindings
                                .push((target.start_byte(), Binding::Assign(value.clone())));
                        }
                    }
                    return;
                }
                None => return,
            }
        }
    }
}

fn splat_name(node: Node<'_>) -> Option<Node<'_>> {
    named(node).into_iter().find(|c| c.kind() == "identifier")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    /// Walking only the statements (and the expressions of bodies that spell `yield`) finds
    /// what walking every node finds, on every stdlib module that parses without errors.
    #[test]
    fn the_statements_hold_everything_the_outline_records() {
        let stdlib = crate::analysis::incremental::tests::stdlib().expect("python3's stdlib");
        let mut compared = 0;
        for entry in std::fs::read_dir(&stdlib)
            .expect("the stdlib directory")
            .flatten()
        {
            let path = entry.path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let tree = syntax::parse(&text);
            if path.extension().is_none_or(|e| e != "py") || tree.root_node().has_error() {
                continue;
            }
            let fast = Outline::walking(&text, &tree, false);
            let thorough = Outline::walking(&text, &tree, true);
            assert_eq!(
                (fast.defs, fast.bindings),
                (thorough.defs, thorough.bindings),
                "{}",
                path.display()
            );
            compared += 1;
        }
        assert!(compared > 100, "only {compared} stdlib modules compared");
    }

    fn outline(text: &str) -> (String, Outline) {
        let tree = syntax::parse(text);
        (text.to_owned(), Outline::new(text, &tree))
    }

    fn show(text: &str, e: &Expr) -> String {
        let t = &text[e.range.start..e.range.end];
        match &e.kind {
            ExprKind::Name => format!("Name({t})"),
            ExprKind::Attribute { object, name } => {
                format!(
                    "Attr({}, {})",
                    show(text, object),
                    &text[name.start..name.end]
                )
            }
            ExprKind::Call {
                function,
                arguments,
            } => {
                let args: Vec<String> = arguments
                    .iter()
                    .map(|a| format!("{:?}={}", a.kind, show(text, &a.value)))
                    .collect();
                format!("Call({}; {})", show(text, function), args.join(", "))
            }
            ExprKind::Lambda => "Lambda".into(),
            ExprKind::Literal => format!("Lit({t})"),
            ExprKind::Other => format!("Other({t})"),
        }
    }

    #[test]
    fn defs_decorators_params_and_returns() {
        let (text, o) = outline(
            r#"
import functools
@retry(3, delay=0.5, *more, **opts)
@memoize  # comment
def fetch(a, /, b=-1, *args, c, d: int = (1, 'x'), **kw):
    def inner():
        return 1
    if a:
        return fn
    yield
    return functools.wraps(fn)(wrapper)

class C(Base, metaclass=M):
    pass
"#,
        );
        let fetch = &o.defs[0];
        assert_eq!(&text[fetch.name.start..fetch.name.end], "fetch");
        assert!(text[fetch.statement.start..].starts_with("@retry"));
        let decos: Vec<String> = fetch
            .decorators
            .iter()
            .map(|d| show(&text, &d.expr))
            .collect();
        assert_eq!(
            decos,
            [
                "Call(Name(retry); Positional=Lit(3), Keyword(\"delay\")=Lit(0.5), Star=Name(more), DoubleStar=Name(opts))",
                "Name(memoize)"
            ]
        );
        let params: Vec<String> = fetch
            .params
            .iter()
            .map(|p| {
                format!(
                    "{}:{:?}{}",
                    p.name,
                    p.kind,
                    p.default
                        .as_ref()
                        .map_or(String::new(), |d| format!("={}", show(&text, d)))
                )
            })
            .collect();
        assert_eq!(
            params,
            [
                "a:PositionalOnly",
                "b:Positional=Lit(-1)",
                "args:VarPositional",
                "c:KeywordOnly",
                "d:KeywordOnly=Lit((1, 'x'))",
                "kw:VarKeyword"
            ]
        );
        let returns: Vec<String> = fetch
            .returns
            .iter()
            .map(|r| r.value.as_ref().map_or("-".into(), |v| show(&text, v)))
            .collect();
        assert_eq!(
            returns,
            [
                "Name(fn)",
                "Call(Call(Attr(Name(functools), wraps); Positional=Name(fn)); Positional=Name(wrapper))"
            ]
        );
        assert!(fetch.is_generator);
        let inner = &o.defs[1];
        assert_eq!(inner.returns.len(), 1);
        assert!(!inner.is_generator);
        let class = &o.defs[2];
        assert_eq!(class.kind, DefKind::Class);
        let bases: Vec<String> = class.bases.iter().map(|b| show(&text, b)).collect();
        assert_eq!(bases, ["Name(Base)"]);
    }

    #[test]
    fn imports_and_assignments() {
        let (text, o) = outline(
            "import a.b.c\nimport a.b as ab\nfrom ..pkg.mod import x as y, z\nfrom . import sib\nq = r = make(1)\nn: int = 2\nfor i in x: pass\n",
        );
        let mut bound: Vec<(String, String)> = o
            .bindings
            .iter()
            .map(|&(at, ref b)| {
                let end = text[at..]
                    .find(|c: char| !c.is_alphanumeric() && c != '_')
                    .unwrap();
                let what = match b {
                    Binding::Import(i) => format!("{} {:?}", i.module.display(), i.name),
                    Binding::Assign(e) => show(&text, e),
                    Binding::Def(i) => format!("def {i}"),
                };
                (text[at..at + end].to_owned(), what)
            })
            .collect();
        bound.sort();
        assert_eq!(
            bound,
            [
                ("a".into(), "a None".into()),
                ("ab".into(), "a.b None".into()),
                ("n".into(), "Lit(2)".into()),
                ("q".into(), "Call(Name(make); Positional=Lit(1))".into()),
                ("r".into(), "Call(Name(make); Positional=Lit(1))".into()),
                ("sib".into(), ". Some(\"sib\")".into()),
                ("y".into(), "..pkg.mod Some(\"x\")".into()),
                ("z".into(), "..pkg.mod Some(\"z\")".into()),
            ]
        );
    }

    #[test]
    fn literals() {
        let (text, o) = outline(
            "a = 1\nb = 'x' 'y'\nc = f'{a}'\nd = {'k': [1, 2.5, None]}\ne = -3\nf = x + 1\ng = (1,)\n",
        );
        let mut kinds: Vec<(char, bool)> = o
            .bindings
            .iter()
            .map(|&(at, ref b)| {
                let literal = matches!(b, Binding::Assign(e) if e.kind == ExprKind::Literal);
                (text[at..].chars().next().unwrap(), literal)
            })
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                ('a', true),
                ('b', true),
                ('c', false),
                ('d', true),
                ('e', true),
                ('f', false),
                ('g', true)
            ]
        );
    }
}
