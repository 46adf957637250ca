//! Checks arbitrary text with the built-in packs and asserts the span invariants.
#![no_main]

use std::sync::OnceLock;

use conduct_rules::Checker;
use libfuzzer_sys::fuzz_target;

static CHECKER: OnceLock<Checker> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let checker = CHECKER.get_or_init(|| Checker::new().expect("built-in packs load"));
    let found = checker.check(text);
    let mut prev = (0, 0);
    for d in &found {
        assert!(d.start < d.end && d.end <= text.len());
        assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
        assert!((d.start, d.end) >= prev);
        prev = (d.start, d.end);
    }
    assert_eq!(found, checker.check(text));
});
