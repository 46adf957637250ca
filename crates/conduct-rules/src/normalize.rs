//! Normalisation: one pass from the original text to the views the rules see, with a map back to
//! exact original byte offsets.
//!
//! * `norm` — NFKC width folding, lower case, Traditional → Simplified, invisible characters
//!   dropped. Regexes run on it.
//! * the *compact* stream — `norm` without separators (whitespace, symbols, emoji), with
//!   leetspeak and homophones folded and runs of one repeated Latin letter collapsed. Terms are
//!   matched on it; every match is then verified against the units it covers.
//!
//! Every character of `norm` is a *unit*, named by its byte offset in `norm`: its base is that
//! character, and it is a separator when [`is_separator`] says so. Nothing is stored per unit or
//! per compact character where the views map onto each other by a shift, which is most of a text
//! (ASCII, CJK): a table of stretches ([`Seg`]) maps the compact stream onto `norm`, and a table of
//! breakpoints ([`Offset`]) maps `norm` back to the original bytes.

use std::collections::BTreeMap;

use crate::nfkc::{is_combining_mark, nfkc_char};
use crate::t2s;

/// One character of the compact stream: a run of non-separator units with the same folded
/// character (runs longer than one only for repeated Latin letters). Computed from the
/// [`Seg`] table when asked for ([`Normalized::cchars`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CChar {
    /// Byte offsets in `norm` of the first and last unit of the run.
    pub first: u32,
    pub last: u32,
    /// Number of non-separator units in the run.
    pub count: u32,
    /// Byte offset of the character in the compact stream.
    pub at: u32,
}

/// A stretch of the compact stream, from byte `at` to the next stretch, and the units of `norm`
/// its characters come from.
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// Byte offset in the compact stream where the stretch starts.
    at: u32,
    /// Byte offset in `norm` of the first unit of its first character.
    norm: u32,
    /// 0: a plain stretch, every character one unit at the same shift (the character at
    /// `at + d` of the compact stream is the unit at `norm + d`). Otherwise the stretch is one
    /// character, a run of `count` non-separator units from `norm` to `last`.
    count: u32,
    last: u32,
}

/// A breakpoint of the map from `norm` back to the original text: from unit `norm` on, up to
/// the next breakpoint, a unit at `norm + d` comes from the original bytes at `start + d`, as long
/// as the unit itself (`end == 0`); or exactly the unit at `norm` came from `start..end` (a
/// character whose normalised form has another length, or several units).
#[derive(Debug, Clone, Copy)]
struct Offset {
    norm: u32,
    start: u32,
    end: u32,
}

/// The homophone table (variant → canonical character) and a direct lookup table for the CJK
/// Unified Ideographs block (base and folded form), built once per checker.
#[derive(Debug, Clone, Default)]
pub(crate) struct Folds {
    /// (variant, key) pairs: a dozen, so a scan finds one as fast as a map would (they are
    /// looked up while the CJK table is built and for the rare character outside the tables),
    /// and the wasm carries no map code for them. Filled by [`Folds::add_homophone`].
    pub homophones: Vec<(char, char)>,
    /// Contrast conjunctions in normalised form (`segment::contrast_ends`).
    pub contrasts: Vec<String>,
    /// The contrasts and the clause openers (`so we`, `所以`), normalised: where what
    /// `unless_before` sees starts again.
    pub openers: Vec<String>,
    /// Shared regexes by name (`[patterns]`), handed to the checker's regex pool.
    pub patterns: BTreeMap<String, String>,
    /// Reply and forward headers (`quote_headers`), one regex for the checker's regex pool (see
    /// `Checker::quoted_ranges`).
    pub quote_headers: Vec<String>,
    /// For `U+4E00 + i`: (simplified, homophone-folded simplified). Empty until [`Folds::finish`].
    cjk: Vec<(char, char)>,
    /// For `U+3000 + i` (CJK punctuation and symbols, kana, …): what normalisation makes of it,
    /// if it is one character. Empty until [`Folds::finish`].
    symbols: Vec<Option<Wide>>,
}

/// What normalisation makes of a three-byte character when it is one character: the base, its
/// fold and whether it is a separator (then the fold is the base).
#[derive(Debug, Clone, Copy)]
struct Wide {
    base: char,
    fold: char,
    sep: bool,
}

const SYMBOLS_FIRST: u32 = 0x3000;
const SYMBOLS_LAST: u32 = 0x33FF;

const CJK_FIRST: u32 = 0x4E00;
const CJK_LAST: u32 = 0x9FFF;

/// A normalised text.
#[derive(Debug, Default)]
pub(crate) struct Normalized {
    pub norm: String,
    /// The compact stream, UTF-8 (built a byte at a time for ASCII; always whole characters).
    pub compact: Vec<u8>,
    /// The stretches of the compact stream, by `at`; the first at 0 when the stream is not empty.
    segs: Vec<Seg>,
    /// The breakpoints of the map back to the original text, by `norm` (a later one of the same
    /// `norm` wins); none for a text whose units are all their original characters.
    offsets: Vec<Offset>,
    /// Set when a Latin letter followed the same letter across separators (`a s s`, `a-s-s`):
    /// only then can [`Normalized::merge_spaced_doubles`] have work.
    spaced_double: bool,
}

/// Length of the UTF-8 character whose first byte is `b`.
#[inline(always)]
fn utf8_len(b: u8) -> usize {
    match b {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Characters dropped entirely: zero-width and format characters, variation selectors,
/// combining marks (so `f̶u̶c̶k̶` reads as `fuck`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E0FFF}')
        || (!c.is_ascii() && is_combining_mark(c))
}

/// Han ideographs (and the iteration mark), the script without word boundaries.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// The CJK Unified Ideographs block, every character of it assigned and a letter: the common
/// case, answered before a search of the Unicode tables.
fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// `c.is_alphabetic()`, with ASCII and Han answered without the Unicode tables.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        is_han(c) || c.is_alphabetic()
    }
}

