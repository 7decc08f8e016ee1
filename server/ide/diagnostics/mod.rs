//! Diagnostics: the closure-related SyntaxErrors CPython's symbol table raises, and the closure
//! bugs that run fine until the closure runs (late binding, a missing `nonlocal`, …). Each has a
//! stable [`Code`], a message that says what happens at run time, related locations and fixes.
//!
//! One file per code; this module gathers them and applies the settings (per-code level) and the
//! inline suppressions (`# closure-lens: ignore[late-binding]`).

mod class_scope;
pub mod fix_all;
mod free_unbound;
mod kept;
mod late_binding;
mod super_call;
mod unbound_local;
mod unused_declaration;

use std::fmt;
use std::sync::Arc;

use kept::{Changed, Finding, Origin};
pub use kept::{Findings, Step};

use super::FileView;
use crate::analysis::TextRange;
use crate::analysis::errors::SyntaxRule;
use crate::config::Settings;

/// Where the documentation lives; each code's section has the anchor `#` + its code.
pub const DOCS_URL: &str = "https://github.com/closure-lens/closure-lens/blob/main/docs";

/// What a diagnostic is about: one code per kind of finding, stable across releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A SyntaxError CPython's symbol table raises (`no binding for nonlocal 'x' found`, …),
    /// one code per family.
    SyntaxError(SyntaxRule),
    /// A closure made in a loop that outlives the iteration sees the loop variable's last value.
    LateBinding,
    /// A name read before the nested function assigns it: `UnboundLocalError`.
    UnboundLocal,
    /// A closure reads a free variable whose cell can be empty: `NameError`.
    FreeUnbound,
    /// A method, lambda or comprehension reads a name bound only in the class body: `NameError`.
    ClassScope,
    /// A zero-argument `super()` where CPython cannot find the class or the instance.
    SuperCall,
    /// A `nonlocal` or `global` declaration the scope never needs.
    UnusedDeclaration,
}

impl Code {
    /// The closure-bug codes, in the order the docs list them.
    pub const BUGS: [Code; 6] = [
        Code::LateBinding,
        Code::UnboundLocal,
        Code::FreeUnbound,
        Code::ClassScope,
        Code::SuperCall,
        Code::UnusedDeclaration,
    ];

    /// Every code: the SyntaxError families, then the closure bugs.
    pub fn all() -> impl Iterator<Item = Code> {
        SyntaxRule::ALL
            .into_iter()
            .map(Code::SyntaxError)
            .chain(Code::BUGS)
    }

    /// The code as users write it (`late-binding`, `nonlocal-without-binding`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::SyntaxError(rule) => rule.id(),
            Code::LateBinding => "late-binding",
            Code::UnboundLocal => "unbound-local",
            Code::FreeUnbound => "free-unbound",
            Code::ClassScope => "class-scope",
            Code::SuperCall => "super-call",
            Code::UnusedDeclaration => "unused-declaration",
        }
    }

    /// Parses a code as users write it.
    pub fn parse(text: &str) -> Option<Code> {
        Code::all().find(|c| c.as_str() == text.trim())
    }

    /// The documentation of the code: `docs/diagnostics.md#late-binding` for a closure bug,
    /// `docs/rules.md#nonlocal-without-binding` for a SyntaxError.
    pub fn help_uri(self) -> String {
        let page = if self.is_syntax_error() {
            "rules.md"
        } else {
            "diagnostics.md"
        };
        format!("{DOCS_URL}/{page}#{}", self.as_str())
    }

    /// Whether this is one of CPython's SyntaxErrors (the module does not compile).
    pub fn is_syntax_error(self) -> bool {
        matches!(self, Code::SyntaxError(_))
    }

    /// How serious the code is unless the settings say otherwise.
    pub fn default_severity(self) -> Severity {
        match self {
            Code::SyntaxError(_) | Code::UnboundLocal | Code::SuperCall => Severity::Error,
            Code::LateBinding | Code::FreeUnbound | Code::ClassScope => Severity::Warning,
            Code::UnusedDeclaration => Severity::Hint,
        }
    }

    /// One sentence on what the code catches (for listings and SARIF rules).
    pub fn summary(self) -> &'static str {
        match self {
            Code::SyntaxError(rule) => rule.summary(),
            Code::LateBinding => {
                "A closure made in a loop outlives the iteration and sees the loop's last value."
            }
            Code::UnboundLocal => {
                "A nested function reads a name before assigning it (a missing `nonlocal` or \
                 `global`)."
            }
            Code::FreeUnbound => "A closure reads a free variable whose cell can be empty.",
            Code::ClassScope => {
                "A name bound in a class body is read where class scope is invisible."
            }
            Code::SuperCall => "A zero-argument `super()` where CPython raises.",
            Code::UnusedDeclaration => {
                "A `nonlocal` or `global` declaration the scope never needs."
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// The severity as users write it (`warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    /// Parses a severity as users write it.
    pub fn parse(text: &str) -> Option<Severity> {
        [
            Severity::Error,
            Severity::Warning,
            Severity::Information,
            Severity::Hint,
        ]
        .into_iter()
        .find(|s| s.as_str() == text.trim())
    }
}

/// Another place a diagnostic is about (the loop, the binding, the cell owner).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

/// A way to fix a diagnostic: edits that, applied together, leave code that parses, that
/// closure-lens no longer flags, and that behaves as the title promises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Whether `fixAll` / `check --fix` may apply it without asking.
    pub safe: bool,
    pub edits: Vec<Edit>,
}

