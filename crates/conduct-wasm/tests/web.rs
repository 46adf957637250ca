//! `wasm-bindgen-test`s of the bindings, run in Node:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown -p conduct-wasm`.
#![cfg(target_arch = "wasm32")]

use conduct_wasm::{version, Checker};
use js_sys::{Array, JsString, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

struct Found {
    rule: String,
    start: u32,
    end: u32,
    text: String,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("a field")
}

fn check(checker: &Checker, text: &JsString) -> Vec<Found> {
    let array: Array = checker.check(text, None, None).map_err(JsValue::from).expect("check").unchecked_into();
    array
        .iter()
        .map(|d| Found {
            rule: get(&d, "rule").as_string().unwrap(),
            start: get(&d, "start").as_f64().unwrap() as u32,
            end: get(&d, "end").as_f64().unwrap() as u32,
            text: get(&d, "text").as_string().unwrap(),
        })
        .collect()
}

/// `text.slice(start, end) === d.text` for every finding, with UTF-16 offsets.
fn assert_spans(text: &JsString, found: &[Found]) {
    for d in found {
        assert!(d.start <= d.end && d.end <= text.length(), "{} {}..{}", d.rule, d.start, d.end);
        assert_eq!(String::from(text.slice(d.start, d.end)), d.text, "{}", d.rule);
    }
}

fn utf16_index(text: &str, needle: &str) -> u32 {
    text[..text.find(needle).unwrap()].encode_utf16().count() as u32
}

#[wasm_bindgen_test]
fn offsets_with_emoji_cjk_and_combining_marks() {
    let checker = Checker::new(None).map_err(JsValue::from).unwrap();
    let text = "🙂👍🏽 Café\u{301} 🇨🇳 한국어 这个傻逼系统又挂了。😡 and you idiot 𠀀.";
    let found = check(&checker, &JsString::from(text));
    assert!(found.len() >= 2);
    assert_spans(&JsString::from(text), &found);
    let d = found.iter().find(|d| d.text == "傻逼").expect("傻逼");
    assert_eq!((d.start, d.end), (utf16_index(text, "傻逼"), utf16_index(text, "傻逼") + 2));
    let d = found.iter().find(|d| d.text == "idiot").expect("idiot");
    assert_eq!(d.start, utf16_index(text, "idiot"));
}

#[wasm_bindgen_test]
fn lone_surrogates_do_not_shift_offsets() {
    let checker = Checker::new(None).map_err(JsValue::from).unwrap();
    // "a\uD800b \uDC00这个傻逼系统 you idiot\uD83D."
    let mut units: Vec<u16> = vec![0x61, 0xD800, 0x62, 0x20, 0xDC00];
    units.extend("这个傻逼系统 you idiot".encode_utf16());
    units.extend([0xD83D, 0x2E]);
    let text = JsString::from_char_code(&units);
    let found = check(&checker, &text);
    assert_spans(&text, &found);
    let d = found.iter().find(|d| d.text == "傻逼").expect("傻逼");
    assert_eq!(d.start, 7);
    let d = found.iter().find(|d| d.text == "idiot").expect("idiot");
    assert_eq!(d.start, 16);
}

fn policy_error(policy: &str) -> String {
    let err = Checker::new(Some(policy.into())).err().expect("an error");
    let err: js_sys::Error = JsValue::from(err).unchecked_into();
    String::from(err.message())
}

#[wasm_bindgen_test]
fn bad_policy_is_a_located_error() {
    let message = policy_error("{\"version\": 1,\n \"rules\": {\"commitment.nope\": {\"enabled\": false}}}");
    assert!(message.starts_with("policy:2:"), "{message}");
    assert!(message.contains("unknown rule `commitment.nope`"), "{message}");
    let message = policy_error("{\"version\": 1,\n \"categories\": {\"disclosure\": {\"enabled\": \"no\"}}}");
    assert!(message.starts_with("policy:2:"), "{message}");
    assert!(message.contains("key `categories.disclosure.enabled`"), "{message}");
}

#[wasm_bindgen_test]
fn a_toml_policy_is_an_error_naming_json() {
    let message = policy_error("version = 1\n[categories]\ndisclosure = { enabled = false }\n");
    assert!(message.starts_with("policy:1:1: this build reads JSON only"), "{message}");
}

#[wasm_bindgen_test]
fn rules_explain_and_version() {
    let checker = Checker::new(None).map_err(JsValue::from).unwrap();
    let rules: Array = checker.rules().unchecked_into();
    assert!(rules.length() > 0);
    let first = rules.get(0);
    let id = get(&first, "id").as_string().unwrap();
    let explained = checker.explain(&id);
    assert_eq!(get(&explained, "id").as_string().unwrap(), id);
    assert!(checker.explain("disrespect.no-such-rule").is_undefined());
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}
