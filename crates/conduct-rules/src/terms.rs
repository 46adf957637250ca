//! Term matching: every term of every rule (and every exception and allow-phrase) compiled into
//! one Aho-Corasick automaton over the compact stream, and the verification that turns an
//! automaton hit into a real match (word boundaries, separators, disguises).

use aho_corasick::automaton::{Automaton, OverlappingState};
#[cfg(feature = "dfa-terms")]
use aho_corasick::dfa;
use aho_corasick::nfa::noncontiguous;
use aho_corasick::{Input, MatchKind};

use crate::normalize::{is_leet, is_letter, is_separator, is_word_char, stands_alone, CChar, Folds, Normalized};

/// What a term belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A trigger of the rule with this index.
    Trigger(u32),
    /// An exception (antipattern) of the rule with this index.
    Exception(u32),
    /// An organisation allow-phrase: no finding may overlap it.
    Allow,
}

/// Most `l`s of a fuzzy term looked for as leetspeak `1`s (2^n patterns per term).
const MAX_LEET_L: usize = 3;

/// Positions of `b` in `bytes`.
fn positions_of(b: u8, bytes: &[u8]) -> Vec<usize> {
    bytes.iter().enumerate().filter(|&(_, &x)| x == b).map(|(i, _)| i).collect()
}

/// A term compiled for verification. Its per-character data lives in the [`TermMatcher`]'s
/// shared arrays (one allocation for all terms instead of three per term).
#[derive(Debug, Clone)]
struct TermSpec {
    owner: Owner,
    /// Where the term's compact characters start in `runs` / `gap_before`, and how many it has.
    cstart: u32,
    clen: u32,
    /// Where the term's base characters start in `bases`.
    bstart: u32,
    /// Check a word boundary before / after (Latin ends, unless opened with `*`).
    bound_start: bool,
    bound_end: bool,
    /// Opened with `*`: the span grows over the rest of the word.
    open_start: bool,
    open_end: bool,
    fuzzy: bool,
    /// Fewer than four letters (computed for fuzzy terms only, the only ones leetspeak matches).
    few_letters: bool,
}

/// The per-character data of all terms, indexed from [`TermSpec`].
#[derive(Debug, Default)]
struct TermData {
    /// Per compact character: how many base characters the term has in that run.
    runs: Vec<u32>,
    /// Per compact character: what the term itself has before it.
    gap_before: Vec<Gap>,
    /// The terms' base characters (non-separators), in order.
    bases: Vec<char>,
}

/// What a term has between two compact characters, which decides what the text may have there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Nothing: the text may have separators only where the term's disguises allow (a spelt-out
    /// word, or anything in a fuzzy term).
    Joined,
    /// A separator such as a space: the text may have any separators there, or none.
    Separator,
    /// This many mask symbols (`*`, `×`, `#`, as in `c**t`): the text must mask the letters there
    /// too, with at least as many symbols, so that a term listed in its masked spelling matches
    /// neither the plain letters around the mask (`CT`) nor a shorter wildcard (`c*t`).
    Mask(u8),
}

/// Symbols that stand for hidden letters (`b***h`, `傻×`).
fn is_mask(c: char) -> bool {
    matches!(c, '*' | '×' | '✕' | '✖' | '#')
}

/// How many mask symbols `s` holds (at most 255).
fn mask_count(s: &str) -> u8 {
    s.chars().filter(|&c| is_mask(c)).count().min(255) as u8
}

/// Whether `gap` (the text between two matched characters) masks letters: at least `count` mask
/// symbols, and nothing but masks and spaces.
fn masks(gap: &str, count: u8) -> bool {
    gap.chars().all(|c| is_mask(c) || c.is_whitespace()) && mask_count(gap) >= count
}

/// A verified hit: who owns it and the units it covers (by their byte offsets in `norm`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub owner: Owner,
    pub first: usize,
    pub last: usize,
}

/// FNV-1a: the builder hashes thousands of short patterns once each, and a check a few (rule,
/// sentence) pairs per trigger, where the default SipHash (built against collision attacks, which
/// neither is a vector for) costs several times more.
pub(crate) struct Fnv(u64);

