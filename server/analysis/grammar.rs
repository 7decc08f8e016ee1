//! The tree-sitter Python grammar as the analysis reads it.
//!
//! - [`Kind`]: the node kinds the analysis distinguishes, as an enum mapped once from the
//!   grammar's kind ids, so a misspelt kind is a compile error (and the table's names are checked
//!   against the grammar by a test);
//! - [`Field`]: grammar fields resolved to ids once (`Node::child_by_field_name` compares strings
//!   on every call);
//! - [`SyntaxNode`]: the only view of the tree the collector has. Its child accessors never
//!   return *extras*: tree-sitter puts comments and backslash line continuations among a node's
//!   children wherever they occur between tokens, so reading "the second named child" or "the
//!   next child" of a raw node can land on a comment. Iterators go through [`CursorPool`] cursors
//!   (creating a cursor allocates).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;

use tree_sitter::{Node, TreeCursor};

use super::model::TextRange;

/// The grammar fields the analysis reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Field {
    Alias,
    Alternative,
    Arguments,
    Attribute,
    Body,
    Condition,
    Consequence,
    Definition,
    Function,
    Guard,
    Key,
    Left,
    ModuleName,
    Name,
    Object,
    Parameters,
    ReturnType,
    Right,
    Subject,
    Subscript,
    Superclasses,
    Type,
    TypeParameters,
    Value,
}

const FIELD_NAMES: [&str; 24] = [
    "alias",
    "alternative",
    "arguments",
    "attribute",
    "body",
    "condition",
    "consequence",
    "definition",
    "function",
    "guard",
    "key",
    "left",
    "module_name",
    "name",
    "object",
    "parameters",
    "return_type",
    "right",
    "subject",
    "subscript",
    "superclasses",
    "type",
    "type_parameters",
    "value",
];

fn language() -> &'static tree_sitter::Language {
    static LANGUAGE: OnceLock<tree_sitter::Language> = OnceLock::new();
    LANGUAGE.get_or_init(|| tree_sitter_python::LANGUAGE.into())
}

fn field_id(field: Field) -> u16 {
    static IDS: OnceLock<[u16; FIELD_NAMES.len()]> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        FIELD_NAMES.map(|name| language().field_id_for_name(name).map_or(0, |id| id.get()))
    });
    ids[field as usize]
}

/// Defines [`Kind`] and the table naming each variant as the grammar does.
macro_rules! kinds {
    ($($variant:ident = $name:literal $(named $named:literal)?,)*) => {
        /// The node kinds the analysis tells apart; every other kind is [`Kind::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Kind {
            $($variant,)*
            /// Any other kind of node or token.
            Other,
        }

        /// Each kind's grammar name and whether it is a named node (`false`: a token such as
        /// the keyword `type`, as opposed to the node `type`).
        const KINDS: &[(Kind, &str, bool)] = &[
            $((Kind::$variant, $name, kinds!(@named $($named)?)),)*
        ];
    };
    (@named) => { true };
    (@named $named:literal) => { $named };
}

