//! What the compiler makes of the symbol table: which blocks become code objects, their
//! `__qualname__`, and the order of `co_freevars` (= `__closure__`) and `co_cellvars`.

use super::blocks::{Block, BlockId, BlockType, NameId, SymbolTable, WellKnown, def};
use super::model::{PythonVersion, Resolution, ScopeKind};
use super::names::mangle;

/// Compiler facts for every block, indexed by [`BlockId`].
pub(crate) struct CodeFacts {
    /// The nearest enclosing block that is a code object (the compiler unit's parent).
    pub unit_parent: Vec<Option<BlockId>>,
    pub has_code: Vec<bool>,
    pub qualname: Vec<String>,
    /// For each code object, the comprehensions inlined into it (3.12+) and compiled, in
    /// compile order.
    pub inlined: Vec<Vec<BlockId>>,
    /// The Python version whose compiler is followed.
    pub version: PythonVersion,
}

impl CodeFacts {
    /// Computes the facts for blocks listed in pre-order.
    pub fn new(table: &SymbolTable, version: PythonVersion, preorder: &[BlockId]) -> Self {
        let n = table.blocks.len();
        let mut facts = CodeFacts {
            unit_parent: vec![None; n],
            has_code: vec![false; n],
            qualname: vec![String::new(); n],
            inlined: vec![Vec::new(); n],
            version,
        };
        for &id in preorder {
            let block = &table.blocks[id];
            facts.has_code[id] = has_code_object(table, id);
            let mut parent = block.parent;
            // Inside an annotation that is never compiled (see `has_code_object`).
            let mut uncompiled = block.uncompiled;
            while let Some(p) = parent {
                if facts.has_code[p] {
                    break;
                }
                uncompiled |= table.blocks[p].ty == BlockType::Annotation;
                parent = table.blocks[p].parent;
            }
            facts.unit_parent[id] = parent;
            if block.comp_inlined && !uncompiled {
                if let Some(unit) = parent {
                    facts.inlined[unit].push(id);
                }
            }
            if facts.has_code[id] {
                facts.qualname[id] = facts.compute_qualname(table, version, id);
            }
        }
        // Compile order (see `Block::compiled_before`).
        let mut rank = vec![0; n];
        for (i, &id) in preorder.iter().enumerate() {
            rank[id] = 2 * i + 1;
        }
        let key = |&id: &BlockId| match table.blocks[id].compiled_before {
            Some(first) => rank[first].saturating_sub(1),
            None => rank[id],
        };
        for inlined in &mut facts.inlined {
            inlined.sort_by_key(key);
        }
        facts
    }

    /// `compiler_set_qualname`.
    fn compute_qualname(&self, table: &SymbolTable, version: PythonVersion, id: BlockId) -> String {
        let block = &table.blocks[id];
        let name = unit_name(block);
        let Some(mut parent) = self.unit_parent[id] else {
            return name;
        };
        // Scopes that only evaluate annotations or type parameters are skipped (one level):
        // 3.12+ for type-parameter and TypeVar scopes, 3.14 also for annotation and alias scopes.
        let transparent = match table.blocks[parent].ty {
            BlockType::TypeParams | BlockType::TypeVariable => version >= PythonVersion::Py312,
            BlockType::Annotation | BlockType::TypeAlias => version >= PythonVersion::Py314,
            _ => false,
        };
        if transparent {
            match self.unit_parent[parent] {
                Some(grandparent) if self.unit_parent[grandparent].is_some() => {
                    parent = grandparent
                }
                _ => return name,
            }
        }
        if self.unit_parent[parent].is_none() {
            // Directly inside the module.
            return name;
        }
        let parent_block = &table.blocks[parent];
        // A `type` statement's value compiles as a function before 3.14, as an annotation
        // scope since (whose name is never looked up).
        let is_def =
            (block.ty == BlockType::Function && block.comprehension.is_none() && !block.is_lambda)
                || block.ty == BlockType::Class
                || (block.ty == BlockType::TypeAlias && version < PythonVersion::Py314);
        if is_def {
            let private = enclosing_class_name(table, parent);
            let mangled = mangle(private, &block.name);
            let global = table
                .names
                .get(&mangled)
                .and_then(|n| parent_block.symbols.get(&n))
                .is_some_and(|s| s.scope == Resolution::GlobalExplicit);
            if global {
                return name;
            }
        }
        let parent_is_function = matches!(
            parent_block.ty,
            BlockType::Function | BlockType::TypeAlias | BlockType::Annotation
        ) && parent_block.comprehension.is_none();
        let base = &self.qualname[parent];
        if parent_is_function {
            format!("{base}.<locals>.{name}")
        } else {
            format!("{base}.{name}")
        }
    }
}

