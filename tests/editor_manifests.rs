//! The editor integrations name what the server defines: the VS Code extension's settings list
//! every diagnostic code with its default level, and both it and the Neovim plugin style every
//! semantic-token modifier of the legend. A code or modifier added to the server fails here until
//! the editors offer it.

use std::collections::BTreeMap;
use std::path::Path;

use closure_lens::ide::diagnostics::Code;
use closure_lens::ide::semantic_tokens::TokenModifiers;
use serde_json::Value;

fn repo_file(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn vscode_manifest() -> Value {
    serde_json::from_str(&repo_file("editors/vscode/package.json")).unwrap()
}

#[test]
fn vscode_offers_a_level_for_every_code_and_states_its_default() {
    let manifest = vscode_manifest();
    let setting =
        &manifest["contributes"]["configuration"]["properties"]["closureLens.diagnostics.severity"];
    let offered: BTreeMap<String, String> = setting["properties"]
        .as_object()
        .expect("closureLens.diagnostics.severity has properties")
        .iter()
        .map(|(code, schema)| {
            let description = schema["markdownDescription"].as_str().unwrap_or_default();
            let default = description
                .rsplit_once("Default: `")
                .and_then(|(_, rest)| rest.strip_suffix("`."))
                .unwrap_or_else(|| panic!("{code}: no `Default: …` in {description:?}"));
            (code.clone(), default.to_owned())
        })
        .collect();
    let server: BTreeMap<String, String> = Code::all()
        .map(|c| {
            (
                c.as_str().to_owned(),
                c.default_severity().as_str().to_owned(),
            )
        })
        .collect();
    assert_eq!(offered, server);
}

#[test]
fn vscode_and_neovim_style_every_semantic_token_modifier() {
    let manifest = vscode_manifest();
    let contributed: Vec<&str> = manifest["contributes"]["semanticTokenModifiers"]
        .as_array()
        .expect("semanticTokenModifiers")
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(contributed, TokenModifiers::NAMES);

    let plugin = repo_file("editors/nvim/lua/closure_lens/init.lua");
    let help = repo_file("editors/nvim/doc/closure_lens.txt");
    for name in TokenModifiers::NAMES {
        let group = format!("@lsp.mod.{name}");
        assert!(
            plugin.contains(&format!("\"{group}\"")),
            "init.lua does not link {group}"
        );
        assert!(
            help.contains(&group),
            "doc/closure_lens.txt does not document {group}"
        );
    }
}
