//! `super-call`: a zero-argument `super()` where CPython cannot run it. It needs the class (the
//! implicit `__class__` cell of a method) and the instance (the method's first argument); in a
//! nested function, a lambda, a generator expression (or a 3.11 comprehension), a static method
//! or outside any class, one of them is missing or wrong.

use super::{Code, Diagnostic, Finding, Origin, Select};
use crate::analysis::{PythonVersion, ScopeId, ScopeKind, SuperCall};
use crate::ide::FileView;

pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let analysis = file.analysis;
    analysis
        .facts
        .super_calls
        .iter()
        .filter_map(|c| {
            // The frame's symbols and its enclosing scopes'; the fact is found again when the
            // function's calls (in the scope defining it) may have changed.
            let origin = Origin {
                scopes: std::iter::once(c.frame)
                    .chain(analysis.defining_scope(c.frame))
                    .collect(),
                ..Origin::default()
            };
            if !select.wants(&origin) {
                return None;
            }
            let diagnostic = diagnostic(file, c)?;
            Some(Finding::new(diagnostic, origin))
        })
        .collect()
}

fn diagnostic(file: &FileView, call: &SuperCall) -> Option<Diagnostic> {
    let analysis = file.analysis;
    let frame = analysis.scope(call.frame);
    let name = file.scope_name(call.frame);
    let has_class_cell = frame.symbol("__class__").is_some_and(|s| s.is_free());
    let is_method = |s: ScopeId| {
        analysis.scope(s).kind == ScopeKind::Function
            && analysis
                .defining_scope(s)
                .is_some_and(|d| analysis.scope(d).kind == ScopeKind::Class)
    };
    let class = analysis
        .ancestors(call.frame)
        .find(|&a| analysis.scope(a).kind == ScopeKind::Class)
        .map(|c| file.scope_name(c));
    let type_error = |first: &str| {
        let class = class.clone().unwrap_or_default();
        let cpython = if analysis.version >= PythonVersion::Py313 {
            format!(
                "TypeError: super(type, obj): obj (instance of …) is not an instance or subtype of type ({class})."
            )
        } else {
            "TypeError: super(type, obj): obj must be an instance or subtype of type".to_owned()
        };
        format!(
            "`super()` uses the first argument of `{name}` ({first}) as the instance, which is \
             not an instance of `{class}` here: running it raises {cpython}"
        )
    };
    let message = if call.positional == 0 {
        format!(
            "`super()` with no arguments takes the instance from the first argument of the \
             function it is in, and `{name}` has none: running it raises RuntimeError: \
             super(): no arguments"
        )
    } else if frame.kind.is_comprehension() && !frame.inlined {
        type_error("the hidden iterator argument of the comprehension")
    } else if !has_class_cell {
        format!(
            "`super()` with no arguments needs the class it is written in, and `{name}` is not \
             in a class: running it raises RuntimeError: super(): __class__ cell not found"
        )
    } else if !is_method(call.frame) {
        // A nested function gets whatever its callers pass first: judged where every use of it
        // is a call that passes something else than the method's own instance.
        let instance = analysis
            .ancestors(call.frame)
            .find(|&a| is_method(a))
            .and_then(|m| analysis.scope(m).params.first().cloned());
        let passed = call.called_with.as_ref()?;
        if passed.is_empty() || passed.iter().any(|a| Some(a) == instance.as_ref()) {
            return None;
        }
        let first = frame
            .params
            .first()
            .map_or(String::new(), |p| format!("`{p}`"));
        type_error(&format!("{first}, given `{}`", passed.join("`, `")))
    } else {
        return None;
    };
    Some(Diagnostic::new(Code::SuperCall, call.range, message))
}