/// A letter or digit of an alphabetic script: what a Latin word boundary must not touch.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // CJK and its punctuation first: `is_alphanumeric` searches the Unicode tables.
        !is_cjk(c) && !matches!(c, '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}') && c.is_alphanumeric()
    }
}

/// Do units `first..=last` stand alone, no letter or digit touching them on either side? A
/// one-letter word, or a letter spelt out (`f u c k`); the `s` of `that's` belongs to its word.
pub(crate) fn stands_alone(n: &Normalized, first: usize, last: usize) -> bool {
    let word = |u: Option<(usize, char)>| u.is_some_and(|(_, c)| is_word_char(c));
    let before = n.unit_before(first);
    let contraction =
        matches!(before, Some((_, '\'' | '\u{2019}'))) && word(before.and_then(|(j, _)| n.unit_before(j)));
    !(word(before) || word(n.unit_after(last)) || contraction)
}

/// Separators skipped by term matching. Never CJK punctuation, brackets or quotes, never `, ; : ? !`.
/// Emoji are separators, except the few that are a gesture at the reader ([`GESTURE_EMOJI`]).
pub(crate) fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_separator(c as u8);
    }
    !is_han(c) && c.is_whitespace()
        || matches!(c,
            '·' | '•' | '‧' | '∙' | '・' | '°' | '×' | '¤' | '§' | '¦' | '♡' | '♥' | '☆' | '★'
            | '\u{2010}'..='\u{2015}' | '\u{2020}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{2190}'..='\u{23FF}' | '\u{25A0}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}'
            | '\u{1F000}'..='\u{1FAFF}')
            && !GESTURE_EMOJI.contains(&c)
}

/// Emoji that say something to the reader on their own (an eye roll, a middle finger, a clown, a
/// facepalm): kept in the compact stream, so a pack can list them as terms.
const GESTURE_EMOJI: [char; 7] = ['🙄', '🖕', '🤡', '💩', '😒', '🤦', '🥱'];

/// The ASCII separators: whitespace and the symbols people put between letters.
const fn is_ascii_separator(b: u8) -> bool {
    matches!(
        b,
        b'\t'
            ..=b'\r'
                | b' '
                | b'*'
                | b'.'
                | b'-'
                | b'_'
                | b'~'
                | b'^'
                | b'|'
                | b'/'
                | b'\\'
                | b'+'
                | b'='
                | b'#'
                | b'%'
                | b'&'
                | b'`'
    )
}

/// What normalisation makes of one ASCII character (the common case, table-driven).
#[derive(Debug, Clone, Copy)]
struct AsciiClass {
    base: u8,
    fold: u8,
    sep: bool,
}

/// [`AsciiClass`] of every ASCII byte: lower case, separator, leetspeak fold.
static ASCII: [AsciiClass; 128] = {
    let mut table = [AsciiClass { base: 0, fold: 0, sep: false }; 128];
    let mut i = 0;
    while i < 128 {
        let base = (i as u8).to_ascii_lowercase();
        let sep = is_ascii_separator(base);
        let fold = match leet(base as char) {
            Some(l) if !sep => l as u8,
            _ => base,
        };
        table[i] = AsciiClass { base, fold, sep };
        i += 1;
    }
    table
};

/// [`ASCII_FOLD`] of a separator (no ASCII character's fold).
const SEPARATOR: u8 = 0xFF;

/// The fold of every ASCII byte, or [`SEPARATOR`]: [`AsciiClass`] in one byte, for the loop over
/// ASCII runs (256 entries, so a byte indexes it without a bounds check).
static ASCII_FOLD: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut i = 0;
    while i < 128 {
        if !ASCII[i].sep {
            table[i] = ASCII[i].fold;
        }
        i += 1;
    }
    table
};

/// Leetspeak: the letter a digit or symbol stands for.
const fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// True when `base` differs from what it folds to by leetspeak.
pub(crate) fn is_leet(base: char) -> bool {
    leet(base).is_some()
}

/// Calls `emit` with each normalised character of `c` (usually exactly one).
#[inline]
fn normalize_char(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
    } else if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        // Full-width ASCII forms: what NFKC does, without the table walk.
        let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
        emit(ascii.to_ascii_lowercase());
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        emit(t2s::simplify(c));
    } else if is_invisible(c) {
    } else {
        nfkc_char(c, |n| {
            if n.is_ascii() {
                emit(n.to_ascii_lowercase());
            } else {
                for l in n.to_lowercase() {
                    if !is_invisible(l) {
                        emit(t2s::simplify(l));
                    }
                }
            }
        });
    }
}

/// Normalises a term or phrase written in a pack or policy (no offsets needed).
pub(crate) fn normalize_plain(s: &str) -> String {
    // ASCII only needs lower-casing (see `normalize_char`).
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        normalize_char(c, |n| out.push(n));
    }
    out
}

impl Folds {
    /// Folds `variant` to `key` (a later pair for the same variant replaces an earlier one).
    pub(crate) fn add_homophone(&mut self, variant: char, key: char) {
        match self.homophones.iter_mut().find(|(v, _)| *v == variant) {
            Some(pair) => pair.1 = key,
            None => self.homophones.push((variant, key)),
        }
    }

