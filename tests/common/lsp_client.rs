//! A minimal LSP client for end-to-end tests and benchmarks: talks Content-Length framing to the
//! real `closure-lens` binary over stdio ([`LspClient::spawn`]), as an editor does, or to the
//! server core running in this process over in-memory pipes ([`LspClient::in_process`], used by
//! `TestServer`).
//!
//! Server-to-client requests (`workspace/inlayHint/refresh`, …) are answered (with `null`, or one
//! `null` per item for `workspace/configuration`, unless [`LspClient::answers`] says otherwise)
//! and recorded. Timeouts exist only as failure guards.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const GUARD: Duration = Duration::from_secs(60);

/// Where the server runs.
enum Backend {
    /// A child process (the real binary over stdio).
    Process(Child),
    /// `closure_lens::lsp::serve` on a thread of this process; it returns whether the session
    /// ended cleanly.
    InProcess(Option<JoinHandle<bool>>),
}

/// How a session ended: the exit status the binary has (or would have).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exit(Option<i32>);

impl Exit {
    /// The exit code (`None` if killed by a signal).
    pub fn code(self) -> Option<i32> {
        self.0
    }

    /// Whether the status is 0.
    pub fn success(self) -> bool {
        self.0 == Some(0)
    }
}

/// A running server and the client side of its input and output.
pub struct LspClient {
    backend: Backend,
    stdin: Option<Box<dyn Write + Send>>,
    /// Bytes written to the server so far.
    pub written: u64,
    messages: Receiver<Value>,
    next_id: i64,
    responses: HashMap<i64, Value>,
    /// Notifications received and not yet consumed.
    pub notifications: VecDeque<Value>,
    /// The ids of all responses, in arrival order.
    pub arrivals: Vec<Value>,
    /// Responses whose id is not an integer (`null` for errors about unreadable messages, or a
    /// string), in arrival order.
    pub other_responses: Vec<Value>,
    /// Requests the server sent us (already answered).
    pub server_requests: Vec<Value>,
    /// Results to answer server requests with, by method (`null` for the others).
    pub answers: HashMap<String, Value>,
}

/// A `file://` URI for `path`.
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The UTF-16 (LSP default) position of byte `offset` in `text`.
pub fn utf16_pos(text: &str, offset: usize) -> Value {
    pos_in(text, offset, |s| s.encode_utf16().count())
}

/// The UTF-8 position of byte `offset` in `text`.
pub fn utf8_pos(text: &str, offset: usize) -> Value {
    pos_in(text, offset, str::len)
}

fn pos_in(text: &str, offset: usize, units: impl Fn(&str) -> usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": units(&text[line_start..offset]) })
}

