//! Closure-capture inlay hints: `def increment(): captures(nonlocal count, step)`.
//!
//! Modeled on rust-analyzer's closure-capture hints (`move(&mut count, step)`): one hint per
//! closure, one label part per captured name, each pointing at the binding that created the cell.
//! A name the closure rebinds through `nonlocal` is prefixed with `nonlocal`, the keyword that
//! made the write possible, much as rust-analyzer writes `&mut`.

use super::FileView;
use super::captures::{self, Capture, CaptureMode};
use crate::analysis::{ScopeId, TextRange};
use crate::config::Settings;

/// One inlay hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where it is shown: just after the closure's header (its `:`).
    pub offset: usize,
    /// The label, in parts.
    pub label: Vec<LabelPart>,
}

/// One part of a hint's label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelPart {
    /// The text shown.
    pub text: String,
    /// Markdown shown on hover.
    pub tooltip: Option<String>,
    /// Where clicking it goes.
    pub target: Option<TextRange>,
}

impl InlayHint {
    /// The label as one string.
    pub fn text(&self) -> String {
        self.label.iter().map(|p| p.text.as_str()).collect()
    }
}

/// The hints whose position lies in `range`.
pub fn inlay_hints(file: &FileView, range: TextRange, settings: &Settings) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    for id in file.analysis.scopes_meeting(range) {
        let scope = file.analysis.scope(id);
        if !captures::is_closure_scope(scope)
            || scope.code.as_ref().is_none_or(|c| c.freevars.is_empty())
            || !range.contains(scope.header_end)
        {
            continue;
        }
        let shown = captures::shown(captures::captures(file, id), settings.pass_through);
        if shown.is_empty() {
            continue;
        }
        let mut label = vec![plain("captures(")];
        for (n, capture) in shown.iter().enumerate() {
            if n > 0 {
                label.push(plain(", "));
            }
            label.push(LabelPart {
                text: capture.label(),
                tooltip: Some(capture_tooltip(file, id, capture)),
                target: capture.target(file),
            });
        }
        label.push(plain(")"));
        hints.push(InlayHint {
            offset: scope.header_end,
            label,
        });
    }
    hints
}

fn plain(text: &str) -> LabelPart {
    LabelPart {
        text: text.into(),
        ..LabelPart::default()
    }
}

/// "`count` is `increment.__closure__[0]`, the cell of `make_counter` bound on line 2. …"
fn capture_tooltip(file: &FileView, scope: ScopeId, capture: &Capture) -> String {
    let mut text = format!(
        "`{}` is `{}.__closure__[{}]`",
        capture.display,
        file.scope_name(scope),
        capture.index
    );
    match capture.owner {
        Some(owner) => {
            text.push_str(&format!(
                ", the cell of `{}`",
                file.analysis.scope(owner).qualname
            ));
            if let Some(b) = capture.binding {
                text.push_str(&format!(" bound on line {}", file.line(b.range.start)));
            }
        }
        None => text.push_str(", a cell of an enclosing scope"),
    }
    text.push('.');
    text.push_str(match capture.mode {
        CaptureMode::NonlocalWrite => {
            " Rebound here through `nonlocal`: the change is visible to every closure sharing the cell."
        }
        CaptureMode::PassThrough => {
            " Pass-through: not used here, only forwarded to a nested scope."
        }
        CaptureMode::Read => {
            " Read here; the value is looked up when the code runs, not when the closure is created."
        }
    });
    text
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::ide::fixture::Fixture;

    /// The source with each hint's text inserted where the editor shows it.
    fn check_with(text: &str, settings: &Settings, expected: Expect) {
        let fixture = Fixture::new(text);
        let file = fixture.view();
        let hints = inlay_hints(&file, TextRange::new(0, text.len()), settings);
        let mut shown = fixture.text.clone();
        for hint in hints.iter().rev() {
            shown.insert_str(hint.offset, &format!(" ⟨{}⟩", hint.text()));
        }
        expected.assert_eq(&shown);
    }

    fn check(text: &str, expected: Expect) {
        check_with(text, &Settings::default(), expected);
    }

    #[test]
    fn counter_adder_and_decorator() {
        check(
            r#"
def make_counter():
    count = 0
    step = 1
    def increment():
        nonlocal count
        count += step
        return count
    return increment

def logged(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper

adders = [lambda x: x + n for n in range(3)]
"#,
            expect![[r#"
                def make_counter():
                    count = 0
                    step = 1
                    def increment(): ⟨captures(nonlocal count, step)⟩
                        nonlocal count
                        count += step
                        return count
                    return increment

                def logged(func):
                    def wrapper(*args, **kwargs): ⟨captures(func)⟩
                        return func(*args, **kwargs)
                    return wrapper

                adders = [lambda x: ⟨captures(n)⟩ x + n for n in range(3)]
            "#]],
        );
    }

    #[test]
    fn super_class_cell_and_mangled_names() {
        check(
            r#"
class Child(Base):
    def hello(self):
        __secret = 1
        return lambda: (__secret, super().hello())
"#,
            expect![[r#"
                class Child(Base):
                    def hello(self):
                        __secret = 1
                        return lambda: ⟨captures(__secret, __class__)⟩ (__secret, super().hello())
            "#]],
        );
    }

    #[test]
    fn pass_through_only_with_the_setting() {
        let text = r#"
def repeat(times):
    def decorator(fn):
        def wrapper():
            return [fn() for _ in range(times)]
        return wrapper
    return decorator
"#;
        check(
            text,
            expect![[r#"
                def repeat(times):
                    def decorator(fn):
                        def wrapper(): ⟨captures(fn, times)⟩
                            return [fn() for _ in range(times)]
                        return wrapper
                    return decorator
            "#]],
        );
        let settings = Settings {
            pass_through: true,
            ..Settings::default()
        };
        check_with(
            text,
            &settings,
            expect![[r#"
                def repeat(times):
                    def decorator(fn): ⟨captures(times (pass-through))⟩
                        def wrapper(): ⟨captures(fn, times)⟩
                            return [fn() for _ in range(times)]
                        return wrapper
                    return decorator
            "#]],
        );
    }

    #[test]
    fn tooltips_and_targets_point_at_the_binding() {
        let fixture = Fixture::new("def f(n):\n    def g():\n        return n\n    return g\n");
        let file = fixture.view();
        let hints = inlay_hints(
            &file,
            TextRange::new(0, fixture.text.len()),
            &Settings::default(),
        );
        let part = &hints[0].label[1];
        assert_eq!(part.target, Some(TextRange::new(6, 7)));
        expect![[r#"`n` is `g.__closure__[0]`, the cell of `f` bound on line 1. Read here; the value is looked up when the code runs, not when the closure is created."#]]
            .assert_eq(part.tooltip.as_deref().unwrap_or_default());
    }
}
