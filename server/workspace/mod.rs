//! The workspace: which file an import names, and the other modules' analyses, read lazily.
//!
//! No LSP types here: the language server and `check` both use it. Files come through a
//! [`FileSystem`] (faked in tests); open editor buffers ([`OpenBuffers`]) win over the disk. A
//! module is read, parsed and analysed the first time an import reaches it (never the whole
//! workspace) and kept as a [`ModuleFile`] (text, analysis, outline: no syntax tree) in a cache
//! bounded by a byte budget, least recently used first out. Changes on disk are announced with
//! [`Workspace::invalidate`]; a buffer's entry is keyed by its version.

pub mod fs;
pub mod roots;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::analysis::{Analysis, PythonVersion};
use crate::ide::decorators::{ImportedModule, Lookup, ModuleFile, ModuleSource, Outline};
use crate::line_index::LineIndex;

pub use fs::{FileSystem, RealFs};
pub use roots::{Resolved, Roots};

/// One version of an open document, as [`Workspace::document`] makes a module of it.
pub struct Buffer<'a> {
    /// Its file (`None` for a buffer that is not one).
    pub path: Option<&'a Path>,
    /// The client's version number.
    pub version: i32,
    pub text: &'a str,
    /// The line index of `text`.
    pub lines: &'a LineIndex,
    /// The analysis of `text`.
    pub analysis: &'a Arc<Analysis>,
    /// Whether a newer version replaced it: asked under the cache's lock before caching its
    /// module, which would hold the old analysis past [`Workspace::forget_buffer`].
    pub superseded: &'a dyn Fn() -> bool,
}

/// Modules larger than this are not analysed (the hover says so).
pub const MAX_MODULE_SIZE: u64 = 2 << 20;
/// About how many bytes the cached modules may hold.
pub const CACHE_BUDGET: usize = 256 << 20;

/// An open editor buffer: newer than the file on disk.
pub struct OpenBuffer<'a> {
    pub version: i32,
    pub text: &'a str,
}

/// The editor's open buffers, by path.
pub trait OpenBuffers {
    fn open(&self, path: &Path) -> Option<OpenBuffer<'_>>;
}

/// No open buffers (the `check` command, tests).
pub struct NoBuffers;

impl OpenBuffers for NoBuffers {
    fn open(&self, _: &Path) -> Option<OpenBuffer<'_>> {
        None
    }
}

/// Where a cached module's text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stamp {
    Disk,
    Buffer(i32),
}

struct Entry {
    stamp: Stamp,
    python: PythonVersion,
    module: Arc<ModuleFile>,
    used: u64,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<PathBuf, Entry>,
    bytes: usize,
    clock: u64,
    /// How many times a file was invalidated: a module read from disk before an invalidation
    /// may hold the old text, so it is not cached (the next request reads the file again).
    invalidations: u64,
}

/// The modules of one workspace.
pub struct Workspace {
    fs: Arc<dyn FileSystem>,
    roots: RwLock<Roots>,
    cache: Mutex<Cache>,
    budget: usize,
    /// How many files were read from disk (tests and benchmarks check laziness with it).
    reads: AtomicU64,
    /// The modules some file imported (their buffers' edits change what other files show).
    imported: Mutex<HashSet<PathBuf>>,
}

impl Workspace {
    /// A workspace reading through `fs`, with no roots yet.
    pub fn new(fs: Arc<dyn FileSystem>) -> Self {
        Workspace {
            fs,
            roots: RwLock::default(),
            cache: Mutex::default(),
            budget: CACHE_BUDGET,
            reads: AtomicU64::new(0),
            imported: Mutex::default(),
        }
    }

    /// The same workspace with a cache of about `budget` bytes.
    pub fn with_budget(self, budget: usize) -> Self {
        Workspace { budget, ..self }
    }

    /// The file system it reads.
    pub fn fs(&self) -> &dyn FileSystem {
        &*self.fs
    }

    /// Sets the search roots (workspace folders changed, settings changed).
    pub fn set_roots(&self, roots: Roots) {
        if let Ok(mut slot) = self.roots.write() {
            *slot = roots;
        }
    }

