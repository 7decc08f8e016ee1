//! The `check` cache: what was found in a file, keyed by the file's text, the settings and the
//! `closure-lens` binary itself, so a rebuilt or upgraded engine never serves old results.
//!
//! The binary is identified as ccache identifies a compiler, by its file rather than by hashing
//! megabytes on every run: path, device, inode, size, modification and status-change times. Any
//! rebuild, reinstall or in-place edit changes the inode or the change time (which no tool can
//! set back), so a different engine always gets a different key.
//!
//! Layout: `.closure-lens-cache/` in the current directory (with its own `.gitignore` and a
//! `CACHEDIR.TAG`), one folder per binary (`<version>-<hash of its identity>`), and in it one
//! entry per key: `<key>.json` (the [`FileResult`]) and, once a JSON format asked for it,
//! `<key>.scopes.json` (the scope table, kept apart because it is large and most formats never
//! read it). Entries are written to a temporary file and renamed, so concurrent runs are safe.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::result::FileResult;

/// The cache folder's name, created in the current directory.
pub const DIR_NAME: &str = ".closure-lens-cache";

const GITIGNORE: &str = "# Created by closure-lens: everything here is a cache.\n*\n";
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file is a cache directory tag created by closure-lens.\n\
    # For information about cache directory tags see https://bford.info/cachedir/\n";

/// The entries written by this binary.
pub struct Cache {
    dir: PathBuf,
    /// Identity of the executable, mixed into every key.
    engine: u64,
}

/// Identifies one file's result: its text and the settings it was checked with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(u64);

/// A hash of the running executable's version, path and file identity.
fn engine_identity() -> io::Result<u64> {
    let exe = std::env::current_exe()?;
    let meta = fs::metadata(&exe)?;
    let mut hasher = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    exe.hash(&mut hasher);
    meta.len().hash(&mut hasher);
    meta.modified()?.hash(&mut hasher);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()).hash(&mut hasher);
    }
    #[cfg(not(unix))]
    meta.created().ok().hash(&mut hasher);
    Ok(hasher.finish())
}

/// Unique names for temporary files within this process.
static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Cache {
    /// Opens (creating it if needed) the cache under `root` for the running executable.
    pub fn open(root: &Path) -> io::Result<Cache> {
        let engine = engine_identity()?;
        let base = root.join(DIR_NAME);
        if !base.join(".gitignore").exists() {
            fs::create_dir_all(&base)?;
            fs::write(base.join("CACHEDIR.TAG"), CACHEDIR_TAG)?;
            fs::write(base.join(".gitignore"), GITIGNORE)?;
        }
        let dir = base.join(format!("{}-{engine:016x}", env!("CARGO_PKG_VERSION")));
        fs::create_dir_all(&dir)?;
        Ok(Cache { dir, engine })
    }

    /// The key of `text` checked with `settings`.
    pub fn key(&self, settings: &impl Hash, text: &str) -> Key {
        let mut hasher = DefaultHasher::new();
        self.engine.hash(&mut hasher);
        settings.hash(&mut hasher);
        text.hash(&mut hasher);
        Key(hasher.finish())
    }

    fn path(&self, key: Key, suffix: &str) -> PathBuf {
        self.dir.join(format!("{:016x}{suffix}", key.0))
    }

    /// The cached result, and the scope table when `with_scopes` (a miss if it is not cached).
    pub fn get(&self, key: Key, with_scopes: bool) -> Option<(FileResult, Option<String>)> {
        let scopes = if with_scopes {
            Some(fs::read_to_string(self.path(key, ".scopes.json")).ok()?)
        } else {
            None
        };
        let bytes = fs::read(self.path(key, ".json")).ok()?;
        let result = serde_json::from_slice(&bytes).ok()?;
        Some((result, scopes))
    }

    /// Stores a result (and its scope table, if it was computed).
    pub fn put(&self, key: Key, result: &FileResult, scopes: Option<&str>) -> io::Result<()> {
        let json = serde_json::to_vec(result).map_err(io::Error::other)?;
        self.write(&self.path(key, ".json"), &json)?;
        if let Some(scopes) = scopes {
            self.write(&self.path(key, ".scopes.json"), scopes.as_bytes())?;
        }
        Ok(())
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder.
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(".tmp-{}-{n}", std::process::id()));
        fs::write(&temp, bytes)?;
        fs::rename(&temp, path).inspect_err(|_| {
            let _ = fs::remove_file(&temp);
        })
    }
}
