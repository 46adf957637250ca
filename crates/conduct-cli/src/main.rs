//! `conduct`: checks what IT service engineers write to customers for disrespect, unapproved
//! commitments and disclosures.
//!
//! ```text
//! conduct check [PATH...] [--format human|json|sarif] [--policy FILE] [--lang auto|zh|en]
//!               [--min-severity info|warning|error] [--color auto|always|never]
//! conduct rules [--format text|markdown|json] [--policy FILE]
//! conduct explain RULE_ID [--policy FILE]
//! ```
//!
//! Exit codes: 0 when nothing at warning or error was found, 1 when something was, 2 on a usage
//! error, an invalid policy, or a file that could not be checked.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod human;
mod input;
mod json;
mod report;
mod rules_doc;
mod sarif;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use conduct_rules::{CheckOptions, Checker, CheckerBuilder};

use args::{CheckArgs, CheckFormat, Cli, Command, ExplainArgs, RulesArgs, RulesFormat};
use human::{error_line, HumanWriter};
use report::{FileReport, Totals};

/// Exit code for usage errors, invalid policies and unreadable files.
const EXIT_TROUBLE: u8 = 2;

/// Why a command stopped early.
enum Failure {
    /// A message for standard error; exit 2.
    Message(String),
    /// Writing to standard output failed.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with exit 0; usage errors to stderr with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_TROUBLE } else { 0 });
        }
    };
    let stdout = io::stdout();
    let is_terminal = stdout.is_terminal();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = match cli.command {
        Command::Check(args) => check(&mut out, args, is_terminal),
        Command::Rules(args) => rules(&mut out, args),
        Command::Explain(args) => explain(&mut out, args),
    };
    let result = result.and_then(|code| out.flush().map(|()| code).map_err(Failure::Io));
    match result {
        Ok(code) => ExitCode::from(code),
        // `conduct check big | head`: the reader has gone; stop quietly.
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Io(e)) => {
            eprintln!("{}", error_line(false, &format!("cannot write output: {e}")));
            ExitCode::from(EXIT_TROUBLE)
        }
        Err(Failure::Message(message)) => {
            let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            eprintln!("{}", error_line(color, &message));
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// Builds the checker, with the policy in `policy` if given.
fn build_checker(policy: Option<&Path>) -> Result<Checker, Failure> {
    let builder = CheckerBuilder::new();
    let builder = match policy {
        None => builder,
        Some(path) => {
            let name = path.display().to_string();
            let source = input::read(&name).map_err(|e| Failure::Message(format!("{name}: {e}")))?;
            builder.policy_str(&name, source.body()).map_err(|e| Failure::Message(e.to_string()))?
        }
    };
    builder.build().map_err(|e| Failure::Message(e.to_string()))
}

/// `conduct check`.
fn check(out: &mut impl Write, args: CheckArgs, is_terminal: bool) -> Result<u8, Failure> {
    let checker = build_checker(args.policy.as_deref())?;
    let options = CheckOptions {
        lang: args.lang.into(),
        min_severity: args.min_severity.map(Into::into),
        ..CheckOptions::default()
    };
    let color = args.color.enabled(is_terminal, std::env::var_os("NO_COLOR").as_deref());
    let stderr_color = args.color.enabled(io::stderr().is_terminal(), std::env::var_os("NO_COLOR").as_deref());
    let human = HumanWriter::new(color);
    let paths = if args.paths.is_empty() { vec![input::STDIN.to_string()] } else { args.paths };
    let mut totals = Totals::default();
    let mut reports = Vec::new();
    for path in paths {
        let report = match input::read(&path) {
            Ok(source) => {
                let diagnostics = checker.check_with(source.body(), &options);
                let findings = report::locate(&source, diagnostics);
                if args.format == CheckFormat::Human {
                    human.file(out, &source, &findings)?;
                }
                FileReport { path, outcome: Ok(findings) }
            }
            Err(e) => {
                // Flush what came before so that stdout and stderr interleave sensibly.
                out.flush()?;
                eprintln!("{}", HumanWriter::new(stderr_color).file_error(&path, &e));
                FileReport { path, outcome: Err(e) }
            }
        };
        totals.add(&report);
        if args.format != CheckFormat::Human {
            reports.push(report);
        }
    }
    match args.format {
        CheckFormat::Human => human.summary(out, &totals)?,
        CheckFormat::Json => json::write(out, &reports)?,
        CheckFormat::Sarif => sarif::write(out, &checker, &reports)?,
    }
    Ok(totals.exit_code())
}

/// `conduct rules`.
fn rules(out: &mut impl Write, args: RulesArgs) -> Result<u8, Failure> {
    let checker = build_checker(args.policy.as_deref())?;
    let text = match args.format {
        RulesFormat::Text => rules_doc::list(&checker),
        RulesFormat::Markdown => rules_doc::markdown(&checker),
        RulesFormat::Json => rules_doc::json(&checker),
    };
    out.write_all(text.as_bytes())?;
    Ok(0)
}

/// `conduct explain`.
fn explain(out: &mut impl Write, args: ExplainArgs) -> Result<u8, Failure> {
    let checker = build_checker(args.policy.as_deref())?;
    match checker.rule(&args.rule) {
        Some(rule) => {
            out.write_all(rules_doc::explain(rule).as_bytes())?;
            Ok(0)
        }
        None => {
            let mut message = format!("unknown rule `{}`", args.rule);
            let close = rules_doc::closest_ids(&checker, &args.rule);
            if !close.is_empty() {
                let list: Vec<String> = close.iter().map(|id| format!("`{id}`")).collect();
                message.push_str(&format!("; did you mean {}?", list.join(" or ")));
            }
            message.push_str(" (`conduct rules` lists every rule)");
            Err(Failure::Message(message))
        }
    }
}