    /// The search roots.
    pub fn roots(&self) -> Roots {
        self.roots.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// Forgets what was read from `path` (it changed on disk, or was deleted).
    pub fn invalidate(&self, path: &Path) {
        let mut cache = self.lock();
        cache.invalidations += 1;
        if let Some(old) = cache.entries.remove(path) {
            cache.bytes = cache.bytes.saturating_sub(old.module.footprint());
        }
    }

    /// Takes out the cached module of the open buffer at `path`, whose text has just changed
    /// (its version is superseded: no module of it is cached later). The module holds that
    /// version's analysis: while it is cached, the buffer's next analysis must copy the analysis
    /// instead of editing it in place. Modules read from disk stay.
    pub fn forget_buffer(&self, path: &Path) -> Option<Arc<ModuleFile>> {
        let mut cache = self.lock();
        if !matches!(cache.entries.get(path)?.stamp, Stamp::Buffer(_)) {
            return None;
        }
        let old = cache.entries.remove(path)?;
        cache.bytes = cache.bytes.saturating_sub(old.module.footprint());
        Some(old.module)
    }

    /// Whether a file's import was resolved to `path`: then edits to it change what the
    /// importing files show.
    pub fn is_imported(&self, path: &Path) -> bool {
        self.imported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
    }

    /// How many files were read from disk so far.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// How many modules the cache holds.
    pub fn cached(&self) -> usize {
        self.lock().entries.len()
    }

    /// The modules as one request sees them: `buffers` over the disk, analysed with `python`'s
    /// rules.
    pub fn modules<'a>(
        &'a self,
        buffers: &'a dyn OpenBuffers,
        python: PythonVersion,
    ) -> Modules<'a> {
        Modules {
            workspace: self,
            buffers,
            python,
            looked_up: RefCell::default(),
        }
    }

    /// An open document's version as a module, from what the document already has, and (on
    /// first use per version) its outline.
    pub fn document(
        &self,
        buffer: Buffer<'_>,
        outline: impl FnOnce() -> Arc<Outline>,
        python: PythonVersion,
    ) -> Arc<ModuleFile> {
        let Buffer {
            path,
            version,
            text,
            lines,
            analysis,
            superseded,
        } = buffer;
        let stamp = Stamp::Buffer(version);
        if let Some(hit) = path.and_then(|p| self.hit(p, stamp, python)) {
            return hit;
        }
        let name = path
            .and_then(|p| self.roots().name_of(p))
            .or_else(|| {
                path.and_then(Path::file_stem)
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "__main__".into());
        let module = Arc::new(ModuleFile::with_outline(
            path.map(Path::to_path_buf),
            name,
            text.to_owned(),
            lines.clone(),
            Arc::clone(analysis),
            outline(),
        ));
        if let Some(path) = path {
            self.insert(path, stamp, python, &module, |_| !superseded());
        }
        module
    }

    /// Reads the modules `imports` name, imported by the file at `importer`, into the cache
    /// (background warm-up).
    pub fn prefetch(
        &self,
        importer: Option<&Path>,
        imports: &[&ImportedModule],
        buffers: &dyn OpenBuffers,
        python: PythonVersion,
    ) {
        let modules = self.modules(buffers, python);
        for import in imports {
            let _ = modules.module(importer, import);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn hit(&self, path: &Path, stamp: Stamp, python: PythonVersion) -> Option<Arc<ModuleFile>> {
        let mut cache = self.lock();
        cache.clock += 1;
        let now = cache.clock;
        let entry = cache.entries.get_mut(path)?;
        if entry.stamp != stamp || entry.python != python {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(&entry.module))
    }

    /// Caches `module` if it is still `current` (asked under the lock): not read from disk
    /// before an invalidation, nor made from a buffer's version replaced since.
    fn insert(
        &self,
        path: &Path,
        stamp: Stamp,
        python: PythonVersion,
        module: &Arc<ModuleFile>,
        current: impl FnOnce(&Cache) -> bool,
    ) {
        let mut cache = self.lock();
        if !current(&cache) {
            return;
        }
        cache.clock += 1;
        let used = cache.clock;
        let entry = Entry {
            stamp,
            python,
            module: Arc::clone(module),
            used,
        };
        cache.bytes += module.footprint();
        if let Some(old) = cache.entries.insert(path.to_path_buf(), entry) {
            cache.bytes = cache.bytes.saturating_sub(old.module.footprint());
        }
        while cache.bytes > self.budget && cache.entries.len() > 1 {
            let oldest = cache
                .entries
                .iter()
                .filter(|(p, _)| p.as_path() != path)
                .min_by_key(|(_, e)| e.used)
                .map(|(p, _)| p.clone());
            let Some(oldest) = oldest else { break };
            if let Some(old) = cache.entries.remove(&oldest) {
                cache.bytes = cache.bytes.saturating_sub(old.module.footprint());
            }
        }
    }

    /// The module at `path` (named `name`), from the cache, an open buffer or the disk.
    fn load(
        &self,
        buffers: &dyn OpenBuffers,
        python: PythonVersion,
        path: &Path,
        name: String,
    ) -> Lookup {
        let buffer = buffers.open(path);
        let stamp = buffer
            .as_ref()
            .map_or(Stamp::Disk, |b| Stamp::Buffer(b.version));
        if let Some(hit) = self.hit(path, stamp, python) {
            return Lookup::Found(hit);
        }
        let read_at = (stamp == Stamp::Disk).then(|| self.lock().invalidations);
        let text = match buffer {
            Some(buffer) => buffer.text.to_owned(),
            None => match self.read(path) {
                Ok(text) => text,
                Err(why) => return Lookup::Failed(why),
            },
        };
        if text.len() as u64 > MAX_MODULE_SIZE {
            return Lookup::Failed(too_large(text.len() as u64));
        }
        let parsed =
            on_big_stack(|| ModuleFile::parse(Some(path.to_path_buf()), name, text, python));
        let Some(module) = parsed.map(Arc::new) else {
            return Lookup::Failed("it could not be analysed".into());
        };
        let current = |cache: &Cache| read_at.is_none_or(|seen| seen == cache.invalidations);
        self.insert(path, stamp, python, &module, current);
        Lookup::Found(module)
    }

    fn read(&self, path: &Path) -> Result<String, String> {
        let size = self.fs.file_size(path).ok_or("it is not a file")?;
        if size > MAX_MODULE_SIZE {
            return Err(too_large(size));
        }
        self.reads.fetch_add(1, Ordering::Relaxed);
        let bytes = self
            .fs
            .read(path)
            .map_err(|e| format!("it cannot be read: {e}"))?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_owned())
    }
}

fn too_large(size: u64) -> String {
    format!("it is larger than {MAX_MODULE_SIZE} bytes ({size} bytes)")
}

/// The stack the analysis of one module runs on: it recurses with the syntax.
const MODULE_STACK: usize = 256 << 20;

/// Runs `f` on a thread with a big stack (on this thread if none can be started).
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Option<R> {
    let job = Mutex::new(Some(f));
    let take = || job.lock().unwrap_or_else(|e| e.into_inner()).take();
    let ran = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("closure-lens-module".into())
            .stack_size(MODULE_STACK)
            .spawn_scoped(scope, || take().map(|f| f()))
            .ok()?;
        handle
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    });
    ran.or_else(|| take().map(|f| f()))
}

