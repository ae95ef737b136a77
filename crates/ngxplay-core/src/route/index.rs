//! Lookup tables the simulator builds once per config: listen sockets with their server names, and maps, geos,
//! split_clients and upstreams by name, so that no request scans every server.

use std::collections::HashSet;

use crate::fxhash::FxHashMap;

use crate::model::regex::Match;
use crate::model::{ListenAddr, Model, ServerId, ServerNameKind};
use crate::span::Span;

/// A `server_name` entry: the server and the position of the name in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameRef {
    server: ServerId,
    name: usize,
}

/// The servers listening on one address and port, with their names indexed by nginx's matching rules.
#[derive(Debug, Default)]
pub struct SocketGroup {
    /// Servers in config order, each once.
    pub servers: Vec<ServerId>,
    /// The `default_server`, else the first server.
    pub default: ServerId,
    /// Whether a listen marked `default_server` was seen.
    pub explicit_default: bool,
    /// Exact names: the first server (in config order) with each name.
    exact: FxHashMap<String, NameRef>,
    /// `*.x` and `.x` names by their dotted suffix `.x`: the first with each suffix.
    leading: FxHashMap<String, NameRef>,
    /// `.x` names by `.x` only, for the host `x` itself, which `*.x` does not match.
    leading_dot: FxHashMap<String, NameRef>,
    /// The distinct lengths of the keys of `leading`, longest first.
    leading_lens: Vec<usize>,
    /// `x*` names by their prefix `x`: the first with each prefix.
    trailing: FxHashMap<String, NameRef>,
    /// The distinct lengths of the keys of `trailing`, longest first.
    trailing_lens: Vec<usize>,
    /// Regex names in config order.
    regex: Vec<NameRef>,
}

/// The outcome of name matching: the server and the regex captures of a regex name.
pub struct NameMatch<'m> {
    pub server: ServerId,
    /// The name as written in the config.
    pub how: &'m str,
    /// Which rule matched: `exact name`, `leading wildcard`, `trailing wildcard` or `regex`.
    pub kind: &'static str,
    pub span: Option<Span>,
    pub caps: Vec<String>,
    pub named: Vec<(String, String)>,
}

impl SocketGroup {
    fn add(&mut self, m: &Model, sid: ServerId, default_server: bool) {
        // Servers arrive in config order, so a server seen before is the last one.
        if self.servers.last() == Some(&sid) {
            return self.note_default(sid, default_server);
        }
        if self.servers.is_empty() {
            self.default = sid;
        }
        self.servers.push(sid);
        self.note_default(sid, default_server);
        for (i, n) in m.servers[sid].names.iter().enumerate() {
            let r = NameRef { server: sid, name: i };
            match n.kind {
                ServerNameKind::Exact => {
                    self.exact.entry(n.name.clone()).or_insert(r);
                }
                ServerNameKind::LeadingWildcard => {
                    if let Some(suffix) = n.name.strip_prefix("*.") {
                        self.leading.entry(format!(".{suffix}")).or_insert(r);
                    } else if n.name.starts_with('.') {
                        self.leading.entry(n.name.clone()).or_insert(r);
                        self.leading_dot.entry(n.name.clone()).or_insert(r);
                    }
                }
                ServerNameKind::TrailingWildcard => {
                    if let Some(prefix) = n.name.strip_suffix('*') {
                        self.trailing.entry(prefix.to_string()).or_insert(r);
                    }
                }
                ServerNameKind::Regex => {
                    if n.regex.is_some() {
                        self.regex.push(r);
                    }
                }
            }
        }
    }

    /// The first listen marked `default_server` makes its server the default.
    fn note_default(&mut self, sid: ServerId, default_server: bool) {
        if default_server && !self.explicit_default {
            self.default = sid;
            self.explicit_default = true;
        }
    }

    fn finish(&mut self) {
        self.leading_lens = distinct_lengths(self.leading.keys());
        self.trailing_lens = distinct_lengths(self.trailing.keys());
    }

