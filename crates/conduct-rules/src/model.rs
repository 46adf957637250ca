//! The data model of rule packs and policies, as written in TOML or JSON (see `docs/pack-format.md`
//! and `docs/policy.md`), and their located parsing (JSON only without the `toml` feature).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};

/// One of the three things the norms forbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Insults, profanity, condescension, mocking, belittling competitors.
    Disrespect,
    /// Unapproved promises of dates, outcomes, give-aways, liability, skipping approval.
    Commitment,
    /// Prices, salaries, defects, internal problems.
    Disclosure,
}

impl Category {
    /// All categories, in display order.
    pub const ALL: [Category; 3] = [Category::Disrespect, Category::Commitment, Category::Disclosure];

    /// The lower-case name used in files and output (`"disrespect"` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Disrespect => "disrespect",
            Category::Commitment => "commitment",
            Category::Disclosure => "disclosure",
        }
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look.
    Info,
    /// Should be rewritten before sending.
    Warning,
    /// Must not be sent.
    Error,
}

impl Severity {
    /// The lower-case name used in files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text in Chinese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual<T> {
    /// Chinese.
    pub zh: T,
    /// English.
    pub en: T,
}

/// A rule pack file: a header and its rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The pack's header.
    pub pack: PackHeader,
    /// The rules, in file order.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// The `[pack]` table of a pack file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// Unique pack name.
    pub name: String,
    /// The pack's version.
    #[serde(default)]
    pub version: Option<String>,
    /// What the pack covers.
    #[serde(default)]
    pub description: Option<String>,
}

/// One rule as written in a pack (`[[rule]]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, `<category>.<name>`.
    pub id: String,
    /// The category it belongs to.
    pub category: Category,
    /// Optional sub-kind (disclosure: price / salary / defect / internal).
    #[serde(default)]
    pub kind: Option<String>,
    /// Default severity.
    pub severity: Severity,
    /// One-line English summary for rule lists.
    #[serde(default)]
    pub summary: Option<String>,
    /// The message shown on a finding.
    pub message: Bilingual<String>,
    /// The norm it enforces, quoted from the training deck.
    pub norm: String,
    /// Replacement texts for the flagged span.
    #[serde(default)]
    pub suggestions: Option<Bilingual<Vec<String>>>,
    /// Trigger terms (obfuscation-robust literal matching).
    pub terms: Vec<String>,
    /// Also match leetspeak, homophone and repeated-letter disguises.
    #[serde(default)]
    pub fuzzy: bool,
    /// Regexes that must all match in the trigger's sentence.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Regexes that drop the hit when found in its clause before the trigger.
    #[serde(default)]
    pub unless_before: Vec<String>,
    /// Regexes that drop the hit when found anywhere in its sentence.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Literal phrases: a trigger overlapping one is dropped.
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// What the reported span (and so an applied suggestion) covers.
    #[serde(default)]
    pub span: SpanScope,
    /// Texts that must produce a finding of this rule.
    #[serde(default)]
    pub flag: Vec<String>,
    /// Texts that must produce no finding at all.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// What a finding's span covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanScope {
    /// The trigger, extended over the `requires` matches.
    #[default]
    Trigger,
    /// The whole clause around the trigger (for suggestions that rewrite the clause).
    Clause,
    /// The whole sentence around the trigger.
    Sentence,
}

/// The homophone table and the contrast conjunctions (`packs/folds.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FoldsFile {
    #[serde(default)]
    pub contrasts: Vec<String>,
    #[serde(default)]
    pub homophones: BTreeMap<String, String>,
}

/// An organisation policy (see `docs/policy.md`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Format version; must be 1.
    pub version: u32,
    /// Per-category switches.
    #[serde(default)]
    pub categories: Categories,
    /// Per-rule switches, by rule id.
    #[serde(default)]
    pub rules: BTreeMap<String, Switch>,
    /// Extra terms for existing rules.
    #[serde(default)]
    pub terms: Vec<ExtraTerms>,
    /// Allow-phrases: no finding may overlap one.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Approved commitments: commitment findings in a sentence containing one are dropped.
    #[serde(default)]
    pub approved_commitments: Vec<String>,
    /// Whole extra rules, in pack format.
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
    /// Pre-send guard settings (used by the extension).
    #[serde(default)]
    pub guard: Option<Guard>,
    /// Site lists (used by the extension).
    #[serde(default)]
    pub sites: Option<Sites>,
    /// Settings users may not change in the extension.
    #[serde(default)]
    pub locked: Vec<String>,
}

