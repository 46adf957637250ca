//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! Columns are in Unicode code points (`"columnKind": "unicodeCodePoints"`), 1-based, with
//! `endColumn` just after the last character; `byteOffset`/`byteLength` are into the file's bytes.

use std::io::{self, Write};

use conduct_rules::{Checker, RuleInfo, Severity};
use serde_json::{json, Value};

use crate::input::STDIN;
use crate::report::{FileReport, Finding};

/// The schema URI written in `$schema`.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path as given (`stdin` for `-`): `\` becomes `/`, anything
/// but unreserved characters and `/` is percent-encoded, and absolute paths become `file://` URIs.
pub fn path_uri(path: &str) -> String {
    if path == STDIN {
        return "stdin".to_string();
    }
    let path = path.replace('\\', "/");
    let mut uri = String::with_capacity(path.len());
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let mut help = rule.norm.to_string();
    for (lang, list) in [("zh", &rule.suggestions_zh), ("en", &rule.suggestions_en)] {
        if !list.is_empty() {
            help.push_str(&format!("\nSuggestions ({lang}): {}", list.join(" / ")));
        }
    }
    let mut tags = vec![rule.category.as_str().to_string()];
    tags.extend(rule.kind.as_deref().map(str::to_string));
    json!({
        "id": &*rule.id,
        "shortDescription": { "text": &*rule.summary },
        "fullDescription": { "text": format!("{} / {}", rule.message_en, rule.message_zh) },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(rule.severity), "enabled": rule.enabled },
        "properties": { "category": rule.category.as_str(), "pack": &*rule.pack, "tags": tags },
    })
}

fn result(path: &str, finding: &Finding, rule_index: Option<usize>) -> Value {
    let d = &finding.diagnostic;
    let mut result = json!({
        "ruleId": &*d.rule,
        "level": level(d.severity),
        "message": { "text": &*d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": path_uri(path) },
                "region": {
                    "startLine": finding.start.line,
                    "startColumn": finding.start.column,
                    "endLine": finding.end.line,
                    "endColumn": finding.end.column,
                    "byteOffset": d.start,
                    "byteLength": d.end - d.start,
                    "snippet": { "text": &finding.text },
                },
            },
        }],
        "properties": {
            "category": d.category.as_str(),
            "kind": d.kind.as_deref(),
            "norm": &*d.norm,
            "suggestions": &*d.suggestions,
        },
    });
    if let (Some(i), Some(obj)) = (rule_index, result.as_object_mut()) {
        obj.insert("ruleIndex".to_string(), json!(i));
    }
    result
}

/// Writes the SARIF log for `reports`, followed by a line break.
pub fn write(out: &mut impl Write, checker: &Checker, reports: &[FileReport]) -> io::Result<()> {
    let rules: Vec<&RuleInfo> = checker.rules().collect();
    let rule_index = |id: &str| rules.iter().position(|r| &*r.id == id);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for report in reports {
        match &report.outcome {
            Ok(findings) => {
                results.extend(findings.iter().map(|f| result(&report.path, f, rule_index(&f.diagnostic.rule))));
            }
            Err(e) => notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {e}", report.path) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": path_uri(&report.path) } } }],
            })),
        }
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "conduct",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
                },
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(path_uri("-"), "stdin");
        assert_eq!(path_uri("mail/客户 1.txt"), "mail/%E5%AE%A2%E6%88%B7%201.txt");
        assert_eq!(path_uri("/tmp/a.txt"), "file:///tmp/a.txt");
        assert_eq!(path_uri("a\\b.txt"), "a/b.txt");
    }
}
