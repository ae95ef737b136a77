//! What `proxy_pass` sends: the target's parts, the request URI, `$proxy_host`, and the header list nginx builds
//! from `proxy_set_header` and the client's headers.

/// A `proxy_pass` argument split the way nginx splits it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassTarget {
    /// `http` or `https`.
    pub scheme: String,
    /// What follows the scheme up to the URI part, as written: `backend`, `10.0.0.9:9090`, `unix:/run/app.sock`.
    pub host_port: String,
    /// The host as written (`[::1]` keeps its brackets; for `unix:` the socket path).
    pub host: String,
    /// The port as written, when there is one.
    pub port_text: Option<String>,
    pub port: Option<u16>,
    pub unix: bool,
    /// The name an `upstream` block would need to match (the host, when no port is given).
    pub upstream_name_candidate: String,
    /// The URI part, from the first `/` or `?` after the host (for `unix:`, after the path's `:`).
    pub uri_part: Option<String>,
    /// The argument has variables: nginx parses it only at run time, after evaluating them.
    pub has_variables: bool,
}

impl PassTarget {
    pub fn default_port(&self) -> u16 {
        if self.scheme == "https" {
            443
        } else {
            80
        }
    }

    /// The port connected to.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.default_port())
    }

    /// `$proxy_host`, the default `Host` header: the host, plus `:port` as written unless it is the scheme's
    /// default; `localhost` for a unix socket.
    pub fn proxy_host(&self) -> String {
        if self.unix {
            return "localhost".into();
        }
        match (&self.port_text, self.port) {
            (Some(text), Some(p)) if p != self.default_port() => format!("{}:{text}", self.host),
            _ => self.host.clone(),
        }
    }

    /// `$proxy_port`: the port as written, or the scheme's default; empty for a unix socket.
    pub fn proxy_port(&self) -> String {
        if self.unix {
            return String::new();
        }
        match (&self.port_text, self.port) {
            (Some(text), Some(p)) if p != self.default_port() => text.clone(),
            _ => self.default_port().to_string(),
        }
    }
}

/// Whether a string has a variable reference as nginx counts them (a `$`).
fn has_variables(s: &str) -> bool {
    s.contains('$')
}

/// Splits a `proxy_pass` argument. Errors carry nginx's message (`invalid URL prefix`, `invalid port`, ...).
/// An argument with variables is only split as far as it can be; evaluate it and split the result again.
pub fn parse_pass_target(arg: &str) -> Result<PassTarget, String> {
    let vars = has_variables(arg);
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("http://") {
        ("http", &arg[7..])
    } else if lower.starts_with("https://") {
        ("https", &arg[8..])
    } else if vars {
        // The scheme itself may come from a variable; nothing more can be said before evaluation.
        return Ok(PassTarget { host_port: arg.to_string(), has_variables: true, ..PassTarget::default() });
    } else {
        return Err("invalid URL prefix".into());
    };
    let mut t = PassTarget { scheme: scheme.into(), has_variables: vars, ..PassTarget::default() };
    if rest.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("unix:")) {
        let path_and_uri = &rest[5..];
        let (path, uri) = match path_and_uri.find(':') {
            Some(i) => (&path_and_uri[..i], Some(&path_and_uri[i + 1..])),
            None => (path_and_uri, None),
        };
        if path.is_empty() {
            return Err("no path in the unix domain socket".into());
        }
        t.unix = true;
        t.host = path.to_string();
        t.host_port = format!("{}{path}", &rest[..5]);
        t.upstream_name_candidate = t.host_port.clone();
        t.uri_part = uri.map(str::to_string);
        return Ok(t);
    }
    let (hostport, uri) = if rest.starts_with('[') {
        let close = rest.find(']').ok_or("invalid IPv6 address")?;
        let after = &rest[close + 1..];
        let cut = after.find(['/', '?']).map_or(rest.len(), |i| close + 1 + i);
        (&rest[..cut], rest.get(cut..).filter(|u| !u.is_empty()))
    } else {
        let cut = rest.find(['/', '?']).unwrap_or(rest.len());
        (&rest[..cut], rest.get(cut..).filter(|u| !u.is_empty()))
    };
    t.host_port = hostport.to_string();
    t.uri_part = uri.map(str::to_string);
    let port_sep = if hostport.starts_with('[') {
        hostport.find(']').and_then(|c| hostport[c + 1..].starts_with(':').then_some(c + 1))
    } else {
        hostport.find(':')
    };
    match port_sep {
        Some(i) => {
            let text = &hostport[i + 1..];
            t.host = hostport[..i].to_string();
            if !vars {
                let p = text.parse::<u16>().ok().filter(|p| *p > 0).ok_or("invalid port")?;
                t.port = Some(p);
            } else {
                t.port = text.parse::<u16>().ok().filter(|p| *p > 0);
            }
            t.port_text = Some(text.to_string());
        }
        None => t.host = hostport.to_string(),
    }
    if t.host.is_empty() && !vars {
        return Err("no host".into());
    }
    t.upstream_name_candidate = t.host.clone();
    Ok(t)
}

