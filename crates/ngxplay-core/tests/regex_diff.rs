//! Differential test of our PCRE2-style regex engine against fancy-regex on generated patterns and subjects.
//!
//! Both are backtracking, leftmost-first engines, so on ASCII subjects without newlines their captures agree,
//! except where fancy-regex (through the `regex` crate) legitimately differs from PCRE. Those cases are
//! skipped, each for a stated reason:
//! - a repeated group that can match the empty string: PCRE stops the loop after an empty iteration and keeps
//!   that iteration's captures; the `regex` crate handles empty iterations its own way;
//! - patterns fancy-regex refuses, such as a quantified assertion `(?:^)?` that PCRE2 accepts;
//! - backreferences are not generated: fancy-regex lets `\1` to an unset group match the empty string (PCRE2
//!   fails it) and compares case-sensitively under `(?i)` (PCRE2 does not); fixed cases are checked below.

use fancy_regex::Regex as Fancy;
use ngxplay_core::regex::{Regex, Spans};
use proptest::prelude::*;

/// A pattern fragment: its text, whether it can match empty, its fixed length if any, and whether it holds
/// an unbounded repeat of a nullable body (skipped, see above).
#[derive(Clone, Debug)]
struct Frag {
    text: String,
    nullable: bool,
    fixed: Option<usize>,
    skip: bool,
}

fn atom() -> impl Strategy<Value = Frag> {
    prop_oneof![
        prop::sample::select(vec!["a", "b", "c", "1", "\\.", ".", "[ab]", "[^a]", "\\d", "\\w", "\\s", "[a-c1]", " "]).prop_map(|t| Frag {
            text: t.to_string(),
            nullable: false,
            fixed: Some(1),
            skip: false
        }),
        prop::sample::select(vec!["^", "$", "\\b", "\\B"]).prop_map(|t| Frag {
            text: t.to_string(),
            nullable: true,
            fixed: Some(0),
            skip: false
        }),
    ]
}

fn frag() -> impl Strategy<Value = Frag> {
    atom().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            // Concatenation.
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| Frag {
                text: v.iter().map(|f| f.text.as_str()).collect(),
                nullable: v.iter().all(|f| f.nullable),
                fixed: v.iter().try_fold(0, |a, f| Some(a + f.fixed?)),
                skip: v.iter().any(|f| f.skip),
            }),
            // Alternation inside a group of some kind.
            (prop::collection::vec(inner.clone(), 2..4), prop::sample::select(vec!["(", "(?:", "(?>"])).prop_map(|(v, open)| {
                let first = v[0].fixed;
                Frag {
                    text: format!("{open}{})", v.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("|")),
                    nullable: v.iter().any(|f| f.nullable),
                    fixed: if v.iter().all(|f| f.fixed == first) { first } else { None },
                    skip: v.iter().any(|f| f.skip),
                }
            }),
            // A quantified group.
            (inner.clone(), prop::sample::select(vec!["*", "+", "?", "{2}", "{1,2}", "{0,}", "*?", "+?", "??", "{1,3}?"]), any::<bool>())
                .prop_map(|(f, q, capture)| {
                    let open = if capture { "(" } else { "(?:" };
                    let unbounded = q.starts_with('*') || q.starts_with('+') || q == "{0,}";
                    Frag {
                        text: format!("{open}{}){q}", f.text),
                        nullable: f.nullable || q.starts_with('*') || q.starts_with('?') || q.starts_with("{0"),
                        fixed: if q == "{2}" { f.fixed.map(|n| 2 * n) } else { None },
                        skip: f.skip || (unbounded && f.nullable),
                    }
                }),
            // Lookarounds; lookbehind only over fixed-length bodies, as PCRE2 requires.
            (inner.clone(), prop::sample::select(vec!["(?=", "(?!", "(?<=", "(?<!"])).prop_map(|(f, open)| {
                if open.starts_with("(?<") && f.fixed.is_none() {
                    return Frag { text: format!("(?={})", f.text), nullable: true, fixed: Some(0), skip: f.skip };
                }
                Frag { text: format!("{open}{})", f.text), nullable: true, fixed: Some(0), skip: f.skip }
            }),
        ]
    })
}

fn subject() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', 'b', 'c', '1', '.', ' ']), 0..10).prop_map(|v| v.into_iter().collect())
}

/// Group spans from fancy-regex, in our shape.
fn fancy_spans(re: &Fancy, text: &str) -> Option<Option<Spans>> {
    match re.captures(text) {
        Ok(Some(c)) => Some(Some((0..c.len()).map(|i| c.get(i).map(|m| (m.start(), m.end()))).collect())),
        Ok(None) => Some(None),
        Err(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, max_global_rejects: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_fancy_regex(f in frag(), subjects in prop::collection::vec(subject(), 1..6), caseless in any::<bool>()) {
        prop_assume!(!f.skip);
        let ours = Regex::new(&f.text, caseless).map_err(|e| format!("{}: {e}", f.text)).unwrap();
        let theirs = fancy_regex::RegexBuilder::new(&f.text).case_insensitive(caseless).build();
        prop_assume!(theirs.is_ok());
        let theirs = theirs.unwrap();
        for s in &subjects {
            let Some(want) = fancy_spans(&theirs, s) else { continue };
            let got = ours.find_spans(s).map_err(|_| format!("{} too complex on {s:?}", f.text)).unwrap();
            prop_assert_eq!(got, want, "pattern {:?} subject {:?}", f.text, s);
        }
    }
}

/// Backreferences to groups that are always set, where both engines agree.
#[test]
fn backreferences_agree() {
    let cases = [
        (r"(\w+)/\1", "ab/abc/abc"),
        (r"(a|b)\1", "abba"),
        (r"(?<n>[ab]+)c\k<n>", "abcab"),
        (r"^(\w)(\w)\2\1$", "abba"),
        (r"(a+)+\1", "aaaa"),
    ];
    for (p, s) in cases {
        let want = fancy_spans(&Fancy::new(p).unwrap(), s).unwrap();
        assert_eq!(Regex::new(p, false).unwrap().find_spans(s).unwrap(), want, "{p} on {s}");
    }
}
