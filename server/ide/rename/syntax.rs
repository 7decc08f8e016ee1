//! What rename needs from the syntax tree: the spellings of a name that are not variables
//! (keyword arguments, attributes, strings, `__all__` entries, annotations CPython never
//! evaluates), the form of import bindings and the kind of a parameter.

use tree_sitter::{Node, Tree};

use crate::analysis::TextRange;
use crate::analysis::names::normalize;

fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// The identifier node spanning exactly `at`.
pub fn identifier(tree: &Tree, at: TextRange) -> Option<Node<'_>> {
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(at.start, at.end)?;
    while range(node) != at || node.kind() != "identifier" {
        node = node.parent()?;
        if node.start_byte() < at.start {
            return None;
        }
    }
    Some(node)
}

/// The innermost node at `offset` (or just before it, when the cursor ends a name).
pub fn node_at(tree: &Tree, offset: usize) -> Option<Node<'_>> {
    let root = tree.root_node();
    let node = root.descendant_for_byte_range(offset, offset)?;
    if node.kind() != "identifier" && offset > 0 {
        if let Some(before) = root.descendant_for_byte_range(offset - 1, offset - 1) {
            if before.kind() == "identifier" {
                return Some(before);
            }
        }
    }
    Some(node)
}

/// How an identifier that binds a name takes part in an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportForm {
    /// Not an import, or the `as` alias of one: renamed in place.
    Plain,
    /// `import m` or `from m import x`: the module or attribute name is also the binding, so the
    /// rename adds an alias (`import m as new`).
    NeedsAlias,
    /// `import a.b` binds `a`: no alias keeps that binding.
    Dotted,
    /// `from __future__ import x`.
    Future,
}

/// The import form of the binding identifier `at`.
pub fn import_form(tree: &Tree, at: TextRange) -> ImportForm {
    let Some(dotted) = identifier(tree, at)
        .and_then(|n| n.parent())
        .filter(|p| p.kind() == "dotted_name")
    else {
        return ImportForm::Plain;
    };
    let Some(statement) = dotted.parent() else {
        return ImportForm::Plain;
    };
    match statement.kind() {
        "import_statement" if dotted.named_child_count() > 1 => ImportForm::Dotted,
        "import_statement" | "import_from_statement" => ImportForm::NeedsAlias,
        "future_import_statement" => ImportForm::Future,
        _ => ImportForm::Plain,
    }
}

/// Whether the parameter whose name is the identifier `at` can be passed by keyword (not
/// positional-only, not `*args` / `**kwargs`).
pub fn takes_keyword(tree: &Tree, at: TextRange) -> bool {
    let Some(mut node) = identifier(tree, at) else {
        return false;
    };
    loop {
        if matches!(
            node.kind(),
            "list_splat_pattern" | "dictionary_splat_pattern"
        ) {
            return false;
        }
        let Some(parent) = node.parent() else {
            return false;
        };
        if matches!(parent.kind(), "parameters" | "lambda_parameters") {
            let mut later = node.next_sibling();
            while let Some(sibling) = later {
                if sibling.kind() == "positional_separator" {
                    return false;
                }
                later = sibling.next_sibling();
            }
            return true;
        }
        node = parent;
    }
}

/// For the lambda spanning `at`, the name it is assigned to (`f = lambda x: …`).
pub fn lambda_name(tree: &Tree, at: TextRange) -> Option<TextRange> {
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(at.start, at.end)?;
    while node.kind() != "lambda" || range(node) != at {
        node = node.parent()?;
    }
    let assignment = node.parent().filter(|p| p.kind() == "assignment")?;
    let left = assignment
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")?;
    (assignment.child_by_field_name("right")? == node).then(|| range(left))
}

/// A keyword argument `name=value` of a call.
#[derive(Clone, Copy, Debug)]
pub struct KeywordArgument<'t> {
    /// The keyword.
    pub name: TextRange,
    /// The called expression.
    pub function: Node<'t>,
    /// The parenthesised arguments.
    pub arguments: TextRange,
}