/// The URI part of a `proxy_pass` whose variables were evaluated: a part starting with `?` gets a `/` in front.
pub fn evaluated_uri_part(t: &PassTarget) -> Option<String> {
    t.uri_part.as_ref().map(|u| if u.starts_with('?') { format!("/{u}") } else { u.clone() })
}

/// The length of the location name nginx replaces by the URI part: the name of a prefix or exact location;
/// nothing for regex and named locations or inside `if`/`limit_except` (where a URI part is a config error).
pub fn replaced_prefix_len(location_name: &str, is_regex_named_or_if: bool) -> usize {
    if is_regex_named_or_if {
        0
    } else {
        location_name.len()
    }
}

/// What nginx knows about the request URI when it builds the proxied request line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UriInputs<'a> {
    /// The `proxy_pass` URI part (evaluated, with [`evaluated_uri_part`], when the argument has variables).
    pub uri_part: Option<&'a str>,
    /// The `proxy_pass` argument has variables.
    pub has_variables: bool,
    /// From [`replaced_prefix_len`].
    pub location_len: usize,
    /// False once `rewrite ... break` (or a changed URI then `break`) ran in this location.
    pub valid_location: bool,
    /// False once the URI was changed by rewrite, an internal redirect happened, or `$args` was set.
    pub valid_unparsed_uri: bool,
    /// The request target as received.
    pub unparsed_uri: &'a str,
    /// `$uri`: decoded and normalised.
    pub uri: &'a str,
    /// `$args`.
    pub args: &'a str,
    /// nginx escapes `$uri` when the request URI had `%` escapes or the request is internal (redirected or rewritten).
    pub escape: bool,
}

/// The request URI sent upstream; `None` when it would be empty (nginx: "zero length URI to proxy", 500).
pub fn uri_sent(i: &UriInputs) -> Option<String> {
    let part = i.uri_part.unwrap_or("");
    let out = if i.has_variables && !part.is_empty() {
        part.to_string()
    } else if part.is_empty() && i.valid_unparsed_uri {
        i.unparsed_uri.to_string()
    } else {
        let loc_len = if i.valid_location && !part.is_empty() { i.location_len } else { 0 };
        let rest = i.uri.get(loc_len..).unwrap_or("");
        let mut s = String::new();
        if i.valid_location {
            s.push_str(part);
        }
        if i.escape {
            s.push_str(&escape_uri(rest));
        } else {
            s.push_str(rest);
        }
        if !i.args.is_empty() {
            s.push('?');
            s.push_str(i.args);
        }
        s
    };
    (!out.is_empty()).then_some(out)
}

/// Whether nginx's request-line parser marks the URI as quoted: a `%` in the path.
pub fn is_quoted_uri(target: &str) -> bool {
    target.split(['?', '#']).next().unwrap_or("").contains('%')
}

/// Percent-encodes what nginx's `NGX_ESCAPE_URI` escapes: controls, space, `"`, `#`, `%`, `<`, `>`, `?`, `\`, `^`,
/// `` ` ``, `{`, `|`, `}`, DEL and every non-ASCII byte.
pub fn escape_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        let esc = !(0x20..0x7f).contains(&b) || matches!(b, b' ' | b'"' | b'#' | b'%' | b'<' | b'>' | b'?' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}');
        if esc {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// nginx's own `proxy_set_header` entries, after the configured ones: `Host $proxy_host`, `Connection close`,
/// `Content-Length $proxy_internal_body_length`, `Transfer-Encoding $proxy_internal_chunked`, and empty `TE`,
/// `Keep-Alive`, `Expect`, `Upgrade` (never sent, but they stop the client's headers of those names).
pub const DEFAULT_SET_HEADERS: [&str; 8] = ["Host", "Connection", "Content-Length", "Transfer-Encoding", "TE", "Keep-Alive", "Expect", "Upgrade"];

/// What the default entries evaluate to for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultValues {
    /// `$proxy_host`.
    pub proxy_host: String,
    /// The request body length passed on (`Content-Length` of the client, or of `proxy_set_body`).
    pub body_length: Option<u64>,
    /// The client body is chunked and passed on unbuffered.
    pub chunked: bool,
}

