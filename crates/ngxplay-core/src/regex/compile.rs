//! Compiles the syntax tree into a program for the backtracking matcher, with a cap on program size.

use super::parse::{ByteSet, GroupKind, Look, Node, Parsed};

/// The largest program accepted; `x{1000}{1000}`-style patterns are refused rather than expanded.
pub const MAX_INSTS: usize = 100_000;

/// One instruction. Jump targets are instruction indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inst {
    Byte(u8),
    /// An ASCII letter in either case, stored in lower case.
    ByteCi(u8),
    Set(u32),
    /// Try the first target, and the second on backtracking.
    Split(u32, u32),
    Jmp(u32),
    /// Store the position in a slot (captures first, then loop registers), restoring it on backtracking.
    Save(u32),
    Look(Look),
    Backref {
        group: u32,
        ci: bool,
    },
    /// Loop back to `target` only if the iteration since `Save(reg)` consumed something (PCRE's empty-loop rule).
    LoopBack {
        reg: u32,
        target: u32,
    },
    /// Step back a fixed number of bytes at the start of a lookbehind branch.
    Back(u32),
    /// Open an atomic group or a positive lookaround.
    Mark,
    /// Open a negative lookaround whose success continues at `cont`.
    NegMark {
        cont: u32,
    },
    /// Close an atomic group: drop its alternatives, keep the position.
    AtomEnd,
    /// Close a positive lookaround: drop its alternatives, return to where it started.
    LookEnd,
    /// Close a negative lookaround whose body matched: undo it and fail.
    NegEnd,
    Match,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Program {
    pub insts: Vec<Inst>,
    pub sets: Vec<ByteSet>,
    /// Capture slots (two per group, group 0 included) followed by loop registers.
    pub slots: usize,
    pub groups: u32,
    pub names: Vec<(String, u32)>,
    /// Every match starts at the subject's start.
    pub anchored: bool,
    /// The pattern starts with `.*` or `.+` without dotall: a failed attempt need only be retried after a newline.
    pub dotstar: bool,
    /// Every match starts with this byte.
    pub first_byte: Option<u8>,
}

struct Compiler<'a> {
    insts: Vec<Inst>,
    sets: Vec<ByteSet>,
    regs: u32,
    groups: u32,
    names: &'a [(String, u32)],
    /// How many lookarounds enclose the node being compiled.
    in_look: u32,
}

const TOO_LARGE: &str = "regular expression is too large";

/// Compiles a parsed pattern.
pub fn compile(parsed: Parsed) -> Result<Program, String> {
    let mut c = Compiler { insts: Vec::new(), sets: Vec::new(), regs: 0, groups: parsed.groups, names: &parsed.names, in_look: 0 };
    c.emit(Inst::Save(0))?;
    c.node(&parsed.node)?;
    c.emit(Inst::Save(1))?;
    c.emit(Inst::Match)?;
    let capture_slots = 2 * (parsed.groups as usize + 1);
    let (insts, sets, regs) = (c.insts, c.sets, c.regs);
    // Skipping start positions is only sound when the match does not depend on where the attempt began.
    let start_free = !insts.iter().any(|i| matches!(i, Inst::Backref { .. } | Inst::Look(Look::AttemptStart)));
    Ok(Program {
        insts,
        sets,
        slots: capture_slots + regs as usize,
        groups: parsed.groups,
        anchored: anchored(&parsed.node) || (start_free && leading_dot(&parsed.node) == Some(true)),
        dotstar: start_free && leading_dot(&parsed.node) == Some(false),
        first_byte: first_byte(&parsed.node),
        names: parsed.names,
    })
}

