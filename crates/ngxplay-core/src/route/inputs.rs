//! The three input files of a routing case, read exactly as the oracle reads them: requests, static files, backends.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Level};
use crate::fxhash::FxHashSet;

/// The `User-Agent` the oracle's client sends unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = "curl/7.88.1";

/// One line of `requests.txt`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestLine {
    /// The 1-based line in the requests text.
    pub line: u32,
    /// The line as written, trimmed: the oracle's `request` field.
    pub raw: String,
    pub method: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The URL authority as written, e.g. `Main.Test:80`.
    pub authority: String,
    /// The authority's host as written (`[::1]` keeps its brackets).
    pub host: String,
    /// The port written in the URL, if any.
    pub url_port: Option<u16>,
    /// The URL port, or 80/443 by scheme.
    pub port: u16,
    /// Path and query exactly as written (a bare `?q` becomes `/?q`, an empty one `/`, a `#fragment` is dropped).
    pub target: String,
    /// The headers sent, in the order the oracle sends them.
    pub headers: Vec<(String, String)>,
    /// The client address; `127.0.0.1` unless `client=` says otherwise.
    pub client: String,
    /// Whether `client=` was given (the oracle ignores it when the config uses realip itself).
    pub client_explicit: bool,
    /// `port=N`: connect to another port than the URL's.
    pub connect_port: Option<u16>,
    /// `addr=IP`: which listen address to hit.
    pub addr: Option<String>,
    /// `1.1` unless `version=` says otherwise.
    pub version: String,
    pub repeat: u32,
    /// `upstream-status=CODE` (key `None`) and `upstream-status:KEY=CODE`; a later entry for a key replaces an earlier one.
    pub upstream_status: Vec<(Option<String>, u16)>,
    pub body: Option<String>,
    /// `sni=NAME` as given.
    pub sni: Option<String>,
    pub nohost: bool,
}

impl RequestLine {
    /// The port the connection goes to: `port=` or the URL's.
    pub fn sent_port(&self) -> u16 {
        self.connect_port.unwrap_or(self.port)
    }

    /// The request line's protocol, e.g. `HTTP/1.1`.
    pub fn http_version(&self) -> String {
        let mut s = String::with_capacity(5 + self.version.len());
        s.push_str("HTTP/");
        s.push_str(&self.version);
        s
    }

    /// The TLS server name sent for `https`: `sni=`, else the host unless it is an IP literal.
    pub fn effective_sni(&self) -> Option<String> {
        if let Some(s) = &self.sni {
            return Some(s.clone());
        }
        let literal = self.host.starts_with('[') || is_ipv4_text(&self.host);
        (!literal).then(|| self.host.clone())
    }

    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header called `name` (case-insensitive), in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The status the backends answer during this request, as the oracle looks it up:
    /// `upstream/server`, then the server, then the upstream, then the bare `upstream-status=`.
    pub fn status_override(&self, upstream: Option<&str>, server: &str) -> Option<u16> {
        let find = |k: Option<&str>| self.upstream_status.iter().find(|(key, _)| key.as_deref() == k).map(|(_, c)| *c);
        if let Some(up) = upstream {
            let both = format!("{up}/{server}");
            find(Some(both.as_str())).or_else(|| find(Some(server))).or_else(|| find(Some(up))).or_else(|| find(None))
        } else {
            find(Some(server)).or_else(|| find(None))
        }
    }
}

/// Four dot-separated runs of one to three digits, as the oracle's `is_ipv4` tests.
fn is_ipv4_text(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Splits a line into words like Python's `shlex.split` (POSIX mode, no comments).
pub fn shell_split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => return Err("no closing quotation".into()),
                        },
                        Some(x) => cur.push(x),
                        None => return Err("no closing quotation".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(x) => cur.push(x),
                    None => return Err("no escaped character".into()),
                }
            }
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Splits `host:port`, `[v6]:port` or `host` the way the oracle does; a port that is not all digits stays in the host.
fn split_hostport(s: &str) -> (String, Option<&str>) {
    if s.starts_with('[') {
        let Some(j) = s.find(']') else { return (s.to_string(), None) };
        let rest = &s[j + 1..];
        let port = rest.strip_prefix(':').filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        return (s[..=j].to_string(), port);
    }
    if s.matches(':').count() == 1 {
        if let Some((h, p)) = s.split_once(':') {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                return (h.to_string(), Some(p));
            }
        }
    }
    (s.to_string(), None)
}