/// The headers sent upstream, in nginx's order: the effective `proxy_set_header` entries with their evaluated
/// values, then nginx's defaults not named by them, skipping every empty value; then, with
/// `proxy_pass_request_headers on`, the client's headers in order except those named by either list.
pub fn upstream_headers(
    set_headers: &[(String, String)],
    defaults: &DefaultValues,
    client_headers: &[(String, String)],
    pass_request_headers: bool,
) -> Vec<(String, String)> {
    let mut merged: Vec<(String, String)> = set_headers.to_vec();
    for name in DEFAULT_SET_HEADERS {
        if merged.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
            continue;
        }
        let value = match name {
            "Host" => defaults.proxy_host.clone(),
            "Connection" => "close".to_string(),
            "Content-Length" => defaults.body_length.map(|n| n.to_string()).unwrap_or_default(),
            "Transfer-Encoding" if defaults.chunked => "chunked".to_string(),
            _ => String::new(),
        };
        merged.push((name.to_string(), value));
    }
    let named = |k: &str| merged.iter().any(|(m, _)| m.eq_ignore_ascii_case(k));
    let mut out: Vec<(String, String)> = merged.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
    if pass_request_headers {
        out.extend(client_headers.iter().filter(|(k, _)| !named(k)).cloned());
    }
    out
}

