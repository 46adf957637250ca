//! Loads the evaluation corpus (`tests/corpus/*.tsv`) and tallies results.
//!
//! Shared by `tests/corpus.rs` and `examples/eval.rs` (through `#[path]`), so that the test and
//! the report count the same way. Format: UTF-8, header `label<TAB>text`, label one of
//! `disrespect`, `commitment`, `disclosure`, `clean`; `\n`, `\t` and `\\` in the text are escapes;
//! blank lines and lines starting with `#` are skipped.
#![allow(dead_code)]

use conduct_rules::Category;
use std::path::{Path, PathBuf};

/// One labelled text.
#[derive(Debug, Clone)]
pub struct Case {
    /// File name (no directory), e.g. `chat-zh.tsv`.
    pub file: String,
    /// 1-based line number in that file.
    pub line: usize,
    /// `None` for `clean`.
    pub label: Option<Category>,
    /// The text, unescaped.
    pub text: String,
}

impl Case {
    /// `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The default corpus directory: `<repo>/tests/corpus`.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

/// The label's name as written in the files.
pub fn label_name(label: Option<Category>) -> &'static str {
    label.map_or("clean", Category::as_str)
}

fn parse_label(s: &str) -> Option<Option<Category>> {
    match s {
        "clean" => Some(None),
        _ => Category::ALL.into_iter().find(|c| c.as_str() == s).map(Some),
    }
}

/// Turns `\n`, `\t` and `\\` into a line break, a tab and a backslash; other backslashes stay.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Parses one TSV file's contents. Errors name the file and line.
pub fn parse(file: &str, source: &str) -> Result<Vec<Case>, String> {
    let mut lines = source.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header.trim_start_matches('\u{feff}').trim_end() == "label\ttext" => {}
        _ => return Err(format!("{file}:1: the first line must be the header `label<TAB>text`")),
    }
    let mut cases = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (label, text) =
            line.split_once('\t').ok_or_else(|| format!("{file}:{line_no}: no TAB between label and text"))?;
        let label = parse_label(label.trim()).ok_or_else(|| format!("{file}:{line_no}: unknown label `{label}`"))?;
        if text.contains('\t') {
            return Err(format!("{file}:{line_no}: more than one TAB (write tabs in the text as \\t)"));
        }
        let text = unescape(text.trim());
        if text.is_empty() {
            return Err(format!("{file}:{line_no}: empty text"));
        }
        cases.push(Case { file: file.to_string(), line: line_no, label, text });
    }
    Ok(cases)
}

/// Loads every `*.tsv` file in `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("{}: no .tsv files", dir.display()));
    }
    let mut cases = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        cases.extend(parse(&name, &source)?);
    }
    Ok(cases)
}

fn index(c: Category) -> usize {
    Category::ALL.iter().position(|&x| x == c).unwrap_or(0)
}

/// Counts for recall per category and the share of clean cases flagged.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Cases of each category (in `Category::ALL` order) that got a finding of that category.
    pub hit: [usize; 3],
    /// Cases of each category.
    pub total: [usize; 3],
    /// Clean cases with any finding.
    pub clean_flagged: usize,
    /// Clean cases.
    pub clean_total: usize,
}

impl Tally {
    /// Records one case given the categories of its findings. Returns whether it was counted as
    /// correct (a hit for a positive case, no finding for a clean one).
    pub fn add(&mut self, label: Option<Category>, found: &[Category]) -> bool {
        match label {
            Some(c) => {
                let ok = found.contains(&c);
                self.total[index(c)] += 1;
                self.hit[index(c)] += ok as usize;
                ok
            }
            None => {
                let flagged = !found.is_empty();
                self.clean_total += 1;
                self.clean_flagged += flagged as usize;
                !flagged
            }
        }
    }

    /// Share (0..=1) of this category's cases that got a finding of the category.
    pub fn recall(&self, c: Category) -> f64 {
        ratio(self.hit[index(c)], self.total[index(c)])
    }

    /// Share (0..=1) of clean cases with any finding.
    pub fn clean_flagged_rate(&self) -> f64 {
        ratio(self.clean_flagged, self.clean_total)
    }
}

/// `n / d`, or 0 when `d` is 0.
pub fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}
