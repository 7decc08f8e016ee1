//! Hover: closures as the interpreter builds them, free variables, cells, `nonlocal`/`global`
//! declarations and decorators defined in the same file. Markdown text with the range it covers.

use std::fmt::Write as _;

use super::FileView;
use super::captures::{self, CaptureMode};
use crate::analysis::{Occurrence, OccurrenceKind, ScopeId, ScopeKind, SymbolId, TextRange};

/// A hover: Markdown, and the range of source it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at `offset`, if there is anything closure-related to say.
pub fn hover(file: &FileView, offset: usize) -> Option<HoverResult> {
    let (range, markdown) = decorator_hover(file, offset)
        .or_else(|| header_hover(file, offset))
        .or_else(|| occurrence_hover(file, offset))?;
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
            let usage = match c.mode {
                CaptureMode::PassThrough => "pass-through (only for a nested scope)",
                CaptureMode::NonlocalWrite => "written (`nonlocal`)",
                CaptureMode::Read => "read",
            };
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
                    captured_by_text(file, cell_users(file, o.symbol), &o.name)
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
            let symbol = analysis.scope(o.scope).symbol(&o.name);
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
                        let w = if writes(file, u, &o.name) {
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
                    captured_by_text(file, cell_users(file, o.symbol), &o.name)
                );
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
        .filter(|(_, s)| {
            s.kind == ScopeKind::Function && s.parent == Some(o.resolves_to()) && *s.name == *o.name
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

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture::Fixture;

    fn check(text: &str, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let shown = match hover(&file, fixture.cursor()) {
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
        check(
            r#"
def logged(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper

@$0logged
def greet(name):
    return "hi " + name
"#,
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
            "#]],
        );
    }
}
