//! What nginx does after the `}` of `http {}`, in its order: per module init and merge (upstream hosts,
//! proxy-like buffer and cache checks), location trees, variables, then listen and server-name hashes;
//! and the shared-memory zones checked when the whole configuration has been read.

use super::proxy::MERGED;
use super::state::{Conf, HttpState, Pos};
use super::Checker;
use crate::diag::Level;

impl<'a> Checker<'a> {
    pub(crate) fn http_begin(&mut self) {
        let zones = std::mem::take(&mut self.http.zones);
        let refs = std::mem::take(&mut self.http.zone_refs);
        self.http = HttpState { zones, zone_refs: refs, active: true, ..HttpState::default() };
        self.http.add_conf(None);
        self.http.log_formats.insert("combined".into());
    }

    /// Runs the post-`http {}` steps; `close` is where nginx's line counter stands (the `}`).
    pub(crate) fn http_end(&mut self, close: Pos<'a>) {
        if self.diags.iter().any(|d| d.is_fatal()) {
            // nginx stops at the first error; later phases would only echo it.
            self.http.active = false;
            return;
        }
        if !self.upstreams_init() {
            return;
        }
        if !self.merge_all(&close) {
            return;
        }
        if !self.duplicate_locations() {
            return;
        }
        if !self.variables_init() {
            return;
        }
        self.server_names_end();
        self.http.active = false;
    }

    /// `ngx_http_merge_servers` for each proxy-like module: every server and location, inherited values.
    fn merge_all(&mut self, close: &Pos<'_>) -> bool {
        let mut chain: Vec<&Conf<'a>> = Vec::new();
        for (bit, m) in MERGED.iter().enumerate() {
            // A server that sets nothing of this module merges to the http values, so one check covers them all.
            let base_error = self.merge_buffers(m, &[]);
            for s in 0..self.http.servers.len() {
                let id = self.http.servers[s].conf;
                if let Some(msg) = self.merge_tree(bit, id, &mut chain, base_error.as_deref(), 0) {
                    self.emerg_at(close, "merge", msg);
                    return false;
                }
            }
        }
        true
    }

    /// Merges conf `id` over its ancestors' values and checks it, then its child locations.
    /// `chain` holds the ancestor confs that set something of the module, outermost first;
    /// `parent_error` is the parent's own check result, which a conf setting nothing of the module inherits.
    fn merge_tree<'s>(&'s self, bit: usize, id: usize, chain: &mut Vec<&'s Conf<'a>>, parent_error: Option<&str>, depth: usize) -> Option<String> {
        if depth > 512 {
            return None;
        }
        let c = self.http.confs.get(id)?;
        let own = c.modules & (1 << bit) != 0;
        if own {
            chain.push(c);
            let error = self.merge_buffers(MERGED[bit], chain);
            if error.is_some() {
                chain.pop();
                return error;
            }
        } else if let Some(e) = parent_error {
            return Some(e.to_string());
        }
        let mut found = None;
        for ch in &c.children {
            if let Some(msg) = self.merge_tree(bit, *ch, chain, None, depth + 1) {
                found = Some(msg);
                break;
            }
        }
        if own {
            chain.pop();
        }
        found
    }

    /// `ngx_init_cycle`'s shared memory step: a zone used but never given a size.
    pub(crate) fn shared_zones_end(&mut self) {
        if self.diags.iter().any(|d| d.is_fatal()) {
            return;
        }
        if let Some((name, _, _)) = self.http.zones.iter().find(|z| !z.1) {
            let text = format!("zero size shared memory zone \"{name}\"");
            self.bare(Level::Emerg, "zero-size-zone", text, None);
        }
    }
}
