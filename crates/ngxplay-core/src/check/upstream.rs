//! `upstream {}` blocks, their `server` entries and balancer flags, the implicit upstreams of `*_pass`
//! (`ngx_http_upstream_add`), and host resolution when nginx initialises them after `http {}`.

use super::state::{lowercase, Upstream};
use super::url::{atoi, parse_url, Url, UrlMode};
use super::values::parse_time;
use super::{Checker, Frame, Kind};
use crate::ast::Directive;

/// The parameters a balancing method allows, as nginx's `NGX_HTTP_UPSTREAM_*` flags.
const ALL: &[&str] = &["weight", "max_conns", "max_fails", "fail_timeout", "down", "backup"];
const NO_BACKUP: &[&str] = &["weight", "max_conns", "max_fails", "fail_timeout", "down"];

impl<'a> Checker<'a> {
    pub(crate) fn upstream_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        let name = d.arg(0).unwrap_or("");
        let url = Url { host: name.into(), port: 0, no_port: true, ..Url::default() };
        let Some(idx) = self.upstream_add(d, &url, true) else { return };
        let mut u = f.child(Kind::Upstream);
        u.upstream = Some(idx);
        u.facts.clear();
        if let Some(b) = &d.block {
            self.items(&b.items, &mut u);
            if !u.has_fact("server") {
                let at = b.close.unwrap_or(d.term);
                self.emerg(at, "no-servers", "no servers are inside upstream");
            }
        }
    }

    /// A `server` line inside `upstream {}`.
    pub(crate) fn upstream_server(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        f.add_fact("server");
        let allowed: &[&str] = if f.has_fact("no_backup") { NO_BACKUP } else { ALL };
        for w in d.args.iter().skip(1) {
            let v = w.value.as_str();
            let (key, val) = match v.split_once('=') {
                Some((k, val)) => (k, Some(val)),
                None => (v, None),
            };
            let known = ALL.contains(&key) && (val.is_some() == !matches!(key, "down" | "backup"));
            if !known {
                self.emerg(d.term, "invalid-parameter", format!("invalid parameter \"{v}\""));
                return;
            }
            if !allowed.contains(&key) {
                self.emerg(d.term, "not-supported", format!("balancing method does not support parameter \"{v}\""));
                return;
            }
            let ok = match (key, val) {
                ("weight", Some(n)) => atoi(n).unwrap_or(0) != 0,
                ("max_conns" | "max_fails", Some(n)) => atoi(n).is_some(),
                ("fail_timeout", Some(t)) => parse_time(t, true).is_some(),
                _ => true,
            };
            if !ok {
                self.emerg(d.term, "invalid-parameter", format!("invalid parameter \"{v}\""));
                return;
            }
        }
        let text = d.arg(0).unwrap_or("");
        match parse_url(text, UrlMode { listen: false, uri_part: false, default_port: 80 }) {
            Err(e) => self.emerg(d.term, "invalid-upstream-server", format!("{e} in upstream \"{text}\"")),
            Ok(u) => {
                if u.addr.is_none() && self.opts.unresolvable(&u.host) {
                    self.emerg(d.term, "host-not-found", format!("host not found in upstream \"{text}\""));
                }
            }
        }
    }

    /// Balancer directives narrow the parameters later `server` lines may use.
    pub(crate) fn balancer(&mut self, d: &'a Directive, f: &mut Frame<'a>) -> bool {
        if !f.add_fact("balancer") {
            self.warn(d.term, "balancer-redefined", "load balancing method redefined");
        }
        f.facts.remove("no_backup");
        if matches!(d.name(), "ip_hash" | "hash" | "random") {
            f.add_fact("no_backup");
        }
        true
    }

    /// `ngx_http_upstream_add`: finds or creates the upstream for `url`; `None` after an error.
    pub(crate) fn upstream_add(&mut self, d: &'a Directive, url: &Url, create: bool) -> Option<usize> {
        let pos = d.term;
        let key = lowercase(&url.host);
        let count = self.http.upstream_index.get(&key).map_or(0, Vec::len);
        for k in 0..count {
            let i = self.http.upstream_index[&key][k];
            let u = &self.http.upstreams[i];
            if create && u.created {
                self.emerg(d.term, "duplicate-upstream", format!("duplicate upstream \"{}\"", url.host));
                return None;
            }
            if u.created && !url.no_port {
                self.emerg(d.term, "upstream-port", format!("upstream \"{}\" may not have port {}", url.host, url.port));
                return None;
            }
            if create && !u.no_port {
                let (p, port) = (u.pos, u.port);
                self.emerg(p, "upstream-port", format!("upstream \"{}\" may not have port {}", url.host, port));
                return None;
            }
            if u.port != 0 && url.port != 0 && u.port != url.port {
                continue;
            }
            if create {
                let u = &mut self.http.upstreams[i];
                u.created = true;
                u.port = 0;
                u.has_servers = true;
            }
            return Some(i);
        }
        let has_servers = create || url.unix || (url.addr.is_some() && url.port != 0);
        self.http.upstreams.push(Upstream { host: url.host.clone(), port: url.port, no_port: url.no_port, created: create, pos, has_servers });
        let i = self.http.upstreams.len() - 1;
        self.http.upstream_index.entry(key).or_default().push(i);
        Some(i)
    }

    /// `ngx_http_upstream_init_main_conf`: implicit upstreams resolve their host now.
    pub(crate) fn upstreams_init(&mut self) -> bool {
        let opts = self.opts;
        let Some(u) = self.http.upstreams.iter().find(|u| !u.has_servers && opts.unresolvable(&u.host)) else { return true };
        let (pos, text) = (u.pos, format!("host not found in upstream \"{}\"", u.host));
        self.emerg(pos, "host-not-found", text);
        false
    }
}
