//! Other Python language servers driven exactly as closure-lens is (same client, file and edits),
//! for the side-by-side figures: ty and pyrefly, pinned in `requirements.txt` and installed from
//! PyPI by `install.sh` into `.cache/bench-peers`.

use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::json;

use crate::lsp_client::{LspClient, file_uri};
use crate::{Ask, Latencies, VISIBLE_LINES, edit_cycles, hints};

/// A peer language server.
pub struct Peer {
    /// Its name and version (`ty 0.0.108`).
    pub name: String,
    program: PathBuf,
    args: &'static [&'static str],
}

/// The peers, installed if missing (`install.sh`); `Err` says why there are none.
pub fn install() -> Result<Vec<Peer>, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/install.sh");
    // The script's progress and pip's errors go to our stderr; its stdout is the venv's bin/.
    let out = Command::new("sh")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!("{} failed ({})", script.display(), out.status));
    }
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    [("ty", &["server"][..]), ("pyrefly", &["lsp"][..])]
        .into_iter()
        .map(|(name, args)| {
            let program = bin.join(name);
            let version = Command::new(&program)
                .arg("--version")
                .output()
                .map_err(|e| format!("{}: {e}", program.display()))?;
            Ok(Peer {
                name: String::from_utf8_lossy(&version.stdout).trim().to_owned(),
                program,
                args,
            })
        })
        .collect()
}

/// didOpen → first hints and `cycles` edits → hints (the 60-line range) for `text`, written as
/// `file` into the folder `workspace` (the peer's workspace root; it gets nothing else). `Err`
/// holds the end of the peer's log when the session failed.
pub fn latencies(
    peer: &Peer,
    workspace: &Path,
    file: &str,
    text: &str,
    cycles: usize,
) -> Result<Latencies, String> {
    let path = workspace.join(file);
    let log_path = workspace.join(format!("{}.log", peer.name.replace(' ', "-")));
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let session = catch_unwind(AssertUnwindSafe(|| {
        let mut command = Command::new(&peer.program);
        command.args(peer.args).current_dir(workspace).stderr(log);
        let mut client = LspClient::spawn_command(command);
        let root = file_uri(workspace);
        client.call(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "bench"}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "workspace": {"configuration": true, "workspaceFolders": true},
                    "textDocument": {"inlayHint": {"dynamicRegistration": false}},
                },
            }),
        );
        client.notify("initialized", json!({}));
        let uri = file_uri(&path);
        let began = Instant::now();
        client.open(&uri, text);
        hints(&mut client, &uri, 0, VISIBLE_LINES);
        let open = began.elapsed();
        let mut text = text.to_owned();
        let mut version = 1;
        let edits = edit_cycles(
            &mut client,
            &uri,
            &mut text,
            &mut version,
            Ask::VisibleHints,
            None,
            cycles,
        );
        client.call("shutdown", serde_json::Value::Null);
        client.notify("exit", serde_json::Value::Null);
        Latencies {
            open,
            edits,
            cached: Vec::new(),
        }
    }));
    session.map_err(|_| {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!(
            "{} failed; the end of its log:\n    {}",
            peer.name,
            tail.join("\n    ")
        )
    })
}
