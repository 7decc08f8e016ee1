//! The wire: LSP's `Content-Length` framing, read by a [`FrameReader`] that survives any byte
//! stream, and written by a writer thread.
//!
//! Reading rules (each violation yields one [`Frame::Invalid`], answered with an error with id
//! `null`, and the reader carries on):
//! - A header block is `Name: value\r\n` lines (a bare `\n` is accepted) ending with an empty
//!   line; header names are case-insensitive and unknown headers (`Content-Type`) are ignored.
//! - `Content-Length` must be present, a decimal integer, and not larger than the configured
//!   maximum; duplicates must agree. The body is read in bounded chunks as it arrives: a claimed
//!   length is never allocated up front, so a hostile length costs nothing.
//! - Bytes that are not a header block (garbage, a header without its blank line, the tail of a
//!   body whose `Content-Length` was too small, the body of a rejected frame) are skipped up to
//!   the next `Content-Length:` (case-insensitive): the reader resynchronises there.
//! - A body that starts with `{` or `[` is followed structurally as it arrives: when its JSON
//!   value has ended and something other than whitespace follows before the claimed length (most
//!   likely the next frame, after a too-large length), the frame is rejected and reading resumes
//!   right after the value, so a too-large length cannot swallow the messages after it.
//! - Garbage glued to the front of a `Content-Length` line is skipped up to it.
//!
//! Writing: one thread owns the output and writes whole frames in the order it receives them,
//! each batch of them in one write ([`raw_stdout`] keeps standard output's line buffering from
//! splitting a header from its body).

use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// The default maximum size of one message body (64 MiB).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 << 20;

/// How much is read from the input at a time.
const CHUNK: usize = 64 << 10;

/// The most bytes the writer gathers into one write (a bigger body is written on its own).
const BATCH: usize = 64 << 10;

/// The longest header line accepted.
const MAX_HEADER_LINE: usize = 8 << 10;

/// The most header lines in one block.
const MAX_HEADERS: usize = 32;

/// What the resynchronisation looks for (lowercase; matched case-insensitively).
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// One unit read from the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body framed correctly (its JSON is not checked here).
    Body(Vec<u8>),
    /// Bytes that could not be read as a frame, and why.
    Invalid(String),
    /// A frame whose `Content-Length` exceeds the maximum (its body was skipped).
    TooLarge {
        /// The claimed length.
        claimed: u64,
    },
}

/// Reads frames from `R`; see the module documentation for the rules.
pub struct FrameReader<R> {
    input: R,
    /// Where reads land before they join `buf`.
    scratch: Box<[u8]>,
    buf: Vec<u8>,
    /// Start of the unread bytes in `buf`.
    pos: usize,
    eof: bool,
    max_size: usize,
    /// Bytes of the input fully processed (every frame before them has been returned).
    consumed: u64,
}

impl<R: Read> FrameReader<R> {
    /// A reader accepting bodies up to `max_size` bytes.
    pub fn new(input: R, max_size: usize) -> Self {
        FrameReader {
            input,
            scratch: vec![0; CHUNK].into_boxed_slice(),
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            max_size,
            consumed: 0,
        }
    }