    /// Builds the CJK lookup table; call after filling `homophones`.
    pub(crate) fn finish(&mut self) {
        // What `t2s::simplify` and `fold` give for each character of the block, without a search
        // per character: most characters are their own base and fold; then the homophone
        // variants fold to their key, and the Traditional characters (a sorted slice of the
        // Traditional → Simplified table) take their Simplified base and its fold.
        let in_block =
            |u: u32| u.checked_sub(CJK_FIRST).map(|i| i as usize).filter(|&i| i <= (CJK_LAST - CJK_FIRST) as usize);
        let mut cjk: Vec<(char, char)> = (CJK_FIRST..=CJK_LAST)
            .map(|u| {
                let c = char::from_u32(u).unwrap_or(' ');
                (c, c)
            })
            .collect();
        for &(variant, key) in &self.homophones {
            if let Some(i) = in_block(variant as u32) {
                cjk[i] = (variant, key);
            }
        }
        let t2s = &*t2s::T2S;
        let first = t2s.partition_point(|&(k, _)| k < CJK_FIRST);
        for &(k, v) in t2s[first..].iter().take_while(|&&(k, _)| k <= CJK_LAST) {
            if let (Some(i), Some(base)) = (in_block(k), char::from_u32(v)) {
                cjk[i] = (base, self.fold(base));
            }
        }
        self.cjk = cjk;
        self.symbols = (SYMBOLS_FIRST..=SYMBOLS_LAST)
            .map(|u| {
                let (mut base, mut count) = (None, 0);
                normalize_char(char::from_u32(u)?, |b| {
                    base = Some(b);
                    count += 1;
                });
                let base = base.filter(|_| count == 1)?;
                let sep = is_separator(base);
                Some(Wide { base, fold: if sep { base } else { self.fold(base) }, sep })
            })
            .collect();
    }

    /// Length in bytes of the run of CJK ideographs at the start of `bytes` that are their own
    /// base and fold (neither Traditional nor a homophone variant).
    #[inline(always)]
    fn plain_cjk_run(&self, bytes: &[u8]) -> usize {
        let mut end = 0;
        // U+4E00..U+9FFF: lead bytes E4 (from U+4E00 on) to E9.
        while let Some(&[b0 @ 0xE4..=0xE9, b1, b2]) = bytes.get(end..end + 3) {
            let c = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            match self.cjk.get(c.wrapping_sub(CJK_FIRST) as usize) {
                Some(&(base, fold)) if base as u32 == c && fold as u32 == c => end += 3,
                _ => break,
            }
        }
        end
    }

    /// What normalisation makes of the three-byte character `c`, by table, when it is one
    /// character: CJK ideographs, CJK punctuation and symbols, full-width ASCII forms.
    // Forced inline natively (once per CJK character); the wasm, built for size, decides itself.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    fn wide(&self, c: u32) -> Option<Wide> {
        if let Some(&(base, fold)) = self.cjk.get(c.wrapping_sub(CJK_FIRST) as usize) {
            return Some(Wide { base, fold, sep: false });
        }
        if let Some(&w) = self.symbols.get(c.wrapping_sub(SYMBOLS_FIRST) as usize) {
            return w;
        }
        // Full-width ASCII forms: NFKC gives the ASCII character.
        let a = ASCII[c.checked_sub(0xFEE0).filter(|a| (0x21..=0x7E).contains(a))? as usize];
        Some(Wide { base: a.base as char, fold: a.fold as char, sep: a.sep })
    }

    fn fold(&self, base: char) -> char {
        if base.is_ascii() {
            leet(base).unwrap_or(base)
        } else {
            self.homophones.iter().find(|&&(v, _)| v == base).map_or(base, |&(_, key)| key)
        }
    }
}

/// Where the run of ASCII bytes from `i` on ends: eight bytes at a time natively.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
fn ascii_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + bytes[i..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - i)
}

/// Where the run of ASCII bytes from `i` on ends (the wasm, built for size: a byte at a time).
#[cfg(target_arch = "wasm32")]
fn ascii_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().position(|b| !b.is_ascii()).map_or(bytes.len(), |p| i + p)
}

/// The views while [`Normalized::fill`] builds them, in locals of `fill` so that their lengths
/// stay in registers (behind `&mut self`, a write through one buffer reloads the others').
///
/// `norm` is written lazily: a character that is its own base (ASCII before lower-casing, most
/// CJK) is left in the text and copied with its neighbours, `text[copied..]` at a time, by
/// [`Writer::flush`]; a unit's offset in `norm` counts those pending bytes.
struct Writer<'t> {
    text: &'t str,
    norm: String,
    compact: Vec<u8>,
    segs: Vec<Seg>,
    offsets: Vec<Offset>,
    spaced_double: bool,
    /// `text[copied..]` up to the current character is still to be appended to `norm`.
    copied: usize,
    /// The unit the next compact character must come from to continue the last stretch (plain,
    /// at the same shift); `usize::MAX` when it cannot (after a run of repeated letters).
    expect: usize,
}