/// Hash maps keyed by FNV-1a.
pub(crate) type FnvHash = std::hash::BuildHasherDefault<Fnv>;

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Builds a [`TermMatcher`].
#[derive(Default)]
pub(crate) struct TermMatcherBuilder {
    /// Each distinct compact pattern and its index.
    by_pattern: std::collections::HashMap<Vec<u8>, u32, FnvHash>,
    /// Per term: the index of its pattern.
    term_pattern: Vec<u32>,
    terms: Vec<TermSpec>,
    data: TermData,
    /// Reused for normalising each term.
    scratch: Normalized,
}

/// Why a term cannot be used.
pub(crate) enum TermError {
    Empty,
    TooLong,
}

/// Longest accepted term, in characters.
pub(crate) const MAX_TERM_CHARS: usize = 200;

impl TermMatcherBuilder {
    /// A builder with room for `terms` terms of `bytes` bytes in all.
    pub(crate) fn with_capacity(terms: usize, bytes: usize) -> Self {
        let mut b = TermMatcherBuilder::default();
        b.by_pattern.reserve(terms);
        b.term_pattern.reserve(terms);
        b.terms.reserve(terms);
        // A character takes at least one byte.
        b.data.runs.reserve(bytes);
        b.data.gap_before.reserve(bytes);
        b.data.bases.reserve(bytes);
        b
    }

    /// Adds a term (pack syntax: a leading/trailing `*` opens that end).
    pub(crate) fn add(&mut self, raw: &str, owner: Owner, fuzzy: bool, folds: &Folds) -> Result<(), TermError> {
        if raw.chars().count() > MAX_TERM_CHARS {
            return Err(TermError::TooLong);
        }
        let trimmed = raw.trim();
        let open_start = trimmed.starts_with('*');
        let open_end = trimmed.ends_with('*') && trimmed.len() > 1;
        let body = trimmed.trim_start_matches('*').trim_end_matches('*');
        let n = &mut self.scratch;
        n.renew(body, folds);
        if n.compact.is_empty() {
            return Err(TermError::Empty);
        }
        let data = &mut self.data;
        let (cstart, bstart) = (data.runs.len(), data.bases.len());
        let mut prev_end: Option<usize> = None;
        for c in n.cchars() {
            let gap = prev_end.and_then(|e| n.norm.get(e..c.first as usize)).unwrap_or_default();
            data.gap_before.push(match (gap, mask_count(gap)) {
                ("", _) => Gap::Joined,
                (_, 0) => Gap::Separator,
                (_, count) => Gap::Mask(count),
            });
            prev_end = Some(n.unit_end(c.last as usize));
            data.runs.push(c.count);
            for b in n.units(c.first as usize, c.last as usize).chars().filter(|&b| !is_separator(b)) {
                data.bases.push(b);
            }
        }
        let bases = &data.bases[bstart..];
        let (first, last) = (bases[0], bases[bases.len() - 1]);
        let spec = TermSpec {
            owner,
            cstart: cstart as u32,
            clen: (data.runs.len() - cstart) as u32,
            bstart: bstart as u32,
            few_letters: fuzzy && bases.iter().filter(|c| c.is_alphabetic()).nth(3).is_none(),
            bound_start: is_word_char(first) && !open_start,
            bound_end: is_word_char(last) && !open_end,
            open_start,
            open_end,
            fuzzy,
        };
        // Leetspeak writes an `l` as `1`, which the compact stream folds to `i` (`bu11sh1t`): a
        // fuzzy term with an `l` is also looked for with its `l`s as `i`s, every combination of up
        // to three. `verify` takes such a match only where the text has a digit, not a real `i`.
        let ls: Vec<usize> = if fuzzy { positions_of(b'l', &n.compact) } else { Vec::new() };
        let variants = if ls.len() <= MAX_LEET_L { (1u32 << ls.len()) - 1 } else { 0 };
        for mask in 0..=variants {
            let mut pattern = n.compact.clone();
            for (bit, &at) in ls.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    pattern[at] = b'i';
                }
            }
            self.terms.push(spec.clone());
            let next = self.by_pattern.len() as u32;
            let p = match self.by_pattern.get(&pattern) {
                Some(&p) => p,
                None => {
                    self.by_pattern.insert(pattern, next);
                    next
                }
            };
            self.term_pattern.push(p);
        }
        Ok(())
    }

    pub(crate) fn build(self) -> TermMatcher {
        let mut patterns = vec![Vec::new(); self.by_pattern.len()];
        for (pattern, p) in self.by_pattern {
            patterns[p as usize] = pattern;
        }
        // The terms of each pattern, in the order they were added: `pattern_terms[p]` holds
        // `term_ids[pattern_start[p]..pattern_start[p + 1]]`.
        let mut pattern_start = vec![0u32; patterns.len() + 1];
        for &p in &self.term_pattern {
            pattern_start[p as usize + 1] += 1;
        }
        for i in 1..pattern_start.len() {
            pattern_start[i] += pattern_start[i - 1];
        }
        let mut fill = pattern_start.clone();
        let mut term_ids = vec![0u32; self.term_pattern.len()];
        for (t, &p) in self.term_pattern.iter().enumerate() {
            term_ids[fill[p as usize] as usize] = t as u32;
            fill[p as usize] += 1;
        }
        let ac = if patterns.is_empty() { None } else { TermAutomaton::build(patterns) };
        let mut data = self.data;
        data.runs.shrink_to_fit();
        data.gap_before.shrink_to_fit();
        data.bases.shrink_to_fit();
        TermMatcher { ac, pattern_start, term_ids, terms: self.terms, data }
    }
}

