//! `class-scope`: a method, lambda or comprehension reads a name that only the class body binds.
//!
//! Class bodies are not enclosing scopes: code nested in a class skips the class namespace, so
//! such a read looks up a global, and when the module binds no such global (and it is no
//! builtin) it raises `NameError` when it runs.

use std::sync::Arc;

use super::{Code, Diagnostic, Edit, Finding, Fix, Origin, Related, Select};
use rustc_hash::FxHashSet;

use crate::analysis::{
    Analysis, Occurrence, OccurrenceKind, Resolution, ScopeId, ScopeKind, SymbolFlags, SymbolId,
    TextRange, builtins,
};
use crate::ide::FileView;

/// Module globals the import system sets, which no statement binds.
const IMPLICIT_GLOBALS: [&str; 9] = [
    "__name__",
    "__doc__",
    "__package__",
    "__loader__",
    "__spec__",
    "__file__",
    "__cached__",
    "__builtins__",
    "__annotations__",
];

/// Names whose use lets a module bind globals that no statement shows.
const DYNAMIC_GLOBALS: [&str; 4] = ["globals", "exec", "eval", "vars"];

/// The uses of [`DYNAMIC_GLOBALS`] in the file: with any (or a star import), the module may
/// bind any global and this rule says nothing.
pub(super) fn dynamic_reads(file: &FileView) -> Vec<TextRange> {
    dynamic_reads_of(file.analysis, &file.analysis.occurrences).collect()
}

/// The uses of [`DYNAMIC_GLOBALS`] in `range`.
pub(super) fn dynamic_reads_in(
    file: &FileView,
    range: TextRange,
) -> impl Iterator<Item = TextRange> {
    dynamic_reads_of(file.analysis, file.analysis.occurrences_in(range))
        .filter(move |r| range.contains_range(*r))
}

fn dynamic_reads_of<'a>(
    analysis: &'a Analysis,
    occurrences: &'a [Occurrence],
) -> impl Iterator<Item = TextRange> + 'a {
    occurrences
        .iter()
        .filter(move |o| {
            o.symbol.scope == ScopeId::MODULE && DYNAMIC_GLOBALS.contains(&&**analysis.name_of(o))
        })
        .map(|o| o.range)
}

/// The findings of a module that binds no global dynamically (see [`dynamic_reads`]).
pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let analysis = file.analysis;
    // The module variables some statement binds, found once, when a read first asks (a
    // variable can be read thousands of times).
    let mut bound: Option<FxHashSet<SymbolId>> = None;
    let mut unbound = |o: &Occurrence| {
        let bound = bound.get_or_insert_with(|| {
            analysis
                .occurrences
                .iter()
                .filter(|o| o.is_binding() && o.symbol.scope == ScopeId::MODULE)
                .map(|o| o.symbol)
                .collect()
        });
        !bound.contains(&o.symbol)
    };
    reads(analysis, select)
        .filter(|o| o.kind == OccurrenceKind::Read && o.symbol.scope == ScopeId::MODULE)
        .filter(|o| may_fire(file, o) && unbound(o))
        .filter_map(|o| {
            // The reader's symbols and its enclosing scopes' (unchanged by a splice outside
            // them), the bindings of the name in the module and the class.
            let origin = Origin {
                scopes: vec![o.scope],
                names: vec![Arc::clone(analysis.name_of(o))],
                ..Origin::default()
            };
            if !select.wants(&origin) {
                return None;
            }
            let diagnostic = diagnostic(file, o)?;
            Some(Finding::new(diagnostic, origin))
        })
        .collect()
}

/// The occurrences a finding may be asked of: after a splice that binds no variable outside the
/// re-analysed text, those written in the scopes it changed (a finding's origin is its reader's
/// scope and its name), not every occurrence of the file.
fn reads<'a>(
    analysis: &'a Analysis,
    select: &Select<'a>,
) -> Box<dyn Iterator<Item = &'a Occurrence> + 'a> {
    match select {
        Select::Changed(changed) if !changed.touches_names() => {
            let own = move |s: ScopeId| {
                analysis
                    .occurrences_in(analysis.scope(s).range)
                    .iter()
                    .filter(move |o| o.scope == s)
            };
            Box::new(
                changed
                    .scopes()
                    .iter()
                    .copied()
                    .filter(move |&s| is_blind_to_class(analysis.scope(s).kind))
                    .flat_map(own),
            )
        }
        _ => Box::new(analysis.occurrences.iter()),
    }
}

/// Scopes that cannot see the class namespace around them.
fn is_blind_to_class(kind: ScopeKind) -> bool {
    kind.is_user_function() || kind.is_comprehension()
}

