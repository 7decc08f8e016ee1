//! Hover: closures as the interpreter builds them, free variables, cells, `nonlocal`/`global`
//! declarations and decorators defined in the same file.

use std::fmt::Write as _;

use ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::{Ctx, captures, is_closure_candidate};
use crate::analysis::{Occurrence, OccurrenceKind, ScopeId, ScopeKind, SymbolFlags, TextRange};

/// The hover at `offset`, if there is anything closure-related to say.
pub fn hover(ctx: &Ctx, offset: usize) -> Option<Hover> {
    let (range, markdown) = decorator_hover(ctx, offset)
        .or_else(|| header_hover(ctx, offset))
        .or_else(|| occurrence_hover(ctx, offset))?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(ctx.range(range)),
    })
}

fn code_block(lines: &[String]) -> String {
    format!("```python\n{}\n```\n", lines.join("\n"))
}

fn writes(ctx: &Ctx, scope: ScopeId, name: &str) -> bool {
    ctx.scope(scope)
        .symbol(name)
        .is_some_and(|s| s.flags.has(SymbolFlags::NONLOCAL) && s.flags.has(SymbolFlags::LOCAL))
}

/// The nearest enclosing function-like scope (whose calls create the cells of nested closures).
fn enclosing_function(ctx: &Ctx, id: ScopeId) -> Option<ScopeId> {
    let mut current = ctx.scope(id).parent;
    while let Some(p) = current {
        let scope = ctx.scope(p);
        if scope.kind != ScopeKind::Class && scope.kind != ScopeKind::Module && !scope.inlined {
            return Some(p);
        }
        current = scope.parent;
    }
    None
}

/// On a def's `def`/name or a lambda's `lambda`: the closure's `__closure__` table.
fn header_hover(ctx: &Ctx, offset: usize) -> Option<(TextRange, String)> {
    let (i, scope) = ctx
        .analysis
        .scopes
        .iter()
        .enumerate()
        .rev()
        .find(|(_, s)| {
            is_closure_candidate(s) && s.range.start <= offset && offset <= s.focus_range.end
        })?;
    let id = ScopeId(i as u32);
    let name = ctx.scope_name(id);
    let mut md = code_block(&[ctx.line_text(scope.focus_range.start).to_owned()]);
    let caps = captures(ctx, id);
    let owns_cells = scope.code.as_ref().is_some_and(|c| !c.cellvars.is_empty());
    if caps.is_empty() && !owns_cells && enclosing_function(ctx, id).is_none() {
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
                .map_or("?".into(), |o| format!("`{}`", ctx.scope_name(o)));
            let bound = c.binding.map_or("—".into(), |b| {
                let param = if b.kind == OccurrenceKind::Param {
                    " (parameter)"
                } else {
                    ""
                };
                format!("line {}{param}", ctx.line(b.range.start))
            });
            let usage = if c.pass_through {
                "pass-through (only for a nested scope)"
            } else if c.written {
                "written (`nonlocal`)"
            } else {
                "read"
            };
            let _ = writeln!(
                md,
                "| `[{}]` | `{}` | {owner} | {bound} | {usage} |",
                c.index, c.display
            );
        }
        let mut owners: Vec<ScopeId> = caps.iter().filter_map(|c| c.owner).collect();
        owners.dedup();
        let maker = enclosing_function(ctx, id);
        if let Some(m) = maker {
            let _ = write!(
                md,
                "\nEach call of `{}` runs this `{}` again and creates a new function object",
                ctx.scope_name(m),
                if scope.kind == ScopeKind::Lambda {
                    "lambda"
                } else {
                    "def"
                }
            );
            if owners.contains(&m) {
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
            .map_or("the class".into(), |o| format!("`{}`", ctx.scope_name(o)));
        let _ = writeln!(
            md,
            "\n`__class__` is the implicit cell CPython creates for `super()` and `__class__` in methods of {class}; it is filled in when the class statement finishes."
        );
    }
    md.push_str(&cells_section(ctx, id));
    Some((scope.focus_range, md))
}

/// "Owns cells: `count` → captured by `increment` (writes), `reset`."
fn cells_section(ctx: &Ctx, id: ScopeId) -> String {
    let scope = ctx.scope(id);
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
            ctx.source_name(name, scope.range),
            captured_by_text(ctx, id, name)
        );
    }
    md
}

fn captured_by_text(ctx: &Ctx, owner: ScopeId, name: &str) -> String {
    let users = ctx.scope(owner).captured_by(name);
    if users.is_empty() {
        return "no nested scope captures it".into();
    }
    let parts: Vec<String> = users
        .iter()
        .map(|&u| {
            let tag = if writes(ctx, u, name) {
                " (writes through `nonlocal`)"
            } else if ctx
                .scope(u)
                .symbol(name)
                .is_some_and(|s| s.is_pass_through())
            {
                " (pass-through)"
            } else {
                " (reads)"
            };
            format!("`{}`{tag}", ctx.scope_name(u))
        })
        .collect();
    format!("captured by {}", parts.join(", "))
}

