//! A file's findings kept from one version to the next: after a body splice ([`Spliced`]),
//! only the findings that may have changed are found again; the others move with the edit.
//!
//! Each finding records what it was derived from besides its own ranges ([`Origin`]). After a
//! splice, outside the re-analysed text nothing changed but positions, scope ids, the enclosing
//! scopes' capture lists and the facts found again; so a finding is kept when none of its ranges
//! touches the edit, none of its scopes was re-analysed, encloses the re-analysed text or had
//! its facts found again, no variable it reads the bindings of is named in the re-analysed text
//! ([`Changed::touched`]), and no line it reads was edited. Every source (fact, occurrence) whose
//! origin fails these tests is judged again by its rule, on the new analysis.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::{Diagnostic, Select};
use crate::analysis::incremental::{Edit, Spliced};
use crate::analysis::{ClosureError, OccurrenceKind, ScopeId, TextRange};
use crate::ide::FileView;

/// What a finding was derived from, besides its own ranges (which must not touch an edit for
/// it to be kept).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Origin {
    /// The scopes whose symbols, facts and own occurrences it reads.
    pub scopes: Vec<ScopeId>,
    /// The variables (by name) whose bindings it reads, wherever they are.
    pub names: Vec<Arc<str>>,
    /// Offsets whose line's text it reads.
    pub lines: Vec<usize>,
    /// An offset whose line number its message gives.
    pub line_number: Option<usize>,
}

/// One finding of a rule, before the settings and the suppressions apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Finding {
    pub diagnostic: Diagnostic,
    pub origin: Origin,
    /// Whether its line suppresses it (set by [`Findings`]).
    pub suppressed: bool,
}

impl Finding {
    pub(super) fn new(diagnostic: Diagnostic, origin: Origin) -> Self {
        Finding {
            diagnostic,
            origin,
            suppressed: false,
        }
    }
}

/// What a splice changed, as the findings see it (in the new version's ids and offsets).
pub(super) struct Changed {
    edit: Edit,
    /// The re-analysed scopes.
    scopes: std::ops::Range<u32>,
    /// The scopes enclosing them, and those whose facts were found again (sorted).
    enclosing: Vec<ScopeId>,
    refound: Vec<ScopeId>,
    /// The variables the re-analysed text may bind (by name) that live outside it: those of
    /// enclosing functions and classes (their names are the same before and after: a splice
    /// keeps the body's free variables), and the globals it declares (the same too). A global
    /// it only reads is not one: binding a global takes a `global` declaration.
    touched: FxHashSet<Arc<str>>,
    /// The lines the edit spans.
    edited_lines: TextRange,
    /// Whether the edit added or removed lines.
    rows_moved: bool,
}

impl Changed {
    fn new(file: &FileView, spliced: &Spliced, rows_before: usize) -> Self {
        let analysis = file.analysis;
        let scopes = spliced.new_scopes.clone();
        let touched = analysis
            .occurrences_in(spliced.new_span)
            .iter()
            .filter(|o| spliced.new_span.contains_range(o.range))
            .filter(|o| !scopes.contains(&o.symbol.scope.0))
            .filter(|o| {
                o.symbol.scope != ScopeId::MODULE
                    || o.is_binding()
                    || o.kind == OccurrenceKind::GlobalDecl
            })
            .map(|o| Arc::clone(&o.name))
            .collect();
        let edit = spliced.edit;
        let (first, last) = (file.line(edit.start) - 1, file.line(edit.new_end) - 1);
        let edited_lines = TextRange::new(
            file.lines.line_start(first),
            file.lines.line_start(last + 1),
        );
        Changed {
            edit,
            scopes,
            enclosing: spliced.enclosing.clone(),
            refound: spliced.refound.clone(),
            touched,
            edited_lines,
            rows_moved: file.lines.line_count() != rows_before,
        }
    }

    /// Whether the re-analysed text may bind a variable named `name` that lives outside it.
    pub(super) fn touches_name(&self, name: &str) -> bool {
        self.touched.contains(name)
    }

    /// Whether the finding of a source with `origin` (in the new version) may differ from the
    /// previous version's.
    pub(super) fn touches(&self, origin: &Origin) -> bool {
        origin.scopes.iter().any(|&s| self.is_dirty(s))
            || origin.names.iter().any(|n| self.touches_name(n))
            || origin
                .lines
                .iter()
                .any(|&at| self.edited_lines.contains(at))
            || origin
                .line_number
                .is_some_and(|at| self.rows_moved && at >= self.edit.start)
    }

    fn is_dirty(&self, scope: ScopeId) -> bool {
        self.scopes.contains(&scope.0)
            || self.enclosing.contains(&scope)
            || self.refound.binary_search(&scope).is_ok()
    }

    /// The previous version's `finding` in this version, unless it may have changed.
    fn keep(&self, file: &FileView, spliced: &Spliced, mut finding: Finding) -> Option<Finding> {
        let edit = self.edit;
        let origin = &mut finding.origin;
        for scope in &mut origin.scopes {
            *scope = spliced.scope(*scope)?;
        }
        for at in origin.lines.iter_mut().chain(&mut origin.line_number) {
            *at = moved_offset(edit, *at)?;
        }
        if self.touches(origin) || !move_diagnostic(&mut finding.diagnostic, edit) {
            return None;
        }
        if self.edited_lines.contains(finding.diagnostic.range.start) {
            finding.suppressed = super::is_suppressed(file, &finding.diagnostic);
        }
        Some(finding)
    }
}

