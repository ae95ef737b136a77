//! Address parsing as nginx's `ngx_parse_url` does it, for `listen`, upstream `server` and `*_pass` targets.

use compact_str::{format_compact, CompactString};

/// What nginx learns from an address such as `10.0.0.1:8080`, `[::1]:80`, `backend` or `unix:/run/x.sock`.
/// The strings are inline for typical lengths: every `listen`, `server` and `*_pass` goes through here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Url {
    pub host: CompactString,
    pub port: u32,
    /// True when no port was written and the default was used.
    pub no_port: bool,
    /// The part from the first `/` or `?`, when the caller allows one.
    pub uri: Option<CompactString>,
    /// The address when the host is an IP literal (or `*`), normalised for messages, e.g. `0.0.0.0` or `[::]`.
    pub addr: Option<CompactString>,
    pub unix: bool,
    pub wildcard: bool,
}

/// How the caller reads the address.
#[derive(Clone, Copy, Debug, Default)]
pub struct UrlMode {
    pub listen: bool,
    pub uri_part: bool,
    pub default_port: u32,
}

/// Parses `text`; the error is nginx's `u->err` text, such as `invalid port`.
pub fn parse_url(text: &str, mode: UrlMode) -> Result<Url, &'static str> {
    if text.len() >= 5 && text.as_bytes()[..5].eq_ignore_ascii_case(b"unix:") {
        return parse_unix(&text[5..], mode);
    }
    if text.starts_with('[') {
        return parse_inet6(text, mode);
    }
    parse_inet(text, mode)
}

fn parse_unix(path: &str, mode: UrlMode) -> Result<Url, &'static str> {
    let mut path = path;
    let mut uri = None;
    if mode.uri_part {
        if let Some(i) = path.find(':') {
            uri = Some(CompactString::from(&path[i + 1..]));
            path = &path[..i];
        }
    }
    if path.is_empty() {
        return Err("no path in the unix domain socket");
    }
    if path.len() > 107 {
        return Err("too long path in the unix domain socket");
    }
    Ok(Url { host: "localhost".into(), unix: true, uri, addr: Some(format_compact!("unix:{path}")), ..Url::default() })
}

/// nginx's `ngx_atoi`: digits only, no sign; `None` on anything else or overflow.
pub fn atoi(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// A port, or for `listen` a range `a-b` whose first port is returned; a range must not run backwards.
fn port_or_range(text: &str, listen: bool) -> Result<u32, &'static str> {
    let (first, last) = match text.split_once('-') {
        Some((a, b)) if listen => (a, Some(b)),
        _ => (text, None),
    };
    let n = port_of(first)?;
    if let Some(b) = last {
        let last_port = port_of(b)?;
        if last_port != 0 && n > last_port {
            return Err("invalid port range");
        }
    }
    Ok(n)
}

fn port_of(s: &str) -> Result<u32, &'static str> {
    match atoi(s) {
        Some(n) if (1..=65535).contains(&n) => Ok(n as u32),
        _ => Err("invalid port"),
    }
}

fn parse_inet(text: &str, mode: UrlMode) -> Result<Url, &'static str> {
    let mut url = Url::default();
    let mut last = text.len();
    let mut port = text.find(':');
    let mut uri = text.find('/');
    if let Some(a) = text.find('?') {
        if uri.is_none_or(|u| a < u) {
            uri = Some(a);
        }
    }
    if let Some(u) = uri {
        if mode.listen || !mode.uri_part {
            return Err("invalid host");
        }
        url.uri = Some(CompactString::from(&text[u..]));
        last = u;
        if port.is_some_and(|p| u < p) {
            port = None;
        }
    }
    if let Some(p) = port {
        url.port = port_or_range(&text[p + 1..last], mode.listen)?;
        last = p;
    } else {
        if uri.is_none() && mode.listen {
            let (head, tail) = match text.find('-') {
                Some(d) => (&text[..d], Some(&text[d + 1..])),
                None => (text, None),
            };
            let dash_ok = tail.map(atoi);
            if !matches!(dash_ok, Some(None)) {
                if let Some(n) = atoi(head) {
                    if let Some(Some(t)) = dash_ok {
                        if !(1..=65535).contains(&t) {
                            return Err("invalid port");
                        }
                        if n > t {
                            return Err("invalid port range");
                        }
                    }
                    if !(1..=65535).contains(&n) {
                        return Err("invalid port");
                    }
                    url.port = n as u32;
                    url.wildcard = true;
                    url.addr = Some("0.0.0.0".into());
                    return Ok(url);
                }
            }
        }
        url.no_port = true;
        url.port = mode.default_port;
    }
    let host = &text[..last];
    if host.is_empty() {
        return Err("no host");
    }
    url.host = CompactString::from(host);
    if mode.listen && host == "*" {
        url.wildcard = true;
        url.addr = Some("0.0.0.0".into());
        return Ok(url);
    }
    if let Some(ip) = inet_addr(host) {
        url.wildcard = ip == "0.0.0.0";
        url.addr = Some(ip);
    }
    Ok(url)
}

