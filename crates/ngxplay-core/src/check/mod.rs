//! The checker: judges a loaded [`Config`] as `nginx -t` of nginx 1.22.1 does, reporting in nginx's order.
//!
//! The tree is walked in the order nginx's `ngx_conf_parse` meets statements (following includes where
//! they stand); each directive gets nginx's generic checks (known, allowed here, terminator, argument
//! count, value slot) and then its own semantics. Checks nginx runs after a block or after `http {}`
//! are run at that moment, so the first diagnostic is the one nginx prints.

mod blocks;
mod http_post;
mod listen;
mod location;
mod openresty;
mod proxy;
mod regex;
mod rewrite;
mod rules;
mod state;
mod upstream;
pub mod url;
mod values;
pub use values::parse_size;
mod variables;

use crate::ast::{Directive, Include, Node};
use crate::diag::{Diagnostic, Level};
use crate::directives::{self, ctx, Spec};
use crate::load::{Config, Context};
use crate::span::{FileId, Span};

use state::HttpState;

/// Which nginx build the config is judged against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// Debian bookworm's nginx 1.22.1: no lua, no headers-more.
    #[default]
    Debian,
    /// OpenResty: the lua and headers-more directives are known (their bodies are not checked).
    OpenResty,
}

#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub profile: Profile,
    /// Host names that do not resolve; every `*.invalid` name is unresolvable too.
    pub unresolvable: Vec<String>,
}

impl CheckOptions {
    /// Whether `host` fails to resolve under these options.
    pub fn unresolvable(&self, host: &str) -> bool {
        let b = host.as_bytes();
        let invalid_tld = b.len() >= 8 && b[b.len() - 8..].eq_ignore_ascii_case(b".invalid");
        invalid_tld || host.eq_ignore_ascii_case("invalid") || self.unresolvable.iter().any(|u| u.eq_ignore_ascii_case(host))
    }
}

/// The name the oracle gives its generated main file in http-context mode.
pub const WRAPPER_NAME: &str = "<oracle-wrapper>";

/// Include nesting deeper than this is treated as a loop and not followed.
const MAX_INCLUDE_DEPTH: usize = 16;
/// Blocks plus includes nested deeper than this are not walked, which bounds the walker's stack.
const MAX_WALK_DEPTH: usize = 256;

/// Judges `cfg` as `nginx -t` would: errors and warnings in nginx's order.
pub fn check(cfg: &Config, opts: &CheckOptions) -> Vec<Diagnostic> {
    let mut c = Checker::new(cfg, opts);
    c.run();
    c.diags
}

/// The kind of block being walked; decides the context mask and the statement rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Events,
    Http,
    Server,
    Location,
    IfServer,
    IfLocation,
    LimitExcept,
    Upstream,
    /// Bodies parsed by a handler of their own, not as directives.
    Map,
    Geo,
    Types,
    SplitClients,
}

impl Kind {
    fn mask(self) -> u32 {
        match self {
            Kind::Main => ctx::MAIN,
            Kind::Events => ctx::EVENTS,
            Kind::Http => ctx::HTTP,
            Kind::Server => ctx::SERVER,
            Kind::Location => ctx::LOCATION,
            Kind::IfServer => ctx::IF_SERVER,
            Kind::IfLocation => ctx::IF_LOCATION,
            Kind::LimitExcept => ctx::LIMIT_EXCEPT,
            Kind::Upstream => ctx::UPSTREAM,
            Kind::Map => ctx::MAP,
            Kind::Geo => ctx::GEO,
            Kind::Types => ctx::TYPES,
            Kind::SplitClients => ctx::SPLIT_CLIENTS,
        }
    }

    /// Whether this block's conf is a location conf (location, `if`, `limit_except`).
    pub(crate) fn is_loc(self) -> bool {
        matches!(self, Kind::Location | Kind::IfServer | Kind::IfLocation | Kind::LimitExcept)
    }
}

/// A set of a few names, kept inline until it outgrows its array, since most confs set only a handful.
#[derive(Clone, Debug, Default)]
pub(crate) struct SmallSet<T> {
    inline: [Option<T>; 4],
    more: Vec<T>,
}

impl<T: Copy + PartialEq + std::ops::Deref<Target = str>> SmallSet<T> {
    pub(crate) fn contains(&self, x: &str) -> bool {
        self.iter().any(|y| &*y == x)
    }

    /// Adds `x`; false when it was already there.
    pub(crate) fn insert(&mut self, x: T) -> bool {
        if self.contains(&x) {
            return false;
        }
        match self.inline.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(x),
            None => self.more.push(x),
        }
        true
    }

    pub(crate) fn remove(&mut self, x: &str) {
        for s in &mut self.inline {
            if s.is_some_and(|y| &*y == x) {
                *s = None;
            }
        }
        self.more.retain(|y| &**y != x);
    }

    pub(crate) fn clear(&mut self) {
        *self = SmallSet { inline: [None; 4], more: Vec::new() };
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.inline.iter().flatten().copied().chain(self.more.iter().copied())
    }
}

