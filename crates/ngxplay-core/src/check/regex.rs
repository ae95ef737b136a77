//! Regular expressions as nginx compiles them with PCRE2: the common compile errors in PCRE2's words,
//! and the named captures that become variables.

use super::Checker;
use crate::ast::Directive;

/// A compile error: PCRE2's message and the byte offset it reports.
#[derive(Debug, PartialEq, Eq)]
pub struct RegexError {
    pub message: &'static str,
    pub offset: usize,
}

/// What a pattern yields: its named captures, or the first error found.
pub fn analyze(p: &str) -> Result<Vec<String>, RegexError> {
    let b = p.as_bytes();
    let mut names: Vec<String> = Vec::new();
    let mut depth = 0usize;
    // Whether the previous item can take a quantifier, and whether it was itself quantified.
    let mut repeatable = false;
    let mut quantified = false;
    let mut i = 0;
    let err = |message, offset| Err(RegexError { message, offset });
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                if i + 1 >= b.len() {
                    return err("\\ at end of pattern", b.len());
                }
                if b[i + 1] == b'Q' {
                    match p[i + 2..].find("\\E") {
                        Some(e) => i += 2 + e + 2,
                        None => i = b.len(),
                    }
                } else {
                    i += 2;
                }
                repeatable = true;
                quantified = false;
                continue;
            }
            b'[' => {
                let mut j = i + 1;
                if j < b.len() && b[j] == b'^' {
                    j += 1;
                }
                if j < b.len() && b[j] == b']' {
                    j += 1;
                }
                loop {
                    if j >= b.len() {
                        return err("missing terminating ] for character class", b.len());
                    }
                    match b[j] {
                        b'\\' => j += 2,
                        b'[' if b.get(j + 1) == Some(&b':') => match p[j + 2..].find(":]") {
                            Some(e) => j += 2 + e + 2,
                            None => j += 1,
                        },
                        b']' => break,
                        _ => j += 1,
                    }
                }
                i = j + 1;
                repeatable = true;
                quantified = false;
                continue;
            }
            b'(' => {
                depth += 1;
                if b.get(i + 1) == Some(&b'?') {
                    let rest = &p[i + 2..];
                    let name_start = if rest.starts_with("P<") {
                        Some(i + 4)
                    } else if (rest.starts_with('<') && !rest.starts_with("<=") && !rest.starts_with("<!")) || rest.starts_with('\'') {
                        Some(i + 3)
                    } else {
                        None
                    };
                    if let Some(s) = name_start {
                        let end = p[s..].find(['>', '\'']).map(|e| s + e).unwrap_or(b.len());
                        let name = &p[s..end];
                        if names.iter().any(|n| n == name) {
                            return err("two named subpatterns have the same name (PCRE2_DUPNAMES not set)", end + 1);
                        }
                        names.push(name.to_string());
                        i = end + 1;
                        repeatable = false;
                        quantified = false;
                        continue;
                    }
                    // Other `(?` forms: lookarounds, non-capturing groups and inline options.
                    let mut j = i + 2;
                    if rest.starts_with("<=") || rest.starts_with("<!") {
                        j += 2;
                    } else if rest.starts_with([':', '=', '!', '>', '|']) {
                        j += 1;
                    } else {
                        while j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'-' || b[j] == b'^') {
                            j += 1;
                        }
                        if j < b.len() && b[j] == b')' {
                            depth -= 1;
                            j += 1;
                        } else if j < b.len() && b[j] == b':' {
                            j += 1;
                        }
                    }
                    i = j;
                    repeatable = false;
                    quantified = false;
                    continue;
                }
                repeatable = false;
                quantified = false;
            }
            b')' => {
                if depth == 0 {
                    return err("unmatched closing parenthesis", i);
                }
                depth -= 1;
                repeatable = true;
                quantified = false;
            }
            b'|' => {
                repeatable = false;
                quantified = false;
            }
            b'^' | b'$' => {
                repeatable = c == b'$';
                quantified = false;
            }
            b'*' | b'+' | b'?' => {
                if quantified && (c == b'?' || c == b'+') {
                    quantified = false;
                    repeatable = false;
                    i += 1;
                    continue;
                }
                if !repeatable {
                    return err("quantifier does not follow a repeatable item", i);
                }
                repeatable = false;
                quantified = true;
            }
            b'{' => {
                if let Some((len, lo, hi)) = braces(&p[i..]) {
                    if let (Some(lo), Some(hi)) = (lo, hi) {
                        if hi < lo {
                            return err("numbers out of order in {} quantifier", i + len - 1);
                        }
                    }
                    if !repeatable {
                        return err("quantifier does not follow a repeatable item", i);
                    }
                    repeatable = false;
                    quantified = true;
                    i += len;
                    continue;
                }
                repeatable = true;
                quantified = false;
            }
            _ => {
                repeatable = true;
                quantified = false;
            }
        }
        i += 1;
    }
    if depth > 0 {
        return err("missing closing parenthesis", b.len());
    }
    Ok(names)
}