impl Compiler<'_> {
    fn emit(&mut self, i: Inst) -> Result<u32, String> {
        if self.insts.len() >= MAX_INSTS {
            return Err(TOO_LARGE.into());
        }
        self.insts.push(i);
        Ok((self.insts.len() - 1) as u32)
    }

    fn pc(&self) -> u32 {
        self.insts.len() as u32
    }

    fn patch(&mut self, at: u32, i: Inst) {
        self.insts[at as usize] = i;
    }

    fn reg(&mut self) -> u32 {
        self.regs += 1;
        2 * (self.groups + 1) + self.regs - 1
    }

    /// Emits `node`. Recursion follows the tree, whose depth the parser caps through `MAX_NESTING`.
    fn node(&mut self, node: &Node) -> Result<(), String> {
        match node {
            Node::Empty => {}
            Node::Byte(b) => {
                self.emit(Inst::Byte(*b))?;
            }
            Node::ByteCi(b) => {
                self.emit(Inst::ByteCi(*b))?;
            }
            Node::Set(s) => {
                let idx = match self.sets.iter().position(|x| x == s) {
                    Some(i) => i,
                    None => {
                        self.sets.push(*s);
                        self.sets.len() - 1
                    }
                };
                self.emit(Inst::Set(idx as u32))?;
            }
            Node::Look(l) => {
                self.emit(Inst::Look(*l))?;
            }
            Node::Keep => {
                if self.in_look > 0 {
                    return Err("\\K is not allowed in lookarounds (but see PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK)".into());
                }
                self.emit(Inst::Save(0))?;
            }
            Node::Backref { group, ci } => {
                if *group > self.groups {
                    return Err("reference to non-existent subpattern".into());
                }
                self.emit(Inst::Backref { group: *group, ci: *ci })?;
            }
            Node::NamedBackref { name, ci } => {
                let Some(&(_, group)) = self.names.iter().find(|(n, _)| n == name) else {
                    return Err("reference to non-existent subpattern".into());
                };
                self.emit(Inst::Backref { group, ci: *ci })?;
            }
            Node::Concat(items) => {
                for n in items {
                    self.node(n)?;
                }
            }
            Node::Alt(alts) => self.alternation(alts, |c, n| c.node(n))?,
            Node::Group(kind, inner) => self.group(*kind, inner)?,
            Node::Repeat { node, min, max, greedy, possessive } => {
                if *possessive {
                    self.emit(Inst::Mark)?;
                    self.repeat(node, *min, *max, true)?;
                    self.emit(Inst::AtomEnd)?;
                } else {
                    self.repeat(node, *min, *max, *greedy)?;
                }
            }
        }
        Ok(())
    }

    /// `a|b|c` as a chain of splits, first alternative preferred; `each` emits one alternative.
    fn alternation(&mut self, alts: &[Node], mut each: impl FnMut(&mut Self, &Node) -> Result<(), String>) -> Result<(), String> {
        let mut exits = Vec::new();
        for (k, alt) in alts.iter().enumerate() {
            if k + 1 < alts.len() {
                let split = self.emit(Inst::Split(0, 0))?;
                each(self, alt)?;
                exits.push(self.emit(Inst::Jmp(0))?);
                let next = self.pc();
                self.patch(split, Inst::Split(split + 1, next));
            } else {
                each(self, alt)?;
            }
        }
        let end = self.pc();
        for e in exits {
            self.patch(e, Inst::Jmp(end));
        }
        Ok(())
    }

    fn group(&mut self, kind: GroupKind, inner: &Node) -> Result<(), String> {
        match kind {
            GroupKind::Capture(n) => {
                self.emit(Inst::Save(2 * n))?;
                self.node(inner)?;
                self.emit(Inst::Save(2 * n + 1))?;
            }
            GroupKind::NonCapture => self.node(inner)?,
            GroupKind::Atomic => {
                self.emit(Inst::Mark)?;
                self.node(inner)?;
                self.emit(Inst::AtomEnd)?;
            }
            GroupKind::Ahead | GroupKind::Behind => {
                self.emit(Inst::Mark)?;
                self.look_body(kind, inner)?;
                self.emit(Inst::LookEnd)?;
            }
            GroupKind::NotAhead | GroupKind::NotBehind => {
                let mark = self.emit(Inst::NegMark { cont: 0 })?;
                self.look_body(kind, inner)?;
                let end = self.emit(Inst::NegEnd)?;
                self.patch(mark, Inst::NegMark { cont: end + 1 });
            }
        }
        Ok(())
    }

    /// The body of a lookaround; each branch of a lookbehind first steps back by its fixed length.
    fn look_body(&mut self, kind: GroupKind, inner: &Node) -> Result<(), String> {
        self.in_look += 1;
        let r = self.look_branches(kind, inner);
        self.in_look -= 1;
        r
    }

    fn look_branches(&mut self, kind: GroupKind, inner: &Node) -> Result<(), String> {
        if !matches!(kind, GroupKind::Behind | GroupKind::NotBehind) {
            return self.node(inner);
        }
        let branch = |c: &mut Self, n: &Node| -> Result<(), String> {
            let Some(len) = fixed_len(n) else { return Err("lookbehind assertion is not fixed length".into()) };
            if len > 65535 {
                return Err("lookbehind is too complicated".into());
            }
            c.emit(Inst::Back(len as u32))?;
            c.node(n)
        };
        match inner {
            Node::Alt(alts) => self.alternation(alts, branch),
            n => branch(self, n),
        }
    }

    fn repeat(&mut self, node: &Node, min: u32, max: Option<u32>, greedy: bool) -> Result<(), String> {
        for _ in 0..min {
            self.node(node)?;
        }
        match max {
            Some(max) => {
                // Optional copies `(?:x(?:x)?)?`, flattened: every split leaves to the same end.
                let mut splits = Vec::new();
                for _ in min..max {
                    splits.push(self.emit(Inst::Split(0, 0))?);
                    self.node(node)?;
                }
                let end = self.pc();
                for s in splits {
                    self.patch(s, if greedy { Inst::Split(s + 1, end) } else { Inst::Split(end, s + 1) });
                }
            }
            None => {
                let top = self.emit(Inst::Split(0, 0))?;
                let reg = if nullable(node) { Some(self.reg()) } else { None };
                if let Some(r) = reg {
                    self.emit(Inst::Save(r))?;
                }
                self.node(node)?;
                match reg {
                    Some(r) => self.emit(Inst::LoopBack { reg: r, target: top })?,
                    None => self.emit(Inst::Jmp(top))?,
                };
                let end = self.pc();
                self.patch(top, if greedy { Inst::Split(top + 1, end) } else { Inst::Split(end, top + 1) });
            }
        }
        Ok(())
    }
}

