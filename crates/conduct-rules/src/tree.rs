//! Packs and policies as a tree of values that remember where they were written, read from JSON
//! (a small parser of our own) or TOML (the `toml` crate's spanned parser), and the typed,
//! located reading of that tree that `model.rs` builds its structs with.
//!
//! This replaced serde's derived deserialisers and serde_json, which took 61 KB of the wasm module
//! (26 KB gzipped): every derived visitor instantiated for the JSON deserializer, and float
//! parsing and formatting for its error messages. Errors keep serde's wording and carry the byte
//! offset of the offending key or value and its key path (`rules.x.severity`, `rule[2].terms[0]`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind};

/// A value and the byte offset where it starts in the source.
pub(crate) struct Node<'s> {
    pub at: usize,
    pub value: Value<'s>,
}

pub(crate) enum Value<'s> {
    Null,
    Bool(bool),
    Integer(i64),
    /// A value of another kind (a fractional or out-of-range number, a TOML date), as serde
    /// names the kind, and as written.
    Other(&'static str, Cow<'s, str>),
    String(Cow<'s, str>),
    Array(Vec<Node<'s>>),
    /// Keys with their offsets, in source order.
    Object(Vec<(Cow<'s, str>, usize, Node<'s>)>),
}

/// Deepest nesting of arrays and objects the JSON parser accepts (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// A text that does not parse: what is wrong, the byte offset it is at, and the key path of the
/// value being read there (JSON; empty for TOML).
pub(crate) struct ParseError {
    pub kind: ErrorKind,
    pub message: String,
    pub at: usize,
    pub path: String,
}

impl ParseError {
    /// The error as seen from the enclosing object's key or array's `[index]`.
    fn within(mut self, outer: &str) -> Self {
        let dot = if self.path.is_empty() || self.path.starts_with('[') { "" } else { "." };
        self.path = format!("{outer}{dot}{}", self.path);
        self
    }
}

/// Parses JSON text into a tree.
pub(crate) fn parse_json(source: &str) -> Result<Node<'_>, ParseError> {
    let mut p = JsonParser { s: source, b: source.as_bytes(), i: 0, depth: 0 };
    let node = p.value()?;
    p.skip_ws();
    if p.i < p.b.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(node)
}

struct JsonParser<'s> {
    s: &'s str,
    b: &'s [u8],
    i: usize,
    depth: usize,
}

impl<'s> JsonParser<'s> {
    fn err(&self, msg: &str) -> ParseError {
        ParseError { kind: ErrorKind::Syntax, message: msg.to_string(), at: self.i, path: String::new() }
    }

