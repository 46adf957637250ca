//! The context regexes of all rules, deduplicated (packs repeat their negation and hedge blocks)
//! and compiled lazily: built-in rules compile a regex the first time a trigger needs it, so
//! building a checker stays fast in a freshly started service worker. Regexes that come from a
//! policy or an extra pack are compiled when the checker is built, so their errors are reported
//! there, located.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use regex_automata::hybrid::dfa;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::start;
use regex_automata::{Anchored, Input};

use crate::error::{Error, ErrorKind};

/// Compiled size limit for each regex from a pack or policy (its NFA, and its lazy DFA's cache).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Index of a regex in the pool.
pub(crate) type RegexId = u32;

/// The forward lazy DFA of one regex, with a pool of search caches so a `Checker` stays `Sync`.
/// No reverse DFA: a match's start is found by anchored forward searches (see
/// [`RegexPool::find`]), which is cheap on a sentence and halves the cost of building.
struct Engine {
    dfa: dfa::DFA,
    caches: Pool<dfa::Cache, Box<dyn Fn() -> dfa::Cache + Send + Sync>>,
    /// The longest match in bytes, when the regex has one: a match ending at `e` starts at
    /// `e - max_len` or later.
    max_len: Option<usize>,
}

/// Why a regex does not compile.
#[derive(Clone, Debug)]
pub(crate) enum CompileError {
    /// Its NFA or its lazy DFA's cache would exceed [`REGEX_SIZE_LIMIT`].
    TooLarge,
    /// Anything else: bad syntax, a feature left out of this build, a Unicode word boundary.
    Invalid(String),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::TooLarge => write!(f, "exceeds the compiled size limit of {REGEX_SIZE_LIMIT} bytes"),
            CompileError::Invalid(msg) => f.write_str(msg),
        }
    }
}

struct Lazy {
    /// The pattern as written (compiled with ASCII `\b`, `\d`, `\w`: see [`ascii_classes`]).
    pattern: String,
    cell: OnceLock<Result<Engine, CompileError>>,
}

/// All context regexes of a checker.
#[derive(Default)]
pub(crate) struct RegexPool {
    items: Vec<Lazy>,
    by_source: HashMap<String, RegexId, SampledHash>,
    compiler: Compiler,
    /// Shared patterns by name (`packs/folds.toml` `[patterns]`), which a regex list entry
    /// `(?&name)` stands for.
    shared: BTreeMap<String, String>,
}

/// Hashes a pattern by its length and its first and last 32 bytes: packs register the same
/// patterns (some several KB long) over and over while a checker is built, and hashing all of
/// every one with SipHash was 2 % of a build. Patterns that share both ends and the length only
/// share a bucket; the map still compares them whole.
#[derive(Default)]
struct Sampled(crate::terms::Fnv);

impl std::hash::Hasher for Sampled {
    fn finish(&self) -> u64 {
        self.0.finish()
    }

    fn write(&mut self, bytes: &[u8]) {
        const END: usize = 32;
        if bytes.len() <= 2 * END {
            return self.0.write(bytes);
        }
        self.0.write(&bytes.len().to_le_bytes());
        self.0.write(&bytes[..END]);
        self.0.write(&bytes[bytes.len() - END..]);
    }
}

type SampledHash = std::hash::BuildHasherDefault<Sampled>;

/// One NFA compiler for all the regexes of a pool: it keeps its allocations (the UTF-8 suffix
/// caches, the state builder) from one regex to the next, which makes compiling ~8 % cheaper.
struct Compiler(Mutex<thompson::Compiler>);

impl Default for Compiler {
    fn default() -> Self {
        let mut compiler = thompson::Compiler::new();
        compiler.configure(
            thompson::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)).which_captures(WhichCaptures::None),
        );
        Compiler(Mutex::new(compiler))
    }
}

