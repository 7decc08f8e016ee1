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
//!
//! The findings are advanced lazily: each splice is noted when its version is analysed ([`Step`],
//! at the cost of the re-analysed text), and the steps since the findings' version are applied
//! when findings are next asked for ([`Findings::advance`]): the kept findings follow the steps
//! one after the other, the sources any step may have changed are judged once, on the last
//! analysis.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::Diagnostic;
use crate::analysis::incremental::{Edit, Spliced};
use crate::analysis::{ClosureError, OccurrenceKind, ScopeId, TextRange};
use crate::config::Settings;
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
    /// Shared with the diagnostics shown (moved in place when no version's still holds it).
    pub diagnostic: Arc<Diagnostic>,
    pub origin: Origin,
    /// Whether its line suppresses it (set by [`Findings`]).
    pub suppressed: bool,
}

impl Finding {
    pub(super) fn new(diagnostic: Diagnostic, origin: Origin) -> Self {
        Finding {
            diagnostic: Arc::new(diagnostic),
            origin,
            suppressed: false,
        }
    }
}

/// One body splice, as the findings see it, noted when the version it made is analysed: the
/// record, and what of that version's analysis the findings need (in its ids and offsets). Costs
/// the re-analysed text, never the file.
#[derive(Clone, Debug)]
pub struct Step {
    spliced: Spliced,
    /// The variables the re-analysed text may bind (by name) that live outside it: those of
    /// enclosing functions and classes (their names are the same before and after: a splice
    /// keeps the body's free variables), and the globals it declares (the same too). A global
    /// it only reads is not one: binding a global takes a `global` declaration.
    touched: Vec<Arc<str>>,
    /// The lines the edit spans.
    edited_lines: TextRange,
    /// How many lines the text has.
    rows: usize,
    /// The reads in the re-analysed text that let the module bind globals dynamically.
    dynamic: Vec<TextRange>,
    /// The version's SyntaxErrors, and whether it has a star import.
    errors: Vec<ClosureError>,
    star: bool,
}

impl Step {
    /// The splice `spliced` that made the version analysed in `file`.
    pub fn new(file: &FileView, spliced: &Spliced) -> Self {
        let analysis = file.analysis;
        let scopes = spliced.new_scopes.clone();
        let mut touched: Vec<Arc<str>> = analysis
            .occurrences_in(spliced.new_span)
            .iter()
            .filter(|o| spliced.new_span.contains_range(o.range))
            // Written in the re-analysed scopes (not the header's names, defaults and
            // annotations, which its enclosing scope evaluates: a splice leaves them as they were)
            // and living outside them.
            .filter(|o| scopes.contains(&o.scope.0) && !scopes.contains(&o.symbol.scope.0))
            .filter(|o| {
                o.symbol.scope != ScopeId::MODULE
                    || o.is_binding()
                    || o.kind == OccurrenceKind::GlobalDecl
            })
            .map(|o| Arc::clone(analysis.name_of(o)))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let edit = spliced.edit;
        let (first, last) = (file.line(edit.start) - 1, file.line(edit.new_end) - 1);
        let edited_lines = TextRange::new(
            file.lines.line_start(first),
            file.lines.line_start(last + 1),
        );
        Step {
            spliced: spliced.clone(),
            touched,
            edited_lines,
            rows: file.lines.line_count(),
            dynamic: super::class_scope::dynamic_reads_in(file, spliced.new_span).collect(),
            errors: analysis.errors.clone(),
            star: analysis.has_star_import,
        }
    }
}

/// What splices changed, as the findings see it (in the ids and offsets of the version they
/// made): a finding whose [`Origin`] this touches may differ from the earlier version's.
#[derive(Clone, Debug, Default)]
pub(super) struct Changed {
    /// The re-analysed scopes, those enclosing them, and those whose facts were found again
    /// (sorted).
    scopes: Vec<ScopeId>,
    /// The variables (by name) the re-analysed texts may bind that live outside them (see
    /// [`Step::touched`]).
    touched: FxHashSet<Arc<str>>,
    /// The edited lines.
    edited_lines: Vec<TextRange>,
    /// When lines were added or removed: where the first such edit starts (the line numbers
    /// of what follows moved).
    rows_moved_from: Option<usize>,
}

