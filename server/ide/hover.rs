//! Hover: closures as the interpreter builds them, free variables, cells, `nonlocal`/`global`
//! declarations and decorators defined in the same file, and the closure bugs found there
//! ([`bug`]). Markdown text with the range it covers.

mod bug;

use std::fmt::Write as _;

use super::FileView;
use super::captures::{self, CaptureMode};
use super::diagnostics::Diagnostic;
use crate::analysis::{Occurrence, OccurrenceKind, ScopeId, ScopeKind, SymbolId, TextRange};

/// A hover: Markdown, and the range of source it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at `offset`, if there is anything closure-related to say; the closure bugs come from
/// `diagnostics`, the file's (as its settings report them).
pub fn hover(
    file: &FileView,
    offset: usize,
    diagnostics: &[impl std::borrow::Borrow<Diagnostic>],
) -> Option<HoverResult> {
    let found = decorator_hover(file, offset)
        .or_else(|| header_hover(file, offset))
        .or_else(|| occurrence_hover(file, offset))
        .or_else(|| class_scope_hover(file, offset))
        .or_else(|| comprehension_hover(file, offset));
    let (range, markdown) = bug::with_bugs(found, bug::bugs_at(diagnostics, offset))?;
    Some(HoverResult { range, markdown })
}

fn code_block(lines: &[String]) -> String {
    format!("```python\n{}\n```\n", lines.join("\n"))
}

/// The scopes capturing the cell of `variable`: the cell lives in the frame running the
/// variable's scope (for a 3.12+ inlined comprehension, the function it is inlined into).
fn cell_users<'a>(file: &FileView<'a>, variable: SymbolId) -> &'a [ScopeId] {
    let analysis = file.analysis;
    let name = &analysis.symbol(variable).name;
    analysis
        .scope(analysis.frame_of(variable.scope))
        .captured_by(name)
}

/// Whether `scope` rebinds its `name` through `nonlocal`.
fn writes(file: &FileView, scope: ScopeId, name: &str) -> bool {
    file.analysis
        .scope(scope)
        .symbol(name)
        .is_some_and(|s| s.is_nonlocal_write())
}

/// On a def's `def`/name or a lambda's `lambda`: the closure's `__closure__` table.
fn header_hover(file: &FileView, offset: usize) -> Option<(TextRange, String)> {
    let analysis = file.analysis;
    let (i, scope) = analysis.scopes.iter().enumerate().rev().find(|(_, s)| {
        captures::is_closure_scope(s) && s.range.start <= offset && offset <= s.focus_range.end
    })?;
    let id = ScopeId(i as u32);
    let name = file.scope_name(id);
    let mut md = code_block(&[file.line_text(scope.focus_range.start).to_owned()]);
    let caps = captures::captures(file, id);
    let owns_cells = scope.code.as_ref().is_some_and(|c| !c.cellvars.is_empty());
    let maker = analysis.enclosing_function(id);
    if caps.is_empty() && !owns_cells && maker.is_none() {
        // A plain top-level function: nothing closure-related to say.
        return None;
    }
    if caps.is_empty() {
        let _ = writeln!(
            md,
            "`{name}` closes over nothing: its `__closure__` is `None`."
        );
    } else {
        let _ = writeln!(
            md,
            "`{name}.__closure__` holds {} cell{}:\n",
            caps.len(),
            if caps.len() == 1 { "" } else { "s" }
        );
        md.push_str("| `__closure__` | name | cell of | bound | use |\n|---|---|---|---|---|\n");
        for c in &caps {
            let owner = c
                .owner
                .map_or("?".into(), |o| format!("`{}`", file.scope_name(o)));
            let bound = c.binding.map_or("—".into(), |b| {
                let param = if b.kind == OccurrenceKind::Param {
                    " (parameter)"
                } else {
                    ""
                };
                format!("line {}{param}", file.line(b.range.start))
            });
            let usage = c.mode.usage();
            let _ = writeln!(
                md,
                "| `[{}]` | `{}` | {owner} | {bound} | {usage} |",
                c.index, c.display
            );
        }
        if let Some(m) = maker {
            let _ = write!(
                md,
                "\nEach call of `{}` runs this `{}` again and creates a new function object",
                file.scope_name(m),
                if scope.kind == ScopeKind::Lambda {
                    "lambda"
                } else {
                    "def"
                }
            );
            if caps.iter().any(|c| c.owner == Some(m)) {
                md.push_str(
                    " with fresh cells: closures from different calls never share them, while \
                     closures made in the same call (say, in a loop) share them and see the \
                     latest value.",
                );
            } else {
                md.push('.');
            }
            md.push('\n');
        }
    }
    if let Some(c) = caps.iter().find(|c| c.name == "__class__") {
        let class = c
            .owner
            .map_or("the class".into(), |o| format!("`{}`", file.scope_name(o)));
        let _ = writeln!(
            md,
            "\n`__class__` is the implicit cell CPython creates for `super()` and `__class__` in methods of {class}; it is filled in when the class statement finishes."
        );
    }
    md.push_str(&cells_section(file, id));
    Some((scope.focus_range, md))
}