    /// Finds the server for `host` by exact name, longest leading wildcard, longest trailing wildcard, then the
    /// first matching regex; among equally good names the first in config order wins.
    pub fn find_by_name<'m>(&self, m: &'m Model, host: &str) -> Option<NameMatch<'m>> {
        let found = |r: &NameRef, kind: &'static str| {
            let n = &m.servers[r.server].names[r.name];
            NameMatch { server: r.server, how: &n.name, kind, span: Some(n.span), caps: Vec::new(), named: Vec::new() }
        };
        if let Some(r) = self.exact.get(host) {
            return Some(found(r, "exact name"));
        }
        if !self.leading_dot.is_empty() {
            if let Some(r) = self.leading_dot.get(&format!(".{host}")) {
                return Some(found(r, "leading wildcard"));
            }
        }
        for &len in &self.leading_lens {
            // `*.x` and `.x` need something before the dot.
            if len >= host.len() || !host.is_char_boundary(host.len() - len) {
                continue;
            }
            if let Some(r) = self.leading.get(&host[host.len() - len..]) {
                return Some(found(r, "longest leading wildcard"));
            }
        }
        for &len in &self.trailing_lens {
            if len >= host.len() || !host.is_char_boundary(len) {
                continue;
            }
            if let Some(r) = self.trailing.get(&host[..len]) {
                return Some(found(r, "longest trailing wildcard"));
            }
        }
        for r in &self.regex {
            let n = &m.servers[r.server].names[r.name];
            if let Some(re) = &n.regex {
                if let Match::Captures { numbered, named } = re.captures(host) {
                    return Some(NameMatch { server: r.server, how: &n.name, kind: "first matching regex", span: Some(n.span), caps: numbered, named });
                }
            }
        }
        None
    }
}

fn distinct_lengths<'k>(keys: impl Iterator<Item = &'k String>) -> Vec<usize> {
    let mut lens: Vec<usize> = keys.map(String::len).collect();
    lens.sort_unstable_by(|a, b| b.cmp(a));
    lens.dedup();
    lens
}

/// Everything the simulator looks up by key, built once from the model.
#[derive(Debug, Default)]
pub struct Index {
    sockets: FxHashMap<(u16, ListenAddr), SocketGroup>,
    ssl_ports: HashSet<u16>,
    maps: FxHashMap<String, usize>,
    geos: FxHashMap<String, usize>,
    split_clients: FxHashMap<String, usize>,
    upstreams: FxHashMap<String, usize>,
}

/// The first position of each lowercased name.
fn by_name<'n>(names: impl Iterator<Item = &'n str>) -> FxHashMap<String, usize> {
    let mut out = FxHashMap::default();
    for (i, n) in names.enumerate() {
        out.entry(n.to_ascii_lowercase()).or_insert(i);
    }
    out
}

impl Index {
    pub fn new(m: &Model) -> Index {
        let mut sockets: FxHashMap<(u16, ListenAddr), SocketGroup> = FxHashMap::default();
        let mut ssl_ports = HashSet::new();
        for (sid, s) in m.servers.iter().enumerate() {
            for l in &s.listens {
                sockets.entry((l.port, l.addr.clone())).or_default().add(m, sid, l.default_server);
                if l.ssl {
                    ssl_ports.insert(l.port);
                }
            }
        }
        for g in sockets.values_mut() {
            g.finish();
        }
        Index {
            sockets,
            ssl_ports,
            maps: by_name(m.maps.iter().map(|x| x.target.as_str())),
            geos: by_name(m.geos.iter().map(|x| x.target.as_str())),
            split_clients: by_name(m.split_clients.iter().map(|x| x.target.as_str())),
            upstreams: by_name(m.upstreams.iter().map(|x| x.name.as_str())),
        }
    }

