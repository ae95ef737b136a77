//! The rewrite phases: `rewrite`, `return`, `set`, `break` and `if` in config order, server then location.

use super::env::Kind;
use super::sim::{Flow, Run};
use crate::model::regex::Match;
use crate::model::{ScopeId, ScopeKind, Stmt};

/// What a run of statements ended with.
enum Step {
    Continue,
    Stop(Flow),
}

impl Run<'_, '_> {
    /// The server-level rewrite phase.
    pub fn server_rewrite(&mut self) -> Flow {
        let scope = self.model().servers[self.server].scope;
        if self.model().scopes[scope].stmts.is_empty() {
            return Flow::Next;
        }
        let before = self.uri.clone();
        match self.run_stmts(scope, 0) {
            Step::Stop(f @ Flow::Done(_)) => f,
            _ => {
                if self.uri != before {
                    self.internal = true;
                }
                Flow::Next
            }
        }
    }

    /// The location-level rewrite phase; `Redirect` when the URI changed and lookup must run again.
    pub fn location_rewrite(&mut self) -> Flow {
        if self.loc.is_none() {
            return Flow::Next;
        }
        let scope = self.scope;
        match self.run_stmts(scope, 0) {
            Step::Stop(Flow::Redirect) => Flow::Redirect,
            Step::Stop(f) => f,
            Step::Continue => {
                if self.vars.remove("\u{0}uri_changed").is_some() {
                    Flow::Redirect
                } else {
                    Flow::Next
                }
            }
        }
    }

