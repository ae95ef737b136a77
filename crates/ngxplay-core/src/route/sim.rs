//! The simulator: runs each request through nginx's phases and records the outcome with a trace.

use std::rc::Rc;
use std::sync::Arc;

use super::balance::Balancer;
use super::env::Fs;
use crate::fxhash::FxHashMap;
use super::index::Index;
use super::inputs::{Backends, RequestLine, StaticFiles};
use super::result::{BlockRef, RouteResult, Source, TraceStep};
use super::uri::{parse_target, UriError};
use crate::check::parse_size;
use crate::load::Config;
use crate::model::regex::Regex;
use crate::model::{LocationId, Model, ScopeId, ServerId};
use crate::span::{FileId, Span};

/// How many internal redirects and URI changes nginx allows before answering 500.
pub const MAX_URI_CHANGES: u32 = 10;

/// Slots in [`Simulator`]'s cache of recent span lines.
const RECENT: usize = 64;

/// Runs requests against one config, keeping balancer state between them.
pub struct Simulator<'a> {
    pub cfg: &'a Config,
    pub model: &'a Model,
    pub fs: Fs,
    pub backends: Backends,
    /// Balancer state per upstream, kept across requests.
    pub balancer: Balancer,
    /// Requests run so far, for `$remote_port` (the oracle's client ports count up from 40001).
    pub count: u32,
    /// Sockets, server names, maps and upstreams by key.
    pub index: Arc<Index>,
    /// Regexes written in `rewrite`, `if` and the like, compiled on first use (`None`: it does not compile),
    /// case-sensitive first.
    regexes: FxHashMap<String, [Option<Option<Rc<Regex>>>; 2]>,
    /// Lines of recent span starts, direct-mapped: a request's steps point at the same few spans.
    recent: [(FileId, u32, u32); RECENT],
    /// Each file's display name, shared by every trace step that points into it.
    names: Vec<Arc<str>>,
}

/// What ends a phase early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on with the next phase.
    Next,
    /// The response is decided: finalize with this status (0 = already filled in).
    Done(u16),
    /// Restart at location lookup with the (changed) URI.
    Redirect,
    /// An internal redirect: server rewrites run again, then location lookup.
    Internal,
    /// Continue in the named location already switched to.
    Named,
}

/// The state of one request while it runs.
pub struct Run<'s, 'a> {
    pub sim: &'s mut Simulator<'a>,
    pub req: &'s RequestLine,
    /// The request line's protocol, e.g. `HTTP/1.1`.
    pub protocol: String,
    pub server: ServerId,
    pub uri: String,
    pub args: String,
    pub quoted: bool,
    pub loc: Option<LocationId>,
    /// The configuration in effect: the location's scope, or an `if` block's inside it.
    pub scope: ScopeId,
    pub caps: Vec<String>,
    pub named_caps: Vec<(String, String)>,
    pub vars: FxHashMap<String, String>,
    /// `$host`.
    pub host: String,
    /// The error status (nginx's `r->err_status`): set by each error and by `error_page =code`, it becomes the
    /// status of whatever response is finally sent; 0 when none. `$status` reads it.
    pub status: u16,
    /// Set once an error was handled where `error_page`s are configured and `recursive_error_pages` is off: later
    /// errors of this request get nginx's own response.
    pub error_page: bool,
    pub internal: bool,
    pub uri_changes: u32,
    pub upstream_status: Option<String>,
    pub remote_user: Option<String>,
    pub listen_port: u16,
    pub listen_ssl: bool,
    pub remote_port: u32,
    /// `$request_method`: error pages turn POST into GET.
    pub method: String,
    pub res: RouteResult,
}

impl<'a> Simulator<'a> {
    pub fn new(cfg: &'a Config, model: &'a Model, files: StaticFiles, backends: Backends) -> Self {
        Simulator::with_index(cfg, model, Arc::new(Index::new(model)), files, backends)
    }

    /// [`Simulator::new`] with the model's index already built (see [`crate::api::Analysis::index`]).
    pub fn with_index(cfg: &'a Config, model: &'a Model, index: Arc<Index>, files: StaticFiles, backends: Backends) -> Self {
        let names = (0..cfg.files.len()).map(|i| Arc::from(cfg.files.get(i as FileId).display.as_str())).collect();
        Simulator { cfg, model, fs: Fs { files }, backends, balancer: Balancer::new(), count: 0, index, regexes: FxHashMap::default(), recent: [(FileId::MAX, 0, 0); RECENT], names }
    }

