//! `unused-declaration`: a `nonlocal` or `global` name the scope never assigns, so the
//! declaration changes nothing (reads find the same variable without it). The fix removes the
//! name, or the whole statement when none of its names is needed.

use std::sync::Arc;

use super::{Code, Diagnostic, Edit, Finding, Fix, Origin, Select};
use crate::analysis::{
    Analysis, Declaration, Occurrence, OccurrenceKind, Resolution, ScopeId, ScopeKind, Symbol,
    SymbolFlags, TextRange,
};
use crate::ide::FileView;

pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let mut found = unused(file, select);
    let unused: Vec<TextRange> = found.iter().map(|f| f.diagnostic.range).collect();
    for f in &mut found {
        let range = f.diagnostic.range;
        Arc::make_mut(&mut f.diagnostic)
            .fixes
            .extend(removal(file, range, &unused));
    }
    found
}

/// What the diagnostics of the statement `declaration`'s names read besides the declaring
/// scope's symbols and its enclosing scopes' (`names`: its names' occurrences, `None` where none
/// is found): for the fix, whether the statement's other names are needed (for a `nonlocal`
/// name, by the scopes capturing the variable from its owner), and the statement's line. The
/// same for every name of the statement.
fn origin(analysis: &Analysis, declaration: &Declaration, names: &[Option<&Occurrence>]) -> Origin {
    let Some(first) = names.iter().flatten().next() else {
        return Origin::default();
    };
    let mut scopes = vec![first.scope];
    if first.kind == OccurrenceKind::NonlocalDecl {
        // Each name's occurrence names the variable it declares (the owner's symbol).
        scopes.extend(
            names
                .iter()
                .flatten()
                .map(|name| analysis.frame_of(name.symbol.scope)),
        );
    }
    Origin {
        scopes,
        lines: vec![declaration.statement.start],
        ..Origin::default()
    }
}

fn unused(file: &FileView, select: &Select) -> Vec<Finding> {
    let analysis = file.analysis;
    // A scope with a SyntaxError does not compile: its declarations are the error's business.
    let has_error = |scope: ScopeId| {
        let range = analysis.scope(scope).range;
        analysis
            .errors
            .iter()
            .any(|e| range.contains(e.range.start))
    };
    // The declared names, from the `global` and `nonlocal` statements (not a scan of every
    // occurrence of the file on each ask), each statement's names looked up once.
    let mut found = Vec::new();
    for declaration in &analysis.facts.declarations {
        let names: Vec<Option<&Occurrence>> = declaration
            .names()
            .map(|n| analysis.occurrence_at(n.start))
            .collect();
        let origin = origin(analysis, declaration, &names);
        if !select.wants(&origin) {
            continue;
        }
        let declared = declaration.names().zip(&names).filter_map(|(n, o)| {
            o.filter(|o| {
                o.range == n
                    && matches!(
                        o.kind,
                        OccurrenceKind::NonlocalDecl | OccurrenceKind::GlobalDecl
                    )
            })
        });
        for o in declared.filter(|o| !has_error(o.scope)) {
            found.extend(finding(file, o, origin.clone()));
        }
    }
    found
}

/// The finding of the declared name `o`, if the declaration is not needed.
fn finding(file: &FileView, o: &Occurrence, origin: Origin) -> Option<Finding> {
    let analysis = file.analysis;
    let symbol = analysis.scope(o.scope).symbol(analysis.name_of(o))?;
    let global = o.kind == OccurrenceKind::GlobalDecl;
    let needed = if global {
        needed_global(file, o.scope, symbol)
    } else {
        needed_nonlocal(file, o.scope, symbol)
    };
    if symbol.is_assigned() || needed {
        return None;
    }
    let keyword = if global { "global" } else { "nonlocal" };
    let shown = file.text(o.range);
    let scope = file.scope_name(o.scope);
    let mut diagnostic = Diagnostic::new(
        Code::UnusedDeclaration,
        o.range,
        format!(
            "`{keyword} {shown}` is not needed: `{scope}` never assigns `{shown}`, and reading it finds the same variable without the declaration"
        ),
    );
    diagnostic.unnecessary = true;
    Some(Finding::new(diagnostic, origin))
}

/// The fix for the unneeded name at `name`: the name and its comma go; when every name of the
/// statement is `unused`, the statement goes (its line, if it has one of its own; `pass` if it is
/// the only statement of its block). `None` for a layout it does not handle (`;` on the line).
fn removal(file: &FileView, name: TextRange, unused: &[TextRange]) -> Option<Fix> {
    let declaration = file
        .analysis
        .facts
        .declarations
        .iter()
        .find(|d| d.names().any(|n| n == name))?;
    let keyword = if file.text(declaration.statement).starts_with("global") {
        "global"
    } else {
        "nonlocal"
    };
    let shown = file.text(name);
    let names: Vec<TextRange> = declaration.names().collect();
    if names.iter().all(|n| unused.contains(n)) {
        return Some(Fix {
            title: format!("Remove `{}`", file.text(declaration.statement)),
            safe: true,
            edits: vec![statement_removal(file, declaration)?],
        });
    }
    let i = names.iter().position(|&n| n == name)?;
    let range = match names.get(i + 1) {
        Some(next) => TextRange::new(name.start, next.start),
        None => TextRange::new(names[i - 1].end, name.end),
    };
    Some(Fix {
        title: format!("Remove `{shown}` from `{keyword}`"),
        safe: true,
        edits: vec![Edit {
            range,
            new_text: String::new(),
        }],
    })
}

