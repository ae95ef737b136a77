//! The tokenizer, built on nom, following the rules of nginx's `ngx_conf_read_token`.
//!
//! Tokens are context-free except for two rules the parser applies: a quoted word must be followed by
//! whitespace, `;`, `{` or `)`, and `*_by_lua_block` bodies are skipped with [`Lexer::skip_lua_block`].

use nom::branch::alt;
use nom::bytes::complete::{take_till, take_while1};
use nom::character::complete::char as ch;
use nom::combinator::recognize;
use nom::sequence::preceded;
use nom::IResult;
use serde::{Deserialize, Serialize};

/// nginx reads a config through a 4096-byte buffer, so no token may be longer.
pub const CONF_BUFFER: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    Space,
    Comment,
    /// A bare word; it may contain `\` escapes, `$var` and `${var}`.
    Word,
    /// A `"…"` or `'…'` word; `unterminated` when the file ends inside it.
    Quoted,
    Semi,
    LBrace,
    RBrace,
    /// The opaque body of a `*_by_lua_block`, without its braces.
    Lua,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
    /// For `Quoted`: whether the closing quote is missing.
    pub unterminated: bool,
    /// For `Word`: whether it holds a `\` escape, so its value differs from its text.
    pub escaped: bool,
}

impl Token {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn space(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_space)(i)
}

fn comment(i: &[u8]) -> IResult<&[u8], &[u8]> {
    recognize(preceded(ch('#'), take_till(|c| c == b'\n')))(i)
}

/// A bare word: runs until whitespace, `;` or `{`; `\` protects the next byte and `${` does not open a block.
/// Also says whether the word holds a `\`.
fn bare_word(i: &[u8]) -> IResult<&[u8], (&[u8], bool)> {
    let mut n = 0;
    let mut variable = false;
    let mut escaped = false;
    while n < i.len() {
        let c = i[n];
        if c == b'{' && variable {
            n += 1;
            variable = false;
            continue;
        }
        variable = false;
        match c {
            b'\\' => {
                escaped = true;
                n = (n + 2).min(i.len());
                continue;
            }
            b'$' => variable = true,
            c if is_space(c) || c == b';' || c == b'{' => break,
            _ => {}
        }
        n += 1;
    }
    if n == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::TakeWhile1)));
    }
    Ok((&i[n..], (&i[..n], escaped)))
}

/// A quoted word including its quotes; an unterminated one runs to the end of input.
fn quoted(i: &[u8]) -> IResult<&[u8], (&[u8], bool)> {
    let q = match i.first() {
        Some(q @ (b'"' | b'\'')) => *q,
        _ => return Err(nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Char))),
    };
    let mut n = 1;
    while n < i.len() {
        match i[n] {
            b'\\' => n += 2,
            c if c == q => return Ok((&i[n + 1..], (&i[..n + 1], false))),
            _ => n += 1,
        }
    }
    Ok((&i[i.len()..], (i, true)))
}

fn punct(i: &[u8]) -> IResult<&[u8], (TokenKind, &[u8])> {
    let (rest, c) = alt((ch(';'), ch('{'), ch('}')))(i)?;
    let kind = match c {
        ';' => TokenKind::Semi,
        '{' => TokenKind::LBrace,
        _ => TokenKind::RBrace,
    };
    Ok((rest, (kind, &i[..1])))
}

/// A token's kind and text, plus its flag: `unterminated` for a quoted word, `escaped` for a bare one.
fn token(i: &[u8]) -> IResult<&[u8], (TokenKind, &[u8], bool)> {
    // The first byte decides the token's class, so only that class's parser runs; `alt` covers the rest.
    match i.first() {
        Some(c) if is_space(*c) => return space(i).map(|(r, t)| (r, (TokenKind::Space, t, false))),
        Some(b';' | b'{' | b'}') => return punct(i).map(|(r, (k, t))| (r, (k, t, false))),
        Some(b'#' | b'"' | b'\'') | None => {}
        Some(_) => return bare_word(i).map(|(r, (t, e))| (r, (TokenKind::Word, t, e))),
    }
    alt((
        |i| space(i).map(|(r, t)| (r, (TokenKind::Space, t, false))),
        |i| comment(i).map(|(r, t)| (r, (TokenKind::Comment, t, false))),
        |i| punct(i).map(|(r, (k, t))| (r, (k, t, false))),
        |i| quoted(i).map(|(r, (t, u))| (r, (TokenKind::Quoted, t, u))),
        |i| bare_word(i).map(|(r, (t, e))| (r, (TokenKind::Word, t, e))),
    ))(i)
}