    /// Runs one line of `requests.txt`: one result per `repeat`.
    pub fn route(&mut self, req: &RequestLine) -> Vec<RouteResult> {
        let mut out = Vec::new();
        self.route_into(req, &mut out);
        out
    }

    /// [`Simulator::route`], appending to `out`.
    pub fn route_into(&mut self, req: &RequestLine, out: &mut Vec<RouteResult>) {
        for _ in 0..req.repeat.max(1) {
            out.push(self.route_once(req));
        }
    }

    /// The compiled form of a regex written in a directive; `None` when it does not compile.
    pub fn regex(&mut self, source: &str, caseless: bool) -> Option<Rc<Regex>> {
        let slot = usize::from(caseless);
        if let Some(Some(r)) = self.regexes.get(source).map(|e| &e[slot]) {
            return r.clone();
        }
        let r = Regex::new(source, caseless).ok().map(Rc::new);
        self.regexes.entry(source.to_string()).or_default()[slot] = Some(r.clone());
        r
    }

    fn route_once(&mut self, req: &RequestLine) -> RouteResult {
        self.count += 1;
        let remote_port = 40000 + self.count;
        let mut run = Run {
            sim: self,
            req,
            protocol: req.http_version(),
            server: 0,
            uri: String::new(),
            args: String::new(),
            quoted: false,
            loc: None,
            scope: 0,
            caps: Vec::new(),
            named_caps: Vec::new(),
            vars: FxHashMap::default(),
            host: String::new(),
            status: 0,
            internal: false,
            uri_changes: 0,
            error_page: false,
            upstream_status: None,
            remote_user: None,
            listen_port: req.sent_port(),
            listen_ssl: req.scheme == "https",
            remote_port,
            method: req.method.clone(),
            res: RouteResult { line: req.line, request: req.raw.clone(), trace: Vec::with_capacity(16), ..RouteResult::default() },
        };
        run.execute();
        run.apply_err_status();
        run.res
    }

    /// A `BlockRef` pointing at `span`.
    pub fn block_ref(&mut self, label: String, span: Span) -> BlockRef {
        let (line, file) = self.where_is(span);
        BlockRef { label, span: Some(span), line: Some(line), file: Some(file) }
    }

    /// The line and display name of the file `span` starts in.
    pub fn where_is(&mut self, span: Span) -> (u32, Arc<str>) {
        match self.names.get(span.file as usize) {
            Some(name) => {
                let slot = (span.start as usize ^ span.file as usize) % RECENT;
                let (file, start, line) = self.recent[slot];
                if file == span.file && start == span.start {
                    return (line, name.clone());
                }
                let line = self.cfg.files.get(span.file).line_of(span.start as usize);
                self.recent[slot] = (span.file, span.start, line);
                (line, name.clone())
            }
            None => (0, Arc::from("")),
        }
    }
}