/// One finding in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it applies.
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    /// What happens at run time, in CPython's words where CPython has them.
    pub message: String,
    pub related: Vec<Related>,
    /// Other ranges the finding is about, where a hover explains it too (the reads of the
    /// variables a late-binding closure shares).
    pub about: Vec<TextRange>,
    /// Code that can go (shown faded).
    pub unnecessary: bool,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and nothing related.
    fn new(code: Code, range: TextRange, message: String) -> Self {
        Diagnostic {
            range,
            severity: code.default_severity(),
            code,
            message,
            related: Vec::new(),
            about: Vec::new(),
            unnecessary: false,
            fixes: Vec::new(),
        }
    }
}

/// The file's diagnostics as the settings and inline suppressions leave them: the SyntaxErrors in
/// the order CPython checks them, then the closure bugs in source order.
pub fn diagnostics(file: &FileView, settings: &Settings) -> Vec<Diagnostic> {
    let findings = Findings::new(file);
    let shown = findings.diagnostics(file, settings);
    drop(findings);
    shown.into_iter().map(Arc::unwrap_or_clone).collect()
}

/// Which findings a rule is asked for: all, or after a splice those that may have changed
/// (whose [`Origin`] the splice touches).
enum Select<'a> {
    All,
    Changed(&'a Changed),
}

impl Select<'_> {
    /// Whether the finding of a source with `origin` is wanted.
    fn wants(&self, origin: &Origin) -> bool {
        match self {
            Select::All => true,
            Select::Changed(changed) => changed.touches(origin),
        }
    }

    /// The whole origin of a source whose finding is wanted: `origin` with the names `names`
    /// gives, looked at only when they are needed (to judge it, or to keep it).
    fn wanted<'n>(
        &self,
        mut origin: Origin,
        names: impl Fn() -> Box<dyn Iterator<Item = &'n Arc<str>> + 'n>,
    ) -> Option<Origin> {
        if let Select::Changed(changed) = self {
            let named = || changed.touches_names() && names().any(|n| changed.touches_name(n));
            if !changed.touches(&origin) && !named() {
                return None;
            }
        }
        let mut all: Vec<Arc<str>> = names().cloned().collect();
        all.sort_unstable();
        all.dedup();
        origin.names = all;
        Some(origin)
    }
}

/// The closure bugs `select` asks for, each rule's in its order (`dynamic`: whether the module
/// binds globals no statement shows).
fn find(file: &FileView, select: &Select, dynamic: bool) -> Vec<Finding> {
    let mut found = late_binding::check(file, select);
    found.extend(unbound_local::check(file, select));
    found.extend(free_unbound::check(file, select));
    if !dynamic {
        found.extend(class_scope::check(file, select));
    }
    found.extend(super_call::check(file, select));
    found.extend(unused_declaration::check(file, select));
    found
}

/// The diagnostics shown under `settings`: the SyntaxErrors, then the closure bugs `found` (in
/// source order) but those in a scope with a SyntaxError, with the settings' severities, less
/// those suppressed inline.
fn shown<'a>(
    file: &FileView,
    settings: &Settings,
    found: impl Iterator<Item = (&'a Arc<Diagnostic>, bool)>,
) -> Vec<Arc<Diagnostic>> {
    let errors = &file.analysis.errors;
    // A scope with a SyntaxError does not compile: what it would do at run time is moot.
    let broken: Vec<TextRange> = errors
        .iter()
        .map(|e| innermost_scope_range(file, e.range.start))
        .collect();
    // SyntaxErrors in the order CPython checks them (the first is the one it raises).
    let errors = errors
        .iter()
        .map(|e| Diagnostic::new(Code::SyntaxError(e.kind.rule()), e.range, e.message()));
    let mut out: Vec<Arc<Diagnostic>> = errors
        .filter_map(|mut d| {
            d.severity = settings.diagnostic_level(d.code)?;
            (!is_suppressed(file, &d)).then(|| Arc::new(d))
        })
        .collect();
    out.extend(
        found
            .filter(|(d, suppressed)| {
                !suppressed && !broken.iter().any(|r| r.contains(d.range.start))
            })
            .filter_map(|(d, _)| {
                let severity = settings.diagnostic_level(d.code)?;
                // Shared unless the settings change its severity.
                Some(if severity == d.severity {
                    Arc::clone(d)
                } else {
                    Arc::new(Diagnostic {
                        severity,
                        ..Diagnostic::clone(d)
                    })
                })
            }),
    );
    out
}