fn parse_port(text: &str, what: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(format!("invalid {what} \"{text}\"")),
    }
}

/// Parses one non-blank, non-comment request line.
fn parse_request(line: u32, raw: &str) -> Result<RequestLine, String> {
    let parts = shell_split(raw)?;
    if parts.len() < 2 {
        return Err("a request line needs METHOD URL".into());
    }
    let method = parts[0].clone();
    let url = parts[1].as_str();
    let (scheme, rest) = if let Some(r) = url.strip_prefix("http://") {
        ("http", r)
    } else if let Some(r) = url.strip_prefix("https://") {
        ("https", r)
    } else {
        return Err(format!("the URL must be absolute http(s)://host/...: \"{url}\""));
    };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let mut target = rest[auth_end..].split('#').next().unwrap_or("").to_string();
    if target.is_empty() {
        target = "/".into();
    } else if target.starts_with('?') {
        target.insert(0, '/');
    }
    let (host, port_text) = split_hostport(authority);
    let url_port = match port_text {
        Some(p) => Some(parse_port(p, "URL port")?),
        None => None,
    };
    let mut r = RequestLine {
        line,
        raw: raw.to_string(),
        method,
        scheme: scheme.into(),
        authority: authority.to_string(),
        host,
        url_port,
        port: url_port.unwrap_or(if scheme == "https" { 443 } else { 80 }),
        target,
        client: "127.0.0.1".into(),
        version: "1.1".into(),
        repeat: 1,
        ..RequestLine::default()
    };
    let mut user_headers: Vec<(String, String)> = Vec::new();
    for f in &parts[2..] {
        if let Some(kv) = f.strip_prefix("header:").or_else(|| f.strip_prefix("h:")) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            user_headers.push((k.to_string(), v.to_string()));
        } else if f.starts_with("upstream-status") {
            let (k, v) = f.split_once('=').unwrap_or((f.as_str(), ""));
            let key = k.split_once(':').map(|(_, key)| key.to_string());
            let code = v.trim().parse::<u16>().map_err(|_| format!("invalid status \"{v}\" in \"{f}\""))?;
            r.upstream_status.retain(|(k2, _)| *k2 != key);
            r.upstream_status.push((key, code));
        } else if let Some((k, v)) = f.split_once('=') {
            match k {
                "port" => r.connect_port = Some(parse_port(v, "port")?),
                "client" => {
                    r.client = v.to_string();
                    r.client_explicit = true;
                }
                "body" => r.body = Some(v.to_string()),
                "version" => r.version = v.to_string(),
                "repeat" => r.repeat = v.parse::<u32>().map_err(|_| format!("invalid repeat \"{v}\""))?,
                "addr" => r.addr = Some(v.to_string()),
                "sni" => r.sni = Some(v.to_string()),
                _ => return Err(format!("unknown request field \"{k}\"")),
            }
        } else if f == "nohost" {
            r.nohost = true;
        } else {
            return Err(format!("unknown request field \"{f}\""));
        }
    }
    let has = |name: &str| user_headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let mut headers = Vec::new();
    if !r.nohost && !has("host") {
        headers.push(("Host".to_string(), r.authority.clone()));
    }
    if !has("user-agent") {
        headers.push(("User-Agent".to_string(), DEFAULT_USER_AGENT.to_string()));
    }
    if !has("accept") {
        headers.push(("Accept".to_string(), "*/*".to_string()));
    }
    let content_length = match &r.body {
        Some(b) if !has("content-length") => Some(b.len().to_string()),
        _ => None,
    };
    let connection = !has("connection");
    headers.extend(user_headers);
    if let Some(n) = content_length {
        headers.push(("Content-Length".to_string(), n));
    }
    if connection {
        headers.push(("Connection".to_string(), "close".to_string()));
    }
    r.headers = headers;
    Ok(r)
}

