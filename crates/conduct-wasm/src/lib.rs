//! # conduct-wasm
//!
//! WebAssembly bindings for [`conduct_rules`], built with `wasm-bindgen --target web` into
//! `crates/conduct-wasm/pkg` (see `scripts/build-wasm.sh`). From JavaScript:
//!
//! ```js
//! import { initSync, Checker, version } from './conduct_wasm.js';
//! initSync({ module: wasmBytes });
//! const checker = new Checker();            // or new Checker(policyJson)
//! for (const d of checker.check(text)) {    // spans in UTF-16 code units
//!   console.log(d.rule, text.slice(d.start, d.end), d.message);
//! }
//! ```
//!
//! The engine is built without its `toml` feature: policies are JSON (what the extension sends),
//! and the built-in packs are embedded precompiled, without their `flag`/`allow` examples, which
//! keeps the module small.
//!
//! Findings cross the JS boundary through serde-wasm-bindgen (measured the cheapest of
//! serde-wasm-bindgen, a JSON string + `JSON.parse` and hand-built js-sys objects; see
//! `BENCHMARKS.md`).

#![warn(missing_docs)]

mod utf16;

use conduct_rules::{Category, CheckOptions, Diagnostic, Lang, Severity};
use js_sys::JsString;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The module's allocator: talc, ~3 KB (gzip) smaller than Rust's default dlmalloc. (Single-threaded
/// wasm, so the allocator's lock-free variant.)
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use utf16::{utf16_len, utf16_spans};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Language of messages and suggestions: `auto` = Chinese when the finding's sentence contains Chinese. */
export type Lang = "auto" | "zh" | "en";
/** What the norms forbid. */
export type Category = "disrespect" | "commitment" | "disclosure";
/** How serious a finding is (`info` < `warning` < `error`). */
export type Severity = "info" | "warning" | "error";

/** One finding of `Checker.check`. */
export interface Diagnostic {
  /** Stable rule id, e.g. `commitment.guarantee`. */
  rule: string;
  category: Category;
  /** Sub-kind where useful (disclosure: price / salary / defect / internal). */
  kind: string | null;
  /** Effective severity (after policy). */
  severity: Severity;
  /** Start of the span in UTF-16 code units (`text.slice(start, end)`). */
  start: number;
  /** End of the span in UTF-16 code units. */
  end: number;
  /** The flagged text, equal to `text.slice(start, end)`. */
  text: string;
  /** What is wrong, in the chosen language. */
  message: string;
  /** The norm the rule enforces. */
  norm: string;
  /** Professional replacements for the span, in the chosen language. */
  suggestions: string[];
}

/** A rule as listed by `Checker.rules()` and `Checker.explain(id)`. */
export interface RuleInfo {
  id: string;
  /** The pack (or `policy`) it comes from. */
  pack: string;
  category: Category;
  kind: string | null;
  /** Effective severity (after policy). */
  severity: Severity;
  /** One-line English summary. */
  summary: string;
  message_zh: string;
  message_en: string;
  norm: string;
  suggestions_zh: string[];
  suggestions_en: string[];
  /** Examples the rule must flag (empty for built-in rules: this package leaves the packs' examples out). */
  flag: string[];
  /** Examples that must not be flagged (empty for built-in rules, as `flag`). */
  allow: string[];
  /** False when the policy turned the rule (or its category) off. */
  enabled: boolean;
}
"#;

/// The crate version (the same as the engine's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A checker with the built-in rule packs and an optional organisation policy.
///
/// Build it once (it compiles every rule into one automaton) and call `check` on every keystroke.
#[wasm_bindgen]
pub struct Checker {
    inner: conduct_rules::Checker,
}

/// One finding as it is serialised for JavaScript (spans already in UTF-16 units).
#[derive(Serialize)]
pub struct Finding<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Category.
    pub category: Category,
    /// Sub-kind.
    pub kind: Option<&'a str>,
    /// Severity.
    pub severity: Severity,
    /// Start, UTF-16 code units.
    pub start: u32,
    /// End, UTF-16 code units.
    pub end: u32,
    /// The flagged text.
    pub text: &'a str,
    /// Message.
    pub message: &'a str,
    /// Norm.
    pub norm: &'a str,
    /// Suggestions.
    pub suggestions: &'a [String],
}

/// Builds the findings of `text` with UTF-16 spans from the engine's byte spans (one pass).
pub fn findings<'a>(text: &'a str, diags: &'a [Diagnostic]) -> Vec<Finding<'a>> {
    let spans: Vec<(usize, usize)> = diags.iter().map(|d| (d.start, d.end)).collect();
    let units = utf16_spans(text, &spans);
    diags
        .iter()
        .zip(units)
        .map(|(d, (start, end))| Finding {
            rule: &d.rule,
            category: d.category,
            kind: d.kind.as_deref(),
            severity: d.severity,
            start,
            end,
            text: d.text(text),
            message: &d.message,
            norm: &d.norm,
            suggestions: &d.suggestions,
        })
        .collect()
}

