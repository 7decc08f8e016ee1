//! Field names of the tree-sitter Python grammar, resolved to ids once.
//!
//! `Node::child_by_field_name` looks the name up by string comparison on every call; the
//! analysis asks for fields on nearly every node, so it uses these ids instead.

use std::sync::OnceLock;

use tree_sitter::{Node, TreeCursor};

/// The grammar fields the analysis reads.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Field {
    Alias,
    Alternative,
    Arguments,
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

const NAMES: [&str; 23] = [
    "alias",
    "alternative",
    "arguments",
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

fn id(field: Field) -> u16 {
    static IDS: OnceLock<[u16; NAMES.len()]> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        NAMES.map(|name| language.field_id_for_name(name).map_or(0, |id| id.get()))
    });
    ids[field as usize]
}

/// Node kind names indexed by kind id (`Node::kind` measures and validates the C string on
/// every call).
fn kind_name(id: u16) -> &'static str {
    static KINDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    static LANGUAGE: OnceLock<tree_sitter::Language> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let language = LANGUAGE.get_or_init(|| tree_sitter_python::LANGUAGE.into());
        (0..language.node_kind_count() as u16)
            .map(|id| language.node_kind_for_id(id).unwrap_or(""))
            .collect()
    });
    match id {
        u16::MAX => "ERROR",
        _ => kinds.get(usize::from(id)).copied().unwrap_or(""),
    }
}

/// Field access by id, and the node's kind without re-reading the grammar's C strings.
pub(crate) trait NodeFields<'t> {
    /// The node's kind, as `Node::kind` names it.
    fn ty(&self) -> &'static str;
    /// The child in `field` (the first one, when there are several).
    fn field(&self, field: Field) -> Option<Node<'t>>;
    /// Every child in `field`, walked with `cursor`.
    fn fields<'c>(
        &self,
        field: Field,
        cursor: &'c mut TreeCursor<'t>,
    ) -> impl Iterator<Item = Node<'t>> + 'c
    where
        't: 'c;
}

impl<'t> NodeFields<'t> for Node<'t> {
    fn ty(&self) -> &'static str {
        kind_name(self.kind_id())
    }

    fn field(&self, field: Field) -> Option<Node<'t>> {
        self.child_by_field_id(id(field))
    }

    fn fields<'c>(
        &self,
        field: Field,
        cursor: &'c mut TreeCursor<'t>,
    ) -> impl Iterator<Item = Node<'t>> + 'c
    where
        't: 'c,
    {
        let id = id(field);
        cursor.reset(*self);
        let mut started = false;
        std::iter::from_fn(move || {
            loop {
                let moved = if started {
                    cursor.goto_next_sibling()
                } else {
                    started = true;
                    cursor.goto_first_child()
                };
                if !moved {
                    return None;
                }
                if cursor.field_id().is_some_and(|f| f.get() == id) {
                    return Some(cursor.node());
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_tree_sitter() {
        let source = "def f(a=1): return [x for x in a] + (lambda: a)()\ndef g(:\n  x = (\nclass C[T = int]: pass\n";
        let tree = crate::syntax::parse(source);
        assert!(tree.root_node().has_error());
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            assert_eq!(node.ty(), node.kind());
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }

    #[test]
    fn every_field_exists_in_the_grammar() {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        for name in NAMES {
            assert!(language.field_id_for_name(name).is_some(), "{name}");
        }
    }
}
