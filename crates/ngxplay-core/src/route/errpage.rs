//! Error responses: the error status, `error_page` (chains, `recursive_error_pages`, redirect cycles) and the final status.

use super::sim::{Flow, Run, MAX_URI_CHANGES};

impl Run<'_, '_> {
    /// Answers with `code` as nginx's special response handler does: `code` becomes the error status, then a
    /// matching `error_page` handles it when one may, else nginx's own response is sent.
    pub fn finalize_error(&mut self, code: u16) {
        self.status = code;
        if self.try_error_page(code) {
            return;
        }
        self.special_response(code);
    }

    /// Handles `code` with a matching `error_page`; `false` when none applies.
    fn try_error_page(&mut self, code: u16) -> bool {
        let pages = self.model().lookup_all(self.scope, "error_page");
        if pages.is_empty() {
            return false;
        }
        let code_s = code.to_string();
        let found = pages.into_iter().find(|d| d.args.len() >= 2 && d.args[..d.args.len() - 1].contains(&code_s));
        if self.error_page {
            if let Some(d) = found {
                self.step(format!("error_page for {code} is not used: an error page already ran and recursive_error_pages is off"), Some(d.span));
            }
            return false;
        }
        // After a rewrite or internal redirection cycle nginx has no URI changes left for an error page.
        if self.uri_changes > MAX_URI_CHANGES {
            return false;
        }
        if !self.flag("recursive_error_pages", false) {
            self.error_page = true;
        }
        let Some(d) = found else { return false };
        let overwrite: Option<u16> = d.args.iter().find_map(|a| a.strip_prefix('=').map(|v| v.parse().unwrap_or(0)));
        let target = d.args[d.args.len() - 1].clone();
        if let Some(n) = overwrite {
            self.status = n;
        }
        self.step(format!("error_page for {code}: \"{target}\""), Some(d.span));
        let target = self.eval(&target);
        let flow = if target.starts_with('/') {
            match target.split_once('?') {
                Some((u, a)) => {
                    self.uri = u.to_string();
                    self.args = a.to_string();
                }
                None => {
                    self.uri = target.clone();
                    self.args.clear();
                }
            }
            if self.method != "HEAD" {
                self.method = "GET".into();
            }
            self.uri_changes += 1;
            self.internal = true;
            self.res.location = None;
            self.phases_from(Flow::Internal)
        } else if target.starts_with('@') {
            self.uri_changes += 1;
            if !self.enter_named(&target) {
                self.step(format!("could not find named location \"{target}\": 500"), Some(d.span));
                self.finalize_error(500);
                return true;
            }
            self.internal = true;
            self.phases_from(Flow::Named)
        } else {
            // Anything else is sent as a Location: a redirect with the `=` code when that is one, else 302.
            let status = overwrite.filter(|c| matches!(c, 301 | 302 | 303 | 307 | 308)).unwrap_or(302);
            self.status = status;
            self.res.location = Some(target);
            self.special_response(status);
            return true;
        };
        match flow {
            Flow::Done(0) | Flow::Next | Flow::Redirect | Flow::Internal | Flow::Named => {}
            Flow::Done(c) => self.finalize_error(c),
        }
        true
    }

    /// Whatever response is finally sent goes out with the error status, when there is one.
    pub fn apply_err_status(&mut self) {
        let Some(sent) = self.res.status else { return };
        if self.status != 0 && self.status != sent {
            let (from, to) = (sent.to_string(), self.status.to_string());
            self.step(["the response goes out with the error status ", &to, " instead of ", &from].concat(), None);
            self.res.status = Some(self.status);
        }
    }
}
