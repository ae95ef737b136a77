//! The `*_pass` handlers: which backend is contacted, the URI, Host and headers it gets, and what comes back.

use super::balance::{implicit_upstream, Contact, Final, NextUpstream, PickKey, RetryConfig};
use super::phpfpm;
use super::result::{Source, UpstreamHit};
use super::sim::{Flow, Run};
use super::uri::{escape, Escape};
use super::vars::has_vars;
use crate::model::{Dir, Modifier, ScopeKind};

/// Client headers nginx never passes on as they are.
const HOP_HEADERS: &[&str] = &["host", "connection", "content-length", "keep-alive", "te", "expect", "upgrade", "transfer-encoding", "x-oracle-client-addr"];

/// A parsed `*_pass` target.
struct Target {
    /// `host[:port]` as written (or `unix:/path`).
    authority: String,
    /// The URI part, when the target has one.
    uri: Option<String>,
    /// Default port for the scheme.
    https: bool,
}

fn split_target(t: &str) -> Target {
    let (https, rest) = if let Some(r) = t.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("http://") {
        (false, r)
    } else if let Some(r) = t.strip_prefix("grpcs://") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("grpc://") {
        (false, r)
    } else {
        (false, t)
    };
    if let Some(path) = rest.strip_prefix("unix:") {
        // `unix:/path.sock:/uri` — the socket path ends at the next colon.
        return match path.find(':') {
            Some(i) => Target { authority: format!("unix:{}", &path[..i]), uri: Some(path[i + 1..].to_string()), https },
            None => Target { authority: format!("unix:{path}"), uri: None, https },
        };
    }
    match rest.find(['/', '?']) {
        Some(i) => {
            let u = &rest[i..];
            let u = if u.starts_with('?') { format!("/{u}") } else { u.to_string() };
            Target { authority: rest[..i].to_string(), uri: Some(u), https }
        }
        None => Target { authority: rest.to_string(), uri: None, https },
    }
}

