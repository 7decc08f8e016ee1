//! The plain data the analysis produces: scopes, symbols, occurrences and errors.
//!
//! Everything here is byte offsets and strings; nothing knows about LSP or JSON.

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use super::errors::ErrorKind;

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

    /// Whether `other` lies within this range.
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
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

/// Index of a symbol in its scope's [`Scope::symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopedSymbolId(pub u32);

/// One name in one scope, and through [`Symbol::variable`] one variable of the program: the
/// identity rename, references and highlights work with. Valid within one [`Analysis`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SymbolId {
    /// The scope whose symbol table holds it.
    pub scope: ScopeId,
    /// Its place in that table.
    pub symbol: ScopedSymbolId,
}

impl SymbolId {
    /// The symbol at `index` of `scope`.
    pub fn new(scope: ScopeId, index: usize) -> Self {
        SymbolId {
            scope,
            symbol: ScopedSymbolId(index as u32),
        }
    }
}

/// A source file known to the server or to a `check` run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A file-local id (a [`ScopeId`], [`SymbolId`], range, …) together with its file: the form ids
/// take once several modules are analysed side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InFile<T> {
    /// The file.
    pub file: FileId,
    /// The id within it.
    pub value: T,
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

bitflags::bitflags! {
    /// Flags CPython's symtable records for a name in one block (pass 1), plus two it adds later
    /// (`DEF_FREE_CLASS`, `DEF_COMP_CELL`). Values are CPython's.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct SymbolFlags: u32 {
        /// `DEF_GLOBAL`: declared `global`.
        const GLOBAL = 1;
        /// `DEF_LOCAL`: bound (assigned, `for`/`with`/`except` target, `del`, def/class name, …).
        const LOCAL = 2;
        /// `DEF_PARAM`: a parameter.
        const PARAM = 4;
        /// `DEF_NONLOCAL`: declared `nonlocal`.
        const NONLOCAL = 8;
        /// `USE`: read.
        const USE = 16;
        /// `DEF_FREE_CLASS`: bound in a class body and also free in a method of it.
        const FREE_CLASS = 64;
        /// `DEF_IMPORT`: bound by an import.
        const IMPORT = 128;
        /// `DEF_ANNOT`: annotated.
        const ANNOT = 256;
        /// `DEF_COMP_ITER`: a comprehension's iteration variable.
        const COMP_ITER = 512;
        /// `DEF_TYPE_PARAM` (3.12+): a type parameter.
        const TYPE_PARAM = 1024;
        /// `DEF_COMP_CELL` (3.12+): a cell of an inlined comprehension, held by its parent.
        const COMP_CELL = 2048;
        /// `DEF_BOUND`: assigned, a parameter or imported.
        const BOUND = Self::LOCAL.bits() | Self::PARAM.bits() | Self::IMPORT.bits();
    }
}

/// Why a scope lists a symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolOrigin {
    /// An entry of CPython's symbol table for the scope.
    Symtable,
    /// A cell the compiler adds to a class (`__class__`, `__classdict__`,
    /// `__conditional_annotations__`) that its symbol table does not list.
    ClassCell,
    /// (Module only.) A global that nested scopes read or declare but the module's own symbol
    /// table does not mention: a builtin, or a name defined elsewhere. Listed so that every
    /// occurrence has a variable.
    Implied,
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
    /// Why the scope lists it.
    pub origin: SymbolOrigin,
    /// The variable the name refers to here: the symbol of the scope whose namespace holds it
    /// (itself for a local or a cell, the enclosing scope's entry for a free name, the module's
    /// entry for a global or builtin). Every name of one variable, in any scope, shares it.
    pub variable: SymbolId,
    /// For a name in this scope's `co_freevars`: the scope whose code object creates the cell
    /// (for a 3.12+ inlined comprehension's variable, the function it is inlined into).
    pub captures_from: Option<ScopeId>,
    /// For a cell: the nested scopes (with a code object) that have it free, in pre-order.
    pub captured_by: Vec<ScopeId>,
}

impl Symbol {
    /// Free here only to reach a deeper scope: the block itself never mentions the name.
    pub fn is_pass_through(&self) -> bool {
        self.resolution == Resolution::Free && self.flags.is_empty()
    }

    /// `FREE` in CPython's symbol table: read from a cell owned by an enclosing scope.
    pub fn is_free(&self) -> bool {
        self.resolution == Resolution::Free
    }

    /// Part of this scope's `co_freevars` (its `__closure__`): the free names, and the names a
    /// class (or a 3.12+ class-visible scope) binds itself while a nested scope captures the
    /// enclosing function's variable of that name (`DEF_FREE_CLASS`; those are not free).
    pub fn in_closure(&self) -> bool {
        self.is_free() || self.flags.contains(SymbolFlags::FREE_CLASS)
    }

    /// Part of this scope's cells (`co_cellvars`).
    pub fn is_cell(&self) -> bool {
        self.resolution == Resolution::Cell || self.flags.contains(SymbolFlags::COMP_CELL)
    }

    /// Declared `nonlocal` and rebound here: the write goes to the enclosing scope's cell.
    pub fn is_nonlocal_write(&self) -> bool {
        self.flags.contains(SymbolFlags::NONLOCAL) && self.is_assigned()
    }