/// Parses the `lang` argument (`undefined`/`null` = auto).
pub fn parse_lang(lang: Option<String>) -> Result<Lang, String> {
    match lang.as_deref() {
        None => Ok(Lang::Auto),
        Some(s) => s.parse(),
    }
}

#[cfg(feature = "transfer-bench")]
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

#[cfg(feature = "transfer-bench")]
fn parse_json(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::UNDEFINED)
}

/// Converts to plain JS values: objects, arrays, strings, numbers, `null` for `None`.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    // Plain structs of strings and numbers always serialise.
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::UNDEFINED)
}

impl Checker {
    /// Runs the engine on `text`: the text (lossily converted from JS: a lone surrogate becomes
    /// U+FFFD, which is also one UTF-16 unit, so offsets stay right) and its findings.
    fn run(
        &self,
        text: &JsString,
        lang: Option<String>,
        keep_quoted: bool,
    ) -> Result<(String, Vec<Diagnostic>), JsError> {
        let lang = parse_lang(lang).map_err(|e| JsError::new(&e))?;
        let text = String::from(text);
        let diags = self.inner.check_with(&text, &CheckOptions { lang, keep_quoted, ..CheckOptions::default() });
        Ok((text, diags))
    }
}

/// Where the converted text has U+FFFD inside a span (a lone surrogate in the JS string, or a real
/// U+FFFD), `text` must come from the JS string itself to equal `text.slice(start, end)`.
fn fix_replaced_texts(array: &JsValue, js_text: &JsString, findings: &[Finding]) {
    for (i, f) in findings.iter().enumerate().filter(|(_, f)| f.text.contains('\u{FFFD}')) {
        if let Ok(obj) = js_sys::Reflect::get_u32(array, i as u32) {
            let _ = js_sys::Reflect::set(&obj, &"text".into(), &js_text.slice(f.start, f.end));
        }
    }
}

#[wasm_bindgen]
impl Checker {
    /// A checker with the built-in packs and, when given (and not blank), the policy `policy`
    /// in JSON (see `docs/policy.md`; this package does not read TOML policies).
    ///
    /// # Errors
    /// Throws a JS `Error` whose message is the engine's located one-line error, e.g.
    /// `policy:3:1: key `rules.x`: unknown rule `x``, or `policy:1:1: this build reads JSON only …`
    /// for a TOML policy.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: Option<String>) -> Result<Checker, JsError> {
        let inner = match policy.as_deref().filter(|p| !p.trim().is_empty()) {
            None => conduct_rules::Checker::new(),
            Some(p) => conduct_rules::Checker::with_policy_str("policy", p),
        }
        .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Checker { inner })
    }

    /// Checks `text`. Returns the findings sorted by start, with `start`/`end` in UTF-16 code
    /// units of `text`. `lang` picks the message language: `auto` (default), `zh` or `en`.
    /// Findings in quoted mail are left out unless `keepQuoted` (for a caller that checks a text
    /// in parts and filters with the whole text's `quotedRanges`).
    ///
    /// # Errors
    /// Throws when `lang` is not one of `auto`, `zh`, `en`.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn check(
        &self,
        text: &JsString,
        #[wasm_bindgen(unchecked_optional_param_type = "Lang")] lang: Option<String>,
        #[wasm_bindgen(js_name = keepQuoted, unchecked_optional_param_type = "boolean")] keep_quoted: Option<bool>,
    ) -> Result<JsValue, JsError> {
        let (rust_text, diags) = self.run(text, lang, keep_quoted.unwrap_or(false))?;
        let found = findings(&rust_text, &diags);
        let array = to_js(&found);
        if rust_text.contains('\u{FFFD}') {
            fix_replaced_texts(&array, text, &found);
        }
        Ok(array)
    }

    /// Compiles up to `max` of the context regexes that are still compiled lazily (on the first
    /// check that needs each); `true` once all are. Call it in idle slices after building the
    /// checker, so the first checks a user triggers do not pay for the compiling.
    #[wasm_bindgen(js_name = warmUp)]
    pub fn warm_up(&self, max: u32) -> Result<bool, JsError> {
        self.inner.warm_up_step(max as usize).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Every rule (enabled or not), in pack order.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules(&self) -> JsValue {
        let rules: Vec<_> = self.inner.rules().collect();
        to_js(&rules)
    }

    /// The rule with this id, or `undefined`.
    #[wasm_bindgen(unchecked_return_type = "RuleInfo | undefined")]
    pub fn explain(&self, id: &str) -> JsValue {
        match self.inner.rule(id) {
            Some(info) => to_js(info),
            None => JsValue::UNDEFINED,
        }
    }

    /// The parts of `text` quoted from earlier mail, as UTF-16 `[start, end, start, end, …]`:
    /// lines starting with `>`, and everything after a reply or forward header (`On … wrote:`,
    /// `-----Original Message-----`, `From:` with `Sent:` after it, `在…写道：`) below the writer's own text. `check` does not
    /// report findings that start there; a caller that checks a text in parts (as the extension's
    /// worker does, sentence by sentence) drops those of its parts' findings that start inside these
    /// ranges of the whole text.
    #[wasm_bindgen(js_name = quotedRanges)]
    pub fn quoted_ranges(&self, text: &JsString) -> Vec<u32> {
        let text = String::from(text);
        utf16_spans(&text, &self.inner.quoted_ranges(&text)).into_iter().flat_map(|(s, e)| [s, e]).collect()
    }
}