/// The fixed number of bytes `node` matches, if it has one.
fn fixed_len(node: &Node) -> Option<usize> {
    match node {
        Node::Empty | Node::Look(_) | Node::Keep => Some(0),
        Node::Byte(_) | Node::ByteCi(_) | Node::Set(_) => Some(1),
        Node::Group(GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic, n) => fixed_len(n),
        Node::Group(..) => Some(0),
        Node::Concat(items) => items.iter().try_fold(0usize, |a, n| a.checked_add(fixed_len(n)?)),
        Node::Alt(alts) => {
            let first = fixed_len(alts.first()?)?;
            alts.iter().all(|a| fixed_len(a) == Some(first)).then_some(first)
        }
        Node::Repeat { node, min, max, .. } if Some(*min) == *max => fixed_len(node)?.checked_mul(*min as usize),
        Node::Repeat { .. } | Node::Backref { .. } | Node::NamedBackref { .. } => None,
    }
}

/// Whether `node` can match the empty string.
fn nullable(node: &Node) -> bool {
    match node {
        Node::Byte(_) | Node::ByteCi(_) | Node::Set(_) => false,
        Node::Group(GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic, n) => nullable(n),
        Node::Concat(items) => items.iter().all(nullable),
        Node::Alt(alts) => alts.iter().any(nullable),
        Node::Repeat { node, min, .. } => *min == 0 || nullable(node),
        _ => true,
    }
}

/// The first item of `node` that is not a transparent group.
fn first_item(node: &Node) -> &Node {
    let mut n = node;
    loop {
        n = match n {
            Node::Group(GroupKind::Capture(_) | GroupKind::NonCapture | GroupKind::Atomic, inner) => inner,
            Node::Concat(items) if !items.is_empty() => &items[0],
            _ => return n,
        };
    }
}

fn anchored(node: &Node) -> bool {
    match first_item(node) {
        Node::Look(Look::Start) => true,
        Node::Alt(alts) => alts.iter().all(anchored),
        Node::Repeat { node, min, .. } if *min > 0 => anchored(node),
        _ => false,
    }
}

/// A leading unbounded repeat of `.`: `Some(false)` without dotall (a failed attempt can only be beaten by one
/// starting after a newline, as the repeat could have absorbed the bytes in between), `Some(true)` with dotall
/// (no later attempt can succeed).
fn leading_dot(node: &Node) -> Option<bool> {
    let Node::Repeat { node, max: None, possessive: false, .. } = first_item(node) else { return None };
    let Node::Set(s) = **node else { return None };
    let all = ByteSet::default().negated();
    let mut no_nl = all;
    no_nl.0[0] &= !(1 << b'\n');
    if s == all {
        Some(true)
    } else if s == no_nl {
        Some(false)
    } else {
        None
    }
}

fn first_byte(node: &Node) -> Option<u8> {
    match first_item(node) {
        Node::Byte(b) => Some(*b),
        Node::Alt(alts) => {
            let b = first_byte(alts.first()?)?;
            alts.iter().all(|a| first_byte(a) == Some(b)).then_some(b)
        }
        Node::Repeat { node, min, .. } if *min > 0 => first_byte(node),
        _ => None,
    }
}
