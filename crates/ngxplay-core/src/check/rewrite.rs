//! The rewrite module's directives: `if` conditions, `return`, `rewrite` and `set`.

use super::{Checker, Frame};
use crate::ast::Directive;

impl<'a> Checker<'a> {
    /// Checks an `if (...)` condition as `ngx_http_rewrite_if_condition` does; false on error.
    pub(crate) fn if_condition(&mut self, d: &'a Directive) -> bool {
        let args: Vec<&str> = d.args.iter().map(|w| w.value.as_str()).collect();
        let mut vals: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let invalid = |c: &mut Checker<'a>, v: &str| {
            c.emerg(d.term, "invalid-condition", format!("invalid condition \"{v}\""));
            false
        };
        if vals.is_empty() {
            return invalid(self, "");
        }
        if !vals[0].starts_with('(') {
            return invalid(self, &vals[0]);
        }
        let mut cur = 0;
        if vals[0].len() == 1 {
            cur = 1;
        } else {
            vals[0].remove(0);
        }
        let mut last = vals.len() - 1;
        if !vals[last].ends_with(')') {
            return invalid(self, &vals[last].clone());
        }
        if vals[last].len() == 1 {
            if last == 0 {
                return invalid(self, "");
            }
            last -= 1;
        } else {
            vals[last].pop();
        }
        if cur > last {
            return invalid(self, "");
        }
        let p = vals[cur].clone();
        if p.len() > 1 && p.starts_with('$') {
            if cur != last && cur + 2 != last {
                return invalid(self, &p);
            }
            self.http.use_var(&p[1..]);
            if cur == last {
                return true;
            }
            let op = vals[cur + 1].as_str();
            let operand = vals[last].clone();
            match op {
                "=" | "!=" => {
                    self.vars_in(&operand);
                    true
                }
                "~" | "~*" | "!~" | "!~*" => self.compile_regex(d, &operand, op.ends_with('*')),
                _ => {
                    self.emerg(d.term, "invalid-condition", format!("unexpected \"{op}\" in condition"));
                    false
                }
            }
        } else if (p.len() == 2 && p.starts_with('-')) || (p.len() == 3 && p.starts_with("!-")) {
            if cur + 1 != last {
                return invalid(self, &p);
            }
            let op = p.trim_start_matches('!').as_bytes()[1];
            if matches!(op, b'f' | b'd' | b'e' | b'x') {
                self.vars_in(&vals[last].clone());
                true
            } else {
                invalid(self, &p)
            }
        } else {
            invalid(self, &p)
        }
    }

    pub(crate) fn return_rule(&mut self, d: &'a Directive) -> bool {
        let v = d.arg(0).unwrap_or("");
        match super::url::atoi(v) {
            None => {
                let redirect = d.args.len() == 1 && (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("$scheme"));
                if !redirect {
                    self.emerg(d.term, "invalid-return-code", format!("invalid return code \"{v}\""));
                    return false;
                }
                self.vars_in(v);
            }
            Some(n) if n > 999 => {
                self.emerg(d.term, "invalid-return-code", format!("invalid return code \"{v}\""));
                return false;
            }
            Some(_) => {
                if let Some(t) = d.arg(1) {
                    self.vars_in(t);
                }
            }
        }
        true
    }

    pub(crate) fn rewrite_rule(&mut self, d: &'a Directive) -> bool {
        let re = d.arg(0).unwrap_or("");
        let repl = d.arg(1).unwrap_or("");
        if repl.is_empty() {
            self.emerg(d.term, "empty-replacement", "empty replacement");
            return false;
        }
        if !self.compile_regex(d, re, false) {
            return false;
        }
        if let Some(flag) = d.arg(2) {
            if !matches!(flag, "last" | "break" | "redirect" | "permanent") {
                self.emerg(d.term, "invalid-parameter", format!("invalid parameter \"{flag}\""));
                return false;
            }
        }
        self.vars_in(repl);
        true
    }

    pub(crate) fn set_rule(&mut self, d: &'a Directive) -> bool {
        let name = d.arg(0).unwrap_or("");
        let Some(var) = name.strip_prefix('$') else {
            self.emerg(d.term, "invalid-variable", format!("invalid variable name \"{name}\""));
            return false;
        };
        if !self.add_variable(d, var, true) {
            return false;
        }
        self.http.use_var(var);
        if let Some(v) = d.arg(1) {
            self.vars_in(v);
        }
        true
    }

    /// `limit_except` methods; false on error.
    pub(crate) fn limit_except_methods(&mut self, d: &'a Directive, _f: &mut Frame<'a>) -> bool {
        const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH"];
        for a in &d.args {
            if !METHODS.iter().any(|m| m.eq_ignore_ascii_case(&a.value)) {
                self.emerg(d.term, "invalid-method", format!("invalid method \"{}\"", a.value));
                return false;
            }
        }
        true
    }
}