kinds! {
    AliasedImport = "aliased_import",
    ArgumentList = "argument_list",
    AsPattern = "as_pattern",
    AssertStatement = "assert_statement",
    Assignment = "assignment",
    Attribute = "attribute",
    AugmentedAssignment = "augmented_assignment",
    Await = "await",
    BinaryOperator = "binary_operator",
    Block = "block",
    BooleanOperator = "boolean_operator",
    BreakStatement = "break_statement",
    Call = "call",
    CaseClause = "case_clause",
    CasePattern = "case_pattern",
    ClassDefinition = "class_definition",
    ClassPattern = "class_pattern",
    ComplexPattern = "complex_pattern",
    ConcatenatedString = "concatenated_string",
    ConditionalExpression = "conditional_expression",
    ConstrainedType = "constrained_type",
    ContinueStatement = "continue_statement",
    DecoratedDefinition = "decorated_definition",
    Decorator = "decorator",
    DefaultParameter = "default_parameter",
    DeleteStatement = "delete_statement",
    DictPattern = "dict_pattern",
    Dictionary = "dictionary",
    DictionaryComprehension = "dictionary_comprehension",
    DictionarySplat = "dictionary_splat",
    DictionarySplatPattern = "dictionary_splat_pattern",
    DottedName = "dotted_name",
    Ellipsis = "ellipsis",
    ElseClause = "else_clause",
    EscapeSequence = "escape_sequence",
    ExceptClause = "except_clause",
    ExecStatement = "exec_statement",
    ExpressionList = "expression_list",
    ExpressionStatement = "expression_statement",
    False = "false",
    FinallyClause = "finally_clause",
    Float = "float",
    ForInClause = "for_in_clause",
    ForStatement = "for_statement",
    FormatExpression = "format_expression",
    FormatSpecifier = "format_specifier",
    FunctionDefinition = "function_definition",
    FutureImportStatement = "future_import_statement",
    GeneratorExpression = "generator_expression",
    GenericType = "generic_type",
    GlobalStatement = "global_statement",
    Identifier = "identifier",
    IfClause = "if_clause",
    IfStatement = "if_statement",
    ImportFromStatement = "import_from_statement",
    ImportStatement = "import_statement",
    Integer = "integer",
    Interpolation = "interpolation",
    KeywordArgument = "keyword_argument",
    KeywordPattern = "keyword_pattern",
    KeywordSeparator = "keyword_separator",
    Lambda = "lambda",
    List = "list",
    ListComprehension = "list_comprehension",
    ListPattern = "list_pattern",
    ListSplat = "list_splat",
    ListSplatPattern = "list_splat_pattern",
    MatchStatement = "match_statement",
    MemberType = "member_type",
    NamedExpression = "named_expression",
    None = "none",
    NonlocalStatement = "nonlocal_statement",
    Pair = "pair",
    PatternList = "pattern_list",
    ParenthesizedExpression = "parenthesized_expression",
    PassStatement = "pass_statement",
    PositionalSeparator = "positional_separator",
    PrintStatement = "print_statement",
    RaiseStatement = "raise_statement",
    ReturnStatement = "return_statement",
    Set = "set",
    SetComprehension = "set_comprehension",
    SplatPattern = "splat_pattern",
    SplatType = "splat_type",
    String = "string",
    StringContent = "string_content",
    StringEnd = "string_end",
    StringStart = "string_start",
    Subscript = "subscript",
    True = "true",
    TryStatement = "try_statement",
    Tuple = "tuple",
    TuplePattern = "tuple_pattern",
    Type = "type",
    TypeAliasStatement = "type_alias_statement",
    TypeConversion = "type_conversion",
    TypeParameter = "type_parameter",
    TypedDefaultParameter = "typed_default_parameter",
    TypedParameter = "typed_parameter",
    UnionPattern = "union_pattern",
    WhileStatement = "while_statement",
    WildcardImport = "wildcard_import",
    WithClause = "with_clause",
    WithStatement = "with_statement",
    Yield = "yield",
    // Tokens.
    AsyncKeyword = "async" named false,
    TypeKeyword = "type" named false,
    Colon = ":" named false,
    Comma = "," named false,
    Equals = "=" named false,
    LeftBracket = "[" named false,
    RightBracket = "]" named false,
    // tree-sitter's error node (kind id `u16::MAX`).
    Error = "ERROR",
}

impl Kind {
    /// The kind of the node with grammar kind id `id`.
    fn of(id: u16) -> Kind {
        static BY_ID: OnceLock<Vec<Kind>> = OnceLock::new();
        if id == u16::MAX {
            return Kind::Error;
        }
        let by_id = BY_ID.get_or_init(|| {
            let language = language();
            (0..language.node_kind_count() as u16)
                .map(|id| {
                    let name = language.node_kind_for_id(id).unwrap_or("");
                    let named = language.node_kind_is_named(id);
                    KINDS
                        .iter()
                        .find(|&&(_, n, is_named)| n == name && is_named == named)
                        .map_or(Kind::Other, |&(kind, _, _)| kind)
                })
                .collect()
        });
        by_id.get(usize::from(id)).copied().unwrap_or(Kind::Other)
    }
}

/// Tree cursors kept for reuse: creating one allocates, and the walk needs one per node.
#[derive(Default)]
pub(crate) struct CursorPool<'t>(Rc<RefCell<Vec<TreeCursor<'t>>>>);

