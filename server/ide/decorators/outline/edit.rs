//! The outline of a new version from the previous version's: only the statements the edit
//! touched are walked again; what the outline holds of the others is kept, its offsets shifted.
//!
//! The statements walked again are a run of the module's, or, when the edit lies in a class's
//! body, of that body's (down through nested classes: a module of one class is one top-level
//! statement). What the outline records of a statement comes from that statement alone, except
//! for a class around it, which records only its header and range; a function around it records
//! its `return`s too, so the descent never enters a function.
//!
//! Equal to [`Outline::new`], always. The statements walked again cover the edit and every range
//! where tree-sitter found the syntax changed (the re-analysis of one body relies on the same
//! premise: outside them the tree is as it was, its offsets shifted, see
//! `tests/incremental_reparse.rs`); they include every statement that merely touches those
//! ranges. Trees with a syntax error (whose outline walks every node) are refused, and so is an
//! old outline whose defs do not fall either inside the statements, or wholly outside them, or
//! around them as the classes the descent went through.

use tree_sitter::{Node, Tree};

use super::{Binding, Builder, Def, Expr, ExprKind, Outline};
use crate::analysis::TextRange;
use crate::analysis::incremental::Edit;

impl Outline {
    /// Turns the outline of the text before `edit` into that of `text` (parsed into `tree`), given
    /// where the syntax changed (`changed`: tree-sitter's changed ranges, in `text`). Returns
    /// `false`, leaving the outline as it was, when the result could differ from
    /// [`Outline::new`]'s.
    pub fn edit(&mut self, text: &str, tree: &Tree, edit: Edit, changed: &[TextRange]) -> bool {
        let root = tree.root_node();
        if self.thorough || root.has_error() {
            return false;
        }
        let Some(touched) = Touched::find(root, edit, changed) else {
            return false;
        };
        let region = touched.region;
        let (old_lo, old_hi) = (region.start, region.old_end);
        let first = self.defs.partition_point(|d| d.range.start < old_lo);
        let last = self.defs.partition_point(|d| d.range.start < old_hi);
        if !self.splits_at(&touched, first, last) {
            return false;
        }
        let mut builder = Builder::new(text, false);
        builder.walk(touched.parent, touched.statements.iter().copied());
        let (defs, bindings) = builder.finish(first);
        let moved = defs.len() as i64 - (last - first) as i64;

        for def in &mut self.defs[..first] {
            // The classes around the statements end after them.
            if def.statement.end > old_lo {
                shift_def(def, region);
            }
        }
        for def in &mut self.defs[last..] {
            shift_def(def, region);
        }
        self.defs.splice(first..last, defs);

        let first = self.bindings.partition_point(|b| b.0 < old_lo);
        let last = self.bindings.partition_point(|b| b.0 < old_hi);
        for (at, binding) in &mut self.bindings[last..] {
            *at = region.shift(*at);
            match binding {
                Binding::Def(i) => *i = (*i as i64 + moved) as usize,
                Binding::Assign(value) => shift_expr(value, region),
                Binding::Import(_) => {}
            }
        }
        self.bindings.splice(first..last, bindings);
        true
    }

    /// Whether the defs `first..last` lie inside the statements (in the old text), the others
    /// wholly before or after them, but for the classes around them, which the new tree has
    /// over the same (shifted) ranges; and whether no binding's value crosses them.
    fn splits_at(&self, touched: &Touched<'_>, first: usize, last: usize) -> bool {
        let region = touched.region;
        let (old_lo, old_hi) = (region.start, region.old_end);
        let inside = self.defs[first..last]
            .iter()
            .all(|d| d.statement.start >= old_lo && d.statement.end <= old_hi);
        let after = self.defs[last..]
            .iter()
            .all(|d| d.statement.start >= old_hi);
        let mut around = self.defs[..first]
            .iter()
            .filter(|d| d.statement.end > old_lo);
        let classes_kept = touched.classes.iter().all(|class| {
            around.next().is_some_and(|d| {
                d.kind == super::DefKind::Class
                    && d.range.start == class.range.start
                    && region.shift(d.range.end) == class.range.end
                    && d.statement.start == class.statement.start
                    && region.shift(d.statement.end) == class.statement.end
                    && d.range.end >= old_hi
            })
        });
        let values_apart = self.bindings.iter().all(|&(at, ref b)| match b {
            Binding::Assign(value) if !(old_lo..old_hi).contains(&at) => {
                value.range.end <= old_lo || value.range.start >= old_hi
            }
            _ => true,
        });
        inside && after && classes_kept && around.next().is_none() && values_apart
    }
}

