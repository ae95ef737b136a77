//! Builds the [`Model`] from a loaded config, flattening includes and never failing.

use std::collections::HashMap;

use super::listen::parse_listen;
use super::regex::Regex;
use super::*;
use crate::ast::{Directive, Include, Node};
use crate::load::{Config, Context};

/// Includes nested deeper than this are ignored (nginx would loop until it runs out of file handles).
const MAX_INCLUDE_DEPTH: usize = 32;

/// Directives the rewrite phase runs in order.
const REWRITE_STMTS: &[&str] = &["rewrite", "return", "set", "break", "rewrite_log", "uninitialized_variable_warn"];

pub fn build(cfg: &Config) -> Model {
    let mut b = Builder { cfg, m: Model::default(), regexes: HashMap::new() };
    let root = cfg.root_items();
    let file_span = Span::new(cfg.root, 0, cfg.files.get(cfg.root).text.len());
    match cfg.context {
        Context::Main => {
            let mut http_blocks = Vec::new();
            b.flatten(root, 0, &mut |d| {
                if d.name() == "http" && d.block.is_some() {
                    http_blocks.push(d);
                }
            });
            if let Some(h) = http_blocks.first() {
                let id = b.scope(ScopeKind::Http, None, h.span());
                b.m.http = Some(id);
                b.fill(id, &h.block.as_ref().expect("checked above").items, None, None);
            }
        }
        Context::Http => {
            let id = b.scope(ScopeKind::Http, None, file_span);
            b.m.http = Some(id);
            b.fill(id, root, None, None);
        }
        Context::Server | Context::Location => {
            let http = b.scope(ScopeKind::Http, None, file_span);
            b.m.http = Some(http);
            let sid = b.m.servers.len();
            let scope = b.scope(ScopeKind::Server(sid), Some(http), file_span);
            b.m.servers.push(Server { scope, listens: Vec::new(), names: Vec::new(), locations: Vec::new(), head: file_span });
            if cfg.context == Context::Server {
                b.fill(scope, root, Some(sid), None);
            } else {
                let lid = b.m.locations.len();
                let ls = b.scope(ScopeKind::Location(lid), Some(scope), file_span);
                b.m.locations.push(Location {
                    modifier: Modifier::Prefix,
                    pattern: "/".into(),
                    scope: ls,
                    server: sid,
                    parent: None,
                    children: Vec::new(),
                    regex: None,
                    head: file_span,
                });
                b.m.servers[sid].locations.push(lid);
                b.fill(ls, root, Some(sid), Some(lid));
            }
            finish_server(&mut b.m, sid);
        }
    }
    b.m
}

struct Builder<'a> {
    cfg: &'a Config,
    m: Model,
    /// Compiled patterns by source and caselessness: large configs repeat the same few patterns.
    regexes: HashMap<(String, bool), Option<Regex>>,
}

fn dir_of(d: &Directive) -> Dir {
    Dir {
        name: d.name.value.to_string(),
        args: d.args.iter().map(|a| a.value.to_string()).collect(),
        span: d.name.span.to(d.term),
        arg_spans: d.args.iter().map(|a| a.span).collect(),
    }
}

fn head_span(d: &Directive) -> Span {
    d.name.span.to(d.term)
}

impl<'a> Builder<'a> {
    /// `Regex::new`, compiled once per distinct pattern.
    fn regex(&mut self, source: &str, caseless: bool) -> Option<Regex> {
        if let Some(r) = self.regexes.get(&(source.to_string(), caseless)) {
            return r.clone();
        }
        let r = Regex::new(source, caseless).ok();
        self.regexes.insert((source.to_string(), caseless), r.clone());
        r
    }

    fn scope(&mut self, kind: ScopeKind, parent: Option<ScopeId>, span: Span) -> ScopeId {
        self.m.scopes.push(Scope { kind, parent, dirs: Vec::new(), stmts: Vec::new(), span, limit_except: None });
        self.m.scopes.len() - 1
    }