impl<'s, 'a> Run<'s, 'a> {
    pub fn model(&self) -> &'a Model {
        self.sim.model
    }

    /// Adds a trace step, pointing at `span` when given.
    pub fn step(&mut self, message: impl Into<String>, span: Option<Span>) {
        let (line, file) = match span {
            Some(s) => {
                let (l, f) = self.sim.where_is(s);
                (Some(l), Some(f))
            }
            None => (None, None),
        };
        self.res.trace.push(TraceStep { message: message.into(), span, line, file });
    }

    fn execute(&mut self) {
        let req = self.req;
        let Some(default) = self.default_server() else {
            self.step("no server listens on this address and port", None);
            self.res.status = None;
            self.res.source = Source::Empty;
            self.res.error = Some("connection refused".into());
            return;
        };
        // The request line is read before any Host is known, with the buffers of the socket's default server.
        if let Some((code, why)) = self.request_line_error(default) {
            self.use_server(default);
            self.step(format!("{code}: {why}"), None);
            self.finish(Flow::Done(code));
            return;
        }
        // The URI is parsed with the request line, so the default server's merge_slashes applies.
        self.use_server(default);
        let merge = self.flag("merge_slashes", true);
        match parse_target(&req.target, merge) {
            Ok(t) => {
                self.uri = t.uri;
                self.args = t.args;
                self.quoted = t.quoted;
            }
            Err(e) => {
                let why = match e {
                    UriError::AboveRoot => "the URI climbs above the root with \"..\"",
                    UriError::BadEscape => "the URI has an invalid %-escape",
                    UriError::NotAbsolute => "the request target does not start with \"/\"",
                };
                self.step(format!("400: {why}"), None);
                self.finish(Flow::Done(400));
                return;
            }
        }
        // Then the headers: Host picks the server.
        let Some(server) = self.select_server() else { return };
        self.use_server(server);
        if !self.host_is_valid() {
            self.finish(Flow::Done(400));
            return;
        }
        if self.sim.index.ssl_port(self.listen_port) && req.scheme == "http" {
            self.step("plain HTTP sent to an SSL port: 497 (a 400 unless an error_page handles 497)", None);
            self.finish(Flow::Done(497));
            return;
        }
        self.step(["URI \"", &self.uri, "\", args \"", &self.args, "\""].concat(), None);
        let flow = self.server_rewrite();
        let flow = match flow {
            Flow::Next | Flow::Redirect => self.location_phases(),
            other => other,
        };
        self.finish(flow);
    }

    /// Makes `server` the one handling the request.
    fn use_server(&mut self, server: ServerId) {
        self.server = server;
        self.scope = self.model().servers[server].scope;
        let srv = &self.model().servers[server];
        self.res.server = Some(self.sim.block_ref(server_label(srv), srv.head));
    }

    /// What is wrong with the request line, checked in the order nginx's parser meets it: the method, the length
    /// (the line must fit in `client_header_buffer_size` or in one `large_client_header_buffers` buffer), the version.
    fn request_line_error(&self, default: ServerId) -> Option<(u16, String)> {
        let req = self.req;
        if req.method.is_empty() || !req.method.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b == b'-') {
            return Some((400, "the method is not upper-case letters".into()));
        }
        let version = self.protocol.as_str();
        // `METHOD TARGET VERSION` and its CRLF.
        let line_len = req.method.len() + req.target.len() + version.len() + 4;
        let scope = self.model().servers[default].scope;
        let size_of = |name: &str, arg: usize, default: u64| {
            self.model().lookup(scope, name).and_then(|d| d.args.get(arg)).and_then(|a| parse_size(a)).unwrap_or(default)
        };
        let first = size_of("client_header_buffer_size", 0, 1024);
        let large = size_of("large_client_header_buffers", 1, 8192);
        let limit = first.max(large);
        if line_len as u64 > limit {
            return Some((414, format!("the request line ({line_len} bytes with its CRLF) does not fit in a {limit}-byte header buffer")));
        }
        if !matches!(version, "HTTP/1.0" | "HTTP/1.1" | "HTTP/0.9") {
            let code = if version.starts_with("HTTP/") && version.as_bytes().get(5).is_some_and(|c| c.is_ascii_digit()) { 505 } else { 400 };
            return Some((code, "unsupported HTTP version".into()));
        }
        None
    }

    /// Says that the request goes round again, and how close it is to nginx's limit.
    fn note_search_again(&mut self) {
        if self.uri_changes <= MAX_URI_CHANGES {
            let mut message = String::with_capacity(self.uri.len() + 72);
            message.push_str("new URI \"");
            message.push_str(&self.uri);
            message.push_str("\": the location search runs again (");
            push_number(&mut message, self.uri_changes);
            message.push_str(" of ");
            push_number(&mut message, MAX_URI_CHANGES);
            message.push_str(" changes allowed)");
            self.step(message, None);
        }
    }

    /// Runs location lookup, location rewrites, access and content, following URI changes.
    pub fn location_phases(&mut self) -> Flow {
        self.phases_from(Flow::Redirect)
    }

    /// Runs the phases starting at `entry`: `Redirect` (lookup), `Internal` (server rewrite) or `Named`.
    pub fn phases_from(&mut self, mut entry: Flow) -> Flow {
        loop {
            if self.uri_changes > MAX_URI_CHANGES {
                self.step("500: rewrite or internal redirection cycle", None);
                return Flow::Done(500);
            }
            if entry == Flow::Internal {
                if let f @ Flow::Done(_) = self.server_rewrite() {
                    return f;
                }
            }
            if entry != Flow::Named {
                match self.find_location_phase() {
                    Flow::Next => {}
                    other => return other,
                }
            }
            entry = Flow::Redirect;
            match self.location_rewrite() {
                Flow::Next => {}
                Flow::Redirect => {
                    self.uri_changes += 1;
                    self.note_search_again();
                    continue;
                }
                other => return other,
            }
            match self.content_phases() {
                f @ (Flow::Internal | Flow::Named | Flow::Redirect) => {
                    self.uri_changes += 1;
                    self.internal = true;
                    self.note_search_again();
                    entry = f;
                }
                other => return other,
            }
        }
    }

    /// Finishes the request: a status triggers error_page handling.
    pub fn finish(&mut self, flow: Flow) {
        match flow {
            Flow::Done(0) | Flow::Next | Flow::Redirect | Flow::Internal | Flow::Named => {}
            Flow::Done(code) => self.finalize_error(code),
        }
        if self.req.method == "HEAD" && self.res.status.is_some() {
            if self.res.source == Source::Upstream {
                self.res.body = Some(String::new());
            } else {
                self.res.source = Source::Empty;
                self.res.body = None;
                self.res.file = None;
            }
        }
    }

    /// nginx's built-in response for `code`.
    pub fn special_response(&mut self, code: u16) {
        if code == 444 || code == 499 {
            self.res.status = None;
            self.res.source = Source::Empty;
            self.res.error = Some("empty reply (connection closed)".into());
            self.step(format!("{code}: the connection is closed without a response"), None);
            return;
        }
        // nginx's own pages for its 49x codes (bad certificates, plain HTTP to an SSL port, large headers) go out as 400.
        let code = if (494..=497).contains(&code) {
            if self.status == code {
                self.status = 400;
            }
            400
        } else {
            code
        };
        self.res.status = Some(code);
        self.res.body = None;
        self.res.file = None;
        self.res.source = if builtin_title(code).is_some() { Source::Builtin } else { Source::Empty };
        self.step(format!("{code}: nginx's built-in response"), None);
    }

    /// A location's directive lookup from the current scope.
    pub fn lookup(&self, name: &str) -> Option<&'a crate::model::Dir> {
        self.model().lookup(self.scope, name)
    }

    /// An on/off directive's effective value.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.lookup(name) {
            Some(d) => d.args.first().is_some_and(|a| a.eq_ignore_ascii_case("on")),
            None => default,
        }
    }

    /// The location label for results.
    pub fn set_location_block(&mut self) {
        if let Some(l) = self.loc {
            let loc = &self.model().locations[l];
            self.res.location_block = Some(self.sim.block_ref(loc.label(), loc.head));
        }
    }
}

