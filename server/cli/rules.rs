//! The one registry of what `check` reports: every rule's stable code, name, one-line summary,
//! severity and documentation anchor. The output formats (SARIF's rule table, GitHub titles,
//! the codes in `text` and `concise`) read it; nothing else names a code.
//!
//! Codes `CL0xx` are the closure-related SyntaxErrors CPython's symbol table raises. The engine
//! reports those as CPython's exact message, so each rule lists the message templates it covers
//! (`{}` stands for a name or a word); the most specific template wins. A diagnostic of
//! closure-lens's own gets a `CL1xx` code and no templates: adding one is one line below.

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The code does not compile (or will fail): `check` exits with status 1.
    Error,
    /// Probably a mistake.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// One kind of finding.
#[derive(Debug)]
pub struct Rule {
    /// Stable code: `CL001`.
    pub code: &'static str,
    /// Stable kebab-case name: `nonlocal-without-binding`.
    pub name: &'static str,
    /// One sentence, shown as SARIF's `shortDescription`.
    pub summary: &'static str,
    pub severity: Severity,
    /// CPython's messages for this rule (`{}` is a placeholder); empty for closure-lens's own
    /// diagnostics.
    pub messages: &'static [&'static str],
}

/// Where the rules are documented; each rule has the anchor `#` + its lowercase code.
pub const DOCS_URL: &str = "https://github.com/closure-lens/closure-lens/blob/main/docs/rules.md";

impl Rule {
    /// The rule's documentation: `docs/rules.md#cl001`.
    pub fn help_uri(&self) -> String {
        format!("{DOCS_URL}#{}", self.code.to_ascii_lowercase())
    }

    /// Whether this rule is a SyntaxError CPython raises (listed in the JSON `errors` arrays).
    pub fn is_syntax_error(&self) -> bool {
        !self.messages.is_empty()
    }
}

const fn syntax_error(
    code: &'static str,
    name: &'static str,
    summary: &'static str,
    messages: &'static [&'static str],
) -> Rule {
    Rule {
        code,
        name,
        summary,
        severity: Severity::Error,
        messages,
    }
}