    /// The servers listening on the socket a request reaches: the listens on exactly the address it arrives on
    /// (`want`), else the wildcard listens of its family.
    pub fn socket_group(&self, port: u16, want: Option<&ListenAddr>) -> Option<&SocketGroup> {
        let exact = match want {
            Some(w) if !matches!(w, ListenAddr::AnyV4 | ListenAddr::AnyV6) => self.sockets.get(&(port, w.clone())),
            _ => None,
        };
        let wild = if matches!(want, Some(ListenAddr::AnyV6 | ListenAddr::V6(_))) { ListenAddr::AnyV6 } else { ListenAddr::AnyV4 };
        exact.or_else(|| self.sockets.get(&(port, wild)))
    }

    /// Whether any server listens with `ssl` on `port`.
    pub fn ssl_port(&self, port: u16) -> bool {
        self.ssl_ports.contains(&port)
    }

    /// The map setting `$name` (lowercase).
    pub fn map(&self, lname: &str) -> Option<usize> {
        self.maps.get(lname).copied()
    }

    pub fn geo(&self, lname: &str) -> Option<usize> {
        self.geos.get(lname).copied()
    }

    pub fn split_clients(&self, lname: &str) -> Option<usize> {
        self.split_clients.get(lname).copied()
    }

    /// The upstream block called `name`, case-insensitively, as `Model::upstream` finds it.
    pub fn upstream<'m>(&self, m: &'m Model, name: &str) -> Option<&'m crate::model::Upstream> {
        let i = match self.upstreams.get(name) {
            Some(i) => *i,
            None => *self.upstreams.get(&name.to_ascii_lowercase())?,
        };
        m.upstreams.get(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_text;
    use crate::model::{build, parse_listen};
    use crate::vfs::FileSet;
    use proptest::prelude::*;

    /// Server selection as a plain scan over every listen and name: the rules the index must reproduce.
    fn scan(m: &Model, port: u16, want: Option<&ListenAddr>, host: &str) -> Option<(ServerId, Option<String>)> {
        let want_v6 = matches!(want, Some(ListenAddr::AnyV6 | ListenAddr::V6(_)));
        let (mut exact, mut wild) = (Vec::new(), Vec::new());
        for (sid, s) in m.servers.iter().enumerate() {
            for l in s.listens.iter().filter(|l| l.port == port) {
                match (want, &l.addr) {
                    (Some(w), a) if a == w && !matches!(a, ListenAddr::AnyV4 | ListenAddr::AnyV6) => exact.push((sid, l.default_server)),
                    (_, ListenAddr::AnyV4) if !want_v6 => wild.push((sid, l.default_server)),
                    (_, ListenAddr::AnyV6) if want_v6 => wild.push((sid, l.default_server)),
                    _ => {}
                }
            }
        }
        let group = if exact.is_empty() { wild } else { exact };
        let mut ids: Vec<ServerId> = Vec::new();
        for (sid, _) in &group {
            if !ids.contains(sid) {
                ids.push(*sid);
            }
        }
        let default = group.iter().find(|(_, d)| *d).map(|(s, _)| *s).or(ids.first().copied())?;
        type Score = fn(&str, &str) -> Option<usize>;
        type Kind = fn(&ServerNameKind) -> bool;
        let kinds: [(Kind, Score); 3] = [
            (|k| matches!(k, ServerNameKind::Exact), |n, h| (n == h).then_some(1)),
            (|k| matches!(k, ServerNameKind::LeadingWildcard), leading_match),
            (|k| matches!(k, ServerNameKind::TrailingWildcard), trailing_match),
        ];
        for (kind, score) in kinds {
            let mut best: Option<(usize, ServerId, String)> = None;
            for &sid in &ids {
                for n in m.servers[sid].names.iter().filter(|n| kind(&n.kind)) {
                    if let Some(sc) = score(&n.name, host) {
                        if best.as_ref().is_none_or(|b| sc > b.0) {
                            best = Some((sc, sid, n.name.clone()));
                        }
                    }
                }
            }
            if let Some((_, sid, name)) = best {
                return Some((sid, Some(name)));
            }
        }
        for &sid in &ids {
            for n in &m.servers[sid].names {
                if n.regex.as_ref().is_some_and(|re| re.is_match(host)) && matches!(n.kind, ServerNameKind::Regex) {
                    return Some((sid, Some(n.name.clone())));
                }
            }
        }
        Some((default, None))
    }

    fn leading_match(name: &str, host: &str) -> Option<usize> {
        if let Some(suffix) = name.strip_prefix("*.") {
            let dotted = format!(".{suffix}");
            return (host.len() > dotted.len() && host.ends_with(&dotted)).then_some(dotted.len());
        }
        let suffix = name.strip_prefix('.')?;
        (host == suffix || (host.ends_with(name) && host.len() > name.len())).then_some(name.len())
    }

    fn trailing_match(name: &str, host: &str) -> Option<usize> {
        let prefix = name.strip_suffix('*')?;
        (host.len() > prefix.len() && host.starts_with(prefix)).then_some(prefix.len())
    }

    fn indexed(m: &Model, ix: &Index, port: u16, want: Option<&ListenAddr>, host: &str) -> Option<(ServerId, Option<String>)> {
        let g = ix.socket_group(port, want)?;
        Some(match g.find_by_name(m, host) {
            Some(found) => (found.server, Some(found.how.to_string())),
            None => (g.default, None),
        })
    }

    const LISTENS: &[&str] = &["80", "80 default_server", "127.0.0.1:80", "127.0.0.1:80 default_server", "[::]:80", "[::1]:80", "8080", "localhost:80"];
    const NAMES: &[&str] =
        &["a.test", "b.a.test", "*.a.test", ".a.test", "*.test", ".test", "www.*", "b.*", "b.a.*", "\"~^(?<x>b)\\.\"", "\"~test$\"", "\"\"", "A.TEST", "é.test"];
    const HOSTS: &[&str] = &["a.test", "b.a.test", "c.b.a.test", "test", "www.a.test", "b.x", "www", "", "x.org", "é.test", ".a.test", "b.a"];
    const ADDRS: &[Option<&str>] = &[None, Some("127.0.0.1"), Some("[::1]"), Some("[::]"), Some("10.0.0.1"), Some("0.0.0.0"), Some("localhost")];

    proptest! {
        #[test]
        fn index_agrees_with_a_scan(servers in prop::collection::vec((prop::collection::vec(0..LISTENS.len(), 1..3), prop::collection::vec(0..NAMES.len(), 0..4)), 1..8)) {
            let mut conf = String::from("http {\n");
            for (listens, names) in &servers {
                conf.push_str("server {\n");
                for l in listens {
                    conf.push_str(&format!("listen {};\n", LISTENS[*l]));
                }
                if !names.is_empty() {
                    let names: Vec<&str> = names.iter().map(|n| NAMES[*n]).collect();
                    conf.push_str(&format!("server_name {};\n", names.join(" ")));
                }
                conf.push_str("}\n");
            }
            conf.push_str("}\n");
            let cfg = load_text(FileSet::default(), "nginx.conf", &conf, None);
            let m = build(&cfg);
            let ix = Index::new(&m);
            for port in [80u16, 8080, 81] {
                for addr in ADDRS {
                    let want = addr.and_then(|a| parse_listen(&[format!("{a}:{port}")], Span::default()).map(|l| l.addr));
                    for host in HOSTS {
                        prop_assert_eq!(indexed(&m, &ix, port, want.as_ref(), host), scan(&m, port, want.as_ref(), host), "{} {:?} {} in\n{}", port, addr, host, conf);
                    }
                }
            }
        }
    }

    #[test]
    fn lookups_by_name_ignore_case_and_take_the_first() {
        let conf = "http { upstream App { server a; } upstream app { server b; } map $x $V { default 1; } map $y $v { default 2; } }";
        let cfg = load_text(FileSet::default(), "nginx.conf", conf, None);
        let m = build(&cfg);
        let ix = Index::new(&m);
        assert_eq!(ix.upstream(&m, "APP").map(|u| u.servers[0].addr.as_str()), Some("a"));
        assert_eq!(ix.map("v"), Some(0));
        assert_eq!(ix.map("w"), None);
    }
}