/// How a server is named in results: its first name, or its first listen.
pub fn server_label(s: &crate::model::Server) -> String {
    match s.names.first() {
        Some(n) if !n.name.is_empty() => n.name.clone(),
        _ => s.listens.first().map(|l| l.key()).unwrap_or_else(|| "server".into()),
    }
}

/// The title of nginx's built-in page for `code`, when it has one.
pub fn builtin_title(code: u16) -> Option<&'static str> {
    Some(match code {
        301 => "301 Moved Permanently",
        302 => "302 Found",
        303 => "303 See Other",
        307 => "307 Temporary Redirect",
        308 => "308 Permanent Redirect",
        400 => "400 Bad Request",
        401 => "401 Authorization Required",
        402 => "402 Payment Required",
        403 => "403 Forbidden",
        404 => "404 Not Found",
        405 => "405 Not Allowed",
        406 => "406 Not Acceptable",
        408 => "408 Request Time-out",
        409 => "409 Conflict",
        410 => "410 Gone",
        411 => "411 Length Required",
        412 => "412 Precondition Failed",
        413 => "413 Request Entity Too Large",
        414 => "414 Request-URI Too Large",
        415 => "415 Unsupported Media Type",
        416 => "416 Requested Range Not Satisfiable",
        421 => "421 Misdirected Request",
        429 => "429 Too Many Requests",
        494 => "400 Request Header Or Cookie Too Large",
        495 => "400 The SSL certificate error",
        496 => "400 No required SSL certificate was sent",
        497 => "400 The plain HTTP request was sent to HTTPS port",
        500 => "500 Internal Server Error",
        501 => "501 Not Implemented",
        502 => "502 Bad Gateway",
        503 => "503 Service Temporarily Unavailable",
        504 => "504 Gateway Time-out",
        505 => "505 HTTP Version Not Supported",
        507 => "507 Insufficient Storage",
        _ => return None,
    })
}

/// Appends `n` in decimal; trace messages are built without the formatting machinery, which costs more
/// than the rest of a step.
pub fn push_number(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| d as char));
}

#[cfg(test)]
mod tests {
    use super::push_number;

    #[test]
    fn numbers_in_decimal() {
        for n in [0, 7, 10, 99, 100, 65535, u32::MAX] {
            let mut s = String::from("x");
            push_number(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }
}
