//! Normalisation: one pass from the original text to the views the rules see, with a map back to
//! exact original byte offsets.
//!
//! * `norm` — NFKC width folding, lower case, Traditional → Simplified, invisible characters
//!   dropped. Regexes run on it.
//! * the *compact* stream — `norm` without separators (whitespace, symbols, emoji), with
//!   leetspeak and homophones folded and runs of one repeated Latin letter collapsed. Terms are
//!   matched on it; every match is then verified against the units it covers.
//!
//! Every character of `norm` is a [`Unit`] that remembers the original byte range it came from.

use std::collections::BTreeMap;

use crate::nfkc::{is_combining_mark, nfkc_char};
use crate::t2s;

/// One normalised character and where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    /// Original byte range.
    pub start: u32,
    pub end: u32,
    /// Byte offset of this unit in `norm`.
    pub norm: u32,
    /// The normalised character (width-folded, lower-case, simplified).
    pub base: char,
    /// Skipped by term matching (whitespace, symbols, emoji).
    pub sep: bool,
}

/// One character of the compact stream: a run of non-separator units with the same folded
/// character (runs longer than one only for repeated Latin letters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CChar {
    /// Index of the first and last unit of the run.
    pub first: u32,
    pub last: u32,
    /// Number of non-separator units in the run.
    pub count: u32,
    /// Byte offset of the character in the compact stream.
    pub at: u32,
}

/// The homophone table (variant → canonical character) and a direct lookup table for the CJK
/// Unified Ideographs block (base and folded form), built once per checker.
#[derive(Debug, Clone, Default)]
pub(crate) struct Folds {
    /// A few dozen entries: an ordered map looks one up in a handful of comparisons, cheaper
    /// than hashing (this runs for every CJK character when the checker is built).
    pub homophones: BTreeMap<char, char>,
    /// Contrast conjunctions in normalised form (`segment::contrast_ends`).
    pub contrasts: Vec<String>,
    /// Shared regexes by name (`[patterns]`), handed to the checker's regex pool.
    pub patterns: BTreeMap<String, String>,
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
    pub units: Vec<Unit>,
    /// The compact stream, UTF-8 (built a byte at a time for ASCII; always whole characters).
    pub compact: Vec<u8>,
    /// One entry per character of `compact`.
    pub cchars: Vec<CChar>,
    /// Set when a Latin letter followed the same letter across separators (`a s s`, `a-s-s`):
    /// only then can [`Normalized::merge_spaced_doubles`] have work.
    spaced_double: bool,
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

/// A letter or digit of an alphabetic script: what a Latin word boundary must not touch.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // CJK first: `is_alphanumeric` searches the Unicode tables for every Han character.
        !is_cjk(c) && c.is_alphanumeric()
    }
}

/// Do units `first..=last` stand alone, no letter or digit touching them on either side? A
/// one-letter word, or a letter spelt out (`f u c k`); the `s` of `that's` belongs to its word.
pub(crate) fn stands_alone(units: &[Unit], first: usize, last: usize) -> bool {
    let word = |j: usize| units.get(j).is_some_and(|u| is_word_char(u.base));
    let contraction = first >= 2 && matches!(units[first - 1].base, '\'' | '\u{2019}') && word(first - 2);
    let touched_before = first > 0 && word(first - 1);
    !(touched_before || word(last + 1) || contraction)
}

/// Separators skipped by term matching. Never CJK punctuation, brackets or quotes, never `, ; : ? !`.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return is_ascii_separator(c as u8);
    }
    c.is_whitespace()
        || matches!(c,
            '·' | '•' | '‧' | '∙' | '・' | '°' | '×' | '¤' | '§' | '¦' | '♡' | '♥' | '☆' | '★'
            | '\u{2010}'..='\u{2015}' | '\u{2020}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{2190}'..='\u{23FF}' | '\u{25A0}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}'
            | '\u{1F000}'..='\u{1FAFF}')
}

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
    /// `fold` is a Latin letter.
    letter: bool,
}

