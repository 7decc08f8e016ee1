//! Binding a call's arguments to a function's parameters, as CPython does: positional, keyword,
//! defaults, `*args` / `**kwargs`; the `TypeError` a call would raise; "unknown" where a `*` or
//! `**` argument makes it undecidable.

use super::outline::{ArgumentKind, Param, ParamKind};
use super::value::{Bound, Origin, SourceValue, Value};

/// One argument of a call, evaluated.
#[derive(Clone, Debug)]
pub struct Arg {
    pub kind: ArgumentKind,
    pub value: Value,
    /// The argument's source text.
    pub text: String,
    /// `ast.literal_eval` accepts the text.
    pub literal: bool,
}

impl Arg {
    /// The argument as written: `3`, `delay=0.5`, `*rest`.
    pub fn written(&self) -> String {
        match &self.kind {
            ArgumentKind::Positional => self.text.clone(),
            ArgumentKind::Keyword(name) => format!("{name}={}", self.text),
            ArgumentKind::Star => format!("*{}", self.text),
            ArgumentKind::DoubleStar => format!("**{}", self.text),
        }
    }

    /// A positional argument that is a value, not source text (the decorated function).
    pub fn value(value: Value, text: impl Into<String>) -> Self {
        Arg {
            kind: ArgumentKind::Positional,
            value,
            text: text.into(),
            literal: false,
        }
    }
}

/// The default of a parameter, as the evaluator sees it.
pub type DefaultValue = Option<Value>;