    /// Calls `f` on each directive of `items`, descending into included files in place.
    fn flatten(&self, items: &'a [Node], depth: usize, f: &mut dyn FnMut(&'a Directive)) {
        for d in items.iter().filter_map(Node::directive) {
            match d.include.as_deref() {
                Some(Include::Files(ids)) if d.name() == "include" => {
                    if depth < MAX_INCLUDE_DEPTH {
                        for id in ids {
                            self.flatten(self.cfg.items(*id), depth + 1, f);
                        }
                    }
                }
                _ => f(d),
            }
        }
    }

    fn fill(&mut self, scope: ScopeId, items: &'a [Node], server: Option<ServerId>, loc: Option<LocationId>) {
        let mut dirs = Vec::new();
        self.flatten(items, 0, &mut |d| dirs.push(d));
        for d in dirs {
            let Some(block) = d.block.as_ref() else {
                let idx = self.m.scopes[scope].dirs.len();
                self.m.scopes[scope].dirs.push(dir_of(d));
                if REWRITE_STMTS.contains(&d.name()) {
                    self.m.scopes[scope].stmts.push(Stmt::Dir(idx));
                }
                continue;
            };
            match d.name() {
                "server" if server.is_none() => self.server(scope, d, &block.items),
                "location" => {
                    if let Some(sid) = server {
                        self.location(scope, sid, loc, d, &block.items);
                    }
                }
                "if" => {
                    let cond = if_condition(d);
                    let id = self.scope(ScopeKind::If { cond }, Some(scope), head_span(d));
                    self.m.scopes[scope].stmts.push(Stmt::If(id));
                    self.fill(id, &block.items, server, loc);
                }
                "limit_except" => {
                    let methods = d.args.iter().map(|a| a.value.to_string()).collect();
                    let id = self.scope(ScopeKind::LimitExcept { methods }, Some(scope), head_span(d));
                    self.m.scopes[scope].limit_except = Some(id);
                    self.fill(id, &block.items, server, loc);
                }
                "upstream" => self.upstream(d, &block.items),
                "map" => self.map(d, &block.items),
                "geo" => self.geo(d, &block.items),
                "split_clients" => self.split_clients(d, &block.items),
                _ => {}
            }
        }
    }

    fn server(&mut self, http: ScopeId, d: &'a Directive, items: &'a [Node]) {
        let sid = self.m.servers.len();
        let scope = self.scope(ScopeKind::Server(sid), Some(http), d.span());
        self.m.servers.push(Server { scope, listens: Vec::new(), names: Vec::new(), locations: Vec::new(), head: head_span(d) });
        self.fill(scope, items, Some(sid), None);
        finish_server(&mut self.m, sid);
    }

    fn location(&mut self, parent_scope: ScopeId, sid: ServerId, parent: Option<LocationId>, d: &'a Directive, items: &'a [Node]) {
        let Some((modifier, pattern)) = location_pattern(d) else { return };
        let regex = match modifier {
            Modifier::Regex => self.regex(&pattern, false),
            Modifier::RegexCaseless => self.regex(&pattern, true),
            _ => None,
        };
        let lid = self.m.locations.len();
        let scope = self.scope(ScopeKind::Location(lid), Some(parent_scope), d.span());
        self.m.locations.push(Location { modifier, pattern, scope, server: sid, parent, children: Vec::new(), regex, head: head_span(d) });
        match parent {
            Some(p) => self.m.locations[p].children.push(lid),
            None => self.m.servers[sid].locations.push(lid),
        }
        self.fill(scope, items, Some(sid), Some(lid));
    }

    fn upstream(&mut self, d: &'a Directive, items: &'a [Node]) {
        let mut dirs = Vec::new();
        self.flatten(items, 0, &mut |x| dirs.push(dir_of(x)));
        let mut balance = Balance::RoundRobin;
        let mut servers = Vec::new();
        for x in &dirs {
            match x.name.as_str() {
                "server" => servers.push(upstream_server(x)),
                "ip_hash" => balance = Balance::IpHash,
                "least_conn" => balance = Balance::LeastConn,
                "random" => balance = Balance::Random,
                "hash" => {
                    balance = Balance::Hash {
                        key: x.args.first().cloned().unwrap_or_default(),
                        consistent: x.args.get(1).is_some_and(|a| a == "consistent"),
                    }
                }
                _ => {}
            }
        }
        let name = d.arg(0).unwrap_or_default().to_string();
        self.m.upstreams.push(Upstream { name, servers, balance, head: head_span(d), dirs });
    }

    /// The body lines of a map/geo/split_clients block as (words, span), includes flattened.
    fn body_lines(&self, items: &'a [Node]) -> Vec<(Vec<String>, Span)> {
        let mut out = Vec::new();
        self.flatten(items, 0, &mut |x| {
            let mut words = vec![x.name.value.to_string()];
            words.extend(x.args.iter().map(|a| a.value.to_string()));
            out.push((words, x.name.span.to(x.term)));
        });
        out
    }

    fn map(&mut self, d: &'a Directive, items: &'a [Node]) {
        let mut map = Map {
            source: d.arg(0).unwrap_or_default().to_string(),
            target: d.arg(1).unwrap_or_default().trim_start_matches('$').to_string(),
            hostnames: false,
            volatile: false,
            default: None,
            entries: Vec::new(),
            head: head_span(d),
        };
        for (w, span) in self.body_lines(items) {
            match (w[0].as_str(), w.len()) {
                ("hostnames", 1) => map.hostnames = true,
                ("volatile", 1) => map.volatile = true,
                ("default", 2) => map.default = Some(w[1].clone()),
                (key, 2) => {
                    let regex = if let Some(re) = key.strip_prefix("~*") {
                        self.regex(re, true)
                    } else if let Some(re) = key.strip_prefix('~') {
                        self.regex(re, false)
                    } else {
                        None
                    };
                    let key = key.strip_prefix('\\').unwrap_or(key).to_string();
                    map.entries.push(MapEntry { key, value: w[1].clone(), regex, span });
                }
                _ => {}
            }
        }
        self.m.maps.push(map);
    }

    fn geo(&mut self, d: &'a Directive, items: &'a [Node]) {
        let (source, target) = match d.args.len() {
            1 => ("$remote_addr".to_string(), d.args[0].value.to_string()),
            _ => (d.arg(0).unwrap_or_default().to_string(), d.arg(1).unwrap_or_default().to_string()),
        };
        let mut geo = Geo {
            source,
            target: target.trim_start_matches('$').to_string(),
            ranges: false,
            default: None,
            proxies: Vec::new(),
            proxy_recursive: false,
            entries: Vec::new(),
            head: head_span(d),
        };
        for (w, span) in self.body_lines(items) {
            match (w[0].as_str(), w.len()) {
                ("ranges", 1) => geo.ranges = true,
                ("proxy_recursive", 1) => geo.proxy_recursive = true,
                ("proxy", 2) => geo.proxies.push(w[1].clone()),
                ("default", 2) => geo.default = Some(w[1].clone()),
                (key, 2) => geo.entries.push(GeoEntry { key: key.to_string(), value: w[1].clone(), span }),
                _ => {}
            }
        }
        self.m.geos.push(geo);
    }

    fn split_clients(&mut self, d: &'a Directive, items: &'a [Node]) {
        let mut parts = Vec::new();
        for (w, _) in self.body_lines(items) {
            if w.len() != 2 {
                continue;
            }
            let pct = if w[0] == "*" { None } else { parse_percent(&w[0]) };
            if w[0] == "*" || pct.is_some() {
                parts.push((pct, w[1].clone()));
            }
        }
        self.m.split_clients.push(SplitClients {
            source: d.arg(0).unwrap_or_default().to_string(),
            target: d.arg(1).unwrap_or_default().trim_start_matches('$').to_string(),
            parts,
            head: head_span(d),
        });
    }
}

