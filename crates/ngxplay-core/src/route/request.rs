//! The simulator's view of one request line: method, target, headers, client and per-request backend overrides.

/// One request as the simulator needs it, whatever parser produced it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// Line number in the requests text.
    pub line: u32,
    /// The line as written (without a trailing comment).
    pub text: String,
    pub method: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The URL's host as written.
    pub url_host: String,
    /// The port connected to.
    pub port: u16,
    /// The origin-form target, byte for byte.
    pub target: String,
    /// `HTTP/1.1` unless `version=` said otherwise.
    pub version: String,
    /// Request headers in order, defaults included.
    pub headers: Vec<(String, String)>,
    pub client: String,
    /// `addr=`: the listen address the request arrives on.
    pub addr: Option<String>,
    pub body: Option<String>,
    pub repeat: u32,
    /// `upstream-status=CODE` (key `None`) or `upstream-status:KEY=CODE`.
    pub upstream_status: Vec<(Option<String>, u16)>,
    pub sni: Option<String>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The status backends answer during this request: `upstream/server`, server, upstream, then the bare override.
    pub fn status_override(&self, upstream: Option<&str>, server: &str) -> Option<u16> {
        let find = |k: Option<&str>| self.upstream_status.iter().rev().find(|(key, _)| key.as_deref() == k).map(|(_, c)| *c);
        match upstream {
            Some(up) => find(Some(format!("{up}/{server}").as_str())).or_else(|| find(Some(server))).or_else(|| find(Some(up))).or_else(|| find(None)),
            None => find(Some(server)).or_else(|| find(None)),
        }
    }

    /// Every header called `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Adapts a parsed `requests.txt` line.
pub fn from_line(r: &super::inputs::RequestLine) -> Request {
    Request {
        line: r.line,
        text: r.raw.clone(),
        method: r.method.clone(),
        scheme: r.scheme.clone(),
        url_host: r.host.clone(),
        port: r.sent_port(),
        target: r.target.clone(),
        version: r.http_version(),
        headers: r.headers.clone(),
        client: r.client.clone(),
        addr: r.addr.clone(),
        body: r.body.clone(),
        repeat: r.repeat.max(1),
        upstream_status: r.upstream_status.clone(),
        sni: r.effective_sni(),
    }
}
