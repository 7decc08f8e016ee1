//! Multi-module fixtures: `//- /path.py` starts a file; `$0` marks the cursor in the current one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use expect_test::{Expect, expect};

use super::*;
use crate::analysis::PythonVersion;
use crate::ide::hover::HoverResult;

/// Modules in memory, found as the workspace finds them under `/ws`.
struct Memory {
    files: HashMap<PathBuf, Arc<ModuleFile>>,
}

impl Memory {
    fn module_at(&self, base: &Path, name: &str) -> Lookup {
        let mut dir = base.to_path_buf();
        for part in name.split('.').filter(|p| !p.is_empty()) {
            dir.push(part);
        }
        let file = dir.with_extension("py");
        let init = dir.join("__init__.py");
        if name.is_empty() {
            return self
                .files
                .get(&init)
                .map_or(Lookup::Namespace, |f| Lookup::Found(Arc::clone(f)));
        }
        if let Some(f) = self.files.get(&init).or_else(|| self.files.get(&file)) {
            return Lookup::Found(Arc::clone(f));
        }
        if self.files.keys().any(|p| p.starts_with(&dir)) {
            return Lookup::Namespace;
        }
        Lookup::NotFound
    }
}

impl ModuleSource for Memory {
    fn module(&self, importer: Option<&Path>, module: &ImportedModule) -> Lookup {
        if module.level == 0 {
            return self.module_at(Path::new("/ws"), &module.name);
        }
        let Some(mut base) = importer.and_then(Path::parent).map(Path::to_path_buf) else {
            return Lookup::NotFound;
        };
        for _ in 1..module.level {
            base.pop();
        }
        self.module_at(&base, &module.name)
    }
}

/// The fixture's current file (the one holding `$0`), its cursor, and the other modules.
fn fixture(text: &str) -> (Arc<ModuleFile>, usize, Memory) {
    let mut files = HashMap::new();
    let mut current = None;
    for chunk in text.split("//- ").filter(|c| !c.trim().is_empty()) {
        let (path, body) = chunk.split_once('\n').unwrap();
        let path = PathBuf::from(format!("/ws{}", path.trim()));
        let cursor = body.find("$0");
        let body = body.replacen("$0", "", 1);
        let name = path
            .strip_prefix("/ws")
            .unwrap()
            .with_extension("")
            .to_string_lossy()
            .trim_start_matches('/')
            .trim_end_matches("/__init__")
            .replace('/', ".");
        let file = Arc::new(ModuleFile::parse(
            Some(path.clone()),
            name,
            body,
            PythonVersion::Py311,
        ));
        if let Some(at) = cursor {
            current = Some((Arc::clone(&file), at));
        }
        files.insert(path, file);
    }
    let (current, at) = current.expect("a $0 cursor");
    (current, at, Memory { files })
}

fn check_hover(text: &str, expected: Expect) {
    let (current, at, source) = fixture(text);
    let shown = match hover::hover(&current, &source, at, None) {
        Some(HoverResult { range, markdown }) => {
            format!("[{}]\n{markdown}", current.text(range))
        }
        None => "(no hover)".into(),
    };
    expected.assert_eq(&shown);
}

const DECOS: &str = r#"
//- /decos.py
import functools

def retry(times, delay=0.1):
    def decorator(fn):
        def wrapper(*args, **kwargs):
            for _ in range(times):
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    sleep(delay)
        return wrapper
    return decorator

def memoize(fn):
    cache = {}
    @functools.wraps(fn)
    def wrapper(*args):
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]
    return wrapper

REGISTRY = []

def register(fn):
    REGISTRY.append(fn)
    return fn
"#;

