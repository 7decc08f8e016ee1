//! Shared helpers for the integration tests (`mod common;` in a test file).
//! Each helper module is used by only some test files, hence the allow.
#![allow(dead_code)]

pub mod edits;
pub mod lsp_client;
pub mod oracle_compare;
pub mod oracle_run;
pub mod synthetic;
pub mod test_server;
