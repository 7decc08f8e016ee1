//! What a new name may be: Python's identifier rules (after NFKC normalisation, as the tokenizer
//! applies them), its keywords, and private-name mangling.

use crate::analysis::names::{mangle, normalize};
use crate::analysis::{Analysis, ScopeId, ScopeKind};

/// The hard keywords of Python 3.11–3.14: never an identifier.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `text` is a Python identifier: it tokenizes as one name and its NFKC form starts with
/// `_` or an `XID_Start` character and continues with `XID_Continue` characters.
pub fn is_identifier(text: &str) -> bool {
    // The tokenizer reads a name as ASCII letters, digits and `_`, plus any non-ASCII character.
    let tokenizes = text
        .chars()
        .all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '_');
    let normalized = normalize(text);
    let mut chars = normalized.chars();
    tokenizes
        && chars
            .next()
            .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
}

/// Whether `name` (normalised) is a hard keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether `name` is a dunder (`__x__`).
pub fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// Names the compiler itself gives a meaning: `__debug__` is a constant, `super` and `__class__`
/// make methods capture the implicit `__class__` cell.
pub fn is_reserved(name: &str) -> bool {
    matches!(name, "__debug__" | "super" | "__class__")
}

/// The class whose name mangles `__x` spelled in `scope`: the innermost class body enclosing it
/// (itself included).
pub fn private_class(analysis: &Analysis, scope: ScopeId) -> Option<&str> {
    std::iter::once(scope)
        .chain(analysis.ancestors(scope))
        .map(|s| analysis.scope(s))
        .find(|s| s.kind == ScopeKind::Class)
        .map(|s| s.name.as_str())
}

/// How CPython stores `name` (already normalised) written in `scope`: mangled when a class
/// encloses it.
pub fn stored_in(analysis: &Analysis, scope: ScopeId, name: &str) -> String {
    mangle(private_class(analysis, scope), name).into_owned()
}

/// Whether a type-parameter, type-alias or type-variable scope (3.12+, where only some names are
/// mangled) lies between `scope` and its class.
pub fn in_type_scope_of_class(analysis: &Analysis, scope: ScopeId) -> bool {
    let mut saw_type_scope = false;
    for s in std::iter::once(scope).chain(analysis.ancestors(scope)) {
        match analysis.scope(s).kind {
            ScopeKind::Class => return saw_type_scope,
            ScopeKind::TypeParams | ScopeKind::TypeAlias | ScopeKind::TypeVar => {
                saw_type_scope = true;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_as_the_tokenizer_reads_them() {
        for ok in ["x", "_", "_x1", "café", "ﬁle", "ｘ", "名前", "x·y"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "1x", "x-y", "x y", "a.b", "$x", "x\u{200b}", "·x"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn keywords_and_names_with_a_meaning() {
        assert!(is_keyword("lambda") && is_keyword("None") && is_keyword("await"));
        assert!(!is_keyword("match") && !is_keyword("type") && !is_keyword("_"));
        assert!(is_dunder("__all__") && !is_dunder("__x") && !is_dunder("____"));
        assert!(is_reserved("__debug__") && is_reserved("super") && !is_reserved("self"));
    }
}