/// "Cells it owns (fresh on every call): `count` → captured by `increment` (writes …)".
fn cells_section(file: &FileView, id: ScopeId) -> String {
    let scope = file.analysis.scope(id);
    let Some(code) = &scope.code else {
        return String::new();
    };
    if code.cellvars.is_empty() {
        return String::new();
    }
    let mut md = String::from("\nCells it owns (fresh on every call):\n");
    for name in &code.cellvars {
        let _ = writeln!(
            md,
            "- `{}` → {}",
            file.source_name(name, scope.range),
            captured_by_text(file, scope.captured_by(name), name)
        );
    }
    md
}

fn captured_by_text(file: &FileView, users: &[ScopeId], name: &str) -> String {
    if users.is_empty() {
        return "no nested scope captures it".into();
    }
    let parts: Vec<String> = users
        .iter()
        .map(|&u| {
            let tag = if writes(file, u, name) {
                " (writes through `nonlocal`)"
            } else if file
                .analysis
                .scope(u)
                .symbol(name)
                .is_some_and(|s| s.is_pass_through())
            {
                " (pass-through)"
            } else {
                " (reads)"
            };
            format!("`{}`{tag}", file.scope_name(u))
        })
        .collect();
    format!("captured by {}", parts.join(", "))
}

fn binding_lines(file: &FileView, variable: SymbolId) -> String {
    let bindings: Vec<&Occurrence> = file.analysis.bindings_of(variable).collect();
    if bindings.is_empty() {
        return "Not bound in this file.\n".into();
    }
    let lines: Vec<String> = bindings
        .iter()
        .take(8)
        .map(|b| {
            format!(
                "{}  # line {}",
                file.line_text(b.range.start),
                file.line(b.range.start)
            )
        })
        .collect();
    let mut md = code_block(&lines);
    if bindings.len() > 8 {
        let _ = writeln!(md, "… and {} more bindings.", bindings.len() - 8);
    }
    md
}

/// On a name: a free variable, a cell binding, or a `nonlocal`/`global` declaration.
fn occurrence_hover(file: &FileView, offset: usize) -> Option<(TextRange, String)> {
    let analysis = file.analysis;
    let o = analysis.occurrence_at(offset)?;
    let display = file.text(o.range);
    let owner = o.resolves_to();
    // The frame that creates the cell (for a 3.12+ inlined comprehension, its function).
    let owner_name = file.scope_name(analysis.frame_of(owner));
    let mut md = String::new();
    match o.kind {
        OccurrenceKind::NonlocalDecl => {
            if owner == o.scope || owner == ScopeId::MODULE {
                let _ = writeln!(
                    md,
                    "`nonlocal {display}`: no enclosing function binds `{display}` (a SyntaxError)."
                );
            } else {
                let _ = writeln!(
                    md,
                    "`nonlocal {display}` refers to the cell of `{display}` in `{owner_name}`; assignments here rebind that cell, shared with every closure of the same call.\n"
                );
                md.push_str(&binding_lines(file, o.symbol));
                let _ = writeln!(
                    md,
                    "\n`{display}` is {}.",
                    captured_by_text(file, cell_users(file, o.symbol), analysis.name_of(o))
                );
            }
        }
        OccurrenceKind::GlobalDecl => {
            let _ = writeln!(
                md,
                "`global {display}` refers to the module-level `{display}`: no cell is involved, every call sees the same module variable.\n"
            );
            md.push_str(&binding_lines(file, o.symbol));
        }
        _ => {
            let symbol = analysis.scope(o.scope).symbol(analysis.name_of(o));
            if owner != o.scope && symbol.is_some_and(|s| s.is_free()) {
                let _ = writeln!(
                    md,
                    "**`{display}`** is a free variable of `{}`: it lives in a cell owned by `{owner_name}`, created when `{owner_name}` runs.\n",
                    file.scope_name(o.scope)
                );
                md.push_str(&binding_lines(file, o.symbol));
                let others: Vec<String> = cell_users(file, o.symbol)
                    .iter()
                    .filter(|&&u| u != o.scope)
                    .map(|&u| {
                        let w = if writes(file, u, analysis.name_of(o)) {
                            " (writes)"
                        } else {
                            ""
                        };
                        format!("`{}`{w}", file.scope_name(u))
                    })
                    .collect();
                if others.is_empty() {
                    let _ = writeln!(md, "\nNo other nested scope shares this cell.");
                } else {
                    let _ = writeln!(
                        md,
                        "\nShared with {} and `{owner_name}` itself.",
                        others.join(", ")
                    );
                }
            } else if owner == o.scope && symbol.is_some_and(|s| s.is_cell()) {
                let _ = writeln!(
                    md,
                    "**`{display}`** is a cell variable of `{owner_name}`: each call of `{owner_name}` creates a fresh cell that nested scopes share.\n\n`{display}` is {}.",
                    captured_by_text(file, cell_users(file, o.symbol), analysis.name_of(o))
                );
                md.push_str(&cell_lifetime(file, o.symbol, display));
            } else {
                return None;
            }
        }
    }
    Some((o.range, md))
}

