//! The plain data the analysis produces: scopes, symbols, occurrences and errors.
//!
//! Everything here is byte offsets and strings; nothing knows about LSP or JSON.

use std::fmt;
use std::sync::Arc;

/// A Python version whose scoping rules the analysis reproduces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PythonVersion {
    /// CPython 3.11.
    Py311,
    /// CPython 3.12 (PEP 709 inlining, PEP 695 type parameters).
    Py312,
    /// CPython 3.13 (PEP 696 type-parameter defaults).
    Py313,
    /// CPython 3.14 (PEP 649 deferred annotations).
    #[default]
    Py314,
}

impl PythonVersion {
    /// All supported versions, oldest first.
    pub const ALL: [PythonVersion; 4] = [Self::Py311, Self::Py312, Self::Py313, Self::Py314];

    /// Parses `"3.11"` … `"3.14"`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text.trim())
    }

    /// The version as `"3.x"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Py311 => "3.11",
            Self::Py312 => "3.12",
            Self::Py313 => "3.13",
            Self::Py314 => "3.14",
        }
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A half-open range of byte offsets into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl TextRange {
    /// A range from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Whether `offset` lies inside the range (the end counts as inside).
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Whether the two ranges share at least one position.
    pub fn intersects(self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
}

/// Index of a scope in [`Analysis::scopes`]; scopes are stored in pre-order, module first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeId(pub u32);

impl ScopeId {
    /// The module scope.
    pub const MODULE: ScopeId = ScopeId(0);

    /// The index into [`Analysis::scopes`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What kind of block a scope is, named as the `check` JSON names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    ListComp,
    SetComp,
    DictComp,
    GenExpr,
    /// 3.12+: the hidden scope holding a generic function's or class's type parameters.
    TypeParams,
    /// 3.12+: the lazily evaluated value of a `type X = ...` statement.
    TypeAlias,
    /// 3.12+: the lazily evaluated bound, constraints or default of one type variable.
    TypeVar,
    /// An annotation scope (3.14 `__annotate__`).
    Annotation,
}

impl ScopeKind {
    /// The name used in the `check` JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Module => "module",
            Self::Class => "class",
            Self::Function => "function",
            Self::Lambda => "lambda",
            Self::ListComp => "listcomp",
            Self::SetComp => "setcomp",
            Self::DictComp => "dictcomp",
            Self::GenExpr => "genexpr",
            Self::TypeParams => "type_params",
            Self::TypeAlias => "type_alias",
            Self::TypeVar => "type_var",
            Self::Annotation => "annotation",
        }
    }

    /// Whether this is a list, set or dict comprehension or a generator expression.
    pub fn is_comprehension(self) -> bool {
        matches!(
            self,
            Self::ListComp | Self::SetComp | Self::DictComp | Self::GenExpr
        )
    }

    /// Whether the user wrote this scope as a `def` or `lambda` (the scopes closure hints are shown on).
    pub fn is_user_function(self) -> bool {
        matches!(self, Self::Function | Self::Lambda)
    }
}

/// Where a name of a scope lives, as CPython's symtable decides (`LOCAL`, `CELL`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// A fast local (or a module / class namespace entry).
    Local,
    /// Declared `global` here.
    GlobalExplicit,
    /// Not bound in any enclosing function: a global or builtin.
    GlobalImplicit,
    /// Read from a cell owned by an enclosing scope.
    Free,
    /// A local that nested scopes capture.
    Cell,
}

/// Flags CPython's symtable records for a name in one block (pass 1), plus two it adds later.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SymbolFlags(pub u32);

impl SymbolFlags {
    pub const GLOBAL: u32 = 1;
    pub const LOCAL: u32 = 2;
    pub const PARAM: u32 = 4;
    pub const NONLOCAL: u32 = 8;
    pub const USE: u32 = 16;
    pub const FREE_CLASS: u32 = 64;
    pub const IMPORT: u32 = 128;
    pub const ANNOT: u32 = 256;
    pub const COMP_ITER: u32 = 512;
    pub const TYPE_PARAM: u32 = 1024;
    pub const COMP_CELL: u32 = 2048;
    /// `DEF_BOUND`: assigned, a parameter or imported.
    pub const BOUND: u32 = Self::LOCAL | Self::PARAM | Self::IMPORT;

    /// Whether any of `bits` is set.
    pub fn has(self, bits: u32) -> bool {
        self.0 & bits != 0
    }
}

/// One name in one scope's symbol table, after analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The name as CPython stores it: NFKC-normalised and mangled (`_C__x`).
    pub name: Arc<str>,
    /// Pass-1 flags.
    pub flags: SymbolFlags,
    /// Pass-2 scope.
    pub resolution: Resolution,
    /// For a name in the closure ([`Symbol::in_closure`]): the scope that owns its cell.
    pub captures_from: Option<ScopeId>,
    /// For a cell: the nested scopes (with a code object) that have it free, in pre-order.
    pub captured_by: Vec<ScopeId>,
}

impl Symbol {
    /// Free here only to reach a deeper scope: the block itself never mentions the name.
    pub fn is_pass_through(&self) -> bool {
        self.resolution == Resolution::Free && self.flags.0 == 0
    }

    /// `FREE` in CPython's symbol table: read from a cell owned by an enclosing scope.
    pub fn is_free(&self) -> bool {
        self.resolution == Resolution::Free
    }

    /// Part of this scope's `co_freevars` (its `__closure__`): the free names, and the names a
    /// class (or a 3.12+ class-visible scope) binds itself while a nested scope captures the
    /// enclosing function's variable of that name (`DEF_FREE_CLASS`; those are not free).
    pub fn in_closure(&self) -> bool {
        self.is_free() || self.flags.has(SymbolFlags::FREE_CLASS)
    }