/// Removes a whole declaration statement.
fn statement_removal(file: &FileView, declaration: &Declaration) -> Option<Edit> {
    let statement = declaration.statement;
    let line = file.line(statement.start) - 1;
    let (start, end) = (file.lines.line_start(line), file.lines.line_end(line));
    let before = &file.text[start..statement.start];
    let after = file.text.get(statement.end..end)?.trim_start();
    if !before.trim().is_empty() || !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    if declaration.alone {
        return Some(Edit {
            range: statement,
            new_text: "pass".into(),
        });
    }
    if !after.is_empty() {
        // The comment stays on its line.
        return Some(Edit {
            range: TextRange::new(statement.start, end - after.len()),
            new_text: String::new(),
        });
    }
    // The line and its line break (the text's end for its last line).
    Some(Edit {
        range: TextRange::new(start, file.lines.line_start(line + 1)),
        new_text: String::new(),
    })
}

/// Whether `global name` in `scope` matters although the scope never assigns the name: without
/// it, the reads there or in nested scopes would find an enclosing function's variable, or (in a
/// class body) look in the class namespace first.
fn needed_global(file: &FileView, scope: ScopeId, symbol: &Symbol) -> bool {
    let analysis = file.analysis;
    let in_class_body = analysis.scope(scope).kind == ScopeKind::Class;
    in_class_body && symbol.flags.contains(SymbolFlags::USE)
        || analysis.ancestors(scope).any(|a| {
            let s = analysis.scope(a);
            !matches!(s.kind, ScopeKind::Module | ScopeKind::Class)
                && s.symbol(&symbol.name)
                    .is_some_and(|e| matches!(e.resolution, Resolution::Local | Resolution::Cell))
        })
}

/// Whether `nonlocal name` in `scope` matters although the scope never assigns the name: when
/// neither the scope nor a scope nested in it reads the name, the declaration alone is what puts
/// the cell in the scope's `__closure__` (as `types.CellType` is made).
fn needed_nonlocal(file: &FileView, scope: ScopeId, symbol: &Symbol) -> bool {
    let analysis = file.analysis;
    let read_here = symbol.flags.contains(SymbolFlags::USE);
    let owner = analysis.frame_of(symbol.variable.scope);
    let read_below = analysis
        .scope(owner)
        .captured_by(&symbol.name)
        .iter()
        .any(|&user| user != scope && analysis.ancestors(user).any(|a| a == scope));
    !read_here && !read_below
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::ide::diagnostics::tests::check;

    #[test]
    fn read_only_declarations() {
        check(
            r#"
total = 0
def f():
    count = 0
    def g():
        nonlocal count
        global total
        return count + total
    def h():
        nonlocal count
        global total
        count += 1
        total += 1
    return g, h
"#,
            expect![[r#"
                5:18 unused-declaration hint unnecessary: `nonlocal count` is not needed: `g` never assigns `count`, and reading it finds the same variable without the declaration [count]
                  fix (safe): Remove `nonlocal count`
                  | total = 0
                  | def f():
                  |     count = 0
                  |     def g():
                  |         global total
                  |         return count + total
                  |     def h():
                  |         nonlocal count
                  |         global total
                  |         count += 1
                  |         total += 1
                  |     return g, h
                6:16 unused-declaration hint unnecessary: `global total` is not needed: `g` never assigns `total`, and reading it finds the same variable without the declaration [total]
                  fix (safe): Remove `global total`
                  | total = 0
                  | def f():
                  |     count = 0
                  |     def g():
                  |         nonlocal count
                  |         return count + total
                  |     def h():
                  |         nonlocal count
                  |         global total
                  |         count += 1
                  |         total += 1
                  |     return g, h"#]],
        );
    }

    #[test]
    fn a_global_that_hides_an_enclosing_binding_is_needed() {
        check(
            "x = 0\ndef f():\n    x = 1\n    def g():\n        global x\n        return x\n    return g\n",
            expect![""],
        );
    }

    #[test]
    fn removals_keep_the_needed_names_the_comments_and_the_blocks() {
        check(
            r#"
total = 0
def f():
    a = b = 0
    def g():
        nonlocal a, b  # b is written
        b = a
    return g
def only():
    global total
def commented():
    global total  # read below
    return total
def same_line():
    global total; return total
"#,
            expect![[r#"
                5:18 unused-declaration hint unnecessary: `nonlocal a` is not needed: `g` never assigns `a`, and reading it finds the same variable without the declaration [a]
                  fix (safe): Remove `a` from `nonlocal`
                  | total = 0
                  | def f():
                  |     a = b = 0
                  |     def g():
                  |         nonlocal b  # b is written
                  |         b = a
                  |     return g
                  | def only():
                  |     global total
                  | def commented():
                  |     global total  # read below
                  |     return total
                  | def same_line():
                  |     global total; return total
                9:12 unused-declaration hint unnecessary: `global total` is not needed: `only` never assigns `total`, and reading it finds the same variable without the declaration [total]
                  fix (safe): Remove `global total`
                  | total = 0
                  | def f():
                  |     a = b = 0
                  |     def g():
                  |         nonlocal a, b  # b is written
                  |         b = a
                  |     return g
                  | def only():
                  |     pass
                  | def commented():
                  |     global total  # read below
                  |     return total
                  | def same_line():
                  |     global total; return total
                11:12 unused-declaration hint unnecessary: `global total` is not needed: `commented` never assigns `total`, and reading it finds the same variable without the declaration [total]
                  fix (safe): Remove `global total`
                  | total = 0
                  | def f():
                  |     a = b = 0
                  |     def g():
                  |         nonlocal a, b  # b is written
                  |         b = a
                  |     return g
                  | def only():
                  |     global total
                  | def commented():
                  |     # read below
                  |     return total
                  | def same_line():
                  |     global total; return total
                14:12 unused-declaration hint unnecessary: `global total` is not needed: `same_line` never assigns `total`, and reading it finds the same variable without the declaration [total]"#]],
        );
    }
}