/// One block being walked: its kind, the slot directives already set in its conf, and its own data.
pub(crate) struct Frame<'a> {
    pub kind: Kind,
    /// The directives already set in this conf, for nginx's "is duplicate" checks.
    pub seen: SmallSet<&'a str>,
    /// The server this block belongs to, as an index into the http state.
    pub server: Option<usize>,
    /// For location-like frames: the location this conf belongs to.
    pub loc: Option<location::LocInfo<'a>>,
    /// Index of the location in the server's location list (for nesting).
    pub loc_id: Option<usize>,
    /// Handler-parsed bodies keep their state here.
    pub body: blocks::Body,
    /// Upstream index for `upstream {}` blocks.
    pub upstream: Option<usize>,
    /// Per-conf facts that some directives check against each other (`root`/`alias`, `proxy_pass`).
    pub facts: SmallSet<&'static str>,
    /// This block's conf in the http state (0 is the http conf).
    pub conf: usize,
}

impl<'a> Frame<'a> {
    pub(crate) fn new(kind: Kind) -> Self {
        Frame {
            kind,
            seen: SmallSet::default(),
            server: None,
            loc: None,
            loc_id: None,
            body: blocks::Body::None,
            upstream: None,
            facts: SmallSet::default(),
            conf: 0,
        }
    }

    /// Records `name` as set in this conf; false when it already was.
    pub(crate) fn set_once(&mut self, name: &'a str) -> bool {
        self.seen.insert(name)
    }

    pub(crate) fn has_fact(&self, fact: &str) -> bool {
        self.facts.contains(fact)
    }

    /// Records a fact; false when it was already known.
    pub(crate) fn add_fact(&mut self, fact: &'static str) -> bool {
        self.facts.insert(fact)
    }

    /// A child frame inheriting the server and location it sits in.
    pub(crate) fn child(&self, kind: Kind) -> Self {
        let mut f = Frame::new(kind);
        f.server = self.server;
        f.loc = self.loc;
        f.loc_id = self.loc_id;
        f.conf = self.conf;
        f
    }
}

pub(crate) struct Checker<'a> {
    pub cfg: &'a Config,
    pub opts: &'a CheckOptions,
    pub diags: Vec<Diagnostic>,
    pub http: HttpState<'a>,
    events_seen: bool,
    include_depth: usize,
    depth: usize,
    /// The table entries of directive names met recently, direct-mapped by a hash of the name.
    spec_cache: Box<[(&'a str, &'static [Spec]); SPEC_SLOTS]>,
}

/// Slots in the checker's cache of table lookups; a config uses a few dozen directive names.
const SPEC_SLOTS: usize = 256;

/// The cache slot for `name`: a multiplicative hash of its length and its first, middle and last bytes.
fn spec_slot(name: &str) -> usize {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    let mid = b.get(b.len() / 2).copied().unwrap_or(0);
    let key = (b.len() as u64) | (u64::from(first) << 8) | (u64::from(mid) << 16) | (u64::from(last) << 24);
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % SPEC_SLOTS
}

impl<'a> Checker<'a> {
    fn new(cfg: &'a Config, opts: &'a CheckOptions) -> Self {
        Checker { cfg, opts, diags: Vec::new(), http: HttpState::default(), events_seen: false, include_depth: 0, depth: 0, spec_cache: Box::new([("", &[]); SPEC_SLOTS]) }
    }

