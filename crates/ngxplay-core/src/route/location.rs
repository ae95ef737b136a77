//! Location lookup as `ngx_http_core_find_location` does it: exact, longest prefix, `^~`, regexes, nesting.

use super::sim::{Flow, Run};
use crate::model::regex::Match;
use crate::model::{LocationId, Model, Modifier};

/// Directives that make a prefix location ending in `/` redirect the same URI without the slash.
const AUTO_REDIRECT: &[&str] = &["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"];

/// A regex location's numbered and named captures.
pub type Captured = (Vec<String>, Vec<(String, String)>);

/// One reason the search gave, kept small so the hot path only pushes ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// An `=` location equal to the URI: the search stops.
    Exact(LocationId),
    /// The longest matching prefix at one level.
    Prefix(LocationId),
    /// The longest prefix is `^~`, so that level's regexes are skipped.
    NoRegex(LocationId),
    RegexMiss(LocationId),
    RegexHit(LocationId),
    /// The regex ran out of its backtracking budget; it counts as not matching.
    RegexTooComplex(LocationId),
}

/// What location lookup found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    None,
    /// The location, and regex captures if a regex matched last.
    Loc(LocationId, Option<Captured>),
    /// The URI lacks the trailing slash of a proxied location: nginx answers 301.
    AutoRedirect(LocationId),
}

fn static_match(m: &Model, level: &[LocationId], uri: &str) -> (Option<LocationId>, bool, Option<LocationId>) {
    // Returns (longest prefix or exact, is_exact, auto-redirect candidate).
    let mut best: Option<LocationId> = None;
    let mut auto = None;
    let mut same_len = false;
    for &l in level {
        let loc = &m.locations[l];
        match loc.modifier {
            Modifier::Exact if loc.pattern == uri => return (Some(l), true, None),
            Modifier::Prefix | Modifier::PrefixNoRegex if uri.starts_with(&loc.pattern) && best.is_none_or(|b| m.locations[b].pattern.len() < loc.pattern.len()) => {
                best = Some(l);
            }
            _ => {}
        }
        if matches!(loc.modifier, Modifier::Prefix | Modifier::PrefixNoRegex | Modifier::Exact) {
            if loc.pattern == uri {
                same_len = true;
            }
            if loc.pattern.len() == uri.len() + 1 && loc.pattern.ends_with('/') && loc.pattern.starts_with(uri) && auto.is_none() {
                let scope = &m.scopes[loc.scope];
                if AUTO_REDIRECT.iter().any(|d| scope.get(d).is_some()) {
                    auto = Some(l);
                }
            }
        }
    }
    (best, false, if same_len { None } else { auto })
}

/// Finds the location for `uri` among a server's top-level locations, noting in `why` how it got there.
pub fn find(m: &Model, top: &[LocationId], uri: &str, why: &mut Vec<Why>) -> Found {
    let mut found: Option<LocationId> = None;
    let mut caps = None;
    let mut start: &[LocationId] = top;
    // Each pass searches one level group: the server's, then a matched regex location's children.
    for _ in 0..10_000 {
        let mut levels: Vec<(&[LocationId], bool)> = Vec::new();
        let mut level = start;
        loop {
            let (s, exact, auto) = static_match(m, level, uri);
            if exact {
                let l = s.unwrap_or_default();
                why.push(Why::Exact(l));
                return Found::Loc(l, caps);
            }
            if let Some(a) = auto {
                if s.is_none_or(|b| m.locations[b].pattern.len() < m.locations[a].pattern.len()) {
                    return Found::AutoRedirect(a);
                }
            }
            match s {
                Some(p) => {
                    found = Some(p);
                    let noregex = m.locations[p].modifier == Modifier::PrefixNoRegex;
                    why.push(if noregex { Why::NoRegex(p) } else { Why::Prefix(p) });
                    levels.push((level, noregex));
                    level = &m.locations[p].children;
                }
                None => {
                    levels.push((level, false));
                    break;
                }
            }
        }
        let mut regex_hit = None;
        'outer: for (lv, noregex) in levels.iter().rev() {
            if *noregex {
                continue;
            }
            for &l in *lv {
                let loc = &m.locations[l];
                if !matches!(loc.modifier, Modifier::Regex | Modifier::RegexCaseless) {
                    continue;
                }
                if let Some(re) = &loc.regex {
                    match re.captures(uri) {
                        Match::Captures { numbered, named } => {
                            why.push(Why::RegexHit(l));
                            regex_hit = Some(l);
                            caps = Some((numbered, named));
                            break 'outer;
                        }
                        Match::NoMatch => why.push(Why::RegexMiss(l)),
                        Match::TooComplex => why.push(Why::RegexTooComplex(l)),
                    }
                }
            }
        }
        // A `^~` match one level down stops only that level's regexes: the walk above skips levels whose
        // static match was `^~`, and the innermost level's regexes come first.
        match regex_hit {
            Some(r) => {
                found = Some(r);
                start = &m.locations[r].children;
                if start.is_empty() {
                    break;
                }
            }
            None => break,
        }
    }
    match found {
        Some(l) => Found::Loc(l, caps),
        None => Found::None,
    }
}

