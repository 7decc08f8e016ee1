//! Rename a variable, parameter, function or class bound in a function or the module: every
//! identifier that names the same variable in any scope of the file (uses in nested functions,
//! `nonlocal` / `global` declarations, defaults, decorators, comprehension iterables, f-string
//! fields), plus the spellings that are not variables but follow it: keyword arguments naming the
//! parameter at calls of its function, `__all__` entries, annotations CPython never evaluates.
//!
//! A rename that would change what any name means is refused with a [`RenameError`] saying why;
//! what closure-lens cannot see (attribute access, string lookups, `locals()`, other modules)
//! comes back as [`RenameWarning`]s next to the edits. Class attributes and attribute access
//! (`self.x`) are out of scope: without type inference they cannot be resolved.

mod conflicts;
mod names;
mod syntax;

use std::fmt::Write as _;

use tree_sitter::Tree;

use self::names::{is_dunder, is_keyword, is_reserved, private_class, stored_in};
use self::syntax::{ImportForm, Mentions};
use super::FileView;
use super::references;
use crate::analysis::names::normalize;
use crate::analysis::{
    Analysis, Occurrence, OccurrenceKind, ScopeId, ScopeKind, SymbolId, SymbolOrigin, TextRange,
    is_user_visible,
};

pub use self::names::is_identifier;

/// What `prepareRename` answers: the identifier under the cursor and its current spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameTarget {
    pub range: TextRange,
    pub placeholder: String,
}

/// One replacement in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// A rename: its edits (sorted, non-overlapping) and what the user should check by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rename {
    pub edits: Vec<TextEdit>,
    pub warnings: Vec<RenameWarning>,
}

/// Something a rename leaves alone that may be meant to follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// The name is also used as an attribute (`obj.x`).
    Attribute,
    /// A string spells the name (`getattr(m, "x")`, `globals()["x"]`, a forward reference).
    String,
    /// `locals()`, `globals()`, `vars()`, `eval` or `exec` can reach the variable by name.
    DynamicNamespace,
    /// A keyword argument spelled like the parameter, at a call closure-lens cannot resolve.
    KeywordArgument,
    /// An f-string field `{x=}` prints the variable's name.
    SelfDocumenting,
    /// `from m import *` may bind either name.
    StarImport,
    /// A public module-level name: other modules importing it are not updated.
    Exported,
}

/// A warning with the places it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameWarning {
    pub kind: WarningKind,
    pub message: String,
    pub ranges: Vec<TextRange>,
}

/// Why a rename is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Refusal {
    /// The cursor is not on a variable.
    NoVariable,
    /// The cursor is on an attribute name (out of scope: needs type inference).
    Attribute,
    /// The cursor is on a keyword argument (rename the parameter instead).
    KeywordArgument,
    /// The file does not parse, so some uses could be missed.
    SyntaxErrors,
    /// A builtin, or a global this file never binds.
    NotBoundInFile,
    /// A class attribute or method (out of scope: needs type inference).
    ClassAttribute,
    /// A name the compiler or the import system gives a meaning (`super`, `__class__`,
    /// `__debug__`, module dunders, `__future__` imports).
    ReservedName,
    /// `import a.b` binds `a`; no alias keeps that binding.
    DottedImport,
    /// The new name is not an identifier.
    InvalidIdentifier,
    /// The new name is a keyword.
    Keyword,
    /// The new name `_` would turn a `case` capture into a wildcard.
    SoftKeyword,
    /// The new name is already used where the variable is, or would be captured differently.
    Conflict,
    /// Private-name mangling would treat the new name differently.
    Mangling,
    /// A call passes the parameter by keyword to a function bound more than once.
    AmbiguousCall,
}

impl Refusal {
    /// A stable short name (for logs and counts).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoVariable => "no-variable",
            Self::Attribute => "attribute",
            Self::KeywordArgument => "keyword-argument",
            Self::SyntaxErrors => "syntax-errors",
            Self::NotBoundInFile => "not-bound-in-file",
            Self::ClassAttribute => "class-attribute",
            Self::ReservedName => "reserved-name",
            Self::DottedImport => "dotted-import",
            Self::InvalidIdentifier => "invalid-identifier",
            Self::Keyword => "keyword",
            Self::SoftKeyword => "soft-keyword",
            Self::Conflict => "conflict",
            Self::Mangling => "mangling",
            Self::AmbiguousCall => "ambiguous-call",
        }
    }
}