    fn skip_ws(&mut self) {
        while self.b.get(self.i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// The next non-blank byte (not consumed), or an EOF error naming what was being parsed.
    fn peek(&mut self, parsing: &str) -> Result<u8, ParseError> {
        self.skip_ws();
        self.b.get(self.i).copied().ok_or_else(|| self.err(&format!("EOF while parsing {parsing}")))
    }

    fn value(&mut self) -> Result<Node<'s>, ParseError> {
        let c = self.peek("a value")?;
        let at = self.i;
        let value = match c {
            b'{' | b'[' => {
                if self.depth == MAX_DEPTH {
                    return Err(self.err("recursion limit exceeded"));
                }
                self.depth += 1;
                let v = if c == b'{' { self.object()? } else { self.array()? };
                self.depth -= 1;
                v
            }
            b'"' => Value::String(self.string()?),
            b'-' | b'0'..=b'9' => self.number()?,
            _ => {
                for (word, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
                    if self.s[self.i..].starts_with(word) {
                        self.i += word.len();
                        return Ok(Node { at, value: v });
                    }
                }
                return Err(self.err("expected value"));
            }
        };
        Ok(Node { at, value })
    }

    /// After `[` or `{`: the next item, or `None` at the closing `close`; `,` between items.
    fn next_item(&mut self, first: bool, close: u8, parsing: &str) -> Result<bool, ParseError> {
        let c = self.peek(parsing)?;
        if c == close {
            if !first && self.b[self.i - 1] == b',' {
                return Err(self.err("trailing comma"));
            }
            self.i += 1;
            return Ok(false);
        }
        if !first {
            if c != b',' {
                return Err(self.err(&format!("expected `,` or `{}`", close as char)));
            }
            self.i += 1;
            if self.peek(parsing)? == close {
                return Err(self.err("trailing comma"));
            }
        }
        Ok(true)
    }

    fn array(&mut self) -> Result<Value<'s>, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        while self.next_item(items.is_empty(), b']', "a list")? {
            let i = items.len();
            items.push(self.value().map_err(|e| e.within(&format!("[{i}]")))?);
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> Result<Value<'s>, ParseError> {
        self.i += 1;
        let mut entries = Vec::new();
        while self.next_item(entries.is_empty(), b'}', "an object")? {
            if self.peek("an object")? != b'"' {
                return Err(self.err("key must be a string"));
            }
            let at = self.i;
            let key = self.string()?;
            if self.peek("an object")? != b':' {
                return Err(self.err("expected `:`"));
            }
            self.i += 1;
            let value = self.value().map_err(|e| e.within(&key))?;
            entries.push((key, at, value));
        }
        Ok(Value::Object(entries))
    }

    fn number(&mut self) -> Result<Value<'s>, ParseError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > from
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        let int_start = self.i;
        if !digits(self) || (self.b[int_start] == b'0' && self.i > int_start + 1) {
            return Err(ParseError { at: start, ..self.err("invalid number") });
        }
        let mut integer = true;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            integer = false;
            if !digits(self) {
                return Err(ParseError { at: start, ..self.err("invalid number") });
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            integer = false;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(ParseError { at: start, ..self.err("invalid number") });
            }
        }
        let text = &self.s[start..self.i];
        Ok(match text.parse::<i64>() {
            Ok(n) if integer => Value::Integer(n),
            _ => Value::Other("floating point", Cow::Borrowed(text)),
        })
    }

    /// A string at `"`: borrowed from the source unless it has escapes.
    fn string(&mut self) -> Result<Cow<'s, str>, ParseError> {
        self.i += 1;
        let mut start = self.i;
        let mut owned: Option<String> = None;
        loop {
            // To the next quote, backslash or control character in one tight scan.
            let rest = &self.b[self.i..];
            let Some(n) = rest.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20) else {
                self.i = self.b.len();
                return Err(self.err("EOF while parsing a string"));
            };
            self.i += n;
            match self.b[self.i] {
                b'"' => {
                    let tail = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(s) => Cow::Owned(s + tail),
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.s[start..self.i]);
                    self.i += 1;
                    s.push(self.escape()?);
                    start = self.i;
                }
                _ => return Err(self.err("control character (\\u0000-\\u001F) found while parsing a string")),
            }
        }
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Result<char, ParseError> {
        let Some(&c) = self.b.get(self.i) else { return Err(self.err("EOF while parsing a string")) };
        self.i += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if !self.s[self.i..].starts_with("\\u") {
                        return Err(self.err("lone leading surrogate in hex escape"));
                    }
                    self.i += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.err("lone leading surrogate in hex escape"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                return char::from_u32(code).ok_or_else(|| self.err("invalid unicode code point"));
            }
            _ => {
                self.i -= 1;
                return Err(self.err("invalid escape"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.s.get(self.i..self.i + 4).filter(|d| d.bytes().all(|c| c.is_ascii_hexdigit()));
        let code = digits.and_then(|d| u32::from_str_radix(d, 16).ok()).ok_or_else(|| self.err("invalid escape"))?;
        self.i += 4;
        Ok(code)
    }
}

/// Parses TOML text into a tree (with the `toml` crate's spans).
#[cfg(feature = "toml")]
pub(crate) fn parse_toml(source: &str) -> Result<Node<'_>, ParseError> {
    use toml::de::{DeTable, DeValue};
    fn node<'s>(value: toml::Spanned<DeValue<'s>>) -> Node<'s> {
        let at = value.span().start;
        let value = match value.into_inner() {
            DeValue::String(s) => Value::String(s),
            DeValue::Integer(n) => {
                let digits = n.as_str().replace('_', "");
                let (sign, digits) = match digits.strip_prefix('-') {
                    Some(rest) => (-1, rest.to_string()),
                    None => (1, digits.trim_start_matches('+').to_string()),
                };
                // After the `0x` / `0o` / `0b` prefix (the parser may hand over a prefix without digits).
                let digits = if n.radix() == 10 { &digits[..] } else { digits.get(2..).unwrap_or_default() };
                match i64::from_str_radix(digits, n.radix()) {
                    Ok(v) => Value::Integer(sign * v),
                    Err(_) => Value::Other("integer", Cow::Owned(n.as_str().to_string())),
                }
            }
            DeValue::Float(f) => Value::Other("floating point", Cow::Owned(f.as_str().to_string())),
            DeValue::Boolean(b) => Value::Bool(b),
            DeValue::Datetime(d) => Value::Other("datetime", Cow::Owned(d.to_string())),
            DeValue::Array(items) => Value::Array(items.into_iter().map(node).collect()),
            DeValue::Table(t) => table(t),
        };
        Node { at, value }
    }
    fn table(t: DeTable<'_>) -> Value<'_> {
        Value::Object(
            t.into_iter()
                .map(|(k, v)| {
                    let at = k.span().start;
                    (k.into_inner(), at, node(v))
                })
                .collect(),
        )
    }
    let doc = DeTable::parse(source).map_err(|e| ParseError {
        kind: ErrorKind::Syntax,
        message: e.message().trim().to_string(),
        at: e.span().map_or(0, |s| s.start),
        path: String::new(),
    })?;
    let at = doc.span().start;
    Ok(Node { at, value: table(doc.into_inner()) })
}

