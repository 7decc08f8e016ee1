//! The closure-related SyntaxErrors CPython's symbol table pass raises, as typed kinds carrying
//! the names they mention. [`ErrorKind::message`] is the one place CPython's exact text is
//! written; [`SyntaxRule`] groups the kinds into the stable rules diagnostics and `check` report.

use std::fmt;

use super::model::ScopeKind;

/// `global` or `nonlocal`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Declaration {
    Global,
    Nonlocal,
}

impl fmt::Display for Declaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Declaration::Global => "global",
            Declaration::Nonlocal => "nonlocal",
        })
    }
}

/// Where a comprehension's assignment expression would bind, when CPython refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WalrusPlace {
    ClassBody,
    Generic,
    TypeAlias,
    TypeVarBound,
}

/// The lazily evaluated scopes where `yield`, `await` and `:=` are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RestrictedScope {
    /// An annotation scope (a `from __future__ import annotations` annotation before 3.14).
    Annotation,
    /// An annotation scope, as 3.11 words it.
    AnnotationIn311,
    TypeVarBound,
    TypeAlias,
    Generic,
}

/// One closure-related SyntaxError.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    NonlocalWithoutBinding {
        name: String,
    },
    NonlocalAtModuleLevel,
    NonlocalAndGlobal {
        name: String,
    },
    NonlocalTypeParameter {
        name: String,
    },
    UsedBeforeDeclaration {
        name: String,
        declaration: Declaration,
    },
    AssignedBeforeDeclaration {
        name: String,
        declaration: Declaration,
    },
    ParameterDeclared {
        name: String,
        declaration: Declaration,
    },
    AnnotatedDeclared {
        name: String,
        declaration: Declaration,
    },
    ImportStarInFunction,
    DuplicateArgument {
        name: String,
    },
    DuplicateTypeParameter {
        name: String,
    },
    WalrusRebindsIterationVariable {
        name: String,
    },
    IterationRebindsWalrusTarget {
        name: String,
    },
    WalrusInComprehensionIterable,
    WalrusInComprehension {
        place: WalrusPlace,
    },
    YieldInComprehension {
        comprehension: ScopeKind,
    },
    AwaitOutsideFunction,
    AwaitOutsideAsyncFunction,
    AsyncComprehensionOutsideAsyncFunction,
    /// `what` is CPython's own name for the construct (`yield expression`, …).
    InRestrictedScope {
        what: &'static str,
        scope: RestrictedScope,
    },
    /// 3.12 only: a `lambda` or a comprehension (`what`) in an annotation scope that can see
    /// its class's names.
    InClassAnnotationScope {
        what: &'static str,
    },
    DebugAssignment {
        delete: bool,
    },
}

impl ErrorKind {
    /// Whether the symbol table raises it while resolving names (its second pass, after every
    /// block was visited), not while visiting them.
    pub fn is_resolution_error(&self) -> bool {
        use ErrorKind::*;
        matches!(
            self,
            NonlocalWithoutBinding { .. }
                | NonlocalAtModuleLevel
                | NonlocalAndGlobal { .. }
                | NonlocalTypeParameter { .. }
        )
    }

