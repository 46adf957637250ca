//! Property tests (bounded, so CI runs them): span invariants on arbitrary text, and disguise
//! robustness. `cargo fuzz` runs the same invariants unbounded (see fuzz/).

// The controlled pack is TOML (`support_pack.rs`).
#![cfg(feature = "toml")]

#[path = "support_pack.rs"]
mod support;

use std::sync::OnceLock;

use conduct_rules::Checker;
use proptest::prelude::*;

/// Built once: building per case made this test take minutes.
fn test_pack_checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| support::checker_with(None))
}

fn built_in_checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| Checker::new().unwrap_or_else(|e| panic!("built-in packs load: {e}")))
}

/// Text made of the pieces that stress normalisation: CJK (simplified and traditional),
/// full-width letters, emoji, zero-width and combining characters, separators, leetspeak, RTL.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("傻".to_string()),
        Just("逼".to_string()),
        Just("保证".to_string()),
        Just("擔保".to_string()),
        Just("下周二".to_string()),
        Just("ｆｕｃｋ".to_string()),
        Just("sh1t".to_string()),
        Just("😀".to_string()),
        Just("👩‍👩‍👧".to_string()),
        Just("\u{200b}".to_string()),
        Just("e\u{301}\u{301}\u{301}".to_string()),
        Just(" ".to_string()),
        Just("*".to_string()),
        Just("。".to_string()),
        Just("\n".to_string()),
        Just("\0".to_string()),
        Just("שלום".to_string()),
        Just("㈱".to_string()),
        Just("ﬁ".to_string()),
        Just("İ".to_string()),
        "[a-zA-Z0-9 .,!?]{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn assert_span_invariants(checker: &Checker, text: &str) {
    let found = checker.check(text);
    let mut prev = (0, 0);
    for d in &found {
        assert!(d.start < d.end, "empty span {d:?}");
        assert!(d.end <= text.len(), "span past the end {d:?}");
        assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end), "span off a char boundary {d:?}");
        assert!((d.start, d.end) >= prev, "spans not sorted");
        prev = (d.start, d.end);
    }
    // Where findings of one category overlap, only one is kept (a phrase is underlined once per reason).
    for (i, a) in found.iter().enumerate() {
        for b in &found[i + 1..] {
            let apart = a.end <= b.start || b.end <= a.start;
            assert!(apart || a.category != b.category, "two findings of one category overlap: {a:?} {b:?}");
        }
    }
    assert_eq!(found, checker.check(text), "checking is not deterministic");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn spans_are_valid_on_tricky_text(text in tricky_text()) {
        assert_span_invariants(test_pack_checker(), &text);
    }

    #[test]
    fn spans_are_valid_on_arbitrary_text(text in any::<String>()) {
        assert_span_invariants(test_pack_checker(), &text);
    }

    #[test]
    fn built_in_packs_keep_span_invariants(text in tricky_text()) {
        assert_span_invariants(built_in_checker(), &text);
    }

    #[test]
    fn separators_between_characters_do_not_hide_an_insult(
        sep in prop::sample::select(vec!["*", " ", "\u{200b}", "·", "  ", "-", "😀", "_", "**"]),
        prefix in "[您你好的 ，]{0,6}",
    ) {
        let checker = test_pack_checker();
        let insult = format!("傻{sep}逼");
        let text = format!("{prefix}{insult}！");
        let found = checker.check(&text);
        prop_assert_eq!(found.len(), 1, "{:?}", text);
        prop_assert_eq!(found[0].text(&text), insult.as_str());
    }
}

#[test]
fn large_inputs_are_checked_in_bounded_chunks() {
    let checker = support::checker_with(None);
    let line = "您好，感谢您的耐心，我们会尽快处理。你个傻逼。\n";
    let text = line.repeat(20_000); // ~1.3 MB
    let found = checker.check(&text);
    assert_eq!(found.len(), 20_000);
    assert!(found.iter().all(|d| d.text(&text) == "傻逼"));
    // one 100 KB "word" without any break
    let word = "a".repeat(100_000) + "傻逼";
    assert_eq!(checker.check(&word).len(), 1);
}
