//! Pass 2: CPython's `symtable_analyze` — decides LOCAL / GLOBAL / FREE / CELL for every name,
//! propagates free variables outward and inlines comprehensions (PEP 709, 3.12+).

use rustc_hash::FxHashSet;

use super::blocks::{BlockId, BlockType, NameId, Sym, SymbolTable, WellKnown, def};
use super::errors::ErrorKind;
use super::model::{ClosureError, PythonVersion, Resolution, TextRange};

type NameSet = FxHashSet<NameId>;

/// Pass-2 state.
pub(crate) struct Resolver<'a> {
    table: &'a mut SymbolTable,
    wk: &'a WellKnown,
    version: PythonVersion,
    pub errors: Vec<ClosureError>,
    /// `ste_children` after inlined comprehensions were spliced away.
    spliced: Vec<Vec<BlockId>>,
}

impl<'a> Resolver<'a> {
    pub fn new(table: &'a mut SymbolTable, wk: &'a WellKnown, version: PythonVersion) -> Self {
        let spliced = table.blocks.iter().map(|b| b.children.clone()).collect();
        Resolver {
            table,
            wk,
            version,
            errors: Vec::new(),
            spliced,
        }
    }

    fn at_least(&self, version: PythonVersion) -> bool {
        self.version >= version
    }

    /// Analyses the module and, through it, every block.
    pub fn run(&mut self) {
        let mut free = NameSet::default();
        let mut global = NameSet::default();
        let mut type_params = NameSet::default();
        self.analyze_block(0, None, &mut free, &mut global, &mut type_params, None);
    }

    fn directive_range(&self, block: BlockId, name: NameId) -> TextRange {
        let b = &self.table.blocks[block];
        b.directives
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(b.range, |(_, r)| *r)
    }

    fn error_at_directive(&mut self, block: BlockId, name: NameId, kind: ErrorKind) {
        let range = self.directive_range(block, name);
        self.errors.push(ClosureError { kind, range });
    }

    /// `analyze_name`: the scope of one name of `block`.
    #[allow(clippy::too_many_arguments)]
    fn analyze_name(
        &mut self,
        block: BlockId,
        name: NameId,
        flags: u32,
        bound: Option<&mut NameSet>,
        local: &mut NameSet,
        free: &mut NameSet,
        global: &mut NameSet,
        type_params: &mut NameSet,
        class_entry: Option<BlockId>,
    ) -> Resolution {
        let shown = || self.table.names.name(name).to_owned();
        if flags & def::GLOBAL != 0 {
            if flags & def::NONLOCAL != 0 {
                let kind = ErrorKind::NonlocalAndGlobal { name: shown() };
                self.error_at_directive(block, name, kind);
            }
            global.insert(name);
            if let Some(bound) = bound {
                bound.remove(&name);
            }
            return Resolution::GlobalExplicit;
        }
        if flags & def::NONLOCAL != 0 {
            let Some(bound) = bound else {
                self.error_at_directive(block, name, ErrorKind::NonlocalAtModuleLevel);
                return Self::rejected_nonlocal(name, local);
            };
            if !bound.contains(&name) {
                let kind = ErrorKind::NonlocalWithoutBinding { name: shown() };
                self.error_at_directive(block, name, kind);
                return Self::rejected_nonlocal(name, local);
            }
            if self.at_least(PythonVersion::Py312) && type_params.contains(&name) {
                let kind = ErrorKind::NonlocalTypeParameter { name: shown() };
                self.error_at_directive(block, name, kind);
                return Self::rejected_nonlocal(name, local);
            }
            free.insert(name);
            return Resolution::Free;
        }
        if flags & def::BOUND != 0 {
            local.insert(name);
            global.remove(&name);
            if self.at_least(PythonVersion::Py312) {
                if flags & def::TYPE_PARAM != 0 {
                    type_params.insert(name);
                } else {
                    type_params.remove(&name);
                }
            }
            return Resolution::Local;
        }
        if let Some(class) = class_entry.filter(|_| self.at_least(PythonVersion::Py312)) {
            let class_flags = self.table.blocks[class].flags(name);
            if class_flags & def::GLOBAL != 0 {
                return Resolution::GlobalExplicit;
            }
            if class_flags & def::BOUND != 0 && class_flags & def::NONLOCAL == 0 {
                return Resolution::GlobalImplicit;
            }
        }
        if bound.is_some_and(|b| b.contains(&name)) {
            free.insert(name);
            return Resolution::Free;
        }
        Resolution::GlobalImplicit
    }

