//! Document highlight: every occurrence of the variable under the cursor, across scopes.

use ls_types::{DocumentHighlight, DocumentHighlightKind};

use super::Ctx;
use crate::analysis::OccurrenceKind;

/// The occurrences bound to the same variable as the one at `offset` (none if no name is there).
pub fn highlights(ctx: &Ctx, offset: usize) -> Vec<DocumentHighlight> {
    let Some(at) = ctx.analysis.occurrence_at(offset) else {
        return Vec::new();
    };
    ctx.analysis
        .occurrences_of(at.resolves_to, &at.name)
        .map(|o| DocumentHighlight {
            range: ctx.range(o.range),
            kind: Some(match o.kind {
                OccurrenceKind::Read => DocumentHighlightKind::READ,
                OccurrenceKind::Write | OccurrenceKind::Param => DocumentHighlightKind::WRITE,
                OccurrenceKind::GlobalDecl | OccurrenceKind::NonlocalDecl => {
                    DocumentHighlightKind::TEXT
                }
            }),
        })
        .collect()
}