/// Listens and names, with nginx's defaults (`*:80`, the name `""`) filled in.
fn finish_server(m: &mut Model, sid: ServerId) {
    let scope = m.servers[sid].scope;
    let dirs = m.scopes[scope].dirs.clone();
    for d in &dirs {
        match d.name.as_str() {
            "listen" => {
                if let Some(l) = parse_listen(&d.args, d.span) {
                    m.servers[sid].listens.push(l);
                }
            }
            "server_name" => {
                for (i, a) in d.args.iter().enumerate() {
                    let span = d.arg_spans.get(i).copied().unwrap_or(d.span);
                    m.servers[sid].names.push(server_name(a, span));
                }
            }
            _ => {}
        }
    }
    if m.servers[sid].listens.is_empty() {
        let head = m.servers[sid].head;
        m.servers[sid].listens.push(Listen {
            addr: ListenAddr::AnyV4,
            port: 80,
            default_server: false,
            ssl: false,
            http2: false,
            proxy_protocol: false,
            span: head,
        });
    }
}

fn server_name(a: &str, span: Span) -> ServerName {
    if let Some(re) = a.strip_prefix('~') {
        return ServerName { name: a.to_string(), kind: ServerNameKind::Regex, regex: Regex::new(re, true).ok(), span };
    }
    let name = a.to_ascii_lowercase();
    let kind = if name.starts_with("*.") || (name.starts_with('.') && name.len() > 1) {
        ServerNameKind::LeadingWildcard
    } else if name.ends_with(".*") {
        ServerNameKind::TrailingWildcard
    } else {
        ServerNameKind::Exact
    };
    ServerName { name, kind, regex: None, span }
}