/// Without the `toml` feature TOML is not read: an [`ErrorKind::UnsupportedFormat`] error.
#[cfg(not(feature = "toml"))]
pub(crate) fn parse_toml(source: &str) -> Result<Node<'_>, ParseError> {
    Err(ParseError {
        kind: ErrorKind::UnsupportedFormat,
        message: "this build reads JSON only (a JSON object starting with `{`); TOML needs the `toml` feature".into(),
        at: source.len() - source.trim_start().len(),
        path: String::new(),
    })
}

/// Reads typed values out of a tree, with errors located in `source` (named `file`).
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub file: &'a str,
    pub source: &'a str,
    /// Where a pack's header sets `list_separator`: the character that joins the items of a list
    /// read with [`Fields::list_req`] or [`Fields::list_or_default`] when it is written as one string.
    pub separator: Option<char>,
}

/// Where a value is: a chain up to the root, rendered (`rule[2].terms[0]`) only for an error, so
/// reading costs no string per value.
#[derive(Clone, Copy)]
pub(crate) enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    pub(crate) fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(Path::Root, key) => key.to_string(),
            Path::Key(parent, key) => format!("{}.{key}", parent.render()),
            Path::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// How serde names an unexpected value in its messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Integer(n) => format!("integer `{n}`"),
        Value::Other(what, text) => format!("{what} `{text}`"),
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// `` `a`, `b` `` (serde's list of what was expected).
fn one_of(names: &[&str]) -> String {
    match names {
        [one] => format!("`{one}`"),
        _ => format!("one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn error(&self, at: usize, path: &Path, message: String) -> Error {
        Error::new(ErrorKind::Schema, self.file, message).with_key(path.render()).at_offset(self.source, at)
    }

    pub(crate) fn invalid_type(&self, node: &Node, path: &Path, expected: &str) -> Error {
        self.error(node.at, path, format!("invalid type: {}, expected {expected}", describe(&node.value)))
    }

    /// The index of the string in `variants` (an enum written in lower case).
    pub(crate) fn variant(&self, node: &Node, path: &Path, variants: &[&str]) -> Result<usize, Error> {
        let Value::String(s) = &node.value else { return Err(self.invalid_type(node, path, "a string")) };
        variants
            .iter()
            .position(|v| v == s)
            .ok_or_else(|| self.error(node.at, path, format!("unknown variant `{s}`, expected {}", one_of(variants))))
    }

    /// The fields of the struct `name` at `node`: each of `names` or none, no other key, none twice.
    pub(crate) fn fields<'r, 'v, 's, 'p>(
        &'r self,
        node: &'v Node<'s>,
        path: &'p Path<'p>,
        name: &str,
        names: &'static [&'static str],
    ) -> Result<Fields<'r, 'a, 'v, 's, 'p>, Error> {
        let Value::Object(entries) = &node.value else {
            return Err(self.invalid_type(node, path, &format!("struct {name}")));
        };
        let mut found: Vec<Option<&'v Node<'s>>> = vec![None; names.len()];
        for (key, at, value) in entries {
            let Some(i) = names.iter().position(|n| n == key) else {
                let message = format!("unknown field `{key}`, expected {}", one_of(names));
                return Err(self.error(*at, &Path::Key(path, key), message));
            };
            if found[i].replace(value).is_some() {
                return Err(self.error(*at, &Path::Key(path, key), format!("duplicate field `{key}`")));
            }
        }
        Ok(Fields { reader: self, at: node.at, path, names, found })
    }
}