/// A `{n}`, `{n,}` or `{n,m}` quantifier at the start of `s`: its length and bounds.
fn braces(s: &str) -> Option<(usize, Option<u64>, Option<u64>)> {
    let end = s.find('}')?;
    let inner = &s[1..end];
    let (lo, hi) = match inner.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (inner, None),
    };
    let num = |t: &str| -> Option<u64> { if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) { t.parse().ok() } else { None } };
    let lo_n = num(lo)?;
    let hi_n = match hi {
        Some("") => None,
        Some(h) => Some(num(h)?),
        None => Some(lo_n),
    };
    Some((end + 1, Some(lo_n), hi_n))
}

/// nginx's message for a failed compile.
pub fn message(pattern: &str, e: &RegexError) -> String {
    if e.offset >= pattern.len() {
        format!("pcre2_compile() failed: {} in \"{}\"", e.message, pattern)
    } else {
        format!("pcre2_compile() failed: {} in \"{}\" at \"{}\"", e.message, pattern, &pattern[e.offset..])
    }
}

impl<'a> Checker<'a> {
    /// `ngx_http_regex_compile`: reports a compile error, defines named captures; false on error.
    pub(crate) fn compile_regex(&mut self, d: &'a Directive, pattern: &str, _caseless: bool) -> bool {
        match analyze(pattern) {
            Err(e) => {
                self.emerg(d.term, "pcre-error", message(pattern, &e));
                false
            }
            Ok(names) => {
                for n in names {
                    if !self.add_variable(d, &n, true) {
                        return false;
                    }
                    self.http.use_var(&n);
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(p: &str) -> Option<String> {
        analyze(p).err().map(|e| message(p, &e))
    }

    #[test]
    fn pcre_words() {
        assert_eq!(msg("^/(images|css").unwrap(), "pcre2_compile() failed: missing closing parenthesis in \"^/(images|css\"");
        assert_eq!(msg("*abc").unwrap(), "pcre2_compile() failed: quantifier does not follow a repeatable item in \"*abc\" at \"*abc\"");
        assert_eq!(msg("a**").unwrap(), "pcre2_compile() failed: quantifier does not follow a repeatable item in \"a**\" at \"*\"");
        assert_eq!(msg("x{2}+?").unwrap(), "pcre2_compile() failed: quantifier does not follow a repeatable item in \"x{2}+?\" at \"?\"");
        assert_eq!(msg("a{3,1}").unwrap(), "pcre2_compile() failed: numbers out of order in {} quantifier in \"a{3,1}\" at \"}\"");
        assert_eq!(msg("^/a)b").unwrap(), "pcre2_compile() failed: unmatched closing parenthesis in \"^/a)b\" at \")b\"");
        assert!(msg("^/(?<year>\\d{4})/(.*)$").is_none());
        assert_eq!(analyze("(?<a>x)(?P<b>y)").unwrap(), vec!["a", "b"]);
        assert!(msg("\\.(jpg|png)$").is_none());
        assert!(msg("[]a]+").is_none());
        assert!(msg("^/look/(?!admin)(\\w+)$").is_none());
        assert!(msg("^(?i)CASE\\.test$").is_none());
        assert!(msg("(?:iphone|android).*mobile").is_none());
    }
}
