//! The [`Checker`]: built once from rule packs and an optional policy, then checks texts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{CheckOptions, Diagnostic, Lang};
use crate::error::{Error, ErrorKind};
use crate::model::{parse_located, Category, FoldsFile, PackFile, Policy, SpanScope};
use crate::normalize::{is_cjk, normalize_plain, Folds, Normalized};
#[cfg(feature = "quotes")]
use crate::regexes::RegexId;
use crate::regexes::RegexPool;
use crate::rule::{Rule, RuleInfo};
use crate::segment;
use crate::terms::{Hit, Owner, TermError, TermMatcher, TermMatcherBuilder};

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// Most terms a policy may add (its own rules' terms included).
pub const MAX_POLICY_TERMS: usize = 200_000;

/// Longest span, in bytes of `norm` (4096 units of up to four bytes), an exception or
/// allow-phrase match is looked for before a trigger.
const MAX_BLOCKER_BYTES: usize = 4 * 4096;

/// How far back the next chunk starts after a cut inside a run without any break.
const CHUNK_OVERLAP: usize = 2048;

/// Texts longer than this are checked in chunks cut at line breaks, so memory stays bounded.
const CHUNK_BYTES: usize = 64 * 1024;

/// Checks texts for disrespect, unapproved commitments and disclosures.
///
/// Build it once (it compiles every rule into one automaton) and reuse it; checking takes `&self`
/// and is safe to share between threads.
///
/// ```
/// use conduct_rules::{Checker, Category};
///
/// let checker = Checker::new()?;
/// let text = "您好，这个问题我们已经定位，预计周五给出修复方案。";
/// assert!(checker.check(text).is_empty());
///
/// let text = "没问题，我保证下周二之前全部上线！";
/// let found = checker.check(text);
/// assert!(found.iter().any(|d| d.category == Category::Commitment));
/// # Ok::<(), conduct_rules::Error>(())
/// ```
pub struct Checker {
    rules: Vec<Rule>,
    regexes: RegexPool,
    by_id: HashMap<Arc<str>, usize>,
    matcher: TermMatcher,
    folds: Folds,
    approved: Vec<String>,
    policy: Option<Policy>,
    /// The reply and forward headers of `packs/folds.toml` as one regex.
    #[cfg(feature = "quotes")]
    quotes: Option<RegexId>,
}

/// How many header-like lines after a line its header regexes see (`From:` … `Sent:` in Outlook's
/// header).
#[cfg(feature = "quotes")]
const QUOTE_HEADER_LINES: usize = 3;
/// Quotation marks that open / close a quoted message written in quotes under a `From:` line.
#[cfg(feature = "quotes")]
const OPENING_QUOTES: [char; 5] = ['"', '“', '「', '『', '«'];
#[cfg(feature = "quotes")]
const CLOSING_QUOTES: [char; 5] = ['"', '”', '」', '』', '»'];
/// Most lines of such a quotation (a quotation that never closes ends there).
#[cfg(feature = "quotes")]
const QUOTE_BLOCK_LINES: usize = 12;

/// Builds a [`Checker`] from the built-in packs, extra packs and a policy.
///
/// ```
/// use conduct_rules::CheckerBuilder;
///
/// // JSON here, so the example also runs without the `toml` feature; TOML reads the same keys.
/// let policy = r#"{
///   "version": 1,
///   "approved_commitments": ["按合同SLA"],
///   "categories": { "disclosure": { "enabled": false } }
/// }"#;
/// let checker = CheckerBuilder::new().policy_str("policy.json", policy)?.build()?;
/// assert!(checker.check("按合同SLA，我们保证4小时内到场。").is_empty());
/// # Ok::<(), conduct_rules::Error>(())
/// ```
pub struct CheckerBuilder {
    builtin: bool,
    packs: Vec<(String, String)>,
    policy: Option<(Policy, String, String)>,
}

impl Default for CheckerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CheckerBuilder {
    /// A builder with the built-in packs and no policy.
    pub fn new() -> Self {
        CheckerBuilder { builtin: true, packs: Vec::new(), policy: None }
    }

    /// Leaves out the built-in packs.
    pub fn without_builtin_packs(mut self) -> Self {
        self.builtin = false;
        self
    }

    /// Adds a rule pack (TOML or JSON text; JSON only without the `toml` feature); `file` names it
    /// in errors.
    pub fn pack(mut self, file: &str, source: &str) -> Self {
        self.packs.push((file.to_string(), source.to_string()));
        self
    }

    /// Parses and sets the policy.
    ///
    /// # Errors
    /// A located [`Error`] when the policy is not valid TOML/JSON (JSON only without the `toml`
    /// feature) or has unknown keys or wrong types.
    pub fn policy_str(mut self, file: &str, source: &str) -> Result<Self, Error> {
        let policy = parse_policy(file, source)?;
        self.policy = Some((policy, file.to_string(), source.to_string()));
        Ok(self)
    }

