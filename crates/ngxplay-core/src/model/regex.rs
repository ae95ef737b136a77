//! PCRE-style regexes for locations, server names, maps and rewrites, on fancy-regex with bounded backtracking.

use std::fmt;

/// Backtracking steps allowed per match, so a hostile pattern cannot hang the tab.
pub const BACKTRACK_LIMIT: usize = 100_000;

/// A compiled pattern with nginx's case rule.
#[derive(Clone)]
pub struct Regex {
    inner: fancy_regex::Regex,
    pub source: String,
    pub caseless: bool,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Regex({:?}{})", self.source, if self.caseless { ", caseless" } else { "" })
    }
}

/// The outcome of a match attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    NoMatch,
    /// Numbered captures (`$0` is the whole match; unset groups are empty) and named ones.
    Captures { numbered: Vec<String>, named: Vec<(String, String)> },
    /// The backtrack limit ran out; nginx would have matched or not, we cannot tell in time.
    TooComplex,
}

impl Regex {
    /// Compiles `source`; the error text is fancy-regex's.
    pub fn new(source: &str, caseless: bool) -> Result<Regex, String> {
        let mut b = fancy_regex::RegexBuilder::new(&translate(source));
        b.case_insensitive(caseless);
        b.backtrack_limit(BACKTRACK_LIMIT);
        let inner = b.build().map_err(|e| e.to_string())?;
        Ok(Regex { inner, source: source.to_string(), caseless })
    }

    pub fn is_match(&self, text: &str) -> bool {
        matches!(self.captures(text), Match::Captures { .. })
    }

    pub fn captures(&self, text: &str) -> Match {
        match self.inner.captures(text) {
            Ok(Some(c)) => {
                let numbered = (0..c.len()).map(|i| c.get(i).map(|m| m.as_str().to_string()).unwrap_or_default()).collect();
                let named = self
                    .inner
                    .capture_names()
                    .flatten()
                    .map(|n| (n.to_string(), c.name(n).map(|m| m.as_str().to_string()).unwrap_or_default()))
                    .collect();
                Match::Captures { numbered, named }
            }
            Ok(None) => Match::NoMatch,
            Err(_) => Match::TooComplex,
        }
    }

    /// Names of the named groups, which nginx turns into variables.
    pub fn group_names(&self) -> Vec<String> {
        self.inner.capture_names().flatten().map(str::to_string).collect()
    }

    /// Number of capture groups, without the whole match.
    pub fn group_count(&self) -> usize {
        self.inner.captures_len().saturating_sub(1)
    }
}

/// Rewrites the PCRE spellings fancy-regex lacks: `(?P<n>` is accepted by both; `(?<n>` is too. PCRE's `\Z`
/// is translated to fancy-regex's end-before-final-newline form.
fn translate(source: &str) -> String {
    if !source.contains("\\Z") {
        return source.to_string();
    }
    let mut out = String::with_capacity(source.len() + 8);
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('Z') => out.push_str("(?=\\n?\\z)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcre_features() {
        let r = Regex::new(r"^/(?<ver>v\d+)/(?=users)(\w+)$", false).unwrap();
        match r.captures("/v2/users") {
            Match::Captures { numbered, named } => {
                assert_eq!(numbered[1], "v2");
                assert_eq!(named, vec![("ver".to_string(), "v2".to_string())]);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Regex::new(r"(a)\1", false).unwrap().is_match("aa"));
        assert!(Regex::new(r"\.PHP$", true).unwrap().is_match("/x.php"));
        assert!(Regex::new(r"(?i)abc", false).unwrap().is_match("ABC"));
    }

    #[test]
    fn hostile_pattern_is_bounded() {
        let r = Regex::new(r"^(a+)+\1$", false).unwrap();
        let text = format!("{}b", "a".repeat(40));
        assert_eq!(r.captures(&text), Match::TooComplex);
    }
}
