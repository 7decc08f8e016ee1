//! The module's implied globals across splices. An implied global is a name that functions read
//! or declare `global` but no module statement binds; the module's symbols end with them, in
//! the order of their first use (scopes in pre-order, symbols in order), then those only
//! occurrences name, as a whole analysis lists them. [`ImpliedUsers`] keeps which scopes name
//! each one, so that after a function body was spliced the order is put right from the names
//! it named, without reading every scope.

use std::ops::Range;

use crate::analysis::{Analysis, Occurrence, ScopeId, Symbol, SymbolId, SymbolOrigin};

/// For each implied global of one analysis (in its order), the scopes whose symbols name it, in
/// pre-order, and those whose occurrences name it without their symbols.
pub struct ImpliedUsers {
    /// Where the implied globals start among the module's symbols (a function body cannot
    /// change the module's own symbols, so neither can a splice).
    first: usize,
    users: Vec<Vec<ScopeId>>,
    /// The scopes with an occurrence naming the global that their symbols do not name, in
    /// pre-order: a 3.12+ class-level comprehension's `__class__` when the class binds the
    /// name itself, or where tree-sitter recovered from a syntax error. A whole analysis lists
    /// the globals only these name last (it reads the occurrences after every symbol).
    readers: Vec<Vec<ScopeId>>,
}

impl ImpliedUsers {
    /// Reads the users off `a` (every scope once).
    pub fn of(a: &Analysis) -> Self {
        let module = &a.scopes[0].symbols;
        let first = module
            .iter()
            .position(|s| s.origin == SymbolOrigin::Implied)
            .unwrap_or(module.len());
        let mut users = ImpliedUsers {
            first,
            users: vec![Vec::new(); module.len() - first],
            readers: vec![Vec::new(); module.len() - first],
        };
        for id in 1..a.scopes.len() as u32 {
            users.add_scope(a, ScopeId(id));
        }
        users.add_readers(&a.occurrences, 0..a.scopes.len() as u32);
        users
    }

    /// The implied globals named by the scopes `ids` of `a`.
    pub fn named_by(&self, a: &Analysis, ids: Range<u32>) -> Vec<usize> {
        let mut named: Vec<usize> = ids
            .flat_map(|id| &a.scope(ScopeId(id)).symbols)
            .filter_map(|s| self.implied(s.variable))
            .collect();
        named.sort_unstable();
        named.dedup();
        named
    }

    /// Follows a splice into `a`: the scopes `old` (which named the implied globals `old_named`)
    /// were replaced by the scopes `new`, the ids after them moved, and the globals the new
    /// scopes name first were added at the end of the module's symbols. When `reorder`, or when
    /// the old or new scopes read a global their symbols do not name, the implied globals are
    /// then put in order (dropping those no scope names any more) and every reference to one
    /// that moved is renumbered.
    pub fn splice(
        &mut self,
        a: &mut Analysis,
        old: Range<u32>,
        old_named: &[usize],
        new: Range<u32>,
        reorder: bool,
    ) {
        // Each list is in pre-order: the old scopes are one run of it (a builtin that every
        // function of a big module calls has thousands of users).
        for &k in old_named {
            let list = &mut self.users[k];
            let from = list.partition_point(|s| s.0 < old.start);
            let to = from + list[from..].partition_point(|s| s.0 < old.end);
            list.drain(from..to);
        }
        // Few scopes read a global their symbols do not name: every list is looked at.
        let mut read = false;
        for readers in &mut self.readers {
            let len = readers.len();
            readers.retain(|s| !old.contains(&s.0));
            read |= readers.len() != len;
        }
        let grown = new.len() as i64 - old.len() as i64;
        if grown != 0 {
            for s in self.users.iter_mut().chain(&mut self.readers).flatten() {
                if s.0 >= old.end {
                    s.0 = (s.0 as i64 + grown) as u32;
                }
            }
        }
        let len = a.scopes[0].symbols.len() - self.first;
        self.users.resize(len, Vec::new());
        self.readers.resize(len, Vec::new());
        for id in new.clone() {
            self.add_scope(a, ScopeId(id));
        }
        // The new scopes' occurrences lie in the first one's range (a body's annotation scope
        // lies in the body; a `def`'s `__annotate__` spans the `def`).
        if !new.is_empty() {
            let occurrences = a.occurrences_in(a.scope(ScopeId(new.start)).range);
            read |= self.add_readers(occurrences, new);
        }
        if reorder || read {
            self.reorder(a);
        }
    }

    /// Notes the implied globals scope `id` names (its users lists stay in pre-order).
    fn add_scope(&mut self, a: &Analysis, id: ScopeId) {
        for s in &a.scope(id).symbols {
            if let Some(k) = self.implied(s.variable) {
                let list = &mut self.users[k];
                let at = list.partition_point(|&u| u < id);
                if list.get(at) != Some(&id) {
                    list.insert(at, id);
                }
            }
        }
    }

