//! Every built-in rule is complete (examples, norm, messages) and its own examples pass.

// The rules' examples are read from the TOML packs (the build without `toml` leaves them out).
#![cfg(feature = "toml")]

use std::collections::HashSet;

use conduct_rules::{CheckOptions, Checker, RuleInfo};

fn checker() -> Checker {
    match Checker::new() {
        Ok(c) => c,
        Err(e) => panic!("built-in packs must load: {e}"),
    }
}

#[test]
fn built_in_packs_have_rules_in_every_category() {
    let checker = checker();
    let cats: HashSet<_> = checker.rules().map(|r| r.category).collect();
    assert_eq!(cats.len(), 3, "every category needs rules: {cats:?}");
}

#[test]
fn every_rule_is_complete() {
    let mut problems = Vec::new();
    for r in checker().rules() {
        let mut need = |ok: bool, what: &str| {
            if !ok {
                problems.push(format!("{}: {what}", r.id));
            }
        };
        need(r.flag.len() >= 3, "needs at least 3 `flag` examples");
        need(r.allow.len() >= 3, "needs at least 3 `allow` examples");
        need(!r.norm.trim().is_empty(), "needs a norm");
        need(!r.summary.trim().is_empty(), "needs a summary");
        need(r.suggestions_zh.len() == r.suggestions_en.len(), "zh and en suggestions differ in number");
    }
    assert!(problems.is_empty(), "incomplete rules:\n{}", problems.join("\n"));
}

#[test]
fn every_built_in_regex_compiles() {
    // Built-in regexes compile lazily at run time; this is where a broken one is caught.
    if let Err(e) = checker().warm_up() {
        panic!("{e}");
    }
}

#[test]
fn rule_ids_are_unique() {
    let mut seen = HashSet::new();
    for r in checker().rules() {
        assert!(seen.insert(r.id.clone()), "duplicate rule id {}", r.id);
    }
}

/// Calls `f` with each rule of the built-in packs, as written in the TOML.
fn for_each_pack_rule(mut f: impl FnMut(&toml::Table)) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/packs");
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{dir}: {e}")).path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rules = doc.get("rule").and_then(toml::Value::as_array).map_or(&[][..], Vec::as_slice);
        for rule in rules.iter().filter_map(toml::Value::as_table) {
            f(rule);
        }
    }
}

/// A rule's list of strings under `key` (empty when it has none).
fn strings<'a>(rule: &'a toml::Table, key: &str) -> Vec<&'a str> {
    let items = rule.get(key).and_then(toml::Value::as_array).map_or(&[][..], Vec::as_slice);
    items.iter().filter_map(toml::Value::as_str).collect()
}

/// No rule lists the same term or exception twice (ignoring case): a twin added beside an old one
/// only makes the list longer (and the wasm larger).
#[test]
fn no_rule_repeats_a_term() {
    let mut repeats = Vec::new();
    for_each_pack_rule(|rule| {
        let id = rule.get("id").and_then(toml::Value::as_str).unwrap_or("?");
        for key in ["terms", "exceptions"] {
            let mut seen = HashSet::new();
            for item in strings(rule, key) {
                if !seen.insert(item.to_lowercase()) {
                    repeats.push(format!("{id}: {key} lists {item:?} twice"));
                }
            }
        }
    });
    assert!(repeats.is_empty(), "{}", repeats.join("\n"));
}

