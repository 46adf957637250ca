//! The data model of rule packs and policies, as written in TOML or JSON (see `docs/pack-format.md`
//! and `docs/policy.md`), and their located parsing.

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

/// The homophone table (`packs/folds.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FoldsFile {
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
        let mut de = serde_json::Deserializer::from_str(source);
        let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
        let value = result.map_err(|e| {
            let key = e.path().to_string();
            let inner = e.into_inner();
            let kind = if inner.is_syntax() || inner.is_eof() { ErrorKind::Syntax } else { ErrorKind::Schema };
            let mut err = Error::new(kind, file, strip_json_location(&inner.to_string())).with_key(key);
            if inner.line() > 0 {
                let offset = offset_of_line_column(source, inner.line(), inner.column());
                err = err.at_offset(source, offset);
            }
            err
        })?;
        de.end().map_err(|e| Error::new(ErrorKind::Syntax, file, strip_json_location(&e.to_string())))?;
        Ok(value)
    } else {
        let de = toml::Deserializer::parse(source).map_err(|e| toml_error(source, file, e, String::new()))?;
        let result: Result<T, _> = serde_path_to_error::deserialize(de);
        result.map_err(|e| {
            let key = e.path().to_string();
            toml_error(source, file, e.into_inner(), key)
        })
    }
}

fn toml_error(source: &str, file: &str, e: toml::de::Error, key: String) -> Error {
    // Without a key path the parser itself failed; with one, a value had the wrong shape.
    let kind = if key.is_empty() { ErrorKind::Syntax } else { ErrorKind::Schema };
    let mut err = Error::new(kind, file, e.message().trim().to_string()).with_key(key);
    if let Some(span) = e.span() {
        err = err.at_offset(source, span.start);
    }
    err
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
    fn toml_syntax_error_is_located() {
        let err = parse_located::<Policy>("version = 1\nallow = [\n", "p.toml").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Syntax);
        assert!(err.line() >= 2, "{err}");
    }
}