impl Compiler {
    /// Builds the forward lazy DFA of `pattern`. It never gives up (when its cache fills it
    /// clears it and goes on), so a search always answers; the only fallible part is building.
    fn build(&self, pattern: &str) -> Result<Engine, CompileError> {
        let hir = parse(pattern)?;
        let max_len = hir.properties().maximum_len();
        // A panic while compiling cannot leave the compiler half-configured: it is reset per build.
        let nfa = match self.0.lock() {
            Ok(compiler) => compiler.build_from_hir(&hir),
            Err(poisoned) => poisoned.into_inner().build_from_hir(&hir),
        }
        .map_err(|e| {
            if e.size_limit().is_some() {
                CompileError::TooLarge
            } else {
                CompileError::Invalid(e.to_string())
            }
        })?;
        let dfa = dfa::Builder::new()
            .configure(dfa::Config::new().cache_capacity(REGEX_SIZE_LIMIT))
            .build_from_nfa(nfa)
            .map_err(|e| {
                let msg = e.to_string();
                if msg.contains("cache capacity") {
                    CompileError::TooLarge
                } else {
                    CompileError::Invalid(msg)
                }
            })?;
        let for_cache = dfa.clone();
        Ok(Engine { dfa, caches: Pool::new(Box::new(move || for_cache.create_cache())), max_len })
    }
}

impl std::fmt::Debug for RegexPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RegexPool({} regexes)", self.items.len())
    }
}

/// Parses `pattern`: straight into its HIR when it is literals, groups, alternation and
/// repetition around short atoms ([`crate::quick_parse`], most pack patterns), otherwise with
/// [`full_parse`].
fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, CompileError> {
    quick_parse(pattern).map_or_else(|| full_parse(pattern), Ok)
}

/// [`crate::quick_parse`] with the full parser for its atoms: `None` for a pattern it leaves.
pub(crate) fn quick_parse(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    crate::quick_parse::parse(pattern, &|atom| full_parse(atom).ok())
}

/// Parses `pattern` (with the default syntax, as the compiler would; here for a typed syntax
/// error) with `\b`, `\d` and `\w` meaning ASCII word boundaries, digits and word characters
/// ([`ascii_classes`]).
pub(crate) fn full_parse(pattern: &str) -> Result<regex_syntax::hir::Hir, CompileError> {
    let fail = |e: regex_syntax::Error| syntax_error(&e);
    let mut ast = regex_syntax::ast::parse::Parser::new().parse(pattern).map_err(|e| fail(e.into()))?;
    ascii_classes(&mut ast);
    regex_syntax::hir::translate::Translator::new().translate(pattern, &ast).map_err(|e| fail(e.into()))
}