/// Every place one spelling of a name appears in the tree other than as a variable, and the
/// constructs that make a rename risky. Names are compared after NFKC normalisation.
#[derive(Debug, Default)]
pub struct Mentions<'t> {
    /// Keyword arguments of calls spelled like the name.
    pub keyword_arguments: Vec<KeywordArgument<'t>>,
    /// Attribute names (`obj.name`).
    pub attributes: Vec<TextRange>,
    /// Contents of plain string literals equal to the name, outside `__all__`.
    pub strings: Vec<TextRange>,
    /// Contents of string annotations that are exactly the name (forward references).
    pub forward_references: Vec<TextRange>,
    /// Contents of other string annotations mentioning the name as a word.
    pub annotation_strings: Vec<TextRange>,
    /// Contents of the module-level `__all__` entries equal to the name.
    pub all_entries: Vec<TextRange>,
    /// Calls of `globals`, `locals`, `vars`, `eval` or `exec` by name (the callee's range).
    pub dynamic_calls: Vec<TextRange>,
    /// f-string fields that print their own source (`f"{x=}"`).
    pub self_documenting: Vec<SelfDocumenting>,
    /// `from m import *` statements.
    pub star_imports: Vec<TextRange>,
    /// Identifiers spelled like the name inside annotations.
    pub annotation_names: Vec<TextRange>,
    /// Identifiers spelled like the name inside `case` patterns.
    pub pattern_names: Vec<TextRange>,
}

/// An f-string field with `=` (`f"{x=}"`, `f"{x = !s:>9}"`): it prints its own source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelfDocumenting {
    /// The whole field, braces included.
    pub range: TextRange,
    /// What it prints before the value: from after `{` through the `=` and the spaces after it.
    pub label: TextRange,
    /// The expression.
    pub expression: TextRange,
    /// The conversion and format spec (`!s:>9`), possibly empty.
    pub tail: TextRange,
    /// Whether `label` can be written as literal text of the same string: no quote, backslash
    /// or line break in it.
    pub plain: bool,
    /// No conversion and no format spec: the value is shown with `repr()`.
    pub shows_repr: bool,
}

impl SelfDocumenting {
    fn of(node: Node<'_>, text: &str) -> Option<Self> {
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let equals = children.iter().position(|c| c.kind() == "=")?;
        let open = children.first().filter(|c| c.kind() == "{")?;
        let close = children.last().filter(|c| c.kind() == "}")?;
        let expression = children[..equals].iter().rev().find(|c| c.is_named())?;
        let rest = children[equals + 1..children.len() - 1].first();
        let tail_start = rest.map_or(close.start_byte(), |r| r.start_byte());
        let label = TextRange::new(open.end_byte(), tail_start);
        let label_text = text.get(label.start..label.end).unwrap_or("\\");
        Some(SelfDocumenting {
            range: range(node),
            label,
            expression: range(*expression),
            tail: TextRange::new(tail_start, close.start_byte()),
            plain: !label_text.contains(['\'', '"', '\\', '\n', '\r']),
            shows_repr: rest.is_none(),
        })
    }
}

const DYNAMIC: [&str; 5] = ["globals", "locals", "vars", "eval", "exec"];

#[derive(Clone, Copy, Default)]
struct Context {
    annotation: bool,
    pattern: bool,
    all: bool,
}