    /// Assigned in this scope: any binding but a parameter (`=`, `del`, `for`, `import`, …).
    pub fn is_assigned(&self) -> bool {
        self.flags
            .intersects(SymbolFlags::LOCAL | SymbolFlags::IMPORT)
    }

    /// Bound in this scope (assigned, a parameter or imported).
    pub fn is_bound(&self) -> bool {
        self.flags.intersects(SymbolFlags::BOUND)
    }
}

/// Whether a user wrote `name`, as opposed to the names CPython invents (`.0`, `.type_params`,
/// `__classdict__`, `__conditional_annotations__`). `__class__` counts as written: `super()`.
pub fn is_user_visible(name: &str) -> bool {
    !name.starts_with('.') && name != "__classdict__" && name != "__conditional_annotations__"
}

/// Whether `name` is a cell the compiler gives a class (not a name it binds): `__class__`, from
/// 3.12 `__classdict__`, from 3.14 `__conditional_annotations__` (before, plain names).
pub fn is_class_cell(version: PythonVersion, name: &str) -> bool {
    name == "__class__"
        || (name == "__classdict__" && version >= PythonVersion::Py312)
        || (name == "__conditional_annotations__" && version >= PythonVersion::Py314)
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
///
/// Its place (parent, lines, ranges) and flags are kept inline, the rest behind a pointer
/// ([`ScopeDetails`], whose fields read as the scope's own through `Deref`): a re-analysis
/// moves the place of every scope after the edit, and a list of 72-byte scopes is read as one
/// stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    /// The enclosing scope; `None` for the module.
    pub parent: Option<ScopeId>,
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
    /// 3.12+: a comprehension inlined into its parent (PEP 709); absent from CPython's symtable.
    pub inlined: bool,
    /// Calling it makes a generator (it has `yield`; a generator expression).
    pub is_generator: bool,
    /// Calling it makes a coroutine (`async def`, an async comprehension).
    pub is_coroutine: bool,
    /// Its children, names, parameters, symbols and cells.
    pub details: Box<ScopeDetails>,
}

/// What a scope holds besides its place (see [`Scope`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeDetails {
    /// Directly nested scopes, in source order.
    pub children: Vec<ScopeId>,
    /// The symtable's name: `top`, the def/class name, `lambda`, `listcomp`, `genexpr`, …
    pub name: String,
    /// `__qualname__` of the code object: `outer.<locals>.inner`, `C.m`, `<lambda>`, …
    pub qualname: String,
    /// Parameters in order (`co_varnames` order), without CPython's invented `.0`.
    pub params: Vec<String>,
    /// The symbol table after analysis in CPython's insertion order, then the implicit class
    /// cells, then (module only) the implied globals; see [`SymbolOrigin`].
    pub symbols: Vec<Symbol>,
    /// The code object's cells; `None` when the scope compiles to no code object.
    pub code: Option<CodeCells>,
    /// The names pass 2 found it gives its parent as free (CPython's child free set), sorted;
    /// none for the module. Its free variables, and, 3.12+, a name an inlined comprehension
    /// makes a cell of it that a nested scope reads: CPython then makes the enclosing
    /// function's variable a cell too, though nothing reads it.
    pub passes_up: Vec<Arc<str>>,
}

// A field added inline would make every splice read more per scope after an edit.
const _: () = assert!(std::mem::size_of::<Scope>() <= 72);

impl ScopeDetails {
    /// A copy without the children and symbols (which a copy elsewhere renumbers).
    pub(crate) fn without_links(&self) -> ScopeDetails {
        ScopeDetails {
            children: Vec::new(),
            name: self.name.clone(),
            qualname: self.qualname.clone(),
            params: self.params.clone(),
            symbols: Vec::new(),
            code: self.code.clone(),
            passes_up: self.passes_up.clone(),
        }
    }
}

impl std::ops::Deref for Scope {
    type Target = ScopeDetails;
    fn deref(&self) -> &ScopeDetails {
        &self.details
    }
}

impl std::ops::DerefMut for Scope {
    fn deref_mut(&mut self) -> &mut ScopeDetails {
        &mut self.details
    }
}

impl Scope {
    /// Whether this is the annotation scope of a module's or a class's body (3.14's
    /// `__annotate__`): made with the range of the body's first annotation, it holds the others
    /// too, which lie elsewhere in its parent. (A `def`'s has the `def`'s range.)
    pub fn annotates_body(&self) -> bool {
        self.kind == ScopeKind::Annotation && self.focus_range == self.range
    }

    /// CPython's symbol table for the scope, in insertion order.
    pub fn symtable(&self) -> impl Iterator<Item = &Symbol> {
        self.symbols
            .iter()
            .filter(|s| s.origin == SymbolOrigin::Symtable)
    }

    /// The cells the compiler adds to a class that its symbol table does not list.
    pub fn class_cells(&self) -> impl Iterator<Item = &Symbol> {
        self.symbols
            .iter()
            .filter(|s| s.origin == SymbolOrigin::ClassCell)
    }

    /// The symbol-table entry named `name` (as CPython stores it).
    pub fn symbol(&self, name: &str) -> Option<&Symbol> {
        self.symtable().find(|s| &*s.name == name)
    }

