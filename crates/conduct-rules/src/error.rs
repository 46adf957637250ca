//! Typed, located errors for rule packs and policies.

use std::fmt;

/// What went wrong while loading a rule pack or a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file is not valid TOML / JSON.
    Syntax,
    /// A key is unknown, missing, or has the wrong type.
    Schema,
    /// A value is well-typed but not acceptable (an empty term, a bad rule id, too few examples …).
    InvalidValue,
    /// A regular expression does not compile.
    InvalidRegex,
    /// A regular expression exceeds the compiled size limit.
    RegexTooLarge,
    /// Two rules share an id (also when a policy rule shadows a built-in one).
    DuplicateRuleId,
    /// A policy refers to a rule id that does not exist.
    UnknownRule,
    /// A policy or pack exceeds a size limit (number of terms, term length, file size).
    TooLarge,
    /// The text is in a format this build does not read: TOML when the crate is built without its
    /// `toml` feature (as the wasm package is), which reads JSON only.
    UnsupportedFormat,
}

/// An error in a rule pack or policy, located by file, line, column and key.
///
/// `Display` renders it as one line: `policy.toml:3:12: key `rules.x.severity`: unknown variant …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    file: String,
    line: usize,
    column: usize,
    key: Option<String>,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, file: &str, message: impl Into<String>) -> Self {
        Error { kind, file: file.to_string(), line: 0, column: 0, key: None, message: message.into() }
    }

    pub(crate) fn with_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        if !key.is_empty() && key != "." {
            self.key = Some(key);
        }
        self
    }

    /// Sets line/column from a byte offset into `source`.
    pub(crate) fn at_offset(mut self, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        self.line = line;
        self.column = column;
        self
    }

    /// Locates the error at the first occurrence of `needle` in `source` (how a value
    /// is written in TOML or JSON), or leaves the location unknown.
    pub(crate) fn near(self, source: &str, needle: &str) -> Self {
        if needle.is_empty() {
            return self;
        }
        match source.find(needle).or_else(|| source.find(&json_escaped(needle))) {
            Some(offset) => self.at_offset(source, offset),
            None => self,
        }
    }

    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
    /// The file (or source name) the error is in.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// 1-based line, or 0 when unknown.
    pub fn line(&self) -> usize {
        self.line
    }
    /// 1-based column in characters, or 0 when unknown.
    pub fn column(&self) -> usize {
        self.column
    }
    /// The key path, e.g. `rule[2].requires[0]`, when known.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
    /// The bare message, without location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// `s` as written inside a JSON string (quotes, backslashes and control characters escaped).
fn json_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// 1-based line and character column of a byte offset (clamped to the text).
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_location_and_key() {
        let src = "a = 1\nb = 'x'\n";
        let e = Error::new(ErrorKind::Schema, "p.toml", "bad").with_key("b").near(src, "'x'");
        assert_eq!(e.to_string(), "p.toml:2:5: key `b`: bad");
        assert_eq!((e.line(), e.column()), (2, 5));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_column("傻瓜\n相机x", "傻瓜\n相机".len()), (2, 3));
        assert_eq!(line_column("abc", 99), (1, 4));
    }
}
