//! The raw symbol table: CPython's `PySTEntryObject`s as plain structs in an arena.
//!
//! Pass 1 ([`super::collect`]) fills the flags; pass 2 ([`super::resolve`]) adds the scopes.

use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::model::{Resolution, ScopeKind, SymbolFlags, TextRange};

/// An interned identifier.
pub(crate) type NameId = u32;

/// Index of a block in [`SymbolTable::blocks`].
pub(crate) type BlockId = usize;

/// Identifiers stored once; blocks and occurrences refer to them by [`NameId`].
#[derive(Default)]
pub(crate) struct Interner {
    map: FxHashMap<Box<str>, NameId>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, name: &str) -> NameId {
        if let Some(&id) = self.map.get(name) {
            return id;
        }
        let id = self.names.len() as NameId;
        self.names.push(name.into());
        self.map.insert(name.into(), id);
        id
    }

    pub fn get(&self, name: &str) -> Option<NameId> {
        self.map.get(name).copied()
    }

    pub fn name(&self, id: NameId) -> &str {
        &self.names[id as usize]
    }

    /// How many distinct names are interned.
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// CPython's `_Py_block_ty`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockType {
    Module,
    Class,
    Function,
    Annotation,
    /// `TypeVarBoundBlock` (3.12) / `TypeVariableBlock` (3.13+).
    TypeVariable,
    TypeAlias,
    TypeParams,
}

/// One name in one block: pass-1 flags and, after pass 2, its scope.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sym {
    pub flags: u32,
    pub scope: Resolution,
}

/// One symbol-table entry.
pub(crate) struct Block {
    pub ty: BlockType,
    /// The comprehension kind, for list/set/dict comprehensions and generator expressions.
    pub comprehension: Option<ScopeKind>,
    pub is_lambda: bool,
    pub name: String,
    /// `ste_lineno`.
    pub line: u32,
    /// `co_firstlineno` of the code object this block compiles to.
    pub code_line: u32,
    pub range: TextRange,
    pub focus: TextRange,
    /// Just after the header's `:` for defs and lambdas; else the end of `focus`.
    pub header_end: Option<usize>,
    pub parent: Option<BlockId>,
    /// `ste_children` as CPython keeps it before inlining splices comprehensions away.
    pub children: Vec<BlockId>,
    pub symbols: IndexMap<NameId, Sym, FxBuildHasher>,
    /// Parameters in order (`ste_varnames`).
    pub varnames: Vec<NameId>,
    /// `global` / `nonlocal` / walrus directives: where each name was declared.
    pub directives: Vec<(NameId, TextRange)>,
    pub can_see_class_scope: bool,
    pub needs_class_closure: bool,
    pub needs_classdict: bool,
    pub has_conditional_annotations: bool,
    /// 3.14: an annotation of the body itself lies in a conditional block (or at module
    /// level), so its `__annotate__` reads `__conditional_annotations__`; unlike
    /// `has_conditional_annotations`, not set by a nested class's.
    pub annotates_conditionally: bool,
    pub in_conditional_block: bool,
    pub comp_iter_target: bool,
    pub comp_iter_expr: u32,
    pub generator: bool,
    pub coroutine: bool,
    /// Index into the builder's mangled-name sets (3.12+ generic classes).
    pub mangled_names: Option<usize>,
    pub annotation_block: Option<BlockId>,
    pub in_unevaluated_annotation: bool,
    pub annotations_used: bool,
    pub comp_inlined: bool,
    /// A `from __future__ import annotations` annotation block: never linked into the tree.
    pub detached: bool,
    /// `__annotate__` of a function body's local annotations (3.14): never compiled.
    pub unevaluated: bool,
    /// Made inside the annotation of a function's local variable before 3.14, which the
    /// compiler skips: never compiled.
    pub uncompiled: bool,
    /// Compiled before this block and those made after it, which the symbol table visits
    /// first: a function's decorators before its defaults, an assignment's value before its
    /// targets, a `for`'s (or a comprehension's inner `for`'s) iterable before its target, a
    /// dict comprehension's key before its value.
    pub compiled_before: Option<BlockId>,
    /// A function whose body a focused run did not visit, its previous analysis being kept
    /// (see [`Collector::run_focused`](super::collect::Collector::run_focused)): the free
    /// variables it gives its parent, which stand for its analysis.
    pub kept_free: Option<Vec<NameId>>,
    /// The names pass 2 found this block gives its parent as free, sorted by name (CPython's
    /// child free set): its free variables and those it passes through, and, 3.12+, a name an
    /// inlined comprehension makes a cell of it that a nested scope reads (the enclosing
    /// function's variable then becomes a cell too, though nothing reads it).
    pub passes_up: Vec<NameId>,
}