    /// The cell `name` of this scope: an implicit class cell first (a class may also bind
    /// `__class__` itself), else the symbol-table entry.
    pub fn cell(&self, name: &str) -> Option<&Symbol> {
        self.class_cells()
            .find(|s| &*s.name == name)
            .or_else(|| self.symbol(name))
    }

    /// The scopes capturing this scope's cell `name`. Empty if nothing captures it.
    pub fn captured_by(&self, name: &str) -> &[ScopeId] {
        self.cell(name).map_or(&[], |s| &s.captured_by)
    }

    /// Whether this is a function-like scope whose calls create a frame of its own (not the
    /// module, a class body, or a 3.12+ inlined comprehension).
    pub fn has_own_frame(&self) -> bool {
        !matches!(self.kind, ScopeKind::Module | ScopeKind::Class) && !self.inlined
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
    /// The scope the occurrence is written in.
    pub scope: ScopeId,
    pub kind: OccurrenceKind,
    /// The variable it names: the symbol of the scope whose namespace (locals, cell, class
    /// dict, module globals) holds it. Globals and builtins are the module's.
    pub symbol: SymbolId,
}

impl Occurrence {
    /// The scope whose namespace holds the variable.
    pub fn resolves_to(&self) -> ScopeId {
        self.symbol.scope
    }

    /// Whether it binds the name (a write or a parameter).
    pub fn is_binding(&self) -> bool {
        matches!(self.kind, OccurrenceKind::Write | OccurrenceKind::Param)
    }
}

/// A SyntaxError CPython's symbol table pass raises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosureError {
    /// Which error, with the names it mentions.
    pub kind: ErrorKind,
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

impl ClosureError {
    /// CPython's exact message.
    pub fn message(&self) -> String {
        self.kind.message()
    }
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
    /// Where the tree has syntax errors (ERROR and MISSING nodes the analysis could not read
    /// past), in source order; the analysis covers the parts that parsed intact.
    pub parse_errors: Vec<TextRange>,
    /// Set when some code nests too deep to be analysed; that code is left out.
    pub too_deep: Option<TooDeep>,
    /// Whether the module runs a `from … import *`, binding globals no statement names.
    pub has_star_import: bool,
    /// How the code runs, as far as the closure-bug diagnostics need it.
    pub facts: Facts,
    /// Where each variable occurs, built on first use.
    pub by_variable: VariableIndex,
}

/// The positions in [`Analysis::occurrences`] of each module variable's occurrences, in source
/// order: a cache derived from the occurrences, built on first use, so asking for a global's
/// occurrences costs their number and not the file's (a function's or class's variables are
/// found in its own range instead, so re-analysing one function never rebuilds it). It never
/// compares unequal, prints nothing, and a clone starts empty (the clone may be edited).
#[derive(Default)]
pub struct VariableIndex(OnceLock<FxHashMap<SymbolId, Positions>>);

/// Where one module variable occurs ([`VariableIndex`]).
#[derive(Default)]
struct Positions {
    all: Vec<u32>,
    /// Its bindings alone: a decorator used on a thousand functions is bound once, and each
    /// decorated function asks for its bindings.
    bindings: Vec<u32>,
}

impl VariableIndex {
    fn get(&self, occurrences: &[Occurrence]) -> &FxHashMap<SymbolId, Positions> {
        self.0.get_or_init(|| {
            let mut map: FxHashMap<SymbolId, Positions> = FxHashMap::default();
            for (i, o) in occurrences.iter().enumerate() {
                if o.symbol.scope == ScopeId::MODULE {
                    let positions = map.entry(o.symbol).or_default();
                    positions.all.push(i as u32);
                    if o.is_binding() {
                        positions.bindings.push(i as u32);
                    }
                }
            }
            map
        })
    }
}

impl Clone for VariableIndex {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for VariableIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for VariableIndex {}

impl fmt::Debug for VariableIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VariableIndex")
    }
}

/// What the syntax tree says about how the code runs, for the closure-bug diagnostics: plain
/// data with byte ranges, read off the tree once per analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Closures created inside a loop of the frame that creates them.
    pub loop_closures: Vec<LoopClosure>,
    /// Reads of a frame's own local that can run before the local is assigned.
    pub unassigned_reads: Vec<UnassignedRead>,
    /// Reads, in a closure, of a cell that can be empty when the closure runs.
    pub empty_cell_reads: Vec<EmptyCellRead>,
    /// Zero-argument `super()` calls.
    pub super_calls: Vec<SuperCall>,
    /// `global` and `nonlocal` statements.
    pub declarations: Vec<Declaration>,
    /// Where a statement can go first in each function body (after its docstring).
    pub body_starts: Vec<BodyStart>,
    /// What the module's top-level `import` statements bind.
    pub module_imports: Vec<ModuleImport>,
    /// Where a new top-level `import` can go: the start of the module's first statement that is
    /// neither a string (the docstring) nor a `from __future__` import.
    pub module_start: Option<usize>,
    /// Which same-file functions' bodies the facts of which scope were judged by (what a callee
    /// does with a closure it is given), sorted: an edit to a callee's body changes them.
    pub callee_reads: Vec<CalleeRead>,
    /// The module variables called whose bindings the facts of which scope were judged by (what
    /// the same-file function the name is bound to does, if it is bound to one), sorted: facts
    /// found from some of the module's statements (a chunk) are found again once it is whole, if
    /// other statements bind the name.
    pub module_callees: Vec<ModuleCallee>,
}

