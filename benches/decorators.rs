//! Decorators across modules: a generated workspace of 5,000 modules, where `app.py` imports a
//! decorator factory from one of them. Prints figures (no pass/fail):
//!
//! - in process (`closure_lens::workspace` + `ide::decorators`): the hover on the decorated name,
//!   first time (a new workspace: the decorator module is read, parsed and analysed) and
//!   afterwards (cached), with how many files were read;
//! - over stdio with the release binary, as an editor does: `initialize` with the 5,000-module
//!   folder, `didOpen` of `app.py`, then the first hover and later ones;
//! - in process: the code lenses of a module of 1,000 functions under decorators imported from
//!   the workspace, as each request after a keystroke computes them (the lenses grew quadratic
//!   in the decorated functions once).
//!
//! Run with `cargo bench --bench decorators`.

#[allow(dead_code)]
mod common;
#[path = "../tests/common/lsp_client.rs"]
#[allow(dead_code)]
mod lsp_client;

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use closure_lens::analysis::PythonVersion;
use closure_lens::ide::decorators::{ModuleFile, hover, lens};
use closure_lens::workspace::{NoBuffers, RealFs, Roots, Workspace};
use common::{ms, percentile};
use lsp_client::{LspClient, file_uri};
use serde_json::json;

const MODULES: usize = 5_000;
const SAMPLES: usize = 200;

/// 50 packages of 100 modules, each with a decorator factory and a few functions.
fn generate(root: &Path) -> String {
    for p in 0..MODULES / 100 {
        let package = root.join(format!("pkg{p:02}"));
        fs::create_dir_all(&package).unwrap();
        fs::write(package.join("__init__.py"), "").unwrap();
        for m in 0..100 {
            let text = format!(
                "import functools\n\n\ndef retry(times, delay=0.1):\n    def decorator(fn):\n        @functools.wraps(fn)\n        def wrapper(*args, **kwargs):\n            for _ in range(times):\n                try:\n                    return fn(*args, **kwargs)\n                except Exception:\n                    pass\n            return delay\n\n        return wrapper\n\n    return decorator\n\n{}",
                (0..40)
                    .map(|i| format!("\ndef helper_{p}_{m}_{i}(x):\n    return x + {i}\n"))
                    .collect::<String>()
            );
            fs::write(package.join(format!("mod{m:03}.py")), text).unwrap();
        }
    }
    let app = "from pkg42.mod017 import retry\n\n\n@retry(3, delay=0.5)\ndef fetch(url):\n    return url\n";
    fs::write(root.join("app.py"), app).unwrap();
    app.to_owned()
}

fn in_process(root: &Path, app: &str) {
    let app_path = root.join("app.py");
    let at = app.find("fetch(url)").unwrap();
    let roots = Roots::new(&RealFs, &[root.to_path_buf()], &[], None);
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut reads = 0;
    for _ in 0..SAMPLES / 4 {
        let workspace = Workspace::new(Arc::new(RealFs));
        workspace.set_roots(roots.clone());
        let current = Arc::new(ModuleFile::parse(
            Some(app_path.clone()),
            "app".into(),
            app.to_owned(),
            PythonVersion::Py311,
        ));
        let modules = workspace.modules(&NoBuffers, PythonVersion::Py311);
        let start = Instant::now();
        let shown = hover::hover(&current, &modules, at, None).expect("a hover");
        cold.push(start.elapsed());
        assert!(shown.markdown.contains("times=3"), "{}", shown.markdown);
        for _ in 0..4 {
            let start = Instant::now();
            let _ = hover::hover(&current, &modules, at, None);
            warm.push(start.elapsed());
        }
        reads = workspace.reads();
    }
    println!(
        "in process: hover on an imported decorator, first time {:.2} ms, afterwards {:.3} ms (medians of {} / {}); files read: {reads} of {}",
        percentile(&mut cold, 0.5),
        percentile(&mut warm, 0.5),
        cold.len(),
        warm.len(),
        MODULES + 1
    );
}

