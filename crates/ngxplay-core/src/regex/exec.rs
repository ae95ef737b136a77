//! The backtracking matcher: an explicit stack of choice points and undo records, and a step budget.

use super::compile::{Inst, Program};
use super::parse::{is_word, Look};

/// An unset slot.
pub const UNSET: usize = usize::MAX;

/// The result of a search.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    NoMatch,
    /// The slots: start and end of each group, group 0 first, `UNSET` where a group did not take part.
    Match(Vec<usize>),
    /// The step budget ran out.
    TooComplex,
}

#[derive(Clone, Copy)]
enum Frame {
    /// A choice point: resume at `pc` with `pos`.
    Alt { pc: u32, pos: usize },
    /// Undo a slot write.
    Undo { slot: u32, old: usize },
    /// The start of an atomic group or a positive lookaround.
    Mark { pos: usize },
    /// The start of a negative lookaround: when its body fails, go on at `cont` from `pos`.
    NegMark { pos: usize, cont: u32 },
}

struct Vm<'a> {
    prog: &'a Program,
    text: &'a [u8],
    slots: Vec<usize>,
    stack: Vec<Frame>,
    steps: usize,
    limit: usize,
}

thread_local! {
    /// Buffers kept from earlier searches, so that a search that finds nothing allocates nothing.
    static SPARE: std::cell::Cell<(Vec<usize>, Vec<Frame>)> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// Finds the leftmost match of `prog` in `text`, giving up after `limit` steps in all.
pub fn search(prog: &Program, text: &[u8], limit: usize) -> Outcome {
    let (mut slots, stack) = SPARE.with(|s| s.take());
    slots.clear();
    slots.resize(prog.slots, UNSET);
    let mut vm = Vm { prog, text, slots, stack, steps: 0, limit };
    let found = vm.leftmost();
    let Vm { slots, stack, .. } = vm;
    let (outcome, spare) = match found {
        Some(true) => (Outcome::Match(slots), Vec::new()),
        Some(false) => (Outcome::NoMatch, slots),
        None => (Outcome::TooComplex, slots),
    };
    // A stack grown by a pathological pattern is not worth keeping.
    let stack = if stack.capacity() > 1 << 16 { Vec::new() } else { stack };
    SPARE.with(|s| s.set((spare, stack)));
    outcome
}

impl Vm<'_> {
    /// Tries each start position in turn: `Some(true)` with the match in `slots`, `None` when the budget runs out.
    fn leftmost(&mut self) -> Option<bool> {
        let (prog, text) = (self.prog, self.text);
        let mut start = 0;
        loop {
            if let Some(b) = prog.first_byte {
                match text[start.min(text.len())..].iter().position(|&c| c == b) {
                    Some(k) => start += k,
                    None => return Some(false),
                }
            }
            self.slots.iter_mut().for_each(|s| *s = UNSET);
            self.stack.clear();
            match self.run(start) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => return None,
            }
            if prog.anchored || start >= text.len() {
                return Some(false);
            }
            if prog.dotstar {
                match text[start..].iter().position(|&c| c == b'\n') {
                    Some(k) => start += k + 1,
                    None => return Some(false),
                }
            } else {
                start += 1;
            }
        }
    }
}