impl<'t> CursorPool<'t> {
    fn take(&self, node: Node<'t>) -> PooledCursor<'t> {
        let cursor = match self.0.borrow_mut().pop() {
            Some(mut cursor) => {
                cursor.reset(node);
                cursor
            }
            None => node.walk(),
        };
        PooledCursor {
            cursor: Some(cursor),
            pool: Rc::clone(&self.0),
        }
    }
}

/// A cursor borrowed from a [`CursorPool`]; it goes back to the pool when dropped.
struct PooledCursor<'t> {
    cursor: Option<TreeCursor<'t>>,
    pool: Rc<RefCell<Vec<TreeCursor<'t>>>>,
}

impl<'t> PooledCursor<'t> {
    fn get(&mut self) -> &mut TreeCursor<'t> {
        self.cursor.as_mut().expect("present until dropped")
    }
}

impl Drop for PooledCursor<'_> {
    fn drop(&mut self) {
        if let Some(cursor) = self.cursor.take() {
            self.pool.borrow_mut().push(cursor);
        }
    }
}

/// A comment or a line continuation: an extra that is not an ERROR (tree-sitter also marks the
/// ERROR nodes it skipped over as extras, and the collector reads those).
fn is_trivia(node: Node<'_>) -> bool {
    node.is_extra() && !node.is_error()
}

/// Which children a [`Children`] iterator yields.
#[derive(Clone, Copy)]
enum Select {
    All,
    Named,
    Field(u16),
}

/// The children of a node other than extras (comments, line continuations), walked with a pooled
/// cursor.
pub(crate) struct Children<'t> {
    cursor: PooledCursor<'t>,
    select: Select,
    started: bool,
}

impl<'t> Iterator for Children<'t> {
    type Item = SyntaxNode<'t>;

    fn next(&mut self) -> Option<SyntaxNode<'t>> {
        loop {
            let cursor = self.cursor.get();
            let moved = if self.started {
                cursor.goto_next_sibling()
            } else {
                self.started = true;
                cursor.goto_first_child()
            };
            if !moved {
                return None;
            }
            let node = cursor.node();
            if is_trivia(node) {
                continue;
            }
            let wanted = match self.select {
                Select::All => true,
                Select::Named => node.is_named(),
                Select::Field(id) => cursor.field_id().is_some_and(|f| f.get() == id),
            };
            if wanted {
                return Some(SyntaxNode(node));
            }
        }
    }
}

/// A node of the syntax tree, as the collector reads it: no accessor returns an extra (a comment
/// or a line continuation), wherever it sits between the node's tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxNode<'t>(Node<'t>);

impl<'t> SyntaxNode<'t> {
    pub fn new(node: Node<'t>) -> Self {
        SyntaxNode(node)
    }

    /// The node's kind.
    pub fn kind(self) -> Kind {
        Kind::of(self.0.kind_id())
    }

    /// Whether the node is named (not a token such as `:` or a keyword).
    pub fn is_named(self) -> bool {
        self.0.is_named()
    }

    /// The child in `field` (the first one, when there are several); tree-sitter never gives a
    /// field to an extra.
    pub fn field(self, field: Field) -> Option<Self> {
        self.0.child_by_field_id(field_id(field)).map(SyntaxNode)
    }

    /// The node's first child (its first token, for most nodes).
    pub fn first_child(self) -> Option<Self> {
        let count = self.0.child_count();
        (0..count)
            .filter_map(|i| self.0.child(i))
            .find(|&c| !is_trivia(c))
            .map(SyntaxNode)
    }

    /// The `index`-th named child (for small indices: each step rescans the children).
    pub fn named_child(self, index: usize) -> Option<Self> {
        let count = self.0.named_child_count() as u32;
        (0..count)
            .filter_map(|i| self.0.named_child(i))
            .filter(|&c| !is_trivia(c))
            .nth(index)
            .map(SyntaxNode)
    }

