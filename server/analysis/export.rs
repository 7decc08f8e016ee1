//! Turns the analysed symbol table into the plain-data [`Analysis`]: scopes in pre-order, symbols
//! with their capture links, and every occurrence resolved to the namespace it refers to.

use std::sync::Arc;

use super::blocks::{BlockId, BlockType, NameId, SymbolTable, WellKnown, def};
use super::code::{self, CodeFacts};
use super::collect::RawOccurrence;
use super::model::{
    Analysis, ClosureError, CodeCells, Occurrence, PythonVersion, Resolution, Scope, ScopeId,
    Symbol, SymbolFlags, TooDeep,
};

pub(crate) struct Inputs<'a> {
    pub version: PythonVersion,
    pub table: &'a SymbolTable,
    pub wk: &'a WellKnown,
    pub occurrences: &'a [RawOccurrence],
    pub errors: Vec<ClosureError>,
    pub has_syntax_errors: bool,
    pub too_deep: Option<TooDeep>,
}

pub(crate) fn build(inputs: Inputs<'_>) -> Analysis {
    let Inputs {
        version,
        table,
        wk,
        occurrences,
        errors,
        has_syntax_errors,
        too_deep,
    } = inputs;
    let preorder = preorder(table);
    let mut scope_of: Vec<Option<ScopeId>> = vec![None; table.blocks.len()];
    for (index, &id) in preorder.iter().enumerate() {
        scope_of[id] = Some(ScopeId(index as u32));
    }
    let facts = CodeFacts::new(table, version, &preorder);
    let links = Links { table, wk };
    // One allocation per distinct name, shared by every symbol and occurrence spelling it.
    let mut shared_names: Vec<Option<Arc<str>>> = vec![None; table.names.len()];
    let mut shared = |id: NameId| -> Arc<str> {
        Arc::clone(shared_names[id as usize].get_or_insert_with(|| Arc::from(table.names.name(id))))
    };

    let mut scopes: Vec<Scope> = preorder
        .iter()
        .map(|&id| {
            let block = &table.blocks[id];
            let code = facts.has_code[id].then(|| CodeCells {
                freevars: code::freevars(table, wk, id),
                cellvars: code::cellvars(table, wk, &facts, id),
            });
            Scope {
                kind: block.kind(),
                parent: block.parent.and_then(|p| scope_of[p]),
                children: block.children.iter().filter_map(|&c| scope_of[c]).collect(),
                name: block.name.clone(),
                qualname: facts.qualname[id].clone(),
                line: block.line,
                code_line: block.code_line,
                range: block.range,
                focus_range: block.focus,
                header_end: block.header_end.unwrap_or(block.focus.end),
                params: block
                    .varnames
                    .iter()
                    .map(|&n| table.names.name(n))
                    .filter(|n| !n.starts_with('.'))
                    .map(str::to_owned)
                    .collect(),
                symbols: block
                    .symbols
                    .iter()
                    .map(|(&name, sym)| Symbol {
                        name: shared(name),
                        flags: SymbolFlags(sym.flags),
                        resolution: sym.scope,
                        captures_from: if sym.scope == Resolution::Free
                            || sym.flags & def::FREE_CLASS != 0
                        {
                            links.cell_owner(id, name).and_then(|o| scope_of[o])
                        } else {
                            None
                        },
                        captured_by: Vec::new(),
                    })
                    .collect(),
                class_cells: implicit_class_cells(table, wk, id, &mut shared),
                code,
                inlined: block.comp_inlined,
            }
        })
        .collect();

    // captured_by: every scope (but inlined comprehensions) lists itself under the cell it reads.
    for (index, &id) in preorder.iter().enumerate() {
        if table.blocks[id].comp_inlined {
            continue;
        }
        let captures: Vec<(Arc<str>, ScopeId)> = scopes[index]
            .symbols
            .iter()
            .filter(|s| s.in_closure())
            .filter_map(|s| s.captures_from.map(|owner| (s.name.clone(), owner)))
            .collect();
        for (name, owner) in captures {
            let owner_scope = &mut scopes[owner.index()];
            // The implicit class cells come first: a class may also bind `__class__` itself.
            let cell = owner_scope
                .class_cells
                .iter_mut()
                .chain(owner_scope.symbols.iter_mut())
                .find(|s| s.name == name);
            if let Some(cell) = cell {
                cell.captured_by.push(ScopeId(index as u32));
            }
        }
    }

    let mut occurrences: Vec<Occurrence> = occurrences
        .iter()
        .filter_map(|o| {
            let scope = scope_of[o.block]?;
            let owner = links.namespace_of(o.block, o.name);
            Some(Occurrence {
                range: o.range,
                name: shared(o.name),
                scope,
                kind: o.kind,
                resolves_to: scope_of[owner].unwrap_or(ScopeId::MODULE),
            })
        })
        .collect();
    occurrences.sort_by_key(|o| (o.range.start, o.range.end));

    Analysis {
        version,
        scopes,
        occurrences,
        errors,
        has_syntax_errors,
        too_deep,
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

/// The cells the compiler adds to a class code object that its symbol table does not list.
fn implicit_class_cells(
    table: &SymbolTable,
    wk: &WellKnown,
    id: BlockId,
    shared: &mut impl FnMut(NameId) -> Arc<str>,
) -> Vec<Symbol> {
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
    .map(|(_, name)| Symbol {
        name: shared(name),
        flags: SymbolFlags::default(),
        resolution: Resolution::Cell,
        captures_from: None,
        captured_by: Vec::new(),
    })
    .collect()
}

/// Walks from a block to the blocks owning the variables it names.
struct Links<'a> {
    table: &'a SymbolTable,
    wk: &'a WellKnown,
}

impl Links<'_> {
    fn is_class_cell(&self, name: NameId) -> bool {
        name == self.wk.class
            || name == self.wk.classdict
            || name == self.wk.conditional_annotations
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
            if let Some(sym) = b.symbols.get(&name) {
                // A parameter named `__class__` is an ordinary cell too.
                if sym.scope == Resolution::Cell || sym.flags & def::COMP_CELL != 0 {
                    return Some(id);
                }
            }
            if self.is_class_cell(name) {
                let module_owns =
                    name == self.wk.conditional_annotations && b.ty == BlockType::Module;
                if b.ty == BlockType::Class || module_owns {
                    return Some(id);
                }
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
                    if self.is_class_cell(name) {
                        if p.ty == BlockType::Class {
                            return id;
                        }
                    } else if p.ty != BlockType::Class || p.comp_inlined {
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