    /// Sets an already parsed policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some((policy, "policy".to_string(), String::new()));
        self
    }

    /// Validates every pack and the policy and compiles the checker.
    ///
    /// # Errors
    /// A located [`Error`]: a pack that does not parse, a bad regex, a duplicate rule id, a policy
    /// naming an unknown rule, a term that is empty or too long, too many terms.
    pub fn build(self) -> Result<Checker, Error> {
        let folds = parse_folds()?;
        let mut rules: Vec<Rule> = Vec::new();
        let mut by_id: HashMap<Arc<str>, usize> = HashMap::new();
        let mut term_lists: Vec<TermList> = Vec::new();
        let mut sources: Vec<(Cow<'static, str>, Cow<'static, str>)> = Vec::new();
        let mut regexes = RegexPool::with_shared(folds.patterns.clone());
        #[cfg(feature = "quotes")]
        let quotes = match &folds.quote_headers[..] {
            [] => None,
            headers => {
                let mut any = String::new();
                for h in headers {
                    any.push_str(if any.is_empty() { "(?:" } else { "|(?:" });
                    any.push_str(h);
                    any.push(')');
                }
                Some(regexes.add(&any, false, "packs/folds.toml", FOLDS, "quote_headers")?)
            }
        };
        // Built-in regexes compile lazily (the test suite compiles them all); others right now.
        let builtin =
            BUILTIN_PACKS.iter().filter(|_| self.builtin).map(|&(f, s)| (Cow::Borrowed(f), Cow::Borrowed(s), false));
        let extra = self.packs.into_iter().map(|(f, s)| (Cow::Owned(f), Cow::Owned(s), true));
        // A handful of packs: a list, not one more hash set type in the wasm.
        let mut pack_names: Vec<String> = Vec::new();
        for (file, source, eager) in builtin.chain(extra) {
            let PackFile { pack, rule: specs } = parse_located(&source, &file)?;
            if pack_names.contains(&pack.name) {
                return Err(Error::new(ErrorKind::InvalidValue, &file, format!("duplicate pack name `{}`", pack.name))
                    .with_key("pack.name")
                    .near(&source, &pack.name));
            }
            pack_names.push(pack.name.clone());
            for (i, spec) in specs.into_iter().enumerate() {
                let rule = Rule::compile(&spec, i, &pack.name, &file, &source, &mut regexes, eager)?;
                add_rule(&mut rules, &mut by_id, rule, &file, &source, i)?;
                term_lists.push(TermList::of(rules.len() - 1, spec));
            }
            sources.push((file, source));
        }
        let mut approved = Vec::new();
        let mut allow = Vec::new();
        let policy = match self.policy {
            None => None,
            Some((policy, file, source)) => {
                apply_policy(&policy, &file, &source, &mut rules, &mut by_id, &mut term_lists, &mut regexes)?;
                approved =
                    policy.approved_commitments.iter().map(|p| normalize_plain(p)).filter(|p| !p.is_empty()).collect();
                allow = policy.allow.clone();
                sources.push((file.into(), source.into()));
                Some(policy)
            }
        };
        // Compile every term of every enabled rule into one automaton.
        let enabled = || term_lists.iter().filter(|l| rules[l.rule].info.enabled);
        let terms = enabled().flat_map(|l| l.terms.iter().chain(&l.exceptions)).chain(&allow);
        let (count, bytes) = terms.fold((0, 0), |(n, b), t| (n + 1, b + t.len()));
        let mut mb = TermMatcherBuilder::with_capacity(count, bytes);
        for list in &term_lists {
            let info = &rules[list.rule].info;
            if !info.enabled {
                continue;
            }
            for t in &list.terms {
                add_term(&mut mb, t, Owner::Trigger(list.rule as u32), list.fuzzy, &folds, &info.id, &sources)?;
            }
            for t in &list.exceptions {
                add_term(&mut mb, t, Owner::Exception(list.rule as u32), false, &folds, &info.id, &sources)?;
            }
        }
        for phrase in &allow {
            add_term(&mut mb, phrase, Owner::Allow, false, &folds, "allow", &sources)?;
        }
        Ok(Checker {
            rules,
            regexes,
            by_id,
            matcher: mb.build(),
            folds,
            approved,
            policy,
            #[cfg(feature = "quotes")]
            quotes,
        })
    }
}

/// Terms and exceptions to compile for one rule.
struct TermList {
    rule: usize,
    terms: Vec<String>,
    exceptions: Vec<String>,
    fuzzy: bool,
}

impl TermList {
    /// Takes the terms out of `spec` (the rule is compiled by then).
    fn of(rule: usize, spec: crate::model::RuleSpec) -> Self {
        TermList { rule, terms: spec.terms, exceptions: spec.exceptions, fuzzy: spec.fuzzy }
    }
}

fn add_term(
    mb: &mut TermMatcherBuilder,
    term: &str,
    owner: Owner,
    fuzzy: bool,
    folds: &Folds,
    rule_id: &str,
    sources: &[(Cow<'static, str>, Cow<'static, str>)],
) -> Result<(), Error> {
    mb.add(term, owner, fuzzy, folds).map_err(|e| {
        let msg = match e {
            TermError::Empty => format!("term `{term}` of `{rule_id}` is empty after normalisation"),
            TermError::TooLong => {
                format!("term of `{rule_id}` is longer than {} characters", crate::terms::MAX_TERM_CHARS)
            }
        };
        let (file, source) = sources.iter().rev().find(|(_, s)| s.contains(term)).cloned().unwrap_or_default();
        Error::new(ErrorKind::InvalidValue, &file, msg).with_key(format!("{rule_id}.terms")).near(&source, term)
    })
}

fn add_rule(
    rules: &mut Vec<Rule>,
    by_id: &mut HashMap<Arc<str>, usize>,
    rule: Rule,
    file: &str,
    source: &str,
    index: usize,
) -> Result<(), Error> {
    if by_id.contains_key(&rule.info.id) {
        return Err(Error::new(
            ErrorKind::DuplicateRuleId,
            file,
            format!("duplicate rule id `{}` (rule ids must be unique across all packs and the policy)", rule.info.id),
        )
        .with_key(format!("rule[{index}].id"))
        .near(source, &format!("\"{}\"", rule.info.id)));
    }
    by_id.insert(rule.info.id.clone(), rules.len());
    rules.push(rule);
    Ok(())
}