fn over_stdio(root: &Path, app: &str) {
    let binary = env!("CARGO_BIN_EXE_closure-lens");
    let uri = file_uri(&root.join("app.py"));
    let line = app
        .lines()
        .position(|l| l.starts_with("def fetch"))
        .unwrap();
    let position = json!({"line": line, "character": 4});
    let mut first = Vec::new();
    let mut open = Vec::new();
    let mut later = Vec::new();
    for _ in 0..10 {
        let mut client = LspClient::spawn_with(binary, &["serve", "--stdio"], &[]);
        client.call(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}],
                "capabilities": {},
            }),
        );
        client.notify("initialized", json!({}));
        let start = Instant::now();
        client.open(&uri, app);
        // The first answer after the open: the document is analysed.
        client.call(
            "textDocument/documentHighlight",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        );
        open.push(start.elapsed());
        let start = Instant::now();
        let hover = client.at("textDocument/hover", &uri, position.clone());
        first.push(start.elapsed());
        assert!(hover.to_string().contains("times=3"), "{hover}");
        for _ in 0..SAMPLES / 10 {
            let start = Instant::now();
            client.at("textDocument/hover", &uri, position.clone());
            later.push(start.elapsed());
        }
        client.shutdown_and_exit();
    }
    println!(
        "stdio: open app.py in a {}-module workspace {:.2} ms; first hover on its imported decorator {:.2} ms; afterwards {:.2} ms (medians of {} / {} / {})",
        MODULES + 1,
        percentile(&mut open, 0.5),
        percentile(&mut first, 0.5),
        percentile(&mut later, 0.5),
        open.len(),
        first.len(),
        later.len()
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let start = Instant::now();
    let app = generate(dir.path());
    println!(
        "generated {} modules in {:.0} ms",
        MODULES + 1,
        ms(start.elapsed())
    );
    in_process(dir.path(), &app);
    over_stdio(dir.path(), &app);
    many_decorated(dir.path());
}

/// Functions in the module of [`many_decorated`].
const DECORATED: usize = 1_000;

/// The code lenses of a module of [`DECORATED`] functions under three decorators of the
/// workspace (a factory called with arguments, a plain one, a registry), each request with the
/// workspace's cache warm, as after a keystroke.
fn many_decorated(root: &Path) {
    let decos = "import functools\n\n\ndef memoize(fn):\n    cache = {}\n\n    @functools.wraps(fn)\n    def wrapper(*args):\n        if args not in cache:\n            cache[args] = fn(*args)\n        return cache[args]\n\n    return wrapper\n\n\nREGISTRY = []\n\n\ndef register(fn):\n    REGISTRY.append(fn)\n    return fn\n";
    fs::write(root.join("decos.py"), decos).unwrap();
    let mut text =
        String::from("from decos import memoize, register\nfrom pkg42.mod017 import retry\n\n");
    for i in 0..DECORATED {
        let decorator = ["@retry(3, delay=0.5)", "@memoize", "@register"][i % 3];
        text += &format!("\n{decorator}\ndef handler_{i}(x, y={i}):\n    return x + y\n\n");
    }
    let path = root.join("handlers.py");
    let current = Arc::new(ModuleFile::parse(
        Some(path),
        "handlers".into(),
        text,
        PythonVersion::Py311,
    ));
    let workspace = Workspace::new(Arc::new(RealFs));
    workspace.set_roots(Roots::new(&RealFs, &[root.to_path_buf()], &[], None));
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..SAMPLES / 4 {
        let modules = workspace.modules(&NoBuffers, PythonVersion::Py311);
        let start = Instant::now();
        count = lens::lenses(&current, &modules).len();
        times.push(start.elapsed());
    }
    assert_eq!(count, DECORATED, "a lens for each decorated function");
    let median = percentile(&mut times, 0.5);
    println!(
        "in process: code lenses of a module of {DECORATED} decorated functions {median:.2} ms per request ({:.2} µs per function; median of {}, the workspace's cache warm)",
        median * 1000.0 / DECORATED as f64,
        times.len()
    );
}
