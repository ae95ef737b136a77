//! `listen` and `server_name`: parameters, the per-port address lists with their duplicate rules, and
//! the server-name hashes nginx builds per address after `http {}`.


use compact_str::CompactString;

use super::state::{lowercase, Addr, Port};
use super::url::{atoi, parse_url, UrlMode};
use super::values::parse_size;
use super::{Checker, Frame};
use crate::ast::Directive;
use crate::diag::Level;
use crate::fxhash::FxHashSet;
use crate::span::Span;

/// One socket address a `listen` adds.
struct ListenAddr {
    port: u32,
    family: u8,
    text: String,
    wildcard: bool,
}

struct ListenOpts {
    set: bool,
    default_server: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn listen(&mut self, d: &'a Directive, f: &mut Frame<'a>) -> bool {
        let Some(sid) = f.server else { return true };
        self.http.servers[sid].listen = true;
        let text = d.arg(0).unwrap_or("");
        let url = match parse_url(text, UrlMode { listen: true, uri_part: false, default_port: 80 }) {
            Ok(u) => u,
            Err(e) => {
                self.emerg(d.term, "invalid-listen", format!("{e} in \"{text}\" of the \"listen\" directive"));
                return false;
            }
        };
        let mut o = ListenOpts { set: false, default_server: false };
        for w in d.args.iter().skip(1) {
            let v = w.value.as_str();
            let bad = |c: &mut Checker<'a>, what: &str| {
                c.emerg(d.term, "invalid-listen", format!("invalid {what} \"{v}\""));
                false
            };
            if v == "default_server" || v == "default" {
                o.default_server = true;
            } else if v == "bind" || v == "deferred" || v == "reuseport" {
                o.set = true;
            } else if let Some(n) = v.strip_prefix("setfib=") {
                let _ = n;
                // Linux has no setfib: the parameter is unknown there.
                self.emerg(d.term, "invalid-listen", format!("invalid parameter \"{v}\""));
                return false;
            } else if let Some(n) = v.strip_prefix("fastopen=") {
                o.set = true;
                if atoi(n).is_none() {
                    return bad(self, "fastopen");
                }
            } else if let Some(n) = v.strip_prefix("backlog=") {
                o.set = true;
                if atoi(n).unwrap_or(0) == 0 {
                    return bad(self, "backlog");
                }
            } else if let Some(n) = v.strip_prefix("rcvbuf=") {
                o.set = true;
                if parse_size(n).is_none() {
                    return bad(self, "rcvbuf");
                }
            } else if let Some(n) = v.strip_prefix("sndbuf=") {
                o.set = true;
                if parse_size(n).is_none() {
                    return bad(self, "sndbuf");
                }
            } else if v.starts_with("accept_filter=") {
                self.emerg(d.term, "invalid-listen", format!("accept filters \"{v}\" are not supported on this platform, ignored"));
                return false;
            } else if let Some(n) = v.strip_prefix("ipv6only=o") {
                if n != "n" && n != "ff" {
                    self.emerg(d.term, "invalid-listen", format!("invalid ipv6only flags \"{}\"", &v[9..]));
                    return false;
                }
                o.set = true;
            } else if v == "ssl" || v == "http2" || v == "proxy_protocol" {
            } else if let Some(k) = v.strip_prefix("so_keepalive=") {
                if !keepalive_ok(k) {
                    self.emerg(d.term, "invalid-listen", format!("invalid so_keepalive value: \"{k}\""));
                    return false;
                }
                o.set = true;
            } else {
                self.emerg(d.term, "invalid-listen", format!("invalid parameter \"{v}\""));
                return false;
            }
        }
        let (family, addr) = match (&url.addr, url.unix) {
            (Some(a), true) => (0u8, a.clone()),
            (Some(a), false) if a.starts_with('[') => (6, a.clone()),
            (Some(a), false) => (4, a.clone()),
            (None, _) => (4, url.host.to_ascii_lowercase()),
        };
        let text = if url.unix { addr.to_string() } else { format!("{addr}:{}", url.port) };
        self.add_listen(sid, ListenAddr { port: url.port, family, text, wildcard: url.wildcard }, &o, Some(d.term))
    }

    /// The implicit `listen *:80` of a server without `listen`.
    pub(crate) fn server_end(&mut self, f: &Frame, _close: Option<Span>) {
        let Some(sid) = f.server else { return };
        if !self.http.servers[sid].listen {
            let o = ListenOpts { set: false, default_server: false };
            self.add_listen(sid, ListenAddr { port: 80, family: 4, text: "0.0.0.0:80".into(), wildcard: true }, &o, None);
        }
    }

    fn add_listen(&mut self, sid: usize, a: ListenAddr, o: &ListenOpts, at: Option<Span>) -> bool {
        let ListenAddr { port, family, text, wildcard } = a;
        let pi = match self.http.ports.iter().position(|p| p.port == port && p.family == family) {
            Some(i) => i,
            None => {
                self.http.ports.push(Port { port, family, addrs: Vec::new() });
                self.http.ports.len() - 1
            }
        };
        let err = |c: &mut Checker<'a>, msg: String| {
            if let Some(s) = at {
                c.emerg(s, "listen-conflict", msg);
            } else {
                c.bare(Level::Emerg, "listen-conflict", msg, None);
            }
            false
        };
        let port = &mut self.http.ports[pi];
        if let Some(a) = port.addrs.iter_mut().find(|a| a.text == text) {
            // A server's listens are all added while it is walked, so `servers` is in ascending order.
            if a.servers.binary_search(&sid).is_ok() {
                let t = a.text.clone();
                return err(self, format!("a duplicate listen {t}"));
            }
            a.servers.push(sid);
            if o.set {
                if a.set {
                    let t = a.text.clone();
                    return err(self, format!("duplicate listen options for {t}"));
                }
                a.set = true;
            }
            if o.default_server {
                if a.default_server {
                    let t = a.text.clone();
                    return err(self, format!("a duplicate default server for {t}"));
                }
                a.default_server = true;
            }
            return true;
        }
        port.addrs.push(Addr { text, set: o.set, default_server: o.default_server, wildcard, servers: vec![sid] });
        true
    }

    pub(crate) fn server_name(&mut self, d: &'a Directive, f: &mut Frame<'a>) -> bool {
        let Some(sid) = f.server else { return true };
        for w in &d.args {
            let v = w.value.as_str();
            let b = v.as_bytes();
            let c = b.first().copied().unwrap_or(0);
            if (c == b'*' && (b.len() < 3 || b[1] != b'.')) || (c == b'.' && b.len() < 2) {
                self.emerg(d.term, "invalid-server-name", format!("server name \"{v}\" is invalid"));
                return false;
            }
            if v.contains('/') {
                self.warn(d.term, "suspicious-server-name", format!("server name \"{v}\" has suspicious symbols"));
            }
            self.http.servers[sid].has_name = true;
            if let Some(re) = v.strip_prefix('~') {
                if re.is_empty() {
                    self.emerg(d.term, "invalid-server-name", format!("empty regex in server name \"{v}\""));
                    return false;
                }
                if !self.compile_regex(d, re, false) {
                    return false;
                }
                if super::regex::analyze(re).is_ok_and(|n| !n.is_empty()) {
                    self.http.servers[sid].captures = true;
                }
                continue;
            }
            let name = if v.eq_ignore_ascii_case("$hostname") { CompactString::const_new("localhost") } else { lowercase(v) };
            self.http.servers[sid].names.push(name);
        }
        true
    }

    /// `ngx_http_optimize_servers`: the server-name hash of every address shared by several servers.
    pub(crate) fn server_names_end(&mut self) -> bool {
        let ports = std::mem::take(&mut self.http.ports);
        for p in &ports {
            let mut addrs: Vec<&Addr> = p.addrs.iter().collect();
            // Explicit addresses come before the wildcard, as ngx_http_cmp_conf_addrs sorts them.
            addrs.sort_by_key(|a| a.wildcard);
            for a in addrs {
                let captures = a.servers.first().is_some_and(|s| self.http.servers[*s].captures);
                if a.servers.len() < 2 && !captures {
                    continue;
                }
                let mut exact: FxHashSet<&str> = FxHashSet::default();
                let mut head: FxHashSet<&str> = FxHashSet::default();
                let mut tail: FxHashSet<&str> = FxHashSet::default();
                let servers = std::mem::take(&mut self.http.servers);
                let mut failed = false;
                for s in &a.servers {
                    let server = &servers[*s];
                    let none = server.names.is_empty() && !server.has_name;
                    let names = if none { &[""][..] } else { &[][..] };
                    for n in names.iter().copied().chain(server.names.iter().map(CompactString::as_str)) {
                        match add_key(n, &mut exact, &mut head, &mut tail) {
                            KeyResult::Ok => {}
                            KeyResult::Busy => self.bare(Level::Warn, "conflicting-server-name", format!("conflicting server name \"{n}\" on {}, ignored", a.text), None),
                            KeyResult::Declined => {
                                self.bare(Level::Emerg, "invalid-server-name", format!("invalid server name or wildcard \"{n}\" on {}", a.text), None);
                                failed = true;
                                break;
                            }
                        }
                    }
                    if failed {
                        break;
                    }
                }
                let long = exact.iter().map(|n| n.len()).max();
                drop((exact, head, tail));
                self.http.servers = servers;
                if failed {
                    self.http.ports = ports;
                    return false;
                }
                let bucket = self.names_bucket_size();
                if long.is_some_and(|n| 8 + align8(n as u64 + 2) + 8 > bucket) {
                    self.bare(Level::Emerg, "server-names-hash", format!("could not build server_names_hash, you should increase server_names_hash_bucket_size: {bucket}"), None);
                    self.http.ports = ports;
                    return false;
                }
            }
        }
        self.http.ports = ports;
        true
    }
}

