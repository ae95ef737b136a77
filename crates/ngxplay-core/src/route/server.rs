//! Server selection: the listen socket's address group, then the Host name among that group's servers.

use super::sim::{push_number, Run};
use crate::model::{parse_listen, ListenAddr, ServerId};

/// Validates a Host value as `ngx_http_validate_host` does: lowercased, port and one trailing dot removed.
pub fn validate_host(host: &str) -> Option<String> {
    let b = host.as_bytes();
    let mut dot_pos: Option<usize> = None;
    let mut host_len = b.len();
    let mut literal = false;
    let mut rest = false;
    for (i, &ch) in b.iter().enumerate() {
        match ch {
            b'.' => {
                if i > 0 && dot_pos == Some(i - 1) {
                    return None;
                }
                dot_pos = Some(i);
            }
            b':' if !literal && !rest => {
                host_len = i;
                rest = true;
            }
            b'[' if i == 0 => literal = true,
            b']' if literal && !rest => {
                host_len = i + 1;
                literal = false;
                rest = true;
            }
            b'/' => return None,
            c if c <= 0x20 || c == 0x7f => return None,
            _ => {}
        }
    }
    if host_len > 0 && dot_pos == Some(host_len - 1) {
        host_len -= 1;
    }
    if host_len == 0 {
        return None;
    }
    Some(host[..host_len].to_ascii_lowercase())
}

impl Run<'_, '_> {
    /// The address the request arrives on, when the request names one (`addr=`).
    fn arrival_addr(&self) -> Option<ListenAddr> {
        let port = self.listen_port;
        self.req.addr.as_deref().and_then(|a| parse_listen(&[format!("{a}:{port}")], Default::default()).map(|l| l.addr))
    }

    /// The default server of the socket the request arrives on; `None` when nothing listens there.
    pub fn default_server(&self) -> Option<ServerId> {
        self.sim.index.socket_group(self.listen_port, self.arrival_addr().as_ref()).map(|g| g.default)
    }

    /// Picks the server for the Host header among the socket's servers, else the socket's default server.
    pub fn select_server(&mut self) -> Option<ServerId> {
        let m = self.model();
        let port = self.listen_port;
        let want = self.arrival_addr();
        let group = self.sim.index.socket_group(port, want.as_ref())?;
        let default = group.default;
        let req = self.req;
        let host = match req.header("host") {
            Some(h) => match validate_host(h) {
                Some(v) => v,
                None => return Some(default),
            },
            None => String::new(),
        };
        self.listen_ssl = m.servers[default].listens.iter().any(|l| l.port == port && l.ssl) || self.req.scheme == "https";
        match group.find_by_name(m, &host) {
            Some(found) => {
                let mut message = String::with_capacity(found.how.len() + host.len() + found.kind.len() + 40);
                for part in ["server \"", found.how, "\" (", found.kind, ") on port "] {
                    message.push_str(part);
                }
                push_number(&mut message, u32::from(port));
                for part in [" for host \"", &host, "\""] {
                    message.push_str(part);
                }
                self.step(message, found.span);
                self.caps = found.caps;
                self.named_caps = found.named;
                Some(found.server)
            }
            None => {
                let head = m.servers[default].head;
                let which = if group.explicit_default { "default_server" } else { "the first server" };
                self.step(format!("no server name matches \"{host}\": {which} of port {port} answers"), Some(head));
                Some(default)
            }
        }
    }

    /// Checks the Host header (HTTP/1.1 needs one); sets `$host`.
    pub fn host_is_valid(&mut self) -> bool {
        let sname = self.model().servers[self.server].primary_name().to_string();
        match self.req.header("host") {
            Some(h) => match validate_host(h) {
                Some(v) => {
                    self.host = v;
                    true
                }
                None => {
                    self.step(format!("400: invalid Host header \"{h}\""), None);
                    false
                }
            },
            None if self.protocol == "HTTP/1.1" => {
                self.step("400: HTTP/1.1 request without a Host header", None);
                false
            }
            None => {
                self.host = sname;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(validate_host("Example.COM.:80").as_deref(), Some("example.com"));
        assert_eq!(validate_host("a..b"), None);
        assert_eq!(validate_host("../etc"), None);
        assert_eq!(validate_host("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(validate_host("a b"), None);
        assert_eq!(validate_host(""), None);
    }
}
