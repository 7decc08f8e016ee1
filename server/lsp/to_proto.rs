//! `ide` results as LSP types: the only place feature data meets the protocol.

use std::collections::HashMap;
use std::sync::Arc;

use ls_types::{
    AnnotatedTextEdit, ChangeAnnotation, CodeAction, CodeActionKind, Diagnostic,
    DiagnosticSeverity, DiagnosticTag, DocumentChanges, DocumentHighlight, DocumentHighlightKind,
    Hover, HoverContents, InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintLabelPartTooltip,
    Location, MarkupContent, MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, Position,
    PrepareRenameResponse, Range, SemanticToken, SemanticTokenModifier, SemanticTokenType,
    SemanticTokensEdit, SemanticTokensLegend, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};
use serde::Serialize;

use crate::analysis::{Occurrence, TextRange};
use crate::ide;
use crate::ide::semantic_tokens::{TokenModifiers, TokenType};
use crate::line_index::{Encoding, LineIndex};
use crate::lsp::context::Ctx;
use crate::lsp::convert;
use crate::lsp::jsonrpc::{ResponseError, code};

/// The command every code lens runs; its arguments are `[uri, position, locations]`, the shape
/// of VS Code's `editor.action.showReferences`.
pub const SHOW_CAPTURES: &str = "closure-lens.showCaptures";

/// The `source` of every diagnostic.
pub const SOURCE: &str = "closure-lens";

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

pub fn hover(ctx: &Ctx, hover: ide::hover::HoverResult) -> Hover {
    Hover {
        contents: HoverContents::Markup(markdown(hover.markdown)),
        range: Some(ctx.range(hover.range)),
    }
}

pub fn inlay_hint(ctx: &Ctx, hint: ide::inlay_hints::InlayHint) -> InlayHint {
    let parts = hint
        .label
        .into_iter()
        .map(|part| InlayHintLabelPart {
            value: part.text,
            tooltip: part
                .tooltip
                .map(|t| InlayHintLabelPartTooltip::MarkupContent(markdown(t))),
            location: part.target.map(|r| ctx.location(r)),
            command: None,
        })
        .collect();
    InlayHint {
        position: ctx.position(hint.offset),
        label: InlayHintLabel::LabelParts(parts),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: Some(true),
        data: None,
    }
}

pub fn code_lens(ctx: &Ctx, lens: &ide::code_lens::CodeLens) -> PeekLens {
    let locations = lens.targets.iter().map(|&t| ctx.location(t)).collect();
    peek_lens(ctx, lens.range, lens.title.clone(), locations)
}

/// A protocol `CodeLens` whose command peeks locations ([`SHOW_CAPTURES`]), with its arguments
/// typed: serialised as the protocol's lens is, without first making each argument a JSON
/// value (on a file with thousands of lenses, those values were millions of small maps, most of
/// the request's time).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeekLens {
    pub range: Range,
    pub command: PeekCommand,
}

/// The command of a [`PeekLens`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeekCommand {
    pub title: String,
    pub command: &'static str,
    /// The document, the lens's position, the locations to peek.
    pub arguments: (Uri, Position, Vec<Location>),
}

/// A lens titled `title` whose command peeks `locations`.
fn peek_lens(ctx: &Ctx, range: TextRange, title: String, locations: Vec<Location>) -> PeekLens {
    let range = ctx.range(range);
    PeekLens {
        range,
        command: PeekCommand {
            title,
            command: SHOW_CAPTURES,
            arguments: (ctx.doc.uri.clone(), range.start, locations),
        },
    }
}

/// A place in some module of the workspace (`None` for a buffer that is not a file).
pub fn module_location(ctx: &Ctx, target: &ide::decorators::Target) -> Option<Location> {
    let uri = match &target.module.path {
        Some(path) => Uri::from_file_path(path)?,
        None => ctx.doc.uri.clone(),
    };
    let range = convert::range(&target.module.lines, target.range, ctx.encoding);
    Some(Location::new(uri, range))
}

/// The lens above a decorated definition; it opens the functions its decorators ran.
pub fn decorated_lens(ctx: &Ctx, lens: ide::decorators::lens::DecoratedLens) -> PeekLens {
    let locations = lens
        .targets
        .iter()
        .filter_map(|t| module_location(ctx, t))
        .collect();
    peek_lens(ctx, lens.range, lens.title, locations)
}

