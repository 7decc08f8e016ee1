//! Turns the analysed symbol table into the plain-data [`Analysis`]: scopes in pre-order, symbols
//! with their capture links, and every occurrence resolved to the namespace it refers to.

use std::sync::Arc;

use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;

use super::blocks::{BlockId, BlockType, NameId, SymbolTable, WellKnown, def};
use super::code::{self, CodeFacts};
use super::collect::RawOccurrence;
use super::model::{
    Analysis, ClosureError, CodeCells, Facts, Occurrence, PythonVersion, Resolution, Scope,
    ScopeDetails, ScopeId, ScopeKind, Symbol, SymbolFlags, SymbolId, SymbolOrigin, TextRange,
    TooDeep, is_class_cell,
};

pub(crate) struct Inputs<'a> {
    pub version: PythonVersion,
    pub table: &'a SymbolTable,
    pub wk: &'a WellKnown,
    pub occurrences: &'a [RawOccurrence],
    pub errors: Vec<ClosureError>,
    pub parse_errors: Vec<TextRange>,
    pub too_deep: Option<TooDeep>,
    pub has_star_import: bool,
}

pub(crate) fn build(inputs: Inputs<'_>) -> Analysis {
    let Inputs {
        version,
        table,
        wk,
        occurrences,
        errors,
        parse_errors,
        too_deep,
        has_star_import,
    } = inputs;
    let preorder = preorder(table);
    let mut scope_of: Vec<Option<ScopeId>> = vec![None; table.blocks.len()];
    for (index, &id) in preorder.iter().enumerate() {
        scope_of[id] = Some(ScopeId(index as u32));
    }
    let facts = CodeFacts::new(table, version, &preorder);
    let links = Links { table, wk, version };
    // One allocation per distinct name, shared by every symbol spelling it.
    let mut shared_names: Vec<Option<Arc<str>>> = vec![None; table.names.len()];
    let mut shared = |id: NameId| -> Arc<str> {
        Arc::clone(shared_names[id as usize].get_or_insert_with(|| Arc::from(table.names.name(id))))
    };
    let mut variables = Variables {
        links: &links,
        scope_of: &scope_of,
        implied: IndexMap::default(),
    };

    let mut scopes: Vec<Scope> = preorder
        .iter()
        .map(|&id| {
            let block = &table.blocks[id];
            let scope = scope_of[id].unwrap_or(ScopeId::MODULE);
            let code = facts.has_code[id].then(|| CodeCells {
                freevars: code::freevars(table, wk, id),
                cellvars: code::cellvars(table, wk, &facts, id),
            });
            let mut symbols: Vec<Symbol> = block
                .symbols
                .iter()
                .map(|(&name, sym)| {
                    let flags = SymbolFlags::from_bits_retain(sym.flags);
                    let in_closure =
                        sym.scope == Resolution::Free || flags.contains(SymbolFlags::FREE_CLASS);
                    Symbol {
                        name: shared(name),
                        flags,
                        resolution: sym.scope,
                        origin: SymbolOrigin::Symtable,
                        variable: variables.of(id, name),
                        captures_from: in_closure
                            .then(|| links.cell_owner(id, name).and_then(|o| scope_of[o]))
                            .flatten(),
                        captured_by: Vec::new(),
                    }
                })
                .collect();
            for name in implicit_class_cells(table, wk, id) {
                symbols.push(Symbol {
                    name: shared(name),
                    flags: SymbolFlags::empty(),
                    resolution: Resolution::Cell,
                    origin: SymbolOrigin::ClassCell,
                    variable: SymbolId::new(scope, symbols.len()),
                    captures_from: None,
                    captured_by: Vec::new(),
                });
            }
            Scope {
                kind: block.kind(),
                parent: block.parent.and_then(|p| scope_of[p]),
                line: block.line,
                code_line: block.code_line,
                range: block.range,
                focus_range: block.focus,
                header_end: block.header_end.unwrap_or(block.focus.end),
                inlined: block.comp_inlined,
                is_generator: block.generator || block.comprehension == Some(ScopeKind::GenExpr),
                is_coroutine: block.coroutine,
                details: Box::new(ScopeDetails {
                    children: block.children.iter().filter_map(|&c| scope_of[c]).collect(),
                    name: block.name.clone(),
                    qualname: facts.qualname[id].clone(),
                    params: block
                        .varnames
                        .iter()
                        .map(|&n| table.names.name(n))
                        .filter(|n| !n.starts_with('.'))
                        .map(str::to_owned)
                        .collect(),
                    symbols,
                    code,
                    passes_up: match block.parent {
                        Some(_) => block.passes_up.iter().map(|&n| shared(n)).collect(),
                        None => Vec::new(),
                    },
                }),
            }
        })
        .collect();

    // captured_by: every scope (but inlined comprehensions) lists itself under the cell it reads.
    for (index, &id) in preorder.iter().enumerate() {
        if table.blocks[id].comp_inlined {
            continue;
        }
        for (&name, sym) in &table.blocks[id].symbols {
            let in_closure = sym.scope == Resolution::Free || sym.flags & def::FREE_CLASS != 0;
            let owner = links.cell_owner(id, name).filter(|_| in_closure);
            if let Some(cell) = owner.and_then(|o| links.cell_index(o, name)) {
                let owner = scope_of[owner.unwrap_or_default()].unwrap_or(ScopeId::MODULE);
                scopes[owner.index()].symbols[cell]
                    .captured_by
                    .push(ScopeId(index as u32));
            }
        }
    }

    let mut occurrences: Vec<Occurrence> = occurrences
        .iter()
        .filter_map(|o| {
            let scope = scope_of[o.block]?;
            Some(Occurrence {
                range: o.range,
                scope,
                kind: o.kind,
                symbol: variables.of(o.block, o.name),
            })
        })
        .collect();
    occurrences.sort_by_key(|o| (o.range.start, o.range.end));

    // Globals the module's own symbol table does not mention, so every occurrence has a variable.
    let module = &mut scopes[0].symbols;
    for (name, index) in variables.implied {
        debug_assert_eq!(index, module.len());
        module.push(Symbol {
            name: shared(name),
            flags: SymbolFlags::empty(),
            resolution: Resolution::GlobalImplicit,
            origin: SymbolOrigin::Implied,
            variable: SymbolId::new(ScopeId::MODULE, index),
            captures_from: None,
            captured_by: Vec::new(),
        });
    }

    Analysis {
        version,
        scopes,
        occurrences,
        errors,
        parse_errors,
        too_deep,
        has_star_import,
        facts: Facts::default(),
        by_variable: Default::default(),
    }
}