    pub(crate) fn display(&self, file: FileId) -> &'a str {
        let cfg: &'a Config = self.cfg;
        cfg.files.get(file).display.as_str()
    }

    pub(crate) fn line(&self, span: Span) -> u32 {
        self.cfg.files.line(span)
    }

    /// An error at `span`, with nginx's ` in FILE:LINE`.
    pub(crate) fn emerg(&mut self, span: Span, code: &str, text: impl Into<String>) {
        let d = Diagnostic::at(Level::Emerg, code, text, self.display(span.file), self.line(span), span);
        self.diags.push(d);
    }

    pub(crate) fn warn(&mut self, span: Span, code: &str, text: impl Into<String>) {
        let d = Diagnostic::at(Level::Warn, code, text, self.display(span.file), self.line(span), span);
        self.diags.push(d);
    }

    /// An error nginx logs without a file position.
    pub(crate) fn bare(&mut self, level: Level, code: &str, text: impl Into<String>, span: Option<Span>) {
        self.diags.push(Diagnostic::bare(level, code, text, span));
    }

    /// An error nginx logs with a position it remembered itself (`... in %s:%ui`).
    pub(crate) fn emerg_at(&mut self, pos: &state::Pos<'_>, code: &str, text: impl Into<String>) {
        let d = Diagnostic {
            level: Level::Emerg,
            code: code.to_string(),
            message: format!("{} in {}:{}", text.into(), pos.file, pos.line),
            file: Some(pos.file.to_string()),
            line: Some(pos.line),
            span: pos.span,
        };
        self.diags.push(d);
    }

    pub(crate) fn pos(&self, span: Span) -> state::Pos<'a> {
        state::Pos { file: self.display(span.file), line: self.line(span), span: Some(span) }
    }

    fn run(&mut self) {
        let cfg = self.cfg;
        let root = cfg.root_items();
        match cfg.context {
            Context::Main => {
                let mut f = Frame::new(Kind::Main);
                self.items(root, &mut f);
                if !self.events_seen {
                    self.bare(Level::Emerg, "no-events", "no \"events\" section in configuration", None);
                }
            }
            Context::Http | Context::Server | Context::Location => {
                self.events_seen = true;
                let close = state::Pos { file: WRAPPER_NAME, line: self.wrapper_close_line(root), span: None };
                let mut f = Frame::new(Kind::Http);
                self.http_begin();
                match cfg.context {
                    Context::Http => self.items(root, &mut f),
                    _ => self.wrapped_server(root, &mut f),
                }
                self.http_end(close);
            }
        }
        self.config_end();
    }

    /// The line of the `}` closing `http {` in the oracle's Debian-like wrapper.
    fn wrapper_close_line(&self, root: &[Node]) -> u32 {
        // The wrapper writes one line for each of these that the content does not set itself.
        const ADDED: [&str; 7] = ["types", "default_type", "client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path"];
        let mut set = [false; ADDED.len()];
        for d in root.iter().filter_map(Node::directive) {
            if let Some(i) = ADDED.iter().position(|a| *a == d.name()) {
                set[i] = true;
            }
            // `include mime.types` stands in for `types`.
            set[0] |= d.name() == "include" && d.arg(0).is_some_and(|a| a.ends_with("mime.types"));
        }
        10 + set.iter().filter(|s| !**s).count() as u32
    }

    /// Server and location modes: the root's items sit in `server {}` (and `location / {}`).
    fn wrapped_server(&mut self, root: &'a [Node], http: &mut Frame<'a>) {
        let sid = self.http.add_server();
        let mut s = http.child(Kind::Server);
        s.server = Some(sid);
        s.conf = self.http.servers[sid].conf;
        if self.cfg.context == Context::Location {
            let info = location::LocInfo { name: "/", exact: false, named: false, regex: false, noregex: false };
            let id = self.http.servers[sid].add_location(None, info, None);
            let mut l = s.child(Kind::Location);
            l.conf = self.http.add_conf(Some(s.conf));
            l.loc = Some(info);
            l.loc_id = Some(id);
            self.items(root, &mut l);
            self.loc_end(&l);
        } else {
            self.items(root, &mut s);
        }
        self.server_end(&s, None);
    }

    /// Walks statements in order; handler-parsed bodies go to their own rules.
    pub(crate) fn items(&mut self, items: &'a [Node], f: &mut Frame<'a>) {
        if self.depth >= MAX_WALK_DEPTH {
            return;
        }
        self.depth += 1;
        for node in items {
            match node {
                Node::Error(e) => self.diags.push(e.clone()),
                Node::Directive(d) => self.statement(d, f),
            }
        }
        self.depth -= 1;
    }

    fn statement(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if d.name() == "include" && matches!(f.kind, Kind::Map | Kind::Geo | Kind::Types | Kind::SplitClients) {
            self.include(d, f);
            return;
        }
        if matches!(f.kind, Kind::Map | Kind::Geo | Kind::Types | Kind::SplitClients) {
            if d.block.is_some() {
                self.emerg(d.term, "unexpected-token", "unexpected \"{\"");
                return;
            }
            self.body_entry(d, f);
            return;
        }
        let mask = f.kind.mask();
        let mut specs = self.specs(d.name()).peekable();
        if specs.peek().is_none() {
            self.emerg(d.term, "unknown-directive", format!("unknown directive \"{}\"", d.name()));
            return;
        }
        let Some(spec) = specs.find(|s| s.ctx & mask != 0) else {
            self.emerg(d.term, "not-allowed", format!("\"{}\" directive is not allowed here", d.name()));
            return;
        };
        let has_block = d.block.is_some();
        if !spec.block && has_block {
            self.emerg(d.term, "not-terminated", format!("directive \"{}\" is not terminated by \";\"", d.name()));
            return;
        }
        if spec.block && !has_block {
            self.emerg(d.term, "no-opening-brace", format!("directive \"{}\" has no opening \"{{\"", d.name()));
            return;
        }
        if !directives::args_ok(spec.args, d.args.len()) {
            self.emerg(d.term, "invalid-args", format!("invalid number of arguments in \"{}\" directive", d.name()));
            return;
        }
        self.semantics(d, spec, f);
    }

    /// Every spec for `name` under the active profile.
    fn specs(&mut self, name: &'a str) -> impl Iterator<Item = &'static Spec> {
        const INCLUDE: &[Spec] = &[Spec { name: "include", module: "ngx_conf_module", ctx: u32::MAX, args: directives::args::TAKE1, block: false, value: directives::Value::Custom }];
        let slot = &mut self.spec_cache[spec_slot(name)];
        let table = if slot.0 == name && !name.is_empty() {
            slot.1
        } else {
            let t = match directives::lookup(name) {
                [] if name == "include" => INCLUDE,
                t => t,
            };
            *slot = (name, t);
            t
        };
        let extra = if self.opts.profile == Profile::OpenResty { openresty::lookup(name) } else { &[] };
        table.iter().chain(extra)
    }

    /// Follows an `include` at this point, in the same block.
    pub(crate) fn include(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if d.args.len() != 1 {
            self.emerg(d.term, "invalid-args", "invalid number of arguments in \"include\" directive");
            return;
        }
        match d.include.as_deref() {
            Some(Include::Failed(text)) => self.emerg(d.term, "include-failed", text.clone()),
            Some(Include::Files(ids)) => {
                if self.include_depth >= MAX_INCLUDE_DEPTH {
                    return;
                }
                self.include_depth += 1;
                let cfg: &'a Config = self.cfg;
                for id in ids {
                    self.items(cfg.items(*id), f);
                }
                self.include_depth -= 1;
            }
            None => {}
        }
    }

    /// The directive-specific part, after the generic checks passed.
    fn semantics(&mut self, d: &'a Directive, spec: &Spec, f: &mut Frame<'a>) {
        match d.name() {
            "include" => self.include(d, f),
            "events" => self.events_block(d, f),
            "http" => self.http_block(d, f),
            "server" if spec.block => self.server_block(d, f),
            "server" => self.upstream_server(d, f),
            "location" => self.location_block(d, f),
            "if" => self.if_block(d, f),
            "limit_except" => self.limit_except_block(d, f),
            "upstream" => self.upstream_block(d, f),
            "map" | "geo" | "types" | "split_clients" => self.body_block(d, f),
            _ if spec.block && d.lua.is_none() => {
                // A block we have no rules for: walk it in place.
                if let Some(b) = &d.block {
                    self.items(&b.items, f);
                }
            }
            _ => {
                if !self.directive_rules(d, spec, f) {
                    return;
                }
                if f.kind != Kind::Main && f.kind != Kind::Events {
                    self.scan_variables(d);
                }
            }
        }
    }

    fn events_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if !f.set_once("events") {
            self.emerg(d.term, "duplicate", "\"events\" directive is duplicate");
            return;
        }
        self.events_seen = true;
        let mut e = f.child(Kind::Events);
        if let Some(b) = &d.block {
            self.items(&b.items, &mut e);
        }
    }

    fn http_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if !f.set_once("http") {
            self.emerg(d.term, "duplicate", "\"http\" directive is duplicate");
            return;
        }
        let mut h = f.child(Kind::Http);
        self.http_begin();
        let Some(b) = &d.block else { return };
        self.items(&b.items, &mut h);
        let close = match b.close {
            Some(c) => self.pos(c),
            None => self.pos(d.term),
        };
        self.http_end(close);
    }

    fn server_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        let sid = self.http.add_server();
        let mut s = f.child(Kind::Server);
        s.server = Some(sid);
        s.conf = self.http.servers[sid].conf;
        s.loc = None;
        s.loc_id = None;
        let Some(b) = &d.block else { return };
        self.items(&b.items, &mut s);
        self.server_end(&s, b.close.or(Some(d.term)));
    }

    fn if_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if !self.if_condition(d) {
            return;
        }
        let kind = if f.kind == Kind::Server { Kind::IfServer } else { Kind::IfLocation };
        let mut i = f.child(kind);
        i.conf = self.http.add_conf(Some(f.conf));
        if let Some(b) = &d.block {
            self.items(&b.items, &mut i);
        }
        self.loc_end(&i);
    }

    fn limit_except_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        if !self.limit_except_methods(d, f) {
            return;
        }
        let mut l = f.child(Kind::LimitExcept);
        l.conf = self.http.add_conf(Some(f.conf));
        if let Some(b) = &d.block {
            self.items(&b.items, &mut l);
        }
        self.loc_end(&l);
    }

    fn config_end(&mut self) {
        self.shared_zones_end();
    }
}
