//! Semantic tokens for the names closure-lens knows something about: uses of a variable captured
//! from an enclosing function, cells, writes through `nonlocal`, names declared `global`, captures
//! that cross a scope which only passes them on, and names living in a class namespace. Other
//! names get no token, so this colouring layers over that of another Python server.

use rustc_hash::FxHashMap;

use super::FileView;
use crate::analysis::incremental::Spliced;
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
    let occurrences = match range {
        Some(range) => analysis.occurrences_in(range),
        None => &analysis.occurrences,
    };
    Facts::new(analysis).tokens(occurrences)
}

/// The tokens of the file when its analysis was spliced (`spliced`) from that of the version
/// whose tokens were `before`: those of the re-analysed scopes' occurrences (and of any the
/// edit touched) found again, those of variables the re-analysed scopes can bind from outside
/// them typed again, the others kept, moved with the edit. Equal to
/// [`semantic_tokens`]`(file, None)`.
///
/// Outside the re-analysed scopes (including the occurrences of their text that belong to an
/// enclosing scope: a def's name, its defaults), the splice changes no symbol's resolution or
/// flags, so an occurrence there keeps its modifiers; only its type can change, which the variable's first
/// def or class gives ([`Facts::definition`]) among the scopes that can bind it: for an enclosing
/// function's (or class's) variable, those declaring it `nonlocal`, which the re-analysed scopes
/// can only do for names their roots read from outside (their free names, unchanged by a splice);
/// for a module variable, those declaring it `global`, which they can only do for the names they
/// declare `global` (unchanged too). The tokens of such names are typed again: inside the
/// scope owning the variable, or, for a module variable, the `global` ones.
pub fn spliced_tokens(
    file: &FileView,
    before: &[SemanticToken],
    spliced: &Spliced,
) -> Vec<SemanticToken> {
    let analysis = file.analysis;
    let edit = spliced.edit;
    let scopes = spliced.new_scopes.clone();
    // The re-analysed scopes' text, with any occurrence of theirs outside the recorded span.
    let mut region = spliced.new_span;
    for id in scopes.clone() {
        let range = analysis.scopes.get(id as usize).map(|s| s.range);
        region = range.map_or(region, |r| {
            TextRange::new(region.start.min(r.start), region.end.max(r.end))
        });
    }
    if scopes.end as usize > analysis.scopes.len()
        || region.start > edit.start
        || region.end < edit.new_end
    {
        return semantic_tokens(file, None);
    }
    // The same text before the edit (nothing outside the edit moved before it).
    let old_end = (region.end as i64 - edit.delta()) as usize;
    // The names whose tokens outside may be typed again, where their variable occurs, and
    // whether it is a module variable (whose tokens are all `GLOBAL` ones).
    let whole = TextRange::new(0, file.text.len());
    let mut names: Vec<(&str, TextRange, bool)> = Vec::new();
    for id in scopes.clone().map(ScopeId) {
        let scope = analysis.scope(id);
        let root = scope.parent.is_none_or(|p| !scopes.contains(&p.0));
        for s in &scope.symbols {
            if root && s.in_closure() {
                let owner = owner_of(analysis, &spliced.enclosing, &s.name);
                names.push((
                    &s.name,
                    owner.map_or(whole, |o| analysis.scope(o).range),
                    false,
                ));
            } else if s.resolution == Resolution::GlobalExplicit {
                names.push((&s.name, whole, true));
            }
        }
    }
    let split = before.partition_point(|t| t.range.start < region.start);
    let after = before
        .partition_point(|t| t.range.start <= old_end)
        .max(split);
    let shift = |t: &SemanticToken| SemanticToken {
        range: spliced.range(t.range),
        ..*t
    };
    // Whether a range touches the edit (`end`: its end in that range's text).
    let touches = |r: TextRange, end: usize| r.end >= edit.start && r.start <= end;
    let mut retyping = Retyping {
        facts: Facts::new(analysis),
        file,
        names,
    };
    let mut tokens: Vec<SemanticToken> = Vec::with_capacity(before.len() + 64);
    if !retyping.keep_all(before[..split].iter().copied(), &mut tokens) {
        return semantic_tokens(file, None);
    }
    // In the region, the re-analysed scopes' occurrences and those the edit touched are found
    // again; the others (a def's name, its defaults) are outside them: kept like the rest.
    let mut earlier = before[split..after]
        .iter()
        .filter(|t| !touches(t.range, edit.old_end))
        .map(shift)
        .peekable();
    for o in analysis.occurrences_in(region) {
        if scopes.contains(&o.scope.0) || touches(o.range, edit.new_end) {
            tokens.extend(retyping.facts.token(o));
            continue;
        }
        while earlier.next_if(|t| t.range.start < o.range.start).is_some() {}
        if let Some(t) = earlier.next_if(|t| t.range == o.range)
            && !retyping.keep(t, &mut tokens)
        {
            return semantic_tokens(file, None);
        }
    }
    if !retyping.keep_all(before[after..].iter().map(shift), &mut tokens) {
        return semantic_tokens(file, None);
    }
    tokens
}

