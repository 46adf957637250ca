//! Criterion benchmarks of the engine: `cargo bench -p conduct-rules` (part of `just bench`).
//!
//! * `build/default`: building the default [`Checker`] (cold start: parse the packs, compile every
//!   rule into one automaton).
//! * `email/{zh,en,mixed}`: checking a realistic 5 KB customer email (fixtures in
//!   `benches/fixtures/`), with throughput in bytes.
//! * `scale/{1K..1M}`: the three emails concatenated and repeated to 1 KiB … 1 MiB, to show that
//!   checking time grows linearly (constant MB/s).
//!
//! Every input's finding count is checked against [`EXPECTED`] before anything is timed, so the
//! bench also catches a behaviour change. The counts change when the rule packs change: run
//! `cargo bench -p conduct-rules -- --test` (each benchmark once, fast); on a mismatch it panics
//! with the new table to paste over `EXPECTED`.

use std::hint::black_box;
use std::time::Duration;

use conduct_rules::Checker;
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};

const EMAIL_ZH: &str = include_str!("fixtures/email-zh.txt");
const EMAIL_EN: &str = include_str!("fixtures/email-en.txt");
const EMAIL_MIXED: &str = include_str!("fixtures/email-mixed.txt");

/// Sizes of the scaling inputs.
const SCALE: &[(&str, usize)] =
    &[("1K", 1 << 10), ("4K", 4 << 10), ("16K", 16 << 10), ("64K", 64 << 10), ("256K", 256 << 10), ("1M", 1 << 20)];

/// Findings the default checker reports on each input (update when the rule packs change, see
/// the module docs).
const EXPECTED: &[(&str, usize)] = &[
    ("email/zh", 3),
    ("email/en", 3),
    ("email/mixed", 8),
    ("scale/1K", 0),
    ("scale/4K", 3),
    ("scale/16K", 14),
    ("scale/64K", 59),
    ("scale/256K", 244),
    ("scale/1M", 994),
];

/// The three emails, repeated and cut at the last line break before `size` bytes.
fn scaled(size: usize) -> String {
    let unit = [EMAIL_ZH, EMAIL_EN, EMAIL_MIXED].join("\n");
    let mut text = unit.repeat(size / unit.len() + 1);
    let cut = text.as_bytes()[..size].iter().rposition(|&b| b == b'\n').map_or(size, |i| i + 1);
    text.truncate(cut);
    text
}

fn inputs() -> Vec<(String, String)> {
    let mut v = vec![
        ("email/zh".to_string(), EMAIL_ZH.to_string()),
        ("email/en".to_string(), EMAIL_EN.to_string()),
        ("email/mixed".to_string(), EMAIL_MIXED.to_string()),
    ];
    v.extend(SCALE.iter().map(|(name, size)| (format!("scale/{name}"), scaled(*size))));
    v
}

/// Panics with a ready-to-paste table when a finding count differs from [`EXPECTED`].
fn verify(checker: &Checker, inputs: &[(String, String)]) {
    let actual: Vec<(String, usize)> = inputs.iter().map(|(n, t)| (n.clone(), checker.check(t).len())).collect();
    let expected: Vec<(String, usize)> = EXPECTED.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    if actual != expected {
        let table: String = actual.iter().map(|(n, c)| format!("    (\"{n}\", {c}),\n")).collect();
        panic!(
            "finding counts differ from EXPECTED in crates/conduct-rules/benches/check.rs.\n\
             If the rule packs changed on purpose, replace EXPECTED with:\n{table}"
        );
    }
}

fn benches(c: &mut Criterion) {
    let checker = Checker::new().expect("the built-in packs are valid");
    let inputs = inputs();
    verify(&checker, &inputs);

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("default", |b| b.iter(|| black_box(Checker::new().expect("valid"))));
    group.finish();

    let mut group = c.benchmark_group("email");
    for (name, text) in inputs.iter().filter(|(n, _)| n.starts_with("email/")) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let id = BenchmarkId::from_parameter(format!("{}-{}B", &name[6..], text.len()));
        group.bench_with_input(id, text, |b, t| b.iter(|| black_box(checker.check(black_box(t)))));
    }
    group.finish();

    let mut group = c.benchmark_group("scale");
    group.sample_size(20).measurement_time(Duration::from_secs(4));
    for (name, text) in inputs.iter().filter(|(n, _)| n.starts_with("scale/")) {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let id = BenchmarkId::from_parameter(&name[6..]);
        group.bench_with_input(id, text, |b, t| b.iter(|| black_box(checker.check(black_box(t)))));
    }
    group.finish();
}

criterion_group!(check, benches);

/// `CONDUCT_BENCH_PROFILE=email/mixed [CONDUCT_BENCH_ITERS=200] target/release/deps/check-…`
/// checks one input in a loop without criterion, for `valgrind --tool=callgrind` (see
/// `BENCHMARKS.md`); `build/default` profiles building the checker; `cold/<input>` builds a checker
/// and checks the input once, as a freshly started service worker does (the regexes that check
/// needs compile on the way); `warm_up/default` builds a checker and compiles all its regexes.
fn profile(name: &str) {
    let iters: usize = std::env::var("CONDUCT_BENCH_ITERS").ok().and_then(|n| n.parse().ok()).unwrap_or(100);
    if name == "build/default" {
        for _ in 0..iters {
            black_box(Checker::new().expect("valid"));
        }
        return;
    }
    if name == "warm_up/default" {
        let start = std::time::Instant::now();
        let checker = Checker::new().expect("valid");
        let built = start.elapsed();
        checker.warm_up().expect("built-in regexes compile");
        println!("{name}: build {built:?}, build + all regexes {:?}", start.elapsed());
        return;
    }
    if let Some(input) = name.strip_prefix("cold/") {
        let inputs = inputs();
        let (_, text) = inputs.iter().find(|(n, _)| n == input).unwrap_or_else(|| panic!("no input `{input}`"));
        let checker = Checker::new().expect("valid");
        println!("{name}: {} findings", black_box(checker.check(black_box(text))).len());
        return;
    }
    let checker = Checker::new().expect("valid");
    // Compile the lazily built regexes first, so the loop measures checking only.
    checker.warm_up().expect("built-in regexes compile");
    let inputs = inputs();
    let (_, text) = inputs.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no input `{name}`"));
    let mut n = 0;
    for _ in 0..iters {
        n += black_box(checker.check(black_box(text))).len();
    }
    println!("{name}: {iters} checks, {} findings each", n / iters.max(1));
}

fn main() {
    if let Ok(name) = std::env::var("CONDUCT_BENCH_PROFILE") {
        return profile(&name);
    }
    check();
    Criterion::default().configure_from_args().final_summary();
}