/// Where `offset` lies after `edit`, unless the edit touches it.
fn moved_offset(edit: Edit, offset: usize) -> Option<usize> {
    (offset < edit.start || offset > edit.old_end).then(|| edit.shift(offset))
}

/// Moves every range of `diagnostic` with `edit`; `false` when the edit touches one.
fn move_diagnostic(diagnostic: &mut Diagnostic, edit: Edit) -> bool {
    let ranges = std::iter::once(&mut diagnostic.range)
        .chain(diagnostic.related.iter_mut().map(|r| &mut r.range))
        .chain(&mut diagnostic.about)
        .chain(
            diagnostic
                .fixes
                .iter_mut()
                .flat_map(|f| f.edits.iter_mut().map(|e| &mut e.range)),
        );
    for range in ranges {
        if range.end >= edit.start && range.start <= edit.old_end {
            return false;
        }
        *range = TextRange::new(edit.shift(range.start), edit.shift(range.end));
    }
    true
}

/// A version's findings, with what decides whether they can follow the next edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings {
    /// In the order they are shown: by start, end and code.
    found: Vec<Finding>,
    /// The SyntaxErrors (scopes that have one get no other findings).
    errors: Vec<ClosureError>,
    /// The reads that let the module bind globals no statement shows (see `class_scope`).
    dynamic: Vec<TextRange>,
    /// How many lines the text has.
    rows: usize,
}

impl Findings {
    /// Every finding of the file.
    pub fn new(file: &FileView) -> Self {
        let dynamic = super::class_scope::dynamic_reads(file);
        let star = file.analysis.has_star_import;
        let found = super::find(file, &Select::All, star || !dynamic.is_empty());
        Findings {
            found: sorted(file, found),
            errors: file.analysis.errors.clone(),
            dynamic,
            rows: file.lines.line_count(),
        }
    }

    /// The findings of `file`, whose analysis was spliced (`spliced`) from that of the version
    /// these are the findings of: the findings that may have changed found again, the others
    /// moved. `None` when too much changed (the SyntaxErrors, whether the module binds globals
    /// dynamically): then [`Findings::new`] finds them all.
    pub fn advance(self, file: &FileView, spliced: &Spliced) -> Option<Self> {
        let analysis = file.analysis;
        let edit = spliced.edit;
        let moved_errors: Vec<ClosureError> = self
            .errors
            .iter()
            .map(|e| {
                let range = TextRange::new(
                    moved_offset(edit, e.range.start)?,
                    moved_offset(edit, e.range.end)?,
                );
                Some(ClosureError {
                    kind: e.kind.clone(),
                    range,
                })
            })
            .collect::<Option<_>>()?;
        if moved_errors != analysis.errors || analysis.has_star_import {
            return None;
        }
        let mut dynamic: Vec<TextRange> = self
            .dynamic
            .iter()
            .filter(|r| !spliced.old_span.contains_range(**r))
            .map(|&r| spliced.range(r))
            .collect();
        dynamic.extend(super::class_scope::dynamic_reads_in(file, spliced.new_span));
        dynamic.sort_by_key(|r| (r.start, r.end));
        if dynamic.is_empty() != self.dynamic.is_empty() {
            return None;
        }
        let changed = Changed::new(file, spliced, self.rows);
        let kept: Vec<Finding> = self
            .found
            .into_iter()
            .filter_map(|f| changed.keep(file, spliced, f))
            .collect();
        let fresh = sorted(
            file,
            super::find(file, &Select::Changed(&changed), !dynamic.is_empty()),
        );
        Some(Findings {
            found: merge(kept, fresh),
            errors: analysis.errors.clone(),
            dynamic,
            rows: file.lines.line_count(),
        })
    }

    /// The file's diagnostics under `settings` (see [`super::diagnostics`]).
    pub fn diagnostics(
        &self,
        file: &FileView,
        settings: &crate::config::Settings,
    ) -> Vec<Diagnostic> {
        super::shown(
            file,
            settings,
            self.found.iter().map(|f| (&f.diagnostic, f.suppressed)),
        )
    }
}

/// The order findings are shown in (after the SyntaxErrors).
fn order(f: &Finding) -> (usize, usize, super::Code) {
    let d = &f.diagnostic;
    (d.range.start, d.range.end, d.code)
}

/// `found` in order, with their suppressions.
fn sorted(file: &FileView, mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by_key(order);
    for f in &mut found {
        f.suppressed = super::is_suppressed(file, &f.diagnostic);
    }
    found
}

/// Two sorted lists as one.
fn merge(a: Vec<Finding>, b: Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for f in a {
        while let Some(next) = b.next_if(|n| order(n) < order(&f)) {
            out.push(next);
        }
        out.push(f);
    }
    out.extend(b);
    out
}
