//! Generates, into `OUT_DIR`:
//!
//! * the Traditional → Simplified character table from OpenCC's `TSCharacters.txt` (vendored under
//!   `data/opencc/`, Apache-2.0), the pairs with a common or pack character on one side
//!   (`data/common-simplified/`), sorted and delta-encoded (`src/table.rs` decodes it);
//! * the NFKC form of single characters and the combining-mark ranges (from the
//!   unicode-normalization crate), the only parts of Unicode normalisation the engine uses —
//!   without the characters whose NFKC form is in another script than ours
//!   (`src/foreign_scripts.rs`);
//! * the list of built-in packs (`packs/*.toml`). With the `toml` feature (default) they are
//!   embedded as written. Without it (the wasm build) they are embedded as converted here to
//!   minified JSON without what only the tests and docs read (the `flag`/`allow` examples,
//!   comments, the examples named in each summary) and with the alternatives of their regexes
//!   in an order that compresses better where the order means nothing
//!   (`src/alternation_order.rs`), so the engine needs no TOML parser at run time and the module
//!   carries less data.
//!   `precompiled.rs` always lists the converted forms, for the tests that compare both.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

fn main() {
    let src = "data/opencc/TSCharacters.txt";
    println!("cargo:rerun-if-changed={src}");
    let opencc = fs::read_to_string(src).expect("vendored OpenCC table is readable");
    let wanted = simplified_in_use();
    t2s_table(&opencc, &wanted);
    nfkc_table(&opencc, &wanted);
    pack_list();
}

/// The NFKC form of every character that NFKC changes, taken alone, and the ranges of combining
/// marks, from the unicode-normalization crate: the normaliser needs only these, and they are a
/// fraction of the crate's composition and decomposition tables.
fn nfkc_table(opencc: &str, wanted: &std::collections::HashSet<char>) {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    let t2s: std::collections::HashMap<char, char> = opencc_one_to_one(opencc).collect();
    let mut map: Vec<(u32, u32)> = Vec::new();
    let mut long = String::new();
    let mut marks = String::new();
    let mut mark_ranges = 0;
    let mut mark_start: Option<u32> = None;
    for u in 0..=0x11_0000u32 {
        let c = char::from_u32(u);
        let is_mark = c.is_some_and(is_combining_mark);
        match (is_mark, mark_start) {
            (true, None) => mark_start = Some(u),
            (false, Some(start)) => {
                writeln!(marks, "    ({start:#x}, {:#x}),", u - 1).unwrap();
                mark_ranges += 1;
                mark_start = None;
            }
            _ => {}
        }
        let Some(c) = c else { continue };
        let n: String = std::iter::once(c).nfkc().collect();
        if n == c.to_string() || n.chars().all(|n| is_foreign_script(n) || is_combining_mark(n)) {
            continue;
        }
        if !compat_pair_kept(c, &n, wanted, &t2s) {
            continue;
        }
        let mut chars = n.chars();
        let value = match (chars.next(), chars.next()) {
            (Some(one), None) => one as u32,
            _ => {
                assert!(n.len() < 0x100 && long.len() < 0x80_0000, "NFKC of {c:?} does not fit the encoding");
                let v = 0x8000_0000 | (long.len() as u32) << 8 | n.len() as u32;
                long.push_str(&n);
                v
            }
        };
        map.push((u, value));
    }
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("nfkc.bin"), encode_pairs(&map)).expect("OUT_DIR is writable");
    let mut out = String::new();
    out.push_str("/// The NFKC results of more than one character.\n");
    writeln!(out, "pub(crate) static NFKC_LONG: &str = {long:?};").unwrap();
    out.push_str("/// Combining marks (General_Category M), as sorted inclusive ranges.\n");
    writeln!(out, "pub(crate) static COMBINING_MARKS: [(u32, u32); {mark_ranges}] = [\n{marks}];").unwrap();
    fs::write(Path::new(&out_dir).join("nfkc_table.rs"), out).expect("OUT_DIR is writable");
}

include!("src/foreign_scripts.rs");
include!("src/alternation_order.rs");
include!("src/opencc.rs");

