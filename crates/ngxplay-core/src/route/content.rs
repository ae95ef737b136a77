//! The content phases: access, try_files, then the handler (a `*_pass`, index/autoindex, or a static file).

use super::env::Kind;
use super::result::Source;
use super::sim::{Flow, Run};
use crate::model::{Modifier, ScopeKind};

/// Where Debian's nginx resolves relative roots (`-p /usr/share/nginx/`).
const PREFIX: &str = "/usr/share/nginx/";

/// The `*_pass` directives that make a location's content handler.
pub const PASS_DIRECTIVES: &[&str] = &["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass"];

impl<'s, 'a> Run<'s, 'a> {
    /// Access checks, try_files and the content handler.
    pub fn content_phases(&mut self) -> Flow {
        match self.access_phase() {
            Flow::Next => {}
            other => return other,
        }
        match self.try_files_phase() {
            Flow::Next => {}
            other => return other,
        }
        if let Some(d) = self.pass_directive() {
            return self.proxy(d);
        }
        self.static_content()
    }

    /// The content handler's `*_pass`: the current scope's own, else the matched location's.
    pub fn pass_directive(&self) -> Option<&'a crate::model::Dir> {
        let m = self.model();
        let here = &m.scopes[self.scope];
        if let Some(d) = PASS_DIRECTIVES.iter().find_map(|p| here.get(p)) {
            return Some(d);
        }
        if let ScopeKind::If { .. } = here.kind {
            let loc = self.loc?;
            let ls = &m.scopes[m.locations[loc].scope];
            return PASS_DIRECTIVES.iter().find_map(|p| ls.get(p));
        }
        None
    }

    /// `$document_root`: the root or alias in effect, evaluated.
    pub fn document_root(&mut self) -> String {
        let (val, _) = self.root_or_alias();
        let v = self.eval(val);
        absolutize(v)
    }

    /// The nearest `root` or `alias`, and for alias the location it sits in.
    fn root_or_alias(&self) -> (&'a str, Option<usize>) {
        let m = self.model();
        let first = |d: &'a crate::model::Dir| d.args.first().map(String::as_str).unwrap_or("");
        for s in m.chain(self.scope) {
            // The last of `root` and `alias` set at this level wins.
            if let Some(d) = s.dirs.iter().rev().find(|d| d.name == "root" || d.name == "alias") {
                return if d.name == "alias" { (first(d), loc_of(&s.kind)) } else { (first(d), None) };
            }
        }
        ("html", None)
    }

    /// Maps a URI to a file path through root or alias (`ngx_http_map_uri_to_path`).
    pub fn map_path(&mut self, uri: &str) -> String {
        let (val, alias_loc) = self.root_or_alias();
        let mut base = if val.starts_with('/') && !val.contains('$') {
            // The common literal absolute root, with room for the URI.
            let mut b = String::with_capacity(val.len() + uri.len());
            b.push_str(val);
            b
        } else {
            absolutize(self.eval(val))
        };
        match alias_loc {
            Some(l) => {
                let loc = &self.model().locations[l];
                if !matches!(loc.modifier, Modifier::Regex | Modifier::RegexCaseless) {
                    let cut = loc.pattern.len().min(uri.len());
                    base.push_str(if uri.starts_with(&loc.pattern) { &uri[cut..] } else { uri });
                }
            }
            None => {
                base.truncate(base.trim_end_matches('/').len());
                base.push_str(uri);
            }
        }
        base
    }

    /// `$request_filename`.
    pub fn request_filename(&mut self) -> String {
        let uri = self.uri.clone();
        self.map_path(&uri)
    }

    fn try_files_phase(&mut self) -> Flow {
        let m = self.model();
        let Some(d) = m.scopes[self.scope].get("try_files") else { return Flow::Next };
        let span = d.span;
        let n = d.args.len();
        if n < 2 {
            return Flow::Next;
        }
        for a in &d.args[..n - 1] {
            let name = self.eval(a);
            let test_dir = a.ends_with('/');
            let path = self.map_path(&name);
            let kind = self.sim.fs.kind(&path);
            let ok = if test_dir { kind == Kind::Dir } else { kind == Kind::File };
            self.step(["try_files: \"", &path, if ok { "\" exists" } else { "\" does not exist" }].concat(), Some(span));
            if ok {
                self.uri = if test_dir && name.len() > 1 { name.strip_suffix('/').unwrap_or(&name).to_string() } else { name };
                return Flow::Next;
            }
        }
        let last = self.eval(&d.args[n - 1]);
        if let Some(code) = last.strip_prefix('=') {
            let code = code.parse::<u16>().unwrap_or(404);
            self.step(format!("try_files falls back to ={code}"), Some(span));
            return Flow::Done(code);
        }
        if last.starts_with('@') {
            if self.enter_named(&last) {
                return Flow::Named;
            }
            return Flow::Done(500);
        }
        self.step(["try_files falls back to an internal redirect to \"", &last, "\""].concat(), Some(span));
        match last.split_once('?') {
            Some((u, a)) => {
                self.uri = u.to_string();
                self.args = a.to_string();
            }
            None => self.uri = last,
        }
        Flow::Internal
    }

    fn static_content(&mut self) -> Flow {
        let get_head_post = matches!(self.method.as_str(), "GET" | "HEAD" | "POST");
        if self.uri.ends_with('/') {
            if get_head_post {
                let index = self.lookup("index");
                let count = index.map_or(1, |d| d.args.len());
                let dir = self.map_path(&self.uri.clone());
                for k in 0..count {
                    let n = self.eval(index.map_or("index.html", |d| d.args[k].as_str()));
                    if n.starts_with('/') {
                        self.step(format!("index: internal redirect to \"{n}\""), self.lookup("index").map(|d| d.span));
                        self.uri = n;
                        return Flow::Internal;
                    }
                    let path = format!("{dir}{n}");
                    match self.sim.fs.kind(&path) {
                        Kind::File | Kind::Dir => {
                            let target = format!("{}{n}", self.uri);
                            self.step(format!("index: \"{path}\" exists, internal redirect to \"{target}\""), self.lookup("index").map(|d| d.span));
                            self.uri = target;
                            return Flow::Internal;
                        }
                        _ => {}
                    }
                }
                match self.sim.fs.kind(&dir) {
                    Kind::Dir => {}
                    _ => {
                        self.step(format!("index: directory \"{dir}\" is not found: 404"), None);
                        return Flow::Done(404);
                    }
                }
                if self.flag("autoindex", false) && self.method != "POST" {
                    return self.autoindex(&dir);
                }
            }
            if !get_head_post {
                return Flow::Done(405);
            }
            self.step("directory index is forbidden: 403", None);
            return Flow::Done(403);
        }
        if !get_head_post {
            self.step(format!("{} is not allowed for static files: 405", self.method), None);
            return Flow::Done(405);
        }
        let path = self.map_path(&self.uri.clone());
        match self.sim.fs.kind(&path) {
            Kind::File => {
                if self.method == "POST" {
                    self.step("POST to a static file: 405", None);
                    return Flow::Done(405);
                }
                self.step(format!("serves file \"{path}\""), None);
                self.res.status = Some(200);
                self.res.source = Source::File;
                self.res.file = Some(self.sim.fs.canonical(&path));
                Flow::Done(0)
            }
            Kind::Dir => {
                let mut target = format!("{}/", self.uri);
                if !self.args.is_empty() {
                    target.push('?');
                    target.push_str(&self.args);
                }
                self.step(format!("\"{path}\" is a directory: 301 to add a slash"), None);
                self.res.location = Some(self.absolute_location(&target));
                Flow::Done(301)
            }
            _ => {
                self.step(format!("\"{path}\" does not exist: 404"), None);
                Flow::Done(404)
            }
        }
    }

    fn autoindex(&mut self, dir: &str) -> Flow {
        let mut entries = self.sim.fs.list(dir);
        entries.sort_by_key(|e| (!e.0.ends_with('/'), e.0.clone()));
        let mut body = format!("<html>\r\n<head><title>Index of {0}</title></head>\r\n<body>\r\n<h1>Index of {0}</h1><hr><pre><a href=\"../\">../</a>\r\n", self.uri);
        for (e, size) in entries {
            let size = size.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
            let pad = 50usize.saturating_sub(e.chars().count());
            body.push_str(&format!("<a href=\"{e}\">{e}</a>{} 01-Jan-2024 00:00 {size:>19}\r\n", " ".repeat(pad)));
        }
        body.push_str("</pre><hr></body>\r\n</html>\r\n");
        self.step(format!("autoindex lists \"{dir}\""), self.lookup("autoindex").map(|d| d.span));
        self.res.status = Some(200);
        self.res.source = Source::Body;
        self.res.body = Some(body);
        Flow::Done(0)
    }
}

fn loc_of(kind: &ScopeKind) -> Option<usize> {
    match kind {
        ScopeKind::Location(l) => Some(*l),
        _ => None,
    }
}

fn absolutize(p: String) -> String {
    if p.starts_with('/') {
        p
    } else {
        format!("{PREFIX}{p}")
    }
}