/// Binds `args` to `params` (`defaults` holds each parameter's default, evaluated). Returns each
/// parameter with its value, or the `TypeError` message the call raises. `callee` names the
/// function in messages (`retry()`).
pub fn bind(
    callee: &str,
    params: &[Param],
    defaults: &[DefaultValue],
    args: &[Arg],
) -> Result<Vec<Bound>, String> {
    let mut slots: Vec<Option<(Value, Origin)>> = vec![None; params.len()];
    let mut extra_positional: Vec<&Arg> = Vec::new();
    let mut extra_keyword: Vec<(&str, &Arg)> = Vec::new();
    // After a `*x` or `**x` that is not a literal, what remains unbound cannot be decided.
    let mut undecided_positional: Option<&str> = None;
    let mut undecided_keyword: Option<&str> = None;
    let positional_slots: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.kind, ParamKind::PositionalOnly | ParamKind::Positional))
        .map(|(i, _)| i)
        .collect();
    let var_positional = params
        .iter()
        .position(|p| p.kind == ParamKind::VarPositional);
    let var_keyword = params.iter().position(|p| p.kind == ParamKind::VarKeyword);
    let mut next_positional = 0;
    let mut given_positional = 0;
    for arg in args {
        match &arg.kind {
            ArgumentKind::Positional => {
                if undecided_positional.is_some() {
                    continue;
                }
                given_positional += 1;
                match positional_slots.get(next_positional) {
                    Some(&slot) => {
                        slots[slot] = Some((arg.value.clone(), Origin::Argument));
                        next_positional += 1;
                    }
                    None => extra_positional.push(arg),
                }
            }
            ArgumentKind::Star => undecided_positional = Some(&arg.text),
            ArgumentKind::DoubleStar => undecided_keyword = Some(&arg.text),
            ArgumentKind::Keyword(name) => {
                let slot = params.iter().position(|p| {
                    p.name == *name
                        && matches!(p.kind, ParamKind::Positional | ParamKind::KeywordOnly)
                });
                match slot {
                    Some(slot) if slots[slot].is_some() => {
                        return Err(format!(
                            "{callee} got multiple values for argument '{name}'"
                        ));
                    }
                    Some(slot) => slots[slot] = Some((arg.value.clone(), Origin::Argument)),
                    None if var_keyword.is_some() => extra_keyword.push((name, arg)),
                    None => {
                        let positional_only = params
                            .iter()
                            .any(|p| p.name == *name && p.kind == ParamKind::PositionalOnly);
                        return Err(if positional_only {
                            format!(
                                "{callee} got some positional-only arguments passed as keyword arguments: '{name}'"
                            )
                        } else {
                            format!("{callee} got an unexpected keyword argument '{name}'")
                        });
                    }
                }
            }
        }
    }
    if !extra_positional.is_empty() && var_positional.is_none() {
        let most = positional_slots.len();
        let least = positional_slots
            .iter()
            .filter(|&&i| defaults.get(i).is_none_or(Option::is_none))
            .count();
        let takes = if least == most {
            most.to_string()
        } else {
            format!("from {least} to {most}")
        };
        return Err(format!(
            "{callee} takes {takes} positional argument{} but {given_positional} {} given",
            if most == 1 { "" } else { "s" },
            if given_positional == 1 { "was" } else { "were" }
        ));
    }
    let mut missing: Vec<&str> = Vec::new();
    let mut missing_keyword_only: Vec<&str> = Vec::new();
    let mut bound = Vec::with_capacity(params.len());
    for (i, param) in params.iter().enumerate() {
        let (value, origin) = match (slots[i].take(), param.kind) {
            (Some(found), _) => found,
            (None, ParamKind::VarPositional) => match undecided_positional {
                Some(from) => (unknown_from(from), Origin::Unknown),
                None => (packed_tuple(&extra_positional), Origin::Collected),
            },
            (None, ParamKind::VarKeyword) => match undecided_keyword {
                Some(from) => (unknown_from(from), Origin::Unknown),
                None => (packed_dict(&extra_keyword), Origin::Collected),
            },
            (None, kind) => {
                let undecided = match kind {
                    ParamKind::PositionalOnly => undecided_positional,
                    ParamKind::KeywordOnly => undecided_keyword,
                    _ => undecided_positional.or(undecided_keyword),
                };
                match (undecided, defaults.get(i).cloned().flatten()) {
                    (Some(from), _) => (unknown_from(from), Origin::Unknown),
                    (None, Some(default)) => (default, Origin::Default),
                    (None, None) => {
                        if kind == ParamKind::KeywordOnly {
                            missing_keyword_only.push(&param.name);
                        } else {
                            missing.push(&param.name);
                        }
                        continue;
                    }
                }
            }
        };
        bound.push(Bound {
            name: param.name.clone(),
            value,
            origin,
        });
    }
    if let Some(message) = missing_message(callee, "positional", &missing)
        .or_else(|| missing_message(callee, "keyword-only", &missing_keyword_only))
    {
        return Err(message);
    }
    Ok(bound)
}

/// CPython's "missing 2 required positional arguments: 'a' and 'b'".
fn missing_message(callee: &str, what: &str, names: &[&str]) -> Option<String> {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => {
            let head = rest.join(", ");
            if rest.len() == 1 {
                format!("{head} and {last}")
            } else {
                format!("{head}, and {last}")
            }
        }
    };
    Some(format!(
        "{callee} missing {} required {what} argument{}: {list}",
        names.len(),
        if names.len() == 1 { "" } else { "s" }
    ))
}

fn unknown_from(from: &str) -> Value {
    Value::unknown(format!("passed through `{from}`"))
}

/// The tuple `*args` collects, as source text.
fn packed_tuple(args: &[&Arg]) -> Value {
    let items: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
    let text = match items.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    };
    Value::Source(SourceValue {
        text,
        literal: args.iter().all(|a| a.literal),
    })
}

