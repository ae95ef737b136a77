//! Our PCRE2-compatible regex engine, as nginx 1.22.1 uses PCRE2 (non-UTF mode: patterns and subjects are
//! bytes): a parser, a compiler to a small program and a backtracking matcher with a step budget.
//!
//! Supported: literals and escapes, classes with POSIX names, `.`, anchors, groups (capturing, named,
//! non-capturing, atomic), lookahead, fixed-length lookbehind, backreferences, greedy/lazy/possessive
//! quantifiers, inline flags `i s m x U`, `\Q..\E`, `\K`. Not supported (compile error): recursion,
//! subroutine calls, conditionals, `(*VERB)`s, `\p`, `(?|`.

mod compile;
mod exec;
mod parse;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use exec::{Outcome, UNSET};

/// Steps (instructions executed plus backtracks) allowed per search, so a hostile pattern cannot hang the tab.
pub const BACKTRACK_LIMIT: usize = 1_000_000;

/// A compiled pattern with nginx's case rule.
#[derive(Clone)]
pub struct Regex {
    prog: Arc<compile::Program>,
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
    Captures {
        numbered: Vec<String>,
        named: Vec<(String, String)>,
    },
    /// The step budget ran out; nginx would have matched or not, we cannot tell in time.
    TooComplex,
}

impl Regex {
    /// Compiles `source` as PCRE2 would, `caseless` being nginx's `~*`; the error text follows PCRE2's wording.
    pub fn new(source: &str, caseless: bool) -> Result<Regex, String> {
        let parsed = parse::parse(source.as_bytes(), caseless)?;
        let prog = compile::compile(parsed)?;
        Ok(Regex { prog: Arc::new(prog), source: source.to_string(), caseless })
    }

    pub fn is_match(&self, text: &str) -> bool {
        matches!(self.captures(text), Match::Captures { .. })
    }

    /// The byte offsets of each group of the leftmost match, `None` for groups that did not take part.
    pub fn find_spans(&self, text: &str) -> Result<Option<Spans>, TooComplex> {
        match exec::search(&self.prog, text.as_bytes(), BACKTRACK_LIMIT) {
            Outcome::NoMatch => Ok(None),
            Outcome::TooComplex => Err(TooComplex),
            Outcome::Match(slots) => Ok(Some(
                (0..=self.prog.groups as usize)
                    .map(|g| match (slots[2 * g], slots[2 * g + 1]) {
                        (s, e) if s != UNSET && e != UNSET && s <= e => Some((s, e)),
                        _ => None,
                    })
                    .collect(),
            )),
        }
    }

    pub fn captures(&self, text: &str) -> Match {
        let spans = match self.find_spans(text) {
            Ok(Some(s)) => s,
            Ok(None) => return Match::NoMatch,
            Err(TooComplex) => return Match::TooComplex,
        };
        // Without UTF mode a group may split a multibyte character; such bytes become U+FFFD.
        let get = |g: usize| spans[g].map(|(s, e)| String::from_utf8_lossy(&text.as_bytes()[s..e]).into_owned()).unwrap_or_default();
        let numbered = (0..spans.len()).map(get).collect();
        let named = self.prog.names.iter().map(|(n, g)| (n.clone(), get(*g as usize))).collect();
        Match::Captures { numbered, named }
    }

    /// Names of the named groups, which nginx turns into variables.
    pub fn group_names(&self) -> Vec<String> {
        self.prog.names.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Number of capture groups, without the whole match.
    pub fn group_count(&self) -> usize {
        self.prog.groups as usize
    }
}

/// Byte ranges of each group of a match, group 0 first; `None` for a group that did not take part.
pub type Spans = Vec<Option<(usize, usize)>>;

/// The step budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooComplex;
