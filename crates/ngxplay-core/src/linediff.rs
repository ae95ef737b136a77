//! A line diff (Myers' O(ND) algorithm) and its grouping into hunks with context, for showing what changed in a file.

/// What happened to one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The line is in both texts: its 0-based index in the old and in the new text.
    Same(usize, usize),
    /// Only the old text has it.
    Removed(usize),
    /// Only the new text has it.
    Added(usize),
}

/// Edit distances above this are not searched for a minimal script; the differing middle is then reported
/// as removed and re-added, which keeps time and memory bounded for unrelated texts.
const MAX_D: usize = 1000;

/// The edit script turning `old` into `new`, line by line (lines split on `\n`), in order.
pub fn diff(old: &str, new: &str) -> Vec<Op> {
    let a = split(old);
    let b = split(new);
    diff_lines(&a, &b)
}

fn split(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    text.strip_suffix('\n').unwrap_or(text).split('\n').collect()
}

/// The edit script for two line lists.
pub fn diff_lines(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Same(i, i)).collect();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    match myers(ma, mb) {
        Some(middle) => ops.extend(middle.into_iter().map(|op| shift(op, prefix))),
        None => {
            ops.extend((0..ma.len()).map(|i| Op::Removed(prefix + i)));
            ops.extend((0..mb.len()).map(|j| Op::Added(prefix + j)));
        }
    }
    let (sa, sb) = (a.len() - suffix, b.len() - suffix);
    ops.extend((0..suffix).map(|k| Op::Same(sa + k, sb + k)));
    ops
}

fn shift(op: Op, by: usize) -> Op {
    match op {
        Op::Same(i, j) => Op::Same(i + by, j + by),
        Op::Removed(i) => Op::Removed(i + by),
        Op::Added(j) => Op::Added(j + by),
    }
}

/// Myers' greedy shortest edit script; `None` when the distance exceeds [`MAX_D`].
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (a.len() + b.len()).min(MAX_D) as isize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * offset as usize + 1];
    // The furthest-reaching x per diagonal `-d..=d` before each step, for walking back.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    for d in 0..=max {
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m, d));
            }
            k += 2;
        }
    }
    None
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize, last: isize) -> Vec<Op> {
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..=last).rev() {
        let v = &trace[d as usize];
        // Step `d`'s slice starts at diagonal `-d`.
        let offset = d;
        let k = x - y;
        let idx = (k + offset) as usize;
        let prev_k = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[(prev_k + offset) as usize];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            ops.push(Op::Same(x as usize, y as usize));
        }
        if x == prev_x {
            y -= 1;
            ops.push(Op::Added(y as usize));
        } else {
            x -= 1;
            ops.push(Op::Removed(x as usize));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        ops.push(Op::Same(x as usize, y as usize));
    }
    ops.reverse();
    ops
}

/// A run of changes with up to `context` unchanged lines around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    /// 1-based first line in the old and the new text.
    pub old_start: usize,
    pub new_start: usize,
    pub ops: Vec<Op>,
}

/// Groups an edit script into hunks; changes closer than `2 * context` lines share a hunk.
pub fn hunks(ops: &[Op], context: usize) -> Vec<Hunk> {
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(context);
        let mut end = changed[i];
        while i + 1 < changed.len() && changed[i + 1] <= end + 2 * context + 1 {
            i += 1;
            end = changed[i];
        }
        let end = (end + context + 1).min(ops.len());
        let slice = &ops[start..end];
        let (old_start, new_start) = first_lines(ops, start);
        out.push(Hunk {
            old_start,
            new_start,
            ops: slice.to_vec(),
        });
        i += 1;
    }
    out
}

/// The 1-based old and new line numbers at which the ops from `start` begin.
fn first_lines(ops: &[Op], start: usize) -> (usize, usize) {
    let (mut old, mut new) = (0, 0);
    for op in &ops[..start] {
        match op {
            Op::Same(..) => {
                old += 1;
                new += 1;
            }
            Op::Removed(_) => old += 1,
            Op::Added(_) => new += 1,
        }
    }
    (old + 1, new + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rebuilds both texts from the script, proving it is consistent.
    fn apply(old: &str, new: &str, ops: &[Op]) -> (Vec<String>, Vec<String>) {
        let (a, b) = (split(old), split(new));
        let mut got_old = Vec::new();
        let mut got_new = Vec::new();
        for op in ops {
            match *op {
                Op::Same(i, j) => {
                    assert_eq!(a[i], b[j]);
                    got_old.push(a[i].to_string());
                    got_new.push(b[j].to_string());
                }
                Op::Removed(i) => got_old.push(a[i].to_string()),
                Op::Added(j) => got_new.push(b[j].to_string()),
            }
        }
        (got_old, got_new)
    }

    fn changes(ops: &[Op]) -> usize {
        ops.iter().filter(|o| !matches!(o, Op::Same(..))).count()
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let ops = diff("a\nb\n", "a\nb\n");
        assert_eq!(ops, [Op::Same(0, 0), Op::Same(1, 1)]);
        assert!(hunks(&ops, 3).is_empty());
        assert!(diff("", "").is_empty());
    }

    #[test]
    fn one_changed_line_is_one_removal_and_one_addition() {
        let old = "server {\n    location /api {\n    }\n}\n";
        let new = "server {\n    location /api/ {\n    }\n}\n";
        let ops = diff(old, new);
        assert_eq!(ops, [Op::Same(0, 0), Op::Removed(1), Op::Added(1), Op::Same(2, 2), Op::Same(3, 3)]);
        let h = hunks(&ops, 1);
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].old_start, h[0].new_start, h[0].ops.len()), (1, 1, 4));
    }

    #[test]
    fn scripts_are_minimal_and_rebuild_both_texts() {
        let cases = [
            ("a\nb\nc\na\nb\nb\na\n", "c\nb\na\nb\na\nc\n", 5),
            ("", "x\ny\n", 2),
            ("x\ny\n", "", 2),
            ("a\nb\nc\n", "a\nx\nb\nc\ny\n", 2),
            ("1\n2\n3\n4\n5\n", "1\n3\n4\n6\n5\n", 2),
        ];
        for (old, new, d) in cases {
            let ops = diff(old, new);
            let (o, n) = apply(old, new, &ops);
            assert_eq!(o, split(old), "{old:?} -> {new:?}");
            assert_eq!(n, split(new), "{old:?} -> {new:?}");
            assert_eq!(changes(&ops), d, "{old:?} -> {new:?}: {ops:?}");
        }
    }

    #[test]
    fn distant_changes_make_separate_hunks_with_their_line_numbers() {
        let old: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 3\n", "line three\n").replace("line 25\n", "");
        let h = hunks(&diff(&old, &new), 2);
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].old_start, h[0].new_start), (1, 1));
        assert_eq!((h[1].old_start, h[1].new_start), (23, 23));
        assert_eq!(changes(&h[1].ops), 1);
    }

    #[test]
    fn unrelated_large_texts_fall_back_to_replace() {
        let old: String = (0..2000).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..2000).map(|i| format!("b{i}\n")).collect();
        let ops = diff(&old, &new);
        assert_eq!(changes(&ops), 4000);
        let (o, n) = apply(&old, &new, &ops);
        assert_eq!((o.len(), n.len()), (2000, 2000));
    }
}
