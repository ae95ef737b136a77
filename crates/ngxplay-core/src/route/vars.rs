//! Variables: core and proxy variables, `$arg_`/`$http_`/`$cookie_`, captures, `set`, map, geo and split_clients.

use std::borrow::Cow;

use super::sim::Run;
use super::uri::{escape, Escape};
use crate::model::regex::Match;

/// One piece of a string with variables, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part<'s> {
    Text(&'s str),
    Var(&'s str),
    Capture(usize),
}

/// Splits `$name`, `${name}` and `$1` references out of a config string.
pub fn parse_script(s: &str) -> Vec<Part<'_>> {
    Script::new(s).collect()
}

/// The parts of a config string, one at a time: text runs are everything between references.
pub struct Script<'s> {
    s: &'s str,
    /// Where the current text run starts.
    text_start: usize,
    i: usize,
    /// A reference found after a text run, returned next.
    pending: Option<(Part<'s>, usize)>,
}

impl<'s> Script<'s> {
    pub fn new(s: &'s str) -> Self {
        Script { s, text_start: 0, i: 0, pending: None }
    }

    /// The reference starting at `i` (a `$`) and where it ends.
    fn reference(&self, i: usize) -> Option<(Part<'s>, usize)> {
        let (s, b) = (self.s, self.s.as_bytes());
        let n = *b.get(i + 1)?;
        if n.is_ascii_digit() {
            return Some((Part::Capture((n - b'0') as usize), i + 2));
        }
        if n == b'{' {
            if let Some(end) = s[i + 2..].find('}') {
                let name = &s[i + 2..i + 2 + end];
                let part = match name.parse::<usize>() {
                    Ok(d) => Part::Capture(d),
                    Err(_) => Part::Var(name),
                };
                return Some((part, i + end + 3));
            }
        }
        let len = b[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
        (len > 0).then(|| (Part::Var(&s[i + 1..i + 1 + len]), i + 1 + len))
    }
}

impl<'s> Iterator for Script<'s> {
    type Item = Part<'s>;

    fn next(&mut self) -> Option<Part<'s>> {
        if let Some((part, end)) = self.pending.take() {
            self.i = end;
            self.text_start = end;
            return Some(part);
        }
        let b = self.s.as_bytes();
        while self.i < b.len() {
            if b[self.i] == b'$' {
                if let Some(found) = self.reference(self.i) {
                    if self.i > self.text_start {
                        let text = &self.s[self.text_start..self.i];
                        self.pending = Some(found);
                        return Some(Part::Text(text));
                    }
                    self.pending = Some(found);
                    return self.next();
                }
            }
            self.i += self.s[self.i..].chars().next().map(char::len_utf8).unwrap_or(1);
        }
        if self.i > self.text_start {
            let text = &self.s[self.text_start..self.i];
            self.text_start = self.i;
            return Some(Part::Text(text));
        }
        None
    }
}

/// Whether a string has any variable or capture reference.
pub fn has_vars(s: &str) -> bool {
    Script::new(s).any(|p| !matches!(p, Part::Text(_)))
}

/// Parses an IPv4 or IPv6 address into 16 bytes (IPv4 mapped) and whether it was IPv4.
pub fn parse_ip(s: &str) -> Option<([u8; 16], bool)> {
    if let Ok(v4) = s.parse::<std::net::Ipv4Addr>() {
        return Some((v4.to_ipv6_mapped().octets(), true));
    }
    let s = s.trim_start_matches('[').trim_end_matches(']');
    s.parse::<std::net::Ipv6Addr>().ok().map(|v6| (v6.octets(), false))
}

/// Whether `addr` is inside `cidr` (`a.b.c.d/n`, an address, or `all`).
pub fn cidr_contains(cidr: &str, addr: &str) -> Option<u32> {
    if cidr == "all" {
        return Some(0);
    }
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, Some(b.parse::<u32>().ok()?)),
        None => (cidr, None),
    };
    let (n, nv4) = parse_ip(net)?;
    let (a, av4) = parse_ip(addr)?;
    if nv4 != av4 {
        return None;
    }
    let bits = match bits {
        Some(b) if nv4 => b + 96,
        Some(b) => b,
        None => 128,
    }
    .min(128);
    for i in 0..bits as usize {
        let byte = i / 8;
        let mask = 0x80u8 >> (i % 8);
        if n[byte] & mask != a[byte] & mask {
            return None;
        }
    }
    Some(bits)
}