/// Previous tokens outside the re-analysed scopes, kept, or typed again when written as one of
/// `names` (where their variable occurs, whether only as a module variable; `__x` also stands
/// for a class's mangled `_C__x`).
struct Retyping<'a, 'f> {
    facts: Facts<'a>,
    file: &'f FileView<'a>,
    names: Vec<(&'a str, TextRange, bool)>,
}

impl Retyping<'_, '_> {
    /// Keeps or types again every token of `kept`; false if one is not where the previous tokens
    /// said, when they were not this file's.
    fn keep_all(
        &mut self,
        mut kept: impl Iterator<Item = SemanticToken>,
        tokens: &mut Vec<SemanticToken>,
    ) -> bool {
        if self.names.is_empty() {
            tokens.extend(kept);
            return true;
        }
        kept.all(|t| self.keep(t, tokens))
    }

    fn keep(&mut self, t: SemanticToken, tokens: &mut Vec<SemanticToken>) -> bool {
        let text = self.file.text(t.range);
        let named = |&(n, range, global): &(&str, TextRange, bool)| {
            range.contains_range(t.range)
                && (!global || t.modifiers.contains(TokenModifiers::GLOBAL))
                && (n == text || text.starts_with("__") && n.ends_with(text))
        };
        if !self.names.iter().any(named) {
            tokens.push(t);
            return true;
        }
        let occurrence = self.file.analysis.occurrence_at(t.range.start);
        match occurrence.filter(|o| o.range == t.range) {
            Some(o) => {
                tokens.extend(self.facts.token(o));
                true
            }
            None => false,
        }
    }
}

/// The scope owning the variable that the free name `name` of a scope inside `enclosing` (its
/// enclosing scopes, innermost first) reads: the innermost function-like one with its own
/// `name`, or a class with such a cell (`__class__`); class namespaces are not seen.
fn owner_of(analysis: &Analysis, enclosing: &[ScopeId], name: &str) -> Option<ScopeId> {
    enclosing.iter().copied().find(|&e| {
        let scope = analysis.scope(e);
        match scope.kind {
            ScopeKind::Module => false,
            ScopeKind::Class => scope.class_cells().any(|c| &*c.name == name),
            _ => scope.symbol(name).is_some_and(|s| !s.is_free()),
        }
    })
}

/// The per-scope facts the tokens need, each found when a token first asks for it, so a range
/// costs what its tokens look at rather than the file.
struct Facts<'a> {
    analysis: &'a Analysis,
    /// Whether a scope declares any name `global`, for the scopes asked about so far.
    declares_global: FxHashMap<ScopeId, bool>,
    /// The def and class statements written directly in a scope, by name, for the scopes asked
    /// about so far.
    statements: FxHashMap<ScopeId, FxHashMap<&'a str, Statements>>,
    /// The token type a def or class gives each variable asked about so far (`Variable` if none
    /// binds it).
    definitions: FxHashMap<SymbolId, TokenType>,
}

/// The def or class scopes of one name in one scope, in scope order: the first, and the others
/// (seldom any, so no allocation for most names).
type Statements = (ScopeId, Vec<ScopeId>);

/// The variable a `def` or `class` scope's statement binds by its name, and the token type that
/// gives it; `None` for other scopes.
fn defined_by(analysis: &Analysis, id: ScopeId) -> Option<(SymbolId, TokenType)> {
    let scope = analysis.scope(id);
    let token_type = match scope.kind {
        ScopeKind::Function => TokenType::Function,
        ScopeKind::Class => TokenType::Class,
        _ => return None,
    };
    let name = analysis
        .occurrence_at(scope.focus_range.start)
        .filter(|o| o.range == scope.focus_range && o.is_binding())?;
    Some((name.symbol, token_type))
}

/// The scopes with a statement that can bind `variable`: for a global, the scopes of its
/// bindings (the module and functions declaring it `global`); else its owner and the scopes
/// declaring it `nonlocal` (which capture it).
fn binding_scopes(analysis: &Analysis, variable: SymbolId) -> Vec<ScopeId> {
    let owner = variable.scope;
    if owner == ScopeId::MODULE {
        let mut scopes: Vec<ScopeId> = analysis.bindings_of(variable).map(|b| b.scope).collect();
        scopes.sort_unstable();
        scopes.dedup();
        return scopes;
    }
    let symbol = analysis.symbol(variable);
    let declaring = symbol.captured_by.iter().copied().filter(|&c| {
        analysis
            .scope(c)
            .symbol(&symbol.name)
            .is_some_and(|s| s.flags.contains(SymbolFlags::NONLOCAL))
    });
    std::iter::once(owner).chain(declaring).collect()
}