/// The named location `@name` of a server.
pub fn named(m: &Model, server: usize, name: &str) -> Option<LocationId> {
    m.servers.get(server)?.locations.iter().copied().find(|l| m.locations[*l].modifier == Modifier::Named && m.locations[*l].pattern == name)
}

impl Run<'_, '_> {
    /// Turns one reason of the location search into a trace step at that location.
    fn explain(&mut self, m: &Model, w: Why) {
        let (l, text) = match w {
            Why::Exact(l) => (l, "exact match, the search stops"),
            Why::Prefix(l) => (l, "longest prefix match"),
            Why::NoRegex(l) => (l, "longest prefix match; ^~ stops the regex search"),
            Why::RegexMiss(l) => (l, "regex tested: no match"),
            Why::RegexHit(l) => (l, "regex tested: match, it wins over any prefix"),
            Why::RegexTooComplex(l) => (l, "regex tested: gave up after too many backtracking steps, counted as no match"),
        };
        let loc = &m.locations[l];
        let mut message = String::with_capacity(16 + loc.pattern.len() + text.len());
        message.push_str("location ");
        loc.write_label(&mut message);
        message.push_str(": ");
        message.push_str(text);
        self.step(message, Some(loc.head));
    }

    /// Finds the location for the current URI and switches the configuration to it.
    pub fn find_location_phase(&mut self) -> Flow {
        let m = self.model();
        let mut why = Vec::new();
        let found = find(m, &m.servers[self.server].locations, &self.uri, &mut why);
        for w in why {
            self.explain(m, w);
        }
        match found {
            Found::None => {
                self.loc = None;
                self.scope = m.servers[self.server].scope;
                self.res.location_block = None;
                self.step(format!("no location matches \"{}\": the server's own configuration applies", self.uri), None);
                Flow::Next
            }
            Found::AutoRedirect(l) => {
                self.loc = Some(l);
                self.scope = m.locations[l].scope;
                self.set_location_block();
                let loc = &m.locations[l];
                self.step(format!("\"{}\" plus a slash is proxied location {}: nginx redirects", self.uri, loc.label()), Some(loc.head));
                let mut target = format!("{}/", self.uri);
                if !self.args.is_empty() {
                    target.push('?');
                    target.push_str(&self.args);
                }
                let abs = self.absolute_location(&target);
                self.res.location = Some(abs);
                Flow::Done(301)
            }
            Found::Loc(l, caps) => {
                self.loc = Some(l);
                let loc = &m.locations[l];
                self.scope = loc.scope;
                let label = loc.label();
                let message = ["location ", &label, " handles \"", &self.uri, "\""].concat();
                self.res.location_block = Some(self.sim.block_ref(label, loc.head));
                if let Some((numbered, named)) = caps {
                    self.caps = numbered;
                    self.named_caps = named;
                }
                self.step(message, Some(loc.head));
                if let Some(le) = m.scopes[loc.scope].limit_except {
                    if let crate::model::ScopeKind::LimitExcept { methods } = &m.scopes[le].kind {
                        let allowed = methods.iter().any(|x| x.eq_ignore_ascii_case(&self.method) || (x.eq_ignore_ascii_case("GET") && self.method == "HEAD"));
                        if !allowed {
                            self.scope = le;
                            self.step(format!("{} is not excepted by limit_except: its block's configuration applies", self.method), Some(m.scopes[le].span));
                        }
                    }
                }
                if !self.internal && m.scopes[loc.scope].get("internal").is_some() {
                    self.step("the location is internal: 404 for a client request", m.scopes[loc.scope].get("internal").map(|d| d.span));
                    return Flow::Done(404);
                }
                Flow::Next
            }
        }
    }

    /// Switches to named location `@name`; `false` when the server has none.
    pub fn enter_named(&mut self, name: &str) -> bool {
        let m = self.model();
        match named(m, self.server, name) {
            Some(l) => {
                self.loc = Some(l);
                self.scope = m.locations[l].scope;
                self.set_location_block();
                self.step(format!("internal redirect to named location {name}"), Some(m.locations[l].head));
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_text;
    use crate::model::build;
    use crate::vfs::FileSet;

    fn pick(conf: &str, uri: &str) -> String {
        let cfg = load_text(FileSet::default(), "nginx.conf", conf, None);
        let m = build(&cfg);
        match find(&m, &m.servers[0].locations, uri, &mut Vec::new()) {
            Found::Loc(l, _) => m.locations[l].label(),
            Found::AutoRedirect(l) => format!("301 {}", m.locations[l].label()),
            Found::None => "none".into(),
        }
    }

    #[test]
    fn order() {
        let c = "server { location / {} location = /x {} location ^~ /s/ {} location ~ \\.php$ {} location /a/ { location ~ b {} } location /p/ { proxy_pass http://u; } }";
        assert_eq!(pick(c, "/x"), "= /x");
        assert_eq!(pick(c, "/s/a.php"), "^~ /s/");
        assert_eq!(pick(c, "/y.php"), "~ \\.php$");
        assert_eq!(pick(c, "/a/b.php"), "~ b");
        assert_eq!(pick(c, "/p"), "301 /p/");
        assert_eq!(pick(c, "/q"), "/");
    }
}