/// `$proxy_add_x_forwarded_for`: the client's `X-Forwarded-For` values joined by `, `, then `$remote_addr`.
pub fn proxy_add_x_forwarded_for(client_headers: &[(String, String)], remote_addr: &str) -> String {
    let mut out = String::new();
    for (_, v) in client_headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("x-forwarded-for")) {
        out.push_str(v);
        out.push_str(", ");
    }
    out.push_str(remote_addr);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn targets() {
        let t = parse_pass_target("http://backend").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.uri_part.as_deref(), t.proxy_host()), ("backend", None, None, "backend".to_string()));
        let t = parse_pass_target("http://10.0.0.9:9090/base/").unwrap();
        assert_eq!((t.host_port.as_str(), t.uri_part.as_deref(), t.proxy_host()), ("10.0.0.9:9090", Some("/base/"), "10.0.0.9:9090".to_string()));
        assert_eq!(parse_pass_target("http://named.internal:80").unwrap().proxy_host(), "named.internal");
        assert_eq!(parse_pass_target("https://x:443").unwrap().proxy_port(), "443");
        let t = parse_pass_target("HTTP://[::1]:8080?a").unwrap();
        assert_eq!((t.host.as_str(), t.port, t.uri_part.as_deref()), ("[::1]", Some(8080), Some("?a")));
        assert_eq!(evaluated_uri_part(&t).as_deref(), Some("/?a"));
        let t = parse_pass_target("http://unix:/run/app.sock:/api/").unwrap();
        assert!(t.unix);
        assert_eq!((t.host.as_str(), t.uri_part.as_deref(), t.proxy_host()), ("/run/app.sock", Some("/api/"), "localhost".to_string()));
        assert_eq!(parse_pass_target("backend").unwrap_err(), "invalid URL prefix");
        assert_eq!(parse_pass_target("http://b:0").unwrap_err(), "invalid port");
        assert!(parse_pass_target("$scheme://$host$request_uri").unwrap().has_variables);
        assert_eq!(parse_pass_target("http://un\u{e9}x:/a").unwrap_err(), "invalid port");
        assert_eq!(parse_pass_target("http://unix\u{e9}").unwrap().host, "unix\u{e9}");
        assert!(parse_pass_target("ht\u{e9}").is_err());
        let t = parse_pass_target("http://$up/x").unwrap();
        assert!(t.has_variables);
        assert_eq!(t.uri_part.as_deref(), Some("/x"));
    }

    fn plain<'a>(part: Option<&'a str>, loc: &str, uri: &'a str, args: &'a str, target: &'a str) -> UriInputs<'a> {
        UriInputs {
            uri_part: part,
            has_variables: false,
            location_len: replaced_prefix_len(loc, false),
            valid_location: true,
            valid_unparsed_uri: true,
            unparsed_uri: target,
            uri,
            args,
            escape: is_quoted_uri(target),
        }
    }

    /// The proxy-pass-uri-part recording: each location, the decoded `$uri` nginx computed, and the URI sent.
    #[test]
    fn recorded_uri_part_cases() {
        let cases = [
            (None, "/nouri/", "/nouri/a/b", "x=1", "/nouri/a/b?x=1", "/nouri/a/b?x=1"),
            (Some("/"), "/slash/", "/slash/a/b", "x=1", "/slash/a/b?x=1", "/a/b?x=1"),
            (Some("/"), "/slash/", "/slash/", "", "/slash/", "/"),
            (Some("/new/"), "/repl/", "/repl/a", "x=1", "/repl/a?x=1", "/new/a?x=1"),
            (Some("/new"), "/replnoslash/", "/replnoslash/a", "", "/replnoslash/a", "/newa"),
            (Some("/x/"), "/noslashloc", "/noslashloc/y", "", "/noslashloc/y", "/x//y"),
            (Some("/x/"), "/noslashloc", "/noslashlocz", "", "/noslashlocz", "/x/z"),
            (Some("/exact-target"), "/exact", "/exact", "k=v", "/exact?k=v", "/exact-target?k=v"),
            (Some("/"), "/slash/", "/slash/a b", "x=%20", "/slash/a%20b?x=%20", "/a%20b?x=%20"),
            (None, "/nouri/", "/nouri/a b", "", "/nouri/a%20b", "/nouri/a%20b"),
            (Some("/"), "/slash/", "/slash/b", "", "//slash//a/../b", "/b"),
        ];
        for (part, loc, uri, args, target, want) in cases {
            assert_eq!(uri_sent(&plain(part, loc, uri, args, target)).as_deref(), Some(want), "{target}");
        }
        // A regex location passes the original request line.
        let mut i = plain(None, "", "/regex/a", "z=1", "/regex/a?z=1");
        i.location_len = replaced_prefix_len("^/regex/(.*)$", true);
        assert_eq!(uri_sent(&i).as_deref(), Some("/regex/a?z=1"));
    }

    #[test]
    fn changed_uri() {
        // After `rewrite ^ /new%20x break;` the URI part is ignored and the escaped $uri is sent.
        let i = UriInputs {
            uri_part: Some("/base/"),
            location_len: 5,
            valid_location: false,
            valid_unparsed_uri: false,
            unparsed_uri: "/api/x",
            uri: "/new x",
            args: "",
            escape: true,
            ..UriInputs::default()
        };
        assert_eq!(uri_sent(&i).as_deref(), Some("/new%20x"));
        // A URI part with variables replaces the whole URI.
        let i = UriInputs { uri_part: Some("/x?y"), has_variables: true, uri: "/q", ..UriInputs::default() };
        assert_eq!(uri_sent(&i).as_deref(), Some("/x?y"));
        assert_eq!(escape_uri("/a b?#%\u{e9}~"), "/a%20b%3F%23%25%C3%A9~");
    }

    fn pairs(v: &Value) -> Vec<(String, String)> {
        v.as_array().into_iter().flatten().map(|h| (h[0].as_str().unwrap_or("").to_string(), h[1].as_str().unwrap_or("").to_string())).collect()
    }

    fn recorded(case: &str) -> Option<Vec<Value>> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/route").join(case).join("expected.json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
        v["results"].as_array().cloned()
    }

    /// Rebuilds the upstream header lists of proxy-http-version-headers from the client's headers and each
    /// location's `proxy_set_header` lines (evaluated by hand where they use variables).
    #[test]
    fn recorded_header_lists() {
        let Some(results) = recorded("proxy-http-version-headers") else { return };
        let set = |l: &[(&str, &str)]| l.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        for r in &results {
            let client = pairs(&r["sent"]["headers"]);
            let target = r["sent"]["target"].as_str().unwrap_or("");
            let upgrade = client.iter().find(|(k, _)| k.eq_ignore_ascii_case("upgrade")).map(|(_, v)| v.as_str()).unwrap_or("");
            let body_length = r["sent"]["body"].as_str().map(|b| b.len() as u64);
            let (sets, pass, body) = match target.split('/').nth(1).unwrap_or("") {
                "v11" => (set(&[("Connection", "")]), true, body_length),
                "ws" => (set(&[("Upgrade", upgrade), ("Connection", "upgrade")]), true, body_length),
                "nohdrs" => (Vec::new(), false, body_length),
                "nobody" => (set(&[("Content-Length", "")]), true, None),
                "hide" => (set(&[("Cookie", ""), ("X-Orig-Uri", target)]), true, body_length),
                _ => (Vec::new(), true, body_length),
            };
            let d = DefaultValues { proxy_host: "be".into(), body_length: body, chunked: false };
            let got = upstream_headers(&sets, &d, &client, pass);
            assert_eq!(got, pairs(&r["upstream"]["headers"]), "line {}", r["line"]);
        }
        let Some(results) = recorded("proxy-x-forwarded-for") else { return };
        for r in results.iter().filter(|r| r["upstream"].is_object()) {
            let client = pairs(&r["sent"]["headers"]);
            let xff = proxy_add_x_forwarded_for(&client, r["sent"]["client"].as_str().unwrap_or(""));
            let sets = vec![
                ("X-Forwarded-For".to_string(), xff),
                ("X-Forwarded-Proto".to_string(), "http".to_string()),
                ("X-Forwarded-Host".to_string(), r["sent"]["host"].as_str().unwrap_or("").to_string()),
            ];
            let d = DefaultValues { proxy_host: "backend".into(), ..DefaultValues::default() };
            assert_eq!(upstream_headers(&sets, &d, &client, true), pairs(&r["upstream"]["headers"]), "line {}", r["line"]);
        }
    }
}
