//! `sarif`: one SARIF 2.1.0 log for code scanning. The rule table is the whole registry; results
//! point at files relative to `%SRCROOT%` (the current directory), columns in code points.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use super::{CheckedFile, Printer, Summary};
use crate::cli::result::SeverityName;
use crate::ide::diagnostics::Code;

/// The official schema of SARIF 2.1.0 (OASIS, errata 01).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/closure-lens/closure-lens";

pub struct Sarif {
    /// `file:///current/directory/`.
    root_uri: String,
    results: Vec<Value>,
}

impl Sarif {
    pub fn new(cwd: &Path) -> Self {
        let mut root_uri = file_uri(&cwd.to_string_lossy());
        if !root_uri.ends_with('/') {
            root_uri.push('/');
        }
        Sarif {
            root_uri,
            results: Vec::new(),
        }
    }
}

impl Printer for Sarif {
    fn file(&mut self, _out: &mut dyn Write, file: &CheckedFile<'_>) -> io::Result<()> {
        let artifact = if Path::new(file.path).is_absolute() {
            json!({ "uri": file_uri(file.path) })
        } else {
            json!({ "uri": encode_path(file.path), "uriBaseId": "%SRCROOT%" })
        };
        for finding in &file.result.findings {
            let (start, end) = (finding.range.start, finding.range.end);
            self.results.push(json!({
                "ruleId": finding.code,
                "ruleIndex": Code::all().position(|c| c.as_str() == finding.code),
                "level": level(finding.severity),
                "message": { "text": finding.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        },
                    },
                }],
            }));
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let rules: Vec<Value> = Code::all()
            .map(|code: Code| {
                json!({
                    "id": code.as_str(),
                    "shortDescription": { "text": code.summary() },
                    "helpUri": code.help_uri(),
                    "defaultConfiguration": { "level": level(code.default_severity().into()) },
                })
            })
            .collect();
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "closure-lens",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    },
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": { "%SRCROOT%": { "uri": self.root_uri } },
                "invocations": [{ "executionSuccessful": summary.unreadable == 0 }],
                "results": std::mem::take(&mut self.results),
                "properties": {
                    "files": summary.files,
                    "closures": summary.closures,
                    "findings": summary.findings,
                    "unreadable": summary.unreadable,
                },
            }],
        });
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

fn level(severity: SeverityName) -> &'static str {
    match severity {
        SeverityName::Error => "error",
        SeverityName::Warning => "warning",
        SeverityName::Information | SeverityName::Hint => "note",
    }
}

/// `file:///abs/path` for an absolute path.
fn file_uri(path: &str) -> String {
    let path = encode_path(path);
    if path.starts_with('/') {
        format!("file://{path}")
    } else {
        format!("file:///{path}") // C:/...
    }
}

/// A path as a URI reference: `/` separators, everything but unreserved characters and `/`
/// (and a drive's `:`) percent-encoded.
fn encode_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for (i, byte) in path.replace('\\', "/").bytes().enumerate() {
        let drive_colon = byte == b':' && i == 1;
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) || drive_colon {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode_path("pkg/my file é.py"), "pkg/my%20file%20%C3%A9.py");
        assert_eq!(file_uri("/tmp/a#b.py"), "file:///tmp/a%23b.py");
        assert_eq!(file_uri("C:\\x\\y.py"), "file:///C:/x/y.py");
    }
}