/// [`AsciiClass`] of every ASCII byte: lower case, separator, leetspeak fold.
static ASCII: [AsciiClass; 128] = {
    let mut table = [AsciiClass { base: 0, fold: 0, sep: false, letter: false }; 128];
    let mut i = 0;
    while i < 128 {
        let base = (i as u8).to_ascii_lowercase();
        let sep = is_ascii_separator(base);
        let fold = match leet(base as char) {
            Some(l) if !sep => l as u8,
            _ => base,
        };
        table[i] = AsciiClass { base, fold, sep, letter: fold.is_ascii_alphabetic() };
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
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        normalize_char(c, |n| out.push(n));
    }
    out
}

impl Folds {
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
        for (&variant, &key) in &self.homophones {
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
            self.homophones.get(&base).copied().unwrap_or(base)
        }
    }
}

/// Unit `idx` is a Latin letter equal to the last character of the compact stream `cchars`:
/// collapses it into that character when it directly follows it (a run of one repeated letter,
/// never across a separator) and returns true. Otherwise notes a doubled letter spelt out
/// (`a s s`: a one-letter word before) in `spaced_double`.
// Forced inline natively (a few % of a check); the wasm, built for size, decides itself.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline)]
fn collapse(cchars: &mut [CChar], units: &[Unit], idx: u32, spaced_double: &mut bool) -> bool {
    let Some(last) = cchars.last_mut() else { return false };
    if last.last + 1 == idx {
        last.last = idx;
        last.count += 1;
        return true;
    }
    // Only a one-letter word before, not a word's last letter (`this service`).
    let a = last.first as usize;
    if last.count == 1 && (a == 0 || !is_word_char(units[a - 1].base)) {
        *spaced_double = true;
    }
    false
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
    units: Vec<Unit>,
    compact: Vec<u8>,
    cchars: Vec<CChar>,
    spaced_double: bool,
    /// `text[copied..]` up to the current character is still to be appended to `norm`.
    copied: usize,
}

