//! The data model of rule packs and policies, as written in TOML or JSON (see `docs/pack-format.md`
//! and `docs/policy.md`), and their located parsing (JSON only without the `toml` feature).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::tree::{parse_json, parse_toml, FromTree, Node, Path, Reader};

/// One of the three things the norms forbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bilingual<T> {
    /// Chinese.
    pub zh: T,
    /// English.
    pub en: T,
}

/// A rule pack file: a header and its rules.
#[derive(Debug, Clone, Serialize)]
pub struct PackFile {
    /// The pack's header.
    pub pack: PackHeader,
    /// The rules, in file order.
    pub rule: Vec<RuleSpec>,
}

/// The `[pack]` table of a pack file.
#[derive(Debug, Clone, Serialize)]
pub struct PackHeader {
    /// Unique pack name.
    pub name: String,
    /// The pack's version.
    pub version: Option<String>,
    /// What the pack covers.
    pub description: Option<String>,
    /// A character that may join the items of each rule's `terms` and `exceptions` into one
    /// string (the compact form `build.rs` writes for the wasm build), instead of an array.
    pub list_separator: Option<char>,
}

/// One rule as written in a pack (`[[rule]]`).
#[derive(Debug, Clone, Serialize)]
pub struct RuleSpec {
    /// Stable id, `<category>.<name>`.
    pub id: String,
    /// The category it belongs to.
    pub category: Category,
    /// Optional sub-kind (disclosure: price / salary / defect / internal).
    pub kind: Option<String>,
    /// Default severity.
    pub severity: Severity,
    /// One-line English summary for rule lists.
    pub summary: Option<String>,
    /// The message shown on a finding.
    pub message: Bilingual<String>,
    /// The norm it enforces, quoted from the training deck.
    pub norm: String,
    /// Replacement texts for the flagged span.
    pub suggestions: Option<Bilingual<Vec<String>>>,
    /// Trigger terms (obfuscation-robust literal matching).
    pub terms: Vec<String>,
    /// Also match leetspeak, homophone and repeated-letter disguises.
    pub fuzzy: bool,
    /// Regexes that must all match in the trigger's sentence.
    pub requires: Vec<String>,
    /// Regexes that drop the hit when found in its clause before the trigger.
    pub unless_before: Vec<String>,
    /// Regexes that drop the hit when found anywhere in its sentence.
    pub unless: Vec<String>,
    /// Literal phrases: a trigger overlapping one is dropped.
    pub exceptions: Vec<String>,
    /// What the reported span (and so an applied suggestion) covers.
    pub span: SpanScope,
    /// Texts that must produce a finding of this rule.
    pub flag: Vec<String>,
    /// Texts that must produce no finding at all.
    pub allow: Vec<String>,
}

/// What a finding's span covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Default)]
pub(crate) struct FoldsFile {
    pub contrasts: Vec<String>,
    /// Words that open a new clause of its own (`so we`, `所以`), for `unless_before`.
    pub clause_openers: Vec<String>,
    pub homophones: BTreeMap<String, String>,
    /// Regexes several rules share, by name; a rule's regexes name one as `(?&name)`, alone or inside a longer regex.
    pub patterns: BTreeMap<String, String>,
    /// Reply and forward headers, as regexes on a line and up to three header-like lines after it
    /// (normalised, `\n` between them): from that line on, the text is quoted mail, not checked.
    pub quote_headers: Vec<String>,
}

/// An organisation policy (see `docs/policy.md`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Policy {
    /// Format version; must be 1.
    pub version: u32,
    /// Per-category switches.
    pub categories: Categories,
    /// Per-rule switches, by rule id.
    pub rules: BTreeMap<String, Switch>,
    /// Extra terms for existing rules.
    pub terms: Vec<ExtraTerms>,
    /// Allow-phrases: no finding may overlap one.
    pub allow: Vec<String>,
    /// Approved commitments: commitment findings in a sentence containing one are dropped.
    pub approved_commitments: Vec<String>,
    /// Whole extra rules, in pack format.
    pub rule: Vec<RuleSpec>,
    /// Pre-send guard settings (used by the extension).
    pub guard: Option<Guard>,
    /// Site lists (used by the extension).
    pub sites: Option<Sites>,
    /// Settings users may not change in the extension.
    pub locked: Vec<String>,
}