impl Changed {
    /// What `step` changed (`rows_before`: how many lines the text had before it).
    fn of(step: &Step, rows_before: usize) -> Self {
        let spliced = &step.spliced;
        let mut scopes: Vec<ScopeId> = spliced.new_scopes.clone().map(ScopeId).collect();
        scopes.extend(&spliced.enclosing);
        scopes.extend(&spliced.refound);
        scopes.sort_unstable();
        scopes.dedup();
        Changed {
            scopes,
            touched: step.touched.iter().cloned().collect(),
            edited_lines: vec![step.edited_lines],
            rows_moved_from: (step.rows != rows_before).then_some(spliced.edit.start),
        }
    }

    /// What these changes and then `step`'s changed (`rows_before`: how many lines the text
    /// had before `step`).
    fn then(self, step: &Step, rows_before: usize) -> Self {
        let next = Changed::of(step, rows_before);
        let spliced = &step.spliced;
        let edit = spliced.edit;
        // A scope re-analysed again is among `next`'s.
        let mut scopes: Vec<ScopeId> = self
            .scopes
            .iter()
            .filter_map(|&s| spliced.scope(s))
            .chain(next.scopes)
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        let mut touched = self.touched;
        touched.extend(next.touched);
        let mut edited_lines: Vec<TextRange> = self
            .edited_lines
            .iter()
            .map(|r| TextRange::new(cover(edit, r.start, false), cover(edit, r.end, true)))
            .collect();
        edited_lines.extend(next.edited_lines);
        let moved = self.rows_moved_from.map(|at| cover(edit, at, false));
        Changed {
            scopes,
            touched,
            edited_lines,
            rows_moved_from: match (moved, next.rows_moved_from) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// The scopes changed (sorted).
    pub(super) fn scopes(&self) -> &[ScopeId] {
        &self.scopes
    }

    /// Whether the re-analysed text may bind a variable named `name` that lives outside it.
    pub(super) fn touches_name(&self, name: &str) -> bool {
        self.touched.contains(name)
    }

    /// Whether any variable is named in [`Self::touches_name`] (else names need no looking at).
    pub(super) fn touches_names(&self) -> bool {
        !self.touched.is_empty()
    }

    /// Whether the finding of a source with `origin` (in the new version) may differ from the
    /// previous version's.
    pub(super) fn touches(&self, origin: &Origin) -> bool {
        origin
            .scopes
            .iter()
            .any(|s| self.scopes.binary_search(s).is_ok())
            || (self.touches_names() && origin.names.iter().any(|n| self.touches_name(n)))
            || origin.lines.iter().any(|&at| self.is_edited_line(at))
            || origin
                .line_number
                .zip(self.rows_moved_from)
                .is_some_and(|(at, from)| at >= from)
    }

    fn is_edited_line(&self, at: usize) -> bool {
        self.edited_lines.iter().any(|r| r.contains(at))
    }

    /// The previous version's `finding` in the version `spliced` made, unless it may have
    /// changed (these being that splice's changes).
    fn keep(&self, spliced: &Spliced, mut finding: Finding) -> Option<Finding> {
        let edit = spliced.edit;
        let origin = &mut finding.origin;
        for scope in &mut origin.scopes {
            *scope = spliced.scope(*scope)?;
        }
        for at in origin.lines.iter_mut().chain(&mut origin.line_number) {
            *at = moved_offset(edit, *at)?;
        }
        if self.touches(origin) || !fits(&finding.diagnostic, edit) {
            return None;
        }
        if edit.delta() != 0 && ranges(&finding.diagnostic).any(|r| r.start > edit.old_end) {
            move_diagnostic(Arc::make_mut(&mut finding.diagnostic), edit);
        }
        Some(finding)
    }
}

/// Where `offset` lies after `edit`; an offset inside the edit goes to its start (`to_end`:
/// its end), so that a range keeps covering what it covered.
fn cover(edit: Edit, offset: usize, to_end: bool) -> usize {
    if offset >= edit.old_end {
        edit.shift(offset)
    } else if offset > edit.start {
        if to_end { edit.new_end } else { edit.start }
    } else {
        offset
    }
}

/// Where `offset` lies after `edit`, unless the edit touches it.
fn moved_offset(edit: Edit, offset: usize) -> Option<usize> {
    (offset < edit.start || offset > edit.old_end).then(|| edit.shift(offset))
}

/// The ranges of `diagnostic`.
fn ranges(diagnostic: &Diagnostic) -> impl Iterator<Item = &TextRange> {
    std::iter::once(&diagnostic.range)
        .chain(diagnostic.related.iter().map(|r| &r.range))
        .chain(&diagnostic.about)
        .chain(
            diagnostic
                .fixes
                .iter()
                .flat_map(|f| f.edits.iter().map(|e| &e.range)),
        )
}

/// Whether no range of `diagnostic` touches `edit`.
fn fits(diagnostic: &Diagnostic, edit: Edit) -> bool {
    ranges(diagnostic).all(|r| r.end < edit.start || r.start > edit.old_end)
}

/// Moves every range of `diagnostic` (none touching `edit`) with `edit`.
fn move_diagnostic(diagnostic: &mut Diagnostic, edit: Edit) {
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
        *range = TextRange::new(edit.shift(range.start), edit.shift(range.end));
    }
}

/// A version's findings, with what decides whether they can follow the next edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Findings {
    /// In the order they are shown: by start, end and code.
    found: Vec<Finding>,
    /// The SyntaxErrors (scopes that have one get no other findings).
    errors: Vec<ClosureError>,
    /// Whether the module has a star import: like the dynamic reads, it binds globals no
    /// statement shows.
    star: bool,
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
        let found = super::find(file, &super::Select::All, star || !dynamic.is_empty());
        Findings {
            found: sorted(file, found),
            errors: file.analysis.errors.clone(),
            star,
            dynamic,
            rows: file.lines.line_count(),
        }
    }

    /// The findings of `file`, whose analysis was made from that of the version these are the
    /// findings of by the splices `steps` (in order): the findings that may have changed found
    /// again, the others moved. `None` when too much changed (the SyntaxErrors, whether the
    /// module binds globals dynamically): then [`Findings::new`] finds them all.
    pub fn advance(self, file: &FileView, steps: &[Step]) -> Option<Self> {
        let Findings {
            mut found,
            mut errors,
            star,
            mut dynamic,
            mut rows,
        } = self;
        let mut changed: Option<Changed> = None;
        for step in steps {
            let spliced = &step.spliced;
            let edit = spliced.edit;
            // The SyntaxErrors outside the re-analysed text only move. Those inside may come
            // or go: the findings they hide lie in the scopes the step changed (the
            // re-analysed ones, or those enclosing them), which are found again.
            let moved_errors: Vec<ClosureError> = errors
                .iter()
                .filter(|e| !spliced.old_span.contains_range(e.range))
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
            let errors_outside = step
                .errors
                .iter()
                .filter(|e| !spliced.new_span.contains_range(e.range));
            if !moved_errors.iter().eq(errors_outside) || step.star != star {
                return None;
            }
            errors = step.errors.clone();
            let was_dynamic = !dynamic.is_empty();
            dynamic.retain(|r| !spliced.old_span.contains_range(*r));
            for r in &mut dynamic {
                *r = spliced.range(*r);
            }
            dynamic.extend(&step.dynamic);
            dynamic.sort_by_key(|r| (r.start, r.end));
            if dynamic.is_empty() == was_dynamic {
                return None;
            }
            let this = Changed::of(step, rows);
            found = found
                .into_iter()
                .filter_map(|f| this.keep(spliced, f))
                .collect();
            changed = Some(match changed {
                Some(before) => before.then(step, rows),
                None => this,
            });
            rows = step.rows;
        }
        let Some(changed) = changed else {
            return Some(Findings {
                found,
                errors,
                star,
                dynamic,
                rows,
            });
        };
        // A kept finding on an edited line: its suppression may have come or gone.
        for f in &mut found {
            if changed.is_edited_line(f.diagnostic.range.start) {
                f.suppressed = super::is_suppressed(file, &f.diagnostic);
            }
        }
        let fresh = sorted(
            file,
            super::find(
                file,
                &super::Select::Changed(&changed),
                star || !dynamic.is_empty(),
            ),
        );
        Some(Findings {
            found: merge(found, fresh),
            errors,
            star,
            dynamic,
            rows,
        })
    }

    /// The file's diagnostics under `settings` (see [`super::diagnostics`]): shared with these
    /// findings, copied only where the settings change a severity.
    pub fn diagnostics(&self, file: &FileView, settings: &Settings) -> Vec<Arc<Diagnostic>> {
        super::shown(
            file,
            settings,
            self.found.iter().map(|f| (&f.diagnostic, f.suppressed)),
        )
    }

    /// How many lines the text of their version has.
    pub fn rows(&self) -> usize {
        self.rows
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
    if b.is_empty() {
        return a;
    }
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