pub fn highlight(ctx: &Ctx, highlight: ide::highlights::Highlight) -> DocumentHighlight {
    use ide::highlights::HighlightKind;
    DocumentHighlight {
        range: ctx.range(highlight.range),
        kind: Some(match highlight.kind {
            HighlightKind::Read => DocumentHighlightKind::READ,
            HighlightKind::Write => DocumentHighlightKind::WRITE,
            HighlightKind::Declaration => DocumentHighlightKind::TEXT,
        }),
    }
}

/// A diagnostic with its code's documentation, the places it is about and, for code that can go,
/// the `Unnecessary` tag (shown faded): the protocol's `Diagnostic`, typed. It shares the
/// analysis's diagnostic (its messages) and its document's URI instead of copying them, and
/// serialises as the protocol's type does: a file's report can hold thousands, each with
/// related places, and copying every message and URI into the protocol's type was most of a
/// report's time.
#[derive(Clone, Debug)]
pub struct LspDiagnostic {
    diagnostic: Arc<ide::diagnostics::Diagnostic>,
    uri: Arc<Uri>,
    range: Range,
    /// The ranges of `diagnostic.related`, in order.
    related: Vec<Range>,
}

/// A diagnostic as a report gave it to the client, to compare the next report with: positions in
/// the client's terms, not the text's offsets; no fixes, which a code action finds again. It
/// holds no finding's diagnostic (an [`LspDiagnostic`] does): the next version's findings move
/// theirs in place only while nothing else holds them, and copy each one otherwise.
#[derive(Debug)]
pub struct Reported {
    range: Range,
    severity: ide::diagnostics::Severity,
    code: ide::diagnostics::Code,
    message: String,
    unnecessary: bool,
    /// The related information: where, and what it says.
    related: Vec<(Range, String)>,
}

impl LspDiagnostic {
    /// What the client is given of it.
    pub fn reported(&self) -> Reported {
        let d = &*self.diagnostic;
        Reported {
            range: self.range,
            severity: d.severity,
            code: d.code,
            message: d.message.clone(),
            unnecessary: d.unnecessary,
            related: (self.related.iter().zip(&d.related))
                .map(|(&range, r)| (range, r.message.clone()))
                .collect(),
        }
    }

    /// Whether the client is given what `reported` gave it (all a report's diagnostics are of
    /// its document).
    pub fn is_reported_as(&self, reported: &Reported) -> bool {
        let d = &*self.diagnostic;
        self.range == reported.range
            && d.severity == reported.severity
            && d.code == reported.code
            && d.unnecessary == reported.unnecessary
            && d.message == reported.message
            && self.related.len() == reported.related.len()
            && (self.related.iter().zip(&d.related).zip(&reported.related))
                .all(|((range, r), (was, said))| range == was && r.message == *said)
    }
}

/// The diagnostics of a document, typed (see [`LspDiagnostic`]).
pub fn diagnostics(ctx: &Ctx, shown: &[Arc<ide::diagnostics::Diagnostic>]) -> Vec<LspDiagnostic> {
    let uri = Arc::new(ctx.doc.uri.clone());
    shown
        .iter()
        .map(|d| LspDiagnostic {
            diagnostic: Arc::clone(d),
            uri: Arc::clone(&uri),
            range: ctx.range(d.range),
            related: d.related.iter().map(|r| ctx.range(r.range)).collect(),
        })
        .collect()
}

/// The protocol's `Diagnostic` of `diagnostic` (for a code action that names it).
pub fn diagnostic(ctx: &Ctx, diagnostic: &ide::diagnostics::Diagnostic) -> Diagnostic {
    let typed = diagnostics(ctx, &[Arc::new(diagnostic.clone())]);
    serde_json::to_value(&typed[0])
        .and_then(serde_json::from_value)
        .expect("a typed diagnostic is a protocol diagnostic")
}