/// The facts of `reader` depend on what the module binds to `name`, a name it calls.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleCallee {
    pub reader: ScopeId,
    pub name: std::sync::Arc<str>,
}

/// The facts of `reader` (its frame's reads, the loop closure it is) depend on the body of the
/// same-file function `callee`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalleeRead {
    pub reader: ScopeId,
    pub callee: ScopeId,
}

impl Facts {
    /// Maps every scope id by `scope` (a fact about a scope mapped to `None` is dropped) and
    /// every byte offset in the text by `offset` (across one edit or shift), in place.
    pub fn remap(
        &mut self,
        scope: impl Fn(ScopeId) -> Option<ScopeId>,
        offset: impl Fn(usize) -> usize,
    ) {
        let range = |r: &mut TextRange| *r = TextRange::new(offset(r.start), offset(r.end));
        self.loop_closures.retain_mut(|c| {
            let (Some(id), Some(maker)) = (scope(c.scope), scope(c.maker)) else {
                return false;
            };
            c.scope = id;
            c.maker = maker;
            c.move_by(&offset);
            true
        });
        for r in &mut self.unassigned_reads {
            range(&mut r.read);
        }
        for r in &mut self.empty_cell_reads {
            range(&mut r.read);
            range(&mut r.runs_at);
            if let EmptyCell::Deleted(at) | EmptyCell::ExceptTarget(at) = &mut r.why {
                range(at);
            }
        }
        self.super_calls.retain_mut(|c| {
            range(&mut c.range);
            scope(c.frame).map(|id| c.frame = id).is_some()
        });
        for d in &mut self.declarations {
            d.move_by(&offset);
        }
        self.body_starts.retain_mut(|b| {
            b.at = offset(b.at);
            scope(b.scope).map(|id| b.scope = id).is_some()
        });
        for i in &mut self.module_imports {
            range(&mut i.name);
        }
        self.module_start = self.module_start.map(&offset);
        self.callee_reads
            .retain_mut(|c| match (scope(c.reader), scope(c.callee)) {
                (Some(reader), Some(callee)) => {
                    *c = CalleeRead { reader, callee };
                    true
                }
                _ => false,
            });
        self.module_callees
            .retain_mut(|c| scope(c.reader).map(|id| c.reader = id).is_some());
    }

    /// Puts every list in the order a whole-file analysis gives it (by position or by scope).
    pub(crate) fn sort(&mut self) {
        sort_by_key(&mut self.loop_closures, |c| c.scope);
        sort_by_key(&mut self.unassigned_reads, |r| r.read.start);
        sort_by_key(&mut self.empty_cell_reads, |r| r.read.start);
        sort_by_key(&mut self.super_calls, |c| c.range.start);
        sort_by_key(&mut self.declarations, |d| d.statement.start);
        sort_by_key(&mut self.body_starts, |b| b.scope);
        self.callee_reads.sort_unstable();
        self.callee_reads.dedup();
        self.module_callees.sort_unstable();
        self.module_callees.dedup();
    }
}

/// Sorts `list` stably by `key`, as `slice::sort_by_key` does, but cheaply in the common case
/// after a body was analysed again: a sorted run followed by the facts found again, which all
/// fall in one gap of the run (they are put there, the run moved over by one block copy).
fn sort_by_key<T, K: Ord>(list: &mut [T], key: impl Fn(&T) -> K) {
    let Some(run) = list.windows(2).position(|w| key(&w[0]) > key(&w[1])) else {
        return;
    };
    let (head, tail) = list.split_at_mut(run + 1);
    tail.sort_by_key(&key);
    let (first, last) = (key(&tail[0]), key(&tail[tail.len() - 1]));
    // After the run's items that a stable sort keeps before the first appended one; every item
    // of the run after that must come after the last appended one.
    let gap = head.partition_point(|x| key(x) <= first);
    if head[gap..].first().is_none_or(|x| key(x) > last) {
        let appended = tail.len();
        list[gap..].rotate_right(appended);
    } else {
        list.sort_by_key(key);
    }
}

/// A name bound by a top-level `import` statement: `functools` by `import functools`,
/// `partial` by `from functools import partial`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleImport {
    /// The identifier bound.
    pub name: TextRange,
    /// What it is bound to, dotted: `functools`, `functools.partial` (`.mod.x` for relative
    /// imports).
    pub path: String,
}

