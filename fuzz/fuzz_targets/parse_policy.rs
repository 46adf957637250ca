//! Builds a checker from an arbitrary policy: it must be accepted or rejected with a located
//! error, never panic or hang.
#![no_main]

use conduct_rules::CheckerBuilder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match CheckerBuilder::new().policy_str("fuzz.toml", text).and_then(|b| b.build()) {
        Ok(checker) => {
            let _ = checker.check("你们这些傻逼，我保证周五上线，底价三千。");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