/// The fields of one struct, from [`Reader::fields`].
pub(crate) struct Fields<'r, 'a, 'v, 's, 'p> {
    reader: &'r Reader<'a>,
    at: usize,
    path: &'p Path<'p>,
    names: &'static [&'static str],
    found: Vec<Option<&'v Node<'s>>>,
}

impl<'v, 's> Fields<'_, '_, 'v, 's, '_> {
    fn get(&self, name: &str) -> Option<&'v Node<'s>> {
        let i = self.names.iter().position(|n| *n == name);
        i.and_then(|i| self.found[i])
    }

    /// Field `name`, `None` when absent or null.
    pub(crate) fn opt<T: FromTree>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.get(name) {
            None | Some(Node { value: Value::Null, .. }) => Ok(None),
            Some(node) => T::read(self.reader, node, &Path::Key(self.path, name)).map(Some),
        }
    }

    /// Field `name`, `default` when absent or null.
    pub(crate) fn or<T: FromTree>(&self, name: &str, default: T) -> Result<T, Error> {
        Ok(self.opt(name)?.unwrap_or(default))
    }

    /// Field `name`, its default when absent.
    pub(crate) fn or_default<T: FromTree + Default>(&self, name: &str) -> Result<T, Error> {
        match self.get(name) {
            None => Ok(T::default()),
            Some(node) => T::read(self.reader, node, &Path::Key(self.path, name)),
        }
    }

    /// List field `name`, which must be present: an array of strings, or (where the pack sets
    /// `list_separator`) one string of items joined by that separator.
    pub(crate) fn list_req(&self, name: &str) -> Result<Vec<String>, Error> {
        match self.get(name) {
            None => self.req(name),
            Some(node) => self.list(node, name),
        }
    }

    /// List field `name`, empty when absent; written as for [`Fields::list_req`].
    pub(crate) fn list_or_default(&self, name: &str) -> Result<Vec<String>, Error> {
        self.get(name).map_or(Ok(Vec::new()), |node| self.list(node, name))
    }

    fn list(&self, node: &Node, name: &str) -> Result<Vec<String>, Error> {
        match (&node.value, self.reader.separator) {
            (Value::String(s), Some(_)) if s.is_empty() => Ok(Vec::new()),
            (Value::String(s), Some(sep)) => Ok(s.split(sep).map(str::to_string).collect()),
            _ => Vec::read(self.reader, node, &Path::Key(self.path, name)),
        }
    }

    /// Field `name`, which must be present.
    pub(crate) fn req<T: FromTree>(&self, name: &str) -> Result<T, Error> {
        match self.get(name) {
            None => Err(self.reader.error(self.at, self.path, format!("missing field `{name}`"))),
            Some(node) => T::read(self.reader, node, &Path::Key(self.path, name)),
        }
    }
}

/// A type read from a tree: `path` is the key path of `node`, for errors.
pub(crate) trait FromTree: Sized {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error>;
}

impl FromTree for String {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        match &node.value {
            Value::String(s) => Ok(s.to_string()),
            _ => Err(r.invalid_type(node, path, "a string")),
        }
    }
}

/// One character, written as a string of one character.
impl FromTree for char {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        let Value::String(s) = &node.value else { return Err(r.invalid_type(node, path, "a string")) };
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => {
                Err(r.error(node.at, path, format!("invalid value: {}, expected one character", describe(&node.value))))
            }
        }
    }
}

impl FromTree for bool {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(r.invalid_type(node, path, "a boolean")),
        }
    }
}

