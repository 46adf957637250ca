// Shared by `build.rs` (include!) and the tests in `table.rs`: how OpenCC's character table is read.

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
