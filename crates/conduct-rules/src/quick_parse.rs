//! A fast path from a pack's regex to its HIR. Pack regexes are mostly long alternations of
//! literal words (`(你们|您们|贵司|…)[^。!?]{0,22}(垃圾|…)`, up to 8 KB); regex-syntax builds an AST
//! node per character, then a HIR node per character, then merges them — 40 % of compiling a
//! regex, paid in a freshly started worker by the first check that needs it. This parser builds
//! the HIR directly for that shape: literals, groups, alternation and repetition. Every other atom
//! (classes, `.`, `^`, `$`, `\b`, `\d`, `\s`, …) is short and handed to the full parser, and a
//! pattern with anything else (flags, named groups, `\x`, `\p`, nested classes, a syntax error)
//! gets `None`, so the full parser handles it and reports its errors. The result is the HIR the
//! full parser gives, node for node (a test holds every built-in pattern and random ones to that).

use regex_syntax::hir::{Capture, Hir, Repetition};

/// Deeper nesting than this is left to the full parser (and its nesting limit).
const MAX_DEPTH: u32 = 64;

/// Parses `pattern` when it is made of literals, groups, alternation and repetition around atoms
/// that `atom` (the full parser, on the atom's text alone) turns into HIR; `None` otherwise.
pub(crate) fn parse(pattern: &str, atom: &dyn Fn(&str) -> Option<Hir>) -> Option<Hir> {
    let mut p = Parser { src: pattern, pos: 0, captures: 0, depth: 0, atom };
    let hir = p.alternation()?;
    (p.pos == pattern.len()).then_some(hir)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    /// Capture groups opened so far (the full parser numbers them the same way, from 1).
    captures: u32,
    depth: u32,
    atom: &'a dyn Fn(&str) -> Option<Hir>,
}