/// The non-blank lines of a data file that are not `#` comments, trimmed, with their line numbers.
fn content_lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// Reads `requests.txt`. Lines that the oracle would refuse become errors and are left out.
pub fn parse_requests(text: &str, file_name: &str) -> (Vec<RequestLine>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for (line, raw) in content_lines(text) {
        match parse_request(line, raw) {
            Ok(r) => out.push(r),
            Err(e) => diags.push(Diagnostic::in_input(Level::Error, "bad-request-line", e, file_name, line)),
        }
    }
    (out, diags)
}

/// The simulated disk: the files of `files.txt` (each holding its own path and a newline) and directories.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaticFiles {
    /// Hashed: the simulator asks about paths on every request; only [`StaticFiles::list_dir`] needs an order,
    /// and it sorts what it finds.
    files: FxHashSet<String>,
    dirs: FxHashSet<String>,
}

/// A path with repeated slashes merged and no trailing slash (except for `/` itself).
pub fn clean_path(p: &str) -> Cow<'_, str> {
    if is_clean(p) {
        return Cow::Borrowed(p);
    }
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    Cow::Owned(out)
}

/// Whether `p` has no repeated slash and no trailing slash (other than `/` itself): what `clean_path` leaves alone.
pub fn is_clean(p: &str) -> bool {
    let b = p.as_bytes();
    if b.len() > 1 && b[b.len() - 1] == b'/' {
        return false;
    }
    let mut prev = 0u8;
    for &c in b {
        if c == b'/' && prev == b'/' {
            return false;
        }
        prev = c;
    }
    true
}

impl StaticFiles {
    /// Adds a directory and its parents.
    pub fn add_dir(&mut self, path: &str) {
        let mut d = clean_path(path).into_owned();
        loop {
            if !self.dirs.insert(d.clone()) || d == "/" {
                break;
            }
            d = match d.rfind('/') {
                Some(0) | None => "/".to_string(),
                Some(i) => d[..i].to_string(),
            };
        }
    }

    /// Adds a file; its parents become directories.
    pub fn add_file(&mut self, path: &str) {
        let p = clean_path(path);
        if let Some(i) = p.rfind('/') {
            self.add_dir(if i == 0 { "/" } else { &p[..i] });
        }
        self.files.insert(p.into_owned());
    }

    pub fn is_file(&self, path: &str) -> bool {
        !path.ends_with('/') && self.files.contains(clean_path(path).as_ref())
    }

    /// [`StaticFiles::is_file`] for a path known to be clean (see [`is_clean`]).
    pub fn is_clean_file(&self, path: &str) -> bool {
        !path.ends_with('/') && self.files.contains(path)
    }

