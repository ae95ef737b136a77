//! Request-target normalisation as nginx does it: `%XX` decoding, dot segments, slash merging, and URI escaping.

/// Why a request target cannot be turned into a URI; nginx answers 400 for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UriError {
    /// A `%` not followed by two hex digits, or `%00`.
    BadEscape,
    /// A `..` segment that climbs above the root.
    AboveRoot,
    /// The target does not start with `/`.
    NotAbsolute,
}

/// The normalised path (`$uri`) and the raw query (`$args`) of a request target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedTarget {
    pub uri: String,
    pub args: String,
    /// Whether the target had a `?` at all (`$is_args` depends on `args` only).
    pub has_query: bool,
    /// The path had `%XX` escapes (nginx's `quoted_uri`) or a `+`.
    pub quoted: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    Usual,
    Slash,
    Dot,
    DotDot,
}

/// Parses the origin-form target of a request line, as `ngx_http_parse_complex_uri` does.
pub fn parse_target(target: &str, merge_slashes: bool) -> Result<ParsedTarget, UriError> {
    let bytes = target.as_bytes();
    if bytes.first() != Some(&b'/') {
        return Err(UriError::NotAbsolute);
    }
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut state = St::Usual;
    let mut quoted = false;
    let mut args: Option<&[u8]> = None;
    let mut i = 0;
    while i < bytes.len() {
        let mut ch = bytes[i];
        i += 1;
        let mut literal = false;
        if ch == b'%' {
            quoted = true;
            let h = bytes.get(i).and_then(|c| hex_val(*c));
            let l = bytes.get(i + 1).and_then(|c| hex_val(*c));
            let (Some(h), Some(l)) = (h, l) else { return Err(UriError::BadEscape) };
            i += 2;
            ch = h * 16 + l;
            if ch == 0 {
                return Err(UriError::BadEscape);
            }
            // A decoded `%`, `#` or `?` is plain data, never syntax.
            literal = matches!(ch, b'%' | b'#' | b'?');
        }
        if ch == b'+' {
            quoted = true;
        }
        if literal {
            out.push(ch);
            state = St::Usual;
            continue;
        }
        if ch == b'?' {
            args = Some(&bytes[i..]);
            break;
        }
        if ch == b'#' {
            break;
        }
        match state {
            St::Usual => {
                out.push(ch);
                if ch == b'/' {
                    state = St::Slash;
                }
            }
            St::Slash => match ch {
                b'/' => {
                    if !merge_slashes {
                        out.push(ch);
                    }
                }
                b'.' => {
                    out.push(ch);
                    state = St::Dot;
                }
                _ => {
                    out.push(ch);
                    state = St::Usual;
                }
            },
            St::Dot => match ch {
                b'/' => {
                    out.pop();
                    state = St::Slash;
                }
                b'.' => {
                    out.push(ch);
                    state = St::DotDot;
                }
                _ => {
                    out.push(ch);
                    state = St::Usual;
                }
            },
            St::DotDot => match ch {
                b'/' => {
                    climb(&mut out)?;
                    state = St::Slash;
                }
                _ => {
                    out.push(ch);
                    state = St::Usual;
                }
            },
        }
    }
    match state {
        St::Dot => {
            out.pop();
        }
        St::DotDot => climb(&mut out)?,
        _ => {}
    }
    let uri = String::from_utf8_lossy(&out).into_owned();
    let has_query = args.is_some();
    let args = args.map(|a| String::from_utf8_lossy(a).into_owned()).unwrap_or_default();
    let args = match args.find('#') {
        Some(p) => args[..p].to_string(),
        None => args,
    };
    Ok(ParsedTarget { uri, args, has_query, quoted })
}

/// Removes `/<segment>/..` from the end of `out`, which ends with `/..`.
fn climb(out: &mut Vec<u8>) -> Result<(), UriError> {
    // Drop the `..` and the slash before it, then the previous segment up to and keeping its slash.
    let keep = out.len().saturating_sub(3);
    if out.len() < 3 || keep == 0 && out.first() == Some(&b'/') && out.len() == 3 {
        return Err(UriError::AboveRoot);
    }
    out.truncate(keep);
    match out.iter().rposition(|b| *b == b'/') {
        Some(p) => {
            out.truncate(p + 1);
            Ok(())
        }
        None => Err(UriError::AboveRoot),
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Which characters an escaping pass replaces by `%XX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// A path: controls, space, `"#%<>?\^\`{|}`, DEL and non-ASCII.
    Uri,
    /// Query data: as [`Escape::Uri`] plus `&+;`.
    Args,
}

fn needs_escape(b: u8, kind: Escape) -> bool {
    if b <= 0x20 || b >= 0x7f {
        return true;
    }
    let base = matches!(b, b'"' | b'#' | b'%' | b'<' | b'>' | b'?' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}');
    base || kind == Escape::Args && matches!(b, b'&' | b'+' | b';')
}

/// `%XX`-escapes `s` the way nginx escapes a URI it sends on.
pub fn escape(s: &str, kind: Escape) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if needs_escape(b, kind) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// Decodes every `%XX` (invalid escapes stay as they are), as `ngx_unescape_uri` does for arguments.
pub fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (b.get(i + 1).and_then(|c| hex_val(*c)), b.get(i + 2).and_then(|c| hex_val(*c))) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(t: &str) -> Result<String, UriError> {
        parse_target(t, true).map(|p| p.uri)
    }

    #[test]
    fn normalises() {
        assert_eq!(uri("/a/./b/../c").unwrap(), "/a/c");
        assert_eq!(uri("//a//b").unwrap(), "/a/b");
        assert_eq!(uri("/a%2Fb").unwrap(), "/a/b");
        assert_eq!(uri("/a%3Fb?x=%20").unwrap(), "/a?b");
        assert_eq!(parse_target("/a?x=%20", true).unwrap().args, "x=%20");
        assert_eq!(uri("/a/..").unwrap(), "/");
        assert_eq!(uri("/a/.").unwrap(), "/a/");
        assert_eq!(uri("/.."), Err(UriError::AboveRoot));
        assert_eq!(uri("/../x"), Err(UriError::AboveRoot));
        assert_eq!(uri("/%zz"), Err(UriError::BadEscape));
        assert_eq!(uri("/%2e%2e/x"), Err(UriError::AboveRoot));
        assert_eq!(parse_target("//a", false).unwrap().uri, "//a");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("/a b?c", Escape::Uri), "/a%20b%3Fc");
        assert_eq!(escape("a&b", Escape::Args), "a%26b");
        assert_eq!(escape("/ü", Escape::Uri), "/%C3%BC");
    }
}