/// The dict `**kwargs` collects, as source text.
fn packed_dict(args: &[(&str, &Arg)]) -> Value {
    let items: Vec<String> = args
        .iter()
        .map(|(name, a)| format!("'{name}': {}", a.text))
        .collect();
    Value::Source(SourceValue {
        text: format!("{{{}}}", items.join(", ")),
        literal: args.iter().all(|(_, a)| a.literal),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::TextRange;

    fn param(name: &str, kind: ParamKind) -> Param {
        Param {
            name: name.into(),
            range: TextRange::default(),
            kind,
            default: None,
        }
    }

    fn lit(text: &str) -> Arg {
        Arg {
            kind: ArgumentKind::Positional,
            value: Value::Source(SourceValue {
                text: text.into(),
                literal: true,
            }),
            text: text.into(),
            literal: true,
        }
    }

    fn kw(name: &str, text: &str) -> Arg {
        Arg {
            kind: ArgumentKind::Keyword(name.into()),
            ..lit(text)
        }
    }

    fn show(result: Result<Vec<Bound>, String>) -> String {
        match result {
            Err(e) => format!("TypeError: {e}"),
            Ok(bound) => bound
                .iter()
                .map(|b| {
                    let v = match &b.value {
                        Value::Source(s) => s.text.clone(),
                        Value::Unknown(why) => format!("?({why})"),
                        other => format!("{other:?}"),
                    };
                    format!("{}={v}:{:?}", b.name, b.origin)
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    #[test]
    fn positional_keyword_defaults_and_collected() {
        use ParamKind::*;
        let params = [
            param("a", PositionalOnly),
            param("times", Positional),
            param("delay", Positional),
            param("args", VarPositional),
            param("flag", KeywordOnly),
            param("kw", VarKeyword),
        ];
        let defaults = [
            None,
            None,
            Some(lit("0.1").value),
            None,
            Some(lit("False").value),
            None,
        ];
        assert_eq!(
            show(bind("f()", &params, &defaults, &[lit("1"), lit("3")])),
            "a=1:Argument times=3:Argument delay=0.1:Default args=():Collected flag=False:Default kw={}:Collected"
        );
        assert_eq!(
            show(bind(
                "f()",
                &params,
                &defaults,
                &[
                    lit("1"),
                    lit("3"),
                    lit("0.5"),
                    lit("7"),
                    kw("flag", "True"),
                    kw("x", "'y'")
                ]
            )),
            "a=1:Argument times=3:Argument delay=0.5:Argument args=(7,):Collected flag=True:Argument kw={'x': 'y'}:Collected"
        );
    }

    #[test]
    fn type_errors_as_cpython_words_them() {
        use ParamKind::*;
        let params = [param("times", Positional), param("delay", Positional)];
        let none = [None, None];
        assert_eq!(
            show(bind("retry()", &params, &none, &[lit("1")])),
            "TypeError: retry() missing 1 required positional argument: 'delay'"
        );
        assert_eq!(
            show(bind("retry()", &params, &none, &[])),
            "TypeError: retry() missing 2 required positional arguments: 'times' and 'delay'"
        );
        assert_eq!(
            show(bind(
                "retry()",
                &params,
                &none,
                &[lit("1"), lit("2"), lit("3")]
            )),
            "TypeError: retry() takes 2 positional arguments but 3 were given"
        );
        assert_eq!(
            show(bind(
                "retry()",
                &params,
                &none,
                &[lit("1"), kw("times", "2")]
            )),
            "TypeError: retry() got multiple values for argument 'times'"
        );
        assert_eq!(
            show(bind("retry()", &params, &none, &[kw("tims", "2")])),
            "TypeError: retry() got an unexpected keyword argument 'tims'"
        );
        let only = [param("fn", PositionalOnly)];
        assert_eq!(
            show(bind("d()", &only, &[None], &[kw("fn", "1")])),
            "TypeError: d() got some positional-only arguments passed as keyword arguments: 'fn'"
        );
    }

    #[test]
    fn star_arguments_make_the_rest_undecidable() {
        use ParamKind::*;
        let params = [param("a", Positional), param("b", Positional)];
        let star = Arg {
            kind: ArgumentKind::Star,
            ..lit("rest")
        };
        assert_eq!(
            show(bind("f()", &params, &[None, None], &[lit("1"), star])),
            "a=1:Argument b=?(passed through `rest`):Unknown"
        );
    }
}
