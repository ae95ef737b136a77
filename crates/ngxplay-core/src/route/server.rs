//! Server selection: the listen socket's address group, then the Host name among that group's servers.

use super::sim::Run;
use crate::model::{parse_listen, ListenAddr, Model, ServerId, ServerNameKind};
use crate::model::regex::Match;

/// Validates a Host value as `ngx_http_validate_host` does: lowercased, port and one trailing dot removed.
pub fn validate_host(host: &str) -> Option<String> {
    let b = host.as_bytes();
    let mut dot_pos: Option<usize> = None;
    let mut host_len = b.len();
    let mut literal = false;
    let mut rest = false;
    for (i, &ch) in b.iter().enumerate() {
        match ch {
            b'.' => {
                if i > 0 && dot_pos == Some(i - 1) {
                    return None;
                }
                dot_pos = Some(i);
            }
            b':' => {
                if !literal && !rest {
                    host_len = i;
                    rest = true;
                }
            }
            b'[' => {
                if i == 0 {
                    literal = true;
                }
            }
            b']' => {
                if literal && !rest {
                    host_len = i + 1;
                    literal = false;
                    rest = true;
                }
            }
            b'/' => return None,
            c if c <= 0x20 || c == 0x7f => return None,
            _ => {}
        }
    }
    if host_len > 0 && dot_pos == Some(host_len - 1) {
        host_len -= 1;
    }
    if host_len == 0 {
        return None;
    }
    Some(host[..host_len].to_ascii_lowercase())
}

/// The servers listening on the socket a request reaches, in config order, and the default among them.
pub fn socket_group(m: &Model, port: u16, addr: Option<&str>) -> Option<(Vec<ServerId>, ServerId)> {
    let want: Option<ListenAddr> = addr.and_then(|a| {
        let text = format!("{a}:{port}");
        parse_listen(&[text], Default::default()).map(|l| l.addr)
    });
    let mut exact = Vec::new();
    let mut wild = Vec::new();
    for (sid, s) in m.servers.iter().enumerate() {
        for l in &s.listens {
            if l.port != port {
                continue;
            }
            let v6 = matches!(l.addr, ListenAddr::AnyV6 | ListenAddr::V6(_));
            let want_v6 = matches!(want, Some(ListenAddr::AnyV6 | ListenAddr::V6(_)));
            match (&want, &l.addr) {
                (Some(w), a) if a == w && !matches!(a, ListenAddr::AnyV4 | ListenAddr::AnyV6) => exact.push((sid, l.default_server)),
                (_, ListenAddr::AnyV4) if !want_v6 => wild.push((sid, l.default_server)),
                (_, ListenAddr::AnyV6) if want_v6 => wild.push((sid, l.default_server)),
                (None, _) if !v6 && !matches!(l.addr, ListenAddr::AnyV4) => {}
                _ => {}
            }
        }
    }
    let group = if !exact.is_empty() { exact } else { wild };
    if group.is_empty() {
        return None;
    }
    let mut ids: Vec<ServerId> = Vec::new();
    for (sid, _) in &group {
        if !ids.contains(sid) {
            ids.push(*sid);
        }
    }
    let default = group.iter().find(|(_, d)| *d).map(|(s, _)| *s).unwrap_or(ids[0]);
    Some((ids, default))
}

/// The outcome of name matching: the server and the regex captures of a regex name.
pub struct NameMatch {
    pub server: ServerId,
    pub how: String,
    pub span: Option<crate::span::Span>,
    pub caps: Vec<String>,
    pub named: Vec<(String, String)>,
}