/// The range of the innermost function or class around `offset` (the module: the whole text).
fn innermost_scope_range(file: &FileView, offset: usize) -> TextRange {
    let analysis = file.analysis;
    let mut current = crate::analysis::ScopeId::MODULE;
    'descend: loop {
        for &child in &analysis.scope(current).children {
            if analysis.scope(child).range.contains(offset) {
                current = child;
                continue 'descend;
            }
        }
        break;
    }
    match current {
        crate::analysis::ScopeId::MODULE => TextRange::new(0, file.text.len()),
        id => analysis.scope(id).range,
    }
}

/// Whether the line where `diagnostic` starts carries `# closure-lens: ignore` or
/// `# closure-lens: ignore[code, …]` naming its code.
fn is_suppressed(file: &FileView, diagnostic: &Diagnostic) -> bool {
    const MARKER: &str = "closure-lens: ignore";
    let line = file.line(diagnostic.range.start) - 1;
    let text = file.text(TextRange::new(
        file.lines.line_start(line),
        file.lines.line_end(line),
    ));
    let Some(comment) = text.find('#').map(|i| &text[i + 1..]) else {
        return false;
    };
    let Some(rest) = comment.find(MARKER).map(|i| &comment[i + MARKER.len()..]) else {
        return false;
    };
    match rest.strip_prefix('[') {
        None => rest.is_empty() || rest.starts_with(char::is_whitespace),
        Some(list) => list
            .split(']')
            .next()
            .unwrap_or("")
            .split(',')
            .any(|c| Code::parse(c) == Some(diagnostic.code)),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::PythonVersion;
    use crate::ide::fixture::Fixture;

    /// Each diagnostic as `line:col code severity: message [flagged text]`, then its related
    /// locations and fixes (with the fixed text).
    pub(crate) fn render(fixture: &Fixture, settings: &Settings) -> String {
        let file = fixture.view();
        let mut out = Vec::new();
        for d in diagnostics(&file, settings) {
            let col = d.range.start - file.lines.line_start(file.line(d.range.start) - 1) + 1;
            out.push(format!(
                "{}:{col} {} {}{}: {} [{}]",
                file.line(d.range.start),
                d.code,
                d.severity.as_str(),
                if d.unnecessary { " unnecessary" } else { "" },
                d.message,
                file.text(d.range)
            ));
            for r in &d.related {
                out.push(format!(
                    "  related {}: {}",
                    file.line(r.range.start),
                    r.message
                ));
            }
            for fix in &d.fixes {
                out.push(format!(
                    "  fix{}: {}",
                    if fix.safe { " (safe)" } else { "" },
                    fix.title
                ));
                let mut fixed = fixture.text.clone();
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                for e in edits {
                    fixed.replace_range(e.range.start..e.range.end, &e.new_text);
                }
                out.extend(fixed.lines().map(|l| format!("  | {l}")));
            }
        }
        out.join("\n")
    }

    /// Checks the diagnostics of `text` under `version` with the default settings.
    pub(crate) fn check_version(version: PythonVersion, text: &str, expected: Expect) {
        let fixture = Fixture::with_version(text, version);
        expected.assert_eq(&render(&fixture, &Settings::default()));
    }

    /// Checks the diagnostics of `text` under the default version and settings.
    pub(crate) fn check(text: &str, expected: Expect) {
        check_version(PythonVersion::default(), text, expected);
    }

    #[test]
    fn closure_syntax_errors_with_cpython_messages() {
        check(
            "def f():\n    def g():\n        nonlocal missing\n    x = 1\n    global x\n",
            expect![[r#"
                5:5 assigned-before-declaration error: name 'x' is assigned to before global declaration [global x]
                3:9 nonlocal-without-binding error: no binding for nonlocal 'missing' found [nonlocal missing]"#]],
        );
    }

    #[test]
    fn settings_and_suppressions() {
        let text = "class C:\n    y = 1\n    def m(self):\n        return y  # closure-lens: ignore[class-scope]\n    def n(self):\n        return y  # closure-lens: ignore[late-binding]\n    def o(self):\n        return y  # closure-lens: ignore\n";
        let fixture = Fixture::new(text);
        let shown = render(&fixture, &Settings::default());
        assert!(!shown.contains("4:"), "{shown}");
        assert!(shown.contains("6:16 class-scope warning"), "{shown}");
        assert!(!shown.contains("8:"), "{shown}");
        let mut settings = Settings::default();
        settings.set_diagnostic_level(Code::ClassScope, None);
        assert_eq!(render(&fixture, &settings), "");
        settings.set_diagnostic_level(Code::ClassScope, Some(Severity::Error));
        assert!(render(&fixture, &settings).contains("6:16 class-scope error"));
        settings.diagnostics = false;
        assert_eq!(render(&fixture, &settings), "");
    }
}
