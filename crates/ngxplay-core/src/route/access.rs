//! The access phase: `limit_except`, `allow`/`deny`, `auth_basic` and `satisfy`.

use super::sim::{Flow, Run};
use super::vars::cidr_contains;
use crate::model::{ScopeId, ScopeKind};

/// Decodes standard base64; `None` on bad input.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32;
        buf = buf << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The outcome of the allow/deny rules.
#[derive(PartialEq, Eq)]
enum Rule {
    None,
    Allow,
    Deny,
}

impl Run<'_, '_> {
    /// The scope whose access rules apply: a `limit_except` block when the method is not excepted.
    fn access_scope(&self) -> ScopeId {
        let m = self.model();
        if matches!(m.scopes[self.scope].kind, ScopeKind::LimitExcept { .. }) {
            return self.scope;
        }
        let Some(l) = self.loc else { return self.scope };
        let Some(le) = m.scopes[m.locations[l].scope].limit_except else { return self.scope };
        let ScopeKind::LimitExcept { methods } = &m.scopes[le].kind else { return self.scope };
        let allowed = methods.iter().any(|x| x.eq_ignore_ascii_case(&self.method) || (x.eq_ignore_ascii_case("GET") && self.method == "HEAD"));
        if allowed {
            self.scope
        } else {
            le
        }
    }

    fn rules(&self, scope: ScopeId) -> Rule {
        let m = self.model();
        for s in m.chain(scope) {
            let mut here = s.dirs.iter().filter(|d| d.name == "allow" || d.name == "deny").peekable();
            if here.peek().is_none() {
                continue;
            }
            for d in here {
                let Some(c) = d.args.first() else { continue };
                if cidr_contains(c, &self.req.client).is_some() {
                    return if d.name == "allow" { Rule::Allow } else { Rule::Deny };
                }
            }
            return Rule::None;
        }
        Rule::None
    }

    /// Runs the access checks.
    pub fn access_phase(&mut self) -> Flow {
        let scope = self.access_scope();
        let m = self.model();
        let rule = self.rules(scope);
        let satisfy_any = m.lookup(scope, "satisfy").and_then(|d| d.args.first()).is_some_and(|a| a == "any");
        let realm = m.lookup(scope, "auth_basic").and_then(|d| d.args.first()).filter(|r| *r != "off").cloned();
        let auth = realm.as_ref().map(|_| self.check_basic(scope));
        let scope_span = Some(m.scopes[scope].span);
        if satisfy_any {
            if rule == Rule::Allow || auth == Some(true) || (rule == Rule::None && auth.is_none()) {
                return Flow::Next;
            }
            if auth == Some(false) {
                self.step("satisfy any: neither an allow rule nor credentials pass: 401", scope_span);
                return Flow::Done(401);
            }
            self.step("satisfy any: access forbidden by rule: 403", scope_span);
            return Flow::Done(403);
        }
        if rule == Rule::Deny {
            self.step(format!("access forbidden by rule for {}: 403", self.req.client), scope_span);
            return Flow::Done(403);
        }
        if auth == Some(false) {
            self.step("auth_basic: no valid credentials: 401", scope_span);
            return Flow::Done(401);
        }
        Flow::Next
    }

    fn check_basic(&mut self, scope: ScopeId) -> bool {
        let Some(h) = self.req.header("authorization") else { return false };
        let Some((kind, cred)) = h.split_once(' ') else { return false };
        if !kind.eq_ignore_ascii_case("basic") {
            return false;
        }
        let Some(dec) = base64_decode(cred.trim()) else { return false };
        let dec = String::from_utf8_lossy(&dec).into_owned();
        let Some((user, pass)) = dec.split_once(':') else { return false };
        let m = self.model();
        let Some(file) = m.lookup(scope, "auth_basic_user_file").and_then(|d| d.args.first()) else { return false };
        let file = self.eval(file);
        let path = crate::vfs::absolute(&file);
        let Some(id) = self.sim.cfg.files.find(&path) else { return false };
        let text = self.sim.cfg.files.get(id).text.clone();
        for line in text.lines() {
            let Some((u, hash)) = line.split_once(':') else { continue };
            if u != user {
                continue;
            }
            let hash = hash.split(':').next().unwrap_or("");
            let ok = if let Some(p) = hash.strip_prefix("{PLAIN}") {
                p == pass
            } else if hash.starts_with("$apr1$") {
                super::md5crypt::apr1(pass, hash).as_deref() == Some(hash)
            } else {
                false
            };
            if ok {
                self.remote_user = Some(user.to_string());
            }
            return ok;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64() {
        assert_eq!(base64_decode("YWxpY2U6c2VjcmV0").unwrap(), b"alice:secret");
    }
}
