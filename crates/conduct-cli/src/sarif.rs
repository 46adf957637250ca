//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! Columns are in Unicode code points (`"columnKind": "unicodeCodePoints"`), 1-based, with
//! `endColumn` just after the last character; `byteOffset`/`byteLength` are into the file's bytes.

use std::collections::HashMap;
use std::io::{self, Write};

use conduct_rules::{Checker, RuleInfo, Severity};
use serde::Serialize;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    semantic_version: &'static str,
    rules: Vec<RuleDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region<'a>,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'a> {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
    snippet: Text<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    category: &'static str,
    kind: Option<&'a str>,
    norm: &'a str,
    suggestions: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor<'a> {
    id: &'a str,
    short_description: Text<'a>,
    full_description: OwnedText,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    category: &'static str,
    pack: &'a str,
    tags: Vec<&'a str>,
}

fn rule_descriptor<'a>(rule: &'a RuleInfo) -> RuleDescriptor<'a> {
    let mut help = rule.norm.to_string();
    for (lang, list) in [("zh", &rule.suggestions_zh), ("en", &rule.suggestions_en)] {
        if !list.is_empty() {
            help.push_str(&format!("\nSuggestions ({lang}): {}", list.join(" / ")));
        }
    }
    let mut tags = vec![rule.category.as_str()];
    tags.extend(rule.kind.as_deref());
    RuleDescriptor {
        id: &rule.id,
        short_description: Text { text: &rule.summary },
        full_description: OwnedText { text: format!("{} / {}", rule.message_en, rule.message_zh) },
        help: Help { text: help, markdown: crate::rules_doc::help_markdown(rule) },
        default_configuration: Configuration { level: level(rule.severity), enabled: rule.enabled },
        properties: RuleProperties { category: rule.category.as_str(), pack: &rule.pack, tags },
    }
}

fn result<'a>(uri: &'a str, finding: &'a Finding, rule_index: Option<usize>) -> SarifResult<'a> {
    let d = &finding.diagnostic;
    SarifResult {
        rule_id: &d.rule,
        rule_index,
        level: level(d.severity),
        message: Text { text: &d.message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri },
                region: Region {
                    start_line: finding.start.line,
                    start_column: finding.start.column,
                    end_line: finding.end.line,
                    end_column: finding.end.column,
                    byte_offset: d.start,
                    byte_length: d.end - d.start,
                    snippet: Text { text: &finding.text },
                },
            },
        }],
        properties: ResultProperties {
            category: d.category.as_str(),
            kind: d.kind.as_deref(),
            norm: &d.norm,
            suggestions: &d.suggestions,
        },
    }
}

/// Writes the SARIF log for `reports`, followed by a line break.
pub fn write(out: &mut impl Write, checker: &Checker, reports: &[FileReport]) -> io::Result<()> {
    let rules: Vec<&RuleInfo> = checker.rules().collect();
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect();
    let uris: Vec<String> = reports.iter().map(|r| path_uri(&r.path)).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (report, uri) in reports.iter().zip(&uris) {
        match &report.outcome {
            Ok(findings) => {
                results.extend(findings.iter().map(|f| result(uri, f, index.get(&*f.diagnostic.rule).copied())));
            }
            Err(e) => notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {e}", report.path) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }],
            })),
        }
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "conduct",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|r| rule_descriptor(r)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
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