impl Vm<'_> {
    /// One attempt from `start`: `Some(true)` on a match, `None` when the budget runs out.
    fn run(&mut self, start: usize) -> Option<bool> {
        let insts = &self.prog.insts;
        let text = self.text;
        let mut pc = 0usize;
        let mut pos = start;
        loop {
            self.steps += 1;
            if self.steps > self.limit {
                return None;
            }
            let ok = match insts[pc] {
                Inst::Byte(b) => {
                    let ok = text.get(pos) == Some(&b);
                    pos += 1;
                    ok
                }
                Inst::ByteCi(b) => {
                    let ok = text.get(pos).is_some_and(|c| c.to_ascii_lowercase() == b);
                    pos += 1;
                    ok
                }
                Inst::Set(i) => {
                    let ok = text.get(pos).is_some_and(|&c| self.prog.sets[i as usize].has(c));
                    pos += 1;
                    ok
                }
                Inst::Split(a, b) => {
                    self.stack.push(Frame::Alt { pc: b, pos });
                    pc = a as usize;
                    continue;
                }
                Inst::Jmp(t) => {
                    pc = t as usize;
                    continue;
                }
                Inst::Save(s) => {
                    self.stack.push(Frame::Undo { slot: s, old: self.slots[s as usize] });
                    self.slots[s as usize] = pos;
                    true
                }
                Inst::Look(l) => look(l, text, pos, start),
                Inst::Backref { group, ci } => {
                    let (s, e) = (self.slots[2 * group as usize], self.slots[2 * group as usize + 1]);
                    if s == UNSET || e == UNSET || e < s {
                        false
                    } else {
                        let want = &text[s..e];
                        match text.get(pos..pos + want.len()) {
                            Some(got) if if ci { got.eq_ignore_ascii_case(want) } else { got == want } => {
                                pos += want.len();
                                true
                            }
                            _ => false,
                        }
                    }
                }
                Inst::LoopBack { reg, target } => {
                    if self.slots[reg as usize] != pos {
                        pc = target as usize;
                        continue;
                    }
                    true
                }
                Inst::Back(n) => match pos.checked_sub(n as usize) {
                    Some(p) => {
                        pos = p;
                        true
                    }
                    None => false,
                },
                Inst::Mark => {
                    self.stack.push(Frame::Mark { pos });
                    true
                }
                Inst::NegMark { cont } => {
                    self.stack.push(Frame::NegMark { pos, cont });
                    true
                }
                Inst::AtomEnd => {
                    self.cut()?;
                    true
                }
                Inst::LookEnd => {
                    pos = self.cut()?;
                    true
                }
                Inst::NegEnd => {
                    // The body matched, so the assertion fails: undo everything back to its mark.
                    while let Some(f) = self.stack.pop() {
                        self.steps += 1;
                        match f {
                            Frame::Undo { slot, old } => self.slots[slot as usize] = old,
                            Frame::NegMark { .. } => break,
                            _ => {}
                        }
                    }
                    false
                }
                Inst::Match => return Some(true),
            };
            if ok {
                pc += 1;
                continue;
            }
            // Backtrack to the latest choice point, undoing slot writes on the way.
            loop {
                self.steps += 1;
                if self.steps > self.limit {
                    return None;
                }
                match self.stack.pop() {
                    None => return Some(false),
                    Some(Frame::Alt { pc: p, pos: q }) => {
                        pc = p as usize;
                        pos = q;
                        break;
                    }
                    Some(Frame::Undo { slot, old }) => self.slots[slot as usize] = old,
                    Some(Frame::NegMark { pos: q, cont }) => {
                        pc = cont as usize;
                        pos = q;
                        break;
                    }
                    Some(Frame::Mark { .. }) => {}
                }
            }
        }
    }

    /// Closes the innermost atomic group or positive lookaround: drops its mark and the choice points above it,
    /// keeping the undo records so that backtracking past it still restores captures. Returns the mark's position.
    fn cut(&mut self) -> Option<usize> {
        let m = self.stack.iter().rposition(|f| matches!(f, Frame::Mark { .. }))?;
        let Frame::Mark { pos } = self.stack[m] else { return None };
        self.steps += self.stack.len() - m;
        let mut w = m;
        for r in m + 1..self.stack.len() {
            if let f @ Frame::Undo { .. } = self.stack[r] {
                self.stack[w] = f;
                w += 1;
            }
        }
        self.stack.truncate(w);
        Some(pos)
    }
}

fn look(l: Look, text: &[u8], pos: usize, start: usize) -> bool {
    let len = text.len();
    match l {
        Look::Start => pos == 0,
        Look::StartLine => pos == 0 || (pos < len && text[pos - 1] == b'\n'),
        Look::End => pos == len || (pos + 1 == len && text[pos] == b'\n'),
        Look::EndLine => pos == len || text[pos] == b'\n',
        Look::EndAbs => pos == len,
        Look::Word | Look::NotWord => {
            let before = pos > 0 && is_word(text[pos - 1]);
            let after = pos < len && is_word(text[pos]);
            (before != after) == (l == Look::Word)
        }
        Look::AttemptStart => pos == start,
    }
}
