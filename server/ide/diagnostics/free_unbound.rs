//! `free-unbound`: a closure reads a free variable whose cell can be empty when the closure
//! runs — its owner deletes it, binds it only as an `except … as` target (deleted when the
//! handler ends), or has not assigned it yet on some path. CPython raises `NameError`.

use super::{Code, Diagnostic, Finding, Origin, Related, Select};
use crate::analysis::{EmptyCell, EmptyCellRead, Occurrence};
use crate::ide::FileView;

pub(super) fn check(file: &FileView, select: &Select) -> Vec<Finding> {
    let analysis = file.analysis;
    analysis
        .facts
        .empty_cell_reads
        .iter()
        .filter_map(|r| {
            // A cell assigned on some paths, read under a condition: the conditions may well
            // agree (`if timeout: end = …` … `if timeout: … end …`). No static analysis can tell.
            if r.why == EmptyCell::NotAssigned && !r.certain && r.conditional {
                return None;
            }
            let o = analysis
                .occurrence_at(r.read.start)
                .filter(|o| o.range == r.read)?;
            // The fact is the cell owner's; the names are the reader's and the owner's.
            let origin = Origin {
                scopes: vec![o.symbol.scope, analysis.frame_of(o.scope)],
                line_number: match &r.why {
                    EmptyCell::Deleted(at) | EmptyCell::ExceptTarget(at) => Some(at.start),
                    EmptyCell::NotAssigned => None,
                },
                ..Origin::default()
            };
            select
                .wants(&origin)
                .then(|| Finding::new(diagnostic(file, r, o), origin))
        })
        .collect()
}

fn diagnostic(file: &FileView, read: &EmptyCellRead, o: &Occurrence) -> Diagnostic {
    let analysis = file.analysis;
    let shown = file.text(o.range);
    let closure = file.scope_name(o.scope);
    let owner = file.scope_name(analysis.frame_of(o.symbol.scope));
    let why = match &read.why {
        EmptyCell::Deleted(at) => format!("`{owner}` deletes it (line {})", file.line(at.start)),
        EmptyCell::ExceptTarget(at) => format!(
            "it is an `except … as {shown}` target (line {}), which Python deletes when the \
             handler ends",
            file.line(at.start)
        ),
        EmptyCell::NotAssigned => format!("`{owner}` may not have assigned it yet"),
    };
    let mut diagnostic = Diagnostic::new(
        Code::FreeUnbound,
        o.range,
        format!(
            "`{shown}` is a free variable of `{closure}`, and its cell can be empty when \
             `{closure}` runs: {why}. Running it then raises NameError: cannot access free \
             variable '{}' where it is not associated with a value in enclosing scope",
            analysis.name_of(o)
        ),
    );
    match &read.why {
        EmptyCell::Deleted(at) | EmptyCell::ExceptTarget(at) => diagnostic.related.push(Related {
            range: *at,
            message: format!("`{shown}` is deleted here"),
        }),
        EmptyCell::NotAssigned => {}
    }
    diagnostic.related.push(Related {
        range: read.runs_at,
        message: format!("`{closure}` can run from here on"),
    });
    diagnostic
}