/// The def and class scopes whose statement is written directly in `scope` (its children, and
/// those of a generic def's or class's type-parameter scope) by name, each name's in scope order.
fn statements_by_name(analysis: &Analysis, scope: ScopeId) -> FxHashMap<&str, Statements> {
    let children = &analysis.scope(scope).children;
    let mut by_name: FxHashMap<&str, Statements> =
        FxHashMap::with_capacity_and_hasher(children.len(), Default::default());
    for &c in children {
        let child = analysis.scope(c);
        let inner = match child.kind {
            ScopeKind::TypeParams => child.children.as_slice(),
            _ => &[],
        };
        for id in std::iter::once(c).chain(inner.iter().copied()) {
            let s = analysis.scope(id);
            if matches!(s.kind, ScopeKind::Function | ScopeKind::Class) {
                by_name
                    .entry(s.name.as_str())
                    .and_modify(|(_, more)| more.push(id))
                    .or_insert((id, Vec::new()));
            }
        }
    }
    by_name
}

/// The names a def or class binding `name` can have written: `name` itself, or, as a class
/// mangles `__x` into `_C__x`, each of its ends that starts with `__`.
fn written_names(name: &str) -> impl Iterator<Item = &str> {
    (0..name.len())
        .filter(move |&i| i == 0 || name.as_bytes()[i..].starts_with(b"__"))
        .map(move |i| &name[i..])
}

