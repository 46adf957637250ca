//! rustc-style output: `file:line:column`, the line with the span underlined, the message, the
//! norm and the suggestions, rendered by `annotate-snippets`.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use conduct_rules::Severity;

use crate::input::{floor_char_boundary, LineIndex, Source};
use crate::report::{Finding, Totals};

/// Writes findings as they are found.
pub struct HumanWriter {
    renderer: Renderer,
    color: bool,
}

impl HumanWriter {
    /// A writer that colours its output when `color` is set.
    pub fn new(color: bool) -> Self {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        HumanWriter { renderer, color }
    }

    /// Writes every finding of one checked file.
    pub fn file(&self, out: &mut impl Write, source: &Source, findings: &[Finding]) -> io::Result<()> {
        let index = LineIndex::new(source);
        for finding in findings {
            writeln!(out, "{}\n", self.render(&index, source, finding))?;
        }
        Ok(())
    }

    /// Renders one finding.
    fn render(&self, index: &LineIndex, source: &Source, finding: &Finding) -> String {
        let d = &finding.diagnostic;
        let (from, to) = index.lines_around(&source.text, d.start, d.end);
        let excerpt = Excerpt::new(&source.text, from, to, d.start, d.end);
        let path = display_path(&source.path);
        let level = level(d.severity);
        let mut group = level.primary_title(&*d.message).id(&*d.rule).element(
            Snippet::source(excerpt.text.as_ref())
                .line_start(finding.start.line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(excerpt.span.clone())),
        );
        group = group.element(Level::NOTE.with_name("norm").message(&*d.norm));
        for suggestion in d.suggestions.iter() {
            group = group.element(Level::HELP.with_name("suggestion").message(suggestion.as_str()));
        }
        let rendered = self.renderer.render(&[group]);
        if !excerpt.cut {
            return rendered;
        }
        // The renderer counts the column from the excerpt's start; show the column in the file.
        let line = finding.start.line;
        let shown = excerpt.text[..excerpt.span.start].chars().count() + 1;
        rendered.replacen(&format!("{path}:{line}:{shown}"), &format!("{path}:{line}:{}", finding.start.column), 1)
    }

    /// Writes the summary line.
    pub fn summary(&self, out: &mut impl Write, totals: &Totals) -> io::Result<()> {
        let style = if !self.color {
            Style::new()
        } else if totals.errors > 0 {
            AnsiColor::BrightRed.on_default().effects(Effects::BOLD)
        } else if totals.warnings > 0 {
            AnsiColor::Yellow.on_default().effects(Effects::BOLD)
        } else {
            AnsiColor::Green.on_default().effects(Effects::BOLD)
        };
        writeln!(out, "{style}{}{style:#}", totals.summary())
    }

    /// Renders a one-line error about a file for standard error.
    pub fn file_error(&self, path: &str, reason: &dyn std::fmt::Display) -> String {
        error_line(self.color, &format!("{path}: {reason}"))
    }
}

/// `error: <message>`, with `error` coloured when `color` is set.
pub fn error_line(color: bool, message: &str) -> String {
    let style = if color { AnsiColor::BrightRed.on_default().effects(Effects::BOLD) } else { Style::new() };
    format!("{style}error{style:#}: {message}")
}

/// Lines longer than this many bytes are cut around the span before rendering, so that a huge
/// single-line file with many findings renders in linear time.
const MAX_EXCERPT_BYTES: usize = 1024;

/// Bytes of context kept on each side of the span when a line is cut.
const CONTEXT_BYTES: usize = 240;

/// The text shown for a finding: its whole lines, or a window around the span marked with `...`.
struct Excerpt<'t> {
    text: std::borrow::Cow<'t, str>,
    /// The span within `text`.
    span: std::ops::Range<usize>,
    /// Whether the lines were cut.
    cut: bool,
}

