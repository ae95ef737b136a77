//! The generic value slots (`ngx_conf_set_*_slot`): on/off, sizes, times, numbers, enums, bitmasks, and
//! the "is duplicate" rule for a slot set twice in one block.

use super::{Checker, Frame};
use crate::ast::Directive;
use crate::directives::{Spec, Value};

/// `ngx_parse_size`: digits with an optional `k` or `m` suffix.
pub fn parse_size(s: &str) -> Option<u64> {
    let (num, mul) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1024),
        b'm' | b'M' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    digits(num)?.checked_mul(mul)
}

/// `ngx_parse_offset`: like a size, also with `g`.
pub fn parse_offset(s: &str) -> Option<u64> {
    match s.as_bytes().last()? {
        b'g' | b'G' => digits(&s[..s.len() - 1])?.checked_mul(1024 * 1024 * 1024),
        _ => parse_size(s),
    }
}

fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `ngx_parse_time`: groups such as `1h 30m`, units in decreasing order; a bare number is seconds
/// (`is_sec`) or milliseconds. Returns milliseconds or seconds accordingly.
pub fn parse_time(s: &str, is_sec: bool) -> Option<u64> {
    const UNITS: &[(&str, u64)] = &[("y", 31_536_000_000), ("M", 2_592_000_000), ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("ms", 1), ("m", 60_000), ("s", 1000)];
    let order = ["y", "M", "w", "d", "h", "m", "s", "ms"];
    let b = s.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut last_step: Option<usize> = None;
    let mut valid = false;
    while i < b.len() {
        if b[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let n: u64 = s[start..i].parse().ok()?;
        if i == b.len() {
            total = total.checked_add(if is_sec { n * 1000 } else { n })?;
            valid = true;
            break;
        }
        let rest = &s[i..];
        let (unit, mul) = UNITS.iter().find(|(u, _)| rest.starts_with(u))?;
        if *unit == "ms" && is_sec {
            return None;
        }
        let step = order.iter().position(|o| o == unit)?;
        if last_step.is_some_and(|l| step <= l) {
            return None;
        }
        last_step = Some(step);
        i += unit.len();
        total = total.checked_add(n.checked_mul(*mul)?)?;
        valid = true;
    }
    if !valid {
        return None;
    }
    Some(if is_sec { total / 1000 } else { total })
}

/// Numeric bounds nginx checks with `ngx_conf_check_num_bounds` after a slot.
fn bounds(name: &str) -> Option<(i64, i64)> {
    match name {
        "gzip_comp_level" => Some((1, 9)),
        _ => None,
    }
}

impl<'a> Checker<'a> {
    /// The slot checks for `spec.value`; false when an error was reported.
    pub(crate) fn slot(&mut self, d: &'a Directive, spec: &Spec, f: &mut Frame<'a>) -> bool {
        let name = d.name();
        let arg = d.arg(0).unwrap_or("");
        let dup = |c: &mut Checker<'a>, f: &mut Frame<'a>| -> bool {
            if !f.set_once(spec.name) {
                c.emerg(d.term, "duplicate", format!("\"{name}\" directive is duplicate"));
                return false;
            }
            true
        };
        match spec.value {
            Value::Flag => {
                if !dup(self, f) {
                    return false;
                }
                if !arg.eq_ignore_ascii_case("on") && !arg.eq_ignore_ascii_case("off") {
                    self.emerg(d.term, "invalid-value", format!("invalid value \"{arg}\" in \"{name}\" directive, it must be \"on\" or \"off\""));
                    return false;
                }
            }
            Value::Str | Value::Path => return dup(self, f),
            Value::Num => {
                if !dup(self, f) {
                    return false;
                }
                let Some(n) = super::url::atoi(arg) else {
                    self.emerg(d.term, "invalid-value", format!("\"{name}\" directive invalid number"));
                    return false;
                };
                if let Some((lo, hi)) = bounds(name) {
                    if n < lo || n > hi {
                        self.emerg(d.term, "invalid-value", format!("value must be between {lo} and {hi}"));
                        return false;
                    }
                }
            }
            Value::Size | Value::Off | Value::Msec | Value::Sec => {
                if !dup(self, f) {
                    return false;
                }
                let ok = match spec.value {
                    Value::Size => parse_size(arg).is_some(),
                    Value::Off => parse_offset(arg).is_some(),
                    Value::Msec => parse_time(arg, false).is_some(),
                    _ => parse_time(arg, true).is_some(),
                };
                if !ok {
                    self.emerg(d.term, "invalid-value", format!("\"{name}\" directive invalid value"));
                    return false;
                }
            }
            Value::Bufs => {
                if !dup(self, f) {
                    return false;
                }
                let num = super::url::atoi(arg).unwrap_or(0);
                let size = d.arg(1).and_then(parse_size).unwrap_or(0);
                if num == 0 || size == 0 {
                    self.emerg(d.term, "invalid-value", format!("\"{name}\" directive invalid value"));
                    return false;
                }
            }
            Value::Enum(words) => {
                if !dup(self, f) {
                    return false;
                }
                if !words.iter().any(|w| w.eq_ignore_ascii_case(arg)) {
                    self.emerg(d.term, "invalid-value", format!("invalid value \"{arg}\""));
                    return false;
                }
            }
            Value::Bitmask(words) => {
                let mut set: Vec<&str> = Vec::new();
                for a in &d.args {
                    let Some(w) = words.iter().find(|w| w.eq_ignore_ascii_case(&a.value)) else {
                        self.emerg(d.term, "invalid-value", format!("invalid value \"{}\"", a.value));
                        return false;
                    };
                    if set.contains(w) {
                        self.warn(d.term, "duplicate-value", format!("duplicate value \"{}\"", a.value));
                    }
                    set.push(w);
                }
            }
            Value::StrArray | Value::KeyVal | Value::Custom => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times() {
        assert_eq!(parse_size("10m"), Some(10 << 20));
        assert_eq!(parse_size("10mb"), None);
        assert_eq!(parse_time("1h 30m", true), Some(5400));
        assert_eq!(parse_time("500ms", false), Some(500));
        assert_eq!(parse_time("30s5m", true), None);
        assert_eq!(parse_time("abc", true), None);
        assert_eq!(parse_time("60", true), Some(60));
    }
}