/// No term contains another term of its rule where the longer one cannot add a finding: the
/// shorter one matches inside every match of the longer (whole words, the same disguises), and
/// the rule reports the whole clause or sentence and has no `unless_before` (which reads the
/// clause up to where a trigger starts). So `a bunch of cowboys` beside `bunch of cowboys` is only
/// more data in the wasm.
#[test]
fn no_term_repeats_a_shorter_term_of_its_rule() {
    let folds: toml::Table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/packs/folds.toml"))
        .unwrap_or_else(|e| panic!("folds.toml: {e}"))
        .parse()
        .unwrap_or_else(|e| panic!("folds.toml: {e}"));
    let contrasts = strings(&folds, "contrasts");
    let ascii_letter_or_digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let letters = |t: &str| t.chars().filter(char::is_ascii_alphabetic).count();
    let masked = |t: &str| t.contains(['*', '×', '#']);
    let mut redundant = Vec::new();
    for_each_pack_rule(|rule| {
        let span = rule.get("span").and_then(toml::Value::as_str).unwrap_or("trigger");
        if span == "trigger" || !strings(rule, "unless_before").is_empty() {
            return;
        }
        let id = rule.get("id").and_then(toml::Value::as_str).unwrap_or("?");
        let fuzzy = rule.get("fuzzy").and_then(toml::Value::as_bool).unwrap_or(false);
        let terms = strings(rule, "terms");
        // A term across a clause or sentence end would see another clause or sentence.
        let whole = terms.iter().filter(|t| {
            !masked(t) && !t.contains([',', '，', '、', ':', '：', ';', '；', '—', '.', '。', '!', '！', '?', '？'])
        });
        for long in whole.map(|t| t.to_lowercase()) {
            for short in terms.iter().filter(|t| !masked(t)).map(|t| t.to_lowercase()) {
                // Leetspeak only reaches terms of four letters or more.
                let (Some(at), false) =
                    (long.find(&short), short == long || (fuzzy && (1..4).contains(&letters(&short))))
                else {
                    continue;
                };
                let (before, after) = (long[..at].chars().next_back(), long[at + short.len()..].chars().next());
                let cut_word = (ascii_letter_or_digit(short.chars().next()) && ascii_letter_or_digit(before))
                    || (ascii_letter_or_digit(short.chars().next_back()) && ascii_letter_or_digit(after));
                // `unless` looks again after a contrast before the trigger.
                let contrast = contrasts.iter().any(|c| long[..at].contains(c));
                if !cut_word && !contrast {
                    redundant.push(format!("{id}: {long:?} adds nothing to {short:?}"));
                }
            }
        }
    });
    assert!(redundant.is_empty(), "{}", redundant.join("\n"));
}

fn describe(checker: &Checker, text: &str) -> String {
    checker.check(text).iter().map(|d| format!("{} {:?}", d.rule, d.text(text))).collect::<Vec<_>>().join(", ")
}

#[test]
fn every_rule_flags_its_flag_examples() {
    let checker = checker();
    let mut failures = Vec::new();
    for r in checker.rules() {
        for ex in &r.flag {
            let every = CheckOptions { keep_overlaps: true, ..CheckOptions::default() };
            if !checker.check_with(ex, &every).iter().any(|d| *d.rule == *r.id) {
                failures.push(format!("{}: not flagged: {ex:?} (found: {})", r.id, describe(&checker, ex)));
            }
        }
    }
    assert!(failures.is_empty(), "{} flag examples missed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn no_rule_flags_any_allow_example() {
    let checker = checker();
    let mut failures = Vec::new();
    for r in checker.rules() {
        for ex in &r.allow {
            let found = checker.check(ex);
            if !found.is_empty() {
                failures.push(format!("{}: allow example flagged: {ex:?} → {}", r.id, describe(&checker, ex)));
            }
        }
    }
    assert!(failures.is_empty(), "{} allow examples flagged:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn norms_hard_negatives_stay_clean() {
    // The hard negatives NORMS.md says every rule must leave alone.
    let checker = checker();
    for text in [
        "这款傻瓜相机很适合新手。",
        "辛苦您操心了，我们在操场旁边的机房。",
        "SBC and NSB boards are in stock.",
        "请在保证书上签字后寄回。",
        "请把日志发给我们。",
        "机房已经清理干净了。",
        "这款产品的性价比很高。",
        "Our offices in Essex and Middlesex; we read Dickens.",
        "Run kill -9 on the stuck process, then abort the job.",
        "The warranty period in the contract is 12 months.",
    ] {
        assert_eq!(describe(&checker, text), "", "hard negative flagged: {text:?}");
    }
}

#[test]
fn messages_pick_the_language_of_the_sentence() {
    let checker = checker();
    let r: &RuleInfo = checker.rules().next().expect("at least one rule");
    let ex = &r.flag[0];
    let every = CheckOptions { keep_overlaps: true, ..CheckOptions::default() };
    let d = checker.check_with(ex, &every).into_iter().find(|d| *d.rule == *r.id).expect("its own example is flagged");
    let zh = ex.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert_eq!(&*d.message, if zh { &*r.message_zh } else { &*r.message_en });
}