/// Appends `n` as a LEB128 varint.
fn varint(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// Encodes pairs sorted by key for `src/table.rs`: the count, then per pair the key's distance
/// from the previous key and a value code — 0 and then the value without its `LONG` bit for a
/// long value, else 1 + the zigzag-encoded distance from the previous (non-long) value.
fn encode_pairs(pairs: &[(u32, u32)]) -> Vec<u8> {
    const LONG: u32 = 0x8000_0000;
    let mut out = Vec::new();
    varint(&mut out, pairs.len() as u32);
    let (mut key, mut value) = (0u32, 0u32);
    for &(k, v) in pairs {
        assert!(k >= key, "pairs are sorted by key");
        varint(&mut out, k - key);
        key = k;
        if v & LONG != 0 {
            varint(&mut out, 0);
            varint(&mut out, v & !LONG);
        } else {
            let delta = i64::from(v) - i64::from(value);
            varint(&mut out, (((delta << 1) ^ (delta >> 63)) as u32) + 1);
            value = v;
        }
    }
    out
}

/// Lists `packs/*.toml` so that adding a pack file needs no code change.
fn pack_list() {
    println!("cargo:rerun-if-changed=packs");
    let mut files: Vec<String> = fs::read_dir("packs")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect()
        })
        .unwrap_or_default();
    // By stem, so that a pack is followed by its `-structures` companion: similar rules sit
    // within gzip's 32 KB window of each other in the wasm (with `RULE_KEY_ORDER`, −1.5 KB gzip).
    files.sort_by(|a, b| a.trim_end_matches(".toml").cmp(b.trim_end_matches(".toml")));
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let toml_feature = env::var_os("CARGO_FEATURE_TOML").is_some();
    let include = |dir: &str, f: &str| format!("include_str!(concat!(env!(\"{dir}\"), \"/{f}\"))");
    // (file name, what packs.rs embeds, the precompiled JSON) for each pack, folds.toml last.
    let mut packs = Vec::new();
    for f in files.iter().filter(|f| *f != "folds.toml").chain(files.iter().filter(|f| *f == "folds.toml")) {
        println!("cargo:rerun-if-changed=packs/{f}");
        let json = f.replace(".toml", ".json");
        fs::write(Path::new(&out_dir).join(&json), precompile(&format!("packs/{f}"))).expect("OUT_DIR is writable");
        let json = include("OUT_DIR", &json);
        let embedded = if toml_feature { include("CARGO_MANIFEST_DIR", &format!("packs/{f}")) } else { json.clone() };
        packs.push((f.as_str(), embedded, json));
    }
    let folds = packs.iter().position(|p| p.0 == "folds.toml").map(|i| packs.remove(i));
    // packs.rs: what the engine embeds; precompiled.rs: the JSON forms, for the tests comparing them.
    for (name, embedded) in [("packs.rs", true), ("precompiled.rs", false)] {
        let pick = |p: &(&str, String, String)| if embedded { p.1.clone() } else { p.2.clone() };
        let mut out = String::new();
        out.push_str("/// The built-in rule packs: (file name, contents).\n");
        out.push_str("pub(crate) static BUILTIN_PACKS: &[(&str, &str)] = &[\n");
        for p in &packs {
            writeln!(out, "    (\"packs/{}\", {}),", p.0, pick(p)).unwrap();
        }
        out.push_str("];\n/// The homophone table and the contrast conjunctions.\n");
        let folds = folds.as_ref().map_or_else(|| "\"{}\"".to_string(), pick);
        writeln!(out, "pub(crate) static FOLDS: &str = {folds};").unwrap();
        fs::write(Path::new(&out_dir).join(name), out).expect("OUT_DIR is writable");
    }
}

/// What joins each rule's terms and exceptions into one string in the precompiled JSON, unless
/// the pack names its own `list_separator`; the header says which (−2.2 KB gzip of the wasm against
/// arrays of quoted strings). A list with an item that contains it stays an array.
const LIST_SEPARATOR: &str = "|";

/// A rule's keys in the order the precompiled JSON writes them (any others follow, sorted): the
/// term and pattern lists first, so that each rule's lists sit next to the previous rule's and
/// gzip finds their repeats.
const RULE_KEY_ORDER: &[&str] = &["terms", "exceptions", "requires", "unless_before", "unless"];

/// Converts a pack (or `folds.toml`) to minified JSON, dropping each rule's `flag` and `allow`
/// examples and the header's `description` and `version`. A pack that is not valid TOML fails the
/// build with its parser's message.
fn precompile(path: &str) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = |v: &toml::Value| serde_json::to_string(v).unwrap_or_else(|e| panic!("{path}: {e}"));
    let separator = match doc.get_mut("pack").and_then(toml::Value::as_table_mut) {
        Some(header) => {
            // Read by nothing but people reading the TOML (the engine keeps only the name): −0.3 KB gzip.
            header.remove("description");
            header.remove("version");
            let sep = header.entry("list_separator").or_insert_with(|| LIST_SEPARATOR.into());
            sep.as_str().map(str::to_string)
        }
        None => None,
    };
    let fields = doc.iter().map(|(key, value)| {
        let value = match (key.as_str(), value) {
            ("rule", toml::Value::Array(rules)) => {
                let rule = |r: &toml::Table| rule_json(r, separator.as_deref(), &json);
                let rules: Vec<String> = rules.iter().map(|r| r.as_table().map_or_else(|| json(r), rule)).collect();
                format!("[{}]", rules.join(","))
            }
            // The shared patterns of `folds.toml`, reordered as the rules' regexes.
            ("patterns", toml::Value::Table(patterns)) => {
                json(&toml::Value::Table(patterns.iter().map(|(k, v)| (k.clone(), reordered(v))).collect()))
            }
            _ => json(value),
        };
        format!("{}:{value}", json_key(key))
    });
    format!("{{{}}}", fields.collect::<Vec<_>>().join(","))
}