fn apply_policy(
    policy: &Policy,
    file: &str,
    source: &str,
    rules: &mut Vec<Rule>,
    by_id: &mut HashMap<Arc<str>, usize>,
    term_lists: &mut Vec<TermList>,
    regexes: &mut RegexPool,
) -> Result<(), Error> {
    let mut added_terms = 0usize;
    for (i, spec) in policy.rule.iter().enumerate() {
        let rule = Rule::compile(spec, i, "policy", file, source, regexes, true)?;
        add_rule(rules, by_id, rule, file, source, i)?;
        added_terms += spec.terms.len() + spec.exceptions.len();
        let (terms, exceptions) = (spec.terms.clone(), spec.exceptions.clone());
        term_lists.push(TermList { rule: rules.len() - 1, terms, exceptions, fuzzy: spec.fuzzy });
    }
    let unknown = |key: String, id: &str| {
        let mut msg = format!("unknown rule `{id}`");
        if let Some(close) = closest(id, by_id.keys().map(|k| &**k)) {
            msg.push_str(&format!("; did you mean `{close}`?"));
        }
        Error::new(ErrorKind::UnknownRule, file, msg).with_key(key).near(source, id)
    };
    for (id, switch) in &policy.rules {
        let Some(&r) = by_id.get(id.as_str()) else {
            return Err(unknown(format!("rules.{id}"), id));
        };
        if let Some(enabled) = switch.enabled {
            rules[r].info.enabled = enabled;
        }
        if let Some(severity) = switch.severity {
            rules[r].info.severity = severity;
        }
    }
    for cat in Category::ALL {
        let Some(switch) = policy.categories.get(cat) else { continue };
        for rule in rules.iter_mut().filter(|r| r.info.category == cat) {
            let overridden = policy.rules.get(&*rule.info.id);
            if let Some(false) = switch.enabled {
                if overridden.and_then(|s| s.enabled) != Some(true) {
                    rule.info.enabled = false;
                }
            }
            if let Some(severity) = switch.severity {
                if overridden.and_then(|s| s.severity).is_none() {
                    rule.info.severity = severity;
                }
            }
        }
    }
    for (i, extra) in policy.terms.iter().enumerate() {
        let Some(&r) = by_id.get(extra.rule.as_str()) else {
            return Err(unknown(format!("terms[{i}].rule"), &extra.rule));
        };
        added_terms += extra.add.len();
        let fuzzy = term_lists.iter().any(|l| l.rule == r && l.fuzzy);
        term_lists.push(TermList { rule: r, terms: extra.add.clone(), exceptions: Vec::new(), fuzzy });
    }
    added_terms += policy.allow.len() + policy.approved_commitments.len();
    if added_terms > MAX_POLICY_TERMS {
        return Err(Error::new(
            ErrorKind::TooLarge,
            file,
            format!("the policy adds {added_terms} terms and phrases; the limit is {MAX_POLICY_TERMS}"),
        ));
    }
    Ok(())
}

/// The id closest to `id` by edit distance, if reasonably close.
pub(crate) fn closest<'a>(id: &str, ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    ranked(id, ids).into_iter().next()
}

/// Ids reasonably close to `id`, closest first, within two edits of the closest.
fn ranked<'a>(id: &str, ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    // Rule ids are ASCII; `str::to_lowercase` (Unicode, final sigma) would be 6 KB of wasm.
    let id = id.to_ascii_lowercase();
    let close = ids
        .map(|c| (edit_distance(&id, c), c))
        .filter(|(d, c)| *d <= (c.len().max(id.len()) / 3).max(2) || c.contains(id.as_str()) || id.contains(c));
    // Sorted by inserting (a few hundred ids, once per error): a library sort would be one more
    // copy of the sort code in the wasm.
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for item in close {
        scored.insert(scored.partition_point(|x| *x <= item), item);
    }
    let best = scored.first().map_or(0, |&(d, _)| d);
    scored.into_iter().filter(|&(d, _)| d <= best + 2).map(|(_, c)| c).collect()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn parse_folds() -> Result<Folds, Error> {
    let file: FoldsFile = parse_located(FOLDS, "packs/folds.toml")?;
    let mut folds = Folds::default();
    let plain = |words: &[String]| -> Vec<String> {
        words.iter().map(|c| normalize_plain(c)).filter(|c| !c.is_empty()).collect()
    };
    folds.contrasts = plain(&file.contrasts);
    folds.openers = [&folds.contrasts[..], &plain(&file.clause_openers)].concat();
    folds.patterns = file.patterns;
    folds.quote_headers = file.quote_headers;
    for (canonical, variants) in &file.homophones {
        let canon: Vec<char> = normalize_plain(canonical).chars().collect();
        let [canon] = canon[..] else {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "packs/folds.toml",
                "a homophone key must be one character",
            )
            .with_key(format!("homophones.{canonical}"))
            .near(FOLDS, canonical));
        };
        for v in normalize_plain(variants).chars().filter(|c| !c.is_whitespace()) {
            if v != canon {
                folds.add_homophone(v, canon);
            }
        }
    }
    folds.finish();
    Ok(folds)
}

/// Parses a policy (TOML, or JSON when it starts with `{`; without the `toml` feature JSON only,
/// and TOML is an [`ErrorKind::UnsupportedFormat`] error) and checks its version.
///
/// # Errors
/// A located [`Error`] for bad syntax, unknown keys, wrong types or an unsupported version.
pub fn parse_policy(file: &str, source: &str) -> Result<Policy, Error> {
    let policy: Policy = parse_located(source, file)?;
    if policy.version != 1 {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            file,
            format!("unsupported policy version {} (expected 1)", policy.version),
        )
        .with_key("version")
        .near(source, "version"));
    }
    Ok(policy)
}