/// On a decorator line: what the closures inside a same-file decorator close over.
fn decorator_hover(file: &FileView, offset: usize) -> Option<(TextRange, String)> {
    let analysis = file.analysis;
    let line = file.line(offset) - 1;
    let (start, end) = (file.lines.line_start(line), file.lines.line_end(line));
    let text = file.text(TextRange::new(start, end));
    let indent = text.len() - text.trim_start().len();
    if !text[indent..].starts_with('@') {
        return None;
    }
    let deco_range = TextRange::new(start + indent, end);
    let o = analysis
        .occurrences_in(deco_range)
        .iter()
        .find(|o| o.kind == OccurrenceKind::Read)?;
    let candidates: Vec<(usize, _)> = analysis
        .scopes
        .iter()
        .enumerate()
        .filter(|&(i, s)| {
            s.kind == ScopeKind::Function
                && analysis.defining_scope(ScopeId(i as u32)) == Some(o.resolves_to())
                && *s.name == **analysis.name_of(o)
        })
        .collect();
    let (i, deco) = candidates
        .iter()
        .rev()
        .find(|(_, s)| s.focus_range.start < deco_range.start)
        .or(candidates.first())
        .copied()?;
    let display = file.text(o.range);
    let mut md = code_block(&[file.line_text(deco_range.start).to_owned()]);
    let _ = writeln!(
        md,
        "`{display}` is defined on line {}; applying it calls `{display}` and replaces the decorated function with what it returns.\n",
        file.line(deco.focus_range.start)
    );
    let mut found = false;
    for (j, s) in analysis.scopes.iter().enumerate().skip(i + 1) {
        if !deco.range.contains(s.range.start) {
            break;
        }
        let id = ScopeId(j as u32);
        let caps = captures::captures(file, id);
        if !captures::is_closure_scope(s) || caps.is_empty() {
            continue;
        }
        found = true;
        let names: Vec<String> = caps
            .iter()
            .map(|c| {
                let from = c.owner.map_or(String::new(), |o| {
                    format!(" (from `{}`)", file.scope_name(o))
                });
                let w = if c.mode == CaptureMode::NonlocalWrite {
                    ", written"
                } else {
                    ""
                };
                format!("`{}`{from}{w}", c.display)
            })
            .collect();
        let _ = writeln!(
            md,
            "- `{}` (line {}) closes over {}",
            file.scope_name(id),
            file.line(s.focus_range.start),
            names.join(", ")
        );
    }
    if found {
        let _ = writeln!(
            md,
            "\nEach application of `@{display}` runs `{display}` once, so every decorated function gets its own cells."
        );
    } else {
        let _ = writeln!(md, "No closure inside `{display}` captures anything.");
    }
    Some((o.range, md))
}

