//! Reading the texts to check (files or standard input) and locating byte offsets in them.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The path that stands for standard input.
pub const STDIN: &str = "-";

/// The UTF-8 byte order mark.
const BOM: &str = "\u{feff}";

/// A text to check, read whole.
#[derive(Debug)]
pub struct Source {
    /// The path as given on the command line (`-` for standard input).
    pub path: String,
    /// The whole file, BOM included.
    pub text: String,
    /// Length of a leading UTF-8 BOM (3) or 0: the text is checked from there, offsets stay file offsets.
    pub bom_len: usize,
}

impl Source {
    /// The text after any BOM: what the checker sees.
    pub fn body(&self) -> &str {
        &self.text[self.bom_len..]
    }
}

/// Why a file could not be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// No such file.
    NotFound,
    /// The path is a directory.
    Directory,
    /// The bytes are not UTF-8.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// Its 1-based line.
        line: usize,
    },
    /// Any other I/O error.
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file or directory"),
            ReadError::Directory => f.write_str("is a directory"),
            ReadError::NotUtf8 { offset, line } => {
                write!(f, "not valid UTF-8 (invalid byte at offset {offset}, line {line})")
            }
            ReadError::Io(msg) => f.write_str(msg),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::IsADirectory => ReadError::Directory,
            io::ErrorKind::PermissionDenied => ReadError::Io("permission denied".to_string()),
            _ => ReadError::Io(e.to_string()),
        }
    }
}

/// Reads `path` (or standard input for `-`) whole and decodes it as UTF-8.
pub fn read(path: &str) -> Result<Source, ReadError> {
    let bytes = if path == STDIN {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes)?;
        bytes
    } else {
        let p = Path::new(path);
        if p.is_dir() {
            return Err(ReadError::Directory);
        }
        std::fs::read(p)?
    };
    decode(path, bytes)
}

/// Decodes `bytes` read from `path`.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<Source, ReadError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        ReadError::NotUtf8 { offset, line }
    })?;
    let bom_len = if text.starts_with(BOM) { BOM.len() } else { 0 };
    Ok(Source { path: path.to_string(), text, bom_len })
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (Unicode scalar values).
    pub column: usize,
}

/// Line starts of a text, for turning byte offsets into lines and columns.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offset where each line starts (line 1 starts after any BOM).
    starts: Vec<usize>,
    /// The last offset located and its position, so that nearby offsets on one long line are
    /// located without counting from the line start again.
    last: Option<(usize, Position)>,
}

impl LineIndex {
    /// Indexes `source`'s lines.
    pub fn new(source: &Source) -> Self {
        let mut starts = vec![source.bom_len];
        starts.extend(source.text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts, last: None }
    }

    /// The 0-based line index containing byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// Line and character column of byte `offset` of `text` (which must be the indexed text).
    pub fn position(&mut self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.starts[line].min(offset);
        let column = match self.last {
            Some((at, pos)) if pos.line == line + 1 && at >= start && at <= offset => {
                pos.column + text[at..offset].chars().count()
            }
            Some((at, pos)) if pos.line == line + 1 && at >= start && at > offset => {
                pos.column - text[offset..at].chars().count()
            }
            _ => text[start..offset].chars().count() + 1,
        };
        let pos = Position { line: line + 1, column };
        self.last = Some((offset, pos));
        pos
    }

    /// Byte range of the lines containing `start..end`, without the final line break.
    pub fn lines_around(&self, text: &str, start: usize, end: usize) -> (usize, usize) {
        let first = self.line_of(floor_char_boundary(text, start));
        let last = self.line_of(floor_char_boundary(text, end.saturating_sub(1).max(start)));
        let from = self.starts[first];
        let mut to = self.starts.get(last + 1).map_or(text.len(), |&s| s - 1);
        if text[from..to].ends_with('\r') {
            to -= 1;
        }
        (from, to.max(from))
    }
}

/// The largest char boundary of `text` at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        decode("t", text.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn positions_count_characters() {
        let s = source("ab\n你们这些😀傻逼\r\nx");
        let mut idx = LineIndex::new(&s);
        let at = s.text.find("傻").unwrap();
        assert_eq!(idx.position(&s.text, at), Position { line: 2, column: 6 });
        assert_eq!(idx.position(&s.text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(&s.text, s.text.len()), Position { line: 3, column: 2 });
        // Cached forward and backward on one line.
        assert_eq!(idx.position(&s.text, at), Position { line: 2, column: 6 });
        assert_eq!(idx.position(&s.text, at + 6), Position { line: 2, column: 8 });
        assert_eq!(idx.position(&s.text, 3), Position { line: 2, column: 1 });
        assert_eq!(idx.position(&s.text, at + 3), Position { line: 2, column: 7 });
        let (from, to) = idx.lines_around(&s.text, at, at + 6);
        assert_eq!(&s.text[from..to], "你们这些😀傻逼");
    }

    #[test]
    fn bom_is_kept_in_offsets_but_not_in_columns() {
        let s = source("\u{feff}傻逼");
        assert_eq!(s.bom_len, 3);
        assert_eq!(s.body(), "傻逼");
        let mut idx = LineIndex::new(&s);
        assert_eq!(idx.position(&s.text, 3), Position { line: 1, column: 1 });
        assert_eq!(idx.position(&s.text, 6), Position { line: 1, column: 2 });
        assert_eq!(idx.lines_around(&s.text, 3, 9), (3, 9));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode("t", b"ok\nbad \xe9 here".to_vec()).unwrap_err();
        assert_eq!(err, ReadError::NotUtf8 { offset: 7, line: 2 });
        assert_eq!(err.to_string(), "not valid UTF-8 (invalid byte at offset 7, line 2)");
    }

    #[test]
    fn spans_at_a_line_end_stay_on_their_line() {
        let s = source("abc\ndef\n");
        let idx = LineIndex::new(&s);
        assert_eq!(idx.lines_around(&s.text, 1, 3), (0, 3));
        assert_eq!(idx.lines_around(&s.text, 4, 7), (4, 7));
        assert_eq!(idx.lines_around(&s.text, 1, 6), (0, 7));
    }
}