    /// Every child, tokens included.
    pub fn children(self, pool: &CursorPool<'t>) -> Children<'t> {
        self.walk(pool, Select::All)
    }

    /// Every named child.
    pub fn named_children(self, pool: &CursorPool<'t>) -> Children<'t> {
        self.walk(pool, Select::Named)
    }

    /// Every child in `field`.
    pub fn fields(self, field: Field, pool: &CursorPool<'t>) -> Children<'t> {
        self.walk(pool, Select::Field(field_id(field)))
    }

    fn walk(self, pool: &CursorPool<'t>, select: Select) -> Children<'t> {
        Children {
            cursor: pool.take(self.0),
            select,
            started: false,
        }
    }

    pub fn start_byte(self) -> usize {
        self.0.start_byte()
    }

    pub fn end_byte(self) -> usize {
        self.0.end_byte()
    }

    pub fn byte_range(self) -> Range<usize> {
        self.0.byte_range()
    }

    pub fn range(self) -> TextRange {
        TextRange::new(self.0.start_byte(), self.0.end_byte())
    }

    /// The 1-based line the node starts on.
    pub fn line(self) -> u32 {
        self.0.start_position().row as u32 + 1
    }

    /// The node containing this one.
    pub fn parent(self) -> Option<Self> {
        self.0.parent().map(SyntaxNode)
    }

    /// Whether the node is, or contains, a syntax error.
    pub fn has_error(self) -> bool {
        self.0.has_error()
    }

    /// The named child spanning `range`, found without walking the children before it.
    pub fn child_containing(self, range: TextRange) -> Option<Self> {
        let mut cursor = self.0.walk();
        cursor.goto_first_child_for_byte(range.start)?;
        loop {
            let node = cursor.node();
            if node.start_byte() > range.start {
                return None;
            }
            if node.is_named() && !is_trivia(node) && range.end <= node.end_byte() {
                return Some(SyntaxNode(node));
            }
            if !cursor.goto_next_sibling() {
                return None;
            }
        }
    }

    /// The smallest node of this node's subtree spanning `range`.
    pub fn covering(self, range: TextRange) -> Option<Self> {
        self.0
            .descendant_for_byte_range(range.start, range.end)
            .map(SyntaxNode)
    }
}

/// Parents (and nodes spanning a range) found from the nearest ancestor met before rather than
/// from the root.
///
/// tree-sitter finds a node's parent by walking down from the root, looking through the
/// children at each level before the one holding the node: in a class of 2,000 methods, every
/// parent asked inside its last method looks through 2,000 nodes, and a whole analysis of such a
/// class asks tens of thousands. This keeps the path walked last (the root first, each node the
/// parent of the next) and walks down from its deepest node holding the one asked. It gives
/// what [`SyntaxNode::parent`] gives: a node with a non-empty range has one chain of ancestors,
/// the nodes holding its range, so the path's nodes holding it are its ancestors; nodes with an
/// empty range, which may sit between two siblings, are asked of tree-sitter.
pub(crate) struct Ancestry<'t> {
    path: RefCell<Vec<(SyntaxNode<'t>, TextRange)>>,
}

impl<'t> Ancestry<'t> {
    /// Parents of the nodes of the tree rooted at `root`.
    pub fn new(root: SyntaxNode<'t>) -> Self {
        Ancestry {
            path: RefCell::new(vec![(root, root.range())]),
        }
    }

    /// The node containing `node` (as [`SyntaxNode::parent`]).
    pub fn parent(&self, node: SyntaxNode<'t>) -> Option<SyntaxNode<'t>> {
        let range = node.range();
        if range.start == range.end {
            return node.parent();
        }
        let mut path = self.path.borrow_mut();
        // The deepest node of the path holding `node` (`node` itself, or a node under it with
        // the same range, if it is on the path).
        let Some(deepest) = path.iter().rposition(|(_, r)| r.contains_range(range)) else {
            return node.parent();
        };
        if let Some(at) = path[..=deepest].iter().rposition(|&(n, _)| n == node) {
            return at.checked_sub(1).map(|up| path[up].0);
        }
        path.truncate(deepest + 1);
        loop {
            let (above, _) = *path.last()?;
            match above.0.child_with_descendant(node.0).map(SyntaxNode) {
                Some(next) if next == node => return Some(above),
                Some(next) => path.push((next, next.range())),
                None => return node.parent(),
            }
        }
    }

    /// The smallest node spanning `range` (as [`SyntaxNode::covering`] from the root): found
    /// from the path's deepest node holding it, one of the nodes the search from the root
    /// passes.
    pub fn covering(&self, range: TextRange) -> Option<SyntaxNode<'t>> {
        let path = self.path.borrow();
        let root = path[0].0;
        let from = match range.start < range.end {
            true => path.iter().rev().find(|(_, r)| r.contains_range(range)),
            false => None,
        };
        from.map_or(root, |&(n, _)| n).covering(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_exists_in_the_grammar() {
        let language = language();
        for &(kind, name, named) in KINDS {
            if kind == Kind::Error {
                continue;
            }
            let id = language.id_for_node_kind(name, named);
            assert_ne!(
                id, 0,
                "{name} (named: {named}) is not a kind of the grammar"
            );
            assert_eq!(Kind::of(id), kind, "{name}");
        }
    }

    #[test]
    fn kinds_match_tree_sitter() {
        let source = "def f(a=1): return [x for x in a] + (lambda: a)()\ntype X = int\n\
                      def g(:\n  x = (\nclass C[T = int]: pass\n";
        let tree = crate::syntax::parse(source);
        assert!(tree.root_node().has_error());
        let mut stack = vec![tree.root_node()];
        let mut seen_error = false;
        while let Some(node) = stack.pop() {
            let kind = SyntaxNode(node).kind();
            if let Some(&(_, name, named)) = KINDS.iter().find(|(k, _, _)| *k == kind) {
                assert_eq!((name, named), (node.kind(), node.is_named()));
            } else {
                assert_eq!(kind, Kind::Other);
                assert!(
                    !KINDS
                        .iter()
                        .any(|&(_, n, named)| n == node.kind() && named == node.is_named()),
                    "{} should not be Other",
                    node.kind()
                );
            }
            seen_error |= kind == Kind::Error;
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        assert!(seen_error);
    }

    /// Every node's parent, and the node spanning each node's range and other ranges, as
    /// tree-sitter finds them from the root: asked in tree order, backwards and scrambled, in a
    /// wide class, around comments, line continuations, syntax errors and missing tokens.
    #[test]
    fn ancestry_answers_as_the_root_does() {
        let methods: String = (0..300)
            .map(|i| {
                format!("    def m{i}(self):  # {i}\n        return [x for x in (self, {i})]\n")
            })
            .collect();
        let sources = [
            format!("class C:\n{methods}x = 1\n"),
            "def f(a=1): return [x for x in a] + (lambda: a)()\n@d\ndef g(:\n  x = (\n\
             class C[T = int]: pass\n"
                .to_owned(),
            "# lead\nif x:\n    (y)\n  z = \\\n 1\nprint(f'{a!r:>{w}}')\n".to_owned(),
            "def f(\n    x = g(1,\n".to_owned(),
            "\n\n   \n".to_owned(),
        ];
        for source in &sources {
            let tree = crate::syntax::parse(source);
            let root = SyntaxNode(tree.root_node());
            let mut in_order = Vec::new();
            let mut stack = vec![tree.root_node()];
            while let Some(node) = stack.pop() {
                in_order.push(SyntaxNode(node));
                let mut cursor = node.walk();
                let children: Vec<Node> = node.children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
            let backwards: Vec<SyntaxNode> = in_order.iter().rev().copied().collect();
            let mut scrambled = in_order.clone();
            let mut seed = 0x2545_f491_u64;
            let mut next = |below: usize| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed % below as u64) as usize
            };
            for i in (1..scrambled.len()).rev() {
                scrambled.swap(i, next(i + 1));
            }
            for order in [&in_order, &backwards, &scrambled] {
                let ancestry = Ancestry::new(root);
                for &node in order {
                    assert_eq!(ancestry.parent(node), node.parent(), "{source:?}: {node:?}");
                    let range = node.range();
                    assert_eq!(ancestry.covering(range), root.covering(range), "{range:?}");
                    let start = next(source.len() + 1);
                    let other = TextRange::new(start, start + next(source.len() + 1 - start));
                    assert_eq!(ancestry.covering(other), root.covering(other), "{other:?}");
                }
            }
        }
    }

    #[test]
    fn every_field_exists_in_the_grammar() {
        for name in FIELD_NAMES {
            assert!(language().field_id_for_name(name).is_some(), "{name}");
        }
    }
}
