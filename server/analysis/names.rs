//! Identifier spelling as CPython stores it: NFKC normalisation and private-name mangling.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// The identifier as the parser stores it: NFKC-normalised (`ﬁle` is `file`).
pub fn normalize(ident: &str) -> Cow<'_, str> {
    if ident.is_ascii() {
        Cow::Borrowed(ident)
    } else {
        Cow::Owned(ident.nfkc().collect())
    }
}

/// `_Py_Mangle`: `__x` inside class `Cls` becomes `_Cls__x`.
///
/// Dunder names, dotted names and classes named only with underscores are left alone.
pub fn mangle<'a>(class_name: Option<&str>, ident: &'a str) -> Cow<'a, str> {
    let Some(class_name) = class_name else {
        return Cow::Borrowed(ident);
    };
    if !ident.starts_with("__") || ident.ends_with("__") || ident.contains('.') {
        return Cow::Borrowed(ident);
    }
    let stripped = class_name.trim_start_matches('_');
    if stripped.is_empty() {
        return Cow::Borrowed(ident);
    }
    Cow::Owned(format!("_{stripped}{ident}"))
}

/// The inverse of [`mangle`] for display: `_C__x` → `__x`; other names unchanged.
pub fn demangle(name: &str) -> &str {
    if name.starts_with('_') && !name.starts_with("__") {
        if let Some(i) = name[1..].find("__") {
            let rest = &name[1 + i..];
            if rest.len() > 2 && !rest.ends_with("__") {
                return rest;
            }
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangles_like_cpython() {
        assert_eq!(mangle(Some("K"), "__x"), "_K__x");
        assert_eq!(mangle(Some("__K"), "__x"), "_K__x");
        assert_eq!(mangle(Some("___"), "__x"), "__x");
        assert_eq!(mangle(Some("K"), "__x__"), "__x__");
        assert_eq!(mangle(Some("K"), "__a.b"), "__a.b");
        assert_eq!(mangle(Some("K"), "_x"), "_x");
        assert_eq!(mangle(None, "__x"), "__x");
    }

    #[test]
    fn demangles_private_names() {
        assert_eq!(demangle("_C__x"), "__x");
        assert_eq!(demangle("__x"), "__x");
        assert_eq!(demangle("_x"), "_x");
        assert_eq!(demangle("x"), "x");
        assert_eq!(demangle("_C__init__"), "_C__init__");
    }

    #[test]
    fn normalizes_nfkc() {
        assert_eq!(normalize("ﬁle"), "file");
        assert_eq!(normalize("ｘ"), "x");
        assert!(matches!(normalize("plain"), Cow::Borrowed(_)));
    }
}
