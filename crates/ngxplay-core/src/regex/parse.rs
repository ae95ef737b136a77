//! The PCRE2 pattern parser (non-UTF mode, as nginx compiles): pattern bytes into a syntax tree, iteratively.

/// PCRE2's default limit on parenthesis nesting; deeper patterns are rejected as PCRE2 rejects them.
pub const MAX_NESTING: usize = 250;

/// A set of bytes, one bit per value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ByteSet(pub [u64; 4]);

impl ByteSet {
    pub fn add(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }

    pub fn add_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.add(b);
        }
    }

    pub fn has(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }

    pub fn union(&mut self, o: &ByteSet) {
        for i in 0..4 {
            self.0[i] |= o.0[i];
        }
    }

    pub fn negated(&self) -> ByteSet {
        ByteSet([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }

    /// Adds the other ASCII case of every letter in the set (PCRE2's default tables fold ASCII only).
    pub fn fold_case(&mut self) {
        for b in b'a'..=b'z' {
            let u = b.to_ascii_uppercase();
            if self.has(b) || self.has(u) {
                self.add(b);
                self.add(u);
            }
        }
    }

    fn of(pred: impl Fn(u8) -> bool) -> ByteSet {
        let mut s = ByteSet::default();
        for b in 0..=255u8 {
            if pred(b) {
                s.add(b);
            }
        }
        s
    }
}

/// Whether `b` is a word byte for `\w` and `\b` (PCRE2's default "C" locale tables).
pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A zero-width assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// `^` without multiline, `\A`.
    Start,
    /// `^` with `(?m)`: the start or after an internal newline.
    StartLine,
    /// `$` without multiline, `\Z`: the end or before a final newline.
    End,
    /// `$` with `(?m)`: the end or before any newline.
    EndLine,
    /// `\z`.
    EndAbs,
    /// `\b`.
    Word,
    /// `\B`.
    NotWord,
    /// `\G`: where this match attempt started.
    AttemptStart,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    Capture(u32),
    NonCapture,
    Atomic,
    Ahead,
    NotAhead,
    Behind,
    NotBehind,
}

/// The syntax tree.
#[derive(Clone, Debug)]
pub enum Node {
    Empty,
    Byte(u8),
    /// An ASCII letter matched in either case, stored in lower case.
    ByteCi(u8),
    Set(ByteSet),
    Look(Look),
    Group(GroupKind, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
        possessive: bool,
    },
    Backref {
        group: u32,
        ci: bool,
    },
    NamedBackref {
        name: String,
        ci: bool,
    },
    /// `\K`: the reported match starts here.
    Keep,
}

/// A parsed pattern: its tree, its number of capture groups and its named groups.
#[derive(Debug)]
pub struct Parsed {
    pub node: Node,
    pub groups: u32,
    pub names: Vec<(String, u32)>,
}

#[derive(Clone, Copy, Default)]
struct Flags {
    caseless: bool,
    dotall: bool,
    multiline: bool,
    extended: bool,
    ungreedy: bool,
    /// `(?n)`: plain `(` does not capture.
    no_auto_capture: bool,
}

/// An open group: its kind, finished alternatives, the current sequence and the flags to restore on `)`.
struct Frame {
    kind: GroupKind,
    alts: Vec<Node>,
    seq: Vec<Node>,
    outer_flags: Flags,
}

fn seq_node(mut seq: Vec<Node>) -> Node {
    match seq.len() {
        0 => Node::Empty,
        1 => seq.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(seq),
    }
}

impl Frame {
    fn new(kind: GroupKind, outer_flags: Flags) -> Frame {
        Frame { kind, alts: Vec::new(), seq: Vec::new(), outer_flags }
    }

    fn finish(mut self) -> Node {
        let last = seq_node(std::mem::take(&mut self.seq));
        if self.alts.is_empty() {
            last
        } else {
            self.alts.push(last);
            Node::Alt(self.alts)
        }
    }
}

/// What an escape sequence stands for.
enum Esc {
    Byte(u8),
    Set(ByteSet),
    Look(Look),
    Backref(u32),
    NamedBackref(String),
    Keep,
    Quote,
    /// A lone `\E`, which PCRE2 ignores.
    Nothing,
}

/// What follows a `(`.
enum Open {
    Group(GroupKind),
    /// `(?flags:` — a non-capturing group with its own flags.
    Flagged(Flags),
    /// A complete item that opens nothing: `(?i)` or a `(?#comment)`.
    Done,
    /// `(?P=name)`.
    Ref(String),
}