/// The workspace's modules for one request.
pub struct Modules<'a> {
    workspace: &'a Workspace,
    buffers: &'a dyn OpenBuffers,
    python: PythonVersion,
    /// What the request looked up, by importer and module: it asks for the same few modules
    /// again and again (each decorated definition follows its decorators' imports), and finding
    /// where a module is tries several paths on the file system.
    looked_up: RefCell<HashMap<(Option<PathBuf>, ImportedModule), Lookup>>,
}

impl ModuleSource for Modules<'_> {
    fn module(&self, importer: Option<&Path>, module: &ImportedModule) -> Lookup {
        let key = (importer.map(Path::to_path_buf), module.clone());
        if let Some(seen) = self.looked_up.borrow().get(&key) {
            return seen.clone();
        }
        let found = self.look_up(importer, module);
        self.looked_up.borrow_mut().insert(key, found.clone());
        found
    }
}

impl Modules<'_> {
    /// Where `module` is, as `importer` imports it, and its analysis (cached across requests).
    fn look_up(&self, importer: Option<&Path>, module: &ImportedModule) -> Lookup {
        let ws = self.workspace;
        let resolved = ws
            .roots
            .read()
            .map(|roots| roots.resolve(ws.fs(), importer, module))
            .unwrap_or(Resolved::NotFound);
        match resolved {
            Resolved::File { path, name } => {
                ws.imported
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(path.clone());
                ws.load(self.buffers, self.python, &path, name)
            }
            Resolved::Namespace => Lookup::Namespace,
            Resolved::NotFound => Lookup::NotFound,
        }
    }
}
