//! The built-in packs load and every one of their regexes compiles in every feature set: the wasm
//! package builds the engine without its default features (JSON packs, no `regex-unicode`,
//! no `regex-perf`), and built-in regexes compile lazily, so a pattern that needed a left-out
//! feature would otherwise only fail silently at check time. `cargo test -p conduct-rules
//! --no-default-features` runs this (and the corpus test) on that build.

use conduct_rules::{Category, Checker, ErrorKind};

#[test]
fn builtin_packs_load_and_every_regex_compiles() {
    let checker = Checker::new().unwrap_or_else(|e| panic!("{e}"));
    checker.warm_up().unwrap_or_else(|e| panic!("{e}"));
    assert!(checker.rules().count() >= 40);
    for category in Category::ALL {
        assert!(checker.rules().any(|r| r.category == category), "{category}");
    }
    let text = "这个傻*逼系统又挂了。我保证下周二之前全部上线！Our internal price is 5000 yuan.";
    let found = checker.check(text);
    for category in Category::ALL {
        assert!(found.iter().any(|d| d.category == category), "{category}: {found:?}");
    }
}

#[test]
fn json_policies_work_in_every_feature_set() {
    let policy = r#"{"version": 1, "categories": {"disclosure": {"enabled": false}}, "allow": ["傻逼系统"],
        "terms": [{"rule": "disrespect.insult", "add": ["muppet"]}]}"#;
    let checker = Checker::with_policy_str("policy.json", policy).unwrap_or_else(|e| panic!("{e}"));
    let text = "这个傻逼系统又挂了。Our internal price is 5000 yuan. You muppet.";
    let found = checker.check(text);
    assert_eq!(found.iter().map(|d| d.text(text)).collect::<Vec<_>>(), ["muppet"], "{found:?}");
    let Err(err) =
        Checker::with_policy_str("policy.json", "{\"version\": 1,\n \"rules\": {\"x.y\": {\"enabled\": 1}}}")
    else {
        panic!("a wrong type must be an error");
    };
    assert_eq!((err.kind(), err.line(), err.key()), (&ErrorKind::Schema, 2, Some("rules.x.y.enabled")), "{err}");
}

/// Without the `toml` feature a TOML policy is a typed, located error that says what to do.
#[cfg(not(feature = "toml"))]
#[test]
fn toml_policies_are_refused_without_the_feature() {
    let Err(err) = Checker::with_policy_str("policy", "version = 1\n") else { panic!("TOML must be refused") };
    assert_eq!((err.kind(), err.line(), err.column()), (&ErrorKind::UnsupportedFormat, 1, 1));
    assert!(err.to_string().contains("reads JSON only"), "{err}");
}

/// Unicode classes and case folding in a policy regex compile with `regex-unicode`; without it
/// they may be located regex errors (the wasm package's own tests assert that they are: here
/// dev-dependencies can bring the regex Unicode tables back through feature unification).
#[test]
fn unicode_classes_in_policy_regexes_follow_the_feature() {
    let rule = |pattern: &str| {
        format!(
            r#"{{"version": 1, "rule": [{{"id": "disclosure.codename", "category": "disclosure", "severity": "warning",
            "message": {{"zh": "x", "en": "x"}}, "norm": "n", "terms": ["codename"], "requires": [{}]}}]}}"#,
            serde_json::to_string(pattern).unwrap_or_default()
        )
    };
    for pattern in [r"\p{L}", r"(?i)x"] {
        match Checker::with_policy_str("policy.json", &rule(pattern)) {
            Ok(_) => {}
            Err(err) => {
                if cfg!(feature = "regex-unicode") {
                    panic!("{pattern}: {err}");
                }
                assert_eq!(err.kind(), &ErrorKind::InvalidRegex, "{err}");
                assert_eq!(err.key(), Some("rule[0].requires[0]"), "{err}");
            }
        }
    }
    assert!(Checker::with_policy_str("policy.json", &rule(r"\w+\s\d")).is_ok());
}
