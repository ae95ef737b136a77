//! Per-directive rules: the slot checks first, then each handler's own checks (`error_page`, logs,
//! zones, `expires`, events, and dispatch to the listen/location/rewrite/proxy/upstream modules).

use super::values::parse_time;
use super::{Checker, Frame, Kind};
use crate::ast::Directive;
use crate::directives::Spec;

impl<'a> Checker<'a> {
    /// All checks of a non-block directive; false when an error was reported.
    pub(crate) fn directive_rules(&mut self, d: &'a Directive, spec: &Spec, f: &mut Frame<'a>) -> bool {
        if !self.slot(d, spec, f) {
            return false;
        }
        if self.http.active && f.kind.is_loc() || matches!(f.kind, Kind::Server | Kind::Http) {
            if let Some(c) = self.http.confs.get_mut(f.conf) {
                c.set(d.name(), &d.args);
            }
        }
        let a0 = d.arg(0).unwrap_or("");
        match d.name() {
            "listen" => self.listen(d, f),
            "server_name" => self.server_name(d, f),
            "root" | "alias" => self.root_alias(d, f),
            "try_files" => {
                if !f.set_once("try_files") {
                    self.emerg(d.term, "duplicate", "\"try_files\" directive is duplicate");
                    return false;
                }
                true
            }
            "proxy_pass" | "fastcgi_pass" | "uwsgi_pass" | "scgi_pass" | "grpc_pass" | "memcached_pass" => self.pass(d, f),
            "return" => self.return_rule(d),
            "rewrite" => self.rewrite_rule(d),
            "set" => self.set_rule(d),
            "error_page" => self.error_page(d),
            "ip_hash" | "hash" | "random" | "least_conn" => self.balancer(d, f),
            "log_format" => {
                if !self.http.log_formats.insert(a0.to_string()) {
                    self.emerg(d.term, "duplicate-log-format", format!("duplicate \"log_format\" name \"{a0}\""));
                    return false;
                }
                let mut rest = 1;
                if let Some(e) = d.arg(1).and_then(|a| a.strip_prefix("escape=")) {
                    if !matches!(e, "default" | "json" | "none") {
                        self.emerg(d.term, "log-escape", format!("unknown log format escaping \"{e}\""));
                        return false;
                    }
                    rest = 2;
                }
                for w in d.args.iter().skip(rest) {
                    self.vars_in(&w.value);
                }
                true
            }
            "access_log" => {
                if a0 != "off" {
                    let fmt = d.args.get(1).map(|w| w.value.as_str()).filter(|v| !v.contains('='));
                    if let Some(fmt) = fmt {
                        if !self.http.log_formats.contains(fmt) {
                            self.emerg(d.term, "unknown-log-format", format!("unknown log format \"{fmt}\""));
                            return false;
                        }
                    }
                }
                true
            }
            "limit_req_zone" | "limit_conn_zone" => {
                let tag = if d.name() == "limit_req_zone" { "limit_req" } else { "limit_conn" };
                for w in d.args.iter().skip(1) {
                    if let Some(z) = w.value.strip_prefix("zone=") {
                        let name = z.split(':').next().unwrap_or("");
                        self.http.zone(name, z.contains(':'), tag);
                    }
                    if let Some(r) = w.value.strip_prefix("rate=") {
                        let ok = r.strip_suffix("r/s").or_else(|| r.strip_suffix("r/m")).and_then(super::url::atoi).is_some_and(|n| n > 0);
                        if !ok {
                            self.emerg(d.term, "invalid-rate", format!("invalid rate \"{}\"", w.value));
                            return false;
                        }
                    }
                }
                true
            }
            "limit_req" | "limit_conn" => {
                let tag = if d.name() == "limit_req" { "limit_req" } else { "limit_conn" };
                let zone = if tag == "limit_conn" { Some(a0) } else { d.args.iter().find_map(|w| w.value.strip_prefix("zone=")) };
                if let Some(z) = zone {
                    self.http.zone(z, false, tag);
                }
                true
            }
            "proxy_cache_path" | "fastcgi_cache_path" | "uwsgi_cache_path" | "scgi_cache_path" => {
                let tag = super::proxy::cache_tag(d.name().trim_end_matches("_cache_path"));
                for w in d.args.iter().skip(1) {
                    if let Some(z) = w.value.strip_prefix("keys_zone=") {
                        self.http.zone(z.split(':').next().unwrap_or(""), z.contains(':'), tag);
                    }
                }
                true
            }
            "expires" => self.expires(d),
            "allow" | "deny" => {
                if a0 != "all" && a0 != "unix:" && super::blocks::low_bits_set(a0) {
                    self.warn(d.term, "low-address-bits", format!("low address bits of {a0} are meaningless"));
                }
                true
            }
            "gzip_types" | "sub_filter_types" | "ssi_types" | "addition_types" | "charset_types" => {
                let mut types: Vec<String> = if d.name() == "charset_types" {
                    ["text/html", "text/xml", "text/plain", "text/vnd.wap.wml", "application/javascript", "application/rss+xml"].iter().map(|s| s.to_string()).collect()
                } else {
                    vec!["text/html".to_string()]
                };
                for w in &d.args {
                    if w.value == "*" {
                        break;
                    }
                    let t = w.value.to_ascii_lowercase().to_string();
                    if types.contains(&t) {
                        self.warn(d.term, "duplicate-mime-type", format!("duplicate MIME type \"{}\"", w.value));
                    } else {
                        types.push(t);
                    }
                }
                true
            }
            "keepalive_timeout" => {
                if d.args.iter().enumerate().any(|(i, w)| parse_time(&w.value, i == 1).is_none()) {
                    self.emerg(d.term, "invalid-value", "\"keepalive_timeout\" directive invalid value");
                    return false;
                }
                true
            }
            "ssl" => {
                self.warn(d.term, "deprecated", "the \"ssl\" directive is deprecated, use the \"listen ... ssl\" directive instead");
                true
            }
            "http2_recv_timeout" | "http2_idle_timeout" | "http2_max_requests" | "http2_max_field_size" | "http2_max_header_size" => {
                let new = match d.name() {
                    "http2_recv_timeout" => "client_header_timeout",
                    "http2_idle_timeout" => "keepalive_timeout",
                    "http2_max_requests" => "keepalive_requests",
                    _ => "large_client_header_buffers",
                };
                self.warn(d.term, "obsolete", format!("the \"{}\" directive is obsolete, use the \"{new}\" directive instead", d.name()));
                true
            }
            "ssl_session_cache" => {
                for w in &d.args {
                    let v = w.value.as_str();
                    let ok = matches!(v, "off" | "none" | "builtin")
                        || v.strip_prefix("builtin:").is_some_and(|n| super::url::atoi(n).is_some())
                        || v.strip_prefix("shared:").and_then(|z| z.split_once(':')).is_some_and(|(n, s)| !n.is_empty() && super::values::parse_size(s).is_some());
                    if !ok {
                        self.emerg(d.term, "invalid-session-cache", format!("invalid session cache \"{v}\""));
                        return false;
                    }
                }
                true
            }
            "worker_connections" => {
                if super::url::atoi(a0).is_none() {
                    self.emerg(d.term, "invalid-number", format!("invalid number \"{a0}\""));
                    return false;
                }
                true
            }
            "use" => {
                if !matches!(a0, "epoll" | "poll" | "select") {
                    self.emerg(d.term, "invalid-event", format!("invalid event type \"{a0}\""));
                    return false;
                }
                true
            }
            "keepalive" if f.kind == Kind::Upstream => {
                if super::url::atoi(a0).unwrap_or(0) == 0 {
                    self.emerg(d.term, "invalid-value", format!("invalid value \"{a0}\" in \"keepalive\" directive"));
                    return false;
                }
                true
            }
            _ => true,
        }
    }