/// A closure (lambda, def, class, generator expression) created inside loops.
///
/// Its byte offsets (loops, where it is kept, its defaults slot, the uses of its name) are
/// counted from the first of them, `span.start`, the only one kept in the text's terms: an edit
/// before or after them all moves `span` alone, not every offset behind the fact's pointers.
/// [`LoopClosure::in_text`] gives them in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopClosure {
    pub scope: ScopeId,
    /// The frame that makes it (the scope whose code runs the loops).
    pub maker: ScopeId,
    /// Its name is a module variable (`global f` before `def f` in the loop): its uses may be
    /// anywhere in the module.
    pub bound_to_global: bool,
    /// The loops around its creation, innermost first, up to the frame creating it.
    pub loops: Vec<Loop>,
    /// What happens to the closure after it is made.
    pub escape: Escape,
    /// Where a per-iteration default (`name=name`) can be added to its parameters.
    pub defaults: Option<DefaultSlot>,
    /// For a `def` whose name is only used in the iteration that made it, after the `def` in
    /// its block (so the loop's values there are those the function was made with): every use,
    /// and how each can pass those values as arguments. `None` when some use cannot.
    pub name_uses: Option<Vec<NameUse>>,
    /// From the first offset of the fact to the last, in the text.
    pub span: TextRange,
}

impl LoopClosure {
    /// Counts the fact's offsets, given in the text, from the first of them (see the type).
    pub fn anchor(&mut self) {
        let (mut first, mut last) = (usize::MAX, 0);
        self.each_offset(&mut |at| {
            first = first.min(*at);
            last = last.max(*at);
        });
        let first = first.min(last);
        self.span = TextRange::new(first, last);
        self.each_offset(&mut |at| *at -= first);
    }

    /// Moves the fact by `offset`, which maps the text's offsets across one edit or shift
    /// (keeping their order): when it moves the first and last alike, it moves them all alike,
    /// and only `span` changes.
    pub fn move_by(&mut self, offset: impl Fn(usize) -> usize) {
        let span = TextRange::new(offset(self.span.start), offset(self.span.end));
        if span.end - span.start != self.span.end - self.span.start {
            // The change lies inside the fact: each offset moves on its own.
            let base = self.span.start;
            self.each_offset(&mut |at| *at = offset(base + *at) - span.start);
        }
        self.span = span;
    }

    /// Visits every byte offset of the fact.
    fn each_offset(&mut self, f: &mut dyn FnMut(&mut usize)) {
        fn range(r: &mut TextRange, f: &mut dyn FnMut(&mut usize)) {
            f(&mut r.start);
            f(&mut r.end);
        }
        for l in &mut self.loops {
            range(&mut l.header, f);
            for r in &mut l.per_iteration {
                range(r, f);
            }
        }
        if let Escape::Kept { at, .. } = &mut self.escape {
            range(at, f);
        }
        if let Some(d) = &mut self.defaults {
            f(&mut d.at);
        }
        for u in self.name_uses.iter_mut().flatten() {
            range(&mut u.range, f);
            if let PassAt::Call { callee, at, .. } = &mut u.how {
                if let Some(callee) = callee {
                    range(callee, f);
                }
                f(at);
            }
        }
    }

    /// The fact with its offsets in the text.
    pub fn in_text(&self) -> LoopClosure {
        let mut placed = self.clone();
        placed.each_offset(&mut |at| *at += self.span.start);
        placed
    }
}

/// A use of a nested `def`'s name where the loop's values can be passed to the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameUse {
    /// The name.
    pub range: TextRange,
    pub how: PassAt,
}

/// How a use of a function's name can pass it keyword arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassAt {
    /// Called, `f(…)`, or the first argument of a call to `callee` (which may be
    /// `functools.partial`): keyword arguments go at `at`, after `before` (`, `, ` ` or nothing).
    Call {
        callee: Option<TextRange>,
        at: usize,
        before: String,
    },
    /// Stored as a value to be called later (in a container, a lazy iterator, a callback API),
    /// consumed by an eager callee or returned: the name can be wrapped in a call.
    Value,
}

/// A `for`/`while` loop or a comprehension's `for` clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    /// The loop's header (`for x in xs:`, `while cond:`, a comprehension's `for … in …`).
    pub header: TextRange,
    /// What runs on every iteration (target, condition, body; later clauses of a comprehension).
    pub per_iteration: Vec<TextRange>,
    /// The iteration creating the closure is surely the last: a `break` (of this loop), `return`
    /// or `raise` follows it on every path.
    pub ends_after: bool,
}

/// What becomes of a closure made in a loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Escape {
    /// It outlives the iteration: stored, yielded, passed on, registered, kept in a lazy iterator.
    Kept { how: Kept, at: TextRange },
    /// It is called or consumed before the iteration ends, or dropped.
    Contained,
    /// No static analysis can tell (a callee that is a parameter, a lazy iterator consumed by a
    /// loop that may call each item at once, …).
    Undecided,
}

/// How a closure outlives the iteration that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kept {
    /// Stored in a container, an attribute, a subscript or an outer name.
    Stored,
    /// Passed to a callee not known to call it at once (named as written).
    Passed(String),
    /// Applied a decorator that may keep it (named as written).
    Registered(String),
    /// Yielded while the loop can go on.
    Yielded,
    /// Collected by a comprehension that outlives its iterations.
    Collected,
    /// Wrapped in a lazy iterator (`map`, `filter`, a generator, …) that is kept.
    LazyIterator,
    /// Called to make a coroutine or generator object that is kept.
    Suspended,
}

