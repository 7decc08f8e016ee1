//! Semantic tokens for the names closure-lens knows something about: uses of a variable captured
//! from an enclosing function, cells, writes through `nonlocal`, names declared `global`, captures
//! that cross a scope which only passes them on, and names living in a class namespace. Other
//! names get no token, so this colouring layers over that of another Python server.

use rustc_hash::FxHashMap;

use super::FileView;
use crate::analysis::{
    Analysis, Occurrence, OccurrenceKind, Resolution, ScopeId, ScopeKind, SymbolFlags, SymbolId,
    SymbolOrigin, TextRange, is_user_visible,
};

/// A token's type: what the variable is bound as. Legend order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    Variable,
    Parameter,
    Function,
    Class,
}

impl TokenType {
    /// Every type, in legend order.
    pub const ALL: [TokenType; 4] = [Self::Variable, Self::Parameter, Self::Function, Self::Class];

    /// The LSP name (all standard types).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Variable => "variable",
            Self::Parameter => "parameter",
            Self::Function => "function",
            Self::Class => "class",
        }
    }

    /// Its index in the legend.
    pub fn index(self) -> u32 {
        self as u32
    }
}

bitflags::bitflags! {
    /// A token's modifiers; bit `i` is entry `i` of [`TokenModifiers::NAMES`].
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub struct TokenModifiers: u32 {
        /// A use of a variable owned by an enclosing function (read from its cell).
        const CAPTURED = 1;
        /// In its owner: a local that nested scopes capture (it lives in a cell).
        const CELL = 1 << 1;
        /// A write that rebinds an enclosing function's variable (`nonlocal`, or a walrus in a
        /// comprehension with a frame of its own).
        const NONLOCAL_WRITE = 1 << 2;
        /// In a function: a name declared `global` there.
        const GLOBAL = 1 << 3;
        /// A captured use whose cell reaches it through a scope that only passes it on.
        const PASS_THROUGH = 1 << 4;
        /// A name of a class namespace, which the functions and comprehensions nested in the class
        /// body do not see.
        const CLASS_SCOPE = 1 << 5;
    }
}

impl TokenModifiers {
    /// The LSP names, in bit order (the legend).
    pub const NAMES: [&'static str; 6] = [
        "captured",
        "cell",
        "nonlocalWrite",
        "global",
        "passThrough",
        "classScope",
    ];

    /// The names of the set modifiers, in bit order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.bits() & (1 << i) != 0)
            .map(|(_, n)| n)
    }
}

/// One token: an identifier, its type and modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub token_type: TokenType,
    pub modifiers: TokenModifiers,
}

/// The tokens of the file (or of the occurrences starting in `range`), in source order.
pub fn semantic_tokens(file: &FileView, range: Option<TextRange>) -> Vec<SemanticToken> {
    let analysis = file.analysis;
    let facts = Facts::new(analysis);
    let occurrences = match range {
        Some(range) => analysis.occurrences_in(range),
        None => &analysis.occurrences,
    };
    occurrences.iter().filter_map(|o| facts.token(o)).collect()
}

/// Per-scope facts computed once per request.
struct Facts<'a> {
    analysis: &'a Analysis,
    /// For each scope, the scope whose frame runs it (itself unless a 3.12+ inlined comprehension).
    frames: Vec<ScopeId>,
    /// For each scope, whether it declares any name `global`.
    declares_global: Vec<bool>,
    /// Variables bound by a `def` or `class` statement.
    definitions: FxHashMap<SymbolId, TokenType>,
}