impl<'t> Mentions<'t> {
    /// One walk over `tree` collecting the mentions of `name` (normalised, unmangled).
    pub fn collect(tree: &'t Tree, text: &str, name: &str) -> Self {
        let mut found = Mentions::default();
        let same = |node: Node<'_>| {
            text.get(node.byte_range())
                .is_some_and(|t| (!t.is_ascii() || t.len() == name.len()) && normalize(t) == name)
        };
        // Only subtrees holding the name, a dynamic-namespace builtin or `import` can hold
        // anything collected here (when the text is ASCII, so every spelling is the name itself).
        let marks: Option<Vec<usize>> = text.is_ascii().then(|| {
            let mut marks: Vec<usize> = std::iter::once(name)
                .chain(DYNAMIC)
                .chain(["import"])
                .flat_map(|word| {
                    text.match_indices(word)
                        .filter(|&(i, w)| is_word_at(text, i, w.len()))
                        .map(|(i, _)| i)
                })
                .collect();
            marks.sort_unstable();
            marks
        });
        let worth_entering = |node: Node<'_>| {
            marks.as_ref().is_none_or(|marks| {
                let i = marks.partition_point(|&m| m < node.start_byte());
                marks.get(i).is_some_and(|&m| m < node.end_byte())
            })
        };
        // The context each level of the walk passes to its children, and that level's kind.
        let mut levels: Vec<(Context, &'t str)> = vec![(Context::default(), "")];
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            let (mut ctx, parent) = *levels.last().unwrap_or(&(Context::default(), ""));
            match node.kind() {
                "identifier" => {
                    let field = cursor.field_name();
                    let not_a_name = (parent == "attribute" && field == Some("attribute"))
                        || (parent == "keyword_argument" && field == Some("name"));
                    if !not_a_name && (ctx.annotation || ctx.pattern) && same(node) {
                        if ctx.annotation {
                            found.annotation_names.push(range(node));
                        }
                        if ctx.pattern {
                            found.pattern_names.push(range(node));
                        }
                    }
                }
                "type" => ctx.annotation = true,
                "case_pattern" => ctx.pattern = true,
                "expression_statement" if parent == "module" => {
                    ctx.all = is_all_statement(node, text);
                }
                "attribute" => {
                    if let Some(attr) = node.child_by_field_name("attribute").filter(|a| same(*a)) {
                        found.attributes.push(range(attr));
                    }
                }
                "keyword_argument" => found.keyword_argument(node, &same),
                "call" => {
                    let function = node
                        .child_by_field_name("function")
                        .filter(|f| f.kind() == "identifier");
                    if let Some(function) = function {
                        if text
                            .get(function.byte_range())
                            .is_some_and(|t| DYNAMIC.contains(&t))
                        {
                            found.dynamic_calls.push(range(function));
                        }
                    }
                }
                "interpolation" => found
                    .self_documenting
                    .extend(SelfDocumenting::of(node, text)),
                "wildcard_import" => found.star_imports.push(range(node)),
                "string" => found.string(node, text, name, ctx),
                _ => {}
            }
            if worth_entering(node) && cursor.goto_first_child() {
                levels.push((ctx, node.kind()));
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return found;
                }
                levels.pop();
            }
        }
    }

    /// `name=value` in the arguments of a call, if `name` is the one looked for.
    fn keyword_argument(&mut self, node: Node<'t>, same: &dyn Fn(Node<'_>) -> bool) {
        let Some(name) = node.child_by_field_name("name").filter(|n| same(*n)) else {
            return;
        };
        let arguments = node.parent().filter(|p| p.kind() == "argument_list");
        let call = arguments
            .and_then(|a| a.parent())
            .filter(|c| c.kind() == "call");
        let function = call.and_then(|c| c.child_by_field_name("function"));
        if let (Some(arguments), Some(function)) = (arguments, function) {
            self.keyword_arguments.push(KeywordArgument {
                name: range(name),
                function,
                arguments: range(arguments),
            });
        }
    }

    /// A plain (not f-, not bytes) string literal without escapes: its content.
    fn string(&mut self, node: Node<'t>, text: &str, name: &str, ctx: Context) {
        let mut cursor = node.walk();
        let parts: Vec<Node<'_>> = node.children(&mut cursor).collect();
        let prefix = parts
            .first()
            .and_then(|s| text.get(s.byte_range()))
            .unwrap_or("");
        if prefix
            .chars()
            .any(|c| matches!(c, 'b' | 'B' | 'f' | 'F' | 't' | 'T'))
        {
            return;
        }
        let contents: Vec<&Node<'_>> = parts
            .iter()
            .filter(|p| p.kind() != "string_start" && p.kind() != "string_end")
            .collect();
        let [content] = contents.as_slice() else {
            return;
        };
        if content.kind() != "string_content" || content.named_child_count() > 0 {
            return;
        }
        let value = text.get(content.byte_range()).unwrap_or("");
        let at = range(**content);
        match (value == name, ctx) {
            (true, Context { all: true, .. }) => self.all_entries.push(at),
            (
                true,
                Context {
                    annotation: true, ..
                },
            ) => self.forward_references.push(at),
            (true, _) => self.strings.push(at),
            (
                false,
                Context {
                    annotation: true, ..
                },
            ) if mentions_word(value, name) => {
                self.annotation_strings.push(at);
            }
            _ => {}
        }
    }
}

/// Whether `text` holds `word` delimited by non-identifier characters.
fn mentions_word(text: &str, word: &str) -> bool {
    text.match_indices(word)
        .any(|(i, w)| is_word_at(text, i, w.len()))
}

/// Whether the `len` bytes at `at` are a whole word of `text` (no identifier character on
/// either side).
fn is_word_at(text: &str, at: usize, len: usize) -> bool {
    let is_ident = |c: char| c == '_' || c.is_alphanumeric();
    let before = text[..at].chars().next_back();
    let after = text[at + len..].chars().next();
    !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
}