/// What keeps a cell alive once its function has returned: every code object holding it in its
/// `__closure__`.
fn cell_lifetime(file: &FileView, variable: SymbolId, display: &str) -> String {
    let analysis = file.analysis;
    let users = cell_users(file, variable);
    if users.is_empty() {
        return String::new();
    }
    let owner = file.scope_name(analysis.frame_of(variable.scope));
    let name = &analysis.symbol(variable).name;
    let mut md = format!(
        "\nAfter `{owner}` returns, the cell (and the object in it) stays alive as long as one of these holds it in its `__closure__`:\n"
    );
    for &user in users {
        let scope = analysis.scope(user);
        let user_name = file.scope_name(user);
        let slot = scope
            .code
            .as_ref()
            .and_then(|c| c.freevars.iter().position(|f| *f == **name))
            .map_or(String::new(), |i| {
                format!(": `{user_name}.__closure__[{i}]`")
            });
        let what = match scope.kind {
            ScopeKind::GenExpr => ", a generator: alive while the generator object is",
            ScopeKind::ListComp | ScopeKind::SetComp | ScopeKind::DictComp => {
                ", a hidden function discarded when the comprehension ends"
            }
            ScopeKind::Class => ", the class body: it runs once, for the methods it defines",
            _ if scope.symbol(name).is_some_and(|s| s.is_pass_through()) => {
                ", only to pass it on to a nested function"
            }
            _ => "",
        };
        let _ = writeln!(
            md,
            "- `{user_name}` (line {}){slot}{what}",
            file.line(scope.focus_range.start)
        );
    }
    let _ = writeln!(
        md,
        "\nA closure that outlives the call (returned, stored as a callback) keeps `{display}` alive with it; rebinding `{display}` (or `del {display}`) in `{owner}` changes the cell for every closure."
    );
    md
}

/// The scopes whose names the functions nested in a class body cannot see.
fn sees_class_body(kind: ScopeKind) -> bool {
    matches!(
        kind,
        ScopeKind::TypeParams | ScopeKind::TypeAlias | ScopeKind::TypeVar | ScopeKind::Annotation
    )
}

/// What a bare name resolves to instead of a class attribute: "the module global `x` (line 3)".
fn resolved_text(file: &FileView, variable: SymbolId, display: &str) -> String {
    let analysis = file.analysis;
    let first = analysis.bindings_of(variable).next();
    match (variable.scope, first) {
        (ScopeId::MODULE, Some(b)) => format!(
            "the module global `{display}` (bound on line {})",
            file.line(b.range.start)
        ),
        (ScopeId::MODULE, None) => format!(
            "a global or builtin `{display}`, which this file never binds (a `NameError` at run time unless it exists)"
        ),
        (scope, _) => format!(
            "the variable `{display}` of `{}`",
            file.scope_name(analysis.frame_of(scope))
        ),
    }
}

/// On a name bound in a class body and read as a bare name from a method or comprehension (or on
/// such a read): why the read does not see the class attribute.
fn class_scope_hover(file: &FileView, offset: usize) -> Option<(TextRange, String)> {
    let analysis = file.analysis;
    let o = analysis.occurrence_at(offset)?;
    let display = file.text(o.range);
    let owner = o.resolves_to();
    let mut md = String::new();
    if analysis.scope(owner).kind == ScopeKind::Class && o.scope == owner {
        // A class attribute: the nested scopes reading the same bare name.
        let class = analysis.scope(owner);
        let mut readers: Vec<(ScopeId, &crate::analysis::Occurrence)> = Vec::new();
        for r in analysis.occurrences_in(class.range) {
            let nested = r.scope != owner && analysis.ancestors(r.scope).any(|a| a == owner);
            if nested
                && **analysis.name_of(r) == **analysis.name_of(o)
                && r.symbol != o.symbol
                && !sees_class_body(analysis.scope(r.scope).kind)
                && !readers.iter().any(|(s, _)| *s == r.scope)
            {
                readers.push((r.scope, r));
            }
        }
        let (_, first) = readers.first()?;
        let names: Vec<String> = readers
            .iter()
            .map(|(s, r)| {
                let line = file.line(r.range.start);
                match analysis.scope(*s).kind {
                    k if k.is_comprehension() => format!("the comprehension on line {line}"),
                    _ => format!("`{}` (line {line})", file.scope_name(*s)),
                }
            })
            .collect();
        let _ = writeln!(
            md,
            "**`{display}`** is an attribute of class `{}`. A class body is not an enclosing scope for the functions and comprehensions nested in it: {} read the bare name `{display}` and get {} instead.\n\nInside methods write `self.{display}` or `{}.{display}`.",
            class.name,
            names.join(", "),
            resolved_text(file, first.symbol, display),
            class.name
        );
        return Some((o.range, md));
    }
    // A read in a nested scope that a class in between binds.
    if sees_class_body(analysis.scope(o.scope).kind) {
        return None;
    }
    let class = analysis
        .ancestors(o.scope)
        .take_while(|&a| a != owner)
        .find(|&a| {
            let scope = analysis.scope(a);
            scope.kind == ScopeKind::Class
                && scope
                    .symbol(analysis.name_of(o))
                    .is_some_and(|s| s.is_bound())
        })?;
    let class_scope = analysis.scope(class);
    let binding = analysis
        .occurrences_in(class_scope.range)
        .iter()
        .find(|b| {
            b.scope == class && **analysis.name_of(b) == **analysis.name_of(o) && b.is_binding()
        })?;
    let _ = writeln!(
        md,
        "**`{display}`** here is not the class attribute `{}.{display}` (bound on line {}): a class body is not an enclosing scope for the functions and comprehensions nested in it, so `{display}` is {}.\n\nFor the attribute, write `self.{display}` or `{}.{display}`.",
        class_scope.name,
        file.line(binding.range.start),
        resolved_text(file, o.symbol, display),
        class_scope.name
    );
    Some((o.range, md))
}