impl Writer<'_> {
    /// Offset in `norm` of the text's byte `at`, when everything since `copied` is copied as is.
    #[inline(always)]
    fn norm_at(&self, at: usize) -> usize {
        self.norm.len() + (at - self.copied)
    }

    /// Appends the pending `text[copied..at]` to `norm`, lower-cased (only ASCII ever needs it).
    #[inline(always)]
    fn flush(&mut self, at: usize) {
        let from = self.norm.len();
        self.norm.push_str(self.text.get(self.copied..at).unwrap_or_default());
        self.norm[from..].make_ascii_lowercase();
        self.copied = at;
    }

    /// The base of the unit before unit `x`, written or still pending (then not lower-cased yet).
    // Called when a letter follows the same letter (rare): one copy.
    #[inline(never)]
    fn char_before(&self, x: usize) -> Option<char> {
        let before = match x.checked_sub(self.norm.len()) {
            Some(d) if d > 0 => self.text.get(self.copied..self.copied + d),
            _ => self.norm.get(..x),
        };
        before?.chars().next_back()
    }

    /// Starts a plain stretch of the compact stream at unit `j`, unless the last one goes on there.
    #[inline(always)]
    fn start_seg(&mut self, j: usize) {
        if j != self.expect {
            self.segs.push(Seg { at: self.compact.len() as u32, norm: j as u32, count: 0, last: 0 });
        }
    }

    /// Unit `j` is a Latin letter equal to the compact character at byte `p`, the last one (one
    /// byte): collapses it into that character when it directly follows the character's last
    /// unit (a run of one repeated letter, never across a separator) and returns true. Otherwise
    /// notes a doubled letter spelt out (`a s s`: a one-letter word before) in `spaced_double`.
    // Rare (a letter after the same letter): kept out of the loops that call it.
    #[inline(never)]
    fn collapse(&mut self, p: usize, j: usize) -> bool {
        let Some(&s) = self.segs.last() else { return false };
        let (first, last, count) = if s.count == 0 {
            let x = s.norm as usize + (p - s.at as usize);
            (x, x, 1)
        } else {
            (s.norm as usize, s.last as usize, s.count)
        };
        // Right after the run's last unit, nothing between.
        if self.char_before(j).map(|c| j - c.len_utf8()) == Some(last) {
            if s.count == 0 && s.at as usize != p {
                self.segs.push(Seg { at: p as u32, norm: first as u32, count: 2, last: j as u32 });
            } else if let Some(s) = self.segs.last_mut() {
                s.count = s.count.max(1) + 1;
                s.last = j as u32;
            }
            return true;
        }
        // Only a one-letter word before, not a word's last letter (`this service`).
        if count == 1 && (first == 0 || !self.char_before(first).is_some_and(is_word_char)) {
            self.spaced_double = true;
        }
        false
    }

    /// Appends the ASCII `run`, which starts at byte `at` of the text: one unit per byte, left
    /// to [`Writer::flush`] for `norm`; only the compact stream is written here, a byte per
    /// character (by index into room made for the whole run), and a stretch where a word starts.
    #[inline(always)]
    fn ascii(&mut self, at: usize, run: &[u8]) {
        // The stream out of `self` meanwhile, so that its pointer stays in a register; natively
        // written by index into room made for the run (the wasm, built for size, pushes).
        let mut compact = std::mem::take(&mut self.compact);
        let mut w = compact.len();
        #[cfg(not(target_arch = "wasm32"))]
        compact.resize(w + run.len(), 0);
        // The last compact byte (0 is no letter's fold).
        let mut prev = w.checked_sub(1).map_or(0, |p| compact[p]);
        let mut expect = self.expect;
        let mut next = self.norm_at(at);
        for &b in run {
            let fold = ASCII_FOLD[usize::from(b)];
            let j = next;
            next += 1;
            if fold == SEPARATOR {
                continue;
            }
            if fold == prev && fold.is_ascii_lowercase() && self.collapse(w - 1, j) {
                expect = usize::MAX;
                continue;
            }
            if j != expect {
                self.segs.push(Seg { at: w as u32, norm: j as u32, count: 0, last: 0 });
            }
            #[cfg(not(target_arch = "wasm32"))]
            if let Some(c) = compact.get_mut(w) {
                *c = fold;
            }
            #[cfg(target_arch = "wasm32")]
            compact.push(fold);
            prev = fold;
            w += 1;
            expect = next;
        }
        #[cfg(not(target_arch = "wasm32"))]
        compact.truncate(w);
        self.compact = compact;
        self.expect = expect;
    }

    /// Appends `run`, at byte `at` of the text, CJK ideographs that are their own base and fold
    /// (see [`Folds::plain_cjk_run`]): the compact stream a copy of `run`, `norm` left to
    /// [`Writer::flush`].
    #[inline(always)]
    fn plain_cjk(&mut self, at: usize, run: &[u8]) {
        let j = self.norm_at(at);
        self.start_seg(j);
        self.compact.extend_from_slice(run);
        self.expect = j + run.len();
    }

    /// Appends the unit of the three-byte character `c` (`bytes`) at byte `at` of the text, which
    /// normalises to `base` alone: copied lazily into `norm` when it is its own base, and into the
    /// compact stream without encoding when it is its own fold.
    #[inline(always)]
    fn wide(&mut self, at: usize, c: u32, bytes: [u8; 3], w: Wide) {
        let j = if w.base as u32 == c {
            self.norm_at(at)
        } else {
            self.flush(at);
            self.copied = at + 3;
            let j = self.norm.len();
            self.norm.push(w.base);
            if w.base.len_utf8() != 3 {
                self.exact(j, at, at + 3);
            }
            j
        };
        if w.sep {
        } else if w.fold as u32 == c {
            self.start_seg(j);
            self.compact.extend_from_slice(&bytes);
            self.expect = j + 3;
        } else {
            self.push_compact(j, w.fold);
        }
    }

    /// Unit `j`, the last one written, came from the original bytes `start..end`, which are not
    /// its length: a breakpoint for it, and one for the units after it.
    fn exact(&mut self, j: usize, start: usize, end: usize) {
        self.offsets.push(Offset { norm: j as u32, start: start as u32, end: end as u32 });
        self.offsets.push(Offset { norm: self.norm.len() as u32, start: end as u32, end: 0 });
    }

    /// Appends a unit to `norm` (the general path).
    fn push(&mut self, base: char, fold: char, sep: bool) {
        let j = self.norm.len();
        self.norm.push(base);
        if !sep {
            self.push_compact(j, fold);
        }
    }

    /// Appends unit `j`, not a separator, to the compact stream as `fold`.
    fn push_compact(&mut self, j: usize, fold: char) {
        // (An ASCII character ends the stream exactly when its last byte is that character.)
        if fold.is_ascii_alphabetic()
            && self.compact.last() == Some(&(fold as u8))
            && self.collapse(self.compact.len() - 1, j)
        {
            self.expect = usize::MAX;
            return;
        }
        self.start_seg(j);
        self.compact.extend_from_slice(fold.encode_utf8(&mut [0; 4]).as_bytes());
        self.expect = j + fold.len_utf8();
    }
}

