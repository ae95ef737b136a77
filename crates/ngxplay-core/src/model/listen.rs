//! The `listen` directive's address, port and parameters.

use serde::{Deserialize, Serialize};

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ListenAddr {
    /// `*` or `0.0.0.0`: every IPv4 address.
    AnyV4,
    /// `[::]`.
    AnyV6,
    V4([u8; 4]),
    V6(String),
    /// A host name, resolved at load time.
    Host(String),
    Unix(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listen {
    pub addr: ListenAddr,
    pub port: u16,
    pub default_server: bool,
    pub ssl: bool,
    pub http2: bool,
    pub proxy_protocol: bool,
    pub span: Span,
}

impl Listen {
    /// The socket as nginx prints it in messages, e.g. `0.0.0.0:80` or `[::]:443`.
    pub fn socket_text(&self) -> String {
        match &self.addr {
            ListenAddr::AnyV4 => format!("0.0.0.0:{}", self.port),
            ListenAddr::AnyV6 => format!("[::]:{}", self.port),
            ListenAddr::V4(a) => format!("{}.{}.{}.{}:{}", a[0], a[1], a[2], a[3], self.port),
            ListenAddr::V6(a) => format!("[{a}]:{}", self.port),
            ListenAddr::Host(h) => format!("{h}:{}", self.port),
            ListenAddr::Unix(p) => format!("unix:{p}"),
        }
    }

    /// The oracle's `listen` key: `*:80`, `10.0.0.10:80`, `[::]:80`.
    pub fn key(&self) -> String {
        match &self.addr {
            ListenAddr::AnyV4 => format!("*:{}", self.port),
            _ => self.socket_text(),
        }
    }
}

/// Parses `listen` arguments leniently: the address/port form and the parameters the simulator needs.
/// `None` when the first argument is not an address nginx could accept.
pub fn parse_listen(args: &[String], span: Span) -> Option<Listen> {
    let first = args.first()?;
    let (addr, port) = parse_addr_port(first)?;
    let mut l = Listen { addr, port, default_server: false, ssl: false, http2: false, proxy_protocol: false, span };
    for a in &args[1..] {
        match a.as_str() {
            "default_server" | "default" => l.default_server = true,
            "ssl" => l.ssl = true,
            "http2" => l.http2 = true,
            "proxy_protocol" => l.proxy_protocol = true,
            _ => {}
        }
    }
    Some(l)
}

/// Splits `addr:port`, `addr`, `port`, `[v6]:port`, `unix:path`; a missing port is 80.
pub fn parse_addr_port(s: &str) -> Option<(ListenAddr, u16)> {
    if let Some(path) = s.strip_prefix("unix:") {
        return Some((ListenAddr::Unix(path.to_string()), 0));
    }
    if let Some(rest) = s.strip_prefix('[') {
        let close = rest.find(']')?;
        let host = &rest[..close];
        let port = match &rest[close + 1..] {
            "" => 80,
            p => p.strip_prefix(':')?.parse().ok()?,
        };
        let addr = if host == "::" || host.chars().all(|c| c == '0' || c == ':') { ListenAddr::AnyV6 } else { ListenAddr::V6(host.to_ascii_lowercase()) };
        return Some((addr, port));
    }
    let (host, port) = match s.rfind(':') {
        Some(i) => (&s[..i], s[i + 1..].parse::<u16>().ok()?),
        None if s.bytes().all(|b| b.is_ascii_digit()) => ("*", s.parse::<u16>().ok()?),
        None => (s, 80),
    };
    let addr = if host == "*" || host == "0.0.0.0" {
        ListenAddr::AnyV4
    } else if let Some(v4) = parse_v4(host) {
        ListenAddr::V4(v4)
    } else if host.is_empty() {
        return None;
    } else {
        ListenAddr::Host(host.to_ascii_lowercase())
    };
    Some((addr, port))
}

pub fn parse_v4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_addr_port("8080"), Some((ListenAddr::AnyV4, 8080)));
        assert_eq!(parse_addr_port("127.0.0.1:81"), Some((ListenAddr::V4([127, 0, 0, 1]), 81)));
        assert_eq!(parse_addr_port("[::]:443"), Some((ListenAddr::AnyV6, 443)));
        assert_eq!(parse_addr_port("localhost"), Some((ListenAddr::Host("localhost".into()), 80)));
        assert_eq!(parse_addr_port("*:80x"), None);
        let l = parse_listen(&["443".into(), "ssl".into(), "default_server".into()], Span::default()).unwrap();
        assert!(l.ssl && l.default_server);
        assert_eq!(l.key(), "*:443");
    }
}
