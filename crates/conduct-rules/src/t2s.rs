//! Traditional → Simplified Chinese, one character at a time, from OpenCC's `TSCharacters`
//! table (generated into `OUT_DIR` by `build.rs`).

use std::sync::LazyLock;

/// Traditional → Simplified, one character to one character, sorted by key.
pub(crate) static T2S: LazyLock<Vec<(u32, u32)>> =
    LazyLock::new(|| crate::table::decode(include_bytes!(concat!(env!("OUT_DIR"), "/t2s.bin"))));

/// The Simplified form of `c`, or `c` itself.
#[inline]
pub(crate) fn simplify(c: char) -> char {
    let key = c as u32;
    match T2S.binary_search_by_key(&key, |&(k, _)| k) {
        Ok(i) => char::from_u32(T2S[i].1).unwrap_or(c),
        Err(_) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::simplify;

    #[test]
    fn simplifies_common_traditional_characters() {
        let out: String = "擔保傻瓜們說話".chars().map(simplify).collect();
        assert_eq!(out, "担保傻瓜们说话");
        assert_eq!(simplify('a'), 'a');
    }
}
