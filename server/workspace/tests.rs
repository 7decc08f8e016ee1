//! The workspace over a file system in memory.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use super::*;
use crate::ide::decorators::{ImportedModule, Lookup, ModuleSource};

#[derive(Default)]
struct MemoryFs {
    files: Mutex<BTreeMap<PathBuf, String>>,
    /// How many times a path was looked at (`file_size`, `is_dir`): a real file system's stats.
    probes: AtomicUsize,
}

impl MemoryFs {
    fn with(files: &[(&str, &str)]) -> Arc<Self> {
        let fs = MemoryFs::default();
        for (path, text) in files {
            fs.write(path, text);
        }
        Arc::new(fs)
    }

    fn probes(&self) -> usize {
        self.probes.load(Ordering::Relaxed)
    }

    fn write(&self, path: &str, text: &str) {
        self.files
            .lock()
            .unwrap()
            .insert(PathBuf::from(path), text.to_owned());
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let files = self.files.lock().unwrap();
        files
            .get(path)
            .map(|t| t.clone().into_bytes())
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn file_size(&self, path: &Path) -> Option<u64> {
        self.probes.fetch_add(1, Ordering::Relaxed);
        let files = self.files.lock().unwrap();
        files.get(path).map(|t| t.len() as u64)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.probes.fetch_add(1, Ordering::Relaxed);
        let files = self.files.lock().unwrap();
        files.keys().any(|p| p != path && p.starts_with(path))
    }

    fn list(&self, path: &Path) -> Vec<PathBuf> {
        let files = self.files.lock().unwrap();
        let mut entries: Vec<PathBuf> = files
            .keys()
            .filter_map(|p| p.strip_prefix(path).ok())
            .filter_map(|rest| rest.components().next())
            .map(|first| path.join(first))
            .collect();
        entries.dedup();
        entries
    }
}

fn import(level: u32, name: &str) -> ImportedModule {
    ImportedModule {
        level,
        name: name.into(),
    }
}

fn workspace(fs: &Arc<MemoryFs>) -> Workspace {
    let ws = Workspace::new(Arc::clone(fs) as Arc<dyn FileSystem>);
    ws.set_roots(Roots::new(
        &**fs,
        &[PathBuf::from("/ws")],
        &["lib".into()],
        None,
    ));
    ws
}

/// Where each import leads, as `name → path (dotted name)`.
fn resolved(ws: &Workspace, importer: &str, imports: &[ImportedModule]) -> String {
    imports
        .iter()
        .map(|i| {
            let found = match ws
                .modules(&NoBuffers, Default::default())
                .module(Some(Path::new(importer)), i)
            {
                Lookup::Found(m) => format!(
                    "{} ({})",
                    m.path.as_deref().unwrap_or(Path::new("?")).display(),
                    m.name
                ),
                Lookup::Namespace => "namespace".into(),
                Lookup::NotFound => "not found".into(),
                Lookup::Failed(why) => format!("failed: {why}"),
            };
            format!("{} → {found}\n", i.display())
        })
        .collect()
}

#[test]
fn roots_relative_imports_and_packages() {
    let fs = MemoryFs::with(&[
        ("/ws/app.py", ""),
        ("/ws/decos.py", ""),
        ("/ws/pkg/__init__.py", "from .inner import retry\n"),
        ("/ws/pkg/inner.py", ""),
        ("/ws/pkg/sub/mod.py", ""),
        ("/ws/src/srcpkg/__init__.py", ""),
        ("/ws/lib/extra.py", ""),
        ("/ws/ns/part.py", ""),
        (
            "/ws/.venv/lib/python3.11/site-packages/fancy/__init__.py",
            "",
        ),
        ("/ws/bad.py", "\u{0}"),
    ]);
    let ws = workspace(&fs);
    let shown = resolved(
        &ws,
        "/ws/pkg/sub/mod.py",
        &[
            import(0, "decos"),
            import(0, "pkg"),
            import(0, "pkg.inner"),
            import(0, "srcpkg"),
            import(0, "extra"),
            import(0, "ns"),
            import(0, "ns.part"),
            import(0, "fancy"),
            import(0, "missing"),
            import(1, ""),
            import(2, "inner"),
            import(2, ""),
            import(5, "x"),
        ],
    );
    expect_test::expect![[r#"
        decos → /ws/decos.py (decos)
        pkg → /ws/pkg/__init__.py (pkg)
        pkg.inner → /ws/pkg/inner.py (pkg.inner)
        srcpkg → /ws/src/srcpkg/__init__.py (srcpkg)
        extra → /ws/lib/extra.py (extra)
        ns → namespace
        ns.part → /ws/ns/part.py (ns.part)
        fancy → /ws/.venv/lib/python3.11/site-packages/fancy/__init__.py (fancy)
        missing → not found
        . → namespace
        ..inner → /ws/pkg/inner.py (pkg.inner)
        .. → /ws/pkg/__init__.py (pkg)
        .....x → not found
    "#]]
    .assert_eq(&shown);
}

/// A request follows the same imports from every decorated definition: it looks each module up
/// once (a miss stats several paths), and the next request looks again.
#[test]
fn a_request_looks_each_module_up_once() {
    let fs = MemoryFs::with(&[("/ws/a.py", "x = 1\n")]);
    let ws = workspace(&fs);
    let importer = Some(Path::new("/ws/main.py"));
    let probes = |modules: &Modules, name: &str| {
        let before = fs.probes();
        let found = match modules.module(importer, &import(0, name)) {
            Lookup::Found(m) => m.text.clone(),
            other => format!("{other:?}"),
        };
        (found, fs.probes() - before)
    };
    let request = ws.modules(&NoBuffers, Default::default());
    let (found, first) = probes(&request, "a");
    let (missing, first_miss) = probes(&request, "missing");
    assert_eq!((found.as_str(), missing.as_str()), ("x = 1\n", "NotFound"));
    assert!(first > 0 && first_miss > 0, "{first} {first_miss}");
    for _ in 0..10 {
        assert_eq!(probes(&request, "a"), (found.clone(), 0));
        assert_eq!(probes(&request, "missing"), (missing.clone(), 0));
    }
    let next = ws.modules(&NoBuffers, Default::default());
    assert_eq!(probes(&next, "missing"), (missing, first_miss));
}

#[test]
fn cache_is_lazy_buffers_win_and_invalidation_rereads() {
    let fs = MemoryFs::with(&[("/ws/a.py", "x = 1\n"), ("/ws/b.py", "y = 2\n")]);
    let ws = workspace(&fs);
    let a = import(0, "a");
    let text = |ws: &Workspace, buffers: &dyn OpenBuffers| match ws
        .modules(buffers, Default::default())
        .module(None, &a)
    {
        Lookup::Found(m) => m.text.clone(),
        _ => "?".into(),
    };
    assert_eq!(ws.reads(), 0, "nothing is read before an import asks");
    assert_eq!(text(&ws, &NoBuffers), "x = 1\n");
    assert_eq!(text(&ws, &NoBuffers), "x = 1\n");
    assert_eq!(ws.reads(), 1, "a module is read once, then cached");
    fs.write("/ws/a.py", "x = 3\n");
    assert_eq!(text(&ws, &NoBuffers), "x = 1\n", "cached until told");
    ws.invalidate(Path::new("/ws/a.py"));
    assert_eq!(text(&ws, &NoBuffers), "x = 3\n");

    struct One;
    impl OpenBuffers for One {
        fn open(&self, path: &Path) -> Option<OpenBuffer<'_>> {
            (path == Path::new("/ws/a.py")).then_some(OpenBuffer {
                version: 7,
                text: "x = 'buffer'\n",
            })
        }
    }
    assert_eq!(text(&ws, &One), "x = 'buffer'\n", "an open buffer wins");
    assert_eq!(text(&ws, &NoBuffers), "x = 3\n", "closed: the disk again");
}

#[test]
fn the_cache_stays_within_its_budget() {
    let files: Vec<(String, String)> = (0..20)
        .map(|i| (format!("/ws/m{i}.py"), "x = 1\n".repeat(100)))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let fs = MemoryFs::with(&refs);
    let one = ModuleFile::parse(None, "m".into(), "x = 1\n".repeat(100), Default::default());
    let ws = workspace(&fs).with_budget(one.footprint() * 5);
    for i in 0..20 {
        let _ = ws
            .modules(&NoBuffers, Default::default())
            .module(None, &import(0, &format!("m{i}")));
    }
    assert_eq!(ws.cached(), 5);
}

#[test]
fn the_activated_environment_comes_before_the_projects_own() {
    let fs = MemoryFs::with(&[
        ("/env/lib/python3.12/site-packages/one.py", ""),
        ("/ws/.venv/lib/python3.11/site-packages/two.py", ""),
    ]);
    let roots = Roots::new(&*fs, &[PathBuf::from("/ws")], &[], Some(Path::new("/env")));
    assert_eq!(
        roots.paths,
        [
            PathBuf::from("/ws"),
            PathBuf::from("/env/lib/python3.12/site-packages"),
            PathBuf::from("/ws/.venv/lib/python3.11/site-packages"),
        ]
    );
}

#[test]
fn a_buffer_version_replaced_meanwhile_is_not_cached() {
    let fs = MemoryFs::with(&[("/ws/a.py", "x = 1\n")]);
    let ws = workspace(&fs);
    let text = "x = 2\n";
    let lines = LineIndex::new(text);
    let tree = crate::syntax::parse(text);
    let analysis = Arc::new(crate::analysis::analyze(text, &tree, Default::default()));
    let path = Path::new("/ws/a.py");
    for superseded in [true, false] {
        let buffer = Buffer {
            path: Some(path),
            version: 2,
            text,
            lines: &lines,
            analysis: &analysis,
            superseded: &|| superseded,
        };
        let module = ws.document(
            buffer,
            || Arc::new(Outline::new(text, &tree)),
            Default::default(),
        );
        assert_eq!(module.text, text);
        drop(module);
        let cached = usize::from(!superseded);
        assert_eq!(ws.cached(), cached, "superseded: {superseded}");
        assert_eq!(Arc::strong_count(&analysis), 1 + cached);
    }
    assert!(ws.forget_buffer(path).is_some());
    assert_eq!(Arc::strong_count(&analysis), 1);
}