/// Renames bytes by how often they occur in `patterns`, the most frequent `0`, for the NFA: it is
/// built over the renamed bytes (and searches them, renamed the same way). While it is built, its
/// trie keeps each state's transitions in a list sorted by byte, the start state's holding all
/// 256, and every pattern byte walks such a list to its place. Renamed, the common bytes (CJK lead
/// and continuation bytes, lower-case letters) are near the front: building the default checker
/// takes ~15 % fewer instructions, which a restarted service worker waits for. (The DFA, built
/// natively, has a table per state instead; renaming would only cost it a lookup per byte.)
fn frequency_code(patterns: &[Vec<u8>]) -> [u8; 256] {
    let mut count = [0u32; 256];
    for &b in patterns.iter().flatten() {
        count[usize::from(b)] += 1;
    }
    // A byte's rank: how many bytes are more frequent, or as frequent and smaller (no sort, which
    // would add its code to the wasm).
    let key: [u64; 256] = std::array::from_fn(|b| u64::from(u32::MAX - count[b]) << 8 | b as u64);
    std::array::from_fn(|b| key.iter().filter(|&&k| k < key[b]).count() as u8)
}

/// The Aho-Corasick automaton of all term patterns.
enum TermAutomaton {
    /// A noncontiguous NFA: measured with the built-in packs (instructions, callgrind), a DFA
    /// takes five times longer to build (it would delay the first check after a service-worker
    /// restart, far more in wasm); a contiguous NFA, which is built from the noncontiguous one,
    /// took 7 % longer to build a checker and checked 0.7 % slower. Used directly rather than
    /// through `AhoCorasick`, whose run-time choice of automaton keeps the code of all three
    /// kinds in the wasm.
    Nfa(noncontiguous::NFA, Box<[u8; 256]>),
    /// A DFA (feature `dfa-terms`, on natively): one table lookup per byte instead of the NFA's
    /// sparse transitions and failure links; a 5 KB check takes ~15 % fewer instructions, for
    /// ~30 ms more to build the checker and several MB of memory.
    #[cfg(feature = "dfa-terms")]
    Dfa(dfa::DFA),
}

impl TermAutomaton {
    /// `None` only past the automaton's size limits (state IDs), far above what packs hold.
    fn build(patterns: Vec<Vec<u8>>) -> Option<TermAutomaton> {
        #[cfg(feature = "dfa-terms")]
        if let Ok(dfa) = dfa::Builder::new().match_kind(MatchKind::Standard).build(&patterns) {
            return Some(TermAutomaton::Dfa(dfa));
        }
        TermAutomaton::build_nfa(patterns)
    }