    /// Part of this scope's cells (`co_cellvars`, apart from the implicit class cells).
    pub fn is_cell(&self) -> bool {
        self.resolution == Resolution::Cell || self.flags.has(SymbolFlags::COMP_CELL)
    }
}

/// The closure cells of a code object, in the interpreter's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeCells {
    /// `co_freevars`, which is also `__closure__` order.
    pub freevars: Vec<String>,
    /// `co_cellvars`.
    pub cellvars: Vec<String>,
}

/// One block: module, class, function, lambda, comprehension or an implicit scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    /// The enclosing scope; `None` for the module.
    pub parent: Option<ScopeId>,
    /// Directly nested scopes, in source order.
    pub children: Vec<ScopeId>,
    /// The symtable's name: `top`, the def/class name, `lambda`, `listcomp`, `genexpr`, …
    pub name: String,
    /// `__qualname__` of the code object: `outer.<locals>.inner`, `C.m`, `<lambda>`, …
    pub qualname: String,
    /// The symtable line number (1-based; 0 for the module).
    pub line: u32,
    /// `co_firstlineno` of its code object (the first decorator's line for decorated defs).
    pub code_line: u32,
    /// The whole construct: `def` … end of body, the lambda, the comprehension brackets.
    pub range: TextRange,
    /// Where to point at the scope: the def/class name, the `lambda` keyword, the comprehension's
    /// opening bracket.
    pub focus_range: TextRange,
    /// Where the header ends: just after the `:` of a def or lambda (where a closure hint goes);
    /// the end of `focus_range` for other scopes.
    pub header_end: usize,
    /// Parameters in order (`co_varnames` order), without CPython's invented `.0`.
    pub params: Vec<String>,
    /// The symbol table after analysis, in CPython's insertion order.
    pub symbols: Vec<Symbol>,
    /// Cells the compiler adds to a class (`__class__`, `__classdict__`,
    /// `__conditional_annotations__`) that its symbol table does not list.
    pub class_cells: Vec<Symbol>,
    /// The code object's cells; `None` when the scope compiles to no code object.
    pub code: Option<CodeCells>,
    /// 3.12+: a comprehension inlined into its parent (PEP 709); absent from CPython's symtable.
    pub inlined: bool,
}

impl Scope {
    /// The symbol named `name` (as CPython stores it).
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symbols.iter().find(|s| &*s.name == name)
    }

    /// The scopes capturing this scope's cell `name`, including the implicit class cells (which
    /// take precedence: a class may also bind `__class__` itself). Empty if nothing captures it.
    pub fn captured_by(&self, name: &str) -> &[ScopeId] {
        self.class_cells
            .iter()
            .chain(&self.symbols)
            .find(|s| &*s.name == name)
            .map_or(&[], |s| &s.captured_by)
    }
}

/// How a name occurs in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OccurrenceKind {
    /// Read (`Load`).
    Read,
    /// Bound: assignment, `for`/`with`/`except` target, import, def/class name, walrus, `del`.
    Write,
    /// A parameter declaration.
    Param,
    /// The name in a `global` statement.
    GlobalDecl,
    /// The name in a `nonlocal` statement.
    NonlocalDecl,
}

/// One identifier in the source, resolved to the scope whose namespace holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The identifier's bytes.
    pub range: TextRange,
    /// The name as CPython stores it (normalised and mangled); shared by every occurrence of it.
    pub name: Arc<str>,
    /// The scope the occurrence is written in.
    pub scope: ScopeId,
    pub kind: OccurrenceKind,
    /// The scope whose namespace (locals, cell, class dict, module globals) this name refers to.
    /// Globals and builtins resolve to the module.
    pub resolves_to: ScopeId,
}

/// A SyntaxError CPython's symbol table pass raises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosureError {
    /// CPython's exact message.
    pub message: String,
    /// CPython's error range.
    pub range: TextRange,
}

/// Code left out of the analysis because it nests deeper than CPython's parser accepts (CPython
/// refuses such a file: "too complex to parse").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooDeep {
    /// The first construct left out: it starts deeper than `limit` levels.
    pub range: TextRange,
    /// The deepest syntax nesting analysed.
    pub limit: u32,
}

/// Everything the analysis knows about one source text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// The version whose rules were applied.
    pub version: PythonVersion,
    /// All scopes in pre-order; `scopes[0]` is the module.
    pub scopes: Vec<Scope>,
    /// Every identifier occurrence, sorted by start offset.
    pub occurrences: Vec<Occurrence>,
    /// Closure-related SyntaxErrors, in the order CPython checks them.
    pub errors: Vec<ClosureError>,
    /// Whether the tree had syntax errors (the analysis then covers the parts that parsed intact).
    pub has_syntax_errors: bool,
    /// Set when some code nests too deep to be analysed; that code is left out.
    pub too_deep: Option<TooDeep>,
}

impl Analysis {
    /// The scope with id `id`.
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }

    /// The innermost scope whose range contains `offset`.
    pub fn scope_at(&self, offset: usize) -> ScopeId {
        let mut current = ScopeId::MODULE;
        'descend: loop {
            for &child in &self.scope(current).children {
                if self.scope(child).range.contains(offset) {
                    current = child;
                    continue 'descend;
                }
            }
            return current;
        }
    }

    /// The occurrence whose identifier covers `offset`, if any.
    pub fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        let idx = self.occurrences.partition_point(|o| o.range.end < offset);
        self.occurrences[idx..]
            .iter()
            .take_while(|o| o.range.start <= offset)
            .find(|o| o.range.contains(offset))
    }

    /// All occurrences of the variable `name` living in scope `owner`.
    pub fn occurrences_of<'a>(
        &'a self,
        owner: ScopeId,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.resolves_to == owner && *o.name == *name)
    }
}