/// The name of the code object a block compiles to.
fn unit_name(block: &Block) -> String {
    match block.kind() {
        ScopeKind::Module => "<module>".into(),
        ScopeKind::Lambda => "<lambda>".into(),
        ScopeKind::ListComp => "<listcomp>".into(),
        ScopeKind::SetComp => "<setcomp>".into(),
        ScopeKind::DictComp => "<dictcomp>".into(),
        ScopeKind::GenExpr => "<genexpr>".into(),
        ScopeKind::TypeParams => format!("<generic parameters of {}>", block.name),
        ScopeKind::Annotation => "__annotate__".into(),
        _ => block.name.clone(),
    }
}

/// The private name in effect for a compiler unit: its nearest enclosing class (itself included).
fn enclosing_class_name(table: &SymbolTable, mut id: BlockId) -> Option<&str> {
    loop {
        let block = &table.blocks[id];
        if block.ty == BlockType::Class {
            return Some(&block.name);
        }
        id = block.parent?;
    }
}

/// Whether the compiler emits a code object for block `id`.
fn has_code_object(table: &SymbolTable, id: BlockId) -> bool {
    let block = &table.blocks[id];
    if block.detached || block.comp_inlined {
        return false;
    }
    if block.ty != BlockType::Annotation {
        return true;
    }
    if block.unevaluated {
        return false;
    }
    // A def's `__annotate__` (3.14) exists only when the def has annotations; a class's or
    // module's shared one always has some.
    let owned_by_body = block
        .parent
        .is_some_and(|p| table.blocks[p].annotation_block == Some(id));
    owned_by_body || block.annotations_used
}

/// `co_freevars`: free names (and class-level `DEF_FREE_CLASS` names), sorted by code point.
/// A class body's `__annotate__` also reads the class's `__conditional_annotations__` cell.
pub(crate) fn freevars(table: &SymbolTable, wk: &WellKnown, id: BlockId) -> Vec<String> {
    let block = &table.blocks[id];
    let mut names: Vec<&str> = block
        .symbols
        .iter()
        .filter(|(_, s)| s.scope == Resolution::Free || s.flags & def::FREE_CLASS != 0)
        .map(|(&n, _)| table.names.name(n))
        .collect();
    names.sort_unstable();
    // The compiler appends it after the sorted names.
    let owner = block.parent.map(|p| &table.blocks[p]);
    if owner.is_some_and(|o| {
        o.ty == BlockType::Class && o.annotation_block == Some(id) && o.annotates_conditionally
    }) {
        names.push(table.names.name(wk.conditional_annotations));
    }
    names.into_iter().map(str::to_owned).collect()
}

/// `co_cellvars`: cells with a fast-local slot in `co_varnames` order (parameters, then 3.12+
/// inlined-comprehension locals in compile order), the other cells sorted, then the implicit
/// class cells.
pub(crate) fn cellvars(
    table: &SymbolTable,
    wk: &WellKnown,
    facts: &CodeFacts,
    id: BlockId,
) -> Vec<String> {
    let block = &table.blocks[id];
    let is_cell = |n: &NameId| {
        block
            .symbols
            .get(n)
            .is_some_and(|s| s.scope == Resolution::Cell || s.flags & def::COMP_CELL != 0)
    };
    let mut slotted: Vec<NameId> = Vec::new();
    for name in &block.varnames {
        if is_cell(name) && !slotted.contains(name) {
            slotted.push(*name);
        }
    }
    // A class pushes every name of the comprehension before 3.14, its locals since.
    let pushes_all = block.ty == BlockType::Class && facts.version < PythonVersion::Py314;
    for &comp in &facts.inlined[id] {
        let c = &table.blocks[comp];
        for (name, sym) in &c.symbols {
            let pushed =
                (sym.flags & def::LOCAL != 0 && sym.flags & def::NONLOCAL == 0) || pushes_all;
            if pushed && sym.flags & def::PARAM == 0 && is_cell(name) && !slotted.contains(name) {
                slotted.push(*name);
            }
        }
    }
    let mut rest: Vec<&str> = block
        .symbols
        .keys()
        .filter(|n| is_cell(n) && !slotted.contains(n))
        .map(|&n| table.names.name(n))
        .collect();
    rest.sort_unstable();
    let mut cells: Vec<String> = slotted
        .iter()
        .map(|&n| table.names.name(n).to_owned())
        .collect();
    cells.extend(rest.into_iter().map(str::to_owned));
    if block.needs_class_closure {
        cells.push(table.names.name(wk.class).to_owned());
    }
    if block.needs_classdict {
        cells.push(table.names.name(wk.classdict).to_owned());
    }
    if block.has_conditional_annotations && block.ty != BlockType::Function {
        cells.push(table.names.name(wk.conditional_annotations).to_owned());
    }
    cells
}