    /// CPython's message, exactly.
    pub fn message(&self) -> String {
        use ErrorKind::*;
        match self {
            NonlocalWithoutBinding { name } => format!("no binding for nonlocal '{name}' found"),
            NonlocalAtModuleLevel => "nonlocal declaration not allowed at module level".into(),
            NonlocalAndGlobal { name } => format!("name '{name}' is nonlocal and global"),
            NonlocalTypeParameter { name } => {
                format!("nonlocal binding not allowed for type parameter '{name}'")
            }
            UsedBeforeDeclaration { name, declaration } => {
                format!("name '{name}' is used prior to {declaration} declaration")
            }
            AssignedBeforeDeclaration { name, declaration } => {
                format!("name '{name}' is assigned to before {declaration} declaration")
            }
            ParameterDeclared { name, declaration } => {
                format!("name '{name}' is parameter and {declaration}")
            }
            AnnotatedDeclared { name, declaration } => {
                format!("annotated name '{name}' can't be {declaration}")
            }
            ImportStarInFunction => "import * only allowed at module level".into(),
            DuplicateArgument { name } => {
                format!("duplicate argument '{name}' in function definition")
            }
            DuplicateTypeParameter { name } => format!("duplicate type parameter '{name}'"),
            WalrusRebindsIterationVariable { name } => format!(
                "assignment expression cannot rebind comprehension iteration variable '{name}'"
            ),
            IterationRebindsWalrusTarget { name } => format!(
                "comprehension inner loop cannot rebind assignment expression target '{name}'"
            ),
            WalrusInComprehensionIterable => {
                "assignment expression cannot be used in a comprehension iterable expression".into()
            }
            WalrusInComprehension { place } => format!(
                "assignment expression within a comprehension cannot be used {}",
                match place {
                    WalrusPlace::ClassBody => "in a class body",
                    WalrusPlace::Generic => "within the definition of a generic",
                    WalrusPlace::TypeAlias => "in a type alias",
                    WalrusPlace::TypeVarBound => "in a TypeVar bound",
                }
            ),
            YieldInComprehension { comprehension } => format!(
                "'yield' inside {}",
                match comprehension {
                    ScopeKind::ListComp => "list comprehension",
                    ScopeKind::SetComp => "set comprehension",
                    ScopeKind::DictComp => "dict comprehension",
                    _ => "generator expression",
                }
            ),
            AwaitOutsideFunction => "'await' outside function".into(),
            AwaitOutsideAsyncFunction => "'await' outside async function".into(),
            AsyncComprehensionOutsideAsyncFunction => {
                "asynchronous comprehension outside of an asynchronous function".into()
            }
            InRestrictedScope { what, scope } => match scope {
                RestrictedScope::Annotation => {
                    format!("{what} cannot be used within an annotation")
                }
                RestrictedScope::AnnotationIn311 => {
                    format!("'{what}' can not be used within an annotation")
                }
                RestrictedScope::TypeVarBound => {
                    format!("{what} cannot be used within a TypeVar bound")
                }
                RestrictedScope::TypeAlias => format!("{what} cannot be used within a type alias"),
                RestrictedScope::Generic => {
                    format!("{what} cannot be used within the definition of a generic")
                }
            },
            InClassAnnotationScope { what } => {
                format!("Cannot use {what} in annotation scope within class scope")
            }
            DebugAssignment { delete: true } => "cannot delete __debug__".into(),
            DebugAssignment { delete: false } => "cannot assign to __debug__".into(),
        }
    }

    /// The rule this error belongs to.
    pub fn rule(&self) -> SyntaxRule {
        use ErrorKind::*;
        match self {
            NonlocalWithoutBinding { .. } => SyntaxRule::NonlocalWithoutBinding,
            NonlocalAtModuleLevel => SyntaxRule::NonlocalAtModuleLevel,
            NonlocalAndGlobal { .. } => SyntaxRule::NonlocalAndGlobal,
            NonlocalTypeParameter { .. } => SyntaxRule::NonlocalTypeParameter,
            UsedBeforeDeclaration { .. } => SyntaxRule::UsedBeforeDeclaration,
            AssignedBeforeDeclaration { .. } => SyntaxRule::AssignedBeforeDeclaration,
            ParameterDeclared { .. } => SyntaxRule::ParameterDeclared,
            AnnotatedDeclared { .. } => SyntaxRule::AnnotatedDeclared,
            ImportStarInFunction => SyntaxRule::ImportStarInFunction,
            DuplicateArgument { .. } => SyntaxRule::DuplicateArgument,
            DuplicateTypeParameter { .. } => SyntaxRule::DuplicateTypeParameter,
            WalrusRebindsIterationVariable { .. } | IterationRebindsWalrusTarget { .. } => {
                SyntaxRule::WalrusRebindsIterationVariable
            }
            WalrusInComprehensionIterable => SyntaxRule::WalrusInComprehensionIterable,
            WalrusInComprehension { .. } => SyntaxRule::WalrusInComprehensionScope,
            YieldInComprehension { .. } => SyntaxRule::YieldInComprehension,
            AwaitOutsideFunction
            | AwaitOutsideAsyncFunction
            | AsyncComprehensionOutsideAsyncFunction => SyntaxRule::AwaitOutsideAsync,
            InRestrictedScope { .. } | InClassAnnotationScope { .. } => {
                SyntaxRule::ForbiddenInAnnotationScope
            }
            DebugAssignment { .. } => SyntaxRule::DebugAssignment,
        }
    }
}

/// A family of closure-related SyntaxErrors: what diagnostics and `check` report as the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SyntaxRule {
    NonlocalWithoutBinding,
    NonlocalAtModuleLevel,
    NonlocalAndGlobal,
    NonlocalTypeParameter,
    UsedBeforeDeclaration,
    AssignedBeforeDeclaration,
    ParameterDeclared,
    AnnotatedDeclared,
    ImportStarInFunction,
    DuplicateArgument,
    DuplicateTypeParameter,
    WalrusRebindsIterationVariable,
    WalrusInComprehensionIterable,
    WalrusInComprehensionScope,
    YieldInComprehension,
    AwaitOutsideAsync,
    ForbiddenInAnnotationScope,
    DebugAssignment,
}

