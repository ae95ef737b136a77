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
    pub(crate) fn http_end(&mut self, close: Pos) {
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
    fn merge_all(&mut self, close: &Pos) -> bool {
        let servers: Vec<usize> = self.http.servers.iter().map(|s| s.conf).collect();
        for m in MERGED {
            let base = &self.http.confs[0];
            // A server that sets nothing of this module merges to the http values, so one check covers them all.
            let base_error = self.merge_buffers(m, base);
            for s in &servers {
                if let Some(msg) = self.merge_tree(m, *s, base, base_error.as_deref(), 0) {
                    self.emerg_at(close, "merge", msg);
                    return false;
                }
            }
        }
        true
    }

    /// Merges conf `id` over its parent's merged values and checks it, then its child locations.
    /// `parent_error` is the parent's own check result, which a conf setting nothing of the module inherits.
    fn merge_tree(&self, module: &str, id: usize, parent: &Conf, parent_error: Option<&str>, depth: usize) -> Option<String> {
        if depth > 512 {
            return None;
        }
        let c = self.http.confs.get(id)?;
        let prefix = format!("{module}_");
        let own = c.values.keys().any(|k| k.starts_with(&prefix));
        let owned;
        let (merged, error) = if own {
            let mut values = parent.values.clone();
            values.extend(c.values.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, v)| (k.clone(), v.clone())));
            owned = Conf { values, children: Vec::new() };
            (&owned, self.merge_buffers(module, &owned))
        } else {
            (parent, parent_error.map(str::to_string))
        };
        if error.is_some() {
            return error;
        }
        for ch in &c.children {
            if let Some(msg) = self.merge_tree(module, *ch, merged, None, depth + 1) {
                return Some(msg);
            }
        }
        None
    }

    /// `ngx_init_cycle`'s shared memory step: a zone used but never given a size.
    pub(crate) fn shared_zones_end(&mut self) {
        if self.diags.iter().any(|d| d.is_fatal()) {
            return;
        }
        let zones = self.http.zones.clone();
        for (name, sized, _) in zones {
            if !sized {
                self.bare(Level::Emerg, "zero-size-zone", format!("zero size shared memory zone \"{name}\""), None);
                return;
            }
        }
    }
}