impl Run<'_, '_> {
    /// Runs a `*_pass` content handler.
    pub fn proxy(&mut self, d: &Dir) -> Flow {
        let m = self.model();
        let kind = d.name.trim_end_matches("_pass").to_string();
        let raw = d.args.first().cloned().unwrap_or_default();
        let dynamic = has_vars(&raw);
        let text = if dynamic { self.eval(&raw) } else { raw.clone() };
        let t = split_target(&text);
        let protocol = match kind.as_str() {
            "proxy" => "http".to_string(),
            k => k.to_string(),
        };
        let host_only = t.authority.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map(|(h, _)| h).unwrap_or(&t.authority).to_string();
        let default_port = if t.https { 443 } else { 80 };
        let port_written = t.authority.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok());
        let proxy_host = if t.authority.starts_with("unix:") {
            "localhost".to_string()
        } else {
            match port_written {
                Some(p) if p != default_port => t.authority.clone(),
                _ => host_only.clone(),
            }
        };
        self.vars.insert("\u{0}proxy_host".into(), proxy_host.clone());
        self.vars.insert("\u{0}proxy_port".into(), port_written.unwrap_or(default_port).to_string());
        // The upstream block, or an implicit one for host:port.
        let index = &self.sim.index;
        let block = index.upstream(m, &t.authority).or_else(|| if port_written.is_none() { index.upstream(m, &host_only) } else { None });
        if block.is_none() && dynamic && !t.authority.starts_with("unix:") && self.sim.backends.is_nxdomain(&host_only) {
            self.step(format!("{host_only} could not be resolved: 502"), Some(d.span));
            return Flow::Done(502);
        }
        if block.is_none() && dynamic && self.lookup("resolver").is_none() && !t.authority.starts_with("unix:") {
            self.step(format!("no resolver defined to resolve {host_only}: 502"), Some(d.span));
            return Flow::Done(502);
        }
        let implicit;
        let up = match block {
            Some(u) => u,
            None => {
                let addr = if dynamic && port_written.is_none() && !t.authority.starts_with("unix:") {
                    format!("{}:{default_port}", t.authority)
                } else {
                    t.authority.clone()
                };
                implicit = implicit_upstream(&addr);
                &implicit
            }
        };
        let cgi = matches!(kind.as_str(), "fastcgi" | "uwsgi" | "scgi");
        let params = if cgi { self.params(&kind) } else { Vec::new() };
        let uri = match kind.as_str() {
            "proxy" | "grpc" => self.proxy_uri(&t, dynamic),
            // CGI-style backends report the REQUEST_URI param they got (empty when none was sent).
            _ if cgi => params.iter().rev().find(|(k, _)| k == "REQUEST_URI").map(|(_, v)| v.clone()).unwrap_or_default(),
            _ => self.req.target.clone(),
        };
        let method = if kind == "proxy" {
            self.lookup("proxy_method").and_then(|x| x.args.first()).cloned().map(|x| self.eval(&x)).unwrap_or_else(|| self.method.clone())
        } else {
            self.method.clone()
        };
        let (host, headers) = if kind == "proxy" { self.proxy_headers() } else { (self.req.header("host").map(str::to_string), Vec::new()) };
        let php = (kind == "fastcgi").then(|| phpfpm::verdict(&self.sim.fs, &params));
        let php_answer = php.as_ref().and_then(phpfpm::Verdict::answer);
        // The oracle's HTTP backends switch protocols for a websocket handshake that reaches them over HTTP/1.1.
        let http11 = kind == "proxy" && self.lookup("proxy_http_version").and_then(|x| x.args.first()).is_some_and(|v| v == "1.1");
        let switches = http11 && websocket_handshake(&headers);
        let hash_key = match &up.balance {
            crate::model::Balance::Hash { key, .. } => self.eval(key),
            _ => String::new(),
        };
        let next = match self.lookup(&format!("{kind}_next_upstream")) {
            Some(x) => NextUpstream::parse(&x.args),
            None => NextUpstream::default(),
        };
        let tries_limit = self.lookup(&format!("{kind}_next_upstream_tries")).and_then(|x| x.args.first()).and_then(|a| a.parse().ok()).unwrap_or(0);
        let cfg = RetryConfig { next, tries_limit, non_idempotent_method: RetryConfig::non_idempotent(&method) };
        let upstream_name = if block.is_some() { Some(up.name.clone()) } else { None };
        let client = self.req.client.clone();
        let key = PickKey { client_addr: &client, hash_key: &hash_key };
        let backends = &self.sim.backends;
        let req = self.req;
        let grpc = kind == "grpc";
        let attempts = self.sim.balancer.attempts(up, &key, &cfg, |i| {
            let server = &up.servers[i].addr;
            let state = backends.state_for(upstream_name.as_deref(), server);
            if state.down {
                return Contact::Refused;
            }
            if grpc {
                return Contact::Status(502);
            }
            if let Some((status, _)) = php_answer {
                return Contact::Status(status);
            }
            match req.status_override(upstream_name.as_deref(), server).or(state.status).unwrap_or(200) {
                200 if switches => Contact::Status(101),
                status => Contact::Status(status),
            }
        });
        let mut statuses = Vec::new();
        for tr in &attempts.tries {
            let server = up.servers[tr.server].addr.clone();
            let hit = UpstreamHit {
                upstream: upstream_name.clone().unwrap_or_default(),
                server: server.clone(),
                protocol: protocol.clone(),
                method: method.clone(),
                uri: uri.clone(),
                host: host.clone(),
                headers: headers.clone(),
                params: params.clone(),
            };
            match tr.contact {
                Contact::Refused => statuses.push("502".to_string()),
                Contact::Status(s) => {
                    statuses.push(s.to_string());
                    self.res.upstream_hits.push(hit.clone());
                    self.res.upstream = Some(hit);
                }
            }
            self.step(format!("{kind}_pass contacts {server} with \"{method} {uri}\""), Some(d.span));
            if switches && tr.contact == Contact::Status(101) {
                self.step("the backend got Upgrade: websocket and Connection: upgrade over HTTP/1.1: it answers 101 Switching Protocols", Some(d.span));
            }
            if let (Some(v), Contact::Status(_)) = (&php, tr.contact) {
                let span = self.model().lookup_all(self.scope, "fastcgi_param").into_iter().rev().find(|p| p.args.first().is_some_and(|k| k == "SCRIPT_FILENAME")).map_or(d.span, |p| p.span);
                self.step(v.explain(), Some(span));
            }
        }
        self.upstream_status = Some(statuses.join(", "));
        match attempts.result {
            Final::Response { status, .. } => {
                let intercept = self.flag(&format!("{kind}_intercept_errors"), false);
                if grpc {
                    return Flow::Done(502);
                }
                if intercept && status >= 300 && self.has_error_page(status) {
                    self.res.upstream = None;
                    self.step(format!("the backend answered {status}; {kind}_intercept_errors hands it to error_page"), None);
                    return Flow::Done(status);
                }
                self.res.status = Some(status);
                self.res.source = Source::Upstream;
                self.res.body = php_answer.map(|(_, body)| body.to_string());
                Flow::Done(0)
            }
            Final::BadGateway | Final::NoLive => {
                self.step("no backend answered: 502", Some(d.span));
                Flow::Done(502)
            }
        }
    }

    fn has_error_page(&self, code: u16) -> bool {
        let c = code.to_string();
        self.model().lookup_all(self.scope, "error_page").iter().any(|d| d.args.len() >= 2 && d.args[..d.args.len() - 1].contains(&c))
    }

    /// The request URI proxy_pass sends.
    fn proxy_uri(&mut self, t: &Target, dynamic: bool) -> String {
        let args = if self.args.is_empty() { String::new() } else { format!("?{}", self.args) };
        if dynamic {
            if let Some(u) = &t.uri {
                // The value goes into the request line unescaped; the backend reads up to the first space.
                return u.split(' ').next().unwrap_or("").to_string();
            }
        }
        let span = self.lookup("proxy_pass").map(|d| d.span);
        match &t.uri {
            None => {
                if !self.internal {
                    self.step("proxy_pass without a URI part: the request line's URI goes as the client sent it", span);
                    self.req.target.clone()
                } else {
                    self.step("proxy_pass without a URI part: the URI was changed, so the current $uri goes, escaped", span);
                    format!("{}{args}", escape(&self.uri, Escape::Uri))
                }
            }
            Some(base) => {
                let m = self.model();
                let loc = self.loc.map(|l| &m.locations[l]);
                let in_if = matches!(m.scopes[self.scope].kind, ScopeKind::If { .. });
                let valid = !self.vars.contains_key("\u{0}invalid_location");
                match loc {
                    Some(l) if valid && !in_if && matches!(l.modifier, Modifier::Prefix | Modifier::PrefixNoRegex | Modifier::Exact) => {
                        let cut = if self.uri.starts_with(&l.pattern) { l.pattern.len() } else { 0 };
                        let pattern = l.pattern.clone();
                        self.step(["proxy_pass with a URI part: \"", &pattern, "\" is replaced by \"", base, "\""].concat(), span);
                        format!("{base}{}{args}", escape(&self.uri[cut..], Escape::Uri))
                    }
                    _ => format!("{}{args}", escape(&self.uri, Escape::Uri)),
                }
            }
        }
    }

    /// The Host value and the header list proxy_pass sends.
    fn proxy_headers(&mut self) -> (Option<String>, Vec<(String, String)>) {
        let m = self.model();
        let set: Vec<(String, String)> = m.lookup_all(self.scope, "proxy_set_header").iter().filter(|d| d.args.len() >= 2).map(|d| (d.args[0].clone(), d.args[1].clone())).collect();
        let mut out: Vec<(String, String)> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in &set {
            seen.push(k.to_ascii_lowercase());
            let v = self.eval(v);
            if !v.is_empty() {
                out.push((k.clone(), v));
            }
        }
        let body_len = self.req.header("content-length").map(str::to_string);
        let mut defaults = vec![("Host", "$proxy_host".to_string()), ("Connection", "close".to_string())];
        if let Some(l) = body_len {
            defaults.push(("Content-Length", l));
        }
        for (k, v) in defaults {
            if !seen.contains(&k.to_ascii_lowercase()) {
                let v = self.eval(&v);
                out.push((k.to_string(), v));
                seen.push(k.to_ascii_lowercase());
            }
        }
        let pass_headers = self.flag("proxy_pass_request_headers", true);
        if pass_headers {
            let hide: Vec<String> = Vec::new();
            for (k, v) in &self.req.headers {
                let lk = k.to_ascii_lowercase();
                if seen.contains(&lk) || HOP_HEADERS.contains(&lk.as_str()) || hide.contains(&lk) {
                    continue;
                }
                out.push((k.clone(), v.clone()));
            }
        }
        let host = out.iter().find(|(k, _)| k.eq_ignore_ascii_case("host")).map(|(_, v)| v.clone());
        (host, out)
    }

    /// `$fastcgi_script_name` and `$fastcgi_path_info` for the current URI and location, as nginx computes them
    /// when first read: `fastcgi_split_path_info`'s two captures when it matches, else the whole URI; a URI
    /// ending in `/` gets `fastcgi_index` appended to the script name.
    pub fn fastcgi_split(&mut self) -> (String, String) {
        let mut script = self.uri.clone();
        let mut path_info = String::new();
        if let Some(p) = self.lookup("fastcgi_split_path_info").and_then(|d| d.args.first()).cloned() {
            if let Some(re) = self.sim.regex(&p, false) {
                if let crate::model::regex::Match::Captures { numbered, .. } = re.captures(&self.uri) {
                    script = numbered.get(1).cloned().unwrap_or_default();
                    path_info = numbered.get(2).cloned().unwrap_or_default();
                }
            }
        }
        if script.ends_with('/') {
            if let Some(idx) = self.lookup("fastcgi_index").and_then(|d| d.args.first()).cloned() {
                script.push_str(&idx);
            }
        }
        (script, path_info)
    }

    /// FastCGI/uwsgi/SCGI parameters, evaluated.
    fn params(&mut self, kind: &str) -> Vec<(String, String)> {
        let m = self.model();
        let dirs = m.lookup_all(self.scope, &format!("{kind}_param"));
        let mut out = Vec::new();
        for d in dirs {
            if d.args.len() >= 2 {
                let v = self.eval(&d.args[1]);
                // `if_not_empty` sends the parameter only when its value is not empty.
                if v.is_empty() && d.args.get(2).is_some_and(|a| a == "if_not_empty") {
                    continue;
                }
                out.push((d.args[0].clone(), v));
            }
        }
        out
    }
}

/// Whether a request with these headers is a websocket handshake: `Upgrade` names websocket and `Connection` names
/// upgrade (the last of each header counts, case-insensitively).
fn websocket_handshake(headers: &[(String, String)]) -> bool {
    let last = |name: &str| headers.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_ascii_lowercase());
    last("upgrade").is_some_and(|v| v.contains("websocket")) && last("connection").is_some_and(|v| v.contains("upgrade"))
}