/// A pull-diagnostics answer (the protocol's `DocumentDiagnosticReportResult`), typed: every
/// diagnostic, or that those of the client's previous report (its result id) still hold.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Report {
    Full {
        #[serde(rename = "resultId", skip_serializing_if = "Option::is_none")]
        result_id: Option<String>,
        #[serde(serialize_with = "shared_items")]
        items: Arc<Vec<LspDiagnostic>>,
    },
    Unchanged {
        #[serde(rename = "resultId")]
        result_id: String,
    },
}

fn shared_items<S: serde::Serializer>(
    items: &Arc<Vec<LspDiagnostic>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    items.as_slice().serialize(serializer)
}

/// A `textDocument/publishDiagnostics` notification's parameters, typed.
#[derive(Debug, Serialize)]
pub struct Publish {
    pub uri: Uri,
    pub diagnostics: Vec<LspDiagnostic>,
    pub version: Option<i32>,
}

/// How an [`LspDiagnostic`] is written: the protocol's fields, borrowed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticFields<'a> {
    range: Range,
    severity: DiagnosticSeverity,
    code: &'static str,
    code_description: Href,
    source: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_information: Vec<RelatedFields<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<[DiagnosticTag; 1]>,
}

#[derive(Serialize)]
struct Href {
    href: String,
}

#[derive(Serialize)]
struct RelatedFields<'a> {
    location: LocationFields<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct LocationFields<'a> {
    uri: &'a Uri,
    range: Range,
}

impl Serialize for LspDiagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use ide::diagnostics::Severity;
        let d = &*self.diagnostic;
        DiagnosticFields {
            range: self.range,
            severity: match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
                Severity::Hint => DiagnosticSeverity::HINT,
            },
            code: d.code.as_str(),
            code_description: Href {
                href: d.code.help_uri(),
            },
            source: SOURCE,
            message: &d.message,
            related_information: d
                .related
                .iter()
                .zip(&self.related)
                .map(|(r, &range)| RelatedFields {
                    location: LocationFields {
                        uri: &self.uri,
                        range,
                    },
                    message: &r.message,
                })
                .collect(),
            tags: d.unnecessary.then_some([DiagnosticTag::UNNECESSARY]),
        }
        .serialize(serializer)
    }
}

/// The code-action kind of the action applying every safe fix of a file.
pub const FIX_ALL_KIND: &str = "source.fixAll.closure-lens";

/// `edits` to the request's document as a workspace edit.
fn document_edit(ctx: &Ctx, edits: &[ide::diagnostics::Edit]) -> WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|e| TextEdit {
            range: ctx.range(e.range),
            new_text: e.new_text.clone(),
        })
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(ctx.doc.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The quick fixes of `diagnostic`, each bound to it; its first safe fix is the preferred one.
pub fn quick_fixes(ctx: &Ctx, diagnostic: &ide::diagnostics::Diagnostic) -> Vec<CodeAction> {
    let preferred = diagnostic.fixes.iter().position(|f| f.safe);
    let lsp_diagnostic = self::diagnostic(ctx, diagnostic);
    diagnostic
        .fixes
        .iter()
        .enumerate()
        .map(|(i, fix)| CodeAction {
            title: fix.title.clone(),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![lsp_diagnostic.clone()]),
            edit: Some(document_edit(ctx, &fix.edits)),
            is_preferred: Some(preferred == Some(i)),
            ..CodeAction::default()
        })
        .collect()
}

/// The action applying every safe fix of the file at once (`source.fixAll.closure-lens`).
pub fn fix_all(ctx: &Ctx, edits: &[ide::diagnostics::Edit]) -> CodeAction {
    CodeAction {
        title: "Fix all closure-lens findings with a safe fix".into(),
        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
        edit: Some(document_edit(ctx, edits)),
        ..CodeAction::default()
    }
}

pub fn references(ctx: &Ctx, occurrences: &[&Occurrence]) -> Vec<Location> {
    occurrences.iter().map(|o| ctx.location(o.range)).collect()
}

/// The answer to `textDocument/prepareRename`: the name's range and its spelling.
pub fn prepare_rename(ctx: &Ctx, target: &ide::rename::RenameTarget) -> PrepareRenameResponse {
    PrepareRenameResponse::RangeWithPlaceholder {
        range: ctx.range(target.range),
        placeholder: target.placeholder.clone(),
    }
}