/// On a comprehension (its brackets or keywords): whether it is a function scope of its own or
/// inlined into its enclosing function, and the names it reads from outside.
fn comprehension_hover(file: &FileView, offset: usize) -> Option<(TextRange, String)> {
    let analysis = file.analysis;
    if analysis.occurrence_at(offset).is_some() {
        return None;
    }
    let (index, scope) = analysis
        .scopes
        .iter()
        .enumerate()
        .rev()
        .find(|(_, s)| s.kind.is_comprehension() && s.range.contains(offset))?;
    let id = ScopeId(index as u32);
    let parent = scope.parent.unwrap_or(ScopeId::MODULE);
    let frame = file.scope_name(analysis.frame_of(id));
    let version = analysis.version;
    let what = match scope.kind {
        ScopeKind::ListComp => "list comprehension",
        ScopeKind::SetComp => "set comprehension",
        ScopeKind::DictComp => "dict comprehension",
        _ => "generator expression",
    };
    let source = file.line_text(scope.range.start);
    let mut md = code_block(&[source.to_owned()]);
    if scope.inlined {
        let _ = writeln!(
            md,
            "This {what} is **inlined** into `{frame}` (Python {version}, PEP 709): it runs in `{frame}`'s frame, with no function object, no hidden `.0` argument and no `__closure__` of its own. Its iteration variables stay its own: they do not leak into `{frame}`."
        );
    } else if scope.kind == ScopeKind::GenExpr {
        let _ = writeln!(
            md,
            "This {what} is **a function scope of its own** (in every version): a generator whose code runs lazily, when it is iterated. Only the first iterable is evaluated at once, in `{}`, and passed in as the hidden argument `.0`; enclosing variables are read through its `__closure__` when the generator runs, so it sees their values at that time.",
            file.scope_name(parent)
        );
    } else {
        let _ = writeln!(
            md,
            "This {what} is **a function scope of its own** (Python {version}): CPython compiles it into a hidden function `<{}>` and calls it at once with the first iterable as its only argument `.0`; it reads the enclosing function's variables through its own `__closure__`. (Python 3.12+ inlines it instead, PEP 709.)",
            scope.name
        );
    }
    if analysis.scope(parent).kind == ScopeKind::Class {
        let _ = writeln!(
            md,
            "\nIt sits in a class body, whose names it cannot see (except in the first iterable, which the class body evaluates)."
        );
    }
    let within = |s: ScopeId| s == id || analysis.ancestors(s).any(|a| a == id);
    let mut seen: Vec<SymbolId> = Vec::new();
    let mut lines = Vec::new();
    for o in analysis.occurrences_in(scope.range) {
        if within(o.resolves_to()) || seen.contains(&o.symbol) {
            continue;
        }
        seen.push(o.symbol);
        let display = file.text(o.range);
        let how = if !within(o.scope) {
            format!(
                "the first iterable, evaluated in `{}` before the {what} starts",
                file.scope_name(o.scope)
            )
        } else if o.kind == OccurrenceKind::Write {
            format!(
                "assigned with `:=`, a variable of `{}`",
                file.scope_name(analysis.frame_of(o.resolves_to()))
            )
        } else if o.resolves_to() == ScopeId::MODULE {
            if analysis.bindings_of(o.symbol).next().is_some() {
                "a module global".to_owned()
            } else {
                "a builtin (or a global this file never binds)".to_owned()
            }
        } else if analysis.frame_of(o.scope) == analysis.frame_of(o.resolves_to()) {
            format!(
                "a variable of `{}`, read directly in its frame",
                file.scope_name(analysis.frame_of(o.resolves_to()))
            )
        } else {
            format!(
                "a free variable: the cell of `{}`",
                file.scope_name(analysis.frame_of(o.resolves_to()))
            )
        };
        lines.push(format!("- `{display}`: {how}"));
    }
    if lines.is_empty() {
        md.push_str("\nIt reads no name from outside.\n");
    } else {
        let _ = writeln!(md, "\nNames it reads from outside:\n{}", lines.join("\n"));
    }
    Some((scope.focus_range, md))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::config::Settings;
    use crate::ide::diagnostics::diagnostics;
    use crate::ide::fixture::Fixture;

    fn check(text: &str, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let shown = match hover(
            &file,
            fixture.cursor(),
            &diagnostics(&file, &Settings::default()),
        ) {
            Some(h) => format!("[{}]\n{}", file.text(h.range), h.markdown),
            None => "(no hover)".into(),
        };
        expected.assert_eq(&shown);
    }

    const COUNTER: &str = r#"
def make_counter():
    count = 0
    step = 1
    def increment():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = 0
    return increment, reset
"#;

    fn at(text: &str, needle: &str) -> String {
        text.replacen(needle, &format!("$0{needle}"), 1)
    }

    #[test]
    fn closure_header() {
        check(
            &at(COUNTER, "increment():"),
            expect![[r#"
                [increment]
                ```python
                def increment():
                ```
                `increment.__closure__` holds 2 cells:

                | `__closure__` | name | cell of | bound | use |
                |---|---|---|---|---|
                | `[0]` | `count` | `make_counter` | line 2 | written (`nonlocal`) |
                | `[1]` | `step` | `make_counter` | line 3 | read |

                Each call of `make_counter` runs this `def` again and creates a new function object with fresh cells: closures from different calls never share them, while closures made in the same call (say, in a loop) share them and see the latest value.
            "#]],
        );
    }

    #[test]
    fn cell_owner_header() {
        check(
            &at(COUNTER, "make_counter"),
            expect![[r#"
                [make_counter]
                ```python
                def make_counter():
                ```
                `make_counter` closes over nothing: its `__closure__` is `None`.

                Cells it owns (fresh on every call):
                - `count` → captured by `increment` (writes through `nonlocal`), `reset` (writes through `nonlocal`)
                - `step` → captured by `increment` (reads)
            "#]],
        );
    }

    #[test]
    fn free_variable_use() {
        check(
            &at(COUNTER, "step\n"),
            expect![[r#"
                [step]
                **`step`** is a free variable of `increment`: it lives in a cell owned by `make_counter`, created when `make_counter` runs.

                ```python
                step = 1  # line 3
                ```

                No other nested scope shares this cell.
            "#]],
        );
    }

    #[test]
    fn nonlocal_declaration() {
        check(
            &at(COUNTER, "count\n        count +="),
            expect![[r#"
                [count]
                `nonlocal count` refers to the cell of `count` in `make_counter`; assignments here rebind that cell, shared with every closure of the same call.

                ```python
                count = 0  # line 2
                count += step  # line 6
                count = 0  # line 10
                ```

                `count` is captured by `increment` (writes through `nonlocal`), `reset` (writes through `nonlocal`).
            "#]],
        );
    }

    #[test]
    fn plain_functions_and_locals_say_nothing() {
        check("def $0f(x):\n    return x\n", expect!["(no hover)"]);
        check(
            "def f(x):\n    y = 1\n    return $0y\n",
            expect!["(no hover)"],
        );
    }

    #[test]
    fn same_file_decorator() {
        // A generic decorator (3.12+) sits in its type-parameter scope: the same hover.
        for header in ["def logged(func):", "def logged[F](func: F) -> F:"] {
            check(
                &format!(
                    r#"
{header}
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper

@$0logged
def greet(name):
    return "hi " + name
"#
                ),
                expect![[r#"
                    [logged]
                    ```python
                    @logged
                    ```
                    `logged` is defined on line 1; applying it calls `logged` and replaces the decorated function with what it returns.

                    - `wrapper` (line 2) closes over `func` (from `logged`)

                    Each application of `@logged` runs `logged` once, so every decorated function gets its own cells.
                "#]],
            );
        }
    }

    fn check_version(text: &str, version: crate::analysis::PythonVersion, expected: Expect) {
        let fixture = Fixture::with_version(text, version);
        let file = fixture.view();
        let shown = match hover(
            &file,
            fixture.cursor(),
            &diagnostics(&file, &Settings::default()),
        ) {
            Some(h) => format!("[{}]\n{}", file.text(h.range), h.markdown),
            None => "(no hover)".into(),
        };
        expected.assert_eq(&shown);
    }

    const SCALED: &str = "def scaled(xs, k):\n    return [x * k for x in xs if x$0 > limit]\n";

    #[test]
    fn comprehension_own_scope_in_311() {
        check_version(
            &SCALED.replace("x$0 >", "x >").replace("[x * k", "$0[x * k"),
            crate::analysis::PythonVersion::Py311,
            expect![[r#"
                [[]
                ```python
                return [x * k for x in xs if x > limit]
                ```
                This list comprehension is **a function scope of its own** (Python 3.11): CPython compiles it into a hidden function `<listcomp>` and calls it at once with the first iterable as its only argument `.0`; it reads the enclosing function's variables through its own `__closure__`. (Python 3.12+ inlines it instead, PEP 709.)

                Names it reads from outside:
                - `k`: a free variable: the cell of `scaled`
                - `xs`: the first iterable, evaluated in `scaled` before the list comprehension starts
                - `limit`: a builtin (or a global this file never binds)
            "#]],
        );
    }

    #[test]
    fn comprehension_inlined_in_312_plus_and_generators() {
        check(
            &SCALED.replace("x$0 >", "x >").replace(" for x", " $0for x"),
            expect![[r#"
                [[]
                ```python
                return [x * k for x in xs if x > limit]
                ```
                This list comprehension is **inlined** into `scaled` (Python 3.14, PEP 709): it runs in `scaled`'s frame, with no function object, no hidden `.0` argument and no `__closure__` of its own. Its iteration variables stay its own: they do not leak into `scaled`.

                Names it reads from outside:
                - `k`: a variable of `scaled`, read directly in its frame
                - `xs`: the first iterable, evaluated in `scaled` before the list comprehension starts
                - `limit`: a builtin (or a global this file never binds)
            "#]],
        );
        check(
            "def total(xs, k):\n    return sum(x * k $0for x in xs)\n",
            expect![[r#"
                [(]
                ```python
                return sum(x * k for x in xs)
                ```
                This generator expression is **a function scope of its own** (in every version): a generator whose code runs lazily, when it is iterated. Only the first iterable is evaluated at once, in `total`, and passed in as the hidden argument `.0`; enclosing variables are read through its `__closure__` when the generator runs, so it sees their values at that time.

                Names it reads from outside:
                - `k`: a free variable: the cell of `total`
                - `xs`: the first iterable, evaluated in `total` before the generator expression starts
            "#]],
        );
    }

    #[test]
    fn class_attribute_invisible_to_methods_and_comprehensions() {
        let text = r#"
size = 10
class Grid:
    size = 3
    cells = [0 for _ in range(size)]
    doubled = [size * 2 for _ in range(3)]
    def area(self):
        return size * size
"#;
        check(
            &text.replace("    size = 3", "    si$0ze = 3"),
            expect![[r#"
                [size]
                **`size`** is an attribute of class `Grid`. A class body is not an enclosing scope for the functions and comprehensions nested in it: the comprehension on line 5, `area` (line 7) read the bare name `size` and get the module global `size` (bound on line 1) instead.

                Inside methods write `self.size` or `Grid.size`.
            "#]],
        );
        check(
            &text.replace("return size", "return si$0ze"),
            expect![[r#"
                [size]
                **`size`** here is not the class attribute `Grid.size` (bound on line 3): a class body is not an enclosing scope for the functions and comprehensions nested in it, so `size` is the module global `size` (bound on line 1).

                For the attribute, write `self.size` or `Grid.size`.
            "#]],
        );
    }

    #[test]
    fn what_keeps_a_cell_alive() {
        check(
            r#"
def make_handlers(big):
    da$0ta = load(big)
    def on_click():
        return data
    def on_key():
        return lambda: data
    return on_click, on_key
"#,
            expect![[r#"
                [data]
                **`data`** is a cell variable of `make_handlers`: each call of `make_handlers` creates a fresh cell that nested scopes share.

                `data` is captured by `on_click` (reads), `on_key` (pass-through), `<lambda>` (reads).

                After `make_handlers` returns, the cell (and the object in it) stays alive as long as one of these holds it in its `__closure__`:
                - `on_click` (line 3): `on_click.__closure__[0]`
                - `on_key` (line 5): `on_key.__closure__[0]`, only to pass it on to a nested function
                - `<lambda>` (line 6): `<lambda>.__closure__[0]`

                A closure that outlives the call (returned, stored as a callback) keeps `data` alive with it; rebinding `data` (or `del data`) in `make_handlers` changes the cell for every closure.
            "#]],
        );
    }

    #[test]
    fn comprehension_cell_in_312_plus() {
        check(
            "def f():\n    return [lambda: $0i for i in range(3)]\n",
            expect![[r#"
                [i]
                **`i`** is a free variable of `<lambda>`: it lives in a cell owned by `f`, created when `f` runs.

                ```python
                return [lambda: i for i in range(3)]  # line 2
                ```

                No other nested scope shares this cell.

                ---

                **late-binding** (warning): the lambdas this comprehension makes outlive their iteration (the comprehension collects them) and share the comprehension's variable `i`: they read it when they run, not when they are made, so run after the comprehension has moved on, each one sees the latest value of `i`, not the value of its own iteration.
            "#]],
        );
    }

    const LATE: &str = r#"
def make(limits):
    checks = []
    for limit in limits:
        checks.append(lambda value: value <= limit)
        def check(value):
            return value <= limit
        checks.append(check)
    return checks
"#;

    #[test]
    fn a_flagged_lambda_explains_its_bug() {
        check(
            &at(LATE, "lambda value"),
            expect![[r#"
            [lambda]
            ```python
            checks.append(lambda value: value <= limit)
            ```
            `<lambda>.__closure__` holds 1 cell:

            | `__closure__` | name | cell of | bound | use |
            |---|---|---|---|---|
            | `[0]` | `limit` | `make` | line 3 | read |

            Each call of `make` runs this `lambda` again and creates a new function object with fresh cells: closures from different calls never share them, while closures made in the same call (say, in a loop) share them and see the latest value.

            ---

            **late-binding** (warning): the lambdas this loop makes outlive their iteration (they are passed to `checks.append`, which may keep them) and share the loop's variable `limit`: they read it when they run, not when they are made, so run after the loop has moved on, each one sees the latest value of `limit`, not the value of its own iteration.
        "#]],
        );
    }

    #[test]
    fn a_flagged_def_adds_its_bug_to_its_closure_table() {
        check(
            &at(LATE, "check(value)"),
            expect![[r#"
            [check]
            ```python
            def check(value):
            ```
            `check.__closure__` holds 1 cell:

            | `__closure__` | name | cell of | bound | use |
            |---|---|---|---|---|
            | `[0]` | `limit` | `make` | line 3 | read |

            Each call of `make` runs this `def` again and creates a new function object with fresh cells: closures from different calls never share them, while closures made in the same call (say, in a loop) share them and see the latest value.

            ---

            **late-binding** (warning): the `check` functions this loop makes outlive their iteration (they are passed to `checks.append`, which may keep them) and share the loop's variable `limit`: they read it when they run, not when they are made, so run after the loop has moved on, each one sees the latest value of `limit`, not the value of its own iteration.
        "#]],
        );
    }

    #[test]
    fn a_name_the_closure_shares_explains_the_bug() {
        check(
            &at(LATE, "limit)\n        def"),
            expect![[r#"
            [limit]
            **`limit`** is a free variable of `<lambda>`: it lives in a cell owned by `make`, created when `make` runs.

            ```python
            for limit in limits:  # line 3
            ```

            Shared with `check` and `make` itself.

            ---

            **late-binding** (warning): the lambdas this loop makes outlive their iteration (they are passed to `checks.append`, which may keep them) and share the loop's variable `limit`: they read it when they run, not when they are made, so run after the loop has moved on, each one sees the latest value of `limit`, not the value of its own iteration.
        "#]],
        );
    }

    #[test]
    fn a_flagged_name_explains_its_bug() {
        check(
            "def make_counter():\n    count = 0\n    def increment():\n        $0count += 1\n        return count\n    return increment\n",
            expect![[r#"
                [count]
                **unbound-local** (error): `increment` assigns `count`, so `count` is local to `increment` everywhere in it, and this reads it before any assignment: calling `increment` raises UnboundLocalError: cannot access local variable 'count' where it is not associated with a value. `make_counter` also binds `count`; to use that one, declare `nonlocal count`.
            "#]],
        );
    }

    #[test]
    fn a_disabled_code_is_not_explained() {
        let fixture = Fixture::new(&at(LATE, "lambda value"));
        let file = fixture.view();
        let mut settings = Settings::default();
        settings.set_diagnostic_level(crate::ide::diagnostics::Code::LateBinding, None);
        let shown =
            hover(&file, fixture.cursor(), &diagnostics(&file, &settings)).map(|h| h.markdown);
        assert!(
            shown.as_deref().is_none_or(|m| !m.contains("late-binding")),
            "{shown:?}"
        );
    }
}