/// `[categories]`: a switch per category.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Categories {
    /// Disrespect.
    #[serde(default)]
    pub disrespect: Option<Switch>,
    /// Unapproved commitments.
    #[serde(default)]
    pub commitment: Option<Switch>,
    /// Disclosure.
    #[serde(default)]
    pub disclosure: Option<Switch>,
}

impl Categories {
    /// The switch for `category`, if set.
    pub fn get(&self, category: Category) -> Option<&Switch> {
        match category {
            Category::Disrespect => self.disrespect.as_ref(),
            Category::Commitment => self.commitment.as_ref(),
            Category::Disclosure => self.disclosure.as_ref(),
        }
    }
}

/// On/off and severity override for a category or rule.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// `false` turns it off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Replaces the default severity.
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// `[[terms]]`: extra terms for an existing rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraTerms {
    /// The rule id.
    pub rule: String,
    /// Terms to add.
    pub add: Vec<String>,
}

/// What the pre-send guard does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GuardMode {
    /// Review or send anyway.
    Warn,
    /// Send anyway only with a typed reason.
    Justify,
    /// Review only.
    Block,
}

/// `[guard]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Guard {
    /// The mode.
    pub mode: GuardMode,
    /// Findings at or above this severity trigger the guard.
    #[serde(default = "default_threshold")]
    pub threshold: Severity,
}

fn default_threshold() -> Severity {
    Severity::Warning
}

/// `[sites]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sites {
    /// When non-empty, only these hosts are checked.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Hosts never checked.
    #[serde(default)]
    pub deny: Vec<String>,
}

/// Largest pack or policy text accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Parses TOML or JSON (JSON when the first non-blank character is `{`) into `T`,
/// with errors located by line, column and key path.
///
/// Without the `toml` feature only JSON is read; other text is an
/// [`ErrorKind::UnsupportedFormat`] error.
pub(crate) fn parse_located<T: serde::de::DeserializeOwned>(source: &str, file: &str) -> Result<T, Error> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            file,
            format!("file is {} bytes; the limit is {MAX_SOURCE_BYTES}", source.len()),
        ));
    }
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source.trim_start().starts_with('{') {
        parse_json(source, file)
    } else {
        parse_toml(source, file)
    }
}

/// JSON, located by serde_json's line and column; the key path is read from the text before
/// that position ([`json_path_at`]), which costs far less code than tracking it while
/// deserialising.
fn parse_json<T: serde::de::DeserializeOwned>(source: &str, file: &str) -> Result<T, Error> {
    let located = |e: serde_json::Error, kind: ErrorKind| {
        let mut err = Error::new(kind, file, strip_json_location(&e.to_string()));
        if e.line() > 0 {
            let offset = offset_of_line_column(source, e.line(), e.column());
            err = err.with_key(json_path_at(source, offset)).at_offset(source, offset);
        }
        err
    };
    let mut de = serde_json::Deserializer::from_str(source);
    let value = T::deserialize(&mut de).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() { ErrorKind::Syntax } else { ErrorKind::Schema };
        located(e, kind)
    })?;
    de.end().map_err(|e| located(e, ErrorKind::Syntax))?;
    Ok(value)
}

#[cfg(feature = "toml")]
fn parse_toml<T: serde::de::DeserializeOwned>(source: &str, file: &str) -> Result<T, Error> {
    let de = toml::Deserializer::parse(source).map_err(|e| toml_error(source, file, e, String::new()))?;
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    result.map_err(|e| {
        let key = e.path().to_string();
        toml_error(source, file, e.into_inner(), key)
    })
}

#[cfg(not(feature = "toml"))]
fn parse_toml<T>(source: &str, file: &str) -> Result<T, Error> {
    let offset = source.len() - source.trim_start().len();
    Err(Error::new(
        ErrorKind::UnsupportedFormat,
        file,
        "this build reads JSON only (a JSON object starting with `{`); TOML needs the `toml` feature",
    )
    .at_offset(source, offset))
}

