//! Sorted `(u32, u32)` tables that `build.rs` generates (Traditional → Simplified, single-character
//! NFKC), stored as LEB128 varints — per pair, the key's distance from the previous key and the
//! value's from the previous value (zigzag) — which gzip to about half the size of plain arrays
//! in the wasm module. Each is decoded once, on first use.

/// Marks a value that is not a character but `offset << 8 | length` into a string table; stored as
/// a value code of 0 followed by the rest.
pub(crate) const LONG: u32 = 0x8000_0000;

/// Decodes a table written by `build.rs`'s `encode_pairs`.
pub(crate) fn decode(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut pos = 0;
    let mut next = || {
        let mut n = 0u32;
        let mut shift = 0u32;
        while let Some(&b) = bytes.get(pos) {
            pos += 1;
            n |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        n
    };
    let len = next() as usize;
    let mut pairs = Vec::with_capacity(len);
    let (mut key, mut value) = (0u32, 0u32);
    for _ in 0..len {
        key = key.wrapping_add(next());
        match next() {
            0 => pairs.push((key, LONG | next())),
            code => {
                let zigzag = code - 1;
                let delta = (zigzag >> 1) as i32 ^ -((zigzag & 1) as i32);
                value = value.wrapping_add(delta as u32);
                pairs.push((key, value));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    #[test]
    fn tables_decode_sorted_and_whole() {
        for table in [&crate::t2s::T2S, &crate::nfkc::NFKC] {
            assert!(table.len() > 2000);
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key, no duplicates");
        }
        // 丟 → 丢: the table keeps the CJK Unified Ideographs block only (`CJK_UNIFIED` in opencc.rs).
        assert_eq!(crate::t2s::T2S.first(), Some(&(0x4e1f, 0x4e22)));
        assert!(crate::t2s::T2S.iter().all(|&(k, _)| (0x4e00..=0x9fff).contains(&k)));
    }

    /// OpenCC's table, read as `build.rs` reads it.
    mod opencc {
        // This test reads only the pairs; `build.rs` and nfkc.rs's test use the rest of the file.
        #![allow(dead_code)]
        include!("opencc.rs");

        /// The T→S table keeps only pairs with a common or pack character on one side (build.rs
        /// `simplified_in_use`): of the Traditional characters in `tests/corpus` that OpenCC converts,
        /// at least 99.9 % of the occurrences are still converted (the rest are Cantonese-only, 嗰 搵).
        #[test]
        fn t2s_converts_the_traditional_characters_of_real_text() {
            let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
            let opencc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/opencc/TSCharacters.txt"))
                .expect("vendored OpenCC table");
            let mapped: std::collections::HashSet<char> = opencc_one_to_one(&opencc).map(|(k, _)| k).collect();
            let (mut total, mut converted) = (0usize, 0usize);
            for entry in std::fs::read_dir(format!("{root}/tests/corpus")).expect("tests/corpus") {
                let path = entry.expect("a corpus entry").path();
                if path.extension().is_some_and(|e| e == "tsv") {
                    let text = std::fs::read_to_string(&path).expect("a corpus file");
                    for c in text.chars().filter(|c| mapped.contains(c)) {
                        total += 1;
                        converted += usize::from(crate::t2s::T2S.binary_search_by_key(&(c as u32), |p| p.0).is_ok());
                    }
                }
            }
            assert!(total > 10_000, "the corpus has Traditional text ({total} convertible characters)");
            assert!(converted * 1000 >= total * 999, "{converted} of {total} Traditional characters converted");
        }
    }
}