impl Checker {
    /// A checker with the built-in packs and no policy.
    ///
    /// # Errors
    /// Only if a built-in pack is broken, which the test suite rules out.
    pub fn new() -> Result<Checker, Error> {
        CheckerBuilder::new().build()
    }

    /// A checker with the built-in packs and the policy in `source` (TOML or JSON; JSON only
    /// without the `toml` feature).
    ///
    /// # Errors
    /// A located [`Error`] when the policy is invalid.
    pub fn with_policy_str(file: &str, source: &str) -> Result<Checker, Error> {
        CheckerBuilder::new().policy_str(file, source)?.build()
    }

    /// A builder for packs and policies.
    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::new()
    }

    /// The context regexes (for the tests that compare them with the regex crate).
    #[cfg(all(test, feature = "toml"))]
    pub(crate) fn regex_pool(&self) -> &RegexPool {
        &self.regexes
    }

    /// Every rule (enabled or not), in pack order.
    pub fn rules(&self) -> impl Iterator<Item = &RuleInfo> {
        self.rules.iter().map(|r| &r.info)
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.by_id.get(id).map(|&i| &self.rules[i].info)
    }

    /// The id closest to an unknown `id` (for "did you mean").
    pub fn suggest_rule_id(&self, id: &str) -> Option<&str> {
        closest(id, self.rules.iter().map(|r| &*r.info.id))
    }

    /// Up to `max` ids close to an unknown `id`, closest first.
    pub fn suggest_rule_ids(&self, id: &str, max: usize) -> Vec<&str> {
        let mut ids = ranked(id, self.rules.iter().map(|r| &*r.info.id));
        ids.truncate(max);
        ids
    }

    /// The policy the checker was built with.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    /// Compiles every context regex now. Built-in rules otherwise compile a regex the first time
    /// a text needs it, which keeps building a checker fast; call this in idle time to move that
    /// cost out of the first checks.
    ///
    /// # Errors
    /// An [`Error`] naming the first regex that does not compile (never for the built-in packs,
    /// which the test suite compiles).
    pub fn warm_up(&self) -> Result<(), Error> {
        self.warm_up_step(usize::MAX).map(|_| ())
    }

    /// Like [`Checker::warm_up`], a few at a time: compiles up to `max` of the regexes not compiled
    /// yet and returns `true` once all are. Lets a single-threaded host (the wasm service worker)
    /// spread the work over idle slices between checks.
    ///
    /// # Errors
    /// As [`Checker::warm_up`].
    pub fn warm_up_step(&self, max: usize) -> Result<bool, Error> {
        self.regexes.compile_some(max).map_err(|(pattern, e)| {
            Error::new(ErrorKind::InvalidRegex, "packs", format!("regex `{pattern}` does not compile: {e}"))
        })
    }

    /// Byte ranges of `text` quoted from earlier mail, which [`Checker::check`] does not report
    /// on: the customer's words in a reply are not the writer's. A line starting with `>` (after
    /// spaces) is quoted; and a reply or forward header (`packs/folds.toml` `quote_headers`, such
    /// as `-----Original Message-----`, `On … wrote:`, `在…写道：`, or a `From:` line with a
    /// `Sent:` line after it) quotes the rest of the text — unless the next line starts with `>`,
    /// as in a reply written between the quoted lines, or nothing but blank and `>` lines is above
    /// it: a text that starts with `From:` / `Date:` lines is the writer's own email with its
    /// headers, not a reply.
    #[cfg(feature = "quotes")]
    pub fn quoted_ranges(&self, text: &str) -> Vec<(usize, usize)> {
        self.quoted_ranges_until(text, text.len())
    }

    /// [`Checker::quoted_ranges`] as far as the line holding byte `until`: enough to tell whether a
    /// finding starting there or before is quoted.
    #[cfg(feature = "quotes")]
    fn quoted_ranges_until(&self, text: &str, until: usize) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        let quoted_line = |line: &str| matches!(line.trim_start().chars().next(), Some('>' | '＞'));
        // Whether a line may start a header, by bytes (most lines do not, and this runs on every
        // check with findings): it ends with a colon (`… wrote:`), has one near its start
        // (`From:`, `发件人：`) or holds a dash rule. Only those are normalised and matched.
        let candidate = |line: &str| {
            let b = line.trim_ascii_end().as_bytes();
            let head = &b[..b.len().min(16)];
            b.len() <= 400
                && (b.ends_with(b":")
                    || b.ends_with("：".as_bytes())
                    || head.contains(&b':')
                    || head.windows(3).any(|w| w == "：".as_bytes())
                    || (b.contains(&b'-') && b.windows(2).any(|w| w == b"--")))
        };
        let Some(headers) = self.quotes else { return out };
        let mut start = 0;
        // Whether the writer's own text (a line neither blank nor quoted) came before this line.
        let mut own_text = false;
        for line in text.split_inclusive('\n') {
            let (at, next_start) = (start, start + line.len());
            start = next_start;
            if at > until {
                break;
            }
            if quoted_line(line) {
                match out.last_mut() {
                    Some((_, e)) if *e == at => *e = next_start,
                    _ => out.push((at, next_start)),
                }
                continue;
            }
            let own_before = own_text;
            own_text |= !line.trim().is_empty();
            if !own_before || !candidate(line) {
                continue;
            }
            // A header followed by a `>` line quotes nothing by itself (a reply between quoted lines).
            let mut next = text[next_start..].split_inclusive('\n').filter(|l| !l.trim().is_empty()).peekable();
            if next.peek().is_some_and(|l| quoted_line(l)) {
                continue;
            }
            // The line and the header-like lines right after it (a `Sent:` line is one), normalised
            // as the regexes expect.
            let mut window = normalize_plain(line.trim());
            for l in next.take(QUOTE_HEADER_LINES).take_while(|l| candidate(l)) {
                window.push('\n');
                window.push_str(&normalize_plain(l.trim()));
            }
            if self.regexes.is_match(headers, &window) {
                out.push((at, text.len()));
                break;
            }
            // A `From:` line with the quoted message right under it in quotation marks (a complaint
            // forwarded inside the writer's own text): quoted up to the line where the quotation
            // closes; the writer's text goes on after it.
            let Some(first) = text[next_start..].split_inclusive('\n').find(|l| !l.trim().is_empty()) else {
                continue;
            };
            if !first.trim_start().starts_with(OPENING_QUOTES) {
                continue;
            }
            let block = format!("{}\n{}", normalize_plain(line.trim()), normalize_plain(first.trim()));
            if self.regexes.is_match(headers, &block) {
                let mut end = next_start;
                for (i, l) in text[next_start..].split_inclusive('\n').enumerate() {
                    end += l.len();
                    if l.trim_end().ends_with(CLOSING_QUOTES) || i + 1 >= QUOTE_BLOCK_LINES {
                        break;
                    }
                }
                out.push((at, end));
            }
        }
        out
    }

    /// Checks `text` with default options (messages in the text's language).
    pub fn check(&self, text: &str) -> Vec<Diagnostic> {
        self.check_with(text, &CheckOptions::default())
    }

    /// Checks `text`. Findings are sorted by start offset; spans are byte ranges of `text`.
    // Never inlined, so profilers always see it: `scripts/callgrind-check.sh` counts the
    // instructions inside it (with LTO it was inlined into its caller, depending on code size).
    #[inline(never)]
    pub fn check_with(&self, text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let (mut start, mut seen_until) = (0, 0);
        while start < text.len() {
            let (end, clean_cut) = chunk_end(text, start);
            let from = out.len();
            self.check_chunk(&text[start..end], start, options, &mut out);
            if start < seen_until {
                // An overlapping chunk: keep only what the previous one could not see.
                let fresh: Vec<Diagnostic> = out.drain(from..).filter(|d| d.end > seen_until).collect();
                out.extend(fresh);
            }
            if end == text.len() {
                break;
            }
            seen_until = end;
            start = if clean_cut { end } else { overlap_start(text, end) };
        }
        // Findings in quoted mail are dropped (looked for only up to the last finding).
        #[cfg(feature = "quotes")]
        if let Some(last) = out.iter().map(|d| d.start).max().filter(|_| !options.keep_quoted) {
            let quoted = self.quoted_ranges_until(text, last);
            out.retain(|d| !quoted.iter().any(|&(s, e)| s <= d.start && d.start < e));
        }
        sort_findings(out, by_position)
    }

    fn check_chunk(&self, text: &str, base: usize, options: &CheckOptions, out: &mut Vec<Diagnostic>) {
        let n = Normalized::new(text, &self.folds);
        let mut hits: Vec<Hit> = Vec::new();
        self.matcher.hits(&n, &mut hits);
        // Exceptions and allow-phrases, sorted by start, to test triggers against in log time. As
        // (start, index) pairs: the unstable sort of those is already in the wasm for UTF-16 spans.
        let mut blockers: Vec<(usize, u32)> = hits
            .iter()
            .enumerate()
            .filter(|(_, h)| !matches!(h.owner, Owner::Trigger(_)))
            .map(|(i, h)| (h.first, i as u32))
            .collect();
        blockers.sort_unstable();
        let first_new = out.len();
        let mut memo = SentenceMemo::default();
        // One entry per rule and sentence at most per trigger: no rehashing while checking.
        memo.entries.reserve(hits.len() - blockers.len());
        for hit in &hits {
            let Owner::Trigger(r) = hit.owner else { continue };
            let until = blockers.partition_point(|&(first, _)| first <= hit.last);
            let blocked = blockers[..until]
                .iter()
                .rev()
                .take_while(|&&(first, _)| first + MAX_BLOCKER_BYTES >= hit.first)
                .map(|&(_, i)| &hits[i as usize])
                .any(|b| b.last >= hit.first && (b.owner == Owner::Allow || b.owner == Owner::Exception(r)));
            if blocked {
                continue;
            }
            let rule = &self.rules[r as usize];
            if options.min_severity.is_some_and(|m| rule.info.severity < m) {
                continue;
            }
            if let Some(d) = self.in_context(r, rule, &n, hit, options, &mut memo) {
                out.push(Diagnostic { start: d.start + base, end: d.end + base, ..d });
            }
        }
        merge_overlaps(out, first_new, options.keep_overlaps);
    }

    /// The sentence-level part of a rule's context, the same for every trigger of the rule in
    /// the sentence (`unless` sees it from `us` on: the part after a contrast before the trigger):
    /// why the rule does not apply there, or the original byte range its `requires` matches
    /// cover, if any.
    fn sentence_context(&self, rule: &Rule, n: &Normalized, (ss, se): (usize, usize), us: usize) -> SentenceContext {
        let sentence = &n.norm[ss..se];
        let mut covered: Option<(usize, usize)> = None;
        for &id in &rule.requires {
            let (ms, me) = self.regexes.find(id, sentence).ok_or(Cleared::Requires)?;
            if let Some((s, e)) = n.original_of_norm(ss + ms, ss + me) {
                covered = Some(covered.map_or((s, e), |(a, b)| (a.min(s), b.max(e))));
            }
        }
        if rule.unless.iter().any(|&id| self.regexes.is_match(id, &n.norm[us..se])) {
            return Err(Cleared::Unless);
        }
        if rule.info.category == Category::Commitment && self.approved.iter().any(|p| sentence.contains(p.as_str())) {
            return Err(Cleared::Requires);
        }
        Ok(covered)
    }

    /// Applies the rule's context (requires / unless) to a trigger hit.
    fn in_context(
        &self,
        r: u32,
        rule: &Rule,
        n: &Normalized,
        hit: &Hit,
        options: &CheckOptions,
        memo: &mut SentenceMemo,
    ) -> Option<Diagnostic> {
        let at = hit.first;
        let (ss, se) = memo.sentence(&n.norm, at);
        // A sentence that is a quotation and nothing else passes on someone else's words.
        if segment::is_quotation(&n.norm[ss..se]) {
            return None;
        }
        let extension = match memo.get_or_insert(r, ss, || self.sentence_context(rule, n, (ss, se), ss)) {
            Ok(extension) => extension,
            Err(Cleared::Requires) => return None,
            // A hedge or an approval before a contrast (`不过`, `but`) does not qualify a trigger
            // after it: `unless` looks again from there.
            Err(Cleared::Unless) => {
                let us = memo.last_contrast(&n.norm, (ss, se), at, &self.folds.contrasts);
                if us == ss {
                    return None;
                }
                memo.get_or_insert(r, us, || self.sentence_context(rule, n, (ss, se), us)).ok()?
            }
        };
        let (cs, ce) = memo.clause(&n.norm, at);
        let negated = |from: usize| rule.unless_before.iter().any(|&id| self.regexes.is_match(id, &n.norm[from..at]));
        if negated(cs) {
            // Not when the negation is all before a word that opens a new clause (`but`, `so we`,
            // `所以`): in `I don't have the logs yet so I promise …` the `don't` is not the promise's.
            let from = memo.last_opener(&n.norm, (ss, se), at, &self.folds.openers).max(cs);
            if from == cs || negated(from) {
                return None;
            }
        }
        // A finding: its original span (not looked up for the triggers context clears).
        let (mut start, mut end) = n.original_range(hit.first, hit.last);
        if let Some((s, e)) = extension {
            start = start.min(s);
            end = end.max(e);
        }
        // The language of the clause around the trigger: in 报价：our floor price is … the finding
        // is in English even though its sentence starts in Chinese.
        let scope = match rule.span {
            SpanScope::Trigger => None,
            SpanScope::Clause => Some((cs, ce)),
            SpanScope::Sentence => Some((ss, se)),
        };
        if let Some((a, b)) = scope {
            let (a, b) = segment::trim(&n.norm, a, b);
            if let Some((s, e)) = n.original_of_norm(a, b) {
                start = start.min(s);
                end = end.max(e);
            }
        }
        let lang = match options.lang {
            Lang::Auto if n.norm[cs..ce].chars().any(is_cjk) => Lang::Zh,
            Lang::Auto => Lang::En,
            other => other,
        };
        let info = &rule.info;
        let (message, suggestions) = match lang {
            Lang::Zh => (&info.message_zh, &info.suggestions_zh),
            _ => (&info.message_en, &info.suggestions_en),
        };
        Some(Diagnostic {
            rule: info.id.clone(),
            category: info.category,
            kind: info.kind.clone(),
            severity: info.severity,
            start,
            end,
            message: message.clone(),
            norm: info.norm.clone(),
            suggestions: suggestions.clone(),
            lang,
        })
    }
}