/// Finds the variable each name refers to, adding the module's implied globals as it goes.
struct Variables<'a> {
    links: &'a Links<'a>,
    scope_of: &'a [Option<ScopeId>],
    /// Implied module globals and the index each gets after the module's own symbols.
    implied: IndexMap<NameId, usize, FxBuildHasher>,
}

impl Variables<'_> {
    /// The variable that `name` in `block` refers to.
    fn of(&mut self, block: BlockId, name: NameId) -> SymbolId {
        let owner = self.links.namespace_of(block, name);
        if let (Some(scope), Some(index)) =
            (self.scope_of[owner], self.links.cell_index(owner, name))
        {
            return SymbolId::new(scope, index);
        }
        let module = &self.links.table.blocks[0];
        let index = match module.symbols.get_index_of(&name) {
            Some(index) => index,
            None => {
                let next = module.symbols.len() + self.implied.len();
                *self.implied.entry(name).or_insert(next)
            }
        };
        SymbolId::new(ScopeId::MODULE, index)
    }
}

/// Blocks reachable from the module, in pre-order (each listed once).
fn preorder(table: &SymbolTable) -> Vec<BlockId> {
    let mut order = Vec::with_capacity(table.blocks.len());
    let mut seen = vec![false; table.blocks.len()];
    let mut stack = vec![0];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        order.push(id);
        stack.extend(table.blocks[id].children.iter().rev().copied());
    }
    order
}