    /// The NFA over renamed bytes ([`frequency_code`]).
    fn build_nfa(mut patterns: Vec<Vec<u8>>) -> Option<TermAutomaton> {
        let code = frequency_code(&patterns);
        for pattern in &mut patterns {
            pattern.iter_mut().for_each(|b| *b = code[usize::from(*b)]);
        }
        let nfa = noncontiguous::Builder::new().match_kind(MatchKind::Standard).build(&patterns).ok()?;
        Some(TermAutomaton::Nfa(nfa, Box::new(code)))
    }
}

/// All terms in one automaton.
pub(crate) struct TermMatcher {
    ac: Option<TermAutomaton>,
    /// The terms of pattern `p` are `term_ids[pattern_start[p]..pattern_start[p + 1]]`.
    pattern_start: Vec<u32>,
    term_ids: Vec<u32>,
    terms: Vec<TermSpec>,
    data: TermData,
}

impl TermMatcher {
    /// Every verified hit in `n`, in automaton order.
    pub(crate) fn hits(&self, n: &Normalized, out: &mut Vec<Hit>) {
        match &self.ac {
            None => {}
            Some(TermAutomaton::Nfa(nfa, code)) => {
                let renamed: Vec<u8> = n.compact.iter().map(|&b| code[usize::from(b)]).collect();
                self.hits_of(nfa, &renamed, n, out);
            }
            #[cfg(feature = "dfa-terms")]
            Some(TermAutomaton::Dfa(dfa)) => self.hits_of(dfa, &n.compact, n, out),
        }
    }

    /// Every match of every pattern in `haystack` (`n`'s compact stream, its bytes renamed as the
    /// automaton's were), verified.
    fn hits_of(&self, ac: &impl Automaton, haystack: &[u8], n: &Normalized, out: &mut Vec<Hit>) {
        let input = Input::new(haystack);
        let mut state = OverlappingState::start();
        // The compact characters of a match, shared by the terms of its pattern.
        let (mut cc, mut near): (Vec<CChar>, usize) = (Vec::new(), 0);
        // Errors are for anchored or stream searches, which this is not.
        while let Some(m) = ac.try_find_overlapping(&input, &mut state).ok().and_then(|()| state.get_match()) {
            let p = m.pattern().as_usize();
            let ids = self.term_ids.get(self.pattern_start[p] as usize..self.pattern_start[p + 1] as usize);
            let ids = ids.unwrap_or_default();
            let mut chars = n.cchars_near(m.start(), m.end(), &mut near);
            let Some(head) = chars.next() else { continue };
            // Inside a word, where most hits of short Latin terms are (`class`): ruled out before
            // the rest of the match is looked at, when every term of the pattern needs a boundary
            // (natively: the wasm, built for size, leaves it to `verify`).
            #[cfg(not(target_arch = "wasm32"))]
            {
                let all = |bound: fn(&TermSpec) -> bool| ids.iter().all(|&t| bound(&self.terms[t as usize]));
                if all(|t| t.bound_start) && is_word(n.unit_before(head.first as usize)) {
                    continue;
                }
                if all(|t| t.bound_end) && is_word(n.unit_after(n.last_unit(m.end(), near))) {
                    continue;
                }
            }
            cc.clear();
            cc.push(head);
            for c in chars.take_while(|c| (c.at as usize) < m.end()) {
                cc.push(c);
            }
            for &t in ids {
                let spec = &self.terms[t as usize];
                if let Some((first, last)) = verify(n, &cc, spec, &self.data) {
                    out.push(Hit { owner: spec.owner, first, last });
                }
            }
        }
    }
}

/// Is the neighbouring unit (`Normalized::unit_before` / `unit_after`) a word character? Then a
/// term that needs a word boundary there does not match.
fn is_word(unit: Option<(usize, char)>) -> bool {
    unit.is_some_and(|(_, c)| is_word_char(c))
}