/// The statements an edit touched, and how the text changed around them.
struct Touched<'t> {
    /// The module, or the body of the class the statements are in.
    parent: Node<'t>,
    /// A run of `parent`'s children (perhaps empty: the edit lies between statements).
    statements: Vec<Node<'t>>,
    /// The classes around them, outermost first: (range, range with decorators), in the new
    /// text.
    classes: Vec<ClassRanges>,
    /// The statements' extent before (`start..old_end`) and after (`start..new_end`) the edit,
    /// the edit and the changed ranges included.
    region: Edit,
}

struct ClassRanges {
    range: TextRange,
    statement: TextRange,
}

impl<'t> Touched<'t> {
    fn find(root: Node<'t>, edit: Edit, changed: &[TextRange]) -> Option<Self> {
        let (mut lo, mut hi) = (edit.start, edit.new_end);
        for c in changed {
            lo = lo.min(c.start);
            hi = hi.max(c.end);
        }
        let mut parent = root;
        let mut classes = Vec::new();
        loop {
            let statements = touching(parent, lo, hi);
            if let [only] = statements[..] {
                if let Some((class, body)) = class_body(only) {
                    if body.start_byte() <= lo && hi <= body.end_byte() {
                        classes.push(ClassRanges {
                            range: range(class),
                            statement: range(only),
                        });
                        parent = body;
                        continue;
                    }
                }
            }
            let start = statements.first().map_or(lo, |s| s.start_byte().min(lo));
            let end = statements.last().map_or(hi, |s| s.end_byte().max(hi));
            let old_end = usize::try_from(end as i64 - edit.delta()).ok()?;
            return Some(Touched {
                parent,
                statements,
                classes,
                region: Edit {
                    start,
                    old_end,
                    new_end: end,
                },
            });
        }
    }
}

/// The children of `parent` that overlap or touch `lo..hi`, in order.
fn touching(parent: Node<'_>, lo: usize, hi: usize) -> Vec<Node<'_>> {
    let mut cursor = parent.walk();
    let mut found = Vec::new();
    // The first child ending at or after `lo`.
    if cursor
        .goto_first_child_for_byte(lo.saturating_sub(1))
        .is_none()
    {
        return found;
    }
    loop {
        let node = cursor.node();
        if node.start_byte() > hi {
            break;
        }
        if node.end_byte() >= lo {
            found.push(node);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    found
}

/// The class a statement is (decorated or not), and its body.
fn class_body(statement: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let class = match statement.kind() {
        "class_definition" => statement,
        "decorated_definition" => statement
            .child_by_field_name("definition")
            .filter(|d| d.kind() == "class_definition")?,
        _ => return None,
    };
    let body = class
        .child_by_field_name("body")
        .filter(|b| b.kind() == "block")?;
    Some((class, body))
}

fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn shift_range(range: &mut TextRange, edit: Edit) {
    range.start = edit.shift(range.start);
    range.end = edit.shift(range.end);
}

fn shift_expr(expr: &mut Expr, edit: Edit) {
    shift_range(&mut expr.range, edit);
    match &mut expr.kind {
        ExprKind::Attribute { object, name } => {
            shift_expr(object, edit);
            shift_range(name, edit);
        }
        ExprKind::Call {
            function,
            arguments,
        } => {
            shift_expr(function, edit);
            for argument in arguments {
                shift_expr(&mut argument.value, edit);
            }
        }
        ExprKind::Name | ExprKind::Lambda | ExprKind::Literal | ExprKind::Other => {}
    }
}

fn shift_def(def: &mut Def, edit: Edit) {
    shift_range(&mut def.name, edit);
    shift_range(&mut def.range, edit);
    shift_range(&mut def.statement, edit);
    for decorator in &mut def.decorators {
        shift_range(&mut decorator.range, edit);
        shift_expr(&mut decorator.expr, edit);
    }
    for param in &mut def.params {
        shift_range(&mut param.range, edit);
        if let Some(default) = &mut param.default {
            shift_expr(default, edit);
        }
    }
    for ret in &mut def.returns {
        shift_range(&mut ret.range, edit);
        if let Some(value) = &mut ret.value {
            shift_expr(value, edit);
        }
    }
    for base in &mut def.bases {
        shift_expr(base, edit);
    }
}
