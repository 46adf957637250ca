//! Hostile inputs never panic, and spans stay exact (timings: `cargo run --release --example hostile`).

use conduct_rules::Checker;

fn checker() -> Checker {
    Checker::new().unwrap_or_else(|e| panic!("built-in packs load: {e}"))
}

fn check_valid(checker: &Checker, text: &str) -> usize {
    let found = checker.check(text);
    for d in &found {
        assert!(
            d.start < d.end && d.end <= text.len() && text.is_char_boundary(d.start) && text.is_char_boundary(d.end)
        );
    }
    found.len()
}

#[test]
fn hostile_texts_are_checked() {
    let c = checker();
    let insult = "你们这些傻逼";
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("100 KB single word", "a".repeat(100 * 1024)),
        ("100 KB single CJK run", "字".repeat(35 * 1024)),
        ("10,000 emoji", "😀".repeat(10_000)),
        ("ZWJ family emoji", "👩‍👩‍👧‍👦".repeat(2_000)),
        ("deep combining sequence", format!("a{}", "\u{301}".repeat(50_000))),
        ("NUL bytes", format!("\0\0{insult}\0")),
        ("mixed RTL", format!("שלום עולם مرحبا {insult} \u{202e}abc\u{202c}")),
        ("only separators", "* . - _ ".repeat(10_000)),
        ("only zero-width", "\u{200b}\u{200d}\u{feff}".repeat(10_000)),
        ("lone replacement chars", "\u{fffd}".repeat(10_000)),
        ("2 MB mixed", "感谢您的支持，Thanks for your patience. 你们这些傻逼。\n".repeat(30_000)),
    ];
    for (name, text) in &cases {
        let n = check_valid(&c, text);
        if name.contains("NUL") || name.contains("RTL") {
            assert!(n >= 1, "{name}: the insult must still be found");
        }
    }
}

#[test]
fn separators_between_every_character_of_a_long_text() {
    let c = checker();
    let text: String = "您好感谢支持".repeat(2_000).chars().flat_map(|ch| [ch, '*']).collect();
    check_valid(&c, &text);
}

#[test]
fn chunk_cuts_neither_lose_nor_invent_findings() {
    let c = checker();
    // 傻逼 straddles the 64 KiB cut of a run with no break at all
    let text = format!("x{}傻逼{}", "好".repeat(21_844), "好".repeat(30_000));
    let found = c.check(&text);
    assert_eq!(found.iter().filter(|d| d.text(&text) == "傻逼").count(), 1, "{found:?}");
    // "scrap" starts right at the cut of English text without line breaks
    let mut text = "we checked the logs. ".repeat(65_535 / 21 + 1);
    text.truncate(65_535);
    text.push_str("scrap metal is recycled.");
    assert!(c.check(&text).iter().all(|d| !d.text(&text).contains("crap")), "{:?}", c.check(&text));
}