/// A refused `prepareRename` / `rename`, as a JSON-RPC error: `RequestFailed` (-32803) with the
/// reason's message, which clients show to the user.
pub fn rename_error(error: &ide::rename::RenameError) -> ResponseError {
    ResponseError::new(
        code::REQUEST_FAILED,
        format!("closure-lens: {}", error.message),
    )
}

/// The id of the change annotation carrying a rename's warnings.
pub const RENAME_WARNINGS: &str = "closure-lens.renameWarnings";

/// A rename of one document as a workspace edit. With `annotations` (the client has
/// `workspace.workspaceEdit.changeAnnotationSupport` and `documentChanges`) and warnings, every
/// edit carries one change annotation that needs confirmation and describes the warnings; without,
/// the edits are plain `changes` and the caller shows the warnings itself (`window/showMessage`).
pub fn rename_edit(ctx: &Ctx, rename: &ide::rename::Rename, annotations: bool) -> WorkspaceEdit {
    let uri = &ctx.doc.uri;
    let version = ctx.doc.version;
    let edits = rename.edits.iter().map(|e| TextEdit {
        range: ctx.range(e.range),
        new_text: e.new_text.clone(),
    });
    if !annotations || rename.warnings.is_empty() {
        return WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits.collect())])),
            ..WorkspaceEdit::default()
        };
    }
    let annotated = edits
        .map(|text_edit| {
            OneOf::Right(AnnotatedTextEdit {
                text_edit,
                annotation_id: RENAME_WARNINGS.into(),
            })
        })
        .collect();
    let count = rename.warnings.len();
    let annotation = ChangeAnnotation {
        label: format!(
            "Rename with {count} warning{}",
            if count == 1 { "" } else { "s" }
        ),
        needs_confirmation: Some(true),
        description: Some(rename_warnings_text(rename)),
    };
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(version),
            },
            edits: annotated,
        }])),
        change_annotations: Some(HashMap::from([(RENAME_WARNINGS.into(), annotation)])),
        ..WorkspaceEdit::default()
    }
}

/// A rename's warnings as one text (a change annotation's description, or a message).
pub fn rename_warnings_text(rename: &ide::rename::Rename) -> String {
    rename
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The legend of `semanticTokensProvider`: standard types, closure-lens's own modifiers.
pub fn semantic_tokens_legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TokenType::ALL
            .iter()
            .map(|t| SemanticTokenType::new(t.as_str()))
            .collect(),
        token_modifiers: TokenModifiers::NAMES
            .iter()
            .map(|&m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

/// Tokens in the protocol's relative encoding (each token's line and start relative to the
/// previous one; lengths in `encoding` units). `tokens` are in source order, one line each.
pub fn semantic_tokens(
    ctx: &Ctx,
    tokens: &[ide::semantic_tokens::SemanticToken],
) -> Vec<SemanticToken> {
    encode_tokens(&ctx.doc.line_index, ctx.encoding, tokens)
}

fn encode_tokens(
    lines: &LineIndex,
    encoding: Encoding,
    tokens: &[ide::semantic_tokens::SemanticToken],
) -> Vec<SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut col) = (0, 0);
    let ends = tokens.iter().flat_map(|t| [t.range.start, t.range.end]);
    let mut positions = lines.line_cols(ends, encoding);
    for token in tokens {
        let (Some(start), Some(end)) = (positions.next(), positions.next()) else {
            break;
        };
        let length = if end.line == start.line {
            end.col - start.col
        } else {
            continue;
        };
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.col - col
        } else {
            start.col
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: token.token_type.index(),
            token_modifiers_bitset: token.modifiers.bits(),
        });
        (line, col) = (start.line, start.col);
    }
    out
}