/// `[categories]`: a switch per category.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Categories {
    /// Disrespect.
    pub disrespect: Option<Switch>,
    /// Unapproved commitments.
    pub commitment: Option<Switch>,
    /// Disclosure.
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
#[derive(Debug, Clone, Default, Serialize)]
pub struct Switch {
    /// `false` turns it off.
    pub enabled: Option<bool>,
    /// Replaces the default severity.
    pub severity: Option<Severity>,
}

/// `[[terms]]`: extra terms for an existing rule.
#[derive(Debug, Clone, Serialize)]
pub struct ExtraTerms {
    /// The rule id.
    pub rule: String,
    /// Terms to add.
    pub add: Vec<String>,
}

/// What the pre-send guard does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Guard {
    /// The mode.
    pub mode: GuardMode,
    /// Findings at or above this severity trigger the guard.
    pub threshold: Severity,
}

/// `[sites]`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sites {
    /// When non-empty, only these hosts are checked.
    pub allow: Vec<String>,
    /// Hosts never checked.
    pub deny: Vec<String>,
}

/// Reads an enum from the lower-case names of its variants.
macro_rules! read_enum {
    ($ty:ident, [$($variant:ident = $name:literal),+]) => {
        impl FromTree for $ty {
            fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
                const NAMES: &[&str] = &[$($name),+];
                const VALUES: &[$ty] = &[$($ty::$variant),+];
                r.variant(node, path, NAMES).map(|i| VALUES[i])
            }
        }
    };
}

read_enum!(Category, [Disrespect = "disrespect", Commitment = "commitment", Disclosure = "disclosure"]);
read_enum!(Severity, [Info = "info", Warning = "warning", Error = "error"]);
read_enum!(SpanScope, [Trigger = "trigger", Clause = "clause", Sentence = "sentence"]);
read_enum!(GuardMode, [Warn = "warn", Justify = "justify", Block = "block"]);

impl<T: FromTree> FromTree for Bilingual<T> {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        let f = r.fields(node, path, "Bilingual", &["zh", "en"])?;
        Ok(Bilingual { zh: f.req("zh")?, en: f.req("en")? })
    }
}

/// Reads a struct from the keys named as its fields: each `req` (must be present), `opt` (`None`
/// when absent or null), `or_default` (when absent) or `or(value)` (when absent or null); no
/// other key.
macro_rules! read_struct {
    ($ty:ident { $($field:ident: $how:ident $(($default:expr))?),+ $(,)? }) => {
        impl FromTree for $ty {
            fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
                let f = r.fields(node, path, stringify!($ty), &[$(stringify!($field)),+])?;
                Ok($ty { $($field: f.$how(stringify!($field) $(, $default)?)?),+ })
            }
        }
    };
}

/// The header first: its `list_separator` says how the rules' lists may be written.
impl FromTree for PackFile {
    fn read(r: &Reader, node: &Node, path: &Path) -> Result<Self, Error> {
        const FIELDS: &[&str] = &["pack", "rule"];
        let pack: PackHeader = r.fields(node, path, "PackFile", FIELDS)?.req("pack")?;
        let r = Reader { separator: pack.list_separator, ..*r };
        Ok(PackFile { pack, rule: r.fields(node, path, "PackFile", FIELDS)?.or_default("rule")? })
    }
}
read_struct!(PackHeader { name: req, version: opt, description: opt, list_separator: opt });
read_struct!(RuleSpec {
    id: req,
    category: req,
    kind: opt,
    severity: req,
    summary: opt,
    message: req,
    norm: req,
    suggestions: opt,
    terms: list_req,
    fuzzy: or_default,
    requires: or_default,
    unless_before: or_default,
    unless: or_default,
    exceptions: list_or_default,
    span: or_default,
    flag: or_default,
    allow: or_default,
});
read_struct!(FoldsFile {
    contrasts: or_default,
    clause_openers: or_default,
    homophones: or_default,
    patterns: or_default,
    quote_headers: or_default,
});
read_struct!(Policy {
    version: req,
    categories: or_default,
    rules: or_default,
    terms: or_default,
    allow: or_default,
    approved_commitments: or_default,
    rule: or_default,
    guard: opt,
    sites: opt,
    locked: or_default,
});
read_struct!(Categories { disrespect: opt, commitment: opt, disclosure: opt });
read_struct!(Switch { enabled: opt, severity: opt });
read_struct!(ExtraTerms { rule: req, add: req });
read_struct!(Guard { mode: req, threshold: or(Severity::Warning) });
read_struct!(Sites { allow: or_default, deny: or_default });