/// Where to add keyword defaults to a closure's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultSlot {
    /// The byte to insert at.
    pub at: usize,
    /// Text before the new parameters (`, `, `, *, ` or `*, `), and after them (`, ` before a
    /// `**kwargs`).
    pub before: String,
    pub after: String,
    /// A `def` (keyword-only defaults, so callers cannot pass them positionally).
    pub is_def: bool,
}

/// A read that can run while its frame's local is unassigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnassignedRead {
    pub read: TextRange,
    /// No assignment can run before it, on any path.
    pub always: bool,
    /// It is a `del` (which raises like a read).
    pub delete: bool,
}

/// A closure's read of a cell that can be empty when the closure runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmptyCellRead {
    pub read: TextRange,
    /// Where the closure can run while the cell is empty: a call, or where it leaves its frame.
    pub runs_at: TextRange,
    pub why: EmptyCell,
    /// Empty on every path there (not merely on some).
    pub certain: bool,
    /// The read itself sits under a condition inside the closure (an `if`, a `try`, …): with a
    /// cell assigned on some paths only, the two conditions may well agree.
    pub conditional: bool,
}

/// Why a cell can be empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmptyCell {
    /// The owner `del`s the variable (at this range).
    Deleted(TextRange),
    /// The variable is an `except … as` target, deleted when the handler ends.
    ExceptTarget(TextRange),
    /// No assignment has run yet (or only on some paths).
    NotAssigned,
}

/// A zero-argument `super()` call and what CPython looks at to run it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuperCall {
    /// The `super` name.
    pub range: TextRange,
    /// The frame that runs it (a 3.12+ inlined comprehension runs in its function's).
    pub frame: ScopeId,
    /// Its frame's positional parameters (`co_argcount`): `super()` takes the first as the
    /// instance; 0 for a module or class body.
    pub positional: u32,
    /// For a function nested in another: the first argument (as written) of each call of it
    /// there, when calls are all that is done with it.
    pub called_with: Option<Vec<String>>,
}

/// A `global` or `nonlocal` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// The whole statement.
    pub statement: TextRange,
    /// Each declared name, counted from the statement's start: moving the statement after an
    /// edit elsewhere leaves them as they are (a module's thousands of declarations are moved
    /// after every edit; their lists of names lie apart in memory).
    names: Vec<TextRange>,
    /// Whether it is the only statement of its block (without it the block would be empty).
    pub alone: bool,
}

impl Declaration {
    /// The statement at `statement`, declaring the name at `name` first.
    pub fn new(statement: TextRange, name: TextRange, alone: bool) -> Declaration {
        let mut declaration = Declaration {
            statement,
            names: Vec::new(),
            alone,
        };
        declaration.push_name(name);
        declaration
    }

    /// Adds the name at `name` (in the text, inside the statement) after the others.
    pub fn push_name(&mut self, name: TextRange) {
        let from = |at: usize| at - self.statement.start;
        self.names
            .push(TextRange::new(from(name.start), from(name.end)));
    }

    /// Each declared name, in order, in the text.
    pub fn names(&self) -> impl ExactSizeIterator<Item = TextRange> + Clone + '_ {
        let start = self.statement.start;
        self.names
            .iter()
            .map(move |n| TextRange::new(start + n.start, start + n.end))
    }

    /// Moves the statement by `offset`, which maps the text's offsets across one edit (keeping
    /// their order): the names move with it, unless the edit lies inside it.
    pub fn move_by(&mut self, offset: impl Fn(usize) -> usize) {
        let moved = TextRange::new(offset(self.statement.start), offset(self.statement.end));
        if moved.end - moved.start != self.statement.end - self.statement.start {
            let base = self.statement.start;
            for n in &mut self.names {
                *n = TextRange::new(
                    offset(base + n.start) - moved.start,
                    offset(base + n.end) - moved.start,
                );
            }
        }
        self.statement = moved;
    }
}

/// Where a new first statement of a function body goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyStart {
    pub scope: ScopeId,
    /// The byte of the first statement after the docstring (or of the docstring's line end).
    pub at: usize,
    /// The body's indentation.
    pub indent: String,
    /// The body shares the header's line (`def f(): return x`).
    pub inline: bool,
}

impl Analysis {
    /// Whether the tree had syntax errors (see [`Analysis::parse_errors`]).
    pub fn has_syntax_errors(&self) -> bool {
        !self.parse_errors.is_empty()
    }

    /// The name `o` spells, as CPython stores it (normalised and mangled): its variable's.
    pub fn name_of(&self, o: &Occurrence) -> &Arc<str> {
        &self.symbol(o.symbol).name
    }

