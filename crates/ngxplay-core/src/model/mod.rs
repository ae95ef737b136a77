//! The semantic model built from the syntax tree: scopes with their directives, servers, locations, upstreams, maps.
//!
//! Building never fails: it takes what it can from any tree. The checker decides what nginx would refuse.

mod build;
mod listen;
pub mod regex;

pub use build::build;
pub use listen::{parse_listen, Listen, ListenAddr};

use serde::{Deserialize, Serialize};

use crate::span::Span;

pub type ScopeId = usize;
pub type ServerId = usize;
pub type LocationId = usize;

/// One simple (non-block) directive, flattened out of includes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dir {
    pub name: String,
    pub args: Vec<String>,
    /// From the name to the terminator.
    pub span: Span,
    /// The span of each argument.
    pub arg_spans: Vec<Span>,
}

/// A statement of the rewrite phase, in config order: a rewrite-module directive or an `if` block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stmt {
    /// Index into the scope's `dirs` of a `rewrite`, `return`, `set`, `break` or `rewrite_log` directive.
    Dir(usize),
    /// An `if` block's scope.
    If(ScopeId),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScopeKind {
    Http,
    Server(ServerId),
    Location(LocationId),
    /// `if (cond)`: the condition's words without the parentheses.
    If { cond: Vec<String> },
    /// `limit_except METHOD ...`.
    LimitExcept { methods: Vec<String> },
}

/// A level of configuration. Values not set here are inherited from `parent`, as nginx merges them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    pub dirs: Vec<Dir>,
    pub stmts: Vec<Stmt>,
    /// The block directive that opened the scope (for `Http` in snippet mode, the whole file).
    pub span: Span,
    /// `limit_except` blocks directly inside a location scope.
    pub limit_except: Option<ScopeId>,
}

impl Scope {
    /// The last directive called `name` set directly at this level.
    pub fn get(&self, name: &str) -> Option<&Dir> {
        self.dirs.iter().rev().find(|d| same_name(&d.name, name))
    }

    /// Every directive called `name` set directly at this level, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Dir> + 'a {
        self.dirs.iter().filter(move |d| same_name(&d.name, name))
    }
}

/// Name equality that settles most mismatches on the length and last byte, without a `memcmp` call;
/// the simulator asks scopes for directives by name many times per request.
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modifier {
    /// `location /x`
    Prefix,
    /// `location = /x`
    Exact,
    /// `location ^~ /x`
    PrefixNoRegex,
    /// `location ~ re`
    Regex,
    /// `location ~* re`
    RegexCaseless,
    /// `location @name`
    Named,
}

impl Modifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Modifier::Prefix | Modifier::Named => "",
            Modifier::Exact => "=",
            Modifier::PrefixNoRegex => "^~",
            Modifier::Regex => "~",
            Modifier::RegexCaseless => "~*",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Location {
    pub modifier: Modifier,
    /// The URI or regex as written (for named locations, with the `@`).
    pub pattern: String,
    pub scope: ScopeId,
    pub server: ServerId,
    pub parent: Option<LocationId>,
    /// Nested locations, in config order.
    pub children: Vec<LocationId>,
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
    /// The `location` directive's span, up to its `{`.
    pub head: Span,
}

impl Location {
    /// A label like `^~ /static/` or `@fallback`.
    pub fn label(&self) -> String {
        let mut s = String::with_capacity(self.pattern.len() + 4);
        self.write_label(&mut s);
        s
    }