/// The compact characters from a byte of the compact stream on ([`Normalized::cchars_near`]).
pub(crate) struct CChars<'a> {
    n: &'a Normalized,
    /// The stretch holding `at`.
    seg: usize,
    at: usize,
}

impl Iterator for CChars<'_> {
    type Item = CChar;

    #[inline]
    fn next(&mut self) -> Option<CChar> {
        let n = self.n;
        let &b = n.compact.get(self.at)?;
        // (A stretch holds at least one character: one step at most.)
        if n.segs.get(self.seg + 1).is_some_and(|s| s.at as usize <= self.at) {
            self.seg += 1;
        }
        let s = n.segs.get(self.seg)?;
        let at = self.at as u32;
        self.at += utf8_len(b);
        Some(if s.count == 0 {
            let x = s.norm + (at - s.at);
            CChar { first: x, last: x, count: 1, at }
        } else {
            CChar { first: s.norm, last: s.last, count: s.count, at }
        })
    }
}

impl Normalized {
    /// Normalises `text`.
    pub(crate) fn new(text: &str, folds: &Folds) -> Normalized {
        let mut n = Normalized {
            norm: String::with_capacity(text.len()),
            compact: Vec::with_capacity(text.len()),
            segs: Vec::with_capacity(text.len() / 8 + 1),
            offsets: Vec::new(),
            spaced_double: false,
        };
        n.fill(text, folds);
        n
    }

    /// Normalises `text` into `self`, reusing its buffers: for many short texts in a row (the
    /// terms of the packs while a checker is built), without allocating for each.
    pub(crate) fn renew(&mut self, text: &str, folds: &Folds) {
        self.norm.clear();
        self.compact.clear();
        self.segs.clear();
        self.offsets.clear();
        self.spaced_double = false;
        self.fill(text, folds);
    }

    /// Appends the views of `text` (to empty buffers). Never inlined, so that profiles show it.
    #[inline(never)]
    fn fill(&mut self, text: &str, folds: &Folds) {
        let mut w = Writer {
            text,
            norm: std::mem::take(&mut self.norm),
            compact: std::mem::take(&mut self.compact),
            segs: std::mem::take(&mut self.segs),
            offsets: std::mem::take(&mut self.offsets),
            spaced_double: false,
            copied: 0,
            expect: usize::MAX,
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                let end = ascii_end(bytes, i);
                w.ascii(i, &bytes[i..end]);
                i = end;
                continue;
            }
            // A run of CJK ideographs that are their own base and fold: most of a Chinese text.
            let run = folds.plain_cjk_run(&bytes[i..]);
            if run > 0 {
                w.plain_cjk(i, &bytes[i..i + run]);
                i += run;
                continue;
            }
            // Three bytes (U+0800..U+FFFF): CJK, its punctuation, full-width forms, by table.
            if let [b0 @ 0xE0..=0xEF, b1, b2, ..] = bytes[i..] {
                let c = (u32::from(b0 & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                if let Some(wide) = folds.wide(c) {
                    w.wide(i, c, [b0, b1, b2], wide);
                    i += 3;
                    continue;
                }
            }
            let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else { break };
            let (start, end) = (i, i + c.len_utf8());
            w.flush(i);
            i = end;
            w.copied = i;
            let (from, breakpoints) = (w.norm.len(), w.offsets.len());
            normalize_char(c, |base| {
                let sep = is_separator(base);
                let fold = if sep { base } else { folds.fold(base) };
                w.offsets.push(Offset { norm: w.norm.len() as u32, start: start as u32, end: end as u32 });
                w.push(base, fold, sep);
            });
            if w.offsets.len() == breakpoints + 1 && w.norm.len() - from == end - start {
                // One unit as long as its character: at the shift, no breakpoint needed.
                w.offsets.pop();
            } else {
                w.offsets.push(Offset { norm: w.norm.len() as u32, start: end as u32, end: 0 });
            }
        }
        w.flush(bytes.len());
        (self.norm, self.compact, self.segs, self.offsets) = (w.norm, w.compact, w.segs, w.offsets);
        self.spaced_double = w.spaced_double;
        if self.spaced_double {
            self.merge_spaced_doubles();
        }
    }

    /// A word spelt out letter by letter (`a s s h o l e`, `d-u-m-b-a-s-s`) has its doubled letter
    /// as two one-letter words, which the run collapse (never across a separator) leaves apart, so
    /// the collapsed pattern `ashole` would not match. Inside such a run of at least three
    /// one-letter words, two equal neighbours become one run, as if written together.
    fn merge_spaced_doubles(&mut self) {
        let mut old: Vec<CChar> = Vec::with_capacity(self.compact.len());
        for c in self.cchars() {
            old.push(c);
        }
        let single = |c: &CChar| c.count == 1 && stands_alone(self, c.first as usize, c.last as usize);
        // The bytes of compact character `k`; a letter to merge is one byte.
        let bytes = |k: usize| {
            let end = old.get(k + 1).map_or(self.compact.len(), |c| c.at as usize);
            self.compact.get(old[k].at as usize..end).unwrap_or_default()
        };
        let (mut compact, mut cchars) = (Vec::with_capacity(self.compact.len()), Vec::with_capacity(old.len()));
        let mut k = 0;
        while k < old.len() {
            let start = k;
            let mut merged = old[k];
            let letter = matches!(bytes(start), [b] if b.is_ascii_alphabetic());
            while k + 1 < old.len()
                && letter
                && bytes(k + 1) == bytes(start)
                && single(&old[k])
                && single(&old[k + 1])
                && ((start > 0 && single(&old[start - 1])) || (k + 2 < old.len() && single(&old[k + 2])))
            {
                k += 1;
                merged.last = old[k].last;
                merged.count += 1;
            }
            merged.at = compact.len() as u32;
            compact.extend_from_slice(bytes(start));
            cchars.push(merged);
            k += 1;
        }
        self.compact = compact;
        self.set_cchars(&cchars);
    }

    /// Rebuilds the stretches from the compact characters `cchars` of the compact stream.
    fn set_cchars(&mut self, cchars: &[CChar]) {
        self.segs.clear();
        for c in cchars {
            let shift = c.first.wrapping_sub(c.at);
            match self.segs.last() {
                Some(s) if c.count == 1 && s.count == 0 && s.norm.wrapping_sub(s.at) == shift => {}
                _ => {
                    let count = if c.count == 1 { 0 } else { c.count };
                    self.segs.push(Seg { at: c.at, norm: c.first, count, last: c.last });
                }
            }
        }
    }

    /// The compact characters, in order.
    pub(crate) fn cchars(&self) -> CChars<'_> {
        CChars { n: self, seg: 0, at: 0 }
    }