/// The modifier and pattern of a `location`, with nginx's one-word forms (`=/x`, `~*\.php$`, `@name`).
pub fn location_pattern(d: &Directive) -> Option<(Modifier, String)> {
    match d.args.len() {
        2 => {
            let m = match d.args[0].value.as_str() {
                "=" => Modifier::Exact,
                "^~" => Modifier::PrefixNoRegex,
                "~" => Modifier::Regex,
                "~*" => Modifier::RegexCaseless,
                _ => return None,
            };
            Some((m, d.args[1].value.to_string()))
        }
        1 => {
            let v = &d.args[0].value;
            Some(if let Some(r) = v.strip_prefix('=') {
                (Modifier::Exact, r.to_string())
            } else if let Some(r) = v.strip_prefix("^~") {
                (Modifier::PrefixNoRegex, r.to_string())
            } else if let Some(r) = v.strip_prefix("~*") {
                (Modifier::RegexCaseless, r.to_string())
            } else if let Some(r) = v.strip_prefix('~') {
                (Modifier::Regex, r.to_string())
            } else if v.starts_with('@') {
                (Modifier::Named, v.to_string())
            } else {
                (Modifier::Prefix, v.to_string())
            })
        }
        _ => None,
    }
}

/// The words of an `if` condition with the outer parentheses removed.
fn if_condition(d: &Directive) -> Vec<String> {
    let mut words: Vec<String> = d.args.iter().map(|a| a.value.to_string()).collect();
    if let Some(first) = words.first_mut() {
        if let Some(r) = first.strip_prefix('(') {
            *first = r.to_string();
        }
    }
    if let Some(last) = words.last_mut() {
        if let Some(r) = last.strip_suffix(')') {
            *last = r.to_string();
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

fn upstream_server(x: &Dir) -> UpstreamServer {
    let mut s = UpstreamServer {
        addr: x.args.first().cloned().unwrap_or_default(),
        weight: 1,
        max_fails: 1,
        fail_timeout: 10,
        backup: false,
        down: false,
        span: x.span,
    };
    for a in x.args.iter().skip(1) {
        if let Some(v) = a.strip_prefix("weight=") {
            s.weight = v.parse().unwrap_or(1);
        } else if let Some(v) = a.strip_prefix("max_fails=") {
            s.max_fails = v.parse().unwrap_or(1);
        } else if let Some(v) = a.strip_prefix("fail_timeout=") {
            s.fail_timeout = v.trim_end_matches('s').parse().unwrap_or(10);
        } else if a == "backup" {
            s.backup = true;
        } else if a == "down" {
            s.down = true;
        }
    }
    s
}

/// `12.5%` as 1250 hundredths.
fn parse_percent(s: &str) -> Option<u32> {
    let n = s.strip_suffix('%')?;
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_val: u32 = format!("{frac:0<2}").parse().ok()?;
    Some(int.parse::<u32>().ok()? * 100 + frac_val)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_text;
    use crate::vfs::FileSet;

    #[test]
    fn builds_servers_locations_upstreams() {
        let text = "upstream api { server 10.0.0.1:8080 weight=3; server 10.0.0.2 backup; }\n\
                    map $http_host $site { default a; ~^www b; }\n\
                    server { listen 80 default_server; server_name example.com *.example.org;\n\
                      location / { root /var/www; location ~ \\.php$ { } }\n\
                      location = /x { return 200; }\n\
                      if ($x) { return 404; }\n\
                    }\n";
        let cfg = load_text(FileSet::default(), "nginx.conf", text, None);
        let m = build(&cfg);
        assert_eq!(m.servers.len(), 1);
        let s = &m.servers[0];
        assert!(s.listens[0].default_server);
        assert_eq!(s.names.len(), 2);
        assert!(matches!(s.names[1].kind, ServerNameKind::LeadingWildcard));
        assert_eq!(s.locations.len(), 2);
        let root = &m.locations[s.locations[0]];
        assert_eq!(root.children.len(), 1);
        assert!(m.locations[root.children[0]].regex.is_some());
        assert_eq!(m.upstreams[0].servers[0].weight, 3);
        assert!(m.upstreams[0].servers[1].backup);
        assert_eq!(m.maps[0].entries.len(), 1);
        assert_eq!(m.lookup(root.scope, "root").unwrap().args[0], "/var/www");
        assert_eq!(m.scopes[s.scope].stmts.len(), 1);
    }

    #[test]
    fn percent() {
        assert_eq!(parse_percent("12.5%"), Some(1250));
        assert_eq!(parse_percent("50%"), Some(5000));
        assert_eq!(parse_percent("x%"), None);
    }
}
