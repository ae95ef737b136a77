//! The syntax tree: directives with their words, blocks and resolved includes, plus parse errors in place.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::span::{FileId, Span};

/// One word of a directive, with its value as nginx sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Word {
    /// Inline up to 24 bytes, which holds nearly every word of a real config without a heap allocation.
    pub value: CompactString,
    /// The raw text's span, quotes included.
    pub span: Span,
    pub quoted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub items: Vec<Node>,
    pub open: Span,
    /// The closing `}`; `None` when the file ended first.
    pub close: Option<Span>,
}

/// How an `include` resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Include {
    /// The files it pulls in, in glob order.
    Files(Vec<FileId>),
    /// nginx's error text, such as `open() "/etc/nginx/x" failed (2: No such file or directory)`.
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    /// The `;` or `{` that ended the directive; nginx reports its line.
    pub term: Span,
    /// Boxed, like the rare fields below, so that every node stays small: the parser moves nodes around.
    pub block: Option<Box<Block>>,
    /// The opaque body of a `*_by_lua_block`.
    pub lua: Option<Span>,
    /// Set by the loader on `include` directives.
    pub include: Option<Box<Include>>,
}

impl Directive {
    pub fn name(&self) -> &str {
        &self.name.value
    }

    /// The span from the name to the terminator, or to the closing brace of a block.
    pub fn span(&self) -> Span {
        let end = self.block.as_ref().and_then(|b| b.close).unwrap_or(self.term);
        self.name.span.to(end)
    }

    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|w| w.value.as_str())
    }

    /// The directives directly inside this one's block.
    pub fn children(&self) -> impl Iterator<Item = &Directive> {
        self.block.iter().flat_map(|b| b.items.iter()).filter_map(Node::directive)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Node {
    Directive(Directive),
    /// A syntax error at this point of the file.
    Error(Diagnostic),
}

impl Node {
    pub fn directive(&self) -> Option<&Directive> {
        match self {
            Node::Directive(d) => Some(d),
            Node::Error(_) => None,
        }
    }
}

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedFile {
    pub items: Vec<Node>,
    /// Whether any `include` directive was read, so the loader can skip looking for them.
    #[serde(default)]
    pub has_include: bool,
}