    /// CPython stops at a rejected `nonlocal`; to keep analysing, the name is treated as the
    /// local it would be without the declaration (the error tells the user the rest).
    fn rejected_nonlocal(name: NameId, local: &mut NameSet) -> Resolution {
        local.insert(name);
        Resolution::Local
    }

    /// `analyze_block`.
    fn analyze_block(
        &mut self,
        block: BlockId,
        mut bound: Option<&mut NameSet>,
        free: &mut NameSet,
        global: &mut NameSet,
        type_params: &mut NameSet,
        class_entry: Option<BlockId>,
    ) {
        let ty = self.table.blocks[block].ty;
        let is_class = ty == BlockType::Class;
        let function_like =
            self.table.blocks[block].is_function_like(self.at_least(PythonVersion::Py314));
        let mut local = NameSet::default();
        let mut newglobal = NameSet::default();
        let mut newbound = NameSet::default();
        let mut newfree = NameSet::default();
        let mut inlined_cells = NameSet::default();

        if is_class {
            newglobal.extend(global.iter().copied());
            if let Some(bound) = bound.as_deref() {
                newbound.extend(bound.iter().copied());
            }
        }

        for index in 0..self.table.blocks[block].symbols.len() {
            let (&name, sym) = self.table.blocks[block]
                .symbols
                .get_index(index)
                .expect("index in range");
            let flags = sym.flags;
            let scope = self.analyze_name(
                block,
                name,
                flags,
                bound.as_deref_mut(),
                &mut local,
                free,
                global,
                type_params,
                class_entry,
            );
            self.table.blocks[block].symbols[index].scope = scope;
        }

        if !is_class {
            if function_like {
                newbound.extend(local.iter().copied());
            }
            if let Some(bound) = bound.as_deref() {
                newbound.extend(bound.iter().copied());
            }
            newglobal.extend(global.iter().copied());
        } else {
            newbound.insert(self.wk.class);
            if self.at_least(PythonVersion::Py312) {
                newbound.insert(self.wk.classdict);
            }
            if self.at_least(PythonVersion::Py314) {
                newbound.insert(self.wk.conditional_annotations);
            }
        }

        let can_see_class_scope = self.table.blocks[block].can_see_class_scope;
        let children = self.table.blocks[block].children.clone();
        for child in children {
            let child_block = &self.table.blocks[child];
            let new_class_entry = if child_block.can_see_class_scope {
                if is_class { Some(block) } else { class_entry }
            } else {
                None
            };
            let inline_comp = self.at_least(PythonVersion::Py312)
                && child_block.comprehension.is_some()
                && !child_block.generator
                && !can_see_class_scope;
            if let Some(kept) = &child_block.kept_free {
                // Its previous analysis stands: only what it gives this block is needed.
                let kept = kept.clone();
                newfree.extend(kept.iter().copied());
                self.table.blocks[child].passes_up = kept;
                continue;
            }
            let mut child_bound = newbound.clone();
            let mut child_free = NameSet::default();
            let mut child_global = newglobal.clone();
            let mut child_type_params = type_params.clone();
            super::stack::grow(|| {
                self.analyze_block(
                    child,
                    Some(&mut child_bound),
                    &mut child_free,
                    &mut child_global,
                    &mut child_type_params,
                    new_class_entry,
                )
            });
            if inline_comp {
                self.inline_comprehension(block, child, &mut child_free, &mut inlined_cells);
                self.table.blocks[child].comp_inlined = true;
            }
            newfree.extend(child_free);
        }

        // Splice inlined comprehensions' children into ours (for `is_free_in_any_child`).
        let mut spliced = Vec::with_capacity(self.spliced[block].len());
        for &child in &self.spliced[block] {
            if self.table.blocks[child].comp_inlined {
                spliced.extend(self.spliced[child].iter().copied());
            } else {
                spliced.push(child);
            }
        }
        self.spliced[block] = spliced;

        if function_like {
            self.analyze_cells(block, &mut newfree, &inlined_cells);
        } else if is_class {
            self.drop_class_free(block, &mut newfree);
        }
        let classflag = is_class || (self.at_least(PythonVersion::Py312) && can_see_class_scope);
        self.update_symbols(block, bound.as_deref(), &newfree, &inlined_cells, classflag);
        free.extend(newfree);
        // `free` started empty (the parent's set for this child): it now holds all this block
        // gives its parent, its own free names (`analyze_name`) and its children's.
        let mut passes_up: Vec<NameId> = free.iter().copied().collect();
        passes_up.sort_unstable_by(|&a, &b| self.table.names.name(a).cmp(self.table.names.name(b)));
        self.table.blocks[block].passes_up = passes_up;
    }

