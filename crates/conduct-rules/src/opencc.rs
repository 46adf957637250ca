// Shared by `build.rs` (include!) and the tests in `table.rs` and `nfkc.rs`: how OpenCC's character table
// is read, and which CJK characters the generated tables are kept for.

/// The CJK Unified Ideographs block. The T→S table keeps only its characters (3,553 of OpenCC's
/// 4,105 one-to-one pairs): Traditional input methods and Big5 text write those, while the rest are
/// rare variants in Extension A and B that no customer message or term of ours uses (−1.8 KB
/// gzip of the wasm).
const CJK_UNIFIED: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

/// The one-character conversions of an OpenCC table (`TSCharacters.txt`: `key<TAB>value value…`,
/// `#` comments) whose key is in [`CJK_UNIFIED`]: each key with its first value, where that
/// differs from the key.
fn opencc_one_to_one(text: &str) -> impl Iterator<Item = (char, char)> + '_ {
    text.lines().filter(|l| !l.starts_with('#')).filter_map(|line| {
        let (key, values) = line.split_once('\t')?;
        let first = values.split(' ').next()?;
        let (mut k, mut v) = (key.chars(), first.chars());
        match (k.next(), k.next(), v.next(), v.next()) {
            (Some(kc), None, Some(vc), None) if kc != vc && CJK_UNIFIED.contains(&kc) => Some((kc, vc)),
            _ => None,
        }
    })
}

/// The CJK characters the tables are for: the common Simplified characters (`common`, the text of
/// `data/common-simplified/chars.txt`: 99.9 % of running text by jieba's word frequencies) and every
/// CJK character written in a built-in pack (`packs`, their texts). A Traditional → Simplified pair,
/// or a compatibility ideograph's NFKC pair, with neither side among them cannot change a finding of
/// the built-in packs.
fn characters_in_use<'a>(common: &str, packs: impl Iterator<Item = &'a str>) -> std::collections::HashSet<char> {
    let mut wanted: std::collections::HashSet<char> =
        common.lines().filter(|l| !l.starts_with('#')).flat_map(str::chars).collect();
    for text in packs {
        wanted.extend(text.chars().filter(|c| CJK_UNIFIED.contains(c)));
    }
    wanted
}

/// CJK compatibility ideographs (U+F900–FAFF and the supplement U+2F800–2FA1F) and radicals
/// (Kangxi U+2F00–2FDF, supplement U+2E80–2EFF): NFKC makes each one ordinary ideograph, most of
/// them rare. The NFKC table keeps such a pair only when the ideograph, or its Simplified form, is in
/// use ([`characters_in_use`]): 602 of 1,218 (−1.5 KB gzip of the wasm).
fn is_compat_ideograph(c: char) -> bool {
    matches!(c as u32, 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0x2F00..=0x2FDF | 0x2E80..=0x2EFF)
}

/// Whether the NFKC table keeps `c` → `nfkc`: always, unless `c` is a compatibility ideograph
/// ([`is_compat_ideograph`]) whose ideograph, and its Simplified form (`t2s`, OpenCC's pairs), are
/// both out of use (`wanted`, [`characters_in_use`]).
fn compat_pair_kept(
    c: char,
    nfkc: &str,
    wanted: &std::collections::HashSet<char>,
    t2s: &std::collections::HashMap<char, char>,
) -> bool {
    !is_compat_ideograph(c) || nfkc.chars().all(|v| wanted.contains(&v) || t2s.get(&v).is_some_and(|s| wanted.contains(s)))
}
