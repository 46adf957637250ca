//! Regression guard on the hand-written evaluation corpus (`tests/corpus/*.tsv`).
//!
//! The thresholds sit a little below what the rules achieve (set 2026-11-27 at 1,487 cases; the
//! disrespect floor lowered 2026-11-28 from 98 % to 97.5 % at 11,601 cases, 97.98 % achieved, 0 of 5,926
//! clean cases flagged, and 2026-11-29 to 97 % at 16,143 cases, 97.4 % achieved, 0 of 8,246 clean
//! flagged: the corpus keeps the misses of blind rounds that were left unfixed on purpose, so that
//! they stay visible), so a change that loses recall or flags more clean text fails
//! here. Raise them when the rules improve; see
//! `cargo run --release -p conduct-rules --example eval -- --show-errors` for the cases behind
//! the numbers.

#[path = "support/corpus_loader.rs"]
mod corpus_loader;

use conduct_rules::{Category, Checker};
use corpus_loader::{label_name, load_dir, Tally};

/// Minimum recall per category (share of that category's cases with a finding of that category).
const MIN_RECALL: [(Category, f64); 3] =
    [(Category::Disrespect, 0.97), (Category::Commitment, 0.98), (Category::Disclosure, 0.97)];

/// Maximum share of clean cases with any finding.
const MAX_CLEAN_FLAGGED: f64 = 0.01;

#[test]
fn corpus_recall_and_clean_flag_rate() {
    let cases = load_dir(&corpus_loader::default_dir()).expect("corpus loads");
    assert!(cases.len() >= 400, "corpus has only {} cases", cases.len());

    let checker = Checker::new().expect("default packs build");
    let mut tally = Tally::default();
    let mut wrong = Vec::new();
    for case in &cases {
        let found: Vec<Category> = checker.check(&case.text).iter().map(|d| d.category).collect();
        if !tally.add(case.label, &found) {
            wrong.push(format!("  {} [{}] {}", case.location(), label_name(case.label), case.text.replace('\n', "⏎")));
        }
    }

    let mut failures = Vec::new();
    for (category, floor) in MIN_RECALL {
        let recall = tally.recall(category);
        println!("recall {category}: {:.1}% (floor {:.1}%)", recall * 100.0, floor * 100.0);
        if recall < floor {
            failures.push(format!(
                "recall of {category} is {:.1}%, below the floor {:.1}%",
                recall * 100.0,
                floor * 100.0
            ));
        }
    }
    let rate = tally.clean_flagged_rate();
    println!("clean flagged: {:.1}% (ceiling {:.1}%)", rate * 100.0, MAX_CLEAN_FLAGGED * 100.0);
    if rate > MAX_CLEAN_FLAGGED {
        failures.push(format!(
            "{:.1}% of clean cases are flagged, above the ceiling {:.1}%",
            rate * 100.0,
            MAX_CLEAN_FLAGGED * 100.0
        ));
    }
    assert!(failures.is_empty(), "{}\nmisses and false positives:\n{}", failures.join("\n"), wrong.join("\n"));
}

#[test]
fn loader_unescapes_and_rejects_bad_rows() {
    let ok = corpus_loader::parse("t.tsv", "label\ttext\n# comment\n\nclean\ta\\nb\\tc\\\\n\n").unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].text, "a\nb\tc\\n");
    assert_eq!(ok[0].line, 4);
    assert!(corpus_loader::parse("t.tsv", "text\tlabel\n").is_err());
    assert!(corpus_loader::parse("t.tsv", "label\ttext\nrude\tx\n").unwrap_err().contains("t.tsv:2"));
    assert!(corpus_loader::parse("t.tsv", "label\ttext\nclean no tab\n").is_err());
}

/// The packs as the wasm embeds them (converted to JSON by build.rs, each rule's terms sorted)
/// check every corpus text exactly as the TOML packs do: the conversion, and the order of terms,
/// change no finding.
#[cfg(feature = "toml")]
#[test]
fn precompiled_packs_check_the_corpus_like_the_toml_packs() {
    mod precompiled {
        #![allow(dead_code)]
        include!(concat!(env!("OUT_DIR"), "/precompiled.rs"));
    }
    let toml = Checker::new().expect("TOML packs build");
    let json = precompiled::BUILTIN_PACKS
        .iter()
        .fold(conduct_rules::CheckerBuilder::new().without_builtin_packs(), |b, (file, json)| b.pack(file, json))
        .build()
        .expect("precompiled packs build");
    let cases = load_dir(&corpus_loader::default_dir()).expect("corpus loads");
    assert!(cases.len() >= 400, "corpus has only {} cases", cases.len());
    let options = conduct_rules::CheckOptions { keep_overlaps: true, ..Default::default() };
    for case in &cases {
        assert_eq!(toml.check_with(&case.text, &options), json.check_with(&case.text, &options), "{}", case.location());
    }
}
