//! The engine never panics and never overflows its stack: malformed, truncated, huge or deeply
//! nested input gets an analysis (marked incomplete where it had to be), never a crash.

use closure_lens::analysis::{Analysis, PythonVersion, analyze};
use closure_lens::syntax::parse;

/// Runs the analysis for every version on a thread with the default 2 MiB stack, as a test
/// thread has (the analysis grows its stack itself when it recurses deep).
fn analyse_everywhere(text: String) -> Vec<bool> {
    analyses(text)
        .iter()
        .map(|a| a.has_syntax_errors())
        .collect()
}

fn analyses(text: String) -> Vec<Analysis> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let tree = parse(&text);
            PythonVersion::ALL
                .iter()
                .map(|&v| analyze(&text, &tree, v))
                .collect()
        })
        .unwrap()
        .join()
        .expect("analysis panicked or overflowed")
}

#[test]
fn deeply_nested_brackets_lambdas_and_blocks() {
    let depth = 50_000;
    let brackets = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    for analysis in analyses(brackets) {
        let deep = analysis.too_deep.clone().expect("too deep to analyse");
        // The statement takes one level: the 6000th parenthesis is the first left out.
        assert_eq!(deep.limit, 6000);
        assert_eq!(deep.range.start, "x = ".len() + 5999);
        assert!(!analysis.has_syntax_errors());
    }

    let lambdas = format!("f = {}0\n", "lambda: ".repeat(10_000));
    assert!(analyses(lambdas).iter().all(|a| a.too_deep.is_some()));

    let mut defs = String::new();
    for level in 0..1_000 {
        defs.push_str(&" ".repeat(level));
        defs.push_str(&format!("def f{level}():\n"));
    }
    defs.push_str(&" ".repeat(1_000));
    defs.push_str("return 1\n");
    analyse_everywhere(defs);
}

#[test]
fn whatever_cpython_parses_is_analysed_in_full() {
    // The deepest nesting CPython 3.11-3.14 parses (its parser's MAXSTACK): 5,966 `-` or `not`
    // or conditional expressions, 2,983 lambdas (tests/oracle/nesting_limits.py).
    let shapes = [
        format!("def f(a):\n    return lambda: {}a\n", "-".repeat(5_966)),
        format!("def f(a):\n    return lambda: {}a\n", "not ".repeat(5_966)),
        format!(
            "def f(a):\n    return lambda: {}a\n",
            "a if a else ".repeat(5_966)
        ),
        format!("def f(a):\n    return {}a\n", "lambda: ".repeat(2_983)),
    ];
    for text in shapes {
        for analysis in analyses(text) {
            assert!(analysis.too_deep.is_none());
            assert!(!analysis.has_syntax_errors());
            let mut lambdas = analysis.scopes.iter().filter(|s| s.name == "lambda");
            let innermost = lambdas.next_back().expect("a lambda");
            let closure = innermost.code.as_ref().expect("a code object");
            assert_eq!(closure.freevars, ["a"]);
        }
    }
}

#[test]
fn postfix_chains_are_complete() {
    // `a.b.b…`, `f()()…` and `a[0][0]…` nest to the left; CPython's parser reads them in a loop,
    // and so does the collector, however long they are.
    for link in [".b", "()", "[0]"] {
        let chain = format!("def f(a):\n    return lambda: a{}\n", link.repeat(100_000));
        for analysis in analyses(chain) {
            assert!(analysis.too_deep.is_none());
            assert!(analysis.scopes.iter().any(
                |s| s.name == "lambda" && s.code.as_ref().is_some_and(|c| c.freevars == ["a"])
            ));
        }
    }
}

#[test]
fn long_operator_chains_are_complete() {
    // `a + a + … + a` nests to the left; it is walked without recursion, so nothing is skipped.
    let chain = format!(
        "def f(a):\n    return lambda: {}a\n",
        "a + ".repeat(100_000)
    );
    assert!(
        analyse_everywhere(chain)
            .iter()
            .all(|&incomplete| !incomplete)
    );
}

#[test]
fn every_prefix_of_a_real_program_is_analysed() {
    let source = include_str!("../examples/callbacks.py").to_owned()
        + include_str!("../examples/decorator.py")
        + include_str!("../examples/late_binding.py");
    let cuts: Vec<usize> = (0..source.len()).step_by(7).collect();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            for cut in cuts {
                if !source.is_char_boundary(cut) {
                    continue;
                }
                let text = &source[..cut];
                let tree = parse(text);
                for version in PythonVersion::ALL {
                    let analysis = analyze(text, &tree, version);
                    assert!(!analysis.scopes.is_empty());
                }
            }
        })
        .unwrap()
        .join()
        .expect("analysis of a prefix panicked");
}

#[test]
fn garbage_is_analysed() {
    let inputs = [
        "\0\0\0",
        "def",
        "class",
        "lambda",
        "nonlocal",
        "global",
        "def f(:\n  nonlocal x\n",
        "[x for]",
        "[(y := 1) for x in (z := 2)]",
        "class C[T = ](x): pass",
        "type X[ = 1",
        "match x:\n  case [*]: pass",
        "\u{feff}def é(): return lambda: é",
        "print 'x'\nexec 'y' in z\n",
        "async def f(): [x async for x in y]; await z",
        "x = \"\"\"unterminated",
        "def f(a, a): pass",
        "\r\r\r def f(): pass\r",
        "f: int = a = x",
        "f:变=a=x\n",
        "x = y += 1",
        "def f():\n    x: int = y = lambda: x\n",
    ];
    for input in inputs {
        analyse_everywhere(input.to_owned());
    }
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    analyse_everywhere(String::from_utf8_lossy(&bytes).into_owned());
}

#[test]
fn a_file_with_syntax_errors_keeps_the_closures_that_parsed() {
    let text = "def make_counter():\n    count = 0\n    def counter():\n        nonlocal count\n        count += 1\n        return count\n    return counter\n\ndef broken(:\n    pass\n";
    let tree = parse(text);
    let analysis = analyze(text, &tree, PythonVersion::Py312);
    assert!(analysis.has_syntax_errors());
    let counter = analysis
        .scopes
        .iter()
        .find(|s| s.qualname == "make_counter.<locals>.counter")
        .expect("the intact function is analysed");
    assert_eq!(counter.code.as_ref().unwrap().freevars, ["count"]);
}

#[test]
fn token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "def ",
        "class ",
        "lambda",
        ":",
        "=",
        ":=",
        "+=",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        "*",
        "**",
        "x",
        "y",
        "__x",
        "é",
        "nonlocal ",
        "global ",
        "for ",
        " in ",
        "if ",
        "else",
        "async ",
        "await ",
        "yield ",
        "return ",
        "import ",
        "from ",
        "as ",
        "with ",
        "try",
        "except",
        "*",
        "match ",
        "case ",
        "type ",
        "del ",
        "@",
        ".",
        "1",
        "'s'",
        "f'{x}'",
        "\n",
        "\n    ",
        "\n        ",
        "->",
        "super()",
        "__class__",
        "[T]",
        "[T: int = str]",
        "...",
        "|",
        "not ",
    ];
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let mut state: u64 = 0x2545_f491_4f6c_dd1d;
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            for _ in 0..3_000 {
                let len = 1 + next() % 40;
                let text: String = (0..len)
                    .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
                    .collect();
                let tree = parse(&text);
                for version in PythonVersion::ALL {
                    analyze(&text, &tree, version);
                }
            }
        })
        .unwrap()
        .join()
        .expect("analysis of a token soup panicked");
}