#[test]
fn imported_factory_decorator() {
    check_hover(
        &format!(
            "{DECOS}//- /app.py\nfrom decos import retry, memoize\n\n@retry(3, de$0lay=0.5)\ndef fetch(url):\n    return url\n"
        ),
        expect![[r#"
            [@retry(3, delay=0.5)]
            ```python
            @retry(3, delay=0.5)
            def fetch(url):
            ```
            **`fetch`** becomes function `retry.<locals>.decorator.<locals>.wrapper` (`decos`, line 5).

            `@retry(3, delay=0.5)`: `retry(3, delay=0.5)` binds `times=3`, `delay=0.5` and returns function `retry.<locals>.decorator`; `decorator(fetch)` binds `fn=fetch` and returns function `retry.<locals>.decorator.<locals>.wrapper`.

            `fetch.__closure__` holds 3 cells:

            | `__closure__` | name | value | cell of | use |
            |---|---|---|---|---|
            | `[0]` | `delay` | `0.5` | `retry` | read |
            | `[1]` | `fn` | `fetch` (the original function) | `decorator` | read |
            | `[2]` | `times` | `3` | `retry` | read |

            No `functools.wraps`: `fetch.__name__` is `'wrapper'`, `fetch.__doc__` is `wrapper`'s docstring, and `fetch.__wrapped__` is not set.
        "#]],
    );
}

#[test]
fn stacked_with_wraps_and_registry() {
    check_hover(
        &format!(
            "{DECOS}//- /app.py\nimport decos\nfrom decos import memoize as m\n\n@decos.register\n@decos.retry(2)\n@m\ndef $0fetch(url):\n    return url\n"
        ),
        expect![[r#"
            [fetch]
            ```python
            @decos.register
            @decos.retry(2)
            @m
            def fetch(url):
            ```
            **`fetch`** becomes function `retry.<locals>.decorator.<locals>.wrapper` (`decos`, line 5).

            Decorators apply bottom first:

            1. `@m`: `memoize(fetch)` binds `fn=fetch` and returns function `memoize.<locals>.wrapper`.
            2. `@decos.retry(2)`: `retry(2)` binds `times=2`, `delay=0.1` (default) and returns function `retry.<locals>.decorator`; `decorator(fetch)` binds `fn=memoize.<locals>.wrapper` and returns function `retry.<locals>.decorator.<locals>.wrapper`.
            3. `@decos.register`: `register(fetch)` binds `fn=retry.<locals>.decorator.<locals>.wrapper` and returns function `retry.<locals>.decorator.<locals>.wrapper`.

            `fetch.__closure__` holds 3 cells:

            | `__closure__` | name | value | cell of | use |
            |---|---|---|---|---|
            | `[0]` | `delay` | `0.1` (default) | `retry` | read |
            | `[1]` | `fn` | function `memoize.<locals>.wrapper` | `decorator` | read |
            | `[2]` | `times` | `2` | `retry` | read |

            No `functools.wraps`: `fetch.__name__` is `'wrapper'`, `fetch.__doc__` is `wrapper`'s docstring, and `fetch.__wrapped__` is not set.
        "#]],
    );
}

#[test]
fn return_of_a_factory_shows_the_chain() {
    check_hover(
        &DECOS.replace(
            "        return wrapper\n    return decorator",
            "        $0return wrapper\n    return decorator",
        ),
        expect![[r#"
            [return wrapper]
            ```python
            return wrapper
            ```
            What a caller gets: `retry(times, delay=0.1)` → `decorator(fn)` → function `retry.<locals>.decorator.<locals>.wrapper` (line 5).

            `wrapper.__closure__` holds 3 cells:

            | `__closure__` | name | value | cell of | use |
            |---|---|---|---|---|
            | `[0]` | `delay` | the argument for `delay` of `retry`, default `0.1` | `retry` | read |
            | `[1]` | `fn` | the argument for `fn` of `decorator` | `decorator` | read |
            | `[2]` | `times` | the argument for `times` of `retry` | `retry` | read |
        "#]],
    );
}

/// The first line after the code block of the hover at `$0` (what the name becomes).
fn verdict(text: &str) -> String {
    let (current, at, source) = fixture(text);
    let Some(HoverResult { markdown, .. }) = hover::hover(&current, &source, at, None) else {
        return "(no hover)".into();
    };
    markdown
        .lines()
        .skip_while(|l| !l.starts_with("```") || l.len() > 3)
        .nth(1)
        .unwrap_or("")
        .to_owned()
}

#[test]
fn hostile_workspaces_give_honest_answers() {
    let cases = [
        // An import cycle through the decorators.
        "//- /a.py\nfrom b import deco\ndef other(fn):\n    return deco(fn)\n//- /b.py\nfrom a import other\ndef deco(fn):\n    return other(fn)\n//- /app.py\nfrom a import other\n@other\ndef $0f():\n    pass\n",
        // A decorator that calls itself forever.
        "//- /app.py\ndef d(fn):\n    return d(fn)\n@d\ndef $0f():\n    pass\n",
        // A module that imports itself.
        "//- /app.py\nfrom app import d\n@d\ndef $0f():\n    pass\n",
        // A missing module, and a module with a syntax error.
        "//- /app.py\nfrom nowhere import d\n@d\ndef $0f():\n    pass\n",
        "//- /broken.py\ndef d(fn:\n    def w(: return fn\n    return w\n//- /app.py\nfrom broken import d\n@d\ndef $0f():\n    pass\n",
        // A name bound to itself, and a decorator that is not callable.
        "//- /app.py\nx = x\n@x\ndef $0f():\n    pass\n",
        "//- /app.py\n@3\ndef $0f():\n    pass\n",
    ];
    let shown: Vec<String> = cases.iter().map(|c| verdict(c)).collect();
    expect![[r#"
        What **`f`** becomes could not be resolved: calls nested too deep to follow.
        What **`f`** becomes could not be resolved: calls nested too deep to follow.
        What **`f`** becomes could not be resolved: `d` refers to itself.
        What **`f`** becomes could not be resolved: `nowhere.d` is outside the workspace and its virtual environment: not followed.
        What **`f`** becomes could not be resolved: module `broken` does not bind `d`.
        What **`f`** becomes could not be resolved: `x` refers to itself.
        What **`f`** becomes could not be resolved: calls `3`, not followed."#]].assert_eq(&shown.join("\n"));
}

#[test]
fn a_factory_call_that_raises_is_said_once() {
    check_hover(
        &format!(
            "{DECOS}//- /app.py\nfrom decos import retry\n\n@retry(3, pause=0.5)\ndef $0fetch(url):\n    return url\n"
        ),
        expect![[r#"
            [fetch]
            ```python
            @retry(3, pause=0.5)
            def fetch(url):
            ```
            What **`fetch`** becomes could not be resolved: TypeError: retry() got an unexpected keyword argument 'pause'.

            `@retry(3, pause=0.5)`: `retry(3, pause=0.5)` raises TypeError: retry() got an unexpected keyword argument 'pause'.
        "#]],
    );
}

#[test]
fn only_the_modules_decorators_come_from_are_read_ahead() {
    let text = "import os\nimport decos\nimport pkg.sub as alias\nfrom tools import retry, unused\nfrom other import helper\n\n@retry(3)\n@decos.memoize\ndef f():\n    return os.getcwd()\n\n@alias.register\nclass C:\n    pass\n";
    let module = ModuleFile::parse(
        Some(PathBuf::from("/ws/app.py")),
        "app".into(),
        text.into(),
        PythonVersion::Py311,
    );
    let names: Vec<String> = module
        .decorator_imports()
        .iter()
        .map(|m| m.display())
        .collect();
    assert_eq!(names, ["decos", "pkg.sub", "tools"]);
}