#[cfg(feature = "toml")]
fn toml_error(source: &str, file: &str, e: toml::de::Error, key: String) -> Error {
    // Without a key path the parser itself failed; with one, a value had the wrong shape.
    let kind = if key.is_empty() { ErrorKind::Syntax } else { ErrorKind::Schema };
    let mut err = Error::new(kind, file, e.message().trim().to_string()).with_key(key);
    if let Some(span) = e.span() {
        err = err.at_offset(source, span.start);
    }
    err
}

/// The key path (`rules.x.severity`, `rule[2].terms[0]`) of the JSON value being read when the
/// character at byte `offset` was (serde_json's error position): a scan of the text up to it that
/// tracks the open objects (with their current key) and arrays (with their current index). Empty
/// at the top level.
fn json_path_at(source: &str, offset: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let bytes = source.as_bytes();
    let end = offset.saturating_add(1).min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = source.get(start..i.min(bytes.len())).unwrap_or("");
                        *key = Some(serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string()));
                    }
                }
                expect_key = false;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

/// serde_json appends " at line L column C"; the location is reported separately.
fn strip_json_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Byte offset of a 1-based line and 1-based character column (serde_json's convention).
fn offset_of_line_column(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.saturating_sub(1);
            return offset + l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    source.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "toml")]
    #[test]
    fn toml_unknown_key_is_located() {
        let src = "version = 1\n[rules.\"a.b\"]\nenabeld = true\n";
        let err = parse_located::<Policy>(src, "p.toml").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Schema);
        assert_eq!(err.line(), 3, "{err}");
        assert!(err.to_string().contains("enabeld"), "{err}");
    }

    #[test]
    fn json_wrong_type_is_located() {
        let src = "{\n  \"version\": 1,\n  \"allow\": 5\n}";
        let err = parse_located::<Policy>(src, "p.json").unwrap_err();
        assert_eq!(err.key(), Some("allow"));
        assert_eq!(err.line(), 3, "{err}");
    }

    #[test]
    fn json_key_paths_follow_objects_and_arrays() {
        let src = r#"{"version": 1, "rules": {"a.b": {"severity": "fatal"}}}"#;
        let err = parse_located::<Policy>(src, "p.json").unwrap_err();
        assert_eq!(err.key(), Some("rules.a.b.severity"), "{err}");
        let src = r#"{"version": 1, "terms": [{"rule": "x,{[\"", "add": []}, {"rule": "y", "add": ["b", 7]}]}"#;
        let err = parse_located::<Policy>(src, "p.json").unwrap_err();
        assert_eq!(err.key(), Some("terms[1].add[1]"), "{err}");
        assert_eq!(err.kind(), &ErrorKind::Schema);
        let err = parse_located::<Policy>("{\"version\": 1,\n \"allow\": [\"x\"", "p.json").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Syntax);
        assert_eq!(err.line(), 2, "{err}");
        let err = parse_located::<Policy>("{\"version\": 1} x", "p.json").unwrap_err();
        assert_eq!((err.kind(), err.line()), (&ErrorKind::Syntax, 1), "{err}");
    }

    /// The key path read back from the text matches what serde_path_to_error tracks while
    /// deserialising, for every kind of schema error in every place of a policy.
    #[cfg(feature = "toml")]
    #[test]
    fn json_key_paths_match_serde_path_to_error() {
        let cases = [
            r#"{"version": "1"}"#,
            r#"{"version": 1, "allow": 5}"#,
            r#"{"version": 1, "allow": ["a", 5]}"#,
            r#"{"version": 1, "categories": {"disclosure": {"enabled": "no"}}}"#,
            r#"{"version": 1, "categories": {"disclosure": {"enabeld": true}}}"#,
            r#"{"version": 1, "rules": {"a.b": {"severity": "fatal"}}}"#,
            r#"{"version": 1, "rules": {"a.b": {"enabled": true}, "c.d": {"severity": 3}}}"#,
            r#"{"version": 1, "terms": [{"rule": "x", "add": ["a"]}, {"rule": "y"}]}"#,
            r#"{"version": 1, "terms": [{"rule": "x", "add": ["a", {}]}]}"#,
            r#"{"version": 1, "guard": {"mode": "loud"}}"#,
            r#"{"version": 1, "guard": {}}"#,
            r#"{"version": 1, "sites": {"allow": [1]}}"#,
            r#"{"version": 1, "locked": [[]]}"#,
            r#"{"version": 1, "nope": 1}"#,
            r#"{"allow": []}"#,
            r#"{"version": 1, "rule": [{"id": "a.b", "category": "rude"}]}"#,
            r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y", "fr": "z"}}]}"#,
            r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "span": "word"}]}"#,
            r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "fuzzy": "yes"}]}"#,
            r#"{"version": 1, "rule": [{"id": "a\"b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "suggestions": {"zh": [1]}}]}"#,
        ];
        for src in cases {
            let err = parse_located::<Policy>(src, "p.json").expect_err(src);
            let mut de = serde_json::Deserializer::from_str(src);
            let expected = serde_path_to_error::deserialize::<_, Policy>(&mut de).expect_err(src).path().to_string();
            let expected = Some(expected.as_str()).filter(|k| *k != ".");
            assert_eq!(err.key(), expected, "{src}: {err}");
            assert!(err.line() > 0, "{src}: {err}");
        }
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_syntax_error_is_located() {
        let err = parse_located::<Policy>("version = 1\nallow = [\n", "p.toml").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Syntax);
        assert!(err.line() >= 2, "{err}");
    }

    /// The packs as the wasm build embeds them (converted to JSON by build.rs) hold the same rules
    /// and check every example and the benchmark emails exactly as the TOML packs do.
    #[cfg(feature = "toml")]
    #[test]
    fn precompiled_packs_check_like_the_toml_packs() {
        mod precompiled {
            include!(concat!(env!("OUT_DIR"), "/precompiled.rs"));
        }
        let toml = crate::Checker::new().expect("TOML packs build");
        let mut builder = crate::CheckerBuilder::new().without_builtin_packs();
        for (file, json) in precompiled::BUILTIN_PACKS {
            assert!(json.starts_with('{') && !json.contains('\n'), "{file} is minified JSON");
            builder = builder.pack(file, json);
        }
        let json = builder.build().expect("precompiled packs build");
        json.warm_up().expect("every regex compiles");

        let strip = |r: &crate::RuleInfo| {
            let mut r = r.clone();
            (r.flag, r.allow) = (Vec::new(), Vec::new());
            serde_json::to_string(&r).expect("serialises")
        };
        let rules: Vec<String> = toml.rules().map(strip).collect();
        assert_eq!(rules, json.rules().map(strip).collect::<Vec<_>>());
        assert!(json.rules().all(|r| r.flag.is_empty() && r.allow.is_empty()), "examples are left out");

        let folds = |source: &str| {
            let f = parse_located::<FoldsFile>(source, "folds").expect("folds parse");
            (f.homophones, f.contrasts)
        };
        assert_eq!(folds(crate::checker::FOLDS), folds(precompiled::FOLDS));
        let (homophones, contrasts) = folds(precompiled::FOLDS);
        assert!(!homophones.is_empty() && !contrasts.is_empty());

        let emails = [
            include_str!("../benches/fixtures/email-zh.txt"),
            include_str!("../benches/fixtures/email-en.txt"),
            include_str!("../benches/fixtures/email-mixed.txt"),
        ];
        let options = crate::CheckOptions { keep_overlaps: true, ..Default::default() };
        let texts = toml.rules().flat_map(|r| r.flag.iter().chain(&r.allow)).map(String::as_str);
        let mut checked = 0;
        for text in texts.chain(emails) {
            assert_eq!(toml.check_with(text, &options), json.check_with(text, &options), "{text}");
            checked += 1;
        }
        assert!(checked > 500, "{checked} texts");
    }

    #[cfg(not(feature = "toml"))]
    #[test]
    fn toml_is_a_typed_error_without_the_feature() {
        let err = parse_located::<Policy>("\n  version = 1\n", "policy").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::UnsupportedFormat);
        assert_eq!((err.line(), err.column()), (2, 3));
        assert!(err.to_string().starts_with("policy:2:3: this build reads JSON only"), "{err}");
    }
}