/// nginx's `ngx_inet_addr`: four dotted decimal octets, nothing else; the address in its usual spelling.
pub fn inet_addr(s: &str) -> Option<CompactString> {
    let [a, b, c, d] = inet_octets(s)?;
    Some(format_compact!("{a}.{b}.{c}.{d}"))
}

/// The four octets of a dotted-decimal address; leading zeros are allowed, as nginx allows them.
fn inet_octets(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut n: u32 = 0;
        for b in p.bytes() {
            n = n * 10 + u32::from(b - b'0');
            if n > 255 {
                return None;
            }
        }
        *o = n as u8;
    }
    parts.next().is_none().then_some(out)
}

fn parse_inet6(text: &str, mode: UrlMode) -> Result<Url, &'static str> {
    let mut url = Url::default();
    let Some(close) = text.find(']') else {
        return Err("invalid host");
    };
    let inner = &text[1..close];
    let rest = &text[close + 1..];
    let mut last = rest.len();
    if let Some(u) = rest.find(['/', '?']) {
        if mode.listen || !mode.uri_part {
            return Err("invalid host");
        }
        url.uri = Some(CompactString::from(&rest[u..]));
        last = u;
    }
    let rest = &rest[..last];
    if let Some(p) = rest.strip_prefix(':') {
        url.port = port_or_range(p, mode.listen)?;
    } else if !rest.is_empty() {
        return Err("invalid host");
    } else {
        url.no_port = true;
        url.port = mode.default_port;
    }
    if inner.is_empty() {
        return Err("no host");
    }
    let Ok(ip) = inner.parse::<std::net::Ipv6Addr>() else {
        return Err("invalid IPv6 address");
    };
    url.host = format_compact!("[{inner}]");
    url.wildcard = ip.is_unspecified();
    url.addr = Some(format_compact!("[{ip}]"));
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTEN: UrlMode = UrlMode { listen: true, uri_part: false, default_port: 80 };
    const PASS: UrlMode = UrlMode { listen: false, uri_part: true, default_port: 80 };

    #[test]
    fn listen_forms() {
        assert_eq!(parse_url("8080", LISTEN).unwrap().addr.as_deref(), Some("0.0.0.0"));
        assert_eq!(parse_url("127.0.0.1:70000", LISTEN), Err("invalid port"));
        assert_eq!(parse_url("[::]:443", LISTEN).unwrap().addr.as_deref(), Some("[::]"));
        assert_eq!(parse_url("localhost", LISTEN).unwrap().port, 80);
    }

    #[test]
    fn dotted_quads() {
        assert_eq!(inet_addr("010.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(inet_addr("255.255.255.255").as_deref(), Some("255.255.255.255"));
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "1.2.3.4 ", ""] {
            assert_eq!(inet_addr(bad), None, "{bad}");
        }
    }

    #[test]
    fn pass_forms() {
        let u = parse_url("backend:8080/x", PASS).unwrap();
        assert_eq!((u.host.as_str(), u.port, u.uri.as_deref()), ("backend", 8080, Some("/x")));
        assert!(parse_url("app", PASS).unwrap().no_port);
        assert_eq!(parse_url("/x", PASS), Err("no host"));
    }
}
