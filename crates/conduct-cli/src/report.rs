//! The result of checking one file, shared by every output format.

use conduct_rules::{Diagnostic, Severity};

use crate::input::{floor_char_boundary, LineIndex, Position, ReadError, Source};

/// A finding located in its file.
#[derive(Debug)]
pub struct Finding {
    /// What the engine found; `start`/`end` are byte offsets into the whole file (BOM included).
    pub diagnostic: Diagnostic,
    /// Where the span starts.
    pub start: Position,
    /// Where the span ends (exclusive: the position just after its last character).
    pub end: Position,
    /// The original text of the span.
    pub text: String,
}

/// One path's outcome: its findings, or why it could not be checked.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given (`-` for standard input).
    pub path: String,
    /// The findings, or the reason the file was not checked.
    pub outcome: Result<Vec<Finding>, ReadError>,
}

/// Locates the engine's diagnostics for `source` (offsets relative to its body) in the file.
pub fn locate(source: &Source, diagnostics: Vec<Diagnostic>) -> Vec<Finding> {
    let mut index = LineIndex::new(source);
    diagnostics
        .into_iter()
        .map(|mut d| {
            // Offsets into the file; kept on character boundaries whatever the engine returns.
            d.start = floor_char_boundary(&source.text, d.start + source.bom_len);
            d.end = floor_char_boundary(&source.text, d.end + source.bom_len).max(d.start);
            let start = index.position(&source.text, d.start);
            let end = index.position(&source.text, d.end);
            let text = source.text.get(d.start..d.end).unwrap_or("").to_string();
            Finding { diagnostic: d, start, end, text }
        })
        .collect()
}

/// Counts of findings and files over a whole run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Paths given (checked or not).
    pub files: usize,
    /// Paths that could not be checked.
    pub failed: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
}

impl Totals {
    /// Adds one file's outcome.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        match &report.outcome {
            Err(_) => self.failed += 1,
            Ok(findings) => {
                for f in findings {
                    match f.diagnostic.severity {
                        Severity::Error => self.errors += 1,
                        Severity::Warning => self.warnings += 1,
                        Severity::Info => self.infos += 1,
                    }
                }
            }
        }
    }

    /// All findings.
    pub fn findings(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    /// The process exit code: 2 when a file could not be checked, 1 when there is a finding at
    /// warning or error, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.failed > 0 {
            2
        } else if self.errors + self.warnings > 0 {
            1
        } else {
            0
        }
    }

    /// The summary line, e.g. `2 files checked: 3 findings (1 error, 2 warnings, 0 info)`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
        let mut s = format!(
            "{} checked: {} ({}, {}, {} info)",
            plural(self.files - self.failed, "file"),
            plural(self.findings(), "finding"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.infos
        );
        if self.failed > 0 {
            s.push_str(&format!("; {} could not be checked", plural(self.failed, "file")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_exit_code() {
        let mut t = Totals { files: 3, failed: 0, errors: 1, warnings: 0, infos: 2 };
        assert_eq!(t.summary(), "3 files checked: 3 findings (1 error, 0 warnings, 2 info)");
        assert_eq!(t.exit_code(), 1);
        t.errors = 0;
        assert_eq!(t.exit_code(), 0);
        t.failed = 2;
        assert_eq!(
            t.summary(),
            "1 file checked: 2 findings (0 errors, 0 warnings, 2 info); 2 files could not be checked"
        );
        assert_eq!(t.exit_code(), 2);
    }
}