/// Sentence-level context results of one check, by (rule, start of what `unless` sees: the
/// sentence, or its part after a contrast): a rule triggered several times in one sentence runs
/// its regexes once.
#[derive(Default)]
struct SentenceMemo {
    entries: HashMap<(u32, usize), SentenceContext, crate::terms::FnvHash>,
    /// The last sentence found: hits come in text order, so most share it.
    last_sentence: Option<(usize, usize)>,
    /// The last clause found, likewise.
    last_clause: Option<(usize, usize)>,
    /// Where the contrast conjunctions of a sentence end (`segment::contrast_ends`), by its start:
    /// found only when a sentence-level `unless` cleared a trigger.
    contrasts: Option<(usize, Vec<usize>)>,
    /// Likewise, where the clause openers (contrasts included) end: found only when an
    /// `unless_before` cleared a trigger.
    openers: Option<(usize, Vec<usize>)>,
}

/// `Ok(covered)`: the rule applies in the sentence, and its `requires` matches cover this original
/// byte range (if any); `Err`: why it does not.
type SentenceContext = Result<Option<(usize, usize)>, Cleared>;

/// Why a rule's sentence-level context rules a trigger out.
#[derive(Clone, Copy, Debug)]
enum Cleared {
    /// A `requires` regex does not match, or the sentence names an approved commitment.
    Requires,
    /// An `unless` regex matches (a hedge, an approval reference).
    Unless,
}