/// A cursor over one file's bytes.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer { src: src.as_bytes(), pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    /// The next token, or `None` at the end of input.
    #[inline(always)]
    pub fn next_token(&mut self) -> Option<Token> {
        let rest = &self.src[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let (kind, len, flag) = match token(rest) {
            Ok((_, (kind, text, flag))) => (kind, text.len(), flag),
            // Unreachable in practice: every byte starts some token. Treat it as a one-byte word.
            Err(_) => (TokenKind::Word, 1, rest[0] == b'\\'),
        };
        let start = self.pos;
        self.pos += len;
        let (unterminated, escaped) = if kind == TokenKind::Quoted { (flag, false) } else { (false, flag) };
        Some(Token { kind, start: start as u32, end: self.pos as u32, unterminated, escaped })
    }

    /// The next token that is not whitespace, and whether whitespace came before it; the parser's fast path.
    #[inline(always)]
    pub fn next_solid_token(&mut self) -> Option<(Token, bool)> {
        let start = self.pos;
        while self.pos < self.src.len() && is_space(self.src[self.pos]) {
            self.pos += 1;
        }
        self.next_token().map(|t| (t, self.pos > start && t.start as usize > start))
    }

    /// The next byte, without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Skips a Lua body after its `{`, honouring Lua strings, comments and nested braces.
    /// Returns the body token and whether a closing `}` was found; the cursor ends after that `}`.
    pub fn skip_lua_block(&mut self) -> (Token, bool) {
        let s = self.src;
        let start = self.pos;
        let mut i = self.pos;
        let mut depth = 0usize;
        while i < s.len() {
            match s[i] {
                b'{' => depth += 1,
                b'}' if depth == 0 => {
                    self.pos = i + 1;
                    return (Token { kind: TokenKind::Lua, start: start as u32, end: i as u32, unterminated: false, escaped: false }, true);
                }
                b'}' => depth -= 1,
                b'"' | b'\'' => {
                    let q = s[i];
                    i += 1;
                    while i < s.len() && s[i] != q && s[i] != b'\n' {
                        i += if s[i] == b'\\' { 2 } else { 1 };
                    }
                }
                b'-' if s.get(i + 1) == Some(&b'-') => {
                    if let Some(end) = long_bracket_end(s, i + 2) {
                        i = end;
                        continue;
                    }
                    while i < s.len() && s[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' => {
                    if let Some(end) = long_bracket_end(s, i) {
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = s.len();
        (Token { kind: TokenKind::Lua, start: start as u32, end: s.len() as u32, unterminated: true, escaped: false }, false)
    }
}

/// If a Lua long bracket `[==[` opens at `i`, the index just past its closing `]==]`.
fn long_bracket_end(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while s.get(j) == Some(&b'=') {
        j += 1;
    }
    if s.get(j) != Some(&b'[') {
        return None;
    }
    let level = j - i - 1;
    let mut k = j + 1;
    while k < s.len() {
        if s[k] == b']' && s.len() > k + level + 1 && s[k + 1..k + 1 + level].iter().all(|c| *c == b'=') && s[k + 1 + level] == b']' {
            return Some(k + level + 2);
        }
        k += 1;
    }
    Some(s.len())
}

/// The value nginx gives a word: quotes removed, `\"`, `\'`, `\\`, `\t`, `\r`, `\n` unescaped, other `\x` kept.
pub fn word_value(raw: &[u8], quoted: bool) -> String {
    let inner = if quoted && raw.len() >= 2 && raw[raw.len() - 1] == raw[0] {
        &raw[1..raw.len() - 1]
    } else if quoted {
        &raw[1..]
    } else {
        raw
    };
    if !inner.contains(&b'\\') {
        return String::from_utf8_lossy(inner).into_owned();
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            match inner[i + 1] {
                b'"' | b'\'' | b'\\' => {
                    out.push(inner[i + 1]);
                    i += 2;
                    continue;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                b'r' => {
                    out.push(b'\r');
                    i += 2;
                    continue;
                }
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(inner[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every token of a text, for highlighting; Lua bodies come out as one `Lua` token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut lx = Lexer::new(text);
    let mut out = Vec::new();
    let mut first_word: Option<Token> = None;
    let mut words = 0usize;
    while let Some(t) = lx.next_token() {
        out.push(t);
        match t.kind {
            TokenKind::Word | TokenKind::Quoted => {
                if words == 0 {
                    first_word = Some(t);
                }
                words += 1;
            }
            TokenKind::Semi | TokenKind::RBrace => words = 0,
            TokenKind::LBrace => {
                let lua = first_word.is_some_and(|w| words > 0 && text.as_bytes()[w.range()].ends_with(b"_by_lua_block"));
                words = 0;
                if lua {
                    let (body, closed) = lx.skip_lua_block();
                    out.push(body);
                    if closed {
                        out.push(Token { kind: TokenKind::RBrace, start: body.end, end: body.end + 1, unterminated: false, escaped: false });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(TokenKind, String)> {
        tokenize(s).into_iter().filter(|t| t.kind != TokenKind::Space).map(|t| (t.kind, s[t.range()].to_string())).collect()
    }

    #[test]
    fn words_and_punct() {
        use TokenKind::*;
        assert_eq!(
            kinds("a b;c{}#x\n"),
            vec![(Word, "a".into()), (Word, "b".into()), (Semi, ";".into()), (Word, "c".into()), (LBrace, "{".into()), (RBrace, "}".into()), (Comment, "#x".into())]
        );
    }

    #[test]
    fn braces_in_words() {
        use TokenKind::*;
        assert_eq!(kinds("a${b}c;"), vec![(Word, "a${b}c".into()), (Semi, ";".into())]);
        assert_eq!(kinds("^/a{3}$"), vec![(Word, "^/a".into()), (LBrace, "{".into()), (Word, "3}$".into())]);
        assert_eq!(kinds("a}b a#b"), vec![(Word, "a}b".into()), (Word, "a#b".into())]);
        assert_eq!(kinds(r"a\ b;"), vec![(Word, r"a\ b".into()), (Semi, ";".into())]);
    }

    #[test]
    fn quotes() {
        use TokenKind::*;
        assert_eq!(kinds(r#""a\"b" 'c'"#), vec![(Quoted, r#""a\"b""#.into()), (Quoted, "'c'".into())]);
        assert_eq!(word_value(br#""a\"b\n\x""#, true), "a\"b\n\\x");
        let t = tokenize("\"abc");
        assert!(t[0].unterminated);
    }

    #[test]
    fn lua_is_opaque() {
        let s = "content_by_lua_block { ngx.say(\"}\") -- }\n local t = {a=1} }\nx;";
        let k = kinds(s);
        assert_eq!(k[2].0, TokenKind::Lua);
        assert_eq!(k[3].0, TokenKind::RBrace);
        assert_eq!(k[4].1, "x");
    }
}