/// Unicode's White_Space, what `\s` means (spelt out so the wasm needs no Unicode Perl-class
/// tables: with `\d`, `\w` and `\b` ASCII, `\s` was all they were kept for).
const WHITE_SPACE: [(char, char); 10] = [
    ('\t', '\r'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// Makes `\d`, `\w` (and `\D`, `\W`) ASCII classes, `[0-9]` and `[0-9A-Za-z_]`, and `\b`, `\B`
/// ASCII word boundaries, `(?-u:\b)`. Text is normalised (full-width digits and letters are ASCII
/// by then), so that is what a rule means: an ASCII boundary is right between an English word and
/// Chinese (`你是sb吗`). A Unicode boundary would also stop the lazy DFA on every non-ASCII
/// sentence, and Unicode's word class (some 700 ranges) made every regex using it several times
/// costlier to compile — in a freshly started worker, 12–15 % of a first check. `\s` stays
/// Unicode's White_Space, spelt out as a class ([`WHITE_SPACE`]).
fn ascii_classes(ast: &mut regex_syntax::ast::Ast) {
    use regex_syntax::ast::{
        AssertionKind, Ast, ClassAscii, ClassAsciiKind, ClassBracketed, ClassPerl, ClassPerlKind, ClassSet,
        ClassSetItem, ClassSetRange, ClassSetUnion, Flag, Flags, FlagsItem, FlagsItemKind, Group, GroupKind, Literal,
        LiteralKind,
    };
    /// The class item `p` stands for, negated when `negated`.
    fn replace(p: &ClassPerl, negated: bool) -> ClassSetItem {
        let span = p.span;
        let kind = match p.kind {
            ClassPerlKind::Digit => ClassAsciiKind::Digit,
            ClassPerlKind::Word => ClassAsciiKind::Word,
            ClassPerlKind::Space => {
                let lit = |c| Literal { span, kind: LiteralKind::Verbatim, c };
                let items = WHITE_SPACE
                    .iter()
                    .map(|&(a, b)| ClassSetItem::Range(ClassSetRange { span, start: lit(a), end: lit(b) }))
                    .collect();
                let kind = ClassSet::Item(ClassSetItem::Union(ClassSetUnion { span, items }));
                return ClassSetItem::Bracketed(Box::new(ClassBracketed { span, negated, kind }));
            }
        };
        ClassSetItem::Ascii(ClassAscii { span, kind, negated })
    }
    fn in_set(set: &mut ClassSet) {
        match set {
            ClassSet::Item(item) => in_item(item),
            ClassSet::BinaryOp(op) => {
                in_set(&mut op.lhs);
                in_set(&mut op.rhs);
            }
        }
    }
    fn in_item(item: &mut ClassSetItem) {
        match item {
            ClassSetItem::Perl(p) => *item = replace(p, p.negated),
            ClassSetItem::Union(u) => u.items.iter_mut().for_each(in_item),
            ClassSetItem::Bracketed(b) => in_set(&mut b.kind),
            _ => {}
        }
    }
    match ast {
        Ast::ClassPerl(p) => {
            let item = replace(p, false);
            let class = ClassBracketed { span: p.span, negated: p.negated, kind: ClassSet::Item(item) };
            *ast = Ast::class_bracketed(class);
        }
        Ast::ClassBracketed(b) => in_set(&mut b.kind),
        Ast::Assertion(a) if matches!(a.kind, AssertionKind::WordBoundary | AssertionKind::NotWordBoundary) => {
            let span = a.span;
            let unicode_off = vec![
                FlagsItem { span, kind: FlagsItemKind::Negation },
                FlagsItem { span, kind: FlagsItemKind::Flag(Flag::Unicode) },
            ];
            let boundary = std::mem::replace(ast, Ast::empty(span));
            let kind = GroupKind::NonCapturing(Flags { span, items: unicode_off });
            *ast = Ast::group(Group { span, kind, ast: Box::new(boundary) });
        }
        Ast::Repetition(r) => ascii_classes(&mut r.ast),
        Ast::Group(g) => ascii_classes(&mut g.ast),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(ascii_classes),
        Ast::Concat(c) => c.asts.iter_mut().for_each(ascii_classes),
        _ => {}
    }
}

/// A syntax error in one line: what is wrong and where in the pattern. (Not regex-syntax's own
/// `Display`, which draws the pattern over several lines and is 8 KB of wasm.)
fn syntax_error(e: &regex_syntax::Error) -> CompileError {
    let (kind, span) = match e {
        regex_syntax::Error::Parse(e) => (e.kind().to_string(), e.span()),
        regex_syntax::Error::Translate(e) => (e.kind().to_string(), e.span()),
        _ => return CompileError::Invalid("unknown syntax error".to_string()),
    };
    CompileError::Invalid(format!("{kind} (at character {} of the pattern)", span.start.column))
}

fn located(e: &CompileError, src: &str, file: &str, source: &str, key: &str) -> Error {
    let (kind, msg) = match e {
        CompileError::TooLarge => (ErrorKind::RegexTooLarge, format!("regex `{src}` {e}")),
        CompileError::Invalid(msg) => (ErrorKind::InvalidRegex, format!("invalid regex: {msg}")),
    };
    Error::new(kind, file, msg).with_key(key).near(source, src)
}

/// How many bytes `find` follows from a candidate start before it runs an anchored search.
const PROBE_BYTES: usize = 3;

/// The name in a shared-pattern reference `(?&name)` (not valid regex syntax, so never a regex).
fn shared_name(src: &str) -> Option<&str> {
    let name = src.strip_prefix("(?&")?.strip_suffix(')')?;
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then_some(name)
}

/// `src` with every shared-pattern reference `(?&name)` replaced: a whole-pattern reference by
/// the pattern itself, one inside a longer pattern by the pattern as a non-capturing group.
/// `(?&` is never valid regex syntax (`&` is not a flag), so a reference cannot be mistaken for
/// part of a regex. `Err` holds the first reference that names no shared pattern, or one that
/// itself names another (not supported).
fn expand_shared(src: &str, shared: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = src;
    while let Some(at) = rest.find("(?&") {
        let tail = &rest[at..];
        let end = tail.find(')').map_or(tail.len(), |i| i + 1);
        let reference = &tail[..end];
        let pattern = shared_name(reference)
            .and_then(|name| shared.get(name))
            .filter(|p| !p.contains("(?&"))
            .ok_or_else(|| reference.to_string())?;
        if reference.len() == src.len() {
            return Ok(pattern.clone());
        }
        out.push_str(&rest[..at]);
        out.push_str("(?:");
        out.push_str(pattern);
        out.push(')');
        rest = &tail[end..];
    }
    out.push_str(rest);
    Ok(out)
}

impl RegexPool {
    /// A pool whose regex lists may name the `shared` patterns as `(?&name)`.
    pub(crate) fn with_shared(shared: BTreeMap<String, String>) -> RegexPool {
        RegexPool { shared, ..RegexPool::default() }
    }

    /// Adds `src` (from `key` of `file`); compiles it now when `eager`, reporting a located error.
    pub(crate) fn add(
        &mut self,
        src: &str,
        eager: bool,
        file: &str,
        source: &str,
        key: &str,
    ) -> Result<RegexId, Error> {
        let expanded = expand_shared(src, &self.shared).map_err(|reference| {
            let msg = format!(
                "unknown shared pattern `{reference}` (the names are in packs/folds.toml [patterns]: lower-case \
                 letters, digits and `-`; a shared pattern cannot name another)"
            );
            Error::new(ErrorKind::InvalidRegex, file, msg).with_key(key).near(source, &reference)
        })?;
        let written = src;
        let src = expanded.as_str();
        let id = match self.by_source.get(src) {
            Some(&id) => id,
            None => {
                let id = self.items.len() as RegexId;
                self.items.push(Lazy { pattern: src.to_string(), cell: OnceLock::new() });
                self.by_source.insert(src.to_string(), id);
                id
            }
        };
        if eager {
            let item = &self.items[id as usize];
            if let Err(e) = item.cell.get_or_init(|| self.compiler.build(&item.pattern)) {
                return Err(located(e, written, file, source, key));
            }
        }
        Ok(id)
    }

    /// The compiled regex (compiling it on first use); `None` only if it does not compile,
    /// which the test suite rules out for built-in packs.
    fn engine(&self, id: RegexId) -> Option<&Engine> {
        let item = self.items.get(id as usize)?;
        item.cell.get_or_init(|| self.compiler.build(&item.pattern)).as_ref().ok()
    }

    /// Whether regex `id` matches somewhere in `haystack`.
    pub(crate) fn is_match(&self, id: RegexId, haystack: &str) -> bool {
        let Some(e) = self.engine(id) else { return false };
        matches!(e.dfa.try_search_fwd(&mut e.caches.get(), &Input::new(haystack).earliest(true)), Ok(Some(_)))
    }

    /// The byte range of regex `id`'s leftmost-first match in `haystack`, as the regex crate
    /// reports it. An unanchored forward search says whether and where a match ends; the match
    /// starts at the first position from which an anchored search matches. Most positions are
    /// ruled out by a few transitions from the anchored start state (into the dead state), which
    /// costs a few table lookups instead of a search.
    pub(crate) fn find(&self, id: RegexId, haystack: &str) -> Option<(usize, usize)> {
        let e = self.engine(id)?;
        let mut cache = e.caches.get();
        let end = e.dfa.try_search_fwd(&mut cache, &Input::new(haystack)).ok()??.offset();
        let bytes = haystack.as_bytes();
        // A regex with a longest match cannot start a match further back than that.
        let from = e.max_len.map_or(0, |m| end.saturating_sub(m));
        (from..=end).filter(|&s| haystack.is_char_boundary(s)).find_map(|s| {
            if s < bytes.len() {
                let start =
                    start::Config::new().anchored(Anchored::Yes).look_behind(s.checked_sub(1).map(|p| bytes[p]));
                let mut sid = e.dfa.start_state(&mut cache, &start).ok();
                // Up to three bytes (one CJK character): most positions die on the way.
                for &b in bytes[s..].iter().take(PROBE_BYTES) {
                    sid = sid.and_then(|id| e.dfa.next_state(&mut cache, id, b).ok());
                    match sid {
                        Some(id) if id.is_dead() => return None,
                        Some(id) if !id.is_match() => continue,
                        _ => break,
                    }
                }
            }
            // An anchored match from `s` exists: the leftmost-first match starts here, and ends
            // where the unanchored search said.
            let from = Input::new(haystack).range(s..).anchored(Anchored::Yes).earliest(true);
            e.dfa.try_search_fwd(&mut cache, &from).ok()??;
            Some((s, end))
        })
    }

    /// Compiles up to `max` regexes that are not compiled yet; `Ok(true)` once none is left. The
    /// first failure as `(pattern, error)`.
    pub(crate) fn compile_some(&self, max: usize) -> Result<bool, (String, CompileError)> {
        let mut pending = self.items.iter().filter(|item| item.cell.get().is_none());
        for item in pending.by_ref().take(max) {
            if let Err(e) = item.cell.get_or_init(|| self.compiler.build(&item.pattern)) {
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

    fn add(pool: &mut RegexPool, src: &str) -> RegexId {
        pool.add(src, false, "f", "", "k").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn shared_patterns_are_named_and_unknown_names_located() {
        let shared = BTreeMap::from([("quoted".to_string(), r"said\b".to_string())]);
        let mut pool = RegexPool::with_shared(shared);
        let by_name = add(&mut pool, "(?&quoted)");
        assert_eq!(by_name, add(&mut pool, r"said\b"), "one regex for the name and its pattern");
        assert!(pool.is_match(by_name, "you said it"));
        assert!(!pool.is_match(by_name, "saidx"));
        let source = "unless = ['(?&nope)']";
        let e = pool.add("(?&nope)", true, "p.toml", source, "rule[0].unless[0]").expect_err("unknown name");
        assert_eq!(e.kind(), &ErrorKind::InvalidRegex);
        assert_eq!((e.line(), e.key()), (1, Some("rule[0].unless[0]")));
        assert!(e.message().contains("unknown shared pattern `(?&nope)`"), "{}", e.message());
        // Not a name: an ordinary (here invalid) regex.
        assert!(pool.add("(?&Bad Name)", true, "p.toml", "", "k").is_err());
        assert!(shared_name("(?&a-1)").is_some() && shared_name("(?&)").is_none() && shared_name("x(?&a)").is_none());
    }

    #[test]
    fn shared_patterns_inside_a_longer_pattern_are_groups() {
        let shared = BTreeMap::from([
            ("policy".to_string(), r"group policy|gpo".to_string()),
            ("cab".to_string(), r"\bcab\b".to_string()),
        ]);
        let mut pool = RegexPool::with_shared(shared);
        // As a group, the alternation stays inside the reference: `the (group policy|gpo) says`.
        let inline = add(&mut pool, r"the (?&policy) says");
        assert!(pool.is_match(inline, "the gpo says"));
        assert!(pool.is_match(inline, "the group policy says"));
        assert!(!pool.is_match(inline, "group policy"), "not `the group policy` or `gpo says` alone");
        let two = add(&mut pool, r"(?&cab) or (?&policy)");
        assert!(pool.is_match(two, "ask the cab or gpo"));
        assert!(!pool.is_match(two, "cabinet or gpo"));
        let source = "unless = ['after (?&nope) here']";
        let e = pool.add("after (?&nope) here", true, "p.toml", source, "rule[0].unless[0]").expect_err("unknown name");
        assert_eq!(e.kind(), &ErrorKind::InvalidRegex);
        assert!(e.message().contains("unknown shared pattern `(?&nope)`"), "{}", e.message());
        assert_eq!((e.line(), e.column(), e.key()), (1, 18, Some("rule[0].unless[0]")));
        let e = pool.add("x(?&Bad Name)", true, "p.toml", "", "k").expect_err("malformed name");
        assert!(e.message().contains("`(?&Bad Name)`"), "{}", e.message());
        let e = pool.add("x(?&open", true, "p.toml", "", "k").expect_err("unclosed reference");
        assert!(e.message().contains("`(?&open`"), "{}", e.message());
        let nested = BTreeMap::from([("outer".to_string(), r"a(?&inner)".to_string())]);
        let e = RegexPool::with_shared(nested).add("(?&outer)", true, "p.toml", "", "k").expect_err("nested");
        assert!(e.message().contains("unknown shared pattern `(?&outer)`"), "{}", e.message());
    }

    #[test]
    fn long_patterns_with_the_same_ends_and_length_stay_apart() {
        let mut pool = RegexPool::default();
        let (head, tail) = ("a".repeat(40), "z".repeat(40));
        let a = add(&mut pool, &format!("{head}(b|c){tail}"));
        let b = add(&mut pool, &format!("{head}(b|d){tail}"));
        assert_ne!(a, b);
        assert_eq!(a, add(&mut pool, &format!("{head}(b|c){tail}")));
        assert!(pool.is_match(b, &format!("{head}d{tail}")) && !pool.is_match(a, &format!("{head}d{tail}")));
    }

    /// The pattern as the pool compiles it (`\d`, `\w` made ASCII), as regex syntax.
    fn as_compiled(pattern: &str) -> String {
        let mut ast = regex_syntax::ast::parse::Parser::new().parse(pattern).unwrap_or_else(|e| panic!("{e}"));
        ascii_classes(&mut ast);
        let mut out = String::new();
        regex_syntax::ast::print::Printer::new().print(&ast, &mut out).unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn digit_and_word_classes_are_ascii() {
        let mut pool = RegexPool::default();
        let digits = add(&mut pool, r"^\d+$");
        assert!(pool.is_match(digits, "2024") && !pool.is_match(digits, "٢٠٢٤") && !pool.is_match(digits, "二"));
        let word = add(&mut pool, r"\w+'ll");
        assert_eq!(pool.find(word, "好的we'll"), Some((6, 11)), "a Chinese character is not an ASCII word character");
        let in_class = add(&mut pool, r"^[\d.]+$|^[^\w]+$");
        assert!(pool.is_match(in_class, "3.5") && pool.is_match(in_class, "好，") && !pool.is_match(in_class, "a好"));
        let negated = add(&mut pool, r"^\D\W$");
        assert!(pool.is_match(negated, "好好") && !pool.is_match(negated, "好a") && !pool.is_match(negated, "1好"));
        let space = add(&mut pool, r"a\sb");
        assert!(pool.is_match(space, "a\u{3000}b"), "\\s stays Unicode (an ideographic space)");
        assert_eq!(as_compiled(r"\d[\w-]\W"), r"[[:digit:]][[:word:]-][^[:word:]]");
    }

    #[test]
    fn word_boundaries_become_ascii() {
        assert_eq!(as_compiled(r"\bsb\b|\\b|\B"), r"(?-u:\b)sb(?-u:\b)|\\b|(?-u:\B)");
        let mut pool = RegexPool::default();
        let id = add(&mut pool, r"\bsb\b");
        assert!(pool.is_match(id, "你是sb吗"));
        assert!(!pool.is_match(id, "sbc"));
    }

    #[test]
    fn spans_are_leftmost_first_in_bytes() {
        let mut pool = RegexPool::default();
        let id = add(&mut pool, r"\d+(万|元)|\d+");
        assert_eq!(pool.find(id, "报价是 5000元，或 3万"), Some((10, 17)));
        assert!(pool.is_match(id, "x 7"));
        assert_eq!(pool.find(id, "无"), None);
    }

    #[test]
    fn compiles_in_steps() {
        let mut pool = RegexPool::default();
        for src in ["a", "b", "c"] {
            add(&mut pool, src);
        }
        let compiled = |pool: &RegexPool| pool.items.iter().filter(|i| i.cell.get().is_some()).count();
        assert!(matches!(pool.compile_some(2), Ok(false)));
        assert_eq!(compiled(&pool), 2);
        assert!(matches!(pool.compile_some(2), Ok(true)));
        assert_eq!(compiled(&pool), 3);
        assert!(matches!(pool.compile_some(2), Ok(true)));
        add(&mut pool, "(");
        assert!(matches!(pool.compile_some(usize::MAX), Err((p, _)) if p == "("));
    }

    #[test]
    fn identical_patterns_are_shared_and_errors_located() {
        let mut pool = RegexPool::default();
        let a = add(&mut pool, "a|b");
        let b = add(&mut pool, "a|b");
        assert_eq!((a, b, pool.len()), (0, 0, 1));
        let e = pool.add("(", true, "f.toml", "x = '('", "rule[0].unless[0]").expect_err("invalid");
        assert_eq!((e.kind(), e.line(), e.column()), (&ErrorKind::InvalidRegex, 1, 6));
        assert_eq!(e.message(), "invalid regex: unclosed group (at character 1 of the pattern)");
        let e = pool.add("ab[z-a]", true, "f", "", "k").expect_err("invalid");
        assert_eq!(
            e.message(),
            "invalid regex: invalid character class range, the start must be <= the end (at character 4 of the pattern)"
        );
        let e = pool.add(r"[^a]{4000}[^b]{4000}", true, "f", "", "k").expect_err("too large");
        assert_eq!(e.kind(), &ErrorKind::RegexTooLarge, "{e}");
        let e = pool.add(r"(?u:\<)x", true, "f", "", "k").expect_err("Unicode word boundary");
        assert_eq!(e.kind(), &ErrorKind::InvalidRegex, "{e}");
    }

    /// `find` and `is_match` agree with the regex crate on every built-in pattern, over every
    /// rule example (normalised, whole and from its middle on).
    #[cfg(feature = "toml")]
    #[test]
    fn builtin_patterns_agree_with_the_regex_crate() {
        let checker = crate::Checker::new().unwrap_or_else(|e| panic!("{e}"));
        let pool = checker.regex_pool();
        let mut texts: Vec<String> = checker
            .rules()
            .flat_map(|r| r.flag.iter().chain(&r.allow))
            .map(|t| crate::normalize::normalize_plain(t))
            .collect();
        let halves: Vec<String> = texts
            .iter()
            .filter_map(|t| t.char_indices().nth(t.chars().count() / 2).map(|(i, _)| t[i..].to_string()))
            .collect();
        texts.extend(halves);
        assert!(texts.len() > 1000, "{}", texts.len());
        let mut matched = 0;
        for (id, item) in pool.items.iter().enumerate() {
            let reference = regex::Regex::new(&as_compiled(&item.pattern)).unwrap_or_else(|e| panic!("{e}"));
            for text in &texts {
                let want = reference.find(text).map(|m| (m.start(), m.end()));
                assert_eq!(pool.find(id as RegexId, text), want, "{} on {text}", item.pattern);
                assert_eq!(pool.is_match(id as RegexId, text), want.is_some(), "{} on {text}", item.pattern);
                matched += usize::from(want.is_some());
            }
        }
        assert!(matched > 1000, "too few matches to compare spans: {matched}");
    }

    /// The fast parser gives the full parser's HIR for every built-in pattern, and takes most.
    #[cfg(feature = "toml")]
    #[test]
    fn quick_parse_agrees_on_builtin_patterns() {
        let checker = crate::Checker::new().unwrap_or_else(|e| panic!("{e}"));
        let pool = checker.regex_pool();
        let mut quick = 0;
        for item in &pool.items {
            let full = full_parse(&item.pattern).unwrap_or_else(|e| panic!("{e}"));
            if let Some(hir) = quick_parse(&item.pattern) {
                assert_eq!(hir, full, "{}", item.pattern);
                quick += 1;
            }
        }
        assert!(quick * 10 >= pool.items.len() * 9, "{quick} of {} patterns parsed quickly", pool.items.len());
    }

    proptest::proptest! {
        /// Leftmost-first spans, empty matches, priorities and ASCII word boundaries next to
        /// Chinese, as the regex crate reports them.
        #[test]
        fn spans_agree_with_the_regex_crate(hay in "[ab你 ,.1]{0,24}", which in 0usize..8) {
            let patterns = [r"a|ab", r"ab|a", r"b*", r"\ba+\b", r"你[^,.]{0,3}b", r"(a|你)[^,]{0,4}(1|b)\b", r"\d*b|\w+1", r"^a|b$"];
            let mut pool = RegexPool::default();
            let id = add(&mut pool, patterns[which]);
            let reference = regex::Regex::new(&as_compiled(&pool.items[0].pattern)).unwrap_or_else(|e| panic!("{e}"));
            proptest::prop_assert_eq!(pool.find(id, &hay), reference.find(&hay).map(|m| (m.start(), m.end())));
            proptest::prop_assert_eq!(pool.is_match(id, &hay), reference.is_match(&hay));
        }
    }

    /// The reordering of alternatives in the precompiled packs (`build.rs`).
    mod alternation_order {
        include!("alternation_order.rs");

        #[test]
        fn reorders_only_what_cannot_change_a_match() {
            for (pattern, want) in [
                ("c|a|b", "a|b|c"),
                // `ab` and its prefix `a` keep their order; `b` is free.
                ("ab|b|a", "ab|a|b"),
                ("x(d|\\bc|b)y", "x(\\bc|b|d)y"),
                ("(?:c|a)", "(?:a|c)"),
                ("b[|]|a", "a|b[|]"),
                // A class, an optional first character or a group may start like anything.
                ("z|a?b|a", "z|a?b|a"),
                ("z|[]|]x|a", "z|[]|]x|a"),
                ("(b|a)+|c", "(a|b)+|c"),
                ("d|c|b|a", "a|b|c|d"),
                ("我|你们|你", "你们|你|我"),
                ("我们|你们|他们", "他们|你们|我们"),
                // Flags and named references, and what does not parse, stay as written.
                ("(?i)b|a", "(?i)b|a"),
                ("(?&name)|b|a", "(?&name)|b|a"),
                ("b|a)", "b|a)"),
                ("b|[a", "b|[a"),
                ("b|a\\", "b|a\\"),
            ] {
                assert_eq!(reorder_alternations(pattern), want, "{pattern}");
            }
        }

        const PIECES: [&str; 11] = ["a", "b", "ab", "ba", "\\ba", "a\\b", "[ab]", "a?b", "b+", "你b", "(a|b)"];

        proptest::proptest! {
            // Cheap cases; enough of them to meet each clash (the wrong clash test of the first
            // version was found in 4 of 5 runs of 256 cases).
            #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
            /// Whatever the alternatives, the reordered regex finds the same leftmost-first match.
            #[test]
            fn reordered_regexes_find_the_same_matches(
                outer in proptest::collection::vec(0usize..PIECES.len(), 2..5),
                inner in proptest::collection::vec(0usize..PIECES.len(), 2..5),
                hay in "[ab你 x]{1,6}",
            ) {
                let alternatives = |ix: &[usize]| ix.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join("|");
                let pattern = format!("{}|x({})b?", alternatives(&outer), alternatives(&inner));
                let reordered = reorder_alternations(&pattern);
                let find = |p: &str| regex::Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}")).find(&hay).map(|m| m.range());
                proptest::prop_assert_eq!(find(&reordered), find(&pattern), "{} → {}", pattern, reordered);
            }
        }
    }
}