impl SentenceMemo {
    /// Byte range of the sentence of `norm` containing byte `at`.
    fn sentence(&mut self, norm: &str, at: usize) -> (usize, usize) {
        around(&mut self.last_sentence, norm, at, segment::sentence)
    }

    /// Byte range of the clause of `norm` containing byte `at`.
    fn clause(&mut self, norm: &str, at: usize) -> (usize, usize) {
        around(&mut self.last_clause, norm, at, segment::clause)
    }

    /// Where the last contrast conjunction before byte `at` of sentence `(ss, se)` ends, or `ss`.
    fn last_contrast(&mut self, norm: &str, sentence: (usize, usize), at: usize, words: &[String]) -> usize {
        last_word_end(&mut self.contrasts, norm, sentence, at, words)
    }

    /// Where the last clause opener (or contrast) before byte `at` of sentence `(ss, se)` ends, or `ss`.
    fn last_opener(&mut self, norm: &str, sentence: (usize, usize), at: usize, words: &[String]) -> usize {
        last_word_end(&mut self.openers, norm, sentence, at, words)
    }

    fn get_or_insert(
        &mut self,
        rule: u32,
        sentence: usize,
        compute: impl FnOnce() -> SentenceContext,
    ) -> SentenceContext {
        *self.entries.entry((rule, sentence)).or_insert_with(compute)
    }
}