/// Checks an automaton hit, whose compact characters are `cc`, against the term; returns the
/// covered units (their offsets in `norm`).
fn verify(n: &Normalized, cc: &[CChar], t: &TermSpec, data: &TermData) -> Option<(usize, usize)> {
    let len = t.clen as usize;
    if cc.len() != len {
        return None;
    }
    let runs = &data.runs[t.cstart as usize..][..len];
    let gap_before = &data.gap_before[t.cstart as usize..][..len];
    let bases = &data.bases[t.bstart as usize..];
    let first = cc[0].first as usize;
    let last = cc[len - 1].last as usize;
    if t.bound_start && is_word(n.unit_before(first)) {
        return None;
    }
    if t.bound_end && is_word(n.unit_after(last)) {
        return None;
    }
    // A one-letter word, or a doubled letter spelt out (`s s` in `a s s h o l e`: a run whose
    // units are more than its letters, i.e. with separators inside). Only letters and digits of
    // an alphabetic script are spelt out: a CJK character stands alone between spaces as a matter
    // of course (`发过 3 遍`: the 遍 is not a letter of a spelt-out `3遍`).
    let single = |k: usize| {
        let (a, b) = (cc[k].first as usize, cc[k].last as usize);
        is_word_char(n.base(a))
            && (cc[k].count == 1 || n.units(a, b).chars().count() > cc[k].count as usize)
            && stands_alone(n, a, b)
    };
    let mut leet_used = false;
    let mut real_letters = 0usize;
    // Unit `base` where the term has `tb`: false when that rules the hit out.
    let mut unit = |base: char, tb: char| {
        if base == tb {
            real_letters += usize::from(is_letter(base));
        } else if !t.fuzzy || (base == 'i' && tb == 'l') {
            // (A real `i` where the term has `l`: a match of the `l`-as-`1` variant on a real word.)
            return false;
        } else if is_leet(base) {
            leet_used = true;
        }
        true
    };
    let mut bi = 0usize;
    for (k, c) in cc.iter().enumerate() {
        let run = runs[k];
        if (t.fuzzy && c.count < run) || (!t.fuzzy && c.count != run) {
            return None;
        }
        if c.count == 1 {
            // One unit, not a separator (the common case).
            if !unit(n.base(c.first as usize), bases[bi]) {
                return None;
            }
        } else {
            let units = n.units(c.first as usize, c.last as usize).chars().filter(|&b| !is_separator(b));
            for (j, base) in units.enumerate() {
                if !unit(base, bases[bi + j.min(run as usize - 1)]) {
                    return None;
                }
            }
        }
        bi += run as usize;
        // What the text has between this character and the one before, by what the term has there.
        let between = || {
            let (left, right) = (cc[k - 1].last as usize, c.first as usize);
            (left, n.unit_end(left), right)
        };
        match gap_before[k] {
            _ if k == 0 => {}
            Gap::Separator => {}
            Gap::Mask(count) => {
                let (_, gap, right) = between();
                if !n.norm.get(gap..right).is_some_and(|g| masks(g, count)) {
                    return None;
                }
            }
            Gap::Joined => {
                let (left, gap, right) = between();
                if gap < right && is_word_char(n.base(left)) && is_word_char(n.base(right)) {
                    if n.norm.get(gap..right).unwrap_or_default().chars().any(char::is_whitespace) {
                        if !(single(k - 1) && single(k)) {
                            return None;
                        }
                    } else if !t.fuzzy {
                        return None;
                    }
                }
            }
        }
    }
    if leet_used && (t.few_letters || real_letters == 0) {
        return None;
    }
    let (mut first, mut last) = (first, last);
    // A word spelt out letter by letter is the whole run of one-letter words: a spelt-out match
    // must not start or end inside one (`c l a s s` holds no `ass`, `p u s h i t` no `shit`),
    // except right after the words `a` and `I`; an open end takes in the rest of the run
    // (`f u c k i n g`).
    if single(0) {
        while let Some(p) = spelt_neighbour(n, first, true) {
            if t.open_start {
                first = p;
            } else if matches!(n.base(p), 'a' | 'i') && spelt_neighbour(n, p, true).is_none() {
                break;
            } else {
                return None;
            }
        }
    }
    if single(len - 1) {
        while let Some(p) = spelt_neighbour(n, last, false) {
            if !t.open_end {
                return None;
            }
            last = p;
        }
    }
    if t.open_start {
        while let Some((p, _)) = n.unit_before(first).filter(|&(_, c)| is_word_char(c)) {
            first = p;
        }
    }
    if t.open_end {
        while let Some((p, _)) = n.unit_after(last).filter(|&(_, c)| is_word_char(c)) {
            last = p;
        }
    }
    Some((first, last))
}

