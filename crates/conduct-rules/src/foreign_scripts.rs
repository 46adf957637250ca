// Shared by `build.rs` (include!) and `nfkc.rs`'s tests: which characters the NFKC table leaves out.

/// True for letters of scripts other than the product's (Chinese, English): Armenian, Hebrew,
/// Arabic, Syriac, Thaana, the Indic scripts, Thai, Lao, Tibetan, Myanmar, Georgian, Hangul,
/// Ethiopic, Cherokee, Kana. A character whose NFKC form is made only of these (Arabic
/// presentation forms, half-width Hangul, circled and squared Katakana, …) is left as written:
/// no term of ours can match it either way, and leaving out its mapping keeps ~1,350 entries out
/// of the module.
fn is_foreign_script(c: char) -> bool {
    matches!(c as u32,
        0x0530..=0x058F | 0x0590..=0x08FF | 0x0900..=0x0DFF | 0x0E00..=0x0FFF | 0x1000..=0x11FF
        | 0x1200..=0x13FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x31F0..=0x31FF | 0xAC00..=0xD7AF)
}