    /// The scope with id `id`.
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }

    /// The scopes whose range meets `range` (ends included), in id order. A scope's range holds
    /// its children's, so the search skips each scope outside `range` with all it holds.
    pub fn scopes_meeting(&self, range: TextRange) -> Vec<ScopeId> {
        let meets = |id: &ScopeId| {
            let r = self.scope(*id).range;
            r.start <= range.end && range.start <= r.end
        };
        let mut found = Vec::new();
        let mut next: Vec<ScopeId> = Some(ScopeId::MODULE).filter(meets).into_iter().collect();
        while let Some(id) = next.pop() {
            found.push(id);
            next.extend(self.scope(id).children.iter().copied().filter(meets));
        }
        found.sort_unstable();
        found
    }

    /// The symbol with id `id`.
    pub fn symbol(&self, id: SymbolId) -> &Symbol {
        &self.scope(id.scope).symbols[id.symbol.0 as usize]
    }

    /// The symbols of `scope` with their ids (symbol table, class cells, implied globals).
    pub fn symbols(&self, scope: ScopeId) -> impl Iterator<Item = (SymbolId, &Symbol)> {
        self.scope(scope)
            .symbols
            .iter()
            .enumerate()
            .map(move |(i, s)| (SymbolId::new(scope, i), s))
    }

    /// The id of `scope`'s symbol-table entry `name`.
    pub fn symbol_id(&self, scope: ScopeId, name: &str) -> Option<SymbolId> {
        self.symbols(scope)
            .find(|(_, s)| s.origin == SymbolOrigin::Symtable && &*s.name == name)
            .map(|(id, _)| id)
    }

    /// The scopes enclosing `scope`, innermost first (without `scope` itself).
    pub fn ancestors(&self, scope: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(self.scope(scope).parent, |&p| self.scope(p).parent)
    }

    /// The ids of the scope `first` and of every scope nested in it (pre-order keeps them
    /// together).
    pub fn subtree(&self, first: ScopeId) -> std::ops::Range<u32> {
        let mut end = first.0 + 1;
        while self
            .scopes
            .get(end as usize)
            .and_then(|s| s.parent)
            .is_some_and(|p| p.0 >= first.0 && p.0 < end)
        {
            end += 1;
        }
        first.0..end
    }

    /// The scope whose frame runs `scope`'s code: itself, or for a 3.12+ inlined comprehension
    /// the nearest enclosing scope that is not inlined.
    pub fn frame_of(&self, scope: ScopeId) -> ScopeId {
        std::iter::once(scope)
            .chain(self.ancestors(scope))
            .find(|&s| !self.scope(s).inlined)
            .unwrap_or(ScopeId::MODULE)
    }

    /// The innermost function-like scope enclosing `scope` that has a frame of its own (whose
    /// calls create the cells of closures defined in `scope`).
    pub fn enclosing_function(&self, scope: ScopeId) -> Option<ScopeId> {
        self.ancestors(scope)
            .find(|&s| self.scope(s).has_own_frame())
    }

    /// The scope whose namespace the name of the `def` or class `scope` is bound in: its
    /// parent, past the scope of its type parameters when it is generic (3.12+).
    pub fn defining_scope(&self, scope: ScopeId) -> Option<ScopeId> {
        let parent = self.scope(scope).parent?;
        match self.scope(parent).kind {
            ScopeKind::TypeParams => self.scope(parent).parent,
            _ => Some(parent),
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

    /// The occurrences whose start lies in `range` (a slice of the sorted list).
    pub fn occurrences_in(&self, range: TextRange) -> &[Occurrence] {
        let occ = &self.occurrences;
        let lo = occ.partition_point(|o| o.range.start < range.start);
        let hi = occ.partition_point(|o| o.range.start <= range.end);
        &occ[lo..hi.max(lo)]
    }

    /// Every occurrence of the variable `variable`, in source order.
    pub fn occurrences_of(&self, variable: SymbolId) -> impl Iterator<Item = &Occurrence> {
        self.indexed_occurrences(variable, false)
    }

    /// The bindings (writes and parameters) of the variable `variable`, in source order.
    pub fn bindings_of(&self, variable: SymbolId) -> impl Iterator<Item = &Occurrence> {
        self.indexed_occurrences(variable, true)
    }

    /// The occurrences of `variable`, or its bindings alone: a module variable's from the
    /// index, a function's or class's from its own range (it occurs only inside it).
    fn indexed_occurrences(
        &self,
        variable: SymbolId,
        bindings: bool,
    ) -> impl Iterator<Item = &Occurrence> {
        let (positions, owner) = if variable.scope == ScopeId::MODULE {
            let index = self.by_variable.get(&self.occurrences);
            let positions = index.get(&variable);
            (
                positions.map(|p| if bindings { &p.bindings } else { &p.all }),
                &[][..],
            )
        } else {
            let range = self.scope(variable.scope).range;
            (None, self.occurrences_in(range))
        };
        let indexed = positions
            .into_iter()
            .flatten()
            .map(|&i| &self.occurrences[i as usize]);
        let owned = owner
            .iter()
            .filter(move |o| o.symbol == variable && (!bindings || o.is_binding()));
        indexed.chain(owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{self, PythonVersion};
    use crate::syntax;

    /// The facts' sort gives what a stable sort gives: for sorted runs followed by items
    /// appended in any order, falling in one gap of the run, in several, or among equal keys.
    #[test]
    fn facts_sort_as_a_stable_sort_does() {
        let mut seed = 0x9e37_79b9_u64;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for case in 0..2_000 {
            let spread = 1 + next(40);
            let mut run: Vec<(u64, usize)> = (0..next(30)).map(|_| (next(spread), 0)).collect();
            run.sort();
            let (low, width) = (next(spread), 1 + next(spread / 4 + 1));
            let appended = (0..next(6)).map(|_| (low + next(width), 0));
            let mut list: Vec<(u64, usize)> = run.into_iter().chain(appended).collect();
            // Each item's place before sorting tells a stable sort's result from another.
            list.iter_mut().enumerate().for_each(|(i, item)| item.1 = i);
            let mut expected = list.clone();
            expected.sort_by_key(|item| item.0);
            sort_by_key(&mut list, |item| item.0);
            assert_eq!(list, expected, "case {case}");
        }
    }

    /// A loop closure kept relative to its first offset moves as its offsets in the text do:
    /// by `span` alone when an edit lies before or after them all, one by one when it lies
    /// among them.
    #[test]
    fn loop_closures_move_as_their_offsets_do() {
        let range = |start, end| TextRange::new(start, end);
        let in_text = LoopClosure {
            scope: ScopeId(2),
            maker: ScopeId(1),
            bound_to_global: false,
            loops: vec![Loop {
                header: range(10, 30),
                per_iteration: vec![range(12, 13), range(32, 60)],
                ends_after: false,
            }],
            escape: Escape::Kept {
                how: Kept::Stored,
                at: range(4, 9),
            },
            defaults: Some(DefaultSlot {
                at: 40,
                before: String::new(),
                after: String::new(),
                is_def: true,
            }),
            name_uses: Some(vec![NameUse {
                range: range(50, 51),
                how: PassAt::Call {
                    callee: Some(range(45, 49)),
                    at: 52,
                    before: String::new(),
                },
            }]),
            span: TextRange::default(),
        };
        let mut kept = in_text.clone();
        kept.anchor();
        assert_eq!(kept.span, range(4, 60));
        assert_eq!(
            kept.in_text(),
            LoopClosure {
                span: kept.span,
                ..in_text.clone()
            }
        );
        // An edit inserting 3 bytes at `at` (or deleting 3 after it), as `Edit::shift` moves
        // offsets: those from the old end on move, the others stay.
        for at in [0, 4, 20, 45, 59, 60, 61] {
            for grew in [3i64, -3] {
                let old_end = if grew > 0 { at } else { at + 3 };
                let shift = |o: usize| {
                    if o >= old_end {
                        (o as i64 + grew) as usize
                    } else {
                        o
                    }
                };
                let mut moved = kept.clone();
                moved.move_by(shift);
                let mut expected = in_text.clone();
                expected.each_offset(&mut |o| *o = shift(*o));
                expected.anchor();
                assert_eq!(moved, expected, "edit at {at} by {grew}");
            }
        }
    }

    /// Three stdlib files of different kinds, by name, and their texts.
    fn stdlib_samples() -> Vec<(&'static str, String)> {
        let stdlib = analysis::incremental::tests::stdlib().expect("python3's standard library");
        ["functools.py", "dataclasses.py", "test/test_typing.py"]
            .into_iter()
            .map(|name| {
                (
                    name,
                    std::fs::read_to_string(stdlib.join(name)).expect(name),
                )
            })
            .collect()
    }

    /// `occurrences_of` and `bindings_of` find what a scan of every occurrence finds, for every
    /// variable of stdlib files (the module's from the index, the others from their scope).
    #[test]
    fn occurrences_and_bindings_of_find_what_a_scan_finds() {
        for (name, text) in stdlib_samples() {
            let tree = syntax::parse(&text);
            for version in [PythonVersion::Py311, PythonVersion::Py314] {
                let a = analysis::analyze(&text, &tree, version);
                let mut scanned: FxHashMap<SymbolId, Vec<&Occurrence>> = FxHashMap::default();
                for o in &a.occurrences {
                    scanned.entry(o.symbol).or_default().push(o);
                }
                assert!(scanned.keys().any(|v| v.scope == ScopeId::MODULE));
                assert!(scanned.keys().any(|v| v.scope != ScopeId::MODULE));
                for (&variable, all) in &scanned {
                    let found: Vec<&Occurrence> = a.occurrences_of(variable).collect();
                    assert_eq!(&found, all, "{name} {version} {variable:?}");
                    let bindings: Vec<&Occurrence> =
                        all.iter().copied().filter(|o| o.is_binding()).collect();
                    let found: Vec<&Occurrence> = a.bindings_of(variable).collect();
                    assert_eq!(found, bindings, "{name} {version} {variable:?}");
                }
            }
        }
    }

    /// `scopes_meeting` finds what a scan of every scope finds, on stdlib files in every version,
    /// for ranges of every size.
    #[test]
    fn scopes_meeting_finds_what_a_scan_finds() {
        for (name, text) in stdlib_samples() {
            let tree = syntax::parse(&text);
            for version in PythonVersion::ALL {
                let a = analysis::analyze(&text, &tree, version);
                for len in [0, 1, 80, 3_000, 40_000] {
                    for start in (0..text.len()).step_by(text.len() / 60) {
                        let range = TextRange::new(start, (start + len).min(text.len()));
                        let scanned: Vec<ScopeId> = (0..a.scopes.len() as u32)
                            .map(ScopeId)
                            .filter(|&id| {
                                let r = a.scope(id).range;
                                r.start <= range.end && range.start <= r.end
                            })
                            .collect();
                        assert_eq!(
                            a.scopes_meeting(range),
                            scanned,
                            "{name} {version} {range:?}"
                        );
                    }
                }
            }
        }
    }
}
