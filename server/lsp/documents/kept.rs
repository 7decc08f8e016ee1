//! A feature's result kept from one version of a document to the next (the outline, the capture
//! lenses, the semantic tokens), so that the next version's follows from it instead of being
//! found whole.

use std::sync::{Arc, Mutex};

use crate::analysis::incremental::{Edit, Spliced};

/// A result and the version it is of: that version's generation and text length.
pub(super) struct Kept<T> {
    pub generation: u64,
    pub len: usize,
    pub value: T,
}

/// Where a document keeps one feature's last result (shared by its versions).
pub(super) type Slot<T> = Arc<Mutex<Option<Kept<T>>>>;

impl<T> Kept<T> {
    /// Whether `edit`, the edits since this version taken as one, leads from its text to a text
    /// of `len` bytes (else the edits on record do not describe the way from it).
    pub fn leads_to(&self, edit: &Edit, len: usize) -> bool {
        self.len as i64 + edit.delta() == len as i64
    }

    /// What the splice that made version `len`'s analysis changed, when it was made from this
    /// version's (`spliced`: the last splice, with the generation it started from).
    pub fn spliced_into<'a>(
        &self,
        spliced: Option<&'a (u64, Spliced)>,
        len: usize,
    ) -> Option<&'a Spliced> {
        let (from, spliced) = spliced?;
        (*from == self.generation && self.leads_to(&spliced.edit, len)).then_some(spliced)
    }
}

impl<T: Clone> Kept<Arc<T>> {
    /// The value, to edit in place into the next version's: taken out of its `Arc`, or copied
    /// when a request or a module of that version still holds it.
    pub fn into_owned(self) -> T {
        Arc::try_unwrap(self.value).unwrap_or_else(|shared| (*shared).clone())
    }
}

/// The kept result if it is version `generation`'s.
pub(super) fn current<T: Clone>(slot: &Option<Kept<T>>, generation: u64) -> Option<T> {
    slot.as_ref()
        .filter(|kept| kept.generation == generation)
        .map(|kept| kept.value.clone())
}

/// Takes out the kept result if it is of a version before `generation` (to make that version's
/// from it); a newer one stays.
pub(super) fn take_earlier<T>(slot: &mut Option<Kept<T>>, generation: u64) -> Option<Kept<T>> {
    slot.take_if(|kept| kept.generation < generation)
}

/// Keeps `kept`, unless the slot holds a newer version's (a late request on an old version
/// leaves it in place).
pub(super) fn keep<T>(slot: &mut Option<Kept<T>>, kept: Kept<T>) {
    if slot
        .as_ref()
        .is_none_or(|held| held.generation <= kept.generation)
    {
        *slot = Some(kept);
    }
}