fn binding_lines(ctx: &Ctx, bindings: &[&Occurrence]) -> String {
    if bindings.is_empty() {
        return "Not bound in this file.\n".into();
    }
    let lines: Vec<String> = bindings
        .iter()
        .take(8)
        .map(|b| {
            format!(
                "{}  # line {}",
                ctx.line_text(b.range.start),
                ctx.line(b.range.start)
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
fn occurrence_hover(ctx: &Ctx, offset: usize) -> Option<(TextRange, String)> {
    let o = ctx.analysis.occurrence_at(offset)?;
    let display = ctx.text(o.range);
    let owner = o.resolves_to;
    let owner_name = ctx.scope_name(owner);
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
                md.push_str(&binding_lines(ctx, &ctx.bindings(owner, &o.name)));
                let _ = writeln!(
                    md,
                    "\n`{display}` is {}.",
                    captured_by_text(ctx, owner, &o.name)
                );
            }
        }
        OccurrenceKind::GlobalDecl => {
            let _ = writeln!(
                md,
                "`global {display}` refers to the module-level `{display}`: no cell is involved, every call sees the same module variable.\n"
            );
            md.push_str(&binding_lines(ctx, &ctx.bindings(ScopeId::MODULE, &o.name)));
        }
        _ => {
            let symbol = ctx.scope(o.scope).symbol(&o.name);
            if owner != o.scope && symbol.is_some_and(|s| s.is_free()) {
                let _ = writeln!(
                    md,
                    "**`{display}`** is a free variable of `{}`: it lives in a cell owned by `{owner_name}`, created when `{owner_name}` runs.\n",
                    ctx.scope_name(o.scope)
                );
                md.push_str(&binding_lines(ctx, &ctx.bindings(owner, &o.name)));
                let others: Vec<ScopeId> = ctx
                    .scope(owner)
                    .captured_by(&o.name)
                    .iter()
                    .copied()
                    .filter(|&u| u != o.scope)
                    .collect();
                if others.is_empty() {
                    let _ = writeln!(md, "\nNo other nested scope shares this cell.");
                } else {
                    let names: Vec<String> = others
                        .iter()
                        .map(|&u| {
                            let w = if writes(ctx, u, &o.name) {
                                " (writes)"
                            } else {
                                ""
                            };
                            format!("`{}`{w}", ctx.scope_name(u))
                        })
                        .collect();
                    let _ = writeln!(
                        md,
                        "\nShared with {} and `{owner_name}` itself.",
                        names.join(", ")
                    );
                }
            } else if owner == o.scope && symbol.is_some_and(|s| s.is_cell()) {
                let _ = writeln!(
                    md,
                    "**`{display}`** is a cell variable of `{owner_name}`: each call of `{owner_name}` creates a fresh cell that nested scopes share.\n\n`{display}` is {}.",
                    captured_by_text(ctx, owner, &o.name)
                );
            } else {
                return None;
            }
        }
    }
    Some((o.range, md))
}

/// On a decorator: what the wrapper returned by a same-file decorator closes over.
fn decorator_hover(ctx: &Ctx, offset: usize) -> Option<(TextRange, String)> {
    // Text-based, so cold documents need no tree: the hovered line is `@expr` (its first line).
    let line = ctx.line(offset) - 1;
    let index = &ctx.doc.line_index;
    let (start, end) = (index.line_start(line), index.line_end(line));
    let text = ctx.text(TextRange::new(start, end));
    let indent = text.len() - text.trim_start().len();
    if !text[indent..].starts_with('@') {
        return None;
    }
    let deco_range = TextRange::new(start + indent, end);
    let o = ctx
        .occurrences_in(deco_range)
        .iter()
        .find(|o| o.kind == OccurrenceKind::Read)?;
    let candidates: Vec<(usize, _)> = ctx
        .analysis
        .scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.kind == ScopeKind::Function && s.parent == Some(o.resolves_to) && *s.name == *o.name
        })
        .collect();
    let (i, deco) = candidates
        .iter()
        .rev()
        .find(|(_, s)| s.focus_range.start < deco_range.start)
        .or(candidates.first())
        .copied()?;
    let id = ScopeId(i as u32);
    let display = ctx.text(o.range);
    let mut md = code_block(&[ctx.line_text(deco_range.start).to_owned()]);
    let _ = writeln!(
        md,
        "`{display}` is defined on line {}; applying it calls `{display}` and replaces the decorated function with what it returns.\n",
        ctx.line(deco.focus_range.start)
    );
    let mut found = false;
    for (j, s) in ctx.analysis.scopes.iter().enumerate().skip(i + 1) {
        if !deco.range.contains(s.range.start) {
            break;
        }
        let caps = captures(ctx, ScopeId(j as u32));
        if !is_closure_candidate(s) || caps.is_empty() {
            continue;
        }
        found = true;
        let names: Vec<String> = caps
            .iter()
            .map(|c| {
                let from = c.owner.map_or(String::new(), |o| {
                    format!(" (from `{}`)", ctx.scope_name(o))
                });
                let w = if c.written { ", written" } else { "" };
                format!("`{}`{from}{w}", c.display)
            })
            .collect();
        let _ = writeln!(
            md,
            "- `{}` (line {}) closes over {}",
            ctx.scope_name(ScopeId(j as u32)),
            ctx.line(s.focus_range.start),
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
    let _ = id;
    Some((o.range, md))
}