/// Whether the read `o` of a module variable no statement binds can be a finding at all: read
/// where the class namespace is invisible, of a name that is no builtin or implicit global.
/// What decides it never changes with an edit elsewhere, so it is asked before the origin.
fn may_fire(file: &FileView, o: &Occurrence) -> bool {
    let analysis = file.analysis;
    is_blind_to_class(analysis.scope(o.scope).kind)
        && !builtins::is_builtin(analysis.version, analysis.name_of(o))
        && !IMPLICIT_GLOBALS.contains(&&**analysis.name_of(o))
}

/// The diagnostic of `o`, a read of a module variable no statement binds that [`may_fire`].
fn diagnostic(file: &FileView, o: &Occurrence) -> Option<Diagnostic> {
    let analysis = file.analysis;
    // The nearest class around the read whose body binds the name.
    let class = analysis.ancestors(o.scope).find(|&a| {
        let scope = analysis.scope(a);
        scope.kind == ScopeKind::Class
            && scope
                .symbol(analysis.name_of(o))
                .is_some_and(|s| s.flags.intersects(SymbolFlags::BOUND))
    })?;
    let class_name = file.scope_name(class);
    let reader = file.scope_name(o.scope);
    let shown = file.text(o.range);
    let mut diagnostic = Diagnostic::new(
        Code::ClassScope,
        o.range,
        format!(
            "`{shown}` is bound only in the body of class `{class_name}`, and `{reader}` cannot \
             see the class namespace (methods, lambdas and comprehensions in a class skip it): \
             this reads a global `{shown}` the module never binds, so running it raises \
             NameError: name '{}' is not defined",
            analysis.name_of(o)
        ),
    );
    let class_bindings = analysis
        .occurrences_in(analysis.scope(class).range)
        .iter()
        .filter(|b| {
            b.is_binding() && b.scope == class && analysis.name_of(b) == analysis.name_of(o)
        });
    if let Some(binding) = class_bindings.into_iter().next() {
        diagnostic.related.push(Related {
            range: binding.range,
            message: format!("`{shown}` is bound here, in the class namespace"),
        });
    }
    diagnostic.fixes = fixes(file, o, class);
    Some(diagnostic)
}

/// Qualify the name: `self.y` (or `cls.y`) in a method that receives the instance or class, and
/// `C.y` wherever the class exists by the time the code runs.
fn fixes(file: &FileView, o: &Occurrence, class: ScopeId) -> Vec<Fix> {
    let analysis = file.analysis;
    let shown = file.text(o.range);
    // Every read of the name in the same scope: fixing one of `side * side` is no fix.
    let reads: Vec<_> = analysis
        .occurrences_of(o.symbol)
        .filter(|r| r.scope == o.scope && r.kind == OccurrenceKind::Read)
        .map(|r| r.range)
        .collect();
    let qualify = |prefix: &str| Fix {
        title: format!("Read `{prefix}.{shown}` in `{}`", file.scope_name(o.scope)),
        safe: false,
        edits: reads
            .iter()
            .map(|&range| Edit {
                range,
                new_text: format!("{prefix}.{shown}"),
            })
            .collect(),
    };
    let mut fixes = Vec::new();
    // The method of `class` the read sits in, and what it receives first.
    let path: Vec<ScopeId> = std::iter::once(o.scope)
        .chain(analysis.ancestors(o.scope))
        .take_while(|&s| s != class)
        .collect();
    let method = path
        .last()
        .copied()
        .filter(|&m| analysis.scope(m).kind == ScopeKind::Function);
    if let Some(method) = method {
        let first = analysis.scope(method).params.first();
        let receiver = first.filter(|p| {
            !is_static(file, method) && path.iter().all(|&s| reaches(file, s, method, p))
        });
        if let Some(receiver) = receiver {
            fixes.push(qualify(receiver));
        }
    }
    // `C.y` needs `C` bound when the code runs: not in code the class body runs itself.
    let class_name = file.scope_name(class);
    let runs_later = path
        .iter()
        .any(|&s| analysis.scope(s).kind.is_user_function());
    if runs_later && path.iter().all(|&s| !binds(file, s, &class_name)) {
        fixes.push(qualify(&class_name));
    }
    fixes
}

/// Whether `method` is decorated `@staticmethod` (it receives no instance).
fn is_static(file: &FileView, method: ScopeId) -> bool {
    let analysis = file.analysis;
    let scope = analysis.scope(method);
    let decorators_start = file.lines.line_start(scope.code_line.saturating_sub(1));
    analysis
        .occurrences_in(crate::analysis::TextRange::new(
            decorators_start,
            scope.range.start,
        ))
        .iter()
        .any(|d| &**analysis.name_of(d) == "staticmethod" && d.kind == OccurrenceKind::Read)
}

