//! # conduct-rules
//!
//! Checks what an IT service engineer writes to a customer — in Chinese (Simplified and
//! Traditional) and English, often mixed — for the three things the profession's conduct norms
//! forbid: **disrespect**, **unapproved commitments** and **disclosure** of prices, salaries,
//! defects and internal problems.
//!
//! Rules are data: TOML packs embedded at compile time (`packs/*.toml`), each rule with its own
//! must-flag and must-not-flag examples. Text is normalised once (width, case, Traditional →
//! Simplified, separators, leetspeak, homophones) with a map back to original byte offsets, and
//! every term of every rule is matched by one automaton; context regexes then separate a real
//! commitment from a negated, hedged or approved one.
//!
//! ```
//! use conduct_rules::{Checker, Category, Severity};
//!
//! let checker = Checker::new()?;
//! let text = "王经理您好：\n\n感谢您的耐心。这个傻*逼系统又挂了。\n";
//! let found = checker.check(text);
//! let d = found.iter().find(|d| d.category == Category::Disrespect).expect("a finding");
//! assert_eq!(d.text(text), "傻*逼");
//! assert_eq!(d.severity, Severity::Error);
//! # Ok::<(), conduct_rules::Error>(())
//! ```
//!
//! ## Features
//!
//! * `toml` (default): packs and policies in TOML as well as JSON. Without it (as the wasm
//!   package is built, to stay small) policies and extra packs are read as JSON only — TOML is an
//!   [`ErrorKind::UnsupportedFormat`] error — and `build.rs` embeds the built-in packs as minified
//!   JSON without their `flag`/`allow` examples ([`RuleInfo::flag`] is then empty).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod checker;
mod diagnostic;
mod error;
mod model;
mod nfkc;
mod normalize;
mod quick_parse;
mod regexes;
mod rule;
mod segment;
mod t2s;
mod table;
mod terms;
mod tree;

pub use checker::{parse_policy, Checker, CheckerBuilder, MAX_POLICY_TERMS};
pub use diagnostic::{CheckOptions, Diagnostic, Lang};
pub use error::{Error, ErrorKind};
pub use model::{
    Bilingual, Categories, Category, ExtraTerms, Guard, GuardMode, PackFile, PackHeader, Policy, RuleSpec, Severity,
    Sites, Switch, MAX_SOURCE_BYTES,
};
pub use regexes::REGEX_SIZE_LIMIT;
pub use rule::RuleInfo;
