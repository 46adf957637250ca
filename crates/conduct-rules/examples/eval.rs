//! Scores the rules on the evaluation corpus and, when present, on external data.
//!
//! ```text
//! cargo run --release -p conduct-rules --example eval -- [--corpus DIR] [--shared DIR] [--show-errors]
//! ```
//!
//! Corpus (`tests/corpus/*.tsv`): recall per category (share of that category's cases with at
//! least one finding of that category) and the share of clean cases with any finding, overall and
//! per file. External data (`../shared/eval` from the repository root, or `/work/shared/eval`):
//! COLD-dev (Chinese offensive / safe social-media comments), CrossWOZ `sys` utterances (polite
//! Chinese service chat) and Parakweet (Enron business email sentences). Missing data is skipped.

#[path = "../tests/support/corpus_loader.rs"]
mod corpus_loader;

use conduct_rules::{Category, Checker, Diagnostic};
use corpus_loader::{label_name, load_dir, ratio, Case, Tally};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How many flagged external texts `--show-errors` prints per data set.
const SAMPLES: usize = 12;

struct Args {
    corpus: PathBuf,
    shared: Option<PathBuf>,
    show_errors: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { corpus: corpus_loader::default_dir(), shared: None, show_errors: false };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--corpus" => args.corpus = it.next().ok_or("--corpus needs a directory")?.into(),
            "--shared" => args.shared = Some(it.next().ok_or("--shared needs a directory")?.into()),
            "--show-errors" => args.show_errors = true,
            "-h" | "--help" => {
                println!("usage: eval [--corpus DIR] [--shared DIR] [--show-errors]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

fn main() {
    let args = parse_args().unwrap_or_else(|e| fail(&e));
    let started = Instant::now();
    let checker = Checker::new().unwrap_or_else(|e| fail(&format!("cannot build the checker: {e}")));
    println!("checker built in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);

    let cases = load_dir(&args.corpus).unwrap_or_else(|e| fail(&e));
    let args = Args { corpus: args.corpus.canonicalize().unwrap_or(args.corpus), ..args };
    corpus_report(&checker, &cases, &args);

    match shared_dir(args.shared.as_deref()) {
        Some(dir) => {
            println!("\n== external data ({}) ==", dir.display());
            cold(&checker, &dir.join("cold-dev/dev.csv"), args.show_errors);
            crosswoz(&checker, &dir.join("crosswoz/test_utterances.jsonl"), args.show_errors);
            parakweet(&checker, &dir.join("parakweet-train/train.tsv"), args.show_errors);
        }
        None => println!("\nexternal data not found (../shared/eval or /work/shared/eval): skipped"),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("eval: {msg}");
    std::process::exit(2)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn one_line(s: &str) -> String {
    s.replace('\n', "⏎")
}

/// Distinct categories of the findings, in `Category::ALL` order.
fn categories(diags: &[Diagnostic]) -> Vec<Category> {
    Category::ALL.into_iter().filter(|c| diags.iter().any(|d| d.category == *c)).collect()
}

/// `rule「matched text」` for each finding.
fn describe(diags: &[Diagnostic], text: &str) -> String {
    let parts: Vec<String> = diags.iter().map(|d| format!("{}「{}」", d.rule, one_line(d.text(text)))).collect();
    parts.join(" ")
}

// ---------------------------------------------------------------- corpus

fn corpus_report(checker: &Checker, cases: &[Case], args: &Args) {
    let mut files: Vec<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    files.dedup();
    println!("\n== corpus: {} cases in {} files ({}) ==", cases.len(), files.len(), args.corpus.display());

    let started = Instant::now();
    let results: Vec<Vec<Diagnostic>> = cases.iter().map(|c| checker.check(&c.text)).collect();
    let elapsed = started.elapsed();

    let mut all = Tally::default();
    let mut per_file: Vec<(&str, Tally)> = files.iter().map(|f| (*f, Tally::default())).collect();
    let mut clean_by_category = [0usize; 3];
    let mut errors = Vec::new();
    for (case, diags) in cases.iter().zip(&results) {
        let found = categories(diags);
        let ok = all.add(case.label, &found);
        if let Some((_, t)) = per_file.iter_mut().find(|(f, _)| *f == case.file) {
            t.add(case.label, &found);
        }
        if case.label.is_none() {
            for (i, c) in Category::ALL.iter().enumerate() {
                clean_by_category[i] += found.contains(c) as usize;
            }
        }
        if !ok {
            errors.push((case, diags));
        }
    }

    println!(
        "{:<18} {:>6}  {:>18} {:>18} {:>18}  {:>20}",
        "file", "cases", "disrespect", "commitment", "disclosure", "clean flagged"
    );
    let row = |name: &str, t: &Tally| {
        let cell = |i: usize| {
            if t.total[i] == 0 {
                "-".to_string()
            } else {
                format!("{} ({}/{})", pct(ratio(t.hit[i], t.total[i])), t.hit[i], t.total[i])
            }
        };
        let n = t.total.iter().sum::<usize>() + t.clean_total;
        println!(
            "{:<18} {:>6}  {:>18} {:>18} {:>18}  {:>20}",
            name,
            n,
            cell(0),
            cell(1),
            cell(2),
            format!("{} ({}/{})", pct(t.clean_flagged_rate()), t.clean_flagged, t.clean_total)
        );
    };
    row("ALL", &all);
    for (f, t) in &per_file {
        row(f, t);
    }
    let by_cat: Vec<String> = Category::ALL
        .iter()
        .zip(clean_by_category)
        .map(|(c, n)| format!("{c} {}", pct(ratio(n, all.clean_total))))
        .collect();
    println!("clean cases flagged, by category of finding: {}", by_cat.join(", "));
    println!(
        "checked {} texts in {:.1} ms ({:.0} µs/text)",
        cases.len(),
        elapsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1e6 / cases.len().max(1) as f64
    );

    if args.show_errors {
        for label in Category::ALL.map(Some).into_iter().chain([None]) {
            let these: Vec<_> = errors.iter().filter(|(c, _)| c.label == label).collect();
            let what = if label.is_some() { "missed" } else { "false positives" };
            println!("\n-- {} {what}: {} --", label_name(label), these.len());
            for (case, diags) in these {
                let found = if diags.is_empty() {
                    String::new()
                } else {
                    format!("\n      found: {}", describe(diags, &case.text))
                };
                println!("  {}  {}{found}", case.location(), one_line(&case.text));
            }
        }
    }
}

// ---------------------------------------------------------------- external data

fn shared_dir(arg: Option<&Path>) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match arg {
        Some(p) => vec![p.join("eval"), p.to_path_buf()],
        None => {
            vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval"), PathBuf::from("/work/shared/eval")]
        }
    };
    candidates
        .into_iter()
        .find(|p| ["cold-dev", "crosswoz", "parakweet-train"].iter().any(|d| p.join(d).is_dir()))
        .map(|p| p.canonicalize().unwrap_or(p))
}

fn read(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(e) => {
            println!("\n{}: {e}: skipped", path.display());
            None
        }
    }
}

/// Share flagged per category and for any category, over a set of texts.
#[derive(Default)]
struct Flags {
    n: usize,
    any: usize,
    per: [usize; 3],
    samples: Vec<String>,
}

impl Flags {
    fn add(&mut self, checker: &Checker, text: &str) -> bool {
        let diags = checker.check(text);
        let found = categories(&diags);
        self.n += 1;
        for (i, c) in Category::ALL.iter().enumerate() {
            self.per[i] += found.contains(c) as usize;
        }
        if found.is_empty() {
            return false;
        }
        self.any += 1;
        if self.samples.len() < SAMPLES {
            self.samples.push(format!("  {}\n      found: {}", one_line(text), describe(&diags, text)));
        }
        true
    }

    fn line(&self) -> String {
        let per: Vec<String> =
            Category::ALL.iter().zip(self.per).map(|(c, n)| format!("{c} {}", pct(ratio(n, self.n)))).collect();
        format!("{} of {} flagged ({}); {}", pct(ratio(self.any, self.n)), self.n, self.any, per.join(", "))
    }

    fn show(&self, title: &str, show: bool) {
        if show && !self.samples.is_empty() {
            println!("  -- first {} {title} --", self.samples.len());
            for s in &self.samples {
                println!("  {s}");
            }
        }
    }
}

/// Splits one CSV line (RFC 4180 quoting; COLD has no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("at least one field");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields
}

fn cold(checker: &Checker, path: &Path, show: bool) {
    let Some(src) = read(path) else { return };
    let mut lines = src.trim_start_matches('\u{feff}').lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let (Some(li), Some(ti)) = (header.iter().position(|h| h == "label"), header.iter().position(|h| h == "TEXT"))
    else {
        println!("\n{}: no label/TEXT columns: skipped", path.display());
        return;
    };
    let (mut safe, mut offensive) = (Flags::default(), Flags::default());
    for line in lines {
        let f = csv_fields(line);
        let (Some(label), Some(text)) = (f.get(li), f.get(ti)) else { continue };
        match label.as_str() {
            "0" => safe.add(checker, text),
            "1" => offensive.add(checker, text),
            _ => continue,
        };
    }
    println!("\nCOLD-dev safe (label 0), should not be flagged: {}", safe.line());
    safe.show("flagged safe texts", show);
    println!("COLD-dev offensive (label 1), recall = share with any finding: {}", offensive.line());
}

fn crosswoz(checker: &Checker, path: &Path, show: bool) {
    let Some(src) = read(path) else { return };
    let mut sys = Flags::default();
    for line in src.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if v["role"] == "sys" {
            if let Some(text) = v["text"].as_str() {
                sys.add(checker, text);
            }
        }
    }
    println!("\nCrossWOZ sys utterances, should not be flagged: {}", sys.line());
    sys.show("flagged sys utterances", show);
}

fn parakweet(checker: &Checker, path: &Path, show: bool) {
    let Some(src) = read(path) else { return };
    let mut all = Flags::default();
    for line in src.lines() {
        if let Some((_, text)) = line.split_once('\t') {
            all.add(checker, text);
        }
    }
    println!("\nParakweet sentences (Enron email), ordinary business text: {}", all.line());
    all.show("flagged sentences", show);
}