impl Block {
    pub fn new(ty: BlockType, name: String, line: u32, range: TextRange) -> Self {
        Block {
            ty,
            comprehension: None,
            is_lambda: false,
            name,
            line,
            code_line: line,
            range,
            focus: TextRange::new(range.start, range.start),
            header_end: None,
            parent: None,
            children: Vec::new(),
            symbols: IndexMap::default(),
            varnames: Vec::new(),
            directives: Vec::new(),
            can_see_class_scope: false,
            needs_class_closure: false,
            needs_classdict: false,
            has_conditional_annotations: false,
            annotates_conditionally: false,
            in_conditional_block: false,
            comp_iter_target: false,
            comp_iter_expr: 0,
            generator: false,
            coroutine: false,
            mangled_names: None,
            annotation_block: None,
            in_unevaluated_annotation: false,
            annotations_used: false,
            comp_inlined: false,
            detached: false,
            uncompiled: false,
            compiled_before: None,
            unevaluated: false,
            kept_free: None,
            passes_up: Vec::new(),
        }
    }

    /// `_PyST_IsFunctionLike` for the given version's rules.
    pub fn is_function_like(&self, annotation_is_function_like: bool) -> bool {
        match self.ty {
            BlockType::Function
            | BlockType::TypeVariable
            | BlockType::TypeAlias
            | BlockType::TypeParams => true,
            BlockType::Annotation => annotation_is_function_like,
            BlockType::Module | BlockType::Class => false,
        }
    }

    pub fn flags(&self, name: NameId) -> u32 {
        self.symbols.get(&name).map_or(0, |s| s.flags)
    }

    /// The kind shown to users and in the `check` output.
    pub fn kind(&self) -> ScopeKind {
        match self.ty {
            BlockType::Module => ScopeKind::Module,
            BlockType::Class => ScopeKind::Class,
            BlockType::Function => match self.comprehension {
                Some(kind) => kind,
                None if self.is_lambda => ScopeKind::Lambda,
                None => ScopeKind::Function,
            },
            BlockType::Annotation => ScopeKind::Annotation,
            BlockType::TypeVariable => ScopeKind::TypeVar,
            BlockType::TypeAlias => ScopeKind::TypeAlias,
            BlockType::TypeParams => ScopeKind::TypeParams,
        }
    }
}

/// All blocks of one source text plus the interned names they use.
pub(crate) struct SymbolTable {
    pub blocks: Vec<Block>,
    pub names: Interner,
}

/// Well-known names, interned up front so hot paths compare integers.
pub(crate) struct WellKnown {
    pub class: NameId,
    pub classdict: NameId,
    pub conditional_annotations: NameId,
    pub super_: NameId,
    pub format: NameId,
    pub dot0: NameId,
    pub type_params: NameId,
    pub generic_base: NameId,
    pub defaults: NameId,
    pub kwdefaults: NameId,
    pub dunder_type_params: NameId,
    pub debug: NameId,
}

impl WellKnown {
    pub fn new(names: &mut Interner) -> Self {
        WellKnown {
            class: names.intern("__class__"),
            classdict: names.intern("__classdict__"),
            conditional_annotations: names.intern("__conditional_annotations__"),
            super_: names.intern("super"),
            format: names.intern(".format"),
            dot0: names.intern(".0"),
            type_params: names.intern(".type_params"),
            generic_base: names.intern(".generic_base"),
            defaults: names.intern(".defaults"),
            kwdefaults: names.intern(".kwdefaults"),
            dunder_type_params: names.intern("__type_params__"),
            debug: names.intern("__debug__"),
        }
    }
}

/// Flag shorthands, named as in CPython.
pub(crate) mod def {
    use super::SymbolFlags;
    pub const GLOBAL: u32 = SymbolFlags::GLOBAL.bits();
    pub const LOCAL: u32 = SymbolFlags::LOCAL.bits();
    pub const PARAM: u32 = SymbolFlags::PARAM.bits();
    pub const NONLOCAL: u32 = SymbolFlags::NONLOCAL.bits();
    pub const USE: u32 = SymbolFlags::USE.bits();
    pub const FREE_CLASS: u32 = SymbolFlags::FREE_CLASS.bits();
    pub const IMPORT: u32 = SymbolFlags::IMPORT.bits();
    pub const ANNOT: u32 = SymbolFlags::ANNOT.bits();
    pub const COMP_ITER: u32 = SymbolFlags::COMP_ITER.bits();
    pub const TYPE_PARAM: u32 = SymbolFlags::TYPE_PARAM.bits();
    pub const COMP_CELL: u32 = SymbolFlags::COMP_CELL.bits();
    pub const BOUND: u32 = SymbolFlags::BOUND.bits();
}
