//! JSON-RPC 2.0 as LSP uses it: ids, the three kinds of message, error codes, and the one check
//! that turns a message body into a [`Message`] or the error response the specification asks for.
//!
//! Rules applied to every body (JSON-RPC 2.0 §4–§6, LSP "Base Protocol"):
//! - not JSON (including invalid UTF-8, lone surrogate escapes, nesting deeper than serde_json's
//!   limit of 128): `-32700` with id `null`;
//! - a batch (an array, empty or not): one `-32600` with id `null` — LSP has no batches;
//! - any other JSON that is not a request, notification or response (`jsonrpc` missing or not
//!   `"2.0"`, `method` not a string, an id that is not an integer or a string, `params` that are
//!   neither an object nor an array): `-32600`, with the id when it is a valid id, else `null`.
//!
//! `params: null` is read as absent: several clients send it for `shutdown` and `exit`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The error codes the server sends (JSON-RPC's and LSP's).
pub mod code {
    /// Invalid JSON was received.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON sent is not a valid request object.
    pub const INVALID_REQUEST: i64 = -32600;
    /// The method does not exist.
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Invalid method parameters.
    pub const INVALID_PARAMS: i64 = -32602;
    /// Internal error (a caught panic).
    pub const INTERNAL_ERROR: i64 = -32603;
    /// A request arrived before `initialize`.
    pub const SERVER_NOT_INITIALIZED: i64 = -32002;
    /// The request was valid but could not be answered (e.g. its time budget ran out).
    pub const REQUEST_FAILED: i64 = -32803;
    /// The document changed before the request was served.
    pub const CONTENT_MODIFIED: i64 = -32801;
    /// The client cancelled the request.
    pub const REQUEST_CANCELLED: i64 = -32800;
}

/// A request id: an integer or a string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    /// An integer id (any `i64`).
    Int(i64),
    /// A string id.
    Str(String),
}

impl RequestId {
    /// The id in `value`, if it is a valid one.
    pub fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().map(RequestId::Int),
            Value::String(s) => Some(RequestId::Str(s.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Int(i) => write!(f, "{i}"),
            RequestId::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// A request: a method call that gets exactly one response.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Its id.
    pub id: RequestId,
    /// The method.
    pub method: String,
    /// The parameters (`Value::Null` when absent).
    pub params: Value,
}

/// A notification: a method call without a response.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The method.
    pub method: String,
    /// The parameters (`Value::Null` when absent).
    pub params: Value,
}

/// A response from the client to one of the server's requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The id of the request it answers (`None` for `null`).
    pub id: Option<RequestId>,
    /// The result or the error.
    pub result: Result<Value, ResponseError>,
}

/// One well-formed JSON-RPC message.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A notification.
    Notification(Notification),
    /// A response.
    Response(Response),
}

/// The `error` member of a response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseError {
    /// One of [`code`] (or the client's own).
    pub code: i64,
    /// A short description.
    pub message: String,
    /// Extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ResponseError {
    /// An error with `code` and `message`.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ResponseError {
            code,
            message: message.into(),
            data: None,
        }
    }
}

/// A body that is not a JSON-RPC message: the error to answer, and the id to answer it with.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// The request's id when it could be read, else `None` (sent as `null`).
    pub id: Option<RequestId>,
    /// The error response.
    pub error: ResponseError,
}

impl Rejection {
    fn new(id: Option<RequestId>, code: i64, message: impl Into<String>) -> Self {
        Rejection {
            id,
            error: ResponseError::new(code, message),
        }
    }
}

/// Reads one message body (see the module documentation for the rules).
pub fn parse(body: &[u8]) -> Result<Message, Rejection> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| Rejection::new(None, code::PARSE_ERROR, format!("Parse error: {err}")))?;
    classify(value)
}

/// Classifies a parsed body.
pub fn classify(value: Value) -> Result<Message, Rejection> {
    let invalid = |id: Option<RequestId>, why: &str| {
        Rejection::new(id, code::INVALID_REQUEST, format!("Invalid request: {why}"))
    };
    let mut object = match value {
        Value::Object(object) => object,
        Value::Array(_) => {
            return Err(invalid(None, "batches are not part of LSP"));
        }
        _ => return Err(invalid(None, "a message must be a JSON object")),
    };
    let raw_id = object.remove("id");
    let id = raw_id.as_ref().and_then(RequestId::from_value);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(id, "\"jsonrpc\" must be \"2.0\""));
    }
    if let Some(method) = object.remove("method") {
        let Value::String(method) = method else {
            return Err(invalid(id, "\"method\" must be a string"));
        };
        let params = match object.remove("params") {
            None | Some(Value::Null) => Value::Null,
            Some(p @ (Value::Object(_) | Value::Array(_))) => p,
            Some(_) => return Err(invalid(id, "\"params\" must be an object or an array")),
        };
        return match (raw_id, id) {
            (None, _) => Ok(Message::Notification(Notification { method, params })),
            (Some(_), Some(id)) => Ok(Message::Request(Request { id, method, params })),
            (Some(_), None) => Err(invalid(None, "\"id\" must be an integer or a string")),
        };
    }
    // A response: an id (null only for errors) and exactly one of result and error.
    let id = match (&raw_id, id) {
        (Some(_), Some(id)) => Some(id),
        (Some(Value::Null), None) => None,
        _ => return Err(invalid(None, "neither a request nor a response")),
    };
    match (object.remove("result"), object.remove("error")) {
        (Some(result), None) if id.is_some() => Ok(Message::Response(Response {
            id,
            result: Ok(result),
        })),
        (None, Some(error)) => match serde_json::from_value::<ResponseError>(error) {
            Ok(error) => Ok(Message::Response(Response {
                id,
                result: Err(error),
            })),
            Err(_) => Err(invalid(id, "malformed \"error\" member")),
        },
        _ => Err(invalid(
            id,
            "a response needs exactly one of \"result\" and \"error\"",
        )),
    }
}

