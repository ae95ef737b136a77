//! Bodies nginx parses with a handler of the block's own: `map`, `geo`, `types` and `split_clients`.

use super::{Checker, Frame, Kind};
use crate::ast::Directive;
use crate::fxhash::{FxHashMap, FxHashSet};

/// The running state of a handler-parsed body.
#[derive(Clone, Debug, Default)]
pub enum Body {
    #[default]
    None,
    Map { hostnames: bool, default: bool, keys: FxHashSet<String> },
    /// Network to value.
    Geo { default: bool, nets: FxHashMap<String, String> },
    /// Extension to content type.
    Types(FxHashMap<String, String>),
    SplitClients { total: u64 },
}

impl<'a> Checker<'a> {
    /// The block directive itself: its variable, then its body.
    pub(crate) fn body_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        let (kind, body) = match d.name() {
            "map" => (Kind::Map, Body::Map { hostnames: false, default: false, keys: FxHashSet::default() }),
            "geo" => (Kind::Geo, Body::Geo { default: false, nets: FxHashMap::default() }),
            "split_clients" => (Kind::SplitClients, Body::SplitClients { total: 0 }),
            _ => (Kind::Types, Body::Types(FxHashMap::default())),
        };
        match kind {
            Kind::Map | Kind::SplitClients => {
                self.vars_in(d.arg(0).unwrap_or(""));
                if !self.define_block_var(d, d.arg(1).unwrap_or("")) {
                    return;
                }
            }
            Kind::Geo => {
                let target = if d.args.len() == 2 {
                    self.vars_in(d.arg(0).unwrap_or(""));
                    d.arg(1)
                } else {
                    d.arg(0)
                };
                if !self.define_block_var(d, target.unwrap_or("")) {
                    return;
                }
            }
            _ => {}
        }
        let mut b = f.child(kind);
        b.body = body;
        let Some(block) = &d.block else { return };
        self.items(&block.items, &mut b);
        if let Body::SplitClients { total } = b.body {
            if total > 10000 {
                self.emerg(block.close.unwrap_or(d.term), "split-clients", "percent total is greater than 100%");
            }
        }
    }

    fn define_block_var(&mut self, d: &'a Directive, target: &str) -> bool {
        let Some(name) = target.strip_prefix('$') else {
            self.emerg(d.term, "invalid-variable", format!("invalid variable name \"{target}\""));
            return false;
        };
        self.add_variable(d, name, true)
    }

    /// One statement of a handler-parsed body.
    pub(crate) fn body_entry(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        // The entry's words: its "name" is the first one.
        let count = 1 + d.args.len();
        let first = d.name();
        let second = d.arg(0).unwrap_or("");
        match &mut f.body {
            Body::Map { hostnames, default, keys } => {
                if count == 1 && (first == "hostnames" || first == "volatile") {
                    if first == "hostnames" {
                        *hostnames = true;
                    }
                    return;
                }
                if count != 2 {
                    self.emerg(d.term, "map-params", "invalid number of the map parameters");
                    return;
                }
                let (key, value) = (first, second);
                if key == "default" {
                    if *default {
                        self.emerg(d.term, "map-default", "duplicate default map parameter");
                        return;
                    }
                    *default = true;
                    self.vars_in(value);
                    return;
                }
                if let Some(re) = key.strip_prefix('~') {
                    let re = re.strip_prefix('*').unwrap_or(re);
                    self.vars_in(value);
                    self.compile_regex(d, re, false);
                    return;
                }
                let k = key.strip_prefix('\\').unwrap_or(key).to_ascii_lowercase();
                if !keys.insert(k) {
                    self.emerg(d.term, "map-conflict", format!("conflicting parameter \"{key}\""));
                    return;
                }
                self.vars_in(value);
            }
            Body::Geo { default, nets } => {
                let key = first;
                if matches!(key, "ranges" | "proxy_recursive") && count == 1 {
                    return;
                }
                if count != 2 {
                    self.emerg(d.term, "geo-params", "invalid number of the geo parameters");
                    return;
                }
                if key == "default" {
                    *default = true;
                    return;
                }
                if matches!(key, "proxy" | "delete") {
                    return;
                }
                if !valid_network(key) {
                    self.emerg(d.term, "geo-network", format!("invalid network \"{key}\""));
                    return;
                }
                let value = second.to_string();
                if low_bits_set(key) {
                    self.warn(d.term, "low-address-bits", format!("low address bits of {key} are meaningless"));
                }
                if let Some(old) = nets.get(key) {
                    let old = old.clone();
                    self.warn(d.term, "duplicate-network", format!("duplicate network \"{key}\", value: \"{value}\", old value: \"{old}\""));
                } else {
                    nets.insert(key.to_string(), value);
                }
            }
            Body::SplitClients { total } => {
                let key = first;
                if count != 2 {
                    self.emerg(d.term, "split-params", "invalid number of arguments in \"split_clients\" directive");
                    return;
                }
                if key == "*" {
                    return;
                }
                match percent(key) {
                    Some(p) => *total += p,
                    None => self.emerg(d.term, "split-percent", format!("invalid percent value \"{key}\"")),
                }
            }
            Body::Types(exts) => {
                let ty = first;
                for ext in &d.args {
                    let e = ext.value.as_str().to_ascii_lowercase();
                    if let Some(prev) = exts.get(&e) {
                        let prev = prev.clone();
                        self.warn(d.term, "duplicate-extension", format!("duplicate extension \"{e}\", content type: \"{ty}\", previous content type: \"{prev}\""));
                    } else {
                        exts.insert(e, ty.to_string());
                    }
                }
            }
            Body::None => {}
        }
    }
}

/// `N%` or `N.NN%` as hundredths of a percent.
fn percent(s: &str) -> Option<u64> {
    let n = s.strip_suffix('%')?;
    let (int, frac) = match n.split_once('.') {
        Some((a, b)) => (a, b),
        None => (n, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = int.parse::<u64>().ok()? * 100 + format!("{frac:0<2}").parse::<u64>().ok()?;
    if v == 0 {
        return None;
    }
    Some(v)
}

/// An IPv4/IPv6 address or CIDR network, or a range `a-b`, as the geo module reads keys.
fn valid_network(s: &str) -> bool {
    if s.contains('-') {
        return s.split('-').all(|p| p.parse::<std::net::Ipv4Addr>().is_ok());
    }
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let max = if addr.contains(':') {
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        128
    } else {
        if super::url::inet_addr(addr).is_none() {
            return false;
        }
        32
    };
    match bits {
        None => true,
        Some(b) => super::url::atoi(b).is_some_and(|n| n <= max),
    }
}

/// Whether an IPv4 CIDR has bits set below its mask (`ngx_ptocidr` returning `NGX_DONE`).
pub(crate) fn low_bits_set(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else { return false };
    let (Ok(ip), Some(n)) = (addr.parse::<std::net::Ipv4Addr>(), super::url::atoi(bits)) else { return false };
    if n >= 32 {
        return false;
    }
    let mask = if n == 0 { 0 } else { u32::MAX << (32 - n) };
    u32::from(ip) & !mask != 0
}
