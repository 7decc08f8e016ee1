//! Recursion as deep as CPython accepts, on any thread.
//!
//! The collector and the resolver recurse along the syntax tree and the scope tree, up to
//! [`MAX_DEPTH`](super::collect::MAX_DEPTH) levels (about 32 MiB of stack in a debug build). Each
//! recursive step goes through [`grow`], which moves the rest of the recursion onto a fresh
//! segment when the current stack runs low, so the analysis never overflows whatever stack its
//! caller has.

/// Stack that must remain before a recursive step runs on the current stack.
const RED_ZONE: usize = 256 * 1024;

/// Size of each new stack segment.
const SEGMENT: usize = 8 * 1024 * 1024;

/// Runs `f`, on a new stack segment if the current one is close to full.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