#[derive(Serialize)]
struct Success<'a, T> {
    jsonrpc: &'static str,
    id: &'a RequestId,
    result: T,
}

#[derive(Serialize)]
struct Failure<'a> {
    jsonrpc: &'static str,
    id: Option<&'a RequestId>,
    error: &'a ResponseError,
}

#[derive(Serialize)]
struct Outgoing<'a, T> {
    jsonrpc: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a RequestId>,
    method: &'a str,
    params: T,
}

/// The body of a successful response.
pub fn success_body(id: &RequestId, result: &impl Serialize) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Success {
        jsonrpc: "2.0",
        id,
        result,
    })
}

/// The body of an error response (`id: null` when `id` is `None`).
pub fn error_body(id: Option<&RequestId>, error: &ResponseError) -> Vec<u8> {
    let failure = Failure {
        jsonrpc: "2.0",
        id,
        error,
    };
    // Only strings, integers and `Value`s: serialising cannot fail.
    serde_json::to_vec(&failure).unwrap_or_default()
}

/// The body of a notification (`id: None`) or a server-to-client request.
pub fn call_body(
    id: Option<&RequestId>,
    method: &str,
    params: &impl Serialize,
) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Outgoing {
        jsonrpc: "2.0",
        id,
        method,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rejected(body: &str) -> Rejection {
        parse(body.as_bytes()).expect_err(body)
    }

    #[test]
    fn requests_notifications_responses() {
        let m = parse(br#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":1}}"#).unwrap();
        assert!(matches!(
            m,
            Message::Request(Request {
                id: RequestId::Int(1),
                ..
            })
        ));
        let m = parse(br#"{"jsonrpc":"2.0","method":"m","params":null}"#).unwrap();
        assert!(matches!(
            m,
            Message::Notification(Notification {
                params: Value::Null,
                ..
            })
        ));
        let m = parse(br#"{"jsonrpc":"2.0","id":"a","result":null}"#).unwrap();
        assert!(matches!(
            m,
            Message::Response(Response {
                result: Ok(Value::Null),
                ..
            })
        ));
        let m = parse(br#"{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}}"#);
        assert!(matches!(
            m,
            Ok(Message::Response(Response {
                id: None,
                result: Err(_)
            }))
        ));
    }

    #[test]
    fn every_invalid_shape_is_rejected_with_the_right_code_and_id() {
        for body in [
            "",
            "{",
            "\u{0}",
            r#"{"a":"\ud800"}"#,
            "[1,",
            "1 2",
            r#"{"jsonrpc":"2.0","id":1e400,"method":"m"}"#,
        ] {
            let r = rejected(body);
            assert_eq!((r.error.code, r.id), (code::PARSE_ERROR, None), "{body:?}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(rejected(&deep).error.code, code::PARSE_ERROR);
        for body in [
            "1",
            "\"s\"",
            "null",
            "true",
            "{}",
            "[]",
            "[{\"jsonrpc\":\"2.0\",\"method\":\"m\"}]",
            r#"{"id":1,"method":"m"}"#,
            r#"{"jsonrpc":"1.0","method":"m"}"#,
            r#"{"jsonrpc":2,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":true,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","method":"m","params":3}"#,
            r#"{"jsonrpc":"2.0","id":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":""}}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":"bad"}"#,
        ] {
            let r = rejected(body);
            assert_eq!(r.error.code, code::INVALID_REQUEST, "{body}");
        }
        // The id is echoed when it is a valid id.
        let r = rejected(r#"{"jsonrpc":"1.0","id":7,"method":"m"}"#);
        assert_eq!(r.id, Some(RequestId::Int(7)));
        let r = rejected(r#"{"jsonrpc":"2.0","id":"x","method":5}"#);
        assert_eq!(r.id, Some(RequestId::Str("x".into())));
    }

    #[test]
    fn bodies_serialise_as_the_specification_says() {
        let id = RequestId::Int(3);
        let ok = success_body(&id, &Option::<u8>::None).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&ok).unwrap(),
            json!({"jsonrpc": "2.0", "id": 3, "result": null})
        );
        let err = error_body(None, &ResponseError::new(code::PARSE_ERROR, "x"));
        assert_eq!(
            serde_json::from_slice::<Value>(&err).unwrap(),
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "x"}})
        );
    }
}
