//! What the checker remembers across an `http {}` block: servers, listen addresses, locations, upstreams,
//! variables, zones and the per-conf values that nginx's merge step checks.


use compact_str::CompactString;

use crate::fxhash::{FxHashMap, FxHashSet};
use super::location::LocInfo;
use super::proxy::MERGED;
use crate::ast::Word;
use crate::span::Span;

/// A position nginx remembered itself, printed as ` in FILE:LINE`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pos<'a> {
    pub file: &'a str,
    pub line: u32,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Loc<'a> {
    pub info: LocInfo<'a>,
    /// The `location` directive's terminator; its line is looked up only when reported.
    pub pos: Option<Span>,
    pub children: Vec<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Server<'a> {
    pub listen: bool,
    /// Top-level locations, as indexes into `locs`.
    pub top: Vec<usize>,
    pub locs: Vec<Loc<'a>>,
    /// Non-regex names, lowercased, in order.
    pub names: Vec<CompactString>,
    pub has_name: bool,
    pub captures: bool,
    /// The server's conf in `HttpState::confs`.
    pub conf: usize,
}

impl<'a> Server<'a> {
    pub fn add_location(&mut self, parent: Option<usize>, info: LocInfo<'a>, pos: Option<Span>) -> usize {
        let id = self.locs.len();
        self.locs.push(Loc { info, pos, children: Vec::new() });
        match parent {
            Some(p) => self.locs[p].children.push(id),
            None => self.top.push(id),
        }
        id
    }
}

/// One listen address of one port, as `ngx_http_conf_addr_t`.
#[derive(Clone, Debug)]
pub struct Addr {
    pub text: String,
    pub set: bool,
    pub default_server: bool,
    pub wildcard: bool,
    pub servers: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Port {
    pub port: u32,
    pub family: u8,
    pub addrs: Vec<Addr>,
}

#[derive(Clone, Debug)]
pub struct Upstream {
    pub host: CompactString,
    pub port: u32,
    pub no_port: bool,
    /// Defined by an `upstream {}` block rather than implied by a `*_pass`.
    pub created: bool,
    /// Where it was first named; its line is looked up only when reported.
    pub pos: Span,
    /// Whether nginx already has an address for it (an IP literal or a block's servers).
    pub has_servers: bool,
}

/// One conf struct (http, server, location, `if`, `limit_except`): the values merge checks read.
#[derive(Clone, Debug, Default)]
pub struct Conf<'a> {
    /// The directives set here that later checks read, in order; the last one of a name wins.
    pub values: Vec<(&'a str, &'a [Word])>,
    /// Bit `i` is set when a directive of `MERGED[i]`'s module is set here.
    pub modules: u8,
    /// Child location confs in the order nginx added them.
    pub children: Vec<usize>,
}

impl<'a> Conf<'a> {
    /// Records directive `name` with its arguments when a later check reads it.
    pub fn set(&mut self, name: &'a str, args: &'a [Word]) {
        let module = MERGED.iter().position(|m| name.len() > m.len() && name.starts_with(m) && name.as_bytes()[m.len()] == b'_');
        if let Some(i) = module {
            self.modules |= 1 << i;
        } else if name != "server_names_hash_bucket_size" {
            return;
        }
        self.values.push((name, args));
    }

    /// The arguments of the last `name` set here.
    pub fn get(&self, name: &str) -> Option<&'a [Word]> {
        self.values.iter().rev().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// The arguments of the last `{module}_{key}` set here.
    pub fn get_module(&self, module: &str, key: &str) -> Option<&'a [Word]> {
        let hit = |n: &str| n.len() == module.len() + 1 + key.len() && n.starts_with(module) && n.as_bytes()[module.len()] == b'_' && n.ends_with(key);
        self.values.iter().rev().find(|(n, _)| hit(n)).map(|(_, v)| *v)
    }
}

#[derive(Debug, Default)]
pub struct HttpState<'a> {
    pub servers: Vec<Server<'a>>,
    pub ports: Vec<Port>,
    pub upstreams: Vec<Upstream>,
    /// Indices into `upstreams` by lowercased host, in creation order, so finding one is not a scan.
    pub upstream_index: FxHashMap<CompactString, Vec<usize>>,
    /// Variables defined by `set`, `map`, `geo`, `split_clients`, named captures, and so on.
    pub var_defs: FxHashSet<CompactString>,
    /// Variables used, in order of first use, with nothing else.
    pub var_uses: Vec<CompactString>,
    pub var_seen: FxHashSet<CompactString>,
    pub log_formats: FxHashSet<String>,
    pub confs: Vec<Conf<'a>>,
    /// Shared memory zones: name → whether a size was given, from any module.
    pub zones: Vec<(String, bool, &'static str)>,
    /// Zones referenced before or without a definition: (name, tag).
    pub zone_refs: Vec<(String, &'static str)>,
    pub active: bool,
}

impl<'a> HttpState<'a> {
    pub fn add_server(&mut self) -> usize {
        let conf = self.add_conf(Some(0));
        self.servers.push(Server { conf, ..Server::default() });
        self.servers.len() - 1
    }

    /// A new conf under `parent` (none for the http conf itself).
    pub fn add_conf(&mut self, parent: Option<usize>) -> usize {
        if self.confs.is_empty() {
            self.confs.push(Conf::default());
        }
        let id = self.confs.len();
        self.confs.push(Conf::default());
        if let Some(p) = parent {
            if let Some(c) = self.confs.get_mut(p) {
                c.children.push(id);
            }
        }
        id
    }

    pub fn use_var(&mut self, name: &str) {
        if !name.bytes().any(|b| b.is_ascii_uppercase()) && self.var_seen.contains(name) {
            return;
        }
        let lc = lowercase(name);
        if self.var_seen.insert(lc.clone()) {
            self.var_uses.push(lc);
        }
    }

    pub fn define_var(&mut self, name: &str) {
        if name.bytes().any(|b| b.is_ascii_uppercase()) || !self.var_defs.contains(name) {
            self.var_defs.insert(lowercase(name));
        }
    }

    /// Registers a shared memory zone use; `size` is false for a mere reference.
    pub fn zone(&mut self, name: &str, size: bool, tag: &'static str) {
        if let Some(z) = self.zones.iter_mut().find(|z| z.0 == name && z.2 == tag) {
            z.1 |= size;
        } else {
            self.zones.push((name.to_string(), size, tag));
        }
    }

    pub fn zone_known(&self, name: &str, tag: &'static str) -> bool {
        self.zones.iter().any(|z| z.0 == name && z.2 == tag && z.1)
    }
}

/// `text` in ASCII lower case, inline when short (names and variables nearly always are).
pub fn lowercase(text: &str) -> CompactString {
    let mut c = CompactString::from(text);
    c.make_ascii_lowercase();
    c
}
