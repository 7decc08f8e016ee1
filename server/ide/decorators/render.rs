//! The one wording of the decorator facts: values, calls, what a name becomes, `functools.wraps`,
//! the `__closure__` table. The hover, the code lens and the JSON output all word them here.

use std::fmt::Write as _;

use crate::analysis::PythonVersion;

use super::chain::Cell;
use super::eval::Eval;
use super::outline::DefKind;
use super::value::{CallRecord, Code, DefRef, Function, ModIdx, Origin, Value};

/// The wording context: the evaluation (names of defs, frames) and the decorated definition.
pub struct Words<'e, 's> {
    pub eval: &'e Eval<'s>,
    /// The decorated name as written (`fetch`), or the function a chain starts at.
    pub original: &'e str,
    /// Whether the decorated definition is a function or a class.
    pub kind: DefKind,
}

impl Words<'_, '_> {
    fn kind_word(&self) -> &'static str {
        match self.kind {
            DefKind::Function => "function",
            DefKind::Class => "class",
        }
    }

    /// The last part of a qualified name: `wrapper` for `retry.<locals>.decorator.<locals>.wrapper`.
    fn last(qualname: &str) -> &str {
        qualname.rsplit('.').next().unwrap_or(qualname)
    }

    /// Where a def is: "line 7" in the current file, "`decos`, line 7" elsewhere.
    pub fn place(&self, def: DefRef) -> String {
        let module = self.eval.module(def.module);
        let line = module.line(module.outline.defs[def.def].name.start);
        if def.module == ModIdx::CURRENT {
            format!("line {line}")
        } else {
            format!("`{}`, line {line}", module.name)
        }
    }

    fn code_place(&self, code: Code) -> String {
        match code {
            Code::Def(def) => self.place(def),
            Code::Lambda { module, scope } => {
                let file = self.eval.module(module);
                let line = file.line(file.analysis.scope(scope).range.start);
                if module == ModIdx::CURRENT {
                    format!("line {line}")
                } else {
                    format!("`{}`, line {line}", file.name)
                }
            }
        }
    }

    /// A value inside code (a call's arguments, a lens): `3`, `fetch`, `?`.
    pub fn short(&self, value: &Value) -> String {
        match value {
            Value::Original => self.original.to_owned(),
            Value::Function(f) => self.eval.code_qualname(f.code),
            Value::Class(c) => self.eval.qualname(*c),
            Value::Instance(c) => format!("<{} object>", self.eval.qualname(*c)),
            Value::BoundMethod { method, .. } => self.short(method),
            Value::Module { spec, .. } => spec.display(),
            Value::External(path) => path.clone(),
            Value::Builtin(name) => name.clone(),
            Value::Wraps(_) => "functools.wraps(…)".into(),
            Value::BuiltinObject { kind, .. } => format!("<{kind} object>"),
            Value::Source(s) => s.text.clone(),
            Value::Parameter { name, .. } => name.clone(),
            Value::PyNone => "None".into(),
            Value::Generator { coroutine, .. } => {
                if *coroutine {
                    "<coroutine object>".into()
                } else {
                    "<generator object>".into()
                }
            }
            Value::OneOf(_) | Value::Unknown(_) => "?".into(),
        }
    }

    /// A value in a sentence or a table cell (Markdown).
    pub fn value(&self, value: &Value) -> String {
        match value {
            Value::Original => format!("`{}` (the original {})", self.original, self.kind_word()),
            Value::Function(f) => format!("function `{}`", self.eval.code_qualname(f.code)),
            Value::Class(c) => format!("class `{}`", self.eval.qualname(*c)),
            Value::Instance(c) => format!("instance of `{}`", self.eval.qualname(*c)),
            Value::BoundMethod { instance, method } => format!(
                "{} bound to an instance of `{}`",
                self.value(method),
                self.eval.qualname(*instance)
            ),
            Value::Module { spec, .. } => format!("module `{}`", spec.display()),
            Value::External(path) => format!("`{path}` (outside the workspace)"),
            Value::Builtin(name) => format!("builtin `{name}`"),
            Value::Wraps(wrapped) => {
                format!("the decorator `functools.wraps({})`", self.short(wrapped))
            }
            Value::BuiltinObject { kind, inner } => {
                format!("`{kind}` object wrapping {}", self.value(inner))
            }
            Value::Source(s) if s.literal => format!("`{}`", s.text),
            Value::Source(s) => format!("`{}` (computed when it runs)", s.text),
            Value::Parameter { frame, name } => {
                let frame = self.eval.frame(*frame);
                let function = frame.function;
                let module = self.eval.module(function.module);
                let default = module.outline.defs[function.def]
                    .params
                    .iter()
                    .find(|p| p.name == *name)
                    .and_then(|p| p.default.as_ref())
                    .map(|d| format!(", default `{}`", module.text(d.range)))
                    .unwrap_or_default();
                format!(
                    "the argument for `{name}` of `{}`{default}",
                    Self::last(&self.eval.qualname(function))
                )
            }
            Value::PyNone => "`None`".into(),
            Value::Generator {
                function,
                coroutine,
            } => format!(
                "{} object of `{}`",
                if *coroutine { "coroutine" } else { "generator" },
                self.eval.qualname(*function)
            ),
            Value::OneOf(options) => {
                let parts: Vec<String> = options
                    .iter()
                    .map(|(at, v)| {
                        let line = self.eval.module(ModIdx::CURRENT).line(at.start);
                        format!("{} (`return` on line {line})", self.value(v))
                    })
                    .collect();
                format!("one of {}", parts.join(", "))
            }
            Value::Unknown(why) => format!("unknown: {why}"),
        }
    }

    /// A value with where it came from: "`0.1` (default)".
    fn bound_value(&self, value: &Value, origin: Option<Origin>) -> String {
        let text = self.value(value);
        match origin {
            Some(Origin::Default) => format!("{text} (default)"),
            _ => text,
        }
    }

    /// One call of a chain: "`retry(3, delay=0.5)` binds `times=3`, `delay=0.5` and returns
    /// function `retry.<locals>.decorator`".
    pub fn call(&self, record: &CallRecord) -> String {
        let callee = match &record.callee {
            Value::Function(f) => Self::last(&self.eval.code_qualname(f.code)).to_owned(),
            Value::BoundMethod { method, .. } => match method.as_ref() {
                Value::Function(f) => self.eval.code_qualname(f.code),
                other => self.short(other),
            },
            other => self.short(other),
        };
        let written = format!("`{callee}({})`", record.arguments.join(", "));
        let binds = record.frame.map(|frame| {
            let frame = self.eval.frame(frame);
            let parts: Vec<String> = frame
                .params
                .iter()
                .filter(|b| !matches!(b.value, Value::Instance(_)) || b.name != "self")
                .map(|b| {
                    let default = if b.origin == Origin::Default {
                        " (default)"
                    } else {
                        ""
                    };
                    format!("`{}={}`{default}", b.name, self.short(&b.value))
                })
                .collect();
            parts
        });
        let runs = match &record.callee {
            Value::Instance(c) => format!(" runs `{}.__call__`,", self.eval.qualname(*c)),
            Value::Class(c) => format!(" runs `{}.__init__`,", self.eval.qualname(*c)),
            _ => String::new(),
        };
        let result = match &record.result {
            Value::Unknown(why) if why.starts_with("TypeError") => {
                return format!("{written} raises {why}");
            }
            Value::Unknown(why) => return format!("{written} is not followed: {why}"),
            Value::Instance(c) => format!("makes an instance of `{}`", self.eval.qualname(*c)),
            Value::Original => format!("returns its argument `{}` unchanged", self.original),
            Value::PyNone => "returns `None` (it has no `return`)".into(),
            other => format!("returns {}", self.value(other)),
        };
        match binds {
            Some(parts) if !parts.is_empty() => {
                format!("{written}{runs} binds {} and {result}", parts.join(", "))
            }
            _ => format!("{written}{runs} {result}"),
        }
    }

    /// "**`fetch`** becomes function `…wrapper` (`decos`, line 7)".
    pub fn becomes(&self, result: &Value) -> String {
        let name = self.original;
        match result {
            Value::Function(f) => format!(
                "**`{name}`** becomes function `{}` ({}).",
                self.eval.code_qualname(f.code),
                self.code_place(f.code)
            ),
            Value::Original => format!(
                "**`{name}`** stays the original {}: the decorators return it unchanged (as a registry does).",
                self.kind_word()
            ),
            Value::Class(c) => format!(
                "**`{name}`** becomes class `{}` ({}).",
                self.eval.qualname(*c),
                self.place(*c)
            ),
            Value::Instance(c) => format!(
                "**`{name}`** becomes an instance of `{}` ({}); calling `{name}(…)` runs `{}.__call__`.",
                self.eval.qualname(*c),
                self.place(*c),
                self.eval.qualname(*c)
            ),
            Value::PyNone => format!(
                "**`{name}`** becomes `None`: the decorator returns nothing, so calling `{name}(…)` raises TypeError."
            ),
            Value::Unknown(why) => {
                format!("What **`{name}`** becomes could not be resolved: {why}.")
            }
            other => format!("**`{name}`** becomes {}.", self.value(other)),
        }
    }

    /// What `functools.wraps` did to the resulting function, or that it is missing.
    pub fn wraps(&self, function: &Function, version: PythonVersion) -> String {
        let name = self.original;
        let own_name = match function.code {
            Code::Def(_) => Self::last(&self.eval.code_qualname(function.code)).to_owned(),
            Code::Lambda { .. } => "<lambda>".to_owned(),
        };
        match &function.wraps {
            Some(wrapped) => {
                let copied_name = match wrapped.as_ref() {
                    Value::Original => name.to_owned(),
                    Value::Function(f) => Self::last(&self.eval.code_qualname(f.code)).to_owned(),
                    _ => "?".to_owned(),
                };
                let type_params = if version >= PythonVersion::Py312 {
                    ", `__annotations__` and `__type_params__`"
                } else {
                    " and `__annotations__`"
                };
                format!(
                    "`functools.wraps` copied `__module__`, `__name__`, `__qualname__`, `__doc__`{type_params} from {} and set `{name}.__wrapped__` to it: `{name}.__name__` is `'{copied_name}'`.",
                    self.value(wrapped)
                )
            }
            None => format!(
                "No `functools.wraps`: `{name}.__name__` is `'{own_name}'`, `{name}.__doc__` is `{own_name}`'s docstring, and `{name}.__wrapped__` is not set."
            ),
        }
    }

    /// "`fetch.__closure__` holds 3 cells:" and the table.
    pub fn closure_table(&self, holder: &str, cells: &[Cell]) -> String {
        if cells.is_empty() {
            return format!("`{holder}` closes over nothing: its `__closure__` is `None`.\n");
        }
        let mut md = format!(
            "`{holder}.__closure__` holds {} cell{}:\n\n| `__closure__` | name | value | cell of | use |\n|---|---|---|---|---|\n",
            cells.len(),
            if cells.len() == 1 { "" } else { "s" }
        );
        for c in cells {
            let owner = c
                .owner
                .as_ref()
                .map_or("?".to_owned(), |o| format!("`{o}`"));
            let _ = writeln!(
                md,
                "| `[{}]` | `{}` | {} | {owner} | {} |",
                c.index,
                c.name,
                escape_cell(&self.bound_value(&c.value, c.origin)),
                c.mode.usage()
            );
        }
        md
    }

    /// The cells as a lens lists them: "delay = 0.5, fn = fetch, times = 3".
    pub fn cell_list(&self, cells: &[Cell]) -> String {
        cells
            .iter()
            .map(|c| format!("{} = {}", c.name, self.short(&c.value)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Text for a Markdown table cell: `|` escaped, one line.
fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
