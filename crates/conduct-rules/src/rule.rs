//! A rule compiled from its pack entry: public information plus its context regexes.

use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::model::{Category, RuleSpec, Severity, SpanScope};
use crate::regexes::{RegexId, RegexPool};

/// Everything about a rule that users see: for rule lists, docs and explanations.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: Arc<str>,
    /// The pack (or policy) it comes from.
    pub pack: Arc<str>,
    /// Category.
    pub category: Category,
    /// Sub-kind.
    pub kind: Option<Arc<str>>,
    /// Effective severity.
    pub severity: Severity,
    /// One-line English summary.
    pub summary: Arc<str>,
    /// Message in Chinese.
    pub message_zh: Arc<str>,
    /// Message in English.
    pub message_en: Arc<str>,
    /// The norm it enforces.
    pub norm: Arc<str>,
    /// Replacement suggestions in Chinese.
    pub suggestions_zh: Arc<[String]>,
    /// Replacement suggestions in English.
    pub suggestions_en: Arc<[String]>,
    /// Examples that must be flagged (empty for built-in rules without the `toml` feature, which
    /// embeds the packs without their examples).
    pub flag: Vec<String>,
    /// Examples that must not be flagged (empty for built-in rules without the `toml` feature).
    pub allow: Vec<String>,
    /// Whether it is enabled (policy can turn rules and categories off).
    pub enabled: bool,
}

/// A rule ready to check with.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub info: RuleInfo,
    pub requires: Vec<RegexId>,
    pub unless_before: Vec<RegexId>,
    pub unless: Vec<RegexId>,
    pub span: SpanScope,
}

fn is_valid_id(id: &str) -> bool {
    let mut parts = id.splitn(2, '.');
    let cat = parts.next().unwrap_or("");
    let name = parts.next().unwrap_or("");
    !name.is_empty()
        && matches!(cat, "disrespect" | "commitment" | "disclosure")
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

impl Rule {
    /// Validates `spec`, the `index`-th rule of `file` (whose text is `source`), and registers its
    /// regexes in `pool` (compiled now when `eager`).
    pub(crate) fn compile(
        spec: &RuleSpec,
        index: usize,
        pack: &str,
        file: &str,
        source: &str,
        pool: &mut RegexPool,
        eager: bool,
    ) -> Result<Rule, Error> {
        let key = |field: &str| format!("rule[{index}].{field}");
        let invalid = |field: &str, msg: String| {
            Error::new(ErrorKind::InvalidValue, file, msg).with_key(key(field)).near(source, &spec.id)
        };
        if !is_valid_id(&spec.id) {
            return Err(invalid(
                "id",
                format!("rule id `{}` must be `<category>.<name>` with a lower-case name of [a-z0-9._-]", spec.id),
            ));
        }
        if !spec.id.starts_with(spec.category.as_str()) {
            return Err(invalid(
                "id",
                format!("rule id `{}` must start with its category `{}`", spec.id, spec.category),
            ));
        }
        if spec.terms.is_empty() {
            return Err(invalid("terms", format!("rule `{}` has no terms", spec.id)));
        }
        if spec.norm.trim().is_empty() {
            return Err(invalid("norm", format!("rule `{}` has an empty norm", spec.id)));
        }
        if spec.message.zh.trim().is_empty() || spec.message.en.trim().is_empty() {
            return Err(invalid("message", format!("rule `{}` needs a message in zh and en", spec.id)));
        }
        let mut regexes = |field: &str, list: &[String]| -> Result<Vec<RegexId>, Error> {
            list.iter()
                .enumerate()
                .map(|(i, r)| pool.add(r, eager, file, source, &format!("rule[{index}].{field}[{i}]")))
                .collect()
        };
        let suggestions = spec.suggestions.clone().unwrap_or_default();
        Ok(Rule {
            info: RuleInfo {
                id: spec.id.as_str().into(),
                pack: pack.into(),
                category: spec.category,
                kind: spec.kind.as_deref().map(Into::into),
                severity: spec.severity,
                summary: spec.summary.clone().unwrap_or_else(|| spec.message.en.clone()).into(),
                message_zh: spec.message.zh.as_str().into(),
                message_en: spec.message.en.as_str().into(),
                norm: spec.norm.as_str().into(),
                suggestions_zh: suggestions.zh.into(),
                suggestions_en: suggestions.en.into(),
                flag: spec.flag.clone(),
                allow: spec.allow.clone(),
                enabled: true,
            },
            requires: regexes("requires", &spec.requires)?,
            unless_before: regexes("unless_before", &spec.unless_before)?,
            unless: regexes("unless", &spec.unless)?,
            span: spec.span,
        })
    }
}