    /// [`StaticFiles::is_dir`] for a path known to be clean.
    pub fn is_clean_dir(&self, path: &str) -> bool {
        self.dirs.contains(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.dirs.contains(clean_path(path).as_ref())
    }

    /// The size of a file: its path plus a newline, as the oracle writes it.
    pub fn file_size(&self, path: &str) -> Option<u64> {
        let p = clean_path(path);
        self.files.contains(p.as_ref()).then(|| p.len() as u64 + 1)
    }

    /// The entries of a directory as `(name, is_dir)`, sorted by name bytes.
    pub fn list_dir(&self, path: &str) -> Vec<(String, bool)> {
        let d = clean_path(path);
        let prefix = if d == "/" { "/".to_string() } else { format!("{d}/") };
        let child = |p: &String| -> Option<String> {
            let rest = p.strip_prefix(&prefix)?;
            (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
        };
        let mut out: Vec<(String, bool)> = self.dirs.iter().filter_map(|p| child(p).map(|n| (n, true))).collect();
        out.extend(self.files.iter().filter_map(|p| child(p).map(|n| (n, false))));
        out.sort();
        out
    }
}

/// Reads `files.txt`: absolute paths, a trailing `/` for a directory.
pub fn parse_files(text: &str, file_name: &str) -> (StaticFiles, Vec<Diagnostic>) {
    let mut fs = StaticFiles::default();
    let mut diags = Vec::new();
    for (line, p) in content_lines(text) {
        if !p.starts_with('/') {
            let msg = format!("files.txt paths must be absolute: \"{p}\"");
            diags.push(Diagnostic::in_input(Level::Error, "relative-file-path", msg, file_name, line));
        } else if p.ends_with('/') {
            fs.add_dir(p);
        } else {
            fs.add_file(p);
        }
    }
    (fs, diags)
}

/// How one backend behaves, from `backends.txt`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackendAttrs {
    pub down: bool,
    pub status: Option<u16>,
    pub nxdomain: bool,
    /// `proto=a,b`: the protocols the backend speaks instead of the ones the config uses.
    pub proto: Option<Vec<String>>,
}

impl BackendAttrs {
    fn is_empty(&self) -> bool {
        *self == BackendAttrs::default()
    }
}

/// What a contacted backend does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackendState {
    /// Nothing listens: the connection is refused.
    pub down: bool,
    /// The status it answers; `None` means 200.
    pub status: Option<u16>,
}

/// The entries of `backends.txt` by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backends {
    entries: BTreeMap<String, BackendAttrs>,
}

impl Backends {
    /// The attributes for a backend, looked up as the oracle does: for an upstream server the first non-empty entry of
    /// `upstream/server`, the server as written and the upstream name; for a `*_pass` target the target as written.
    pub fn attrs_for(&self, upstream: Option<&str>, server: &str) -> BackendAttrs {
        let get = |k: &str| self.entries.get(k).filter(|a| !a.is_empty());
        let found = match upstream {
            Some(up) => get(&format!("{up}/{server}")).or_else(|| get(server)).or_else(|| get(up)),
            None => get(server),
        };
        found.cloned().unwrap_or_default()
    }

    pub fn state_for(&self, upstream: Option<&str>, server: &str) -> BackendState {
        let a = self.attrs_for(upstream, server);
        BackendState { down: a.down, status: a.status }
    }

    /// Whether a host name does not resolve: marked `nxdomain`, or under `.invalid`.
    /// The names marked `nxdomain`, which the checker must treat as unresolvable; an `upstream/server` key gives its server.
    pub fn nxdomain_names(&self) -> Vec<String> {
        self.entries.iter().filter(|(_, a)| a.nxdomain).map(|(k, _)| k.rsplit('/').next().unwrap_or(k).to_string()).collect()
    }

    pub fn is_nxdomain(&self, host: &str) -> bool {
        let h = host.to_ascii_lowercase();
        h.ends_with(".invalid") || self.entries.iter().any(|(k, a)| a.nxdomain && k.eq_ignore_ascii_case(&h))
    }
}