/// MurmurHash2 as nginx computes it for `split_clients`.
pub fn murmur2(data: &[u8]) -> u32 {
    const M: u32 = 0x5bd1_e995;
    let mut h: u32 = data.len() as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let rest = chunks.remainder();
    if rest.len() >= 3 {
        h ^= (rest[2] as u32) << 16;
    }
    if rest.len() >= 2 {
        h ^= (rest[1] as u32) << 8;
    }
    if !rest.is_empty() {
        h ^= rest[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

/// The user name in a `Basic` Authorization header, as `$remote_user` shows it.
fn basic_user(h: Option<&str>) -> String {
    let Some((kind, cred)) = h.and_then(|h| h.split_once(' ')) else { return String::new() };
    if !kind.eq_ignore_ascii_case("basic") {
        return String::new();
    }
    let dec = super::access::base64_decode(cred.trim()).unwrap_or_default();
    let dec = String::from_utf8_lossy(&dec).into_owned();
    dec.split_once(':').map(|(u, _)| u.to_string()).unwrap_or_default()
}

fn normalize_header_name(name: &str) -> String {
    name.replace('_', "-")
}

impl Run<'_, '_> {
    /// Evaluates a config string with variables and captures.
    pub fn eval(&mut self, s: &str) -> String {
        self.eval_depth(s, 0)
    }

    fn eval_depth(&mut self, s: &str, depth: u32) -> String {
        if !s.contains('$') {
            return s.to_string();
        }
        let mut parts = Script::new(s).peekable();
        // A lone variable (`$uri`) is its value, without copying it again.
        if let Some(Part::Var(v)) = parts.next_if(|p| matches!(p, Part::Var(_))) {
            let value = self.var_depth(v, depth).unwrap_or_default();
            if parts.peek().is_none() {
                return value;
            }
            let mut out = String::with_capacity(s.len() + value.len() + 32);
            out.push_str(&value);
            return self.eval_rest(out, parts, depth);
        }
        self.eval_rest(String::with_capacity(s.len() + 32), parts, depth)
    }

    /// Appends the values of `parts` to `out`.
    fn eval_rest<'s>(&mut self, mut out: String, parts: impl Iterator<Item = Part<'s>>, depth: u32) -> String {
        for p in parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Capture(n) => out.push_str(self.caps.get(n).map(String::as_str).unwrap_or("")),
                Part::Var(v) => out.push_str(&self.var_depth(v, depth).unwrap_or_default()),
            }
        }
        out
    }

    /// The value of `$name`; `None` when it is not defined.
    pub fn var(&mut self, name: &str) -> Option<String> {
        self.var_depth(name, 0)
    }

    fn var_depth(&mut self, name: &str, depth: u32) -> Option<String> {
        if depth > 32 {
            return Some(String::new());
        }
        let lname: Cow<str> = if name.bytes().any(|b| b.is_ascii_uppercase()) { Cow::Owned(name.to_ascii_lowercase()) } else { Cow::Borrowed(name) };
        if let Some(v) = self.vars.get(lname.as_ref()) {
            return Some(v.clone());
        }
        if let Some((_, v)) = self.named_caps.iter().find(|(n, _)| *n == name) {
            return Some(v.clone());
        }
        let m = self.model();
        if let Some(map) = self.sim.index.map(&lname).map(|i| &m.maps[i]) {
            let key = format!("\u{0}map:{lname}");
            if let Some(v) = self.vars.get(&key) {
                return Some(v.clone());
            }
            let v = self.eval_map(map, depth);
            if !map.volatile {
                self.vars.insert(key, v.clone());
            }
            return Some(v);
        }
        if let Some(geo) = self.sim.index.geo(&lname).map(|i| &m.geos[i]) {
            let src = self.eval_depth(&geo.source, depth + 1);
            return Some(self.eval_geo(geo, &src));
        }
        if let Some(sc) = self.sim.index.split_clients(&lname).map(|i| &m.split_clients[i]) {
            let src = self.eval_depth(&sc.source, depth + 1);
            let h = murmur2(src.as_bytes()) as u64;
            let mut sum: u64 = 0;
            for (pct, val) in &sc.parts {
                match pct {
                    Some(p) => {
                        sum += *p as u64;
                        let bound = sum * 0xffff_ffff / 10000;
                        if h < bound {
                            return Some(val.clone());
                        }
                    }
                    None => return Some(val.clone()),
                }
            }
            return Some(String::new());
        }
        self.builtin_var(&lname)
    }

    fn builtin_var(&mut self, name: &str) -> Option<String> {
        let req = self.req;
        if let Some(h) = name.strip_prefix("http_") {
            let h = normalize_header_name(h);
            if h.eq_ignore_ascii_case("cookie") || h.eq_ignore_ascii_case("x-forwarded-for") {
                let all: Vec<&str> = req.headers_named(&h).collect();
                let sep = if h.eq_ignore_ascii_case("cookie") { "; " } else { ", " };
                return Some(all.join(sep));
            }
            return Some(req.header(&h).unwrap_or("").to_string());
        }
        if let Some(a) = name.strip_prefix("arg_") {
            for pair in self.args.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if k.eq_ignore_ascii_case(a) && (!k.is_empty()) {
                    return Some(v.to_string());
                }
            }
            return Some(String::new());
        }
        if let Some(c) = name.strip_prefix("cookie_") {
            for h in req.headers_named("cookie") {
                for part in h.split(';') {
                    let part = part.trim_start_matches([' ', '\t']);
                    if let Some((k, v)) = part.split_once('=') {
                        if k.eq_ignore_ascii_case(c) {
                            return Some(v.trim_end().to_string());
                        }
                    }
                }
            }
            return Some(String::new());
        }
        if let Some(h) = name.strip_prefix("sent_http_") {
            let _ = h;
            return Some(String::new());
        }
        Some(match name {
            "uri" | "document_uri" => self.uri.clone(),
            "request_uri" => req.target.clone(),
            "args" | "query_string" => self.args.clone(),
            "is_args" => if self.args.is_empty() { String::new() } else { "?".into() },
            "host" => self.host.clone(),
            "hostname" => "localhost".into(),
            "server_name" => self.model().servers[self.server].primary_name().trim_start_matches('.').to_string(),
            "server_port" => self.listen_port.to_string(),
            "server_addr" => self.server_addr(),
            "server_protocol" => self.protocol.clone(),
            "remote_addr" => req.client.clone(),
            "binary_remote_addr" => req.client.clone(),
            "realip_remote_addr" => req.client.clone(),
            "remote_port" => self.remote_port.to_string(),
            "remote_user" => self.remote_user.clone().unwrap_or_else(|| basic_user(req.header("authorization"))),
            "scheme" => req.scheme.clone(),
            "ssl_server_name" => if req.scheme == "https" { req.effective_sni().unwrap_or_default() } else { String::new() },
            "https" => if req.scheme == "https" { "on".into() } else { String::new() },
            "request_method" => self.method.clone(),
            "request" => format!("{} {} {}", req.method, req.target, self.protocol),
            "request_body" => req.body.clone().unwrap_or_default(),
            "content_length" => req.body.as_ref().map(|b| b.len().to_string()).unwrap_or_default(),
            "content_type" => req.header("content-type").unwrap_or("").to_string(),
            "status" => if self.status == 0 { "000".into() } else { self.status.to_string() },
            "request_id" => "<request_id>".into(),
            "nginx_version" => "1.22.1".into(),
            "document_root" => self.document_root(),
            "realpath_root" => self.document_root().trim_end_matches('/').to_string(),
            "request_filename" => self.request_filename(),
            "upstream_status" => self.upstream_status.clone().unwrap_or_default(),
            "upstream_addr" => String::new(),
            "proxy_add_x_forwarded_for" => {
                let prev: Vec<&str> = req.headers_named("x-forwarded-for").collect();
                if prev.is_empty() {
                    req.client.clone()
                } else {
                    format!("{}, {}", prev.join(", "), req.client)
                }
            }
            "proxy_host" => self.vars.get("\u{0}proxy_host").cloned().unwrap_or_default(),
            "proxy_port" => self.vars.get("\u{0}proxy_port").cloned().unwrap_or_default(),
            "fastcgi_script_name" => self.fastcgi_split().0,
            "fastcgi_path_info" => self.fastcgi_split().1,
            "uri_escaped" => escape(&self.uri, Escape::Uri),
            "connection" => self.sim.count.to_string(),
            "connection_requests" => "1".into(),
            "msec" | "time_local" | "time_iso8601" | "pid" => String::new(),
            _ => return None,
        })
    }

    /// `$server_addr`: the address the connection arrived on (the oracle's loopback for wildcard listens).
    pub fn server_addr(&self) -> String {
        match self.req.addr.as_deref() {
            Some(a) if a.starts_with('[') => "::1".into(),
            Some(a) => a.to_string(),
            None => "127.0.0.1".into(),
        }
    }

    fn eval_map(&mut self, map: &crate::model::Map, depth: u32) -> String {
        let src = self.eval_depth(&map.source, depth + 1);
        let key = if map.hostnames { src.trim_end_matches('.').to_string() } else { src.clone() };
        let lkey = key.to_ascii_lowercase();
        let mut value: Option<String> = None;
        for e in &map.entries {
            if e.regex.is_none() && e.key.to_ascii_lowercase() == lkey {
                value = Some(e.value.clone());
                break;
            }
        }
        if value.is_none() && map.hostnames {
            let mut best: Option<(usize, String)> = None;
            for e in &map.entries {
                let k = e.key.to_ascii_lowercase();
                let score = if let Some(s) = k.strip_prefix("*.") {
                    let d = format!(".{s}");
                    (lkey.ends_with(&d) && lkey.len() > d.len()).then_some(d.len())
                } else if let Some(s) = k.strip_prefix('.') {
                    (lkey == s || lkey.ends_with(&k)).then_some(k.len())
                } else {
                    None
                };
                if let Some(sc) = score {
                    if best.as_ref().is_none_or(|b| sc > b.0) {
                        best = Some((sc, e.value.clone()));
                    }
                }
            }
            if best.is_none() {
                for e in &map.entries {
                    let k = e.key.to_ascii_lowercase();
                    if let Some(p) = k.strip_suffix('*') {
                        if p.ends_with('.') && lkey.starts_with(p) && lkey.len() > p.len() && best.as_ref().is_none_or(|b| p.len() > b.0) {
                            best = Some((p.len(), e.value.clone()));
                        }
                    }
                }
            }
            value = best.map(|b| b.1);
        }
        if value.is_none() {
            for e in &map.entries {
                if let Some(re) = &e.regex {
                    if let Match::Captures { numbered, named } = re.captures(&key) {
                        self.caps = numbered;
                        for (n, v) in named {
                            self.named_caps.retain(|(x, _)| *x != n);
                            self.named_caps.push((n, v));
                        }
                        value = Some(e.value.clone());
                        break;
                    }
                }
            }
        }
        let raw = value.or_else(|| map.default.clone()).unwrap_or_default();
        if raw.contains('$') {
            self.eval_depth(&raw, depth + 1)
        } else {
            raw
        }
    }

    fn eval_geo(&self, geo: &crate::model::Geo, addr: &str) -> String {
        let mut best: Option<(u32, &str)> = None;
        for e in &geo.entries {
            let hit = if geo.ranges {
                e.key.split_once('-').and_then(|(a, b)| {
                    let (x, _) = parse_ip(addr)?;
                    let (lo, _) = parse_ip(a)?;
                    let (hi, _) = parse_ip(b)?;
                    (lo <= x && x <= hi).then_some(1)
                })
            } else {
                cidr_contains(&e.key, addr)
            };
            if let Some(bits) = hit {
                if best.is_none_or(|b| bits > b.0 || geo.ranges && bits >= b.0) {
                    best = Some((bits, &e.value));
                }
            }
        }
        best.map(|b| b.1.to_string()).or_else(|| geo.default.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        assert_eq!(
            parse_script("a$uri${b}c$1x"),
            vec![Part::Text("a"), Part::Var("uri"), Part::Var("b"), Part::Text("c"), Part::Capture(1), Part::Text("x")]
        );
        assert_eq!(parse_script("$"), vec![Part::Text("$")]);
        assert_eq!(parse_script("é$x-$"), vec![Part::Text("é"), Part::Var("x"), Part::Text("-$")]);
    }

    /// The splitting rules written as one loop over the bytes: the reference `Script` must agree with.
    fn split_simply<'s>(s: &'s str) -> Vec<Part<'s>> {
        let b = s.as_bytes();
        let (mut out, mut text, mut i) = (Vec::new(), 0, 0);
        let flush = |out: &mut Vec<Part<'s>>, from: usize, to: usize| {
            if to > from {
                out.push(Part::Text(&s[from..to]));
            }
        };
        while i < b.len() {
            if b[i] == b'$' && i + 1 < b.len() {
                let n = b[i + 1];
                let len = b[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                let brace = if n == b'{' { s[i + 2..].find('}') } else { None };
                if n.is_ascii_digit() || brace.is_some() || len > 0 {
                    flush(&mut out, text, i);
                    if n.is_ascii_digit() {
                        out.push(Part::Capture((n - b'0') as usize));
                        i += 2;
                    } else if let Some(end) = brace {
                        let name = &s[i + 2..i + 2 + end];
                        out.push(name.parse::<usize>().map(Part::Capture).unwrap_or(Part::Var(name)));
                        i += end + 3;
                    } else {
                        out.push(Part::Var(&s[i + 1..i + 1 + len]));
                        i += 1 + len;
                    }
                    text = i;
                    continue;
                }
            }
            i += s[i..].chars().next().map(char::len_utf8).unwrap_or(1);
        }
        flush(&mut out, text, b.len());
        out
    }

    proptest::proptest! {
        #[test]
        fn script_splits_like_the_simple_loop(s in "[$a-z0-9_{}/é .-]{0,24}") {
            proptest::prop_assert_eq!(parse_script(&s), split_simply(&s));
        }
    }

    #[test]
    fn cidrs() {
        assert_eq!(cidr_contains("10.1.2.0/24", "10.1.2.3"), Some(120));
        assert_eq!(cidr_contains("10.1.2.0/24", "10.1.3.3"), None);
        assert!(cidr_contains("2001:db8::/32", "2001:db8::1").is_some());
        assert!(cidr_contains("all", "1.2.3.4").is_some());
    }

    #[test]
    fn murmur() {
        assert_eq!(murmur2(b""), 0);
        assert_ne!(murmur2(b"abc"), murmur2(b"abd"));
    }
}