    /// Notes the scopes among `ids` whose `occurrences` name an implied global their symbols do
    /// not (the users lists are up to date; the readers lists stay in pre-order); whether there
    /// was one.
    fn add_readers(&mut self, occurrences: &[Occurrence], ids: Range<u32>) -> bool {
        let mut read = false;
        for o in occurrences {
            let Some(k) = self.implied(o.symbol) else {
                continue;
            };
            if !ids.contains(&o.scope.0) || self.users[k].binary_search(&o.scope).is_ok() {
                continue;
            }
            read = true;
            let list = &mut self.readers[k];
            let at = list.partition_point(|&u| u < o.scope);
            if list.get(at) != Some(&o.scope) {
                list.insert(at, o.scope);
            }
        }
        read
    }

    /// The implied global `variable` is, if it is one.
    fn implied(&self, variable: SymbolId) -> Option<usize> {
        let index = variable.symbol.0 as usize;
        (variable.scope == ScopeId::MODULE && index >= self.first).then(|| index - self.first)
    }

    /// Puts the implied globals in the order of their first use, drops the unused ones, and
    /// renumbers the symbols and occurrences that name one that moved.
    fn reorder(&mut self, a: &mut Analysis) {
        let first = self.first;
        // (named by occurrences only, first user (else reader), the name's place among its
        // symbols, implied index). Those named by occurrences only go last, by their first
        // reader (a whole analysis takes them in the order it collected the occurrences).
        let mut order: Vec<(bool, ScopeId, usize, usize)> = Vec::with_capacity(self.users.len());
        for k in 0..self.users.len() {
            let (read_only, user) = match (self.users[k].first(), self.readers[k].first()) {
                (Some(&user), _) => (false, user),
                (None, Some(&reader)) => (true, reader),
                (None, None) => continue,
            };
            let variable = SymbolId::new(ScopeId::MODULE, first + k);
            let place = a
                .scope(user)
                .symbols
                .iter()
                .position(|s| s.variable == variable)
                .unwrap_or(usize::MAX);
            order.push((read_only, user, place, k));
        }
        order.sort_unstable();
        if order.len() == self.users.len() && order.iter().enumerate().all(|(i, o)| o.3 == i) {
            return;
        }
        let mut renumber: Vec<Option<u32>> = vec![None; self.users.len()];
        for (i, &(.., k)) in order.iter().enumerate() {
            renumber[k] = Some((first + i) as u32);
        }

        let mut tail: Vec<Option<Symbol>> = a.scopes[0].symbols.drain(first..).map(Some).collect();
        for (i, &(.., k)) in order.iter().enumerate() {
            if let Some(mut symbol) = tail[k].take() {
                symbol.variable = SymbolId::new(ScopeId::MODULE, first + i);
                a.scopes[0].symbols.push(symbol);
            }
        }

        // Only the users and readers of a global that moved hold references to renumber: their
        // symbols, and their occurrences (which lie in their range, but for those of a body's
        // annotation scope: see `Scope::annotates_body`).
        let mut touched: Vec<ScopeId> = (0..self.users.len())
            .filter(|&k| renumber[k] != Some((first + k) as u32))
            .flat_map(|k| self.users[k].iter().chain(&self.readers[k]).copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let moved = |v: &mut SymbolId| {
            let index = v.symbol.0 as usize;
            if v.scope == ScopeId::MODULE && index >= first {
                if let Some(n) = renumber[index - first] {
                    *v = SymbolId::new(ScopeId::MODULE, n as usize);
                }
            }
        };
        for &id in &touched {
            let scope = &a.scopes[id.index()];
            let range = match scope.parent {
                Some(parent) if scope.annotates_body() => a.scope(parent).range,
                _ => scope.range,
            };
            let scope = &mut a.scopes[id.index()];
            scope
                .symbols
                .iter_mut()
                .for_each(|s| moved(&mut s.variable));
            // A missing name (a syntax error) is an empty occurrence, possibly at the very end.
            let lo = a
                .occurrences
                .partition_point(|o| o.range.start < range.start);
            let hi = a
                .occurrences
                .partition_point(|o| o.range.start <= range.end);
            for o in a.occurrences[lo..hi].iter_mut().filter(|o| o.scope == id) {
                moved(&mut o.symbol);
            }
        }
        let take = |lists: &mut Vec<Vec<ScopeId>>| -> Vec<Vec<ScopeId>> {
            order
                .iter()
                .map(|&(.., k)| std::mem::take(&mut lists[k]))
                .collect()
        };
        self.users = take(&mut self.users);
        self.readers = take(&mut self.readers);
    }
}