/// The cells the compiler adds to a class code object that its symbol table does not list, in
/// the order [`Links::cell_index`] counts them.
fn implicit_class_cells(table: &SymbolTable, wk: &WellKnown, id: BlockId) -> Vec<NameId> {
    let block = &table.blocks[id];
    if block.ty != BlockType::Class {
        return Vec::new();
    }
    [
        (block.needs_class_closure, wk.class),
        (block.needs_classdict, wk.classdict),
        (
            block.has_conditional_annotations,
            wk.conditional_annotations,
        ),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .map(|(_, name)| name)
    .collect()
}

/// Walks from a block to the blocks owning the variables it names.
struct Links<'a> {
    table: &'a SymbolTable,
    wk: &'a WellKnown,
    version: PythonVersion,
}

impl Links<'_> {
    /// The index in `block`'s symbols (as [`build`] lays them out) of its entry `name`, preferring
    /// an implicit class cell (a class may also bind `__class__` itself).
    fn cell_index(&self, block: BlockId, name: NameId) -> Option<usize> {
        let b = &self.table.blocks[block];
        if b.ty == BlockType::Class && self.is_class_cell(name) {
            let cells = implicit_class_cells(self.table, self.wk, block);
            if let Some(i) = cells.iter().position(|&c| c == name) {
                return Some(b.symbols.len() + i);
            }
        }
        b.symbols.get_index_of(&name)
    }

    /// Whether `name` is a cell the compiler gives a class ([`is_class_cell`]).
    fn is_class_cell(&self, name: NameId) -> bool {
        is_class_cell(self.version, self.table.names.name(name))
    }

    /// The nearest enclosing block in CPython's symbol table (inlined comprehensions are spliced
    /// out of it) that owns the cell a free name of `block` reads.
    fn cell_owner(&self, block: BlockId, name: NameId) -> Option<BlockId> {
        let mut current = self.table.blocks[block].parent;
        while let Some(id) = current {
            let b = &self.table.blocks[id];
            current = b.parent;
            if b.comp_inlined {
                continue;
            }
            let sym = b.symbols.get(&name);
            // A parameter named `__class__` is an ordinary cell too.
            if sym.is_some_and(|s| s.scope == Resolution::Cell || s.flags & def::COMP_CELL != 0) {
                return Some(id);
            }
            if self.is_class_cell(name) {
                let module_owns =
                    name == self.wk.conditional_annotations && b.ty == BlockType::Module;
                if b.ty == BlockType::Class || module_owns {
                    return Some(id);
                }
            }
            // A block of functions binding the name is where it resolves: an inlined
            // comprehension (3.12+) reads its parent's local there, which no cell holds.
            if sym.is_some_and(|s| s.scope == Resolution::Local) && b.ty != BlockType::Class {
                return None;
            }
        }
        None
    }

    /// The block whose namespace an occurrence of `name` in `block` refers to (what a reader
    /// means by "the same variable"): inlined comprehensions keep their own iteration variables.
    fn namespace_of(&self, block: BlockId, name: NameId) -> BlockId {
        let b = &self.table.blocks[block];
        let Some(sym) = b.symbols.get(&name) else {
            return 0;
        };
        match sym.scope {
            Resolution::Local | Resolution::Cell => block,
            Resolution::GlobalExplicit | Resolution::GlobalImplicit => 0,
            Resolution::Free => {
                let mut current = b.parent;
                while let Some(id) = current {
                    let p = &self.table.blocks[id];
                    // `__class__` & co. are the class's implicit cell, unless a function in
                    // between binds the name itself (a parameter named `__class__`).
                    if self.is_class_cell(name) && p.ty == BlockType::Class {
                        return id;
                    }
                    if p.ty != BlockType::Class || p.comp_inlined {
                        if let Some(s) = p.symbols.get(&name) {
                            if matches!(s.scope, Resolution::Local | Resolution::Cell) {
                                return id;
                            }
                        }
                    }
                    current = p.parent;
                }
                0
            }
        }
    }
}