    fn run_stmts(&mut self, scope: ScopeId, depth: u32) -> Step {
        if depth > 64 {
            return Step::Continue;
        }
        let m = self.model();
        let s = &m.scopes[scope];
        for st in &s.stmts {
            match st {
                Stmt::If(id) => {
                    let ScopeKind::If { cond } = &m.scopes[*id].kind else { continue };
                    let span = m.scopes[*id].span;
                    let ok = self.eval_condition(cond);
                    self.step(format!("if ({}) is {}", cond.join(" "), if ok { "true" } else { "false" }), Some(span));
                    if ok {
                        if matches!(m.scopes[scope].kind, ScopeKind::Location(_) | ScopeKind::If { .. }) {
                            self.scope = *id;
                        }
                        if let Step::Stop(f) = self.run_stmts(*id, depth + 1) {
                            return Step::Stop(f);
                        }
                    }
                }
                Stmt::Dir(i) => {
                    let d = &s.dirs[*i];
                    match d.name.as_str() {
                        "set" if d.args.len() >= 2 => {
                            let v = self.eval(&d.args[1]);
                            let name = d.args[0].trim_start_matches('$').to_ascii_lowercase();
                            self.step(format!("set ${name} = \"{v}\""), Some(d.span));
                            if name == "args" || name == "query_string" {
                                self.args = v;
                            } else {
                                self.vars.insert(name, v);
                            }
                        }
                        "break" => {
                            self.step("break: the rewrite phase stops", Some(d.span));
                            self.vars.remove("\u{0}uri_changed");
                            return Step::Stop(Flow::Next);
                        }
                        "return" => return Step::Stop(self.do_return(d)),
                        "rewrite" => {
                            if let Some(st) = self.do_rewrite(d) {
                                return st;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Step::Continue
    }

    fn do_return(&mut self, d: &crate::model::Dir) -> Flow {
        let span = Some(d.span);
        let (code, text) = match d.args.as_slice() {
            [one] => match one.parse::<u16>() {
                Ok(c) => (c, None),
                Err(_) => (302, Some(one.clone())),
            },
            [c, t, ..] => (c.parse::<u16>().unwrap_or(500), Some(t.clone())),
            [] => (500, None),
        };
        self.step(format!("return {code}"), span);
        let saved = self.status;
        if self.status == 0 {
            self.status = code;
        }
        let text = text.map(|t| self.eval(&t));
        self.status = saved;
        if matches!(code, 301 | 302 | 303 | 307 | 308) {
            if let Some(t) = text {
                let loc = self.absolute_location(&t);
                self.res.location = Some(loc);
            }
            return Flow::Done(code);
        }
        match text {
            Some(t) if code != 444 && code != 499 => {
                self.res.status = Some(code);
                self.res.source = if t.is_empty() || code == 204 { super::result::Source::Empty } else { super::result::Source::Body };
                self.res.body = if t.is_empty() || code == 204 { None } else { Some(t) };
                Flow::Done(0)
            }
            _ => {
                if code >= 400 || code == 444 || code == 499 {
                    Flow::Done(code)
                } else {
                    self.res.status = Some(code);
                    self.res.source = super::result::Source::Empty;
                    Flow::Done(0)
                }
            }
        }
    }

    fn do_rewrite(&mut self, d: &crate::model::Dir) -> Option<Step> {
        let pat = d.args.first()?;
        let repl = d.args.get(1)?;
        let flag = d.args.get(2).map(String::as_str).unwrap_or("");
        let re = self.sim.regex(pat, false)?;
        match re.captures(&self.uri) {
            Match::Captures { numbered, named } => {
                self.caps = numbered;
                for (n, v) in named {
                    self.named_caps.retain(|(x, _)| *x != n);
                    self.named_caps.push((n, v));
                }
            }
            _ => {
                self.caps.clear();
                return None;
            }
        }
        let redirect = matches!(flag, "redirect" | "permanent")
            || repl.starts_with("http://")
            || repl.starts_with("https://")
            || repl.starts_with("$scheme");
        let (value, lit_args) = self.eval_replacement(repl, redirect);
        if redirect {
            let code = if flag == "permanent" { 301 } else { 302 };
            let mut target = value;
            let keep_args = !repl.ends_with('?');
            if let Some(a) = &lit_args {
                target.push('?');
                target.push_str(a.strip_suffix('?').filter(|_| !keep_args).unwrap_or(a));
                if !keep_args && target.ends_with('?') {
                    target.pop();
                }
            }
            if keep_args && !self.args.is_empty() {
                target.push(if lit_args.is_some() { '&' } else { '?' });
                target.push_str(&self.args.clone());
            }
            self.step(format!("rewrite {pat} matches: redirect {code} to \"{target}\""), Some(d.span));
            self.res.location = Some(self.absolute_location(&target));
            return Some(Step::Stop(Flow::Done(code)));
        }
        let (new_uri, new_args) = match lit_args.as_deref().map(|a| (value.as_str(), a)) {
            Some((u, a)) => {
                let mut args = a.strip_suffix('?').filter(|_| repl.ends_with('?')).unwrap_or(a).to_string();
                if !repl.ends_with('?') && !self.args.is_empty() {
                    if !args.is_empty() {
                        args.push('&');
                    }
                    args.push_str(&self.args);
                }
                (u.to_string(), args)
            }
            None => (value, self.args.clone()),
        };
        if new_uri.is_empty() {
            self.step("the rewritten URI is empty: 500", Some(d.span));
            return Some(Step::Stop(Flow::Done(500)));
        }
        self.step(format!("rewrite {pat} matches: URI becomes \"{new_uri}\"{}", if flag.is_empty() { String::new() } else { format!(" ({flag})") }), Some(d.span));
        self.uri = new_uri;
        self.args = new_args;
        self.internal = true;
        match flag {
            "last" => Some(Step::Stop(Flow::Redirect)),
            "break" => {
                self.vars.insert("\u{0}invalid_location".into(), String::new());
                Some(Step::Stop(Flow::Next))
            }
            _ => {
                self.vars.insert("\u{0}uri_changed".into(), String::new());
                None
            }
        }
    }

    /// Evaluates a rewrite replacement: captures are `%`-escaped in the query part and in redirects when the request
    /// URI had escapes, as nginx's capture copy does.
    /// Returns the part before the first literal `?` and, when there is one, the part after it.
    fn eval_replacement(&mut self, repl: &str, redirect: bool) -> (String, Option<String>) {
        let mut uri = String::new();
        let mut args: Option<String> = None;
        for p in super::vars::parse_script(repl) {
            let piece = match p {
                super::vars::Part::Text(t) => {
                    if args.is_none() {
                        if let Some((a, b)) = t.split_once('?') {
                            uri.push_str(a);
                            args = Some(b.to_string());
                            continue;
                        }
                    }
                    t.to_string()
                }
                super::vars::Part::Capture(n) => {
                    let c = self.caps.get(n).cloned().unwrap_or_default();
                    if (args.is_some() || redirect) && self.quoted {
                        let e = super::uri::escape(&c, super::uri::Escape::Args);
                        if redirect { e.replace("%3F", "?") } else { e }
                    } else {
                        c
                    }
                }
                super::vars::Part::Var(v) => self.var(v).unwrap_or_default(),
            };
            match args.as_mut() {
                Some(a) => a.push_str(&piece),
                None => uri.push_str(&piece),
            }
        }
        (uri, args)
    }

    /// Evaluates an `if` condition.
    pub fn eval_condition(&mut self, cond: &[String]) -> bool {
        match cond {
            [v] => {
                let x = self.eval(v);
                !(x.is_empty() || x == "0")
            }
            [op, path] if op.len() <= 3 && (op.starts_with('-') || op.starts_with("!-")) => {
                let neg = op.starts_with('!');
                let p = self.eval(path);
                let k = self.sim.fs.kind(&p);
                let r = match op.trim_start_matches('!') {
                    "-f" => k == Kind::File,
                    "-d" => k == Kind::Dir,
                    "-e" => k == Kind::File || k == Kind::Dir,
                    "-x" => false,
                    _ => false,
                };
                r != neg
            }
            [a, op] if op == "=" || op == "!=" => {
                let left = self.eval(a);
                left.is_empty() == (op == "=")
            }
            [a, op, b] => {
                let left = self.eval(a);
                match op.as_str() {
                    "=" => left == self.eval(b),
                    "!=" => left != self.eval(b),
                    "~" | "~*" | "!~" | "!~*" => {
                        let caseless = op.ends_with('*');
                        let neg = op.starts_with('!');
                        let hit = match self.sim.regex(b, caseless) {
                            Some(re) => match re.captures(&left) {
                                Match::Captures { numbered, named } => {
                                    self.caps = numbered;
                                    for (n, v) in named {
                                        self.named_caps.retain(|(x, _)| *x != n);
                                        self.named_caps.push((n, v));
                                    }
                                    true
                                }
                                _ => {
                                    self.caps.clear();
                                    false
                                }
                            },
                            None => false,
                        };
                        hit != neg
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Makes a redirect target absolute the way nginx's header filter does for values starting with `/`.
    pub fn absolute_location(&self, target: &str) -> String {
        if !target.starts_with('/') {
            return target.to_string();
        }
        if self.lookup("absolute_redirect").is_some_and(|d| d.args.first().is_some_and(|a| a == "off")) {
            return target.to_string();
        }
        // server_name_in_redirect wins even over a missing Host; without either, the local address is used.
        let host = if self.flag("server_name_in_redirect", false) {
            self.model().servers[self.server].primary_name().to_string()
        } else if self.req.header("host").is_none() {
            self.server_addr()
        } else if !self.host.is_empty() {
            self.host.clone()
        } else {
            self.server_addr()
        };
        let scheme = if self.listen_ssl { "https" } else { "http" };
        let default_port = if self.listen_ssl { 443 } else { 80 };
        let port = if self.flag("port_in_redirect", true) && self.listen_port != default_port { format!(":{}", self.listen_port) } else { String::new() };
        format!("{scheme}://{host}{port}{target}")
    }
}