/// Where the last of `words` before byte `at` of sentence `(ss, se)` ends, or `ss`; the ends of
/// all of them in the sentence are kept in `*cache` (by the sentence's start) for the next hit.
fn last_word_end(
    cache: &mut Option<(usize, Vec<usize>)>,
    norm: &str,
    (ss, se): (usize, usize),
    at: usize,
    words: &[String],
) -> usize {
    if cache.as_ref().is_none_or(|(start, _)| *start != ss) {
        *cache = Some((ss, segment::contrast_ends(norm, ss, se, words)));
    }
    let ends = cache.as_ref().map_or(&[][..], |(_, ends)| &ends[..]);
    ends.iter().copied().filter(|&c| c <= at).max().unwrap_or(ss)
}

/// The range `find` gives around byte `at` of `norm`: `*last` when it holds `at` (the ranges
/// are sentences or clauses, so any byte of one gives that one), else found and kept in `*last`.
fn around(
    last: &mut Option<(usize, usize)>,
    norm: &str,
    at: usize,
    find: fn(&str, usize) -> (usize, usize),
) -> (usize, usize) {
    match *last {
        Some((s, e)) if s <= at && at < e => (s, e),
        _ => {
            let found = find(norm, at);
            *last = Some(found);
            found
        }
    }
}

/// An order of findings. The sorts of findings all pass one of these as a function pointer, so
/// the sort is compiled once for them all (each closure would be another copy in the wasm). The
/// sorts are unstable (no second copy of the sort code beside the one for UTF-16 spans): the
/// orders are total where it matters, since findings of one rule that overlap are merged first.
type FindingOrder = fn(&Diagnostic, &Diagnostic) -> std::cmp::Ordering;

fn sort_findings(mut findings: Vec<Diagnostic>, order: FindingOrder) -> Vec<Diagnostic> {
    findings.sort_unstable_by(order);
    findings
}

/// The order of a check's result: by start, then end, then rule.
fn by_position(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule))
}

fn by_rule_then_start(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (&a.rule, a.start).cmp(&(&b.rule, b.start))
}

/// By category, then most severe, then longest.
fn by_category_then_weight(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.category, b.severity, b.end - b.start, &a.rule).cmp(&(b.category, a.severity, a.end - a.start, &b.rule))
}

/// Among `out[from..]`: merges overlapping findings of the same rule, then keeps one finding
/// where findings of the same category overlap (the most severe, then the longest), so a
/// phrase is never underlined twice for the same reason.
fn merge_overlaps(out: &mut Vec<Diagnostic>, from: usize, keep_overlaps: bool) {
    let new = &mut out[from..];
    new.sort_unstable_by(by_rule_then_start as FindingOrder);
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(new.len());
    for d in out.drain(from..) {
        match merged.last_mut() {
            Some(last) if last.rule == d.rule && d.start < last.end => last.end = last.end.max(d.end),
            _ => merged.push(d),
        }
    }
    if keep_overlaps {
        out.extend(merged);
        return;
    }
    merged.sort_unstable_by(by_category_then_weight as FindingOrder);
    // The bytes the kept findings cover, a bit per category: kept spans of one category never
    // overlap, so a finding is kept when none of its bytes is covered yet for its category. (A
    // byte map rather than an ordered map of spans: the map's code was 2.6 KB of the wasm.)
    let origin = merged.iter().map(|d| d.start).min().unwrap_or(0);
    let mut covered = vec![0u8; merged.iter().map(|d| d.end - origin).max().unwrap_or(0)];
    for d in merged {
        let bit = 1u8 << (d.category as u8);
        let span = &mut covered[d.start - origin..d.end - origin];
        if span.iter().all(|&c| c & bit == 0) {
            span.iter_mut().for_each(|c| *c |= bit);
            out.push(d);
        }
    }
}

/// End of the chunk starting at `base`, and whether it is a clean cut (a line break, sentence
/// end or space, which no term or word spans). The whole rest when short.
fn chunk_end(text: &str, base: usize) -> (usize, bool) {
    if text.len() - base <= CHUNK_BYTES {
        return (text.len(), true);
    }
    let mut limit = base + CHUNK_BYTES;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    // Cut after a line break, else a sentence end, else a space or a Chinese comma, in the second
    // half of the window; only a 32 KB run without any of them is cut at a character boundary.
    let window = &text[base..limit];
    let half = CHUNK_BYTES / 2;
    let after = |i: usize| i + window[i..].chars().next().map_or(1, char::len_utf8);
    let found = |i: Option<usize>| i.map(after).filter(|&c| c > half);
    found(window.rfind('\n'))
        .or_else(|| found(window.rfind(['。', '！', '？', '!', '?', '；', ';'])))
        .or_else(|| found(window.rfind([' ', '\t', '，', '、', ','])))
        .map_or((limit, false), |c| (base + c, true))
}