struct Parser<'a> {
    p: &'a [u8],
    i: usize,
    flags: Flags,
    groups: u32,
    names: Vec<(String, u32)>,
    /// Capturing groups in the whole pattern, counted up front to tell `\12` (a backreference) from octal.
    total_groups: u32,
}

/// Parses `pattern` as PCRE2 does without `PCRE2_UTF`; the error text follows PCRE2's wording.
pub fn parse(pattern: &[u8], caseless: bool) -> Result<Parsed, String> {
    let mut ps = Parser {
        p: pattern,
        i: 0,
        flags: Flags { caseless, ..Flags::default() },
        groups: 0,
        names: Vec::new(),
        total_groups: count_groups(pattern),
    };
    ps.run()
}

/// An estimate of the number of capturing groups: `(` not followed by `?` or `*`, plus named groups.
fn count_groups(p: &[u8]) -> u32 {
    let mut n = 0;
    let mut i = 0;
    let mut in_class = false;
    while i < p.len() {
        match p[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &p[i + 1..];
                if !rest.starts_with(b"?") && !rest.starts_with(b"*")
                    || rest.starts_with(b"?P<")
                    || rest.starts_with(b"?'")
                    || (rest.starts_with(b"?<") && !rest.starts_with(b"?<=") && !rest.starts_with(b"?<!"))
                {
                    n += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.i).copied()
    }

    fn eat(&mut self, s: &[u8]) -> bool {
        if self.p[self.i..].starts_with(s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }

    fn literal(&self, b: u8) -> Node {
        if self.flags.caseless && b.is_ascii_alphabetic() {
            Node::ByteCi(b.to_ascii_lowercase())
        } else {
            Node::Byte(b)
        }
    }

    fn set(&self, mut s: ByteSet) -> Node {
        if self.flags.caseless {
            s.fold_case();
        }
        Node::Set(s)
    }

    /// Skips whitespace and `#` comments in extended mode.
    fn skip_extended(&mut self) {
        while self.flags.extended {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.i += 1,
                Some(b'#') => {
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
    }

    fn run(&mut self) -> Result<Parsed, String> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut cur = Frame::new(GroupKind::NonCapture, self.flags);
        loop {
            self.skip_extended();
            let Some(c) = self.peek() else { break };
            let at = self.i;
            self.i += 1;
            match c {
                b'(' => {
                    let (kind, flags) = match self.group_open()? {
                        Open::Group(kind) => (kind, self.flags),
                        Open::Flagged(f) => (GroupKind::NonCapture, f),
                        Open::Done => continue,
                        Open::Ref(name) => {
                            cur.seq.push(Node::NamedBackref { name, ci: self.flags.caseless });
                            continue;
                        }
                    };
                    if stack.len() >= MAX_NESTING {
                        return Err("parentheses are too deeply nested".into());
                    }
                    let outer = self.flags;
                    self.flags = flags;
                    stack.push(std::mem::replace(&mut cur, Frame::new(kind, outer)));
                }
                b')' => {
                    let Some(parent) = stack.pop() else {
                        return Err(format!("unmatched closing parenthesis at offset {at}"));
                    };
                    let done = std::mem::replace(&mut cur, parent);
                    self.flags = done.outer_flags;
                    let kind = done.kind;
                    cur.seq.push(Node::Group(kind, Box::new(done.finish())));
                }
                b'|' => {
                    let s = seq_node(std::mem::take(&mut cur.seq));
                    cur.alts.push(s);
                }
                b'*' => self.quantify(&mut cur.seq, 0, None, at)?,
                b'+' => self.quantify(&mut cur.seq, 1, None, at)?,
                b'?' => self.quantify(&mut cur.seq, 0, Some(1), at)?,
                b'{' => match self.braces() {
                    Some((lo, hi)) => self.quantify(&mut cur.seq, lo, hi, at)?,
                    None => cur.seq.push(Node::Byte(b'{')),
                },
                b'^' => cur.seq.push(Node::Look(if self.flags.multiline { Look::StartLine } else { Look::Start })),
                b'$' => cur.seq.push(Node::Look(if self.flags.multiline { Look::EndLine } else { Look::End })),
                b'.' => {
                    let mut s = ByteSet::default().negated();
                    if !self.flags.dotall {
                        s.0[0] &= !(1 << b'\n');
                    }
                    cur.seq.push(Node::Set(s));
                }
                b'[' => {
                    let s = self.class()?;
                    cur.seq.push(Node::Set(s));
                }
                b'\\' => match self.escape(false)? {
                    Esc::Byte(b) => cur.seq.push(self.literal(b)),
                    Esc::Set(s) => cur.seq.push(self.set(s)),
                    Esc::Look(l) => cur.seq.push(Node::Look(l)),
                    Esc::Backref(group) => cur.seq.push(Node::Backref { group, ci: self.flags.caseless }),
                    Esc::NamedBackref(name) => cur.seq.push(Node::NamedBackref { name, ci: self.flags.caseless }),
                    Esc::Keep => cur.seq.push(Node::Keep),
                    Esc::Nothing => {}
                    Esc::Quote => {
                        while self.i < self.p.len() && !self.p[self.i..].starts_with(b"\\E") {
                            let b = self.p[self.i];
                            cur.seq.push(self.literal(b));
                            self.i += 1;
                        }
                        self.eat(b"\\E");
                    }
                },
                _ => cur.seq.push(self.literal(c)),
            }
        }
        if !stack.is_empty() {
            return Err("missing closing parenthesis".into());
        }
        Ok(Parsed { node: cur.finish(), groups: self.groups, names: std::mem::take(&mut self.names) })
    }
}

impl<'a> Parser<'a> {
    /// After `(`: the kind of group opened, or `None` for a complete item such as `(?i)` or a comment.
    fn group_open(&mut self) -> Result<Open, String> {
        if self.peek() == Some(b'*') {
            return Err("(*VERB) and (*OPTION) items are not supported".into());
        }
        if !self.eat(b"?") {
            if self.flags.no_auto_capture {
                return Ok(Open::Group(GroupKind::NonCapture));
            }
            self.groups += 1;
            return Ok(Open::Group(GroupKind::Capture(self.groups)));
        }
        let Some(c) = self.peek() else { return Err("missing closing parenthesis".into()) };
        match c {
            b'#' => {
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == b')' {
                        return Ok(Open::Done);
                    }
                }
                Err("missing ) at end of (?# comment".into())
            }
            b':' => {
                self.i += 1;
                Ok(Open::Group(GroupKind::NonCapture))
            }
            b'>' => {
                self.i += 1;
                Ok(Open::Group(GroupKind::Atomic))
            }
            b'=' => {
                self.i += 1;
                Ok(Open::Group(GroupKind::Ahead))
            }
            b'!' => {
                self.i += 1;
                Ok(Open::Group(GroupKind::NotAhead))
            }
            _ if self.eat(b"<=") => Ok(Open::Group(GroupKind::Behind)),
            _ if self.eat(b"<!") => Ok(Open::Group(GroupKind::NotBehind)),
            _ if self.eat(b"P<") => self.named_group(b'>'),
            _ if self.eat(b"<") => self.named_group(b'>'),
            _ if self.eat(b"'") => self.named_group(b'\''),
            _ if self.eat(b"P=") => Ok(Open::Ref(self.name(b')')?)),
            _ => self.options(),
        }
    }

    fn named_group(&mut self, close: u8) -> Result<Open, String> {
        let name = self.name(close)?;
        if self.names.iter().any(|(n, _)| *n == name) {
            return Err("two named subpatterns have the same name (PCRE2_DUPNAMES not set)".into());
        }
        self.groups += 1;
        self.names.push((name, self.groups));
        Ok(Open::Group(GroupKind::Capture(self.groups)))
    }

    /// A group name up to `close`, which is consumed.
    fn name(&mut self, close: u8) -> Result<String, String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.i += 1;
            } else {
                break;
            }
        }
        let name = &self.p[start..self.i];
        if name.is_empty() {
            return Err("subpattern name expected".into());
        }
        if name[0].is_ascii_digit() {
            return Err("subpattern name must start with a non-digit".into());
        }
        if name.len() > 32 {
            return Err("subpattern name is too long (maximum 32 code units)".into());
        }
        if self.peek() != Some(close) {
            return Err("syntax error in subpattern name (missing terminator?)".into());
        }
        self.i += 1;
        Ok(String::from_utf8_lossy(name).into_owned())
    }

    /// Inline options: `(?i)`, `(?-i)`, `(?^)`, `(?i:...)`.
    fn options(&mut self) -> Result<Open, String> {
        let mut f = self.flags;
        let mut on = true;
        loop {
            let Some(c) = self.peek() else { return Err("missing closing parenthesis".into()) };
            self.i += 1;
            match c {
                b'-' if on => on = false,
                b'^' if on => {
                    f.caseless = false;
                    f.dotall = false;
                    f.multiline = false;
                    f.extended = false;
                    f.ungreedy = false;
                    f.no_auto_capture = false;
                }
                b'i' => f.caseless = on,
                b's' => f.dotall = on,
                b'm' => f.multiline = on,
                b'x' => f.extended = on,
                b'U' => f.ungreedy = on,
                b'n' => f.no_auto_capture = on,
                b'J' => return Err("(?J) is not supported".into()),
                b')' => {
                    self.flags = f;
                    return Ok(Open::Done);
                }
                b':' => return Ok(Open::Flagged(f)),
                _ => return Err("unrecognized character after (? or (?-".into()),
            }
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` after the `{`; `None` (and nothing consumed) when it is a literal brace.
    fn braces(&mut self) -> Option<(u32, Option<u32>)> {
        let rest = &self.p[self.i..];
        let end = rest.iter().position(|&c| c == b'}')?;
        let inner = &rest[..end];
        let num = |t: &[u8]| -> Option<u32> {
            if !t.is_empty() && t.len() <= 5 && t.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(t).ok()?.parse().ok()
            } else {
                None
            }
        };
        let (lo, hi) = match inner.iter().position(|&c| c == b',') {
            Some(k) => {
                let lo = num(&inner[..k])?;
                let h = &inner[k + 1..];
                (lo, if h.is_empty() { None } else { Some(num(h)?) })
            }
            None => {
                let n = num(inner)?;
                (n, Some(n))
            }
        };
        self.i += end + 1;
        Some((lo, hi))
    }

    /// Applies a quantifier to the last item of `seq`, reading a following `?` (lazy) or `+` (possessive).
    fn quantify(&mut self, seq: &mut Vec<Node>, min: u32, max: Option<u32>, at: usize) -> Result<(), String> {
        if let Some(m) = max {
            if m < min {
                return Err("numbers out of order in {} quantifier".into());
            }
        }
        if min > 65535 || max.is_some_and(|m| m > 65535) {
            return Err("number too big in {} quantifier".into());
        }
        let item = match seq.pop() {
            Some(
                n @ (Node::Byte(_) | Node::ByteCi(_) | Node::Set(_) | Node::Group(..) | Node::Backref { .. } | Node::NamedBackref { .. }),
            ) => n,
            _ => return Err(format!("quantifier does not follow a repeatable item at offset {at}")),
        };
        let mut greedy = !self.flags.ungreedy;
        let mut possessive = false;
        if self.eat(b"?") {
            greedy = !greedy;
        } else if self.eat(b"+") {
            possessive = true;
            greedy = true;
        }
        seq.push(Node::Repeat { node: Box::new(item), min, max, greedy, possessive });
        Ok(())
    }

    /// A character class after its `[`.
    fn class(&mut self) -> Result<ByteSet, String> {
        let mut set = ByteSet::default();
        let negate = self.eat(b"^");
        let mut first = true;
        loop {
            let Some(c) = self.peek() else { return Err("missing terminating ] for character class".into()) };
            self.i += 1;
            if c == b']' && !first {
                break;
            }
            first = false;
            let lo = match c {
                b'[' if matches!(self.peek(), Some(b':' | b'.' | b'=')) => match self.posix()? {
                    Some(s) => {
                        set.union(&s);
                        continue;
                    }
                    None => b'[',
                },
                b'\\' => match self.escape(true)? {
                    Esc::Byte(b) => b,
                    Esc::Set(s) => {
                        set.union(&s);
                        continue;
                    }
                    Esc::Nothing => continue,
                    Esc::Quote => {
                        while self.i < self.p.len() && !self.p[self.i..].starts_with(b"\\E") {
                            set.add(self.p[self.i]);
                            self.i += 1;
                        }
                        self.eat(b"\\E");
                        continue;
                    }
                    _ => return Err("escape sequence is invalid in character class".into()),
                },
                _ => c,
            };
            // A range `lo-hi`, unless the `-` is last in the class.
            if self.peek() == Some(b'-') && self.p.get(self.i + 1).is_some_and(|&n| n != b']') {
                self.i += 1;
                let h = self.p[self.i];
                self.i += 1;
                let hi = match h {
                    b'\\' => match self.escape(true)? {
                        Esc::Byte(b) => b,
                        _ => return Err("invalid range in character class".into()),
                    },
                    b'[' if matches!(self.peek(), Some(b':' | b'.' | b'=')) => {
                        return Err("invalid range in character class".into());
                    }
                    _ => h,
                };
                if hi < lo {
                    return Err("range out of order in character class".into());
                }
                set.add_range(lo, hi);
            } else {
                set.add(lo);
            }
        }
        // Case folding applies to the listed bytes, before any negation.
        if self.flags.caseless {
            set.fold_case();
        }
        Ok(if negate { set.negated() } else { set })
    }

    /// A POSIX class after `[` inside a class; `None` (nothing consumed) when there is no closing `:]`.
    fn posix(&mut self) -> Result<Option<ByteSet>, String> {
        let rest = &self.p[self.i..];
        let delim = rest[0];
        let Some(end) = rest[1..].windows(2).position(|w| w[0] == delim && w[1] == b']') else { return Ok(None) };
        if delim != b':' {
            return Err("POSIX collating elements are not supported".into());
        }
        let mut name = &rest[1..1 + end];
        let neg = name.first() == Some(&b'^');
        if neg {
            name = &name[1..];
        }
        let s = match name {
            b"alpha" => ByteSet::of(|b| b.is_ascii_alphabetic()),
            b"digit" => ByteSet::of(|b| b.is_ascii_digit()),
            b"alnum" => ByteSet::of(|b| b.is_ascii_alphanumeric()),
            b"upper" => ByteSet::of(|b| b.is_ascii_uppercase()),
            b"lower" => ByteSet::of(|b| b.is_ascii_lowercase()),
            b"space" => ByteSet::of(is_space),
            b"blank" => ByteSet::of(|b| b == b' ' || b == b'\t'),
            b"punct" => ByteSet::of(|b| b.is_ascii_punctuation()),
            b"print" => ByteSet::of(|b| (0x20..0x7f).contains(&b)),
            b"graph" => ByteSet::of(|b| b.is_ascii_graphic()),
            b"cntrl" => ByteSet::of(|b| b.is_ascii_control()),
            b"xdigit" => ByteSet::of(|b| b.is_ascii_hexdigit()),
            b"word" => ByteSet::of(is_word),
            b"ascii" => ByteSet::of(|b| b < 0x80),
            _ => return Err("unknown POSIX class name".into()),
        };
        self.i += end + 3;
        Ok(Some(if neg { s.negated() } else { s }))
    }

    /// An escape after its `\`.
    fn escape(&mut self, in_class: bool) -> Result<Esc, String> {
        let Some(c) = self.peek() else { return Err("\\ at end of pattern".into()) };
        self.i += 1;
        let set = |f: fn(u8) -> bool, neg: bool| {
            let s = ByteSet::of(f);
            Esc::Set(if neg { s.negated() } else { s })
        };
        Ok(match c {
            b'd' | b'D' => set(|b| b.is_ascii_digit(), c == b'D'),
            b'w' | b'W' => set(is_word, c == b'W'),
            b's' | b'S' => set(is_space, c == b'S'),
            b'h' | b'H' => set(|b| matches!(b, b' ' | b'\t' | 0xa0), c == b'H'),
            b'v' | b'V' => set(|b| matches!(b, 0x0a..=0x0d | 0x85), c == b'V'),
            b'N' if !in_class => set(|b| b != b'\n', false),
            b'a' => Esc::Byte(7),
            b'e' => Esc::Byte(27),
            b'f' => Esc::Byte(12),
            b'n' => Esc::Byte(b'\n'),
            b'r' => Esc::Byte(b'\r'),
            b't' => Esc::Byte(b'\t'),
            b'b' if in_class => Esc::Byte(8),
            b'b' => Esc::Look(Look::Word),
            b'B' => Esc::Look(Look::NotWord),
            b'A' => Esc::Look(Look::Start),
            b'z' => Esc::Look(Look::EndAbs),
            b'Z' => Esc::Look(Look::End),
            b'G' => Esc::Look(Look::AttemptStart),
            b'K' => Esc::Keep,
            b'Q' => Esc::Quote,
            b'E' => Esc::Nothing,
            b'c' => {
                let Some(x) = self.peek() else { return Err("\\c at end of pattern".into()) };
                if !(0x20..0x7f).contains(&x) {
                    return Err("\\c must be followed by a printable ASCII character".into());
                }
                self.i += 1;
                Esc::Byte(x.to_ascii_uppercase() ^ 0x40)
            }
            b'x' => {
                if self.eat(b"{") {
                    let start = self.i;
                    while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                        self.i += 1;
                    }
                    if self.i == start || self.peek() != Some(b'}') {
                        return Err("\\x{ is not followed by hexadecimal digits and }".into());
                    }
                    let v = self.p[start..self.i].iter().try_fold(0u32, |a, &d| a.checked_mul(16)?.checked_add(hex(d)?));
                    self.i += 1;
                    match v {
                        Some(v) if v <= 0xff => Esc::Byte(v as u8),
                        _ => return Err("character code point value in \\x{} or \\o{} is too large".into()),
                    }
                } else {
                    let mut v = 0u32;
                    for _ in 0..2 {
                        match self.peek().and_then(hex) {
                            Some(d) => {
                                v = v * 16 + d;
                                self.i += 1;
                            }
                            None => break,
                        }
                    }
                    Esc::Byte(v as u8)
                }
            }
            b'o' => {
                if !self.eat(b"{") {
                    return Err("missing opening brace after \\o".into());
                }
                let start = self.i;
                while self.peek().is_some_and(|c| (b'0'..=b'7').contains(&c)) {
                    self.i += 1;
                }
                if self.i == start || self.peek() != Some(b'}') {
                    return Err("non-octal character in \\o{} (closing brace missing?)".into());
                }
                let v = self.p[start..self.i].iter().try_fold(0u32, |a, &d| a.checked_mul(8)?.checked_add((d - b'0') as u32));
                self.i += 1;
                match v {
                    Some(v) if v <= 0xff => Esc::Byte(v as u8),
                    _ => return Err("character code point value in \\x{} or \\o{} is too large".into()),
                }
            }
            b'0' => Esc::Byte(self.octal(0, 2)),
            b'1'..=b'9' => {
                let start = self.i - 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                let n: u32 = std::str::from_utf8(&self.p[start..self.i]).ok().and_then(|s| s.parse().ok()).unwrap_or(u32::MAX);
                if !in_class && (n < 10 || n <= self.total_groups) {
                    Esc::Backref(n)
                } else if c <= b'7' {
                    self.i = start + 1;
                    Esc::Byte(self.octal((c - b'0') as u32, 2))
                } else {
                    self.i = start + 1;
                    Esc::Byte(c)
                }
            }
            b'g' if !in_class => {
                let (body, close) = if self.eat(b"{") {
                    (true, b'}')
                } else if self.eat(b"<") || self.eat(b"'") {
                    return Err("subroutine calls (\\g<...>) are not supported".into());
                } else {
                    (false, 0)
                };
                let neg = self.eat(b"-");
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                if self.i == start {
                    if body && !neg {
                        let name = self.name(close)?;
                        return Ok(Esc::NamedBackref(name));
                    }
                    return Err("a numbered reference must not be zero".into());
                }
                let n: u32 = std::str::from_utf8(&self.p[start..self.i]).ok().and_then(|s| s.parse().ok()).unwrap_or(u32::MAX);
                if body && !self.eat(b"}") {
                    return Err("\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number".into());
                }
                let n = if neg { (self.groups + 1).checked_sub(n).filter(|&g| g > 0 && n > 0) } else { Some(n) };
                match n {
                    Some(g) if g > 0 => Esc::Backref(g),
                    _ => return Err("reference to non-existent subpattern".into()),
                }
            }
            b'k' if !in_class => {
                let close = match self.peek() {
                    Some(b'<') => b'>',
                    Some(b'\'') => b'\'',
                    Some(b'{') => b'}',
                    _ => return Err("\\k is not followed by a braced, angle-bracketed, or quoted name".into()),
                };
                self.i += 1;
                Esc::NamedBackref(self.name(close)?)
            }
            b'p' | b'P' | b'X' | b'R' | b'C' | b'L' | b'l' | b'U' | b'u' => {
                return Err(format!("escape \\{} is not supported", c as char));
            }
            _ if c.is_ascii_alphanumeric() => return Err("unrecognized character follows \\".into()),
            _ => Esc::Byte(c),
        })
    }

    /// Up to `more` further octal digits after a first digit worth `v`.
    fn octal(&mut self, mut v: u32, more: usize) -> u8 {
        for _ in 0..more {
            match self.peek() {
                Some(d @ b'0'..=b'7') => {
                    v = v * 8 + (d - b'0') as u32;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (v & 0xff) as u8
    }
}