    /// How many input bytes have been processed into returned frames.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    fn unread(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn advance(&mut self, n: usize) {
        self.pos += n;
        self.consumed += n as u64;
    }

    /// Reads more input; `false` at the end of it (or on a read error, treated as the end).
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let read = loop {
            match self.input.read(&mut self.scratch) {
                Ok(n) => break n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break 0,
            }
        };
        self.buf.extend_from_slice(&self.scratch[..read]);
        if read == 0 {
            self.eof = true;
        }
        read > 0
    }

    /// The next frame; `None` at the end of the input.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            // Whitespace between frames is tolerated silently.
            let blank = self
                .unread()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.advance(blank);
            if self.unread().is_empty() {
                if !self.fill() {
                    return None;
                }
                continue;
            }
            return Some(match self.header_block() {
                Ok(Some(length)) => self.body(length),
                Ok(None) => return None,
                Err(frame) => frame,
            });
        }
    }

    /// One header line (without its line break), or why there is none: `Ok(None)` at the end of
    /// the input.
    fn line(&mut self) -> Result<Option<Vec<u8>>, String> {
        let mut searched = 0;
        loop {
            let unread = self.unread();
            if let Some(i) = unread[searched..].iter().position(|&b| b == b'\n') {
                let end = searched + i;
                if end > MAX_HEADER_LINE {
                    return Err(format!("a header line longer than {MAX_HEADER_LINE} bytes"));
                }
                let line = unread[..end].strip_suffix(b"\r").unwrap_or(&unread[..end]);
                let line = line.to_vec();
                self.advance(end + 1);
                return Ok(Some(line));
            }
            searched = unread.len();
            if searched > MAX_HEADER_LINE {
                return Err(format!("a header line longer than {MAX_HEADER_LINE} bytes"));
            }
            if !self.fill() {
                return Ok(None);
            }
        }
    }

    /// Reads a header block; returns the body length. On a framing error, skips to the next
    /// `Content-Length:` and returns the frame reporting the error.
    fn header_block(&mut self) -> Result<Option<u64>, Frame> {
        let mut length: Option<u64> = None;
        let mut problem: Option<String> = None;
        let mut count = 0;
        let start = self.consumed;
        loop {
            let line = match self.line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    // The input ended inside a header block.
                    return if self.consumed == start && problem.is_none() {
                        Ok(None)
                    } else {
                        Err(Frame::Invalid(problem.unwrap_or_else(|| {
                            "the input ended inside a header".into()
                        })))
                    };
                }
                Err(why) => {
                    self.resync();
                    return Err(Frame::Invalid(why));
                }
            };
            if line.is_empty() {
                break;
            }
            count += 1;
            if find_ignore_case(&line, CONTENT_LENGTH).is_some_and(|at| at > 0) {
                self.resync_from_line(&line);
                return Err(Frame::Invalid(
                    "garbage before a Content-Length header; skipped".into(),
                ));
            }
            let Some((name, value)) = split_header(&line) else {
                // Not a header: garbage, or a body without the blank line before it.
                self.resync_from_line(&line);
                let shown = String::from_utf8_lossy(&line[..line.len().min(40)]).into_owned();
                return Err(Frame::Invalid(format!(
                    "expected a header line, got {shown:?}; skipped to the next Content-Length"
                )));
            };
            if count > MAX_HEADERS {
                problem = Some(format!("more than {MAX_HEADERS} header lines"));
            }
            if name.eq_ignore_ascii_case("content-length") {
                match parse_length(value) {
                    Ok(n) if length.is_none_or(|l| l == n) => length = Some(n),
                    Ok(_) => {
                        // Most likely a header block without its blank line, then the next
                        // frame: that frame starts here.
                        self.unread_line(&line);
                        return Err(Frame::Invalid(
                            "a header block without its blank line (or two different Content-Length values)".into(),
                        ));
                    }
                    Err(why) => problem = Some(why),
                }
            }
        }
        if let Some(why) = problem {
            self.resync();
            return Err(Frame::Invalid(why));
        }
        let Some(length) = length else {
            self.resync();
            return Err(Frame::Invalid(
                "a header block without Content-Length".into(),
            ));
        };
        if length > self.max_size as u64 {
            self.resync();
            return Err(Frame::TooLarge { claimed: length });
        }
        Ok(Some(length))
    }

    /// Reads a body of `length` bytes (see the module documentation for a too-large length).
    fn body(&mut self, length: u64) -> Frame {
        let length = length as usize;
        let mut body: Vec<u8> = Vec::new();
        let mut shape = Shape::default();
        while body.len() < length {
            if self.unread().is_empty() && !self.fill() {
                return Frame::Invalid(format!(
                    "the input ended after {} of {length} body bytes",
                    body.len()
                ));
            }
            let take = self.unread().len().min(length - body.len());
            shape.feed(&self.buf[self.pos..self.pos + take], body.len());
            body.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.advance(take);
            let Some(end) = shape.value_end else {
                continue;
            };
            if let Some(i) = body[end..].iter().position(|b| !b.is_ascii_whitespace()) {
                // Something follows the JSON value within the claimed length: most likely the
                // next frame after a too-large length. Resume right after the value.
                let rest = body.split_off(end + i);
                self.push_back(&rest);
                return Frame::Invalid(format!(
                    "more bytes follow the JSON value within Content-Length {length} (is the length too large?); skipped to them"
                ));
            }
        }
        Frame::Body(body)
    }

    /// Skips input up to the next `Content-Length:` (or the end).
    fn resync(&mut self) {
        loop {
            let unread = self.unread();
            if let Some(at) = find_ignore_case(unread, CONTENT_LENGTH) {
                self.advance(at);
                return;
            }
            // Keep a tail that could be the start of a split match.
            let keep = (CONTENT_LENGTH.len() - 1).min(unread.len());
            self.advance(unread.len() - keep);
            if !self.fill() {
                let rest = self.unread().len();
                self.advance(rest);
                return;
            }
        }
    }

    /// Resynchronises from the start of `line` (already consumed): a `Content-Length:` inside it
    /// (e.g. right after the garbage) is kept.
    fn resync_from_line(&mut self, line: &[u8]) {
        match find_ignore_case(line, CONTENT_LENGTH) {
            // The tail of the line starts the next header block.
            Some(at) => self.unread_line(&line[at..]),
            None => self.resync(),
        }
    }

    /// Puts `line` (and a line break) back in front of the unread input.
    fn unread_line(&mut self, line: &[u8]) {
        let mut back = line.to_vec();
        back.push(b'\n');
        self.push_back(&back);
    }

    /// Puts `bytes` back in front of the unread input.
    fn push_back(&mut self, back: &[u8]) {
        let rest = self.buf.split_off(self.pos);
        self.buf.truncate(self.pos);
        self.buf.extend_from_slice(back);
        self.buf.extend_from_slice(&rest);
        self.consumed = self.consumed.saturating_sub(back.len() as u64);
    }
}

