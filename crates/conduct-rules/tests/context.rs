//! The context mechanisms (requires / unless_before / unless / exceptions) on a controlled pack.

// The controlled pack is TOML (`support_pack.rs`).
#![cfg(feature = "toml")]

#[path = "support_pack.rs"]
mod support;
use support::{checker_with, flagged};

#[test]
fn a_promise_with_a_date_is_flagged_with_its_date() {
    let c = checker_with(None);
    let text = "您放心，我保证下周二之前上线。";
    assert_eq!(flagged(&c, text), [("commitment.test-promise".into(), "保证下周".into())]);
}

#[test]
fn negated_hedged_and_compound_forms_are_not_flagged() {
    let c = checker_with(None);
    for text in [
        "这个我不敢保证周五上线。",
        "预计下周可以完成，我们争取保证质量。",
        "请周五前把保证书寄回。",
        "保证金下周退回。",
        "We cannot guarantee Friday.",
        "Tentatively, we guarantee Friday.",
    ] {
        assert!(flagged(&c, text).is_empty(), "{text}: {:?}", flagged(&c, text));
    }
}

#[test]
fn negation_only_counts_in_the_clause_before_the_trigger() {
    let c = checker_with(None);
    // the 不 is in another clause
    assert_eq!(flagged(&c, "不用担心，我保证周五上线").len(), 1);
    // the 不 comes after the trigger: still a firm promise
    assert_eq!(flagged(&c, "我保证周五之前不会再出问题").len(), 1);
}

#[test]
fn a_negation_before_a_clause_opener_is_not_the_triggers() {
    let c = checker_with(None);
    // `but`, `so we`, `所以` open a new clause (folds.toml `contrasts`, `clause_openers`)
    for text in [
        "Not sure what broke but we guarantee Friday.",
        "We don't have the logs yet so we guarantee Friday.",
        "日志还没拿到所以我保证周五上线。",
    ] {
        assert_eq!(flagged(&c, text).len(), 1, "{text}: {:?}", flagged(&c, text));
    }
    // a negation after the opener still counts; `not so sure` keeps one clause
    for text in [
        "We don't have the logs yet so we cannot guarantee Friday.",
        "I'm not so sure we guarantee Friday.",
        "日志还没拿到所以我不敢保证周五上线。",
    ] {
        assert!(flagged(&c, text).is_empty(), "{text}: {:?}", flagged(&c, text));
    }
}

#[test]
fn exceptions_and_boundaries_protect_ordinary_words() {
    let c = checker_with(None);
    assert!(flagged(&c, "Please ask sb to check it.").is_empty());
    assert!(flagged(&c, "SBC boards, NSB, the shitake order").is_empty());
    assert_eq!(flagged(&c, "你是SB吗"), [("disrespect.test-insult".into(), "SB".into())]);
}

#[test]
fn spans_cover_disguised_originals_exactly() {
    let c = checker_with(None);
    for (text, span) in [
        ("你个傻*逼", "傻*逼"),
        ("你个傻 逼", "傻 逼"),
        ("你个傻\u{200b}逼", "傻\u{200b}逼"),
        ("你個傻逼", "傻逼"),
        ("what the ｆｕｃｋ", "ｆｕｃｋ"),
        ("what the f.u.c.k", "f.u.c.k"),
        ("oh fuuuuck", "fuuuuck"),
        ("this is sh1t", "sh1t"),
        ("😀😀 傻逼 😀", "傻逼"),
    ] {
        let found = flagged(&c, text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].1, span, "{text}");
    }
}

#[test]
fn messages_follow_the_sentence_language_or_the_caller() {
    use conduct_rules::{CheckOptions, Lang};
    let c = checker_with(None);
    let text = "Hi team. 你个傻逼. What the fuck.";
    let d = c.check(text);
    assert_eq!(&*d[0].message, "不要辱骂客户");
    assert_eq!(&*d[1].message, "Do not insult the customer");
    let en = c.check_with(text, &CheckOptions { lang: Lang::En, ..Default::default() });
    assert!(en.iter().all(|d| &*d.message == "Do not insult the customer"));
}

#[test]
fn clause_spans_cover_the_clause_without_its_punctuation() {
    let c = checker_with(Some(
        r#"version = 1
[[rule]]
id = "disclosure.test-cost"
category = "disclosure"
severity = "error"
message = { zh = "不要透露成本", en = "Do not disclose costs" }
norm = "不与客户谈论设备价格"
terms = ["成本价", "cost price"]
requires = ['\d']
span = "clause"
"#,
    ));
    let text = "另外， 成本价是3000元 ，请保密。Also our cost price is 3000.";
    assert_eq!(
        flagged(&c, text),
        [
            ("disclosure.test-cost".into(), "成本价是3000元".into()),
            ("disclosure.test-cost".into(), "Also our cost price is 3000".into())
        ]
    );
}