    fn is_free_in_any_child(&self, comp: BlockId, name: NameId) -> bool {
        self.spliced[comp].iter().any(|&child| {
            self.table.blocks[child]
                .symbols
                .get(&name)
                .is_some_and(|s| s.scope == Resolution::Free)
        })
    }

    /// `inline_comprehension` (PEP 709).
    fn inline_comprehension(
        &mut self,
        parent: BlockId,
        comp: BlockId,
        comp_free: &mut NameSet,
        inlined_cells: &mut NameSet,
    ) {
        let parent_is_class = self.table.blocks[parent].ty == BlockType::Class;
        let mut remove_dunder_class = false;
        let symbols: Vec<(NameId, Sym)> = self.table.blocks[comp]
            .symbols
            .iter()
            .map(|(&n, &s)| (n, s))
            .collect();
        for (name, sym) in symbols {
            if sym.flags & def::PARAM != 0 {
                continue;
            }
            let mut scope = sym.scope;
            if scope == Resolution::Cell || sym.flags & def::COMP_CELL != 0 {
                inlined_cells.insert(name);
            }
            if scope == Resolution::Free && parent_is_class && name == self.wk.class {
                scope = Resolution::GlobalImplicit;
                comp_free.remove(&name);
                remove_dunder_class = true;
            }
            let existing = self.table.blocks[parent]
                .symbols
                .get(&name)
                .map(|s| s.flags);
            match existing {
                None => {
                    self.table.blocks[parent].symbols.insert(
                        name,
                        Sym {
                            flags: sym.flags,
                            scope,
                        },
                    );
                }
                Some(flags) => {
                    if flags & def::BOUND != 0
                        && !parent_is_class
                        && !self.is_free_in_any_child(comp, name)
                    {
                        comp_free.remove(&name);
                    }
                }
            }
        }
        if remove_dunder_class {
            self.table.blocks[comp].symbols.shift_remove(&self.wk.class);
        }
    }

    /// `analyze_cells`: locals that nested scopes need become cells.
    fn analyze_cells(&mut self, block: BlockId, free: &mut NameSet, inlined_cells: &NameSet) {
        for (name, sym) in self.table.blocks[block].symbols.iter_mut() {
            if sym.scope != Resolution::Local {
                continue;
            }
            if free.contains(name) || inlined_cells.contains(name) {
                sym.scope = Resolution::Cell;
                free.remove(name);
            }
        }
    }

    /// `drop_class_free`: the implicit class cells never propagate past a class.
    fn drop_class_free(&mut self, block: BlockId, free: &mut NameSet) {
        let b = &mut self.table.blocks[block];
        if free.remove(&self.wk.class) {
            b.needs_class_closure = true;
        }
        if self.version >= PythonVersion::Py312 && free.remove(&self.wk.classdict) {
            b.needs_classdict = true;
        }
        if self.version >= PythonVersion::Py314 && free.remove(&self.wk.conditional_annotations) {
            b.has_conditional_annotations = true;
        }
    }

    /// `update_symbols`: records inlined cells and adds pass-through free variables.
    fn update_symbols(
        &mut self,
        block: BlockId,
        bound: Option<&NameSet>,
        free: &NameSet,
        inlined_cells: &NameSet,
        classflag: bool,
    ) {
        let b = &mut self.table.blocks[block];
        for (name, sym) in b.symbols.iter_mut() {
            if inlined_cells.contains(name) {
                sym.flags |= def::COMP_CELL;
            }
        }
        // CPython walks a set here (hash order); sorting by name gives an order that does not
        // depend on which other code was analysed with this block (interning order would).
        let mut pending: Vec<NameId> = free.iter().copied().collect();
        pending.sort_unstable_by(|&a, &b| self.table.names.name(a).cmp(self.table.names.name(b)));
        for name in pending {
            if let Some(sym) = b.symbols.get_mut(&name) {
                if classflag {
                    sym.flags |= def::FREE_CLASS;
                }
                continue;
            }
            if bound.is_some_and(|bound| !bound.contains(&name)) {
                continue;
            }
            b.symbols.insert(
                name,
                Sym {
                    flags: 0,
                    scope: Resolution::Free,
                },
            );
        }
    }
}