/// `Name: value` (name a non-empty token, value trimmed).
fn split_header(line: &[u8]) -> Option<(&str, &str)> {
    let text = std::str::from_utf8(line).ok()?;
    let (name, value) = text.split_once(':')?;
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return None;
    }
    Some((name, value.trim_matches([' ', '\t'])))
}

fn parse_length(value: &str) -> Result<u64, String> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        let shown: String = value.chars().take(40).collect();
        return Err(format!("Content-Length {shown:?} is not a decimal integer"));
    }
    // Too many digits for a u64 is too large anyway.
    Ok(value.parse().unwrap_or(u64::MAX))
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Follows the bracket structure of a JSON body as it arrives, to notice where its value ends.
#[derive(Default)]
struct Shape {
    started: bool,
    /// Whether the body is an object or array (only those are followed).
    tracked: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Where the value ended (an index into the body).
    value_end: Option<usize>,
}

impl Shape {
    /// Feeds the body bytes that start at index `offset`.
    fn feed(&mut self, bytes: &[u8], offset: usize) {
        if self.value_end.is_some() {
            return;
        }
        for (i, &b) in bytes.iter().enumerate() {
            if !self.started {
                if b.is_ascii_whitespace() {
                    continue;
                }
                self.started = true;
                self.tracked = b == b'{' || b == b'[';
            }
            if !self.tracked {
                return;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        self.value_end = Some(offset + i + 1);
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Standard output without the line buffering of [`io::Stdout`], which would write a frame's
/// header (it ends with a line break) apart from its body. Falls back to [`io::stdout`] if the
/// handle cannot be duplicated.
pub fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    let handle = std::os::fd::AsFd::as_fd(&io::stdout()).try_clone_to_owned();
    #[cfg(windows)]
    let handle = std::os::windows::io::AsHandle::as_handle(&io::stdout()).try_clone_to_owned();
    #[cfg(any(unix, windows))]
    if let Ok(handle) = handle {
        return Box::new(std::fs::File::from(handle));
    }
    Box::new(io::stdout())
}

/// Writes `Content-Length` frames to the output from its own thread.
pub struct Writer {
    sender: Sender<Vec<u8>>,
}

impl Writer {
    /// Starts the writer thread on `output`; it ends when every [`Writer`] clone is dropped or the
    /// output fails.
    pub fn spawn<W: Write + Send + 'static>(output: W) -> (Writer, JoinHandle<()>) {
        let (sender, receiver) = channel();
        let handle = std::thread::Builder::new()
            .name("closure-lens-writer".into())
            .spawn(move || write_frames(output, receiver))
            .expect("start the writer thread");
        (Writer { sender }, handle)
    }

    /// Queues one message body.
    pub fn send(&self, body: Vec<u8>) {
        // The writer only stops when the output failed: the client is gone, nothing to do.
        let _ = self.sender.send(body);
    }
}

impl Clone for Writer {
    fn clone(&self) -> Self {
        Writer {
            sender: self.sender.clone(),
        }
    }
}

fn write_frames<W: Write>(mut output: W, bodies: Receiver<Vec<u8>>) {
    let mut out = Vec::new();
    while let Ok(mut body) = bodies.recv() {
        // What is queued leaves in one write, header and body together: a client wakes up once
        // per batch, not once for a header and again for its body. A big body goes out
        // uncopied, after what came before it.
        loop {
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            if body.len() < BATCH {
                out.append(&mut body);
            } else if output.write_all(&out).is_err() || output.write_all(&body).is_err() {
                return;
            } else {
                out.clear();
            }
            if out.len() >= BATCH {
                break;
            }
            match bodies.try_recv() {
                Ok(next) => body = next,
                Err(_) => break,
            }
        }
        if output.write_all(&out).is_err() || output.flush().is_err() {
            return;
        }
        out.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max: usize) -> Vec<Frame> {
        // Read one byte at a time too: splits must not matter.
        let whole: Vec<Frame> = {
            let mut r = FrameReader::new(input, max);
            std::iter::from_fn(|| r.next_frame()).collect()
        };
        let trickled: Vec<Frame> = {
            let mut r = FrameReader::new(OneByte(input), max);
            std::iter::from_fn(|| r.next_frame()).collect()
        };
        assert_eq!(whole, trickled, "{:?}", String::from_utf8_lossy(input));
        whole
    }

    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn body(b: &str) -> Frame {
        Frame::Body(b.as_bytes().to_vec())
    }

    fn is_invalid(f: &Frame) -> bool {
        matches!(f, Frame::Invalid(_))
    }

    #[test]
    fn well_formed_frames_and_headers() {
        let input = format!(
            "{}content-length: 2\ncontent-type: application/vscode-jsonrpc; charset=utf-8\n\n{{}}\r\n{}",
            frame("{\"a\":1}"),
            frame("[]")
        );
        assert_eq!(
            frames(input.as_bytes(), 100),
            [body("{\"a\":1}"), body("{}"), body("[]")]
        );
        // Identical duplicate lengths agree.
        let input = "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(frames(input.as_bytes(), 100), [body("{}")]);
    }

    #[test]
    fn garbage_and_bad_headers_resynchronise() {
        let next = frame("{}");
        for bad in [
            "garbage\r\n".to_owned(),
            "garbage without newline ".to_owned(),
            "Content-Length: -5\r\n\r\n".to_owned(),
            "Content-Length: abc\r\n\r\n".to_owned(),
            "Content-Length: 1.5\r\n\r\n".to_owned(),
            "Content-Length: 2e9\r\n\r\n".to_owned(),
            "Content-Length: \r\n\r\n".to_owned(),
            "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}}".to_owned(),
            "Content-Length: 9\r\n".to_owned(),
            "Content-Type: x\r\n\r\n{}".to_owned(),
            "Content-Length: 2\r\n{}".to_owned(),
            format!("X: {}\r\n\r\n", "y".repeat(20_000)),
            "\u{0}\u{1}\u{ff}\r\n\r\n".to_owned(),
        ] {
            let input = format!("{bad}{next}");
            let got = frames(input.as_bytes(), 100);
            assert!(is_invalid(&got[0]), "{bad:?}: {got:?}");
            assert_eq!(got.last(), Some(&body("{}")), "{bad:?}: {got:?}");
        }
    }

    #[test]
    fn lengths_too_small_too_large_and_huge() {
        let next = frame("{}");
        // Too small: a truncated body (rejected later as JSON), then the rest is skipped.
        let input = format!("Content-Length: 3\r\n\r\n{{\"a\":1}}{next}");
        let got = frames(input.as_bytes(), 100);
        assert_eq!(got[0], body("{\"a"));
        assert_eq!(got.last(), Some(&body("{}")));
        // Too large: the next frame is not swallowed.
        let input = format!("Content-Length: 50\r\n\r\n{{\"a\":\"}}\"}}{next}{next}");
        let got = frames(input.as_bytes(), 100);
        assert!(is_invalid(&got[0]), "{got:?}");
        assert_eq!(got[1..], [body("{}"), body("{}")]);
        // Above the maximum: no allocation, the body is skipped.
        for claimed in [
            "1000000000000",
            "18446744073709551615",
            "99999999999999999999999",
        ] {
            let input = format!("Content-Length: {claimed}\r\n\r\n{{\"big\":1}}{next}");
            let got = frames(input.as_bytes(), 100);
            assert!(matches!(got[0], Frame::TooLarge { .. }), "{got:?}");
            assert_eq!(got[1..], [body("{}")]);
        }
        // The input ends inside a body or a header.
        assert!(is_invalid(&frames(b"Content-Length: 9\r\n\r\n{}", 100)[0]));
        assert!(is_invalid(&frames(b"Content-Length: 9\r\n", 100)[0]));
        assert_eq!(frames(b"", 100), []);
        assert_eq!(frames(b"\r\n\r\n", 100), []);
    }

    #[test]
    fn consumed_counts_processed_bytes() {
        let input = format!("{}junk{}", frame("{}"), frame("[]"));
        let mut r = FrameReader::new(input.as_bytes(), 100);
        while r.next_frame().is_some() {}
        assert_eq!(r.consumed(), input.len() as u64);
    }

    /// Records each write it is given.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn queued_frames_leave_in_one_write_and_a_big_body_uncopied() {
        let big = "x".repeat(BATCH);
        let bodies = ["{\"a\":1}", "[]", big.as_str(), "{}"];
        let (sender, receiver) = channel();
        for body in bodies {
            sender.send(body.as_bytes().to_vec()).unwrap();
        }
        drop(sender);
        let mut output = Writes::default();
        write_frames(&mut output, receiver);
        let written: Vec<String> = output
            .0
            .iter()
            .map(|w| String::from_utf8_lossy(w).into())
            .collect();
        let header = |body: &str| format!("Content-Length: {}\r\n\r\n", body.len());
        assert_eq!(
            written,
            [
                format!("{}{}{}", frame(bodies[0]), frame(bodies[1]), header(&big)),
                big.clone(),
                frame(bodies[3]),
            ]
        );
        let frames = frames(written.concat().as_bytes(), 2 * BATCH);
        let expected: Vec<Frame> = bodies.iter().map(|b| body(b)).collect();
        assert_eq!(frames, expected);
    }
}