/// What the last item of a concatenation was, for a repetition operator after it.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Nothing that can be repeated (start, an assertion, or a repetition already).
    None,
    /// The last character of the pending literal.
    Char,
    /// The last item pushed.
    Item,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn alternation(&mut self) -> Option<Hir> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some(b'|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        Some(if branches.len() == 1 { branches.pop()? } else { Hir::alternation(branches) })
    }

    fn concat(&mut self) -> Option<Hir> {
        let mut items: Vec<Hir> = Vec::new();
        let mut lit: Vec<u8> = Vec::new();
        let mut last = Last::None;
        while let Some(b) = self.peek() {
            let flush = |lit: &mut Vec<u8>, items: &mut Vec<Hir>| {
                if !lit.is_empty() {
                    items.push(Hir::literal(std::mem::take(lit)));
                }
            };
            match b {
                b'|' | b')' => break,
                b'?' | b'*' | b'+' | b'{' => {
                    let sub = match last {
                        Last::None => return None,
                        Last::Char => {
                            let at = (1..=lit.len().min(4)).map(|n| lit.len() - n).find(|&i| lit[i] & 0xC0 != 0x80)?;
                            let ch = lit.split_off(at);
                            flush(&mut lit, &mut items);
                            Hir::literal(ch)
                        }
                        Last::Item => items.pop()?,
                    };
                    items.push(Hir::repetition(self.repetition(sub)?));
                    last = Last::None;
                }
                b'(' => {
                    flush(&mut lit, &mut items);
                    items.push(self.group()?);
                    last = Last::Item;
                }
                b'\\' => {
                    let next = self.src[self.pos + 1..].chars().next()?;
                    if matches!(next, 'n' | 't' | 'r') || r".+*?()|[]{}^$\".contains(next) {
                        let ch = match next {
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            c => c,
                        };
                        lit.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        self.pos += 1 + next.len_utf8();
                        last = Last::Char;
                    } else if "bBdDwWsS".contains(next) {
                        flush(&mut lit, &mut items);
                        items.push(self.atom(2)?);
                        last = if matches!(next, 'b' | 'B') { Last::None } else { Last::Item };
                    } else {
                        return None;
                    }
                }
                b'[' => {
                    flush(&mut lit, &mut items);
                    let len = self.class_len()?;
                    items.push(self.atom(len)?);
                    last = Last::Item;
                }
                b'.' | b'^' | b'$' => {
                    flush(&mut lit, &mut items);
                    items.push(self.atom(1)?);
                    last = if b == b'.' { Last::Item } else { Last::None };
                }
                b']' | b'}' => return None,
                _ => {
                    let ch = self.src[self.pos..].chars().next()?;
                    lit.extend_from_slice(&self.src.as_bytes()[self.pos..self.pos + ch.len_utf8()]);
                    self.pos += ch.len_utf8();
                    last = Last::Char;
                }
            }
        }
        if !lit.is_empty() {
            items.push(Hir::literal(lit));
        }
        // One item is its own concatenation (what `Hir::concat` would rebuild it into).
        Some(if items.len() == 1 { items.pop()? } else { Hir::concat(items) })
    }

    /// `(…)` or `(?:…)`, at `(`.
    fn group(&mut self) -> Option<Hir> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let capture = if self.src[self.pos..].starts_with("(?:") {
            self.pos += 3;
            None
        } else if self.src[self.pos..].starts_with("(?") {
            return None;
        } else {
            self.pos += 1;
            self.captures += 1;
            Some(self.captures)
        };
        let sub = self.alternation()?;
        if self.peek() != Some(b')') {
            return None;
        }
        self.pos += 1;
        self.depth -= 1;
        Some(match capture {
            Some(index) => Hir::capture(Capture { index, name: None, sub: Box::new(sub) }),
            None => sub,
        })
    }

    /// The operator at the cursor (`?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`, each maybe lazy) on `sub`.
    fn repetition(&mut self, sub: Hir) -> Option<Repetition> {
        let (min, max) = match self.peek()? {
            b'?' => (0, Some(1)),
            b'*' => (0, None),
            b'+' => (1, None),
            _ => {
                let body = &self.src[self.pos + 1..];
                let close = body.find('}')?;
                let (lo, hi) = match body[..close].split_once(',') {
                    None => (number(&body[..close])?, Some(number(&body[..close])?)),
                    Some((lo, "")) => (number(lo)?, None),
                    Some((lo, hi)) => (number(lo)?, Some(number(hi)?)),
                };
                if hi.is_some_and(|hi| hi < lo) {
                    return None;
                }
                self.pos += close + 1;
                (lo, hi)
            }
        };
        self.pos += 1;
        let greedy = self.peek() != Some(b'?');
        if !greedy {
            self.pos += 1;
        }
        // A second operator (`a**`, `a?+`) is the full parser's to accept or reject.
        if matches!(self.peek(), Some(b'?' | b'*' | b'+' | b'{')) {
            return None;
        }
        Some(Repetition { min, max, greedy, sub: Box::new(sub) })
    }

    /// The length of the bracketed class at the cursor, when it has no nested class.
    fn class_len(&self) -> Option<usize> {
        let body = &self.src.as_bytes()[self.pos + 1..];
        let mut i = usize::from(body.first() == Some(&b'^'));
        i += usize::from(body.get(i) == Some(&b']'));
        loop {
            match *body.get(i)? {
                b']' => return Some(i + 2),
                b'[' => return None,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
    }

    /// The atom of `len` bytes at the cursor, parsed by the full parser.
    fn atom(&mut self, len: usize) -> Option<Hir> {
        let text = self.src.get(self.pos..self.pos + len)?;
        self.pos += len;
        (self.atom)(text)
    }
}

/// A repetition count: ASCII digits only (the full parser takes anything else).
fn number(s: &str) -> Option<u32> {
    let digit = |b: u8| b.is_ascii_digit().then_some(u32::from(b - b'0'));
    let (first, rest) = s.as_bytes().split_first()?;
    rest.iter().try_fold(digit(*first)?, |n, &b| n.checked_mul(10)?.checked_add(digit(b)?))
}

#[cfg(test)]
mod tests {
    use crate::regexes::{full_parse, quick_parse as quick};

    /// Taken and identical to the full parser, or left to it.
    #[test]
    fn takes_the_common_shapes_and_leaves_the_rest() {
        let taken = [
            "",
            "|",
            "()",
            "(?:)",
            "ab?",
            "你好?c*",
            "(a|)",
            "a(?:)b",
            "(?:a|b)c",
            "a{2,3}?",
            "a{2,}",
            "a{0}",
            "[]a]",
            "[^]]x",
            r"\.\b\d+",
            r"(\bthe|这)\s+[^。!?]{0,22}(x|y)$",
            "^(a(b(c)))|d.e",
            r"a\n\\\?",
            "(a)(b)(?:c)(d)",
        ];
        for p in taken {
            let want = full_parse(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!(quick(p), Some(want), "{p}");
        }
        let left = [
            "a**",
            "a?+",
            "(?i)a",
            "a{3,2}",
            r"\x41",
            r"\pL",
            "(?P<n>a)",
            "[[:alpha:]]",
            "a{",
            "a{,2}",
            "a)",
            "(a",
            "*a",
            r"\b+",
            "[a",
            "a]",
        ];
        for p in left {
            assert_eq!(quick(p), None, "{p}");
        }
    }

    /// Random well-formed patterns: literals and atoms, grouped, alternated and repeated.
    fn pattern() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = proptest::prop_oneof![
            "[ab你好]{1,3}",
            Just(r"\b".to_string()),
            Just(r"\d".to_string()),
            Just(r"\s".to_string()),
            Just(".".to_string()),
            Just("^".to_string()),
            Just(r"\.".to_string()),
            "\\[\\^?[a你.]{1,3}\\]",
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            proptest::prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| format!("({})", v.join("|"))),
                inner.clone().prop_map(|p| format!("(?:{p})")),
                (inner, proptest::sample::select(vec!["?", "*", "+?", "{2}", "{1,}", "{0,3}", "{2,3}?"]))
                    .prop_map(|(p, op)| format!("({p}){op}")),
            ]
        })
    }

    proptest::proptest! {
        /// On random well-formed patterns the fast parser gives the full parser's HIR.
        #[test]
        fn agrees_with_the_full_parser_on_patterns(p in pattern()) {
            proptest::prop_assert_eq!(quick(&p), full_parse(&p).ok(), "{}", p);
        }

        /// On character soup over the same syntax it never accepts what the full parser rejects.
        #[test]
        fn agrees_with_the_full_parser_on_soup(p in r"([ab你\|\(\)\?\*\+\.\^\$\]]|\(\?:|\{[0-9],?[0-9]?\}|\[\^?[a你.\]]{0,3}\]|\\[bdsn.?])*") {
            if let Some(hir) = quick(&p) {
                proptest::prop_assert_eq!(Some(hir), full_parse(&p).ok(), "{}", p);
            }
        }
    }
}