/// Every rule, in code order.
pub const RULES: &[Rule] = &[
    syntax_error(
        "CL000",
        "closure-syntax-error",
        "A closure-related SyntaxError this version of closure-lens has no specific rule for.",
        &[],
    ),
    syntax_error(
        "CL001",
        "nonlocal-without-binding",
        "A `nonlocal` name is not bound in any enclosing function.",
        &["no binding for nonlocal '{}' found"],
    ),
    syntax_error(
        "CL002",
        "nonlocal-at-module-level",
        "`nonlocal` is used at module level, where there is no enclosing function.",
        &["nonlocal declaration not allowed at module level"],
    ),
    syntax_error(
        "CL003",
        "nonlocal-and-global",
        "The same name is declared both `nonlocal` and `global` in one scope.",
        &["name '{}' is nonlocal and global"],
    ),
    syntax_error(
        "CL004",
        "nonlocal-type-parameter",
        "`nonlocal` names a type parameter (3.12+).",
        &["nonlocal binding not allowed for type parameter '{}'"],
    ),
    syntax_error(
        "CL005",
        "used-before-declaration",
        "A name is used before its `global` / `nonlocal` declaration.",
        &["name '{}' is used prior to {} declaration"],
    ),
    syntax_error(
        "CL006",
        "assigned-before-declaration",
        "A name is assigned before its `global` / `nonlocal` declaration.",
        &["name '{}' is assigned to before {} declaration"],
    ),
    syntax_error(
        "CL007",
        "parameter-declared",
        "A parameter is declared `global` or `nonlocal`.",
        &["name '{}' is parameter and {}"],
    ),
    syntax_error(
        "CL008",
        "annotated-declared",
        "An annotated name is declared `global` or `nonlocal`.",
        &["annotated name '{}' can't be {}"],
    ),
    syntax_error(
        "CL009",
        "import-star-in-function",
        "`from ... import *` inside a function or class.",
        &["import * only allowed at module level"],
    ),
    syntax_error(
        "CL010",
        "duplicate-argument",
        "Two parameters of one function have the same name.",
        &["duplicate argument '{}' in function definition"],
    ),
    syntax_error(
        "CL011",
        "duplicate-type-parameter",
        "Two type parameters of one generic have the same name (3.12+).",
        &["duplicate type parameter '{}'"],
    ),
    syntax_error(
        "CL012",
        "walrus-rebinds-iteration-variable",
        "An assignment expression in a comprehension rebinds its iteration variable.",
        &[
            "assignment expression cannot rebind comprehension iteration variable '{}'",
            "comprehension inner loop cannot rebind assignment expression target '{}'",
        ],
    ),
    syntax_error(
        "CL013",
        "walrus-in-comprehension-iterable",
        "An assignment expression in a comprehension's iterable expression.",
        &["assignment expression cannot be used in a comprehension iterable expression"],
    ),
    syntax_error(
        "CL014",
        "walrus-in-comprehension-scope",
        "An assignment expression in a comprehension whose target would land in a class body or \
         a type-parameter scope.",
        &[
            "assignment expression within a comprehension cannot be used in a class body",
            "assignment expression within a comprehension cannot be used within the definition of a generic",
            "assignment expression within a comprehension cannot be used in a type alias",
            "assignment expression within a comprehension cannot be used in a TypeVar bound",
        ],
    ),
    syntax_error(
        "CL015",
        "yield-in-comprehension",
        "`yield` inside a comprehension or generator expression.",
        &["'yield' inside {}"],
    ),
    syntax_error(
        "CL016",
        "await-outside-async",
        "`await` or an asynchronous comprehension outside an `async` function.",
        &[
            "'await' outside function",
            "'await' outside async function",
            "asynchronous comprehension outside of an asynchronous function",
        ],
    ),
    syntax_error(
        "CL017",
        "forbidden-in-annotation-scope",
        "`yield`, `await` or `:=` in an annotation, type alias, TypeVar bound or type-parameter \
         list.",
        &[
            "{} cannot be used within an annotation",
            "'{}' can not be used within an annotation",
            "{} cannot be used within a TypeVar bound",
            "{} cannot be used within a type alias",
            "{} cannot be used within the definition of a generic",
            "Cannot use comprehension in annotation scope within class scope",
        ],
    ),
    syntax_error(
        "CL018",
        "debug-assignment",
        "`__debug__` is assigned or deleted (3.14).",
        &["cannot assign to __debug__", "cannot delete __debug__"],
    ),
];

/// The rule with code `code`.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The rule for one of CPython's closure-related SyntaxError messages: the one whose template
/// matches with the most literal text, or `CL000` when none does.
pub fn rule_for_syntax_error(message: &str) -> &'static Rule {
    RULES
        .iter()
        .flat_map(|rule| rule.messages.iter().map(move |t| (rule, *t)))
        .filter(|(_, template)| matches_template(template, message))
        .max_by_key(|(_, template)| template.len() - 2 * template.matches("{}").count())
        .map_or(&RULES[0], |(rule, _)| rule)
}

/// Whether `message` is `template` with each `{}` replaced by some non-empty text.
fn matches_template(template: &str, message: &str) -> bool {
    let mut parts = template.split("{}");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = message.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        // A placeholder takes at least one character, then the literal that follows it.
        let skip = rest.chars().next().map_or(0, char::len_utf8);
        let Some(at) = rest
            .get(skip..)
            .and_then(|r| r.find(part))
            .filter(|_| skip > 0)
        else {
            return false;
        };
        rest = &rest[skip + at + part.len()..];
    }
    rest.len() > last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_ordered() {
        for pair in RULES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn every_template_maps_back_to_its_own_rule() {
        for rule in RULES {
            for template in rule.messages {
                for filler in ["x", "ééé", "global", "named expression"] {
                    let message = template.replace("{}", filler);
                    assert_eq!(
                        rule_for_syntax_error(&message).code,
                        rule.code,
                        "{message:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_need_text_and_literals_must_match() {
        assert!(matches_template(
            "no binding for nonlocal '{}' found",
            "no binding for nonlocal 'x' found"
        ));
        assert!(!matches_template(
            "no binding for nonlocal '{}' found",
            "no binding for nonlocal '' found"
        ));
        assert!(!matches_template(
            "name '{}' is parameter and {}",
            "name 'x' is parameter and "
        ));
        assert!(!matches_template(
            "import * only allowed at module level",
            "import * only allowed"
        ));
        assert_eq!(rule_for_syntax_error("something new").code, "CL000");
    }
}
