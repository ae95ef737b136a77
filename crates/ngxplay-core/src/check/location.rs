//! `location` blocks (modifiers, nesting rules, regexes), `root`/`alias`, and the duplicate-location
//! check nginx runs when it builds the location trees after `http {}`.

use std::cmp::Ordering;

use super::state::Server;
use super::{Checker, Frame, Kind};
use crate::ast::Directive;
use crate::span::Span;

/// What nginx knows of a location when checking its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocInfo<'a> {
    pub name: &'a str,
    pub exact: bool,
    pub named: bool,
    pub regex: bool,
    pub noregex: bool,
}

/// `ngx_filename_cmp` on Linux: bytewise, with `/` sorting before everything.
fn filename_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len()) + 1;
    for i in 0..n {
        let c1 = a.get(i).copied().unwrap_or(0);
        let c2 = b.get(i).copied().unwrap_or(0);
        if c1 != c2 {
            let m = |c: u8| if c == b'/' { 0 } else { c as i32 };
            return m(c1).cmp(&m(c2));
        }
    }
    Ordering::Equal
}

impl<'a> Checker<'a> {
    pub(crate) fn location_block(&mut self, d: &'a Directive, f: &mut Frame<'a>) {
        let mut info = LocInfo { name: "", exact: false, named: false, regex: false, noregex: false };
        let mut regex: Option<(&'a str, bool)> = None;
        if d.args.len() == 2 {
            let m = d.arg(0).unwrap_or("");
            let name = d.arg(1).unwrap_or("");
            match m {
                "=" => info.exact = true,
                "^~" => info.noregex = true,
                "~" => regex = Some((name, false)),
                "~*" => regex = Some((name, true)),
                _ => {
                    self.emerg(d.term, "invalid-location-modifier", format!("invalid location modifier \"{m}\""));
                    return;
                }
            }
            info.name = name;
        } else {
            let n = d.arg(0).unwrap_or("");
            if let Some(r) = n.strip_prefix('=') {
                info.exact = true;
                info.name = r;
            } else if let Some(r) = n.strip_prefix("^~") {
                info.noregex = true;
                info.name = r;
            } else if let Some(r) = n.strip_prefix('~') {
                let (pat, ci) = match r.strip_prefix('*') {
                    Some(p) => (p, true),
                    None => (r, false),
                };
                info.name = pat;
                regex = Some((pat, ci));
            } else {
                info.name = n;
                info.named = n.starts_with('@');
            }
        }
        if let Some((pat, ci)) = &regex {
            info.regex = true;
            if !self.compile_regex(d, pat, *ci) {
                return;
            }
        }
        if f.kind == Kind::Location {
            if let Some(p) = f.loc {
                if p.exact {
                    self.emerg(d.term, "location-nesting", format!("location \"{}\" cannot be inside the exact location \"{}\"", info.name, p.name));
                    return;
                }
                if p.named {
                    self.emerg(d.term, "location-nesting", format!("location \"{}\" cannot be inside the named location \"{}\"", info.name, p.name));
                    return;
                }
                if info.named {
                    self.emerg(d.term, "location-nesting", format!("named location \"{}\" can be on the server level only", info.name));
                    return;
                }
                if !info.regex && !info.name.as_bytes().starts_with(p.name.as_bytes()) {
                    self.emerg(d.term, "location-outside", format!("location \"{}\" is outside location \"{}\"", info.name, p.name));
                    return;
                }
            }
        }
        let Some(sid) = f.server else { return };
        let id = self.http.servers[sid].add_location(f.loc_id, info, Some(d.term));
        let mut l = f.child(Kind::Location);
        l.loc = Some(info);
        l.loc_id = Some(id);
        l.conf = self.http.add_conf(Some(f.conf));
        if let Some(b) = &d.block {
            self.items(&b.items, &mut l);
        }
        self.loc_end(&l);
    }

    /// Nothing is checked at a location's `}` in nginx 1.22.1; kept as the place for such checks.
    pub(crate) fn loc_end(&mut self, _f: &Frame) {}

    /// `root` and `alias`, which share one field.
    pub(crate) fn root_alias(&mut self, d: &'a Directive, f: &mut Frame<'a>) -> bool {
        let name = d.name();
        let alias = name == "alias";
        if let Some(prev) = f.facts.iter().find(|x| *x == "root" || *x == "alias") {
            if prev == name {
                self.emerg(d.term, "duplicate", format!("\"{name}\" directive is duplicate"));
            } else {
                self.emerg(d.term, "duplicate", format!("\"{name}\" directive is duplicate, \"{prev}\" directive was specified earlier"));
            }
            return false;
        }
        if let Some(l) = &f.loc {
            if alias && l.named {
                self.emerg(d.term, "alias-named", "\"alias\" directive cannot be used inside the named location");
                return false;
            }
        }
        f.add_fact(if alias { "alias" } else { "root" });
        true
    }

    /// `ngx_http_join_exact_locations` over every server's tree: the first duplicate location.
    pub(crate) fn duplicate_locations(&mut self) -> bool {
        let mut scratch = Vec::new();
        for s in 0..self.http.servers.len() {
            let server = &self.http.servers[s];
            if let Some(pos) = dup_in(server, &server.top, &mut scratch) {
                self.emerg(pos.0, "duplicate-location", format!("duplicate location \"{}\"", pos.1));
                return false;
            }
        }
        true
    }
}

/// The first duplicate among `list` and then, in sorted order, their children. `scratch` is working space
/// shared by the whole walk: each level uses what lies past its caller's part and gives it back.
fn dup_in<'a>(s: &Server<'a>, list: &[usize], scratch: &mut Vec<usize>) -> Option<(Span, &'a str)> {
    if list.is_empty() {
        return None;
    }
    let base = scratch.len();
    scratch.extend(list.iter().copied().filter(|i| !s.locs[*i].info.regex && !s.locs[*i].info.named));
    scratch[base..].sort_by(|a, b| {
        let (x, y) = (&s.locs[*a].info, &s.locs[*b].info);
        match filename_cmp(x.name.as_bytes(), y.name.as_bytes()) {
            Ordering::Equal if !x.exact && y.exact => Ordering::Greater,
            Ordering::Equal if x.exact && !y.exact => Ordering::Less,
            o => o,
        }
    });
    let dup = scratch[base..].windows(2).find_map(|w| {
        let (x, y) = (&s.locs[w[0]], &s.locs[w[1]]);
        let same = x.info.name == y.info.name && x.info.exact == y.info.exact;
        same.then_some(y.pos.map(|p| (p, y.info.name))).flatten()
    });
    scratch.truncate(base);
    if dup.is_some() || list.iter().all(|i| s.locs[*i].children.is_empty()) {
        return dup;
    }
    scratch.extend_from_slice(list);
    scratch[base..].sort_by(|a, b| {
        let (x, y) = (&s.locs[*a].info, &s.locs[*b].info);
        let rank = |i: &LocInfo<'_>| if i.named { 2 } else if i.regex { 1 } else { 0 };
        rank(x).cmp(&rank(y)).then_with(|| if rank(x) == 0 { filename_cmp(x.name.as_bytes(), y.name.as_bytes()) } else { Ordering::Equal })
    });
    let mut found = None;
    for k in base..base + list.len() {
        let i = scratch[k];
        found = dup_in(s, &s.locs[i].children, scratch);
        if found.is_some() {
            break;
        }
    }
    scratch.truncate(base);
    found
}