/// The edits turning `previous` into `current` for `semanticTokens/full/delta`: one edit spanning
/// from the first token that differs to the last (positions count integers, five per token).
pub fn semantic_tokens_delta(
    previous: &[SemanticToken],
    current: &[SemanticToken],
) -> Vec<SemanticTokensEdit> {
    let prefix = previous
        .iter()
        .zip(current)
        .take_while(|(a, b)| a == b)
        .count();
    let room = previous.len().min(current.len()) - prefix;
    let suffix = previous
        .iter()
        .rev()
        .zip(current.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = previous.len() - prefix - suffix;
    let inserted = &current[prefix..current.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return Vec::new();
    }
    vec![SemanticTokensEdit {
        start: (prefix * 5) as u32,
        delete_count: (deleted * 5) as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::TextRange;
    use crate::config::Settings;
    use crate::ide::rename::{Rename, RenameWarning, WarningKind};
    use crate::ide::semantic_tokens::SemanticToken as Token;
    use crate::lsp::documents::Document;

    fn apply(previous: &[SemanticToken], edits: &[SemanticTokensEdit]) -> Vec<SemanticToken> {
        let mut tokens = previous.to_vec();
        for edit in edits.iter().rev() {
            let start = edit.start as usize / 5;
            let end = start + edit.delete_count as usize / 5;
            tokens.splice(start..end, edit.data.clone().unwrap_or_default());
        }
        tokens
    }

    fn tokens_of(text: &str) -> Vec<SemanticToken> {
        let fixture = crate::ide::fixture::Fixture::new(text);
        let found = ide::semantic_tokens::semantic_tokens(&fixture.view(), None);
        encode_tokens(&fixture.lines, Encoding::Utf16, &found)
    }

    #[test]
    fn relative_encoding_in_utf16_units() {
        let text = "s = '😀'\nt = 1\n";
        let lines = LineIndex::new(text);
        let token = |start: usize, len: usize, token_type| Token {
            range: TextRange::new(start, start + len),
            token_type,
            modifiers: TokenModifiers::CELL | TokenModifiers::CAPTURED,
        };
        // After the emoji (4 bytes, 2 UTF-16 units), then on the next line.
        let emoji_end = text.find('\'').unwrap() + 1 + 4;
        let tokens = [
            token(0, 1, TokenType::Variable),
            token(emoji_end, 1, TokenType::Function),
            token(text.find('t').unwrap(), 1, TokenType::Class),
        ];
        let encoded = encode_tokens(&lines, Encoding::Utf16, &tokens);
        let flat: Vec<[u32; 5]> = encoded
            .iter()
            .map(|t| {
                [
                    t.delta_line,
                    t.delta_start,
                    t.length,
                    t.token_type,
                    t.token_modifiers_bitset,
                ]
            })
            .collect();
        assert_eq!(flat, [[0, 0, 1, 0, 3], [0, 7, 1, 2, 3], [1, 0, 1, 3, 3]]);
    }

    #[test]
    fn delta_round_trips_edits() {
        let before = "def f(a):\n    return lambda: a\n\ndef g(b):\n    return lambda: b\n";
        let variants = [
            // An edit before every token: shifts the first token's line only.
            "\ndef f(a):\n    return lambda: a\n\ndef g(b):\n    return lambda: b\n",
            // A token disappears in the middle.
            "def f(a):\n    return lambda: 1\n\ndef g(b):\n    return lambda: b\n",
            // Tokens appear at the end.
            "def f(a):\n    return lambda: a\n\ndef g(b):\n    return lambda: b\ndef h(c):\n    return lambda: c\n",
            // Nothing changes.
            before,
            // Everything goes.
            "",
        ];
        let previous = tokens_of(before);
        assert_eq!(previous.len(), 4);
        for after in variants {
            let current = tokens_of(after);
            let edits = semantic_tokens_delta(&previous, &current);
            assert_eq!(apply(&previous, &edits), current, "{after:?}");
            assert!(edits.len() <= 1);
            if after == before {
                assert!(edits.is_empty());
            }
        }
        // A one-character edit changes one token's position: a one-token edit.
        let current =
            tokens_of("def f(a):\n    return lambda:  a\n\ndef g(b):\n    return lambda: b\n");
        let edits = semantic_tokens_delta(&previous, &current);
        assert_eq!(edits.len(), 1);
        assert_eq!((edits[0].start, edits[0].delete_count), (5, 5));
    }

    #[test]
    fn legend_names_every_bit() {
        let legend = semantic_tokens_legend();
        let types: Vec<&str> = legend.token_types.iter().map(|t| t.as_str()).collect();
        assert_eq!(types, ["variable", "parameter", "function", "class"]);
        let modifiers: Vec<&str> = legend.token_modifiers.iter().map(|m| m.as_str()).collect();
        assert_eq!(
            modifiers,
            [
                "captured",
                "cell",
                "nonlocalWrite",
                "global",
                "passThrough",
                "classScope"
            ]
        );
        assert_eq!(TokenModifiers::all().bits(), (1 << modifiers.len()) - 1);
    }

    #[test]
    fn rename_edits_with_and_without_annotations() {
        let uri: ls_types::Uri = "file:///t.py".parse().unwrap();
        let doc = Document::new(
            uri.clone(),
            3,
            "x = 1\nprint(x)\n".into(),
            Default::default(),
        );
        let settings = Settings::default();
        let ctx = Ctx::new(&doc, Encoding::Utf16, &settings);
        let edit = |start, end| ide::rename::TextEdit {
            range: TextRange::new(start, end),
            new_text: "y".into(),
        };
        let mut rename = Rename {
            edits: vec![edit(0, 1), edit(12, 13)],
            warnings: Vec::new(),
        };
        let plain = rename_edit(&ctx, &rename, true);
        assert_eq!(plain.changes.as_ref().map(|c| c[&uri].len()), Some(2));
        assert!(plain.document_changes.is_none());
        rename.warnings.push(RenameWarning {
            kind: WarningKind::Exported,
            message: "other modules are not updated".into(),
            ranges: vec![TextRange::new(0, 1)],
        });
        let annotated = rename_edit(&ctx, &rename, true);
        let value = serde_json::to_value(&annotated).unwrap();
        assert_eq!(value["documentChanges"][0]["textDocument"]["version"], 3);
        assert_eq!(
            value["documentChanges"][0]["edits"][1]["annotationId"],
            RENAME_WARNINGS
        );
        assert_eq!(
            value["changeAnnotations"][RENAME_WARNINGS]["needsConfirmation"],
            true
        );
        let fallback = rename_edit(&ctx, &rename, false);
        assert!(fallback.change_annotations.is_none());
        assert_eq!(
            rename_warnings_text(&rename),
            "other modules are not updated"
        );
    }

    #[test]
    fn a_peek_lens_is_the_protocol_code_lens_with_those_arguments() {
        let uri: Uri = "file:///w/a.py".parse().unwrap();
        let at = |line, character| Position { line, character };
        let locations = vec![Location::new(uri.clone(), Range::new(at(1, 4), at(1, 9)))];
        let lens = PeekLens {
            range: Range::new(at(3, 0), at(3, 12)),
            command: PeekCommand {
                title: "captures: x".into(),
                command: SHOW_CAPTURES,
                arguments: (uri.clone(), at(3, 0), locations.clone()),
            },
        };
        let protocol = ls_types::CodeLens {
            range: lens.range,
            command: Some(ls_types::Command {
                title: "captures: x".into(),
                command: SHOW_CAPTURES.into(),
                arguments: Some(vec![
                    serde_json::json!(uri),
                    serde_json::json!(at(3, 0)),
                    serde_json::json!(locations),
                ]),
            }),
            data: None,
        };
        assert_eq!(
            serde_json::to_value(&lens).unwrap(),
            serde_json::to_value(&protocol).unwrap()
        );
    }

    /// The protocol's `Diagnostic` of `d`, built field by field with its own types.
    fn protocol_diagnostic(ctx: &Ctx, d: &ide::diagnostics::Diagnostic) -> Diagnostic {
        use ide::diagnostics::Severity;
        let related: Vec<_> = d
            .related
            .iter()
            .map(|r| ls_types::DiagnosticRelatedInformation {
                location: ctx.location(r.range),
                message: r.message.clone(),
            })
            .collect();
        Diagnostic {
            range: ctx.range(d.range),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Information => DiagnosticSeverity::INFORMATION,
                Severity::Hint => DiagnosticSeverity::HINT,
            }),
            code: Some(ls_types::NumberOrString::String(d.code.as_str().into())),
            code_description: Some(ls_types::CodeDescription {
                href: d.code.help_uri().parse().unwrap(),
            }),
            source: Some(SOURCE.into()),
            message: d.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            tags: d.unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
            data: None,
        }
    }

    /// What `f` makes of a request's view of `text` (default settings, UTF-16).
    fn with_ctx<R>(text: &str, f: impl FnOnce(&Ctx) -> R) -> R {
        let uri = "file:///t.py".parse().unwrap();
        let doc = Document::new(uri, 1, text.into(), Default::default());
        let settings = Settings::default();
        f(&Ctx::new(&doc, Encoding::Utf16, &settings))
    }

    /// A typed diagnostic is reported as another was exactly when they are written alike: an
    /// edit that moves a diagnostic's offsets but not its line and column leaves it so (an
    /// unchanged pull report), one that changes a word or a position does not.
    #[test]
    fn typed_diagnostics_are_reported_alike_when_written_alike() {
        let text = "def f():\n    global g\n    fs = []\n    for i in range(3):\n        fs.append(lambda: i)\n    return fs\n\ndef h():\n    nonlocal q\n";
        let moved = text
            .replace("def f():", "def f_():")
            .replace("def h():", "def hh():");
        let typed = |text: &str| with_ctx(text, |ctx| diagnostics(ctx, &ctx.diagnostics()));
        let (before, after) = (typed(text), typed(&moved));
        assert!(before.len() >= 3 && before.len() == after.len());
        let written = |d: &LspDiagnostic| serde_json::to_string(d).unwrap();
        let mut pairs = 0;
        for a in before.iter().chain(&after) {
            for b in before.iter().chain(&after) {
                let alike = a.is_reported_as(&b.reported());
                assert_eq!(
                    alike,
                    written(a) == written(b),
                    "{}\n{}",
                    written(a),
                    written(b)
                );
                pairs += usize::from(alike && !Arc::ptr_eq(&a.diagnostic, &b.diagnostic));
            }
        }
        // The diagnostics on lines the edit left alone are equal across the two versions.
        assert!(pairs >= 2, "{pairs}");
    }

    /// Typed diagnostics and reports are written as the protocol's types are: related places,
    /// the `Unnecessary` tag, a SyntaxError's documentation, the full report around them.
    #[test]
    fn typed_diagnostics_serialise_as_the_protocol_types() {
        let text = "def f():\n    global g\n    fs = []\n    for i in range(3):\n        fs.append(lambda: i)\n    return fs\n\ndef h():\n    nonlocal q\n";
        with_ctx(text, |ctx| {
            let shown = ctx.diagnostics();
            let codes: Vec<_> = shown.iter().map(|d| d.code.as_str()).collect();
            assert!(shown.iter().any(|d| !d.related.is_empty()), "{codes:?}");
            assert!(shown.iter().any(|d| d.unnecessary), "{codes:?}");
            assert!(shown.iter().any(|d| d.code.is_syntax_error()), "{codes:?}");
            let typed = diagnostics(ctx, &shown);
            let protocol: Vec<Diagnostic> =
                shown.iter().map(|d| protocol_diagnostic(ctx, d)).collect();
            assert_eq!(
                serde_json::to_value(&typed).unwrap(),
                serde_json::to_value(&protocol).unwrap()
            );
            assert_eq!(diagnostic(ctx, &shown[0]), protocol[0]);
            let report = ls_types::DocumentDiagnosticReportResult::Report(
                ls_types::DocumentDiagnosticReport::Full(
                    ls_types::RelatedFullDocumentDiagnosticReport {
                        related_documents: None,
                        full_document_diagnostic_report: ls_types::FullDocumentDiagnosticReport {
                            result_id: None,
                            items: protocol.clone(),
                        },
                    },
                ),
            );
            assert_eq!(
                serde_json::to_value(Report::Full {
                    result_id: None,
                    items: Arc::new(typed.clone())
                })
                .unwrap(),
                serde_json::to_value(&report).unwrap()
            );
            let publish = ls_types::PublishDiagnosticsParams {
                uri: ctx.doc.uri.clone(),
                diagnostics: protocol,
                version: Some(1),
            };
            let typed = Publish {
                uri: ctx.doc.uri.clone(),
                diagnostics: typed,
                version: Some(1),
            };
            assert_eq!(
                serde_json::to_value(&typed).unwrap(),
                serde_json::to_value(&publish).unwrap()
            );
        });
    }
}