    fn error_page(&mut self, d: &'a Directive) -> bool {
        let n = d.args.len();
        if n < 2 {
            return true;
        }
        let mut codes_end = n - 1;
        let eq = &d.args[n - 2].value;
        if let Some(v) = eq.strip_prefix('=') {
            if n - 2 == 0 || (!v.is_empty() && super::url::atoi(v).is_none()) {
                self.emerg(d.term, "invalid-value", format!("invalid value \"{eq}\""));
                return false;
            }
            codes_end = n - 2;
        }
        for w in &d.args[..codes_end] {
            match super::url::atoi(&w.value) {
                None | Some(499) => {
                    self.emerg(d.term, "invalid-value", format!("invalid value \"{}\"", w.value));
                    return false;
                }
                Some(c) if !(300..=599).contains(&c) => {
                    self.emerg(d.term, "invalid-value", format!("value \"{}\" must be between 300 and 599", w.value));
                    return false;
                }
                _ => {}
            }
        }
        true
    }

    fn expires(&mut self, d: &'a Directive) -> bool {
        let mut v = d.arg(0).unwrap_or("");
        if d.args.len() == 2 {
            if v != "modified" {
                self.emerg(d.term, "invalid-value", "\"expires\" directive invalid value");
                return false;
            }
            v = d.arg(1).unwrap_or("");
        }
        if matches!(v, "epoch" | "max" | "off") || v.contains('$') {
            return true;
        }
        let t = v.strip_prefix('@').unwrap_or(v);
        let t = t.strip_prefix('+').or_else(|| t.strip_prefix('-')).unwrap_or(t);
        if parse_time(t, true).is_none() {
            self.emerg(d.term, "invalid-value", "\"expires\" directive invalid value");
            return false;
        }
        true
    }
}