    /// Appends [`Location::label`] to `out`.
    pub fn write_label(&self, out: &mut String) {
        if !matches!(self.modifier, Modifier::Prefix | Modifier::Named) {
            out.push_str(self.modifier.as_str());
            out.push(' ');
        }
        out.push_str(&self.pattern);
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ServerNameKind {
    Exact,
    /// `*.example.com` or `.example.com` (the latter also matches `example.com`).
    LeadingWildcard,
    /// `www.example.*`
    TrailingWildcard,
    Regex,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServerName {
    /// As written, lowercased the way nginx stores names.
    pub name: String,
    pub kind: ServerNameKind,
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Server {
    pub scope: ScopeId,
    pub listens: Vec<Listen>,
    pub names: Vec<ServerName>,
    /// Top-level locations, in config order (named ones included).
    pub locations: Vec<LocationId>,
    /// The `server` directive's span, up to its `{`.
    pub head: Span,
}

impl Server {
    /// The first server name, which is `$server_name`; empty when none is set.
    pub fn primary_name(&self) -> &str {
        self.names.first().map(|n| n.name.as_str()).unwrap_or("")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UpstreamServer {
    /// The address as written, e.g. `10.0.0.5:8080`, `app.internal`, `unix:/run/app.sock`.
    pub addr: String,
    pub weight: u32,
    pub max_fails: u32,
    /// Seconds.
    pub fail_timeout: u32,
    pub backup: bool,
    pub down: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Balance {
    RoundRobin,
    IpHash,
    /// `hash KEY [consistent]`.
    Hash { key: String, consistent: bool },
    LeastConn,
    Random,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upstream {
    pub name: String,
    pub servers: Vec<UpstreamServer>,
    pub balance: Balance,
    pub head: Span,
    /// Every directive inside the block, for anything the fields above don't cover.
    pub dirs: Vec<Dir>,
}

/// One `map` key: a string, or a regex when it starts with `~` (`~*` for caseless).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MapEntry {
    pub key: String,
    pub value: String,
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Map {
    /// The source as written, e.g. `$http_host`.
    pub source: String,
    /// The variable set, without `$`.
    pub target: String,
    pub hostnames: bool,
    pub volatile: bool,
    pub default: Option<String>,
    pub entries: Vec<MapEntry>,
    pub head: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GeoEntry {
    /// A CIDR, an address, a range `a-b` (with `ranges`), or `default`.
    pub key: String,
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Geo {
    /// The address source, `$remote_addr` when not given.
    pub source: String,
    pub target: String,
    pub ranges: bool,
    pub default: Option<String>,
    /// `proxy` addresses and `proxy_recursive`.
    pub proxies: Vec<String>,
    pub proxy_recursive: bool,
    pub entries: Vec<GeoEntry>,
    pub head: Span,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SplitClients {
    pub source: String,
    pub target: String,
    /// Percentages in hundredths of a percent (`*` takes the rest), with their values.
    pub parts: Vec<(Option<u32>, String)>,
    pub head: Span,
}

/// The whole configuration as the simulator sees it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Model {
    pub scopes: Vec<Scope>,
    pub servers: Vec<Server>,
    pub locations: Vec<Location>,
    pub upstreams: Vec<Upstream>,
    pub maps: Vec<Map>,
    pub geos: Vec<Geo>,
    pub split_clients: Vec<SplitClients>,
    /// The http scope; `None` when the config has no http block.
    pub http: Option<ScopeId>,
}

impl Model {
    /// The innermost-first chain of scopes from `id` up to http.
    pub fn chain(&self, id: ScopeId) -> impl Iterator<Item = &Scope> + '_ {
        let mut next = Some(id);
        std::iter::from_fn(move || {
            let s = &self.scopes[next?];
            next = s.parent;
            Some(s)
        })
    }

    /// The effective value of a directive that inherits whole (most directives): the nearest level that sets it.
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<&Dir> {
        self.chain(scope).find_map(|s| s.get(name))
    }

    /// The effective values of an array directive (`proxy_set_header`, `add_header`, `error_page`...):
    /// all of them from the nearest level that has any, none from further up (nginx's all-or-nothing rule).
    pub fn lookup_all(&self, scope: ScopeId, name: &str) -> Vec<&Dir> {
        for s in self.chain(scope) {
            let here: Vec<&Dir> = s.dirs.iter().filter(|d| same_name(&d.name, name)).collect();
            if !here.is_empty() {
                return here;
            }
        }
        Vec::new()
    }

    pub fn upstream(&self, name: &str) -> Option<&Upstream> {
        self.upstreams.iter().find(|u| u.name.eq_ignore_ascii_case(name))
    }
}