/// A module-level statement that builds `__all__`: `__all__ = …`, `__all__ += …`,
/// `__all__: … = …`, `__all__.extend(…)` / `.append(…)` / `.remove(…)`.
fn is_all_statement(statement: Node<'_>, text: &str) -> bool {
    let is_all = |n: Option<Node<'_>>| {
        n.is_some_and(|n| n.kind() == "identifier" && text.get(n.byte_range()) == Some("__all__"))
    };
    let Some(expr) = statement.named_child(0) else {
        return false;
    };
    match expr.kind() {
        "assignment" | "augmented_assignment" => is_all(expr.child_by_field_name("left")),
        "call" => expr
            .child_by_field_name("function")
            .filter(|f| f.kind() == "attribute")
            .is_some_and(|f| {
                is_all(f.child_by_field_name("object"))
                    && f.child_by_field_name("attribute")
                        .and_then(|a| text.get(a.byte_range()))
                        .is_some_and(|a| matches!(a, "extend" | "append" | "remove"))
            }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::syntax;

    /// Each list of mentions as `text@line:column` (1-based).
    fn shown(text: &str, m: &Mentions<'_>) -> String {
        let at = |r: &TextRange| {
            let line = text[..r.start].matches('\n').count() + 1;
            let col = r.start - text[..r.start].rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("{}@{line}:{col}", &text[r.start..r.end])
        };
        let list = |rs: &[TextRange]| rs.iter().map(at).collect::<Vec<_>>().join(" ");
        let keywords: Vec<TextRange> = m.keyword_arguments.iter().map(|k| k.name).collect();
        [
            ("keyword_arguments", list(&keywords)),
            ("attributes", list(&m.attributes)),
            ("strings", list(&m.strings)),
            ("forward_references", list(&m.forward_references)),
            ("annotation_strings", list(&m.annotation_strings)),
            ("all_entries", list(&m.all_entries)),
            ("dynamic_calls", list(&m.dynamic_calls)),
            (
                "self_documenting",
                list(
                    &m.self_documenting
                        .iter()
                        .map(|d| d.range)
                        .collect::<Vec<_>>(),
                ),
            ),
            ("star_imports", list(&m.star_imports)),
            ("annotation_names", list(&m.annotation_names)),
            ("pattern_names", list(&m.pattern_names)),
        ]
        .iter()
        .map(|(k, v)| format!("{k}: {v}\n"))
        .collect()
    }

    #[test]
    fn mentions_of_a_name() {
        let text = r#"
__all__ = ["x", "y"]
__all__ += ("x",)
f(x=1, y=x)
o.x = g(x="x")
s = f"{x=} {x}"
def h(a: "list[x]", b: x) -> "x": ...
match v:
    case [x, *_]: pass
from m import *
globals()["x"]
"#;
        let tree = syntax::parse(text);
        expect![[r#"
            keyword_arguments: x@4:3 x@5:9
            attributes: x@5:3
            strings: x@5:12 x@11:12
            forward_references: x@7:31
            annotation_strings: list[x]@7:11
            all_entries: x@2:13 x@3:14
            dynamic_calls: globals@11:1
            self_documenting: {x=}@6:7
            star_imports: *@10:15
            annotation_names: x@7:24
            pattern_names: x@9:11
        "#]]
        .assert_eq(&shown(text, &Mentions::collect(&tree, text, "x")));
    }

    #[test]
    fn import_forms_and_parameter_kinds() {
        let text = "import a.b\nimport c\nfrom d import e as f, g\nfrom __future__ import annotations\ndef h(p, /, q, *r, s, **t): pass\nk = lambda u: u\n";
        let tree = syntax::parse(text);
        // The first whole-word occurrence of `needle`.
        let at = |needle: &str| {
            let is_word = |c: char| c == '_' || c.is_alphanumeric();
            let (start, _) = text
                .match_indices(needle)
                .find(|(i, _)| {
                    !text[..*i].chars().next_back().is_some_and(is_word)
                        && !text[i + needle.len()..].chars().next().is_some_and(is_word)
                })
                .unwrap();
            TextRange::new(start, start + needle.len())
        };
        assert_eq!(import_form(&tree, at("a")), ImportForm::Dotted);
        assert_eq!(import_form(&tree, at("c")), ImportForm::NeedsAlias);
        assert_eq!(import_form(&tree, at("f")), ImportForm::Plain);
        assert_eq!(import_form(&tree, at("g")), ImportForm::NeedsAlias);
        assert_eq!(import_form(&tree, at("annotations")), ImportForm::Future);
        let takes = |p: &str| takes_keyword(&tree, at(p));
        assert_eq!(
            ["p", "q", "r", "s", "t", "u"].map(takes),
            [false, true, false, true, false, true]
        );
        let lambda = text.find("lambda").unwrap();
        assert_eq!(
            lambda_name(&tree, TextRange::new(lambda, text.len() - 1)),
            Some(at("k"))
        );
    }
}
