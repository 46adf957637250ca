//! Sentence and clause boundaries in normalised text: the scope that context regexes see.
//!
//! Computed lazily around a hit (a backwards and a forwards scan) instead of segmenting the whole
//! text, so clean text pays nothing. Works on `norm`, where full-width punctuation is already
//! folded to ASCII (`，` → `,`, `！` → `!`).

/// The characters that end a sentence; `.` too, when followed by whitespace or the end.
const SENTENCE_MARKS: [char; 9] = ['。', '!', '?', ';', '\n', '\r', '…', '\u{2029}', '\u{2028}'];
/// The characters that end a clause, besides the sentence ends (and, see [`ends_clause`], a comma
/// not between digits and a hyphen or en dash with spaces around it). A dash sets off a clause as a
/// comma does: in `sorry I didn't reply — we will have it fixed by Friday` the negation is not the
/// promise's.
const CLAUSE_MARKS: [char; 6] = ['、', ':', '﹐', '﹑', '—', '―'];

/// Does `c` end a sentence? `.` only counts when followed by whitespace or the end.
fn ends_sentence(s: &str, i: usize, c: char) -> bool {
    match c {
        '.' => {
            let next = s[i + 1..].chars().next();
            next.is_none_or(char::is_whitespace)
        }
        _ => SENTENCE_MARKS.contains(&c),
    }
}

/// Does `c` end a clause (a sentence end, or a comma-like mark)? A hyphen or an en dash only
/// between spaces (` - `, ` – `), not in `e-mail` or `2–3 days`; a comma not between digits
/// (`$50,000` is one number).
fn ends_clause(s: &str, i: usize, c: char) -> bool {
    match c {
        ',' => !in_number(s, i),
        '-' | '–' => {
            let spaced = |p: Option<char>| p.is_some_and(char::is_whitespace);
            spaced(s[..i].chars().next_back()) && spaced(s[i + c.len_utf8()..].chars().next())
        }
        _ => CLAUSE_MARKS.contains(&c) || ends_sentence(s, i, c),
    }
}

/// Is byte `i` of `s` (a `,`) between two ASCII digits, a thousands separator?
fn in_number(s: &str, i: usize) -> bool {
    let b = s.as_bytes();
    i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit)
}

/// What a byte can be the last byte of, for [`bounds`]'s scans, from the mark lists above: an
/// ASCII mark (`SENTENCE`, `CLAUSE`), a `.` (a sentence end before whitespace), or the last byte
/// of a three-byte mark (`WIDE`: compared with the whole character). Other bytes are passed over
/// in one table lookup.
const SENTENCE: u8 = 1;
const CLAUSE: u8 = 2;
const DOT: u8 = 4;
const WIDE: u8 = 8;
/// `-`: a clause end between spaces.
const HYPHEN: u8 = 16;
/// `,`: a clause end but between digits.
const COMMA: u8 = 32;
static LAST_BYTE: [u8; 256] = {
    const fn mark(t: &mut [u8; 256], c: char, kind: u8) {
        let mut buf = [0u8; 4];
        match c.encode_utf8(&mut buf).len() {
            1 => t[buf[0] as usize] |= kind,
            3 => t[buf[2] as usize] |= WIDE,
            _ => panic!("a mark is ASCII or three bytes long"),
        }
    }
    let mut t = [0u8; 256];
    t[b'.' as usize] = DOT;
    t[b'-' as usize] = HYPHEN;
    t[b',' as usize] = COMMA;
    mark(&mut t, '–', WIDE);
    let mut k = 0;
    while k < SENTENCE_MARKS.len() {
        mark(&mut t, SENTENCE_MARKS[k], SENTENCE);
        k += 1;
    }
    let mut k = 0;
    while k < CLAUSE_MARKS.len() {
        mark(&mut t, CLAUSE_MARKS[k], CLAUSE);
        k += 1;
    }
    t
};

/// Does the character that ends with byte `j` of `s` end a sentence (or, with `clause`, a
/// clause)? `ends_sentence` / `ends_clause`, for a byte scan.
// Forced inline natively (a few % of a check); the wasm, built for size, decides itself.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline)]
fn ends_at(s: &str, j: usize, clause: bool) -> bool {
    let kind = LAST_BYTE[s.as_bytes()[j] as usize];
    if kind == 0 {
        return false;
    }
    if kind & WIDE != 0 {
        return j >= 2
            && s.get(j - 2..=j).and_then(|w| w.chars().next()).is_some_and(|c| {
                if clause {
                    ends_clause(s, j - 2, c)
                } else {
                    ends_sentence(s, j - 2, c)
                }
            });
    }
    kind & SENTENCE != 0
        || (kind & CLAUSE != 0 && clause)
        || (kind & DOT != 0 && ends_sentence(s, j, '.'))
        || (kind & HYPHEN != 0 && clause && ends_clause(s, j, '-'))
        || (kind & COMMA != 0 && clause && ends_clause(s, j, ','))
}