/// Where the chunk after an unclean cut at `end` starts: far enough back that a term spanning the
/// cut is seen whole.
fn overlap_start(text: &str, end: usize) -> usize {
    let mut start = end - CHUNK_OVERLAP.min(end);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flagged spans of `text`, as text.
    fn flagged_texts(c: &Checker, text: &str) -> Vec<String> {
        c.check(text).into_iter().map(|d| text[d.start..d.end].to_string()).collect()
    }

    #[cfg(feature = "quotes")]
    #[test]
    fn quoted_mail_is_not_checked_but_a_reply_between_quoted_lines_is() {
        let c = Checker::new().unwrap_or_else(|e| panic!("{e}"));
        let rules = |text: &str| flagged_texts(&c, text);
        // Top-posted replies: everything after the header is the customer's.
        for header in [
            "On Mon, 3 Mar 2025 at 10:00, Tom Smith <tom@example.com> wrote:",
            "-----Original Message-----",
            "在 2025年3月3日 10:00，王总 写道：",
            "王总 <wang@example.com> 于2025年3月3日周一 10:00写道：",
            "From: Wang Lei <wang@example.com>\nSent: Monday, March 3, 2025 10:00\nTo: Support",
            "发件人: 王磊\n发送时间: 2025年3月3日 10:00",
            "寄件者: 王磊\n日期: 2025年3月3日",
            "寄件者: 業務部 張先生\n主旨: 系統又當了",
            "From: Wang Lei\nSubject: Outage again",
        ] {
            let text = format!("Hi,\nWe are on it.\n\n{header}\n\nYour support is shit. 你们这帮傻逼。\n");
            assert_eq!(rules(&text), Vec::<String>::new(), "after {header:?}");
            let start = text.find(header.lines().next().unwrap_or_default()).unwrap_or_default();
            assert_eq!(c.quoted_ranges(&text), [(start, text.len())], "{header:?}");
        }
        // `>` lines are quoted; a reply between them, and the writer's text before a header, are not.
        let inline = "On Mon, Tom wrote:\n> Your support is shit.\nWe guarantee it will be fixed by Friday.\n> ok\n";
        assert_eq!(rules(inline), ["We guarantee it will be fixed by Friday"]);
        let before = "This config is shit.\n\n-----Original Message-----\nsame here\n";
        assert_eq!(rules(before), ["shit"]);
        // Not headers: a `From:` line without a `Sent:` line, a sentence that mentions writing.
        assert_eq!(rules("From: our side, this is shit.\n"), ["shit"]);
        assert_eq!(rules("Tom wrote: this is shit\n"), ["shit"]);
        assert!(c.quoted_ranges("plain text, no quote\n").is_empty());
        // Headers with nothing of the writer's above them are the writer's own email's headers.
        for own in [
            "From: Li Ming <li@example.com>\nDate: Mon, 3 Mar 2025\nSubject: 升级\n\n您好，我保证周五前全部修好。\n",
            "\n> 你们什么时候修好？\n发件人: 李明\n发送时间: 2025年3月3日\n\n我保证周五前全部修好。\n",
        ] {
            assert_eq!(rules(own), ["我保证周五前全部修好"], "{own:?}");
        }
    }

    #[cfg(feature = "quotes")]
    #[test]
    fn a_quotation_under_a_from_line_is_quoted_up_to_where_it_closes() {
        let c = Checker::new().unwrap_or_else(|e| panic!("{e}"));
        let rules = |text: &str| flagged_texts(&c, text);
        for (from, quote) in [
            ("发件人: 某门店店长", "\"你们这破系统天天卡,气死我了!\""),
            ("寄件者: 店長", "「WTF 這個 kiosk 又死機了,什麼垃圾玩意!」"),
            ("From: Store manager", "“Your support is shit,\nfix it today.”"),
        ] {
            let text = format!("周经理:\n下面是门店的反馈:\n{from}\n{quote}\n我们今晚排查,再次致歉。\n");
            assert_eq!(rules(&text), Vec::<String>::new(), "{text:?}");
            let (start, end) = (text.find(from).unwrap_or_default(), text.find("我们今晚").unwrap_or_default());
            assert_eq!(c.quoted_ranges(&text), [(start, end)], "{text:?}");
            // The writer's own text after the quotation is checked.
            let after = format!("{text}说实话你们这帮傻逼。\n");
            assert_eq!(rules(&after), ["傻逼"], "{after:?}");
        }
        // Without a quotation mark at the start of the next line, a bare `From:` line quotes nothing.
        assert_eq!(rules("下面是反馈:\n发件人: 店长\n你们这帮傻逼。\n"), ["傻逼"]);
    }

    #[test]
    fn a_sentence_that_is_only_a_quotation_is_not_the_writers() {
        let c = Checker::new().unwrap_or_else(|e| panic!("{e}"));
        let rules = |text: &str| flagged_texts(&c, text);
        let intro = "以下是您转发的用户反馈原文,我们已逐条记录:\n";
        for quote in
            ["“这破系统天天卡,谁设计的这垃圾界面?”", "\"Whoever designed this garbage portal should be fired!\""]
        {
            let text = format!("{intro}{quote}\n我们会在周五前给出分析。");
            assert_eq!(rules(&text), Vec::<String>::new(), "{text:?}");
            // The same words as the writer's own are flagged.
            let own = format!("{intro}{}\n", quote.trim_matches(['“', '”', '"']));
            assert!(!rules(&own).is_empty(), "{own:?}");
        }
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("commitment.guarante", "commitment.guarantee"), 1);
        assert_eq!(edit_distance("傻逼", "傻瓜"), 1);
    }

    #[test]
    fn ranked_ids_are_close_and_ordered() {
        let ids = ["commitment.guarantee", "commitment.deadline", "disclosure.price"];
        assert_eq!(ranked("Commitment.Guarante", ids.into_iter()), ["commitment.guarantee"]);
        assert!(ranked("zzz", ids.into_iter()).is_empty());
    }
}