/// The byte offset of UTF-16 position `position` (`{line, character}`) in `text`.
pub fn utf16_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with LSP `TextEdit`s (UTF-16 positions, not overlapping) applied.
pub fn apply_text_edits(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, &str)> = edits
        .as_array()
        .expect("an array of edits")
        .iter()
        .map(|e| {
            (
                utf16_offset(text, &e["range"]["start"]),
                utf16_offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|&(start, end, _)| std::cmp::Reverse((start, end)));
    let mut out = text.to_owned();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

/// The UTF-16 position of the `nth` (0-based) occurrence of `needle`, plus `delta` bytes.
pub fn pos_of(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    utf16_pos(text, offset_of(text, needle, nth) + delta)
}

/// The byte offset of the `nth` (0-based) occurrence of `needle`.
pub fn offset_of(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in text"))
        .0
}

impl LspClient {
    /// Starts `closure-lens serve --stdio`.
    pub fn spawn() -> Self {
        Self::spawn_with(
            env!("CARGO_BIN_EXE_closure-lens"),
            &["serve", "--stdio"],
            &[],
        )
    }

    /// Starts `binary` with `args` and extra environment variables.
    pub fn spawn_with(binary: &str, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        command
            .args(args)
            .envs(envs.iter().copied())
            .stderr(Stdio::inherit());
        Self::spawn_command(command)
    }

    /// Starts `command` (any language server speaking LSP on stdio; its stdin and stdout are
    /// piped here, the rest of its set-up is kept).
    pub fn spawn_command(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take().expect("stdin");
        Self::connect(Backend::Process(child), Box::new(stdin), stdout)
    }

    /// Runs the server core in this process (`serve` on a thread) over in-memory pipes.
    pub fn in_process(options: closure_lens::lsp::Options) -> Self {
        let (to_server, server_input) = pipe();
        let (server_output, from_server) = pipe();
        let thread = std::thread::Builder::new()
            .name("in-process-server".into())
            .spawn(move || closure_lens::lsp::serve(server_input, server_output, options))
            .expect("start the server thread");
        Self::connect(
            Backend::InProcess(Some(thread)),
            Box::new(to_server),
            from_server,
        )
    }

    fn connect(
        backend: Backend,
        stdin: Box<dyn Write + Send>,
        stdout: impl Read + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            stdin: Some(stdin),
            backend,
            written: 0,
            messages: rx,
            next_id: 1,
            responses: HashMap::new(),
            notifications: VecDeque::new(),
            other_responses: Vec::new(),
            arrivals: Vec::new(),
            server_requests: Vec::new(),
            answers: HashMap::new(),
        }
    }

    /// The server's process id (of this process for an in-process server).
    pub fn pid(&self) -> u32 {
        match &self.backend {
            Backend::Process(child) => child.id(),
            Backend::InProcess(_) => std::process::id(),
        }
    }

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
        self.written += bytes.len() as u64;
    }

    /// Sends one JSON-RPC message.
    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        self.send_raw(&frame);
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_response(id)
    }

    /// Sends a request and returns its `result`, failing the test on an error response.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn wait_response(&mut self, id: i64) -> Value {
        self.wait_response_within(id, GUARD)
    }

    /// Waits for the response to request `id`, at most `limit` between two messages.
    pub fn wait_response_within(&mut self, id: i64, limit: Duration) -> Value {
        loop {
            if let Some(r) = self.responses.remove(&id) {
                return r;
            }
            self.pump(limit)
                .unwrap_or_else(|| panic!("no response to request {id}"));
        }
    }

    /// Waits for a notification `method` satisfying `pred`, consuming it (and earlier ones of any method
    /// are kept).
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + GUARD;
        loop {
            if let Some(i) = self
                .notifications
                .iter()
                .position(|n| n["method"] == method && pred(&n["params"]))
            {
                return self.notifications.remove(i).unwrap()["params"].clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            self.pump(left)
                .unwrap_or_else(|| panic!("no {method} notification matched"));
        }
    }

    /// Receives one message (filing it); `None` on timeout or when the server closed stdout.
    pub fn pump(&mut self, timeout: Duration) -> Option<()> {
        let message = match self.messages.recv_timeout(timeout) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        match (message.get("id"), message.get("method")) {
            (Some(id), Some(_)) => {
                let id = id.clone();
                let method = message["method"].as_str().unwrap_or_default();
                let result = match self.answers.get(method) {
                    Some(answer) => answer.clone(),
                    // One (default) setting per item asked for, as the protocol wants.
                    None if method == "workspace/configuration" => {
                        let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![Value::Null; items])
                    }
                    None => Value::Null,
                };
                self.server_requests.push(message);
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
            }
            (Some(id), None) => {
                self.arrivals.push(id.clone());
                match id.as_i64() {
                    Some(id) => {
                        self.responses.insert(id, message);
                    }
                    None => self.other_responses.push(message),
                }
            }
            _ => self.notifications.push_back(message),
        }
        Some(())
    }

    /// `initialize` (waiting for the response, as editors do) then `initialized`.
    pub fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.call(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `initialize` with default (UTF-16, push diagnostics) capabilities and no options.
    pub fn initialize_default(&mut self) -> Value {
        self.initialize(json!({}), Value::Null)
    }

    /// `textDocument/didOpen`.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
    }

    /// One incremental `textDocument/didChange` replacing `range` with `text`.
    pub fn change(&mut self, uri: &str, version: i32, start: Value, end: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": text}],
            }),
        );
    }

    /// `textDocument/inlayHint` over `start..end`.
    pub fn inlay_hints(&mut self, uri: &str, start: Value, end: Value) -> Value {
        self.call(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": start, "end": end}}),
        )
    }

    /// Inlay hints for the whole document.
    pub fn all_hints(&mut self, uri: &str) -> Value {
        self.inlay_hints(
            uri,
            json!({"line": 0, "character": 0}),
            json!({"line": 100000, "character": 0}),
        )
    }

    /// A position request (`textDocument/hover`, `…/definition`, `…/documentHighlight`).
    pub fn at(&mut self, method: &str, uri: &str, position: Value) -> Value {
        self.call(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
    }

    /// `shutdown`, `exit`, then the exit status.
    pub fn shutdown_and_exit(mut self) -> Exit {
        self.call("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Closes the server's input and waits for the session to end.
    pub fn wait_exit(mut self) -> Exit {
        drop(self.stdin.take());
        let deadline = Instant::now() + GUARD;
        loop {
            match &mut self.backend {
                Backend::Process(child) => {
                    if let Some(status) = child.try_wait().expect("wait") {
                        return Exit(status.code());
                    }
                }
                Backend::InProcess(thread) => {
                    if thread.as_ref().is_some_and(JoinHandle::is_finished) {
                        let clean = thread.take().unwrap().join().expect("serve panicked");
                        return Exit(Some(if clean { 0 } else { 1 }));
                    }
                }
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Backend::Process(child) = &mut self.backend {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One end of an in-memory byte pipe.
pub struct PipeWriter(Sender<Vec<u8>>);

/// The other end: reads block until bytes arrive, and end when the writer is dropped.
pub struct PipeReader {
    chunks: Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

/// An in-memory pipe.
pub fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = channel();
    (
        PipeWriter(tx),
        PipeReader {
            chunks: rx,
            current: Vec::new(),
            at: 0,
        },
    )
}

impl Write for PipeWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .send(buf.to_vec())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            match self.chunks.recv() {
                Ok(chunk) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The joined text of an inlay hint's label.
pub fn hint_label(hint: &Value) -> String {
    match &hint["label"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .map(|p| p["value"].as_str().unwrap_or_default())
            .collect(),
        _ => String::new(),
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
