//! Organisation policies: switches, extra terms, allow-phrases, approved commitments, extra
//! rules, and located errors for bad ones.

// The controlled pack and most policies are TOML (`support_pack.rs`).
#![cfg(feature = "toml")]

#[path = "support_pack.rs"]
mod support;
use conduct_rules::{CheckerBuilder, ErrorKind, Severity};
use support::{checker_with, flagged, TEST_PACK};

fn policy_error(policy: &str) -> conduct_rules::Error {
    let built = CheckerBuilder::new()
        .without_builtin_packs()
        .pack("test.toml", TEST_PACK)
        .policy_str("policy.toml", policy)
        .and_then(|b| b.build());
    match built {
        Ok(_) => panic!("policy should be rejected:\n{policy}"),
        Err(e) => e,
    }
}

#[test]
fn switches_turn_rules_and_categories_off_and_relevel() {
    let c = checker_with(Some("version = 1\n[categories]\ndisrespect = { enabled = false }\n"));
    assert!(flagged(&c, "你个傻逼").is_empty());
    let c = checker_with(Some("version = 1\n[rules.\"commitment.test-promise\"]\nseverity = \"error\"\n"));
    assert_eq!(c.check("我保证周五上线")[0].severity, Severity::Error);
}

#[test]
fn extra_terms_allow_phrases_and_approved_commitments() {
    let c = checker_with(Some(
        r#"version = 1
allow = ["傻逼兽"]
approved_commitments = ["按合同SLA"]
[[terms]]
rule = "disrespect.test-insult"
add = ["废柴"]
"#,
    ));
    assert_eq!(flagged(&c, "你这个废柴").len(), 1);
    assert!(flagged(&c, "傻逼兽是一个游戏角色").is_empty());
    assert!(flagged(&c, "按合同SLA，我们保证周五恢复").is_empty());
    assert_eq!(flagged(&c, "我们保证周五恢复").len(), 1);
}

#[test]
fn json_policies_are_accepted() {
    let c = checker_with(Some(r#"{"version": 1, "rules": {"disrespect.test-insult": {"enabled": false}}}"#));
    assert!(flagged(&c, "你个傻逼").is_empty());
}

#[test]
fn policy_rules_join_the_automaton() {
    let c = checker_with(Some(
        r#"version = 1
[[rule]]
id = "disclosure.codename"
category = "disclosure"
kind = "internal"
severity = "warning"
message = { zh = "不要透露项目代号", en = "Do not disclose project code names" }
norm = "不与客户谈论有损公司形象的问题"
terms = ["Project Falcon"]
"#,
    ));
    assert_eq!(flagged(&c, "This is for project falcon."), [("disclosure.codename".into(), "project falcon".into())]);
}

#[test]
fn errors_are_located_and_typed() {
    let e = policy_error("version = 1\n[rules.\"disrespect.test-insullt\"]\nenabled = false\n");
    assert_eq!(e.kind(), &ErrorKind::UnknownRule);
    assert!(e.to_string().contains("did you mean `disrespect.test-insult`"), "{e}");
    assert_eq!(e.line(), 2, "{e}");

    let e = policy_error("version = 1\n[categories]\ndisrespect = { enabled = \"no\" }\n");
    assert_eq!(e.kind(), &ErrorKind::Schema);
    assert_eq!((e.line(), e.key()), (3, Some("categories.disrespect.enabled")), "{e}");

    let e = policy_error("version = 2\n");
    assert_eq!(e.kind(), &ErrorKind::InvalidValue);

    let e = policy_error("version = 1\nallow = [\"ok\",\n");
    assert_eq!(e.kind(), &ErrorKind::Syntax);
    assert!(e.line() >= 2, "{e}");
}

fn rule_toml(id: &str, extra: &str) -> String {
    format!(
        "version = 1\n[[rule]]\nid = \"{id}\"\ncategory = \"disclosure\"\nseverity = \"info\"\n\
         message = {{ zh = \"x\", en = \"x\" }}\nnorm = \"n\"\nterms = [\"x\"]\n{extra}"
    )
}

#[test]
fn hostile_rules_are_rejected_with_locations() {
    let e = policy_error(&rule_toml("disrespect.test-insult", "").replace("\"disclosure\"", "\"disrespect\""));
    assert_eq!(e.kind(), &ErrorKind::DuplicateRuleId, "{e}");
    assert_eq!(e.line(), 3, "{e}");

    let e = policy_error(&rule_toml("disclosure.bad-regex", "requires = ['(unclosed']\n"));
    assert_eq!(e.kind(), &ErrorKind::InvalidRegex, "{e}");
    assert_eq!((e.line(), e.key()), (9, Some("rule[0].requires[0]")), "{e}");

    let e = policy_error(&rule_toml("disclosure.huge", "requires = ['[^a]{4000}[^b]{4000}']\n"));
    assert_eq!(e.kind(), &ErrorKind::RegexTooLarge, "{e}");

    let e = policy_error(&rule_toml("Disclosure.Bad Id", ""));
    assert_eq!(e.kind(), &ErrorKind::InvalidValue, "{e}");

    let e = policy_error(&rule_toml("disclosure.blank", "").replace("terms = [\"x\"]", "terms = [\"  \"]"));
    assert_eq!(e.kind(), &ErrorKind::InvalidValue, "{e}");
}

#[test]
fn a_hundred_thousand_custom_terms_build() {
    let terms: Vec<String> = (0..100_000).map(|i| format!("\"term{i:06}x\"")).collect();
    let policy = format!("version = 1\n[[terms]]\nrule = \"disrespect.test-insult\"\nadd = [{}]\n", terms.join(","));
    let c = checker_with(Some(&policy));
    assert_eq!(flagged(&c, "you are a term004242x").len(), 1);
}

#[test]
fn a_pack_name_given_twice_is_a_located_error() {
    let built = CheckerBuilder::new()
        .without_builtin_packs()
        .pack("test.toml", TEST_PACK)
        .pack("again.toml", TEST_PACK)
        .build();
    let e = built.err().expect("a duplicate pack name");
    assert_eq!((e.kind(), e.file(), e.key()), (&ErrorKind::InvalidValue, "again.toml", Some("pack.name")), "{e}");
    assert!(e.to_string().contains("duplicate pack name"), "{e}");
}

/// Integers the TOML parser hands over in odd shapes (a radix prefix without digits, found by
/// `cargo fuzz`; out of range; signed hex) are located errors, never a panic.
#[test]
fn odd_toml_integers_are_located_errors() {
    for value in ["0b", "0x", "0o", "0x_", "-0x1", "+0b1", "9223372036854775808", "0xFFFFFFFFFFFFFFFFF"] {
        let policy = format!("v= {value}\n");
        let e = policy_error(&policy);
        assert_eq!(e.line(), 1, "{value}: {e}");
        assert!(!e.to_string().is_empty());
    }
}