fn align8(n: u64) -> u64 {
    (n + 7) & !7
}

impl<'a> Checker<'a> {
    /// `server_names_hash_bucket_size`, aligned to the 64-byte cache line as nginx does.
    fn names_bucket_size(&self) -> u64 {
        let v = self.http.confs.first().and_then(|c| c.get("server_names_hash_bucket_size")).and_then(|a| a.first()).and_then(|w| super::values::parse_size(&w.value)).unwrap_or(64);
        v.div_ceil(64) * 64
    }
}

enum KeyResult {
    Ok,
    Busy,
    Declined,
}

/// `ngx_hash_add_key` with `NGX_HASH_WILDCARD_KEY` over exact, head-wildcard and tail-wildcard sets.
fn add_key<'s>(n: &'s str, exact: &mut FxHashSet<&'s str>, head: &mut FxHashSet<&'s str>, tail: &mut FxHashSet<&'s str>) -> KeyResult {
    let stars = n.matches('*').count();
    let push = |set: &mut FxHashSet<&'s str>, k: &'s str| if set.insert(k) { KeyResult::Ok } else { KeyResult::Busy };
    if stars == 0 && !n.starts_with('.') {
        return push(exact, n);
    }
    if let Some(rest) = n.strip_prefix("*.") {
        if rest.contains('*') {
            return KeyResult::Declined;
        }
        return push(head, rest);
    }
    if let Some(rest) = n.strip_prefix('.') {
        if rest.contains('*') {
            return KeyResult::Declined;
        }
        if exact.contains(rest) || head.contains(rest) {
            return KeyResult::Busy;
        }
        exact.insert(rest);
        head.insert(rest);
        return KeyResult::Ok;
    }
    if let Some(rest) = n.strip_suffix(".*") {
        if rest.contains('*') {
            return KeyResult::Declined;
        }
        return push(tail, rest);
    }
    KeyResult::Declined
}

fn keepalive_ok(k: &str) -> bool {
    if k == "on" || k == "off" {
        return true;
    }
    let parts: Vec<&str> = k.split(':').collect();
    if parts.len() != 3 || parts.iter().all(|p| p.is_empty()) {
        return false;
    }
    parts[0].is_empty() || super::values::parse_time(parts[0], true).is_some()
}
