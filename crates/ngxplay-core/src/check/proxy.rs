//! The `*_pass` directives: URL prefixes, the URI-part rule, implicit upstreams and the merge-time
//! checks of the proxy-like modules' buffers and caches.

use super::state::Conf;
use super::url::{parse_url, UrlMode};
use super::values::{parse_size, parse_offset};
use super::{Checker, Frame, Kind};
use crate::ast::Directive;

/// The modules whose loc confs nginx merges with buffer checks, in module order, with their prefix.
pub const MERGED: &[&str] = &["proxy", "fastcgi", "uwsgi", "scgi", "grpc"];

impl<'a> Checker<'a> {
    pub(crate) fn pass(&mut self, d: &'a Directive, f: &mut Frame<'a>) -> bool {
        let name = d.name();
        if !f.set_once(name) {
            self.emerg(d.term, "duplicate", format!("\"{name}\" directive is duplicate"));
            return false;
        }
        let raw = d.arg(0).unwrap_or("");
        if raw.contains('$') {
            self.vars_in(raw);
            return true;
        }
        let (rest, default_port) = match name {
            "proxy_pass" => {
                if let Some(r) = strip_prefix_ci(raw, "http://") {
                    (r, 80)
                } else if let Some(r) = strip_prefix_ci(raw, "https://") {
                    (r, 443)
                } else {
                    self.emerg(d.term, "invalid-url-prefix", "invalid URL prefix");
                    return false;
                }
            }
            "grpc_pass" => match (strip_prefix_ci(raw, "grpc://"), strip_prefix_ci(raw, "grpcs://")) {
                (Some(r), _) => (r, 80),
                (_, Some(r)) => (r, 443),
                _ => (raw, 80),
            },
            "uwsgi_pass" => (strip_prefix_ci(raw, "uwsgi://").or_else(|| strip_prefix_ci(raw, "suwsgi://")).unwrap_or(raw), 80),
            _ => (raw, 80),
        };
        let uri_part = name == "proxy_pass";
        let url = match parse_url(rest, UrlMode { listen: false, uri_part, default_port }) {
            Ok(u) => u,
            Err(e) => {
                self.emerg(d.term, "invalid-upstream", format!("{e} in upstream \"{rest}\""));
                return false;
            }
        };
        if self.upstream_add(d, &url, false).is_none() {
            return false;
        }
        if uri_part && url.uri.as_deref().is_some_and(|u| !u.is_empty()) {
            let restricted = matches!(f.kind, Kind::IfLocation | Kind::IfServer | Kind::LimitExcept)
                || f.loc.as_ref().is_some_and(|l| l.regex || l.named);
            if restricted {
                self.emerg(d.term, "proxy-pass-uri", "\"proxy_pass\" cannot have URI part in location given by regular expression, or inside named location, or inside \"if\" statement, or inside \"limit_except\" block");
                return false;
            }
        }
        true
    }

    /// The merge-time checks of one proxy-like module on one conf, with values already inherited.
    /// `chain` holds the confs below http that set something of the module, outermost first.
    pub(crate) fn merge_buffers(&self, module: &str, chain: &[&Conf<'a>]) -> Option<String> {
        let http = self.http.confs.first();
        let get = |k: &str| chain.iter().rev().find_map(|c| c.get_module(module, k)).or_else(|| http.and_then(|c| c.get_module(module, k)));
        let first = |k: &str| get(k).and_then(|a| a.first()).map(|w| w.value.as_str());
        let (num, bsize) = match get("buffers") {
            Some(a) => (a.first().and_then(|n| n.value.parse::<u64>().ok()).unwrap_or(8), a.get(1).and_then(|s| parse_size(&s.value)).unwrap_or(4096)),
            None => (8, 4096),
        };
        if num < 2 {
            return Some(format!("there must be at least 2 \"{module}_buffers\""));
        }
        let buffer_size = first("buffer_size").and_then(parse_size).unwrap_or(4096);
        let size = buffer_size.max(bsize);
        let busy = first("busy_buffers_size").and_then(parse_size).unwrap_or(2 * size);
        if busy < size {
            return Some(format!("\"{module}_busy_buffers_size\" must be equal to or greater than the maximum of the value of \"{module}_buffer_size\" and one of the \"{module}_buffers\""));
        }
        if busy > (num - 1) * bsize {
            return Some(format!("\"{module}_busy_buffers_size\" must be less than the size of all \"{module}_buffers\" minus one buffer"));
        }
        let tfw = first("temp_file_write_size").and_then(parse_size).unwrap_or(2 * size);
        if tfw < size {
            return Some(format!("\"{module}_temp_file_write_size\" must be equal to or greater than the maximum of the value of \"{module}_buffer_size\" and one of the \"{module}_buffers\""));
        }
        let mtf = first("max_temp_file_size").and_then(parse_offset).unwrap_or(1 << 30);
        if mtf != 0 && mtf < size {
            return Some(format!("\"{module}_max_temp_file_size\" must be equal to zero to disable temporary files usage or must be equal to or greater than the maximum of the value of \"{module}_buffer_size\" and one of the \"{module}_buffers\""));
        }
        if let Some(zone) = first("cache") {
            if zone != "off" && !zone.contains('$') && !self.http.zone_known(zone, cache_tag(module)) {
                return Some(format!("\"{module}_cache\" zone \"{zone}\" is unknown"));
            }
        }
        None
    }
}

/// The shared-zone tag of a module's cache.
pub fn cache_tag(module: &str) -> &'static str {
    match module {
        "proxy" => "proxy_cache",
        "fastcgi" => "fastcgi_cache",
        "uwsgi" => "uwsgi_cache",
        "scgi" => "scgi_cache",
        _ => "grpc_cache",
    }
}

/// `text` without `prefix`, compared ignoring ASCII case.
fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.as_bytes().get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix.as_bytes()).then(|| &text[prefix.len()..])
}
