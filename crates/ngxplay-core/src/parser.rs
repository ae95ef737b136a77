//! The statement parser: groups tokens into directives and blocks as `ngx_conf_parse` does, never stopping at an error.

use crate::ast::{Block, Directive, Node, ParsedFile, Word};
use crate::diag::{Diagnostic, Level};
use crate::lexer::{word_value, Lexer, Token, TokenKind, CONF_BUFFER};
use crate::span::{FileId, Span};
use crate::vfs::SourceFile;

/// Parses one file. Errors become [`Node::Error`] items where nginx would have met them.
pub fn parse_file(file: FileId, src: &SourceFile) -> ParsedFile {
    let mut p = Parser { lx: Lexer::new(&src.text), file, src, depth: 0 };
    let (items, _) = p.items(false);
    ParsedFile { items }
}

/// Deeper blocks than this are reported and skipped, so hostile input cannot overflow the stack.
pub const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    lx: Lexer<'a>,
    file: FileId,
    src: &'a SourceFile,
    depth: usize,
}

enum End {
    Semi(Span),
    Block(Span),
}

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&self, code: &str, text: String, at: usize, line: u32) -> Node {
        let span = self.span(at, (at + 1).min(self.src.text.len()).max(at));
        Node::Error(Diagnostic::at(Level::Emerg, code, text, &self.src.display, line, span))
    }

    fn line_at(&self, offset: usize) -> u32 {
        self.src.line_of(offset)
    }

    /// nginx's line counter at the end of the file: one more than the number of newlines.
    fn eof_line(&self) -> u32 {
        self.src.line_count() as u32
    }

    fn eof_error(&self, text: &str) -> Node {
        let n = self.src.text.len();
        self.error("unexpected-eof", text.to_string(), n, self.eof_line())
    }

    /// The "too long parameter" check nginx's 4096-byte buffer imposes on a token starting at `s`
    /// whose scan reads up to byte `last`.
    fn too_long(&self, s: usize, last: usize, quote: Option<u8>) -> Option<Node> {
        let len = self.src.text.len();
        if s + CONF_BUFFER >= len || last < s + CONF_BUFFER {
            return None;
        }
        let text = match quote {
            Some(q) => format!("too long parameter, probably missing terminating \"{}\" character", q as char),
            None => {
                let head = String::from_utf8_lossy(&self.src.text.as_bytes()[s..s + 10]).into_owned();
                format!("too long parameter \"{head}...\" started")
            }
        };
        Some(self.error("too-long-parameter", text, s, self.line_at(s)))
    }

    /// Parses items until the end of the file, or until `}` when inside a block.
    fn items(&mut self, in_block: bool) -> (Vec<Node>, Option<Span>) {
        let mut items = Vec::new();
        loop {
            let mut words: Vec<Word> = Vec::new();
            let mut after_quote = false;
            let end = loop {
                let Some(t) = self.lx.next_token() else {
                    if !words.is_empty() {
                        items.push(self.eof_error("unexpected end of file, expecting \";\" or \"}\""));
                    } else if in_block {
                        items.push(self.eof_error("unexpected end of file, expecting \"}\""));
                    }
                    return (items, None);
                };
                if after_quote {
                    after_quote = false;
                    let c = self.src.text.as_bytes()[t.start as usize];
                    if !matches!(t.kind, TokenKind::Space | TokenKind::Semi | TokenKind::LBrace) && c != b')' {
                        items.push(self.error("unexpected-token", format!("unexpected \"{}\"", c as char), t.start as usize, self.line_at(t.start as usize)));
                    }
                }
                match t.kind {
                    TokenKind::Space | TokenKind::Lua => {}
                    TokenKind::Comment => {
                        let (s, e) = (t.start as usize, t.end as usize);
                        if let Some(err) = self.too_long(s, e + 1, None) {
                            items.push(err);
                        }
                    }
                    TokenKind::Word => {
                        if let Some(err) = self.too_long(t.start as usize, t.end as usize, None) {
                            items.push(err);
                        }
                        words.push(self.word(t, false));
                    }
                    TokenKind::Quoted => {
                        let q = self.src.text.as_bytes()[t.start as usize];
                        if let Some(err) = self.too_long(t.start as usize + 1, t.end as usize, Some(q)) {
                            items.push(err);
                        }
                        words.push(self.word(t, true));
                        after_quote = true;
                    }
                    TokenKind::Semi | TokenKind::LBrace => {
                        let span = self.span(t.start as usize, t.end as usize);
                        if words.is_empty() {
                            let c = if t.kind == TokenKind::Semi { ';' } else { '{' };
                            items.push(self.error("unexpected-token", format!("unexpected \"{c}\""), t.start as usize, self.line_at(t.start as usize)));
                            if t.kind == TokenKind::LBrace {
                                // Parse and drop the stray block so its `}` does not close ours.
                                let (inner, closed) = self.block_items();
                                items.extend(inner.into_iter().filter(|n| matches!(n, Node::Error(_))));
                                if closed.is_none() {
                                    return (items, None);
                                }
                            }
                            continue;
                        }
                        break if t.kind == TokenKind::Semi { End::Semi(span) } else { End::Block(span) };
                    }
                    TokenKind::RBrace => {
                        let span = self.span(t.start as usize, t.end as usize);
                        if !words.is_empty() {
                            items.push(self.error("unexpected-token", "unexpected \"}\"".into(), t.start as usize, self.line_at(t.start as usize)));
                            words.clear();
                        }
                        if in_block {
                            return (items, Some(span));
                        }
                        items.push(self.error("unexpected-token", "unexpected \"}\"".into(), t.start as usize, self.line_at(t.start as usize)));
                    }
                }
            };
            let mut words = words.into_iter();
            let name = words.next().expect("a statement has at least one word");
            let args: Vec<Word> = words.collect();
            let directive = match end {
                End::Semi(term) => Directive { name, args, term, block: None, lua: None, include: None },
                End::Block(term) => {
                    if name.value.ends_with("_by_lua_block") {
                        let (body, closed) = self.lx.skip_lua_block();
                        let lua = Some(self.span(body.start as usize, body.end as usize));
                        let close = closed.then(|| self.span(body.end as usize, body.end as usize + 1));
                        let block = Block { items: Vec::new(), open: term, close };
                        items.push(Node::Directive(Directive { name, args, term, block: Some(block), lua, include: None }));
                        if !closed {
                            items.push(self.eof_error("unexpected end of file, expecting \"}\""));
                            return (items, None);
                        }
                        continue;
                    }
                    let (inner, close) = self.block_items();
                    let closed = close.is_some();
                    items.push(Node::Directive(Directive { name, args, term, block: Some(Block { items: inner, open: term, close }), lua: None, include: None }));
                    if !closed {
                        return (items, None);
                    }
                    continue;
                }
            };
            items.push(Node::Directive(directive));
        }
    }

    /// Parses a block body after its `{`, guarding the nesting depth.
    fn block_items(&mut self) -> (Vec<Node>, Option<Span>) {
        if self.depth >= MAX_DEPTH {
            return self.skip_deep_block();
        }
        self.depth += 1;
        let r = self.items(true);
        self.depth -= 1;
        r
    }

    /// Skips a too-deeply nested block by counting braces, reporting it once.
    fn skip_deep_block(&mut self) -> (Vec<Node>, Option<Span>) {
        let at = self.lx.pos();
        let err = self.error("too-deep", format!("blocks nested deeper than {MAX_DEPTH} levels are not checked"), at, self.line_at(at));
        let mut depth = 0usize;
        while let Some(t) = self.lx.next_token() {
            match t.kind {
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace if depth == 0 => return (vec![err], Some(self.span(t.start as usize, t.end as usize))),
                TokenKind::RBrace => depth -= 1,
                _ => {}
            }
        }
        (vec![err, self.eof_error("unexpected end of file, expecting \"}\"")], None)
    }

    fn word(&self, t: Token, quoted: bool) -> Word {
        let raw = &self.src.text.as_bytes()[t.range()];
        Word { value: word_value(raw, quoted), span: self.span(t.start as usize, t.end as usize), quoted }
    }
}
