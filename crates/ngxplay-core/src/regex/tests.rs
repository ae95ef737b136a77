//! Unit tests of the regex engine, one group per feature, with PCRE2's answers as the expectation.

use super::*;

fn re(p: &str) -> Regex {
    Regex::new(p, false).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The numbered captures of the leftmost match, `None` for unset groups; `None` overall for no match.
fn caps(p: &str, text: &str) -> Option<Vec<Option<String>>> {
    re(p).find_spans(text).expect("within budget").map(|v| v.into_iter().map(|s| s.map(|(a, b)| text[a..b].to_string())).collect())
}

fn whole(p: &str, text: &str) -> Option<String> {
    caps(p, text).and_then(|v| v[0].clone())
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn literals_and_escapes() {
    assert_eq!(whole(r"a\.b", "xa.b"), s("a.b"));
    assert_eq!(whole(r"a\.b", "axb"), None);
    assert_eq!(whole(r"\/x\\", "/x\\"), s("/x\\"));
    assert_eq!(whole(r"\t\n\r", "a\t\n\r"), s("\t\n\r"));
    assert_eq!(whole(r"\x41\x{42}\103", "ABC"), s("ABC"));
    assert_eq!(whole(r"\d+\D", "ab12c"), s("12c"));
    assert_eq!(whole(r"\w+", "  foo_1-"), s("foo_1"));
    assert_eq!(whole(r"\W\s\S", "a- b"), s("- b"));
    assert_eq!(whole(r"\Q.*\E+", "a.**"), s(".**"));
    assert!(Regex::new(r"\q", false).is_err());
    assert!(Regex::new("a\\", false).is_err());
}

#[test]
fn dot_and_anchors() {
    assert_eq!(whole("a.c", "a\nc abc"), s("abc"));
    assert_eq!(whole("(?s)a.c", "a\nc"), s("a\nc"));
    assert_eq!(whole("^ab", "cab"), None);
    assert_eq!(whole("b$", "ab\n"), s("b"));
    assert_eq!(whole("b$", "ab\nc"), None);
    assert_eq!(whole(r"b\Z", "ab\n"), s("b"));
    assert_eq!(whole(r"b\z", "ab\n"), None);
    assert_eq!(whole(r"\Aab", "ab"), s("ab"));
    assert_eq!(whole("(?m)^c$", "ab\nc\nd"), s("c"));
    assert_eq!(whole(r"\bfoo\b", "afoo foo"), s("foo"));
    assert_eq!(caps(r"\Bo\B", "foo").map(|v| v.len()), Some(1));
}

#[test]
fn classes() {
    assert_eq!(whole("[a-c]+", "xxabcd"), s("abc"));
    assert_eq!(whole("[^a-c/]+", "ab/de"), s("de"));
    assert_eq!(whole(r"[\d.]+", "v1.22x"), s("1.22"));
    assert_eq!(whole("[]a]+", "x]a]"), s("]a]"));
    assert_eq!(whole("[a-]+", "b-a-"), s("-a-"));
    assert_eq!(whole("[[:alpha:]]+", "12ab3"), s("ab"));
    assert_eq!(whole("[[:^digit:]]+", "12ab3"), s("ab"));
    assert_eq!(whole(r"[\b]", "a\u{8}"), s("\u{8}"));
    assert!(Regex::new("[z-a]", false).is_err());
    assert!(Regex::new("[abc", false).is_err());
    assert!(Regex::new("[[:nope:]]", false).is_err());
}

#[test]
fn groups_and_alternation() {
    assert_eq!(caps("(a)|(b)", "b"), Some(vec![s("b"), None, s("b")]));
    // Leftmost-first: the first alternative that matches wins, not the longest.
    assert_eq!(whole("a|ab", "ab"), s("a"));
    assert_eq!(whole("(?:ab|a)c", "ac"), s("ac"));
    let r = re(r"(?<y>\d{4})-(?P<m>\d\d)-(?'d'\d\d)");
    assert_eq!(r.group_names(), vec!["y", "m", "d"]);
    assert_eq!(r.group_count(), 3);
    match r.captures("on 2024-05-17") {
        Match::Captures { numbered, named } => {
            assert_eq!(numbered, vec!["2024-05-17", "2024", "05", "17"]);
            assert_eq!(named[1], ("m".to_string(), "05".to_string()));
        }
        other => panic!("{other:?}"),
    }
    assert!(Regex::new("(?<a>x)(?<a>y)", false).is_err());
    assert!(Regex::new("(a", false).is_err());
    assert!(Regex::new("a)", false).is_err());
}

#[test]
fn quantifiers() {
    assert_eq!(whole("a*", "aaa"), s("aaa"));
    assert_eq!(whole("a+?", "aaa"), s("a"));
    assert_eq!(whole("a??b", "ab"), s("ab"));
    assert_eq!(whole("a{2}", "aaa"), s("aa"));
    assert_eq!(whole("a{2,}", "aaaa"), s("aaaa"));
    assert_eq!(whole("a{1,3}", "aaaa"), s("aaa"));
    assert_eq!(whole("a{1,3}?", "aaaa"), s("a"));
    assert_eq!(whole("x{,2}", "x{,2}"), s("x{,2}"));
    assert_eq!(whole("a++a", "aaa"), None);
    assert_eq!(whole("a*+b", "aab"), s("aab"));
    assert_eq!(whole("(?U)a+", "aaa"), s("a"));
    // The last iteration's capture is kept.
    assert_eq!(caps("(?:(a)|b)+", "ab"), Some(vec![s("ab"), s("a")]));
    assert_eq!(caps("(a|b)*", "ab"), Some(vec![s("ab"), s("b")]));
    // PCRE stops a loop after an iteration that matched empty, keeping that iteration's capture.
    assert_eq!(caps("(a?)*", "b"), Some(vec![s(""), s("")]));
    assert_eq!(caps("(a|)*b", "aab"), Some(vec![s("aab"), s("")]));
    assert!(Regex::new("*a", false).is_err());
    assert!(Regex::new("a**", false).is_err());
    assert!(Regex::new("a{3,1}", false).is_err());
    assert!(Regex::new("^*", false).is_err());
}

#[test]
fn atomic_and_lookaround() {
    assert_eq!(whole("(?>a+)b", "aab"), s("aab"));
    assert_eq!(whole("(?>a|ab)c", "abc"), None);
    assert_eq!(whole("foo(?=bar)", "foobaz foobar"), s("foo"));
    assert_eq!(whole("foo(?!bar)", "foobar foobaz"), s("foo"));
    assert_eq!(re("foo(?!bar)").find_spans("foobar foobaz").unwrap().unwrap()[0], Some((7, 10)));
    assert_eq!(whole(r"(?<=\.tar)\.gz", "a.tar.gz"), s(".gz"));
    assert_eq!(whole(r"(?<=\.tar)\.gz", "a.tgz.gz"), None);
    assert_eq!(whole(r"(?<!x)y", "xyay"), s("y"));
    assert_eq!(re(r"(?<!x)y").find_spans("xyay").unwrap().unwrap()[0], Some((3, 4)));
    assert_eq!(whole("(?<=ab|c)d", "cd"), s("d"));
    assert_eq!(whole("(?<=^)a", "a"), s("a"));
    // Captures set inside a positive lookahead are kept; a negative one leaves none.
    assert_eq!(caps("(?=(a))a", "a"), Some(vec![s("a"), s("a")]));
    assert_eq!(caps("(?!(b))a", "a"), Some(vec![s("a"), None]));
    assert!(Regex::new("(?<=a+)b", false).is_err());
    assert!(Regex::new(r"(?<=(a)\1)b", false).is_err());
}

#[test]
fn backreferences() {
    assert_eq!(whole(r"(\w+)/\1", "ab/abc/abc"), s("ab/ab"));
    assert_eq!(whole(r"(?<n>x+)-\k<n>", "xx-xx"), s("xx-xx"));
    assert_eq!(whole(r"(?<n>x)\k{n}\k'n'(?P=n)\g1\g{1}\g{-1}", "xxxxxxx"), s("xxxxxxx"));
    assert_eq!(whole(r"(?i)(a)\1", "aA"), s("aA"));
    // A backreference to an unset group fails, as in PCRE2.
    assert_eq!(whole(r"(?:(a)|b)\1", "b"), None);
    assert!(Regex::new(r"(a)\2", false).is_err());
    assert!(Regex::new(r"\k<nope>", false).is_err());
}

#[test]
fn flags_and_case() {
    assert!(Regex::new(r"\.PHP$", true).unwrap().is_match("/x.php"));
    assert!(re("(?i)abc").is_match("ABC"));
    assert!(!re("a(?i)b").is_match("AB"));
    assert!(re("a(?i)b").is_match("aB"));
    assert!(re("(?i:a)b").is_match("Ab"));
    assert!(!re("(?i:a)b").is_match("AB"));
    assert!(!Regex::new("(?-i)a", true).unwrap().is_match("A"));
    // An inline flag reaches the later alternatives of its group.
    assert!(re("x(?i)y|z").is_match("Z"));
    assert!(re("(?x) a b # comment\n c").is_match("abc"));
    assert_eq!(re("(?n)(a)(?<b>b)").group_count(), 1);
    assert_eq!(whole(r"a\Kb", "ab"), s("b"));
    assert!(Regex::new(r"(?=a\K)", false).is_err());
    assert!(Regex::new("[a-c]+", true).unwrap().is_match("B"));
    // Without UTF mode only ASCII letters fold.
    assert!(!Regex::new("é", true).unwrap().is_match("É"));
}

#[test]
fn bytes_not_characters() {
    // nginx compiles without PCRE2_UTF: `\x{e9}` is the byte 0xE9, which the UTF-8 "é" does not contain.
    assert!(!re(r"^/uni/\x{e9}$").is_match("/uni/é"));
    assert!(re(r"^/uni/\xc3\xa9$").is_match("/uni/é"));
    assert!(re("^/.{2}$").is_match("/é"));
    assert!(Regex::new(r"\x{100}", false).is_err());
    assert_eq!(re("^/(.+)$").captures("/é"), Match::Captures { numbered: vec!["/é".into(), "é".into()], named: vec![] });
}

#[test]
fn hostile_patterns_are_bounded() {
    let text = format!("{}b", "a".repeat(40));
    assert_eq!(re(r"^(a+)+\1$").captures(&text), Match::TooComplex);
    let t = std::time::Instant::now();
    assert_eq!(re(r"^(a+)+$").captures(&format!("{}b", "a".repeat(100))), Match::TooComplex);
    assert_eq!(re(r"(a|aa)*c").captures(&"a".repeat(200)), Match::TooComplex);
    assert!(t.elapsed().as_secs() < 5, "the budget is a bound on time too");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(Regex::new(&deep, false).is_err());
    let deep = format!("{}a{}", "(?:".repeat(10_000), ")*".repeat(10_000));
    assert!(Regex::new(&deep, false).is_err());
    let ok = format!("{}a{}", "(".repeat(200), ")".repeat(200));
    assert!(re(&ok).is_match("a"));
    assert!(Regex::new("(?:a{1000}){1000}", false).is_err());
    assert!(Regex::new(&"[".repeat(10_000), false).is_err());
}

#[test]
fn long_subjects_stay_fast() {
    let long = format!("/{}.php", "x".repeat(20_000));
    assert!(re(r"\.php$").is_match(&long));
    assert!(re(r".*\.php$").is_match(&long));
    assert!(!re(r".*\.phq$").is_match(&long));
    assert!(!re(r"^/x+y").is_match(&long));
    assert!(!re(r"(.+)\.phq$").is_match(&long));
    assert!(!re(r"(?s)(.+)\.phq$").is_match(&long));
    assert_eq!(whole(r".+b", "a\nab"), s("ab"));
    assert_eq!(whole(r"(?s).+b", "a\nab"), s("a\nab"));
}

#[test]
fn corpus_patterns() {
    let r = re(r"^/(?<ver>v\d+)/(?=users)(\w+)$");
    match r.captures("/v2/users") {
        Match::Captures { numbered, named } => {
            assert_eq!(numbered[1], "v2");
            assert_eq!(named, vec![("ver".to_string(), "v2".to_string())]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(re(r"^/look/(?!admin)(\w+)$").is_match("/look/users"));
    assert!(!re(r"^/look/(?!admin)(\w+)$").is_match("/look/admin"));
    assert!(re(r"^/back/.*(?<=\.tar)\.gz$").is_match("/back/pkg.tar.gz"));
    assert!(re(r"^/dup/(\w+)/\1$").is_match("/dup/abc/abc"));
    assert!(!re(r"^/dup/(\w+)/\1$").is_match("/dup/abc/abd"));
    assert!(re(r"^/(?i)mixed/CASE$").is_match("/MIXED/case"));
    assert!(re(r"^/alt/(?:foo|bar)/(baz)?$").is_match("/alt/foo/"));
    assert!(!re(r"^/dot/.+$").is_match("/dot/a\nb"));
}
