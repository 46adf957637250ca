//! The context regexes of all rules, deduplicated (packs repeat their negation and hedge blocks)
//! and compiled lazily: built-in rules compile a regex the first time a trigger needs it, so
//! building a checker stays fast in a freshly started service worker. Regexes that come from a
//! policy or an extra pack are compiled when the checker is built, so their errors are reported
//! there, located.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use crate::error::{Error, ErrorKind};

/// Compiled size limit for each regex from a pack or policy.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Index of a regex in the pool.
pub(crate) type RegexId = u32;

struct Lazy {
    /// The pattern as compiled (word boundaries rewritten).
    pattern: String,
    cell: OnceLock<Result<Regex, regex::Error>>,
}

/// All context regexes of a checker.
#[derive(Default)]
pub(crate) struct RegexPool {
    items: Vec<Lazy>,
    by_source: HashMap<String, RegexId>,
}

impl std::fmt::Debug for RegexPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegexPool({} regexes)", self.items.len())
    }
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).dfa_size_limit(REGEX_SIZE_LIMIT).build()
}

/// Rewrites `\b` / `\B` as ASCII word boundaries. Text is normalised, and an ASCII boundary is
/// what a rule means between an English word and Chinese (`你是sb吗`); a Unicode boundary would
/// also stop the lazy DFA on every non-ASCII sentence and make matching many times slower.
fn ascii_word_boundaries(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let mut chars = src.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn located(e: &regex::Error, src: &str, file: &str, source: &str, key: &str) -> Error {
    let (kind, msg) = match e {
        regex::Error::CompiledTooBig(limit) => {
            (ErrorKind::RegexTooLarge, format!("regex `{src}` exceeds the compiled size limit of {limit} bytes"))
        }
        other => (ErrorKind::InvalidRegex, format!("invalid regex: {}", other.to_string().replace('\n', " "))),
    };
    Error::new(kind, file, msg).with_key(key).near(source, src)
}

impl RegexPool {
    /// Adds `src` (from `key` of `file`); compiles it now when `eager`, reporting a located error.
    pub(crate) fn add(
        &mut self,
        src: &str,
        eager: bool,
        file: &str,
        source: &str,
        key: &str,
    ) -> Result<RegexId, Error> {
        let id = match self.by_source.get(src) {
            Some(&id) => id,
            None => {
                let id = self.items.len() as RegexId;
                self.items.push(Lazy { pattern: ascii_word_boundaries(src), cell: OnceLock::new() });
                self.by_source.insert(src.to_string(), id);
                id
            }
        };
        if eager {
            let item = &self.items[id as usize];
            if let Err(e) = item.cell.get_or_init(|| build(&item.pattern)) {
                return Err(located(e, src, file, source, key));
            }
        }
        Ok(id)
    }

    /// The compiled regex (compiling it on first use); `None` only if it does not compile,
    /// which the test suite rules out for built-in packs.
    pub(crate) fn get(&self, id: RegexId) -> Option<&Regex> {
        let item = self.items.get(id as usize)?;
        item.cell.get_or_init(|| build(&item.pattern)).as_ref().ok()
    }

    /// Compiles up to `max` regexes that are not compiled yet; `Ok(true)` once none is left. The
    /// first failure as `(pattern, error)`.
    pub(crate) fn compile_some(&self, max: usize) -> Result<bool, (String, regex::Error)> {
        let mut pending = self.items.iter().filter(|item| item.cell.get().is_none());
        for item in pending.by_ref().take(max) {
            if let Err(e) = item.cell.get_or_init(|| build(&item.pattern)) {
                return Err((item.pattern.clone(), e.clone()));
            }
        }
        Ok(pending.next().is_none())
    }

    /// Number of distinct regexes.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(ascii_word_boundaries(r"\bsb\b|\\b|\d"), r"(?-u:\b)sb(?-u:\b)|\\b|\d");
        let mut pool = RegexPool::default();
        let id = pool.add(r"\bsb\b", true, "f", "", "k").unwrap_or_else(|e| panic!("{e}"));
        let re = pool.get(id).expect("compiles");
        assert!(re.is_match("你是sb吗"));
        assert!(!re.is_match("sbc"));
    }

    #[test]
    fn compiles_in_steps() {
        let mut pool = RegexPool::default();
        for src in ["a", "b", "c"] {
            pool.add(src, false, "f", "", "k").unwrap_or_else(|e| panic!("{e}"));
        }
        let compiled = |pool: &RegexPool| pool.items.iter().filter(|i| i.cell.get().is_some()).count();
        assert!(matches!(pool.compile_some(2), Ok(false)));
        assert_eq!(compiled(&pool), 2);
        assert!(matches!(pool.compile_some(2), Ok(true)));
        assert_eq!(compiled(&pool), 3);
        assert!(matches!(pool.compile_some(2), Ok(true)));
        pool.add("(", false, "f", "", "k").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(pool.compile_some(usize::MAX), Err((p, _)) if p == "("));
    }

    #[test]
    fn identical_patterns_are_shared_and_errors_located() {
        let mut pool = RegexPool::default();
        let a = pool.add("a|b", false, "f", "", "k").unwrap_or_else(|e| panic!("{e}"));
        let b = pool.add("a|b", false, "f", "", "k").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a, b, pool.len()), (0, 0, 1));
        let e = pool.add("(", true, "f.toml", "x = '('", "rule[0].unless[0]").expect_err("invalid");
        assert_eq!((e.kind(), e.line(), e.column()), (&ErrorKind::InvalidRegex, 1, 6));
    }
}
