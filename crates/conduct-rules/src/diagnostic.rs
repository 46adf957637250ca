//! What a check returns.

use std::sync::Arc;

use serde::Serialize;

use crate::model::{Category, Severity};

/// The language of messages and suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese when the finding's sentence contains Chinese, otherwise English.
    #[default]
    Auto,
    /// Always Chinese.
    Zh,
    /// Always English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Lang::Auto),
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (expected auto, zh or en)")),
        }
    }
}

/// Options for one check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Language of messages.
    pub lang: Lang,
    /// Drop findings below this severity.
    pub min_severity: Option<Severity>,
    /// Report every rule's finding even where findings of one category overlap (by default only
    /// the most severe, then longest, is kept). Rule tests use it.
    pub keep_overlaps: bool,
    /// Report findings in quoted mail too (by default those starting in
    /// [`Checker::quoted_ranges`](crate::Checker::quoted_ranges) are left out). A caller that
    /// checks a text in parts sets it, and filters its parts' findings against the whole text's
    /// quoted ranges: a part checked alone cannot see the reply header above it. Without the
    /// `quotes` feature findings are always kept.
    pub keep_quoted: bool,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id, e.g. `commitment.guarantee`.
    pub rule: Arc<str>,
    /// The category.
    pub category: Category,
    /// Sub-kind where useful (disclosure: price / salary / defect / internal).
    pub kind: Option<Arc<str>>,
    /// Effective severity (after policy).
    pub severity: Severity,
    /// Byte offset of the start of the span in the original text.
    pub start: usize,
    /// Byte offset of the end of the span in the original text.
    pub end: usize,
    /// The message, in the chosen language.
    pub message: Arc<str>,
    /// The norm the rule enforces.
    pub norm: Arc<str>,
    /// Replacement texts for the span, in the chosen language.
    pub suggestions: Arc<[String]>,
    /// The language the message is in (`zh` or `en`).
    pub lang: Lang,
}

impl Diagnostic {
    /// The flagged text: `&text[self.start..self.end]` (empty if `text` is not the checked text).
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}