/// Reads `backends.txt`: `KEY attr...` with attrs `down`, `status=NNN`, `nxdomain`, `proto=a,b`.
pub fn parse_backends(text: &str, file_name: &str) -> (Backends, Vec<Diagnostic>) {
    let mut b = Backends::default();
    let mut diags = Vec::new();
    for (line, l) in content_lines(text) {
        let mut words = l.split_whitespace();
        let Some(key) = words.next() else { continue };
        let mut attrs = BackendAttrs::default();
        for w in words {
            let (k, v) = w.split_once('=').map_or((w, None), |(k, v)| (k, Some(v)));
            match (k, v) {
                ("down", None) => attrs.down = true,
                ("nxdomain", None) => attrs.nxdomain = true,
                ("status", Some(v)) => match v.parse::<u16>() {
                    Ok(code) if (100..=999).contains(&code) => attrs.status = Some(code),
                    _ => {
                        let msg = format!("invalid status \"{v}\" for backend \"{key}\"");
                        diags.push(Diagnostic::in_input(Level::Error, "bad-backend-attr", msg, file_name, line));
                    }
                },
                ("proto", Some(v)) => attrs.proto = Some(v.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect()),
                _ => {
                    let msg = format!("unknown backend attribute \"{w}\" for \"{key}\"");
                    diags.push(Diagnostic::in_input(Level::Error, "bad-backend-attr", msg, file_name, line));
                }
            }
        }
        b.entries.insert(key.to_string(), attrs);
    }
    (b, diags)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nxdomain_keys_are_collected() {
        let (b, _) = super::parse_backends("a.example nxdomain\napi/b.example:80 nxdomain # x\nc down\n", "backends.txt");
        assert_eq!(b.nxdomain_names(), ["a.example", "b.example:80"]);
    }

    use super::*;

    #[test]
    fn shell_split_matches_shlex() {
        assert_eq!(shell_split(r#"GET "header:User-Agent=Mozilla/5.0 (iPhone)" x#y"#).unwrap(), vec!["GET", "header:User-Agent=Mozilla/5.0 (iPhone)", "x#y"]);
        assert_eq!(shell_split(r#"a 'b c' "d\"e\q" f\ g"#).unwrap(), vec!["a", "b c", "d\"e\\q", "f g"]);
        assert!(shell_split("a \"b").is_err());
        assert!(shell_split("a \\").is_err());
    }

    #[test]
    fn default_headers_in_oracle_order() {
        let (reqs, d) = parse_requests("# c\n\nGET http://Main.Test:80/host/ header:X-Test=1 body=abc\n", "requests.txt");
        assert!(d.is_empty());
        let r = &reqs[0];
        assert_eq!(r.line, 3);
        assert_eq!(r.raw, "GET http://Main.Test:80/host/ header:X-Test=1 body=abc");
        assert_eq!((r.host.as_str(), r.url_port, r.port, r.target.as_str()), ("Main.Test", Some(80), 80, "/host/"));
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Host", "User-Agent", "Accept", "X-Test", "Content-Length", "Connection"]);
        assert_eq!(r.header("host"), Some("Main.Test:80"));
        assert_eq!(r.header("content-length"), Some("3"));
    }

    #[test]
    fn fields() {
        let text = "GET http://h.test?q nohost version=1.0 client=10.1.2.3 port=8080 repeat=3 upstream-status=502 upstream-status:api=503 upstream-status=504 header:Connection=keep-alive sni=x.test addr=[::]\n";
        let (reqs, d) = parse_requests(text, "requests.txt");
        assert!(d.is_empty(), "{d:?}");
        let r = &reqs[0];
        assert_eq!(r.target, "/?q");
        assert!(r.nohost && r.client_explicit);
        assert_eq!(r.header("host"), None);
        assert_eq!(r.header("connection"), Some("keep-alive"));
        assert_eq!(r.headers.last().map(|h| h.0.as_str()), Some("Connection"));
        assert_eq!((r.sent_port(), r.port, r.repeat), (8080, 80, 3));
        assert_eq!(r.http_version(), "HTTP/1.0");
        assert_eq!(r.upstream_status, vec![(Some("api".to_string()), 503), (None, 504)]);
        assert_eq!(r.status_override(Some("api"), "10.0.0.1:80"), Some(503));
        assert_eq!(r.status_override(Some("other"), "10.0.0.1:80"), Some(504));
        assert_eq!(r.effective_sni().as_deref(), Some("x.test"));
        assert_eq!(r.addr.as_deref(), Some("[::]"));
    }

    #[test]
    fn bad_lines_are_reported_with_their_line() {
        let (reqs, d) = parse_requests("GET /x\nGET http://a/ bogus\nGET http://a/ foo=1\nGET http://a/\n", "requests.txt");
        assert_eq!(reqs.len(), 1);
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].message, "unknown request field \"bogus\" in requests.txt:2");
        assert_eq!(d[2].line, Some(3));
        assert!(d.iter().all(|x| x.code == "bad-request-line"));
    }

    #[test]
    fn requests_of_every_recorded_case_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/route");
        let Ok(entries) = std::fs::read_dir(&dir) else { return };
        let mut checked = 0;
        for e in entries.flatten() {
            let (Ok(text), Ok(json)) = (std::fs::read_to_string(e.path().join("requests.txt")), std::fs::read_to_string(e.path().join("expected.json"))) else {
                continue;
            };
            let v: serde_json::Value = serde_json::from_str(&json).expect("expected.json is JSON");
            let (reqs, d) = parse_requests(&text, "requests.txt");
            assert!(d.is_empty(), "{:?}: {d:?}", e.path());
            for res in v["results"].as_array().into_iter().flatten() {
                let line = res["line"].as_u64().unwrap_or(0) as u32;
                let r = reqs.iter().find(|r| r.line == line).expect("recorded line is parsed");
                assert_eq!(res["request"].as_str(), Some(r.raw.as_str()));
                let sent = &res["sent"];
                assert_eq!(sent["target"].as_str(), Some(r.target.as_str()), "{:?} line {line}", e.path());
                assert_eq!(sent["host"].as_str(), Some(r.host.as_str()));
                assert_eq!(sent["port"].as_u64(), Some(u64::from(r.sent_port())));
                assert_eq!(sent["method"].as_str(), Some(r.method.as_str()));
                let headers: Vec<(String, String)> = sent["headers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| (h[0].as_str().unwrap_or("").to_string(), h[1].as_str().unwrap_or("").to_string()))
                    .collect();
                assert_eq!(headers, r.headers, "{:?} line {line}", e.path());
                if sent.get("client_ignored").is_none() {
                    assert_eq!(sent["client"].as_str(), Some(r.client.as_str()));
                }
                checked += 1;
            }
        }
        assert!(checked > 0 || !dir.exists());
    }

    #[test]
    fn files() {
        let (fs, d) = parse_files("/var/www/a/index.html\n/var/www/empty/\nrel/x\n# c\n", "files.txt");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(3));
        assert!(fs.is_file("/var/www/a/index.html") && !fs.is_file("/var/www/a/index.html/"));
        assert!(fs.is_dir("/var/www/a/") && fs.is_dir("/var") && fs.is_dir("/") && fs.is_dir("/var/www/empty"));
        assert!(!fs.is_dir("/var/www/a/index.html"));
        assert_eq!(fs.list_dir("/var/www"), vec![("a".to_string(), true), ("empty".to_string(), true)]);
        assert_eq!(fs.list_dir("/var/www/a"), vec![("index.html".to_string(), false)]);
        assert_eq!(fs.file_size("/var/www/a/index.html"), Some(22));
    }

    #[test]
    fn backends() {
        let text = "pool/10.0.0.1:8080 down\nsingle down\n10.0.0.8:8080 status=503\nbad.example nxdomain\napi proto=fastcgi\nx wat\n";
        let (b, d) = parse_backends(text, "backends.txt");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "unknown backend attribute \"wat\" for \"x\" in backends.txt:6");
        assert!(b.state_for(Some("pool"), "10.0.0.1:8080").down);
        assert!(!b.state_for(Some("pool"), "10.0.0.2:8080").down);
        assert!(b.state_for(Some("single"), "10.0.0.4:8080").down);
        assert_eq!(b.state_for(None, "10.0.0.8:8080").status, Some(503));
        assert_eq!(b.state_for(Some("other"), "10.0.0.8:8080").status, Some(503));
        assert!(b.is_nxdomain("Bad.Example") && b.is_nxdomain("x.invalid") && !b.is_nxdomain("good.example"));
        assert_eq!(b.attrs_for(Some("api"), "127.0.0.1:9000").proto, Some(vec!["fastcgi".to_string()]));
    }
}
