//! Robustness of the command's input and output: a reader that goes away early
//! (`conduct check big | head`) and a large file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Writes `lines` copies of `line` into a file in the temporary directory and returns its path.
fn big_file(name: &str, line: &str, lines: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("conduct-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, line.repeat(lines)).expect("writes a temporary file");
    path
}

fn closed_pipe(format: &str) {
    let path = big_file(&format!("pipe-{format}.txt"), "客户您好，您这个呆瓜，这个 bluefin 版本明天发。\n", 20_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_conduct"))
        .args(["check", "--format", format, "--policy"])
        .arg(fixture("policy.toml"))
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs conduct");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut head = [0u8; 4096];
    stdout.read_exact(&mut head).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("waits");
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr should stay quiet, got: {stderr}");
    assert_eq!(out.status.code(), Some(0), "a closed pipe ends the command quietly");
}

#[test]
fn closed_pipe_exits_quietly_human() {
    closed_pipe("human");
}

#[test]
fn closed_pipe_exits_quietly_json() {
    closed_pipe("json");
}

#[test]
fn large_file_is_checked_whole() {
    // 200,000 lines, ~8 MB, one finding on the last line only.
    let mut text = "感谢您对我们公司的支持，我们会尽快安排工程师跟进。Thanks for your patience.\n".repeat(200_000);
    text.push_str("最后一行：bluefin\n");
    let path = std::env::temp_dir().join(format!("conduct-cli-{}-large.txt", std::process::id()));
    std::fs::write(&path, &text).expect("writes a temporary file");
    let out = Command::new(env!("CARGO_BIN_EXE_conduct"))
        .args(["check", "--format", "json", "--policy"])
        .arg(fixture("policy.toml"))
        .arg(&path)
        .output()
        .expect("runs conduct");
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = &json["files"][0]["diagnostics"];
    assert_eq!(d.as_array().map(Vec::len), Some(1), "{json:#}");
    assert_eq!(d[0]["line"].as_u64(), Some(200_001));
    assert_eq!(d[0]["column"].as_u64(), Some(6));
    let start = d[0]["start"].as_u64().expect("start") as usize;
    assert_eq!(&text[start..start + "bluefin".len()], "bluefin");
}