/// Alternative result transfers, compiled only with the `transfer-bench` feature to measure them
/// against the shipped serde-wasm-bindgen path (`scripts/bench-wasm.sh`). `prepare` checks once and keeps the
/// findings; each `transfer*` method then converts (UTF-16 spans included) and returns them the
/// given way, so that the transfer is timed without the check.
#[cfg(feature = "transfer-bench")]
#[wasm_bindgen]
impl Checker {
    /// Check and UTF-16 conversion without returning findings: only their number.
    #[wasm_bindgen(js_name = checkCount)]
    pub fn check_count(&self, text: &JsString, lang: Option<String>) -> Result<u32, JsError> {
        let (rust_text, diags) = self.run(text, lang, false)?;
        Ok(findings(&rust_text, &diags).len() as u32)
    }

    /// Checks `text` once and keeps the text and findings for the `transfer*` methods.
    pub fn prepare(&self, text: &JsString) -> Result<u32, JsError> {
        let (rust_text, diags) = self.run(text, None, false)?;
        let n = diags.len() as u32;
        PREPARED.with(|p| *p.borrow_mut() = Some((rust_text, diags)));
        Ok(n)
    }

    /// The prepared findings as a JSON string parsed by `JSON.parse` called from wasm.
    #[wasm_bindgen(js_name = transferJson)]
    pub fn transfer_json(&self) -> JsValue {
        with_prepared(|found| parse_json(&to_json(found)))
    }

    /// The prepared findings as a JSON string (the caller parses).
    #[wasm_bindgen(js_name = transferJsonString)]
    pub fn transfer_json_string(&self) -> String {
        with_prepared(|found| to_json(found))
    }

    /// The prepared findings as the shipped `check` returns them (serde-wasm-bindgen).
    #[wasm_bindgen(js_name = transferSerde)]
    pub fn transfer_serde(&self) -> JsValue {
        with_prepared(|found| to_js(found))
    }

    /// The prepared findings built with js-sys `Object`/`Array` and `Reflect::set`, with the
    /// per-rule strings created once per call.
    #[wasm_bindgen(js_name = transferObjects)]
    pub fn transfer_objects(&self) -> JsValue {
        with_prepared(objects)
    }
}

#[cfg(feature = "transfer-bench")]
thread_local! {
    static PREPARED: std::cell::RefCell<Option<(String, Vec<Diagnostic>)>> = const { std::cell::RefCell::new(None) };
}

#[cfg(feature = "transfer-bench")]
fn with_prepared<R>(f: impl FnOnce(&[Finding]) -> R) -> R {
    PREPARED.with(|p| {
        let p = p.borrow();
        let (text, diags) = p.as_ref().map(|(t, d)| (t.as_str(), d.as_slice())).unwrap_or(("", &[]));
        f(&findings(text, diags))
    })
}

#[cfg(feature = "transfer-bench")]
fn objects(found: &[Finding]) -> JsValue {
    use js_sys::{Array, Object, Reflect};
    let keys: Vec<JsValue> =
        ["rule", "category", "kind", "severity", "start", "end", "text", "message", "norm", "suggestions"]
            .iter()
            .map(|k| JsValue::from_str(k))
            .collect();
    let mut cache: std::collections::HashMap<(&str, &str), [JsValue; 6]> = std::collections::HashMap::new();
    let out = Array::new_with_length(found.len() as u32);
    for (i, f) in found.iter().enumerate() {
        let strings = cache.entry((f.rule, f.message)).or_insert_with(|| {
            [
                JsValue::from_str(f.rule),
                JsValue::from_str(f.category.as_str()),
                f.kind.map_or(JsValue::NULL, JsValue::from_str),
                JsValue::from_str(f.severity.as_str()),
                JsValue::from_str(f.message),
                JsValue::from_str(f.norm),
            ]
        });
        let o = Object::new();
        let sugg: Array = f.suggestions.iter().map(|s| JsValue::from_str(s)).collect();
        let values = [
            &strings[0],
            &strings[1],
            &strings[2],
            &strings[3],
            &JsValue::from(f.start),
            &JsValue::from(f.end),
            &JsValue::from_str(f.text),
            &strings[4],
            &strings[5],
            &sugg.into(),
        ];
        for (k, v) in keys.iter().zip(values) {
            let _ = Reflect::set(&o, k, v);
        }
        out.set(i as u32, o.into());
    }
    out.into()
}