impl FromTree for u32 {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        match node.value {
            Value::Integer(n) => u32::try_from(n)
                .map_err(|_| r.error(node.at, path, format!("invalid value: integer `{n}`, expected u32"))),
            _ => Err(r.invalid_type(node, path, "u32")),
        }
    }
}

impl<T: FromTree> FromTree for Vec<T> {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        let Value::Array(items) = &node.value else { return Err(r.invalid_type(node, path, "a sequence")) };
        let mut out = Vec::with_capacity(items.len());
        for (i, n) in items.iter().enumerate() {
            out.push(T::read(r, n, &Path::Index(path, i))?);
        }
        Ok(out)
    }
}

/// A map; a key given twice keeps its last value.
impl<T: FromTree> FromTree for BTreeMap<String, T> {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        let Value::Object(entries) = &node.value else { return Err(r.invalid_type(node, path, "a map")) };
        let mut map = BTreeMap::new();
        for (key, _, value) in entries {
            map.insert(key.to_string(), T::read(r, value, &Path::Key(path, key))?);
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value as Json;

    /// The tree as serde_json would have read it (a repeated key: the last one wins, as there).
    fn to_json(node: &Node) -> Json {
        match &node.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Integer(n) => Json::from(*n),
            Value::Other(_, text) => serde_json::from_str(text).unwrap_or(Json::Null),
            Value::String(s) => Json::String(s.to_string()),
            Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
            Value::Object(entries) => {
                Json::Object(entries.iter().map(|(k, _, v)| (k.to_string(), to_json(v))).collect())
            }
        }
    }

    fn json_value() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            (-1e6f64..1e6).prop_map(Json::from),
            any::<String>().prop_map(Json::String),
            "[a-z\"\\\\/\u{0}-\u{1f}é上😀]{0,8}".prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                prop::collection::vec(("[a-z_上]{0,6}", inner), 0..6)
                    .prop_map(|kv| Json::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn reads_what_serde_json_writes(v in json_value(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
            let text = text.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let node = parse_json(&text).map_err(|e| TestCaseError::fail(format!("{} at {}: {text}", e.message, e.at)))?;
            // Compared with serde_json's reading of the same text (a float's digits read back
            // need not give the same f64 as was written).
            let theirs: Json = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(to_json(&node), theirs);
        }

        /// On any text (and on broken JSON: cut short, a byte changed), both accept or both
        /// reject, and accepted texts read the same.
        #[test]
        fn accepts_and_rejects_what_serde_json_does(
            v in json_value(),
            cut in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            byte in prop::sample::select(vec![b'"', b'\\', b',', b':', b'{', b'}', b'[', b']', b'0', b'-', b'.', b'e', b' ', b'u', b'\n', 0x01]),
            how in 0..3u8,
        ) {
            let json = serde_json::to_string(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut bytes = json.into_bytes();
            match how {
                0 => bytes.truncate(cut.index(bytes.len() + 1)),
                1 if !bytes.is_empty() => { let i = at.index(bytes.len()); bytes[i] = byte; }
                _ => { let i = at.index(bytes.len() + 1); bytes.insert(i, byte); }
            }
            let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
            let ours = parse_json(&text).map(|n| to_json(&n));
            let theirs = serde_json::from_str::<Json>(&text);
            match (ours, theirs) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{}", text),
                (Err(_), Err(_)) => {}
                // A number too large for an f64 is kept as written (no float parsing in the wasm):
                // no field of a pack or policy takes a fractional number, so reading it fails there.
                (Ok(_), Err(e)) if e.to_string().starts_with("number out of range") => {}
                (Ok(_), Err(e)) => prop_assert!(false, "we accept what serde_json rejects ({e}): {text:?}"),
                (Err(e), Ok(_)) => prop_assert!(false, "we reject ({}) what serde_json accepts: {text:?}", e.message),
            }
        }
    }

    #[test]
    fn rejects_what_json_does_not_allow() {
        for bad in [
            "",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "\"\\x\"",
            "\"a",
            "tru",
            "nul",
            "[\"\\ud800\"]",
            "\"\u{1}\"",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?}");
            assert!(serde_json::from_str::<Json>(bad).is_err(), "serde_json accepts {bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse_json(&deep).is_err());
    }
}
