//! `conduct check --format sarif` produces SARIF 2.1.0 that validates against the official schema
//! (vendored in `tests/fixtures/sarif-schema-2.1.0.json`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn conduct(args: &[&str]) -> (Value, i32) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_conduct")).current_dir(dir).args(args).output().expect("runs conduct");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout));
    });
    (json, out.status.code().unwrap_or(-1))
}

fn validator() -> jsonschema::Validator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = std::fs::read_to_string(dir.join("tests/fixtures/sarif-schema-2.1.0.json")).expect("schema");
    let mut schema: Value = serde_json::from_str(&schema).expect("schema is JSON");
    // The official schema's `language` patterns (in `run` and `toolComponent`),
    // `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, have a stray `]` that the draft-07 meta-schema's
    // `format: regex` rejects; use the intended pattern (our logs set no `language`).
    for def in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        assert_eq!(language.as_str(), Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"));
        *language = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
    }
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn validate(log: &Value) {
    let validator = validator();
    let errors: Vec<String> = validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF output does not validate:\n{}\n{log:#}", errors.join("\n"));
}

#[test]
fn controlled_rules_validate_and_locate_spans() {
    let (log, code) = conduct(&[
        "check",
        "--format",
        "sarif",
        "--policy",
        "tests/fixtures/policy.toml",
        "tests/fixtures/mixed.txt",
        "tests/fixtures/bom.txt",
    ]);
    assert_eq!(code, 1);
    validate(&log);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "conduct");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().unwrap_or("")).collect();
    assert_eq!(levels, ["error", "warning", "note", "error", "error"]);
    // "😀 您这个呆瓜，…" on line 3: 呆瓜 is characters 6 and 7.
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(3), Some(6)));
    assert_eq!((region["endLine"].as_u64(), region["endColumn"].as_u64()), (Some(3), Some(8)));
    assert_eq!(region["byteLength"].as_u64(), Some("呆瓜".len() as u64));
    assert_eq!(region["snippet"]["text"], "呆瓜");
    // Byte offsets count the BOM; columns do not.
    let bom = &results[4]["locations"][0]["physicalLocation"];
    assert_eq!(bom["artifactLocation"]["uri"], "tests/fixtures/bom.txt");
    assert_eq!(bom["region"]["byteOffset"].as_u64(), Some(3));
    assert_eq!(bom["region"]["startColumn"].as_u64(), Some(1));
    // Every result's rule is described, with help text from its norm.
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(rules[index]["help"]["text"].as_str().is_some_and(|t| t.contains("（测试）")));
    }
}

#[test]
fn unreadable_files_become_notifications() {
    let (log, code) =
        conduct(&["check", "--format", "sarif", "tests/fixtures/missing.txt", "tests/fixtures/clean.txt"]);
    assert_eq!(code, 2);
    validate(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let text = invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap_or("");
    assert!(text.contains("missing.txt"), "{text}");
}

#[test]
fn built_in_rules_validate() {
    let (log, _) =
        conduct(&["check", "--format", "sarif", "tests/fixtures/mixed.txt", "../../examples/sample-email.txt"]);
    validate(&log);
}

#[test]
fn the_schema_rejects_a_broken_log() {
    let (mut log, _) =
        conduct(&["check", "--format", "sarif", "--policy", "tests/fixtures/policy.toml", "tests/fixtures/mixed.txt"]);
    assert!(validator().is_valid(&log));
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator().is_valid(&log));
}