/// Whether `name` in scope `s` reaches `method`'s parameter of that name (no scope in between
/// binds it).
fn reaches(file: &FileView, s: ScopeId, method: ScopeId, name: &str) -> bool {
    s == method || !binds(file, s, name)
}

/// Whether scope `s` binds `name` itself (so a new read of it there would not reach outward).
fn binds(file: &FileView, s: ScopeId, name: &str) -> bool {
    file.analysis
        .scope(s)
        .symbol(name)
        .is_some_and(|sym| matches!(sym.resolution, Resolution::Local | Resolution::Cell))
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use crate::analysis::PythonVersion;
    use crate::ide::diagnostics::tests::{check, check_version};

    #[test]
    fn method_lambda_and_comprehension() {
        check(
            r#"
class C:
    y = 1
    def m(self):
        return y
    f = lambda self: y
    zs = [y for _ in range(3)]
"#,
            expect![[r#"
                4:16 class-scope warning: `y` is bound only in the body of class `C`, and `m` cannot see the class namespace (methods, lambdas and comprehensions in a class skip it): this reads a global `y` the module never binds, so running it raises NameError: name 'y' is not defined [y]
                  related 2: `y` is bound here, in the class namespace
                  fix: Read `self.y` in `m`
                  | class C:
                  |     y = 1
                  |     def m(self):
                  |         return self.y
                  |     f = lambda self: y
                  |     zs = [y for _ in range(3)]
                  fix: Read `C.y` in `m`
                  | class C:
                  |     y = 1
                  |     def m(self):
                  |         return C.y
                  |     f = lambda self: y
                  |     zs = [y for _ in range(3)]
                5:22 class-scope warning: `y` is bound only in the body of class `C`, and `<lambda>` cannot see the class namespace (methods, lambdas and comprehensions in a class skip it): this reads a global `y` the module never binds, so running it raises NameError: name 'y' is not defined [y]
                  related 2: `y` is bound here, in the class namespace
                  fix: Read `C.y` in `<lambda>`
                  | class C:
                  |     y = 1
                  |     def m(self):
                  |         return y
                  |     f = lambda self: C.y
                  |     zs = [y for _ in range(3)]
                6:11 class-scope warning: `y` is bound only in the body of class `C`, and `<listcomp>` cannot see the class namespace (methods, lambdas and comprehensions in a class skip it): this reads a global `y` the module never binds, so running it raises NameError: name 'y' is not defined [y]
                  related 2: `y` is bound here, in the class namespace"#]],
        );
    }

    #[test]
    fn silent_when_something_else_binds_it() {
        let quiet = [
            // The module binds it too (the method reads that one).
            "y = 0\nclass C:\n    y = 1\n    def m(self):\n        return y\n",
            // A builtin.
            "class C:\n    len = 1\n    def m(self):\n        return len\n",
            // An enclosing function binds it.
            "def f():\n    y = 0\n    class C:\n        y = 1\n        def m(self):\n            return y\n    return C\n",
            // Evaluated in the class body: defaults and the first iterable.
            "class C:\n    y = 1\n    def m(self, d=y):\n        return d\n    zs = [x for x in y]\n",
            // Globals the module may bind where no statement shows.
            "globals()['y'] = 2\nclass C:\n    y = 1\n    def m(self):\n        return y\n",
            "from os import *\nclass C:\n    y = 1\n    def m(self):\n        return y\n",
        ];
        for text in quiet {
            let fixture = crate::ide::fixture::Fixture::new(text);
            let shown = crate::ide::diagnostics::tests::render(
                &fixture,
                &crate::config::Settings::default(),
            );
            assert_eq!(shown, "", "{text}");
        }
    }

    #[test]
    fn static_methods_get_only_the_class_name() {
        check_version(
            PythonVersion::Py311,
            r#"
class C:
    __y = 1
    @staticmethod
    def m():
        return __y
"#,
            expect![[r#"
                5:16 class-scope warning: `__y` is bound only in the body of class `C`, and `m` cannot see the class namespace (methods, lambdas and comprehensions in a class skip it): this reads a global `__y` the module never binds, so running it raises NameError: name '_C__y' is not defined [__y]
                  related 2: `__y` is bound here, in the class namespace
                  fix: Read `C.__y` in `m`
                  | class C:
                  |     __y = 1
                  |     @staticmethod
                  |     def m():
                  |         return C.__y"#]],
        );
    }
}