impl<'t> Excerpt<'t> {
    /// The excerpt of `text[from..to]` (whole lines) for the span `start..end`.
    fn new(text: &'t str, from: usize, to: usize, start: usize, end: usize) -> Self {
        let end = end.clamp(start, to.max(start));
        if to - from <= MAX_EXCERPT_BYTES {
            let lines = &text[from..to];
            let span = (start - from).min(lines.len())..(end - from).min(lines.len());
            return Excerpt { text: lines.into(), span, cut: false };
        }
        let lo = floor_char_boundary(text, start.saturating_sub(CONTEXT_BYTES).max(from));
        let hi = ceil_boundary(text, (end + CONTEXT_BYTES).min(to));
        let prefix = if lo > from { "..." } else { "" };
        let suffix = if hi < to { "..." } else { "" };
        let window = format!("{prefix}{}{suffix}", &text[lo..hi]);
        let span = (start - lo + prefix.len())..(end.min(hi) - lo + prefix.len());
        Excerpt { text: window.into(), span, cut: true }
    }
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// How a path is shown: standard input as `<stdin>`.
fn display_path(path: &str) -> &str {
    if path == crate::input::STDIN {
        "<stdin>"
    } else {
        path
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{decode, Position};
    use conduct_rules::{Category, Diagnostic, Lang};

    fn finding(source: &Source, needle: &str) -> Finding {
        let start = source.text.find(needle).unwrap();
        let end = start + needle.len();
        let mut index = LineIndex::new(source);
        Finding {
            diagnostic: Diagnostic {
                rule: "disrespect.test".into(),
                category: Category::Disrespect,
                kind: None,
                severity: Severity::Error,
                start,
                end,
                message: "不尊重客户".into(),
                norm: "尊重对方".into(),
                suggestions: vec!["请换一种说法".to_string()].into(),
                lang: Lang::Zh,
            },
            start: index.position(&source.text, start),
            end: index.position(&source.text, end),
            text: needle.to_string(),
        }
    }

    fn render(text: &str, needle: &str) -> String {
        let source = decode("mail.txt", text.as_bytes().to_vec()).unwrap();
        let f = finding(&source, needle);
        let mut out = Vec::new();
        HumanWriter::new(false).file(&mut out, &source, &[f]).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn underlines_cjk_and_emoji_by_display_width() {
        let out = render("第一行\n😀 你们这些傻逼 ok\n", "傻逼");
        let expected = "\
error[disrespect.test]: 不尊重客户
 --> mail.txt:2:7
  |
2 | 😀 你们这些傻逼 ok
  |            ^^^^
  |
  = norm: 尊重对方
  = suggestion: 请换一种说法
";
        assert_eq!(out, format!("{expected}\n"), "got:\n{out}");
        // Columns count characters: the emoji and the space are one each.
        assert!(out.contains(":2:7\n"));
    }

    #[test]
    fn bom_does_not_shift_the_underline() {
        let out = render("\u{feff}傻逼 hi", "傻逼");
        assert!(out.contains(" --> mail.txt:1:1\n"), "got:\n{out}");
        assert!(out.contains("1 | 傻逼 hi\n  | ^^^^\n"), "got:\n{out}");
    }

    #[test]
    fn long_lines_are_cut_around_the_span_with_the_true_column() {
        let text = format!("{}你们这些傻逼{}", "好".repeat(2000), "。".repeat(2000));
        let out = render(&text, "傻逼");
        assert!(out.contains(" --> mail.txt:1:2005\n"), "got:\n{out}");
        assert!(out.contains("..."), "got:\n{out}");
        assert!(out.contains("^^^^"), "got:\n{out}");
        assert!(out.len() < 2000, "got:\n{out}");
    }

    #[test]
    fn positions_are_the_findings() {
        let source = decode("m", "a\nbc".as_bytes().to_vec()).unwrap();
        let f = finding(&source, "c");
        assert_eq!((f.start, f.end), (Position { line: 2, column: 2 }, Position { line: 2, column: 3 }));
    }

    #[test]
    fn summary_is_coloured_only_when_asked() {
        let totals = Totals { files: 1, failed: 0, errors: 1, warnings: 0, infos: 0 };
        let mut plain = Vec::new();
        HumanWriter::new(false).summary(&mut plain, &totals).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), "1 file checked: 1 finding (1 error, 0 warnings, 0 info)\n");
        let mut coloured = Vec::new();
        HumanWriter::new(true).summary(&mut coloured, &totals).unwrap();
        assert!(String::from_utf8(coloured).unwrap().contains("\u{1b}["));
    }
}