    /// The compact characters from byte `p` (where one starts) on, for the match `p..end` of the
    /// compact stream, when `*near` is
    /// the stretch holding the end of an earlier match (updated): the automaton reports its
    /// matches by their ends, in order, so the stretch of the end is a few steps on from there and
    /// the stretch of the start a few steps back, not a search away.
    pub(crate) fn cchars_near(&self, p: usize, end: usize, near: &mut usize) -> CChars<'_> {
        let segs = &self.segs;
        let mut seg = (*near).min(segs.len().saturating_sub(1));
        while segs.get(seg + 1).is_some_and(|s| (s.at as usize) < end) {
            seg += 1;
        }
        *near = seg;
        while seg > 0 && segs[seg].at as usize > p {
            seg -= 1;
        }
        CChars { n: self, seg, at: p }
    }

    /// The last unit of the compact character that ends at byte `end` of the compact stream,
    /// whose stretch is `seg` (as [`Normalized::cchars_near`] leaves it).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(crate) fn last_unit(&self, end: usize, seg: usize) -> usize {
        let mut q = end.saturating_sub(1);
        while q > 0 && self.compact.get(q).is_some_and(|&b| b & 0xC0 == 0x80) {
            q -= 1;
        }
        match self.segs.get(seg) {
            Some(s) if s.count == 0 => s.norm as usize + (q - s.at as usize),
            Some(s) => s.last as usize,
            None => 0,
        }
    }

    /// The base of the unit at byte `x` of `norm`.
    #[inline]
    pub(crate) fn base(&self, x: usize) -> char {
        match self.norm.as_bytes().get(x) {
            Some(&b) if b < 0x80 => b as char,
            _ => self.norm.get(x..).and_then(|s| s.chars().next()).unwrap_or('\0'),
        }
    }

    /// Byte offset in `norm` just after the unit at `x`.
    #[inline]
    pub(crate) fn unit_end(&self, x: usize) -> usize {
        x + self.norm.as_bytes().get(x).map_or(1, |&b| utf8_len(b))
    }

    /// The unit before the unit at `x`, and its base.
    // Inlined natively; one copy in the wasm, built for size (it decodes UTF-8 backwards).
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(crate) fn unit_before(&self, x: usize) -> Option<(usize, char)> {
        match self.norm.as_bytes().get(x.checked_sub(1)?) {
            Some(&b) if b < 0x80 => Some((x - 1, b as char)),
            _ => self.norm.get(..x)?.char_indices().next_back(),
        }
    }

    /// The unit after the unit at `x`, and its base.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(crate) fn unit_after(&self, x: usize) -> Option<(usize, char)> {
        let e = self.unit_end(x);
        (e < self.norm.len()).then(|| (e, self.base(e)))
    }

    /// The bases of the units from `first` to `last`: the part of `norm` they are.
    pub(crate) fn units(&self, first: usize, last: usize) -> &str {
        self.norm.get(first..self.unit_end(last)).unwrap_or_default()
    }

    /// Original byte range of the unit at `x`.
    fn original(&self, x: usize) -> (usize, usize) {
        let i = self.offsets.partition_point(|o| o.norm as usize <= x);
        match i.checked_sub(1).map(|i| self.offsets[i]) {
            Some(o) if o.end != 0 => (o.start as usize, o.end as usize),
            o => {
                let start = o.map_or(x, |o| o.start as usize + (x - o.norm as usize));
                (start, start + (self.unit_end(x) - x))
            }
        }
    }

    /// Original byte range of the units `first..=last`.
    pub(crate) fn original_range(&self, first: usize, last: usize) -> (usize, usize) {
        (self.original(first).0, self.original(last).1)
    }

    /// Original byte range of the `norm` byte range `a..b` (empty ranges map to `None`).
    pub(crate) fn original_of_norm(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        if a >= b {
            return None;
        }
        let ceil = |mut x: usize| {
            while !self.norm.is_char_boundary(x) {
                x += 1;
            }
            x
        };
        let first = ceil(a.min(self.norm.len()));
        let (last, _) = self.unit_before(ceil(b.min(self.norm.len())))?;
        if first > last {
            return None;
        }
        Some(self.original_range(first, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds() -> Folds {
        let mut f = Folds::default();
        f.add_homophone('笔', '逼');
        f.finish();
        f
    }

    #[test]
    fn folds_width_case_traditional_and_drops_invisibles() {
        let n = Normalized::new("ＦＵＣＫ 傻\u{200b}逼 擔保", &folds());
        assert_eq!(n.norm, "fuck 傻逼 担保");
        assert_eq!(n.compact, "fuck傻逼担保".as_bytes());
    }

    #[test]
    fn compact_skips_separators_folds_leet_and_homophones() {
        let n = Normalized::new("f.u.c.k sh1t 煞笔 fuuuuck", &folds());
        assert_eq!(n.compact, "fuckshit煞逼fuck".as_bytes());
        // the collapsed run covers the original "uuuu"
        let u = n.cchars().find(|c| c.count == 4).expect("collapsed run");
        let (s, e) = n.original_range(u.first as usize, u.last as usize);
        assert_eq!(&"f.u.c.k sh1t 煞笔 fuuuuck"[s..e], "uuuu");
    }

    #[test]
    fn compact_keeps_gesture_emoji_and_skips_the_rest() {
        let text = "ok 😊 fu👍ck 🙄 again🤦\u{200d}♂\u{fe0f}";
        let n = Normalized::new(text, &folds());
        assert_eq!(n.compact, "okfuck🙄again🤦".as_bytes());
        // The kept emoji maps back to its own bytes in the original.
        let roll = n.cchars().find(|c| n.units(c.first as usize, c.last as usize) == "🙄").expect("🙄 kept");
        let (s, e) = n.original_range(roll.first as usize, roll.last as usize);
        assert_eq!(&text[s..e], "🙄");
    }

    #[test]
    fn cjk_table_agrees_with_simplify_and_fold() {
        let mut f = folds();
        // A Traditional variant: its own entry takes its Simplified base.
        f.add_homophone('說', '话');
        f.finish();
        for u in CJK_FIRST..=CJK_LAST {
            let c = char::from_u32(u).expect("a character");
            let base = t2s::simplify(c);
            assert_eq!(f.cjk[(u - CJK_FIRST) as usize], (base, f.fold(base)), "{c}");
        }
        assert_eq!(f.cjk[('笔' as u32 - CJK_FIRST) as usize], ('笔', '逼'));
        assert_eq!(f.cjk[('筆' as u32 - CJK_FIRST) as usize], ('笔', '逼'));
    }

    #[test]
    fn word_chars_letters_and_separators_agree_with_unicode() {
        for c in ('\0'..='\u{FFFF}').chain('\u{20000}'..='\u{20010}') {
            assert_eq!(is_word_char(c), !is_cjk(c) && c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            if is_han(c) {
                assert!(!is_separator(c) && !c.is_whitespace(), "{c:?}");
            }
        }
    }

    #[test]
    fn ascii_table_agrees_with_the_character_rules() {
        for b in 0u8..128 {
            let c = b as char;
            let base = c.to_ascii_lowercase();
            let sep = base.is_whitespace() || "*.-_~^|/\\+=#%&`".contains(base);
            let fold = if sep { base } else { leet(base).unwrap_or(base) };
            let a = ASCII[b as usize];
            assert_eq!((a.base as char, a.fold as char, a.sep), (base, fold, sep), "byte {b:#04x}");
            assert_eq!(is_separator(base), sep, "byte {b:#04x}");
        }
    }

    /// The views of a normalised text, independent of how [`Normalized`] stores them: units as
    /// (start, end, norm, base, sep), compact characters as (first, last, count, byte offset).
    #[derive(Debug, PartialEq)]
    struct Views {
        norm: String,
        units: Vec<(u32, u32, u32, char, bool)>,
        compact: String,
        cchars: Vec<(u32, u32, u32, u32)>,
    }

    fn views(n: &Normalized) -> Views {
        // Units are named by their offset in `norm`; the views number them.
        let offsets: Vec<usize> = n.norm.char_indices().map(|(i, _)| i).collect();
        let index = |x: u32| offsets.binary_search(&(x as usize)).expect("a unit") as u32;
        Views {
            norm: n.norm.clone(),
            units: n
                .norm
                .char_indices()
                .map(|(x, base)| {
                    let (start, end) = n.original_range(x, x);
                    (start as u32, end as u32, x as u32, base, is_separator(base))
                })
                .collect(),
            compact: String::from_utf8(n.compact.clone()).expect("compact is UTF-8"),
            cchars: n.cchars().map(|c| (index(c.first), index(c.last), c.count, c.at)).collect(),
        }
    }

    /// What [`Normalized::fill`] must give, written the plain way: one character at a time
    /// through `normalize_char` and `Folds::fold` (no tables, no fast paths).
    fn reference(text: &str, folds: &Folds) -> Views {
        let mut v = Views { norm: String::new(), units: Vec::new(), compact: String::new(), cchars: Vec::new() };
        let mut spaced_double = false;
        for (i, c) in text.char_indices() {
            let (start, end) = (i as u32, (i + c.len_utf8()) as u32);
            normalize_char(c, |base| {
                let sep = is_separator(base);
                let idx = v.units.len() as u32;
                v.units.push((start, end, v.norm.len() as u32, base, sep));
                v.norm.push(base);
                if sep {
                    return;
                }
                let fold = folds.fold(base);
                if fold.is_ascii_alphabetic() && v.compact.ends_with(fold) {
                    let last = v.cchars.last_mut().expect("a compact character");
                    if last.1 + 1 == idx {
                        last.1 = idx;
                        last.2 += 1;
                        return;
                    }
                    let a = last.0 as usize;
                    if last.2 == 1 && (a == 0 || !is_word_char(v.units[a - 1].3)) {
                        spaced_double = true;
                    }
                }
                v.cchars.push((idx, idx, 1, v.compact.len() as u32));
                v.compact.push(fold);
            });
        }
        if !spaced_double {
            return v;
        }
        // The merge of spelt-out doubled letters is not a fast path: the reference runs the same one,
        // on views stored the plain way (a breakpoint for every unit).
        let norm_of = |i: u32| v.units[i as usize].2;
        let mut n = Normalized {
            offsets: v.units.iter().map(|&(start, end, norm, ..)| Offset { norm, start, end }).collect(),
            compact: v.compact.clone().into_bytes(),
            norm: v.norm.clone(),
            segs: Vec::new(),
            spaced_double,
        };
        let cchars: Vec<CChar> = v
            .cchars
            .iter()
            .map(|&(first, last, count, at)| CChar { first: norm_of(first), last: norm_of(last), count, at })
            .collect();
        n.set_cchars(&cchars);
        n.merge_spaced_doubles();
        views(&n)
    }

    /// What the checker asks of a normalised text besides its views, against the reference: the
    /// compact characters from each of them on, a unit's neighbours and base, and the original
    /// range of `norm` ranges (first unit at or after the start, last before the end).
    fn navigation_agrees(n: &Normalized, v: &Views) {
        let cchars: Vec<CChar> = n.cchars().collect();
        let mut near = 0;
        for (k, c) in cchars.iter().enumerate() {
            // From the stretch of the one before, of the last one, of the first.
            let end = (c.at + 1) as usize;
            for mut from in [near, n.segs.len(), 0] {
                let found: Vec<CChar> = n.cchars_near(c.at as usize, end, &mut from).collect();
                assert_eq!(found, cchars[k..], "near {}", c.at);
            }
            // As for a match from the first character to this one's.
            n.cchars_near(0, end, &mut near);
            assert_eq!(n.last_unit(end, near), c.last as usize, "last unit of {}", c.at);
        }
        let unit = |i: usize| v.units.get(i).map(|u| (u.2 as usize, u.3));
        for (i, u) in v.units.iter().enumerate() {
            let x = u.2 as usize;
            assert_eq!(n.base(x), u.3);
            assert_eq!(n.unit_before(x), i.checked_sub(1).and_then(unit), "before {x}");
            assert_eq!(n.unit_after(x), unit(i + 1), "after {x}");
        }
        let len = n.norm.len();
        let unit_at = |b: usize| v.units.partition_point(|u| (u.2 as usize) < b);
        for a in 0..=len + 1 {
            for b in (a + 1..=(a + 9).min(len + 1)).chain([len + 1]) {
                let (first, last) = (unit_at(a), unit_at(b).checked_sub(1));
                let expected = last
                    .filter(|&last| first <= last && last < v.units.len())
                    .map(|last| (v.units[first].0 as usize, v.units[last].1 as usize));
                assert_eq!(n.original_of_norm(a, b), expected, "norm {a}..{b}");
            }
        }
    }

    fn differential_folds() -> Folds {
        let mut f = Folds::default();
        for (variant, key) in [('笔', '逼'), ('煞', '傻'), ('沙', '傻'), ('說', '话'), ('妳', '你')] {
            f.add_homophone(variant, key);
        }
        f.finish();
        f
    }

    /// Text made of what normalisation treats differently: ASCII runs short and long (upper case,
    /// leetspeak, separators, repeated and spelt-out letters), CJK Simplified and Traditional,
    /// homophones, full-width forms, CJK punctuation, emoji, invisible and combining characters,
    /// characters NFKC or lower-casing expand, other scripts, and any character at all.
    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            "[a-zA-Z0-9 .,!?@$*_-]{0,12}",
            "[a-z ]{8,30}",
            Just("f u c k a s s a-s-s".to_string()),
            Just("fuuuuck shiiit Sh1t".to_string()),
            "[傻逼笔煞沙說擔保們筆话你妳的了是在一个我]{1,6}",
            "[ＡＢｆｕ０３，：（）！？　]{1,4}",
            "[。、「」《》…—·・]{1,3}",
            Just("😀♥☆👩\u{200d}👩\u{200d}👧".to_string()),
            Just("\u{200b}\u{fe0f}\u{feff}\u{0336}e\u{301}".to_string()),
            Just("ﬁİß㈱ㄱ가한국어".to_string()),
            Just("Привет שלום ÉCOLE".to_string()),
            Just("𠀀𪚥々〇\u{3400}\u{f900}".to_string()),
            Just("\n\t\r\u{a0}\u{2028}".to_string()),
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]

        /// `fill` (tables and fast paths) gives the views of the plain reference, and `renew`
        /// after another text gives the same as `new`.
        #[test]
        fn fill_agrees_with_the_reference(text in mixed_text(), before in mixed_text()) {
            let folds = differential_folds();
            let n = Normalized::new(&text, &folds);
            let expected = reference(&text, &folds);
            proptest::prop_assert_eq!(&views(&n), &expected);
            navigation_agrees(&n, &expected);
            let mut r = Normalized::new(&before, &folds);
            r.renew(&text, &folds);
            proptest::prop_assert_eq!(views(&r), views(&n));
        }
    }

    #[test]
    fn fill_agrees_with_the_reference_on_the_bench_emails() {
        let folds = differential_folds();
        for text in [
            include_str!("../benches/fixtures/email-zh.txt"),
            include_str!("../benches/fixtures/email-en.txt"),
            include_str!("../benches/fixtures/email-mixed.txt"),
        ] {
            assert_eq!(views(&Normalized::new(text, &folds)), reference(text, &folds));
        }
    }

    #[test]
    fn maps_norm_ranges_back_to_original() {
        let text = "价格 ３０００ 元";
        let n = Normalized::new(text, &folds());
        let a = n.norm.find("3000").unwrap();
        let (s, e) = n.original_of_norm(a, a + 4).unwrap();
        assert_eq!(&text[s..e], "３０００");
    }
}