impl Writer<'_> {
    /// Offset in `norm` of the text's byte `at`, when everything since `copied` is copied as is.
    #[inline(always)]
    fn norm_at(&self, at: usize) -> u32 {
        (self.norm.len() + (at - self.copied)) as u32
    }

    /// Appends the pending `text[copied..at]` to `norm`, lower-cased (only ASCII ever needs it).
    #[inline(always)]
    fn flush(&mut self, at: usize) {
        let from = self.norm.len();
        self.norm.push_str(self.text.get(self.copied..at).unwrap_or_default());
        self.norm[from..].make_ascii_lowercase();
        self.copied = at;
    }

    /// Appends the units of the ASCII `run`, which starts at byte `at` of the text: a run at a
    /// time (the common case for English), one byte per unit, `norm` left to [`Writer::flush`].
    #[inline(always)]
    fn ascii(&mut self, at: usize, run: &[u8]) {
        let (first, norm_at) = (self.units.len(), self.norm_at(at) as usize);
        self.units.extend(run.iter().enumerate().map(|(k, &b)| {
            let a = ASCII[b as usize];
            let start = (at + k) as u32;
            Unit { start, end: start + 1, norm: (norm_at + k) as u32, base: a.base as char, sep: a.sep }
        }));
        let (compact, cchars) = (&mut self.compact, &mut self.cchars);
        compact.reserve(run.len());
        cchars.reserve(run.len());
        for (k, &b) in run.iter().enumerate() {
            let a = ASCII[b as usize];
            if a.sep {
                continue;
            }
            let idx = (first + k) as u32;
            if a.letter
                && compact.last() == Some(&a.fold)
                && collapse(cchars, &self.units, idx, &mut self.spaced_double)
            {
                continue;
            }
            cchars.push(CChar { first: idx, last: idx, count: 1, at: compact.len() as u32 });
            compact.push(a.fold);
        }
    }

    /// Appends the units of `run`, at byte `at` of the text, CJK ideographs that are their own
    /// base and fold (see [`Folds::plain_cjk_run`]): one unit and one compact character each,
    /// the compact stream a copy of `run`, `norm` left to [`Writer::flush`]. Each view is
    /// extended from an iterator of known length, so without a capacity check per character.
    #[inline(always)]
    fn plain_cjk(&mut self, at: usize, run: &[u8]) {
        let (first, norm_at, compact_at) = (self.units.len(), self.norm_at(at) as usize, self.compact.len());
        self.units.extend(run.chunks_exact(3).enumerate().map(|(k, b)| {
            let c = (u32::from(b[0] & 0x0F) << 12) | (u32::from(b[1] & 0x3F) << 6) | u32::from(b[2] & 0x3F);
            let start = (at + 3 * k) as u32;
            let base = char::from_u32(c).unwrap_or_default();
            Unit { start, end: start + 3, norm: (norm_at + 3 * k) as u32, base, sep: false }
        }));
        self.cchars.extend((0..run.len() / 3).map(|k| {
            let idx = (first + k) as u32;
            CChar { first: idx, last: idx, count: 1, at: (compact_at + 3 * k) as u32 }
        }));
        self.compact.extend_from_slice(run);
    }

    /// Appends the unit of the three-byte character `c` (`bytes`) at byte `at` of the text, which
    /// normalises to `base` alone: copied lazily into `norm` when it is its own base, and into the
    /// compact stream without encoding when it is its own fold.
    #[inline(always)]
    fn wide(&mut self, at: usize, c: u32, bytes: [u8; 3], w: Wide) {
        let norm = if w.base as u32 == c {
            self.norm_at(at)
        } else {
            self.flush(at);
            self.copied = at + 3;
            let n = self.norm.len() as u32;
            self.norm.push(w.base);
            n
        };
        let idx = self.units.len();
        self.units.push(Unit { start: at as u32, end: at as u32 + 3, norm, base: w.base, sep: w.sep });
        if w.sep {
        } else if w.fold as u32 == c {
            self.cchars.push(CChar { first: idx as u32, last: idx as u32, count: 1, at: self.compact.len() as u32 });
            self.compact.extend_from_slice(&bytes);
        } else {
            self.push_compact(idx, w.fold);
        }
    }

    /// Appends a unit whose base has been written to `norm` (the general path).
    fn push(&mut self, start: u32, end: u32, base: char, fold: char, sep: bool) {
        let idx = self.units.len();
        self.units.push(Unit { start, end, norm: self.norm.len() as u32, base, sep });
        self.norm.push(base);
        if !sep {
            self.push_compact(idx, fold);
        }
    }

    /// Appends unit `idx`, not a separator, to the compact stream as `fold`.
    fn push_compact(&mut self, idx: usize, fold: char) {
        let idx = idx as u32;
        // (An ASCII character ends the stream exactly when its last byte is that character.)
        if fold.is_ascii_alphabetic()
            && self.compact.last() == Some(&(fold as u8))
            && collapse(&mut self.cchars, &self.units, idx, &mut self.spaced_double)
        {
            return;
        }
        self.cchars.push(CChar { first: idx, last: idx, count: 1, at: self.compact.len() as u32 });
        self.compact.extend_from_slice(fold.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

impl Normalized {
    /// Normalises `text`.
    pub(crate) fn new(text: &str, folds: &Folds) -> Normalized {
        let mut n = Normalized {
            norm: String::with_capacity(text.len()),
            units: Vec::with_capacity(text.len()),
            compact: Vec::with_capacity(text.len()),
            cchars: Vec::with_capacity(text.len()),
            spaced_double: false,
        };
        n.fill(text, folds);
        n
    }

    /// Normalises `text` into `self`, reusing its buffers: for many short texts in a row (the
    /// terms of the packs while a checker is built), without allocating for each.
    pub(crate) fn renew(&mut self, text: &str, folds: &Folds) {
        self.norm.clear();
        self.units.clear();
        self.compact.clear();
        self.cchars.clear();
        self.spaced_double = false;
        self.fill(text, folds);
    }

    /// Appends the units of `text` (to empty buffers). Never inlined, so that profiles show it.
    #[inline(never)]
    fn fill(&mut self, text: &str, folds: &Folds) {
        let mut w = Writer {
            text,
            norm: std::mem::take(&mut self.norm),
            units: std::mem::take(&mut self.units),
            compact: std::mem::take(&mut self.compact),
            cchars: std::mem::take(&mut self.cchars),
            spaced_double: false,
            copied: 0,
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                let end = bytes[i..].iter().position(|b| !b.is_ascii()).map_or(bytes.len(), |p| i + p);
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
            let (start, end) = (i as u32, (i + c.len_utf8()) as u32);
            w.flush(i);
            i = end as usize;
            w.copied = i;
            normalize_char(c, |base| {
                let sep = is_separator(base);
                let fold = if sep { base } else { folds.fold(base) };
                w.push(start, end, base, fold, sep);
            });
        }
        w.flush(bytes.len());
        (self.norm, self.units, self.compact, self.cchars) = (w.norm, w.units, w.compact, w.cchars);
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
        let units = &self.units;
        let single = |c: &CChar| c.count == 1 && stands_alone(units, c.first as usize, c.last as usize);
        let chars: Vec<char> = String::from_utf8_lossy(&self.compact).chars().collect();
        let (mut compact, mut cchars) = (Vec::with_capacity(self.compact.len()), Vec::with_capacity(chars.len()));
        let mut k = 0;
        while k < chars.len() {
            let start = k;
            let mut merged = self.cchars[k];
            while k + 1 < chars.len()
                && chars[k + 1] == chars[start]
                && chars[start].is_ascii_alphabetic()
                && single(&self.cchars[k])
                && single(&self.cchars[k + 1])
                && ((start > 0 && single(&self.cchars[start - 1]))
                    || (k + 2 < chars.len() && single(&self.cchars[k + 2])))
            {
                k += 1;
                merged.last = self.cchars[k].last;
                merged.count += 1;
            }
            merged.at = compact.len() as u32;
            compact.extend_from_slice(chars[start].encode_utf8(&mut [0; 4]).as_bytes());
            cchars.push(merged);
            k += 1;
        }
        self.compact = compact;
        self.cchars = cchars;
    }

    /// Index of the compact character starting at byte `b` of `compact`.
    pub(crate) fn cchar_at(&self, b: usize) -> usize {
        self.cchars.partition_point(|c| (c.at as usize) < b)
    }

    /// Index of the unit at (or just after) byte `b` of `norm`.
    pub(crate) fn unit_at_norm(&self, b: usize) -> usize {
        self.units.partition_point(|u| (u.norm as usize) < b)
    }

    /// Original byte range of the units `first..=last`.
    pub(crate) fn original_range(&self, first: usize, last: usize) -> (usize, usize) {
        (self.units[first].start as usize, self.units[last].end as usize)
    }

    /// Original byte range of the `norm` byte range `a..b` (empty ranges map to `None`).
    pub(crate) fn original_of_norm(&self, a: usize, b: usize) -> Option<(usize, usize)> {
        if a >= b {
            return None;
        }
        let first = self.unit_at_norm(a);
        let last = self.unit_at_norm(b).checked_sub(1)?;
        if first > last || last >= self.units.len() {
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
        f.homophones.insert('笔', '逼');
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
        let u = n.cchars.iter().find(|c| c.count == 4).expect("collapsed run");
        let (s, e) = n.original_range(u.first as usize, u.last as usize);
        assert_eq!(&"f.u.c.k sh1t 煞笔 fuuuuck"[s..e], "uuuu");
    }

    #[test]
    fn cjk_table_agrees_with_simplify_and_fold() {
        let mut f = folds();
        // A Traditional variant: its own entry takes its Simplified base.
        f.homophones.insert('說', '话');
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
        Views {
            norm: n.norm.clone(),
            units: n.units.iter().map(|u| (u.start, u.end, u.norm, u.base, u.sep)).collect(),
            compact: String::from_utf8(n.compact.clone()).expect("compact is UTF-8"),
            cchars: n.cchars.iter().map(|c| (c.first, c.last, c.count, c.at)).collect(),
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
        // The merge of spelt-out doubled letters is not a fast path: the reference runs the same one.
        let mut n = Normalized {
            norm: v.norm,
            units: v.units.iter().map(|&(start, end, norm, base, sep)| Unit { start, end, norm, base, sep }).collect(),
            compact: v.compact.into_bytes(),
            cchars: v.cchars.iter().map(|&(first, last, count, at)| CChar { first, last, count, at }).collect(),
            spaced_double,
        };
        n.merge_spaced_doubles();
        views(&n)
    }

    fn differential_folds() -> Folds {
        let mut f = Folds::default();
        for (variant, key) in [('笔', '逼'), ('煞', '傻'), ('沙', '傻'), ('說', '话'), ('妳', '你')] {
            f.homophones.insert(variant, key);
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
            proptest::prop_assert_eq!(views(&n), reference(&text, &folds));
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