impl<'a> Facts<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        let scopes = &analysis.scopes;
        let mut frames = Vec::with_capacity(scopes.len());
        for (i, scope) in scopes.iter().enumerate() {
            frames.push(match scope.parent {
                Some(parent) if scope.inlined => frames[parent.index()],
                _ => ScopeId(i as u32),
            });
        }
        let declares_global = scopes
            .iter()
            .map(|s| {
                s.symbols
                    .iter()
                    .any(|sym| sym.resolution == Resolution::GlobalExplicit)
            })
            .collect();
        let mut definitions = FxHashMap::default();
        for scope in scopes {
            let token_type = match scope.kind {
                ScopeKind::Function => TokenType::Function,
                ScopeKind::Class => TokenType::Class,
                _ => continue,
            };
            let name = analysis
                .occurrence_at(scope.focus_range.start)
                .filter(|o| o.range == scope.focus_range && o.is_binding());
            if let Some(o) = name {
                definitions.entry(o.symbol).or_insert(token_type);
            }
        }
        Facts {
            analysis,
            frames,
            declares_global,
            definitions,
        }
    }

    fn token(&self, o: &Occurrence) -> Option<SemanticToken> {
        let analysis = self.analysis;
        if !is_user_visible(&o.name) {
            return None;
        }
        let variable = o.symbol;
        let owner = variable.scope;
        let symbol = analysis.symbol(variable);
        let owner_kind = analysis.scope(owner).kind;
        let mut modifiers = TokenModifiers::empty();
        let in_function = !matches!(owner_kind, ScopeKind::Module | ScopeKind::Class);
        if in_function || symbol.origin == SymbolOrigin::ClassCell {
            if self.frames[o.scope.index()] != self.frames[owner.index()] {
                modifiers |= TokenModifiers::CAPTURED;
                if o.kind == OccurrenceKind::Write {
                    modifiers |= TokenModifiers::NONLOCAL_WRITE;
                }
                if self.passes_through(o) {
                    modifiers |= TokenModifiers::PASS_THROUGH;
                }
            } else if self.is_cell(variable) {
                modifiers |= TokenModifiers::CELL;
            }
        }
        if owner_kind == ScopeKind::Class && symbol.origin == SymbolOrigin::Symtable {
            modifiers |= TokenModifiers::CLASS_SCOPE;
        }
        if owner == ScopeId::MODULE
            && o.scope != ScopeId::MODULE
            && self.declares_global[o.scope.index()]
            && analysis
                .scope(o.scope)
                .symbol(&o.name)
                .is_some_and(|s| s.resolution == Resolution::GlobalExplicit)
        {
            modifiers |= TokenModifiers::GLOBAL;
        }
        if modifiers.is_empty() {
            return None;
        }
        let token_type = if in_function && symbol.flags.contains(SymbolFlags::PARAM) {
            TokenType::Parameter
        } else {
            self.definitions
                .get(&variable)
                .copied()
                .unwrap_or(TokenType::Variable)
        };
        Some(SemanticToken {
            range: o.range,
            token_type,
            modifiers,
        })
    }

    /// Whether the variable lives in a cell of the frame running its owner.
    fn is_cell(&self, variable: SymbolId) -> bool {
        let analysis = self.analysis;
        let symbol = analysis.symbol(variable);
        let frame = self.frames[variable.scope.index()];
        if frame == variable.scope {
            return symbol.is_cell();
        }
        // A 3.12+ inlined comprehension's variable: a cell of the function it runs in.
        analysis
            .scope(frame)
            .cell(&symbol.name)
            .is_some_and(|s| s.is_cell())
    }

    /// Whether a scope between the use and the owner only passes the cell on.
    fn passes_through(&self, o: &Occurrence) -> bool {
        let analysis = self.analysis;
        analysis
            .ancestors(o.scope)
            .take_while(|&s| s != o.symbol.scope)
            .any(|s| {
                analysis
                    .scope(s)
                    .symbol(&o.name)
                    .is_some_and(|sym| sym.is_pass_through())
            })
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::PythonVersion;
    use crate::ide::fixture::Fixture;

    /// Each token as `line:column text type.modifier.modifier` (1-based).
    fn check_version(text: &str, version: PythonVersion, expected: Expect) {
        let fixture = Fixture::with_version(text, version);
        let file = fixture.view();
        let shown: Vec<String> = semantic_tokens(&file, None)
            .iter()
            .map(|t| {
                let line = file.line(t.range.start);
                let col = t.range.start - file.lines.line_start(line - 1) + 1;
                let mut label = t.token_type.as_str().to_owned();
                for m in t.modifiers.names() {
                    label.push('.');
                    label.push_str(m);
                }
                format!("{line}:{col} {} {label}", file.text(t.range))
            })
            .collect();
        expected.assert_eq(&shown.join("\n"));
    }

    fn check(text: &str, expected: Expect) {
        check_version(text, PythonVersion::default(), expected);
    }

    #[test]
    fn cells_captures_and_nonlocal_writes() {
        check(
            r#"
def make_counter(step):
    count = 0
    total = 0
    def increment():
        nonlocal count
        count += step
        return count
    return increment, total
"#,
            expect![[r#"
                1:18 step parameter.cell
                2:5 count variable.cell
                5:18 count variable.captured
                6:9 count variable.captured.nonlocalWrite
                6:18 step parameter.captured
                7:16 count variable.captured"#]],
        );
    }

    #[test]
    fn pass_through_and_functions() {
        check(
            r#"
def repeat(times):
    def decorator(fn):
        def wrapper(*args):
            return [fn(*args) for _ in range(times)]
        return wrapper
    return decorator
"#,
            expect![[r#"
                1:12 times parameter.cell
                2:19 fn parameter.cell
                4:21 fn parameter.captured
                4:46 times parameter.captured.passThrough"#]],
        );
    }

    #[test]
    fn globals_and_class_namespaces() {
        check(
            r#"
hits = 0
def bump():
    global hits
    hits += 1
    return hits
class C:
    size = 1
    def grow(self):
        return size
"#,
            expect![[r#"
                3:12 hits variable.global
                4:5 hits variable.global
                5:12 hits variable.global
                7:5 size variable.classScope
                8:9 grow function.classScope"#]],
        );
    }

    #[test]
    fn comprehensions_by_version() {
        let text = "def f(xs, k):\n    return [x * k for x in xs]\n";
        // 3.11: the comprehension is a function of its own, capturing `k`.
        check_version(
            text,
            PythonVersion::Py311,
            expect![[r#"
                1:11 k parameter.cell
                2:17 k parameter.captured"#]],
        );
        // 3.12+: inlined (PEP 709), no capture at all.
        check_version(text, PythonVersion::Py312, expect![""]);
        // A walrus in a 3.11 comprehension writes the function's variable from another frame.
        check_version(
            "def f(xs):\n    [last := x for x in xs]\n    return last\n",
            PythonVersion::Py311,
            expect![[r#"
                2:6 last variable.captured.nonlocalWrite
                3:12 last variable.cell"#]],
        );
    }

    #[test]
    fn a_range_request_keeps_only_its_tokens() {
        let fixture =
            Fixture::new("def f(a):\n    return lambda: a\n\ndef g(b):\n    return lambda: b\n");
        let file = fixture.view();
        let second = TextRange::new(fixture.text.find("def g").unwrap(), fixture.text.len());
        let tokens = semantic_tokens(&file, Some(second));
        let texts: Vec<&str> = tokens.iter().map(|t| file.text(t.range)).collect();
        assert_eq!(texts, ["b", "b"]);
    }
}
