// Shared by `build.rs` (include!) and the tests in `regexes.rs`: how the precompiled packs reorder
// the alternatives of their regexes so that gzip finds more repeats (−1.3 KB of the wasm).

/// `pattern` with the alternatives of each group (and of the whole pattern) in byte order, as far
/// as that cannot change what the regex matches or where a leftmost-first match ends.
///
/// Two alternatives keep their relative order when both could match at the same position: both
/// plain literals (`\b` aside) where one is a prefix of the other, or any other pair that starts
/// with the same character or with something that is not a plain character (a class, a group, an
/// escape, an optional first character). Every other pair can never match at one position, so
/// which of them a leftmost-first search prefers never comes up. Patterns with inline flags or
/// named references (`(?i)`, `(?&name)`) and anything this does not parse are returned as they are.
fn reorder_alternations(pattern: &str) -> String {
    if pattern.match_indices("(?").any(|(at, _)| !pattern[at..].starts_with("(?:")) {
        return pattern.to_string();
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    match alternation_body(&chars, &mut at) {
        Some(out) if at == chars.len() => out,
        _ => pattern.to_string(),
    }
}

/// Characters that make an alternative more than a plain literal.
const REGEX_META: &[char] = &['\\', '[', ']', '(', ')', '{', '}', '?', '*', '+', '.', '^', '$', '|'];

/// Reads alternatives up to a `)` (not consumed) or the end, reordering nested groups first.
fn alternation_body(chars: &[char], at: &mut usize) -> Option<String> {
    let mut alternatives = vec![String::new()];
    while let Some(&c) = chars.get(*at) {
        let current = alternatives.last_mut()?;
        match c {
            ')' => break,
            '|' => {
                alternatives.push(String::new());
                *at += 1;
            }
            '\\' => {
                current.extend(chars.get(*at..*at + 2)?);
                *at += 2;
            }
            '[' => {
                let end = class_end(chars, *at)?;
                current.extend(&chars[*at..end]);
                *at = end;
            }
            '(' => {
                let open = if chars.get(*at + 1) == Some(&'?') { "(?:" } else { "(" };
                *at += open.chars().count();
                let inner = alternation_body(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                let current = alternatives.last_mut()?;
                current.push_str(open);
                current.push_str(&inner);
                current.push(')');
            }
            _ => {
                current.push(c);
                *at += 1;
            }
        }
    }
    Some(in_safe_order(alternatives).join("|"))
}

/// The index just past the character class opening at `start` (nested classes included).
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut at = start + 1;
    if chars.get(at) == Some(&'^') {
        at += 1;
    }
    // A `]` right after the opening bracket is a literal.
    if chars.get(at) == Some(&']') {
        at += 1;
    }
    let mut depth = 1;
    while let Some(&c) = chars.get(at) {
        match c {
            '\\' => at += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// The alternatives in byte order, except that any two that could match at one position keep
/// the order they had (a stable topological sort).
fn in_safe_order(alternatives: Vec<String>) -> Vec<String> {
    let n = alternatives.len();
    let literal: Vec<Option<String>> = alternatives.iter().map(|a| plain_literal(a)).collect();
    let first: Vec<Option<char>> = alternatives.iter().map(|a| plain_first_char(a)).collect();
    let clash = |i: usize, j: usize| match (&literal[i], &literal[j]) {
        (Some(a), Some(b)) => a.starts_with(b.as_str()) || b.starts_with(a.as_str()),
        _ => first[i].is_none() || first[j].is_none() || first[i] == first[j],
    };
    // `before[j]`: how many earlier alternatives that clash with `j` are not placed yet.
    let mut before: Vec<usize> = (0..n).map(|j| (0..j).filter(|&i| clash(i, j)).count()).collect();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for _ in 0..n {
        let next = (0..n).filter(|&j| !placed[j] && before[j] == 0).min_by(|&a, &b| alternatives[a].cmp(&alternatives[b]));
        let Some(next) = next else { return alternatives };
        placed[next] = true;
        order.push(next);
        for j in next + 1..n {
            if !placed[j] && clash(next, j) {
                before[j] -= 1;
            }
        }
    }
    let mut alternatives: Vec<Option<String>> = alternatives.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| alternatives[i].take()).collect()
}

/// The text an alternative matches when it is a plain literal (word boundaries aside).
fn plain_literal(alternative: &str) -> Option<String> {
    let text = alternative.replace("\\b", "");
    (!text.contains(REGEX_META)).then_some(text)
}

/// The character every match of the alternative starts with, when it is a plain one.
fn plain_first_char(alternative: &str) -> Option<char> {
    let mut rest = alternative;
    while let Some(r) = rest.strip_prefix("\\b") {
        rest = r;
    }
    let mut chars = rest.chars();
    let first = chars.next().filter(|c| !REGEX_META.contains(c))?;
    match chars.next() {
        Some('?' | '*' | '{') => None,
        _ => Some(first),
    }
}