/// Closing quotation marks are part of the sentence (or clause) their end mark ends:
/// `原文如下:“……还能不能用?”我们理解` ends after the `”`, so a regex over the sentence sees the
/// quotation close. Straight quotes open as often as they close: one counts as closing only when
/// no word follows it (`garbage!" she wrote`, not `好的。"下一句`).
const CLOSING_QUOTES: [char; 4] = ['”', '」', '』', '’'];

/// `i` moved past any closing quotation marks that start there.
fn past_closing_quotes(s: &str, mut i: usize) -> usize {
    let mut chars = s[i..].chars().peekable();
    while let Some(c) = chars.next() {
        let closing = CLOSING_QUOTES.contains(&c)
            || (matches!(c, '"' | '\'') && chars.peek().is_none_or(|n| !n.is_alphanumeric()));
        if !closing {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// Whether `sentence` is one quotation and nothing else: it opens with a quotation mark, and the
/// first matching closing mark ends it (end marks after it aside): `“这破系统天天卡,谁设计的?”`
/// on a line of its own. Those are someone else's words that the writer passes on.
pub(crate) fn is_quotation(sentence: &str) -> bool {
    let t = sentence.trim();
    let mut chars = t.chars();
    let close = match chars.next() {
        Some('“') => '”',
        Some('「') => '」',
        Some('『') => '』',
        Some('"') => '"',
        Some('«') => '»',
        _ => return false,
    };
    let body = chars.as_str().trim_end_matches(|c: char| c.is_whitespace() || c == '.' || SENTENCE_MARKS.contains(&c));
    body.strip_suffix(close).is_some_and(|inner| !inner.is_empty() && !inner.contains(close))
}

/// The sentence (or clause) around byte `at`: from just after the last end mark before `at` to
/// just after the first one from `at` on, each time past the closing quotation marks right after
/// the mark. A byte scan: every mark is ASCII or three bytes long.
fn bounds(s: &str, at: usize, clause: bool) -> (usize, usize) {
    let at = at.min(s.len());
    let after = |j: usize| past_closing_quotes(s, j + 1);
    // A mark whose closing quotes reach past `at` does not start `at`'s sentence: `at` is inside
    // them, and the sentence is taken from further back (rare: no term starts with a quotation mark).
    let start = (0..at).rev().find(|&j| ends_at(s, j, clause) && after(j) <= at).map_or(0, after);
    let end = (at..s.len()).find(|&j| ends_at(s, j, clause)).map_or(s.len(), after);
    (start, end)
}

/// Byte offsets in `s` just after each of the contrast conjunctions `words` (`packs/folds.toml`)
/// in `s[from..to]`, in no particular order (a sentence has few; a sort would be one more copy
/// of the sort code in the wasm). A word with a Latin letter or digit at an edge must not touch
/// another one there (`but`, not `butter`).
pub(crate) fn contrast_ends(s: &str, from: usize, to: usize, words: &[String]) -> Vec<usize> {
    let part = &s[from..to];
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    // A Latin word must not touch a letter or digit on either side.
    let joined_before = |i: usize, w: &str| alnum(w.chars().next()) && alnum(part[..i].chars().next_back());
    let joined_after = |i: usize, w: &str| alnum(w.chars().next_back()) && alnum(part[i + w.len()..].chars().next());
    let whole = |i: usize, w: &str| !joined_before(i, w) && !joined_after(i, w);
    words
        .iter()
        .flat_map(|w| part.match_indices(w.as_str()).filter(|&(i, _)| whole(i, w)).map(|(i, _)| from + i + w.len()))
        .collect()
}

/// Byte range of the sentence of `s` containing byte `at` (including its final mark).
pub(crate) fn sentence(s: &str, at: usize) -> (usize, usize) {
    bounds(s, at, false)
}

/// Byte range of the clause of `s` containing byte `at`.
pub(crate) fn clause(s: &str, at: usize) -> (usize, usize) {
    bounds(s, at, true)
}

/// Shrinks `a..b` past leading whitespace and trailing whitespace and clause/sentence marks.
pub(crate) fn trim(s: &str, a: usize, b: usize) -> (usize, usize) {
    let inner = &s[a..b];
    let start = a + (inner.len() - inner.trim_start().len());
    let mut end = b;
    while let Some((i, c)) = s[start..end].char_indices().next_back() {
        if c.is_whitespace() || c == '.' || ends_clause(s, start + i, c) {
            end = start + i;
        } else {
            break;
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_cjk_and_latin_marks() {
        let s = "您好。我保证周五上线!thanks. v2.0 ok";
        let at = s.find("保证").unwrap();
        assert_eq!(&s[sentence(s, at).0..sentence(s, at).1], "我保证周五上线!");
        let at = s.find("v2").unwrap();
        assert_eq!(s[sentence(s, at).0..].trim(), "v2.0 ok");
    }

    #[test]
    fn closing_quotes_stay_with_the_sentence_they_close() {
        // (text, a word in the sentence, the sentence)
        let cases = [
            ("原文如下:“还能不能用?”我们理解。", "原文", "原文如下:“还能不能用?”"),
            ("原文如下:“还能不能用?”我们理解。", "理解", "我们理解。"),
            ("she wrote \"this is garbage!\" yesterday. ok", "wrote", "she wrote \"this is garbage!\""),
            ("she wrote \"this is garbage!\" yesterday. ok", "yesterday", " yesterday."),
            // A straight quote with a word right after it opens the next sentence.
            ("好的。\"下一句\"", "好的", "好的。"),
            ("好的。\"下一句\"", "下一", "\"下一句\""),
            ("「真是的!」『好。』下", "真是", "「真是的!」"),
            ("「真是的!」『好。』下", "好", "『好。』"),
        ];
        for (s, word, expected) in cases {
            let (a, b) = sentence(s, s.find(word).unwrap());
            assert_eq!(&s[a..b], expected, "{s:?} around {word:?}");
        }
    }

    #[test]
    fn a_sentence_in_quotation_marks_is_a_quotation() {
        assert!(is_quotation("“这破系统天天卡,谁设计的这垃圾界面?”"));
        assert!(is_quotation(" \"This portal is junk!\"\n"));
        assert!(is_quotation("「爛系統。」"));
        assert!(!is_quotation("“这破系统”是他说的,我不同意。"), "text after the quotation");
        assert!(!is_quotation("他说“这破系统天天卡”"), "text before it");
        assert!(!is_quotation("“A” and “B”"), "two quotations");
        assert!(!is_quotation("“”"));
        assert!(!is_quotation("plain text"));
    }

    #[test]
    fn byte_scan_agrees_with_the_character_rules() {
        // Every position of a text with each mark, next to ASCII, CJK and other three-byte text.
        let s = "1,000,2 ,3,a。b…c\u{2028}d\u{2029}e、f﹐g﹑h!i?j;k\nl\rm,n:o.p. q.r\u{3000}s上线。，€﹒t. u — v - w–x – y-z——好―a -b- ";
        let by_chars = |at: usize, is_end: fn(&str, usize, char) -> bool| {
            let start =
                s[..at].char_indices().rev().find(|&(i, c)| is_end(s, i, c)).map_or(0, |(i, c)| i + c.len_utf8());
            let end = s[at..]
                .char_indices()
                .find(|&(i, c)| is_end(s, at + i, c))
                .map_or(s.len(), |(i, c)| at + i + c.len_utf8());
            (start, end)
        };
        for at in (0..=s.len()).filter(|&at| s.is_char_boundary(at)) {
            assert_eq!(sentence(s, at), by_chars(at, ends_sentence), "sentence at {at}");
            assert_eq!(clause(s, at), by_chars(at, ends_clause), "clause at {at}");
        }
    }

    #[test]
    fn trim_drops_marks_after_chinese_text() {
        let s = "这个系统就是垃圾. ";
        let (a, b) = trim(s, 0, s.len());
        assert_eq!(&s[a..b], "这个系统就是垃圾");
        let s = " 。!";
        let (a, b) = trim(s, 0, s.len());
        assert_eq!(&s[a..b], "");
    }

    #[test]
    fn clauses_end_at_commas() {
        let s = "虽然很难,但我保证周五上线。";
        let at = s.find("保证").unwrap();
        let (a, b) = clause(s, at);
        assert_eq!(&s[a..b], "但我保证周五上线。");
        // but not at a thousands separator
        let s = "win $50,000 for free, today";
        let (a, b) = clause(s, s.find("for").unwrap_or(0));
        assert_eq!(&s[a..b], "win $50,000 for free,");
    }

    #[test]
    fn dashes_end_clauses_but_hyphens_in_words_and_ranges_do_not() {
        let s = "sorry i didn't reply - we will fix it in 2–3 days";
        let at = s.find("we will").unwrap_or(0);
        assert_eq!(&s[clause(s, at).0..clause(s, at).1], " we will fix it in 2–3 days");
        let s = "没及时回复——明天一定修好";
        let at = s.find("明天").unwrap_or(0);
        assert_eq!(&s[clause(s, at).0..clause(s, at).1], "明天一定修好");
        let s = "re-run the e-mail job";
        assert_eq!(clause(s, 3), (0, s.len()));
    }

    #[test]
    fn contrasts_cut_where_they_end() {
        let words: Vec<String> = ["不过", "但是", "but", "however"].map(String::from).to_vec();
        let last = |s: &str, to: usize| contrast_ends(s, 0, to, &words).into_iter().max().unwrap_or(0);
        let s = "预计周五完成，不过我保证周五肯定完";
        let at = s.find("保证").unwrap_or(0);
        assert_eq!(&s[last(s, at)..at], "我");
        let e = "per the SLA it is 8 hours, but i promise one. butter";
        let at = e.find("i promise").unwrap_or(0);
        assert_eq!(&e[last(e, at)..at], " ");
        assert_eq!(last("butter is fine", 9), 0, "not inside a word");
        assert_eq!(last("我们预计周五完成", 6), 0);
    }
}
