// Shared by the integration tests: a small pack whose behaviour the tests control fully.
#![allow(dead_code)]

pub const TEST_PACK: &str = r#"
[pack]
name = "test"

[[rule]]
id = "disrespect.test-insult"
category = "disrespect"
severity = "error"
message = { zh = "不要辱骂客户", en = "Do not insult the customer" }
norm = "尊重对方，谦虚稳重"
suggestions = { zh = ["（删去）"], en = ["(remove)"] }
terms = ["傻逼", "fuck*", "shit", "sb"]
fuzzy = true
exceptions = ["sb to"]

[[rule]]
id = "commitment.test-promise"
category = "commitment"
severity = "warning"
message = { zh = "不要随意承诺", en = "Do not promise casually" }
norm = "对客户应言而有信，不随意承诺"
terms = ["保证", "guarantee"]
requires = ['周[一二三四五六日]|下周|monday|friday|tomorrow']
unless_before = ["不|没法|无法|cannot|can't|not"]
unless = ['预计|争取|tentative|subject to']
exceptions = ["保证书", "保证金"]
"#;

pub fn checker_with(policy: Option<&str>) -> conduct_rules::Checker {
    let mut b = conduct_rules::CheckerBuilder::new().without_builtin_packs().pack("test.toml", TEST_PACK);
    if let Some(p) = policy {
        b = match b.policy_str("policy.toml", p) {
            Ok(b) => b,
            Err(e) => panic!("policy should parse: {e}"),
        };
    }
    match b.build() {
        Ok(c) => c,
        Err(e) => panic!("test pack should build: {e}"),
    }
}

pub fn flagged(checker: &conduct_rules::Checker, text: &str) -> Vec<(String, String)> {
    checker.check(text).iter().map(|d| (d.rule.to_string(), d.text(text).to_string())).collect()
}