/// One rule as a JSON object, its keys in [`RULE_KEY_ORDER`], without the examples (and its summary
/// without the examples it names, see [`without_examples`]), its terms and
/// exceptions sorted and joined by `separator`, the alternatives of its regexes reordered where that
/// changes nothing ([`reorder_alternations`], −1.3 KB gzip at stop 23). Neighbours that share a
/// prefix gzip better (−0.3 KB of the wasm at stop 18), and their order means nothing (every term is matched;
/// `precompiled_packs_check_like_the_toml_packs` and `tests/corpus.rs` hold the findings to the TOML
/// packs' on every example and corpus text).
fn rule_json(rule: &toml::Table, separator: Option<&str>, json: &dyn Fn(&toml::Value) -> String) -> String {
    let rank = |k: &str| RULE_KEY_ORDER.iter().position(|o| *o == k).unwrap_or(RULE_KEY_ORDER.len());
    let mut keys: Vec<&String> = rule.keys().filter(|k| !matches!(k.as_str(), "flag" | "allow")).collect();
    keys.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    let value = |k: &str| match (k, &rule[k]) {
        ("terms" | "exceptions", toml::Value::Array(items)) => {
            let mut items = items.clone();
            items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            let strings: Option<Vec<&str>> = items.iter().map(toml::Value::as_str).collect();
            match (strings, separator) {
                (Some(s), Some(sep)) if !s.iter().any(|t| t.contains(sep)) => json(&s.join(sep).into()),
                _ => json(&toml::Value::Array(items)),
            }
        }
        ("summary", toml::Value::String(summary)) => json(&without_examples(summary).into()),
        ("requires" | "unless" | "unless_before", toml::Value::Array(items)) => {
            let mut items: Vec<toml::Value> = items.iter().map(reordered).collect();
            // Any `unless` clears a trigger, so their order means nothing either (−60 B).
            if k == "unless" {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            json(&toml::Value::Array(items))
        }
        (_, v) => json(v),
    };
    let fields: Vec<String> = keys.iter().map(|k| format!("{}:{}", json_key(k), value(k))).collect();
    format!("{{{}}}", fields.join(","))
}

/// A rule's summary without the examples in parentheses at its end: `Offering to change
/// production directly (我直接改生产库, I'll just hotfix the live box)` → `Offering to change
/// production directly`. The packs' examples show what a rule catches in the CLI's `rules` and the
/// docs (both from the TOML); the extension's rule list shows the summary alone (−1.3 KB gzip).
fn without_examples(summary: &str) -> &str {
    match summary.strip_suffix(')').and_then(|s| s.rfind('(')) {
        // One group, not nested (`a (b (c) d)` stays whole), after some words of its own.
        Some(open) if open > 0 && !summary[open + 1..summary.len() - 1].contains(')') => summary[..open].trim_end(),
        _ => summary,
    }
}

/// A regex string with its alternatives reordered ([`reorder_alternations`]); anything else as it is.
fn reordered(value: &toml::Value) -> toml::Value {
    value.as_str().map_or_else(|| value.clone(), |p| reorder_alternations(p).into())
}

/// A table key as a JSON string.
fn json_key(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|e| panic!("{key}: {e}"))
}

/// The characters a Traditional → Simplified pair is kept for (either side): the common Simplified
/// characters (`data/common-simplified/chars.txt`, 99.9 % of running text by jieba's word
/// frequencies) and every CJK character written in a built-in pack (the engine's own Chinese words
/// are common ones). A pair whose sides are both rare cannot change a finding of the built-in
/// packs, and a policy term would need a character outside 99.9 % of text: 2,283 of the 3,553
/// pairs of the block stay (−4.5 KB gzip of the wasm; `table.rs` tests the corpus's Traditional).
fn simplified_in_use() -> std::collections::HashSet<char> {
    let common = "data/common-simplified/chars.txt";
    println!("cargo:rerun-if-changed={common}");
    let common = fs::read_to_string(common).expect("the common-character list is readable");
    let packs = fs::read_dir("packs").expect("the packs directory is readable");
    let texts: Vec<String> = packs
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .map(|path| fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect();
    characters_in_use(&common, texts.iter().map(String::as_str))
}

fn t2s_table(opencc: &str, wanted: &std::collections::HashSet<char>) {
    let mut pairs: Vec<(u32, u32)> = opencc_one_to_one(opencc)
        .filter(|(k, v)| wanted.contains(v) || wanted.contains(k))
        .map(|(k, v)| (k as u32, v as u32))
        .collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("t2s.bin");
    fs::write(dest, encode_pairs(&pairs)).expect("OUT_DIR is writable");
}
