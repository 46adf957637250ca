//! Byte offsets (UTF-8, as the engine reports them) → UTF-16 code-unit offsets (as JS strings
//! and DOM ranges count), computed in one pass over the text for all spans of a check.

/// Number of UTF-16 code units encoded by the UTF-8 bytes `bytes`.
///
/// Every byte that is not a continuation byte starts a character (one unit); a 4-byte leader
/// (`0xF0..`) starts a character outside the BMP, which takes a surrogate pair (one more unit).
/// Branch-free so that the compiler vectorises it.
#[inline]
pub fn utf16_len(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0)).sum()
}

/// Converts byte spans of `text` into UTF-16 spans, walking the text once.
///
/// The span boundaries are sorted (they usually already are: findings come sorted by start) and
/// the text is scanned from one boundary to the next, so the cost is `O(len + k log k)` for
/// `k` spans instead of `O(len × k)`. Offsets beyond the text are clamped to its end; an offset
/// inside a character counts that character as started.
pub fn utf16_spans(text: &str, spans: &[(usize, usize)]) -> Vec<(u32, u32)> {
    let bytes = text.as_bytes();
    // (byte offset, slot): slot 2i is span i's start, 2i+1 its end.
    let mut points: Vec<(usize, u32)> = Vec::with_capacity(spans.len() * 2);
    for (i, &(s, e)) in spans.iter().enumerate() {
        let slot = 2 * i as u32;
        points.push((s.min(bytes.len()), slot));
        points.push((e.min(bytes.len()), slot + 1));
    }
    points.sort_unstable();
    let mut units = vec![0u32; points.len()];
    let (mut pos, mut count) = (0usize, 0usize);
    for (offset, slot) in points {
        if offset > pos {
            count += utf16_len(&bytes[pos..offset]);
            pos = offset;
        }
        units[slot as usize] = count as u32;
    }
    units.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious (quadratic) reference: UTF-16 length of the prefix.
    fn reference(text: &str, byte: usize) -> u32 {
        text[..byte].encode_utf16().count() as u32
    }

    fn check_all_boundaries(text: &str) {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        // Every pair of boundaries, given in an unsorted order.
        let mut spans = Vec::new();
        for (k, &s) in bounds.iter().enumerate().rev() {
            for &e in &bounds[k..] {
                spans.push((s, e));
            }
        }
        let got = utf16_spans(text, &spans);
        for (&(s, e), &(us, ue)) in spans.iter().zip(&got) {
            assert_eq!((us, ue), (reference(text, s), reference(text, e)), "span {s}..{e} of {text:?}");
        }
    }

    #[test]
    fn ascii_is_identity() {
        let text = "We guarantee a fix by Friday.";
        assert_eq!(utf16_spans(text, &[(3, 12), (0, 0), (29, 29)]), vec![(3, 12), (0, 0), (29, 29)]);
    }

    #[test]
    fn cjk_counts_one_unit_per_character() {
        let text = "您好，我保证周五上线。";
        let s = text.find("保证").unwrap();
        assert_eq!(utf16_spans(text, &[(s, s + "保证".len())]), vec![(4, 6)]);
        check_all_boundaries(text);
    }

    #[test]
    fn emoji_count_two_units() {
        let text = "🙂 ok 😡傻逼👍🏽 done";
        let s = text.find("傻逼").unwrap();
        // 🙂(2) ␠(1) o k(2) ␠(1) 😡(2) = 8
        assert_eq!(utf16_spans(text, &[(s, s + "傻逼".len())]), vec![(8, 10)]);
        check_all_boundaries(text);
    }

    #[test]
    fn combining_marks_count_separately() {
        // e + U+0301, Hangul jamo, Devanagari with a virama, a flag (two regional indicators).
        let text = "cafe\u{301} 한국어 नमस्ते 🇨🇳 fin";
        let s = text.find("fin").unwrap();
        assert_eq!(
            utf16_spans(text, &[(s, s + 3)]),
            vec![(text.encode_utf16().count() as u32 - 3, text.encode_utf16().count() as u32)]
        );
        check_all_boundaries(text);
    }

    #[test]
    fn replacement_character_counts_one_unit() {
        // A lone surrogate in JS arrives as U+FFFD (3 bytes, 1 unit): offsets after it stay right.
        let text = "a\u{FFFD}b傻逼";
        let s = text.find("傻逼").unwrap();
        assert_eq!(utf16_spans(text, &[(s, s + 6)]), vec![(3, 5)]);
    }

    #[test]
    fn overlapping_and_unsorted_spans() {
        let text = "😀甲乙丙丁😀戊";
        let b = |ch: &str| text.find(ch).unwrap();
        let spans = [(b("丙"), b("戊")), (b("甲"), b("丙")), (b("乙"), b("乙") + 3), (0, text.len())];
        assert_eq!(utf16_spans(text, &spans), vec![(4, 8), (2, 4), (3, 4), (0, 9)]);
    }

    #[test]
    fn out_of_range_is_clamped() {
        assert_eq!(utf16_spans("ab", &[(1, 99)]), vec![(1, 2)]);
        assert_eq!(utf16_spans("", &[]), vec![]);
    }

    #[test]
    fn long_mixed_text_matches_reference() {
        let unit = "Dear 王经理，we 保证 a fix 🙂 by Friday. Ünïcödé\u{301}\n";
        let text = unit.repeat(50);
        let spans: Vec<(usize, usize)> = text.match_indices("保证").map(|(i, m)| (i, i + m.len())).collect();
        let got = utf16_spans(&text, &spans);
        for (&(s, e), &(us, ue)) in spans.iter().zip(&got) {
            assert_eq!((us, ue), (reference(&text, s), reference(&text, e)));
        }
    }
}
