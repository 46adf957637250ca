//! `--format json`: one document with one object per path, in the order given.
//!
//! ```text
//! {"version": 1, "files": [{"path": "-", "diagnostics": [{"rule": …, "category": …, "kind": …,
//!   "severity": …, "start": …, "end": …, "line": …, "column": …, "text": …, "message": …,
//!   "norm": …, "suggestions": […]}], "error": "<only when the file could not be checked>"}]}
//! ```

use std::io::{self, Write};
use std::sync::Arc;

use conduct_rules::{Category, Severity};
use serde::Serialize;

use crate::report::{FileReport, Finding};

/// The version of the JSON contract.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    category: Category,
    kind: Option<&'a str>,
    severity: Severity,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    text: &'a str,
    message: &'a str,
    norm: &'a str,
    suggestions: &'a Arc<[String]>,
}

impl<'a> JsonDiagnostic<'a> {
    fn of(f: &'a Finding) -> Self {
        let d = &f.diagnostic;
        JsonDiagnostic {
            rule: &d.rule,
            category: d.category,
            kind: d.kind.as_deref(),
            severity: d.severity,
            start: d.start,
            end: d.end,
            line: f.start.line,
            column: f.start.column,
            text: &f.text,
            message: &d.message,
            norm: &d.norm,
            suggestions: &d.suggestions,
        }
    }
}

/// Writes the JSON document for `reports`, followed by a line break.
pub fn write(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let files = reports
        .iter()
        .map(|r| match &r.outcome {
            Ok(findings) => {
                JsonFile { path: &r.path, diagnostics: findings.iter().map(JsonDiagnostic::of).collect(), error: None }
            }
            Err(e) => JsonFile { path: &r.path, diagnostics: Vec::new(), error: Some(e.to_string()) },
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Document { version: VERSION, files }).map_err(io::Error::from)?;
    writeln!(out)
}
