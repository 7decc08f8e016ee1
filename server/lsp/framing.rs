//! Input filtering below the JSON-RPC layer: a message body that is not JSON is replaced by a
//! harmless notification, because tower-lsp's framed reader ends the session at a decode error.

use serde::de::IgnoredAny;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// The notification that stands in for a body that was not JSON.
pub const INVALID_JSON_METHOD: &str = "closureLens/invalidJson";

/// Copies LSP frames from `input` to `output`, replacing non-JSON bodies; stops at end of input
/// or at a frame without a usable `Content-Length` header.
pub async fn filter_invalid_json<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let replacement = format!(r#"{{"jsonrpc":"2.0","method":"{INVALID_JSON_METHOD}"}}"#);
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        let mut length: Option<usize> = None;
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim();
            if header.is_empty() {
                if length.is_some() {
                    break;
                }
                continue;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let Some(length) = length else { return };
        body.resize(length, 0);
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let valid = serde_json::from_slice::<IgnoredAny>(&body).is_ok();
        let payload: &[u8] = if valid { &body } else { replacement.as_bytes() };
        let header = format!("Content-Length: {}\r\n\r\n", payload.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(payload).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}