/// The one-letter word next to unit `at` (before it when `back`) across one or two separators,
/// if there is one: the neighbour of a spelt-out letter in `f u c k` or `a-s-s`.
fn spelt_neighbour(n: &Normalized, at: usize, back: bool) -> Option<usize> {
    let (mut i, mut gap) = (at, 0);
    let c = loop {
        let (j, c) = if back { n.unit_before(i) } else { n.unit_after(i) }?;
        i = j;
        if !is_separator(c) {
            break c;
        }
        gap += 1;
        if gap > 2 {
            return None;
        }
    };
    (gap > 0 && is_word_char(c) && stands_alone(n, i, i)).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_code_renames_every_byte_once_most_frequent_first() {
        let patterns = vec![b"zzzy".to_vec(), "傻逼".as_bytes().to_vec(), b"yz".to_vec()];
        let code = frequency_code(&patterns);
        let mut seen = [false; 256];
        for &c in &code {
            assert!(!std::mem::replace(&mut seen[usize::from(c)], true), "byte name {c} given twice");
        }
        assert_eq!(code[usize::from(b'z')], 0, "z occurs most often");
        assert_eq!(code[usize::from(b'y')], 1);
        // Bytes that occur equally often keep their order; bytes that never occur come last.
        let cjk: Vec<u8> = "傻逼".bytes().collect();
        assert!(cjk.iter().all(|&b| (2..8).contains(&code[usize::from(b)])), "{cjk:?}");
        assert!(code[usize::from(b'a')] >= 8 && code[usize::from(b'a')] < code[usize::from(b'b')]);
    }

    /// The NFA (the wasm's automaton) searches renamed bytes: its hits are the DFA's.
    #[cfg(feature = "dfa-terms")]
    #[test]
    fn nfa_with_renamed_bytes_finds_what_the_dfa_finds() {
        let (m, folds) = matcher(&[("傻逼", true), ("shit", true), ("free of charge", false), ("保证", false)]);
        let patterns: Vec<Vec<u8>> = {
            let mut p = vec![Vec::new(); m.pattern_start.len() - 1];
            let mut n = Normalized::default();
            for (text, k) in [("傻逼", 0), ("shit", 1), ("free of charge", 2), ("保证", 3)] {
                n.renew(text, &folds);
                p[k] = n.compact.clone();
            }
            p
        };
        let nfa = TermAutomaton::build_nfa(patterns.clone());
        let text = "你个煞笔, s.h.i.t, this is free of charge, 我保证 shitty ＳＨＩＴ 傻 逼";
        let mut n = Normalized::default();
        n.renew(text, &folds);
        let (mut by_dfa, mut by_nfa) = (Vec::new(), Vec::new());
        m.hits(&n, &mut by_dfa);
        let nfa_matcher = TermMatcher { ac: nfa, ..m };
        nfa_matcher.hits(&n, &mut by_nfa);
        let spans = |hits: &[Hit]| hits.iter().map(|h| (h.first, h.last)).collect::<Vec<_>>();
        assert_eq!(spans(&by_dfa).len(), 6, "{:?}", spans(&by_dfa));
        assert_eq!(spans(&by_nfa), spans(&by_dfa));
    }

    fn matcher(terms: &[(&str, bool)]) -> (TermMatcher, Folds) {
        let mut folds = Folds::default();
        folds.add_homophone('笔', '逼');
        folds.add_homophone('煞', '傻');
        folds.finish();
        let mut b = TermMatcherBuilder::default();
        for (i, (t, fuzzy)) in terms.iter().enumerate() {
            assert!(b.add(t, Owner::Trigger(i as u32), *fuzzy, &folds).is_ok());
        }
        (b.build(), folds)
    }

    fn found(m: &(TermMatcher, Folds), text: &str) -> Vec<String> {
        let n = Normalized::new(text, &m.1);
        let mut hits = Vec::new();
        m.0.hits(&n, &mut hits);
        hits.iter()
            .map(|h| {
                let (s, e) = n.original_range(h.first, h.last);
                text[s..e].to_string()
            })
            .collect()
    }

    #[test]
    fn disguised_forms_match_with_exact_spans() {
        let m = matcher(&[("傻逼", true), ("fuck*", true), ("shit", true)]);
        assert_eq!(found(&m, "你个傻*逼吧"), ["傻*逼"]);
        assert_eq!(found(&m, "你个煞笔"), ["煞笔"]);
        assert_eq!(found(&m, "ｆｕｃｋｉｎｇ hell"), ["ｆｕｃｋｉｎｇ"]);
        assert_eq!(found(&m, "oh f u c k"), ["f u c k"]);
        assert_eq!(found(&m, "sh1t happens"), ["sh1t"]);
        assert_eq!(found(&m, "shiiiit"), ["shiiiit"]);
    }

    #[test]
    fn word_boundaries_and_spaces_protect_ordinary_words() {
        let m = matcher(&[("sb", true), ("ass", true), ("shit", true), ("sex", false)]);
        assert!(found(&m, "the SBC and NSB boards").is_empty());
        assert!(found(&m, "class, assess, passion").is_empty());
        assert!(found(&m, "it's hit the limit").is_empty());
        assert!(found(&m, "Essex and Middlesex").is_empty());
        assert_eq!(found(&m, "你是SB吗"), ["SB"]);
    }

    #[test]
    fn cjk_terms_are_not_letters_of_a_spelt_out_word() {
        let m = matcher(&[("遍", false), ("ass", true), ("傻逼", true)]);
        // A number or letter set off by spaces before a CJK term does not make the term part of a
        // spelt-out word (the spelt-out rule is for alphabetic scripts).
        assert_eq!(found(&m, "我已经发过 3 遍了"), ["遍"]);
        assert_eq!(found(&m, "我已经发过 N 遍了"), ["遍"]);
        assert_eq!(found(&m, "a 傻 逼 b"), ["傻 逼"]);
        // … while a spelt-out Latin word still holds no term inside it.
        assert!(found(&m, "c l a s s 遍").iter().all(|h| h == "遍"), "{:?}", found(&m, "c l a s s 遍"));
    }

    #[test]
    fn leetspeak_one_stands_for_l_as_well_as_i() {
        let m = matcher(&[("bullshit", true), ("asshole", true), ("all", false)]);
        assert_eq!(found(&m, "such bu11sh1t"), ["bu11sh1t"]);
        assert_eq!(found(&m, "an a55ho1e"), ["a55ho1e"]);
        assert!(found(&m, "buiishit and asshoie").is_empty(), "a real i where the term has l");
        assert!(found(&m, "a11 of it").is_empty(), "exact terms take no leetspeak");
    }

    #[test]
    fn a_masked_term_needs_a_mask_where_it_has_one() {
        let m = matcher(&[("c**t", true), ("b***h", true), ("d*ckhead", true)]);
        assert_eq!(found(&m, "what a c**t"), ["c**t"]);
        assert!(found(&m, "you b*tch").is_empty(), "letters where the term masks");
        assert_eq!(found(&m, "you b***h and b * * * h, b****h"), ["b***h", "b * * * h", "b****h"]);
        assert!(found(&m, "c*t matches cat and cut, b**h").is_empty(), "fewer masks: a wildcard");
        assert_eq!(found(&m, "a d×ckhead"), ["d×ckhead"]);
        assert!(found(&m, "the CT scan and BH ratio").is_empty(), "the letters around the mask alone");
        assert!(found(&m, "c.t and b-h and dckhead").is_empty(), "not a mask");
    }

    #[test]
    fn exact_terms_reject_disguises() {
        let m = matcher(&[("guarantee", false)]);
        assert!(found(&m, "guar4ntee").is_empty());
        assert_eq!(found(&m, "We GUARANTEE it"), ["GUARANTEE"]);
    }
}