impl<'a> Facts<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        Facts {
            analysis,
            declares_global: FxHashMap::default(),
            statements: FxHashMap::default(),
            definitions: FxHashMap::default(),
        }
    }

    /// The tokens of `occurrences`, in their order.
    fn tokens(&mut self, occurrences: &[Occurrence]) -> Vec<SemanticToken> {
        occurrences.iter().filter_map(|o| self.token(o)).collect()
    }

    /// The token type `variable` gets from the first def or class (in scope order) binding it
    /// ([`defined_by`]), `Variable` if none does: looked for among the statements of the scopes
    /// that bind it, under the names they could have.
    fn definition(&mut self, variable: SymbolId) -> TokenType {
        if let Some(&found) = self.definitions.get(&variable) {
            return found;
        }
        let analysis = self.analysis;
        let name: &str = &analysis.symbol(variable).name;
        let mut first: Option<(ScopeId, TokenType)> = None;
        for scope in binding_scopes(analysis, variable) {
            let statements = self
                .statements
                .entry(scope)
                .or_insert_with(|| statements_by_name(analysis, scope));
            for written in written_names(name) {
                let Some((one, more)) = statements.get(written) else {
                    continue;
                };
                for &s in std::iter::once(one).chain(more) {
                    if first.is_some_and(|(f, _)| f < s) {
                        break;
                    }
                    if let Some((v, token_type)) = defined_by(analysis, s)
                        && v == variable
                    {
                        first = Some((s, token_type));
                        break;
                    }
                }
            }
        }
        let found = first.map_or(TokenType::Variable, |(_, t)| t);
        self.definitions.insert(variable, found);
        found
    }

    /// Whether `scope` declares any name `global`.
    fn declares_global(&mut self, scope: ScopeId) -> bool {
        let analysis = self.analysis;
        *self.declares_global.entry(scope).or_insert_with(|| {
            analysis
                .scope(scope)
                .symbols
                .iter()
                .any(|s| s.resolution == Resolution::GlobalExplicit)
        })
    }

    fn token(&mut self, o: &Occurrence) -> Option<SemanticToken> {
        let analysis = self.analysis;
        if !is_user_visible(analysis.name_of(o)) {
            return None;
        }
        let variable = o.symbol;
        let owner = variable.scope;
        let symbol = analysis.symbol(variable);
        let owner_kind = analysis.scope(owner).kind;
        let mut modifiers = TokenModifiers::empty();
        let in_function = !matches!(owner_kind, ScopeKind::Module | ScopeKind::Class);
        if in_function || symbol.origin == SymbolOrigin::ClassCell {
            if analysis.frame_of(o.scope) != analysis.frame_of(owner) {
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
            && self.declares_global(o.scope)
            && analysis
                .scope(o.scope)
                .symbol(analysis.name_of(o))
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
            self.definition(variable)
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
        let frame = analysis.frame_of(variable.scope);
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
                    .symbol(analysis.name_of(o))
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

    /// Definitions every way a def or class can bind a name: nested, `nonlocal`, `global`,
    /// mangled, generic, rebound by another def or class, in a class nested in a function.
    const DEFINITIONS: &str = r#"
def outer():
    handler = None
    def install():
        nonlocal handler
        def handler(): pass
    class Holder:
        nonlocal handler
        class handler: pass
    return handler, lambda: handler

def setup():
    global hook
    class hook: pass
def use():
    global hook, plain
    plain = hook
    return hook

def hook(): pass

class C:
    def __private(self): return self.__private
    def method[T](self, x: T) -> T: return method
    class Inner[U]: pass
    value = [method for _ in range(2)]
    twice = 3
    def twice(self): pass
    class twice: pass
    __class__ = 1
    def get(self): return __class__

def both():
    x = 1
    class x[V]: pass
    def x(): pass
    def f(): return x
    return f
"#;

    /// The token type of every variable a def or class binds, found the plain way: the first
    /// scope, in scope order, whose statement binds it.
    fn every_definition(a: &Analysis) -> FxHashMap<SymbolId, TokenType> {
        let mut table = FxHashMap::default();
        for id in (0..a.scopes.len() as u32).map(ScopeId) {
            if let Some((variable, token_type)) = defined_by(a, id) {
                table.entry(variable).or_insert(token_type);
            }
        }
        table
    }

    /// The tokens of many ranges are the file's tokens starting in those ranges, and a def's or
    /// class's variable gets its type wherever it is bound: on the definitions above and on
    /// stdlib files, in every version.
    #[test]
    fn range_tokens_are_the_files_tokens_in_the_range() {
        let stdlib = crate::analysis::incremental::tests::stdlib().expect("python3's stdlib");
        let mut texts = vec![("definitions".to_owned(), DEFINITIONS.to_owned())];
        for name in [
            "test/test_scope.py",
            "test/test_grammar.py",
            "functools.py",
            "enum.py",
            "test/test_typing.py",
        ] {
            let text = std::fs::read_to_string(stdlib.join(name)).expect(name);
            texts.push((name.to_owned(), text));
        }
        let mut definitions_seen = 0;
        for (name, text) in &texts {
            for version in PythonVersion::ALL {
                let fixture = Fixture::with_version(text, version);
                let (file, a) = (fixture.view(), &fixture.analysis);
                let whole = semantic_tokens(&file, None);
                let table = every_definition(a);
                for (t, o) in whole
                    .iter()
                    .map(|t| (t, a.occurrence_at(t.range.start).unwrap()))
                {
                    if t.token_type != TokenType::Parameter {
                        let defined = table.get(&o.symbol).copied();
                        assert_eq!(
                            t.token_type,
                            defined.unwrap_or(TokenType::Variable),
                            "{name} {version} {t:?}"
                        );
                        definitions_seen += defined.is_some() as usize;
                    }
                }
                let len = fixture.text.len();
                for size in [0, 1, 40, 300, 3_000, 40_000] {
                    for start in (0..len).step_by((len / 80).max(1)) {
                        let range = TextRange::new(start, (start + size).min(len));
                        let expected: Vec<SemanticToken> = whole
                            .iter()
                            .filter(|t| range.start <= t.range.start && t.range.start <= range.end)
                            .copied()
                            .collect();
                        assert_eq!(
                            semantic_tokens(&file, Some(range)),
                            expected,
                            "{name} {version} {range:?}"
                        );
                    }
                }
            }
        }
        assert!(definitions_seen > 0, "no def or class token to check");
    }

    #[test]
    fn definitions_give_their_type_wherever_they_are() {
        check_version(
            DEFINITIONS,
            PythonVersion::Py312,
            expect![[r#"
                2:5 handler function.cell
                4:18 handler function.captured
                5:13 handler function.captured.nonlocalWrite
                7:18 handler function.captured
                8:15 handler function.captured.nonlocalWrite
                9:12 handler function.cell
                9:29 handler function.captured
                12:12 hook class.global
                13:11 hook class.global
                15:12 hook class.global
                15:18 plain variable.global
                16:5 plain variable.global
                16:13 hook class.global
                17:12 hook class.global
                22:9 __private function.classScope
                23:9 method function.classScope
                24:11 Inner class.classScope
                25:5 value variable.classScope
                26:5 twice function.classScope
                27:9 twice function.classScope
                28:11 twice function.classScope
                29:5 __class__ variable.cell
                30:9 get function.classScope
                30:27 __class__ variable.captured
                33:5 x class.cell
                34:11 x class.cell
                35:9 x class.cell
                36:21 x class.captured"#]],
        );
    }
}