impl SyntaxRule {
    /// Every rule, in the order the docs list them.
    pub const ALL: [SyntaxRule; 18] = [
        SyntaxRule::NonlocalWithoutBinding,
        SyntaxRule::NonlocalAtModuleLevel,
        SyntaxRule::NonlocalAndGlobal,
        SyntaxRule::NonlocalTypeParameter,
        SyntaxRule::UsedBeforeDeclaration,
        SyntaxRule::AssignedBeforeDeclaration,
        SyntaxRule::ParameterDeclared,
        SyntaxRule::AnnotatedDeclared,
        SyntaxRule::ImportStarInFunction,
        SyntaxRule::DuplicateArgument,
        SyntaxRule::DuplicateTypeParameter,
        SyntaxRule::WalrusRebindsIterationVariable,
        SyntaxRule::WalrusInComprehensionIterable,
        SyntaxRule::WalrusInComprehensionScope,
        SyntaxRule::YieldInComprehension,
        SyntaxRule::AwaitOutsideAsync,
        SyntaxRule::ForbiddenInAnnotationScope,
        SyntaxRule::DebugAssignment,
    ];

    /// The stable code (`nonlocal-without-binding`).
    pub fn id(self) -> &'static str {
        use SyntaxRule::*;
        match self {
            NonlocalWithoutBinding => "nonlocal-without-binding",
            NonlocalAtModuleLevel => "nonlocal-at-module-level",
            NonlocalAndGlobal => "nonlocal-and-global",
            NonlocalTypeParameter => "nonlocal-type-parameter",
            UsedBeforeDeclaration => "used-before-declaration",
            AssignedBeforeDeclaration => "assigned-before-declaration",
            ParameterDeclared => "parameter-declared",
            AnnotatedDeclared => "annotated-declared",
            ImportStarInFunction => "import-star-in-function",
            DuplicateArgument => "duplicate-argument",
            DuplicateTypeParameter => "duplicate-type-parameter",
            WalrusRebindsIterationVariable => "walrus-rebinds-iteration-variable",
            WalrusInComprehensionIterable => "walrus-in-comprehension-iterable",
            WalrusInComprehensionScope => "walrus-in-comprehension-scope",
            YieldInComprehension => "yield-in-comprehension",
            AwaitOutsideAsync => "await-outside-async",
            ForbiddenInAnnotationScope => "forbidden-in-annotation-scope",
            DebugAssignment => "debug-assignment",
        }
    }

    /// One sentence on what the rule catches.
    pub fn summary(self) -> &'static str {
        use SyntaxRule::*;
        match self {
            NonlocalWithoutBinding => "A `nonlocal` name is not bound in any enclosing function.",
            NonlocalAtModuleLevel => {
                "`nonlocal` is used at module level, where there is no enclosing function."
            }
            NonlocalAndGlobal => {
                "The same name is declared both `nonlocal` and `global` in one scope."
            }
            NonlocalTypeParameter => "`nonlocal` names a type parameter (3.12+).",
            UsedBeforeDeclaration => "A name is used before its `global` / `nonlocal` declaration.",
            AssignedBeforeDeclaration => {
                "A name is assigned before its `global` / `nonlocal` declaration."
            }
            ParameterDeclared => "A parameter is declared `global` or `nonlocal`.",
            AnnotatedDeclared => "An annotated name is declared `global` or `nonlocal`.",
            ImportStarInFunction => "`from ... import *` inside a function or class.",
            DuplicateArgument => "Two parameters of one function have the same name.",
            DuplicateTypeParameter => {
                "Two type parameters of one generic have the same name (3.12+)."
            }
            WalrusRebindsIterationVariable => {
                "An assignment expression in a comprehension rebinds its iteration variable."
            }
            WalrusInComprehensionIterable => {
                "An assignment expression in a comprehension's iterable expression."
            }
            WalrusInComprehensionScope => {
                "An assignment expression in a comprehension whose target would land in a class \
                 body or a type-parameter scope."
            }
            YieldInComprehension => "`yield` inside a comprehension or generator expression.",
            AwaitOutsideAsync => {
                "`await` or an asynchronous comprehension outside an `async` function."
            }
            ForbiddenInAnnotationScope => {
                "`yield`, `await` or `:=` in an annotation, type alias, TypeVar bound or \
                 type-parameter list."
            }
            DebugAssignment => "`__debug__` is assigned or deleted (3.14).",
        }
    }

    /// The rule with code `id`.
    pub fn parse(id: &str) -> Option<SyntaxRule> {
        SyntaxRule::ALL.into_iter().find(|r| r.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_parse_back() {
        for rule in SyntaxRule::ALL {
            assert_eq!(SyntaxRule::parse(rule.id()), Some(rule));
        }
        let mut ids: Vec<&str> = SyntaxRule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SyntaxRule::ALL.len());
    }

    #[test]
    fn messages_are_cpythons() {
        let kind = ErrorKind::UsedBeforeDeclaration {
            name: "x".into(),
            declaration: Declaration::Nonlocal,
        };
        assert_eq!(
            kind.message(),
            "name 'x' is used prior to nonlocal declaration"
        );
        assert_eq!(kind.rule().id(), "used-before-declaration");
    }
}
