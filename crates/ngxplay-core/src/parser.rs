//! The statement parser: groups tokens into directives and blocks as `ngx_conf_parse` does, never stopping at an error.

use crate::ast::{Block, Directive, Node, ParsedFile, Word};
use crate::diag::{Diagnostic, Level};
use crate::lexer::{word_value, Lexer, Token, TokenKind, CONF_BUFFER};
use crate::span::{FileId, Span};
use crate::vfs::SourceFile;

/// Parses one file. Errors become [`Node::Error`] items where nginx would have met them.
pub fn parse_file(file: FileId, src: &SourceFile) -> ParsedFile {
    let mut p = Parser { lx: Lexer::new(&src.text), file, src, depth: 0, nodes: Vec::new(), words: Vec::new(), has_include: false };
    let (items, _) = p.items(false);
    ParsedFile { items, has_include: p.has_include }
}

/// Deeper blocks than this are reported and skipped, so hostile input cannot overflow the stack.
pub const MAX_DEPTH: usize = 200;

struct Parser<'a> {
    lx: Lexer<'a>,
    file: FileId,
    src: &'a SourceFile,
    depth: usize,
    /// The items of every open block, innermost last; a block takes its own off the end when it closes,
    /// so each block's list is allocated once at its exact size.
    nodes: Vec<Node>,
    /// The words of the statement being read.
    words: Vec<Word>,
    has_include: bool,
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
        let base = self.nodes.len();
        let close = self.items_onto(in_block);
        let items = self.nodes.drain(base..).collect();
        (items, close)
    }

    /// [`Parser::items`], leaving the items on `self.nodes`; returns the closing `}` when there is one.
    fn items_onto(&mut self, in_block: bool) -> Option<Span> {
        loop {
            let word_base = self.words.len();
            let mut after_quote = false;
            let end = loop {
                let Some((t, spaced)) = self.lx.next_solid_token() else {
                    if self.words.len() > word_base {
                        self.words.truncate(word_base);
                        let e = self.eof_error("unexpected end of file, expecting \";\" or \"}\"");
                        self.nodes.push(e);
                    } else if in_block {
                        let e = self.eof_error("unexpected end of file, expecting \"}\"");
                        self.nodes.push(e);
                    }
                    return None;
                };
                if std::mem::take(&mut after_quote) && !spaced {
                    let c = self.src.text.as_bytes()[t.start as usize];
                    if !matches!(t.kind, TokenKind::Semi | TokenKind::LBrace) && c != b')' {
                        let e = self.error("unexpected-token", format!("unexpected \"{}\"", c as char), t.start as usize, self.line_at(t.start as usize));
                        self.nodes.push(e);
                    }
                }
                match t.kind {
                    TokenKind::Space | TokenKind::Lua => {}
                    TokenKind::Comment => {
                        let (s, e) = (t.start as usize, t.end as usize);
                        if let Some(err) = self.too_long(s, e + 1, None) {
                            self.nodes.push(err);
                        }
                    }
                    TokenKind::Word => {
                        if let Some(err) = self.too_long(t.start as usize, t.end as usize, None) {
                            self.nodes.push(err);
                        }
                        let w = self.word(t, false);
                        self.words.push(w);
                    }
                    TokenKind::Quoted => {
                        let q = self.src.text.as_bytes()[t.start as usize];
                        if let Some(err) = self.too_long(t.start as usize + 1, t.end as usize, Some(q)) {
                            self.nodes.push(err);
                        }
                        let w = self.word(t, true);
                        self.words.push(w);
                        after_quote = true;
                    }
                    TokenKind::Semi | TokenKind::LBrace => {
                        let span = self.span(t.start as usize, t.end as usize);
                        if self.words.len() == word_base {
                            let c = if t.kind == TokenKind::Semi { ';' } else { '{' };
                            let e = self.error("unexpected-token", format!("unexpected \"{c}\""), t.start as usize, self.line_at(t.start as usize));
                            self.nodes.push(e);
                            if t.kind == TokenKind::LBrace {
                                // Parse and drop the stray block so its `}` does not close ours.
                                let (inner, closed) = self.block_items();
                                self.nodes.extend(inner.into_iter().filter(|n| matches!(n, Node::Error(_))));
                                closed?;
                            }
                            continue;
                        }
                        break if t.kind == TokenKind::Semi { End::Semi(span) } else { End::Block(span) };
                    }
                    TokenKind::RBrace => {
                        let span = self.span(t.start as usize, t.end as usize);
                        if self.words.len() > word_base {
                            let e = self.error("unexpected-token", "unexpected \"}\"".into(), t.start as usize, self.line_at(t.start as usize));
                            self.nodes.push(e);
                            self.words.truncate(word_base);
                        }
                        if in_block {
                            return Some(span);
                        }
                        let e = self.error("unexpected-token", "unexpected \"}\"".into(), t.start as usize, self.line_at(t.start as usize));
                        self.nodes.push(e);
                    }
                }
            };
            let args: Vec<Word> = self.words.drain(word_base + 1..).collect();
            let Some(name) = self.words.pop() else { continue };
            self.has_include |= name.value == "include";
            let directive = match end {
                End::Semi(term) => Directive { name, args, term, block: None, lua: None, include: None },
                End::Block(term) => {
                    if name.value.ends_with("_by_lua_block") {
                        let (body, closed) = self.lx.skip_lua_block();
                        let lua = Some(self.span(body.start as usize, body.end as usize));
                        let close = closed.then(|| self.span(body.end as usize, body.end as usize + 1));
                        let block = Block { items: Vec::new(), open: term, close };
                        self.nodes.push(Node::Directive(Directive { name, args, term, block: Some(Box::new(block)), lua, include: None }));
                        if !closed {
                            let e = self.eof_error("unexpected end of file, expecting \"}\"");
                            self.nodes.push(e);
                            return None;
                        }
                        continue;
                    }
                    let (inner, close) = self.block_items();
                    let closed = close.is_some();
                    self.nodes.push(Node::Directive(Directive { name, args, term, block: Some(Box::new(Block { items: inner, open: term, close })), lua: None, include: None }));
                    if !closed {
                        return None;
                    }
                    continue;
                }
            };
            self.nodes.push(Node::Directive(directive));
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

    #[inline(always)]
    fn word(&self, t: Token, quoted: bool) -> Word {
        let raw = &self.src.text.as_bytes()[t.range()];
        let plain = if quoted || t.escaped { None } else { self.src.text.get(t.range()) };
        let value = match plain {
            // A bare word without escapes is its own value.
            Some(s) => compact_str::CompactString::from(s),
            None => word_value(raw, quoted).into(),
        };
        Word { value, span: self.span(t.start as usize, t.end as usize), quoted }
    }
}