/// A refused rename: the reason, a message for the user, and the place it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError {
    pub reason: Refusal,
    pub message: String,
    pub range: Option<TextRange>,
}

impl RenameError {
    fn new(reason: Refusal, message: impl Into<String>, range: Option<TextRange>) -> Self {
        RenameError {
            reason,
            message: message.into(),
            range,
        }
    }
}

/// Whether the identifier at `offset` can be renamed, and its range and spelling.
pub fn prepare_rename(
    file: &FileView,
    tree: &Tree,
    offset: usize,
) -> Result<RenameTarget, RenameError> {
    let target = Target::at(file, tree, offset, false)?;
    Ok(RenameTarget {
        range: target.cursor.range,
        placeholder: file.text(target.cursor.range).to_owned(),
    })
}

/// Renames the variable named at `offset` to `new_name`. `tree` is the syntax tree of the same
/// text.
pub fn rename(
    file: &FileView,
    tree: &Tree,
    offset: usize,
    new_name: &str,
) -> Result<Rename, RenameError> {
    let target = Target::at(file, tree, offset, true)?;
    if new_name == file.text(target.cursor.range) {
        return Ok(Rename::default());
    }
    let new = check_new_name(file, &target, new_name)?;
    conflicts::check(file, &target, &new)?;
    let keywords = keyword_arguments(file, tree, &target)?;
    let mut edits = Vec::new();
    for o in &target.occurrences {
        let spelled = file.text(o.range);
        let new_text = match target.import_forms.iter().find(|(r, _)| *r == o.range) {
            Some((_, ImportForm::NeedsAlias)) => format!("{spelled} as {new_name}"),
            _ => new_name.to_owned(),
        };
        edits.push(TextEdit {
            range: o.range,
            new_text,
        });
    }
    let module_level = target.variable.scope == ScopeId::MODULE;
    let all_entries: &[TextRange] = if module_level {
        &target.mentions.all_entries
    } else {
        &[]
    };
    for &range in target
        .unevaluated
        .iter()
        .map(|(r, _)| r)
        .chain(&keywords.renamed)
        .chain(all_entries)
    {
        edits.push(TextEdit {
            range,
            new_text: new_name.to_owned(),
        });
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup_by_key(|e| e.range);
    let edits = keep_printed_labels(file, &target, edits);
    Ok(Rename {
        edits,
        warnings: warnings(file, &target, new_name, &keywords.unresolved),
    })
}

/// `f"{x=}"` prints `x=`: its renaming edits become one edit of the whole field that keeps the
/// label as literal text, `f"x={new!r}"`, so the output does not change. (A label that cannot be
/// literal text — quotes, backslashes — keeps the plain edits and a warning.)
fn keep_printed_labels(file: &FileView, target: &Target, edits: Vec<TextEdit>) -> Vec<TextEdit> {
    let fields: Vec<&syntax::SelfDocumenting> = target
        .mentions
        .self_documenting
        .iter()
        .filter(|f| f.plain && edits.iter().any(|e| within(e.range, f.expression)))
        .collect();
    if fields.is_empty() {
        return edits;
    }
    // Innermost fields last in source order are handled by their outermost field.
    let outermost: Vec<&syntax::SelfDocumenting> = fields
        .iter()
        .filter(|f| {
            !fields
                .iter()
                .any(|g| g.range != f.range && within(f.range, g.range))
        })
        .copied()
        .collect();
    let rewritten = |part: TextRange| {
        let mut out = String::new();
        let mut at = part.start;
        for e in edits.iter().filter(|e| within(e.range, part)) {
            out.push_str(file.text(TextRange::new(at, e.range.start)));
            out.push_str(&e.new_text);
            at = e.range.end;
        }
        out.push_str(file.text(TextRange::new(at, part.end)));
        out
    };
    let mut result: Vec<TextEdit> = edits
        .iter()
        .filter(|e| !outermost.iter().any(|f| within(e.range, f.range)))
        .cloned()
        .collect();
    for field in outermost {
        let label = file.text(field.label).replace('{', "{{").replace('}', "}}");
        let conversion = if field.shows_repr { "!r" } else { "" };
        result.push(TextEdit {
            range: field.range,
            new_text: format!(
                "{label}{{{}{conversion}{}}}",
                rewritten(field.expression),
                rewritten(field.tail)
            ),
        });
    }
    result.sort_by_key(|e| (e.range.start, e.range.end));
    result
}

/// Whether `inner` lies within `outer`.
fn within(inner: TextRange, outer: TextRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The variable being renamed, and everything about it the checks share.
struct Target<'a, 't> {
    variable: SymbolId,
    /// The occurrence under the cursor.
    cursor: &'a Occurrence,
    /// The name as written at the cursor, normalised (`__x`, not `_C__x`).
    old: String,
    /// Every occurrence of the variable.
    occurrences: Vec<&'a Occurrence>,
    /// Names in annotations CPython never evaluates (and string forward references) that name
    /// the variable lexically, with the scope they are written in.
    unevaluated: Vec<(TextRange, ScopeId)>,
    /// Bindings by import, and how each is renamed.
    import_forms: Vec<(TextRange, ImportForm)>,
    mentions: Mentions<'t>,
}

impl<'a, 't> Target<'a, 't> {
    /// The variable named at `offset`, refused if it cannot be renamed whatever the new name;
    /// with `mentions`, also every spelling of its name the tree holds.
    fn at(
        file: &FileView<'a>,
        tree: &'t Tree,
        offset: usize,
        mentions: bool,
    ) -> Result<Self, RenameError> {
        let analysis = file.analysis;
        let Some(cursor) = analysis.occurrence_at(offset) else {
            return Err(not_a_variable(file, tree, offset));
        };
        let here = Some(cursor.range);
        let variable = cursor.symbol;
        let symbol = analysis.symbol(variable);
        let old = normalize(file.text(cursor.range)).into_owned();
        if analysis.has_syntax_errors() {
            return Err(RenameError::new(
                Refusal::SyntaxErrors,
                "the file has syntax errors: rename needs the whole file to parse, or it could miss uses",
                here,
            ));
        }
        if analysis.too_deep.is_some() {
            return Err(RenameError::new(
                Refusal::SyntaxErrors,
                "part of the file nests too deep to analyse (CPython refuses it too): rename could miss uses",
                here,
            ));
        }
        if !is_user_visible(&symbol.name) {
            return Err(RenameError::new(
                Refusal::NoVariable,
                "no variable here",
                here,
            ));
        }
        if symbol.origin == SymbolOrigin::ClassCell || is_reserved(&old) {
            return Err(RenameError::new(
                Refusal::ReservedName,
                format!("`{old}` has a meaning to the compiler and cannot be renamed"),
                here,
            ));
        }
        let owner = analysis.scope(variable.scope);
        if owner.kind == ScopeKind::Class {
            return Err(RenameError::new(
                Refusal::ClassAttribute,
                format!(
                    "`{old}` is an attribute of class `{}` (bound in its body): renaming class attributes and methods needs every `self.{old}` / `{}.{old}` access, which closure-lens cannot resolve without type inference",
                    owner.name, owner.name
                ),
                here,
            ));
        }
        if variable.scope == ScopeId::MODULE && is_dunder(&old) {
            return Err(RenameError::new(
                Refusal::ReservedName,
                format!("`{old}` is a module dunder: Python and its tools look it up by name"),
                here,
            ));
        }
        let occurrences = references::occurrences(file, variable, true);
        if !occurrences.iter().any(|o| o.is_binding()) {
            return Err(RenameError::new(
                Refusal::NotBoundInFile,
                format!("`{old}` is not bound in this file: a builtin, or a global set elsewhere"),
                here,
            ));
        }
        let mut import_forms = Vec::new();
        for o in occurrences
            .iter()
            .filter(|o| o.kind == OccurrenceKind::Write)
        {
            let form = syntax::import_form(tree, o.range);
            let line = file.line(o.range.start);
            match form {
                ImportForm::Dotted => {
                    return Err(RenameError::new(
                        Refusal::DottedImport,
                        format!(
                            "`{old}` is bound by a dotted import on line {line} (`import {old}.…`), which no alias can keep: rename the import by hand",
                        ),
                        Some(o.range),
                    ));
                }
                ImportForm::Future => {
                    return Err(RenameError::new(
                        Refusal::ReservedName,
                        format!("`{old}` is a `__future__` feature (line {line})"),
                        Some(o.range),
                    ));
                }
                ImportForm::NeedsAlias => import_forms.push((o.range, form)),
                ImportForm::Plain => {}
            }
        }
        let mentions = if mentions {
            Mentions::collect(tree, file.text, &old)
        } else {
            Mentions::default()
        };
        let unevaluated = unevaluated_names(analysis, &mentions, variable, &old);
        Ok(Target {
            variable,
            cursor,
            old,
            occurrences,
            unevaluated,
            import_forms,
            mentions,
        })
    }

    /// The scopes the variable's name is written in, and its owner; sorted.
    fn scopes(&self) -> Vec<ScopeId> {
        let mut scopes: Vec<ScopeId> = self
            .occurrences
            .iter()
            .map(|o| o.scope)
            .chain(self.unevaluated.iter().map(|&(_, s)| s))
            .chain([self.variable.scope])
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

/// Why there is nothing to rename at `offset`.
fn not_a_variable(file: &FileView, tree: &Tree, offset: usize) -> RenameError {
    let node = syntax::node_at(tree, offset).filter(|n| n.kind() == "identifier");
    let at = node.map(|n| TextRange::new(n.start_byte(), n.end_byte()));
    let name = at.map_or("", |r| file.text(r));
    let parent = node.and_then(|n| n.parent());
    let field_of = |kind: &str, field: &str| {
        parent.is_some_and(|p| p.kind() == kind && p.child_by_field_name(field) == node)
    };
    if field_of("attribute", "attribute") {
        return RenameError::new(
            Refusal::Attribute,
            format!(
                "`.{name}` is attribute access: renaming attributes needs type inference, which closure-lens does not do"
            ),
            at,
        );
    }
    if field_of("keyword_argument", "name") {
        return RenameError::new(
            Refusal::KeywordArgument,
            format!(
                "`{name}=` is a keyword argument: rename the parameter where the function is defined, and calls in this file follow"
            ),
            at,
        );
    }
    RenameError::new(
        Refusal::NoVariable,
        "place the cursor on a variable, parameter, function or class name",
        at,
    )
}

/// Identifiers in never-evaluated annotations (`from __future__ import annotations`, 3.14 local
/// variable annotations) and string forward references that lexically name `variable`.
fn unevaluated_names(
    analysis: &Analysis,
    mentions: &Mentions<'_>,
    variable: SymbolId,
    old: &str,
) -> Vec<(TextRange, ScopeId)> {
    let names = mentions.annotation_names.iter().filter(|r| {
        analysis
            .occurrence_at(r.start)
            .is_none_or(|o| o.range != **r)
    });
    names
        .chain(&mentions.forward_references)
        .filter_map(|&range| {
            let scope = annotation_scope(analysis, range.start);
            let stored = stored_in(analysis, scope, old);
            (lexical_variable(analysis, scope, &stored) == Some(variable)).then_some((range, scope))
        })
        .collect()
}

/// The scope an annotation at `offset` is written in: the innermost scope around it, or for a
/// parameter or return annotation the scope around the `def`.
fn annotation_scope(analysis: &Analysis, offset: usize) -> ScopeId {
    // Scopes are in pre-order: the last one starting before `offset`, or an ancestor of it.
    let last = analysis
        .scopes
        .partition_point(|s| s.range.start <= offset)
        .saturating_sub(1);
    let mut innermost = std::iter::once(ScopeId(last as u32))
        .chain(analysis.ancestors(ScopeId(last as u32)))
        .find(|&s| {
            let range = analysis.scope(s).range;
            range.start <= offset && offset < range.end
        })
        .unwrap_or(ScopeId::MODULE);
    loop {
        let scope = analysis.scope(innermost);
        match scope.parent {
            Some(parent) if scope.kind.is_user_function() && offset < scope.header_end => {
                innermost = parent;
            }
            _ => return innermost,
        }
    }
}

/// The variable a name written in `scope` would read by the lexical rules (class bodies are
/// invisible to the scopes nested in them).
fn lexical_variable(analysis: &Analysis, scope: ScopeId, stored: &str) -> Option<SymbolId> {
    let found = std::iter::once(scope)
        .chain(analysis.ancestors(scope))
        .enumerate()
        .filter(|&(i, s)| i == 0 || analysis.scope(s).kind != ScopeKind::Class)
        .find_map(|(_, s)| analysis.scope(s).symbol(stored));
    match found {
        Some(symbol) => Some(symbol.variable),
        None => analysis
            .symbols(ScopeId::MODULE)
            .find(|(_, s)| *s.name == *stored)
            .map(|(id, _)| id),
    }
}

/// Validates `new_name` for the target and returns it normalised.
fn check_new_name(file: &FileView, target: &Target, new_name: &str) -> Result<String, RenameError> {
    let here = Some(target.cursor.range);
    let refuse = |reason, message: String| Err(RenameError::new(reason, message, here));
    if !is_identifier(new_name) {
        return refuse(
            Refusal::InvalidIdentifier,
            format!("`{new_name}` is not a Python identifier"),
        );
    }
    let new = normalize(new_name).into_owned();
    if is_keyword(&new) {
        return refuse(Refusal::Keyword, format!("`{new}` is a keyword of Python"));
    }
    if is_reserved(&new) {
        return refuse(
            Refusal::ReservedName,
            format!(
                "`{new}` has a meaning to the compiler (`super()` and `__class__` share an implicit cell; `__debug__` is a constant)"
            ),
        );
    }
    if target.variable.scope == ScopeId::MODULE && is_dunder(&new) {
        return refuse(
            Refusal::ReservedName,
            format!("`{new}` is a module dunder: Python and its tools look it up by name"),
        );
    }
    if new == "_" {
        let captures = target.occurrences.iter().find(|o| {
            o.kind == OccurrenceKind::Write && target.mentions.pattern_names.contains(&o.range)
        });
        if let Some(o) = captures {
            return refuse(
                Refusal::SoftKeyword,
                format!(
                    "`_` is the wildcard of `case` patterns: the capture on line {} would stop binding",
                    file.line(o.range.start)
                ),
            );
        }
    }
    check_mangling(file, target, &new)?;
    Ok(new)
}

/// Refuses when private-name mangling would store `new` differently in different places, or when
/// renaming a class would re-mangle the private names in its body.
fn check_mangling(file: &FileView, target: &Target, new: &str) -> Result<(), RenameError> {
    let analysis = file.analysis;
    let places = target
        .occurrences
        .iter()
        .map(|o| (o.scope, o.range))
        .chain(target.unevaluated.iter().map(|&(r, s)| (s, r)));
    let mut first: Option<(String, TextRange, ScopeId)> = None;
    for (scope, range) in places {
        let stored = stored_in(analysis, scope, new);
        if stored != new && names::in_type_scope_of_class(analysis, scope) {
            return Err(RenameError::new(
                Refusal::Mangling,
                format!(
                    "`{new}` would be mangled inside a type-parameter scope of class `{}`, where CPython mangles only some names",
                    private_class(analysis, scope).unwrap_or("?")
                ),
                Some(range),
            ));
        }
        match &first {
            None => first = Some((stored, range, scope)),
            Some((stored0, range0, scope0)) if *stored0 != stored => {
                let (mangled, plain, class_scope) = if stored != new {
                    (range, *range0, scope)
                } else {
                    (*range0, range, *scope0)
                };
                return Err(RenameError::new(
                    Refusal::Mangling,
                    format!(
                        "`{new}` is a private name: inside class `{}` (line {}) CPython stores it as `{}`, but on line {} as `{new}`, so the uses would no longer meet",
                        private_class(analysis, class_scope).unwrap_or("?"),
                        file.line(mangled.start),
                        stored_in(analysis, class_scope, new),
                        file.line(plain.start),
                    ),
                    Some(mangled),
                ));
            }
            Some(_) => {}
        }
    }
    // A class's name mangles the private names in its body.
    let strip = |n: &str| n.trim_start_matches('_').to_owned();
    if strip(&target.old) == strip(new) {
        return Ok(());
    }
    for o in target.occurrences.iter().filter(|o| o.is_binding()) {
        let Some((index, class)) = analysis
            .scopes
            .iter()
            .enumerate()
            .find(|(_, s)| s.kind == ScopeKind::Class && s.focus_range == o.range)
        else {
            continue;
        };
        let class_id = ScopeId(index as u32);
        let mangled = analysis.occurrences_in(class.range).iter().find(|m| {
            m.range.start > class.focus_range.end
                && private_class(analysis, m.scope) == Some(class.name.as_str())
                && **analysis.name_of(m) != *normalize(file.text(m.range))
        });
        if let Some(m) = mangled {
            return Err(RenameError::new(
                Refusal::Mangling,
                format!(
                    "class `{}` has private names (`{}` on line {}, stored as `{}`): renaming the class would mangle them as `_{}{}` instead",
                    class.name,
                    file.text(m.range),
                    file.line(m.range.start),
                    analysis.name_of(m),
                    strip(new),
                    file.text(m.range),
                ),
                Some(analysis.scope(class_id).focus_range),
            ));
        }
    }
    Ok(())
}

/// Keyword arguments naming the renamed parameter: those renamed, and those at calls that cannot
/// be resolved (warned about).
#[derive(Default)]
struct Keywords {
    renamed: Vec<TextRange>,
    unresolved: Vec<TextRange>,
}

/// The keyword arguments `old=` at calls of the function whose parameter is renamed.
fn keyword_arguments(
    file: &FileView,
    tree: &Tree,
    target: &Target,
) -> Result<Keywords, RenameError> {
    let analysis = file.analysis;
    let mut keywords = Keywords::default();
    let owner_id = target.variable.scope;
    let owner = analysis.scope(owner_id);
    let param = target
        .occurrences
        .iter()
        .find(|o| o.kind == OccurrenceKind::Param && o.scope == owner_id);
    let Some(param) = param else {
        return Ok(keywords);
    };
    if !owner.kind.is_user_function() || target.mentions.keyword_arguments.is_empty() {
        return Ok(keywords);
    }
    let by_keyword = syntax::takes_keyword(tree, param.range);
    // The variables the function is called through, and the names of those variables.
    let mut callees: Vec<(SymbolId, &str)> = Vec::new();
    let mut add_callee = |range: Option<TextRange>| {
        let found = range.and_then(|r| analysis.occurrence_at(r.start).filter(|o| o.range == r));
        if let Some(o) = found {
            callees.push((o.symbol, file.text(o.range)));
        }
    };
    match owner.kind {
        ScopeKind::Lambda => add_callee(syntax::lambda_name(tree, owner.range)),
        _ => {
            add_callee(Some(owner.focus_range));
            let constructor = matches!(owner.name.as_str(), "__init__" | "__new__");
            let class = analysis.defining_scope(owner_id).filter(|_| constructor);
            if let Some(parent) = class {
                let class = analysis.scope(parent);
                if class.kind == ScopeKind::Class {
                    add_callee(Some(class.focus_range));
                }
            }
        }
    }
    for kw in &target.mentions.keyword_arguments {
        let function = TextRange::new(kw.function.start_byte(), kw.function.end_byte());
        let called = analysis
            .occurrence_at(function.start)
            .filter(|o| o.range == function && kw.function.kind() == "identifier");
        if let Some(called) = called {
            if !callees.iter().any(|(v, _)| *v == called.symbol) {
                continue;
            }
            if !by_keyword {
                continue;
            }
            let bindings: Vec<&Occurrence> = analysis.bindings_of(called.symbol).collect();
            if bindings.len() > 1 {
                let lines: Vec<u32> = bindings.iter().map(|b| file.line(b.range.start)).collect();
                return Err(RenameError::new(
                    Refusal::AmbiguousCall,
                    format!(
                        "the call `{}({}=…)` on line {} may reach any of the {} bindings of `{}` ({}), not only the one whose parameter is renamed",
                        file.text(called.range),
                        target.old,
                        file.line(kw.name.start),
                        bindings.len(),
                        file.text(called.range),
                        lines_text(&lines)
                    ),
                    Some(kw.name),
                ));
            }
            keywords.renamed.push(kw.name);
            continue;
        }
        if !by_keyword {
            continue;
        }
        let attribute = (kw.function.kind() == "attribute")
            .then(|| kw.function.child_by_field_name("attribute"))
            .flatten()
            .map(|a| {
                normalize(file.text(TextRange::new(a.start_byte(), a.end_byte()))).into_owned()
            });
        let through_attribute =
            attribute.is_some_and(|a| callees.iter().any(|(_, name)| normalize(name) == a));
        let passed_along = analysis
            .occurrences_in(kw.arguments)
            .iter()
            .any(|o| callees.iter().any(|(v, _)| *v == o.symbol));
        if through_attribute || passed_along {
            keywords.unresolved.push(kw.name);
        }
    }
    Ok(keywords)
}

/// "3" or "3, 7, 12" (at most six, then "…").
fn lines_text(lines: &[u32]) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i == 6 {
            out.push_str(", …");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{line}");
    }
    out
}

/// "line 3" or "lines 3, 7" for the ranges.
fn on_lines(file: &FileView, ranges: &[TextRange]) -> String {
    let mut lines: Vec<u32> = ranges.iter().map(|r| file.line(r.start)).collect();
    lines.dedup();
    let plural = if lines.len() == 1 { "" } else { "s" };
    format!("line{plural} {}", lines_text(&lines))
}

/// What the rename leaves alone that may be meant to follow it.
fn warnings(
    file: &FileView,
    target: &Target,
    new_name: &str,
    unresolved_keywords: &[TextRange],
) -> Vec<RenameWarning> {
    let analysis = file.analysis;
    let old = &target.old;
    let mentions = &target.mentions;
    let module_level = target.variable.scope == ScopeId::MODULE;
    let mut warnings = Vec::new();
    let mut warn = |kind, ranges: Vec<TextRange>, message: String| {
        if !ranges.is_empty() {
            warnings.push(RenameWarning {
                kind,
                message,
                ranges,
            });
        }
    };
    warn(
        WarningKind::Attribute,
        mentions.attributes.clone(),
        format!(
            "`.{old}` on {} is attribute access, which rename leaves alone (closure-lens does not infer types): check that it is not meant to follow",
            on_lines(file, &mentions.attributes)
        ),
    );
    let strings: Vec<TextRange> = mentions
        .strings
        .iter()
        .chain(&mentions.annotation_strings)
        .copied()
        .collect();
    warn(
        WarningKind::String,
        strings.clone(),
        format!(
            "strings on {} spell `{old}` (a `getattr`, `globals()[…]` or string-annotation lookup?); they are not renamed",
            on_lines(file, &strings)
        ),
    );
    let owner_range = if module_level {
        TextRange::new(0, file.text.len())
    } else {
        analysis.scope(target.variable.scope).range
    };
    let dynamic: Vec<TextRange> = mentions
        .dynamic_calls
        .iter()
        .filter(|r| owner_range.contains(r.start))
        .filter(|r| {
            analysis.occurrence_at(r.start).is_some_and(|o| {
                o.symbol.scope == ScopeId::MODULE && analysis.bindings_of(o.symbol).next().is_none()
            })
        })
        .copied()
        .collect();
    warn(
        WarningKind::DynamicNamespace,
        dynamic.clone(),
        format!(
            "`globals()`, `locals()`, `vars()`, `eval` or `exec` on {} can reach `{old}` by name",
            on_lines(file, &dynamic)
        ),
    );
    warn(
        WarningKind::KeywordArgument,
        unresolved_keywords.to_vec(),
        format!(
            "the keyword argument `{old}=` on {} is passed to a call closure-lens cannot resolve (through an attribute or another function); it is not renamed",
            on_lines(file, unresolved_keywords)
        ),
    );
    let printed: Vec<TextRange> = mentions
        .self_documenting
        .iter()
        .filter(|f| !f.plain)
        .filter(|f| {
            target
                .occurrences
                .iter()
                .any(|o| within(o.range, f.expression))
        })
        .map(|f| f.range)
        .collect();
    warn(
        WarningKind::SelfDocumenting,
        printed.clone(),
        format!(
            "the f-string field on {} prints its own text: it will print `{new_name}` where it printed `{old}`",
            on_lines(file, &printed)
        ),
    );
    if module_level {
        warn(
            WarningKind::StarImport,
            mentions.star_imports.clone(),
            format!(
                "`from … import *` on {} may also bind `{old}` or `{new_name}`",
                on_lines(file, &mentions.star_imports)
            ),
        );
        if !old.starts_with('_') {
            warn(
                WarningKind::Exported,
                vec![target.cursor.range],
                format!(
                    "`{old}` is a public module-level name: other modules importing it are not updated (rename works within this file)"
                ),
            );
        }
    }
    warnings
}

#[cfg(test)]
mod tests;
