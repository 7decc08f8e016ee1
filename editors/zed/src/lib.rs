//! Zed extension: runs `closure-lens serve --stdio` for Python files.
//!
//! The binary is `lsp.closure-lens.binary.path` from Zed's settings, else `closure-lens` on the
//! worktree's PATH. `lsp.closure-lens.initialization_options` and `lsp.closure-lens.settings`
//! are passed through; both take `{ "closureLens": { ... } }`.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "closure-lens";

struct ClosureLensExtension;

impl zed::Extension for ClosureLensExtension {
    fn new() -> Self {
        ClosureLensExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which(SERVER))
            .ok_or_else(|| {
                "closure-lens was not found on PATH. Install it with `cargo install closure-lens` \
                 (or `cargo build --release` in the repository), or set \
                 lsp.closure-lens.binary.path in Zed's settings."
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["serve".into(), "--stdio".into()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|s| s.settings))
    }
}

zed::register_extension!(ClosureLensExtension);