/// Largest pack or policy text accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Parses TOML or JSON (JSON when the first non-blank character is `{`) into `T`,
/// with errors located by line, column and key path.
///
/// Without the `toml` feature only JSON is read; other text is an
/// [`ErrorKind::UnsupportedFormat`] error.
pub(crate) fn parse_located<T: FromTree>(source: &str, file: &str) -> Result<T, Error> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge,
            file,
            format!("file is {} bytes; the limit is {MAX_SOURCE_BYTES}", source.len()),
        ));
    }
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let tree = if source.trim_start().starts_with('{') { parse_json(source) } else { parse_toml(source) };
    let tree = tree.map_err(|e| Error::new(e.kind, file, e.message).with_key(e.path).at_offset(source, e.at))?;
    T::read(&Reader { file, source, separator: None }, &tree, &Path::Root)
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

    /// A pack whose header sets `list_separator` may write `terms` and `exceptions` as one joined
    /// string (the wasm build's compact form); without it, a string is still a type error.
    #[test]
    fn list_separator_lets_a_pack_join_its_lists() {
        let rule = |terms: &str, exceptions: &str| {
            format!(
                r#"{{"id": "x.y", "category": "disclosure", "severity": "info", "norm": "n",
                "message": {{"zh": "z", "en": "e"}}, "terms": {terms}, "exceptions": {exceptions}}}"#
            )
        };
        let pack = |header: &str, rule: String| format!(r#"{{"pack": {{"name": "p"{header}}}, "rule": [{rule}]}}"#);
        let joined = pack(r#", "list_separator": "|""#, rule(r#""a|b c|底价""#, r#""""#));
        let read = parse_located::<PackFile>(&joined, "p.json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.rule[0].terms, ["a", "b c", "底价"]);
        assert!(read.rule[0].exceptions.is_empty());
        let arrays = pack(r#", "list_separator": "/""#, rule(r#"["a|b"]"#, r#"["c/d"]"#));
        let read = parse_located::<PackFile>(&arrays, "p.json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (read.rule[0].terms.as_slice(), read.rule[0].exceptions.as_slice()),
            (&["a|b".to_string()][..], &["c/d".to_string()][..])
        );

        let err = parse_located::<PackFile>(&pack("", rule(r#""a|b""#, "[]")), "p.json").unwrap_err();
        assert_eq!(err.key(), Some("rule[0].terms"), "{err}");
        assert!(err.to_string().contains("expected a sequence"), "{err}");
        let err =
            parse_located::<PackFile>(&pack(",\n \"list_separator\": \"||\"", rule("[]", "[]")), "p.json").unwrap_err();
        assert_eq!(err.key(), Some("pack.list_separator"), "{err}");
        assert_eq!((err.line(), err.column()), (2, 20), "{err}");
        assert!(err.to_string().contains("one character"), "{err}");
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

    /// Every kind of schema error in every place of a policy has the key path serde_path_to_error
    /// gave when the model was read with serde (a missing field: the path of its struct), and
    /// serde's wording.
    #[test]
    fn json_schema_errors_have_key_paths() {
        let cases = [
            (r#"{"version": "1"}"#, "version"),
            (r#"{"version": -1}"#, "version"),
            (r#"{"version": 1.5}"#, "version"),
            (r#"{"version": 1, "allow": 5}"#, "allow"),
            (r#"{"version": 1, "allow": ["a", 5]}"#, "allow[1]"),
            (r#"{"version": 1, "categories": {"disclosure": {"enabled": "no"}}}"#, "categories.disclosure.enabled"),
            (r#"{"version": 1, "categories": {"disclosure": {"enabeld": true}}}"#, "categories.disclosure.enabeld"),
            (r#"{"version": 1, "rules": {"a.b": {"severity": "fatal"}}}"#, "rules.a.b.severity"),
            (r#"{"version": 1, "rules": {"a.b": {"enabled": true}, "c.d": {"severity": 3}}}"#, "rules.c.d.severity"),
            (r#"{"version": 1, "terms": [{"rule": "x", "add": ["a"]}, {"rule": "y"}]}"#, "terms[1]"),
            (r#"{"version": 1, "terms": [{"rule": "x", "add": ["a", {}]}]}"#, "terms[0].add[1]"),
            (r#"{"version": 1, "guard": {"mode": "loud"}}"#, "guard.mode"),
            (r#"{"version": 1, "guard": {}}"#, "guard"),
            (r#"{"version": 1, "sites": {"allow": [1]}}"#, "sites.allow[0]"),
            (r#"{"version": 1, "locked": [[]]}"#, "locked[0]"),
            (r#"{"version": 1, "nope": 1}"#, "nope"),
            (r#"{"version": 1, "version": 1}"#, "version"),
            (r#"{"allow": []}"#, ""),
            (r#"{"version": 1, "rule": [{"id": "a.b", "category": "rude"}]}"#, "rule[0].category"),
            (
                r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y", "fr": "z"}}]}"#,
                "rule[0].message.fr",
            ),
            (
                r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "span": "word"}]}"#,
                "rule[0].span",
            ),
            (
                r#"{"version": 1, "rule": [{"id": "a.b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "fuzzy": "yes"}]}"#,
                "rule[0].fuzzy",
            ),
            (
                r#"{"version": 1, "rule": [{"id": "a\"b", "category": "disrespect", "severity": "error",
                "message": {"zh": "x", "en": "y"}, "norm": "n", "terms": ["t"], "suggestions": {"zh": [1]}}]}"#,
                "rule[0].suggestions.zh[0]",
            ),
        ];
        for (src, key) in cases {
            let err = parse_located::<Policy>(src, "p.json").expect_err(src);
            assert_eq!(err.kind(), &ErrorKind::Schema, "{src}: {err}");
            assert_eq!(err.key(), Some(key).filter(|k| !k.is_empty()), "{src}: {err}");
            assert!(err.line() > 0, "{src}: {err}");
        }
        let err = parse_located::<Policy>(r#"{"version": 1, "guard": {"mode": "loud"}}"#, "p.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.json:1:34: key `guard.mode`: unknown variant `loud`, expected one of `warn`, `justify`, `block`"
        );
        let err = parse_located::<Policy>(r#"{"version": 1, "allow": [true]}"#, "p.json").unwrap_err();
        assert_eq!(err.message(), "invalid type: boolean `true`, expected a string");
        let err = parse_located::<Policy>(r#"{"version": 1, "guard": {}}"#, "p.json").unwrap_err();
        assert_eq!(err.message(), "missing field `mode`");
    }

    /// JSON syntax: what serde_json accepts and rejects, with the error at the offending character.
    #[test]
    fn json_syntax_is_checked_and_located() {
        let ok = r#" {"version": 1, "allow": ["a\"b\\\u00e9\ud83d\ude00\n", "", "傻"], "locked": [],
            "rules": {}, "guard": null} "#;
        let policy = parse_located::<Policy>(ok, "p.json").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(policy.allow, ["a\"b\\é😀\n", "", "傻"]);
        assert!(policy.guard.is_none());
        let bad = [
            (r#"{"version": 1,}"#, 15, "trailing comma"),
            (r#"{"version": 1 "allow": []}"#, 15, "expected `,` or `}`"),
            (r#"{"version" 1}"#, 12, "expected `:`"),
            (r#"{version: 1}"#, 2, "key must be a string"),
            (r#"{"version": 01}"#, 13, "invalid number"),
            (r#"{"version": 1, "allow": [tru]}"#, 26, "expected value"),
            (r#"{"version": 1, "allow": ["\x"]}"#, 28, "invalid escape"),
            (r#"{"version": 1, "allow": ["\ud800"]}"#, 33, "lone leading surrogate in hex escape"),
            (
                "{\"version\": 1, \"allow\": [\"a\tb\"]}",
                28,
                "control character (\\u0000-\\u001F) found while parsing a string",
            ),
            (r#"{"version": 1, "allow": ["a""#, 29, "EOF while parsing a list"),
            (r#"{"version": 1} {}"#, 16, "trailing characters"),
        ];
        for (src, column, message) in bad {
            let err = parse_located::<Policy>(src, "p.json").expect_err(src);
            assert_eq!((err.kind(), err.column(), err.message()), (&ErrorKind::Syntax, column, message), "{src}");
        }
        let keys = [
            (r#"{"version": 1, "rule": [{"terms": ["a" "b"]}]}"#, "rule[0].terms"),
            (r#"{"version": 1, "rules": {"a.b": {"enabled": tru}}}"#, "rules.a.b.enabled"),
            (r#"{"version": 1, "allow": ["a", "b\q"]}"#, "allow[1]"),
            (r#"{"version": 1, "x\"y": {"z": [1, [2, -]]}}"#, "x\"y.z[1][1]"),
        ];
        for (src, key) in keys {
            let err = parse_located::<Policy>(src, "p.json").expect_err(src);
            assert_eq!((err.kind(), err.key()), (&ErrorKind::Syntax, Some(key)), "{src}: {err}");
        }
        let deep = format!("{{\"allow\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let err = parse_located::<Policy>(&deep, "p.json").unwrap_err();
        assert_eq!(err.message(), "recursion limit exceeded");
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_syntax_error_is_located() {
        let err = parse_located::<Policy>("version = 1\nallow = [\n", "p.toml").unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Syntax);
        assert!(err.line() >= 2, "{err}");
    }

    /// The packs as the wasm build embeds them (converted to JSON by build.rs, terms sorted) hold
    /// the same rules and check every example and the benchmark emails exactly as the TOML packs
    /// do (`tests/corpus.rs` holds them to the same on the evaluation corpus).
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
            (r.flag, r.allow, r.summary) = (Vec::new(), Vec::new(), "".into());
            serde_json::to_string(&r).expect("serialises")
        };
        let rules: Vec<String> = toml.rules().map(strip).collect();
        assert_eq!(rules, json.rules().map(strip).collect::<Vec<_>>());
        // Each summary as written, less the examples in parentheses at its end.
        for (t, j) in toml.rules().zip(json.rules()) {
            let rest = t.summary.strip_prefix(&*j.summary).unwrap_or_else(|| panic!("{}: {:?}", t.id, j.summary));
            assert!(j.summary.len() > 10 && (rest.is_empty() || rest.starts_with(" (")), "{}: {:?}", t.id, j.summary);
        }
        assert!(json.rules().all(|r| r.flag.is_empty() && r.allow.is_empty()), "examples are left out");

        let folds = |source: &str| {
            let f = parse_located::<FoldsFile>(source, "folds").expect("folds parse");
            (f.homophones, f.contrasts, f.clause_openers, f.quote_headers)
        };
        assert_eq!(folds(crate::checker::FOLDS), folds(precompiled::FOLDS));
        let (homophones, contrasts, openers, quote_headers) = folds(precompiled::FOLDS);
        assert!(!homophones.is_empty() && !contrasts.is_empty() && !openers.is_empty() && !quote_headers.is_empty());

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
