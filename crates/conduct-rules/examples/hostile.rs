//! Prints how long hostile inputs take (release build): `cargo run --release -p conduct-rules --example hostile`.
//! Shows that time grows linearly with input size (1 MB → 50 MB).

use std::time::Instant;

use conduct_rules::Checker;

fn main() -> Result<(), conduct_rules::Error> {
    let checker = Checker::new()?;
    let line = "王经理您好，感谢您的支持。我们已经定位到问题，预计周五给出方案。Thanks for your patience; we will follow up tomorrow. 你们这些傻逼。\n";
    for mb in [1usize, 10, 50] {
        let text = line.repeat(mb * 1024 * 1024 / line.len());
        let t = Instant::now();
        let n = checker.check(&text).len();
        let e = t.elapsed();
        println!(
            "{mb:>3} MB mixed: {:>8.1} ms, {n} findings, {:.0} MB/s",
            e.as_secs_f64() * 1e3,
            text.len() as f64 / e.as_secs_f64() / 1e6
        );
    }
    let cases = [
        ("100 KB single word", "a".repeat(100 * 1024)),
        ("10,000 emoji", "😀".repeat(10_000)),
        ("50,000 combining marks", format!("a{}", "\u{301}".repeat(50_000))),
        ("1 MB separators", "* ".repeat(512 * 1024)),
    ];
    for (name, text) in cases {
        let t = Instant::now();
        let n = checker.check(&text).len();
        println!("{name:>24}: {:>8.2} ms, {n} findings", t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(())
}