/// Finds the server for `host` among `group` by exact name, leading wildcard, trailing wildcard, then regex.
pub fn find_by_name(m: &Model, group: &[ServerId], host: &str) -> Option<NameMatch> {
    let pick = |kind: fn(&ServerNameKind) -> bool, score: &dyn Fn(&str) -> Option<usize>| -> Option<NameMatch> {
        let mut best: Option<(usize, ServerId, crate::span::Span, String)> = None;
        for &sid in group {
            for n in &m.servers[sid].names {
                if !kind(&n.kind) {
                    continue;
                }
                if let Some(sc) = score(&n.name) {
                    if best.as_ref().is_none_or(|b| sc > b.0) {
                        best = Some((sc, sid, n.span, n.name.clone()));
                    }
                }
            }
        }
        best.map(|(_, server, span, name)| NameMatch { server, how: name, span: Some(span), caps: Vec::new(), named: Vec::new() })
    };
    if let Some(x) = pick(|k| matches!(k, ServerNameKind::Exact), &|n| (n == host).then_some(1)) {
        return Some(x);
    }
    if let Some(x) = pick(|k| matches!(k, ServerNameKind::LeadingWildcard), &|n| leading_match(n, host)) {
        return Some(x);
    }
    if let Some(x) = pick(|k| matches!(k, ServerNameKind::TrailingWildcard), &|n| trailing_match(n, host)) {
        return Some(x);
    }
    for &sid in group {
        for n in &m.servers[sid].names {
            if let (ServerNameKind::Regex, Some(re)) = (&n.kind, &n.regex) {
                if let Match::Captures { numbered, named } = re.captures(host) {
                    return Some(NameMatch { server: sid, how: n.name.clone(), span: Some(n.span), caps: numbered, named });
                }
            }
        }
    }
    None
}

/// `*.example.com` matches `a.example.com` (score: the suffix length); `.example.com` also matches `example.com`.
fn leading_match(name: &str, host: &str) -> Option<usize> {
    if let Some(suffix) = name.strip_prefix("*.") {
        let dotted = format!(".{suffix}");
        return (host.len() > dotted.len() && host.ends_with(&dotted)).then_some(dotted.len());
    }
    let suffix = name.strip_prefix('.')?;
    if host == suffix || (host.ends_with(name) && host.len() > name.len()) {
        return Some(name.len());
    }
    None
}

/// `www.example.*` matches `www.example.org` (score: the prefix length).
fn trailing_match(name: &str, host: &str) -> Option<usize> {
    let prefix = name.strip_suffix('*')?;
    (host.len() > prefix.len() && host.starts_with(prefix)).then_some(prefix.len())
}

impl Run<'_, '_> {
    /// Picks the socket's default server; the Host header may change it later.
    pub fn select_server(&mut self) -> Option<ServerId> {
        let m = self.model();
        let (group, default) = socket_group(m, self.req.port, self.req.addr.as_deref())?;
        let host_header = self.req.header("host").map(str::to_string);
        let host = match &host_header {
            Some(h) => match validate_host(h) {
                Some(v) => v,
                None => return Some(default),
            },
            None => String::new(),
        };
        self.listen_ssl = m.servers[default].listens.iter().any(|l| l.port == self.req.port && l.ssl) || self.req.scheme == "https";
        match find_by_name(m, &group, &host) {
            Some(found) => {
                self.step(format!("server chosen by name \"{}\" for host \"{host}\"", found.how), found.span);
                self.caps = found.caps;
                self.named_caps = found.named;
                Some(found.server)
            }
            None => {
                let head = m.servers[default].head;
                self.step(format!("no server name matches \"{host}\": the default server of port {} answers", self.req.port), Some(head));
                Some(default)
            }
        }
    }

    /// Checks the Host header (HTTP/1.1 needs one); sets `$host`.
    pub fn host_is_valid(&mut self) -> bool {
        let sname = self.model().servers[self.server].primary_name().to_string();
        match self.req.header("host") {
            Some(h) => match validate_host(h) {
                Some(v) => {
                    self.host = v;
                    true
                }
                None => {
                    self.step(format!("400: invalid Host header \"{h}\""), None);
                    false
                }
            },
            None if self.req.version == "HTTP/1.1" => {
                self.step("400: HTTP/1.1 request without a Host header", None);
                false
            }
            None => {
                self.host = sname;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(validate_host("Example.COM.:80").as_deref(), Some("example.com"));
        assert_eq!(validate_host("a..b"), None);
        assert_eq!(validate_host("../etc"), None);
        assert_eq!(validate_host("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(validate_host("a b"), None);
        assert_eq!(validate_host(""), None);
        assert_eq!(leading_match("*.example.com", "a.example.com"), Some(12));
        assert_eq!(leading_match(".example.com", "example.com"), Some(12));
        assert_eq!(trailing_match("www.*", "www.x"), Some(4));
    }
}
